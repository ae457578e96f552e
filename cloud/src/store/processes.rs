//! The process engine's tables: processes and group rules, the tenant's engine settings (test
//! mode, channel policy, paused channels), debtors' collection state and pauses, and the
//! actions with their life (planned → claimed → sent / failed / skipped, or held).
//!
//! The rules themselves live in `process` (pure); this module only stores and loads them. Two
//! things here are about correctness across replicas rather than storage:
//!
//! - **Recording** a decision inserts its row with `ON CONFLICT (tenant_id, agent_id, idem_key) DO
//!   NOTHING`: two runners planning the same debtor at once write one row.
//! - **Claiming** due rows is one `UPDATE … WHERE action_id IN (SELECT … LIMIT n)`; on
//!   PostgreSQL the inner select takes `FOR UPDATE SKIP LOCKED`, so replicas share the work and
//!   never claim the same row; SQLite has a single writer, so the statement alone is atomic. A
//!   claim older than the lease (a runner killed mid-dispatch) is claimable again and goes out
//!   under the same key, which the provider refuses as a duplicate. Every later transition is
//!   conditional on `claimed_by`, so a runner that lost its lease cannot overwrite the winner.
//!
//! Every final status (sent, failed, skipped) is appended to the debtor's agent's results feed
//! in the same transaction as the status change.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use chrono::{DateTime, Duration, Utc};
use inkaso_shared::protocol::ResultEvent;
use inkaso_shared::records::{Address, Debtor, DebtorKind, Document};
use inkaso_shared::{Currency, Email, ExternalId, Lang, Localized, Nip, Phone};
use serde::Serialize;
use sqlx::{AnyConnection, Row};

use super::feed::append_result_in;
use super::{Backend, Store, StoreError, day, new_id, parse_day, parse_ts, ts};
use crate::domain::ids::AgentId;
use crate::process::planner::provider_key;
use crate::process::state::DebtorRows;
use crate::process::{
    ActionStatus, Channel, CoveredDocument, DebtorState, Decision, DocumentState, GroupRule,
    HistoryEntry, LegalStatus, Outcome, Pause, PauseKind, Process, ProcessError, TenantPolicy,
    check_deletable, upsert,
};
use crate::store::TenantScope;

/// What can go wrong storing processes: the model's refusal, or the database.
#[derive(Debug, thiserror::Error)]
pub enum ProcessStoreError {
    /// The process or the set is invalid, or the process is in use.
    #[error(transparent)]
    Process(#[from] ProcessError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for ProcessStoreError {
    fn from(e: sqlx::Error) -> Self {
        ProcessStoreError::Store(StoreError::Db(e))
    }
}

impl Localized for ProcessStoreError {
    fn message(&self, lang: Lang) -> String {
        match self {
            ProcessStoreError::Process(e) => e.message(lang),
            ProcessStoreError::Store(e) => e.to_string(),
        }
    }
}

/// A tenant's engine settings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CollectionSettings {
    /// Test (service) mode: the whole engine runs, channels only record (R-C5).
    pub test_mode: bool,
    /// Freshness limit and channel rules.
    pub policy: TenantPolicy,
}

/// Changes to a debtor's collection state; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct DebtorCollectionChange {
    /// The debtor's own process (`Some(None)` clears it).
    pub own_process: Option<Option<String>>,
    /// Tags for group rules.
    pub tags: Option<Vec<String>>,
    /// Excluded from collection.
    pub excluded: Option<bool>,
    /// Deceased or bankrupt.
    pub legal_status: Option<LegalStatus>,
    /// Consent to voice messages.
    pub voice_consent: Option<bool>,
    /// A contact made outside the engine.
    pub last_contact_at: Option<DateTime<Utc>>,
}

/// A claimed action, as the runner dispatches it.
#[derive(Debug, Clone)]
pub struct ClaimedAction {
    /// The row.
    pub action_id: String,
    /// The agent of the debtor.
    pub agent_id: AgentId,
    /// The debtor.
    pub debtor: ExternalId,
    /// The template reference.
    pub template: String,
    /// The history entry of the claim (status claimed).
    pub entry: HistoryEntry,
    /// Earlier attempts (1 on the first claim).
    pub attempts: i64,
    /// What providers see for the action ([`crate::process::planner::provider_key`]; the bare
    /// key for actions recorded before keys were made unique per tenant and agent).
    pub provider_key: String,
}

/// How a claimed action ends or goes back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transition {
    /// Performed: the provider accepted it (or already had it), or the runner recorded it.
    Sent {
        /// The provider's id.
        provider_id: Option<String>,
        /// Cost in minor units of PLN.
        cost_minor: Option<i64>,
        /// What it was, for people.
        description: String,
    },
    /// The channel refused it for good.
    Failed {
        /// The channel's reason.
        reason: String,
    },
    /// Back to the queue: held by a guard (`held`) or to be retried (`planned`) at `at`.
    Release {
        /// `held` or `planned`.
        held: bool,
        /// Reason code (`sync_stale`, `retry`, `channel_paused`…).
        code: String,
        /// Polish text.
        reason_pl: String,
        /// English text.
        reason_en: String,
        /// When to look again.
        at: DateTime<Utc>,
    },
}

/// An action as the history shows it (R-P6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionView {
    /// Id.
    pub id: String,
    /// Idempotency key.
    pub key: String,
    /// Agent.
    pub agent_id: String,
    /// Debtor.
    pub debtor_external_id: String,
    /// Process code.
    pub process: String,
    /// Stage code.
    pub stage: String,
    /// Channel.
    pub channel: String,
    /// Documents covered: `[{"document", "occurrence", "scheduled"}]`.
    pub documents: Vec<CoveredDocument>,
    /// The slot (or the next attempt).
    pub planned_for: DateTime<Utc>,
    /// planned, claimed, sent, failed, skipped, held.
    pub status: String,
    /// Reason code of a skip, hold or failure.
    pub reason_code: Option<String>,
    /// Reason, Polish.
    pub reason: Option<String>,
    /// Provider id.
    pub provider_id: Option<String>,
    /// Cost in minor units of PLN.
    pub cost_minor: Option<i64>,
    /// Description.
    pub description: Option<String>,
    /// Automatic (process) or manual (on demand).
    pub automatic: bool,
    /// Attempts so far.
    pub attempts: i64,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Sent, failed or skipped at.
    pub done_at: Option<DateTime<Utc>>,
}

