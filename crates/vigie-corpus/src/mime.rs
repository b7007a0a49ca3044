//! A small MIME writer: charsets, transfer encodings, RFC 2047 headers, multiparts.
//!
//! Written here rather than taken from a mail-building crate because the corpus needs what such
//! crates avoid on purpose: single-byte charsets, a wrong charset label, a broken multipart,
//! file names carrying markup. Lines end with LF, as in Maildir files written by Dovecot.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;

/// Character sets of text parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charset {
    Utf8,
    Latin1,
    Windows1252,
    /// Pure ASCII text, labelled `us-ascii`.
    Ascii,
}

impl Charset {
    pub fn label(self) -> &'static str {
        match self {
            Charset::Utf8 => "utf-8",
            Charset::Latin1 => "iso-8859-1",
            Charset::Windows1252 => "windows-1252",
            Charset::Ascii => "us-ascii",
        }
    }

    /// Whether the charset can carry every character (U+202F, emoji…).
    pub fn is_unicode(self) -> bool {
        self == Charset::Utf8
    }

    /// Replaces the characters this charset cannot carry by what a mail client would write, so
    /// that the text a reader decodes is exactly the returned string.
    pub fn downgrade(self, text: &str) -> String {
        match self {
            Charset::Utf8 => text.to_string(),
            Charset::Latin1 | Charset::Windows1252 | Charset::Ascii => {
                let mut out = String::with_capacity(text.len());
                for c in text.chars() {
                    if self.byte_of(c).is_some() {
                        out.push(c);
                        continue;
                    }
                    match c {
                        '\u{202f}' => {
                            if self.byte_of('\u{a0}').is_some() {
                                out.push('\u{a0}')
                            } else {
                                out.push(' ')
                            }
                        }
                        '\u{a0}' => out.push(' '),
                        '€' => out.push_str("EUR"),
                        '’' | '‘' => out.push('\''),
                        '“' | '”' | '«' | '»' => out.push('"'),
                        '–' | '—' => out.push('-'),
                        '…' => out.push_str("..."),
                        'œ' => out.push_str("oe"),
                        'Œ' => out.push_str("OE"),
                        _ => {
                            let plain = ascii_fold(c);
                            if plain.is_empty() {
                                out.push('?');
                            } else {
                                out.push_str(plain);
                            }
                        }
                    }
                }
                out
            }
        }
    }

    fn byte_of(self, c: char) -> Option<u8> {
        let cp = c as u32;
        match self {
            Charset::Utf8 => None,
            Charset::Ascii => (cp < 0x80).then_some(cp as u8),
            Charset::Latin1 => (cp < 0x100).then_some(cp as u8),
            Charset::Windows1252 => {
                if (0x80..0xa0).contains(&cp) {
                    return None;
                }
                if cp < 0x100 {
                    return Some(cp as u8);
                }
                CP1252_HIGH.iter().find(|(_, ch)| *ch == c).map(|(b, _)| *b)
            }
        }
    }

    /// Encodes `text` (call [`Charset::downgrade`] first; unknown characters become `?`).
    pub fn encode(self, text: &str) -> Vec<u8> {
        match self {
            Charset::Utf8 => text.as_bytes().to_vec(),
            _ => text
                .chars()
                .map(|c| self.byte_of(c).unwrap_or(b'?'))
                .collect(),
        }
    }
}

/// The Windows-1252 characters in 0x80–0x9F that French text uses.
const CP1252_HIGH: &[(u8, char)] = &[
    (0x80, '€'),
    (0x85, '…'),
    (0x8c, 'Œ'),
    (0x91, '‘'),
    (0x92, '’'),
    (0x93, '“'),
    (0x94, '”'),
    (0x96, '–'),
    (0x97, '—'),
    (0x9c, 'œ'),
];

fn ascii_fold(c: char) -> &'static str {
    match c {
        'à' | 'â' | 'ä' => "a",
        'é' | 'è' | 'ê' | 'ë' => "e",
        'î' | 'ï' => "i",
        'ô' | 'ö' => "o",
        'ù' | 'û' | 'ü' => "u",
        'ç' => "c",
        'À' | 'Â' => "A",
        'É' | 'È' | 'Ê' => "E",
        'Ç' => "C",
        'Î' => "I",
        'Ô' => "O",
        'Û' | 'Ù' => "U",
        '«' | '»' => "\"",
        '°' => "o",
        _ => "",
    }
}

/// Content-Transfer-Encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cte {
    SevenBit,
    EightBit,
    QuotedPrintable,
    Base64,
}

