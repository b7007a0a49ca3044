//! The background workers: they take jobs from the database-backed queue
//! ([`vigie_store::Store::claim_job`]) and run them, and one scheduler enqueues the periodic
//! mailbox checks.
//!
//! Several server instances may share one PostgreSQL database: each names its workers
//! `<host>-<pid>-<random>`; the queue gives a job to one worker at a time, and a worker holds it
//! through a lease renewed with every progress report. If a server dies mid-job, the lease runs
//! out and another takes the job again (at most [`MAX_ATTEMPTS`] times in all).

mod mailbox_audit;

use std::time::Duration;

use chrono::Utc;
use tokio::task::JoinHandle;
use vigie_store::{JobKind, JobRecord, NewJob};

use crate::state::AppState;

/// How long a worker holds a job without reporting before another may take it.
pub const LEASE: Duration = Duration::from_secs(120);
/// How often a worker reports progress (and renews its lease).
pub const REPORT_EVERY: Duration = Duration::from_secs(1);
/// How often idle workers look for work queued by other servers.
pub const POLL_EVERY: Duration = Duration::from_secs(1);
/// Takes of one job, in all, before it is given up.
pub const MAX_ATTEMPTS: u32 = 3;

/// The worker name of this process: host, process id and a random suffix (two servers on one
/// host, or a restarted one, never share a name).
pub fn instance_name() -> String {
    let host = std::fs::read_to_string("/etc/hostname")
        .map(|h| h.trim().to_owned())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "vigie".to_owned());
    let suffix: u32 = rand::random();
    format!("{host}-{}-{suffix:08x}", std::process::id())
}

fn lease_from_now() -> chrono::DateTime<Utc> {
    Utc::now() + chrono::Duration::from_std(LEASE).unwrap_or(chrono::Duration::minutes(2))
}

/// Starts `state.config().workers` workers and the periodic-check scheduler. The handles are
/// aborted when the server stops.
pub fn spawn(state: &AppState) -> Vec<JoinHandle<()>> {
    let instance = instance_name();
    let mut handles: Vec<JoinHandle<()>> = (0..state.config().workers)
        .map(|n| {
            let state = state.clone();
            let name = format!("{instance}/{n}");
            tokio::spawn(async move { worker_loop(state, name).await })
        })
        .collect();
    if state.config().workers > 0 {
        let state = state.clone();
        handles.push(tokio::spawn(async move { scheduler_loop(state).await }));
    }
    handles
}

async fn worker_loop(state: AppState, worker: String) {
    loop {
        let now = Utc::now();
        match state
            .store()
            .claim_job(&worker, now, lease_from_now(), MAX_ATTEMPTS)
            .await
        {
            Ok(Some(job)) => {
                run(&state, &worker, job).await;
                continue;
            }
            Ok(None) => {}
            Err(e) => eprintln!("vigie serve : file des tâches illisible : {e}"),
        }
        tokio::select! {
            _ = tokio::time::sleep(POLL_EVERY) => {}
            _ = state.job_enqueued() => {}
        }
    }
}

async fn run(state: &AppState, worker: &str, job: JobRecord) {
    let outcome = match job.kind {
        JobKind::MailboxAudit => mailbox_audit::run(state, worker, &job).await,
    };
    let now = Utc::now();
    let finished = match &outcome {
        Ok(check) => {
            let check = check.as_ref().map(|c| c.as_new(&job.id));
            state
                .store()
                .finish_job(&job.id, worker, Ok(check), now)
                .await
        }
        Err(reason) => {
            state
                .store()
                .finish_job(&job.id, worker, Err(reason), now)
                .await
        }
    };
    match finished {
        Ok(true) => {}
        Ok(false) => eprintln!(
            "vigie serve : la tâche {} n'était plus attribuée à ce serveur ; résultat ignoré",
            job.id
        ),
        Err(e) => eprintln!(
            "vigie serve : résultat de la tâche {} non enregistré : {e}",
            job.id
        ),
    }
}

/// Every minute: gives up jobs abandoned too often, and enqueues the mailbox checks that are
/// due. Two servers doing this at once enqueue each check once (one pending job per subject).
async fn scheduler_loop(state: AppState) {
    let mut every = tokio::time::interval(Duration::from_secs(60));
    loop {
        every.tick().await;
        let now = Utc::now();
        if let Err(e) = state.store().fail_abandoned_jobs(now, MAX_ATTEMPTS).await {
            eprintln!("vigie serve : tâches abandonnées : {e}");
        }
        let hours = state.config().recheck_hours;
        if hours == 0 {
            continue;
        }
        let due = match state
            .store()
            .mailboxes_due(now - chrono::Duration::hours(hours))
            .await
        {
            Ok(due) => due,
            Err(e) => {
                eprintln!("vigie serve : contrôles périodiques : {e}");
                continue;
            }
        };
        for (org, mailbox) in due {
            let job = NewJob {
                org_id: &org,
                kind: JobKind::MailboxAudit,
                subject_id: &mailbox,
                requested_by: "Contrôle périodique",
            };
            if let Err(e) = state.store().enqueue_job(&job).await {
                eprintln!("vigie serve : contrôle périodique non programmé : {e}");
            }
        }
        state.wake_workers();
    }
}

pub use mailbox_audit::{seal_purpose, severity_counts};
