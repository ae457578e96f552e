//! The cloud's HTTP surface: the agent API (`/agent/v1`, [`agent`]), the client API
//! (`/api/v1`, [`client`], with the process engine's part in [`processes`] and the channels' in
//! [`channels`]) with its OpenAPI document, the cases handed to law-firm partners (the client's
//! `/api/v1/cases` and the partner API `/api/v1/partner/cases`, [`cases`]), and the operations
//! endpoints ([`ops`]).
//!
//! This module owns what every endpoint shares: the state, the one error shape
//! ([`ErrorResponse`]) and authentication. Authentication resolves a secret to a principal of
//! one tenant; every store call below takes that tenant's id, so another tenant's ids simply do
//! not exist (404, never 403). A principal also carries its tenant's kind: users of a partner law
//! firm reach only the partner API ([`PartnerAuth`]) and client firms' users never reach it.

pub mod admin;
pub mod agent;
pub mod cases;
pub mod channels;
pub mod client;
pub mod notifications;
mod openapi;
pub mod ops;
pub mod processes;
pub mod stats;
pub mod wire;

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use inkaso_shared::Clock;
use inkaso_shared::protocol::{ApiError, ErrorCode, ErrorResponse};
use tower::limit::GlobalConcurrencyLimitLayer;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::accounts::{Role, TenantKind};
use crate::i18n::{self, Arg, Bilingual};
pub use crate::services::Engine;
use crate::services::model::{AgentPrincipal, AuthFailure, ClientPrincipal, Store};
use crate::services::{App, ServiceError};

/// Name of the portal's session cookie.
pub const SESSION_COOKIE: &str = "inkaso_session";

/// Settings the endpoints need.
#[derive(Debug, Clone)]
pub struct ApiSettings {
    /// Minutes between the agents' sync cycles (`config`).
    pub sync_interval_minutes: u32,
    /// Hours between full reconciles (`config`).
    pub full_reconcile_hours: u32,
    /// Mark the session cookie `Secure`: on unless the operator turns it off for plain-HTTP
    /// development (`secure_cookies = false`, `--insecure-cookies`).
    pub secure_cookies: bool,
    /// Take the client's address from the last `X-Forwarded-For` entry (behind a reverse proxy
    /// that sets it); otherwise the connection's peer address is used.
    pub trust_forwarded_for: bool,
}

impl Default for ApiSettings {
    fn default() -> Self {
        ApiSettings {
            sync_interval_minutes: 15,
            full_reconcile_hours: 24,
            secure_cookies: true,
            trust_forwarded_for: false,
        }
    }
}

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The application services (store, clock, engine) every handler calls.
    pub app: App,
    /// Endpoint settings.
    pub settings: ApiSettings,
    /// The installation's SMSAPI callback secret, read from the store once.
    callback_secret: Arc<tokio::sync::OnceCell<String>>,
}

impl AppState {
    /// A state with the default [`Engine`] (see [`AppState::with_engine`]).
    pub fn new(store: Store, clock: Arc<dyn Clock>, settings: ApiSettings) -> AppState {
        AppState {
            app: App::new(store, clock, Engine::default()),
            settings,
            callback_secret: Arc::default(),
        }
    }

    /// The secret SMSAPI's delivery reports must carry in their path.
    pub async fn callback_secret(&self) -> Result<String, ServiceError> {
        self.callback_secret
            .get_or_try_init(|| self.app.callback_secret())
            .await
            .cloned()
    }

    /// Replaces the engine's channels and runner settings (tests, live adapters).
    #[must_use]
    pub fn with_engine(mut self, engine: Engine) -> AppState {
        self.app.engine = engine;
        self
    }
}

/// The longest a request may take before it is answered 408.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);
/// Requests handled at once; more wait for a slot.
pub const MAX_IN_FLIGHT: usize = 512;

