//! Content-addressed blob store for evidence, backups and generated documents.
//!
//! A blob is named by the SHA-256 of its content (64 lowercase hex digits). The local backend,
//! [`LocalBlobStore`], keeps each blob in one read-only file under its root directory (the CLI
//! passes `<data-dir>/evidence`):
//!
//! ```text
//! <root>/sha256/ab/abcdef0123…   the blob whose SHA-256 is abcdef0123…
//! <root>/tmp/                    blobs being written (same file system, so rename is atomic)
//! ```
//!
//! Writing ([`LocalBlobStore::put_stream`]) streams the source in 64 KiB chunks, hashing as it
//! goes: memory use does not depend on the size (a 2 GB mailbox export is fine). The bytes go to
//! a temporary file in `<root>/tmp`, which is fsynced, then renamed to its final name and the
//! directory fsynced: a blob either exists complete under its name or not at all, even after a
//! crash. If the source fails mid-way the temporary file is deleted. If the blob exists already
//! the new copy is discarded (deduplication) — unless the existing file has the wrong size, i.e.
//! was damaged, in which case the fresh, verified copy replaces it.
//!
//! Every sha256 string coming from outside is validated by [`validate_sha256`] before it becomes
//! part of a path, so `../../etc/passwd` can never be opened.
//!
//! The API is synchronous (`std::io`): callers in async code run it inside
//! `tokio::task::spawn_blocking`. The [`BlobStore`] trait is what the rest of Vigie holds
//! ([`SharedBlobStore`]); [`s3::S3BlobStore`] is the S3-compatible backend for hosted
//! deployments, with the same guarantees.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest as _, Sha256};

use crate::error::Error;

pub mod s3;
pub use s3::{S3BlobStore, S3Location, S3Options};

/// The blob store as the rest of Vigie holds it, whatever the backend.
pub type SharedBlobStore = std::sync::Arc<dyn BlobStore>;

/// Size of the chunks read from sources and blobs.
const CHUNK: usize = 64 * 1024;

/// A stored blob: its SHA-256 (lowercase hex) and size in bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BlobRef {
    /// SHA-256 of the content, 64 lowercase hex digits.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
}

/// Result of [`BlobStore::verify`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum BlobCheck {
    /// The content still hashes to its name.
    Intact,
    /// No blob by that name.
    Missing,
    /// The content changed: it now hashes to `actual_sha256`.
    Altered {
        /// What the content hashes to now.
        actual_sha256: String,
    },
}

/// A content-addressed store. Object-safe, so callers can hold a `Box<dyn BlobStore>` or an
/// `Arc<dyn BlobStore>` whatever the backend.
pub trait BlobStore: Send + Sync {
    /// Stores everything `reader` yields and returns its name and size.
    fn put_stream(&self, reader: &mut dyn Read) -> Result<BlobRef, Error>;
    /// Opens a blob for reading ([`Error::NotFound`] when missing).
    fn open(&self, sha256: &str) -> Result<Box<dyn Read + Send>, Error>;
    /// Re-hashes a blob, streaming.
    fn verify(&self, sha256: &str) -> Result<BlobCheck, Error>;
    /// Whether a blob exists.
    fn exists(&self, sha256: &str) -> Result<bool, Error>;
    /// Where the blobs are, for messages (a directory, `s3://seau/préfixe`); never a secret.
    fn describe(&self) -> String;
}

/// Checks that `sha256` is 64 lowercase hexadecimal digits, the only form used in paths.
pub fn validate_sha256(sha256: &str) -> Result<(), Error> {
    let ok = sha256.len() == 64
        && sha256
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if ok {
        Ok(())
    } else {
        // Shown shortened: this may be arbitrary input (a path, a whole file name).
        let shown: String = sha256.chars().take(80).collect();
        Err(Error::invalid(
            "empreinte SHA-256",
            format!("{shown:?} (64 chiffres hexadécimaux en minuscules attendus)"),
        ))
    }
}

/// The local-directory backend. See the module documentation.
#[derive(Debug, Clone)]
pub struct LocalBlobStore {
    root: PathBuf,
}

impl LocalBlobStore {
    /// A store rooted at `root`, created (with its `sha256/` and `tmp/` folders) if missing.
    pub fn new(root: impl Into<PathBuf>) -> Result<LocalBlobStore, Error> {
        let root = root.into();
        for dir in [root.join("sha256"), root.join("tmp")] {
            fs::create_dir_all(&dir).map_err(|e| {
                Error::io(
                    format!("création du dossier des preuves {}", dir.display()),
                    e,
                )
            })?;
        }
        Ok(LocalBlobStore { root })
    }

    /// The root directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where the blob named `sha256` lives (whether or not it exists).
    pub fn path_of(&self, sha256: &str) -> Result<PathBuf, Error> {
        validate_sha256(sha256)?;
        // Validated: 64 ASCII characters, so the slice cannot fail.
        let fanout = sha256.get(..2).unwrap_or_default();
        Ok(self.root.join("sha256").join(fanout).join(sha256))
    }

    /// Whether the blob exists.
    pub fn exists(&self, sha256: &str) -> Result<bool, Error> {
        let path = self.path_of(sha256)?;
        path.try_exists()
            .map_err(|e| Error::io(format!("accès à {}", path.display()), e))
    }

