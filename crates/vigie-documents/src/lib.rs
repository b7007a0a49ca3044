//! # vigie-documents
//!
//! The French PDF documents of an incident, composed with [typst](https://typst.app) used as a
//! library:
//!
//! | [`DocumentKind`] | document | legal basis |
//! | --- | --- | --- |
//! | `Cnil` | draft notification of a personal data breach, to copy into the CNIL's online service | RGPD art. 33 |
//! | `Plainte` | complaint file for the gendarmerie, the police or the prosecutor, with the evidence and its SHA-256 | |
//! | `Assureur` | claim declaration for the insurer | the contract |
//! | `Information` | plain-language letter to the people concerned | RGPD art. 34 |
//! | `Registre` | register of every breach, notified or not | RGPD art. 33.5 |
//! | `FicheReflexes` | the organisation's one-page reflex sheet, to print and pin up | |
//!
//! How it is built:
//! * the templates are typst files in `templates/`, compiled into the crate;
//! * [`DocumentData`] is formatted into a JSON « vue » (`view` module) that the templates read
//!   with `json()`: user text is *data* to typst, never markup, so nothing typed by a user can
//!   change a document's layout or run code;
//! * missing information is printed as « À COMPLÉTER : <label> » and [`missing_fields`] returns
//!   the same labels, both from one list per document kind;
//! * every document carries the head of the incident's hash-chained journal
//!   (« Empreinte du journal : <hash> (N entrées) »), so that what was handed over can later be
//!   checked against the journal;
//! * fonts come from `typst-assets` and the date from the data: the same data gives the same
//!   bytes, on any machine.

mod data;
mod error;
mod format;
mod view;
mod world;

use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use typst::foundations::Smart;

pub use data::{
    Complaint, ComplaintService, Contact, Cost, Deadline, DocumentData, Dpo, Evidence,
    ImmediateAction, Incident, Insurer, JournalHead, Nature, NotificationKind, Organisation, Party,
    PersonInvolved, RegistreEntry, Representative, T0Correction, TimelineEntry,
};
pub use error::Error;

/// The documents Vigie produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DocumentKind {
    /// Notification de violation de données à la CNIL (brouillon), RGPD art. 33.
    Cnil,
    /// Dossier de plainte (gendarmerie, commissariat, procureur).
    Plainte,
    /// Déclaration de sinistre à l'assureur.
    Assureur,
    /// Information des personnes concernées, RGPD art. 34.
    Information,
    /// Registre des violations de données, RGPD art. 33.5.
    Registre,
    /// Fiche réflexes de l'organisation, une page à afficher.
    FicheReflexes,
}

impl DocumentKind {
    /// Every kind, in the order of an incident's life.
    pub const ALL: [DocumentKind; 6] = [
        DocumentKind::FicheReflexes,
        DocumentKind::Cnil,
        DocumentKind::Plainte,
        DocumentKind::Assureur,
        DocumentKind::Information,
        DocumentKind::Registre,
    ];

    /// The command-line name, also used as the file name without extension:
    /// `cnil`, `plainte`, `assureur`, `information`, `registre`, `fiche-reflexes`.
    pub fn file_stem(self) -> &'static str {
        match self {
            DocumentKind::Cnil => "cnil",
            DocumentKind::Plainte => "plainte",
            DocumentKind::Assureur => "assureur",
            DocumentKind::Information => "information",
            DocumentKind::Registre => "registre",
            DocumentKind::FicheReflexes => "fiche-reflexes",
        }
    }

    /// The document's French title, as printed in its header.
    pub fn title_fr(self) -> &'static str {
        match self {
            DocumentKind::Cnil => "Notification de violation de données à la CNIL",
            DocumentKind::Plainte => "Dossier de plainte",
            DocumentKind::Assureur => "Déclaration de sinistre",
            DocumentKind::Information => "Information des personnes concernées",
            DocumentKind::Registre => "Registre des violations de données",
            DocumentKind::FicheReflexes => "Fiche réflexes cyberattaque",
        }
    }

    /// Whether the document is about one incident (the register and the fiche are not).
    pub fn needs_incident(self) -> bool {
        !matches!(self, DocumentKind::Registre | DocumentKind::FicheReflexes)
    }

    fn template(self) -> &'static str {
        match self {
            DocumentKind::Cnil => include_str!("../templates/cnil.typ"),
            DocumentKind::Plainte => include_str!("../templates/plainte.typ"),
            DocumentKind::Assureur => include_str!("../templates/assureur.typ"),
            DocumentKind::Information => include_str!("../templates/information.typ"),
            DocumentKind::Registre => include_str!("../templates/registre.typ"),
            DocumentKind::FicheReflexes => include_str!("../templates/fiche-reflexes.typ"),
        }
    }

    fn main_path(self) -> &'static str {
        match self {
            DocumentKind::Cnil => "/cnil.typ",
            DocumentKind::Plainte => "/plainte.typ",
            DocumentKind::Assureur => "/assureur.typ",
            DocumentKind::Information => "/information.typ",
            DocumentKind::Registre => "/registre.typ",
            DocumentKind::FicheReflexes => "/fiche-reflexes.typ",
        }
    }
}

