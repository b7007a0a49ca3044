//! IT providers and the organisations they support: linking an organisation to its provider,
//! ending the link, and reading both sides. While a link lasts, the provider's administrators
//! and agents work in the organisation with the prestataire role (the `effective_memberships`
//! view, read by [`Store::memberships`]); when it ends, they lose that access at their next
//! request. Links are never deleted, so both sides can tell who supported whom and when.

use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;

use sqlx::AnyConnection;

use super::accounts::normalise_email;
use super::members::insert_invitation;
use super::{Cols, db, insert_organisation, new_id, ts};
use crate::accounts::{
    FirstAdministrator, InvitationRecord, NewInvitation, ProviderLinkRecord, Role,
};
use crate::error::Error;
use crate::records::{OrgId, OrgKind, OrganisationRecord};
use crate::store::{Backend, Store};

/// Columns of a link with both organisations' names (`l` the link, `p` the provider, `o` the
/// organisation supported).
macro_rules! link_query {
    ($where:literal) => {
        concat!(
            "SELECT l.id, l.provider_id, p.name AS provider_name, l.org_id, o.name AS org_name, ",
            "l.linked_at, l.linked_by, l.ended_at, l.ended_by FROM provider_links l ",
            "JOIN organisations p ON p.id = l.provider_id ",
            "JOIN organisations o ON o.id = l.org_id ",
            $where
        )
    };
}

fn link_from(row: &AnyRow) -> Result<ProviderLinkRecord, Error> {
    let c = Cols(row);
    Ok(ProviderLinkRecord {
        id: c.text("id")?,
        provider_id: c.org("provider_id")?,
        provider_name: c.text("provider_name")?,
        org_id: c.org("org_id")?,
        org_name: c.text("org_name")?,
        linked_at: c.time("linked_at")?,
        linked_by: c.text("linked_by")?,
        ended_at: c.opt_time("ended_at")?,
        ended_by: c.opt_text("ended_by")?,
    })
}

