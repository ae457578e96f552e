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
//! - [`case_mail`]: the e-mails about them — a law firm's digest of new cases, a creditor's
//!   news of what its law firms changed.
//! - [`notifications`]: notifications made by hand (SMS sent, external SMS and calls
//!   recorded) with their snapshots; the register with the settlement after each notice.
//! - [`mass`]: mass notifications — the preview, the batch made once, sent with progress,
//!   abort and resume.
//! - [`inbound`]: SMS from debtors — "Saldo" answered, "STOP" withdrawing consent, the log.
//! - [`records`]: debtors, documents, payments, agents' health, exclusions, companies, audit.
//! - [`runner`]: one tick of the process engine for one tenant, every tenant's round.
//! - [`stats`]: payment-delay statistics — the firm's month by month and each debtor's delays.
//! - [`dashboard`]: the dashboard, with each firm's forecast remembered for a minute.

pub mod accounts;
pub mod case_mail;
pub mod cases;
pub mod channels;
pub mod collection;
pub mod dashboard;
pub mod inbound;
pub mod mass;
pub mod notifications;
pub mod processes;
pub mod records;
pub mod register;
pub mod runner;
pub mod stats;

/// The values the use cases take and return, as the faces (HTTP, portal, CLI) name them: the
/// store's rows, filters and pages, the principals authentication makes, and the outcomes of
/// logins and batches. The faces translate these to their wire forms and never reach the store.
pub mod model {
    pub use crate::store::Store;
    pub use crate::store::accounts::{
        AgentPrincipal, ApiTokenView, AuditEntry, AuditFilter, AuthFailure, ClientPrincipal,
        EmailLogin, LoginOutcome, NewSecret, PortalSession, SESSION_HOURS, SESSION_IDLE_MINUTES,
        Tenant, generate_password,
    };
    pub use crate::store::cases::{
        Case, CaseDetail, CaseEvent, CaseFilter, ContactSnapshot, DebtorSnapshot, DocumentSnapshot,
        HistorySnapshot, NewCase, OpenedCase, PageRequest,
    };
    pub use crate::store::channels::{LetterRow, StoredTemplate, TaskFilter, TaskRow};
    pub use crate::store::collection::{
        ActionQuery, ChannelPauseView, CollectionStateView, PauseView,
    };
    pub use crate::store::inbound::InboundRow;
    pub use crate::store::ingest::BatchOutcome;
    pub use crate::store::notifications::{AutomaticNotice, BatchView, NotificationRow};
    pub use crate::store::processes::{ActionView, CollectionSettings, DebtorCollectionChange};
    pub use crate::store::query::{
        AgentHealth, CompanyView, ContactView, DebtorDetail, DebtorFilter, DebtorView,
        DocumentFilter, DocumentView, ExclusionView, MAX_PAGE, NewExclusion, Page, PaymentFilter,
        PaymentView,
    };
    pub use crate::store::security::same_secret;
    pub use crate::store::summary::{AGEING_BOUNDS, ActionCount, Ageing};
    pub use crate::store::users::{ResetPassword, UserView};
}

use std::sync::Arc;

use inkaso_shared::Clock;

pub use collection::PlanInputs;
use runner::{Channels, LoggingTestMode, RunnerConfig, RunnerError};

use crate::domain::Invalid;
use crate::i18n::{Arg, Bilingual};
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
    /// The dashboards' last forecasts on this replica.
    pub forecasts: Arc<dashboard::ForecastCache>,
    /// The firms' last read payment histories on this replica (statistics, predictions).
    pub histories: Arc<stats::HistoryCache>,
    /// The last market comparison computed on this replica.
    pub markets: Arc<stats::MarketCache>,
}

impl App {
    /// The application over a store, a clock and an engine, with nothing remembered yet.
    pub fn new(store: Store, clock: Arc<dyn Clock>, engine: Engine) -> App {
        App {
            store,
            clock,
            engine,
            forecasts: Arc::default(),
            histories: Arc::default(),
            markets: Arc::default(),
        }
    }

    /// A person changed what the firm's plans depend on: its next dashboard computes the
    /// forecast again instead of showing the remembered one.
    pub(crate) fn plans_changed(&self, tenant: &crate::store::TenantScope) {
        self.forecasts.forget(tenant.as_str());
    }
}

/// Why a use case refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// No such record for the tenant: what, in Polish and in English.
    #[error("nie znaleziono: {what_pl}")]
    NotFound {
        /// What, in Polish ("dokument 7f…").
        what_pl: String,
        /// What, in English ("document 7f…").
        what_en: String,
    },
    /// The store failed (the database is unreachable, stored data unreadable): logged, and
    /// answered as a server error.
    #[error(transparent)]
    Store(StoreError),
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

impl ServiceError {
    /// The request cannot be carried out now: why, as the catalogues' message `id`.
    pub(crate) fn conflict(id: &str, args: &[(&'static str, Arg)]) -> ServiceError {
        let why = Bilingual::msg(id, args);
        ServiceError::Conflict {
            message_pl: why.pl,
            message_en: why.en,
        }
    }
}

impl From<StoreError> for ServiceError {
    /// A refusal the store decided (not found, a broken rule, a conflict) is the use case's
    /// refusal; anything else is the store failing.
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(m) => ServiceError::NotFound {
                what_pl: m.pl,
                what_en: m.en,
            },
            StoreError::Invalid {
                field,
                message_pl,
                message_en,
            } => ServiceError::Invalid(Invalid {
                field,
                message_pl,
                message_en,
            }),
            StoreError::Conflict(m) => ServiceError::Conflict {
                message_pl: m.pl,
                message_en: m.en,
            },
            other => ServiceError::Store(other),
        }
    }
}

impl From<RunnerError> for ServiceError {
    fn from(e: RunnerError) -> Self {
        match e {
            RunnerError::Store(s) => s.into(),
        }
    }
}

/// An audit entry's details: the value before and after a change, as JSON, so the log shows
/// what a change did and not only that it happened.
pub(crate) fn before_after<A: serde::Serialize, B: serde::Serialize>(
    before: &A,
    after: &B,
) -> String {
    serde_json::json!({ "before": before, "after": after }).to_string()
}
