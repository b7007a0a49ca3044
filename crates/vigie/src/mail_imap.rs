//! The IMAP side of `vigie mail scan` and `vigie mail audit`: account URL, password, connection,
//! then the library's scan and audit.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use vigie_mail::audit::AuditReport;
use vigie_mail::audit::full::{FullAuditOptions, Stage, audit_and_scan};
use vigie_mail::audit::run::AuditOptions;
use vigie_mail::net::imap::blocking::Imap;
use vigie_mail::net::{AccountUrl, ImapOptions};
use vigie_mail::scan::state::{ScanState, state_path};
use vigie_mail::scan::{self, ScanOptions, ScanPool};

use crate::cli::{AuditArgs, ConnectArgs, Format, ScanArgs};
use crate::exit::{self, Failure};
use crate::mail::{Source, read_password};
use crate::progress::{Counters, Progress};

fn parse_account(text: &str) -> Result<AccountUrl, Failure> {
    AccountUrl::parse(text).map_err(|e| Failure::new(e.exit_code(), e.to_string()))
}

fn imap_options(connect: &ConnectArgs) -> ImapOptions {
    ImapOptions {
        timeout: Duration::from_secs(connect.timeout.max(1)),
        insecure_plaintext: connect.insecure_plaintext,
        ca_file: connect.ca_file.clone(),
    }
}

fn warn_plaintext(imap: &Imap) {
    if imap.info().plaintext {
        eprintln!(
            "vigie : attention, connexion NON CHIFFRÉE (--insecure-plaintext) : le mot de passe \
             et les messages circulent en clair."
        );
    }
}

/// Loads the incremental state of `source` (empty with `--full`) and where to save it.
fn state_of(data_dir: &Path, source: &str, full: bool) -> (ScanState, std::path::PathBuf) {
    let path = state_path(data_dir, source);
    let state = if full {
        ScanState::new(source)
    } else {
        ScanState::load(&path, source)
    };
    (state, path)
}

/// `vigie mail scan imaps://…`: connects and hands every new message to the pool.
pub fn scan_account(
    account_text: &str,
    args: &ScanArgs,
    data_dir: &Path,
    pool: &ScanPool,
    counters: &Arc<Counters>,
    interrupted: &Arc<AtomicBool>,
) -> Result<Source, Failure> {
    let account = parse_account(account_text)?;
    let password = read_password(&args.connect, account_text)?;
    let mut imap = Imap::connect(&account, &password, &imap_options(&args.connect))
        .map_err(|e| Failure::new(e.exit_code(), e.to_string()))?;
    drop(password);
    warn_plaintext(&imap);
    let source = account.to_string();
    let (state, path) = state_of(data_dir, &source, args.full);
    let scan = scan_with_progress(
        &mut imap,
        &source,
        state,
        args.folder.as_deref(),
        pool,
        counters,
        interrupted,
    );
    let _ = imap.logout();
    Ok(Source::Imap { scan, path })
}

fn scan_with_progress(
    imap: &mut Imap,
    source: &str,
    state: ScanState,
    folder: Option<&str>,
    pool: &ScanPool,
    counters: &Counters,
    interrupted: &AtomicBool,
) -> scan::imap::ImapScan {
    scan::imap::scan_account(
        imap,
        source,
        state,
        folder,
        pool,
        &|| {
            counters.done.store(pool.processed(), Ordering::Relaxed);
            interrupted.load(Ordering::SeqCst)
        },
        &|total| counters.total.store(total, Ordering::Relaxed),
    )
}

/// `vigie mail audit imaps://…`: returns the report and the exit status.
pub fn audit_account(args: &AuditArgs, data_dir: &Path) -> Result<(AuditReport, i32), Failure> {
    let account = parse_account(&args.account)?;
    let password = read_password(&args.connect, &args.account)?;
    let now = chrono::Utc::now();
    let options = FullAuditOptions {
        audit: AuditOptions {
            imap: imap_options(&args.connect),
            sieve_port: args.sieve_port,
            org_names: args.org_names.clone(),
        },
        scan: (!args.no_scan).then(|| ScanOptions {
            retention_years: args.retention_years,
            now,
            ..ScanOptions::default()
        }),
        state_path: Some(state_path(data_dir, &account.to_string())),
        full: args.full,
    };
    let counters = Arc::new(Counters::default());
    let progress = Progress::start(
        !args.no_scan && !args.no_progress && args.format != Format::Json,
        Arc::clone(&counters),
    );
    let interrupted = crate::mail::interrupted_flag();
    let outcome = audit_and_scan(
        &account,
        &password,
        &options,
        now,
        &|stage| {
            if let Stage::Scan { done, total } = stage {
                counters.done.store(done, Ordering::Relaxed);
                counters.total.store(total, Ordering::Relaxed);
            }
        },
        &|| interrupted.load(Ordering::SeqCst),
    );
    drop(password);
    progress.finish();
    let report = outcome.report;
    if outcome.not_connected {
        let error = outcome.error.map(|e| (e.exit_code(), e.to_string()));
        let (code, message) = error.unwrap_or((1, "erreur interne : connexion absente".into()));
        if report.findings.iter().any(|f| f.id.starts_with("tls.")) {
            // The TLS finding is the answer: show the report, then fail with the TLS status.
            eprintln!("vigie : {message}");
            return Ok((report, code));
        }
        return Err(Failure::new(code, message));
    }
    if args.connect.insecure_plaintext && report.findings.iter().any(|f| f.id == "tls.plaintext") {
        eprintln!(
            "vigie : attention, connexion NON CHIFFRÉE (--insecure-plaintext) : le mot de passe \
             et les messages circulent en clair."
        );
    }
    let code = match (&outcome.error, outcome.interrupted) {
        (Some(e), _) => e.exit_code(),
        (None, true) => exit::INTERRUPTED,
        (None, false) => 0,
    };
    Ok((report, code))
}
