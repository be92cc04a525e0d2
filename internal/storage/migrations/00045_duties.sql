-- +goose Up
-- The owner's duties after approval (docs/operations.md "Expiry and duty
-- reminders"): what the owner recorded (the 公安备案 done, the business
-- licence's validity), the domain registry's expiry dates as last looked
-- up, and every reminder sent, once per deadline and lead time.
CREATE TABLE duty_marks (
    object_id  TEXT NOT NULL,              -- a website record (psb_filing) or a subject record (licence_validity)
    kind       TEXT NOT NULL,              -- psb_filing | licence_validity
    value      TEXT NOT NULL DEFAULT '',   -- the 公安备案号, or YYYY-MM-DD / long_term
    actor_id   TEXT NOT NULL DEFAULT '',
    at         BIGINT NOT NULL,
    PRIMARY KEY (object_id, kind)
);

CREATE TABLE domain_expiry (
    domain     TEXT PRIMARY KEY,
    expires_on TEXT NOT NULL DEFAULT '',   -- YYYY-MM-DD (CST); '' unknown
    assumed    INTEGER NOT NULL DEFAULT 0, -- the registry did not know the domain: no date to trust
    checked_at BIGINT NOT NULL
);

-- One row per reminder sent: the key names the duty, its deadline and the
-- lead time, so a reminder goes out once however many instances scan, and
-- a new deadline (a renewed ID card) gets reminders of its own.
CREATE TABLE duty_reminders (
    idem_key    TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    owner_id    TEXT NOT NULL,
    due_on      TEXT NOT NULL,
    days_before INTEGER NOT NULL,
    sent_at     BIGINT NOT NULL
);
CREATE INDEX duty_reminders_owner ON duty_reminders (owner_id);

-- +goose Down
DROP TABLE duty_reminders;
DROP TABLE domain_expiry;
DROP TABLE duty_marks;
