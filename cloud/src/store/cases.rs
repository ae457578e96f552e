//! Cases handed to law-firm partners (R-C4): opening a case (by the process engine's `handoff`
//! stage or by a person), the client's and the partner's views of cases, the partner's decisions
//! and status changes, and notes from either side.
//!
//! This module owns the tables `cases`, `case_documents` and `case_events`. A case belongs to the
//! client tenant that handed it over (`tenant_id` is the creditor); a partner reaches it only
//! through `tenant_partners`, and only when the case was handed to that partner, so every
//! partner query starts from the partner's links and never sees another partner's cases or a
//! client's other data.
//!
//! **What a case freezes.** A law firm acts on what was handed to it, so the debtor (name, NIP,
//! contacts, address), the documents (only those still open among the ones named) and the
//! debtor's whole action history are copied into the case when it opens; later syncs do not
//! rewrite them.
//!
//! **One open case per document.** `case_documents` has a partial unique index on open rows, so
//! a document can be in at most one case that is not rejected or closed, even with several
//! replicas handing off at once. Opening is idempotent: the same engine action, or a request
//! whose open documents all sit in one open case, returns that case instead of a second one
//! (the engine retries a hand-off after a crash).
//!
//! **Every change** (the hand-off, a status change, a note) happens in one transaction that
//! bumps the case's `last_seq` with a conditional one-row `UPDATE` (which serialises writers of
//! that case on both engines), writes a `case_events` row, appends a `handoff` event to the
//! results feed of the debtor's agent, and writes the audit log of the client (and, for the
//! partner's own actions and hand-offs to it, the partner's).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use inkaso_shared::money::{Currency, Money};
use inkaso_shared::protocol::ResultEvent;
use inkaso_shared::records::ExternalId;
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use super::feed::append_result_in;
use super::query::{OrderBy, Page, Sql, encode_cursor, like_escape, page_limit};
use super::{Backend, Store, StoreError, list_placeholders, new_id, parse_day, parse_ts, ts};
use crate::domain::Invalid;
use crate::domain::cases::{CaseStatus, ENGINE_ACTOR, PartnerDecision, clean_note};
use crate::i18n::{self, Bilingual};
use crate::process::CoveredDocument;
use crate::store::TenantScope;

/// Whose view of cases a call works in: the client's own cases, or the cases handed to a
/// partner (across every client linked to it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseParty<'a> {
    /// A client tenant (the creditor).
    Client(&'a TenantScope),
    /// A partner tenant (the law firm).
    Partner(&'a TenantScope),
}

impl CaseParty<'_> {
    fn name(self) -> &'static str {
        match self {
            CaseParty::Client(_) => "client",
            CaseParty::Partner(_) => "partner",
        }
    }
}

/// A hand-off to open (by the process engine or a person).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewCase {
    /// The agent (ERP database) the debtor comes from.
    pub agent_id: String,
    /// The debtor's ERP key.
    pub debtor_external_id: String,
    /// The documents to hand over; closed ones among them are left out.
    pub document_external_ids: Vec<String>,
    /// The partner tenant's id; `None`: the client's only linked partner.
    pub partner: Option<String>,
    /// The engine action that opens it (`None` for a manual hand-off).
    pub action_id: Option<String>,
    /// A note for the partner.
    pub note: Option<String>,
}

/// A case as listed (the client's and the partner's lists).
#[derive(Debug, Clone, PartialEq, Eq)]
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
    pub status: CaseStatus,
    /// The process action that opened it; absent for a manual hand-off.
    pub action_id: Option<String>,
    /// When it was handed over.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// A case with what was handed over and everything that happened since.
#[derive(Debug, Clone, PartialEq)]
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
    /// The files attached to it, oldest first (without their content).
    pub files: Vec<CaseFile>,
    /// The creditor's interest tables (its letters' `rates`): what the case claims beyond the
    /// principal is computed at them, as its letters print it.
    pub rates: inkaso_channels::letter::LetterRates,
}

/// The debtor as handed over.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DebtorSnapshot {
    /// `company` or `person`.
    pub kind: String,
    /// Name.
    pub name: String,
    /// NIP.
    pub nip: Option<String>,
    /// A person's postal address from the ERP (`street`, `postcode`, `city`, `country`).
    pub address: Option<serde_json::Value>,
    /// A company's address from the VAT register, when it was looked up.
    pub register_address: Option<String>,
    /// Phone and e-mail.
    pub contacts: Vec<ContactSnapshot>,
}

/// One contact of the debtor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactSnapshot {
    /// `sms` (a phone, E.164) or `email`.
    pub channel: String,
    /// The phone or address.
    pub value: String,
}

/// A document as handed over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

/// One action of the debtor's collection history, as handed over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

/// One event of a case.
#[derive(Debug, Clone, PartialEq, Eq)]
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
    pub status: CaseStatus,
    /// The note.
    pub note: Option<String>,
    /// A payment's amount (the case's currency, minor units) and day.
    pub payment: Option<(i64, NaiveDate)>,
}

/// What a change of a case carries beside a status and a note.
#[derive(Debug, Clone, Copy)]
enum Extra<'a> {
    None,
    /// A file (its new id and content).
    File(&'a str, &'a NewCaseFile<'a>),
    /// A payment under a settlement: amount (minor units) and day.
    Payment(i64, NaiveDate),
}

/// A file to attach to a case.
#[derive(Debug, Clone, Copy)]
pub struct NewCaseFile<'a> {
    /// Its cleaned name.
    pub name: &'a str,
    /// Its content type, as checked from its bytes.
    pub content_type: &'static str,
    /// Its content.
    pub bytes: &'a [u8],
}

/// A file attached to a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFile {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its content type.
    pub content_type: String,
    /// Its size.
    pub size_bytes: u64,
    /// Who attached it: `client` or `partner`.
    pub party: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

fn case_file_row(r: &AnyRow) -> Result<CaseFile, StoreError> {
    Ok(CaseFile {
        id: r.try_get(0)?,
        name: r.try_get(1)?,
        content_type: r.try_get(2)?,
        size_bytes: u64::try_from(r.try_get::<i64, _>(3)?).unwrap_or(0),
        party: r.try_get(4)?,
        created_at: parse_ts(&r.try_get::<String, _>(5)?)?,
    })
}

