//! Records of the web application's mailbox monitoring: the mailbox accounts an organisation
//! watches, the background job queue that checks them, and the result of each check.
//!
//! The queue's rules (who may take, renew and finish a job) are in
//! [`Store::claim_job`](crate::Store::claim_job) and its neighbours.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::records::OrgId;

/// What a job does. Stored by [`JobKind::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    /// The audit of a mailbox (settings, filters, password) and its exposure scan.
    MailboxAudit,
}

impl JobKind {
    /// The stored (and API) name.
    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::MailboxAudit => "mailbox_audit",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<JobKind> {
        match s {
            "mailbox_audit" => Some(JobKind::MailboxAudit),
            _ => None,
        }
    }

    /// The French label shown to users.
    pub fn label(self) -> &'static str {
        match self {
            JobKind::MailboxAudit => "Contrôle de la boîte aux lettres",
        }
    }
}

/// Where a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    /// Waiting for a worker.
    Queued,
    /// Taken by a worker (its lease runs).
    Running,
    /// Finished.
    Done,
    /// Given up: the error says why.
    Failed,
}

impl JobStatus {
    /// The stored (and API) name.
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Running => "running",
            JobStatus::Done => "done",
            JobStatus::Failed => "failed",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<JobStatus> {
        match s {
            "queued" => Some(JobStatus::Queued),
            "running" => Some(JobStatus::Running),
            "done" => Some(JobStatus::Done),
            "failed" => Some(JobStatus::Failed),
            _ => None,
        }
    }

    /// The French label shown to users.
    pub fn label(self) -> &'static str {
        match self {
            JobStatus::Queued => "En attente",
            JobStatus::Running => "En cours",
            JobStatus::Done => "Terminé",
            JobStatus::Failed => "Échec",
        }
    }

    /// True while the job may still change.
    pub fn is_pending(self) -> bool {
        matches!(self, JobStatus::Queued | JobStatus::Running)
    }
}

/// A job, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JobRecord {
    pub id: String,
    pub org_id: OrgId,
    pub kind: JobKind,
    /// What the job is about (for a mailbox audit: the mailbox id).
    pub subject_id: String,
    pub requested_by: String,
    pub status: JobStatus,
    /// What the worker is doing, in French ("Lecture des filtres", "Analyse des messages").
    pub stage: String,
    pub progress_done: u64,
    pub progress_total: u64,
    /// Why it failed, in French (no secret: written by the worker from its error messages).
    pub error: Option<String>,
    /// The worker that holds (or last held) it.
    pub worker: Option<String>,
    pub lease_until: Option<DateTime<Utc>>,
    pub attempts: u64,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// One take of a job by a worker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JobRunRecord {
    pub job_id: String,
    pub attempt: u64,
    pub worker: String,
    pub started_at: DateTime<Utc>,
}

/// A job to enqueue.
#[derive(Debug, Clone)]
pub struct NewJob<'a> {
    pub org_id: &'a OrgId,
    pub kind: JobKind,
    pub subject_id: &'a str,
    pub requested_by: &'a str,
}

/// A mailbox account an organisation watches. The password is sealed by the server.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct MailboxRecord {
    pub id: String,
    pub org_id: OrgId,
    /// The name people know it by ("Mairie — secrétariat").
    pub label: String,
    /// `imaps://user@host:port` or `imap://…` (STARTTLS), never with a password.
    pub account_url: String,
    /// The password, sealed by the server key. Never serialized.
    #[serde(skip)]
    pub secret_sealed: String,
    pub sieve_port: u16,
    pub insecure_plaintext: bool,
    /// An extra certificate authority (PEM) for a private server.
    pub ca_pem: Option<String>,
    pub retention_years: u32,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

impl fmt::Debug for MailboxRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MailboxRecord")
            .field("id", &self.id)
            .field("org_id", &self.org_id)
            .field("label", &self.label)
            .field("account_url", &self.account_url)
            .field("secret_sealed", &"<scellé>")
            .field("sieve_port", &self.sieve_port)
            .field("insecure_plaintext", &self.insecure_plaintext)
            .field("retention_years", &self.retention_years)
            .finish_non_exhaustive()
    }
}

/// A mailbox to add. The caller generates the id (the seal is bound to it).
#[derive(Clone)]
pub struct NewMailbox<'a> {
    pub id: &'a str,
    pub org_id: &'a OrgId,
    pub label: &'a str,
    pub account_url: &'a str,
    pub secret_sealed: &'a str,
    pub sieve_port: u16,
    pub insecure_plaintext: bool,
    pub ca_pem: Option<&'a str>,
    pub retention_years: u32,
    pub created_by: &'a str,
}

/// Findings of a check, by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SeverityCounts {
    pub critical: u64,
    pub high: u64,
    pub medium: u64,
    pub low: u64,
    pub info: u64,
}

impl SeverityCounts {
    /// All findings.
    pub fn total(&self) -> u64 {
        self.critical + self.high + self.medium + self.low + self.info
    }

    /// Adds another count.
    pub fn add(&mut self, other: &SeverityCounts) {
        self.critical += other.critical;
        self.high += other.high;
        self.medium += other.medium;
        self.low += other.low;
        self.info += other.info;
    }
}

/// The result of one finished mailbox check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MailboxCheckRecord {
    pub id: String,
    pub org_id: OrgId,
    pub mailbox_id: String,
    pub job_id: String,
    pub finished_at: DateTime<Utc>,
    /// False when the scan was cut (the findings are those of what was read).
    pub complete: bool,
    pub counts: SeverityCounts,
    /// Messages covered by the exposure scan.
    pub messages: u64,
    /// The audit report, `vigie.audit.v1` JSON.
    pub audit_json: String,
    /// The HTML exposure report in the blob store, when the scan ran.
    pub report_sha256: Option<String>,
}

/// A check to record.
#[derive(Debug, Clone)]
pub struct NewMailboxCheck<'a> {
    pub job_id: &'a str,
    pub complete: bool,
    pub counts: SeverityCounts,
    pub messages: u64,
    pub audit_json: &'a str,
    pub report_sha256: Option<&'a str>,
}

/// The counts of one check, for the chart of findings over time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckPoint {
    pub mailbox_id: String,
    pub finished_at: DateTime<Utc>,
    pub counts: SeverityCounts,
}
