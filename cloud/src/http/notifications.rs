//! Notifications' client API (`/api/v1`, in the OpenAPI document): the register of notices
//! (those made by hand and the processes' messages, with the settlement after each) and its bulk
//! actions; a notification made, read, sent or deleted; mass notifications — the preview, the
//! batch made once per request id and sent in the background, its progress, abort and resume;
//! and the log of SMS from debtors. Viewer and up read; editor and up change.
//!
//! This module owns only the HTTP side: parsing, roles, the wire types. The rules are the
//! services' (`services::notifications`, `register`, `mass`, `inbound`), the same the portal
//! calls.

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::agent::{parse_json, read_body};
use super::client::ErrorBody;
use super::{AppState, ClientAuth, Failure, Path, Q};
use crate::domain::accounts::Role;
use crate::domain::collection::request_id;
use crate::domain::mass::MassFilter;
use crate::domain::notifications::{NotificationKind, Settlement, Snapshot};
use crate::services::ServiceError;
use crate::services::mass::MassPreview;
use crate::services::model::{BatchView, InboundRow, NotificationRow};
use crate::services::notifications::NotificationOrder;
use crate::services::register::{DeliveryCheck, RegisterEntry, RegisterFilter, Source};

/// The notifications' routes, to be nested under `/api/v1` by the client API.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(register))
        .routes(routes!(create_notification))
        .routes(routes!(get_notification, delete_notification))
        .routes(routes!(send_notification))
        .routes(routes!(send_unsent))
        .routes(routes!(delete_unsent))
        .routes(routes!(check_delivery))
        .routes(routes!(mass_preview))
        .routes(routes!(create_batch))
        .routes(routes!(get_batch))
        .routes(routes!(abort_batch))
        .routes(routes!(resume_batch))
        .routes(routes!(inbound_log))
}

async fn body<T: serde::de::DeserializeOwned>(headers: &HeaderMap, b: Body) -> Result<T, Failure> {
    parse_json(&read_body(headers, b).await?)
}

// ---------------------------------------------------------------------------------------------
// The register

/// Made by hand or by a process.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SourceParam {
    /// By hand (or by the mass wizard).
    Manual,
    /// By a collection process.
    Automatic,
}

/// A notice's channel.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChannelParam {
    /// An SMS (by hand or by a process).
    Sms,
    /// An SMS sent from a phone, recorded.
    ExternalSms,
    /// A phone call, recorded.
    Call,
    /// A process's e-mail.
    Email,
    /// A process's PDF letter.
    Letter,
    /// A process's registered letter.
    RegisteredLetter,
    /// A process's voice message.
    Voice,
}

impl ChannelParam {
    fn code(self) -> &'static str {
        match self {
            ChannelParam::Sms => "sms",
            ChannelParam::ExternalSms => "external_sms",
            ChannelParam::Call => "call",
            ChannelParam::Email => "email",
            ChannelParam::Letter => "letter",
            ChannelParam::RegisteredLetter => "registered_letter",
            ChannelParam::Voice => "voice",
        }
    }
}

/// A notice's status; `delivered` and `undelivered` are sent ones with the provider's report.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StatusParam {
    /// An SMS saved, not sent.
    Unsent,
    /// Sent.
    Sent,
    /// Sent and delivered.
    Delivered,
    /// Sent and not delivered.
    Undelivered,
    /// Sending failed.
    Failed,
    /// A call or a phone's SMS, recorded.
    Recorded,
}

impl StatusParam {
    fn code(self) -> &'static str {
        match self {
            StatusParam::Unsent => "unsent",
            StatusParam::Sent => "sent",
            StatusParam::Delivered => "delivered",
            StatusParam::Undelivered => "undelivered",
            StatusParam::Failed => "failed",
            StatusParam::Recorded => "recorded",
        }
    }
}

/// What became of the documents open when a notice went.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SettledParam {
    /// All paid since.
    Fully,
    /// Some paid.
    Partly,
    /// Nothing paid.
    Not,
}

