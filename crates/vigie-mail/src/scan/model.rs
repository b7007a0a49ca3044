//! The exposure scan report: the `vigie.scan.v1` JSON contract and the facts the text and HTML
//! reports are drawn from.
//!
//! Fields of the contract (`schema`, `complete`, `messages_scanned`, `bytes_scanned`,
//! `findings[]`, `documents[]`) never change meaning; new facts are added as new fields.
//! Every value in here is already masked: the unmasked values found in mail never leave
//! `vigie-scan`.

use serde::{Deserialize, Serialize};

/// The schema name of the scan report.
pub const SCAN_SCHEMA: &str = "vigie.scan.v1";

/// One sensitive value, masked, and where it was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanFinding {
    /// `iban`, `fr_rib`, `payment_card`, `fr_nir`, `fr_siren`, `fr_siret`, `fr_vat`,
    /// `fr_tax_id`, `identity_document_number`, `password_in_clear`.
    pub kind: String,
    /// The normalised value with all but its last four characters replaced by `*`.
    pub masked: String,
    /// `high`, `medium` or `low`.
    pub confidence: String,
    pub message_id: String,
    pub folder: String,
    /// RFC 3339 date of the message (its `Date:` header), when known.
    pub date: Option<String>,
    /// `body`, `subject` or `attachment:NAME`.
    pub location: String,
}

/// One sensitive document and where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentFinding {
    /// `invoice`, `quote`, `notarial_deed`, `bank_details`, `bank_statement`,
    /// `identity_document`, `signature_or_stamp`, `payslip`.
    pub category: String,
    pub message_id: String,
    pub folder: String,
    pub date: Option<String>,
    pub location: String,
}

/// A message that holds something sensitive: the line of the report's table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageSummary {
    pub message_id: String,
    pub folder: String,
    /// Where the message is in its source: IMAP UID, or file path for local sources.
    pub key: String,
    pub date: Option<String>,
    pub subject: Option<String>,
    pub from: Option<String>,
    pub size: u64,
    /// Kinds of values found, sorted, each once.
    pub kinds: Vec<String>,
    /// Categories of documents, sorted, each once.
    pub categories: Vec<String>,
}

/// A part that could not be read (damaged PDF, archive bomb...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanProblem {
    pub message_id: String,
    pub folder: String,
    pub location: String,
    pub reason: String,
}

/// How many messages are older than the retention duration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionSummary {
    /// The duration chosen, in years (see docs/RETENTION.md).
    pub years: u32,
    /// RFC 3339 date before which a message is « ancien ».
    pub cutoff: String,
    /// Messages older than the cutoff.
    pub older_messages: u64,
    /// Of those, messages that hold sensitive values or documents.
    pub older_sensitive_messages: u64,
}

/// The report of one exposure scan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScanReport {
    pub schema: String,
    /// False when the scan stopped before the end (connection lost, interrupted...).
    pub complete: bool,
    pub messages_scanned: u64,
    pub bytes_scanned: u64,
    pub findings: Vec<ScanFinding>,
    pub documents: Vec<DocumentFinding>,
    /// What was scanned (account URL without password, or local path).
    pub source: String,
    /// When the scan ran (RFC 3339).
    pub generated_at: String,
    /// Why the scan is incomplete, in French.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub incomplete_reason: Option<String>,
    /// Messages of this run only (the rest came from the previous scans' state).
    #[serde(default)]
    pub messages_new: u64,
    /// Messages with something sensitive.
    #[serde(default)]
    pub messages: Vec<MessageSummary>,
    #[serde(default)]
    pub problems: Vec<ScanProblem>,
    pub retention: RetentionSummary,
    /// Number of messages per folder (all messages, sensitive or not).
    #[serde(default)]
    pub folders: Vec<FolderCount>,
}

/// Messages per folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FolderCount {
    pub folder: String,
    pub messages: u64,
    pub sensitive_messages: u64,
}

impl ScanReport {
    /// Number of distinct messages that carry at least one value of one of `kinds`.
    pub fn messages_with_kinds(&self, kinds: &[&str]) -> usize {
        self.messages
            .iter()
            .filter(|m| m.kinds.iter().any(|k| kinds.contains(&k.as_str())))
            .count()
    }

    /// Number of distinct messages that carry at least one document of one of `categories`.
    pub fn messages_with_categories(&self, categories: &[&str]) -> usize {
        self.messages
            .iter()
            .filter(|m| {
                m.categories
                    .iter()
                    .any(|c| categories.contains(&c.as_str()))
            })
            .count()
    }
}
