//! Read-only IMAP client for the mailbox audit.
//!
//! What it does: connect (implicit TLS for `imaps://`; STARTTLS, mandatory, for `imap://`;
//! cleartext only with [`ImapOptions::insecure_plaintext`], recorded in
//! [`ConnectionInfo::plaintext`] so the audit can report it), `LOGIN`, read the capabilities,
//! `LIST` the folders with their special-use attributes, `EXAMINE` a folder (with CONDSTORE when
//! the server has it, for HIGHESTMODSEQ), and stream its messages with
//! `UID FETCH … BODY.PEEK[]` in UID batches.
//!
//! Read-only by construction: the client has no method that sends `SELECT`, `STORE`, `COPY`,
//! `MOVE`, `EXPUNGE`, `APPEND`, `CREATE`, `DELETE` or `RENAME`; folders are opened with `EXAMINE`
//! and bodies fetched with `BODY.PEEK`, so even `\Seen` never changes.
//!
//! Every network step (resolution, connection, handshake, each command write, each response
//! read) runs under [`ImapOptions::timeout`]. A fetch streams: each message is handed to the
//! caller's callback as soon as it is parsed and dropped afterwards, so memory is bounded by the
//! largest message, not by the mailbox.
//!
//! ## Why async-imap is used only for its codec
//!
//! `async-imap` provides the response parser (via `imap-proto`) and buffering; the commands are
//! written and their responses interpreted here. Its high-level calls were not suitable:
//! `uid_fetch`/`list` end silently when the connection drops (a truncated audit would look
//! complete) and ignore a tagged `NO`; its `login` writes the command through a `log::trace!`
//! that would print the password if a logger were ever installed; `examine` cannot ask for
//! CONDSTORE. Writing commands ourselves keeps the password out of any log by construction.
//!
//! ## Synchronous facade
//!
//! [`blocking::Imap`] wraps [`ImapConnection`] with its own current-thread tokio runtime, for the
//! CLI which has no other async code: same methods, without `.await`.

use std::collections::BTreeSet;
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::time::Duration;

use async_imap::Client;
use async_imap::imap_proto::{
    AttributeValue, Capability, MailboxDatum, NameAttribute, Response, ResponseCode, Status,
};
use chrono::{DateTime, FixedOffset};
use tokio::io::AsyncWriteExt as _;

use super::account::{AccountUrl, Security};
use super::error::{NetError, io_error, sanitize_server_text};
use super::stream::{Transport, connect_tcp, step};
use super::{tls, utf7};

/// Connection settings for IMAP (and ManageSieve, see [`crate::net::managesieve`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImapOptions {
    /// Limit for each network step (not for a whole operation).
    pub timeout: Duration,
    /// For `imap://` only: do not STARTTLS, talk (and send the password) in cleartext. For
    /// servers whose TLS is broken, on a trusted network; the result is flagged
    /// ([`ConnectionInfo::plaintext`]). No effect on `imaps://`.
    pub insecure_plaintext: bool,
    /// Extra trusted certificates (PEM), on top of the system's authorities.
    pub ca_file: Option<PathBuf>,
}

impl Default for ImapOptions {
    fn default() -> Self {
        ImapOptions {
            timeout: Duration::from_secs(30),
            insecure_plaintext: false,
            ca_file: None,
        }
    }
}

/// What was established by [`ImapConnection::connect`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionInfo {
    /// Server name.
    pub host: String,
    /// Server port.
    pub port: u16,
    /// Security mode requested by the account URL.
    pub security: Security,
    /// `true` when the session (password included) went over cleartext: `imap://` with
    /// `insecure_plaintext`. The audit reports it.
    pub plaintext: bool,
    /// Capabilities after login, upper-cased (`IMAP4REV1`, `CONDSTORE`, `AUTH=PLAIN`...).
    pub capabilities: Vec<String>,
    /// The server's greeting text (often names the software), sanitized.
    pub greeting: String,
}

/// RFC 6154 special use of a folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SpecialUse {
    /// `\All`
    All,
    /// `\Archive`
    Archive,
    /// `\Drafts`
    Drafts,
    /// `\Flagged`
    Flagged,
    /// `\Junk`
    Junk,
    /// `\Sent`
    Sent,
    /// `\Trash`
    Trash,
}

/// A folder as listed by the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folder {
    /// The server's name (modified UTF-7): what to pass to [`ImapConnection::examine`].
    pub name: String,
    /// The name decoded for display (`Éléments envoyés`); the raw name if it does not decode.
    pub display_name: String,
    /// Hierarchy delimiter (`/` or `.`), if the server has a hierarchy.
    pub delimiter: Option<String>,
    /// Every attribute as sent (`\HasNoChildren`, `\Sent`...).
    pub attributes: Vec<String>,
    /// Special use, if the server declares one.
    pub special_use: Option<SpecialUse>,
    /// `false` for `\Noselect` / `\NonExistent` placeholders, which cannot be examined.
    pub selectable: bool,
}

