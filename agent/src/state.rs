//! The agent's durable local state: one SQLite file (sqlx), opened in WAL mode.
//!
//! # What it holds
//! - the **snapshot**: a fingerprint of every debtor and open document the cloud holds, as far as
//!   this agent knows (`sent_debtor`, `sent_document`);
//! - the **outbox**: batches written but not yet acknowledged, each with its `seq` and the exact
//!   gzip bytes to (re-)send;
//! - `meta`: `next_seq`, the results cursor, the time of the last full reconcile and sync;
//! - results pulled from the cloud, sync runs and their quarantine reports.
//!
//! # Invariants
//! 1. A cycle's ops and the snapshot changes they imply are committed in **one transaction**
//!    ([`CycleTx`]), together with the advance of `next_seq`.
//! 2. `seq` is assigned inside that transaction, so one `seq` always names the same bytes.
//! 3. A batch leaves the outbox only after the cloud acknowledged it ([`State::ack`]).
//!
//! # Crash recovery
//! Killed before a cycle commits: nothing of it exists; the next cycle diffs the ERP against the
//! old snapshot and produces the same ops again (or newer ones). Killed after the commit but
//! before shipping, or mid-request: the batches wait in the outbox and are sent again with the
//! same `seq`; the cloud acknowledges a replay without applying it twice. Killed after the cloud
//! applied a batch but before the ack was stored: the same. So every change reaches the cloud
//! exactly once, and the snapshot never claims more than the outbox and the cloud together hold.
//! When the state file itself is lost, the cloud's `next_seq` (from `/agent/v1/config`) tells
//! the agent where to continue, and a full reconcile makes the cloud equal to the ERP.

use std::io::Write as _;
use std::path::Path;

use chrono::{DateTime, Utc};
use flate2::Compression;
use flate2::write::GzEncoder;
use inkaso_shared::protocol::{Batch, Op, PROTOCOL_VERSION};
use inkaso_shared::{Clock as _, ExternalId, SystemClock};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqlitePool};

use crate::sync::diff::{Fingerprint, Snapshot, SnapshotChange};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Errors of the local state.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// The database failed.
    #[error("baza stanu agenta: {0}")]
    Db(#[from] sqlx::Error),
    /// A migration failed.
    #[error("migracja bazy stanu agenta: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Stored data is not what this version wrote.
    #[error("uszkodzony stan agenta: {0}")]
    Corrupt(String),
    /// Compressing a batch failed.
    #[error("kompresja partii: {0}")]
    Io(#[from] std::io::Error),
}

/// One batch waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxBatch {
    /// Its sequence number.
    pub seq: u64,
    /// How many ops it carries.
    pub op_count: u64,
    /// The gzip-compressed JSON body.
    pub body: Vec<u8>,
}

/// Keys of the `meta` table.
pub mod keys {
    /// The next `seq` to assign.
    pub const NEXT_SEQ: &str = "next_seq";
    /// The results feed cursor acknowledged so far.
    pub const RESULTS_CURSOR: &str = "results_cursor";
    /// When the last full reconcile was committed (RFC 3339).
    pub const LAST_FULL_RECONCILE: &str = "last_full_reconcile_at";
    /// When the last sync completed successfully (RFC 3339).
    pub const LAST_SYNC: &str = "last_sync_at";
    /// The last error (no personal data).
    pub const LAST_ERROR: &str = "last_error";
}

/// The agent's state file.
#[derive(Debug, Clone)]
pub struct State {
    pool: SqlitePool,
}

