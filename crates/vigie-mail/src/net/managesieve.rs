//! ManageSieve client (RFC 5804), to read the Sieve filters of a mailbox: a taken-over webmail
//! account very often carries a filter that forwards or hides mail.
//!
//! Hand-written: no maintained ManageSieve crate exists for Rust. The protocol is small: lines of
//! atoms and strings (quoted, or literals `{n}` / `{n+}` followed by n bytes), and completion
//! responses `OK` / `NO` / `BYE` with an optional `(CODE)` and message.
//!
//! Supported: greeting / capability parsing, `STARTTLS` (mandatory unless
//! [`ImapOptions::insecure_plaintext`]), `AUTHENTICATE "PLAIN"` with an initial response,
//! `LISTSCRIPTS`, `GETSCRIPT`, `LOGOUT`. Every network step runs under
//! [`ImapOptions::timeout`]. Default port: [`DEFAULT_PORT`] (4190).
//!
//! `PUTSCRIPT`, `SETACTIVE` and `DELETESCRIPT` exist **for tests only** (to set up a server
//! fixture). Vigie itself never writes: the audit only calls the read commands above.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use tokio::io::{AsyncBufReadExt as _, AsyncReadExt as _, AsyncWriteExt as _, BufReader};

use super::account::AccountUrl;
use super::error::{NetError, io_error, sanitize_server_text};
use super::imap::ImapOptions;
use super::stream::{Transport, connect_tcp, step};
use super::tls;

/// IANA port of ManageSieve.
pub const DEFAULT_PORT: u16 = 4190;

/// Longest line accepted from the server (literals excepted).
const MAX_LINE: usize = 64 * 1024;
/// Largest literal accepted (a script, or a string): Sieve scripts are small; this only protects
/// against a hostile or broken server.
const MAX_LITERAL: usize = 16 * 1024 * 1024;

/// Connection settings: the same as IMAP's (timeout per step, `insecure_plaintext`, `ca_file`).
pub type SieveOptions = ImapOptions;

/// What the server announced (RFC 5804 §1.7).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SieveCapabilities {
    /// `IMPLEMENTATION`: server software.
    pub implementation: Option<String>,
    /// `SASL` mechanisms, upper-cased.
    pub sasl: Vec<String>,
    /// `SIEVE` extensions (`fileinto`, `vacation`, `enotify`...).
    pub sieve_extensions: Vec<String>,
    /// `STARTTLS` offered.
    pub starttls: bool,
    /// `VERSION` of the protocol.
    pub version: Option<String>,
    /// Everything else, upper-cased name and optional value (`NOTIFY`, `MAXREDIRECTS`...).
    pub other: Vec<(String, Option<String>)>,
}

/// A script listed by `LISTSCRIPTS`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptInfo {
    /// Script name.
    pub name: String,
    /// Whether it is the active script (the one applied to incoming mail).
    pub active: bool,
}

/// One token of a server line.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    Atom(String),
    Str(Vec<u8>),
    List(Vec<Item>),
}

impl Item {
    fn text(&self) -> Option<String> {
        match self {
            Item::Atom(a) => Some(a.clone()),
            Item::Str(bytes) => Some(String::from_utf8_lossy(bytes).into_owned()),
            Item::List(_) => None,
        }
    }
}

