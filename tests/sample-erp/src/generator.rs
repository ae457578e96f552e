//! Deterministic generators of ERP databases of any size, one per sample profile, shaped like
//! that ERP's real schema (`testdata/<profile>/schema.sql`): persons and companies with Polish
//! names, e-mails, mobiles and landlines, open, paid and half-paid settlements, some in EUR,
//! and the ERP's own "do not collect" markers where it has them.
//!
//! The SQL lives in `testdata/generator/`: `subiekt_gt.sql` stands alone (the benchmarks'
//! databases stay what they were), the other ERPs share `common.sql`, which draws the
//! ERP-neutral rows into temporary tables, and `<profile>.sql` copies them into that ERP's
//! tables. The scripts take only numbers (`{{debtors}}`, `{{settlements}}`, `{{seed}}`).

use std::path::{Path, PathBuf};

use inkaso_connectors::connection::{query_text, run_script};
use inkaso_connectors::{ConnectionSettings, ConnectorError, ProfileKind};

use crate::{Dialect, schema_script, sqlite_connection};

/// Size and seed of a generated database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GeneratorSpec {
    /// Contractors.
    pub debtors: u64,
    /// Settlement rows (the ERP's receivables and liabilities table), of which about 70 % are
    /// open receivables.
    pub settlements: u64,
    /// Seed of the deterministic pseudo-random values.
    pub seed: u64,
}

/// The ERP-neutral rows of every generator but Subiekt GT's.
const COMMON_SQL: &str = include_str!("../testdata/generator/common.sql");

/// A profile's generator script, and whether it runs after [`COMMON_SQL`].
fn generator_sql(profile: ProfileKind) -> Option<(&'static str, bool)> {
    match profile {
        ProfileKind::SubiektGt => {
            Some((include_str!("../testdata/generator/subiekt_gt.sql"), false))
        }
        ProfileKind::Optima => Some((include_str!("../testdata/generator/optima.sql"), true)),
        ProfileKind::ComarchXl => {
            Some((include_str!("../testdata/generator/comarch_xl.sql"), true))
        }
        ProfileKind::Enova365 => Some((include_str!("../testdata/generator/enova365.sql"), true)),
        ProfileKind::WaproMag => Some((include_str!("../testdata/generator/wapro_mag.sql"), true)),
        _ => None,
    }
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> ConnectorError + '_ {
    move |source| ConnectorError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Where a generated database lives in `dir`, and the settings that reach it. Subiekt GT's is
/// one file (as the benchmarks have always had it); the others get a folder, because Optima's
/// and XL's tables live in an attached file per SQL Server schema.
fn location(
    profile: ProfileKind,
    dir: &Path,
    spec: GeneratorSpec,
) -> (PathBuf, ConnectionSettings) {
    let stem = format!("{}-{}-{}", spec.debtors, spec.settlements, spec.seed);
    if profile == ProfileKind::SubiektGt {
        let file = dir.join(format!("gt-{stem}.db"));
        let settings = ConnectionSettings {
            connection_string: Some(format!(
                "Driver={{SQLite3}};Database={};StepAPI=1",
                file.display()
            )),
            ..ConnectionSettings::default()
        };
        (file, settings)
    } else {
        let folder = dir.join(format!("{profile}-{stem}"));
        let settings = sqlite_connection(profile, &folder);
        (folder, settings)
    }
}

/// Creates (or reuses, when one with the same spec exists) a generated database of `profile`
/// in `dir`. Deterministic: the same profile and spec give the same rows. Returns the
/// connection settings and whether it was reused.
///
/// # Errors
///
/// [`ConnectorError::NoSample`] for a profile without a generator; file and ODBC errors.
pub fn generate(
    profile: ProfileKind,
    dir: &Path,
    spec: GeneratorSpec,
) -> Result<(ConnectionSettings, bool), ConnectorError> {
    let (script, after_common) =
        generator_sql(profile).ok_or(ConnectorError::NoSample(profile.name()))?;
    let schema =
        schema_script(profile, Dialect::Sqlite).ok_or(ConnectorError::NoSample(profile.name()))?;
    std::fs::create_dir_all(dir).map_err(io_error(dir))?;
    let (path, settings) = location(profile, dir, spec);
    if path.exists() {
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
        // A half-built database from an interrupted run: start over.
        if path.is_dir() {
            std::fs::remove_dir_all(&path).map_err(io_error(&path))?;
        } else {
            std::fs::remove_file(&path).map_err(io_error(&path))?;
        }
    }
    if profile != ProfileKind::SubiektGt {
        std::fs::create_dir_all(&path).map_err(io_error(&path))?;
    }
    let conn = settings.connect()?;
    run_script(
        &conn,
        "PRAGMA journal_mode = OFF;\nPRAGMA synchronous = OFF;",
        "pragma",
    )?;
    run_script(&conn, schema, &format!("{profile}/schema"))?;
    let fill = |sql: &str| {
        sql.replace("{{debtors}}", &spec.debtors.to_string())
            .replace("{{settlements}}", &spec.settlements.to_string())
            .replace("{{seed}}", &(spec.seed % 1_000_003).to_string())
    };
    if after_common {
        run_script(&conn, &fill(COMMON_SQL), "generator/common")?;
    }
    run_script(&conn, &fill(script), &format!("generator/{profile}"))?;
    Ok((settings, false))
}

/// [`generate`] for Subiekt GT, the benchmarks' ERP.
///
/// # Errors
///
/// File and ODBC errors.
pub fn generate_gt(
    dir: &Path,
    spec: GeneratorSpec,
) -> Result<(ConnectionSettings, bool), ConnectorError> {
    generate(ProfileKind::SubiektGt, dir, spec)
}
