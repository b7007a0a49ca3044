//! The mailbox account the user points Vigie at, given as a URL:
//!
//! * `imaps://user@host[:port]`: implicit TLS, port 993 by default;
//! * `imap://user@host[:port]`: plain IMAP upgraded with STARTTLS (mandatory), port 143 by default.
//!
//! The user part is percent-decoded (`secretariat%40mairie-exemple.fr`), and since most hosting
//! providers use the e-mail address as identifier, a literal `@` is accepted too: the URL is split
//! on its *last* `@` (`imaps://secretariat@mairie-exemple.fr@imap.example.fr`).
//!
//! Passwords never go in the URL (they would end up in the shell history and the process list):
//! the parser rejects them and points to `--password-env` / `--password-file`.
//!
//! The parser is hand-written rather than `url::Url` because the error messages must say, in
//! French, which part is wrong, and because of the several-`@` convenience above.

use std::fmt;
use std::str::FromStr;

/// How the connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Security {
    /// `imaps://`: TLS from the first byte.
    ImplicitTls,
    /// `imap://`: plaintext connection upgraded with STARTTLS before anything else is sent.
    StartTls,
}

impl Security {
    /// Default port for this security mode.
    pub fn default_port(self) -> u16 {
        match self {
            Security::ImplicitTls => 993,
            Security::StartTls => 143,
        }
    }

    /// URL scheme for this security mode.
    pub fn scheme(self) -> &'static str {
        match self {
            Security::ImplicitTls => "imaps",
            Security::StartTls => "imap",
        }
    }
}

/// A parsed `imap://` / `imaps://` account URL.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AccountUrl {
    security: Security,
    user: String,
    host: String,
    port: u16,
}

/// Why an account URL was rejected. `Display` is the French message for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AccountUrlError {
    /// Not `imap://` nor `imaps://`.
    #[error(
        "Adresse de compte non reconnue « {0} » : elle doit commencer par imaps:// (chiffrement \
         direct, port 993) ou imap:// (STARTTLS, port 143), par exemple \
         imaps://secretariat%40mairie-exemple.fr@imap.example.fr"
    )]
    UnsupportedScheme(String),
    /// A password was written in the URL.
    #[error(
        "Ne mettez pas le mot de passe dans l'adresse du compte (il resterait visible dans \
         l'historique et la liste des processus). Retirez « :… » après l'identifiant et \
         utilisez --password-env ou --password-file."
    )]
    PasswordInUrl,
    /// No `user@` part.
    #[error(
        "Identifiant manquant dans l'adresse du compte : écrivez-le avant le serveur, par \
         exemple imaps://secretariat%40mairie-exemple.fr@imap.example.fr"
    )]
    MissingUser,
    /// Nothing after the `@`.
    #[error(
        "Nom de serveur manquant dans l'adresse du compte : écrivez-le après l'identifiant, par \
         exemple imaps://secretariat%40mairie-exemple.fr@imap.example.fr"
    )]
    MissingHost,
    /// The host part has characters a server name cannot have.
    #[error("Nom de serveur invalide dans l'adresse du compte : « {0} »")]
    InvalidHost(String),
    /// The port is not a number between 1 and 65535.
    #[error(
        "Port invalide dans l'adresse du compte : « {0} » (attendu : un nombre entre 1 et 65535)"
    )]
    InvalidPort(String),
    /// A `%xx` sequence is malformed or does not decode to UTF-8.
    #[error(
        "Identifiant mal encodé dans l'adresse du compte (séquence « % » invalide) : écrivez \
         %40 pour @, %25 pour %, ou l'identifiant tel quel"
    )]
    InvalidPercentEncoding,
    /// A path, query or fragment follows the server.
    #[error(
        "L'adresse du compte ne doit rien contenir après le serveur et le port (pas de « / », \
         « ? » ni « # ») : « {0} »"
    )]
    UnexpectedPath(String),
}

impl AccountUrlError {
    /// Exit status for an unusable account address: 2, the usage-error status (see
    /// [`crate::net::error`] for the whole table).
    pub fn exit_code(&self) -> i32 {
        2
    }
}

