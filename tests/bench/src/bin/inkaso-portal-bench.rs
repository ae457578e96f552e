//! `inkaso-portal-bench`: how long the portal's pages take to render for a large firm.
//!
//! One command, e.g. `scripts/bench.sh portal` (or `cargo run --release -p inkaso-bench --bin
//! inkaso-portal-bench -- --debtors 20000 --documents 100000`). For each engine (SQLite file,
//! then a throw-away PostgreSQL database) it seeds one firm through the real agent API (one
//! full snapshot: debtors with e-mail and phone, documents due from 200 days ago to 30 days
//! ahead), gives `--collected` of its debtors a three-stage process in test mode (the others a
//! process whose first stage is a year away) and runs the engine until the day's work is
//! recorded (so history and tasks are not empty), then logs in through the
//! portal and requests every main page `--requests` times in a row after a warm-up, over
//! loopback HTTP with the session cookie, as a browser would. Prints p50/p95/max per page and
//! engine and writes `bench-out/portal-pages.json`. The target (p95 ≤ 100 ms) is read off the
//! table; nothing fails on slowness.

use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context as _, bail};
use chrono::Duration;
use clap::Parser;
use inkaso_bench::{load_average, on_each_engine};
use inkaso_cloud::http::{ApiSettings, AppState};
use inkaso_cloud::server::spawn;
use inkaso_cloud::services::{App, Engine};
use inkaso_cloud::store::accounts::{Role, TenantKind};
use inkaso_cloud::store::{Store, TenantScope};
use inkaso_shared::protocol::{Batch, MAX_OPS_PER_BATCH, Op, PROTOCOL_VERSION};
use inkaso_shared::records::{Debtor, DebtorKind, Document, ExternalId};
use inkaso_shared::{Clock, Currency, Email, Phone, SystemClock};
use serde_json::json;

#[derive(Debug, Parser)]
#[command(
    name = "inkaso-portal-bench",
    about = "Portal page render times for a large firm, SQLite and PostgreSQL"
)]
struct Args {
    /// Debtors of the firm.
    #[arg(long, default_value_t = 20_000)]
    debtors: usize,
    /// Documents of the firm.
    #[arg(long, default_value_t = 100_000)]
    documents: usize,
    /// Debtors the process applies to (every k-th one): the engine's day of work for them
    /// makes the history, tasks and the dashboard's lists; the rest have a process whose
    /// first stage is a year away.
    #[arg(long, default_value_t = 2_000)]
    collected: usize,
    /// Timed requests per page (after 3 untimed ones).
    #[arg(long, default_value_t = 40)]
    requests: usize,
    #[command(flatten)]
    engines: inkaso_bench::Engines,
    /// Where to write the JSON.
    #[arg(long, default_value = "bench-out/portal-pages.json")]
    out: std::path::PathBuf,
}

const PASSWORD: &str = "haslo-do-pomiarow-123";
const EMAIL: &str = "szef@duza-firma.pl";
const COOKIE: &str = "__Host-inkaso";

fn ext(s: &str) -> anyhow::Result<ExternalId> {
    ExternalId::new(s).map_err(|e| anyhow::anyhow!("{e}"))
}

