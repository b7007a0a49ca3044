//! One error type for every network connector (IMAP, ManageSieve, TLS), classified so that the
//! CLI can tell the user, in plain French, what went wrong and what to try, and exit with a
//! status that scripts can rely on.
//!
//! # Exit statuses
//!
//! | Status | Class ([`NetErrorClass`]) | Variants |
//! |-------:|---------------------------|----------|
//! | 2 | invalid account address (usage) | [`crate::net::account::AccountUrlError`] |
//! | 3 | [`NetErrorClass::Connection`]: cannot reach the server | [`NetError::HostNotFound`], [`NetError::Unreachable`], [`NetError::Timeout`], [`NetError::ServerUnavailable`] |
//! | 4 | [`NetErrorClass::Authentication`]: credentials refused | [`NetError::AuthenticationFailed`] |
//! | 5 | [`NetErrorClass::Tls`]: TLS or certificate | [`NetError::CertificateInvalid`], [`NetError::Tls`], [`NetError::CaFile`], [`NetError::StartTlsUnavailable`], [`NetError::PlaintextLoginRefused`] |
//! | 6 | [`NetErrorClass::Protocol`]: connection dropped or unexpected answer | [`NetError::ConnectionDropped`], [`NetError::Protocol`], [`NetError::CommandRefused`] |
//! | 1 | internal | [`NetError::Internal`] |
//!
//! 2 matches clap's status for usage errors, so every "you typed something wrong" ends the same.
//!
//! The password never appears in any of these errors: no variant carries anything the client
//! sent, only what the server answered (truncated) and what the connector observed.

use std::fmt;
use std::path::PathBuf;

/// Why a certificate was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CertificateProblem {
    /// Not signed by an authority this machine (or `--ca-file`) trusts: self-signed, internal
    /// authority, or an interception proxy.
    UnknownIssuer,
    /// Past its expiry date.
    Expired,
    /// Not yet valid (or the computer's clock is wrong).
    NotYetValid,
    /// Issued for another name than the server Vigie connected to.
    NameMismatch,
    /// Revoked by its authority.
    Revoked,
    /// Anything else the verifier refused (bad signature, unsupported algorithm, malformed...).
    Other(String),
}

impl fmt::Display for CertificateProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CertificateProblem::UnknownIssuer => f.write_str(
                "il n'est pas signé par une autorité de certification reconnue \
                 (certificat auto-signé, autorité interne, ou boîtier qui intercepte le trafic)",
            ),
            CertificateProblem::Expired => f.write_str("il a expiré"),
            CertificateProblem::NotYetValid => f.write_str(
                "il n'est pas encore valide (ou l'horloge de cet ordinateur est fausse)",
            ),
            CertificateProblem::NameMismatch => {
                f.write_str("il a été émis pour un autre nom de serveur")
            }
            CertificateProblem::Revoked => f.write_str("il a été révoqué par son autorité"),
            CertificateProblem::Other(detail) => write!(f, "il est invalide ({detail})"),
        }
    }
}

/// Broad classes of [`NetError`], one exit status each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetErrorClass {
    /// The server could not be reached (DNS, refused, unreachable, timeout, unavailable).
    Connection,
    /// The server refused the identifier or the password.
    Authentication,
    /// TLS could not be established or the certificate is not trustworthy.
    Tls,
    /// The connection broke mid-operation or the server answered something unexpected.
    Protocol,
    /// A bug or a local resource problem.
    Internal,
}

