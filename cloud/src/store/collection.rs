//! What the client API reads and changes about collection beyond the engine's own tables
//! ([`super::processes`]): resolving the API's debtor and document ids to the engine's
//! (agent, external id) keys, the default process, paused channels as a list, a debtor's
//! collection state and pauses (adding one that reports a promise to pay to the ERP, lifting
//! one), and the action history as keyset-paged lists.
//!
//! Why a separate module: `processes` is the runner's storage and is being changed with it;
//! these are the API's reads and edits, which only add to it.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use inkaso_shared::protocol::ResultEvent;
use inkaso_shared::{DebtorKind, ExternalId};
use sqlx::{AssertSqlSafe, Row};

use super::feed::append_result_in;
use super::processes::{
    ACTION_VIEW_COLS, ActionView, ProcessStoreError, action_view, corrupt, insert_pause,
    load_processes,
};
use super::query::{Page, Sql, decode_cursor, encode_cursor, page_limit};
use super::{Store, StoreError, day, parse_day, parse_ts, ts};
use crate::domain::ids::AgentId;
use crate::process::{Pause, PauseKind, Process, set_default, validate_set};
use crate::store::TenantScope;

/// A debtor as the engine keys it: by agent and the ERP's id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DebtorRef {
    /// The API's id (`/debtors/{id}`).
    pub debtor_id: String,
    /// The agent it comes from.
    pub agent_id: AgentId,
    /// The ERP's id.
    pub external_id: String,
    /// Company or person (for group rules).
    pub kind: DebtorKind,
}

/// A document as the engine keys it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentRef {
    /// The API's id (`/documents/{id}`).
    pub document_id: String,
    /// The agent it comes from.
    pub agent_id: AgentId,
    /// The ERP's id.
    pub external_id: String,
    /// The debtor's ERP id.
    pub debtor_external_id: String,
    /// Still unpaid.
    pub open: bool,
}

/// A channel the provider refused at account level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelPauseView {
    /// `sms`, `email`, `voice`, …
    pub channel: String,
    /// The provider's reason.
    pub reason: String,
    /// Since when.
    pub paused_at: DateTime<Utc>,
}

/// A debtor's collection state as stored (defaults when never set).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectionStateView {
    /// The debtor's own process, if set.
    pub own_process: Option<String>,
    /// Tags for group rules.
    pub tags: Vec<String>,
    /// Excluded from collection in the cloud.
    pub excluded: bool,
    /// `active`, `deceased` or `bankrupt`.
    pub legal_status: String,
    /// Consent to voice messages (`null`: not recorded).
    pub voice_consent: Option<bool>,
    /// The last contact made outside the engine.
    pub last_contact_at: Option<DateTime<Utc>>,
    /// When the planner looks at the debtor again.
    pub next_wake_at: Option<DateTime<Utc>>,
    /// The hold the planner last reported (Polish).
    pub hold_reason: Option<String>,
}

/// A pause as the client sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PauseView {
    /// Id (for lifting).
    pub id: String,
    /// `promise_to_pay`, `dispute` or `manual`.
    pub kind: String,
    /// Only this document (ERP id); `null`: all the debtor's documents.
    pub document_external_id: Option<String>,
    /// Last day (inclusive); `null`: until lifted.
    pub until: Option<NaiveDate>,
    /// The reason or note.
    pub reason: String,
    /// When it was added.
    pub created_at: DateTime<Utc>,
    /// Who added it.
    pub created_by: String,
    /// When it was lifted.
    pub lifted_at: Option<DateTime<Utc>>,
    /// Who lifted it.
    pub lifted_by: Option<String>,
    /// Whether it holds today (not lifted, not past its last day).
    pub active: bool,
}

/// Filters of the history lists (R-P6).
#[derive(Debug, Clone, Default)]
pub struct ActionQuery {
    /// `planned`, `claimed`, `held`, `sent`, `failed` or `skipped`.
    pub status: Option<String>,
    /// `sms`, `email`, `letter`, `registered_letter`, `voice`, `task`, `sales_block`, `handoff`.
    pub channel: Option<String>,
    /// Only on-demand (true) or only automatic (false) actions.
    pub manual: Option<bool>,
    /// Created on or after this day (UTC).
    pub since: Option<NaiveDate>,
    /// Created on or before this day (UTC).
    pub until: Option<NaiveDate>,
    /// Cursor from the previous page.
    pub after: Option<String>,
    /// Page size (1..=500, default 50).
    pub limit: Option<u32>,
}

