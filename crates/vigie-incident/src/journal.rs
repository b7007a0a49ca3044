//! The journal of an incident: append-only, every entry hash-chained to the previous one.
//!
//! Each entry's hash is SHA-256 over a canonical, length-prefixed encoding of the incident id,
//! the entry's position (`seq`), its time, actor, kind, text, structured data and the previous
//! entry's hash. Changing one byte of any entry, removing one, or moving one therefore breaks the
//! chain at a place [`verify_chain`] can name.
//!
//! A chain alone cannot reveal that its *last* entries were cut off: the shortened chain is
//! still a valid chain. That is why the chain's head (length and hash of the last entry) is kept
//! apart from the rows (the store's `journal_heads` table) and printed on every document and
//! export: [`verify_chain`] compares the rows with the stored head, and with any head the user
//! holds from a document handed to the gendarmerie or the insurer.
//!
//! Everything here is pure; the store persists entries and the head, the service layer builds
//! entries with [`seal`].

use std::fmt;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The previous hash of the first entry: 64 zeros.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Versioned domain tag at the start of every hashed encoding, so that a future change of the
/// encoding can never produce the same hash as this one.
const DOMAIN_TAG: &[u8] = b"vigie.journal.v1";

/// What happened, as stored in the journal's `kind` column. The strings are stable: they are
/// hashed and exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// The incident was declared.
    Declaration,
    /// T0 (the time the problem was noticed) was corrected.
    T0Change,
    /// Other facts of the incident were completed or corrected.
    Update,
    /// A playbook step was done.
    StepDone,
    /// A contact was called or written to.
    ContactCalled,
    /// A piece of evidence was added to the locker.
    EvidenceAdded,
    /// A document (CNIL notification, complaint...) was produced.
    DocumentProduced,
    /// The dossier was exported.
    Export,
    /// A free note.
    Note,
    /// The incident was closed.
    Closed,
}

impl EntryKind {
    /// Every kind, for parsing and documentation.
    pub const ALL: [EntryKind; 10] = [
        EntryKind::Declaration,
        EntryKind::T0Change,
        EntryKind::Update,
        EntryKind::StepDone,
        EntryKind::ContactCalled,
        EntryKind::EvidenceAdded,
        EntryKind::DocumentProduced,
        EntryKind::Export,
        EntryKind::Note,
        EntryKind::Closed,
    ];

    /// The stable identifier stored and hashed.
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Declaration => "declaration",
            EntryKind::T0Change => "t0_change",
            EntryKind::Update => "update",
            EntryKind::StepDone => "step_done",
            EntryKind::ContactCalled => "contact_called",
            EntryKind::EvidenceAdded => "evidence_added",
            EntryKind::DocumentProduced => "document_produced",
            EntryKind::Export => "export",
            EntryKind::Note => "note",
            EntryKind::Closed => "closed",
        }
    }

    /// Parses a stored identifier.
    pub fn parse(s: &str) -> Option<EntryKind> {
        EntryKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// A short French label for journals and documents.
    pub fn label_fr(self) -> &'static str {
        match self {
            EntryKind::Declaration => "Déclaration",
            EntryKind::T0Change => "Correction de l'heure de découverte",
            EntryKind::Update => "Mise à jour",
            EntryKind::StepDone => "Étape faite",
            EntryKind::ContactCalled => "Contact appelé",
            EntryKind::EvidenceAdded => "Preuve ajoutée",
            EntryKind::DocumentProduced => "Document produit",
            EntryKind::Export => "Export du dossier",
            EntryKind::Note => "Note",
            EntryKind::Closed => "Clôture",
        }
    }
}

impl fmt::Display for EntryKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One journal entry as stored and exported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Position in the chain, from 1.
    pub seq: u64,
    /// When it happened (UTC, millisecond precision: what the hash covers).
    pub at: DateTime<Utc>,
    /// Who did it.
    pub actor: String,
    /// What happened: an [`EntryKind`] identifier (kept as a string so that a tampered or future
    /// kind is still verifiable).
    pub kind: String,
    /// A French sentence for people.
    pub text: String,
    /// Structured details (hashes of evidence, old and new T0, ...).
    pub data: serde_json::Value,
    /// Hash of the previous entry ([`GENESIS_HASH`] for the first).
    pub prev_hash: String,
    /// This entry's hash.
    pub hash: String,
}

