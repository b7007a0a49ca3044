//! The facts of an incident beyond its title and T0, kept in the store's `details` JSON column,
//! and the organisation's profile kept in its `profile` column.
//!
//! Both are completed little by little during an incident (« nous ne savons pas encore combien de
//! personnes sont concernées »): every field is optional, and the documents show what is still
//! missing as a field to complete.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use vigie_documents::{Complaint, Cost, Nature, NotificationKind, PersonInvolved};

/// What is known about an incident besides its row's columns.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct IncidentDetails {
    /// Confidentiality, integrity, availability.
    pub nature: Nature,
    pub data_categories: Vec<String>,
    pub people_categories: Vec<String>,
    pub people_count_approx: Option<u64>,
    pub records_count_approx: Option<u64>,
    pub likely_consequences: Option<String>,
    pub measures_taken: Vec<String>,
    pub measures_planned: Vec<String>,
    /// Why the CNIL is notified after 72 hours, if it is.
    pub delay_reasons: Option<String>,
    pub notification_kind: NotificationKind,
    pub cnil_reference: Option<String>,
    pub cnil_notified_at: Option<DateTime<Utc>>,
    /// The people concerned risk a lot (art. 34: they must be informed).
    pub high_risk_to_people: bool,
    pub people_informed_at: Option<DateTime<Utc>>,
    pub advice_to_people: Vec<String>,
    pub losses: Vec<Cost>,
    pub costs: Vec<Cost>,
    pub complaint: Option<Complaint>,
    pub insurer_notified_at: Option<DateTime<Utc>>,
    pub persons_involved: Vec<PersonInvolved>,
    /// Every correction of T0, oldest first.
    pub t0_corrections: Vec<T0Correction>,
}

/// One correction of T0 (the time the problem was noticed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct T0Correction {
    pub at: DateTime<Utc>,
    pub by: String,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub reason: String,
}

impl IncidentDetails {
    /// Reads the stored JSON; unknown or malformed fields fall back to their defaults rather than
    /// making the incident unreadable.
    pub fn from_json(value: &serde_json::Value) -> IncidentDetails {
        serde_json::from_value(value.clone()).unwrap_or_default()
    }

    /// The JSON stored.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_else(|_| serde_json::json!({}))
    }
}

/// The organisation's profile: what the documents and the fiche réflexes print about it.
pub type OrganisationProfile = vigie_documents::Organisation;

/// Reads a stored profile, tolerating missing fields.
pub fn profile_from_json(value: &serde_json::Value) -> OrganisationProfile {
    serde_json::from_value(value.clone()).unwrap_or_default()
}
