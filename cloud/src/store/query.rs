//! The client API's reads (debtors, documents, payment events, agents' health) and the
//! exclusions kept in the cloud.
//!
//! Lists use keyset pagination over a stable, unique sort key (the sort column plus the row's
//! id), so pages neither repeat nor skip rows when rows are added between requests. The cursor is
//! the last row's key, hex-encoded so clients treat it as opaque.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use inkaso_shared::protocol::Exclusions;
use inkaso_shared::{Currency, Nip};
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};
use std::fmt::Write as _;

use super::{Store, StoreError, day, new_id, parse_day, parse_ts, to_u64, ts};
use crate::domain::Invalid;
use crate::domain::ids::AgentId;
use crate::store::TenantScope;

/// Largest page of the client API.
pub const MAX_PAGE: u32 = 500;
/// Page size when none is asked for.
pub const DEFAULT_PAGE: u32 = 50;

/// One page of a list.
#[derive(Debug, Clone)]
pub struct Page<T> {
    /// The rows, in the list's order.
    pub items: Vec<T>,
    /// Pass as `after` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

enum Arg {
    Text(String),
    Int(i64),
}

/// A statement with numbered placeholders built as conditions are added.
pub(crate) struct Sql {
    text: String,
    args: Vec<Arg>,
}

impl Sql {
    pub(crate) fn new(text: &str) -> Sql {
        Sql {
            text: text.to_owned(),
            args: Vec::new(),
        }
    }
    pub(crate) fn text(&mut self, a: impl Into<String>) -> String {
        self.args.push(Arg::Text(a.into()));
        format!("${}", self.args.len())
    }
    pub(crate) fn int(&mut self, a: i64) -> String {
        self.args.push(Arg::Int(a));
        format!("${}", self.args.len())
    }
    pub(crate) fn push(&mut self, s: &str) {
        self.text.push_str(s);
    }
    pub(crate) async fn fetch(self, store: &Store) -> Result<Vec<AnyRow>, StoreError> {
        let mut q = sqlx::query(AssertSqlSafe(self.text));
        for a in self.args {
            q = match a {
                Arg::Text(t) => q.bind(t),
                Arg::Int(i) => q.bind(i),
            };
        }
        Ok(q.fetch_all(store.pool()).await?)
    }
}

pub(crate) fn encode_cursor(parts: &[&str]) -> String {
    hex::encode(parts.join("\u{1f}"))
}

pub(crate) fn decode_cursor(text: &str, n: usize) -> Result<Vec<String>, StoreError> {
    let bad = || StoreError::invalid("after", "err-store-cursor", &[]);
    let bytes = hex::decode(text.trim()).map_err(|_| bad())?;
    let s = String::from_utf8(bytes).map_err(|_| bad())?;
    let parts: Vec<String> = s.split('\u{1f}').map(str::to_owned).collect();
    if parts.len() == n {
        Ok(parts)
    } else {
        Err(bad())
    }
}

pub(crate) fn page_limit(limit: Option<u32>) -> u32 {
    limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE)
}

/// A list's order: a key (an SQL expression over the row), the row's id to break ties, and a
/// direction. Keyset pages follow it whichever way it goes.
pub(crate) struct OrderBy {
    /// The key's name in the address (`due`, `remaining`).
    pub(crate) name: &'static str,
    key: &'static str,
    id: &'static str,
    desc: bool,
    /// The key is a number (bound and compared as one), else text.
    pub(crate) numeric: bool,
}

impl OrderBy {
    /// Parses `sort` (`name`, `-name`: the minus for descending) against a list's keys
    /// `(name, expression, numeric)`; none asked for is the first key ascending.
    pub(crate) fn parse(
        sort: Option<&str>,
        keys: &[(&'static str, &'static str, bool)],
        id: &'static str,
    ) -> Result<OrderBy, StoreError> {
        let sort = sort.map(str::trim).filter(|s| !s.is_empty());
        let (desc, name) = match sort {
            Some(s) => s.strip_prefix('-').map_or((false, s), |n| (true, n)),
            None => (false, keys[0].0),
        };
        let Some(&(name, key, numeric)) = keys.iter().find(|k| k.0 == name) else {
            let known: Vec<&str> = keys.iter().map(|k| k.0).collect();
            return Err(StoreError::invalid(
                "sort",
                "err-store-sort-unknown",
                &[("sort", name.into()), ("known", known.join(", ").into())],
            ));
        };
        Ok(OrderBy {
            name,
            key,
            id,
            desc,
            numeric,
        })
    }

    /// The condition that starts the page after `after`'s row.
    pub(crate) fn push_after(&self, sql: &mut Sql, after: Option<&str>) -> Result<(), StoreError> {
        let Some(after) = after.map(str::trim).filter(|a| !a.is_empty()) else {
            return Ok(());
        };
        let parts = decode_cursor(after, 2)?;
        let v = if self.numeric {
            let n = parts[0]
                .parse()
                .map_err(|_| StoreError::invalid("after", "err-store-cursor", &[]))?;
            sql.int(n)
        } else {
            sql.text(parts[0].clone())
        };
        let i = sql.text(parts[1].clone());
        let (k, id, cmp) = (self.key, self.id, if self.desc { "<" } else { ">" });
        sql.push(&format!(
            " AND ({k} {cmp} {v} OR ({k} = {v} AND {id} {cmp} {i}))"
        ));
        Ok(())
    }

    /// `ORDER BY … LIMIT` one row past the page, which tells whether another page follows.
    pub(crate) fn push_order(&self, sql: &mut Sql, limit: u32) {
        let dir = if self.desc { "DESC" } else { "ASC" };
        let l = sql.int(i64::from(limit) + 1);
        sql.push(&format!(
            " ORDER BY {k} {dir}, {id} {dir} LIMIT {l}",
            k = self.key,
            id = self.id
        ));
    }
}