/// The chain's head: how many entries, and the hash of the last one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Head {
    pub length: u64,
    pub hash: String,
}

impl Head {
    /// The head of an empty journal.
    pub fn empty() -> Head {
        Head {
            length: 0,
            hash: GENESIS_HASH.to_owned(),
        }
    }
}

impl fmt::Display for Head {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural = if self.length > 1 { "s" } else { "" };
        write!(f, "{} ({} entrée{plural})", self.hash, self.length)
    }
}

/// Truncates a time to the millisecond: the precision every entry is stored and hashed at.
pub fn truncate_to_millis(at: DateTime<Utc>) -> DateTime<Utc> {
    let millis = at.timestamp_millis();
    DateTime::from_timestamp_millis(millis).unwrap_or(at)
}

/// The canonical text of a time in the hash: RFC 3339, UTC, milliseconds.
pub fn canonical_time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Builds the next entry after `head`: assigns its position and computes its hash.
pub fn seal(
    incident_id: &str,
    head: &Head,
    at: DateTime<Utc>,
    actor: &str,
    kind: EntryKind,
    text: &str,
    data: serde_json::Value,
) -> Entry {
    let seq = head.length + 1;
    let at = truncate_to_millis(at);
    let hash = entry_hash(
        incident_id,
        seq,
        at,
        actor,
        kind.as_str(),
        text,
        &data,
        &head.hash,
    );
    Entry {
        seq,
        at,
        actor: actor.to_owned(),
        kind: kind.as_str().to_owned(),
        text: text.to_owned(),
        data,
        prev_hash: head.hash.clone(),
        hash,
    }
}

/// The hash of an entry with these fields.
#[allow(clippy::too_many_arguments)]
pub fn entry_hash(
    incident_id: &str,
    seq: u64,
    at: DateTime<Utc>,
    actor: &str,
    kind: &str,
    text: &str,
    data: &serde_json::Value,
    prev_hash: &str,
) -> String {
    let mut hasher = Sha256::new();
    let mut field = |bytes: &[u8]| {
        hasher.update((bytes.len() as u64).to_be_bytes());
        hasher.update(bytes);
    };
    field(DOMAIN_TAG);
    field(incident_id.as_bytes());
    field(&seq.to_be_bytes());
    field(canonical_time(at).as_bytes());
    field(actor.as_bytes());
    field(kind.as_bytes());
    field(text.as_bytes());
    field(canonical_json(data).as_bytes());
    field(prev_hash.as_bytes());
    hex(&hasher.finalize())
}

/// Recomputes the hash of a stored entry, as if it sat at position `seq`.
fn recompute(incident_id: &str, entry: &Entry, seq: u64) -> String {
    entry_hash(
        incident_id,
        seq,
        entry.at,
        &entry.actor,
        &entry.kind,
        &entry.text,
        &entry.data,
        &entry.prev_hash,
    )
}

/// JSON with object keys sorted and no insignificant whitespace, so that the hash does not
/// depend on how a database or a serializer ordered the keys.
pub fn canonical_json(value: &serde_json::Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

fn write_canonical(value: &serde_json::Value, out: &mut String) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                if let Some(v) = map.get(key) {
                    write_canonical(v, out);
                }
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// Lower-case hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    s
}

/// One thing wrong with a journal, named precisely.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum ChainProblem {
    /// The entry's content no longer matches its hash: it was edited.
    EntryAltered { seq: u64 },
    /// The entry verifies only at another position: it was moved there.
    EntryMoved { seq: u64, originally_at: u64 },
    /// Entries are missing before this one (deleted).
    EntriesMissing { before_seq: u64, expected_seq: u64 },
    /// The entry's link to its predecessor is broken (predecessor removed or edited along with
    /// its hash).
    BrokenLink { seq: u64 },
    /// Two rows claim the same position.
    DuplicatePosition { seq: u64 },
    /// The stored head says there are more entries than the rows hold: the last ones were
    /// deleted.
    TailMissing { head_length: u64, last_seq: u64 },
    /// The rows hold entries the head does not know about (added behind its back).
    UnexpectedTail { head_length: u64, last_seq: u64 },
    /// The head's hash is not the last entry's.
    HeadMismatch { seq: u64 },
    /// The journal does not extend a head handed over earlier (document, export).
    ExternalHeadMismatch { length: u64 },
}

