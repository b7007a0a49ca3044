//! « Mon compte » (sessions, recovery codes, sign-out everywhere) and the organisation's
//! security journal (administrators).

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse as _, Response};
use axum::{Form, Json};
use chrono::Utc;
use serde::Deserialize;
use vigie_store::PasskeyRecord;
use webauthn_rs::prelude::{
    CredentialID, Passkey, PasskeyRegistration, RegisterPublicKeyCredential,
};

use super::signin::RecoveryCodesPage;
use super::{Chrome, render, render_status, role_label, see_other};
use crate::auth::passkeys::{self, Ceremony};
use crate::auth::{self, ClientInfo, SESSION_COOKIE, SignedIn, recovery, totp};
use crate::error::Error;
use crate::i18n::n_;
use crate::state::AppState;

struct SessionLine {
    created: String,
    last_seen: String,
    ip: String,
    user_agent: String,
    current: bool,
}

struct PasskeyLine {
    id: String,
    name: String,
    created: String,
    last_used: String,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    passkeys: Vec<PasskeyLine>,
    chrome: Chrome,
    name: String,
    email: String,
    role: &'static str,
    org: String,
    codes_left: u64,
    sessions: Vec<SessionLine>,
    error: Option<String>,
}

async fn account_page(
    state: &AppState,
    who: &SignedIn,
    error: Option<String>,
) -> Result<AccountPage, Error> {
    let sessions = state
        .store()
        .user_sessions(&who.user.id, Utc::now())
        .await?
        .into_iter()
        .filter(|s| s.stage == vigie_store::SessionStage::Full)
        .map(|s| SessionLine {
            created: who.lang.date_time(s.created_at),
            last_seen: who.lang.date_time(s.last_seen_at),
            current: s.id_hash == who.session.id_hash,
            ip: s.ip,
            user_agent: s.user_agent,
        })
        .collect();
    let passkeys = state
        .store()
        .passkeys(&who.user.id)
        .await?
        .into_iter()
        .map(|p| PasskeyLine {
            id: p.id,
            name: p.name,
            created: who.lang.date_time(p.created_at),
            last_used: p.last_used_at.map_or_else(
                || who.lang.t("jamais").to_owned(),
                |t| who.lang.date_time(t),
            ),
        })
        .collect();
    Ok(AccountPage {
        passkeys,
        chrome: Chrome::signed_in(who.lang.t("Mon compte"), who, "compte"),
        name: who.user.display_name.clone(),
        email: who.user.email.clone(),
        role: role_label(who.role(), who.lang),
        org: who.membership.org_name.clone(),
        codes_left: state.store().recovery_codes_left(&who.user.id).await?,
        sessions,
        error,
    })
}

/// `GET /compte`
pub async fn show(State(state): State<AppState>, who: SignedIn) -> Result<Response, Error> {
    render(&account_page(&state, &who, None).await?)
}

/// `POST /compte/deconnexion-partout`
pub async fn sign_out_everywhere(
    State(state): State<AppState>,
    client: ClientInfo,
    who: SignedIn,
) -> Result<Response, Error> {
    let ended = state.store().delete_user_sessions(&who.user.id).await?;
    auth::record_event(
        &state,
        &who.user,
        "deconnexion.partout",
        format!("Déconnexion de tous les appareils ({ended} session(s) fermée(s))"),
        &client,
    )
    .await?;
    let mut response = see_other("/connexion");
    if let Ok(v) =
        axum::http::HeaderValue::from_str(&auth::set_cookie(&state, SESSION_COOKIE, "", 0))
    {
        response.headers_mut().append(SET_COOKIE, v);
    }
    Ok(response)
}

#[derive(Debug, Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    code: String,
}

