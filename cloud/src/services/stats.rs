//! Payment-delay statistics as a use case: the firm's documents and the settlements observed
//! on them, read once from the store, turned into its figures month by month and each
//! debtor's delays (pure, `crate::domain::stats`), one currency at a time.

use std::collections::BTreeMap;

use chrono::{Months, NaiveDate};

use super::{App, ServiceError};
use crate::domain::stats::{
    DebtorDelay, DocumentHistory, MonthFigures, by_currency, debtor_delay, monthly,
};
use crate::store::TenantScope;

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
        let docs = self.store.document_histories(tenant).await?;
        Ok(overview(&docs, self.clock.now().date_naive(), months))
    }
}
