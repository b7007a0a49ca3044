//! Sign-in: password, then the second factor (TOTP code or recovery code), or the TOTP
//! enrolment for an account that has none yet; sign-out. Also the API's sign-in
//! (`POST /api/session`), which runs the same checks in one request.
//!
//! Every failure counts against the account and the address ([`crate::auth::throttle`]); while
//! either is blocked, no password is even examined. Messages never say whether an address has
//! an account.

use askama::Template;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Form, Json};
use chrono::Utc;
use serde::Deserialize;
use vigie_store::{SessionStage, UserRecord};

use super::{Chrome, render, render_status, see_other};
use crate::auth::devices::DeviceCookie;
use crate::auth::passkeys::{self, Ceremony};
use crate::auth::{
    self, AnySession, ClientInfo, SESSION_COOKIE, devices, password, recovery, throttle, totp,
};
use crate::error::Error;
use crate::i18n::{Lang, n_};
use crate::security::CsrfToken;
use crate::state::AppState;
use webauthn_rs::prelude::{Passkey, PasskeyAuthentication, PublicKeyCredential};

#[derive(Template)]
#[template(path = "signin.html")]
struct SigninPage {
    chrome: Chrome,
    email: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "signin_code.html")]
struct CodePage {
    chrome: Chrome,
    error: Option<String>,
    /// The account has passkeys: offer them.
    has_passkeys: bool,
}

#[derive(Template)]
#[template(path = "enrol.html")]
struct EnrolPage {
    chrome: Chrome,
    qr: String,
    secret: String,
    sealed: String,
    error: Option<String>,
}

/// The recovery codes, shown once.
#[derive(Template)]
#[template(path = "recovery_codes.html")]
pub struct RecoveryCodesPage {
    /// Layout.
    pub chrome: Chrome,
    /// What just happened.
    pub headline: String,
    /// The codes.
    pub codes: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    mot_de_passe: String,
}

#[derive(Debug, Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    secret_scelle: String,
}

// Marked for translation: pages show them in the reader's language, the API in French.
const BAD_CREDENTIALS: &str = n_("Adresse électronique ou mot de passe incorrect.");
const BAD_CODE: &str = n_(
    "Code incorrect. Vérifiez que l'heure de votre téléphone est juste, \
                           puis saisissez le code affiché maintenant.",
);
const REPLAYED_CODE: &str = n_(
    "Ce code a déjà servi. Attendez que l'application en affiche un \
                                nouveau (toutes les 30 secondes) et saisissez-le.",
);

fn throttle_keys(email: &str, client: &ClientInfo) -> [(String, throttle::Policy); 2] {
    [
        (
            format!("compte:{}", email.trim().to_lowercase()),
            throttle::PER_ACCOUNT,
        ),
        (format!("adresse:{}", client.ip), throttle::PER_ADDRESS),
    ]
}

/// Refuses while the account or the address is blocked.
/// Counts this attempt before checking it, or refuses it (429) while the account or the
/// address is blocked. Counting first is what makes attempts sent at the same time count one
/// by one (see `Store::reserve_login_attempt`); a complete sign-in clears the counters.
async fn reserve_attempt(state: &AppState, email: &str, client: &ClientInfo) -> Result<(), Error> {
    let now = Utc::now();
    let mut wait = 0;
    for (key, policy) in throttle_keys(email, client) {
        if let Some(until) = state
            .store()
            .reserve_login_attempt(&key, now, throttle::forget_after(), |n| policy.delay(n))
            .await?
        {
            wait = wait.max((until - now).num_seconds() + 1);
        }
    }
    if wait > 0 {
        Err(Error::Throttled { seconds: wait })
    } else {
        Ok(())
    }
}

async fn clear_failures(state: &AppState, email: &str, client: &ClientInfo) -> Result<(), Error> {
    for (key, _) in throttle_keys(email, client) {
        state.store().clear_throttle(&key).await?;
    }
    Ok(())
}

/// Checks a password, with throttling; `Ok(None)` when it is wrong (already counted and
/// journaled).
async fn check_password(
    state: &AppState,
    email: &str,
    secret: &str,
    client: &ClientInfo,
) -> Result<Option<UserRecord>, Error> {
    reserve_attempt(state, email, client).await?;
    let user = state.store().user_by_email(email).await?;
    let stored = user.as_ref().map(|u| u.password_hash.clone());
    let ok = password::verify_off_thread(secret.to_string(), stored).await;
    match user {
        Some(user) if ok && user.disabled_at.is_none() => Ok(Some(user)),
        other => {
            if let Some(user) = other {
                auth::record_event(
                    state,
                    &user,
                    "connexion.echec",
                    "Échec de connexion : mot de passe incorrect".into(),
                    client,
                )
                .await?;
            }
            Ok(None)
        }
    }
}

