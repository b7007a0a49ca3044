//! The mailbox-audit job: open the mailbox's sealed password, run the audit and the exposure
//! scan of `vigie-mail` in a blocking thread while an async loop writes its progress (and
//! renews the lease), then keep the HTML report in the blob store and return the counts.

use std::io::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use vigie_mail::audit::full::{FullAuditOptions, Stage, audit_and_scan};
use vigie_mail::audit::run::AuditOptions;
use vigie_mail::audit::{AuditFinding, Severity};
use vigie_mail::net::{AccountUrl, ImapOptions};
use vigie_mail::scan::ScanOptions;
use vigie_store::{JobRecord, MailboxRecord, NewMailboxCheck, SeverityCounts};

use super::{REPORT_EVERY, lease_from_now};
use crate::state::AppState;

/// What the server key seals a mailbox password for: bound to the mailbox, so a sealed value
/// copied onto another row does not open.
pub fn seal_purpose(mailbox_id: &str) -> String {
    format!("mailbox:{mailbox_id}")
}

/// Findings by severity.
pub fn severity_counts(findings: &[AuditFinding]) -> SeverityCounts {
    let mut counts = SeverityCounts::default();
    for f in findings {
        match f.severity {
            Severity::Critical => counts.critical += 1,
            Severity::High => counts.high += 1,
            Severity::Medium => counts.medium += 1,
            Severity::Low => counts.low += 1,
            Severity::Info => counts.info += 1,
        }
    }
    counts
}

/// A finished check, before it is written with the job.
#[derive(Debug)]
pub struct CheckOutcome {
    complete: bool,
    counts: SeverityCounts,
    messages: u64,
    audit_json: String,
    report_sha256: Option<String>,
}

impl CheckOutcome {
    /// The store's form of it.
    pub fn as_new<'a>(&'a self, job_id: &'a str) -> NewMailboxCheck<'a> {
        NewMailboxCheck {
            job_id,
            complete: self.complete,
            counts: self.counts,
            messages: self.messages,
            audit_json: &self.audit_json,
            report_sha256: self.report_sha256.as_deref(),
        }
    }
}

/// Where the blocking audit is, read by the progress loop.
#[derive(Default)]
struct Progress {
    stage: &'static str,
    done: u64,
    total: u64,
}

/// Runs the job. `Err` is the French reason it failed (shown to the user as is).
pub async fn run(
    state: &AppState,
    worker: &str,
    job: &JobRecord,
) -> Result<Option<CheckOutcome>, String> {
    let store = state.store();
    let mailbox = store
        .mailbox(&job.org_id, &job.subject_id)
        .await
        .map_err(|e| {
            if e.is_not_found() {
                "La boîte aux lettres a été supprimée entre-temps.".to_owned()
            } else {
                format!("Lecture de la boîte aux lettres impossible : {e}")
            }
        })?;
    let org_name = store
        .organisation(&job.org_id)
        .await
        .map(|o| o.name)
        .unwrap_or_default();
    let password = state
        .key()
        .open(&seal_purpose(&mailbox.id), &mailbox.secret_sealed)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(|| {
            "Le mot de passe enregistré de cette boîte ne peut pas être déchiffré (la clé du \
             serveur a changé ?) : supprimez la boîte et ajoutez-la de nouveau."
                .to_owned()
        })?;

    let progress = Arc::new(Mutex::new(Progress::default()));
    let stop = Arc::new(AtomicBool::new(false));
    let blocking = {
        let progress = Arc::clone(&progress);
        let stop = Arc::clone(&stop);
        let names = vec![org_name, mailbox.label.clone()];
        tokio::task::spawn_blocking(move || {
            audit_blocking(&mailbox, &password, names, &progress, &stop)
        })
    };
    let reporter = {
        let state = state.clone();
        let worker = worker.to_owned();
        let job_id = job.id.clone();
        let progress = Arc::clone(&progress);
        let stop = Arc::clone(&stop);
        tokio::spawn(async move {
            report_progress(&state, &worker, &job_id, &progress, &stop).await;
        })
    };
    // If this future is dropped (the server stops), the audit thread stops at its next message.
    let _stop_on_drop = StopOnDrop(Arc::clone(&stop));
    let result = blocking.await;
    reporter.abort();
    let audit = match result {
        Ok(audit) => audit?,
        Err(_) => return Err("Erreur interne de Vigie pendant le contrôle (signalez-la).".into()),
    };

    let report_sha256 = match &audit.scan_html {
        Some(html) => {
            let blobs = state.blobs().clone();
            let html = html.clone();
            let stored = tokio::task::spawn_blocking(move || {
                blobs.put_stream(&mut std::io::Cursor::new(html.into_bytes()))
            })
            .await;
            match stored {
                Ok(Ok(blob)) => Some(blob.sha256),
                Ok(Err(e)) => return Err(format!("Le rapport n'a pas pu être enregistré : {e}")),
                Err(_) => return Err("Erreur interne de Vigie pendant l'enregistrement.".into()),
            }
        }
        None => None,
    };
    Ok(Some(CheckOutcome {
        report_sha256,
        ..audit.outcome
    }))
}