impl Cte {
    pub fn label(self) -> &'static str {
        match self {
            Cte::SevenBit => "7bit",
            Cte::EightBit => "8bit",
            Cte::QuotedPrintable => "quoted-printable",
            Cte::Base64 => "base64",
        }
    }
}

/// Content-Disposition of a part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Disposition {
    Inline,
    Attachment(String),
    InlineNamed(String),
}

/// The body of a part.
#[derive(Debug, Clone)]
pub enum Body {
    /// Decoded bytes, encoded on output with the part's transfer encoding.
    Leaf(Vec<u8>),
    /// Sub-parts of a multipart.
    Multi(Vec<Part>),
    /// Bytes written as they are, with a boundary of our choice or none: for broken structures.
    Raw(Vec<u8>),
}

/// One MIME part.
#[derive(Debug, Clone)]
pub struct Part {
    /// `text/plain`, `multipart/mixed`…
    pub mime_type: String,
    /// Extra Content-Type parameters, written as given (`charset="utf-8"`).
    pub params: Vec<String>,
    pub cte: Option<Cte>,
    pub disposition: Option<Disposition>,
    pub extra_headers: Vec<(String, String)>,
    pub body: Body,
    /// Forces the boundary of a multipart (for broken structures); otherwise generated.
    pub boundary: Option<String>,
}

impl Part {
    /// A text part: `text` is downgraded to what `charset` can carry, then encoded.
    pub fn text(subtype: &str, text: &str, charset: Charset, cte: Cte) -> Part {
        let text = charset.downgrade(text);
        Part {
            mime_type: format!("text/{subtype}"),
            params: vec![format!("charset=\"{}\"", charset.label())],
            cte: Some(cte),
            disposition: None,
            extra_headers: Vec::new(),
            body: Body::Leaf(charset.encode(&text)),
            boundary: None,
        }
    }

    /// A text part whose bytes and label are chosen by the caller (a wrong label on purpose).
    pub fn text_bytes(subtype: &str, bytes: Vec<u8>, label: &str, cte: Cte) -> Part {
        Part {
            mime_type: format!("text/{subtype}"),
            params: vec![format!("charset=\"{label}\"")],
            cte: Some(cte),
            disposition: None,
            extra_headers: Vec::new(),
            body: Body::Leaf(bytes),
            boundary: None,
        }
    }

    /// An attachment, base64-encoded, with its name in both Content-Type and
    /// Content-Disposition as common clients write it.
    pub fn attachment(mime_type: &str, filename: &str, data: Vec<u8>) -> Part {
        Part {
            mime_type: mime_type.to_string(),
            params: vec![name_param("name", filename)],
            cte: Some(Cte::Base64),
            disposition: Some(Disposition::Attachment(filename.to_string())),
            extra_headers: Vec::new(),
            body: Body::Leaf(data),
            boundary: None,
        }
    }

    /// An inline image referenced from HTML by `cid`.
    pub fn inline_image(mime_type: &str, filename: &str, cid: &str, data: Vec<u8>) -> Part {
        Part {
            mime_type: mime_type.to_string(),
            params: vec![name_param("name", filename)],
            cte: Some(Cte::Base64),
            disposition: Some(Disposition::InlineNamed(filename.to_string())),
            extra_headers: vec![("Content-ID".into(), format!("<{cid}>"))],
            body: Body::Leaf(data),
            boundary: None,
        }
    }

    /// A forwarded message as an attachment.
    pub fn message(filename: &str, raw: Vec<u8>) -> Part {
        let cte = if raw.is_ascii() {
            Cte::SevenBit
        } else {
            Cte::EightBit
        };
        Part {
            mime_type: "message/rfc822".to_string(),
            params: vec![name_param("name", filename)],
            cte: Some(cte),
            disposition: Some(Disposition::Attachment(filename.to_string())),
            extra_headers: Vec::new(),
            body: Body::Leaf(raw),
            boundary: None,
        }
    }

    pub fn multipart(subtype: &str, parts: Vec<Part>) -> Part {
        Part {
            mime_type: format!("multipart/{subtype}"),
            params: Vec::new(),
            cte: None,
            disposition: None,
            extra_headers: Vec::new(),
            body: Body::Multi(parts),
            boundary: None,
        }
    }
}

/// A `name="…"` parameter; non-ASCII names are written as an RFC 2047 encoded-word, as
/// Outlook and Thunderbird do in Content-Type.
fn name_param(key: &str, value: &str) -> String {
    if value.is_ascii() {
        format!("{key}=\"{}\"", quote(value))
    } else {
        format!("{key}=\"{}\"", encoded_words(value, true).join(" "))
    }
}

