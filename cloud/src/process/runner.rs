//! The runner: one tick of the process engine for one tenant, over the store and the channels.
//!
//! A tick (1) plans every debtor with open documents with the pure planner and records its due
//! and skipped decisions (`ON CONFLICT DO NOTHING` on the idempotency key, so replicas planning
//! at once write one row); (2) claims due rows (`FOR UPDATE SKIP LOCKED` on PostgreSQL) and,
//! before any channel is called, re-reads the debtor and re-plans it with the claim left out of
//! the history (`recheck`): only the identical action is sent, a held one goes back to the
//! queue with its reason, a changed one is deleted and re-planned; (3) dispatches through a
//! [`DynChannel`] per channel, under the action's key, and records the outcome with the results
//! feed event in one transaction.
//!
//! Why the claim is re-checked rather than trusted: between planning and sending the agent may
//! have synced a payment; chasing a paid invoice is the worst failure. Why a killed runner
//! cannot double-send: its claim expires after the lease and is dispatched again under the
//! same key, which the provider (SMSAPI `idx`, the test-mode recorder) refuses as a duplicate
//! ([`Outcome::AlreadySent`] is recorded as sent).
//!
//! SMS, e-mail and voice go through the channels as [`Outbound`] messages with a built-in text
//! (stored templates are not wired yet). Letters, registered letters, tasks, sales blocks and
//! hand-offs have no adapter yet: the runner records them as sent with a description saying what
//! is to be done, and the agent's feed carries them to the ERP.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use inkaso_channels::delivery::{Channel as Delivery, DynChannel, Outbound, Outcome};
use inkaso_channels::email::EmailMessage;
use inkaso_shared::{Clock, Currency, Lang, Localized, Money};
use serde::Serialize;
use tokio::sync::watch;

use super::model::{AssignmentSubject, Channel, Process, assign};
use super::planner::{
    DebtorInput, Decision, Outcome as PlanOutcome, PlanContext, Recheck, next_wake, plan_debtor,
    recheck,
};
use super::report::RunReport;
use crate::store::processes::{ClaimedAction, CollectionSettings, DebtorRows, Transition};
use crate::store::{Store, StoreError, new_id};

/// What can stop a tick.
#[derive(Debug, thiserror::Error)]
pub enum RunnerError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The channels a runner delivers through.
#[derive(Clone)]
pub struct Channels {
    live: HashMap<Channel, Arc<dyn DynChannel>>,
    test_mode: Arc<dyn DynChannel>,
}

impl std::fmt::Debug for Channels {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Channels")
            .field("live", &self.live.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl Channels {
    /// No live channel yet; tenants in test mode record through `test_mode`.
    pub fn new(test_mode: Arc<dyn DynChannel>) -> Self {
        Channels {
            live: HashMap::new(),
            test_mode,
        }
    }

    /// Adds the live adapter of a channel (SMSAPI for sms/voice, SMTP for e-mail).
    #[must_use]
    pub fn with(mut self, channel: Channel, adapter: Arc<dyn DynChannel>) -> Self {
        self.live.insert(channel, adapter);
        self
    }
}

/// Test mode for a long-running service: logs what would be sent and keeps nothing in memory
/// (the `TestModeRecorder` of the channels crate keeps every message, which suits tests).
#[derive(Debug, Default, Clone, Copy)]
pub struct LoggingTestMode;

impl Delivery for LoggingTestMode {
    async fn deliver(&self, key: &str, message: &Outbound) -> Outcome {
        tracing::info!(key, channel = ?message.channel(), "test mode: would send");
        Outcome::Sent {
            provider_id: format!("test-mode:{key}"),
            cost: None,
        }
    }
}

/// Runner settings.
#[derive(Debug, Clone)]
pub struct RunnerConfig {
    /// This runner's id, written into its claims.
    pub runner_id: String,
    /// A claim older than this belongs to a dead runner and is taken again.
    pub lease: Duration,
    /// Rows claimed per round.
    pub claim_batch: u32,
    /// First retry delay after a transient failure (doubles per attempt, at most 6 h).
    pub retry_after: Duration,
}

impl Default for RunnerConfig {
    fn default() -> Self {
        RunnerConfig {
            runner_id: format!("runner-{}", &new_id()[..12]),
            lease: Duration::minutes(10),
            claim_batch: 100,
            retry_after: Duration::minutes(5),
        }
    }
}

/// One line of a tick's account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TickLine {
    /// The action's key.
    pub key: String,
    /// The debtor.
    pub debtor: String,
    /// The channel.
    pub channel: Channel,
    /// Provider id, reason or description.
    pub detail: String,
}

/// What one tick did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TickSummary {
    /// The instant of the tick.
    pub at: DateTime<Utc>,
    /// Newly planned actions.
    pub planned: Vec<TickLine>,
    /// Newly skipped occurrences.
    pub skipped: Vec<TickLine>,
    /// Held decisions and claims, with the reason.
    pub held: Vec<TickLine>,
    /// Performed (or, in test mode, recorded) actions.
    pub sent: Vec<TickLine>,
    /// Failed actions.
    pub failed: Vec<TickLine>,
    /// Actions to retry later.
    pub retried: Vec<TickLine>,
    /// Claims dropped because the action changed (re-planned next tick).
    pub replanned: Vec<TickLine>,
    /// The client's run report (R-P8).
    pub report: RunReport,
}

