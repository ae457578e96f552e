//! Measures how well the payment-day prediction (issue 16) predicts, against two simpler
//! methods, on a synthetic firm whose debtors pay the ways real ones do — and so chooses the
//! method the cloud uses. Not a timed test: a measurement to report.
//!
//! The firm: 400 debtors over two years, an invoice every two to five weeks each, due in 14
//! or 30 days. Each debtor is one of: punctual; steadily late (5–40 days, ± a few); paying at
//! the end of the month; paying in a weekly run on its own weekday; drifting later (or
//! earlier) month by month; paying large invoices later. A third of the debtors are in a sector
//! that slows down by ten days in the last six months. Every payment is booked on a business
//! day (Polish public holidays included).
//!
//! At three cut-off days in the last six months, each method learns from what was paid before
//! the day and predicts every document open on it that was paid later (so the overdue ones
//! count, predicted on the condition that they are still open). Reported per method: the mean
//! absolute error of the median day, the share of payments inside the P10–P90 interval (the
//! aim is 80%) and the interval's mean width.
//!
//! Prints a table and writes `bench-out/stats-eval.json`.
//! Run: `cargo run --release -p inkaso-bench --bin inkaso-stats-eval` (a few seconds).

use std::fmt::Write as _;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use inkaso_bench::Rng;
use inkaso_cloud::domain::predict::{Method, Outcome, Score, evaluate, next_business_day};

/// Roughly normal noise of spread `s` days (a sum of three uniforms).
fn noise(rng: &mut Rng, s: i64) -> i64 {
    (rng.range(-s, s + 1) + rng.range(-s, s + 1) + rng.range(-s, s + 1)) / 2
}

#[derive(Clone, Copy)]
enum Kind {
    Punctual,
    Late(i64),
    MonthEnd(i64),
    Weekly(i64, Weekday),
    Drifting(i64, i64),
    SizeSensitive(i64),
}

fn last_business_day_of_month(day: NaiveDate) -> NaiveDate {
    let next = if day.month() == 12 {
        NaiveDate::from_ymd_opt(day.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(day.year(), day.month() + 1, 1)
    };
    let mut d = next.and_then(|n| n.pred_opt()).unwrap_or(day);
    while next_business_day(d) != d {
        d = d.pred_opt().unwrap_or(d);
    }
    d
}

/// The synthetic firm's documents with their outcomes.
fn firm(seed: u64, start: NaiveDate, end: NaiveDate) -> Vec<Outcome> {
    let mut rng = Rng(seed);
    let weekdays = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
    ];
    let mut out = Vec::new();
    for debtor in 0..400_i64 {
        let kind = match rng.range(0, 6) {
            0 => Kind::Punctual,
            1 => Kind::Late(rng.range(5, 40)),
            2 => Kind::MonthEnd(rng.range(0, 20)),
            3 => Kind::Weekly(
                rng.range(0, 15),
                weekdays[usize::try_from(rng.range(0, 5)).unwrap_or(0)],
            ),
            4 => Kind::Drifting(rng.range(0, 20), if rng.range(0, 2) == 0 { 2 } else { -1 }),
            _ => Kind::SizeSensitive(rng.range(3, 20)),
        };
        let slow_sector = debtor % 3 == 0;
        let mut issued = start + Duration::days(rng.range(0, 30));
        while issued < end {
            let terms = if rng.range(0, 2) == 0 { 14 } else { 30 };
            let due = issued + Duration::days(terms);
            let large = rng.range(0, 5) == 0;
            let months_in = i64::from(u32::try_from((issued - start).num_days() / 30).unwrap_or(0));
            let slowdown = if slow_sector && (end - issued).num_days() < 180 {
                10
            } else {
                0
            };
            let target = match kind {
                Kind::Punctual => due + Duration::days(noise(&mut rng, 2) - 1),
                Kind::Late(d) => due + Duration::days(d + noise(&mut rng, 3) + slowdown),
                Kind::MonthEnd(d) => last_business_day_of_month(due + Duration::days(d + slowdown)),
                Kind::Weekly(d, w) => {
                    let t = due + Duration::days(d + slowdown);
                    let ahead = (i64::from(w.num_days_from_monday())
                        - i64::from(t.weekday().num_days_from_monday()))
                    .rem_euclid(7);
                    t + Duration::days(ahead)
                }
                Kind::Drifting(d, per_month) => {
                    due + Duration::days(
                        (d + per_month * months_in).max(-3) + noise(&mut rng, 2) + slowdown,
                    )
                }
                Kind::SizeSensitive(d) => {
                    due + Duration::days(
                        d + if large { 15 } else { 0 } + noise(&mut rng, 2) + slowdown,
                    )
                }
            };
            let paid = next_business_day(target.max(issued));
            out.push(Outcome {
                debtor: format!("D{debtor}"),
                issued,
                due,
                paid: Some(paid),
            });
            issued += Duration::days(rng.range(14, 36));
        }
    }
    out
}

fn main() -> anyhow::Result<()> {
    let start = NaiveDate::from_ymd_opt(2024, 12, 1).ok_or_else(|| anyhow::anyhow!("date"))?;
    let end = NaiveDate::from_ymd_opt(2026, 12, 1).ok_or_else(|| anyhow::anyhow!("date"))?;
    let outcomes = firm(16, start, end);
    let cutoffs = [
        NaiveDate::from_ymd_opt(2026, 6, 15),
        NaiveDate::from_ymd_opt(2026, 8, 17),
        NaiveDate::from_ymd_opt(2026, 10, 15),
    ];
    let methods = [
        ("firm median", Method::FirmMedian),
        ("debtor median", Method::DebtorMedian),
        ("full", Method::Full),
    ];
    let mut table = String::new();
    writeln!(
        table,
        "{} documents of 400 debtors, {start} – {end}; scored at 3 cut-offs",
        outcomes.len()
    )?;
    writeln!(
        table,
        "{:<15} {:>9} {:>12} {:>13} {:>12}",
        "method", "documents", "MAE (days)", "P10–P90 cov.", "width (days)"
    )?;
    let mut json = Vec::new();
    for (name, method) in methods {
        let scores: Vec<Score> = cutoffs
            .iter()
            .flatten()
            .map(|c| evaluate(&outcomes, *c, method))
            .collect();
        let docs: usize = scores.iter().map(|s| s.documents).sum();
        #[allow(clippy::cast_precision_loss)] // thousands of documents
        let mean = |f: fn(&Score) -> f64| {
            scores
                .iter()
                .map(|s| f(s) * s.documents as f64)
                .sum::<f64>()
                / docs.max(1) as f64
        };
        let (mae, cov, width) = (
            mean(|s| s.mae_days),
            mean(|s| s.coverage),
            mean(|s| s.width_days),
        );
        writeln!(
            table,
            "{name:<15} {docs:>9} {mae:>12.2} {:>12.1}% {width:>12.1}",
            cov * 100.0
        )?;
        json.push(serde_json::json!({
            "method": name, "documents": docs, "mae_days": mae, "coverage": cov, "width_days": width
        }));
    }
    print!("{table}");
    std::fs::create_dir_all("bench-out")?;
    std::fs::write(
        "bench-out/stats-eval.json",
        serde_json::to_string_pretty(&serde_json::json!({ "methods": json }))?,
    )?;
    println!("written bench-out/stats-eval.json");
    Ok(())
}
