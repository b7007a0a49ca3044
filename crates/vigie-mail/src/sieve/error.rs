//! Parse errors of the Sieve reader.
//!
//! Every error carries the line and column where reading stopped and a French reason, because
//! the error itself becomes a `sieve.parse_error` finding shown to a secrétaire de mairie: a
//! filter that the server cannot read either is broken or was written by hand by someone.

use thiserror::Error;

/// Why a script could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ParseErrorKind {
    #[error("le script dépasse la taille maximale analysée ({max} octets)")]
    TooLarge { max: usize },
    #[error("imbrication trop profonde (plus de {max} niveaux de blocs ou de tests)")]
    TooDeep { max: usize },
    #[error("caractère inattendu « {0} »")]
    UnexpectedChar(char),
    #[error("chaîne entre guillemets jamais refermée")]
    UnterminatedString,
    #[error("commentaire « /* » jamais refermé par « */ »")]
    UnterminatedComment,
    #[error("texte sur plusieurs lignes (« text: ») jamais terminé par une ligne « . »")]
    UnterminatedMultiline,
    #[error("nombre trop grand")]
    NumberTooLarge,
    #[error("étiquette « : » sans nom")]
    EmptyTag,
    #[error("{found} inattendu alors que {expected} était attendu")]
    Unexpected {
        found: String,
        expected: &'static str,
    },
    #[error("« {0} » sans « if » juste avant")]
    OrphanBranch(String),
    #[error("« {0} » doit être suivi d'un bloc entre accolades")]
    MissingBlock(String),
    #[error("« {0} » attend exactement un test")]
    WrongTestCount(String),
    #[error("« {command} » n'accepte pas de test ici (un « ; » manque-t-il avant « {test} » ?)")]
    UnexpectedTest { command: String, test: String },
    #[error(
        "le test « {test} » ne prend pas d'autre test (une « , » manque-t-elle avant « {sub} » ?)"
    )]
    UnexpectedSubTest { test: String, sub: String },
    #[error("« {0} » n'accepte pas d'argument")]
    UnexpectedArguments(String),
    #[error("bloc ouvert ligne {0} jamais refermé par « }} »")]
    UnclosedBlock(u32),
}

/// A script that could not be read, with the position (1-based line and column, in characters)
/// where reading stopped.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("ligne {line}, colonne {column} : {kind}")]
pub struct ParseError {
    pub line: u32,
    pub column: u32,
    pub kind: ParseErrorKind,
}

impl ParseError {
    pub(crate) fn new(line: u32, column: u32, kind: ParseErrorKind) -> Self {
        ParseError { line, column, kind }
    }

    /// The French reason alone, without the position.
    pub fn reason(&self) -> String {
        self.kind.to_string()
    }
}
