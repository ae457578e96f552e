-- A debtor's sector (PKD section A–U) for the market comparison, as the client set it.
CREATE TABLE debtor_sectors (
    tenant_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    debtor_external_id TEXT NOT NULL,
    sector TEXT NOT NULL,
    source TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, agent_id, debtor_external_id)
);
