//! Sample ERP databases shaped like the real ones, built through the real ODBC stack: the small,
//! hand-written ones under `connectors/testdata/<profile>/` (tests, demo) and a deterministic
//! generator of large Subiekt GT databases (benchmark).
//!
//! SQLite stands in for SQL Server: `Driver={SQLite3}` with one attached file per SQL Server
//! schema (`ATTACH DATABASE '…' AS CDN`), so the profiles' SQL runs unchanged.

use std::path::{Path, PathBuf};

use odbc_api::Connection;

use crate::connection::{ConnectionSettings, query_text, run_script};
use crate::error::ConnectorError;
use crate::profile::ProfileKind;

/// The SQL dialect a sample is loaded into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// SQLite through `Driver={SQLite3}`.
    Sqlite,
    /// PostgreSQL through psqlODBC (only `subiekt_gt` has a PostgreSQL schema).
    Postgres,
}

/// The profiles that have a sample database.
pub const SAMPLE_PROFILES: [ProfileKind; 5] = [
    ProfileKind::SubiektGt,
    ProfileKind::Optima,
    ProfileKind::ComarchXl,
    ProfileKind::Enova365,
    ProfileKind::WaproMag,
];

/// The DDL of a profile's sample database.
pub fn schema_script(profile: ProfileKind, dialect: Dialect) -> Option<&'static str> {
    match (profile, dialect) {
        (ProfileKind::SubiektGt | ProfileKind::Custom, Dialect::Sqlite) => {
            Some(include_str!("../testdata/subiekt_gt/schema.sql"))
        }
        (ProfileKind::SubiektGt | ProfileKind::Custom, Dialect::Postgres) => {
            Some(include_str!("../testdata/subiekt_gt/schema.pg.sql"))
        }
        (ProfileKind::Optima, Dialect::Sqlite) => {
            Some(include_str!("../testdata/optima/schema.sql"))
        }
        (ProfileKind::ComarchXl, Dialect::Sqlite) => {
            Some(include_str!("../testdata/comarch_xl/schema.sql"))
        }
        (ProfileKind::Enova365, Dialect::Sqlite) => {
            Some(include_str!("../testdata/enova365/schema.sql"))
        }
        (ProfileKind::WaproMag, Dialect::Sqlite) => {
            Some(include_str!("../testdata/wapro_mag/schema.sql"))
        }
        _ => None,
    }
}

/// The sample rows of a profile, in load order.
pub fn seed_scripts(profile: ProfileKind, dialect: Dialect) -> Vec<&'static str> {
    match (profile, dialect) {
        (ProfileKind::SubiektGt | ProfileKind::Custom, Dialect::Sqlite) => vec![
            include_str!("../testdata/subiekt_gt/seed.sql"),
            include_str!("../testdata/subiekt_gt/seed.sqlite.sql"),
        ],
        (ProfileKind::SubiektGt | ProfileKind::Custom, Dialect::Postgres) => {
            vec![include_str!("../testdata/subiekt_gt/seed.sql")]
        }
        (ProfileKind::Optima, Dialect::Sqlite) => {
            vec![include_str!("../testdata/optima/seed.sql")]
        }
        (ProfileKind::ComarchXl, Dialect::Sqlite) => {
            vec![include_str!("../testdata/comarch_xl/seed.sql")]
        }
        (ProfileKind::Enova365, Dialect::Sqlite) => {
            vec![include_str!("../testdata/enova365/seed.sql")]
        }
        (ProfileKind::WaproMag, Dialect::Sqlite) => {
            vec![include_str!("../testdata/wapro_mag/seed.sql")]
        }
        _ => Vec::new(),
    }
}

/// The SQL Server schemas a profile's tables live in (attached as SQLite files).
fn attached_schemas(profile: ProfileKind) -> &'static [&'static str] {
    match profile {
        ProfileKind::Optima | ProfileKind::ComarchXl => &["CDN"],
        ProfileKind::SymfoniaHandel => &["HM", "SSCommon"],
        ProfileKind::SubiektNexo => &["ModelDanychContainer"],
        _ => &[],
    }
}

