//! `vigie mail scan` on local sources, through the real binary: the shipped demo mailbox
//! against its truth file, hostile input, and the documented errors.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn vigie() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_vigie"));
    c.env_remove("VIGIE_DATA_DIR").env("NO_COLOR", "1");
    c
}

/// `vigie mail scan --no-progress --format FORMAT --output OUTPUT`, sources to be added.
fn scan_to(format: &str, output: &Path) -> Command {
    let mut c = vigie();
    c.args([
        "mail",
        "scan",
        "--no-progress",
        "--format",
        format,
        "--output",
    ])
    .arg(output);
    c
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("vigie runs")
}

fn text(o: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// (message id, kind, last four characters upper-cased): how a planted value and a masked
/// finding are matched.
fn key(
    message_id: &serde_json::Value,
    kind: &serde_json::Value,
    value: &serde_json::Value,
) -> (String, String, String) {
    let value = value.as_str().unwrap();
    let last4: String = value
        .chars()
        .skip(value.chars().count().saturating_sub(4))
        .collect();
    (
        message_id.as_str().unwrap().to_owned(),
        kind.as_str().unwrap().to_owned(),
        last4.to_uppercase(),
    )
}

/// (message id, kind, last four characters) of every planted value of the demo.
fn truth() -> (serde_json::Value, HashSet<(String, String, String)>) {
    let raw = std::fs::read(repo().join("examples/demo-maildir.truth.json")).unwrap();
    let truth: serde_json::Value = serde_json::from_slice(&raw).unwrap();
    let mut planted = HashSet::new();
    for m in truth["messages"].as_array().unwrap() {
        for p in m["planted"].as_array().unwrap() {
            planted.insert(key(&m["message_id"], &p["kind"], &p["value"]));
        }
    }
    (truth, planted)
}

#[test]
fn demo_scan_finds_what_was_planted_and_never_shows_it_whole() {
    let dir = tempfile::tempdir().unwrap();
    let json_path = dir.path().join("demo.json");
    let html_path = dir.path().join("demo.html");
    let demo = repo().join("examples/demo-maildir");
    let o = run(scan_to("json", &json_path).arg("--maildir").arg(&demo));
    assert!(o.status.success(), "{}", text(&o));
    let o_html = run(scan_to("html", &html_path).arg("--maildir").arg(&demo));
    assert!(o_html.status.success(), "{}", text(&o_html));
    let o_text = run(vigie()
        .args(["mail", "scan", "--no-progress", "--maildir"])
        .arg(&demo));
    assert!(o_text.status.success(), "{}", text(&o_text));

    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json_path).unwrap()).unwrap();
    assert_eq!(report["schema"], "vigie.scan.v1");
    assert_eq!(report["complete"], true);
    let (truth, planted) = truth();
    assert_eq!(
        report["messages_scanned"].as_u64().unwrap(),
        truth["messages"].as_array().unwrap().len() as u64
    );

    let mut found = HashSet::new();
    for f in report["findings"].as_array().unwrap() {
        let masked = f["masked"].as_str().unwrap();
        let visible: String = masked.chars().filter(|c| *c != '*').collect();
        assert!(
            visible.chars().count() <= 4,
            "more than 4 characters shown: {masked}"
        );
        found.insert(key(&f["message_id"], &f["kind"], &f["masked"]));
    }
    let hits = planted.intersection(&found).count() as f64;
    let recall = hits / planted.len() as f64;
    let precision = hits / found.len() as f64;
    let missed: Vec<_> = planted.difference(&found).take(10).collect();
    let extra: Vec<_> = found.difference(&planted).take(10).collect();
    println!("demo values: recall {recall:.3}, precision {precision:.3}");
    assert!(recall >= 0.95, "recall {recall:.3}; missed e.g. {missed:?}");
    assert!(
        precision >= 0.95,
        "precision {precision:.3}; extra e.g. {extra:?}"
    );

    let planted_docs: HashSet<(String, String)> = truth["messages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| {
            m["categories"].as_array().unwrap().iter().map(move |c| {
                (
                    m["message_id"].as_str().unwrap().to_owned(),
                    c.as_str().unwrap().to_owned(),
                )
            })
        })
        .collect();
    let found_docs: HashSet<(String, String)> = report["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["message_id"].as_str().unwrap().to_owned(),
                d["category"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let hits = planted_docs.intersection(&found_docs).count() as f64;
    let (recall, precision) = (
        hits / planted_docs.len() as f64,
        hits / found_docs.len() as f64,
    );
    println!("demo documents: recall {recall:.3}, precision {precision:.3}");
    assert!(
        recall >= 0.95 && precision >= 0.95,
        "documents recall {recall:.3} precision {precision:.3}"
    );

    // No planted value appears whole in any output.
    let html = std::fs::read_to_string(&html_path).unwrap();
    let json = std::fs::read_to_string(&json_path).unwrap();
    let terminal = String::from_utf8_lossy(&o_text.stdout).into_owned();
    for m in truth["messages"].as_array().unwrap() {
        for p in m["planted"].as_array().unwrap() {
            let value = p["value"].as_str().unwrap();
            for (name, out) in [("html", &html), ("json", &json), ("text", &terminal)] {
                assert!(
                    !out.contains(value),
                    "{name} output shows {} whole",
                    p["kind"]
                );
            }
        }
    }
    // The HTML report is self-contained and escapes what came from the mail.
    assert!(!html.contains("<script"), "script tag in the report");
    assert!(
        html.contains("&lt;script&gt;"),
        "the hostile subject should be shown, escaped"
    );
    assert!(!html.contains("src=\"http") && !html.contains("href=\"http"));
    assert_eq!(html.matches("<svg").count(), 3, "three charts expected");
    assert!(html.contains("Que faire"));
}

fn write_eml(dir: &Path, name: &str, content: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

fn zip_bytes(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in entries {
            w.start_file(*name, opts).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap();
    }
    out.into_inner()
}

fn base64_lines(data: &[u8]) -> String {
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(data);
    let mut out = String::with_capacity(encoded.len() + encoded.len() / 76 * 2);
    for chunk in encoded.as_bytes().chunks(76) {
        out.push_str(std::str::from_utf8(chunk).unwrap());
        out.push_str("\r\n");
    }
    out
}

fn with_attachment(subject: &str, name: &str, ctype: &str, data: &[u8]) -> Vec<u8> {
    format!(
        "From: a@example.fr\r\nSubject: {subject}\r\nMessage-ID: <{}@t>\r\nDate: Mon, 2 Jan 2023 10:00:00 +0100\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"B\"\r\n\r\n--B\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nCi-joint.\r\n--B\r\nContent-Type: {ctype}; name=\"{name}\"\r\nContent-Disposition: attachment; filename=\"{name}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}--B--\r\n",
        subject.len(),
        base64_lines(data)
    )
    .into_bytes()
}

fn max_child_rss_kib() -> i64 {
    // SAFETY: getrusage only writes into the struct we pass.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    usage.ru_maxrss
}

#[test]
fn hostile_input_gives_a_report_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Malformed MIME: missing boundary end, broken base64, bogus charset.
    write_eml(d, "broken.eml", b"Subject: =?x-unknown?q?bad?=\r\nContent-Type: multipart/mixed; boundary=Z\r\n\r\n--Z\r\nContent-Type: text/plain; charset=x-does-not-exist\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!notbase64@@@\r\n--Z\r\nContent-Type: application/pdf; name=a.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQKJeLjz9MK\r\n");
    // Deeply nested multiparts.
    let mut nested = String::from("Subject: nested\r\nMIME-Version: 1.0\r\n");
    for i in 0..3000 {
        nested.push_str(&format!(
            "Content-Type: multipart/mixed; boundary=\"b{i}\"\r\n\r\n--b{i}\r\n"
        ));
    }
    nested.push_str("Content-Type: text/plain\r\n\r\nIBAN FR76 3000 6000 0112 3456 7890 189\r\n");
    write_eml(d, "nested.eml", nested.as_bytes());
    // A 50 MB attachment.
    let big: Vec<u8> = (0..50u32 << 20)
        .map(|i| b"abcdefghij\n"[(i % 11) as usize])
        .collect();
    write_eml(
        d,
        "big.eml",
        &with_attachment("Gros fichier", "export.txt", "text/plain", &big),
    );
    drop(big);
    // A ZIP bomb: 256 MiB of zeros in a few hundred KB, nested once.
    let zeros = vec![0u8; 64 << 20];
    let inner = zip_bytes(&[
        ("a.txt", &zeros),
        ("b.txt", &zeros),
        ("c.txt", &zeros),
        ("d.txt", &zeros),
    ]);
    drop(zeros);
    let bomb = zip_bytes(&[("inner.zip", &inner)]);
    write_eml(
        d,
        "bomb.eml",
        &with_attachment("Archive", "archive.zip", "application/zip", &bomb),
    );
    // Script tags in the subject and the file name, next to a real IBAN.
    write_eml(
        d,
        "xss.eml",
        &with_attachment(
            "<script>alert('objet')</script>",
            "<img src=x onerror=alert(1)>.txt",
            "text/plain",
            b"IBAN FR76 3000 6000 0112 3456 7890 189",
        ),
    );
    let html_path = d.join("out/rapport.html");
    let o = run(scan_to("html", &html_path).arg("--eml").arg(d));
    assert!(o.status.success(), "{}", text(&o));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let html = std::fs::read_to_string(&html_path).unwrap();
    assert!(
        !html.contains("<script") && !html.contains("<img src=x"),
        "unescaped markup"
    );
    assert!(html.contains("&lt;script&gt;alert(&#39;objet&#39;)"));
    assert!(
        html.contains("archive suspecte"),
        "the bomb is reported as unreadable"
    );
    // Bounded memory: the 50 MB attachment and the bomb stay well under a gigabyte.
    let rss_mib = max_child_rss_kib() / 1024;
    println!("peak memory of the scans: {rss_mib} MiB");
    assert!(rss_mib < 900, "peak memory {rss_mib} MiB");

    let json_path = d.join("out/rapport.json");
    let o = run(scan_to("json", &json_path).arg("--eml").arg(d));
    assert!(o.status.success(), "{}", text(&o));
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json_path).unwrap()).unwrap();
    assert_eq!(report["messages_scanned"], 5);
    let ibans = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "iban")
        .count();
    assert!(ibans >= 2, "the IBANs of nested.eml and xss.eml: {report}");
}