/// What a second-factor check gave.
enum SecondFactor {
    Totp,
    RecoveryCode { left: u64 },
    Replayed,
    Wrong,
}

async fn check_second_factor(
    state: &AppState,
    user: &UserRecord,
    code: &str,
    client: &ClientInfo,
) -> Result<SecondFactor, Error> {
    reserve_attempt(state, &user.email, client).await?;
    let outcome = if recovery::looks_like_code(code) {
        if state
            .store()
            .consume_recovery_code(&user.id, &recovery::digest(code))
            .await?
        {
            SecondFactor::RecoveryCode {
                left: state.store().recovery_codes_left(&user.id).await?,
            }
        } else {
            SecondFactor::Wrong
        }
    } else {
        let sealed = user
            .totp_secret_sealed
            .as_deref()
            .ok_or(Error::Unauthenticated)?;
        let secret = state.key().open("totp", sealed)?;
        let now = u64::try_from(Utc::now().timestamp()).unwrap_or(0);
        match totp::matching_step(&secret, code, now, user.totp_last_step)? {
            Some(step) if state.store().consume_totp_step(&user.id, step).await? => {
                SecondFactor::Totp
            }
            // Lost the race against a request with the same code: a replay.
            Some(_) => SecondFactor::Replayed,
            None if totp::matching_step(&secret, code, now, i64::MIN)?.is_some() => {
                SecondFactor::Replayed
            }
            None => SecondFactor::Wrong,
        }
    };
    match outcome {
        SecondFactor::Totp | SecondFactor::RecoveryCode { .. } => {
            clear_failures(state, &user.email, client).await?;
        }
        SecondFactor::Replayed | SecondFactor::Wrong => {
            let what = if matches!(outcome, SecondFactor::Replayed) {
                "code déjà utilisé présenté à nouveau"
            } else {
                "code incorrect"
            };
            auth::record_event(
                state,
                user,
                "connexion.echec",
                format!("Échec de connexion au second facteur : {what}"),
                client,
            )
            .await?;
        }
    }
    Ok(outcome)
}

fn with_cookie(mut response: Response, state: &AppState, token: &str, max_age: i64) -> Response {
    if let Ok(v) = HeaderValue::from_str(&auth::set_cookie(state, SESSION_COOKIE, token, max_age)) {
        response.headers_mut().append(SET_COOKIE, v);
    }
    response
}

/// Adds the device cookie, when the sign-in gave the browser one.
fn with_device(mut response: Response, device_cookie: Option<String>) -> Response {
    if let Some(value) = device_cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        response.headers_mut().append(SET_COOKIE, value);
    }
    response
}

fn session_seconds(state: &AppState) -> i64 {
    state.config().session_hours * 3600
}

async fn signed_in_event(
    state: &AppState,
    user: &UserRecord,
    client: &ClientInfo,
    how: &str,
) -> Result<(), Error> {
    auth::record_event(
        state,
        user,
        "connexion",
        format!(
            "Connexion réussie ({how}) depuis l'adresse {} — navigateur : {}",
            client.ip, client.user_agent
        ),
        client,
    )
    .await
}

/// `GET /connexion`
pub async fn show(
    State(state): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    lang: Lang,
) -> Result<Response, Error> {
    if !state.store().is_set_up().await? {
        return Ok(super::setup::not_set_up_page(&csrf.0, lang));
    }
    render(&SigninPage {
        chrome: Chrome::public(lang, lang.t("Connexion"), &csrf.0, "/connexion"),
        email: String::new(),
        error: None,
    })
}

/// `POST /connexion`
pub async fn submit(
    State(state): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    client: ClientInfo,
    previous: Option<AnySession>,
    lang: Lang,
    Form(form): Form<PasswordForm>,
) -> Result<Response, Error> {
    let Some(user) = check_password(&state, &form.email, &form.mot_de_passe, &client).await? else {
        return render_status(
            StatusCode::UNAUTHORIZED,
            &SigninPage {
                chrome: Chrome::public(lang, lang.t("Connexion"), &csrf.0, "/connexion"),
                email: form.email.clone(),
                error: Some(lang.t(BAD_CREDENTIALS).into()),
            },
        );
    };
    let stage = if user.totp_secret_sealed.is_some() {
        SessionStage::SecondFactor
    } else {
        SessionStage::Enrolment
    };
    let (token, _) = auth::start_session(
        &state,
        &user,
        stage,
        previous.as_ref().map(|p| &p.session),
        &client,
    )
    .await?;
    let next = match stage {
        SessionStage::SecondFactor => "/connexion/code",
        _ => "/connexion/double-facteur",
    };
    Ok(with_cookie(see_other(next), &state, &token, 600))
}

