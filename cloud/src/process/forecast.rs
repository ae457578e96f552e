//! Looking ahead and looking for gaps: the forecast (what a process will do over the next N days
//! for the current data, assuming nobody pays), the "out of collection" list (R-P7) and the
//! in-memory simulation that drives both, the scenario tests and the benchmark.
//!
//! The simulation is a reference runner without a database: at each tick it plans every debtor,
//! records due actions as sent and skipped ones as skipped, exactly what the real runner writes
//! to the store. It is event-driven when asked (jump to the next wake-up) so a simulated year
//! costs one planning call per debtor per event, not per minute.

use chrono::{DateTime, Duration, Utc};
use inkaso_shared::{ExternalId, Money};
use serde::{Deserialize, Serialize};

use super::calendar;
use super::model::{AssignmentSubject, GroupRule, Process, assign};
use super::planner::{DebtorInput, Decision, Outcome, PlanContext, next_wake, plan_debtor};
use super::state::{ActionStatus, DebtorState, DocumentState, HistoryEntry, TenantPolicy};

/// Why an overdue document is out of collection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum OutReason {
    /// No process applies: no own process, no matching rule, no default.
    NoProcess,
    /// Every occurrence of every stage lies behind it (performed, skipped or expired); the
    /// process reaches `reach_days` after the due date.
    PastLastStage {
        /// Process code.
        process: String,
        /// Days after the due date of the process's last occurrence.
        reach_days: i64,
    },
}

/// An overdue document that no stage of its process covers any more (R-P7, Optima's
/// "Poza windykacją").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutOfCollection {
    /// The debtor.
    pub debtor: ExternalId,
    /// The document.
    pub document: ExternalId,
    /// Its number.
    pub number: String,
    /// Days overdue on the day asked.
    pub days_overdue: i64,
    /// What remains to be paid.
    pub remaining: Money,
    /// Why.
    pub reason: OutReason,
}

/// The open, overdue documents of a debtor that its process no longer covers at `now`: no
/// occurrence of any stage is due, held or still to come for them (everything is recorded,
/// expired or past the last stage). A document whose last stage moved past a weekend is still
/// covered until it goes. Excluded debtors and documents are not in collection at all and are
/// not listed.
pub fn out_of_collection(
    process: Option<&Process>,
    input: &DebtorInput<'_>,
    now: DateTime<Utc>,
) -> Vec<OutOfCollection> {
    let debtor = input.debtor;
    if debtor.excluded {
        return Vec::new();
    }
    let today = calendar::local_date(now);
    let mut covered: Vec<&ExternalId> = Vec::new();
    let mut decisions = Vec::new();
    if let Some(p) = process {
        // Coverage is about the schedule, not the guards: plan as if the data were fresh.
        let policy = TenantPolicy::default();
        let ctx = PlanContext {
            now,
            policy: &policy,
            last_sync: Some(now),
            include_not_yet: true,
        };
        plan_debtor(&ctx, p, input, &mut decisions);
        for d in &decisions {
            if matches!(d.outcome, Outcome::Due | Outcome::Held(_) | Outcome::NotYet) {
                covered.extend(d.documents.iter().map(|c| &c.document));
            }
        }
    }
    input
        .documents
        .iter()
        .filter(|d| d.open && !d.excluded && d.document.days_overdue(today) > 0)
        .filter(|d| !covered.contains(&&d.document.external_id))
        .map(|d| OutOfCollection {
            debtor: debtor.external_id.clone(),
            document: d.document.external_id.clone(),
            number: d.document.number.clone(),
            days_overdue: d.document.days_overdue(today),
            remaining: d.document.remaining(),
            reason: match process {
                None => OutReason::NoProcess,
                Some(p) => OutReason::PastLastStage {
                    process: p.code.clone(),
                    reach_days: p.reach_days(),
                },
            },
        })
        .collect()
}

