//! Exit statuses and French error messages, including for command-line mistakes (clap's own
//! messages are English).
//!
//! | status | meaning |
//! |---|---|
//! | 0 | done (an audit with findings is still a success) |
//! | 1 | unexpected internal error |
//! | 2 | bad command line or unreadable input (file, folder, password) |
//! | 3 | server unreachable, name unknown, or timeout |
//! | 4 | authentication refused |
//! | 5 | TLS problem: invalid certificate, STARTTLS missing |
//! | 6 | connection dropped or protocol error during the work (report written, incomplete) |
//! | 7 | a report, state, document or dossier file could not be written |
//! | 8 | `vigie incident verify` found something altered; export refused |
//! | 9 | `vigie serve` could not listen on its address (in use, not allowed) |
//! | 130 | interrupted by the user (Ctrl+C); the report is written, marked incomplete |

use clap::error::{ContextKind, ContextValue, ErrorKind};

pub const USAGE: i32 = 2;
pub const INTERRUPTED: i32 = 130;

/// A failure to report: a French sentence and an exit status.
#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub code: i32,
}

impl Failure {
    pub fn new(code: i32, message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            code,
        }
    }
}

impl From<vigie_mail::Error> for Failure {
    fn from(e: vigie_mail::Error) -> Failure {
        Failure::new(e.exit_code(), e.to_string())
    }
}

/// Prints a French message for a command-line mistake and exits (help and version print as
/// usual, with status 0).
pub fn clap_error(err: clap::Error) -> ! {
    match err.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => err.exit(),
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = err.print();
            std::process::exit(USAGE);
        }
        _ => {}
    }
    let arg = context(&err, ContextKind::InvalidArg);
    let value = context(&err, ContextKind::InvalidValue);
    let message = match err.kind() {
        ErrorKind::UnknownArgument => format!("option inconnue : {arg}."),
        ErrorKind::InvalidSubcommand => format!("commande inconnue : {arg}."),
        ErrorKind::MissingRequiredArgument => {
            format!("il manque une information obligatoire : {arg}.")
        }
        ErrorKind::MissingSubcommand => "il manque la commande à exécuter.".to_owned(),
        ErrorKind::InvalidValue => {
            let valid = context(&err, ContextKind::ValidValue);
            if valid.is_empty() {
                format!("valeur « {value} » invalide pour {arg}.")
            } else {
                format!("valeur « {value} » invalide pour {arg} (valeurs possibles : {valid}).")
            }
        }
        ErrorKind::ValueValidation => format!("valeur « {value} » invalide pour {arg}."),
        ErrorKind::ArgumentConflict => {
            let other = context(&err, ContextKind::PriorArg);
            format!("{arg} et {other} ne peuvent pas être utilisés ensemble.")
        }
        ErrorKind::TooManyValues => {
            format!("{arg} est donné plusieurs fois ou avec trop de valeurs.")
        }
        ErrorKind::NoEquals | ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("{arg} attend une valeur.")
        }
        _ => "la ligne de commande n'est pas valide.".to_owned(),
    };
    eprintln!(
        "vigie : {message}\nPour l'aide : vigie --help, ou l'aide d'une commande (ex. vigie incident new --help)."
    );
    std::process::exit(USAGE);
}

fn context(err: &clap::Error, kind: ContextKind) -> String {
    match err.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join(", "),
        Some(ContextValue::StyledStr(s)) => s.to_string(),
        Some(ContextValue::StyledStrs(v)) => v
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .join(", "),
        Some(ContextValue::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}