/// The firm's ERP as one snapshot, in gzip'd batch bodies.
fn snapshot(debtors: usize, documents: usize) -> anyhow::Result<Vec<Vec<u8>>> {
    let today = SystemClock.now().date_naive();
    let mut ops = vec![Op::SnapshotBegin {
        snapshot_id: "bench".into(),
    }];
    for d in 0..debtors {
        ops.push(Op::UpsertDebtor {
            debtor: Debtor {
                external_id: ext(&format!("K{d}"))?,
                kind: DebtorKind::Company,
                name: format!("Kontrahent {d} Sp. z o.o."),
                nip: None,
                email: Some(
                    Email::parse(&format!("biuro{d}@firma.pl"))
                        .map_err(|e| anyhow::anyhow!("{e}"))?,
                ),
                phone: Some(
                    Phone::parse(&format!("+48 6{:08}", d % 100_000_000))
                        .map_err(|e| anyhow::anyhow!("{e}"))?,
                ),
                address: None,
            },
        });
    }
    for i in 0..documents {
        let amount = 10_000 + i64::try_from(i % 90_000).unwrap_or(0) * 7;
        // Due from 200 days ago to 30 days ahead: every ageing bucket and the week ahead.
        let due = today - Duration::days(200) + Duration::days(i64::try_from(i % 231)?);
        ops.push(Op::UpsertDocument {
            document: Document {
                external_id: ext(&format!("R{i}"))?,
                debtor_external_id: ext(&format!("K{}", i % debtors))?,
                number: format!("FS {}/{}/2026", i % 1000, i / 1000),
                issue_date: Some(due - Duration::days(14)),
                due_date: due,
                amount_minor: amount,
                remaining_minor: amount - i64::try_from(i % 5).unwrap_or(0) * 100,
                currency: Currency::PLN,
            },
        });
    }
    ops.push(Op::SnapshotEnd {
        snapshot_id: "bench".into(),
        observed_on: today,
    });
    let mut bodies = Vec::new();
    for (k, chunk) in ops.chunks(MAX_OPS_PER_BATCH).enumerate() {
        let batch = Batch {
            protocol: PROTOCOL_VERSION,
            seq: k as u64 + 1,
            ops: chunk.to_vec(),
        };
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        serde_json::to_writer(&mut enc, &batch)?;
        bodies.push(enc.finish()?);
    }
    Ok(bodies)
}

/// One page's timings, in milliseconds.
struct PageTimes {
    page: String,
    p50: f64,
    p95: f64,
    max: f64,
    bytes: usize,
}

/// The value at quantile `q` of sorted samples (nearest rank).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

struct EngineRun {
    name: &'static str,
    seed_seconds: f64,
    engine_seconds: f64,
    actions: i64,
    pages: Vec<PageTimes>,
}

async fn count(store: &Store, table: &str, tenant: &str) -> anyhow::Result<i64> {
    use sqlx::Row as _;
    let sql = format!("SELECT COUNT(*) FROM {table} WHERE tenant_id = $1");
    Ok(sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant)
        .fetch_one(store.pool())
        .await?
        .try_get::<i64, _>(0)?)
}

