//! The local blob store: content addressing, deduplication, atomicity, integrity checks and
//! refusal of anything that is not a SHA-256 before it becomes a path.

use std::fs;
use std::io::{self, Read};
use std::path::Path;
use std::sync::Arc;

use sha2::{Digest as _, Sha256};
use vigie_store::{BlobCheck, BlobStore, Error, LocalBlobStore};

fn sha_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn put_open_verify_round_trip_with_layout() {
    let dir = tempfile::tempdir().unwrap();
    let store = LocalBlobStore::new(dir.path().join("evidence")).unwrap();
    let content = b"IBAN FR76 3000 6000 0112 3456 7890 189".repeat(1000);
    let blob = store.put_stream(&content[..]).unwrap();
    let expected = sha_hex(&content);
    assert_eq!(blob.sha256, expected);
    assert_eq!(blob.size, content.len() as u64);

    let path = store.path_of(&expected).unwrap();
    assert_eq!(
        path,
        dir.path()
            .join("evidence/sha256")
            .join(&expected[..2])
            .join(&expected)
    );
    assert!(store.exists(&expected).unwrap());
    let mut back = Vec::new();
    store
        .open(&expected)
        .unwrap()
        .read_to_end(&mut back)
        .unwrap();
    assert_eq!(back, content);
    assert_eq!(store.verify(&expected).unwrap(), BlobCheck::Intact);
    assert!(
        fs::metadata(&path).unwrap().permissions().readonly(),
        "evidence files are read-only"
    );
    // Nothing left in tmp/.
    assert!(files_under(&dir.path().join("evidence/tmp")).is_empty());
}

#[test]
fn empty_blob_is_fine() {
    let dir = tempfile::tempdir().unwrap();
    let store = LocalBlobStore::new(dir.path()).unwrap();
    let blob = store.put_stream(io::empty()).unwrap();
    assert_eq!(
        blob.sha256,
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(blob.size, 0);
    assert_eq!(store.verify(&blob.sha256).unwrap(), BlobCheck::Intact);
}

#[test]
fn same_content_is_stored_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = LocalBlobStore::new(dir.path()).unwrap();
    let a = store.put_stream(&b"capture d'ecran"[..]).unwrap();
    let path = store.path_of(&a.sha256).unwrap();
    let inode_before = inode(&path);
    let b = store.put_stream(&b"capture d'ecran"[..]).unwrap();
    assert_eq!(a, b);
    assert_eq!(
        inode(&path),
        inode_before,
        "the existing file is kept, not replaced"
    );
    store.put_stream(&b"autre chose"[..]).unwrap();
    let files = files_under(&dir.path().join("sha256"));
    assert_eq!(files.len(), 2, "{files:?}");
    assert!(files_under(&dir.path().join("tmp")).is_empty());
}

#[cfg(unix)]
fn inode(path: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt as _;
    fs::metadata(path).unwrap().ino()
}

#[cfg(not(unix))]
fn inode(_path: &Path) -> u64 {
    0
}

#[test]
fn concurrent_puts_of_the_same_content_converge() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(LocalBlobStore::new(dir.path()).unwrap());
    let content = Arc::new(vec![7_u8; 3 * 1024 * 1024]);
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let store = store.clone();
            let content = content.clone();
            std::thread::spawn(move || store.put_stream(&content[..]).unwrap())
        })
        .collect();
    let refs: Vec<_> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    assert!(refs.windows(2).all(|w| w[0] == w[1]));
    assert_eq!(files_under(&dir.path().join("sha256")).len(), 1);
    assert!(files_under(&dir.path().join("tmp")).is_empty());
    assert_eq!(store.verify(&refs[0].sha256).unwrap(), BlobCheck::Intact);
}

/// Yields `ok_bytes` bytes, then fails like a USB stick pulled out.
struct FailingReader {
    remaining: usize,
}

impl Read for FailingReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.remaining == 0 {
            return Err(io::Error::other("périphérique retiré"));
        }
        let n = buf.len().min(self.remaining);
        buf[..n].fill(b'x');
        self.remaining -= n;
        Ok(n)
    }
}

