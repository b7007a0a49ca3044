//! The HTML pages: server-rendered (askama templates in `templates/`, every value escaped by
//! the template engine), plain forms that work without JavaScript; the small script in
//! `static/vigie.js` only adds live countdowns.

pub mod account;
pub mod contacts;
pub mod dashboard;
pub mod incidents;
pub mod language;
pub mod mailboxes;
pub mod members;
pub mod organisations;
pub mod providers;
pub mod setup;
pub mod signin;

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use std::fmt::Display;

use crate::auth::SignedIn;
use crate::error::{Error, ErrorBody};
use crate::i18n::{Count, Lang};

/// What the layout (`base.html`) shows around every page.
#[derive(Debug, Clone, Default)]
pub struct Chrome {
    /// Page title (already in the page's language).
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
    /// The organisation worked on is an IT provider: the menu leads to its communes.
    pub is_provider: bool,
    /// A confirmation to show once (already in the page's language).
    pub flash: Option<String>,
    /// Reload the page every few seconds (a job is running): progress without JavaScript.
    pub refresh: bool,
    /// The user's organisations (id, name, current) when there are several: the switcher.
    pub orgs: Vec<(String, String, bool)>,
    /// The language of the page.
    pub lang: Lang,
    /// This page's address (path and query), where the language switch comes back to.
    pub here: String,
}

impl Chrome {
    /// Layout of a page before sign-in; `title` is already translated, `here` is the address
    /// the language switch returns to.
    pub fn public(lang: Lang, title: &str, csrf: &str, here: &str) -> Chrome {
        Chrome {
            title: title.to_string(),
            csrf: csrf.to_string(),
            lang,
            here: here.to_string(),
            ..Chrome::default()
        }
    }

    /// Layout of a signed-in page (in the language of the request `who` comes from).
    pub fn signed_in(title: &str, who: &SignedIn, active: &'static str) -> Chrome {
        Chrome {
            title: title.to_string(),
            csrf: who.session.csrf_token.clone(),
            user: Some(who.user.display_name.clone()),
            org: Some(who.membership.org_name.clone()),
            active,
            is_admin: who.role() == vigie_store::Role::Administrateur,
            is_provider: who.membership.org_kind == vigie_store::OrgKind::Prestataire,
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
            lang: who.lang,
            here: who.here.clone(),
        }
    }

    /// `fr` or `en`, for `<html lang>`.
    pub fn lang_code(&self) -> &'static str {
        self.lang.code()
    }

    /// Whether the page is in English (the notes about French-only content are shown then).
    pub fn is_english(&self) -> bool {
        self.lang == Lang::En
    }

    /// See [`Lang::t`].
    pub fn t(&self, fr: &'static str) -> &'static str {
        self.lang.t(fr)
    }

    /// See [`Lang::colon`].
    pub fn colon(&self) -> &'static str {
        self.lang.colon()
    }

    /// See [`Lang::tn`]; takes any integer the templates hold.
    pub fn tn(&self, n: impl Count, one: &'static str, many: &'static str) -> String {
        self.lang.tn(n.count(), one, many)
    }

    /// [`Lang::tnf`] with one value besides the count, given to the first placeholder of the
    /// French sentences other than `{n}`.
    pub fn tn1(
        &self,
        n: impl Count,
        one: &'static str,
        many: &'static str,
        a: impl Display,
    ) -> String {
        let names = crate::i18n::placeholders(one);
        let name = names.iter().copied().find(|p| *p != "n").unwrap_or("");
        self.lang.tnf(n.count(), one, many, &[(name, &a)])
    }

    /// [`Lang::tf`] with one value, given to the first placeholder of the French sentence
    /// (templates cannot write the list of pairs).
    pub fn tf1(&self, fr: &'static str, a: impl Display) -> String {
        self.positional(fr, &[&a])
    }

    /// [`Lang::tf`] with two values, for the placeholders of the French sentence in order.
    pub fn tf2(&self, fr: &'static str, a: impl Display, b: impl Display) -> String {
        self.positional(fr, &[&a, &b])
    }

    /// [`Lang::tf`] with three values, for the placeholders of the French sentence in order.
    pub fn tf3(
        &self,
        fr: &'static str,
        a: impl Display,
        b: impl Display,
        c: impl Display,
    ) -> String {
        self.positional(fr, &[&a, &b, &c])
    }

    fn positional(&self, fr: &'static str, values: &[&dyn Display]) -> String {
        let names = crate::i18n::placeholders(fr);
        let args: Vec<(&str, &dyn Display)> =
            names.iter().copied().zip(values.iter().copied()).collect();
        self.lang.tf(fr, &args)
    }

    /// A date and time in Europe/Paris in the page's language.
    pub fn date_time(&self, t: chrono::DateTime<chrono::Utc>) -> String {
        self.lang.date_time(t)
    }
}

/// A role's name in `lang` (the store's label is French only; matching on the role keeps the
/// two in step).
pub fn role_label(role: vigie_store::Role, lang: Lang) -> &'static str {
    use vigie_store::Role;
    lang.t(match role {
        Role::Administrateur => "Administrateur",
        Role::Agent => "Agent",
        Role::Elu => "Élu",
        Role::Prestataire => "Prestataire informatique",
    })
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
    /// The message is French on an English page (a library's sentence): marked `lang="fr"`.
    message_in_french: bool,
}

/// The error page, in `lang`; `here` is the address asked (for the language switch).
pub fn error_page(error: &ErrorBody, csrf: &str, lang: Lang, here: &str) -> Html<String> {
    let heading = lang.t(match error.status {
        StatusCode::NOT_FOUND => "Page introuvable",
        StatusCode::FORBIDDEN => "Accès refusé",
        StatusCode::TOO_MANY_REQUESTS => "Trop de tentatives",
        StatusCode::BAD_REQUEST => "Demande incorrecte",
        StatusCode::PAYLOAD_TOO_LARGE => "Fichier trop volumineux",
        StatusCode::CONFLICT => "Incident altéré",
        _ => "Erreur",
    });
    let (mut message, message_in_french) = match (lang, &error.message_en) {
        (Lang::En, Some(english)) => (english.clone(), false),
        (Lang::En, None) => (error.message.clone(), true),
        (Lang::Fr, _) => (error.message.clone(), false),
    };
    if let Some(first) = message.get(..1) {
        let upper = first.to_uppercase();
        message.replace_range(..1, &upper);
    }
    // A page that failed is not a place to come back to after switching language (a form's
    // POST address, for one): the switch returns to the dashboard then.
    let here = if error.status == StatusCode::NOT_FOUND {
        here
    } else {
        "/"
    };
    let page = ErrorPage {
        chrome: Chrome::public(lang, heading, csrf, here),
        heading,
        message: &message,
        message_in_french,
    };
    Html(page.render().unwrap_or_else(|_| {
        format!(
            "<!DOCTYPE html><title>{}</title><p>{}</p>",
            lang.t("Erreur"),
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

/// French date and time in Europe/Paris (« 04/03/2026 à 09:15 »); pages in another language
/// use [`Lang::date_time`].
pub fn paris(t: chrono::DateTime<chrono::Utc>) -> String {
    Lang::Fr.date_time(t)
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
