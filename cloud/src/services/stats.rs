//! Payment-delay statistics as a use case: the firm's documents and the settlements observed
//! on them, read once from the store, turned into its figures month by month and each
//! debtor's delays (pure, `crate::domain::stats`), one currency at a time; and the predicted
//! payment day of an open document (`crate::domain::predict`), learned from the same reading.
//!
//! Reading a large firm's whole history takes a while (every document and every change to
//! it), and it changes only when an agent syncs, so each replica keeps the last reading per
//! firm for [`HISTORY_FRESH`] ([`HistoryCache`]); the page says when it was read.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::{DateTime, Months, NaiveDate, Utc};

use super::{App, ServiceError};
use crate::domain::predict::{History, Method, Paid, Prediction, predict};
use crate::domain::stats::{
    DebtorDelay, DocumentHistory, MonthFigures, by_currency, debtor_delay, monthly,
};
use crate::store::TenantScope;

/// How long a firm's history is used without reading it again.
pub const HISTORY_FRESH: std::time::Duration = std::time::Duration::from_secs(300);

/// A firm's documents with their settlements, and what predictions learn from them.
#[derive(Debug)]
pub struct FirmHistory {
    /// Every document (not deleted or excluded) with its settlements.
    pub documents: Vec<DocumentHistory>,
    /// The paid ones, per debtor (`agent/ERP key`).
    pub paid: History,
    /// When it was read (the app's clock).
    pub read_at: DateTime<Utc>,
}

impl FirmHistory {
    /// The reading's predictions' input from its documents.
    pub fn new(documents: Vec<DocumentHistory>, read_at: DateTime<Utc>) -> FirmHistory {
        let paid = History::new(documents.iter().filter_map(|d| {
            d.paid_on()
                .map(|paid| (d.debtor.clone(), Paid { due: d.due, paid }))
        }));
        FirmHistory {
            documents,
            paid,
            read_at,
        }
    }
}

/// The last reading of each firm's history on this replica.
#[derive(Debug, Default)]
pub struct HistoryCache {
    entries: Mutex<HashMap<String, (Instant, Arc<FirmHistory>)>>,
}

impl HistoryCache {
    fn fresh(&self, tenant: &str) -> Option<Arc<FirmHistory>> {
        let entries = self
            .entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        entries
            .get(tenant)
            .filter(|(at, _)| at.elapsed() < HISTORY_FRESH)
            .map(|(_, h)| Arc::clone(h))
    }

    fn keep(&self, tenant: &str, history: Arc<FirmHistory>) {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(tenant.to_owned(), (Instant::now(), history));
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
}

/// A firm's statistics as of a day.
#[derive(Debug, Clone)]
pub struct StatsOverview {
    /// The day the figures are computed for.
    pub as_of: NaiveDate,
    /// Per currency, PLN first.
    pub currencies: Vec<CurrencyStats>,
}

/// The figures of a set of documents as of `as_of`, over `months` months back (pure; what the
/// service and the command line share).
pub fn overview(docs: &[DocumentHistory], as_of: NaiveDate, months: u32) -> StatsOverview {
    let from = as_of
        .checked_sub_months(Months::new(months.saturating_sub(1)))
        .unwrap_or(as_of);
    let mut currencies: Vec<CurrencyStats> = by_currency(docs)
        .into_iter()
        .map(|(currency, docs)| {
            let mut per_debtor: BTreeMap<&str, Vec<&DocumentHistory>> = BTreeMap::new();
            for d in &docs {
                per_debtor.entry(d.debtor.as_str()).or_default().push(d);
            }
            let debtors = per_debtor
                .into_iter()
                .map(|(k, docs)| (k.to_owned(), debtor_delay(docs, as_of)))
                .filter(|(_, d)| d.paid > 0)
                .collect();
            CurrencyStats {
                currency: currency.to_owned(),
                months: monthly(&docs, from, as_of),
                debtors,
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
            self.clock.now().date_naive(),
            months,
        ))
    }

    /// The firm's history, read again when the last reading is older than
    /// [`HISTORY_FRESH`].
    pub async fn firm_history(
        &self,
        tenant: &TenantScope,
    ) -> Result<Arc<FirmHistory>, ServiceError> {
        if let Some(h) = self.histories.fresh(tenant.as_str()) {
            return Ok(h);
        }
        let documents = self.store.document_histories(tenant).await?;
        let history = Arc::new(FirmHistory::new(documents, self.clock.now()));
        self.histories.keep(tenant.as_str(), Arc::clone(&history));
        Ok(history)
    }

    /// When an open document of the debtor `(agent, ERP key)` due on `due` will probably be
    /// paid, learned from what the firm's debtors paid.
    pub async fn predicted_payment(
        &self,
        tenant: &TenantScope,
        agent_id: &str,
        debtor_external_id: &str,
        due: NaiveDate,
    ) -> Result<Prediction, ServiceError> {
        let history = self.firm_history(tenant).await?;
        Ok(predict(
            &history.paid,
            &format!("{agent_id}/{debtor_external_id}"),
            due,
            self.clock.now().date_naive(),
            Method::Full,
        ))
    }
}
