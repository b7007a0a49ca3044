-- Vigie: accounts of the web application (PostgreSQL). Keep it column-for-column identical to
-- migrations/sqlite/0002_accounts.sql (same conventions as 0001: TEXT ids and RFC 3339 UTC
-- timestamps, INTEGER counters).

-- One row once the setup wizard has created the first organisation and its administrator:
-- the primary key makes a second setup (two browsers racing) fail instead of creating two.
CREATE TABLE instance_setup (
    id        BIGINT PRIMARY KEY NOT NULL CHECK (id = 1),
    done_at   TEXT NOT NULL
);

-- email is stored lower-cased (the login). totp_secret is sealed with the server key (kept
-- outside the database), never in clear; NULL until the user has enrolled. totp_last_step is
-- the 30-second step of the last accepted code: a code is accepted only for a later step, so
-- a code cannot be used twice.
CREATE TABLE users (
    id              TEXT PRIMARY KEY NOT NULL,
    email           TEXT NOT NULL UNIQUE,
    display_name    TEXT NOT NULL,
    password_hash   TEXT NOT NULL,
    totp_secret     TEXT,
    totp_last_step  BIGINT NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    disabled_at     TEXT
);

CREATE TABLE memberships (
    org_id      TEXT NOT NULL REFERENCES organisations (id),
    user_id     TEXT NOT NULL REFERENCES users (id),
    role        TEXT NOT NULL CHECK (role IN ('administrateur', 'agent', 'elu', 'prestataire')),
    created_at  TEXT NOT NULL,
    PRIMARY KEY (org_id, user_id)
);
CREATE INDEX memberships_by_user ON memberships (user_id);

-- Single-use recovery codes: SHA-256 of the code (80 random bits each, so a plain hash is
-- enough), used_at set when spent.
CREATE TABLE recovery_codes (
    user_id    TEXT NOT NULL REFERENCES users (id),
    code_hash  TEXT NOT NULL,
    used_at    TEXT,
    PRIMARY KEY (user_id, code_hash)
);

-- Server-side sessions. The cookie carries a random token; only its SHA-256 is stored, so a
-- copy of the database does not give anyone a session. stage: 'second_factor' (password
-- accepted, code awaited), 'enrolment' (password accepted, no second factor yet), 'full'.
CREATE TABLE sessions (
    id_hash       TEXT PRIMARY KEY NOT NULL,
    user_id       TEXT NOT NULL REFERENCES users (id),
    org_id        TEXT REFERENCES organisations (id),
    stage         TEXT NOT NULL CHECK (stage IN ('second_factor', 'enrolment', 'full')),
    csrf_token    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    ip            TEXT NOT NULL,
    user_agent    TEXT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- Failed sign-ins per key ('compte:<email>' or 'adresse:<ip>'), for growing delays. Kept in
-- the database so that several server instances share it.
CREATE TABLE login_throttle (
    key              TEXT PRIMARY KEY NOT NULL,
    failures         BIGINT NOT NULL CHECK (failures >= 0),
    last_failure_at  TEXT NOT NULL,
    blocked_until    TEXT NOT NULL
);

-- The organisation's security journal: sign-ins, failures, second-factor changes, exports,
-- provider accesses. Shown to the organisation's administrators.
CREATE TABLE security_events (
    id        TEXT PRIMARY KEY NOT NULL,
    org_id    TEXT NOT NULL REFERENCES organisations (id),
    at        TEXT NOT NULL,
    user_id   TEXT,
    actor     TEXT NOT NULL,
    kind      TEXT NOT NULL,
    detail    TEXT NOT NULL,
    ip        TEXT NOT NULL
);
CREATE INDEX security_events_by_org ON security_events (org_id, at);
