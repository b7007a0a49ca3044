//! WebAuthn passkeys of users. Records in [`crate::accounts::PasskeyRecord`].

use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;

use super::{Cols, db, is_unique_violation, ts};
use crate::accounts::PasskeyRecord;
use crate::error::Error;
use crate::store::Store;

macro_rules! passkey_cols {
    () => {
        "id, user_id, credential_id, name, passkey_json, created_at, last_used_at"
    };
}

fn passkey_from(row: &AnyRow) -> Result<PasskeyRecord, Error> {
    let c = Cols(row);
    Ok(PasskeyRecord {
        id: c.text("id")?,
        user_id: c.text("user_id")?,
        credential_id: c.text("credential_id")?,
        name: c.text("name")?,
        passkey_json: c.text("passkey_json")?,
        created_at: c.time("created_at")?,
        last_used_at: c.opt_time("last_used_at")?,
    })
}

impl Store {
    /// Records a passkey. A credential already registered (by anyone) is
    /// [`Error::AlreadyExists`].
    pub async fn add_passkey(&self, record: &PasskeyRecord) -> Result<(), Error> {
        sqlx::query(concat!(
            "INSERT INTO passkeys (",
            passkey_cols!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, NULL)"
        ))
        .bind(&record.id)
        .bind(&record.user_id)
        .bind(&record.credential_id)
        .bind(&record.name)
        .bind(&record.passkey_json)
        .bind(ts(&record.created_at))
        .execute(&self.pool)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                Error::AlreadyExists {
                    what: "clé d'accès",
                    key: record.name.clone(),
                }
            } else {
                db(e)
            }
        })?;
        Ok(())
    }

    /// A user's passkeys, oldest first.
    pub async fn passkeys(&self, user_id: &str) -> Result<Vec<PasskeyRecord>, Error> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            passkey_cols!(),
            " FROM passkeys WHERE user_id = $1 ORDER BY created_at, id"
        ))
        .bind(user_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(passkey_from).collect()
    }

    /// After a successful use: the updated passkey (signature counter) and the time.
    pub async fn passkey_used(
        &self,
        user_id: &str,
        id: &str,
        passkey_json: &str,
        now: DateTime<Utc>,
    ) -> Result<(), Error> {
        let done = sqlx::query(
            "UPDATE passkeys SET passkey_json = $1, last_used_at = $2 WHERE user_id = $3 AND id = $4",
        )
        .bind(passkey_json)
        .bind(ts(&now))
        .bind(user_id)
        .bind(id)
        .execute(&self.pool)
        .await
        .map_err(db)?;
        if done.rows_affected() == 0 {
            return Err(Error::not_found("clé d'accès", id));
        }
        Ok(())
    }

    /// Removes one of the user's passkeys.
    pub async fn remove_passkey(&self, user_id: &str, id: &str) -> Result<(), Error> {
        let done = sqlx::query("DELETE FROM passkeys WHERE user_id = $1 AND id = $2")
            .bind(user_id)
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(db)?;
        if done.rows_affected() == 0 {
            return Err(Error::not_found("clé d'accès", id));
        }
        Ok(())
    }
}