/// The register's filters (all optional, all together).
#[derive(Debug, Clone, Default, Deserialize, IntoParams, ToSchema)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RegisterParams {
    /// `manual` or `automatic`.
    pub source: Option<SourceParam>,
    /// `sms`, `external_sms`, `call`, `email`, `letter`, `registered_letter`, `voice`.
    pub channel: Option<ChannelParam>,
    /// `unsent`, `sent`, `delivered`, `undelivered`, `failed`, `recorded`.
    pub status: Option<StatusParam>,
    /// `fully`, `partly` or `not` settled after the notice.
    pub settled: Option<SettledParam>,
    /// A person's (`user:<id>`) or a token's (`token:<id>`) notifications only.
    pub author: Option<String>,
    /// One debtor's (its API id).
    pub debtor_id: Option<String>,
    /// Made on or after this day (`YYYY-MM-DD`, UTC).
    pub from: Option<NaiveDate>,
    /// On or before this day.
    pub to: Option<NaiveDate>,
    /// At most this many, newest first (1..=10000, default 100).
    #[param(value_type = Option<u64>)]
    #[schema(value_type = Option<u64>)]
    pub limit: Option<u32>,
}

impl RegisterParams {
    fn filter(&self, limit: u32) -> RegisterFilter {
        RegisterFilter {
            source: self.source.map(|s| match s {
                SourceParam::Manual => Source::Manual,
                SourceParam::Automatic => Source::Automatic,
            }),
            channel: self.channel.map(|c| c.code().to_owned()),
            status: self.status.map(|s| s.code().to_owned()),
            debtor_id: self.debtor_id.clone(),
            author: self.author.clone(),
            from: self.from,
            to: self.to,
            settled: self.settled.map(|s| match s {
                SettledParam::Fully => Settlement::Fully,
                SettledParam::Partly => Settlement::Partly,
                SettledParam::Not => Settlement::Not,
            }),
            limit,
        }
    }
}

/// What a debtor owed in one currency when a notice went.
#[derive(Debug, Serialize, ToSchema)]
pub struct OwedView {
    /// ISO code.
    pub currency: String,
    /// Past due (minor units).
    pub arrears_minor: i64,
    /// Not yet due.
    pub future_minor: i64,
    /// Overpaid, as a positive amount.
    pub overpayment_minor: i64,
}

fn owed(s: &Snapshot) -> Vec<OwedView> {
    s.owed
        .iter()
        .map(|(currency, o)| OwedView {
            currency: currency.clone(),
            arrears_minor: o.arrears_minor,
            future_minor: o.future_minor,
            overpayment_minor: o.overpayment_minor,
        })
        .collect()
}

/// A notice: a notification made by hand, or a process's message.
#[derive(Debug, Serialize, ToSchema)]
pub struct NoticeView {
    /// The notification's id (by hand) or the action's (a process's).
    pub id: String,
    /// `manual` or `automatic`.
    pub source: String,
    /// Made (by hand) or sent (a process's).
    pub at: DateTime<Utc>,
    /// The debtor's API id.
    pub debtor_id: String,
    /// Its name.
    pub debtor_name: String,
    /// `sms`, `external_sms`, `call`, `email`, `letter`, `registered_letter`, `voice`.
    pub channel: String,
    /// `unsent`, `sending`, `sent`, `failed`, `recorded`.
    pub status: String,
    /// SMSAPI's final status of an SMS or voice message (`DELIVERED`, `UNDELIVERED`, …).
    pub delivery_status: Option<String>,
    /// The SMS, what was said, or a process's message in words.
    pub text: String,
    /// A note (by hand).
    pub note: Option<String>,
    /// The promised payment day (by hand).
    pub promise_date: Option<NaiveDate>,
    /// Who made it (by hand): `user:<id>`, `token:<id>`.
    pub author: Option<String>,
    /// The process (a process's).
    pub process: Option<String>,
    /// Its stage.
    pub stage: Option<String>,
    /// Why sending failed.
    pub failure: Option<String>,
    /// What the debtor owed then, per currency.
    pub owed_then: Vec<OwedView>,
    /// `fully`, `partly` or `not` settled since (sent and recorded ones, in the register).
    pub settlement: Option<String>,
}

