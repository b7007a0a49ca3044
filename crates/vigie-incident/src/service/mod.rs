//! The incident service: every operation on an incident, over the store and the blob store.
//!
//! This is the layer the CLI (`vigie incident ...`) and the web application call. Each change
//! goes to the store together with the journal entry that records it, in one transaction, so the
//! journal is never behind the data; evidence is streamed into the content-addressed blob store
//! first and recorded only once every file of the command is safely stored.

mod details;
mod documents;
mod verify;

use std::collections::BTreeSet;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::Serialize;
use vigie_store::blob::{LocalBlobStore, SharedBlobStore};
use vigie_store::{
    ChainHead, ContactRecord, DocumentRecord, EvidenceRecord, IncidentRecord, JournalEntryRecord,
    NewEvidence, NewIncident, NewJournalEntry, OrgId, StepDone, StepDoneRecord, Store,
};

pub use details::{IncidentDetails, OrganisationProfile, T0Correction, profile_from_json};
pub use documents::ProducedDocument;
pub use verify::{IncidentCheck, IntegrityProblem};

use crate::Error;
use crate::deadline::{self, Deadline, IncidentFacts};
use crate::directory::{Directory, OrgRole};
use crate::journal::{self, Entry, EntryKind, Head};
use crate::playbook::{self, Playbook};

/// Schema of `vigie incident show --format json`.
pub const INCIDENT_SCHEMA: &str = "vigie.incident.v1";

/// Name of the organisation the CLI creates on first use, until the user names it.
pub const DEFAULT_ORGANISATION_NAME: &str = "Mon organisation";

/// The database file in the data directory.
pub const DATABASE_FILE: &str = "vigie.db";
/// The blob store folder in the data directory.
pub const EVIDENCE_DIR: &str = "evidence";
/// The organisation's own or updated playbooks in the data directory (`*.toml`): they add to
/// the shipped ones, and one with a shipped id replaces it.
pub const PLAYBOOKS_DIR: &str = "playbooks";

/// The service for one organisation.
#[derive(Clone)]
pub struct IncidentService {
    store: Store,
    blobs: SharedBlobStore,
    org: OrgId,
    playbooks: Vec<Playbook>,
}

/// What a declaration needs.
#[derive(Debug, Clone)]
pub struct Declaration {
    pub playbook_id: String,
    pub title: String,
    pub description: String,
    pub discovered_at: DateTime<Utc>,
    pub personal_data: bool,
    pub declared_by: String,
}

/// Files to add to the evidence locker, and what to record about them.
#[derive(Debug, Clone)]
pub struct EvidenceInput {
    pub files: Vec<PathBuf>,
    /// What they show.
    pub description: String,
    /// Who collected them.
    pub collected_by: String,
    /// When they were collected (default: now).
    pub collected_at: Option<DateTime<Utc>>,
    /// The names to record and show, parallel to `files`, when the files on disk are not under
    /// their original names (uploads through the web application are spooled to temporary
    /// files). Empty: each file's own name.
    pub original_names: Vec<String>,
}

/// A step of the incident's checklist.
#[derive(Debug, Clone, Serialize)]
pub struct ChecklistStep {
    pub id: String,
    pub title: String,
    pub detail: String,
    pub deadline: Option<String>,
    pub done: Option<StepDoneRecord>,
}

/// A deadline with its state now.
#[derive(Debug, Clone, Serialize)]
pub struct DeadlineView {
    pub id: String,
    pub label: String,
    pub legal_basis: String,
    pub applies: bool,
    pub due: Option<DateTime<Utc>>,
    /// `remaining` or `overdue`, with the duration, when there is a due time.
    pub status: Option<deadline::DeadlineStatus>,
    /// French sentence: « il reste 2 j 4 h (échéance : ...) ».
    pub summary: String,
    /// Done already (the step tied to it is ticked).
    pub met: bool,
}

/// Everything about one incident, as `vigie incident show` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct IncidentView {
    pub schema: &'static str,
    pub id: String,
    pub reference: String,
    pub playbook: String,
    pub playbook_title: String,
    pub title: String,
    pub description: String,
    pub status: String,
    pub declared_by: String,
    pub declared_at: DateTime<Utc>,
    pub discovered_at: DateTime<Utc>,
    pub personal_data: bool,
    pub details: IncidentDetails,
    pub deadlines: Vec<DeadlineView>,
    pub checklist: Vec<ChecklistStep>,
    pub evidence: Vec<EvidenceRecord>,
    pub documents: Vec<DocumentRecord>,
    pub journal_head: Head,
}

