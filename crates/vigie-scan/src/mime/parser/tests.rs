//! The port against mail-parser: every message parsed by both, the results compared part by
//! part (headers, body, encoding, offsets, `is_encoding_problem`) and list by list
//! (`text_body`, `html_body`, `attachments`), nested messages included.
//!
//! Over the messages in the repository (demo Maildir, fuzz seeds, the fuzz corpus when
//! present), mail-parser's own test messages when its sources are in the Cargo registry, each
//! also with `\n` line ends, with `\r\n` line ends and cut short; over generated multipart
//! messages; and, ignored by default, over the benchmark corpora
//! (`VIGIE_PORT_CORPORA=/tmp/vb/c10:/tmp/vb/mb1500 cargo test -p vigie-scan --release --
//! --ignored port_matches_mail_parser_on_corpora`).

// Tests fail by panicking.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::{Path, PathBuf};

use mail_parser::{Message, MessagePart, PartType};

use super::{WouldPanic, parse};
use crate::mime::PARSER;

/// How a parse ended.
#[derive(Debug)]
enum Outcome<'x> {
    Parsed(Option<Message<'x>>),
    /// mail-parser panicked, or the port said it would have.
    Panicked,
}

/// How the port compared with mail-parser on one message.
#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    Same,
    /// mail-parser overflowed an unchecked subtraction: in a debug build it panics where the
    /// release build (which the port follows) wraps; nothing to compare.
    DebugOverflow,
}

fn mail_parser_outcome(raw: &[u8]) -> Outcome<'_> {
    match crate::extract::quiet_catch_unwind(|| PARSER.parse(raw)) {
        Ok(message) => Outcome::Parsed(message),
        Err(()) => Outcome::Panicked,
    }
}

fn port_outcome(raw: &[u8]) -> Outcome<'_> {
    match crate::extract::quiet_catch_unwind(|| parse(&PARSER, raw)) {
        Ok(Ok(message)) => Outcome::Parsed(message),
        Ok(Err(WouldPanic)) | Err(()) => Outcome::Panicked,
    }
}

/// The first difference between two lists of parts, nested messages included.
fn diff_parts(path: &str, ours: &[MessagePart<'_>], theirs: &[MessagePart<'_>]) -> Option<String> {
    if ours.len() != theirs.len() {
        return Some(format!(
            "{path}: {} parts, mail-parser {}",
            ours.len(),
            theirs.len()
        ));
    }
    for (i, (a, b)) in ours.iter().zip(theirs).enumerate() {
        let here = format!("{path}/{i}");
        if let (PartType::Message(a), PartType::Message(b)) = (&a.body, &b.body)
            && let Some(d) = diff_messages(&here, a, b)
        {
            return Some(d);
        }
        let fields = |p: &MessagePart<'_>| {
            (
                format!("{:?}", p.headers),
                p.encoding,
                p.is_encoding_problem,
                p.offset_header,
                p.offset_body,
                p.offset_end,
            )
        };
        if fields(a) != fields(b) {
            return Some(format!(
                "{here}: {:?}\nmail-parser: {:?}",
                fields(a),
                fields(b)
            ));
        }
        if a.body != b.body {
            return Some(format!("{here}: {:?}\nmail-parser: {:?}", a.body, b.body));
        }
    }
    None
}

fn diff_messages(path: &str, ours: &Message<'_>, theirs: &Message<'_>) -> Option<String> {
    let lists = |m: &Message<'_>| {
        (
            m.text_body.clone(),
            m.html_body.clone(),
            m.attachments.clone(),
        )
    };
    if lists(ours) != lists(theirs) {
        return Some(format!(
            "{path}: text, html, attachments {:?}\nmail-parser: {:?}",
            lists(ours),
            lists(theirs)
        ));
    }
    if ours.raw_message != theirs.raw_message {
        return Some(format!("{path}: raw_message differs"));
    }
    diff_parts(path, &ours.parts, &theirs.parts).or_else(|| {
        // Everything compared above is all a `Message` holds: this only guards against a
        // field added in a later mail-parser.
        (ours != theirs).then(|| format!("{path}: messages differ"))
    })
}