struct StopOnDrop(Arc<AtomicBool>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// Writes the progress every [`REPORT_EVERY`]; when the job is no longer this worker's, asks the
/// audit to stop.
async fn report_progress(
    state: &AppState,
    worker: &str,
    job_id: &str,
    progress: &Mutex<Progress>,
    stop: &AtomicBool,
) {
    loop {
        let (stage, done, total) = match progress.lock() {
            Ok(p) => (p.stage, p.done, p.total),
            Err(_) => return,
        };
        match state
            .store()
            .report_job_progress(job_id, worker, stage, done, total, lease_from_now())
            .await
        {
            Ok(true) => {}
            Ok(false) => {
                stop.store(true, Ordering::SeqCst);
                return;
            }
            // A database hiccup: keep going, the next report may pass before the lease ends.
            Err(e) => eprintln!("vigie serve : progression de la tâche {job_id} : {e}"),
        }
        tokio::time::sleep(REPORT_EVERY).await;
    }
}

struct BlockingAudit {
    outcome: CheckOutcome,
    scan_html: Option<String>,
}

fn audit_blocking(
    mailbox: &MailboxRecord,
    password: &str,
    org_names: Vec<String>,
    progress: &Mutex<Progress>,
    stop: &AtomicBool,
) -> Result<BlockingAudit, String> {
    let account = AccountUrl::parse(&mailbox.account_url)
        .map_err(|e| format!("Adresse de la boîte invalide : {e}"))?;
    // A private certificate authority is handed to the connector as a file.
    let ca_file = match &mailbox.ca_pem {
        Some(pem) => {
            let mut file = tempfile::NamedTempFile::new()
                .map_err(|e| format!("Fichier temporaire impossible : {e}"))?;
            file.write_all(pem.as_bytes())
                .map_err(|e| format!("Fichier temporaire impossible : {e}"))?;
            Some(file)
        }
        None => None,
    };
    let now = Utc::now();
    let options = FullAuditOptions {
        audit: AuditOptions {
            imap: ImapOptions {
                timeout: Duration::from_secs(30),
                insecure_plaintext: mailbox.insecure_plaintext,
                ca_file: ca_file.as_ref().map(|f| f.path().to_path_buf()),
            },
            sieve_port: mailbox.sieve_port,
            org_names: org_names.into_iter().filter(|n| !n.is_empty()).collect(),
        },
        scan: Some(ScanOptions {
            retention_years: mailbox.retention_years,
            now,
            // One scanning thread per job: a small server shares its cores with the web pages.
            workers: 1,
            ..ScanOptions::default()
        }),
        // Every check reads the whole mailbox: the result does not depend on which server ran
        // the previous one.
        state_path: None,
        full: true,
    };
    let audit = audit_and_scan(
        &account,
        password,
        &options,
        now,
        &|stage| {
            if let Ok(mut p) = progress.lock() {
                match stage {
                    Stage::Checks => p.stage = "Connexion et lecture des filtres",
                    Stage::Scan { done, total } => {
                        p.stage = "Analyse des messages";
                        p.done = done;
                        p.total = total;
                    }
                }
            }
        },
        &|| stop.load(Ordering::SeqCst),
    );
    if audit.not_connected
        && !audit
            .report
            .findings
            .iter()
            .any(|f| f.id.starts_with("tls."))
    {
        let reason = audit
            .error
            .map(|e| e.to_string())
            .unwrap_or_else(|| "connexion impossible".to_owned());
        return Err(format!("Connexion à la boîte impossible : {reason}"));
    }
    let mut report = audit.report;
    let complete = audit.scan.as_ref().is_some_and(|s| s.complete) && audit.error.is_none();
    if audit.not_connected {
        report.notes.push(
            "La connexion n'a pas pu être établie de façon sûre : les filtres et les messages \
             n'ont pas été lus."
                .to_owned(),
        );
    }
    let audit_json = serde_json::to_string(&report)
        .map_err(|e| format!("Rapport impossible à enregistrer : {e}"))?;
    Ok(BlockingAudit {
        outcome: CheckOutcome {
            complete,
            counts: severity_counts(&report.findings),
            messages: audit.scan.as_ref().map_or(0, |s| s.messages_scanned),
            audit_json,
            report_sha256: None,
        },
        scan_html: audit
            .scan
            .as_ref()
            .map(vigie_mail::report::html::scan_report),
    })
}
