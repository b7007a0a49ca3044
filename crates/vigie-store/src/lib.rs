//! # vigie-store
//!
//! Persistence for Vigie: the incidents and their hash-chained journals, and the web
//! application's accounts ([`accounts`]: users, memberships, sessions, throttling, security
//! journal) and its mailbox monitoring ([`jobs`]: mailboxes, the background job queue, check
//! results). Two parts:
//!
//! * [`Store`]: the repository, over SQLite (embedded default, one file `vigie.db` in the data
//!   directory) or PostgreSQL (providers hosting many organisations), with the schema migrations
//!   of both (`migrations/sqlite`, `migrations/postgres`: same tables, same columns);
//! * [`blob`]: the content-addressed (SHA-256) blob store for evidence files and documents.
//!
//! ## One code path for two databases
//!
//! The store goes through sqlx's `Any` driver: every query is written once, with `$1`
//! placeholders (PostgreSQL's syntax, which sqlx's SQLite driver also binds by number). The
//! alternative, an enum over a `SqlitePool` and a `PgPool`, would have duplicated every query
//! and every row decoding (or hidden them behind generic bounds as long as the queries), and
//! the two copies would drift. The price of `Any` is a small common type system, which the
//! schema is designed around:
//!
//! * ids are TEXT (UUID v4), booleans and counters are 64-bit integers (`INTEGER` / `BIGINT`);
//! * timestamps are TEXT, RFC 3339 in UTC with nine fractional digits
//!   (`2026-03-04T08:15:00.123456789Z`): lossless, so a journal entry's `at` comes back exactly
//!   as it was hashed, and fixed-width, so text order is time order;
//! * JSON (organisation profile, incident details, journal data) is TEXT;
//! * no BLOB/BYTEA: file contents live in the blob store, the database keeps their SHA-256.
//!
//! The backends differ in four places only, each a one-line `match` on [`Backend`]: how a
//! write transaction starts, the `FOR UPDATE` suffix, `FOR UPDATE SKIP LOCKED` when a worker
//! takes a job ([`Store::claim_job`]), and a table lock in [`Store::default_organisation`].
//!
//! ## Transactions and the journal
//!
//! Every change to an incident (creation, update, step done, evidence, document) is written in
//! the same transaction as the journal entry that records it: both or neither. Hashes are not
//! computed here (that is `vigie-incident::journal`'s job); the write operations take a closure
//! that receives the current [`ChainHead`] and returns the [`NewJournalEntry`], hash included.
//! The store then:
//!
//! 1. starts a write transaction and reads the head under a lock — SQLite: `BEGIN IMMEDIATE`
//!    takes the database's write lock before the read; PostgreSQL: `SELECT … FOR UPDATE` on the
//!    incident's `journal_heads` row — so no other append can slip in between;
//! 2. calls the closure, and refuses the entry ([`Error::ChainMismatch`]) if its `prev_hash`
//!    is not the head's hash;
//! 3. inserts it with `seq` = head length + 1 (primary key `(org_id, incident_id, seq)`) and
//!    moves the head with a compare-and-set `UPDATE`, then commits.
//!
//! Two racing appends are therefore serialized: the second sees the first's entry as its head.
//! The head lives in its own table, apart from the entries, so deleting the last entries is
//! detectable (the head's length and hash no longer match the rows).
//!
//! ## Tenancy
//!
//! Every query for tenant data takes the organisation id ([`OrgId`]) and filters on it; child
//! rows reference their incident through `(org_id, incident_id)`. Another organisation's
//! incident is [`Error::NotFound`], the same answer as for an incident that does not exist.

pub mod accounts;
pub mod blob;
mod error;
pub mod jobs;
mod records;
mod store;

pub use accounts::{
    FirstAdministrator, InvitationRecord, MembershipRecord, NewInvitation, NewSecurityEvent,
    NewUser, PasskeyRecord, ProviderLinkRecord, Role, SecurityEventRecord, SessionRecord,
    SessionStage, ThrottleRecord, UserRecord,
};
pub use blob::{
    BlobCheck, BlobRef, BlobStore, LocalBlobStore, S3BlobStore, S3Options, SharedBlobStore,
};
pub use error::Error;
pub use jobs::{
    CheckPoint, JobKind, JobRecord, JobRunRecord, JobStatus, MailboxCheckRecord, MailboxRecord,
    NewJob, NewMailbox, NewMailboxCheck, SeverityCounts,
};
pub use records::{
    ChainHead, ContactRecord, DocumentRecord, EvidenceRecord, GENESIS_HASH, IncidentRecord,
    JournalEntryRecord, NewDocument, NewEvidence, NewIncident, NewJournalEntry, OrgId, OrgKind,
    OrganisationRecord, StepDone, StepDoneRecord,
};
pub use store::{Backend, NewSession, Store};
