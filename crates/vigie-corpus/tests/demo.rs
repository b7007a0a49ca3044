//! The demo corpus checked as a scanner would see it: every planted value is recoverable from
//! the decoded body or attachment it is said to be in (MIME decoding by `mail-parser`, PDF text
//! by `pdf-extract`, office documents by unzipping their XML), every checksummed value is valid
//! and every decoy is not, every kind and category appears several times, and generation is
//! byte-for-byte reproducible.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};
use std::path::Path;

use mail_parser::{MessageParser, MimeHeaders, PartType};
use vigie_corpus::{Category, GeneratedMessage, Kind, Location, demo_corpus, ids};

fn normalise(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '.' && *c != '-' && *c != '\u{202f}')
        .flat_map(char::to_uppercase)
        .collect()
}

/// Crude HTML/XML to text: tags dropped, entities we write decoded.
fn strip_markup(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&nbsp;", " ")
        .replace("&#8239;", " ")
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
}

/// Strip markup without inserting spaces (office XML: runs of a paragraph join).
fn strip_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
}

fn zip_entries(data: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let Ok(mut z) = zip::ZipArchive::new(Cursor::new(data)) else {
        return out;
    };
    for i in 0..z.len() {
        if let Ok(mut f) = z.by_index(i) {
            let mut buf = Vec::new();
            if f.read_to_end(&mut buf).is_ok() {
                out.push((f.name().to_string(), buf));
            }
        }
    }
    out
}

/// Text of a file, by its extension.
fn file_text(name: &str, data: &[u8]) -> String {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".pdf") {
        pdf_extract::extract_text_from_mem(data).unwrap_or_default()
    } else if [".docx", ".odt", ".xlsx", ".ods"]
        .iter()
        .any(|e| lower.ends_with(e))
    {
        zip_entries(data)
            .into_iter()
            .filter(|(n, _)| n.ends_with(".xml"))
            .map(|(_, b)| strip_xml(&String::from_utf8_lossy(&b)))
            .collect::<Vec<_>>()
            .join("\n")
    } else if lower.ends_with(".zip") {
        zip_entries(data)
            .into_iter()
            .map(|(n, b)| file_text(&n, &b))
            .collect::<Vec<_>>()
            .join("\n")
    } else if lower.ends_with(".eml") {
        MessageParser::default()
            .parse(data)
            .map(|m| message_text(&m, None))
            .unwrap_or_default()
    } else {
        String::from_utf8_lossy(data).into_owned()
    }
}

fn part_text(p: &mail_parser::MessagePart) -> String {
    match &p.body {
        PartType::Text(t) => t.to_string(),
        PartType::Html(h) => strip_markup(h),
        PartType::Message(m) => message_text(m, None),
        PartType::Binary(b) | PartType::InlineBinary(b) => {
            file_text(p.attachment_name().unwrap_or(""), b)
        }
        PartType::Multipart(_) => String::new(),
    }
}

/// All the text of a message, or only what is at `loc`.
fn message_text(m: &mail_parser::Message, loc: Option<(&Location, Option<&str>)>) -> String {
    match loc {
        None | Some((Location::Body, _)) => {
            let mut s = String::new();
            for p in m.text_bodies().chain(m.html_bodies()) {
                s.push_str(&part_text(p));
                s.push('\n');
            }
            if loc.is_none() {
                for p in m.attachments() {
                    s.push_str(&part_text(p));
                    s.push('\n');
                }
            }
            s
        }
        Some((Location::Attachment(name), inner)) => {
            let mut s = String::new();
            for p in m.attachments() {
                if p.attachment_name() != Some(name.as_str()) {
                    continue;
                }
                match (inner, &p.body) {
                    (Some(inner), PartType::Binary(b)) => {
                        for (n, data) in zip_entries(b) {
                            if n == inner {
                                s.push_str(&file_text(&n, &data));
                            }
                        }
                    }
                    (Some(inner), PartType::Message(nested)) => {
                        for q in nested.attachments() {
                            if q.attachment_name() == Some(inner) {
                                s.push_str(&part_text(q));
                            }
                        }
                    }
                    _ => s.push_str(&part_text(p)),
                }
            }
            s
        }
    }
}

fn check_value_is_valid(kind: Kind, value: &str) -> bool {
    match kind {
        Kind::Iban => ids::iban_is_valid(value),
        Kind::FrRib => ids::rib_is_valid(value),
        Kind::PaymentCard => ids::luhn_is_valid(value) && matches!(&value[..1], "4" | "5"),
        Kind::FrNir => ids::nir_is_valid(value),
        Kind::FrSiren => ids::siren_is_valid(value),
        Kind::FrSiret => ids::siret_is_valid(value),
        Kind::FrVat => ids::vat_is_valid(value),
        Kind::FrTaxId => ids::spi_is_valid(value),
        Kind::IdentityDocumentNumber | Kind::PasswordInClear => !value.is_empty(),
    }
}

