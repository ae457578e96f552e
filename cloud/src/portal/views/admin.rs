//! Administration (admin only): the firm's users — add, change role, disable, enable, reset the
//! password, each change ending the user's sessions — and its agents — create with the token
//! shown once, revoke — with their last sync.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use inkaso_shared::Email;
use serde::Deserialize;

use super::super::format::role_message;
use super::super::session::Form;
use super::super::{Ctx, PageError, Viewer};
use super::PathId;
use crate::domain::accounts::Role;
use crate::domain::ids::AgentId;
use crate::http::AppState;
use crate::services::ServiceError;
use crate::services::model::{AgentHealth, UserView};

#[derive(Template, WebTemplate)]
#[template(path = "admin.html")]
pub(super) struct AdminPage {
    ctx: Ctx,
    users: Vec<UserLine>,
    agents: Vec<AgentHealth>,
    roles: Vec<(&'static str, String)>,
    form: NewUserView,
    /// A secret shown once: a new user's or reset password, or a new agent's token.
    secret: Option<Secret>,
}

struct UserLine {
    user: UserView,
    is_me: bool,
}

struct Secret {
    label: String,
    value: String,
}

#[derive(Debug, Default, Clone)]
struct NewUserView {
    email: String,
    role: String,
    error_field: String,
    error: Option<String>,
}

impl NewUserView {
    /// An empty form; a new user is a viewer unless the admin says otherwise.
    fn blank() -> NewUserView {
        NewUserView {
            role: Role::Viewer.as_str().to_owned(),
            ..NewUserView::default()
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct AdminQuery {
    done: Option<String>,
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    ctx: Ctx,
    form: NewUserView,
    secret: Option<Secret>,
) -> Result<AdminPage, PageError> {
    let tenant = &viewer.session.principal.tenant;
    let users = state
        .app
        .users(tenant)
        .await?
        .into_iter()
        .map(|user| UserLine {
            is_me: user.id == viewer.session.user_id,
            user,
        })
        .collect();
    let agents = state.app.agents_health(tenant).await?;
    let roles = [Role::Viewer, Role::Editor, Role::Admin]
        .into_iter()
        .map(|r| (r.as_str(), ctx.t(role_message(r))))
        .collect();
    Ok(AdminPage {
        ctx,
        users,
        agents,
        roles,
        form,
        secret,
    })
}

pub(super) async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<AdminQuery>,
) -> Result<AdminPage, PageError> {
    viewer.require(Role::Admin)?;
    let ctx = Ctx::load(&state, &viewer, "admin").await?;
    let notice = ctx.notice(q.done.as_deref());
    page(
        &state,
        &viewer,
        ctx.with_notice(notice),
        NewUserView::blank(),
        None,
    )
    .await
}

#[derive(Debug, Deserialize)]
pub(super) struct NewUserForm {
    email: String,
    role: String,
}

/// Adds a user with a random password shown once, to be handed over in person.
pub(super) async fn add_user(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<NewUserForm>,
) -> Result<Response, PageError> {
    viewer.require(Role::Admin)?;
    let ctx = Ctx::load(&state, &viewer, "admin").await?;
    let shown = NewUserView {
        email: form.email.clone(),
        role: form.role.clone(),
        ..NewUserView::default()
    };
    let refused = |field: &str, error: String, mut shown: NewUserView| {
        field.clone_into(&mut shown.error_field);
        shown.error = Some(error);
        shown
    };
    let email = match Email::parse(form.email.trim()) {
        Ok(e) => e,
        Err(e) => {
            let shown = refused(
                "email",
                ctx.ta("user-email-invalid", "reason", &e.to_string()),
                shown,
            );
            let p = page(&state, &viewer, ctx, shown, None).await?;
            return Ok((StatusCode::BAD_REQUEST, p).into_response());
        }
    };
    let role: Role = form.role.parse().map_err(ServiceError::Invalid)?;
    let password = crate::store::accounts::generate_password();
    let tenant = &viewer.session.principal.tenant;
    match state
        .app
        .add_user(
            tenant,
            &viewer.session.principal.actor,
            &email,
            role,
            &password,
        )
        .await
    {
        Ok(_) => {
            let secret = Secret {
                label: ctx.ta("user-added-password", "email", email.as_str()),
                value: password,
            };
            let notice = ctx.t("notice-user-added");
            let ctx = ctx.with_notice(Some(notice));
            Ok(
                page(&state, &viewer, ctx, NewUserView::blank(), Some(secret))
                    .await?
                    .into_response(),
            )
        }
        Err(e @ ServiceError::Conflict { .. }) => {
            let error = PageError::from(e).message(ctx.lang).to_owned();
            let shown = refused("email", error, shown);
            let p = page(&state, &viewer, ctx, shown, None).await?;
            Ok((StatusCode::CONFLICT, p).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct RoleForm {
    role: String,
}

pub(super) async fn set_role(
    State(state): State<AppState>,
    viewer: Viewer,
    PathId(id): PathId,
    Form(form): Form<RoleForm>,
) -> Result<Response, PageError> {
    viewer.require(Role::Admin)?;
    let role: Role = form.role.parse().map_err(ServiceError::Invalid)?;
    state
        .app
        .set_user_role(
            &viewer.session.principal.tenant,
            &viewer.session.principal.actor,
            &id,
            role,
        )
        .await?;
    Ok(Redirect::to("/admin?done=user-role-changed").into_response())
}

#[derive(Debug, Deserialize)]
pub(super) struct DisableForm {
    disabled: String,
}

pub(super) async fn set_disabled(
    State(state): State<AppState>,
    viewer: Viewer,
    PathId(id): PathId,
    Form(form): Form<DisableForm>,
) -> Result<Response, PageError> {
    viewer.require(Role::Admin)?;
    let disabled = form.disabled == "true";
    state
        .app
        .set_user_disabled(
            &viewer.session.principal.tenant,
            &viewer.session.principal.actor,
            &id,
            disabled,
        )
        .await?;
    let done = if disabled {
        "user-disabled"
    } else {
        "user-enabled"
    };
    Ok(Redirect::to(&format!("/admin?done={done}")).into_response())
}

#[derive(Debug, Deserialize)]
pub(super) struct Confirm {}

pub(super) async fn reset_password(
    State(state): State<AppState>,
    viewer: Viewer,
    PathId(id): PathId,
    Form(Confirm {}): Form<Confirm>,
) -> Result<Response, PageError> {
    viewer.require(Role::Admin)?;
    let ctx = Ctx::load(&state, &viewer, "admin").await?;
    let tenant = &viewer.session.principal.tenant;
    let reset = state
        .app
        .reset_password(tenant, &viewer.session.principal.actor, &id)
        .await?;
    let secret = Secret {
        label: ctx.ta("user-reset-password", "email", &reset.email),
        value: reset.password,
    };
    Ok(
        page(&state, &viewer, ctx, NewUserView::blank(), Some(secret))
            .await?
            .into_response(),
    )
}

#[derive(Debug, Deserialize)]
pub(super) struct NewAgentForm {
    name: String,
}

/// A new agent, its token shown once to paste into the agent's set-up.
pub(super) async fn add_agent(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<NewAgentForm>,
) -> Result<Response, PageError> {
    viewer.require(Role::Admin)?;
    let ctx = Ctx::load(&state, &viewer, "admin").await?;
    let name = form.name.trim();
    if name.is_empty() {
        return Err(PageError::new(
            StatusCode::BAD_REQUEST,
            "Podaj nazwę agenta (np. nazwę bazy ERP).",
            "Give the agent a name (e.g. the ERP database's).",
        ));
    }
    let agent = state
        .app
        .create_agent(&viewer.session.principal.tenant, name)
        .await?;
    let secret = Secret {
        label: ctx.ta("agent-token-once", "name", name),
        value: agent.secret,
    };
    let notice = ctx.t("notice-agent-added");
    let ctx = ctx.with_notice(Some(notice));
    Ok(
        page(&state, &viewer, ctx, NewUserView::blank(), Some(secret))
            .await?
            .into_response(),
    )
}

pub(super) async fn revoke_agent(
    State(state): State<AppState>,
    viewer: Viewer,
    PathId(id): PathId,
    Form(Confirm {}): Form<Confirm>,
) -> Result<Response, PageError> {
    viewer.require(Role::Admin)?;
    state
        .app
        .revoke_agent(
            &viewer.session.principal.tenant,
            &viewer.session.principal.actor,
            &AgentId::new(id),
        )
        .await?;
    Ok(Redirect::to("/admin?done=agent-revoked").into_response())
}
