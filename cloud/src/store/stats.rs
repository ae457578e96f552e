//! What the payment-delay statistics read: every document of a tenant with the changes the
//! cloud observed in what is owed on it, as the core's [`DocumentHistory`]; the figures
//! themselves are pure (`crate::domain::stats`).
//!
//! **From observations to settlements.** The agent sends what is still owed; the cloud records
//! each change (`document_events`). A decrease, or a close as paid, is a settlement of the
//! difference on the day it was observed; a document reopened after a close owes again (a
//! negative settlement of what it owes), and so does an increase. The amount a document
//! starts from is what it owed when the cloud first saw it: payments made before are not
//! known, and a statistic of delays cannot count them. Documents closed as deleted or
//! excluded left collection without being paid and are not read. A document without an issue
//! date counts as issued on its due date.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use inkaso_shared::protocol::ResultEvent;
use sha2::{Digest as _, Sha256};
use sqlx::Row as _;

use super::feed::append_result_in;
use super::{Store, StoreError, parse_day, ts};
use crate::domain::stats::{DocumentHistory, Settlement};
use crate::store::TenantScope;

impl Store {
    /// The tenant's documents (not deleted or excluded) with their settlements, in the order
    /// observed.
    pub async fn document_histories(
        &self,
        tenant: &TenantScope,
    ) -> Result<Vec<DocumentHistory>, StoreError> {
        let docs = sqlx::query(
            "SELECT agent_id, external_id, debtor_external_id, currency, issue_date, due_date, \
             remaining_minor FROM documents WHERE tenant_id = $1 \
             AND (close_reason IS NULL OR close_reason = 'paid') ORDER BY agent_id, external_id",
        )
        .bind(tenant.as_str())
        .fetch_all(self.pool())
        .await?;
        let mut out = Vec::with_capacity(docs.len());
        let mut index: HashMap<(String, String), usize> = HashMap::with_capacity(docs.len());
        // What each document owed when first seen: its remaining now until an event says
        // otherwise (the first event's "before").
        let mut first_seen: Vec<Option<i64>> = Vec::with_capacity(docs.len());
        for r in &docs {
            let agent: String = r.try_get(0)?;
            let external: String = r.try_get(1)?;
            let debtor: String = r.try_get(2)?;
            let due = parse_day(&r.try_get::<String, _>(5)?)?;
            let issued = r
                .try_get::<Option<String>, _>(4)?
                .as_deref()
                .map(parse_day)
                .transpose()?
                .unwrap_or(due);
            index.insert((agent.clone(), external.clone()), out.len());
            first_seen.push(None);
            out.push(DocumentHistory {
                document: external,
                debtor: format!("{agent}/{debtor}"),
                currency: r.try_get(3)?,
                issued,
                due,
                amount_minor: r.try_get(6)?,
                settlements: Vec::new(),
            });
        }
        let events = sqlx::query(
            "SELECT agent_id, document_external_id, kind, observed_on, remaining_before, \
             remaining_after, paid_minor FROM document_events WHERE tenant_id = $1 \
             ORDER BY observed_on, at, event_id",
        )
        .bind(tenant.as_str())
        .fetch_all(self.pool())
        .await?;
        for r in &events {
            let key = (r.try_get::<String, _>(0)?, r.try_get::<String, _>(1)?);
            let Some(&i) = index.get(&key) else {
                continue; // a deleted or excluded document
            };
            let kind: String = r.try_get(2)?;
            let on: NaiveDate = parse_day(&r.try_get::<String, _>(3)?)?;
            let before: Option<i64> = r.try_get(4)?;
            let after: i64 = r.try_get(5)?;
            let paid: i64 = r.try_get(6)?;
            if first_seen[i].is_none() {
                first_seen[i] = Some(before.unwrap_or(after));
            }
            let amount_minor = match kind.as_str() {
                "payment" | "closed" => paid,
                "reopened" => -after,
                "increase" => -(after - before.unwrap_or(after)),
                _ => 0,
            };
            if amount_minor != 0 {
                out[i].settlements.push(Settlement { on, amount_minor });
            }
        }
        for (doc, first) in out.iter_mut().zip(first_seen) {
            if let Some(first) = first {
                doc.amount_minor = first;
            }
        }
        Ok(out)
    }
}

/// A document a process stage reached: `(process/stage, agent, document's ERP key, day)`.
pub type StageTouch = (String, String, String, NaiveDate);

