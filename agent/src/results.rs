//! Results back (R-A6): what happened in the cloud, pulled, kept, and written where the firm wants.
//!
//! - [`pull`] reads the results feed page by page; each page and the new cursor are stored in one
//!   transaction, so a crash never loses an item nor acknowledges one that was not stored (the
//!   cursor sent with the next request is the acknowledgement).
//! - [`write_reports`] writes a folder of daily reports, `wyniki-YYYY-MM-DD.jsonl` and `.csv`,
//!   each regenerated whole from the stored results of that day and renamed into place, so
//!   writing again after a crash gives the same files, never duplicate lines.
//! - [`write_back`] runs a firm-configured SQL statement per result kind through ODBC: the
//!   agent's only write to the ERP, off by default, parameters bound, each result in its own
//!   transaction; a failure is recorded on the result and retried next time, never lost.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use inkaso_connectors::ConnectionSettings;
use inkaso_shared::protocol::{ResultEvent, ResultItem};
use inkaso_shared::sheet::SheetWriter;
use odbc_api::IntoParameter;
use odbc_api::parameter::InputParameter;
use serde::{Deserialize, Serialize};
use sqlx::Row;

use crate::cloud::{CloudApi, CloudError};
use crate::state::{State, StateError, keys};
use crate::sync::ship::{self, RetryPolicy};

/// Results per page requested from the cloud.
const PAGE: u32 = 500;