    /// Stores everything `reader` yields. See the module documentation for the guarantees.
    pub fn put_stream(&self, mut reader: impl Read) -> Result<BlobRef, Error> {
        let tmp_dir = self.root.join("tmp");
        let mut tmp = tempfile::Builder::new()
            .prefix("put-")
            .tempfile_in(&tmp_dir)
            .map_err(|e| {
                Error::io(
                    format!(
                        "création d'un fichier temporaire dans {}",
                        tmp_dir.display()
                    ),
                    e,
                )
            })?;
        let mut hasher = Sha256::new();
        let mut size: u64 = 0;
        let mut buf = vec![0_u8; CHUNK];
        loop {
            // On any error below, `tmp` is dropped and its file deleted: nothing is left.
            let n = match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    return Err(Error::io(
                        "lecture du fichier à conserver interrompue (rien n'a été enregistré)",
                        e,
                    ));
                }
            };
            let chunk = buf.get(..n).unwrap_or_default();
            hasher.update(chunk);
            tmp.write_all(chunk)
                .map_err(|e| Error::io(format!("écriture dans {}", tmp.path().display()), e))?;
            size += n as u64;
        }
        tmp.as_file()
            .sync_all()
            .map_err(|e| Error::io(format!("fsync de {}", tmp.path().display()), e))?;
        let sha256 = hex(&hasher.finalize());
        let blob = BlobRef { sha256, size };
        let dest = self.path_of(&blob.sha256)?;
        let parent = dest.parent().unwrap_or(&self.root).to_path_buf();
        fs::create_dir_all(&parent)
            .map_err(|e| Error::io(format!("création du dossier {}", parent.display()), e))?;

        match fs::metadata(&dest) {
            // Deduplicated: the same content is there already.
            Ok(meta) if meta.len() == size => return Ok(blob),
            // Damaged copy (truncated, overwritten): replace it with the verified new one.
            Ok(_) => {
                set_read_only(tmp.as_file());
                tmp.persist(&dest).map_err(|e| {
                    Error::io(format!("remplacement de {}", dest.display()), e.error)
                })?;
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                set_read_only(tmp.as_file());
                // No-clobber: if another writer stored the same blob in between, keep theirs.
                if let Err(e) = tmp.persist_noclobber(&dest)
                    && e.error.kind() != io::ErrorKind::AlreadyExists
                {
                    return Err(Error::io(
                        format!("enregistrement de {}", dest.display()),
                        e.error,
                    ));
                }
            }
            Err(e) => return Err(Error::io(format!("accès à {}", dest.display()), e)),
        }
        sync_dir(&parent)?;
        Ok(blob)
    }

    /// Opens a blob for reading.
    pub fn open(&self, sha256: &str) -> Result<File, Error> {
        let path = self.path_of(sha256)?;
        File::open(&path).map_err(|e| {
            if e.kind() == io::ErrorKind::NotFound {
                Error::not_found("fichier de preuve", sha256)
            } else {
                Error::io(format!("ouverture de {}", path.display()), e)
            }
        })
    }

    /// Re-hashes a blob, streaming.
    pub fn verify(&self, sha256: &str) -> Result<BlobCheck, Error> {
        let mut file = match LocalBlobStore::open(self, sha256) {
            Ok(file) => file,
            Err(Error::NotFound { .. }) => return Ok(BlobCheck::Missing),
            Err(e) => return Err(e),
        };
        let path = self.path_of(sha256)?;
        check_content(&mut file, sha256)
            .map_err(|e| Error::io(format!("lecture de {}", path.display()), e))
    }
}

// Inherent methods take precedence over trait methods of the same name: these calls go to the
// (generic) inherent implementations above, not back into the trait.
impl BlobStore for LocalBlobStore {
    fn put_stream(&self, reader: &mut dyn Read) -> Result<BlobRef, Error> {
        LocalBlobStore::put_stream(self, reader)
    }

    fn open(&self, sha256: &str) -> Result<Box<dyn Read + Send>, Error> {
        Ok(Box::new(LocalBlobStore::open(self, sha256)?))
    }

    fn verify(&self, sha256: &str) -> Result<BlobCheck, Error> {
        LocalBlobStore::verify(self, sha256)
    }

    fn exists(&self, sha256: &str) -> Result<bool, Error> {
        LocalBlobStore::exists(self, sha256)
    }

    fn describe(&self) -> String {
        self.root.display().to_string()
    }
}

/// Re-hashes what `reader` yields, streaming, and compares it with the name it is stored under.
pub(crate) fn check_content(reader: &mut dyn Read, sha256: &str) -> io::Result<BlobCheck> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0_u8; CHUNK];
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(buf.get(..n).unwrap_or_default());
    }
    let actual = hex(&hasher.finalize());
    Ok(if actual == sha256 {
        BlobCheck::Intact
    } else {
        BlobCheck::Altered {
            actual_sha256: actual,
        }
    })
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// Evidence is immutable: the file is made read-only (best effort; on failure it stays
/// writable, which changes nothing to the integrity check).
fn set_read_only(file: &File) {
    if let Ok(meta) = file.metadata() {
        let mut perms = meta.permissions();
        perms.set_readonly(true);
        let _ = file.set_permissions(perms);
    }
}

/// Makes a rename durable: fsync the directory holding the new name (POSIX).
fn sync_dir(dir: &Path) -> Result<(), Error> {
    #[cfg(unix)]
    {
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| Error::io(format!("fsync du dossier {}", dir.display()), e))?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_validation() {
        assert!(validate_sha256(&"a".repeat(64)).is_ok());
        assert!(validate_sha256(&"A".repeat(64)).is_err());
        assert!(validate_sha256(&"a".repeat(63)).is_err());
        assert!(validate_sha256("../../../../etc/passwd").is_err());
        assert!(validate_sha256(&format!("../{}", "a".repeat(61))).is_err());
        assert!(validate_sha256("").is_err());
    }

    #[test]
    fn hex_encoding() {
        assert_eq!(hex(&[0x00, 0xab, 0xff]), "00abff");
    }
}
