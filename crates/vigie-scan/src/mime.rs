//! The walk over every part of a message: bodies, attachments, nested `message/rfc822`,
//! archives and office documents, each turned into text (or reported as an image).
//!
//! MIME structure, headers, transfer encodings (base64, quoted-printable) and charsets are
//! decoded the way `mail-parser` decodes them; this module decides what each part is and how to
//! read it, and names where it was found (`body`, `attachment:facture.pdf`,
//! `attachment:dossier.zip/rib.pdf`).
//!
//! Messages are parsed by [`parser`], a port of mail-parser's own parser that calls our
//! quoted-printable and charset decoders ([`decode`]) instead of its slowest ones: the same
//! [`mail_parser::Message`] as `MessageParser::parse` (tested part by part), for two thirds of
//! the cost (parsing the 10 MB benchmark corpus: 176 M instructions → 117 M).
//!
//! The walk never recurses on multipart structure (mail-parser flattens it), only on nested
//! messages and archives, and that depth is bounded by [`Limits::max_depth`].

use std::borrow::Cow;
use std::sync::LazyLock;

use mail_parser::{HeaderName, MessageParser, MimeHeaders, PartType};

use crate::extract::{self, DocumentKind, ExtractError, Limits};

mod decode;
mod parser;

/// Header facts of a message, for the report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageMeta {
    pub message_id: Option<String>,
    pub subject: Option<String>,
    pub from: Option<String>,
    /// `Date:` header as seconds since the Unix epoch (UTC), when present and valid.
    pub date: Option<i64>,
}

/// What a part turned out to hold.
#[derive(Debug)]
pub enum Content<'a> {
    /// Readable text: a body, or the text extracted from a document.
    Text {
        text: Cow<'a, str>,
        kind: DocumentKind,
    },
    /// An image: reported by role, not read (no OCR).
    Image { media_type: String, size: usize },
    /// A part that could not be read, with the French reason.
    Unreadable { reason: String },
}

/// One part met during the walk.
#[derive(Debug)]
pub struct Part<'a> {
    /// `body` or `attachment:NAME[/INNER...]`.
    pub location: String,
    /// The attachment's file name, when it has one.
    pub name: Option<String>,
    pub content: Content<'a>,
}

/// The headers the walk reads, each parsed as mail-parser's default parser parses it; every
/// other header is skipped rather than parsed. `MessageParser::default()` parses them all,
/// `Received:` lines included (a tokenizer per line: 1.6 % of a scan of text-heavy mail for
/// headers nobody reads), and copies the unknown ones.
static PARSER: LazyLock<MessageParser> = LazyLock::new(|| {
    MessageParser::new()
        .with_mime_headers()
        .header_text(HeaderName::Subject)
        .header_address(HeaderName::From)
        .header_date(HeaderName::Date)
        .header_id(HeaderName::MessageId)
        .default_header_ignore()
});

/// Parses `raw` and calls `visit` for every part, in order. Returns the top-level header facts.
///
/// Bytes that are not a message at all (no headers) are read as one plain-text body, so nothing
/// goes unscanned.
pub fn walk(raw: &[u8], limits: &Limits, visit: &mut dyn FnMut(Part<'_>)) -> MessageMeta {
    walk_with(raw, limits, visit, Parser::Port)
}

/// Which parser reads the top-level message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Parser {
    /// [`parser`], always but in tests.
    Port,
    /// `MessageParser::parse`, in tests to check that the port changes nothing.
    #[cfg_attr(not(test), allow(dead_code))]
    MailParser,
}

/// The message `raw` holds, `None` when it has no headers or when the parser panics or would
/// (mail-parser can panic on some malformed input, found by the mime_walk fuzzer: such a
/// message is read as plain text instead of stopping the scan).
fn parse(raw: &[u8], with: Parser) -> Option<mail_parser::Message<'_>> {
    extract::quiet_catch_unwind(|| match with {
        Parser::Port => parser::parse(&PARSER, raw).ok().flatten(),
        Parser::MailParser => PARSER.parse(raw),
    })
    .ok()
    .flatten()
}

