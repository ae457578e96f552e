//! Cases handed to law-firm partners over HTTP (R-C4), both sides:
//!
//! - the client firm's `/api/v1/cases`: list, one case, a manual hand-off, notes (viewer reads,
//!   editor writes);
//! - the partner API `/api/v1/partner/cases`: the cases handed to the caller's law firm by every
//!   client linked to it (each marked with its creditor), one case, accept, reject, status,
//!   notes (viewer reads, editor writes). Only users and tokens of partner tenants get in
//!   ([`PartnerAuth`]), and they see nothing but these cases.
//!
//! The use cases are [`crate::services::cases`] (the state machine is the core's, the
//! snapshots, idempotent opening, feed and audit the store's); this module only authenticates,
//! parses and maps.

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::agent::{parse_json, read_body};
use super::client::ErrorBody;
use super::wire::{Case, CaseDetail, CaseFilter, Page, PageRequest};
use super::{AppState, ClientAuth, Failure, PartnerAuth, Path, Q};
use crate::domain::accounts::Role;
use crate::domain::cases::PartnerDecision;
use crate::services::model::NewCase;

/// The routes of both sides, to be nested under `/api/v1`.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_cases, hand_off))
        .routes(routes!(get_case))
        .routes(routes!(client_note))
        .routes(routes!(partner_list))
        .routes(routes!(partner_get))
        .routes(routes!(partner_accept))
        .routes(routes!(partner_reject))
        .routes(routes!(partner_status))
        .routes(routes!(partner_note))
}

/// Query of the case lists.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseQuery {
    /// Only cases in this status (`handed_off`, `accepted`, `rejected`, `in_court`,
    /// `settlement`, `paid`, `closed`).
    pub status: Option<String>,
    /// Only this debtor's cases (its ERP key).
    pub debtor_external_id: Option<String>,
    /// Only cases of debtors from this agent (ERP database).
    pub agent_id: Option<String>,
    /// Partner API only: only the cases of this creditor (client firm id).
    pub creditor_id: Option<String>,
    /// Part of the debtor's name, its NIP or a document's number (case-insensitive).
    pub q: Option<String>,
    /// `changed` (the default: most recently changed first), `handed`, `amount` or `debtor`;
    /// a leading `-` sorts descending.
    pub sort: Option<String>,
    /// Cursor from the previous page.
    pub after: Option<String>,
    /// Page size (1..=500, default 50).
    // u32 would be declared int32 (at most 2^31 - 1), which the parser does not enforce.
    #[param(value_type = Option<u64>)]
    pub limit: Option<u32>,
}

impl CaseQuery {
    fn split(self) -> (CaseFilter, PageRequest) {
        (
            CaseFilter {
                status: self.status,
                debtor_external_id: self.debtor_external_id,
                agent_id: self.agent_id,
                creditor_id: self.creditor_id,
                q: self.q,
                sort: self.sort,
            },
            PageRequest {
                after: self.after,
                limit: self.limit,
            },
        )
    }
}

/// A manual hand-off (`POST /api/v1/cases`).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HandOffRequest {
    /// The agent (ERP database) the debtor comes from.
    pub agent_id: String,
    /// The debtor's ERP key.
    pub debtor_external_id: String,
    /// The documents to hand over (ERP keys); closed ones are left out.
    pub document_external_ids: Vec<String>,
    /// The law firm's id; may be left out when the firm has exactly one.
    #[serde(default)]
    pub partner_id: Option<String>,
    /// A note for the law firm.
    #[serde(default)]
    pub note: Option<String>,
}

/// A note (`…/notes`).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteRequest {
    /// The note (at most 4000 characters).
    pub note: String,
}

/// An accept or reject, with an optional note.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    /// Why, for the client.
    #[serde(default)]
    pub note: Option<String>,
}

/// A status change (`…/status`).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusRequest {
    /// The new status: `in_court`, `settlement`, `paid`, `closed` (or `accepted`/`rejected`
    /// from `handed_off`).
    pub status: String,
    /// A note for the client.
    #[serde(default)]
    pub note: Option<String>,
}

/// An empty body is an empty decision (no note).
fn decision_body(bytes: &[u8]) -> Result<DecisionRequest, Failure> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        Ok(DecisionRequest::default())
    } else {
        parse_json(bytes)
    }
}

