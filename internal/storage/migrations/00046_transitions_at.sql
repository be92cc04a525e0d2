-- +goose Up
-- The reviewer dashboard (docs/review.md "Reviewer insight") finds the
-- state changes of a period by time.
CREATE INDEX transitions_at ON transitions (at);

-- +goose Down
DROP INDEX transitions_at;