/// Completion of a command.
#[derive(Debug)]
struct Completion {
    kind: CompletionKind,
    code: Option<String>,
    message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CompletionKind {
    Ok,
    No,
    Bye,
}

/// A ManageSieve session. See the module documentation.
#[derive(Debug)]
pub struct ManageSieve {
    stream: BufReader<Transport>,
    host: String,
    port: u16,
    plaintext: bool,
    capabilities: SieveCapabilities,
    timeout: Duration,
    authenticated: bool,
    broken: bool,
}

impl ManageSieve {
    /// Connects to `host:port`, reads the capabilities and secures the connection with
    /// STARTTLS (refusing to go on without it unless `options.insecure_plaintext`, in which
    /// case no TLS is attempted and [`ManageSieve::is_plaintext`] says so).
    pub async fn connect(
        host: &str,
        port: u16,
        options: &SieveOptions,
    ) -> Result<ManageSieve, NetError> {
        let tls_config = if options.insecure_plaintext {
            None
        } else {
            Some(tls::client_config(options.ca_file.as_deref())?)
        };
        let tcp = connect_tcp(host, port, options.timeout).await?;
        let mut session = ManageSieve {
            stream: BufReader::new(Transport::Plain(tcp)),
            host: host.to_string(),
            port,
            plaintext: true,
            capabilities: SieveCapabilities::default(),
            timeout: options.timeout,
            authenticated: false,
            broken: false,
        };
        session.capabilities = session
            .read_capabilities("attente du message d'accueil du serveur")
            .await?;
        if let Some(config) = tls_config {
            if !session.capabilities.starttls {
                return Err(NetError::StartTlsUnavailable {
                    host: host.to_string(),
                });
            }
            session = session.starttls(config).await?;
        }
        Ok(session)
    }

    /// Connects to the ManageSieve service of an IMAP account (same host, `port` or 4190) and
    /// authenticates as the account's user.
    pub async fn connect_account(
        account: &AccountUrl,
        port: Option<u16>,
        password: &str,
        options: &SieveOptions,
    ) -> Result<ManageSieve, NetError> {
        let mut session =
            ManageSieve::connect(account.host(), port.unwrap_or(DEFAULT_PORT), options).await?;
        session.authenticate(account.user(), password).await?;
        Ok(session)
    }

    async fn starttls(
        mut self,
        config: Arc<rustls::ClientConfig>,
    ) -> Result<ManageSieve, NetError> {
        let during = "passage en chiffré (STARTTLS)";
        self.write(during, b"STARTTLS\r\n").await?;
        let completion = self.read_completion(during, |_| Ok(())).await?;
        if completion.kind != CompletionKind::Ok {
            return Err(NetError::StartTlsUnavailable { host: self.host });
        }
        // into_inner() drops whatever was buffered after the OK: nothing received before the
        // handshake may be taken as protected (STARTTLS injection).
        let ManageSieve {
            stream,
            host,
            port,
            timeout,
            ..
        } = self;
        let Transport::Plain(tcp) = stream.into_inner() else {
            return Err(NetError::Internal {
                detail: "STARTTLS sur une connexion déjà chiffrée".to_string(),
            });
        };
        let tls_stream = tls::handshake(tcp, &host, config, timeout).await?;
        let mut session = ManageSieve {
            stream: BufReader::new(Transport::Tls(Box::new(tls_stream))),
            host,
            port,
            plaintext: false,
            capabilities: SieveCapabilities::default(),
            timeout,
            authenticated: false,
            broken: false,
        };
        // RFC 5804 §2.2: the server sends its capabilities again after the handshake; the
        // cleartext ones are forgotten.
        session.capabilities = session
            .read_capabilities("lecture des capacités après STARTTLS")
            .await?;
        Ok(session)
    }

    /// Capabilities (after STARTTLS when it was used).
    pub fn capabilities(&self) -> &SieveCapabilities {
        &self.capabilities
    }

    /// `true` when the session runs in cleartext (`insecure_plaintext`).
    pub fn is_plaintext(&self) -> bool {
        self.plaintext
    }