/// The whole application: agent API, client API, OpenAPI, operations.
pub fn router(state: AppState) -> Router {
    let (api_router, mut openapi) = client::router()
        .merge(agent::router())
        .merge(OpenApiRouter::new().routes(routes!(
            channels::smsapi_callback,
            channels::smsapi_callback_post
        )))
        .merge(OpenApiRouter::new().routes(routes!(channels::smsapi_inbound)))
        .split_for_parts();
    openapi::complete(&mut openapi);
    let openapi = Arc::new(openapi);
    Router::new()
        .merge(api_router)
        .merge(ops::router())
        .merge(crate::portal::router())
        // The pre-secret address: answered 401 so a stale SMSAPI setting shows in its panel.
        .route(
            "/callbacks/smsapi",
            axum::routing::get(channels::smsapi_callback_without_secret)
                .post(channels::smsapi_callback_without_secret),
        )
        .route(
            "/api/openapi.json",
            axum::routing::get(move || {
                let doc = Arc::clone(&openapi);
                async move { Json(doc.as_ref().clone()) }
            }),
        )
        .method_not_allowed_fallback(|| async {
            Failure::new(
                StatusCode::METHOD_NOT_ALLOWED,
                ErrorCode::MethodNotAllowed,
                "err-http-method-not-allowed",
                &[],
            )
        })
        .fallback(|headers: HeaderMap, uri: axum::http::Uri| async move {
            // A person who mistyped a portal address gets a page; a program gets JSON.
            if crate::portal::wants_html(&headers, uri.path()) {
                let lang = crate::portal::session::request_lang(&headers);
                return crate::portal::error_page(
                    &crate::portal::PageError::not_found(),
                    lang,
                    false,
                );
            }
            Failure::new(
                StatusCode::NOT_FOUND,
                ErrorCode::NotFound,
                "err-http-no-such-path",
                &[],
            )
            .into_response()
        })
        // A request that takes longer than this is stuck, not slow (a 5 000-document batch takes
        // a fraction of a second); in-flight requests are bounded so a flood queues instead of
        // exhausting memory and the database pool.
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(GlobalConcurrencyLimitLayer::new(MAX_IN_FLIGHT))
        // A bug in one handler answers 500 in the one error shape (and is logged) instead of
        // dropping the connection without a response.
        .layer(CatchPanicLayer::custom(panic_answer))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// The answer to a handler that panicked: logged with its message, 500 to the caller.
#[allow(clippy::needless_pass_by_value)] // the signature CatchPanicLayer::custom calls
fn panic_answer(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    tracing::error!(%message, "a request handler panicked");
    Failure::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        ErrorCode::Internal,
        "err-http-panic",
        &[],
    )
    .into_response()
}

/// An error answer in the one shape of every Inkaso API.
#[derive(Debug)]
pub struct Failure {
    status: StatusCode,
    error: ApiError,
    retry_after: Option<i64>,
}

impl Failure {
    /// An error with a status and the catalogues' message `id` with `args`.
    pub fn new(
        status: StatusCode,
        code: ErrorCode,
        id: &str,
        args: &[(&'static str, Arg)],
    ) -> Failure {
        Failure::bilingual(status, code, Bilingual::msg(id, args))
    }

    /// An error with a status and a message already in both languages (a refusal the store,
    /// the core or another crate worded).
    pub fn bilingual(status: StatusCode, code: ErrorCode, message: Bilingual) -> Failure {
        Failure {
            status,
            error: ApiError::new(code, message.pl, message.en),
            retry_after: None,
        }
    }

    /// 404, naming what was not found in each language ("dokument X", "document X").
    pub fn not_found(what: &Bilingual) -> Failure {
        Failure::bilingual(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            Bilingual::each(|lang| {
                i18n::text_with(
                    lang,
                    "err-http-not-found",
                    &[("what", what.get(lang).into())],
                )
            }),
        )
    }

    /// 400 `invalid_body`, naming the field: the catalogues' message `id` with `args`.
    pub fn invalid_body(field: Option<String>, id: &str, args: &[(&'static str, Arg)]) -> Failure {
        let mut f = Failure::new(StatusCode::BAD_REQUEST, ErrorCode::InvalidBody, id, args);
        f.error.field = field;
        f
    }

    /// 403.
    pub fn forbidden() -> Failure {
        Failure::new(
            StatusCode::FORBIDDEN,
            ErrorCode::Forbidden,
            "err-http-forbidden-role",
            &[],
        )
    }

    /// The offending field (for the errors that name one).
    #[must_use]
    pub fn with_field(mut self, field: impl Into<String>) -> Failure {
        self.error.field = Some(field.into());
        self
    }

    /// The error code (for tests and logs).
    pub fn code(&self) -> ErrorCode {
        self.error.code
    }

    /// Adds `Retry-After: seconds` (429, 503).
    #[must_use]
    pub fn retry_after(mut self, seconds: i64) -> Failure {
        self.retry_after = Some(seconds);
        self
    }

    fn with_expected_seq(mut self, seq: u64) -> Failure {
        self.error.expected_seq = Some(seq);
        self
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(ErrorResponse { error: self.error })).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
        }
        response
    }
}

impl From<crate::domain::Invalid> for Failure {
    fn from(e: crate::domain::Invalid) -> Failure {
        Failure::bilingual(
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidBody,
            Bilingual {
                pl: e.message_pl,
                en: e.message_en,
            },
        )
        .with_field(e.field)
    }
}

impl From<ServiceError> for Failure {
    fn from(e: ServiceError) -> Failure {
        match e {
            ServiceError::NotFound { what_pl, what_en } => Failure::not_found(&Bilingual {
                pl: what_pl,
                en: what_en,
            }),
            ServiceError::Invalid(i) => Failure::from(i),
            ServiceError::Process(p) => processes::process_failure(&p),
            ServiceError::Template(t) => channels::template_failure(&t),
            ServiceError::Conflict {
                message_pl,
                message_en,
            } => Failure::bilingual(
                StatusCode::CONFLICT,
                ErrorCode::Conflict,
                Bilingual {
                    pl: message_pl,
                    en: message_en,
                },
            ),
            ServiceError::Store(e) => {
                tracing::error!(error = %e, "store failure");
                Failure::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ErrorCode::Internal,
                    "err-http-server-error",
                    &[],
                )
            }
        }
    }
}

fn unauthorized(f: AuthFailure) -> Failure {
    match f {
        AuthFailure::Unknown => Failure::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::Unauthorized,
            "err-http-token-unknown",
            &[],
        ),
        AuthFailure::Revoked => Failure::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::TokenRevoked,
            "err-http-token-revoked",
            &[],
        ),
    }
}

