//! When an open document will probably be paid (R-S2): a day with an interval (P10–P90) and a
//! reason a person understands. Pure: fed with the documents the firm's debtors paid before.
//!
//! The method, chosen by measurement against simpler ones ([`evaluate`], `inkaso-stats-eval`):
//! 1. **Delays, not dates.** Each paid document gives the days from its due date to its
//!    payment (negative when paid early), weighted by recency (a half-life of
//!    [`HALF_LIFE_DAYS`]).
//! 2. **Brought to this document.** A debtor drifting later or earlier (a trend over its due
//!    dates that explains enough of its delays) has its past delays moved along the trend to
//!    this document's due date; one paying its large invoices materially later has them moved
//!    by that difference to this document's size.
//! 3. **Shrunk toward the firm.** A debtor's own delays weigh `n / (n + K)` of the
//!    distribution and all the firm's debtors' delays the rest ([`SHRINK_K`]): a debtor with
//!    two payments is mostly the firm's behaviour, one with thirty mostly its own.
//! 4. **Given that it is still open.** A document already `t` days overdue today has survived
//!    `t` days: only delays longer than `t` are possible, so the quantiles are taken of that
//!    part of the distribution (not of the whole, which would predict a day already past).
//! 5. **Habits and the calendar.** A debtor who pays in the last days of a month, or on one
//!    weekday (a weekly payment run), is predicted from the lag before its paying day that
//!    its payments agree on; a payment is booked on a business day, so a weekend or a Polish
//!    public holiday moves to the next business day.
//! 6. **Calibrated.** The interval is the [`INTERVAL`] quantiles of that distribution: those
//!    that cover eight payments in ten on the synthetic market.
//!
//! The firm's delays are sorted once per [`History`], so a prediction is a binary search.

// Counts of documents and spans of days are far below 2^52: as floats they are exact.
#![allow(clippy::cast_precision_loss)]

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate, Weekday};

use crate::process::calendar::is_holiday;

/// Recency half-life of a payment's weight, in days.
pub const HALF_LIFE_DAYS: f64 = 180.0;
/// A debtor's own payments weigh `n / (n + SHRINK_K)`.
pub const SHRINK_K: f64 = 5.0;
/// Share of a debtor's payments that makes a habit (month end, a weekday).
const HABIT_SHARE: f64 = 0.6;
/// Payments a habit needs at least.
const HABIT_MIN: usize = 4;
/// Days at a month's end that count as "at month end".
const MONTH_END_DAYS: u32 = 3;

/// A document a debtor paid: the history predictions learn from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paid {
    /// Due date.
    pub due: NaiveDate,
    /// The day it was paid (observed).
    pub paid: NaiveDate,
    /// Its amount in minor units (0 when not known).
    pub amount_minor: i64,
}

impl Paid {
    fn delay(self) -> i64 {
        (self.paid - self.due).num_days()
    }
}

/// A debtor's payment habit, found in its history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Habit {
    /// No pattern in the days it pays.
    None,
    /// Pays in the last days of a month.
    MonthEnd,
    /// Pays on one weekday (a weekly payment run).
    Weekday(Weekday),
}

/// Where a prediction comes from, for its one-line reason.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Basis {
    /// The debtor's own payments (with the firm's behind them).
    Debtor {
        /// Its paid documents.
        paid: usize,
        /// Their average days late (early payments count as 0).
        avg_days_late: f64,
    },
    /// Too few of its own: the firm's debtors' behaviour.
    Firm {
        /// The debtor's own paid documents (fewer than [`SHRINK_K`]).
        paid: usize,
        /// The firm's debtors' average days late.
        avg_days_late: f64,
    },
    /// Nothing paid yet anywhere in the firm: the due date, with a wide interval.
    NoHistory,
}

/// A predicted payment.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    /// Early end of the interval (one in ten pays by then).
    pub p10: NaiveDate,
    /// The most likely day (the median).
    pub p50: NaiveDate,
    /// Late end (nine in ten pay by then).
    pub p90: NaiveDate,
    /// What the prediction stands on.
    pub basis: Basis,
    /// The debtor's habit, which moved the days.
    pub habit: Habit,
    /// The document is overdue by more days than any delay seen: the interval is a guess.
    pub beyond_history: bool,
}

