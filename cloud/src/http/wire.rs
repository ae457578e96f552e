//! The HTTP API's wire types: what the JSON API reads and writes, with their OpenAPI schemas.
//! The store returns its rows and takes its filters; these mirror them field for field (the
//! JSON is the same), so the API's shape is decided here and the store's rows carry no web
//! concern. Conversions are `From` both ways, where each side needs them.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::cases::CaseStatus;
use crate::process::CoveredDocument;
use crate::services::model;

/// One page of a list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Page<T> {
    /// The rows, in the list's order.
    pub items: Vec<T>,
    /// Pass as `after` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

impl<S, T: From<S>> From<model::Page<S>> for Page<T> {
    fn from(p: model::Page<S>) -> Self {
        Page {
            items: p.items.into_iter().map(Into::into).collect(),
            next_cursor: p.next_cursor,
        }
    }
}

/// One line of the audit log.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditEntry {
    /// When.
    pub at: DateTime<Utc>,
    /// Who (`user:<id>`, `token:<id>`, `cli`).
    pub actor: String,
    /// What (`exclusion.create`).
    pub action: String,
    /// On what id.
    pub target: String,
    /// Details.
    pub details: String,
}

impl From<model::AuditEntry> for AuditEntry {
    fn from(r: model::AuditEntry) -> Self {
        AuditEntry {
            at: r.at,
            actor: r.actor,
            action: r.action,
            target: r.target,
            details: r.details,
        }
    }
}

/// A case as listed (the client's and the partner's lists).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Case {
    /// The case's id.
    pub id: String,
    /// The creditor: the client firm that handed the case over.
    pub creditor_id: String,
    /// The creditor's name.
    pub creditor_name: String,
    /// The law firm.
    pub partner_id: String,
    /// The law firm's name.
    pub partner_name: String,
    /// The agent (ERP database) of the debtor.
    pub agent_id: String,
    /// The debtor's ERP key.
    pub debtor_external_id: String,
    /// The debtor's name at the hand-off.
    pub debtor_name: String,
    /// The documents handed over (ERP keys).
    pub document_external_ids: Vec<String>,
    /// Sum of their remaining amounts at the hand-off (minor units).
    pub total_minor: i64,
    /// Currency of the documents.
    pub currency: String,
    /// Where the case is now.
    #[schema(value_type = String)]
    pub status: CaseStatus,
    /// The process action that opened it; absent for a manual hand-off.
    pub action_id: Option<String>,
    /// When it was handed over.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl From<model::Case> for Case {
    fn from(r: model::Case) -> Self {
        Case {
            id: r.id,
            creditor_id: r.creditor_id,
            creditor_name: r.creditor_name,
            partner_id: r.partner_id,
            partner_name: r.partner_name,
            agent_id: r.agent_id,
            debtor_external_id: r.debtor_external_id,
            debtor_name: r.debtor_name,
            document_external_ids: r.document_external_ids,
            total_minor: r.total_minor,
            currency: r.currency,
            status: r.status,
            action_id: r.action_id,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// A case with what was handed over and everything that happened since.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseDetail {
    /// The case.
    pub case: Case,
    /// The debtor at the hand-off.
    pub debtor: DebtorSnapshot,
    /// The documents at the hand-off.
    pub documents: Vec<DocumentSnapshot>,
    /// The debtor's collection history at the hand-off, oldest first.
    pub history: Vec<HistorySnapshot>,
    /// The case's events (hand-off, status changes, notes), oldest first.
    pub events: Vec<CaseEvent>,
}

impl From<model::CaseDetail> for CaseDetail {
    fn from(r: model::CaseDetail) -> Self {
        CaseDetail {
            case: r.case.into(),
            debtor: r.debtor.into(),
            documents: r.documents.into_iter().map(Into::into).collect(),
            history: r.history.into_iter().map(Into::into).collect(),
            events: r.events.into_iter().map(Into::into).collect(),
        }
    }
}

/// The debtor as handed over.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DebtorSnapshot {
    /// `company` or `person`.
    pub kind: String,
    /// Name.
    pub name: String,
    /// NIP.
    pub nip: Option<String>,
    /// A person's postal address from the ERP (`street`, `postcode`, `city`, `country`).
    #[schema(value_type = Option<Object>)]
    pub address: Option<serde_json::Value>,
    /// A company's address from the VAT register, when it was looked up.
    pub register_address: Option<String>,
    /// Phone and e-mail.
    pub contacts: Vec<ContactSnapshot>,
}

