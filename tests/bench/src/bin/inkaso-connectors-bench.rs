//! `inkaso-connectors-bench`: extraction + mapping of a large generated Subiekt GT database
//! versus the raw ODBC bulk fetch of the same query with no mapping, side by side in one run.
//!
//! ```text
//! cargo run --release -p inkaso-bench --bin inkaso-connectors-bench -- --settlements 1000000
//! ```
//!
//! Prints rows/s, the ratio and the peak RSS of each phase (VmHWM, reset between phases through
//! /proc/self/clear_refs) and writes the figures as JSON (default `bench-out/connectors.json`).
//! The generated database is kept in the output directory and reused by later runs.

use std::path::PathBuf;
use std::time::Instant;

use anyhow_free::{Error, Result};
use inkaso_connectors::{
    ConnectorConfig, FetchOptions, Item, ProfileKind, ProfileSettings, extract, fetch_raw,
};
use inkaso_sample_erp::{GeneratorSpec, generate_gt};

/// A tiny error type: the benchmark is a binary edge, but the crate keeps `anyhow` out.
mod anyhow_free {
    pub(crate) type Error = Box<dyn std::error::Error>;
    pub(crate) type Result<T> = std::result::Result<T, Error>;
}

#[derive(Debug)]
struct Args {
    settlements: u64,
    debtors: Option<u64>,
    seed: u64,
    dir: PathBuf,
    json: Option<PathBuf>,
    rounds: u32,
    batch_rows: usize,
    sweep: Vec<usize>,
    flag_ids: Vec<i64>,
}

fn usage() -> &'static str {
    "inkaso-connectors-bench [--settlements N] [--debtors N] [--seed N] [--dir DIR] \
     [--json FILE] [--rounds N] [--batch-rows N] [--sweep 250,1000,4000] [--flag-ids 7]"
}

fn parse_args() -> Result<Args> {
    let mut args = Args {
        settlements: 1_000_000,
        debtors: None,
        seed: 42,
        dir: PathBuf::from("bench-out"),
        json: None,
        rounds: 2,
        batch_rows: FetchOptions::default().batch_rows,
        sweep: Vec::new(),
        flag_ids: Vec::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .ok_or_else(|| Error::from(format!("{flag}: value missing")))
        };
        match flag.as_str() {
            "--settlements" => args.settlements = value()?.parse()?,
            "--debtors" => args.debtors = Some(value()?.parse()?),
            "--seed" => args.seed = value()?.parse()?,
            "--dir" => args.dir = PathBuf::from(value()?),
            "--json" => args.json = Some(PathBuf::from(value()?)),
            "--rounds" => args.rounds = value()?.parse::<u32>()?.max(1),
            "--batch-rows" => args.batch_rows = value()?.parse()?,
            "--flag-ids" => {
                args.flag_ids = value()?
                    .split(',')
                    .map(str::parse)
                    .collect::<std::result::Result<_, _>>()?;
            }
            "--sweep" => {
                args.sweep = value()?
                    .split(',')
                    .map(str::parse)
                    .collect::<std::result::Result<_, _>>()?;
            }
            "-h" | "--help" => {
                println!("{}", usage());
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other}\n{}", usage()).into()),
        }
    }
    Ok(args)
}

/// Peak resident set size since the last reset, in KiB (Linux only; 0 elsewhere).
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// CPU seconds used by the process so far (user + system, all threads; Linux only).
#[allow(clippy::cast_precision_loss)]
fn cpu_seconds() -> f64 {
    // Fields 14 and 15 of /proc/self/stat, after the parenthesised command name.
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            let rest = s.rsplit_once(')')?.1;
            let f: Vec<&str> = rest.split_whitespace().collect();
            let ticks = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
            Some(ticks as f64 / 100.0)
        })
        .unwrap_or(0.0)
}

/// Resets VmHWM to the current RSS so each phase reports its own peak.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

#[derive(Debug, Clone, Copy)]
struct Phase {
    rows: u64,
    seconds: f64,
    cpu_seconds: f64,
    peak_kib: u64,
}

impl Phase {
    #[allow(clippy::cast_precision_loss)]
    fn rows_per_s(&self) -> f64 {
        self.rows as f64 / self.seconds.max(1e-9)
    }
}

fn raw(config: &ConnectorConfig) -> Result<Phase> {
    reset_peak();
    let cpu = cpu_seconds();
    let t = Instant::now();
    let stats = fetch_raw(config)?;
    Ok(Phase {
        rows: stats.rows,
        seconds: t.elapsed().as_secs_f64(),
        cpu_seconds: cpu_seconds() - cpu,
        peak_kib: peak_rss_kib(),
    })
}

fn mapped(config: &ConnectorConfig) -> Result<(Phase, [u64; 4])> {
    reset_peak();
    let cpu = cpu_seconds();
    let t = Instant::now();
    let mut ex = extract(config)?;
    let mut counts = [0_u64; 4];
    for item in ex.by_ref() {
        match item? {
            Item::Debtor(_) => counts[0] += 1,
            Item::Document(_) => counts[1] += 1,
            Item::Rejected(_) => counts[2] += 1,
            Item::Warning(_) => counts[3] += 1,
        }
    }
    let rows = ex.rows_read();
    Ok((
        Phase {
            rows,
            seconds: t.elapsed().as_secs_f64(),
            cpu_seconds: cpu_seconds() - cpu,
            peak_kib: peak_rss_kib(),
        },
        counts,
    ))
}

#[allow(clippy::cast_precision_loss)]
fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

