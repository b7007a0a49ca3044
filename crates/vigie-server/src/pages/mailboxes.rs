//! « Messagerie »: the organisation's mailboxes, their checks (the audit and exposure scan of
//! `vigie-mail`, run as background jobs) and their findings with « pourquoi » and « que faire »,
//! plus the same operations in the JSON API.
//!
//! A mailbox password is sealed with the server key (kept outside the database) as soon as the
//! form is read; it is never shown again, never logged, never sent back in a page or the API.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::header::{CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use serde::Deserialize;
use vigie_mail::audit::{AuditFinding, AuditReport, Severity};
use vigie_mail::net::{AccountUrl, Security};
use vigie_store::{
    JobKind, JobRecord, JobStatus, MailboxCheckRecord, MailboxRecord, NewJob, NewMailbox,
};

use super::{Chrome, FieldErrors, render, render_status, see_other};
use crate::auth::SignedIn;
use crate::error::Error;
use crate::i18n::Lang;
use crate::jobs::seal_purpose;
use crate::state::AppState;

/// The form (and API body) that adds a mailbox.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MailboxForm {
    /// The name people know it by.
    #[serde(default)]
    pub libelle: String,
    /// The login, usually the e-mail address.
    #[serde(default)]
    pub identifiant: String,
    /// The IMAP server's name.
    #[serde(default)]
    pub serveur: String,
    /// Empty: the usual port for the security mode.
    #[serde(default)]
    pub port: String,
    /// `tls` (imaps, port 993) or `starttls` (imap, port 143).
    #[serde(default)]
    pub securite: String,
    #[serde(default)]
    pub mot_de_passe: String,
    /// Empty: 4190.
    #[serde(default)]
    pub port_sieve: String,
    /// An extra certificate authority (PEM), for a private server.
    #[serde(default)]
    pub autorite_pem: String,
    /// Years after which a message counts as kept too long (default 2).
    #[serde(default)]
    pub conservation_annees: String,
}

/// A form that passed validation.
struct ValidMailbox {
    label: String,
    account: AccountUrl,
    password: String,
    sieve_port: u16,
    ca_pem: Option<String>,
    retention_years: u32,
}

fn parse_port(text: &str) -> Option<Option<u16>> {
    let t = text.trim();
    if t.is_empty() {
        return Some(None);
    }
    t.parse::<u16>().ok().filter(|p| *p > 0).map(Some)
}

