-- +goose Up
-- The bureau behind a job boundary: which submission of an application is
-- the current one, so an outcome of an older submission (a retried report)
-- changes nothing. Written in the transaction that hands the application
-- over (service.SubmitToBureau), read when an outcome is applied.
CREATE TABLE submission_handoffs (
    application_id TEXT PRIMARY KEY,
    submission_id  TEXT NOT NULL,
    handed_at      BIGINT NOT NULL
);

-- The simulator counts wrong SMS attempts per leader (each code has its
-- own 5 tries), not per submission.
ALTER TABLE bureau_sms ADD COLUMN wrong_attempts INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE bureau_sms DROP COLUMN wrong_attempts;
DROP TABLE submission_handoffs;