#[allow(clippy::too_many_lines, clippy::many_single_char_names)] // a linear report
fn main() -> Result<()> {
    let args = parse_args()?;
    let spec = GeneratorSpec {
        debtors: args.debtors.unwrap_or((args.settlements / 10).max(1)),
        settlements: args.settlements,
        seed: args.seed,
    };
    inkaso_connectors_bench_check_driver()?;
    let t = Instant::now();
    let (connection, reused) = generate_gt(&args.dir, spec)?;
    let generated_s = t.elapsed().as_secs_f64();
    eprintln!(
        "database: {} debtors, {} settlements ({} in {:.1} s)",
        spec.debtors,
        spec.settlements,
        if reused { "reused" } else { "generated" },
        generated_s
    );
    let mut config = ConnectorConfig {
        connection,
        profile: ProfileSettings {
            kind: Some(ProfileKind::SubiektGt),
            debtor_flag_ids: args.flag_ids.clone(),
            ..ProfileSettings::default()
        },
        ..ConnectorConfig::default()
    };
    config.fetch.batch_rows = args.batch_rows;

    let mut best_raw: Option<Phase> = None;
    let mut best_map: Option<(Phase, [u64; 4])> = None;
    for round in 1..=args.rounds {
        let r = raw(&config)?;
        eprintln!("round {round}: raw {:.2} s", r.seconds);
        let m = mapped(&config)?;
        eprintln!("round {round}: mapped {:.2} s", m.0.seconds);
        if best_raw.is_none_or(|b| r.seconds < b.seconds) {
            best_raw = Some(r);
        }
        if best_map.is_none_or(|b| m.0.seconds < b.0.seconds) {
            best_map = Some(m);
        }
    }
    let (Some(r), Some((m, counts))) = (best_raw, best_map) else {
        return Err("no round ran".into());
    };
    let ratio = m.rows_per_s() / r.rows_per_s();

    let mut sweep = Vec::new();
    for rows in &args.sweep {
        let mut c = config.clone();
        c.fetch.batch_rows = *rows;
        let (p, _) = mapped(&c)?;
        sweep.push((*rows, p));
    }

    println!();
    println!("Inkaso connectors benchmark: Subiekt GT profile, SQLite3 ODBC driver");
    println!(
        "generated database: {} debtors, {} settlements (seed {}); open receivables fetched: {}",
        spec.debtors, spec.settlements, spec.seed, r.rows
    );
    let params = config.profile.prepare()?.params.len();
    println!(
        "batch rows: {}, bound parameters: {params}, best of {} round(s)",
        args.batch_rows, args.rounds
    );
    println!();
    println!(
        "{:<28} {:>10} {:>9} {:>12} {:>15}",
        "phase", "rows", "seconds", "rows/s", "peak RSS MiB"
    );
    for (name, p) in [
        ("raw ODBC bulk fetch", r),
        ("extract + map + exclusions", m),
    ] {
        println!(
            "{:<28} {:>10} {:>9.2} {:>12.0} {:>15.1}",
            name,
            p.rows,
            p.seconds,
            p.rows_per_s(),
            mib(p.peak_kib)
        );
    }
    println!();
    println!("ratio (mapped / raw rows/s): {ratio:.3}   target >= 0.9");
    println!(
        "items: {} debtors, {} documents, {} rejected, {} warnings",
        counts[0], counts[1], counts[2], counts[3]
    );
    if !sweep.is_empty() {
        println!();
        println!(
            "{:<12} {:>9} {:>12} {:>15}",
            "batch rows", "seconds", "rows/s", "peak RSS MiB"
        );
        for (rows, p) in &sweep {
            println!(
                "{:<12} {:>9.2} {:>12.0} {:>15.1}",
                rows,
                p.seconds,
                p.rows_per_s(),
                mib(p.peak_kib)
            );
        }
    }

    let json = serde_json::json!({
        "benchmark": "inkaso-connectors",
        "profile": "subiekt_gt",
        "driver": "SQLite3",
        "debtors": spec.debtors,
        "settlements": spec.settlements,
        "seed": spec.seed,
        "database_reused": reused,
        "generation_seconds": generated_s,
        "batch_rows": args.batch_rows,
        "bound_parameters": config.profile.prepare()?.params.len(),
        "rounds": args.rounds,
        "rows": r.rows,
        "raw": {"seconds": r.seconds, "cpu_seconds": r.cpu_seconds, "rows_per_s": r.rows_per_s(), "peak_rss_mib": mib(r.peak_kib)},
        "mapped": {"seconds": m.seconds, "cpu_seconds": m.cpu_seconds, "rows_per_s": m.rows_per_s(), "peak_rss_mib": mib(m.peak_kib)},
        "ratio": ratio,
        "items": {"debtor": counts[0], "document": counts[1], "rejected": counts[2], "warning": counts[3]},
        "sweep": sweep.iter().map(|(rows, p)| serde_json::json!({
            "batch_rows": rows, "seconds": p.seconds, "rows_per_s": p.rows_per_s(),
            "peak_rss_mib": mib(p.peak_kib)
        })).collect::<Vec<_>>(),
    });
    let path = args
        .json
        .unwrap_or_else(|| args.dir.join("connectors.json"));
    std::fs::write(&path, serde_json::to_string_pretty(&json)? + "\n")?;
    println!("\nJSON: {}", path.display());
    Ok(())
}

/// The benchmark needs the SQLite3 ODBC driver; say how to get it instead of failing obscurely.
fn inkaso_connectors_bench_check_driver() -> Result<()> {
    let env = odbc_api::environment()?;
    let drivers = env.drivers()?;
    if drivers.iter().any(|d| d.description == "SQLite3") {
        Ok(())
    } else {
        Err("ODBC driver [SQLite3] is not registered: apt-get install libsqliteodbc".into())
    }
}