/// Checks the form; the messages are in `lang` (French for the API).
fn validate(form: &MailboxForm, lang: Lang) -> Result<ValidMailbox, FieldErrors> {
    let mut errors = FieldErrors::default();
    let label = form.libelle.trim();
    if label.is_empty() || label.chars().count() > 100 {
        errors.add(
            "libelle",
            lang.t("Donnez un nom à cette boîte (par exemple « Mairie — secrétariat »), 100 caractères au plus."),
        );
    }
    let security = match form.securite.trim() {
        "" | "tls" => Some(Security::ImplicitTls),
        "starttls" => Some(Security::StartTls),
        _ => {
            errors.add(
                "securite",
                lang.t("Choisissez le chiffrement dans la liste."),
            );
            None
        }
    };
    let port = parse_port(&form.port);
    if port.is_none() {
        errors.add(
            "port",
            lang.t("Le port est un nombre entre 1 et 65535 (laissez vide pour la valeur habituelle : 993)."),
        );
    }
    let sieve_port = parse_port(&form.port_sieve);
    if sieve_port.is_none() {
        errors.add(
            "port_sieve",
            lang.t("Le port des filtres est un nombre entre 1 et 65535 (laissez vide : 4190)."),
        );
    }
    let user = form.identifiant.trim();
    if user.is_empty() {
        errors.add(
            "identifiant",
            lang.t("Indiquez l'identifiant de connexion, le plus souvent l'adresse électronique."),
        );
    }
    let host = form.serveur.trim();
    if host.is_empty() {
        errors.add(
            "serveur",
            lang.t("Indiquez le serveur IMAP (par exemple imap.orange.fr ; votre prestataire le connaît)."),
        );
    }
    let account = match (security, port, user.is_empty() || host.is_empty()) {
        (Some(security), Some(port), false) => match AccountUrl::new(security, user, host, port) {
            Ok(a) => Some(a),
            Err(e) => {
                errors.add(
                    "serveur",
                    lang.tf("Adresse du serveur invalide : {erreur}", &[("erreur", &e)]),
                );
                None
            }
        },
        _ => None,
    };
    if form.mot_de_passe.is_empty() {
        errors.add(
            "mot_de_passe",
            lang.t("Indiquez le mot de passe (ou mot de passe d'application) de la boîte."),
        );
    } else if form.mot_de_passe.len() > 1024 {
        errors.add(
            "mot_de_passe",
            lang.t("Ce mot de passe est trop long (1024 caractères au plus)."),
        );
    }
    let pem = form.autorite_pem.trim();
    let ca_pem = if pem.is_empty() {
        None
    } else if pem.contains("-----BEGIN CERTIFICATE-----") && pem.len() <= 64 * 1024 {
        Some(pem.to_owned())
    } else {
        errors.add(
            "autorite_pem",
            lang.t("Collez un certificat au format PEM (il commence par « -----BEGIN CERTIFICATE----- »), \
             ou laissez vide."),
        );
        None
    };
    let years = match form.conservation_annees.trim() {
        "" => Some(vigie_mail::scan::DEFAULT_RETENTION_YEARS),
        t => t.parse::<u32>().ok().filter(|y| (1..=50).contains(y)),
    };
    if years.is_none() {
        errors.add(
            "conservation_annees",
            lang.t("La durée de conservation est un nombre d'années entre 1 et 50 (2 par défaut)."),
        );
    }
    match (account, sieve_port, years, errors.is_empty()) {
        (Some(account), Some(sieve_port), Some(retention_years), true) => Ok(ValidMailbox {
            label: label.to_owned(),
            account,
            password: form.mot_de_passe.clone(),
            sieve_port: sieve_port.unwrap_or(4190),
            ca_pem,
            retention_years,
        }),
        _ => Err(errors),
    }
}

/// Seals the password, stores the mailbox and enqueues its first check.
async fn add(
    state: &AppState,
    who: &SignedIn,
    valid: ValidMailbox,
) -> Result<MailboxRecord, Error> {
    let id = uuid::Uuid::new_v4().to_string();
    let sealed = state
        .key()
        .seal(&seal_purpose(&id), valid.password.as_bytes());
    let url = valid.account.to_string();
    let mailbox = state
        .store()
        .create_mailbox(&NewMailbox {
            id: &id,
            org_id: who.org(),
            label: &valid.label,
            account_url: &url,
            secret_sealed: &sealed,
            sieve_port: valid.sieve_port,
            insecure_plaintext: false,
            ca_pem: valid.ca_pem.as_deref(),
            retention_years: valid.retention_years,
            created_by: &who.user.display_name,
        })
        .await?;
    enqueue_check(state, who, &mailbox.id).await?;
    Ok(mailbox)
}

async fn enqueue_check(
    state: &AppState,
    who: &SignedIn,
    mailbox_id: &str,
) -> Result<JobRecord, Error> {
    let (job, _) = state
        .store()
        .enqueue_job(&NewJob {
            org_id: who.org(),
            kind: JobKind::MailboxAudit,
            subject_id: mailbox_id,
            requested_by: &who.user.display_name,
        })
        .await?;
    state.wake_workers();
    Ok(job)
}

// ---------------------------------------------------------------------------------------------
// What the pages show.

/// How urgent a severity is, in plain words.
fn urgency(severity: Severity, lang: Lang) -> &'static str {
    lang.t(match severity {
        Severity::Critical => "À traiter aujourd'hui",
        Severity::High => "À traiter cette semaine",
        Severity::Medium => "À prévoir",
        Severity::Low => "À surveiller",
        Severity::Info => "Pour information",
    })
}

/// The severity's name (the library's label is French only).
fn severity_label(severity: Severity, lang: Lang) -> &'static str {
    lang.t(match severity {
        Severity::Critical => "critique",
        Severity::High => "élevée",
        Severity::Medium => "moyenne",
        Severity::Low => "faible",
        Severity::Info => "information",
    })
}

