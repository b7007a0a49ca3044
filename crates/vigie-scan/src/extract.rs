//! Text extraction from attachments: PDF, DOCX, ODT, XLSX, ODS, HTML, plain text, and ZIP
//! archives, with limits against decompression bombs.
//!
//! Every function here is pure over bytes and never panics on hostile input: a document that
//! cannot be read yields an [`ExtractError`] with a French reason, which the scan reports as a
//! part it could not read rather than stopping.

use std::io::{Cursor, Read};

use quick_xml::events::Event;

mod html;

/// Limits that keep memory bounded on hostile attachments.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Parts larger than this are not opened (their name and size are still used).
    pub max_part_bytes: usize,
    /// Largest uncompressed size read from one archive entry.
    pub max_entry_bytes: u64,
    /// Largest total uncompressed size read from one archive (all entries, nested included).
    pub max_archive_bytes: u64,
    /// Most entries looked at in one archive.
    pub max_archive_entries: usize,
    /// Largest ratio uncompressed / compressed accepted for an entry.
    pub max_compression_ratio: u64,
    /// How deep archives in archives and messages in messages are followed.
    pub max_depth: usize,
    /// Largest amount of text kept from one document.
    pub max_text_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_part_bytes: 64 << 20,
            max_entry_bytes: 32 << 20,
            max_archive_bytes: 128 << 20,
            max_archive_entries: 2_000,
            max_compression_ratio: 200,
            max_depth: 4,
            max_text_bytes: 16 << 20,
        }
    }
}

/// Why a document could not be read. The `Display` texts are French: they end up in reports.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum ExtractError {
    #[error("document trop volumineux ({size} octets, limite {limit}) : non ouvert")]
    TooLarge { size: u64, limit: u64 },
    #[error("archive suspecte (taux de compression {ratio}:1) : ouverture arrêtée par sécurité")]
    Bomb { ratio: u64 },
    #[error("archive trop profonde (archives imbriquées) : ouverture arrêtée par sécurité")]
    TooDeep,
    #[error("archive illisible ou chiffrée : {0}")]
    Archive(String),
    #[error("document PDF illisible : {0}")]
    Pdf(String),
    #[error("document bureautique illisible : {0}")]
    Office(String),
}

/// What kind of document a part is, judged from its media type, name and first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    PlainText,
    Html,
    Pdf,
    Docx,
    Xlsx,
    Pptx,
    OpenDocument,
    Zip,
    Image,
    Message,
    Other,
}

/// Guesses the kind of a document from its media type (`type/subtype`, lower case), its file
/// name and its first bytes. Content wins over labels, which senders often get wrong.
pub fn sniff(media_type: &str, name: Option<&str>, bytes: &[u8]) -> DocumentKind {
    let name = name.unwrap_or("").to_ascii_lowercase();
    let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    if bytes.starts_with(b"%PDF") {
        return DocumentKind::Pdf;
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return match ext {
            "docx" | "docm" | "dotx" => DocumentKind::Docx,
            "xlsx" | "xlsm" => DocumentKind::Xlsx,
            "pptx" => DocumentKind::Pptx,
            "odt" | "ods" | "odp" | "odg" | "ott" | "ots" => DocumentKind::OpenDocument,
            _ => match media_type {
                m if m.contains("wordprocessingml") => DocumentKind::Docx,
                m if m.contains("spreadsheetml") => DocumentKind::Xlsx,
                m if m.contains("presentationml") => DocumentKind::Pptx,
                m if m.contains("opendocument") => DocumentKind::OpenDocument,
                _ => DocumentKind::Zip,
            },
        };
    }
    if is_image_magic(bytes) || media_type.starts_with("image/") {
        return DocumentKind::Image;
    }
    if media_type == "message/rfc822" || ext == "eml" {
        return DocumentKind::Message;
    }
    match (media_type, ext) {
        ("application/pdf", _) | (_, "pdf") => DocumentKind::Pdf,
        ("text/html", _) | (_, "html") | (_, "htm") => DocumentKind::Html,
        (m, _) if m.starts_with("text/") => DocumentKind::PlainText,
        (_, "txt" | "csv" | "tsv" | "md" | "ics" | "vcf" | "xml" | "json") => {
            DocumentKind::PlainText
        }
        (_, "jpg" | "jpeg" | "png" | "gif" | "tif" | "tiff" | "bmp" | "webp" | "heic") => {
            DocumentKind::Image
        }
        _ => DocumentKind::Other,
    }
}

