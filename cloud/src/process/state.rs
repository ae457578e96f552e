//! What the planner reads besides the process: the debtor's collection state (exclusion, legal
//! status, consent, reachability, pauses), the state of its documents, the history of past
//! actions and the tenant's channel policy.
//!
//! These are plain values the store fills from its rows; the planner never reads them itself.
//! History entries are what the runner writes back: every planned, claimed, sent, failed or
//! skipped action, keyed so that the planner never plans the same occurrence twice.

use crate::domain::ids::AgentId;
use crate::i18n;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use inkaso_shared::{
    Currency, Debtor, DebtorKind, Document, ExternalId, Lang, Localized, Money, PhoneKind,
};
use serde::{Deserialize, Serialize};

use std::collections::BTreeMap;

use super::model::{AssignedBy, AssignmentSubject, Channel, GroupRule, Process, assign};

/// Why collection is paused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PauseKind {
    /// The debtor promised to pay by a date.
    PromiseToPay,
    /// The debtor disputes the claim.
    Dispute,
    /// An operator paused collection by hand.
    Manual,
}

impl PauseKind {
    /// Polish or English name.
    pub fn name(self, lang: Lang) -> String {
        i18n::text(
            lang,
            match self {
                PauseKind::PromiseToPay => "pause-name-promise-to-pay",
                PauseKind::Dispute => "pause-name-dispute",
                PauseKind::Manual => "pause-name-manual",
            },
        )
    }
}

/// A pause of collection: for the whole debtor, or one document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pause {
    /// Why.
    pub kind: PauseKind,
    /// Last local day of the pause (inclusive); `None` until lifted (a dispute under review).
    #[serde(default)]
    pub until: Option<NaiveDate>,
    /// The operator's reason, shown with every held action.
    #[serde(default)]
    pub reason: String,
    /// Only this document; `None` pauses all the debtor's documents.
    #[serde(default)]
    pub document: Option<ExternalId>,
}

impl Pause {
    /// Whether the pause holds `document` on local day `today`.
    pub fn holds(&self, document: &ExternalId, today: NaiveDate) -> bool {
        self.until.is_none_or(|u| today <= u)
            && self.document.as_ref().is_none_or(|d| d == document)
    }
}

/// Whether a debtor may be contacted at all (R-N3: deceased or bankrupt debtors never are).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LegalStatus {
    /// Ordinary debtor.
    #[default]
    Active,
    /// A natural person who has died.
    Deceased,
    /// In bankruptcy: claims go to the trustee, not to reminders.
    Bankrupt,
}

/// Consent per channel that needs it (R-N3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Consent {
    /// Consent to SMS.
    pub sms: bool,
    /// Consent to e-mail.
    pub email: bool,
    /// Consent to voice messages.
    pub voice: bool,
}

/// Which contact data exist for a debtor. A company's postal address is public and looked up
/// when a letter is printed (R-A3), so [`DebtorState::from_record`] sets `postal` for every
/// company. The default is "nothing known": a state stored without it contacts nobody.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[allow(clippy::struct_excessive_bools)] // four independent facts, one column each in the store
pub struct Reachability {
    /// An e-mail address.
    pub email: bool,
    /// A number that takes SMS (a Polish mobile, or a foreign number whose kind is unknown).
    pub mobile: bool,
    /// Any phone number (voice messages).
    pub phone: bool,
    /// A postal address.
    pub postal: bool,
}

impl Reachability {
    /// Every contact channel available.
    pub const ALL: Reachability = Reachability {
        email: true,
        mobile: true,
        phone: true,
        postal: true,
    };
}

/// A debtor as collection sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DebtorState {
    /// The ERP's contractor key.
    pub external_id: ExternalId,
    /// Company or person.
    pub kind: DebtorKind,
    /// Tags for group rules.
    #[serde(default)]
    pub tags: Vec<String>,
    /// The debtor's own process.
    #[serde(default)]
    pub own_process: Option<String>,
    /// Excluded from collection (ERP flag or the agent's list, R-A4): never contacted.
    #[serde(default)]
    pub excluded: bool,
    /// Deceased or bankrupt debtors are never contacted.
    #[serde(default)]
    pub legal_status: LegalStatus,
    /// Consent per channel.
    #[serde(default)]
    pub consent: Consent,
    /// Which contact data exist (default: none known).
    #[serde(default)]
    pub reachable: Reachability,
    /// Active and past pauses.
    #[serde(default)]
    pub pauses: Vec<Pause>,
    /// Last contact made outside the engine (a phone call, an external SMS, R-N4), counted by the
    /// skip-if-recently-contacted rule together with the engine's own history.
    #[serde(default)]
    pub last_contact_at: Option<DateTime<Utc>>,
}

