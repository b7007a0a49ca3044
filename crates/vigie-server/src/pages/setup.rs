//! The setup wizard: the first visit of a fresh server creates the organisation and its first
//! administrator, then goes straight to the two-factor enrolment.
//!
//! The page needs the one-time token printed on the server's console (`?jeton=…`): on a server
//! reachable from a network, the first visitor must be the person who started it.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::HeaderValue;
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::Response;
use serde::Deserialize;
use vigie_store::{NewUser, OrgKind, SessionStage};

use super::{Chrome, FieldErrors, render, render_status, see_other};
use crate::auth::{self, ClientInfo, SESSION_COOKIE, password};
use crate::error::Error;
use crate::i18n::{Lang, n_};
use crate::security::CsrfToken;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "setup.html")]
struct SetupPage {
    chrome: Chrome,
    token: String,
    form: SetupForm,
    errors: FieldErrors,
}

#[derive(Template)]
#[template(path = "setup_token.html")]
struct TokenPage {
    chrome: Chrome,
    heading: &'static str,
    message: String,
    /// Where to find the installation link.
    show_setup_help: bool,
}

/// The wizard's fields.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SetupForm {
    #[serde(default)]
    jeton: String,
    #[serde(default)]
    pub organisation: String,
    /// `commune` (default) or `prestataire`: an IT provider running the server for the
    /// communes it looks after.
    #[serde(default)]
    pub genre: String,
    #[serde(default)]
    pub nom: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    mot_de_passe: String,
    #[serde(default)]
    confirmation: String,
}

#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    jeton: Option<String>,
}

fn token_ok(state: &AppState, given: &str) -> bool {
    auth::constant_time_eq(state.setup_token().as_bytes(), given.trim().as_bytes())
}

/// The address of the setup page with its token (where the language switch comes back to).
fn setup_address(token: &str) -> String {
    let query = serde_urlencoded::to_string([("jeton", token)]).unwrap_or_default();
    format!("/installation?{query}")
}

/// `GET /installation`
pub async fn show(
    State(state): State<AppState>,
    csrf: axum::Extension<CsrfToken>,
    lang: Lang,
    Query(query): Query<TokenQuery>,
) -> Result<Response, Error> {
    if state.store().is_set_up().await? {
        return Ok(see_other("/connexion"));
    }
    let here = setup_address(query.jeton.as_deref().unwrap_or_default());
    let chrome = Chrome::public(lang, lang.t("Installation"), &csrf.0.0, &here);
    match query.jeton {
        Some(t) if token_ok(&state, &t) => render(&SetupPage {
            chrome,
            token: t,
            form: SetupForm::default(),
            errors: FieldErrors::default(),
        }),
        given => render_status(
            StatusCode::FORBIDDEN,
            &TokenPage {
                chrome,
                heading: lang.t("Installation de Vigie"),
                show_setup_help: true,
                message: lang
                    .t(if given.is_some() {
                        "Ce lien d'installation n'est pas le bon."
                    } else {
                        "Il manque le jeton d'installation dans l'adresse."
                    })
                    .into(),
            },
        ),
    }
}

