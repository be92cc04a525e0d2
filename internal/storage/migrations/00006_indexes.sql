-- +goose Up
-- Indexes for lookups at scale (docs/benchmarks.md). The other lookups —
-- domain, certificate hash, mobile hash, numbers, session token, state +
-- due time — are indexed where their tables are created (00002, 00004, 00005).

-- The review queue: open applications in the reviewer's states, oldest due
-- first, by province or all. The indexes are in queue order (due time,
-- submission, id) and hold every column a queue line shows, so a page is
-- one short index walk: no sort of the whole queue, no visit to the rows
-- (each holds a sealed document of a few kilobytes). Partial: closed
-- applications take no room. (open is listed too: SQLite counts an index
-- as covering only when it holds every column the query names.)
CREATE INDEX applications_queue_province ON applications (province, due_at, submitted_at, id, state, flow, subject_name, open)
    WHERE open = 1;
CREATE INDEX applications_queue ON applications (due_at, submitted_at, id, state, flow, subject_name, province, open)
    WHERE open = 1;

-- The public lookup by domain, from the index alone: a website row also
-- holds its sealed data, so reading the row costs a page per answer.
CREATE INDEX website_records_public_domain ON website_records (domain, status, subject_id, name, number, approved_on);

-- +goose Down
DROP INDEX website_records_public_domain;
DROP INDEX applications_queue;
DROP INDEX applications_queue_province;
