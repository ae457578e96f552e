//! Payment-delay statistics as a use case: the firm's documents and the settlements observed
//! on them, read once from the store, turned into its figures month by month and each
//! debtor's delays (pure, `crate::domain::stats`), one currency at a time; and the predicted
//! payment day of an open document (`crate::domain::predict`), learned from the same reading.
//!
//! Reading a large firm's whole history takes a while (every document and every change to
//! it), and it changes only when an agent's batch is applied, so each replica keeps the last
//! reading per firm ([`HistoryCache`]) with the firm's batch mark
//! ([`Store::history_mark`], one row per agent): a request whose mark is unchanged reuses it,
//! the first after a batch (new payments) reads again, and a reading older than
//! [`HISTORY_FRESH`] is read again anyway (stage touches and the day move without a batch).
//! The page says when it was read.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::{DateTime, Datelike as _, Months, NaiveDate, Utc};

use super::{App, ServiceError};
use crate::domain::market::{self, Market, MarketDocument, MarketRow, Periods, TenantVerdict};
use crate::domain::predict::{Basis, Habit, History, Method, Paid, Prediction, predict};
use crate::domain::stats::{
    DebtorDelay, DocumentHistory, MonthFigures, StageEffect, Touch, by_currency, debtor_delay,
    monthly, stage_effectiveness,
};
use crate::i18n::{self, Arg};
use crate::store::query::{DebtorDetail, DocumentView};
use crate::store::stats::{DebtorStatsOut, StageTouch};
use crate::store::{Store, StoreError, TenantScope};
use inkaso_shared::Lang;
use inkaso_shared::protocol::ResultEvent;

/// How long a firm's history is used, while no batch changed it, without reading it again.
pub const HISTORY_FRESH: std::time::Duration = std::time::Duration::from_secs(3600);

/// A firm's documents with their settlements, and what predictions learn from them.
#[derive(Debug)]
pub struct FirmHistory {
    /// Every document (not deleted or excluded) with its settlements.
    pub documents: Vec<DocumentHistory>,
    /// The paid ones, per debtor (`agent/ERP key`).
    pub paid: History,
    /// The documents the process stages reached (indexes into `documents`).
    pub touches: Vec<Touch>,
    /// When it was read (the app's clock).
    pub read_at: DateTime<Utc>,
}

impl FirmHistory {
    /// The reading's predictions' input from its documents.
    pub fn new(documents: Vec<DocumentHistory>, read_at: DateTime<Utc>) -> FirmHistory {
        let paid = History::new(documents.iter().filter_map(|d| {
            d.paid_on().map(|paid| {
                let p = Paid {
                    due: d.due,
                    paid,
                    amount_minor: d.amount_minor,
                };
                (d.debtor.clone(), p)
            })
        }));
        FirmHistory {
            documents,
            paid,
            touches: Vec::new(),
            read_at,
        }
    }

    /// With the documents its stages reached (those of unknown documents left out).
    #[must_use]
    pub fn with_touches(mut self, touches: Vec<StageTouch>) -> FirmHistory {
        let index: HashMap<(&str, &str), usize> = self
            .documents
            .iter()
            .enumerate()
            .filter_map(|(i, d)| {
                let agent = d.debtor.split_once('/')?.0;
                Some(((agent, d.document.as_str()), i))
            })
            .collect();
        let touches = touches
            .into_iter()
            .filter_map(|(stage, agent, document, on)| {
                let i = *index.get(&(agent.as_str(), document.as_str()))?;
                Some(Touch {
                    stage,
                    document: i,
                    on,
                })
            })
            .collect();
        self.touches = touches;
        self
    }
}

/// The last reading of each firm's history on this replica.
#[derive(Debug, Default)]
pub struct HistoryCache {
    entries: Mutex<HashMap<String, Reading>>,
}

/// One firm's history as read at `at`, when the firm's last batch was `mark`.
#[derive(Debug)]
struct Reading {
    at: Instant,
    mark: i64,
    history: Arc<FirmHistory>,
}

impl HistoryCache {
    fn fresh(&self, tenant: &str, mark: i64) -> Option<Arc<FirmHistory>> {
        let entries = self
            .entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        entries
            .get(tenant)
            .filter(|r| r.mark == mark && r.at.elapsed() < HISTORY_FRESH)
            .map(|r| Arc::clone(&r.history))
    }

    fn keep(&self, tenant: &str, mark: i64, history: Arc<FirmHistory>) {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(
                tenant.to_owned(),
                Reading {
                    at: Instant::now(),
                    mark,
                    history,
                },
            );
    }
}

