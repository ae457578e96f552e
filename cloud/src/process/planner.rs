//! The planner: a pure function from (process, debtor state, documents, history, now) to a
//! decision for every stage occurrence that matters now: due, held, skipped or not yet.
//!
//! It owns the scheduling rules: each stage occurrence is scheduled for a calendar date (the due
//! date plus the offset plus k repeat intervals), moved to its send window by the calendar, and becomes due
//! when that slot has come. After downtime only the latest due occurrence of a document is
//! performed; the older pending ones are skipped as superseded (catch-up without flooding), and
//! occurrences older than the process's catch-up limit are skipped as expired. Every due action
//! then passes the guards (exclusion, legal status, sync freshness, pauses, channel policy and
//! consent, contact data, minimum amounts, recent contact) and is grouped per debtor or per
//! document. Each decision carries an idempotency key (process, stage, debtor or document,
//! occurrence) that the store keeps unique, so replanning after a crash never repeats an action.
//!
//! The same function serves the runner's tick, the send-time re-check (replan the debtor from
//! freshly read rows; send only if the claimed key is still due), the forecast and the tests.

use std::fmt;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use inkaso_shared::{Currency, ExternalId, Lang, Localized, Money};
use serde::{Deserialize, Serialize};

use super::calendar::{self, NoSlot, SendWindow};
use super::model::{AmountScope, Channel, Grouping, Process, Stage};
use super::state::{
    ActionStatus, CoveredDocument, DebtorState, DocumentState, HistoryEntry, LegalStatus,
    PauseKind, TenantPolicy,
};
use crate::domain::ids::{AgentId, TenantId};
use crate::i18n;

/// The tenant-wide inputs of one planning run.
#[derive(Debug, Clone, Copy)]
pub struct PlanContext<'a> {
    /// The instant planned for.
    pub now: DateTime<Utc>,
    /// The tenant's policy.
    pub policy: &'a TenantPolicy,
    /// The agent's last successful sync; `None` if it never synced.
    pub last_sync: Option<DateTime<Utc>>,
    /// Whether to report the next upcoming occurrence of every document as [`Outcome::NotYet`]
    /// (needed for the next wake-up time and the forecast; the runner's send path can skip it).
    pub include_not_yet: bool,
}

/// One debtor's inputs.
#[derive(Debug, Clone, Copy)]
pub struct DebtorInput<'a> {
    /// The debtor.
    pub debtor: &'a DebtorState,
    /// All its documents known to the store (closed ones are ignored).
    pub documents: &'a [DocumentState],
    /// Its history (any process; entries of other processes are ignored except as contacts).
    pub history: &'a [HistoryEntry],
}

/// Whether an action is keyed by its debtor (grouped) or by one document.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "scope", content = "id")]
pub enum KeyScope {
    /// A per-debtor action; the key also names its first covered document.
    Debtor(ExternalId),
    /// A per-document action or decision.
    Document,
}

/// The idempotency key of an action: unique per tenant and agent for ever (what providers see is
/// [`provider_key`], which adds the tenant and the agent). For a per-debtor action it names
/// the first (document, occurrence) it covers; an occurrence is covered by at most one action,
/// so two actions of one debtor and stage never share a first document occurrence.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ActionKey {
    /// Process code.
    pub process: String,
    /// Stage code.
    pub stage: String,
    /// Debtor or document scope.
    pub scope: KeyScope,
    /// The (first) document.
    pub document: ExternalId,
    /// The (first) document's occurrence of the stage.
    pub occurrence: u16,
    /// The on-demand request that asked for the action (R-P5); `None` for the automatic
    /// schedule. On-demand keys live in their own namespace and never collide with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<String>,
}

/// What providers see for an action (SMSAPI's `idx`, the e-mail Message-ID, the test-mode id):
/// `ik-` and 128 bits of SHA-256 over the tenant, the agent and the key, each length-prefixed.
///
/// Why not the key itself: the key is unique only within one agent of one tenant, while every
/// tenant sends through the one SMSAPI account whose `check_idx=1` refuses a repeated `idx`
/// (error 53) — two firms with the same ERP ids would silence each other. Deterministic, so a
/// re-dispatch after a crash presents the same value and the provider still refuses the
/// duplicate; 36 characters of `[a-z0-9-]`, which SMSAPI and a Message-ID carry unchanged.
pub fn provider_key(tenant: &TenantId, agent: &AgentId, key: &str) -> String {
    use sha2::Digest as _;
    let mut hash = sha2::Sha256::new();
    for part in [tenant.as_str(), agent.as_str(), key] {
        hash.update((part.len() as u64).to_le_bytes());
        hash.update(part.as_bytes());
    }
    format!("ik-{}", hex::encode(&hash.finalize()[..16]))
}