fn pending(session: Option<AnySession>, stage: SessionStage) -> Result<AnySession, Error> {
    session
        .filter(|s| s.session.stage == stage)
        .ok_or(Error::Unauthenticated)
}

/// `GET /connexion/code`
pub async fn show_code(
    State(state): State<AppState>,
    session: Option<AnySession>,
    lang: Lang,
) -> Result<Response, Error> {
    let s = pending(session, SessionStage::SecondFactor)?;
    render(&CodePage {
        chrome: code_chrome(lang, &s),
        error: None,
        has_passkeys: !state.store().passkeys(&s.user.id).await?.is_empty(),
    })
}

/// `POST /connexion/code`
pub async fn submit_code(
    State(state): State<AppState>,
    client: ClientInfo,
    device: DeviceCookie,
    session: Option<AnySession>,
    lang: Lang,
    Form(form): Form<CodeForm>,
) -> Result<Response, Error> {
    let s = pending(session, SessionStage::SecondFactor)?;
    let how = match check_second_factor(&state, &s.user, &form.code, &client).await? {
        SecondFactor::Totp => "mot de passe et code de l'application".to_string(),
        SecondFactor::RecoveryCode { left } => {
            format!("mot de passe et code de secours ; il en reste {left}")
        }
        outcome => {
            return render_status(
                StatusCode::UNAUTHORIZED,
                &CodePage {
                    chrome: code_chrome(lang, &s),
                    error: Some(
                        lang.t(if matches!(outcome, SecondFactor::Replayed) {
                            REPLAYED_CODE
                        } else {
                            BAD_CODE
                        })
                        .into(),
                    ),
                    has_passkeys: !state.store().passkeys(&s.user.id).await?.is_empty(),
                },
            );
        }
    };
    finish_second_factor(&state, &s, &device, &client, &how, see_other("/")).await
}

/// The second factor passed (code, recovery code or passkey): the full session, the sign-in
/// in the journal, the device check.
async fn finish_second_factor(
    state: &AppState,
    s: &AnySession,
    device: &DeviceCookie,
    client: &ClientInfo,
    how: &str,
    response: Response,
) -> Result<Response, Error> {
    let (token, _) =
        auth::start_session(state, &s.user, SessionStage::Full, Some(&s.session), client).await?;
    signed_in_event(state, &s.user, client, how).await?;
    let device_cookie = devices::recognise(state, &s.user, device, client).await?;
    Ok(with_device(
        with_cookie(response, state, &token, session_seconds(state)),
        device_cookie,
    ))
}

/// `POST /connexion/cle/options`: the challenge for the account's passkeys, and the sealed
/// ceremony state.
pub async fn passkey_options(
    State(state): State<AppState>,
    session: Option<AnySession>,
    headers: axum::http::HeaderMap,
) -> Result<Json<serde_json::Value>, Error> {
    let s = pending(session, SessionStage::SecondFactor)?;
    let keys: Vec<Passkey> = state
        .store()
        .passkeys(&s.user.id)
        .await?
        .iter()
        .filter_map(|p| serde_json::from_str(&p.passkey_json).ok())
        .collect();
    if keys.is_empty() {
        return Err(Error::BadRequest(
            n_(
                "aucune clé d'accès n'est enregistrée pour ce compte : saisissez le code de \
                l'application",
            )
            .into(),
        ));
    }
    let rp = passkeys::relying_party(&state, &headers)?;
    let (options, ceremony) = rp
        .start_passkey_authentication(&keys)
        .map_err(|_| passkeys::refused_answer())?;
    let etat = passkeys::seal(
        &state,
        Ceremony::Authentication,
        &s.session.id_hash,
        ceremony,
    )?;
    Ok(Json(
        serde_json::json!({ "options": options, "etat": etat }),
    ))
}

/// Body of `POST /connexion/cle`.
#[derive(Deserialize)]
pub struct PasskeyAnswer {
    etat: String,
    identifiant: PublicKeyCredential,
}

