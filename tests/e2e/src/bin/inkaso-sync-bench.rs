//! Benchmark (not a test) of the agent's incremental sync, side by side with the raw ODBC fetch
//! of the same query: a Subiekt GT database of N settlements, a first full sync into a cloud on
//! SQLite, 1 % of the settlements paid in part, then the incremental sync and a no-op sync.
//! The agent runs as its own process (the real CLI) so its peak RSS is its own.
//!
//! `scripts/bench.sh sync` (or `cargo build --release -p inkaso-e2e --bins` and run
//! `target/release/inkaso-sync-bench --settlements 1000000`). Prints a table, writes JSON.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Parser;
use inkaso_connectors::{ConnectorConfig, ProfileKind};
use inkaso_e2e::Harness;
use inkaso_sample_erp::{GeneratorSpec, generate_gt};
use sqlx::Row;

#[derive(Debug, Parser)]
struct Args {
    /// Settlement rows in the generated ERP (about 75 % of them open).
    #[arg(long, default_value_t = 1_000_000)]
    settlements: u64,
    /// Contractors (default: a tenth of the settlements).
    #[arg(long)]
    debtors: Option<u64>,
    /// Per mille of open settlements paid in part before the incremental sync.
    #[arg(long, default_value_t = 10)]
    changed_per_mille: u64,
    /// Where the generated ERP and the run's files live.
    #[arg(long, default_value = "bench-out")]
    dir: PathBuf,
    /// The JSON report.
    #[arg(long, default_value = "bench-out/sync.json")]
    out: PathBuf,
}

/// One run of the agent CLI: wall time and peak RSS.
struct Run {
    seconds: f64,
    peak_rss_mib: f64,
}

fn agent_binary() -> anyhow::Result<PathBuf> {
    let me = std::env::current_exe()?;
    let bin = me.with_file_name("inkaso-agent-under-test");
    if !bin.exists() {
        bail!(
            "{} is missing: build with `cargo build --release -p inkaso-e2e --bins`",
            bin.display()
        );
    }
    Ok(bin)
}

/// Runs `inkaso-agent sync --once`, sampling the child's VmHWM until it exits.
fn run_agent(bin: &Path, config: &Path) -> anyhow::Result<Run> {
    let started = Instant::now();
    let mut child = Command::new(bin)
        .args(["--config", &config.display().to_string(), "sync", "--once"])
        .stdout(std::process::Stdio::null())
        .spawn()?;
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kib = 0u64;
    let status = loop {
        if let Ok(text) = std::fs::read_to_string(&status_file)
            && let Some(kib) = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        {
            peak_kib = peak_kib.max(kib);
        }
        if let Some(status) = child.try_wait()? {
            break status;
        }
        #[allow(clippy::disallowed_methods)] // this thread only watches the child
        std::thread::sleep(Duration::from_millis(10));
    };
    if !status.success() {
        bail!("the agent failed: {status}");
    }
    Ok(Run {
        seconds: started.elapsed().as_secs_f64(),
        peak_rss_mib: mib(peak_kib),
    })
}

#[allow(clippy::cast_precision_loss)] // a report figure
fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

