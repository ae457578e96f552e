//! Ingest of agents' batches: ordered, exactly once, the whole batch in one transaction with the
//! advance of the agent's `next_seq`.
//!
//! The transaction starts by moving `next_seq` from the batch's `seq` to `seq + 1` with a
//! conditional `UPDATE`; that statement is the serialisation point between replicas (PostgreSQL
//! re-checks the condition after the competing transaction commits; SQLite has one writer). If
//! it changes no row, the batch is a replay (acknowledged without effect) or a gap (refused with
//! the expected `seq`). Ops are then applied to an in-memory copy of the rows they touch, loaded
//! by key, and only rows that really changed are written back, so a re-sent unchanged snapshot
//! writes no data row. Every change of a document's remaining amount is recorded in
//! `document_events`; a decrease, or a close as paid, is a payment.
//!
//! This module owns the logic (what a batch changes) and the few small statements that are the
//! same everywhere; the set-at-a-time reads and writes exist twice, with the same meaning:
//! `portable` (multi-row `VALUES` through sqlx `Any`; SQLite) and `pg` (native PostgreSQL:
//! one statement per kind over `UNNEST`ed arrays, key look-ups that always probe the unique
//! index). On PostgreSQL the whole batch transaction runs on the store's native pool; see
//! `docs/cloud.md` (Benchmark) for why and what it bought.
//!
//! **First loads.** When a snapshot begins while the agent has no debtor and no document stored
//! (`agents.snapshot_fresh`), every key it upserts is new unless this same snapshot sent it
//! before. The batches of such a snapshot skip the look-up of upserted keys and insert them
//! plainly (`COPY` on PostgreSQL, `INSERT` without `ON CONFLICT` on SQLite); a key that is
//! stored after all makes the unique index refuse the row, and the batch is rolled back to a
//! savepoint taken after its `seq` was won and applied again with look-ups. So the first million documents of an agent cost what `COPY` costs plus what
//! the look-ups would have found: nothing. Keys that are closed or removed are always looked up.

mod pg;
mod portable;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use inkaso_shared::protocol::{Batch, BatchAck, CloseReason, Op};
use inkaso_shared::records::{Debtor, DebtorKind, Document};
use sqlx::{Any, Postgres, Row, Transaction};

use super::accounts::AgentPrincipal;
use super::{Store, StoreError, day, new_id, to_i64, to_u64, ts};
use crate::domain::ids::AgentId;
use crate::store::TenantScope;

/// What applying a batch wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BatchStats {
    /// Debtor rows inserted or changed.
    pub debtors_written: u64,
    /// Document rows inserted or changed.
    pub documents_written: u64,
    /// Rows of amount history written.
    pub events_written: u64,
    /// Open documents closed by a snapshot's end.
    pub closed_by_snapshot: u64,
    /// Snapshot bookkeeping rows (documents seen since `snapshot_begin`; deleted at its end).
    pub snapshot_marks: u64,
    /// Upserts that matched what was stored and wrote nothing.
    pub unchanged: u64,
}

impl BatchStats {
    /// Data rows written (debtors, documents, history); bookkeeping excluded.
    pub fn data_rows_written(&self) -> u64 {
        self.debtors_written + self.documents_written + self.events_written
    }
}

/// The result of offering a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchOutcome {
    /// Applied now.
    Applied(BatchAck, BatchStats),
    /// Applied before: acknowledged without effect.
    Replay(BatchAck),
    /// Ahead of the expected `seq`.
    Gap {
        /// The `seq` to send.
        expected: u64,
    },
    /// The agent was revoked meanwhile.
    Revoked,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct DocRow {
    document_id: String,
    debtor_external_id: String,
    number: String,
    issue_date: Option<String>,
    due_date: String,
    amount_minor: i64,
    remaining_minor: i64,
    currency: String,
    status: String,
    close_reason: Option<String>,
    closed_on: Option<String>,
}

/// Decodes the columns both engines' look-ups select, in the same order: the key, then the
/// row. One reader for the `Any` (SQLite) and native PostgreSQL rows.
trait Columns: sqlx::Row
where
    usize: sqlx::ColumnIndex<Self>,
{
    fn text(&self, i: usize) -> Result<String, sqlx::Error>;
    fn opt_text(&self, i: usize) -> Result<Option<String>, sqlx::Error>;
    fn int(&self, i: usize) -> Result<i64, sqlx::Error>;
}

impl<R> Columns for R
where
    R: sqlx::Row,
    usize: sqlx::ColumnIndex<R>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    fn text(&self, i: usize) -> Result<String, sqlx::Error> {
        self.try_get(i)
    }
    fn opt_text(&self, i: usize) -> Result<Option<String>, sqlx::Error> {
        self.try_get(i)
    }
    fn int(&self, i: usize) -> Result<i64, sqlx::Error> {
        self.try_get(i)
    }
}