impl From<RegisterEntry> for NoticeView {
    fn from(e: RegisterEntry) -> Self {
        let manual = e.manual();
        let automatic = e.automatic();
        NoticeView {
            id: e.id().to_owned(),
            source: if automatic.is_some() {
                "automatic"
            } else {
                "manual"
            }
            .to_owned(),
            at: e.at(),
            debtor_id: e.debtor_id().to_owned(),
            debtor_name: e.debtor_name().to_owned(),
            channel: e.channel().to_owned(),
            status: e.status().to_owned(),
            delivery_status: e.delivery_status().map(str::to_owned),
            text: e.text().to_owned(),
            note: manual.and_then(|n| n.note.clone()),
            promise_date: manual.and_then(|n| n.promise_date),
            author: manual.map(|n| n.author.clone()),
            process: automatic.map(|a| a.process.clone()),
            stage: automatic.map(|a| a.stage.clone()),
            failure: manual.and_then(|n| n.failure.clone()),
            owed_then: owed(e.snapshot()),
            settlement: e.settlement.map(|s| s.code().to_owned()),
        }
    }
}

fn notice(row: NotificationRow) -> NoticeView {
    RegisterEntry::of(row).into()
}

/// The register of notices, newest first: notifications made by hand and the processes' SMS,
/// e-mails, letters and voice messages, each with what the debtor owed then and whether it
/// settled it since.
#[utoipa::path(get, path = "/notifications", tag = "notifications", params(RegisterParams),
    responses((status = 200, body = Vec<NoticeView>), (status = 400, body = ErrorBody)))]
async fn register(
    State(state): State<AppState>,
    auth: ClientAuth,
    Q(q): Q<RegisterParams>,
) -> Result<Json<Vec<NoticeView>>, Failure> {
    let p = auth.require(Role::Viewer)?;
    let limit = q.limit.unwrap_or(100).clamp(1, 10_000);
    let rows = state
        .app
        .notification_register(&p.tenant, &q.filter(limit))
        .await?;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}

// ---------------------------------------------------------------------------------------------
// One notification

/// A notification's kind.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum KindParam {
    /// An SMS the system sends.
    Sms,
    /// An SMS sent from a phone: recorded.
    ExternalSms,
    /// A phone call: recorded.
    Call,
}

/// A notification to make.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewNotification {
    /// `sms` (sent by the system), `external_sms` or `call` (recorded).
    pub kind: KindParam,
    /// The SMS, or what was said.
    pub text: String,
    /// A note for the firm.
    pub note: Option<String>,
    /// The day the debtor promised to pay by (`YYYY-MM-DD`): also a promise-to-pay pause.
    pub promise_date: Option<NaiveDate>,
    /// Send an SMS at once (else it waits, unsent).
    #[serde(default)]
    pub send_now: bool,
}

/// Makes a notification for the debtor (editor and up): an SMS only to a consented mobile of an
/// active debtor not excluded; a call or a phone's SMS recorded. Answered with what it became
/// (an SMS sent at once: `sent` or `failed` with why).
#[utoipa::path(post, path = "/debtors/{id}/notifications", tag = "notifications",
    params(("id" = String, Path)), request_body = NewNotification,
    responses((status = 201, body = NoticeView), (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn create_notification(
    State(state): State<AppState>,
    auth: ClientAuth,
    Path(id): Path<String>,
    headers: HeaderMap,
    b: Body,
) -> Result<(StatusCode, Json<NoticeView>), Failure> {
    let p = auth.require(Role::Editor)?;
    let req: NewNotification = body(&headers, b).await?;
    let order = NotificationOrder {
        kind: match req.kind {
            KindParam::Sms => NotificationKind::Sms,
            KindParam::ExternalSms => NotificationKind::ExternalSms,
            KindParam::Call => NotificationKind::Call,
        },
        text: req.text,
        note: req.note,
        promise_date: req.promise_date,
        send_now: req.send_now,
    };
    let made = state
        .app
        .create_notification(&p.tenant, &p.actor, &id, order)
        .await?;
    let row = state.app.notification(&p.tenant, &made).await?;
    Ok((StatusCode::CREATED, Json(notice(row))))
}

/// One notification made by hand.
#[utoipa::path(get, path = "/notifications/{id}", tag = "notifications",
    params(("id" = String, Path)),
    responses((status = 200, body = NoticeView), (status = 404, body = ErrorBody)))]
