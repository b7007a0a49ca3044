//! The three corpora — demo, mailbox benchmark, throughput benchmark — as plans of slots
//! (scenario, folder, date) turned into messages.
//!
//! Message `i` of seed `s` is generated from its own random stream `(s, i)`, and its slot from
//! another stream of the same index, so generation is the same in any order and on any number
//! of threads.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use crate::CorpusError;
use crate::lexicon::Mairie;
use crate::rng::Rng;
use crate::scenario::{Ctx, Folder, Scenario, Slot, render, unix_time};
use crate::truth::Truth;

/// One generated message, ready to be written.
#[derive(Debug, Clone)]
pub struct GeneratedMessage {
    pub index: usize,
    pub folder: Folder,
    /// `cur` (read) or `new` (unread).
    pub subdir: &'static str,
    /// Maildir file name, stable for a given seed and index.
    pub file_name: String,
    /// The RFC 5322 message, LF line endings.
    pub raw: Vec<u8>,
    pub truth: Truth,
    /// Envelope sender (for the mbox « From » line).
    pub envelope_from: String,
    /// Delivery time, seconds since the epoch.
    pub unix_time: i64,
}

impl GeneratedMessage {
    /// Path of the file relative to the Maildir root.
    pub fn relative_path(&self) -> String {
        let dir = self.folder.maildir_dir();
        if dir.is_empty() {
            format!("{}/{}", self.subdir, self.file_name)
        } else {
            format!("{dir}/{}/{}", self.subdir, self.file_name)
        }
    }
}

/// Salt of the plan streams, so that they never coincide with message streams.
const PLAN_STREAM: u64 = 0x5106_0000_0000_0000;

/// Generates the message of `slot`.
pub fn generate(seed: u64, slot: Slot, mairie: &Mairie) -> Result<GeneratedMessage, CorpusError> {
    let index = slot.index;
    let folder = slot.folder.clone();
    let unread = slot.unread;
    let date = slot.date;
    let mut ctx = Ctx {
        rng: Rng::new(seed, index as u64),
        mairie,
        slot,
    };
    let draft = ctx.slot.scenario.build(&mut ctx)?;
    let envelope_from = draft.from.1.clone();
    let rendered = render(draft, &mut ctx);
    let ts = unix_time(date);
    let size = rendered.raw.len();
    // Dovecot's W= is the size with CRLF line endings.
    let vsize = size + rendered.raw.iter().filter(|&&b| b == b'\n').count();
    let base = format!("{ts}.M{index}P{seed}.vigie-corpus,S={size},W={vsize}");
    let (subdir, file_name) = if unread {
        ("new", base)
    } else {
        ("cur", format!("{base}:2,S"))
    };
    let mut m = GeneratedMessage {
        index,
        folder,
        subdir,
        file_name,
        raw: rendered.raw,
        truth: rendered.truth,
        envelope_from,
        unix_time: ts,
    };
    m.truth.path = m.relative_path();
    m.truth.file_name = m.file_name.clone();
    Ok(m)
}

