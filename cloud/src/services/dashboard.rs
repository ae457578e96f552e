//! The firm's dashboard in one use case: what is owed by age, what the processes will do today
//! and over the coming week, what they did over the last week, what needs a person (held and
//! failed actions, tasks due) and how fresh each agent's data is. (Test mode is in every page's
//! header, read once per page.)
//!
//! **The forecast is remembered.** It plans every debtor of the firm (a second or two for
//! 20 000 debtors), so each replica keeps the last one per firm ([`ForecastCache`]): younger
//! than [`FORECAST_FRESH`] it is shown as it is; older, it is shown while a new one is computed
//! in the background (the page says when it was computed); on another day of the app's clock,
//! or after a person changed what plans depend on (processes, group rules, collection
//! settings, pauses, an on-demand run), it is computed again before the page is drawn.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::{DateTime, Duration, NaiveDate, Utc};

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

/// How long a computed forecast is shown without recomputing it.
pub const FORECAST_FRESH: std::time::Duration = std::time::Duration::from_secs(60);

/// What the processes will do, counted by channel, as computed at one moment.
#[derive(Debug, Clone, Default)]
pub struct ForecastCounts {
    /// Actions the processes will perform today, by channel code.
    pub today: BTreeMap<&'static str, u64>,
    /// Actions over the next [`FORECAST_DAYS`] days (today included), by channel code.
    pub week: BTreeMap<&'static str, u64>,
    /// When it was computed (the app's clock).
    pub computed_at: DateTime<Utc>,
}

/// The last forecast of each firm on this replica (see the module's documentation).
#[derive(Debug, Default)]
pub struct ForecastCache {
    entries: Mutex<HashMap<String, CacheEntry>>,
}

#[derive(Debug)]
struct CacheEntry {
    counts: Arc<ForecastCounts>,
    computed: Instant,
    day: NaiveDate,
    refreshing: bool,
}

/// What to do with a firm's remembered forecast.
enum Cached {
    Fresh(Arc<ForecastCounts>),
    /// Stale: show it; a refresh was started by this caller.
    Refresh(Arc<ForecastCounts>),
    /// Stale and already being refreshed by another request.
    Stale(Arc<ForecastCounts>),
    Missing,
}

impl ForecastCache {
    fn lookup(&self, tenant: &str, today: NaiveDate) -> Cached {
        let mut entries = self
            .entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let Some(e) = entries.get_mut(tenant).filter(|e| e.day == today) else {
            return Cached::Missing;
        };
        if e.computed.elapsed() < FORECAST_FRESH {
            Cached::Fresh(Arc::clone(&e.counts))
        } else if e.refreshing {
            Cached::Stale(Arc::clone(&e.counts))
        } else {
            e.refreshing = true;
            Cached::Refresh(Arc::clone(&e.counts))
        }
    }

    fn store(&self, tenant: &str, day: NaiveDate, counts: Arc<ForecastCounts>) {
        let mut entries = self
            .entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        entries.insert(
            tenant.to_owned(),
            CacheEntry {
                counts,
                computed: Instant::now(),
                day,
                refreshing: false,
            },
        );
    }

    fn refresh_failed(&self, tenant: &str) {
        let mut entries = self
            .entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(e) = entries.get_mut(tenant) {
            e.refreshing = false;
        }
    }

    /// Forgets a firm's forecast: a person changed what its plans depend on, and the next
    /// dashboard must show the effect.
    pub fn forget(&self, tenant: &str) {
        let mut entries = self
            .entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        entries.remove(tenant);
    }
}

/// Everything the dashboard shows.
#[derive(Debug, Clone)]
pub struct Dashboard {
    /// Owed by age, per currency.
    pub ageing: Vec<Ageing>,
    /// What the processes will do today and this week (possibly computed a little earlier).
    pub forecast: Arc<ForecastCounts>,
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
    /// What the processes will do today and over the next [`FORECAST_DAYS`] days, by channel:
    /// every debtor planned now.
    pub async fn forecast_counts(
        &self,
        tenant: &TenantScope,
    ) -> Result<ForecastCounts, ServiceError> {
        let now = self.clock.now();
        let today = now.date_naive();
        let mut counts = ForecastCounts {
            computed_at: now,
            ..ForecastCounts::default()
        };
        for row in self.forecast(tenant, FORECAST_DAYS, None).await? {
            let d = &row.decision;
            if matches!(d.outcome, Outcome::Skipped(_)) {
                continue;
            }
            let channel = d.channel.code();
            *counts.week.entry(channel).or_default() += 1;
            if d.slot.date_naive() <= today {
                *counts.today.entry(channel).or_default() += 1;
            }
        }
        Ok(counts)
    }

    /// The dashboard of a firm, as of now.
    pub async fn dashboard(&self, tenant: &TenantScope) -> Result<Dashboard, ServiceError> {
        let now = self.clock.now();
        let today = now.date_naive();
        let ageing = self.store.ageing(tenant, today).await?;
        let forecast = match self.forecasts.lookup(tenant.as_str(), today) {
            Cached::Fresh(c) | Cached::Stale(c) => c,
            Cached::Refresh(c) => {
                let app = self.clone();
                let tenant = tenant.clone();
                tokio::spawn(async move {
                    match app.forecast_counts(&tenant).await {
                        Ok(fresh) => app.forecasts.store(tenant.as_str(), today, Arc::new(fresh)),
                        Err(e) => {
                            tracing::warn!(error = %e, "the dashboard's forecast was not refreshed");
                            app.forecasts.refresh_failed(tenant.as_str());
                        }
                    }
                });
                c
            }
            Cached::Missing => {
                let fresh = Arc::new(self.forecast_counts(tenant).await?);
                self.forecasts
                    .store(tenant.as_str(), today, Arc::clone(&fresh));
                fresh
            }
        };
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
            .tasks_page(
                tenant,
                &crate::store::channels::TaskFilter {
                    status: Some("open".to_owned()),
                    due_until: Some(today),
                    limit: Some(ATTENTION_ROWS),
                    ..Default::default()
                },
            )
            .await?
            .items;
        Ok(Dashboard {
            ageing,
            forecast,
            recent,
            attention,
            tasks_due,
            agents: self.agents_health(tenant).await?,
        })
    }
}