impl From<model::DebtorSnapshot> for DebtorSnapshot {
    fn from(r: model::DebtorSnapshot) -> Self {
        DebtorSnapshot {
            kind: r.kind,
            name: r.name,
            nip: r.nip,
            address: r.address,
            register_address: r.register_address,
            contacts: r.contacts.into_iter().map(Into::into).collect(),
        }
    }
}

/// One contact of the debtor.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ContactSnapshot {
    /// `sms` (a phone, E.164) or `email`.
    pub channel: String,
    /// The phone or address.
    pub value: String,
}

impl From<model::ContactSnapshot> for ContactSnapshot {
    fn from(r: model::ContactSnapshot) -> Self {
        ContactSnapshot {
            channel: r.channel,
            value: r.value,
        }
    }
}

/// A document as handed over.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DocumentSnapshot {
    /// The ERP's key.
    pub external_id: String,
    /// The printed number.
    pub number: String,
    /// Issue date.
    pub issue_date: Option<NaiveDate>,
    /// Due date.
    pub due_date: NaiveDate,
    /// Amount (minor units).
    pub amount_minor: i64,
    /// Remaining at the hand-off (minor units).
    pub remaining_minor: i64,
    /// Currency.
    pub currency: String,
}

impl From<model::DocumentSnapshot> for DocumentSnapshot {
    fn from(r: model::DocumentSnapshot) -> Self {
        DocumentSnapshot {
            external_id: r.external_id,
            number: r.number,
            issue_date: r.issue_date,
            due_date: r.due_date,
            amount_minor: r.amount_minor,
            remaining_minor: r.remaining_minor,
            currency: r.currency,
        }
    }
}

/// One action of the debtor's collection history, as handed over.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HistorySnapshot {
    /// The action's id.
    pub action_id: String,
    /// When it was done (or, when not done, planned).
    pub at: DateTime<Utc>,
    /// Process code.
    pub process: String,
    /// Stage code.
    pub stage: String,
    /// `sms`, `email`, `letter`, …
    pub channel: String,
    /// `sent`, `failed`, `skipped`, `held`, `planned`, `claimed`.
    pub status: String,
    /// The documents it covered.
    pub document_external_ids: Vec<String>,
    /// What it was.
    pub description: Option<String>,
    /// Why it was skipped, held or failed (Polish).
    pub reason: Option<String>,
    /// Done by the process (true) or on demand (false).
    pub automatic: bool,
    /// The provider's id (SMSAPI id, Message-ID, tracking number).
    pub provider_id: Option<String>,
}

impl From<model::HistorySnapshot> for HistorySnapshot {
    fn from(r: model::HistorySnapshot) -> Self {
        HistorySnapshot {
            action_id: r.action_id,
            at: r.at,
            process: r.process,
            stage: r.stage,
            channel: r.channel,
            status: r.status,
            document_external_ids: r.document_external_ids,
            description: r.description,
            reason: r.reason,
            automatic: r.automatic,
            provider_id: r.provider_id,
        }
    }
}

/// One event of a case.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseEvent {
    /// 1, 2, 3… within the case.
    pub seq: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// `opened`, `status`, `note`, `file` (the note is the file's name) or `payment`.
    pub kind: String,
    /// Who acted: `client`, `partner` or `engine`.
    pub party: String,
    /// `user:<id>`, `token:<id>` or `engine`.
    pub actor: String,
    /// The case's status after the event.
    #[schema(value_type = String)]
    pub status: CaseStatus,
    /// The note.
    pub note: Option<String>,
    /// A payment under a settlement: its amount in the case's currency (minor units).
    pub payment_minor: Option<i64>,
    /// The day of that payment.
    pub payment_day: Option<NaiveDate>,
}

impl From<model::CaseEvent> for CaseEvent {
    fn from(r: model::CaseEvent) -> Self {
        CaseEvent {
            seq: r.seq,
            at: r.at,
            kind: r.kind,
            party: r.party,
            actor: r.actor,
            status: r.status,
            note: r.note,
            payment_minor: r.payment.map(|(a, _)| a),
            payment_day: r.payment.map(|(_, d)| d),
        }
    }
}