/// The most months a statistics request looks back.
pub const MAX_MONTHS: u32 = 36;

/// A firm's statistics in one currency.
#[derive(Debug, Clone)]
pub struct CurrencyStats {
    /// ISO code.
    pub currency: String,
    /// Month by month, oldest first; the last month ends today.
    pub months: Vec<MonthFigures>,
    /// Each debtor's delays (`agent/ERP key` → figures), for debtors with a paid document.
    pub debtors: BTreeMap<String, DebtorDelay>,
    /// Each process stage's effect (`process/stage`), over the whole history.
    pub stages: Vec<StageEffect>,
}

/// A firm's statistics as of a day.
#[derive(Debug, Clone)]
pub struct StatsOverview {
    /// The day the figures are computed for.
    pub as_of: NaiveDate,
    /// Per currency, PLN first.
    pub currencies: Vec<CurrencyStats>,
}

/// The figures of a set of documents as of `as_of`, over `months` months back, with the
/// effect of each stage that reached them (`touches` index into `docs`). Pure.
pub fn overview(
    docs: &[DocumentHistory],
    touches: &[Touch],
    as_of: NaiveDate,
    months: u32,
) -> StatsOverview {
    let from = as_of
        .checked_sub_months(Months::new(months.saturating_sub(1)))
        .unwrap_or(as_of);
    let mut per_currency: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, d) in docs.iter().enumerate() {
        per_currency.entry(d.currency.as_str()).or_default().push(i);
    }
    let mut currencies: Vec<CurrencyStats> = per_currency
        .into_iter()
        .map(|(currency, indexes)| {
            let local: HashMap<usize, usize> =
                indexes.iter().enumerate().map(|(l, g)| (*g, l)).collect();
            let docs: Vec<&DocumentHistory> = indexes.iter().map(|i| &docs[*i]).collect();
            let mut per_debtor: BTreeMap<&str, Vec<&DocumentHistory>> = BTreeMap::new();
            for d in &docs {
                per_debtor.entry(d.debtor.as_str()).or_default().push(d);
            }
            let debtors = per_debtor
                .into_iter()
                .map(|(k, docs)| (k.to_owned(), debtor_delay(docs, as_of)))
                .filter(|(_, d)| d.paid > 0)
                .collect();
            let touches: Vec<Touch> = touches
                .iter()
                .filter_map(|t| {
                    local.get(&t.document).map(|l| Touch {
                        stage: t.stage.clone(),
                        document: *l,
                        on: t.on,
                    })
                })
                .collect();
            // Months before its first document have nothing to show.
            let first = docs
                .iter()
                .map(|d| d.issued)
                .min()
                .and_then(|d| d.with_day(1))
                .unwrap_or(from);
            CurrencyStats {
                currency: currency.to_owned(),
                months: monthly(&docs, from.max(first).min(as_of), as_of),
                debtors,
                stages: stage_effectiveness(&docs, &touches),
            }
        })
        .collect();
    currencies.sort_by_key(|c| (c.currency != "PLN", c.currency.clone()));
    StatsOverview { as_of, currencies }
}

impl App {
    /// The firm's statistics as of today, over `months` months back (1–36).
    pub async fn stats_overview(
        &self,
        tenant: &TenantScope,
        months: u32,
    ) -> Result<StatsOverview, ServiceError> {
        if !(1..=MAX_MONTHS).contains(&months) {
            return Err(crate::domain::Invalid::new(
                "months",
                "err-service-stats-months",
                &[("max", MAX_MONTHS.into())],
            )
            .into());
        }
        let history = self.firm_history(tenant).await?;
        Ok(overview(
            &history.documents,
            &history.touches,
            self.clock.now().date_naive(),
            months,
        ))
    }

    /// The firm's history, read again when an agent's batch changed it since the last
    /// reading or that reading is older than [`HISTORY_FRESH`].
    pub async fn firm_history(
        &self,
        tenant: &TenantScope,
    ) -> Result<Arc<FirmHistory>, ServiceError> {
        let mark = self.store.history_mark(tenant).await?;
        if let Some(h) = self.histories.fresh(tenant.as_str(), mark) {
            return Ok(h);
        }
        let documents = self.store.document_histories(tenant).await?;
        let touches = self.store.stage_touches(tenant).await?;
        let history = Arc::new(FirmHistory::new(documents, self.clock.now()).with_touches(touches));
        self.histories
            .keep(tenant.as_str(), mark, Arc::clone(&history));
        Ok(history)
    }

