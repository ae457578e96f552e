//! Sync protocol v1 between the agent and the cloud, as serde types (docs/protocol.md).
//!
//! The agent speaks first and only over HTTPS it opens (it sits behind NAT): it posts ordered
//! batches of [`Op`]s, reads the [`ResultsPage`] feed, fetches its [`AgentConfig`] and sends
//! [`Heartbeat`]s. Every body refuses unknown fields and states its protocol version, so a newer
//! peer fails loudly instead of silently dropping what it does not understand.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::lang::{Lang, Localized};
use crate::money::Currency;
use crate::nip::Nip;
use crate::records::{Debtor, Document, ExternalId};

/// The protocol version this build speaks.
pub const PROTOCOL_VERSION: u32 = 1;

/// Paths of the agent API, relative to the cloud's base URL.
pub mod paths {
    /// `POST`: one ordered batch of ops.
    pub const BATCHES: &str = "/agent/v1/batches";
    /// `GET ?after=<cursor>&limit=<n>`: the results feed.
    pub const RESULTS: &str = "/agent/v1/results";
    /// `GET`: exclusions and settings kept in the cloud.
    pub const CONFIG: &str = "/agent/v1/config";
    /// `POST`: the agent's health.
    pub const HEARTBEAT: &str = "/agent/v1/heartbeat";
}

/// Largest request body the cloud accepts, after gzip decompression (bytes).
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;
/// Most ops in one batch; agents split larger changes.
pub const MAX_OPS_PER_BATCH: usize = 5_000;
/// Largest `limit` of one results page.
pub const MAX_RESULTS_PAGE: u32 = 1_000;

/// `POST /agent/v1/batches`: ops applied in `seq` order, exactly once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Batch {
    /// Must be [`PROTOCOL_VERSION`].
    pub protocol: u32,
    /// 1 for the agent's first batch, then +1 for each next one, without gaps.
    pub seq: u64,
    /// What changed, in the order it must be applied.
    pub ops: Vec<Op>,
}

/// Why a document left the unpaid set. Statistics count only `Paid` as a payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CloseReason {
    /// Settled in the ERP.
    Paid,
    /// An exclusion (ERP flag or configuration) withdrew it from collection.
    Excluded,
    /// It disappeared from the ERP without being paid (deleted, corrected).
    Deleted,
}

/// One change to the cloud's copy of the agent's data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum Op {
    /// Create or replace a debtor.
    UpsertDebtor {
        /// The full record.
        debtor: Debtor,
    },
    /// Create or replace an unpaid document; a lower `remaining_minor` than before is a payment.
    UpsertDocument {
        /// The full record.
        document: Document,
    },
    /// The document left the unpaid set.
    CloseDocument {
        /// The document's external id.
        external_id: ExternalId,
        /// Why it left.
        reason: CloseReason,
        /// The day the agent saw it leave (the payment date for statistics when `paid`).
        observed_on: NaiveDate,
    },
    /// The debtor is no longer to be held (excluded, or no open documents and gone from the ERP).
    /// Its open documents must have been closed by earlier ops of the same or earlier batches.
    RemoveDebtor {
        /// The debtor's external id.
        external_id: ExternalId,
    },
    /// A full reconcile starts: every record that is still unpaid follows as an upsert.
    SnapshotBegin {
        /// Names the snapshot; `snapshot_end` must repeat it.
        snapshot_id: String,
    },
    /// The full reconcile is complete: the cloud closes (`deleted` unless told otherwise) every
    /// open document of this agent that was not upserted since the matching `snapshot_begin`.
    SnapshotEnd {
        /// The id given in `snapshot_begin`.
        snapshot_id: String,
        /// The day the snapshot was read; used as `observed_on` for what it closes.
        observed_on: NaiveDate,
    },
}

impl Op {
    /// The op's name on the wire.
    pub fn name(&self) -> &'static str {
        match self {
            Op::UpsertDebtor { .. } => "upsert_debtor",
            Op::UpsertDocument { .. } => "upsert_document",
            Op::CloseDocument { .. } => "close_document",
            Op::RemoveDebtor { .. } => "remove_debtor",
            Op::SnapshotBegin { .. } => "snapshot_begin",
            Op::SnapshotEnd { .. } => "snapshot_end",
        }
    }
}

