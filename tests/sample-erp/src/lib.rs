//! `inkaso-sample-erp` (test support, never a dependency of a production crate): sample ERP
//! databases shaped like the real ones, built through the real ODBC stack: the small,
//! hand-written ones under `testdata/<profile>/` (this module; tests), deterministic generators
//! of databases of any size for every sample profile ([`generator`]; the demo, the end-to-end
//! tests, the benchmarks), and what the demo's ERP users do to them ([`erp`]: the only ERP
//! `UPDATE`s in the repository, so "the connectors never write to the ERP" holds by
//! construction).
//!
//! SQLite stands in for SQL Server: `Driver={SQLite3}` with one attached file per SQL Server
//! schema (`ATTACH DATABASE '…' AS CDN`), so the profiles' SQL runs unchanged.

pub mod erp;
pub mod generator;

use std::path::Path;

use odbc_api::Connection;

pub use erp::{EveryKth, SampleErp};
pub use generator::{GeneratorSpec, generate, generate_gt};

use inkaso_connectors::connection::run_script;
use inkaso_connectors::{ConnectionSettings, ConnectorError, ProfileKind};

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
pub fn attached_schemas(profile: ProfileKind) -> &'static [&'static str] {
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
