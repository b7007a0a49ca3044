-- Vigie: IT providers and the organisations they support (SQLite). Keep it column-for-column
-- identical to migrations/postgres/0007_providers.sql.
--
-- An organisation is a commune (or any small organisation: kind 'commune') or an IT provider
-- (kind 'prestataire') that looks after several of them. A provider_links row says that a
-- provider supports an organisation: the provider's administrators and agents then work there
-- with the prestataire role (posture, findings, incidents; never vault contents), without being
-- invited one by one, for as long as the link lasts. Links are never deleted: ending one keeps
-- who ended it and when. An organisation has at most one current provider.
ALTER TABLE organisations ADD COLUMN kind TEXT NOT NULL DEFAULT 'commune'
    CHECK (kind IN ('commune', 'prestataire'));

CREATE TABLE provider_links (
    id           TEXT PRIMARY KEY NOT NULL,
    provider_id  TEXT NOT NULL REFERENCES organisations (id),
    org_id       TEXT NOT NULL REFERENCES organisations (id),
    linked_at    TEXT NOT NULL,
    linked_by    TEXT NOT NULL,
    ended_at     TEXT,
    ended_by     TEXT,
    CHECK (provider_id <> org_id)
);
CREATE UNIQUE INDEX provider_links_current ON provider_links (org_id) WHERE ended_at IS NULL;
CREATE INDEX provider_links_by_provider ON provider_links (provider_id, ended_at);

-- Who works in which organisation, and with which role: the members themselves, then the staff
-- of the organisation's current provider (as prestataire, unless they are members there
-- already: their own role wins). via_provider names the provider for the second kind.
CREATE VIEW effective_memberships AS
    SELECT m.org_id, m.user_id, m.role, m.created_at, CAST(NULL AS TEXT) AS via_provider
    FROM memberships m
    UNION ALL
    SELECT l.org_id, pm.user_id, 'prestataire' AS role, l.linked_at AS created_at,
           l.provider_id AS via_provider
    FROM provider_links l
    JOIN memberships pm ON pm.org_id = l.provider_id
    WHERE l.ended_at IS NULL
      AND pm.role IN ('administrateur', 'agent')
      AND NOT EXISTS (
          SELECT 1 FROM memberships d WHERE d.org_id = l.org_id AND d.user_id = pm.user_id
      );
