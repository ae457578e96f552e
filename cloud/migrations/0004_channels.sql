-- Inkaso cloud schema v4: what the process engine's channels keep (docs/channels.md). Same
-- portable rules as 0001: tenant_id first in every key and index, application-generated ids,
-- INTEGER flags, RFC 3339 TEXT instants, YYYY-MM-DD TEXT days, binary data as base64 TEXT.

-- Message templates (inkaso_channels::template::Template as JSON), referenced by stages' code.
CREATE TABLE templates (
    tenant_id TEXT NOT NULL,
    code TEXT NOT NULL,
    channel TEXT NOT NULL,           -- 'sms' | 'voice' | 'email'
    definition_json TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, code)
);

-- What the channels need from the tenant: creditor data printed in letters, letter and
-- posting settings, interest tables, e-mail reply-to and per-stage BCC, task assignee.
CREATE TABLE channel_settings (
    tenant_id TEXT NOT NULL,
    settings_json TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id)
);

-- Letters the engine produced (PDF demands, registered letters), one per action at most: a
-- runner that dies after rendering finds its letter again instead of numbering a second one.
CREATE TABLE letters (
    tenant_id TEXT NOT NULL,
    letter_id TEXT NOT NULL,
    action_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    debtor_external_id TEXT NOT NULL,
    number TEXT NOT NULL,            -- 'W/12/2026'
    kind TEXT NOT NULL,              -- 'reminder' | 'demand' | 'final_demand'
    letter_date TEXT NOT NULL,
    registered INTEGER NOT NULL DEFAULT 0,
    addressee_json TEXT NOT NULL,
    category TEXT,                   -- registered only: 'economy' | 'priority'
    return_receipt INTEGER NOT NULL DEFAULT 0,
    tracking_number TEXT,
    file_name TEXT NOT NULL,
    pdf_base64 TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, letter_id)
);
CREATE UNIQUE INDEX letters_action ON letters (tenant_id, action_id);
CREATE UNIQUE INDEX letters_number ON letters (tenant_id, number);
CREATE INDEX letters_posting ON letters (tenant_id, registered, letter_date);

-- Letter numbers per tenant and year, taken by a conditional update.
CREATE TABLE letter_counters (
    tenant_id TEXT NOT NULL,
    year BIGINT NOT NULL,
    last_number BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, year)
);

-- Tasks for the client's employees (a call to make, a visit), from a process or by hand.
CREATE TABLE tasks (
    tenant_id TEXT NOT NULL,
    task_id TEXT NOT NULL,
    action_id TEXT,
    agent_id TEXT NOT NULL,
    debtor_external_id TEXT NOT NULL,
    subject TEXT NOT NULL,
    assignee TEXT,
    due_day TEXT NOT NULL,
    documents_json TEXT NOT NULL,
    status TEXT NOT NULL,            -- 'open' | 'done'
    note TEXT,
    created_at TEXT NOT NULL,
    closed_at TEXT,
    closed_by TEXT,
    PRIMARY KEY (tenant_id, task_id)
);
CREATE UNIQUE INDEX tasks_action ON tasks (tenant_id, action_id);
CREATE INDEX tasks_open ON tasks (tenant_id, status, due_day);

-- Sales blocks the engine asked the ERP for; lifted when the debtor owes nothing.
CREATE TABLE sales_blocks (
    tenant_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    debtor_external_id TEXT NOT NULL,
    blocked INTEGER NOT NULL,
    reason TEXT NOT NULL,
    action_id TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, agent_id, debtor_external_id)
);
CREATE INDEX sales_blocks_blocked ON sales_blocks (tenant_id, blocked);

-- Delivery reports (SMSAPI callbacks or polling) on top of "sent".
ALTER TABLE actions ADD COLUMN delivery_status TEXT;
ALTER TABLE actions ADD COLUMN delivered_at TEXT;
-- The one index without tenant_id first: SMSAPI's callback names no tenant, only its message
-- id, which is unique across the service.
CREATE INDEX actions_provider ON actions (provider_id);