/// The cloud's answer to a batch it accepted or had already applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchAck {
    /// The batch's `seq`.
    pub seq: u64,
    /// `false` when the batch was a replay, acknowledged without effect.
    pub applied: bool,
    /// The `seq` the cloud expects next.
    pub next_seq: u64,
}

/// `GET /agent/v1/results`: one page of the results feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResultsPage {
    /// Results after the requested cursor, oldest first.
    pub items: Vec<ResultItem>,
    /// Pass as `after` to get the next page; unchanged when `items` is empty.
    pub next_cursor: String,
    /// Whether more results are waiting.
    pub has_more: bool,
}

/// One thing that happened in the cloud that the firm's side should know.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResultItem {
    /// This item's position in the feed (opaque).
    pub cursor: String,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// What happened.
    pub event: ResultEvent,
}

/// The kinds of result the agent receives (R-A6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ResultEvent {
    /// A process action was performed or changed status.
    Action {
        /// The cloud's action id.
        action_id: String,
        /// The debtor it concerned.
        debtor_external_id: ExternalId,
        /// The documents it covered.
        document_external_ids: Vec<ExternalId>,
        /// The process stage's code (`SMS1`), or `manual`.
        stage: String,
        /// `sms`, `email`, `letter`, `registered_letter`, `voice`, `task`, `sales_block`, `handoff`.
        channel: String,
        /// `sent`, `delivered`, `failed`, `skipped`, ...
        status: String,
        /// The provider's id of the message (SMSAPI id, Message-ID, tracking number).
        provider_id: Option<String>,
        /// What it was, for people.
        description: String,
        /// Performed by the process (`true`) or by a person (`false`).
        automatic: bool,
        /// What it cost, in minor units of PLN.
        cost_minor: Option<i64>,
    },
    /// The debtor promised to pay by a date.
    PromiseToPay {
        /// The debtor.
        debtor_external_id: ExternalId,
        /// The documents promised.
        document_external_ids: Vec<ExternalId>,
        /// The promised date.
        until: NaiveDate,
        /// A note.
        note: Option<String>,
    },
    /// A case was handed to a law firm, or its status changed there.
    Handoff {
        /// The case id.
        case_id: String,
        /// The law firm's name.
        partner: String,
        /// `handed_off`, `accepted`, `rejected`, `in_court`, `settlement`, `paid`, `closed`.
        status: String,
        /// The debtor.
        debtor_external_id: ExternalId,
        /// The documents in the case.
        document_external_ids: Vec<ExternalId>,
        /// The partner's note.
        note: Option<String>,
    },
    /// Block (or unblock) sales to a debtor in the ERP.
    SalesBlock {
        /// The debtor.
        debtor_external_id: ExternalId,
        /// `true` to block, `false` to lift the block.
        blocked: bool,
        /// Why.
        reason: String,
    },
    /// Payment-behaviour statistics for a debtor (R-S1, R-S2).
    DebtorStats {
        /// The debtor.
        debtor_external_id: ExternalId,
        /// Average delay of paid documents, in days (negative: paid early).
        avg_delay_days: f64,
        /// Amount-weighted average delay, in days.
        weighted_avg_delay_days: f64,
        /// Share of documents paid late, 0..=1.
        late_share: f64,
        /// Predicted payment date of each open document.
        predicted_payment: BTreeMap<String, NaiveDate>,
    },
}

impl ResultEvent {
    /// The kind's name on the wire; also what the agent's write-back is configured by.
    pub fn kind(&self) -> &'static str {
        match self {
            ResultEvent::Action { .. } => "action",
            ResultEvent::PromiseToPay { .. } => "promise_to_pay",
            ResultEvent::Handoff { .. } => "handoff",
            ResultEvent::SalesBlock { .. } => "sales_block",
            ResultEvent::DebtorStats { .. } => "debtor_stats",
        }
    }
}

