//! The firm's administration in the client API (`/api/v1`, admin only): users (add, change
//! role, disable or enable, reset the password — each ending the user's sessions), agents
//! (create, a new token keeping the agent's identity and sequence, revoke) and API tokens
//! (list, create, revoke); the agents' list and health are for every role. The portal's Administration page calls the same services; both are
//! audited alike.

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, Utc};
use inkaso_shared::{Email, Localized as _};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::agent::{parse_json, read_body};
use super::client::ErrorBody;
use super::wire::{self, AgentHealth};
use super::{AppState, ClientAuth, Failure, Path};
use crate::domain::Invalid;
use crate::domain::accounts::Role;
use crate::domain::ids::AgentId;
use crate::i18n::{self, Bilingual};
use crate::services::ServiceError;
use crate::services::model::ApiTokenView;
use crate::services::model::UserView;

/// The administration routes.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users, add_user))
        .routes(routes!(set_role))
        .routes(routes!(set_disabled))
        .routes(routes!(reset_password))
        .routes(routes!(list_agents, create_agent))
        .routes(routes!(rotate_agent))
        .routes(routes!(revoke_agent))
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(revoke_token))
}

/// A user of the firm.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct User {
    /// Id.
    pub id: String,
    /// E-mail (lower case); the login.
    pub email: String,
    /// `viewer`, `editor` or `admin`.
    pub role: String,
    /// A disabled user cannot log in.
    pub disabled: bool,
    /// The portal's language (`pl`, `en`).
    pub lang: String,
    /// When added.
    pub created_at: DateTime<Utc>,
}

impl From<UserView> for User {
    fn from(u: UserView) -> Self {
        User {
            id: u.id,
            email: u.email,
            role: u.role.as_str().to_owned(),
            disabled: u.disabled,
            lang: u.lang,
            created_at: u.created_at,
        }
    }
}

/// A user to add.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    /// E-mail: the login.
    pub email: String,
    /// `viewer`, `editor` or `admin`.
    pub role: String,
    /// A password of at least 12 characters; absent: a random one, returned once.
    #[serde(default)]
    pub password: Option<String>,
}

/// A user added, with the password to hand over (only when it was generated).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AddedUser {
    /// The new user's id.
    pub id: String,
    /// The generated password, shown once; absent when the request gave one.
    pub password: Option<String>,
}

/// A new role.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleChange {
    /// `viewer`, `editor` or `admin`.
    pub role: String,
}

/// Disabling or enabling a user.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DisabledChange {
    /// `true` disables (the user's sessions end), `false` enables.
    pub disabled: bool,
}

/// A password reset: the new random password, shown once.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PasswordReset {
    /// Whose.
    pub email: String,
    /// The new password.
    pub password: String,
}

/// A name for a new agent or API token.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAgent {
    /// 1–100 characters, e.g. the ERP database's name.
    pub name: String,
}

/// A new API token.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    /// What it is for (1–100 characters).
    pub name: String,
    /// `viewer`, `editor` or `admin`.
    pub role: String,
}

/// A secret made for an agent or a program, shown only in this answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IssuedSecret {
    /// The agent's or token's id.
    pub id: String,
    /// The token to paste into the agent's settings or the program.
    pub token: String,
}

/// An API token as listed (never its secret).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApiToken {
    /// Id.
    pub id: String,
    /// What it is for.
    pub name: String,
    /// `viewer`, `editor` or `admin`.
    pub role: String,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Revoked (refused since).
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<ApiTokenView> for ApiToken {
    fn from(t: ApiTokenView) -> Self {
        ApiToken {
            id: t.id,
            name: t.name,
            role: t.role.as_str().to_owned(),
            created_at: t.created_at,
            revoked_at: t.revoked_at,
        }
    }
}

fn role_of(text: &str) -> Result<Role, Failure> {
    text.parse::<Role>()
        .map_err(|e| ServiceError::Invalid(e).into())
}

/// The firm's users.
#[utoipa::path(get, path = "/users", tag = "admin",
    responses((status = 200, body = Vec<User>), (status = 403, body = ErrorBody)))]
async fn list_users(
    State(state): State<AppState>,
    auth: ClientAuth,
) -> Result<Json<Vec<User>>, Failure> {
    let p = auth.require(Role::Admin)?;
    let users = state.app.users(&p.tenant).await?;
    Ok(Json(users.into_iter().map(Into::into).collect()))
}

/// Adds a user; without a password in the request, a random one is made and returned once.
#[utoipa::path(post, path = "/users", tag = "admin", request_body = NewUser,
    responses((status = 201, body = AddedUser), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn add_user(
    State(state): State<AppState>,
    auth: ClientAuth,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<AddedUser>), Failure> {
    let p = auth.require(Role::Admin)?;
    let req: NewUser = parse_json(&read_body(&headers, body).await?)?;
    let email = Email::parse(req.email.trim()).map_err(|e| {
        Failure::from(ServiceError::Invalid(Invalid::of(
            "email",
            &Bilingual::each(|lang| {
                i18n::text_with(
                    lang,
                    "err-client-email",
                    &[("reason", e.message(lang).into())],
                )
            }),
        )))
    })?;
    let role = role_of(&req.role)?;
    let (password, generated) = match req.password {
        Some(given) => (given, false),
        None => (crate::services::model::generate_password(), true),
    };
    let id = state
        .app
        .add_user(&p.tenant, &p.actor, &email, role, &password)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(AddedUser {
            id,
            password: generated.then_some(password),
        }),
    ))
}

