-- Vigie: WebAuthn passkeys, a second factor besides the TOTP application (SQLite). Keep it
-- column-for-column identical to migrations/postgres/0006_passkeys.sql.
--
-- passkey_json is webauthn-rs's `Passkey` (public key, credential id, signature counter): no
-- secret, the private key never leaves the authenticator. credential_id (base64url) is unique
-- across users: one authenticator credential belongs to one account.
CREATE TABLE passkeys (
    id             TEXT PRIMARY KEY NOT NULL,
    user_id        TEXT NOT NULL REFERENCES users (id),
    credential_id  TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    passkey_json   TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    last_used_at   TEXT
);
CREATE INDEX passkeys_by_user ON passkeys (user_id);
