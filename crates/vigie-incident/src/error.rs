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
    /// A data file could not be read.
    #[error("impossible de lire {} : {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}
