//! The dashboard: the organisation's state at a glance — open incidents with their live
//! countdowns, the steps still to do, the open mailbox findings by severity with the last
//! check, and a chart of findings over time.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use base64::Engine as _;
use chrono::Utc;
use vigie_incident::deadline::{DeadlineId, DeadlineStatus};
use vigie_incident::playbook::Playbook;
use vigie_incident::service::{DeadlineView, IncidentView};
use vigie_store::{CheckPoint, SeverityCounts};

use super::{Chrome, render};
use crate::auth::SignedIn;
use crate::error::Error;
use crate::i18n::Lang;
use crate::state::AppState;

/// A deadline as a page shows it.
#[derive(Debug, Clone)]
pub struct DeadlineLine {
    /// « Notification à la CNIL », in the page's language when the engine has it.
    pub label: String,
    /// The label is the engine's French (marked `lang="fr"` on an English page).
    pub label_fr: bool,
    /// « il reste 2 j 4 h (échéance : …) », in the page's language.
    pub summary: String,
    /// `depasse`, `proche`, `fait` or `normal` (CSS class).
    pub css: &'static str,
    /// RFC 3339 due time, for the live countdown script.
    pub due_iso: Option<String>,
}

/// A duration as the English countdown writes it (the French one is the engine's own).
fn english_duration(d: chrono::TimeDelta) -> String {
    let minutes = d.num_minutes().unsigned_abs();
    let (days, hours, mins) = (minutes / 1440, (minutes % 1440) / 60, minutes % 60);
    match (days, hours, mins) {
        (0, 0, 0) => "less than a minute".to_owned(),
        (0, 0, m) => format!("{m} min"),
        (0, h, 0) => format!("{h} h"),
        (0, h, m) => format!("{h} h {m} min"),
        (d, 0, _) => format!("{d} d"),
        (d, h, _) => format!("{d} d {h} h"),
    }
}

/// What is left of a deadline, in `lang`: the engine writes French, the English sentence is
/// built here from the same status and due time.
fn summary(d: &DeadlineView, lang: Lang) -> String {
    if lang == Lang::Fr {
        return d.summary.clone();
    }
    if d.met {
        return lang.t("fait").to_owned();
    }
    match (d.due, &d.status) {
        (Some(due), Some(DeadlineStatus::Remaining(left))) => lang.tf(
            "échéance : {date} (heure de Paris), il reste {duree}",
            &[
                ("date", &lang.date_time(due)),
                ("duree", &english_duration(*left)),
            ],
        ),
        (Some(due), Some(DeadlineStatus::Overdue(late))) => lang.tf(
            "échéance : {date} (heure de Paris), dépassé de {duree}",
            &[
                ("date", &lang.date_time(due)),
                ("duree", &english_duration(*late)),
            ],
        ),
        _ => lang
            .t("dans les meilleurs délais (pas d'heure limite fixe)")
            .to_owned(),
    }
}

impl DeadlineLine {
    /// From the engine's view.
    pub fn from_view(d: &DeadlineView, lang: Lang) -> DeadlineLine {
        let css = if d.met {
            "fait"
        } else {
            match d.status {
                Some(DeadlineStatus::Overdue(_)) => "depasse",
                Some(DeadlineStatus::Remaining(left)) if left.num_hours() < 24 => "proche",
                _ => "normal",
            }
        };
        // The engine's view is French; the label is taken again from the deadline's id in the
        // page's language. An id the engine no longer knows keeps its French label.
        let translated = (lang != Lang::Fr)
            .then(|| DeadlineId::from_id(&d.id).and_then(|id| id.label_in(lang.code())))
            .flatten();
        DeadlineLine {
            label: translated.map_or_else(|| d.label.clone(), str::to_owned),
            label_fr: translated.is_none(),
            summary: summary(d, lang),
            css,
            due_iso: if d.met {
                None
            } else {
                d.due.map(|t| t.to_rfc3339())
            },
        }
    }
}