fn quote(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Content-Disposition filename parameter: quoted ASCII, or RFC 2231 for non-ASCII names.
fn filename_param(value: &str) -> String {
    if value.is_ascii() {
        format!("filename=\"{}\"", quote(value))
    } else {
        let mut enc = String::from("filename*=utf-8''");
        for b in value.bytes() {
            if b.is_ascii_alphanumeric() || b"._-".contains(&b) {
                enc.push(char::from(b));
            } else {
                enc.push_str(&format!("%{b:02X}"));
            }
        }
        enc
    }
}

/// RFC 2047 encoded-words for `text`, each at most 75 characters, never splitting a
/// character. `b` selects the B (base64) encoding, otherwise Q.
pub fn encoded_words(text: &str, b: bool) -> Vec<String> {
    let mut words = Vec::new();
    let mut chunk = String::new();
    // 45 input bytes keep a B word under 75 characters; Q words are measured as they grow.
    for c in text.chars() {
        let mut candidate = chunk.clone();
        candidate.push(c);
        let fits = if b {
            candidate.len() <= 45
        } else {
            q_encode(&candidate).len() + 12 <= 75
        };
        if !fits && !chunk.is_empty() {
            words.push(encode_word(&chunk, b));
            chunk.clear();
        }
        chunk.push(c);
    }
    if !chunk.is_empty() {
        words.push(encode_word(&chunk, b));
    }
    words
}

fn encode_word(s: &str, b: bool) -> String {
    if b {
        format!("=?UTF-8?B?{}?=", B64.encode(s.as_bytes()))
    } else {
        format!("=?UTF-8?Q?{}?=", q_encode(s))
    }
}

fn q_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b' ' => out.push('_'),
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'!' | b'*' | b'+' | b'-' | b'/' => {
                out.push(char::from(b))
            }
            _ => out.push_str(&format!("={b:02X}")),
        }
    }
    out
}

/// Encodes an ISO-8859-1 encoded-word (older clients), for text that Latin-1 can carry.
pub fn latin1_word(text: &str) -> String {
    let bytes = Charset::Latin1.encode(&Charset::Latin1.downgrade(text));
    let mut out = String::from("=?ISO-8859-1?Q?");
    for b in bytes {
        match b {
            b' ' => out.push('_'),
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => out.push(char::from(b)),
            _ => out.push_str(&format!("={b:02X}")),
        }
    }
    out.push_str("?=");
    out
}

/// How a non-ASCII header value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderStyle {
    B,
    Q,
    Latin1Q,
    /// Raw UTF-8 (RFC 6532), as some webmails send.
    Raw8,
}

/// An unstructured header value (Subject): ASCII as is, otherwise encoded-words.
pub fn header_text(text: &str, style: HeaderStyle) -> String {
    if text.is_ascii() {
        return text.to_string();
    }
    match style {
        HeaderStyle::B => encoded_words(text, true).join("\n "),
        HeaderStyle::Q => encoded_words(text, false).join("\n "),
        HeaderStyle::Latin1Q => {
            let words: Vec<String> = split_chars(text, 30)
                .iter()
                .map(|w| latin1_word(w))
                .collect();
            words.join("\n ")
        }
        HeaderStyle::Raw8 => text.to_string(),
    }
}

fn split_chars(s: &str, n: usize) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    chars.chunks(n).map(|c| c.iter().collect()).collect()
}

/// A mailbox header value: `Name <addr>` with the display name quoted or encoded as needed.
pub fn address(name: &str, email: &str, style: HeaderStyle) -> String {
    if name.is_empty() {
        return email.to_string();
    }
    if name.is_ascii() {
        if name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-')
        {
            format!("{name} <{email}>")
        } else {
            format!("\"{}\" <{email}>", quote(name))
        }
    } else if style == HeaderStyle::Raw8 {
        format!("\"{}\" <{email}>", quote(name))
    } else {
        format!("{} <{email}>", header_text(name, style))
    }
}

/// Folds an ASCII header line at spaces so that lines stay under 78 characters.
fn fold(name: &str, value: &str) -> String {
    if value.contains('\n') || name.len() + value.len() + 2 <= 78 {
        return format!("{name}: {value}");
    }
    let mut out = format!("{name}:");
    let mut line_len = out.len();
    for word in value.split(' ') {
        if line_len + 1 + word.len() > 76 && line_len > name.len() + 1 {
            out.push_str("\n ");
            line_len = 1;
        } else {
            out.push(' ');
            line_len += 1;
        }
        out.push_str(word);
        line_len += word.len();
    }
    out
}