/// `POST /connexion/cle`: the passkey as second factor. Answers JSON (the page's script then
/// goes to `redirection`); a refusal counts as a failed attempt, like a wrong code.
pub async fn passkey_signin(
    State(state): State<AppState>,
    client: ClientInfo,
    device: DeviceCookie,
    session: Option<AnySession>,
    headers: axum::http::HeaderMap,
    Json(body): Json<PasskeyAnswer>,
) -> Result<Response, Error> {
    let s = pending(session, SessionStage::SecondFactor)?;
    reserve_attempt(&state, &s.user.email, &client).await?;
    let ceremony: PasskeyAuthentication = passkeys::open(
        &state,
        Ceremony::Authentication,
        &s.session.id_hash,
        &body.etat,
    )?;
    let rp = passkeys::relying_party(&state, &headers)?;
    let result = match rp.finish_passkey_authentication(&body.identifiant, &ceremony) {
        Ok(r) => r,
        Err(_) => {
            auth::record_event(
                &state,
                &s.user,
                "connexion.echec",
                "Échec de connexion au second facteur : clé d'accès refusée".into(),
                &client,
            )
            .await?;
            return Err(passkeys::refused_answer());
        }
    };
    // Keep the signature counter (a cloned authenticator shows up as a counter going back).
    let mut name = String::from("clé d'accès");
    for record in state.store().passkeys(&s.user.id).await? {
        let Ok(mut key) = serde_json::from_str::<Passkey>(&record.passkey_json) else {
            continue;
        };
        if key.cred_id() == result.cred_id() {
            key.update_credential(&result);
            let json = serde_json::to_string(&key).unwrap_or(record.passkey_json.clone());
            state
                .store()
                .passkey_used(&s.user.id, &record.id, &json, Utc::now())
                .await?;
            name = format!("clé d'accès « {} »", record.name);
        }
    }
    clear_failures(&state, &s.user.email, &client).await?;
    let answer = Json(serde_json::json!({ "redirection": "/" })).into_response();
    finish_second_factor(
        &state,
        &s,
        &device,
        &client,
        &format!("mot de passe et {name}"),
        answer,
    )
    .await
}

fn enrol_purpose(session: &AnySession) -> String {
    // Bound to the user and this session: a sealed secret from another page is refused.
    format!(
        "totp-enrolment:{}:{}",
        session.user.id, session.session.id_hash
    )
}

/// The layout of the second-factor page.
fn code_chrome(lang: Lang, s: &AnySession) -> Chrome {
    Chrome::public(
        lang,
        lang.t("Code de vérification"),
        &s.session.csrf_token,
        "/connexion/code",
    )
}

/// The layout of the enrolment page.
fn enrol_chrome(lang: Lang, s: &AnySession) -> Chrome {
    Chrome::public(
        lang,
        lang.t("Double authentification"),
        &s.session.csrf_token,
        "/connexion/double-facteur",
    )
}

fn enrol_page(
    state: &AppState,
    s: &AnySession,
    error: Option<String>,
    lang: Lang,
) -> Result<EnrolPage, Error> {
    let secret = totp::new_secret();
    Ok(EnrolPage {
        chrome: enrol_chrome(lang, s),
        qr: totp::qr_data_url(&secret, &s.user.email)?,
        secret: totp::secret_base32(&secret),
        sealed: state.key().seal(&enrol_purpose(s), &secret),
        error,
    })
}

/// `GET /connexion/double-facteur`
pub async fn show_enrol(
    State(state): State<AppState>,
    session: Option<AnySession>,
    lang: Lang,
) -> Result<Response, Error> {
    let s = pending(session, SessionStage::Enrolment)?;
    render(&enrol_page(&state, &s, None, lang)?)
}

