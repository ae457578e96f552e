//! Documents (Dokumenty) with their filters, a document's page with its history, the firm's
//! history of actions (Historia działań), letters with their PDFs, and tasks.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::Deserialize;

use super::super::session::Form;
use super::super::{Ctx, PageError, Viewer};
use super::{PathId, blank_to_none};
use crate::domain::accounts::Role;
use crate::http::AppState;
use crate::services::collection::HistoryOf;
use crate::services::model::{
    ActionQuery, ActionView, DocumentFilter, DocumentView, LetterRow, TaskRow,
};

const PAGE_ROWS: u32 = 50;

#[derive(Debug, Default, Deserialize)]
pub(super) struct ListQuery {
    status: Option<String>,
    overdue: Option<String>,
    after: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "documents.html")]
pub(super) struct ListPage {
    ctx: Ctx,
    status: String,
    overdue: String,
    rows: Vec<DocumentView>,
    next: Option<String>,
    today: NaiveDate,
}

pub(super) async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<ListQuery>,
) -> Result<ListPage, PageError> {
    viewer.require(Role::Viewer)?;
    let ctx = Ctx::load(&state, &viewer, "documents").await?;
    let status = query.status.unwrap_or_else(|| "open".to_owned());
    let overdue = query.overdue.unwrap_or_default();
    let filter = DocumentFilter {
        status: match status.as_str() {
            "open" | "closed" => Some(status.clone()),
            _ => None,
        },
        min_days_overdue: match overdue.as_str() {
            "1" => Some(1),
            "31" => Some(31),
            "61" => Some(61),
            "91" => Some(91),
            _ => None,
        },
        after: query.after.filter(|a| !a.is_empty()),
        limit: Some(PAGE_ROWS),
        ..DocumentFilter::default()
    };
    let page = state
        .app
        .documents(&viewer.session.principal.tenant, &filter)
        .await?;
    let next = page.next_cursor.map(|c| {
        form_urlencoded::Serializer::new(String::from("/documents?"))
            .append_pair("status", &status)
            .append_pair("overdue", &overdue)
            .append_pair("after", &c)
            .finish()
    });
    Ok(ListPage {
        ctx,
        status,
        overdue,
        rows: page.items,
        next,
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
    today: NaiveDate,
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
    Ok(DocumentPage {
        ctx,
        doc,
        debtor_id,
        history,
        today: state.app.clock.now().date_naive(),
    })
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct HistoryQuery {
    channel: Option<String>,
    status: Option<String>,
    manual: Option<String>,
    after: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "history.html")]
pub(super) struct HistoryPage {
    ctx: Ctx,
    channel: String,
    status: String,
    manual: String,
    channels: Vec<(&'static str, String)>,
    statuses: Vec<(&'static str, String)>,
    history: Vec<ActionView>,
    next: Option<String>,
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

pub(super) async fn history(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<HistoryQuery>,
) -> Result<HistoryPage, PageError> {
    viewer.require(Role::Viewer)?;
    let ctx = Ctx::load(&state, &viewer, "history").await?;
    let channel = query.channel.unwrap_or_default();
    let status = query.status.unwrap_or_default();
    let manual = query.manual.unwrap_or_default();
    let q = ActionQuery {
        channel: CHANNELS
            .contains(&channel.as_str())
            .then(|| channel.clone()),
        status: STATUSES.contains(&status.as_str()).then(|| status.clone()),
        manual: match manual.as_str() {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        },
        after: query.after.filter(|a| !a.is_empty()),
        limit: Some(PAGE_ROWS),
    };
    let page = state
        .app
        .actions(&viewer.session.principal.tenant, HistoryOf::Tenant, &q)
        .await?;
    let next = page.next_cursor.map(|c| {
        form_urlencoded::Serializer::new(String::from("/history?"))
            .append_pair("channel", &channel)
            .append_pair("status", &status)
            .append_pair("manual", &manual)
            .append_pair("after", &c)
            .finish()
    });
    Ok(HistoryPage {
        channels: CHANNELS.iter().map(|c| (*c, ctx.channel(c))).collect(),
        statuses: STATUSES.iter().map(|s| (*s, ctx.status(s))).collect(),
        ctx,
        channel,
        status,
        manual,
        history: page.items,
        next,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "letters.html")]
pub(super) struct LettersPage {
    ctx: Ctx,
    rows: Vec<LetterRow>,
}

pub(super) async fn letters(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<LettersPage, PageError> {
    viewer.require(Role::Viewer)?;
    let ctx = Ctx::load(&state, &viewer, "letters").await?;
    let rows = state
        .app
        .letters(&viewer.session.principal.tenant, None, None)
        .await?;
    Ok(LettersPage { ctx, rows })
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
}

#[derive(Template, WebTemplate)]
#[template(path = "tasks.html")]
pub(super) struct TasksPage {
    ctx: Ctx,
    status: String,
    rows: Vec<TaskRow>,
    today: NaiveDate,
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
    let rows = state
        .app
        .tasks(
            &viewer.session.principal.tenant,
            matches!(status.as_str(), "open" | "done").then_some(status.as_str()),
        )
        .await?;
    Ok(TasksPage {
        ctx: ctx.with_notice(notice),
        status,
        rows,
        today: state.app.clock.now().date_naive(),
    })
}

#[derive(Debug, Deserialize)]
pub(super) struct CloseTaskForm {
    #[serde(default)]
    note: String,
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
    Ok(Redirect::to("/tasks?done=task-closed").into_response())
}
