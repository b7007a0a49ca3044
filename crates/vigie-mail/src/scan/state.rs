//! The incremental scan state of one account: per folder the UIDVALIDITY, the last UID read and
//! the CONDSTORE mod-sequence, plus the masked records of every message already scanned, so a
//! second scan reads only new mail and still reports on the whole mailbox.
//!
//! The state holds no unmasked value and no password. It is written atomically (temporary file
//! then rename): an interrupted write never leaves a half state behind.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::MessageRecord;
use crate::error::Error;

/// Schema name of the state file.
pub const STATE_SCHEMA: &str = "vigie.scan-state.v1";

/// Where one folder was left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FolderState {
    pub uid_validity: u32,
    /// Highest UID scanned; the next scan fetches UIDs above it.
    pub last_uid: u32,
    /// CONDSTORE HIGHESTMODSEQ at the last scan, when the server offers it.
    #[serde(default)]
    pub highest_modseq: Option<u64>,
    /// UIDNEXT at the last scan: unchanged UIDNEXT and mod-sequence mean nothing new.
    #[serde(default)]
    pub uid_next: Option<u32>,
}

/// The whole state of an account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanState {
    pub schema: String,
    pub account: String,
    pub folders: BTreeMap<String, FolderState>,
    pub records: Vec<MessageRecord>,
}

impl ScanState {
    /// An empty state for `account`.
    pub fn new(account: &str) -> ScanState {
        ScanState {
            schema: STATE_SCHEMA.to_owned(),
            account: account.to_owned(),
            folders: BTreeMap::new(),
            records: Vec::new(),
        }
    }

    /// Loads the state at `path`; a missing, unreadable or foreign file gives an empty state
    /// (the scan is then simply full), never an error: the state is a cache.
    pub fn load(path: &Path, account: &str) -> ScanState {
        let Ok(bytes) = std::fs::read(path) else {
            return ScanState::new(account);
        };
        match serde_json::from_slice::<ScanState>(&bytes) {
            Ok(state) if state.schema == STATE_SCHEMA && state.account == account => state,
            _ => ScanState::new(account),
        }
    }

    /// Writes the state atomically.
    pub fn save(&self, path: &Path) -> Result<(), Error> {
        let bytes = serde_json::to_vec(self).map_err(|e| Error::StateWrite {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        crate::report::write_atomic(path, &bytes).map_err(|e| Error::StateWrite {
            path: path.to_path_buf(),
            reason: crate::source::io_reason(&e),
        })
    }

    /// Forgets a folder whose UIDVALIDITY changed (its UIDs mean something else now).
    pub fn reset_folder(&mut self, folder: &str) {
        self.folders.remove(folder);
        self.records.retain(|r| r.folder != folder);
    }

    /// Keeps only the records of `folder` whose UID is in `present` (messages deleted since the
    /// last scan leave the report).
    pub fn retain_present(&mut self, folder: &str, present: &std::collections::HashSet<u32>) {
        self.records.retain(|r| {
            r.folder != folder || r.key.parse::<u32>().is_ok_and(|uid| present.contains(&uid))
        });
    }

    /// Forgets folders that no longer exist on the server.
    pub fn retain_folders(&mut self, existing: &[String]) {
        self.folders.retain(|f, _| existing.contains(f));
        self.records.retain(|r| existing.contains(&r.folder));
    }
}

/// The state file of `account` under `data_dir`: one file per account, named from a hash of
/// the account URL so that odd characters in user names never reach the file system.
pub fn state_path(data_dir: &Path, account: &str) -> PathBuf {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(account.as_bytes());
    let name: String = digest.iter().take(12).map(|b| format!("{b:02x}")).collect();
    data_dir.join("scan-state").join(format!("{name}.json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(folder: &str, uid: u32) -> MessageRecord {
        MessageRecord {
            folder: folder.into(),
            key: uid.to_string(),
            message_id: format!("<{uid}@x>"),
            subject: None,
            from: None,
            date: None,
            size: 10,
            findings: vec![],
            documents: vec![],
            problems: vec![],
        }
    }

    #[test]
    fn round_trip_and_foreign_state_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let path = state_path(dir.path(), "imaps://a@b:993");
        let mut state = ScanState::new("imaps://a@b:993");
        state.folders.insert(
            "INBOX".into(),
            FolderState {
                uid_validity: 7,
                last_uid: 42,
                highest_modseq: Some(100),
                uid_next: Some(43),
            },
        );
        state.records.push(record("INBOX", 42));
        state.save(&path).unwrap();
        assert_eq!(ScanState::load(&path, "imaps://a@b:993"), state);
        assert!(
            ScanState::load(&path, "imaps://other@b:993")
                .folders
                .is_empty()
        );
        std::fs::write(&path, b"{not json").unwrap();
        assert!(ScanState::load(&path, "imaps://a@b:993").records.is_empty());
    }

    #[test]
    fn deleted_and_reset_folders_leave() {
        let mut state = ScanState::new("x");
        state.records = vec![record("INBOX", 1), record("INBOX", 2), record("Sent", 1)];
        state.retain_present("INBOX", &[2].into_iter().collect());
        assert_eq!(state.records.len(), 2);
        state.reset_folder("Sent");
        assert_eq!(state.records, vec![record("INBOX", 2)]);
    }
}
