//! Payment-delay statistics (R-S1–R-S3): pure functions over documents and the settlements the
//! cloud observed on them. No I/O; an application service feeds them from the store.
//!
//! Definitions (`../shared/research/anchors-stats-perf-rel.md`, A1):
//! - **days late** of a settlement: days from the due date to the day it was observed, 0 when
//!   on time or early; a document is *paid* on the day its remaining amount last reached zero
//!   (a reopened document is paid only when it reaches zero again);
//! - **DSO, simple**: `AR at the end / credit sales of the period × days of the period`;
//! - **DSO, countback**: from the end, each month's credit sales "exhaust" the AR month by
//!   month, the last month counting the fraction left;
//! - **best possible DSO**: the same as simple DSO with only the AR not yet due;
//! - **ADD** (average days delinquent): DSO − best possible DSO;
//! - **CEI**: `(AR at the start + credit sales − AR at the end) / (AR at the start + credit
//!   sales − current AR at the end) × 100`;
//! - **weighted days**: `Σ amount × days / Σ amount`, each settlement weighted by what it
//!   settled.
//!
//! Amounts are minor units of one currency: a caller groups documents by currency first
//! ([`by_currency`]) and never adds zloty to euro. Credit notes (a negative amount) reduce the
//! receivables and the sales of their month, and take no part in delay figures.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate};

/// A settlement observed on a document: on this day, this much of it was paid (negative: a
/// payment reverted, the document reopened).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settlement {
    /// The day it was observed.
    pub on: NaiveDate,
    /// Minor units settled.
    pub amount_minor: i64,
}

/// A document with what happened to it, as the statistics read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentHistory {
    /// The document (any key the caller knows it by).
    pub document: String,
    /// The debtor (any key the caller groups by).
    pub debtor: String,
    /// ISO currency code.
    pub currency: String,
    /// Issue date (when unknown, the day the cloud first saw it).
    pub issued: NaiveDate,
    /// Due date.
    pub due: NaiveDate,
    /// The amount (minor units); negative for a credit note.
    pub amount_minor: i64,
    /// Settlements, in the order observed.
    pub settlements: Vec<Settlement>,
}

impl DocumentHistory {
    /// Whether this is a credit note.
    pub fn is_credit(&self) -> bool {
        self.amount_minor < 0
    }

    /// What was still owed at the end of `day` (0 before it was issued).
    pub fn remaining_on(&self, day: NaiveDate) -> i64 {
        if self.issued > day {
            return 0;
        }
        let paid: i64 = self
            .settlements
            .iter()
            .filter(|s| s.on <= day)
            .map(|s| s.amount_minor)
            .sum();
        self.amount_minor.saturating_sub(paid)
    }

    /// The day the document was paid: when what was owed last reached zero and stayed there.
    /// `None` while something is owed (or for a credit note).
    pub fn paid_on(&self) -> Option<NaiveDate> {
        if self.is_credit() || self.amount_minor == 0 {
            return None;
        }
        let mut settlements = self.settlements.clone();
        settlements.sort_by_key(|s| s.on);
        let mut owed = self.amount_minor;
        let mut paid = None;
        for s in &settlements {
            owed = owed.saturating_sub(s.amount_minor);
            if owed <= 0 {
                paid.get_or_insert(s.on);
            } else {
                paid = None;
            }
        }
        paid
    }

    /// The settlements that stood: a reversal (a negative settlement, the document reopened)
    /// takes back the latest payments before it, so a payment made and undone weighs nothing.
    pub fn net_settlements(&self) -> Vec<Settlement> {
        let mut sorted = self.settlements.clone();
        sorted.sort_by_key(|s| s.on);
        let mut kept: Vec<Settlement> = Vec::with_capacity(sorted.len());
        for s in sorted {
            if s.amount_minor >= 0 {
                kept.push(s);
                continue;
            }
            let mut undo = s.amount_minor.saturating_neg();
            while undo > 0 {
                let Some(last) = kept.last_mut() else { break };
                let taken = last.amount_minor.min(undo);
                last.amount_minor -= taken;
                undo -= taken;
                if last.amount_minor == 0 {
                    kept.pop();
                }
            }
        }
        kept
    }

