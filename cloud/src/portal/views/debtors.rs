//! Debtors (Dłużnicy): the searchable list, and a debtor's page — contacts with consent, the
//! process that applies and why, pauses, documents, letters and the history — where a pause or
//! a promise to pay is recorded.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_htmx::HxRequest;
use chrono::NaiveDate;
use inkaso_shared::Localized as _;
use serde::Deserialize;

use super::super::session::Form;
use super::super::{Ctx, PageError, Viewer};
use super::{Empty, PathId, blank_to_none};
use crate::domain::accounts::Role;
use crate::http::AppState;
use crate::process::model::AssignedBy;
use crate::process::state::PauseKind;
use crate::services::ServiceError;
use crate::services::collection::{HistoryOf, NewPauseOrder};
use crate::services::model::{
    ActionQuery, ActionView, DebtorDetail, DebtorFilter, DebtorView, LetterRow, PauseView,
};

/// Rows per page of the list.
const PAGE_ROWS: u32 = 50;
/// Actions shown on a debtor's page.
const HISTORY_ROWS: u32 = 30;

#[derive(Debug, Default, Deserialize)]
pub(super) struct ListQuery {
    q: Option<String>,
    open: Option<String>,
    after: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "debtors.html")]
pub(super) struct ListPage {
    ctx: Ctx,
    q: String,
    open: String,
    rows: Vec<DebtorView>,
    next: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "debtors_table.html")]
pub(super) struct ListTable {
    ctx: Ctx,
    q: String,
    open: String,
    rows: Vec<DebtorView>,
    next: Option<String>,
}

fn next_link(q: &str, open: &str, cursor: Option<String>) -> Option<String> {
    cursor.map(|c| {
        form_urlencoded::Serializer::new(String::from("/debtors?"))
            .append_pair("q", q)
            .append_pair("open", open)
            .append_pair("after", &c)
            .finish()
    })
}