/// Escapes `/` and `%` in external ids so the rendered key splits unambiguously.
fn escape(s: &str) -> String {
    if !s.contains(['/', '%']) {
        return s.to_owned();
    }
    s.replace('%', "%25").replace('/', "%2F")
}

impl fmt::Display for ActionKey {
    /// `STD/S14/doc/FV-1/2` or `STD/E0/debtor/KH-17/FV-1/0`: the string the store keeps unique
    /// and the channels pass to providers (SMSAPI `idx`) to refuse duplicates on their side too.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(request) = &self.request {
            write!(f, "manual/{}/", escape(request))?;
        }
        match &self.scope {
            KeyScope::Document => write!(
                f,
                "{}/{}/doc/{}/{}",
                self.process,
                self.stage,
                escape(self.document.as_str()),
                self.occurrence
            ),
            KeyScope::Debtor(debtor) => write!(
                f,
                "{}/{}/debtor/{}/{}/{}",
                self.process,
                self.stage,
                escape(debtor.as_str()),
                escape(self.document.as_str()),
                self.occurrence
            ),
        }
    }
}

/// Why a due action is held back (re-evaluated at every tick; nothing is recorded).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "code")]
pub enum HoldReason {
    /// The debtor is excluded from collection.
    DebtorExcluded,
    /// The document is excluded from collection.
    DocumentExcluded,
    /// The debtor is deceased or bankrupt.
    LegalStatus { status: LegalStatus },
    /// The agent's data is too old to trust that the document is still unpaid.
    SyncStale {
        last_sync: Option<DateTime<Utc>>,
        max_age_hours: u32,
    },
    /// Collection is paused.
    Paused {
        kind: PauseKind,
        until: Option<NaiveDate>,
        reason: String,
    },
    /// The stage's window admits no instant (an invalid window that slipped past validation).
    NoSlot,
}

/// Why an occurrence is not performed (recorded with its key; final).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "code")]
pub enum SkipReason {
    /// A later occurrence of the document was due (or done): catch-up without flooding.
    Superseded {
        by_stage: String,
        by_occurrence: u16,
    },
    /// Too late to be meaningful: past the catch-up limit, or a before-due reminder after the
    /// due date.
    Expired { scheduled: NaiveDate },
    /// Below the stage's minimum amount.
    BelowMinimum { amount: Money, minimum: Money },
    /// The channel is switched off for the tenant.
    ChannelDisabled { channel: Channel },
    /// The debtor has not consented to the channel.
    NoConsent { channel: Channel },
    /// The debtor has no contact data for the channel.
    NoContact { channel: Channel },
    /// An on-demand demand (letter, registered letter, hand-off) for a document not yet overdue
    /// (Optima: "Ponaglenie ... tylko dla przeterminowanych płatności").
    NotOverdue { due_date: NaiveDate },
    /// The debtor received a message within the stage's skip window.
    RecentlyContacted { at: DateTime<Utc>, within_days: u16 },
}

/// The planner's verdict on one candidate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "outcome", content = "detail")]
pub enum Outcome {
    /// Perform now.
    Due,
    /// Due, but a guard holds it; re-evaluated at every tick.
    Held(HoldReason),
    /// Not performed; record the key with this reason.
    Skipped(SkipReason),
    /// The document's next occurrence, at `slot`.
    NotYet,
}

/// One decision of the planner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// Idempotency key.
    pub key: ActionKey,
    /// The debtor.
    pub debtor: ExternalId,
    /// Process code.
    pub process: String,
    /// Stage code.
    pub stage: String,
    /// Channel.
    pub channel: Channel,
    /// Template reference.
    pub template: String,
    /// Documents and occurrences covered (one unless grouped per debtor).
    pub documents: Vec<CoveredDocument>,
    /// The allowed instant the action became (or becomes) due.
    pub slot: DateTime<Utc>,
    /// The verdict.
    pub outcome: Outcome,
}

impl Decision {
    /// The rendered idempotency key.
    pub fn key_string(&self) -> String {
        self.key.to_string()
    }

    /// The history entry recording this decision with `status` at `at` (what the runner
    /// writes when it plans, sends or skips it).
    pub fn to_history(&self, status: ActionStatus, at: DateTime<Utc>) -> HistoryEntry {
        HistoryEntry {
            key: self.key_string(),
            process: self.process.clone(),
            stage: self.stage.clone(),
            channel: self.channel,
            documents: self.documents.clone(),
            at,
            status,
            manual: self.key.request.is_some(),
        }
    }

    /// The status a runner records for a decision it acts on now: due → planned, skipped →
    /// skipped; held and not-yet decisions are not recorded.
    pub fn recorded_status(&self) -> Option<ActionStatus> {
        match self.outcome {
            Outcome::Due => Some(ActionStatus::Planned),
            Outcome::Skipped(_) => Some(ActionStatus::Skipped),
            Outcome::Held(_) | Outcome::NotYet => None,
        }
    }
}