/// `external_id, document_id, debtor_external_id, number, issue_date, due_date, amount_minor,
/// remaining_minor, currency, status, close_reason, closed_on`.
fn keyed_doc<R: Columns>(row: &R) -> Result<(String, DocRow), sqlx::Error>
where
    usize: sqlx::ColumnIndex<R>,
{
    Ok((
        row.text(0)?,
        DocRow {
            document_id: row.text(1)?,
            debtor_external_id: row.text(2)?,
            number: row.text(3)?,
            issue_date: row.opt_text(4)?,
            due_date: row.text(5)?,
            amount_minor: row.int(6)?,
            remaining_minor: row.int(7)?,
            currency: row.text(8)?,
            status: row.text(9)?,
            close_reason: row.opt_text(10)?,
            closed_on: row.opt_text(11)?,
        },
    ))
}

/// `external_id, debtor_id, kind, name, nip, address_json, removed, email, sms`.
fn keyed_debtor<R: Columns>(row: &R) -> Result<(String, DebtorRow), sqlx::Error>
where
    usize: sqlx::ColumnIndex<R>,
{
    Ok((
        row.text(0)?,
        DebtorRow {
            debtor_id: row.text(1)?,
            kind: row.text(2)?,
            name: row.text(3)?,
            nip: row.opt_text(4)?,
            address_json: row.opt_text(5)?,
            removed: row.int(6)?,
            email: row.opt_text(7)?,
            phone: row.opt_text(8)?,
        },
    ))
}

impl DocRow {
    fn same_content(&self, other: &DocRow) -> bool {
        self.debtor_external_id == other.debtor_external_id
            && self.number == other.number
            && self.issue_date == other.issue_date
            && self.due_date == other.due_date
            && self.amount_minor == other.amount_minor
            && self.remaining_minor == other.remaining_minor
            && self.currency == other.currency
            && self.status == other.status
    }

    fn from_document(document_id: String, d: &Document) -> DocRow {
        DocRow {
            document_id,
            debtor_external_id: d.debtor_external_id.as_str().to_owned(),
            number: d.number.trim().to_owned(),
            issue_date: d.issue_date.map(day),
            due_date: day(d.due_date),
            amount_minor: d.amount_minor,
            remaining_minor: d.remaining_minor,
            currency: d.currency.code().to_owned(),
            status: "open".to_owned(),
            close_reason: None,
            closed_on: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct DebtorRow {
    debtor_id: String,
    kind: String,
    name: String,
    nip: Option<String>,
    address_json: Option<String>,
    removed: i64,
    email: Option<String>,
    phone: Option<String>,
}

impl DebtorRow {
    fn from_debtor(debtor_id: String, d: &Debtor) -> Result<DebtorRow, StoreError> {
        let address_json = match &d.address {
            Some(a) => {
                Some(serde_json::to_string(a).map_err(|e| StoreError::Corrupt(e.to_string()))?)
            }
            None => None,
        };
        Ok(DebtorRow {
            debtor_id,
            kind: match d.kind {
                DebtorKind::Company => "company",
                DebtorKind::Person => "person",
            }
            .to_owned(),
            name: d.name.trim().to_owned(),
            nip: d.nip.as_ref().map(|n| n.as_str().to_owned()),
            address_json,
            removed: 0,
            email: d.email.as_ref().map(|e| e.as_str().to_owned()),
            phone: d.phone.as_ref().map(|p| p.e164().to_owned()),
        })
    }

    fn same_content(&self, o: &DebtorRow) -> bool {
        self.kind == o.kind
            && self.name == o.name
            && self.nip == o.nip
            && self.address_json == o.address_json
            && self.removed == o.removed
            && self.email == o.email
            && self.phone == o.phone
    }

    /// The contact value of a channel (`"email"` or `"sms"`).
    fn contact(&self, channel: &str) -> Option<&String> {
        if channel == "email" {
            self.email.as_ref()
        } else {
            self.phone.as_ref()
        }
    }
}

#[derive(Debug, Clone)]
struct EventRow {
    document_external_id: String,
    debtor_external_id: String,
    kind: &'static str,
    observed_on: String,
    remaining_before: Option<i64>,
    remaining_after: i64,
    paid_minor: i64,
    currency: String,
    close_reason: Option<String>,
}

/// An open document about to be closed: external id, debtor, remaining amount, currency.
type OpenDoc = (String, String, i64, String);

/// The dirty rows of one table to flush, by external id, split by whether the database holds
/// them yet: new ones are inserted plainly (`COPY` on PostgreSQL), stored ones upserted.
struct Rows<'r, R> {
    unstored: Vec<(&'r str, &'r R)>,
    stored: Vec<(&'r str, &'r R)>,
}

impl<R> Default for Rows<'_, R> {
    fn default() -> Self {
        Rows {
            unstored: Vec::new(),
            stored: Vec::new(),
        }
    }
}

impl<'r, R> Rows<'r, R> {
    fn push(&mut self, unstored: bool, row: (&'r str, &'r R)) {
        if unstored {
            self.unstored.push(row);
        } else {
            self.stored.push(row);
        }
    }

    fn is_empty(&self) -> bool {
        self.unstored.is_empty() && self.stored.is_empty()
    }