impl AccountUrl {
    /// Parses an account URL (see the module documentation).
    pub fn parse(input: &str) -> Result<AccountUrl, AccountUrlError> {
        let input = input.trim();
        let (scheme, rest) = input
            .split_once("://")
            .ok_or_else(|| AccountUrlError::UnsupportedScheme(shorten(input)))?;
        let security = if scheme.eq_ignore_ascii_case("imaps") {
            Security::ImplicitTls
        } else if scheme.eq_ignore_ascii_case("imap") {
            Security::StartTls
        } else {
            return Err(AccountUrlError::UnsupportedScheme(shorten(input)));
        };

        // The authority ends at the first '/', '?' or '#' after the last '@' (a user name may
        // legitimately contain '/' or '?' when percent-encoding was forgotten, the host never).
        let at = rest.rfind('@');
        let host_start = at.map_or(0, |i| i + 1);
        let host_part_len = rest[host_start..]
            .find(['/', '?', '#'])
            .unwrap_or(rest.len() - host_start);
        let authority_end = host_start + host_part_len;
        let tail = &rest[authority_end..];
        if !tail.is_empty() && tail != "/" {
            return Err(AccountUrlError::UnexpectedPath(shorten(tail)));
        }

        let Some(at) = at else {
            return Err(AccountUrlError::MissingUser);
        };
        let userinfo = &rest[..at];
        let hostport = &rest[host_start..authority_end];

        // An unencoded ':' in the userinfo separates a password (RFC 3986 §3.2.1).
        if userinfo.contains(':') {
            return Err(AccountUrlError::PasswordInUrl);
        }
        let user = percent_decode(userinfo)?;
        if user.is_empty() {
            return Err(AccountUrlError::MissingUser);
        }
        let (host, port) = split_host_port(hostport)?;
        let port = match port {
            Some(p) => p,
            None => security.default_port(),
        };
        Ok(AccountUrl {
            security,
            user,
            host,
            port,
        })
    }

    /// Builds an account directly (the CLI may take host and user as separate options).
    pub fn new(
        security: Security,
        user: &str,
        host: &str,
        port: Option<u16>,
    ) -> Result<AccountUrl, AccountUrlError> {
        if user.is_empty() {
            return Err(AccountUrlError::MissingUser);
        }
        let (host, _) = split_host_port(host)?;
        Ok(AccountUrl {
            security,
            user: user.to_string(),
            host,
            port: port.unwrap_or(security.default_port()),
        })
    }

    /// Implicit TLS or STARTTLS.
    pub fn security(&self) -> Security {
        self.security
    }

    /// The login identifier, decoded.
    pub fn user(&self) -> &str {
        &self.user
    }

    /// Server name or IP address (without brackets for IPv6).
    pub fn host(&self) -> &str {
        &self.host
    }

    /// Port (explicit or the scheme's default).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Best guess of the mailbox's e-mail address: the user when it already looks like an
    /// address, otherwise `user@` the host's domain (the host without its first label when it
    /// has three or more, so `imap.mairie-exemple.fr` gives `mairie-exemple.fr`). Only a guess,
    /// used to recognise the owner's own address in messages and filters.
    pub fn email_address(&self) -> String {
        if self.user.contains('@') {
            return self.user.clone();
        }
        let is_ip = self.host.parse::<std::net::IpAddr>().is_ok();
        let labels: Vec<&str> = self.host.split('.').collect();
        let domain = if !is_ip && labels.len() >= 3 {
            labels[1..].join(".")
        } else {
            self.host.clone()
        };
        format!("{}@{}", self.user, domain)
    }
}

impl FromStr for AccountUrl {
    type Err = AccountUrlError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AccountUrl::parse(s)
    }
}

impl fmt::Display for AccountUrl {
    /// The canonical URL (user percent-encoded, port always written): safe to print, there is
    /// never a password in it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        write!(
            f,
            "{}://{}@{}:{}",
            self.security.scheme(),
            percent_encode_user(&self.user),
            host,
            self.port
        )
    }
}

fn shorten(s: &str) -> String {
    // Error messages quote the input; keep them readable, and never echo a huge paste.
    const MAX: usize = 80;
    if s.chars().count() > MAX {
        let mut out: String = s.chars().take(MAX).collect();
        out.push('…');
        out
    } else {
        s.to_string()
    }
}

