//! Configuration of `vigie serve`: defaults, then a TOML file, then the environment, then the
//! command line (each overrides the previous). With nothing given, the server uses SQLite and a
//! local blob directory in the data directory and listens on 127.0.0.1:8080.
//!
//! File (`--config vigie.toml` or `VIGIE_CONFIG`), every key optional:
//!
//! ```toml
//! listen = "127.0.0.1:8080"
//! data_dir = "/var/lib/vigie"
//! db = "postgres://vigie@localhost/vigie"   # default: sqlite in data_dir/vigie.db
//! blobs = "/var/lib/vigie/evidence"        # default: data_dir/evidence
//! public_url = "https://vigie.exemple.fr"  # the address users type (checked in Origin)
//! secure_cookies = true                    # false only for a test server on plain http
//! session_hours = 12
//! upload_limit_mib = 512
//! workers = 1           # background jobs run at once by this server (0: none, web only)
//! recheck_hours = 24    # each mailbox is checked again after this long (0: only on demand)
//! smtp_url = "smtps://vigie%40mairie.fr:motdepasse@smtp.exemple.fr"  # e-mails to users
//! smtp_from = "Vigie <vigie@mairie.fr>"
//! ```
//!
//! Environment: `VIGIE_LISTEN`, `VIGIE_DATA_DIR`, `VIGIE_DB`, `VIGIE_BLOBS`,
//! `VIGIE_PUBLIC_URL`, `VIGIE_SMTP_URL`, and `VIGIE_SECRET_KEY` (the server key in base64, instead of the key
//! file in the data directory). The binary maps its flags and these variables onto
//! [`Overrides`].

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::Error;

/// The resolved configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address and port to listen on.
    pub listen: SocketAddr,
    /// Data directory (database file, blobs, server key).
    pub data_dir: PathBuf,
    /// Database URL (`sqlite://…` or `postgres://…`).
    pub db: String,
    /// Blob store: a local directory or an S3-compatible bucket.
    pub blobs: BlobLocation,
    /// The public address, without trailing slash (`https://vigie.exemple.fr`), if known.
    pub public_url: Option<String>,
    /// Cookies marked `Secure` (browsers treat http://127.0.0.1 and http://localhost as
    /// secure, so this stays on for local use).
    pub secure_cookies: bool,
    /// Idle time after which a session ends.
    pub session_hours: i64,
    /// Largest evidence upload.
    pub upload_limit_mib: u64,
    /// The server key in base64, when given by the environment instead of the key file.
    pub secret_key_base64: Option<String>,
    /// Background jobs this server runs at once (0: it runs none, another instance does).
    pub workers: usize,
    /// Each mailbox is checked again after this many hours (0: only when asked).
    pub recheck_hours: i64,
    /// The SMTP server for e-mails to users (`smtps://user:password@host`,
    /// `smtp://host:587?tls=required`, `smtp://127.0.0.1:2525` for a local relay); none: no
    /// e-mail is sent. It may hold a password: never printed.
    pub smtp_url: Option<String>,
    /// The sender of those e-mails.
    pub smtp_from: String,
    /// Reverse proxies whose `X-Forwarded-For` header is believed (nginx, Traefik… in front
    /// of the server); empty: the peer's address is the client's, whatever the headers say.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// How to reach the S3 service when `blobs` is an `s3://` bucket (from the `AWS_*`
    /// variables; the secret key is masked in `{:?}`).
    pub s3: vigie_store::S3Options,
}

/// What the command line (or the environment, through clap) sets.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--config`.
    pub config_file: Option<PathBuf>,
    /// `--listen`.
    pub listen: Option<String>,
    /// `--data-dir`.
    pub data_dir: Option<PathBuf>,
    /// `--db`.
    pub db: Option<String>,
    /// `--blobs`.
    pub blobs: Option<String>,
    /// `VIGIE_PUBLIC_URL`.
    pub public_url: Option<String>,
    /// `VIGIE_SECRET_KEY`.
    pub secret_key_base64: Option<String>,
    /// `VIGIE_SMTP_URL`.
    pub smtp_url: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<String>,
    data_dir: Option<PathBuf>,
    db: Option<String>,
    blobs: Option<String>,
    public_url: Option<String>,
    secure_cookies: Option<bool>,
    session_hours: Option<i64>,
    upload_limit_mib: Option<u64>,
    workers: Option<usize>,
    recheck_hours: Option<i64>,
    smtp_url: Option<String>,
    smtp_from: Option<String>,
    trusted_proxies: Option<Vec<String>>,
}

/// The default listening address.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

