//! The client API (`/api/v1`): what people (through the portal's session cookie) and programs
//! (bearer API tokens) read and change. Roles: viewer reads, editor also changes data
//! (exclusions, consents), admin also reads the audit log. The OpenAPI document is generated
//! from these handlers' annotations and served at `/api/openapi.json`.

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::agent::{parse_json, read_body};
use super::wire;
use super::wire::{
    AuditEntry, CompanyView, DebtorDetail, DebtorFilter, DebtorView, DocumentFilter, DocumentView,
    ExclusionView, NewExclusion, Page, PaymentFilter, PaymentView,
};
use super::{AppState, ClientAddr, ClientAuth, Failure, Path, Q, SESSION_COOKIE};
use crate::domain::accounts::Role;
use crate::domain::ids::TenantId;
use crate::services::model::AuditFilter;
use crate::services::model::{LoginOutcome, SESSION_HOURS};
use crate::services::records::ConsentOrder;

/// The error shape, for the OpenAPI document (the type itself is `inkaso_shared::protocol::ErrorResponse`).
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// See [`ErrorBody`].
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// `unauthorized`, `token_revoked`, `forbidden`, `not_found`, `invalid_body`, `conflict`, `internal`, ...
    pub code: String,
    /// In Polish.
    pub message_pl: String,
    /// In English.
    pub message_en: String,
    /// The offending field, when known.
    pub field: Option<String>,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Inkaso client API",
        version = "1",
        description = "Debtors, documents, payments, agents, exclusions, the collection processes (processes, pauses, history, on-demand runs, forecast), templates, letters, tasks and cases handed to law firms of one client firm; and, under `/api/v1/partner`, the cases handed to one law-firm partner by every client using it. Authenticate with `Authorization: Bearer inkc_…` (API token) or the `inkaso_session` cookie from `POST /api/v1/login`; a law firm's users and tokens reach only `/api/v1/partner`, a client firm's never."
    ),
    components(schemas(ErrorBody, ErrorDetail))
)]
struct ApiDoc;

/// The client API's routes, with their OpenAPI description.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi()).nest(
        "/api/v1",
        OpenApiRouter::new()
            .routes(routes!(login))
            .routes(routes!(logout))
            .routes(routes!(list_debtors))
            .routes(routes!(get_debtor))
            .routes(routes!(set_consent))
            .routes(routes!(list_documents))
            .routes(routes!(get_document))
            .routes(routes!(list_payments))
            .routes(routes!(list_exclusions, create_exclusion))
            .routes(routes!(delete_exclusion))
            .routes(routes!(get_company, refresh_company))
            .routes(routes!(audit_log))
            .merge(super::channels::routes())
            .merge(super::processes::routes())
            .merge(super::notifications::routes())
            .merge(super::cases::routes())
            .merge(super::stats::routes())
            .merge(super::admin::routes()),
    )
}

/// Credentials for `POST /api/v1/login`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// The firm's id.
    pub tenant_id: String,
    /// The user's e-mail.
    pub email: String,
    /// The password.
    pub password: String,
}

/// A session opened.
#[derive(Debug, Serialize, ToSchema)]
pub struct LoginResponse {
    /// The firm's id.
    pub tenant_id: String,
    /// Seconds the session lasts.
    pub expires_in: i64,
}

/// Opens a session; the cookie `inkaso_session` carries it. Failures are counted per client
/// address and per account: over the limit, attempts are refused with 429 and `Retry-After`
/// without the password being looked at (`store::security`).
#[utoipa::path(post, path = "/login", tag = "session", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 429, body = ErrorBody),
        (status = 503, body = ErrorBody)))]
