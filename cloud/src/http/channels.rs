//! The client API's channel part (`/api/v1`): message templates (save with validation and the
//! SMS letter-folding report, preview, delete unless used), the tenant's channel settings,
//! letters and their PDFs, the day's posting book (JSON, CSV, PDF) with tracking numbers, and
//! tasks. Viewer reads, editor changes.

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use inkaso_channels::sms::SmsChange;
use inkaso_channels::template::{Rendered, Template, TemplateError};
use inkaso_shared::Lang;
use inkaso_shared::protocol::ErrorCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::agent::{parse_json, read_body};
use super::client::ErrorBody;
use super::{AppState, ClientAuth, Failure, Path, Q};
use crate::domain::accounts::Role;
use crate::i18n::Bilingual;
use crate::process::compose::ChannelSettings;
use crate::services::model::{LetterRow, StoredTemplate, TaskRow, same_secret};

/// The routes, nested under `/api/v1` by the client router.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_templates))
        .routes(routes!(put_template, delete_template))
        .routes(routes!(preview_template))
        .routes(routes!(get_channel_settings, put_channel_settings))
        .routes(routes!(check_sms))
        .routes(routes!(list_letters))
        .routes(routes!(letter_pdf))
        .routes(routes!(set_tracking))
        .routes(routes!(posting_book))
        .routes(routes!(list_tasks))
        .routes(routes!(close_task))
}

pub(super) fn template_failure(e: &TemplateError) -> Failure {
    Failure::bilingual(
        StatusCode::BAD_REQUEST,
        ErrorCode::InvalidBody,
        Bilingual::of(e),
    )
    .with_field("template")
}

/// A stored template.
#[derive(Debug, Serialize, ToSchema)]
pub struct TemplateView {
    /// The code stages name.
    pub code: String,
    /// The template (`name`, `channel`, `reason`, `lang`, `subject`, `body`, `promise_note`,
    /// `max_parts`).
    #[schema(value_type = Object)]
    pub template: Template,
    /// Last change.
    pub updated_at: Option<DateTime<Utc>>,
    /// What saving changed in an SMS template (Polish letters replaced, characters removed).
    #[schema(value_type = Vec<Object>)]
    pub sms_changes: Vec<SmsChange>,
}

impl From<StoredTemplate> for TemplateView {
    fn from(t: StoredTemplate) -> Self {
        TemplateView {
            code: t.code,
            template: t.template,
            updated_at: Some(t.updated_at),
            sms_changes: Vec::new(),
        }
    }
}

/// The tenant's templates.
#[utoipa::path(get, path = "/templates", tag = "templates", responses((status = 200, body = Vec<TemplateView>), (status = 401, body = ErrorBody)))]
async fn list_templates(
    State(state): State<AppState>,
    auth: ClientAuth,
) -> Result<Json<Vec<TemplateView>>, Failure> {
    let p = auth.require(Role::Viewer)?;
    let list = state.app.templates(&p.tenant).await?;
    Ok(Json(list.into_iter().map(TemplateView::from).collect()))
}

