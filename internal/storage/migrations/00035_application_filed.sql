-- +goose Up
-- A change starts from a filing record: the record as it stood when the
-- change was created (sealed, like the application's document), so the
-- reviewer sees the change as a before/after diff against what is filed,
-- and a renamed subject or a new leader asks for the new certificate.
CREATE TABLE application_filed (
    application_id TEXT PRIMARY KEY,
    document       TEXT NOT NULL,
    created_at     BIGINT NOT NULL
);

-- +goose Down
DROP TABLE application_filed;