/// [`walk`], with the top-level message read by `with`.
fn walk_with(
    raw: &[u8],
    limits: &Limits,
    visit: &mut dyn FnMut(Part<'_>),
    with: Parser,
) -> MessageMeta {
    let parsed = parse(raw, with).filter(|m| {
        !(m.text_body.is_empty() && m.html_body.is_empty() && m.attachments.is_empty())
    });
    let Some(message) = parsed else {
        visit(Part {
            location: "body".into(),
            name: None,
            content: Content::Text {
                text: Cow::Owned(extract::decode_text(raw)),
                kind: DocumentKind::PlainText,
            },
        });
        return MessageMeta::default();
    };
    let meta = meta_of(&message);
    let mut budget = limits.max_archive_bytes;
    walk_message(&message, "", 0, limits, &mut budget, visit);
    meta
}

fn meta_of(message: &mail_parser::Message<'_>) -> MessageMeta {
    MessageMeta {
        message_id: message.message_id().map(|id| format!("<{id}>")),
        subject: message.subject().map(str::to_owned),
        from: message.from().and_then(|a| a.first()).and_then(|a| {
            a.address()
                .map(str::to_owned)
                .or_else(|| a.name().map(str::to_owned))
        }),
        date: message.date().map(|d| d.to_timestamp()),
    }
}

fn walk_message(
    message: &mail_parser::Message<'_>,
    prefix: &str,
    depth: usize,
    limits: &Limits,
    budget: &mut u64,
    visit: &mut dyn FnMut(Part<'_>),
) {
    let body_location = if prefix.is_empty() {
        "body".to_owned()
    } else {
        prefix.trim_end_matches('/').to_owned()
    };
    // Text bodies first; HTML bodies that are not also listed as text (an HTML-only mail, or
    // the HTML side of an alternative whose content may differ) are converted and read too.
    let mut seen_body = Vec::new();
    for &id in message.text_body.iter().chain(message.html_body.iter()) {
        if seen_body.contains(&id) {
            continue;
        }
        let Some(part) = message.parts.get(id as usize) else {
            continue;
        };
        // mail-parser also lists inline images (a signature pasted in the mail) among the
        // bodies, and among the attachments: those are read below, as attachments.
        if matches!(part.body, PartType::Text(_) | PartType::Html(_)) {
            seen_body.push(id);
        }
        let text = match &part.body {
            PartType::Text(t) => match extract::repair_mislabelled_utf8(t) {
                Some(repaired) => Cow::Owned(repaired),
                None => Cow::Borrowed(t.as_ref()),
            },
            // Converted from the body as it is unless it needs repair (a copy of every HTML
            // body before converting it was 1 % of a scan).
            PartType::Html(h) => Cow::Owned(match extract::repair_mislabelled_utf8(h) {
                Some(repaired) => extract::html_to_text(&repaired),
                None => extract::html_to_text(h),
            }),
            _ => continue,
        };
        let kind = if matches!(part.body, PartType::Html(_)) {
            DocumentKind::Html
        } else {
            DocumentKind::PlainText
        };
        visit(Part {
            location: body_location.clone(),
            name: None,
            content: Content::Text { text, kind },
        });
    }
    for (index, &id) in message.attachments.iter().enumerate() {
        let Some(part) = message.parts.get(id as usize) else {
            continue;
        };
        if seen_body.contains(&id) {
            continue;
        }
        let name = part
            .attachment_name()
            .map(sanitize_name)
            .filter(|n| !n.is_empty());
        let display = name
            .clone()
            .unwrap_or_else(|| format!("pièce jointe {}", index + 1));
        let location = if prefix.is_empty() {
            format!("attachment:{display}")
        } else {
            format!("{prefix}{display}")
        };
        let media_type = part
            .content_type()
            .map(|ct| format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or("")).to_ascii_lowercase())
            .unwrap_or_default();
        match &part.body {
            PartType::Text(t) => visit(Part {
                location,
                name,
                content: Content::Text {
                    text: Cow::Borrowed(t.as_ref()),
                    kind: DocumentKind::PlainText,
                },
            }),
            PartType::Html(h) => visit(Part {
                location,
                name,
                content: Content::Text {
                    text: Cow::Owned(extract::html_to_text(h)),
                    kind: DocumentKind::Html,
                },
            }),
            PartType::Binary(bytes) | PartType::InlineBinary(bytes) => {
                walk_document(
                    bytes,
                    &media_type,
                    name,
                    location,
                    depth,
                    limits,
                    budget,
                    visit,
                );
            }
            PartType::Message(nested) => {
                if depth + 1 > limits.max_depth {
                    visit(unreadable(location, name, &ExtractError::TooDeep));
                } else {
                    let nested_prefix = format!("{location}/");
                    walk_message(nested, &nested_prefix, depth + 1, limits, budget, visit);
                }
            }
            PartType::Multipart(_) => {}
        }
    }
}

/// Reads one document (an attachment or an archive entry) by its sniffed kind.
#[allow(clippy::too_many_arguments)]
fn walk_document(
    bytes: &[u8],
    media_type: &str,
    name: Option<String>,
    location: String,
    depth: usize,
    limits: &Limits,
    budget: &mut u64,
    visit: &mut dyn FnMut(Part<'_>),
) {
    let kind = extract::sniff(media_type, name.as_deref(), bytes);
    if bytes.len() > limits.max_part_bytes && kind != DocumentKind::Image {
        let err = ExtractError::TooLarge {
            size: bytes.len() as u64,
            limit: limits.max_part_bytes as u64,
        };
        visit(unreadable(location, name, &err));
        return;
    }
    let text = match kind {
        DocumentKind::Image => {
            visit(Part {
                location,
                name,
                content: Content::Image {
                    media_type: media_type.to_owned(),
                    size: bytes.len(),
                },
            });
            return;
        }
        DocumentKind::PlainText => Ok(extract::decode_text(bytes)),
        DocumentKind::Html => Ok(extract::html_to_text(&extract::decode_text(bytes))),
        DocumentKind::Pdf => extract::pdf_text(bytes, limits),
        DocumentKind::Docx
        | DocumentKind::Xlsx
        | DocumentKind::Pptx
        | DocumentKind::OpenDocument => extract::office_text(kind, bytes, limits, budget),
        DocumentKind::Message => {
            if depth + 1 > limits.max_depth {
                Err(ExtractError::TooDeep)
            } else {
                match parse(bytes, Parser::Port) {
                    Some(nested) => {
                        walk_message(
                            &nested,
                            &format!("{location}/"),
                            depth + 1,
                            limits,
                            budget,
                            visit,
                        );
                        return;
                    }
                    None => Ok(extract::decode_text(bytes)),
                }
            }
        }
        DocumentKind::Zip => {
            if depth + 1 > limits.max_depth {
                Err(ExtractError::TooDeep)
            } else {
                match extract::zip_entries(bytes, limits, budget, |_| true) {
                    Ok(entries) => {
                        for entry in entries {
                            let inner_name = sanitize_name(&entry.name);
                            let inner_location = format!("{location}/{inner_name}");
                            walk_document(
                                &entry.bytes,
                                "",
                                Some(inner_name),
                                inner_location,
                                depth + 1,
                                limits,
                                budget,
                                visit,
                            );
                        }
                        return;
                    }
                    Err(e) => Err(e),
                }
            }
        }
        DocumentKind::Other => return,
    };
    match text {
        Ok(text) => visit(Part {
            location,
            name,
            content: Content::Text {
                text: Cow::Owned(text),
                kind,
            },
        }),
        Err(e) => visit(unreadable(location, name, &e)),
    }
}

fn unreadable<'a>(location: String, name: Option<String>, err: &ExtractError) -> Part<'a> {
    Part {
        location,
        name,
        content: Content::Unreadable {
            reason: err.to_string(),
        },
    }
}

/// File names come from the sender: keep them printable and short. Control characters are
/// dropped (escaping for HTML happens at rendering, not here).
fn sanitize_name(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect::<String>()
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(raw: &[u8]) -> (MessageMeta, Vec<(String, String)>) {
        let mut parts = Vec::new();
        let meta = walk(raw, &Limits::default(), &mut |p| {
            let what = match p.content {
                Content::Text { text, .. } => format!("text:{}", text.trim()),
                Content::Image { size, .. } => format!("image:{size}"),
                Content::Unreadable { reason } => format!("unreadable:{reason}"),
            };
            parts.push((p.location, what));
        });
        (meta, parts)
    }

    #[test]
    fn plain_body_and_encoded_attachment() {
        let raw = b"From: Jean <jean@example.fr>\r\nTo: mairie@example.fr\r\nSubject: =?utf-8?q?RIB_pour_la_r=C3=A9gie?=\r\nMessage-ID: <abc@example.fr>\r\nDate: Tue, 12 Mar 2019 10:00:00 +0100\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nVoici mon RIB, merci de le transmettre =E0 la tr=E9sorerie.\r\n--XX\r\nContent-Type: text/plain; name=\"rib.txt\"\r\nContent-Disposition: attachment; filename=\"rib.txt\"\r\nContent-Transfer-Encoding: base64\r\n\r\nSUJBTiBGUjc2\r\n--XX--\r\n";
        let (meta, parts) = collect(raw);
        assert_eq!(meta.subject.as_deref(), Some("RIB pour la régie"));
        assert_eq!(meta.message_id.as_deref(), Some("<abc@example.fr>"));
        assert_eq!(meta.date, Some(1552381200));
        assert_eq!(parts[0].0, "body");
        assert!(parts[0].1.contains("à la trésorerie"), "{parts:?}");
        assert_eq!(
            parts[1],
            ("attachment:rib.txt".into(), "text:IBAN FR76".into())
        );
    }

    #[test]
    fn nested_message_is_walked() {
        let raw = b"Subject: Fwd\r\nContent-Type: multipart/mixed; boundary=A\r\n\r\n--A\r\nContent-Type: text/plain\r\n\r\nvoir ci-dessous\r\n--A\r\nContent-Type: message/rfc822\r\nContent-Disposition: attachment; filename=\"origine.eml\"\r\n\r\nSubject: RIB\r\nContent-Type: text/plain\r\n\r\nIBAN interne\r\n--A--\r\n";
        let (_, parts) = collect(raw);
        assert!(
            parts
                .iter()
                .any(|(l, t)| l == "attachment:origine.eml" && t.contains("IBAN interne")),
            "{parts:?}"
        );
    }

    #[test]
    fn not_a_message_is_still_read() {
        let (_, parts) = collect(b"\xff\xfe juste du texte IBAN");
        assert!(!parts.is_empty());
    }

    fn collect_with(raw: &[u8], with: Parser) -> (MessageMeta, Vec<(String, String)>) {
        let mut parts = Vec::new();
        let meta = walk_with(
            raw,
            &Limits::default(),
            &mut |p| {
                let what = match p.content {
                    Content::Text { text, kind } => format!("text:{kind:?}:{text}"),
                    Content::Image { size, media_type } => format!("image:{media_type}:{size}"),
                    Content::Unreadable { reason } => format!("unreadable:{reason}"),
                };
                parts.push((format!("{}|{:?}", p.location, p.name), what));
            },
            with,
        );
        (meta, parts)
    }

    const BODY_PIECES: &[&[u8]] = &[
        b"=",
        b"=\r\n",
        b"=\n",
        b"=E9",
        b"=C3=A9",
        b"=3D",
        b"=ZZ",
        b"=4",
        b"\r\n",
        b"\n",
        b" ",
        b"\t",
        b"IBAN FR76 3000 6000 0112 3456 7890 189",
        b"Mot de passe : Xy7!kq",
        b"r\xe9gie",
        b"\xc3\xa9t\xc3\xa9",
        b"SUJBTiBGUjc2",
        b"--XX",
        b"--XX--",
        b"abc",
        b"\x80\x9f",
    ];

    proptest::proptest! {
        /// The port gives the same walk as mail-parser's parser (messages compared part by
        /// part in `parser`'s tests).
        #[test]
        fn port_changes_nothing(
            content_type in proptest::sample::select(&[
                "", "Content-Type: text/plain\r\n", "Content-Type: TEXT/Plain; charset=utf-8\r\n",
                "Content-Type: text/plain; charset=\"iso-8859-1\"\r\n",
                "Content-Type: text/plain;\r\n\tcharset=\"windows-1252\"\r\n",
                "Content-Type: text/plain; charset=ISO_8859-1; name=\"a.txt\"\r\n",
                "Content-Type: text/plain; charset=iso-8859-15\r\n",
                "Content-Type: text/plain; charset=us-ascii\r\n",
                "Content-Type: text/plain; charset=koi8-r\r\n",
                "Content-Type: text/plain; charset=bogus\r\n",
                "Content-Type: text/html; charset=utf-8\r\n",
                "Content-Type: text/csv\r\n",
                "Content-Type: application/octet-stream\r\n",
                "Content-Type: multipart/mixed; boundary=XX\r\n",
            ][..]),
            encoding in proptest::sample::select(&[
                "", "Content-Transfer-Encoding: quoted-printable\r\n",
                "Content-Transfer-Encoding: Quoted-Printable\n", "Content-Transfer-Encoding: base64\r\n",
                "Content-Transfer-Encoding: 8bit\r\n", "Content-Transfer-Encoding: x-uuencode\r\n",
            ][..]),
            disposition in proptest::sample::select(&[
                "", "Content-Disposition: attachment; filename=\"rib.txt\"\r\n",
                "Content-Disposition: inline\r\n",
            ][..]),
            body in proptest::collection::vec(proptest::sample::select(BODY_PIECES), 0..40),
        ) {
            let mut raw = format!(
                "From: Jean <jean@example.fr>\r\nSubject: =?utf-8?q?R=C3=A9gie?=\r\nMessage-ID: <a@b>\r\nDate: Tue, 12 Mar 2019 10:00:00 +0100\r\n{content_type}{encoding}{disposition}\r\n"
            ).into_bytes();
            for piece in &body {
                raw.extend_from_slice(piece);
            }
            proptest::prop_assert_eq!(
                collect_with(&raw, Parser::Port),
                collect_with(&raw, Parser::MailParser)
            );
        }
    }

    #[test]
    fn control_characters_leave_names() {
        assert_eq!(sanitize_name("rib\u{0}\n.pdf "), "rib.pdf");
    }
}