    /// When an open document of the debtor `(agent, ERP key)` due on `due`, for
    /// `amount_minor`, will probably be paid, learned from what the firm's debtors paid.
    pub async fn predicted_payment(
        &self,
        tenant: &TenantScope,
        agent_id: &str,
        debtor_external_id: &str,
        due: NaiveDate,
        amount_minor: i64,
    ) -> Result<Prediction, ServiceError> {
        let history = self.firm_history(tenant).await?;
        Ok(predict(
            &history.paid,
            &format!("{agent_id}/{debtor_external_id}"),
            due,
            amount_minor,
            self.clock.now().date_naive(),
            Method::Full,
        ))
    }
}

/// A debtor's payment behaviour per currency, and when each of its open documents will
/// probably be paid.
#[derive(Debug, Clone)]
pub struct DebtorOutlook {
    /// Its delays per currency (PLN first), for currencies it paid something in.
    pub delays: Vec<(String, DebtorDelay)>,
    /// Its open documents (by due date) with their predicted payment.
    pub predictions: Vec<(DocumentView, Prediction)>,
    /// When the history behind it was read.
    pub read_at: DateTime<Utc>,
}

impl App {
    /// The debtor's payment behaviour and its open documents' predicted payments.
    pub async fn debtor_outlook(
        &self,
        tenant: &TenantScope,
        debtor_id: &str,
    ) -> Result<DebtorOutlook, ServiceError> {
        let today = self.clock.now().date_naive();
        let detail = self.store.debtor_detail(tenant, debtor_id, today).await?;
        self.outlook_of(tenant, &detail).await
    }

    /// [`App::debtor_outlook`] of a debtor already read.
    pub async fn outlook_of(
        &self,
        tenant: &TenantScope,
        detail: &DebtorDetail,
    ) -> Result<DebtorOutlook, ServiceError> {
        let today = self.clock.now().date_naive();
        let history = self.firm_history(tenant).await?;
        let key = format!("{}/{}", detail.debtor.agent_id, detail.debtor.external_id);
        let own: Vec<DocumentHistory> = history
            .documents
            .iter()
            .filter(|d| d.debtor == key)
            .cloned()
            .collect();
        let mut delays: Vec<(String, DebtorDelay)> = by_currency(&own)
            .into_iter()
            .map(|(currency, docs)| (currency.to_owned(), debtor_delay(docs, today)))
            .filter(|(_, d)| d.paid > 0)
            .collect();
        delays.sort_by_key(|(c, _)| (c != "PLN", c.clone()));
        let predictions = detail
            .documents
            .iter()
            .filter(|d| d.status == "open" && d.remaining_minor > 0)
            .map(|d| {
                let p = predict(
                    &history.paid,
                    &key,
                    d.due_date,
                    d.amount_minor,
                    today,
                    Method::Full,
                );
                (d.clone(), p)
            })
            .collect();
        Ok(DebtorOutlook {
            delays,
            predictions,
            read_at: history.read_at,
        })
    }

    /// When an open document will probably be paid (`None` when it is not open).
    pub async fn document_prediction(
        &self,
        tenant: &TenantScope,
        document_id: &str,
    ) -> Result<(DocumentView, Option<Prediction>), ServiceError> {
        let today = self.clock.now().date_naive();
        let doc = self.store.document(tenant, document_id, today).await?;
        let p = self.prediction_of(tenant, &doc).await?;
        Ok((doc, p))
    }

    /// When a document already read will probably be paid (`None` when it is not open).
    pub async fn prediction_of(
        &self,
        tenant: &TenantScope,
        doc: &DocumentView,
    ) -> Result<Option<Prediction>, ServiceError> {
        if doc.status != "open" {
            return Ok(None);
        }
        let p = self
            .predicted_payment(
                tenant,
                &doc.agent_id,
                &doc.debtor_external_id,
                doc.due_date,
                doc.amount_minor,
            )
            .await?;
        Ok(Some(p))
    }
}