/// Errors of the results side.
#[derive(Debug, thiserror::Error)]
pub enum ResultsError {
    /// The local state failed.
    #[error(transparent)]
    State(#[from] StateError),
    /// The cloud failed.
    #[error(transparent)]
    Cloud(#[from] CloudError),
    /// Writing a report failed.
    #[error("zapis raportu {path}: {source}")]
    Report {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A stored result could not be read back.
    #[error("uszkodzony wynik {cursor}: {message}")]
    Corrupt {
        /// Its cursor.
        cursor: String,
        /// Why.
        message: String,
    },
    /// The write-back configuration names something that does not exist.
    #[error("konfiguracja zapisu wyników do ERP: {0}")]
    Config(String),
}

/// Pulls every new result; returns how many were stored.
pub async fn pull<C: CloudApi>(
    state: &State,
    cloud: &C,
    retry: &RetryPolicy,
) -> Result<u64, ResultsError> {
    let mut stored = 0;
    loop {
        let cursor = state.meta(keys::RESULTS_CURSOR).await?;
        let page = ship::with_retries(retry, || cloud.results(cursor.clone(), PAGE)).await?;
        let mut tx = state.pool().begin().await.map_err(StateError::from)?;
        let base: i64 = sqlx::query("SELECT COALESCE(MAX(position), 0) FROM result")
            .fetch_one(&mut *tx)
            .await
            .map_err(StateError::from)?
            .get(0);
        for (offset, item) in (1_i64..).zip(&page.items) {
            let body = serde_json::to_string(item).map_err(|e| ResultsError::Corrupt {
                cursor: item.cursor.clone(),
                message: e.to_string(),
            })?;
            let inserted = sqlx::query(
                "INSERT INTO result (cursor, position, at, kind, body) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (cursor) DO NOTHING",
            )
            .bind(&item.cursor)
            .bind(base + offset)
            .bind(item.at.to_rfc3339())
            .bind(item.event.kind())
            .bind(body)
            .execute(&mut *tx)
            .await
            .map_err(StateError::from)?;
            stored += inserted.rows_affected();
        }
        sqlx::query(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(keys::RESULTS_CURSOR)
        .bind(&page.next_cursor)
        .execute(&mut *tx)
        .await
        .map_err(StateError::from)?;
        tx.commit().await.map_err(StateError::from)?;
        if !page.has_more || page.items.is_empty() {
            return Ok(stored);
        }
    }
}

/// The newest results, newest first (for `inkaso-agent results`).
pub async fn latest(state: &State, limit: u32) -> Result<Vec<ResultItem>, ResultsError> {
    let rows = sqlx::query("SELECT cursor, body FROM result ORDER BY position DESC LIMIT ?1")
        .bind(i64::from(limit))
        .fetch_all(state.pool())
        .await
        .map_err(StateError::from)?;
    rows.iter()
        .map(|r| parse_row(r.get(0), &r.get::<String, _>(1)))
        .collect()
}

fn parse_row(cursor: String, body: &str) -> Result<ResultItem, ResultsError> {
    serde_json::from_str(body).map_err(|e| ResultsError::Corrupt {
        cursor,
        message: e.to_string(),
    })
}

/// One row of the CSV report and the values write-back statements can bind.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Flat {
    /// The feed position.
    pub cursor: String,
    /// When it happened (RFC 3339, UTC).
    pub at: String,
    /// `action`, `promise_to_pay`, `handoff`, `sales_block`, `debtor_stats`.
    pub kind: String,
    /// The debtor's ERP key.
    pub debtor_external_id: String,
    /// The documents' ERP keys, comma-separated.
    pub document_external_ids: String,
    /// Channel of an action.
    pub channel: String,
    /// Status of an action or a case; `blocked`/`unblocked` for sales blocks.
    pub status: String,
    /// A date: the promised date, the nearest predicted payment (debtor statistics), or empty.
    pub date: String,
    /// What it was, for people.
    pub description: String,
    /// The provider's or the case's identifier.
    pub reference: String,
}

/// Names a write-back statement may bind, in `params`.
pub const PARAM_NAMES: [&str; 10] = [
    "cursor",
    "at",
    "kind",
    "debtor_external_id",
    "document_external_ids",
    "channel",
    "status",
    "date",
    "description",
    "reference",
];

impl Flat {
    /// The values in [`PARAM_NAMES`] order (the report's columns).
    pub fn cells(&self) -> [&str; 10] {
        [
            &self.cursor,
            &self.at,
            &self.kind,
            &self.debtor_external_id,
            &self.document_external_ids,
            &self.channel,
            &self.status,
            &self.date,
            &self.description,
            &self.reference,
        ]
    }

    /// Flattens a result for reports and write-back.
    pub fn of(item: &ResultItem) -> Flat {
        let ids = |v: &[inkaso_shared::ExternalId]| {
            v.iter()
                .map(inkaso_shared::ExternalId::as_str)
                .collect::<Vec<_>>()
                .join(",")
        };
        let mut f = Flat {
            cursor: item.cursor.clone(),
            at: item.at.to_rfc3339(),
            kind: item.event.kind().to_owned(),
            ..Flat::default()
        };
        match &item.event {
            ResultEvent::Action {
                debtor_external_id,
                document_external_ids,
                channel,
                status,
                provider_id,
                description,
                ..
            } => {
                f.debtor_external_id = debtor_external_id.to_string();
                f.document_external_ids = ids(document_external_ids);
                f.channel.clone_from(channel);
                f.status.clone_from(status);
                f.description.clone_from(description);
                f.reference = provider_id.clone().unwrap_or_default();
            }
            ResultEvent::PromiseToPay {
                debtor_external_id,
                document_external_ids,
                until,
                note,
            } => {
                f.debtor_external_id = debtor_external_id.to_string();
                f.document_external_ids = ids(document_external_ids);
                f.date = until.to_string();
                f.description = note.clone().unwrap_or_default();
            }
            ResultEvent::Handoff {
                case_id,
                partner,
                status,
                debtor_external_id,
                document_external_ids,
                note,
            } => {
                f.debtor_external_id = debtor_external_id.to_string();
                f.document_external_ids = ids(document_external_ids);
                f.status.clone_from(status);
                f.description = match note {
                    Some(n) => format!("{partner}: {n}"),
                    None => partner.clone(),
                };
                f.reference.clone_from(case_id);
            }
            ResultEvent::SalesBlock {
                debtor_external_id,
                blocked,
                reason,
            } => {
                f.debtor_external_id = debtor_external_id.to_string();
                if *blocked { "blocked" } else { "unblocked" }.clone_into(&mut f.status);
                f.description.clone_from(reason);
            }
            ResultEvent::DebtorStats {
                debtor_external_id,
                avg_delay_days,
                late_share,
                predicted_payment,
                ..
            } => {
                f.debtor_external_id = debtor_external_id.to_string();
                // The documents predicted, and the nearest predicted payment as the date.
                f.document_external_ids = predicted_payment
                    .keys()
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .join(",");
                if let Some(first) = predicted_payment.values().min() {
                    f.date = first.to_string();
                }
                let days: Vec<String> = predicted_payment
                    .iter()
                    .map(|(doc, day)| format!("{doc} {}", day.format("%d.%m.%Y")))
                    .collect();
                // Polish decimals: a comma.
                let avg = format!("{avg_delay_days:.1}").replace('.', ",");
                f.description = format!(
                    "średnie opóźnienie {avg} dni, spóźnione {:.0}%{}",
                    late_share * 100.0,
                    if days.is_empty() {
                        String::new()
                    } else {
                        format!("; przewidywane zapłaty: {}", days.join(", "))
                    }
                );
            }
        }
        f
    }

    fn value(&self, name: &str) -> Option<&str> {
        Some(match name {
            "cursor" => &self.cursor,
            "at" => &self.at,
            "kind" => &self.kind,
            "debtor_external_id" => &self.debtor_external_id,
            "document_external_ids" => &self.document_external_ids,
            "channel" => &self.channel,
            "status" => &self.status,
            "date" => &self.date,
            "description" => &self.description,
            "reference" => &self.reference,
            _ => return None,
        })
    }
}

/// Regenerates the daily reports of every day that has results not yet written.
pub async fn write_reports(state: &State, dir: &Path) -> Result<u64, ResultsError> {
    let days: Vec<String> = sqlx::query(
        "SELECT DISTINCT substr(at, 1, 10) FROM result WHERE report_written = 0 ORDER BY 1",
    )
    .fetch_all(state.pool())
    .await
    .map_err(StateError::from)?
    .iter()
    .map(|r| r.get(0))
    .collect();
    std::fs::create_dir_all(dir).map_err(|source| ResultsError::Report {
        path: dir.to_owned(),
        source,
    })?;
    let mut written = 0;
    for day in days {
        let rows = sqlx::query(
            "SELECT cursor, body FROM result WHERE substr(at, 1, 10) = ?1 ORDER BY position",
        )
        .bind(&day)
        .fetch_all(state.pool())
        .await
        .map_err(StateError::from)?;
        let items: Vec<ResultItem> = rows
            .iter()
            .map(|r| parse_row(r.get(0), &r.get::<String, _>(1)))
            .collect::<Result<_, _>>()?;

        let mut jsonl = Vec::new();
        for item in &items {
            serde_json::to_writer(&mut jsonl, item).map_err(|e| ResultsError::Corrupt {
                cursor: item.cursor.clone(),
                message: e.to_string(),
            })?;
            jsonl.push(b'\n');
        }
        // For spreadsheets: BOM, `;`, and a partner's note like `=HYPERLINK(…)` kept as text.
        let mut csv = SheetWriter::new();
        let sheet_error = |e: inkaso_shared::sheet::SheetError| ResultsError::Report {
            path: dir.to_owned(),
            source: std::io::Error::other(e.to_string()),
        };
        csv.row(PARAM_NAMES).map_err(sheet_error)?;
        for item in &items {
            csv.row(Flat::of(item).cells()).map_err(sheet_error)?;
        }
        let csv = csv.finish().map_err(sheet_error)?;
        replace_file(&dir.join(format!("wyniki-{day}.jsonl")), &jsonl)?;
        replace_file(&dir.join(format!("wyniki-{day}.csv")), &csv)?;
        let done = sqlx::query("UPDATE result SET report_written = 1 WHERE substr(at, 1, 10) = ?1 AND report_written = 0")
            .bind(&day)
            .execute(state.pool())
            .await
            .map_err(StateError::from)?;
        written += done.rows_affected();
    }
    Ok(written)
}

/// Writes `bytes` to `path` atomically: a reader sees the old file or the new one, never half.
fn replace_file(path: &Path, bytes: &[u8]) -> Result<(), ResultsError> {
    let err = |source| ResultsError::Report {
        path: path.to_owned(),
        source,
    };
    let tmp = path.with_extension("tmp");
    let mut f = std::fs::File::create(&tmp).map_err(err)?;
    f.write_all(bytes).map_err(err)?;
    f.sync_all().map_err(err)?;
    std::fs::rename(&tmp, path).map_err(err)
}

/// The firm's write-back: per result kind, one statement with `?` placeholders and the names of
/// the values to bind, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WriteBack {
    /// Statements by result kind (`action`, `promise_to_pay`, `handoff`, `sales_block`, `debtor_stats`).
    #[serde(default)]
    pub statements: BTreeMap<String, Statement>,
}

/// One write-back statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Statement {
    /// SQL with one `?` per parameter.
    pub sql: String,
    /// Names from [`PARAM_NAMES`], in the order of the placeholders.
    pub params: Vec<String>,
}

const KINDS: [&str; 5] = [
    "action",
    "promise_to_pay",
    "handoff",
    "sales_block",
    "debtor_stats",
];

impl WriteBack {
    /// Checks kinds, parameter names and placeholder counts; errors name the key.
    pub fn validate(&self) -> Result<(), ResultsError> {
        for (kind, st) in &self.statements {
            if !KINDS.contains(&kind.as_str()) {
                return Err(ResultsError::Config(format!(
                    "results.write_back.statements.{kind}: nieznany rodzaj wyniku (dozwolone: {})",
                    KINDS.join(", ")
                )));
            }
            if let Some(bad) = st
                .params
                .iter()
                .find(|p| !PARAM_NAMES.contains(&p.as_str()))
            {
                return Err(ResultsError::Config(format!(
                    "results.write_back.statements.{kind}.params: nieznany parametr „{bad}” (dozwolone: {})",
                    PARAM_NAMES.join(", ")
                )));
            }
            let placeholders = st.sql.matches('?').count();
            if placeholders != st.params.len() {
                return Err(ResultsError::Config(format!(
                    "results.write_back.statements.{kind}: {placeholders} znaków ? w sql, a {} parametrów",
                    st.params.len()
                )));
            }
        }
        Ok(())
    }
}

/// How a write-back run went.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteBackStats {
    /// Results written into the ERP.
    pub written: u64,
    /// Results whose write failed (kept for the next run).
    pub failed: u64,
    /// Results of kinds with no statement (nothing to do).
    pub skipped: u64,
}

