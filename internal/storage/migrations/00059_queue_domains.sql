-- +goose Up
-- The review queue shows each application's domains. Read from
-- application_domains they cost one index descent per application: at a
-- million subjects two thirds of a queue page's time (issue 17). The
-- application now keeps them itself, space-separated in document order,
-- written with the row, and the queue indexes hold them: a page is one
-- index walk again. (string_agg with ORDER BY: PostgreSQL, SQLite 3.44+.)
-- Only open applications are filled in: the queue shows nothing else, and
-- only UpdateApplication opens one again, writing the column as it does.
-- A list over 1,024 bytes is '*' (storage.QueueDomains): an index entry
-- is bounded, and the queue reads those few from application_domains.
ALTER TABLE applications ADD COLUMN queue_domains TEXT NOT NULL DEFAULT '';
UPDATE applications SET queue_domains = COALESCE((SELECT CASE WHEN octet_length(string_agg(d.domain, ' ' ORDER BY d.idx)) > 1024
    THEN '*' ELSE string_agg(d.domain, ' ' ORDER BY d.idx) END
    FROM application_domains d WHERE d.application_id = applications.id), '')
    WHERE open = 1;
DROP INDEX applications_queue_province;
DROP INDEX applications_queue;
CREATE INDEX applications_queue_province ON applications (province, due_at, submitted_at, id, state, flow, subject_name, open, queue_domains)
    WHERE open = 1;
CREATE INDEX applications_queue ON applications (due_at, submitted_at, id, state, flow, subject_name, province, open, queue_domains)
    WHERE open = 1;

-- +goose Down
DROP INDEX applications_queue;
DROP INDEX applications_queue_province;
CREATE INDEX applications_queue_province ON applications (province, due_at, submitted_at, id, state, flow, subject_name, open)
    WHERE open = 1;
CREATE INDEX applications_queue ON applications (due_at, submitted_at, id, state, flow, subject_name, province, open)
    WHERE open = 1;
ALTER TABLE applications DROP COLUMN queue_domains;