/// A channel the provider refused at account level.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChannelPauseView {
    /// `sms`, `email`, `voice`, …
    pub channel: String,
    /// The provider's reason.
    pub reason: String,
    /// Since when.
    pub paused_at: DateTime<Utc>,
}

impl From<model::ChannelPauseView> for ChannelPauseView {
    fn from(r: model::ChannelPauseView) -> Self {
        ChannelPauseView {
            channel: r.channel,
            reason: r.reason,
            paused_at: r.paused_at,
        }
    }
}

/// A debtor's collection state as stored (defaults when never set).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CollectionStateView {
    /// The debtor's own process, if set.
    pub own_process: Option<String>,
    /// Tags for group rules.
    pub tags: Vec<String>,
    /// Excluded from collection in the cloud.
    pub excluded: bool,
    /// `active`, `deceased` or `bankrupt`.
    pub legal_status: String,
    /// Consent to voice messages (`null`: not recorded).
    pub voice_consent: Option<bool>,
    /// The last contact made outside the engine.
    pub last_contact_at: Option<DateTime<Utc>>,
    /// When the planner looks at the debtor again.
    pub next_wake_at: Option<DateTime<Utc>>,
    /// The hold the planner last reported (Polish).
    pub hold_reason: Option<String>,
}

impl From<model::CollectionStateView> for CollectionStateView {
    fn from(r: model::CollectionStateView) -> Self {
        CollectionStateView {
            own_process: r.own_process,
            tags: r.tags,
            excluded: r.excluded,
            legal_status: r.legal_status,
            voice_consent: r.voice_consent,
            last_contact_at: r.last_contact_at,
            next_wake_at: r.next_wake_at,
            hold_reason: r.hold_reason,
        }
    }
}

/// A pause as the client sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PauseView {
    /// Id (for lifting).
    pub id: String,
    /// `promise_to_pay`, `dispute` or `manual`.
    pub kind: String,
    /// Only this document (ERP id); `null`: all the debtor's documents.
    pub document_external_id: Option<String>,
    /// Last day (inclusive); `null`: until lifted.
    pub until: Option<NaiveDate>,
    /// The reason or note.
    pub reason: String,
    /// When it was added.
    pub created_at: DateTime<Utc>,
    /// Who added it.
    pub created_by: String,
    /// When it was lifted.
    pub lifted_at: Option<DateTime<Utc>>,
    /// Who lifted it.
    pub lifted_by: Option<String>,
    /// Whether it holds today (not lifted, not past its last day).
    pub active: bool,
}

impl From<model::PauseView> for PauseView {
    fn from(r: model::PauseView) -> Self {
        PauseView {
            id: r.id,
            kind: r.kind,
            document_external_id: r.document_external_id,
            until: r.until,
            reason: r.reason,
            created_at: r.created_at,
            created_by: r.created_by,
            lifted_at: r.lifted_at,
            lifted_by: r.lifted_by,
            active: r.active,
        }
    }
}

/// An action as the history shows it (R-P6).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ActionView {
    /// Id.
    pub id: String,
    /// Idempotency key.
    pub key: String,
    /// Agent.
    pub agent_id: String,
    /// Debtor.
    pub debtor_external_id: String,
    /// Process code.
    pub process: String,
    /// Stage code.
    pub stage: String,
    /// Channel.
    pub channel: String,
    /// Documents covered: `[{"document", "occurrence", "scheduled"}]`.
    #[schema(value_type = Vec<Object>)]
    pub documents: Vec<CoveredDocument>,
    /// The slot (or the next attempt).
    pub planned_for: DateTime<Utc>,
    /// planned, claimed, sent, failed, skipped, held.
    pub status: String,
    /// Reason code of a skip, hold or failure.
    pub reason_code: Option<String>,
    /// Reason, Polish.
    pub reason: Option<String>,
    /// Provider id.
    pub provider_id: Option<String>,
    /// Cost in minor units of PLN.
    pub cost_minor: Option<i64>,
    /// Description.
    pub description: Option<String>,
    /// Automatic (process) or manual (on demand).
    pub automatic: bool,
    /// Attempts so far.
    pub attempts: i64,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Sent, failed or skipped at.
    pub done_at: Option<DateTime<Utc>>,
}