pub(super) async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    HxRequest(partial): HxRequest,
    Query(query): Query<ListQuery>,
) -> Result<Response, PageError> {
    viewer.require(Role::Viewer)?;
    let ctx = Ctx::load(&state, &viewer, "debtors").await?;
    let q = query.q.unwrap_or_default();
    let open = query.open.unwrap_or_default();
    let filter = DebtorFilter {
        q: blank_to_none(&q),
        has_open: match open.as_str() {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        },
        after: query.after.filter(|a| !a.is_empty()),
        limit: Some(PAGE_ROWS),
        ..DebtorFilter::default()
    };
    let page = state
        .app
        .debtors(&viewer.session.principal.tenant, &filter)
        .await?;
    let next = next_link(&q, &open, page.next_cursor);
    // A search typed with htmx replaces only the table; the address bar keeps the filter.
    Ok(if partial {
        ListTable {
            ctx,
            q,
            open,
            rows: page.items,
            next,
        }
        .into_response()
    } else {
        ListPage {
            ctx,
            q,
            open,
            rows: page.items,
            next,
        }
        .into_response()
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "debtor.html")]
pub(super) struct DebtorPage {
    ctx: Ctx,
    d: DebtorDetail,
    today: NaiveDate,
    process: Option<String>,
    process_why: String,
    legal_status: String,
    excluded: bool,
    pauses: Vec<PauseView>,
    history: Vec<ActionView>,
    letters: Vec<LetterRow>,
    address: Option<String>,
    form: PauseFormView,
}

/// The pause form as last submitted, with the error next to its field.
#[derive(Debug, Default, Clone)]
struct PauseFormView {
    kind: String,
    until: String,
    reason: String,
    document: String,
    error_field: String,
    error: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct ShowQuery {
    done: Option<String>,
}

async fn debtor_page(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
    ctx: Ctx,
    form: PauseFormView,
) -> Result<DebtorPage, PageError> {
    let tenant = &viewer.session.principal.tenant;
    let d = state.app.debtor(tenant, id).await?;
    let collection = state.app.debtor_collection(tenant, id).await?;
    let pauses = state.app.debtor_pauses(tenant, id).await?;
    let history = state
        .app
        .actions(
            tenant,
            HistoryOf::Debtor(id),
            &ActionQuery {
                limit: Some(HISTORY_ROWS),
                ..ActionQuery::default()
            },
        )
        .await?
        .items;
    let letters = state.app.letters(tenant, None, Some(id)).await?;
    let (process, process_why) = match &collection.assignment {
        Some((code, by)) => (
            Some(code.clone()),
            match by {
                AssignedBy::Own => ctx.t("process-why-own"),
                AssignedBy::GroupRule { number } => {
                    ctx.tn("process-why-rule", i64::try_from(*number).unwrap_or(0))
                }
                AssignedBy::Default => ctx.t("process-why-default"),
            },
        ),
        None => (None, ctx.t("process-none")),
    };
    let legal_status = ctx.t(&format!(
        "legal-{}",
        collection.state.legal_status.replace('_', "-")
    ));
    let address = d.address.as_ref().map(|a| {
        ["street", "postal_code", "city", "country"]
            .iter()
            .filter_map(|k| a.get(*k).and_then(|v| v.as_str()))
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
    });
    Ok(DebtorPage {
        today: state.app.clock.now().date_naive(),
        ctx,
        d,
        process,
        process_why,
        legal_status,
        excluded: collection.state.excluded,
        pauses,
        history,
        letters,
        address: address.filter(|a| !a.is_empty()),
        form,
    })
}

pub(super) async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    PathId(id): PathId,
    Query(q): Query<ShowQuery>,
) -> Result<DebtorPage, PageError> {
    viewer.require(Role::Viewer)?;
    let ctx = Ctx::load(&state, &viewer, "debtors").await?;
    let notice = ctx.notice(q.done.as_deref());
    let form = PauseFormView {
        kind: "promise_to_pay".to_owned(),
        ..PauseFormView::default()
    };
    debtor_page(&state, &viewer, &id, ctx.with_notice(notice), form).await
}

#[derive(Debug, Deserialize)]
pub(super) struct PauseForm {
    kind: String,
    #[serde(default)]
    until: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    document: String,
}

/// Records a pause, a dispute or a promise to pay; a refusal is shown next to its field on the
/// debtor's page.
pub(super) async fn add_pause(
    State(state): State<AppState>,
    viewer: Viewer,
    PathId(id): PathId,
    Form(form): Form<PauseForm>,
) -> Result<Response, PageError> {
    viewer.require(Role::Editor)?;
    let ctx = Ctx::load(&state, &viewer, "debtors").await?;
    let mut shown = PauseFormView {
        kind: form.kind.clone(),
        until: form.until.clone(),
        reason: form.reason.clone(),
        document: form.document.clone(),
        ..PauseFormView::default()
    };
    let kind = match form.kind.as_str() {
        "promise_to_pay" => PauseKind::PromiseToPay,
        "dispute" => PauseKind::Dispute,
        "manual" => PauseKind::Manual,
        _ => return Err(PageError::bad_form("kind")),
    };
    let until = match form.until.trim() {
        "" => None,
        text => {
            let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") else {
                "until".clone_into(&mut shown.error_field);
                shown.error = Some(ctx.t("pause-until-invalid"));
                let page = debtor_page(&state, &viewer, &id, ctx, shown).await?;
                return Ok((StatusCode::BAD_REQUEST, page).into_response());
            };
            Some(day)
        }
    };
    let order = NewPauseOrder {
        kind,
        until,
        reason: form.reason.trim().to_owned(),
        document_id: blank_to_none(&form.document),
    };
    match state
        .app
        .add_pause(
            &viewer.session.principal.tenant,
            &viewer.session.principal.actor,
            &id,
            order,
        )
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/debtors/{id}?done=pause-added")).into_response()),
        Err(ServiceError::Invalid(i)) => {
            shown.error_field = i
                .field
                .rsplit('.')
                .next()
                .unwrap_or_default()
                .replace("document_id", "document");
            shown.error = Some(i.message(ctx.lang));
            let page = debtor_page(&state, &viewer, &id, ctx, shown).await?;
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn lift_pause(
    State(state): State<AppState>,
    viewer: Viewer,
    axum::extract::Path((id, pause)): axum::extract::Path<(String, String)>,
    Form(Empty {}): Form<Empty>,
) -> Result<Response, PageError> {
    viewer.require(Role::Editor)?;
    state
        .app
        .lift_pause(
            &viewer.session.principal.tenant,
            &viewer.session.principal.actor,
            &id,
            &pause,
        )
        .await?;
    Ok(Redirect::to(&format!("/debtors/{id}?done=pause-lifted")).into_response())
}
