//! Producing the PDF documents of an incident (and of the organisation) and the exported
//! dossier.
//!
//! Each produced PDF is kept in the blob store and recorded with a journal entry carrying its
//! SHA-256, so the dossier can include exactly what was handed over, and `verify` can tell if a
//! stored copy changed. A document prints the journal head as it was just before the document
//! was produced.

use std::io::Read;
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::Serialize;
use vigie_documents::{self as docs, DocumentData, DocumentKind};
use vigie_store::blob::SharedBlobStore;
use vigie_store::{DocumentRecord, IncidentRecord, NewDocument};

use super::{
    IncidentDetails, IncidentService, document_file_name, profile_from_json, sealed, to_entry,
};
use crate::Error;
use crate::dossier::{self, DocumentSource, DossierContent, EvidenceSource, Manifest};
use crate::journal::{self, EntryKind, Head};

/// A produced document.
#[derive(Debug, Clone, Serialize)]
pub struct ProducedDocument {
    pub kind: DocumentKind,
    pub file_name: String,
    pub sha256: String,
    pub size: u64,
    /// Labels of the fields still to complete (shown in the PDF as « À COMPLÉTER »).
    pub missing_fields: Vec<&'static str>,
    /// The journal head printed on it.
    pub journal_head: Option<Head>,
    #[serde(skip)]
    pub bytes: Vec<u8>,
}

