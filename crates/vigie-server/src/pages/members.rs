//! « Membres »: the organisation's administrators invite people (a one-time link, valid seven
//! days, which the administrator sends), change roles and remove members; the invited person
//! opens the link, chooses a password and goes straight to the mandatory two-factor enrolment.
//!
//! Every change is written in the organisation's security journal.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::header::HOST;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{Duration, Utc};
use serde::Deserialize;
use vigie_store::{InvitationRecord, NewInvitation, Role, SessionStage};

use super::providers::ProviderSection;
use super::setup::{check_chosen_password, to_enrolment};
use super::{Chrome, FieldErrors, render, render_status, role_label, see_other};
use crate::auth::{self, AnySession, ClientInfo, SignedIn, password, record_org_event};
use crate::error::Error;
use crate::i18n::{Lang, n_};
use crate::security::CsrfToken;
use crate::state::AppState;

/// How long an invitation link works.
pub(super) const INVITATION_DAYS: i64 = 7;

/// A member as the page shows it.
#[derive(Debug, Clone)]
pub struct MemberLine {
    pub user_id: String,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub is_self: bool,
    pub has_second_factor: bool,
}

/// A pending invitation as the page shows it.
#[derive(Debug, Clone)]
pub struct InvitationLine {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role: &'static str,
    pub expires: String,
}

impl InvitationLine {
    fn from_record(i: &InvitationRecord, lang: Lang) -> InvitationLine {
        InvitationLine {
            id: i.id.clone(),
            name: i.display_name.clone(),
            email: i.email.clone(),
            role: role_label(i.role, lang),
            expires: lang.date_time(i.expires_at),
        }
    }
}

/// The invitation form.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    pub nom: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub role: String,
}

#[derive(Template)]
#[template(path = "members.html")]
struct MembersPage {
    chrome: Chrome,
    members: Vec<MemberLine>,
    invitations: Vec<InvitationLine>,
    roles: Vec<(&'static str, &'static str)>,
    form: InviteForm,
    errors: FieldErrors,
    /// The link of the invitation just created, shown once.
    new_link: Option<(String, String)>,
    /// The IT provider that supports the organisation, if any.
    provider: Option<ProviderSection>,
}

async fn page(
    state: &AppState,
    who: &SignedIn,
    form: InviteForm,
    errors: FieldErrors,
    new_link: Option<(String, String)>,
) -> Result<MembersPage, Error> {
    let store = state.store();
    let members = store
        .members(who.org())
        .await?
        .into_iter()
        .map(|(m, u)| MemberLine {
            is_self: u.id == who.user.id,
            has_second_factor: u.totp_secret_sealed.is_some(),
            user_id: u.id,
            name: u.display_name,
            email: u.email,
            role: m.role,
        })
        .collect();
    let invitations = store
        .pending_invitations(who.org(), Utc::now())
        .await?
        .iter()
        .map(|i| InvitationLine::from_record(i, who.lang))
        .collect();
    Ok(MembersPage {
        chrome: Chrome::signed_in(who.lang.t("Membres"), who, "membres"),
        members,
        invitations,
        roles: Role::ALL
            .iter()
            .map(|r| (r.as_str(), role_label(*r, who.lang)))
            .collect(),
        form,
        errors,
        new_link,
        provider: ProviderSection::of(state, who).await?,
    })
}

async fn journal(
    state: &AppState,
    who: &SignedIn,
    kind: &str,
    detail: String,
    client: &ClientInfo,
) -> Result<(), Error> {
    record_org_event(state, who.org(), &who.user, kind, detail, client).await
}

/// `GET /membres`
pub async fn show(State(state): State<AppState>, who: SignedIn) -> Result<Response, Error> {
    who.require_admin()?;
    render(
        &page(
            &state,
            &who,
            InviteForm {
                role: "agent".into(),
                ..InviteForm::default()
            },
            FieldErrors::default(),
            None,
        )
        .await?,
    )
}

/// The address people type to reach this server: the configured public address, or the one
/// the administrator's own browser used.
pub(super) fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(url) = &state.config().public_url {
        return url.clone();
    }
    let host = headers
        .get(HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("127.0.0.1:8080");
    format!("http://{host}")
}