fn demo() -> Vec<GeneratedMessage> {
    demo_corpus(2026).expect("demo corpus")
}

#[test]
fn every_planted_value_is_where_the_truth_says() {
    check_locations(&demo());
}

#[test]
fn other_seeds_and_the_mailbox_corpus_hold_the_same_promises() {
    for seed in [1u64, 99] {
        check_locations(&demo_corpus(seed).expect("demo"));
    }
    let mailbox: Vec<GeneratedMessage> = vigie_corpus::mailbox_corpus(3, 120)
        .collect::<Result<_, _>>()
        .expect("mailbox");
    check_locations(&mailbox);
    let bench: Vec<GeneratedMessage> = vigie_corpus::bench_corpus(3, 600_000)
        .collect::<Result<_, _>>()
        .expect("bench");
    assert!(bench.len() > 20);
    check_locations(&bench);
}

#[test]
fn many_seeds_generate_without_panic() {
    for seed in 0..24u64 {
        let msgs = demo_corpus(seed).expect("demo");
        assert!(msgs.iter().all(|m| !m.raw.is_empty()));
    }
    for seed in 0..4u64 {
        for m in vigie_corpus::mailbox_corpus(seed, 300) {
            m.expect("mailbox message");
        }
    }
}

fn check_locations(messages: &[GeneratedMessage]) {
    let mut failures = Vec::new();
    for m in messages {
        let parsed = MessageParser::default().parse(&m.raw).expect("parsable");
        assert_eq!(
            parsed.message_id().map(|s| format!("<{s}>")),
            Some(m.truth.message_id.clone())
        );
        let hostile = !m.truth.notes.is_empty();
        for p in &m.truth.planted {
            let mut text = message_text(&parsed, Some((&p.location, p.inner.as_deref())));
            if hostile && p.location == Location::Body {
                // Broken structures: a scanner falls back to the raw text.
                text.push_str(&String::from_utf8_lossy(&m.raw));
            }
            let hay = normalise(&text);
            let found = if p.kind == Kind::FrRib {
                p.raw
                    .split_whitespace()
                    .all(|cell| hay.contains(&normalise(cell)))
            } else {
                hay.contains(&normalise(&p.value))
            };
            if !found {
                failures.push(format!(
                    "{} [{}] {:?} {} at {} (inner {:?})",
                    m.truth.path, m.truth.scenario, p.kind, p.raw, p.location, p.inner
                ));
            }
            assert!(
                check_value_is_valid(p.kind, &p.value),
                "{} planted an invalid {:?}: {}",
                m.truth.path,
                p.kind,
                p.value
            );
        }
    }
    assert!(failures.is_empty(), "not found:\n{}", failures.join("\n"));
}

#[test]
fn decoys_fail_their_checksums() {
    for m in demo() {
        for d in &m.truth.decoys {
            let v = normalise(&d.raw);
            assert!(
                !check_value_is_valid(d.looks_like, &v) || d.looks_like == Kind::PasswordInClear,
                "{v}"
            );
            if d.looks_like == Kind::Iban {
                assert!(!ids::rib_is_valid(&v[4..]));
            }
        }
    }
}