async fn last_run(state: &Path) -> anyhow::Result<(i64, i64, i64)> {
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", state.display())).await?;
    let row = sqlx::query("SELECT ops, batches_sent, bytes_sent FROM sync_run WHERE status = 'ok' ORDER BY id DESC LIMIT 1")
        .fetch_one(&pool)
        .await?;
    let out = (row.get(0), row.get(1), row.get(2));
    pool.close().await;
    Ok(out)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
#[allow(clippy::too_many_lines, clippy::cast_precision_loss)] // a linear script; report figures
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let bin = agent_binary()?;
    let spec = GeneratorSpec {
        debtors: args.debtors.unwrap_or(args.settlements / 10).max(1),
        settlements: args.settlements,
        seed: 42,
    };
    std::fs::create_dir_all(&args.dir)?;
    eprintln!(
        "ERP: {} settlements of {} debtors…",
        spec.settlements, spec.debtors
    );
    let (connection, _) = generate_gt(&args.dir, spec)?;
    let run_dir = args.dir.join(format!("sync-{}", spec.settlements));
    let _ = std::fs::remove_dir_all(&run_dir);
    std::fs::create_dir_all(&run_dir)?;
    let mut connector = ConnectorConfig {
        connection,
        ..ConnectorConfig::default()
    };
    connector.profile.kind = Some(ProfileKind::SubiektGt);
    let h =
        Harness::start_with(&run_dir, connector.clone(), "2026-11-02T07:00:00Z".parse()?).await?;
    let config = h.write_agent_config()?;

    eprintln!("first (full) sync…");
    let full = run_agent(&bin, &config)?;
    let (full_ops, full_batches, full_bytes) = last_run(&h.state_path()).await?;

    // 1 % of the open settlements get a partial payment of 1 zł (restored afterwards, so the
    // generated database can be reused by the next run).
    let every = (1000 / args.changed_per_mille.max(1)).max(1);
    let change = format!(
        "UPDATE nz__Finanse SET nzf_WartoscWaluta = nzf_WartoscWaluta - 1, nzf_Wartosc = nzf_Wartosc - 1
         WHERE nzf_Id % {every} = 0 AND nzf_WartoscWaluta > 1;"
    );
    h.erp_execute(&change).context("changing the ERP")?;

    eprintln!("incremental sync…");
    let incremental = run_agent(&bin, &config)?;
    let (inc_ops, inc_batches, inc_bytes) = last_run(&h.state_path()).await?;

    eprintln!("no-op sync…");
    let noop = run_agent(&bin, &config)?;
    let (noop_ops, _, noop_bytes) = last_run(&h.state_path()).await?;

    eprintln!("raw ODBC fetch of the same query…");
    let raw_started = Instant::now();
    let raw = tokio::task::spawn_blocking({
        let c = connector.clone();
        move || inkaso_connectors::fetch_raw(&c)
    })
    .await??;
    let raw_seconds = raw_started.elapsed().as_secs_f64();

    h.erp_execute(
        &change
            .replace("- 1", "+ 1")
            .replace("nzf_WartoscWaluta > 1", "1 = 1"),
    )
    .context("restoring the ERP")?;
    h.stop().await?;

    let ratio = incremental.seconds / raw_seconds;
    println!(
        "inkaso sync benchmark: {} settlements, {} rows open, {}‰ changed",
        spec.settlements, raw.rows, args.changed_per_mille
    );
    println!(
        "{:<28} {:>10} {:>10} {:>10} {:>12} {:>10}",
        "run", "seconds", "ops", "batches", "bytes sent", "peak MiB"
    );
    println!(
        "{:<28} {:>10.2} {:>10} {:>10} {:>12} {:>10.1}",
        "raw ODBC fetch (baseline)",
        raw_seconds,
        "-",
        "-",
        "-",
        f64::NAN
    );
    println!(
        "{:<28} {:>10.2} {:>10} {:>10} {:>12} {:>10.1}",
        "first sync (full)", full.seconds, full_ops, full_batches, full_bytes, full.peak_rss_mib
    );
    println!(
        "{:<28} {:>10.2} {:>10} {:>10} {:>12} {:>10.1}",
        "incremental sync (1 %)",
        incremental.seconds,
        inc_ops,
        inc_batches,
        inc_bytes,
        incremental.peak_rss_mib
    );
    println!(
        "{:<28} {:>10.2} {:>10} {:>10} {:>12} {:>10.1}",
        "no-op sync", noop.seconds, noop_ops, 0, noop_bytes, noop.peak_rss_mib
    );
    println!("incremental / raw fetch: {ratio:.2}× (target ≤ 1.5×); peak RSS target ≤ 128 MiB");

    let json = serde_json::json!({
        "benchmark": "inkaso-sync",
        "settlements": spec.settlements,
        "debtors": spec.debtors,
        "open_rows": raw.rows,
        "changed_per_mille": args.changed_per_mille,
        "raw_fetch": {"seconds": raw_seconds, "rows": raw.rows},
        "full_sync": {"seconds": full.seconds, "ops": full_ops, "batches": full_batches, "bytes_sent": full_bytes, "peak_rss_mib": full.peak_rss_mib},
        "incremental_sync": {"seconds": incremental.seconds, "ops": inc_ops, "batches": inc_batches, "bytes_sent": inc_bytes, "peak_rss_mib": incremental.peak_rss_mib},
        "noop_sync": {"seconds": noop.seconds, "ops": noop_ops, "bytes_sent": noop_bytes, "peak_rss_mib": noop.peak_rss_mib},
        "incremental_over_raw": ratio,
        "targets": {"incremental_over_raw_max": 1.5, "peak_rss_mib_max": 128.0},
    });
    if let Some(parent) = args.out.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&args.out, serde_json::to_string_pretty(&json)?)?;
    eprintln!("wrote {}", args.out.display());
    Ok(())
}