impl DebtorState {
    /// An active debtor with every consent and contact, nothing paused.
    pub fn new(external_id: ExternalId, kind: DebtorKind) -> Self {
        DebtorState {
            external_id,
            kind,
            tags: Vec::new(),
            own_process: None,
            excluded: false,
            legal_status: LegalStatus::Active,
            consent: Consent {
                sms: true,
                email: true,
                voice: true,
            },
            reachable: Reachability::ALL,
            pauses: Vec::new(),
            last_contact_at: None,
        }
    }

    /// The collection state of a synced debtor record: what contact data it has, no consent
    /// yet (the store adds the consents it holds), nothing excluded or paused.
    pub fn from_record(record: &Debtor) -> Self {
        let phone = record.phone.as_ref();
        DebtorState {
            reachable: Reachability {
                email: record.email.is_some(),
                mobile: phone.is_some_and(|p| p.kind() != PhoneKind::Landline),
                phone: phone.is_some(),
                postal: record.address.is_some() || record.kind == DebtorKind::Company,
            },
            consent: Consent::default(),
            ..DebtorState::new(record.external_id.clone(), record.kind)
        }
    }
}

/// A document as collection sees it. The agent only sends unpaid documents; a document that
/// drops out of the unpaid set is kept by the store as closed (`open == false`) so that its
/// history and statistics stay, and the planner never acts on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentState {
    /// The unpaid document as last synced.
    pub document: Document,
    /// Still unpaid according to the last sync.
    #[serde(default = "yes")]
    pub open: bool,
    /// Excluded from collection ("Podlega windykacji" off).
    #[serde(default)]
    pub excluded: bool,
}

fn yes() -> bool {
    true
}

impl DocumentState {
    /// An open, included document.
    pub fn open(document: Document) -> Self {
        DocumentState {
            document,
            open: true,
            excluded: false,
        }
    }
}

/// Where an action is in its life (planned → claimed → sent/failed, or skipped).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    /// Written by the planner, not yet taken by a runner.
    Planned,
    /// Taken by a runner (FOR UPDATE SKIP LOCKED), being dispatched.
    Claimed,
    /// Accepted by the provider (or recorded as "would send" in test mode).
    Sent,
    /// The channel refused it; visible, not retried by the planner.
    Failed,
    /// Not performed, with a reason (superseded, no consent, below the minimum...).
    Skipped,
}

impl ActionStatus {
    /// Whether the action reached, or may have reached, the debtor: an in-flight claim counts,
    /// because the provider may already have accepted it.
    pub fn is_contact(self) -> bool {
        matches!(
            self,
            ActionStatus::Planned | ActionStatus::Claimed | ActionStatus::Sent
        )
    }
}

/// One document occurrence covered by an action: which document and which repetition of the
/// stage (0 for the first).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CoveredDocument {
    /// The document.
    pub document: ExternalId,
    /// The stage's occurrence for that document (0-based).
    pub occurrence: u16,
    /// The calendar date the occurrence was scheduled for (due date + offset).
    pub scheduled: NaiveDate,
}

/// One past action, as the planner needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// The action's idempotency key.
    pub key: String,
    /// Process code.
    pub process: String,
    /// Stage code.
    pub stage: String,
    /// Channel.
    pub channel: Channel,
    /// Documents and occurrences covered.
    pub documents: Vec<CoveredDocument>,
    /// When it was planned/performed.
    pub at: DateTime<Utc>,
    /// Its status.
    pub status: ActionStatus,
    /// On-demand (R-P5) rather than automatic: does not consume the automatic schedule.
    #[serde(default)]
    pub manual: bool,
}

/// Per-tenant rules of channels (R-N3 and seed 000: SMS needs consent by default).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ChannelPolicy {
    /// Channels the tenant has switched off.
    pub disabled: Vec<Channel>,
    /// Channels that need the debtor's consent.
    pub consent_required: Vec<Channel>,
}

impl Default for ChannelPolicy {
    fn default() -> Self {
        ChannelPolicy {
            disabled: Vec::new(),
            consent_required: vec![Channel::Sms, Channel::Voice],
        }
    }
}

/// Per-tenant settings the planner obeys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TenantPolicy {
    /// Hold everything when the agent's last successful sync is older than this (hours).
    pub sync_max_age_hours: u32,
    /// Channel rules.
    pub channels: ChannelPolicy,
}

impl Default for TenantPolicy {
    fn default() -> Self {
        TenantPolicy {
            sync_max_age_hours: 24,
            channels: ChannelPolicy::default(),
        }
    }
}

