-- Each debtor's payment statistics as last sent to its agent (a digest of the result), so the
-- nightly publication sends only what changed; and the day each firm's were last computed.
CREATE TABLE debtor_stats_published (
    tenant_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    debtor_external_id TEXT NOT NULL,
    digest TEXT NOT NULL,
    published_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, agent_id, debtor_external_id)
);

CREATE TABLE debtor_stats_runs (
    tenant_id TEXT NOT NULL PRIMARY KEY,
    last_on TEXT NOT NULL
);
