-- +goose Up
-- Indexes for lookups at scale (docs/benchmarks.md). The other lookups —
-- domain, certificate hash, mobile hash, numbers, session token, state +
-- due time — are indexed where their tables are created (00002, 00004, 00005).

-- The review queue filtered by province: open applications of one province
-- in the reviewer's states, oldest due first, without reading the others.
CREATE INDEX applications_queue_province ON applications (open, province, state, due_at);

-- +goose Down
DROP INDEX applications_queue_province;
