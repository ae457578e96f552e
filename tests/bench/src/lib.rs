//! `inkaso-bench`: the benchmarks of the connectors (`inkaso-connectors-bench`), the cloud's
//! ingest (`inkaso-cloud-bench`), the portal's pages (`inkaso-portal-bench`) and the process
//! planner (`inkaso-planner-bench`), kept out of
//! the production crates. Each binary prints a table and writes JSON to `bench-out/`;
//! `scripts/bench.sh` runs them. The agent's sync and the login-flood benchmarks live with the
//! end-to-end harness they use (`inkaso-e2e`).

/// Runs one administrative statement (`CREATE`/`DROP DATABASE`) on a PostgreSQL server.
pub async fn pg_admin(url: &str, sql: String) -> anyhow::Result<()> {
    use sqlx::Connection as _;
    let mut conn = sqlx::PgConnection::connect(url).await?;
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .execute(&mut conn)
        .await?;
    Ok(())
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