/// Parses `raw` with both parsers; panics (with the first difference) if they disagree.
fn check(raw: &[u8], name: &str) -> Verdict {
    match (port_outcome(raw), mail_parser_outcome(raw)) {
        (Outcome::Parsed(Some(ours)), Outcome::Parsed(Some(theirs))) => {
            if let Some(d) = diff_messages("", &ours, &theirs) {
                panic!("{name}: {d}");
            }
            Verdict::Same
        }
        (Outcome::Parsed(None), Outcome::Parsed(None)) | (Outcome::Panicked, Outcome::Panicked) => {
            Verdict::Same
        }
        (Outcome::Parsed(_), Outcome::Panicked) if cfg!(debug_assertions) => Verdict::DebugOverflow,
        (ours, theirs) => panic!("{name}: port {ours:?}\nmail-parser {theirs:?}"),
    }
}

/// `raw` as it is, with `\n` line ends, with `\r\n` line ends (as mail-parser's own tests
/// read its messages), and cut at a few places (parts and boundaries left unfinished).
fn variants(raw: &[u8]) -> Vec<Vec<u8>> {
    let lf: Vec<u8> = raw.iter().copied().filter(|&b| b != b'\r').collect();
    let mut crlf = Vec::with_capacity(raw.len() + raw.len() / 16);
    let mut last = 0;
    for &b in raw {
        if b == b'\n' && last != b'\r' {
            crlf.push(b'\r');
        }
        crlf.push(b);
        last = b;
    }
    let mut all = vec![raw.to_vec(), lf, crlf];
    for eighth in 1..8 {
        all.push(raw[..raw.len() * eighth / 8].to_vec());
    }
    all
}

/// Every file under `dir`, sorted; empty when `dir` does not exist.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Checks every file under `dirs` (and its variants when `variants_too`); returns how many
/// messages were compared and how many mail-parser could not be compared with (debug
/// overflows).
fn check_files(dirs: &[PathBuf], variants_too: bool) -> (usize, usize) {
    let (mut compared, mut overflows) = (0, 0);
    for dir in dirs {
        // mail-parser's resources hold the expected results next to the messages.
        for path in files(dir)
            .into_iter()
            .filter(|p| p.extension().is_none_or(|e| e != "json"))
        {
            let Ok(raw) = std::fs::read(&path) else {
                continue;
            };
            let all = if variants_too {
                variants(&raw)
            } else {
                vec![raw]
            };
            for (i, raw) in all.iter().enumerate() {
                let name = format!("{} (variant {i})", path.display());
                match check(raw, &name) {
                    Verdict::Same => compared += 1,
                    Verdict::DebugOverflow => overflows += 1,
                }
            }
        }
    }
    (compared, overflows)
}

/// mail-parser's test messages, when its sources are in the Cargo registry.
fn mail_parser_resources() -> Vec<PathBuf> {
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")));
    let Some(registry) = cargo_home.map(|c| c.join("registry").join("src")) else {
        return Vec::new();
    };
    let Ok(indexes) = std::fs::read_dir(registry) else {
        return Vec::new();
    };
    indexes
        .flatten()
        .map(|index| index.path().join("mail-parser-0.11.9/resources/eml"))
        .filter(|dir| dir.is_dir())
        .collect()
}

#[test]
fn port_matches_mail_parser_on_repository_messages() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut dirs = vec![
        root.join("examples/demo-maildir"),
        root.join("fuzz/seeds/mime_walk"),
        // Not in the repository (git-ignored), used when a fuzzer has been run here.
        root.join("fuzz/corpus/mime_walk"),
    ];
    dirs.extend(mail_parser_resources());
    let (compared, overflows) = check_files(&dirs, true);
    // The demo Maildir alone has about 200 messages.
    assert!(compared > 1000, "{compared} messages compared");
    eprintln!("{compared} messages compared, {overflows} debug-build overflows in mail-parser");
}

/// The benchmark corpora (generated, not in the repository), each message as it is.
#[test]
#[ignore = "needs VIGIE_PORT_CORPORA (folders separated by `:`); run with --release"]
fn port_matches_mail_parser_on_corpora() {
    let dirs: Vec<PathBuf> = std::env::var("VIGIE_PORT_CORPORA")
        .unwrap_or_default()
        .split(':')
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .collect();
    let (compared, overflows) = check_files(&dirs, false);
    assert!(compared > 0, "no message under {dirs:?}");
    eprintln!("{compared} messages compared, {overflows} debug-build overflows in mail-parser");
}

