//! The HTML pages: server-rendered (askama templates in `templates/`, every value escaped by
//! the template engine), plain forms that work without JavaScript; the small script in
//! `static/vigie.js` only adds live countdowns.

pub mod account;
pub mod contacts;
pub mod dashboard;
pub mod incidents;
pub mod mailboxes;
pub mod members;
pub mod organisations;
pub mod setup;
pub mod signin;

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::auth::SignedIn;
use crate::error::{Error, ErrorBody};

/// What the layout (`base.html`) shows around every page.
#[derive(Debug, Clone, Default)]
pub struct Chrome {
    /// Page title.
    pub title: String,
    /// Anti-forgery token for the page's forms.
    pub csrf: String,
    /// Signed-in user's name (the menu is shown only then).
    pub user: Option<String>,
    /// Organisation worked on.
    pub org: Option<String>,
    /// Menu entry to highlight.
    pub active: &'static str,
    /// Administrators see the security journal.
    pub is_admin: bool,
    /// A confirmation to show once.
    pub flash: Option<String>,
    /// Reload the page every few seconds (a job is running): progress without JavaScript.
    pub refresh: bool,
    /// The user's organisations (id, name, current) when there are several: the switcher.
    pub orgs: Vec<(String, String, bool)>,
}

impl Chrome {
    /// Layout of a page before sign-in.
    pub fn public(title: &str, csrf: &str) -> Chrome {
        Chrome {
            title: title.to_string(),
            csrf: csrf.to_string(),
            ..Chrome::default()
        }
    }

    /// Layout of a signed-in page.
    pub fn signed_in(title: &str, who: &SignedIn, active: &'static str) -> Chrome {
        Chrome {
            title: title.to_string(),
            csrf: who.session.csrf_token.clone(),
            user: Some(who.user.display_name.clone()),
            org: Some(who.membership.org_name.clone()),
            active,
            is_admin: who.role() == vigie_store::Role::Administrateur,
            flash: None,
            refresh: false,
            orgs: if who.memberships.len() > 1 {
                who.memberships
                    .iter()
                    .map(|m| {
                        (
                            m.org_id.as_str().to_owned(),
                            m.org_name.clone(),
                            m.org_id == who.membership.org_id,
                        )
                    })
                    .collect()
            } else {
                Vec::new()
            },
        }
    }
}

/// Field-level messages of a form, in the order of the fields.
#[derive(Debug, Clone, Default)]
pub struct FieldErrors(Vec<(&'static str, String)>);

impl FieldErrors {
    /// Adds a message for `field`.
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.push((field, message.into()));
    }

    /// The message for `field`.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    /// Whether `field` has a message.
    pub fn has(&self, field: &str) -> bool {
        self.get(field).is_some()
    }

    /// Every message.
    pub fn all(&self) -> &[(&'static str, String)] {
        &self.0
    }

    /// No message.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Renders a template as an HTML response.
pub fn render(template: &impl Template) -> Result<Response, Error> {
    render_status(StatusCode::OK, template)
}

/// Renders a template with a status (422 for a form sent back with its errors).
pub fn render_status(status: StatusCode, template: &impl Template) -> Result<Response, Error> {
    let html = template.render().map_err(|e| Error::Config {
        detail: format!("gabarit de page : {e}"),
    })?;
    Ok((status, Html(html)).into_response())
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    chrome: Chrome,
    heading: &'a str,
    message: &'a str,
}

/// The French error page.
pub fn error_page(error: &ErrorBody, csrf: &str) -> Html<String> {
    let heading = match error.status {
        StatusCode::NOT_FOUND => "Page introuvable",
        StatusCode::FORBIDDEN => "Accès refusé",
        StatusCode::TOO_MANY_REQUESTS => "Trop de tentatives",
        StatusCode::BAD_REQUEST => "Demande incorrecte",
        StatusCode::PAYLOAD_TOO_LARGE => "Fichier trop volumineux",
        StatusCode::CONFLICT => "Incident altéré",
        _ => "Erreur",
    };
    let mut message = error.message.clone();
    if let Some(first) = message.get(..1) {
        let upper = first.to_uppercase();
        message.replace_range(..1, &upper);
    }
    let page = ErrorPage {
        chrome: Chrome::public(heading, csrf),
        heading,
        message: &message,
    };
    Html(page.render().unwrap_or_else(|_| {
        format!(
            "<!DOCTYPE html><title>Erreur</title><p>{}</p>",
            error.status
        )
    }))
}

/// A 303 redirect (after a form).
pub fn see_other(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = axum::http::HeaderValue::from_str(location) {
        response
            .headers_mut()
            .insert(axum::http::header::LOCATION, value);
    }
    response
}

/// French date and time in Europe/Paris (« 04/03/2026 à 09:15 »).
pub fn paris(t: chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&chrono_tz::Europe::Paris)
        .format("%d/%m/%Y à %H:%M")
        .to_string()
}

/// A plausible e-mail address (something@domain.tld): forms say so field by field.
pub fn looks_like_email(address: &str) -> bool {
    address
        .rsplit_once('@')
        .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
        && !address.chars().any(char::is_whitespace)
}

/// A form refused through the API: 422 with one French message per field, in the error shape
/// of every API answer (`{"erreur": {"code", "message", "champs"}}`).
pub fn field_errors_json(message: &str, errors: &FieldErrors) -> Response {
    let fields: serde_json::Map<String, serde_json::Value> = errors
        .all()
        .iter()
        .map(|(f, m)| ((*f).to_owned(), serde_json::Value::String(m.clone())))
        .collect();
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        axum::Json(serde_json::json!({
            "erreur": {
                "code": "champs_invalides",
                "message": message,
                "champs": fields,
            }
        })),
    )
        .into_response()
}