impl fmt::Display for DocumentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.file_stem())
    }
}

impl FromStr for DocumentKind {
    type Err = Error;

    /// Accepts the [`file_stem`](DocumentKind::file_stem) names, case-insensitively, with `_`
    /// for `-` and the accented « fiche-réflexes ».
    fn from_str(s: &str) -> Result<Self, Error> {
        let wanted = s.trim().to_lowercase().replace('_', "-").replace('é', "e");
        DocumentKind::ALL
            .into_iter()
            .find(|k| k.file_stem() == wanted)
            .ok_or_else(|| Error::UnknownKind(s.to_owned()))
    }
}

/// Renders a document as PDF bytes.
///
/// Never fails because of the data: missing information is printed as « À COMPLÉTER » fields,
/// and any text is printed as typed. Errors are bugs of the templates or of typst.
pub fn render(kind: DocumentKind, data: &DocumentData) -> Result<Vec<u8>, Error> {
    let document = kind.file_stem();
    let json = serde_json::to_vec(&view::view(kind, data))
        .map_err(|source| Error::Data { document, source })?;

    // typst is a large dependency whose own bugs may panic; a document that cannot be made
    // must not bring the whole program (an incident in progress) down with it.
    let result = catch_unwind(AssertUnwindSafe(|| compile(kind, data, json)));
    // Keep typst's memoisation cache bounded when a long-running process renders many
    // documents; entries unused for 10 renders are dropped.
    typst::comemo::evict(10);
    result.map_err(|_| Error::Internal { document })?
}

fn compile(kind: DocumentKind, data: &DocumentData, json: Vec<u8>) -> Result<Vec<u8>, Error> {
    let document = kind.file_stem();
    let world =
        world::DocumentWorld::new(kind.main_path(), kind.template(), json, data.generated_at)
            .map_err(|message| Error::Layout { document, message })?;
    let paged = world
        .compile()
        .map_err(|message| Error::Layout { document, message })?;
    if kind == DocumentKind::FicheReflexes && paged.pages().len() != 1 {
        return Err(Error::TooLong {
            pages: paged.pages().len(),
        });
    }
    let options = typst_pdf::PdfOptions {
        // A stable identifier: re-rendering the same incident's document gives the same PDF
        // identifier, as the PDF specification intends for versions of one document.
        ident: Smart::Custom(format!(
            "vigie/{document}/{}",
            data.incident.as_ref().map(|i| i.id.as_str()).unwrap_or("")
        )),
        creator: Smart::Custom(Some("Vigie (typst)".to_owned())),
        timestamp: world::timestamp(data.generated_at),
        ..typst_pdf::PdfOptions::default()
    };
    typst_pdf::pdf(&paged, &options).map_err(|errors| Error::Pdf {
        document,
        message: errors
            .iter()
            .map(|e| e.message.to_string())
            .collect::<Vec<_>>()
            .join(" ; "),
    })
}

/// The French labels of the information a document still lacks, in the order of the document;
/// the document prints each as « À COMPLÉTER : <label> ». Empty when the document is complete.
pub fn missing_fields(kind: DocumentKind, data: &DocumentData) -> Vec<&'static str> {
    view::fields(kind, data)
        .into_iter()
        .filter(|f| f.value.is_none())
        .map(|f| f.label)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip() {
        for kind in DocumentKind::ALL {
            assert_eq!(kind.file_stem().parse::<DocumentKind>().ok(), Some(kind));
            assert_eq!(kind.to_string(), kind.file_stem());
            let json = serde_json::to_string(&kind).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", kind.file_stem()));
        }
        assert_eq!(
            "Fiche-Réflexes".parse::<DocumentKind>().ok(),
            Some(DocumentKind::FicheReflexes)
        );
        assert!(matches!(
            "facture".parse::<DocumentKind>(),
            Err(Error::UnknownKind(_))
        ));
    }

    #[test]
    fn empty_data_lacks_the_essentials() {
        let data = DocumentData::default();
        let cnil = missing_fields(DocumentKind::Cnil, &data);
        assert!(cnil.contains(&"nombre approximatif de personnes concernées"));
        assert!(cnil.contains(&"empreinte du journal de l'incident"));
        // No T0, hence no 72-hour clock, hence no delay to justify yet.
        assert!(!cnil.iter().any(|l| l.contains("retard")));
        for kind in DocumentKind::ALL {
            assert!(missing_fields(kind, &data).contains(&"nom de l'organisation"));
        }
    }
}
