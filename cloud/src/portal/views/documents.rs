//! Documents (Dokumenty) with their filters, a document's page with its history, the firm's
//! history of actions (Historia działań), letters with their PDFs, and tasks.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use inkaso_shared::Localized as _;
use serde::Deserialize;

use super::super::session::Form;
use super::super::{Ctx, PageError, Viewer};
use super::{DebtorNames, Pager, PathId, PredictionView, Sorting, blank_to_none};
use crate::domain::accounts::Role;
use crate::http::AppState;
use crate::services::collection::HistoryOf;
use crate::services::model::{
    ActionQuery, ActionView, DocumentFilter, DocumentView, LetterRow, TaskFilter, TaskRow,
};

const PAGE_ROWS: u32 = 50;

/// The list's filters, order and position, as in the address (and the form).
#[derive(Debug, Default, Deserialize)]
pub(super) struct ListQuery {
    /// `open` (when absent), `closed`, `all`.
    status: Option<String>,
    /// At least this many days overdue: `1`, `31`, `61`, `91`; empty: any.
    #[serde(default)]
    overdue: String,
    /// Part of the number.
    #[serde(default)]
    q: String,
    /// `due`, `remaining`, `number`, each possibly with a leading `-`; empty: by due date.
    #[serde(default)]
    sort: String,
    #[serde(default)]
    after: String,
    /// The page's first row's position in the list.
    from: Option<u64>,
}

impl ListQuery {
    fn status(&self) -> &str {
        self.status.as_deref().unwrap_or("open")
    }

    /// The list's address with these filters, an order, a cursor and a position.
    fn link(&self, sort: &str, after: &str, from: u64) -> String {
        let mut url = form_urlencoded::Serializer::new(String::from("/documents?"));
        url.append_pair("status", self.status())
            .append_pair("overdue", &self.overdue)
            .append_pair("q", &self.q)
            .append_pair("sort", sort);
        if !after.is_empty() {
            url.append_pair("after", after)
                .append_pair("from", &from.to_string());
        }
        url.finish()
    }

    /// The list's order, for the column headers.
    fn sorting(&self) -> Sorting {
        Sorting::new(&self.sort, "due", &["remaining"])
    }

    /// The address a column header links to: the first page in that column's order.
    fn sort_link(&self, key: &str) -> String {
        self.link(&self.sorting().toggled(key), "", 1)
    }

    fn filter(&self) -> DocumentFilter {
        DocumentFilter {
            status: match self.status() {
                s @ ("open" | "closed") => Some(s.to_owned()),
                _ => None,
            },
            min_days_overdue: match self.overdue.as_str() {
                "1" => Some(1),
                "31" => Some(31),
                "61" => Some(61),
                "91" => Some(91),
                _ => None,
            },
            q: blank_to_none(&self.q),
            sort: blank_to_none(&self.sort),
            after: blank_to_none(&self.after),
            limit: Some(PAGE_ROWS),
            ..DocumentFilter::default()
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "documents.html")]
pub(super) struct ListPage {
    ctx: Ctx,
    f: ListQuery,
    rows: Vec<DocumentView>,
    names: DebtorNames,
    s: Sorting,
    pager: Pager,
    today: NaiveDate,
}

pub(super) async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(f): Query<ListQuery>,
) -> Result<ListPage, PageError> {
    viewer.require(Role::Viewer)?;
    let ctx = Ctx::load(&state, &viewer, "documents").await?;
    let tenant = &viewer.session.principal.tenant;
    let filter = f.filter();
    let page = state.app.documents(tenant, &filter).await?;
    // A list that ends on its first page is its own count: the count's scan is skipped (a
    // search usually finds less than a page).
    let total = if filter.after.is_none() && page.next_cursor.is_none() {
        u64::try_from(page.items.len()).unwrap_or(u64::MAX)
    } else {
        state.app.count_documents(tenant, &filter).await?
    };
    let pager = Pager::new(
        f.from.unwrap_or(1),
        page.items.len(),
        total,
        page.next_cursor.as_deref(),
        |after, from| f.link(&f.sort, after, from),
    );
    let names = DebtorNames::of(
        &state,
        tenant,
        page.items
            .iter()
            .map(|d| (d.agent_id.clone(), d.debtor_external_id.clone())),
    )
    .await?;
    Ok(ListPage {
        ctx,
        s: f.sorting(),
        f,
        rows: page.items,
        names,
        pager,
        today: state.app.clock.now().date_naive(),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "document.html")]
pub(super) struct DocumentPage {
    ctx: Ctx,
    doc: DocumentView,
    debtor_id: Option<String>,
    history: Vec<ActionView>,
    /// The history is of one debtor: no debtor column.
    names: DebtorNames,
    today: NaiveDate,
    /// When an open document will probably be paid.
    prediction: Option<PredictionView>,
}

pub(super) async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    PathId(id): PathId,
) -> Result<DocumentPage, PageError> {
    viewer.require(Role::Viewer)?;
    let ctx = Ctx::load(&state, &viewer, "documents").await?;
    let tenant = &viewer.session.principal.tenant;
    let doc = state.app.document(tenant, &id).await?;
    let history = state
        .app
        .actions(
            tenant,
            HistoryOf::Document(&id),
            &ActionQuery {
                limit: Some(PAGE_ROWS),
                ..ActionQuery::default()
            },
        )
        .await?
        .items;
    let debtor_id = state
        .app
        .debtor_id_of(tenant, &doc.agent_id, &doc.debtor_external_id)
        .await?;
    let prediction = state
        .app
        .prediction_of(tenant, &doc)
        .await?
        .map(|p| PredictionView::of(&ctx, &p));
    Ok(DocumentPage {
        ctx,
        doc,
        debtor_id,
        history,
        names: DebtorNames::default(),
        today: state.app.clock.now().date_naive(),
        prediction,
    })
}

