//! Mailboxes, the background job queue, and mailbox check results. Records in
//! [`crate::jobs`].
//!
//! ## The queue
//!
//! A job is taken by [`Store::claim_job`] in one write transaction: pick the oldest job that
//! is queued (or running with an expired lease), move it to `running` with the worker's name,
//! a lease and `attempts + 1`, and write a `job_runs` row. On PostgreSQL the pick is
//! `SELECT … FOR UPDATE SKIP LOCKED`: two servers polling at the same instant lock different
//! rows, and neither waits for the other. On SQLite `BEGIN IMMEDIATE` serialises the takers.
//!
//! The worker renews its lease with every progress report ([`Store::report_job_progress`])
//! and finishes with [`Store::finish_job`]; both succeed only while the row still names that
//! worker and is `running` (a fencing check): a worker that lost its lease (it stalled, another
//! server took the job over) cannot overwrite the new run's result.

use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;

use super::{Cols, db, is_unique_violation, new_id, to_i64, ts};
use crate::error::Error;
use crate::jobs::{
    CheckPoint, JobKind, JobRecord, JobRunRecord, JobStatus, MailboxCheckRecord, MailboxRecord,
    NewJob, NewMailbox, NewMailboxCheck, SeverityCounts,
};
use crate::records::OrgId;
use crate::store::{Backend, Store};

macro_rules! mailbox_cols {
    () => {
        "id, org_id, label, account_url, secret_sealed, sieve_port, insecure_plaintext, ca_pem, \
         retention_years, created_by, created_at"
    };
}
macro_rules! job_cols {
    () => {
        "id, org_id, kind, subject_id, requested_by, status, stage, progress_done, \
         progress_total, error, worker, lease_until, attempts, created_at, started_at, finished_at"
    };
}
macro_rules! check_cols {
    () => {
        "id, org_id, mailbox_id, job_id, finished_at, complete, critical, high, medium, low, \
         info, messages, audit_json, report_sha256"
    };
}

fn mailbox_from(row: &AnyRow) -> Result<MailboxRecord, Error> {
    let c = Cols(row);
    let port = c.int("sieve_port")?;
    let years = c.int("retention_years")?;
    Ok(MailboxRecord {
        id: c.text("id")?,
        org_id: c.org("org_id")?,
        label: c.text("label")?,
        account_url: c.text("account_url")?,
        secret_sealed: c.text("secret_sealed")?,
        sieve_port: u16::try_from(port)
            .map_err(|_| Error::corrupt("sieve_port", format!("port {port}")))?,
        insecure_plaintext: c.flag("insecure_plaintext")?,
        ca_pem: c.opt_text("ca_pem")?,
        retention_years: u32::try_from(years)
            .map_err(|_| Error::corrupt("retention_years", format!("{years}")))?,
        created_by: c.text("created_by")?,
        created_at: c.time("created_at")?,
    })
}

fn job_from(row: &AnyRow) -> Result<JobRecord, Error> {
    let c = Cols(row);
    let kind = c.text("kind")?;
    let status = c.text("status")?;
    Ok(JobRecord {
        id: c.text("id")?,
        org_id: c.org("org_id")?,
        kind: JobKind::parse(&kind)
            .ok_or_else(|| Error::corrupt("jobs.kind", format!("type inconnu {kind:?}")))?,
        subject_id: c.text("subject_id")?,
        requested_by: c.text("requested_by")?,
        status: JobStatus::parse(&status)
            .ok_or_else(|| Error::corrupt("jobs.status", format!("état inconnu {status:?}")))?,
        stage: c.text("stage")?,
        progress_done: c.count("progress_done")?,
        progress_total: c.count("progress_total")?,
        error: c.opt_text("error")?,
        worker: c.opt_text("worker")?,
        lease_until: c.opt_time("lease_until")?,
        attempts: c.count("attempts")?,
        created_at: c.time("created_at")?,
        started_at: c.opt_time("started_at")?,
        finished_at: c.opt_time("finished_at")?,
    })
}

fn counts_from(c: &Cols<'_>) -> Result<SeverityCounts, Error> {
    Ok(SeverityCounts {
        critical: c.count("critical")?,
        high: c.count("high")?,
        medium: c.count("medium")?,
        low: c.count("low")?,
        info: c.count("info")?,
    })
}

