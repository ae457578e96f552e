//! Statutory interest for delay and the B2B recovery compensation, in exact integer arithmetic.
//!
//! Rates are configurable tables with validity dates (`research/providers.md` §5.3): the
//! commercial rate (NBP reference rate + 10 pp, announced per half-year) and the consumer rate
//! for delay (reference rate + 5.5 pp, changing with every NBP decision). Interest runs from the
//! day after the due date to the calculation date inclusive, split into periods where the rate
//! changes; each period is `principal × rate × days / 365` rounded half up to the grosz, and
//! the total is the sum of the periods as printed (what court calculators show). The year is
//! always 365 days, as Polish practice counts it.
//!
//! The compensation for recovery costs (art. 10 ust. 1 of the Act of 8 March 2013) is 40 EUR
//! for a value up to 5 000 zł, 70 EUR above 5 000 and below 50 000 zł, 100 EUR from 50 000 zł,
//! per invoice, converted at the configured EUR rate (legally: NBP's average rate of the last
//! business day of the month before the month the payment was due).

use chrono::{Duration, NaiveDate};
use inkaso_shared::{Currency, Lang, Localized, Money};
use serde::{Deserialize, Serialize};

/// A rate in basis points per year: `1525` is 15.25 %.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct BasisPoints(pub u32);

impl BasisPoints {
    /// `15,25%` (Polish) or `15.25%` (English).
    pub fn format(self, lang: Lang) -> String {
        let sep = if lang == Lang::Pl { ',' } else { '.' };
        format!("{}{sep}{:02}%", self.0 / 100, self.0 % 100)
    }
}

/// A rate valid from a date until the next entry's date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatePeriod {
    /// First day the rate applies.
    pub from: NaiveDate,
    /// Yearly rate.
    pub rate: BasisPoints,
}

/// A table of rates with validity dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<RatePeriod>", into = "Vec<RatePeriod>")]
pub struct RateTable {
    periods: Vec<RatePeriod>,
}

/// Why interest cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InterestError {
    #[error("tabela stawek odsetek jest pusta")]
    EmptyTable,
    #[error("tabela stawek odsetek ma dwie stawki od dnia {0}")]
    DuplicateDate(NaiveDate),
    #[error("brak stawki odsetek na dzień {0} (tabela zaczyna się później)")]
    NoRate(NaiveDate),
    #[error("przepełnienie przy obliczaniu odsetek")]
    Overflow,
    #[error("brak kursu EUR do przeliczenia rekompensaty")]
    NoEurRate,
}

impl Localized for InterestError {
    fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::Pl => self.to_string(),
            Lang::En => match self {
                InterestError::EmptyTable => "the interest rate table is empty".into(),
                InterestError::DuplicateDate(d) => {
                    format!("the interest rate table has two rates from {d}")
                }
                InterestError::NoRate(d) => {
                    format!("no interest rate for {d} (the table starts later)")
                }
                InterestError::Overflow => "overflow while computing interest".into(),
                InterestError::NoEurRate => "no EUR rate to convert the compensation".into(),
            },
        }
    }
}

impl TryFrom<Vec<RatePeriod>> for RateTable {
    type Error = InterestError;
    fn try_from(v: Vec<RatePeriod>) -> Result<Self, Self::Error> {
        RateTable::new(v)
    }
}

impl From<RateTable> for Vec<RatePeriod> {
    fn from(t: RateTable) -> Self {
        t.periods
    }
}

impl RateTable {
    /// A table from periods in any order; two rates from the same day are refused.
    pub fn new(mut periods: Vec<RatePeriod>) -> Result<Self, InterestError> {
        if periods.is_empty() {
            return Err(InterestError::EmptyTable);
        }
        periods.sort_by_key(|p| p.from);
        if let Some(w) = periods.windows(2).find(|w| w[0].from == w[1].from) {
            return Err(InterestError::DuplicateDate(w[0].from));
        }
        Ok(RateTable { periods })
    }

    /// The periods, oldest first.
    pub fn periods(&self) -> &[RatePeriod] {
        &self.periods
    }

