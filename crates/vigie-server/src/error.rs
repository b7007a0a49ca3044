//! The crate's one error type, [`Error`]: startup and configuration failures (a French sentence
//! for the terminal) and request failures (a status and a French sentence for the page or the
//! API). A request error never carries a secret or an internal detail: database and I/O
//! errors are logged on the server's standard error and the user sees a generic sentence.

use std::path::Path;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::i18n::Lang;

/// Everything that can go wrong in the server.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A configuration value is wrong (file, environment, command line).
    #[error("configuration : {detail}")]
    Config {
        /// What is wrong and what to do.
        detail: String,
    },

    /// A file could not be read or written.
    #[error("{path} : {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },

    /// The address to listen on could not be taken.
    #[error(
        "impossible d'écouter sur {addr} : {source} — l'adresse est peut-être déjà utilisée par \
         un autre programme ; choisissez-en une autre avec --listen 127.0.0.1:8081"
    )]
    Listen {
        /// The address.
        addr: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },

    /// A sealed secret could not be opened: altered, or sealed with another server key.
    #[error(
        "un secret chiffré n'a pas pu être déchiffré : la clé du serveur a changé ou la base a \
         été modifiée"
    )]
    Unseal,

    /// The store failed.
    #[error(transparent)]
    Store(#[from] vigie_store::Error),

    /// The incident engine failed.
    #[error(transparent)]
    Incident(#[from] vigie_incident::Error),

    /// The request is not acceptable; the message says why, in French.
    #[error("{0}")]
    BadRequest(String),

    /// The request is not acceptable, with a sentence that carries values: kept in both
    /// languages (built by [`Error::bad_request`]), the API and French pages showing `fr`.
    #[error("{fr}")]
    Invalid {
        /// French sentence.
        fr: String,
        /// English sentence.
        en: String,
    },

    /// No valid session (API: 401; pages: redirect to sign-in).
    #[error("connexion requise")]
    Unauthenticated,

    /// Signed in, but this is not allowed for this user's role.
    #[error("{0}")]
    Forbidden(String),

    /// The request lacks a valid anti-forgery token, or comes from another site.
    #[error(
        "la demande a été refusée car elle ne vient pas d'une page de Vigie (jeton de sécurité \
         absent ou périmé) — rechargez la page puis recommencez"
    )]
    Csrf,

    /// Nothing here (or it belongs to another organisation: same answer).
    #[error("page ou élément introuvable")]
    NotFound,

    /// Too many failed attempts.
    #[error(
        "trop de tentatives de connexion : par sécurité, patientez {seconds} seconde(s) avant \
         de réessayer"
    )]
    Throttled {
        /// How long to wait.
        seconds: i64,
    },

    /// A request body exceeded its limit.
    #[error("le fichier envoyé dépasse la taille autorisée ({limit_mib} Mio)")]
    TooLarge {
        /// The limit.
        limit_mib: u64,
    },
}

impl Error {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Error {
        Error::Io {
            path: path.display().to_string(),
            source,
        }
    }

    /// A refused request whose sentence carries values: `fr` is the French key of the
    /// catalogue, `args` its values, and both languages are kept.
    pub fn bad_request(fr: &'static str, args: &[(&str, &dyn std::fmt::Display)]) -> Error {
        Error::Invalid {
            fr: Lang::Fr.tf(fr, args),
            en: Lang::En.tf(fr, args),
        }
    }

