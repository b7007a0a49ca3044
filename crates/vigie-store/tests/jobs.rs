//! Mailboxes, the job queue and check results, against SQLite and a real PostgreSQL.
//!
//! The queue's promises: a job is taken by one worker at a time (even with many takers racing),
//! a lost lease fences the old worker out, a job is retried a bounded number of times, and one
//! subject has at most one pending job of a kind.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, Utc};
use common::{Env, assert_not_found, two_orgs};
use vigie_store::{
    Error, JobKind, JobStatus, NewJob, NewMailbox, NewMailboxCheck, OrgId, SeverityCounts,
};

fn new_mailbox<'a>(id: &'a str, org: &'a OrgId, url: &'a str) -> NewMailbox<'a> {
    NewMailbox {
        id,
        org_id: org,
        label: "Secrétariat",
        account_url: url,
        secret_sealed: "scellé-opaque",
        sieve_port: 4190,
        insecure_plaintext: false,
        ca_pem: None,
        retention_years: 2,
        created_by: "Camille Martin",
    }
}

fn audit_job<'a>(org: &'a OrgId, mailbox: &'a str) -> NewJob<'a> {
    NewJob {
        org_id: org,
        kind: JobKind::MailboxAudit,
        subject_id: mailbox,
        requested_by: "Camille Martin",
    }
}

async fn mailboxes(env: &Env) {
    let (a, b) = two_orgs(env).await;
    let store = &env.store;
    let m = store
        .create_mailbox(&new_mailbox("m1", &a, "imaps://mairie@mail.example.fr:993"))
        .await
        .expect("create");
    assert_eq!(m.id, "m1");
    assert_eq!(m.sieve_port, 4190);
    assert_eq!(m.retention_years, 2);
    assert!(
        !format!("{m:?}").contains("scellé-opaque"),
        "Debug hides the seal"
    );
    assert!(
        !serde_json::to_string(&m).unwrap().contains("scellé-opaque"),
        "JSON never carries the seal"
    );

    // The same account twice in one organisation is refused; in another, it is another row.
    let again = store
        .create_mailbox(&new_mailbox("m2", &a, "imaps://mairie@mail.example.fr:993"))
        .await;
    assert!(
        matches!(again, Err(Error::AlreadyExists { .. })),
        "{again:?}"
    );
    store
        .create_mailbox(&new_mailbox("m3", &b, "imaps://mairie@mail.example.fr:993"))
        .await
        .expect("same account in B");

    assert_eq!(store.mailboxes(&a).await.unwrap().len(), 1);
    assert_eq!(store.mailbox(&a, "m1").await.unwrap(), m);
    assert_not_found(store.mailbox(&b, "m1").await, "B reads A's mailbox");
    assert_not_found(
        store.delete_mailbox(&b, "m1").await,
        "B deletes A's mailbox",
    );

    // Deleting removes its jobs and checks too, and nothing of B's.
    let (job, _) = store.enqueue_job(&audit_job(&a, "m1")).await.unwrap();
    let now = Utc::now();
    let taken = store
        .claim_job("w", now, now + Duration::minutes(5), 3)
        .await
        .unwrap()
        .expect("job");
    assert_eq!(taken.id, job.id);
    store
        .finish_job(&job.id, "w", Ok(Some(check(&job.id, 1))), now)
        .await
        .unwrap();
    store.enqueue_job(&audit_job(&b, "m3")).await.unwrap();
    store.delete_mailbox(&a, "m1").await.expect("delete");
    assert!(store.mailboxes(&a).await.unwrap().is_empty());
    assert!(store.jobs(&a, None, 10).await.unwrap().is_empty());
    assert!(store.latest_mailbox_checks(&a).await.unwrap().is_empty());
    assert_eq!(store.jobs(&b, None, 10).await.unwrap().len(), 1);
    assert_eq!(store.mailboxes(&b).await.unwrap().len(), 1);
}