impl fmt::Display for ChainProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChainProblem::EntryAltered { seq } => write!(
                f,
                "l'entrée n° {seq} du journal a été modifiée (son contenu ne correspond plus à son empreinte)"
            ),
            ChainProblem::EntryMoved { seq, originally_at } => write!(
                f,
                "l'entrée en position {seq} du journal a été déplacée (elle était à l'origine en position {originally_at})"
            ),
            ChainProblem::EntriesMissing {
                before_seq,
                expected_seq,
            } => {
                if before_seq.saturating_sub(*expected_seq) <= 1 {
                    write!(f, "l'entrée n° {expected_seq} du journal a été supprimée")
                } else {
                    write!(
                        f,
                        "les entrées n° {expected_seq} à {} du journal ont été supprimées",
                        before_seq - 1
                    )
                }
            }
            ChainProblem::BrokenLink { seq } => write!(
                f,
                "le chaînage est rompu avant l'entrée n° {seq} (l'entrée précédente a été supprimée ou modifiée)"
            ),
            ChainProblem::DuplicatePosition { seq } => {
                write!(f, "deux entrées du journal portent le numéro {seq}")
            }
            ChainProblem::TailMissing {
                head_length,
                last_seq,
            } => {
                if head_length.saturating_sub(*last_seq) == 1 {
                    write!(
                        f,
                        "la dernière entrée du journal (n° {head_length}) a été supprimée"
                    )
                } else {
                    write!(
                        f,
                        "les dernières entrées du journal (n° {} à {head_length}) ont été supprimées",
                        last_seq + 1
                    )
                }
            }
            ChainProblem::UnexpectedTail {
                head_length,
                last_seq,
            } => write!(
                f,
                "le journal va jusqu'à l'entrée n° {last_seq} alors que sa tête enregistrée n'en compte que {head_length} (entrées ajoutées hors de Vigie)"
            ),
            ChainProblem::HeadMismatch { seq } => write!(
                f,
                "l'empreinte de la dernière entrée (n° {seq}) ne correspond pas à la tête du journal enregistrée : elle a été remplacée"
            ),
            ChainProblem::ExternalHeadMismatch { length } => {
                if *length == 0 {
                    write!(
                        f,
                        "l'empreinte donnée n'est celle d'aucune entrée du journal : le journal remis précédemment a été réécrit depuis"
                    )
                } else {
                    write!(
                        f,
                        "le journal ne prolonge pas celui remis précédemment : ses {length} premières entrées ont changé depuis"
                    )
                }
            }
        }
    }
}

