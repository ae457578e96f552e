//! Statistics (Statystyki): how quickly the firm is paid — DSO (countback and simple), the best
//! possible DSO, the days delinquent, collection effectiveness and the weighted days to pay,
//! month by month with a chart of the trend — and which debtors pay slowest and whether they
//! are getting better or worse. Figures per currency, never mixed.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use serde::Deserialize;

use super::super::{Ctx, PageError, Viewer};
use super::DebtorNames;
use crate::domain::accounts::Role;
use crate::domain::market::{self, Verdict};
use crate::domain::stats::DebtorDelay;
use crate::http::AppState;
use crate::services::stats::{CurrencyStats, MarketView, StatsOverview};
use chrono::NaiveDate;

/// The periods offered, in months.
const PERIODS: [u32; 3] = [6, 12, 24];
/// Debtors listed as the slowest payers.
const SLOWEST_ROWS: usize = 20;

#[derive(Debug, Default, Deserialize)]
pub(super) struct StatsQuery {
    months: Option<u32>,
}

#[derive(Template, WebTemplate)]
#[template(path = "stats.html")]
pub(super) struct StatsPage {
    ctx: Ctx,
    months: u32,
    periods: [u32; 3],
    as_of: String,
    read_at: String,
    currencies: Vec<CurrencyView>,
    names: DebtorNames,
    market: MarketSection,
}

/// The market comparison as the page tells it.
struct MarketSection {
    /// The verdict's message id (`None`: no PLN documents in the periods).
    verdict: Option<&'static str>,
    help: String,
    /// `(label, before, recent, change)`: the firm's and its mix's average days late.
    figures: Vec<(String, String, String, String)>,
    /// `(sector, documents, own change, market change)`.
    sectors: Vec<(String, String, String, String)>,
    /// `(sector, size, firms, before, recent)` of the shown cells.
    cells: Vec<(String, String, String, String, String)>,
    computed: String,
}

fn market_section(ctx: &Ctx, m: &MarketView) -> MarketSection {
    let days = |x: Option<f64>| days(ctx, x);
    let change = |x: Option<f64>| match x {
        Some(d) if d > 0.05 => format!("+{}", ctx.tn_decimal("stats-days", d)),
        Some(d) if d < -0.05 => format!("−{}", ctx.tn_decimal("stats-days", -d)),
        Some(_) => ctx.tn_decimal("stats-days", 0.0),
        None => "—".to_owned(),
    };
    let sector_name = |s: Option<char>| s.map_or_else(|| ctx.t("market-sector-none"), String::from);
    let range =
        |(from, to): (NaiveDate, NaiveDate)| format!("{} – {}", ctx.date(from), ctx.date(to));
    let help = crate::i18n::text_with(
        ctx.lang,
        "market-help",
        &[
            ("recent", range(m.periods.recent).into()),
            ("before", range(m.periods.before).into()),
            ("horizon", market::HORIZON_DAYS.into()),
        ],
    );
    let (verdict, figures, sectors) = match &m.own {
        None => (None, Vec::new(), Vec::new()),
        Some(v) => (
            Some(match v.verdict {
                Verdict::Stable => "market-verdict-stable",
                Verdict::Improved => "market-verdict-improved",
                Verdict::Sector => "market-verdict-sector",
                Verdict::Own => "market-verdict-own",
                Verdict::Unknown => "market-verdict-unknown",
            }),
            vec![
                (
                    ctx.t("market-own"),
                    days(v.before.own),
                    days(v.recent.own),
                    change(v.own_change()),
                ),
                (
                    ctx.t("market-market"),
                    days(v.before.expected),
                    days(v.recent.expected),
                    change(v.expected_change()),
                ),
            ],
            v.sectors
                .iter()
                .map(|s| {
                    (
                        sector_name(s.sector),
                        ctx.int(u64::try_from(s.documents).unwrap_or(0)),
                        change(s.own_change),
                        change(s.market_change),
                    )
                })
                .collect(),
        ),
    };
    let cells = m
        .rows
        .iter()
        .filter(|r| r.before.is_some() || r.recent.is_some())
        .map(|r| {
            let sector = if r.all_sectors {
                ctx.t("market-all")
            } else {
                sector_name(r.sector)
            };
            let size = ctx.t(match r.size {
                Some(market::Size::Small) => "market-size-small",
                Some(market::Size::Medium) => "market-size-medium",
                Some(market::Size::Large) => "market-size-large",
                None => "market-size-all",
            });
            let firms = r.recent.or(r.before).map_or(0, |f| f.tenants);
            (
                sector,
                size,
                ctx.int(u64::try_from(firms).unwrap_or(0)),
                days(r.before.map(|f| f.avg_days_late)),
                days(r.recent.map(|f| f.avg_days_late)),
            )
        })
        .collect();
    MarketSection {
        verdict,
        help,
        figures,
        sectors,
        cells,
        computed: ctx.datetime(m.computed_at),
    }
}