/// The keys the debtor list sorts by: `(name in the address, expression, numeric)`.
const DEBTOR_SORTS: &[(&str, &str, bool)] = &[
    ("name", "d.name", false),
    ("open_documents", OPEN_DOCUMENTS, true),
];

/// The keys the document list sorts by.
const DOCUMENT_SORTS: &[(&str, &str, bool)] = &[
    ("due", "due_date", false),
    ("remaining", "remaining_minor", true),
    ("number", "number", false),
];

/// Counts a list's rows for "1–50 of N": the list's own statement, counted.
pub(crate) async fn count_rows(store: &Store, sql: Sql) -> Result<u64, StoreError> {
    let rows = sql.fetch(store).await?;
    let n: i64 = rows.first().map(|r| r.try_get(0)).transpose()?.unwrap_or(0);
    Ok(to_u64(n))
}

/// Filters of `GET /api/v1/debtors`.
#[derive(Debug, Clone, Default)]
pub struct DebtorFilter {
    /// Part of the name or an e-mail (case-insensitive), or a NIP or the end of a phone number.
    pub q: Option<String>,
    /// Exact NIP.
    pub nip: Option<String>,
    /// `company` or `person`.
    pub kind: Option<String>,
    /// Only debtors with (true) or without (false) open documents.
    pub has_open: Option<bool>,
    /// Only debtors with (true) or without (false) an open document past its due date on
    /// `today`.
    pub overdue: Option<bool>,
    /// Only debtors whose collection is (true) or is not (false) paused on `today` (a pause of
    /// the debtor or of one of its documents, not lifted, not ended).
    pub paused: Option<bool>,
    /// Only debtors with this legal status (`active`, `deceased`, `bankrupt`).
    pub legal_status: Option<String>,
    /// Only debtors this process applies to (their own, a group rule's or the default, as the
    /// engine assigns it).
    pub process: Option<String>,
    /// The day `overdue` and `paused` are judged on (the caller's today).
    pub today: Option<NaiveDate>,
    /// Also debtors the agent removed.
    pub include_removed: Option<bool>,
    /// `name` (default) or `open_documents`; a leading `-` sorts descending.
    pub sort: Option<String>,
    /// Cursor from the previous page.
    pub after: Option<String>,
    /// Page size (1..=500, default 50).
    pub limit: Option<u32>,
}

/// A debtor in a list.
#[derive(Debug, Clone)]
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

/// A debtor as a page links to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DebtorLink {
    /// The cloud's id (the page's address).
    pub id: String,
    /// Name.
    pub name: String,
}

/// A contact with its consent.
#[derive(Debug, Clone)]
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

/// Company data from the VAT register.
#[derive(Debug, Clone)]
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
    /// The REGON register's lookup: `pending`, `found`, `not_found`, `error`.
    pub regon_status: String,
    /// The dominant PKD code from the REGON register (`6201Z`).
    pub pkd: Option<String>,
    /// That code's PKD section.
    pub sector: Option<char>,
}

/// A debtor with contacts, documents and company data.
#[derive(Debug, Clone)]
pub struct DebtorDetail {
    /// The debtor.
    pub debtor: DebtorView,
    /// A person's postal address.
    pub address: Option<serde_json::Value>,
    /// Contacts per channel.
    pub contacts: Vec<ContactView>,
    /// All its documents, open first, by due date.
    pub documents: Vec<DocumentView>,
    /// From the VAT register, for companies.
    pub company: Option<CompanyView>,
}

/// Filters of `GET /api/v1/documents`.
#[derive(Debug, Clone, Default)]
pub struct DocumentFilter {
    /// `open` or `closed`.
    pub status: Option<String>,
    /// The debtor's cloud id.
    pub debtor_id: Option<String>,
    /// At least this many days overdue (open documents), 0…36 500.
    pub min_days_overdue: Option<i64>,
    /// At most this many days overdue, 0…36 500.
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
    pub limit: Option<u32>,
}

/// A document.
#[derive(Debug, Clone)]
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

/// Filters of `GET /api/v1/payments`.
#[derive(Debug, Clone, Default)]
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
    pub limit: Option<u32>,
}

/// A payment: a decrease of a document's remaining amount, or its close as paid.
#[derive(Debug, Clone)]
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

/// An agent's health.
#[derive(Debug, Clone)]
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

/// An exclusion kept in the cloud.
#[derive(Debug, Clone)]
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

/// A new exclusion.
#[derive(Debug, Clone)]
pub struct NewExclusion {
    /// `debtor_external_id`, `nip`, `document_number_prefix` or `min_remaining`.
    pub kind: String,
    /// The key, NIP, prefix or currency.
    pub value: String,
    /// For `min_remaining`.
    pub amount_minor: Option<i64>,
}

/// A consent decision about one contact.
#[derive(Debug, Clone, Copy)]
pub struct ConsentChange<'a> {
    /// `sms` or `email`.
    pub channel: &'a str,
    /// Given or refused.
    pub consent: bool,
    /// Where it comes from.
    pub source: &'a str,
    /// Who records it.
    pub actor: &'a str,
    /// The legal basis it rests on, when recorded.
    pub basis: Option<&'a str>,
}

fn opt_ts(v: Option<&str>) -> Result<Option<DateTime<Utc>>, StoreError> {
    v.map(parse_ts).transpose()
}

fn opt_day(v: Option<&str>) -> Result<Option<NaiveDate>, StoreError> {
    v.map(parse_day).transpose()
}

const DOC_COLS: &str = "document_id, agent_id, external_id, debtor_external_id, number, issue_date, due_date, amount_minor, \
                        remaining_minor, currency, status, close_reason, closed_on";