/// `POST /installation`
pub async fn submit(
    State(state): State<AppState>,
    csrf: axum::Extension<CsrfToken>,
    client: ClientInfo,
    lang: Lang,
    Form(form): Form<SetupForm>,
) -> Result<Response, Error> {
    if state.store().is_set_up().await? {
        return Ok(see_other("/connexion"));
    }
    if !token_ok(&state, &form.jeton) {
        return Err(Error::Forbidden(
            n_("jeton d'installation absent ou incorrect : utilisez le lien affiché par le serveur")
                .into(),
        ));
    }
    let mut errors = FieldErrors::default();
    let organisation = form.organisation.trim();
    if organisation.is_empty() {
        errors.add(
            "organisation",
            lang.t("Indiquez le nom de votre organisation."),
        );
    } else if organisation.chars().count() > 200 {
        errors.add(
            "organisation",
            lang.t("Ce nom est trop long (200 caractères au plus)."),
        );
    }
    let kind = match form.genre.trim() {
        "" | "commune" => Some(OrgKind::Commune),
        "prestataire" => Some(OrgKind::Prestataire),
        _ => None,
    };
    if kind.is_none() {
        errors.add(
            "genre",
            lang.t("Choisissez le genre de votre organisation."),
        );
    }
    if form.nom.trim().is_empty() {
        errors.add("nom", lang.t("Indiquez vos prénom et nom."));
    }
    let email = form.email.trim().to_lowercase();
    if !super::looks_like_email(&email) {
        errors.add(
            "email",
            lang.t("Cette adresse électronique n'est pas valide (attendu : nom@domaine.fr)."),
        );
    }
    let context = [organisation, form.nom.as_str(), email.as_str()];
    check_chosen_password(
        &mut errors,
        &form.mot_de_passe,
        &form.confirmation,
        &context,
        lang,
    );
    let (Some(kind), true) = (kind, errors.is_empty()) else {
        let chrome = Chrome::public(
            lang,
            lang.t("Installation"),
            &csrf.0.0,
            &setup_address(&form.jeton),
        );
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &SetupPage {
                chrome,
                token: form.jeton.clone(),
                form: SetupForm {
                    mot_de_passe: String::new(),
                    confirmation: String::new(),
                    ..form
                },
                errors,
            },
        );
    };
    let hash = password::hash_off_thread(form.mot_de_passe.clone()).await?;
    let (_org, user) = state
        .store()
        .complete_setup(
            organisation,
            kind,
            &NewUser {
                email,
                display_name: form.nom.trim().to_string(),
                password_hash: hash,
            },
        )
        .await?;
    auth::record_event(
        &state,
        &user,
        "installation",
        match kind {
            OrgKind::Commune => format!(
                "Organisation « {organisation} » créée avec {} comme premier administrateur",
                user.display_name
            ),
            OrgKind::Prestataire => format!(
                "Prestataire informatique « {organisation} » créé avec {} comme premier \
                 administrateur",
                user.display_name
            ),
        },
        &client,
    )
    .await?;
    to_enrolment(&state, &user, &client).await
}

/// The password chosen in a form that creates an account (setup, invitation), and its
/// confirmation: field messages when below the bar or different.
pub fn check_chosen_password(
    errors: &mut FieldErrors,
    chosen: &str,
    confirmation: &str,
    context: &[&str],
    lang: Lang,
) {
    if let Err(e) = password::check_new(chosen, context, lang) {
        errors.add("mot_de_passe", capitalise(&e.to_string()));
    }
    if confirmation != chosen {
        errors.add(
            "confirmation",
            lang.t("Les deux mots de passe sont différents : saisissez-les à nouveau."),
        );
    }
}

/// A new account goes straight to the mandatory two-factor enrolment, in a short session.
pub async fn to_enrolment(
    state: &AppState,
    user: &vigie_store::UserRecord,
    client: &ClientInfo,
) -> Result<Response, Error> {
    let (token, _) =
        auth::start_session(state, user, SessionStage::Enrolment, None, client).await?;
    let mut response = see_other("/connexion/double-facteur");
    if let Ok(v) = HeaderValue::from_str(&auth::set_cookie(state, SESSION_COOKIE, &token, 600)) {
        response.headers_mut().append(SET_COOKIE, v);
    }
    Ok(response)
}

/// First letter upper-case (error sentences start lower-case for the terminal).
pub fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// What `/connexion` shows before setup: where to find the installation link.
pub fn not_set_up_page(csrf: &str, lang: Lang) -> Response {
    let page = TokenPage {
        chrome: Chrome::public(lang, lang.t("Installation"), csrf, "/connexion"),
        heading: lang.t("Installation de Vigie"),
        show_setup_help: true,
        message: lang
            .t("Vigie n'est pas encore installé sur ce serveur.")
            .into(),
    };
    render(&page).unwrap_or_else(axum::response::IntoResponse::into_response)
}