/// What predictions learn from: every paid document of the firm, per debtor, and the firm's
/// delays sorted once (so that a thousand predictions do not each walk the whole firm).
#[derive(Debug, Clone, Default)]
pub struct History {
    per_debtor: BTreeMap<String, Vec<Paid>>,
    /// The latest payment day known: recency counts back from it.
    latest: Option<NaiveDate>,
    /// Every paid document's `(delay, recency weight)`, by delay.
    firm: Vec<(i64, f64)>,
    /// `firm_below[i]`: the weight of `firm[..i]`.
    firm_below: Vec<f64>,
    /// The firm's average days late (early payments count as 0).
    firm_avg_days_late: f64,
}

impl History {
    /// The firm's history from `(debtor, paid document)` pairs.
    pub fn new(paid: impl IntoIterator<Item = (String, Paid)>) -> History {
        let mut per_debtor: BTreeMap<String, Vec<Paid>> = BTreeMap::new();
        for (debtor, p) in paid {
            per_debtor.entry(debtor).or_default().push(p);
        }
        let latest = per_debtor.values().flatten().map(|p| p.paid).max();
        let mut firm: Vec<(i64, f64)> = per_debtor
            .values()
            .flatten()
            .map(|p| (p.delay(), recency(latest, *p)))
            .collect();
        firm.sort_by_key(|(d, _)| *d);
        let mut firm_below = Vec::with_capacity(firm.len() + 1);
        let mut acc = 0.0;
        firm_below.push(acc);
        for (_, w) in &firm {
            acc += w;
            firm_below.push(acc);
        }
        let firm_avg_days_late = avg_days_late(per_debtor.values().flatten());
        History {
            per_debtor,
            latest,
            firm,
            firm_below,
            firm_avg_days_late,
        }
    }

    /// Paid documents known, all debtors together.
    pub fn len(&self) -> usize {
        self.firm.len()
    }

    /// Whether nothing was paid yet.
    pub fn is_empty(&self) -> bool {
        self.firm.is_empty()
    }

    /// A debtor's paid documents.
    pub fn of(&self, debtor: &str) -> &[Paid] {
        self.per_debtor.get(debtor).map_or(&[], Vec::as_slice)
    }

    /// The weight of the firm's delays in `from..=to`.
    fn firm_weight(&self, from: i64, to: i64) -> f64 {
        let lo = self.firm.partition_point(|(d, _)| *d < from);
        let hi = self.firm.partition_point(|(d, _)| *d <= to);
        if hi <= lo {
            return 0.0;
        }
        self.firm_below[hi] - self.firm_below[lo]
    }

    /// The firm's unweighted quantile of its delays (the baseline's).
    fn firm_plain_quantile(&self, q: f64) -> Option<i64> {
        let n = self.firm.len();
        if n == 0 {
            return None;
        }
        // The smallest delay with at least `q` of the payments at or below it.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // q in 0–1: 0..=n
        let rank = ((q * n as f64).ceil() as usize).clamp(1, n);
        Some(self.firm[rank - 1].0)
    }
}

/// A payment's recency weight: halved every [`HALF_LIFE_DAYS`] before the latest one known.
fn recency(latest: Option<NaiveDate>, p: Paid) -> f64 {
    let age = latest.map_or(0, |l| (l - p.paid).num_days().max(0));
    0.5_f64.powf(age as f64 / HALF_LIFE_DAYS)
}

/// How a prediction is made: the full method, or one of the baselines it is measured against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Baseline: paid on its due date (or `today`, when that is past).
    DueDate,
    /// Baseline: paid the debtor's own median delay late (the firm's when it has none), or
    /// `today` when that is past.
    DebtorMedian,
    /// Shrinkage, recency, survival, habits and the calendar (see the module's doc).
    Full,
}

