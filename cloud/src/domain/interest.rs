//! Statutory interest for late payment and the recovery compensation, computed to a day — what
//! a law firm claims beside the principal. Pure: the rates come as a [`RateTable`] (dated
//! entries, `cloud/data/interest-rates.toml` embedded, replaceable by the operator's file).
//!
//! - **Interest** runs from the day after the due date up to and including the day it is
//!   computed for, simple (not compounded), on the amount still owed, at each period's annual
//!   rate, a year of 365 days (the courts' and the calculators' convention). A business debtor
//!   (a company) owes the commercial rate (odsetki ustawowe za opóźnienie w transakcjach
//!   handlowych); a person, the civil one (art. 481 § 2 KC).
//! - **Recovery compensation** (rekompensata za koszty odzyskiwania należności, art. 10 of the
//!   Act of 8 March 2013) is due per invoice of a commercial transaction once interest runs:
//!   40 EUR up to 5 000 zł, 70 EUR below 50 000 zł, 100 EUR from 50 000 zł, converted at the NBP
//!   rate of the last business day of the month before the due month — when the table has it.

use chrono::{Datelike as _, NaiveDate};
use serde::Deserialize;

/// The rate tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateTable {
    /// Commercial transactions, oldest first.
    commercial: Vec<Rate>,
    /// Consumers' debts, oldest first.
    consumer: Vec<Rate>,
    /// EUR in PLN (ten-thousandths) by the month it applies to: `(year, month)` of the month
    /// after the rate's day, i.e. the due month.
    eur: Vec<((i32, u32), u64)>,
}

/// An annual rate from a day on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    /// The first day it applies.
    pub from: NaiveDate,
    /// Hundredths of a percent: 1525 is 15.25 %.
    pub basis_points: u32,
}

/// Why a rate table was refused: the entry and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TableError(String);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TableFile {
    #[serde(default)]
    commercial: Vec<RateEntry>,
    #[serde(default)]
    consumer: Vec<RateEntry>,
    #[serde(default)]
    eur: Vec<EurEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RateEntry {
    from: String,
    percent: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EurEntry {
    month: String,
    pln: String,
}

/// The table the cloud ships.
pub const SHIPPED: &str = include_str!("../../data/interest-rates.toml");

/// `12.5` → 1250 with `places` = 2: a decimal of at most `places` places as a whole number.
fn fixed(text: &str, places: u32) -> Option<u64> {
    let t = text.trim();
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    let frac_len = u32::try_from(frac.len()).ok()?;
    if whole.is_empty()
        || frac_len > places
        || !whole
            .bytes()
            .chain(frac.bytes())
            .all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let scale = 10u64.pow(places);
    let frac_value = if frac.is_empty() {
        0
    } else {
        frac.parse::<u64>().ok()? * 10u64.pow(places - frac_len)
    };
    whole
        .parse::<u64>()
        .ok()?
        .checked_mul(scale)?
        .checked_add(frac_value)
}

impl RateTable {
    /// Reads a table (the TOML of `cloud/data/interest-rates.toml`); a bad entry is refused
    /// naming its list, its position and the field.
    pub fn parse(text: &str) -> Result<RateTable, TableError> {
        let file: TableFile = toml::from_str(text).map_err(|e| TableError(e.to_string()))?;
        let rates = |list: &str, entries: &[RateEntry]| -> Result<Vec<Rate>, TableError> {
            let mut out = Vec::with_capacity(entries.len());
            for (i, e) in entries.iter().enumerate() {
                let at = format!("{list}[{i}]");
                let from = NaiveDate::parse_from_str(e.from.trim(), "%Y-%m-%d")
                    .map_err(|_| TableError(format!("{at}.from: not a day: {}", e.from)))?;
                let basis_points = fixed(&e.percent, 2)
                    .and_then(|v| u32::try_from(v).ok())
                    .filter(|v| *v <= 10_000)
                    .ok_or_else(|| {
                        TableError(format!("{at}.percent: not a rate: {}", e.percent))
                    })?;
                if out.last().is_some_and(|r: &Rate| r.from >= from) {
                    return Err(TableError(format!(
                        "{at}.from: not after the entry before it"
                    )));
                }
                out.push(Rate { from, basis_points });
            }
            Ok(out)
        };
        let mut eur = Vec::with_capacity(file.eur.len());
        for (i, e) in file.eur.iter().enumerate() {
            let at = format!("eur[{i}]");
            let day = NaiveDate::parse_from_str(&format!("{}-01", e.month.trim()), "%Y-%m-%d")
                .map_err(|_| TableError(format!("{at}.month: not a month: {}", e.month)))?;
            let pln = fixed(&e.pln, 4)
                .filter(|v| *v > 0)
                .ok_or_else(|| TableError(format!("{at}.pln: not a rate: {}", e.pln)))?;
            let next = day
                .checked_add_months(chrono::Months::new(1))
                .ok_or_else(|| TableError(format!("{at}.month: out of range")))?;
            eur.push(((next.year(), next.month()), pln));
        }
        Ok(RateTable {
            commercial: rates("commercial", &file.commercial)?,
            consumer: rates("consumer", &file.consumer)?,
            eur,
        })
    }

    /// The table the cloud ships.
    pub fn shipped() -> RateTable {
        // The shipped file is checked by a test; an empty table is the safe fallback.
        RateTable::parse(SHIPPED).unwrap_or(RateTable {
            commercial: Vec::new(),
            consumer: Vec::new(),
            eur: Vec::new(),
        })
    }
}

/// What a debtor owes beyond one document's principal on a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// Days of delay counted (0 when not yet late).
    pub days: i64,
    /// Interest in the document's minor units.
    pub interest_minor: i64,
    /// The rate of the last day counted (hundredths of a percent), if any day was.
    pub rate: Option<Rate>,
    /// The last day counted lies more than six months after the table's last rate: it may be
    /// out of date.
    pub stale: bool,
    /// The recovery compensation in euro (commercial transactions only).
    pub compensation_eur: Option<u32>,
    /// The same in the document's minor units, when the table has the month's EUR rate.
    pub compensation_minor: Option<i64>,
}

