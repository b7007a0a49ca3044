//! Members of an organisation: invitations (created by an administrator, accepted once through
//! their link), role changes and removal. An organisation always keeps at least one
//! administrator: the last one can be neither demoted nor removed.

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;
use sqlx::any::AnyRow;

use super::accounts::{insert_membership, insert_user, normalise_email};
use super::{Cols, db, new_id, ts};
use crate::accounts::{InvitationRecord, NewInvitation, NewUser, Role, UserRecord};
use crate::error::Error;
use crate::records::OrgId;
use crate::store::{Backend, Store};

macro_rules! invitation_cols {
    () => {
        "id, org_id, email, display_name, role, invited_by, created_at, expires_at, accepted_at"
    };
}

fn invitation_from(row: &AnyRow) -> Result<InvitationRecord, Error> {
    let c = Cols(row);
    Ok(InvitationRecord {
        id: c.text("id")?,
        org_id: c.org("org_id")?,
        email: c.text("email")?,
        display_name: c.text("display_name")?,
        role: Role::parse(&c.text("role")?).map_err(|e| Error::corrupt("invitations.role", e))?,
        invited_by: c.text("invited_by")?,
        created_at: c.time("created_at")?,
        expires_at: c.time("expires_at")?,
        accepted_at: c.opt_time("accepted_at")?,
    })
}

/// Inserts an invitation (`email` already normalised).
pub(super) async fn insert_invitation(
    conn: &mut AnyConnection,
    new: &NewInvitation<'_>,
    email: &str,
) -> Result<InvitationRecord, Error> {
    let sql = concat!(
        "INSERT INTO invitations (token_hash, ",
        invitation_cols!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL) RETURNING ",
        invitation_cols!()
    );
    let row = sqlx::query(sql)
        .bind(new.token_hash)
        .bind(new_id())
        .bind(new.org_id.as_str())
        .bind(email)
        .bind(new.display_name)
        .bind(new.role.as_str())
        .bind(new.invited_by)
        .bind(ts(&Utc::now()))
        .bind(ts(&new.expires_at))
        .fetch_one(&mut *conn)
        .await
        .map_err(db)?;
    invitation_from(&row)
}

impl Store {
    /// Records an invitation. The address may already have an account (an IT provider's
    /// technician working for several communes): that person accepts it signed in, with
    /// [`Store::join_by_invitation`]. Someone already a member is [`Error::AlreadyExists`].
    pub async fn create_invitation(
        &self,
        new: &NewInvitation<'_>,
    ) -> Result<InvitationRecord, Error> {
        let email = normalise_email(new.email)?;
        if let Some(user) = self.user_by_email(&email).await?
            && self
                .memberships(&user.id)
                .await?
                .iter()
                // The staff of the organisation's IT provider may still be invited: a role of
                // their own there wins over the one the provider gives them.
                .any(|m| &m.org_id == new.org_id && m.via_provider.is_none())
        {
            return Err(Error::AlreadyExists {
                what: "membre",
                key: email,
            });
        }
        let mut conn = self.pool.acquire().await.map_err(db)?;
        insert_invitation(&mut conn, new, &email).await
    }

    /// The organisation's invitations not accepted and not expired at `now`, newest first.
    pub async fn pending_invitations(
        &self,
        org: &OrgId,
        now: DateTime<Utc>,
    ) -> Result<Vec<InvitationRecord>, Error> {
        let sql = concat!(
            "SELECT ",
            invitation_cols!(),
            " FROM invitations WHERE org_id = $1 AND accepted_at IS NULL AND expires_at > $2 \
             ORDER BY created_at DESC"
        );
        let rows = sqlx::query(sql)
            .bind(org.as_str())
            .bind(ts(&now))
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        rows.iter().map(invitation_from).collect()
    }