fn is_image_magic(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\x89PNG")
        || bytes.starts_with(b"\xFF\xD8\xFF")
        || bytes.starts_with(b"GIF8")
        || bytes.starts_with(b"II*\0")
        || bytes.starts_with(b"MM\0*")
        || (bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP"))
}

/// Decodes bytes as UTF-8, falling back to Windows-1252 (what French senders use when the
/// label is missing or wrong). Never fails.
pub fn decode_text(bytes: &[u8]) -> String {
    match crate::utf8::str_from_utf8(bytes) {
        Some(s) => s.to_owned(),
        None => bytes.iter().map(|&b| windows_1252(b)).collect(),
    }
}

fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9f => HIGH[(b - 0x80) as usize],
        _ => b as char,
    }
}

/// Repairs UTF-8 text that was decoded as Latin-1 because of a wrong charset label
/// (« rÃ©gler » → « régler »), a common fault of old mail software. Text that is not such
/// mojibake is returned unchanged.
pub fn repair_mislabelled_utf8(text: &str) -> Option<String> {
    if !has_mojibake_sign(text) {
        return None;
    }
    let mut bytes = Vec::with_capacity(text.len());
    for c in text.chars() {
        let code = u32::from(c);
        let byte = match code {
            0..=0xFF => code as u8,
            // Windows-1252 punctuation stands for bytes 0x80-0x9F when the label was cp1252.
            _ => match c {
                '€' => 0x80,
                '‚' => 0x82,
                'ƒ' => 0x83,
                '„' => 0x84,
                '…' => 0x85,
                '†' => 0x86,
                '‡' => 0x87,
                'ˆ' => 0x88,
                '‰' => 0x89,
                'Š' => 0x8A,
                '‹' => 0x8B,
                'Œ' => 0x8C,
                'Ž' => 0x8E,
                '‘' => 0x91,
                '’' => 0x92,
                '“' => 0x93,
                '”' => 0x94,
                '•' => 0x95,
                '–' => 0x96,
                '—' => 0x97,
                '˜' => 0x98,
                '™' => 0x99,
                'š' => 0x9A,
                '›' => 0x9B,
                'œ' => 0x9C,
                'ž' => 0x9E,
                'Ÿ' => 0x9F,
                _ => return None,
            },
        };
        bytes.push(byte);
    }
    crate::utf8::string(bytes)
}

/// Whether `text` contains « Ã », « Â » or « â€ »: « Ã » and « Â » start nearly every accented
/// letter read the wrong way, « â€ » starts the typographic quotes and dashes. (« â » alone is
/// ordinary French: not a sign.)
///
/// One pass over every body: in UTF-8 the three signs hold byte 0x82 or 0x83 (`C3 83`,
/// `C3 82`, `C3 A2 E2 82 AC`), which French text otherwise almost never has, so a `memchr2`
/// for them finds every candidate and the bytes around it decide.
fn has_mojibake_sign(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr2_iter(0x82, 0x83, bytes).any(|i| {
        let before = |k: usize| i.checked_sub(k).and_then(|p| bytes.get(p)).copied();
        before(1) == Some(0xC3)
            || (bytes.get(i) == Some(&0x82)
                && before(1) == Some(0xE2)
                && before(2) == Some(0xA2)
                && before(3) == Some(0xC3)
                && bytes.get(i + 1) == Some(&0xAC))
    })
}

/// Converts HTML to text (tags removed, entities decoded): the same text as mail-parser's
/// converter, byte for byte, in a quarter to a third of the instructions (`extract/html.rs`).
pub fn html_to_text(html: &str) -> String {
    html::html_to_text(html)
}

