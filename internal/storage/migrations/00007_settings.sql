-- +goose Up
-- Small values all instances of one database share (e.g. the fingerprint
-- of the personal-data key).
CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- +goose Down
DROP TABLE settings;
