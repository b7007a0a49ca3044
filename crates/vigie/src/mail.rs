//! `vigie mail scan` and `vigie mail audit`: argument handling and output; the work is done by
//! `vigie-mail`.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use vigie_mail::audit::AuditReport;
use vigie_mail::report;
use vigie_mail::scan::{self, ScanOptions, ScanOutcome, ScanPool, ScanReport};

use crate::cli::{AuditArgs, ConnectArgs, Format, ScanArgs};
use crate::exit::{self, Failure};
use crate::progress::{Counters, Progress};

/// Set by Ctrl+C: sources stop reading, and the report is written marked incomplete.
pub(crate) fn interrupted_flag() -> Arc<AtomicBool> {
    static FLAG: std::sync::OnceLock<Arc<AtomicBool>> = std::sync::OnceLock::new();
    FLAG.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        let handler_flag = Arc::clone(&flag);
        // If the handler cannot be installed, Ctrl+C simply ends the process as usual.
        let _ = ctrlc::set_handler(move || handler_flag.store(true, Ordering::SeqCst));
        flag
    })
    .clone()
}

pub(crate) const INTERRUPTED_REASON: &str = "l'analyse a été interrompue (Ctrl+C) avant la fin.";

/// The data directory: `--data-dir`, `VIGIE_DATA_DIR` (handled by clap), then the user's data
/// directory.
pub fn data_dir(explicit: Option<&Path>) -> PathBuf {
    if let Some(p) = explicit {
        return p.to_path_buf();
    }
    if let Some(xdg) = std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
        return PathBuf::from(xdg).join("vigie");
    }
    if let Some(home) = std::env::var_os("HOME").filter(|v| !v.is_empty()) {
        return PathBuf::from(home).join(".local/share/vigie");
    }
    PathBuf::from(".vigie")
}

/// `vigie mail scan`.
pub fn scan(args: &ScanArgs, data_dir_arg: Option<&Path>) -> Result<i32, Failure> {
    let interrupted = interrupted_flag();
    let options = ScanOptions {
        retention_years: args.retention_years,
        workers: args
            .jobs
            .unwrap_or_else(|| ScanOptions::default().workers)
            .max(1),
        ..ScanOptions::default()
    };
    let counters = Arc::new(Counters::default());
    let progress = Progress::start(
        !args.no_progress && args.format != Format::Json,
        Arc::clone(&counters),
    );
    let pool = ScanPool::new(&options);
    let source = run_scan_source(
        args,
        data_dir_arg,
        &pool,
        &counters,
        progress.is_shown(),
        &interrupted,
    );
    // Drain the pool whatever happened: what was read is scanned.
    let new_records = pool.finish();
    progress.finish();
    let (records, mut outcome, net_error) = match source? {
        Source::Local(outcome) => (new_records, outcome, None),
        Source::Imap { scan, path } => {
            let finished = scan.finish(new_records, args.folder.as_deref(), &path);
            if let Some(e) = finished.save_error {
                eprintln!("vigie : {e}");
            }
            (finished.records, finished.outcome, finished.error)
        }
    };
    let interrupted = interrupted.load(Ordering::SeqCst);
    if interrupted && outcome.incomplete_reason.is_none() {
        outcome.incomplete_reason = Some(INTERRUPTED_REASON.to_owned());
    }
    let report = scan::build_report(&records, &outcome, &options);
    emit_scan(&report, args.format, args.output.as_deref())?;
    Ok(match (net_error, interrupted) {
        (_, true) => exit::INTERRUPTED,
        (Some(e), false) => {
            eprintln!("vigie : {e}");
            e.exit_code()
        }
        (None, false) => 0,
    })
}

/// What a source produced, before the pool's records are added.
pub(crate) enum Source {
    /// Maildir, mbox, .eml: no state, every message is read each time.
    Local(ScanOutcome),
    /// An IMAP account: the incremental state to complete and save.
    Imap {
        scan: vigie_mail::scan::imap::ImapScan,
        path: PathBuf,
    },
}

fn run_scan_source(
    args: &ScanArgs,
    data_dir_arg: Option<&Path>,
    pool: &ScanPool,
    counters: &Arc<Counters>,
    count_total: bool,
    interrupted: &Arc<AtomicBool>,
) -> Result<Source, Failure> {
    if let Some(account) = &args.account {
        return crate::mail_imap::scan_account(
            account,
            args,
            &data_dir(data_dir_arg),
            pool,
            counters,
            interrupted,
        );
    }
    let mut submitted = 0u64;
    let mut submit = |m: scan::RawMessage| {
        if interrupted.load(Ordering::SeqCst) {
            return false;
        }
        submitted += 1;
        counters
            .bytes
            .fetch_add(m.bytes.len() as u64, Ordering::Relaxed);
        pool.submit(m);
        counters.done.store(pool.processed(), Ordering::Relaxed);
        true
    };
    let (source, skipped) = if let Some(dir) = &args.maildir {
        if count_total {
            let total = vigie_mail::source::count_maildir_messages(dir, args.folder.as_deref());
            counters.total.store(total, Ordering::Relaxed);
        }
        let skipped = vigie_mail::source::read_maildir(dir, args.folder.as_deref(), &mut submit)?;
        (dir.display().to_string(), skipped)
    } else if let Some(file) = &args.mbox {
        let skipped = vigie_mail::source::read_mbox(file, &mut submit)?;
        (file.display().to_string(), skipped)
    } else if !args.eml.is_empty() {
        let skipped = vigie_mail::source::read_eml(&args.eml, &mut submit)?;
        let names: Vec<String> = args.eml.iter().map(|p| p.display().to_string()).collect();
        (names.join(", "), skipped)
    } else {
        return Err(Failure::new(
            exit::USAGE,
            "indiquez ce qu'il faut analyser : un compte (imaps://…), --maildir, --mbox ou --eml.",
        ));
    };
    let incomplete_reason = if skipped.is_empty() {
        None
    } else {
        for s in &skipped {
            eprintln!("vigie : fichier ignoré — {s}");
        }
        Some(format!(
            "{} fichier(s) n'ont pas pu être lus (par exemple : {}).",
            skipped.len(),
            skipped.first().map(String::as_str).unwrap_or("")
        ))
    };
    Ok(Source::Local(ScanOutcome {
        source,
        incomplete_reason,
        messages_new: submitted,
    }))
}