fn check_from(row: &AnyRow) -> Result<MailboxCheckRecord, Error> {
    let c = Cols(row);
    Ok(MailboxCheckRecord {
        id: c.text("id")?,
        org_id: c.org("org_id")?,
        mailbox_id: c.text("mailbox_id")?,
        job_id: c.text("job_id")?,
        finished_at: c.time("finished_at")?,
        complete: c.flag("complete")?,
        counts: counts_from(&c)?,
        messages: c.count("messages")?,
        audit_json: c.text("audit_json")?,
        report_sha256: c.opt_text("report_sha256")?,
    })
}

impl Store {
    // -----------------------------------------------------------------------------------------
    // Mailboxes.

    /// Adds a mailbox. The same account twice in one organisation is [`Error::AlreadyExists`].
    pub async fn create_mailbox(&self, new: &NewMailbox<'_>) -> Result<MailboxRecord, Error> {
        let now = Utc::now();
        let sql = concat!(
            "INSERT INTO mailboxes (",
            mailbox_cols!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING ",
            mailbox_cols!()
        );
        let row = sqlx::query(sql)
            .bind(new.id)
            .bind(new.org_id.as_str())
            .bind(new.label)
            .bind(new.account_url)
            .bind(new.secret_sealed)
            .bind(i64::from(new.sieve_port))
            .bind(i64::from(new.insecure_plaintext))
            .bind(new.ca_pem)
            .bind(i64::from(new.retention_years))
            .bind(new.created_by)
            .bind(ts(&now))
            .fetch_one(&self.pool)
            .await
            .map_err(|e| {
                if is_unique_violation(&e) {
                    Error::AlreadyExists {
                        what: "boîte aux lettres",
                        key: new.account_url.to_owned(),
                    }
                } else {
                    db(e)
                }
            })?;
        mailbox_from(&row)
    }

    /// The organisation's mailboxes, by label.
    pub async fn mailboxes(&self, org: &OrgId) -> Result<Vec<MailboxRecord>, Error> {
        let sql = concat!(
            "SELECT ",
            mailbox_cols!(),
            " FROM mailboxes WHERE org_id = $1 ORDER BY label, created_at"
        );
        let rows = sqlx::query(sql)
            .bind(org.as_str())
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        rows.iter().map(mailbox_from).collect()
    }

    /// One mailbox of the organisation ([`Error::NotFound`] for another organisation's).
    pub async fn mailbox(&self, org: &OrgId, id: &str) -> Result<MailboxRecord, Error> {
        let sql = concat!(
            "SELECT ",
            mailbox_cols!(),
            " FROM mailboxes WHERE org_id = $1 AND id = $2"
        );
        let row = sqlx::query(sql)
            .bind(org.as_str())
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?
            .ok_or_else(|| Error::not_found("boîte aux lettres", id))?;
        mailbox_from(&row)
    }

