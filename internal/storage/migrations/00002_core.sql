-- +goose Up
-- Accounts, sessions, applications, attachments, history, audit and the
-- filing records. Personal data never sits here in clear: certificate
-- numbers and mobiles are sealed (AES-GCM, *_sealed / document columns)
-- with keyed hashes (*_hash) beside them for equality lookups.

CREATE TABLE accounts (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,      -- lower case, the login
    phone_sealed  TEXT NOT NULL DEFAULT '',
    phone_hash    TEXT UNIQUE,               -- NULL for staff without a phone
    name          TEXT NOT NULL DEFAULT '',
    role          TEXT NOT NULL,             -- applicant | reviewer | admin
    lang          TEXT NOT NULL DEFAULT 'zh',
    password_hash TEXT NOT NULL,             -- argon2id, PHC string
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX accounts_role ON accounts (role);

-- A session is found by the SHA-256 of its token: a stolen database does
-- not hand out live sessions.
CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    account_id   TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL DEFAULT 'api', -- api | web
    ip           TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);
CREATE INDEX sessions_account ON sessions (account_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX password_resets_account ON password_resets (account_id);

CREATE TABLE applications (
    id                TEXT PRIMARY KEY,
    owner_id          TEXT NOT NULL REFERENCES accounts (id),
    flow              TEXT NOT NULL,
    state             TEXT NOT NULL,
    open              INTEGER NOT NULL DEFAULT 1, -- 0 once approved or withdrawn
    province          TEXT NOT NULL DEFAULT '',
    subject_name      TEXT NOT NULL DEFAULT '',
    subject_cert_type TEXT NOT NULL DEFAULT '',
    subject_cert_hash TEXT NOT NULL DEFAULT '',
    record_number     TEXT NOT NULL DEFAULT '',   -- change/cancel: the record it starts from
    document          TEXT NOT NULL,              -- sealed JSON of the filing document
    version           INTEGER NOT NULL DEFAULT 1, -- optimistic locking
    due_at            BIGINT NOT NULL DEFAULT 0,
    submitted_at      BIGINT NOT NULL DEFAULT 0,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
CREATE INDEX applications_owner ON applications (owner_id, updated_at);
CREATE INDEX applications_state_due ON applications (state, due_at);
CREATE INDEX applications_subject ON applications (subject_cert_hash, open);
CREATE INDEX applications_record ON applications (record_number, open);

-- The domains of each application's websites, for the pre-check's
-- "domain in progress".
CREATE TABLE application_domains (
    application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    idx            INTEGER NOT NULL,
    domain         TEXT NOT NULL,
    open           INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (application_id, idx)
);
CREATE INDEX application_domains_domain ON application_domains (domain, open);

-- Keyed hashes of leaders' mobiles, of applications and of subject records
-- (owner_type 'application' | 'subject'), for person.mobile.used_by_other_subject.
CREATE TABLE leader_mobiles (
    owner_type  TEXT NOT NULL,
    owner_id    TEXT NOT NULL,
    role        TEXT NOT NULL, -- subject_leader | website_leader:<i>
    mobile_hash TEXT NOT NULL,
    PRIMARY KEY (owner_type, owner_id, role)
);
CREATE INDEX leader_mobiles_hash ON leader_mobiles (mobile_hash);

CREATE TABLE attachments (
    id             TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    kind           TEXT NOT NULL,
    website        INTEGER NOT NULL DEFAULT -1,
    blob_key       TEXT NOT NULL,
    bytes          BIGINT NOT NULL,
    original_bytes BIGINT NOT NULL DEFAULT 0,
    width          INTEGER NOT NULL,
    height         INTEGER NOT NULL,
    sha256         TEXT NOT NULL,
    signed_on      TEXT NOT NULL DEFAULT '',
    created_at     BIGINT NOT NULL
);
CREATE INDEX attachments_application ON attachments (application_id, kind, website);

-- Every state change: the applicant's timeline and the reviewer's history.
CREATE TABLE transitions (
    id             TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    seq            INTEGER NOT NULL,
    at             BIGINT NOT NULL,
    actor_id       TEXT NOT NULL DEFAULT '',
    actor_role     TEXT NOT NULL DEFAULT '',
    event          TEXT NOT NULL,
    from_state     TEXT NOT NULL,
    to_state       TEXT NOT NULL,
    reasons        TEXT NOT NULL DEFAULT '[]',
    document       TEXT NOT NULL DEFAULT '', -- sealed snapshot, to show what changed since a rejection
    UNIQUE (application_id, seq)
);

-- Append-only: nothing updates or deletes these rows.
CREATE TABLE audit_log (
    id          TEXT PRIMARY KEY,
    at          BIGINT NOT NULL,
    actor_id    TEXT NOT NULL DEFAULT '',
    actor_role  TEXT NOT NULL DEFAULT '',
    action      TEXT NOT NULL,
    object_type TEXT NOT NULL DEFAULT '',
    object_id   TEXT NOT NULL DEFAULT '',
    ip          TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_actor ON audit_log (actor_id, at);
CREATE INDEX audit_log_object ON audit_log (object_type, object_id);

-- Filing records (workflow.md "Filing records"): the current version in
-- these three tables, every version in record_versions. Numbers are UNIQUE
-- and rows are never deleted, so a void number is never issued again.
CREATE TABLE subject_records (
    id             TEXT PRIMARY KEY,
    number         TEXT NOT NULL UNIQUE,
    owner_id       TEXT NOT NULL DEFAULT '', -- the account that filed it here
    province       TEXT NOT NULL,
    nature         TEXT NOT NULL,
    cert_type      TEXT NOT NULL,
    cert_hash      TEXT NOT NULL,
    name           TEXT NOT NULL,
    status         TEXT NOT NULL,            -- active | cancelled
    version        INTEGER NOT NULL,
    data           TEXT NOT NULL,            -- sealed JSON of filing.Subject
    application_id TEXT NOT NULL DEFAULT '', -- the application that wrote this version
    next_website   INTEGER NOT NULL DEFAULT 1, -- the next "-n"; never goes down
    approved_on    TEXT NOT NULL DEFAULT '',
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX subject_records_cert ON subject_records (cert_hash, status);
CREATE INDEX subject_records_owner ON subject_records (owner_id);
CREATE INDEX subject_records_status ON subject_records (status);

CREATE TABLE website_records (
    id             TEXT PRIMARY KEY,
    subject_id     TEXT NOT NULL REFERENCES subject_records (id),
    number         TEXT NOT NULL UNIQUE,
    domain         TEXT NOT NULL,
    name           TEXT NOT NULL,
    status         TEXT NOT NULL,            -- active | no_access | cancelled
    version        INTEGER NOT NULL,
    data           TEXT NOT NULL,            -- sealed JSON of filing.Website (without access)
    application_id TEXT NOT NULL DEFAULT '',
    approved_on    TEXT NOT NULL DEFAULT '',
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX website_records_subject ON website_records (subject_id, status);
CREATE INDEX website_records_domain ON website_records (domain, status);
CREATE INDEX website_records_status ON website_records (status);

CREATE TABLE access_records (
    id             TEXT PRIMARY KEY,
    website_id     TEXT NOT NULL REFERENCES website_records (id),
    status         TEXT NOT NULL,            -- active | cancelled
    version        INTEGER NOT NULL,
    data           TEXT NOT NULL,            -- JSON of filing.Access (no personal data)
    application_id TEXT NOT NULL DEFAULT '',
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX access_records_website ON access_records (website_id, status);

CREATE TABLE record_versions (
    record_type    TEXT NOT NULL, -- subject | website | access
    record_id      TEXT NOT NULL,
    version        INTEGER NOT NULL,
    status         TEXT NOT NULL,
    data           TEXT NOT NULL,
    application_id TEXT NOT NULL DEFAULT '',
    at             BIGINT NOT NULL,
    PRIMARY KEY (record_type, record_id, version)
);
CREATE INDEX record_versions_application ON record_versions (application_id);

-- +goose Down
DROP TABLE record_versions;
DROP TABLE access_records;
DROP TABLE website_records;
DROP TABLE subject_records;
DROP TABLE audit_log;
DROP TABLE transitions;
DROP TABLE attachments;
DROP TABLE leader_mobiles;
DROP TABLE application_domains;
DROP TABLE applications;
DROP TABLE password_resets;
DROP TABLE sessions;
DROP TABLE accounts;