async fn login(
    State(state): State<AppState>,
    address: ClientAddr,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, Failure> {
    let req: LoginRequest = parse_json(&read_body(&headers, body).await?)?;
    let now = state.app.clock.now();
    let session = match state
        .app
        .login(
            &TenantId::new(req.tenant_id.trim()),
            &req.email,
            &req.password,
            &address.0,
        )
        .await?
    {
        LoginOutcome::Opened(session) => session,
        LoginOutcome::Wrong => {
            return Err(Failure::new(
                StatusCode::UNAUTHORIZED,
                inkaso_shared::protocol::ErrorCode::Unauthorized,
                "err-client-login-wrong",
                &[],
            ));
        }
        LoginOutcome::Locked { until } => {
            let seconds = (until - now).num_seconds().max(1);
            return Err(Failure::new(
                StatusCode::TOO_MANY_REQUESTS,
                inkaso_shared::protocol::ErrorCode::RateLimited,
                "err-client-login-locked",
                &[("seconds", seconds.into())],
            )
            .retry_after(seconds));
        }
        LoginOutcome::Busy => {
            return Err(Failure::new(
                StatusCode::SERVICE_UNAVAILABLE,
                inkaso_shared::protocol::ErrorCode::RateLimited,
                "err-client-login-busy",
                &[],
            )
            .retry_after(1));
        }
    };
    let secure = if state.settings.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let max_age = SESSION_HOURS * 3600;
    let cookie = format!(
        "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}",
        session.secret
    );
    Ok((
        [(header::SET_COOKIE, cookie)],
        Json(LoginResponse {
            tenant_id: req.tenant_id.trim().to_owned(),
            expires_in: max_age,
        }),
    )
        .into_response())
}

/// Ends the session.
#[utoipa::path(post, path = "/logout", tag = "session", responses((status = 204), (status = 401, body = ErrorBody)))]
async fn logout(
    State(state): State<AppState>,
    auth: ClientAuth,
    headers: HeaderMap,
) -> Result<Response, Failure> {
    if let Some(secret) = super::cookie(&headers, SESSION_COOKIE) {
        state.app.logout(&auth.0.tenant, secret).await?;
    }
    let clear = format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, clear)]).into_response())
}

/// Debtors, sorted by name.
#[utoipa::path(get, path = "/debtors", tag = "debtors", params(DebtorFilter),
    responses((status = 200, body = Page<DebtorView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
async fn list_debtors(
    State(state): State<AppState>,
    auth: ClientAuth,
    Q(f): Q<DebtorFilter>,
) -> Result<Json<Page<DebtorView>>, Failure> {
    let p = auth.require(Role::Viewer)?;
    Ok(Json(state.app.debtors(&p.tenant, &f.into()).await?.into()))
}

/// One debtor with contacts, documents and company data.
#[utoipa::path(get, path = "/debtors/{id}", tag = "debtors", params(("id" = String, Path, description = "The debtor's id")),
    responses((status = 200, body = DebtorDetail), (status = 404, body = ErrorBody)))]
async fn get_debtor(
    State(state): State<AppState>,
    auth: ClientAuth,
    Path(id): Path<String>,
) -> Result<Json<DebtorDetail>, Failure> {
    let p = auth.require(Role::Viewer)?;
    Ok(Json(state.app.debtor(&p.tenant, &id).await?.into()))
}

/// A consent decision.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentRequest {
    /// Given (true) or refused/withdrawn (false).
    pub consent: bool,
    /// Where it comes from (`phone_call`, `written`, `debtor_portal`).
    pub source: String,
    /// The legal basis it rests on (`art. 6 ust. 1 lit. a RODO`), when recorded.
    #[serde(default)]
    pub basis: Option<String>,
    /// The mobile an SMS consent was given for: a debtor has one consented mobile, so a number
    /// other than the debtor's own is refused (409, naming the consented or the ERP's number).
    #[serde(default)]
    pub number: Option<String>,
}

/// Records a contact's consent (editor and up).
#[utoipa::path(put, path = "/debtors/{id}/contacts/{channel}/consent", tag = "debtors",
    params(("id" = String, Path), ("channel" = String, Path, description = "`sms` or `email`")),
    request_body = ConsentRequest,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
