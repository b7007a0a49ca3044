//! The S3-compatible blob store against a real S3 server on loopback (`vigie_testkit::S3Server`:
//! the S3 protocol of the `s3s` crate, signature V4 checked): the same guarantees as the local
//! directory — content-addressed names, deduplication, streaming in both directions, nothing
//! half-written, alterations found — plus the errors of a remote service, in French and without
//! the secret key.

use std::io::{self, Read};
use std::sync::Arc;

use sha2::{Digest as _, Sha256};
use vigie_store::{BlobCheck, BlobStore, Error, S3BlobStore, S3Options};
use vigie_testkit::S3Server;
use vigie_testkit::s3::{ACCESS_KEY, BUCKET, SECRET_KEY};

fn options(server: &S3Server) -> S3Options {
    S3Options {
        endpoint: Some(server.endpoint()),
        region: None,
        access_key_id: Some(ACCESS_KEY.into()),
        secret_access_key: Some(SECRET_KEY.into()),
        allow_http: true,
    }
}

fn store(server: &S3Server, prefix: &str) -> S3BlobStore {
    let url = if prefix.is_empty() {
        format!("s3://{BUCKET}")
    } else {
        format!("s3://{BUCKET}/{prefix}")
    };
    S3BlobStore::new(&url, &options(server)).unwrap_or_else(|e| panic!("{e}"))
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Deterministic, incompressible-looking content of `len` bytes.
fn content(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

fn read_all(store: &dyn BlobStore, sha256: &str) -> Vec<u8> {
    let mut out = Vec::new();
    store
        .open(sha256)
        .unwrap_or_else(|e| panic!("{e}"))
        .read_to_end(&mut out)
        .unwrap_or_else(|e| panic!("{e}"));
    out
}

#[test]
fn small_and_large_blobs_round_trip_under_their_hash() {
    let server = S3Server::start().unwrap_or_else(|e| panic!("{e}"));
    let store = store(&server, "communes/preuves");
    store.check().unwrap_or_else(|e| panic!("{e}"));

    // One PUT (under the 8 MiB part size); exactly one part (the source ends right after it);
    // a multipart upload of three parts (8+8+3 MiB).
    for (len, seed) in [
        (0, 1),
        (11, 2),
        (300_000, 3),
        (8 * 1024 * 1024, 5),
        (19 * 1024 * 1024 + 5, 4),
    ] {
        let bytes = content(len, seed);
        let blob = store
            .put_stream(&mut io::Cursor::new(&bytes))
            .unwrap_or_else(|e| panic!("{len}: {e}"));
        assert_eq!(blob.sha256, sha256_hex(&bytes), "{len}");
        assert_eq!(blob.size, len as u64);
        assert!(store.exists(&blob.sha256).unwrap_or_else(|e| panic!("{e}")));
        assert_eq!(read_all(&store, &blob.sha256), bytes, "{len}");
        assert_eq!(
            store.verify(&blob.sha256).unwrap_or_else(|e| panic!("{e}")),
            BlobCheck::Intact
        );
        let key = format!(
            "communes/preuves/sha256/{}/{}",
            &blob.sha256[..2],
            blob.sha256
        );
        assert!(server.keys().contains(&key), "{key} in {:?}", server.keys());
    }
    // Temporary keys of the multipart upload are gone.
    assert!(
        server
            .keys()
            .iter()
            .all(|k| k.starts_with("communes/preuves/sha256/")),
        "{:?}",
        server.keys()
    );
}

#[test]
fn same_content_is_stored_once_and_writers_race_safely() {
    let server = S3Server::start().unwrap_or_else(|e| panic!("{e}"));
    let store: Arc<dyn BlobStore> = Arc::new(store(&server, ""));
    let bytes = content(9 * 1024 * 1024, 7); // Multipart: two parts.
    let mut threads = Vec::new();
    for _ in 0..4 {
        let store = Arc::clone(&store);
        let bytes = bytes.clone();
        threads.push(std::thread::spawn(move || {
            store.put_stream(&mut io::Cursor::new(bytes))
        }));
    }
    for t in threads {
        let blob = t
            .join()
            .unwrap_or_else(|_| panic!("thread"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(blob.sha256, sha256_hex(&bytes));
    }
    let keys = server.keys();
    assert_eq!(keys.len(), 1, "one object, no leftover: {keys:?}");
    assert_eq!(read_all(store.as_ref(), &sha256_hex(&bytes)), bytes);
}

#[test]
fn alterations_and_missing_blobs_are_reported() {
    let server = S3Server::start().unwrap_or_else(|e| panic!("{e}"));
    let store = store(&server, "p");
    let bytes = b"capture de la boite vide".to_vec();
    let blob = store
        .put_stream(&mut io::Cursor::new(&bytes))
        .unwrap_or_else(|e| panic!("{e}"));
    let path = server.object_path(&format!("p/sha256/{}/{}", &blob.sha256[..2], blob.sha256));
    std::fs::write(&path, b"capture de la boite VIDE").unwrap_or_else(|e| panic!("{e}"));
    match store.verify(&blob.sha256).unwrap_or_else(|e| panic!("{e}")) {
        BlobCheck::Altered { actual_sha256 } => {
            assert_eq!(actual_sha256, sha256_hex(b"capture de la boite VIDE"));
        }
        other => panic!("expected Altered, got {other:?}"),
    }
    // A truncated copy (wrong size) is replaced by the next upload of the true content.
    std::fs::write(&path, b"capture").unwrap_or_else(|e| panic!("{e}"));
    store
        .put_stream(&mut io::Cursor::new(&bytes))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        store.verify(&blob.sha256).unwrap_or_else(|e| panic!("{e}")),
        BlobCheck::Intact
    );
    assert_eq!(read_all(&store, &blob.sha256), bytes);

    std::fs::remove_file(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        store.verify(&blob.sha256).unwrap_or_else(|e| panic!("{e}")),
        BlobCheck::Missing
    );
    assert!(!store.exists(&blob.sha256).unwrap_or_else(|e| panic!("{e}")));
    match store.open(&blob.sha256) {
        Err(Error::NotFound { .. }) => {}
        Err(e) => panic!("expected NotFound, got {e}"),
        Ok(_) => panic!("expected NotFound, got a reader"),
    }
    // Names are validated before they become keys.
    for bad in ["../../etc/passwd", "ABC", ""] {
        assert!(
            matches!(store.open(bad), Err(Error::Invalid { .. })),
            "{bad}"
        );
        assert!(store.exists(bad).is_err(), "{bad}");
    }
}

/// A source that fails after `after` bytes.
struct Failing {
    sent: usize,
    after: usize,
}

impl Read for Failing {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.sent >= self.after {
            return Err(io::Error::other("disque débranché"));
        }
        let n = buf.len().min(self.after - self.sent);
        buf[..n].fill(b'x');
        self.sent += n;
        Ok(n)
    }
}

#[test]
fn a_source_failing_mid_way_leaves_nothing() {
    let server = S3Server::start().unwrap_or_else(|e| panic!("{e}"));
    let store = store(&server, "p");
    // Before the first part is complete, and in the middle of a multipart upload.
    for after in [1000, 12 * 1024 * 1024] {
        let err = store
            .put_stream(&mut Failing { sent: 0, after })
            .expect_err("must fail");
        assert!(
            err.to_string().contains("rien n'a été enregistré"),
            "{after}: {err}"
        );
        assert!(server.keys().is_empty(), "{after}: {:?}", server.keys());
    }
}

#[test]
fn remote_failures_are_explained_without_the_secret() {
    let server = S3Server::start().unwrap_or_else(|e| panic!("{e}"));
    let wrong_secret = S3Options {
        secret_access_key: Some("mauvais-secret-123456".into()),
        ..options(&server)
    };
    let store = S3BlobStore::new(&format!("s3://{BUCKET}"), &wrong_secret)
        .unwrap_or_else(|e| panic!("{e}"));
    let err = store.check().expect_err("wrong key refused").to_string();
    assert!(err.contains("stockage objet s3://vigie-preuves"), "{err}");
    assert!(err.contains("clés d'accès"), "{err}");
    assert!(!err.contains("mauvais-secret-123456"), "{err}");
    let err = store
        .put_stream(&mut io::Cursor::new(b"x".to_vec()))
        .expect_err("wrong key refused")
        .to_string();
    assert!(!err.contains("mauvais-secret-123456"), "{err}");

    let missing_bucket = S3BlobStore::new("s3://seau-inexistant", &options(&server))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(missing_bucket.check().is_err());

    // Nobody listens there: the connection is refused quickly, with the same kind of message.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
        l.local_addr().unwrap_or_else(|e| panic!("{e}")).port()
    };
    let unreachable = S3BlobStore::new(
        &format!("s3://{BUCKET}"),
        &S3Options {
            endpoint: Some(format!("http://127.0.0.1:{port}")),
            ..options(&server)
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let err = unreachable.check().expect_err("unreachable").to_string();
    assert!(err.contains("AWS_ENDPOINT_URL"), "{err}");

    // An http:// endpoint is refused unless explicitly allowed.
    let plain = S3BlobStore::new(
        &format!("s3://{BUCKET}"),
        &S3Options {
            allow_http: false,
            ..options(&server)
        },
    );
    let refused = match plain {
        Err(e) => e.to_string(),
        Ok(s) => s.check().expect_err("http refused").to_string(),
    };
    assert!(refused.contains("stockage objet"), "{refused}");
}

#[test]
fn works_from_inside_an_async_context() {
    // The incident engine reads documents from async code; the store must not panic there
    // (Tokio's own block_on would), it only blocks that thread.
    let server = S3Server::start().unwrap_or_else(|e| panic!("{e}"));
    let store = store(&server, "");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    rt.block_on(async {
        let blob = store
            .put_stream(&mut io::Cursor::new(b"dans une tache async".to_vec()))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(read_all(&store, &blob.sha256), b"dans une tache async");
    });
    // And the store can be dropped inside async code.
    rt.block_on(async move { drop(store) });
}
