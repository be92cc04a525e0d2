-- +goose Up
-- The sweep of orphaned blobs asks, per stored blob, whether a row points to it.
CREATE INDEX attachments_blob_key ON attachments (blob_key);

-- +goose Down
DROP INDEX attachments_blob_key;
