//! Debtors (Dłużnicy): the searchable list, and a debtor's page — contacts with consent, the
//! process that applies and why, pauses, documents, letters, tasks, cases and the history —
//! where a pause or a promise to pay is recorded, a stage is run now for chosen documents and
//! documents are handed to a law firm.

use std::collections::BTreeMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_htmx::HxRequest;
use chrono::NaiveDate;
use inkaso_shared::{Lang, Localized as _};
use serde::Deserialize;

use super::super::session::Form;
use super::super::{Ctx, PageError, Viewer};
use super::stats::DebtorRow;
use super::{
    Actors, DebtorNames, Empty, Pager, PathId, PredictionView, Sorting, blank_to_none, owed_line,
};
use crate::domain::accounts::Role;
use crate::domain::notifications::{NotificationKind, Snapshot};
use crate::http::AppState;
use crate::process::model::{AssignedBy, Stage};
use crate::process::state::PauseKind;
use crate::services::ServiceError;
use crate::services::collection::OnDemandOrder;
use crate::services::collection::{HistoryOf, NewPauseOrder};
use crate::services::model::{
    ActionQuery, ActionView, AuditEntry, AuditFilter, DebtorDetail, DebtorFilter, DebtorView,
    DocumentView, LetterRow, PauseView,
};
use crate::services::notifications::{NotificationOrder, NotificationView};
use crate::services::records::ConsentOrder;
use crate::store::cases::{Case, CaseFilter, NewCase, PageRequest};
use crate::store::channels::TaskRow;

/// Rows per page of the list.
const PAGE_ROWS: u32 = 50;
/// Actions shown on a debtor's page.
const HISTORY_ROWS: u32 = 30;

/// The list's filters, order and position, as in the address (and the form).
#[derive(Debug, Default, Clone, Deserialize)]
pub(super) struct ListQuery {
    #[serde(default)]
    q: String,
    /// `yes` (with open documents), `overdue`, `no` (none open); empty: all.
    #[serde(default)]
    open: String,
    /// `yes`, `no`; empty: all.
    #[serde(default)]
    paused: String,
    /// `active`, `deceased`, `bankrupt`; empty: all.
    #[serde(default)]
    legal: String,
    /// A process's code; empty: any.
    #[serde(default)]
    process: String,
    /// `name`, `-name`, `open_documents`, `-open_documents`; empty: by name.
    #[serde(default)]
    sort: String,
    #[serde(default)]
    after: String,
    /// The page's first row's position in the list (for "51–100 of N").
    #[serde(default)]
    from: Option<u64>,
}

impl ListQuery {
    fn is_filtered(&self) -> bool {
        !(self.q.is_empty()
            && self.open.is_empty()
            && self.paused.is_empty()
            && self.legal.is_empty()
            && self.process.is_empty())
    }

    /// The list's address with these filters, an order, a cursor and a position.
    fn link(&self, sort: &str, after: &str, from: u64) -> String {
        let mut url =
            form_urlencoded::Serializer::for_suffix(String::from("/debtors?"), "/debtors?".len());
        url.append_pair("q", &self.q)
            .append_pair("open", &self.open)
            .append_pair("paused", &self.paused)
            .append_pair("legal", &self.legal)
            .append_pair("process", &self.process)
            .append_pair("sort", sort);
        if !after.is_empty() {
            url.append_pair("after", after)
                .append_pair("from", &from.to_string());
        }
        url.finish()
    }

    /// The list's order, for the column headers.
    fn sorting(&self) -> Sorting {
        Sorting::new(&self.sort, "name", &["open_documents"])
    }

    /// The address a column header links to: the first page in that column's order.
    fn sort_link(&self, key: &str) -> String {
        self.link(&self.sorting().toggled(key), "", 1)
    }