impl TickSummary {
    /// The account in Polish or English, one line per action.
    pub fn render(&self, lang: Lang) -> String {
        let mut out = String::new();
        let groups: [(&str, &str, &Vec<TickLine>); 7] = [
            ("zaplanowano", "planned", &self.planned),
            ("wysłano", "sent", &self.sent),
            ("błąd", "failed", &self.failed),
            ("ponowienie", "retry", &self.retried),
            ("wstrzymano", "held", &self.held),
            ("pominięto", "skipped", &self.skipped),
            ("do ponownego planu", "re-planned", &self.replanned),
        ];
        for (pl, en, lines) in groups {
            let label = if lang == Lang::Pl { pl } else { en };
            for l in lines {
                let _ = writeln!(
                    out,
                    "{label:<18} {:<18} {:<40} {}",
                    l.channel.code(),
                    l.key,
                    l.detail
                );
            }
        }
        out.push_str(&self.report.render(self.at, lang));
        out
    }
}

struct Tenant<'a> {
    id: &'a str,
    settings: CollectionSettings,
    processes: Vec<Process>,
    rules: Vec<super::model::GroupRule>,
    paused: BTreeMap<Channel, String>,
    last_sync: HashMap<String, DateTime<Utc>>,
}

impl Tenant<'_> {
    fn process_of(&self, rows: &DebtorRows) -> Option<&Process> {
        let mut totals: BTreeMap<Currency, i64> = BTreeMap::new();
        for d in &rows.documents {
            *totals.entry(d.document.currency).or_default() += d.document.remaining_minor;
        }
        let totals: Vec<Money> = totals.into_iter().map(|(c, m)| Money::new(m, c)).collect();
        let subject = AssignmentSubject {
            own_process: rows.state.own_process.as_deref(),
            kind: rows.state.kind,
            tags: &rows.state.tags,
            totals: &totals,
        };
        assign(&self.processes, &self.rules, &subject).map(|(p, _)| p)
    }

    fn plan(&self, process: &Process, rows: &DebtorRows, now: DateTime<Utc>) -> Vec<Decision> {
        let ctx = PlanContext {
            now,
            policy: &self.settings.policy,
            last_sync: self.last_sync.get(&rows.agent_id).copied(),
            include_not_yet: true,
        };
        let input = DebtorInput {
            debtor: &rows.state,
            documents: &rows.documents,
            history: &rows.history,
        };
        let mut out = Vec::new();
        plan_debtor(&ctx, process, &input, &mut out);
        out
    }
}

fn line(d: &Decision, detail: String) -> TickLine {
    TickLine {
        key: d.key_string(),
        debtor: d.debtor.as_str().to_owned(),
        channel: d.channel,
        detail,
    }
}

fn claim_line(c: &ClaimedAction, detail: String) -> TickLine {
    TickLine {
        key: c.entry.key.clone(),
        debtor: c.debtor.as_str().to_owned(),
        channel: c.entry.channel,
        detail,
    }
}

