//! The law firm's side of the portal (Kancelaria): one inbox of the cases every creditor
//! handed to the firm — counts per status, filters by creditor, status, age and amount, a
//! search by debtor, NIP or document number, sorting, pages and a CSV export for the firm's
//! own case software — each case's page with the actions the firm may take (accept, reject
//! with a reason, move along the allowed statuses, notes), and the list of its creditors.
//!
//! Every handler takes [`PartnerViewer`], so a client firm's person is refused; the cases are
//! read through the law firm's own scope, which reaches only the cases handed to it.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::rejection::PathRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Duration, Utc};
use inkaso_shared::Localized as _;
use inkaso_shared::money::{Currency, Money, parse_minor};
use serde::Deserialize;

use super::super::session::{self, Form};
use super::super::{Ctx, PageError, PartnerViewer, Viewer};
use super::cases::{CaseActions, CasePage, file_download};
use super::{Pager, PathId, Sorting, blank_to_none};
use crate::domain::accounts::Role;
use crate::domain::cases::{CaseStatus, PartnerDecision};
use crate::http::AppState;
use crate::services::ServiceError;
use crate::store::cases::{Case, CaseFilter, CaseParty, PageRequest};

/// Rows per page of the inbox.
const PAGE_ROWS: u32 = 50;
/// The most rows one CSV export holds.
const CSV_ROWS: usize = 20_000;

/// The inbox's address query: every filter, the order and the page.
#[derive(Debug, Clone, Default, Deserialize)]
pub(super) struct InboxQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    creditor: String,
    /// `""`, `30` (handed over in the last 30 days), `90` (31–90 days ago), `older`.
    #[serde(default)]
    age: String,
    /// Whole złoty.
    #[serde(default)]
    min: String,
    #[serde(default)]
    max: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    after: String,
    #[serde(default)]
    from: String,
}

/// The age buckets of the filter: `(code, message)`.
const AGES: [(&str, &str); 3] = [
    ("30", "partner-age-30"),
    ("90", "partner-age-90"),
    ("older", "partner-age-older"),
];

impl InboxQuery {
    /// The store's filter, or the field that does not parse.
    fn filter(&self, now: DateTime<Utc>) -> Result<CaseFilter, PageError> {
        let amount = |field: &'static str, text: &str| -> Result<Option<i64>, PageError> {
            let t = text.trim().replace([' ', '\u{a0}'], "");
            if t.is_empty() {
                return Ok(None);
            }
            t.parse::<i64>()
                .ok()
                .filter(|v| *v >= 0)
                .and_then(|v| v.checked_mul(100))
                .map(Some)
                .ok_or_else(|| {
                    PageError::new(
                        StatusCode::BAD_REQUEST,
                        "err-portal-amount",
                        &[("field", field.into()), ("value", t.into())],
                    )
                })
        };
        let days = |n: i64| now - Duration::days(n);
        let (handed_from, handed_before) = match self.age.as_str() {
            "30" => (Some(days(30)), None),
            "90" => (Some(days(90)), Some(days(30))),
            "older" => (None, Some(days(90))),
            _ => (None, None),
        };
        Ok(CaseFilter {
            status: CaseStatus::ALL
                .iter()
                .any(|c| c.as_str() == self.status)
                .then(|| self.status.clone()),
            creditor_id: blank_to_none(&self.creditor),
            q: blank_to_none(&self.q),
            min_total_minor: amount("min", &self.min)?,
            max_total_minor: amount("max", &self.max)?,
            handed_from,
            handed_before,
            sort: blank_to_none(&self.sort),
            ..CaseFilter::default()
        })
    }

    /// The inbox's address with these filters, `changes` applied (`("after", "")` drops a
    /// value).
    fn link(&self, path: &str, changes: &[(&str, &str)]) -> String {
        let mut pairs: Vec<(&str, &str)> = vec![
            ("status", &self.status),
            ("creditor", &self.creditor),
            ("age", &self.age),
            ("min", &self.min),
            ("max", &self.max),
            ("q", &self.q),
            ("sort", &self.sort),
        ];
        for (k, v) in changes {
            pairs.retain(|(key, _)| key != k);
            pairs.push((k, v));
        }
        let mut out = form_urlencoded::Serializer::for_suffix(format!("{path}?"), path.len() + 1);
        for (k, v) in pairs.into_iter().filter(|(_, v)| !v.trim().is_empty()) {
            out.append_pair(k, v);
        }
        out.finish()
    }
}

