//! The exposure scan pipeline: messages from any source go through a pool of worker threads
//! running [`vigie_scan::message::scan_message`]; each result becomes a [`MessageRecord`]
//! (masked, small), and the records make the [`ScanReport`].
//!
//! Memory stays bounded whatever the mailbox size: the queue to the workers is bounded (a
//! source blocks when the workers are busy), a message's bytes are dropped as soon as it is
//! scanned, and only the masked records are kept.

pub mod imap;
pub mod model;
pub mod state;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use chrono::{DateTime, Datelike, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use vigie_scan::Detector;
use vigie_scan::extract::Limits;
use vigie_scan::mask::mask;
use vigie_scan::message::scan_message;

pub use model::*;

/// Options of a scan.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Messages older than this many years count as past their retention (docs/RETENTION.md).
    pub retention_years: u32,
    pub limits: Limits,
    /// Worker threads (at least one).
    pub workers: usize,
    /// « Now », for the retention cutoff; fixed in tests.
    pub now: DateTime<Utc>,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            retention_years: DEFAULT_RETENTION_YEARS,
            limits: Limits::default(),
            workers: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1),
            now: Utc::now(),
        }
    }
}

/// Default retention in the mailbox, in years; the reasoning is in docs/RETENTION.md.
pub const DEFAULT_RETENTION_YEARS: u32 = 2;

/// A message read from a source, before scanning.
#[derive(Debug)]
pub struct RawMessage {
    pub folder: String,
    /// Where it is in its source: the IMAP UID, or the file path.
    pub key: String,
    pub bytes: Vec<u8>,
}

/// What is kept of one scanned message: masked facts only. Also the unit of the incremental
/// scan state, so it is serialisable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageRecord {
    pub folder: String,
    pub key: String,
    pub message_id: String,
    pub subject: Option<String>,
    pub from: Option<String>,
    /// `Date:` as seconds since the epoch, UTC.
    pub date: Option<i64>,
    pub size: u64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<RecordFinding>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<RecordDocument>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<RecordProblem>,
}

/// A masked value of a [`MessageRecord`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordFinding {
    pub kind: String,
    pub masked: String,
    pub confidence: String,
    pub location: String,
}

/// A document of a [`MessageRecord`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordDocument {
    pub category: String,
    pub location: String,
}

/// An unreadable part of a [`MessageRecord`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordProblem {
    pub location: String,
    pub reason: String,
}

impl MessageRecord {
    /// True when the message holds a sensitive value or document.
    pub fn is_sensitive(&self) -> bool {
        !self.findings.is_empty() || !self.documents.is_empty()
    }
}

/// Scans one message into its record. Pure; used by the workers and by tests.
pub fn record_of(message: &RawMessage, detector: &Detector, limits: &Limits) -> MessageRecord {
    let scan = scan_message(&message.bytes, detector, limits);
    let message_id = scan
        .meta
        .message_id
        .clone()
        .unwrap_or_else(|| format!("<sans-identifiant:{}/{}>", message.folder, message.key));
    MessageRecord {
        folder: message.folder.clone(),
        key: message.key.clone(),
        message_id,
        subject: scan.meta.subject.clone(),
        from: scan.meta.from.clone(),
        date: scan.meta.date,
        size: message.bytes.len() as u64,
        findings: scan
            .findings
            .iter()
            .map(|f| RecordFinding {
                kind: f.detection.kind.as_str().to_owned(),
                masked: mask(&f.detection.value),
                confidence: confidence_str(f.detection.confidence).to_owned(),
                location: f.location.clone(),
            })
            .collect(),
        documents: scan
            .documents
            .iter()
            .map(|d| RecordDocument {
                category: d.category.as_str().to_owned(),
                location: d.location.clone(),
            })
            .collect(),
        problems: scan
            .problems
            .iter()
            .map(|p| RecordProblem {
                location: p.location.clone(),
                reason: p.reason.clone(),
            })
            .collect(),
    }
}

fn confidence_str(c: vigie_scan::Confidence) -> &'static str {
    match c {
        vigie_scan::Confidence::High => "high",
        vigie_scan::Confidence::Medium => "medium",
        vigie_scan::Confidence::Low => "low",
    }
}

/// A pool of scanning threads fed through a bounded queue.
pub struct ScanPool {
    /// With one worker, messages are scanned in the caller's thread: no hand-over cost, and
    /// `--jobs 1` measures exactly one core.
    inline: Option<(Detector, Limits)>,
    sender: Option<SyncSender<RawMessage>>,
    workers: Vec<JoinHandle<()>>,
    results: Arc<Mutex<Vec<MessageRecord>>>,
    processed: Arc<AtomicU64>,
    bytes: Arc<AtomicU64>,
}