async fn get_notification(
    State(state): State<AppState>,
    auth: ClientAuth,
    Path(id): Path<String>,
) -> Result<Json<NoticeView>, Failure> {
    let p = auth.require(Role::Viewer)?;
    Ok(Json(notice(state.app.notification(&p.tenant, &id).await?)))
}

/// Sends an unsent (or failed) SMS notification (editor and up), the debtor checked again.
#[utoipa::path(post, path = "/notifications/{id}/send", tag = "notifications",
    params(("id" = String, Path)),
    responses((status = 200, body = NoticeView), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
async fn send_notification(
    State(state): State<AppState>,
    auth: ClientAuth,
    Path(id): Path<String>,
) -> Result<Json<NoticeView>, Failure> {
    let p = auth.require(Role::Editor)?;
    let row = state
        .app
        .send_notification(&p.tenant, &p.actor, &id)
        .await?;
    Ok(Json(notice(row)))
}

/// Deletes a notification never sent (editor and up); a sent or recorded one stays (409).
#[utoipa::path(delete, path = "/notifications/{id}", tag = "notifications",
    params(("id" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn delete_notification(
    State(state): State<AppState>,
    auth: ClientAuth,
    Path(id): Path<String>,
) -> Result<StatusCode, Failure> {
    let p = auth.require(Role::Editor)?;
    state
        .app
        .delete_notification(&p.tenant, &p.actor, &id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------------------------------------
// The register's bulk actions

/// A bulk action on the register's notices chosen by `filter`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkRequest {
    /// The register's filters (as the list's query, `limit` aside).
    #[serde(default)]
    pub filter: RegisterParams,
}

/// Sending the register's unsent SMS as one batch.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendUnsentRequest {
    /// The client's id of this request: the same id makes no second batch (a retry).
    pub request_id: String,
    /// The register's filters.
    #[serde(default)]
    pub filter: RegisterParams,
}

/// A batch of SMS with its progress.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchBody {
    /// Its id.
    pub id: String,
    /// The template it used (none: the register's unsent notifications).
    pub template: Option<String>,
    /// Who made it.
    pub author: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// `created`, `sending`, `aborted`, `done`.
    pub state: String,
    /// An abort asked, not yet taken up.
    pub abort_requested: bool,
    /// "Sending", but its sender was lost (a restart): resume it.
    pub stalled: bool,
    /// Its notifications.
    pub total: i64,
    /// Sent.
    pub sent: i64,
    /// Failed at their last attempt.
    pub failed: i64,
    /// Still to send.
    pub unsent: i64,
}

/// Starts sending a batch just made in the background: 201 with the batch.
async fn started(
    state: &AppState,
    p: &crate::services::model::ClientPrincipal,
    id: String,
) -> Result<(StatusCode, Json<BatchBody>), Failure> {
    state
        .app
        .spawn_send_batch(p.tenant.clone(), p.actor.clone(), id.clone());
    let b = state.app.batch(&p.tenant, &id).await?;
    Ok((
        StatusCode::CREATED,
        Json(batch_body(b, state.app.clock.now())),
    ))
}

fn batch_body(b: BatchView, now: DateTime<Utc>) -> BatchBody {
    BatchBody {
        stalled: b.stalled(now),
        template: Some(b.template).filter(|t| !t.is_empty()),
        id: b.id,
        author: b.author,
        created_at: b.created_at,
        state: b.state,
        abort_requested: b.abort_requested,
        total: b.total,
        sent: b.sent,
        failed: b.failed,
        unsent: b.unsent,
    }
}

/// Sends the register's unsent (and failed) SMS notifications chosen by the filter as one batch
/// in the background (editor and up): 201 with the batch (read its progress at
/// `/notification-batches/{id}`); 409 when there is nothing to send.
#[utoipa::path(post, path = "/notifications/send-unsent", tag = "notifications",
    request_body = SendUnsentRequest,
    responses((status = 201, body = BatchBody), (status = 400, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
async fn send_unsent(
    State(state): State<AppState>,
    auth: ClientAuth,
    headers: HeaderMap,
    b: Body,
) -> Result<(StatusCode, Json<BatchBody>), Failure> {
    let p = auth.require(Role::Editor)?;
    let req: SendUnsentRequest = body(&headers, b).await?;
    let request = request_id(&req.request_id)?;
    let Some(id) = state
        .app
        .batch_of_unsent(&p.tenant, &p.actor, &request, &req.filter.filter(10_000))
        .await?
    else {
        return Err(Failure::from(ServiceError::conflict(
            "err-service-register-nothing-unsent",
            &[],
        )));
    };
    started(&state, p, id).await
}

/// How many were deleted.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeletedBody {
    /// Unsent notifications deleted.
    pub deleted: usize,
}

/// Deletes the register's unsent SMS notifications chosen by the filter (editor and up); one
/// sent meanwhile stays.
#[utoipa::path(post, path = "/notifications/delete-unsent", tag = "notifications",
    request_body = BulkRequest,
    responses((status = 200, body = DeletedBody), (status = 400, body = ErrorBody)))]
async fn delete_unsent(
    State(state): State<AppState>,
    auth: ClientAuth,
    headers: HeaderMap,
    b: Body,
) -> Result<Json<DeletedBody>, Failure> {
    let p = auth.require(Role::Editor)?;
    let req: BulkRequest = body(&headers, b).await?;
    let deleted = state
        .app
        .delete_unsent(&p.tenant, &p.actor, &req.filter.filter(10_000))
        .await?;
    Ok(Json(DeletedBody { deleted }))
}

/// What a delivery check found.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryCheckBody {
    /// Now known as delivered.
    pub delivered: usize,
    /// Now known as not delivered.
    pub undelivered: usize,
    /// Still on their way.
    pub pending: usize,
    /// Unknown to SMSAPI.
    pub unknown: usize,
}

