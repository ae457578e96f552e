//! The statistics' measurements in small, in every test run: a synthetic market (24 firms ×
//! 24 debtors, two years) written as `H.csv`, read back by the cloud's `stats` code, and the
//! backtest and the market comparison held to the bars the benchmark reports in full
//! (`inkaso-stats-eval`).

#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use inkaso_bench::history::{Spec, generate, to_csv};
use inkaso_cloud::cli::stats::{backtest, market_of, parse_history};
use inkaso_cloud::domain::predict::{Method, Score};

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

    // Three cut-offs in the last six months, as the benchmark scores them.
    let runs: Vec<_> = ["2026-06-15", "2026-08-17", "2026-10-15"]
        .iter()
        .map(|d| backtest(&file.rows, day(d)))
        .collect();
    let score = |m: Method| {
        let scores: Vec<Score> = runs
            .iter()
            .map(|r| r.iter().find(|b| b.method == m).unwrap().score)
            .collect();
        Score::combine(&scores)
    };
    let (due, median, full) = (
        score(Method::DueDate),
        score(Method::DebtorMedian),
        score(Method::Full),
    );
    assert!(full.documents > 300, "{full:?}");
    // The bars: MAE 60% below the due date's and 50% below the debtor median's;
    // P10–P90 covering 80% ± 8% of the payments.
    assert!(full.mae_days < 0.4 * due.mae_days, "{full:?} vs {due:?}");
    assert!(
        full.mae_days < 0.5 * median.mae_days,
        "{full:?} vs {median:?}"
    );
    assert!((0.72..=0.88).contains(&full.coverage), "{full:?}");

    // The market on the last day: every firm gets the verdict its story calls for.
    let market = market_of(&file.rows, spec.end);
    for t in &market.tenants {
        let role = docs.iter().find(|d| d.tenant == t.tenant).unwrap().role;
        assert_eq!(t.verdict, role.expected(), "{t:?}");
    }
}
