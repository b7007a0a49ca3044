//! The one error type of `vigie-documents`. Messages are French sentences for the user.

/// Everything that can go wrong while producing a document.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A document name that is not one of ours (command line, web form).
    #[error(
        "type de document inconnu : « {0} » (attendu : cnil, plainte, assureur, information, registre ou fiche-reflexes)"
    )]
    UnknownKind(String),
    /// The data could not be turned into the template's JSON.
    #[error("impossible de préparer les données du document « {document} » : {source}")]
    Data {
        document: &'static str,
        #[source]
        source: serde_json::Error,
    },
    /// typst refused the template. This is a bug of this crate, never of the user's data.
    #[error("impossible de composer le document « {document} » (erreur du modèle) : {message}")]
    Layout {
        document: &'static str,
        message: String,
    },
    /// The PDF export failed.
    #[error("impossible d'écrire le PDF du document « {document} » : {message}")]
    Pdf {
        document: &'static str,
        message: String,
    },
    /// The fiche réflexes is meant to be printed and pinned up: it must fit on one page.
    #[error("la fiche réflexes ne tient pas sur une page ({pages} pages)")]
    TooLong { pages: usize },
    /// typst panicked (a bug in typst); reported rather than bringing the program down.
    #[error(
        "le moteur de composition s'est arrêté sur une erreur interne (document « {document} »)"
    )]
    Internal { document: &'static str },
}