/// Which actions to list.
#[derive(Debug, Clone, Default)]
pub struct ActionFilter {
    /// Only this debtor's.
    pub debtor: Option<String>,
    /// Only those covering this document.
    pub document: Option<String>,
    /// Only with this status.
    pub status: Option<String>,
    /// At most this many (default 1000).
    pub limit: Option<u32>,
}

pub(super) fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

pub(super) fn channel_of(code: &str) -> Result<Channel, StoreError> {
    Channel::from_code(code).ok_or_else(|| corrupt("kanał", code))
}

fn status_code(s: ActionStatus) -> &'static str {
    match s {
        ActionStatus::Planned => "planned",
        ActionStatus::Claimed => "claimed",
        ActionStatus::Sent => "sent",
        ActionStatus::Failed => "failed",
        ActionStatus::Skipped => "skipped",
    }
}

/// A stored status as the planner sees it: a held row is still planned (it covers its
/// occurrence and is retried), nothing else changes.
fn planner_status(s: &str) -> Result<ActionStatus, StoreError> {
    Ok(match s {
        "planned" | "held" => ActionStatus::Planned,
        "claimed" => ActionStatus::Claimed,
        "sent" => ActionStatus::Sent,
        "failed" => ActionStatus::Failed,
        "skipped" => ActionStatus::Skipped,
        other => return Err(corrupt("status akcji", other)),
    })
}

pub(super) fn legal_code(s: LegalStatus) -> &'static str {
    match s {
        LegalStatus::Active => "active",
        LegalStatus::Deceased => "deceased",
        LegalStatus::Bankrupt => "bankrupt",
    }
}

pub(super) fn pause_code(k: PauseKind) -> &'static str {
    match k {
        PauseKind::PromiseToPay => "promise_to_pay",
        PauseKind::Dispute => "dispute",
        PauseKind::Manual => "manual",
    }
}

pub(super) fn json<T: Serialize>(v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(|e| corrupt("JSON", e))
}

/// The results-feed event of an action's status.
fn action_event(
    action_id: &str,
    debtor: &str,
    documents: &[CoveredDocument],
    stage: &str,
    channel: Channel,
    status: &str,
    details: (Option<String>, String, bool, Option<i64>),
) -> Result<ResultEvent, StoreError> {
    let (provider_id, description, automatic, cost_minor) = details;
    Ok(ResultEvent::Action {
        action_id: action_id.to_owned(),
        debtor_external_id: ExternalId::new(debtor).map_err(|e| corrupt("dłużnik", e))?,
        document_external_ids: documents.iter().map(|d| d.document.clone()).collect(),
        stage: if automatic {
            stage.to_owned()
        } else {
            "manual".to_owned()
        },
        channel: channel.code().to_owned(),
        status: status.to_owned(),
        provider_id,
        description,
        automatic,
        cost_minor,
    })
}

const HISTORY_COLS: &str = "agent_id, debtor_external_id, action_id, idem_key, process_code, stage_code, \
     channel, documents_json, status, manual, created_at, done_at, template, attempts, provider_key";

fn history_entry(r: &sqlx::any::AnyRow) -> Result<(String, String, HistoryEntry), StoreError> {
    let docs: String = r.try_get(7)?;
    let status: String = r.try_get(8)?;
    let created = parse_ts(&r.try_get::<String, _>(10)?)?;
    let done: Option<String> = r.try_get(11)?;
    Ok((
        r.try_get(0)?,
        r.try_get(1)?,
        HistoryEntry {
            key: r.try_get(3)?,
            process: r.try_get(4)?,
            stage: r.try_get(5)?,
            channel: channel_of(&r.try_get::<String, _>(6)?)?,
            documents: serde_json::from_str(&docs).map_err(|e| corrupt("dokumenty akcji", e))?,
            // A sent message is a contact from when it went; anything else from when planned.
            at: match (status.as_str(), done) {
                ("sent", Some(d)) => parse_ts(&d)?,
                _ => created,
            },
            status: planner_status(&status)?,
            manual: r.try_get::<i64, _>(9)? != 0,
        },
    ))
}

