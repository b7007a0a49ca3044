//! The exposure scan of an IMAP account: every selectable folder (or one), incremental.
//!
//! Per folder, the state remembers UIDVALIDITY, the last UID scanned, UIDNEXT and (CONDSTORE)
//! HIGHESTMODSEQ. A second scan:
//! - skips a folder whose UIDNEXT and HIGHESTMODSEQ did not move (nothing new, nothing changed);
//! - fetches only UIDs above the last one otherwise;
//! - rescans a folder whose UIDVALIDITY changed (its UIDs mean something else now), or which
//!   holds fewer messages than the state knows (messages were deleted: the records must go).
//!
//! Messages are handed one by one to the [`ScanPool`]; a broken connection or an interruption
//! leaves a consistent state (the last UID handed over) so the next scan resumes there.

use std::ops::ControlFlow;
use std::path::Path;

use super::state::{FolderState, ScanState};
use super::{MessageRecord, RawMessage, ScanOutcome, ScanPool};
use crate::net::NetError;
use crate::net::imap::blocking::Imap;

/// How many messages one `UID FETCH` asks for: large enough to keep the connection busy,
/// small enough that an interruption stops quickly.
pub const FETCH_BATCH: usize = 50;

/// What the IMAP scan did, before the pool's records are added.
#[derive(Debug)]
pub struct ImapScan {
    /// The state, updated with the new folder positions; its records are those of the
    /// previous scans still valid. Add the pool's new records, then save it.
    pub state: ScanState,
    pub outcome: ScanOutcome,
    /// The network error that cut the scan, if any (the report is still written).
    pub error: Option<NetError>,
}

/// A finished IMAP scan: what the report covers and what went wrong.
#[derive(Debug)]
pub struct FinishedScan {
    /// Every record the report covers: earlier scans' and this run's.
    pub records: Vec<MessageRecord>,
    pub outcome: ScanOutcome,
    /// The network error that cut the scan, if any.
    pub error: Option<NetError>,
    /// The state could not be saved (the next scan will read everything again).
    pub save_error: Option<crate::Error>,
}

impl ImapScan {
    /// Adds this run's records (from the pool, once drained) to the state, saves the state at
    /// `path`, and returns the records the report covers: the whole mailbox, or one folder's
    /// when the scan was limited to `folder_filter` (the state keeps the other folders').
    pub fn finish(
        mut self,
        new_records: Vec<MessageRecord>,
        folder_filter: Option<&str>,
        path: &Path,
    ) -> FinishedScan {
        self.state.records.extend(new_records);
        let save_error = self.state.save(path).err();
        let records = match folder_filter {
            Some(f) => self
                .state
                .records
                .into_iter()
                .filter(|r| r.folder == f)
                .collect(),
            None => self.state.records,
        };
        FinishedScan {
            records,
            outcome: self.outcome,
            error: self.error,
            save_error,
        }
    }
}

/// Scans the account behind `imap`. `folder_filter` restricts to one folder (server or
/// display name); `stop` is polled between messages (Ctrl+C); `on_total` is told how many
/// messages are expected, for the progress bar.
pub fn scan_account(
    imap: &mut Imap,
    source: &str,
    mut state: ScanState,
    folder_filter: Option<&str>,
    pool: &ScanPool,
    stop: &dyn Fn() -> bool,
    on_total: &dyn Fn(u64),
) -> ImapScan {
    let mut outcome = ScanOutcome {
        source: source.to_owned(),
        incomplete_reason: None,
        messages_new: 0,
    };
    let folders = match imap.list_folders() {
        Ok(f) => f,
        Err(e) => {
            outcome.incomplete_reason = Some(e.to_string());
            return ImapScan {
                state,
                outcome,
                error: Some(e),
            };
        }
    };
    let folders: Vec<_> = folders
        .into_iter()
        .filter(|f| f.selectable)
        .filter(|f| folder_filter.is_none_or(|w| w == f.name || w == f.display_name))
        .collect();
    if folder_filter.is_none() {
        let names: Vec<String> = folders.iter().map(|f| f.display_name.clone()).collect();
        state.retain_folders(&names);
    }
    // First pass: EXAMINE every folder to know what is new (and tell the progress bar).
    let mut plan = Vec::new();
    let mut expected = 0u64;
    for folder in &folders {
        let status = match imap.examine(&folder.name) {
            Ok(s) => s,
            Err(e) => return cut(state, outcome, e),
        };
        let known = state
            .records
            .iter()
            .filter(|r| r.folder == folder.display_name)
            .count() as u64;
        let previous = state.folders.get(&folder.display_name).cloned();
        let after_uid = match &previous {
            Some(p)
                if p.uid_validity == status.uid_validity && u64::from(status.exists) >= known =>
            {
                let unchanged = p.uid_next.is_some()
                    && p.uid_next == status.uid_next
                    && (p.highest_modseq.is_none() || p.highest_modseq == status.highest_modseq);
                if unchanged {
                    continue;
                }
                p.last_uid
            }
            Some(_) => {
                // UIDVALIDITY changed or messages were deleted: start this folder afresh.
                state.reset_folder(&folder.display_name);
                0
            }
            None => 0,
        };
        let still_known = if after_uid == 0 { 0 } else { known };
        expected += u64::from(status.exists).saturating_sub(still_known);
        plan.push((folder.clone(), after_uid, status.uid_validity));
    }
    on_total(expected);
    for (folder, after_uid, uid_validity) in plan {
        if stop() {
            break;
        }
        let mut last_handed = after_uid;
        let display = folder.display_name.clone();
        let result = imap.fetch_since(&folder.name, after_uid, FETCH_BATCH, |m| {
            if stop() {
                return ControlFlow::Break(());
            }
            last_handed = last_handed.max(m.uid);
            outcome.messages_new += 1;
            pool.submit(RawMessage {
                folder: display.clone(),
                key: m.uid.to_string(),
                bytes: m.raw,
            });
            ControlFlow::Continue(())
        });
        match result {
            Ok(summary) => {
                state.folders.insert(
                    display,
                    FolderState {
                        uid_validity: summary.status.uid_validity,
                        last_uid: summary.last_uid.unwrap_or(after_uid).max(last_handed),
                        highest_modseq: summary.status.highest_modseq,
                        // An interrupted folder must not look « unchanged » next time.
                        uid_next: if summary.stopped_early {
                            None
                        } else {
                            summary.status.uid_next
                        },
                    },
                );
            }
            Err(e) => {
                // What was handed over is scanned; resume after it next time.
                if last_handed > after_uid {
                    state.folders.insert(
                        display,
                        FolderState {
                            uid_validity,
                            last_uid: last_handed,
                            highest_modseq: None,
                            uid_next: None,
                        },
                    );
                }
                return cut(state, outcome, e);
            }
        }
    }
    ImapScan {
        state,
        outcome,
        error: None,
    }
}

fn cut(state: ScanState, mut outcome: ScanOutcome, error: NetError) -> ImapScan {
    outcome.incomplete_reason = Some(error.to_string());
    ImapScan {
        state,
        outcome,
        error: Some(error),
    }
}