    /// The HTTP status of a request error.
    pub fn status(&self) -> StatusCode {
        match self {
            Error::BadRequest(_) | Error::Invalid { .. } => StatusCode::BAD_REQUEST,
            Error::Unauthenticated => StatusCode::UNAUTHORIZED,
            Error::Forbidden(_) | Error::Csrf => StatusCode::FORBIDDEN,
            Error::NotFound => StatusCode::NOT_FOUND,
            Error::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
            Error::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Error::Store(e) if e.is_not_found() => StatusCode::NOT_FOUND,
            Error::Store(vigie_store::Error::Invalid { .. })
            | Error::Store(vigie_store::Error::AlreadyExists { .. }) => StatusCode::BAD_REQUEST,
            Error::Incident(e) if e.is_user_error() => StatusCode::BAD_REQUEST,
            Error::Incident(e) if e.is_not_found() => StatusCode::NOT_FOUND,
            Error::Incident(e) if e.is_integrity_problem() => StatusCode::CONFLICT,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The sentence shown to the user: the error itself for what the user can act on, a
    /// generic one for internal failures (whose detail goes to the server's log only).
    pub fn public_message(&self) -> String {
        self.public_message_in(Lang::Fr).0
    }

    /// [`Error::public_message`] in `lang`, and whether it is in that language: a message
    /// written by a library (store, incident engine) or built with a value stays French.
    pub fn public_message_in(&self, lang: Lang) -> (String, bool) {
        let fixed = |text: &str| (text.to_owned(), true);
        if self.status() == StatusCode::INTERNAL_SERVER_ERROR {
            return fixed(lang.t(
                "une erreur interne est survenue ; l'opération n'a pas été enregistrée. \
                 Réessayez dans un instant, et si le problème continue, prévenez votre \
                 prestataire informatique.",
            ));
        }
        match self {
            Error::Csrf => fixed(lang.t(
                "la demande a été refusée car elle ne vient pas d'une page de Vigie (jeton de \
                 sécurité absent ou périmé) — rechargez la page puis recommencez",
            )),
            Error::NotFound => fixed(lang.t("page ou élément introuvable")),
            Error::Unauthenticated => fixed(lang.t("connexion requise")),
            Error::Throttled { seconds } => (
                lang.tn(
                    u64::try_from(*seconds).unwrap_or(0),
                    "trop de tentatives de connexion : par sécurité, patientez {n} seconde \
                     avant de réessayer",
                    "trop de tentatives de connexion : par sécurité, patientez {n} secondes \
                     avant de réessayer",
                ),
                true,
            ),
            Error::TooLarge { limit_mib } => (
                lang.tf(
                    "le fichier envoyé dépasse la taille autorisée ({limit} Mio)",
                    &[("limit", limit_mib)],
                ),
                true,
            ),
            Error::Invalid { fr, en } => match lang {
                Lang::Fr => (fr.clone(), true),
                Lang::En => (en.clone(), true),
            },
            // Handlers mark their fixed sentences with `n_`: translated when the catalogue
            // has them, French otherwise.
            Error::BadRequest(message) | Error::Forbidden(message) => match lang.lookup(message) {
                Some(english) => (english.to_owned(), true),
                None => (message.clone(), lang == Lang::Fr),
            },
            other => (other.to_string(), lang == Lang::Fr),
        }
    }

    /// Stable code for the API.
    pub fn code(&self) -> &'static str {
        match self.status() {
            StatusCode::BAD_REQUEST => "requete_invalide",
            StatusCode::UNAUTHORIZED => "connexion_requise",
            StatusCode::FORBIDDEN if matches!(self, Error::Csrf) => "jeton_csrf",
            StatusCode::FORBIDDEN => "interdit",
            StatusCode::NOT_FOUND => "introuvable",
            StatusCode::TOO_MANY_REQUESTS => "trop_de_tentatives",
            StatusCode::PAYLOAD_TOO_LARGE => "trop_volumineux",
            StatusCode::CONFLICT => "integrite_compromise",
            _ => "erreur_interne",
        }
    }
}

/// What an error response carries until [`crate::security::render_errors`] turns it into an
/// HTML page or a JSON body, depending on the route.
#[derive(Debug, Clone)]
pub struct ErrorBody {
    /// The HTTP status.
    pub status: StatusCode,
    /// Stable code.
    pub code: &'static str,
    /// French sentence (the API's).
    pub message: String,
    /// The English sentence for the error page, when there is one.
    pub message_en: Option<String>,
    /// Seconds to wait (throttling).
    pub retry_after: Option<i64>,
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status = self.status();
        if status == StatusCode::INTERNAL_SERVER_ERROR {
            eprintln!("vigie serve : erreur interne : {self}");
        }
        let body = ErrorBody {
            status,
            code: self.code(),
            message: self.public_message(),
            message_en: match self.public_message_in(Lang::En) {
                (english, true) => Some(english),
                _ => None,
            },
            retry_after: match self {
                Error::Throttled { seconds } => Some(seconds),
                _ => None,
            },
        };
        let mut response = status.into_response();
        response.extensions_mut().insert(body);
        response
    }
}

/// Result of the handlers.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    /// The French sentence of the page is the error's own (`Display`), so the two cannot drift
    /// apart; and each fixed sentence has its English text.
    #[test]
    fn page_messages_match_the_errors_and_are_translated() {
        for error in [Error::Csrf, Error::NotFound, Error::Unauthenticated] {
            assert_eq!(error.public_message(), error.to_string());
            let (english, translated) = error.public_message_in(Lang::En);
            assert!(translated);
            assert_ne!(english, error.to_string());
        }
        let large = Error::TooLarge { limit_mib: 50 };
        assert_eq!(large.public_message(), large.to_string());
        assert!(large.public_message_in(Lang::En).0.contains("50"));
        let one = Error::Throttled { seconds: 1 };
        assert!(one.public_message().contains("patientez 1 seconde avant"));
        assert!(one.public_message_in(Lang::En).0.contains("1 second "));
        let many = Error::Throttled { seconds: 30 };
        assert!(many.public_message_in(Lang::En).0.contains("30 seconds"));
        let internal = Error::Config {
            detail: "secret".into(),
        };
        assert!(!internal.public_message_in(Lang::En).0.contains("secret"));
        // A library's sentence is not translated: the page marks it French.
        let library = Error::BadRequest("phrase écrite ailleurs".into());
        assert_eq!(
            library.public_message_in(Lang::En),
            ("phrase écrite ailleurs".to_owned(), false)
        );
    }
}