/// One debtor with everything the engine keeps about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DebtorCase {
    /// The debtor's collection state.
    pub debtor: DebtorState,
    /// Its documents.
    pub documents: Vec<DocumentState>,
    /// Its history.
    pub history: Vec<HistoryEntry>,
}

impl DebtorCase {
    /// Totals per currency of the open documents (for group rules).
    pub fn totals(&self) -> Vec<Money> {
        let mut totals: Vec<Money> = Vec::new();
        for d in self.documents.iter().filter(|d| d.open) {
            let m = d.document.remaining();
            match totals.iter_mut().find(|t| t.currency == m.currency) {
                Some(t) => t.minor = t.minor.saturating_add(m.minor),
                None => totals.push(m),
            }
        }
        totals
    }

    /// The debtor's process.
    pub fn process<'p>(
        &self,
        processes: &'p [Process],
        rules: &[GroupRule],
    ) -> Option<&'p Process> {
        let totals = self.totals();
        let subject = AssignmentSubject {
            own_process: self.debtor.own_process.as_deref(),
            kind: self.debtor.kind,
            tags: &self.debtor.tags,
            totals: &totals,
        };
        assign(processes, rules, &subject).map(|(p, _)| p)
    }
}

/// What one tick did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TickReport {
    /// Documents evaluated (open ones, of debtors with a process).
    pub evaluated: usize,
    /// Actions performed (recorded as sent).
    pub performed: Vec<Decision>,
    /// Occurrences skipped (recorded as skipped).
    pub skipped: Vec<Decision>,
    /// Held decisions (not recorded).
    pub held: Vec<Decision>,
}

/// An in-memory tenant: processes, rules, policy and debtors, ticked by a simulated clock.
#[derive(Debug, Clone)]
pub struct Simulation {
    /// The tenant's policy.
    pub policy: TenantPolicy,
    /// Its processes.
    pub processes: Vec<Process>,
    /// Its group rules.
    pub rules: Vec<GroupRule>,
    /// Its debtors.
    pub cases: Vec<DebtorCase>,
    /// The agent's last successful sync.
    pub last_sync: Option<DateTime<Utc>>,
    /// When each case next needs planning (event-driven mode); `None` = at the next tick.
    wake: Vec<Option<DateTime<Utc>>>,
    decisions: Vec<Decision>,
}

impl Simulation {
    /// A tenant with these processes and debtors.
    pub fn new(
        policy: TenantPolicy,
        processes: Vec<Process>,
        rules: Vec<GroupRule>,
        cases: Vec<DebtorCase>,
    ) -> Self {
        let wake = vec![None; cases.len()];
        Simulation {
            policy,
            processes,
            rules,
            cases,
            last_sync: None,
            wake,
            decisions: Vec::new(),
        }
    }

    /// Marks case `i` as changed (new data, a payment, a pause): it is planned at the next tick
    /// even in event-driven mode.
    pub fn touch(&mut self, i: usize) {
        if let Some(w) = self.wake.get_mut(i) {
            *w = None;
        }
    }

    /// Marks every case as changed (after a sync).
    pub fn touch_all(&mut self) {
        self.wake.iter_mut().for_each(|w| *w = None);
    }

    /// The earliest wake-up over all cases (`None` when some case must be planned now or
    /// nothing is scheduled).
    pub fn next_event(&self) -> Option<DateTime<Utc>> {
        self.wake.iter().flatten().min().copied()
    }

