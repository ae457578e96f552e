//! `inkaso-cloud-bench`: ingest throughput of the agent API versus PostgreSQL `COPY`.
//!
//! One command, e.g.
//! `cargo run --release -p inkaso-bench --bin inkaso-cloud-bench -- --documents 1000000`.
//! It creates a throw-away PostgreSQL database, sends N documents (with N/10 debtors) as one
//! full snapshot through the real HTTP agent API (gzip bodies of 5 000 ops, in `seq` order, as
//! the agent does), then `COPY`s the same rows into the same `documents` table (for another
//! tenant), then re-sends the unchanged snapshot and counts the data rows it wrote (must be 0).
//! The same ingest runs against a temporary SQLite file. Prints a table and writes
//! `bench-out/cloud-ingest.json`. Not a timed test: nothing fails on slowness.

use inkaso_cloud::store::TenantScope;
use std::io::Write as _;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context as _, bail};
use chrono::{Duration, NaiveDate};
use clap::Parser;
use inkaso_bench::{load_average, pg_admin};
use inkaso_cloud::http::{ApiSettings, AppState};
use inkaso_cloud::server::spawn;
use inkaso_cloud::store::accounts::TenantKind;
use inkaso_cloud::store::{Store, new_id, ts};
use inkaso_shared::protocol::{Batch, MAX_OPS_PER_BATCH, Op, PROTOCOL_VERSION};
use inkaso_shared::records::{Debtor, DebtorKind, Document, ExternalId};
use inkaso_shared::{Clock, Currency, Email, SystemClock};
use serde_json::json;
use sqlx::{Connection as _, Row as _};

#[derive(Debug, Parser)]
#[command(
    name = "inkaso-cloud-bench",
    about = "Agent API ingest vs COPY (PostgreSQL) and SQLite"
)]
struct Args {
    /// Documents to ingest.
    #[arg(long, default_value_t = 100_000)]
    documents: usize,
    /// PostgreSQL server (a fresh database is created on it and dropped afterwards).
    #[arg(
        long,
        env = "INKASO_BENCH_PG_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/test"
    )]
    pg_url: String,
    /// Skip the SQLite run.
    #[arg(long)]
    skip_sqlite: bool,
    /// Where to write the JSON.
    #[arg(long, default_value = "bench-out/cloud-ingest.json")]
    out: std::path::PathBuf,
}

struct Data {
    bodies: Vec<Vec<u8>>,
    documents: Vec<Document>,
}

fn ext(s: &str) -> anyhow::Result<ExternalId> {
    ExternalId::new(s).map_err(|e| anyhow::anyhow!("{e}"))
}

/// The snapshot as gzip'd batch bodies with seq from `first_seq`, built before timing.
fn build(n: usize, first_seq: u64) -> anyhow::Result<Data> {
    let debtors = (n / 10).max(1);
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
                phone: None,
                address: None,
            },
        });
    }
    let base = NaiveDate::from_ymd_opt(2026, 1, 1).context("date")?;
    let mut documents = Vec::with_capacity(n);
    for i in 0..n {
        let amount = 10_000 + i64::try_from(i % 90_000).unwrap_or(0) * 7;
        let doc = Document {
            external_id: ext(&format!("R{i}"))?,
            debtor_external_id: ext(&format!("K{}", i % debtors))?,
            number: format!("FS {}/{}/2026", i % 1000, i / 1000),
            issue_date: Some(base + Duration::days(i64::try_from(i % 300).unwrap_or(0))),
            due_date: base + Duration::days(14 + i64::try_from(i % 300).unwrap_or(0)),
            amount_minor: amount,
            remaining_minor: amount - i64::try_from(i % 5).unwrap_or(0) * 100,
            currency: Currency::PLN,
        };
        documents.push(doc.clone());
        ops.push(Op::UpsertDocument { document: doc });
    }
    ops.push(Op::SnapshotEnd {
        snapshot_id: "bench".into(),
        observed_on: NaiveDate::from_ymd_opt(2026, 11, 22).context("date")?,
    });
    let mut bodies = Vec::new();
    for (k, chunk) in ops.chunks(MAX_OPS_PER_BATCH).enumerate() {
        let batch = Batch {
            protocol: PROTOCOL_VERSION,
            seq: first_seq + k as u64,
            ops: chunk.to_vec(),
        };
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        serde_json::to_writer(&mut enc, &batch)?;
        bodies.push(enc.finish()?);
    }
    Ok(Data { bodies, documents })
}