/// Quoted-printable encoding (RFC 2045) of `data`, lines separated by LF, at most 76
/// characters per encoded line.
pub fn quoted_printable(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + data.len() / 8);
    for (li, line) in data.split(|b| *b == b'\n').enumerate() {
        if li > 0 {
            out.push(b'\n');
        }
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let mut col = 0usize;
        for (i, &b) in line.iter().enumerate() {
            let last = i + 1 == line.len();
            let literal =
                (b == b' ' || b == b'\t') && !last || (33..=126).contains(&b) && b != b'=';
            let width = if literal { 1 } else { 3 };
            // Keep room for the soft line break's '='.
            if col + width > 75 {
                out.extend_from_slice(b"=\n");
                col = 0;
            }
            if literal {
                out.push(b);
            } else {
                out.extend_from_slice(format!("={b:02X}").as_bytes());
            }
            col += width;
        }
    }
    out
}

/// Base64 wrapped at 76 characters.
pub fn base64_lines(data: &[u8]) -> Vec<u8> {
    let enc = B64.encode(data);
    let mut out = Vec::with_capacity(enc.len() + enc.len() / 76 + 1);
    for chunk in enc.as_bytes().chunks(76) {
        out.extend_from_slice(chunk);
        out.push(b'\n');
    }
    out
}

/// Generates the boundaries of one message (deterministic from its own random token).
pub struct Boundaries {
    token: String,
    n: usize,
}

impl Boundaries {
    pub fn new(token: String) -> Self {
        Boundaries { token, n: 0 }
    }
    fn next(&mut self) -> String {
        self.n += 1;
        format!("----=_Part_{}_{}", self.n, self.token)
    }
}

/// Writes the Content-* headers of a part (and returns the boundary of a multipart).
fn write_part_headers(part: &Part, b: &mut Boundaries, out: &mut Vec<u8>) -> Option<String> {
    let mut ct = part.mime_type.clone();
    let boundary = match &part.body {
        Body::Multi(_) | Body::Raw(_) if part.mime_type.starts_with("multipart/") => {
            Some(part.boundary.clone().unwrap_or_else(|| b.next()))
        }
        _ => None,
    };
    for p in &part.params {
        ct.push_str(";\n\t");
        ct.push_str(p);
    }
    if let Some(bd) = &boundary {
        ct.push_str(&format!(";\n\tboundary=\"{bd}\""));
    }
    out.extend_from_slice(format!("Content-Type: {ct}\n").as_bytes());
    if let Some(cte) = part.cte {
        out.extend_from_slice(format!("Content-Transfer-Encoding: {}\n", cte.label()).as_bytes());
    }
    match &part.disposition {
        None => {}
        Some(Disposition::Inline) => out.extend_from_slice(b"Content-Disposition: inline\n"),
        Some(Disposition::Attachment(name)) => out.extend_from_slice(
            format!(
                "Content-Disposition: attachment;\n\t{}\n",
                filename_param(name)
            )
            .as_bytes(),
        ),
        Some(Disposition::InlineNamed(name)) => out.extend_from_slice(
            format!("Content-Disposition: inline;\n\t{}\n", filename_param(name)).as_bytes(),
        ),
    }
    for (k, v) in &part.extra_headers {
        out.extend_from_slice(fold(k, v).as_bytes());
        out.push(b'\n');
    }
    boundary
}

fn write_part_body(part: &Part, boundary: Option<String>, b: &mut Boundaries, out: &mut Vec<u8>) {
    match &part.body {
        Body::Leaf(data) => match part.cte.unwrap_or(Cte::SevenBit) {
            Cte::Base64 => out.extend_from_slice(&base64_lines(data)),
            Cte::QuotedPrintable => {
                out.extend_from_slice(&quoted_printable(data));
                out.push(b'\n');
            }
            Cte::SevenBit | Cte::EightBit => {
                out.extend_from_slice(data);
                if !data.ends_with(b"\n") {
                    out.push(b'\n');
                }
            }
        },
        Body::Raw(data) => out.extend_from_slice(data),
        Body::Multi(parts) => {
            let bd = boundary.unwrap_or_else(|| b.next());
            out.extend_from_slice(b"This is a multi-part message in MIME format.\n");
            for p in parts {
                out.extend_from_slice(format!("\n--{bd}\n").as_bytes());
                let inner = write_part_headers(p, b, out);
                out.push(b'\n');
                write_part_body(p, inner, b, out);
            }
            out.extend_from_slice(format!("\n--{bd}--\n").as_bytes());
        }
    }
}