    /// Days from the due date to `day`, 0 when on time or early.
    fn days_late(&self, day: NaiveDate) -> i64 {
        (day - self.due).num_days().max(0)
    }
}

/// Documents grouped by currency (figures are never mixed across currencies).
pub fn by_currency(docs: &[DocumentHistory]) -> BTreeMap<&str, Vec<&DocumentHistory>> {
    let mut out: BTreeMap<&str, Vec<&DocumentHistory>> = BTreeMap::new();
    for d in docs {
        out.entry(d.currency.as_str()).or_default().push(d);
    }
    out
}

/// `Σ amount × days / Σ amount`; `None` without a positive amount.
pub fn weighted_days(items: impl IntoIterator<Item = (i64, i64)>) -> Option<f64> {
    let (mut weight, mut sum) = (0i128, 0i128);
    for (amount, days) in items {
        if amount > 0 {
            weight += i128::from(amount);
            sum += i128::from(amount) * i128::from(days);
        }
    }
    #[allow(clippy::cast_precision_loss)] // sums of money far below 2^52 minor units
    (weight > 0).then(|| sum as f64 / weight as f64)
}

/// Simple DSO: `AR / credit sales × days`; `None` without sales.
pub fn dso_simple(ar_minor: i64, credit_sales_minor: i64, days: u32) -> Option<f64> {
    #[allow(clippy::cast_precision_loss)]
    (credit_sales_minor > 0).then(|| ar_minor as f64 / credit_sales_minor as f64 * f64::from(days))
}

/// Countback DSO: `months` newest first as `(credit sales, days in the month)`. Each month's
/// sales exhaust the AR in turn; the month that exhausts it counts the fraction left. `None`
/// when the months' sales do not cover the AR (the figure would be a lower bound only).
pub fn dso_countback(ar_minor: i64, months: &[(i64, u32)]) -> Option<f64> {
    if ar_minor <= 0 {
        return Some(0.0);
    }
    let mut left = ar_minor;
    let mut days = 0.0;
    for &(sales, month_days) in months {
        if sales <= 0 {
            days += f64::from(month_days);
            continue;
        }
        if left > sales {
            left -= sales;
            days += f64::from(month_days);
        } else {
            #[allow(clippy::cast_precision_loss)]
            let fraction = left as f64 / sales as f64;
            return Some(days + fraction * f64::from(month_days));
        }
    }
    None
}

/// Best possible DSO: simple DSO of the AR not yet due.
pub fn best_possible_dso(current_ar_minor: i64, credit_sales_minor: i64, days: u32) -> Option<f64> {
    dso_simple(current_ar_minor, credit_sales_minor, days)
}

/// Collection effectiveness index, in percent; `None` when the denominator is not positive.
pub fn cei(
    begin_ar_minor: i64,
    credit_sales_minor: i64,
    end_ar_minor: i64,
    end_current_ar_minor: i64,
) -> Option<f64> {
    let available = i128::from(begin_ar_minor) + i128::from(credit_sales_minor);
    let collected = available - i128::from(end_ar_minor);
    let collectible = available - i128::from(end_current_ar_minor);
    #[allow(clippy::cast_precision_loss)]
    (collectible > 0).then(|| collected as f64 / collectible as f64 * 100.0)
}

/// Receivables by age on one day, in minor units (one currency).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Ageing {
    /// Not yet due.
    pub current: i64,
    /// 1–30 days past due.
    pub d1_30: i64,
    /// 31–60.
    pub d31_60: i64,
    /// 61–90.
    pub d61_90: i64,
    /// Over 90.
    pub d90_plus: i64,
}

impl Ageing {
    /// Everything owed.
    pub fn total(&self) -> i64 {
        self.current + self.overdue()
    }

    /// Owed past its due date.
    pub fn overdue(&self) -> i64 {
        self.d1_30 + self.d31_60 + self.d61_90 + self.d90_plus
    }
}

/// What was owed at the end of `day`, by age (credit notes reduce the current bucket).
pub fn ageing_on<'a>(
    docs: impl IntoIterator<Item = &'a DocumentHistory>,
    day: NaiveDate,
) -> Ageing {
    let mut a = Ageing::default();
    for d in docs {
        let owed = d.remaining_on(day);
        if owed == 0 {
            continue;
        }
        let late = (day - d.due).num_days();
        let bucket = match late {
            _ if owed < 0 || late <= 0 => &mut a.current,
            1..=30 => &mut a.d1_30,
            31..=60 => &mut a.d31_60,
            61..=90 => &mut a.d61_90,
            _ => &mut a.d90_plus,
        };
        *bucket = bucket.saturating_add(owed);
    }
    a
}