/// One tick for one tenant at `clock.now()`: plan and record, claim, re-check, dispatch,
/// record the outcomes. Safe to run on several replicas at once.
pub async fn tick(
    store: &Store,
    clock: &dyn Clock,
    channels: &Channels,
    tenant_id: &str,
    config: &RunnerConfig,
) -> Result<TickSummary, RunnerError> {
    let now = clock.now();
    let tenant = Tenant {
        id: tenant_id,
        settings: store.collection_settings(tenant_id).await?,
        processes: store.processes(tenant_id).await?,
        rules: store.group_rules(tenant_id).await?,
        paused: store.paused_channels(tenant_id).await?,
        last_sync: store.agents_last_sync(tenant_id).await?,
    };
    let mut summary = TickSummary {
        at: now,
        ..TickSummary::default()
    };
    if !tenant.processes.is_empty() {
        for rows in store.debtor_rows(tenant_id, None).await? {
            let Some(process) = tenant.process_of(&rows) else {
                continue;
            };
            let decisions = tenant.plan(process, &rows, now);
            let hold = decisions.iter().find_map(|d| match &d.outcome {
                PlanOutcome::Held(h) => Some(h.message(Lang::Pl)),
                _ => None,
            });
            let new = store
                .record_decisions(
                    tenant_id,
                    &rows.agent_id,
                    rows.state.external_id.as_str(),
                    &decisions,
                    next_wake(&decisions),
                    hold,
                    now,
                )
                .await?;
            for d in &decisions {
                match &d.outcome {
                    PlanOutcome::Held(h) => {
                        summary.report.add_decision(d, Lang::Pl);
                        summary.held.push(line(d, h.message(Lang::Pl)));
                    }
                    PlanOutcome::Skipped(r) if new.contains(&d.key_string()) => {
                        summary.report.add_decision(d, Lang::Pl);
                        summary.skipped.push(line(d, r.message(Lang::Pl)));
                    }
                    PlanOutcome::Due if new.contains(&d.key_string()) => {
                        summary.planned.push(line(d, format!("{}", d.slot)));
                    }
                    _ => {}
                }
            }
        }
    }
    loop {
        let claims = store
            .claim_due(
                tenant_id,
                &config.runner_id,
                now,
                config.lease,
                config.claim_batch,
            )
            .await?;
        if claims.is_empty() {
            break;
        }
        for claim in claims {
            handle_claim(store, &tenant, channels, config, &claim, now, &mut summary).await?;
        }
    }
    Ok(summary)
}