#[test]
fn errors_are_french_with_documented_status() {
    let o = run(vigie().args(["mail", "scan", "--maildir", "/nulle/part"]));
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("Impossible de lire") && err.contains("introuvable"),
        "{err}"
    );

    let o = run(vigie().args(["mail", "scan", "--frobnicate"]));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("option inconnue"),
        "{}",
        text(&o)
    );

    let o = run(vigie().args(["mail", "scan", "--maildir", "a", "--mbox", "b"]));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("ne peuvent pas être utilisés ensemble"),
        "{}",
        text(&o)
    );

    let o = run(vigie().args(["mail", "scan", "ftp://x@y", "--password-env", "NOPE"]));
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));

    // A report that cannot be written: status 7, and the good file already there is intact.
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("not-a-dir");
    std::fs::write(&blocker, b"keep me").unwrap();
    let o = run(vigie()
        .args([
            "mail",
            "scan",
            "--no-progress",
            "--format",
            "json",
            "--output",
        ])
        .arg(blocker.join("r.json"))
        .arg("--maildir")
        .arg(repo().join("examples/demo-maildir")));
    assert_eq!(o.status.code(), Some(7), "{}", text(&o));
    assert_eq!(std::fs::read(&blocker).unwrap(), b"keep me");
}

#[test]
fn mbox_and_single_folder() {
    let dir = tempfile::tempdir().unwrap();
    let mbox = dir.path().join("box.mbox");
    std::fs::write(
        &mbox,
        "From a@b Mon Jan  1 00:00:00 2024\nSubject: RIB\nMessage-ID: <1@x>\n\nIBAN FR76 3000 6000 0112 3456 7890 189\n\nFrom c@d Mon Jan  1 00:00:00 2024\nSubject: rien\nMessage-ID: <2@x>\n\nBonjour\n",
    )
    .unwrap();
    let o = run(vigie()
        .args([
            "mail",
            "scan",
            "--no-progress",
            "--format",
            "json",
            "--mbox",
        ])
        .arg(&mbox));
    assert!(o.status.success(), "{}", text(&o));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["messages_scanned"], 2);
    assert_eq!(r["findings"][0]["kind"], "iban");
    assert_eq!(r["findings"][0]["masked"], "***********************0189");
    assert_eq!(r["findings"][0]["folder"], mbox.display().to_string());

    let o = run(vigie()
        .args([
            "mail",
            "scan",
            "--no-progress",
            "--format",
            "json",
            "--folder",
            "Sent",
            "--maildir",
        ])
        .arg(repo().join("examples/demo-maildir")));
    assert!(o.status.success(), "{}", text(&o));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(r["messages_scanned"].as_u64().unwrap() > 0);
    assert!(
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["folder"] == "Sent")
    );
}
