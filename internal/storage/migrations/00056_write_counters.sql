-- +goose Up
-- What each SQLite write transaction changed that caches keep, counted
-- (issue 17): another process on the same database file learns of its
-- writes by polling these rows, as PostgreSQL instances learn by
-- notification. PostgreSQL has the table but never writes it (a row every
-- instance updated would serialise their writes).
CREATE TABLE write_counters (
    kind TEXT PRIMARY KEY,
    n    BIGINT NOT NULL DEFAULT 0
);
INSERT INTO write_counters (kind, n) VALUES ('public', 0), ('applications', 0), ('domains', 0);

-- +goose Down
DROP TABLE write_counters;
