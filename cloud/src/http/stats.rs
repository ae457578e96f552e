//! Payment-delay statistics over HTTP (R-S1, R-S2), for programs beside the portal's
//! Statystyki page: the firm's figures month by month, a debtor's payment behaviour with its
//! open documents' predicted payments, one document's prediction. Viewer and up.
//!
//! The use cases are [`crate::services::stats`]; this module only authenticates and maps to
//! its own wire types. Days are the firm's (Europe/Warsaw) calendar days.

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, NaiveDate, Utc};
use inkaso_shared::Lang;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use axum::body::Body;
use axum::http::{HeaderMap, StatusCode};

use super::agent::{parse_json, read_body};
use super::client::ErrorBody;
use super::{AppState, ClientAuth, Failure, Path, Q};
use crate::domain::accounts::Role;
use crate::domain::market::{self, Figures, MarketRow, Side, TenantVerdict};
use crate::domain::predict::Prediction;
use crate::domain::stats::{DebtorDelay, MonthFigures};
use crate::services::stats::prediction_reason;

/// The routes, to be nested under `/api/v1`.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(firm_stats))
        .routes(routes!(debtor_stats))
        .routes(routes!(document_prediction))
        .routes(routes!(market_comparison))
        .routes(routes!(set_sector))
}

/// Query of `GET /stats`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// Months back, the current one included (1–36, default 12).
    pub months: Option<u32>,
}

/// A firm's figures per currency.
#[derive(Debug, Serialize, ToSchema)]
pub struct FirmStats {
    /// The day they are computed for.
    pub as_of: NaiveDate,
    /// Per currency, PLN first.
    pub currencies: Vec<CurrencyStats>,
}

/// One currency's months.
#[derive(Debug, Serialize, ToSchema)]
pub struct CurrencyStats {
    /// ISO code.
    pub currency: String,
    /// Oldest first; the last month ends today.
    pub months: Vec<Month>,
}

/// One month of a firm's receivables (amounts in minor units; figures `null` when the month
/// has nothing to compute them from).
#[derive(Debug, Serialize, ToSchema)]
pub struct Month {
    /// The month's first day.
    pub month: NaiveDate,
    /// Credit sales issued in the month, credit notes subtracted.
    pub credit_sales_minor: i64,
    /// Owed at the month's end.
    pub receivables_minor: i64,
    /// Of which overdue.
    pub overdue_minor: i64,
    /// Owed at the month's end by age: not yet due, 1–30, 31–60, 61–90, over 90 days.
    pub ageing_minor: [i64; 5],
    /// DSO, simple (days).
    pub dso_simple: Option<f64>,
    /// DSO, countback (days).
    pub dso_countback: Option<f64>,
    /// Best possible DSO (days).
    pub best_dso: Option<f64>,
    /// Average days delinquent.
    pub add: Option<f64>,
    /// Collection effectiveness index (percent).
    pub cei: Option<f64>,
    /// Days from issue to payment, weighted by the amounts settled in the month.
    pub weighted_days_to_pay: Option<f64>,
    /// Days from due date to payment (0 when on time), weighted likewise.
    pub weighted_days_late: Option<f64>,
}

impl From<&MonthFigures> for Month {
    fn from(m: &MonthFigures) -> Month {
        let a = &m.ageing;
        Month {
            month: m.month,
            credit_sales_minor: m.credit_sales,
            receivables_minor: a.total(),
            overdue_minor: a.overdue(),
            ageing_minor: [a.current, a.d1_30, a.d31_60, a.d61_90, a.d90_plus],
            dso_simple: m.dso_simple,
            dso_countback: m.dso_countback,
            best_dso: m.best_dso,
            add: m.add,
            cei: m.cei,
            weighted_days_to_pay: m.weighted_days_to_pay,
            weighted_days_late: m.weighted_days_late,
        }
    }
}