impl State {
    /// Opens (creating if needed) the state file and brings its schema up to date.
    pub async fn open(path: &Path) -> Result<State, StateError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: a committed cycle survives a power cut, not only a killed process.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(std::time::Duration::from_secs(30));
        // One connection: the agent is the only writer, and a single connection makes the
        // cycle transaction and later reads trivially consistent.
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await?;
        MIGRATOR.run(&pool).await?;
        Ok(State { pool })
    }

    /// Closes the state file: the write-ahead log is folded back and removed, so another
    /// account (the service's, after the set-up's first sync as root) finds one file.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Whether the state was just created (no `next_seq` yet): the agent must learn where to
    /// continue from the cloud and reconcile fully.
    pub async fn is_fresh(&self) -> Result<bool, StateError> {
        Ok(self.meta(keys::NEXT_SEQ).await?.is_none())
    }

    /// A `meta` value.
    pub async fn meta(&self, key: &str) -> Result<Option<String>, StateError> {
        let row = sqlx::query("SELECT value FROM meta WHERE key = ?1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.get::<String, _>(0)))
    }

    /// Sets a `meta` value.
    pub async fn set_meta(&self, key: &str, value: &str) -> Result<(), StateError> {
        set_meta(&self.pool, key, value).await
    }

    /// Removes a `meta` value.
    pub async fn clear_meta(&self, key: &str) -> Result<(), StateError> {
        sqlx::query("DELETE FROM meta WHERE key = ?1")
            .bind(key)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// A `meta` timestamp.
    pub async fn meta_time(&self, key: &str) -> Result<Option<DateTime<Utc>>, StateError> {
        self.meta(key)
            .await?
            .map(|v| {
                DateTime::parse_from_rfc3339(&v)
                    .map(|t| t.with_timezone(&Utc))
                    .map_err(|e| StateError::Corrupt(format!("{key} = {v}: {e}")))
            })
            .transpose()
    }

    /// The next `seq` to assign (1 when none was assigned yet).
    pub async fn next_seq(&self) -> Result<u64, StateError> {
        match self.meta(keys::NEXT_SEQ).await? {
            Some(v) => v
                .parse()
                .map_err(|_| StateError::Corrupt(format!("next_seq = {v}"))),
            None => Ok(1),
        }
    }

    /// Loads the snapshot of what the cloud holds.
    pub async fn load_snapshot(&self) -> Result<Snapshot, StateError> {
        use futures_util::TryStreamExt as _;
        // Streamed row by row: a million fetched rows at once would cost more memory than the
        // snapshot itself. Debtors first, so documents share their debtor's id in the arena.
        let mut snapshot = Snapshot::default();
        let mut rows =
            sqlx::query("SELECT external_id, fingerprint FROM sent_debtor").fetch(&self.pool);
        while let Some(row) = rows.try_next().await? {
            let id = stored_id(row.get::<&str, _>(0))?;
            snapshot.insert_debtor(id, fingerprint_of(row.get::<&[u8], _>(1))?);
        }
        drop(rows);
        let mut rows =
            sqlx::query("SELECT external_id, debtor_external_id, fingerprint FROM sent_document")
                .fetch(&self.pool);
        while let Some(row) = rows.try_next().await? {
            let id = stored_id(row.get::<&str, _>(0))?;
            let debtor = stored_id(row.get::<&str, _>(1))?;
            let fingerprint = fingerprint_of(row.get::<&[u8], _>(2))?;
            snapshot.insert_document(id, debtor, fingerprint);
        }
        Ok(snapshot)
    }

    /// Forgets the snapshot and the outbox and continues numbering at `next_seq`: used when the
    /// cloud's sequence shows the two sides diverged. A full reconcile must follow.
    pub async fn reset_to(&self, next_seq: u64) -> Result<(), StateError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM sent_document")
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sent_debtor")
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM outbox").execute(&mut *tx).await?;
        sqlx::query("DELETE FROM meta WHERE key = ?1")
            .bind(keys::LAST_FULL_RECONCILE)
            .execute(&mut *tx)
            .await?;
        set_meta(&mut *tx, keys::NEXT_SEQ, &next_seq.to_string()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Starts a cycle's transaction.
    pub async fn begin_cycle(&self, batch_size: usize) -> Result<CycleTx, StateError> {
        let next_seq = self.next_seq().await?;
        let tx = self.pool.begin().await?;
        Ok(CycleTx {
            tx,
            next_seq,
            batch_size: batch_size.max(1),
            ops: Vec::new(),
            changes: Vec::new(),
            batches: 0,
        })
    }

    /// The oldest batches waiting, in `seq` order.
    pub async fn outbox(&self, limit: u32) -> Result<Vec<OutboxBatch>, StateError> {
        let rows = sqlx::query("SELECT seq, op_count, body FROM outbox ORDER BY seq LIMIT ?1")
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter()
            .map(|r| {
                Ok(OutboxBatch {
                    seq: to_u64(r.get::<i64, _>(0), "outbox.seq")?,
                    op_count: to_u64(r.get::<i64, _>(1), "outbox.op_count")?,
                    body: r.get(2),
                })
            })
            .collect()
    }

    /// Batches and ops waiting to be sent.
    pub async fn queue_depth(&self) -> Result<(u64, u64), StateError> {
        let row = sqlx::query("SELECT COUNT(*), COALESCE(SUM(op_count), 0) FROM outbox")
            .fetch_one(&self.pool)
            .await?;
        Ok((
            to_u64(row.get::<i64, _>(0), "outbox count")?,
            to_u64(row.get::<i64, _>(1), "outbox ops")?,
        ))
    }

    /// The cloud acknowledged `seq`: it leaves the outbox.
    pub async fn ack(&self, seq: u64) -> Result<(), StateError> {
        sqlx::query("DELETE FROM outbox WHERE seq = ?1")
            .bind(to_i64(seq)?)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The cloud refused op `index` of batch `seq` as an invalid record (422 `invalid_record`,
    /// e.g. a record an older agent let through): that op is taken out and the batch written
    /// back under the same `seq` — the cloud applies a batch whole or not at all, so none of it
    /// was applied —, the record's fingerprint is forgotten (the agent no longer believes the
    /// cloud has it; a corrected ERP row is sent again), and the refusal is quarantined in run
    /// `run_id` with the cloud's reason. Returns the refused record's id. Only record ops are
    /// taken out: a refused `snapshot_begin`/`snapshot_end` stays an error.
    ///
    /// Works on the JSON rather than on [`Batch`]: the refused record may be one that this
    /// version's own checks no longer let deserialise.
    pub async fn refuse_op(
        &self,
        seq: u64,
        index: usize,
        run_id: i64,
        reason: &str,
    ) -> Result<String, StateError> {
        use std::io::Read as _;
        let mut tx = self.pool.begin().await?;
        let row = sqlx::query("SELECT body FROM outbox WHERE seq = ?1")
            .bind(to_i64(seq)?)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StateError::Corrupt(format!("brak partii {seq} w kolejce")))?;
        let body: Vec<u8> = row.try_get(0)?;
        let mut json = Vec::new();
        flate2::read::GzDecoder::new(body.as_slice()).read_to_end(&mut json)?;
        let mut batch: serde_json::Value =
            serde_json::from_slice(&json).map_err(|e| StateError::Corrupt(e.to_string()))?;
        let ops = batch
            .get_mut("ops")
            .and_then(serde_json::Value::as_array_mut)
            .ok_or_else(|| StateError::Corrupt(format!("partia {seq} bez ops")))?;
        if index >= ops.len() {
            return Err(StateError::Corrupt(format!(
                "chmura odrzuciła ops[{index}], a partia {seq} ma {} operacji",
                ops.len()
            )));
        }
        let op = ops.remove(index);
        let op_count = ops.len();
        let kind = op.get("op").and_then(|k| k.as_str()).unwrap_or_default();
        let id_of = |v: Option<&serde_json::Value>| {
            v.and_then(|r| r.get("external_id"))
                .and_then(serde_json::Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let (id, table) = match kind {
            "upsert_debtor" => (id_of(op.get("debtor")), Some("sent_debtor")),
            "upsert_document" => (id_of(op.get("document")), Some("sent_document")),
            "close_document" | "remove_debtor" => (id_of(Some(&op)), None),
            other => {
                return Err(StateError::Corrupt(format!(
                    "chmura odrzuciła operację {other} (ops[{index}] partii {seq}): {reason}"
                )));
            }
        };
        sqlx::query("UPDATE outbox SET body = ?2, op_count = ?3 WHERE seq = ?1")
            .bind(to_i64(seq)?)
            .bind(encode_json(&batch)?)
            .bind(i64::try_from(op_count).unwrap_or(i64::MAX))
            .execute(&mut *tx)
            .await?;
        if let Some(table) = table {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DELETE FROM {table} WHERE external_id = ?1"
            )))
            .bind(&id)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "INSERT INTO quarantine (run_id, row_key, field, value, reason) VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .bind(run_id)
        .bind(&id)
        .bind(kind)
        .bind("")
        .bind(format!("odrzucone przez chmurę: {reason}"))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Records the start of a sync run; returns its id.
    pub async fn start_run(&self, at: DateTime<Utc>) -> Result<i64, StateError> {
        let row = sqlx::query(
            "INSERT INTO sync_run (started_at, kind, status) VALUES (?1, 'incremental', 'running') RETURNING id",
        )
        .bind(at.to_rfc3339())
        .fetch_one(&self.pool)
        .await?;
        Ok(row.get(0))
    }

    /// Records how a sync run ended.
    pub async fn finish_run(
        &self,
        id: i64,
        at: DateTime<Utc>,
        run: &RunOutcome,
    ) -> Result<(), StateError> {
        sqlx::query(
            "UPDATE sync_run SET finished_at = ?2, status = ?3, rows_read = ?4, ops = ?5,
                batches_sent = ?6, bytes_sent = ?7, quarantined = ?8, error = ?9, kind = ?10
             WHERE id = ?1",
        )
        .bind(id)
        .bind(at.to_rfc3339())
        .bind(if run.error.is_some() { "failed" } else { "ok" })
        .bind(i64::try_from(run.rows_read).unwrap_or(i64::MAX))
        .bind(i64::try_from(run.ops).unwrap_or(i64::MAX))
        .bind(i64::try_from(run.batches_sent).unwrap_or(i64::MAX))
        .bind(i64::try_from(run.bytes_sent).unwrap_or(i64::MAX))
        .bind(i64::try_from(run.quarantined).unwrap_or(i64::MAX))
        .bind(run.error.as_deref())
        .bind(if run.full { "full" } else { "incremental" })
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The pool, for the modules that keep results and runs.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

/// How a sync run ended, for the `sync_run` log.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunOutcome {
    /// Whether it was a full reconcile.
    pub full: bool,
    /// Rows read from the ERP.
    pub rows_read: u64,
    /// Ops decided.
    pub ops: u64,
    /// Batches acknowledged.
    pub batches_sent: u64,
    /// Compressed bytes sent.
    pub bytes_sent: u64,
    /// Rows quarantined.
    pub quarantined: u64,
    /// The error that ended it, if it failed (no personal data).
    pub error: Option<String>,
}

/// One cycle's transaction: ops go into batches, snapshot changes alongside, all or nothing.
#[derive(Debug)]
pub struct CycleTx {
    tx: sqlx::Transaction<'static, sqlx::Sqlite>,
    next_seq: u64,
    batch_size: usize,
    ops: Vec<Op>,
    changes: Vec<SnapshotChange>,
    batches: u64,
}

impl CycleTx {
    /// Buffers one op and its snapshot change (what a `DiffSink` does).
    pub fn push(&mut self, op: Op, change: Option<SnapshotChange>) {
        self.ops.push(op);
        self.changes.extend(change);
    }

    /// Whether a full batch is buffered and should be written with [`Self::flush`].
    pub fn should_flush(&self) -> bool {
        self.ops.len() >= self.batch_size
    }

    /// Writes the buffered ops as one outbox batch and applies their snapshot changes.
    pub async fn flush(&mut self) -> Result<(), StateError> {
        if !self.ops.is_empty() {
            let seq = self.next_seq;
            let ops = std::mem::take(&mut self.ops);
            let op_count = ops.len();
            let body = encode_batch(&Batch {
                protocol: PROTOCOL_VERSION,
                seq,
                ops,
            })?;
            sqlx::query(
                "INSERT INTO outbox (seq, op_count, body, created_at) VALUES (?1, ?2, ?3, ?4)",
            )
            .bind(to_i64(seq)?)
            .bind(i64::try_from(op_count).unwrap_or(i64::MAX))
            .bind(body)
            .bind(now_text())
            .execute(&mut *self.tx)
            .await?;
            self.next_seq += 1;
            self.batches += 1;
        }
        for change in std::mem::take(&mut self.changes) {
            apply_change(&mut self.tx, change).await?;
        }
        Ok(())
    }

    /// Records a quarantined ERP row of run `run_id`, in the cycle's transaction.
    pub async fn quarantine(
        &mut self,
        run_id: i64,
        row_key: &str,
        field: &str,
        value: &str,
        reason: &str,
    ) -> Result<(), StateError> {
        sqlx::query(
            "INSERT INTO quarantine (run_id, row_key, field, value, reason) VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .bind(run_id)
        .bind(row_key)
        .bind(field)
        .bind(value)
        .bind(reason)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Writes what is buffered and commits the cycle; returns the batches written.
    pub async fn commit(
        mut self,
        full_reconcile_at: Option<DateTime<Utc>>,
    ) -> Result<u64, StateError> {
        self.flush().await?;
        set_meta(&mut *self.tx, keys::NEXT_SEQ, &self.next_seq.to_string()).await?;
        if let Some(at) = full_reconcile_at {
            set_meta(&mut *self.tx, keys::LAST_FULL_RECONCILE, &at.to_rfc3339()).await?;
        }
        self.tx.commit().await?;
        Ok(self.batches)
    }
}

/// Serialises and gzips a batch: what goes over the wire, byte for byte.
pub fn encode_batch(batch: &Batch) -> Result<Vec<u8>, StateError> {
    encode_json(batch)
}

/// Any batch-shaped value as the outbox stores it: JSON, gzipped.
fn encode_json(value: &impl serde::Serialize) -> Result<Vec<u8>, StateError> {
    let json = serde_json::to_vec(value).map_err(|e| StateError::Corrupt(e.to_string()))?;
    let mut gz = GzEncoder::new(Vec::with_capacity(json.len() / 4), Compression::fast());
    gz.write_all(&json)?;
    Ok(gz.finish()?)
}

async fn apply_change(
    tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
    change: SnapshotChange,
) -> Result<(), StateError> {
    match change {
        SnapshotChange::Debtor(id, fp) => {
            sqlx::query(
                "INSERT INTO sent_debtor (external_id, fingerprint) VALUES (?1, ?2)
                 ON CONFLICT (external_id) DO UPDATE SET fingerprint = excluded.fingerprint",
            )
            .bind(id.as_str())
            .bind(fp.as_slice())
            .execute(&mut **tx)
            .await?;
        }
        SnapshotChange::Document(id, sent) => {
            sqlx::query(
                "INSERT INTO sent_document (external_id, debtor_external_id, fingerprint)
                 VALUES (?1, ?2, ?3)
                 ON CONFLICT (external_id) DO UPDATE SET
                   debtor_external_id = excluded.debtor_external_id,
                   fingerprint = excluded.fingerprint",
            )
            .bind(id.as_str())
            .bind(sent.debtor.as_str())
            .bind(sent.fingerprint.as_slice())
            .execute(&mut **tx)
            .await?;
        }
        SnapshotChange::DocumentClosed(id) => {
            sqlx::query("DELETE FROM sent_document WHERE external_id = ?1")
                .bind(id.as_str())
                .execute(&mut **tx)
                .await?;
        }
        SnapshotChange::DebtorRemoved(id) => {
            sqlx::query("DELETE FROM sent_debtor WHERE external_id = ?1")
                .bind(id.as_str())
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}

async fn set_meta<'e, E>(executor: E, key: &str, value: &str) -> Result<(), StateError>
where
    E: sqlx::Executor<'e, Database = sqlx::Sqlite>,
{
    sqlx::query(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(key)
    .bind(value)
    .execute(executor)
    .await?;
    Ok(())
}

fn now_text() -> String {
    // Bookkeeping only (when a batch was written); decisions take time from the Clock.
    SystemClock.now().to_rfc3339()
}

/// A stored id, checked as `ExternalId` checks it but without its copy (a million per cycle).
fn stored_id(s: &str) -> Result<&str, StateError> {
    match ExternalId::check(s) {
        Ok(t) if t == s => Ok(s),
        Ok(_) => Err(StateError::Corrupt(format!(
            "external_id {s:?}: not trimmed"
        ))),
        Err(e) => Err(StateError::Corrupt(format!("external_id {s:?}: {e}"))),
    }
}

fn fingerprint_of(bytes: &[u8]) -> Result<Fingerprint, StateError> {
    Fingerprint::try_from(bytes)
        .map_err(|_| StateError::Corrupt(format!("fingerprint of {} bytes", bytes.len())))
}

fn to_u64(v: i64, what: &str) -> Result<u64, StateError> {
    u64::try_from(v).map_err(|_| StateError::Corrupt(format!("{what} = {v}")))
}

fn to_i64(v: u64) -> Result<i64, StateError> {
    i64::try_from(v).map_err(|_| StateError::Corrupt(format!("seq {v} out of range")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::diff::{DiffSink, Differ};
    use chrono::NaiveDate;
    use inkaso_shared::{Currency, Debtor, DebtorKind, Document};
    use std::io::Read as _;

    impl DiffSink for Vec<(Op, Option<SnapshotChange>)> {
        type Error = std::convert::Infallible;
        fn emit(&mut self, op: Op, change: Option<SnapshotChange>) -> Result<(), Self::Error> {
            self.push((op, change));
            Ok(())
        }
    }

    fn records(n: usize) -> (Debtor, Vec<Document>) {
        let debtor = Debtor {
            external_id: ExternalId::new("K1").unwrap(),
            kind: DebtorKind::Person,
            name: "Zofia Gęślarz".into(),
            nip: None,
            email: None,
            phone: Some("601 234 567".parse().unwrap()),
            address: None,
        };
        let docs = (0..n)
            .map(|i| Document {
                external_id: ExternalId::new(&format!("D{i}")).unwrap(),
                debtor_external_id: debtor.external_id.clone(),
                number: format!("FV {i}/2026"),
                issue_date: None,
                due_date: NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
                amount_minor: 1000,
                remaining_minor: 1000,
                currency: Currency::PLN,
            })
            .collect();
        (debtor, docs)
    }

    #[tokio::test]
    async fn a_cycle_commits_ops_and_snapshot_together() {
        let dir = tempfile::tempdir().unwrap();
        let state = State::open(&dir.path().join("agent.db")).await.unwrap();
        assert!(state.is_fresh().await.unwrap());
        state.reset_to(41).await.unwrap();

        let (debtor, docs) = records(5);
        let mut ops = Vec::new();
        let mut differ = Differ::incremental(
            state.load_snapshot().await.unwrap(),
            NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
        );
        differ.debtor(debtor, &mut ops).unwrap();
        for d in docs {
            differ.document(d, &mut ops).unwrap();
        }
        differ.finish(&mut ops).unwrap();

        // An uncommitted cycle leaves nothing behind.
        let mut tx = state.begin_cycle(2).await.unwrap();
        for (op, change) in ops.clone() {
            tx.push(op, change);
        }
        tx.flush().await.unwrap();
        drop(tx);
        assert!(state.outbox(10).await.unwrap().is_empty());
        assert_eq!(state.load_snapshot().await.unwrap().document_count(), 0);

        let mut tx = state.begin_cycle(2).await.unwrap();
        for (op, change) in ops {
            tx.push(op, change);
            if tx.should_flush() {
                tx.flush().await.unwrap();
            }
        }
        assert_eq!(tx.commit(None).await.unwrap(), 3);
        let outbox = state.outbox(10).await.unwrap();
        assert_eq!(
            outbox.iter().map(|b| b.seq).collect::<Vec<_>>(),
            [41, 42, 43]
        );
        assert_eq!(state.queue_depth().await.unwrap(), (3, 6));
        assert_eq!(state.next_seq().await.unwrap(), 44);

        let mut json = String::new();
        flate2::read::GzDecoder::new(outbox[0].body.as_slice())
            .read_to_string(&mut json)
            .unwrap();
        let batch: Batch = serde_json::from_str(&json).unwrap();
        assert_eq!(
            (batch.seq, batch.ops.len(), batch.ops[0].name()),
            (41, 2, "upsert_debtor")
        );

        state.ack(41).await.unwrap();
        assert_eq!(state.outbox(10).await.unwrap()[0].seq, 42);

        // Reopening sees the same snapshot.
        drop(state);
        let state = State::open(&dir.path().join("agent.db")).await.unwrap();
        let snap = state.load_snapshot().await.unwrap();
        assert_eq!((snap.debtor_count(), snap.document_count()), (1, 5));
        assert!(!state.is_fresh().await.unwrap());
    }
}