impl IncidentService {
    /// Renders a document; `incident` is required for the incident documents and optional for
    /// the register and the fiche réflexes. The PDF is kept in the blob store and recorded.
    pub async fn produce_document(
        &self,
        kind: DocumentKind,
        incident: Option<&str>,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<ProducedDocument, Error> {
        let record = match incident {
            Some(id) => Some(self.incident(id).await?),
            None if kind.needs_incident() => {
                return Err(Error::InvalidInput {
                    field: "incident",
                    reason: format!(
                        "le document « {} » concerne un incident : indiquez son numéro",
                        kind.title_fr()
                    ),
                });
            }
            None => None,
        };
        let data = self.document_data(kind, record.as_ref(), now).await?;
        let missing_fields = docs::missing_fields(kind, &data);
        // Rendering is CPU work and the blob store may be S3, whose client waits on the
        // network: both run off the async workers.
        let blobs = self.blobs.clone();
        let (bytes, blob) = tokio::task::spawn_blocking(move || -> Result<_, Error> {
            let bytes = docs::render(kind, &data).map_err(|e| Error::Document {
                reason: e.to_string(),
            })?;
            let blob = blobs
                .put_stream(&mut std::io::Cursor::new(&bytes))
                .map_err(|e| Error::Document {
                    reason: e.to_string(),
                })?;
            Ok((bytes, blob))
        })
        .await
        .map_err(|e| Error::Internal {
            reason: e.to_string(),
        })??;
        let sha256 = dossier::sha256_hex(&bytes);
        let size = bytes.len() as u64;
        let reference = record
            .as_ref()
            .map_or("organisation", |r| r.reference.as_str());
        let file_name = document_file_name(reference, kind);

        debug_assert_eq!(blob.sha256, sha256);
        let doc = NewDocument {
            kind: kind.file_stem().to_owned(),
            sha256: sha256.clone(),
            produced_at: journal::truncate_to_millis(now),
            produced_by: actor.to_owned(),
        };
        let mut journal_head = None;
        let incident_id = record.as_ref().map(|r| r.id.clone());
        let text = format!(
            "Document produit : {} (« {file_name} », SHA-256 {sha256})",
            kind.title_fr()
        );
        let data = serde_json::json!({
            "kind": kind.file_stem(),
            "file_name": file_name,
            "sha256": sha256,
            "size": size,
            "missing_fields": missing_fields,
        });
        let id_for_entry = incident_id.clone().unwrap_or_default();
        self.store
            .record_document(&self.org, incident_id.as_deref(), &doc, |head| {
                journal_head = Some(Head {
                    length: head.length,
                    hash: head.hash.clone(),
                });
                sealed(
                    &id_for_entry,
                    head,
                    now,
                    actor,
                    EntryKind::DocumentProduced,
                    &text,
                    data,
                )
            })
            .await?;
        Ok(ProducedDocument {
            kind,
            file_name,
            sha256,
            size,
            missing_fields,
            journal_head,
            bytes,
        })
    }

    /// Everything a document prints, gathered from the store.
    pub async fn document_data(
        &self,
        kind: DocumentKind,
        record: Option<&IncidentRecord>,
        now: DateTime<Utc>,
    ) -> Result<DocumentData, Error> {
        let org = self.store.organisation(&self.org).await?;
        let mut organisation = profile_from_json(&org.profile);
        organisation.name = Some(org.name.clone());

        let mut data = DocumentData {
            generated_at: now,
            organisation,
            ..DocumentData::default()
        };

        // Contacts: the organisation's, the national ones, its regional CSIRT.
        let contacts = self.contacts().await?;
        fill_profile_from_contacts(&mut data.organisation, &contacts);
        for c in contacts {
            data.contacts.push(docs::Contact {
                name: c.name,
                role: Some(role_label(&c.role)),
                phone: c.phone,
                email: c.email,
                website: c.website,
                when_to_call: c.when_to_call,
                verified_on: c.verified_on,
            });
        }

        if let Some(record) = record {
            let view = self.view_record(record.clone(), now).await?;
            let details = IncidentDetails::from_json(&record.details);
            let playbook = self.playbook(&record.playbook_id).ok();
            data.incident = Some(incident_data(record, &details, playbook));
            data.deadlines = view
                .deadlines
                .iter()
                .filter(|d| d.applies)
                .map(|d| docs::Deadline {
                    id: d.id.clone(),
                    label: d.label.clone(),
                    due: d.due,
                    status: Some(d.summary.clone()),
                })
                .collect();
            let entries = self.store.journal(&self.org, &record.id).await?;
            data.timeline = entries
                .into_iter()
                .map(to_entry)
                .map(|e| docs::TimelineEntry {
                    at: e.at,
                    actor: Some(e.actor),
                    kind: Some(
                        EntryKind::parse(&e.kind)
                            .map_or(e.kind.clone(), |k| k.label_fr().to_owned()),
                    ),
                    text: e.text,
                })
                .collect();
            data.evidence = view
                .evidence
                .iter()
                .map(|e| docs::Evidence {
                    name: e.original_name.clone(),
                    sha256: e.sha256.clone(),
                    size: Some(e.size),
                    media_type: Some(e.media_type.clone()),
                    description: Some(e.description.clone()),
                    collected_by: Some(e.collected_by.clone()),
                    collected_at: Some(e.collected_at),
                })
                .collect();
            data.journal_head = Some(docs::JournalHead {
                length: view.journal_head.length,
                hash: view.journal_head.hash.clone(),
            });
            if let Some(p) = playbook {
                data.immediate_actions = p
                    .immediate_actions
                    .iter()
                    .map(|a| docs::ImmediateAction {
                        text: a.text.clone(),
                        why: Some(a.why.clone()),
                    })
                    .collect();
            }
        }

        if kind == DocumentKind::FicheReflexes && data.immediate_actions.is_empty() {
            // The organisation's fiche: the immediate actions common to every attack, from the
            // mailbox compromise playbook (the seed's case), then the scareware one.
            let mut seen = std::collections::BTreeSet::new();
            for id in ["compromission-messagerie", "faux-support", "rancongiciel"] {
                if let Ok(p) = self.playbook(id) {
                    for a in &p.immediate_actions {
                        if seen.insert(a.text.clone()) && data.immediate_actions.len() < 8 {
                            data.immediate_actions.push(docs::ImmediateAction {
                                text: a.text.clone(),
                                why: Some(a.why.clone()),
                            });
                        }
                    }
                }
            }
        }

        if kind == DocumentKind::Registre {
            for r in self.store.list_incidents(&self.org).await? {
                let d = IncidentDetails::from_json(&r.details);
                data.registre.push(docs::RegistreEntry {
                    reference: Some(r.reference.clone()),
                    title: Some(r.title.clone()),
                    discovered_at: Some(r.discovered_at),
                    nature: d.nature,
                    people_count_approx: d.people_count_approx,
                    consequences: d.likely_consequences.clone(),
                    notified_cnil_at: d.cnil_notified_at,
                    not_notified_reason: if r.personal_data {
                        None
                    } else {
                        Some("Aucune donnée personnelle concernée".into())
                    },
                    people_informed: d.people_informed_at.map(|_| true),
                    measures: d.measures_taken.clone(),
                });
            }
            data.registre.sort_by_key(|r| r.discovered_at);
        }
        Ok(data)
    }

    /// Exports the incident's dossier to `output` (a ZIP, written atomically): evidence,
    /// journal, the documents produced (the missing standard ones are produced now), manifest.
    pub async fn export(
        &self,
        id_or_reference: &str,
        output: &Path,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Manifest, Error> {
        let record = self.incident(id_or_reference).await?;

        // Check the locker first: exporting altered evidence would hand over a lie.
        let check = self.verify(&record.id, None).await?;
        if !check.problems.is_empty() {
            return Err(Error::IntegrityCompromised {
                reference: record.reference.clone(),
                problems: check
                    .problems
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(" ; "),
            });
        }

        // The standard documents: produce the ones never produced.
        let mut wanted = vec![DocumentKind::Plainte, DocumentKind::Assureur];
        if record.personal_data {
            wanted.extend([DocumentKind::Cnil, DocumentKind::Information]);
        }
        let existing = self.store.documents(&self.org, Some(&record.id)).await?;
        for kind in wanted {
            if !existing.iter().any(|d| d.kind == kind.file_stem()) {
                self.produce_document(kind, Some(&record.id), actor, now)
                    .await?;
            }
        }

        let file_name = output
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let id = record.id.clone();
        let text = format!("Dossier exporté : « {file_name} »");
        self.store
            .append_journal(&self.org, &id, |head| {
                sealed(
                    &id,
                    head,
                    now,
                    actor,
                    EntryKind::Export,
                    &text,
                    serde_json::json!({"file_name": file_name}),
                )
            })
            .await?;

        let (entries, head) = self.journal(&record.id).await?;
        let org = self.store.organisation(&self.org).await?;
        let evidence_rows = self.store.evidence(&self.org, &record.id).await?;
        let documents = self.store.documents(&self.org, Some(&record.id)).await?;

        let blobs = self.blobs.clone();
        let content_incident = dossier::ManifestIncident {
            id: record.id.clone(),
            reference: record.reference.clone(),
            title: record.title.clone(),
            playbook_id: record.playbook_id.clone(),
            discovered_at: record.discovered_at,
        };
        let output = output.to_path_buf();
        let actor = actor.to_owned();
        let reference = record.reference.clone();
        // The blobs are read here, off the async workers: the store may be S3, whose client
        // waits on the network.
        tokio::task::spawn_blocking(move || {
            let document_sources = read_documents(&blobs, &documents, &reference)?;
            let evidence = evidence_rows
                .into_iter()
                .map(|e| {
                    let blobs = blobs.clone();
                    let sha = e.sha256.clone();
                    EvidenceSource {
                        sha256: e.sha256,
                        size: e.size,
                        original_name: e.original_name,
                        media_type: e.media_type,
                        description: e.description,
                        collected_by: e.collected_by,
                        collected_at: e.collected_at,
                        open: Box::new(move || {
                            blobs
                                .open(&sha)
                                .map(|f| Box::new(std::io::BufReader::new(f)) as Box<dyn Read>)
                                .map_err(std::io::Error::other)
                        }),
                    }
                })
                .collect();
            dossier::write_dossier(
                DossierContent {
                    generated_at: now,
                    generated_by: actor,
                    organisation: org.name,
                    incident: content_incident,
                    entries,
                    head,
                    evidence,
                    documents: document_sources,
                },
                &output,
            )
        })
        .await
        .map_err(|e| Error::Internal {
            reason: e.to_string(),
        })?
    }
}

/// The incident's documents with their bytes, named as the dossier lists them.
fn read_documents(
    blobs: &SharedBlobStore,
    documents: &[DocumentRecord],
    reference: &str,
) -> Result<Vec<DocumentSource>, Error> {
    let mut document_sources = Vec::new();
    for d in documents {
        let mut bytes = Vec::new();
        blobs
            .open(&d.sha256)
            .map_err(|e| Error::Document {
                reason: e.to_string(),
            })?
            .read_to_end(&mut bytes)
            .map_err(|e| Error::Document {
                reason: format!("lecture de {} : {e}", blobs.describe()),
            })?;
        let kind = d.kind.parse::<DocumentKind>().ok();
        let file_name = match kind {
            Some(k) => document_file_name(reference, k),
            None => format!("{reference}-{}.pdf", d.kind),
        };
        document_sources.push(DocumentSource {
            kind: d.kind.clone(),
            file_name,
            produced_at: d.produced_at,
            bytes,
        });
    }
    Ok(document_sources)
}

fn incident_data(
    record: &IncidentRecord,
    d: &IncidentDetails,
    playbook: Option<&crate::playbook::Playbook>,
) -> docs::Incident {
    docs::Incident {
        id: record.id.clone(),
        reference: Some(record.reference.clone()),
        playbook_id: Some(record.playbook_id.clone()),
        playbook_title: playbook.map(|p| p.title.clone()),
        title: Some(record.title.clone()),
        description: non_empty(&record.description),
        declared_by: Some(record.declared_by.clone()),
        declared_at: Some(record.declared_at),
        discovered_at: Some(record.discovered_at),
        t0_corrections: d
            .t0_corrections
            .iter()
            .map(|c| docs::T0Correction {
                at: c.at,
                from: Some(c.from),
                to: c.to,
                reason: Some(c.reason.clone()),
            })
            .collect(),
        personal_data: Some(record.personal_data),
        nature: d.nature,
        data_categories: d.data_categories.clone(),
        people_categories: d.people_categories.clone(),
        people_count_approx: d.people_count_approx,
        records_count_approx: d.records_count_approx,
        likely_consequences: d.likely_consequences.clone(),
        measures_taken: d.measures_taken.clone(),
        measures_planned: d.measures_planned.clone(),
        delay_reasons: d.delay_reasons.clone(),
        notification_kind: d.notification_kind,
        cnil_reference: d.cnil_reference.clone(),
        cnil_notified_at: d.cnil_notified_at,
        losses: d.losses.clone(),
        costs: d.costs.clone(),
        complaint: d.complaint.clone(),
        persons_involved: d.persons_involved.clone(),
        advice_to_people: d.advice_to_people.clone(),
        people_informed_at: d.people_informed_at,
        closed_at: record.closed_at,
    }
}

/// The organisation's insurer, DPO, IT provider and bank, when the profile does not name them,
/// come from its own contacts (entered once, with `vigie contacts add --role ...`).
fn fill_profile_from_contacts(org: &mut docs::Organisation, contacts: &[super::ContactView]) {
    use crate::directory::OrgRole;
    let own = |role: OrgRole| {
        contacts
            .iter()
            .find(|c| c.source == "organisation" && c.role == role.id())
    };
    if let Some(c) = own(OrgRole::Assureur) {
        let insurer = org.insurer.get_or_insert_with(Default::default);
        insurer.name = insurer.name.take().or_else(|| Some(c.name.clone()));
        insurer.policy_number = insurer
            .policy_number
            .take()
            .or_else(|| c.policy_number.clone());
        insurer.phone = insurer.phone.take().or_else(|| c.phone.clone());
        insurer.email = insurer.email.take().or_else(|| c.email.clone());
    }
    if let Some(c) = own(OrgRole::Dpo) {
        org.dpo.name = org.dpo.name.take().or_else(|| Some(c.name.clone()));
        org.dpo.email = org.dpo.email.take().or_else(|| c.email.clone());
        org.dpo.phone = org.dpo.phone.take().or_else(|| c.phone.clone());
    }
    for (role, slot) in [
        (OrgRole::PrestataireInformatique, &mut org.it_provider),
        (OrgRole::BanqueTresorerie, &mut org.bank),
    ] {
        if slot.is_none()
            && let Some(c) = own(role)
        {
            *slot = Some(docs::Party {
                name: Some(c.name.clone()),
                phone: c.phone.clone(),
                email: c.email.clone(),
            });
        }
    }
}

fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// The French label of a contact's role: an organisation role, or the kind of a national entry.
fn role_label(role: &str) -> String {
    if let Some(r) = crate::directory::OrgRole::from_id(role) {
        return r.label().to_owned();
    }
    match role {
        "emergency" => "Urgence (police, gendarmerie)",
        "assistance" => "Assistance aux victimes",
        "authority" => "Autorité de contrôle",
        "csirt" => "CSIRT régional (centre de réponse aux incidents)",
        other => other,
    }
    .to_owned()
}