/// The client's address, for login throttling: the connection's peer (served with
/// `into_make_service_with_connect_info`), or the last `X-Forwarded-For` entry when the
/// operator says a proxy sets it; `unknown` when neither is there (in-process tests).
#[derive(Debug, Clone)]
pub struct ClientAddr(pub String);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if state.settings.trust_forwarded_for {
            let forwarded = parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .map(str::trim)
                .rfind(|v| v.parse::<std::net::IpAddr>().is_ok());
            if let Some(ip) = forwarded {
                return Ok(ClientAddr(ip.to_owned()));
            }
        }
        Ok(ClientAddr(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string()),
        ))
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
}

/// The value of the request's cookie `name`.
pub(crate) fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
}

/// An agent, authenticated by its bearer token.
#[derive(Debug, Clone)]
pub struct AgentAuth(pub AgentPrincipal);

impl FromRequestParts<AppState> for AgentAuth {
    type Rejection = Failure;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Failure> {
        let token = bearer(&parts.headers).ok_or_else(|| unauthorized(AuthFailure::Unknown))?;
        state
            .app
            .authenticate_agent(token)
            .await?
            .map(AgentAuth)
            .map_err(unauthorized)
    }
}

/// A person (session cookie) or program (API token) using the client API.
#[derive(Debug, Clone)]
pub struct ClientAuth(pub ClientPrincipal);

impl ClientAuth {
    /// Refuses (403) a partner law firm's user, and anyone whose role is below `min`.
    pub fn require(&self, min: Role) -> Result<&ClientPrincipal, Failure> {
        if self.0.tenant_kind != TenantKind::Client {
            Err(Failure::new(
                StatusCode::FORBIDDEN,
                ErrorCode::Forbidden,
                "err-http-partner-on-client-api",
                &[],
            ))
        } else if self.0.role >= min {
            Ok(&self.0)
        } else {
            Err(Failure::forbidden())
        }
    }
}

impl FromRequestParts<AppState> for ClientAuth {
    type Rejection = Failure;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Failure> {
        let result = if let Some(token) = bearer(&parts.headers) {
            state.app.authenticate_api_token(token).await?
        } else if let Some(secret) = cookie(&parts.headers, SESSION_COOKIE) {
            state.app.authenticate_session(secret).await?
        } else {
            Err(AuthFailure::Unknown)
        };
        result.map(ClientAuth).map_err(unauthorized)
    }
}

/// A user (session cookie) or program (API token) of a partner law firm, using the partner API.
/// Authenticates exactly like [`ClientAuth`]; [`PartnerAuth::require`] refuses client firms.
#[derive(Debug, Clone)]
pub struct PartnerAuth(pub ClientPrincipal);

impl PartnerAuth {
    /// Refuses (403) anyone but a partner tenant's user or token with a role of at least `min`.
    pub fn require(&self, min: Role) -> Result<&ClientPrincipal, Failure> {
        if self.0.tenant_kind != TenantKind::Partner {
            Err(Failure::new(
                StatusCode::FORBIDDEN,
                ErrorCode::Forbidden,
                "err-http-client-on-partner-api",
                &[],
            ))
        } else if self.0.role >= min {
            Ok(&self.0)
        } else {
            Err(Failure::forbidden())
        }
    }
}

impl FromRequestParts<AppState> for PartnerAuth {
    type Rejection = Failure;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Failure> {
        ClientAuth::from_request_parts(parts, state)
            .await
            .map(|c| PartnerAuth(c.0))
    }
}

/// Query parameters, with errors in the one shape.
#[derive(Debug)]
pub struct Q<T>(pub T);

impl<T: serde::de::DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Q<T> {
    type Rejection = Failure;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Failure> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Q(q.0))
            .map_err(|e| {
                Failure::invalid_body(None, "err-http-query", &[("reason", e.to_string().into())])
            })
    }
}

/// Path parameters, with errors in the one shape (axum's own rejection is plain text).
#[derive(Debug)]
pub struct Path<T>(pub T);

impl<T: serde::de::DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = Failure;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Failure> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| Path(p.0))
            .map_err(|e| {
                Failure::invalid_body(None, "err-http-path", &[("reason", e.body_text().into())])
            })
    }
}