/// A status tab above the inbox: its name, its count and the address that shows it.
#[derive(Debug, Clone)]
pub(super) struct Tab {
    code: &'static str,
    name: String,
    count: u64,
    link: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "partner_cases.html")]
pub(super) struct InboxPage {
    ctx: Ctx,
    q: InboxQuery,
    tabs: Vec<Tab>,
    all_link: String,
    all_count: u64,
    creditors: Vec<(String, String)>,
    ages: Vec<(&'static str, String)>,
    rows: Vec<Row>,
    sorting: Sorting,
    pager: Pager,
    csv: String,
}

/// A row of the inbox.
#[derive(Debug, Clone)]
pub(super) struct Row {
    case: Case,
    /// Days since the hand-off.
    days: i64,
}

impl InboxPage {
    /// The address a column header sorts by.
    fn sort_link(&self, key: &str) -> String {
        self.q.link(
            "/partner",
            &[("sort", &self.sorting.toggled(key)), ("after", "")],
        )
    }
}

/// The inbox.
pub(super) async fn inbox(
    State(state): State<AppState>,
    PartnerViewer(viewer): PartnerViewer,
    Query(q): Query<InboxQuery>,
) -> Result<InboxPage, PageError> {
    viewer.require(Role::Viewer)?;
    let ctx = Ctx::partner(&viewer, "partner-cases");
    let partner = &viewer.session.principal.tenant;
    let now = state.app.clock.now();
    let filter = q.filter(now)?;
    let page = state
        .app
        .partner_cases(
            partner,
            &filter,
            &PageRequest {
                after: blank_to_none(&q.after),
                limit: Some(PAGE_ROWS),
            },
        )
        .await?;
    let counts = state.app.partner_case_counts(partner, &filter).await?;
    let all_count = counts.values().sum();
    // The filter's status was checked when the filter was read.
    let total = filter
        .status
        .as_deref()
        .and_then(|s| CaseStatus::parse(s, "status").ok())
        .map_or(all_count, |s| counts.get(&s).copied().unwrap_or(0));
    let tabs = CaseStatus::ALL
        .into_iter()
        .map(|s| Tab {
            code: s.as_str(),
            name: ctx.tp("case", s.as_str()),
            count: counts.get(&s).copied().unwrap_or(0),
            link: q.link("/partner", &[("status", s.as_str()), ("after", "")]),
        })
        .collect();
    let from = q.from.trim().parse().unwrap_or(1);
    let pager = Pager::new(
        from,
        page.items.len(),
        total,
        page.next_cursor.as_deref(),
        |after, from| q.link("/partner", &[("after", after), ("from", &from.to_string())]),
    );
    let rows = page
        .items
        .into_iter()
        .map(|case| Row {
            days: (now - case.created_at).num_days(),
            case,
        })
        .collect();
    Ok(InboxPage {
        all_link: q.link("/partner", &[("status", ""), ("after", "")]),
        all_count,
        creditors: state.app.partner_creditors(partner).await?,
        ages: AGES.iter().map(|(c, id)| (*c, ctx.t(id))).collect(),
        // Unsorted, the inbox shows the most recently changed cases first.
        sorting: Sorting::new(
            if q.sort.trim().is_empty() {
                "-changed"
            } else {
                &q.sort
            },
            "changed",
            &["changed", "handed", "amount"],
        ),
        csv: q.link("/partner/cases.csv", &[]),
        tabs,
        rows,
        pager,
        q,
        ctx,
    })
}

/// The inbox as CSV (Polish Excel: semicolons, a BOM), every page of the filter.
pub(super) async fn inbox_csv(
    State(state): State<AppState>,
    PartnerViewer(viewer): PartnerViewer,
    Query(q): Query<InboxQuery>,
) -> Result<Response, PageError> {
    viewer.require(Role::Viewer)?;
    let ctx = Ctx::partner(&viewer, "partner-cases");
    let partner = &viewer.session.principal.tenant;
    let now = state.app.clock.now();
    let filter = q.filter(now)?;
    let failed = |e: inkaso_shared::sheet::SheetError| PageError::internal(&e.to_string());
    let mut sheet = inkaso_shared::sheet::SheetWriter::new();
    let header = [
        "partner-col-case",
        "partner-col-creditor",
        "col-debtor",
        "partner-col-debtor-key",
        "col-documents",
        "col-amount",
        "partner-col-currency",
        "col-status",
        "col-handed-off",
        "col-changed",
    ];
    sheet
        .row(header.iter().map(|id| ctx.t(id)))
        .map_err(failed)?;
    let mut after = None;
    let mut written = 0;
    loop {
        let page = state
            .app
            .partner_cases(
                partner,
                &filter,
                &PageRequest {
                    after,
                    limit: Some(500),
                },
            )
            .await?;
        for c in &page.items {
            sheet
                .row([
                    c.id.clone(),
                    c.creditor_name.clone(),
                    c.debtor_name.clone(),
                    c.debtor_external_id.clone(),
                    c.document_external_ids.join(", "),
                    Money::new(c.total_minor, c.currency.parse().unwrap_or(Currency::PLN))
                        .format_plain(),
                    c.currency.clone(),
                    ctx.tp("case", c.status.as_str()),
                    ctx.datetime(c.created_at),
                    ctx.datetime(c.updated_at),
                ])
                .map_err(failed)?;
        }
        written += page.items.len();
        match page.next_cursor {
            Some(c) if written < CSV_ROWS => after = Some(c),
            _ => break,
        }
    }
    Ok(crate::http::channels::attachment(
        "text/csv; charset=utf-8",
        &format!("sprawy-{}.csv", now.date_naive()),
        sheet.finish().map_err(failed)?,
    ))
}

/// The creditors that hand cases to the firm, each with its cases per status.
#[derive(Template, WebTemplate)]
#[template(path = "partner_creditors.html")]
pub(super) struct CreditorsPage {
    ctx: Ctx,
    rows: Vec<CreditorRow>,
}

/// A creditor's line.
#[derive(Debug, Clone)]
pub(super) struct CreditorRow {
    name: String,
    link: String,
    open: u64,
    all: u64,
}

pub(super) async fn creditors(
    State(state): State<AppState>,
    PartnerViewer(viewer): PartnerViewer,
) -> Result<CreditorsPage, PageError> {
    viewer.require(Role::Viewer)?;
    let ctx = Ctx::partner(&viewer, "partner-creditors");
    let partner = &viewer.session.principal.tenant;
    let mut counts = state.app.partner_counts_per_creditor(partner).await?;
    let rows = state
        .app
        .partner_creditors(partner)
        .await?
        .into_iter()
        .map(|(id, name)| {
            let counts = counts.remove(&id).unwrap_or_default();
            CreditorRow {
                name,
                link: InboxQuery::default().link("/partner", &[("creditor", &id)]),
                open: counts
                    .iter()
                    .filter(|(s, _)| s.is_open())
                    .map(|(_, n)| n)
                    .sum(),
                all: counts.values().sum(),
            }
        })
        .collect();
    Ok(CreditorsPage { ctx, rows })
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct ShowQuery {
    done: Option<String>,
}

/// A case's page as the law firm sees it.
async fn case_page(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
    ctx: Ctx,
) -> Result<CasePage, PageError> {
    let c = state
        .app
        .partner_case(&viewer.session.principal.tenant, id)
        .await?;
    let moves = c
        .case
        .status
        .next()
        .iter()
        .filter(|s| !matches!(s, CaseStatus::Accepted | CaseStatus::Rejected))
        .map(|s| (s.as_str(), ctx.tp("case", s.as_str())))
        .collect();
    let actions = CaseActions {
        decide: c.case.status == CaseStatus::HandedOff,
        moves,
    };
    let claims = state.app.claims_today(&c);
    Ok(CasePage::new(ctx, (c, claims), None, actions))
}

pub(super) async fn show(
    State(state): State<AppState>,
    PartnerViewer(viewer): PartnerViewer,
    PathId(id): PathId,
    Query(q): Query<ShowQuery>,
) -> Result<CasePage, PageError> {
    viewer.require(Role::Viewer)?;
    let ctx = Ctx::partner(&viewer, "partner-cases");
    let notice = ctx.notice(q.done.as_deref());
    case_page(&state, &viewer, &id, ctx.with_notice(notice)).await
}

#[derive(Debug, Deserialize)]
pub(super) struct ChangeForm {
    /// `accept`, `reject` or a status code.
    #[serde(default)]
    to: String,
    #[serde(default)]
    note: String,
}

/// What a change form asks for.
enum Change<'a> {
    Decide(PartnerDecision),
    Move(&'a str),
}

/// Accepts, rejects (a reason is required) or moves a case; a refusal is shown on the case's
/// page beside the form, with what was typed.
pub(super) async fn change(
    State(state): State<AppState>,
    PartnerViewer(viewer): PartnerViewer,
    PathId(id): PathId,
    Form(form): Form<ChangeForm>,
) -> Result<Response, PageError> {
    viewer.require(Role::Editor)?;
    let partner = &viewer.session.principal.tenant;
    let actor = &viewer.session.principal.actor;
    let note = blank_to_none(&form.note);
    let change = match form.to.trim() {
        "accept" => Change::Decide(PartnerDecision::Accept),
        "reject" => Change::Decide(PartnerDecision::Reject),
        other => Change::Move(other),
    };
    let result = match change {
        Change::Decide(PartnerDecision::Reject) if note.is_none() => Err(ServiceError::Invalid(
            crate::domain::Invalid::new("note", "err-portal-reject-reason", &[]),
        )),
        Change::Decide(d) => {
            state
                .app
                .partner_decide(partner, actor, &id, d, note.as_deref())
                .await
        }
        Change::Move(to) => {
            state
                .app
                .partner_set_status(partner, actor, &id, to, note.as_deref())
                .await
        }
    };
    answer(
        &state,
        &viewer,
        &id,
        result,
        "case-changed#events",
        |page, error| {
            page.change_note = form.note;
            page.change_error = Some(error);
        },
    )
    .await
}

#[derive(Debug, Deserialize)]
pub(super) struct NoteForm {
    #[serde(default)]
    note: String,
}

/// A note for the creditor; a refused one is shown under the field, as typed.
pub(super) async fn add_note(
    State(state): State<AppState>,
    PartnerViewer(viewer): PartnerViewer,
    PathId(id): PathId,
    Form(form): Form<NoteForm>,
) -> Result<Response, PageError> {
    viewer.require(Role::Editor)?;
    let result = state
        .app
        .partner_case_note(
            &viewer.session.principal.tenant,
            &viewer.session.principal.actor,
            &id,
            &form.note,
        )
        .await;
    answer(
        &state,
        &viewer,
        &id,
        result,
        "partner-note-added#events",
        |page, error| {
            page.note = form.note;
            page.note_error = Some(error);
        },
    )
    .await
}

/// Attaches a file to a case (a multipart form: the session's `_csrf` token, or htmx's header,
/// and `file`); a refused file is shown on the case's page beside the form.
pub(super) async fn attach(
    State(state): State<AppState>,
    PartnerViewer(viewer): PartnerViewer,
    PathId(id): PathId,
    headers: HeaderMap,
    mut form: Multipart,
) -> Result<Response, PageError> {
    viewer.require(Role::Editor)?;
    let bad = |e: axum::extract::multipart::MultipartError| PageError::bad_form(&e.body_text());
    let mut field_token = None;
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = form.next_field().await.map_err(bad)? {
        match field.name() {
            Some(session::CSRF_FIELD) => {
                field_token = Some(field.text().await.map_err(bad)?);
            }
            Some("file") => {
                let name = field.file_name().unwrap_or_default().to_owned();
                let bytes = field.bytes().await.map_err(bad)?;
                if !name.is_empty() || !bytes.is_empty() {
                    file = Some((name, bytes.to_vec()));
                }
            }
            _ => {}
        }
    }
    if !session::token_matches([session::header_token(&headers), field_token], &viewer.csrf) {
        return Err(PageError::csrf());
    }
    let partner = CaseParty::Partner(&viewer.session.principal.tenant);
    let result = match &file {
        Some((name, bytes)) => {
            state
                .app
                .attach_case_file(partner, &viewer.session.principal.actor, &id, name, bytes)
                .await
        }
        None => Err(ServiceError::Invalid(crate::domain::Invalid::new(
            "file",
            "err-portal-file-missing",
            &[],
        ))),
    };
    answer(
        &state,
        &viewer,
        &id,
        result,
        "case-file-added#files",
        |page, error| {
            page.file_error = Some(error);
        },
    )
    .await
}

/// A file of a case handed to the law firm.
pub(super) async fn file(
    State(state): State<AppState>,
    PartnerViewer(viewer): PartnerViewer,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<Response, PageError> {
    viewer.require(Role::Viewer)?;
    file_download(
        &state,
        CaseParty::Partner(&viewer.session.principal.tenant),
        path,
    )
    .await
}

#[derive(Debug, Deserialize)]
pub(super) struct PaymentForm {
    #[serde(default)]
    amount: String,
    #[serde(default)]
    day: String,
    #[serde(default)]
    note: String,
}

/// A payment under a settlement; a refusal is shown beside the form, with what was typed.
pub(super) async fn record_payment(
    State(state): State<AppState>,
    PartnerViewer(viewer): PartnerViewer,
    PathId(id): PathId,
    Form(form): Form<PaymentForm>,
) -> Result<Response, PageError> {
    viewer.require(Role::Editor)?;
    let result = match (
        parse_zloty(&form.amount),
        chrono::NaiveDate::parse_from_str(form.day.trim(), "%Y-%m-%d"),
    ) {
        (None, _) => Err(ServiceError::Invalid(crate::domain::Invalid::new(
            "amount",
            "err-portal-payment-amount",
            &[("value", form.amount.trim().into())],
        ))),
        (_, Err(_)) => Err(ServiceError::Invalid(crate::domain::Invalid::new(
            "day",
            "err-portal-date",
            &[("value", form.day.trim().into())],
        ))),
        (Some(amount), Ok(day)) => {
            state
                .app
                .partner_record_payment(
                    &viewer.session.principal.tenant,
                    &viewer.session.principal.actor,
                    &id,
                    (amount, day),
                    blank_to_none(&form.note).as_deref(),
                )
                .await
        }
    };
    answer(
        &state,
        &viewer,
        &id,
        result,
        "case-payment-added#events",
        |page, error| {
            page.payment = (form.amount, form.day, form.note);
            page.payment_error = Some(error);
        },
    )
    .await
}

/// Whole złoty and grosze as a person types them (`1500`, `1 500,50`, `1500.5`, a currency
/// after the number ignored) in grosze; nothing negative.
fn parse_zloty(text: &str) -> Option<i64> {
    let number = text.trim().trim_end_matches(char::is_alphabetic);
    parse_minor(number, 2).ok().filter(|v| *v >= 0)
}

/// The answer to a change of a case: its page with the notice `done` (`notice-…#anchor`), or,
/// for a refusal, the page itself (400) with `refused` putting the message and what was typed
/// beside the form.
async fn answer<T>(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
    result: Result<T, ServiceError>,
    done: &str,
    refused: impl FnOnce(&mut CasePage, String),
) -> Result<Response, PageError> {
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/partner/cases/{id}?done={done}")).into_response()),
        Err(ServiceError::Invalid(i)) => {
            let ctx = Ctx::partner(viewer, "partner-cases");
            let lang = ctx.lang;
            let mut page = case_page(state, viewer, id, ctx).await?;
            refused(&mut page, i.message(lang));
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zloty_as_typed() {
        assert_eq!(parse_zloty("1500"), Some(150_000));
        assert_eq!(parse_zloty(" 1 500,5 zł"), Some(150_050));
        assert_eq!(parse_zloty("1500.05"), Some(150_005));
        assert_eq!(parse_zloty("1,234"), None);
        assert_eq!(parse_zloty("-5"), None);
        assert_eq!(parse_zloty(""), None);
        assert_eq!(parse_zloty("99999999999999999999"), None);
    }

    #[test]
    fn the_inbox_filter_reads_the_address() {
        let now = DateTime::parse_from_rfc3339("2026-12-06T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let q = InboxQuery {
            status: "in_court".into(),
            age: "90".into(),
            min: "1 000".into(),
            q: " Żuraw ".into(),
            ..InboxQuery::default()
        };
        let f = q.filter(now).unwrap();
        assert_eq!(f.status.as_deref(), Some("in_court"));
        assert_eq!(f.min_total_minor, Some(100_000));
        assert_eq!(f.max_total_minor, None);
        assert_eq!(f.q.as_deref(), Some("Żuraw"));
        assert_eq!(f.handed_before, Some(now - Duration::days(30)));
        let bad = InboxQuery {
            max: "dużo".into(),
            ..InboxQuery::default()
        };
        assert!(bad.filter(now).is_err());
        assert_eq!(
            q.link("/partner", &[("sort", "-amount")]),
            "/partner?status=in_court&age=90&min=1+000&q=+%C5%BBuraw+&sort=-amount"
        );
    }
}