    /// Plans every case (or, when `event_driven`, only those whose wake-up has come), records
    /// due actions as sent and skipped ones as skipped at `now`.
    pub fn tick(&mut self, now: DateTime<Utc>, event_driven: bool) -> TickReport {
        let mut report = TickReport::default();
        let ctx = PlanContext {
            now,
            policy: &self.policy,
            last_sync: self.last_sync,
            include_not_yet: true,
        };
        for (i, case) in self.cases.iter_mut().enumerate() {
            if event_driven
                && let Some(Some(w)) = self.wake.get(i)
                && *w > now
            {
                continue;
            }
            let Some(process) = case.process(&self.processes, &self.rules) else {
                self.wake[i] = Some(DateTime::<Utc>::MAX_UTC);
                continue;
            };
            report.evaluated += case.documents.iter().filter(|d| d.open).count();
            self.decisions.clear();
            plan_debtor(
                &ctx,
                process,
                &DebtorInput {
                    debtor: &case.debtor,
                    documents: &case.documents,
                    history: &case.history,
                },
                &mut self.decisions,
            );
            let mut held = false;
            for d in self.decisions.drain(..) {
                match d.outcome {
                    Outcome::Due => {
                        case.history.push(d.to_history(ActionStatus::Sent, now));
                        report.performed.push(d);
                    }
                    Outcome::Skipped(_) => {
                        case.history.push(d.to_history(ActionStatus::Skipped, now));
                        report.skipped.push(d);
                    }
                    Outcome::Held(_) => {
                        held = true;
                        report.held.push(d);
                    }
                    Outcome::NotYet => {}
                }
            }
            // Replan to learn the next wake-up from the state after recording.
            plan_debtor(
                &ctx,
                process,
                &DebtorInput {
                    debtor: &case.debtor,
                    documents: &case.documents,
                    history: &case.history,
                },
                &mut self.decisions,
            );
            let wake = next_wake(&self.decisions);
            self.decisions.clear();
            // A held debtor (stale sync, exclusion) is re-examined at every tick.
            self.wake[i] = if held {
                None
            } else {
                Some(wake.unwrap_or(DateTime::<Utc>::MAX_UTC))
            };
        }
        report
    }
}

/// What a process will do for one debtor over the next `days` days from `from`, for its current
/// data, assuming no payment arrives and the agent keeps syncing. Returns the due actions (slot =
/// when they would go out) and the skipped occurrences, in time order.
pub fn forecast(
    policy: &TenantPolicy,
    process: &Process,
    case: &DebtorCase,
    from: DateTime<Utc>,
    days: u32,
) -> Vec<Decision> {
    let end = from + Duration::days(i64::from(days));
    let mut history = case.history.clone();
    let mut out = Vec::new();
    let mut decisions = Vec::new();
    let mut now = from;
    // Each iteration records at least one occurrence or moves to a strictly later wake-up, and
    // a process has finitely many occurrences per document; the cap is a second safety net.
    for _ in 0..100_000 {
        let ctx = PlanContext {
            now,
            policy,
            last_sync: Some(now),
            include_not_yet: true,
        };
        decisions.clear();
        plan_debtor(
            &ctx,
            process,
            &DebtorInput {
                debtor: &case.debtor,
                documents: &case.documents,
                history: &history,
            },
            &mut decisions,
        );
        let mut recorded = false;
        for d in &decisions {
            if let Some(status) = d.recorded_status() {
                let status = if status == ActionStatus::Planned {
                    ActionStatus::Sent
                } else {
                    status
                };
                history.push(d.to_history(status, now));
                let mut shown = d.clone();
                shown.slot = now;
                out.push(shown);
                recorded = true;
            }
        }
        if recorded {
            continue;
        }
        match next_wake(&decisions) {
            Some(next) if next <= end => now = next.max(now + Duration::seconds(1)),
            _ => break,
        }
    }
    out.sort_by_key(|a| a.slot);
    out
}

/// The forecast of a whole tenant: every debtor's forecast, merged in time order.
pub fn forecast_tenant(sim: &Simulation, from: DateTime<Utc>, days: u32) -> Vec<Decision> {
    let mut all: Vec<Decision> = sim
        .cases
        .iter()
        .filter_map(|case| {
            case.process(&sim.processes, &sim.rules)
                .map(|p| forecast(&sim.policy, p, case, from, days))
        })
        .flatten()
        .collect();
    all.sort_by_key(|a| a.slot);
    all
}