/// Predicts when a document of `debtor` due on `due` for `amount_minor` (0 when not known),
/// still open `today`, will be paid.
pub fn predict(
    history: &History,
    debtor: &str,
    due: NaiveDate,
    amount_minor: i64,
    today: NaiveDate,
    method: Method,
) -> Prediction {
    let own = history.of(debtor);
    let firm_avg = history.firm_avg_days_late;
    let basis = if history.is_empty() {
        Basis::NoHistory
    } else if (own.len() as f64) < SHRINK_K {
        Basis::Firm {
            paid: own.len(),
            avg_days_late: firm_avg,
        }
    } else {
        Basis::Debtor {
            paid: own.len(),
            avg_days_late: avg_days_late(own.iter()),
        }
    };
    if history.is_empty() {
        // Nothing to learn from: the due date (or today, past it), a month either side.
        let day = due.max(today);
        return Prediction {
            p10: day,
            p50: next_business_day(day),
            p90: next_business_day(day + Duration::days(30)),
            basis,
            habit: Habit::None,
            beyond_history: false,
        };
    }
    match method {
        Method::DueDate => {
            let day = due.max(today);
            Prediction {
                p10: day,
                p50: day,
                p90: day,
                basis,
                habit: Habit::None,
                beyond_history: false,
            }
        }
        Method::DebtorMedian => {
            let sample: Vec<(i64, f64)> = own.iter().map(|p| (p.delay(), 1.0)).collect();
            let q = |p: f64| {
                let delay = if own.is_empty() {
                    history.firm_plain_quantile(p)
                } else {
                    weighted_quantile(&sample, p)
                };
                (due + Duration::days(delay.unwrap_or(0))).max(today)
            };
            Prediction {
                p10: q(0.1),
                p50: q(0.5),
                p90: q(0.9),
                basis,
                habit: Habit::None,
                beyond_history: false,
            }
        }
        Method::Full => full(history, own, due, amount_minor, today, basis),
    }
}