impl ScanPool {
    /// Starts `options.workers` threads.
    pub fn new(options: &ScanOptions) -> ScanPool {
        let workers = options.workers.max(1);
        if workers == 1 {
            return ScanPool {
                inline: Some((Detector::new(), options.limits.clone())),
                sender: None,
                workers: Vec::new(),
                results: Arc::new(Mutex::new(Vec::new())),
                processed: Arc::new(AtomicU64::new(0)),
                bytes: Arc::new(AtomicU64::new(0)),
            };
        }
        let (sender, receiver) = sync_channel::<RawMessage>(workers * 2);
        let receiver = Arc::new(Mutex::new(receiver));
        let detector = Arc::new(Detector::new());
        let results = Arc::new(Mutex::new(Vec::new()));
        let processed = Arc::new(AtomicU64::new(0));
        let bytes = Arc::new(AtomicU64::new(0));
        let handles = (0..workers)
            .map(|_| {
                let receiver = Arc::clone(&receiver);
                let detector = Arc::clone(&detector);
                let results = Arc::clone(&results);
                let processed = Arc::clone(&processed);
                let bytes = Arc::clone(&bytes);
                let limits = options.limits.clone();
                std::thread::spawn(move || {
                    worker_loop(&receiver, &detector, &limits, &results, &processed, &bytes)
                })
            })
            .collect();
        ScanPool {
            inline: None,
            sender: Some(sender),
            workers: handles,
            results,
            processed,
            bytes,
        }
    }

    /// Queues a message; blocks while the workers are busy (that is the memory bound).
    pub fn submit(&self, message: RawMessage) {
        if let Some((detector, limits)) = &self.inline {
            let record = scan_one(&message, detector, limits);
            self.bytes
                .fetch_add(message.bytes.len() as u64, Ordering::Relaxed);
            drop(message);
            if let Ok(mut r) = self.results.lock() {
                r.push(record);
            }
            self.processed.fetch_add(1, Ordering::Relaxed);
            return;
        }
        if let Some(sender) = &self.sender {
            // A send error means every worker is gone (they only stop when the queue closes),
            // so there is nobody left to scan the message: dropping it is all there is to do.
            let _ = sender.send(message);
        }
    }

    /// Messages scanned so far.
    pub fn processed(&self) -> u64 {
        self.processed.load(Ordering::Relaxed)
    }

    /// Bytes scanned so far.
    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    /// Waits for the queue to drain and returns the records, in no particular order.
    pub fn finish(mut self) -> Vec<MessageRecord> {
        self.sender = None;
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
        match self.results.lock() {
            Ok(mut r) => std::mem::take(&mut *r),
            Err(poisoned) => std::mem::take(&mut *poisoned.into_inner()),
        }
    }
}

fn worker_loop(
    receiver: &Mutex<Receiver<RawMessage>>,
    detector: &Detector,
    limits: &Limits,
    results: &Mutex<Vec<MessageRecord>>,
    processed: &AtomicU64,
    bytes: &AtomicU64,
) {
    loop {
        let next = match receiver.lock() {
            Ok(r) => r.recv(),
            Err(_) => return,
        };
        let Ok(message) = next else { return };
        let record = scan_one(&message, detector, limits);
        bytes.fetch_add(message.bytes.len() as u64, Ordering::Relaxed);
        drop(message);
        if let Ok(mut r) = results.lock() {
            r.push(record);
        }
        processed.fetch_add(1, Ordering::Relaxed);
    }
}

/// Scans one message. A bug in a parser must cost one message, not the scan: a panic gives a
/// record that says the message could not be analysed, and the scan goes on.
fn scan_one(message: &RawMessage, detector: &Detector, limits: &Limits) -> MessageRecord {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        record_of(message, detector, limits)
    }))
    .unwrap_or_else(|_| MessageRecord {
        folder: message.folder.clone(),
        key: message.key.clone(),
        message_id: format!("<sans-identifiant:{}/{}>", message.folder, message.key),
        subject: None,
        from: None,
        date: None,
        size: message.bytes.len() as u64,
        findings: Vec::new(),
        documents: Vec::new(),
        problems: vec![RecordProblem {
            location: "message".into(),
            reason: "erreur interne de Vigie pendant l'analyse de ce message (signalez-la)".into(),
        }],
    })
}

/// How a scan ended.
#[derive(Debug, Clone, Default)]
pub struct ScanOutcome {
    pub source: String,
    /// `None` when complete; the French reason otherwise.
    pub incomplete_reason: Option<String>,
    /// Messages read in this run (the others come from the incremental state).
    pub messages_new: u64,
}

