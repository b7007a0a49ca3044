//! Several organisations for one account (an IT provider's technician supports several
//! communes): the switcher in the header, and an overview of each organisation's posture —
//! open incidents and open mailbox findings. A provider's look at a commune is written in that
//! commune's security journal, like every other access of its staff. For an IT provider, the
//! same page lists the communes it supports and lets its administrators add one (see
//! [`super::providers`]).

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::response::Response;
use chrono::Utc;
use serde::Deserialize;
use vigie_store::{MembershipRecord, OrgId, Role, SeverityCounts};

use super::providers::ProviderPanel;
use super::{Chrome, render, see_other};
use crate::auth::{ClientInfo, SignedIn, record_org_event};
use crate::error::Error;
use crate::state::AppState;

/// The switcher's form.
#[derive(Debug, Deserialize)]
pub struct SwitchForm {
    #[serde(default)]
    org: String,
}

/// `POST /organisation`: work in another of the user's organisations.
pub async fn switch(
    State(state): State<AppState>,
    who: SignedIn,
    Form(form): Form<SwitchForm>,
) -> Result<Response, Error> {
    let org = OrgId::parse(form.org.trim()).map_err(|_| Error::NotFound)?;
    if !who.memberships.iter().any(|m| m.org_id == org) {
        return Err(Error::NotFound);
    }
    state
        .store()
        .switch_session_org(&who.session.id_hash, &who.user.id, &org)
        .await?;
    Ok(see_other("/"))
}

/// One organisation in the overview.
#[derive(Debug, Clone)]
pub struct OrgLine {
    pub id: String,
    pub name: String,
    pub role: &'static str,
    pub current: bool,
    pub open_incidents: usize,
    pub overdue: usize,
    pub findings: SeverityCounts,
    pub mailboxes: usize,
}

#[derive(Template)]
#[template(path = "organisations.html")]
pub(super) struct OverviewPage {
    chrome: Chrome,
    orgs: Vec<OrgLine>,
    /// Shown when the organisation worked on is an IT provider.
    provider: Option<ProviderPanel>,
}

/// `GET /organisations`
pub async fn overview(
    State(state): State<AppState>,
    who: SignedIn,
    client: ClientInfo,
) -> Result<Response, Error> {
    let panel = ProviderPanel::for_visit(&state, &who).await?;
    render(&overview_page(&state, &who, &who.memberships, &client, panel).await?)
}

/// The overview of `memberships` (those of the request, or read again after a commune was
/// added), with the provider's panel when there is one.
pub(super) async fn overview_page(
    state: &AppState,
    who: &SignedIn,
    memberships: &[MembershipRecord],
    client: &ClientInfo,
    provider: Option<ProviderPanel>,
) -> Result<OverviewPage, Error> {
    let now = Utc::now();
    let mut orgs = Vec::new();
    for m in memberships {
        let incidents = state.incidents(&m.org_id).list(now).await?;
        let open: Vec<_> = incidents.iter().filter(|v| v.status != "clos").collect();
        let overdue = open
            .iter()
            .filter(|v| {
                v.deadlines.iter().any(|d| {
                    d.applies
                        && !d.met
                        && matches!(
                            d.status,
                            Some(vigie_incident::deadline::DeadlineStatus::Overdue(_))
                        )
                })
            })
            .count();
        let mut findings = SeverityCounts::default();
        for c in state.store().latest_mailbox_checks(&m.org_id).await? {
            findings.add(&c.counts);
        }
        let mailboxes = state.store().mailboxes(&m.org_id).await?.len();
        if m.role == Role::Prestataire && m.org_id != who.membership.org_id {
            // The current organisation's visit is already logged by the extractor.
            record_org_event(
                state,
                &m.org_id,
                &who.user,
                "acces_prestataire",
                "Accès du prestataire : vue d'ensemble (incidents et constats)".into(),
                client,
            )
            .await?;
        }
        orgs.push(OrgLine {
            id: m.org_id.as_str().to_owned(),
            name: m.org_name.clone(),
            role: super::role_label(m.role, who.lang),
            current: m.org_id == who.membership.org_id,
            open_incidents: open.len(),
            overdue,
            findings,
            mailboxes,
        });
    }
    Ok(OverviewPage {
        chrome: Chrome::signed_in(who.lang.t("Vue d'ensemble"), who, "organisations"),
        orgs,
        provider,
    })
}

/// `GET /api/organisations`: the user's organisations and role in each, the current one marked.
pub async fn api_list(who: SignedIn) -> Result<axum::Json<serde_json::Value>, Error> {
    let orgs: Vec<_> = who
        .memberships
        .iter()
        .map(|m| {
            serde_json::json!({
                "id": m.org_id,
                "nom": m.org_name,
                "role": m.role,
                "courante": m.org_id == who.membership.org_id,
            })
        })
        .collect();
    Ok(axum::Json(serde_json::json!({
        "schema": "vigie.organisations.v1",
        "organisations": orgs,
    })))
}