/// A debtor's payment behaviour.
#[derive(Debug, Clone, PartialEq)]
pub struct DebtorDelay {
    /// Documents paid (credit notes aside).
    pub paid: u32,
    /// Of them, paid after the due date.
    pub paid_late: u32,
    /// Mean days late of paid documents (on time counts 0).
    pub avg_days_late: Option<f64>,
    /// Days late weighted by the amount settled on each day (partial payments included).
    pub weighted_days_late: Option<f64>,
    /// Mean days late of documents paid in the last 6 months, and in the 12 months before.
    pub trend: (Option<f64>, Option<f64>),
}

impl DebtorDelay {
    /// Share of paid documents paid late, 0–1.
    pub fn share_late(&self) -> Option<f64> {
        (self.paid > 0).then(|| f64::from(self.paid_late) / f64::from(self.paid))
    }

    /// Recent minus earlier mean days late: positive when the debtor pays later than it did.
    pub fn trend_change(&self) -> Option<f64> {
        match self.trend {
            (Some(recent), Some(before)) => Some(recent - before),
            _ => None,
        }
    }
}

fn mean(values: &[i64]) -> Option<f64> {
    #[allow(clippy::cast_precision_loss)]
    (!values.is_empty()).then(|| values.iter().sum::<i64>() as f64 / values.len() as f64)
}

/// The first day of the month `months` months before `day`'s month… shifted to the same day.
fn months_before(day: NaiveDate, months: u32) -> NaiveDate {
    day.checked_sub_months(chrono::Months::new(months))
        .unwrap_or(NaiveDate::MIN)
}

/// One debtor's delays as of `today`, from its documents (one currency or several: days do not
/// mix currencies, but the weighted figure weighs each by its own amount — call per currency
/// for a strictly per-currency figure).
pub fn debtor_delay<'a>(
    docs: impl IntoIterator<Item = &'a DocumentHistory>,
    today: NaiveDate,
) -> DebtorDelay {
    let recent_from = months_before(today, 6);
    let before_from = months_before(today, 18);
    let (mut all, mut recent, mut before) = (Vec::new(), Vec::new(), Vec::new());
    let mut weighted = Vec::new();
    for d in docs {
        if d.is_credit() {
            continue;
        }
        for s in d.net_settlements() {
            weighted.push((s.amount_minor, d.days_late(s.on)));
        }
        let Some(paid) = d.paid_on() else {
            continue;
        };
        let late = d.days_late(paid);
        all.push(late);
        if paid > recent_from {
            recent.push(late);
        } else if paid > before_from {
            before.push(late);
        }
    }
    let count = |v: &[i64]| u32::try_from(v.len()).unwrap_or(u32::MAX);
    DebtorDelay {
        paid: count(&all),
        paid_late: count(&all.iter().copied().filter(|d| *d > 0).collect::<Vec<_>>()),
        avg_days_late: mean(&all),
        weighted_days_late: weighted_days(weighted),
        trend: (mean(&recent), mean(&before)),
    }
}

/// One month of a firm's receivables (one currency).
#[derive(Debug, Clone, PartialEq)]
pub struct MonthFigures {
    /// The month's first day.
    pub month: NaiveDate,
    /// Credit sales issued in the month (credit notes subtracted).
    pub credit_sales: i64,
    /// Owed at the month's end, by age.
    pub ageing: Ageing,
    /// Simple DSO over the month.
    pub dso_simple: Option<f64>,
    /// Countback DSO at the month's end, over the months up to it.
    pub dso_countback: Option<f64>,
    /// Best possible DSO over the month.
    pub best_dso: Option<f64>,
    /// Average days delinquent (simple DSO − best possible DSO).
    pub add: Option<f64>,
    /// Collection effectiveness over the month, percent.
    pub cei: Option<f64>,
    /// Days to pay (issue to payment), weighted by the amounts settled in the month.
    pub weighted_days_to_pay: Option<f64>,
    /// Days late, weighted by the amounts settled in the month.
    pub weighted_days_late: Option<f64>,
}