impl From<DeliveryCheck> for DeliveryCheckBody {
    fn from(c: DeliveryCheck) -> Self {
        DeliveryCheckBody {
            delivered: c.delivered,
            undelivered: c.undelivered,
            pending: c.pending,
            unknown: c.unknown,
        }
    }
}

/// Asks SMSAPI for the delivery of the register's sent SMS and voice messages chosen by the
/// filter whose report never came, and records the final ones (editor and up). 409 when the
/// service has no SMSAPI account or SMSAPI does not answer.
#[utoipa::path(post, path = "/notifications/check-delivery", tag = "notifications",
    request_body = BulkRequest,
    responses((status = 200, body = DeliveryCheckBody), (status = 400, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
async fn check_delivery(
    State(state): State<AppState>,
    auth: ClientAuth,
    headers: HeaderMap,
    b: Body,
) -> Result<Json<DeliveryCheckBody>, Failure> {
    let p = auth.require(Role::Editor)?;
    let req: BulkRequest = body(&headers, b).await?;
    let check = state
        .app
        .check_deliveries(&p.tenant, &req.filter.filter(10_000))
        .await?;
    Ok(Json(check.into()))
}

// ---------------------------------------------------------------------------------------------
// Mass notifications

/// Which receivables a mass notification is about, and its SMS template.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MassRequest {
    /// Receivables due at most this many days ago.
    #[schema(value_type = Option<u64>)]
    pub overdue_within_days: Option<u32>,
    /// Receivables due within this many days.
    #[schema(value_type = Option<u64>)]
    pub due_within_days: Option<u32>,
    /// The debtor's chosen receivables add up to at least this (minor units).
    pub min_minor: Option<i64>,
    /// At most this.
    pub max_minor: Option<i64>,
    /// Only debtors with one of these tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Skip debtors notified within this many days.
    #[schema(value_type = Option<u64>)]
    pub quiet_days: Option<u32>,
    /// The SMS template's code.
    pub template: String,
    /// For a batch: the client's id of this request (the same id makes no second batch).
    pub request_id: Option<String>,
}

impl MassRequest {
    fn filter(&self) -> MassFilter {
        MassFilter {
            overdue_within_days: self.overdue_within_days,
            due_within_days: self.due_within_days,
            min_minor: self.min_minor,
            max_minor: self.max_minor,
            tags: self.tags.clone(),
            quiet_days: self.quiet_days,
        }
    }
}

/// A debtor a mass notification would notify.
#[derive(Debug, Serialize, ToSchema)]
pub struct MassItemBody {
    /// The debtor's API id.
    pub debtor_id: String,
    /// Its name.
    pub name: String,
    /// The mobile (E.164).
    pub number: String,
    /// The SMS as it would be sent.
    pub text: String,
    /// Its parts.
    pub parts: usize,
    /// What its chosen receivables add up to (minor units).
    pub total_minor: i64,
    /// Their currency.
    pub currency: String,
}

/// A debtor the filter picked who gets nothing.
#[derive(Debug, Serialize, ToSchema)]
pub struct MassSkippedBody {
    /// The debtor's API id.
    pub debtor_id: String,
    /// Its name.
    pub name: String,
    /// `deceased`, `bankrupt`, `excluded`, `no_mobile`, `no_consent`, `recently_notified`,
    /// `too_long`.
    pub reason: String,
    /// More, for `too_long`.
    pub detail: Option<String>,
}

/// A mass notification's preview.
#[derive(Debug, Serialize, ToSchema)]
pub struct MassPreviewBody {
    /// Who gets what.
    pub items: Vec<MassItemBody>,
    /// Who is skipped, and why.
    pub skipped: Vec<MassSkippedBody>,
    /// SMS parts in all.
    pub parts: usize,
    /// Their cost in grosze, when the firm set a part's price.
    pub cost_grosze: Option<i64>,
}

impl From<MassPreview> for MassPreviewBody {
    fn from(p: MassPreview) -> Self {
        MassPreviewBody {
            items: p
                .items
                .into_iter()
                .map(|i| MassItemBody {
                    debtor_id: i.debtor_id,
                    name: i.name,
                    number: i.number,
                    text: i.text,
                    parts: i.parts,
                    total_minor: i.total.0,
                    currency: i.total.1,
                })
                .collect(),
            skipped: p
                .skipped
                .into_iter()
                .map(|s| MassSkippedBody {
                    debtor_id: s.debtor_id,
                    name: s.name,
                    reason: s.reason,
                    detail: s.detail,
                })
                .collect(),
            parts: p.parts,
            cost_grosze: p.cost_grosze,
        }
    }
}

/// What a mass notification would send, to whom, in how many parts and at what cost, and who
/// would be skipped and why (editor and up; nothing is written).
#[utoipa::path(post, path = "/notifications/mass-preview", tag = "notifications",
    request_body = MassRequest,
    responses((status = 200, body = MassPreviewBody), (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
async fn mass_preview(
    State(state): State<AppState>,
    auth: ClientAuth,
    headers: HeaderMap,
    b: Body,
) -> Result<Json<MassPreviewBody>, Failure> {
    let p = auth.require(Role::Editor)?;
    let req: MassRequest = body(&headers, b).await?;
    let preview = state
        .app
        .mass_preview(&p.tenant, &req.filter(), &req.template)
        .await?;
    Ok(Json(preview.into()))
}

/// Makes a mass notification's batch — once per `request_id` (required here) — and sends it in
/// the background (editor and up): 201 with the batch.
#[utoipa::path(post, path = "/notification-batches", tag = "notifications",
    request_body = MassRequest,
    responses((status = 201, body = BatchBody), (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
async fn create_batch(
    State(state): State<AppState>,
    auth: ClientAuth,
    headers: HeaderMap,
    b: Body,
) -> Result<(StatusCode, Json<BatchBody>), Failure> {
    let p = auth.require(Role::Editor)?;
    let req: MassRequest = body(&headers, b).await?;
    let request = request_id(req.request_id.as_deref().unwrap_or_default())?;
    let id = state
        .app
        .create_mass(&p.tenant, &p.actor, &request, &req.filter(), &req.template)
        .await?;
    started(&state, p, id).await
}

/// A batch with its progress.
#[utoipa::path(get, path = "/notification-batches/{id}", tag = "notifications",
    params(("id" = String, Path)),
    responses((status = 200, body = BatchBody), (status = 404, body = ErrorBody)))]
async fn get_batch(
    State(state): State<AppState>,
    auth: ClientAuth,
    Path(id): Path<String>,
) -> Result<Json<BatchBody>, Failure> {
    let p = auth.require(Role::Viewer)?;
    let b = state.app.batch(&p.tenant, &id).await?;
    Ok(Json(batch_body(b, state.app.clock.now())))
}

/// Asks the batch's sender to stop before its next message (editor and up).
#[utoipa::path(post, path = "/notification-batches/{id}/abort", tag = "notifications",
    params(("id" = String, Path)),
    responses((status = 202, body = BatchBody), (status = 404, body = ErrorBody)))]
async fn abort_batch(
    State(state): State<AppState>,
    auth: ClientAuth,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<BatchBody>), Failure> {
    let p = auth.require(Role::Editor)?;
    state.app.abort_batch(&p.tenant, &p.actor, &id).await?;
    let b = state.app.batch(&p.tenant, &id).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(batch_body(b, state.app.clock.now())),
    ))
}

