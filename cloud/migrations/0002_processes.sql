-- Inkaso cloud schema v2: the process engine (docs/processes.md). Same portable rules as 0001:
-- tenant_id first in every key and index, application-generated ids, INTEGER flags, BIGINT
-- minor units, RFC 3339 TEXT instants, YYYY-MM-DD TEXT days.

-- Collection processes ("schematy windykacji"): the definition is process::model::Process as
-- JSON; code and the default flag are columns so the one-default rule and lookups need no JSON.
CREATE TABLE processes (
    tenant_id TEXT NOT NULL,
    code TEXT NOT NULL,
    is_default INTEGER NOT NULL DEFAULT 0,
    definition_json TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, code)
);

-- Group rules, tried in position order (process::model::GroupRule as JSON).
CREATE TABLE process_rules (
    tenant_id TEXT NOT NULL,
    position BIGINT NOT NULL,
    process_code TEXT NOT NULL,
    rule_json TEXT NOT NULL,
    PRIMARY KEY (tenant_id, position)
);

-- Per-tenant engine settings: test mode (R-C5) and the policy (process::state::TenantPolicy).
CREATE TABLE collection_settings (
    tenant_id TEXT NOT NULL,
    test_mode INTEGER NOT NULL DEFAULT 0,
    policy_json TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id)
);

-- A channel the provider refused at account level (no points, token refused): nothing goes out
-- on it for the tenant until someone resumes it.
CREATE TABLE channel_pauses (
    tenant_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    reason TEXT NOT NULL,
    paused_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, channel)
);

-- A debtor's collection state beside its synced record: own process, tags, exclusion, legal
-- status, voice consent (SMS and e-mail consents live on contacts), contacts made outside the
-- engine, and the planner's next wake-up with the hold it last reported.
CREATE TABLE debtor_collection (
    tenant_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    debtor_external_id TEXT NOT NULL,
    own_process TEXT,
    tags_json TEXT NOT NULL DEFAULT '[]',
    excluded INTEGER NOT NULL DEFAULT 0,
    legal_status TEXT NOT NULL DEFAULT 'active',  -- 'active' | 'deceased' | 'bankrupt'
    voice_consent INTEGER,
    last_contact_at TEXT,
    next_wake_at TEXT,
    hold_reason TEXT,
    planned_at TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, agent_id, debtor_external_id)
);
CREATE INDEX debtor_collection_wake ON debtor_collection (tenant_id, next_wake_at);
CREATE INDEX debtor_collection_process ON debtor_collection (tenant_id, own_process);

-- Pauses: promise to pay, dispute, manual; for a debtor or one of its documents.
CREATE TABLE collection_pauses (
    tenant_id TEXT NOT NULL,
    pause_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    debtor_external_id TEXT NOT NULL,
    document_external_id TEXT,
    kind TEXT NOT NULL,              -- 'promise_to_pay' | 'dispute' | 'manual'
    until_day TEXT,                  -- last day (inclusive); NULL until lifted
    reason TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (tenant_id, pause_id)
);
CREATE INDEX collection_pauses_debtor ON collection_pauses (tenant_id, agent_id, debtor_external_id);

-- Actions: every planned, claimed, sent, failed, skipped or held occurrence, keyed for ever by
-- its idempotency key (also what providers see: SMSAPI idx, the e-mail Message-ID).
CREATE TABLE actions (
    tenant_id TEXT NOT NULL,
    action_id TEXT NOT NULL,
    idem_key TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    debtor_external_id TEXT NOT NULL,
    process_code TEXT NOT NULL,
    stage_code TEXT NOT NULL,
    channel TEXT NOT NULL,
    template TEXT NOT NULL,
    documents_json TEXT NOT NULL,    -- [{document, occurrence, scheduled}]
    planned_for TEXT NOT NULL,       -- the slot; for a retry, the next attempt
    status TEXT NOT NULL,            -- 'planned' | 'claimed' | 'sent' | 'failed' | 'skipped' | 'held'
    reason_code TEXT,
    reason TEXT,                     -- Polish, as shown
    reason_en TEXT,
    claimed_by TEXT,
    claimed_at TEXT,
    attempts BIGINT NOT NULL DEFAULT 0,
    provider_id TEXT,
    cost_minor BIGINT,
    description TEXT,
    manual INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    done_at TEXT,
    PRIMARY KEY (tenant_id, action_id)
);
CREATE UNIQUE INDEX actions_key ON actions (tenant_id, idem_key);
CREATE INDEX actions_due ON actions (tenant_id, status, planned_for);
CREATE INDEX actions_debtor ON actions (tenant_id, agent_id, debtor_external_id, created_at);

-- Which documents an action covered, for history per document.
CREATE TABLE action_documents (
    tenant_id TEXT NOT NULL,
    action_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    document_external_id TEXT NOT NULL,
    occurrence BIGINT NOT NULL,
    scheduled TEXT NOT NULL,
    PRIMARY KEY (tenant_id, action_id, document_external_id)
);
CREATE INDEX action_documents_doc ON action_documents (tenant_id, agent_id, document_external_id);