/// `POST /membres/inviter`
pub async fn invite(
    State(state): State<AppState>,
    who: SignedIn,
    client: ClientInfo,
    headers: HeaderMap,
    Form(form): Form<InviteForm>,
) -> Result<Response, Error> {
    who.require_admin()?;
    let mut errors = FieldErrors::default();
    let name = form.nom.trim();
    if name.is_empty() || name.chars().count() > 200 {
        errors.add(
            "nom",
            who.lang
                .t("Indiquez les prénom et nom de la personne (200 caractères au plus)."),
        );
    }
    let email = form.email.trim().to_lowercase();
    if !super::looks_like_email(&email) {
        errors.add(
            "email",
            who.lang
                .t("Cette adresse électronique n'est pas valide (attendu : nom@domaine.fr)."),
        );
    }
    let role = Role::parse(form.role.trim()).ok();
    if role.is_none() {
        errors.add("role", who.lang.t("Choisissez un rôle dans la liste."));
    }
    let refused = |form: InviteForm, errors: FieldErrors| async {
        render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(&state, &who, form, errors, None).await?,
        )
    };
    let (Some(role), true) = (role, errors.is_empty()) else {
        return refused(form, errors).await;
    };
    let token = auth::new_token();
    let created = state
        .store()
        .create_invitation(&NewInvitation {
            org_id: who.org(),
            token_hash: &auth::token_digest(&token),
            email: &email,
            display_name: name,
            role,
            invited_by: &who.user.display_name,
            expires_at: Utc::now() + Duration::days(INVITATION_DAYS),
        })
        .await;
    let invitation = match created {
        Ok(i) => i,
        Err(vigie_store::Error::AlreadyExists { .. }) => {
            errors.add(
                "email",
                who.lang
                    .t("Cette personne est déjà membre de l'organisation."),
            );
            return refused(form, errors).await;
        }
        Err(e) => return Err(e.into()),
    };
    journal(
        &state,
        &who,
        "invitation",
        format!(
            "{} ({}) invité(e) comme {}",
            invitation.display_name,
            invitation.email,
            role.label()
        ),
        &client,
    )
    .await?;
    let link = format!("{}/invitation?jeton={token}", base_url(&state, &headers));
    render(
        &page(
            &state,
            &who,
            InviteForm {
                role: "agent".into(),
                ..InviteForm::default()
            },
            FieldErrors::default(),
            Some((invitation.display_name, link)),
        )
        .await?,
    )
}

/// The role form.
#[derive(Debug, Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    role: String,
}

/// `POST /membres/{id}/role`
pub async fn change_role(
    State(state): State<AppState>,
    who: SignedIn,
    client: ClientInfo,
    Path(user_id): Path<String>,
    Form(form): Form<RoleForm>,
) -> Result<Response, Error> {
    who.require_admin()?;
    let member = member_name(&state, &who, &user_id).await?;
    let role = Role::parse(form.role.trim()).map_err(|_| {
        Error::BadRequest(n_("rôle inconnu : choisissez-en un dans la liste").into())
    })?;
    state.store().change_role(who.org(), &user_id, role).await?;
    journal(
        &state,
        &who,
        "role",
        format!("Rôle de {member} : {}", role.label()),
        &client,
    )
    .await?;
    Ok(see_other("/membres"))
}

/// `POST /membres/{id}/retirer`
pub async fn remove(
    State(state): State<AppState>,
    who: SignedIn,
    client: ClientInfo,
    Path(user_id): Path<String>,
) -> Result<Response, Error> {
    who.require_admin()?;
    let member = member_name(&state, &who, &user_id).await?;
    state.store().remove_member(who.org(), &user_id).await?;
    journal(
        &state,
        &who,
        "membre_retire",
        format!("{member} retiré(e) de l'organisation"),
        &client,
    )
    .await?;
    if user_id == who.user.id {
        return Ok(see_other("/connexion"));
    }
    Ok(see_other("/membres"))
}

/// `POST /membres/invitations/{id}/annuler`
pub async fn cancel(
    State(state): State<AppState>,
    who: SignedIn,
    client: ClientInfo,
    Path(id): Path<String>,
) -> Result<Response, Error> {
    who.require_admin()?;
    state.store().cancel_invitation(who.org(), &id).await?;
    journal(
        &state,
        &who,
        "invitation_annulee",
        "Invitation annulée".into(),
        &client,
    )
    .await?;
    Ok(see_other("/membres"))
}

/// The name of a member of the session's organisation ([`Error::NotFound`] otherwise, the same
/// answer as for a user that does not exist).
async fn member_name(state: &AppState, who: &SignedIn, user_id: &str) -> Result<String, Error> {
    state
        .store()
        .members(who.org())
        .await?
        .into_iter()
        .find(|(_, u)| u.id == user_id)
        .map(|(_, u)| u.display_name)
        .ok_or(Error::NotFound)
}