/// Where a job is, in words (the store's label is French only).
fn status_label(status: JobStatus, lang: Lang) -> &'static str {
    lang.t(match status {
        JobStatus::Queued => "En attente",
        JobStatus::Running => "En cours",
        JobStatus::Done => "Terminé",
        JobStatus::Failed => "Échec",
    })
}

fn severity_css(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "critique",
        Severity::High => "elevee",
        Severity::Medium => "moyenne",
        Severity::Low => "faible",
        Severity::Info => "info",
    }
}

/// A finding as the page shows it.
#[derive(Debug, Clone)]
pub struct FindingLine {
    pub id: String,
    pub severity: &'static str,
    pub css: &'static str,
    pub urgency: &'static str,
    /// The finding's words are French on a page in another language (a report stored before
    /// findings had translations): the page marks them `lang="fr"` for screen readers.
    pub in_french: bool,
    pub title: String,
    pub why: String,
    pub what_to_do: Vec<String>,
}

impl FindingLine {
    fn from_finding(f: &AuditFinding, lang: Lang) -> FindingLine {
        // The words in the reader's language when the audit wrote them, French otherwise.
        let (text, in_reader_language) = f.text_in(lang.code());
        FindingLine {
            id: f.id.clone(),
            severity: severity_label(f.severity, lang),
            css: severity_css(f.severity),
            urgency: urgency(f.severity, lang),
            in_french: !in_reader_language,
            title: text.title,
            why: text.detail,
            // Remediations are written as steps, one per line.
            what_to_do: text
                .remediation
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect(),
        }
    }
}

/// A job as the page shows it.
#[derive(Debug, Clone)]
pub struct JobLine {
    pub id: String,
    pub status: &'static str,
    pub pending: bool,
    pub failed: bool,
    /// The worker's description of the stage (French); false for the page's own words.
    pub stage_in_french: bool,
    pub stage: String,
    pub done: u64,
    pub total: u64,
    pub percent: u64,
    pub error: String,
    pub created: String,
    pub requested_by: String,
}

impl JobLine {
    fn from_record(j: &JobRecord, lang: Lang) -> JobLine {
        JobLine {
            id: j.id.clone(),
            status: status_label(j.status, lang),
            pending: j.status.is_pending(),
            failed: j.status == JobStatus::Failed,
            stage_in_french: !j.stage.is_empty(),
            stage: if j.stage.is_empty() {
                lang.t("En attente d'un emplacement libre").to_owned()
            } else {
                j.stage.clone()
            },
            done: j.progress_done,
            total: j.progress_total,
            percent: (j.progress_done * 100)
                .checked_div(j.progress_total)
                .unwrap_or(0)
                .min(100),
            error: j.error.clone().unwrap_or_default(),
            created: lang.date_time(j.created_at),
            requested_by: j.requested_by.clone(),
        }
    }
}

/// The latest check of a mailbox as the page shows it.
#[derive(Debug, Clone)]
pub struct CheckView {
    pub id: String,
    pub finished: String,
    pub complete: bool,
    pub messages: u64,
    pub findings: Vec<FindingLine>,
    /// The audit's notes, in French (the library writes them in French only).
    pub notes: Vec<String>,
    pub has_report: bool,
    pub counts: vigie_store::SeverityCounts,
    /// Some words of the check are shown in French on a page in another language.
    pub some_french: bool,
}

fn check_view(check: &MailboxCheckRecord, lang: Lang) -> CheckView {
    let report: Option<AuditReport> = serde_json::from_str(&check.audit_json).ok();
    let mut findings: Vec<&AuditFinding> = report.iter().flat_map(|r| &r.findings).collect();
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    let findings: Vec<FindingLine> = findings
        .into_iter()
        .map(|f| FindingLine::from_finding(f, lang))
        .collect();
    let notes = report.map(|r| r.notes).unwrap_or_default();
    CheckView {
        id: check.id.clone(),
        finished: lang.date_time(check.finished_at),
        complete: check.complete,
        messages: check.messages,
        some_french: lang != Lang::Fr
            && (findings.iter().any(|f| f.in_french) || !notes.is_empty()),
        findings,
        notes,
        has_report: check.report_sha256.is_some(),
        counts: check.counts,
    }
}

