//! The one error type of `vigie-incident`. Messages are French sentences for the user.

use std::path::PathBuf;

/// Everything that can go wrong in the incident engine.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A playbook or data file is malformed: which file, which line, why.
    #[error("{}, ligne {line} : {reason}", file.display())]
    InvalidData {
        file: PathBuf,
        line: usize,
        reason: String,
    },
    /// A file could not be written (export, document).
    #[error("impossible d'écrire {} : {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A piece of evidence could not be read back from the locker.
    #[error("la preuve « {name} » est illisible dans le coffre : {source}")]
    EvidenceUnreadable {
        name: String,
        #[source]
        source: std::io::Error,
    },
    /// A piece of evidence no longer has the fingerprint recorded when it was added.
    #[error(
        "la preuve « {name} » a été modifiée depuis son ajout (empreinte attendue {expected}, trouvée {actual}) : lancez « vigie incident verify » pour le détail"
    )]
    EvidenceAltered {
        name: String,
        expected: String,
        actual: String,
    },
    /// An exported dossier that cannot even be read as one.
    #[error("{} n'est pas un dossier Vigie lisible : {reason}", path.display())]
    InvalidDossier { path: PathBuf, reason: String },
    /// Should not happen; says what failed rather than panicking.
    #[error("erreur interne : {reason}")]
    Internal { reason: String },
    /// The store refused or failed (its message is already French).
    #[cfg(feature = "service")]
    #[error(transparent)]
    Store(vigie_store::Error),
    /// No playbook by that id.
    #[error("type d'incident inconnu « {id} » ; types possibles : {known}")]
    UnknownPlaybook { id: String, known: String },
    /// No region by that id.
    #[error("région inconnue « {region} » ; régions possibles : {known}")]
    UnknownRegion { region: String, known: String },
    /// No step by that id in the incident's playbook.
    #[error("étape inconnue « {step} » ; étapes de cet incident : {known}")]
    UnknownStep { step: String, known: String },
    /// A value given by the user is not acceptable.
    #[error("{field} : {reason}")]
    InvalidInput { field: &'static str, reason: String },
    /// The same file is already evidence of this incident.
    #[error(
        "{} est déjà dans le coffre de preuves de cet incident (même contenu que « {existing} ») : rien n'a été ajouté",
        file.display()
    )]
    DuplicateEvidence { file: PathBuf, existing: String },
    /// A file to add as evidence cannot be read (missing, vanished, unreadable).
    #[error(
        "impossible de lire {} : {source} — rien n'a été ajouté au coffre de preuves",
        path.display()
    )]
    EvidenceFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Storing a piece of evidence failed half-way (the partial copy is removed).
    #[error("{} n'a pas pu être copié dans le coffre de preuves : {reason} — rien n'a été ajouté", path.display())]
    EvidenceStore { path: PathBuf, reason: String },
    /// Producing a document failed.
    #[error("le document n'a pas pu être produit : {reason}")]
    Document { reason: String },
    /// Exporting was refused because something is altered.
    #[error(
        "l'incident {reference} n'est plus intact, l'export est refusé : {problems}. Lancez « vigie incident verify {reference} » pour le détail."
    )]
    IntegrityCompromised { reference: String, problems: String },
    /// A data file could not be read.
    #[error("impossible de lire {} : {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// True when the error is about what the user gave (an unknown id, a bad value, a file
    /// that cannot be read, a duplicate), not a failure of the system: the web application
    /// answers it with 400 and the sentence itself.
    pub fn is_user_error(&self) -> bool {
        #[cfg(feature = "service")]
        if let Error::Store(vigie_store::Error::Invalid { .. }) = self {
            return true;
        }
        matches!(
            self,
            Error::UnknownPlaybook { .. }
                | Error::UnknownRegion { .. }
                | Error::UnknownStep { .. }
                | Error::InvalidInput { .. }
                | Error::DuplicateEvidence { .. }
                | Error::EvidenceFile { .. }
        )
    }

    /// True when the incident (or contact, document...) does not exist for this organisation.
    pub fn is_not_found(&self) -> bool {
        #[cfg(feature = "service")]
        if let Error::Store(e) = self {
            return e.is_not_found();
        }
        false
    }

    /// True when the incident's data are altered and the operation was refused for it.
    pub fn is_integrity_problem(&self) -> bool {
        matches!(self, Error::IntegrityCompromised { .. })
    }
}