/// One currency's figures as the page shows them.
struct CurrencyView {
    currency: String,
    /// The latest month's key figures: `(label id, value, explanation id)`.
    cards: Vec<(&'static str, String, &'static str)>,
    months: Vec<MonthRow>,
    chart: Option<TrendChart>,
    slowest: Vec<DebtorRow>,
    stages: Vec<StageRow>,
}

/// A stage's effect: the documents it reached against the same debtors' it did not.
struct StageRow {
    stage: String,
    reached: String,
    paid_7: String,
    paid_14: String,
    settled_14: String,
    others_14: String,
}

struct MonthRow {
    month: String,
    sales: String,
    owed: String,
    overdue: String,
    dso: String,
    add: String,
    cei: String,
}

/// A debtor's delays as a table row (here and on the debtor's page).
pub(super) struct DebtorRow {
    pub(super) agent_id: String,
    pub(super) external_id: String,
    pub(super) paid: u32,
    pub(super) avg_late: String,
    pub(super) weighted_late: String,
    pub(super) share_late: String,
    /// `(text, worse)` when the last 6 months can be compared with the 12 before.
    pub(super) trend: Option<(String, bool)>,
}

impl DebtorRow {
    pub(super) fn of(ctx: &Ctx, key: &str, d: &DebtorDelay) -> DebtorRow {
        let (agent_id, external_id) = key.split_once('/').unwrap_or(("", key));
        DebtorRow {
            agent_id: agent_id.to_owned(),
            external_id: external_id.to_owned(),
            paid: d.paid,
            avg_late: days(ctx, d.avg_days_late),
            weighted_late: days(ctx, d.weighted_days_late),
            share_late: d
                .share_late()
                .map_or_else(|| "—".to_owned(), |s| ctx.percent(s)),
            trend: d.trend_change().map(|t| {
                let id = if t > 0.0 {
                    "stats-trend-later"
                } else {
                    "stats-trend-earlier"
                };
                (ctx.tn_decimal(id, t.abs()), t > 0.0)
            }),
        }
    }
}

/// DSO (countback) and the best possible DSO month by month, as two lines.
struct TrendChart {
    dso: String,
    best: String,
    /// Month labels with their x position.
    labels: Vec<(u32, String)>,
    /// The scale's top value and its label's text.
    top: String,
    desc: String,
}

const CHART_W: f64 = 600.0;
const CHART_H: f64 = 160.0;
const CHART_TOP: f64 = 20.0;

fn days(ctx: &Ctx, v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_owned(), |d| ctx.tn_decimal("stats-days", d))
}

