//! A real, throwaway PostgreSQL server on 127.0.0.1 for the storage tests.
//!
//! [`Postgres::start`] runs `tests/fixtures/postgres.sh start` in a fresh temporary directory on
//! a free port: `initdb` (as the `postgres` system user when the tests run as root, since
//! PostgreSQL refuses to run as root), then `pg_ctl start` with TCP on 127.0.0.1 only and the
//! unix socket inside the directory. The superuser is [`ROLE`] / [`PASSWORD`], authenticated
//! over TCP with SCRAM-SHA-256 like a real deployment. Dropping the [`Postgres`] stops the server
//! (immediate shutdown) and deletes the directory.
//!
//! PostgreSQL must be installed: `bash tests/fixtures/postgres.sh install` (as root) does it on
//! Debian. When it is missing, [`Postgres::start`] fails with a message saying so: the tests
//! that need PostgreSQL fail rather than silently pass.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

use super::{FixtureError, output_text, repo_root};

/// The cluster's superuser.
pub const ROLE: &str = "vigie";
/// Password of [`ROLE`] (a throwaway fixture's, public on purpose).
pub const PASSWORD: &str = "vigie-test-password";
/// The database created at start.
pub const DATABASE: &str = "vigie";

static DATABASE_COUNTER: AtomicU32 = AtomicU32::new(0);

/// Path of `tests/fixtures/postgres.sh`.
pub fn fixture_script() -> PathBuf {
    repo_root().join("tests/fixtures/postgres.sh")
}

/// The directory holding `initdb`, `pg_ctl` and `postgres` of the newest installed major
/// version (Debian installs them under `/usr/lib/postgresql/<major>/bin`), if any.
pub fn server_bin_dir() -> Option<PathBuf> {
    find_bin_dir(Path::new("/usr/lib/postgresql"))
}

fn find_bin_dir(root: &Path) -> Option<PathBuf> {
    let entries = std::fs::read_dir(root).ok()?;
    entries
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let major: u32 = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            ["initdb", "pg_ctl", "postgres"]
                .iter()
                .all(|name| bin.join(name).is_file())
                .then_some((major, bin))
        })
        .max_by_key(|(major, _)| *major)
        .map(|(_, bin)| bin)
}

fn missing_postgres_error() -> FixtureError {
    FixtureError::new(format!(
        "PostgreSQL is not installed (no initdb/pg_ctl under /usr/lib/postgresql/*/bin), the \
         storage tests need a real server. Run `bash {} install` (as root; Debian package \
         postgresql), then run the tests again.",
        fixture_script().display()
    ))
}

/// A running throwaway PostgreSQL. See the module documentation.
#[derive(Debug)]
pub struct Postgres {
    dir: tempfile::TempDir,
    port: u16,
    url: String,
    version: String,
    stopped: bool,
}

impl Postgres {
    /// Creates a cluster in a new temporary directory, starts it on a free port of 127.0.0.1
    /// and creates the database [`DATABASE`].
    pub fn start() -> Result<Postgres, FixtureError> {
        if server_bin_dir().is_none() {
            return Err(missing_postgres_error());
        }
        let mut last_error = None;
        // The port is free when we look and taken by the server a second later: another process
        // may grab it in between (rare). Then try another one.
        for _ in 0..5 {
            match Self::start_once() {
                Ok(pg) => return Ok(pg),
                Err(err) if err.0.contains("already in use") => last_error = Some(err),
                Err(err) => return Err(err),
            }
        }
        Err(last_error.unwrap_or_else(|| FixtureError::new("no free port for PostgreSQL")))
    }