/// Builds the report from all records (previous and new).
pub fn build_report(
    records: &[MessageRecord],
    outcome: &ScanOutcome,
    options: &ScanOptions,
) -> ScanReport {
    let mut sorted: Vec<&MessageRecord> = records.iter().collect();
    // Oldest first, as a person reads a history; undated messages last.
    sorted.sort_by(|a, b| {
        (a.date.is_none(), a.date, &a.folder, &a.key).cmp(&(
            b.date.is_none(),
            b.date,
            &b.folder,
            &b.key,
        ))
    });
    let cutoff = retention_cutoff(options.now, options.retention_years);
    let cutoff_ts = cutoff.timestamp();
    let mut findings = Vec::new();
    let mut documents = Vec::new();
    let mut messages = Vec::new();
    let mut problems = Vec::new();
    let mut folders: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    let (mut older, mut older_sensitive, mut bytes) = (0u64, 0u64, 0u64);
    for r in &sorted {
        let date = r.date.and_then(rfc3339);
        bytes += r.size;
        let entry = folders.entry(r.folder.as_str()).or_default();
        entry.0 += 1;
        let sensitive = r.is_sensitive();
        if sensitive {
            entry.1 += 1;
        }
        if r.date.is_some_and(|d| d < cutoff_ts) {
            older += 1;
            if sensitive {
                older_sensitive += 1;
            }
        }
        for f in &r.findings {
            findings.push(ScanFinding {
                kind: f.kind.clone(),
                masked: f.masked.clone(),
                confidence: f.confidence.clone(),
                message_id: r.message_id.clone(),
                folder: r.folder.clone(),
                date: date.clone(),
                location: f.location.clone(),
            });
        }
        for d in &r.documents {
            documents.push(DocumentFinding {
                category: d.category.clone(),
                message_id: r.message_id.clone(),
                folder: r.folder.clone(),
                date: date.clone(),
                location: d.location.clone(),
            });
        }
        for p in &r.problems {
            problems.push(ScanProblem {
                message_id: r.message_id.clone(),
                folder: r.folder.clone(),
                location: p.location.clone(),
                reason: p.reason.clone(),
            });
        }
        if sensitive {
            let mut kinds: Vec<String> = r.findings.iter().map(|f| f.kind.clone()).collect();
            kinds.sort();
            kinds.dedup();
            let mut categories: Vec<String> =
                r.documents.iter().map(|d| d.category.clone()).collect();
            categories.sort();
            categories.dedup();
            messages.push(MessageSummary {
                message_id: r.message_id.clone(),
                folder: r.folder.clone(),
                key: r.key.clone(),
                date: date.clone(),
                subject: r.subject.clone(),
                from: r.from.clone(),
                size: r.size,
                kinds,
                categories,
            });
        }
    }
    ScanReport {
        schema: SCAN_SCHEMA.to_owned(),
        complete: outcome.incomplete_reason.is_none(),
        messages_scanned: records.len() as u64,
        bytes_scanned: bytes,
        findings,
        documents,
        source: outcome.source.clone(),
        generated_at: options
            .now
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        incomplete_reason: outcome.incomplete_reason.clone(),
        messages_new: outcome.messages_new,
        messages,
        problems,
        retention: RetentionSummary {
            years: options.retention_years,
            cutoff: cutoff.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            older_messages: older,
            older_sensitive_messages: older_sensitive,
        },
        folders: folders
            .into_iter()
            .map(|(folder, (messages, sensitive_messages))| FolderCount {
                folder: folder.to_owned(),
                messages,
                sensitive_messages,
            })
            .collect(),
    }
}

fn rfc3339(ts: i64) -> Option<String> {
    Utc.timestamp_opt(ts, 0)
        .single()
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

/// `now` minus `years` calendar years (29 February falls back to 28).
pub fn retention_cutoff(now: DateTime<Utc>, years: u32) -> DateTime<Utc> {
    let year = now.year() - years as i32;
    now.with_year(year)
        .or_else(|| now.with_day(28).and_then(|d| d.with_year(year)))
        .unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(folder: &str, key: &str, date: &str, body: &str) -> RawMessage {
        RawMessage {
            folder: folder.into(),
            key: key.into(),
            bytes: format!(
                "From: a@example.fr\r\nSubject: test {key}\r\nMessage-ID: <{key}@example.fr>\r\nDate: {date}\r\n\r\n{body}\r\n"
            )
            .into_bytes(),
        }
    }

    #[test]
    fn pool_scans_everything_and_report_counts_retention() {
        let options = ScanOptions {
            workers: 2,
            now: Utc.with_ymd_and_hms(2026, 11, 29, 12, 0, 0).unwrap(),
            ..ScanOptions::default()
        };
        let pool = ScanPool::new(&options);
        for i in 0..20 {
            let year = if i % 2 == 0 { 2018 } else { 2026 };
            pool.submit(message(
                "INBOX",
                &i.to_string(),
                &format!("Mon, 5 Jan {year} 10:00:00 +0100"),
                "Bonjour, rien de particulier.",
            ));
        }
        let records = pool.finish();
        assert_eq!(records.len(), 20);
        let outcome = ScanOutcome {
            source: "test".into(),
            incomplete_reason: None,
            messages_new: 20,
        };
        let report = build_report(&records, &outcome, &options);
        assert!(report.complete);
        assert_eq!(report.messages_scanned, 20);
        assert_eq!(report.retention.older_messages, 10);
        assert_eq!(report.retention.cutoff, "2024-11-29T12:00:00Z");
        assert_eq!(report.folders[0].messages, 20);
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["schema"], "vigie.scan.v1");
    }

    #[test]
    fn cutoff_on_leap_day() {
        let now = Utc.with_ymd_and_hms(2028, 2, 29, 0, 0, 0).unwrap();
        assert_eq!(
            retention_cutoff(now, 1),
            Utc.with_ymd_and_hms(2027, 2, 28, 0, 0, 0).unwrap()
        );
    }
}
