//! Ingest of agents' batches: ordered, exactly once, the whole batch in one transaction with the
//! advance of the agent's `next_seq`.
//!
//! The transaction starts by moving `next_seq` from the batch's `seq` to `seq + 1` with a
//! conditional `UPDATE`; that statement is the serialisation point between replicas (PostgreSQL
//! re-checks the condition after the competing transaction commits; SQLite has one writer). If
//! it changes no row, the batch is a replay (acknowledged without effect) or a gap (refused with
//! the expected `seq`). Ops are then applied to an in-memory copy of the rows they touch, loaded
//! with one query per kind, and only rows that really changed are written back in multi-row
//! upserts, so a re-sent unchanged snapshot writes no data row. Every change of a document's
//! remaining amount is recorded in `document_events`; a decrease, or a close as paid, is a
//! payment.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use inkaso_shared::protocol::{Batch, BatchAck, CloseReason, Op};
use inkaso_shared::records::{Debtor, DebtorKind, Document};
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use super::accounts::AgentPrincipal;
use super::{
    Store, StoreError, day, list_placeholders, new_id, to_i64, to_u64, ts, values_placeholders,
};

/// Rows per multi-row statement on PostgreSQL.
const CHUNK: usize = 1000;
/// Rows per multi-row statement on SQLite: it looks `$N` parameters up in a list (quadratic in
/// their number), so statements there stay small.
const SQLITE_CHUNK: usize = 64;

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

fn reason_str(r: CloseReason) -> &'static str {
    match r {
        CloseReason::Paid => "paid",
        CloseReason::Excluded => "excluded",
        CloseReason::Deleted => "deleted",
    }
}

/// The working state of one batch inside its transaction.
struct Apply<'a> {
    tenant_id: &'a str,
    agent_id: &'a str,
    now: String,
    today: String,
    docs: BTreeMap<String, DocRow>,
    debtors: BTreeMap<String, DebtorRow>,
    dirty_docs: BTreeSet<String>,
    dirty_debtors: BTreeSet<String>,
    events: Vec<EventRow>,
    marks: BTreeSet<String>,
    removed_debtors: Vec<String>,
    snapshot: Option<String>,
    /// Whether upserts during the open snapshot must be marked (see migration 0002).
    marking: bool,
    chunk: usize,
    backend: super::Backend,
    stats: BatchStats,
}

impl Store {
    /// The `seq` the cloud expects next from an agent.
    pub async fn agent_next_seq(&self, tenant_id: &str, agent_id: &str) -> Result<u64, StoreError> {
        let next: i64 =
            sqlx::query("SELECT next_seq FROM agents WHERE tenant_id = $1 AND agent_id = $2")
                .bind(tenant_id)
                .bind(agent_id)
                .fetch_optional(self.pool())
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("agent {agent_id}")))?
                .try_get(0)?;
        Ok(to_u64(next))
    }

    /// Offers one batch from an authenticated agent (see the module doc).
    pub async fn apply_batch(
        &self,
        agent: &AgentPrincipal,
        batch: &Batch,
        now: DateTime<Utc>,
    ) -> Result<BatchOutcome, StoreError> {
        if batch.seq == 0 {
            return Err(StoreError::invalid(
                "seq",
                "seq zaczyna się od 1",
                "seq starts at 1",
            ));
        }
        let seq = to_i64(batch.seq, "seq")?;
        // A competing transaction may have rolled back between our UPDATE and our SELECT;
        // then the seq is ours again and one more round settles it.
        for _ in 0..5 {
            let mut tx = self.pool().begin().await?;
            let won = sqlx::query(
                "UPDATE agents SET next_seq = next_seq + 1, last_batch_at = $4 \
                 WHERE tenant_id = $1 AND agent_id = $2 AND next_seq = $3 AND revoked_at IS NULL",
            )
            .bind(&agent.tenant_id)
            .bind(&agent.agent_id)
            .bind(seq)
            .bind(ts(now))
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if won {
                let row = sqlx::query("SELECT snapshot_id, snapshot_marking FROM agents WHERE tenant_id = $1 AND agent_id = $2")
                    .bind(&agent.tenant_id)
                    .bind(&agent.agent_id)
                    .fetch_one(&mut *tx)
                    .await?;
                let snapshot: Option<String> = row.try_get(0)?;
                let marking = row.try_get::<i64, _>(1)? != 0;
                let mut apply = Apply {
                    tenant_id: &agent.tenant_id,
                    agent_id: &agent.agent_id,
                    now: ts(now),
                    today: day(now.date_naive()),
                    docs: BTreeMap::new(),
                    debtors: BTreeMap::new(),
                    dirty_docs: BTreeSet::new(),
                    dirty_debtors: BTreeSet::new(),
                    events: Vec::new(),
                    marks: BTreeSet::new(),
                    removed_debtors: Vec::new(),
                    snapshot,
                    marking,
                    chunk: if self.backend() == super::Backend::Sqlite {
                        SQLITE_CHUNK
                    } else {
                        CHUNK
                    },
                    backend: self.backend(),
                    stats: BatchStats::default(),
                };
                apply.run(&mut tx, &batch.ops).await?;
                tx.commit().await?;
                let ack = BatchAck {
                    seq: batch.seq,
                    applied: true,
                    next_seq: batch.seq + 1,
                };
                return Ok(BatchOutcome::Applied(ack, apply.stats));
            }
            tx.rollback().await?;
            let row = sqlx::query(
                "SELECT next_seq, revoked_at FROM agents WHERE tenant_id = $1 AND agent_id = $2",
            )
            .bind(&agent.tenant_id)
            .bind(&agent.agent_id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("agent {}", agent.agent_id)))?;
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
        Err(StoreError::Conflict(
            "nie udało się ustalić kolejności paczki; ponów".into(),
        ))
    }
}