    /// Every row with whether it is new.
    fn iter(&self) -> impl Iterator<Item = (bool, (&'r str, &'r R))> + '_ {
        let new = self.unstored.iter().map(|r| (true, *r));
        new.chain(self.stored.iter().map(|r| (false, *r)))
    }
}

/// The tenant, agent and instant every statement of one batch writes with.
#[derive(Clone, Copy)]
struct Scope<'a> {
    tenant_id: &'a str,
    agent_id: &'a str,
    now: &'a str,
}

fn reason_str(r: CloseReason) -> &'static str {
    match r {
        CloseReason::Paid => "paid",
        CloseReason::Excluded => "excluded",
        CloseReason::Deleted => "deleted",
    }
}

/// The transaction a batch runs in: on PostgreSQL on the store's native pool (the fast path's
/// statements need `Postgres` arguments and it must be the same transaction as the `seq`
/// check), elsewhere on the `Any` pool.
enum Txn {
    Any(Transaction<'static, Any>),
    Pg(Transaction<'static, Postgres>),
}

impl Txn {
    async fn commit(self) -> Result<(), StoreError> {
        match self {
            Txn::Any(t) => t.commit().await?,
            Txn::Pg(t) => t.commit().await?,
        }
        Ok(())
    }

    async fn rollback(self) -> Result<(), StoreError> {
        match self {
            Txn::Any(t) => t.rollback().await?,
            Txn::Pg(t) => t.rollback().await?,
        }
        Ok(())
    }
}

/// Runs `$body` with `$c` bound to the transaction's connection, whichever engine it is on: the
/// body is expanded once per engine, so one portable statement serves both.
macro_rules! on_conn {
    ($tx:expr, $c:ident => $body:expr) => {
        match $tx {
            Txn::Any(t) => {
                let $c: &mut sqlx::AnyConnection = &mut **t;
                $body
            }
            Txn::Pg(t) => {
                let $c: &mut sqlx::PgConnection = &mut **t;
                $body
            }
        }
    };
}

/// The working state of one batch inside its transaction.
struct Apply<'a> {
    tenant_id: &'a str,
    agent_id: &'a str,
    now: String,
    today: String,
    docs: BTreeMap<String, DocRow>,
    debtors: BTreeMap<String, DebtorRow>,
    /// Contact values as they are in the database now, by debtor id (`[email, sms]`): what
    /// decides whether a contact must be written or deleted.
    stored_contacts: HashMap<String, [Option<String>; 2]>,
    dirty_docs: BTreeSet<String>,
    dirty_debtors: BTreeSet<String>,
    /// Dirty rows the database does not hold yet (absent at load, not flushed since): they are
    /// inserted plainly (`COPY` on PostgreSQL), the rest upserted.
    unstored_docs: HashSet<String>,
    unstored_debtors: HashSet<String>,
    events: Vec<EventRow>,
    marks: BTreeSet<String>,
    removed_debtors: Vec<String>,
    snapshot: Option<String>,
    /// Whether upserts during the open snapshot must be marked (see migration 0003).
    marking: bool,
    /// Whether upserted keys go unlooked-up this batch (see "First loads" above).
    skip_upsert_lookups: bool,
    stats: BatchStats,
}

/// The agent's snapshot state as the batch found it.
#[derive(Debug, Clone)]
struct SnapshotState {
    snapshot: Option<String>,
    marking: bool,
    fresh: bool,
}

impl Store {
    /// The `seq` the cloud expects next from an agent.
    pub async fn agent_next_seq(
        &self,
        tenant: &TenantScope,
        agent: &AgentId,
    ) -> Result<u64, StoreError> {
        let tenant_id = tenant.as_str();
        let agent_id = agent.as_str();
        let next: i64 =
            sqlx::query("SELECT next_seq FROM agents WHERE tenant_id = $1 AND agent_id = $2")
                .bind(tenant_id)
                .bind(agent_id)
                .fetch_optional(self.pool())
                .await?
                .ok_or_else(|| StoreError::not_found("err-what-agent", &[("id", agent_id.into())]))?
                .try_get(0)?;
        Ok(to_u64(next))
    }

    async fn begin_ingest(&self) -> Result<Txn, StoreError> {
        Ok(match self.pg_pool() {
            Some(pg) => Txn::Pg(pg.begin().await?),
            None => Txn::Any(self.begin_write().await?),
        })
    }

