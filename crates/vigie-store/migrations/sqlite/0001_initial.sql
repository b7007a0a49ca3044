-- Vigie: initial schema (SQLite). Keep it column-for-column identical to
-- migrations/postgres/0001_initial.sql: the same SQL code runs on both backends through sqlx's
-- Any driver. Conventions (see the crate documentation):
--   * ids are TEXT (UUID v4 in canonical form);
--   * timestamps are TEXT, RFC 3339 in UTC with nine fractional digits
--     ("2026-03-04T09:15:00.000000000Z"): lossless and sorted like the instants;
--   * JSON documents are TEXT; booleans are INTEGER 0/1; integers are INTEGER (64-bit).
-- Every tenant table carries org_id, and child rows reference their incident through
-- (org_id, incident_id): a row can never point at another organisation's incident.

CREATE TABLE organisations (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    profile     TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE incidents (
    id             TEXT PRIMARY KEY NOT NULL,
    org_id         TEXT NOT NULL REFERENCES organisations (id),
    reference      TEXT NOT NULL,
    playbook_id    TEXT NOT NULL,
    title          TEXT NOT NULL,
    description    TEXT NOT NULL,
    declared_by    TEXT NOT NULL,
    declared_at    TEXT NOT NULL,
    discovered_at  TEXT NOT NULL,
    personal_data  INTEGER NOT NULL CHECK (personal_data IN (0, 1)),
    details        TEXT NOT NULL,
    status         TEXT NOT NULL,
    closed_at      TEXT,
    UNIQUE (org_id, reference),
    UNIQUE (org_id, id)
);

-- The head is kept apart from the entries: deleting the last entry (or all of them) leaves a
-- head whose length and hash no longer match the rows, which verification detects.
CREATE TABLE journal_heads (
    org_id       TEXT NOT NULL,
    incident_id  TEXT NOT NULL,
    length       INTEGER NOT NULL CHECK (length >= 0),
    hash         TEXT NOT NULL,
    PRIMARY KEY (org_id, incident_id),
    FOREIGN KEY (org_id, incident_id) REFERENCES incidents (org_id, id)
);

CREATE TABLE journal_entries (
    org_id       TEXT NOT NULL,
    incident_id  TEXT NOT NULL,
    seq          INTEGER NOT NULL CHECK (seq >= 1),
    at           TEXT NOT NULL,
    actor        TEXT NOT NULL,
    kind         TEXT NOT NULL,
    text         TEXT NOT NULL,
    data         TEXT NOT NULL,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL,
    PRIMARY KEY (org_id, incident_id, seq),
    FOREIGN KEY (org_id, incident_id) REFERENCES incidents (org_id, id)
);

CREATE TABLE steps_done (
    org_id       TEXT NOT NULL,
    incident_id  TEXT NOT NULL,
    step_id      TEXT NOT NULL,
    done_by      TEXT NOT NULL,
    done_at      TEXT NOT NULL,
    note         TEXT NOT NULL,
    PRIMARY KEY (org_id, incident_id, step_id),
    FOREIGN KEY (org_id, incident_id) REFERENCES incidents (org_id, id)
);

CREATE TABLE evidence (
    id             TEXT PRIMARY KEY NOT NULL,
    org_id         TEXT NOT NULL,
    incident_id    TEXT NOT NULL,
    sha256         TEXT NOT NULL,
    size           INTEGER NOT NULL CHECK (size >= 0),
    media_type     TEXT NOT NULL,
    original_name  TEXT NOT NULL,
    description    TEXT NOT NULL,
    collected_by   TEXT NOT NULL,
    collected_at   TEXT NOT NULL,
    added_at       TEXT NOT NULL,
    FOREIGN KEY (org_id, incident_id) REFERENCES incidents (org_id, id)
);
CREATE INDEX evidence_by_incident ON evidence (org_id, incident_id);

CREATE TABLE contacts (
    org_id         TEXT NOT NULL REFERENCES organisations (id),
    id             TEXT NOT NULL,
    role           TEXT NOT NULL,
    name           TEXT NOT NULL,
    phone          TEXT,
    email          TEXT,
    website        TEXT,
    notes          TEXT,
    policy_number  TEXT,
    verified_at    TEXT,
    PRIMARY KEY (org_id, id)
);

-- incident_id is NULL for the organisation's own documents (register, fiche): the composite
-- foreign key is then not checked (MATCH SIMPLE on both backends), org_id's still is.
CREATE TABLE documents (
    id           TEXT PRIMARY KEY NOT NULL,
    org_id       TEXT NOT NULL REFERENCES organisations (id),
    incident_id  TEXT,
    kind         TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    produced_at  TEXT NOT NULL,
    produced_by  TEXT NOT NULL,
    FOREIGN KEY (org_id, incident_id) REFERENCES incidents (org_id, id)
);
CREATE INDEX documents_by_incident ON documents (org_id, incident_id);