fn full(
    history: &History,
    own: &[Paid],
    due: NaiveDate,
    amount_minor: i64,
    today: NaiveDate,
    basis: Basis,
) -> Prediction {
    let weight = |p: &Paid| recency(history.latest, *p);
    // A debtor drifting later (or sooner) has its delays brought to this document's time.
    let slope = trend(own).unwrap_or(0.0);
    // A debtor paying larger invoices later has its delays brought to this document's size.
    let sizes = size_effect(own);
    let at_due = |p: &Paid| {
        let shift = slope * (due - p.due).num_days() as f64
            + sizes.map_or(0.0, |s| s.shift(p.amount_minor, amount_minor));
        // Rounded days of a bounded shift (|slope| ≤ MAX_SLOPE, spans of a few years).
        #[allow(clippy::cast_possible_truncation)]
        let shift = shift.round() as i64;
        p.delay() + shift
    };
    // Still open today: it has survived `overdue` days past its due date, so only the delays
    // longer than that are possible.
    let overdue = (today - due).num_days();
    let own_left: Vec<(i64, f64)> = own
        .iter()
        .map(|p| (at_due(p), weight(p)))
        .filter(|(d, _)| *d >= overdue)
        .collect();
    // One distribution: the debtor's delays weigh `n / (n + K)` (of the payments still
    // possible), the firm's the rest — a debtor with two payments is mostly the firm.
    let n = own_left.len() as f64;
    let own_share = n / (n + SHRINK_K);
    let own_total: f64 = own_left.iter().map(|(_, w)| w).sum();
    let last = history.firm.last().map_or(overdue, |(d, _)| *d);
    let firm_total = history.firm_weight(overdue, last.max(overdue));
    let (own_scale, firm_scale) = match (own_total > 0.0, firm_total > 0.0) {
        (true, true) => (own_share / own_total, (1.0 - own_share) / firm_total),
        (true, false) => (1.0 / own_total, 0.0),
        (false, true) => (0.0, 1.0 / firm_total),
        (false, false) => (0.0, 0.0),
    };
    // The share of the distribution at or below `delay`.
    let below = |delay: i64| {
        let own: f64 = own_left
            .iter()
            .filter(|(d, _)| *d <= delay)
            .map(|(_, w)| w)
            .sum();
        own * own_scale + history.firm_weight(overdue, delay) * firm_scale
    };
    let top = own_left
        .iter()
        .map(|(d, _)| *d)
        .max()
        .unwrap_or(overdue)
        .max(last);
    // The smallest delay (a delay seen: the share only grows at one) with `q` at or below it.
    let quantile = |q: f64| {
        let (mut lo, mut hi) = (overdue, top);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if below(mid) >= q - 1e-12 {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        lo
    };
    let beyond_history = own_total <= 0.0 && firm_total <= 0.0;
    let delays: [i64; 3] = if beyond_history {
        // Later than any payment seen: soon at the earliest, with a long tail.
        [overdue, overdue + 14, overdue + 60]
    } else {
        [INTERVAL.0, 0.5, INTERVAL.1].map(quantile)
    };
    let habit = habit(own);
    let day = |delay: i64| {
        let raw = (due + Duration::days(delay)).max(today);
        next_business_day(apply_habit(raw, habit))
    };
    let [mut p10, mut p50, mut p90] = delays.map(day);
    // A habit's payer is predicted from the lag before its paying day, which its payments
    // pin down better than their scattered delays do; its interval from how far its own
    // payments fell from the days that lag gives.
    if let Some(lag) = habit_lag(own, habit) {
        p50 = day(lag);
        let misses: Vec<(i64, f64)> = own
            .iter()
            .map(|p| {
                let expected = next_business_day(apply_habit(p.due + Duration::days(lag), habit));
                ((p.paid - expected).num_days(), weight(p))
            })
            .collect();
        let around = |q: f64| {
            let miss = weighted_quantile(&misses, q).unwrap_or(0);
            next_business_day((p50 + Duration::days(miss)).max(today))
        };
        p10 = around(INTERVAL.0);
        p90 = around(INTERVAL.1);
    }
    Prediction {
        p10: p10.min(p50),
        p50,
        p90: p90.max(p50),
        basis,
        habit,
        beyond_history,
    }
}

/// The quantiles of the learned delays that bound the interval shown as "P10–P90": the
/// learned distribution is wider than what happens (it mixes the debtor with the firm, and
/// old payments with new), so its 17th and 83rd percentiles are what covers eight payments
/// in ten (measured by `inkaso-stats-eval`, per behaviour).
pub const INTERVAL: (f64, f64) = (0.17, 0.83);
/// Recency half-life of a payment's say in a habitual payer's lag, in days: shorter than
/// [`HALF_LIFE_DAYS`], as a changed lag shows at once on the paying days.
const LAG_HALF_LIFE_DAYS: f64 = 60.0;
/// Payments a trend needs at least.
const TREND_MIN: usize = 8;
/// Share of the delays' spread a trend must explain to be followed.
const TREND_R2: f64 = 0.3;
/// The steepest trend followed, in days of delay per day (about nine days a month).
const MAX_SLOPE: f64 = 0.3;

/// A debtor's invoices this many times its usual amount (the median) count as large.
const LARGE_FACTOR: i64 = 2;
/// Payments each of a debtor's usual and large invoices need for a size effect.
const SIZE_MIN: usize = 3;
/// The least difference, in days, between a debtor's large and usual invoices' delays that
/// counts as paying large invoices later (or sooner).
const SIZE_DAYS: f64 = 3.0;

/// How much later (or sooner) a debtor pays its large invoices than its usual ones.
#[derive(Debug, Clone, Copy, PartialEq)]
struct SizeEffect {
    /// From this amount on an invoice is large.
    large_from: i64,
    /// Mean delay of large invoices minus that of usual ones, in days.
    extra_days: f64,
}

impl SizeEffect {
    /// The days to add to a payment of `from` to stand for one of `to` (0 when either is not
    /// known).
    fn shift(self, from: i64, to: i64) -> f64 {
        if from <= 0 || to <= 0 {
            return 0.0;
        }
        let large = |a: i64| a >= self.large_from;
        match (large(from), large(to)) {
            (false, true) => self.extra_days,
            (true, false) => -self.extra_days,
            _ => 0.0,
        }
    }
}

/// A debtor's size effect: its invoices of at least twice its median amount against the
/// others, when both kinds are paid often enough and their delays differ materially.
fn size_effect(own: &[Paid]) -> Option<SizeEffect> {
    let mut amounts: Vec<i64> = own
        .iter()
        .map(|p| p.amount_minor)
        .filter(|a| *a > 0)
        .collect();
    if amounts.len() < 2 * SIZE_MIN {
        return None;
    }
    amounts.sort_unstable();
    let large_from = amounts[amounts.len() / 2].checked_mul(LARGE_FACTOR)?;
    let mean = |large: bool| {
        let delays: Vec<i64> = own
            .iter()
            .filter(|p| p.amount_minor > 0 && (p.amount_minor >= large_from) == large)
            .map(|p| p.delay())
            .collect();
        (delays.len() >= SIZE_MIN).then(|| delays.iter().sum::<i64>() as f64 / delays.len() as f64)
    };
    let extra_days = mean(true)? - mean(false)?;
    (extra_days.abs() >= SIZE_DAYS).then_some(SizeEffect {
        large_from,
        extra_days,
    })
}

/// A debtor's drift: the least-squares slope of its delays over its documents' due dates,
/// when it explains enough of their spread to be a drift and not noise.
fn trend(own: &[Paid]) -> Option<f64> {
    if own.len() < TREND_MIN {
        return None;
    }
    let origin = own.iter().map(|p| p.due).min()?;
    let n = own.len() as f64;
    let xs: Vec<f64> = own
        .iter()
        .map(|p| (p.due - origin).num_days() as f64)
        .collect();
    let ys: Vec<f64> = own.iter().map(|p| p.delay() as f64).collect();
    let (mx, my) = (xs.iter().sum::<f64>() / n, ys.iter().sum::<f64>() / n);
    let sxy: f64 = xs.iter().zip(&ys).map(|(x, y)| (x - mx) * (y - my)).sum();
    let sxx: f64 = xs.iter().map(|x| (x - mx).powi(2)).sum();
    let syy: f64 = ys.iter().map(|y| (y - my).powi(2)).sum();
    if sxx <= 0.0 || syy <= 0.0 {
        return None;
    }
    let r2 = sxy * sxy / (sxx * syy);
    (r2 >= TREND_R2).then(|| (sxy / sxx).clamp(-MAX_SLOPE, MAX_SLOPE))
}

/// The days a habitual payer waits after the due date before its next paying day counts: each
/// payment says the lag lay where its paying day was the next one (a month-end payment: in
/// that month; a weekly run: in the six days before it); the lag most payments agree on, the
/// middle one when several do.
fn habit_lag(own: &[Paid], habit: Habit) -> Option<i64> {
    if habit == Habit::None || own.len() < HABIT_MIN {
        return None;
    }
    let latest = own.iter().map(|p| p.paid).max()?;
    // (earliest lag, latest lag, weight): recent payments weigh more, so a lag that changed
    // is followed.
    let ranges: Vec<(i64, i64, f64)> = own
        .iter()
        .map(|p| {
            let to = (p.paid - p.due).num_days();
            let from = match habit {
                Habit::MonthEnd => {
                    let first = p.paid.with_day(1).unwrap_or(p.paid);
                    (first - p.due).num_days()
                }
                Habit::Weekday(_) | Habit::None => to - 6,
            };
            let age = (latest - p.paid).num_days() as f64;
            (from, to, 0.5_f64.powf(age / LAG_HALF_LIFE_DAYS))
        })
        .collect();
    let lo = ranges.iter().map(|r| r.0).min()?;
    let hi = ranges.iter().map(|r| r.1).max()?;
    let votes = |lag: i64| -> f64 {
        ranges
            .iter()
            .filter(|(a, b, _)| *a <= lag && lag <= *b)
            .map(|(_, _, w)| w)
            .sum()
    };
    let best = (lo..=hi).map(votes).fold(0.0, f64::max);
    let agreed: Vec<i64> = (lo..=hi).filter(|l| votes(*l) >= best - 1e-9).collect();
    agreed.get(agreed.len() / 2).copied()
}

/// Average days late of paid documents (early payments count as 0).
fn avg_days_late<'a>(paid: impl Iterator<Item = &'a Paid>) -> f64 {
    let (sum, n) = paid.fold((0_i64, 0_u32), |(s, n), p| (s + p.delay().max(0), n + 1));
    if n == 0 {
        0.0
    } else {
        sum as f64 / f64::from(n)
    }
}

