//! # vigie-incident
//!
//! The incident-response engine behind `vigie incident` and the web application's incident
//! screens, built from the seed's « fiche réflexes »:
//!
//! * [`playbook`]: versioned playbooks (`data/playbooks/*.toml`): immediate actions, who to call
//!   and in what order, evidence to keep, steps with deadlines, hardening afterwards;
//! * [`deadline`] and [`calendar`]: the 72-hour clocks and the insurer's working days, computed in
//!   Europe/Paris with French public holidays;
//! * [`directory`]: the national and regional contacts shipped as data;
//! * [`journal`]: the hash-chained, append-only journal of an incident and its verification;
//! * [`dossier`]: the exported ZIP (evidence, journal, documents, manifest) and its verification
//!   from the ZIP alone.
//!
//! * [`service`]: the operations the CLI and the web application call, over `vigie-store`
//!   (database and blob store) and `vigie-documents` (PDF).
//!
//! The modules above but `service` are pure (no I/O but reading data files given by the caller).

pub mod calendar;
pub mod deadline;
pub mod directory;
pub mod dossier;
pub mod error;
pub mod journal;
pub mod playbook;
#[cfg(feature = "service")]
pub mod service;

pub use error::Error;
