-- Inkaso cloud schema: cases handed to law-firm partners (R-C4, docs/cloud.md "Partner
-- workflow"). Same portable rules as 0001: tenant_id first in every key and index,
-- application-generated ids, INTEGER flags, BIGINT minor units, RFC 3339 TEXT instants.
--
-- tenant_id is always the CLIENT (the creditor) that handed the case over; the partner reaches
-- its cases through tenant_partners (every client linked to it), so even the partner's view is
-- an index range per client tenant and the schema still distributes by tenant.

-- A case: what was handed over, frozen at the hand-off (debtor, documents, action history), and
-- where the partner has taken it since. last_seq numbers the case's events; bumping it is also
-- the conditional one-row UPDATE that serialises writers of one case.
CREATE TABLE cases (
    tenant_id TEXT NOT NULL,
    case_id TEXT NOT NULL,
    partner_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    debtor_external_id TEXT NOT NULL,
    debtor_name TEXT NOT NULL,       -- also in debtor_json; a column so lists need no JSON
    debtor_json TEXT NOT NULL,       -- {kind, name, nip, address, register_address, contacts}
    documents_json TEXT NOT NULL,    -- [{external_id, number, issue_date, due_date, amount_minor, remaining_minor, currency}]
    history_json TEXT NOT NULL,      -- the debtor's actions at the hand-off, oldest first
    total_minor BIGINT NOT NULL,     -- sum of remaining amounts at the hand-off
    currency TEXT NOT NULL,
    status TEXT NOT NULL,            -- handed_off | accepted | rejected | in_court | settlement | paid | closed
    action_id TEXT,                  -- the engine action that opened it; NULL for a manual hand-off
    last_seq BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, case_id)
);
-- The partner's view: its cases of one client by status, most recently changed first.
CREATE INDEX cases_partner ON cases (tenant_id, partner_id, status, updated_at, case_id);
-- The client's list, most recently changed first.
CREATE INDEX cases_updated ON cases (tenant_id, updated_at, case_id);
-- A debtor's cases (the open-case check of a new hand-off).
CREATE INDEX cases_debtor ON cases (tenant_id, agent_id, debtor_external_id);
-- One case per engine action, whatever the retries (NULLs, manual hand-offs, do not collide).
CREATE UNIQUE INDEX cases_action ON cases (tenant_id, action_id);

-- A document's place in a case. `is_open` is 1 while the case is not rejected or closed; the
-- partial unique index makes "a document is in at most one open case" a database rule, so two
-- replicas handing off the same document at once cannot both succeed.
CREATE TABLE case_documents (
    tenant_id TEXT NOT NULL,
    case_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    document_external_id TEXT NOT NULL,
    is_open INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, case_id, document_external_id)
);
CREATE UNIQUE INDEX case_documents_open ON case_documents (tenant_id, agent_id, document_external_id) WHERE is_open = 1;

-- Everything that happened to a case, in order: the hand-off, each status change, each note.
CREATE TABLE case_events (
    tenant_id TEXT NOT NULL,
    case_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,              -- 'opened' | 'status' | 'note'
    party TEXT NOT NULL,             -- 'client' | 'partner' | 'engine'
    actor TEXT NOT NULL,             -- 'user:<id>', 'token:<id>', 'engine'
    status TEXT NOT NULL,            -- the case's status after the event
    note TEXT,
    PRIMARY KEY (tenant_id, case_id, seq)
);
