-- The agent's local state. See agent/src/state.rs for the invariants.

-- What the cloud holds, as far as this agent knows: fingerprints of what it last sent.
CREATE TABLE sent_debtor (
    external_id TEXT PRIMARY KEY NOT NULL,
    fingerprint BLOB NOT NULL
) WITHOUT ROWID;

CREATE TABLE sent_document (
    external_id TEXT PRIMARY KEY NOT NULL,
    debtor_external_id TEXT NOT NULL,
    fingerprint BLOB NOT NULL
) WITHOUT ROWID;

-- Batches written but not yet acknowledged by the cloud, in seq order. `body` is the
-- gzip-compressed JSON exactly as sent: a re-send repeats the same bytes.
CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY NOT NULL,
    op_count INTEGER NOT NULL,
    body BLOB NOT NULL,
    created_at TEXT NOT NULL
);

-- Small facts: next_seq, last_full_reconcile_at, results_cursor, last_sync_at, last_error.
CREATE TABLE meta (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- Results pulled from the cloud's feed, kept until written everywhere configured.
CREATE TABLE result (
    cursor TEXT PRIMARY KEY NOT NULL,
    position INTEGER NOT NULL UNIQUE,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    report_written INTEGER NOT NULL DEFAULT 0,
    erp_written INTEGER NOT NULL DEFAULT 0,
    erp_attempts INTEGER NOT NULL DEFAULT 0,
    erp_error TEXT
);

-- One row per sync run: what it read, decided and sent.
CREATE TABLE sync_run (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    kind TEXT NOT NULL,            -- incremental | full
    status TEXT NOT NULL,          -- running | ok | failed
    rows_read INTEGER NOT NULL DEFAULT 0,
    ops INTEGER NOT NULL DEFAULT 0,
    batches_sent INTEGER NOT NULL DEFAULT 0,
    bytes_sent INTEGER NOT NULL DEFAULT 0,
    quarantined INTEGER NOT NULL DEFAULT 0,
    error TEXT
);

-- ERP rows that could not be used, per run: nothing is dropped silently.
CREATE TABLE quarantine (
    run_id INTEGER NOT NULL REFERENCES sync_run(id) ON DELETE CASCADE,
    row_key TEXT NOT NULL,
    field TEXT NOT NULL,
    value TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX quarantine_run ON quarantine(run_id);
