-- Vigie: invitations of new members (PostgreSQL). Keep it column-for-column identical to
-- migrations/sqlite/0004_invitations.sql.
--
-- An administrator invites someone by e-mail address with a role; the invitation link carries a
-- random token of which only the SHA-256 is stored. The link works once (accepted_at), until
-- expires_at; accepting it creates the account and the membership in one transaction.
CREATE TABLE invitations (
    id            TEXT PRIMARY KEY NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    org_id        TEXT NOT NULL REFERENCES organisations (id),
    email         TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('administrateur', 'agent', 'elu', 'prestataire')),
    invited_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    accepted_at   TEXT
);
CREATE INDEX invitations_by_org ON invitations (org_id, created_at);
