//! What a document handed to a law firm adds today beyond what is still owed: statutory
//! interest to the day and the recovery compensation, from the creditor's own rate tables —
//! the ones its demand letters print (`letters.rates` of its channel settings, the statutory
//! tables unless it replaced them). The arithmetic is [`inkaso_channels::interest`]'s; this
//! module only adapts one case document to it. Pure.

use chrono::{Months, NaiveDate};
use inkaso_channels::interest::{RateTable, compensation_eur, interest};
use inkaso_channels::letter::LetterRates;
use inkaso_shared::{Currency, Money};

/// What one document adds on a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// Days of delay counted (0 when not yet late).
    pub days: i64,
    /// Interest in the document's minor units (0 when the table has no rate for the days).
    pub interest_minor: i64,
    /// The table's entry in force on the day: its first day and rate (hundredths of a percent).
    pub rate: Option<(NaiveDate, u32)>,
    /// The day lies more than six months after the table's last entry: it may be out of date.
    pub stale: bool,
    /// The recovery compensation in euro (commercial transactions in PLN only).
    pub compensation_eur: Option<u32>,
    /// The same in the document's minor units, when the creditor set an EUR rate.
    pub compensation_minor: Option<i64>,
}

/// The debtor's side, which decides the table and whether compensation is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Debtor {
    /// A business: commercial interest and compensation.
    Business,
    /// A consumer: interest for delay, no compensation.
    Consumer,
}

/// One document as the claim needs it.
#[derive(Debug, Clone, Copy)]
pub struct Owed<'a> {
    /// Due date.
    pub due: NaiveDate,
    /// The invoice's amount (chooses the compensation's tier).
    pub amount_minor: i64,
    /// Still owed (interest runs on it).
    pub owed_minor: i64,
    /// ISO code.
    pub currency: &'a str,
}

/// The interest and compensation of `doc` up to and including `on`.
pub fn claim(rates: &LetterRates, debtor: Debtor, doc: Owed<'_>, on: NaiveDate) -> Claim {
    let table: &RateTable = match debtor {
        Debtor::Business => &rates.commercial,
        Debtor::Consumer => &rates.consumer,
    };
    let days = (on - doc.due).num_days().max(0);
    let currency = doc.currency.parse::<Currency>().ok();
    // A currency we cannot name, or days before the table starts, count no interest; the page
    // shows the rate in force, so a person sees why.
    let interest_minor = currency
        .and_then(|c| interest(Money::new(doc.owed_minor, c), doc.due, on, table).ok())
        .map_or(0, |i| i.total.minor);
    let entry = table.periods().iter().rev().find(|p| p.from <= on);
    let stale = days > 0
        && table
            .periods()
            .last()
            .and_then(|p| p.from.checked_add_months(Months::new(6)))
            .is_some_and(|limit| on >= limit);
    let compensation = (debtor == Debtor::Business && days > 0 && currency == Some(Currency::PLN))
        .then(|| compensation_eur(Money::new(doc.amount_minor, Currency::PLN)));
    let compensation_minor = compensation
        .zip(rates.eur)
        .and_then(|(eur, rate)| rate.to_pln(eur).ok())
        .map(|pln| pln.minor);
    Claim {
        days,
        interest_minor,
        rate: entry.map(|p| (p.from, p.rate.0)),
        stale,
        compensation_eur: compensation.and_then(|eur| u32::try_from(eur.minor / 100).ok()),
        compensation_minor,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use inkaso_channels::interest::{BasisPoints, EurRate, RatePeriod};

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn rates(eur: Option<u64>) -> LetterRates {
        let table = |rows: &[(&str, u32)]| {
            RateTable::new(
                rows.iter()
                    .map(|(d, bp)| RatePeriod {
                        from: day(d),
                        rate: BasisPoints(*bp),
                    })
                    .collect(),
            )
            .unwrap()
        };
        LetterRates {
            commercial: table(&[("2025-07-01", 1525), ("2026-01-01", 1400)]),
            consumer: table(&[("2025-12-04", 950)]),
            eur: eur.map(EurRate),
        }
    }

    fn owed<'a>(due: &str, amount: i64, currency: &'a str) -> Owed<'a> {
        Owed {
            due: day(due),
            amount_minor: amount,
            owed_minor: amount,
            currency,
        }
    }

    #[test]
    fn a_document_by_hand() {
        let r = rates(None);
        // 10 000,00 zł, 30 days late at 15.25 %: 10 000 × 0.1525 × 30 / 365 = 125.34 zł.
        let c = claim(
            &r,
            Debtor::Business,
            owed("2025-09-01", 1_000_000, "PLN"),
            day("2025-10-01"),
        );
        assert_eq!((c.days, c.interest_minor), (30, 12_534));
        assert_eq!((c.compensation_eur, c.compensation_minor), (Some(70), None));
        assert_eq!(c.rate, Some((day("2025-07-01"), 1525)));
        assert!(!c.stale);
        // Across the change of rate, each period rounded as the letters print it: 10 days at
        // 15.25 % (41.78 zł) and 10 at 14 % (38.36 zł).
        let c = claim(
            &r,
            Debtor::Business,
            owed("2025-12-21", 1_000_000, "PLN"),
            day("2026-01-10"),
        );
        assert_eq!((c.days, c.interest_minor), (20, 4_178 + 3_836));
        // Not late: nothing. A consumer: its own table, no compensation. Far past the last
        // entry: flagged.
        let c = claim(
            &r,
            Debtor::Business,
            owed("2026-01-10", 1_000_000, "PLN"),
            day("2026-01-10"),
        );
        assert_eq!((c.days, c.interest_minor, c.compensation_eur), (0, 0, None));
        let c = claim(
            &r,
            Debtor::Consumer,
            owed("2026-01-01", 365_000, "PLN"),
            day("2026-01-11"),
        );
        assert_eq!((c.interest_minor, c.compensation_eur), (950, None));
        let c = claim(
            &r,
            Debtor::Business,
            owed("2026-06-01", 100, "PLN"),
            day("2026-08-01"),
        );
        assert!(c.stale);
    }

    #[test]
    fn compensation_in_zloty_with_the_creditors_eur_rate() {
        let r = rates(Some(42_567));
        // 40 EUR × 4.2567 = 170.27 zł; 100 EUR for 50 000 zł; none for a euro invoice here.
        let c = claim(
            &r,
            Debtor::Business,
            owed("2026-09-10", 100_000, "PLN"),
            day("2026-10-10"),
        );
        assert_eq!(
            (c.compensation_eur, c.compensation_minor),
            (Some(40), Some(17_027))
        );
        let c = claim(
            &r,
            Debtor::Business,
            owed("2026-09-10", 5_000_000, "PLN"),
            day("2026-10-10"),
        );
        assert_eq!(c.compensation_eur, Some(100));
        let c = claim(
            &r,
            Debtor::Business,
            owed("2026-09-10", 100_000, "EUR"),
            day("2026-10-10"),
        );
        assert_eq!(c.compensation_eur, None);
    }
}
