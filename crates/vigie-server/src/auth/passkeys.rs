//! WebAuthn passkeys (webauthn-rs): a second factor besides the TOTP application, added from
//! « Mon compte » and offered on the sign-in code page.
//!
//! The ceremony state (the challenge webauthn-rs must check the answer against) is not kept in
//! the database: it is sealed with the server key, bound to the session and to the ceremony
//! (`webauthn-enregistrement:<session>` or `webauthn-connexion:<session>`), stamped with an expiry,
//! and handed to the page, which returns it with the authenticator's answer. Any instance of
//! the server can then finish the ceremony, and a state from another session or another
//! ceremony does not open.
//!
//! The relying party is the address users type: `public_url` when configured, otherwise the
//! address the browser used (its `Host`). WebAuthn refuses IP addresses as relying party:
//! `http://127.0.0.1:8080` gets a French explanation (use `http://localhost:8080`).

use axum::http::HeaderMap;
use axum::http::header::HOST;
use chrono::{DateTime, Duration, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use webauthn_rs::prelude::{Url, Webauthn, WebauthnBuilder};

use crate::error::Error;
use crate::i18n::n_;
use crate::state::AppState;

/// How long a ceremony may take (the user finds the key, touches it, types a PIN).
const CEREMONY_MINUTES: i64 = 5;

/// The two ceremonies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ceremony {
    /// Adding a passkey to a signed-in account.
    Registration,
    /// Signing in with a passkey as the second factor.
    Authentication,
}

impl Ceremony {
    fn purpose(self, session_hash: &str) -> String {
        match self {
            Ceremony::Registration => format!("webauthn-enregistrement:{session_hash}"),
            Ceremony::Authentication => format!("webauthn-connexion:{session_hash}"),
        }
    }
}

#[derive(Serialize, Deserialize)]
struct Sealed<T> {
    state: T,
    expires_at: DateTime<Utc>,
}

/// The relying party for this request.
pub fn relying_party(state: &AppState, headers: &HeaderMap) -> Result<Webauthn, Error> {
    let origin = match &state.config().public_url {
        Some(url) => url.clone(),
        None => {
            let host = headers
                .get(HOST)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("localhost");
            format!("http://{host}")
        }
    };
    let unavailable = || {
        Error::bad_request(
            "les clés d'accès ne fonctionnent qu'avec une adresse qui a un nom (par exemple \
             http://localhost:8080 ou https://vigie.mairie.fr), pas avec une adresse IP \
             comme {origin} : ouvrez Vigie avec son nom",
            &[("origin", &origin)],
        )
    };
    let url = Url::parse(&origin).map_err(|_| unavailable())?;
    let rp_id = url.domain().ok_or_else(unavailable)?.to_owned();
    WebauthnBuilder::new(&rp_id, &url)
        .map_err(|_| unavailable())?
        .rp_name("Vigie")
        .build()
        .map_err(|_| unavailable())
}

/// Seals a ceremony state for the page.
pub fn seal<T: Serialize>(
    state: &AppState,
    ceremony: Ceremony,
    session_hash: &str,
    ceremony_state: T,
) -> Result<String, Error> {
    let sealed = Sealed {
        state: ceremony_state,
        expires_at: Utc::now() + Duration::minutes(CEREMONY_MINUTES),
    };
    let json = serde_json::to_vec(&sealed).map_err(|e| Error::Config {
        detail: format!("état WebAuthn : {e}"),
    })?;
    Ok(state.key().seal(&ceremony.purpose(session_hash), &json))
}

/// Opens a ceremony state the page sent back: refused when altered, from another session or
/// ceremony, or expired.
pub fn open<T: DeserializeOwned>(
    state: &AppState,
    ceremony: Ceremony,
    session_hash: &str,
    sealed: &str,
) -> Result<T, Error> {
    let refused = || {
        Error::BadRequest(
            n_("la demande de clé d'accès a expiré ou ne vient pas de cette page : recommencez")
                .into(),
        )
    };
    let json = state
        .key()
        .open(&ceremony.purpose(session_hash), sealed)
        .map_err(|_| refused())?;
    let opened: Sealed<T> = serde_json::from_slice(&json).map_err(|_| refused())?;
    if opened.expires_at < Utc::now() {
        return Err(refused());
    }
    Ok(opened.state)
}

/// A French sentence for a refused authenticator answer (webauthn-rs's errors are technical).
pub fn refused_answer() -> Error {
    Error::BadRequest(
        n_(
            "la clé d'accès n'a pas été acceptée (mauvaise clé, délai dépassé ou opération \
            annulée) : recommencez",
        )
        .into(),
    )
}
