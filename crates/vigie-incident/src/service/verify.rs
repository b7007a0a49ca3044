//! `vigie incident verify`: recomputes every hash of an incident and names what was altered.
//!
//! Checked: the journal's chain against the head kept apart (and against a head the user holds
//! from a document, if given); every piece of evidence's bytes in the blob store; that the
//! evidence rows and the journal's « preuve ajoutée » entries agree one to one (a row deleted,
//! added or edited behind Vigie's back shows); the stored copy of every produced document; and
//! that the incident's T0 is the one the journal last recorded.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::Serialize;
use vigie_store::blob::BlobCheck;

use super::{IncidentService, t0_from_journal};
use crate::Error;
use crate::dossier::recorded_hashes;
use crate::journal::{self, ChainProblem, EntryKind, Head};

/// One thing found altered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum IntegrityProblem {
    /// The journal.
    Journal { detail: ChainProblem },
    /// A piece of evidence's bytes changed in the locker.
    EvidenceAltered { name: String, sha256: String },
    /// A piece of evidence's file is gone from the locker.
    EvidenceMissing { name: String, sha256: String },
    /// An evidence row that no journal entry records (added or edited behind Vigie's back).
    EvidenceNotInJournal { name: String, sha256: String },
    /// The journal records evidence whose row is gone.
    EvidenceRowMissing { name: String, sha256: String },
    /// The stored copy of a produced document changed or is gone.
    DocumentAltered { kind: String, sha256: String },
    /// The incident's T0 is not the one the journal recorded last.
    T0Mismatch {
        stored: DateTime<Utc>,
        journal: DateTime<Utc>,
    },
}

impl fmt::Display for IntegrityProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IntegrityProblem::Journal { detail } => write!(f, "{detail}"),
            IntegrityProblem::EvidenceAltered { name, sha256 } => write!(
                f,
                "la preuve « {name} » a été modifiée dans le coffre (empreinte attendue {sha256})"
            ),
            IntegrityProblem::EvidenceMissing { name, sha256 } => write!(
                f,
                "le fichier de la preuve « {name} » a disparu du coffre (empreinte {sha256})"
            ),
            IntegrityProblem::EvidenceNotInJournal { name, sha256 } => write!(
                f,
                "la preuve « {name} » (empreinte {sha256}) n'est pas inscrite au journal : ajoutée ou modifiée hors de Vigie"
            ),
            IntegrityProblem::EvidenceRowMissing { name, sha256 } => write!(
                f,
                "la preuve « {name} » (empreinte {sha256}) inscrite au journal a été retirée de la liste des preuves"
            ),
            IntegrityProblem::DocumentAltered { kind, sha256 } => write!(
                f,
                "la copie conservée du document « {kind} » (empreinte {sha256}) a été modifiée ou a disparu"
            ),
            IntegrityProblem::T0Mismatch { stored, journal } => write!(
                f,
                "l'heure de découverte enregistrée ({}) n'est pas celle inscrite au journal ({}) : elle a été modifiée hors de Vigie",
                crate::deadline::format_paris(*stored),
                crate::deadline::format_paris(*journal)
            ),
        }
    }
}

/// What `verify` found.
#[derive(Debug, Clone, Serialize)]
pub struct IncidentCheck {
    pub schema: &'static str,
    pub incident_id: String,
    pub reference: String,
    pub journal_head: Head,
    pub entries_checked: usize,
    pub evidence_checked: usize,
    pub documents_checked: usize,
    pub intact: bool,
    pub problems: Vec<IntegrityProblem>,
}

impl IncidentService {
    /// Checks everything about one incident; `external` is a head the user holds from a
    /// document or an earlier export.
    pub async fn verify(
        &self,
        id_or_reference: &str,
        external: Option<&Head>,
    ) -> Result<IncidentCheck, Error> {
        let record = self.incident(id_or_reference).await?;
        let (entries, head) = self.journal(&record.id).await?;
        let mut problems: Vec<IntegrityProblem> =
            journal::verify_chain(&record.id, &entries, &head, external)
                .into_iter()
                .map(|detail| IntegrityProblem::Journal { detail })
                .collect();

        if let Some(t0) = t0_from_journal(&entries)
            && t0 != record.discovered_at
        {
            problems.push(IntegrityProblem::T0Mismatch {
                stored: record.discovered_at,
                journal: t0,
            });
        }

        let evidence = self.store.evidence(&self.org, &record.id).await?;
        let recorded = recorded_hashes(&entries, EntryKind::EvidenceAdded);
        for e in &evidence {
            let blobs = self.blobs.clone();
            let sha = e.sha256.clone();
            let check = tokio::task::spawn_blocking(move || blobs.verify(&sha))
                .await
                .map_err(|err| Error::Internal {
                    reason: err.to_string(),
                })?;
            match check {
                Ok(BlobCheck::Intact) => {}
                Ok(BlobCheck::Missing) => problems.push(IntegrityProblem::EvidenceMissing {
                    name: e.original_name.clone(),
                    sha256: e.sha256.clone(),
                }),
                Ok(BlobCheck::Altered { .. }) | Err(_) => {
                    problems.push(IntegrityProblem::EvidenceAltered {
                        name: e.original_name.clone(),
                        sha256: e.sha256.clone(),
                    })
                }
            }
            if recorded.get(&e.sha256) != Some(&e.original_name) {
                problems.push(IntegrityProblem::EvidenceNotInJournal {
                    name: e.original_name.clone(),
                    sha256: e.sha256.clone(),
                });
            }
        }
        for (sha, name) in &recorded {
            if !evidence.iter().any(|e| &e.sha256 == sha) {
                problems.push(IntegrityProblem::EvidenceRowMissing {
                    name: name.clone(),
                    sha256: sha.clone(),
                });
            }
        }

        let documents = self.store.documents(&self.org, Some(&record.id)).await?;
        for d in &documents {
            let blobs = self.blobs.clone();
            let sha = d.sha256.clone();
            // Off the async workers, like the evidence above: the store may be S3.
            let check = tokio::task::spawn_blocking(move || blobs.verify(&sha))
                .await
                .map_err(|err| Error::Internal {
                    reason: err.to_string(),
                })?;
            if !matches!(check, Ok(BlobCheck::Intact)) {
                problems.push(IntegrityProblem::DocumentAltered {
                    kind: d.kind.clone(),
                    sha256: d.sha256.clone(),
                });
            }
        }

        Ok(IncidentCheck {
            schema: "vigie.verify.v1",
            incident_id: record.id,
            reference: record.reference,
            journal_head: head,
            entries_checked: entries.len(),
            evidence_checked: evidence.len(),
            documents_checked: documents.len(),
            intact: problems.is_empty(),
            problems,
        })
    }
}