#[derive(Debug, Default, Clone, Deserialize)]
pub(super) struct HistoryQuery {
    format: Option<String>,
    channel: Option<String>,
    status: Option<String>,
    manual: Option<String>,
    /// A period's first and last day (`YYYY-MM-DD`, as a date field sends them).
    since: Option<String>,
    until: Option<String>,
    /// One debtor's history (its id), from the debtor's page.
    debtor: Option<String>,
    after: Option<String>,
}

impl HistoryQuery {
    fn text(v: Option<&String>) -> &str {
        v.map_or("", |s| s.trim())
    }

    /// The filters as they stand in the address, for the next page and the export. Pairs go
    /// after the `?` and whatever already follows it (`format=csv`).
    fn link(&self, start: &str, after: Option<&str>) -> String {
        let query_start = start.find('?').map_or(start.len(), |i| i + 1);
        let mut url = form_urlencoded::Serializer::for_suffix(start.to_owned(), query_start);
        for (k, v) in [
            ("channel", &self.channel),
            ("status", &self.status),
            ("manual", &self.manual),
            ("since", &self.since),
            ("until", &self.until),
            ("debtor", &self.debtor),
        ] {
            url.append_pair(k, Self::text(v.as_ref()));
        }
        if let Some(after) = after {
            url.append_pair("after", after);
        }
        url.finish()
    }