impl From<model::ActionView> for ActionView {
    fn from(r: model::ActionView) -> Self {
        ActionView {
            id: r.id,
            key: r.key,
            agent_id: r.agent_id,
            debtor_external_id: r.debtor_external_id,
            process: r.process,
            stage: r.stage,
            channel: r.channel,
            documents: r.documents,
            planned_for: r.planned_for,
            status: r.status,
            reason_code: r.reason_code,
            reason: r.reason,
            provider_id: r.provider_id,
            cost_minor: r.cost_minor,
            description: r.description,
            automatic: r.automatic,
            attempts: r.attempts,
            created_at: r.created_at,
            done_at: r.done_at,
        }
    }
}

/// A debtor in a list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DebtorView {
    /// The cloud's id.
    pub id: String,
    /// The agent that sent it.
    pub agent_id: String,
    /// The ERP's key.
    pub external_id: String,
    /// `company` or `person`.
    pub kind: String,
    /// Name.
    pub name: String,
    /// NIP.
    pub nip: Option<String>,
    /// Removed by the agent.
    pub removed: bool,
    /// Open documents.
    pub open_documents: u64,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl From<model::DebtorView> for DebtorView {
    fn from(r: model::DebtorView) -> Self {
        DebtorView {
            id: r.id,
            agent_id: r.agent_id,
            external_id: r.external_id,
            kind: r.kind,
            name: r.name,
            nip: r.nip,
            removed: r.removed,
            open_documents: r.open_documents,
            updated_at: r.updated_at,
        }
    }
}

/// A contact with its consent.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ContactView {
    /// `sms` or `email`.
    pub channel: String,
    /// The phone (E.164) or e-mail.
    pub value: String,
    /// Consent: true given, false refused, null not recorded.
    pub consent: Option<bool>,
    /// Where the consent (or the contact) came from.
    pub consent_source: Option<String>,
    /// When.
    pub consent_date: Option<NaiveDate>,
    /// The legal basis it rests on, when recorded.
    pub consent_basis: Option<String>,
}

impl From<model::ContactView> for ContactView {
    fn from(r: model::ContactView) -> Self {
        ContactView {
            channel: r.channel,
            value: r.value,
            consent: r.consent,
            consent_source: r.consent_source,
            consent_date: r.consent_date,
            consent_basis: r.consent_basis,
        }
    }
}

/// Company data from the VAT register.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CompanyView {
    /// NIP.
    pub nip: String,
    /// `pending`, `found`, `not_found`, `error`.
    pub status: String,
    /// Registered name.
    pub name: Option<String>,
    /// `Czynny`, `Zwolniony`, ...
    pub status_vat: Option<String>,
    /// Working or residence address.
    pub address: Option<String>,
    /// REGON.
    pub regon: Option<String>,
    /// KRS.
    pub krs: Option<String>,
    /// The register's day of the answer.
    pub as_of: Option<NaiveDate>,
    /// The REGON register's lookup of the activity: `pending`, `found`, `not_found`, `error`.
    pub regon_status: String,
    /// The dominant PKD code from the REGON register (`6201Z`).
    pub pkd: Option<String>,
    /// That code's PKD section (A–U): the debtor's sector unless the firm chose another.
    pub sector: Option<String>,
}

impl From<model::CompanyView> for CompanyView {
    fn from(r: model::CompanyView) -> Self {
        CompanyView {
            nip: r.nip,
            status: r.status,
            name: r.name,
            status_vat: r.status_vat,
            address: r.address,
            regon: r.regon,
            krs: r.krs,
            as_of: r.as_of,
            regon_status: r.regon_status,
            pkd: r.pkd,
            sector: r.sector.map(String::from),
        }
    }
}

/// A debtor with contacts, documents and company data.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DebtorDetail {
    /// The debtor.
    pub debtor: DebtorView,
    /// A person's postal address.
    #[schema(value_type = Option<Object>)]
    pub address: Option<serde_json::Value>,
    /// Contacts per channel.
    pub contacts: Vec<ContactView>,
    /// All its documents, open first, by due date.
    pub documents: Vec<DocumentView>,
    /// From the VAT register, for companies.
    pub company: Option<CompanyView>,
}

impl From<model::DebtorDetail> for DebtorDetail {
    fn from(r: model::DebtorDetail) -> Self {
        DebtorDetail {
            debtor: r.debtor.into(),
            address: r.address,
            contacts: r.contacts.into_iter().map(Into::into).collect(),
            documents: r.documents.into_iter().map(Into::into).collect(),
            company: r.company.map(Into::into),
        }
    }
}