fn split_host_port(hostport: &str) -> Result<(String, Option<u16>), AccountUrlError> {
    if hostport.is_empty() {
        return Err(AccountUrlError::MissingHost);
    }
    let (host, port) = if let Some(rest) = hostport.strip_prefix('[') {
        // IPv6 literal: [::1] or [::1]:993
        let close = rest
            .find(']')
            .ok_or_else(|| AccountUrlError::InvalidHost(shorten(hostport)))?;
        let host = &rest[..close];
        if host.parse::<std::net::Ipv6Addr>().is_err() {
            return Err(AccountUrlError::InvalidHost(shorten(hostport)));
        }
        let after = &rest[close + 1..];
        let port = match after.strip_prefix(':') {
            Some(p) => Some(p),
            None if after.is_empty() => None,
            None => return Err(AccountUrlError::InvalidHost(shorten(hostport))),
        };
        (host.to_string(), port)
    } else {
        match hostport.rsplit_once(':') {
            Some((h, p)) => (h.to_string(), Some(p)),
            None => (hostport.to_string(), None),
        }
    };
    if host.is_empty() {
        return Err(AccountUrlError::MissingHost);
    }
    let valid_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | ':');
    if !host.chars().all(valid_char) || host.starts_with(['.', '-']) || host.contains("..") {
        return Err(AccountUrlError::InvalidHost(shorten(&host)));
    }
    let port = match port {
        None => None,
        Some(p) => match p.parse::<u16>() {
            Ok(n) if n != 0 && p.bytes().all(|b| b.is_ascii_digit()) => Some(n),
            _ => return Err(AccountUrlError::InvalidPort(shorten(p))),
        },
    };
    // DNS names are case-insensitive; lowercase so that TLS name checks and reports agree.
    Ok((host.to_ascii_lowercase(), port))
}

fn percent_decode(s: &str) -> Result<String, AccountUrlError> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .ok_or(AccountUrlError::InvalidPercentEncoding)?;
            let hex =
                std::str::from_utf8(hex).map_err(|_| AccountUrlError::InvalidPercentEncoding)?;
            let value =
                u8::from_str_radix(hex, 16).map_err(|_| AccountUrlError::InvalidPercentEncoding)?;
            out.push(value);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| AccountUrlError::InvalidPercentEncoding)
}