    /// Server name.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// Server port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `AUTHENTICATE "PLAIN"` with `user` and `password` (the password is sent once, base64
    /// encoded inside the encrypted channel, and never kept).
    pub async fn authenticate(&mut self, user: &str, password: &str) -> Result<(), NetError> {
        let during = "identification";
        if !self
            .capabilities
            .sasl
            .iter()
            .any(|m| m.eq_ignore_ascii_case("PLAIN"))
        {
            return Err(if self.plaintext && self.capabilities.sasl.is_empty() {
                NetError::PlaintextLoginRefused
            } else {
                NetError::Protocol {
                    detail: format!(
                        "le serveur ManageSieve ne propose pas l'identification PLAIN \
                         (mécanismes : {})",
                        self.capabilities.sasl.join(" ")
                    ),
                }
            });
        }
        let mut credentials = Vec::with_capacity(user.len() + password.len() + 2);
        credentials.push(0);
        credentials.extend_from_slice(user.as_bytes());
        credentials.push(0);
        credentials.extend_from_slice(password.as_bytes());
        let mut command = b"AUTHENTICATE \"PLAIN\" \"".to_vec();
        command.extend_from_slice(
            base64::engine::general_purpose::STANDARD
                .encode(&credentials)
                .as_bytes(),
        );
        command.extend_from_slice(b"\"\r\n");
        let written = self.write(during, &command).await;
        // Best effort: do not leave the credentials in freed memory longer than needed.
        credentials.iter_mut().for_each(|b| *b = 0);
        command.iter_mut().for_each(|b| *b = 0);
        written?;
        let completion = self.read_completion(during, |_| Ok(())).await?;
        match completion.kind {
            CompletionKind::Ok => {
                self.authenticated = true;
                Ok(())
            }
            CompletionKind::No => {
                let code = completion.code.unwrap_or_default().to_ascii_uppercase();
                if code.starts_with("TRANSITION-NEEDED") || code.starts_with("ENCRYPT-NEEDED") {
                    Err(NetError::PlaintextLoginRefused)
                } else if code.starts_with("UNAVAILABLE") || code.starts_with("TRYLATER") {
                    Err(NetError::ServerUnavailable {
                        server_message: completion.message,
                    })
                } else {
                    Err(NetError::AuthenticationFailed {
                        server_message: (!completion.message.is_empty())
                            .then_some(completion.message),
                    })
                }
            }
            CompletionKind::Bye => Err(NetError::ServerUnavailable {
                server_message: completion.message,
            }),
        }
    }

    fn require_auth(&self) -> Result<(), NetError> {
        if self.authenticated {
            Ok(())
        } else {
            Err(NetError::Internal {
                detail: "commande ManageSieve avant identification".to_string(),
            })
        }
    }

    /// `LISTSCRIPTS`: every script with its active mark.
    pub async fn list_scripts(&mut self) -> Result<Vec<ScriptInfo>, NetError> {
        self.require_auth()?;
        let during = "liste des filtres Sieve";
        self.write(during, b"LISTSCRIPTS\r\n").await?;
        let mut scripts = Vec::new();
        let completion = self
            .read_completion(during, |items| {
                let Some(Item::Str(name)) = items.first() else {
                    return Err(NetError::Protocol {
                        detail: "ligne de LISTSCRIPTS sans nom de filtre".to_string(),
                    });
                };
                let active =
                    matches!(items.get(1), Some(Item::Atom(a)) if a.eq_ignore_ascii_case("ACTIVE"));
                scripts.push(ScriptInfo {
                    name: String::from_utf8_lossy(name).into_owned(),
                    active,
                });
                Ok(())
            })
            .await?;
        expect_ok(completion, "LISTSCRIPTS")?;
        Ok(scripts)
    }

    /// `GETSCRIPT`: the script's exact bytes.
    pub async fn get_script_bytes(&mut self, name: &str) -> Result<Vec<u8>, NetError> {
        self.require_auth()?;
        let during = "lecture d'un filtre Sieve";
        let mut command = b"GETSCRIPT ".to_vec();
        push_string(&mut command, name.as_bytes());
        command.extend_from_slice(b"\r\n");
        self.write(during, &command).await?;
        let mut content = None;
        let completion = self
            .read_completion(during, |items| {
                match items.first() {
                    Some(Item::Str(bytes)) if content.is_none() => content = Some(bytes.clone()),
                    _ => {
                        return Err(NetError::Protocol {
                            detail: "réponse de GETSCRIPT inattendue".to_string(),
                        });
                    }
                }
                Ok(())
            })
            .await?;
        expect_ok(completion, "GETSCRIPT")?;
        content.ok_or_else(|| NetError::Protocol {
            detail: "GETSCRIPT sans contenu".to_string(),
        })
    }