/// Exclusions: debtors and documents that must never leave the premises (R-A4).
///
/// The same shape is kept in the agent's configuration file and in the cloud (portal); the agent
/// enforces the union of both before anything is sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Exclusions {
    /// Debtors by the ERP's contractor key.
    pub debtor_external_ids: BTreeSet<String>,
    /// Debtors by NIP.
    pub nips: BTreeSet<Nip>,
    /// Documents whose number starts with one of these (a series such as `FK/` or `PAR`).
    pub document_number_prefixes: BTreeSet<String>,
    /// Documents whose remaining amount is below this, per currency, in minor units.
    pub min_remaining_minor: BTreeMap<Currency, i64>,
}

impl Exclusions {
    /// Both sets of exclusions at once.
    #[must_use]
    pub fn union(&self, other: &Exclusions) -> Exclusions {
        let mut out = self.clone();
        out.debtor_external_ids
            .extend(other.debtor_external_ids.iter().cloned());
        out.nips.extend(other.nips.iter().cloned());
        out.document_number_prefixes
            .extend(other.document_number_prefixes.iter().cloned());
        for (currency, min) in &other.min_remaining_minor {
            let entry = out.min_remaining_minor.entry(*currency).or_insert(*min);
            *entry = (*entry).max(*min);
        }
        out
    }

    /// Whether nothing is excluded.
    pub fn is_empty(&self) -> bool {
        self.debtor_external_ids.is_empty()
            && self.nips.is_empty()
            && self.document_number_prefixes.is_empty()
            && self.min_remaining_minor.is_empty()
    }
}

/// `GET /agent/v1/config`: what the cloud asks the agent to enforce and how often to sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentConfig {
    /// Must be [`PROTOCOL_VERSION`].
    pub protocol: u32,
    /// Exclusions kept in the portal.
    pub exclusions: Exclusions,
    /// Minutes between sync cycles.
    pub sync_interval_minutes: u32,
    /// Hours between full reconciles.
    pub full_reconcile_hours: u32,
    /// The `seq` the cloud expects next from this agent (last applied + 1; 1 for a new agent).
    ///
    /// An agent that lost its local state starts numbering here; one whose oldest unacknowledged
    /// batch is *above* it knows the cloud lost batches and reconciles (docs/protocol.md).
    pub next_seq: u64,
}

/// `POST /agent/v1/heartbeat`: the agent's health, shown in the portal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Heartbeat {
    /// Must be [`PROTOCOL_VERSION`].
    pub protocol: u32,
    /// The agent's version (`0.1.0`).
    pub agent_version: String,
    /// The ERP profile in use (`subiekt_gt`).
    pub profile: String,
    /// When the last sync cycle completed successfully.
    pub last_sync_at: Option<DateTime<Utc>>,
    /// Ops waiting in the outbox.
    pub queue_depth: u64,
    /// Rows in quarantine at the last read.
    pub quarantined: u64,
    /// The last error, without personal data.
    pub last_error: Option<String>,
}

/// The cloud's answer to a heartbeat: its clock, so the agent can report skew.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeartbeatAck {
    /// The cloud's time when it received the heartbeat.
    pub server_time: DateTime<Utc>,
    /// The tenant the token speaks for (its display name).
    pub tenant: String,
    /// The agent's name.
    pub agent: String,
}

/// Machine-readable error codes, shared by the agent API and the client API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// No or malformed `Authorization` header, or an unknown token. 401.
    Unauthorized,
    /// The token was revoked. 401.
    TokenRevoked,
    /// The role may not do this. 403.
    Forbidden,
    /// Nothing with that id for this tenant. 404.
    NotFound,
    /// The body's `protocol` is not one the server speaks. 400.
    UnsupportedProtocol,
    /// The body is not valid JSON of the expected shape (the message names the field). 400.
    InvalidBody,
    /// A record broke a rule (the message names the record and the field). 422.
    InvalidRecord,
    /// A batch's `seq` is ahead of the expected one; `expected_seq` says which to send. 409.
    SeqGap,
    /// The body is larger than [`MAX_BODY_BYTES`] or the batch has too many ops. 413.
    PayloadTooLarge,
    /// Too many requests; retry after `Retry-After`. 429.
    RateLimited,
    /// A conflict with the current state (e.g. deleting something in use). 409.
    Conflict,
    /// The path exists, but not with this method; `Allow` lists the ones it has. 405.
    MethodNotAllowed,
    /// The server failed; retry later. 500/503.
    Internal,
}

