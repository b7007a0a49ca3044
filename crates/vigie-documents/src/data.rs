//! The plain data every document is made from.
//!
//! [`DocumentData`] is what the caller (the CLI, the web application) gathers from the store:
//! the organisation's profile, one incident with its journal, evidence and deadlines, the
//! organisation's contacts and the register of every incident. It is plain, serialisable data
//! with no behaviour, so that it can be saved next to a PDF (to re-render it later) and built by
//! hand in tests.
//!
//! Anything the user may not have said yet is an `Option` (or an empty list): the documents
//! show it as a highlighted « À COMPLÉTER » field instead of leaving it out, and
//! [`crate::missing_fields`] lists the same labels. A string made only of spaces counts as
//! missing too.
//!
//! Times are UTC; the documents show them in Europe/Paris.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Everything a document may need. Each document uses only part of it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DocumentData {
    /// When the document is generated. It is the date printed on the document and its PDF
    /// metadata: the same data always gives the same PDF.
    pub generated_at: DateTime<Utc>,
    /// The organisation (commune, syndicat, association...) the documents are about.
    pub organisation: Organisation,
    /// The incident the document is about. The register and the fiche réflexes need none.
    pub incident: Option<Incident>,
    /// The deadlines of the incident (72 hours for the CNIL, the insurer's delay...). The
    /// CNIL's 72 hours are recomputed from T0; the insurer's is printed from here.
    pub deadlines: Vec<Deadline>,
    /// The incident's journal, oldest first.
    pub timeline: Vec<TimelineEntry>,
    /// The evidence locker of the incident.
    pub evidence: Vec<Evidence>,
    /// People and services to call (regional CSIRT, gendarmerie, cybermalveillance.gouv.fr...).
    pub contacts: Vec<Contact>,
    /// The first things to do, from the playbooks (fiche réflexes). When empty the fiche prints
    /// the generic reflexes of the source document.
    pub immediate_actions: Vec<ImmediateAction>,
    /// Every incident of the organisation, notified to the CNIL or not (register, art. 33.5).
    pub registre: Vec<RegistreEntry>,
    /// The head of the incident's hash-chained journal, printed on every document so that a
    /// later change of the journal is provable against what was handed over.
    pub journal_head: Option<JournalHead>,
}

/// The organisation's profile.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Organisation {
    /// « Commune de Saint-Martin-de-la-Mer ».
    pub name: Option<String>,
    /// SIREN number (9 digits), as typed by the user.
    pub siren: Option<String>,
    /// Postal address, possibly on several lines.
    pub address: Option<String>,
    /// Administrative region (« Bourgogne-Franche-Comté »): picks the regional CSIRT.
    pub region: Option<String>,
    /// The person who legally represents the organisation.
    pub representative: Representative,
    /// Switchboard phone number.
    pub phone: Option<String>,
    /// Contact e-mail address.
    pub email: Option<String>,
    /// Data protection officer, or the contact point for personal data.
    pub dpo: Dpo,
    /// IT provider or IT referent.
    pub it_provider: Option<Party>,
    /// Insurer and contract.
    pub insurer: Option<Insurer>,
    /// Bank or public treasury (Trésorerie) to call when funds may be diverted.
    pub bank: Option<Party>,
}

/// The legal representative.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Representative {
    pub name: Option<String>,
    /// « Maire », « Président »...
    pub role: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// The data protection officer (DPO) or contact point.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Dpo {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// A company or service with its contact details (IT provider, bank).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Party {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// The insurer and the contract covering cyber risks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Insurer {
    pub name: Option<String>,
    pub policy_number: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// Contractual delay to declare a claim, in working days (often 2 or 5).
    pub declaration_deadline_working_days: Option<u32>,
}

/// The incident.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Incident {
    /// Internal identifier (store key); also makes the PDF identifier stable.
    pub id: String,
    /// Human reference (« INC-2026-003 »).
    pub reference: Option<String>,
    /// The playbook followed (« messagerie-compromise »).
    pub playbook_id: Option<String>,
    /// Its French title (« Compromission de messagerie »).
    pub playbook_title: Option<String>,
    /// Short title given by the user.
    pub title: Option<String>,
    /// What happened, in the user's words.
    pub description: Option<String>,
    /// Who declared the incident in Vigie.
    pub declared_by: Option<String>,
    /// When it was declared in Vigie.
    pub declared_at: Option<DateTime<Utc>>,
    /// T0: when the problem was noticed. The 72 hours run from here.
    pub discovered_at: Option<DateTime<Utc>>,
    /// Every later correction of T0, oldest first.
    pub t0_corrections: Vec<T0Correction>,
    /// Whether personal data may be concerned; `None` while nobody has said.
    pub personal_data: Option<bool>,
    /// Which security properties were lost.
    pub nature: Nature,
    /// « adresses électroniques », « RIB »...
    pub data_categories: Vec<String>,
    /// « administrés », « agents », « fournisseurs »...
    pub people_categories: Vec<String>,
    pub people_count_approx: Option<u64>,
    pub records_count_approx: Option<u64>,
    /// Likely consequences for the people concerned.
    pub likely_consequences: Option<String>,
    pub measures_taken: Vec<String>,
    pub measures_planned: Vec<String>,
    /// Why the CNIL is notified after 72 hours (required then, art. 33.1).
    pub delay_reasons: Option<String>,
    /// Initial or complementary notification to the CNIL.
    pub notification_kind: NotificationKind,
    /// The CNIL's reference of the initial notification (needed for a complementary one).
    pub cnil_reference: Option<String>,
    /// When the CNIL was notified, if it was.
    pub cnil_notified_at: Option<DateTime<Utc>>,
    /// Direct losses (diverted funds, destroyed data...).
    pub losses: Vec<Cost>,
    /// Costs incurred (IT provider, replacement, lawyer...).
    pub costs: Vec<Cost>,
    /// The complaint, once filed or being prepared.
    pub complaint: Option<Complaint>,
    /// Suspects and other persons involved, if any are known.
    pub persons_involved: Vec<PersonInvolved>,
    /// Advice for the people concerned (information letter). When empty the letter prints
    /// generic advice.
    pub advice_to_people: Vec<String>,
    /// When the people concerned were informed (art. 34).
    pub people_informed_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
}