    /// Removes a mailbox with its checks and jobs, all or nothing. A worker still running one
    /// of its jobs will find the job gone when it reports (and stop).
    pub async fn delete_mailbox(&self, org: &OrgId, id: &str) -> Result<(), Error> {
        let mut tx = self.begin_write().await?;
        let found = sqlx::query("SELECT id FROM mailboxes WHERE org_id = $1 AND id = $2")
            .bind(org.as_str())
            .bind(id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?;
        if found.is_none() {
            return Err(Error::not_found("boîte aux lettres", id));
        }
        for sql in [
            "DELETE FROM mailbox_checks WHERE org_id = $1 AND mailbox_id = $2",
            "DELETE FROM job_runs WHERE job_id IN \
             (SELECT id FROM jobs WHERE org_id = $1 AND subject_id = $2)",
            "DELETE FROM jobs WHERE org_id = $1 AND subject_id = $2",
            "DELETE FROM mailboxes WHERE org_id = $1 AND id = $2",
        ] {
            sqlx::query(sql)
                .bind(org.as_str())
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
        }
        tx.commit().await.map_err(db)
    }

    /// Mailboxes (organisation, id) whose last job was created before `before` (or never):
    /// the periodic checks due. The organisation comes with each so the caller enqueues in it.
    pub async fn mailboxes_due(
        &self,
        before: DateTime<Utc>,
    ) -> Result<Vec<(OrgId, String)>, Error> {
        let rows = sqlx::query(
            "SELECT m.org_id AS org_id, m.id AS id FROM mailboxes m \
             WHERE NOT EXISTS (SELECT 1 FROM jobs j WHERE j.org_id = m.org_id \
               AND j.subject_id = m.id AND (j.created_at >= $1 OR j.status IN ('queued', 'running'))) \
             ORDER BY m.created_at",
        )
        .bind(ts(&before))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter()
            .map(|row| {
                let c = Cols(row);
                Ok((c.org("org_id")?, c.text("id")?))
            })
            .collect()
    }

    // -----------------------------------------------------------------------------------------
    // The queue.

    /// Enqueues a job, unless the same kind of job for the same subject is already pending:
    /// then that one is returned, with `false`.
    pub async fn enqueue_job(&self, new: &NewJob<'_>) -> Result<(JobRecord, bool), Error> {
        let now = Utc::now();
        let sql = concat!(
            "INSERT INTO jobs (",
            job_cols!(),
            ") VALUES ($1, $2, $3, $4, $5, 'queued', '', 0, 0, NULL, NULL, NULL, 0, $6, NULL, NULL) \
             RETURNING ",
            job_cols!()
        );
        let inserted = sqlx::query(sql)
            .bind(new_id())
            .bind(new.org_id.as_str())
            .bind(new.kind.as_str())
            .bind(new.subject_id)
            .bind(new.requested_by)
            .bind(ts(&now))
            .fetch_one(&self.pool)
            .await;
        match inserted {
            Ok(row) => Ok((job_from(&row)?, true)),
            Err(e) if is_unique_violation(&e) => {
                let pending = self
                    .pending_job(new.org_id, new.kind, new.subject_id)
                    .await?;
                // The pending job may have finished between the insert and this read: then
                // there is room for a new one.
                match pending {
                    Some(job) => Ok((job, false)),
                    None => Box::pin(self.enqueue_job(new)).await,
                }
            }
            Err(e) => Err(db(e)),
        }
    }

    /// The pending (queued or running) job of this kind for this subject.
    pub async fn pending_job(
        &self,
        org: &OrgId,
        kind: JobKind,
        subject_id: &str,
    ) -> Result<Option<JobRecord>, Error> {
        let sql = concat!(
            "SELECT ",
            job_cols!(),
            " FROM jobs WHERE org_id = $1 AND kind = $2 AND subject_id = $3 \
             AND status IN ('queued', 'running')"
        );
        let row = sqlx::query(sql)
            .bind(org.as_str())
            .bind(kind.as_str())
            .bind(subject_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        row.as_ref().map(job_from).transpose()
    }

    /// Every pending (queued or running) job of this kind in `org`, by subject: what a list of
    /// mailboxes shows in one query instead of one per mailbox.
    pub async fn pending_jobs(
        &self,
        org: &OrgId,
        kind: JobKind,
    ) -> Result<std::collections::HashMap<String, JobRecord>, Error> {
        let sql = concat!(
            "SELECT ",
            job_cols!(),
            " FROM jobs WHERE org_id = $1 AND kind = $2 AND status IN ('queued', 'running')"
        );
        let rows = sqlx::query(sql)
            .bind(org.as_str())
            .bind(kind.as_str())
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        rows.iter()
            .map(|row| {
                let job = job_from(row)?;
                Ok((job.subject_id.clone(), job))
            })
            .collect()
    }

    /// Takes the oldest job that is queued, or running with a lease expired before `now` and
    /// fewer than `max_attempts` attempts. `None` when there is nothing to do.
    pub async fn claim_job(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        max_attempts: u32,
    ) -> Result<Option<JobRecord>, Error> {
        let pick = match self.backend {
            Backend::Sqlite => {
                "SELECT id FROM jobs WHERE (status = 'queued' OR (status = 'running' \
                 AND lease_until < $1)) AND attempts < $2 ORDER BY created_at, id LIMIT 1"
            }
            Backend::Postgres => {
                "SELECT id FROM jobs WHERE (status = 'queued' OR (status = 'running' \
                 AND lease_until < $1)) AND attempts < $2 ORDER BY created_at, id LIMIT 1 \
                 FOR UPDATE SKIP LOCKED"
            }
        };
        let mut tx = self.begin_write().await?;
        let picked = sqlx::query(pick)
            .bind(ts(&now))
            .bind(i64::from(max_attempts))
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?;
        let Some(picked) = picked else {
            tx.rollback().await.map_err(db)?;
            return Ok(None);
        };
        let id = Cols(&picked).text("id")?;
        let sql = concat!(
            "UPDATE jobs SET status = 'running', worker = $1, lease_until = $2, \
             attempts = attempts + 1, started_at = $3, stage = '', progress_done = 0, \
             progress_total = 0, error = NULL WHERE id = $4 RETURNING ",
            job_cols!()
        );
        let row = sqlx::query(sql)
            .bind(worker)
            .bind(ts(&lease_until))
            .bind(ts(&now))
            .bind(&id)
            .fetch_one(&mut *tx)
            .await
            .map_err(db)?;
        let job = job_from(&row)?;
        sqlx::query(
            "INSERT INTO job_runs (job_id, attempt, worker, started_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(&job.id)
        .bind(to_i64("tentative", job.attempts)?)
        .bind(worker)
        .bind(ts(&now))
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(Some(job))
    }

    /// Records progress and renews the lease. `false` when the job is no longer this worker's
    /// (lease lost, job deleted): the worker should stop.
    pub async fn report_job_progress(
        &self,
        job_id: &str,
        worker: &str,
        stage: &str,
        done: u64,
        total: u64,
        lease_until: DateTime<Utc>,
    ) -> Result<bool, Error> {
        let updated = sqlx::query(
            "UPDATE jobs SET stage = $1, progress_done = $2, progress_total = $3, \
             lease_until = $4 WHERE id = $5 AND worker = $6 AND status = 'running'",
        )
        .bind(stage)
        .bind(to_i64("progression", done)?)
        .bind(to_i64("progression", total)?)
        .bind(ts(&lease_until))
        .bind(job_id)
        .bind(worker)
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(updated.rows_affected() == 1)
    }

    /// Finishes a job: `Ok(check)` marks it done (recording the mailbox check, if any, in the
    /// same transaction), `Err(reason)` marks it failed. `false` when the job was no longer
    /// this worker's: nothing is written.
    pub async fn finish_job(
        &self,
        job_id: &str,
        worker: &str,
        result: Result<Option<NewMailboxCheck<'_>>, &str>,
        now: DateTime<Utc>,
    ) -> Result<bool, Error> {
        let mut tx = self.begin_write().await?;
        let (status, error) = match &result {
            Ok(_) => (JobStatus::Done, None),
            Err(reason) => (JobStatus::Failed, Some(*reason)),
        };
        let sql = concat!(
            "UPDATE jobs SET status = $1, error = $2, finished_at = $3, lease_until = NULL \
             WHERE id = $4 AND worker = $5 AND status = 'running' RETURNING ",
            job_cols!()
        );
        let row = sqlx::query(sql)
            .bind(status.as_str())
            .bind(error)
            .bind(ts(&now))
            .bind(job_id)
            .bind(worker)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?;
        let Some(row) = row else {
            tx.rollback().await.map_err(db)?;
            return Ok(false);
        };
        let job = job_from(&row)?;
        if let Ok(Some(check)) = result {
            let sql = concat!(
                "INSERT INTO mailbox_checks (",
                check_cols!(),
                ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
            );
            sqlx::query(sql)
                .bind(new_id())
                .bind(job.org_id.as_str())
                .bind(&job.subject_id)
                .bind(check.job_id)
                .bind(ts(&now))
                .bind(i64::from(check.complete))
                .bind(to_i64("critique", check.counts.critical)?)
                .bind(to_i64("élevé", check.counts.high)?)
                .bind(to_i64("moyen", check.counts.medium)?)
                .bind(to_i64("faible", check.counts.low)?)
                .bind(to_i64("info", check.counts.info)?)
                .bind(to_i64("messages", check.messages)?)
                .bind(check.audit_json)
                .bind(check.report_sha256)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
        }
        tx.commit().await.map_err(db)?;
        Ok(true)
    }

    /// Marks failed the running jobs whose lease expired before `now` and which used all their
    /// attempts (their server died each time). Returns how many.
    pub async fn fail_abandoned_jobs(
        &self,
        now: DateTime<Utc>,
        max_attempts: u32,
    ) -> Result<u64, Error> {
        let done = sqlx::query(
            "UPDATE jobs SET status = 'failed', finished_at = $1, lease_until = NULL, \
             error = 'Le contrôle a été interrompu plusieurs fois (arrêt du serveur) ; \
             relancez-le.' WHERE status = 'running' AND lease_until < $1 AND attempts >= $2",
        )
        .bind(ts(&now))
        .bind(i64::from(max_attempts))
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(done.rows_affected())
    }

    /// One job of the organisation.
    pub async fn job(&self, org: &OrgId, id: &str) -> Result<JobRecord, Error> {
        let sql = concat!(
            "SELECT ",
            job_cols!(),
            " FROM jobs WHERE org_id = $1 AND id = $2"
        );
        let row = sqlx::query(sql)
            .bind(org.as_str())
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?
            .ok_or_else(|| Error::not_found("tâche", id))?;
        job_from(&row)
    }

    /// The organisation's latest jobs, newest first; only those about `subject_id` if given.
    pub async fn jobs(
        &self,
        org: &OrgId,
        subject_id: Option<&str>,
        limit: u32,
    ) -> Result<Vec<JobRecord>, Error> {
        let sql = concat!(
            "SELECT ",
            job_cols!(),
            " FROM jobs WHERE org_id = $1 AND ($2 = '' OR subject_id = $2) \
             ORDER BY created_at DESC, id LIMIT $3"
        );
        let rows = sqlx::query(sql)
            .bind(org.as_str())
            .bind(subject_id.unwrap_or(""))
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        rows.iter().map(job_from).collect()
    }

    /// Every take of a job, in order (one row unless a server died while running it).
    pub async fn job_runs(&self, job_id: &str) -> Result<Vec<JobRunRecord>, Error> {
        let rows = sqlx::query(
            "SELECT job_id, attempt, worker, started_at FROM job_runs WHERE job_id = $1 \
             ORDER BY attempt",
        )
        .bind(job_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter()
            .map(|row| {
                let c = Cols(row);
                Ok(JobRunRecord {
                    job_id: c.text("job_id")?,
                    attempt: c.count("attempt")?,
                    worker: c.text("worker")?,
                    started_at: c.time("started_at")?,
                })
            })
            .collect()
    }

    // -----------------------------------------------------------------------------------------
    // Check results.

    /// One check of the organisation.
    pub async fn mailbox_check(&self, org: &OrgId, id: &str) -> Result<MailboxCheckRecord, Error> {
        let sql = concat!(
            "SELECT ",
            check_cols!(),
            " FROM mailbox_checks WHERE org_id = $1 AND id = $2"
        );
        let row = sqlx::query(sql)
            .bind(org.as_str())
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?
            .ok_or_else(|| Error::not_found("contrôle", id))?;
        check_from(&row)
    }

    /// The latest check of each of the organisation's mailboxes.
    pub async fn latest_mailbox_checks(
        &self,
        org: &OrgId,
    ) -> Result<Vec<MailboxCheckRecord>, Error> {
        let sql = concat!(
            "SELECT ",
            check_cols!(),
            " FROM mailbox_checks c WHERE org_id = $1 AND finished_at = \
             (SELECT MAX(finished_at) FROM mailbox_checks d WHERE d.org_id = c.org_id \
              AND d.mailbox_id = c.mailbox_id) ORDER BY finished_at DESC"
        );
        let rows = sqlx::query(sql)
            .bind(org.as_str())
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        rows.iter().map(check_from).collect()
    }

    /// The counts of every check of the organisation finished since `since`, oldest first
    /// (for the chart of findings over time).
    pub async fn check_points(
        &self,
        org: &OrgId,
        since: DateTime<Utc>,
    ) -> Result<Vec<CheckPoint>, Error> {
        let rows = sqlx::query(
            "SELECT mailbox_id, finished_at, critical, high, medium, low, info \
             FROM mailbox_checks WHERE org_id = $1 AND finished_at >= $2 ORDER BY finished_at",
        )
        .bind(org.as_str())
        .bind(ts(&since))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter()
            .map(|row| {
                let c = Cols(row);
                Ok(CheckPoint {
                    mailbox_id: c.text("mailbox_id")?,
                    finished_at: c.time("finished_at")?,
                    counts: counts_from(&c)?,
                })
            })
            .collect()
    }
}