    /// A day of the period, if one was given; `Err` when it is not a day.
    fn day(v: Option<&String>) -> Result<Option<NaiveDate>, chrono::ParseError> {
        match Self::text(v) {
            "" => Ok(None),
            t => NaiveDate::parse_from_str(t, "%Y-%m-%d").map(Some),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "history.html")]
pub(super) struct HistoryPage {
    ctx: Ctx,
    csv: String,
    channel: String,
    status: String,
    manual: String,
    since: String,
    until: String,
    /// The debtor whose history this is, when one is: `(id, name)`, and the address without it.
    debtor: Option<(String, String)>,
    all_debtors: String,
    channels: Vec<(&'static str, String)>,
    statuses: Vec<(&'static str, String)>,
    history: Vec<ActionView>,
    names: DebtorNames,
    pager: Pager,
    /// Why the period was refused, under its fields.
    period_error: Option<String>,
}

const CHANNELS: [&str; 8] = [
    "sms",
    "email",
    "letter",
    "registered_letter",
    "voice",
    "task",
    "sales_block",
    "handoff",
];
const STATUSES: [&str; 6] = ["planned", "claimed", "held", "sent", "failed", "skipped"];

/// Most rows one CSV export holds: a year of a busy firm's actions; a longer history is
/// exported filtered.
const CSV_ROWS: usize = 100_000;

pub(super) async fn history(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<HistoryQuery>,
) -> Result<Response, PageError> {
    viewer.require(Role::Viewer)?;
    if query.format.as_deref() == Some("csv") {
        return history_csv(&state, &viewer, query).await;
    }
    let ctx = Ctx::load(&state, &viewer, "history").await?;
    let tenant = &viewer.session.principal.tenant;
    let (q, period_error) = match action_query(
        &query,
        query.after.clone().filter(|a| !a.is_empty()),
        PAGE_ROWS,
    ) {
        Ok(q) => (q, None),
        Err(message) => (
            action_query(
                &HistoryQuery {
                    since: None,
                    until: None,
                    ..query.clone()
                },
                None,
                PAGE_ROWS,
            )
            .unwrap_or_default(),
            Some(ctx.t(message)),
        ),
    };
    let debtor_id = HistoryQuery::text(query.debtor.as_ref()).to_owned();
    let (of, debtor) = if debtor_id.is_empty() {
        (HistoryOf::Tenant, None)
    } else {
        let d = state.app.debtor(tenant, &debtor_id).await?;
        (
            HistoryOf::Debtor(&debtor_id),
            Some((d.debtor.id, d.debtor.name)),
        )
    };
    let page = state.app.actions(tenant, of, &q).await?;
    let names = DebtorNames::of(
        &state,
        tenant,
        page.items
            .iter()
            .map(|a| (a.agent_id.clone(), a.debtor_external_id.clone())),
    )
    .await?;
    let names = DebtorNames {
        show: debtor.is_none(),
        ..names
    };
    // No count: the firm's whole history is the one list too long to count on every page.
    let pager = Pager {
        next: page
            .next_cursor
            .as_deref()
            .map(|c| query.link("/history?", Some(c))),
        start: query
            .after
            .as_deref()
            .is_some_and(|a| !a.is_empty())
            .then(|| query.link("/history?", None)),
        ..Pager::default()
    };
    Ok(HistoryPage {
        csv: query.link("/history?format=csv", None),
        all_debtors: HistoryQuery {
            debtor: None,
            ..query.clone()
        }
        .link("/history?", None),
        channels: CHANNELS.iter().map(|c| (*c, ctx.channel(c))).collect(),
        statuses: STATUSES.iter().map(|s| (*s, ctx.status(s))).collect(),
        ctx,
        channel: HistoryQuery::text(query.channel.as_ref()).to_owned(),
        status: HistoryQuery::text(query.status.as_ref()).to_owned(),
        manual: HistoryQuery::text(query.manual.as_ref()).to_owned(),
        since: HistoryQuery::text(query.since.as_ref()).to_owned(),
        until: HistoryQuery::text(query.until.as_ref()).to_owned(),
        debtor,
        history: page.items,
        names,
        pager,
        period_error,
    }
    .into_response())
}

/// The store's query for the history's filters; `Err` names the message of a malformed or
/// reversed period.
fn action_query(
    query: &HistoryQuery,
    after: Option<String>,
    limit: u32,
) -> Result<ActionQuery, &'static str> {
    let channel = HistoryQuery::text(query.channel.as_ref()).to_owned();
    let status = HistoryQuery::text(query.status.as_ref()).to_owned();
    let since = HistoryQuery::day(query.since.as_ref()).map_err(|_| "history-bad-day")?;
    let until = HistoryQuery::day(query.until.as_ref()).map_err(|_| "history-bad-day")?;
    if let (Some(s), Some(u)) = (since, until)
        && s > u
    {
        return Err("history-period-reversed");
    }
    Ok(ActionQuery {
        channel: CHANNELS.contains(&channel.as_str()).then_some(channel),
        status: STATUSES.contains(&status.as_str()).then_some(status),
        manual: match query.manual.as_deref() {
            Some("yes") => Some(true),
            Some("no") => Some(false),
            _ => None,
        },
        since,
        until,
        after,
        limit: Some(limit),
    })
}

/// The filtered history as CSV for a spreadsheet (`;`-separated, UTF-8 with a byte-order mark,
/// formula-like cells neutralised), in the viewer's language, newest first.
async fn history_csv(
    state: &AppState,
    viewer: &Viewer,
    query: HistoryQuery,
) -> Result<Response, PageError> {
    let ctx = Ctx::load(state, viewer, "history").await?;
    let tenant = &viewer.session.principal.tenant;
    let mut sheet = inkaso_shared::sheet::SheetWriter::new();
    let header = [
        "col-when",
        "col-debtor",
        "col-process",
        "col-stage-short",
        "col-channel",
        "col-state",
        "filter-origin",
        "col-details",
        "nav-documents",
    ];
    let failed = |e: inkaso_shared::sheet::SheetError| PageError::internal(&e.to_string());
    sheet
        .row(header.iter().map(|id| ctx.t(id)))
        .map_err(failed)?;
    let names = state.app.debtor_names(tenant).await?;
    let debtor_id = HistoryQuery::text(query.debtor.as_ref()).to_owned();
    let of = if debtor_id.is_empty() {
        HistoryOf::Tenant
    } else {
        HistoryOf::Debtor(&debtor_id)
    };
    let mut after = None;
    let mut written = 0;
    loop {
        let page = state
            .app
            .actions(
                tenant,
                of,
                &action_query(&query, after, crate::store::query::MAX_PAGE)
                    .map_err(|m| PageError::new(axum::http::StatusCode::BAD_REQUEST, m, &[]))?,
            )
            .await?;
        for a in &page.items {
            sheet
                .row([
                    ctx.datetime(a.created_at),
                    names
                        .get(&(a.agent_id.clone(), a.debtor_external_id.clone()))
                        .map_or_else(
                            || a.debtor_external_id.clone(),
                            |n| format!("{n} ({})", a.debtor_external_id),
                        ),
                    a.process.clone(),
                    a.stage.clone(),
                    ctx.channel(&a.channel),
                    ctx.status(&a.status),
                    ctx.t(if a.automatic { "automatic" } else { "manual" }),
                    a.reason
                        .clone()
                        .or_else(|| a.description.clone())
                        .unwrap_or_default(),
                    a.documents
                        .iter()
                        .map(|d| d.document.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                ])
                .map_err(failed)?;
        }
        written += page.items.len();
        match page.next_cursor {
            Some(c) if written < CSV_ROWS => after = Some(c),
            _ => break,
        }
    }
    let day = state.app.clock.now().date_naive();
    Ok(crate::http::channels::attachment(
        "text/csv; charset=utf-8",
        &format!("historia-dzialan-{day}.csv"),
        sheet.finish().map_err(failed)?,
    ))
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct LettersQuery {
    day: Option<String>,
    done: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "letters.html")]
pub(super) struct LettersPage {
    ctx: Ctx,
    /// The posting day shown, when one is chosen.
    day: Option<NaiveDate>,
    /// The day the picker offers.
    pick: NaiveDate,
    rows: Vec<LetterRow>,
    errors: Vec<String>,
}

async fn letters_page(
    state: &AppState,
    viewer: &Viewer,
    ctx: Ctx,
    day: Option<NaiveDate>,
    errors: Vec<String>,
) -> Result<LettersPage, PageError> {
    let rows = state
        .app
        .letters(&viewer.session.principal.tenant, day, None)
        .await?;
    Ok(LettersPage {
        ctx,
        day,
        pick: day.unwrap_or_else(|| state.app.clock.now().date_naive()),
        rows,
        errors,
    })
}

pub(super) async fn letters(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<LettersQuery>,
) -> Result<LettersPage, PageError> {
    viewer.require(Role::Viewer)?;
    let ctx = Ctx::load(&state, &viewer, "letters").await?;
    let notice = ctx.notice(q.done.as_deref());
    let day = q
        .day
        .as_deref()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    letters_page(&state, &viewer, ctx.with_notice(notice), day, Vec::new()).await
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct BookQuery {
    format: Option<String>,
}

/// A day's posting book as PDF (to print and take to the post office) or CSV (for the post's
/// bulk-sending tools), in the viewer's language.
pub(super) async fn posting_book(
    State(state): State<AppState>,
    viewer: Viewer,
    PathId(day): PathId,
    Query(q): Query<BookQuery>,
) -> Result<Response, PageError> {
    viewer.require(Role::Viewer)?;
    let lang = viewer.lang;
    let day = NaiveDate::parse_from_str(&day, "%Y-%m-%d").map_err(|_| PageError::not_found())?;
    let book = state
        .app
        .posting_book(&viewer.session.principal.tenant, day)
        .await?;
    let stem = format!("ksiazka-nadawcza-{day}");
    let failed = |e: String| PageError::internal(&e);
    Ok(match q.format.as_deref() {
        Some("csv") => crate::http::channels::attachment(
            "text/csv; charset=utf-8",
            &format!("{stem}.csv"),
            book.to_csv(lang)
                .map_err(|e| failed(e.to_string()))?
                .into_bytes(),
        ),
        _ => crate::http::channels::attachment(
            "application/pdf",
            &format!("{stem}.pdf"),
            book.to_pdf(lang).map_err(|e| failed(e.to_string()))?.0,
        ),
    })
}

/// Tracking numbers for a posting day's registered letters, typed in bulk from the post
/// office's receipt: one field per letter; an empty or unchanged field is left alone.
pub(super) async fn save_tracking(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    viewer.require(Role::Editor)?;
    let ctx = Ctx::load(&state, &viewer, "letters").await?;
    let tenant = &viewer.session.principal.tenant;
    let day = pairs
        .iter()
        .find(|(k, _)| k == "day")
        .and_then(|(_, v)| NaiveDate::parse_from_str(v, "%Y-%m-%d").ok())
        .ok_or_else(|| PageError::bad_form("day"))?;
    let letters = state.app.letters(tenant, Some(day), None).await?;
    let mut errors = Vec::new();
    for (key, value) in &pairs {
        let Some(id) = key.strip_prefix("tracking.") else {
            continue;
        };
        let value = value.trim();
        let Some(letter) = letters.iter().find(|l| l.id == id) else {
            return Err(PageError::not_found());
        };
        if value.is_empty() || letter.tracking_number.as_deref() == Some(value) {
            continue;
        }
        match state.app.set_tracking_number(tenant, id, value).await {
            Ok(_) => {}
            Err(crate::services::ServiceError::Invalid(e)) => {
                errors.push(format!("{}: {}", letter.number, e.message(ctx.lang)));
            }
            Err(e) => return Err(e.into()),
        }
    }
    if errors.is_empty() {
        let to = format!("/letters?day={day}&done=tracking-saved");
        return Ok(Redirect::to(&to).into_response());
    }
    let page = letters_page(&state, &viewer, ctx, Some(day), errors).await?;
    Ok((axum::http::StatusCode::BAD_REQUEST, page).into_response())
}

/// A letter's PDF, to view in the browser or save.
pub(super) async fn letter_pdf(
    State(state): State<AppState>,
    viewer: Viewer,
    PathId(id): PathId,
) -> Result<Response, PageError> {
    viewer.require(Role::Viewer)?;
    let (name, pdf) = state
        .app
        .letter_pdf(&viewer.session.principal.tenant, &id)
        .await?;
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{safe}\""),
            ),
        ],
        pdf,
    )
        .into_response())
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct TasksQuery {
    status: Option<String>,
    done: Option<String>,
    after: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "tasks.html")]