#[test]
fn coverage_of_kinds_categories_folders_and_hostile_cases() {
    let messages = demo();
    assert!((150..=250).contains(&messages.len()), "{}", messages.len());
    let mut kinds: BTreeMap<Kind, usize> = BTreeMap::new();
    let mut cats: BTreeMap<Category, usize> = BTreeMap::new();
    let mut folders: BTreeMap<String, usize> = BTreeMap::new();
    let mut total = 0usize;
    for m in &messages {
        for p in &m.truth.planted {
            *kinds.entry(p.kind).or_default() += 1;
        }
        for c in &m.truth.categories {
            *cats.entry(*c).or_default() += 1;
        }
        *folders.entry(m.truth.folder.clone()).or_default() += 1;
        total += m.raw.len();
    }
    for k in Kind::ALL {
        assert!(kinds.get(&k).copied().unwrap_or(0) >= 3, "{k:?}: {kinds:?}");
    }
    for c in Category::ALL {
        assert!(cats.get(&c).copied().unwrap_or(0) >= 3, "{c:?}: {cats:?}");
    }
    for f in ["INBOX", "Sent", "Archives/2019", "Trash", "Comptabilité"] {
        assert!(
            folders.get(f).copied().unwrap_or(0) >= 5,
            "{f}: {folders:?}"
        );
    }
    assert!(total < 5_000_000, "demo too big: {total}");

    let raw_has = |needle: &str| {
        messages
            .iter()
            .any(|m| String::from_utf8_lossy(&m.raw).contains(needle))
    };
    assert!(
        messages
            .iter()
            .any(|m| m.truth.subject.contains("<script>alert(1)</script>"))
    );
    assert!(messages.iter().any(|m| {
        m.truth
            .attachments
            .iter()
            .any(|a| a.contains("<script>alert(1)</script>"))
    }));
    assert!(
        messages
            .iter()
            .any(|m| m.truth.notes.iter().any(|n| n.contains("MIME cassé")))
    );
    assert!(messages.iter().any(|m| {
        m.truth
            .notes
            .iter()
            .any(|n| n.contains("jeu de caractères"))
    }));
    for needle in [
        "charset=\"iso-8859-1\"",
        "charset=\"windows-1252\"",
        "Content-Transfer-Encoding: quoted-printable",
        "Content-Transfer-Encoding: base64",
        "text/html",
        "message/rfc822",
        "application/zip",
        "=?UTF-8?B?",
        "=?UTF-8?Q?",
        "=?ISO-8859-1?Q?",
        "&eacute;",
        "filename=\"CNI_recto.jpg\"",
        "filename=\"signature_maire.png\"",
        "filename=\"cachet_mairie.png\"",
        ".docx\"",
        ".odt\"",
        ".xlsx\"",
        ".ods\"",
    ] {
        assert!(raw_has(needle), "no message has {needle}");
    }
    for m in &messages {
        for p in &m.truth.planted {
            if p.kind == Kind::PasswordInClear {
                assert_eq!(p.value, p.raw);
            } else {
                assert_eq!(p.value, normalise(&p.raw));
            }
        }
    }
    // Layout variety: non-breaking spaces, dots, dashes, line breaks, compact.
    let raws: Vec<&str> = messages
        .iter()
        .flat_map(|m| m.truth.planted.iter())
        .filter(|p| p.kind != Kind::PasswordInClear)
        .map(|p| p.raw.as_str())
        .collect();
    for (what, pred) in [
        (
            "nbsp",
            Box::new(|r: &str| r.contains('\u{a0}')) as Box<dyn Fn(&str) -> bool>,
        ),
        ("narrow nbsp", Box::new(|r: &str| r.contains('\u{202f}'))),
        ("dot", Box::new(|r: &str| r.contains('.'))),
        ("dash", Box::new(|r: &str| r.contains('-'))),
        ("line break", Box::new(|r: &str| r.contains('\n'))),
        (
            "compact",
            Box::new(|r: &str| !r.contains(|c: char| !c.is_ascii_alphanumeric())),
        ),
    ] {
        assert!(
            raws.iter().any(|r| pred(r)),
            "no value laid out with {what}"
        );
    }
}

#[test]
fn subjects_decode_to_the_truth() {
    for m in demo() {
        let parsed = MessageParser::default().parse(&m.raw).expect("parsable");
        assert_eq!(
            parsed.subject(),
            Some(m.truth.subject.as_str()),
            "{}",
            m.truth.path
        );
    }
}

fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read_dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p.clone());
                out.insert(
                    p.strip_prefix(dir).expect("prefix").display().to_string() + "/",
                    Vec::new(),
                );
            } else {
                let rel = p.strip_prefix(dir).expect("prefix").display().to_string();
                out.insert(rel, std::fs::read(&p).expect("read"));
            }
        }
    }
    out
}

#[test]
fn generation_is_reproducible_byte_for_byte() {
    let a = tempfile::tempdir().expect("tmp");
    let b = tempfile::tempdir().expect("tmp");
    let first = demo();
    let second = demo();
    vigie_corpus::write_maildir(&a.path().join("m"), &first).expect("write");
    vigie_corpus::write_maildir(&b.path().join("m"), &second).expect("write");
    vigie_corpus::write_truth(&a.path().join("t.json"), "demo", 2026, &first).expect("truth");
    vigie_corpus::write_truth(&b.path().join("t.json"), "demo", 2026, &second).expect("truth");
    let ta = tree(a.path());
    assert_eq!(ta, tree(b.path()));
    assert!(ta.len() > 190);
    // A different seed gives a different mailbox.
    let other = demo_corpus(7).expect("demo 7");
    assert_ne!(other[0].raw, first[0].raw);
}