/// Changes to an incident's facts; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct IncidentChanges {
    pub title: Option<String>,
    pub description: Option<String>,
    pub personal_data: Option<bool>,
    /// The new details (several fields at once).
    pub details: Option<IncidentDetails>,
    pub status: Option<String>,
}

/// A contact of the organisation's directory, or a national one, as listed.
#[derive(Debug, Clone, Serialize)]
pub struct ContactView {
    pub id: String,
    /// `organisation`, `national` or `csirt`.
    pub source: &'static str,
    pub role: String,
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub when_to_call: Option<String>,
    pub policy_number: Option<String>,
    pub notes: Option<String>,
    pub verified_on: Option<chrono::NaiveDate>,
}

impl IncidentService {
    /// Opens the embedded default: SQLite and the blob store in `data_dir`, and the
    /// organisation of this installation (created on first use).
    pub async fn open_local(data_dir: &Path) -> Result<IncidentService, Error> {
        std::fs::create_dir_all(data_dir).map_err(|source| Error::Write {
            path: data_dir.to_path_buf(),
            source,
        })?;
        let store = Store::open_sqlite(&data_dir.join(DATABASE_FILE)).await?;
        let blobs: SharedBlobStore = Arc::new(LocalBlobStore::new(data_dir.join(EVIDENCE_DIR))?);
        let org = store
            .default_organisation(DEFAULT_ORGANISATION_NAME)
            .await?
            .id;
        let mut service = IncidentService::new(store, blobs, org);
        let own = data_dir.join(PLAYBOOKS_DIR);
        if own.is_dir() {
            service.add_playbooks(playbook::load_dir(&own)?);
        }
        Ok(service)
    }

    /// Adds playbooks (an organisation's own, or newer versions of shipped ones: same id
    /// replaces).
    pub fn add_playbooks(&mut self, playbooks: Vec<Playbook>) {
        for p in playbooks {
            self.playbooks.retain(|existing| existing.id != p.id);
            self.playbooks.push(p);
        }
        self.playbooks.sort_by(|a, b| a.id.cmp(&b.id));
    }

    /// A service over an open store, for one organisation.
    pub fn new(store: Store, blobs: SharedBlobStore, org: OrgId) -> IncidentService {
        IncidentService {
            store,
            blobs,
            org,
            playbooks: playbook::builtin(),
        }
    }

    /// The store (for the web application's other needs).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The organisation served.
    pub fn organisation_id(&self) -> &OrgId {
        &self.org
    }

    /// The playbooks available.
    pub fn playbooks(&self) -> &[Playbook] {
        &self.playbooks
    }