fn doc_view(r: &AnyRow, today: NaiveDate) -> Result<DocumentView, StoreError> {
    let due = parse_day(&r.try_get::<String, _>(6)?)?;
    let status: String = r.try_get(10)?;
    Ok(DocumentView {
        id: r.try_get(0)?,
        agent_id: r.try_get(1)?,
        external_id: r.try_get(2)?,
        debtor_external_id: r.try_get(3)?,
        number: r.try_get(4)?,
        issue_date: opt_day(r.try_get::<Option<String>, _>(5)?.as_deref())?,
        due_date: due,
        amount_minor: r.try_get(7)?,
        remaining_minor: r.try_get(8)?,
        currency: r.try_get(9)?,
        days_overdue: if status == "open" {
            (today - due).num_days().max(0)
        } else {
            0
        },
        status,
        close_reason: r.try_get(11)?,
        closed_on: opt_day(r.try_get::<Option<String>, _>(12)?.as_deref())?,
    })
}

/// A debtor's open documents, counted (a macro so `concat!` can build the column list).
macro_rules! open_documents {
    () => {
        "(SELECT COUNT(*) FROM documents o WHERE o.tenant_id = d.tenant_id AND o.agent_id = d.agent_id \
         AND o.debtor_external_id = d.external_id AND o.status = 'open')"
    };
}
const OPEN_DOCUMENTS: &str = open_documents!();

const DEBTOR_COLS: &str = concat!(
    "d.debtor_id, d.agent_id, d.external_id, d.kind, d.name, d.nip, d.removed, d.updated_at, ",
    open_documents!()
);

/// The debtor list's filters on its collection state today: overdue documents, a pause, the
/// legal status.
fn push_state_filters(sql: &mut Sql, f: &DebtorFilter) -> Result<(), StoreError> {
    let today = f.today.map(|d| d.to_string()).unwrap_or_default();
    if today.is_empty() && (f.overdue.is_some() || f.paused.is_some()) {
        return Err(StoreError::invalid(
            "today",
            "err-store-filter-needs-day",
            &[],
        ));
    }
    if let Some(overdue) = f.overdue {
        let t = sql.text(today.clone());
        sql.push(if overdue {
            " AND EXISTS"
        } else {
            " AND NOT EXISTS"
        });
        sql.push(&format!(
            " (SELECT 1 FROM documents o WHERE o.tenant_id = d.tenant_id AND o.agent_id = d.agent_id \
             AND o.debtor_external_id = d.external_id AND o.status = 'open' AND o.due_date < {t})"
        ));
    }
    if let Some(paused) = f.paused {
        let t = sql.text(today);
        sql.push(if paused {
            " AND EXISTS"
        } else {
            " AND NOT EXISTS"
        });
        sql.push(&format!(
            " (SELECT 1 FROM collection_pauses p WHERE p.tenant_id = d.tenant_id AND p.agent_id = d.agent_id \
             AND p.debtor_external_id = d.external_id AND p.lifted_at IS NULL \
             AND (p.until_day IS NULL OR p.until_day >= {t}))"
        ));
    }
    if let Some(status) = f.legal_status.as_deref() {
        if !["active", "deceased", "bankrupt"].contains(&status) {
            return Err(StoreError::invalid(
                "legal_status",
                "err-store-legal-status-unknown",
                &[("status", status.into())],
            ));
        }
        let p = sql.text(status);
        // A debtor without a collection row is active.
        sql.push(&format!(
            " AND COALESCE((SELECT c.legal_status FROM debtor_collection c WHERE c.tenant_id = d.tenant_id \
             AND c.agent_id = d.agent_id AND c.debtor_external_id = d.external_id), 'active') = {p}"
        ));
    }
    Ok(())
}

/// Only debtors `code` applies to: the engine's assignment ([`assign`]) written as one SQL
/// `CASE` — the debtor's own process if it exists, else the first matching group rule whose
/// process exists, else the default — so the list pages and counts in the database. The
/// integration tests hold it to [`assign`] on both engines.
///
/// [`assign`]: crate::process::model::assign
fn push_process_filter(
    sql: &mut Sql,
    processes: &[crate::process::model::Process],
    rules: &[crate::process::model::GroupRule],
    code: &str,
) -> Result<(), StoreError> {
    if !processes.iter().any(|p| p.code == code) {
        return Err(StoreError::invalid(
            "process",
            "err-store-filter-process-unknown",
            &[("code", code.into())],
        ));
    }
    let key = "c.tenant_id = d.tenant_id AND c.agent_id = d.agent_id AND c.debtor_external_id = d.external_id";
    let codes: Vec<String> = processes.iter().map(|p| sql.text(p.code.clone())).collect();
    let own = format!("(SELECT c.own_process FROM debtor_collection c WHERE {key})");
    let mut case = format!("CASE WHEN {own} IN ({}) THEN {own}", codes.join(", "));
    for rule in rules
        .iter()
        .filter(|r| processes.iter().any(|p| p.code == r.process))
    {
        let mut cond: Vec<String> = vec!["1 = 1".to_owned()];
        if let Some(kind) = rule.kind {
            let kind = match kind {
                inkaso_shared::DebtorKind::Company => "company",
                inkaso_shared::DebtorKind::Person => "person",
            };
            cond.push(format!("d.kind = {}", sql.text(kind)));
        }
        if let Some(tag) = &rule.tag {
            // Tags are kept as compact JSON (`["VIP","Hurt"]`); an element starts after `[` or
            // `,` and ends before `,` or `]`, and a quote inside one is always escaped. ASCII
            // case is folded on both sides, as the rule compares.
            let quoted = serde_json::to_string(&tag.trim().to_ascii_lowercase())
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let like = |around: (&str, &str)| {
                format!("%{}{}{}%", around.0, like_escape(&quoted), around.1)
            };
            let tags = ascii_lower(&format!(
                "(SELECT c.tags_json FROM debtor_collection c WHERE {key})"
            ));
            let alts: Vec<String> = [("[", "]"), ("[", ","), (",", ","), (",", "]")]
                .into_iter()
                .map(|a| format!("{tags} LIKE {} ESCAPE '!'", sql.text(like(a))))
                .collect();
            cond.push(format!("({})", alts.join(" OR ")));
        }
        let total = |sql: &mut Sql, currency: inkaso_shared::Currency| {
            format!(
                "(SELECT COALESCE(SUM(o.remaining_minor), 0) FROM documents o WHERE o.tenant_id = d.tenant_id \
                 AND o.agent_id = d.agent_id AND o.debtor_external_id = d.external_id AND o.status = 'open' \
                 AND o.currency = {})",
                sql.text(currency.code())
            )
        };
        if let Some(min) = rule.min_total {
            let t = total(sql, min.currency);
            cond.push(format!("{t} >= {}", sql.int(min.minor)));
        }
        if let Some(max) = rule.max_total {
            let t = total(sql, max.currency);
            cond.push(format!("{t} <= {}", sql.int(max.minor)));
        }
        let _ = write!(
            case,
            " WHEN {} THEN {}",
            cond.join(" AND "),
            sql.text(rule.process.clone())
        );
    }
    match processes.iter().find(|p| p.is_default) {
        Some(default) => {
            let _ = write!(case, " ELSE {} END", sql.text(default.code.clone()));
        }
        None => case.push_str(" END"),
    }
    let c = sql.text(code);
    sql.push(&format!(" AND {case} = {c}"));
    Ok(())
}

