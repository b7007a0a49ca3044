//! # vigie-corpus
//!
//! A deterministic generator of realistic synthetic mail of a small French mairie, with
//! sensitive values planted on purpose and a truth manifest saying exactly what was planted
//! where. It is the test oracle and the benchmark input of Vigie's scanner: « qu'est-ce qu'un
//! attaquant récolterait dans cette boîte ? » can only be measured against a mailbox whose
//! answer is known.
//!
//! Every value is synthetic (invented names, example domains, random accounts with correct
//! check digits), and every byte depends only on the seed: two runs give identical files.
//!
//! - [`ids`]: identifiers and their check digits (IBAN, RIB, cards, NIR, SIREN/SIRET, VAT,
//!   numéro fiscal, identity documents), valid values and invalid lookalikes;
//! - [`layout`]: the ways those values are written (groups, non-breaking spaces, dots, dashes,
//!   line breaks);
//! - [`lexicon`]: invented people, companies, places and French prose;
//! - [`mime`]: the MIME writer (charsets, transfer encodings, RFC 2047, multiparts);
//! - [`docs`]: attachments (PDF, DOCX, ODT, XLSX, ODS, ZIP, PNG, JPEG);
//! - [`scenario`]: the kinds of messages and what they plant;
//! - [`corpus`]: the demo, mailbox and bench corpora;
//! - [`output`]: Maildir++, mboxrd, `.eml` and truth writers;
//! - [`truth`]: the manifest types.
//!
//! ```no_run
//! let messages = vigie_corpus::demo_corpus(2026)?;
//! for m in &messages {
//!     println!("{} {} {:?}", m.folder.name(), m.file_name, m.truth.planted);
//! }
//! vigie_corpus::write_maildir(std::path::Path::new("/tmp/demo"), &messages)?;
//! # Ok::<(), vigie_corpus::CorpusError>(())
//! ```

pub mod corpus;
pub mod docs;
pub mod ids;
pub mod layout;
pub mod lexicon;
pub mod mime;
pub mod output;
pub mod rng;
pub mod scenario;
pub mod truth;

use std::path::PathBuf;

pub use corpus::{GeneratedMessage, bench_corpus, demo_corpus, mailbox_corpus};
pub use output::{read_truth, write_eml, write_maildir, write_mbox, write_truth};
pub use scenario::Folder;
pub use truth::{Category, Decoy, Kind, Location, Manifest, Planted, Truth};

/// Errors of the generator, worded in French for the command line.
#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    #[error("impossible d'écrire ou de lire « {path} » : {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "le dossier « {0} » n'est pas vide et n'a pas été créé par vigie-corpus : choisissez un dossier vide ou inexistant"
    )]
    NotEmpty(PathBuf),
    #[error("« {0} » existe déjà et n'est pas un dossier")]
    NotADirectory(PathBuf),
    #[error("erreur interne à l'écriture d'une archive ZIP : {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("erreur d'écriture JSON : {0}")]
    Json(#[from] serde_json::Error),
    #[error("paramètre invalide : {0}")]
    Invalid(String),
}
