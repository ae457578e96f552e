//! Benchmark (not a test) of the cloud under a login flood: how an agent's batches fare while
//! hundreds of logins arrive at once. Issue 13: argon2 used to run on the async workers, so a
//! handful of parallel logins stalled every API on two cores.
//!
//! The cloud runs in this process on loopback (SQLite by default, `--database-url` for
//! PostgreSQL). Phase `quiet`: an agent sends `--batches` batches of `--docs` documents one after
//! another. Phase `flood`: the same while `--parallel` clients keep logging in with wrong
//! passwords, each request from another (forwarded) address and account, so no lock-out cuts
//! the flood short and every attempt costs a real password check — the worst case. Prints the
//! batches' latency percentiles side by side and the logins' answers; writes JSON.
//!
//! `scripts/bench.sh login-flood` (or `cargo run --release -p inkaso-e2e --bin
//! inkaso-login-bench`).

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Parser;
use inkaso_cloud::http::{ApiSettings, AppState};
use inkaso_cloud::server;
use inkaso_cloud::store::accounts::{NewSecret, Role, Tenant, TenantKind};
use inkaso_cloud::store::{Store, TenantScope, sqlite_url};
use inkaso_shared::{Clock as _, Email, SystemClock};
use serde_json::json;

#[derive(Debug, Parser)]
struct Args {
    /// Batches per phase.
    #[arg(long, default_value_t = 60)]
    batches: u32,
    /// Documents per batch.
    #[arg(long, default_value_t = 500)]
    docs: u32,
    /// Logins in flight at once during the flood.
    #[arg(long, default_value_t = 200)]
    parallel: u32,
    /// The cloud's database (default: SQLite in a temporary folder).
    #[arg(long)]
    database_url: Option<String>,
    /// The JSON report.
    #[arg(long, default_value = "bench-out/login-flood.json")]
    out: PathBuf,
}

fn load_average() -> Option<String> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    Some(
        text.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" "),
    )
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Latency summary in milliseconds.
fn summary(mut ms: Vec<f64>) -> serde_json::Value {
    ms.sort_by(f64::total_cmp);
    json!({
        "count": ms.len(),
        "p50_ms": percentile(&ms, 0.50),
        "p90_ms": percentile(&ms, 0.90),
        "p99_ms": percentile(&ms, 0.99),
        "max_ms": ms.last().copied().unwrap_or(0.0),
    })
}