/// Checks a journal: every entry's hash, every link, the positions, and the stored head.
/// `entries` are the rows as read (ordered by position); `stored_head` the head kept apart;
/// `external` a head the user holds from a document or export, if any.
pub fn verify_chain(
    incident_id: &str,
    entries: &[Entry],
    stored_head: &Head,
    external: Option<&Head>,
) -> Vec<ChainProblem> {
    let mut problems = Vec::new();
    // The largest position an entry could originally have held: used to recognise a moved
    // entry by the position under which its hash still verifies.
    let max_position = (entries.len() as u64).max(stored_head.length) + 1;
    let mut previous: Option<(&Entry, bool)> = None;
    let mut expected_seq = 1u64;
    for entry in entries {
        if previous.is_some_and(|(p, _)| p.seq == entry.seq) {
            problems.push(ChainProblem::DuplicatePosition { seq: entry.seq });
        }
        let original_seq = if recompute(incident_id, entry, entry.seq) == entry.hash {
            Some(entry.seq)
        } else {
            (1..=max_position).find(|&s| recompute(incident_id, entry, s) == entry.hash)
        };
        let moved = match original_seq {
            None => {
                problems.push(ChainProblem::EntryAltered { seq: entry.seq });
                false
            }
            Some(original) if original != entry.seq => {
                problems.push(ChainProblem::EntryMoved {
                    seq: entry.seq,
                    originally_at: original,
                });
                true
            }
            Some(_) => false,
        };
        let expected_prev = previous.map_or(GENESIS_HASH, |(p, _)| p.hash.as_str());
        let previous_moved = previous.is_some_and(|(_, m)| m);
        if entry.prev_hash != expected_prev && !moved && !previous_moved {
            if entry.seq > expected_seq {
                problems.push(ChainProblem::EntriesMissing {
                    before_seq: entry.seq,
                    expected_seq,
                });
            } else {
                problems.push(ChainProblem::BrokenLink { seq: entry.seq });
            }
        }
        previous = Some((entry, moved));
        expected_seq = entry.seq + 1;
    }
    problems.dedup();

    // Compare the last row with the head kept apart: a shortened chain is still a valid chain.
    let last_seq = entries.last().map_or(0, |e| e.seq);
    if stored_head.length > last_seq {
        problems.push(ChainProblem::TailMissing {
            head_length: stored_head.length,
            last_seq,
        });
    } else if stored_head.length < last_seq {
        problems.push(ChainProblem::UnexpectedTail {
            head_length: stored_head.length,
            last_seq,
        });
    } else {
        let last_hash = entries.last().map_or(GENESIS_HASH, |e| e.hash.as_str());
        if last_hash != stored_head.hash {
            problems.push(ChainProblem::HeadMismatch { seq: last_seq });
        }
    }

    if let Some(external) = external {
        // A head given without its length (only the hash copied from a document) must still
        // be one of the journal's entries.
        let matches = if external.length == 0 {
            external.hash == GENESIS_HASH || entries.iter().any(|e| e.hash == external.hash)
        } else {
            usize::try_from(external.length)
                .ok()
                .and_then(|n| n.checked_sub(1))
                .and_then(|i| entries.get(i))
                .is_some_and(|e| e.hash == external.hash)
        };
        if !matches {
            problems.push(ChainProblem::ExternalHeadMismatch {
                length: external.length,
            });
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const INCIDENT: &str = "0190a6b2-7c1e-7000-8000-000000000001";

    fn chain(n: usize) -> (Vec<Entry>, Head) {
        let mut head = Head::empty();
        let mut entries = Vec::new();
        let t0 = DateTime::parse_from_rfc3339("2026-03-27T09:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        for i in 0..n {
            let e = seal(
                INCIDENT,
                &head,
                t0 + chrono::Duration::minutes(i as i64),
                "Marie Dupont",
                EntryKind::Note,
                &format!("note {i} — éléments notés"),
                serde_json::json!({"i": i, "b": {"z": 1, "a": [1, 2]}}),
            );
            head = Head {
                length: e.seq,
                hash: e.hash.clone(),
            };
            entries.push(e);
        }
        (entries, head)
    }

    #[test]
    fn intact_chain_has_no_problem() {
        let (entries, head) = chain(5);
        assert!(verify_chain(INCIDENT, &entries, &head, Some(&head)).is_empty());
        let (empty, empty_head) = chain(0);
        assert!(verify_chain(INCIDENT, &empty, &empty_head, None).is_empty());
    }

    #[test]
    fn edited_text_is_named() {
        let (mut entries, head) = chain(5);
        entries[2].text.push('!');
        assert_eq!(
            verify_chain(INCIDENT, &entries, &head, None),
            vec![ChainProblem::EntryAltered { seq: 3 }]
        );
    }

    #[test]
    fn deleted_row_is_named() {
        let (mut entries, head) = chain(5);
        entries.remove(2);
        let problems = verify_chain(INCIDENT, &entries, &head, None);
        assert_eq!(
            problems,
            vec![ChainProblem::EntriesMissing {
                before_seq: 4,
                expected_seq: 3
            }]
        );
        assert!(problems[0].to_string().contains("n° 3"));
    }

    #[test]
    fn deleted_last_row_is_named_thanks_to_the_head() {
        let (mut entries, head) = chain(5);
        entries.pop();
        let problems = verify_chain(INCIDENT, &entries, &head, None);
        assert_eq!(
            problems,
            vec![ChainProblem::TailMissing {
                head_length: 5,
                last_seq: 4
            }]
        );
        assert!(problems[0].to_string().contains("dernière entrée"));
    }

    #[test]
    fn swapped_rows_are_named() {
        // Swapping two rows' positions (their seq values), as an UPDATE in the database would.
        let (mut entries, head) = chain(5);
        entries.swap(1, 2);
        entries[1].seq = 2;
        entries[2].seq = 3;
        let problems = verify_chain(INCIDENT, &entries, &head, None);
        assert_eq!(
            problems,
            vec![
                ChainProblem::EntryMoved {
                    seq: 2,
                    originally_at: 3
                },
                ChainProblem::EntryMoved {
                    seq: 3,
                    originally_at: 2
                }
            ]
        );
    }

    #[test]
    fn a_head_given_without_its_length_is_searched() {
        let (entries, head) = chain(4);
        let known = Head {
            length: 0,
            hash: entries[1].hash.clone(),
        };
        assert!(verify_chain(INCIDENT, &entries, &head, Some(&known)).is_empty());
        let unknown = Head {
            length: 0,
            hash: "ab".repeat(32),
        };
        assert_eq!(
            verify_chain(INCIDENT, &entries, &head, Some(&unknown)),
            vec![ChainProblem::ExternalHeadMismatch { length: 0 }]
        );
    }

    #[test]
    fn key_order_does_not_change_the_hash() {
        let a: serde_json::Value = serde_json::from_str(r#"{"b":1,"a":{"y":2,"x":3}}"#).unwrap();
        let b: serde_json::Value = serde_json::from_str(r#"{"a":{"x":3,"y":2},"b":1}"#).unwrap();
        assert_eq!(canonical_json(&a), canonical_json(&b));
        assert_eq!(canonical_json(&a), r#"{"a":{"x":3,"y":2},"b":1}"#);
    }

    #[test]
    fn external_head_from_an_old_document_is_checked() {
        let (entries, head) = chain(5);
        let handed_over = Head {
            length: 3,
            hash: entries[2].hash.clone(),
        };
        assert!(verify_chain(INCIDENT, &entries, &head, Some(&handed_over)).is_empty());
        // Rewriting the whole journal consistently (new hashes, new head) is caught by the
        // head handed over earlier.
        let (mut rewritten, _) = chain(5);
        rewritten[1].text = "réécrit".into();
        let mut h = Head::empty();
        let mut rebuilt = Vec::new();
        for e in &rewritten {
            let kind = EntryKind::parse(&e.kind).unwrap();
            let n = seal(INCIDENT, &h, e.at, &e.actor, kind, &e.text, e.data.clone());
            h = Head {
                length: n.seq,
                hash: n.hash.clone(),
            };
            rebuilt.push(n);
        }
        assert_eq!(
            verify_chain(INCIDENT, &rebuilt, &h, Some(&handed_over)),
            vec![ChainProblem::ExternalHeadMismatch { length: 3 }]
        );
    }

    proptest! {
        #[test]
        fn any_single_byte_change_of_any_entry_is_detected(
            n in 1usize..8, which in 0usize..8, field in 0u8..4, pos in 0usize..64, byte in any::<u8>()
        ) {
            let (mut entries, head) = chain(n);
            let which = which % n;
            let e = &mut entries[which];
            let changed = match field {
                0 => mutate(&mut e.text, pos, byte),
                1 => mutate(&mut e.actor, pos, byte),
                2 => mutate(&mut e.kind, pos, byte),
                _ => { let before = e.at; e.at += chrono::Duration::milliseconds(1 + i64::from(byte)); before != e.at }
            };
            prop_assume!(changed);
            let problems = verify_chain(INCIDENT, &entries, &head, None);
            prop_assert!(problems.contains(&ChainProblem::EntryAltered { seq: which as u64 + 1 }), "{:?}", problems);
        }
    }

    fn mutate(s: &mut String, pos: usize, byte: u8) -> bool {
        let mut bytes = s.clone().into_bytes();
        if bytes.is_empty() {
            bytes.push(b'x');
        } else {
            let i = pos % bytes.len();
            bytes[i] = byte;
        }
        let new = String::from_utf8_lossy(&bytes).into_owned();
        let changed = new != *s;
        *s = new;
        changed
    }
}
