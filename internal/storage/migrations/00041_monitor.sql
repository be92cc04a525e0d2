-- +goose Up
-- The compliance monitor (docs/operations.md "Compliance monitor"): the
-- websites it watches with when each is due, every check it made (the
-- history), and the problems checks found. A problem is one row from its
-- first sighting until it is resolved; its owner is mailed once, when it
-- is confirmed (opened_at), and staff once, when it is escalated.
CREATE TABLE monitor_sites (
    website_id      TEXT PRIMARY KEY REFERENCES website_records (id),
    next_check_at   BIGINT NOT NULL,
    last_check_id   TEXT NOT NULL DEFAULT '',
    last_checked_at BIGINT NOT NULL DEFAULT 0,
    last_summary    TEXT NOT NULL DEFAULT '' -- ok | moved | unreachable | number_missing | number_unlinked | check_failed
);
CREATE INDEX monitor_sites_due ON monitor_sites (next_check_at);

CREATE TABLE monitor_checks (
    id         TEXT PRIMARY KEY,
    website_id TEXT NOT NULL REFERENCES website_records (id),
    at         BIGINT NOT NULL,
    dns        TEXT NOT NULL,             -- in_range | out_of_range | unresolved | error
    addresses  TEXT NOT NULL DEFAULT '',  -- comma-separated
    http       TEXT NOT NULL,             -- answers | no_answer | outside | skipped
    status     INTEGER NOT NULL DEFAULT 0,
    number     TEXT NOT NULL,             -- linked | unlinked | missing | unknown
    summary    TEXT NOT NULL,
    findings   TEXT NOT NULL DEFAULT '',  -- comma-separated problem kinds
    detail     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX monitor_checks_website ON monitor_checks (website_id, at);

CREATE TABLE monitor_problems (
    id            TEXT PRIMARY KEY,
    website_id    TEXT NOT NULL REFERENCES website_records (id),
    kind          TEXT NOT NULL,            -- moved | unreachable | number_missing | number_unlinked
    seen          INTEGER NOT NULL DEFAULT 1, -- consecutive checks showing it
    detail        TEXT NOT NULL DEFAULT '',
    first_seen_at BIGINT NOT NULL,
    last_seen_at  BIGINT NOT NULL,
    opened_at     BIGINT NOT NULL DEFAULT 0, -- confirmed; the owner was mailed
    escalated_at  BIGINT NOT NULL DEFAULT 0, -- staff were mailed
    resolved_at   BIGINT NOT NULL DEFAULT 0
);
-- One current problem of a kind per website.
CREATE UNIQUE INDEX monitor_problems_current ON monitor_problems (website_id, kind) WHERE resolved_at = 0;
CREATE INDEX monitor_problems_open ON monitor_problems (resolved_at, opened_at);

-- +goose Down
DROP TABLE monitor_problems;
DROP TABLE monitor_checks;
DROP TABLE monitor_sites;