/// Writes every pending result into the ERP through the configured statements.
pub async fn write_back(
    state: &State,
    connection: &ConnectionSettings,
    config: &WriteBack,
) -> Result<WriteBackStats, ResultsError> {
    config.validate()?;
    let rows =
        sqlx::query("SELECT cursor, body FROM result WHERE erp_written = 0 ORDER BY position")
            .fetch_all(state.pool())
            .await
            .map_err(StateError::from)?;
    let mut pending = Vec::new();
    let mut outcome = WriteBackStats::default();
    for row in &rows {
        let item = parse_row(row.get(0), &row.get::<String, _>(1))?;
        if let Some(st) = config.statements.get(item.event.kind()) {
            pending.push((item.cursor.clone(), st.clone(), Flat::of(&item)));
        } else {
            // No statement for this kind: nothing to write, so nothing pending.
            outcome.skipped += 1;
            mark(state, &item.cursor, None).await?;
        }
    }
    if pending.is_empty() {
        return Ok(outcome);
    }
    let connection = connection.clone();
    let outcomes = tokio::task::spawn_blocking(move || run_statements(&connection, &pending))
        .await
        .map_err(|e| ResultsError::Config(format!("wątek zapisu do ERP: {e}")))?;
    for (cursor, result) in outcomes {
        match result {
            Ok(()) => outcome.written += 1,
            Err(_) => outcome.failed += 1,
        }
        mark(state, &cursor, result.err().as_deref()).await?;
    }
    Ok(outcome)
}

