-- +goose Up
-- A reviewer's confirmation of a website's declared domain holder (the
-- organization's shareholder, main leader or a senior manager, seed 2.3
-- (5)) and its proof. A confirmation counts for the submission it was made
-- in (round: the how-manieth time the application entered initial review);
-- one of an earlier round is history.
CREATE TABLE holder_confirmations (
    id             TEXT PRIMARY KEY,
    application_id TEXT NOT NULL,
    website        INTEGER NOT NULL,
    round          INTEGER NOT NULL,
    confirmed_by   TEXT NOT NULL,
    confirmed_at   BIGINT NOT NULL
);
CREATE INDEX holder_confirmations_application ON holder_confirmations (application_id, confirmed_at);

-- +goose Down
DROP TABLE holder_confirmations;
