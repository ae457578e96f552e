//! `inkaso-market-bench`: how long the cloud takes to compute the market comparison from its
//! store, reading every client firm's history (the hourly work of `services::stats`).
//!
//! One command, e.g. `scripts/bench.sh market` (or `cargo run --release -p inkaso-bench --bin
//! inkaso-market-bench -- --firms 1000`). For each engine (SQLite file, then a throw-away
//! PostgreSQL database) it creates `--firms` client firms, each sending through the real agent
//! API `--debtors` company debtors and `--documents` documents due over the last 20 months,
//! then the payments of all but the last month's tenth (so the market has both periods), and
//! gives each debtor a PKD section as the REGON look-up would. Then it computes the market
//! `--rounds` times on a fresh application (nothing cached) and prints the time to read and to
//! compare, per engine; `bench-out/market-read.json`. The bar (the market over 1 000
//! firms in ≤ 60 s) is read off the table; nothing fails on slowness.

use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context as _, bail};
use chrono::Duration;
use clap::Parser;
use inkaso_bench::{Rng, load_average, on_each_engine};
use inkaso_cloud::http::{ApiSettings, AppState};
use inkaso_cloud::server::spawn;
use inkaso_cloud::services::{App, Engine};
use inkaso_cloud::store::accounts::TenantKind;
use inkaso_cloud::store::companies::SectorAnswer;
use inkaso_cloud::store::{Store, TenantScope};
use inkaso_shared::{Clock, SystemClock};
use serde_json::{Value, json};

#[derive(Debug, Parser)]
#[command(
    name = "inkaso-market-bench",
    about = "The market comparison read from the store over many firms, SQLite and PostgreSQL"
)]
struct Args {
    /// Client firms.
    #[arg(long, default_value_t = 1_000)]
    firms: usize,
    /// Debtors per firm.
    #[arg(long, default_value_t = 10)]
    debtors: usize,
    /// Documents per firm.
    #[arg(long, default_value_t = 100)]
    documents: usize,
    /// Timed computations (each on a fresh application).
    #[arg(long, default_value_t = 3)]
    rounds: usize,
    #[command(flatten)]
    engines: inkaso_bench::Engines,
    /// Where to write the JSON.
    #[arg(long, default_value = "bench-out/market-read.json")]
    out: std::path::PathBuf,
}

/// A valid NIP for `n` (the checksum digit computed; numbers whose checksum is 10 skipped).
fn nip(mut n: u64) -> String {
    const W: [u64; 9] = [6, 5, 7, 2, 3, 4, 5, 6, 7];
    loop {
        let body = format!("{:09}", 100_000_000 + n % 800_000_000);
        let sum: u64 = body
            .bytes()
            .zip(W)
            .map(|(b, w)| u64::from(b - b'0') * w)
            .sum();
        if sum % 11 != 10 {
            return format!("{body}{}", sum % 11);
        }
        n += 1;
    }
}

/// One firm's two batches: its debtors and documents, then the payments.
fn firm_batches(firm: usize, args: &Args, rng: &mut Rng) -> (Value, Value, Vec<String>) {
    let today = SystemClock.now().date_naive();
    let mut ops = Vec::new();
    let mut nips = Vec::new();
    for d in 0..args.debtors {
        let n = nip((firm * args.debtors + d) as u64);
        ops.push(json!({"op": "upsert_debtor", "debtor": {
            "external_id": format!("K{d}"), "kind": "company", "name": format!("Kontrahent {d}"),
            "nip": n, "email": null, "phone": null, "address": null}}));
        nips.push(n);
    }
    let mut closes = Vec::new();
    for i in 0..args.documents {
        let back = rng.range(0, 600);
        let due = today - Duration::days(back);
        let amount = rng.range(50_000, 2_050_000);
        let ext = format!("R{i}");
        ops.push(json!({"op": "upsert_document", "document": {
            "external_id": ext, "debtor_external_id": format!("K{}", i % args.debtors),
            "number": format!("FS {i}/{firm}"), "issue_date": (due - Duration::days(14)).to_string(),
            "due_date": due.to_string(), "amount_minor": amount, "remaining_minor": amount,
            "currency": "PLN"}}));
        let paid = due + Duration::days(rng.range(0, 40));
        if paid < today && back > 3 {
            closes.push(
                json!({"op": "close_document", "external_id": ext, "reason": "paid",
                "observed_on": paid.to_string()}),
            );
        }
    }
    (
        json!({"protocol": inkaso_shared::protocol::PROTOCOL_VERSION, "seq": 1, "ops": ops}),
        json!({"protocol": inkaso_shared::protocol::PROTOCOL_VERSION, "seq": 2, "ops": closes}),
        nips,
    )
}

