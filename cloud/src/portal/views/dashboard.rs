//! The dashboard (Pulpit): owed and overdue by age as an SVG chart, what the processes will do
//! today and this week, what they did last week, what needs a person, and the agents' freshness.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use super::super::{Ctx, PageError, Viewer};
use super::DebtorNames;
use crate::domain::accounts::Role;
use crate::http::AppState;
use crate::services::dashboard::{FORECAST_DAYS, RECENT_DAYS};
use crate::services::model::{ActionView, Ageing, AgentHealth, TaskRow};

/// The statuses the "last 7 days" table has columns for, in this order.
const RECENT_STATUSES: [&str; 5] = ["sent", "failed", "held", "skipped", "planned"];
/// An agent whose last sync is older than this is shown as stale.
const STALE_HOURS: i64 = 24;

#[derive(Template, WebTemplate)]
#[template(path = "dashboard.html")]
pub(super) struct DashboardPage {
    ctx: Ctx,
    totals: Vec<Totals>,
    chart: Option<Chart>,
    forecast: Vec<ForecastLine>,
    forecast_days: u32,
    /// When the forecast was computed.
    forecast_at: String,
    recent_days: i64,
    recent_statuses: Vec<String>,
    recent: Vec<RecentLine>,
    attention: Vec<ActionView>,
    tasks: Vec<TaskRow>,
    names: DebtorNames,
    agents: Vec<AgentLine>,
}

/// Owed and overdue in one currency.
struct Totals {
    owed: String,
    overdue: String,
    overdue_documents: i64,
}

/// The ageing chart of the first currency (PLN when there is any).
struct Chart {
    title: String,
    bars: Vec<Bar>,
}

struct Bar {
    label: String,
    amount: String,
    documents: i64,
    x: u32,
    y: u32,
    height: u32,
    class: &'static str,
}

struct ForecastLine {
    channel: String,
    today: u64,
    week: u64,
}

struct RecentLine {
    channel: String,
    counts: Vec<i64>,
}

struct AgentLine {
    name: String,
    last_sync: String,
    stale: bool,
    never: bool,
    quarantined: u64,
    last_error: Option<String>,
    revoked: bool,
}

/// The chart's drawing area, in SVG units (the browser scales it).
const CHART_HEIGHT: u32 = 160;
const BAR_WIDTH: u32 = 96;
const BAR_GAP: u32 = 24;

fn chart(ctx: &Ctx, a: &Ageing) -> Chart {
    let labels = [
        ctx.t("ageing-current"),
        ctx.t("ageing-1-30"),
        ctx.t("ageing-31-60"),
        ctx.t("ageing-61-90"),
        ctx.t("ageing-90"),
    ];
    let max = a.amounts.iter().copied().max().unwrap_or(0).max(1);
    let bars = labels
        .into_iter()
        .enumerate()
        .map(|(i, label)| {
            let amount = a.amounts[i].max(0);
            // Scaled in u128 so no amount can overflow; at least 2 units so a small bucket shows.
            let scaled = u128::from(amount.unsigned_abs()) * u128::from(CHART_HEIGHT)
                / u128::from(max.unsigned_abs());
            let height = u32::try_from(scaled)
                .unwrap_or(CHART_HEIGHT)
                .clamp(u32::from(amount > 0) * 2, CHART_HEIGHT);
            let i = u32::try_from(i).unwrap_or(0);
            Bar {
                label,
                amount: ctx.money(amount, &a.currency),
                documents: a.documents[i as usize],
                x: BAR_GAP / 2 + i * (BAR_WIDTH + BAR_GAP),
                y: 20 + CHART_HEIGHT - height,
                height,
                class: if i == 0 { "bar-current" } else { "bar-overdue" },
            }
        })
        .collect();
    Chart {
        title: ctx.ta("ageing-chart-title", "currency", &a.currency),
        bars,
    }
}

pub(super) async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<DashboardPage, PageError> {
    viewer.require(Role::Viewer)?;
    let ctx = Ctx::load(&state, &viewer, "dashboard").await?;
    let d = state
        .app
        .dashboard(&viewer.session.principal.tenant)
        .await?;
    let now = state.app.clock.now();
    let totals = d
        .ageing
        .iter()
        .map(|a| Totals {
            owed: ctx.money(a.total(), &a.currency),
            overdue: ctx.money(a.overdue(), &a.currency),
            overdue_documents: a.documents[1..].iter().sum(),
        })
        .collect();
    let chart = d.ageing.first().map(|a| chart(&ctx, a));
    let forecast = d
        .forecast
        .week
        .iter()
        .map(|(channel, week)| ForecastLine {
            channel: ctx.channel(channel),
            today: d.forecast.today.get(channel).copied().unwrap_or(0),
            week: *week,
        })
        .collect();
    let forecast_at = ctx.ta(
        "forecast-computed",
        "time",
        &ctx.datetime(d.forecast.computed_at),
    );
    let mut recent: Vec<RecentLine> = Vec::new();
    for c in &d.recent {
        let Some(col) = RECENT_STATUSES.iter().position(|s| *s == c.status) else {
            continue;
        };
        let name = ctx.channel(&c.channel);
        let i = recent
            .iter()
            .position(|l| l.channel == name)
            .unwrap_or_else(|| {
                recent.push(RecentLine {
                    channel: name,
                    counts: vec![0; RECENT_STATUSES.len()],
                });
                recent.len() - 1
            });
        recent[i].counts[col] += c.count;
    }
    let agents = d
        .agents
        .iter()
        .map(|a: &AgentHealth| {
            let last = a.last_sync_at.or(a.last_batch_at);
            AgentLine {
                name: a.name.clone(),
                last_sync: ctx.datetime_or_dash(last),
                stale: last.is_some_and(|t| (now - t).num_hours() >= STALE_HOURS),
                never: last.is_none(),
                quarantined: a.quarantined.unwrap_or(0),
                last_error: a.last_error.clone(),
                revoked: a.revoked,
            }
        })
        .collect();
    let names = DebtorNames::of(
        &state,
        &viewer.session.principal.tenant,
        d.attention
            .iter()
            .map(|a| (a.agent_id.clone(), a.debtor_external_id.clone()))
            .chain(
                d.tasks_due
                    .iter()
                    .map(|t| (t.agent_id.clone(), t.debtor_external_id.clone())),
            ),
    )
    .await?;
    Ok(DashboardPage {
        recent_statuses: RECENT_STATUSES.iter().map(|s| ctx.status(s)).collect(),
        ctx,
        totals,
        chart,
        forecast,
        forecast_days: FORECAST_DAYS,
        forecast_at,
        recent_days: RECENT_DAYS,
        recent,
        attention: d.attention,
        tasks: d.tasks_due,
        names,
        agents,
    })
}