fn check(job_id: &str, high: u64) -> NewMailboxCheck<'_> {
    NewMailboxCheck {
        job_id,
        complete: true,
        counts: SeverityCounts {
            critical: 1,
            high,
            medium: 0,
            low: 2,
            info: 1,
        },
        messages: 120,
        audit_json: r#"{"schema":"vigie.audit.v1"}"#,
        report_sha256: Some("ab".repeat(32).leak()),
    }
}

async fn queue_lifecycle(env: &Env) {
    let (a, b) = two_orgs(env).await;
    let store = &env.store;
    store
        .create_mailbox(&new_mailbox("m1", &a, "imaps://mairie@mail.example.fr:993"))
        .await
        .unwrap();
    let (job, created) = store.enqueue_job(&audit_job(&a, "m1")).await.unwrap();
    assert!(created);
    assert_eq!(job.status, JobStatus::Queued);
    assert_eq!(job.attempts, 0);

    // A double click enqueues nothing new.
    let (same, created) = store.enqueue_job(&audit_job(&a, "m1")).await.unwrap();
    assert!(!created);
    assert_eq!(same.id, job.id);

    let now = Utc::now();
    let lease = now + Duration::minutes(5);
    let taken = store
        .claim_job("serveur-1", now, lease, 3)
        .await
        .unwrap()
        .expect("a job to take");
    assert_eq!(taken.id, job.id);
    assert_eq!(taken.status, JobStatus::Running);
    assert_eq!(taken.worker.as_deref(), Some("serveur-1"));
    assert_eq!(taken.attempts, 1);
    assert!(
        store
            .claim_job("serveur-2", now, lease, 3)
            .await
            .unwrap()
            .is_none(),
        "a running job with a live lease is nobody else's"
    );
    // Still pending while running: no second one.
    let (still, created) = store.enqueue_job(&audit_job(&a, "m1")).await.unwrap();
    assert!(!created);
    assert_eq!(still.id, job.id);
    // The list of pending jobs (one query for a whole mailbox list) agrees, per organisation.
    let pending = store.pending_jobs(&a, JobKind::MailboxAudit).await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(
        pending.get("m1").map(|j| j.id.as_str()),
        Some(job.id.as_str())
    );
    assert_eq!(
        store
            .pending_job(&a, JobKind::MailboxAudit, "m1")
            .await
            .unwrap(),
        pending.get("m1").cloned()
    );
    assert!(
        store
            .pending_jobs(&b, JobKind::MailboxAudit)
            .await
            .unwrap()
            .is_empty()
    );

    // Progress: only the holder may report.
    assert!(
        store
            .report_job_progress(&job.id, "serveur-1", "Analyse des messages", 40, 120, lease)
            .await
            .unwrap()
    );
    assert!(
        !store
            .report_job_progress(&job.id, "serveur-2", "x", 1, 1, lease)
            .await
            .unwrap()
    );
    let seen = store.job(&a, &job.id).await.unwrap();
    assert_eq!(
        (seen.stage.as_str(), seen.progress_done, seen.progress_total),
        ("Analyse des messages", 40, 120)
    );
    assert_not_found(store.job(&b, &job.id).await, "B reads A's job");

    // Finishing: the impostor writes nothing; the holder records the check with the job.
    assert!(
        !store
            .finish_job(&job.id, "serveur-2", Ok(Some(check(&job.id, 3))), now)
            .await
            .unwrap()
    );
    assert!(store.latest_mailbox_checks(&a).await.unwrap().is_empty());
    let later = now + Duration::seconds(1);
    assert!(
        store
            .finish_job(&job.id, "serveur-1", Ok(Some(check(&job.id, 3))), later)
            .await
            .unwrap()
    );
    let done = store.job(&a, &job.id).await.unwrap();
    assert_eq!(done.status, JobStatus::Done);
    assert!(
        store
            .pending_jobs(&a, JobKind::MailboxAudit)
            .await
            .unwrap()
            .is_empty(),
        "a finished job is no longer pending"
    );
    assert!(done.finished_at.is_some());
    assert!(
        !store
            .finish_job(&job.id, "serveur-1", Err("deux fois"), later)
            .await
            .unwrap(),
        "a finished job cannot be finished again"
    );
    let checks = store.latest_mailbox_checks(&a).await.unwrap();
    assert_eq!(checks.len(), 1);
    let c = &checks[0];
    assert_eq!(
        (c.mailbox_id.as_str(), c.job_id.as_str()),
        ("m1", job.id.as_str())
    );
    assert_eq!(c.counts.high, 3);
    assert_eq!(c.counts.total(), 7);
    assert_eq!(c.messages, 120);
    assert_eq!(store.mailbox_check(&a, &c.id).await.unwrap(), *c);
    assert_not_found(store.mailbox_check(&b, &c.id).await, "B reads A's check");
    assert!(store.latest_mailbox_checks(&b).await.unwrap().is_empty());

    // A second check: the latest is the one shown; both are points of the chart.
    let (second, created) = store.enqueue_job(&audit_job(&a, "m1")).await.unwrap();
    assert!(created, "once done, a new check can be asked for");
    let t2 = later + Duration::seconds(5);
    store
        .claim_job("serveur-2", t2, t2 + Duration::minutes(5), 3)
        .await
        .unwrap()
        .expect("second job");
    store
        .finish_job(&second.id, "serveur-2", Ok(Some(check(&second.id, 1))), t2)
        .await
        .unwrap();
    let latest = store.latest_mailbox_checks(&a).await.unwrap();
    assert_eq!(latest.len(), 1);
    assert_eq!(latest[0].job_id, second.id);
    let points = store
        .check_points(&a, now - Duration::days(1))
        .await
        .unwrap();
    assert_eq!(
        points.iter().map(|p| p.counts.high).collect::<Vec<_>>(),
        vec![3, 1]
    );
    assert!(
        store
            .check_points(&b, now - Duration::days(1))
            .await
            .unwrap()
            .is_empty()
    );
    let listed = store.jobs(&a, Some("m1"), 10).await.unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0].id, second.id, "newest first");
    assert!(store.jobs(&a, Some("autre"), 10).await.unwrap().is_empty());
}

