-- +goose Up
-- A reviewer asks the applicant for a supplementary document (补充材料)
-- with a note; the request is answered by a supplementary_document
-- attachment uploaded after it.
CREATE TABLE supplement_requests (
    id             TEXT PRIMARY KEY,
    application_id TEXT NOT NULL,
    note           TEXT NOT NULL,
    requested_by   TEXT NOT NULL,
    requested_at   BIGINT NOT NULL
);
CREATE INDEX supplement_requests_application ON supplement_requests (application_id, requested_at);

-- +goose Down
DROP TABLE supplement_requests;
