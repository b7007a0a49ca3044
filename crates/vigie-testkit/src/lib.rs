//! # vigie-testkit
//!
//! Test-only helpers shared by the integration tests of every Vigie crate. The main piece is
//! [`Dovecot`]: a real, throwaway Dovecot + Pigeonhole server on the loopback interface, started
//! by `tests/fixtures/dovecot.sh` in its own temporary directory, with:
//!
//! * IMAP with STARTTLS on [`Dovecot::imap_port`] (a plaintext `LOGIN` is accepted when the client
//!   does not STARTTLS, so Vigie's `--insecure-plaintext` mode can be exercised),
//! * IMAPS on [`Dovecot::imaps_port`],
//! * ManageSieve (STARTTLS offered) on [`Dovecot::sieve_port`],
//! * a self-signed, non-CA certificate for `localhost` / `127.0.0.1` at [`Dovecot::ca_cert_path`]
//!   (usable as Vigie's `--ca-file`),
//! * two users: [`USER`] / [`PASSWORD`] and [`SECOND_USER`] / [`SECOND_PASSWORD`].
//!
//! Messages and folders are written straight into the users' Maildir (fast, no network), and
//! [`Dovecot::message_flags_snapshot`] reads the server's own view through `doveadm`, so a test
//! can assert that an audit left every flag and count untouched.
//!
//! Instances never collide: each one takes a port slot guarded by a lock file (shared by every
//! test process on the machine) and checks the ports are free before starting. Dropping a
//! [`Dovecot`] stops the server and deletes its directory.
//!
//! Dovecot must be installed: `tests/fixtures/dovecot.sh install` (as root) does it on Debian.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write as _};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

pub mod postgres;
pub mod s3;
pub mod smtp;
pub use postgres::Postgres;
pub use s3::S3Server;
pub use smtp::{ReceivedMail, SmtpSink};

/// The main test user (an address, as most French hosting providers use).
pub const USER: &str = "secretariat@mairie-exemple.fr";
/// Password of [`USER`].
pub const PASSWORD: &str = "Correct-Horse-42!";
/// A second user, to check that one account's audit never touches another's mailbox.
pub const SECOND_USER: &str = "maire@mairie-exemple.fr";
/// Password of [`SECOND_USER`].
pub const SECOND_PASSWORD: &str = "Autre-Mot-De-Passe-7";

/// Loopback address every listener is bound to.
pub const HOST: &str = "127.0.0.1";

/// Offsets added to the port base (the scheme of `tests/fixtures/dovecot.sh`).
const IMAP_OFFSET: u16 = 143;
const SIEVE_OFFSET: u16 = 190;
const IMAPS_OFFSET: u16 = 993;

/// Port bases are multiples of 1000 in this range: the three ports of one base (x143, x190,
/// x993) can never overlap another base's, and everything stays below Linux's ephemeral range
/// (32768+), where outgoing connections would make the ports randomly busy.
const FIRST_BASE: u16 = 10_000;
const SLOT_COUNT: u16 = 22;

/// Why the fixture could not do what a test asked. The message says what to do.
#[derive(Debug)]
pub struct FixtureError(String);

impl fmt::Display for FixtureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FixtureError {}

impl FixtureError {
    fn new(message: impl Into<String>) -> Self {
        FixtureError(message.into())
    }

    fn io(context: impl fmt::Display, err: io::Error) -> Self {
        FixtureError(format!("{context}: {err}"))
    }
}

/// A running throwaway Dovecot. See the crate documentation.
#[derive(Debug)]
pub struct Dovecot {
    // Field order matters for Drop: the server is stopped in `drop`, then the directory goes,
    // then the port slot is released.
    dir: tempfile::TempDir,
    port_base: u16,
    _port_lock: File,
    /// `uid:gid` owning the mail files when the fixture runs as root (dovecot refuses root).
    mail_owner: Option<(u32, u32)>,
    version: String,
    stopped: bool,
}

/// What [`Dovecot::message_flags_snapshot`] saw in one folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderSnapshot {
    /// Number of messages.
    pub messages: u32,
    /// UIDVALIDITY of the folder.
    pub uid_validity: u32,
    /// UIDNEXT of the folder.
    pub uid_next: u32,
    /// Highest CONDSTORE mod-sequence: any flag change bumps it.
    pub highest_modseq: u64,
    /// Flags of each message by UID, without `\Recent` (session-dependent, not stored state).
    pub flags: BTreeMap<u32, BTreeSet<String>>,
}

