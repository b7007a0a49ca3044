//! Accounts of the web application: setup, users, memberships, TOTP state, recovery codes,
//! sessions, sign-in throttling, the security journal. Records in [`crate::accounts`].

use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;

use super::{Cols, db, is_unique_violation, new_id, opt_ts, ts};
use crate::accounts::{
    MembershipRecord, NewSecurityEvent, NewUser, Role, SecurityEventRecord, SessionRecord,
    SessionStage, ThrottleRecord, UserRecord,
};
use crate::error::Error;
use crate::records::{OrgId, OrgKind, OrganisationRecord};
use crate::store::{Backend, Store, insert_organisation};

macro_rules! user_cols {
    () => {
        "id, email, display_name, password_hash, totp_secret, totp_last_step, created_at, \
         disabled_at"
    };
}
macro_rules! session_cols {
    () => {
        "id_hash, user_id, org_id, stage, csrf_token, created_at, last_seen_at, expires_at, ip, \
         user_agent"
    };
}

fn user_from(row: &AnyRow) -> Result<UserRecord, Error> {
    let c = Cols(row);
    Ok(UserRecord {
        id: c.text("id")?,
        email: c.text("email")?,
        display_name: c.text("display_name")?,
        password_hash: c.text("password_hash")?,
        totp_secret_sealed: c.opt_text("totp_secret")?,
        totp_last_step: c.int("totp_last_step")?,
        created_at: c.time("created_at")?,
        disabled_at: c.opt_time("disabled_at")?,
    })
}

fn session_from(row: &AnyRow) -> Result<SessionRecord, Error> {
    let c = Cols(row);
    Ok(SessionRecord {
        id_hash: c.text("id_hash")?,
        user_id: c.text("user_id")?,
        org_id: c
            .opt_text("org_id")?
            .map(|id| OrgId::parse(&id).map_err(|e| Error::corrupt("sessions.org_id", e)))
            .transpose()?,
        stage: SessionStage::parse(&c.text("stage")?)?,
        csrf_token: c.text("csrf_token")?,
        created_at: c.time("created_at")?,
        last_seen_at: c.time("last_seen_at")?,
        expires_at: c.time("expires_at")?,
        ip: c.text("ip")?,
        user_agent: c.text("user_agent")?,
    })
}

fn event_from(row: &AnyRow) -> Result<SecurityEventRecord, Error> {
    let c = Cols(row);
    Ok(SecurityEventRecord {
        id: c.text("id")?,
        org_id: c.org("org_id")?,
        at: c.time("at")?,
        user_id: c.opt_text("user_id")?,
        actor: c.text("actor")?,
        kind: c.text("kind")?,
        detail: c.text("detail")?,
        ip: c.text("ip")?,
    })
}

/// Lower-cases and trims a login; refuses what cannot be an address.
pub(super) fn normalise_email(email: &str) -> Result<String, Error> {
    let email = email.trim().to_lowercase();
    let valid = email.len() <= 254
        && email
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    if valid {
        Ok(email)
    } else {
        Err(Error::invalid(
            "adresse électronique",
            format!("{email:?} (attendu : nom@domaine.fr)"),
        ))
    }
}

/// What a new session needs.
#[derive(Debug, Clone)]
pub struct NewSession<'a> {
    /// SHA-256 (hex) of the token given to the browser.
    pub id_hash: &'a str,
    /// Whose.
    pub user_id: &'a str,
    /// The organisation worked on.
    pub org_id: Option<&'a OrgId>,
    /// How far sign-in has come.
    pub stage: SessionStage,
    /// Synchronizer token for the session's forms.
    pub csrf_token: &'a str,
    /// Now.
    pub now: DateTime<Utc>,
    /// End of validity.
    pub expires_at: DateTime<Utc>,
    /// Client address.
    pub ip: &'a str,
    /// Client's User-Agent (cut to 300 characters by the store).
    pub user_agent: &'a str,
}

impl Store {
    // -----------------------------------------------------------------------------------------
    // Known devices.