#[test]
fn interrupted_stream_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let store = LocalBlobStore::new(dir.path()).unwrap();
    let err = store
        .put_stream(FailingReader {
            remaining: 1_000_000,
        })
        .unwrap_err();
    assert!(matches!(err, Error::Io { .. }), "{err:?}");
    assert!(err.to_string().contains("interrompue"), "{err}");
    assert!(files_under(&dir.path().join("sha256")).is_empty());
    assert!(files_under(&dir.path().join("tmp")).is_empty());
}

#[test]
fn verify_detects_missing_and_altered_blobs() {
    let dir = tempfile::tempdir().unwrap();
    let store = LocalBlobStore::new(dir.path()).unwrap();
    let blob = store.put_stream(&b"original"[..]).unwrap();
    let absent = sha_hex(b"jamais stocke");
    assert_eq!(store.verify(&absent).unwrap(), BlobCheck::Missing);
    assert!(!store.exists(&absent).unwrap());
    assert!(store.open(&absent).unwrap_err().is_not_found());

    // Someone with access to the disk changes the file.
    let path = store.path_of(&blob.sha256).unwrap();
    let mut perms = fs::metadata(&path).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    fs::set_permissions(&path, perms).unwrap();
    fs::write(&path, b"modifie!").unwrap();
    assert_eq!(
        store.verify(&blob.sha256).unwrap(),
        BlobCheck::Altered {
            actual_sha256: sha_hex(b"modifie!")
        }
    );

    // Truncated copy: storing the original again repairs it (size differs).
    fs::write(&path, b"orig").unwrap();
    store.put_stream(&b"original"[..]).unwrap();
    assert_eq!(store.verify(&blob.sha256).unwrap(), BlobCheck::Intact);
}

#[test]
fn anything_but_a_sha256_is_refused_before_touching_the_disk() {
    let dir = tempfile::tempdir().unwrap();
    let store = LocalBlobStore::new(dir.path().join("evidence")).unwrap();
    // A file outside the store that traversal would reach.
    fs::write(dir.path().join("secret.txt"), b"secret").unwrap();
    let hostile = [
        "../secret.txt",
        "../../../../etc/passwd",
        "/etc/passwd",
        &format!("../{}", "a".repeat(61)),
        &format!("{}/..", "a".repeat(62)),
        &"A".repeat(64),
        &"g".repeat(64),
        &"a".repeat(63),
        &"a".repeat(65),
        "",
        &format!("{}\0", "a".repeat(63)),
    ];
    for bad in hostile {
        assert!(
            matches!(store.path_of(bad), Err(Error::Invalid { .. })),
            "path_of({bad:?})"
        );
        assert!(
            matches!(store.open(bad), Err(Error::Invalid { .. })),
            "open({bad:?})"
        );
        assert!(
            matches!(store.verify(bad), Err(Error::Invalid { .. })),
            "verify({bad:?})"
        );
        assert!(
            matches!(store.exists(bad), Err(Error::Invalid { .. })),
            "exists({bad:?})"
        );
    }
    let err = store.open("../secret.txt").unwrap_err();
    assert!(
        err.to_string().starts_with("empreinte SHA-256 invalide"),
        "{err}"
    );
}

#[test]
fn usable_as_a_trait_object() {
    let dir = tempfile::tempdir().unwrap();
    let store: Box<dyn BlobStore> = Box::new(LocalBlobStore::new(dir.path()).unwrap());
    let mut source: &[u8] = b"rapport";
    let blob = store.put_stream(&mut source).unwrap();
    assert!(store.exists(&blob.sha256).unwrap());
    let mut back = String::new();
    store
        .open(&blob.sha256)
        .unwrap()
        .read_to_string(&mut back)
        .unwrap();
    assert_eq!(back, "rapport");
    assert_eq!(store.verify(&blob.sha256).unwrap(), BlobCheck::Intact);
}