/// The firm's payment-delay figures month by month, per currency.
#[utoipa::path(get, path = "/stats", tag = "statistics", params(StatsQuery),
    responses((status = 200, body = FirmStats), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
async fn firm_stats(
    State(state): State<AppState>,
    auth: ClientAuth,
    Q(q): Q<StatsQuery>,
) -> Result<Json<FirmStats>, Failure> {
    let p = auth.require(Role::Viewer)?;
    let o = state
        .app
        .stats_overview(&p.tenant, q.months.unwrap_or(12))
        .await?;
    Ok(Json(FirmStats {
        as_of: o.as_of,
        currencies: o
            .currencies
            .iter()
            .map(|c| CurrencyStats {
                currency: c.currency.clone(),
                months: c.months.iter().map(Month::from).collect(),
            })
            .collect(),
    }))
}

/// A debtor's payment behaviour in one currency.
#[derive(Debug, Serialize, ToSchema)]
pub struct Delays {
    /// ISO code.
    pub currency: String,
    /// Documents paid.
    pub paid: u32,
    /// Of them, paid after the due date.
    pub paid_late: u32,
    /// Share paid late, 0–1.
    pub share_late: Option<f64>,
    /// Mean days late of paid documents (on time counts 0).
    pub avg_days_late: Option<f64>,
    /// Days late weighted by the amounts settled.
    pub weighted_days_late: Option<f64>,
    /// Mean days late of documents paid in the last 6 months.
    pub recent_avg_days_late: Option<f64>,
    /// The same in the 12 months before.
    pub earlier_avg_days_late: Option<f64>,
}

impl Delays {
    fn of(currency: &str, d: &DebtorDelay) -> Delays {
        Delays {
            currency: currency.to_owned(),
            paid: d.paid,
            paid_late: d.paid_late,
            share_late: d.share_late(),
            avg_days_late: d.avg_days_late,
            weighted_days_late: d.weighted_days_late,
            recent_avg_days_late: d.trend.0,
            earlier_avg_days_late: d.trend.1,
        }
    }
}

/// When an open document will probably be paid.
#[derive(Debug, Serialize, ToSchema)]
pub struct PredictedPayment {
    /// The document's id.
    pub document_id: String,
    /// Its number.
    pub number: String,
    /// Its due date.
    pub due_date: NaiveDate,
    /// The most likely day.
    pub predicted_paid_date: NaiveDate,
    /// One in ten pays by then.
    pub p10: NaiveDate,
    /// Nine in ten pay by then.
    pub p90: NaiveDate,
    /// Why, in Polish.
    pub reason_pl: String,
    /// Why, in English.
    pub reason_en: String,
}

impl PredictedPayment {
    fn of(document_id: String, number: String, due_date: NaiveDate, p: &Prediction) -> Self {
        PredictedPayment {
            document_id,
            number,
            due_date,
            predicted_paid_date: p.p50,
            p10: p.p10,
            p90: p.p90,
            reason_pl: prediction_reason(Lang::Pl, p),
            reason_en: prediction_reason(Lang::En, p),
        }
    }
}

/// A debtor's payment behaviour and its open documents' predicted payments.
#[derive(Debug, Serialize, ToSchema)]
pub struct DebtorStats {
    /// Per currency it paid something in, PLN first.
    pub delays: Vec<Delays>,
    /// Its open documents by due date.
    pub predictions: Vec<PredictedPayment>,
    /// When the firm's history behind them was read (kept for five minutes).
    pub computed_at: DateTime<Utc>,
}

/// A debtor's payment behaviour and when its open documents will probably be paid.
#[utoipa::path(get, path = "/debtors/{id}/stats", tag = "statistics",
    params(("id" = String, Path, description = "The debtor's id")),
    responses((status = 200, body = DebtorStats), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn debtor_stats(
    State(state): State<AppState>,
    auth: ClientAuth,
    Path(id): Path<String>,
) -> Result<Json<DebtorStats>, Failure> {
    let p = auth.require(Role::Viewer)?;
    let o = state.app.debtor_outlook(&p.tenant, &id).await?;
    Ok(Json(DebtorStats {
        delays: o.delays.iter().map(|(c, d)| Delays::of(c, d)).collect(),
        predictions: o
            .predictions
            .iter()
            .map(|(d, p)| PredictedPayment::of(d.id.clone(), d.number.clone(), d.due_date, p))
            .collect(),
        computed_at: o.read_at,
    }))
}

/// A document's predicted payment.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentPrediction {
    /// `open` or `closed`.
    pub status: String,
    /// The prediction; `null` for a closed document.
    pub prediction: Option<PredictedPayment>,
}

/// When a document will probably be paid (`prediction` is `null` once it is closed).
#[utoipa::path(get, path = "/documents/{id}/prediction", tag = "statistics",
    params(("id" = String, Path, description = "The document's id")),
    responses((status = 200, body = DocumentPrediction), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn document_prediction(
    State(state): State<AppState>,
    auth: ClientAuth,
    Path(id): Path<String>,
) -> Result<Json<DocumentPrediction>, Failure> {
    let p = auth.require(Role::Viewer)?;
    let (doc, prediction) = state.app.document_prediction(&p.tenant, &id).await?;
    Ok(Json(DocumentPrediction {
        prediction: prediction
            .as_ref()
            .map(|pr| PredictedPayment::of(doc.id.clone(), doc.number.clone(), doc.due_date, pr)),
        status: doc.status,
    }))
}

/// A shown aggregate's figures in one period.
#[derive(Debug, Serialize, ToSchema)]
pub struct CellFigures {
    /// Documents.
    pub documents: usize,
    /// Firms that contributed (at least 5).
    pub tenants: usize,
    /// Average days late, each document counted up to the horizon.
    pub avg_days_late: f64,
    /// Share paid late (or not paid by the horizon), 0–1.
    pub share_late: f64,
}

impl From<&Figures> for CellFigures {
    fn from(f: &Figures) -> Self {
        CellFigures {
            documents: f.documents,
            tenants: f.tenants,
            avg_days_late: round1(f.avg_days_late),
            share_late: (f.share_late * 1000.0).round() / 1000.0,
        }
    }
}

/// A row of the market table.
#[derive(Debug, Serialize, ToSchema)]
pub struct Cell {
    /// PKD section; `*` for the whole market; `null` for debtors of no known section.
    pub sector: Option<String>,
    /// `small` (up to 5 000 zł), `medium` (up to 50 000 zł), `large`; `*` for a total.
    pub size: String,
    /// The twelve months before (`null`: not shown, too few firms or documents).
    pub before: Option<CellFigures>,
    /// The last six months (`null`: not shown).
    pub recent: Option<CellFigures>,
}

impl From<&MarketRow> for Cell {
    fn from(r: &MarketRow) -> Self {
        Cell {
            sector: if r.all_sectors {
                Some("*".to_owned())
            } else {
                r.sector.map(String::from)
            },
            size: r.size.map_or("*", market::Size::code).to_owned(),
            before: r.before.as_ref().map(CellFigures::from),
            recent: r.recent.as_ref().map(CellFigures::from),
        }
    }
}

/// A period of the firm's own verdict.
#[derive(Debug, Serialize, ToSchema)]
pub struct VerdictSide {
    /// Its documents due in the period.
    pub documents: usize,
    /// Its average days late.
    pub avg_days_late: Option<f64>,
    /// The other firms' average days late for its mix of sectors and sizes.
    pub market_avg_days_late: Option<f64>,
}

impl From<&Side> for VerdictSide {
    fn from(s: &Side) -> Self {
        VerdictSide {
            documents: s.documents,
            avg_days_late: s.own.map(round1),
            market_avg_days_late: s.expected.map(round1),
        }
    }
}

/// One of the firm's sectors in its verdict.
#[derive(Debug, Serialize, ToSchema)]
pub struct SectorChange {
    /// PKD section (`null`: debtors of no known section).
    pub sector: Option<String>,
    /// The firm's documents in it in the last six months.
    pub documents: usize,
    /// The firm's change, in days.
    pub own_change_days: Option<f64>,
    /// The other firms' change in that sector (`null`: not shown).
    pub market_change_days: Option<f64>,
}

/// The firm's verdict: its last six months against the twelve before, beside the market.
#[derive(Debug, Serialize, ToSchema)]
pub struct Verdict {
    /// `stable`, `improved`, `sector` (its sectors slowed as much), `own` (worse than its
    /// sectors explain) or `unknown` (too little data).
    pub verdict: String,
    /// Its change, in days.
    pub own_change_days: Option<f64>,
    /// The change the others show for its mix, in days.
    pub market_change_days: Option<f64>,
    /// The smallest change that counts, in days.
    pub threshold_days: f64,
    /// The twelve months before.
    pub before: VerdictSide,
    /// The last six months.
    pub recent: VerdictSide,
    /// Its sectors, most documents first.
    pub sectors: Vec<SectorChange>,
}

impl From<&TenantVerdict> for Verdict {
    fn from(t: &TenantVerdict) -> Self {
        Verdict {
            verdict: t.verdict.code().to_owned(),
            own_change_days: t.own_change().map(round1),
            market_change_days: t.expected_change().map(round1),
            threshold_days: round1(t.threshold()),
            before: (&t.before).into(),
            recent: (&t.recent).into(),
            sectors: t
                .sectors
                .iter()
                .map(|s| SectorChange {
                    sector: s.sector.map(String::from),
                    documents: s.documents,
                    own_change_days: s.own_change.map(round1),
                    market_change_days: s.market_change.map(round1),
                })
                .collect(),
        }
    }
}

/// The market comparison as the firm sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct MarketComparison {
    /// The day of the comparison.
    pub as_of: NaiveDate,
    /// A document counts once it has been due this many days, and at most this many days late.
    pub horizon_days: i64,
    /// Due dates of the twelve months compared with.
    pub before: [NaiveDate; 2],
    /// Due dates of the last six months.
    pub recent: [NaiveDate; 2],
    /// The firm's verdict (`null`: no PLN documents in the periods).
    pub verdict: Option<Verdict>,
    /// The cells shown to every firm, each sector's total and the whole market's.
    pub market: Vec<Cell>,
    /// When it was computed (once an hour).
    pub computed_at: DateTime<Utc>,
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// The firm's payment delays against the market's for its mix of debtor sectors and invoice
/// sizes, anonymised ([statistics.md](docs/statistics.md)).
#[utoipa::path(get, path = "/stats/market", tag = "statistics",
    responses((status = 200, body = MarketComparison), (status = 401, body = ErrorBody)))]