/// `expr` with ASCII letters lowered and nothing else changed, alike on SQLite (whose `LOWER`
/// folds only ASCII) and PostgreSQL (whose `LOWER` folds every script).
fn ascii_lower(expr: &str) -> String {
    ('A'..='Z').fold(expr.to_owned(), |e, c| {
        format!("REPLACE({e}, '{c}', '{}')", c.to_ascii_lowercase())
    })
}

/// `text` for a `LIKE … ESCAPE '!'` pattern: its `%`, `_` and `!` taken literally.
pub(crate) fn like_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        if matches!(ch, '%' | '_' | '!') {
            out.push('!');
        }
        out.push(ch);
    }
    out
}

/// `select` with the document filter's conditions (not its page).
fn documents_where(
    select: &str,
    tenant: &TenantScope,
    f: &DocumentFilter,
    today: NaiveDate,
) -> Result<Sql, StoreError> {
    let mut sql = Sql::new(&format!("{select} WHERE tenant_id = "));
    let t = sql.text(tenant.as_str());
    sql.push(&t);
    if let Some(status) = &f.status {
        if status != "open" && status != "closed" {
            return Err(StoreError::invalid(
                "status",
                "err-store-open-or-closed",
                &[],
            ));
        }
        let p = sql.text(status.clone());
        sql.push(&format!(" AND status = {p}"));
    }
    if let Some(debtor_id) = &f.debtor_id {
        let p = sql.text(debtor_id.clone());
        sql.push(&format!(
            " AND EXISTS (SELECT 1 FROM debtors d WHERE d.tenant_id = documents.tenant_id AND d.debtor_id = {p} \
             AND d.agent_id = documents.agent_id AND d.external_id = documents.debtor_external_id)"
        ));
    }
    if let Some(n) = f.min_days_overdue {
        let p = sql.text(day(today - overdue_days("min_days_overdue", n)?));
        sql.push(&format!(" AND status = 'open' AND due_date <= {p}"));
    }
    if let Some(n) = f.max_days_overdue {
        let p = sql.text(day(today - overdue_days("max_days_overdue", n)?));
        sql.push(&format!(" AND due_date >= {p}"));
    }
    if let Some(v) = f.min_remaining_minor {
        let p = sql.int(v);
        sql.push(&format!(" AND remaining_minor >= {p}"));
    }
    if let Some(v) = f.max_remaining_minor {
        let p = sql.int(v);
        sql.push(&format!(" AND remaining_minor <= {p}"));
    }
    if let Some(d) = f.due_from {
        let p = sql.text(day(d));
        sql.push(&format!(" AND due_date >= {p}"));
    }
    if let Some(d) = f.due_to {
        let p = sql.text(day(d));
        sql.push(&format!(" AND due_date <= {p}"));
    }
    if let Some(c) = &f.currency {
        let p = sql.text(c.to_uppercase());
        sql.push(&format!(" AND currency = {p}"));
    }
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let p = sql.text(format!("%{}%", like_escape(&q.to_lowercase())));
        sql.push(&format!(" AND LOWER(number) LIKE {p} ESCAPE '!'"));
    }
    Ok(sql)
}

fn debtor_view(r: &AnyRow) -> Result<DebtorView, StoreError> {
    Ok(DebtorView {
        id: r.try_get(0)?,
        agent_id: r.try_get(1)?,
        external_id: r.try_get(2)?,
        kind: r.try_get(3)?,
        name: r.try_get(4)?,
        nip: r.try_get(5)?,
        removed: r.try_get::<i64, _>(6)? != 0,
        updated_at: parse_ts(&r.try_get::<String, _>(7)?)?,
        open_documents: to_u64(r.try_get(8)?),
    })
}

