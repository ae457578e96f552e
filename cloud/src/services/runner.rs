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
//! What an action becomes is composed purely in [`crate::process::compose`]: SMS, e-mail and voice are
//! rendered from the stage's stored template (a built-in one when the stage names none that
//! exists) and go through the channels as [`Outbound`] messages, an e-mail with the stage's PDF
//! demand attached; letters and registered letters are printed to PDF and kept (registered
//! ones in the day's posting book); tasks are stored for the client's employees; sales blocks
//! go to the agent's feed and are lifted when the debtor owes nothing. Every such write is
//! keyed by the action, so a re-dispatch after a crash finds it instead of repeating it.
//! Hand-offs open a case at the tenant's law-firm partner (`store::cases`), which the partner
//! works through its own API.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::sync::Arc;

use chrono::Datelike as _;
use chrono::{DateTime, Duration, Utc};
use inkaso_channels::delivery::{Channel as Delivery, DynChannel, Outbound, Outcome};
use inkaso_channels::email::{EmailAttachment, EmailMessage};
use inkaso_channels::letter::{self, LetterKind};
use inkaso_channels::posting::RegisteredCategory;
use inkaso_channels::template::{ChannelKind, Template};
use inkaso_shared::{Clock, Lang, Localized};
use serde::Serialize;
use tokio::sync::watch;

use crate::domain::cases::ENGINE_ACTOR;
use crate::i18n::{self, Bilingual};
use crate::process::calendar::local_date;
use crate::process::compose::{self, ActionInput, ChannelSettings, ComposeError};
use crate::process::model::{Channel, Process};
use crate::process::planner::{
    Decision, OnDemand, Outcome as PlanOutcome, PlanContext, Recheck, next_wake, on_demand_of,
    plan_debtor, plan_on_demand, recheck,
};
use crate::process::report::RunReport;
use crate::process::state::{AmountOverflow, DebtorRows};
use crate::services::PlanInputs;
use crate::store::cases::NewCase;
use crate::store::channels::{LetterRow, NewLetter, NewTask};
use crate::store::processes::{ClaimedAction, Transition};
use crate::store::{Store, StoreError, TenantScope, new_id};

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
    /// The SMS provider's account, for the settings' connection test.
    sms_account: Option<inkaso_channels::smsapi::SmsapiClient>,
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
            sms_account: None,
        }
    }

    /// Adds the SMS provider's account the settings page checks (the same client as the
    /// SMS channel's).
    #[must_use]
    pub fn with_sms_account(mut self, client: inkaso_channels::smsapi::SmsapiClient) -> Self {
        self.sms_account = Some(client);
        self
    }

    /// The SMS provider's account, when one is configured.
    pub fn sms_account(&self) -> Option<&inkaso_channels::smsapi::SmsapiClient> {
        self.sms_account.as_ref()
    }

    /// The live e-mail adapter, when one is configured (the firms' own mails go through it).
    pub fn email(&self) -> Option<Arc<dyn DynChannel>> {
        self.live.get(&Channel::Email).cloned()
    }

    /// The live SMS adapter, when one is configured (replies to debtors' own SMS go through it).
    pub fn sms(&self) -> Option<Arc<dyn DynChannel>> {
        self.live.get(&Channel::Sms).cloned()
    }

    /// What tenants in test mode deliver through: it records, it sends nothing.
    pub fn test_mode(&self) -> Arc<dyn DynChannel> {
        self.test_mode.clone()
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
    /// What became of the report's e-mail, when one was due.
    pub report_email: Option<String>,
    /// Debtors that could not be planned, and why (the others were).
    pub debtor_errors: Vec<DebtorError>,
    /// Debtors whose statistics were sent to their agents (the day's first tick; only the
    /// changed ones).
    pub debtor_stats: u64,
}

/// A debtor left out of a tick, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DebtorError {
    /// The debtor.
    pub debtor: String,
    /// Why, in Polish.
    pub message: String,
}

