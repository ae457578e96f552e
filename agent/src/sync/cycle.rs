//! One sync cycle: cloud config → extraction → diff → one committed transaction → shipping.
//!
//! The extraction runs on a blocking thread (ODBC is blocking) and streams items through a
//! bounded channel, so memory stays flat however large the ERP is. Everything the cycle decides
//! is committed at once or not at all: a cycle that fails midway — a lost ODBC connection, a
//! killed process — leaves the snapshot untouched, so an interrupted read can never make
//! unread documents look paid.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Europe::Warsaw;
use inkaso_connectors::{ConnectorConfig, ConnectorError, ExcludedKeys, Item, Rejection, Summary};
use inkaso_shared::protocol::{AgentConfig, Op};
use inkaso_shared::{Clock, ExternalId};
use tokio::sync::mpsc;

use crate::cloud::{CloudApi, CloudError};
use crate::state::{CycleTx, RunOutcome, State, StateError, keys};
use crate::sync::diff::{DiffError, DiffSink, DiffStats, Differ, SnapshotChange};
use crate::sync::ship::{self, RetryPolicy, SeqDecision, ShipError, ShipStats};

/// How a cycle runs.
#[derive(Debug, Clone)]
pub struct CycleOptions {
    /// Ops per batch.
    pub batch_ops: usize,
    /// Force a full reconcile (`inkaso-agent resync`).
    pub force_full: bool,
    /// Retries of transient cloud failures.
    pub retry: RetryPolicy,
}

impl Default for CycleOptions {
    fn default() -> Self {
        CycleOptions {
            batch_ops: 1_000,
            force_full: false,
            retry: RetryPolicy::default(),
        }
    }
}

/// Where a cycle is, for progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Rows read from the ERP so far.
    Read(u64),
    /// Ops decided so far.
    Diffed(u64),
    /// Batches acknowledged so far.
    Sent(u64),
}

/// What a cycle did.
#[derive(Debug, Clone, Default)]
pub struct CycleReport {
    /// Whether it was a full reconcile, and why.
    pub full_reconcile: Option<&'static str>,
    /// What the connector read.
    pub extraction: Summary,
    /// What the diff decided.
    pub diff: DiffStats,
    /// Batches written to the outbox by this cycle.
    pub batches_written: u64,
    /// What was shipped (including batches left by earlier cycles).
    pub shipped: ShipStats,
}