pub(super) struct TasksPage {
    ctx: Ctx,
    status: String,
    rows: Vec<TaskRow>,
    names: DebtorNames,
    today: NaiveDate,
    next: Option<String>,
}

pub(super) async fn tasks(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<TasksQuery>,
) -> Result<TasksPage, PageError> {
    viewer.require(Role::Viewer)?;
    let ctx = Ctx::load(&state, &viewer, "tasks").await?;
    let notice = ctx.notice(q.done.as_deref());
    let status = q.status.unwrap_or_else(|| "open".to_owned());
    let page = state
        .app
        .tasks_page(
            &viewer.session.principal.tenant,
            &TaskFilter {
                status: matches!(status.as_str(), "open" | "done").then(|| status.clone()),
                after: q.after.filter(|a| !a.is_empty()),
                limit: Some(PAGE_ROWS),
                ..TaskFilter::default()
            },
        )
        .await?;
    let next = page.next_cursor.map(|c| {
        form_urlencoded::Serializer::new(String::from("/tasks?"))
            .append_pair("status", &status)
            .append_pair("after", &c)
            .finish()
    });
    let names = DebtorNames::of(
        &state,
        &viewer.session.principal.tenant,
        page.items
            .iter()
            .map(|t| (t.agent_id.clone(), t.debtor_external_id.clone())),
    )
    .await?;
    Ok(TasksPage {
        ctx: ctx.with_notice(notice),
        status,
        rows: page.items,
        names,
        today: state.app.clock.now().date_naive(),
        next,
    })
}

#[derive(Debug, Deserialize)]
pub(super) struct CloseTaskForm {
    #[serde(default)]
    note: String,
    /// The debtor's page the task was closed from, to return to.
    #[serde(default)]
    back: String,
}

pub(super) async fn close_task(
    State(state): State<AppState>,
    viewer: Viewer,
    PathId(id): PathId,
    Form(form): Form<CloseTaskForm>,
) -> Result<Response, PageError> {
    viewer.require(Role::Editor)?;
    state
        .app
        .close_task(
            &viewer.session.principal.tenant,
            &viewer.session.principal.actor,
            &id,
            blank_to_none(&form.note).as_deref(),
        )
        .await?;
    // Only back to a debtor's page of this portal, never to an address a form could name.
    let back = form
        .back
        .strip_prefix("/debtors/")
        .filter(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        .map_or_else(|| "/tasks".to_owned(), |id| format!("/debtors/{id}"));
    Ok(Redirect::to(&format!("{back}?done=task-closed")).into_response())
}