/// Extracts the text of a PDF.
///
/// `pdf-extract` is the maintained pure-Rust extractor, but it is known to panic on some
/// malformed files; the panic is contained here and reported as an unreadable PDF, so a hostile
/// attachment can never stop a scan.
pub fn pdf_text(bytes: &[u8], limits: &Limits) -> Result<String, ExtractError> {
    check_size(bytes.len(), limits)?;
    let result = quiet_catch_unwind(|| pdf_extract::extract_text_from_mem(bytes));
    match result {
        Ok(Ok(mut text)) => {
            truncate_at_char(&mut text, limits.max_text_bytes);
            Ok(text)
        }
        Ok(Err(e)) => Err(ExtractError::Pdf(short_reason(&e.to_string()))),
        Err(()) => Err(ExtractError::Pdf("structure invalide".into())),
    }
}

fn short_reason(s: &str) -> String {
    let mut s: String = s.chars().take(120).collect();
    if s.is_empty() {
        s.push_str("raison inconnue");
    }
    s
}

thread_local! {
    static QUIET_PANICS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f`, turning a panic into `Err(())` without printing the panic message: third-party
/// parsers that panic on hostile files must not scribble over the progress bar or the JSON
/// output. Other panics of the process still print as usual.
pub(crate) fn quiet_catch_unwind<T>(f: impl FnOnce() -> T) -> Result<T, ()> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET_PANICS.with(|q| q.get()) {
                previous(info);
            }
        }));
    });
    QUIET_PANICS.with(|q| q.set(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    QUIET_PANICS.with(|q| q.set(false));
    result.map_err(|_| ())
}

fn check_size(len: usize, limits: &Limits) -> Result<(), ExtractError> {
    if len > limits.max_part_bytes {
        return Err(ExtractError::TooLarge {
            size: len as u64,
            limit: limits.max_part_bytes as u64,
        });
    }
    Ok(())
}

fn truncate_at_char(text: &mut String, max: usize) {
    if text.len() > max {
        let mut cut = max;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
    }
}

/// Extracts the visible text of an XML document part (DOCX `word/document.xml`, ODF
/// `content.xml`, XLSX shared strings and sheets): text nodes, with line breaks at paragraph,
/// row and cell ends so that numbers in neighbouring cells are not glued together.
pub fn xml_text(xml: &[u8], max_text: usize) -> Result<String, ExtractError> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut out = String::new();
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Text(t)) => {
                let text = t
                    .unescape()
                    .map(|c| c.into_owned())
                    .unwrap_or_else(|_| String::from_utf8_lossy(t.as_ref()).into_owned());
                out.push_str(&text);
            }
            Ok(Event::CData(t)) => out.push_str(&String::from_utf8_lossy(t.as_ref())),
            Ok(Event::End(e)) => {
                let name = e.local_name();
                match name.as_ref() {
                    b"p" | b"h" | b"row" | b"table-row" | b"tr" | b"si" | b"br" => out.push('\n'),
                    b"c" | b"tc" | b"table-cell" | b"v" => out.push('\t'),
                    _ => {}
                }
            }
            Ok(Event::Empty(e)) => match e.local_name().as_ref() {
                b"br" | b"line-break" | b"cr" => out.push('\n'),
                b"tab" | b"s" => out.push(' '),
                _ => {}
            },
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => {
                if out.is_empty() {
                    return Err(ExtractError::Office(short_reason(&e.to_string())));
                }
                // Keep what was read before the damage: it may already hold the IBAN.
                break;
            }
        }
        if out.len() > max_text {
            truncate_at_char(&mut out, max_text);
            break;
        }
        buf.clear();
    }
    Ok(out)
}

/// One file read out of an archive.
#[derive(Debug)]
pub struct ArchiveEntry {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Reads the entries of a ZIP archive, within the limits: at most `max_archive_entries`
/// entries, each at most `max_entry_bytes`, `max_archive_bytes` in all, and a compression ratio
/// under `max_compression_ratio` (a ZIP bomb stops here). `budget` is shared with nested archives
/// so that archives of archives cannot multiply the allowance.
///
/// Entries are filtered by `want` before being decompressed, so office documents read only the
/// parts that hold text.
pub fn zip_entries(
    bytes: &[u8],
    limits: &Limits,
    budget: &mut u64,
    want: impl Fn(&str) -> bool,
) -> Result<Vec<ArchiveEntry>, ExtractError> {
    check_size(bytes.len(), limits)?;
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| ExtractError::Archive(short_reason(&e.to_string())))?;
    let mut entries = Vec::new();
    let count = archive.len().min(limits.max_archive_entries);
    for index in 0..count {
        let mut file = match archive.by_index(index) {
            Ok(f) => f,
            // One damaged or encrypted entry must not hide the others.
            Err(_) => continue,
        };
        if file.is_dir() || !want(file.name()) {
            continue;
        }
        let declared = file.size();
        let compressed = file.compressed_size().max(1);
        let ratio = declared / compressed;
        if declared > limits.max_entry_bytes.min(*budget) && ratio > limits.max_compression_ratio {
            return Err(ExtractError::Bomb { ratio });
        }
        // The declared size can lie: read through `take` and measure what really came out.
        let cap = limits.max_entry_bytes.min(*budget);
        let mut data = Vec::with_capacity(declared.min(cap).min(1 << 20) as usize);
        let read = (&mut file)
            .take(cap + 1)
            .read_to_end(&mut data)
            .map_err(|e| ExtractError::Archive(short_reason(&e.to_string())))?;
        let read = read as u64;
        if read > cap {
            let ratio = read / compressed;
            if ratio > limits.max_compression_ratio {
                return Err(ExtractError::Bomb { ratio });
            }
            return Err(ExtractError::TooLarge {
                size: read,
                limit: cap,
            });
        }
        *budget = budget.saturating_sub(read);
        entries.push(ArchiveEntry {
            name: file.name().to_owned(),
            bytes: data,
        });
    }
    Ok(entries)
}

/// Extracts the text of an office document (DOCX, XLSX, PPTX or OpenDocument).
pub fn office_text(
    kind: DocumentKind,
    bytes: &[u8],
    limits: &Limits,
    budget: &mut u64,
) -> Result<String, ExtractError> {
    let want: fn(&str) -> bool = match kind {
        DocumentKind::Docx => |n| {
            n == "word/document.xml"
                || (n.starts_with("word/")
                    && (n.contains("header") || n.contains("footer") || n.contains("footnotes")))
        },
        DocumentKind::Xlsx => |n| {
            n == "xl/sharedStrings.xml" || (n.starts_with("xl/worksheets/") && n.ends_with(".xml"))
        },
        DocumentKind::Pptx => |n| n.starts_with("ppt/slides/slide") && n.ends_with(".xml"),
        DocumentKind::OpenDocument => |n| n == "content.xml" || n == "styles.xml",
        _ => return Err(ExtractError::Office("type de document inattendu".into())),
    };
    let mut entries = zip_entries(bytes, limits, budget, want)?;
    // Reading order matters for numbers split across cells: keep the archive's names sorted.
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    let mut text = String::new();
    for entry in entries {
        text.push_str(&xml_text(&entry.bytes, limits.max_text_bytes)?);
        text.push('\n');
        if text.len() > limits.max_text_bytes {
            truncate_at_char(&mut text, limits.max_text_bytes);
            break;
        }
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    proptest::proptest! {
        #[test]
        fn mojibake_signs(s in "[aÃÂâ€é‚ƒ\u{20ec}\u{2082}x ]{0,12}") {
            proptest::prop_assert_eq!(
                has_mojibake_sign(&s),
                s.contains('Ã') || s.contains('Â') || s.contains("â€")
            );
        }
    }

    fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut out);
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            for (name, data) in files {
                w.start_file(*name, opts).unwrap();
                w.write_all(data).unwrap();
            }
            w.finish().unwrap();
        }
        out.into_inner()
    }

    #[test]
    fn sniff_prefers_content_over_labels() {
        assert_eq!(
            sniff("application/octet-stream", Some("x.bin"), b"%PDF-1.4"),
            DocumentKind::Pdf
        );
        assert_eq!(
            sniff(
                "application/octet-stream",
                Some("Facture.DOCX"),
                b"PK\x03\x04rest"
            ),
            DocumentKind::Docx
        );
        assert_eq!(
            sniff("image/png", Some("sig.png"), b"\x89PNG"),
            DocumentKind::Image
        );
        assert_eq!(sniff("text/plain", None, b"hello"), DocumentKind::PlainText);
        assert_eq!(
            sniff("application/zip", Some("a.zip"), b"PK\x03\x04"),
            DocumentKind::Zip
        );
    }

    #[test]
    fn docx_text_keeps_paragraphs_apart() {
        let xml = br#"<?xml version="1.0"?><w:document xmlns:w="x"><w:body>
            <w:p><w:r><w:t>IBAN : FR76 3000</w:t></w:r><w:r><w:t xml:space="preserve"> 6000 0112</w:t></w:r></w:p>
            <w:p><w:r><w:t>Facture n&#176; 42 &amp; d&#233;tail</w:t></w:r></w:p></w:body></w:document>"#;
        let docx = zip_of(&[("word/document.xml", xml), ("word/styles.xml", b"<x/>")]);
        let mut budget = u64::MAX;
        let text = office_text(DocumentKind::Docx, &docx, &Limits::default(), &mut budget).unwrap();
        assert!(text.contains("IBAN : FR76 3000 6000 0112"), "{text}");
        assert!(text.contains("Facture n° 42 & détail"), "{text}");
    }

    #[test]
    fn xlsx_cells_are_separated() {
        let strings = br#"<sst><si><t>Code banque</t></si><si><t>30006</t></si></sst>"#;
        let sheet = br#"<worksheet><sheetData><row><c><v>0</v></c><c><v>1</v></c></row></sheetData></worksheet>"#;
        let xlsx = zip_of(&[
            ("xl/sharedStrings.xml", strings),
            ("xl/worksheets/sheet1.xml", sheet),
        ]);
        let mut budget = u64::MAX;
        let text = office_text(DocumentKind::Xlsx, &xlsx, &Limits::default(), &mut budget).unwrap();
        assert!(text.contains("Code banque\n30006"), "{text:?}");
        assert!(!text.contains("01"), "cells glued together: {text:?}");
    }

    #[test]
    fn zip_bomb_is_refused() {
        let zeros = vec![0u8; 50 << 20];
        let bomb = zip_of(&[("zeros.txt", &zeros)]);
        assert!(bomb.len() < 200_000);
        let limits = Limits {
            max_entry_bytes: 8 << 20,
            ..Limits::default()
        };
        let mut budget = limits.max_archive_bytes;
        let err = zip_entries(&bomb, &limits, &mut budget, |_| true).unwrap_err();
        assert!(matches!(err, ExtractError::Bomb { .. }), "{err:?}");
        assert!(err.to_string().contains("archive suspecte"));
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        let mut budget = u64::MAX;
        assert!(
            zip_entries(
                b"PK\x03\x04garbage",
                &Limits::default(),
                &mut budget,
                |_| true
            )
            .is_err()
        );
        assert!(pdf_text(b"%PDF-1.4 garbage", &Limits::default()).is_err());
        // Broken XML keeps what was read before the damage.
        let text = xml_text(b"<p>IBAN FR76</p><a></b>", 1000).unwrap();
        assert!(text.contains("IBAN FR76"), "{text:?}");
        assert!(xml_text(b"</b>", 1000).is_err());
    }

    #[test]
    fn mislabelled_utf8_is_repaired() {
        assert_eq!(
            repair_mislabelled_utf8("rÃ©gler la facture impayÃ©e â€“ coÃ»t").as_deref(),
            Some("régler la facture impayée – coût")
        );
        assert_eq!(repair_mislabelled_utf8("déjà réglé"), None);
        // Real Latin-1 text with an « Â » stays as it is.
        assert_eq!(repair_mislabelled_utf8("Â bientôt"), None);
    }

    #[test]
    fn windows_1252_fallback() {
        assert_eq!(decode_text(b"r\xe9sum\xe9 \x80"), "résumé €");
        assert_eq!(decode_text("déjà".as_bytes()), "déjà");
    }
}
