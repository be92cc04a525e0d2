-- +goose Up
-- The review back office: how the applicant verifies (face-to-face signing
-- or mailed originals) and when the reviewer received it, and the numbers
-- the bureau issued, kept with the application for its view.

CREATE TABLE verifications (
    application_id  TEXT PRIMARY KEY REFERENCES applications (id),
    method          TEXT NOT NULL,               -- onsite | mail
    office          TEXT NOT NULL DEFAULT '',    -- config office key (onsite)
    appointment_on  TEXT NOT NULL DEFAULT '',    -- YYYY-MM-DD (onsite)
    tracking_number TEXT NOT NULL DEFAULT '',    -- courier tracking number (mail)
    chosen_at       BIGINT NOT NULL,
    received_at     BIGINT NOT NULL DEFAULT 0,   -- when the reviewer recorded receipt / signing
    received_by     TEXT NOT NULL DEFAULT '',
    note            TEXT NOT NULL DEFAULT ''
);

CREATE TABLE application_numbers (
    application_id TEXT PRIMARY KEY REFERENCES applications (id),
    subject        TEXT NOT NULL,
    websites       TEXT NOT NULL DEFAULT '[]',   -- JSON array in document order
    approved_at    BIGINT NOT NULL
);

-- The review queue: open applications by state, oldest due first.
CREATE INDEX applications_open_state ON applications (open, state, due_at);

-- +goose Down
DROP INDEX applications_open_state;
DROP TABLE application_numbers;
DROP TABLE verifications;
