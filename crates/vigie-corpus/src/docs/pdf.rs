//! A minimal PDF writer: uncompressed content streams, the standard Type1 fonts Helvetica and
//! Helvetica-Bold with WinAnsiEncoding, an exact cross-reference table.
//!
//! That is the simplest PDF that text extractors (pdf-extract, pdftotext) read back reliably,
//! which is what the corpus needs: the planted values must be recoverable from the text layer,
//! as they are in an invoice exported by accounting software.

use super::{Block, Doc};
use crate::mime::Charset;

const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const MARGIN: f32 = 56.0;
const LEADING: f32 = 13.0;
/// Characters per line at 10 pt Helvetica on an A4 page with our margins (approximate).
const WRAP: usize = 92;

/// One line of the page: its font (1 regular, 2 bold), size and text.
struct Line {
    font: u8,
    size: f32,
    text: String,
    /// Table cells with their x offset from the margin; `text` is then unused.
    cells: Vec<(f32, String)>,
}

fn wrap(text: &str, width: usize, out: &mut Vec<String>) {
    for raw_line in text.split('\n') {
        let mut line = String::new();
        for word in raw_line.split(' ') {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
                out.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        out.push(line);
    }
}

fn layout(doc: &Doc) -> Vec<Line> {
    let mut lines = Vec::new();
    for b in &doc.blocks {
        match b {
            Block::Title(t) => {
                lines.push(Line {
                    font: 2,
                    size: 14.0,
                    text: t.clone(),
                    cells: Vec::new(),
                });
            }
            Block::Para(p) => {
                let mut wrapped = Vec::new();
                wrap(p, WRAP, &mut wrapped);
                for w in wrapped {
                    lines.push(Line {
                        font: 1,
                        size: 10.0,
                        text: w,
                        cells: Vec::new(),
                    });
                }
            }
            Block::Table(rows) => {
                // Each column starts at its own x, after the widest cell of the previous one
                // (estimated from Helvetica's widths at 9 pt, bold header included).
                let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
                let mut offsets = Vec::with_capacity(cols);
                let mut x = 0.0f32;
                for c in 0..cols {
                    offsets.push(x);
                    let widest = rows
                        .iter()
                        .filter_map(|r| r.get(c))
                        .map(|s| text_width(s, 9.0))
                        .fold(0.0f32, f32::max);
                    x += (widest + 12.0).ceil();
                }
                for (i, r) in rows.iter().enumerate() {
                    lines.push(Line {
                        font: if i == 0 { 2 } else { 1 },
                        size: 9.0,
                        text: String::new(),
                        cells: r
                            .iter()
                            .enumerate()
                            .map(|(c, cell)| (offsets[c], cell.clone()))
                            .collect(),
                    });
                }
            }
        }
        lines.push(Line {
            font: 1,
            size: 10.0,
            text: String::new(),
            cells: Vec::new(),
        });
    }
    lines
}

/// Approximate width in points of `s` in Helvetica (bold) at `size`: capitals and digits are
/// wider than lower case. Over-estimating is harmless; under-estimating overlaps columns.
fn text_width(s: &str, size: f32) -> f32 {
    let em: f32 = s
        .chars()
        .map(|c| match c {
            'M' | 'W' | 'm' | 'w' | '@' | '%' => 0.89,
            c if c.is_uppercase() => 0.72,
            c if c.is_ascii_digit() => 0.56,
            ' ' | 'i' | 'l' | 'j' | '.' | ',' | '\'' | '|' | '!' => 0.28,
            'f' | 't' | 'r' | 'I' => 0.39,
            _ => 0.56,
        })
        .sum();
    em * size
}

/// A PDF literal string in WinAnsiEncoding: `\`, `(` and `)` escaped, bytes above 127 in octal.
fn pdf_string(text: &str) -> String {
    let bytes = Charset::Windows1252.encode(&Charset::Windows1252.downgrade(text));
    let mut out = String::with_capacity(bytes.len() + 2);
    out.push('(');
    for b in bytes {
        match b {
            b'\\' | b'(' | b')' => {
                out.push('\\');
                out.push(char::from(b));
            }
            32..=126 => out.push(char::from(b)),
            _ => out.push_str(&format!("\\{b:03o}")),
        }
    }
    out.push(')');
    out
}

fn content_stream(lines: &[Line]) -> String {
    let mut s = String::from("BT\n");
    let mut y = PAGE_H - MARGIN;
    let mut first = true;
    for l in lines {
        if first {
            s.push_str(&format!("{MARGIN} {y} Td\n"));
            first = false;
        } else {
            s.push_str(&format!("0 -{LEADING} Td\n"));
        }
        y -= LEADING;
        if !l.text.is_empty() {
            s.push_str(&format!(
                "/F{} {} Tf\n{} Tj\n",
                l.font,
                l.size,
                pdf_string(&l.text)
            ));
        }
        if !l.cells.is_empty() {
            s.push_str(&format!("/F{} {} Tf\n", l.font, l.size));
            // Td is relative to the start of the current line: move right to each cell, then
            // back to the margin so the next line's Td stays a plain line feed.
            let mut at = 0.0f32;
            for (x, cell) in &l.cells {
                if *x != at {
                    s.push_str(&format!("{} 0 Td\n", x - at));
                    at = *x;
                }
                s.push_str(&format!("{} Tj\n", pdf_string(cell)));
            }
            if at != 0.0 {
                s.push_str(&format!("{} 0 Td\n", -at));
            }
        }
    }
    s.push_str("ET\n");
    s
}

/// Writes `doc` as a PDF 1.4 file.
pub fn write(doc: &Doc) -> Vec<u8> {
    let lines = layout(doc);
    let per_page = ((PAGE_H - 2.0 * MARGIN) / LEADING) as usize;
    let pages: Vec<&[Line]> = if lines.is_empty() {
        vec![&[]]
    } else {
        lines.chunks(per_page).collect()
    };

    // Objects: 1 catalog, 2 pages, 3 F1, 4 F2, 5 info, then (page, content) per page.
    let mut objects: Vec<String> = Vec::new();
    let kids: Vec<String> = (0..pages.len())
        .map(|i| format!("{} 0 R", 6 + 2 * i))
        .collect();
    objects.push("<< /Type /Catalog /Pages 2 0 R >>".to_string());
    objects.push(format!(
        "<< /Type /Pages /Kids [{}] /Count {} >>",
        kids.join(" "),
        pages.len()
    ));
    objects.push(
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_string(),
    );
    objects.push(
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"
            .to_string(),
    );
    let (y, mo, d, h, mi, s) = doc.date;
    objects.push(format!(
        "<< /Producer (vigie-corpus) /CreationDate (D:{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}) >>"
    ));
    for (i, page) in pages.iter().enumerate() {
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {} 0 R >>",
            7 + 2 * i
        ));
        let stream = content_stream(page);
        objects.push(format!(
            "<< /Length {} >>\nstream\n{stream}endstream",
            stream.len()
        ));
    }

    let mut out: Vec<u8> = Vec::new();
    out.extend_from_slice(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n");
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R /Info 5 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
        hay.windows(needle.len()).position(|w| w == needle)
    }

    #[test]
    fn xref_offsets_point_at_objects() {
        let mut d = Doc::new((2020, 1, 2, 3, 4, 5));
        d.title("Facture n° 12")
            .para("Réglé (par virement) \\ merci");
        let pdf = write(&d);
        let sx = find(&pdf, b"startxref\n").unwrap_or(0) + 10;
        let num: String = pdf[sx..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .map(|&b| char::from(b))
            .collect();
        let start: usize = num.parse().unwrap_or(0);
        assert!(pdf[start..].starts_with(b"xref"));
        // Third line after "xref": the entry of object 1.
        let entry_at = start + "xref\n0 8\n0000000000 65535 f \n".len();
        let off: usize = String::from_utf8_lossy(&pdf[entry_at..entry_at + 10])
            .parse()
            .unwrap_or(0);
        assert!(pdf[off..].starts_with(b"1 0 obj"));
        assert!(find(&pdf, b"(Facture n\\260 12)").is_some());
        assert!(find(&pdf, b"\\(par virement\\) \\\\ merci").is_some());
        assert!(find(&pdf, b"R\\351gl\\351").is_some());
    }
}
