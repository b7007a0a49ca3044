//! The server key: what seals the secrets the server must be able to read back (TOTP secrets
//! today, mailbox credentials for scheduled checks next), kept outside the database.
//!
//! A copy of the database alone gives nothing: the secrets in it are XChaCha20-Poly1305
//! ciphertexts under this 256-bit key, which lives in a file of the data directory (created
//! with mode 0600 on first start) or in the `VIGIE_SECRET_KEY` environment variable (base64)
//! for servers whose database is elsewhere. Each sealed value carries its own random 192-bit
//! nonce and is bound to a purpose label (associated data), so a TOTP secret cannot be passed
//! off as another kind of secret.

use std::fmt;
use std::io::Write as _;
use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore as _;

use crate::error::Error;

/// Prefix of a sealed value, so a future change of algorithm can be recognised.
const SEALED_PREFIX: &str = "v1:";

/// The 256-bit server key.
#[derive(Clone)]
pub struct ServerKey {
    cipher: XChaCha20Poly1305,
}

impl fmt::Debug for ServerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ServerKey(…)")
    }
}

impl ServerKey {
    /// A key from 32 bytes.
    pub fn from_bytes(bytes: &[u8; 32]) -> ServerKey {
        ServerKey {
            cipher: XChaCha20Poly1305::new(bytes.into()),
        }
    }

    /// A key from its base64 text (the `VIGIE_SECRET_KEY` form).
    pub fn from_base64(text: &str) -> Result<ServerKey, Error> {
        let bytes = B64
            .decode(text.trim())
            .ok()
            .and_then(|b| <[u8; 32]>::try_from(b.as_slice()).ok())
            .ok_or_else(|| Error::Config {
                detail: "la clé du serveur (VIGIE_SECRET_KEY) doit faire 32 octets encodés en \
                         base64 — générez-en une avec : head -c 32 /dev/urandom | base64"
                    .into(),
            })?;
        Ok(ServerKey::from_bytes(&bytes))
    }

    /// Reads the key file at `path`, or creates it (mode 0600, written to a temporary file then
    /// renamed, so a crash never leaves a half key) when it does not exist.
    pub fn load_or_create(path: &Path) -> Result<ServerKey, Error> {
        match std::fs::read_to_string(path) {
            Ok(text) => ServerKey::from_base64(&text).map_err(|_| Error::Config {
                detail: format!(
                    "le fichier de clé {} est illisible (32 octets en base64 attendus) — \
                     restaurez-le depuis votre sauvegarde : sans lui, les secrets chiffrés \
                     (double facteur, comptes de messagerie) ne peuvent plus être lus",
                    path.display()
                ),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut bytes = [0u8; 32];
                rand::rng().fill_bytes(&mut bytes);
                let dir = path.parent().unwrap_or(Path::new("."));
                std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
                let mut tmp =
                    tempfile::NamedTempFile::new_in(dir).map_err(|e| Error::io(dir, e))?;
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt as _;
                    tmp.as_file()
                        .set_permissions(std::fs::Permissions::from_mode(0o600))
                        .map_err(|e| Error::io(path, e))?;
                }
                writeln!(tmp, "{}", B64.encode(bytes)).map_err(|e| Error::io(path, e))?;
                tmp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
                // persist_noclobber: two instances starting at once must not each write a key.
                match tmp.persist_noclobber(path) {
                    Ok(_) => Ok(ServerKey::from_bytes(&bytes)),
                    Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => {
                        ServerKey::load_or_create(path)
                    }
                    Err(e) => Err(Error::io(path, e.error)),
                }
            }
            Err(e) => Err(Error::io(path, e)),
        }
    }

    /// Encrypts `secret` for `purpose` (`totp`, `mailbox`...).
    pub fn seal(&self, purpose: &str, secret: &[u8]) -> String {
        let mut nonce = [0u8; 24];
        rand::rng().fill_bytes(&mut nonce);
        // Encryption with a fresh nonce cannot fail for inputs under 256 GiB.
        let ciphertext = self
            .cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: secret,
                    aad: purpose.as_bytes(),
                },
            )
            .unwrap_or_default();
        let mut out = Vec::with_capacity(24 + ciphertext.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ciphertext);
        format!("{SEALED_PREFIX}{}", B64.encode(out))
    }

    /// Decrypts a value sealed for `purpose`; fails if it was altered, sealed with another key
    /// or for another purpose.
    pub fn open(&self, purpose: &str, sealed: &str) -> Result<Vec<u8>, Error> {
        let bytes = sealed
            .strip_prefix(SEALED_PREFIX)
            .and_then(|b| B64.decode(b).ok())
            .filter(|b| b.len() > 24)
            .ok_or(Error::Unseal)?;
        let (nonce, ciphertext) = bytes.split_at(24);
        self.cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: purpose.as_bytes(),
                },
            )
            .map_err(|_| Error::Unseal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn key(b: u8) -> ServerKey {
        ServerKey::from_bytes(&[b; 32])
    }

    proptest! {
        #[test]
        fn sealed_values_open_and_any_change_is_refused(
            secret in proptest::collection::vec(any::<u8>(), 0..200),
            flip in any::<prop::sample::Index>(),
        ) {
            let k = key(7);
            let sealed = k.seal("totp", &secret);
            prop_assert_eq!(k.open("totp", &sealed).ok(), Some(secret.clone()));
            prop_assert!(k.open("mailbox", &sealed).is_err());
            prop_assert!(key(8).open("totp", &sealed).is_err());
            let mut raw = B64.decode(&sealed[3..]).unwrap_or_default();
            let i = flip.index(raw.len());
            raw[i] ^= 1;
            let altered = format!("v1:{}", B64.encode(raw));
            prop_assert!(k.open("totp", &altered).is_err());
        }
    }

    #[test]
    fn the_same_secret_seals_differently_each_time() {
        let k = key(1);
        assert_ne!(k.seal("totp", b"abc"), k.seal("totp", b"abc"));
    }

    #[test]
    fn key_file_is_created_once_private_and_reread() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("sub").join("cle-serveur");
        let k1 = ServerKey::load_or_create(&path).unwrap_or_else(|e| panic!("{e}"));
        let sealed = k1.seal("totp", b"secret");
        let k2 = ServerKey::load_or_create(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(k2.open("totp", &sealed).ok(), Some(b"secret".to_vec()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path)
                .unwrap_or_else(|e| panic!("{e}"))
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn a_damaged_key_file_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("cle");
        std::fs::write(&path, "pas une clé").unwrap_or_else(|e| panic!("{e}"));
        let err = ServerKey::load_or_create(&path)
            .err()
            .map(|e| e.to_string());
        assert!(err.is_some_and(|m| m.contains("restaurez")));
    }
}
