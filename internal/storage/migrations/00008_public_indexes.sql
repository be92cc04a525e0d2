-- +goose Up
-- The public lookup by number, and the website → subject join of every
-- lookup, from indexes alone (00006 did the domain): a record row also holds
-- its sealed document, so reading rows costs a page per answer, and a
-- crawler asking for many different filings misses the page cache on
-- each. The indexes hold every column the lookup names.
CREATE INDEX website_records_public_number ON website_records (number, status, subject_id, name, domain, approved_on);
CREATE INDEX website_records_public_subject ON website_records (subject_id, status, number, name, domain, approved_on);
CREATE INDEX subject_records_public ON subject_records (id, status, name, nature, number);
CREATE INDEX subject_records_public_number ON subject_records (number, status, id, name, nature);

-- +goose Down
DROP INDEX subject_records_public_number;
DROP INDEX subject_records_public;
DROP INDEX website_records_public_subject;
DROP INDEX website_records_public_number;
