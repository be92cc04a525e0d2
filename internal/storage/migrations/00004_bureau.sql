-- +goose Up
-- The bureau simulator's own tables: the national registry (seeded filings
-- of other providers plus everything it approved), its number counters,
-- submissions with their SMS codes, and its blacklist. Certificate numbers
-- and mobiles are never stored in clear: data columns are sealed JSON,
-- *_hash columns keyed hashes for lookups.

CREATE TABLE bureau_subjects (
    number         TEXT PRIMARY KEY,             -- 京ICP备2026000001号
    province       TEXT NOT NULL,
    cert_type      TEXT NOT NULL,
    cert_hash      TEXT NOT NULL,                -- hash of "cert_type|CERT_NUMBER"
    name           TEXT NOT NULL,
    data           TEXT NOT NULL,                -- sealed JSON of filing.Subject
    status         TEXT NOT NULL,                -- active | cancelled
    next_website   INTEGER NOT NULL DEFAULT 1,   -- the next "-n"; never goes down
    source         TEXT NOT NULL,                -- seed | beian
    application_id TEXT NOT NULL DEFAULT '',
    approved_on    TEXT NOT NULL DEFAULT '',
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX bureau_subjects_cert ON bureau_subjects (cert_hash, status);

CREATE TABLE bureau_websites (
    number         TEXT PRIMARY KEY,             -- 京ICP备2026000001号-1
    subject_number TEXT NOT NULL REFERENCES bureau_subjects (number),
    domain         TEXT NOT NULL,
    name           TEXT NOT NULL,
    data           TEXT NOT NULL,                -- sealed JSON of filing.Website (without access)
    providers      TEXT NOT NULL DEFAULT '[]',   -- JSON names of the providers hosting it
    status         TEXT NOT NULL,                -- active | no_access | cancelled
    source         TEXT NOT NULL,
    application_id TEXT NOT NULL DEFAULT '',
    approved_on    TEXT NOT NULL DEFAULT '',
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX bureau_websites_subject ON bureau_websites (subject_number);
CREATE INDEX bureau_websites_domain ON bureau_websites (domain, status);

-- Serial counters ("subject:京:2026"), advanced with UPDATE … RETURNING in
-- the issuing transaction, so two instances never issue the same number.
CREATE TABLE bureau_counters (
    name TEXT PRIMARY KEY,
    next BIGINT NOT NULL
);

CREATE TABLE bureau_submissions (
    id                TEXT PRIMARY KEY,
    application_id    TEXT NOT NULL,
    flow              TEXT NOT NULL,
    province          TEXT NOT NULL,
    payload           TEXT NOT NULL,               -- sealed JSON of the submission
    state             TEXT NOT NULL,               -- sms | review | returned | approved | rejected
    wrong_attempts    INTEGER NOT NULL DEFAULT 0,
    submitted_at      BIGINT NOT NULL,
    sms_deadline      BIGINT NOT NULL DEFAULT 0,
    review_started_at BIGINT NOT NULL DEFAULT 0,
    decided_at        BIGINT NOT NULL DEFAULT 0,
    reason            TEXT NOT NULL DEFAULT '',   -- JSON {"zh","en"} of a return or rejection
    numbers           TEXT NOT NULL DEFAULT ''    -- JSON of the numbers issued
);
CREATE INDEX bureau_submissions_app ON bureau_submissions (application_id, submitted_at);
CREATE INDEX bureau_submissions_state ON bureau_submissions (state);

CREATE TABLE bureau_sms (
    submission_id TEXT NOT NULL REFERENCES bureau_submissions (id),
    idx           INTEGER NOT NULL,
    role          TEXT NOT NULL,                 -- subject_leader | website_leader
    website       INTEGER NOT NULL DEFAULT -1,
    mobile_sealed TEXT NOT NULL,
    mobile_hash   TEXT NOT NULL,
    mobile_masked TEXT NOT NULL,
    cert_hashes   TEXT NOT NULL,                 -- JSON hashes of the last 6 characters of each leader's certificate number
    code_hash     TEXT NOT NULL,                 -- keyed hash of the code: the database does not hold it in clear
    status        TEXT NOT NULL,                 -- pending | confirmed | expired
    confirmed_at  BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (submission_id, idx)
);

CREATE TABLE bureau_blacklist (
    cert_hash TEXT PRIMARY KEY                   -- hash of the upper-case certificate number
);

-- +goose Down
DROP TABLE bureau_blacklist;
DROP TABLE bureau_sms;
DROP TABLE bureau_submissions;
DROP TABLE bureau_counters;
DROP TABLE bureau_websites;
DROP TABLE bureau_subjects;
