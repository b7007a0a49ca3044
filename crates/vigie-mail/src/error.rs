//! The error type of `vigie-mail`. Every message is a French sentence that says what happened
//! and what to try; none ever contains a password.

use std::path::{Path, PathBuf};

/// Errors of the mailbox connectors, sources and state.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A local file or folder could not be read.
    #[error("Impossible de lire « {path} » : {reason}. Vérifiez le chemin et les droits d'accès.")]
    Read { path: PathBuf, reason: String },

    /// The folder given with `--maildir` holds no Maildir folder.
    #[error(
        "« {path} » n'est pas une boîte Maildir (aucun sous-dossier cur/ ou new/ trouvé). \
         Indiquez le dossier qui contient cur/, new/ et tmp/."
    )]
    NotMaildir { path: PathBuf },

    /// The incremental scan state could not be written.
    #[error(
        "Impossible d'enregistrer l'état de l'analyse dans « {path} » : {reason}. \
         La prochaine analyse relira toute la boîte."
    )]
    StateWrite { path: PathBuf, reason: String },

    /// A network connector failed (connection, authentication, TLS, protocol).
    #[error(transparent)]
    Net(#[from] crate::net::NetError),

    /// The account address is not a valid `imaps://` or `imap://` URL.
    #[error(transparent)]
    Account(#[from] crate::net::AccountUrlError),

    /// A report or output file could not be written.
    #[error("Impossible d'écrire « {path} » : {reason}. Vérifiez le dossier et l'espace disque.")]
    Write { path: PathBuf, reason: String },
}

impl Error {
    pub(crate) fn read(path: &Path, e: &std::io::Error) -> Error {
        Error::Read {
            path: path.to_path_buf(),
            reason: crate::source::io_reason(e),
        }
    }

    /// The exit status of the `vigie` command for this error (see docs/EXIT_CODES.md).
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Read { .. } | Error::NotMaildir { .. } => 2,
            Error::StateWrite { .. } | Error::Write { .. } => 7,
            Error::Net(e) => e.exit_code(),
            Error::Account(e) => e.exit_code(),
        }
    }
}