impl Localized for HoldReason {
    fn message(&self, lang: Lang) -> String {
        match self {
            HoldReason::DebtorExcluded => i18n::text(lang, "err-hold-debtor-excluded"),
            HoldReason::DocumentExcluded => i18n::text(lang, "err-hold-document-excluded"),
            HoldReason::LegalStatus { status } => status.message(lang),
            HoldReason::SyncStale {
                last_sync: Some(t),
                max_age_hours,
            } => i18n::text_with(
                lang,
                "err-hold-sync-stale",
                &[
                    ("last_sync", (&t.format("%Y-%m-%d %H:%M UTC")).into()),
                    ("hours", (*max_age_hours).into()),
                ],
            ),
            HoldReason::SyncStale {
                last_sync: None, ..
            } => i18n::text(lang, "err-hold-never-synced"),
            HoldReason::Paused {
                kind,
                until,
                reason,
            } => {
                let until = match until {
                    Some(d) => i18n::text_with(
                        lang,
                        "err-hold-until",
                        &[("date", i18n::date(lang, *d).into())],
                    ),
                    None => i18n::text(lang, "err-hold-until-lifted"),
                };
                let args = [
                    ("kind", kind.name(lang).into()),
                    ("until", until.into()),
                    ("reason", reason.into()),
                ];
                if reason.is_empty() {
                    i18n::text_with(lang, "err-hold-paused", &args)
                } else {
                    i18n::text_with(lang, "err-hold-paused-because", &args)
                }
            }
            HoldReason::NoSlot => i18n::text(lang, "err-hold-no-slot"),
        }
    }
}

impl Localized for SkipReason {
    fn message(&self, lang: Lang) -> String {
        let money = |m: &Money| match lang {
            Lang::Pl => m.to_string(),
            Lang::En => format!("{} {}", m.format_amount(), m.currency),
        };
        match self {
            SkipReason::Superseded {
                by_stage,
                by_occurrence,
            } => i18n::text_with(
                lang,
                "err-skip-superseded",
                &[
                    ("stage", by_stage.into()),
                    ("occurrence", (u32::from(*by_occurrence) + 1).into()),
                ],
            ),
            SkipReason::Expired { scheduled } => i18n::text_with(
                lang,
                "err-skip-expired",
                &[("date", i18n::date(lang, *scheduled).into())],
            ),
            SkipReason::BelowMinimum { amount, minimum } => i18n::text_with(
                lang,
                "err-skip-below-minimum",
                &[
                    ("amount", money(amount).into()),
                    ("minimum", money(minimum).into()),
                ],
            ),
            SkipReason::ChannelDisabled { channel } => i18n::text_with(
                lang,
                "err-skip-channel-disabled",
                &[("channel", channel.name(lang).into())],
            ),
            SkipReason::NoConsent { channel } => i18n::text_with(
                lang,
                "err-skip-no-consent",
                &[("channel", channel.name(lang).into())],
            ),
            SkipReason::NoContact { channel } => i18n::text_with(
                lang,
                "err-skip-no-contact",
                &[("channel", channel.name(lang).into())],
            ),
            SkipReason::NotOverdue { due_date } => i18n::text_with(
                lang,
                "err-skip-not-overdue",
                &[("date", i18n::date(lang, *due_date).into())],
            ),
            SkipReason::RecentlyContacted { at, within_days } => i18n::text_with(
                lang,
                "err-skip-recently-contacted",
                &[
                    ("at", (&at.format("%Y-%m-%d %H:%M UTC")).into()),
                    ("days", (*within_days).into()),
                ],
            ),
        }
    }
}

/// One pending occurrence of a stage for a document.
#[derive(Debug, Clone, Copy)]
struct Occ {
    stage: usize,
    k: u16,
    scheduled: NaiveDate,
}

/// Memo of calendar slots for one planning call: documents of a debtor share due dates, and the
/// time-zone arithmetic is the planner's most expensive step.
#[derive(Default)]
struct SlotCache {
    entries: Vec<(SendWindow, NaiveDate, Result<DateTime<Utc>, NoSlot>)>,
}

impl SlotCache {
    fn slot(&mut self, window: SendWindow, date: NaiveDate) -> Result<DateTime<Utc>, NoSlot> {
        if let Some((_, _, r)) = self
            .entries
            .iter()
            .find(|(w, d, _)| *d == date && *w == window)
        {
            return *r;
        }
        let r = window.first_slot_on_or_after(date);
        if self.entries.len() < 64 {
            self.entries.push((window, date, r));
        }
        r
    }
}

