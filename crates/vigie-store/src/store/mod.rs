//! The repository: one [`Store`] over SQLite or PostgreSQL, one code path for both.
//!
//! See the crate documentation for the design (Any driver, column conventions, transactions).

use std::borrow::Cow;
use std::fmt;
use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Datelike as _, Utc};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{Any, AnyConnection, AnyPool, Connection as _, Row as _, SqlSafeStr as _, Transaction};

use crate::error::{Error, redact_url, scrub, url_password};
mod accounts;
mod jobs;
mod members;
mod passkeys;
mod providers;

pub use accounts::NewSession;

use crate::records::{
    ChainHead, ContactRecord, DocumentRecord, EvidenceRecord, IncidentRecord, JournalEntryRecord,
    NewDocument, NewEvidence, NewIncident, NewJournalEntry, OrgId, OrgKind, OrganisationRecord,
    StepDone, StepDoneRecord,
};

/// Which database a [`Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// One file, embedded (the default of the CLI).
    Sqlite,
    /// A server (providers hosting many organisations).
    Postgres,
}

impl Backend {
    fn hint(self) -> &'static str {
        match self {
            Backend::Sqlite => {
                "vérifiez que le dossier de données existe et que vous avez le droit d'y écrire"
            }
            Backend::Postgres => {
                "vérifiez l'adresse, que le serveur PostgreSQL est démarré et joignable, \
                 l'utilisateur et le mot de passe"
            }
        }
    }
}

/// Migrations, in order: (version, description, SQLite SQL, PostgreSQL SQL). Both columns
/// describe the same schema; append here, never edit a released one (sqlx checks checksums).
const MIGRATIONS: &[(i64, &str, &str, &str)] = &[
    (
        1,
        "initial",
        include_str!("../../migrations/sqlite/0001_initial.sql"),
        include_str!("../../migrations/postgres/0001_initial.sql"),
    ),
    (
        2,
        "accounts",
        include_str!("../../migrations/sqlite/0002_accounts.sql"),
        include_str!("../../migrations/postgres/0002_accounts.sql"),
    ),
    (
        3,
        "mailboxes_jobs",
        include_str!("../../migrations/sqlite/0003_mailboxes_jobs.sql"),
        include_str!("../../migrations/postgres/0003_mailboxes_jobs.sql"),
    ),
    (
        4,
        "invitations",
        include_str!("../../migrations/sqlite/0004_invitations.sql"),
        include_str!("../../migrations/postgres/0004_invitations.sql"),
    ),
    (
        5,
        "known_devices",
        include_str!("../../migrations/sqlite/0005_known_devices.sql"),
        include_str!("../../migrations/postgres/0005_known_devices.sql"),
    ),
    (
        6,
        "passkeys",
        include_str!("../../migrations/sqlite/0006_passkeys.sql"),
        include_str!("../../migrations/postgres/0006_passkeys.sql"),
    ),
    (
        7,
        "providers",
        include_str!("../../migrations/sqlite/0007_providers.sql"),
        include_str!("../../migrations/postgres/0007_providers.sql"),
    ),
];

/// Column lists, as macros so that `concat!` can build `&'static str` queries from them
/// (sqlx only takes static strings without an explicit "this is safe" wrapper).
macro_rules! incident_cols {
    () => {
        "id, org_id, reference, playbook_id, title, description, declared_by, declared_at, \
         discovered_at, personal_data, details, status, closed_at"
    };
}
macro_rules! journal_cols {
    () => {
        "org_id, incident_id, seq, at, actor, kind, text, data, prev_hash, hash"
    };
}
macro_rules! evidence_cols {
    () => {
        "org_id, incident_id, id, sha256, size, media_type, original_name, description, \
         collected_by, collected_at, added_at"
    };
}
macro_rules! document_cols {
    () => {
        "org_id, incident_id, id, kind, sha256, produced_at, produced_by"
    };
}
macro_rules! contact_cols {
    () => {
        "id, role, name, phone, email, website, notes, policy_number, verified_at"
    };
}

/// Persistence for one installation: organisations, incidents and their journals, evidence,
/// documents, contacts. Cheap to clone (a pool handle); `Send + Sync`.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// The URL with its password masked, for messages.
    url: String,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

// ---------------------------------------------------------------------------------------------
// Encoding helpers.

/// RFC 3339 in UTC with nine fractional digits: lossless (a journal entry's `at` must come back
/// bit-for-bit, it is hashed) and fixed-width, so text order is time order.
fn ts(t: &DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.9fZ").to_string()
}

fn opt_ts(t: Option<&DateTime<Utc>>) -> Option<String> {
    t.map(ts)
}

fn json_text(value: &serde_json::Value) -> String {
    // Serializing a Value cannot fail (its keys are strings); Display is the same encoding.
    value.to_string()
}

fn to_i64(what: &'static str, n: u64) -> Result<i64, Error> {
    i64::try_from(n).map_err(|_| Error::invalid(what, format!("{n} est trop grand")))
}

fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

fn db(err: sqlx::Error) -> Error {
    Error::Database {
        detail: err.to_string(),
    }
}

fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(e) if e.is_unique_violation())
}

fn is_foreign_key_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(e) if e.is_foreign_key_violation())
}

/// Typed access to a row's columns, with decoding errors reported as [`Error::Corrupt`].
struct Cols<'r>(&'r AnyRow);