/// Sends what is left of a batch (and its failed ones again) in the background (editor and up).
#[utoipa::path(post, path = "/notification-batches/{id}/resume", tag = "notifications",
    params(("id" = String, Path)),
    responses((status = 202, body = BatchBody), (status = 404, body = ErrorBody)))]
async fn resume_batch(
    State(state): State<AppState>,
    auth: ClientAuth,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<BatchBody>), Failure> {
    let p = auth.require(Role::Editor)?;
    let b = state.app.batch(&p.tenant, &id).await?;
    state
        .app
        .spawn_send_batch(p.tenant.clone(), p.actor.clone(), id);
    Ok((
        StatusCode::ACCEPTED,
        Json(batch_body(b, state.app.clock.now())),
    ))
}

// ---------------------------------------------------------------------------------------------
// SMS from debtors

/// What a debtor's SMS was read as.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CommandParam {
    /// "Saldo" / "BALANCE".
    Balance,
    /// "STOP" and its variants.
    Stop,
    /// Anything else.
    Other,
}

/// The inbound log's filters.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct InboundParams {
    /// `balance`, `stop` or `other`.
    pub command: Option<CommandParam>,
    /// At most this many, newest first (1..=1000, default 100).
    #[param(value_type = Option<u64>)]
    pub limit: Option<u32>,
}

