-- Inkaso cloud schema: files attached to cases handed to law firms (court filings, settlement
-- scans). Same portable rules as 0001: tenant_id (the creditor) first in every key, application
-- ids, BIGINT sizes, RFC 3339 TEXT instants; the content is base64 TEXT (as letters' PDFs), at
-- most 10 MiB before encoding (domain::cases::MAX_FILE_BYTES).
CREATE TABLE case_files (
    tenant_id TEXT NOT NULL,
    case_id TEXT NOT NULL,
    file_id TEXT NOT NULL,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    party TEXT NOT NULL,             -- 'client' | 'partner'
    actor TEXT NOT NULL,
    created_at TEXT NOT NULL,
    content_base64 TEXT NOT NULL,
    PRIMARY KEY (tenant_id, case_id, file_id)
);

-- A payment the law firm records under a settlement: its amount (the case's currency, minor
-- units) and day, on the case's event (kind 'payment').
ALTER TABLE case_events ADD COLUMN amount_minor BIGINT;
ALTER TABLE case_events ADD COLUMN on_day TEXT;