/// Saves a template (editor and up): unknown tags are refused with the tag named; an SMS
/// template's Polish letters are replaced and the changes returned.
#[utoipa::path(put, path = "/templates/{code}", tag = "templates", params(("code" = String, Path)),
    request_body(content = Object, description = "The template"),
    responses((status = 200, body = TemplateView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn put_template(
    State(state): State<AppState>,
    auth: ClientAuth,
    Path(code): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<TemplateView>, Failure> {
    let p = auth.require(Role::Editor)?;
    let template: Template = parse_json(&read_body(&headers, body).await?)?;
    let saved = state
        .app
        .save_template(&p.tenant, &p.actor, &code, template)
        .await?;
    Ok(Json(TemplateView {
        code,
        template: saved.template,
        updated_at: Some(saved.updated_at),
        sms_changes: saved.sms_changes,
    }))
}

/// Deletes a template no stage uses (editor and up); the refusal names the stages.
#[utoipa::path(delete, path = "/templates/{code}", tag = "templates", params(("code" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn delete_template(
    State(state): State<AppState>,
    auth: ClientAuth,
    Path(code): Path<String>,
) -> Result<StatusCode, Failure> {
    let p = auth.require(Role::Editor)?;
    state
        .app
        .delete_template(&p.tenant, &p.actor, &code)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A template's preview with sample data.
#[derive(Debug, Serialize, ToSchema)]
pub struct PreviewView {
    /// Subject, text and HTML.
    #[schema(value_type = Object)]
    pub rendered: Rendered,
    /// For SMS: the text as sent, its length and parts, whether it fits.
    #[schema(value_type = Object)]
    pub sms: Option<inkaso_channels::template::SmsPreview>,
}

/// Renders a template with sample data ("Generuj podgląd"); nothing is stored.
#[utoipa::path(post, path = "/templates/preview", tag = "templates",
    request_body(content = Object, description = "The template"),
    responses((status = 200, body = PreviewView), (status = 400, body = ErrorBody)))]
async fn preview_template(
    State(_state): State<AppState>,
    auth: ClientAuth,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<PreviewView>, Failure> {
    auth.require(Role::Viewer)?;
    let template: Template = parse_json(&read_body(&headers, body).await?)?;
    let rendered = template.preview().map_err(|e| template_failure(&e))?;
    let sms = match template.channel {
        inkaso_channels::template::ChannelKind::Sms => {
            Some(template.preview_sms().map_err(|e| template_failure(&e))?)
        }
        _ => None,
    };
    Ok(Json(PreviewView { rendered, sms }))
}

/// The channel settings: creditor, letters (place, category, return receipt, interest
/// tables, EUR rate), e-mail (reply-to, per-stage BCC), tasks, payment deadline.
#[utoipa::path(get, path = "/channel-settings", tag = "templates",
    responses((status = 200, body = Object), (status = 401, body = ErrorBody)))]
async fn get_channel_settings(
    State(state): State<AppState>,
    auth: ClientAuth,
) -> Result<Json<ChannelSettings>, Failure> {
    let p = auth.require(Role::Viewer)?;
    Ok(Json(state.app.channel_settings(&p.tenant).await?))
}

/// What the SMS connection test found.
#[derive(Debug, Serialize, ToSchema)]
pub struct SmsCheckView {
    /// `connected`, `not_configured` (the service sends no SMS) or `failed`.
    pub status: &'static str,
    /// The provider account's login (connected).
    pub username: Option<String>,
    /// Points left on it, as the provider counts them (`123.4500`).
    pub points: Option<String>,
    /// The firm's sender name; the service's when absent.
    pub sender: Option<String>,
    /// Why it failed, in Polish.
    pub message_pl: Option<String>,
    /// Why it failed, in English.
    pub message_en: Option<String>,
}

impl From<crate::services::channels::SmsCheck> for SmsCheckView {
    fn from(c: crate::services::channels::SmsCheck) -> Self {
        use crate::services::channels::SmsCheck;
        let none = SmsCheckView {
            status: "not_configured",
            username: None,
            points: None,
            sender: None,
            message_pl: None,
            message_en: None,
        };
        match c {
            SmsCheck::NotConfigured { sender } => SmsCheckView { sender, ..none },
            SmsCheck::Connected {
                username,
                points,
                sender,
            } => SmsCheckView {
                status: "connected",
                username: Some(username),
                points: Some(points.to_string()),
                sender,
                ..none
            },
            SmsCheck::Failed {
                message_pl,
                message_en,
            } => SmsCheckView {
                status: "failed",
                message_pl: Some(message_pl),
                message_en: Some(message_en),
                ..none
            },
        }
    }
}

