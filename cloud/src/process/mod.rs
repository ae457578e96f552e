//! The process engine's pure core: what is due, when, and why not.
//!
//! A client describes its collection processes once ([`model`]: stages with channels, day
//! offsets, minimums, repeats, windows); the [`calendar`] knows Warsaw time and Polish holidays;
//! the [`planner`] turns documents, debtor state and history into decisions at an instant; the
//! [`forecast`](mod@forecast) module looks ahead and lists documents out of collection; [`report`] renders the
//! client's run report. No I/O happens here: the store feeds [`state`] values in and writes the
//! decisions back, the runner (`services::runner`) ticks, the channels deliver. See
//! docs/processes.md.

pub mod calendar;
pub mod compose;
pub mod forecast;
pub mod model;
pub mod planner;
pub mod report;
pub mod state;

#[cfg(test)]
mod scenario_tests;

pub use calendar::{SendWindow, Weekdays};
pub use forecast::{
    DebtorCase, OutOfCollection, OutReason, Simulation, TickReport, forecast, forecast_tenant,
    out_of_collection,
};
pub use model::{
    AmountScope, AssignedBy, AssignmentSubject, Channel, DemandTitle, FieldError, FieldProblem,
    GroupRule, Grouping, MinAmount, PdfDemand, Process, ProcessError, ProcessUsage, Repeat, Stage,
    assign, check_deletable, set_default, upsert, validate_set,
};
pub use planner::{
    ActionKey, DebtorInput, Decision, HoldReason, KeyScope, OnDemand, OnDemandError, Outcome,
    PlanContext, Recheck, SkipReason, next_wake, on_demand_of, plan_debtor, plan_on_demand,
    recheck, suggest_process,
};
pub use report::{Failure, RunReport};
pub use state::{
    ActionStatus, AmountOverflow, ChannelPolicy, Consent, CoveredDocument, DebtorState,
    DocumentState, HistoryEntry, LegalStatus, Pause, PauseKind, Reachability, TenantPolicy,
    assign_debtor,
};