    /// Records that `user_id` signed in from the browser whose device cookie hashes to
    /// `device_hash`. Returns whether the device was new, and how many devices the user had
    /// before (0 at the very first sign-in: nothing to warn about then).
    pub async fn see_device(
        &self,
        user_id: &str,
        device_hash: &str,
        user_agent: &str,
        ip: &str,
        now: DateTime<Utc>,
    ) -> Result<(bool, u64), Error> {
        let mut tx = self.begin_write().await?;
        let user_agent: String = user_agent.chars().take(300).collect();
        let seen = sqlx::query(
            "UPDATE known_devices SET last_seen_at = $1, ip = $2 \
             WHERE user_id = $3 AND device_hash = $4",
        )
        .bind(ts(&now))
        .bind(ip)
        .bind(user_id)
        .bind(device_hash)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        if seen.rows_affected() == 1 {
            tx.commit().await.map_err(db)?;
            return Ok((false, 0));
        }
        let row = sqlx::query("SELECT COUNT(*) AS n FROM known_devices WHERE user_id = $1")
            .bind(user_id)
            .fetch_one(&mut *tx)
            .await
            .map_err(db)?;
        let before = Cols(&row).count("n")?;
        sqlx::query(
            "INSERT INTO known_devices (user_id, device_hash, first_seen_at, last_seen_at, \
             user_agent, ip) VALUES ($1, $2, $3, $3, $4, $5)",
        )
        .bind(user_id)
        .bind(device_hash)
        .bind(ts(&now))
        .bind(&user_agent)
        .bind(ip)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok((true, before))
    }

    // -----------------------------------------------------------------------------------------
    // Setup.