    /// `GETSCRIPT`, as text. Sieve scripts are UTF-8 (RFC 5228); invalid bytes are replaced
    /// (U+FFFD) rather than failing, so that a malformed filter is still audited.
    pub async fn get_script(&mut self, name: &str) -> Result<String, NetError> {
        let bytes = self.get_script_bytes(name).await?;
        Ok(match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(err) => String::from_utf8_lossy(err.as_bytes()).into_owned(),
        })
    }

    /// `LOGOUT`. Errors after the request are harmless and ignored.
    pub async fn logout(mut self) -> Result<(), NetError> {
        let during = "déconnexion";
        self.write(during, b"LOGOUT\r\n").await?;
        match self.read_completion(during, |_| Ok(())).await {
            Ok(_) | Err(NetError::ConnectionDropped { .. }) => Ok(()),
            Err(err) => Err(err),
        }
    }

    // ----- Write commands: test fixtures only. Vigie never calls them. -----

    /// `PUTSCRIPT` (tests only: Vigie never writes to the server).
    pub async fn put_script(&mut self, name: &str, content: &str) -> Result<(), NetError> {
        self.require_auth()?;
        let mut command = b"PUTSCRIPT ".to_vec();
        push_string(&mut command, name.as_bytes());
        command.push(b' ');
        push_literal(&mut command, content.as_bytes());
        command.extend_from_slice(b"\r\n");
        self.simple_command("enregistrement d'un filtre Sieve", "PUTSCRIPT", &command)
            .await
    }

    /// `SETACTIVE` (tests only); an empty name deactivates every script.
    pub async fn set_active(&mut self, name: &str) -> Result<(), NetError> {
        self.require_auth()?;
        let mut command = b"SETACTIVE ".to_vec();
        push_string(&mut command, name.as_bytes());
        command.extend_from_slice(b"\r\n");
        self.simple_command("activation d'un filtre Sieve", "SETACTIVE", &command)
            .await
    }

    /// `DELETESCRIPT` (tests only).
    pub async fn delete_script(&mut self, name: &str) -> Result<(), NetError> {
        self.require_auth()?;
        let mut command = b"DELETESCRIPT ".to_vec();
        push_string(&mut command, name.as_bytes());
        command.extend_from_slice(b"\r\n");
        self.simple_command("suppression d'un filtre Sieve", "DELETESCRIPT", &command)
            .await
    }

    async fn simple_command(
        &mut self,
        during: &'static str,
        name: &'static str,
        command: &[u8],
    ) -> Result<(), NetError> {
        self.write(during, command).await?;
        let completion = self.read_completion(during, |_| Ok(())).await?;
        expect_ok(completion, name)
    }

    // ----- Wire level -----

    async fn write(&mut self, during: &'static str, bytes: &[u8]) -> Result<(), NetError> {
        if self.broken {
            return Err(NetError::ConnectionDropped { during });
        }
        let stream = self.stream.get_mut();
        let result = step(self.timeout, during, async {
            stream
                .write_all(bytes)
                .await
                .map_err(|e| io_error(&e, during))?;
            stream.flush().await.map_err(|e| io_error(&e, during))
        })
        .await;
        if result.is_err() {
            self.broken = true;
        }
        result
    }

    /// Reads lines until a completion (`OK`/`NO`/`BYE`), handing the others to `on_data`.
    async fn read_completion<F>(
        &mut self,
        during: &'static str,
        mut on_data: F,
    ) -> Result<Completion, NetError>
    where
        F: FnMut(&[Item]) -> Result<(), NetError>,
    {
        loop {
            let items = self.read_items(during).await?;
            if let Some(completion) = completion_of(&items) {
                if completion.kind == CompletionKind::Bye {
                    // The server closes the connection after BYE.
                    self.broken = true;
                }
                return Ok(completion);
            }
            if let Err(err) = on_data(&items) {
                self.broken = true;
                return Err(err);
            }
        }
    }

