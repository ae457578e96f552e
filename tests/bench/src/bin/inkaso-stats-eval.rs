//! Measures the statistics of issue 16 on a synthetic market (`inkaso_bench::history`): how
//! well the payment-day prediction predicts against the two baselines (pays on the due date;
//! pays the debtor's median delay late, both no earlier than the cut-off), overall and per
//! payment behaviour; and whether the market comparison gives each firm the verdict its story
//! calls for. Not a timed test: a measurement to report.
//!
//! The market: 24 firms × 60 debtors over two years (about 50 000 documents). At three
//! cut-off days in the last six months, each firm's predictions learn from what it was paid
//! before the day and predict every document open on it that was paid later (so the overdue
//! ones count, predicted on the condition that they are still open). Reported per method: the
//! mean absolute error of the median day, the share of payments inside the P10–P90 interval
//! (the aim is 80%) and the interval's mean width.
//!
//! `--write-history H.csv` also writes the market as the `stats` commands read it (every
//! payment, for `inkaso-cloud stats backtest --history H.csv`).
//!
//! `--speed` measures instead the speed bars on one core, on generated data: every
//! indicator of a firm with a million documents (≤ 10 s), predictions for 100 000 open
//! documents (≤ 5 s), the market over 1 000 firms (≤ 60 s); `bench-out/stats-speed.json`.
//!
//! Prints tables and writes `bench-out/stats-eval.json`.
//! Run: `scripts/bench.sh stats` (a few seconds once built), `scripts/bench.sh stats --speed`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::NaiveDate;
use inkaso_bench::history::{Doc, Kind, Spec, generate, to_csv};
use inkaso_cloud::domain::market::{MarketDocument, Verdict, compare};
use inkaso_cloud::domain::predict::{Method, Outcome, Prediction, Score, predictions_at};

const METHODS: [(&str, Method); 3] = [
    ("due date", Method::DueDate),
    ("debtor median", Method::DebtorMedian),
    ("full", Method::Full),
];

fn day(y: i32, m: u32, d: u32) -> anyhow::Result<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| anyhow::anyhow!("date {y}-{m}-{d}"))
}

/// Each method's predictions at every cut-off, with the day paid and the debtor's kind.
fn predictions(
    docs: &[Doc],
    cutoffs: &[NaiveDate],
) -> BTreeMap<&'static str, Vec<(NaiveDate, Prediction, Kind)>> {
    let mut per_firm: BTreeMap<&str, Vec<&Doc>> = BTreeMap::new();
    for d in docs {
        per_firm.entry(d.tenant.as_str()).or_default().push(d);
    }
    let mut out: BTreeMap<&'static str, Vec<(NaiveDate, Prediction, Kind)>> = BTreeMap::new();
    for docs in per_firm.values() {
        let outcomes: Vec<Outcome> = docs
            .iter()
            .map(|d| Outcome {
                debtor: d.debtor.clone(),
                issued: d.issued,
                due: d.due,
                amount_minor: d.amount_minor,
                paid: Some(d.paid),
            })
            .collect();
        for cutoff in cutoffs {
            for (name, method) in METHODS {
                for (i, p) in predictions_at(&outcomes, *cutoff, method) {
                    if let Some(d) = docs.get(i) {
                        out.entry(name).or_default().push((d.paid, p, d.kind));
                    }
                }
            }
        }
    }
    out
}

/// The market comparison on `as_of`, from what is known then: each firm's verdict beside the
/// one its story calls for.
fn verdicts(
    docs: &[Doc],
    as_of: NaiveDate,
    table: &mut String,
) -> anyhow::Result<(usize, Vec<serde_json::Value>)> {
    let market_docs: Vec<MarketDocument> = docs
        .iter()
        .map(|d| MarketDocument {
            tenant: d.tenant.clone(),
            debtor: d.debtor.clone(),
            sector: Some(d.sector),
            due: d.due,
            paid: Some(d.paid).filter(|p| *p <= as_of),
            amount_minor: d.amount_minor,
        })
        .collect();
    let market = compare(&market_docs, as_of);
    let roles: BTreeMap<&str, _> = docs.iter().map(|d| (d.tenant.as_str(), d.role)).collect();
    writeln!(table)?;
    writeln!(
        table,
        "{:<8} {:<10} {:<10} {:>10} {:>12}",
        "firm", "expected", "verdict", "own Δ", "market Δ"
    )?;
    let mut right = 0;
    let mut verdicts = Vec::new();
    for t in &market.tenants {
        let expected = roles.get(t.tenant.as_str()).map(|r| r.expected());
        right += usize::from(expected == Some(t.verdict));
        writeln!(
            table,
            "{:<8} {:<10} {:<10} {:>10.1} {:>12.1}",
            t.tenant,
            expected.map_or("?", |v| v.code()),
            t.verdict.code(),
            t.own_change().unwrap_or(f64::NAN),
            t.expected_change().unwrap_or(f64::NAN),
        )?;
        verdicts.push(serde_json::json!({
            "tenant": t.tenant, "expected": expected.map(Verdict::code), "verdict": t.verdict.code(),
            "own_change_days": t.own_change(), "market_change_days": t.expected_change()
        }));
    }
    writeln!(table, "verdicts right: {right} of {}", market.tenants.len())?;
    Ok((right, verdicts))
}