/// Tests the SMS provider's connection (admin): the account behind the service's token and
/// its points, with the firm's sender name.
#[utoipa::path(post, path = "/channel-settings/sms-check", tag = "templates",
    responses((status = 200, body = SmsCheckView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn check_sms(
    State(state): State<AppState>,
    auth: ClientAuth,
) -> Result<Json<SmsCheckView>, Failure> {
    let p = auth.require(Role::Admin)?;
    Ok(Json(state.app.check_sms_account(&p.tenant).await?.into()))
}

/// Replaces the channel settings (editor and up).
#[utoipa::path(put, path = "/channel-settings", tag = "templates",
    request_body(content = Object, description = "The settings"),
    responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn put_channel_settings(
    State(state): State<AppState>,
    auth: ClientAuth,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<ChannelSettings>, Failure> {
    let p = auth.require(Role::Editor)?;
    let raw: serde_json::Value = parse_json(&read_body(&headers, body).await?)?;
    // serde reads a struct from an array too (fields by position); the API takes only objects.
    if !raw.is_object() {
        return Err(Failure::invalid_body(
            None,
            "err-channel-settings-not-object",
            &[],
        ));
    }
    let settings: ChannelSettings = serde_json::from_value(raw)
        .map_err(|e| Failure::invalid_body(None, "err-agent-json", &[("reason", (&e).into())]))?;
    let saved = state
        .app
        .save_channel_settings(&p.tenant, &p.actor, &settings)
        .await?;
    Ok(Json(saved))
}

/// Which letters to list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct LetterQuery {
    /// Only the registered letters of this posting day.
    pub posting_day: Option<NaiveDate>,
    /// Only this debtor's.
    pub debtor: Option<String>,
}

/// A letter (without its PDF; see `/letters/{id}/pdf`).
#[derive(Debug, Serialize, ToSchema)]
pub struct LetterView {
    /// The letter.
    #[schema(value_type = Object)]
    #[serde(flatten)]
    pub letter: LetterRow,
}

/// Letters the processes printed, newest first.
#[utoipa::path(get, path = "/letters", tag = "letters", params(LetterQuery),
    responses((status = 200, body = Vec<LetterView>), (status = 401, body = ErrorBody)))]
async fn list_letters(
    State(state): State<AppState>,
    auth: ClientAuth,
    Q(q): Q<LetterQuery>,
) -> Result<Json<Vec<LetterView>>, Failure> {
    let p = auth.require(Role::Viewer)?;
    let rows = state
        .app
        .letters(&p.tenant, q.posting_day, q.debtor.as_deref())
        .await?;
    Ok(Json(
        rows.into_iter()
            .map(|letter| LetterView { letter })
            .collect(),
    ))
}

pub(crate) fn attachment(content_type: &'static str, file_name: &str, bytes: Vec<u8>) -> Response {
    // RFC 6266: an ASCII fallback and the UTF-8 name (Polish letters in "wezwanie-do-zapłaty").
    let ascii: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = file_name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    let mut response = (StatusCode::OK, bytes).into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

/// A letter's PDF.
#[utoipa::path(get, path = "/letters/{id}/pdf", tag = "letters", params(("id" = String, Path)),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = ErrorBody)))]
async fn letter_pdf(
    State(state): State<AppState>,
    auth: ClientAuth,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    let p = auth.require(Role::Viewer)?;
    let (name, pdf) = state.app.letter_pdf(&p.tenant, &id).await?;
    Ok(attachment("application/pdf", &name, pdf))
}

/// A tracking number ("numer nadania") for a registered letter.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrackingRequest {
    /// The number from the post office's receipt.
    pub tracking_number: String,
}