/// A failure of a network connector. `Display` is the French message for the user.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NetError {
    /// The host name does not resolve.
    #[error(
        "Le nom de serveur « {host} » est introuvable. Vérifiez l'orthographe de l'adresse \
         (par exemple imap.votre-hebergeur.fr) et la connexion Internet de cet ordinateur."
    )]
    HostNotFound {
        /// The name that did not resolve.
        host: String,
    },

    /// No TCP connection could be opened.
    #[error(
        "Impossible de joindre le serveur {host} sur le port {port} ({reason}). Vérifiez \
         l'adresse et le port, la connexion Internet, et qu'un pare-feu ne bloque pas ce port."
    )]
    Unreachable {
        /// Server name.
        host: String,
        /// Port tried.
        port: u16,
        /// What the system said, in French when known.
        reason: String,
    },

    /// A network step took longer than the configured timeout.
    #[error(
        "Le serveur n'a pas répondu à temps ({step}, délai de {seconds} s). Le réseau ou le \
         serveur est peut-être lent : réessayez plus tard, ou augmentez le délai (--timeout)."
    )]
    Timeout {
        /// What was being done, in French.
        step: &'static str,
        /// The timeout, in seconds.
        seconds: u64,
    },

    /// The server says it is temporarily unable to serve (auth backend down, maintenance).
    #[error(
        "Le serveur est temporairement indisponible (réponse : « {server_message} »). \
         Réessayez dans quelques minutes ; si cela dure, contactez votre hébergeur."
    )]
    ServerUnavailable {
        /// The server's own words.
        server_message: String,
    },

    /// The server refused the identifier or the password.
    #[error(
        "Le serveur a refusé l'identifiant ou le mot de passe. Vérifiez-les, ou utilisez un mot \
         de passe d'application si la double authentification est activée.{}",
        server_suffix(server_message)
    )]
    AuthenticationFailed {
        /// The server's own words, if any.
        server_message: Option<String>,
    },

    /// The server's certificate was rejected.
    #[error(
        "Le certificat présenté par le serveur {host} n'est pas fiable : {problem}. La connexion \
         a été interrompue avant l'envoi du mot de passe. Si ce serveur est bien le vôtre, \
         demandez à votre hébergeur un certificat valide ; pour un serveur interne, fournissez \
         son certificat ou celui de son autorité avec --ca-file."
    )]
    CertificateInvalid {
        /// Server name the certificate was checked against.
        host: String,
        /// What is wrong with it.
        problem: CertificateProblem,
    },

    /// TLS failed for another reason than the certificate (versions, ciphers, garbage).
    #[error(
        "La connexion chiffrée (TLS) avec {host} a échoué : {detail}. Le serveur utilise \
         peut-être une version de TLS trop ancienne, ou ce port n'est pas un port chiffré \
         (essayez imap:// sur le port 143 au lieu de imaps:// sur le port 993)."
    )]
    Tls {
        /// Server name.
        host: String,
        /// The TLS library's diagnosis.
        detail: String,
    },

    /// The `--ca-file` could not be used.
    #[error(
        "Le fichier de certificats {path} est inutilisable : {detail}. Indiquez avec --ca-file \
         un fichier PEM (-----BEGIN CERTIFICATE-----)."
    )]
    CaFile {
        /// The file given.
        path: PathBuf,
        /// What is wrong.
        detail: String,
    },

    /// `imap://` (or ManageSieve) was used but the server does not offer STARTTLS.
    #[error(
        "Le serveur {host} ne propose pas le chiffrement (STARTTLS) : le mot de passe circulerait \
         en clair, Vigie s'est donc arrêté avant de l'envoyer. Utilisez imaps:// (port 993) si le \
         serveur le permet. En dernier recours, sur un réseau de confiance uniquement, \
         --insecure-plaintext autorise une connexion non chiffrée."
    )]
    StartTlsUnavailable {
        /// Server name.
        host: String,
    },

    /// Plaintext mode was requested but the server refuses to log in without encryption.
    #[error(
        "Le serveur refuse l'identification sans chiffrement, ce qui est une bonne pratique. \
         Retirez --insecure-plaintext et utilisez imaps:// ou imap:// (avec STARTTLS)."
    )]
    PlaintextLoginRefused,

    /// The connection was closed or reset while an operation was in progress.
    #[error(
        "La connexion avec le serveur a été coupée pendant l'opération ({during}). Les données \
         déjà analysées restent valables ; relancez Vigie pour reprendre. Si cela se répète, le \
         serveur limite peut-être la durée ou le volume des connexions."
    )]
    ConnectionDropped {
        /// What was being done, in French.
        during: &'static str,
    },

    /// The server answered something the connector does not understand.
    #[error(
        "Le serveur a répondu de façon inattendue ({detail}). Ce serveur n'est peut-être pas \
         un serveur IMAP ou ManageSieve, ou il ne respecte pas le protocole : vérifiez l'adresse \
         et le port."
    )]
    Protocol {
        /// What was unexpected (truncated server data, never client data).
        detail: String,
    },

    /// The server refused a command (e.g. a folder that does not exist).
    #[error(
        "Le serveur a refusé l'opération « {command} » : « {server_message} ». Vérifiez le nom \
         du dossier ou du filtre demandé."
    )]
    CommandRefused {
        /// The command, without arguments.
        command: &'static str,
        /// The server's own words.
        server_message: String,
    },

    /// A local failure unrelated to the server (e.g. cannot start the async runtime).
    #[error("Erreur interne de Vigie : {detail}. Merci de la signaler.")]
    Internal {
        /// What failed.
        detail: String,
    },
}

