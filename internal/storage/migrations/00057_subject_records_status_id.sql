-- +goose Up
-- The duty reminders walk the active subject records in id order, a page
-- at a time (status = 'active' AND id > ? ORDER BY id LIMIT ?). With an
-- index on status alone SQLite read every active record and sorted them
-- for each page: at a million records a run never ended (issue 17). An
-- index on (status, id) answers each page from where the last one ended,
-- and serves every status = ? lookup the old index did.
CREATE INDEX subject_records_status_id ON subject_records (status, id);
DROP INDEX subject_records_status;

-- +goose Down
CREATE INDEX subject_records_status ON subject_records (status);
DROP INDEX subject_records_status_id;
