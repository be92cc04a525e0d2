-- +goose Up
-- Notifications. The outbox is the embedded default channel: messages are
-- stored here and shown in the admin UI. The recipient is sealed, with a
-- keyed hash for filtering and a masked form for lists. idem_key is the
-- job's idempotency key: a job re-run after a crash inserts nothing new.
CREATE TABLE outbox (
    id               TEXT PRIMARY KEY,
    channel          TEXT NOT NULL,            -- email | sms
    recipient_sealed TEXT NOT NULL,
    recipient_hash   TEXT NOT NULL,
    recipient_masked TEXT NOT NULL,
    subject          TEXT NOT NULL DEFAULT '',
    body             TEXT NOT NULL,
    lang             TEXT NOT NULL DEFAULT 'zh',
    idem_key         TEXT NOT NULL UNIQUE,
    sent_at          BIGINT NOT NULL
);
CREATE INDEX outbox_sent ON outbox (sent_at);
CREATE INDEX outbox_recipient ON outbox (recipient_hash, sent_at);

-- Messages handed to SMTP or the SMS gateway, keyed by the job's
-- idempotency key, recorded in the transaction that completes the job so a
-- retry after a crash sees the send and does not repeat it.
CREATE TABLE sent_messages (
    idem_key         TEXT PRIMARY KEY,
    channel          TEXT NOT NULL,
    recipient_masked TEXT NOT NULL,
    subject          TEXT NOT NULL DEFAULT '',
    sent_at          BIGINT NOT NULL
);

-- +goose Down
DROP TABLE sent_messages;
DROP TABLE outbox;