fn add_days(date: NaiveDate, days: i64) -> Option<NaiveDate> {
    date.checked_add_signed(Duration::try_days(days)?)
}

/// A decision in the making: one document occurrence with its verdict, before guards and
/// grouping.
struct Candidate<'a> {
    doc: &'a DocumentState,
    occ: Occ,
    slot: DateTime<Utc>,
    outcome: Outcome,
}

/// The per-call state of planning one debtor: what history says, the debtor-wide holds and
/// totals, and the slot memo.
struct DebtorPlanner<'a> {
    ctx: &'a PlanContext<'a>,
    process: &'a Process,
    debtor: &'a DebtorState,
    today: NaiveDate,
    /// Occurrences already recorded for this process, sorted for binary search. Only automatic
    /// entries count: on-demand actions do not consume the schedule.
    done: Vec<(&'a str, &'a str, u16)>,
    last_contact: Option<DateTime<Utc>>,
    debtor_hold: Option<HoldReason>,
    /// Totals per currency of the open documents in collection, for per-debtor minimums.
    totals: Vec<(Currency, i64)>,
    slots: SlotCache,
    /// Per stage, lazily: `now` if its window is open now, else when it next opens. An
    /// occurrence whose slot has passed (after a hold or an outage) still goes out only inside
    /// its window: a promise that ends on a Friday does not release an SMS on Saturday night.
    reopen: Vec<Option<Result<DateTime<Utc>, NoSlot>>>,
    pending: Vec<(Occ, Option<DateTime<Utc>>)>,
    /// The on-demand request being planned, if any.
    request: Option<&'a str>,
}

impl<'a> DebtorPlanner<'a> {
    fn new(ctx: &'a PlanContext<'a>, process: &'a Process, input: &DebtorInput<'a>) -> Self {
        let debtor = input.debtor;
        let now = ctx.now;
        let mut done = Vec::new();
        let mut last_contact = debtor.last_contact_at;
        for h in input.history {
            if h.channel.reaches_debtor() && h.status.is_contact() {
                last_contact = last_contact.max(Some(h.at));
            }
            if !h.manual && h.process == process.code {
                for d in &h.documents {
                    done.push((d.document.as_str(), h.stage.as_str(), d.occurrence));
                }
            }
        }
        done.sort_unstable();

        // Holds that apply to the whole debtor, strongest first.
        let debtor_hold = if debtor.excluded {
            Some(HoldReason::DebtorExcluded)
        } else if debtor.legal_status != LegalStatus::Active {
            Some(HoldReason::LegalStatus {
                status: debtor.legal_status,
            })
        } else if ctx
            .last_sync
            .is_none_or(|t| now - t > ctx.policy.sync_max_age())
        {
            Some(HoldReason::SyncStale {
                last_sync: ctx.last_sync,
                max_age_hours: ctx.policy.sync_max_age_hours,
            })
        } else {
            None
        };

        let mut totals: Vec<(Currency, i64)> = Vec::new();
        for d in input.documents.iter().filter(|d| d.open && !d.excluded) {
            let c = d.document.currency;
            match totals.iter_mut().find(|(tc, _)| *tc == c) {
                Some((_, sum)) => *sum = sum.saturating_add(d.document.remaining_minor),
                None => totals.push((c, d.document.remaining_minor)),
            }
        }

        DebtorPlanner {
            ctx,
            process,
            debtor,
            today: calendar::local_date(now),
            done,
            last_contact,
            debtor_hold,
            totals,
            slots: SlotCache::default(),
            reopen: vec![None; process.stages.len()],
            pending: Vec::new(),
            request: None,
        }
    }

    /// The instant an occurrence scheduled into `slot` can actually go out: the slot itself if
    /// it is still ahead, else now if the stage's window is open, else its next opening.
    fn effective_slot(&mut self, stage: usize, slot: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let now = self.ctx.now;
        if slot > now {
            return Some(slot);
        }
        let window = self.process.stages[stage].window;
        let reopen = self.reopen[stage].get_or_insert_with(|| {
            if window.contains(now) {
                Ok(now)
            } else {
                window.next_slot(now)
            }
        });
        match *reopen {
            Ok(at) if at <= now => Some(slot),
            Ok(at) => Some(at),
            Err(NoSlot) => None,
        }
    }

    fn is_done(&self, doc: &str, stage: &str, k: u16) -> bool {
        self.done.binary_search(&(doc, stage, k)).is_ok()
    }

    fn hold_for(&self, doc: &DocumentState) -> Option<HoldReason> {
        self.debtor_hold
            .clone()
            .or_else(|| doc.excluded.then_some(HoldReason::DocumentExcluded))
            .or_else(|| {
                self.debtor
                    .pauses
                    .iter()
                    .find(|p| p.holds(&doc.document.external_id, self.today))
                    .map(|p| HoldReason::Paused {
                        kind: p.kind,
                        until: p.until,
                        reason: p.reason.clone(),
                    })
            })
    }