/// A mailbox in the list.
#[derive(Debug, Clone)]
pub struct MailboxLine {
    pub id: String,
    pub label: String,
    pub account: String,
    pub last_check: Option<String>,
    pub counts: Option<vigie_store::SeverityCounts>,
    pub pending: bool,
}

#[derive(Template)]
#[template(path = "mailboxes.html")]
struct ListPage {
    chrome: Chrome,
    mailboxes: Vec<MailboxLine>,
    can_write: bool,
}

#[derive(Template)]
#[template(path = "mailbox_new.html")]
struct NewPage {
    chrome: Chrome,
    form: MailboxForm,
    errors: FieldErrors,
}

#[derive(Template)]
#[template(path = "mailbox.html")]
struct MailboxPage {
    chrome: Chrome,
    m: MailboxRecord,
    current: Option<JobLine>,
    last_failure: Option<JobLine>,
    check: Option<CheckView>,
    history: Vec<JobLine>,
    can_write: bool,
}

// ---------------------------------------------------------------------------------------------
// Pages.

/// `GET /messagerie`
pub async fn list(State(state): State<AppState>, who: SignedIn) -> Result<Response, Error> {
    let store = state.store();
    let mailboxes = store.mailboxes(who.org()).await?;
    let checks = store.latest_mailbox_checks(who.org()).await?;
    let jobs = store.pending_jobs(who.org(), JobKind::MailboxAudit).await?;
    let mut lines = Vec::with_capacity(mailboxes.len());
    for m in &mailboxes {
        let check = checks.iter().find(|c| c.mailbox_id == m.id);
        let pending = jobs.contains_key(&m.id);
        lines.push(MailboxLine {
            id: m.id.clone(),
            label: m.label.clone(),
            account: m.account_url.clone(),
            last_check: check.map(|c| who.lang.date_time(c.finished_at)),
            counts: check.map(|c| c.counts),
            pending,
        });
    }
    let mut chrome = Chrome::signed_in(who.lang.t("Messagerie"), &who, "messagerie");
    chrome.refresh = lines.iter().any(|l| l.pending);
    render(&ListPage {
        chrome,
        mailboxes: lines,
        can_write: who.require_writer().is_ok(),
    })
}

/// `GET /messagerie/ajouter`
pub async fn new_form(who: SignedIn) -> Result<Response, Error> {
    who.require_writer()?;
    render(&NewPage {
        chrome: Chrome::signed_in(
            who.lang.t("Ajouter une boîte aux lettres"),
            &who,
            "messagerie",
        ),
        form: MailboxForm {
            securite: "tls".into(),
            conservation_annees: vigie_mail::scan::DEFAULT_RETENTION_YEARS.to_string(),
            ..MailboxForm::default()
        },
        errors: FieldErrors::default(),
    })
}

/// `POST /messagerie/ajouter`
pub async fn create(
    State(state): State<AppState>,
    who: SignedIn,
    Form(mut form): Form<MailboxForm>,
) -> Result<Response, Error> {
    who.require_writer()?;
    let refused = |mut form: MailboxForm, errors: FieldErrors| {
        // The password is never sent back in a page.
        form.mot_de_passe.clear();
        render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &NewPage {
                chrome: Chrome::signed_in(
                    who.lang.t("Ajouter une boîte aux lettres"),
                    &who,
                    "messagerie",
                ),
                form,
                errors,
            },
        )
    };
    let valid = match validate(&form, who.lang) {
        Ok(v) => v,
        Err(errors) => return refused(form, errors),
    };
    match add(&state, &who, valid).await {
        Ok(mailbox) => Ok(see_other(&format!("/messagerie/{}", mailbox.id))),
        Err(Error::Store(vigie_store::Error::AlreadyExists { .. })) => {
            let mut errors = FieldErrors::default();
            errors.add(
                "identifiant",
                who.lang
                    .t("Cette boîte (même identifiant, même serveur) est déjà suivie."),
            );
            form.mot_de_passe.clear();
            refused(form, errors)
        }
        Err(e) => Err(e),
    }
}