async fn set_consent(
    State(state): State<AppState>,
    auth: ClientAuth,
    Path((id, channel)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Result<StatusCode, Failure> {
    let p = auth.require(Role::Editor)?;
    let req: ConsentRequest = parse_json(&read_body(&headers, body).await?)?;
    state
        .app
        .set_consent(
            &p.tenant,
            &p.actor,
            &id,
            &channel,
            ConsentOrder {
                consent: req.consent,
                source: &req.source,
                basis: req.basis.as_deref(),
                number: req.number.as_deref(),
            },
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Documents, sorted by due date.
#[utoipa::path(get, path = "/documents", tag = "documents", params(DocumentFilter),
    responses((status = 200, body = Page<DocumentView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
async fn list_documents(
    State(state): State<AppState>,
    auth: ClientAuth,
    Q(f): Q<DocumentFilter>,
) -> Result<Json<Page<DocumentView>>, Failure> {
    let p = auth.require(Role::Viewer)?;
    Ok(Json(
        state.app.documents(&p.tenant, &f.into()).await?.into(),
    ))
}

/// One document.
#[utoipa::path(get, path = "/documents/{id}", tag = "documents", params(("id" = String, Path)),
    responses((status = 200, body = DocumentView), (status = 404, body = ErrorBody)))]
async fn get_document(
    State(state): State<AppState>,
    auth: ClientAuth,
    Path(id): Path<String>,
) -> Result<Json<DocumentView>, Failure> {
    let p = auth.require(Role::Viewer)?;
    Ok(Json(state.app.document(&p.tenant, &id).await?.into()))
}

/// Payment events (decreases of remaining amounts, closes as paid).
#[utoipa::path(get, path = "/payments", tag = "payments", params(PaymentFilter),
    responses((status = 200, body = Page<PaymentView>), (status = 401, body = ErrorBody)))]
async fn list_payments(
    State(state): State<AppState>,
    auth: ClientAuth,
    Q(f): Q<PaymentFilter>,
) -> Result<Json<Page<PaymentView>>, Failure> {
    let p = auth.require(Role::Viewer)?;
    Ok(Json(state.app.payments(&p.tenant, &f.into()).await?.into()))
}

/// Exclusions kept in the cloud (sent to agents with their config).
#[utoipa::path(get, path = "/exclusions", tag = "exclusions", responses((status = 200, body = Vec<ExclusionView>), (status = 401, body = ErrorBody)))]
async fn list_exclusions(
    State(state): State<AppState>,
    auth: ClientAuth,
) -> Result<Json<Vec<ExclusionView>>, Failure> {
    let p = auth.require(Role::Viewer)?;
    Ok(Json(wire::all(state.app.exclusions(&p.tenant).await?)))
}

/// Adds an exclusion (editor and up).
#[utoipa::path(post, path = "/exclusions", tag = "exclusions", request_body = NewExclusion,
    responses((status = 201, body = ExclusionView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn create_exclusion(
    State(state): State<AppState>,
    auth: ClientAuth,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<ExclusionView>), Failure> {
    let p = auth.require(Role::Editor)?;
    let new: NewExclusion = parse_json(&read_body(&headers, body).await?)?;
    let created = state
        .app
        .create_exclusion(&p.tenant, &p.actor, &new.into())
        .await?;
    Ok((StatusCode::CREATED, Json(created.into())))
}

/// Deletes an exclusion (editor and up).
#[utoipa::path(delete, path = "/exclusions/{id}", tag = "exclusions", params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn delete_exclusion(
    State(state): State<AppState>,
    auth: ClientAuth,
    Path(id): Path<String>,
) -> Result<StatusCode, Failure> {
    let p = auth.require(Role::Editor)?;
    state.app.delete_exclusion(&p.tenant, &p.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Company data from the VAT register (cached; looked up in the background).
#[utoipa::path(get, path = "/companies/{nip}", tag = "companies", params(("nip" = String, Path)),
    responses((status = 200, body = CompanyView), (status = 404, body = ErrorBody)))]
async fn get_company(
    State(state): State<AppState>,
    auth: ClientAuth,
    Path(nip): Path<String>,
) -> Result<Json<CompanyView>, Failure> {
    let p = auth.require(Role::Viewer)?;
    Ok(Json(state.app.company(&p.tenant, &nip).await?.into()))
}

/// Asks for a fresh lookup in the VAT register (editor and up).
#[utoipa::path(post, path = "/companies/{nip}", tag = "companies", params(("nip" = String, Path)),
    responses((status = 202), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn refresh_company(
    State(state): State<AppState>,
    auth: ClientAuth,
    Path(nip): Path<String>,
) -> Result<StatusCode, Failure> {
    let p = auth.require(Role::Editor)?;
    state.app.refresh_company(&p.tenant, &nip).await?;
    Ok(StatusCode::ACCEPTED)
}

/// Filters of the audit log.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only actions starting with this (`process.`, `user.add`).
    pub action: Option<String>,
    /// How many of the newest entries (1..=500, default 500).
    #[param(value_type = Option<u64>)]
    pub limit: Option<u32>,
}

/// The audit log, newest first (admin): who changed what, when, with the state before and
/// after for processes, templates and settings.
#[utoipa::path(get, path = "/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, body = Vec<AuditEntry>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn audit_log(
    State(state): State<AppState>,
    auth: ClientAuth,
    Q(q): Q<AuditQuery>,
) -> Result<Json<Vec<AuditEntry>>, Failure> {
    let p = auth.require(Role::Admin)?;
    let filter = AuditFilter {
        action: q.action,
        target: None,
        after: None,
        limit: Some(q.limit.unwrap_or(crate::services::model::MAX_PAGE)),
    };
    Ok(Json(wire::all(
        state.app.audit_log(&p.tenant, &filter).await?.items,
    )))
}