/// A prediction's one-line reason, as a person reads it ("Dłużnik płaci średnio 12 dni po
/// terminie (8 opłaconych dokumentów), zwykle pod koniec miesiąca").
pub fn prediction_reason(lang: Lang, p: &Prediction) -> String {
    let days = |d: f64| i18n::text_decimal(lang, "stats-days", d);
    let mut reason = match p.basis {
        Basis::Debtor {
            paid,
            avg_days_late,
        } => i18n::text_with(
            lang,
            "predict-reason-debtor",
            &[
                ("days", Arg::Text(days(avg_days_late))),
                ("count", paid.into()),
            ],
        ),
        Basis::Firm {
            paid,
            avg_days_late,
        } => i18n::text_with(
            lang,
            "predict-reason-firm",
            &[
                ("days", Arg::Text(days(avg_days_late))),
                ("count", paid.into()),
            ],
        ),
        Basis::NoHistory => i18n::text(lang, "predict-reason-none"),
    };
    let habit = match p.habit {
        Habit::None => None,
        Habit::MonthEnd => Some("predict-habit-month-end"),
        Habit::Weekday(w) => Some(match w {
            chrono::Weekday::Mon => "predict-habit-mon",
            chrono::Weekday::Tue => "predict-habit-tue",
            chrono::Weekday::Wed => "predict-habit-wed",
            chrono::Weekday::Thu => "predict-habit-thu",
            chrono::Weekday::Fri => "predict-habit-fri",
            chrono::Weekday::Sat => "predict-habit-sat",
            chrono::Weekday::Sun => "predict-habit-sun",
        }),
    };
    if let Some(id) = habit {
        reason.push_str(&i18n::text(lang, id));
    }
    if p.beyond_history {
        reason.push_str(&i18n::text(lang, "predict-beyond"));
    }
    reason
}

/// Each debtor's statistics as its agent receives them (R-A6): the signed delays of its paid
/// documents (negative: early), amount-weighted in the currency it paid most in, the share
/// paid late, and the predicted payment day of each open document. Pure; debtors with nothing
/// paid and nothing open are left out.
pub fn debtor_stats(history: &FirmHistory, today: NaiveDate) -> Vec<DebtorStatsOut> {
    let mut per_debtor: BTreeMap<&str, Vec<&DocumentHistory>> = BTreeMap::new();
    for d in &history.documents {
        if !d.is_credit() {
            per_debtor.entry(d.debtor.as_str()).or_default().push(d);
        }
    }
    let round = |x: f64| (x * 10.0).round() / 10.0;
    let mut out = Vec::new();
    for (key, docs) in per_debtor {
        let Some((agent_id, external)) = key.split_once('/') else {
            continue;
        };
        let Ok(debtor_external_id) = inkaso_shared::ExternalId::new(external) else {
            continue;
        };
        let paid: Vec<(&DocumentHistory, i64)> = docs
            .iter()
            .filter_map(|d| d.paid_on().map(|p| (*d, (p - d.due).num_days())))
            .collect();
        let predicted_payment: BTreeMap<String, NaiveDate> = docs
            .iter()
            .filter(|d| d.remaining_on(today) > 0)
            .map(|d| {
                let p = predict(
                    &history.paid,
                    key,
                    d.due,
                    d.amount_minor,
                    today,
                    Method::Full,
                );
                (d.document.clone(), p.p50)
            })
            .collect();
        if paid.is_empty() && predicted_payment.is_empty() {
            continue;
        }
        #[allow(clippy::cast_precision_loss)] // counts and days: far below 2^52
        let (avg, late_share) = if paid.is_empty() {
            (0.0, 0.0)
        } else {
            let n = paid.len() as f64;
            (
                paid.iter().map(|(_, d)| *d as f64).sum::<f64>() / n,
                paid.iter().filter(|(_, d)| *d > 0).count() as f64 / n,
            )
        };
        // Weighted in one currency: the one with the most paid documents.
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for (d, _) in &paid {
            *counts.entry(d.currency.as_str()).or_default() += 1;
        }
        let main = counts
            .iter()
            .max_by_key(|(c, n)| (**n, *c == &"PLN"))
            .map(|(c, _)| *c);
        let weighted = crate::domain::stats::weighted_days(
            paid.iter()
                .filter(|(d, _)| Some(d.currency.as_str()) == main)
                .map(|(d, delay)| (d.amount_minor, *delay)),
        )
        .unwrap_or(avg);
        out.push(DebtorStatsOut {
            agent_id: agent_id.to_owned(),
            event: ResultEvent::DebtorStats {
                debtor_external_id,
                avg_delay_days: round(avg),
                weighted_avg_delay_days: round(weighted),
                late_share: (late_share * 1000.0).round() / 1000.0,
                predicted_payment,
            },
        });
    }
    out
}

