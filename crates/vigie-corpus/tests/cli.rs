//! The `vigie-corpus` binary: outputs, French errors and exit codes.

use std::path::Path;
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vigie-corpus"))
        .args(args)
        .output()
        .expect("binary runs")
}

fn p(path: &Path) -> &str {
    path.to_str().expect("utf-8 temp path")
}

#[test]
fn demo_writes_maildir_truth_mbox_and_eml() {
    let t = tempfile::tempdir().expect("tmp");
    let out = t.path().join("demo");
    let mbox = t.path().join("demo.mbox");
    let eml = t.path().join("eml");
    let o = run(&[
        "demo",
        "--out",
        p(&out),
        "--seed",
        "5",
        "--mbox",
        p(&mbox),
        "--eml",
        p(&eml),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("Corpus démonstration"), "{stdout}");
    for sub in [
        "cur",
        "new",
        "tmp",
        ".Sent/cur",
        ".Archives.2019/cur",
        ".Trash/cur",
        ".Comptabilit&AOk-/cur",
    ] {
        assert!(out.join(sub).is_dir(), "{sub}");
    }
    assert!(out.join(".Sent/maildirfolder").is_file());
    let truth = vigie_corpus::read_truth(&t.path().join("demo.truth.json")).expect("truth beside");
    assert_eq!(truth.mode, "demo");
    assert_eq!(truth.seed, 5);
    for m in &truth.messages {
        assert!(out.join(&m.path).is_file(), "{}", m.path);
    }
    assert!(std::fs::metadata(&mbox).expect("mbox").len() > 100_000);
    assert_eq!(
        std::fs::read_dir(&eml).expect("eml").count(),
        truth.message_count + 1
    );

    // Running again over its own output reproduces the same files.
    let before = std::fs::read(out.join(&truth.messages[10].path)).expect("read");
    let o = run(&["demo", "--out", p(&out), "--seed", "5"]);
    assert!(o.status.success());
    assert_eq!(
        std::fs::read(out.join(&truth.messages[10].path)).expect("read"),
        before
    );
}

#[test]
fn bench_and_mailbox_modes() {
    let t = tempfile::tempdir().expect("tmp");
    let bench = t.path().join("bench");
    let o = run(&["bench", "--out", p(&bench), "--size-mb", "1", "--seed", "1"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let truth = vigie_corpus::read_truth(&t.path().join("bench.truth.json")).expect("truth");
    assert_eq!(truth.mode, "bench");
    let total: u64 = truth
        .messages
        .iter()
        .map(|m| {
            std::fs::metadata(bench.join(&m.path))
                .map(|md| md.len())
                .unwrap_or(0)
        })
        .sum();
    assert!(total >= 1_000_000, "{total}");
    assert!(truth.messages.iter().all(|m| m.scenario == "bench_text"));

    let mailbox = t.path().join("mailbox");
    let truth_path = t.path().join("elsewhere/mailbox-truth.json");
    let o = run(&[
        "mailbox",
        "--out",
        p(&mailbox),
        "--count",
        "25",
        "--truth",
        p(&truth_path),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let truth = vigie_corpus::read_truth(&truth_path).expect("truth");
    assert_eq!(truth.message_count, 25);
}

#[test]
fn errors_are_in_french_with_a_non_zero_exit() {
    let t = tempfile::tempdir().expect("tmp");

    let o = run(&["demo"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("indiquez au moins une sortie"));

    let file = t.path().join("un-fichier");
    std::fs::write(&file, b"x").expect("write");
    let o = run(&["demo", "--out", p(&file)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("n'est pas un dossier"));

    let foreign = t.path().join("documents");
    std::fs::create_dir(&foreign).expect("mkdir");
    std::fs::write(foreign.join("important.odt"), b"x").expect("write");
    let o = run(&["demo", "--out", p(&foreign)]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("n'est pas vide"), "{err}");
    assert!(foreign.join("important.odt").exists());

    let o = run(&["bench", "--out", p(&t.path().join("b")), "--size-mb", "0"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("supérieur à 0"));

    let o = run(&["demo", "--inconnu"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("arguments invalides"));
}

#[cfg(target_os = "linux")]
#[test]
fn unwritable_output_is_reported() {
    let o = run(&["demo", "--out", "/proc/vigie-corpus-impossible"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("impossible d'écrire"), "{err}");
}