/// An incident's playbook in the reader's language, for a language other than French when
/// the playbook is complete in it ([`Playbook::in_language`]). `None` means the engine's French
/// texts are shown, marked `lang="fr"` on an English page.
pub fn translated_playbook(playbooks: &[Playbook], id: &str, lang: Lang) -> Option<Playbook> {
    if lang == Lang::Fr {
        return None;
    }
    playbooks
        .iter()
        .find(|p| p.id == id)?
        .in_language(lang.code())
}

/// An incident in a list.
#[derive(Debug, Clone)]
pub struct IncidentLine {
    pub id: String,
    pub reference: String,
    /// As the user typed it.
    pub title: String,
    /// The title of the playbook followed.
    pub playbook_title: String,
    /// The playbook's title is the engine's French.
    pub playbook_fr: bool,
    pub status: String,
    pub declared: String,
    pub deadlines: Vec<DeadlineLine>,
}

impl IncidentLine {
    /// From the engine's view (only the deadlines that apply), with the incident's playbook in
    /// the page's language when there is one (see [`translated_playbook`]).
    pub fn from_view(v: &IncidentView, lang: Lang, translated: Option<&Playbook>) -> IncidentLine {
        IncidentLine {
            id: v.id.clone(),
            reference: v.reference.clone(),
            title: v.title.clone(),
            playbook_title: translated
                .map_or_else(|| v.playbook_title.clone(), |p| p.title.clone()),
            playbook_fr: translated.is_none(),
            status: incident_status(&v.status, lang),
            declared: lang.date_time(v.declared_at),
            deadlines: v
                .deadlines
                .iter()
                .filter(|d| d.applies)
                .map(|d| DeadlineLine::from_view(d, lang))
                .collect(),
        }
    }
}

/// An incident's state in words: the engine's two states are translated, any other word a
/// user set stays as written.
pub fn incident_status(status: &str, lang: Lang) -> String {
    match status {
        "ouvert" => lang.t("ouvert").to_owned(),
        "clos" => lang.t("clos").to_owned(),
        other => other.to_owned(),
    }
}

/// A step to do.
#[derive(Debug, Clone)]
pub struct Task {
    pub incident_id: String,
    pub reference: String,
    /// The step's title.
    pub title: String,
    /// The title is the engine's French.
    pub title_fr: bool,
}

/// The mailboxes' side of the dashboard.
#[derive(Debug, Clone, Default)]
pub struct MailboxSummary {
    /// How many mailboxes are followed.
    pub mailboxes: usize,
    /// Findings of each mailbox's latest check, added up.
    pub open: SeverityCounts,
    /// When the most recent check finished.
    pub last_check: Option<String>,
    /// The chart of findings over time, as a `data:` URL (an SVG image), when there is history.
    pub chart: Option<String>,
    /// What the chart shows, for screen readers.
    pub chart_text: String,
}

/// Days of history in the chart.
const CHART_DAYS: i64 = 90;

/// For each day with a check in the last [`CHART_DAYS`], the findings the organisation had
/// that evening: each mailbox counts with its latest check on or before that day.
pub fn findings_per_day(points: &[CheckPoint]) -> Vec<(String, u64)> {
    let paris = chrono_tz::Europe::Paris;
    let mut latest: BTreeMap<&str, u64> = BTreeMap::new();
    let mut days: Vec<(chrono::NaiveDate, u64)> = Vec::new();
    for p in points {
        latest.insert(&p.mailbox_id, p.counts.total());
        let day = p.finished_at.with_timezone(&paris).date_naive();
        let total = latest.values().sum();
        match days.last_mut() {
            Some((d, t)) if *d == day => *t = total,
            _ => days.push((day, total)),
        }
    }
    days.into_iter()
        .map(|(d, t)| (d.format("%d/%m").to_string(), t))
        .collect()
}

