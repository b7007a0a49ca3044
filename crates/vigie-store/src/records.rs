//! Plain records mirroring the rows, and the inputs of the write operations.
//!
//! Records carry what the tables hold, decoded: timestamps as [`DateTime<Utc>`], JSON columns
//! as [`serde_json::Value`], counters as `u64`. They serialize with serde so the CLI's
//! `--format json` and the web application's API can emit them directly.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::error::Error;

/// Hash of the empty chain: the `prev_hash` of an incident's first journal entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An organisation's identifier (the tenant key). Parsed once at the edge: 1 to 64 ASCII
/// letters, digits, `-` or `_` (the store creates UUID v4 ids).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct OrgId(String);

impl OrgId {
    /// Validates `id`.
    pub fn parse(id: &str) -> Result<OrgId, Error> {
        let ok = !id.is_empty()
            && id.len() <= 64
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if ok {
            Ok(OrgId(id.to_string()))
        } else {
            Err(Error::invalid(
                "identifiant d'organisation",
                format!("{id:?} (1 à 64 caractères parmi lettres, chiffres, - et _)"),
            ))
        }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OrgId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for OrgId {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OrgId::parse(s)
    }
}

/// Row of `organisations`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrganisationRecord {
    /// Tenant key.
    pub id: OrgId,
    /// Display name (« Mairie de Saint-Exemple »).
    pub name: String,
    /// The fiche used by the documents (SIREN, address, region, representative, DPO, insurer,
    /// policy number...): free JSON owned by the caller. `{}` for a new organisation.
    pub profile: serde_json::Value,
    /// When the row was created.
    pub created_at: DateTime<Utc>,
    /// A commune (or other small organisation), or an IT provider.
    pub kind: OrgKind,
}

/// What an organisation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    /// A commune or any small organisation: Vigie's users.
    Commune,
    /// An IT provider (or public agency) that looks after several organisations: its
    /// administrators and agents work in each organisation it supports with the prestataire
    /// role, for as long as the organisation keeps the link.
    Prestataire,
}

impl OrgKind {
    /// The value stored in `organisations.kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::Commune => "commune",
            OrgKind::Prestataire => "prestataire",
        }
    }

    /// The kind stored as `value`, if it is one.
    pub fn parse(value: &str) -> Option<OrgKind> {
        match value {
            "commune" => Some(OrgKind::Commune),
            "prestataire" => Some(OrgKind::Prestataire),
            _ => None,
        }
    }
}

/// What [`crate::Store::create_incident`] needs; the store allocates the id and the reference.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewIncident {
    /// Playbook followed (`webmail-compromis`...).
    pub playbook_id: String,
    /// Short title.
    pub title: String,
    /// Free description.
    pub description: String,
    /// Who declared the incident.
    pub declared_by: String,
    /// When it was declared. Its year (in Europe/Paris) numbers the reference.
    pub declared_at: DateTime<Utc>,
    /// When it was discovered: T0 of the 72-hour clocks.
    pub discovered_at: DateTime<Utc>,
    /// Whether personal data is involved (RGPD notification).
    pub personal_data: bool,
    /// Free structured fields (nature, counts, measures, complaint reference, costs...).
    pub details: serde_json::Value,
    /// Initial status (the caller's vocabulary, e.g. `ouvert`).
    pub status: String,
}

/// Row of `incidents`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IncidentRecord {
    /// UUID v4.
    pub id: String,
    /// Owning organisation.
    pub org_id: OrgId,
    /// `INC-<year>-<number>`, unique per organisation, numbered per year from 0001.
    pub reference: String,
    /// See [`NewIncident::playbook_id`].
    pub playbook_id: String,
    /// See [`NewIncident::title`].
    pub title: String,
    /// See [`NewIncident::description`].
    pub description: String,
    /// See [`NewIncident::declared_by`].
    pub declared_by: String,
    /// See [`NewIncident::declared_at`].
    pub declared_at: DateTime<Utc>,
    /// See [`NewIncident::discovered_at`].
    pub discovered_at: DateTime<Utc>,
    /// See [`NewIncident::personal_data`].
    pub personal_data: bool,
    /// See [`NewIncident::details`].
    pub details: serde_json::Value,
    /// Current status.
    pub status: String,
    /// When it was closed, if it is.
    pub closed_at: Option<DateTime<Utc>>,
}

/// End of an incident's hash chain: number of entries and hash of the last one
/// ([`GENESIS_HASH`] when empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainHead {
    /// Number of entries.
    pub length: u64,
    /// Hash of the last entry.
    pub hash: String,
}

impl ChainHead {
    /// The head of an empty chain.
    pub fn empty() -> ChainHead {
        ChainHead {
            length: 0,
            hash: GENESIS_HASH.to_string(),
        }
    }

    /// The `seq` the next entry gets (1-based).
    pub fn next_seq(&self) -> u64 {
        self.length + 1
    }
}

