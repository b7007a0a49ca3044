//! `vigie serve --blobs s3://…` as a hosting provider runs it: the keys and the service address
//! in the `AWS_*` variables, a real S3 server on loopback (`vigie_testkit::S3Server`). A wrong
//! key stops the start with a French sentence and exit status 3 (service unreachable or
//! refusing), without printing the secret; the right one starts the server.

mod common;

use std::process::Command;

use common::Server;
use vigie_testkit::S3Server;
use vigie_testkit::s3::{ACCESS_KEY, BUCKET, SECRET_KEY};

#[test]
fn serve_checks_the_bucket_at_start() {
    let s3 = S3Server::start().unwrap_or_else(|e| panic!("{e}"));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let config = dir.path().join("vigie.toml");
    std::fs::write(&config, "workers = 0\n").unwrap_or_else(|e| panic!("{e}"));
    let endpoint = s3.endpoint();
    let url = format!("s3://{BUCKET}/communes");

    let refused = Command::new(env!("CARGO_BIN_EXE_vigie"))
        .arg("--data-dir")
        .arg(dir.path().join("refuse"))
        .args(["serve", "--listen", "127.0.0.1:0", "--blobs", &url])
        .env("AWS_ENDPOINT_URL", &endpoint)
        .env("AWS_ALLOW_HTTP", "true")
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", "secret-faux-987654")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("stockage objet s3://vigie-preuves/communes"),
        "{stderr}"
    );
    assert!(stderr.contains("clés d'accès"), "{stderr}");
    assert!(!stderr.contains("secret-faux-987654"), "{stderr}");

    let bad_url = Command::new(env!("CARGO_BIN_EXE_vigie"))
        .arg("--data-dir")
        .arg(dir.path().join("adresse"))
        .args(["serve", "--listen", "127.0.0.1:0", "--blobs"])
        .arg(format!("s3://{ACCESS_KEY}:{SECRET_KEY}@{BUCKET}"))
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let stderr = String::from_utf8_lossy(&bad_url.stderr);
    assert_eq!(bad_url.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("AWS_ACCESS_KEY_ID"), "{stderr}");

    let data_dir = dir.path().join("bon");
    let server = Server::start(
        &data_dir,
        &format!("sqlite://{}?mode=rwc", data_dir.join("vigie.db").display()),
        &config,
        &[
            ("VIGIE_BLOBS", url.as_str()),
            ("AWS_ENDPOINT_URL", endpoint.as_str()),
            ("AWS_ALLOW_HTTP", "true"),
            ("AWS_ACCESS_KEY_ID", ACCESS_KEY),
            ("AWS_SECRET_ACCESS_KEY", SECRET_KEY),
        ],
    );
    assert!(!server.output().contains(SECRET_KEY), "{}", server.output());
    assert!(
        !data_dir.join("evidence").exists(),
        "no local blob directory when the blobs are in S3"
    );
}