/// `POST /compte/codes-de-secours`: new recovery codes, confirmed by a current TOTP code.
pub async fn regenerate_codes(
    State(state): State<AppState>,
    client: ClientInfo,
    who: SignedIn,
    Form(form): Form<ConfirmForm>,
) -> Result<Response, Error> {
    let sealed = who
        .user
        .totp_secret_sealed
        .as_deref()
        .ok_or(Error::Unauthenticated)?;
    let secret = state.key().open("totp", sealed)?;
    let now = u64::try_from(Utc::now().timestamp()).unwrap_or(0);
    let accepted = match totp::matching_step(&secret, &form.code, now, who.user.totp_last_step)? {
        Some(step) => state.store().consume_totp_step(&who.user.id, step).await?,
        None => false,
    };
    if !accepted {
        let page = account_page(
            &state,
            &who,
            Some(
                who.lang
                    .t("Code incorrect ou déjà utilisé : saisissez le code affiché maintenant.")
                    .into(),
            ),
        )
        .await?;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let codes = recovery::generate();
    let digests: Vec<String> = codes.iter().map(|c| recovery::digest(c)).collect();
    state
        .store()
        .replace_recovery_codes(&who.user.id, &digests)
        .await?;
    auth::record_event(
        &state,
        &who.user,
        "double_facteur.codes_secours",
        "Dix nouveaux codes de secours créés (les anciens ne valent plus)".into(),
        &client,
    )
    .await?;
    render(&RecoveryCodesPage {
        chrome: Chrome::signed_in(who.lang.t("Codes de secours"), &who, "compte"),
        headline: who
            .lang
            .t("Vos nouveaux codes de secours sont prêts ; les anciens ne valent plus.")
            .into(),
        codes,
    })
}

struct EventLine {
    at: String,
    actor: String,
    detail: String,
    ip: String,
    css: &'static str,
}

#[derive(Template)]
#[template(path = "security_journal.html")]
struct JournalPage {
    chrome: Chrome,
    events: Vec<EventLine>,
}

/// `GET /journal-securite` (administrators)
pub async fn security_journal(
    State(state): State<AppState>,
    who: SignedIn,
) -> Result<Response, Error> {
    who.require_admin()?;
    let events = state
        .store()
        .security_events(who.org(), 500)
        .await?
        .into_iter()
        .map(|e| EventLine {
            at: who.lang.date_time(e.at),
            css: if e.kind.ends_with("echec") {
                "alerte"
            } else {
                ""
            },
            actor: e.actor,
            detail: e.detail,
            ip: e.ip,
        })
        .collect();
    render(&JournalPage {
        chrome: Chrome::signed_in(who.lang.t("Journal de sécurité"), &who, "journal"),
        events,
    })
}

/// `GET /api/journal-securite` (administrators)
pub async fn api_security_journal(
    State(state): State<AppState>,
    who: SignedIn,
) -> Result<Json<serde_json::Value>, Error> {
    who.require_admin()?;
    let events = state.store().security_events(who.org(), 500).await?;
    Ok(Json(serde_json::json!({
        "schema": "vigie.security_journal.v1",
        "organisation": who.org(),
        "evenements": events,
    })))
}

/// `GET /api/moi`
pub async fn api_me(
    State(state): State<AppState>,
    who: SignedIn,
) -> Result<Json<serde_json::Value>, Error> {
    Ok(Json(serde_json::json!({
        "schema": "vigie.me.v1",
        "utilisateur": who.user,
        "organisation": { "id": who.org(), "nom": who.membership.org_name, "role": who.role() },
        "organisations": who.memberships,
        "codes_de_secours_restants": state.store().recovery_codes_left(&who.user.id).await?,
    })))
}

// ---------------------------------------------------------------------------------------------
// Passkeys (WebAuthn): added here, used at sign-in (see `signin`).

/// `POST /compte/cles/options`: what the browser needs to create a passkey, and the sealed
/// ceremony state to send back.
pub async fn passkey_options(
    State(state): State<AppState>,
    who: SignedIn,
    headers: axum::http::HeaderMap,
) -> Result<Json<serde_json::Value>, Error> {
    let rp = passkeys::relying_party(&state, &headers)?;
    let exclude: Vec<CredentialID> = state
        .store()
        .passkeys(&who.user.id)
        .await?
        .iter()
        .filter_map(|p| serde_json::from_str::<Passkey>(&p.passkey_json).ok())
        .map(|p| p.cred_id().clone())
        .collect();
    let user_handle = uuid::Uuid::parse_str(&who.user.id).map_err(|_| Error::Config {
        detail: "identifiant d'utilisateur inattendu".into(),
    })?;
    let (options, ceremony) = rp
        .start_passkey_registration(
            user_handle,
            &who.user.email,
            &who.user.display_name,
            Some(exclude),
        )
        .map_err(|_| passkeys::refused_answer())?;
    let etat = passkeys::seal(
        &state,
        Ceremony::Registration,
        &who.session.id_hash,
        ceremony,
    )?;
    Ok(Json(
        serde_json::json!({ "options": options, "etat": etat }),
    ))
}

/// Body of `POST /compte/cles`.
#[derive(Deserialize)]
pub struct NewPasskey {
    #[serde(default)]
    nom: String,
    etat: String,
    identifiant: RegisterPublicKeyCredential,
}

/// `POST /compte/cles`: checks the authenticator's answer and keeps the passkey.
pub async fn passkey_add(
    State(state): State<AppState>,
    who: SignedIn,
    client: ClientInfo,
    headers: axum::http::HeaderMap,
    Json(body): Json<NewPasskey>,
) -> Result<Response, Error> {
    let name = body.nom.trim();
    let name = if name.is_empty() {
        who.lang.t("Clé d'accès").to_owned()
    } else {
        name.chars().take(100).collect()
    };
    let rp = passkeys::relying_party(&state, &headers)?;
    let ceremony: PasskeyRegistration = passkeys::open(
        &state,
        Ceremony::Registration,
        &who.session.id_hash,
        &body.etat,
    )?;
    let passkey = rp
        .finish_passkey_registration(&body.identifiant, &ceremony)
        .map_err(|_| passkeys::refused_answer())?;
    let record = PasskeyRecord {
        id: uuid::Uuid::new_v4().to_string(),
        user_id: who.user.id.clone(),
        credential_id: serde_json::to_value(passkey.cred_id())
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        name: name.clone(),
        passkey_json: serde_json::to_string(&passkey).map_err(|e| Error::Config {
            detail: format!("clé d'accès : {e}"),
        })?,
        created_at: Utc::now(),
        last_used_at: None,
    };
    match state.store().add_passkey(&record).await {
        Ok(()) => {}
        Err(vigie_store::Error::AlreadyExists { .. }) => {
            return Err(Error::BadRequest(
                n_("cette clé d'accès est déjà enregistrée").into(),
            ));
        }
        Err(e) => return Err(e.into()),
    }
    auth::record_event(
        &state,
        &who.user,
        "double_facteur.cle_ajoutee",
        format!("Clé d'accès « {name} » ajoutée"),
        &client,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({ "id": record.id, "nom": name })),
    )
        .into_response())
}

/// `POST /compte/cles/{id}/supprimer`
pub async fn passkey_remove(
    State(state): State<AppState>,
    who: SignedIn,
    client: ClientInfo,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<Response, Error> {
    let name = state
        .store()
        .passkeys(&who.user.id)
        .await?
        .into_iter()
        .find(|p| p.id == id)
        .map(|p| p.name)
        .ok_or(Error::NotFound)?;
    state.store().remove_passkey(&who.user.id, &id).await?;
    auth::record_event(
        &state,
        &who.user,
        "double_facteur.cle_retiree",
        format!("Clé d'accès « {name} » retirée"),
        &client,
    )
    .await?;
    Ok(see_other("/compte"))
}
