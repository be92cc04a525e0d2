-- +goose Up
-- Attachments are encrypted at rest (envelope encryption): each file's own
-- data key, sealed by the personal-data key ("k<n>:…", so `beian rekey`
-- re-seals it with every other sealed value). Empty: a file stored before
-- encryption, in clear until `beian rekey` encrypts it.
ALTER TABLE attachments ADD COLUMN data_key TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE attachments DROP COLUMN data_key;