/// The server-side state of a whole mailbox, folder by folder (UTF-8 folder names).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MailboxSnapshot {
    /// Folders by name, `INBOX` included.
    pub folders: BTreeMap<String, FolderSnapshot>,
}

impl MailboxSnapshot {
    /// Total number of messages across folders.
    pub fn total_messages(&self) -> u32 {
        self.folders.values().map(|f| f.messages).sum()
    }
}

static INSTANCE_COUNTER: AtomicU32 = AtomicU32::new(0);
static MESSAGE_COUNTER: AtomicU32 = AtomicU32::new(0);

fn repo_root() -> PathBuf {
    // crates/vigie-testkit -> repository root.
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Path of `tests/fixtures/dovecot.sh`.
pub fn fixture_script() -> PathBuf {
    repo_root().join("tests/fixtures/dovecot.sh")
}

fn find_program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/usr/bin", "/sbin"].iter().map(PathBuf::from))
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

fn missing_dovecot_error() -> FixtureError {
    FixtureError::new(format!(
        "Dovecot (with ManageSieve) is not installed, the integration tests need it. \
         Run `{} install` (as root; Debian packages dovecot-imapd dovecot-managesieved \
         dovecot-sieve openssl), then run the tests again.",
        fixture_script().display()
    ))
}

fn output_text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The lock directory is shared by every test process on the machine, whoever runs it.
fn lock_dir() -> Result<PathBuf, FixtureError> {
    let dir = std::env::temp_dir().join("vigie-testkit-ports");
    fs::create_dir_all(&dir).map_err(|e| FixtureError::io(dir.display(), e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        // Sticky and world-writable, like /tmp, so root and ordinary users can share slots;
        // failing to chmod a directory someone else created is fine.
        let _ = fs::set_permissions(&dir, fs::Permissions::from_mode(0o1777));
    }
    Ok(dir)
}

fn ports_free(base: u16) -> bool {
    [IMAP_OFFSET, SIEVE_OFFSET, IMAPS_OFFSET]
        .iter()
        .all(|offset| TcpListener::bind((HOST, base + offset)).is_ok())
}

/// Encodes a folder name in IMAP's modified UTF-7 (RFC 3501 §5.1.3), as Dovecot names Maildir++
/// directories on disk.
fn encode_mutf7(name: &str) -> String {
    fn flush(pending: &mut Vec<u16>, out: &mut String) {
        if pending.is_empty() {
            return;
        }
        let bytes: Vec<u8> = pending.iter().flat_map(|u| u.to_be_bytes()).collect();
        const ALPHABET: &[u8; 64] =
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";
        out.push('&');
        for chunk in bytes.chunks(3) {
            let b = [
                chunk[0],
                chunk.get(1).copied().unwrap_or(0),
                chunk.get(2).copied().unwrap_or(0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            let chars = chunk.len() + 1;
            for i in 0..chars {
                let index = ((n >> (18 - 6 * i)) & 0x3f) as usize;
                out.push(char::from(ALPHABET[index]));
            }
        }
        out.push('-');
        pending.clear();
    }
    let mut out = String::new();
    let mut pending = Vec::new();
    for c in name.chars() {
        if (' '..='~').contains(&c) {
            flush(&mut pending, &mut out);
            if c == '&' {
                out.push_str("&-");
            } else {
                out.push(c);
            }
        } else {
            let mut units = [0u16; 2];
            pending.extend_from_slice(c.encode_utf16(&mut units));
        }
    }
    flush(&mut pending, &mut out);
    out
}

fn maildir_flag_letter(flag: &str) -> Result<char, FixtureError> {
    match flag.to_ascii_lowercase().as_str() {
        "\\draft" => Ok('D'),
        "\\flagged" => Ok('F'),
        "\\answered" => Ok('R'),
        "\\seen" => Ok('S'),
        "\\deleted" => Ok('T'),
        _ => Err(FixtureError::new(format!(
            "unsupported flag {flag:?}: the fixture writes system flags only \
             (\\Seen \\Answered \\Flagged \\Deleted \\Draft)"
        ))),
    }
}

impl Dovecot {
    /// Starts a fresh instance in a new temporary directory, on a port slot no other test
    /// (in this or another process) uses, and waits until its ports accept connections.
    pub fn start() -> Result<Dovecot, FixtureError> {
        if find_program("dovecot").is_none() || !Path::new("/usr/lib/dovecot/managesieve").exists()
        {
            return Err(missing_dovecot_error());
        }
        let locks = lock_dir()?;
        let seed = std::process::id()
            .wrapping_mul(7)
            .wrapping_add(INSTANCE_COUNTER.fetch_add(1, Ordering::Relaxed));
        let mut last_error = None;
        for attempt in 0..u32::from(SLOT_COUNT) {
            // SLOT_COUNT is small, the modulo result always fits a u16.
            let slot =
                u16::try_from((seed.wrapping_add(attempt)) % u32::from(SLOT_COUNT)).unwrap_or(0);
            let base = FIRST_BASE + slot * 1000;
            let lock_path = locks.join(format!("{base}.lock"));
            let lock = OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&lock_path)
                .map_err(|e| FixtureError::io(lock_path.display(), e))?;
            if lock.try_lock().is_err() || !ports_free(base) {
                continue;
            }
            match Self::start_on(base, lock) {
                Ok(dovecot) => return Ok(dovecot),
                // Someone outside our lock protocol grabbed a port in between: next slot.
                Err(err) if err.0.contains("Address already in use") => last_error = Some(err),
                Err(err) => return Err(err),
            }
        }
        Err(last_error.unwrap_or_else(|| {
            FixtureError::new(format!(
                "no free port slot for Dovecot ({SLOT_COUNT} slots of 3 ports from {FIRST_BASE}): \
                 too many instances running at once?"
            ))
        }))
    }

    fn start_on(base: u16, lock: File) -> Result<Dovecot, FixtureError> {
        // Short path under /tmp: dovecot's unix sockets live in DIR/run and sun_path is small.
        let parent = if Path::new("/tmp").is_dir() {
            PathBuf::from("/tmp")
        } else {
            std::env::temp_dir()
        };
        let dir = tempfile::Builder::new()
            .prefix("vigie-dc-")
            .tempdir_in(&parent)
            .map_err(|e| FixtureError::io("cannot create the fixture directory", e))?;
        let output = Command::new("bash")
            .arg(fixture_script())
            .arg("start")
            .arg(dir.path())
            .arg(base.to_string())
            .output()
            .map_err(|e| FixtureError::io("cannot run tests/fixtures/dovecot.sh", e))?;
        let text = output_text(&output);
        if !output.status.success() {
            if text.contains("not installed") || text.contains("is missing") {
                return Err(missing_dovecot_error());
            }
            let log = fs::read_to_string(dir.path().join("log/dovecot.log")).unwrap_or_default();
            return Err(FixtureError::new(format!(
                "tests/fixtures/dovecot.sh start failed:\n{text}\n{log}"
            )));
        }
        let version = text
            .lines()
            .find_map(|l| l.strip_prefix("dovecot="))
            .unwrap_or("unknown")
            .to_string();
        let mail_owner = fs::read_to_string(dir.path().join("mail_owner"))
            .ok()
            .and_then(|s| {
                let (uid, gid) = s.trim().split_once(':')?;
                Some((uid.parse().ok()?, gid.parse().ok()?))
            });
        Ok(Dovecot {
            dir,
            port_base: base,
            _port_lock: lock,
            mail_owner,
            version,
            stopped: false,
        })
    }

    /// Address the listeners are bound to (`127.0.0.1`).
    pub fn host(&self) -> &'static str {
        HOST
    }

    /// IMAP port: STARTTLS offered, plaintext LOGIN accepted without it.
    pub fn imap_port(&self) -> u16 {
        self.port_base + IMAP_OFFSET
    }

    /// IMAPS port (implicit TLS).
    pub fn imaps_port(&self) -> u16 {
        self.port_base + IMAPS_OFFSET
    }

    /// ManageSieve port (STARTTLS offered).
    pub fn sieve_port(&self) -> u16 {
        self.port_base + SIEVE_OFFSET
    }

    /// The main test user, [`USER`].
    pub fn user(&self) -> &'static str {
        USER
    }

    /// Password of [`Dovecot::user`].
    pub fn password(&self) -> &'static str {
        PASSWORD
    }

    /// The second test user, [`SECOND_USER`].
    pub fn second_user(&self) -> &'static str {
        SECOND_USER
    }

    /// Password of [`Dovecot::second_user`].
    pub fn second_password(&self) -> &'static str {
        SECOND_PASSWORD
    }

    /// `imaps://` URL of the main user (user percent-encoded), as a Vigie user would type it.
    pub fn imaps_url(&self) -> String {
        format!(
            "imaps://{}@{HOST}:{}",
            USER.replace('@', "%40"),
            self.imaps_port()
        )
    }

    /// `imap://` (STARTTLS) URL of the main user.
    pub fn imap_url(&self) -> String {
        format!(
            "imap://{}@{HOST}:{}",
            USER.replace('@', "%40"),
            self.imap_port()
        )
    }

    /// The server's self-signed certificate (PEM), to pass as `--ca-file`.
    pub fn ca_cert_path(&self) -> PathBuf {
        self.dir.path().join("ssl/cert.pem")
    }

    /// The instance's directory (configuration, logs, mail).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Dovecot's version, e.g. `2.3.19.1`.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Root of `user`'s Maildir (its INBOX).
    pub fn maildir(&self, user: &str) -> PathBuf {
        self.dir.path().join("home").join(user).join("Maildir")
    }

    /// The server log so far, for test failure messages.
    pub fn log(&self) -> String {
        fs::read_to_string(self.dir.path().join("log/dovecot.log")).unwrap_or_default()
    }

    fn chown(&self, path: &Path) -> Result<(), FixtureError> {
        #[cfg(unix)]
        if let Some((uid, gid)) = self.mail_owner {
            std::os::unix::fs::chown(path, Some(uid), Some(gid))
                .map_err(|e| FixtureError::io(format!("chown {}", path.display()), e))?;
        }
        Ok(())
    }

    /// Directory of `folder` ("INBOX", "Sent", "Archives/2024"...) in `user`'s Maildir++.
    fn folder_dir(&self, user: &str, folder: &str) -> Result<PathBuf, FixtureError> {
        let root = self.maildir(user);
        if !root.is_dir() {
            return Err(FixtureError::new(format!("unknown user {user:?}")));
        }
        if folder.eq_ignore_ascii_case("INBOX") {
            return Ok(root);
        }
        if folder.is_empty()
            || folder
                .split('/')
                .any(|part| part.is_empty() || part.contains('.'))
        {
            return Err(FixtureError::new(format!(
                "folder name {folder:?} not supported by the Maildir++ fixture \
                 (no '.', no empty path component)"
            )));
        }
        let encoded = encode_mutf7(folder).replace('/', ".");
        Ok(root.join(format!(".{encoded}")))
    }

    /// Creates `folder` (and its parents) in the main user's mailbox.
    pub fn create_folder(&self, folder: &str) -> Result<(), FixtureError> {
        self.create_folder_for(USER, folder)
    }

    /// Creates `folder` (and its parents) in `user`'s mailbox.
    pub fn create_folder_for(&self, user: &str, folder: &str) -> Result<(), FixtureError> {
        let mut prefix = String::new();
        for part in folder.split('/') {
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(part);
            let dir = self.folder_dir(user, &prefix)?;
            for sub in ["", "cur", "new", "tmp"] {
                let path = dir.join(sub);
                fs::create_dir_all(&path).map_err(|e| FixtureError::io(path.display(), e))?;
                self.chown(&path)?;
            }
            if dir != self.maildir(user) {
                let marker = dir.join("maildirfolder");
                File::create(&marker).map_err(|e| FixtureError::io(marker.display(), e))?;
                self.chown(&marker)?;
            }
        }
        Ok(())
    }

    /// Appends a raw RFC 5322 message to the main user's `folder` (created if needed) with the
    /// given system flags (e.g. `&["\\Seen"]`). The message is visible to IMAP right away; its
    /// UID is assigned by Dovecot when a session next looks at the folder.
    pub fn append(&self, folder: &str, raw: &[u8], flags: &[&str]) -> Result<(), FixtureError> {
        self.append_for(USER, folder, raw, flags)
    }

    /// [`Dovecot::append`] for any user.
    pub fn append_for(
        &self,
        user: &str,
        folder: &str,
        raw: &[u8],
        flags: &[&str],
    ) -> Result<(), FixtureError> {
        let dir = self.folder_dir(user, folder)?;
        if !dir.join("cur").is_dir() {
            self.create_folder_for(user, folder)?;
        }
        let mut letters: Vec<char> = flags
            .iter()
            .map(|f| maildir_flag_letter(f))
            .collect::<Result<_, _>>()?;
        // Maildir requires the info letters in ASCII order, each once.
        letters.sort_unstable();
        letters.dedup();
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        let base_name = format!(
            "{}.M{}P{}Q{}.vigie-testkit",
            now.as_secs(),
            now.subsec_micros(),
            std::process::id(),
            MESSAGE_COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let info: String = letters.into_iter().collect();
        let tmp = dir.join("tmp").join(&base_name);
        {
            let mut file = File::create(&tmp).map_err(|e| FixtureError::io(tmp.display(), e))?;
            file.write_all(raw)
                .map_err(|e| FixtureError::io(tmp.display(), e))?;
        }
        self.chown(&tmp)?;
        // tmp/ then rename: Maildir's rule for a message to appear atomically.
        let dest = dir.join("cur").join(format!("{base_name}:2,{info}"));
        fs::rename(&tmp, &dest).map_err(|e| FixtureError::io(dest.display(), e))?;
        Ok(())
    }

    /// Copies a Maildir++ tree (INBOX at its root, folders as `.Name`) into `user`'s mailbox,
    /// through `tests/fixtures/dovecot.sh seed`.
    pub fn seed(&self, user: &str, maildir_src: &Path) -> Result<(), FixtureError> {
        let output = Command::new("bash")
            .arg(fixture_script())
            .arg("seed")
            .arg(self.dir.path())
            .arg(user)
            .arg(maildir_src)
            .output()
            .map_err(|e| FixtureError::io("cannot run tests/fixtures/dovecot.sh", e))?;
        if output.status.success() {
            Ok(())
        } else {
            Err(FixtureError::new(format!(
                "dovecot.sh seed failed: {}",
                output_text(&output)
            )))
        }
    }

    /// Writes a Sieve script straight into `user`'s Pigeonhole storage (`~/sieve/NAME.sieve`),
    /// and makes it the active one if `active` (the `~/.dovecot.sieve` symlink).
    pub fn put_sieve_script(
        &self,
        user: &str,
        name: &str,
        content: &str,
        active: bool,
    ) -> Result<(), FixtureError> {
        if name.is_empty() || name.contains('/') || name.starts_with('.') {
            return Err(FixtureError::new(format!("invalid script name {name:?}")));
        }
        let home = self.dir.path().join("home").join(user);
        let sieve_dir = home.join("sieve");
        if !sieve_dir.is_dir() {
            return Err(FixtureError::new(format!("unknown user {user:?}")));
        }
        let path = sieve_dir.join(format!("{name}.sieve"));
        fs::write(&path, content).map_err(|e| FixtureError::io(path.display(), e))?;
        self.chown(&path)?;
        if active {
            let link = home.join(".dovecot.sieve");
            match fs::remove_file(&link) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(FixtureError::io(link.display(), e)),
            }
            #[cfg(unix)]
            std::os::unix::fs::symlink(format!("sieve/{name}.sieve"), &link)
                .map_err(|e| FixtureError::io(link.display(), e))?;
            #[cfg(unix)]
            if let Some((uid, gid)) = self.mail_owner {
                std::os::unix::fs::lchown(&link, Some(uid), Some(gid))
                    .map_err(|e| FixtureError::io(link.display(), e))?;
            }
        }
        Ok(())
    }

    fn doveadm(&self, args: &[&str]) -> Result<String, FixtureError> {
        let program = find_program("doveadm").ok_or_else(missing_dovecot_error)?;
        let output = Command::new(program)
            .arg("-c")
            .arg(self.dir.path().join("dovecot.conf"))
            .args(args)
            .output()
            .map_err(|e| FixtureError::io("cannot run doveadm", e))?;
        if !output.status.success() {
            return Err(FixtureError::new(format!(
                "doveadm {} failed: {}",
                args.join(" "),
                output_text(&output)
            )));
        }
        String::from_utf8(output.stdout)
            .map_err(|_| FixtureError::new("doveadm printed non-UTF-8 output"))
    }

    /// The server's view of `user`'s mailbox, read with `doveadm` (not through IMAP, so the
    /// snapshot cannot be fooled by the client under test): per folder, the message count,
    /// UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ and every message's flags.
    pub fn message_flags_snapshot(&self, user: &str) -> Result<MailboxSnapshot, FixtureError> {
        let list = self.doveadm(&["mailbox", "list", "-u", user])?;
        let names: Vec<&str> = list.lines().filter(|l| !l.is_empty()).collect();
        let mut snapshot = MailboxSnapshot::default();
        if names.is_empty() {
            return Ok(snapshot);
        }
        let mut args = vec![
            "-f",
            "tab",
            "mailbox",
            "status",
            "-u",
            user,
            "messages uidvalidity uidnext highestmodseq",
        ];
        args.extend(names.iter().copied());
        let status = self.doveadm(&args)?;
        for row in parse_tab(&status)? {
            let field = |key: &str| -> Result<&str, FixtureError> {
                row.get(key)
                    .map(String::as_str)
                    .ok_or_else(|| FixtureError::new(format!("doveadm status without {key}")))
            };
            let number = |key: &str| -> Result<u64, FixtureError> {
                let value = field(key)?;
                value.parse().map_err(|_| {
                    FixtureError::new(format!("doveadm status: bad {key} value {value:?}"))
                })
            };
            let small = |key: &str| -> Result<u32, FixtureError> {
                u32::try_from(number(key)?)
                    .map_err(|_| FixtureError::new(format!("doveadm status: {key} too large")))
            };
            snapshot.folders.insert(
                field("mailbox")?.to_string(),
                FolderSnapshot {
                    messages: small("messages")?,
                    uid_validity: small("uidvalidity")?,
                    uid_next: small("uidnext")?,
                    highest_modseq: number("highestmodseq")?,
                    flags: BTreeMap::new(),
                },
            );
        }
        let fetched =
            self.doveadm(&["-f", "tab", "fetch", "-u", user, "mailbox uid flags", "ALL"])?;
        for row in parse_tab(&fetched)? {
            let (Some(mailbox), Some(uid), Some(flags)) =
                (row.get("mailbox"), row.get("uid"), row.get("flags"))
            else {
                return Err(FixtureError::new("doveadm fetch: missing column"));
            };
            let uid: u32 = uid
                .parse()
                .map_err(|_| FixtureError::new(format!("doveadm fetch: bad uid {uid:?}")))?;
            let set: BTreeSet<String> = flags
                .split_whitespace()
                .filter(|f| !f.eq_ignore_ascii_case("\\Recent"))
                .map(str::to_string)
                .collect();
            if let Some(folder) = snapshot.folders.get_mut(mailbox.as_str()) {
                folder.flags.insert(uid, set);
            }
        }
        Ok(snapshot)
    }

    /// Stops the server now (tests of a server going away). Idempotent; also done on drop.
    pub fn stop(&mut self) -> Result<(), FixtureError> {
        if self.stopped {
            return Ok(());
        }
        self.stopped = true;
        let output = Command::new("bash")
            .arg(fixture_script())
            .arg("stop")
            .arg(self.dir.path())
            .output()
            .map_err(|e| FixtureError::io("cannot run tests/fixtures/dovecot.sh", e))?;
        if output.status.success() {
            Ok(())
        } else {
            Err(FixtureError::new(format!(
                "dovecot.sh stop failed: {}",
                output_text(&output)
            )))
        }
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        // Errors cannot be reported from drop; the directory removal that follows is best
        // effort as well (TempDir's own drop).
        let _ = self.stop();
    }
}