fn month_start(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

fn month_end(first: NaiveDate) -> NaiveDate {
    first
        .checked_add_months(chrono::Months::new(1))
        .map_or(first, |next| next - Duration::days(1))
}

fn days_in(first: NaiveDate) -> u32 {
    u32::try_from((month_end(first) - first).num_days() + 1).unwrap_or(30)
}

/// A firm's figures month by month, from `from`'s month to `to`'s month (one currency; the
/// month of `to` ends on `to`).
pub fn monthly(docs: &[&DocumentHistory], from: NaiveDate, to: NaiveDate) -> Vec<MonthFigures> {
    let mut sales: BTreeMap<NaiveDate, i64> = BTreeMap::new();
    for d in docs {
        *sales.entry(month_start(d.issued)).or_default() += d.amount_minor;
    }
    let mut out: Vec<MonthFigures> = Vec::new();
    let mut first = month_start(from);
    while first <= to {
        let end = month_end(first).min(to);
        let days = u32::try_from((end - first).num_days() + 1).unwrap_or(30);
        let credit_sales = sales.get(&first).copied().unwrap_or(0);
        let ageing = ageing_on(docs.iter().copied(), end);
        let begin = out.last().map_or_else(
            || ageing_on(docs.iter().copied(), first - Duration::days(1)).total(),
            |m| m.ageing.total(),
        );
        // Countback over this month and the ones before, newest first.
        let mut back = vec![(credit_sales, days)];
        let mut m = first;
        for _ in 0..24 {
            m = month_start(m - Duration::days(1));
            back.push((sales.get(&m).copied().unwrap_or(0), days_in(m)));
        }
        let dso = dso_simple(ageing.total(), credit_sales, days);
        let best = best_possible_dso(ageing.current, credit_sales, days);
        let settled: Vec<(&DocumentHistory, Settlement)> = docs
            .iter()
            .filter(|d| !d.is_credit())
            .flat_map(|d| d.net_settlements().into_iter().map(move |s| (*d, s)))
            .filter(|(_, s)| s.on >= first && s.on <= end)
            .collect();
        out.push(MonthFigures {
            month: first,
            credit_sales,
            ageing,
            dso_simple: dso,
            dso_countback: dso_countback(ageing.total(), &back),
            best_dso: best,
            add: dso.zip(best).map(|(d, b)| d - b),
            cei: cei(begin, credit_sales, ageing.total(), ageing.current),
            weighted_days_to_pay: weighted_days(
                settled
                    .iter()
                    .map(|(d, s)| (s.amount_minor, (s.on - d.issued).num_days().max(0))),
            ),
            weighted_days_late: weighted_days(
                settled
                    .iter()
                    .map(|(d, s)| (s.amount_minor, d.days_late(s.on))),
            ),
        });
        first = month_start(end + Duration::days(1));
        if end == to {
            break;
        }
    }
    out
}

/// A stage performed for a document: which stage (`process/stage`), which document (an index
/// into the caller's documents) and on which day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Touch {
    /// `process/stage`.
    pub stage: String,
    /// Index of the document in the slice given with the touches.
    pub document: usize,
    /// The day it was performed.
    pub on: NaiveDate,
}

/// What followed in the days after a day, over a group of documents open on it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Followed {
    /// Documents in the group.
    pub documents: u32,
    /// What they owed on the day (minor units).
    pub owed: i64,
    /// Documents paid in full within 7 days after.
    pub paid_7: u32,
    /// Amount settled within 7 days after.
    pub settled_7: i64,
    /// Documents paid in full within 14 days after.
    pub paid_14: u32,
    /// Amount settled within 14 days after.
    pub settled_14: i64,
}

impl Followed {
    fn add(&mut self, d: &DocumentHistory, day: NaiveDate) {
        let owed = d.remaining_on(day - Duration::days(1));
        if owed <= 0 {
            return;
        }
        self.documents += 1;
        self.owed = self.owed.saturating_add(owed);
        let settled_within = |days: i64| -> i64 {
            d.settlements
                .iter()
                .filter(|s| s.on >= day && s.on <= day + Duration::days(days))
                .map(|s| s.amount_minor)
                .sum()
        };
        let paid_within = |days: i64| {
            d.paid_on()
                .is_some_and(|p| p >= day && p <= day + Duration::days(days))
        };
        if paid_within(7) {
            self.paid_7 += 1;
        }
        if paid_within(14) {
            self.paid_14 += 1;
        }
        self.settled_7 = self.settled_7.saturating_add(settled_within(7));
        self.settled_14 = self.settled_14.saturating_add(settled_within(14));
    }