/// `POST /connexion/double-facteur`
pub async fn submit_enrol(
    State(state): State<AppState>,
    client: ClientInfo,
    device: DeviceCookie,
    session: Option<AnySession>,
    lang: Lang,
    Form(form): Form<CodeForm>,
) -> Result<Response, Error> {
    let s = pending(session, SessionStage::Enrolment)?;
    let secret = state
        .key()
        .open(&enrol_purpose(&s), &form.secret_scelle)
        .map_err(|_| {
            Error::BadRequest(
                n_("la page d'activation a expiré : rechargez-la et recommencez").into(),
            )
        })?;
    let now = u64::try_from(Utc::now().timestamp()).unwrap_or(0);
    let Some(step) = totp::matching_step(&secret, &form.code, now, 0)? else {
        // A new secret would make the user scan again; keep this one.
        let page = EnrolPage {
            chrome: enrol_chrome(lang, &s),
            qr: totp::qr_data_url(&secret, &s.user.email)?,
            secret: totp::secret_base32(&secret),
            sealed: form.secret_scelle.clone(),
            error: Some(lang.t(BAD_CODE).into()),
        };
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    };
    state
        .store()
        .set_totp(&s.user.id, &state.key().seal("totp", &secret), step)
        .await?;
    let codes = recovery::generate();
    let digests: Vec<String> = codes.iter().map(|c| recovery::digest(c)).collect();
    state
        .store()
        .replace_recovery_codes(&s.user.id, &digests)
        .await?;
    auth::record_event(
        &state,
        &s.user,
        "double_facteur.active",
        "Double authentification activée (application TOTP) et dix codes de secours créés".into(),
        &client,
    )
    .await?;
    let (token, record) = auth::start_session(
        &state,
        &s.user,
        SessionStage::Full,
        Some(&s.session),
        &client,
    )
    .await?;
    signed_in_event(&state, &s.user, &client, "première connexion").await?;
    let device_cookie = devices::recognise(&state, &s.user, &device, &client).await?;
    let page = RecoveryCodesPage {
        chrome: Chrome {
            title: lang.t("Codes de secours").into(),
            csrf: record.csrf_token.clone(),
            user: Some(s.user.display_name.clone()),
            lang,
            // The codes are shown once: switching language goes on to the dashboard.
            here: "/".into(),
            ..Chrome::default()
        },
        headline: lang.t("La double authentification est activée.").into(),
        codes,
    };
    Ok(with_device(
        with_cookie(render(&page)?, &state, &token, session_seconds(&state)),
        device_cookie,
    ))
}

/// `POST /deconnexion`
pub async fn sign_out(
    State(state): State<AppState>,
    client: ClientInfo,
    session: Option<AnySession>,
) -> Result<Response, Error> {
    if let Some(s) = session {
        state.store().delete_session(&s.session.id_hash).await?;
        if s.session.stage == SessionStage::Full {
            auth::record_event(
                &state,
                &s.user,
                "deconnexion",
                "Déconnexion".into(),
                &client,
            )
            .await?;
        }
    }
    Ok(with_cookie(see_other("/connexion"), &state, "", 0))
}

/// Body of `POST /api/session`.
#[derive(Debug, Deserialize)]
pub struct ApiSignin {
    email: String,
    mot_de_passe: String,
    code: String,
}

/// `POST /api/session`: password and second factor in one JSON request; answers with the
/// session cookie and the anti-forgery token to send as `X-CSRF-Token`.
pub async fn api_signin(
    State(state): State<AppState>,
    client: ClientInfo,
    device: DeviceCookie,
    Json(body): Json<ApiSignin>,
) -> Result<Response, Error> {
    let unauthorised = |message: &str| {
        (
            StatusCode::UNAUTHORIZED,
            Json(serde_json::json!({"erreur": {"code": "identifiants_incorrects", "message": message}})),
        )
            .into_response()
    };
    let Some(user) = check_password(&state, &body.email, &body.mot_de_passe, &client).await? else {
        return Ok(unauthorised(BAD_CREDENTIALS));
    };
    if user.totp_secret_sealed.is_none() {
        return Err(Error::Forbidden(
            n_(
                "ce compte n'a pas encore de double authentification : connectez-vous une \
                première fois avec le navigateur pour l'activer",
            )
            .into(),
        ));
    }
    let how = match check_second_factor(&state, &user, &body.code, &client).await? {
        SecondFactor::Totp => "API, mot de passe et code".to_string(),
        SecondFactor::RecoveryCode { left } => format!("API, code de secours ; il en reste {left}"),
        SecondFactor::Replayed => return Ok(unauthorised(REPLAYED_CODE)),
        SecondFactor::Wrong => return Ok(unauthorised(BAD_CODE)),
    };
    let (token, record) =
        auth::start_session(&state, &user, SessionStage::Full, None, &client).await?;
    signed_in_event(&state, &user, &client, &how).await?;
    let device_cookie = devices::recognise(&state, &user, &device, &client).await?;
    let response = Json(serde_json::json!({
        "schema": "vigie.session.v1",
        "utilisateur": user.display_name,
        "csrf": record.csrf_token,
        "expire": record.expires_at,
    }))
    .into_response();
    Ok(with_device(
        with_cookie(response, &state, &token, session_seconds(&state)),
        device_cookie,
    ))
}