impl ErrorCode {
    /// Whether a client should retry the same request later (the agent's backoff uses this).
    pub fn is_transient(self) -> bool {
        matches!(self, ErrorCode::RateLimited | ErrorCode::Internal)
    }
}

/// The one error shape of every Inkaso HTTP API: `{"error": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorResponse {
    /// The error.
    pub error: ApiError,
}

/// An error with a machine code and a message in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiError {
    /// What went wrong, for programs.
    pub code: ErrorCode,
    /// What went wrong, in Polish.
    pub message_pl: String,
    /// What went wrong, in English.
    pub message_en: String,
    /// With `seq_gap`: the `seq` the cloud expects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_seq: Option<u64>,
    /// With `invalid_record`/`invalid_body`: where the problem is (`ops[3].document.remaining_minor`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl ApiError {
    /// An error with both messages.
    pub fn new(
        code: ErrorCode,
        message_pl: impl Into<String>,
        message_en: impl Into<String>,
    ) -> Self {
        ApiError {
            code,
            message_pl: message_pl.into(),
            message_en: message_en.into(),
            expected_seq: None,
            field: None,
        }
    }

    /// An error whose messages come from a [`Localized`] value.
    pub fn localized(code: ErrorCode, err: &impl Localized) -> Self {
        ApiError::new(code, err.message(Lang::Pl), err.message(Lang::En))
    }

    /// The message in `lang`.
    pub fn message(&self, lang: Lang) -> &str {
        match lang {
            Lang::Pl => &self.message_pl,
            Lang::En => &self.message_en,
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}: {}", self.code, self.message_pl)
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sample_batch() -> serde_json::Value {
        json!({
            "protocol": 1,
            "seq": 7,
            "ops": [
                {"op": "snapshot_begin", "snapshot_id": "s-1"},
                {"op": "upsert_debtor", "debtor": {
                    "external_id": "17", "kind": "person", "name": "Jan Kowalski",
                    "nip": null, "email": "jan@example.pl", "phone": "601 234 567",
                    "address": {"street": "Długa 5/3", "postcode": "80-001", "city": "Gdańsk", "country": "PL"}}},
                {"op": "upsert_document", "document": {
                    "external_id": "1001", "debtor_external_id": "17", "number": "FS 1/2026",
                    "issue_date": "2026-10-01", "due_date": "2026-10-15",
                    "amount_minor": 10000, "remaining_minor": 5000, "currency": "PLN"}},
                {"op": "close_document", "external_id": "999", "reason": "paid", "observed_on": "2026-11-22"},
                {"op": "remove_debtor", "external_id": "18"},
                {"op": "snapshot_end", "snapshot_id": "s-1", "observed_on": "2026-11-22"}
            ]
        })
    }

    #[test]
    fn batch_round_trips() {
        let batch: Batch = serde_json::from_value(sample_batch()).unwrap();
        assert_eq!(batch.ops.len(), 6);
        assert_eq!(batch.ops[3].name(), "close_document");
        let Op::UpsertDebtor { debtor } = &batch.ops[1] else {
            panic!("not a debtor")
        };
        assert_eq!(debtor.phone.as_ref().unwrap().e164(), "+48601234567");
        let text = serde_json::to_string(&batch).unwrap();
        let again: Batch = serde_json::from_str(&text).unwrap();
        assert_eq!(again, batch);
        assert!(text.contains(r#""op":"upsert_document""#));
    }

    #[test]
    fn unknown_fields_and_ops_are_refused() {
        let mut v = sample_batch();
        v["compressed"] = json!(true);
        assert!(
            serde_json::from_value::<Batch>(v)
                .unwrap_err()
                .to_string()
                .contains("compressed")
        );

        let mut v = sample_batch();
        v["ops"][3]["amount"] = json!(1);
        assert!(serde_json::from_value::<Batch>(v).is_err());

        let mut v = sample_batch();
        v["ops"][1]["debtor"]["regon"] = json!("1");
        assert!(serde_json::from_value::<Batch>(v).is_err());

        let mut v = sample_batch();
        v["ops"][0] = json!({"op": "drop_everything"});
        assert!(
            serde_json::from_value::<Batch>(v)
                .unwrap_err()
                .to_string()
                .contains("drop_everything")
        );

        let mut v = sample_batch();
        v["ops"][3]["reason"] = json!("forgiven");
        assert!(serde_json::from_value::<Batch>(v).is_err());
    }

    #[test]
    fn results_round_trip() {
        let page = ResultsPage {
            items: vec![
                ResultItem {
                    cursor: "42".into(),
                    at: DateTime::parse_from_rfc3339("2026-11-22T10:00:00Z")
                        .unwrap()
                        .with_timezone(&Utc),
                    event: ResultEvent::Action {
                        action_id: "a-1".into(),
                        debtor_external_id: ExternalId::new("17").unwrap(),
                        document_external_ids: vec![ExternalId::new("1001").unwrap()],
                        stage: "SMS1".into(),
                        channel: "sms".into(),
                        status: "sent".into(),
                        provider_id: Some("5f1c".into()),
                        description: "Przypomnienie SMS".into(),
                        automatic: true,
                        cost_minor: Some(16),
                    },
                },
                ResultItem {
                    cursor: "43".into(),
                    at: DateTime::parse_from_rfc3339("2026-11-22T10:05:00Z")
                        .unwrap()
                        .with_timezone(&Utc),
                    event: ResultEvent::SalesBlock {
                        debtor_external_id: ExternalId::new("17").unwrap(),
                        blocked: true,
                        reason: "zaległość > 30 dni".into(),
                    },
                },
            ],
            next_cursor: "43".into(),
            has_more: false,
        };
        let v = serde_json::to_value(&page).unwrap();
        assert_eq!(v["items"][0]["event"]["kind"], "action");
        assert_eq!(v["items"][1]["event"]["kind"], "sales_block");
        let back: ResultsPage = serde_json::from_value(v).unwrap();
        assert_eq!(back, page);
        assert_eq!(back.items[1].event.kind(), "sales_block");
    }

    #[test]
    fn config_and_exclusions() {
        let cfg: AgentConfig = serde_json::from_value(json!({
            "protocol": 1,
            "exclusions": {"nips": ["PL 526-104-08-28"], "min_remaining_minor": {"PLN": 1000}},
            "sync_interval_minutes": 15,
            "full_reconcile_hours": 24,
            "next_seq": 1
        }))
        .unwrap();
        assert_eq!(
            cfg.exclusions.nips.iter().next().unwrap().as_str(),
            "5261040828"
        );
        let local = Exclusions {
            debtor_external_ids: ["17".to_owned()].into(),
            min_remaining_minor: [(Currency::PLN, 500), (Currency::EUR, 100)].into(),
            ..Exclusions::default()
        };
        let all = local.union(&cfg.exclusions);
        assert_eq!(all.min_remaining_minor[&Currency::PLN], 1000);
        assert_eq!(all.min_remaining_minor[&Currency::EUR], 100);
        assert!(all.debtor_external_ids.contains("17"));
        assert!(!all.is_empty());
        assert!(serde_json::from_value::<Exclusions>(json!({"nip": []})).is_err());
    }

    #[test]
    fn error_shape() {
        let mut e = ApiError::new(ErrorCode::SeqGap, "oczekiwano seq 5", "expected seq 5");
        e.expected_seq = Some(5);
        let v = serde_json::to_value(ErrorResponse { error: e.clone() }).unwrap();
        assert_eq!(
            v,
            json!({"error": {"code": "seq_gap", "message_pl": "oczekiwano seq 5", "message_en": "expected seq 5", "expected_seq": 5}})
        );
        assert!(!ErrorCode::SeqGap.is_transient());
        assert!(ErrorCode::Internal.is_transient());
        assert_eq!(e.message(Lang::En), "expected seq 5");
    }

    #[test]
    fn heartbeat_round_trips() {
        let hb = Heartbeat {
            protocol: PROTOCOL_VERSION,
            agent_version: "0.1.0".into(),
            profile: "subiekt_gt".into(),
            last_sync_at: None,
            queue_depth: 3,
            quarantined: 1,
            last_error: Some("timeout".into()),
        };
        let back: Heartbeat = serde_json::from_str(&serde_json::to_string(&hb).unwrap()).unwrap();
        assert_eq!(back, hb);
    }
}