/// State of a folder as reported by `EXAMINE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FolderStatus {
    /// UIDVALIDITY: when it changes, previously seen UIDs mean nothing any more.
    pub uid_validity: u32,
    /// Number of messages.
    pub exists: u32,
    /// UIDNEXT (RFC 3501 requires it, a few old servers omit it).
    pub uid_next: Option<u32>,
    /// HIGHESTMODSEQ, when the server supports CONDSTORE.
    pub highest_modseq: Option<u64>,
    /// Whether the server confirmed the folder is open read-only (`[READ-ONLY]`).
    pub read_only: bool,
}

/// One message streamed by [`ImapConnection::fetch_since`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchedMessage {
    /// Folder (server name) the message is in.
    pub folder: String,
    /// The folder's UIDVALIDITY: with `uid`, a stable identifier of the message.
    pub uid_validity: u32,
    /// UID.
    pub uid: u32,
    /// RFC822.SIZE.
    pub size: Option<u32>,
    /// INTERNALDATE (date the server received or stored the message).
    pub internal_date: Option<DateTime<FixedOffset>>,
    /// Flags at fetch time (`\Seen`, `\Answered`, keywords...), `\Recent` included if sent.
    pub flags: Vec<String>,
    /// The whole message, as stored.
    pub raw: Vec<u8>,
}

/// Outcome of [`ImapConnection::fetch_since`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchSummary {
    /// The folder's state when the fetch started.
    pub status: FolderStatus,
    /// Messages handed to the callback.
    pub fetched: usize,
    /// Bytes handed to the callback.
    pub bytes: u64,
    /// Highest UID handed to the callback: pass it as `after_uid` next time (same
    /// UIDVALIDITY) to get only newer messages.
    pub last_uid: Option<u32>,
    /// The callback asked to stop before the end.
    pub stopped_early: bool,
}

