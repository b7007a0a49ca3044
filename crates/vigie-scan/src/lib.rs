//! # vigie-scan
//!
//! Everything Vigie needs to answer « qu'est-ce qu'un attaquant récolterait dans cette boîte ? »,
//! as pure functions over bytes and text, with no I/O and no network:
//!
//! - [`detect`]: detectors of sensitive values (IBAN, RIB, payment cards, NIR, SIREN/SIRET,
//!   VAT and tax numbers, identity-document numbers, passwords sent in clear), each validated by
//!   its checksum where one exists;
//! - [`mime`]: the walk over every MIME part of a message, with transfer and charset decoding;
//! - [`extract`]: text extraction from attachments (PDF, DOCX, ODT, XLSX, ODS, HTML, ZIP), with
//!   limits against bombs;
//! - [`classify`]: document categories (invoice, notarial deed, RIB, identity document...);
//! - [`message`]: one message scanned end to end (walk, detect, classify);
//! - [`mask`]: masking of found values (only the last four characters are ever shown).

pub mod classify;
pub mod detect;
pub mod extract;
pub mod mask;
pub mod message;
pub mod mime;
mod utf8;

pub use detect::{Confidence, Detection, Detector, Kind};