/// The time `f` takes, in seconds, with its result.
fn timed<T>(f: impl FnOnce() -> T) -> (f64, T) {
    let start = std::time::Instant::now();
    let out = f();
    (start.elapsed().as_secs_f64(), out)
}

/// Generated documents as the statistics read them: paid ones settled in full on their day.
fn as_histories(docs: &[Doc], end: NaiveDate) -> Vec<inkaso_cloud::domain::stats::DocumentHistory> {
    use inkaso_cloud::domain::stats::{DocumentHistory, Settlement};
    docs.iter()
        .map(|d| DocumentHistory {
            document: d.document.clone(),
            debtor: d.debtor.clone(),
            currency: "PLN".into(),
            issued: d.issued,
            due: d.due,
            amount_minor: d.amount_minor,
            settlements: if d.paid <= end {
                vec![Settlement {
                    on: d.paid,
                    amount_minor: d.amount_minor,
                }]
            } else {
                Vec::new()
            },
        })
        .collect()
}

/// A market of `firms` firms of 30 debtors each, as the comparison reads it.
fn market_of(firms: u64, start: NaiveDate, end: NaiveDate) -> Vec<MarketDocument> {
    (0..firms)
        .flat_map(|f| {
            generate(Spec {
                tenants: 1,
                debtors: 30,
                start,
                end,
                seed: 100 + f,
            })
            .into_iter()
            .map(move |d| MarketDocument {
                tenant: format!("firm{f:04}"),
                debtor: d.debtor,
                sector: Some(d.sector),
                due: d.due,
                paid: Some(d.paid),
                amount_minor: d.amount_minor,
            })
        })
        .collect()
}

/// Predicts 100 000 documents, each as if open on a day near its due date, learning from
/// what was paid by `end`; returns how many were predicted on or after their day.
fn predict_around_due(docs: &[Doc], end: NaiveDate) -> usize {
    use inkaso_cloud::domain::predict::{History, Paid, predict};
    let history = History::new(docs.iter().filter(|d| d.paid <= end).map(|d| {
        (
            d.debtor.clone(),
            Paid {
                due: d.due,
                paid: d.paid,
                amount_minor: d.amount_minor,
            },
        )
    }));
    let mut n = 0_usize;
    for (i, d) in docs.iter().cycle().take(100_000).enumerate() {
        // Each document as if open on a day near its due date.
        let today = d.due + chrono::Duration::days(i64::try_from(i % 40).unwrap_or(0) - 10);
        let p = predict(
            &history,
            &d.debtor,
            d.due,
            d.amount_minor,
            today,
            Method::Full,
        );
        n += usize::from(p.p50 >= today);
    }
    n
}