    /// Offers one batch from an authenticated agent (see the module doc).
    pub async fn apply_batch(
        &self,
        agent: &AgentPrincipal,
        batch: &Batch,
        now: DateTime<Utc>,
    ) -> Result<BatchOutcome, StoreError> {
        if batch.seq == 0 {
            return Err(StoreError::invalid("seq", "err-store-seq-from-one", &[]));
        }
        let seq = to_i64(batch.seq, "seq")?;
        if let Some(pg) = self.pg_pool() {
            pg::refresh_statistics(pg).await?;
        }
        // A competing transaction may have rolled back between our UPDATE and our SELECT;
        // then the seq is ours again and one more round settles it.
        for _ in 0..5 {
            let mut tx = self.begin_ingest().await?;
            let won = on_conn!(&mut tx, c => sqlx::query(
                "UPDATE agents SET next_seq = next_seq + 1, last_batch_at = $4 \
                 WHERE tenant_id = $1 AND agent_id = $2 AND next_seq = $3 AND revoked_at IS NULL",
            )
            .bind(agent.tenant.as_str())
            .bind(agent.agent.as_str())
            .bind(seq)
            .bind(ts(now))
            .execute(c)
            .await?
            .rows_affected())
                == 1;
            if won {
                // CAST: the flags are INTEGER (int4 on PostgreSQL), read natively as i64.
                let found = on_conn!(&mut tx, c => {
                    let row = sqlx::query(
                        "SELECT snapshot_id, CAST(snapshot_marking AS BIGINT), CAST(snapshot_fresh AS BIGINT) \
                         FROM agents WHERE tenant_id = $1 AND agent_id = $2",
                    )
                    .bind(agent.tenant.as_str())
                    .bind(agent.agent.as_str())
                    .fetch_one(c)
                    .await?;
                    SnapshotState {
                        snapshot: row.try_get(0)?,
                        marking: row.try_get::<i64, _>(1)? != 0,
                        fresh: row.try_get::<i64, _>(2)? != 0,
                    }
                });
                let stats = apply_ops(&mut tx, agent, &batch.ops, now, found).await?;
                tx.commit().await?;
                let ack = BatchAck {
                    seq: batch.seq,
                    applied: true,
                    next_seq: batch.seq + 1,
                };
                return Ok(BatchOutcome::Applied(ack, stats));
            }
            tx.rollback().await?;
            let row = sqlx::query(
                "SELECT next_seq, revoked_at FROM agents WHERE tenant_id = $1 AND agent_id = $2",
            )
            .bind(agent.tenant.as_str())
            .bind(agent.agent.as_str())
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| {
                StoreError::not_found("err-what-agent", &[("id", (&agent.agent).into())])
            })?;
            let next: i64 = row.try_get(0)?;
            if row.try_get::<Option<String>, _>(1)?.is_some() {
                return Ok(BatchOutcome::Revoked);
            }
            if seq < next {
                return Ok(BatchOutcome::Replay(BatchAck {
                    seq: batch.seq,
                    applied: false,
                    next_seq: to_u64(next),
                }));
            }
            if seq > next {
                return Ok(BatchOutcome::Gap {
                    expected: to_u64(next),
                });
            }
        }
        Err(StoreError::conflict("err-store-batch-order", &[]))
    }
}

/// Applies the ops within the batch's transaction, on the first-load fast path when the open
/// snapshot allows it (see the module doc), falling back to look-ups if a key was stored.
async fn apply_ops(
    tx: &mut Txn,
    agent: &AgentPrincipal,
    ops: &[Op],
    now: DateTime<Utc>,
    state: SnapshotState,
) -> Result<BatchStats, StoreError> {
    let fast = state.fresh
        && state.snapshot.is_some()
        && !ops.iter().any(|op| matches!(op, Op::SnapshotBegin { .. }));
    if !fast {
        let mut apply = Apply::new(agent, now, state, false);
        apply.run(tx, ops).await?;
        return Ok(apply.stats);
    }
    on_conn!(&mut *tx, c => sqlx::query("SAVEPOINT first_load").execute(c).await?.rows_affected());
    let mut apply = Apply::new(agent, now, state.clone(), true);
    match apply.run(tx, ops).await {
        Ok(()) => Ok(apply.stats),
        Err(e) if e.is_unique_violation() => {
            tracing::info!(
                agent = %agent.agent.as_str(),
                "first-load batch re-sent keys already stored; applied again with look-ups"
            );
            on_conn!(&mut *tx, c => sqlx::query("ROLLBACK TO SAVEPOINT first_load").execute(c).await?.rows_affected());
            let mut apply = Apply::new(agent, now, state, false);
            apply.run(tx, ops).await?;
            Ok(apply.stats)
        }
        Err(e) => Err(e),
    }
}

impl<'a> Apply<'a> {
    fn new(
        agent: &'a AgentPrincipal,
        now: DateTime<Utc>,
        state: SnapshotState,
        skip_upsert_lookups: bool,
    ) -> Apply<'a> {
        Apply {
            tenant_id: agent.tenant.as_str(),
            agent_id: agent.agent.as_str(),
            now: ts(now),
            today: day(now.date_naive()),
            docs: BTreeMap::new(),
            debtors: BTreeMap::new(),
            stored_contacts: HashMap::new(),
            dirty_docs: BTreeSet::new(),
            dirty_debtors: BTreeSet::new(),
            unstored_docs: HashSet::new(),
            unstored_debtors: HashSet::new(),
            events: Vec::new(),
            marks: BTreeSet::new(),
            removed_debtors: Vec::new(),
            snapshot: state.snapshot,
            marking: state.marking,
            skip_upsert_lookups,
            stats: BatchStats::default(),
        }
    }
}