/// Publishes the firm's debtor statistics to its agents once a day (the runner's first tick
/// of the day): only debtors whose figures changed since they were last sent. Returns how many
/// were sent.
pub async fn publish_daily(
    store: &Store,
    tenant: &TenantScope,
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    let today = now.date_naive();
    if store.debtor_stats_last_run(tenant).await? == Some(today) {
        return Ok(0);
    }
    let history = FirmHistory::new(store.document_histories(tenant).await?, now);
    let stats = debtor_stats(&history, today);
    store.publish_debtor_stats(tenant, &stats, today, now).await
}

/// How long a market comparison is used before it is computed again: it reads every firm's
/// history, and it compares periods of months.
pub const MARKET_FRESH: std::time::Duration = std::time::Duration::from_secs(3600);

/// The last market comparison on this replica, with when it was computed.
#[derive(Debug, Default)]
pub struct MarketCache {
    entry: Mutex<Option<(Instant, ComputedMarket)>>,
}

/// A market comparison with when it was computed.
type ComputedMarket = Arc<(Market, DateTime<Utc>)>;

/// What a firm sees of the market: its own verdict and the cells shown to everyone, never
/// another firm's figures.
#[derive(Debug, Clone)]
pub struct MarketView {
    /// The day of the comparison.
    pub as_of: NaiveDate,
    /// The periods compared.
    pub periods: Periods,
    /// The firm's verdict (`None`: it has no PLN documents in the periods).
    pub own: Option<TenantVerdict>,
    /// The shown cells, each sector's total and the market's.
    pub rows: Vec<MarketRow>,
    /// When the comparison was computed.
    pub computed_at: DateTime<Utc>,
}

impl App {
    /// The market comparison as this firm may see it.
    pub async fn market_for(&self, tenant: &TenantScope) -> Result<MarketView, ServiceError> {
        let shared = self.market().await?;
        let (m, computed_at) = &*shared;
        Ok(MarketView {
            as_of: m.as_of,
            periods: m.periods,
            own: m
                .tenants
                .iter()
                .find(|t| t.tenant == tenant.as_str())
                .cloned(),
            rows: m.rows.clone(),
            computed_at: *computed_at,
        })
    }

    /// Every firm's PLN documents, with their debtors' sectors, compared on today (kept for
    /// [`MARKET_FRESH`]).
    async fn market(&self) -> Result<ComputedMarket, ServiceError> {
        {
            let entry = self
                .markets
                .entry
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Some((_, m)) = entry.as_ref().filter(|(at, _)| at.elapsed() < MARKET_FRESH) {
                return Ok(Arc::clone(m));
            }
        }
        let now = self.clock.now();
        let mut docs = Vec::new();
        for scope in self.store.tenants_with_documents().await? {
            let sectors = self.store.debtor_sectors(&scope).await?;
            for d in self.store.document_histories(&scope).await? {
                if d.currency != "PLN" || d.is_credit() {
                    continue;
                }
                let paid = d.paid_on();
                docs.push(MarketDocument {
                    tenant: scope.as_str().to_owned(),
                    sector: sectors.get(&d.debtor).copied(),
                    debtor: d.debtor,
                    due: d.due,
                    paid,
                    amount_minor: d.amount_minor,
                });
            }
        }
        let computed = Arc::new((market::compare(&docs, now.date_naive()), now));
        *self
            .markets
            .entry
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) =
            Some((Instant::now(), Arc::clone(&computed)));
        Ok(computed)
    }

    /// A debtor's PKD section as the firm chose it and as the REGON register gives it.
    pub async fn debtor_sector(
        &self,
        tenant: &TenantScope,
        agent_id: &str,
        external_id: &str,
    ) -> Result<crate::store::stats::DebtorSector, ServiceError> {
        Ok(self
            .store
            .debtor_sector(tenant, agent_id, external_id)
            .await?)
    }

    /// Sets a debtor's sector (a PKD section letter, A–U) or, with `None` or an empty text,
    /// forgets it. The market comparison takes it up when it is next computed.
    pub async fn set_debtor_sector(
        &self,
        tenant: &TenantScope,
        debtor_id: &str,
        sector: Option<&str>,
    ) -> Result<(), ServiceError> {
        let sector = match sector.map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(text) => {
                let mut chars = text.chars();
                match (chars.next().map(|c| c.to_ascii_uppercase()), chars.next()) {
                    (Some(c), None) if market::is_pkd_section(c) => Some(c),
                    _ => {
                        return Err(crate::domain::Invalid::new(
                            "sector",
                            "err-service-sector",
                            &[("value", text.into())],
                        )
                        .into());
                    }
                }
            }
        };
        Ok(self
            .store
            .set_debtor_sector(tenant, debtor_id, sector, self.clock.now())
            .await?)
    }
}