/// Records a registered letter's tracking number (editor and up); it reaches the history and
/// the agent.
#[utoipa::path(put, path = "/letters/{id}/tracking", tag = "letters", params(("id" = String, Path)),
    request_body = TrackingRequest,
    responses((status = 200, body = LetterView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn set_tracking(
    State(state): State<AppState>,
    auth: ClientAuth,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<LetterView>, Failure> {
    let p = auth.require(Role::Editor)?;
    let req: TrackingRequest = parse_json(&read_body(&headers, body).await?)?;
    let letter = state
        .app
        .set_tracking_number(&p.tenant, &id, &req.tracking_number)
        .await?;
    Ok(Json(LetterView { letter }))
}

/// The posting book's format.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct BookQuery {
    /// `json` (default), `csv` or `pdf`.
    pub format: Option<String>,
    /// `pl` (default) or `en`.
    pub lang: Option<String>,
}

/// The posting book ("książka nadawcza") of a day, to print and take to the post office.
#[utoipa::path(get, path = "/posting-book/{day}", tag = "letters", params(("day" = NaiveDate, Path), BookQuery),
    responses((status = 200, description = "The book: JSON, or CSV or PDF by `format`", content(
        (Object = "application/json"),
        (String = "text/csv"),
        (Vec<u8> = "application/pdf"))),
        (status = 400, body = ErrorBody)))]
async fn posting_book(
    State(state): State<AppState>,
    auth: ClientAuth,
    Path(day): Path<NaiveDate>,
    Q(q): Q<BookQuery>,
) -> Result<Response, Failure> {
    let p = auth.require(Role::Viewer)?;
    let lang = match q.lang.as_deref() {
        Some("en") => Lang::En,
        _ => Lang::Pl,
    };
    let book = state.app.posting_book(&p.tenant, day).await?;
    let stem = format!("ksiazka-nadawcza-{day}");
    match q.format.as_deref().unwrap_or("json") {
        "json" => Ok(Json(book).into_response()),
        "csv" => {
            let csv = book.to_csv(lang).map_err(|e| {
                Failure::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ErrorCode::Internal,
                    "err-channel-posting-csv",
                    &[("reason", (&e).into())],
                )
            })?;
            Ok(attachment(
                "text/csv; charset=utf-8",
                &format!("{stem}.csv"),
                csv.into_bytes(),
            ))
        }
        "pdf" => {
            let (pdf, _) = book.to_pdf(lang).map_err(|e| {
                Failure::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ErrorCode::Internal,
                    "err-channel-posting-pdf",
                    &[("reason", (&e).into())],
                )
            })?;
            Ok(attachment("application/pdf", &format!("{stem}.pdf"), pdf))
        }
        other => Err(Failure::invalid_body(
            Some("format".to_owned()),
            "err-channel-posting-format",
            &[("format", other.into())],
        )),
    }
}

/// Which tasks to list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TaskQuery {
    /// `open` or `done`.
    pub status: Option<String>,
}

/// A task.
#[derive(Debug, Serialize, ToSchema)]
pub struct TaskView {
    /// The task.
    #[schema(value_type = Object)]
    #[serde(flatten)]
    pub task: TaskRow,
}

/// Tasks for the firm's employees, the oldest due first.
#[utoipa::path(get, path = "/tasks", tag = "tasks", params(TaskQuery),
    responses((status = 200, body = Vec<TaskView>), (status = 401, body = ErrorBody)))]
async fn list_tasks(
    State(state): State<AppState>,
    auth: ClientAuth,
    Q(q): Q<TaskQuery>,
) -> Result<Json<Vec<TaskView>>, Failure> {
    let p = auth.require(Role::Viewer)?;
    let rows = state.app.tasks(&p.tenant, q.status.as_deref()).await?;
    Ok(Json(
        rows.into_iter().map(|task| TaskView { task }).collect(),
    ))
}

/// Closing a task.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseTaskRequest {
    /// What was done.
    #[serde(default)]
    pub note: Option<String>,
}

