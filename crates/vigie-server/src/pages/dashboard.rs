//! The dashboard: the organisation's state at a glance — open incidents with their live
//! countdowns, the steps still to do.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::Utc;
use vigie_incident::deadline::DeadlineStatus;
use vigie_incident::service::{DeadlineView, IncidentView};

use super::{Chrome, render};
use crate::auth::SignedIn;
use crate::error::Error;
use crate::state::AppState;

/// A deadline as a page shows it.
#[derive(Debug, Clone)]
pub struct DeadlineLine {
    /// « Notification à la CNIL ».
    pub label: String,
    /// « il reste 2 j 4 h (échéance : …) ».
    pub summary: String,
    /// `depasse`, `proche`, `fait` or `normal` (CSS class).
    pub css: &'static str,
    /// RFC 3339 due time, for the live countdown script.
    pub due_iso: Option<String>,
}

impl DeadlineLine {
    /// From the engine's view.
    pub fn from_view(d: &DeadlineView) -> DeadlineLine {
        let css = if d.met {
            "fait"
        } else {
            match d.status {
                Some(DeadlineStatus::Overdue(_)) => "depasse",
                Some(DeadlineStatus::Remaining(left)) if left.num_hours() < 24 => "proche",
                _ => "normal",
            }
        };
        DeadlineLine {
            label: d.label.clone(),
            summary: d.summary.clone(),
            css,
            due_iso: if d.met {
                None
            } else {
                d.due.map(|t| t.to_rfc3339())
            },
        }
    }
}

/// An incident in a list.
#[derive(Debug, Clone)]
pub struct IncidentLine {
    pub id: String,
    pub reference: String,
    pub title: String,
    pub status: String,
    pub declared: String,
    pub deadlines: Vec<DeadlineLine>,
}

impl IncidentLine {
    /// From the engine's view (only the deadlines that apply).
    pub fn from_view(v: &IncidentView) -> IncidentLine {
        IncidentLine {
            id: v.id.clone(),
            reference: v.reference.clone(),
            title: v.title.clone(),
            status: v.status.clone(),
            declared: super::paris(v.declared_at),
            deadlines: v
                .deadlines
                .iter()
                .filter(|d| d.applies)
                .map(DeadlineLine::from_view)
                .collect(),
        }
    }
}

/// A step to do.
#[derive(Debug, Clone)]
pub struct Task {
    pub incident_id: String,
    pub reference: String,
    pub title: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    chrome: Chrome,
    open: Vec<IncidentLine>,
    tasks: Vec<Task>,
}

/// `GET /`
pub async fn show(State(state): State<AppState>, who: SignedIn) -> Result<Response, Error> {
    let incidents = state.incidents(who.org()).list(Utc::now()).await?;
    let open: Vec<&IncidentView> = incidents.iter().filter(|v| v.status != "clos").collect();
    let tasks = open
        .iter()
        .flat_map(|v| {
            v.checklist
                .iter()
                .filter(|s| s.done.is_none() && s.deadline.is_some())
                .map(|s| Task {
                    incident_id: v.id.clone(),
                    reference: v.reference.clone(),
                    title: s.title.clone(),
                })
        })
        .collect();
    render(&DashboardPage {
        chrome: Chrome::signed_in("Tableau de bord", &who, "tableau"),
        open: open.into_iter().map(IncidentLine::from_view).collect(),
        tasks,
    })
}