impl TickSummary {
    /// The account in Polish or English, one line per action.
    pub fn render(&self, lang: Lang) -> String {
        let mut out = String::new();
        let groups: [(&str, &Vec<TickLine>); 7] = [
            ("cli-tick-planned", &self.planned),
            ("cli-tick-sent", &self.sent),
            ("cli-tick-failed", &self.failed),
            ("cli-tick-retried", &self.retried),
            ("cli-tick-held", &self.held),
            ("cli-tick-skipped", &self.skipped),
            ("cli-tick-replanned", &self.replanned),
        ];
        for (id, lines) in groups {
            let label = i18n::text(lang, id);
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
        let label = i18n::text(lang, "cli-tick-debtor-error");
        for e in &self.debtor_errors {
            let _ = writeln!(out, "{label:<18} {:<18} {}", e.debtor, e.message);
        }
        if self.debtor_stats > 0 {
            let _ = writeln!(
                out,
                "{}",
                i18n::text_with(
                    lang,
                    "cli-tick-debtor-stats",
                    &[("count", self.debtor_stats.into())]
                )
            );
        }
        out.push_str(&self.report.render(self.at, lang));
        out
    }
}

struct Tenant<'a> {
    scope: &'a TenantScope,
    name: String,
    plan: PlanInputs,
    channel_settings: ChannelSettings,
    templates: HashMap<String, Template>,
    paused: BTreeMap<Channel, String>,
}

impl<'a> Tenant<'a> {
    /// Everything a tick needs of a tenant, read once: the planner's [`PlanInputs`] (the same
    /// the on-demand runs and the API's views read) and what the channels need.
    async fn load(store: &Store, scope: &'a TenantScope) -> Result<Tenant<'a>, StoreError> {
        let name = match store.tenant(scope).await {
            Ok(t) => t.name,
            Err(StoreError::NotFound(_)) => scope.to_string(),
            Err(e) => return Err(e),
        };
        Ok(Tenant {
            scope,
            name,
            plan: PlanInputs::load(store, scope).await?,
            channel_settings: store.channel_settings(scope).await?,
            templates: store
                .templates(scope)
                .await?
                .into_iter()
                .map(|t| (t.code, t.template))
                .collect(),
            paused: store.paused_channels(scope).await?,
        })
    }

    /// The debtor's process. `Err` when its totals overflow: amounts come from the agent, and
    /// a sum past `i64` is refused with a clear error for this debtor instead of wrapping.
    fn process_of(&self, rows: &DebtorRows) -> Result<Option<&Process>, AmountOverflow> {
        Ok(rows
            .assignment(&self.plan.processes, &self.plan.rules)?
            .map(|(p, _)| p))
    }

    fn context(
        &self,
        rows: &DebtorRows,
        now: DateTime<Utc>,
        include_not_yet: bool,
    ) -> PlanContext<'_> {
        self.plan.context(&rows.agent_id, now, include_not_yet)
    }

    fn plan(&self, process: &Process, rows: &DebtorRows, now: DateTime<Utc>) -> Vec<Decision> {
        let mut out = Vec::new();
        plan_debtor(
            &self.context(rows, now, true),
            process,
            &rows.input(),
            &mut out,
        );
        out
    }