/// Whose actions a history list shows.
#[derive(Debug, Clone, Copy)]
pub enum ActionScope<'a> {
    /// The whole tenant's.
    All,
    /// One debtor's.
    Debtor(&'a DebtorRef),
    /// Those covering one document.
    Document(&'a DocumentRef),
    /// Those whose key starts with this (one on-demand request's).
    KeyPrefix(&'a str),
}

const STATUSES: [&str; 6] = ["planned", "claimed", "held", "sent", "failed", "skipped"];

fn pause_view(r: &sqlx::any::AnyRow, today: NaiveDate) -> Result<PauseView, StoreError> {
    let until = r
        .try_get::<Option<String>, _>(3)?
        .map(|d| parse_day(&d))
        .transpose()?;
    let lifted_at = r
        .try_get::<Option<String>, _>(7)?
        .map(|t| parse_ts(&t))
        .transpose()?;
    Ok(PauseView {
        id: r.try_get(0)?,
        kind: r.try_get(1)?,
        document_external_id: r.try_get(2)?,
        until,
        reason: r.try_get(4)?,
        created_at: parse_ts(&r.try_get::<String, _>(5)?)?,
        created_by: r.try_get(6)?,
        active: lifted_at.is_none() && until.is_none_or(|u| today <= u),
        lifted_at,
        lifted_by: r.try_get(8)?,
    })
}

/// The most action ids a document's history binds into one statement.
const MAX_LISTED_IDS: usize = 1000;

impl Store {
    /// The debtor behind an API id; `NotFound` for other tenants' ids.
    pub async fn debtor_ref(
        &self,
        tenant: &TenantScope,
        debtor_id: &str,
    ) -> Result<DebtorRef, StoreError> {
        let tenant_id = tenant.as_str();
        let row = sqlx::query(
            "SELECT agent_id, external_id, kind FROM debtors WHERE tenant_id = $1 AND debtor_id = $2",
        )
        .bind(tenant_id)
        .bind(debtor_id)
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(|| StoreError::not_found("err-what-debtor", &[("id", debtor_id.into())]))?;
        Ok(DebtorRef {
            debtor_id: debtor_id.to_owned(),
            agent_id: row.try_get(0)?,
            external_id: row.try_get(1)?,
            kind: match row.try_get::<String, _>(2)?.as_str() {
                "person" => DebtorKind::Person,
                _ => DebtorKind::Company,
            },
        })
    }

    /// The document behind an API id; `NotFound` for other tenants' ids.
    pub async fn document_ref(
        &self,
        tenant: &TenantScope,
        document_id: &str,
    ) -> Result<DocumentRef, StoreError> {
        let tenant_id = tenant.as_str();
        let row = sqlx::query(
            "SELECT agent_id, external_id, debtor_external_id, status FROM documents \
             WHERE tenant_id = $1 AND document_id = $2",
        )
        .bind(tenant_id)
        .bind(document_id)
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(|| StoreError::not_found("err-what-document", &[("id", document_id.into())]))?;
        Ok(DocumentRef {
            document_id: document_id.to_owned(),
            agent_id: row.try_get(0)?,
            external_id: row.try_get(1)?,
            debtor_external_id: row.try_get(2)?,
            open: row.try_get::<String, _>(3)? == "open",
        })
    }

    /// The tenant's documents by API id, in the order asked, in one query; an id that is not
    /// the tenant's is `NotFound` naming it.
    pub async fn document_refs(
        &self,
        tenant: &TenantScope,
        document_ids: &[String],
    ) -> Result<Vec<DocumentRef>, StoreError> {
        let mut found: HashMap<String, DocumentRef> = HashMap::new();
        // Bounded lists keep every engine's parameter limit far away.
        for chunk in document_ids.chunks(500) {
            let list = (0..chunk.len())
                .map(|i| format!("${}", i + 2))
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!(
                "SELECT document_id, agent_id, external_id, debtor_external_id, status FROM documents \
                 WHERE tenant_id = $1 AND document_id IN ({list})"
            );
            let mut q = sqlx::query(AssertSqlSafe(sql)).bind(tenant.as_str().to_owned());
            for id in chunk {
                q = q.bind(id.clone());
            }
            for row in q.fetch_all(self.pool()).await? {
                let id: String = row.try_get(0)?;
                found.insert(
                    id.clone(),
                    DocumentRef {
                        document_id: id,
                        agent_id: row.try_get(1)?,
                        external_id: row.try_get(2)?,
                        debtor_external_id: row.try_get(3)?,
                        open: row.try_get::<String, _>(4)? == "open",
                    },
                );
            }
        }
        document_ids
            .iter()
            .map(|id| {
                found
                    .get(id)
                    .cloned()
                    .ok_or_else(|| StoreError::not_found("err-what-document", &[("id", id.into())]))
            })
            .collect()
    }

    /// Makes `code` the tenant's default process and unmarks the old one (Optima's rule).
    pub async fn set_default_process(
        &self,
        tenant: &TenantScope,
        code: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<Process>, ProcessStoreError> {
        let tenant_id = tenant.as_str();
        let mut tx = self.begin_write().await?;
        self.lock_processes(&mut tx, tenant_id, now).await?;
        let mut set = load_processes(&mut tx, tenant_id).await?;
        set_default(&mut set, code)?;
        validate_set(&set)?;
        sqlx::query(
            "UPDATE processes SET is_default = CASE WHEN code = $2 THEN 1 ELSE 0 END, updated_at = $3 \
             WHERE tenant_id = $1 AND (is_default = 1 OR code = $2)",
        )
        .bind(tenant_id)
        .bind(code)
        .bind(ts(now))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(set)
    }

    /// Channels paused for the tenant, with the provider's reason and since when.
    pub async fn channel_pauses(
        &self,
        tenant: &TenantScope,
    ) -> Result<Vec<ChannelPauseView>, StoreError> {
        let tenant_id = tenant.as_str();
        let rows = sqlx::query(
            "SELECT channel, reason, paused_at FROM channel_pauses WHERE tenant_id = $1 ORDER BY channel",
        )
        .bind(tenant_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ChannelPauseView {
                    channel: r.try_get(0)?,
                    reason: r.try_get(1)?,
                    paused_at: parse_ts(&r.try_get::<String, _>(2)?)?,
                })
            })
            .collect()
    }

    /// A debtor's stored collection state (defaults when nothing was ever set).
    pub async fn collection_state(
        &self,
        tenant: &TenantScope,
        debtor: &DebtorRef,
    ) -> Result<CollectionStateView, StoreError> {
        let tenant_id = tenant.as_str();
        let row = sqlx::query(
            "SELECT own_process, tags_json, excluded, legal_status, voice_consent, last_contact_at, \
             next_wake_at, hold_reason FROM debtor_collection \
             WHERE tenant_id = $1 AND agent_id = $2 AND debtor_external_id = $3",
        )
        .bind(tenant_id)
        .bind(&debtor.agent_id)
        .bind(&debtor.external_id)
        .fetch_optional(self.pool())
        .await?;
        let Some(r) = row else {
            return Ok(CollectionStateView {
                own_process: None,
                tags: Vec::new(),
                excluded: false,
                legal_status: "active".to_owned(),
                voice_consent: None,
                last_contact_at: None,
                next_wake_at: None,
                hold_reason: None,
            });
        };
        let opt_ts = |v: Option<String>| v.map(|t| parse_ts(&t)).transpose();
        Ok(CollectionStateView {
            own_process: r.try_get(0)?,
            tags: serde_json::from_str(&r.try_get::<String, _>(1)?)
                .map_err(|e| corrupt("tagi", e))?,
            excluded: r.try_get::<i64, _>(2)? != 0,
            legal_status: r.try_get(3)?,
            voice_consent: r.try_get::<Option<i64>, _>(4)?.map(|v| v != 0),
            last_contact_at: opt_ts(r.try_get(5)?)?,
            next_wake_at: opt_ts(r.try_get(6)?)?,
            hold_reason: r.try_get(7)?,
        })
    }

    /// Adds a pause for a debtor or one of its documents. A promise to pay also goes to the
    /// agent's results feed (`promise_to_pay`, with the promised documents: the one given, else
    /// every open document of the debtor) in the same transaction, so the ERP learns of it
    /// exactly when the engine starts honouring it.
    pub async fn add_pause_reported(
        &self,
        tenant: &TenantScope,
        debtor: &DebtorRef,
        pause: &Pause,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<String, StoreError> {
        let tenant_id = tenant.as_str();
        let mut tx = self.begin_write().await?;
        let id = insert_pause(
            &mut tx,
            tenant_id,
            debtor.agent_id.as_str(),
            &debtor.external_id,
            pause,
            actor,
            now,
        )
        .await?;
        if pause.kind == PauseKind::PromiseToPay {
            let until = pause
                .until
                .ok_or_else(|| StoreError::invalid("until", "err-store-promise-needs-date", &[]))?;
            let documents = if let Some(d) = &pause.document {
                vec![d.clone()]
            } else {
                let rows = sqlx::query(
                    "SELECT external_id FROM documents WHERE tenant_id = $1 AND agent_id = $2 \
                     AND debtor_external_id = $3 AND status = 'open' ORDER BY due_date, external_id",
                )
                .bind(tenant_id)
                .bind(&debtor.agent_id)
                .bind(&debtor.external_id)
                .fetch_all(&mut *tx)
                .await?;
                rows.iter()
                    .map(|r| {
                        ExternalId::new(&r.try_get::<String, _>(0)?)
                            .map_err(|e| corrupt("dokument", e))
                    })
                    .collect::<Result<Vec<_>, _>>()?
            };
            let event = ResultEvent::PromiseToPay {
                debtor_external_id: ExternalId::new(&debtor.external_id)
                    .map_err(|e| corrupt("dłużnik", e))?,
                document_external_ids: documents,
                until,
                note: Some(pause.reason.clone()).filter(|r| !r.trim().is_empty()),
            };
            append_result_in(&mut tx, tenant_id, debtor.agent_id.as_str(), now, &event).await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// A debtor's pauses, newest first, lifted ones included.
    pub async fn pauses(
        &self,
        tenant: &TenantScope,
        debtor: &DebtorRef,
        today: NaiveDate,
    ) -> Result<Vec<PauseView>, StoreError> {
        let tenant_id = tenant.as_str();
        let rows = sqlx::query(
            "SELECT pause_id, kind, document_external_id, until_day, reason, created_at, created_by, \
             lifted_at, lifted_by FROM collection_pauses \
             WHERE tenant_id = $1 AND agent_id = $2 AND debtor_external_id = $3 \
             ORDER BY created_at DESC, pause_id DESC",
        )
        .bind(tenant_id)
        .bind(&debtor.agent_id)
        .bind(&debtor.external_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|r| pause_view(r, today)).collect()
    }

    /// Lifts a pause: it stays in the list with who lifted it and when, and the planner no
    /// longer sees it. Lifting a lifted pause changes nothing.
    pub async fn lift_pause(
        &self,
        tenant: &TenantScope,
        debtor: &DebtorRef,
        pause_id: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let tenant_id = tenant.as_str();
        let r = sqlx::query(
            "UPDATE collection_pauses SET lifted_at = COALESCE(lifted_at, $5), lifted_by = COALESCE(lifted_by, $6) \
             WHERE tenant_id = $1 AND agent_id = $2 AND debtor_external_id = $3 AND pause_id = $4",
        )
        .bind(tenant_id)
        .bind(&debtor.agent_id)
        .bind(&debtor.external_id)
        .bind(pause_id)
        .bind(ts(now))
        .bind(actor)
        .execute(self.pool())
        .await?;
        if r.rows_affected() == 0 {
            return Err(StoreError::not_found(
                "err-what-pause",
                &[("id", pause_id.into())],
            ));
        }
        Ok(())
    }

    /// Action history (R-P6), newest first, keyset-paged over (created, id).
    pub async fn list_actions(
        &self,
        tenant: &TenantScope,
        scope: ActionScope<'_>,
        q: &ActionQuery,
    ) -> Result<Page<ActionView>, StoreError> {
        let limit = page_limit(q.limit);
        let Some(mut sql) = self.actions_of(tenant, scope).await? else {
            return Ok(Page {
                items: Vec::new(),
                next_cursor: None,
            });
        };
        push_action_filters(&mut sql, q)?;
        if let Some(after) = q.after.as_deref().filter(|a| !a.trim().is_empty()) {
            let parts = decode_cursor(after, 2)?;
            let (at, id) = (sql.text(parts[0].clone()), sql.text(parts[1].clone()));
            sql.push(&format!(
                " AND (a.created_at < {at} OR (a.created_at = {at} AND a.action_id < {id}))"
            ));
        }
        let l = sql.int(i64::from(limit) + 1);
        sql.push(&format!(
            " ORDER BY a.created_at DESC, a.action_id DESC LIMIT {l}"
        ));
        let rows = sql.fetch(self).await?;
        let items = rows
            .iter()
            .take(limit as usize)
            .map(action_view)
            .collect::<Result<Vec<_>, _>>()?;
        let next_cursor = (rows.len() > limit as usize)
            .then(|| {
                items
                    .last()
                    .map(|a| encode_cursor(&[&ts(a.created_at), &a.id]))
            })
            .flatten();
        Ok(Page { items, next_cursor })
    }

    /// The statement selecting a scope's actions, before filters; `None` when a document has
    /// none.
    async fn actions_of(
        &self,
        tenant: &TenantScope,
        scope: ActionScope<'_>,
    ) -> Result<Option<Sql>, StoreError> {
        let mut sql = Sql::new(&format!(
            "SELECT {ACTION_VIEW_COLS} FROM actions a WHERE a.tenant_id = "
        ));
        let t = sql.text(tenant.as_str());
        sql.push(&t);
        match scope {
            ActionScope::All => {}
            ActionScope::Debtor(d) => {
                let (agent, ext) = (
                    sql.text(d.agent_id.as_str()),
                    sql.text(d.external_id.clone()),
                );
                sql.push(&format!(
                    " AND a.agent_id = {agent} AND a.debtor_external_id = {ext}"
                ));
            }
            ActionScope::Document(d) => {
                // The document's few actions by their ids, read first from the document's index:
                // given the ids as a subquery, both engines were free to walk the firm's whole
                // history newest first testing each action, and PostgreSQL did (≈100 ms at
                // 25 000 actions, seconds beyond).
                let ids: Vec<String> = sqlx::query(
                    "SELECT action_id FROM action_documents WHERE tenant_id = $1 AND agent_id = $2 \
                     AND document_external_id = $3",
                )
                .bind(tenant.as_str())
                .bind(d.agent_id.as_str())
                .bind(&d.external_id)
                .fetch_all(self.pool())
                .await?
                .iter()
                .map(|r| r.try_get(0))
                .collect::<Result<_, _>>()?;
                if ids.is_empty() {
                    return Ok(None);
                }
                let agent = sql.text(d.agent_id.as_str());
                sql.push(&format!(" AND a.agent_id = {agent}"));
                if ids.len() <= MAX_LISTED_IDS {
                    let list: Vec<String> = ids.into_iter().map(|id| sql.text(id)).collect();
                    sql.push(&format!(" AND a.action_id IN ({})", list.join(", ")));
                } else {
                    // More than a statement should bind: then the subquery, slow or not.
                    let ext = sql.text(d.external_id.clone());
                    sql.push(&format!(
                        " AND a.action_id IN (SELECT x.action_id FROM action_documents x WHERE x.tenant_id = a.tenant_id \
                         AND x.agent_id = {agent} AND x.document_external_id = {ext})"
                    ));
                }
            }
            ActionScope::KeyPrefix(prefix) => {
                // SUBSTR rather than LIKE: a key may hold `_` and `%`, LIKE's wildcards.
                let p = sql.text(prefix);
                sql.push(&format!(
                    " AND SUBSTR(a.idem_key, 1, {}) = {p}",
                    prefix.chars().count()
                ));
            }
        }
        Ok(Some(sql))
    }
}

/// The history's filters: status, channel, origin, period.
fn push_action_filters(sql: &mut Sql, q: &ActionQuery) -> Result<(), StoreError> {
    if let Some(s) = q.status.as_deref().map(str::trim) {
        if !STATUSES.contains(&s) {
            return Err(StoreError::invalid(
                "status",
                "err-store-action-status-unknown",
                &[
                    ("status", s.into()),
                    ("allowed", STATUSES.join(", ").into()),
                ],
            ));
        }
        let p = sql.text(s);
        sql.push(&format!(" AND a.status = {p}"));
    }
    if let Some(c) = q.channel.as_deref().map(str::trim) {
        if crate::process::Channel::from_code(c).is_none() {
            return Err(StoreError::invalid(
                "channel",
                "err-client-unknown-channel",
                &[("channel", c.into())],
            ));
        }
        let p = sql.text(c);
        sql.push(&format!(" AND a.channel = {p}"));
    }
    if let Some(m) = q.manual {
        let p = sql.int(i64::from(m));
        sql.push(&format!(" AND a.manual = {p}"));
    }
    if let (Some(since), Some(until)) = (q.since, q.until)
        && since > until
    {
        return Err(StoreError::invalid(
            "since",
            "err-store-period-order",
            &[("since", (&since).into()), ("until", (&until).into())],
        ));
    }
    // Stored times are RFC 3339 in UTC, so a day compares as their prefix.
    if let Some(since) = q.since {
        let p = sql.text(day(since));
        sql.push(&format!(" AND a.created_at >= {p}"));
    }
    if let Some(until) = q.until.and_then(|u| u.succ_opt()) {
        let p = sql.text(day(until));
        sql.push(&format!(" AND a.created_at < {p}"));
    }
    Ok(())
}