    /// Whether an occurrence is too late to perform ([`Stage::expired`]: a before-due reminder
    /// once the due date has passed, a due-date reminder a few days after it, any stage past
    /// its `late_days` or the process's catch-up limit).
    fn expired(&self, occ: &Occ, due_date: NaiveDate) -> bool {
        self.process.stages[occ.stage].expired(
            occ.scheduled,
            due_date,
            self.today,
            self.process.catch_up_days,
        )
    }

    /// The timing verdicts for one open document, appended to `out`.
    fn document(&mut self, doc: &'a DocumentState, out: &mut Vec<Candidate<'a>>) {
        let now = self.ctx.now;
        let process = self.process;
        let id = doc.document.external_id.as_str();
        let due_date = doc.document.due_date;
        let doc_hold = self.hold_for(doc);

        // Walk every occurrence scheduled up to today; remember the first future one per stage.
        let mut pending = std::mem::take(&mut self.pending);
        pending.clear();
        let mut latest_done: Option<(NaiveDate, usize, u16)> = None;
        let mut next_future: Option<(Occ, DateTime<Utc>)> = None;
        for (si, stage) in process.stages.iter().enumerate() {
            for k in 0..stage.occurrences() {
                let Some(scheduled) = add_days(due_date, stage.occurrence_offset(k)) else {
                    continue;
                };
                let occ = Occ {
                    stage: si,
                    k,
                    scheduled,
                };
                if scheduled > self.today {
                    if self.ctx.include_not_yet
                        && let Ok(slot) = self.slots.slot(stage.window, scheduled)
                        && next_future.as_ref().is_none_or(|(_, s)| slot < *s)
                    {
                        next_future = Some((occ, slot));
                    }
                    // Later occurrences of this stage are later still.
                    break;
                }
                if self.is_done(id, &stage.code, k) {
                    if latest_done.is_none_or(|(d, _, _)| scheduled > d) {
                        latest_done = Some((scheduled, si, k));
                    }
                    continue;
                }
                let slot = match self.slots.slot(stage.window, scheduled) {
                    Ok(slot) => self.effective_slot(si, slot),
                    Err(NoSlot) => None,
                };
                pending.push((occ, slot));
            }
        }

        // The frontier: the latest scheduled date among done and due occurrences. Anything
        // pending before it is superseded; the due ones on it are performed.
        let is_due = |slot: &Option<DateTime<Utc>>| slot.is_none_or(|s| s <= now);
        let mut frontier: Option<(NaiveDate, usize, u16)> = latest_done;
        for (occ, slot) in &pending {
            if is_due(slot)
                && !self.expired(occ, due_date)
                && frontier.is_none_or(|(d, _, _)| occ.scheduled > d)
            {
                frontier = Some((occ.scheduled, occ.stage, occ.k));
            }
        }

        for (occ, slot) in &pending {
            if is_due(slot) {
                let skip = if self.expired(occ, due_date) {
                    Some(SkipReason::Expired {
                        scheduled: occ.scheduled,
                    })
                } else {
                    frontier
                        .filter(|(d, _, _)| occ.scheduled < *d)
                        .map(|(_, s, k)| SkipReason::Superseded {
                            by_stage: process.stages[s].code.clone(),
                            by_occurrence: k,
                        })
                };
                let outcome = match (skip, &doc_hold) {
                    // While held, bookkeeping of older occurrences waits: nothing is recorded
                    // for an excluded debtor, and the hold shows only on the latest occurrence.
                    (Some(_), Some(_)) => continue,
                    (Some(reason), None) => Outcome::Skipped(reason),
                    (None, Some(hold)) => Outcome::Held(hold.clone()),
                    (None, None) => match slot {
                        None => Outcome::Held(HoldReason::NoSlot),
                        Some(_) => Outcome::Due,
                    },
                };
                out.push(Candidate {
                    doc,
                    occ: *occ,
                    slot: slot.unwrap_or(now),
                    outcome,
                });
            } else if self.ctx.include_not_yet
                && frontier.is_none_or(|(d, _, _)| occ.scheduled >= d)
                && !self.expired(occ, due_date)
                && let Some(s) = slot
                && next_future.as_ref().is_none_or(|(_, f)| *s < *f)
            {
                next_future = Some((*occ, *s));
            }
        }
        self.pending = pending;

        if let Some((occ, slot)) = next_future {
            out.push(Candidate {
                doc,
                occ,
                slot,
                outcome: Outcome::NotYet,
            });
        }
    }