impl TenantPolicy {
    /// The freshness limit as a duration.
    pub fn sync_max_age(&self) -> Duration {
        Duration::hours(i64::from(self.sync_max_age_hours))
    }
}

impl Localized for LegalStatus {
    fn message(&self, lang: Lang) -> String {
        i18n::text(
            lang,
            match self {
                LegalStatus::Active => "legal-status-active",
                LegalStatus::Deceased => "legal-status-deceased",
                LegalStatus::Bankrupt => "legal-status-bankrupt",
            },
        )
    }
}

/// One debtor as the planner needs it, with what the channels need to reach it.
#[derive(Debug, Clone)]
pub struct DebtorRows {
    /// The agent (ERP database) the debtor comes from; its feed gets the results.
    pub agent_id: AgentId,
    /// The debtor's name.
    pub name: String,
    /// Collection state (consents, reachability, exclusions, pauses).
    pub state: DebtorState,
    /// Open documents.
    pub documents: Vec<DocumentState>,
    /// Every action of the debtor (any process).
    pub history: Vec<HistoryEntry>,
    /// The mobile or phone in E.164.
    pub phone: Option<inkaso_shared::Phone>,
    /// The e-mail address.
    pub email: Option<inkaso_shared::Email>,
    /// The tax number (companies).
    pub nip: Option<inkaso_shared::Nip>,
    /// The postal address (persons; a company's comes from the VAT register).
    pub address: Option<inkaso_shared::Address>,
}

/// A debtor's amounts add up to more than can be represented. `Display` is the Polish message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub struct AmountOverflow;

impl Localized for AmountOverflow {
    fn message(&self, lang: Lang) -> String {
        i18n::text(lang, "err-amount-overflow")
    }
}

impl std::fmt::Display for AmountOverflow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::Pl))
    }
}

/// The debtor's process and why it got it (own, group rule, default), from its open documents'
/// totals per currency. `Err` when a total overflows: amounts come from the agent, and a sum
/// past `i64` is refused for this debtor instead of wrapping.
pub fn assign_debtor<'p>(
    processes: &'p [Process],
    rules: &[GroupRule],
    state: &DebtorState,
    documents: &[DocumentState],
) -> Result<Option<(&'p Process, AssignedBy)>, AmountOverflow> {
    let mut totals: BTreeMap<Currency, i64> = BTreeMap::new();
    for d in documents.iter().filter(|d| d.open) {
        let total = totals.entry(d.document.currency).or_default();
        *total = total
            .checked_add(d.document.remaining_minor)
            .ok_or(AmountOverflow)?;
    }
    let totals: Vec<Money> = totals.into_iter().map(|(c, m)| Money::new(m, c)).collect();
    let subject = AssignmentSubject {
        own_process: state.own_process.as_deref(),
        kind: state.kind,
        tags: &state.tags,
        totals: &totals,
    };
    Ok(assign(processes, rules, &subject))
}

impl DebtorRows {
    /// The planner's view of this debtor.
    pub fn input(&self) -> super::planner::DebtorInput<'_> {
        super::planner::DebtorInput {
            debtor: &self.state,
            documents: &self.documents,
            history: &self.history,
        }
    }

    /// The debtor's process and why; see [`assign_debtor`].
    pub fn assignment<'p>(
        &self,
        processes: &'p [Process],
        rules: &[GroupRule],
    ) -> Result<Option<(&'p Process, AssignedBy)>, AmountOverflow> {
        assign_debtor(processes, rules, &self.state, &self.documents)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn state_from_a_synced_record() {
        let company: Debtor = serde_json::from_value(json!({
            "external_id": "KH-1", "kind": "company", "name": "Firma Sp. z o.o.",
            "email": "biuro@firma.pl", "phone": "+48221234567"
        }))
        .unwrap();
        let s = DebtorState::from_record(&company);
        assert_eq!(
            s.reachable,
            Reachability {
                email: true,
                mobile: false,
                phone: true,
                postal: true
            }
        );
        assert_eq!(s.consent, Consent::default());
        let person: Debtor = serde_json::from_value(json!({
            "external_id": "KH-2", "kind": "person", "name": "Jan Kowalski",
            "phone": "+48601234567"
        }))
        .unwrap();
        let s = DebtorState::from_record(&person);
        assert!(s.reachable.mobile && !s.reachable.email && !s.reachable.postal);
        // A stored state without contact data or consents contacts nobody.
        let bare: DebtorState =
            serde_json::from_value(json!({"external_id": "KH-3", "kind": "company"})).unwrap();
        assert_eq!(bare.reachable, Reachability::default());
        assert!(!bare.consent.sms);
    }
}