/// Rows per second (row counts here are far below 2^52, so the conversion is exact).
#[allow(clippy::cast_precision_loss)]
fn per_second(rows: usize, seconds: f64) -> f64 {
    rows as f64 / seconds
}

struct Run {
    seconds: f64,
    rows_per_s: f64,
}

/// Sends the bodies in order through a real server; returns the elapsed time.
async fn ingest(
    store: &Store,
    token: &str,
    bodies: &[Vec<u8>],
    docs: usize,
) -> anyhow::Result<Run> {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let server = spawn(
        listener,
        AppState::new(store.clone(), clock, ApiSettings::default()),
    )?;
    let http = reqwest::Client::new();
    let url = format!("{}/agent/v1/batches", server.base_url());
    let started = Instant::now();
    for body in bodies {
        let r = http
            .post(&url)
            .bearer_auth(token)
            .header("content-type", "application/json")
            .header("content-encoding", "gzip")
            .body(body.clone())
            .send()
            .await?;
        if !r.status().is_success() {
            bail!("batch refused: {} {}", r.status(), r.text().await?);
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    server.stop().await?;
    Ok(Run {
        seconds,
        rows_per_s: per_second(docs, seconds),
    })
}

/// Data rows (documents, debtors, history) written since `since` for a tenant.
async fn rows_written_since(
    store: &Store,
    tenant: &str,
    since: &str,
    events_before: i64,
) -> anyhow::Result<i64> {
    let mut n = 0i64;
    for table in ["documents", "debtors"] {
        let sql = format!("SELECT COUNT(*) FROM {table} WHERE tenant_id = $1 AND updated_at >= $2");
        n += sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(tenant)
            .bind(since)
            .fetch_one(store.pool())
            .await?
            .try_get::<i64, _>(0)?;
    }
    Ok(n + events(store, tenant).await? - events_before)
}

async fn events(store: &Store, tenant: &str) -> anyhow::Result<i64> {
    Ok(
        sqlx::query("SELECT COUNT(*) FROM document_events WHERE tenant_id = $1")
            .bind(tenant)
            .fetch_one(store.pool())
            .await?
            .try_get::<i64, _>(0)?,
    )
}

struct Backend {
    ingest: Run,
    resend: Run,
    resend_rows_written: i64,
}

async fn run_backend(url: &str, n: usize) -> anyhow::Result<Backend> {
    let store = Store::open(url, 8).await?;
    let now = SystemClock.now();
    let tenant = store
        .create_tenant(TenantKind::Client, "Bench", now)
        .await?;
    let agent = store
        .create_agent(
            &TenantScope::operator(tenant.id.clone()),
            "bench",
            "cli",
            now,
        )
        .await?;
    let data = build(n, 1)?;
    let first = ingest(&store, &agent.secret, &data.bodies, n).await?;
    let next = data.bodies.len() as u64 + 1;
    drop(data);
    let again = build(n, next)?;
    let since = ts(SystemClock.now());
    let before = events(&store, tenant.id.as_str()).await?;
    let resend = ingest(&store, &agent.secret, &again.bodies, n).await?;
    let written = rows_written_since(&store, tenant.id.as_str(), &since, before).await?;
    store.close().await;
    Ok(Backend {
        ingest: first,
        resend,
        resend_rows_written: written,
    })
}

/// `COPY` of the same rows into `documents` (as another tenant) on the same database.
async fn copy(url: &str, documents: &[Document]) -> anyhow::Result<Run> {
    let mut text = Vec::with_capacity(documents.len() * 200);
    let tenant = new_id();
    let agent = new_id();
    let now = ts(SystemClock.now());
    for d in documents {
        writeln!(
            text,
            "{tenant}\t{}\t{agent}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\topen\t\\N\t\\N\t{now}",
            new_id(),
            d.external_id,
            d.debtor_external_id,
            d.number,
            d.issue_date
                .map_or_else(|| "\\N".to_owned(), |x| x.to_string()),
            d.due_date,
            d.amount_minor,
            d.remaining_minor,
            d.currency.code()
        )?;
    }
    let mut conn = sqlx::PgConnection::connect(url).await?;
    let started = Instant::now();
    let mut copy = conn
        .copy_in_raw(
            "COPY documents (tenant_id, document_id, agent_id, external_id, debtor_external_id, number, issue_date, due_date, \
             amount_minor, remaining_minor, currency, status, close_reason, closed_on, updated_at) FROM STDIN",
        )
        .await?;
    for chunk in text.chunks(1 << 20) {
        copy.send(chunk).await?;
    }
    copy.finish().await?;
    let seconds = started.elapsed().as_secs_f64();
    Ok(Run {
        seconds,
        rows_per_s: per_second(documents.len(), seconds),
    })
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    inkaso_cloud::server::init_logging(false);
    sqlx::any::install_default_drivers();
    let n = args.documents;
    println!(
        "inkaso-cloud-bench: {n} documents, {} debtors, batches of {MAX_OPS_PER_BATCH} ops (gzip JSON over HTTP)",
        (n / 10).max(1)
    );

    let load_before = load_average();
    let db = format!("inkaso_bench_{}", new_id());
    pg_admin(&args.pg_url, format!("CREATE DATABASE {db}"))
        .await
        .context("PostgreSQL needed (--pg-url)")?;
    let base = args
        .pg_url
        .rsplit_once('/')
        .map_or(args.pg_url.clone(), |(b, _)| b.to_owned());
    let pg_url = format!("{base}/{db}");
    let result = async {
        let pg = run_backend(&pg_url, n).await?;
        let docs = build(n, 1)?.documents;
        let copied = copy(&pg_url, &docs).await?;
        anyhow::Ok((pg, copied))
    }
    .await;
    pg_admin(
        &args.pg_url,
        format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"),
    )
    .await?;
    let (pg, copied) = result?;

    let sqlite = if args.skip_sqlite {
        None
    } else {
        let dir = tempfile_dir()?;
        let r = run_backend(&inkaso_cloud::store::sqlite_url(&dir.join("bench.db")), n).await;
        let _ = std::fs::remove_dir_all(&dir);
        Some(r?)
    };

    let ratio = pg.ingest.rows_per_s / copied.rows_per_s;
    println!();
    println!("| path                                   | seconds | documents/s | rows written |");
    println!("|----------------------------------------|--------:|------------:|-------------:|");
    println!(
        "| PostgreSQL COPY (same rows, same table)| {:7.2} | {:11.0} |              |",
        copied.seconds, copied.rows_per_s
    );
    println!(
        "| PostgreSQL agent API (snapshot)        | {:7.2} | {:11.0} |              |",
        pg.ingest.seconds, pg.ingest.rows_per_s
    );
    println!(
        "| PostgreSQL agent API, unchanged resend | {:7.2} | {:11.0} | {:12} |",
        pg.resend.seconds, pg.resend.rows_per_s, pg.resend_rows_written
    );
    if let Some(s) = &sqlite {
        println!(
            "| SQLite agent API (snapshot)            | {:7.2} | {:11.0} |              |",
            s.ingest.seconds, s.ingest.rows_per_s
        );
        println!(
            "| SQLite agent API, unchanged resend     | {:7.2} | {:11.0} | {:12} |",
            s.resend.seconds, s.resend.rows_per_s, s.resend_rows_written
        );
    }
    println!("\nagent API / COPY on PostgreSQL: {ratio:.2}× (target ≥ 0.5×)");
    let load_after = load_average();
    println!(
        "load average (1, 5, 15 min) before: {}, after: {}",
        load_before.as_deref().unwrap_or("?"),
        load_after.as_deref().unwrap_or("?")
    );

    let out = json!({
        "documents": n,
        "debtors": (n / 10).max(1),
        "ops_per_batch": MAX_OPS_PER_BATCH,
        "load_average": {"before": load_before, "after": load_after},
        "postgres": {
            "copy": {"seconds": copied.seconds, "rows_per_s": copied.rows_per_s},
            "agent_api": {"seconds": pg.ingest.seconds, "rows_per_s": pg.ingest.rows_per_s},
            "unchanged_resend": {"seconds": pg.resend.seconds, "rows_per_s": pg.resend.rows_per_s, "data_rows_written": pg.resend_rows_written},
            "ratio_agent_api_to_copy": ratio
        },
        "sqlite": sqlite.as_ref().map(|s| json!({
            "agent_api": {"seconds": s.ingest.seconds, "rows_per_s": s.ingest.rows_per_s},
            "unchanged_resend": {"seconds": s.resend.seconds, "rows_per_s": s.resend.rows_per_s, "data_rows_written": s.resend_rows_written}
        })),
    });
    if let Some(parent) = args.out.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&args.out, serde_json::to_vec_pretty(&out)?)?;
    println!("wrote {}", args.out.display());
    Ok(())
}

fn tempfile_dir() -> anyhow::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("inkaso-bench-{}", new_id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