impl Apply<'_> {
    async fn run(&mut self, tx: &mut AnyConnection, ops: &[Op]) -> Result<(), StoreError> {
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
                            "pusty identyfikator migawki",
                            "empty snapshot id",
                        ));
                    }
                    self.marks.clear();
                    sqlx::query(
                        "DELETE FROM snapshot_marks WHERE tenant_id = $1 AND agent_id = $2",
                    )
                    .bind(self.tenant_id)
                    .bind(self.agent_id)
                    .execute(&mut *tx)
                    .await?;
                    // Pending changes first: whether anything is open decides the marking.
                    self.flush(tx).await?;
                    let any_open = sqlx::query("SELECT 1 FROM documents WHERE tenant_id = $1 AND agent_id = $2 AND status = 'open' LIMIT 1")
                        .bind(self.tenant_id)
                        .bind(self.agent_id)
                        .fetch_optional(&mut *tx)
                        .await?
                        .is_some();
                    sqlx::query("UPDATE agents SET snapshot_id = $3, snapshot_marking = $4 WHERE tenant_id = $1 AND agent_id = $2")
                        .bind(self.tenant_id)
                        .bind(self.agent_id)
                        .bind(snapshot_id)
                        .bind(i64::from(any_open))
                        .execute(&mut *tx)
                        .await?;
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
                            format!(
                                "snapshot_end „{snapshot_id}” bez pasującego snapshot_begin (otwarta: {:?})",
                                self.snapshot
                            ),
                            format!(
                                "snapshot_end \"{snapshot_id}\" without a matching snapshot_begin (open: {:?})",
                                self.snapshot
                            ),
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
    async fn load(&mut self, tx: &mut AnyConnection, ops: &[Op]) -> Result<(), StoreError> {
        let mut doc_ids = BTreeSet::new();
        let mut debtor_ids = BTreeSet::new();
        for op in ops {
            match op {
                Op::UpsertDocument { document } => {
                    doc_ids.insert(document.external_id.as_str());
                }
                Op::CloseDocument { external_id, .. } => {
                    doc_ids.insert(external_id.as_str());
                }
                Op::UpsertDebtor { debtor } => {
                    debtor_ids.insert(debtor.external_id.as_str());
                }
                Op::RemoveDebtor { external_id } => {
                    debtor_ids.insert(external_id.as_str());
                }
                Op::SnapshotBegin { .. } | Op::SnapshotEnd { .. } => {}
            }
        }
        let doc_ids: Vec<&str> = doc_ids.into_iter().collect();
        for chunk in doc_ids.chunks(self.chunk) {
            let sql = format!(
                "SELECT external_id, document_id, debtor_external_id, number, issue_date, due_date, amount_minor, \
                 remaining_minor, currency, status, close_reason, closed_on FROM documents \
                 WHERE tenant_id = $1 AND agent_id = $2 AND external_id IN ({})",
                list_placeholders(chunk.len(), 2)
            );
            let mut q = sqlx::query(AssertSqlSafe(sql))
                .bind(self.tenant_id)
                .bind(self.agent_id);
            for id in chunk {
                q = q.bind(*id);
            }
            for row in q.fetch_all(&mut *tx).await? {
                self.docs.insert(
                    row.try_get(0)?,
                    DocRow {
                        document_id: row.try_get(1)?,
                        debtor_external_id: row.try_get(2)?,
                        number: row.try_get(3)?,
                        issue_date: row.try_get(4)?,
                        due_date: row.try_get(5)?,
                        amount_minor: row.try_get(6)?,
                        remaining_minor: row.try_get(7)?,
                        currency: row.try_get(8)?,
                        status: row.try_get(9)?,
                        close_reason: row.try_get(10)?,
                        closed_on: row.try_get(11)?,
                    },
                );
            }
        }
        let debtor_ids: Vec<&str> = debtor_ids.into_iter().collect();
        for chunk in debtor_ids.chunks(self.chunk) {
            let sql = format!(
                "SELECT d.external_id, d.debtor_id, d.kind, d.name, d.nip, d.address_json, d.removed, \
                 (SELECT c.value FROM contacts c WHERE c.tenant_id = d.tenant_id AND c.debtor_id = d.debtor_id AND c.channel = 'email'), \
                 (SELECT c.value FROM contacts c WHERE c.tenant_id = d.tenant_id AND c.debtor_id = d.debtor_id AND c.channel = 'sms') \
                 FROM debtors d WHERE d.tenant_id = $1 AND d.agent_id = $2 AND d.external_id IN ({})",
                list_placeholders(chunk.len(), 2)
            );
            let mut q = sqlx::query(AssertSqlSafe(sql))
                .bind(self.tenant_id)
                .bind(self.agent_id);
            for id in chunk {
                q = q.bind(*id);
            }
            for row in q.fetch_all(&mut *tx).await? {
                self.debtors.insert(
                    row.try_get(0)?,
                    DebtorRow {
                        debtor_id: row.try_get(1)?,
                        kind: row.try_get(2)?,
                        name: row.try_get(3)?,
                        nip: row.try_get(4)?,
                        address_json: row.try_get(5)?,
                        removed: row.try_get(6)?,
                        email: row.try_get(7)?,
                        phone: row.try_get(8)?,
                    },
                );
            }
        }
        Ok(())
    }

    fn upsert_debtor(&mut self, d: &Debtor) -> Result<(), StoreError> {
        let ext = d.external_id.as_str();
        let id = self
            .debtors
            .get(ext)
            .map_or_else(new_id, |r| r.debtor_id.clone());
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
    async fn flush(&mut self, tx: &mut AnyConnection) -> Result<(), StoreError> {
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
        for chunk in marks.chunks(self.chunk) {
            let sql = format!(
                "INSERT INTO snapshot_marks (tenant_id, agent_id, external_id) VALUES {} ON CONFLICT DO NOTHING",
                values_placeholders(chunk.len(), 3, 0)
            );
            let mut q = sqlx::query(AssertSqlSafe(sql));
            for m in chunk {
                q = q.bind(self.tenant_id).bind(self.agent_id).bind(m);
            }
            self.stats.snapshot_marks += q.execute(&mut *tx).await?.rows_affected();
        }
        // Documents of removed debtors that the agent did not close itself.
        let removed = std::mem::take(&mut self.removed_debtors);
        for chunk in removed.chunks(self.chunk) {
            let cond = format!(
                "debtor_external_id IN ({})",
                list_placeholders(chunk.len(), 2)
            );
            let binds: Vec<&str> = chunk.iter().map(String::as_str).collect();
            let today = self.today.clone();
            self.close_where(tx, &cond, &binds, &today).await?;
        }
        Ok(())
    }

    // One linear pass: load the touched rows, compare, then upsert debtors and their contacts
    // (consent survives an unchanged value) — splitting it would scatter one transaction's logic.
    #[allow(clippy::too_many_lines)]
    async fn flush_debtors(&mut self, tx: &mut AnyConnection) -> Result<(), StoreError> {
        let dirty: Vec<String> = std::mem::take(&mut self.dirty_debtors)
            .into_iter()
            .collect();
        for chunk in dirty.chunks(self.chunk) {
            let rows: Vec<(&String, &DebtorRow)> = chunk
                .iter()
                .filter_map(|ext| self.debtors.get(ext).map(|r| (ext, r)))
                .collect();
            let sql = format!(
                "INSERT INTO debtors (tenant_id, debtor_id, agent_id, external_id, kind, name, nip, address_json, removed, updated_at) \
                 VALUES {} ON CONFLICT (tenant_id, agent_id, external_id) DO UPDATE SET kind = excluded.kind, \
                 name = excluded.name, nip = excluded.nip, address_json = excluded.address_json, \
                 removed = excluded.removed, updated_at = excluded.updated_at",
                values_placeholders(rows.len(), 10, 0)
            );
            let mut q = sqlx::query(AssertSqlSafe(sql));
            for (ext, r) in &rows {
                q = q
                    .bind(self.tenant_id)
                    .bind(&r.debtor_id)
                    .bind(self.agent_id)
                    .bind(*ext)
                    .bind(&r.kind)
                    .bind(&r.name)
                    .bind(&r.nip)
                    .bind(&r.address_json)
                    .bind(r.removed)
                    .bind(&self.now);
            }
            self.stats.debtors_written += q.execute(&mut *tx).await?.rows_affected();

            // Contacts: the ERP's current value per channel; a changed value loses its consent.
            for (channel, pick) in [("email", 0usize), ("sms", 1usize)] {
                let value = |r: &DebtorRow| {
                    if pick == 0 {
                        r.email.clone()
                    } else {
                        r.phone.clone()
                    }
                };
                let present: Vec<(&str, String)> = rows
                    .iter()
                    .filter_map(|(_, r)| value(r).map(|v| (r.debtor_id.as_str(), v)))
                    .collect();
                let absent: Vec<&str> = rows
                    .iter()
                    .filter(|(_, r)| value(r).is_none())
                    .map(|(_, r)| r.debtor_id.as_str())
                    .collect();
                if !present.is_empty() {
                    let sql = format!(
                        "INSERT INTO contacts (tenant_id, debtor_id, channel, value, consent, consent_source, consent_date, updated_at) \
                         VALUES {} ON CONFLICT (tenant_id, debtor_id, channel) DO UPDATE SET \
                         consent = CASE WHEN contacts.value = excluded.value THEN contacts.consent ELSE NULL END, \
                         consent_source = CASE WHEN contacts.value = excluded.value THEN contacts.consent_source ELSE excluded.consent_source END, \
                         consent_date = CASE WHEN contacts.value = excluded.value THEN contacts.consent_date ELSE excluded.consent_date END, \
                         value = excluded.value, updated_at = excluded.updated_at",
                        values_placeholders(present.len(), 8, 0)
                    );
                    let mut q = sqlx::query(AssertSqlSafe(sql));
                    for (id, v) in &present {
                        q = q
                            .bind(self.tenant_id)
                            .bind(*id)
                            .bind(channel)
                            .bind(v)
                            .bind(None::<i64>)
                            .bind("erp")
                            .bind(&self.today)
                            .bind(&self.now);
                    }
                    q.execute(&mut *tx).await?;
                }
                if !absent.is_empty() {
                    let sql = format!(
                        "DELETE FROM contacts WHERE tenant_id = $1 AND channel = $2 AND debtor_id IN ({})",
                        list_placeholders(absent.len(), 2)
                    );
                    let mut q = sqlx::query(AssertSqlSafe(sql))
                        .bind(self.tenant_id)
                        .bind(channel);
                    for id in &absent {
                        q = q.bind(*id);
                    }
                    q.execute(&mut *tx).await?;
                }
            }

            // Companies' data comes from the VAT register, looked up in the background.
            let nips: BTreeSet<&str> = rows
                .iter()
                .filter(|(_, r)| r.kind == "company")
                .filter_map(|(_, r)| r.nip.as_deref())
                .collect();
            if !nips.is_empty() {
                let sql = format!(
                    "INSERT INTO companies (tenant_id, nip, status, attempts) VALUES {} ON CONFLICT DO NOTHING",
                    values_placeholders(nips.len(), 4, 0)
                );
                let mut q = sqlx::query(AssertSqlSafe(sql));
                for nip in nips {
                    q = q.bind(self.tenant_id).bind(nip).bind("pending").bind(0i64);
                }
                q.execute(&mut *tx).await?;
            }
        }
        Ok(())
    }

    async fn flush_documents(&mut self, tx: &mut AnyConnection) -> Result<(), StoreError> {
        let dirty: Vec<String> = std::mem::take(&mut self.dirty_docs).into_iter().collect();
        for chunk in dirty.chunks(self.chunk) {
            let rows: Vec<(&String, &DocRow)> = chunk
                .iter()
                .filter_map(|ext| self.docs.get(ext).map(|r| (ext, r)))
                .collect();
            let sql = format!(
                "INSERT INTO documents (tenant_id, document_id, agent_id, external_id, debtor_external_id, number, issue_date, \
                 due_date, amount_minor, remaining_minor, currency, status, close_reason, closed_on, updated_at) \
                 VALUES {} ON CONFLICT (tenant_id, agent_id, external_id) DO UPDATE SET \
                 debtor_external_id = excluded.debtor_external_id, number = excluded.number, issue_date = excluded.issue_date, \
                 due_date = excluded.due_date, amount_minor = excluded.amount_minor, remaining_minor = excluded.remaining_minor, \
                 currency = excluded.currency, status = excluded.status, close_reason = excluded.close_reason, \
                 closed_on = excluded.closed_on, updated_at = excluded.updated_at",
                values_placeholders(rows.len(), 15, 0)
            );
            let mut q = sqlx::query(AssertSqlSafe(sql));
            for (ext, r) in &rows {
                q = q
                    .bind(self.tenant_id)
                    .bind(&r.document_id)
                    .bind(self.agent_id)
                    .bind(*ext)
                    .bind(&r.debtor_external_id)
                    .bind(&r.number)
                    .bind(&r.issue_date)
                    .bind(&r.due_date)
                    .bind(r.amount_minor)
                    .bind(r.remaining_minor)
                    .bind(&r.currency)
                    .bind(&r.status)
                    .bind(&r.close_reason)
                    .bind(&r.closed_on)
                    .bind(&self.now);
            }
            self.stats.documents_written += q.execute(&mut *tx).await?.rows_affected();
        }
        Ok(())
    }

    async fn flush_events(&mut self, tx: &mut AnyConnection) -> Result<(), StoreError> {
        let events = std::mem::take(&mut self.events);
        for chunk in events.chunks(self.chunk) {
            let sql = format!(
                "INSERT INTO document_events (tenant_id, event_id, agent_id, document_external_id, debtor_external_id, kind, at, \
                 observed_on, remaining_before, remaining_after, paid_minor, currency, close_reason) VALUES {}",
                values_placeholders(chunk.len(), 13, 0)
            );
            let mut q = sqlx::query(AssertSqlSafe(sql));
            for e in chunk {
                q = q
                    .bind(self.tenant_id)
                    .bind(new_id())
                    .bind(self.agent_id)
                    .bind(&e.document_external_id)
                    .bind(&e.debtor_external_id)
                    .bind(e.kind)
                    .bind(&self.now)
                    .bind(&e.observed_on)
                    .bind(e.remaining_before)
                    .bind(e.remaining_after)
                    .bind(e.paid_minor)
                    .bind(&e.currency)
                    .bind(&e.close_reason);
            }
            self.stats.events_written += q.execute(&mut *tx).await?.rows_affected();
        }
        Ok(())
    }

    /// Closes (`deleted`) every open document of the agent not marked since `snapshot_begin`.
    ///
    /// The difference is taken here rather than with `NOT EXISTS` in SQL: right after a large
    /// first snapshot the tables have no statistics yet and PostgreSQL then plans the anti-join
    /// as a nested loop over the whole agent (quadratic). Two index range scans and a hash set
    /// are linear on both engines.
    async fn reconcile(
        &mut self,
        tx: &mut AnyConnection,
        observed_on: NaiveDate,
    ) -> Result<(), StoreError> {
        if !self.marking {
            // Nothing was open at snapshot_begin: everything open now was sent by this snapshot.
            self.finish_snapshot(tx).await?;
            return Ok(());
        }
        let marks: std::collections::HashSet<String> = sqlx::query(
            "SELECT external_id FROM snapshot_marks WHERE tenant_id = $1 AND agent_id = $2",
        )
        .bind(self.tenant_id)
        .bind(self.agent_id)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| r.try_get::<String, _>(0))
        .collect::<Result<_, _>>()?;
        let open = sqlx::query(
            "SELECT external_id, debtor_external_id, remaining_minor, currency FROM documents \
             WHERE tenant_id = $1 AND agent_id = $2 AND status = 'open'",
        )
        .bind(self.tenant_id)
        .bind(self.agent_id)
        .fetch_all(&mut *tx)
        .await?;
        let mut unseen = Vec::new();
        for row in &open {
            let ext: String = row.try_get(0)?;
            if !marks.contains(&ext) {
                unseen.push((ext, row.try_get(1)?, row.try_get(2)?, row.try_get(3)?));
            }
        }
        let closed = self.close_docs(tx, unseen, &day(observed_on)).await?;
        self.stats.closed_by_snapshot += closed;
        self.finish_snapshot(tx).await
    }

    /// Clears the snapshot's bookkeeping. On PostgreSQL also refreshes the planner's statistics
    /// of `documents`: a full snapshot is when they change most (a first load of an agent into a
    /// fresh table otherwise leaves the planner guessing for the next batches).
    async fn finish_snapshot(&mut self, tx: &mut AnyConnection) -> Result<(), StoreError> {
        if self.backend == super::Backend::Postgres {
            sqlx::query("ANALYZE documents").execute(&mut *tx).await?;
        }
        sqlx::query("DELETE FROM snapshot_marks WHERE tenant_id = $1 AND agent_id = $2")
            .bind(self.tenant_id)
            .bind(self.agent_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE agents SET snapshot_id = NULL WHERE tenant_id = $1 AND agent_id = $2")
            .bind(self.tenant_id)
            .bind(self.agent_id)
            .execute(&mut *tx)
            .await?;
        Ok(())
    }

    /// Closes as `deleted` the agent's open documents matching `cond` (whose placeholders start
    /// at `$3`). Returns how many were closed.
    async fn close_where(
        &mut self,
        tx: &mut AnyConnection,
        cond: &str,
        binds: &[&str],
        observed_on: &str,
    ) -> Result<u64, StoreError> {
        let sql = format!(
            "SELECT external_id, debtor_external_id, remaining_minor, currency FROM documents \
             WHERE tenant_id = $1 AND agent_id = $2 AND status = 'open' AND {cond}"
        );
        let mut q = sqlx::query(AssertSqlSafe(sql))
            .bind(self.tenant_id)
            .bind(self.agent_id);
        for b in binds {
            q = q.bind(*b);
        }
        let rows = q.fetch_all(&mut *tx).await?;
        let mut docs = Vec::with_capacity(rows.len());
        for row in &rows {
            docs.push((
                row.try_get(0)?,
                row.try_get(1)?,
                row.try_get(2)?,
                row.try_get(3)?,
            ));
        }
        self.close_docs(tx, docs, observed_on).await
    }

    /// Closes the given open documents as `deleted`, recording a history row for each.
    async fn close_docs(
        &mut self,
        tx: &mut AnyConnection,
        docs: Vec<(String, String, i64, String)>,
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
        for chunk in closed.chunks(self.chunk) {
            let sql = format!(
                "UPDATE documents SET status = 'closed', close_reason = 'deleted', closed_on = $3, updated_at = $4 \
                 WHERE tenant_id = $1 AND agent_id = $2 AND external_id IN ({})",
                list_placeholders(chunk.len(), 4)
            );
            let mut q = sqlx::query(AssertSqlSafe(sql))
                .bind(self.tenant_id)
                .bind(self.agent_id)
                .bind(observed_on)
                .bind(&self.now);
            for ext in chunk {
                q = q.bind(ext);
            }
            self.stats.documents_written += q.execute(&mut *tx).await?.rows_affected();
        }
        self.flush_events(tx).await?;
        Ok(closed.len() as u64)
    }
}