impl Store {
    /// Every document the firm's process stages reached with an action performed (sent),
    /// with the day; manual actions aside.
    pub async fn stage_touches(&self, tenant: &TenantScope) -> Result<Vec<StageTouch>, StoreError> {
        let rows = sqlx::query(
            "SELECT a.process_code, a.stage_code, d.agent_id, d.document_external_id, a.done_at \
             FROM actions a JOIN action_documents d \
             ON d.tenant_id = a.tenant_id AND d.action_id = a.action_id \
             WHERE a.tenant_id = $1 AND a.status = 'sent' AND a.manual = 0 \
             AND a.done_at IS NOT NULL",
        )
        .bind(tenant.as_str())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let process: String = r.try_get(0)?;
                let stage: String = r.try_get(1)?;
                let done: String = r.try_get(4)?;
                let day = parse_day(done.get(..10).unwrap_or(&done))?;
                Ok((
                    format!("{process}/{stage}"),
                    r.try_get(2)?,
                    r.try_get(3)?,
                    day,
                ))
            })
            .collect()
    }
}

impl Store {
    /// Every client firm with documents, for the market comparison (one scope each, as the
    /// runner lists the firms it ticks).
    pub async fn tenants_with_documents(&self) -> Result<Vec<TenantScope>, StoreError> {
        let rows = sqlx::query("SELECT DISTINCT tenant_id FROM documents ORDER BY tenant_id")
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| Ok(TenantScope::verified(r.try_get(0)?)))
            .collect()
    }

    /// A number that changes whenever an agent's batch is applied to the firm's data (the sum
    /// of its agents' next sequence numbers): a cached reading of its history with the same
    /// mark is still true. A read of one row per agent.
    pub async fn history_mark(&self, tenant: &TenantScope) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "SELECT CAST(COALESCE(SUM(next_seq), 0) AS BIGINT) FROM agents WHERE tenant_id = $1",
        )
        .bind(tenant.as_str())
        .fetch_one(self.pool())
        .await?;
        Ok(row.try_get(0)?)
    }

    /// Every debtor's sector: `agent/ERP key` → PKD section, the firm's choice where it made
    /// one, else the REGON register's.
    pub async fn debtor_sectors(
        &self,
        tenant: &TenantScope,
    ) -> Result<HashMap<String, char>, StoreError> {
        let registered = sqlx::query(
            "SELECT d.agent_id, d.external_id, c.sector FROM debtors d \
             JOIN companies c ON c.tenant_id = d.tenant_id AND c.nip = d.nip \
             WHERE d.tenant_id = $1 AND c.sector IS NOT NULL",
        )
        .bind(tenant.as_str())
        .fetch_all(self.pool())
        .await?;
        let chosen = sqlx::query(
            "SELECT agent_id, debtor_external_id, sector FROM debtor_sectors WHERE tenant_id = $1",
        )
        .bind(tenant.as_str())
        .fetch_all(self.pool())
        .await?;
        let mut out = HashMap::with_capacity(registered.len() + chosen.len());
        // The firm's choices come second, so they win.
        for r in registered.iter().chain(&chosen) {
            let agent: String = r.try_get(0)?;
            let debtor: String = r.try_get(1)?;
            let sector: String = r.try_get(2)?;
            if let Some(c) = sector.chars().next() {
                out.insert(format!("{agent}/{debtor}"), c);
            }
        }
        Ok(out)
    }

    /// Sets (or, with `None`, forgets) a debtor's sector; `NotFound` for another firm's id.
    pub async fn set_debtor_sector(
        &self,
        tenant: &TenantScope,
        debtor_id: &str,
        sector: Option<char>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let tenant_id = tenant.as_str();
        let mut tx = self.begin_write().await?;
        let key = sqlx::query(
            "SELECT agent_id, external_id FROM debtors WHERE tenant_id = $1 AND debtor_id = $2",
        )
        .bind(tenant_id)
        .bind(debtor_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| StoreError::not_found("err-what-debtor", &[("id", debtor_id.into())]))?;
        let (agent, external): (String, String) = (key.try_get(0)?, key.try_get(1)?);
        match sector {
            Some(c) => {
                sqlx::query(
                    "INSERT INTO debtor_sectors \
                     (tenant_id, agent_id, debtor_external_id, sector, source, updated_at) \
                     VALUES ($1, $2, $3, $4, 'client', $5) \
                     ON CONFLICT (tenant_id, agent_id, debtor_external_id) \
                     DO UPDATE SET sector = excluded.sector, source = excluded.source, \
                     updated_at = excluded.updated_at",
                )
                .bind(tenant_id)
                .bind(&agent)
                .bind(&external)
                .bind(c.to_string())
                .bind(ts(now))
                .execute(&mut *tx)
                .await?;
            }
            None => {
                sqlx::query(
                    "DELETE FROM debtor_sectors WHERE tenant_id = $1 AND agent_id = $2 \
                     AND debtor_external_id = $3",
                )
                .bind(tenant_id)
                .bind(&agent)
                .bind(&external)
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// A debtor's sector: the firm's choice and the REGON register's.
    pub async fn debtor_sector(
        &self,
        tenant: &TenantScope,
        agent_id: &str,
        external_id: &str,
    ) -> Result<DebtorSector, StoreError> {
        let chosen = sqlx::query(
            "SELECT sector FROM debtor_sectors WHERE tenant_id = $1 AND agent_id = $2 \
             AND debtor_external_id = $3",
        )
        .bind(tenant.as_str())
        .bind(agent_id)
        .bind(external_id)
        .fetch_optional(self.pool())
        .await?;
        let registered = sqlx::query(
            "SELECT c.pkd, c.sector FROM debtors d \
             JOIN companies c ON c.tenant_id = d.tenant_id AND c.nip = d.nip \
             WHERE d.tenant_id = $1 AND d.agent_id = $2 AND d.external_id = $3",
        )
        .bind(tenant.as_str())
        .bind(agent_id)
        .bind(external_id)
        .fetch_optional(self.pool())
        .await?;
        let letter = |s: Option<String>| s.and_then(|s| s.chars().next());
        let (pkd, register) = match registered {
            Some(r) => (r.try_get(0)?, letter(r.try_get(1)?)),
            None => (None, None),
        };
        Ok(DebtorSector {
            chosen: letter(chosen.map(|r| r.try_get(0)).transpose()?),
            register,
            pkd,
        })
    }
}

/// A debtor's sector as the firm chose it and as the REGON register gives it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DebtorSector {
    /// The firm's choice.
    pub chosen: Option<char>,
    /// The section of the register's dominant PKD code.
    pub register: Option<char>,
    /// That code (`6201Z`).
    pub pkd: Option<String>,
}

impl DebtorSector {
    /// The sector the comparison uses: the firm's choice, else the register's.
    pub fn effective(&self) -> Option<char> {
        self.chosen.or(self.register)
    }
}

/// A debtor's statistics to send to its agent.
#[derive(Debug, Clone, PartialEq)]
pub struct DebtorStatsOut {
    /// The agent that knows the debtor.
    pub agent_id: String,
    /// The `DebtorStats` result.
    pub event: ResultEvent,
}

impl Store {
    /// The day the firm's debtor statistics were last published, if ever.
    pub async fn debtor_stats_last_run(
        &self,
        tenant: &TenantScope,
    ) -> Result<Option<NaiveDate>, StoreError> {
        sqlx::query("SELECT last_on FROM debtor_stats_runs WHERE tenant_id = $1")
            .bind(tenant.as_str())
            .fetch_optional(self.pool())
            .await?
            .map(|r| parse_day(&r.try_get::<String, _>(0)?))
            .transpose()
    }

    /// Appends to each agent's results the debtors' statistics that differ from what it was
    /// last sent, and marks the firm's run of `day`; returns how many were sent (0 when the
    /// day was already published). One transaction that claims the day first: replicas
    /// publishing at the same time send nothing twice.
    pub async fn publish_debtor_stats(
        &self,
        tenant: &TenantScope,
        stats: &[DebtorStatsOut],
        day: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let tenant_id = tenant.as_str();
        let mut tx = self.begin_write().await?;
        // Claim the day first: the upsert locks the firm's row, so a second replica waits
        // for the first to commit and then finds the day taken (no row returned).
        let claimed = sqlx::query(
            "INSERT INTO debtor_stats_runs (tenant_id, last_on) VALUES ($1, $2) \
             ON CONFLICT (tenant_id) DO UPDATE SET last_on = excluded.last_on \
             WHERE debtor_stats_runs.last_on <> excluded.last_on RETURNING tenant_id",
        )
        .bind(tenant_id)
        .bind(day.to_string())
        .fetch_optional(&mut *tx)
        .await?;
        if claimed.is_none() {
            return Ok(0);
        }
        let mut sent: HashMap<(String, String), String> = HashMap::new();
        for r in sqlx::query(
            "SELECT agent_id, debtor_external_id, digest FROM debtor_stats_published \
             WHERE tenant_id = $1",
        )
        .bind(tenant_id)
        .fetch_all(&mut *tx)
        .await?
        {
            sent.insert((r.try_get(0)?, r.try_get(1)?), r.try_get(2)?);
        }
        let mut count = 0;
        for s in stats {
            let ResultEvent::DebtorStats {
                debtor_external_id, ..
            } = &s.event
            else {
                continue;
            };
            let json =
                serde_json::to_string(&s.event).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let digest = hex::encode(Sha256::digest(json.as_bytes()));
            let key = (s.agent_id.clone(), debtor_external_id.to_string());
            if sent.get(&key) == Some(&digest) {
                continue;
            }
            append_result_in(&mut tx, tenant_id, &s.agent_id, now, &s.event).await?;
            sqlx::query(
                "INSERT INTO debtor_stats_published \
                 (tenant_id, agent_id, debtor_external_id, digest, published_at) \
                 VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (tenant_id, agent_id, debtor_external_id) \
                 DO UPDATE SET digest = excluded.digest, published_at = excluded.published_at",
            )
            .bind(tenant_id)
            .bind(&key.0)
            .bind(&key.1)
            .bind(digest)
            .bind(ts(now))
            .execute(&mut *tx)
            .await?;
            count += 1;
        }
        tx.commit().await?;
        Ok(count)
    }
}