impl Cols<'_> {
    fn text(&self, col: &str) -> Result<String, Error> {
        self.0
            .try_get::<String, _>(col)
            .map_err(|e| Error::corrupt(col, e))
    }

    fn opt_text(&self, col: &str) -> Result<Option<String>, Error> {
        self.0
            .try_get::<Option<String>, _>(col)
            .map_err(|e| Error::corrupt(col, e))
    }

    fn int(&self, col: &str) -> Result<i64, Error> {
        self.0
            .try_get::<i64, _>(col)
            .map_err(|e| Error::corrupt(col, e))
    }

    fn count(&self, col: &str) -> Result<u64, Error> {
        let n = self.int(col)?;
        u64::try_from(n).map_err(|_| Error::corrupt(col, format!("valeur négative {n}")))
    }

    fn flag(&self, col: &str) -> Result<bool, Error> {
        match self.int(col)? {
            0 => Ok(false),
            1 => Ok(true),
            n => Err(Error::corrupt(
                col,
                format!("booléen attendu (0 ou 1), lu {n}"),
            )),
        }
    }

    fn time(&self, col: &str) -> Result<DateTime<Utc>, Error> {
        parse_ts(col, &self.text(col)?)
    }

    fn opt_time(&self, col: &str) -> Result<Option<DateTime<Utc>>, Error> {
        self.opt_text(col)?.map(|s| parse_ts(col, &s)).transpose()
    }

    fn json(&self, col: &str) -> Result<serde_json::Value, Error> {
        serde_json::from_str(&self.text(col)?).map_err(|e| Error::corrupt(col, e))
    }

    fn org(&self, col: &str) -> Result<OrgId, Error> {
        OrgId::parse(&self.text(col)?).map_err(|e| Error::corrupt(col, e))
    }
}

fn parse_ts(col: &str, s: &str) -> Result<DateTime<Utc>, Error> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| Error::corrupt(col, format!("{s:?} : {e}")))
}

fn organisation_from(row: &AnyRow) -> Result<OrganisationRecord, Error> {
    let c = Cols(row);
    Ok(OrganisationRecord {
        id: c.org("id")?,
        name: c.text("name")?,
        profile: c.json("profile")?,
        created_at: c.time("created_at")?,
        kind: OrgKind::parse(&c.text("kind")?)
            .ok_or_else(|| Error::corrupt("organisations.kind", "genre inconnu"))?,
    })
}

fn incident_from(row: &AnyRow) -> Result<IncidentRecord, Error> {
    let c = Cols(row);
    Ok(IncidentRecord {
        id: c.text("id")?,
        org_id: c.org("org_id")?,
        reference: c.text("reference")?,
        playbook_id: c.text("playbook_id")?,
        title: c.text("title")?,
        description: c.text("description")?,
        declared_by: c.text("declared_by")?,
        declared_at: c.time("declared_at")?,
        discovered_at: c.time("discovered_at")?,
        personal_data: c.flag("personal_data")?,
        details: c.json("details")?,
        status: c.text("status")?,
        closed_at: c.opt_time("closed_at")?,
    })
}

fn journal_from(row: &AnyRow) -> Result<JournalEntryRecord, Error> {
    let c = Cols(row);
    Ok(JournalEntryRecord {
        org_id: c.org("org_id")?,
        incident_id: c.text("incident_id")?,
        seq: c.count("seq")?,
        at: c.time("at")?,
        actor: c.text("actor")?,
        kind: c.text("kind")?,
        text: c.text("text")?,
        data: c.json("data")?,
        prev_hash: c.text("prev_hash")?,
        hash: c.text("hash")?,
    })
}

fn step_from(row: &AnyRow) -> Result<StepDoneRecord, Error> {
    let c = Cols(row);
    Ok(StepDoneRecord {
        org_id: c.org("org_id")?,
        incident_id: c.text("incident_id")?,
        step_id: c.text("step_id")?,
        done_by: c.text("done_by")?,
        done_at: c.time("done_at")?,
        note: c.text("note")?,
    })
}

fn evidence_from(row: &AnyRow) -> Result<EvidenceRecord, Error> {
    let c = Cols(row);
    Ok(EvidenceRecord {
        org_id: c.org("org_id")?,
        incident_id: c.text("incident_id")?,
        id: c.text("id")?,
        sha256: c.text("sha256")?,
        size: c.count("size")?,
        media_type: c.text("media_type")?,
        original_name: c.text("original_name")?,
        description: c.text("description")?,
        collected_by: c.text("collected_by")?,
        collected_at: c.time("collected_at")?,
        added_at: c.time("added_at")?,
    })
}

fn document_from(row: &AnyRow) -> Result<DocumentRecord, Error> {
    let c = Cols(row);
    Ok(DocumentRecord {
        org_id: c.org("org_id")?,
        incident_id: c.opt_text("incident_id")?,
        id: c.text("id")?,
        kind: c.text("kind")?,
        sha256: c.text("sha256")?,
        produced_at: c.time("produced_at")?,
        produced_by: c.text("produced_by")?,
    })
}

fn contact_from(row: &AnyRow) -> Result<ContactRecord, Error> {
    let c = Cols(row);
    Ok(ContactRecord {
        id: c.text("id")?,
        role: c.text("role")?,
        name: c.text("name")?,
        phone: c.opt_text("phone")?,
        email: c.opt_text("email")?,
        website: c.opt_text("website")?,
        notes: c.opt_text("notes")?,
        policy_number: c.opt_text("policy_number")?,
        verified_at: c.opt_time("verified_at")?,
    })
}