impl Store {
    /// Debtors in the filter's order (by name unless asked otherwise), a page.
    pub async fn list_debtors(
        &self,
        tenant: &TenantScope,
        f: &DebtorFilter,
    ) -> Result<Page<DebtorView>, StoreError> {
        let limit = page_limit(f.limit);
        let order = OrderBy::parse(f.sort.as_deref(), DEBTOR_SORTS, "d.debtor_id")?;
        let mut sql = self
            .debtors_where(&format!("SELECT {DEBTOR_COLS} FROM debtors d"), tenant, f)
            .await?;
        order.push_after(&mut sql, f.after.as_deref())?;
        order.push_order(&mut sql, limit);
        let rows = sql.fetch(self).await?;
        let items = rows
            .iter()
            .take(limit as usize)
            .map(debtor_view)
            .collect::<Result<Vec<_>, _>>()?;
        let next_cursor = (rows.len() > limit as usize)
            .then(|| {
                items.last().map(|d| {
                    let key = if order.numeric {
                        d.open_documents.to_string()
                    } else {
                        d.name.clone()
                    };
                    encode_cursor(&[&key, &d.id])
                })
            })
            .flatten();
        Ok(Page { items, next_cursor })
    }

    /// How many debtors the filter finds (every page together).
    pub async fn count_debtors(
        &self,
        tenant: &TenantScope,
        f: &DebtorFilter,
    ) -> Result<u64, StoreError> {
        let sql = self
            .debtors_where("SELECT COUNT(*) FROM debtors d", tenant, f)
            .await?;
        count_rows(self, sql).await
    }