struct EngineRun {
    name: &'static str,
    seed_seconds: f64,
    rounds: Vec<f64>,
    shown_cells: usize,
    verdicts: usize,
}

async fn run_engine(name: &'static str, url: &str, args: &Args) -> anyhow::Result<EngineRun> {
    let store = Store::open(url, 8).await?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let now = clock.now();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let server = spawn(
        listener,
        AppState::new(store.clone(), Arc::clone(&clock), ApiSettings::default()),
    )?;
    let base = server.base_url();
    let http = reqwest::Client::new();
    let sections = ['C', 'F', 'G', 'H', 'J', 'M'];
    let mut rng = Rng(20_261_206);
    let started = Instant::now();
    for f in 0..args.firms {
        let tenant = store
            .create_tenant(TenantKind::Client, &format!("Firma {f}"), now)
            .await?;
        let scope = TenantScope::operator(tenant.id.clone());
        let agent = store.create_agent(&scope, "ERP", "cli", now).await?;
        let (first, payments, nips) = firm_batches(f, args, &mut rng);
        for body in [first, payments] {
            let r = http
                .post(format!("{base}/agent/v1/batches"))
                .bearer_auth(&agent.secret)
                .json(&body)
                .send()
                .await?;
            if !r.status().is_success() {
                bail!("batch refused: {} {}", r.status(), r.text().await?);
            }
        }
        for (d, n) in nips.iter().enumerate() {
            let sector = sections[(f + d) % sections.len()];
            let answer = SectorAnswer::Found {
                regon: format!("{:09}", 100_000_000 + d),
                pkd: Some("0000Z".into()),
                sector: Some(sector),
            };
            store.save_sector(&scope, n, &answer, now).await?;
        }
        if (f + 1) % 100 == 0 {
            eprintln!("  {name}: {} firms seeded", f + 1);
        }
    }
    let seed_seconds = started.elapsed().as_secs_f64();
    let mut rounds = Vec::new();
    let mut shown_cells = 0;
    let mut verdicts = 0;
    let probe = store
        .tenants_with_documents()
        .await?
        .into_iter()
        .next()
        .context("no firm seeded")?;
    for _ in 0..args.rounds {
        let app = App::new(store.clone(), Arc::clone(&clock), Engine::default());
        let t = Instant::now();
        let view = app.market_for(&probe).await?;
        rounds.push(t.elapsed().as_secs_f64());
        shown_cells = view
            .rows
            .iter()
            .filter(|r| r.recent.is_some() || r.before.is_some())
            .count();
        verdicts = usize::from(view.own.is_some());
    }
    drop(server);
    store.close().await;
    Ok(EngineRun {
        name,
        seed_seconds,
        rounds,
        shown_cells,
        verdicts,
    })
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    sqlx::any::install_default_drivers();
    println!(
        "inkaso-market-bench: {} firms × {} debtors, {} documents each ({} in all), {} rounds",
        args.firms,
        args.debtors,
        args.documents,
        args.firms * args.documents,
        args.rounds
    );
    let load_before = load_average();
    let engines = on_each_engine("inkaso-market-bench", &args.engines, |name, url| {
        let args = &args;
        async move { run_engine(name, &url, args).await }
    })
    .await?;
    let load_after = load_average();
    println!(
        "\n| engine     | seeded s | market (read + compare) s, each round | ≤ 60 s | shown cells |"
    );
    println!(
        "|------------|---------:|----------------------------------------|:------:|------------:|"
    );
    for e in &engines {
        let worst = e.rounds.iter().copied().fold(0.0, f64::max);
        println!(
            "| {:<10} | {:8.1} | {:<38} | {:^6} | {:11} |",
            e.name,
            e.seed_seconds,
            e.rounds
                .iter()
                .map(|r| format!("{r:.2}"))
                .collect::<Vec<_>>()
                .join(", "),
            if worst <= 60.0 { "yes" } else { "NO" },
            e.shown_cells
        );
    }
    println!(
        "\nload average (1, 5, 15 min) before: {}, after: {}",
        load_before.as_deref().unwrap_or("?"),
        load_after.as_deref().unwrap_or("?")
    );
    let out = json!({
        "firms": args.firms,
        "debtors_per_firm": args.debtors,
        "documents_per_firm": args.documents,
        "load_average": {"before": load_before, "after": load_after},
        "engines": engines.iter().map(|e| json!({
            "engine": e.name,
            "seed_seconds": e.seed_seconds,
            "market_seconds": e.rounds,
            "shown_cells": e.shown_cells,
            "probe_firm_has_verdict": e.verdicts == 1,
        })).collect::<Vec<_>>(),
    });
    if let Some(parent) = args.out.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&args.out, serde_json::to_string_pretty(&out)?)?;
    println!("written {}", args.out.display());
    Ok(())
}