/// The firm's cases at law firms, most recently changed first.
#[utoipa::path(get, path = "/cases", tag = "cases", params(CaseQuery),
    responses((status = 200, body = Page<Case>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn list_cases(
    State(state): State<AppState>,
    auth: ClientAuth,
    Q(q): Q<CaseQuery>,
) -> Result<Json<Page<Case>>, Failure> {
    let p = auth.require(Role::Viewer)?;
    let (filter, page) = q.split();
    Ok(Json(
        state
            .app
            .client_cases(&p.tenant, &filter.into(), &page.into())
            .await?
            .into(),
    ))
}

/// Hands a debtor's documents over to a law firm (editor and up). Answers 201 with the new
/// case, or 200 with the open case that already holds these documents.
#[utoipa::path(post, path = "/cases", tag = "cases", request_body = HandOffRequest,
    responses((status = 201, body = Case), (status = 200, body = Case), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn hand_off(
    State(state): State<AppState>,
    auth: ClientAuth,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<Case>), Failure> {
    let p = auth.require(Role::Editor)?;
    let req: HandOffRequest = parse_json(&read_body(&headers, body).await?)?;
    let new = NewCase {
        agent_id: req.agent_id,
        debtor_external_id: req.debtor_external_id,
        document_external_ids: req.document_external_ids,
        partner: req.partner_id,
        action_id: None,
        note: req.note,
    };
    let opened = state.app.hand_off(&p.tenant, &p.actor, &new).await?;
    let status = if opened.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(opened.case.into())))
}

/// One case: what was handed over (debtor, documents, history) and every event since.
#[utoipa::path(get, path = "/cases/{id}", tag = "cases", params(("id" = String, Path, description = "The case's id")),
    responses((status = 200, body = CaseDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_case(
    State(state): State<AppState>,
    auth: ClientAuth,
    Path(id): Path<String>,
) -> Result<Json<CaseDetail>, Failure> {
    let p = auth.require(Role::Viewer)?;
    Ok(Json(state.app.client_case(&p.tenant, &id).await?.into()))
}

/// A note for the law firm (editor and up).
#[utoipa::path(post, path = "/cases/{id}/notes", tag = "cases", params(("id" = String, Path)),
    request_body = NoteRequest,
    responses((status = 200, body = Case), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn client_note(
    State(state): State<AppState>,
    auth: ClientAuth,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Case>, Failure> {
    let p = auth.require(Role::Editor)?;
    let req: NoteRequest = parse_json(&read_body(&headers, body).await?)?;
    Ok(Json(
        state
            .app
            .client_case_note(&p.tenant, &p.actor, &id, &req.note)
            .await?
            .into(),
    ))
}

/// The cases handed to this law firm by every client using it, most recently changed first;
/// each names its creditor.
#[utoipa::path(get, path = "/partner/cases", tag = "partner", params(CaseQuery),
    responses((status = 200, body = Page<Case>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn partner_list(
    State(state): State<AppState>,
    auth: PartnerAuth,
    Q(q): Q<CaseQuery>,
) -> Result<Json<Page<Case>>, Failure> {
    let p = auth.require(Role::Viewer)?;
    let (filter, page) = q.split();
    Ok(Json(
        state
            .app
            .partner_cases(&p.tenant, &filter.into(), &page.into())
            .await?
            .into(),
    ))
}

/// One case handed to this law firm.
#[utoipa::path(get, path = "/partner/cases/{id}", tag = "partner", params(("id" = String, Path)),
    responses((status = 200, body = CaseDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn partner_get(
    State(state): State<AppState>,
    auth: PartnerAuth,
    Path(id): Path<String>,
) -> Result<Json<CaseDetail>, Failure> {
    let p = auth.require(Role::Viewer)?;
    Ok(Json(state.app.partner_case(&p.tenant, &id).await?.into()))
}

async fn decide(
    state: &AppState,
    auth: &PartnerAuth,
    id: &str,
    decision: PartnerDecision,
    headers: &HeaderMap,
    body: Body,
) -> Result<Json<Case>, Failure> {
    let p = auth.require(Role::Editor)?;
    let req = decision_body(&read_body(headers, body).await?)?;
    Ok(Json(
        state
            .app
            .partner_decide(&p.tenant, &p.actor, id, decision, req.note.as_deref())
            .await?
            .into(),
    ))
}

/// Takes a handed-off case (editor and up).
#[utoipa::path(post, path = "/partner/cases/{id}/accept", tag = "partner", params(("id" = String, Path)),
    request_body(content = Option<DecisionRequest>, description = "Optional; an empty body is no note"),
    responses((status = 200, body = Case), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn partner_accept(
    State(state): State<AppState>,
    auth: PartnerAuth,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Case>, Failure> {
    decide(&state, &auth, &id, PartnerDecision::Accept, &headers, body).await
}

/// Refuses a handed-off case (editor and up); its documents may then be handed off again.
#[utoipa::path(post, path = "/partner/cases/{id}/reject", tag = "partner", params(("id" = String, Path)),
    request_body(content = Option<DecisionRequest>, description = "Optional; an empty body is no note"),
    responses((status = 200, body = Case), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn partner_reject(
    State(state): State<AppState>,
    auth: PartnerAuth,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Case>, Failure> {
    decide(&state, &auth, &id, PartnerDecision::Reject, &headers, body).await
}

/// Moves a case on (editor and up). Allowed: handed_off → accepted | rejected; accepted →
/// in_court | settlement | paid | closed; in_court → settlement | paid | closed; settlement →
/// paid | closed; paid → closed. Anything else is 400 naming `status`, the current status and
/// the requested one.
#[utoipa::path(post, path = "/partner/cases/{id}/status", tag = "partner", params(("id" = String, Path)),
    request_body = StatusRequest,
    responses((status = 200, body = Case), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn partner_status(
    State(state): State<AppState>,
    auth: PartnerAuth,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Case>, Failure> {
    let p = auth.require(Role::Editor)?;
    let req: StatusRequest = parse_json(&read_body(&headers, body).await?)?;
    Ok(Json(
        state
            .app
            .partner_set_status(&p.tenant, &p.actor, &id, &req.status, req.note.as_deref())
            .await?
            .into(),
    ))
}

/// A note for the client (editor and up).
#[utoipa::path(post, path = "/partner/cases/{id}/notes", tag = "partner", params(("id" = String, Path)),
    request_body = NoteRequest,
    responses((status = 200, body = Case), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn partner_note(
    State(state): State<AppState>,
    auth: PartnerAuth,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Case>, Failure> {
    let p = auth.require(Role::Editor)?;
    let req: NoteRequest = parse_json(&read_body(&headers, body).await?)?;
    Ok(Json(
        state
            .app
            .partner_case_note(&p.tenant, &p.actor, &id, &req.note)
            .await?
            .into(),
    ))
}