fn random_datetime(rng: &mut Rng, from: NaiveDate, to: NaiveDate) -> NaiveDateTime {
    let days = (to - from).num_days().max(1);
    let mut day = from + chrono::Duration::days(rng.range(0, days - 1));
    // Office mail: mostly weekdays, in office hours.
    if chrono::Datelike::weekday(&day).number_from_monday() > 5 && rng.chance(3, 4) {
        day -= chrono::Duration::days(2);
    }
    let hour = *rng.weighted(&[
        (2, 7),
        (10, 8),
        (14, 9),
        (14, 10),
        (12, 11),
        (5, 12),
        (6, 13),
        (12, 14),
        (12, 15),
        (10, 16),
        (8, 17),
        (4, 18),
        (3, 20),
        (2, 22),
    ]);
    let time = NaiveTime::from_hms_opt(hour, rng.range(0, 59) as u32, rng.range(0, 59) as u32)
        .unwrap_or(NaiveTime::MIN);
    day.and_time(time)
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

/// The folders of the demo and mailbox corpora.
pub fn folders() -> Vec<Folder> {
    ["INBOX", "Sent", "Archives/2019", "Trash", "Comptabilité"]
        .iter()
        .map(|s| Folder(s.to_string()))
        .collect()
}

/// Chooses the folder of a message by its scenario.
fn folder_for(rng: &mut Rng, s: Scenario) -> &'static str {
    use Scenario::*;
    match s {
        CommuneRib | SignedQuote => "Sent",
        ZipToTreasury => rng.weighted_str(&[(3, "Sent"), (1, "Comptabilité")]),
        Payslip | Password => rng.weighted_str(&[
            (3, "Sent"),
            (4, "INBOX"),
            (2, "Archives/2019"),
            (1, "Comptabilité"),
        ]),
        Ordinary => rng.weighted_str(&[
            (30, "Sent"),
            (40, "INBOX"),
            (14, "Trash"),
            (16, "Archives/2019"),
        ]),
        Invoice | Quote | RibSupplier | SupplierList | BankStatement | RibForwarded => rng
            .weighted_str(&[
                (45, "Comptabilité"),
                (30, "INBOX"),
                (15, "Archives/2019"),
                (10, "Trash"),
            ]),
        HostileScript | HostileBroken | HostileCharset | Twinning => {
            rng.weighted_str(&[(4, "INBOX"), (1, "Trash")])
        }
        _ => rng.weighted_str(&[
            (60, "INBOX"),
            (22, "Archives/2019"),
            (12, "Trash"),
            (6, "Comptabilité"),
        ]),
    }
}

/// Fills date and flags of slots whose scenario and folder are chosen, then numbers them in
/// date order (file names then sort chronologically, as in a real Maildir).
fn finish_plan(seed: u64, mut slots: Vec<Slot>, big: bool) -> Vec<Slot> {
    for (i, s) in slots.iter_mut().enumerate() {
        let mut rng = Rng::new(seed, PLAN_STREAM + 1 + i as u64);
        s.date = if s.folder.name() == "Archives/2019" {
            random_datetime(&mut rng, ymd(2019, 1, 1), ymd(2020, 1, 1))
        } else {
            random_datetime(&mut rng, ymd(2015, 1, 5), ymd(2026, 6, 30))
        };
        s.unread =
            s.folder.name() == "INBOX" && s.date.date() >= ymd(2026, 3, 1) && rng.chance(2, 3);
        s.big = big;
    }
    slots.sort_by(|a, b| a.date.cmp(&b.date).then(a.index.cmp(&b.index)));
    for (i, s) in slots.iter_mut().enumerate() {
        s.index = i;
    }
    slots
}

/// How many messages of each scenario the demo holds: every kind and category several times.
pub const DEMO_PLAN: &[(Scenario, usize)] = &[
    (Scenario::Invoice, 16),
    (Scenario::Quote, 9),
    (Scenario::RibSupplier, 7),
    (Scenario::RibAdministre, 7),
    (Scenario::RibForwarded, 3),
    (Scenario::CommuneRib, 4),
    (Scenario::SupplierList, 3),
    (Scenario::BankStatement, 4),
    (Scenario::CardPayment, 5),
    (Scenario::ZipToTreasury, 3),
    (Scenario::Notarial, 5),
    (Scenario::Succession, 4),
    (Scenario::Cadastre, 3),
    (Scenario::EtatCivil, 8),
    (Scenario::Urbanisme, 6),
    (Scenario::Identity, 5),
    (Scenario::Payslip, 6),
    (Scenario::TaxNotice, 4),
    (Scenario::CcasDossier, 3),
    (Scenario::Password, 5),
    (Scenario::SignedQuote, 4),
    (Scenario::Ordinary, 55),
    (Scenario::OrdinaryWithAttachment, 18),
    (Scenario::Twinning, 1),
    (Scenario::HostileScript, 1),
    (Scenario::HostileBroken, 2),
    (Scenario::HostileCharset, 3),
];