/// Filters of the case lists.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    /// Only cases in this status.
    pub status: Option<String>,
    /// Only this debtor's cases (ERP key).
    pub debtor_external_id: Option<String>,
    /// Only cases of debtors from this agent (with `debtor_external_id`: one debtor).
    pub agent_id: Option<String>,
    /// Partner's view only: only this creditor's cases.
    pub creditor_id: Option<String>,
    /// Part of the debtor's name, its NIP or a document's number (case-insensitive).
    pub q: Option<String>,
    /// Only cases of at least this amount at the hand-off (minor units).
    pub min_total_minor: Option<i64>,
    /// Only cases of at most this amount at the hand-off (minor units).
    pub max_total_minor: Option<i64>,
    /// Only cases handed over at or after this instant.
    pub handed_from: Option<DateTime<Utc>>,
    /// Only cases handed over before this instant.
    pub handed_before: Option<DateTime<Utc>>,
    /// `changed` (the default, most recent first when absent), `handed`, `amount` or `debtor`;
    /// a leading `-` sorts descending.
    pub sort: Option<String>,
}

/// The keys a case list sorts by: `(name in the address, expression, numeric)`.
const CASE_SORTS: &[(&str, &str, bool)] = &[
    ("changed", "c.updated_at", false),
    ("handed", "c.created_at", false),
    ("amount", "c.total_minor", true),
    ("debtor", "c.debtor_name", false),
];

/// Which page of a list.
#[derive(Debug, Clone, Default)]
pub struct PageRequest {
    /// Cursor from the previous page.
    pub after: Option<String>,
    /// Page size (1..=500, default 50).
    pub limit: Option<u32>,
}

/// A case opened, or the open case that already held the documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenedCase {
    /// The case.
    pub case: Case,
    /// `false` when an existing case was returned (idempotent repeat).
    pub created: bool,
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

fn to_json<T: Serialize>(v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(|e| corrupt("JSON", e))
}

pub(super) fn stored_status(text: &str) -> Result<CaseStatus, StoreError> {
    CaseStatus::ALL
        .into_iter()
        .find(|s| s.as_str() == text)
        .ok_or_else(|| corrupt("status sprawy", text))
}

/// The party an actor writes as when it is not a partner: the engine or the client.
fn client_side_party(actor: &str) -> &'static str {
    if actor == ENGINE_ACTOR {
        "engine"
    } else {
        "client"
    }
}

/// The columns of [`Case`], in [`case_row`]'s order; needs the aliases of [`scope_from`].
const CASE_COLS: &str = "c.case_id, c.tenant_id, t.name, c.partner_id, p.name, c.agent_id, c.debtor_external_id, \
     c.debtor_name, c.documents_json, c.total_minor, c.currency, c.status, c.action_id, c.created_at, c.updated_at";

/// `FROM … WHERE` for one party's cases; the party's id is `$1`. A partner's cases are reached
/// from its links, so an unlinked creditor's cases (and every other partner's) never appear.
fn scope_from(party: CaseParty<'_>) -> &'static str {
    match party {
        CaseParty::Client(_) => {
            " FROM cases c JOIN tenants t ON t.tenant_id = c.tenant_id JOIN tenants p ON p.tenant_id = c.partner_id \
             WHERE c.tenant_id = $1"
        }
        CaseParty::Partner(_) => {
            " FROM tenant_partners tp JOIN cases c ON c.tenant_id = tp.tenant_id AND c.partner_id = tp.partner_id \
             JOIN tenants t ON t.tenant_id = c.tenant_id JOIN tenants p ON p.tenant_id = c.partner_id \
             WHERE tp.partner_id = $1"
        }
    }
}

fn party_id(party: CaseParty<'_>) -> &str {
    match party {
        CaseParty::Client(scope) | CaseParty::Partner(scope) => scope.as_str(),
    }
}

/// `select` over one party's cases with the filter's conditions (its status only when
/// `with_status`; the counts per status leave it out).
fn cases_where(
    select: &str,
    party: CaseParty<'_>,
    filter: &CaseFilter,
    with_status: bool,
) -> Result<Sql, StoreError> {
    let mut sql = Sql::new(&format!("{select}{}", scope_from(party)));
    // scope_from's `$1`.
    sql.text(party_id(party));
    if let Some(s) = filter.status.as_deref().filter(|_| with_status) {
        let p = sql.text(CaseStatus::parse(s, "status")?.as_str());
        sql.push(&format!(" AND c.status = {p}"));
    }
    let texts = [
        (filter.debtor_external_id.as_deref(), "c.debtor_external_id"),
        (filter.agent_id.as_deref(), "c.agent_id"),
        (filter.creditor_id.as_deref(), "c.tenant_id"),
    ];
    for (value, column) in texts {
        if let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) {
            let p = sql.text(v);
            sql.push(&format!(" AND {column} = {p}"));
        }
    }
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        // The debtor's snapshot holds its NIP, the documents' snapshot their numbers.
        let p = sql.text(format!("%{}%", like_escape(&q.to_lowercase())));
        sql.push(&format!(
            " AND (LOWER(c.debtor_name) LIKE {p} ESCAPE '!' OR LOWER(c.debtor_json) LIKE {p} ESCAPE '!' \
             OR LOWER(c.documents_json) LIKE {p} ESCAPE '!')"
        ));
    }
    if let Some(m) = filter.min_total_minor {
        let p = sql.int(m);
        sql.push(&format!(" AND c.total_minor >= {p}"));
    }
    if let Some(m) = filter.max_total_minor {
        let p = sql.int(m);
        sql.push(&format!(" AND c.total_minor <= {p}"));
    }
    if let Some(at) = filter.handed_from {
        let p = sql.text(ts(at));
        sql.push(&format!(" AND c.created_at >= {p}"));
    }
    if let Some(at) = filter.handed_before {
        let p = sql.text(ts(at));
        sql.push(&format!(" AND c.created_at < {p}"));
    }
    Ok(sql)
}

fn case_row(r: &AnyRow) -> Result<Case, StoreError> {
    let docs: Vec<DocumentSnapshot> = serde_json::from_str(&r.try_get::<String, _>(8)?)
        .map_err(|e| corrupt("dokumenty sprawy", e))?;
    Ok(Case {
        id: r.try_get(0)?,
        creditor_id: r.try_get(1)?,
        creditor_name: r.try_get(2)?,
        partner_id: r.try_get(3)?,
        partner_name: r.try_get(4)?,
        agent_id: r.try_get(5)?,
        debtor_external_id: r.try_get(6)?,
        debtor_name: r.try_get(7)?,
        document_external_ids: docs.into_iter().map(|d| d.external_id).collect(),
        total_minor: r.try_get(9)?,
        currency: r.try_get(10)?,
        status: stored_status(&r.try_get::<String, _>(11)?)?,
        action_id: r.try_get(12)?,
        created_at: parse_ts(&r.try_get::<String, _>(13)?)?,
        updated_at: parse_ts(&r.try_get::<String, _>(14)?)?,
    })
}