#[allow(clippy::too_many_lines)] // one scenario, read top to bottom: seed, engine, pages
async fn run_engine(name: &'static str, url: &str, args: &Args) -> anyhow::Result<EngineRun> {
    let store = Store::open(url, 8).await?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let now = clock.now();
    let tenant = store
        .create_tenant(TenantKind::Client, "Duża Firma Sp. z o.o.", now)
        .await?;
    let scope = TenantScope::operator(tenant.id.clone());
    let agent = store.create_agent(&scope, "ERP", "cli", now).await?;
    let admin = store
        .create_api_token(&scope, "bench", Role::Admin, "cli", now)
        .await?;
    store
        .add_user(
            &scope,
            &Email::parse(EMAIL).map_err(|e| anyhow::anyhow!("{e}"))?,
            Role::Admin,
            PASSWORD,
            "cli",
            now,
        )
        .await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let server = spawn(
        listener,
        AppState::new(store.clone(), Arc::clone(&clock), ApiSettings::default()),
    )?;
    let base = server.base_url();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;

    // The ERP's snapshot, through the agent API.
    let bodies = snapshot(args.debtors, args.documents)?;
    let started = Instant::now();
    for body in bodies {
        let r = http
            .post(format!("{base}/agent/v1/batches"))
            .bearer_auth(&agent.secret)
            .header("content-type", "application/json")
            .header("content-encoding", "gzip")
            .body(body)
            .send()
            .await?;
        if !r.status().is_success() {
            bail!("batch refused: {} {}", r.status(), r.text().await?);
        }
    }
    let seed_seconds = started.elapsed().as_secs_f64();
    // The agent says it synced just now: the engine works only on fresh data.
    let r = http
        .post(format!("{base}/agent/v1/heartbeat"))
        .bearer_auth(&agent.secret)
        .json(
            &json!({"protocol": PROTOCOL_VERSION, "agent_version": "bench", "profile": "subiekt_gt",
            "last_sync_at": clock.now(), "queue_depth": 0, "quarantined": 0, "last_error": null}),
        )
        .send()
        .await?;
    if !r.status().is_success() {
        bail!("heartbeat refused: {} {}", r.status(), r.text().await?);
    }

    // A process in test mode, and the engine's day of work recorded.
    let always = json!({"weekdays": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        "start_hour": 0, "end_hour": 24, "skip_holidays": false});
    for (path, body) in [
        ("/api/v1/collection/settings", json!({"test_mode": true})),
        (
            "/api/v1/processes/LATER",
            json!({"code": "LATER", "name": "Za rok", "is_default": true, "stages": [
                {"code": "T365", "name": "Przegląd", "channel": "task", "offset_days": 365, "template": "task"}
            ]}),
        ),
        (
            "/api/v1/processes/STD",
            // Any day, any hour: the run must record its day's work whenever it is started.
            json!({"code": "STD", "name": "Standard", "is_default": false, "stages": [
                {"code": "SMS-3", "name": "Przypomnienie SMS", "channel": "sms", "offset_days": -3, "template": "sms", "window": always},
                {"code": "EMAIL7", "name": "Wezwanie e-mail", "channel": "email", "offset_days": 7, "template": "email", "window": always},
                {"code": "TASK30", "name": "Telefon", "channel": "task", "offset_days": 30, "template": "task", "window": always}
            ]}),
        ),
    ] {
        let r = http
            .put(format!("{base}{path}"))
            .bearer_auth(&admin.secret)
            .json(&body)
            .send()
            .await?;
        if !r.status().is_success() {
            bail!("{path}: {} {}", r.status(), r.text().await?);
        }
    }
    // The process for every k-th debtor, through the API (the list's pages, then one change
    // per debtor).
    let every = (args.debtors / args.collected.max(1)).max(1);
    let mut after = String::new();
    let mut position = 0usize;
    loop {
        let cursor = if after.is_empty() {
            String::new()
        } else {
            format!("&after={after}")
        };
        let page: serde_json::Value = http
            .get(format!("{base}/api/v1/debtors?limit=500{cursor}"))
            .bearer_auth(&admin.secret)
            .send()
            .await?
            .json()
            .await?;
        let items = page["items"]
            .as_array()
            .with_context(|| format!("a page of debtors: {page}"))?;
        for d in items {
            if position.is_multiple_of(every) {
                let id = d["id"].as_str().context("debtor id")?;
                let r = http
                    .patch(format!("{base}/api/v1/debtors/{id}/collection"))
                    .bearer_auth(&admin.secret)
                    .json(&json!({"own_process": "STD"}))
                    .send()
                    .await?;
                if !r.status().is_success() {
                    bail!("collection of {id}: {} {}", r.status(), r.text().await?);
                }
            }
            position += 1;
        }
        match page["next_cursor"].as_str() {
            Some(c) => c.clone_into(&mut after),
            None => break,
        }
    }
    let app = App::new(store.clone(), Arc::clone(&clock), Engine::default());
    let started = Instant::now();
    for _ in 0..50 {
        let summary = app.tick(&scope).await?;
        // Held decisions stay held until something changes: a tick that planned and sent
        // nothing has done the day's work.
        if summary.planned.is_empty() && summary.sent.is_empty() {
            break;
        }
    }
    let engine_seconds = started.elapsed().as_secs_f64();
    let actions = count(&store, "actions", tenant.id.as_str()).await?;

    // The portal, as a person in a browser.
    let login = http
        .post(format!("{base}/login"))
        .form(&[("email", EMAIL), ("password", PASSWORD)])
        .send()
        .await?;
    let cookie = login
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(COOKIE))
        .and_then(|v| v.split(';').next())
        .context("no session cookie after login")?
        .to_owned();
    let get = |path: String| {
        let http = http.clone();
        let cookie = cookie.clone();
        let url = format!("{base}{path}");
        async move {
            let r = http.get(&url).header("cookie", cookie).send().await?;
            let status = r.status();
            let body = r.text().await?;
            if !status.is_success() {
                bail!("{url}: {status}");
            }
            anyhow::Ok(body)
        }
    };
    let debtors_json: serde_json::Value = http
        .get(format!(
            "{base}/api/v1/debtors?limit=1&q=Kontrahent%201234%20"
        ))
        .bearer_auth(&admin.secret)
        .send()
        .await?
        .json()
        .await?;
    let debtor = debtors_json["items"][0]["id"]
        .as_str()
        .context("a debtor to open")?
        .to_owned();
    let docs_json: serde_json::Value = http
        .get(format!("{base}/api/v1/documents?limit=1"))
        .bearer_auth(&admin.secret)
        .send()
        .await?
        .json()
        .await?;
    let document = docs_json["items"][0]["id"]
        .as_str()
        .context("a document to open")?
        .to_owned();
    let pages: Vec<(&str, String)> = vec![
        ("dashboard", "/".into()),
        ("debtors", "/debtors".into()),
        ("debtors: search", "/debtors?q=Kontrahent+1234".into()),
        ("debtors: overdue", "/debtors?open=yes".into()),
        ("debtor", format!("/debtors/{debtor}")),
        ("documents", "/documents".into()),
        ("documents: 90+ days", "/documents?overdue=91".into()),
        ("document", format!("/documents/{document}")),
        ("history", "/history".into()),
        ("history: failed", "/history?status=failed".into()),
        ("letters", "/letters".into()),
        ("tasks", "/tasks".into()),
        ("cases", "/cases".into()),
        ("processes", "/processes".into()),
        ("process editor", "/processes/STD".into()),
        ("templates", "/templates".into()),
        ("settings", "/settings".into()),
        ("administration", "/admin".into()),
        ("audit log", "/admin/audit".into()),
    ];
    let mut out = Vec::new();
    for (name, path) in pages {
        let mut bytes = 0;
        for _ in 0..3 {
            bytes = get(path.clone()).await?.len();
        }
        let mut samples = Vec::with_capacity(args.requests);
        for _ in 0..args.requests {
            let t = Instant::now();
            get(path.clone()).await?;
            samples.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        samples.sort_by(f64::total_cmp);
        out.push(PageTimes {
            page: name.to_owned(),
            p50: quantile(&samples, 0.5),
            p95: quantile(&samples, 0.95),
            max: samples.last().copied().unwrap_or_default(),
            bytes,
        });
    }
    server.stop().await?;
    store.close().await;
    Ok(EngineRun {
        name,
        seed_seconds,
        engine_seconds,
        actions,
        pages: out,
    })
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    // No log subscriber: the cloud's request logs would bury the table.
    sqlx::any::install_default_drivers();
    println!(
        "inkaso-portal-bench: {} debtors ({} collected), {} documents, {} timed requests per page (after 3 untimed)",
        args.debtors, args.collected, args.documents, args.requests
    );
    let load_before = load_average();
    let engines = on_each_engine("inkaso-portal-bench", &args.engines, |name, url| {
        let args = &args;
        async move { run_engine(name, &url, args).await }
    })
    .await?;
    let load_after = load_average();

    for e in &engines {
        println!(
            "\n{}: seeded in {:.1} s through the agent API; the engine recorded {} actions in {:.1} s",
            e.name, e.seed_seconds, e.actions, e.engine_seconds
        );
        println!("| page                 | p50 ms | p95 ms | max ms |   KiB | p95 ≤ 100 ms |");
        println!("|----------------------|-------:|-------:|-------:|------:|:------------:|");
        for p in &e.pages {
            #[allow(clippy::cast_precision_loss)]
            let kib = p.bytes as f64 / 1024.0;
            println!(
                "| {:<20} | {:6.1} | {:6.1} | {:6.1} | {:5.0} | {:^12} |",
                p.page,
                p.p50,
                p.p95,
                p.max,
                kib,
                if p.p95 <= 100.0 { "yes" } else { "NO" }
            );
        }
    }
    println!(
        "\nload average (1, 5, 15 min) before: {}, after: {}",
        load_before.as_deref().unwrap_or("?"),
        load_after.as_deref().unwrap_or("?")
    );
    let out = json!({
        "debtors": args.debtors,
        "collected_debtors": args.collected,
        "documents": args.documents,
        "requests_per_page": args.requests,
        "load_average": {"before": load_before, "after": load_after},
        "engines": engines.iter().map(|e| json!({
            "engine": e.name,
            "seed_seconds": e.seed_seconds,
            "engine_seconds": e.engine_seconds,
            "actions": e.actions,
            "pages": e.pages.iter().map(|p| json!({
                "page": p.page, "p50_ms": p.p50, "p95_ms": p.p95, "max_ms": p.max, "bytes": p.bytes
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    });
    if let Some(parent) = args.out.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&args.out, serde_json::to_vec_pretty(&out)?)?;
    println!("wrote {}", args.out.display());
    Ok(())
}
