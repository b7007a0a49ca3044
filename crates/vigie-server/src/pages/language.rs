//! `POST /langue`: the language switch at the bottom of every page. It keeps the choice in the
//! `vigie_langue` cookie (set like the session's: `HttpOnly`, `SameSite=Strict`, `Secure`
//! behind HTTPS) and goes back to the page it was sent from. Like every form, it passes the
//! anti-forgery layer (the session's token, or the pre-sign-in cookie's).

use axum::Form;
use axum::extract::State;
use axum::http::HeaderValue;
use axum::http::header::SET_COOKIE;
use axum::response::Response;
use serde::Deserialize;

use super::see_other;
use crate::auth;
use crate::i18n::{LANG_COOKIE, Lang, local_path};
use crate::state::AppState;

/// A year: the choice is a preference, not a secret.
const ONE_YEAR: i64 = 365 * 24 * 3600;

/// The switch's fields.
#[derive(Debug, Deserialize)]
pub struct SwitchForm {
    /// `fr` or `en`.
    #[serde(default)]
    langue: String,
    /// The page to go back to (a local path).
    #[serde(default)]
    retour: String,
}

/// `POST /langue`
pub async fn switch(State(state): State<AppState>, Form(form): Form<SwitchForm>) -> Response {
    // An unknown code changes nothing: the reader comes back to the same page.
    let mut response = see_other(local_path(&form.retour));
    if let Some(lang) = Lang::from_code(&form.langue)
        && let Ok(value) = HeaderValue::from_str(&auth::set_cookie(
            &state,
            LANG_COOKIE,
            lang.code(),
            ONE_YEAR,
        ))
    {
        response.headers_mut().append(SET_COOKIE, value);
    }
    response
}
