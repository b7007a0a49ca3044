//! The layers every request goes through: anti-forgery checks on every state-changing request,
//! security headers on every response, and the rendering of errors as a French page or a JSON
//! body.
//!
//! Anti-forgery (CSRF) has two locks. First, a state-changing request (POST, PUT, PATCH,
//! DELETE) whose `Origin` (or, without it, `Sec-Fetch-Site`) says it comes from another site is
//! refused. Second, it must carry the anti-forgery token — as the `csrf` form field, the `csrf`
//! query parameter (file uploads) or the `X-CSRF-Token` header (API) — equal to the session's
//! token, or before sign-in to the `vigie_csrf` cookie's (double submit). Cookies are also
//! `SameSite=Strict`. The only exception is `POST /api/session` (API sign-in), which carries
//! credentials in a JSON body that another site cannot send without a CORS preflight.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, HOST, LOCATION, ORIGIN, REFERRER_POLICY,
    RETRY_AFTER, SET_COOKIE, STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::auth::{self, AnySession, CSRF_COOKIE};
use crate::error::{Error, ErrorBody};
use crate::i18n::Lang;
use crate::pages;
use crate::state::AppState;

/// The anti-forgery token of the request (the session's, or the pre-sign-in cookie's), for the
/// forms of the page.
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

/// The session loaded once by the anti-forgery layer, reused by the extractors.
#[derive(Debug, Clone)]
pub struct LoadedSession(pub Option<AnySession>);

/// Largest form body read by the anti-forgery layer (forms, not uploads).
const FORM_LIMIT: usize = 1024 * 1024;

/// The Content-Security-Policy: only this server's scripts, styles and images (plus data: images
/// for the QR code), no inline script or style, no framing, forms only to this server.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
                       img-src 'self' data:; connect-src 'self'; font-src 'self'; \
                       form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The policy of a mailbox's HTML report: a self-contained document with inline styles and
/// SVG charts, shown sandboxed (no script at all, no form, no network).
pub const REPORT_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; \
                              sandbox; frame-ancestors 'none'; base-uri 'none'; \
                              form-action 'none'";