    /// Reads the capability lines up to the `OK` that ends them.
    async fn read_capabilities(
        &mut self,
        during: &'static str,
    ) -> Result<SieveCapabilities, NetError> {
        let mut caps = SieveCapabilities::default();
        let completion = self
            .read_completion(during, |items| {
                let name = items
                    .first()
                    .and_then(Item::text)
                    .ok_or_else(|| NetError::Protocol {
                        detail: "ligne de capacités invalide".to_string(),
                    })?
                    .to_ascii_uppercase();
                let value = items.get(1).and_then(Item::text);
                match name.as_str() {
                    "IMPLEMENTATION" => {
                        caps.implementation = value.map(|v| sanitize_server_text(&v))
                    }
                    "SASL" => {
                        caps.sasl = value
                            .unwrap_or_default()
                            .split_whitespace()
                            .map(str::to_ascii_uppercase)
                            .collect();
                    }
                    "SIEVE" => {
                        caps.sieve_extensions = value
                            .unwrap_or_default()
                            .split_whitespace()
                            .map(str::to_string)
                            .collect();
                    }
                    "STARTTLS" => caps.starttls = true,
                    "VERSION" => caps.version = value,
                    _ => caps.other.push((name, value)),
                }
                Ok(())
            })
            .await?;
        match completion.kind {
            CompletionKind::Ok => Ok(caps),
            _ => Err(NetError::ServerUnavailable {
                server_message: completion.message,
            }),
        }
    }

    /// Reads one logical line: physical lines joined across literals, then tokenized.
    async fn read_items(&mut self, during: &'static str) -> Result<Vec<Item>, NetError> {
        if self.broken {
            return Err(NetError::ConnectionDropped { during });
        }
        let result = step(
            self.timeout,
            during,
            read_logical_line(&mut self.stream, during),
        )
        .await;
        match result {
            Ok(bytes) => match parse_line(&bytes) {
                Ok(items) => Ok(items),
                Err(detail) => {
                    self.broken = true;
                    Err(NetError::Protocol { detail })
                }
            },
            Err(err) => {
                self.broken = true;
                Err(err)
            }
        }
    }
}

fn expect_ok(completion: Completion, command: &'static str) -> Result<(), NetError> {
    match completion.kind {
        CompletionKind::Ok => Ok(()),
        CompletionKind::No => Err(NetError::CommandRefused {
            command,
            server_message: completion.message,
        }),
        CompletionKind::Bye => Err(NetError::ServerUnavailable {
            server_message: completion.message,
        }),
    }
}

/// `OK` / `NO` / `BYE` [`(CODE …)`] [message]
fn completion_of(items: &[Item]) -> Option<Completion> {
    let Some(Item::Atom(word)) = items.first() else {
        return None;
    };
    let kind = match word.to_ascii_uppercase().as_str() {
        "OK" => CompletionKind::Ok,
        "NO" => CompletionKind::No,
        "BYE" => CompletionKind::Bye,
        _ => return None,
    };
    let mut rest = &items[1..];
    let mut code = None;
    if let Some(Item::List(list)) = rest.first() {
        code = Some(
            list.iter()
                .filter_map(Item::text)
                .collect::<Vec<_>>()
                .join(" "),
        );
        rest = &rest[1..];
    }
    let message = rest
        .first()
        .and_then(Item::text)
        .map(|m| sanitize_server_text(&m))
        .unwrap_or_default();
    Some(Completion {
        kind,
        code,
        message,
    })
}

/// Appends a quoted string, or a literal when quoting is not possible.
fn push_string(out: &mut Vec<u8>, value: &[u8]) {
    let quotable =
        value.len() <= 1024 && !value.iter().any(|&b| b == b'\r' || b == b'\n' || b == 0);
    if !quotable {
        push_literal(out, value);
        return;
    }
    out.push(b'"');
    for &b in value {
        if b == b'"' || b == b'\\' {
            out.push(b'\\');
        }
        out.push(b);
    }
    out.push(b'"');
}

