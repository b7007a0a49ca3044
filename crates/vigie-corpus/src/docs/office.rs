//! Office documents (DOCX, XLSX, ODT, ODS) and ZIP archives, written with the `zip` crate.
//!
//! Only the parts a reader needs are written (`word/document.xml`, `xl/sharedStrings.xml` and
//! a sheet, `content.xml`), plus the manifests that make LibreOffice and Word open them. Word
//! splits paragraphs into several runs; so does this writer, at a space near the middle of long
//! paragraphs, because an extractor that does not join runs would miss values cut that way.

use std::io::{Cursor, Write};

use zip::CompressionMethod;
use zip::write::{SimpleFileOptions, ZipWriter};

use super::{Block, Doc};
use crate::CorpusError;

/// Escapes text for XML content and attributes.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

fn options(doc_date: (u16, u8, u8, u8, u8, u8), method: CompressionMethod) -> SimpleFileOptions {
    let (y, mo, d, h, mi, s) = doc_date;
    let dt =
        zip::DateTime::from_date_and_time(y.clamp(1980, 2107), mo, d, h, mi, s).unwrap_or_default();
    SimpleFileOptions::default()
        .compression_method(method)
        .last_modified_time(dt)
        .unix_permissions(0o644)
}

/// Writes a ZIP archive of `(name, bytes, stored)` entries. Every entry is stored without
/// compression: the committed demo must be byte-identical whatever deflate backend `flate2` is
/// built with, and that changes with cargo's feature unification (typst, in the workspace,
/// selects zlib-rs, whose output differs from miniz_oxide's). `stored` is kept in the signature
/// for the callers that require it (ODF's `mimetype`).
pub fn zip_archive(
    date: (u16, u8, u8, u8, u8, u8),
    entries: &[(&str, &[u8], bool)],
) -> Result<Vec<u8>, CorpusError> {
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data, stored) in entries {
        let _must_be_stored = stored;
        w.start_file(*name, options(date, CompressionMethod::Stored))?;
        w.write_all(data)
            .map_err(|e| CorpusError::Zip(zip::result::ZipError::Io(e)))?;
    }
    Ok(w.finish()?.into_inner())
}

/// Splits a long paragraph in two runs at a space near its middle.
fn runs(text: &str) -> Vec<&str> {
    if text.chars().count() < 40 {
        return vec![text];
    }
    let mut mid = text.len() / 2;
    while !text.is_char_boundary(mid) {
        mid -= 1;
    }
    match text[..mid].rfind(' ') {
        Some(i) if i > 0 => vec![&text[..i], &text[i..]],
        _ => vec![text],
    }
}

fn docx_para(text: &str, bold: bool, out: &mut String) {
    out.push_str("<w:p>");
    if bold {
        out.push_str("<w:pPr><w:pStyle w:val=\"Titre1\"/></w:pPr>");
    }
    for (i, line) in text.split('\n').enumerate() {
        for r in runs(line) {
            out.push_str("<w:r>");
            if bold {
                out.push_str("<w:rPr><w:b/></w:rPr>");
            }
            if i > 0 {
                out.push_str("<w:br/>");
            }
            out.push_str("<w:t xml:space=\"preserve\">");
            out.push_str(&xml_escape(r));
            out.push_str("</w:t></w:r>");
        }
    }
    out.push_str("</w:p>");
}

/// A Word document.
pub fn docx(doc: &Doc) -> Result<Vec<u8>, CorpusError> {
    let mut body = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>",
    );
    for b in &doc.blocks {
        match b {
            Block::Title(t) => docx_para(t, true, &mut body),
            Block::Para(p) => docx_para(p, false, &mut body),
            Block::Table(rows) => {
                body.push_str("<w:tbl><w:tblPr><w:tblStyle w:val=\"Grilledutableau\"/><w:tblW w:w=\"0\" w:type=\"auto\"/></w:tblPr>");
                for r in rows {
                    body.push_str("<w:tr>");
                    for c in r {
                        body.push_str("<w:tc><w:tcPr><w:tcW w:w=\"0\" w:type=\"auto\"/></w:tcPr>");
                        docx_para(c, false, &mut body);
                        body.push_str("</w:tc>");
                    }
                    body.push_str("</w:tr>");
                }
                body.push_str("</w:tbl>");
            }
        }
    }
    body.push_str(
        "<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/></w:sectPr></w:body></w:document>",
    );
    let content_types = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>";
    let rels = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>";
    zip_archive(
        doc.date,
        &[
            ("[Content_Types].xml", content_types.as_bytes(), false),
            ("_rels/.rels", rels.as_bytes(), false),
            ("word/document.xml", body.as_bytes(), false),
        ],
    )
}

const ODF_NS: &str = "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" office:version=\"1.3\"";