/// The smallest value whose cumulative weight reaches `q` of the total.
fn weighted_quantile(sample: &[(i64, f64)], q: f64) -> Option<i64> {
    let mut sorted: Vec<(i64, f64)> = sample.iter().copied().filter(|(_, w)| *w > 0.0).collect();
    sorted.sort_by_key(|(v, _)| *v);
    let total: f64 = sorted.iter().map(|(_, w)| w).sum();
    if total <= 0.0 {
        return None;
    }
    let mut acc = 0.0;
    for (v, w) in &sorted {
        acc += w;
        if acc >= q * total - 1e-12 {
            return Some(*v);
        }
    }
    sorted.last().map(|(v, _)| *v)
}

/// The debtor's habit: most of its payments at a month's end, or on one weekday.
pub fn habit(own: &[Paid]) -> Habit {
    if own.len() < HABIT_MIN {
        return Habit::None;
    }
    let n = own.len() as f64;
    let at_month_end = own.iter().filter(|p| is_month_end(p.paid)).count() as f64;
    if at_month_end / n >= HABIT_SHARE {
        return Habit::MonthEnd;
    }
    let mut per_weekday = [0_usize; 7];
    for p in own {
        per_weekday[p.paid.weekday().num_days_from_monday() as usize] += 1;
    }
    let (best, count) = per_weekday
        .iter()
        .enumerate()
        .max_by_key(|(_, c)| **c)
        .map_or((0, 0), |(i, c)| (i, *c));
    if count as f64 / n >= HABIT_SHARE {
        let day = [
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
            Weekday::Sat,
            Weekday::Sun,
        ][best];
        return Habit::Weekday(day);
    }
    Habit::None
}