/// Appends a non-synchronizing literal (the only kind a client may send, RFC 5804 §4).
fn push_literal(out: &mut Vec<u8>, value: &[u8]) {
    out.extend_from_slice(format!("{{{}+}}\r\n", value.len()).as_bytes());
    out.extend_from_slice(value);
}

/// Reads one physical line (up to LF), at most [`MAX_LINE`] bytes.
async fn read_physical_line(
    stream: &mut BufReader<Transport>,
    out: &mut Vec<u8>,
    during: &'static str,
) -> Result<(), NetError> {
    let start = out.len();
    loop {
        let available = stream.fill_buf().await.map_err(|e| io_error(&e, during))?;
        if available.is_empty() {
            return Err(NetError::ConnectionDropped { during });
        }
        let (chunk, done) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (&available[..=i], true),
            None => (available, false),
        };
        out.extend_from_slice(chunk);
        let used = chunk.len();
        stream.consume(used);
        if out.len() - start > MAX_LINE {
            return Err(NetError::Protocol {
                detail: "ligne trop longue".to_string(),
            });
        }
        if done {
            return Ok(());
        }
    }
}

/// If `line` (with its CRLF) ends with a literal announcement `{n}` or `{n+}`, returns n.
fn trailing_literal(line: &[u8]) -> Result<Option<usize>, String> {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let Some(inner) = line.strip_suffix(b"}") else {
        return Ok(None);
    };
    let Some(open) = inner.iter().rposition(|&b| b == b'{') else {
        return Ok(None);
    };
    let digits = &inner[open + 1..];
    let digits = digits.strip_suffix(b"+").unwrap_or(digits);
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Ok(None);
    }
    let n: usize = std::str::from_utf8(digits)
        .ok()
        .and_then(|d| d.parse().ok())
        .ok_or_else(|| "taille de littéral invalide".to_string())?;
    if n > MAX_LITERAL {
        return Err(format!("littéral trop grand ({n} octets)"));
    }
    Ok(Some(n))
}

/// Reads a logical line: a physical line, plus for each trailing literal its n bytes and the
/// continuation line. Literal bytes are kept inline after their `{n}\r\n`, as on the wire, for
/// [`parse_line`].
async fn read_logical_line(
    stream: &mut BufReader<Transport>,
    during: &'static str,
) -> Result<Vec<u8>, NetError> {
    let mut line = Vec::new();
    let mut segment_start = 0;
    loop {
        read_physical_line(stream, &mut line, during).await?;
        match trailing_literal(&line[segment_start..]) {
            Err(detail) => return Err(NetError::Protocol { detail }),
            Ok(None) => return Ok(line),
            Ok(Some(n)) => {
                let start = line.len();
                line.resize(start + n, 0);
                stream
                    .read_exact(&mut line[start..])
                    .await
                    .map_err(|e| io_error(&e, during))?;
                segment_start = line.len();
            }
        }
    }
}

/// Tokenizes a logical line (see [`read_logical_line`]).
fn parse_line(line: &[u8]) -> Result<Vec<Item>, String> {
    let mut pos = 0;
    let items = parse_items(line, &mut pos, false)?;
    Ok(items)
}