    fn filter(&self) -> DebtorFilter {
        let yes_no = |v: &str| match v {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        };
        DebtorFilter {
            q: blank_to_none(&self.q),
            has_open: match self.open.as_str() {
                "yes" => Some(true),
                "no" => Some(false),
                _ => None,
            },
            overdue: (self.open == "overdue").then_some(true),
            paused: yes_no(&self.paused),
            legal_status: ["active", "deceased", "bankrupt"]
                .contains(&self.legal.as_str())
                .then(|| self.legal.clone()),
            process: blank_to_none(&self.process),
            sort: blank_to_none(&self.sort),
            after: blank_to_none(&self.after),
            limit: Some(PAGE_ROWS),
            ..DebtorFilter::default()
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "debtors.html")]
pub(super) struct ListPage {
    ctx: Ctx,
    f: ListQuery,
    /// The processes to filter by: `(code, name)`.
    processes: Vec<(String, String)>,
    rows: Vec<DebtorView>,
    s: Sorting,
    pager: Pager,
}

#[derive(Template, WebTemplate)]
#[template(path = "debtors_table.html")]
pub(super) struct ListTable {
    ctx: Ctx,
    f: ListQuery,
    rows: Vec<DebtorView>,
    s: Sorting,
    pager: Pager,
}

pub(super) async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    HxRequest(partial): HxRequest,
    Query(f): Query<ListQuery>,
) -> Result<Response, PageError> {
    viewer.require(Role::Viewer)?;
    let ctx = Ctx::load(&state, &viewer, "debtors").await?;
    let tenant = &viewer.session.principal.tenant;
    let filter = f.filter();
    let page = state.app.debtors(tenant, &filter).await?;
    // A list that ends on its first page is its own count: the count's scan is skipped (a
    // search usually finds less than a page).
    let total = if filter.after.is_none() && page.next_cursor.is_none() {
        u64::try_from(page.items.len()).unwrap_or(u64::MAX)
    } else {
        state.app.count_debtors(tenant, &filter).await?
    };
    let pager = Pager::new(
        f.from.unwrap_or(1),
        page.items.len(),
        total,
        page.next_cursor.as_deref(),
        |after, from| f.link(&f.sort, after, from),
    );
    let s = f.sorting();
    // A search typed with htmx replaces only the table; the address bar keeps the filter.
    Ok(if partial {
        ListTable {
            ctx,
            f,
            rows: page.items,
            s,
            pager,
        }
        .into_response()
    } else {
        let processes = state
            .app
            .processes(tenant)
            .await?
            .into_iter()
            .map(|p| (p.code, p.name))
            .collect();
        ListPage {
            ctx,
            f,
            processes,
            rows: page.items,
            s,
            pager,
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
    /// The history is of this debtor: no debtor column.
    names: DebtorNames,
    letters: Vec<LetterRow>,
    tasks: Vec<TaskRow>,
    cases: Vec<Case>,
    /// The stages of the process that applies, to run now: `(code, label)`.
    stages: Vec<(String, String)>,
    /// The law firms documents can be handed to: `(id, name)`.
    partners: Vec<(String, String)>,
    /// A fresh id for the run-now form, so a resubmitted form performs nothing twice.
    request_id: String,
    address: Option<String>,
    form: PauseFormView,
    /// Why running a stage or a hand-off was refused (shown above the documents).
    act_error: Option<String>,
    /// How it pays, its documents' predicted payments, its sector.
    outlook: Outlook,
    /// Notifications made by hand, newest first, with the settlement since each and the
    /// author in words.
    notifications: Vec<(NotificationView, String)>,
    /// What the debtor owes now, beside each notification's figures then.
    owed_now: Snapshot,
    /// The notification form as last submitted, with its refusal.
    notify: NotifyFormView,
    /// Every consent recorded for the debtor, newest first, with who recorded it.
    consent_history: Vec<(AuditEntry, String)>,
    /// Why recording a consent was refused.
    consent_error: Option<String>,
}

/// The notification form as last submitted, with the error next to its field.
#[derive(Debug, Default, Clone)]
struct NotifyFormView {
    kind: String,
    text: String,
    note: String,
    promise: String,
    error_field: String,
    error: Option<String>,
}

impl DebtorPage {
    /// A consent change as the audit log keeps it (`sms=false (source; basis)`), in words.
    fn consent_change(&self, details: &str) -> String {
        let ctx = &self.ctx;
        let Some((channel, rest)) = details.split_once('=') else {
            return details.to_owned();
        };
        let (given, source) = rest.split_once(' ').unwrap_or((rest, ""));
        let state = if given == "true" {
            ctx.t("consent-given")
        } else {
            ctx.t("consent-refused")
        };
        let source = source.trim().trim_start_matches('(').trim_end_matches(')');
        let source = match source.split_once(';') {
            Some((src, basis)) => format!("{}; {}", self.consent_source(src), basis.trim()),
            None => self.consent_source(source),
        };
        format!("{}: {state} ({source})", ctx.channel(channel))
    }

    /// A consent's source in words: a withdrawal by SMS names the message (`sms:<MsgId>`).
    fn consent_source(&self, source: &str) -> String {
        match source.strip_prefix("sms:") {
            Some(msg) => self.ctx.ta("consent-source-sms", "id", msg),
            None => source.to_owned(),
        }
    }

    /// What was owed in a snapshot, per currency: past due, not yet due, overpaid.
    fn owed_lines(&self, s: &Snapshot) -> Vec<String> {
        let ctx = &self.ctx;
        s.owed
            .iter()
            .map(|(currency, o)| owed_line(ctx, currency, o, " · "))
            .collect()
    }

    fn predicted_for(&self, id: &str) -> Option<&PredictionView> {
        self.outlook.predicted.get(id)
    }

    #[allow(clippy::trivially_copy_pass_by_ref)] // the template's loop lends its items
    fn is_sector(&self, letter: &char) -> bool {
        self.outlook.sector.chosen == Some(*letter)
    }
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

/// The debtor's notifications with their authors in words, and what it owes now.
#[allow(clippy::type_complexity)] // three lists the page shows side by side
async fn notifications_of(
    state: &AppState,
    tenant: &crate::store::TenantScope,
    ctx: &Ctx,
    id: &str,
) -> Result<
    (
        Vec<(NotificationView, String)>,
        Snapshot,
        Vec<(AuditEntry, String)>,
    ),
    PageError,
> {
    let (list, owed_now) = state
        .app
        .debtor_notifications(tenant, id, HISTORY_ROWS)
        .await?;
    let actors = Actors::load(state, tenant).await?;
    let list = list
        .into_iter()
        .map(|v| {
            let author = actors.name(ctx, &v.row.author);
            (v, author)
        })
        .collect();
    let consents = state
        .app
        .audit_log(
            tenant,
            &AuditFilter {
                action: Some("consent.".to_owned()),
                target: Some(id.to_owned()),
                limit: Some(HISTORY_ROWS),
                after: None,
            },
        )
        .await?
        .items
        .into_iter()
        .map(|e| {
            let who = actors.name(ctx, &e.actor);
            (e, who)
        })
        .collect();
    Ok((list, owed_now, consents))
}

/// The process that applies and why, as the page says it.
fn process_line(ctx: &Ctx, assignment: Option<&(String, AssignedBy)>) -> (Option<String>, String) {
    match assignment {
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
    }
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
    let tasks = state
        .app
        .debtor_tasks(tenant, &d.debtor.agent_id, &d.debtor.external_id)
        .await?;
    let cases = state
        .app
        .client_cases(
            tenant,
            &CaseFilter {
                debtor_external_id: Some(d.debtor.external_id.clone()),
                agent_id: Some(d.debtor.agent_id.clone()),
                ..CaseFilter::default()
            },
            &PageRequest::default(),
        )
        .await?
        .items;
    let stages = match &collection.assignment {
        Some((code, _)) => state
            .app
            .process(tenant, code)
            .await?
            .stages
            .iter()
            .map(|s| (s.code.clone(), stage_label(&ctx, s)))
            .collect(),
        None => Vec::new(),
    };
    let partners = state.app.linked_partners(tenant).await?;
    let outlook = outlook(state, tenant, &ctx, &d).await?;
    let (notifications, owed_now, consent_history) =
        notifications_of(state, tenant, &ctx, id).await?;
    let (process, process_why) = process_line(&ctx, collection.assignment.as_ref());
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
        names: DebtorNames::default(),
        letters,
        tasks,
        cases,
        stages,
        partners,
        request_id: crate::store::new_id(),
        address: address.filter(|a| !a.is_empty()),
        form,
        act_error: None,
        outlook,
        notifications,
        owed_now,
        notify: NotifyFormView {
            kind: "sms".to_owned(),
            ..NotifyFormView::default()
        },
        consent_history,
        consent_error: None,
    })
}

/// What the debtor's page shows of its statistics.
struct Outlook {
    /// How it pays, per currency.
    behaviour: Vec<(String, DebtorRow)>,
    /// Its open documents' predicted payments, by document id.
    predicted: BTreeMap<String, PredictionView>,
    /// Its PKD section as the firm chose it and as the REGON register gives it.
    sector: crate::store::stats::DebtorSector,
    /// What stands when the firm chose none: the register's section, or "unknown".
    sector_default: String,
    /// The sections to choose from: `(letter, name)`.
    sections: Vec<(char, String)>,
}

/// How the debtor pays, per currency, its open documents' predicted payments by id, and its
/// PKD section with the ones to choose from.
async fn outlook(
    state: &AppState,
    tenant: &crate::store::TenantScope,
    ctx: &Ctx,
    d: &crate::services::model::DebtorDetail,
) -> Result<Outlook, PageError> {
    let outlook = state.app.outlook_of(tenant, d).await?;
    let key = format!("{}/{}", d.debtor.agent_id, d.debtor.external_id);
    let behaviour = outlook
        .delays
        .iter()
        .map(|(currency, delay)| (currency.clone(), DebtorRow::of(ctx, &key, delay)))
        .collect();
    let predicted = outlook
        .predictions
        .iter()
        .map(|(doc, p)| (doc.id.clone(), PredictionView::of(ctx, p)))
        .collect();
    let sector = state
        .app
        .debtor_sector(tenant, &d.debtor.agent_id, &d.debtor.external_id)
        .await?;
    let sections = ('A'..='U')
        .map(|c| (c, ctx.t(&format!("pkd-{}", c.to_ascii_lowercase()))))
        .collect();
    let sector_default = match (sector.register, &sector.pkd) {
        (Some(letter), Some(pkd)) => crate::i18n::text_with(
            ctx.lang,
            "market-sector-register",
            &[
                ("section", crate::i18n::Arg::Text(letter.to_string())),
                ("pkd", crate::i18n::Arg::Text(pkd.clone())),
            ],
        ),
        _ => ctx.t("market-sector-unknown"),
    };
    Ok(Outlook {
        behaviour,
        predicted,
        sector,
        sector_default,
        sections,
    })
}

/// A stage as offered to run now: its name, channel and place on the timeline.
fn stage_label(ctx: &Ctx, stage: &Stage) -> String {
    let days = i64::from(stage.offset_days);
    let when = match days {
        0 => ctx.t("stage-offset-on"),
        d if d < 0 => ctx.tn("stage-offset-before", -d),
        d => ctx.tn("stage-offset-after", d),
    };
    format!(
        "{} — {}, {when}",
        stage.name,
        ctx.channel(stage.channel.code())
    )
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

#[derive(Debug, Deserialize)]
pub(super) struct NotifyForm {
    kind: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    promise: String,
    /// `send` to send an SMS at once; anything else keeps it unsent (or records the others).
    #[serde(default)]
    action: String,
}

/// Makes a notification (R-N4); a refusal is shown next to its field in the form.
pub(super) async fn notify(
    State(state): State<AppState>,
    viewer: Viewer,
    PathId(id): PathId,
    Form(form): Form<NotifyForm>,
) -> Result<Response, PageError> {
    viewer.require(Role::Editor)?;
    let ctx = Ctx::load(&state, &viewer, "debtors").await?;
    let mut shown = NotifyFormView {
        kind: form.kind.clone(),
        text: form.text.clone(),
        note: form.note.clone(),
        promise: form.promise.clone(),
        ..NotifyFormView::default()
    };
    let Some(kind) = NotificationKind::parse(&form.kind) else {
        return Err(PageError::bad_form("kind"));
    };
    let promise_date = match form.promise.trim() {
        "" => None,
        text => {
            let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") else {
                return notify_refused(
                    &state,
                    &viewer,
                    &id,
                    ctx.clone(),
                    shown,
                    "promise",
                    ctx.t("pause-until-invalid"),
                )
                .await;
            };
            Some(day)
        }
    };
    let send_now = form.action == "send";
    let order = NotificationOrder {
        kind,
        text: form.text,
        note: blank_to_none(&form.note),
        promise_date,
        send_now,
    };
    let tenant = &viewer.session.principal.tenant;
    match state
        .app
        .create_notification(tenant, &viewer.session.principal.actor, &id, order)
        .await
    {
        Ok(n) => {
            let done = if kind.is_sent_by_us() {
                let row = state.app.notification(tenant, &n).await?;
                match row.status.as_str() {
                    "sent" => "notification-sent",
                    "failed" => "notification-failed",
                    _ => "notification-saved",
                }
            } else {
                "notification-recorded"
            };
            Ok(Redirect::to(&format!("/debtors/{id}?done={done}#notifications")).into_response())
        }
        Err(ServiceError::Invalid(i)) => {
            let field = match i.field.as_str() {
                "promise_date" => "promise",
                f => f,
            }
            .to_owned();
            shown.error_field.clone_from(&field);
            notify_refused(
                &state,
                &viewer,
                &id,
                ctx.clone(),
                shown,
                &field,
                i.message(ctx.lang),
            )
            .await
        }
        Err(ServiceError::Conflict {
            message_pl,
            message_en,
        }) => {
            let why = if ctx.lang == Lang::En {
                message_en
            } else {
                message_pl
            };
            notify_refused(&state, &viewer, &id, ctx.clone(), shown, "kind", why).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn notify_refused(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
    ctx: Ctx,
    mut shown: NotifyFormView,
    field: &str,
    error: String,
) -> Result<Response, PageError> {
    let mut page = debtor_page(
        state,
        viewer,
        id,
        ctx,
        PauseFormView {
            kind: "promise_to_pay".to_owned(),
            ..PauseFormView::default()
        },
    )
    .await?;
    field.clone_into(&mut shown.error_field);
    shown.error = Some(error);
    page.notify = shown;
    Ok((StatusCode::BAD_REQUEST, page).into_response())
}

/// Sends an unsent (or failed) SMS notification, or deletes one: `{id}/notifications/{n}/{send|delete}`.
pub(super) async fn notification_action(
    State(state): State<AppState>,
    viewer: Viewer,
    axum::extract::Path((id, n, action)): axum::extract::Path<(String, String, String)>,
    Form(_): Form<Empty>,
) -> Result<Response, PageError> {
    viewer.require(Role::Editor)?;
    let tenant = &viewer.session.principal.tenant;
    let actor = &viewer.session.principal.actor;
    // The notification must be this debtor's: another's is not found here.
    let row = state.app.notification(tenant, &n).await?;
    if row.debtor_id != id {
        return Err(PageError::not_found());
    }
    let result = match action.as_str() {
        "send" => state
            .app
            .send_notification(tenant, actor, &n)
            .await
            .map(|r| {
                if r.status == "sent" {
                    "notification-sent"
                } else {
                    "notification-failed"
                }
            }),
        "delete" => state
            .app
            .delete_notification(tenant, actor, &n)
            .await
            .map(|()| "notification-deleted"),
        _ => return Err(PageError::not_found()),
    };
    match result {
        Ok(done) => {
            Ok(Redirect::to(&format!("/debtors/{id}?done={done}#notifications")).into_response())
        }
        Err(ServiceError::Conflict {
            message_pl,
            message_en,
        }) => {
            let ctx = Ctx::load(&state, &viewer, "debtors").await?;
            let why = if ctx.lang == Lang::En {
                message_en
            } else {
                message_pl
            };
            notify_refused(
                &state,
                &viewer,
                &id,
                ctx,
                NotifyFormView {
                    kind: "sms".into(),
                    ..NotifyFormView::default()
                },
                "list",
                why,
            )
            .await
        }
        Err(ServiceError::Invalid(i)) => {
            let ctx = Ctx::load(&state, &viewer, "debtors").await?;
            let why = i.message(ctx.lang);
            notify_refused(
                &state,
                &viewer,
                &id,
                ctx,
                NotifyFormView {
                    kind: "sms".into(),
                    ..NotifyFormView::default()
                },
                "list",
                why,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct ConsentForm {
    channel: String,
    consent: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    basis: String,
    #[serde(default)]
    number: String,
}

/// Records a contact's consent (given or withdrawn) with its source and legal basis.
pub(super) async fn set_consent(
    State(state): State<AppState>,
    viewer: Viewer,
    PathId(id): PathId,
    Form(form): Form<ConsentForm>,
) -> Result<Response, PageError> {
    viewer.require(Role::Editor)?;
    let given = match form.consent.as_str() {
        "given" => true,
        "withdrawn" => false,
        _ => return Err(PageError::bad_form("consent")),
    };
    let basis = blank_to_none(&form.basis);
    match state
        .app
        .set_consent(
            &viewer.session.principal.tenant,
            &viewer.session.principal.actor,
            &id,
            &form.channel,
            ConsentOrder {
                consent: given,
                source: &form.source,
                basis: basis.as_deref(),
                number: Some(&form.number),
            },
        )
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/debtors/{id}?done=consent-saved")).into_response()),
        Err(e @ (ServiceError::Invalid(_) | ServiceError::Conflict { .. })) => {
            let ctx = Ctx::load(&state, &viewer, "debtors").await?;
            let why = PageError::from(e).message(ctx.lang).to_owned();
            let mut page = debtor_page(
                &state,
                &viewer,
                &id,
                ctx,
                PauseFormView {
                    kind: "promise_to_pay".to_owned(),
                    ..PauseFormView::default()
                },
            )
            .await?;
            page.consent_error = Some(why);
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct SectorForm {
    #[serde(default)]
    sector: String,
}

/// Sets the debtor's PKD section for the market comparison (or forgets it).
pub(super) async fn set_sector(
    State(state): State<AppState>,
    viewer: Viewer,
    PathId(id): PathId,
    Form(form): Form<SectorForm>,
) -> Result<Response, PageError> {
    viewer.require(Role::Editor)?;
    state
        .app
        .set_debtor_sector(&viewer.session.principal.tenant, &id, Some(&form.sector))
        .await?;
    Ok(Redirect::to(&format!("/debtors/{id}?done=sector-saved")).into_response())
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

/// The documents ticked on a debtor's page (`doc` fields) and the other fields of the form.
struct DocumentsForm {
    documents: Vec<String>,
    fields: Vec<(String, String)>,
}

impl DocumentsForm {
    fn new(pairs: Vec<(String, String)>) -> DocumentsForm {
        let (docs, fields): (Vec<_>, Vec<_>) = pairs.into_iter().partition(|(k, _)| k == "doc");
        DocumentsForm {
            documents: docs.into_iter().map(|(_, v)| v).collect(),
            fields,
        }
    }

    /// The ticked documents, each one of this debtor's: an id from elsewhere is a page that
    /// does not exist.
    fn ticked<'a>(&self, d: &'a DebtorDetail) -> Result<Vec<&'a DocumentView>, PageError> {
        self.documents
            .iter()
            .map(|id| {
                d.documents
                    .iter()
                    .find(|x| &x.id == id)
                    .ok_or_else(PageError::not_found)
            })
            .collect()
    }

    fn field(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.trim())
    }
}

/// The debtor's page again, with why the action on its documents was refused.
async fn refused(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
    ctx: Ctx,
    error: String,
) -> Result<Response, PageError> {
    let mut page = debtor_page(
        state,
        viewer,
        id,
        ctx,
        PauseFormView {
            kind: "promise_to_pay".to_owned(),
            ..PauseFormView::default()
        },
    )
    .await?;
    page.act_error = Some(error);
    Ok((StatusCode::BAD_REQUEST, page).into_response())
}

/// Runs a stage of the debtor's process now for the ticked documents: timing is ignored, every
/// guard (consent, legal status, pauses, test mode) is kept; the form's request id makes a
/// resubmission perform nothing twice.
pub(super) async fn run_stage(
    State(state): State<AppState>,
    viewer: Viewer,
    PathId(id): PathId,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    viewer.require(Role::Editor)?;
    let ctx = Ctx::load(&state, &viewer, "debtors").await?;
    let tenant = &viewer.session.principal.tenant;
    let form = DocumentsForm::new(pairs);
    let d = state.app.debtor(tenant, &id).await?;
    if form.documents.is_empty() {
        return refused(&state, &viewer, &id, ctx.clone(), ctx.t("run-no-documents")).await;
    }
    form.ticked(&d)?;
    let stage_code = form.field("stage");
    if stage_code.is_empty() {
        return refused(&state, &viewer, &id, ctx.clone(), ctx.t("run-no-stage")).await;
    }
    let order = OnDemandOrder {
        request_id: blank_to_none(form.field("request")),
        process: None,
        stages: vec![stage_code.to_owned()],
        documents: form.documents.clone(),
    };
    match state
        .app
        .run_on_demand(tenant, &viewer.session.principal.actor, order)
        .await
    {
        Ok(run) => {
            let done = if run.actions.is_empty() {
                "stage-run-nothing"
            } else {
                "stage-run"
            };
            Ok(Redirect::to(&format!("/debtors/{id}?done={done}#history")).into_response())
        }
        Err(ServiceError::Invalid(i)) => {
            refused(&state, &viewer, &id, ctx.clone(), i.message(ctx.lang)).await
        }
        Err(ServiceError::Process(p)) => {
            refused(&state, &viewer, &id, ctx.clone(), p.message(ctx.lang)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Hands the ticked open documents to a law firm, with a note; opens the case's page.
pub(super) async fn hand_off(
    State(state): State<AppState>,
    viewer: Viewer,
    PathId(id): PathId,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    viewer.require(Role::Editor)?;
    let ctx = Ctx::load(&state, &viewer, "debtors").await?;
    let tenant = &viewer.session.principal.tenant;
    let form = DocumentsForm::new(pairs);
    let d = state.app.debtor(tenant, &id).await?;
    if form.documents.is_empty() {
        return refused(&state, &viewer, &id, ctx.clone(), ctx.t("run-no-documents")).await;
    }
    let external = form
        .ticked(&d)?
        .into_iter()
        .map(|doc| doc.external_id.clone())
        .collect();
    let new = NewCase {
        agent_id: d.debtor.agent_id.clone(),
        debtor_external_id: d.debtor.external_id.clone(),
        document_external_ids: external,
        partner: blank_to_none(form.field("partner")),
        action_id: None,
        note: blank_to_none(form.field("note")),
    };
    match state
        .app
        .hand_off(tenant, &viewer.session.principal.actor, &new)
        .await
    {
        Ok(opened) => {
            let done = if opened.created {
                "case-opened"
            } else {
                "case-existing"
            };
            Ok(Redirect::to(&format!("/cases/{}?done={done}", opened.case.id)).into_response())
        }
        Err(ServiceError::Invalid(i)) => {
            refused(&state, &viewer, &id, ctx.clone(), i.message(ctx.lang)).await
        }
        Err(e @ ServiceError::Conflict { .. }) => {
            let message = PageError::from(e).message(ctx.lang).to_owned();
            refused(&state, &viewer, &id, ctx, message).await
        }
        Err(e) => Err(e.into()),
    }
}