/// Re-checks one claim against fresh rows and dispatches it, holds it, or drops it.
#[allow(clippy::too_many_lines)] // one claim's whole fate, read top to bottom in one place
async fn handle_claim(
    store: &Store,
    tenant: &Tenant<'_>,
    channels: &Channels,
    config: &RunnerConfig,
    claim: &ClaimedAction,
    now: DateTime<Utc>,
    summary: &mut TickSummary,
) -> Result<(), RunnerError> {
    let fresh = store
        .debtor_rows(tenant.id, Some((&claim.agent_id, claim.debtor.as_str())))
        .await?;
    let mut verdict = Recheck::Replan(None);
    let mut found: Option<(Decision, &Process, DebtorRows)> = None;
    if let Some(mut rows) = fresh.into_iter().next()
        && let Some(process) = tenant.process_of(&rows)
    {
        rows.history.retain(|h| h.key != claim.entry.key);
        let decisions = tenant.plan(process, &rows, now);
        verdict = recheck(&claim.entry, &decisions);
        if let Some(d) = decisions
            .into_iter()
            .find(|d| d.key_string() == claim.entry.key)
        {
            found = Some((d, process, rows));
        }
    }
    let release =
        |held: bool, code: &str, pl: String, en: String, at: DateTime<Utc>| Transition::Release {
            held,
            code: code.to_owned(),
            reason_pl: pl,
            reason_en: en,
            at,
        };
    let next_tick = now + Duration::minutes(1);
    let (decision, process, rows) = match (verdict, found) {
        (Recheck::Send, Some(f)) => f,
        (Recheck::Hold(h), _) => {
            let t = release(
                true,
                "held",
                h.message(Lang::Pl),
                h.message(Lang::En),
                next_tick,
            );
            if store
                .finish_action(tenant.id, &config.runner_id, claim, &t, now)
                .await?
            {
                summary.held.push(claim_line(claim, h.message(Lang::Pl)));
            }
            return Ok(());
        }
        (verdict, _) => {
            let reason = match verdict {
                Recheck::Replan(r) => r,
                _ => None,
            };
            let detail = reason.map_or_else(
                || "akcja zmieniła się; nowy plan w następnym cyklu".to_owned(),
                |r| r.message(Lang::Pl),
            );
            if store
                .delete_claim(tenant.id, &config.runner_id, claim)
                .await?
            {
                summary.replanned.push(claim_line(claim, detail));
            }
            return Ok(());
        }
    };
    let channel = decision.channel;
    if let Some(reason) = tenant.paused.get(&channel) {
        let t = release(
            true,
            "channel_paused",
            format!("kanał {} wstrzymany: {reason}", channel.name(Lang::Pl)),
            format!("channel {} paused: {reason}", channel.name(Lang::En)),
            next_tick,
        );
        if store
            .finish_action(tenant.id, &config.runner_id, claim, &t, now)
            .await?
        {
            summary.held.push(claim_line(claim, reason.clone()));
        }
        return Ok(());
    }
    let stage_name = process
        .stage(&decision.stage)
        .map_or_else(|| decision.stage.clone(), |s| s.name.clone());
    let description = describe(&decision, &stage_name, &rows);
    let transition = match message(&decision, &stage_name, &rows, &description) {
        Built::Recorded => Transition::Sent {
            provider_id: None,
            cost_minor: None,
            description: description.clone(),
        },
        Built::NoContact => Transition::Failed {
            reason: format!("brak danych kontaktowych dla kanału {}", channel.code()),
        },
        Built::Message(msg) => {
            let adapter = if tenant.settings.test_mode {
                Some(&channels.test_mode)
            } else {
                channels.live.get(&channel)
            };
            let Some(adapter) = adapter else {
                let t = release(
                    true,
                    "channel_not_configured",
                    format!("kanał {} nie jest skonfigurowany", channel.name(Lang::Pl)),
                    format!("channel {} is not configured", channel.name(Lang::En)),
                    next_tick,
                );
                if store
                    .finish_action(tenant.id, &config.runner_id, claim, &t, now)
                    .await?
                {
                    summary
                        .held
                        .push(claim_line(claim, "kanał nie jest skonfigurowany".into()));
                }
                return Ok(());
            };
            match adapter.deliver_boxed(&claim.entry.key, msg.as_ref()).await {
                Outcome::Sent { provider_id, cost } => Transition::Sent {
                    provider_id: Some(provider_id),
                    // SMSAPI points are złoty: ten-thousandths to grosze, rounded.
                    cost_minor: cost.map(|p| (p.0 + 50).div_euclid(100)),
                    description: description.clone(),
                },
                Outcome::AlreadySent => Transition::Sent {
                    provider_id: None,
                    cost_minor: None,
                    description: format!(
                        "{description} (dostawca miał już tę wiadomość: wcześniejsza próba doszła)"
                    ),
                },
                Outcome::Failed { reason } => Transition::Failed { reason },
                Outcome::Retry { reason } => {
                    let factor = 1i32 << claim.attempts.clamp(1, 7).saturating_sub(1);
                    let delay = (config.retry_after * factor).min(Duration::hours(6));
                    let t = release(
                        false,
                        "retry",
                        format!("ponowienie: {reason}"),
                        format!("retry: {reason}"),
                        now + delay,
                    );
                    if store
                        .finish_action(tenant.id, &config.runner_id, claim, &t, now)
                        .await?
                    {
                        summary.retried.push(claim_line(claim, reason));
                    }
                    return Ok(());
                }
                Outcome::Paused { reason } => {
                    store
                        .pause_channel(tenant.id, channel, &reason, now)
                        .await?;
                    let t = release(
                        true,
                        "channel_paused",
                        format!("kanał {} wstrzymany: {reason}", channel.name(Lang::Pl)),
                        format!("channel {} paused: {reason}", channel.name(Lang::En)),
                        next_tick,
                    );
                    if store
                        .finish_action(tenant.id, &config.runner_id, claim, &t, now)
                        .await?
                    {
                        summary.held.push(claim_line(claim, reason));
                    }
                    return Ok(());
                }
            }
        }
    };
    if !store
        .finish_action(tenant.id, &config.runner_id, claim, &transition, now)
        .await?
    {
        tracing::warn!(key = %claim.entry.key, "claim lost to another runner after dispatch");
        return Ok(());
    }
    match transition {
        Transition::Sent {
            provider_id,
            description,
            ..
        } => {
            summary.report.add_sent(&decision);
            summary.sent.push(claim_line(
                claim,
                match provider_id {
                    Some(p) => format!("{p}: {description}"),
                    None => description,
                },
            ));
        }
        Transition::Failed { reason } => {
            summary.report.add_failure(&decision, reason.clone());
            summary.failed.push(claim_line(claim, reason));
        }
        Transition::Release { .. } => {}
    }
    Ok(())
}

