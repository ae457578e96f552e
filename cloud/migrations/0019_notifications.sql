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