/// An SMS a debtor sent the firm, and the reply.
#[derive(Debug, Serialize, ToSchema)]
pub struct InboundBody {
    /// Our id.
    pub id: String,
    /// When it came.
    pub received_at: DateTime<Utc>,
    /// The sender (E.164).
    pub from_number: String,
    /// Its text.
    pub text: String,
    /// `balance`, `stop`, `other`.
    pub command: String,
    /// What was done: `answered`, `unknown_number`, `several_debtors`, `deceased`,
    /// `limit_reached`, `limit_silent`, `consent_withdrawn`, `stop_unknown_number`, `recorded`.
    pub outcome: String,
    /// The debtor it matched (API id).
    pub debtor_id: Option<String>,
    /// Its name.
    pub debtor_name: Option<String>,
    /// The reply.
    pub reply_text: Option<String>,
    /// `sent`, `test_mode`, `failed`.
    pub reply_status: Option<String>,
    /// SMSAPI's id, or why it failed.
    pub reply_detail: Option<String>,
}

impl From<InboundRow> for InboundBody {
    fn from(r: InboundRow) -> Self {
        let (debtor_id, debtor_name) = r
            .debtor
            .map_or((None, None), |(id, name)| (Some(id), Some(name)));
        InboundBody {
            id: r.inbound_id,
            received_at: r.received_at,
            from_number: r.from_number,
            text: r.text,
            command: r.command,
            outcome: r.outcome,
            debtor_id,
            debtor_name,
            reply_text: r.reply_text,
            reply_status: r.reply_status,
            reply_detail: r.reply_detail,
        }
    }
}

/// The SMS debtors sent the firm's number ("Saldo", "STOP", others), newest first, each with
/// what was done and the reply.
#[utoipa::path(get, path = "/inbound-sms", tag = "notifications", params(InboundParams),
    responses((status = 200, body = Vec<InboundBody>), (status = 400, body = ErrorBody)))]
async fn inbound_log(
    State(state): State<AppState>,
    auth: ClientAuth,
    Q(q): Q<InboundParams>,
) -> Result<Json<Vec<InboundBody>>, Failure> {
    let p = auth.require(Role::Viewer)?;
    let command = q.command.map(|c| match c {
        CommandParam::Balance => "balance",
        CommandParam::Stop => "stop",
        CommandParam::Other => "other",
    });
    let rows = state
        .app
        .inbound_log(&p.tenant, command, q.limit.unwrap_or(100).clamp(1, 1_000))
        .await?;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}
