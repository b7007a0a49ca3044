-- Vigie: mailboxes watched by the web application, the background job queue, and the result
-- of each mailbox check (PostgreSQL). Keep it column-for-column identical to
-- migrations/sqlite/0003_mailboxes_jobs.sql.

-- A mailbox account of an organisation. account_url is imaps://user@host:port (or imap:// with
-- STARTTLS), never with a password: the password is in secret_sealed, sealed with the server
-- key (kept outside the database) for the purpose "mailbox:<id>", so a copy of the database
-- alone does not give the mailbox away, and a sealed value cannot be moved to another row.
CREATE TABLE mailboxes (
    id                  TEXT PRIMARY KEY NOT NULL,
    org_id              TEXT NOT NULL REFERENCES organisations (id),
    label               TEXT NOT NULL,
    account_url         TEXT NOT NULL,
    secret_sealed       TEXT NOT NULL,
    sieve_port          BIGINT NOT NULL CHECK (sieve_port BETWEEN 1 AND 65535),
    insecure_plaintext  BIGINT NOT NULL CHECK (insecure_plaintext IN (0, 1)),
    ca_pem              TEXT,
    retention_years     BIGINT NOT NULL CHECK (retention_years BETWEEN 1 AND 50),
    created_by          TEXT NOT NULL,
    created_at          TEXT NOT NULL,
    UNIQUE (org_id, account_url)
);

-- The job queue. A worker takes a job by moving it from 'queued' to 'running' with its name and
-- a lease in one statement; it renews the lease as it reports progress, and only the worker
-- named on the row may finish it. A job whose lease ran out (its server died) is taken again,
-- up to a limit of attempts.
CREATE TABLE jobs (
    id              TEXT PRIMARY KEY NOT NULL,
    org_id          TEXT NOT NULL REFERENCES organisations (id),
    kind            TEXT NOT NULL,
    subject_id      TEXT NOT NULL,
    requested_by    TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    stage           TEXT NOT NULL,
    progress_done   BIGINT NOT NULL CHECK (progress_done >= 0),
    progress_total  BIGINT NOT NULL CHECK (progress_total >= 0),
    error           TEXT,
    worker          TEXT,
    lease_until     TEXT,
    attempts        BIGINT NOT NULL CHECK (attempts >= 0),
    created_at      TEXT NOT NULL,
    started_at      TEXT,
    finished_at     TEXT
);
CREATE INDEX jobs_queue ON jobs (status, created_at);
CREATE INDEX jobs_by_org ON jobs (org_id, created_at);
-- One pending job per subject and kind: a double click, or two servers scheduling the same
-- periodic check, enqueue it once.
CREATE UNIQUE INDEX jobs_one_pending ON jobs (kind, subject_id)
    WHERE status IN ('queued', 'running');

-- Every time a worker takes a job, one row: the proof (and the test) that no job was run by
-- two workers, and the history of retries.
CREATE TABLE job_runs (
    job_id      TEXT NOT NULL REFERENCES jobs (id),
    attempt     BIGINT NOT NULL,
    worker      TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    PRIMARY KEY (job_id, attempt)
);

-- The result of one mailbox check (one finished audit job): counts by severity for the
-- dashboard and its chart, the audit report (vigie.audit.v1 JSON; values found in mail are
-- already masked there), and the HTML exposure report kept in the blob store by its SHA-256.
CREATE TABLE mailbox_checks (
    id              TEXT PRIMARY KEY NOT NULL,
    org_id          TEXT NOT NULL REFERENCES organisations (id),
    mailbox_id      TEXT NOT NULL REFERENCES mailboxes (id),
    job_id          TEXT NOT NULL REFERENCES jobs (id),
    finished_at     TEXT NOT NULL,
    complete        BIGINT NOT NULL CHECK (complete IN (0, 1)),
    critical        BIGINT NOT NULL,
    high            BIGINT NOT NULL,
    medium          BIGINT NOT NULL,
    low             BIGINT NOT NULL,
    info            BIGINT NOT NULL,
    messages        BIGINT NOT NULL,
    audit_json      TEXT NOT NULL,
    report_sha256   TEXT
);
CREATE INDEX mailbox_checks_by_org ON mailbox_checks (org_id, finished_at);
CREATE INDEX mailbox_checks_by_mailbox ON mailbox_checks (mailbox_id, finished_at);