/// A complete message: top-level headers (already encoded) and the root part.
pub struct Message {
    pub headers: Vec<(String, String)>,
    pub root: Part,
}

impl Message {
    /// Renders the message with LF line endings.
    pub fn render(&self, boundary_token: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(4096);
        for (k, v) in &self.headers {
            out.extend_from_slice(fold(k, v).as_bytes());
            out.push(b'\n');
        }
        out.extend_from_slice(b"MIME-Version: 1.0\n");
        let mut b = Boundaries::new(boundary_token.to_string());
        let boundary = write_part_headers(&self.root, &mut b, &mut out);
        out.push(b'\n');
        write_part_body(&self.root, boundary, &mut b, &mut out);
        out
    }
}

/// Text to HTML with named entities for French accents (`&eacute;`…), as older clients and
/// mailing tools write it. The output is pure ASCII.
pub fn text_to_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 5 / 4 + 200);
    out.push_str(
        "<!DOCTYPE html>\n<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\"></head>\n<body style=\"font-family: Arial, sans-serif; font-size: 10pt\">\n",
    );
    for para in text.split("\n\n") {
        out.push_str("<p>");
        for (i, line) in para.split('\n').enumerate() {
            if i > 0 {
                out.push_str("<br>\n");
            }
            for c in line.chars() {
                match c {
                    '<' => out.push_str("&lt;"),
                    '>' => out.push_str("&gt;"),
                    '&' => out.push_str("&amp;"),
                    '"' => out.push_str("&quot;"),
                    c if c.is_ascii() => out.push(c),
                    c => match html_entity(c) {
                        Some(e) => {
                            out.push('&');
                            out.push_str(e);
                            out.push(';');
                        }
                        None => out.push_str(&format!("&#{};", c as u32)),
                    },
                }
            }
        }
        out.push_str("</p>\n");
    }
    out.push_str("</body></html>\n");
    out
}

fn html_entity(c: char) -> Option<&'static str> {
    Some(match c {
        'é' => "eacute",
        'è' => "egrave",
        'ê' => "ecirc",
        'ë' => "euml",
        'à' => "agrave",
        'â' => "acirc",
        'ç' => "ccedil",
        'î' => "icirc",
        'ï' => "iuml",
        'ô' => "ocirc",
        'ù' => "ugrave",
        'û' => "ucirc",
        'ü' => "uuml",
        'É' => "Eacute",
        'È' => "Egrave",
        'À' => "Agrave",
        'Ç' => "Ccedil",
        'œ' => "oelig",
        '€' => "euro",
        '\u{a0}' => "nbsp",
        '«' => "laquo",
        '»' => "raquo",
        '’' => "rsquo",
        '–' => "ndash",
        '°' => "deg",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qp_lines_are_short_and_reversible() {
        let text = "Réfection de la voirie – montant 1\u{a0}234,56 € = total ".repeat(5);
        let enc = quoted_printable(text.as_bytes());
        for line in enc.split(|b| *b == b'\n') {
            assert!(line.len() <= 76, "{}", String::from_utf8_lossy(line));
        }
        assert!(!enc.ends_with(b" "));
        assert!(String::from_utf8_lossy(&enc).contains("=C3=A9"));
    }

    #[test]
    fn encoded_words_are_bounded() {
        let subject =
            "Règlement de la facture n° 2019-042 – Électricité générale Champoiseau, relance";
        for b in [true, false] {
            let words = encoded_words(subject, b);
            assert!(words.len() > 1);
            for w in &words {
                assert!(w.len() <= 75, "{w}");
            }
        }
    }

    #[test]
    fn charsets_downgrade() {
        assert_eq!(
            Charset::Latin1.downgrade("Coût : 12 € – œuvre"),
            "Coût : 12 EUR - oeuvre"
        );
        assert_eq!(Charset::Windows1252.encode("12 €"), b"12 \x80".to_vec());
        assert_eq!(Charset::Latin1.encode("é"), vec![0xe9]);
    }

    #[test]
    fn html_entities() {
        let h = text_to_html("Réservée à l'école <b>\n1\u{a0}000 €");
        assert!(h.contains("R&eacute;serv&eacute;e &agrave;"));
        assert!(h.contains("&lt;b&gt;<br>"));
        assert!(h.contains("1&nbsp;000 &euro;"));
        assert!(h.is_ascii());
    }
}
