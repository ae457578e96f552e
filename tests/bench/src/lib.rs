//! `inkaso-bench`: the benchmarks of the connectors (`inkaso-connectors-bench`), the cloud's
//! ingest (`inkaso-cloud-bench`), the portal's pages (`inkaso-portal-bench`) and the process
//! planner (`inkaso-planner-bench`) and the statistics' measurement (`inkaso-stats-eval`, over
//! the synthetic market of [`history`]), kept out of
//! the production crates. Each binary prints a table and writes JSON to `bench-out/`;
//! `scripts/bench.sh` runs them. The agent's sync and the login-flood benchmarks live with the
//! end-to-end harness they use (`inkaso-e2e`).

pub mod history;

/// Runs one administrative statement (`CREATE`/`DROP DATABASE`) on a PostgreSQL server.
pub async fn pg_admin(url: &str, sql: String) -> anyhow::Result<()> {
    use sqlx::Connection as _;
    let mut conn = sqlx::PgConnection::connect(url).await?;
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .execute(&mut conn)
        .await?;
    Ok(())
}

/// The engines a store benchmark runs on: its command-line flags (`#[command(flatten)]`).
#[derive(Debug, Clone, clap::Args)]
pub struct Engines {
    /// PostgreSQL server (a fresh database is created on it and dropped afterwards).
    #[arg(
        long,
        env = "INKASO_BENCH_PG_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/test"
    )]
    pub pg_url: String,
    /// Skip the PostgreSQL run.
    #[arg(long)]
    pub skip_postgres: bool,
    /// Skip the SQLite run.
    #[arg(long)]
    pub skip_sqlite: bool,
}

/// Runs `run(engine name, database URL)` on a fresh SQLite file, then on a throw-away
/// PostgreSQL database created on the `engines.pg_url` server (each removed afterwards, also
/// when the run fails), skipping either on request; the runs in that order. `prefix` names the
/// temporary file and database.
pub async fn on_each_engine<T, F, Fut>(
    prefix: &str,
    engines: &Engines,
    run: F,
) -> anyhow::Result<Vec<T>>
where
    F: Fn(&'static str, String) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<T>>,
{
    use anyhow::Context as _;
    let Engines {
        pg_url,
        skip_postgres,
        skip_sqlite,
    } = engines;
    let mut out = Vec::new();
    if !skip_sqlite {
        let id = inkaso_cloud::store::new_id();
        let dir = std::env::temp_dir().join(format!("{prefix}-{id}"));
        std::fs::create_dir_all(&dir)?;
        let r = run(
            "SQLite",
            inkaso_cloud::store::sqlite_url(&dir.join("bench.db")),
        )
        .await;
        let _ = std::fs::remove_dir_all(&dir);
        out.push(r?);
    }
    if !skip_postgres {
        let db = format!(
            "{}_{}",
            prefix.replace('-', "_"),
            inkaso_cloud::store::new_id()
        );
        pg_admin(pg_url, format!("CREATE DATABASE {db}"))
            .await
            .context("PostgreSQL needed (--pg-url), or --skip-postgres")?;
        let base = pg_url.rsplit_once('/').map_or(pg_url.as_str(), |(b, _)| b);
        let r = run("PostgreSQL", format!("{base}/{db}")).await;
        pg_admin(pg_url, format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)")).await?;
        out.push(r?);
    }
    Ok(out)
}

/// The 1-, 5- and 15-minute load averages (Linux), printed beside the figures: the machine may
/// be shared, and a figure means little without them.
pub fn load_average() -> Option<String> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    Some(
        text.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// A seeded, reproducible generator (splitmix64): a run replays identically from its seed.
#[derive(Debug, Clone)]
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..hi` (hi > lo).
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        let span = u64::try_from(hi - lo).unwrap_or(1).max(1);
        lo + i64::try_from(self.next_u64() % span).unwrap_or(0)
    }
}