/// The debtor's side, which decides the rate and whether compensation is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Debtor {
    /// A business: commercial interest and compensation.
    Business,
    /// A consumer: civil interest, no compensation.
    Consumer,
}

/// The interest and compensation of `owed_minor` (still owed, of a document of
/// `amount_minor` in `currency`) due on `due`, counted up to and including `on`.
pub fn claim(
    table: &RateTable,
    debtor: Debtor,
    due: NaiveDate,
    amount_minor: i64,
    owed_minor: i64,
    currency: &str,
    on: NaiveDate,
) -> Claim {
    let rates = match debtor {
        Debtor::Business => &table.commercial,
        Debtor::Consumer => &table.consumer,
    };
    let days = (on - due).num_days().max(0);
    let mut interest: i128 = 0;
    let mut last_rate = None;
    if days > 0 && owed_minor > 0 {
        // Walk the periods that overlap (due, on]: each contributes its days at its rate.
        for (i, rate) in rates.iter().enumerate() {
            let start = rate.from.max(due + chrono::Duration::days(1));
            let end = rates
                .get(i + 1)
                .map_or(on, |next| on.min(next.from - chrono::Duration::days(1)));
            if end < start {
                continue;
            }
            let n = i128::from((end - start).num_days() + 1);
            interest += i128::from(owed_minor) * i128::from(rate.basis_points) * n;
            last_rate = Some(*rate);
        }
    }
    // Half up, from hundredths of a percent over a 365-day year.
    let denominator: i128 = 10_000 * 365;
    let interest_minor =
        i64::try_from((interest + denominator / 2) / denominator).unwrap_or(i64::MAX);
    let stale = days > 0
        && rates
            .last()
            .and_then(|r| r.from.checked_add_months(chrono::Months::new(6)))
            .is_some_and(|limit| on >= limit);
    let compensation_eur = (debtor == Debtor::Business && days > 0 && currency == "PLN")
        .then(|| compensation_tier(amount_minor));
    let compensation_minor = compensation_eur.and_then(|eur| {
        let (_, pln) = table
            .eur
            .iter()
            .find(|(month, _)| *month == (due.year(), due.month()))?;
        // EUR × PLN/EUR (ten-thousandths) → grosze, half up.
        let grosze = u64::from(eur) * pln * 100;
        i64::try_from((grosze + 5_000) / 10_000).ok()
    });
    Claim {
        days,
        interest_minor,
        rate: last_rate,
        stale,
        compensation_eur,
        compensation_minor,
    }
}