/// A journal entry as computed by the caller (`vigie-incident::journal`), hash included. The
/// store assigns `seq` = head length + 1 and refuses the entry when `prev_hash` is not the
/// current head hash.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewJournalEntry {
    /// When it happened.
    pub at: DateTime<Utc>,
    /// Who did it.
    pub actor: String,
    /// Kind of entry (`declaration`, `etape`, `preuve`, `document`...).
    pub kind: String,
    /// Human sentence.
    pub text: String,
    /// Structured data.
    pub data: serde_json::Value,
    /// Hash of the previous entry ([`GENESIS_HASH`] for the first).
    pub prev_hash: String,
    /// Hash of this entry.
    pub hash: String,
}

/// Row of `journal_entries`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JournalEntryRecord {
    /// Owning organisation.
    pub org_id: OrgId,
    /// Incident.
    pub incident_id: String,
    /// Position in the chain, from 1.
    pub seq: u64,
    /// See [`NewJournalEntry::at`].
    pub at: DateTime<Utc>,
    /// See [`NewJournalEntry::actor`].
    pub actor: String,
    /// See [`NewJournalEntry::kind`].
    pub kind: String,
    /// See [`NewJournalEntry::text`].
    pub text: String,
    /// See [`NewJournalEntry::data`].
    pub data: serde_json::Value,
    /// See [`NewJournalEntry::prev_hash`].
    pub prev_hash: String,
    /// See [`NewJournalEntry::hash`].
    pub hash: String,
}

/// A playbook step marked done (input of [`crate::Store::record_step`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepDone {
    /// Step id in the playbook.
    pub step_id: String,
    /// Who did it.
    pub done_by: String,
    /// When.
    pub done_at: DateTime<Utc>,
    /// Free note (may be empty).
    pub note: String,
}

/// Row of `steps_done`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepDoneRecord {
    /// Owning organisation.
    pub org_id: OrgId,
    /// Incident.
    pub incident_id: String,
    /// See [`StepDone::step_id`].
    pub step_id: String,
    /// See [`StepDone::done_by`].
    pub done_by: String,
    /// See [`StepDone::done_at`].
    pub done_at: DateTime<Utc>,
    /// See [`StepDone::note`].
    pub note: String,
}

/// A piece of evidence already in the blob store (input of [`crate::Store::add_evidence`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewEvidence {
    /// SHA-256 of the content (64 lowercase hex digits), as returned by the blob store.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    /// MIME type (`message/rfc822`, `image/png`...).
    pub media_type: String,
    /// File name as collected.
    pub original_name: String,
    /// What it shows.
    pub description: String,
    /// Who collected it.
    pub collected_by: String,
    /// When it was collected.
    pub collected_at: DateTime<Utc>,
}

/// Row of `evidence`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvidenceRecord {
    /// Owning organisation.
    pub org_id: OrgId,
    /// Incident.
    pub incident_id: String,
    /// UUID v4 of this evidence item (the same content may be evidence of two incidents).
    pub id: String,
    /// See [`NewEvidence::sha256`].
    pub sha256: String,
    /// See [`NewEvidence::size`].
    pub size: u64,
    /// See [`NewEvidence::media_type`].
    pub media_type: String,
    /// See [`NewEvidence::original_name`].
    pub original_name: String,
    /// See [`NewEvidence::description`].
    pub description: String,
    /// See [`NewEvidence::collected_by`].
    pub collected_by: String,
    /// See [`NewEvidence::collected_at`].
    pub collected_at: DateTime<Utc>,
    /// When it entered the locker: the `at` of the journal entry recording it.
    pub added_at: DateTime<Utc>,
}

/// A generated document (input of [`crate::Store::record_document`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewDocument {
    /// Kind (`plainte`, `notification-cnil`, `declaration-assureur`...).
    pub kind: String,
    /// SHA-256 of the produced file (64 lowercase hex digits).
    pub sha256: String,
    /// When it was produced.
    pub produced_at: DateTime<Utc>,
    /// Who produced it.
    pub produced_by: String,
}

/// Row of `documents`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocumentRecord {
    /// Owning organisation.
    pub org_id: OrgId,
    /// Incident, or `None` for an organisation-level document.
    pub incident_id: Option<String>,
    /// UUID v4.
    pub id: String,
    /// See [`NewDocument::kind`].
    pub kind: String,
    /// See [`NewDocument::sha256`].
    pub sha256: String,
    /// See [`NewDocument::produced_at`].
    pub produced_at: DateTime<Utc>,
    /// See [`NewDocument::produced_by`].
    pub produced_by: String,
}

/// Row of `contacts` (the organisation's own directory), minus the organisation id which every
/// contact call takes separately.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContactRecord {
    /// Caller-chosen id, unique within the organisation (`assureur`, `prestataire-it`...).
    pub id: String,
    /// Role (`assureur`, `dpo`, `prestataire`, `gendarmerie`...).
    pub role: String,
    /// Name.
    pub name: String,
    /// Phone number.
    pub phone: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
    /// Web site.
    pub website: Option<String>,
    /// Free notes.
    pub notes: Option<String>,
    /// Insurance policy number, for the insurer.
    pub policy_number: Option<String>,
    /// When someone last checked the details are right.
    pub verified_at: Option<DateTime<Utc>>,
}