    /// Applies the guards to due candidates and groups them into decisions.
    fn emit(&self, mut candidates: Vec<Candidate<'a>>, out: &mut Vec<Decision>) {
        let process = self.process;
        for c in &mut candidates {
            if c.outcome == Outcome::Due
                && let Some(reason) = guard(
                    self.ctx,
                    &process.stages[c.occ.stage],
                    self.debtor,
                    c.doc,
                    &self.totals,
                    self.last_contact,
                )
            {
                c.outcome = Outcome::Skipped(reason);
            }
        }
        let first = out.len();
        // The currency of each decision started in this call (its first document's).
        let mut currencies: Vec<Currency> = Vec::new();
        for c in candidates {
            let stage = &process.stages[c.occ.stage];
            let covered = CoveredDocument {
                document: c.doc.document.external_id.clone(),
                occurrence: c.occ.k,
                scheduled: c.occ.scheduled,
            };
            let currency = c.doc.document.currency;
            let grouped = c.outcome == Outcome::Due && stage.grouping == Grouping::PerDebtor;
            // Merge into this debtor's action for the stage, if one was started in this call. A
            // case at a law firm is a claim in one currency, so a hand-off groups per currency
            // (messages and letters state a total per currency and take them all).
            if grouped
                && let Some(action) =
                    out[first..]
                        .iter_mut()
                        .zip(&currencies)
                        .find_map(|(a, cur)| {
                            (a.outcome == Outcome::Due
                                && a.stage == stage.code
                                && matches!(a.key.scope, KeyScope::Debtor(_))
                                && (stage.channel != Channel::Handoff || *cur == currency))
                                .then_some(a)
                        })
            {
                action.slot = action.slot.max(c.slot);
                if (covered.document.as_str(), covered.occurrence)
                    < (action.key.document.as_str(), action.key.occurrence)
                {
                    action.key.document = covered.document.clone();
                    action.key.occurrence = covered.occurrence;
                }
                action.documents.push(covered);
                continue;
            }
            let scope = if grouped {
                KeyScope::Debtor(self.debtor.external_id.clone())
            } else {
                KeyScope::Document
            };
            out.push(Decision {
                key: ActionKey {
                    process: process.code.clone(),
                    stage: stage.code.clone(),
                    scope,
                    document: covered.document.clone(),
                    occurrence: covered.occurrence,
                    request: self.request.map(str::to_owned),
                },
                debtor: self.debtor.external_id.clone(),
                process: process.code.clone(),
                stage: stage.code.clone(),
                channel: stage.channel,
                template: stage.template.clone(),
                documents: vec![covered],
                slot: c.slot,
                outcome: c.outcome,
            });
            currencies.push(currency);
        }
    }
}

/// Plans one debtor under `process`, appending decisions to `out`. Decisions come in a
/// deterministic order (documents as given, stages as listed in the process).
pub fn plan_debtor(
    ctx: &PlanContext<'_>,
    process: &Process,
    input: &DebtorInput<'_>,
    out: &mut Vec<Decision>,
) {
    let mut planner = DebtorPlanner::new(ctx, process, input);
    let mut candidates = Vec::new();
    for doc in input.documents.iter().filter(|d| d.open) {
        planner.document(doc, &mut candidates);
    }
    planner.emit(candidates, out);
}

/// What the runner does with a claimed action after re-planning its debtor from freshly read
/// rows (with the claimed row left out of the history).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "action", content = "detail")]
pub enum Recheck {
    /// The same action is still due, for the same documents: send it.
    Send,
    /// It is held now (stale sync, a new pause, an exclusion): put the claim back to planned
    /// and check again later.
    Hold(HoldReason),
    /// It is no longer this action (a document was paid, it is superseded or below the minimum
    /// now): delete the claim, which never reached a provider, so its key and occurrences are
    /// free; the next tick plans what is due now. The reason is for the log.
    Replan(Option<SkipReason>),
}

/// Decides the fate of a claimed action from the fresh decisions of its debtor. Only an
/// identical action (same key, same documents) is sent: a grouped action whose documents changed
/// is re-planned rather than sent under a key that no longer describes it, which keeps keys
/// unique for ever.
pub fn recheck(claim: &HistoryEntry, fresh: &[Decision]) -> Recheck {
    let touches = |d: &Decision| {
        d.process == claim.process
            && d.stage == claim.stage
            && d.documents.iter().any(|c| {
                claim
                    .documents
                    .iter()
                    .any(|k| k.document == c.document && k.occurrence == c.occurrence)
            })
    };
    let stage_of_claim = fresh.iter().filter(|d| touches(d));
    let mut held = None;
    let mut skipped = None;
    for d in stage_of_claim {
        match &d.outcome {
            Outcome::Due if d.key_string() == claim.key && d.documents == claim.documents => {
                return Recheck::Send;
            }
            Outcome::Due => return Recheck::Replan(None),
            Outcome::Held(h) => held = held.or_else(|| Some(h.clone())),
            Outcome::Skipped(r) => skipped = skipped.or_else(|| Some(r.clone())),
            Outcome::NotYet => {}
        }
    }
    match (held, skipped) {
        (Some(h), None) => Recheck::Hold(h),
        (_, reason) => Recheck::Replan(reason),
    }
}

