-- Inkaso cloud schema: the e-mails about cases handed to law firms (R-C4). Same portable rules
-- as 0001: tenant_id first in every key and index, INTEGER flags, RFC 3339 TEXT instants,
-- TEXT days.

-- A firm's settings of those e-mails and, for a law firm, its last digest. No row: the
-- defaults (domain::case_mail::CaseMailSettings::default).
CREATE TABLE case_mail (
    tenant_id TEXT NOT NULL,
    digest TEXT NOT NULL,            -- law firm: 'daily' | 'weekly' | 'off'
    digest_hour INTEGER NOT NULL,    -- law firm: from this hour (Polish time) the day's digest may go
    status_mail INTEGER NOT NULL,    -- creditor: 1 = mail the law firm's changes of its cases
    recipients TEXT NOT NULL,        -- one address per line; '' = the firm's admins and editors
    digest_day TEXT,                 -- the (Polish) day of the last digest sent, claimed before sending
    digest_at TEXT,                  -- the instant it covered cases up to: the next starts after it
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id)
);

-- When the creditor's mail took an event in (an event the mail does not report is marked too,
-- so the index holds only what is waiting). Events before this migration count as mailed.
ALTER TABLE case_events ADD COLUMN mailed_at TEXT;
UPDATE case_events SET mailed_at = at;
CREATE INDEX case_events_unmailed ON case_events (tenant_id, case_id, seq) WHERE mailed_at IS NULL;