fn parse_items(line: &[u8], pos: &mut usize, in_list: bool) -> Result<Vec<Item>, String> {
    let mut items = Vec::new();
    loop {
        while *pos < line.len() && line[*pos] == b' ' {
            *pos += 1;
        }
        let Some(&b) = line.get(*pos) else {
            return if in_list {
                Err("liste non fermée".to_string())
            } else {
                Ok(items)
            };
        };
        match b {
            b'\r' | b'\n' => {
                if in_list {
                    return Err("liste non fermée".to_string());
                }
                return Ok(items);
            }
            b'(' => {
                *pos += 1;
                items.push(Item::List(parse_items(line, pos, true)?));
            }
            b')' => {
                if !in_list {
                    return Err("parenthèse inattendue".to_string());
                }
                *pos += 1;
                return Ok(items);
            }
            b'"' => {
                *pos += 1;
                let mut value = Vec::new();
                loop {
                    let Some(&c) = line.get(*pos) else {
                        return Err("chaîne non fermée".to_string());
                    };
                    *pos += 1;
                    match c {
                        b'"' => break,
                        b'\\' => {
                            let Some(&escaped) = line.get(*pos) else {
                                return Err("chaîne non fermée".to_string());
                            };
                            value.push(escaped);
                            *pos += 1;
                        }
                        b'\r' | b'\n' => {
                            return Err("chaîne coupée par une fin de ligne".to_string());
                        }
                        _ => value.push(c),
                    }
                }
                items.push(Item::Str(value));
            }
            b'{' => {
                let close = line[*pos..]
                    .iter()
                    .position(|&c| c == b'}')
                    .map(|i| *pos + i)
                    .ok_or_else(|| "littéral mal formé".to_string())?;
                let spec = &line[*pos + 1..close];
                let spec = spec.strip_suffix(b"+").unwrap_or(spec);
                let n: usize = std::str::from_utf8(spec)
                    .ok()
                    .and_then(|s| s.parse().ok())
                    .ok_or_else(|| "taille de littéral invalide".to_string())?;
                let data_start = close + 1;
                let data_start = if line[data_start..].starts_with(b"\r\n") {
                    data_start + 2
                } else if line[data_start..].starts_with(b"\n") {
                    data_start + 1
                } else {
                    return Err("littéral sans fin de ligne".to_string());
                };
                let data_end = data_start
                    .checked_add(n)
                    .filter(|&end| end <= line.len())
                    .ok_or_else(|| "littéral tronqué".to_string())?;
                items.push(Item::Str(line[data_start..data_end].to_vec()));
                *pos = data_end;
            }
            _ => {
                let start = *pos;
                while *pos < line.len() && !b" ()\"{\r\n".contains(&line[*pos]) {
                    *pos += 1;
                }
                items.push(Item::Atom(
                    String::from_utf8_lossy(&line[start..*pos]).into_owned(),
                ));
            }
        }
    }
}

pub mod blocking {
    //! Synchronous facade over [`ManageSieve`], with its own current-thread
    //! runtime (same caveats as [`crate::net::imap::blocking`]). Read commands only.

    use super::{DEFAULT_PORT, ManageSieve, ScriptInfo, SieveCapabilities, SieveOptions};
    use crate::net::account::AccountUrl;
    use crate::net::error::NetError;

    /// Blocking ManageSieve session, already authenticated.
    #[derive(Debug)]
    pub struct Sieve {
        runtime: tokio::runtime::Runtime,
        session: ManageSieve,
    }

    impl Sieve {
        /// [`ManageSieve::connect_account`], blocking (`port` defaults to 4190).
        pub fn connect_account(
            account: &AccountUrl,
            port: Option<u16>,
            password: &str,
            options: &SieveOptions,
        ) -> Result<Sieve, NetError> {
            let runtime = crate::net::imap::blocking::runtime()?;
            let session = runtime.block_on(ManageSieve::connect_account(
                account,
                Some(port.unwrap_or(DEFAULT_PORT)),
                password,
                options,
            ))?;
            Ok(Sieve { runtime, session })
        }

        /// [`ManageSieve::capabilities`].
        pub fn capabilities(&self) -> &SieveCapabilities {
            self.session.capabilities()
        }

        /// [`ManageSieve::is_plaintext`].
        pub fn is_plaintext(&self) -> bool {
            self.session.is_plaintext()
        }

        /// [`ManageSieve::list_scripts`], blocking.
        pub fn list_scripts(&mut self) -> Result<Vec<ScriptInfo>, NetError> {
            self.runtime.block_on(self.session.list_scripts())
        }

        /// [`ManageSieve::get_script`], blocking.
        pub fn get_script(&mut self, name: &str) -> Result<String, NetError> {
            self.runtime.block_on(self.session.get_script(name))
        }

