//! IT providers and the communes they support, on the screens.
//!
//! * A provider's administrators add a commune from the overview (`POST
//!   /organisations/communes`): the commune, the link and the invitation of its first
//!   administrator are made together; the invitation link is shown once, like any invitation.
//!   From then on the provider's administrators and agents work in the commune with the
//!   prestataire role, each visit written in the commune's security journal.
//! * A commune's administrators see, on « Membres », which provider supports the commune and who
//!   among its staff can therefore read the commune's posture, and may end the link (`POST
//!   /membres/prestataire/fin`): the provider's staff lose their access at their next request.
//!
//! Both sides' security journals record the link and its end.

use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{Duration, Utc};
use serde::Deserialize;
use vigie_store::{FirstAdministrator, OrgId, OrgKind, Role};

use super::members::{INVITATION_DAYS, base_url};
use super::organisations::overview_page;
use super::{FieldErrors, render, render_status, see_other};
use crate::auth::{self, ClientInfo, SignedIn, record_org_event};
use crate::error::Error;
use crate::i18n::n_;
use crate::state::AppState;

/// The form that adds a commune.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AddCommuneForm {
    /// The commune's name.
    #[serde(default)]
    pub commune: String,
    /// Its first administrator's name.
    #[serde(default)]
    pub nom: String,
    /// And address.
    #[serde(default)]
    pub email: String,
}

/// What the overview shows an IT provider besides its communes' state.
#[derive(Debug, Clone, Default)]
pub struct ProviderPanel {
    /// The user may add communes (an administrator of the provider).
    pub can_add: bool,
    pub form: AddCommuneForm,
    pub errors: FieldErrors,
    /// The commune just added: (commune, administrator's name, invitation link), shown once.
    pub new_link: Option<(String, String, String)>,
    /// Communes that ended the link: (commune, when, by whom).
    pub ended: Vec<(String, String, String)>,
}

impl ProviderPanel {
    /// The panel for a visit of the overview, `None` unless the organisation worked on is an
    /// IT provider.
    pub async fn for_visit(state: &AppState, who: &SignedIn) -> Result<Option<Self>, Error> {
        if who.membership.org_kind != OrgKind::Prestataire {
            return Ok(None);
        }
        let ended = state
            .store()
            .provider_links(who.org())
            .await?
            .into_iter()
            .filter_map(|l| {
                let at = l.ended_at?;
                Some((
                    l.org_name,
                    who.lang.date_time(at),
                    l.ended_by.unwrap_or_default(),
                ))
            })
            .collect();
        Ok(Some(ProviderPanel {
            can_add: who.role() == Role::Administrateur,
            ended,
            ..ProviderPanel::default()
        }))
    }
}

/// Refuses unless the organisation worked on is an IT provider.
fn require_provider(who: &SignedIn) -> Result<(), Error> {
    if who.membership.org_kind == OrgKind::Prestataire {
        Ok(())
    } else {
        Err(Error::Forbidden(
            n_("seul un prestataire informatique ajoute des communes qu'il accompagne").into(),
        ))
    }
}

/// `POST /organisations/communes`
pub async fn add_commune(
    State(state): State<AppState>,
    who: SignedIn,
    client: ClientInfo,
    headers: HeaderMap,
    Form(form): Form<AddCommuneForm>,
) -> Result<Response, Error> {
    who.require_admin()?;
    require_provider(&who)?;
    let lang = who.lang;
    let mut errors = FieldErrors::default();
    let commune = form.commune.trim().to_owned();
    if commune.is_empty() || commune.chars().count() > 200 {
        errors.add(
            "commune",
            lang.t("Indiquez le nom de la commune (200 caractères au plus)."),
        );
    } else if who
        .memberships
        .iter()
        .any(|m| m.org_name.eq_ignore_ascii_case(&commune))
    {
        errors.add(
            "commune",
            lang.t("Vous suivez déjà une organisation de ce nom."),
        );
    }
    let name = form.nom.trim().to_owned();
    if name.is_empty() || name.chars().count() > 200 {
        errors.add(
            "nom",
            lang.t("Indiquez les prénom et nom de la personne (200 caractères au plus)."),
        );
    }
    let email = form.email.trim().to_lowercase();
    if !super::looks_like_email(&email) {
        errors.add(
            "email",
            lang.t("Cette adresse électronique n'est pas valide (attendu : nom@domaine.fr)."),
        );
    }
    if !errors.is_empty() {
        let panel = ProviderPanel {
            form,
            errors,
            ..ProviderPanel::for_visit(&state, &who)
                .await?
                .unwrap_or_default()
        };
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &overview_page(&state, &who, &who.memberships, &client, Some(panel)).await?,
        );
    }

    let token = auth::new_token();
    let now = Utc::now();
    let (org, link, invitation) = state
        .store()
        .create_supported_organisation(
            who.org(),
            &commune,
            &FirstAdministrator {
                token_hash: &auth::token_digest(&token),
                email: &email,
                display_name: &name,
                expires_at: now + Duration::days(INVITATION_DAYS),
            },
            &who.user.display_name,
            now,
        )
        .await?;
    record_org_event(
        &state,
        who.org(),
        &who.user,
        "commune_ajoutee",
        format!(
            "Commune « {} » ajoutée ; {} ({}) invité(e) comme administrateur",
            org.name, invitation.display_name, invitation.email
        ),
        &client,
    )
    .await?;
    record_org_event(
        &state,
        &org.id,
        &who.user,
        "prestataire_lie",
        format!(
            "Commune créée et suivie par le prestataire informatique « {} » ; {} ({}) invité(e) \
             comme administrateur",
            link.provider_name, invitation.display_name, invitation.email
        ),
        &client,
    )
    .await?;

    let link_address = format!("{}/invitation?jeton={token}", base_url(&state, &headers));
    // Read again: the new commune is one of the user's organisations now.
    let memberships = state.store().memberships(&who.user.id).await?;
    let panel = ProviderPanel {
        new_link: Some((org.name, invitation.display_name, link_address)),
        ..ProviderPanel::for_visit(&state, &who)
            .await?
            .unwrap_or_default()
    };
    render(&overview_page(&state, &who, &memberships, &client, Some(panel)).await?)
}