/// An on-demand run (R-P5): chosen stages for chosen documents, now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OnDemand {
    /// The request's id (unique per tenant): it namespaces the actions' keys, so running the
    /// same request twice performs nothing twice, and a new request may repeat a stage.
    pub request: String,
    /// Stage codes to run.
    pub stages: Vec<String>,
    /// Documents to run them for; documents of other debtors are ignored by [`plan_on_demand`].
    pub documents: Vec<ExternalId>,
}

/// Why an on-demand request is refused. `Display` is the Polish message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OnDemandError {
    /// No stage chosen.
    NoStages,
    /// A stage code the process does not have.
    UnknownStage { process: String, stage: String },
}

impl Localized for OnDemandError {
    fn message(&self, lang: Lang) -> String {
        match self {
            OnDemandError::NoStages => i18n::text(lang, "err-domain-no-stages-chosen"),
            OnDemandError::UnknownStage { process, stage } => i18n::text_with(
                lang,
                "err-on-demand-unknown-stage",
                &[("process", process.into()), ("stage", stage.into())],
            ),
        }
    }
}

impl fmt::Display for OnDemandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::Pl))
    }
}

/// Plans an on-demand run for one debtor: the chosen stages for its chosen open documents,
/// timing ignored (no offsets, no repeats, no catch-up) but every guard kept: exclusion, legal
/// status, sync freshness, pauses, channel policy, consent, contact data, minimums and recent
/// contact; demands only for overdue documents. Due actions carry the next allowed slot of the
/// stage's window (now if it is open): an SMS asked for at 22:00 goes at 9:00. Their history
/// entries are manual: they count as contacts but leave the automatic schedule untouched.
pub fn plan_on_demand(
    ctx: &PlanContext<'_>,
    process: &Process,
    request: &OnDemand,
    input: &DebtorInput<'_>,
    out: &mut Vec<Decision>,
) -> Result<(), OnDemandError> {
    if request.stages.is_empty() {
        return Err(OnDemandError::NoStages);
    }
    let mut stages = Vec::new();
    for code in &request.stages {
        let index = process
            .stages
            .iter()
            .position(|s| s.code == *code)
            .ok_or_else(|| OnDemandError::UnknownStage {
                process: process.code.clone(),
                stage: code.clone(),
            })?;
        if !stages.contains(&index) {
            stages.push(index);
        }
    }
    let mut planner = DebtorPlanner::new(ctx, process, input);
    planner.request = Some(&request.request);
    let mut candidates = Vec::new();
    for doc in input
        .documents
        .iter()
        .filter(|d| d.open && request.documents.contains(&d.document.external_id))
    {
        let hold = planner.hold_for(doc);
        for &si in &stages {
            let stage = &process.stages[si];
            let slot = if stage.window.contains(ctx.now) {
                Ok(ctx.now)
            } else {
                stage.window.next_slot(ctx.now)
            };
            let outcome = match (&hold, slot) {
                (Some(h), _) => Outcome::Held(h.clone()),
                (None, Err(NoSlot)) => Outcome::Held(HoldReason::NoSlot),
                (None, Ok(_))
                    if stage.channel.requires_overdue()
                        && planner.today <= doc.document.due_date =>
                {
                    Outcome::Skipped(SkipReason::NotOverdue {
                        due_date: doc.document.due_date,
                    })
                }
                (None, Ok(_)) => Outcome::Due,
            };
            candidates.push(Candidate {
                doc,
                occ: Occ {
                    stage: si,
                    k: 0,
                    scheduled: planner.today,
                },
                slot: slot.unwrap_or(ctx.now),
                outcome,
            });
        }
    }
    let first = out.len();
    planner.emit(candidates, out);
    // Running the same request again performs nothing twice.
    let mut i = first;
    while i < out.len() {
        let key = out[i].key_string();
        if input.history.iter().any(|h| h.key == key) {
            out.remove(i);
        } else {
            i += 1;
        }
    }
    Ok(())
}