impl Apply<'_> {
    fn scope(&self) -> Scope<'_> {
        Scope {
            tenant_id: self.tenant_id,
            agent_id: self.agent_id,
            now: &self.now,
        }
    }

    /// Whether the agent has a row in `table` (`documents` or `debtors`) matching `and`.
    async fn any_row(
        &self,
        tx: &mut Txn,
        table: &'static str,
        and: &'static str,
    ) -> Result<bool, StoreError> {
        let sql =
            format!("SELECT 1 FROM {table} WHERE tenant_id = $1 AND agent_id = $2 {and} LIMIT 1");
        Ok(
            on_conn!(&mut *tx, c => sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(self.tenant_id)
            .bind(self.agent_id)
            .fetch_optional(c)
            .await?
            .is_some()),
        )
    }

    async fn run(&mut self, tx: &mut Txn, ops: &[Op]) -> Result<(), StoreError> {
        let started = std::time::Instant::now();
        self.load(tx, ops).await?;
        tracing::debug!(
            elapsed_ms = started.elapsed().as_millis(),
            docs = self.docs.len(),
            "batch rows loaded"
        );
        for (i, op) in ops.iter().enumerate() {
            match op {
                Op::UpsertDebtor { debtor } => self.upsert_debtor(debtor)?,
                Op::UpsertDocument { document } => self.upsert_document(document),
                Op::CloseDocument {
                    external_id,
                    reason,
                    observed_on,
                } => {
                    self.close_document(external_id.as_str(), *reason, *observed_on);
                }
                Op::RemoveDebtor { external_id } => self.remove_debtor(external_id.as_str()),
                Op::SnapshotBegin { snapshot_id } => {
                    if snapshot_id.trim().is_empty() {
                        return Err(StoreError::invalid(
                            format!("ops[{i}].snapshot_id"),
                            "err-store-snapshot-empty",
                            &[],
                        ));
                    }
                    self.marks.clear();
                    on_conn!(&mut *tx, c => sqlx::query(
                        "DELETE FROM snapshot_marks WHERE tenant_id = $1 AND agent_id = $2",
                    )
                    .bind(self.tenant_id)
                    .bind(self.agent_id)
                    .execute(c)
                    .await?
                    .rows_affected());
                    // Pending changes first: whether anything is open decides the marking.
                    self.flush(tx).await?;
                    let any_open = self.any_row(tx, "documents", "AND status = 'open'").await?;
                    let fresh = !any_open
                        && !self.any_row(tx, "documents", "").await?
                        && !self.any_row(tx, "debtors", "").await?;
                    on_conn!(&mut *tx, c => sqlx::query(
                        "UPDATE agents SET snapshot_id = $3, snapshot_marking = $4, snapshot_fresh = $5 \
                         WHERE tenant_id = $1 AND agent_id = $2",
                    )
                    .bind(self.tenant_id)
                    .bind(self.agent_id)
                    .bind(snapshot_id)
                    .bind(i32::from(any_open))
                    .bind(i32::from(fresh))
                    .execute(c)
                    .await?
                    .rows_affected());
                    self.snapshot = Some(snapshot_id.clone());
                    self.marking = any_open;
                }
                Op::SnapshotEnd {
                    snapshot_id,
                    observed_on,
                } => {
                    if self.snapshot.as_deref() != Some(snapshot_id.as_str()) {
                        return Err(StoreError::invalid(
                            format!("ops[{i}].snapshot_id"),
                            "err-store-snapshot-unmatched",
                            &[
                                ("snapshot", snapshot_id.into()),
                                ("open", format!("{:?}", self.snapshot).into()),
                            ],
                        ));
                    }
                    self.flush(tx).await?;
                    let started = std::time::Instant::now();
                    self.reconcile(tx, *observed_on).await?;
                    tracing::debug!(
                        elapsed_ms = started.elapsed().as_millis(),
                        "snapshot reconciled"
                    );
                    self.snapshot = None;
                }
            }
        }
        self.flush(tx).await
    }

    /// Loads the stored rows every op of the batch refers to.
    async fn load(&mut self, tx: &mut Txn, ops: &[Op]) -> Result<(), StoreError> {
        let mut doc_ids = BTreeSet::new();
        let mut debtor_ids = BTreeSet::new();
        let upserts = !self.skip_upsert_lookups;
        for op in ops {
            match op {
                Op::UpsertDocument { document } if upserts => {
                    doc_ids.insert(document.external_id.as_str());
                }
                Op::CloseDocument { external_id, .. } => {
                    doc_ids.insert(external_id.as_str());
                }
                Op::UpsertDebtor { debtor } if upserts => {
                    debtor_ids.insert(debtor.external_id.as_str());
                }
                Op::RemoveDebtor { external_id } => {
                    debtor_ids.insert(external_id.as_str());
                }
                // Upserts on the first-load path are not looked up.
                Op::UpsertDocument { .. }
                | Op::UpsertDebtor { .. }
                | Op::SnapshotBegin { .. }
                | Op::SnapshotEnd { .. } => {}
            }
        }
        let doc_ids: Vec<&str> = doc_ids.into_iter().collect();
        let debtor_ids: Vec<&str> = debtor_ids.into_iter().collect();
        let (docs, debtors) = match tx {
            Txn::Pg(c) => (
                pg::load_documents(c, self.tenant_id, self.agent_id, &doc_ids).await?,
                pg::load_debtors(c, self.tenant_id, self.agent_id, &debtor_ids).await?,
            ),
            Txn::Any(c) => (
                portable::load_documents(c, self.tenant_id, self.agent_id, &doc_ids).await?,
                portable::load_debtors(c, self.tenant_id, self.agent_id, &debtor_ids).await?,
            ),
        };
        self.docs.extend(docs);
        for (ext, row) in debtors {
            self.stored_contacts.insert(
                row.debtor_id.clone(),
                [row.email.clone(), row.phone.clone()],
            );
            self.debtors.insert(ext, row);
        }
        Ok(())
    }

    fn upsert_debtor(&mut self, d: &Debtor) -> Result<(), StoreError> {
        let ext = d.external_id.as_str();
        let id = if let Some(r) = self.debtors.get(ext) {
            r.debtor_id.clone()
        } else {
            self.unstored_debtors.insert(ext.to_owned());
            new_id()
        };
        let new = DebtorRow::from_debtor(id, d)?;
        if self
            .debtors
            .get(ext)
            .is_some_and(|old| old.same_content(&new))
        {
            self.stats.unchanged += 1;
            return Ok(());
        }
        self.debtors.insert(ext.to_owned(), new);
        self.dirty_debtors.insert(ext.to_owned());
        Ok(())
    }

    fn upsert_document(&mut self, d: &Document) {
        let ext = d.external_id.as_str();
        if self.snapshot.is_some() && self.marking {
            self.marks.insert(ext.to_owned());
        }
        let old = self.docs.get(ext);
        if old.is_none() {
            self.unstored_docs.insert(ext.to_owned());
        }
        let new = DocRow::from_document(old.map_or_else(new_id, |o| o.document_id.clone()), d);
        let event = match old {
            Some(o) if o.same_content(&new) => {
                self.stats.unchanged += 1;
                return;
            }
            Some(o) if o.status != "open" => Some(("reopened", Some(o.remaining_minor), 0)),
            Some(o) if new.remaining_minor < o.remaining_minor => Some((
                "payment",
                Some(o.remaining_minor),
                o.remaining_minor - new.remaining_minor,
            )),
            Some(o) if new.remaining_minor > o.remaining_minor => {
                Some(("increase", Some(o.remaining_minor), 0))
            }
            // A new document's first amount is its row; history records changes from there.
            None | Some(_) => None,
        };
        if let Some((kind, before, paid)) = event {
            self.events.push(EventRow {
                document_external_id: ext.to_owned(),
                debtor_external_id: new.debtor_external_id.clone(),
                kind,
                observed_on: self.today.clone(),
                remaining_before: before,
                remaining_after: new.remaining_minor,
                paid_minor: paid,
                currency: new.currency.clone(),
                close_reason: None,
            });
        }
        self.docs.insert(ext.to_owned(), new);
        self.dirty_docs.insert(ext.to_owned());
    }

    fn close_document(&mut self, ext: &str, reason: CloseReason, observed_on: NaiveDate) {
        let Some(doc) = self.docs.get_mut(ext) else {
            return;
        };
        if doc.status != "open" {
            return;
        }
        "closed".clone_into(&mut doc.status);
        doc.close_reason = Some(reason_str(reason).to_owned());
        doc.closed_on = Some(day(observed_on));
        self.events.push(EventRow {
            document_external_id: ext.to_owned(),
            debtor_external_id: doc.debtor_external_id.clone(),
            kind: "closed",
            observed_on: day(observed_on),
            remaining_before: Some(doc.remaining_minor),
            remaining_after: 0,
            paid_minor: if reason == CloseReason::Paid {
                doc.remaining_minor
            } else {
                0
            },
            currency: doc.currency.clone(),
            close_reason: Some(reason_str(reason).to_owned()),
        });
        self.dirty_docs.insert(ext.to_owned());
    }

    fn remove_debtor(&mut self, ext: &str) {
        if let Some(d) = self.debtors.get_mut(ext) {
            if d.removed == 0 {
                d.removed = 1;
                self.dirty_debtors.insert(ext.to_owned());
            }
            self.removed_debtors.push(ext.to_owned());
        }
    }

    /// Writes every changed row and clears the dirty sets.
    async fn flush(&mut self, tx: &mut Txn) -> Result<(), StoreError> {
        let started = std::time::Instant::now();
        self.flush_debtors(tx).await?;
        let debtors_ms = started.elapsed().as_millis();
        self.flush_documents(tx).await?;
        let documents_ms = started.elapsed().as_millis();
        self.flush_events(tx).await?;
        tracing::debug!(
            debtors_ms,
            documents_ms,
            total_ms = started.elapsed().as_millis(),
            "batch flushed"
        );
        let marks: Vec<String> = std::mem::take(&mut self.marks).into_iter().collect();
        if !marks.is_empty() {
            self.stats.snapshot_marks += match tx {
                Txn::Pg(c) => pg::insert_marks(c, self.scope(), &marks).await?,
                Txn::Any(c) => portable::insert_marks(c, self.scope(), &marks).await?,
            };
        }
        // Documents of removed debtors that the agent did not close itself.
        let removed = std::mem::take(&mut self.removed_debtors);
        if !removed.is_empty() {
            let docs = match tx {
                Txn::Pg(c) => pg::open_documents_of_debtors(c, self.scope(), &removed).await?,
                Txn::Any(c) => {
                    portable::open_documents_of_debtors(c, self.scope(), &removed).await?
                }
            };
            let today = self.today.clone();
            self.close_docs(tx, docs, &today).await?;
        }
        Ok(())
    }

    /// Writes the changed debtors, their contacts (the ERP's current value per channel; a
    /// changed value loses its consent, an unchanged one keeps it) and enqueues companies' NIPs
    /// for the VAT register.
    async fn flush_debtors(&mut self, tx: &mut Txn) -> Result<(), StoreError> {
        let dirty = std::mem::take(&mut self.dirty_debtors);
        let unstored = std::mem::take(&mut self.unstored_debtors);
        let mut rows = Rows::default();
        for ext in &dirty {
            if let Some(r) = self.debtors.get(ext) {
                rows.push(unstored.contains(ext), (ext.as_str(), r));
            }
        }
        if rows.is_empty() {
            return Ok(());
        }
        // Only contacts whose value differs from the stored one are written: a new debtor's
        // contacts are inserted, a stored one that vanished is deleted, the rest stay as they are.
        let mut new_contacts: [Vec<(&str, &str)>; 2] = [Vec::new(), Vec::new()];
        let mut set: [Vec<(&str, &str)>; 2] = [Vec::new(), Vec::new()];
        let mut delete: [Vec<&str>; 2] = [Vec::new(), Vec::new()];
        for (fresh, (_, r)) in rows.iter() {
            let stored = self.stored_contacts.get(&r.debtor_id);
            for (k, channel) in ["email", "sms"].into_iter().enumerate() {
                let old = stored.and_then(|s| s[k].as_ref());
                match r.contact(channel) {
                    Some(v) if fresh => new_contacts[k].push((r.debtor_id.as_str(), v.as_str())),
                    Some(v) if old != Some(v) => set[k].push((r.debtor_id.as_str(), v.as_str())),
                    None if old.is_some() => delete[k].push(r.debtor_id.as_str()),
                    _ => {}
                }
            }
        }
        let nips: Vec<&str> = rows
            .iter()
            .filter(|(_, (_, r))| r.kind == "company")
            .filter_map(|(_, (_, r))| r.nip.as_deref())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let scope = self.scope();
        let today = self.today.as_str();
        let written = match tx {
            Txn::Pg(c) => {
                let mut n = pg::copy_debtors(c, scope, &rows.unstored).await?;
                n += pg::upsert_debtors(c, scope, &rows.stored).await?;
                for (k, channel) in ["email", "sms"].into_iter().enumerate() {
                    pg::copy_contacts(c, scope, channel, &new_contacts[k], today).await?;
                    pg::set_contacts(c, scope, channel, &set[k], today).await?;
                    pg::delete_contacts(c, scope, channel, &delete[k]).await?;
                }
                pg::enqueue_companies(c, scope, &nips).await?;
                n
            }
            Txn::Any(c) => {
                let mut n =
                    portable::write_debtors(c, scope, &rows.unstored, portable::Write::Insert)
                        .await?;
                n += portable::write_debtors(c, scope, &rows.stored, portable::Write::Upsert)
                    .await?;
                for (k, channel) in ["email", "sms"].into_iter().enumerate() {
                    set[k].append(&mut new_contacts[k]);
                    portable::set_contacts(c, scope, channel, &set[k], today).await?;
                    portable::delete_contacts(c, scope, channel, &delete[k]).await?;
                }
                portable::enqueue_companies(c, scope, &nips).await?;
                n
            }
        };
        self.stats.debtors_written += written;
        for (_, (_, r)) in rows.iter() {
            self.stored_contacts
                .insert(r.debtor_id.clone(), [r.email.clone(), r.phone.clone()]);
        }
        Ok(())
    }

    async fn flush_documents(&mut self, tx: &mut Txn) -> Result<(), StoreError> {
        let dirty = std::mem::take(&mut self.dirty_docs);
        let unstored = std::mem::take(&mut self.unstored_docs);
        let mut rows = Rows::default();
        for ext in &dirty {
            if let Some(r) = self.docs.get(ext) {
                rows.push(unstored.contains(ext), (ext.as_str(), r));
            }
        }
        if rows.is_empty() {
            return Ok(());
        }
        self.stats.documents_written += match tx {
            Txn::Pg(c) => {
                pg::copy_documents(c, self.scope(), &rows.unstored).await?
                    + pg::upsert_documents(c, self.scope(), &rows.stored).await?
            }
            Txn::Any(c) => {
                let scope = self.scope();
                portable::write_documents(c, scope, &rows.unstored, portable::Write::Insert).await?
                    + portable::write_documents(c, scope, &rows.stored, portable::Write::Upsert)
                        .await?
            }
        };
        Ok(())
    }

    async fn flush_events(&mut self, tx: &mut Txn) -> Result<(), StoreError> {
        let events = std::mem::take(&mut self.events);
        if events.is_empty() {
            return Ok(());
        }
        self.stats.events_written += match tx {
            Txn::Pg(c) => pg::insert_events(c, self.scope(), &events).await?,
            Txn::Any(c) => portable::insert_events(c, self.scope(), &events).await?,
        };
        Ok(())
    }

    /// Closes (`deleted`) every open document of the agent not marked since `snapshot_begin`.
    ///
    /// The difference is taken here rather than with `NOT EXISTS` in SQL: right after a large
    /// first snapshot the tables have no statistics yet and PostgreSQL then plans the anti-join
    /// as a nested loop over the whole agent (quadratic). Two index range scans and a hash set
    /// are linear on both engines.
    async fn reconcile(&mut self, tx: &mut Txn, observed_on: NaiveDate) -> Result<(), StoreError> {
        if !self.marking {
            // Nothing was open at snapshot_begin: everything open now was sent by this snapshot.
            self.finish_snapshot(tx).await?;
            return Ok(());
        }
        let marks: std::collections::HashSet<String> = on_conn!(&mut *tx, c => sqlx::query(
            "SELECT external_id FROM snapshot_marks WHERE tenant_id = $1 AND agent_id = $2",
        )
        .bind(self.tenant_id)
        .bind(self.agent_id)
        .fetch_all(c)
        .await?
        .iter()
        .map(|r| r.try_get::<String, _>(0))
        .collect::<Result<_, _>>()?);
        let mut unseen = Vec::new();
        on_conn!(&mut *tx, c => {
            let open = sqlx::query(
                "SELECT external_id, debtor_external_id, remaining_minor, currency FROM documents \
                 WHERE tenant_id = $1 AND agent_id = $2 AND status = 'open'",
            )
            .bind(self.tenant_id)
            .bind(self.agent_id)
            .fetch_all(c)
            .await?;
            for row in &open {
                let ext: String = row.try_get(0)?;
                if !marks.contains(&ext) {
                    unseen.push((ext, row.try_get(1)?, row.try_get(2)?, row.try_get(3)?));
                }
            }
        });
        let closed = self.close_docs(tx, unseen, &day(observed_on)).await?;
        self.stats.closed_by_snapshot += closed;
        self.finish_snapshot(tx).await
    }

    /// Clears the snapshot's bookkeeping. On PostgreSQL also refreshes the planner's statistics
    /// of `documents`: a full snapshot is when they change most (a first load of an agent into a
    /// fresh table otherwise leaves the planner guessing for the next batches).
    async fn finish_snapshot(&mut self, tx: &mut Txn) -> Result<(), StoreError> {
        if let Txn::Pg(c) = tx {
            sqlx::query("ANALYZE documents").execute(&mut **c).await?;
        }
        on_conn!(&mut *tx, c => sqlx::query(
            "DELETE FROM snapshot_marks WHERE tenant_id = $1 AND agent_id = $2",
        )
        .bind(self.tenant_id)
        .bind(self.agent_id)
        .execute(c)
        .await?
        .rows_affected());
        on_conn!(&mut *tx, c => sqlx::query(
            "UPDATE agents SET snapshot_id = NULL, snapshot_fresh = 0 WHERE tenant_id = $1 AND agent_id = $2",
        )
        .bind(self.tenant_id)
        .bind(self.agent_id)
        .execute(c)
        .await?
        .rows_affected());
        Ok(())
    }

    /// Closes the given open documents as `deleted`, recording a history row for each.
    async fn close_docs(
        &mut self,
        tx: &mut Txn,
        docs: Vec<OpenDoc>,
        observed_on: &str,
    ) -> Result<u64, StoreError> {
        let mut closed = Vec::with_capacity(docs.len());
        for (ext, debtor, remaining, currency) in docs {
            self.events.push(EventRow {
                document_external_id: ext.clone(),
                debtor_external_id: debtor,
                kind: "closed",
                observed_on: observed_on.to_owned(),
                remaining_before: Some(remaining),
                remaining_after: 0,
                paid_minor: 0,
                currency,
                close_reason: Some("deleted".to_owned()),
            });
            if let Some(d) = self.docs.get_mut(&ext) {
                "closed".clone_into(&mut d.status);
                d.close_reason = Some("deleted".to_owned());
                d.closed_on = Some(observed_on.to_owned());
            }
            closed.push(ext);
        }
        if !closed.is_empty() {
            self.stats.documents_written += match tx {
                Txn::Pg(c) => pg::close_deleted(c, self.scope(), &closed, observed_on).await?,
                Txn::Any(c) => {
                    portable::close_deleted(c, self.scope(), &closed, observed_on).await?
                }
            };
        }
        self.flush_events(tx).await?;
        Ok(closed.len() as u64)
    }
}