impl Config {
    /// Resolves the configuration; `default_data_dir` is used when nothing names one.
    pub fn resolve(overrides: Overrides, default_data_dir: &Path) -> Result<Config, Error> {
        let file = match &overrides.config_file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
                toml::from_str::<FileConfig>(&text).map_err(|e| Error::Config {
                    detail: format!(
                        "{} : {} — les clés possibles sont listen, data_dir, db, blobs, \
                         public_url, secure_cookies, session_hours, upload_limit_mib, workers, \
                         recheck_hours, smtp_url, smtp_from, trusted_proxies",
                        path.display(),
                        e.message()
                    ),
                })?
            }
            None => FileConfig::default(),
        };
        let listen_text = overrides
            .listen
            .or(file.listen)
            .unwrap_or_else(|| DEFAULT_LISTEN.to_string());
        let listen = listen_text
            .parse::<SocketAddr>()
            .map_err(|_| Error::Config {
                detail: format!(
                    "adresse d'écoute invalide « {listen_text} » — attendu ADRESSE:PORT, par \
                 exemple 127.0.0.1:8080 ou 0.0.0.0:8080"
                ),
            })?;
        let data_dir = overrides
            .data_dir
            .or(file.data_dir)
            .unwrap_or_else(|| default_data_dir.to_path_buf());
        let db = match overrides.db.or(file.db) {
            Some(url) => url,
            None => format!(
                "sqlite://{}?mode=rwc",
                data_dir
                    .join(vigie_incident::service::DATABASE_FILE)
                    .display()
            ),
        };
        let blobs = match overrides.blobs.or(file.blobs) {
            None => BlobLocation::Directory(data_dir.join(vigie_incident::service::EVIDENCE_DIR)),
            Some(url) => BlobLocation::parse(&url)?,
        };
        let public_url = overrides
            .public_url
            .or(file.public_url)
            .map(|u| u.trim_end_matches('/').to_string());
        if let Some(url) = &public_url
            && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            return Err(Error::Config {
                detail: format!(
                    "adresse publique invalide « {url} » — attendu https://vigie.exemple.fr"
                ),
            });
        }
        let session_hours = file.session_hours.unwrap_or(12);
        if !(1..=24 * 30).contains(&session_hours) {
            return Err(Error::Config {
                detail: "session_hours doit être compris entre 1 et 720".into(),
            });
        }
        let workers = file.workers.unwrap_or(1);
        if workers > 64 {
            return Err(Error::Config {
                detail: "workers doit être compris entre 0 et 64".into(),
            });
        }
        let recheck_hours = file.recheck_hours.unwrap_or(24);
        if !(0..=24 * 365).contains(&recheck_hours) {
            return Err(Error::Config {
                detail: "recheck_hours doit être compris entre 0 et 8760".into(),
            });
        }
        let trusted_proxies = file
            .trusted_proxies
            .unwrap_or_default()
            .iter()
            .map(|text| parse_proxy(text))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Config {
            listen,
            data_dir,
            db,
            blobs,
            public_url,
            secure_cookies: file.secure_cookies.unwrap_or(true),
            session_hours,
            upload_limit_mib: file.upload_limit_mib.unwrap_or(512).max(1),
            secret_key_base64: overrides.secret_key_base64,
            workers,
            recheck_hours,
            smtp_url: overrides
                .smtp_url
                .or(file.smtp_url)
                .filter(|u| !u.is_empty()),
            smtp_from: file
                .smtp_from
                .unwrap_or_else(|| "Vigie <vigie@localhost>".to_string()),
            s3: vigie_store::S3Options::from_env(),
            trusted_proxies,
        })
    }

    /// Where the server key is kept when it is not in the environment.
    pub fn key_file(&self) -> PathBuf {
        self.data_dir.join("cle-serveur.key")
    }
}

/// One `trusted_proxies` entry: an address (`127.0.0.1`, `::1`) or a range (`10.0.0.0/8`).
fn parse_proxy(text: &str) -> Result<ipnet::IpNet, Error> {
    let text = text.trim();
    text.parse::<ipnet::IpNet>()
        .or_else(|_| text.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map_err(|_| Error::Config {
            detail: format!(
                "trusted_proxies : « {text} » n'est ni une adresse IP ni une plage \
                 (exemples : 127.0.0.1, 10.0.0.0/8, ::1)"
            ),
        })
}

/// Where evidence, documents and reports are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlobLocation {
    /// A local directory (the default, `<data_dir>/evidence`).
    Directory(PathBuf),
    /// An S3-compatible bucket, `s3://seau[/préfixe]`; the service address and the keys come
    /// from the `AWS_*` variables (see docs/SERVEUR.md), never from this URL.
    S3(String),
}