/// A correction of T0.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct T0Correction {
    /// When the correction was made.
    pub at: DateTime<Utc>,
    pub from: Option<DateTime<Utc>>,
    pub to: DateTime<Utc>,
    pub reason: Option<String>,
}

/// The nature of a personal data breach (CNIL's three categories). All false means unknown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Nature {
    /// Data read or copied by someone not entitled to.
    pub confidentiality: bool,
    /// Data altered.
    pub integrity: bool,
    /// Data lost, destroyed or out of reach.
    pub availability: bool,
}

impl Nature {
    /// Whether nothing is ticked yet.
    pub fn is_unknown(&self) -> bool {
        !(self.confidentiality || self.integrity || self.availability)
    }
}

/// First notification to the CNIL, or a complement to it (art. 33.4 allows notifying in stages).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    #[default]
    Initiale,
    Complementaire,
}

/// An amount of money and what it is for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Cost {
    pub description: String,
    /// In euro cents, so that no float rounding ever reaches a claim. `None`: not known yet.
    pub amount_cents: Option<u64>,
}

/// Where the complaint is filed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComplaintService {
    Gendarmerie,
    Commissariat,
    /// A letter to the public prosecutor (procureur de la République).
    Procureur,
}

/// The complaint (plainte).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Complaint {
    /// Number of the receipt (récépissé / procès-verbal).
    pub reference: Option<String>,
    pub service: Option<ComplaintService>,
    /// « Brigade de gendarmerie de Vitteaux », « Tribunal judiciaire de Dijon ».
    pub service_name: Option<String>,
    pub filed_at: Option<DateTime<Utc>>,
}

/// A suspect or another person involved.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PersonInvolved {
    /// Name, alias, e-mail address or phone number used: whatever identifies them.
    pub name: String,
    /// « suspect », « témoin », « agent ayant constaté »...
    pub role: Option<String>,
    pub details: Option<String>,
}

/// One deadline of the incident.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Deadline {
    /// Stable identifier (« cnil-72h », « assureur »...). The first deadline whose id
    /// contains « assur » is printed as the insurer's deadline on the claim declaration.
    pub id: String,
    pub label: String,
    pub due: Option<DateTime<Utc>>,
    /// « à faire », « fait le ... », « dépassé »: the caller's words.
    pub status: Option<String>,
}

/// One entry of the incident's journal.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    pub actor: Option<String>,
    /// French label of the entry kind (« Déclaration », « Preuve ajoutée »...).
    pub kind: Option<String>,
    pub text: String,
}

/// One piece of evidence in the locker.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Evidence {
    pub name: String,
    /// Hex SHA-256 of the file as collected.
    pub sha256: String,
    /// Size in bytes.
    pub size: Option<u64>,
    pub media_type: Option<String>,
    pub description: Option<String>,
    pub collected_by: Option<String>,
    pub collected_at: Option<DateTime<Utc>>,
}

/// A contact to call.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Contact {
    pub name: String,
    /// « Centre de réponse à incident cyber régional »...
    pub role: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub when_to_call: Option<String>,
    /// When the number was last checked.
    pub verified_on: Option<NaiveDate>,
}

/// One immediate action of the fiche réflexes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ImmediateAction {
    pub text: String,
    pub why: Option<String>,
}

/// One line of the register of breaches.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RegistreEntry {
    pub reference: Option<String>,
    pub title: Option<String>,
    pub discovered_at: Option<DateTime<Utc>>,
    pub nature: Nature,
    pub people_count_approx: Option<u64>,
    /// Likely consequences (art. 33.5: « ses effets »).
    pub consequences: Option<String>,
    pub notified_cnil_at: Option<DateTime<Utc>>,
    /// Why the CNIL was not notified (no risk for the people...), when it was not.
    pub not_notified_reason: Option<String>,
    /// Whether the people concerned were informed; `None` while undecided.
    pub people_informed: Option<bool>,
    pub measures: Vec<String>,
}

/// The head of the hash-chained journal: number of entries and hash of the last one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct JournalHead {
    pub length: u64,
    pub hash: String,
}