/// The checks and the insert of [`Store::link_provider`], inside the caller's write
/// transaction.
async fn insert_link(
    conn: &mut AnyConnection,
    backend: Backend,
    provider: &OrgId,
    org: &OrgId,
    by: &str,
    at: DateTime<Utc>,
) -> Result<ProviderLinkRecord, Error> {
    let kind_sql = match backend {
        Backend::Sqlite => "SELECT kind FROM organisations WHERE id = $1",
        // Locks both rows: a concurrent link of the same organisation waits here, then sees
        // the link made first.
        Backend::Postgres => "SELECT kind FROM organisations WHERE id = $1 FOR UPDATE",
    };
    let mut kind_of = async |id: &OrgId| -> Result<String, Error> {
        let row = sqlx::query(kind_sql)
            .bind(id.as_str())
            .fetch_optional(&mut *conn)
            .await
            .map_err(db)?
            .ok_or_else(|| Error::not_found("organisation", id.as_str()))?;
        Cols(&row).text("kind")
    };
    if kind_of(provider).await? != OrgKind::Prestataire.as_str() {
        return Err(Error::Invalid {
            what: "prestataire",
            detail: "cette organisation n'est pas un prestataire informatique".to_owned(),
        });
    }
    if kind_of(org).await? != OrgKind::Commune.as_str() {
        return Err(Error::Invalid {
            what: "organisation suivie",
            detail: "un prestataire informatique ne peut pas être suivi par un autre".to_owned(),
        });
    }
    let current =
        sqlx::query("SELECT 1 AS n FROM provider_links WHERE org_id = $1 AND ended_at IS NULL")
            .bind(org.as_str())
            .fetch_optional(&mut *conn)
            .await
            .map_err(db)?;
    if current.is_some() {
        return Err(Error::AlreadyExists {
            what: "prestataire de l'organisation",
            key: org.as_str().to_owned(),
        });
    }
    let id = new_id();
    sqlx::query(
        "INSERT INTO provider_links (id, provider_id, org_id, linked_at, linked_by) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&id)
    .bind(provider.as_str())
    .bind(org.as_str())
    .bind(ts(&at))
    .bind(by)
    .execute(&mut *conn)
    .await
    .map_err(db)?;
    let row = sqlx::query(link_query!("WHERE l.id = $1"))
        .bind(&id)
        .fetch_one(&mut *conn)
        .await
        .map_err(db)?;
    link_from(&row)
}

impl Store {
    /// Links `org` to the IT provider `provider`, recording who agreed (`by`, a display name
    /// kept as written) and when. Refused when `provider` is not an IT provider
    /// ([`Error::Invalid`]), when `org` is one itself ([`Error::Invalid`]: providers are not
    /// nested), and when `org` already has a current provider ([`Error::AlreadyExists`]: the
    /// link to the old one must be ended first, so that a change of provider is always a
    /// decision of its own).
    pub async fn link_provider(
        &self,
        provider: &OrgId,
        org: &OrgId,
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<ProviderLinkRecord, Error> {
        let mut tx = self.begin_write().await?;
        let record = insert_link(&mut tx, self.backend, provider, org, by, at).await?;
        tx.commit().await.map_err(db)?;
        Ok(record)
    }

    /// A provider adds a commune it will support: the organisation, the link and the
    /// invitation of the commune's first administrator, all or nothing (a commune without an
    /// administrator could never end the link nor invite its own staff). `by` is the
    /// provider's administrator, recorded as who made the link and who invited.
    pub async fn create_supported_organisation(
        &self,
        provider: &OrgId,
        name: &str,
        first_administrator: &FirstAdministrator<'_>,
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<(OrganisationRecord, ProviderLinkRecord, InvitationRecord), Error> {
        let email = normalise_email(first_administrator.email)?;
        let mut tx = self.begin_write().await?;
        let org = insert_organisation(&mut tx, name, OrgKind::Commune).await?;
        let link = insert_link(&mut tx, self.backend, provider, &org.id, by, at).await?;
        let invitation = insert_invitation(
            &mut tx,
            &NewInvitation {
                org_id: &org.id,
                token_hash: first_administrator.token_hash,
                email: &email,
                display_name: first_administrator.display_name,
                role: Role::Administrateur,
                invited_by: by,
                expires_at: first_administrator.expires_at,
            },
            &email,
        )
        .await?;
        tx.commit().await.map_err(db)?;
        Ok((org, link, invitation))
    }

    /// Ends the current link of `org` to its provider (either side may end it), recording who
    /// and when; [`Error::NotFound`] when there is none. The provider's staff lose their access
    /// to `org` at their next request.
    pub async fn end_provider_link(
        &self,
        org: &OrgId,
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<ProviderLinkRecord, Error> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(link_query!("WHERE l.org_id = $1 AND l.ended_at IS NULL"))
            .bind(org.as_str())
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?
            .ok_or_else(|| Error::not_found("prestataire de l'organisation", org.as_str()))?;
        let mut record = link_from(&row)?;
        sqlx::query("UPDATE provider_links SET ended_at = $1, ended_by = $2 WHERE id = $3")
            .bind(ts(&at))
            .bind(by)
            .bind(&record.id)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        tx.commit().await.map_err(db)?;
        record.ended_at = Some(at);
        record.ended_by = Some(by.to_owned());
        Ok(record)
    }

    /// The current link of `org` to its IT provider, if it has one.
    pub async fn current_provider(&self, org: &OrgId) -> Result<Option<ProviderLinkRecord>, Error> {
        sqlx::query(link_query!("WHERE l.org_id = $1 AND l.ended_at IS NULL"))
            .bind(org.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?
            .as_ref()
            .map(link_from)
            .transpose()
    }

    /// Every link of a provider, current and ended, the current ones first, then by
    /// organisation name: the provider's list of the organisations it supports.
    pub async fn provider_links(&self, provider: &OrgId) -> Result<Vec<ProviderLinkRecord>, Error> {
        let rows = sqlx::query(link_query!(
            "WHERE l.provider_id = $1 \
             ORDER BY CASE WHEN l.ended_at IS NULL THEN 0 ELSE 1 END, o.name, l.linked_at"
        ))
        .bind(provider.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(link_from).collect()
    }
}