/// Why a cycle failed. Nothing in the outbox is lost either way.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// Reading the ERP failed.
    #[error("odczyt z ERP: {0}")]
    Connector(#[from] ConnectorError),
    /// The local state failed.
    #[error(transparent)]
    State(#[from] StateError),
    /// The cloud refused or stayed unreachable.
    #[error(transparent)]
    Cloud(#[from] CloudError),
    /// Shipping stopped.
    #[error(transparent)]
    Ship(#[from] ShipError),
    /// The connector broke its ordering contract.
    #[error("{0}")]
    Contract(String),
    /// The extraction thread died.
    #[error("wątek odczytu z ERP przerwał pracę: {0}")]
    Thread(String),
}

impl<E: Into<SyncError> + std::fmt::Display> From<DiffError<E>> for SyncError {
    fn from(e: DiffError<E>) -> Self {
        match e {
            DiffError::Sink(inner) => inner.into(),
            other @ DiffError::DebtorNotSeen { .. } => SyncError::Contract(other.to_string()),
            other @ DiffError::SnapshotId(_) => {
                SyncError::State(StateError::Corrupt(other.to_string()))
            }
        }
    }
}

impl DiffSink for CycleTx {
    type Error = StateError;
    fn emit(&mut self, op: Op, change: Option<SnapshotChange>) -> Result<(), StateError> {
        self.push(op, change);
        Ok(())
    }
}

/// Today in Warsaw: the calendar day an observation belongs to.
pub fn warsaw_today(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&Warsaw).date_naive()
}

/// Runs one cycle against the cloud, and records it in the run log.
pub async fn run_cycle<C: CloudApi>(
    state: &State,
    cloud: &C,
    clock: &dyn Clock,
    connector: ConnectorConfig,
    options: &CycleOptions,
    mut progress: impl FnMut(Progress),
) -> Result<CycleReport, SyncError> {
    let now = clock.now();
    let run_id = state.start_run(now).await?;
    let result = cycle(state, cloud, now, run_id, connector, options, &mut progress).await;
    let outcome = match &result {
        Ok(report) => RunOutcome {
            full: report.full_reconcile.is_some(),
            rows_read: report.extraction.rows_read,
            ops: report.diff.ops(),
            batches_sent: report.shipped.batches,
            bytes_sent: report.shipped.bytes,
            quarantined: report.extraction.rejected + report.shipped.refused,
            error: None,
        },
        Err(e) => RunOutcome {
            error: Some(e.to_string()),
            ..RunOutcome::default()
        },
    };
    state.finish_run(run_id, clock.now(), &outcome).await?;
    if let Some(e) = &outcome.error {
        state.set_meta(keys::LAST_ERROR, e).await?;
    } else {
        state.set_meta(keys::LAST_SYNC, &now.to_rfc3339()).await?;
        state.clear_meta(keys::LAST_ERROR).await?;
    }
    result
}

async fn cycle<C: CloudApi>(
    state: &State,
    cloud: &C,
    now: DateTime<Utc>,
    run_id: i64,
    mut connector: ConnectorConfig,
    options: &CycleOptions,
    progress: &mut impl FnMut(Progress),
) -> Result<CycleReport, SyncError> {
    let mut report = CycleReport::default();

    // 1. What the cloud asks for, and whether both sides still agree on history.
    let cloud_config: AgentConfig = ship::with_retries(&options.retry, || cloud.config()).await?;
    let fresh = state.is_fresh().await?;
    let oldest = state.outbox(1).await?.first().map(|b| b.seq);
    let decision = ship::seq_decision(
        cloud_config.next_seq,
        oldest,
        state.next_seq().await?,
        fresh,
    );
    if let SeqDecision::Reset { next_seq } = decision {
        state.reset_to(next_seq).await?;
        report.full_reconcile = Some(if fresh { "first_run" } else { "diverged" });
    }

    // Ship what earlier cycles left before reading anew: the cloud sees changes in order.
    report.shipped = ship::ship(state, cloud, &options.retry, run_id, |s| {
        progress(Progress::Sent(s.batches));
    })
    .await?;
    if report.full_reconcile.is_none() {
        report.full_reconcile = full_reconcile_reason(state, &cloud_config, now, options).await?;
    }

    // 2. Extract, diff and commit in one transaction; exclusions kept in the portal count too.
    connector.exclusions = connector.exclusions.union(&cloud_config.exclusions);
    let full = report.full_reconcile.map(|_| now);
    let (extraction, diff, batches) =
        extract_and_commit(state, connector, now, full, run_id, options, progress).await?;
    report.extraction = extraction;
    report.diff = diff;
    report.batches_written = batches;

    // 3. Ship what this cycle decided.
    let more = ship::ship(state, cloud, &options.retry, run_id, |s| {
        progress(Progress::Sent(s.batches));
    })
    .await?;
    report.shipped.batches += more.batches;
    report.shipped.ops += more.ops;
    report.shipped.bytes += more.bytes;
    report.shipped.replays += more.replays;
    report.shipped.refused += more.refused;
    Ok(report)
}

/// Streams the extraction through the differ into one transaction; `full` starts a reconcile.
async fn extract_and_commit(
    state: &State,
    connector: ConnectorConfig,
    now: DateTime<Utc>,
    full: Option<DateTime<Utc>>,
    run_id: i64,
    options: &CycleOptions,
    progress: &mut impl FnMut(Progress),
) -> Result<(Summary, DiffStats, u64), SyncError> {
    let started = std::time::Instant::now();
    // The connection, the query and its first rows run while the snapshot loads.
    let (sender, mut receiver) = mpsc::channel::<Result<Item, ConnectorError>>(2_048);
    let reader =
        tokio::task::spawn_blocking(move || -> Result<(Summary, ExcludedKeys), ConnectorError> {
            let mut extraction = inkaso_connectors::extract(&connector)?;
            for item in extraction.by_ref() {
                let failed = item.is_err();
                // The receiver only goes away when the cycle is already failing.
                if sender.blocking_send(item).is_err() || failed {
                    break;
                }
            }
            Ok((extraction.summary(), extraction.take_excluded()))
        });

    let snapshot = state.load_snapshot().await?;
    tracing::debug!(
        debtors = snapshot.debtor_count(),
        documents = snapshot.document_count(),
        ms = started.elapsed().as_millis(),
        "migawka wczytana"
    );
    let observed_on = warsaw_today(now);
    let mut tx = state.begin_cycle(options.batch_ops).await?;
    let mut differ = match full {
        Some(at) => Differ::full(snapshot, observed_on, at.to_rfc3339(), &mut tx)?,
        None => Differ::incremental(snapshot, observed_on),
    };
    let mut rejected: Vec<Rejection> = Vec::new();
    let mut rows: u64 = 0;
    while let Some(item) = receiver.recv().await {
        rows += 1;
        match item? {
            Item::Debtor(d) => differ.debtor(d, &mut tx)?,
            Item::Document(d) => differ.document(d, &mut tx)?,
            Item::Rejected(r) => {
                let doc = ExternalId::new(&r.row_key).ok();
                let debtor = r
                    .debtor_external_id
                    .as_deref()
                    .and_then(|d| ExternalId::new(d).ok());
                differ.unusable(doc.as_ref(), debtor.as_ref());
                rejected.push(r);
            }
            Item::Warning(w) => {
                tracing::debug!(kind = ?w.kind, "ostrzeżenie o danych kontaktowych");
            }
        }
        if rows.is_multiple_of(1_000) {
            progress(Progress::Read(rows));
        }
        if tx.should_flush() {
            tx.flush().await?;
            progress(Progress::Diffed(differ.stats().ops()));
        }
    }
    // An extraction that ended in an error was already returned above, rolling back `tx`:
    // documents it did not reach are never closed as paid.
    let (summary, excluded) = reader
        .await
        .map_err(|e| SyncError::Thread(e.to_string()))??;
    // What an exclusion withheld closes as `excluded`, never as `paid`.
    for id in &excluded.debtors {
        differ.excluded_debtor(id);
    }
    for id in excluded
        .documents
        .iter()
        .filter_map(|d| ExternalId::new(d).ok())
    {
        differ.excluded_document(id);
    }
    tracing::debug!(
        rows,
        ms = started.elapsed().as_millis(),
        "odczyt z ERP zakończony"
    );
    let diff = differ.finish(&mut tx)?;
    for r in &rejected {
        let reason = serde_json::to_value(r.reason)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let value = r.value.as_deref().unwrap_or("");
        tx.quarantine(run_id, &r.row_key, r.field, value, &reason)
            .await?;
    }
    let batches = tx.commit(full).await?;
    tracing::debug!(
        batches,
        ms = started.elapsed().as_millis(),
        "cykl zatwierdzony"
    );
    progress(Progress::Diffed(diff.ops()));
    Ok((summary, diff, batches))
}

async fn full_reconcile_reason(
    state: &State,
    cloud_config: &AgentConfig,
    now: DateTime<Utc>,
    options: &CycleOptions,
) -> Result<Option<&'static str>, StateError> {
    if options.force_full {
        return Ok(Some("forced"));
    }
    let every = Duration::hours(i64::from(cloud_config.full_reconcile_hours.max(1)));
    Ok(match state.meta_time(keys::LAST_FULL_RECONCILE).await? {
        None => Some("first_run"),
        Some(at) if now - at >= every => Some("scheduled"),
        Some(_) => None,
    })
}