/// The slots of the demo corpus.
pub fn demo_plan(seed: u64) -> Vec<Slot> {
    let mut rng = Rng::new(seed, PLAN_STREAM);
    let mut slots = Vec::new();
    for &(scenario, n) in DEMO_PLAN {
        for _ in 0..n {
            let folder = folder_for(&mut rng, scenario);
            slots.push(Slot {
                index: slots.len(),
                scenario,
                folder: Folder(folder.to_string()),
                date: NaiveDateTime::MIN,
                big: false,
                unread: false,
            });
        }
    }
    finish_plan(seed, slots, false)
}

/// The demo mailbox: about 200 messages over five folders.
pub fn demo_corpus(seed: u64) -> Result<Vec<GeneratedMessage>, CorpusError> {
    let mairie = Mairie::new(seed);
    demo_plan(seed)
        .into_iter()
        .map(|slot| generate(seed, slot, &mairie))
        .collect()
}

/// Scenario weights of the mailbox benchmark: a realistic mix with many attachments.
const MAILBOX_MIX: &[(u32, Scenario)] = &[
    (30, Scenario::Ordinary),
    (22, Scenario::OrdinaryWithAttachment),
    (9, Scenario::Invoice),
    (4, Scenario::Quote),
    (3, Scenario::RibSupplier),
    (3, Scenario::RibAdministre),
    (1, Scenario::RibForwarded),
    (1, Scenario::CommuneRib),
    (1, Scenario::SupplierList),
    (2, Scenario::BankStatement),
    (1, Scenario::CardPayment),
    (1, Scenario::ZipToTreasury),
    (2, Scenario::Notarial),
    (1, Scenario::Succession),
    (1, Scenario::Cadastre),
    (3, Scenario::EtatCivil),
    (3, Scenario::Urbanisme),
    (2, Scenario::Identity),
    (2, Scenario::Payslip),
    (1, Scenario::TaxNotice),
    (1, Scenario::CcasDossier),
    (1, Scenario::Password),
    (2, Scenario::SignedQuote),
];

/// The slot of message `index` of a mailbox or bench corpus (before date numbering).
fn stream_slot(seed: u64, index: usize, bench: bool) -> Slot {
    let mut rng = Rng::new(seed, PLAN_STREAM + 1 + index as u64);
    let scenario = if bench {
        Scenario::Bench
    } else {
        *rng.weighted(MAILBOX_MIX)
    };
    let folder = if bench {
        *rng.weighted(&[(85, "INBOX"), (15, "Archives/2019")])
    } else {
        folder_for(&mut rng, scenario)
    };
    let date = if folder == "Archives/2019" {
        random_datetime(&mut rng, ymd(2019, 1, 1), ymd(2020, 1, 1))
    } else {
        random_datetime(&mut rng, ymd(2015, 1, 5), ymd(2026, 6, 30))
    };
    Slot {
        index,
        scenario,
        folder: Folder(folder.to_string()),
        date,
        big: !bench,
        unread: folder == "INBOX" && rng.chance(1, 10),
    }
}

/// Messages of the mailbox benchmark, generated lazily (10 000 messages do not fit in memory
/// comfortably with their attachments).
pub fn mailbox_corpus(
    seed: u64,
    count: usize,
) -> impl Iterator<Item = Result<GeneratedMessage, CorpusError>> {
    let mairie = Mairie::new(seed);
    (0..count).map(move |i| generate(seed, stream_slot(seed, i, false), &mairie))
}

/// Messages of the throughput benchmark, generated lazily until `target_bytes` of messages
/// have been produced.
pub fn bench_corpus(
    seed: u64,
    target_bytes: u64,
) -> impl Iterator<Item = Result<GeneratedMessage, CorpusError>> {
    let mairie = Mairie::new(seed);
    let mut produced = 0u64;
    let mut i = 0usize;
    std::iter::from_fn(move || {
        if produced >= target_bytes {
            return None;
        }
        let r = generate(seed, stream_slot(seed, i, true), &mairie);
        i += 1;
        if let Ok(m) = &r {
            produced += m.raw.len() as u64;
        }
        Some(r)
    })
}