/// Within the last [`MONTH_END_DAYS`] days of its month, or its last business day (a
/// month-end payer whose month ends on a weekend pays on the Friday before).
fn is_month_end(day: NaiveDate) -> bool {
    let last = last_of_month(day);
    (last - day).num_days() < i64::from(MONTH_END_DAYS) || day == last_business_day(last)
}

fn last_of_month(day: NaiveDate) -> NaiveDate {
    let first_next = if day.month() == 12 {
        NaiveDate::from_ymd_opt(day.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(day.year(), day.month() + 1, 1)
    };
    first_next.and_then(|d| d.pred_opt()).unwrap_or(day)
}

fn is_business_day(day: NaiveDate) -> bool {
    !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !is_holiday(day)
}

/// `day` itself when payments are booked on it, else the next day they are.
pub fn next_business_day(day: NaiveDate) -> NaiveDate {
    let mut d = day;
    // At most a long weekend with holidays around it: bounded.
    for _ in 0..10 {
        if is_business_day(d) {
            return d;
        }
        d = d.succ_opt().unwrap_or(d);
    }
    d
}

fn last_business_day(last: NaiveDate) -> NaiveDate {
    let mut d = last;
    for _ in 0..10 {
        if is_business_day(d) {
            return d;
        }
        d = d.pred_opt().unwrap_or(d);
    }
    d
}

/// `day` moved to the debtor's next paying day.
fn apply_habit(day: NaiveDate, habit: Habit) -> NaiveDate {
    match habit {
        Habit::None => day,
        Habit::MonthEnd => {
            if is_month_end(day) {
                day
            } else {
                last_business_day(last_of_month(day))
            }
        }
        Habit::Weekday(w) => {
            let ahead = (i64::from(w.num_days_from_monday())
                - i64::from(day.weekday().num_days_from_monday()))
            .rem_euclid(7);
            day + Duration::days(ahead)
        }
    }
}

/// How well a method predicted: on documents open at a cut-off day and paid after it, learning
/// only from payments before it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    /// Documents scored.
    pub documents: usize,
    /// Mean absolute error of the median day, in days.
    pub mae_days: f64,
    /// Share of payments inside the P10–P90 interval (the aim is 0.8).
    pub coverage: f64,
    /// Mean width of the interval, in days.
    pub width_days: f64,
}

/// A document for [`evaluate`]: who owes it, when it fell due and when (if ever) it was paid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The debtor.
    pub debtor: String,
    /// Issue date: a document is open at the cut-off only if issued before it.
    pub issued: NaiveDate,
    /// Due date.
    pub due: NaiveDate,
    /// Its amount in minor units (0 when not known).
    pub amount_minor: i64,
    /// Payment day, if paid.
    pub paid: Option<NaiveDate>,
}

/// Every prediction [`evaluate`] scores: each document issued before `cutoff`, open at it and
/// paid later (its index in `outcomes`), predicted learning only from payments before it.
pub fn predictions_at(
    outcomes: &[Outcome],
    cutoff: NaiveDate,
    method: Method,
) -> Vec<(usize, Prediction)> {
    let history = History::new(outcomes.iter().filter_map(|o| {
        o.paid.filter(|p| *p < cutoff).map(|paid| {
            let p = Paid {
                due: o.due,
                paid,
                amount_minor: o.amount_minor,
            };
            (o.debtor.clone(), p)
        })
    }));
    outcomes
        .iter()
        .enumerate()
        .filter(|(_, o)| o.issued < cutoff && o.paid.is_some_and(|p| p >= cutoff))
        .map(|(i, o)| {
            let p = predict(&history, &o.debtor, o.due, o.amount_minor, cutoff, method);
            (i, p)
        })
        .collect()
}