/// A document.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DocumentView {
    /// The cloud's id.
    pub id: String,
    /// The agent that sent it.
    pub agent_id: String,
    /// The ERP's key of the settlement row.
    pub external_id: String,
    /// The debtor's ERP key.
    pub debtor_external_id: String,
    /// The printed number.
    pub number: String,
    /// Issue date.
    pub issue_date: Option<NaiveDate>,
    /// Due date.
    pub due_date: NaiveDate,
    /// Amount (minor units).
    pub amount_minor: i64,
    /// Remaining (minor units; the last seen value when closed).
    pub remaining_minor: i64,
    /// Currency.
    pub currency: String,
    /// `open` or `closed`.
    pub status: String,
    /// `paid`, `excluded`, `deleted`.
    pub close_reason: Option<String>,
    /// When it was closed.
    pub closed_on: Option<NaiveDate>,
    /// Days past due today (open documents; 0 otherwise).
    pub days_overdue: i64,
}

impl From<model::DocumentView> for DocumentView {
    fn from(r: model::DocumentView) -> Self {
        DocumentView {
            id: r.id,
            agent_id: r.agent_id,
            external_id: r.external_id,
            debtor_external_id: r.debtor_external_id,
            number: r.number,
            issue_date: r.issue_date,
            due_date: r.due_date,
            amount_minor: r.amount_minor,
            remaining_minor: r.remaining_minor,
            currency: r.currency,
            status: r.status,
            close_reason: r.close_reason,
            closed_on: r.closed_on,
            days_overdue: r.days_overdue,
        }
    }
}

/// A payment: a decrease of a document's remaining amount, or its close as paid.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PaymentView {
    /// The event's id.
    pub id: String,
    /// The agent.
    pub agent_id: String,
    /// The document's ERP key.
    pub document_external_id: String,
    /// The debtor's ERP key.
    pub debtor_external_id: String,
    /// The day the agent saw it.
    pub observed_on: NaiveDate,
    /// Amount paid (minor units).
    pub paid_minor: i64,
    /// Remaining before.
    pub remaining_before: Option<i64>,
    /// Remaining after.
    pub remaining_after: i64,
    /// Currency.
    pub currency: String,
}

impl From<model::PaymentView> for PaymentView {
    fn from(r: model::PaymentView) -> Self {
        PaymentView {
            id: r.id,
            agent_id: r.agent_id,
            document_external_id: r.document_external_id,
            debtor_external_id: r.debtor_external_id,
            observed_on: r.observed_on,
            paid_minor: r.paid_minor,
            remaining_before: r.remaining_before,
            remaining_after: r.remaining_after,
            currency: r.currency,
        }
    }
}

/// An agent's health.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AgentHealth {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Whether its token was revoked.
    pub revoked: bool,
    /// The `seq` it must send next.
    pub next_seq: u64,
    /// Last batch received.
    pub last_batch_at: Option<DateTime<Utc>>,
    /// Last heartbeat.
    pub last_heartbeat_at: Option<DateTime<Utc>>,
    /// Agent version.
    pub agent_version: Option<String>,
    /// ERP profile.
    pub profile: Option<String>,
    /// Last successful sync (agent's clock).
    pub last_sync_at: Option<DateTime<Utc>>,
    /// Ops waiting in its outbox.
    pub queue_depth: Option<u64>,
    /// Rows in quarantine.
    pub quarantined: Option<u64>,
    /// Last error.
    pub last_error: Option<String>,
    /// Results it acknowledged.
    pub results_acknowledged: u64,
}

impl From<model::AgentHealth> for AgentHealth {
    fn from(r: model::AgentHealth) -> Self {
        AgentHealth {
            id: r.id,
            name: r.name,
            revoked: r.revoked,
            next_seq: r.next_seq,
            last_batch_at: r.last_batch_at,
            last_heartbeat_at: r.last_heartbeat_at,
            agent_version: r.agent_version,
            profile: r.profile,
            last_sync_at: r.last_sync_at,
            queue_depth: r.queue_depth,
            quarantined: r.quarantined,
            last_error: r.last_error,
            results_acknowledged: r.results_acknowledged,
        }
    }
}