    /// Re-plans a manual (on-demand) claim as its request, timing ignored, guards kept.
    fn plan_manual(
        &self,
        process: &Process,
        request: &OnDemand,
        rows: &DebtorRows,
        now: DateTime<Utc>,
    ) -> Vec<Decision> {
        let mut out = Vec::new();
        let ctx = self.context(rows, now, false);
        // A stage removed since the request plans nothing: the claim is dropped.
        let _ = plan_on_demand(&ctx, process, request, &rows.input(), &mut out);
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

impl crate::services::App {
    /// One tick of the process engine for `tenant`, now, through the app's channels and runner
    /// settings (see [`tick`]).
    pub async fn tick(&self, tenant: &TenantScope) -> Result<TickSummary, RunnerError> {
        tick(
            &self.store,
            self.clock.as_ref(),
            &self.engine.channels,
            tenant,
            &self.engine.runner,
        )
        .await
    }
}

/// One tick for one tenant at `clock.now()`: plan and record, claim, re-check, dispatch,
/// record the outcomes. Safe to run on several replicas at once.
pub async fn tick(
    store: &Store,
    clock: &dyn Clock,
    channels: &Channels,
    scope: &TenantScope,
    config: &RunnerConfig,
) -> Result<TickSummary, RunnerError> {
    let now = clock.now();
    let tenant = Tenant::load(store, scope).await?;
    let mut summary = TickSummary {
        at: now,
        ..TickSummary::default()
    };
    for (agent, debtor) in store.blocks_to_lift(scope).await? {
        let reason = i18n::text(Lang::Pl, "record-sales-unblocked");
        if store
            .set_sales_block(scope, &agent, &debtor, false, &reason, None, now)
            .await?
        {
            summary.sent.push(TickLine {
                key: format!("unblock:{agent}:{debtor}"),
                debtor,
                channel: Channel::SalesBlock,
                detail: reason,
            });
        }
    }
    if !tenant.plan.processes.is_empty() {
        plan_all(store, &tenant, now, &mut summary).await?;
    }
    loop {
        let claims = store
            .claim_due(
                scope,
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
    summary.report_email = send_report(&tenant, channels, &summary).await;
    // Statistics come last and never hold up collection: a failure is logged and retried by
    // the next tick.
    match crate::services::stats::publish_daily(store, scope, now).await {
        Ok(n) => summary.debtor_stats = n,
        Err(e) => {
            tracing::warn!(tenant = %scope.as_str(), error = %e, "debtor statistics not published");
        }
    }
    Ok(summary)
}

/// Plans every debtor with open documents and records the due and skipped decisions.
async fn plan_all(
    store: &Store,
    tenant: &Tenant<'_>,
    now: DateTime<Utc>,
    summary: &mut TickSummary,
) -> Result<(), RunnerError> {
    let scope = tenant.scope;
    for rows in store.debtor_rows(scope, None).await? {
        let process = match tenant.process_of(&rows) {
            Ok(Some(p)) => p,
            Ok(None) => continue,
            Err(e) => {
                tracing::error!(tenant = %scope, agent = %rows.agent_id,
                    debtor = %rows.state.external_id, error = %e, "debtor not planned");
                summary.debtor_errors.push(DebtorError {
                    debtor: rows.state.external_id.as_str().to_owned(),
                    message: e.to_string(),
                });
                continue;
            }
        };
        let decisions = tenant.plan(process, &rows, now);
        let hold = decisions.iter().find_map(|d| match &d.outcome {
            PlanOutcome::Held(h) => Some(h.message(Lang::Pl)),
            _ => None,
        });
        let new = store
            .record_decisions(
                scope,
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
    Ok(())
}

/// Mails the run report (R-P8) to the tenant's `email.report_to` after a run that sent or
/// failed something (held and skipped alone repeat every minute and would flood the inbox).
/// Keyed by the tick's instant, so the relay sees one Message-ID per run.
async fn send_report(
    tenant: &Tenant<'_>,
    channels: &Channels,
    summary: &TickSummary,
) -> Option<String> {
    let report = &summary.report;
    let (to, bcc) = tenant.channel_settings.email.report_to.split_first()?;
    if report.sent.is_empty() && report.failed.is_empty() {
        return None;
    }
    let adapter = if tenant.plan.settings.test_mode {
        Some(&channels.test_mode)
    } else {
        channels.live.get(&Channel::Email)
    };
    let Some(adapter) = adapter else {
        return Some(i18n::text(Lang::Pl, "record-report-no-email"));
    };
    let local = summary.at.with_timezone(&crate::process::calendar::ZONE);
    let message = Outbound::Email(EmailMessage {
        to: to.clone(),
        to_name: Some(tenant.name.clone()),
        subject: i18n::text_with(
            Lang::Pl,
            "record-report-subject",
            &[("at", (&local.format("%d.%m.%Y %H:%M")).into())],
        ),
        text: summary.report.render(summary.at, Lang::Pl),
        html: None,
        bcc: bcc.to_vec(),
        reply_to: None,
        attachment: None,
    });
    let key = format!("report:{}:{}", tenant.scope, summary.at.to_rfc3339());
    Some(match adapter.deliver_boxed(&key, &message).await {
        Outcome::Sent { provider_id, .. } => i18n::text_with(
            Lang::Pl,
            "record-report-sent",
            &[("provider_id", provider_id.into())],
        ),
        Outcome::AlreadySent => i18n::text(Lang::Pl, "record-report-already-sent"),
        Outcome::Failed { reason } | Outcome::Retry { reason } | Outcome::Paused { reason } => {
            tracing::warn!(tenant = %tenant.scope, %reason, "run report not sent");
            i18n::text_with(
                Lang::Pl,
                "record-report-not-sent",
                &[("reason", reason.into())],
            )
        }
    })
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
        .debtor_rows(
            tenant.scope,
            Some(&[(claim.agent_id.clone(), claim.debtor.as_str().to_owned())]),
        )
        .await?;
    let mut verdict = Recheck::Replan(None);
    let mut found: Option<(Decision, &Process, DebtorRows)> = None;
    // A manual (on-demand) claim is re-planned as its request under the process it was asked
    // for: the automatic plan never contains a manual key.
    let manual = on_demand_of(&claim.entry);
    if let Some(mut rows) = fresh.into_iter().next()
        && let Some(process) = match &manual {
            Some(_) => tenant
                .plan
                .processes
                .iter()
                .find(|p| p.code == claim.entry.process),
            None => tenant.process_of(&rows).ok().flatten(),
        }
    {
        rows.history.retain(|h| h.key != claim.entry.key);
        let decisions = match &manual {
            Some(request) => tenant.plan_manual(process, request, &rows, now),
            None => tenant.plan(process, &rows, now),
        };
        verdict = recheck(&claim.entry, &decisions);
        if let Some(d) = decisions
            .into_iter()
            .find(|d| d.key_string() == claim.entry.key)
        {
            found = Some((d, process, rows));
        }
    }
    let release = |held: bool, code: &str, why: Bilingual, at: DateTime<Utc>| Transition::Release {
        held,
        code: code.to_owned(),
        reason_pl: why.pl,
        reason_en: why.en,
        at,
    };
    let next_tick = now + Duration::minutes(1);
    let (decision, process, rows) = match (verdict, found) {
        (Recheck::Send, Some(f)) => f,
        (Recheck::Hold(h), _) => {
            let t = release(true, "held", Bilingual::of(&h), next_tick);
            if store
                .finish_action(tenant.scope, &config.runner_id, claim, &t, now)
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
                || i18n::text(Lang::Pl, "record-replanned-changed"),
                |r| r.message(Lang::Pl),
            );
            if store
                .delete_claim(tenant.scope, &config.runner_id, claim)
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
            channel_paused(channel, reason),
            next_tick,
        );
        if store
            .finish_action(tenant.scope, &config.runner_id, claim, &t, now)
            .await?
        {
            summary.held.push(claim_line(claim, reason.clone()));
        }
        return Ok(());
    }
    let Some(stage) = process.stage(&decision.stage) else {
        // The process changed under the claim: the next tick plans what it says now.
        if store
            .delete_claim(tenant.scope, &config.runner_id, claim)
            .await?
        {
            summary.replanned.push(claim_line(
                claim,
                i18n::text(Lang::Pl, "record-replanned-no-stage"),
            ));
        }
        return Ok(());
    };
    let description = describe(&decision, &stage.name, &rows);
    let needs_address = matches!(channel, Channel::Letter | Channel::RegisteredLetter)
        || (channel == Channel::Email && stage.pdf.is_some());
    let company_address = match (&rows.address, &rows.nip) {
        (None, Some(nip)) if needs_address => {
            match store.company_address(tenant.scope, nip.as_str()).await? {
                Some((status, address)) if status == "found" => address,
                // The register has not answered yet: wait for it rather than fail the letter.
                Some((status, _)) if status == "pending" || status == "error" => {
                    let t = release(
                        true,
                        "awaiting_register",
                        Bilingual::msg("err-runner-awaiting-register", &[]),
                        next_tick,
                    );
                    if store
                        .finish_action(tenant.scope, &config.runner_id, claim, &t, now)
                        .await?
                    {
                        summary.held.push(claim_line(
                            claim,
                            i18n::text(Lang::Pl, "record-held-register"),
                        ));
                    }
                    return Ok(());
                }
                _ => None,
            }
        }
        _ => None,
    };
    let input = ActionInput {
        decision: &decision,
        stage,
        rows: &rows,
        settings: &tenant.channel_settings,
        tenant_name: &tenant.name,
        template: tenant.templates.get(&decision.template),
        company_address: company_address.as_deref(),
        today: local_date(now),
    };
    let transition =
        match perform(store, tenant, channels, claim, &input, &description, now).await? {
            Step::Finish(t) => t,
            Step::Hold { code, why } => {
                let detail = why.pl.clone();
                let t = release(true, code, why, next_tick);
                if store
                    .finish_action(tenant.scope, &config.runner_id, claim, &t, now)
                    .await?
                {
                    summary.held.push(claim_line(claim, detail));
                }
                return Ok(());
            }
            Step::Retry { reason } => {
                let factor = 1i32 << claim.attempts.clamp(1, 7).saturating_sub(1);
                let delay = (config.retry_after * factor).min(Duration::hours(6));
                let t = release(
                    false,
                    "retry",
                    Bilingual::msg("err-runner-retry", &[("reason", (&reason).into())]),
                    now + delay,
                );
                if store
                    .finish_action(tenant.scope, &config.runner_id, claim, &t, now)
                    .await?
                {
                    summary.retried.push(claim_line(claim, reason));
                }
                return Ok(());
            }
            Step::Pause { reason } => {
                store
                    .pause_channel(tenant.scope, channel, &reason, now)
                    .await?;
                let t = release(
                    true,
                    "channel_paused",
                    channel_paused(channel, &reason),
                    next_tick,
                );
                if store
                    .finish_action(tenant.scope, &config.runner_id, claim, &t, now)
                    .await?
                {
                    summary.held.push(claim_line(claim, reason));
                }
                return Ok(());
            }
        };
    if !store
        .finish_action(tenant.scope, &config.runner_id, claim, &transition, now)
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

fn documents_text(d: &Decision, rows: &DebtorRows) -> String {
    d.documents
        .iter()
        .filter_map(|c| {
            rows.documents
                .iter()
                .find(|x| x.document.external_id == c.document)
        })
        .map(|x| {
            i18n::text_with(
                Lang::Pl,
                "record-document",
                &[
                    ("number", (&x.document.number).into()),
                    ("remaining", (&x.document.remaining()).into()),
                    ("due", i18n::date(Lang::Pl, x.document.due_date).into()),
                ],
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// What the action was, for the history and the ERP (in Polish, the ERP's language).
fn describe(d: &Decision, stage_name: &str, rows: &DebtorRows) -> String {
    let what = match d.channel {
        Channel::Sms => "record-what-sms",
        Channel::Email => "record-what-email",
        Channel::Voice => "record-what-voice",
        Channel::Letter => "record-what-letter",
        Channel::RegisteredLetter => "record-what-registered-letter",
        Channel::Task => "record-what-task",
        Channel::SalesBlock => "record-what-sales-block",
        Channel::Handoff => "record-what-handoff",
    };
    i18n::text_with(
        Lang::Pl,
        "record-description",
        &[
            ("stage", stage_name.into()),
            ("what", i18n::text(Lang::Pl, what).into()),
            ("documents", documents_text(d, rows).into()),
        ],
    )
}

/// Why an action waits for a paused channel, in both languages.
fn channel_paused(channel: Channel, reason: &str) -> Bilingual {
    Bilingual::each(|lang| {
        i18n::text_with(
            lang,
            "err-runner-channel-paused",
            &[
                ("channel", channel.name(lang).into()),
                ("reason", reason.into()),
            ],
        )
    })
}

/// What performing an action came to.
enum Step {
    /// Sent (or recorded) or failed for good.
    Finish(Transition),
    /// Waits for the client (settings, a channel to configure); looked at again next tick.
    Hold { code: &'static str, why: Bilingual },
    /// The provider failed for now.
    Retry { reason: String },
    /// The provider refused the account: the channel stops for the tenant.
    Pause { reason: String },
}

impl Step {
    fn sent(provider_id: Option<String>, description: String) -> Step {
        Step::Finish(Transition::Sent {
            provider_id,
            cost_minor: None,
            description,
        })
    }

    /// A settings problem waits for the client; a debtor's missing data fails the action.
    fn cannot_compose(e: &ComposeError) -> Step {
        if e.is_settings() {
            Step::Hold {
                code: "settings",
                why: Bilingual::of(e),
            }
        } else {
            Step::Finish(Transition::Failed {
                reason: e.message(Lang::Pl),
            })
        }
    }
}

/// Performs one re-checked action through its channel.
#[allow(clippy::too_many_lines)] // one match over the channels, each arm short
async fn perform(
    store: &Store,
    tenant: &Tenant<'_>,
    channels: &Channels,
    claim: &ClaimedAction,
    input: &ActionInput<'_>,
    description: &str,
    now: DateTime<Utc>,
) -> Result<Step, RunnerError> {
    let channel = input.decision.channel;
    let kind = match channel {
        Channel::Sms => ChannelKind::Sms,
        Channel::Voice => ChannelKind::Voice,
        Channel::Email => ChannelKind::Email,
        Channel::Letter | Channel::RegisteredLetter => {
            let letters = &tenant.channel_settings.letters;
            let registered = (channel == Channel::RegisteredLetter)
                .then_some((letters.category, letters.return_receipt));
            let kind = compose::stage_letter_kind(input.stage);
            return Ok(
                match ensure_letter(store, tenant, claim, input, kind, registered, now).await? {
                    Ok((row, _)) => Step::sent(
                        Some(row.number.clone()),
                        i18n::text_with(
                            Lang::Pl,
                            "record-letter-printed",
                            &[
                                ("description", description.into()),
                                ("number", (&row.number).into()),
                                ("file", (&row.file_name).into()),
                            ],
                        ),
                    ),
                    Err(e) => Step::cannot_compose(&e),
                },
            );
        }
        Channel::Task => {
            let spec = match compose::task(input) {
                Ok(spec) => spec,
                Err(e) => return Ok(Step::cannot_compose(&e)),
            };
            let documents: Vec<String> = input
                .decision
                .documents
                .iter()
                .map(|c| c.document.as_str().to_owned())
                .collect();
            let task = NewTask {
                action_id: Some(&claim.action_id),
                agent_id: &claim.agent_id,
                debtor: claim.debtor.as_str(),
                subject: &spec.subject,
                assignee: spec.assignee.as_deref(),
                due: spec.due,
                documents: &documents,
            };
            let row = store.insert_task(tenant.scope, &task, now).await?;
            return Ok(Step::sent(
                Some(row.id),
                i18n::text_with(
                    Lang::Pl,
                    "record-task-created",
                    &[
                        ("description", description.into()),
                        ("due", i18n::date(Lang::Pl, row.due).into()),
                    ],
                ),
            ));
        }
        Channel::SalesBlock => {
            if tenant.plan.settings.test_mode {
                return Ok(Step::sent(
                    None,
                    i18n::text_with(
                        Lang::Pl,
                        "record-sales-block-test-mode",
                        &[("description", description.into())],
                    ),
                ));
            }
            let reason = i18n::text_with(
                Lang::Pl,
                "record-sales-block-reason",
                &[("stage", (&input.stage.name).into())],
            );
            store
                .set_sales_block(
                    tenant.scope,
                    &claim.agent_id,
                    claim.debtor.as_str(),
                    true,
                    &reason,
                    Some(&claim.action_id),
                    now,
                )
                .await?;
            return Ok(Step::sent(None, description.to_owned()));
        }
        Channel::Handoff => return hand_off(store, tenant, claim, input, description, now).await,
    };
    let composed = match compose::message(input, kind) {
        Ok(m) => m,
        Err(e) => return Ok(Step::cannot_compose(&e)),
    };
    let mut outbound = composed.outbound;
    if let (Some(letter_kind), Outbound::Email(mail)) = (composed.attach, &mut outbound) {
        match ensure_letter(store, tenant, claim, input, letter_kind, None, now).await? {
            Ok((row, pdf)) => {
                mail.attachment = Some(EmailAttachment {
                    filename: row.file_name,
                    content_type: "application/pdf".to_owned(),
                    bytes: pdf,
                });
            }
            Err(e) => return Ok(Step::cannot_compose(&e)),
        }
    }
    let adapter = if tenant.plan.settings.test_mode {
        Some(&channels.test_mode)
    } else {
        channels.live.get(&channel)
    };
    let Some(adapter) = adapter else {
        return Ok(Step::Hold {
            code: "channel_not_configured",
            why: Bilingual::each(|lang| {
                i18n::text_with(
                    lang,
                    "err-runner-channel-not-configured",
                    &[("channel", channel.name(lang).into())],
                )
            }),
        });
    };
    Ok(
        match adapter.deliver_boxed(&claim.provider_key, &outbound).await {
            Outcome::Sent { provider_id, cost } => Step::Finish(Transition::Sent {
                provider_id: Some(provider_id),
                // SMSAPI points are złoty: ten-thousandths to grosze, rounded.
                cost_minor: cost.map(|p| (p.0 + 50).div_euclid(100)),
                description: description.to_owned(),
            }),
            Outcome::AlreadySent => Step::sent(
                None,
                i18n::text_with(
                    Lang::Pl,
                    "record-sent-already",
                    &[("description", description.into())],
                ),
            ),
            Outcome::Failed { reason } => Step::Finish(Transition::Failed { reason }),
            Outcome::Retry { reason } => Step::Retry { reason },
            Outcome::Paused { reason } => Step::Pause { reason },
        },
    )
}

/// Opens the debtor's case at the tenant's law-firm partner (its only linked one). The store
/// returns the case this action opened before, so a re-dispatch opens nothing new; no linked
/// partner (or several) holds the action until the client chooses, anything else about the data
/// fails it.
async fn hand_off(
    store: &Store,
    tenant: &Tenant<'_>,
    claim: &ClaimedAction,
    input: &ActionInput<'_>,
    description: &str,
    now: DateTime<Utc>,
) -> Result<Step, RunnerError> {
    if tenant.plan.settings.test_mode {
        return Ok(Step::sent(
            None,
            i18n::text_with(
                Lang::Pl,
                "record-handoff-test-mode",
                &[("description", description.into())],
            ),
        ));
    }
    let new = NewCase {
        agent_id: claim.agent_id.to_string(),
        debtor_external_id: claim.debtor.as_str().to_owned(),
        document_external_ids: input
            .decision
            .documents
            .iter()
            .map(|c| c.document.as_str().to_owned())
            .collect(),
        partner: None,
        action_id: Some(claim.action_id.clone()),
        note: Some(input.stage.name.clone()),
    };
    match store.open_case(tenant.scope, &new, ENGINE_ACTOR, now).await {
        Ok(case) => Ok(Step::sent(
            Some(case.id.clone()),
            i18n::text_with(
                Lang::Pl,
                "record-handoff-opened",
                &[
                    ("description", description.into()),
                    ("case", (&case.id).into()),
                    ("partner", (&case.partner_name).into()),
                ],
            ),
        )),
        Err(StoreError::Invalid {
            field,
            message_pl,
            message_en,
        }) if field == "partner" => Ok(Step::Hold {
            code: "no_partner",
            why: Bilingual {
                pl: message_pl,
                en: message_en,
            },
        }),
        Err(
            StoreError::Invalid { message_pl, .. }
            | StoreError::Conflict(Bilingual { pl: message_pl, .. }),
        ) => Ok(Step::Finish(Transition::Failed { reason: message_pl })),
        Err(e) => Err(e.into()),
    }
}

/// The action's letter: the one printed before (a re-dispatch after a crash), else a new one
/// with the next number. Everything is checked before a number is taken, so a missing setting
/// does not burn numbers.
async fn ensure_letter(
    store: &Store,
    tenant: &Tenant<'_>,
    claim: &ClaimedAction,
    input: &ActionInput<'_>,
    kind: LetterKind,
    registered: Option<(RegisteredCategory, bool)>,
    now: DateTime<Utc>,
) -> Result<Result<(LetterRow, Vec<u8>), ComposeError>, RunnerError> {
    if let Some(found) = store
        .letter_for_action(tenant.scope, &claim.action_id)
        .await?
    {
        return Ok(Ok(found));
    }
    let rates = &tenant.channel_settings.letters.rates;
    let mut request = match compose::letter_request(input, kind, String::new()) {
        Ok(r) => r,
        Err(e) => return Ok(Err(e)),
    };
    if let Err(e) = letter::compose(&request, rates) {
        return Ok(Err(ComposeError::Letter(e.message(Lang::Pl))));
    }
    let n = store
        .next_letter_number(tenant.scope, input.today.year())
        .await?;
    request.number = compose::letter_number(n, input.today);
    let rendered = match letter::render(&request, rates) {
        Ok(r) => r,
        Err(e) => return Ok(Err(ComposeError::Letter(e.message(Lang::Pl)))),
    };
    let attachment = rendered.attachment();
    let new = NewLetter {
        action_id: &claim.action_id,
        agent_id: &claim.agent_id,
        debtor: claim.debtor.as_str(),
        number: &request.number,
        kind,
        date: input.today,
        registered,
        addressee: &request.debtor,
        file_name: &attachment.filename,
        pdf: &rendered.pdf,
    };
    let row = store.insert_letter(tenant.scope, &new, now).await?;
    // Another runner may have stored its letter first: what is stored is the letter.
    let pdf = if row.number == request.number {
        rendered.pdf
    } else {
        store.letter_pdf(tenant.scope, &row.id).await?.1
    };
    Ok(Ok((row, pdf)))
}

/// What became of one tenant in a round of [`tick_all`].
#[derive(Debug)]
pub enum TenantTick {
    /// The tick ran.
    Done(Box<TickSummary>),
    /// The tick stopped with an error (logged, counted).
    Failed(String),
    /// The tick panicked (logged, counted); the panic did not reach the other tenants.
    Panicked(String),
}

/// One round of `serve`'s loop: a tick for every tenant with processes, each on its own task,
/// so that an error or a panic in one tenant's data is logged, counted in
/// `inkaso_runner_tenant_failures_total` and does not stop the others. Stops between tenants
/// when `stop` turns true.
pub async fn tick_all(
    store: &Store,
    clock: &Arc<dyn Clock>,
    channels: &Channels,
    config: &RunnerConfig,
    stop: Option<&watch::Receiver<bool>>,
) -> Result<Vec<(String, TenantTick)>, RunnerError> {
    let tenants = store.tenants_with_processes().await?;
    let mut out = Vec::with_capacity(tenants.len());
    for tenant in tenants {
        let (store, clock, channels, config, id) = (
            store.clone(),
            Arc::clone(clock),
            channels.clone(),
            config.clone(),
            tenant.clone(),
        );
        let joined =
            tokio::spawn(
                async move { tick(&store, clock.as_ref(), &channels, &id, &config).await },
            )
            .await;
        let outcome = match joined {
            Ok(Ok(s)) => {
                if !(s.sent.is_empty() && s.failed.is_empty()) {
                    tracing::info!(
                        tenant = %tenant,
                        sent = s.sent.len(),
                        failed = s.failed.len(),
                        held = s.held.len(),
                        "process runner tick"
                    );
                }
                TenantTick::Done(Box::new(s))
            }
            Ok(Err(e)) => {
                tracing::error!(tenant = %tenant, error = %e, "process runner tick failed");
                metrics::counter!("inkaso_runner_tenant_failures_total", "kind" => "error")
                    .increment(1);
                TenantTick::Failed(e.to_string())
            }
            Err(e) => {
                let what = if e.is_panic() {
                    let payload = e.into_panic();
                    payload
                        .downcast_ref::<&str>()
                        .map(|s| (*s).to_owned())
                        .or_else(|| payload.downcast_ref::<String>().cloned())
                        .unwrap_or_else(|| "panic".to_owned())
                } else {
                    e.to_string()
                };
                tracing::error!(tenant = %tenant, panic = %what, "process runner tick panicked");
                metrics::counter!("inkaso_runner_tenant_failures_total", "kind" => "panic")
                    .increment(1);
                TenantTick::Panicked(what)
            }
        };
        out.push((tenant.to_string(), outcome));
        // Shutdown waits for the tenant in progress, not for all of them.
        if stop.is_some_and(|s| *s.borrow()) {
            break;
        }
    }
    Ok(out)
}

/// `serve`'s loop: [`tick_all`] every `every`, until `stop` turns true.
pub async fn run_every(
    store: Store,
    clock: Arc<dyn Clock>,
    channels: Channels,
    config: RunnerConfig,
    every: std::time::Duration,
    stop: watch::Receiver<bool>,
) {
    let stopping = stop.clone();
    crate::periodic::every(every, stop, || async {
        if let Err(e) = tick_all(&store, &clock, &channels, &config, Some(&stopping)).await {
            tracing::warn!(error = %e, "process runner: cannot list tenants");
        }
    })
    .await;
}