fn odf_manifest(mime: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.3\"><manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"{mime}\"/><manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/></manifest:manifest>"
    )
}

/// ODF text: consecutive spaces are written `<text:s text:c="n"/>` as LibreOffice does.
fn odf_text(s: &str) -> String {
    let mut out = String::new();
    for (i, line) in s.split('\n').enumerate() {
        if i > 0 {
            out.push_str("<text:line-break/>");
        }
        let mut spaces = 0usize;
        for c in line.chars() {
            if c == ' ' {
                spaces += 1;
                continue;
            }
            flush_spaces(&mut out, &mut spaces);
            out.push_str(&xml_escape(&c.to_string()));
        }
        flush_spaces(&mut out, &mut spaces);
    }
    out
}

fn flush_spaces(out: &mut String, spaces: &mut usize) {
    match *spaces {
        0 => {}
        1 => out.push(' '),
        n => out.push_str(&format!(" <text:s text:c=\"{}\"/>", n - 1)),
    }
    *spaces = 0;
}

fn odf_package(doc: &Doc, mime: &str, content: &str) -> Result<Vec<u8>, CorpusError> {
    let manifest = odf_manifest(mime);
    zip_archive(
        doc.date,
        &[
            ("mimetype", mime.as_bytes(), true),
            ("content.xml", content.as_bytes(), false),
            ("META-INF/manifest.xml", manifest.as_bytes(), false),
        ],
    )
}

/// An OpenDocument text.
pub fn odt(doc: &Doc) -> Result<Vec<u8>, CorpusError> {
    let mut c = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<office:document-content {ODF_NS}><office:body><office:text>"
    );
    for b in &doc.blocks {
        match b {
            Block::Title(t) => {
                c.push_str("<text:h text:outline-level=\"1\">");
                c.push_str(&odf_text(t));
                c.push_str("</text:h>");
            }
            Block::Para(p) => {
                c.push_str("<text:p>");
                c.push_str(&odf_text(p));
                c.push_str("</text:p>");
            }
            Block::Table(rows) => {
                let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
                c.push_str(&format!(
                    "<table:table table:name=\"Tableau1\"><table:table-column table:number-columns-repeated=\"{cols}\"/>"
                ));
                for r in rows {
                    c.push_str("<table:table-row>");
                    for cell in r {
                        c.push_str("<table:table-cell office:value-type=\"string\"><text:p>");
                        c.push_str(&odf_text(cell));
                        c.push_str("</text:p></table:table-cell>");
                    }
                    c.push_str("</table:table-row>");
                }
                c.push_str("</table:table>");
            }
        }
    }
    c.push_str("</office:text></office:body></office:document-content>");
    odf_package(doc, "application/vnd.oasis.opendocument.text", &c)
}

/// Rows of a spreadsheet made from a document: titles and paragraphs become one-cell rows,
/// tables their rows.
fn sheet_rows(doc: &Doc) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for b in &doc.blocks {
        match b {
            Block::Title(t) => rows.push(vec![t.clone()]),
            Block::Para(p) => {
                for line in p.split('\n') {
                    rows.push(vec![line.to_string()]);
                }
            }
            Block::Table(t) => {
                rows.extend(t.iter().cloned());
            }
        }
        rows.push(Vec::new());
    }
    rows
}

/// A cell that is an amount (« 1 234,56 » or « 12,00 € ») is written as a number, the rest as
/// text: identifiers stay text, as a careful accountant types them (a SIRET typed as a number
/// would be shown 7,33E+13).
fn as_number(s: &str) -> Option<String> {
    if !s.contains(',') {
        return None;
    }
    let t = s.replace(['\u{a0}', ' '], "").replace(',', ".");
    let t = t.trim_end_matches('€').to_string();
    let ok = !t.is_empty()
        && t.len() <= 12
        && t.chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '-')
        && t.chars().filter(|c| *c == '.').count() <= 1
        && !t.starts_with('0')
        && t.parse::<f64>().is_ok();
    ok.then_some(t)
}

fn col_name(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8_lossy(&s).into_owned()
}