enum Built {
    Message(Box<Outbound>),
    Recorded,
    NoContact,
}

fn documents_text(d: &Decision, rows: &DebtorRows) -> String {
    d.documents
        .iter()
        .filter_map(|c| {
            rows.documents
                .iter()
                .find(|x| x.document.external_id == c.document)
        })
        .map(|x| {
            format!(
                "{} ({}, termin {})",
                x.document.number,
                x.document.remaining(),
                x.document.due_date.format("%d.%m.%Y")
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// What the action was, for the history and the ERP.
fn describe(d: &Decision, stage_name: &str, rows: &DebtorRows) -> String {
    let what = match d.channel {
        Channel::Sms => "SMS",
        Channel::Email => "e-mail",
        Channel::Voice => "wiadomość głosowa",
        Channel::Letter => "list (PDF) do wydruku i wysłania",
        Channel::RegisteredLetter => "list polecony do nadania (książka nadawcza)",
        Channel::Task => "zadanie dla windykatora",
        Channel::SalesBlock => "blokada sprzedaży w ERP",
        Channel::Handoff => "przekazanie sprawy do kancelarii",
    };
    format!("{stage_name}: {what}; {}", documents_text(d, rows))
}

fn message(d: &Decision, stage_name: &str, rows: &DebtorRows, description: &str) -> Built {
    let text = format!(
        "{stage_name}. Prosimy o zapłatę: {}. Jeśli zapłacili Państwo, prosimy zignorować tę wiadomość.",
        documents_text(d, rows)
    );
    match d.channel {
        Channel::Sms => match &rows.phone {
            Some(to) => Built::Message(Box::new(Outbound::Sms {
                to: to.clone(),
                text,
                max_parts: None,
            })),
            None => Built::NoContact,
        },
        Channel::Voice => match &rows.phone {
            Some(to) => Built::Message(Box::new(Outbound::Voice {
                to: to.clone(),
                tts: text,
            })),
            None => Built::NoContact,
        },
        Channel::Email => match &rows.email {
            Some(to) => Built::Message(Box::new(Outbound::Email(EmailMessage {
                to: to.clone(),
                to_name: Some(rows.name.clone()),
                subject: stage_name.to_owned(),
                text: format!("Dzień dobry,\n\n{text}\n\n{description}\n"),
                html: None,
                bcc: Vec::new(),
                attachment: None,
            }))),
            None => Built::NoContact,
        },
        // No adapter yet: recorded by the runner (see the module documentation).
        Channel::Letter
        | Channel::RegisteredLetter
        | Channel::Task
        | Channel::SalesBlock
        | Channel::Handoff => Built::Recorded,
    }
}

/// `serve`'s loop: a tick for every tenant with processes every `every`, until `stop` turns
/// true. A failing tenant is logged and does not stop the others.
pub async fn run_every(
    store: Store,
    clock: Arc<dyn Clock>,
    channels: Channels,
    config: RunnerConfig,
    every: std::time::Duration,
    mut stop: watch::Receiver<bool>,
) {
    let mut interval = tokio::time::interval(every);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = interval.tick() => {}
            _ = stop.changed() => return,
        }
        if *stop.borrow() {
            return;
        }
        let tenants = match store.tenants_with_processes().await {
            Ok(t) => t,
            Err(e) => {
                tracing::warn!(error = %e, "process runner: cannot list tenants");
                continue;
            }
        };
        for tenant in tenants {
            match tick(&store, clock.as_ref(), &channels, &tenant, &config).await {
                Ok(s) => {
                    if !(s.sent.is_empty() && s.failed.is_empty()) {
                        tracing::info!(
                            tenant,
                            sent = s.sent.len(),
                            failed = s.failed.len(),
                            held = s.held.len(),
                            "process runner tick"
                        );
                    }
                }
                Err(e) => tracing::warn!(tenant, error = %e, "process runner tick failed"),
            }
            if *stop.borrow() {
                return;
            }
        }
    }
}