impl Score {
    /// Scores of parts (firms, cut-offs) as one, each weighted by its documents.
    pub fn combine(parts: &[Score]) -> Score {
        let documents: usize = parts.iter().map(|s| s.documents).sum();
        let mean = |f: fn(&Score) -> f64| {
            if documents == 0 {
                0.0
            } else {
                parts.iter().map(|s| f(s) * s.documents as f64).sum::<f64>() / documents as f64
            }
        };
        Score {
            documents,
            mae_days: mean(|s| s.mae_days),
            coverage: mean(|s| s.coverage),
            width_days: mean(|s| s.width_days),
        }
    }

    /// The score of predictions against the days the documents were paid.
    pub fn of<'a>(pairs: impl IntoIterator<Item = (NaiveDate, &'a Prediction)>) -> Score {
        let mut n = 0_usize;
        let (mut abs, mut inside, mut width) = (0.0, 0_usize, 0.0);
        for (paid, p) in pairs {
            n += 1;
            abs += (paid - p.p50).num_days().abs() as f64;
            if p.p10 <= paid && paid <= p.p90 {
                inside += 1;
            }
            width += (p.p90 - p.p10).num_days() as f64;
        }
        let per = |x: f64| if n == 0 { 0.0 } else { x / n as f64 };
        Score {
            documents: n,
            mae_days: per(abs),
            coverage: per(inside as f64),
            width_days: per(width),
        }
    }
}