        /// [`ManageSieve::put_script`], blocking. For tests and fixtures only: Vigie itself
        /// never writes to a mailbox.
        pub fn put_script(&mut self, name: &str, content: &str) -> Result<(), NetError> {
            self.runtime
                .block_on(self.session.put_script(name, content))
        }

        /// [`ManageSieve::set_active`], blocking. For tests and fixtures only.
        pub fn set_active(&mut self, name: &str) -> Result<(), NetError> {
            self.runtime.block_on(self.session.set_active(name))
        }

        /// [`ManageSieve::logout`], blocking.
        pub fn logout(self) -> Result<(), NetError> {
            let Sieve { runtime, session } = self;
            runtime.block_on(session.logout())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capability_lines() {
        let items = parse_line(b"\"SASL\" \"PLAIN LOGIN\"\r\n").unwrap_or_default();
        assert_eq!(
            items,
            vec![
                Item::Str(b"SASL".to_vec()),
                Item::Str(b"PLAIN LOGIN".to_vec())
            ]
        );
        let items = parse_line(b"\"STARTTLS\"\r\n").unwrap_or_default();
        assert_eq!(items, vec![Item::Str(b"STARTTLS".to_vec())]);
    }

    #[test]
    fn completions_with_codes() {
        let items =
            parse_line(b"NO (NONEXISTENT) \"Script does not exist.\"\r\n").unwrap_or_default();
        let completion = completion_of(&items);
        assert!(completion.is_some());
        if let Some(c) = completion {
            assert_eq!(c.kind, CompletionKind::No);
            assert_eq!(c.code.as_deref(), Some("NONEXISTENT"));
            assert_eq!(c.message, "Script does not exist.");
        }
        let items = parse_line(b"OK (SASL \"xyz\") \"Logged in.\"\r\n").unwrap_or_default();
        assert!(completion_of(&items).is_some_and(|c| c.kind == CompletionKind::Ok));
        let items = parse_line(b"ok\r\n").unwrap_or_default();
        assert!(completion_of(&items).is_some_and(|c| c.message.is_empty()));
        let items = parse_line(b"\"OK\"\r\n").unwrap_or_default();
        assert!(
            completion_of(&items).is_none(),
            "a string is not a completion"
        );
    }

    #[test]
    fn literals_inline() {
        let line = b"{12}\r\nab\r\n\"cd\" {x}\r\n";
        assert_eq!(trailing_literal(b"{12}\r\n"), Ok(Some(12)));
        assert_eq!(trailing_literal(b"\"name\" {3+}\r\n"), Ok(Some(3)));
        assert_eq!(trailing_literal(b"OK \"{x}\"\r\n"), Ok(None));
        let items = parse_line(line).unwrap_or_default();
        assert_eq!(items, vec![Item::Str(b"ab\r\n\"cd\" {x}".to_vec())]);
        let items = parse_line(b"{3+}\r\nabc ACTIVE\r\n").unwrap_or_default();
        assert_eq!(
            items,
            vec![Item::Str(b"abc".to_vec()), Item::Atom("ACTIVE".into())]
        );
        assert!(parse_line(b"{10}\r\nabc\r\n").is_err());
        assert!(trailing_literal(b"{999999999999}\r\n").is_err());
    }

    #[test]
    fn quoted_escapes() {
        let items = parse_line(b"\"a \\\"b\\\" \\\\ c\" ACTIVE\r\n").unwrap_or_default();
        assert_eq!(
            items,
            vec![
                Item::Str(b"a \"b\" \\ c".to_vec()),
                Item::Atom("ACTIVE".into())
            ]
        );
        assert!(parse_line(b"\"open\r\n").is_err());
        assert!(parse_line(b"(a b\r\n").is_err());
    }

    #[test]
    fn strings_are_quoted_or_literal() {
        let mut out = Vec::new();
        push_string(&mut out, b"my \"script\"");
        assert_eq!(out, b"\"my \\\"script\\\"\"");
        let mut out = Vec::new();
        push_string(&mut out, b"two\r\nlines");
        assert_eq!(out, b"{10+}\r\ntwo\r\nlines");
    }
}