    /// True once the setup wizard has run.
    pub async fn is_set_up(&self) -> Result<bool, Error> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM instance_setup")
            .fetch_one(&self.pool)
            .await
            .map_err(db)?;
        Ok(Cols(&row).count("n")? > 0)
    }

    /// The setup wizard's one write: the first organisation (a commune, or the IT provider
    /// that runs the server for its communes), its first administrator and the "done" mark,
    /// all or nothing. A second call fails with [`Error::AlreadyExists`].
    pub async fn complete_setup(
        &self,
        org_name: &str,
        kind: OrgKind,
        admin: &NewUser,
    ) -> Result<(OrganisationRecord, UserRecord), Error> {
        let mut tx = self.begin_write().await?;
        let now = Utc::now();
        sqlx::query("INSERT INTO instance_setup (id, done_at) VALUES (1, $1)")
            .bind(ts(&now))
            .execute(&mut *tx)
            .await
            .map_err(|e| {
                if is_unique_violation(&e) {
                    Error::AlreadyExists {
                        what: "installation",
                        key: "la première organisation".into(),
                    }
                } else {
                    db(e)
                }
            })?;
        let org = insert_organisation(&mut tx, org_name, kind).await?;
        let user = insert_user(&mut tx, admin, now).await?;
        insert_membership(&mut tx, &org.id, &user.id, Role::Administrateur, now).await?;
        tx.commit().await.map_err(db)?;
        Ok((org, user))
    }

    // -----------------------------------------------------------------------------------------
    // Users and memberships.

    /// Creates a user.
    pub async fn create_user(&self, user: &NewUser) -> Result<UserRecord, Error> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        insert_user(&mut conn, user, Utc::now()).await
    }

    /// Adds (or changes) a user's role in an organisation.
    pub async fn set_membership(
        &self,
        org: &OrgId,
        user_id: &str,
        role: Role,
    ) -> Result<(), Error> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM memberships WHERE org_id = $1 AND user_id = $2")
            .bind(org.as_str())
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        insert_membership(&mut tx, org, user_id, role, Utc::now()).await?;
        tx.commit().await.map_err(db)
    }

    /// The user with this login, if any.
    pub async fn user_by_email(&self, email: &str) -> Result<Option<UserRecord>, Error> {
        let Ok(email) = normalise_email(email) else {
            return Ok(None);
        };
        let row = sqlx::query(concat!(
            "SELECT ",
            user_cols!(),
            " FROM users WHERE email = $1"
        ))
        .bind(email)
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?;
        row.as_ref().map(user_from).transpose()
    }

    /// One user.
    pub async fn user(&self, user_id: &str) -> Result<UserRecord, Error> {
        let row = sqlx::query(concat!(
            "SELECT ",
            user_cols!(),
            " FROM users WHERE id = $1"
        ))
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?
        .ok_or_else(|| Error::not_found("utilisateur", user_id))?;
        user_from(&row)
    }

    /// Where a user works, organisation names included, oldest first: their own memberships,
    /// then the organisations their IT provider currently supports (role prestataire,
    /// `via_provider` set), read from the `effective_memberships` view.
    pub async fn memberships(&self, user_id: &str) -> Result<Vec<MembershipRecord>, Error> {
        let rows = sqlx::query(
            "SELECT m.org_id, o.name AS org_name, o.kind AS org_kind, m.user_id, m.role, \
             m.via_provider \
             FROM effective_memberships m \
             JOIN organisations o ON o.id = m.org_id WHERE m.user_id = $1 \
             ORDER BY m.created_at, m.org_id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(membership_from).collect()
    }

    /// The members of an organisation.
    pub async fn members(&self, org: &OrgId) -> Result<Vec<(MembershipRecord, UserRecord)>, Error> {
        let rows = sqlx::query(concat!(
            "SELECT m.org_id, o.name AS org_name, o.kind AS org_kind, m.user_id, m.role, \
             CAST(NULL AS TEXT) AS via_provider, ",
            "u.id, u.email, u.display_name, u.password_hash, u.totp_secret, u.totp_last_step, ",
            "u.created_at, u.disabled_at FROM memberships m ",
            "JOIN organisations o ON o.id = m.org_id JOIN users u ON u.id = m.user_id ",
            "WHERE m.org_id = $1 ORDER BY u.display_name, u.email"
        ))
        .bind(org.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter()
            .map(|row| Ok((membership_from(row)?, user_from(row)?)))
            .collect()
    }

    /// Replaces a user's password hash.
    pub async fn set_password_hash(&self, user_id: &str, hash: &str) -> Result<(), Error> {
        let done = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(user_id)
            .execute(&self.pool)
            .await
            .map_err(db)?;
        found(done.rows_affected(), "utilisateur", user_id)
    }

    // -----------------------------------------------------------------------------------------
    // Second factor.

    /// Stores a user's (sealed) TOTP secret and the step of the code that confirmed it, so that
    /// this code cannot be used again to sign in.
    pub async fn set_totp(
        &self,
        user_id: &str,
        sealed_secret: &str,
        confirmed_step: i64,
    ) -> Result<(), Error> {
        let done =
            sqlx::query("UPDATE users SET totp_secret = $1, totp_last_step = $2 WHERE id = $3")
                .bind(sealed_secret)
                .bind(confirmed_step)
                .bind(user_id)
                .execute(&self.pool)
                .await
                .map_err(db)?;
        found(done.rows_affected(), "utilisateur", user_id)
    }

    /// Accepts a TOTP step for a user only if it is later than the last accepted one (compare
    /// and set in one statement: two requests with the same code cannot both win).
    pub async fn consume_totp_step(&self, user_id: &str, step: i64) -> Result<bool, Error> {
        let done = sqlx::query(
            "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1",
        )
        .bind(step)
        .bind(user_id)
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(done.rows_affected() == 1)
    }

    /// Replaces a user's recovery codes (their SHA-256 digests).
    pub async fn replace_recovery_codes(
        &self,
        user_id: &str,
        code_hashes: &[String],
    ) -> Result<(), Error> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        for hash in code_hashes {
            sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
                .bind(user_id)
                .bind(hash)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
        }
        tx.commit().await.map_err(db)
    }

    /// Spends a recovery code: true if it existed and was unused (compare and set).
    pub async fn consume_recovery_code(
        &self,
        user_id: &str,
        code_hash: &str,
    ) -> Result<bool, Error> {
        let done = sqlx::query(
            "UPDATE recovery_codes SET used_at = $1 \
             WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
        )
        .bind(ts(&Utc::now()))
        .bind(user_id)
        .bind(code_hash)
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(done.rows_affected() == 1)
    }

    /// How many unused recovery codes a user has left.
    pub async fn recovery_codes_left(&self, user_id: &str) -> Result<u64, Error> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
        )
        .bind(user_id)
        .fetch_one(&self.pool)
        .await
        .map_err(db)?;
        Cols(&row).count("n")
    }

    // -----------------------------------------------------------------------------------------
    // Sessions.

    /// Creates a session.
    pub async fn create_session(&self, s: &NewSession<'_>) -> Result<SessionRecord, Error> {
        let user_agent: String = s.user_agent.chars().take(300).collect();
        sqlx::query(concat!(
            "INSERT INTO sessions (",
            session_cols!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        ))
        .bind(s.id_hash)
        .bind(s.user_id)
        .bind(s.org_id.map(OrgId::as_str))
        .bind(s.stage.as_str())
        .bind(s.csrf_token)
        .bind(ts(&s.now))
        .bind(ts(&s.now))
        .bind(ts(&s.expires_at))
        .bind(s.ip)
        .bind(&user_agent)
        .execute(&self.pool)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                Error::AlreadyExists {
                    what: "session",
                    key: "(jeton)".into(),
                }
            } else {
                db(e)
            }
        })?;
        self.session(s.id_hash)
            .await?
            .ok_or_else(|| Error::not_found("session", "(jeton)"))
    }

    /// The session with this token digest, if it exists (expired ones included: the caller
    /// decides).
    pub async fn session(&self, id_hash: &str) -> Result<Option<SessionRecord>, Error> {
        let row = sqlx::query(concat!(
            "SELECT ",
            session_cols!(),
            " FROM sessions WHERE id_hash = $1"
        ))
        .bind(id_hash)
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?;
        row.as_ref().map(session_from).transpose()
    }

    /// Records a request on a session and pushes its expiry (sliding expiry).
    pub async fn touch_session(
        &self,
        id_hash: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<(), Error> {
        sqlx::query("UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE id_hash = $3")
            .bind(ts(&now))
            .bind(ts(&expires_at))
            .bind(id_hash)
            .execute(&self.pool)
            .await
            .map_err(db)?;
        Ok(())
    }

    /// Moves a full session to another organisation of its user (the organisation switcher).
    /// [`Error::NotFound`] unless the user is a member there.
    pub async fn switch_session_org(
        &self,
        id_hash: &str,
        user_id: &str,
        org: &OrgId,
    ) -> Result<(), Error> {
        let done = sqlx::query(
            "UPDATE sessions SET org_id = $1 WHERE id_hash = $2 AND user_id = $3 \
             AND stage = 'full' AND EXISTS (SELECT 1 FROM effective_memberships m \
             WHERE m.org_id = $1 AND m.user_id = $3)",
        )
        .bind(org.as_str())
        .bind(id_hash)
        .bind(user_id)
        .execute(&self.pool)
        .await
        .map_err(db)?;
        found(done.rows_affected(), "organisation", org.as_str())
    }

    /// Ends one session.
    pub async fn delete_session(&self, id_hash: &str) -> Result<(), Error> {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(id_hash)
            .execute(&self.pool)
            .await
            .map_err(db)?;
        Ok(())
    }

    /// Ends every session of a user ("se déconnecter partout"); returns how many.
    pub async fn delete_user_sessions(&self, user_id: &str) -> Result<u64, Error> {
        let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&self.pool)
            .await
            .map_err(db)?;
        Ok(done.rows_affected())
    }

    /// A user's sessions that have not expired, most recent first.
    pub async fn user_sessions(
        &self,
        user_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<SessionRecord>, Error> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            session_cols!(),
            " FROM sessions WHERE user_id = $1 AND expires_at > $2 ORDER BY last_seen_at DESC"
        ))
        .bind(user_id)
        .bind(ts(&now))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(session_from).collect()
    }

    /// Deletes expired sessions; returns how many.
    pub async fn purge_expired_sessions(&self, now: DateTime<Utc>) -> Result<u64, Error> {
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(ts(&now))
            .execute(&self.pool)
            .await
            .map_err(db)?;
        Ok(done.rows_affected())
    }

    // -----------------------------------------------------------------------------------------
    // Throttling.

    /// The failures recorded for `key`, if any.
    pub async fn throttle(&self, key: &str) -> Result<Option<ThrottleRecord>, Error> {
        let row = sqlx::query(
            "SELECT key, failures, last_failure_at, blocked_until FROM login_throttle \
             WHERE key = $1",
        )
        .bind(key)
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?;
        row.as_ref().map(throttle_from).transpose()
    }

    /// Counts a sign-in attempt *before* it is checked, unless `key` is blocked: `Ok(None)` when
    /// the attempt may go on (counted as a failure until the whole sign-in succeeds and clears
    /// it), `Ok(Some(until))` when it is refused. Read and write happen in one locked
    /// transaction, so attempts sent at the same moment are counted one after the other and
    /// cannot all pass the free allowance together (they could when the failure was counted
    /// after the check).
    pub async fn reserve_login_attempt(
        &self,
        key: &str,
        now: DateTime<Utc>,
        forget_after: chrono::Duration,
        delay: impl FnOnce(u64) -> chrono::Duration,
    ) -> Result<Option<DateTime<Utc>>, Error> {
        let mut tx = self.begin_write().await?;
        // The row must exist before it is locked: `FOR UPDATE` on a missing row locks nothing,
        // and the first attempts on a key would race. A concurrent insert waits on the unique
        // key, then finds the row and queues on its lock.
        let epoch = ts(&DateTime::<Utc>::UNIX_EPOCH);
        sqlx::query(
            "INSERT INTO login_throttle (key, failures, last_failure_at, blocked_until) \
             VALUES ($1, 0, $2, $2) ON CONFLICT (key) DO NOTHING",
        )
        .bind(key)
        .bind(&epoch)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        let select = match self.backend {
            Backend::Sqlite => {
                "SELECT key, failures, last_failure_at, blocked_until FROM login_throttle \
                 WHERE key = $1"
            }
            Backend::Postgres => {
                "SELECT key, failures, last_failure_at, blocked_until FROM login_throttle \
                 WHERE key = $1 FOR UPDATE"
            }
        };
        let previous = sqlx::query(select)
            .bind(key)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?
            .as_ref()
            .map(throttle_from)
            .transpose()?;
        if let Some(p) = &previous
            && p.blocked_until > now
        {
            tx.rollback().await.map_err(db)?;
            return Ok(Some(p.blocked_until));
        }
        let failures = match previous {
            Some(p) if now - p.last_failure_at < forget_after => p.failures.saturating_add(1),
            _ => 1,
        };
        sqlx::query(
            "INSERT INTO login_throttle (key, failures, last_failure_at, blocked_until) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO UPDATE SET failures = $2, \
             last_failure_at = $3, blocked_until = $4",
        )
        .bind(key)
        .bind(i64::try_from(failures).unwrap_or(i64::MAX))
        .bind(ts(&now))
        .bind(ts(&(now + delay(failures))))
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(None)
    }

    /// Forgets the failures of `key` (after a successful sign-in).
    pub async fn clear_throttle(&self, key: &str) -> Result<(), Error> {
        sqlx::query("DELETE FROM login_throttle WHERE key = $1")
            .bind(key)
            .execute(&self.pool)
            .await
            .map_err(db)?;
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // Security journal.

    /// Adds an event to an organisation's security journal.
    pub async fn record_security_event(
        &self,
        org: &OrgId,
        event: &NewSecurityEvent,
    ) -> Result<SecurityEventRecord, Error> {
        let record = SecurityEventRecord {
            id: new_id(),
            org_id: org.clone(),
            at: Utc::now(),
            user_id: event.user_id.clone(),
            actor: event.actor.clone(),
            kind: event.kind.clone(),
            detail: event.detail.clone(),
            ip: event.ip.clone(),
        };
        sqlx::query(
            "INSERT INTO security_events (id, org_id, at, user_id, actor, kind, detail, ip) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&record.id)
        .bind(record.org_id.as_str())
        .bind(ts(&record.at))
        .bind(record.user_id.as_deref())
        .bind(&record.actor)
        .bind(&record.kind)
        .bind(&record.detail)
        .bind(&record.ip)
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(record)
    }

    /// An organisation's security journal, newest first, at most `limit` events.
    pub async fn security_events(
        &self,
        org: &OrgId,
        limit: u32,
    ) -> Result<Vec<SecurityEventRecord>, Error> {
        let rows = sqlx::query(
            "SELECT id, org_id, at, user_id, actor, kind, detail, ip FROM security_events \
             WHERE org_id = $1 ORDER BY at DESC, id LIMIT $2",
        )
        .bind(org.as_str())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(event_from).collect()
    }
}

fn found(rows: u64, what: &'static str, key: &str) -> Result<(), Error> {
    if rows == 0 {
        Err(Error::not_found(what, key))
    } else {
        Ok(())
    }
}

fn membership_from(row: &AnyRow) -> Result<MembershipRecord, Error> {
    let c = Cols(row);
    Ok(MembershipRecord {
        org_id: c.org("org_id")?,
        org_name: c.text("org_name")?,
        org_kind: OrgKind::parse(&c.text("org_kind")?)
            .ok_or_else(|| Error::corrupt("organisations.kind", "genre inconnu"))?,
        user_id: c.text("user_id")?,
        role: Role::parse(&c.text("role")?).map_err(|e| Error::corrupt("memberships.role", e))?,
        via_provider: c
            .opt_text("via_provider")?
            .map(|id| OrgId::parse(&id))
            .transpose()?,
    })
}

fn throttle_from(row: &AnyRow) -> Result<ThrottleRecord, Error> {
    let c = Cols(row);
    Ok(ThrottleRecord {
        key: c.text("key")?,
        failures: c.count("failures")?,
        last_failure_at: c.time("last_failure_at")?,
        blocked_until: c.time("blocked_until")?,
    })
}

pub(super) async fn insert_user(
    conn: &mut sqlx::AnyConnection,
    user: &NewUser,
    now: DateTime<Utc>,
) -> Result<UserRecord, Error> {
    let email = normalise_email(&user.email)?;
    let display_name = user.display_name.trim();
    if display_name.is_empty() {
        return Err(Error::invalid("nom", "le nom ne peut pas être vide"));
    }
    let record = UserRecord {
        id: new_id(),
        email,
        display_name: display_name.to_string(),
        password_hash: user.password_hash.clone(),
        totp_secret_sealed: None,
        totp_last_step: 0,
        created_at: now,
        disabled_at: None,
    };
    sqlx::query(
        "INSERT INTO users (id, email, display_name, password_hash, totp_secret, totp_last_step, \
         created_at, disabled_at) VALUES ($1, $2, $3, $4, NULL, 0, $5, $6)",
    )
    .bind(&record.id)
    .bind(&record.email)
    .bind(&record.display_name)
    .bind(&record.password_hash)
    .bind(ts(&record.created_at))
    .bind(opt_ts(None))
    .execute(&mut *conn)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            Error::AlreadyExists {
                what: "compte",
                key: record.email.clone(),
            }
        } else {
            db(e)
        }
    })?;
    Ok(record)
}

pub(super) async fn insert_membership(
    conn: &mut sqlx::AnyConnection,
    org: &OrgId,
    user_id: &str,
    role: Role,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(org.as_str())
    .bind(user_id)
    .bind(role.as_str())
    .bind(ts(&now))
    .execute(&mut *conn)
    .await
    .map_err(db)?;
    Ok(())
}