fn sqlite_url(path: &Path) -> Result<String, Error> {
    let text = path.to_str().ok_or_else(|| {
        Error::invalid(
            "chemin de la base",
            format!("{} n'est pas en UTF-8", path.display()),
        )
    })?;
    // sqlx percent-decodes the path part of the URL and cuts it at '?': encode the characters
    // that would be misread.
    let mut encoded = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => encoded.push_str("%25"),
            '?' => encoded.push_str("%3F"),
            '#' => encoded.push_str("%23"),
            _ => encoded.push(c),
        }
    }
    Ok(format!("sqlite://{encoded}?mode=rwc"))
}

// ---------------------------------------------------------------------------------------------

impl Store {
    /// Opens (or, for `sqlite:…?mode=rwc`, creates) the database at `url` and brings its schema
    /// up to date. URLs: `sqlite:///abs/path/vigie.db`, `sqlite://rel/path.db?mode=rwc`,
    /// `sqlite::memory:` (a private in-memory database, gone when the store is dropped; for
    /// tests), `postgres://user:password@host:port/db` (also `postgresql://`).
    pub async fn open(url: &str) -> Result<Store, Error> {
        sqlx::any::install_default_drivers();
        let redacted = redact_url(url);
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(Error::InvalidUrl { url: redacted });
        };
        let password = url_password(url);
        let unreachable = |err: sqlx::Error| Error::Unreachable {
            url: redacted.clone(),
            detail: scrub(err.to_string(), password.as_deref()),
            hint: backend.hint(),
        };
        // sqlx's Any driver parses the URL again for every connection, so `sqlite::memory:`
        // would give each connection its own empty database. An in-memory store is one named
        // database held by a single, never-recycled connection instead (tests, demos).
        let memory_url;
        let in_memory = backend == Backend::Sqlite
            && matches!(url, "sqlite::memory:" | "sqlite://:memory:" | "sqlite:");
        let url = if in_memory {
            memory_url = format!("sqlite:vigie-memory-{}?mode=memory", new_id());
            memory_url.as_str()
        } else {
            url
        };
        let options = match backend {
            Backend::Sqlite if in_memory => AnyPoolOptions::new()
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None),
            // SQLite serializes writers anyway; a few connections let readers proceed (WAL).
            Backend::Sqlite => {
                AnyPoolOptions::new()
                    .max_connections(4)
                    .after_connect(|conn, _meta| {
                        Box::pin(async move {
                            // Writers queue on BEGIN IMMEDIATE: wait for the lock rather than fail
                            // with "database is locked" after sqlx's default 5 s.
                            sqlx::query("PRAGMA busy_timeout = 30000")
                                .execute(&mut *conn)
                                .await?;
                            sqlx::query("PRAGMA foreign_keys = ON")
                                .execute(&mut *conn)
                                .await?;
                            Ok(())
                        })
                    })
            }
            Backend::Postgres => AnyPoolOptions::new()
                .max_connections(10)
                .acquire_timeout(Duration::from_secs(15)),
        };
        // One direct connection first: it fails at once with the driver's reason (refused,
        // bad password, no such file), where the pool would retry until its acquire timeout.
        let probe = AnyConnection::connect(url).await.map_err(unreachable)?;
        let _ = probe.close().await;
        let pool = options.connect(url).await.map_err(unreachable)?;
        if backend == Backend::Sqlite && !in_memory {
            // WAL: readers never block the writer nor each other; the mode is stored in the
            // file, set once here while this is the only connection.
            sqlx::query("PRAGMA journal_mode = WAL")
                .fetch_optional(&pool)
                .await
                .map_err(unreachable)?;
        }
        let migrations = MIGRATIONS
            .iter()
            .map(|(version, description, sqlite, postgres)| {
                let sql = match backend {
                    Backend::Sqlite => *sqlite,
                    Backend::Postgres => *postgres,
                };
                Migration::new(
                    *version,
                    Cow::Borrowed(*description),
                    MigrationType::Simple,
                    sql.into_sql_str(),
                    false,
                )
            })
            .collect();
        Migrator::with_migrations(migrations)
            .run(&pool)
            .await
            .map_err(|e| Error::Migration {
                detail: scrub(e.to_string(), password.as_deref()),
            })?;
        Ok(Store {
            pool,
            backend,
            url: redacted,
        })
    }

    /// Opens the SQLite database file at `path`, creating it (and its parent directory) if
    /// missing.
    pub async fn open_sqlite(path: &Path) -> Result<Store, Error> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| {
                Error::io(
                    format!("création du dossier de données {}", parent.display()),
                    e,
                )
            })?;
        }
        Store::open(&sqlite_url(path)?).await
    }

    /// Which backend this store uses.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The database URL, password masked (for messages and `vigie doctor`-style reports).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Closes every connection (waits for the ones in use to be returned).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Starts a write transaction. SQLite: `BEGIN IMMEDIATE` takes the database's write lock
    /// now, so the head read that follows cannot go stale and a concurrent writer waits (busy
    /// timeout) instead of failing at commit. PostgreSQL: a plain transaction; the rows that
    /// must not change are locked with `SELECT … FOR UPDATE`.
    async fn begin_write(&self) -> Result<Transaction<'static, Any>, Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
        .map_err(db)
    }

    // -----------------------------------------------------------------------------------------
    // Organisations.

    /// The CLI's single local organisation: the oldest one, created with `name_if_new` when the
    /// database has none.
    pub async fn default_organisation(
        &self,
        name_if_new: &str,
    ) -> Result<OrganisationRecord, Error> {
        let mut tx = self.begin_write().await?;
        if self.backend == Backend::Postgres {
            // Two processes starting at once must not both create "the" organisation. This
            // mode conflicts with itself and with writers, not with plain readers.
            sqlx::query("LOCK TABLE organisations IN SHARE ROW EXCLUSIVE MODE")
                .execute(&mut *tx)
                .await
                .map_err(db)?;
        }
        let existing = sqlx::query(
            "SELECT id, name, profile, created_at, kind FROM organisations \
             ORDER BY created_at, id LIMIT 1",
        )
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        let record = match existing {
            Some(row) => organisation_from(&row)?,
            None => insert_organisation(&mut tx, name_if_new, OrgKind::Commune).await?,
        };
        tx.commit().await.map_err(db)?;
        Ok(record)
    }

    /// Creates an organisation (a commune or any small organisation) with an empty profile
    /// (`{}`).
    pub async fn create_organisation(&self, name: &str) -> Result<OrganisationRecord, Error> {
        self.create_organisation_of_kind(name, OrgKind::Commune)
            .await
    }

    /// Creates an organisation of the given kind (an IT provider: [`OrgKind::Prestataire`]).
    pub async fn create_organisation_of_kind(
        &self,
        name: &str,
        kind: OrgKind,
    ) -> Result<OrganisationRecord, Error> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        insert_organisation(&mut conn, name, kind).await
    }

    /// One organisation.
    pub async fn organisation(&self, org: &OrgId) -> Result<OrganisationRecord, Error> {
        let row = sqlx::query(
            "SELECT id, name, profile, created_at, kind FROM organisations WHERE id = $1",
        )
        .bind(org.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?
        .ok_or_else(|| Error::not_found("organisation", org.as_str()))?;
        organisation_from(&row)
    }

    /// Every organisation, oldest first (administration of a multi-organisation server).
    pub async fn list_organisations(&self) -> Result<Vec<OrganisationRecord>, Error> {
        let rows = sqlx::query(
            "SELECT id, name, profile, created_at, kind FROM organisations ORDER BY created_at, id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(organisation_from).collect()
    }

    /// Renames an organisation and replaces its profile.
    pub async fn set_organisation_profile(
        &self,
        org: &OrgId,
        name: &str,
        profile: &serde_json::Value,
    ) -> Result<(), Error> {
        let done = sqlx::query("UPDATE organisations SET name = $1, profile = $2 WHERE id = $3")
            .bind(name)
            .bind(json_text(profile))
            .bind(org.as_str())
            .execute(&self.pool)
            .await
            .map_err(db)?;
        if done.rows_affected() == 0 {
            return Err(Error::not_found("organisation", org.as_str()));
        }
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // Incidents.

    /// Creates an incident and its first journal entry, in one transaction. The store allocates
    /// the id (UUID v4) and the reference `INC-<year>-<nnnn>` (per organisation, numbered from
    /// 0001 each year, the year of `declared_at` in Europe/Paris); `entry` receives the record
    /// and the empty chain head and returns the entry to append.
    pub async fn create_incident(
        &self,
        org: &OrgId,
        new: &NewIncident,
        entry: impl FnOnce(&IncidentRecord, &ChainHead) -> NewJournalEntry,
    ) -> Result<(IncidentRecord, JournalEntryRecord), Error> {
        let mut tx = self.begin_write().await?;
        // Serializes reference allocation per organisation (SQLite: already serialized by
        // BEGIN IMMEDIATE) and checks the organisation exists.
        let lock_org = match self.backend {
            Backend::Sqlite => "SELECT id FROM organisations WHERE id = $1",
            Backend::Postgres => "SELECT id FROM organisations WHERE id = $1 FOR UPDATE",
        };
        sqlx::query(lock_org)
            .bind(org.as_str())
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?
            .ok_or_else(|| Error::not_found("organisation", org.as_str()))?;

        let year = new
            .declared_at
            .with_timezone(&chrono_tz::Europe::Paris)
            .year();
        let prefix = format!("INC-{year}-");
        let references: Vec<String> = sqlx::query_scalar(
            "SELECT reference FROM incidents WHERE org_id = $1 AND reference LIKE $2",
        )
        .bind(org.as_str())
        .bind(format!("{prefix}%"))
        .fetch_all(&mut *tx)
        .await
        .map_err(db)?;
        // Parsed in Rust rather than MAX() in SQL: text order breaks past 9999 (INC-2026-10000).
        let last = references
            .iter()
            .filter_map(|r| r.strip_prefix(&prefix)?.parse::<u64>().ok())
            .max()
            .unwrap_or(0);
        let record = IncidentRecord {
            id: new_id(),
            org_id: org.clone(),
            reference: format!("{prefix}{:04}", last + 1),
            playbook_id: new.playbook_id.clone(),
            title: new.title.clone(),
            description: new.description.clone(),
            declared_by: new.declared_by.clone(),
            declared_at: new.declared_at,
            discovered_at: new.discovered_at,
            personal_data: new.personal_data,
            details: new.details.clone(),
            status: new.status.clone(),
            closed_at: None,
        };
        sqlx::query(concat!(
            "INSERT INTO incidents (",
            incident_cols!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
        ))
        .bind(&record.id)
        .bind(org.as_str())
        .bind(&record.reference)
        .bind(&record.playbook_id)
        .bind(&record.title)
        .bind(&record.description)
        .bind(&record.declared_by)
        .bind(ts(&record.declared_at))
        .bind(ts(&record.discovered_at))
        .bind(i64::from(record.personal_data))
        .bind(json_text(&record.details))
        .bind(&record.status)
        .bind(opt_ts(record.closed_at.as_ref()))
        .execute(&mut *tx)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                Error::AlreadyExists {
                    what: "incident",
                    key: record.reference.clone(),
                }
            } else {
                db(e)
            }
        })?;
        let head = ChainHead::empty();
        sqlx::query(
            "INSERT INTO journal_heads (org_id, incident_id, length, hash) VALUES ($1, $2, $3, $4)",
        )
        .bind(org.as_str())
        .bind(&record.id)
        .bind(0_i64)
        .bind(&head.hash)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        let new_entry = entry(&record, &head);
        let appended = append_locked(&mut tx, org, &record.id, &head, new_entry).await?;
        tx.commit().await.map_err(db)?;
        Ok((record, appended))
    }

    /// One incident of `org`, by id or by reference. Another organisation's incident is
    /// [`Error::NotFound`], exactly like a missing one.
    pub async fn incident(
        &self,
        org: &OrgId,
        id_or_reference: &str,
    ) -> Result<IncidentRecord, Error> {
        let row = sqlx::query(concat!(
            "SELECT ",
            incident_cols!(),
            " FROM incidents WHERE org_id = $1 AND (id = $2 OR reference = $3)"
        ))
        .bind(org.as_str())
        .bind(id_or_reference)
        .bind(id_or_reference)
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?
        .ok_or_else(|| Error::not_found("incident", id_or_reference))?;
        incident_from(&row)
    }

    /// Every incident of `org`, oldest declaration first.
    pub async fn list_incidents(&self, org: &OrgId) -> Result<Vec<IncidentRecord>, Error> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            incident_cols!(),
            " FROM incidents WHERE org_id = $1 ORDER BY declared_at, reference"
        ))
        .bind(org.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(incident_from).collect()
    }

    /// Saves the changeable fields of `incident` (title, description, discovered_at,
    /// personal_data, details, status, closed_at) together with the journal entry that records
    /// the change, in one transaction. The incident is found by `incident.id` within `org`
    /// (`incident.org_id` and `incident.reference` are ignored).
    pub async fn update_incident(
        &self,
        org: &OrgId,
        incident: &IncidentRecord,
        entry: impl FnOnce(&ChainHead) -> NewJournalEntry,
    ) -> Result<JournalEntryRecord, Error> {
        let mut tx = self.begin_write().await?;
        let head = self.lock_head(&mut tx, org, &incident.id).await?;
        let new_entry = entry(&head);
        check_links(&incident.id, &head, &new_entry)?;
        let done = sqlx::query(
            "UPDATE incidents SET title = $1, description = $2, discovered_at = $3, \
             personal_data = $4, details = $5, status = $6, closed_at = $7 \
             WHERE org_id = $8 AND id = $9",
        )
        .bind(&incident.title)
        .bind(&incident.description)
        .bind(ts(&incident.discovered_at))
        .bind(i64::from(incident.personal_data))
        .bind(json_text(&incident.details))
        .bind(&incident.status)
        .bind(opt_ts(incident.closed_at.as_ref()))
        .bind(org.as_str())
        .bind(&incident.id)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        if done.rows_affected() != 1 {
            return Err(Error::not_found("incident", incident.id.as_str()));
        }
        let appended = append_locked(&mut tx, org, &incident.id, &head, new_entry).await?;
        tx.commit().await.map_err(db)?;
        Ok(appended)
    }

    // -----------------------------------------------------------------------------------------
    // Journal.

    /// Appends one entry to an incident's journal. `entry` receives the current head (read
    /// under the write lock, so it cannot change before the commit) and returns the entry; it is
    /// refused with [`Error::ChainMismatch`] when its `prev_hash` is not the head's hash.
    pub async fn append_journal(
        &self,
        org: &OrgId,
        incident_id: &str,
        entry: impl FnOnce(&ChainHead) -> NewJournalEntry,
    ) -> Result<JournalEntryRecord, Error> {
        let mut tx = self.begin_write().await?;
        let head = self.lock_head(&mut tx, org, incident_id).await?;
        let new_entry = entry(&head);
        let appended = append_locked(&mut tx, org, incident_id, &head, new_entry).await?;
        tx.commit().await.map_err(db)?;
        Ok(appended)
    }

    /// Every journal entry of an incident, by `seq`.
    pub async fn journal(
        &self,
        org: &OrgId,
        incident_id: &str,
    ) -> Result<Vec<JournalEntryRecord>, Error> {
        self.require_incident(org, incident_id).await?;
        let rows = sqlx::query(concat!(
            "SELECT ",
            journal_cols!(),
            " FROM journal_entries WHERE org_id = $1 AND incident_id = $2 ORDER BY seq"
        ))
        .bind(org.as_str())
        .bind(incident_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(journal_from).collect()
    }

    /// The recorded end of an incident's chain (kept apart from the entries: compare it with
    /// [`Store::journal`] to detect a deleted tail).
    pub async fn journal_head(&self, org: &OrgId, incident_id: &str) -> Result<ChainHead, Error> {
        let row = sqlx::query(
            "SELECT length, hash FROM journal_heads WHERE org_id = $1 AND incident_id = $2",
        )
        .bind(org.as_str())
        .bind(incident_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?
        .ok_or_else(|| Error::not_found("incident", incident_id))?;
        head_from(&row)
    }

    /// Reads the head and, on PostgreSQL, locks its row until the transaction ends.
    async fn lock_head(
        &self,
        tx: &mut AnyConnection,
        org: &OrgId,
        incident_id: &str,
    ) -> Result<ChainHead, Error> {
        let sql = match self.backend {
            Backend::Sqlite => {
                "SELECT length, hash FROM journal_heads WHERE org_id = $1 AND incident_id = $2"
            }
            Backend::Postgres => {
                "SELECT length, hash FROM journal_heads WHERE org_id = $1 AND incident_id = $2 \
                 FOR UPDATE"
            }
        };
        let row = sqlx::query(sql)
            .bind(org.as_str())
            .bind(incident_id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?
            .ok_or_else(|| Error::not_found("incident", incident_id))?;
        head_from(&row)
    }

    async fn require_incident(&self, org: &OrgId, incident_id: &str) -> Result<(), Error> {
        self.journal_head(org, incident_id).await.map(|_| ())
    }

    // -----------------------------------------------------------------------------------------
    // Steps, evidence, documents.

    /// Marks a playbook step done, with its journal entry. A step is done once per incident:
    /// a second time is [`Error::AlreadyExists`].
    pub async fn record_step(
        &self,
        org: &OrgId,
        incident_id: &str,
        step: &StepDone,
        entry: impl FnOnce(&ChainHead) -> NewJournalEntry,
    ) -> Result<JournalEntryRecord, Error> {
        let mut tx = self.begin_write().await?;
        let head = self.lock_head(&mut tx, org, incident_id).await?;
        let new_entry = entry(&head);
        check_links(incident_id, &head, &new_entry)?;
        sqlx::query(
            "INSERT INTO steps_done (org_id, incident_id, step_id, done_by, done_at, note) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(org.as_str())
        .bind(incident_id)
        .bind(&step.step_id)
        .bind(&step.done_by)
        .bind(ts(&step.done_at))
        .bind(&step.note)
        .execute(&mut *tx)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                Error::AlreadyExists {
                    what: "étape",
                    key: step.step_id.clone(),
                }
            } else {
                db(e)
            }
        })?;
        let appended = append_locked(&mut tx, org, incident_id, &head, new_entry).await?;
        tx.commit().await.map_err(db)?;
        Ok(appended)
    }

    /// The steps done for an incident, in the order they were done.
    pub async fn steps_done(
        &self,
        org: &OrgId,
        incident_id: &str,
    ) -> Result<Vec<StepDoneRecord>, Error> {
        self.require_incident(org, incident_id).await?;
        let rows = sqlx::query(
            "SELECT org_id, incident_id, step_id, done_by, done_at, note FROM steps_done \
             WHERE org_id = $1 AND incident_id = $2 ORDER BY done_at, step_id",
        )
        .bind(org.as_str())
        .bind(incident_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(step_from).collect()
    }

    /// Every step done in every incident of `org`: the incident list is built in a fixed number
    /// of queries instead of a few per incident.
    pub async fn all_steps_done(&self, org: &OrgId) -> Result<Vec<StepDoneRecord>, Error> {
        let rows = sqlx::query(
            "SELECT org_id, incident_id, step_id, done_by, done_at, note FROM steps_done \
             WHERE org_id = $1 ORDER BY done_at, step_id",
        )
        .bind(org.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(step_from).collect()
    }

    /// The evidence of every incident of `org` (see [`Store::all_steps_done`]).
    pub async fn all_evidence(&self, org: &OrgId) -> Result<Vec<EvidenceRecord>, Error> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            evidence_cols!(),
            " FROM evidence WHERE org_id = $1 ORDER BY added_at, id"
        ))
        .bind(org.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(evidence_from).collect()
    }

    /// The journal head of every incident of `org`, by incident id.
    pub async fn journal_heads(&self, org: &OrgId) -> Result<Vec<(String, ChainHead)>, Error> {
        let rows =
            sqlx::query("SELECT incident_id, length, hash FROM journal_heads WHERE org_id = $1")
                .bind(org.as_str())
                .fetch_all(&self.pool)
                .await
                .map_err(db)?;
        rows.iter()
            .map(|row| Ok((Cols(row).text("incident_id")?, head_from(row)?)))
            .collect()
    }

    /// Records a piece of evidence (already written to the blob store) with its journal entry.
    /// The record's `added_at` is the entry's `at`; its id is a new UUID.
    pub async fn add_evidence(
        &self,
        org: &OrgId,
        incident_id: &str,
        ev: &NewEvidence,
        entry: impl FnOnce(&ChainHead) -> NewJournalEntry,
    ) -> Result<(EvidenceRecord, JournalEntryRecord), Error> {
        crate::blob::validate_sha256(&ev.sha256)?;
        let size = to_i64("taille", ev.size)?;
        let mut tx = self.begin_write().await?;
        let head = self.lock_head(&mut tx, org, incident_id).await?;
        let new_entry = entry(&head);
        check_links(incident_id, &head, &new_entry)?;
        let record = EvidenceRecord {
            org_id: org.clone(),
            incident_id: incident_id.to_string(),
            id: new_id(),
            sha256: ev.sha256.clone(),
            size: ev.size,
            media_type: ev.media_type.clone(),
            original_name: ev.original_name.clone(),
            description: ev.description.clone(),
            collected_by: ev.collected_by.clone(),
            collected_at: ev.collected_at,
            added_at: new_entry.at,
        };
        sqlx::query(concat!(
            "INSERT INTO evidence (",
            evidence_cols!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        ))
        .bind(org.as_str())
        .bind(incident_id)
        .bind(&record.id)
        .bind(&record.sha256)
        .bind(size)
        .bind(&record.media_type)
        .bind(&record.original_name)
        .bind(&record.description)
        .bind(&record.collected_by)
        .bind(ts(&record.collected_at))
        .bind(ts(&record.added_at))
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        let appended = append_locked(&mut tx, org, incident_id, &head, new_entry).await?;
        tx.commit().await.map_err(db)?;
        Ok((record, appended))
    }

    /// The evidence of an incident, in the order it was added.
    pub async fn evidence(
        &self,
        org: &OrgId,
        incident_id: &str,
    ) -> Result<Vec<EvidenceRecord>, Error> {
        self.require_incident(org, incident_id).await?;
        let rows = sqlx::query(concat!(
            "SELECT ",
            evidence_cols!(),
            " FROM evidence WHERE org_id = $1 AND incident_id = $2 ORDER BY added_at, id"
        ))
        .bind(org.as_str())
        .bind(incident_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(evidence_from).collect()
    }

    /// Records a produced document. With an incident, it goes with a journal entry (one
    /// transaction) and the entry is returned; an organisation-level document (`None`: the
    /// processing register, the fiche) has no journal, `entry` is not called.
    pub async fn record_document(
        &self,
        org: &OrgId,
        incident_id: Option<&str>,
        doc: &NewDocument,
        entry: impl FnOnce(&ChainHead) -> NewJournalEntry,
    ) -> Result<(DocumentRecord, Option<JournalEntryRecord>), Error> {
        crate::blob::validate_sha256(&doc.sha256)?;
        let mut tx = self.begin_write().await?;
        let mut journal_step = None;
        if let Some(incident_id) = incident_id {
            let head = self.lock_head(&mut tx, org, incident_id).await?;
            let new_entry = entry(&head);
            check_links(incident_id, &head, &new_entry)?;
            journal_step = Some((incident_id, head, new_entry));
        }
        let record = DocumentRecord {
            org_id: org.clone(),
            incident_id: incident_id.map(str::to_string),
            id: new_id(),
            kind: doc.kind.clone(),
            sha256: doc.sha256.clone(),
            produced_at: doc.produced_at,
            produced_by: doc.produced_by.clone(),
        };
        sqlx::query(concat!(
            "INSERT INTO documents (",
            document_cols!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7)"
        ))
        .bind(org.as_str())
        .bind(record.incident_id.as_deref())
        .bind(&record.id)
        .bind(&record.kind)
        .bind(&record.sha256)
        .bind(ts(&record.produced_at))
        .bind(&record.produced_by)
        .execute(&mut *tx)
        .await
        .map_err(|e| {
            if is_foreign_key_violation(&e) {
                Error::not_found("organisation", org.as_str())
            } else {
                db(e)
            }
        })?;
        let appended = match journal_step {
            Some((incident_id, head, new_entry)) => {
                Some(append_locked(&mut tx, org, incident_id, &head, new_entry).await?)
            }
            None => None,
        };
        tx.commit().await.map_err(db)?;
        Ok((record, appended))
    }

    /// Documents of one incident (`Some`), or every document of the organisation, incident or
    /// not (`None`); oldest first.
    pub async fn documents(
        &self,
        org: &OrgId,
        incident_id: Option<&str>,
    ) -> Result<Vec<DocumentRecord>, Error> {
        let rows = match incident_id {
            Some(incident_id) => {
                self.require_incident(org, incident_id).await?;
                sqlx::query(concat!(
                    "SELECT ",
                    document_cols!(),
                    " FROM documents WHERE org_id = $1 AND incident_id = $2 \
                     ORDER BY produced_at, id"
                ))
                .bind(org.as_str())
                .bind(incident_id)
                .fetch_all(&self.pool)
                .await
            }
            None => {
                sqlx::query(concat!(
                    "SELECT ",
                    document_cols!(),
                    " FROM documents WHERE org_id = $1 ORDER BY produced_at, id"
                ))
                .bind(org.as_str())
                .fetch_all(&self.pool)
                .await
            }
        }
        .map_err(db)?;
        rows.iter().map(document_from).collect()
    }

    // -----------------------------------------------------------------------------------------
    // Contacts.

    /// Inserts or replaces (same `id` within `org`) a contact of the organisation's directory.
    pub async fn upsert_contact(&self, org: &OrgId, c: &ContactRecord) -> Result<(), Error> {
        if c.id.trim().is_empty() {
            return Err(Error::invalid("identifiant de contact", "il est vide"));
        }
        sqlx::query(concat!(
            "INSERT INTO contacts (org_id, ",
            contact_cols!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
             ON CONFLICT (org_id, id) DO UPDATE SET role = excluded.role, \
             name = excluded.name, phone = excluded.phone, email = excluded.email, \
             website = excluded.website, notes = excluded.notes, \
             policy_number = excluded.policy_number, verified_at = excluded.verified_at"
        ))
        .bind(org.as_str())
        .bind(&c.id)
        .bind(&c.role)
        .bind(&c.name)
        .bind(c.phone.as_deref())
        .bind(c.email.as_deref())
        .bind(c.website.as_deref())
        .bind(c.notes.as_deref())
        .bind(c.policy_number.as_deref())
        .bind(opt_ts(c.verified_at.as_ref()))
        .execute(&self.pool)
        .await
        .map_err(|e| {
            if is_foreign_key_violation(&e) {
                Error::not_found("organisation", org.as_str())
            } else {
                db(e)
            }
        })?;
        Ok(())
    }

    /// The organisation's contacts, by role then name.
    pub async fn list_contacts(&self, org: &OrgId) -> Result<Vec<ContactRecord>, Error> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            contact_cols!(),
            " FROM contacts WHERE org_id = $1 ORDER BY role, name, id"
        ))
        .bind(org.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(contact_from).collect()
    }

    /// Deletes a contact.
    pub async fn delete_contact(&self, org: &OrgId, id: &str) -> Result<(), Error> {
        let done = sqlx::query("DELETE FROM contacts WHERE org_id = $1 AND id = $2")
            .bind(org.as_str())
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(db)?;
        if done.rows_affected() == 0 {
            return Err(Error::not_found("contact", id));
        }
        Ok(())
    }

    /// Records that someone checked a contact's details at `at`.
    pub async fn mark_contact_verified(
        &self,
        org: &OrgId,
        id: &str,
        at: DateTime<Utc>,
    ) -> Result<(), Error> {
        let done =
            sqlx::query("UPDATE contacts SET verified_at = $1 WHERE org_id = $2 AND id = $3")
                .bind(ts(&at))
                .bind(org.as_str())
                .bind(id)
                .execute(&self.pool)
                .await
                .map_err(db)?;
        if done.rows_affected() == 0 {
            return Err(Error::not_found("contact", id));
        }
        Ok(())
    }
}