/// The compensation's tier in euro for an invoice of `amount_minor` grosze.
pub fn compensation_tier(amount_minor: i64) -> u32 {
    match amount_minor {
        ..=500_000 => 40,
        500_001..5_000_000 => 70,
        _ => 100,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn table(text: &str) -> RateTable {
        RateTable::parse(text).unwrap()
    }

    #[test]
    fn the_shipped_table_reads() {
        let t = RateTable::parse(SHIPPED).unwrap();
        assert_eq!(t.commercial.last().unwrap().basis_points, 1400);
        assert_eq!(t.consumer.len(), 22);
        assert!(t.eur.is_empty());
    }

    #[test]
    fn interest_by_hand() {
        let t = table(
            "[[commercial]]\nfrom = \"2025-07-01\"\npercent = \"15.25\"\n\
             [[commercial]]\nfrom = \"2026-01-01\"\npercent = \"14\"\n",
        );
        // 10 000,00 zł, 30 days late at 15.25 %: 10 000 × 0.1525 × 30 / 365 = 125.34 zł.
        let c = claim(
            &t,
            Debtor::Business,
            day("2025-09-01"),
            1_000_000,
            1_000_000,
            "PLN",
            day("2025-10-01"),
        );
        assert_eq!((c.days, c.interest_minor), (30, 12_534));
        assert_eq!(c.compensation_eur, Some(70));
        assert_eq!(c.compensation_minor, None);
        // Across the change of rate: 10 days at 15.25 % (Dec 22–31) and 10 at 14 % (Jan 1–10):
        // 1 000 000 × (1525 × 10 + 1400 × 10) / 3 650 000 = 8 013.7 grosze.
        let c = claim(
            &t,
            Debtor::Business,
            day("2025-12-21"),
            1_000_000,
            1_000_000,
            "PLN",
            day("2026-01-10"),
        );
        assert_eq!((c.days, c.interest_minor), (20, 8_014));
        assert_eq!(c.rate.unwrap().basis_points, 1400);
        assert!(!c.stale);
        // Not late, nothing owed, or a day before the due date: nothing.
        let c = claim(
            &t,
            Debtor::Business,
            day("2026-01-10"),
            1_000_000,
            1_000_000,
            "PLN",
            day("2026-01-10"),
        );
        assert_eq!((c.days, c.interest_minor, c.compensation_eur), (0, 0, None));
        let c = claim(
            &t,
            Debtor::Business,
            day("2025-09-01"),
            1_000_000,
            0,
            "PLN",
            day("2025-10-01"),
        );
        assert_eq!(c.interest_minor, 0);
        // A consumer: its own (empty here) rates and no compensation.
        let c = claim(
            &t,
            Debtor::Consumer,
            day("2025-09-01"),
            1_000_000,
            1_000_000,
            "PLN",
            day("2025-10-01"),
        );
        assert_eq!((c.interest_minor, c.compensation_eur), (0, None));
        // Far past the last rate: flagged.
        let c = claim(
            &t,
            Debtor::Business,
            day("2026-06-01"),
            100,
            100,
            "PLN",
            day("2026-08-01"),
        );
        assert!(c.stale);
    }

    #[test]
    fn compensation_tiers_and_conversion() {
        assert_eq!(compensation_tier(500_000), 40);
        assert_eq!(compensation_tier(500_001), 70);
        assert_eq!(compensation_tier(4_999_999), 70);
        assert_eq!(compensation_tier(5_000_000), 100);
        let t = table(
            "[[commercial]]\nfrom = \"2026-01-01\"\npercent = \"14\"\n\
             [[eur]]\nmonth = \"2026-08\"\npln = \"4.2567\"\n",
        );
        // Due in September: August's last rate; 40 × 4.2567 = 170.27 zł.
        let c = claim(
            &t,
            Debtor::Business,
            day("2026-09-10"),
            100_000,
            100_000,
            "PLN",
            day("2026-10-10"),
        );
        assert_eq!(c.compensation_minor, Some(17_027));
        let c = claim(
            &t,
            Debtor::Business,
            day("2026-10-10"),
            100_000,
            100_000,
            "PLN",
            day("2026-11-10"),
        );
        assert_eq!((c.compensation_eur, c.compensation_minor), (Some(40), None));
        let c = claim(
            &t,
            Debtor::Business,
            day("2026-09-10"),
            100_000,
            100_000,
            "EUR",
            day("2026-10-10"),
        );
        assert_eq!(c.compensation_eur, None);
    }

    #[test]
    fn bad_tables_are_refused_naming_the_entry() {
        let e = RateTable::parse("[[commercial]]\nfrom = \"2026-13-01\"\npercent = \"14\"\n")
            .unwrap_err();
        assert!(e.0.contains("commercial[0].from"), "{e}");
        let e = RateTable::parse("[[consumer]]\nfrom = \"2026-01-01\"\npercent = \"1,5\"\n")
            .unwrap_err();
        assert!(e.0.contains("consumer[0].percent"), "{e}");
        let e = RateTable::parse(
            "[[commercial]]\nfrom = \"2026-01-01\"\npercent = \"14\"\n[[commercial]]\nfrom = \"2025-01-01\"\npercent = \"14\"\n",
        )
        .unwrap_err();
        assert!(e.0.contains("commercial[1].from"), "{e}");
        let e = RateTable::parse("[[eur]]\nmonth = \"2026-08\"\npln = \"-4\"\n").unwrap_err();
        assert!(e.0.contains("eur[0].pln"), "{e}");
        assert_eq!(fixed("4.2567", 4), Some(42_567));
        assert_eq!(fixed("14", 2), Some(1_400));
        assert_eq!(fixed("1.234", 2), None);
    }
}
