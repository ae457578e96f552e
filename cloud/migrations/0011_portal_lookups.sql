-- Lookups the portal's pages make for a large firm (see the portal benchmark in docs/portal.md).
-- A debtor's page lists its tasks; without this it would read every task of the firm.
CREATE INDEX tasks_debtor ON tasks (tenant_id, agent_id, debtor_external_id);

-- The firm's history newest first, whole or by status (the history page, the dashboard's
-- "needs a person" and its last-7-days counts): without these, every page sorted all actions.
CREATE INDEX actions_created ON actions (tenant_id, created_at, action_id);
CREATE INDEX actions_status_created ON actions (tenant_id, status, created_at, action_id);