#[test]
fn rewriting_an_own_directory_works_and_foreign_ones_are_refused() {
    let t = tempfile::tempdir().expect("tmp");
    let dir = t.path().join("maildir");
    let msgs = demo();
    vigie_corpus::write_maildir(&dir, &msgs[..10]).expect("first");
    vigie_corpus::write_maildir(&dir, &msgs[5..12]).expect("second over own output");
    let listing = tree(&dir);
    let messages: Vec<&String> = listing
        .keys()
        .filter(|k| {
            k.contains("/cur/")
                || k.contains("/new/")
                || k.starts_with("cur/")
                || k.starts_with("new/")
        })
        .filter(|k| !k.ends_with('/'))
        .collect();
    assert_eq!(messages.len(), 7, "{listing:?}", listing = listing.keys());
    for m in &msgs[..5] {
        assert!(
            !listing.contains_key(&m.relative_path()),
            "stale {}",
            m.relative_path()
        );
    }
    assert!(listing.contains_key(".vigie-corpus"));

    let foreign = t.path().join("foreign");
    std::fs::create_dir_all(&foreign).expect("mkdir");
    std::fs::write(foreign.join("precieux.txt"), b"ne pas effacer").expect("write");
    let err = vigie_corpus::write_maildir(&foreign, &msgs[..1]).expect_err("must refuse");
    assert!(err.to_string().contains("n'est pas vide"), "{err}");
    assert!(foreign.join("precieux.txt").exists());
}

#[test]
fn mbox_and_eml_outputs() {
    let t = tempfile::tempdir().expect("tmp");
    let msgs = demo();
    let mbox = t.path().join("demo.mbox");
    vigie_corpus::write_mbox(&mbox, &msgs).expect("mbox");
    let data = std::fs::read(&mbox).expect("read");
    let text = String::from_utf8_lossy(&data);
    assert!(
        text.contains("\n>From all of us"),
        "mboxrd quoting of body lines"
    );
    assert!(text.contains("\n>>From the minutes"));
    let parsed: Vec<_> =
        mail_parser::mailbox::mbox::MessageIterator::new(Cursor::new(&data[..])).collect();
    assert_eq!(parsed.len(), msgs.len());

    let eml = t.path().join("eml");
    vigie_corpus::write_eml(&eml, &msgs).expect("eml");
    let n = std::fs::read_dir(&eml)
        .expect("dir")
        .filter(|e| {
            e.as_ref()
                .map(|e| e.path().extension().is_some_and(|x| x == "eml"))
                .unwrap_or(false)
        })
        .count();
    assert_eq!(n, msgs.len());
}

#[test]
fn truth_file_round_trips() {
    let t = tempfile::tempdir().expect("tmp");
    let msgs = demo();
    let path = t.path().join("demo.truth.json");
    vigie_corpus::write_truth(&path, "demo", 2026, &msgs).expect("truth");
    let manifest = vigie_corpus::read_truth(&path).expect("read back");
    assert_eq!(manifest.message_count, msgs.len());
    assert_eq!(manifest.messages.len(), msgs.len());
    assert_eq!(manifest.messages[3], msgs[3].truth);
    assert_eq!(manifest.format, "vigie.corpus.truth.v1");
    let json = std::fs::read_to_string(&path).expect("read");
    for k in Kind::ALL {
        assert!(
            json.contains(&format!("\"kind\": \"{}\"", k.as_str())),
            "{k:?}"
        );
    }
}

/// The demo mailbox committed under `examples/` is what the generator produces today: a change
/// to the generator must come with a regenerated demo and truth file.
#[test]
fn committed_demo_is_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let committed = root.join("demo-maildir");
    assert!(committed.is_dir(), "examples/demo-maildir is missing");
    let t = tempfile::tempdir().expect("tmp");
    let fresh = t.path().join("demo-maildir");
    let msgs = demo();
    let mut sink =
        vigie_corpus::output::MaildirSink::create(&fresh, "vigie-corpus demo seed=2026\n")
            .expect("sink");
    for m in &msgs {
        vigie_corpus::output::Sink::write(&mut sink, m).expect("write");
    }
    // Git keeps files, not empty folders (a fresh clone has no empty `new/` or `tmp/`): compare
    // the files.
    let files = |dir: &Path| {
        tree(dir)
            .into_iter()
            .filter(|(name, _)| !name.ends_with('/'))
            .collect::<BTreeMap<_, _>>()
    };
    assert!(
        files(&committed) == files(&fresh),
        "examples/demo-maildir is stale: run `cargo run -p vigie-corpus -- demo --out examples/demo-maildir --seed 2026`"
    );
    let truth = t.path().join("truth.json");
    vigie_corpus::write_truth(&truth, "demo", 2026, &msgs).expect("truth");
    assert_eq!(
        std::fs::read(root.join("demo-maildir.truth.json")).ok(),
        std::fs::read(&truth).ok(),
        "examples/demo-maildir.truth.json is stale"
    );
}