#[test]
fn examples() {
    let cases: &[&[u8]] = &[
        b"",
        b"\r\n",
        b"Subject: no body",
        b"Subject: x\r\n\r\nbody",
        b"Content-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nr=C3=A9gie=\r\n--XX--\r\n",
        b"Content-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nr=E9gie\r\n--XX\r\nContent-Type: message/rfc822\r\n\r\nSubject: in\r\n\r\ninner\r\n--XX--\r\n",
        b"Content-Type: multipart/alternative; boundary=XX\r\n\r\n--XX\r\nContent-Type: text/html\r\n\r\n<p>x</p>\r\n--XX--",
        b"Content-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\nU3ViamVjdDogaW4NCg0KaW5uZXI=\r\n--XX--\r\n",
        // Unfinished: no closing boundary, a nested message cut short.
        b"Content-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\nContent-Type: message/rfc822\r\n\r\nSubject: in\r\nContent-Type: multipart/mixed; boundary=YY\r\n\r\n--YY\r\n\r\ncut",
        b"Content-Type: multipart/digest; boundary=XX\r\n\r\n--XX\r\n\r\nSubject: digest\r\n\r\nbody\r\n--XX--\r\n",
    ];
    for (i, raw) in cases.iter().enumerate() {
        for (j, raw) in variants(raw).iter().enumerate() {
            check(raw, &format!("case {i} variant {j}"));
        }
    }
}

/// Generated messages: a tree of parts written out, then possibly cut short.
mod generated {
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    pub(super) enum Node {
        Leaf {
            content_type: &'static str,
            encoding: &'static str,
            disposition: &'static str,
            body: Vec<&'static [u8]>,
        },
        Multipart {
            subtype: &'static str,
            boundary: &'static str,
            preamble: &'static [u8],
            parts: Vec<Node>,
            /// The closing `--boundary--` is written.
            closed: bool,
            epilogue: &'static [u8],
        },
        Message {
            encoding: &'static str,
            inner: Box<Node>,
        },
    }

    const BOUNDARIES: &[&str] = &["XX", "YY", "XX-1", "-X", "=_b"];