/// Scores `method` at `cutoff`: learns from what was paid before it and predicts every
/// document issued before it, open at it and paid later.
pub fn evaluate(outcomes: &[Outcome], cutoff: NaiveDate, method: Method) -> Score {
    let predicted = predictions_at(outcomes, cutoff, method);
    Score::of(
        predicted
            .iter()
            .filter_map(|(i, p)| outcomes.get(*i).and_then(|o| o.paid).map(|paid| (paid, p))),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn paid(due: &str, paid: &str) -> Paid {
        Paid {
            due: d(due),
            paid: d(paid),
            amount_minor: 0,
        }
    }

    /// Debtor A pays 12 days late, every month of 2026 (months vary, so no weekday habit).
    fn twelve_days_late() -> History {
        History::new((1..=12).map(|m| {
            let due = NaiveDate::from_ymd_opt(2026, m, 3).unwrap();
            let paid = Paid {
                due,
                paid: due + Duration::days(12),
                amount_minor: 0,
            };
            ("A".to_owned(), paid)
        }))
    }

    #[test]
    fn a_steady_late_payer_is_predicted_its_delay_on_a_business_day() {
        // Pays 12 days late, every time, for a year (months vary, so no weekday habit).
        let history = twelve_days_late();
        let p = predict(
            &history,
            "A",
            d("2026-12-10"),
            0,
            d("2026-12-05"),
            Method::Full,
        );
        // 10 Dec + 12 = 22 Dec, a Tuesday.
        assert_eq!(p.p50, d("2026-12-22"));
        assert!(p.p10 <= p.p50 && p.p50 <= p.p90);
        assert!(matches!(p.basis, Basis::Debtor { paid: 12, .. }));
    }

    #[test]
    fn a_holiday_moves_the_day_to_the_next_business_day() {
        // 12 days after 12 Dec is 24 Dec (Christmas Eve, a day off from 2025), then 25, 26
        // (Christmas) and 27 (Sunday): the 28th.
        let history = twelve_days_late();
        let p = predict(
            &history,
            "A",
            d("2026-12-12"),
            0,
            d("2026-12-05"),
            Method::Full,
        );
        assert_eq!(p.p50, d("2026-12-28"));
    }

    #[test]
    fn an_overdue_document_is_predicted_from_the_delays_it_has_not_yet_passed() {
        // Half pay 5 days late, half 40 days late. A document already 20 days overdue can only
        // be one of the slow ones.
        let history = History::new((0..20).map(|i| {
            let due = d("2026-01-05") + Duration::days(14 * i);
            let late = if i % 2 == 0 { 5 } else { 40 };
            (
                "A".to_owned(),
                Paid {
                    due,
                    paid: due + Duration::days(late),
                    amount_minor: 0,
                },
            )
        }));
        let due = d("2026-11-10");
        let today = due + Duration::days(20);
        let full = predict(&history, "A", due, 0, today, Method::Full);
        assert!((full.p50 - due).num_days() >= 40, "{full:?}");
        let naive = predict(&history, "A", due, 0, today, Method::DebtorMedian);
        assert_eq!(
            naive.p50, today,
            "the unconditional median is already past: today at the earliest"
        );
    }

    #[test]
    fn habits_month_end_and_weekly_runs() {
        // Due mid-month, paid at its end (the last business day when the month ends on a
        // weekend).
        let month_end: Vec<Paid> = [
            ("2026-01-15", "2026-01-30"),
            ("2026-02-15", "2026-02-27"),
            ("2026-03-15", "2026-03-31"),
            ("2026-04-15", "2026-04-30"),
            ("2026-05-15", "2026-05-29"),
        ]
        .iter()
        .map(|(due, p)| paid(due, p))
        .collect();
        assert_eq!(habit(&month_end), Habit::MonthEnd);
        let thursdays: Vec<Paid> = [
            "2026-01-08",
            "2026-01-22",
            "2026-02-05",
            "2026-02-19",
            "2026-03-06",
        ]
        .iter()
        .map(|p| paid("2026-01-01", p))
        .collect();
        assert_eq!(habit(&thursdays), Habit::Weekday(Weekday::Thu));
        // A month-end payer's predicted day is its month's last business day.
        let history = History::new(month_end.iter().map(|p| ("A".to_owned(), *p)));
        let p = predict(
            &history,
            "A",
            d("2026-12-10"),
            0,
            d("2026-12-05"),
            Method::Full,
        );
        // December 2026 ends on a Thursday (31st).
        assert_eq!(p.p50.day(), 31, "{p:?}");
    }

    #[test]
    fn few_payments_lean_on_the_firm() {
        let mut pairs: Vec<(String, Paid)> = (0..30)
            .map(|i| {
                let due = d("2026-01-05") + Duration::days(7 * i);
                (
                    format!("B{i}"),
                    Paid {
                        due,
                        paid: due + Duration::days(30),
                        amount_minor: 0,
                    },
                )
            })
            .collect();
        pairs.push(("A".to_owned(), paid("2026-10-01", "2026-10-01")));
        let history = History::new(pairs);
        let p = predict(
            &history,
            "A",
            d("2026-12-15"),
            0,
            d("2026-12-05"),
            Method::Full,
        );
        assert!(matches!(p.basis, Basis::Firm { paid: 1, .. }), "{p:?}");
        // One on-time payment against thirty 30-day ones: mostly the firm's behaviour.
        assert!((p.p50 - d("2026-12-15")).num_days() >= 25, "{p:?}");
    }

    #[test]
    fn nothing_paid_yet_gives_the_due_date_and_a_wide_interval() {
        let p = predict(
            &History::default(),
            "A",
            d("2026-12-15"),
            0,
            d("2026-12-05"),
            Method::Full,
        );
        assert_eq!(p.basis, Basis::NoHistory);
        assert_eq!(p.p50, d("2026-12-15"));
        assert_eq!((p.p90 - p.p10).num_days(), 30);
    }

    #[test]
    fn the_full_method_beats_the_baselines_on_survivors() {
        // Two kinds of debtors: fast (3 days) and slow (35 days) payers; at the cut-off some
        // documents are already 10 days overdue.
        let mut outcomes = Vec::new();
        for debtor in 0..20 {
            let late = if debtor % 2 == 0 { 3 } else { 35 };
            for k in 0..15 {
                let due = d("2026-01-10") + Duration::days(20 * k + debtor);
                outcomes.push(Outcome {
                    debtor: format!("D{debtor}"),
                    issued: due - Duration::days(14),
                    due,
                    amount_minor: 0,
                    paid: Some(due + Duration::days(late)),
                });
            }
        }
        let cutoff = d("2026-08-01");
        let due_date = evaluate(&outcomes, cutoff, Method::DueDate);
        let median = evaluate(&outcomes, cutoff, Method::DebtorMedian);
        let full = evaluate(&outcomes, cutoff, Method::Full);
        assert!(full.documents > 10);
        assert!(
            full.mae_days < due_date.mae_days,
            "{full:?} vs {due_date:?}"
        );
        // Without noise a debtor's own median is exact; the full method stays within a day
        // of it while it also leans on the firm's behaviour.
        assert!(
            full.mae_days < median.mae_days + 1.0,
            "{full:?} vs {median:?}"
        );
    }
}
