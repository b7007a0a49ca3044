//! The whole audit of an account, as `vigie mail audit` and the web application's background
//! job both run it: the checks of [`run`](super::run), then (optionally) the exposure scan
//! over the same IMAP session, whose headline becomes the `exposure.*` findings.
//!
//! Progress and interruption go through callbacks, so the command line draws a progress bar
//! and the server writes the job's progress to its database with the same code.

use std::path::PathBuf;

use chrono::{DateTime, Utc};

use super::AuditReport;
use super::run::{AuditOptions, audit_account};
use crate::net::{AccountUrl, NetError};
use crate::scan::imap::{FinishedScan, scan_account};
use crate::scan::state::ScanState;
use crate::scan::{self, ScanOptions, ScanPool, ScanReport};

/// The reason written in a report when the caller stopped the scan half-way.
pub const INTERRUPTED_REASON: &str = "l'analyse a été interrompue avant la fin.";

/// What to run besides the checks.
#[derive(Debug, Clone)]
pub struct FullAuditOptions {
    pub audit: AuditOptions,
    /// The exposure scan's settings; `None` skips the scan (`--no-scan`).
    pub scan: Option<ScanOptions>,
    /// Where the incremental scan state lives; `None` scans everything and keeps nothing.
    pub state_path: Option<PathBuf>,
    /// Ignore the saved state and read every message again.
    pub full: bool,
}

/// Where the audit is, for a progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Connecting, reading the filters.
    Checks,
    /// Reading and analysing messages: `done` of `total` (total 0 while still counting).
    Scan { done: u64, total: u64 },
}

/// The outcome of [`audit_and_scan`].
#[derive(Debug)]
pub struct FullAudit {
    /// The findings (the exposure ones included when the scan ran) and notes.
    pub report: AuditReport,
    /// The exposure scan's report, when it ran (possibly incomplete).
    pub scan: Option<ScanReport>,
    /// The network error that stopped the audit before the scan (nothing was connected), or
    /// that cut the scan.
    pub error: Option<NetError>,
    /// True when the connection could not even be made: `report` holds only the offline
    /// checks (and the TLS finding, when that was the problem).
    pub not_connected: bool,
    /// True when `stop` asked to stop during the scan.
    pub interrupted: bool,
}

/// Runs the audit and the scan. `stop` is polled between messages; `progress` is called at
/// each stage change and as messages are analysed.
pub fn audit_and_scan(
    account: &AccountUrl,
    password: &str,
    options: &FullAuditOptions,
    now: DateTime<Utc>,
    progress: &dyn Fn(Stage),
    stop: &dyn Fn() -> bool,
) -> FullAudit {
    progress(Stage::Checks);
    let session = audit_account(
        account,
        password,
        &options.audit,
        now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    );
    let mut report = session.report;
    let Some(mut imap) = session.imap else {
        return FullAudit {
            report,
            scan: None,
            error: session.error,
            not_connected: true,
            interrupted: false,
        };
    };
    let Some(scan_options) = &options.scan else {
        let _ = imap.logout();
        return FullAudit {
            report,
            scan: None,
            error: None,
            not_connected: false,
            interrupted: false,
        };
    };

    let source = account.to_string();
    let state = match (&options.state_path, options.full) {
        (Some(path), false) => ScanState::load(path, &source),
        _ => ScanState::new(&source),
    };
    let pool = ScanPool::new(scan_options);
    let total = std::cell::Cell::new(0u64);
    let mut interrupted = false;
    let scan = scan_account(
        &mut imap,
        &source,
        state,
        None,
        &pool,
        &|| {
            progress(Stage::Scan {
                done: pool.processed(),
                total: total.get(),
            });
            stop()
        },
        &|t| {
            total.set(t);
            progress(Stage::Scan { done: 0, total: t });
        },
    );
    let _ = imap.logout();
    let new_records = pool.finish();
    let FinishedScan {
        records,
        mut outcome,
        error,
        save_error,
    } = match &options.state_path {
        Some(path) => scan.finish(new_records, None, path),
        None => {
            let mut state = scan.state;
            state.records.extend(new_records);
            FinishedScan {
                records: state.records,
                outcome: scan.outcome,
                error: scan.error,
                save_error: None,
            }
        }
    };
    if let Some(e) = save_error {
        report.notes.push(e.to_string());
    }
    if stop() && outcome.incomplete_reason.is_none() {
        outcome.incomplete_reason = Some(INTERRUPTED_REASON.to_owned());
        interrupted = true;
    }
    if let Some(e) = &error {
        report
            .notes
            .push(format!("Analyse des messages incomplète : {e}"));
    }
    let scan_report = scan::build_report(&records, &outcome, scan_options);
    report
        .findings
        .extend(super::exposure::findings(&scan_report));
    FullAudit {
        report,
        scan: Some(scan_report),
        error,
        not_connected: false,
        interrupted,
    }
}
