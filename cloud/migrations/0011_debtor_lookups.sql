-- A debtor's page lists its tasks; without this it would read every task of the firm.
CREATE INDEX tasks_debtor ON tasks (tenant_id, agent_id, debtor_external_id);
