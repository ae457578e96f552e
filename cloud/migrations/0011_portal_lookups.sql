-- Lookups the portal's pages make for a large firm (see the portal benchmark in docs/portal.md).
-- A debtor's page lists its tasks; without this it would read every task of the firm.
CREATE INDEX tasks_debtor ON tasks (tenant_id, agent_id, debtor_external_id);

-- The firm's history newest first, whole or by status (the history page, the dashboard's
-- "needs a person" and its last-7-days counts): without these, every page sorted all actions.
-- (channel and status ride along so the last-7-days counts read the index alone).
CREATE INDEX actions_created ON actions (tenant_id, created_at, action_id, channel, status);
CREATE INDEX actions_status_created ON actions (tenant_id, status, created_at, action_id);

-- The dashboard's ageing sums every open document by currency and age: from the index alone.
CREATE INDEX documents_ageing ON documents (tenant_id, status, currency, due_date, remaining_minor);

-- A debtor's page reads its history and open documents in order. SQLite (no statistics)
-- preferred an index that gives the order over one that finds the debtor, and walked the firm:
-- these give both, so they win.
DROP INDEX actions_debtor;
CREATE INDEX actions_debtor ON actions (tenant_id, agent_id, debtor_external_id, created_at, action_id);
DROP INDEX documents_debtor;
CREATE INDEX documents_debtor ON documents (tenant_id, agent_id, debtor_external_id, status, due_date, external_id);
