//! The firm's dashboard in one use case: what is owed by age, what the processes will do today
//! and over the coming week, what they did over the last week, what needs a person (held and
//! failed actions, tasks due) and how fresh each agent's data is. (Test mode is in every page's
//! header, read once per page.)

use std::collections::BTreeMap;

use chrono::Duration;

use super::{App, ServiceError};
use crate::process::planner::Outcome;
use crate::store::TenantScope;
use crate::store::channels::TaskRow;
use crate::store::collection::ActionQuery;
use crate::store::processes::ActionView;
use crate::store::query::AgentHealth;
use crate::store::summary::{ActionCount, Ageing};

/// How far ahead the dashboard's forecast looks, in days.
pub const FORECAST_DAYS: u32 = 7;
/// How far back the dashboard's action counts look, in days.
pub const RECENT_DAYS: i64 = 7;
/// Most held or failed actions listed.
const ATTENTION_ROWS: u32 = 10;

/// Everything the dashboard shows.
#[derive(Debug, Clone)]
pub struct Dashboard {
    /// Owed by age, per currency.
    pub ageing: Vec<Ageing>,
    /// Actions the processes will perform today, by channel code.
    pub due_today: BTreeMap<&'static str, u64>,
    /// Actions over the next [`FORECAST_DAYS`] days (today included), by channel code.
    pub due_week: BTreeMap<&'static str, u64>,
    /// Actions created over the last [`RECENT_DAYS`] days, by channel and status.
    pub recent: Vec<ActionCount>,
    /// Held and failed actions, newest first.
    pub attention: Vec<ActionView>,
    /// Open tasks due today or earlier.
    pub tasks_due: Vec<TaskRow>,
    /// The agents and their last sync.
    pub agents: Vec<AgentHealth>,
}

impl App {
    /// The dashboard of a firm, as of now.
    pub async fn dashboard(&self, tenant: &TenantScope) -> Result<Dashboard, ServiceError> {
        let now = self.clock.now();
        let today = now.date_naive();
        let ageing = self.store.ageing(tenant, today).await?;
        let mut due_today = BTreeMap::new();
        let mut due_week = BTreeMap::new();
        for row in self.forecast(tenant, FORECAST_DAYS, None).await? {
            let d = &row.decision;
            if matches!(d.outcome, Outcome::Skipped(_)) {
                continue;
            }
            let channel = d.channel.code();
            *due_week.entry(channel).or_default() += 1;
            if d.slot.date_naive() <= today {
                *due_today.entry(channel).or_default() += 1;
            }
        }
        let recent = self
            .store
            .action_counts(tenant, now - Duration::days(RECENT_DAYS))
            .await?;
        let mut attention = Vec::new();
        for status in ["held", "failed"] {
            let q = ActionQuery {
                status: Some(status.to_owned()),
                limit: Some(ATTENTION_ROWS),
                ..ActionQuery::default()
            };
            attention.extend(
                self.actions(tenant, super::collection::HistoryOf::Tenant, &q)
                    .await?
                    .items,
            );
        }
        attention.sort_by_key(|a| std::cmp::Reverse(a.created_at));
        attention.truncate(ATTENTION_ROWS as usize);
        let tasks_due = self
            .tasks(tenant, Some("open"))
            .await?
            .into_iter()
            .filter(|t| t.due <= today)
            .collect();
        Ok(Dashboard {
            ageing,
            due_today,
            due_week,
            recent,
            attention,
            tasks_due,
            agents: self.agents_health(tenant).await?,
        })
    }
}