/// Runs each statement in its own transaction; returns each result's outcome.
fn run_statements(
    connection: &ConnectionSettings,
    pending: &[(String, Statement, Flat)],
) -> Vec<(String, Result<(), String>)> {
    let conn = match connection.connect() {
        Ok(c) => c,
        Err(e) => {
            return pending
                .iter()
                .map(|(c, ..)| (c.clone(), Err(e.to_string())))
                .collect();
        }
    };
    if let Err(e) = conn.set_autocommit(false) {
        return pending
            .iter()
            .map(|(c, ..)| (c.clone(), Err(e.to_string())))
            .collect();
    }
    let mut out = Vec::with_capacity(pending.len());
    for (cursor, st, flat) in pending {
        let params: Vec<Box<dyn InputParameter>> = st
            .params
            .iter()
            .map(|name| -> Box<dyn InputParameter> {
                Box::new(flat.value(name).map(str::to_owned).into_parameter())
            })
            .collect();
        let result = match conn
            .execute(&st.sql, &params[..], Some(60))
            .map(|_| ())
            .and_then(|()| conn.commit())
        {
            Ok(()) => {
                crate::failpoint::hit("after_erp_commit");
                Ok(())
            }
            Err(e) => {
                let _ = conn.rollback();
                if is_duplicate(&e) {
                    // Written before the agent could mark it (a crash in between): the row
                    // keyed by the cursor is there, so the result is written.
                    tracing::info!(cursor, "wynik już zapisany w ERP (klucz kursora): pomijam");
                    Ok(())
                } else {
                    Err(e.to_string())
                }
            }
        };
        out.push((cursor.clone(), result));
    }
    out
}

