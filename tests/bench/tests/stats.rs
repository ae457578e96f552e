//! The statistics' measurements in small, in every test run: a synthetic market (24 firms ×
//! 24 debtors, two years) written as `H.csv`, read back by the cloud's `stats` code, and the
//! backtest and the market comparison held to the bars the benchmark reports in full
//! (`inkaso-stats-eval`).

#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use inkaso_bench::history::{Spec, generate, to_csv};
use inkaso_cloud::cli::stats::{backtest, market_of, parse_history};
use inkaso_cloud::domain::predict::Method;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
fn the_backtest_and_the_verdicts_hold_on_a_small_market() {
    let spec = Spec {
        tenants: 24,
        debtors: 24,
        start: day("2024-12-01"),
        end: day("2026-12-01"),
        seed: 7,
    };
    let docs = generate(spec);
    let file = parse_history(to_csv(&docs, spec.end, true).as_bytes()).unwrap();
    assert!(file.refused.is_empty());
    assert_eq!(file.rows.len(), docs.len());

    let results = backtest(&file.rows, day("2026-09-15"));
    let score = |m: Method| results.iter().find(|r| r.method == m).unwrap().score;
    let (due, median, full) = (
        score(Method::DueDate),
        score(Method::DebtorMedian),
        score(Method::Full),
    );
    assert!(full.documents > 300, "{full:?}");
    assert!(full.mae_days < 0.5 * due.mae_days, "{full:?} vs {due:?}");
    assert!(full.mae_days < median.mae_days, "{full:?} vs {median:?}");
    assert!((0.72..=0.95).contains(&full.coverage), "{full:?}");

    // The market on the last day: every firm gets the verdict its story calls for.
    let market = market_of(&file.rows, spec.end);
    for t in &market.tenants {
        let role = docs.iter().find(|d| d.tenant == t.tenant).unwrap().role;
        assert_eq!(t.verdict, role.expected(), "{t:?}");
    }
}