/// An Excel workbook with one sheet; text cells go to `xl/sharedStrings.xml`.
pub fn xlsx(doc: &Doc) -> Result<Vec<u8>, CorpusError> {
    let rows = sheet_rows(doc);
    let mut strings: Vec<String> = Vec::new();
    let mut sheet = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>",
    );
    for (ri, r) in rows.iter().enumerate() {
        sheet.push_str(&format!("<row r=\"{}\">", ri + 1));
        for (ci, cell) in r.iter().enumerate() {
            let reference = format!("{}{}", col_name(ci), ri + 1);
            if let Some(n) = as_number(cell) {
                sheet.push_str(&format!("<c r=\"{reference}\"><v>{n}</v></c>"));
            } else {
                let idx = match strings.iter().position(|s| s == cell) {
                    Some(i) => i,
                    None => {
                        strings.push(cell.clone());
                        strings.len() - 1
                    }
                };
                sheet.push_str(&format!("<c r=\"{reference}\" t=\"s\"><v>{idx}</v></c>"));
            }
        }
        sheet.push_str("</row>");
    }
    sheet.push_str("</sheetData></worksheet>");
    let mut sst = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"{0}\" uniqueCount=\"{0}\">",
        strings.len()
    );
    for s in &strings {
        sst.push_str("<si><t xml:space=\"preserve\">");
        sst.push_str(&xml_escape(s));
        sst.push_str("</t></si>");
    }
    sst.push_str("</sst>");
    let content_types = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/><Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/><Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"/></Types>";
    let rels = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>";
    let workbook = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets><sheet name=\"Feuil1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
    let wb_rels = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/></Relationships>";
    zip_archive(
        doc.date,
        &[
            ("[Content_Types].xml", content_types.as_bytes(), false),
            ("_rels/.rels", rels.as_bytes(), false),
            ("xl/workbook.xml", workbook.as_bytes(), false),
            ("xl/_rels/workbook.xml.rels", wb_rels.as_bytes(), false),
            ("xl/worksheets/sheet1.xml", sheet.as_bytes(), false),
            ("xl/sharedStrings.xml", sst.as_bytes(), false),
        ],
    )
}

/// An OpenDocument spreadsheet.
pub fn ods(doc: &Doc) -> Result<Vec<u8>, CorpusError> {
    let rows = sheet_rows(doc);
    let mut c = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<office:document-content {ODF_NS}><office:body><office:spreadsheet><table:table table:name=\"Feuille1\">"
    );
    for r in &rows {
        c.push_str("<table:table-row>");
        if r.is_empty() {
            c.push_str("<table:table-cell/>");
        }
        for cell in r {
            if let Some(n) = as_number(cell) {
                c.push_str(&format!(
                    "<table:table-cell office:value-type=\"float\" office:value=\"{n}\"><text:p>{}</text:p></table:table-cell>",
                    xml_escape(cell)
                ));
            } else {
                c.push_str("<table:table-cell office:value-type=\"string\"><text:p>");
                c.push_str(&odf_text(cell));
                c.push_str("</text:p></table:table-cell>");
            }
        }
        c.push_str("</table:table-row>");
    }
    c.push_str("</table:table></office:spreadsheet></office:body></office:document-content>");
    odf_package(doc, "application/vnd.oasis.opendocument.spreadsheet", &c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn entry(zip: &[u8], name: &str) -> String {
        let mut a = zip::ZipArchive::new(Cursor::new(zip)).expect("zip");
        let mut f = a.by_name(name).expect("entry");
        let mut s = String::new();
        f.read_to_string(&mut s).expect("utf-8");
        s
    }

    fn sample() -> Doc {
        let mut d = Doc::new((2021, 5, 6, 7, 8, 9));
        d.title("Relevé d'identité bancaire")
            .para("Titulaire : SARL Vaudrelle & Fils, IBAN FR76 3000 4000 1234 5678 9012 345")
            .table(vec![
                vec!["Code banque".into(), "Code guichet".into()],
                vec!["30004".into(), "00123".into()],
                vec!["Montant".into(), "1 234,56".into()],
            ]);
        d
    }

    #[test]
    fn docx_has_text() {
        let z = docx(&sample()).expect("docx");
        let x = entry(&z, "word/document.xml");
        assert!(x.contains("Vaudrelle &amp; Fils"));
        assert!(x.contains("<w:t xml:space=\"preserve\">30004</w:t>"));
    }

    #[test]
    fn odf_mimetype_first_and_stored() {
        let z = odt(&sample()).expect("odt");
        assert_eq!(&z[30..38], b"mimetype");
        assert!(entry(&z, "content.xml").contains("<text:p>30004</text:p>"));
        let z = ods(&sample()).expect("ods");
        assert!(entry(&z, "content.xml").contains("office:value=\"1234.56\""));
    }

    #[test]
    fn xlsx_shared_strings() {
        let z = xlsx(&sample()).expect("xlsx");
        let s = entry(&z, "xl/sharedStrings.xml");
        assert!(s.contains("Code guichet"));
        assert!(s.contains("30004"), "identifiers stay text: {s}");
        assert!(entry(&z, "xl/worksheets/sheet1.xml").contains("<v>1234.56</v>"));
        assert_eq!(col_name(0), "A");
        assert_eq!(col_name(27), "AB");
    }

    #[test]
    fn zip_is_deterministic() {
        assert_eq!(docx(&sample()).ok(), docx(&sample()).ok());
    }
}