// ---------------------------------------------------------------------------------------------
// Accepting an invitation (public: the link is the credential).

#[derive(Template)]
#[template(path = "invitation.html")]
struct AcceptPage {
    chrome: Chrome,
    token: String,
    invitation: InvitationLine,
    org_name: String,
    form: AcceptForm,
    errors: FieldErrors,
}

#[derive(Template)]
#[template(path = "setup_token.html")]
struct DeadLinkPage {
    chrome: Chrome,
    heading: &'static str,
    message: String,
    show_setup_help: bool,
}

/// The acceptance form.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AcceptForm {
    #[serde(default)]
    jeton: String,
    #[serde(default)]
    pub nom: String,
    #[serde(default)]
    mot_de_passe: String,
    #[serde(default)]
    confirmation: String,
}

/// `?jeton=…`
#[derive(Debug, Deserialize)]
pub struct LinkQuery {
    #[serde(default)]
    jeton: String,
}

fn dead_link(csrf: &str, lang: Lang) -> Result<Response, Error> {
    render_status(
        StatusCode::NOT_FOUND,
        &DeadLinkPage {
            chrome: Chrome::public(lang, lang.t("Invitation"), csrf, "/connexion"),
            heading: lang.t("Invitation"),
            show_setup_help: false,
            message: lang
                .t(
                    "Ce lien d'invitation n'est plus valable : il a déjà servi, il a été \
                    annulé ou il date de plus de sept jours. Demandez une nouvelle invitation \
                    à l'administrateur de votre organisation.",
                )
                .into(),
        },
    )
}

/// The address of an invitation's page (where the language switch comes back to).
fn invitation_address(token: &str) -> String {
    let query = serde_urlencoded::to_string([("jeton", token)]).unwrap_or_default();
    format!("/invitation?{query}")
}

#[derive(Template)]
#[template(path = "invitation_existing.html")]
struct JoinPage {
    chrome: Chrome,
    token: String,
    invitation: InvitationLine,
    org_name: String,
    /// Signed in as the invited account: a button to join; otherwise, how to sign in.
    signed_in_as_invited: bool,
    /// Signed in as someone else.
    other_account: Option<String>,
}

/// `GET /invitation`
pub async fn accept_form(
    State(state): State<AppState>,
    csrf: axum::Extension<CsrfToken>,
    session: Option<AnySession>,
    lang: Lang,
    Query(query): Query<LinkQuery>,
) -> Result<Response, Error> {
    let here = invitation_address(query.jeton.trim());
    let Some(invitation) = state
        .store()
        .usable_invitation(&auth::token_digest(query.jeton.trim()), Utc::now())
        .await?
    else {
        return dead_link(&csrf.0.0, lang);
    };
    let org_name = state.store().organisation(&invitation.org_id).await?.name;
    if state
        .store()
        .user_by_email(&invitation.email)
        .await?
        .is_some()
    {
        // An account exists: the person joins signed in, as themselves.
        let full = session.filter(|s| s.session.stage == SessionStage::Full);
        let signed_in_as_invited = full
            .as_ref()
            .is_some_and(|s| s.user.email == invitation.email);
        let csrf_token = match &full {
            Some(s) => s.session.csrf_token.clone(),
            None => csrf.0.0.clone(),
        };
        return render(&JoinPage {
            chrome: Chrome::public(lang, lang.t("Invitation"), &csrf_token, &here),
            token: query.jeton.trim().to_owned(),
            invitation: InvitationLine::from_record(&invitation, lang),
            org_name,
            signed_in_as_invited,
            other_account: full
                .filter(|s| s.user.email != invitation.email)
                .map(|s| s.user.email),
        });
    }
    render(&AcceptPage {
        chrome: Chrome::public(lang, lang.t("Invitation"), &csrf.0.0, &here),
        token: query.jeton.trim().to_owned(),
        form: AcceptForm {
            nom: invitation.display_name.clone(),
            ..AcceptForm::default()
        },
        invitation: InvitationLine::from_record(&invitation, lang),
        org_name,
        errors: FieldErrors::default(),
    })
}