impl BlobLocation {
    /// A path, a `file://` URL or an `s3://` URL; any other scheme is refused with the list of
    /// the accepted ones rather than taken for a directory name.
    pub fn parse(url: &str) -> Result<BlobLocation, Error> {
        if let Some(path) = url.strip_prefix("file://") {
            return Ok(BlobLocation::Directory(PathBuf::from(path)));
        }
        if url.starts_with("s3://") {
            vigie_store::blob::S3Location::parse(url).map_err(|e| Error::Config {
                detail: e.to_string(),
            })?;
            return Ok(BlobLocation::S3(url.to_string()));
        }
        if url.contains("://") {
            return Err(Error::Config {
                detail: format!(
                    "stockage des fichiers « {url} » non reconnu : indiquez un dossier local \
                     (chemin ou file:///chemin) ou un compartiment S3 (s3://seau/dossier)"
                ),
            });
        }
        Ok(BlobLocation::Directory(PathBuf::from(url)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(o: Overrides) -> Result<Config, Error> {
        Config::resolve(o, Path::new("/tmp/vigie-defaut"))
    }

    #[test]
    fn defaults_are_local_and_loopback() {
        let c = resolve(Overrides::default()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(c.db, "sqlite:///tmp/vigie-defaut/vigie.db?mode=rwc");
        assert_eq!(
            c.blobs,
            BlobLocation::Directory("/tmp/vigie-defaut/evidence".into())
        );
        assert!(c.secure_cookies);
    }

    #[test]
    fn file_then_overrides() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let file = dir.path().join("vigie.toml");
        std::fs::write(
            &file,
            "listen = \"0.0.0.0:9000\"\ndb = \"postgres://v@h/v\"\npublic_url = \"https://v.fr/\"\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let c = resolve(Overrides {
            config_file: Some(file),
            listen: Some("127.0.0.1:9001".into()),
            ..Overrides::default()
        })
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.listen.to_string(), "127.0.0.1:9001");
        assert_eq!(c.db, "postgres://v@h/v");
        assert_eq!(c.public_url.as_deref(), Some("https://v.fr"));
    }

    /// The configuration from a file holding `text` (and nothing else set).
    fn resolve_file(text: &str) -> Result<Config, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let file = dir.path().join("vigie.toml");
        std::fs::write(&file, text).map_err(|e| e.to_string())?;
        resolve(Overrides {
            config_file: Some(file),
            ..Overrides::default()
        })
        .map_err(|e| e.to_string())
    }

    #[test]
    fn trusted_proxies_are_addresses_or_ranges() {
        let c = resolve_file("trusted_proxies = [\"127.0.0.1\", \"10.0.0.0/8\", \"::1\"]\n")
            .unwrap_or_else(|e| panic!("{e}"));
        let shown: Vec<String> = c.trusted_proxies.iter().map(|n| n.to_string()).collect();
        assert_eq!(shown, ["127.0.0.1/32", "10.0.0.0/8", "::1/128"]);
        assert!(resolve(Overrides::default()).is_ok_and(|c| c.trusted_proxies.is_empty()));
        let err = resolve_file("trusted_proxies = [\"nginx\"]\n")
            .err()
            .unwrap_or_default();
        assert!(err.contains("« nginx » n'est ni une adresse IP"), "{err}");
        let err = resolve_file("ecoute = \"x\"\n").err().unwrap_or_default();
        assert!(err.contains("les clés possibles"), "{err}");
    }

    #[test]
    fn bad_values_are_explained() {
        let bad_listen = resolve(Overrides {
            listen: Some("8080".into()),
            ..Overrides::default()
        });
        assert!(
            bad_listen
                .err()
                .is_some_and(|e| e.to_string().contains("ADRESSE:PORT"))
        );
        let s3 = resolve(Overrides {
            blobs: Some("s3://seau/vigie".into()),
            ..Overrides::default()
        })
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s3.blobs, BlobLocation::S3("s3://seau/vigie".into()));
        for (bad, expected) in [
            ("s3://Seau", "compartiment"),
            ("s3://cle:secret@seau", "AWS_ACCESS_KEY_ID"),
            ("gs://seau", "non reconnu"),
        ] {
            let err = resolve(Overrides {
                blobs: Some(bad.into()),
                ..Overrides::default()
            })
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
            assert!(err.contains(expected), "{bad}: {err}");
            assert!(!err.contains("secret@"), "{err}");
        }
    }
}