/// An exclusion kept in the cloud.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExclusionView {
    /// Id.
    pub id: String,
    /// `debtor_external_id`, `nip`, `document_number_prefix` or `min_remaining`.
    pub kind: String,
    /// The key, NIP, prefix or (for `min_remaining`) the currency.
    pub value: String,
    /// For `min_remaining`: the threshold (minor units).
    pub amount_minor: Option<i64>,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Who.
    pub created_by: String,
}

impl From<model::ExclusionView> for ExclusionView {
    fn from(r: model::ExclusionView) -> Self {
        ExclusionView {
            id: r.id,
            kind: r.kind,
            value: r.value,
            amount_minor: r.amount_minor,
            created_at: r.created_at,
            created_by: r.created_by,
        }
    }
}

/// Filters of the case lists.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseFilter {
    /// Only cases in this status.
    pub status: Option<String>,
    /// Only this debtor's cases (ERP key).
    pub debtor_external_id: Option<String>,
    /// Only cases of debtors from this agent.
    pub agent_id: Option<String>,
    /// Partner's view only: only this creditor's cases.
    pub creditor_id: Option<String>,
    /// Part of the debtor's name, its NIP or a document's number (case-insensitive).
    pub q: Option<String>,
    /// `changed` (the default: most recently changed first), `handed`, `amount` or `debtor`;
    /// a leading `-` sorts descending.
    pub sort: Option<String>,
}

impl From<CaseFilter> for model::CaseFilter {
    fn from(w: CaseFilter) -> Self {
        model::CaseFilter {
            status: w.status,
            debtor_external_id: w.debtor_external_id,
            agent_id: w.agent_id,
            creditor_id: w.creditor_id,
            q: w.q,
            sort: w.sort,
            ..model::CaseFilter::default()
        }
    }
}

/// Which page of a list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageRequest {
    /// Cursor from the previous page.
    pub after: Option<String>,
    /// Page size (1..=500, default 50).
    // u32 would be declared int32 (at most 2^31 - 1), which the parser does not enforce.
    #[param(value_type = Option<u64>)]
    pub limit: Option<u32>,
}

impl From<PageRequest> for model::PageRequest {
    fn from(w: PageRequest) -> Self {
        model::PageRequest {
            after: w.after,
            limit: w.limit,
        }
    }
}

/// Filters of the history lists (R-P6).
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActionQuery {
    /// `planned`, `claimed`, `held`, `sent`, `failed` or `skipped`.
    pub status: Option<String>,
    /// `sms`, `email`, `letter`, `registered_letter`, `voice`, `task`, `sales_block`, `handoff`.
    pub channel: Option<String>,
    /// Only on-demand (true) or only automatic (false) actions.
    pub manual: Option<bool>,
    /// Created on or after this day (YYYY-MM-DD, UTC).
    pub since: Option<NaiveDate>,
    /// Created on or before this day (UTC).
    pub until: Option<NaiveDate>,
    /// Cursor from the previous page.
    pub after: Option<String>,
    /// Page size (1..=500, default 50).
    // u32 would be declared int32 (at most 2^31 - 1), which the parser does not enforce.
    #[param(value_type = Option<u64>)]
    pub limit: Option<u32>,
}

impl From<ActionQuery> for model::ActionQuery {
    fn from(w: ActionQuery) -> Self {
        model::ActionQuery {
            status: w.status,
            channel: w.channel,
            manual: w.manual,
            since: w.since,
            until: w.until,
            after: w.after,
            limit: w.limit,
        }
    }
}

/// Filters of `GET /api/v1/debtors`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DebtorFilter {
    /// Part of the name or an e-mail (case-insensitive), or a NIP or the end of a phone number.
    pub q: Option<String>,
    /// Exact NIP.
    pub nip: Option<String>,
    /// `company` or `person`.
    pub kind: Option<String>,
    /// Only debtors with (true) or without (false) open documents.
    pub has_open: Option<bool>,
    /// Only debtors with (true) or without (false) an open document past its due date today.
    pub overdue: Option<bool>,
    /// Only debtors whose collection is (true) or is not (false) paused today.
    pub paused: Option<bool>,
    /// Only debtors with this legal status (`active`, `deceased`, `bankrupt`).
    pub legal_status: Option<String>,
    /// Only debtors this process applies to (their own, a group rule's or the default).
    pub process: Option<String>,
    /// Also debtors the agent removed.
    pub include_removed: Option<bool>,
    /// `name` (default) or `open_documents`; a leading `-` sorts descending.
    pub sort: Option<String>,
    /// Cursor from the previous page.
    pub after: Option<String>,
    /// Page size (1..=500, default 50).
    // u32 would be declared int32 (at most 2^31 - 1), which the parser does not enforce.
    #[param(value_type = Option<u64>)]
    pub limit: Option<u32>,
}