    /// `select` with the debtor filter's conditions (not its page).
    async fn debtors_where(
        &self,
        select: &str,
        tenant: &TenantScope,
        f: &DebtorFilter,
    ) -> Result<Sql, StoreError> {
        let mut sql = Sql::new(&format!("{select} WHERE d.tenant_id = "));
        let t = sql.text(tenant.as_str());
        sql.push(&t);
        if !f.include_removed.unwrap_or(false) {
            sql.push(" AND d.removed = 0");
        }
        if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            // A name, an e-mail, or — when it is mostly digits — a NIP or a phone number as
            // people type them ("600 100 200", "527-10-20-300").
            let p = sql.text(format!("%{}%", q.to_lowercase()));
            let mut cond = format!(
                "LOWER(d.name) LIKE {p} OR EXISTS (SELECT 1 FROM contacts c WHERE c.tenant_id = d.tenant_id \
                 AND c.debtor_id = d.debtor_id AND c.channel = 'email' AND LOWER(c.value) LIKE {p})"
            );
            let digits: String = q.chars().filter(char::is_ascii_digit).collect();
            if digits.len() >= 6 && digits.len() * 2 > q.chars().count() {
                let n = sql.text(digits.clone());
                let ph = sql.text(format!("%{digits}"));
                let _ = write!(
                    cond,
                    " OR d.nip = {n} OR EXISTS (SELECT 1 FROM contacts c WHERE c.tenant_id = d.tenant_id \
                     AND c.debtor_id = d.debtor_id AND c.channel = 'sms' AND c.value LIKE {ph})"
                );
            }
            sql.push(&format!(" AND ({cond})"));
        }
        if let Some(nip) = &f.nip {
            let p = sql.text(nip.chars().filter(char::is_ascii_digit).collect::<String>());
            sql.push(&format!(" AND d.nip = {p}"));
        }
        if let Some(kind) = &f.kind {
            let p = sql.text(kind.clone());
            sql.push(&format!(" AND d.kind = {p}"));
        }
        if let Some(has_open) = f.has_open {
            sql.push(if has_open {
                " AND EXISTS"
            } else {
                " AND NOT EXISTS"
            });
            sql.push(
                " (SELECT 1 FROM documents o WHERE o.tenant_id = d.tenant_id AND o.agent_id = d.agent_id \
                 AND o.debtor_external_id = d.external_id AND o.status = 'open')",
            );
        }
        push_state_filters(&mut sql, f)?;
        if let Some(code) = f
            .process
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            let processes = self.processes(tenant).await?;
            let rules = self.group_rules(tenant).await?;
            push_process_filter(&mut sql, &processes, &rules, code)?;
        }
        Ok(sql)
    }

    /// The cloud's id of the debtor an agent knows by `external_id`, if the cloud has it.
    pub async fn debtor_id_by_key(
        &self,
        tenant: &TenantScope,
        agent_id: &str,
        external_id: &str,
    ) -> Result<Option<String>, StoreError> {
        let row = sqlx::query(
            "SELECT debtor_id FROM debtors WHERE tenant_id = $1 AND agent_id = $2 AND external_id = $3",
        )
        .bind(tenant.as_str())
        .bind(agent_id)
        .bind(external_id)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }

    /// Every debtor's name by (agent, ERP key): one query, for lists and exports that name
    /// debtors the history only knows by key.
    pub async fn debtor_names(
        &self,
        tenant: &TenantScope,
    ) -> Result<std::collections::HashMap<(String, String), String>, StoreError> {
        let rows =
            sqlx::query("SELECT agent_id, external_id, name FROM debtors WHERE tenant_id = $1")
                .bind(tenant.as_str())
                .fetch_all(self.pool())
                .await?;
        rows.iter()
            .map(|r| Ok(((r.try_get(0)?, r.try_get(1)?), r.try_get(2)?)))
            .collect()
    }

    /// The debtors behind `(agent, ERP key)` pairs a page shows (tasks, attention lists): their
    /// ids and names, read only for those keys. A key no longer synced is absent.
    pub async fn debtor_links(
        &self,
        tenant: &TenantScope,
        keys: &[(String, String)],
    ) -> Result<std::collections::HashMap<(String, String), DebtorLink>, StoreError> {
        // Per agent, so the lookup walks the (tenant, agent, ERP key) index.
        let mut wanted: std::collections::BTreeMap<&str, std::collections::BTreeSet<&str>> =
            std::collections::BTreeMap::new();
        for (agent, external) in keys {
            wanted.entry(agent).or_default().insert(external);
        }
        let mut out = std::collections::HashMap::new();
        for (agent, externals) in wanted {
            let externals: Vec<&str> = externals.into_iter().collect();
            for chunk in externals.chunks(500) {
                let sql = format!(
                    "SELECT external_id, debtor_id, name FROM debtors WHERE tenant_id = $1 AND agent_id = $2 AND external_id IN ({})",
                    super::list_placeholders(chunk.len(), 2)
                );
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(tenant.as_str())
                    .bind(agent);
                for e in chunk {
                    q = q.bind(*e);
                }
                for r in q.fetch_all(self.pool()).await? {
                    out.insert(
                        (agent.to_owned(), r.try_get(0)?),
                        DebtorLink {
                            id: r.try_get(1)?,
                            name: r.try_get(2)?,
                        },
                    );
                }
            }
        }
        Ok(out)
    }

    /// One debtor with contacts, documents and company data; `NotFound` for other tenants' ids.
    pub async fn debtor_detail(
        &self,
        tenant: &TenantScope,
        debtor_id: &str,
        today: NaiveDate,
    ) -> Result<DebtorDetail, StoreError> {
        let tenant_id = tenant.as_str();
        let not_found = || StoreError::not_found("err-what-debtor", &[("id", debtor_id.into())]);
        let sql = format!(
            "SELECT {DEBTOR_COLS}, d.address_json FROM debtors d WHERE d.tenant_id = $1 AND d.debtor_id = $2"
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(tenant_id)
            .bind(debtor_id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(not_found)?;
        let debtor = debtor_view(&row)?;
        let address = row
            .try_get::<Option<String>, _>(9)?
            .and_then(|a: String| serde_json::from_str(&a).ok());
        let contacts = sqlx::query(
            "SELECT channel, value, consent, consent_source, consent_date, consent_basis FROM contacts WHERE tenant_id = $1 AND debtor_id = $2 ORDER BY channel",
        )
        .bind(tenant_id)
        .bind(debtor_id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(ContactView {
                channel: r.try_get(0)?,
                value: r.try_get(1)?,
                consent: r.try_get::<Option<i64>, _>(2)?.map(|c| c != 0),
                consent_source: r.try_get(3)?,
                consent_date: opt_day(r.try_get::<Option<String>, _>(4)?.as_deref())?,
                consent_basis: r.try_get(5)?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
        let sql = format!(
            "SELECT {DOC_COLS} FROM documents WHERE tenant_id = $1 AND agent_id = $2 AND debtor_external_id = $3 \
             ORDER BY status DESC, due_date, document_id"
        );
        let documents = sqlx::query(AssertSqlSafe(sql))
            .bind(tenant_id)
            .bind(&debtor.agent_id)
            .bind(&debtor.external_id)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| doc_view(r, today))
            .collect::<Result<Vec<_>, _>>()?;
        let company = match &debtor.nip {
            Some(nip) => self.company(tenant, nip).await?,
            None => None,
        };
        Ok(DebtorDetail {
            debtor,
            address,
            contacts,
            documents,
            company,
        })
    }

    /// Sets a contact's consent (editor and up).
    pub async fn set_consent(
        &self,
        tenant: &TenantScope,
        debtor_id: &str,
        change: &ConsentChange<'_>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let tenant_id = tenant.as_str();
        let ConsentChange {
            channel,
            consent,
            source,
            actor,
            basis,
        } = *change;
        let r = sqlx::query(
            "UPDATE contacts SET consent = $4, consent_source = $5, consent_date = $6, updated_at = $7, \
                 consent_basis = $8 \
             WHERE tenant_id = $1 AND debtor_id = $2 AND channel = $3",
        )
        .bind(tenant_id)
        .bind(debtor_id)
        .bind(channel)
        .bind(i64::from(consent))
        .bind(source)
        .bind(day(now.date_naive()))
        .bind(ts(now))
        .bind(basis)
        .execute(self.pool())
        .await?;
        if r.rows_affected() == 0 {
            return Err(StoreError::not_found(
                "err-what-contact",
                &[("channel", channel.into()), ("debtor", debtor_id.into())],
            ));
        }
        self.audit(
            tenant,
            actor,
            "consent.set",
            debtor_id,
            &match basis {
                Some(b) => format!("{channel}={consent} ({source}; {b})"),
                None => format!("{channel}={consent} ({source})"),
            },
            now,
        )
        .await
    }

    /// Documents in the filter's order (by due date unless asked otherwise), a page.
    pub async fn list_documents(
        &self,
        tenant: &TenantScope,
        f: &DocumentFilter,
        today: NaiveDate,
    ) -> Result<Page<DocumentView>, StoreError> {
        let limit = page_limit(f.limit);
        let order = OrderBy::parse(f.sort.as_deref(), DOCUMENT_SORTS, "document_id")?;
        let mut sql = documents_where(
            &format!("SELECT {DOC_COLS} FROM documents"),
            tenant,
            f,
            today,
        )?;
        order.push_after(&mut sql, f.after.as_deref())?;
        order.push_order(&mut sql, limit);
        let rows = sql.fetch(self).await?;
        let items = rows
            .iter()
            .take(limit as usize)
            .map(|r| doc_view(r, today))
            .collect::<Result<Vec<_>, _>>()?;
        let next_cursor = (rows.len() > limit as usize)
            .then(|| {
                items.last().map(|d| {
                    let key = match order.name {
                        "remaining" => d.remaining_minor.to_string(),
                        "number" => d.number.clone(),
                        _ => day(d.due_date),
                    };
                    encode_cursor(&[&key, &d.id])
                })
            })
            .flatten();
        Ok(Page { items, next_cursor })
    }

    /// How many documents the filter finds (every page together).
    pub async fn count_documents(
        &self,
        tenant: &TenantScope,
        f: &DocumentFilter,
        today: NaiveDate,
    ) -> Result<u64, StoreError> {
        let sql = documents_where("SELECT COUNT(*) FROM documents", tenant, f, today)?;
        count_rows(self, sql).await
    }

    /// One document; `NotFound` for other tenants' ids.
    pub async fn document(
        &self,
        tenant: &TenantScope,
        document_id: &str,
        today: NaiveDate,
    ) -> Result<DocumentView, StoreError> {
        let tenant_id = tenant.as_str();
        let sql =
            format!("SELECT {DOC_COLS} FROM documents WHERE tenant_id = $1 AND document_id = $2");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(tenant_id)
            .bind(document_id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| {
                StoreError::not_found("err-what-document", &[("id", document_id.into())])
            })?;
        doc_view(&row, today)
    }

    /// Payment events, by day observed then id.
    pub async fn list_payments(
        &self,
        tenant: &TenantScope,
        f: &PaymentFilter,
    ) -> Result<Page<PaymentView>, StoreError> {
        let tenant_id = tenant.as_str();
        let limit = page_limit(f.limit);
        let mut sql = Sql::new(
            "SELECT event_id, agent_id, document_external_id, debtor_external_id, observed_on, paid_minor, remaining_before, \
             remaining_after, currency FROM document_events WHERE paid_minor > 0 AND tenant_id = ",
        );
        let t = sql.text(tenant_id);
        sql.push(&t);
        if let Some(d) = f.from {
            let p = sql.text(day(d));
            sql.push(&format!(" AND observed_on >= {p}"));
        }
        if let Some(d) = f.to {
            let p = sql.text(day(d));
            sql.push(&format!(" AND observed_on <= {p}"));
        }
        if let Some(doc) = &f.document_external_id {
            let p = sql.text(doc.clone());
            sql.push(&format!(" AND document_external_id = {p}"));
        }
        if let Some(after) = &f.after {
            let parts = decode_cursor(after, 2)?;
            let (d, i) = (sql.text(parts[0].clone()), sql.text(parts[1].clone()));
            sql.push(&format!(
                " AND (observed_on > {d} OR (observed_on = {d} AND event_id > {i}))"
            ));
        }
        let l = sql.int(i64::from(limit) + 1);
        sql.push(&format!(" ORDER BY observed_on, event_id LIMIT {l}"));
        let rows = sql.fetch(self).await?;
        let items = rows
            .iter()
            .take(limit as usize)
            .map(|r| {
                Ok(PaymentView {
                    id: r.try_get(0)?,
                    agent_id: r.try_get(1)?,
                    document_external_id: r.try_get(2)?,
                    debtor_external_id: r.try_get(3)?,
                    observed_on: parse_day(&r.try_get::<String, _>(4)?)?,
                    paid_minor: r.try_get(5)?,
                    remaining_before: r.try_get(6)?,
                    remaining_after: r.try_get(7)?,
                    currency: r.try_get(8)?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let next_cursor = (rows.len() > limit as usize)
            .then(|| {
                items
                    .last()
                    .map(|p| encode_cursor(&[&day(p.observed_on), &p.id]))
            })
            .flatten();
        Ok(Page { items, next_cursor })
    }

    /// The tenant's agents and their health.
    pub async fn agents_health(
        &self,
        tenant: &TenantScope,
    ) -> Result<Vec<AgentHealth>, StoreError> {
        let tenant_id = tenant.as_str();
        let rows = sqlx::query(
            "SELECT agent_id, name, revoked_at, next_seq, last_batch_at, last_heartbeat_at, agent_version, profile, \
             last_sync_at, queue_depth, quarantined, last_error, feed_acked FROM agents WHERE tenant_id = $1 ORDER BY name, agent_id",
        )
        .bind(tenant_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AgentHealth {
                    id: r.try_get(0)?,
                    name: r.try_get(1)?,
                    revoked: r.try_get::<Option<String>, _>(2)?.is_some(),
                    next_seq: to_u64(r.try_get(3)?),
                    last_batch_at: opt_ts(r.try_get::<Option<String>, _>(4)?.as_deref())?,
                    last_heartbeat_at: opt_ts(r.try_get::<Option<String>, _>(5)?.as_deref())?,
                    agent_version: r.try_get(6)?,
                    profile: r.try_get(7)?,
                    last_sync_at: opt_ts(r.try_get::<Option<String>, _>(8)?.as_deref())?,
                    queue_depth: r.try_get::<Option<i64>, _>(9)?.map(to_u64),
                    quarantined: r.try_get::<Option<i64>, _>(10)?.map(to_u64),
                    last_error: r.try_get(11)?,
                    results_acknowledged: to_u64(r.try_get(12)?),
                })
            })
            .collect()
    }

    /// Records an agent's heartbeat.
    pub async fn record_heartbeat(
        &self,
        tenant: &TenantScope,
        agent: &AgentId,
        hb: &inkaso_shared::protocol::Heartbeat,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let tenant_id = tenant.as_str();
        let agent_id = agent.as_str();
        sqlx::query(
            "UPDATE agents SET last_heartbeat_at = $3, agent_version = $4, profile = $5, last_sync_at = $6, queue_depth = $7, \
             quarantined = $8, last_error = $9 WHERE tenant_id = $1 AND agent_id = $2",
        )
        .bind(tenant_id)
        .bind(agent_id)
        .bind(ts(now))
        .bind(&hb.agent_version)
        .bind(&hb.profile)
        .bind(hb.last_sync_at.map(ts))
        .bind(i64::try_from(hb.queue_depth).unwrap_or(i64::MAX))
        .bind(i64::try_from(hb.quarantined).unwrap_or(i64::MAX))
        .bind(&hb.last_error)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The exclusions kept in the cloud, oldest first.
    pub async fn list_exclusions(
        &self,
        tenant: &TenantScope,
    ) -> Result<Vec<ExclusionView>, StoreError> {
        let tenant_id = tenant.as_str();
        let rows = sqlx::query(
            "SELECT exclusion_id, kind, value, amount_minor, created_at, created_by FROM exclusions WHERE tenant_id = $1 ORDER BY created_at, exclusion_id",
        )
        .bind(tenant_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ExclusionView {
                    id: r.try_get(0)?,
                    kind: r.try_get(1)?,
                    value: r.try_get(2)?,
                    amount_minor: r.try_get(3)?,
                    created_at: parse_ts(&r.try_get::<String, _>(4)?)?,
                    created_by: r.try_get(5)?,
                })
            })
            .collect()
    }

    /// Adds an exclusion after checking its value.
    pub async fn create_exclusion(
        &self,
        tenant: &TenantScope,
        new: &NewExclusion,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<ExclusionView, StoreError> {
        let tenant_id = tenant.as_str();
        let value = new.value.trim();
        let (value, amount) = match new.kind.as_str() {
            "debtor_external_id" => (
                inkaso_shared::ExternalId::new(value)
                    .map_err(|e| StoreError::from(Invalid::of("value", &e)))?
                    .as_str()
                    .to_owned(),
                None,
            ),
            "nip" => (
                Nip::parse(value)
                    .map_err(|e| StoreError::from(Invalid::of("value", &e)))?
                    .as_str()
                    .to_owned(),
                None,
            ),
            "document_number_prefix" if !value.is_empty() => (value.to_owned(), None),
            "min_remaining" => {
                let currency: Currency = value
                    .parse()
                    .map_err(|_| StoreError::invalid("value", "err-store-currency-unknown", &[]))?;
                let amount = new.amount_minor.filter(|a| *a > 0).ok_or_else(|| {
                    StoreError::invalid("amount_minor", "err-store-amount-positive", &[])
                })?;
                (currency.code().to_owned(), Some(amount))
            }
            other => {
                return Err(StoreError::invalid(
                    "kind",
                    "err-store-exclusion-kind",
                    &[("kind", other.into())],
                ));
            }
        };
        let id = new_id();
        sqlx::query(
            "INSERT INTO exclusions (tenant_id, exclusion_id, kind, value, amount_minor, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(tenant_id)
        .bind(&id)
        .bind(&new.kind)
        .bind(&value)
        .bind(amount)
        .bind(ts(now))
        .bind(actor)
        .execute(self.pool())
        .await?;
        self.audit(
            tenant,
            actor,
            "exclusion.create",
            &id,
            &format!("{}={value}", new.kind),
            now,
        )
        .await?;
        Ok(ExclusionView {
            id,
            kind: new.kind.clone(),
            value,
            amount_minor: amount,
            created_at: now,
            created_by: actor.to_owned(),
        })
    }

    /// Deletes an exclusion; `NotFound` for other tenants' ids.
    pub async fn delete_exclusion(
        &self,
        tenant: &TenantScope,
        exclusion_id: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let tenant_id = tenant.as_str();
        let not_found =
            || StoreError::not_found("err-what-exclusion", &[("id", exclusion_id.into())]);
        // What it was, for the audit log: a deleted exclusion cannot be looked up later.
        let row = sqlx::query(
            "SELECT kind, value FROM exclusions WHERE tenant_id = $1 AND exclusion_id = $2",
        )
        .bind(tenant_id)
        .bind(exclusion_id)
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(not_found)?;
        let (kind, value): (String, String) = (row.try_get(0)?, row.try_get(1)?);
        let r = sqlx::query("DELETE FROM exclusions WHERE tenant_id = $1 AND exclusion_id = $2")
            .bind(tenant_id)
            .bind(exclusion_id)
            .execute(self.pool())
            .await?;
        if r.rows_affected() == 0 {
            return Err(not_found());
        }
        self.audit(
            tenant,
            actor,
            "exclusion.delete",
            exclusion_id,
            &format!("{kind}={value}"),
            now,
        )
        .await
    }

    /// The exclusions in the protocol's shape, for `GET /agent/v1/config`.
    pub async fn exclusions(&self, tenant: &TenantScope) -> Result<Exclusions, StoreError> {
        let mut out = Exclusions::default();
        for e in self.list_exclusions(tenant).await? {
            match e.kind.as_str() {
                "debtor_external_id" => {
                    out.debtor_external_ids.insert(e.value);
                }
                "nip" => {
                    if let Ok(n) = Nip::parse(&e.value) {
                        out.nips.insert(n);
                    }
                }
                "document_number_prefix" => {
                    out.document_number_prefixes.insert(e.value);
                }
                "min_remaining" => {
                    if let (Ok(c), Some(a)) = (e.value.parse::<Currency>(), e.amount_minor) {
                        let entry = out.min_remaining_minor.entry(c).or_insert(a);
                        *entry = (*entry).max(a);
                    }
                }
                _ => {}
            }
        }
        Ok(out)
    }
}

/// Longest "days overdue" a filter takes: a century.
const MAX_OVERDUE_DAYS: i64 = 36_500;

/// A days-overdue filter as a duration, refused (naming `field`) outside 0…36 500.
fn overdue_days(field: &str, n: i64) -> Result<Duration, StoreError> {
    if (0..=MAX_OVERDUE_DAYS).contains(&n) {
        Ok(Duration::days(n))
    } else {
        Err(StoreError::invalid(
            field,
            "err-store-overdue-days",
            &[("field", field.into()), ("max", (&MAX_OVERDUE_DAYS).into())],
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_garbage() {
        let c = encode_cursor(&["Zażółć", "ab"]);
        assert_eq!(
            decode_cursor(&c, 2).unwrap(),
            vec!["Zażółć".to_owned(), "ab".to_owned()]
        );
        assert!(decode_cursor("zz", 2).is_err());
        assert!(decode_cursor(&c, 3).is_err());
        assert_eq!(page_limit(Some(0)), 1);
        assert_eq!(page_limit(Some(10_000)), MAX_PAGE);
    }
}