/// Closes a task (editor and up).
#[utoipa::path(post, path = "/tasks/{id}/close", tag = "tasks", params(("id" = String, Path)),
    request_body = CloseTaskRequest,
    responses((status = 200, body = TaskView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn close_task(
    State(state): State<AppState>,
    auth: ClientAuth,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<TaskView>, Failure> {
    let p = auth.require(Role::Editor)?;
    let req: CloseTaskRequest = parse_json(&read_body(&headers, body).await?)?;
    let task = state
        .app
        .close_task(&p.tenant, &p.actor, &id, req.note.as_deref())
        .await?;
    Ok(Json(TaskView { task }))
}

/// The answer to a delivery report without the installation's secret: nothing changes.
fn callback_refused() -> Failure {
    tracing::warn!("SMSAPI callback without the installation's secret: refused");
    Failure::new(
        StatusCode::UNAUTHORIZED,
        ErrorCode::Unauthorized,
        "err-channel-callback-secret",
        &[],
    )
}

/// The pre-secret address (`/callbacks/smsapi`): always 401, so a stale SMSAPI setting shows in
/// its panel instead of reports being taken from anyone.
pub async fn smsapi_callback_without_secret() -> Failure {
    callback_refused()
}

/// Reports one callback request may carry; SMSAPI batches far fewer.
pub const MAX_REPORTS_PER_CALLBACK: usize = 1_000;

/// SMSAPI's delivery-report callback (`notify_url` = `<base>/callbacks/smsapi/<secret>`): a GET
/// (or POST) with comma-batched `MsgId`, `status`, `idx`, `donedate`… The path's secret is the
/// installation's (`store::security`), compared in constant time: without it, 401 and nothing
/// changes. A final status is applied only to a sent SMS or voice action with that message id
/// and the same `idx`, and only once; it reaches the history and the agent. SMSAPI redelivers
/// until it reads `OK`, so a report for an unknown id is acknowledged too (another service's
/// message).
#[utoipa::path(get, path = "/callbacks/smsapi/{secret}", tag = "callbacks",
    params(("secret" = String, Path, description = "The installation's secret (`inkaso-cloud callback-url`)"),
        DeliveryReportFields),
    responses((status = 200, description = "`OK`, as SMSAPI expects", content((String = "text/plain"))),
        (status = 401, description = "Not the installation's secret", body = ErrorBody),
        (status = 413, description = "More reports than one call may carry", body = ErrorBody)))]
pub async fn smsapi_callback(
    State(state): State<AppState>,
    Path(given): Path<String>,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> Result<&'static str, Failure> {
    delivery_reports(&state, &given, &query.unwrap_or_default()).await
}

/// The same as the GET, for a POST carrying the fields form-encoded in its body.
#[utoipa::path(post, path = "/callbacks/smsapi/{secret}", tag = "callbacks",
    params(("secret" = String, Path, description = "The installation's secret (`inkaso-cloud callback-url`)")),
    request_body(content = DeliveryReportFields, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, description = "`OK`, as SMSAPI expects", content((String = "text/plain"))),
        (status = 401, description = "Not the installation's secret", body = ErrorBody),
        (status = 413, description = "More reports than one call may carry", body = ErrorBody)))]
pub async fn smsapi_callback_post(
    State(state): State<AppState>,
    Path(given): Path<String>,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
    body: axum::body::Bytes,
) -> Result<&'static str, Failure> {
    let text = match query {
        Some(q) if !q.is_empty() => q,
        _ => String::from_utf8_lossy(&body).into_owned(),
    };
    delivery_reports(&state, &given, &text).await
}

/// SMSAPI's inbound-SMS callback ("SMS przychodzące" in its panel:
/// `<base>/callbacks/smsapi/<secret>/inbound`): a form-encoded POST with `sms_from`, `sms_to`,
/// `sms_text`, `sms_date`, `MsgId`, `username`. The same installation secret as the delivery
/// reports; the firm is found from the number or the keyword (`services::inbound`). Answered
/// `OK` once handled — also for a message no firm claims or one delivered before — so SMSAPI
/// stops redelivering.
#[utoipa::path(post, path = "/callbacks/smsapi/{secret}/inbound", tag = "callbacks",
    params(("secret" = String, Path, description = "The installation's secret (`inkaso-cloud callback-url`)")),
    request_body(content = InboundSmsFields, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, description = "`OK`, as SMSAPI expects", content((String = "text/plain"))),
        (status = 400, description = "Not an inbound SMS (a field missing)", body = ErrorBody),
        (status = 401, description = "Not the installation's secret", body = ErrorBody)))]