fn server_suffix(server_message: &Option<String>) -> String {
    match server_message {
        Some(message) if !message.is_empty() => format!(" (réponse du serveur : « {message} »)"),
        _ => String::new(),
    }
}

impl NetError {
    /// The class of this error (one exit status per class).
    pub fn class(&self) -> NetErrorClass {
        match self {
            NetError::HostNotFound { .. }
            | NetError::Unreachable { .. }
            | NetError::Timeout { .. }
            | NetError::ServerUnavailable { .. } => NetErrorClass::Connection,
            NetError::AuthenticationFailed { .. } => NetErrorClass::Authentication,
            NetError::CertificateInvalid { .. }
            | NetError::Tls { .. }
            | NetError::CaFile { .. }
            | NetError::StartTlsUnavailable { .. }
            | NetError::PlaintextLoginRefused => NetErrorClass::Tls,
            NetError::ConnectionDropped { .. }
            | NetError::Protocol { .. }
            | NetError::CommandRefused { .. } => NetErrorClass::Protocol,
            NetError::Internal { .. } => NetErrorClass::Internal,
        }
    }

    /// Process exit status for this error (see the table in the module documentation).
    pub fn exit_code(&self) -> i32 {
        self.class().exit_code()
    }
}

impl NetErrorClass {
    /// Process exit status for this class (see the table in the module documentation).
    pub fn exit_code(self) -> i32 {
        match self {
            NetErrorClass::Connection => 3,
            NetErrorClass::Authentication => 4,
            NetErrorClass::Tls => 5,
            NetErrorClass::Protocol => 6,
            NetErrorClass::Internal => 1,
        }
    }
}

/// Keeps server-provided text short and printable before it goes into a message: a hostile or
/// broken server must not be able to flood the terminal or inject control sequences.
pub(crate) fn sanitize_server_text(text: &str) -> String {
    const MAX: usize = 200;
    let mut out: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(MAX)
        .collect();
    if text.chars().count() > MAX {
        out.push('…');
    }
    out.trim().to_string()
}

/// Maps an I/O error seen in the middle of an exchange. Whatever its kind (reset, early end of
/// stream, TLS record error), the stream is no longer usable: the operation was cut short.
pub(crate) fn io_error(_err: &std::io::Error, during: &'static str) -> NetError {
    NetError::ConnectionDropped { during }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_are_distinct_per_class() {
        let samples = [
            NetError::HostNotFound { host: "x".into() },
            NetError::AuthenticationFailed {
                server_message: None,
            },
            NetError::CertificateInvalid {
                host: "x".into(),
                problem: CertificateProblem::Expired,
            },
            NetError::ConnectionDropped { during: "lecture" },
            NetError::Internal { detail: "x".into() },
        ];
        let codes: Vec<i32> = samples.iter().map(NetError::exit_code).collect();
        assert_eq!(codes, vec![3, 4, 5, 6, 1]);
        assert_eq!(
            NetError::Timeout {
                step: "connexion",
                seconds: 3
            }
            .exit_code(),
            3
        );
        assert_eq!(
            NetError::StartTlsUnavailable { host: "x".into() }.exit_code(),
            5
        );
        assert_eq!(NetError::Protocol { detail: "x".into() }.exit_code(), 6);
    }

    #[test]
    fn messages_are_french_and_say_what_to_try() {
        let auth = NetError::AuthenticationFailed {
            server_message: Some("Authentication failed.".into()),
        }
        .to_string();
        assert!(auth.starts_with("Le serveur a refusé l'identifiant ou le mot de passe."));
        assert!(auth.contains("mot de passe d'application"));
        assert!(auth.contains("Authentication failed."));
        let cert = NetError::CertificateInvalid {
            host: "imap.example.fr".into(),
            problem: CertificateProblem::UnknownIssuer,
        }
        .to_string();
        assert!(cert.contains("--ca-file"), "{cert}");
    }

    #[test]
    fn server_text_is_sanitized() {
        assert_eq!(sanitize_server_text("a\x1b[31mb\r\n"), "a [31mb");
        let long = "x".repeat(500);
        assert_eq!(sanitize_server_text(&long).chars().count(), 201);
    }
}