fn percent_encode_user(user: &str) -> String {
    let mut out = String::with_capacity(user.len());
    for b in user.bytes() {
        let unreserved = b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~');
        if unreserved {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parse(s: &str) -> AccountUrl {
        match AccountUrl::parse(s) {
            Ok(a) => a,
            Err(e) => panic!("{s}: {e}"),
        }
    }

    #[test]
    fn imaps_with_encoded_user() {
        let a = parse("imaps://secretariat%40mairie-exemple.fr@imap.example.fr");
        assert_eq!(a.security(), Security::ImplicitTls);
        assert_eq!(a.user(), "secretariat@mairie-exemple.fr");
        assert_eq!(a.host(), "imap.example.fr");
        assert_eq!(a.port(), 993);
        assert_eq!(a.email_address(), "secretariat@mairie-exemple.fr");
    }

    #[test]
    fn literal_at_splits_on_last() {
        let a = parse("imaps://secretariat@mairie-exemple.fr@imap.example.fr:1993");
        assert_eq!(a.user(), "secretariat@mairie-exemple.fr");
        assert_eq!(a.host(), "imap.example.fr");
        assert_eq!(a.port(), 1993);
    }

    #[test]
    fn imap_defaults_to_starttls_143() {
        let a = parse("IMAP://mairie@Mail.Mairie-Exemple.FR/");
        assert_eq!(a.security(), Security::StartTls);
        assert_eq!(a.port(), 143);
        assert_eq!(a.host(), "mail.mairie-exemple.fr");
        assert_eq!(a.email_address(), "mairie@mairie-exemple.fr");
    }

    #[test]
    fn email_guess_keeps_short_hosts_and_ips() {
        assert_eq!(parse("imap://u@example.fr").email_address(), "u@example.fr");
        assert_eq!(
            parse("imap://u@127.0.0.1:1143").email_address(),
            "u@127.0.0.1"
        );
    }

    #[test]
    fn ipv6_literal() {
        let a = parse("imaps://u@[::1]:10993");
        assert_eq!(a.host(), "::1");
        assert_eq!(a.port(), 10993);
        assert_eq!(a.to_string(), "imaps://u@[::1]:10993");
    }

    #[test]
    fn rejections() {
        let err = |s: &str| AccountUrl::parse(s).err();
        assert!(matches!(
            err("pop3://u@h"),
            Some(AccountUrlError::UnsupportedScheme(_))
        ));
        assert!(matches!(
            err("https://u@h"),
            Some(AccountUrlError::UnsupportedScheme(_))
        ));
        assert!(matches!(
            err("u@h"),
            Some(AccountUrlError::UnsupportedScheme(_))
        ));
        assert_eq!(
            err("imaps://u:secret@h"),
            Some(AccountUrlError::PasswordInUrl)
        );
        assert_eq!(err("imaps://u@"), Some(AccountUrlError::MissingHost));
        assert_eq!(err("imaps://u@:993"), Some(AccountUrlError::MissingHost));
        assert_eq!(
            err("imaps://imap.example.fr"),
            Some(AccountUrlError::MissingUser)
        );
        assert_eq!(
            err("imaps://@imap.example.fr"),
            Some(AccountUrlError::MissingUser)
        );
        assert!(matches!(
            err("imaps://u@h:0"),
            Some(AccountUrlError::InvalidPort(_))
        ));
        assert!(matches!(
            err("imaps://u@h:99999"),
            Some(AccountUrlError::InvalidPort(_))
        ));
        assert!(matches!(
            err("imaps://u@h:+1"),
            Some(AccountUrlError::InvalidPort(_))
        ));
        assert!(matches!(
            err("imaps://u@h/INBOX"),
            Some(AccountUrlError::UnexpectedPath(_))
        ));
        assert!(matches!(
            err("imaps://u@h?x"),
            Some(AccountUrlError::UnexpectedPath(_))
        ));
        assert!(matches!(
            err("imaps://u@h_ h"),
            Some(AccountUrlError::InvalidHost(_))
        ));
        assert_eq!(
            err("imaps://u%4@h"),
            Some(AccountUrlError::InvalidPercentEncoding)
        );
        assert_eq!(
            err("imaps://u%ff@h"),
            Some(AccountUrlError::InvalidPercentEncoding)
        );
    }

    #[test]
    fn password_error_points_to_safe_options() {
        let msg = AccountUrlError::PasswordInUrl.to_string();
        assert!(msg.contains("--password-env") && msg.contains("--password-file"));
        assert_eq!(AccountUrlError::PasswordInUrl.exit_code(), 2);
    }

    #[test]
    fn encoded_colon_in_user_is_not_a_password() {
        let a = parse("imaps://dom%3Auser@h");
        assert_eq!(a.user(), "dom:user");
    }

    proptest! {
        #[test]
        fn display_then_parse_round_trips(
            user in "[^\u{0}]{1,40}",
            host in "[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?(\\.[a-z0-9]{1,8}){0,3}",
            port in 1u16..,
            tls in any::<bool>(),
        ) {
            let security = if tls { Security::ImplicitTls } else { Security::StartTls };
            let a = AccountUrl::new(security, &user, &host, Some(port));
            prop_assert!(a.is_ok());
            if let Ok(a) = a {
                let parsed = AccountUrl::parse(&a.to_string());
                prop_assert_eq!(parsed, Ok(a));
            }
        }

        #[test]
        fn literal_at_user_splits_on_last(
            local in "[a-z0-9._-]{1,20}",
            domain in "[a-z0-9-]{1,20}\\.fr",
            host in "imap\\.[a-z0-9-]{1,20}\\.fr",
        ) {
            let url = format!("imaps://{local}@{domain}@{host}");
            let a = AccountUrl::parse(&url);
            prop_assert!(a.is_ok());
            if let Ok(a) = a {
                prop_assert_eq!(a.user(), format!("{local}@{domain}"));
                prop_assert_eq!(a.host(), host.as_str());
            }
        }

        #[test]
        fn never_panics(input in ".{0,80}") {
            let _ = AccountUrl::parse(&input);
        }

        #[test]
        fn any_password_is_rejected(
            user in "[a-z0-9.]{1,20}",
            password in "[^@/?#]{0,20}",
            host in "[a-z]{1,10}\\.fr",
        ) {
            let url = format!("imap://{user}:{password}@{host}");
            prop_assert_eq!(AccountUrl::parse(&url), Err(AccountUrlError::PasswordInUrl));
        }
    }
}