/// The provider of a commune, as « Membres » shows it.
#[derive(Debug, Clone)]
pub struct ProviderSection {
    pub name: String,
    /// When the link was made.
    pub since: String,
    /// Who agreed to it.
    pub linked_by: String,
    /// The provider's staff who work in the commune through the link: (name, address).
    pub staff: Vec<(String, String)>,
}

impl ProviderSection {
    /// The current provider of the organisation worked on, if any.
    pub async fn of(state: &AppState, who: &SignedIn) -> Result<Option<Self>, Error> {
        let Some(link) = state.store().current_provider(who.org()).await? else {
            return Ok(None);
        };
        // The commune's administrators must know who can read its posture.
        let staff = provider_staff(state, &link.provider_id).await?;
        Ok(Some(ProviderSection {
            name: link.provider_name,
            since: who.lang.date_time(link.linked_at),
            linked_by: link.linked_by,
            staff,
        }))
    }
}

/// The form that ends the link: the box must be ticked (the commune cannot make a new link
/// itself, so an ending by mistake is costly).
#[derive(Debug, Deserialize)]
pub struct EndLinkForm {
    #[serde(default)]
    confirmer: Option<String>,
}

/// The provider's staff who work in the communes it supports: its administrators and agents
/// (the rule of the `effective_memberships` view), as (name, address).
async fn provider_staff(
    state: &AppState,
    provider: &OrgId,
) -> Result<Vec<(String, String)>, Error> {
    Ok(state
        .store()
        .members(provider)
        .await?
        .into_iter()
        .filter(|(m, _)| matches!(m.role, Role::Administrateur | Role::Agent))
        .map(|(_, u)| (u.display_name, u.email))
        .collect())
}

/// `POST /membres/prestataire/fin`
pub async fn end_link(
    State(state): State<AppState>,
    who: SignedIn,
    client: ClientInfo,
    Form(form): Form<EndLinkForm>,
) -> Result<Response, Error> {
    who.require_admin()?;
    if form.confirmer.as_deref() != Some("oui") {
        return Err(Error::BadRequest(
            n_("cochez la case pour confirmer la fin du suivi par le prestataire").into(),
        ));
    }
    let link = state
        .store()
        .end_provider_link(who.org(), &who.user.display_name, Utc::now())
        .await?;
    record_org_event(
        &state,
        who.org(),
        &who.user,
        "prestataire_fin",
        format!(
            "Fin du suivi par le prestataire informatique « {} » : son équipe n'a plus accès à \
             l'organisation",
            link.provider_name
        ),
        &client,
    )
    .await?;
    record_org_event(
        &state,
        &link.provider_id,
        &who.user,
        "prestataire_fin",
        format!(
            "La commune « {} » a mis fin au suivi ({})",
            link.org_name, who.user.display_name
        ),
        &client,
    )
    .await?;
    Ok(see_other("/membres"))
}

/// `GET /api/communes`: for an IT provider, the communes it supports and those that ended the
/// support (any member of the provider; the same list as the overview).
pub async fn api_communes(
    State(state): State<AppState>,
    who: SignedIn,
) -> Result<axum::Json<serde_json::Value>, Error> {
    require_provider(&who)?;
    let links: Vec<_> = state
        .store()
        .provider_links(who.org())
        .await?
        .into_iter()
        .map(|l| {
            serde_json::json!({
                "id": l.org_id,
                "nom": l.org_name,
                "suivie_depuis": l.linked_at,
                "accord_de": l.linked_by,
                "fin": l.ended_at,
                "fin_par": l.ended_by,
            })
        })
        .collect();
    Ok(axum::Json(serde_json::json!({
        "schema": "vigie.provider_communes.v1",
        "communes": links,
    })))
}

/// `GET /api/prestataire` (administrators): the IT provider that supports the organisation,
/// if any, and the members of its team who therefore have access.
pub async fn api_provider(
    State(state): State<AppState>,
    who: SignedIn,
) -> Result<axum::Json<serde_json::Value>, Error> {
    who.require_admin()?;
    let provider = match state.store().current_provider(who.org()).await? {
        None => serde_json::Value::Null,
        Some(link) => {
            let staff: Vec<_> = provider_staff(&state, &link.provider_id)
                .await?
                .into_iter()
                .map(|(name, email)| serde_json::json!({"nom": name, "email": email}))
                .collect();
            serde_json::json!({
                "nom": link.provider_name,
                "depuis": link.linked_at,
                "accord_de": link.linked_by,
                "equipe": staff,
            })
        }
    };
    Ok(axum::Json(serde_json::json!({
        "schema": "vigie.provider.v1",
        "prestataire": provider,
    })))
}