/// Whether the ERP refused a row because its key is already there: SQLSTATE 23505 (PostgreSQL),
/// or class 23 with the driver's words for a duplicate key (SQL Server 2627/2601 "Violation of
/// PRIMARY KEY", SQLite "UNIQUE constraint failed"). Other integrity errors (a NULL in a NOT
/// NULL column) stay failures.
fn is_duplicate(e: &odbc_api::Error) -> bool {
    let odbc_api::Error::Diagnostics { record, .. } = e else {
        return false;
    };
    let state = String::from_utf8_lossy(&record.state.0);
    // Display, not the raw message: its characters are UTF-16 on Windows (odbc-api's wide API).
    let message = record.to_string().to_lowercase();
    state == "23505"
        || [
            "unique constraint",
            "duplicate key",
            "primary key constraint",
            "unique key",
        ]
        .iter()
        .any(|w| message.contains(w))
}

async fn mark(state: &State, cursor: &str, error: Option<&str>) -> Result<(), ResultsError> {
    let sql = if error.is_some() {
        "UPDATE result SET erp_attempts = erp_attempts + 1, erp_error = ?2 WHERE cursor = ?1"
    } else {
        "UPDATE result SET erp_written = 1, erp_error = NULL WHERE cursor = ?1"
    };
    sqlx::query(sql)
        .bind(cursor)
        .bind(error)
        .execute(state.pool())
        .await
        .map_err(StateError::from)?;
    Ok(())
}

/// Counts for `inkaso-agent status`: results stored, pending report, pending write-back, failing.
pub async fn counts(state: &State) -> Result<(u64, u64, u64, BTreeSet<String>), ResultsError> {
    let row = sqlx::query(
        "SELECT COUNT(*), COALESCE(SUM(report_written = 0), 0), COALESCE(SUM(erp_written = 0), 0) FROM result",
    )
    .fetch_one(state.pool())
    .await
    .map_err(StateError::from)?;
    let errors =
        sqlx::query("SELECT DISTINCT erp_error FROM result WHERE erp_error IS NOT NULL LIMIT 5")
            .fetch_all(state.pool())
            .await
            .map_err(StateError::from)?
            .iter()
            .map(|r| r.get::<String, _>(0))
            .collect();
    let n = |v: i64| u64::try_from(v).unwrap_or(0);
    Ok((n(row.get(0)), n(row.get(1)), n(row.get(2)), errors))
}
