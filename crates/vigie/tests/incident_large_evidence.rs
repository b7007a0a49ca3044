//! A 2 GiB piece of evidence goes into the locker streamed: the `vigie` process never holds it
//! in memory. Its own test binary, so that the peak memory of child processes measured here is
//! only this command's.

use std::fs;
use std::process::Command;

/// Peak resident memory of the finished child processes of this test binary, in KiB.
fn children_peak_rss_kib() -> i64 {
    // SAFETY: getrusage only writes into the struct we pass.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    usage.ru_maxrss
}

#[test]
fn a_two_gigabyte_file_is_streamed_into_the_locker() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("donnees");
    let vigie = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_vigie"))
            .arg("--data-dir")
            .arg(&data)
            .args(args)
            .env("VIGIE_ACTOR", "Test")
            .output()
            .unwrap()
    };
    let out = vigie(&[
        "incident",
        "new",
        "--playbook",
        "rancongiciel",
        "--title",
        "Serveur chiffré",
        "--discovered-at",
        "2026-11-26T08:45:00+01:00",
        "--format",
        "json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let id = v["id"].as_str().unwrap().to_owned();

    // A sparse 2 GiB disk image (the content is zeros; what matters is the size).
    let big = dir.path().join("image-disque.img");
    let file = fs::File::create(&big).unwrap();
    let size: u64 = 2 * 1024 * 1024 * 1024;
    file.set_len(size).unwrap();
    drop(file);

    let out = vigie(&[
        "incident",
        "evidence",
        "add",
        &id,
        big.to_str().unwrap(),
        "--description",
        "copie du disque chiffré",
        "--format",
        "json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let added: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(added["evidence"][0]["size"], size);
    // The same fingerprint as coreutils' sha256sum computes.
    let sum = Command::new("sha256sum").arg(&big).output().unwrap();
    let expected = String::from_utf8(sum.stdout).unwrap();
    assert_eq!(
        added["evidence"][0]["sha256"].as_str().unwrap(),
        expected.split_whitespace().next().unwrap()
    );
    let peak_mib = children_peak_rss_kib() / 1024;
    assert!(peak_mib < 200, "mémoire maximale de vigie : {peak_mib} Mio");

    let out = vigie(&["incident", "verify", &id]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