    /// The invitation of a link (by the token's digest), if it can still be accepted at `now`.
    pub async fn usable_invitation(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<InvitationRecord>, Error> {
        let sql = concat!(
            "SELECT ",
            invitation_cols!(),
            " FROM invitations WHERE token_hash = $1 AND accepted_at IS NULL AND expires_at > $2"
        );
        let row = sqlx::query(sql)
            .bind(token_hash)
            .bind(ts(&now))
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        row.as_ref().map(invitation_from).transpose()
    }

    /// Withdraws a pending invitation of the organisation.
    pub async fn cancel_invitation(&self, org: &OrgId, id: &str) -> Result<(), Error> {
        let done = sqlx::query(
            "DELETE FROM invitations WHERE org_id = $1 AND id = $2 AND accepted_at IS NULL",
        )
        .bind(org.as_str())
        .bind(id)
        .execute(&self.pool)
        .await
        .map_err(db)?;
        if done.rows_affected() == 0 {
            return Err(Error::not_found("invitation", id));
        }
        Ok(())
    }

    /// Accepts an invitation: creates the account (the invited address as login) and its
    /// membership, and marks the link used — all or nothing. A link already used, expired or
    /// unknown is [`Error::NotFound`].
    pub async fn accept_invitation(
        &self,
        token_hash: &str,
        display_name: &str,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<(InvitationRecord, UserRecord), Error> {
        let mut tx = self.begin_write().await?;
        let sql = match self.backend {
            Backend::Sqlite => concat!(
                "SELECT ",
                invitation_cols!(),
                " FROM invitations WHERE token_hash = $1 AND accepted_at IS NULL \
                 AND expires_at > $2"
            ),
            Backend::Postgres => concat!(
                "SELECT ",
                invitation_cols!(),
                " FROM invitations WHERE token_hash = $1 AND accepted_at IS NULL \
                 AND expires_at > $2 FOR UPDATE"
            ),
        };
        let row = sqlx::query(sql)
            .bind(token_hash)
            .bind(ts(&now))
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?
            .ok_or_else(|| Error::not_found("invitation", "(lien)"))?;
        let invitation = invitation_from(&row)?;
        let user = insert_user(
            &mut tx,
            &NewUser {
                email: invitation.email.clone(),
                display_name: display_name.to_owned(),
                password_hash: password_hash.to_owned(),
            },
            now,
        )
        .await?;
        insert_membership(&mut tx, &invitation.org_id, &user.id, invitation.role, now).await?;
        let used = sqlx::query(
            "UPDATE invitations SET accepted_at = $1 WHERE id = $2 AND accepted_at IS NULL",
        )
        .bind(ts(&now))
        .bind(&invitation.id)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        if used.rows_affected() != 1 {
            return Err(Error::not_found("invitation", "(lien)"));
        }
        tx.commit().await.map_err(db)?;
        Ok((
            InvitationRecord {
                accepted_at: Some(now),
                ..invitation
            },
            user,
        ))
    }

    /// Accepts an invitation for an existing account (signed in as `user`, whose login must be
    /// the invited address): adds the membership and marks the link used, all or nothing.
    pub async fn join_by_invitation(
        &self,
        token_hash: &str,
        user: &UserRecord,
        now: DateTime<Utc>,
    ) -> Result<InvitationRecord, Error> {
        let mut tx = self.begin_write().await?;
        let used = sqlx::query(
            "UPDATE invitations SET accepted_at = $1 WHERE token_hash = $2 AND email = $3 \
             AND accepted_at IS NULL AND expires_at > $1",
        )
        .bind(ts(&now))
        .bind(token_hash)
        .bind(&user.email)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        if used.rows_affected() != 1 {
            return Err(Error::not_found("invitation", "(lien)"));
        }
        let row = sqlx::query(concat!(
            "SELECT ",
            invitation_cols!(),
            " FROM invitations WHERE token_hash = $1"
        ))
        .bind(token_hash)
        .fetch_one(&mut *tx)
        .await
        .map_err(db)?;
        let invitation = invitation_from(&row)?;
        let already =
            sqlx::query("SELECT 1 AS n FROM memberships WHERE org_id = $1 AND user_id = $2")
                .bind(invitation.org_id.as_str())
                .bind(&user.id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db)?;
        if already.is_some() {
            return Err(Error::AlreadyExists {
                what: "membre",
                key: user.email.clone(),
            });
        }
        insert_membership(&mut tx, &invitation.org_id, &user.id, invitation.role, now).await?;
        tx.commit().await.map_err(db)?;
        Ok(invitation)
    }

    /// Changes a member's role. Demoting the last administrator is refused
    /// ([`Error::Invalid`]); a user who is not a member is [`Error::NotFound`].
    pub async fn change_role(&self, org: &OrgId, user_id: &str, role: Role) -> Result<(), Error> {
        let mut tx = self.begin_write().await?;
        let current = member_role(&mut tx, self.backend, org, user_id).await?;
        if current == Role::Administrateur
            && role != Role::Administrateur
            && admin_count(&mut tx, org).await? <= 1
        {
            return Err(last_admin());
        }
        sqlx::query("UPDATE memberships SET role = $1 WHERE org_id = $2 AND user_id = $3")
            .bind(role.as_str())
            .bind(org.as_str())
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        tx.commit().await.map_err(db)
    }

    /// Removes a member from the organisation and ends their sessions there. Removing the last
    /// administrator is refused. The account itself stays (it may belong elsewhere).
    pub async fn remove_member(&self, org: &OrgId, user_id: &str) -> Result<(), Error> {
        let mut tx = self.begin_write().await?;
        let current = member_role(&mut tx, self.backend, org, user_id).await?;
        if current == Role::Administrateur && admin_count(&mut tx, org).await? <= 1 {
            return Err(last_admin());
        }
        for sql in [
            "DELETE FROM memberships WHERE org_id = $1 AND user_id = $2",
            "DELETE FROM sessions WHERE org_id = $1 AND user_id = $2",
        ] {
            sqlx::query(sql)
                .bind(org.as_str())
                .bind(user_id)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
        }
        tx.commit().await.map_err(db)
    }
}

fn last_admin() -> Error {
    Error::invalid(
        "membre",
        "c'est le dernier administrateur de l'organisation : nommez d'abord un autre \
         administrateur",
    )
}

async fn member_role(
    conn: &mut sqlx::AnyConnection,
    backend: Backend,
    org: &OrgId,
    user_id: &str,
) -> Result<Role, Error> {
    // On PostgreSQL, lock the organisation's memberships: two administrators demoting each
    // other at the same time must not both succeed.
    let sql = match backend {
        Backend::Sqlite => "SELECT role FROM memberships WHERE org_id = $1 AND user_id = $2",
        Backend::Postgres => {
            "SELECT role FROM memberships WHERE org_id = $1 AND user_id = $2 FOR UPDATE"
        }
    };
    if backend == Backend::Postgres {
        sqlx::query("SELECT user_id FROM memberships WHERE org_id = $1 FOR UPDATE")
            .bind(org.as_str())
            .fetch_all(&mut *conn)
            .await
            .map_err(db)?;
    }
    let row = sqlx::query(sql)
        .bind(org.as_str())
        .bind(user_id)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db)?
        .ok_or_else(|| Error::not_found("membre", user_id))?;
    Role::parse(&Cols(&row).text("role")?).map_err(|e| Error::corrupt("memberships.role", e))
}

async fn admin_count(conn: &mut sqlx::AnyConnection, org: &OrgId) -> Result<u64, Error> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM memberships WHERE org_id = $1 AND role = 'administrateur'",
    )
    .bind(org.as_str())
    .fetch_one(&mut *conn)
    .await
    .map_err(db)?;
    Cols(&row).count("n")
}
