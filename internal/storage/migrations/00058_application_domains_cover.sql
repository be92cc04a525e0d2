-- +goose Up
-- The review queue shows each application's domains: one query per page
-- of 50 (application_id IN (…) ORDER BY application_id, idx). The primary
-- key finds the rows but the domain is in the row, so every domain cost a
-- second B-tree descent: half of a queue page's time at a million
-- applications (issue 17). This index holds the domain too.
CREATE INDEX application_domains_app ON application_domains (application_id, idx, domain);

-- +goose Down
DROP INDEX application_domains_app;