/// The on-demand request a manual action belongs to, rebuilt from its history entry: the
/// request id from its key (`manual/<request>/…`), its stage and its documents. A runner
/// re-checking a claimed manual action re-plans it with [`plan_on_demand`] under this request
/// (and the claim's own process) and then applies [`recheck`]; the automatic plan never contains
/// a manual key, so re-checking a manual claim against [`plan_debtor`] would always drop it.
/// `None` for an automatic entry or a key without the prefix.
pub fn on_demand_of(entry: &HistoryEntry) -> Option<OnDemand> {
    if !entry.manual {
        return None;
    }
    let (request, _) = entry.key.strip_prefix("manual/")?.split_once('/')?;
    Some(OnDemand {
        request: unescape(request),
        stages: vec![entry.stage.clone()],
        documents: entry.documents.iter().map(|c| c.document.clone()).collect(),
    })
}

/// Reverses [`escape`].
fn unescape(s: &str) -> String {
    if !s.contains('%') {
        return s.to_owned();
    }
    s.replace("%2F", "/").replace("%25", "%")
}

/// Optima's rule for the process offered for a mixed on-demand selection: the documents'
/// common process if they share one; else the tenant's default if it is among theirs; else the
/// first of theirs by code (Optima picks "losowo"; we pick deterministically).
pub fn suggest_process<'p>(processes: &'p [Process], selected: &[&str]) -> Option<&'p Process> {
    let mut theirs: Vec<&'p Process> = processes
        .iter()
        .filter(|p| selected.contains(&p.code.as_str()))
        .collect();
    theirs.sort_by(|a, b| a.code.cmp(&b.code));
    match theirs.as_slice() {
        [] => None,
        [only] => Some(*only),
        several => several
            .iter()
            .find(|p| p.is_default)
            .or_else(|| several.first())
            .copied(),
    }
}

/// The send-time guards that turn a due occurrence into a skip: channel policy, consent,
/// contact data, minimum amounts, recent contact.
fn guard(
    ctx: &PlanContext<'_>,
    stage: &Stage,
    debtor: &DebtorState,
    doc: &DocumentState,
    totals: &[(Currency, i64)],
    last_contact: Option<DateTime<Utc>>,
) -> Option<SkipReason> {
    let channel = stage.channel;
    let policy = &ctx.policy.channels;
    if policy.disabled.contains(&channel) {
        return Some(SkipReason::ChannelDisabled { channel });
    }
    if policy.consent_required.contains(&channel) {
        let consent = match channel {
            Channel::Sms => debtor.consent.sms,
            Channel::Email => debtor.consent.email,
            Channel::Voice => debtor.consent.voice,
            // Letters, tasks, blocks and hand-offs have no consent of their own.
            _ => true,
        };
        if !consent {
            return Some(SkipReason::NoConsent { channel });
        }
    }
    let r = debtor.reachable;
    let reachable = match channel {
        Channel::Sms => r.mobile,
        Channel::Voice => r.phone,
        Channel::Email => r.email,
        // A PDF letter goes by post or as an e-mail attachment.
        Channel::Letter => r.postal || r.email,
        Channel::RegisteredLetter => r.postal,
        Channel::Task | Channel::SalesBlock | Channel::Handoff => true,
    };
    if !reachable {
        return Some(SkipReason::NoContact { channel });
    }
    if let Some(min) = stage.min_amount {
        let amount = match min.scope {
            AmountScope::PerDocument => {
                (doc.document.currency == min.amount.currency).then(|| doc.document.remaining())
            }
            AmountScope::PerDebtor => Some(Money::new(
                totals
                    .iter()
                    .find(|(c, _)| *c == min.amount.currency)
                    .map_or(0, |(_, s)| *s),
                min.amount.currency,
            )),
        };
        if let Some(amount) = amount.filter(|a| a.minor < min.amount.minor) {
            return Some(SkipReason::BelowMinimum {
                amount,
                minimum: min.amount,
            });
        }
    }
    if let (Some(days), Some(at)) = (stage.skip_if_contacted_days, last_contact)
        && ctx.now - at < Duration::days(i64::from(days))
    {
        return Some(SkipReason::RecentlyContacted {
            at,
            within_days: days,
        });
    }
    None
}

/// The earliest instant at which replanning can change a debtor's decisions: the next
/// not-yet slot, or the day after a pause ends. The runner may skip a debtor until then unless
/// its data changes (a sync, a payment, a new pause or consent). `None`: nothing scheduled.
pub fn next_wake(decisions: &[Decision]) -> Option<DateTime<Utc>> {
    let slot = decisions
        .iter()
        .filter(|d| d.outcome == Outcome::NotYet)
        .map(|d| d.slot)
        .min();
    let pause_end = decisions
        .iter()
        .filter_map(|d| match &d.outcome {
            Outcome::Held(HoldReason::Paused { until: Some(u), .. }) => {
                add_days(*u, 1).map(calendar::start_of_day)
            }
            _ => None,
        })
        .min();
    match (slot, pause_end) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}