fn emit_scan(report: &ScanReport, format: Format, output: Option<&Path>) -> Result<(), Failure> {
    let body = match format {
        Format::Text => report::text::scan_summary(report),
        Format::Json => json_line(report)?,
        Format::Html => report::html::scan_report(report),
    };
    write_output(&body, output)?;
    if let (Some(path), Format::Html | Format::Json) = (output, format) {
        // The file holds the details; the terminal gets the headline.
        if format == Format::Html {
            print!("{}", report::text::scan_summary(report));
            println!(
                "{}",
                report::html::written_note(&path.display().to_string(), body.len())
            );
        }
    }
    Ok(())
}

pub(crate) fn json_line<T: serde::Serialize>(value: &T) -> Result<String, Failure> {
    serde_json::to_string_pretty(value)
        .map(|mut s| {
            s.push('\n');
            s
        })
        .map_err(|e| Failure::new(1, format!("erreur interne en produisant le JSON : {e}")))
}

fn write_output(body: &str, output: Option<&Path>) -> Result<(), Failure> {
    match output {
        Some(path) => report::write_atomic(path, body.as_bytes()).map_err(|e| {
            Failure::from(vigie_mail::Error::Write {
                path: path.to_path_buf(),
                reason: e.to_string(),
            })
        }),
        None => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error worth a message.
            let _ = stdout.write_all(body.as_bytes());
            let _ = stdout.flush();
            Ok(())
        }
    }
}

/// Reads the mailbox password: `--password-env`, `--password-file`, or a prompt without echo.
/// The password is never printed or logged.
pub fn read_password(connect: &ConnectArgs, account: &str) -> Result<String, Failure> {
    if let Some(var) = &connect.password_env {
        return match std::env::var(var) {
            Ok(v) if !v.is_empty() => Ok(v),
            _ => Err(Failure::new(
                exit::USAGE,
                format!(
                    "la variable d'environnement {var} est vide ou absente : définissez-la avec \
                     le mot de passe, ou utilisez --password-file."
                ),
            )),
        };
    }
    if let Some(path) = &connect.password_file {
        let mut text = String::new();
        let read = std::fs::File::open(path).and_then(|mut f| f.read_to_string(&mut text));
        return match read {
            Ok(_) => {
                let first = text
                    .lines()
                    .next()
                    .unwrap_or("")
                    .trim_end_matches('\r')
                    .to_owned();
                if first.is_empty() {
                    Err(Failure::new(
                        exit::USAGE,
                        format!(
                            "le fichier de mot de passe « {} » est vide.",
                            path.display()
                        ),
                    ))
                } else {
                    Ok(first)
                }
            }
            Err(e) => Err(Failure::new(
                exit::USAGE,
                format!(
                    "impossible de lire le fichier de mot de passe « {} » : {e}.",
                    path.display()
                ),
            )),
        };
    }
    if !std::io::stdin().is_terminal() {
        return Err(Failure::new(
            exit::USAGE,
            "aucun mot de passe fourni : utilisez --password-env VARIABLE ou --password-file \
             FICHIER (la saisie au clavier n'est possible que dans un terminal).",
        ));
    }
    rpassword::prompt_password(format!("Mot de passe de {account} : ")).map_err(|e| {
        Failure::new(
            exit::USAGE,
            format!("saisie du mot de passe impossible : {e}."),
        )
    })
}

/// `vigie mail audit`.
pub fn audit(args: &AuditArgs, data_dir_arg: Option<&Path>) -> Result<i32, Failure> {
    if args.format == Format::Html {
        return Err(Failure::new(
            exit::USAGE,
            "l'audit s'affiche en texte ou en JSON (--format text ou json) ; le rapport HTML \
             détaillé est celui de « vigie mail scan ».",
        ));
    }
    let (report, code) = crate::mail_imap::audit_account(args, &data_dir(data_dir_arg))?;
    emit_audit(&report, args.format, args.output.as_deref())?;
    Ok(code)
}

fn emit_audit(report: &AuditReport, format: Format, output: Option<&Path>) -> Result<(), Failure> {
    let body = match format {
        Format::Json => json_line(report)?,
        _ => report::text::audit_summary(report),
    };
    write_output(&body, output)
}