fn sql_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// The connection settings of a SQLite-backed ERP database in `dir` for `profile`: the main
/// file `erp.db` plus one attached file per schema the profile's SQL names.
pub fn sqlite_connection(profile: ProfileKind, dir: &Path) -> ConnectionSettings {
    let main = dir.join("erp.db");
    ConnectionSettings {
        // StepAPI: stream rows with sqlite3_step instead of materialising the result set
        // (honoured by the driver for statements without parameters).
        connection_string: Some(format!(
            "Driver={{SQLite3}};Database={};StepAPI=1",
            main.display()
        )),
        init_statements: attached_schemas(profile)
            .iter()
            .map(|schema| {
                let file = dir.join(format!("{}.db", schema.to_ascii_lowercase()));
                format!(
                    "ATTACH DATABASE {} AS {schema}",
                    sql_quote(&file.display().to_string())
                )
            })
            .collect(),
        ..ConnectionSettings::default()
    }
}

/// Loads a profile's sample schema and rows into an open connection.
pub fn load_sample(
    conn: &Connection<'_>,
    profile: ProfileKind,
    dialect: Dialect,
) -> Result<(), ConnectorError> {
    let schema = schema_script(profile, dialect).ok_or(ConnectorError::NoProfile)?;
    run_script(conn, schema, &format!("{profile}/schema"))?;
    for seed in seed_scripts(profile, dialect) {
        run_script(conn, seed, &format!("{profile}/seed"))?;
    }
    Ok(())
}

/// Builds the sample ERP database of `profile` in `dir` (SQLite3 ODBC driver) and returns the
/// connection settings that reach it. `dir` must not already hold one.
pub fn create_sample_db(
    profile: ProfileKind,
    dir: &Path,
) -> Result<ConnectionSettings, ConnectorError> {
    std::fs::create_dir_all(dir).map_err(|source| ConnectorError::Io {
        path: dir.display().to_string(),
        source,
    })?;
    let settings = sqlite_connection(profile, dir);
    let conn = settings.connect()?;
    load_sample(&conn, profile, Dialect::Sqlite)?;
    Ok(settings)
}

/// Size and seed of a generated database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GeneratorSpec {
    /// Contractors.
    pub debtors: u64,
    /// Settlement rows (`nz__Finanse`), of which about 70 % are open receivables.
    pub settlements: u64,
    /// Seed of the deterministic pseudo-random values.
    pub seed: u64,
}

/// The large-database generator's SQL (SQLite dialect: recursive CTE, `printf`, `date`).
const GENERATOR_SQL: &str = include_str!("../testdata/generator/subiekt_gt.sql");

/// Creates (or reuses, when one with the same spec exists) a large Subiekt GT database in
/// `dir`. Deterministic: the same spec gives the same rows. Returns the connection settings
/// and whether it was reused.
pub fn generate_gt(
    dir: &Path,
    spec: GeneratorSpec,
) -> Result<(ConnectionSettings, bool), ConnectorError> {
    std::fs::create_dir_all(dir).map_err(|source| ConnectorError::Io {
        path: dir.display().to_string(),
        source,
    })?;
    let file: PathBuf = dir.join(format!(
        "gt-{}-{}-{}.db",
        spec.debtors, spec.settlements, spec.seed
    ));
    let settings = ConnectionSettings {
        connection_string: Some(format!(
            "Driver={{SQLite3}};Database={};StepAPI=1",
            file.display()
        )),
        ..ConnectionSettings::default()
    };
    let conn = settings.connect()?;
    let done = query_text(&conn, "SELECT done FROM inkaso_generator", 1)
        .ok()
        .and_then(|rows| rows.into_iter().next())
        .and_then(|row| row.into_iter().next().flatten())
        .is_some_and(|v| v == "1");
    if done {
        return Ok((settings, true));
    }
    drop(conn);
    let _ = std::fs::remove_file(&file);
    let conn = settings.connect()?;
    run_script(
        &conn,
        "PRAGMA journal_mode = OFF;\nPRAGMA synchronous = OFF;",
        "pragma",
    )?;
    run_script(
        &conn,
        include_str!("../testdata/subiekt_gt/schema.sql"),
        "schema",
    )?;
    let script = GENERATOR_SQL
        .replace("{{debtors}}", &spec.debtors.to_string())
        .replace("{{settlements}}", &spec.settlements.to_string())
        .replace("{{seed}}", &(spec.seed % 1_000_003).to_string());
    run_script(&conn, &script, "generator")?;
    Ok((settings, false))
}