pub async fn smsapi_inbound(
    State(state): State<AppState>,
    Path(given): Path<String>,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
    body: axum::body::Bytes,
) -> Result<&'static str, Failure> {
    use inkaso_channels::smsapi::{CALLBACK_REPLY, InboundSms};
    let expected = state.callback_secret().await?;
    if !same_secret(&given, &expected) {
        return Err(callback_refused());
    }
    let text = match query {
        Some(q) if !q.is_empty() => q,
        _ => String::from_utf8_lossy(&body).into_owned(),
    };
    let sms = InboundSms::parse_form(&text).map_err(|e| {
        Failure::invalid_body(None, "err-channel-inbound-sms", &[("reason", (&e).into())])
    })?;
    state.app.receive_sms(&sms).await?;
    Ok(CALLBACK_REPLY)
}

/// The fields of SMSAPI's inbound-SMS callback. Documentation only: the message is parsed by
/// `inkaso_channels::smsapi::InboundSms`.
#[derive(Debug, Deserialize, ToSchema)]
#[allow(dead_code)] // read by the OpenAPI document, not by code
pub struct InboundSmsFields {
    /// The sender (`48500123456`).
    sms_from: String,
    /// The firm's number it was sent to.
    sms_to: Option<String>,
    /// The text.
    sms_text: String,
    /// When it was received (Unix seconds).
    sms_date: Option<String>,
    /// SMSAPI's id of the message.
    #[serde(rename = "MsgId")]
    #[schema(rename = "MsgId")]
    msg_id: String,
    /// The SMSAPI account.
    username: Option<String>,
}

/// The fields of SMSAPI's delivery reports, comma-batched (one value per report, aligned).
/// Documentation only: the reports are parsed by `inkaso_channels::smsapi::DeliveryReport`.
#[derive(Debug, Deserialize, utoipa::IntoParams, ToSchema)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // read by the OpenAPI document, not by code
pub struct DeliveryReportFields {
    /// SMSAPI's message ids.
    #[serde(rename = "MsgId")]
    #[param(rename = "MsgId")]
    #[schema(rename = "MsgId")]
    msg_id: String,
    /// Status codes (`403` delivered, …).
    status: String,
    /// Our ids of the messages (`idx`), one per message.
    idx: Option<String>,
    /// When each became final (Unix seconds).
    donedate: Option<String>,
    /// The recipients.
    to: Option<String>,
    /// The points charged.
    points: Option<String>,
    /// The senders.
    from: Option<String>,
}

async fn delivery_reports(
    state: &AppState,
    given: &str,
    text: &str,
) -> Result<&'static str, Failure> {
    use inkaso_channels::smsapi::{CALLBACK_REPLY, DeliveryReport};
    let expected = state.callback_secret().await?;
    if !same_secret(given, &expected) {
        return Err(callback_refused());
    }
    let reports = DeliveryReport::parse_query(text).map_err(|e| {
        Failure::invalid_body(
            None,
            "err-channel-delivery-report",
            &[("reason", (&e).into()), ("detail", format!("{e:?}").into())],
        )
    })?;
    if reports.len() > MAX_REPORTS_PER_CALLBACK {
        return Err(Failure::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::PayloadTooLarge,
            "err-channel-too-many-reports",
            &[
                ("count", reports.len().into()),
                ("max", MAX_REPORTS_PER_CALLBACK.into()),
            ],
        ));
    }
    state.app.record_delivery_reports(&reports).await?;
    Ok(CALLBACK_REPLY)
}