async fn mailbox_page(state: &AppState, who: &SignedIn, id: &str) -> Result<MailboxPage, Error> {
    let store = state.store();
    let m = store.mailbox(who.org(), id).await?;
    let jobs = store.jobs(who.org(), Some(&m.id), 10).await?;
    let check = store
        .latest_mailbox_checks(who.org())
        .await?
        .into_iter()
        .find(|c| c.mailbox_id == m.id);
    let current = jobs.iter().find(|j| j.status.is_pending());
    // A failure newer than the last result is shown above it.
    let last_failure = jobs.iter().find(|j| !j.status.is_pending()).filter(|j| {
        j.status == JobStatus::Failed
            && check
                .as_ref()
                .is_none_or(|c| j.finished_at.is_some_and(|f| f > c.finished_at))
    });
    let mut chrome = Chrome::signed_in(&m.label, who, "messagerie");
    chrome.refresh = current.is_some();
    Ok(MailboxPage {
        chrome,
        current: current.map(|j| JobLine::from_record(j, who.lang)),
        last_failure: last_failure.map(|j| JobLine::from_record(j, who.lang)),
        check: check.as_ref().map(|c| check_view(c, who.lang)),
        history: jobs
            .iter()
            .map(|j| JobLine::from_record(j, who.lang))
            .collect(),
        can_write: who.require_writer().is_ok(),
        m,
    })
}

/// `GET /messagerie/{id}`
pub async fn show(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, Error> {
    render(&mailbox_page(&state, &who, &id).await?)
}

/// `POST /messagerie/{id}/controles`
pub async fn run_check(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, Error> {
    who.require_writer()?;
    let m = state.store().mailbox(who.org(), &id).await?;
    enqueue_check(&state, &who, &m.id).await?;
    Ok(see_other(&format!("/messagerie/{}", m.id)))
}

/// `POST /messagerie/{id}/supprimer`
pub async fn delete(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, Error> {
    who.require_writer()?;
    state.store().delete_mailbox(who.org(), &id).await?;
    Ok(see_other("/messagerie"))
}

/// `GET /messagerie/{id}/controles/{check}/rapport`: the exposure scan's HTML report, sandboxed.
pub async fn report(
    State(state): State<AppState>,
    who: SignedIn,
    Path((id, check_id)): Path<(String, String)>,
) -> Result<Response, Error> {
    let check = state.store().mailbox_check(who.org(), &check_id).await?;
    if check.mailbox_id != id {
        return Err(Error::NotFound);
    }
    let sha = check.report_sha256.ok_or(Error::NotFound)?;
    let blobs = state.blobs().clone();
    let bytes = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, Error> {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut blobs.open(&sha)?, &mut buf).map_err(|source| {
            Error::Io {
                path: blobs.describe(),
                source,
            }
        })?;
        Ok(buf)
    })
    .await
    .map_err(|_| Error::NotFound)??;
    let mut response = bytes.into_response();
    let h = response.headers_mut();
    h.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(crate::security::REPORT_CSP),
    );
    Ok(response)
}

// ---------------------------------------------------------------------------------------------
// API.

fn mailbox_json(
    m: &MailboxRecord,
    check: Option<&MailboxCheckRecord>,
    job: Option<&JobRecord>,
) -> serde_json::Value {
    serde_json::json!({
        "id": m.id,
        "libelle": m.label,
        "compte": m.account_url,
        "port_sieve": m.sieve_port,
        "conservation_annees": m.retention_years,
        "ajoutee_par": m.created_by,
        "ajoutee_le": m.created_at,
        "dernier_controle": check.map(|c| serde_json::json!({
            "id": c.id,
            "termine_le": c.finished_at,
            "complet": c.complete,
            "messages": c.messages,
            "constats": c.counts,
            "rapport": serde_json::from_str::<serde_json::Value>(&c.audit_json).ok(),
        })),
        "tache_en_cours": job.map(job_json),
    })
}

fn job_json(j: &JobRecord) -> serde_json::Value {
    serde_json::json!({
        "id": j.id,
        "type": j.kind,
        "sujet": j.subject_id,
        "etat": j.status,
        "etape": j.stage,
        "fait": j.progress_done,
        "total": j.progress_total,
        "erreur": j.error,
        "demandee_par": j.requested_by,
        "creee_le": j.created_at,
        "terminee_le": j.finished_at,
    })
}