    /// The rate on `day`.
    pub fn rate_on(&self, day: NaiveDate) -> Option<BasisPoints> {
        self.periods
            .iter()
            .rev()
            .find(|p| p.from <= day)
            .map(|p| p.rate)
    }
}

/// Interest for one stretch of days at one rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterestPeriod {
    /// First day (inclusive).
    pub from: NaiveDate,
    /// Last day (inclusive).
    pub to: NaiveDate,
    /// Days in the period.
    pub days: i64,
    /// The yearly rate.
    pub rate: BasisPoints,
    /// Interest for the period, rounded half up.
    pub amount: Money,
}

/// Interest on one amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interest {
    /// The periods, oldest first (empty when not overdue).
    pub periods: Vec<InterestPeriod>,
    /// Sum of the periods.
    pub total: Money,
}

/// `numerator / denominator` rounded half up, for non-negative values.
fn div_round_half_up(numerator: i128, denominator: i128) -> i128 {
    (numerator + denominator / 2) / denominator
}

/// Interest on `principal` due on `due_date`, accrued from the next day to `until` inclusive.
pub fn interest(
    principal: Money,
    due_date: NaiveDate,
    until: NaiveDate,
    table: &RateTable,
) -> Result<Interest, InterestError> {
    let currency = principal.currency;
    let mut periods = Vec::new();
    let mut total: i64 = 0;
    let Some(first) = due_date.succ_opt() else {
        return Err(InterestError::Overflow);
    };
    if until < first || principal.minor <= 0 {
        return Ok(Interest {
            periods,
            total: Money::zero(currency),
        });
    }
    let mut start = first;
    while start <= until {
        let rate = table.rate_on(start).ok_or(InterestError::NoRate(start))?;
        // The period ends the day before the next rate starts, or at `until`.
        let next_change = table
            .periods
            .iter()
            .map(|p| p.from)
            .find(|&from| from > start);
        let end = match next_change {
            Some(next) if next <= until => next - Duration::days(1),
            _ => until,
        };
        let days = (end - start).num_days() + 1;
        let numerator = i128::from(principal.minor)
            .checked_mul(i128::from(rate.0))
            .and_then(|v| v.checked_mul(i128::from(days)))
            .ok_or(InterestError::Overflow)?;
        let amount = i64::try_from(div_round_half_up(numerator, 10_000 * 365))
            .map_err(|_| InterestError::Overflow)?;
        total = total.checked_add(amount).ok_or(InterestError::Overflow)?;
        periods.push(InterestPeriod {
            from: start,
            to: end,
            days,
            rate,
            amount: Money::new(amount, currency),
        });
        start = end + Duration::days(1);
    }
    Ok(Interest {
        periods,
        total: Money::new(total, currency),
    })
}

/// The NBP average rate of one euro in złoty, with NBP's four decimals: `42500` is 4.2500 zł.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EurRate(pub u64);

impl EurRate {
    /// `4,2500` (Polish) or `4.2500`.
    pub fn format(self, lang: Lang) -> String {
        let sep = if lang == Lang::Pl { ',' } else { '.' };
        format!("{}{sep}{:04}", self.0 / 10_000, self.0 % 10_000)
    }

    /// Converts euro to złoty, rounded half up to the grosz.
    pub fn to_pln(self, eur: Money) -> Result<Money, InterestError> {
        let grosze = div_round_half_up(
            i128::from(eur.minor)
                .checked_mul(i128::from(self.0))
                .ok_or(InterestError::Overflow)?,
            10_000,
        );
        Ok(Money::new(
            i64::try_from(grosze).map_err(|_| InterestError::Overflow)?,
            Currency::PLN,
        ))
    }
}

/// The compensation tier for a claim worth `value_pln` (art. 10 ust. 1, since 2020).
pub fn compensation_eur(value_pln: Money) -> Money {
    let eur = if value_pln.minor <= 500_000 {
        40
    } else if value_pln.minor < 5_000_000 {
        70
    } else {
        100
    };
    Money::new(eur * 100, Currency::EUR)
}

