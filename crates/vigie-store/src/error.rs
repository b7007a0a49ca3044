//! The one error type of the crate. Messages are French sentences a secrétaire de mairie can act
//! on; they never carry a secret (a database URL is shown with its password masked).

use std::io;

/// Everything that can go wrong in the store or the blob store.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The URL is neither `sqlite:` nor `postgres://`.
    #[error(
        "adresse de base de données non reconnue : {url} — utilisez sqlite:///chemin/vigie.db \
         ou postgres://utilisateur@serveur/base"
    )]
    InvalidUrl {
        /// The URL, password masked.
        url: String,
    },

    /// The database could not be opened or reached.
    #[error("base de données inaccessible : {url} ({detail}) — {hint}")]
    Unreachable {
        /// The URL, password masked.
        url: String,
        /// What the driver said, password masked.
        detail: String,
        /// What to check.
        hint: &'static str,
    },

    /// The schema could not be brought up to date.
    #[error(
        "mise à jour du schéma de la base impossible : {detail} — la base a peut-être été \
         créée par une version plus récente de Vigie, ou modifiée à la main"
    )]
    Migration {
        /// What the migrator said.
        detail: String,
    },

    /// No such row for this organisation (another organisation's rows are "not found" too).
    #[error("{what} introuvable : {key}")]
    NotFound {
        /// What was looked for (« incident », « organisation », « contact », « fichier de preuve »).
        what: &'static str,
        /// The id or reference asked for.
        key: String,
    },

    /// The row exists already (a step recorded twice, an organisation id reused...).
    #[error("{what} existe déjà : {key}")]
    AlreadyExists {
        /// What was inserted.
        what: &'static str,
        /// Its key.
        key: String,
    },

    /// A journal entry was computed against another head than the current one: someone else
    /// appended in between, or the caller used a stale head.
    #[error(
        "journal de l'incident {incident_id} : l'entrée ne suit pas la fin actuelle de la chaîne \
         (empreinte précédente attendue {expected}, reçue {given}) — relisez le journal puis \
         recommencez"
    )]
    ChainMismatch {
        /// The incident whose journal was appended to.
        incident_id: String,
        /// The current head hash.
        expected: String,
        /// The `prev_hash` of the rejected entry.
        given: String,
    },

    /// A value given to the store is not acceptable (bad organisation id, bad SHA-256...).
    #[error("{what} invalide : {detail}")]
    Invalid {
        /// What was given.
        what: &'static str,
        /// Why it is refused.
        detail: String,
    },

    /// A row read back cannot be decoded: the database was changed outside Vigie.
    #[error(
        "donnée illisible dans la base ({what}) : {detail} — la base a peut-être été modifiée \
         en dehors de Vigie"
    )]
    Corrupt {
        /// Which column or value.
        what: String,
        /// The decoding error.
        detail: String,
    },

    /// Any other database error.
    #[error("erreur de la base de données : {detail}")]
    Database {
        /// What the driver said, password masked.
        detail: String,
    },

    /// The S3-compatible object storage refused or failed (blobs on `s3://`).
    #[error(
        "stockage objet {location} : {context} a échoué ({detail}) — vérifiez l'adresse du \
         service (AWS_ENDPOINT_URL), le compartiment, les clés d'accès et le réseau"
    )]
    ObjectStorage {
        /// The bucket and prefix (`s3://seau/préfixe`), never a key.
        location: String,
        /// What was being done.
        context: String,
        /// What the storage said.
        detail: String,
    },

    /// A file-system error of the blob store.
    #[error("{context} : {source}")]
    Io {
        /// What was being done, with the path.
        context: String,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
}

impl Error {
    /// True for [`Error::NotFound`].
    pub fn is_not_found(&self) -> bool {
        matches!(self, Error::NotFound { .. })
    }

    pub(crate) fn not_found(what: &'static str, key: impl Into<String>) -> Error {
        Error::NotFound {
            what,
            key: key.into(),
        }
    }