async fn load_case(
    conn: &mut AnyConnection,
    party: CaseParty<'_>,
    case_id: &str,
) -> Result<Case, StoreError> {
    let sql = format!("SELECT {CASE_COLS}{} AND c.case_id = $2", scope_from(party));
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(party_id(party))
        .bind(case_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| StoreError::not_found("err-what-case", &[("id", case_id.into())]))?;
    case_row(&row)
}

/// Appends to a tenant's audit log inside the caller's transaction.
async fn audit_in(
    conn: &mut AnyConnection,
    tenant_id: &str,
    actor: &str,
    action: &str,
    target: &str,
    details: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO audit_log (tenant_id, audit_id, at, actor, action, target, details) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(tenant_id)
        .bind(new_id())
        .bind(ts(now))
        .bind(actor)
        .bind(action)
        .bind(target)
        .bind(details)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The `handoff` event of a case's current state, for the debtor's agent.
fn feed_event(case: &Case, note: Option<&str>) -> Result<ResultEvent, StoreError> {
    let ext = |s: &str| ExternalId::new(s).map_err(|e| corrupt("klucz ERP w sprawie", e));
    Ok(ResultEvent::Handoff {
        case_id: case.id.clone(),
        partner: case.partner_name.clone(),
        status: case.status.as_str().to_owned(),
        debtor_external_id: ext(&case.debtor_external_id)?,
        document_external_ids: case
            .document_external_ids
            .iter()
            .map(|d| ext(d))
            .collect::<Result<_, _>>()?,
        note: note.map(str::to_owned),
    })
}

impl Store {
    /// Hands a debtor's documents over to a partner: snapshots the debtor, its documents (only
    /// the open ones among those named) and its whole action history into a new case, emits the
    /// `handoff` event (`handed_off`) to the debtor's agent and writes the audit log.
    ///
    /// Idempotent: when `new.action_id` already opened a case, or every open document named is
    /// already in one open case, that case is returned and nothing is written. A request that
    /// overlaps an open case only in part is refused, naming the case. `actor` is `user:<id>`,
    /// `token:<id>` or [`ENGINE_ACTOR`].
    pub async fn open_case(
        &self,
        tenant: &TenantScope,
        new: &NewCase,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Case, StoreError> {
        Ok(self
            .open_case_reporting(tenant, new, actor, now)
            .await?
            .case)
    }

    /// [`Store::open_case`], also telling whether the case is new.
    pub async fn open_case_reporting(
        &self,
        tenant: &TenantScope,
        new: &NewCase,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<OpenedCase, StoreError> {
        let tenant_id = tenant.as_str();
        let req = OpenRequest::check(new)?;
        if self.tenant(tenant).await?.kind != "client" {
            return Err(StoreError::invalid(
                "tenant",
                "err-store-case-from-partner",
                &[],
            ));
        }
        // A lost race (two replicas, or the engine and a person, at once) is retried: the next
        // attempt sees the winner's case and returns it or names it.
        for _ in 0..3 {
            let mut tx = self.begin_case_write(tenant_id).await?;
            match open_attempt(&mut tx, tenant, &req, actor, now).await? {
                Some(opened) => {
                    if opened.created {
                        tx.commit().await?;
                    } else {
                        tx.rollback().await?;
                    }
                    return Ok(opened);
                }
                None => tx.rollback().await?,
            }
        }
        Err(StoreError::conflict(
            "err-store-case-race",
            &[("debtor", (&req.debtor).into())],
        ))
    }

    /// A transaction that reads and then writes cases. On SQLite it takes the single write
    /// lock first: a transaction that reads first and then writes fails at once ("database is
    /// locked") when another writer committed in between, without waiting for the busy timeout.
    /// The no-op update of the caller's tenant row is the portable way to take that lock. On
    /// PostgreSQL nothing is needed (the conditional updates and unique indexes decide).
    async fn begin_case_write(
        &self,
        tenant_id: &str,
    ) -> Result<sqlx::Transaction<'static, sqlx::Any>, StoreError> {
        let mut tx = self.begin_write().await?;
        if self.backend() == Backend::Sqlite {
            sqlx::query("UPDATE tenants SET name = name WHERE tenant_id = $1")
                .bind(tenant_id)
                .execute(&mut *tx)
                .await?;
        }
        Ok(tx)
    }

    /// The law firms the client is linked to, by name: `(partner id, name)`.
    pub async fn linked_partners(
        &self,
        tenant: &TenantScope,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let mut conn = self.pool().acquire().await?;
        linked_partners_in(&mut conn, tenant.as_str()).await
    }

    /// The client's cases, most recently changed first.
    pub async fn cases_for_client(
        &self,
        tenant: &TenantScope,
        filter: &CaseFilter,
        page: &PageRequest,
    ) -> Result<Page<Case>, StoreError> {
        self.list_cases(CaseParty::Client(tenant), filter, page)
            .await
    }

    /// The cases handed to a partner by every client linked to it, most recently changed first;
    /// each names its creditor.
    pub async fn cases_for_partner(
        &self,
        partner: &TenantScope,
        filter: &CaseFilter,
        page: &PageRequest,
    ) -> Result<Page<Case>, StoreError> {
        self.list_cases(CaseParty::Partner(partner), filter, page)
            .await
    }

    async fn list_cases(
        &self,
        party: CaseParty<'_>,
        filter: &CaseFilter,
        page: &PageRequest,
    ) -> Result<Page<Case>, StoreError> {
        let limit = page_limit(page.limit);
        let order = OrderBy::parse(
            Some(filter.sort.as_deref().unwrap_or("-changed")),
            CASE_SORTS,
            "c.case_id",
        )?;
        let mut sql = cases_where(&format!("SELECT {CASE_COLS}"), party, filter, true)?;
        order.push_after(&mut sql, page.after.as_deref())?;
        order.push_order(&mut sql, limit);
        let rows = sql.fetch(self).await?;
        let mut items = rows.iter().map(case_row).collect::<Result<Vec<_>, _>>()?;
        let next_cursor = if items.len() > limit as usize {
            items.truncate(limit as usize);
            items.last().map(|c| {
                let key = match order.name {
                    "handed" => ts(c.created_at),
                    "amount" => c.total_minor.to_string(),
                    "debtor" => c.debtor_name.clone(),
                    _ => ts(c.updated_at),
                };
                encode_cursor(&[&key, &c.id])
            })
        } else {
            None
        };
        Ok(Page { items, next_cursor })
    }

    /// How many of the party's cases the filter finds in each status (the filter's own status
    /// set aside), for the tabs above a list.
    pub async fn case_counts(
        &self,
        party: CaseParty<'_>,
        filter: &CaseFilter,
    ) -> Result<BTreeMap<CaseStatus, u64>, StoreError> {
        let mut sql = cases_where("SELECT c.status, COUNT(*)", party, filter, false)?;
        sql.push(" GROUP BY c.status");
        let mut counts = BTreeMap::new();
        for r in sql.fetch(self).await? {
            let n: i64 = r.try_get(1)?;
            counts.insert(
                stored_status(&r.try_get::<String, _>(0)?)?,
                u64::try_from(n).unwrap_or(0),
            );
        }
        Ok(counts)
    }

    /// How many cases each creditor handed to the law firm, per status: creditor id → counts.
    pub async fn case_counts_per_creditor(
        &self,
        partner: &TenantScope,
    ) -> Result<BTreeMap<String, BTreeMap<CaseStatus, u64>>, StoreError> {
        let mut sql = cases_where(
            "SELECT c.tenant_id, c.status, COUNT(*)",
            CaseParty::Partner(partner),
            &CaseFilter::default(),
            false,
        )?;
        sql.push(" GROUP BY c.tenant_id, c.status");
        let mut counts: BTreeMap<String, BTreeMap<CaseStatus, u64>> = BTreeMap::new();
        for r in sql.fetch(self).await? {
            let n: i64 = r.try_get(2)?;
            counts.entry(r.try_get(0)?).or_default().insert(
                stored_status(&r.try_get::<String, _>(1)?)?,
                u64::try_from(n).unwrap_or(0),
            );
        }
        Ok(counts)
    }

    /// The client firms that hand cases to a partner: `(tenant id, name)`, by name.
    pub async fn partner_creditors(
        &self,
        partner: &TenantScope,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT t.tenant_id, t.name FROM tenant_partners tp JOIN tenants t ON t.tenant_id = tp.tenant_id \
             WHERE tp.partner_id = $1 ORDER BY t.name, t.tenant_id",
        )
        .bind(partner.as_str())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect()
    }

    /// One case with its snapshots and events, as the party sees it (another party's case is
    /// `NotFound`).
    pub async fn case(
        &self,
        party: CaseParty<'_>,
        case_id: &str,
    ) -> Result<CaseDetail, StoreError> {
        let mut conn = self.pool().acquire().await?;
        let case = load_case(&mut conn, party, case_id).await?;
        let row = sqlx::query(
            "SELECT debtor_json, documents_json, history_json FROM cases WHERE tenant_id = $1 AND case_id = $2",
        )
        .bind(&case.creditor_id)
        .bind(&case.id)
        .fetch_one(&mut *conn)
        .await?;
        let events = sqlx::query(
            "SELECT seq, at, kind, party, actor, status, note, amount_minor, on_day FROM case_events \
             WHERE tenant_id = $1 AND case_id = $2 ORDER BY seq",
        )
        .bind(&case.creditor_id)
        .bind(&case.id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| {
            Ok(CaseEvent {
                seq: r.try_get(0)?,
                at: parse_ts(&r.try_get::<String, _>(1)?)?,
                kind: r.try_get(2)?,
                party: r.try_get(3)?,
                actor: r.try_get(4)?,
                status: stored_status(&r.try_get::<String, _>(5)?)?,
                note: r.try_get(6)?,
                payment: match (
                    r.try_get::<Option<i64>, _>(7)?,
                    r.try_get::<Option<String>, _>(8)?,
                ) {
                    (Some(a), Some(d)) => Some((a, parse_day(&d)?)),
                    _ => None,
                },
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
        let files = sqlx::query(
            "SELECT file_id, name, content_type, size_bytes, party, created_at FROM case_files \
             WHERE tenant_id = $1 AND case_id = $2 ORDER BY created_at, file_id",
        )
        .bind(&case.creditor_id)
        .bind(&case.id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(case_file_row)
        .collect::<Result<Vec<_>, StoreError>>()?;
        drop(conn);
        // The party sees the case, so it may see the rates the case is claimed at.
        let rates = self
            .channel_settings_of(&case.creditor_id)
            .await?
            .letters
            .rates;
        Ok(CaseDetail {
            debtor: serde_json::from_str(&row.try_get::<String, _>(0)?)
                .map_err(|e| corrupt("dłużnik sprawy", e))?,
            documents: serde_json::from_str(&row.try_get::<String, _>(1)?)
                .map_err(|e| corrupt("dokumenty sprawy", e))?,
            history: serde_json::from_str(&row.try_get::<String, _>(2)?)
                .map_err(|e| corrupt("historia sprawy", e))?,
            case,
            events,
            files,
            rates,
        })
    }

    /// The partner accepts or rejects a handed-off case.
    pub async fn partner_decide(
        &self,
        partner: &TenantScope,
        case_id: &str,
        decision: PartnerDecision,
        note: Option<&str>,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Case, StoreError> {
        let to = match decision {
            PartnerDecision::Accept => CaseStatus::Accepted,
            PartnerDecision::Reject => CaseStatus::Rejected,
        };
        self.change_case(
            CaseParty::Partner(partner),
            case_id,
            Some(to),
            note,
            actor,
            now,
            Extra::None,
        )
        .await
    }

    /// The partner moves a case on (see [`CaseStatus::next`]); an illegal move is refused
    /// naming both statuses.
    pub async fn partner_set_status(
        &self,
        partner: &TenantScope,
        case_id: &str,
        status: CaseStatus,
        note: Option<&str>,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Case, StoreError> {
        self.change_case(
            CaseParty::Partner(partner),
            case_id,
            Some(status),
            note,
            actor,
            now,
            Extra::None,
        )
        .await
    }

    /// A note on a case from either side; the status stays.
    pub async fn add_note(
        &self,
        party: CaseParty<'_>,
        case_id: &str,
        note: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Case, StoreError> {
        if note.trim().is_empty() {
            return Err(StoreError::invalid(
                "note",
                "err-store-case-note-empty",
                &[],
            ));
        }
        self.change_case(party, case_id, None, Some(note), actor, now, Extra::None)
            .await
    }

    /// One change of a case (a status, a note, or both) with its event, feed item and audit.
    /// A file attached to a case by either side (checked by the caller with
    /// [`crate::domain::cases::check_file`]), with its event (the file's name as the note), the
    /// agent's feed item and the audit entries.
    pub async fn attach_file(
        &self,
        party: CaseParty<'_>,
        case_id: &str,
        file: &NewCaseFile<'_>,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<CaseFile, StoreError> {
        let id = new_id();
        self.change_case(
            party,
            case_id,
            None,
            Some(file.name),
            actor,
            now,
            Extra::File(&id, file),
        )
        .await?;
        Ok(CaseFile {
            id,
            name: file.name.to_owned(),
            content_type: file.content_type.to_owned(),
            size_bytes: u64::try_from(file.bytes.len()).unwrap_or(u64::MAX),
            party: party.name().to_owned(),
            created_at: now,
        })
    }

    /// A payment the law firm records under a settlement (amount in the case's currency, minor
    /// units; the day it was paid), with an optional note; the status stays. Refused outside
    /// an accepted case (accepted, in court, settlement) or for an amount that is not positive.
    pub async fn record_payment(
        &self,
        partner: &TenantScope,
        case_id: &str,
        (amount_minor, day): (i64, NaiveDate),
        note: Option<&str>,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Case, StoreError> {
        if amount_minor <= 0 {
            return Err(StoreError::invalid(
                "amount",
                "err-store-case-payment-amount",
                &[],
            ));
        }
        if day > now.date_naive() {
            return Err(StoreError::invalid(
                "day",
                "err-store-case-payment-future",
                &[],
            ));
        }
        self.change_case(
            CaseParty::Partner(partner),
            case_id,
            None,
            note,
            actor,
            now,
            Extra::Payment(amount_minor, day),
        )
        .await
    }

    /// One file of a case the party sees, with its content.
    pub async fn case_file(
        &self,
        party: CaseParty<'_>,
        case_id: &str,
        file_id: &str,
    ) -> Result<(CaseFile, Vec<u8>), StoreError> {
        use base64::Engine as _;
        let mut conn = self.pool().acquire().await?;
        let case = load_case(&mut conn, party, case_id).await?;
        let row = sqlx::query(
            "SELECT file_id, name, content_type, size_bytes, party, created_at, content_base64 \
             FROM case_files WHERE tenant_id = $1 AND case_id = $2 AND file_id = $3",
        )
        .bind(&case.creditor_id)
        .bind(&case.id)
        .bind(file_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| StoreError::not_found("err-what-case-file", &[("id", file_id.into())]))?;
        let content = base64::engine::general_purpose::STANDARD
            .decode(row.try_get::<String, _>(6)?)
            .map_err(|e| corrupt("plik sprawy", e))?;
        Ok((case_file_row(&row)?, content))
    }

    #[allow(clippy::too_many_arguments)] // one change of a case, each part of it named
    async fn change_case(
        &self,
        party: CaseParty<'_>,
        case_id: &str,
        to: Option<CaseStatus>,
        note: Option<&str>,
        actor: &str,
        now: DateTime<Utc>,
        extra: Extra<'_>,
    ) -> Result<Case, StoreError> {
        let note = clean_note(note)?;
        let mut tx = self.begin_case_write(party_id(party)).await?;
        let before = load_case(&mut tx, party, case_id).await?;
        if let Some(to) = to {
            before.status.check_move(to)?;
        }
        if matches!(extra, Extra::Payment(..)) && !before.status.takes_payments() {
            return Err(StoreError::invalid(
                "status",
                "err-store-case-payment-status",
                &[("status", before.status.as_str().into())],
            ));
        }
        let status = to.unwrap_or(before.status);
        // Conditional on the status read above: a concurrent change in between makes this
        // update miss, and the caller is told rather than overwriting it.
        let seq: Option<i64> = sqlx::query(
            "UPDATE cases SET status = $3, updated_at = $4, last_seq = last_seq + 1 \
             WHERE tenant_id = $1 AND case_id = $2 AND status = $5 RETURNING last_seq",
        )
        .bind(&before.creditor_id)
        .bind(&before.id)
        .bind(status.as_str())
        .bind(ts(now))
        .bind(before.status.as_str())
        .fetch_optional(&mut *tx)
        .await?
        .map(|r| r.try_get(0))
        .transpose()?;
        let Some(seq) = seq else {
            return Err(StoreError::conflict(
                "err-store-case-changed",
                &[("case", case_id.into())],
            ));
        };
        if !status.is_open() && before.status.is_open() {
            // A rejected or closed case lets its documents go: they may be handed off again.
            sqlx::query(
                "UPDATE case_documents SET is_open = 0 WHERE tenant_id = $1 AND case_id = $2",
            )
            .bind(&before.creditor_id)
            .bind(&before.id)
            .execute(&mut *tx)
            .await?;
        }
        if let Extra::File(id, f) = extra {
            insert_file(&mut tx, &before, id, f, (party.name(), actor), now).await?;
        }
        let (kind, payment) = match (to, extra) {
            (Some(_), _) => ("status", None),
            (None, Extra::File(..)) => ("file", None),
            (None, Extra::Payment(amount, day)) => ("payment", Some((amount, day))),
            (None, Extra::None) => ("note", None),
        };
        let who = match party {
            CaseParty::Client(_) => client_side_party(actor),
            CaseParty::Partner(_) => party.name(),
        };
        insert_event(
            &mut tx,
            &before.creditor_id,
            &before.id,
            seq,
            now,
            (kind, who, actor),
            status,
            (note.as_deref(), payment),
        )
        .await?;
        // The ERP learns a payment as a note in Polish, the agent's language.
        let feed_note = match payment {
            Some((amount, day)) => {
                Some(payment_note(amount, &before.currency, day, note.as_deref()))
            }
            None => note.clone(),
        };
        let case = Case {
            status,
            updated_at: now,
            ..before.clone()
        };
        append_result_in(
            &mut tx,
            &case.creditor_id,
            &case.agent_id,
            now,
            &feed_event(&case, feed_note.as_deref())?,
        )
        .await?;
        let details = match (&to, &feed_note) {
            (Some(_), Some(n)) => format!("{} → {}: {n}", before.status, status),
            (Some(_), None) => format!("{} → {}", before.status, status),
            (None, Some(n)) => n.clone(),
            (None, None) => String::new(),
        };
        audit_change(&mut tx, party, actor, &case, kind, &details, now).await?;
        tx.commit().await?;
        Ok(case)
    }
}

/// [`NewCase`] checked and trimmed.
struct OpenRequest {
    agent: String,
    debtor: String,
    documents: Vec<String>,
    partner: Option<String>,
    action_id: Option<String>,
    note: Option<String>,
}

impl OpenRequest {
    fn check(new: &NewCase) -> Result<OpenRequest, StoreError> {
        let required = |v: &str, field: &str, message: &str| {
            let v = v.trim();
            if v.is_empty() {
                Err(StoreError::invalid(field, message, &[]))
            } else {
                Ok(v.to_owned())
            }
        };
        let agent = required(&new.agent_id, "agent_id", "err-store-case-agent-required")?;
        let debtor = required(
            &new.debtor_external_id,
            "debtor_external_id",
            "err-store-case-debtor-required",
        )?;
        let documents: BTreeSet<String> = new
            .document_external_ids
            .iter()
            .map(|d| d.trim().to_owned())
            .filter(|d| !d.is_empty())
            .collect();
        if documents.is_empty() {
            return Err(StoreError::invalid(
                "document_external_ids",
                "err-store-case-documents-required",
                &[],
            ));
        }
        let partner = new
            .partner
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_owned);
        let action_id = new
            .action_id
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(str::to_owned);
        Ok(OpenRequest {
            agent,
            debtor,
            documents: documents.into_iter().collect(),
            partner,
            action_id,
            note: clean_note(new.note.as_deref())?,
        })
    }
}

/// The audit entries of one change of a case: the creditor's, and the law firm's when it acted.
async fn audit_change(
    conn: &mut AnyConnection,
    party: CaseParty<'_>,
    actor: &str,
    case: &Case,
    kind: &str,
    details: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let action = match kind {
        "status" => "case.status",
        "file" => "case.file",
        "payment" => "case.payment",
        _ => "case.note",
    };
    audit_in(
        conn,
        &case.creditor_id,
        actor,
        action,
        &case.id,
        details,
        now,
    )
    .await?;
    if let CaseParty::Partner(p) = party {
        audit_in(conn, p.as_str(), actor, action, &case.id, details, now).await?;
    }
    Ok(())
}

/// A payment under a settlement as the creditor's ERP reads it (Polish, the agent's language).
fn payment_note(amount: i64, currency: &str, day: NaiveDate, note: Option<&str>) -> String {
    let text = i18n::text_with(
        inkaso_shared::Lang::Pl,
        "record-case-payment",
        &[
            (
                "amount",
                i18n::Arg::Text(format!(
                    "{} {currency}",
                    Money::new(amount, currency.parse().unwrap_or(Currency::PLN)).format_plain()
                )),
            ),
            ("day", i18n::Arg::Text(day.to_string())),
        ],
    );
    match note {
        Some(n) => format!("{text} — {n}"),
        None => text,
    }
}

/// Stores a file of a case inside the caller's transaction.
async fn insert_file(
    conn: &mut AnyConnection,
    case: &Case,
    id: &str,
    f: &NewCaseFile<'_>,
    (party, actor): (&str, &str),
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    use base64::Engine as _;
    sqlx::query(
        "INSERT INTO case_files (tenant_id, case_id, file_id, name, content_type, size_bytes, \
         party, actor, created_at, content_base64) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&case.creditor_id)
    .bind(&case.id)
    .bind(id)
    .bind(f.name)
    .bind(f.content_type)
    .bind(i64::try_from(f.bytes.len()).unwrap_or(i64::MAX))
    .bind(party)
    .bind(actor)
    .bind(ts(now))
    .bind(base64::engine::general_purpose::STANDARD.encode(f.bytes))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[allow(clippy::too_many_arguments)] // one row's columns; a struct would only rename them
async fn insert_event(
    conn: &mut AnyConnection,
    tenant_id: &str,
    case_id: &str,
    seq: i64,
    at: DateTime<Utc>,
    (kind, party, actor): (&str, &str, &str),
    status: CaseStatus,
    (note, payment): (Option<&str>, Option<(i64, NaiveDate)>),
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO case_events (tenant_id, case_id, seq, at, kind, party, actor, status, note, \
         amount_minor, on_day) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(tenant_id)
    .bind(case_id)
    .bind(seq)
    .bind(ts(at))
    .bind(kind)
    .bind(party)
    .bind(actor)
    .bind(status.as_str())
    .bind(note)
    .bind(payment.map(|(a, _)| a))
    .bind(payment.map(|(_, d)| d.to_string()))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The law firms a client is linked to, by name: `(partner id, name)`.
async fn linked_partners_in(
    conn: &mut AnyConnection,
    tenant_id: &str,
) -> Result<Vec<(String, String)>, StoreError> {
    let rows = sqlx::query(
        "SELECT tp.partner_id, t.name FROM tenant_partners tp JOIN tenants t ON t.tenant_id = tp.partner_id \
         WHERE tp.tenant_id = $1 ORDER BY t.name, tp.partner_id",
    )
    .bind(tenant_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get::<String, _>(0)?, r.try_get::<String, _>(1)?)))
        .collect()
}

/// The partner a hand-off goes to: the one named (it must be linked to the client), else the
/// client's only linked partner. Returns its id and name.
async fn resolve_partner(
    conn: &mut AnyConnection,
    tenant_id: &str,
    wanted: Option<&str>,
) -> Result<(String, String), StoreError> {
    let linked = linked_partners_in(conn, tenant_id).await?;
    let list = || {
        linked
            .iter()
            .map(|(id, name)| format!("{name} ({id})"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match (wanted, linked.as_slice()) {
        (Some(w), _) => linked
            .iter()
            .find(|(id, _)| id == w)
            .cloned()
            .ok_or_else(|| {
                if linked.is_empty() {
                    StoreError::invalid(
                        "partner",
                        "err-store-case-partner-not-linked-none",
                        &[("partner", w.into())],
                    )
                } else {
                    StoreError::invalid(
                        "partner",
                        "err-store-case-partner-not-linked",
                        &[("partner", w.into()), ("linked", list().into())],
                    )
                }
            }),
        (None, [one]) => Ok(one.clone()),
        (None, []) => Err(StoreError::invalid(
            "partner",
            "err-store-case-no-partner",
            &[],
        )),
        (None, _) => Err(StoreError::invalid(
            "partner",
            "err-store-case-several-partners",
            &[("linked", list().into())],
        )),
    }
}

/// One attempt at opening a case inside `conn`'s transaction; writes nothing unless it returns
/// a new case. `None`: another writer took the action id or a document between our read and
/// our insert (the caller rolls back and tries again).
async fn open_attempt(
    conn: &mut AnyConnection,
    tenant: &TenantScope,
    req: &OpenRequest,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Option<OpenedCase>, StoreError> {
    let tenant_id = tenant.as_str();
    let existing = |case: Case| {
        Ok(Some(OpenedCase {
            case,
            created: false,
        }))
    };
    // The engine retrying the same action gets the same case, whatever happened since.
    if let Some(action_id) = &req.action_id {
        let row = sqlx::query("SELECT case_id FROM cases WHERE tenant_id = $1 AND action_id = $2")
            .bind(tenant_id)
            .bind(action_id)
            .fetch_optional(&mut *conn)
            .await?;
        if let Some(r) = row {
            let id: String = r.try_get(0)?;
            return existing(load_case(conn, CaseParty::Client(tenant), &id).await?);
        }
    }
    let snapshot = debtor_snapshot(conn, tenant_id, req).await?;
    let documents = open_documents(conn, tenant_id, req).await?;
    let open_ids: Vec<&str> = documents.iter().map(|d| d.external_id.as_str()).collect();
    if let Some(id) = case_holding(conn, tenant_id, &req.agent, &open_ids).await? {
        return existing(load_case(conn, CaseParty::Client(tenant), &id).await?);
    }
    let (partner_id, partner_name) =
        resolve_partner(conn, tenant_id, req.partner.as_deref()).await?;
    let history = history(conn, tenant_id, &req.agent, &req.debtor).await?;
    let currency = documents
        .first()
        .map(|d| d.currency.clone())
        .unwrap_or_default();
    // Amounts come from the agent: a sum past i64 is a clear refusal, never a wrap.
    let total_minor = documents
        .iter()
        .try_fold(0_i64, |sum, d| sum.checked_add(d.remaining_minor))
        .ok_or_else(|| StoreError::invalid("documents", "err-store-case-total-overflow", &[]))?;
    let case_id = new_id();

    // Keyed on the action: a concurrent open of the same action inserts nothing here.
    let inserted = sqlx::query(
        "INSERT INTO cases (tenant_id, case_id, partner_id, agent_id, debtor_external_id, debtor_name, debtor_json, \
         documents_json, history_json, total_minor, currency, status, action_id, last_seq, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1, $14, $14) \
         ON CONFLICT (tenant_id, action_id) DO NOTHING",
    )
    .bind(tenant_id)
    .bind(&case_id)
    .bind(&partner_id)
    .bind(&req.agent)
    .bind(&req.debtor)
    .bind(&snapshot.name)
    .bind(to_json(&snapshot)?)
    .bind(to_json(&documents)?)
    .bind(to_json(&history)?)
    .bind(total_minor)
    .bind(&currency)
    .bind(CaseStatus::HandedOff.as_str())
    .bind(req.action_id.as_deref())
    .bind(ts(now))
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if inserted == 0 {
        return Ok(None);
    }
    for d in &open_ids {
        let claimed = sqlx::query(
            "INSERT INTO case_documents (tenant_id, case_id, agent_id, document_external_id, is_open) \
             VALUES ($1, $2, $3, $4, 1) ON CONFLICT (tenant_id, agent_id, document_external_id) WHERE is_open = 1 DO NOTHING",
        )
        .bind(tenant_id)
        .bind(&case_id)
        .bind(&req.agent)
        .bind(*d)
        .execute(&mut *conn)
        .await?
        .rows_affected();
        if claimed == 0 {
            return Ok(None);
        }
    }
    let case = load_case(conn, CaseParty::Client(tenant), &case_id).await?;
    announce_opening(conn, &case, &partner_name, req.note.as_deref(), actor, now).await?;
    Ok(Some(OpenedCase {
        case,
        created: true,
    }))
}

/// The opening's event, feed item (to the debtor's agent) and audit entries (the client's and
/// the partner's).
async fn announce_opening(
    conn: &mut AnyConnection,
    case: &Case,
    partner_name: &str,
    note: Option<&str>,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    insert_event(
        conn,
        &case.creditor_id,
        &case.id,
        1,
        now,
        ("opened", client_side_party(actor), actor),
        CaseStatus::HandedOff,
        (note, None),
    )
    .await?;
    append_result_in(
        conn,
        &case.creditor_id,
        &case.agent_id,
        now,
        &feed_event(case, note)?,
    )
    .await?;
    let details = format!(
        "{partner_name}: {} ({}), dokumenty {}, razem {} {}",
        case.debtor_name,
        case.debtor_external_id,
        case.document_external_ids.join(", "),
        case.total_minor,
        case.currency,
    );
    audit_in(
        conn,
        &case.creditor_id,
        actor,
        "case.open",
        &case.id,
        &details,
        now,
    )
    .await?;
    audit_in(
        conn,
        &case.partner_id,
        actor,
        "case.received",
        &case.id,
        &format!("{}: {details}", case.creditor_name),
        now,
    )
    .await
}

/// The open case that already holds all of `open_ids` (the same hand-off again), if any.
/// Refuses documents that sit in open cases only in part, naming the cases.
async fn case_holding(
    conn: &mut AnyConnection,
    tenant_id: &str,
    agent_id: &str,
    open_ids: &[&str],
) -> Result<Option<String>, StoreError> {
    let sql = format!(
        "SELECT case_id, document_external_id FROM case_documents WHERE tenant_id = $1 AND agent_id = $2 \
         AND is_open = 1 AND document_external_id IN ({})",
        list_placeholders(open_ids.len(), 2)
    );
    let mut q = sqlx::query(AssertSqlSafe(sql))
        .bind(tenant_id)
        .bind(agent_id);
    for id in open_ids {
        q = q.bind(*id);
    }
    let mut held: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in q.fetch_all(&mut *conn).await? {
        held.entry(r.try_get(0)?).or_default().push(r.try_get(1)?);
    }
    let Some((case_id, docs)) = held.iter().next() else {
        return Ok(None);
    };
    if held.len() == 1 && docs.len() == open_ids.len() {
        return Ok(Some(case_id.clone()));
    }
    let list = |lang| {
        held.iter()
            .map(|(c, d)| {
                i18n::text_with(
                    lang,
                    "err-store-case-held-documents",
                    &[("documents", d.join(", ").into()), ("case", c.into())],
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    Err(Invalid::of(
        "document_external_ids",
        &Bilingual::each(|lang| {
            i18n::text_with(
                lang,
                "err-store-case-documents-held",
                &[("held", list(lang).into())],
            )
        }),
    )
    .into())
}

/// The debtor as it is now: its record, contacts and (for a company) the VAT register's address.
async fn debtor_snapshot(
    conn: &mut AnyConnection,
    tenant_id: &str,
    req: &OpenRequest,
) -> Result<DebtorSnapshot, StoreError> {
    let debtor = sqlx::query(
        "SELECT debtor_id, kind, name, nip, address_json FROM debtors WHERE tenant_id = $1 AND agent_id = $2 AND external_id = $3",
    )
    .bind(tenant_id)
    .bind(&req.agent)
    .bind(&req.debtor)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| {
        StoreError::invalid(
            "debtor_external_id",
            "err-store-case-unknown-debtor",
            &[("agent", (&req.agent).into()), ("debtor", (&req.debtor).into())],
        )
    })?;
    let debtor_id: String = debtor.try_get(0)?;
    let nip: Option<String> = debtor.try_get(3)?;
    Ok(DebtorSnapshot {
        kind: debtor.try_get(1)?,
        name: debtor.try_get(2)?,
        address: debtor
            .try_get::<Option<String>, _>(4)?
            .map(|a| serde_json::from_str(&a).map_err(|e| corrupt("adres dłużnika", e)))
            .transpose()?,
        register_address: register_address(conn, tenant_id, nip.as_deref()).await?,
        contacts: contacts(conn, tenant_id, &debtor_id).await?,
        nip,
    })
}

/// The open documents among those requested, by due date. Refuses a key that is not the
/// debtor's, a request where nothing is open any more, and mixed currencies.
async fn open_documents(
    conn: &mut AnyConnection,
    tenant_id: &str,
    req: &OpenRequest,
) -> Result<Vec<DocumentSnapshot>, StoreError> {
    let sql = format!(
        "SELECT external_id, number, issue_date, due_date, amount_minor, remaining_minor, currency, status \
         FROM documents WHERE tenant_id = $1 AND agent_id = $2 AND debtor_external_id = $3 AND external_id IN ({}) \
         ORDER BY due_date, external_id",
        list_placeholders(req.documents.len(), 3)
    );
    let mut q = sqlx::query(AssertSqlSafe(sql))
        .bind(tenant_id)
        .bind(&req.agent)
        .bind(&req.debtor);
    for d in &req.documents {
        q = q.bind(d);
    }
    let rows = q.fetch_all(&mut *conn).await?;
    let mut seen = BTreeSet::new();
    let mut open = Vec::new();
    for r in &rows {
        let external_id: String = r.try_get(0)?;
        seen.insert(external_id.clone());
        if r.try_get::<String, _>(7)? != "open" {
            continue;
        }
        open.push(DocumentSnapshot {
            external_id,
            number: r.try_get(1)?,
            issue_date: r
                .try_get::<Option<String>, _>(2)?
                .map(|d| parse_day(&d))
                .transpose()?,
            due_date: parse_day(&r.try_get::<String, _>(3)?)?,
            amount_minor: r.try_get(4)?,
            remaining_minor: r.try_get(5)?,
            currency: r.try_get(6)?,
        });
    }
    let unknown: Vec<&str> = req
        .documents
        .iter()
        .filter(|d| !seen.contains(*d))
        .map(String::as_str)
        .collect();
    if !unknown.is_empty() {
        let u = unknown.join(", ");
        return Err(StoreError::invalid(
            "document_external_ids",
            "err-store-case-unknown-documents",
            &[("debtor", (&req.debtor).into()), ("documents", u.into())],
        ));
    }
    if open.is_empty() {
        return Err(StoreError::invalid(
            "document_external_ids",
            "err-store-case-nothing-open",
            &[],
        ));
    }
    let currencies: BTreeSet<&str> = open.iter().map(|d| d.currency.as_str()).collect();
    if currencies.len() > 1 {
        let c = currencies.into_iter().collect::<Vec<_>>().join(", ");
        return Err(StoreError::invalid(
            "document_external_ids",
            "err-store-case-currencies",
            &[("currencies", c.into())],
        ));
    }
    Ok(open)
}

/// A company's address from the cached VAT register answer, when there is one.
async fn register_address(
    conn: &mut AnyConnection,
    tenant_id: &str,
    nip: Option<&str>,
) -> Result<Option<String>, StoreError> {
    let Some(nip) = nip else {
        return Ok(None);
    };
    let row = sqlx::query(
        "SELECT address FROM companies WHERE tenant_id = $1 AND nip = $2 AND status = 'found'",
    )
    .bind(tenant_id)
    .bind(nip)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(match row {
        Some(r) => r.try_get(0)?,
        None => None,
    })
}

async fn contacts(
    conn: &mut AnyConnection,
    tenant_id: &str,
    debtor_id: &str,
) -> Result<Vec<ContactSnapshot>, StoreError> {
    sqlx::query(
        "SELECT channel, value FROM contacts WHERE tenant_id = $1 AND debtor_id = $2 ORDER BY channel",
    )
    .bind(tenant_id)
    .bind(debtor_id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        Ok(ContactSnapshot {
            channel: r.try_get(0)?,
            value: r.try_get(1)?,
        })
    })
    .collect()
}

/// Every action of the debtor, oldest first.
async fn history(
    conn: &mut AnyConnection,
    tenant_id: &str,
    agent_id: &str,
    debtor: &str,
) -> Result<Vec<HistorySnapshot>, StoreError> {
    let rows = sqlx::query(
        "SELECT action_id, created_at, done_at, process_code, stage_code, channel, status, documents_json, \
         description, reason, manual, provider_id FROM actions \
         WHERE tenant_id = $1 AND agent_id = $2 AND debtor_external_id = $3 ORDER BY created_at, action_id",
    )
    .bind(tenant_id)
    .bind(agent_id)
    .bind(debtor)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            let covered: Vec<CoveredDocument> = serde_json::from_str(&r.try_get::<String, _>(7)?)
                .map_err(|e| corrupt("dokumenty akcji", e))?;
            let done: Option<String> = r.try_get(2)?;
            Ok(HistorySnapshot {
                action_id: r.try_get(0)?,
                at: parse_ts(&done.map_or_else(|| r.try_get::<String, _>(1), Ok)?)?,
                process: r.try_get(3)?,
                stage: r.try_get(4)?,
                channel: r.try_get(5)?,
                status: r.try_get(6)?,
                document_external_ids: covered
                    .into_iter()
                    .map(|c| c.document.as_str().to_owned())
                    .collect(),
                description: r.try_get(8)?,
                reason: r.try_get(9)?,
                automatic: r.try_get::<i64, _>(10)? == 0,
                provider_id: r.try_get(11)?,
            })
        })
        .collect()
}
