//! The results feed: what happened in the cloud that an agent should write back to its ERP.
//!
//! Positions are per agent and come from a counter row incremented in the writer's own
//! transaction. The counter row is locked until that transaction commits, so a later position
//! can only become visible after every earlier one has: a reader that got position `n` can never
//! later find a position below `n` appearing, and an agent paging with `after` never skips an
//! item, however many replicas write at once. The cursor an agent sends acknowledges everything
//! up to it.

use chrono::{DateTime, Utc};
use inkaso_shared::protocol::{MAX_RESULTS_PAGE, ResultEvent, ResultItem, ResultsPage};
use sqlx::{AnyConnection, Row};

use super::{Store, StoreError, parse_ts, to_i64, to_u64, ts};
use crate::domain::ids::AgentId;
use crate::store::TenantScope;

/// Parses a feed cursor (`""` is the start).
pub fn parse_cursor(text: Option<&str>) -> Result<u64, StoreError> {
    match text.map(str::trim) {
        None | Some("") => Ok(0),
        Some(t) => t.parse::<u64>().map_err(|_| {
            StoreError::invalid("after", "err-store-cursor-named", &[("cursor", t.into())])
        }),
    }
}

/// Appends one event to an agent's feed inside the caller's transaction (so the event becomes
/// visible together with whatever caused it). Returns its position.
pub(super) async fn append_result_in(
    conn: &mut AnyConnection,
    tenant_id: &str,
    agent_id: &str,
    at: DateTime<Utc>,
    event: &ResultEvent,
) -> Result<u64, StoreError> {
    let pos: i64 = sqlx::query(
        "INSERT INTO feed_counters (tenant_id, agent_id, last_pos) VALUES ($1, $2, 1) \
         ON CONFLICT (tenant_id, agent_id) DO UPDATE SET last_pos = feed_counters.last_pos + 1 RETURNING last_pos",
    )
    .bind(tenant_id)
    .bind(agent_id)
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?;
    let json = serde_json::to_string(event).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    sqlx::query("INSERT INTO results (tenant_id, agent_id, pos, at, kind, event_json) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(tenant_id)
        .bind(agent_id)
        .bind(pos)
        .bind(ts(at))
        .bind(event.kind())
        .bind(json)
        .execute(&mut *conn)
        .await?;
    Ok(to_u64(pos))
}

impl Store {
    /// Appends one event to an agent's feed in its own transaction (for the process engine and
    /// channels). Fails with `NotFound` when the agent is not the tenant's.
    pub async fn append_result(
        &self,
        tenant: &TenantScope,
        agent: &AgentId,
        at: DateTime<Utc>,
        event: &ResultEvent,
    ) -> Result<u64, StoreError> {
        let tenant_id = tenant.as_str();
        let agent_id = agent.as_str();
        let mut tx = self.begin_write().await?;
        let exists = sqlx::query("SELECT 1 FROM agents WHERE tenant_id = $1 AND agent_id = $2")
            .bind(tenant_id)
            .bind(agent_id)
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_none() {
            return Err(StoreError::not_found(
                "err-what-agent",
                &[("id", agent_id.into())],
            ));
        }
        let pos = append_result_in(&mut tx, tenant_id, agent_id, at, event).await?;
        tx.commit().await?;
        Ok(pos)
    }

    /// One page of an agent's feed after `after`; records `after` as acknowledged.
    pub async fn results_page(
        &self,
        tenant: &TenantScope,
        agent: &AgentId,
        after: u64,
        limit: u32,
    ) -> Result<ResultsPage, StoreError> {
        let tenant_id = tenant.as_str();
        let agent_id = agent.as_str();
        let limit = limit.clamp(1, MAX_RESULTS_PAGE);
        let after_i = to_i64(after, "after")?;
        sqlx::query("UPDATE agents SET feed_acked = $3 WHERE tenant_id = $1 AND agent_id = $2 AND feed_acked < $3")
            .bind(tenant_id)
            .bind(agent_id)
            .bind(after_i)
            .execute(self.pool())
            .await?;
        let rows = sqlx::query(
            "SELECT pos, at, event_json FROM results WHERE tenant_id = $1 AND agent_id = $2 AND pos > $3 ORDER BY pos LIMIT $4",
        )
        .bind(tenant_id)
        .bind(agent_id)
        .bind(after_i)
        .bind(i64::from(limit) + 1)
        .fetch_all(self.pool())
        .await?;
        let has_more = rows.len() > limit as usize;
        let mut items = Vec::with_capacity(rows.len().min(limit as usize));
        for row in rows.iter().take(limit as usize) {
            let pos: i64 = row.try_get(0)?;
            let json: String = row.try_get(2)?;
            items.push(ResultItem {
                cursor: pos.to_string(),
                at: parse_ts(&row.try_get::<String, _>(1)?)?,
                event: serde_json::from_str(&json)
                    .map_err(|e| StoreError::Corrupt(format!("wynik {pos}: {e}")))?,
            });
        }
        let next_cursor = items
            .last()
            .map_or_else(|| after.to_string(), |i| i.cursor.clone());
        Ok(ResultsPage {
            items,
            next_cursor,
            has_more,
        })
    }
}