    pub(crate) fn invalid(what: &'static str, detail: impl Into<String>) -> Error {
        Error::Invalid {
            what,
            detail: detail.into(),
        }
    }

    pub(crate) fn io(context: impl Into<String>, source: io::Error) -> Error {
        Error::Io {
            context: context.into(),
            source,
        }
    }

    pub(crate) fn corrupt(what: impl Into<String>, detail: impl ToString) -> Error {
        Error::Corrupt {
            what: what.into(),
            detail: detail.to_string(),
        }
    }
}

/// Masks the password of a database URL: `postgres://user:secret@host/db` becomes
/// `postgres://user:***@host/db`, and a `password=` query parameter is masked too.
pub(crate) fn redact_url(url: &str) -> String {
    let mut out = url.to_string();
    if let Some(scheme_end) = out.find("://") {
        let authority_start = scheme_end + 3;
        let rest = out.get(authority_start..).unwrap_or_default();
        let authority_len = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let authority = rest.get(..authority_len).unwrap_or_default();
        // The last '@' ends the user info (a password may itself contain '@' when not encoded).
        if let Some(at) = authority.rfind('@') {
            let userinfo = authority.get(..at).unwrap_or_default();
            if let Some(colon) = userinfo.find(':') {
                let start = authority_start + colon + 1;
                let end = authority_start + at;
                out.replace_range(start..end, "***");
            }
        }
    }
    if let Some(query_start) = out.find('?') {
        let (head, query) = out.split_at(query_start + 1);
        let masked: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=***"),
                _ => pair.to_string(),
            })
            .collect();
        out = format!("{head}{}", masked.join("&"));
    }
    out
}

/// The password of a URL, to scrub it from driver messages that might echo it.
pub(crate) fn url_password(url: &str) -> Option<String> {
    let from_userinfo = || {
        let rest = url.get(url.find("://")? + 3..)?;
        let authority = rest.get(..rest.find(['/', '?', '#']).unwrap_or(rest.len()))?;
        let userinfo = authority.get(..authority.rfind('@')?)?;
        let (_, password) = userinfo.split_once(':')?;
        Some(password.to_string())
    };
    let from_query = || {
        url.split_once('?')?
            .1
            .split('&')
            .find_map(|pair| pair.strip_prefix("password="))
            .map(str::to_string)
    };
    from_userinfo()
        .filter(|p| !p.is_empty())
        .or_else(from_query)
}

/// A driver message with every occurrence of `secret` masked.
pub(crate) fn scrub(message: String, secret: Option<&str>) -> String {
    match secret {
        Some(secret) if secret.len() >= 3 => message.replace(secret, "***"),
        _ => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_masked_in_urls() {
        assert_eq!(
            redact_url("postgres://vigie:s3cr@t@db.example:5432/vigie"),
            "postgres://vigie:***@db.example:5432/vigie"
        );
        assert_eq!(
            redact_url("postgres://db/vigie?user=v&password=hunter2&sslmode=disable"),
            "postgres://db/vigie?user=v&password=***&sslmode=disable"
        );
        assert_eq!(
            redact_url("postgres://vigie@db/vigie"),
            "postgres://vigie@db/vigie"
        );
        assert_eq!(
            redact_url("sqlite:///var/lib/vigie/vigie.db?mode=rwc"),
            "sqlite:///var/lib/vigie/vigie.db?mode=rwc"
        );
        assert_eq!(
            url_password("postgres://vigie:hunter2@db/vigie").as_deref(),
            Some("hunter2")
        );
        assert_eq!(url_password("sqlite:///x.db"), None);
    }

    #[test]
    fn messages_are_french() {
        let e = Error::not_found("incident", "INC-2026-0007");
        assert_eq!(e.to_string(), "incident introuvable : INC-2026-0007");
        assert!(e.is_not_found());
    }
}