    /// Share of the group's documents paid in full within 7 days, 0–1.
    pub fn share_7(&self) -> Option<f64> {
        (self.documents > 0).then(|| f64::from(self.paid_7) / f64::from(self.documents))
    }

    /// Share paid in full within 14 days, 0–1.
    pub fn share_14(&self) -> Option<f64> {
        (self.documents > 0).then(|| f64::from(self.paid_14) / f64::from(self.documents))
    }
}

/// How well a stage worked: the documents it reached (open when it was performed) against the
/// other open documents of the same debtors on that day, which it did not reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageEffect {
    /// `process/stage`.
    pub stage: String,
    /// The documents the stage reached.
    pub reached: Followed,
    /// The same debtors' documents it did not reach.
    pub not_reached: Followed,
}

/// Each stage's effect, by stage code. A document counts once per stage (its first touch); a
/// debtor's untouched documents are measured from the day the stage first reached the debtor.
pub fn stage_effectiveness(docs: &[&DocumentHistory], touches: &[Touch]) -> Vec<StageEffect> {
    let mut stages: BTreeMap<&str, Vec<&Touch>> = BTreeMap::new();
    for t in touches {
        if t.document < docs.len() {
            stages.entry(t.stage.as_str()).or_default().push(t);
        }
    }
    stages
        .into_iter()
        .map(|(stage, mut touches)| {
            touches.sort_by_key(|t| (t.on, t.document));
            let mut first: BTreeMap<usize, NaiveDate> = BTreeMap::new();
            let mut debtor_day: BTreeMap<&str, NaiveDate> = BTreeMap::new();
            for t in &touches {
                first.entry(t.document).or_insert(t.on);
                debtor_day
                    .entry(docs[t.document].debtor.as_str())
                    .or_insert(t.on);
            }
            let mut reached = Followed::default();
            for (&i, &on) in &first {
                if !docs[i].is_credit() {
                    reached.add(docs[i], on);
                }
            }
            let mut not_reached = Followed::default();
            for (i, d) in docs.iter().enumerate() {
                if first.contains_key(&i) || d.is_credit() {
                    continue;
                }
                if let Some(&on) = debtor_day.get(d.debtor.as_str()) {
                    not_reached.add(d, on);
                }
            }
            StageEffect {
                stage: stage.to_owned(),
                reached,
                not_reached,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::float_cmp)]
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn doc(issued: &str, due: &str, amount: i64, paid: &[(&str, i64)]) -> DocumentHistory {
        DocumentHistory {
            document: String::new(),
            debtor: "K1".into(),
            currency: "PLN".into(),
            issued: day(issued),
            due: day(due),
            amount_minor: amount,
            settlements: paid
                .iter()
                .map(|(on, a)| Settlement {
                    on: day(on),
                    amount_minor: *a,
                })
                .collect(),
        }
    }

    fn round1(x: f64) -> f64 {
        (x * 10.0).round() / 10.0
    }

    #[test]
    fn the_research_notes_worked_examples() {
        // AR 150k, annual credit sales 1.8M: 30.4 days.
        assert_eq!(round1(dso_simple(150_000, 1_800_000, 365).unwrap()), 30.4);
        // AR 212k; sales 100k, 80k, 70k (newest first), 30-day months: 30 + 30 + 32/70 × 30.
        let months = [(100_000, 30), (80_000, 30), (70_000, 30)];
        assert_eq!(round1(dso_countback(212_000, &months).unwrap()), 73.7);
        // Current AR 4k, credit sales 10k over 30 days: 12 days; DSO 45 − 12 = ADD 33.
        assert_eq!(best_possible_dso(4_000, 10_000, 30).unwrap(), 12.0);
        let dso = dso_simple(15_000, 10_000, 30).unwrap();
        assert_eq!(dso - best_possible_dso(4_000, 10_000, 30).unwrap(), 33.0);
        // 10 paid in 5 days, 100 in 10 days: 9.55 weighted (7.5 unweighted).
        let w = weighted_days([(10, 5), (100, 10)]).unwrap();
        assert_eq!((w * 100.0).round() / 100.0, 9.55);
        // CEI: (100 + 50 − 60) / (100 + 50 − 20) × 100 = 69.2 %.
        assert_eq!(round1(cei(100, 50, 60, 20).unwrap()), 69.2);
    }

    #[test]
    fn countback_that_the_months_do_not_cover_is_not_a_figure() {
        assert_eq!(dso_countback(300, &[(100, 30), (100, 31)]), None);
        assert_eq!(dso_countback(0, &[]), Some(0.0));
        // A month without sales counts whole.
        assert_eq!(dso_countback(50, &[(0, 30), (100, 31)]), Some(45.5));
    }

    #[test]
    fn partial_payments_weigh_by_what_each_settled() {
        // Due 1 March; 300 paid on time, 700 paid 20 days late.
        let d = doc(
            "2026-02-15",
            "2026-03-01",
            1_000,
            &[("2026-02-28", 300), ("2026-03-21", 700)],
        );
        assert_eq!(d.paid_on(), Some(day("2026-03-21")));
        let delay = debtor_delay([&d], day("2026-04-01"));
        assert_eq!(delay.paid, 1);
        assert_eq!(delay.avg_days_late, Some(20.0));
        assert_eq!(delay.weighted_days_late, Some(14.0));
        assert_eq!(delay.share_late(), Some(1.0));
    }

    #[test]
    fn a_reopened_document_is_paid_when_it_reaches_zero_again() {
        // Paid on the due date, the payment reverted a week later, paid again 30 days late.
        let d = doc(
            "2026-01-01",
            "2026-01-15",
            500,
            &[
                ("2026-01-15", 500),
                ("2026-01-22", -500),
                ("2026-02-14", 500),
            ],
        );
        assert_eq!(d.paid_on(), Some(day("2026-02-14")));
        assert_eq!(d.remaining_on(day("2026-01-20")), 0);
        assert_eq!(d.remaining_on(day("2026-01-25")), 500);
        let delay = debtor_delay([&d], day("2026-03-01"));
        assert_eq!(delay.avg_days_late, Some(30.0));
        // The payment undone weighs nothing: only the one that stood.
        assert_eq!(delay.weighted_days_late, Some(30.0));
        assert_eq!(
            d.net_settlements(),
            [Settlement {
                on: day("2026-02-14"),
                amount_minor: 500
            }]
        );
        // Still open: not paid.
        let open = doc("2026-01-01", "2026-01-15", 500, &[("2026-01-15", 200)]);
        assert_eq!(open.paid_on(), None);
    }

    #[test]
    fn credit_notes_reduce_receivables_and_take_no_part_in_delays() {
        let invoice = doc("2026-03-01", "2026-03-15", 1_000, &[]);
        let credit = doc("2026-03-05", "2026-03-05", -200, &[]);
        let a = ageing_on([&invoice, &credit], day("2026-04-20"));
        assert_eq!(a.d31_60, 1_000);
        assert_eq!(a.current, -200);
        assert_eq!(a.total(), 800);
        let delay = debtor_delay([&invoice, &credit], day("2026-04-20"));
        assert_eq!((delay.paid, delay.avg_days_late), (0, None));
    }

    #[test]
    fn ageing_buckets_at_their_edges() {
        let today = day("2026-06-30");
        let due = |days: i64| {
            (today - Duration::days(days))
                .format("%Y-%m-%d")
                .to_string()
        };
        let docs: Vec<DocumentHistory> = [0, 1, 30, 31, 60, 61, 90, 91]
            .iter()
            .map(|late| doc("2026-01-01", &due(*late), 100, &[]))
            .collect();
        let a = ageing_on(&docs, today);
        assert_eq!(
            (a.current, a.d1_30, a.d31_60, a.d61_90, a.d90_plus),
            (100, 200, 200, 200, 100)
        );
    }

    #[test]
    fn currencies_are_kept_apart() {
        let mut eur = doc("2026-03-01", "2026-03-15", 100, &[]);
        eur.currency = "EUR".into();
        let pln = doc("2026-03-01", "2026-03-15", 4_000, &[]);
        let docs = [pln, eur];
        let groups = by_currency(&docs);
        assert_eq!(groups.len(), 2);
        assert_eq!(
            ageing_on(groups["EUR"].iter().copied(), day("2026-04-01")).total(),
            100
        );
        assert_eq!(
            ageing_on(groups["PLN"].iter().copied(), day("2026-04-01")).total(),
            4_000
        );
    }

    #[test]
    fn the_trend_compares_the_last_six_months_with_the_twelve_before() {
        let today = day("2026-12-01");
        let docs = [
            // A year ago: paid 5 days late.
            doc("2025-11-01", "2025-11-15", 100, &[("2025-11-20", 100)]),
            // Lately: 25 days late.
            doc("2026-09-01", "2026-09-15", 100, &[("2026-10-10", 100)]),
        ];
        let delay = debtor_delay(&docs, today);
        assert_eq!(delay.trend, (Some(25.0), Some(5.0)));
        assert_eq!(delay.trend_change(), Some(20.0));
    }

    #[test]
    fn a_month_of_a_firm() {
        // March: one invoice of 1 000 issued and due in March, paid 10 days late in April;
        // one of 500 from February still open; no sales in February's figure beyond it.
        let docs = [
            doc("2026-03-01", "2026-03-20", 1_000, &[("2026-03-30", 1_000)]),
            doc("2026-02-10", "2026-02-24", 500, &[]),
        ];
        let refs: Vec<&DocumentHistory> = docs.iter().collect();
        let months = monthly(&refs, day("2026-02-01"), day("2026-03-31"));
        assert_eq!(months.len(), 2);
        let march = &months[1];
        assert_eq!(march.credit_sales, 1_000);
        // 500 due 24 February is 35 days late on 31 March.
        assert_eq!((march.ageing.total(), march.ageing.d31_60), (500, 500));
        assert_eq!(march.dso_simple, Some(15.5));
        assert_eq!(march.weighted_days_late, Some(10.0));
        assert_eq!(march.weighted_days_to_pay, Some(29.0));
        // Begin 500 (February's end) + sales 1 000 − end 500, over 1 500 − current 0.
        assert_eq!(round1(march.cei.unwrap()), 66.7);
    }

    #[test]
    fn a_stage_against_the_same_debtors_documents_it_did_not_reach() {
        let docs = [
            // Reached on 10 May, paid 3 days later.
            doc("2026-04-01", "2026-05-01", 1_000, &[("2026-05-13", 1_000)]),
            // Reached on 10 May, half paid 12 days later.
            doc("2026-04-01", "2026-05-01", 400, &[("2026-05-22", 200)]),
            // The same debtor's, not reached: paid 20 days after.
            doc("2026-04-20", "2026-05-05", 300, &[("2026-05-30", 300)]),
            // Paid before the stage: not in either group.
            doc("2026-04-01", "2026-04-15", 50, &[("2026-05-01", 50)]),
        ];
        let touches = [
            Touch {
                stage: "STD/E7".into(),
                document: 0,
                on: day("2026-05-10"),
            },
            Touch {
                stage: "STD/E7".into(),
                document: 1,
                on: day("2026-05-10"),
            },
            // A repeat counts once, from the first day.
            Touch {
                stage: "STD/E7".into(),
                document: 0,
                on: day("2026-05-17"),
            },
        ];
        let docs: Vec<&DocumentHistory> = docs.iter().collect();
        let effect = stage_effectiveness(&docs, &touches);
        assert_eq!(effect.len(), 1);
        let e = &effect[0];
        assert_eq!(e.stage, "STD/E7");
        assert_eq!(
            (
                e.reached.documents,
                e.reached.owed,
                e.reached.paid_7,
                e.reached.settled_7
            ),
            (2, 1_400, 1, 1_000)
        );
        assert_eq!((e.reached.paid_14, e.reached.settled_14), (1, 1_200));
        assert_eq!(e.reached.share_7(), Some(0.5));
        assert_eq!(
            (
                e.not_reached.documents,
                e.not_reached.paid_14,
                e.not_reached.settled_14
            ),
            (1, 0, 0)
        );
    }
}