async fn market_comparison(
    State(state): State<AppState>,
    auth: ClientAuth,
) -> Result<Json<MarketComparison>, Failure> {
    let p = auth.require(Role::Viewer)?;
    let m = state.app.market_for(&p.tenant).await?;
    Ok(Json(MarketComparison {
        as_of: m.as_of,
        horizon_days: market::HORIZON_DAYS,
        before: [m.periods.before.0, m.periods.before.1],
        recent: [m.periods.recent.0, m.periods.recent.1],
        verdict: m.own.as_ref().map(Verdict::from),
        market: m.rows.iter().map(Cell::from).collect(),
        computed_at: m.computed_at,
    }))
}

/// A debtor's sector.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SectorRequest {
    /// PKD section letter A–U; `null` or empty removes it.
    pub sector: Option<String>,
}

/// Sets a debtor's sector for the market comparison (editor and up).
#[utoipa::path(put, path = "/debtors/{id}/sector", tag = "statistics",
    params(("id" = String, Path, description = "The debtor's id")),
    request_body = SectorRequest,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn set_sector(
    State(state): State<AppState>,
    auth: ClientAuth,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<StatusCode, Failure> {
    let p = auth.require(Role::Editor)?;
    let req: SectorRequest = parse_json(&read_body(&headers, body).await?)?;
    state
        .app
        .set_debtor_sector(&p.tenant, &id, req.sector.as_deref())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