/// `GET /api/messagerie`
pub async fn api_list(
    State(state): State<AppState>,
    who: SignedIn,
) -> Result<Json<serde_json::Value>, Error> {
    let store = state.store();
    let checks = store.latest_mailbox_checks(who.org()).await?;
    let jobs = store.pending_jobs(who.org(), JobKind::MailboxAudit).await?;
    let mut out = Vec::new();
    for m in store.mailboxes(who.org()).await? {
        let check = checks.iter().find(|c| c.mailbox_id == m.id);
        out.push(mailbox_json(&m, check, jobs.get(&m.id)));
    }
    Ok(Json(serde_json::json!({
        "schema": "vigie.mailboxes.v1",
        "boites": out,
    })))
}

/// `POST /api/messagerie`: the form's fields as JSON; 422 with the field messages.
pub async fn api_create(
    State(state): State<AppState>,
    who: SignedIn,
    Json(body): Json<MailboxForm>,
) -> Result<Response, Error> {
    who.require_writer()?;
    // The API speaks French whatever the browser prefers.
    let valid = match validate(&body, Lang::Fr) {
        Ok(v) => v,
        Err(errors) => {
            return Ok(super::field_errors_json(
                "La boîte n'a pas été ajoutée : corrigez les champs indiqués.",
                &errors,
            ));
        }
    };
    let m = add(&state, &who, valid).await?;
    let job = state
        .store()
        .pending_job(who.org(), JobKind::MailboxAudit, &m.id)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(mailbox_json(&m, None, job.as_ref())),
    )
        .into_response())
}

/// `GET /api/messagerie/{id}`
pub async fn api_show(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, Error> {
    let store = state.store();
    let m = store.mailbox(who.org(), &id).await?;
    let check = store
        .latest_mailbox_checks(who.org())
        .await?
        .into_iter()
        .find(|c| c.mailbox_id == m.id);
    let job = store
        .pending_job(who.org(), JobKind::MailboxAudit, &m.id)
        .await?;
    Ok(Json(mailbox_json(&m, check.as_ref(), job.as_ref())))
}

/// `POST /api/messagerie/{id}/controles`: 202 with the job (the pending one if there is one).
pub async fn api_run_check(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, Error> {
    who.require_writer()?;
    let m = state.store().mailbox(who.org(), &id).await?;
    let job = enqueue_check(&state, &who, &m.id).await?;
    Ok((StatusCode::ACCEPTED, Json(job_json(&job))).into_response())
}

/// `GET /api/taches/{id}`: a job's progress.
pub async fn api_job(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, Error> {
    let job = state.store().job(who.org(), &id).await?;
    Ok(Json(job_json(&job)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use vigie_mail::audit::{FindingText, in_english};

    fn finding(english: bool) -> AuditFinding {
        AuditFinding {
            id: "tls.plaintext".into(),
            severity: Severity::Critical,
            title: "Titre".into(),
            detail: "Détail".into(),
            remediation: "1. Première étape.\n2. Deuxième étape.".into(),
            evidence: serde_json::Value::Null,
            translations: if english {
                in_english(FindingText::new(
                    "Title",
                    "Detail",
                    "1. First step.\n2. Second step.",
                ))
            } else {
                Default::default()
            },
        }
    }

    #[test]
    fn a_finding_reads_in_the_page_language_and_french_is_marked_only_on_english_pages() {
        let en = FindingLine::from_finding(&finding(true), Lang::En);
        assert_eq!((en.title.as_str(), en.why.as_str()), ("Title", "Detail"));
        assert_eq!(en.what_to_do, ["1. First step.", "2. Second step."]);
        assert!(!en.in_french);
        let fr = FindingLine::from_finding(&finding(true), Lang::Fr);
        assert_eq!(fr.title, "Titre");
        assert!(!fr.in_french, "a French page marks nothing");
        // A report stored before translations existed: French words, marked as such.
        let old = FindingLine::from_finding(&finding(false), Lang::En);
        assert_eq!(old.title, "Titre");
        assert!(old.in_french);
        assert!(!FindingLine::from_finding(&finding(false), Lang::Fr).in_french);
    }
}