/// The speed bars, on one core (the computations are single-threaded).
fn speed() -> anyhow::Result<()> {
    use inkaso_cloud::services::stats::overview;
    let start = day(2024, 12, 1)?;
    let end = day(2026, 12, 1)?;
    let mut table = String::new();
    if let Some(load) = inkaso_bench::load_average() {
        writeln!(table, "load average: {load}")?;
    }
    writeln!(
        table,
        "{:<52} {:>12} {:>10} {:>8}",
        "measurement", "seconds", "bar (s)", "met"
    )?;
    let mut json = Vec::new();
    let mut row = |table: &mut String, name: &str, secs: f64, bar: f64| -> anyhow::Result<()> {
        writeln!(
            table,
            "{name:<52} {secs:>12.2} {bar:>10.0} {:>8}",
            if secs <= bar { "yes" } else { "NO" }
        )?;
        json.push(serde_json::json!({"measurement": name, "seconds": secs, "bar_seconds": bar}));
        Ok(())
    };

    // One firm with a million documents: 34 000 debtors over two years.
    let (gen_secs, docs) = timed(|| {
        generate(Spec {
            tenants: 1,
            debtors: 34_000,
            start,
            end,
            seed: 3,
        })
    });
    let histories = as_histories(&docs, end);
    writeln!(
        table,
        "({} documents generated in {gen_secs:.1} s)",
        histories.len()
    )?;
    let (secs, o) = timed(|| overview(&histories, &[], end, 12));
    let months = o.currencies.first().map_or(0, |c| c.months.len());
    row(
        &mut table,
        &format!(
            "indicators of {} documents ({months} months)",
            histories.len()
        ),
        secs,
        10.0,
    )?;

    // Predictions for 100 000 open documents of that firm.
    let (secs, predicted) = timed(|| predict_around_due(&docs, end));
    row(
        &mut table,
        &format!("predictions of 100 000 open documents ({predicted} on or after today)"),
        secs,
        5.0,
    )?;

    // The market over 1 000 firms of 1 000 documents.
    let market_docs = market_of(1_000, start, end);
    let (secs, m) = timed(|| compare(&market_docs, end));
    row(
        &mut table,
        &format!(
            "market of {} firms, {} documents",
            m.tenants.len(),
            market_docs.len()
        ),
        secs,
        60.0,
    )?;
    print!("{table}");
    std::fs::create_dir_all("bench-out")?;
    std::fs::write(
        "bench-out/stats-speed.json",
        serde_json::to_string_pretty(&serde_json::json!({ "measurements": json }))?,
    )?;
    println!("written bench-out/stats-speed.json");
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--speed") {
        return speed();
    }
    let write_to = args
        .iter()
        .position(|a| a == "--write-history")
        .and_then(|i| args.get(i + 1));
    let spec = Spec {
        tenants: 24,
        debtors: 60,
        start: day(2024, 12, 1)?,
        end: day(2026, 12, 1)?,
        seed: 16,
    };
    let docs = generate(spec);
    if let Some(path) = write_to {
        std::fs::write(path, to_csv(&docs, spec.end, true))?;
        println!("written {path}");
    }
    let cutoffs = [day(2026, 6, 15)?, day(2026, 8, 17)?, day(2026, 10, 15)?];
    let predicted = predictions(&docs, &cutoffs);

    let mut table = String::new();
    writeln!(
        table,
        "{} documents of {} firms × {} debtors, {} – {}; scored at 3 cut-offs",
        docs.len(),
        spec.tenants,
        spec.debtors,
        spec.start,
        spec.end
    )?;
    if let Some(load) = inkaso_bench::load_average() {
        writeln!(table, "load average: {load}")?;
    }
    writeln!(
        table,
        "{:<15} {:<15} {:>9} {:>12} {:>13} {:>12}",
        "behaviour", "method", "documents", "MAE (days)", "P10–P90 cov.", "width (days)"
    )?;
    let mut json = Vec::new();
    for kind in std::iter::once("all").chain(Kind::NAMES) {
        let mut maes = BTreeMap::new();
        for (name, _) in METHODS {
            let rows = predicted.get(name).map_or(&[][..], Vec::as_slice);
            let s = Score::of(
                rows.iter()
                    .filter(|(_, _, k)| kind == "all" || k.name() == kind)
                    .map(|(paid, p, _)| (*paid, p)),
            );
            maes.insert(name, s.mae_days);
            writeln!(
                table,
                "{kind:<15} {name:<15} {:>9} {:>12.2} {:>12.1}% {:>12.1}",
                s.documents,
                s.mae_days,
                s.coverage * 100.0,
                s.width_days
            )?;
            json.push(serde_json::json!({
                "behaviour": kind, "method": name, "documents": s.documents,
                "mae_days": s.mae_days, "coverage": s.coverage, "width_days": s.width_days
            }));
        }
        let below = |base: &str| {
            let b = maes.get(base).copied().unwrap_or(0.0);
            let f = maes.get("full").copied().unwrap_or(0.0);
            if b > 0.0 { (1.0 - f / b) * 100.0 } else { 0.0 }
        };
        writeln!(
            table,
            "{:<15} full's MAE is {:.0}% below the due date's, {:.0}% below the debtor median's",
            "",
            below("due date"),
            below("debtor median")
        )?;
    }

    let (right, verdicts) = verdicts(&docs, spec.end, &mut table)?;
    print!("{table}");
    std::fs::create_dir_all("bench-out")?;
    std::fs::write(
        "bench-out/stats-eval.json",
        serde_json::to_string_pretty(&serde_json::json!({
            "documents": docs.len(), "predictions": json,
            "verdicts": verdicts, "verdicts_right": right,
        }))?,
    )?;
    println!("written bench-out/stats-eval.json");
    Ok(())
}