/// Command argument: raw protocol text, or a string to be quoted or sent as a literal.
enum Arg<'a> {
    Raw(&'a str),
    Str(&'a [u8]),
}

/// Tagged completion of a command.
struct Done {
    status: Outcome,
    information: String,
    capabilities: Option<Vec<String>>,
    read_only: bool,
}

/// An authenticated IMAP session. See the module documentation.
#[derive(Debug)]
pub struct ImapConnection {
    client: Client<Transport>,
    info: ConnectionInfo,
    timeout: Duration,
    next_tag: u32,
    /// Set after any I/O failure: the stream position is unknown, nothing more can be sent.
    broken: bool,
}

fn capability_name(cap: &Capability<'_>) -> String {
    match cap {
        Capability::Imap4rev1 => "IMAP4REV1".to_string(),
        Capability::Auth(mech) => format!("AUTH={}", mech.to_ascii_uppercase()),
        Capability::Atom(atom) => atom.to_ascii_uppercase(),
    }
}

fn has_cap(caps: &[String], name: &str) -> bool {
    caps.iter().any(|c| c.eq_ignore_ascii_case(name))
}

/// Can `bytes` go as an IMAP quoted string? (7-bit printable, not too long.) Otherwise a literal.
fn quotable(bytes: &[u8]) -> bool {
    bytes.len() <= 1000 && bytes.iter().all(|b| (0x20..0x7f).contains(b))
}

/// Reads the next response and hands it to `f`, classifying failures: parser errors are
/// protocol errors, anything else (reset, EOF in the middle of a response, TLS record error) a
/// dropped connection. (A closure, because async-imap does not export the response type.)
async fn read_with<R>(
    client: &mut Client<Transport>,
    timeout: Duration,
    during: &'static str,
    f: impl FnOnce(&Response<'_>) -> R,
) -> Result<R, NetError> {
    step(timeout, during, async {
        match client.read_response().await {
            Ok(Some(response)) => Ok(f(response.parsed())),
            // Clean EOF between two responses: the server hung up.
            Ok(None) => Err(NetError::ConnectionDropped { during }),
            Err(err) if err.to_string().contains("during parsing of") => Err(NetError::Protocol {
                detail: format!(
                    "réponse illisible : {}",
                    sanitize_server_text(&err.to_string())
                ),
            }),
            Err(err) => Err(io_error(&err, during)),
        }
    })
    .await
}

/// Tagged status, owned (imap-proto's `Status` is not `Clone`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Ok,
    No,
    Bad,
}

fn outcome(status: &Status) -> Outcome {
    match status {
        Status::Ok => Outcome::Ok,
        Status::No => Outcome::No,
        _ => Outcome::Bad,
    }
}

async fn write_all(
    client: &mut Client<Transport>,
    timeout: Duration,
    during: &'static str,
    bytes: &[u8],
) -> Result<(), NetError> {
    step(timeout, during, async {
        let stream = client.get_mut();
        stream
            .write_all(bytes)
            .await
            .map_err(|e| io_error(&e, during))?;
        stream.flush().await.map_err(|e| io_error(&e, during))
    })
    .await
}

/// Sends `CAPABILITY` on a not-yet-authenticated client and returns the list.
async fn pre_auth_capabilities(
    client: &mut Client<Transport>,
    timeout: Duration,
    tag: &str,
) -> Result<Vec<String>, NetError> {
    let during = "lecture des capacités du serveur";
    write_all(
        client,
        timeout,
        during,
        format!("{tag} CAPABILITY\r\n").as_bytes(),
    )
    .await?;
    let mut caps = Vec::new();
    loop {
        let done = read_with(client, timeout, during, |r| match r {
            Response::Capabilities(list) => {
                caps = list.iter().map(capability_name).collect();
                None
            }
            Response::Done {
                tag: t,
                status,
                information,
                ..
            } if t.0 == tag => Some((
                outcome(status),
                sanitize_server_text(information.as_deref().unwrap_or("")),
            )),
            _ => None,
        })
        .await?;
        match done {
            None => {}
            Some((Outcome::Ok, _)) => return Ok(caps),
            Some((_, information)) => {
                return Err(NetError::Protocol {
                    detail: format!("CAPABILITY refusé : {information}"),
                });
            }
        }
    }
}

impl ImapConnection {
    /// Connects to the account's server, secures the connection as its URL says, and logs in
    /// with `password` (held by the caller; never stored, logged nor put in an error).
    pub async fn connect(
        account: &AccountUrl,
        password: &str,
        options: &ImapOptions,
    ) -> Result<ImapConnection, NetError> {
        let timeout = options.timeout;
        let host = account.host();
        let tcp = connect_tcp(host, account.port(), timeout).await?;

        let want_tls = match account.security() {
            Security::ImplicitTls => true,
            Security::StartTls => !options.insecure_plaintext,
        };
        // Build (and validate --ca-file) before anything goes on the wire.
        let tls_config = if want_tls {
            Some(tls::client_config(options.ca_file.as_deref())?)
        } else {
            None
        };

        let mut client = match (account.security(), &tls_config) {
            (Security::ImplicitTls, Some(config)) => {
                let stream = tls::handshake(tcp, host, config.clone(), timeout).await?;
                Client::new(Transport::Tls(Box::new(stream)))
            }
            _ => Client::new(Transport::Plain(tcp)),
        };

        let (mut caps, greeting, preauth) = Self::read_greeting(&mut client, timeout).await?;
        let mut plaintext = !matches!(account.security(), Security::ImplicitTls);

        if account.security() == Security::StartTls
            && let Some(config) = tls_config
        {
            if preauth {
                // A pre-authenticated session cannot STARTTLS any more (RFC 3501 §6.2.1).
                return Err(NetError::StartTlsUnavailable {
                    host: host.to_string(),
                });
            }
            if caps.is_empty() {
                caps = pre_auth_capabilities(&mut client, timeout, "V0000").await?;
            }
            if !has_cap(&caps, "STARTTLS") {
                return Err(NetError::StartTlsUnavailable {
                    host: host.to_string(),
                });
            }
            client = Self::starttls(client, host, config, timeout).await?;
            plaintext = false;
            // Capabilities seen before TLS could have been forged: ask again (RFC 3501 §6.2.1).
            caps = pre_auth_capabilities(&mut client, timeout, "V0001").await?;
        }

        let mut connection = ImapConnection {
            client,
            info: ConnectionInfo {
                host: host.to_string(),
                port: account.port(),
                security: account.security(),
                plaintext,
                capabilities: caps,
                greeting,
            },
            timeout,
            next_tag: 2,
            broken: false,
        };
        if !preauth {
            connection.login(account.user(), password).await?;
        }
        // Post-login capabilities differ (CONDSTORE, SPECIAL-USE...): login() keeps those of
        // its OK answer when present and clears the list otherwise.
        if connection.info.capabilities.is_empty() {
            connection.refresh_capabilities().await?;
        }
        Ok(connection)
    }

    async fn read_greeting(
        client: &mut Client<Transport>,
        timeout: Duration,
    ) -> Result<(Vec<String>, String, bool), NetError> {
        read_with(
            client,
            timeout,
            "attente du message d'accueil du serveur",
            |r| match r {
                Response::Data {
                    status,
                    code,
                    information,
                } => {
                    let caps = match code {
                        Some(ResponseCode::Capabilities(list)) => {
                            list.iter().map(capability_name).collect()
                        }
                        _ => Vec::new(),
                    };
                    let text = sanitize_server_text(information.as_deref().unwrap_or(""));
                    match status {
                        Status::Ok => Ok((caps, text, false)),
                        Status::PreAuth => Ok((caps, text, true)),
                        Status::Bye => Err(NetError::ServerUnavailable {
                            server_message: text,
                        }),
                        _ => Err(NetError::Protocol {
                            detail: format!("message d'accueil inattendu : {text}"),
                        }),
                    }
                }
                other => Err(NetError::Protocol {
                    detail: format!(
                        "message d'accueil inattendu : {}",
                        sanitize_server_text(&format!("{other:?}"))
                    ),
                }),
            },
        )
        .await?
    }

    async fn starttls(
        mut client: Client<Transport>,
        host: &str,
        config: std::sync::Arc<rustls::ClientConfig>,
        timeout: Duration,
    ) -> Result<Client<Transport>, NetError> {
        let during = "passage en chiffré (STARTTLS)";
        write_all(&mut client, timeout, during, b"V0000S STARTTLS\r\n").await?;
        loop {
            let done = read_with(&mut client, timeout, during, |r| match r {
                Response::Done { tag, status, .. } if tag.0 == "V0000S" => Some(outcome(status)),
                _ => None,
            })
            .await?;
            match done {
                None => {}
                Some(Outcome::Ok) => break,
                Some(_) => {
                    return Err(NetError::StartTlsUnavailable {
                        host: host.to_string(),
                    });
                }
            }
        }
        // into_inner() discards whatever the codec buffered after the OK: bytes injected before
        // the handshake must never be read as if they came through TLS (CVE-2011-0411 class).
        match client.into_inner() {
            Transport::Plain(tcp) => {
                let stream = tls::handshake(tcp, host, config, timeout).await?;
                Ok(Client::new(Transport::Tls(Box::new(stream))))
            }
            Transport::Tls(_) => Err(NetError::Internal {
                detail: "STARTTLS sur une connexion déjà chiffrée".to_string(),
            }),
        }
    }

    fn tag(&mut self) -> String {
        let tag = format!("V{:04}", self.next_tag);
        self.next_tag = self.next_tag.wrapping_add(1);
        tag
    }

    /// Sends one command and reads until its tagged completion, handing every untagged
    /// response to `on_untagged`. Any failure marks the connection broken.
    async fn run<F>(
        &mut self,
        during: &'static str,
        args: &[Arg<'_>],
        on_untagged: F,
    ) -> Result<Done, NetError>
    where
        F: FnMut(&Response<'_>),
    {
        if self.broken {
            return Err(NetError::ConnectionDropped { during });
        }
        let result = self.run_inner(during, args, on_untagged).await;
        if let Err(err) = &result
            && !matches!(err, NetError::CommandRefused { .. })
        {
            self.broken = true;
        }
        result
    }

    async fn run_inner<F>(
        &mut self,
        during: &'static str,
        args: &[Arg<'_>],
        mut on_untagged: F,
    ) -> Result<Done, NetError>
    where
        F: FnMut(&Response<'_>),
    {
        let tag = self.tag();
        let literal_plus = has_cap(&self.info.capabilities, "LITERAL+");
        let timeout = self.timeout;

        // Assemble the command, sending each synchronizing literal only after the server's
        // go-ahead ("+"). The buffer may hold the password: it lives only for this call.
        let mut buffer: Vec<u8> = tag.clone().into_bytes();
        for arg in args {
            buffer.push(b' ');
            match arg {
                Arg::Raw(text) => buffer.extend_from_slice(text.as_bytes()),
                Arg::Str(bytes) if quotable(bytes) => {
                    buffer.push(b'"');
                    for &b in *bytes {
                        if b == b'"' || b == b'\\' {
                            buffer.push(b'\\');
                        }
                        buffer.push(b);
                    }
                    buffer.push(b'"');
                }
                Arg::Str(bytes) => {
                    if literal_plus {
                        buffer.extend_from_slice(format!("{{{}+}}\r\n", bytes.len()).as_bytes());
                    } else {
                        buffer.extend_from_slice(format!("{{{}}}\r\n", bytes.len()).as_bytes());
                        write_all(&mut self.client, timeout, during, &buffer).await?;
                        buffer.clear();
                        self.wait_continuation(&tag, during).await?;
                    }
                    buffer.extend_from_slice(bytes);
                }
            }
        }
        buffer.extend_from_slice(b"\r\n");
        let written = write_all(&mut self.client, timeout, during, &buffer).await;
        // Best effort: don't leave the password lying in freed memory longer than needed.
        buffer.iter_mut().for_each(|b| *b = 0);
        written?;

        loop {
            let done = read_with(&mut self.client, timeout, during, |r| match r {
                Response::Done {
                    tag: t,
                    status,
                    code,
                    information,
                } if t.0 == tag => {
                    let capabilities = match code {
                        Some(ResponseCode::Capabilities(list)) => {
                            Some(list.iter().map(capability_name).collect())
                        }
                        _ => None,
                    };
                    Some(Done {
                        status: outcome(status),
                        information: sanitize_server_text(information.as_deref().unwrap_or("")),
                        capabilities,
                        read_only: matches!(code, Some(ResponseCode::ReadOnly)),
                    })
                }
                other => {
                    on_untagged(other);
                    None
                }
            })
            .await?;
            if let Some(done) = done {
                return Ok(done);
            }
        }
    }

    async fn wait_continuation(&mut self, tag: &str, during: &'static str) -> Result<(), NetError> {
        loop {
            let answer = read_with(&mut self.client, self.timeout, during, |r| match r {
                Response::Continue { .. } => Some(Ok(())),
                Response::Done {
                    tag: t,
                    information,
                    ..
                } if t.0 == tag => Some(Err(NetError::Protocol {
                    detail: format!(
                        "littéral refusé : {}",
                        sanitize_server_text(information.as_deref().unwrap_or(""))
                    ),
                })),
                _ => None,
            })
            .await?;
            if let Some(answer) = answer {
                return answer;
            }
        }
    }

    async fn login(&mut self, user: &str, password: &str) -> Result<(), NetError> {
        if self.info.plaintext && has_cap(&self.info.capabilities, "LOGINDISABLED") {
            return Err(NetError::PlaintextLoginRefused);
        }
        let done = self
            .run(
                "identification",
                &[
                    Arg::Raw("LOGIN"),
                    Arg::Str(user.as_bytes()),
                    Arg::Str(password.as_bytes()),
                ],
                |_| {},
            )
            .await?;
        match done.status {
            Outcome::Ok => {
                if let Some(caps) = done.capabilities {
                    self.info.capabilities = caps;
                } else {
                    self.info.capabilities.clear();
                }
                Ok(())
            }
            Outcome::No => {
                let message = done.information;
                let upper = message.to_ascii_uppercase();
                if upper.starts_with("[UNAVAILABLE]") || upper.starts_with("[SERVERBUG]") {
                    Err(NetError::ServerUnavailable {
                        server_message: message,
                    })
                } else if upper.starts_with("[PRIVACYREQUIRED]") {
                    Err(NetError::PlaintextLoginRefused)
                } else {
                    Err(NetError::AuthenticationFailed {
                        server_message: (!message.is_empty()).then_some(message),
                    })
                }
            }
            _ => Err(NetError::Protocol {
                detail: format!("LOGIN rejeté : {}", done.information),
            }),
        }
    }

    /// What the connection established (plaintext or not, capabilities...).
    pub fn info(&self) -> &ConnectionInfo {
        &self.info
    }

    /// Whether the session runs in cleartext (see [`ConnectionInfo::plaintext`]).
    pub fn is_plaintext(&self) -> bool {
        self.info.plaintext
    }

    /// Capabilities, upper-cased.
    pub fn capabilities(&self) -> &[String] {
        &self.info.capabilities
    }

    /// Whether the server advertises `name` (case-insensitive).
    pub fn has_capability(&self, name: &str) -> bool {
        has_cap(&self.info.capabilities, name)
    }

    /// Asks the server for its capabilities again.
    pub async fn refresh_capabilities(&mut self) -> Result<&[String], NetError> {
        let mut caps = Vec::new();
        let done = self
            .run(
                "lecture des capacités du serveur",
                &[Arg::Raw("CAPABILITY")],
                |r| {
                    if let Response::Capabilities(list) = r {
                        caps = list.iter().map(capability_name).collect();
                    }
                },
            )
            .await?;
        expect_ok(&done, "CAPABILITY")?;
        self.info.capabilities = caps;
        Ok(&self.info.capabilities)
    }

    /// Lists every folder (`LIST "" "*"`), with special-use attributes when the server has them.
    pub async fn list_folders(&mut self) -> Result<Vec<Folder>, NetError> {
        let mut folders = Vec::new();
        let done = self
            .run(
                "liste des dossiers",
                &[Arg::Raw("LIST"), Arg::Str(b""), Arg::Str(b"*")],
                |r| {
                    if let Response::MailboxData(MailboxDatum::List {
                        name_attributes,
                        delimiter,
                        name,
                    }) = r
                    {
                        folders.push(folder_from_list(
                            name,
                            delimiter.as_deref(),
                            name_attributes,
                        ));
                    }
                },
            )
            .await?;
        expect_ok(&done, "LIST")?;
        Ok(folders)
    }

    /// Opens `folder` (server name, as in [`Folder::name`]) read-only with `EXAMINE` (never
    /// `SELECT`), asking for CONDSTORE data when the server supports it.
    pub async fn examine(&mut self, folder: &str) -> Result<FolderStatus, NetError> {
        let condstore = self.has_capability("CONDSTORE");
        let mut args = vec![Arg::Raw("EXAMINE"), Arg::Str(folder.as_bytes())];
        if condstore {
            args.push(Arg::Raw("(CONDSTORE)"));
        }
        let mut uid_validity = None;
        let mut exists = None;
        let mut uid_next = None;
        let mut highest_modseq = None;
        let done = self
            .run(
                "ouverture d'un dossier en lecture seule",
                &args,
                |r| match r {
                    Response::MailboxData(MailboxDatum::Exists(n)) => exists = Some(*n),
                    Response::Data {
                        status: Status::Ok,
                        code: Some(code),
                        ..
                    } => match code {
                        ResponseCode::UidValidity(v) => uid_validity = Some(*v),
                        ResponseCode::UidNext(v) => uid_next = Some(*v),
                        ResponseCode::HighestModSeq(v) => highest_modseq = Some(*v),
                        _ => {}
                    },
                    _ => {}
                },
            )
            .await?;
        expect_ok(&done, "EXAMINE")?;
        let read_only = done.read_only;
        let uid_validity = uid_validity.ok_or_else(|| NetError::Protocol {
            detail: "EXAMINE sans UIDVALIDITY".to_string(),
        })?;
        Ok(FolderStatus {
            uid_validity,
            exists: exists.unwrap_or(0),
            uid_next,
            highest_modseq,
            read_only,
        })
    }

    /// Streams the messages of `folder` whose UID is greater than `after_uid` (0 for all), in
    /// UID order, `batch` messages per `UID FETCH` (`UID FLAGS RFC822.SIZE INTERNALDATE
    /// BODY.PEEK[]`). `f` gets each message as soon as it is parsed; return
    /// `ControlFlow::Break(())` to stop (the current batch is drained, not handed over).
    ///
    /// The folder is opened with [`ImapConnection::examine`]; nothing is modified, `\Seen`
    /// included. If the connection breaks, messages already handed to `f` stay valid and the
    /// error says the operation was cut ([`NetError::ConnectionDropped`]).
    pub async fn fetch_since<F>(
        &mut self,
        folder: &str,
        after_uid: u32,
        batch: usize,
        mut f: F,
    ) -> Result<FetchSummary, NetError>
    where
        F: FnMut(FetchedMessage) -> ControlFlow<()>,
    {
        let status = self.examine(folder).await?;
        let mut summary = FetchSummary {
            status,
            fetched: 0,
            bytes: 0,
            last_uid: None,
            stopped_early: false,
        };
        let Some(first) = after_uid.checked_add(1) else {
            return Ok(summary);
        };
        if status.exists == 0 || status.uid_next.is_some_and(|next| next <= first) {
            return Ok(summary);
        }

        // UIDs first (4 bytes each), then bodies batch by batch: UIDs may be sparse, so ranges
        // of UIDs would not give bounded batches.
        let range = format!("{first}:*");
        let mut uids = Vec::new();
        let done = self
            .run(
                "recherche des messages",
                &[Arg::Raw("UID SEARCH UID"), Arg::Raw(&range)],
                |r| {
                    if let Response::MailboxData(MailboxDatum::Search(list)) = r {
                        uids.extend(list.iter().copied());
                    }
                },
            )
            .await?;
        expect_ok(&done, "UID SEARCH")?;
        // "n:*" also matches the highest UID when it is below n.
        uids.retain(|&uid| uid >= first);
        uids.sort_unstable();
        uids.dedup();

        for chunk in uids.chunks(batch.max(1)) {
            let set = uid_set(chunk);
            let mut pending: BTreeSet<u32> = chunk.iter().copied().collect();
            let mut stop = false;
            let mut delivered = 0usize;
            let mut bytes = 0u64;
            let mut last = summary.last_uid;
            let uid_validity = status.uid_validity;
            let done = self
                .run(
                    "téléchargement des messages",
                    &[
                        Arg::Raw("UID FETCH"),
                        Arg::Raw(&set),
                        Arg::Raw("(UID FLAGS RFC822.SIZE INTERNALDATE BODY.PEEK[])"),
                    ],
                    |r| {
                        let Response::Fetch(_, attributes) = r else {
                            return;
                        };
                        let Some(message) = message_from_fetch(folder, uid_validity, attributes)
                        else {
                            // Unsolicited FETCH (e.g. a flag change by another client).
                            return;
                        };
                        if stop || !pending.remove(&message.uid) {
                            return;
                        }
                        delivered += 1;
                        bytes += message.raw.len() as u64;
                        last = Some(last.map_or(message.uid, |l: u32| l.max(message.uid)));
                        if f(message).is_break() {
                            stop = true;
                        }
                    },
                )
                .await?;
            expect_ok(&done, "UID FETCH")?;
            summary.fetched += delivered;
            summary.bytes += bytes;
            summary.last_uid = last;
            if stop {
                summary.stopped_early = true;
                break;
            }
        }
        Ok(summary)
    }

    /// Ends the session politely (`LOGOUT`). Errors are returned but harmless.
    pub async fn logout(mut self) -> Result<(), NetError> {
        let done = self.run("déconnexion", &[Arg::Raw("LOGOUT")], |_| {}).await;
        match done {
            Ok(_) | Err(NetError::ConnectionDropped { .. }) => Ok(()),
            Err(err) => Err(err),
        }
    }
}

fn expect_ok(done: &Done, command: &'static str) -> Result<(), NetError> {
    match done.status {
        Outcome::Ok => Ok(()),
        Outcome::No => Err(NetError::CommandRefused {
            command,
            server_message: done.information.clone(),
        }),
        _ => Err(NetError::Protocol {
            detail: format!("{command} rejeté : {}", done.information),
        }),
    }
}

fn folder_from_list(
    name: &str,
    delimiter: Option<&str>,
    attributes: &[NameAttribute<'_>],
) -> Folder {
    let mut special_use = None;
    let mut selectable = true;
    let mut names = Vec::with_capacity(attributes.len());
    for attribute in attributes {
        let (text, use_) = match attribute {
            NameAttribute::NoInferiors => ("\\Noinferiors".to_string(), None),
            NameAttribute::NoSelect => {
                selectable = false;
                ("\\Noselect".to_string(), None)
            }
            NameAttribute::Marked => ("\\Marked".to_string(), None),
            NameAttribute::Unmarked => ("\\Unmarked".to_string(), None),
            NameAttribute::All => ("\\All".to_string(), Some(SpecialUse::All)),
            NameAttribute::Archive => ("\\Archive".to_string(), Some(SpecialUse::Archive)),
            NameAttribute::Drafts => ("\\Drafts".to_string(), Some(SpecialUse::Drafts)),
            NameAttribute::Flagged => ("\\Flagged".to_string(), Some(SpecialUse::Flagged)),
            NameAttribute::Junk => ("\\Junk".to_string(), Some(SpecialUse::Junk)),
            NameAttribute::Sent => ("\\Sent".to_string(), Some(SpecialUse::Sent)),
            NameAttribute::Trash => ("\\Trash".to_string(), Some(SpecialUse::Trash)),
            NameAttribute::Extension(other) => {
                if other.eq_ignore_ascii_case("\\NonExistent") {
                    selectable = false;
                }
                (other.to_string(), None)
            }
            // Attributes a newer imap-proto may add: keep them visible, without meaning.
            other => (format!("{other:?}"), None),
        };
        if special_use.is_none() {
            special_use = use_;
        }
        names.push(text);
    }
    Folder {
        name: name.to_string(),
        display_name: utf7::decode(name).unwrap_or_else(|| name.to_string()),
        delimiter: delimiter.map(str::to_string),
        attributes: names,
        special_use,
        selectable,
    }
}

fn message_from_fetch(
    folder: &str,
    uid_validity: u32,
    attributes: &[AttributeValue<'_>],
) -> Option<FetchedMessage> {
    let mut uid = None;
    let mut size = None;
    let mut internal_date = None;
    let mut flags = Vec::new();
    let mut raw = None;
    for attribute in attributes {
        match attribute {
            AttributeValue::Uid(v) => uid = Some(*v),
            AttributeValue::Rfc822Size(v) => size = Some(*v),
            AttributeValue::InternalDate(text) => internal_date = parse_internal_date(text),
            AttributeValue::Flags(list) => flags = list.iter().map(|f| f.to_string()).collect(),
            AttributeValue::BodySection {
                section: None,
                data,
                ..
            } => raw = Some(data.as_deref().unwrap_or_default().to_vec()),
            AttributeValue::Rfc822(data) => {
                raw = Some(data.as_deref().unwrap_or_default().to_vec());
            }
            _ => {}
        }
    }
    Some(FetchedMessage {
        folder: folder.to_string(),
        uid_validity,
        uid: uid?,
        size,
        internal_date,
        flags,
        raw: raw?,
    })
}

/// Parses an IMAP date-time (`" 5-Jan-2024 09:03:00 +0100"`).
fn parse_internal_date(text: &str) -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_str(text.trim(), "%d-%b-%Y %H:%M:%S %z").ok()
}

/// Compresses sorted UIDs into an IMAP sequence set (`1:4,7,9:10`).
fn uid_set(sorted: &[u32]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < sorted.len() {
        let start = sorted[i];
        let mut end = start;
        while i + 1 < sorted.len() && sorted[i + 1] == end.wrapping_add(1) {
            i += 1;
            end = sorted[i];
        }
        if !out.is_empty() {
            out.push(',');
        }
        if start == end {
            out.push_str(&start.to_string());
        } else {
            out.push_str(&format!("{start}:{end}"));
        }
        i += 1;
    }
    out
}

pub mod blocking {
    //! Synchronous facade over [`ImapConnection`]: each instance owns a
    //! current-thread tokio runtime and blocks on every call. For the CLI, which does nothing
    //! else concurrently; do not use it from inside an async context (tokio forbids nested
    //! runtimes and would panic).

    use std::ops::ControlFlow;

    use super::{
        ConnectionInfo, FetchSummary, FetchedMessage, Folder, FolderStatus, ImapConnection,
        ImapOptions,
    };
    use crate::net::account::AccountUrl;
    use crate::net::error::NetError;

    /// Blocking IMAP session; see [`ImapConnection`] for what each method does.
    #[derive(Debug)]
    pub struct Imap {
        runtime: tokio::runtime::Runtime,
        connection: ImapConnection,
    }

    pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, NetError> {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| NetError::Internal {
                detail: format!("démarrage du moteur réseau impossible ({e})"),
            })
    }

    impl Imap {
        /// [`ImapConnection::connect`], blocking.
        pub fn connect(
            account: &AccountUrl,
            password: &str,
            options: &ImapOptions,
        ) -> Result<Imap, NetError> {
            let runtime = runtime()?;
            let connection =
                runtime.block_on(ImapConnection::connect(account, password, options))?;
            Ok(Imap {
                runtime,
                connection,
            })
        }

        /// [`ImapConnection::info`].
        pub fn info(&self) -> &ConnectionInfo {
            self.connection.info()
        }

        /// [`ImapConnection::list_folders`], blocking.
        pub fn list_folders(&mut self) -> Result<Vec<Folder>, NetError> {
            self.runtime.block_on(self.connection.list_folders())
        }

        /// [`ImapConnection::examine`], blocking.
        pub fn examine(&mut self, folder: &str) -> Result<FolderStatus, NetError> {
            self.runtime.block_on(self.connection.examine(folder))
        }

        /// [`ImapConnection::fetch_since`], blocking (`f` runs on the calling thread).
        pub fn fetch_since<F>(
            &mut self,
            folder: &str,
            after_uid: u32,
            batch: usize,
            f: F,
        ) -> Result<FetchSummary, NetError>
        where
            F: FnMut(FetchedMessage) -> ControlFlow<()>,
        {
            self.runtime
                .block_on(self.connection.fetch_since(folder, after_uid, batch, f))
        }

        /// [`ImapConnection::logout`], blocking.
        pub fn logout(self) -> Result<(), NetError> {
            let Imap {
                runtime,
                connection,
            } = self;
            runtime.block_on(connection.logout())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uid_sets_are_compressed() {
        assert_eq!(uid_set(&[1, 2, 3, 4, 7, 9, 10]), "1:4,7,9:10");
        assert_eq!(uid_set(&[5]), "5");
        assert_eq!(uid_set(&[]), "");
        assert_eq!(
            uid_set(&[u32::MAX - 1, u32::MAX]),
            format!("{}:{}", u32::MAX - 1, u32::MAX)
        );
    }

    #[test]
    fn internal_dates_parse_with_or_without_padding() {
        let d = parse_internal_date(" 5-Jan-2024 09:03:00 +0100");
        assert_eq!(
            d.map(|d| d.to_rfc3339()).as_deref(),
            Some("2024-01-05T09:03:00+01:00")
        );
        assert!(parse_internal_date("17-Jul-1996 02:44:25 -0700").is_some());
        assert!(parse_internal_date("garbage").is_none());
    }

    #[test]
    fn quoting_rules() {
        assert!(quotable(b"Correct-Horse-42!"));
        assert!(quotable(b"with \"quotes\" and \\"));
        assert!(!quotable("mot-de-passe-é".as_bytes()));
        assert!(!quotable(b"line\r\nbreak"));
    }

    #[test]
    fn special_use_folders() {
        let f = folder_from_list(
            "&AMk-l&AOk-ments envoy&AOk-s",
            Some("/"),
            &[
                NameAttribute::Extension("\\HasNoChildren".into()),
                NameAttribute::Sent,
            ],
        );
        assert_eq!(f.display_name, "Éléments envoyés");
        assert_eq!(f.special_use, Some(SpecialUse::Sent));
        assert!(f.selectable);
        let g = folder_from_list("Archives", Some("/"), &[NameAttribute::NoSelect]);
        assert!(!g.selectable);
    }
}
