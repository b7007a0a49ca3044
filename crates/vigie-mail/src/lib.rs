//! # vigie-mail
//!
//! The mailbox side of Vigie: connectors (IMAP, ManageSieve) with TLS, local sources (Maildir,
//! mbox, .eml), the Sieve filter analysis, the mailbox audit and the exposure scan pipeline that
//! runs the detectors of [`vigie_scan`] over every message, and the reports (text, JSON, HTML).

pub mod audit;
pub mod error;
pub mod net;
pub mod report;
pub mod scan;
pub mod sieve;
pub mod source;

pub use error::Error;