    const PREAMBLES: &[&[u8]] = &[b"", b"preamble\r\n", b"--", b"\r\n"];
    const EPILOGUES: &[&[u8]] = &[b"", b"epilogue\r\n", b"\r\n"];

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
        b"\r",
        b" ",
        b"\t",
        b"IBAN FR76 3000 6000 0112 3456 7890 189",
        b"r\xe9gie",
        b"\xc3\xa9t\xc3\xa9",
        b"SUJBTiBGUjc2",
        b"QUJD\r\nREVG",
        b"--XX",
        b"--XX--",
        b"--YY",
        b"\r\n--XX\r\n",
        b"\n--YY--\n",
        b"-",
        b"--",
        b"abc",
        b"\x80\x9f",
        b"<p>x</p>",
        b"Subject: x\r\n",
    ];

    fn leaf() -> impl Strategy<Value = Node> {
        (
            prop::sample::select(
                &[
                    "",
                    "Content-Type: text/plain\r\n",
                    "Content-Type: text/plain; charset=utf-8\r\n",
                    "Content-Type: text/plain; charset=\"iso-8859-1\"\r\n",
                    "Content-Type: text/plain; charset=windows-1252; name=\"a.txt\"\r\n",
                    "Content-Type: text/plain; charset=koi8-r\r\n",
                    "Content-Type: text/html; charset=utf-8\r\n",
                    "Content-Type: text/html; charset=iso-8859-15\r\n",
                    "Content-Type: text/csv\r\n",
                    "Content-Type: image/png; name=\"a.png\"\r\n",
                    "Content-Type: application/octet-stream; name=\"a.bin\"\r\n",
                    "Content-Type: application/pdf\r\n",
                    "Content-Type: multipart/mixed\r\n",
                    "Content-Type: multipart/mixed; boundary=ZZ\r\n",
                    "Content-Type: message/rfc822\r\n",
                ][..],
            ),
            encoding(),
            prop::sample::select(
                &[
                    "",
                    "Content-Disposition: attachment; filename=\"rib.txt\"\r\n",
                    "Content-Disposition: inline\r\n",
                ][..],
            ),
            prop::collection::vec(prop::sample::select(BODY_PIECES), 0..12),
        )
            .prop_map(|(content_type, encoding, disposition, body)| Node::Leaf {
                content_type,
                encoding,
                disposition,
                body,
            })
    }

    fn encoding() -> impl Strategy<Value = &'static str> {
        prop::sample::select(
            &[
                "",
                "Content-Transfer-Encoding: quoted-printable\r\n",
                "Content-Transfer-Encoding: Quoted-Printable\n",
                "Content-Transfer-Encoding: base64\r\n",
                "Content-Transfer-Encoding: 8bit\r\n",
                "Content-Transfer-Encoding: 7bit\r\n",
            ][..],
        )
    }

    pub(super) fn node() -> impl Strategy<Value = Node> {
        leaf().prop_recursive(4, 24, 4, |inner| {
            prop_oneof![
                3 => (
                    prop::sample::select(&["mixed", "alternative", "related", "digest", "report"][..]),
                    prop::sample::select(BOUNDARIES),
                    prop::sample::select(PREAMBLES),
                    prop::collection::vec(inner.clone(), 0..4),
                    prop::bool::weighted(0.8),
                    prop::sample::select(EPILOGUES),
                )
                    .prop_map(|(subtype, boundary, preamble, parts, closed, epilogue)| {
                        Node::Multipart { subtype, boundary, preamble, parts, closed, epilogue }
                    }),
                1 => (encoding(), inner).prop_map(|(encoding, inner)| Node::Message {
                    encoding,
                    inner: Box::new(inner),
                }),
            ]
        })
    }

    pub(super) fn render(node: &Node, out: &mut Vec<u8>) {
        match node {
            Node::Leaf {
                content_type,
                encoding,
                disposition,
                body,
            } => {
                out.extend_from_slice(content_type.as_bytes());
                out.extend_from_slice(encoding.as_bytes());
                out.extend_from_slice(disposition.as_bytes());
                out.extend_from_slice(b"\r\n");
                for piece in body {
                    out.extend_from_slice(piece);
                }
            }
            Node::Multipart {
                subtype,
                boundary,
                preamble,
                parts,
                closed,
                epilogue,
            } => {
                out.extend_from_slice(
                    format!("Content-Type: multipart/{subtype}; boundary=\"{boundary}\"\r\n\r\n")
                        .as_bytes(),
                );
                out.extend_from_slice(preamble);
                for part in parts {
                    out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
                    render(part, out);
                    out.extend_from_slice(b"\r\n");
                }
                if *closed {
                    out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
                }
                out.extend_from_slice(epilogue);
            }
            Node::Message { encoding, inner } => {
                out.extend_from_slice(b"Content-Type: message/rfc822\r\n");
                out.extend_from_slice(encoding.as_bytes());
                out.extend_from_slice(b"\r\n");
                let mut message = b"Subject: inner\r\n".to_vec();
                render(inner, &mut message);
                if encoding.contains("base64") {
                    out.extend_from_slice(&base64(&message));
                } else if encoding.to_ascii_lowercase().contains("quoted") {
                    out.extend_from_slice(&quoted_printable(&message));
                } else {
                    out.extend_from_slice(&message);
                }
            }
        }
    }

    fn base64(bytes: &[u8]) -> Vec<u8> {
        const ALPHABET: &[u8; 64] =
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = Vec::new();
        for (i, chunk) in bytes.chunks(3).enumerate() {
            if i > 0 && i % 19 == 0 {
                out.extend_from_slice(b"\r\n");
            }
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |n, (j, &b)| n | (u32::from(b) << (16 - 8 * j)));
            for j in 0..4 {
                if j <= chunk.len() {
                    out.push(ALPHABET[((n >> (18 - 6 * j)) & 63) as usize]);
                } else {
                    out.push(b'=');
                }
            }
        }
        out
    }

    fn quoted_printable(bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        for &b in bytes {
            if b == b'=' || b >= 0x80 {
                out.extend_from_slice(format!("={b:02X}").as_bytes());
            } else {
                out.push(b);
            }
        }
        out
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1024))]

    #[test]
    fn port_matches_mail_parser_on_generated_messages(
        tree in generated::node(),
        cut in proptest::option::weighted(0.3, 0.0..1.0f64),
        lf_only in proptest::bool::weighted(0.3),
    ) {
        let mut raw = b"From: Jean <jean@example.fr>\r\nSubject: =?utf-8?q?R=C3=A9gie?=\r\n".to_vec();
        generated::render(&tree, &mut raw);
        if lf_only {
            raw.retain(|&b| b != b'\r');
        }
        if let Some(cut) = cut {
            raw.truncate((raw.len() as f64 * cut) as usize);
        }
        check(&raw, &format!("{:?}", String::from_utf8_lossy(&raw)));
    }
}