    fn start_once() -> Result<Postgres, FixtureError> {
        let port = free_port()?;
        // Short path under /tmp: the unix socket lives in DIR/run and sun_path is small.
        let parent = if Path::new("/tmp").is_dir() {
            PathBuf::from("/tmp")
        } else {
            std::env::temp_dir()
        };
        let dir = tempfile::Builder::new()
            .prefix("vigie-pg-")
            .tempdir_in(&parent)
            .map_err(|e| FixtureError::io("cannot create the fixture directory", e))?;
        let output = Command::new("bash")
            .arg(fixture_script())
            .arg("start")
            .arg(dir.path())
            .arg(port.to_string())
            .output()
            .map_err(|e| FixtureError::io("cannot run tests/fixtures/postgres.sh", e))?;
        let text = output_text(&output);
        if !output.status.success() {
            // A half-started server must not outlive the failure.
            let _ = stop_dir(dir.path());
            if text.contains("not installed") {
                return Err(missing_postgres_error());
            }
            return Err(FixtureError::new(format!(
                "tests/fixtures/postgres.sh start failed:\n{text}"
            )));
        }
        let field = |key: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(key))
                .map(str::to_string)
        };
        let url = field("url=").ok_or_else(|| {
            FixtureError::new(format!("postgres.sh start printed no url:\n{text}"))
        })?;
        let version = field("version=").unwrap_or_else(|| "unknown".to_string());
        Ok(Postgres {
            dir,
            port,
            url,
            version,
            stopped: false,
        })
    }

    /// `postgres://vigie:…@127.0.0.1:PORT/vigie`: the database created at start.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Creates another, empty database in this cluster and returns its URL. `name` is made
    /// unique (a counter is appended) so callers can pass a fixed label.
    pub fn create_database(&self, name: &str) -> Result<String, FixtureError> {
        let label: String = name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
            .map(|c| c.to_ascii_lowercase())
            .take(40)
            .collect();
        let unique = format!(
            "{label}_{}",
            DATABASE_COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let output = Command::new("bash")
            .arg(fixture_script())
            .arg("createdb")
            .arg(self.dir.path())
            .arg(&unique)
            .output()
            .map_err(|e| FixtureError::io("cannot run tests/fixtures/postgres.sh", e))?;
        let text = output_text(&output);
        if !output.status.success() {
            return Err(FixtureError::new(format!(
                "tests/fixtures/postgres.sh createdb failed:\n{text}"
            )));
        }
        text.lines()
            .find_map(|l| l.strip_prefix("url="))
            .map(str::to_string)
            .ok_or_else(|| {
                FixtureError::new(format!("postgres.sh createdb printed no url:\n{text}"))
            })
    }

    /// TCP port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Server version, e.g. `15.18`.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The instance's directory (`data/`, `run/` socket, `log/`).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The server log so far, for test failure messages.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("log/postgres.log")).unwrap_or_default()
    }

    /// Stops the server now (dropping does it too).
    pub fn stop(&mut self) -> Result<(), FixtureError> {
        if self.stopped {
            return Ok(());
        }
        self.stopped = true;
        stop_dir(self.dir.path())
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        // Errors cannot be reported from drop; TempDir's own drop then deletes the directory
        // (root may delete the files the `postgres` user owns).
        let _ = self.stop();
    }
}

fn stop_dir(dir: &Path) -> Result<(), FixtureError> {
    let output = Command::new("bash")
        .arg(fixture_script())
        .arg("stop")
        .arg(dir)
        .output()
        .map_err(|e| FixtureError::io("cannot run tests/fixtures/postgres.sh", e))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(FixtureError::new(format!(
            "tests/fixtures/postgres.sh stop failed:\n{}",
            output_text(&output)
        )))
    }
}

/// A port the kernel considers free right now on 127.0.0.1.
fn free_port() -> Result<u16, FixtureError> {
    let listener = TcpListener::bind(("127.0.0.1", 0))
        .map_err(|e| FixtureError::io("cannot find a free port", e))?;
    let port = listener
        .local_addr()
        .map_err(|e| FixtureError::io("cannot find a free port", e))?
        .port();
    Ok(port)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpStream;

    #[test]
    fn missing_install_is_reported_with_the_fix() {
        let empty = tempfile::tempdir().unwrap();
        assert_eq!(find_bin_dir(empty.path()), None);
        assert_eq!(find_bin_dir(&empty.path().join("absent")), None);
        let message = missing_postgres_error().to_string();
        assert!(
            message.contains("tests/fixtures/postgres.sh install"),
            "{message}"
        );
    }

    #[test]
    fn starts_serves_and_cleans_up() {
        let pg = Postgres::start().unwrap_or_else(|e| panic!("{e}"));
        let url = pg.url().to_string();
        assert!(
            url.starts_with(&format!(
                "postgres://{ROLE}:{PASSWORD}@127.0.0.1:{}/",
                pg.port()
            )),
            "{url}"
        );
        assert!(TcpStream::connect(("127.0.0.1", pg.port())).is_ok());
        let other = pg.create_database("Autre base!").unwrap();
        assert!(other.contains("/autrebase_"), "{other}");
        assert!(
            pg.version().starts_with(char::is_numeric),
            "{}",
            pg.version()
        );
        let dir = pg.dir().to_path_buf();
        let port = pg.port();
        drop(pg);
        assert!(!dir.exists(), "the directory is deleted");
        assert!(
            TcpStream::connect(("127.0.0.1", port)).is_err(),
            "the server is stopped"
        );
    }
}