/// The compensation for one invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Compensation {
    /// The invoice number.
    pub number: String,
    /// The value the tier was chosen by, in złoty.
    pub value_pln: Money,
    /// 40, 70 or 100 EUR.
    pub eur: Money,
    /// Converted to złoty.
    pub pln: Money,
}

/// Compensation for an invoice of `amount` (its value, in PLN or EUR), converted at `rate`.
/// Other currencies return `None`: their złoty value needs a rate this crate is not given.
pub fn compensation(
    number: &str,
    amount: Money,
    rate: EurRate,
) -> Result<Option<Compensation>, InterestError> {
    let value_pln = if amount.currency == Currency::PLN {
        amount
    } else if amount.currency == Currency::EUR {
        rate.to_pln(amount)?
    } else {
        return Ok(None);
    };
    let eur = compensation_eur(value_pln);
    Ok(Some(Compensation {
        number: number.to_owned(),
        value_pln,
        eur,
        pln: rate.to_pln(eur)?,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn pln(minor: i64) -> Money {
        Money::new(minor, Currency::PLN)
    }

    fn commercial() -> RateTable {
        // Commercial rates (reference rate + 10 pp) as configured for the test.
        RateTable::new(vec![
            RatePeriod {
                from: d(2025, 1, 1),
                rate: BasisPoints(1575),
            },
            RatePeriod {
                from: d(2025, 7, 1),
                rate: BasisPoints(1525),
            },
            RatePeriod {
                from: d(2026, 1, 1),
                rate: BasisPoints(1400),
            },
        ])
        .unwrap()
    }

    #[test]
    fn interest_within_one_rate() {
        // 10 000,00 zł due 2026-01-15, to 2026-02-14: days 16.01–14.02 = 30 days at 14 %.
        // 1 000 000 gr × 1400 bp × 30 / (10 000 × 365) = 42 000 000 000 / 3 650 000 = 11 506.85 gr → 115,07 zł.
        let i = interest(
            pln(1_000_000),
            d(2026, 1, 15),
            d(2026, 2, 14),
            &commercial(),
        )
        .unwrap();
        assert_eq!(i.periods.len(), 1);
        assert_eq!(i.periods[0].days, 30);
        assert_eq!(i.total, pln(11_507));
        assert_eq!(i.total.to_string(), "115,07 zł");
    }

    #[test]
    fn interest_across_rate_changes() {
        // 5 000,00 zł due 2025-06-20, to 2026-01-10:
        //   21.06–30.06.2025:  10 days at 15,75 %: 500 000 × 1575 × 10 / 3 650 000 = 2 157.53 → 21,58 zł
        //   01.07–31.12.2025: 184 days at 15,25 %: 500 000 × 1525 × 184 / 3 650 000 = 38 438.36 → 384,38 zł
        //   01.01–10.01.2026:  10 days at 14,00 %: 500 000 × 1400 × 10 / 3 650 000 = 1 917.81 → 19,18 zł
        //   total 21,58 + 384,38 + 19,18 = 425,14 zł
        let i = interest(pln(500_000), d(2025, 6, 20), d(2026, 1, 10), &commercial()).unwrap();
        let got: Vec<(NaiveDate, NaiveDate, i64, u32, i64)> = i
            .periods
            .iter()
            .map(|p| (p.from, p.to, p.days, p.rate.0, p.amount.minor))
            .collect();
        assert_eq!(
            got,
            [
                (d(2025, 6, 21), d(2025, 6, 30), 10, 1575, 2158),
                (d(2025, 7, 1), d(2025, 12, 31), 184, 1525, 38_438),
                (d(2026, 1, 1), d(2026, 1, 10), 10, 1400, 1918),
            ]
        );
        assert_eq!(i.total, pln(42_514));
    }

    #[test]
    fn no_interest_before_or_on_the_due_date() {
        let t = commercial();
        assert!(
            interest(pln(100), d(2026, 1, 15), d(2026, 1, 15), &t)
                .unwrap()
                .periods
                .is_empty()
        );
        assert_eq!(
            interest(pln(100), d(2026, 1, 15), d(2026, 1, 1), &t)
                .unwrap()
                .total,
            pln(0)
        );
        // One day: 100,00 zł × 14 % / 365 = 10 000 × 1400 / 3 650 000 = 3.84 gr → 0,04 zł.
        assert_eq!(
            interest(pln(10_000), d(2026, 1, 15), d(2026, 1, 16), &t)
                .unwrap()
                .total,
            pln(4)
        );
    }

    #[test]
    fn a_date_before_the_table_is_an_error() {
        let err = interest(pln(100), d(2024, 12, 1), d(2025, 1, 5), &commercial()).unwrap_err();
        assert_eq!(err, InterestError::NoRate(d(2024, 12, 2)));
        assert!(RateTable::new(vec![]).is_err());
        let dup = RateTable::new(vec![
            RatePeriod {
                from: d(2025, 1, 1),
                rate: BasisPoints(1),
            },
            RatePeriod {
                from: d(2025, 1, 1),
                rate: BasisPoints(2),
            },
        ]);
        assert_eq!(dup, Err(InterestError::DuplicateDate(d(2025, 1, 1))));
    }

    #[test]
    fn consumer_rates_change_mid_month() {
        // Consumer rate for delay (reference + 5,5 pp): 10,00 % from 2025-10-09, 9,75 % from 2025-11-06.
        let t = RateTable::new(vec![
            RatePeriod {
                from: d(2025, 10, 9),
                rate: BasisPoints(1000),
            },
            RatePeriod {
                from: d(2025, 11, 6),
                rate: BasisPoints(975),
            },
        ])
        .unwrap();
        // 1 234,56 zł due 2025-10-31 to 2025-11-30:
        //   01.11–05.11: 5 days at 10 %:   123 456 × 1000 × 5 / 3 650 000 = 169.12 → 1,69 zł
        //   06.11–30.11: 25 days at 9,75 %: 123 456 × 975 × 25 / 3 650 000 = 824.45 → 8,24 zł
        let i = interest(pln(123_456), d(2025, 10, 31), d(2025, 11, 30), &t).unwrap();
        assert_eq!(
            i.periods.iter().map(|p| p.amount.minor).collect::<Vec<_>>(),
            [169, 824]
        );
        assert_eq!(i.total.to_string(), "9,93 zł");
        assert_eq!(BasisPoints(975).format(Lang::Pl), "9,75%");
    }

    #[test]
    fn compensation_tiers_and_conversion() {
        let rate = EurRate(42_500); // 4,2500 zł
        // Exactly 5 000,00 zł is still the lowest tier: 40 EUR × 4,25 = 170,00 zł.
        let c = compensation("FS 1", pln(500_000), rate).unwrap().unwrap();
        assert_eq!(
            (c.eur.to_string(), c.pln.to_string()),
            ("40,00 EUR".into(), "170,00 zł".into())
        );
        // 5 000,01 zł: 70 EUR × 4,25 = 297,50 zł.
        assert_eq!(
            compensation("FS 2", pln(500_001), rate)
                .unwrap()
                .unwrap()
                .pln,
            pln(29_750)
        );
        // 49 999,99 zł still 70 EUR; 50 000,00 zł is 100 EUR = 425,00 zł.
        assert_eq!(compensation_eur(pln(4_999_999)).minor, 7000);
        assert_eq!(
            compensation("FS 3", pln(5_000_000), rate)
                .unwrap()
                .unwrap()
                .pln,
            pln(42_500)
        );
        // An EUR invoice of 1 200,00 EUR is 5 100,00 zł → 70 EUR.
        let eur = compensation("FS 4", Money::new(120_000, Currency::EUR), rate)
            .unwrap()
            .unwrap();
        assert_eq!(eur.value_pln, pln(510_000));
        assert_eq!(eur.eur.minor, 7000);
        // Odd rate: 40 EUR × 4,2778 = 171,112 → 171,11 zł.
        assert_eq!(
            EurRate(42_778)
                .to_pln(Money::new(4000, Currency::EUR))
                .unwrap(),
            pln(17_111)
        );
        assert_eq!(EurRate(42_778).format(Lang::Pl), "4,2778");
        let usd: Currency = "USD".parse().unwrap();
        assert_eq!(compensation("X", Money::new(1, usd), rate).unwrap(), None);
    }
}