fn head_from(row: &AnyRow) -> Result<ChainHead, Error> {
    let c = Cols(row);
    Ok(ChainHead {
        length: c.count("length")?,
        hash: c.text("hash")?,
    })
}

async fn insert_organisation(
    conn: &mut AnyConnection,
    name: &str,
    kind: OrgKind,
) -> Result<OrganisationRecord, Error> {
    let record = OrganisationRecord {
        id: OrgId::parse(&new_id())?,
        name: name.to_string(),
        profile: serde_json::json!({}),
        created_at: Utc::now(),
        kind,
    };
    sqlx::query(
        "INSERT INTO organisations (id, name, profile, created_at, kind) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(record.id.as_str())
    .bind(&record.name)
    .bind(json_text(&record.profile))
    .bind(ts(&record.created_at))
    .bind(kind.as_str())
    .execute(&mut *conn)
    .await
    .map_err(db)?;
    Ok(record)
}

/// The entry must continue the chain the caller was shown.
fn check_links(incident_id: &str, head: &ChainHead, entry: &NewJournalEntry) -> Result<(), Error> {
    if entry.prev_hash != head.hash {
        return Err(Error::ChainMismatch {
            incident_id: incident_id.to_string(),
            expected: head.hash.clone(),
            given: entry.prev_hash.clone(),
        });
    }
    if entry.hash.is_empty() {
        return Err(Error::invalid(
            "entrée de journal",
            "son empreinte est vide",
        ));
    }
    Ok(())
}

/// Writes `entry` as number `head.length + 1` and moves the head, inside the caller's write
/// transaction (which read `head` under its lock).
async fn append_locked(
    tx: &mut AnyConnection,
    org: &OrgId,
    incident_id: &str,
    head: &ChainHead,
    entry: NewJournalEntry,
) -> Result<JournalEntryRecord, Error> {
    check_links(incident_id, head, &entry)?;
    let seq = head.next_seq();
    let seq_i64 = to_i64("numéro d'entrée", seq)?;
    let record = JournalEntryRecord {
        org_id: org.clone(),
        incident_id: incident_id.to_string(),
        seq,
        at: entry.at,
        actor: entry.actor,
        kind: entry.kind,
        text: entry.text,
        data: entry.data,
        prev_hash: entry.prev_hash,
        hash: entry.hash,
    };
    sqlx::query(concat!(
        "INSERT INTO journal_entries (",
        journal_cols!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    ))
    .bind(org.as_str())
    .bind(incident_id)
    .bind(seq_i64)
    .bind(ts(&record.at))
    .bind(&record.actor)
    .bind(&record.kind)
    .bind(&record.text)
    .bind(json_text(&record.data))
    .bind(&record.prev_hash)
    .bind(&record.hash)
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    // Compare-and-set on the head: with the lock held this always matches; it is the last line
    // of defence should a future caller forget the lock.
    let moved = sqlx::query(
        "UPDATE journal_heads SET length = $1, hash = $2 \
         WHERE org_id = $3 AND incident_id = $4 AND length = $5 AND hash = $6",
    )
    .bind(seq_i64)
    .bind(&record.hash)
    .bind(org.as_str())
    .bind(incident_id)
    .bind(to_i64("longueur du journal", head.length)?)
    .bind(&head.hash)
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    if moved.rows_affected() != 1 {
        return Err(Error::ChainMismatch {
            incident_id: incident_id.to_string(),
            expected: "(modifiée pendant l'écriture)".to_string(),
            given: record.prev_hash,
        });
    }
    Ok(record)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_lossless_and_fixed_width() {
        let t = DateTime::parse_from_rfc3339("2026-03-04T09:15:00.123456789+01:00")
            .map(|t| t.with_timezone(&Utc))
            .unwrap();
        assert_eq!(ts(&t), "2026-03-04T08:15:00.123456789Z");
        assert_eq!(parse_ts("at", &ts(&t)).unwrap(), t);
        let whole = DateTime::parse_from_rfc3339("2026-03-04T08:15:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(ts(&whole), "2026-03-04T08:15:00.000000000Z");
    }

    #[test]
    fn sqlite_urls_encode_odd_paths() {
        assert_eq!(
            sqlite_url(Path::new("/data/a?b#c%d/vigie.db")).unwrap(),
            "sqlite:///data/a%3Fb%23c%25d/vigie.db?mode=rwc"
        );
    }
}
