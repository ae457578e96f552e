-- Inkaso cloud schema: notifications a firm's people make by hand (R-N4) — an SMS the system
-- sends, or an SMS sent from a phone and a call, recorded only — each with what the debtor owed
-- when it was made. Same portable rules as 0001: tenant_id first in every key and index, RFC
-- 3339 TEXT instants, TEXT days.
CREATE TABLE notifications (
    tenant_id TEXT NOT NULL,
    notification_id TEXT NOT NULL,
    debtor_id TEXT NOT NULL,
    kind TEXT NOT NULL,              -- 'sms' | 'external_sms' | 'call'
    status TEXT NOT NULL,            -- 'unsent' | 'sent' | 'failed' | 'recorded'
    text TEXT NOT NULL,              -- the SMS (as sent), or what was said
    note TEXT,
    promise_date TEXT,               -- the day the debtor promised to pay by
    snapshot_json TEXT NOT NULL,     -- domain::notifications::Snapshot at creation
    author TEXT NOT NULL,
    created_at TEXT NOT NULL,
    sent_at TEXT,                    -- sent (or recorded) at
    to_number TEXT,
    provider_id TEXT,
    failure TEXT,
    PRIMARY KEY (tenant_id, notification_id)
);
CREATE INDEX notifications_debtor ON notifications (tenant_id, debtor_id, created_at);
CREATE INDEX notifications_created ON notifications (tenant_id, created_at, notification_id);

-- Mass notifications (R-N6): one batch per confirmed wizard (its form's request id makes a
-- double click or a retry create nothing twice), sent in the background with its progress
-- and an abort that the sender reads between two messages.
CREATE TABLE notification_batches (
    tenant_id TEXT NOT NULL,
    batch_id TEXT NOT NULL,
    request_id TEXT NOT NULL,
    template TEXT NOT NULL,
    filter_json TEXT NOT NULL,
    author TEXT NOT NULL,
    created_at TEXT NOT NULL,
    total BIGINT NOT NULL,
    state TEXT NOT NULL,             -- 'created' | 'sending' | 'aborted' | 'done'
    abort_requested INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, batch_id)
);
CREATE UNIQUE INDEX notification_batches_request ON notification_batches (tenant_id, request_id);
ALTER TABLE notifications ADD COLUMN batch_id TEXT;
CREATE INDEX notifications_batch ON notifications (tenant_id, batch_id, status);

-- The legal basis a consent rests on (R-N3: consent with its source, date and basis), e.g.
-- "art. 6 ust. 1 lit. a RODO"; NULL when not recorded. Reset with the consent when the ERP's
-- number changes (the ingest keeps consent only while the value stays the same).
ALTER TABLE contacts ADD COLUMN consent_basis TEXT;