/// `POST /invitation`
pub async fn accept(
    State(state): State<AppState>,
    csrf: axum::Extension<CsrfToken>,
    client: ClientInfo,
    lang: Lang,
    Form(form): Form<AcceptForm>,
) -> Result<Response, Error> {
    let digest = auth::token_digest(form.jeton.trim());
    let now = Utc::now();
    let Some(invitation) = state.store().usable_invitation(&digest, now).await? else {
        return dead_link(&csrf.0.0, lang);
    };
    let org_name = state.store().organisation(&invitation.org_id).await?.name;
    let mut errors = FieldErrors::default();
    let name = form.nom.trim().to_owned();
    if name.is_empty() || name.chars().count() > 200 {
        errors.add(
            "nom",
            lang.t("Indiquez vos prénom et nom (200 caractères au plus)."),
        );
    }
    let context = [org_name.as_str(), name.as_str(), invitation.email.as_str()];
    check_chosen_password(
        &mut errors,
        &form.mot_de_passe,
        &form.confirmation,
        &context,
        lang,
    );
    if !errors.is_empty() {
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &AcceptPage {
                chrome: Chrome::public(
                    lang,
                    lang.t("Invitation"),
                    &csrf.0.0,
                    &invitation_address(form.jeton.trim()),
                ),
                token: form.jeton.trim().to_owned(),
                invitation: InvitationLine::from_record(&invitation, lang),
                org_name,
                form: AcceptForm {
                    nom: form.nom.clone(),
                    ..AcceptForm::default()
                },
                errors,
            },
        );
    }
    let hash = password::hash_off_thread(form.mot_de_passe.clone()).await?;
    let accepted = state
        .store()
        .accept_invitation(&digest, &name, &hash, Utc::now())
        .await;
    let (invitation, user) = match accepted {
        Ok(done) => done,
        // Used by someone else in the meantime (two tabs): the link is spent.
        Err(e) if e.is_not_found() => return dead_link(&csrf.0.0, lang),
        // The address got an account meanwhile: the link's page now says to sign in.
        Err(vigie_store::Error::AlreadyExists { .. }) => {
            return Ok(see_other(&format!(
                "/invitation?jeton={}",
                form.jeton.trim()
            )));
        }
        Err(e) => return Err(e.into()),
    };
    auth::record_event(
        &state,
        &user,
        "invitation_acceptee",
        format!(
            "{} a rejoint l'organisation comme {}",
            user.display_name,
            invitation.role.label()
        ),
        &client,
    )
    .await?;
    to_enrolment(&state, &user, &client).await
}

/// `POST /invitation/rejoindre`: an existing account accepts an invitation, signed in as the
/// invited address; the session moves to the organisation joined.
pub async fn join(
    State(state): State<AppState>,
    who: SignedIn,
    client: ClientInfo,
    Form(form): Form<LinkQuery>,
) -> Result<Response, Error> {
    let joined = state
        .store()
        .join_by_invitation(
            &auth::token_digest(form.jeton.trim()),
            &who.user,
            Utc::now(),
        )
        .await;
    let invitation = match joined {
        Ok(i) => i,
        Err(e) if e.is_not_found() => {
            return Err(Error::Forbidden(
                n_(
                    "ce lien d'invitation n'est plus valable, ou il a été envoyé à une autre \
                    adresse que celle de votre compte",
                )
                .into(),
            ));
        }
        Err(e) => return Err(e.into()),
    };
    let detail = format!(
        "{} a rejoint l'organisation comme {} (compte existant)",
        who.user.display_name,
        invitation.role.label()
    );
    record_org_event(
        &state,
        &invitation.org_id,
        &who.user,
        "invitation_acceptee",
        detail,
        &client,
    )
    .await?;
    state
        .store()
        .switch_session_org(&who.session.id_hash, &who.user.id, &invitation.org_id)
        .await?;
    Ok(see_other("/"))
}

/// `GET /api/membres` (administrators): the members and the pending invitations.
pub async fn api_list(
    State(state): State<AppState>,
    who: SignedIn,
) -> Result<axum::Json<serde_json::Value>, Error> {
    who.require_admin()?;
    let members: Vec<_> = state
        .store()
        .members(who.org())
        .await?
        .into_iter()
        .map(|(m, u)| {
            serde_json::json!({
                "id": u.id,
                "nom": u.display_name,
                "email": u.email,
                "role": m.role,
                "double_facteur": u.totp_secret_sealed.is_some(),
            })
        })
        .collect();
    let invitations = state
        .store()
        .pending_invitations(who.org(), Utc::now())
        .await?;
    Ok(axum::Json(serde_json::json!({
        "schema": "vigie.members.v1",
        "membres": members,
        "invitations": invitations,
    })))
}
