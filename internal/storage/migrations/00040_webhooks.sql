-- +goose Up
-- Partner webhooks (docs/webhooks.md): endpoints an account or the
-- provider (account_id '') registers, one delivery per endpoint and state
-- change, written in the transaction of the change, and every attempt.
CREATE TABLE webhook_endpoints (
    id            TEXT PRIMARY KEY,
    account_id    TEXT NOT NULL DEFAULT '', -- '' is provider-wide: every application
    url           TEXT NOT NULL,
    secret_sealed TEXT NOT NULL,            -- the signing secret, sealed like personal data
    description   TEXT NOT NULL DEFAULT '',
    active        INTEGER NOT NULL DEFAULT 1,
    created_by    TEXT NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL,
    disabled_at   BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX webhook_endpoints_account ON webhook_endpoints (account_id, active);

-- A delivery's id is the webhook-id header: receivers drop a repeat by it.
CREATE TABLE webhook_deliveries (
    id             TEXT PRIMARY KEY,
    endpoint_id    TEXT NOT NULL REFERENCES webhook_endpoints (id),
    transition_id  TEXT NOT NULL,
    application_id TEXT NOT NULL,
    event          TEXT NOT NULL,
    payload        TEXT NOT NULL,          -- the body, fixed when the change committed
    state          TEXT NOT NULL DEFAULT 'pending', -- pending | delivered | failed
    attempts       INTEGER NOT NULL DEFAULT 0,
    last_status    INTEGER NOT NULL DEFAULT 0,
    last_error     TEXT NOT NULL DEFAULT '',
    created_at     BIGINT NOT NULL,
    delivered_at   BIGINT NOT NULL DEFAULT 0,
    UNIQUE (endpoint_id, transition_id)
);
CREATE INDEX webhook_deliveries_created ON webhook_deliveries (created_at);
CREATE INDEX webhook_deliveries_state ON webhook_deliveries (state, created_at);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, created_at);
CREATE INDEX webhook_deliveries_application ON webhook_deliveries (application_id);

CREATE TABLE webhook_attempts (
    delivery_id TEXT NOT NULL REFERENCES webhook_deliveries (id),
    n           INTEGER NOT NULL,
    at          BIGINT NOT NULL,
    status      INTEGER NOT NULL DEFAULT 0, -- the HTTP status, 0 when none came
    error       TEXT NOT NULL DEFAULT '',
    duration_ms BIGINT NOT NULL DEFAULT 0,
    replay      INTEGER NOT NULL DEFAULT 0, -- a staff member asked for it again
    actor_id    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (delivery_id, n)
);

-- +goose Down
DROP TABLE webhook_attempts;
DROP TABLE webhook_deliveries;
DROP TABLE webhook_endpoints;
