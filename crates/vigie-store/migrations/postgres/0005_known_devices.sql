-- Vigie: the browsers each user has signed in from (PostgreSQL). Keep it column-for-column identical
-- to migrations/sqlite/0005_known_devices.sql.
--
-- A browser that completes a sign-in receives a long-lived random cookie; only its SHA-256 is
-- kept here. A sign-in from a browser without a known cookie is a new device: the user gets an
-- e-mail and the organisation's security journal a line.
CREATE TABLE known_devices (
    user_id        TEXT NOT NULL REFERENCES users (id),
    device_hash    TEXT NOT NULL,
    first_seen_at  TEXT NOT NULL,
    last_seen_at   TEXT NOT NULL,
    user_agent     TEXT NOT NULL,
    ip             TEXT NOT NULL,
    PRIMARY KEY (user_id, device_hash)
);
