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

use super::client::ErrorBody;
use super::{AppState, ClientAuth, Failure, Path, Q};
use crate::domain::accounts::Role;
use crate::domain::predict::Prediction;
use crate::domain::stats::{DebtorDelay, MonthFigures};
use crate::services::stats::prediction_reason;

/// The routes, to be nested under `/api/v1`.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(firm_stats))
        .routes(routes!(debtor_stats))
        .routes(routes!(document_prediction))
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