/// Gives a user another role; its sessions end. The last active admin keeps the role (409).
#[utoipa::path(put, path = "/users/{id}/role", tag = "admin", params(("id" = String, Path)), request_body = RoleChange,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn set_role(
    State(state): State<AppState>,
    auth: ClientAuth,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<StatusCode, Failure> {
    let p = auth.require(Role::Admin)?;
    let req: RoleChange = parse_json(&read_body(&headers, body).await?)?;
    let role = role_of(&req.role)?;
    state
        .app
        .set_user_role(&p.tenant, &p.actor, &id, role)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Disables a user (its sessions end) or enables it again.
#[utoipa::path(put, path = "/users/{id}/disabled", tag = "admin", params(("id" = String, Path)), request_body = DisabledChange,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn set_disabled(
    State(state): State<AppState>,
    auth: ClientAuth,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<StatusCode, Failure> {
    let p = auth.require(Role::Admin)?;
    let req: DisabledChange = parse_json(&read_body(&headers, body).await?)?;
    state
        .app
        .set_user_disabled(&p.tenant, &p.actor, &id, req.disabled)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A new random password for a user, returned once; its sessions end.
#[utoipa::path(post, path = "/users/{id}/password-reset", tag = "admin", params(("id" = String, Path)),
    responses((status = 200, body = PasswordReset), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn reset_password(
    State(state): State<AppState>,
    auth: ClientAuth,
    Path(id): Path<String>,
) -> Result<Json<PasswordReset>, Failure> {
    let p = auth.require(Role::Admin)?;
    let reset = state.app.reset_password(&p.tenant, &p.actor, &id).await?;
    Ok(Json(PasswordReset {
        email: reset.email,
        password: reset.password,
    }))
}

/// The firm's agents and their health.
#[utoipa::path(get, path = "/agents", tag = "agents", responses((status = 200, body = Vec<AgentHealth>), (status = 401, body = ErrorBody)))]
async fn list_agents(
    State(state): State<AppState>,
    auth: ClientAuth,
) -> Result<Json<Vec<AgentHealth>>, Failure> {
    let p = auth.require(Role::Viewer)?;
    Ok(Json(wire::all(state.app.agents_health(&p.tenant).await?)))
}

/// A new agent (one per ERP database); its token is in the answer, once.
#[utoipa::path(post, path = "/agents", tag = "agents", request_body = NewAgent,
    responses((status = 201, body = IssuedSecret), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn create_agent(
    State(state): State<AppState>,
    auth: ClientAuth,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<IssuedSecret>), Failure> {
    let p = auth.require(Role::Admin)?;
    let req: NewAgent = parse_json(&read_body(&headers, body).await?)?;
    let new = state
        .app
        .create_agent(&p.tenant, &p.actor, &req.name)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(IssuedSecret {
            id: new.id,
            token: new.secret,
        }),
    ))
}

/// A new token for an agent, in the answer once: the old token stops working at once; the
/// agent keeps its id, its batch sequence and its place in the results feed. A revoked agent
/// is reinstated.
#[utoipa::path(post, path = "/agents/{id}/token", tag = "agents", params(("id" = String, Path)),
    responses((status = 200, body = IssuedSecret), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn rotate_agent(
    State(state): State<AppState>,
    auth: ClientAuth,
    Path(id): Path<String>,
) -> Result<Json<IssuedSecret>, Failure> {
    let p = auth.require(Role::Admin)?;
    let new = state
        .app
        .rotate_agent_token(&p.tenant, &p.actor, &AgentId::new(id))
        .await?;
    Ok(Json(IssuedSecret {
        id: new.id,
        token: new.secret,
    }))
}

/// Revokes an agent's token: its next request is refused.
#[utoipa::path(post, path = "/agents/{id}/revoke", tag = "agents", params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn revoke_agent(
    State(state): State<AppState>,
    auth: ClientAuth,
    Path(id): Path<String>,
) -> Result<StatusCode, Failure> {
    let p = auth.require(Role::Admin)?;
    state
        .app
        .revoke_agent(&p.tenant, &p.actor, &AgentId::new(id))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The firm's API tokens, newest first (never their secrets).
#[utoipa::path(get, path = "/api-tokens", tag = "admin",
    responses((status = 200, body = Vec<ApiToken>), (status = 403, body = ErrorBody)))]
async fn list_tokens(
    State(state): State<AppState>,
    auth: ClientAuth,
) -> Result<Json<Vec<ApiToken>>, Failure> {
    let p = auth.require(Role::Admin)?;
    let tokens = state.app.api_tokens(&p.tenant).await?;
    Ok(Json(tokens.into_iter().map(Into::into).collect()))
}

/// A new API token with a role; the token is in the answer, once.
#[utoipa::path(post, path = "/api-tokens", tag = "admin", request_body = NewToken,
    responses((status = 201, body = IssuedSecret), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn create_token(
    State(state): State<AppState>,
    auth: ClientAuth,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<IssuedSecret>), Failure> {
    let p = auth.require(Role::Admin)?;
    let req: NewToken = parse_json(&read_body(&headers, body).await?)?;
    let role = role_of(&req.role)?;
    let new = state
        .app
        .create_api_token(&p.tenant, &p.actor, &req.name, role)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(IssuedSecret {
            id: new.id,
            token: new.secret,
        }),
    ))
}

/// Revokes an API token (a token may revoke itself).
#[utoipa::path(delete, path = "/api-tokens/{id}", tag = "admin", params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn revoke_token(
    State(state): State<AppState>,
    auth: ClientAuth,
    Path(id): Path<String>,
) -> Result<StatusCode, Failure> {
    let p = auth.require(Role::Admin)?;
    state.app.revoke_api_token(&p.tenant, &p.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