impl Store {
    /// Tenants with at least one process (the ones `serve`'s runner ticks).
    pub async fn tenants_with_processes(&self) -> Result<Vec<TenantScope>, StoreError> {
        let rows = sqlx::query("SELECT DISTINCT tenant_id FROM processes ORDER BY tenant_id")
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| Ok(TenantScope::verified(r.try_get(0)?)))
            .collect()
    }

    /// The tenant's processes, by code.
    pub async fn processes(&self, tenant: &TenantScope) -> Result<Vec<Process>, StoreError> {
        let tenant_id = tenant.as_str();
        let rows = sqlx::query(
            "SELECT code, is_default, definition_json FROM processes WHERE tenant_id = $1 ORDER BY code",
        )
        .bind(tenant_id)
        .fetch_all(self.pool())
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let code: String = r.try_get(0)?;
            let mut p: Process = serde_json::from_str(&r.try_get::<String, _>(2)?)
                .map_err(|e| corrupt(&format!("proces {code}"), e))?;
            p.is_default = r.try_get::<i64, _>(1)? != 0;
            out.push(p);
        }
        Ok(out)
    }

    /// One process.
    pub async fn process(&self, tenant: &TenantScope, code: &str) -> Result<Process, StoreError> {
        self.processes(tenant)
            .await?
            .into_iter()
            .find(|p| p.code == code)
            .ok_or_else(|| StoreError::not_found("err-what-process", &[("code", code.into())]))
    }

    /// Adds or replaces a process with the model's rules (validation, exactly one default: a
    /// new default unsets the old, the first process becomes the default). Returns the set.
    pub async fn put_process(
        &self,
        tenant: &TenantScope,
        process: Process,
        now: DateTime<Utc>,
    ) -> Result<Vec<Process>, ProcessStoreError> {
        let tenant_id = tenant.as_str();
        let mut tx = self.begin_write().await?;
        self.lock_processes(&mut tx, tenant_id, now).await?;
        let mut set = load_processes(&mut tx, tenant_id).await?;
        upsert(&mut set, process)?;
        for p in &set {
            let mut def = p.clone();
            def.is_default = false;
            sqlx::query(
                "INSERT INTO processes (tenant_id, code, is_default, definition_json, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (tenant_id, code) DO UPDATE SET \
                 is_default = excluded.is_default, definition_json = excluded.definition_json, updated_at = excluded.updated_at",
            )
            .bind(tenant_id)
            .bind(&p.code)
            .bind(i64::from(p.is_default))
            .bind(json(&def)?)
            .bind(ts(now))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(set)
    }

    /// Deletes a process that is not in use; the refusal says where it is used.
    pub async fn delete_process(
        &self,
        tenant: &TenantScope,
        code: &str,
        now: DateTime<Utc>,
    ) -> Result<(), ProcessStoreError> {
        let tenant_id = tenant.as_str();
        let mut tx = self.begin_write().await?;
        self.lock_processes(&mut tx, tenant_id, now).await?;
        let set = load_processes(&mut tx, tenant_id).await?;
        let own = sqlx::query(
            "SELECT debtor_external_id, own_process FROM debtor_collection \
             WHERE tenant_id = $1 AND own_process = $2 ORDER BY debtor_external_id",
        )
        .bind(tenant_id)
        .bind(code)
        .fetch_all(&mut *tx)
        .await?;
        let mut own_pairs = Vec::with_capacity(own.len());
        for r in &own {
            let id: String = r.try_get(0)?;
            own_pairs.push((
                ExternalId::new(&id).map_err(|e| corrupt("dłużnik", e))?,
                r.try_get::<String, _>(1)?,
            ));
        }
        let rules = load_rules(&mut tx, tenant_id).await?;
        check_deletable(
            &set,
            code,
            own_pairs.iter().map(|(d, p)| (d, p.as_str())),
            &rules,
        )?;
        sqlx::query("DELETE FROM processes WHERE tenant_id = $1 AND code = $2")
            .bind(tenant_id)
            .bind(code)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Serialises changes of a tenant's process set (the settings row is the lock: a row lock
    /// on PostgreSQL, the single writer on SQLite).
    pub(super) async fn lock_processes(
        &self,
        tx: &mut AnyConnection,
        tenant_id: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO collection_settings (tenant_id, test_mode, policy_json, updated_at) VALUES ($1, 0, $2, $3) \
             ON CONFLICT (tenant_id) DO UPDATE SET updated_at = excluded.updated_at",
        )
        .bind(tenant_id)
        .bind(json(&TenantPolicy::default())?)
        .bind(ts(now))
        .execute(&mut *tx)
        .await?;
        Ok(())
    }

    /// The group rules, in order.
    pub async fn group_rules(&self, tenant: &TenantScope) -> Result<Vec<GroupRule>, StoreError> {
        let tenant_id = tenant.as_str();
        let mut conn = self.pool().acquire().await?;
        load_rules(&mut conn, tenant_id).await
    }

    /// Replaces the group rules; every rule must name an existing process.
    pub async fn set_group_rules(
        &self,
        tenant: &TenantScope,
        rules: &[GroupRule],
        now: DateTime<Utc>,
    ) -> Result<(), ProcessStoreError> {
        let tenant_id = tenant.as_str();
        let mut tx = self.begin_write().await?;
        // Write first: the tenant's process lock keeps a concurrent delete from leaving a rule
        // pointing nowhere, and on SQLite a transaction that read before writing could not
        // upgrade after another writer committed (SQLITE_BUSY at once, found by Schemathesis).
        self.lock_processes(&mut tx, tenant_id, now).await?;
        let set = load_processes(&mut tx, tenant_id).await?;
        for r in rules {
            if !set.iter().any(|p| p.code == r.process) {
                return Err(ProcessError::Unknown(r.process.clone()).into());
            }
        }
        sqlx::query("DELETE FROM process_rules WHERE tenant_id = $1")
            .bind(tenant_id)
            .execute(&mut *tx)
            .await?;
        for (i, r) in rules.iter().enumerate() {
            sqlx::query(
                "INSERT INTO process_rules (tenant_id, position, process_code, rule_json) VALUES ($1, $2, $3, $4)",
            )
            .bind(tenant_id)
            .bind(i64::try_from(i).unwrap_or(i64::MAX))
            .bind(&r.process)
            .bind(json(r)?)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The tenant's engine settings (defaults when never set).
    pub async fn collection_settings(
        &self,
        tenant: &TenantScope,
    ) -> Result<CollectionSettings, StoreError> {
        let tenant_id = tenant.as_str();
        let row = sqlx::query(
            "SELECT test_mode, policy_json FROM collection_settings WHERE tenant_id = $1",
        )
        .bind(tenant_id)
        .fetch_optional(self.pool())
        .await?;
        match row {
            None => Ok(CollectionSettings::default()),
            Some(r) => Ok(CollectionSettings {
                test_mode: r.try_get::<i64, _>(0)? != 0,
                policy: serde_json::from_str(&r.try_get::<String, _>(1)?)
                    .map_err(|e| corrupt("polityka kanałów", e))?,
            }),
        }
    }

    /// Sets test mode and the policy.
    pub async fn set_collection_settings(
        &self,
        tenant: &TenantScope,
        settings: &CollectionSettings,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let tenant_id = tenant.as_str();
        sqlx::query(
            "INSERT INTO collection_settings (tenant_id, test_mode, policy_json, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (tenant_id) DO UPDATE SET test_mode = excluded.test_mode, \
             policy_json = excluded.policy_json, updated_at = excluded.updated_at",
        )
        .bind(tenant_id)
        .bind(i64::from(settings.test_mode))
        .bind(json(&settings.policy)?)
        .bind(ts(now))
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Channels paused for the tenant, with the provider's reason.
    pub async fn paused_channels(
        &self,
        tenant: &TenantScope,
    ) -> Result<BTreeMap<Channel, String>, StoreError> {
        let tenant_id = tenant.as_str();
        let rows = sqlx::query("SELECT channel, reason FROM channel_pauses WHERE tenant_id = $1")
            .bind(tenant_id)
            .fetch_all(self.pool())
            .await?;
        let mut out = BTreeMap::new();
        for r in &rows {
            out.insert(channel_of(&r.try_get::<String, _>(0)?)?, r.try_get(1)?);
        }
        Ok(out)
    }

    /// Pauses a channel for the tenant (the provider refused the account).
    pub async fn pause_channel(
        &self,
        tenant: &TenantScope,
        channel: Channel,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let tenant_id = tenant.as_str();
        sqlx::query(
            "INSERT INTO channel_pauses (tenant_id, channel, reason, paused_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (tenant_id, channel) DO UPDATE SET reason = excluded.reason, paused_at = excluded.paused_at",
        )
        .bind(tenant_id)
        .bind(channel.code())
        .bind(reason)
        .bind(ts(now))
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Resumes a paused channel.
    pub async fn resume_channel(
        &self,
        tenant: &TenantScope,
        channel: Channel,
    ) -> Result<(), StoreError> {
        let tenant_id = tenant.as_str();
        sqlx::query("DELETE FROM channel_pauses WHERE tenant_id = $1 AND channel = $2")
            .bind(tenant_id)
            .bind(channel.code())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Changes a debtor's collection state (own process, tags, exclusion, legal status, voice
    /// consent, outside contact).
    pub async fn update_debtor_collection(
        &self,
        tenant: &TenantScope,
        agent: &AgentId,
        debtor: &str,
        change: &DebtorCollectionChange,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let tenant_id = tenant.as_str();
        let agent_id = agent.as_str();
        let mut tx = self.begin_write().await?;
        ensure_collection_row(&mut tx, tenant_id, agent_id, debtor, now).await?;
        let key = |q: sqlx::query::Query<'static, sqlx::Any, sqlx::any::AnyArguments>| {
            q.bind(tenant_id.to_owned())
                .bind(agent_id.to_owned())
                .bind(debtor.to_owned())
        };
        let mut sets: Vec<(&str, Option<String>, Option<i64>)> = Vec::new();
        if let Some(p) = &change.own_process {
            sets.push(("own_process", p.clone(), None));
        }
        if let Some(t) = &change.tags {
            sets.push(("tags_json", Some(json(t)?), None));
        }
        if let Some(x) = change.excluded {
            sets.push(("excluded", None, Some(i64::from(x))));
        }
        if let Some(l) = change.legal_status {
            sets.push(("legal_status", Some(legal_code(l).to_owned()), None));
        }
        if let Some(v) = change.voice_consent {
            sets.push(("voice_consent", None, Some(i64::from(v))));
        }
        if let Some(at) = change.last_contact_at {
            sets.push(("last_contact_at", Some(ts(at)), None));
        }
        for (col, text, int) in sets {
            let sql = format!(
                "UPDATE debtor_collection SET {col} = $4 WHERE tenant_id = $1 AND agent_id = $2 AND debtor_external_id = $3"
            );
            let q = key(sqlx::query(sqlx::AssertSqlSafe(sql)));
            let q = match int {
                Some(i) => q.bind(i),
                None => q.bind(text),
            };
            q.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Adds a pause (promise to pay, dispute, manual) for a debtor or one document.
    pub async fn add_pause(
        &self,
        tenant: &TenantScope,
        agent: &AgentId,
        debtor: &str,
        pause: &Pause,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<String, StoreError> {
        let tenant_id = tenant.as_str();
        let agent_id = agent.as_str();
        let mut conn = self.pool().acquire().await?;
        insert_pause(&mut conn, tenant_id, agent_id, debtor, pause, actor, now).await
    }

    /// The agents' last successful sync: the later of the agent's own report (heartbeat) and
    /// its last batch.
    pub async fn agents_last_sync(
        &self,
        tenant: &TenantScope,
    ) -> Result<HashMap<AgentId, DateTime<Utc>>, StoreError> {
        let tenant_id = tenant.as_str();
        let rows = sqlx::query(
            "SELECT agent_id, last_sync_at, last_batch_at FROM agents WHERE tenant_id = $1 AND revoked_at IS NULL",
        )
        .bind(tenant_id)
        .fetch_all(self.pool())
        .await?;
        let mut out = HashMap::new();
        for r in &rows {
            let a: Option<String> = r.try_get(1)?;
            let b: Option<String> = r.try_get(2)?;
            let mut best = None;
            for t in [a, b].into_iter().flatten() {
                let t = parse_ts(&t)?;
                best = Some(best.map_or(t, |x: DateTime<Utc>| x.max(t)));
            }
            if let Some(t) = best {
                out.insert(r.try_get(0)?, t);
            }
        }
        Ok(out)
    }

    /// The planner's inputs for every debtor with open documents, or for one debtor (`only`:
    /// agent and external id), read fresh. Cloud exclusions apply: a debtor by key or NIP, a
    /// document by number prefix or below a minimum remaining amount.
    #[allow(clippy::too_many_lines)] // four reads that fill one structure, kept together
    pub async fn debtor_rows(
        &self,
        tenant: &TenantScope,
        only: Option<&[(AgentId, String)]>,
    ) -> Result<Vec<DebtorRows>, StoreError> {
        let tenant_id = tenant.as_str();
        if only.is_some_and(<[_]>::is_empty) {
            return Ok(Vec::new());
        }
        let exclusions = self.exclusions(tenant).await?;
        // A set of debtors is one row-value list (`(a, b) IN (VALUES …)`, on both engines), so
        // a thousand documents of an on-demand run cost four queries, not four per debtor.
        let filter = |alias: &str, debtor_col: &str| match only {
            // One debtor (its page, a run for one debtor): plain equalities, which SQLite
            // answers from the index; it scans the table for a one-row `IN (VALUES …)`.
            Some([_]) => format!(" AND {alias}agent_id = $2 AND {alias}{debtor_col} = $3"),
            Some(set) => {
                let mut values = String::new();
                for i in 0..set.len() {
                    let sep = if i == 0 { "" } else { ", " };
                    let _ = write!(values, "{sep}(${}, ${})", 2 + 2 * i, 3 + 2 * i);
                }
                format!(" AND ({alias}agent_id, {alias}{debtor_col}) IN (VALUES {values})")
            }
            None => String::new(),
        };
        let bind = |q: sqlx::query::Query<'static, sqlx::Any, sqlx::any::AnyArguments>| {
            let mut q = q.bind(tenant_id.to_owned());
            for (a, d) in only.unwrap_or_default() {
                q = q.bind(a.as_str().to_owned()).bind(d.clone());
            }
            q
        };
        // Open documents, grouped per (agent, debtor).
        let sql = format!(
            "SELECT agent_id, external_id, debtor_external_id, number, issue_date, due_date, amount_minor, \
             remaining_minor, currency FROM documents WHERE tenant_id = $1 AND status = 'open'{} \
             ORDER BY agent_id, debtor_external_id, due_date, external_id",
            filter("", "debtor_external_id")
        );
        let mut docs: BTreeMap<(String, String), Vec<DocumentState>> = BTreeMap::new();
        for r in bind(sqlx::query(sqlx::AssertSqlSafe(sql)))
            .fetch_all(self.pool())
            .await?
        {
            let ext: String = r.try_get(1)?;
            let debtor: String = r.try_get(2)?;
            let currency: Currency = r
                .try_get::<String, _>(8)?
                .parse()
                .map_err(|_| corrupt("waluta", &ext))?;
            let document = Document {
                external_id: ExternalId::new(&ext).map_err(|e| corrupt("dokument", e))?,
                debtor_external_id: ExternalId::new(&debtor).map_err(|e| corrupt("dłużnik", e))?,
                number: r.try_get(3)?,
                issue_date: r
                    .try_get::<Option<String>, _>(4)?
                    .map(|d| parse_day(&d))
                    .transpose()?,
                due_date: parse_day(&r.try_get::<String, _>(5)?)?,
                amount_minor: r.try_get(6)?,
                remaining_minor: r.try_get(7)?,
                currency,
            };
            let excluded = exclusions
                .document_number_prefixes
                .iter()
                .any(|p| document.number.starts_with(p.as_str()))
                || exclusions
                    .min_remaining_minor
                    .get(&currency)
                    .is_some_and(|m| document.remaining_minor < *m);
            docs.entry((r.try_get(0)?, debtor))
                .or_default()
                .push(DocumentState {
                    document,
                    open: true,
                    excluded,
                });
        }
        if docs.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT d.agent_id, d.external_id, d.kind, d.name, d.nip, d.address_json, \
             ce.value, ce.consent, cs.value, cs.consent, \
             dc.own_process, dc.tags_json, dc.excluded, dc.legal_status, dc.voice_consent, dc.last_contact_at \
             FROM debtors d \
             LEFT JOIN contacts ce ON ce.tenant_id = d.tenant_id AND ce.debtor_id = d.debtor_id AND ce.channel = 'email' \
             LEFT JOIN contacts cs ON cs.tenant_id = d.tenant_id AND cs.debtor_id = d.debtor_id AND cs.channel = 'sms' \
             LEFT JOIN debtor_collection dc ON dc.tenant_id = d.tenant_id AND dc.agent_id = d.agent_id \
             AND dc.debtor_external_id = d.external_id \
             WHERE d.tenant_id = $1{}",
            filter("d.", "external_id")
        );
        let mut out: BTreeMap<(String, String), DebtorRows> = BTreeMap::new();
        for r in bind(sqlx::query(sqlx::AssertSqlSafe(sql)))
            .fetch_all(self.pool())
            .await?
        {
            let agent: String = r.try_get(0)?;
            let ext: String = r.try_get(1)?;
            let Some(documents) = docs.remove(&(agent.clone(), ext.clone())) else {
                continue;
            };
            let address: Option<Address> = r
                .try_get::<Option<String>, _>(5)?
                .map(|a| serde_json::from_str(&a))
                .transpose()
                .map_err(|e| corrupt("adres", e))?;
            let email = r
                .try_get::<Option<String>, _>(6)?
                .and_then(|e| Email::parse(&e).ok());
            let phone = r
                .try_get::<Option<String>, _>(8)?
                .and_then(|p| Phone::parse(&p).ok());
            let nip = r
                .try_get::<Option<String>, _>(4)?
                .and_then(|n| Nip::parse(&n).ok());
            let record = Debtor {
                external_id: ExternalId::new(&ext).map_err(|e| corrupt("dłużnik", e))?,
                kind: match r.try_get::<String, _>(2)?.as_str() {
                    "person" => DebtorKind::Person,
                    _ => DebtorKind::Company,
                },
                name: r.try_get(3)?,
                nip: nip.clone(),
                email: email.clone(),
                phone: phone.clone(),
                address: address.clone(),
            };
            let mut state = DebtorState::from_record(&record);
            state.consent.email = r.try_get::<Option<i64>, _>(7)? == Some(1);
            state.consent.sms = r.try_get::<Option<i64>, _>(9)? == Some(1);
            state.own_process = r.try_get(10)?;
            if let Some(tags) = r.try_get::<Option<String>, _>(11)? {
                state.tags = serde_json::from_str(&tags).map_err(|e| corrupt("tagi", e))?;
            }
            state.excluded = r.try_get::<Option<i64>, _>(12)?.unwrap_or(0) != 0
                || exclusions.debtor_external_ids.contains(&ext)
                || nip.as_ref().is_some_and(|n| exclusions.nips.contains(n));
            state.legal_status = match r.try_get::<Option<String>, _>(13)?.as_deref() {
                Some("deceased") => LegalStatus::Deceased,
                Some("bankrupt") => LegalStatus::Bankrupt,
                _ => LegalStatus::Active,
            };
            state.consent.voice = r.try_get::<Option<i64>, _>(14)? == Some(1);
            state.last_contact_at = r
                .try_get::<Option<String>, _>(15)?
                .map(|t| parse_ts(&t))
                .transpose()?;
            out.insert(
                (agent.clone(), ext),
                DebtorRows {
                    agent_id: AgentId::new(agent),
                    name: record.name.clone(),
                    state,
                    documents,
                    history: Vec::new(),
                    phone,
                    email,
                    nip,
                    address,
                },
            );
        }
        let sql = format!(
            "SELECT agent_id, debtor_external_id, document_external_id, kind, until_day, reason \
             FROM collection_pauses WHERE tenant_id = $1 AND lifted_at IS NULL{} ORDER BY created_at, pause_id",
            filter("", "debtor_external_id")
        );
        for r in bind(sqlx::query(sqlx::AssertSqlSafe(sql)))
            .fetch_all(self.pool())
            .await?
        {
            let k: (String, String) = (r.try_get(0)?, r.try_get(1)?);
            if let Some(d) = out.get_mut(&k) {
                d.state.pauses.push(Pause {
                    kind: match r.try_get::<String, _>(3)?.as_str() {
                        "promise_to_pay" => PauseKind::PromiseToPay,
                        "dispute" => PauseKind::Dispute,
                        _ => PauseKind::Manual,
                    },
                    until: r
                        .try_get::<Option<String>, _>(4)?
                        .map(|d| parse_day(&d))
                        .transpose()?,
                    reason: r.try_get(5)?,
                    document: r
                        .try_get::<Option<String>, _>(2)?
                        .map(|d| ExternalId::new(&d))
                        .transpose()
                        .map_err(|e| corrupt("dokument", e))?,
                });
            }
        }
        let sql = format!(
            "SELECT {HISTORY_COLS} FROM actions WHERE tenant_id = $1{} ORDER BY created_at, action_id",
            filter("", "debtor_external_id")
        );
        for r in bind(sqlx::query(sqlx::AssertSqlSafe(sql)))
            .fetch_all(self.pool())
            .await?
        {
            let (agent, debtor, entry) = history_entry(&r)?;
            if let Some(d) = out.get_mut(&(agent, debtor)) {
                d.history.push(entry);
            }
        }
        Ok(out.into_values().collect())
    }

    /// Records a debtor's decisions (due → planned, skipped → skipped; held and not-yet are
    /// not stored) with its next wake-up and current hold, in one transaction. Keys already
    /// recorded are left alone. Returns the keys that were new.
    #[allow(clippy::too_many_arguments)] // one row's worth of context, all needed
    pub async fn record_decisions(
        &self,
        tenant: &TenantScope,
        agent: &AgentId,
        debtor: &str,
        decisions: &[Decision],
        next_wake: Option<DateTime<Utc>>,
        hold: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<Vec<String>, StoreError> {
        let tenant_id = tenant.as_str();
        let agent_id = agent.as_str();
        let mut tx = self.begin_write().await?;
        let mut written = Vec::new();
        for d in decisions {
            let Some(status) = d.recorded_status() else {
                continue;
            };
            let (code, pl, en) = match &d.outcome {
                Outcome::Skipped(r) => (
                    serde_json::to_value(r)
                        .ok()
                        .and_then(|v| v.get("code").and_then(|c| c.as_str().map(str::to_owned))),
                    Some(r.message(Lang::Pl)),
                    Some(r.message(Lang::En)),
                ),
                _ => (None, None, None),
            };
            let id = new_id();
            let key = d.key_string();
            let manual = d.key.request.is_some();
            let done = (status == ActionStatus::Skipped).then(|| ts(now));
            let inserted = sqlx::query(
                "INSERT INTO actions (tenant_id, action_id, idem_key, agent_id, debtor_external_id, process_code, \
                 stage_code, channel, template, documents_json, planned_for, status, reason_code, reason, reason_en, \
                 manual, created_at, updated_at, done_at, provider_key) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17, $18, $19) \
                 ON CONFLICT (tenant_id, agent_id, idem_key) DO NOTHING",
            )
            .bind(tenant_id)
            .bind(&id)
            .bind(&key)
            .bind(agent_id)
            .bind(debtor)
            .bind(&d.process)
            .bind(&d.stage)
            .bind(d.channel.code())
            .bind(&d.template)
            .bind(json(&d.documents)?)
            .bind(ts(d.slot))
            .bind(status_code(status))
            .bind(code)
            .bind(pl.clone())
            .bind(en)
            .bind(i64::from(manual))
            .bind(ts(now))
            .bind(done)
            .bind(provider_key(tenant.id(), agent, &key))
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if !inserted {
                continue;
            }
            written.push(key);
            for c in &d.documents {
                sqlx::query(
                    "INSERT INTO action_documents (tenant_id, action_id, agent_id, document_external_id, occurrence, scheduled) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(tenant_id)
                .bind(&id)
                .bind(agent_id)
                .bind(c.document.as_str())
                .bind(i64::from(c.occurrence))
                .bind(day(c.scheduled))
                .execute(&mut *tx)
                .await?;
            }
            if status == ActionStatus::Skipped {
                let event = action_event(
                    &id,
                    debtor,
                    &d.documents,
                    &d.stage,
                    d.channel,
                    "skipped",
                    (None, pl.unwrap_or_default(), !manual, None),
                )?;
                append_result_in(&mut tx, tenant_id, agent_id, now, &event).await?;
            }
        }
        ensure_collection_row(&mut tx, tenant_id, agent_id, debtor, now).await?;
        sqlx::query(
            "UPDATE debtor_collection SET next_wake_at = $4, hold_reason = $5, planned_at = $6 \
             WHERE tenant_id = $1 AND agent_id = $2 AND debtor_external_id = $3",
        )
        .bind(tenant_id)
        .bind(agent_id)
        .bind(debtor)
        .bind(next_wake.map(ts))
        .bind(hold)
        .bind(ts(now))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(written)
    }

    /// Claims up to `limit` due actions for `runner`: planned or held rows whose time has come,
    /// and claims older than `lease` (their runner died mid-dispatch).
    pub async fn claim_due(
        &self,
        tenant: &TenantScope,
        runner: &str,
        now: DateTime<Utc>,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<ClaimedAction>, StoreError> {
        let tenant_id = tenant.as_str();
        let lock = match self.backend() {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "UPDATE actions SET status = 'claimed', claimed_by = $2, claimed_at = $3, updated_at = $3, \
             attempts = attempts + 1 \
             WHERE tenant_id = $1 AND action_id IN (SELECT action_id FROM actions WHERE tenant_id = $1 AND \
             ((status IN ('planned', 'held') AND planned_for <= $3) OR (status = 'claimed' AND claimed_at < $4)) \
             ORDER BY planned_for, action_id LIMIT $5{lock}) \
             RETURNING {HISTORY_COLS}"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(tenant_id)
            .bind(runner)
            .bind(ts(now))
            .bind(ts(now - lease))
            .bind(i64::from(limit))
            .fetch_all(self.pool())
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let (agent_id, debtor, entry) = history_entry(r)?;
            out.push(ClaimedAction {
                action_id: r.try_get(2)?,
                agent_id: AgentId::new(agent_id),
                debtor: ExternalId::new(&debtor).map_err(|e| corrupt("dłużnik", e))?,
                template: r.try_get(12)?,
                attempts: r.try_get(13)?,
                provider_key: r
                    .try_get::<Option<String>, _>(14)?
                    .unwrap_or_else(|| entry.key.clone()),
                entry,
            });
        }
        out.sort_by(|a, b| a.entry.key.cmp(&b.entry.key));
        Ok(out)
    }

    /// Ends or releases `runner`'s claim. A final status goes to the agent's results feed in
    /// the same transaction. `false`: the claim is no longer `runner`'s (its lease expired and
    /// another runner took it); nothing was changed.
    pub async fn finish_action(
        &self,
        tenant: &TenantScope,
        runner: &str,
        claim: &ClaimedAction,
        transition: &Transition,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let tenant_id = tenant.as_str();
        let mut tx = self.begin_write().await?;
        let (status, planned_for, code, pl, en, provider, cost, description) = match transition {
            Transition::Sent {
                provider_id,
                cost_minor,
                description,
            } => (
                "sent",
                None,
                None,
                None,
                None,
                provider_id.clone(),
                *cost_minor,
                Some(description.clone()),
            ),
            Transition::Failed { reason } => (
                "failed",
                None,
                Some("channel_failed".to_owned()),
                Some(reason.clone()),
                Some(reason.clone()),
                None,
                None,
                None,
            ),
            Transition::Release {
                held,
                code,
                reason_pl,
                reason_en,
                at,
            } => (
                if *held { "held" } else { "planned" },
                Some(ts(*at)),
                Some(code.clone()),
                Some(reason_pl.clone()),
                Some(reason_en.clone()),
                None,
                None,
                None,
            ),
        };
        let final_status = matches!(status, "sent" | "failed");
        let r = sqlx::query(
            "UPDATE actions SET status = $4, planned_for = COALESCE($5, planned_for), reason_code = $6, reason = $7, \
             reason_en = $8, provider_id = $9, cost_minor = $10, description = $11, updated_at = $12, done_at = $13, \
             claimed_by = CASE WHEN $14 = 1 THEN claimed_by ELSE NULL END, \
             claimed_at = CASE WHEN $14 = 1 THEN claimed_at ELSE NULL END \
             WHERE tenant_id = $1 AND action_id = $2 AND status = 'claimed' AND claimed_by = $3",
        )
        .bind(tenant_id)
        .bind(&claim.action_id)
        .bind(runner)
        .bind(status)
        .bind(planned_for)
        .bind(code)
        .bind(pl.clone())
        .bind(en)
        .bind(provider.clone())
        .bind(cost)
        .bind(description.clone())
        .bind(ts(now))
        .bind(final_status.then(|| ts(now)))
        .bind(i64::from(final_status))
        .execute(&mut *tx)
        .await?;
        if r.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(false);
        }
        if status == "sent" {
            keep_amounts_then(&mut tx, tenant_id, &claim.action_id).await?;
        }
        if final_status {
            let e = &claim.entry;
            let event = action_event(
                &claim.action_id,
                claim.debtor.as_str(),
                &e.documents,
                &e.stage,
                e.channel,
                status,
                (
                    provider,
                    description.or(pl).unwrap_or_default(),
                    !e.manual,
                    cost,
                ),
            )?;
            append_result_in(&mut tx, tenant_id, claim.agent_id.as_str(), now, &event).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Deletes `runner`'s claim that never reached a provider (the recheck found the action
    /// changed): its key and occurrences are free for the next plan. `false`: not ours.
    pub async fn delete_claim(
        &self,
        tenant: &TenantScope,
        runner: &str,
        claim: &ClaimedAction,
    ) -> Result<bool, StoreError> {
        let tenant_id = tenant.as_str();
        let mut tx = self.begin_write().await?;
        let r = sqlx::query(
            "DELETE FROM actions WHERE tenant_id = $1 AND action_id = $2 AND status = 'claimed' AND claimed_by = $3",
        )
        .bind(tenant_id)
        .bind(&claim.action_id)
        .bind(runner)
        .execute(&mut *tx)
        .await?;
        if r.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(false);
        }
        sqlx::query("DELETE FROM action_documents WHERE tenant_id = $1 AND action_id = $2")
            .bind(tenant_id)
            .bind(&claim.action_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Action history (R-P6), newest first: overall, per debtor, per document.
    pub async fn actions(
        &self,
        tenant: &TenantScope,
        f: &ActionFilter,
    ) -> Result<Vec<ActionView>, StoreError> {
        let tenant_id = tenant.as_str();
        let mut sql = format!("SELECT {ACTION_VIEW_COLS} FROM actions a WHERE a.tenant_id = $1");
        let mut args = Vec::new();
        if let Some(d) = &f.debtor {
            args.push(d.clone());
            let _ = write!(sql, " AND a.debtor_external_id = ${}", args.len() + 1);
        }
        if let Some(d) = &f.document {
            args.push(d.clone());
            let _ = write!(
                sql,
                " AND EXISTS (SELECT 1 FROM action_documents x WHERE x.tenant_id = a.tenant_id \
                 AND x.action_id = a.action_id AND x.document_external_id = ${})",
                args.len() + 1
            );
        }
        if let Some(s) = &f.status {
            args.push(s.clone());
            let _ = write!(sql, " AND a.status = ${}", args.len() + 1);
        }
        let _ = write!(
            sql,
            " ORDER BY a.created_at DESC, a.action_id DESC LIMIT {}",
            f.limit.unwrap_or(1000).clamp(1, 10_000)
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(tenant_id.to_owned());
        for a in args {
            q = q.bind(a);
        }
        let rows = q.fetch_all(self.pool()).await?;
        rows.iter().map(action_view).collect()
    }
}

/// Keeps what each document of a sent action owed when it went: the register judges the
/// settlement after the notice on it (`Store::automatic_notices`).
async fn keep_amounts_then(
    conn: &mut AnyConnection,
    tenant_id: &str,
    action_id: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE action_documents SET remaining_minor = (SELECT d.remaining_minor FROM documents d \
         WHERE d.tenant_id = action_documents.tenant_id AND d.agent_id = action_documents.agent_id \
         AND d.external_id = action_documents.document_external_id) \
         WHERE tenant_id = $1 AND action_id = $2",
    )
    .bind(tenant_id)
    .bind(action_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The columns [`action_view`] reads, over `actions a`.
pub(super) const ACTION_VIEW_COLS: &str = "a.action_id, a.idem_key, a.agent_id, a.debtor_external_id, \
     a.process_code, a.stage_code, a.channel, a.documents_json, a.planned_for, a.status, a.reason_code, a.reason, \
     a.provider_id, a.cost_minor, a.description, a.manual, a.attempts, a.created_at, a.done_at";

/// One history row, selected with [`ACTION_VIEW_COLS`].
pub(super) fn action_view(r: &sqlx::any::AnyRow) -> Result<ActionView, StoreError> {
    Ok(ActionView {
        id: r.try_get(0)?,
        key: r.try_get(1)?,
        agent_id: r.try_get(2)?,
        debtor_external_id: r.try_get(3)?,
        process: r.try_get(4)?,
        stage: r.try_get(5)?,
        channel: r.try_get(6)?,
        documents: serde_json::from_str(&r.try_get::<String, _>(7)?)
            .map_err(|e| corrupt("dokumenty akcji", e))?,
        planned_for: parse_ts(&r.try_get::<String, _>(8)?)?,
        status: r.try_get(9)?,
        reason_code: r.try_get(10)?,
        reason: r.try_get(11)?,
        provider_id: r.try_get(12)?,
        cost_minor: r.try_get(13)?,
        description: r.try_get(14)?,
        automatic: r.try_get::<i64, _>(15)? == 0,
        attempts: r.try_get(16)?,
        created_at: parse_ts(&r.try_get::<String, _>(17)?)?,
        done_at: r
            .try_get::<Option<String>, _>(18)?
            .map(|t| parse_ts(&t))
            .transpose()?,
    })
}

/// Inserts a pause row inside the caller's transaction; returns its id.
pub(super) async fn insert_pause(
    conn: &mut AnyConnection,
    tenant_id: &str,
    agent_id: &str,
    debtor: &str,
    pause: &Pause,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<String, StoreError> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO collection_pauses (tenant_id, pause_id, agent_id, debtor_external_id, document_external_id, \
         kind, until_day, reason, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(tenant_id)
    .bind(&id)
    .bind(agent_id)
    .bind(debtor)
    .bind(pause.document.as_ref().map(|d| d.as_str().to_owned()))
    .bind(pause_code(pause.kind))
    .bind(pause.until.map(day))
    .bind(&pause.reason)
    .bind(ts(now))
    .bind(actor)
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

pub(super) async fn load_processes(
    conn: &mut AnyConnection,
    tenant_id: &str,
) -> Result<Vec<Process>, StoreError> {
    let rows = sqlx::query(
        "SELECT code, is_default, definition_json FROM processes WHERE tenant_id = $1 ORDER BY code",
    )
    .bind(tenant_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let code: String = r.try_get(0)?;
        let mut p: Process = serde_json::from_str(&r.try_get::<String, _>(2)?)
            .map_err(|e| corrupt(&format!("proces {code}"), e))?;
        p.is_default = r.try_get::<i64, _>(1)? != 0;
        out.push(p);
    }
    Ok(out)
}

async fn load_rules(
    conn: &mut AnyConnection,
    tenant_id: &str,
) -> Result<Vec<GroupRule>, StoreError> {
    let rows =
        sqlx::query("SELECT rule_json FROM process_rules WHERE tenant_id = $1 ORDER BY position")
            .bind(tenant_id)
            .fetch_all(&mut *conn)
            .await?;
    rows.iter()
        .map(|r| {
            serde_json::from_str(&r.try_get::<String, _>(0)?)
                .map_err(|e| corrupt("reguła grupy", e))
        })
        .collect()
}

pub(super) async fn ensure_collection_row(
    conn: &mut AnyConnection,
    tenant_id: &str,
    agent_id: &str,
    debtor: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO debtor_collection (tenant_id, agent_id, debtor_external_id, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (tenant_id, agent_id, debtor_external_id) DO UPDATE SET updated_at = excluded.updated_at",
    )
    .bind(tenant_id)
    .bind(agent_id)
    .bind(debtor)
    .bind(ts(now))
    .execute(&mut *conn)
    .await?;
    Ok(())
}