    /// One playbook, or a French error listing the valid ids.
    pub fn playbook(&self, id: &str) -> Result<&Playbook, Error> {
        self.playbooks
            .iter()
            .find(|p| p.id == id)
            .ok_or_else(|| Error::UnknownPlaybook {
                id: id.to_owned(),
                known: self
                    .playbooks
                    .iter()
                    .map(|p| p.id.clone())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }

    // ---------------------------------------------------------------------------------------
    // Organisation.

    /// The organisation's name and profile.
    pub async fn organisation(&self) -> Result<(String, OrganisationProfile), Error> {
        let record = self.store.organisation(&self.org).await?;
        let mut profile = profile_from_json(&record.profile);
        profile.name = Some(record.name.clone());
        Ok((record.name, profile))
    }

    /// Saves the organisation's name and profile.
    pub async fn set_organisation(
        &self,
        name: &str,
        profile: &OrganisationProfile,
    ) -> Result<(), Error> {
        if let Some(region) = &profile.region
            && Directory::builtin().region(region).is_none()
        {
            return Err(Error::UnknownRegion {
                region: region.clone(),
                known: Directory::builtin()
                    .regions()
                    .iter()
                    .map(|r| r.id.clone())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        let mut stored = profile.clone();
        stored.name = None;
        let value = serde_json::to_value(&stored).map_err(|e| Error::Internal {
            reason: e.to_string(),
        })?;
        self.store
            .set_organisation_profile(&self.org, name, &value)
            .await?;
        Ok(())
    }

    // ---------------------------------------------------------------------------------------
    // Incidents.

    /// Declares an incident: its row and the journal's first entry, at `now`.
    pub async fn declare(
        &self,
        declaration: &Declaration,
        now: DateTime<Utc>,
    ) -> Result<IncidentView, Error> {
        let playbook = self.playbook(&declaration.playbook_id)?;
        let title = declaration.title.trim();
        if title.is_empty() {
            return Err(Error::InvalidInput {
                field: "titre",
                reason: "le titre est vide : décrivez le problème en quelques mots".into(),
            });
        }
        if declaration.discovered_at > now + chrono::Duration::minutes(5) {
            return Err(Error::InvalidInput {
                field: "date de découverte",
                reason: format!(
                    "{} est dans le futur : indiquez quand le problème a été constaté",
                    deadline::format_paris(declaration.discovered_at)
                ),
            });
        }
        let new = NewIncident {
            playbook_id: playbook.id.clone(),
            title: title.to_owned(),
            description: declaration.description.clone(),
            declared_by: declaration.declared_by.clone(),
            declared_at: journal::truncate_to_millis(now),
            discovered_at: declaration.discovered_at,
            personal_data: declaration.personal_data,
            details: IncidentDetails::default().to_json(),
            status: "ouvert".into(),
        };
        let (record, _) = self
            .store
            .create_incident(&self.org, &new, |record, head| {
                let text = format!(
                    "Incident déclaré par {} : « {} » ({}), problème constaté le {}",
                    record.declared_by,
                    record.title,
                    playbook.title,
                    deadline::format_paris(record.discovered_at)
                );
                let data = serde_json::json!({
                    "reference": record.reference,
                    "playbook_id": record.playbook_id,
                    "title": record.title,
                    "description": record.description,
                    "discovered_at": journal::canonical_time(record.discovered_at),
                    "personal_data": record.personal_data,
                });
                sealed(
                    &record.id,
                    head,
                    now,
                    &record.declared_by,
                    EntryKind::Declaration,
                    &text,
                    data,
                )
            })
            .await?;
        self.view_record(record, now).await
    }

    /// Finds an incident by id or reference.
    pub async fn incident(&self, id_or_reference: &str) -> Result<IncidentRecord, Error> {
        Ok(self.store.incident(&self.org, id_or_reference).await?)
    }

    /// Every incident of the organisation, newest first, with its deadlines. A fixed number of
    /// queries whatever the number of incidents (the dashboard calls this on every visit).
    pub async fn list(&self, now: DateTime<Utc>) -> Result<Vec<IncidentView>, Error> {
        let records = self.store.list_incidents(&self.org).await?;
        if records.is_empty() {
            return Ok(Vec::new());
        }
        let mut steps = group_by_incident(self.store.all_steps_done(&self.org).await?, |s| {
            Some(s.incident_id.as_str())
        });
        let mut evidence = group_by_incident(self.store.all_evidence(&self.org).await?, |e| {
            Some(e.incident_id.as_str())
        });
        let mut documents = group_by_incident(self.store.documents(&self.org, None).await?, |d| {
            d.incident_id.as_deref()
        });
        let mut heads: std::collections::HashMap<String, ChainHead> = self
            .store
            .journal_heads(&self.org)
            .await?
            .into_iter()
            .collect();
        let insurer_days = self.insurer_working_days().await;
        let mut out: Vec<IncidentView> = records
            .into_iter()
            .map(|record| {
                let id = record.id.clone();
                let head = heads.remove(&id).unwrap_or_else(ChainHead::empty);
                self.assemble_view(
                    record,
                    Related {
                        steps: steps.remove(&id).unwrap_or_default(),
                        evidence: evidence.remove(&id).unwrap_or_default(),
                        documents: documents.remove(&id).unwrap_or_default(),
                        head,
                    },
                    insurer_days,
                    now,
                )
            })
            .collect();
        out.sort_by_key(|v| std::cmp::Reverse(v.declared_at));
        Ok(out)
    }

    /// Everything about one incident.
    pub async fn view(
        &self,
        id_or_reference: &str,
        now: DateTime<Utc>,
    ) -> Result<IncidentView, Error> {
        let record = self.incident(id_or_reference).await?;
        self.view_record(record, now).await
    }

    async fn view_record(
        &self,
        record: IncidentRecord,
        now: DateTime<Utc>,
    ) -> Result<IncidentView, Error> {
        let related = Related {
            steps: self.store.steps_done(&self.org, &record.id).await?,
            evidence: self.store.evidence(&self.org, &record.id).await?,
            documents: self.store.documents(&self.org, Some(&record.id)).await?,
            head: self.store.journal_head(&self.org, &record.id).await?,
        };
        let insurer_days = self.insurer_working_days().await;
        Ok(self.assemble_view(record, related, insurer_days, now))
    }

    fn assemble_view(
        &self,
        record: IncidentRecord,
        related: Related,
        insurer_days: u32,
        now: DateTime<Utc>,
    ) -> IncidentView {
        let Related {
            steps,
            evidence,
            documents,
            head,
        } = related;
        let details = IncidentDetails::from_json(&record.details);
        let head = to_head(head);
        let playbook = self.playbook(&record.playbook_id).ok();
        let deadlines = deadline_views(&record, &details, playbook, &steps, insurer_days, now);
        let checklist = playbook
            .map(|p| {
                p.steps
                    .iter()
                    .map(|s| ChecklistStep {
                        id: s.id.clone(),
                        title: s.title.clone(),
                        detail: s.detail.clone(),
                        deadline: s.deadline.map(|d| d.as_str().to_owned()),
                        done: steps.iter().find(|d| d.step_id == s.id).cloned(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        IncidentView {
            schema: INCIDENT_SCHEMA,
            playbook_title: playbook.map(|p| p.title.clone()).unwrap_or_default(),
            id: record.id,
            reference: record.reference,
            playbook: record.playbook_id,
            title: record.title,
            description: record.description,
            status: record.status,
            declared_by: record.declared_by,
            declared_at: record.declared_at,
            discovered_at: record.discovered_at,
            personal_data: record.personal_data,
            details,
            deadlines,
            checklist,
            evidence,
            documents,
            journal_head: head,
        }
    }

    async fn insurer_working_days(&self) -> u32 {
        match self.organisation().await {
            Ok((_, profile)) => profile
                .insurer
                .and_then(|i| i.declaration_deadline_working_days)
                .unwrap_or(5),
            Err(_) => 5,
        }
    }

    /// Corrects T0, with the reason written to the journal.
    pub async fn correct_t0(
        &self,
        id_or_reference: &str,
        new_t0: DateTime<Utc>,
        reason: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<JournalEntryRecord, Error> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Error::InvalidInput {
                field: "raison",
                reason: "indiquez pourquoi l'heure de découverte change (--raison)".into(),
            });
        }
        if new_t0 > now + chrono::Duration::minutes(5) {
            return Err(Error::InvalidInput {
                field: "date de découverte",
                reason: format!("{} est dans le futur", deadline::format_paris(new_t0)),
            });
        }
        let mut record = self.incident(id_or_reference).await?;
        let old = record.discovered_at;
        let mut details = IncidentDetails::from_json(&record.details);
        details.t0_corrections.push(T0Correction {
            at: journal::truncate_to_millis(now),
            by: actor.to_owned(),
            from: old,
            to: new_t0,
            reason: reason.to_owned(),
        });
        record.discovered_at = new_t0;
        record.details = details.to_json();
        let id = record.id.clone();
        let text = format!(
            "Heure de découverte corrigée : {} → {} (raison : {reason})",
            deadline::format_paris(old),
            deadline::format_paris(new_t0)
        );
        let data = serde_json::json!({
            "from": journal::canonical_time(old),
            "discovered_at": journal::canonical_time(new_t0),
            "reason": reason,
        });
        Ok(self
            .store
            .update_incident(&self.org, &record, |head| {
                sealed(&id, head, now, actor, EntryKind::T0Change, &text, data)
            })
            .await?)
    }

    /// Completes or corrects the facts of an incident.
    pub async fn update(
        &self,
        id_or_reference: &str,
        changes: IncidentChanges,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<JournalEntryRecord, Error> {
        let mut record = self.incident(id_or_reference).await?;
        let mut changed = Vec::new();
        let mut data = serde_json::Map::new();
        if let Some(title) = changes.title {
            let title = title.trim().to_owned();
            if title.is_empty() {
                return Err(Error::InvalidInput {
                    field: "titre",
                    reason: "le titre ne peut pas être vide".into(),
                });
            }
            changed.push(format!("titre « {title} »"));
            data.insert("title".into(), title.clone().into());
            record.title = title;
        }
        if let Some(description) = changes.description {
            changed.push("description".into());
            data.insert("description".into(), description.clone().into());
            record.description = description;
        }
        if let Some(personal) = changes.personal_data {
            changed.push(if personal {
                "des données personnelles sont concernées".into()
            } else {
                "aucune donnée personnelle concernée".into()
            });
            data.insert("personal_data".into(), personal.into());
            record.personal_data = personal;
        }
        if let Some(details) = changes.details {
            changed.push("détails de l'incident".into());
            let json = details.to_json();
            data.insert("details".into(), json.clone());
            record.details = json;
        }
        if let Some(status) = changes.status {
            changed.push(format!("statut « {status} »"));
            data.insert("status".into(), status.clone().into());
            if status == "clos" {
                record.closed_at = Some(journal::truncate_to_millis(now));
            }
            record.status = status;
        }
        if changed.is_empty() {
            return Err(Error::InvalidInput {
                field: "modification",
                reason: "rien à modifier : indiquez au moins un champ".into(),
            });
        }
        let id = record.id.clone();
        let text = format!("Mise à jour : {}", changed.join(", "));
        let data = serde_json::Value::Object(data);
        Ok(self
            .store
            .update_incident(&self.org, &record, |head| {
                sealed(&id, head, now, actor, EntryKind::Update, &text, data)
            })
            .await?)
    }

    /// Ticks a step of the checklist.
    pub async fn complete_step(
        &self,
        id_or_reference: &str,
        step_id: &str,
        note: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<JournalEntryRecord, Error> {
        let record = self.incident(id_or_reference).await?;
        let playbook = self.playbook(&record.playbook_id)?;
        let step = playbook.step(step_id).ok_or_else(|| Error::UnknownStep {
            step: step_id.to_owned(),
            known: playbook
                .steps
                .iter()
                .map(|s| s.id.clone())
                .collect::<Vec<_>>()
                .join(", "),
        })?;
        let done = StepDone {
            step_id: step.id.clone(),
            done_by: actor.to_owned(),
            done_at: journal::truncate_to_millis(now),
            note: note.to_owned(),
        };
        let mut text = format!("Étape faite : {}", step.title);
        if !note.trim().is_empty() {
            text.push_str(&format!(" — {}", note.trim()));
        }
        let data = serde_json::json!({"step_id": step.id, "note": note});
        let id = record.id.clone();
        Ok(self
            .store
            .record_step(&self.org, &id, &done, |head| {
                sealed(&id, head, now, actor, EntryKind::StepDone, &text, data)
            })
            .await?)
    }

    /// Records a call (or a message) to a contact.
    pub async fn record_contact(
        &self,
        id_or_reference: &str,
        contact: &str,
        note: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<JournalEntryRecord, Error> {
        let contact = contact.trim();
        if contact.is_empty() {
            return Err(Error::InvalidInput {
                field: "contact",
                reason: "indiquez qui a été contacté".into(),
            });
        }
        let name = self
            .contacts()
            .await?
            .into_iter()
            .find(|c| c.id == contact)
            .map_or_else(|| contact.to_owned(), |c| c.name);
        let mut text = format!("Contact joint : {name}");
        if !note.trim().is_empty() {
            text.push_str(&format!(" — {}", note.trim()));
        }
        let data = serde_json::json!({"contact": contact, "name": name, "note": note});
        self.append(
            id_or_reference,
            actor,
            EntryKind::ContactCalled,
            &text,
            data,
            now,
        )
        .await
    }

    /// Adds a free note to the journal.
    pub async fn note(
        &self,
        id_or_reference: &str,
        text: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<JournalEntryRecord, Error> {
        if text.trim().is_empty() {
            return Err(Error::InvalidInput {
                field: "note",
                reason: "la note est vide".into(),
            });
        }
        self.append(
            id_or_reference,
            actor,
            EntryKind::Note,
            text.trim(),
            serde_json::json!({}),
            now,
        )
        .await
    }

    async fn append(
        &self,
        id_or_reference: &str,
        actor: &str,
        kind: EntryKind,
        text: &str,
        data: serde_json::Value,
        now: DateTime<Utc>,
    ) -> Result<JournalEntryRecord, Error> {
        let record = self.incident(id_or_reference).await?;
        let id = record.id;
        Ok(self
            .store
            .append_journal(&self.org, &id, |head| {
                sealed(&id, head, now, actor, kind, text, data)
            })
            .await?)
    }

    /// The journal of an incident, in order.
    pub async fn journal(&self, id_or_reference: &str) -> Result<(Vec<Entry>, Head), Error> {
        let record = self.incident(id_or_reference).await?;
        let rows = self.store.journal(&self.org, &record.id).await?;
        let head = to_head(self.store.journal_head(&self.org, &record.id).await?);
        Ok((rows.into_iter().map(to_entry).collect(), head))
    }

    // ---------------------------------------------------------------------------------------
    // Evidence.

    /// Adds files to the evidence locker. Every file is first streamed into the blob store
    /// (hashed on the way, never loaded whole); only when all of them are stored are they
    /// recorded, each with its journal entry. A file that cannot be read, or that is already
    /// evidence of this incident, stops the command before anything is recorded.
    pub async fn add_evidence(
        &self,
        id_or_reference: &str,
        input: &EvidenceInput,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<EvidenceRecord>, Error> {
        let EvidenceInput {
            files,
            description,
            collected_by,
            collected_at,
            original_names,
        } = input;
        // What messages and records call each file: its original name when given.
        let shown = |index: usize, path: &Path| -> PathBuf {
            original_names
                .get(index)
                .map(PathBuf::from)
                .unwrap_or_else(|| path.to_path_buf())
        };
        let collected_at = *collected_at;
        if files.is_empty() {
            return Err(Error::InvalidInput {
                field: "fichiers",
                reason: "indiquez au moins un fichier à ajouter".into(),
            });
        }
        if description.trim().is_empty() {
            return Err(Error::InvalidInput {
                field: "description",
                reason: "décrivez ce que montre la preuve (--description)".into(),
            });
        }
        let record = self.incident(id_or_reference).await?;
        let existing = self.store.evidence(&self.org, &record.id).await?;

        // Phase 1: store every file's bytes.
        let mut stored = Vec::new();
        let mut seen = BTreeSet::new();
        for (index, path) in files.iter().enumerate() {
            let blob = self.store_file(path).await?;
            let path = shown(index, path);
            if let Some(previous) = existing.iter().find(|e| e.sha256 == blob.sha256) {
                return Err(Error::DuplicateEvidence {
                    file: path.clone(),
                    existing: previous.original_name.clone(),
                });
            }
            if !seen.insert(blob.sha256.clone()) {
                return Err(Error::DuplicateEvidence {
                    file: path.clone(),
                    existing: path.display().to_string(),
                });
            }
            stored.push((path, blob));
        }

        // Phase 2: record them, each with its journal entry.
        let mut out = Vec::new();
        for (path, blob) in stored {
            let path = path.as_path();
            let original_name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| path.display().to_string());
            let media_type = media_type_of(path);
            let ev = NewEvidence {
                sha256: blob.sha256.clone(),
                size: blob.size,
                media_type: media_type.clone(),
                original_name: original_name.clone(),
                description: description.trim().to_owned(),
                collected_by: collected_by.clone(),
                collected_at: journal::truncate_to_millis(collected_at.unwrap_or(now)),
            };
            let text = format!(
                "Preuve ajoutée : « {original_name} » ({}, SHA-256 {}) — {}",
                human_size(blob.size),
                blob.sha256,
                ev.description
            );
            let data = serde_json::json!({
                "sha256": ev.sha256,
                "size": ev.size,
                "original_name": ev.original_name,
                "media_type": ev.media_type,
                "description": ev.description,
                "collected_by": ev.collected_by,
                "collected_at": journal::canonical_time(ev.collected_at),
            });
            let id = record.id.clone();
            let (evidence, _) = self
                .store
                .add_evidence(&self.org, &id, &ev, |head| {
                    sealed(&id, head, now, actor, EntryKind::EvidenceAdded, &text, data)
                })
                .await?;
            out.push(evidence);
        }
        Ok(out)
    }

    /// Streams one file into the blob store, on a blocking thread.
    async fn store_file(&self, path: &Path) -> Result<vigie_store::blob::BlobRef, Error> {
        let blobs = self.blobs.clone();
        let owned = path.to_path_buf();
        tokio::task::spawn_blocking(move || {
            let metadata = std::fs::metadata(&owned).map_err(|source| Error::EvidenceFile {
                path: owned.clone(),
                source,
            })?;
            if !metadata.is_file() {
                return Err(Error::EvidenceFile {
                    path: owned.clone(),
                    source: std::io::Error::other("ce n'est pas un fichier ordinaire"),
                });
            }
            let file = File::open(&owned).map_err(|source| Error::EvidenceFile {
                path: owned.clone(),
                source,
            })?;
            blobs
                .put_stream(&mut std::io::BufReader::with_capacity(256 * 1024, file))
                .map_err(|e| Error::EvidenceStore {
                    path: owned.clone(),
                    reason: e.to_string(),
                })
        })
        .await
        .map_err(|e| Error::Internal {
            reason: e.to_string(),
        })?
    }

    /// The evidence of an incident.
    pub async fn evidence(&self, id_or_reference: &str) -> Result<Vec<EvidenceRecord>, Error> {
        let record = self.incident(id_or_reference).await?;
        Ok(self.store.evidence(&self.org, &record.id).await?)
    }

    /// The blob store (to read evidence back).
    pub fn blobs(&self) -> &SharedBlobStore {
        &self.blobs
    }

    // ---------------------------------------------------------------------------------------
    // Contacts.

    /// The organisation's own contacts, then the national ones, then its regional CSIRT.
    pub async fn contacts(&self) -> Result<Vec<ContactView>, Error> {
        let mut out: Vec<ContactView> = self
            .store
            .list_contacts(&self.org)
            .await?
            .into_iter()
            .map(|c| ContactView {
                when_to_call: OrgRole::from_id(&c.role).map(|r| r.what_to_record().to_owned()),
                id: c.id,
                source: "organisation",
                role: c.role,
                name: c.name,
                phone: c.phone,
                email: c.email,
                website: c.website,
                policy_number: c.policy_number,
                notes: c.notes,
                verified_on: c
                    .verified_at
                    .map(|t| t.with_timezone(&chrono_tz::Europe::Paris).date_naive()),
            })
            .collect();
        let directory = Directory::builtin();
        for entry in directory.entries() {
            out.push(national_view(entry, "national"));
        }
        let (_, profile) = self.organisation().await?;
        if let Some(region) = profile.region.as_deref()
            && let Some(csirt) = directory.csirt_for_region(region)
        {
            out.push(national_view(csirt, "csirt"));
        }
        Ok(out)
    }

    /// Adds or replaces one of the organisation's own contacts; `verified` marks it checked now.
    pub async fn save_contact(&self, contact: &ContactRecord) -> Result<(), Error> {
        if contact.name.trim().is_empty() {
            return Err(Error::InvalidInput {
                field: "nom",
                reason: "le nom du contact est vide".into(),
            });
        }
        if OrgRole::from_id(&contact.role).is_none() {
            return Err(Error::InvalidInput {
                field: "rôle",
                reason: format!(
                    "rôle inconnu « {} » ; rôles possibles : {}",
                    contact.role,
                    OrgRole::ALL
                        .iter()
                        .map(|r| r.id())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
        }
        Ok(self.store.upsert_contact(&self.org, contact).await?)
    }

    /// Marks a contact's details as checked at `now`.
    pub async fn verify_contact(&self, id: &str, now: DateTime<Utc>) -> Result<(), Error> {
        Ok(self.store.mark_contact_verified(&self.org, id, now).await?)
    }

    /// Removes one of the organisation's contacts.
    pub async fn remove_contact(&self, id: &str) -> Result<(), Error> {
        Ok(self.store.delete_contact(&self.org, id).await?)
    }
}

fn national_view(entry: &crate::directory::Entry, source: &'static str) -> ContactView {
    ContactView {
        id: entry.id.clone(),
        source,
        role: serde_json::to_value(entry.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        name: entry.name.clone(),
        phone: entry
            .phone
            .clone()
            .map(|p| match &entry.phone_instructions {
                Some(i) => format!("{p} ({i})"),
                None => p,
            }),
        email: None,
        website: entry.website.clone(),
        when_to_call: Some(entry.when.clone()),
        policy_number: None,
        notes: entry.how_to_find.clone(),
        verified_on: Some(entry.verified_on),
    }
}

/// Seals a journal entry after `head` for the store.
fn sealed(
    incident_id: &str,
    head: &ChainHead,
    at: DateTime<Utc>,
    actor: &str,
    kind: EntryKind,
    text: &str,
    data: serde_json::Value,
) -> NewJournalEntry {
    let entry = journal::seal(
        incident_id,
        &to_head(head.clone()),
        at,
        actor,
        kind,
        text,
        data,
    );
    NewJournalEntry {
        at: entry.at,
        actor: entry.actor,
        kind: entry.kind,
        text: entry.text,
        data: entry.data,
        prev_hash: entry.prev_hash,
        hash: entry.hash,
    }
}

fn to_head(head: ChainHead) -> Head {
    Head {
        length: head.length,
        hash: head.hash,
    }
}

fn to_entry(row: JournalEntryRecord) -> Entry {
    Entry {
        seq: row.seq,
        at: row.at,
        actor: row.actor,
        kind: row.kind,
        text: row.text,
        data: row.data,
        prev_hash: row.prev_hash,
        hash: row.hash,
    }
}

fn deadline_views(
    record: &IncidentRecord,
    details: &IncidentDetails,
    playbook: Option<&Playbook>,
    steps: &[StepDoneRecord],
    insurer_working_days: u32,
    now: DateTime<Utc>,
) -> Vec<DeadlineView> {
    let mut facts = IncidentFacts::new(record.discovered_at);
    facts.personal_data = record.personal_data;
    facts.high_risk_to_people = details.high_risk_to_people;
    facts.insurer_working_days = insurer_working_days;
    deadline::deadlines(&facts)
        .into_iter()
        .map(|d: Deadline| {
            let met_by_step = playbook.is_some_and(|p| {
                p.steps
                    .iter()
                    .filter(|s| s.deadline == Some(d.id))
                    .any(|s| steps.iter().any(|done| done.step_id == s.id))
            });
            let met_by_fact = match d.id {
                deadline::DeadlineId::CnilNotification => details.cnil_notified_at.is_some(),
                deadline::DeadlineId::CriminalComplaint => details
                    .complaint
                    .as_ref()
                    .is_some_and(|c| c.filed_at.is_some() || c.reference.is_some()),
                deadline::DeadlineId::InsurerDeclaration => details.insurer_notified_at.is_some(),
                deadline::DeadlineId::InformPeople => details.people_informed_at.is_some(),
            };
            let met = met_by_step || met_by_fact;
            let summary = if met {
                format!("{} : fait", d.label)
            } else {
                d.describe(now)
            };
            DeadlineView {
                id: d.id.as_str().to_owned(),
                status: d.status(now),
                summary,
                label: d.label,
                legal_basis: d.legal_basis,
                applies: d.applies,
                due: d.due,
                met,
            }
        })
        .collect()
}

/// The media type of a file from its name (evidence is stored as given; this is a label).
fn media_type_of(path: &Path) -> String {
    mime_guess::from_path(path)
        .first_raw()
        .unwrap_or("application/octet-stream")
        .to_owned()
}

/// What an incident view is built from besides the incident itself.
struct Related {
    steps: Vec<StepDoneRecord>,
    evidence: Vec<EvidenceRecord>,
    documents: Vec<DocumentRecord>,
    head: ChainHead,
}

/// Rows of the whole organisation, grouped by the incident they belong to (rows of no incident
/// are left out), in their original order.
fn group_by_incident<T>(
    rows: Vec<T>,
    incident_of: impl Fn(&T) -> Option<&str>,
) -> std::collections::HashMap<String, Vec<T>> {
    let mut out: std::collections::HashMap<String, Vec<T>> = std::collections::HashMap::new();
    for row in rows {
        if let Some(id) = incident_of(&row).map(str::to_owned) {
            out.entry(id).or_default().push(row);
        }
    }
    out
}

/// « 1,2 Mo » style sizes for journal sentences.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["octets", "Ko", "Mo", "Go", "To"];
    if bytes < 1024 {
        return format!("{bytes} octets");
    }
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{:.1} {}", value, UNITS.get(unit).unwrap_or(&"octets")).replace('.', ",")
}

/// The file name of a produced document: `INC-2026-0001-cnil.pdf`.
pub(crate) fn document_file_name(reference: &str, kind: vigie_documents::DocumentKind) -> String {
    format!("{}-{}.pdf", reference, kind.file_stem())
}

impl From<vigie_store::Error> for Error {
    fn from(e: vigie_store::Error) -> Self {
        Error::Store(e)
    }
}

/// The T0 of an incident as recorded in its journal: the declaration's, then each correction.
pub(crate) fn t0_from_journal(entries: &[Entry]) -> Option<DateTime<Utc>> {
    entries
        .iter()
        .filter(|e| {
            e.kind == EntryKind::Declaration.as_str() || e.kind == EntryKind::T0Change.as_str()
        })
        .filter_map(|e| e.data.get("discovered_at")?.as_str().map(str::to_owned))
        .filter_map(|s| DateTime::parse_from_rfc3339(&s).ok())
        .map(|t| t.with_timezone(&Utc))
        .next_back()
}
