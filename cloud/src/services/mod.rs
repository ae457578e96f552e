//! Application services: the use cases that need I/O — the store, the channels, the clock —
//! built on the pure core ([`crate::domain`], [`crate::process`]). The JSON API, the CLI,
//! `serve`'s loop and the portal call them alike; none of them imports the web layer, and no
//! rule lives twice.
//!
//! - [`App`]: what every use case reaches (store, clock, engine); one method per use case.
//! - [`collection`]: what the engine needs of a tenant, read in one place ([`PlanInputs`]), a
//!   debtor's collection state and its change, on-demand runs, out of collection, the forecast.
//! - [`processes`]: processes, group rules, collection settings and paused channels.
//! - [`accounts`]: sessions and tokens (the only place a request's tenant scope is made),
//!   the agents' sync (batches, results, config, heartbeats), readiness.
//! - [`channels`]: templates, channel settings, letters, posting books and tasks.
//! - [`cases`]: cases handed to law firms, from the client's side and the law firm's.
//! - [`records`]: debtors, documents, payments, agents' health, exclusions, companies, audit.
//! - [`runner`]: one tick of the process engine for one tenant, every tenant's round.

pub mod accounts;
pub mod cases;
pub mod channels;
pub mod collection;
pub mod processes;
pub mod records;
pub mod runner;

use std::sync::Arc;

use inkaso_shared::Clock;

pub use collection::PlanInputs;
use runner::{Channels, LoggingTestMode, RunnerConfig, RunnerError};

use crate::domain::Invalid;
use crate::store::{Store, StoreError};

/// What on-demand runs need of the process engine: the channels and the runner settings they
/// call the runner's tick with.
#[derive(Debug, Clone)]
pub struct Engine {
    /// Where actions are delivered.
    pub channels: Channels,
    /// This process's own runner id, lease and batch (its claims are distinct from `serve`'s loop).
    pub runner: RunnerConfig,
}

impl Default for Engine {
    /// What `serve` runs today: no live adapter; tenants in test mode log "would send".
    fn default() -> Self {
        Engine {
            channels: Channels::new(Arc::new(LoggingTestMode)),
            runner: RunnerConfig::default(),
        }
    }
}

/// The application: what every use case reaches. Cheap to clone (the store is a pool).
#[derive(Debug, Clone)]
pub struct App {
    /// The store.
    pub store: Store,
    /// Where "now" comes from.
    pub clock: Arc<dyn Clock>,
    /// The channels and runner settings of on-demand runs.
    pub engine: Engine,
}

/// Why a use case refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The store failed or the record is not the tenant's.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The request breaks a rule; names the field.
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// A template cannot be saved as it is.
    #[error(transparent)]
    Template(#[from] inkaso_channels::template::TemplateError),
    /// A process or the tenant's set of processes breaks a rule, or the process is in use.
    #[error(transparent)]
    Process(#[from] crate::process::ProcessError),
    /// The request cannot be carried out in the current state.
    #[error("{message_pl}")]
    Conflict {
        /// Why, in Polish.
        message_pl: String,
        /// Why, in English.
        message_en: String,
    },
}

impl From<RunnerError> for ServiceError {
    fn from(e: RunnerError) -> Self {
        match e {
            RunnerError::Store(s) => ServiceError::Store(s),
        }
    }
}