async fn lease_expiry_and_retries(env: &Env) {
    let (a, _) = two_orgs(env).await;
    let store = &env.store;
    let (job, _) = store.enqueue_job(&audit_job(&a, "m1")).await.unwrap();
    let t0 = Utc::now();
    let short = t0 + Duration::seconds(30);
    store
        .claim_job("mort-1", t0, short, 2)
        .await
        .unwrap()
        .expect("first take");
    // Before the lease ends, nobody takes it; after, another server does.
    assert!(
        store
            .claim_job("vivant", t0 + Duration::seconds(10), short, 2)
            .await
            .unwrap()
            .is_none()
    );
    let t1 = t0 + Duration::seconds(31);
    let retaken = store
        .claim_job("mort-2", t1, t1 + Duration::seconds(30), 2)
        .await
        .unwrap()
        .expect("taken over after the lease");
    assert_eq!(retaken.attempts, 2);
    // The first worker wakes up: fenced out.
    assert!(
        !store
            .report_job_progress(&job.id, "mort-1", "x", 1, 2, t1)
            .await
            .unwrap()
    );
    assert!(
        !store
            .finish_job(&job.id, "mort-1", Err("réveil"), t1)
            .await
            .unwrap()
    );
    let runs = store.job_runs(&job.id).await.unwrap();
    assert_eq!(
        runs.iter()
            .map(|r| (r.attempt, r.worker.as_str()))
            .collect::<Vec<_>>(),
        vec![(1, "mort-1"), (2, "mort-2")]
    );

    // The second worker dies too: with two attempts used, nobody takes it again; it fails with
    // a French reason.
    let t2 = t1 + Duration::seconds(31);
    assert!(
        store
            .claim_job("vivant", t2, t2 + Duration::seconds(30), 2)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(store.fail_abandoned_jobs(t2, 2).await.unwrap(), 1);
    let failed = store.job(&a, &job.id).await.unwrap();
    assert_eq!(failed.status, JobStatus::Failed);
    assert!(failed.error.unwrap().contains("relancez"));
    assert_eq!(store.fail_abandoned_jobs(t2, 2).await.unwrap(), 0);
}

/// Many takers racing on one queue: every job is taken exactly once.
async fn racing_workers_take_each_job_once(env: &Env) {
    let (a, _) = two_orgs(env).await;
    let subjects: Vec<String> = (0..40).map(|i| format!("boite-{i:02}")).collect();
    for s in &subjects {
        env.store.enqueue_job(&audit_job(&a, s)).await.unwrap();
    }
    let mut tasks = Vec::new();
    for w in 0..6 {
        let store = env.store.clone();
        tasks.push(tokio::spawn(async move {
            let worker = format!("w{w}");
            let mut taken = Vec::new();
            loop {
                let now = Utc::now();
                let job = store
                    .claim_job(&worker, now, now + Duration::minutes(5), 3)
                    .await
                    .expect("claim");
                let Some(job) = job else { break };
                assert!(
                    store
                        .finish_job(&job.id, &worker, Ok(None), Utc::now())
                        .await
                        .expect("finish")
                );
                taken.push(job.id);
            }
            taken
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.expect("join"));
    }
    let unique: BTreeSet<_> = all.iter().collect();
    assert_eq!(all.len(), 40, "every job taken");
    assert_eq!(unique.len(), 40, "no job taken twice");
    let mut per_job = BTreeMap::new();
    for id in &all {
        per_job.insert(id.clone(), env.store.job_runs(id).await.unwrap().len());
        assert_eq!(env.store.job(&a, id).await.unwrap().status, JobStatus::Done);
    }
    assert!(per_job.values().all(|&n| n == 1), "{per_job:?}");
}

async fn periodic_checks_due(env: &Env) {
    let (a, b) = two_orgs(env).await;
    let store = &env.store;
    store
        .create_mailbox(&new_mailbox("ma", &a, "imaps://a@mail.example.fr"))
        .await
        .unwrap();
    store
        .create_mailbox(&new_mailbox("mb", &b, "imaps://b@mail.example.fr"))
        .await
        .unwrap();
    let now = Utc::now();
    let due = store.mailboxes_due(now).await.unwrap();
    assert_eq!(
        due,
        vec![(a.clone(), "ma".to_owned()), (b.clone(), "mb".to_owned())],
        "never checked: both due"
    );
    let (job, _) = store.enqueue_job(&audit_job(&a, "ma")).await.unwrap();
    let due = store
        .mailboxes_due(now - Duration::hours(24))
        .await
        .unwrap();
    assert_eq!(
        due,
        vec![(b.clone(), "mb".to_owned())],
        "pending job: not due"
    );
    let t = Utc::now();
    store
        .claim_job("w", t, t + Duration::minutes(1), 3)
        .await
        .unwrap();
    store.finish_job(&job.id, "w", Ok(None), t).await.unwrap();
    let due = store
        .mailboxes_due(Utc::now() - Duration::hours(24))
        .await
        .unwrap();
    assert_eq!(due, vec![(b, "mb".to_owned())], "checked today: not due");
    assert_eq!(
        store
            .mailboxes_due(Utc::now() + Duration::seconds(1))
            .await
            .unwrap()
            .len(),
        2,
        "due again once the interval has passed"
    );
}

on_both_backends!(
    mailboxes,
    queue_lifecycle,
    lease_expiry_and_retries,
    racing_workers_take_each_job_once,
    periodic_checks_due,
);