/// Sends `n` batches starting at `seq`; their latencies in milliseconds.
async fn batches(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    seq: &mut u64,
    n: u32,
    docs: u32,
) -> anyhow::Result<Vec<f64>> {
    let mut latencies = Vec::with_capacity(n as usize);
    for _ in 0..n {
        *seq += 1;
        let s = *seq;
        let mut ops = vec![
            json!({"op": "upsert_debtor", "debtor": {"external_id": format!("K{s}"),
            "kind": "company", "name": format!("Firma {s}"), "nip": null, "email": null, "phone": null, "address": null}}),
        ];
        for d in 0..docs {
            ops.push(json!({"op": "upsert_document", "document": {"external_id": format!("D{s}-{d}"),
                "debtor_external_id": format!("K{s}"), "number": format!("FS {d}/{s}"), "issue_date": "2026-11-01",
                "due_date": "2026-11-15", "amount_minor": 10_000, "remaining_minor": 10_000, "currency": "PLN"}}));
        }
        let body = json!({"protocol": 1, "seq": s, "ops": ops});
        let started = Instant::now();
        let r = http
            .post(format!("{base}/agent/v1/batches"))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await?;
        let status = r.status();
        let text = r.text().await?;
        if !status.is_success() {
            bail!("batch {s}: {status} {text}");
        }
        latencies.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    Ok(latencies)
}

/// The table on stdout.
fn print_table(
    args: &Args,
    quiet: &serde_json::Value,
    flooded: &serde_json::Value,
    logins: &serde_json::Value,
    statuses: &std::collections::BTreeMap<u16, u64>,
    ratio: f64,
    load: [&Option<String>; 2],
) {
    println!(
        "Batches of {} documents while {} clients log in at once (load average {} → {}):",
        args.docs,
        args.parallel,
        load[0].as_deref().unwrap_or("?"),
        load[1].as_deref().unwrap_or("?")
    );
    println!(
        "{:<10} {:>8} {:>10} {:>10} {:>10} {:>10}",
        "phase", "batches", "p50 ms", "p90 ms", "p99 ms", "max ms"
    );
    for (name, s) in [("quiet", quiet), ("flood", flooded)] {
        println!(
            "{:<10} {:>8} {:>10.1} {:>10.1} {:>10.1} {:>10.1}",
            name,
            s["count"],
            s["p50_ms"].as_f64().unwrap_or(0.0),
            s["p90_ms"].as_f64().unwrap_or(0.0),
            s["p99_ms"].as_f64().unwrap_or(0.0),
            s["max_ms"].as_f64().unwrap_or(0.0)
        );
    }
    println!("flood/quiet p99: {ratio:.2}×");
    println!(
        "logins answered: {} ({}), p50 {:.1} ms, p99 {:.1} ms",
        logins["count"],
        statuses
            .iter()
            .map(|(s, n)| format!("{s}: {n}"))
            .collect::<Vec<_>>()
            .join(", "),
        logins["p50_ms"].as_f64().unwrap_or(0.0),
        logins["p99_ms"].as_f64().unwrap_or(0.0)
    );
}

/// `parallel` clients logging in with wrong passwords, each again as soon as it is answered,
/// from another forwarded address and account each time, until `stop`; each returns its
/// answers (status, milliseconds).
fn start_flood(
    http: &reqwest::Client,
    base: &str,
    tenant: &str,
    parallel: u32,
    stop: &Arc<AtomicBool>,
) -> tokio::task::JoinSet<Vec<(u16, f64)>> {
    let mut flood = tokio::task::JoinSet::new();
    for c in 0..parallel {
        let (http, base, tenant, stop) = (
            http.clone(),
            base.to_owned(),
            tenant.to_owned(),
            Arc::clone(stop),
        );
        flood.spawn(async move {
            let mut answers: Vec<(u16, f64)> = Vec::new();
            let mut i = 0_u32;
            while !stop.load(Ordering::Relaxed) {
                i += 1;
                let started = Instant::now();
                let r = http
                    .post(format!("{base}/api/v1/login"))
                    .header(
                        "x-forwarded-for",
                        format!("10.{}.{}.{}", c % 250, i % 250, i / 250 % 250),
                    )
                    .json(
                        &json!({"tenant_id": tenant, "email": format!("k{c}-{i}@firma.pl"),
                        "password": "zgaduję-hasło"}),
                    )
                    .send()
                    .await;
                let status = r.map_or(0, |r| r.status().as_u16());
                answers.push((status, started.elapsed().as_secs_f64() * 1000.0));
            }
            answers
        });
    }
    flood
}

/// A tenant with one agent and its owner's login.
async fn seed(store: &Store) -> anyhow::Result<(Tenant, NewSecret)> {
    let now = SystemClock.now();
    let tenant = store
        .create_tenant(TenantKind::Client, "Hurtownia", now)
        .await?;
    let scope = TenantScope::operator(tenant.id.clone());
    let agent = store.create_agent(&scope, "ERP", "cli", now).await?;
    store
        .add_user(
            &scope,
            &Email::parse("szef@firma.pl")?,
            Role::Admin,
            "bardzo-tajne-haslo",
            "cli",
            now,
        )
        .await?;
    Ok((tenant, agent))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let dir = tempfile::tempdir()?;
    let url = args
        .database_url
        .clone()
        .unwrap_or_else(|| sqlite_url(&dir.path().join("inkaso.db")));
    let store = Store::open(&url, 16)
        .await
        .context("the cloud's database")?;
    let (tenant, agent) = seed(&store).await?;
    let settings = ApiSettings {
        trust_forwarded_for: true,
        ..ApiSettings::default()
    };
    let state = AppState::new(store.clone(), Arc::new(SystemClock), settings);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let running = server::spawn(listener, state)?;
    let base = running.base_url();
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(120))
        .build()?;
    let load_before = load_average();
    let mut seq = 0_u64;

    let quiet = batches(
        &http,
        &base,
        &agent.secret,
        &mut seq,
        args.batches,
        args.docs,
    )
    .await?;

    // The flood: `parallel` clients, each logging in again as soon as it is answered.
    let stop = Arc::new(AtomicBool::new(false));
    let mut flood = start_flood(&http, &base, tenant.id.as_str(), args.parallel, &stop);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let flooded = batches(
        &http,
        &base,
        &agent.secret,
        &mut seq,
        args.batches,
        args.docs,
    )
    .await?;
    stop.store(true, Ordering::Relaxed);
    let mut statuses = std::collections::BTreeMap::<u16, u64>::new();
    let mut login_ms = Vec::new();
    while let Some(answers) = flood.join_next().await {
        for (status, ms) in answers? {
            *statuses.entry(status).or_default() += 1;
            login_ms.push(ms);
        }
    }
    let load_after = load_average();
    running.stop().await?;

    let quiet = summary(quiet);
    let flooded = summary(flooded);
    let logins = summary(login_ms);
    let ratio = flooded["p99_ms"].as_f64().unwrap_or(0.0)
        / quiet["p99_ms"].as_f64().unwrap_or(1.0).max(0.001);
    print_table(
        &args,
        &quiet,
        &flooded,
        &logins,
        &statuses,
        ratio,
        [&load_before, &load_after],
    );
    let report = json!({
        "benchmark": "login-flood",
        "documents_per_batch": args.docs,
        "parallel_logins": args.parallel,
        "backend": if url.starts_with("postgres") { "postgres" } else { "sqlite" },
        "batches_quiet": quiet,
        "batches_flood": flooded,
        "flood_over_quiet_p99": ratio,
        "logins": logins,
        "login_statuses": statuses,
        "load_average": {"before": load_before, "after": load_after},
    });
    if let Some(parent) = args.out.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&args.out, serde_json::to_vec_pretty(&report)?)?;
    println!("JSON: {}", args.out.display());
    Ok(())
}
