//! One audit finding, as serialised in the `vigie.audit.v1` JSON contract.

use serde::{Deserialize, Serialize};

/// How serious a finding is, from the point of view of a commune whose mail could leak.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    /// French label shown to users.
    pub fn label_fr(self) -> &'static str {
        match self {
            Severity::Critical => "critique",
            Severity::High => "élevée",
            Severity::Medium => "moyenne",
            Severity::Low => "faible",
            Severity::Info => "information",
        }
    }
}

/// One finding of `vigie mail audit`.
///
/// `id` is stable (`sieve.redirect`, `tls.plaintext`...): other tools key on it. `title`,
/// `detail` and `remediation` are plain French for a secrétaire de mairie; `detail` names the
/// concrete thing (script, line, target address, condition). `evidence` carries the same facts
/// in machine-readable form. No secret ever goes into any field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditFinding {
    pub id: String,
    pub severity: Severity,
    pub title: String,
    pub detail: String,
    pub remediation: String,
    pub evidence: serde_json::Value,
}