fn is_state_changing(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// True when the request says it comes from this site (or does not say).
fn same_origin(state: &AppState, request: &Request) -> bool {
    let headers = request.headers();
    if let Some(origin) = headers.get(ORIGIN).and_then(|v| v.to_str().ok()) {
        if origin == "null" {
            // Browsers send `Origin: null` for a form posted from a page whose referrer
            // policy is `no-referrer` (or from a sandboxed frame); `Sec-Fetch-Site`, which
            // pages cannot forge, then tells whether it came from this site.
            return headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
                == Some("same-origin");
        }
        if let Some(public) = &state.config().public_url {
            return origin == public;
        }
        let host = headers
            .get(HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        return origin == format!("http://{host}") || origin == format!("https://{host}");
    }
    match headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        Some(site) => site == "same-origin" || site == "none",
        None => true,
    }
}

fn query_param(query: &str, name: &str) -> Option<String> {
    form_urlencoded_pairs(query.as_bytes())
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// Decodes `application/x-www-form-urlencoded` pairs (malformed input gives no pairs).
pub fn form_urlencoded_pairs(body: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body).unwrap_or_default()
}

fn refused(token: String) -> Response {
    let mut response = Error::Csrf.into_response();
    response.extensions_mut().insert(CsrfToken(token));
    response
}

/// The anti-forgery layer (see the module documentation).
pub async fn csrf(State(state): State<AppState>, request: Request, next: Next) -> Response {
    // Static assets and the health check change nothing and show no form: no session lookup.
    let path = request.uri().path();
    if request.method() == Method::GET && (path.starts_with("/static/") || path == "/healthz") {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    let session = match auth::load_session(&state, &parts).await {
        Ok(s) => s,
        Err(e) => return e.into_response(),
    };
    let mut new_cookie = None;
    let expected = match &session {
        Some(s) => s.session.csrf_token.clone(),
        None => match auth::cookie(&parts, CSRF_COOKIE).filter(|v| v.len() == 43) {
            Some(v) => v.to_string(),
            None => {
                let token = auth::new_token();
                new_cookie = Some(token.clone());
                token
            }
        },
    };
    parts.extensions.insert(CsrfToken(expected.clone()));
    parts.extensions.insert(LoadedSession(session));
    let mut request = Request::from_parts(parts, body);

    if is_state_changing(request.method()) {
        let exempt = request.uri().path() == "/api/session";
        if !same_origin(&state, &request) {
            return Error::Csrf.into_response();
        }
        if !exempt {
            let mut provided = request
                .headers()
                .get("x-csrf-token")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
                .or_else(|| request.uri().query().and_then(|q| query_param(q, "csrf")));
            let is_form = request
                .headers()
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
            if provided.is_none() && is_form {
                let (parts, body) = request.into_parts();
                let bytes = match to_bytes(body, FORM_LIMIT).await {
                    Ok(b) => b,
                    Err(_) => {
                        return Error::BadRequest("formulaire trop volumineux".into())
                            .into_response();
                    }
                };
                provided = form_urlencoded_pairs(&bytes)
                    .into_iter()
                    .find(|(k, _)| k == "csrf")
                    .map(|(_, v)| v);
                request = Request::from_parts(parts, Body::from(bytes));
            }
            let valid = provided
                .as_deref()
                .is_some_and(|p| crate::auth::constant_time_eq(p.as_bytes(), expected.as_bytes()));
            if !valid {
                return refused(expected);
            }
        }
    }

    let mut response = next.run(request).await;
    // For the error page's forms (the sign-out button), rendered by the outer layer.
    response.extensions_mut().insert(CsrfToken(expected));
    if let Some(token) = new_cookie
        && let Ok(value) =
            HeaderValue::from_str(&auth::set_cookie(&state, CSRF_COOKIE, &token, 12 * 3600))
    {
        response.headers_mut().append(SET_COOKIE, value);
    }
    response
}

/// Security headers on every response.
pub async fn headers(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let is_static = request.uri().path().starts_with("/static/");
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    // A handler may set a stricter policy of its own (the sandboxed mailbox report).
    if !h.contains_key(CONTENT_SECURITY_POLICY) {
        h.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    }
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // `same-origin`, not `no-referrer`: no address of Vigie leaks to other sites, and browsers
    // keep sending a real `Origin` on this site's own forms.
    h.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
    );
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
    if !is_static {
        h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if state
        .config()
        .public_url
        .as_deref()
        .is_some_and(|u| u.starts_with("https://"))
    {
        h.insert(
            STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    response
}

/// Turns the [`ErrorBody`] left by a failed handler into the response the client expects: JSON
/// under `/api/` (always French), a redirect to sign-in for a page that needs a session, a page
/// in the reader's language otherwise.
pub async fn render_errors(request: Request, next: Next) -> Response {
    let is_api = request.uri().path().starts_with("/api/");
    let lang = Lang::of_headers(request.headers());
    let here = request
        .uri()
        .path_and_query()
        .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned());
    let response = next.run(request).await;
    let csrf = response.extensions().get::<CsrfToken>().cloned();
    let Some(error) = response.extensions().get::<ErrorBody>().cloned() else {
        return response;
    };
    let mut rendered = if is_api {
        (
            error.status,
            axum::Json(serde_json::json!({
                "erreur": { "code": error.code, "message": error.message }
            })),
        )
            .into_response()
    } else if error.status == StatusCode::UNAUTHORIZED {
        let mut r = StatusCode::SEE_OTHER.into_response();
        r.headers_mut()
            .insert(LOCATION, HeaderValue::from_static("/connexion"));
        r
    } else {
        let csrf = csrf.map(|c| c.0).unwrap_or_default();
        (error.status, pages::error_page(&error, &csrf, lang, &here)).into_response()
    };
    if let Some(seconds) = error.retry_after
        && let Ok(v) = HeaderValue::from_str(&seconds.to_string())
    {
        rendered.headers_mut().insert(RETRY_AFTER, v);
    }
    rendered
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_pairs_are_decoded() {
        let pairs = form_urlencoded_pairs(b"csrf=a%2Bb&nom=Mairie+de+Saint-%C3%89tienne&y=");
        assert_eq!(pairs[0], ("csrf".into(), "a+b".into()));
        assert_eq!(pairs[1], ("nom".into(), "Mairie de Saint-Étienne".into()));
        assert_eq!(pairs[2], ("y".into(), "".into()));
    }
}