/// Parses doveadm's `-f tab` output: a header line, then one tab-separated row per record.
fn parse_tab(text: &str) -> Result<Vec<BTreeMap<String, String>>, FixtureError> {
    let mut lines = text.lines();
    let Some(header) = lines.next() else {
        return Ok(Vec::new());
    };
    let columns: Vec<&str> = header.split('\t').collect();
    let mut rows = Vec::new();
    for line in lines.filter(|l| !l.is_empty()) {
        let values: Vec<&str> = line.split('\t').collect();
        if values.len() != columns.len() {
            return Err(FixtureError::new(format!(
                "doveadm: unexpected row {line:?} for columns {columns:?}"
            )));
        }
        rows.push(
            columns
                .iter()
                .zip(values)
                .map(|(k, v)| ((*k).to_string(), v.to_string()))
                .collect(),
        );
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutf7_matches_rfc3501_examples() {
        assert_eq!(encode_mutf7("INBOX"), "INBOX");
        assert_eq!(encode_mutf7("a&b"), "a&-b");
        assert_eq!(
            encode_mutf7("Éléments envoyés"),
            "&AMk-l&AOk-ments envoy&AOk-s"
        );
        assert_eq!(encode_mutf7("台北"), "&U,BTFw-");
    }

    #[test]
    fn tab_output_is_parsed_by_header() {
        let rows =
            parse_tab("mailbox\tuid\tflags\nINBOX\t1\t\\Seen \\Recent\n").unwrap_or_default();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0]["flags"], "\\Seen \\Recent");
        assert!(parse_tab("a\tb\nonly-one\n").is_err());
    }
}
