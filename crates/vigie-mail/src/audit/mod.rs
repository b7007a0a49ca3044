//! The mailbox audit: findings about what lets mail leak or vanish (forwarding and filter
//! rules, plaintext connections, consumer webmail, weak password) and the exposure headline.
//!
//! Each check is a pure function producing [`AuditFinding`]s; [`run`](crate::audit) ties them
//! to the connectors.

pub mod exposure;
pub mod finding;
pub mod full;
pub mod password;
pub mod provider;
pub mod run;

use serde::{Deserialize, Serialize};

pub use finding::{AuditFinding, FindingText, Severity, english_count, in_english};

/// The schema name of the audit report.
pub const AUDIT_SCHEMA: &str = "vigie.audit.v1";

/// The report of one audit (`vigie.audit.v1`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditReport {
    pub schema: String,
    /// The account audited (URL without password).
    pub account: String,
    pub findings: Vec<AuditFinding>,
    /// When the audit ran (RFC 3339).
    #[serde(default)]
    pub generated_at: String,
    /// What could not be checked, in French (e.g. ManageSieve unreachable).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl AuditReport {
    /// The highest severity among the findings, if any.
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }
}