impl From<DebtorFilter> for model::DebtorFilter {
    fn from(w: DebtorFilter) -> Self {
        model::DebtorFilter {
            q: w.q,
            nip: w.nip,
            kind: w.kind,
            has_open: w.has_open,
            overdue: w.overdue,
            paused: w.paused,
            legal_status: w.legal_status,
            process: w.process,
            today: None,
            include_removed: w.include_removed,
            sort: w.sort,
            after: w.after,
            limit: w.limit,
        }
    }
}

/// Filters of `GET /api/v1/documents`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DocumentFilter {
    /// `open` or `closed`.
    pub status: Option<String>,
    /// The debtor's cloud id.
    pub debtor_id: Option<String>,
    /// At least this many days overdue (open documents), 0…36 500.
    #[param(minimum = 0, maximum = 36500)]
    pub min_days_overdue: Option<i64>,
    /// At most this many days overdue, 0…36 500.
    #[param(minimum = 0, maximum = 36500)]
    pub max_days_overdue: Option<i64>,
    /// Remaining amount at least (minor units).
    pub min_remaining_minor: Option<i64>,
    /// Remaining amount at most (minor units).
    pub max_remaining_minor: Option<i64>,
    /// Due on or after (YYYY-MM-DD).
    pub due_from: Option<NaiveDate>,
    /// Due on or before.
    pub due_to: Option<NaiveDate>,
    /// Currency code.
    pub currency: Option<String>,
    /// Part of the document's number (case-insensitive).
    pub q: Option<String>,
    /// `due` (default), `remaining` or `number`; a leading `-` sorts descending.
    pub sort: Option<String>,
    /// Cursor from the previous page.
    pub after: Option<String>,
    /// Page size (1..=500, default 50).
    // u32 would be declared int32 (at most 2^31 - 1), which the parser does not enforce.
    #[param(value_type = Option<u64>)]
    pub limit: Option<u32>,
}

impl From<DocumentFilter> for model::DocumentFilter {
    fn from(w: DocumentFilter) -> Self {
        model::DocumentFilter {
            status: w.status,
            debtor_id: w.debtor_id,
            min_days_overdue: w.min_days_overdue,
            max_days_overdue: w.max_days_overdue,
            min_remaining_minor: w.min_remaining_minor,
            max_remaining_minor: w.max_remaining_minor,
            due_from: w.due_from,
            due_to: w.due_to,
            currency: w.currency,
            q: w.q,
            sort: w.sort,
            after: w.after,
            limit: w.limit,
        }
    }
}

/// Filters of `GET /api/v1/payments`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PaymentFilter {
    /// Observed on or after.
    pub from: Option<NaiveDate>,
    /// Observed on or before.
    pub to: Option<NaiveDate>,
    /// The document's ERP key.
    pub document_external_id: Option<String>,
    /// Cursor from the previous page.
    pub after: Option<String>,
    /// Page size.
    // u32 would be declared int32 (at most 2^31 - 1), which the parser does not enforce.
    #[param(value_type = Option<u64>)]
    pub limit: Option<u32>,
}

impl From<PaymentFilter> for model::PaymentFilter {
    fn from(w: PaymentFilter) -> Self {
        model::PaymentFilter {
            from: w.from,
            to: w.to,
            document_external_id: w.document_external_id,
            after: w.after,
            limit: w.limit,
        }
    }
}

/// A new exclusion.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewExclusion {
    /// `debtor_external_id`, `nip`, `document_number_prefix` or `min_remaining`.
    pub kind: String,
    /// The key, NIP, prefix or currency.
    pub value: String,
    /// For `min_remaining`.
    #[serde(default)]
    pub amount_minor: Option<i64>,
}

impl From<NewExclusion> for model::NewExclusion {
    fn from(w: NewExclusion) -> Self {
        model::NewExclusion {
            kind: w.kind,
            value: w.value,
            amount_minor: w.amount_minor,
        }
    }
}

/// A list of store rows as wire types.
pub fn all<S, T: From<S>>(rows: Vec<S>) -> Vec<T> {
    rows.into_iter().map(Into::into).collect()
}