fn trend_chart(ctx: &Ctx, c: &CurrencyStats) -> Option<TrendChart> {
    let points: Vec<(usize, f64, f64)> = c
        .months
        .iter()
        .enumerate()
        .filter_map(|(i, m)| m.dso_countback.map(|d| (i, d, m.best_dso.unwrap_or(0.0))))
        .collect();
    if points.len() < 2 {
        return None;
    }
    let max = points
        .iter()
        .map(|(_, d, b)| d.max(*b))
        .fold(1.0_f64, f64::max);
    // A round top, so the scale reads easily (10, 20, 50, 100 … days).
    let top = [
        10.0, 20.0, 30.0, 50.0, 75.0, 100.0, 150.0, 200.0, 300.0, 500.0, 1000.0,
    ]
    .into_iter()
    .find(|t| *t >= max)
    .unwrap_or(max);
    let n = c.months.len().max(2) - 1;
    #[allow(clippy::cast_precision_loss)] // months: a few dozen
    let x = |i: usize| 40.0 + (CHART_W - 60.0) * i as f64 / n as f64;
    let y = |v: f64| CHART_TOP + CHART_H - CHART_H * v / top;
    let line = |pick: fn(&(usize, f64, f64)) -> f64| {
        points
            .iter()
            .map(|p| format!("{:.1},{:.1}", x(p.0), y(pick(p))))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let labels = c
        .months
        .iter()
        .enumerate()
        .filter(|(i, _)| n <= 12 || i % 2 == 0)
        .map(|(i, m)| {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let px = x(i) as u32;
            (px, m.month.format("%m.%y").to_string())
        })
        .collect();
    let desc = c
        .months
        .iter()
        .map(|m| {
            format!(
                "{}: {}",
                m.month.format("%m.%Y"),
                days(ctx, m.dso_countback)
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    Some(TrendChart {
        dso: line(|p| p.1),
        best: line(|p| p.2),
        labels,
        top: ctx.tn_decimal("stats-days", top),
        desc,
    })
}

fn currency_view(ctx: &Ctx, c: &CurrencyStats) -> CurrencyView {
    let last = c.months.last();
    let pick = |f: fn(&crate::domain::stats::MonthFigures) -> Option<f64>| last.and_then(f);
    let cards = vec![
        (
            "stats-dso-countback",
            days(ctx, pick(|m| m.dso_countback)),
            "stats-dso-countback-help",
        ),
        (
            "stats-dso-simple",
            days(ctx, pick(|m| m.dso_simple)),
            "stats-dso-simple-help",
        ),
        (
            "stats-best-dso",
            days(ctx, pick(|m| m.best_dso)),
            "stats-best-dso-help",
        ),
        ("stats-add", days(ctx, pick(|m| m.add)), "stats-add-help"),
        (
            "stats-cei",
            pick(|m| m.cei).map_or_else(|| "—".to_owned(), |v| ctx.percent(v / 100.0)),
            "stats-cei-help",
        ),
        (
            "stats-days-to-pay",
            days(ctx, pick(|m| m.weighted_days_to_pay)),
            "stats-days-to-pay-help",
        ),
        (
            "stats-days-late",
            days(ctx, pick(|m| m.weighted_days_late)),
            "stats-days-late-help",
        ),
    ];
    let months = c
        .months
        .iter()
        .rev()
        .map(|m| MonthRow {
            month: ctx.month(m.month),
            sales: ctx.money(m.credit_sales, &c.currency),
            owed: ctx.money(m.ageing.total(), &c.currency),
            overdue: ctx.money(m.ageing.overdue(), &c.currency),
            dso: days(ctx, m.dso_countback),
            add: days(ctx, m.add),
            cei: m
                .cei
                .map_or_else(|| "—".to_owned(), |v| ctx.percent(v / 100.0)),
        })
        .collect();
    let mut slowest: Vec<(&String, &DebtorDelay)> =
        c.debtors.iter().filter(|(_, d)| d.paid_late > 0).collect();
    slowest.sort_by(|a, b| {
        b.1.weighted_days_late
            .unwrap_or(0.0)
            .total_cmp(&a.1.weighted_days_late.unwrap_or(0.0))
    });
    let slowest = slowest
        .into_iter()
        .take(SLOWEST_ROWS)
        .map(|(key, d)| DebtorRow::of(ctx, key, d))
        .collect();
    let share = |x: Option<f64>| x.map_or_else(|| "—".to_owned(), |s| ctx.percent(s));
    let stages = c
        .stages
        .iter()
        .filter(|e| e.reached.documents > 0)
        .map(|e| StageRow {
            stage: e.stage.clone(),
            reached: ctx.int(u64::from(e.reached.documents)),
            paid_7: share(e.reached.share_7()),
            paid_14: share(e.reached.share_14()),
            settled_14: ctx.money(e.reached.settled_14, c.currency.as_str()),
            others_14: share(e.not_reached.share_14()),
        })
        .collect();
    CurrencyView {
        currency: c.currency.clone(),
        cards,
        months,
        chart: trend_chart(ctx, c),
        slowest,
        stages,
    }
}

pub(super) async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<StatsQuery>,
) -> Result<StatsPage, PageError> {
    viewer.require(Role::Viewer)?;
    let ctx = Ctx::load(&state, &viewer, "stats").await?;
    let tenant = &viewer.session.principal.tenant;
    let months = q.months.filter(|m| PERIODS.contains(m)).unwrap_or(12);
    let overview: StatsOverview = state.app.stats_overview(tenant, months).await?;
    let read_at = state.app.firm_history(tenant).await?.read_at;
    let currencies: Vec<CurrencyView> = overview
        .currencies
        .iter()
        .map(|c| currency_view(&ctx, c))
        .collect();
    let names = DebtorNames::of(
        &state,
        tenant,
        currencies
            .iter()
            .flat_map(|c| c.slowest.iter())
            .map(|d| (d.agent_id.clone(), d.external_id.clone())),
    )
    .await?;
    let market = market_section(&ctx, &state.app.market_for(tenant).await?);
    Ok(StatsPage {
        market,
        as_of: ctx.date(overview.as_of),
        read_at: ctx.datetime(read_at),
        ctx,
        months,
        periods: PERIODS,
        currencies,
        names,
    })
}