async fn mailbox_summary(state: &AppState, who: &SignedIn) -> Result<MailboxSummary, Error> {
    let store = state.store();
    let mailboxes = store.mailboxes(who.org()).await?.len();
    let latest = store.latest_mailbox_checks(who.org()).await?;
    let mut open = SeverityCounts::default();
    for c in &latest {
        open.add(&c.counts);
    }
    let last_check = latest
        .iter()
        .map(|c| c.finished_at)
        .max()
        .map(|t| who.lang.date_time(t));
    let points = store
        .check_points(who.org(), Utc::now() - chrono::Duration::days(CHART_DAYS))
        .await?;
    let per_day = findings_per_day(&points);
    let chart_text = per_day
        .iter()
        .map(|(d, n)| format!("{d} : {n}"))
        .collect::<Vec<_>>()
        .join(", ");
    let chart = (per_day.len() >= 2).then(|| {
        let svg = vigie_mail::report::charts::vertical_bars_of(
            who.lang.t("Constats ouverts, jour après jour"),
            who.lang.t("constats"),
            &per_day,
        );
        format!(
            "data:image/svg+xml;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(svg)
        )
    });
    Ok(MailboxSummary {
        mailboxes,
        open,
        last_check,
        chart,
        chart_text,
    })
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    chrome: Chrome,
    open: Vec<IncidentLine>,
    tasks: Vec<Task>,
    mail: MailboxSummary,
}

/// `GET /`
pub async fn show(State(state): State<AppState>, who: SignedIn) -> Result<Response, Error> {
    let service = state.incidents(who.org());
    let incidents = service.list(Utc::now()).await?;
    let open: Vec<(&IncidentView, Option<Playbook>)> = incidents
        .iter()
        .filter(|v| v.status != "clos")
        .map(|v| {
            (
                v,
                translated_playbook(service.playbooks(), &v.playbook, who.lang),
            )
        })
        .collect();
    let tasks = open
        .iter()
        .flat_map(|(v, translated)| {
            v.checklist
                .iter()
                .filter(|s| s.done.is_none() && s.deadline.is_some())
                .map(move |s| {
                    // Steps are matched by id: the translation has the same steps.
                    let step = translated.as_ref().and_then(|p| p.step(&s.id));
                    Task {
                        incident_id: v.id.clone(),
                        reference: v.reference.clone(),
                        title: step.map_or_else(|| s.title.clone(), |t| t.title.clone()),
                        title_fr: step.is_none(),
                    }
                })
        })
        .collect();
    render(&DashboardPage {
        chrome: Chrome::signed_in(who.lang.t("Tableau de bord"), &who, "tableau"),
        open: open
            .iter()
            .map(|(v, translated)| IncidentLine::from_view(v, who.lang, translated.as_ref()))
            .collect(),
        tasks,
        mail: mailbox_summary(&state, &who).await?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;

    fn point(mailbox: &str, day: u32, hour: u32, high: u64) -> CheckPoint {
        CheckPoint {
            mailbox_id: mailbox.to_owned(),
            finished_at: Utc.with_ymd_and_hms(2026, 3, day, hour, 0, 0).unwrap(),
            counts: SeverityCounts {
                high,
                ..SeverityCounts::default()
            },
        }
    }

    #[test]
    fn each_mailbox_counts_with_its_latest_check_of_the_day_or_before() {
        let points = [
            point("a", 2, 8, 5),
            point("a", 2, 15, 3), // the same day, later: replaces the morning's
            point("b", 3, 9, 2),  // a's 3 carry over
            point("a", 5, 9, 0),  // a fixed: only b's 2
        ];
        assert_eq!(
            findings_per_day(&points),
            vec![
                ("02/03".to_owned(), 3),
                ("03/03".to_owned(), 5),
                ("05/03".to_owned(), 2)
            ]
        );
    }

    #[test]
    fn days_are_paris_days() {
        // 23:30 UTC on 2 March is 00:30 on 3 March in Paris.
        let late = CheckPoint {
            finished_at: Utc.with_ymd_and_hms(2026, 3, 2, 23, 30, 0).unwrap(),
            ..point("a", 2, 0, 1)
        };
        assert_eq!(findings_per_day(&[late])[0].0, "03/03");
        assert!(findings_per_day(&[]).is_empty());
    }
}
