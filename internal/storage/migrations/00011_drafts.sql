-- +goose Up
-- Drafts untouched for 30 days are withdrawn by a background job (workflow.md
-- "What reserves a subject or a domain"); it finds them by their last change.
CREATE INDEX applications_drafts ON applications (updated_at) WHERE state = 'draft' AND open = 1;

-- +goose Down
DROP INDEX applications_drafts;
