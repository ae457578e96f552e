//! Administration (admin only; a law firm's is its **Zespół**, the same page without agents):
//! the firm's users — add, change role, disable, enable, reset the
//! password, each change ending the user's sessions —, its agents — create with the token
//! shown once, a new token keeping the agent's identity and sequence, revoke — with their last
//! sync, its API tokens, and the audit log of who changed what.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use inkaso_shared::{Email, Localized as _};
use serde::Deserialize;

use super::super::session::{AnyViewer, Form};
use super::super::{Ctx, PageError, Viewer};
use super::{Actors, PathId};
use crate::domain::accounts::{Role, TenantKind};
use crate::domain::case_mail::{CaseMailSettings, DigestEvery};
use crate::domain::ids::AgentId;
use crate::http::AppState;
use crate::services::ServiceError;
use crate::services::model::{AgentHealth, UserView};
use crate::store::accounts::{ApiTokenView, AuditEntry, AuditFilter};

#[derive(Template, WebTemplate)]
#[template(path = "admin.html")]
pub(super) struct AdminPage {
    ctx: Ctx,
    users: Vec<UserLine>,
    agents: Vec<AgentHealth>,
    tokens: Vec<ApiTokenView>,
    roles: Vec<(&'static str, String)>,
    form: NewUserView,
    /// A secret shown once: a new user's or reset password, or a new agent's token.
    secret: Option<Secret>,
    /// The e-mails about cases: a law firm's digest, a creditor's news.
    mail: MailView,
}

/// The form of the case e-mails' settings, as saved or as just refused.
#[derive(Debug, Default, Clone)]
struct MailView {
    digest: String,
    digest_hour: u32,
    status_mail: bool,
    /// One address per line.
    recipients: String,
    /// The choices of the digest: `(code, name)`.
    digests: Vec<(&'static str, String)>,
    error_field: String,
    error: Option<String>,
}

impl MailView {
    fn of(ctx: &Ctx, s: &CaseMailSettings) -> MailView {
        MailView {
            digest: s.digest.as_str().to_owned(),
            digest_hour: s.digest_hour,
            status_mail: s.status_mail,
            recipients: s
                .recipients
                .iter()
                .map(Email::as_str)
                .collect::<Vec<_>>()
                .join("\n"),
            digests: DigestEvery::ALL
                .into_iter()
                .map(|d| (d.as_str(), ctx.t(&format!("digest-{}", d.as_str()))))
                .collect(),
            ..MailView::default()
        }
    }
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

impl AdminPage {
    /// "Administracja" for a client firm, "Zespół" for a law firm.
    fn title(&self) -> String {
        self.ctx.t(admin_title(&self.ctx))
    }
}

/// The administration page's name for the reader's kind of firm.
fn admin_title(ctx: &Ctx) -> &'static str {
    if ctx.partner {
        "nav-partner-team"
    } else {
        "nav-admin"
    }
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
    let mail = MailView::of(&ctx, &state.app.case_mail_settings(tenant).await?);
    page_with(state, viewer, ctx, form, secret, mail).await
}

async fn page_with(
    state: &AppState,
    viewer: &Viewer,
    ctx: Ctx,
    form: NewUserView,
    secret: Option<Secret>,
    mail: MailView,
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
    let tokens = state.app.api_tokens(tenant).await?;
    let roles = [Role::Viewer, Role::Editor, Role::Admin]
        .into_iter()
        .map(|r| (r.as_str(), ctx.role(r)))
        .collect();
    Ok(AdminPage {
        ctx,
        users,
        agents,
        tokens,
        roles,
        form,
        secret,
        mail,
    })
}

pub(super) async fn show(
    State(state): State<AppState>,
    AnyViewer(viewer): AnyViewer,
    Query(q): Query<AdminQuery>,
) -> Result<AdminPage, PageError> {
    viewer.require(Role::Admin)?;
    let ctx = Ctx::load_any(&state, &viewer, "admin").await?;
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

/// The administration page with a secret shown once (a new password or token) and, when
/// given, the notice of what was done.
async fn shown_once(
    state: &AppState,
    viewer: &Viewer,
    ctx: Ctx,
    secret: Secret,
    notice: Option<&str>,
) -> Result<Response, PageError> {
    let notice = notice.map(|id| ctx.t(id));
    let ctx = ctx.with_notice(notice);
    Ok(page(state, viewer, ctx, NewUserView::blank(), Some(secret))
        .await?
        .into_response())
}

#[derive(Debug, Deserialize)]
pub(super) struct NewUserForm {
    email: String,
    role: String,
}

/// Adds a user with a random password shown once, to be handed over in person.
pub(super) async fn add_user(
    State(state): State<AppState>,
    AnyViewer(viewer): AnyViewer,
    Form(form): Form<NewUserForm>,
) -> Result<Response, PageError> {
    viewer.require(Role::Admin)?;
    let ctx = Ctx::load_any(&state, &viewer, "admin").await?;
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
            shown_once(&state, &viewer, ctx, secret, Some("notice-user-added")).await
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
    AnyViewer(viewer): AnyViewer,
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
    AnyViewer(viewer): AnyViewer,
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
    AnyViewer(viewer): AnyViewer,
    PathId(id): PathId,
    Form(Confirm {}): Form<Confirm>,
) -> Result<Response, PageError> {
    viewer.require(Role::Admin)?;
    let ctx = Ctx::load_any(&state, &viewer, "admin").await?;
    let tenant = &viewer.session.principal.tenant;
    let reset = state
        .app
        .reset_password(tenant, &viewer.session.principal.actor, &id)
        .await?;
    let secret = Secret {
        label: ctx.ta("user-reset-password", "email", &reset.email),
        value: reset.password,
    };
    shown_once(&state, &viewer, ctx, secret, None).await
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
    let ctx = Ctx::load_any(&state, &viewer, "admin").await?;
    let name = form.name.trim();
    let agent = state
        .app
        .create_agent(
            &viewer.session.principal.tenant,
            &viewer.session.principal.actor,
            name,
        )
        .await?;
    let secret = Secret {
        label: ctx.ta("agent-token-once", "name", name),
        value: agent.secret,
    };
    shown_once(&state, &viewer, ctx, secret, Some("notice-agent-added")).await
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

/// A new token for an agent, shown once; the agent keeps its identity and sequence.
pub(super) async fn rotate_agent(
    State(state): State<AppState>,
    viewer: Viewer,
    PathId(id): PathId,
    Form(Confirm {}): Form<Confirm>,
) -> Result<Response, PageError> {
    viewer.require(Role::Admin)?;
    let ctx = Ctx::load_any(&state, &viewer, "admin").await?;
    let tenant = &viewer.session.principal.tenant;
    let agent = AgentId::new(id);
    let name = state
        .app
        .agents_health(tenant)
        .await?
        .into_iter()
        .find(|a| a.id == agent.as_str())
        .map(|a| a.name)
        .ok_or_else(PageError::not_found)?;
    let new = state
        .app
        .rotate_agent_token(tenant, &viewer.session.principal.actor, &agent)
        .await?;
    let secret = Secret {
        label: ctx.ta("agent-token-rotated", "name", &name),
        value: new.secret,
    };
    shown_once(&state, &viewer, ctx, secret, Some("notice-agent-rotated")).await
}

#[derive(Debug, Deserialize)]
pub(super) struct NewTokenForm {
    name: String,
    role: String,
}

/// A new API token for a program, shown once.
pub(super) async fn add_token(
    State(state): State<AppState>,
    AnyViewer(viewer): AnyViewer,
    Form(form): Form<NewTokenForm>,
) -> Result<Response, PageError> {
    viewer.require(Role::Admin)?;
    let ctx = Ctx::load_any(&state, &viewer, "admin").await?;
    let role: Role = form.role.parse().map_err(ServiceError::Invalid)?;
    let token = state
        .app
        .create_api_token(
            &viewer.session.principal.tenant,
            &viewer.session.principal.actor,
            &form.name,
            role,
        )
        .await?;
    let secret = Secret {
        label: ctx.ta("token-once", "name", form.name.trim()),
        value: token.secret,
    };
    shown_once(&state, &viewer, ctx, secret, Some("notice-token-added")).await
}

pub(super) async fn revoke_token(
    State(state): State<AppState>,
    AnyViewer(viewer): AnyViewer,
    PathId(id): PathId,
    Form(Confirm {}): Form<Confirm>,
) -> Result<Response, PageError> {
    viewer.require(Role::Admin)?;
    state
        .app
        .revoke_api_token(
            &viewer.session.principal.tenant,
            &viewer.session.principal.actor,
            &id,
        )
        .await?;
    Ok(Redirect::to("/admin?done=token-revoked").into_response())
}

#[derive(Debug, Deserialize)]
pub(super) struct CaseMailForm {
    /// A law firm's form only.
    digest: Option<String>,
    digest_hour: Option<String>,
    /// A creditor's form only: the checkbox, absent when unticked.
    status_mail: Option<String>,
    #[serde(default)]
    recipients: String,
}

/// Saves the case e-mails' settings; a law firm's form sets the digest, a creditor's the
/// news, and the other side's values stay as they were. A bad address or hour shows the page
/// again with the form as typed and the field named.
pub(super) async fn set_case_mail(
    State(state): State<AppState>,
    AnyViewer(viewer): AnyViewer,
    Form(form): Form<CaseMailForm>,
) -> Result<Response, PageError> {
    viewer.require(Role::Admin)?;
    let tenant = &viewer.session.principal.tenant;
    let saved = state.app.case_mail_settings(tenant).await?;
    let partner = viewer.session.principal.tenant_kind == TenantKind::Partner;
    let digest = form
        .digest
        .filter(|_| partner)
        .unwrap_or_else(|| saved.digest.as_str().to_owned());
    let hour = form
        .digest_hour
        .filter(|_| partner)
        .unwrap_or_else(|| saved.digest_hour.to_string());
    let status_mail = if partner {
        saved.status_mail
    } else {
        form.status_mail.is_some()
    };
    match CaseMailSettings::parse(&digest, &hour, status_mail, &form.recipients) {
        Ok(settings) => {
            state
                .app
                .set_case_mail_settings(tenant, &viewer.session.principal.actor, &settings)
                .await?;
            Ok(Redirect::to("/admin?done=case-mail-saved#case-mail").into_response())
        }
        Err(invalid) => {
            let ctx = Ctx::load_any(&state, &viewer, "admin").await?;
            let mut mail = MailView::of(&ctx, &saved);
            mail.digest = digest;
            mail.digest_hour = hour.trim().parse().unwrap_or(saved.digest_hour);
            mail.status_mail = status_mail;
            mail.recipients = form.recipients;
            mail.error = Some(invalid.message(ctx.lang));
            mail.error_field = invalid.field;
            let p = page_with(&state, &viewer, ctx, NewUserView::blank(), None, mail).await?;
            Ok((StatusCode::BAD_REQUEST, p).into_response())
        }
    }
}

/// The areas of the audit log a person filters by: `(action prefix, message id)`.
const AUDIT_AREAS: [(&str, &str); 12] = [
    ("process", "audit-area-process"),
    ("template", "audit-area-template"),
    ("channel_settings", "audit-area-settings"),
    ("collection", "audit-area-collection"),
    ("exclusion", "audit-area-exclusion"),
    ("debtor", "audit-area-debtor"),
    ("case", "audit-area-case"),
    ("case_mail", "audit-area-case-mail"),
    ("user", "audit-area-user"),
    ("agent", "audit-area-agent"),
    ("api_token", "audit-area-token"),
    ("session", "audit-area-session"),
];

#[derive(Debug, Default, Deserialize)]
pub(super) struct AuditQuery {
    area: Option<String>,
    after: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "audit.html")]
pub(super) struct AuditPage {
    ctx: Ctx,
    /// The administration page's name ("Administracja", "Zespół").
    admin: String,
    area: String,
    areas: Vec<(&'static str, String)>,
    rows: Vec<AuditLine>,
    next: Option<String>,
}

struct AuditLine {
    entry: AuditEntry,
    /// What was done, in words (the action's code when the catalogue has no words for it).
    what: String,
    /// The person or program behind `entry.actor`.
    who: String,
    /// The state before and after, pretty-printed, when the details are such JSON.
    before: Option<String>,
    after: Option<String>,
}

/// `{"before": …, "after": …}` details as two readable blocks.
fn before_after(details: &str) -> (Option<String>, Option<String>) {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(details)
    else {
        return (None, None);
    };
    let side = |key: &str| {
        map.get(key)
            .filter(|v| !v.is_null())
            .and_then(|v| serde_json::to_string_pretty(v).ok())
    };
    (side("before"), side("after"))
}

pub(super) async fn audit(
    State(state): State<AppState>,
    AnyViewer(viewer): AnyViewer,
    Query(q): Query<AuditQuery>,
) -> Result<AuditPage, PageError> {
    viewer.require(Role::Admin)?;
    let ctx = Ctx::load_any(&state, &viewer, "admin").await?;
    let tenant = &viewer.session.principal.tenant;
    let area = q
        .area
        .filter(|a| AUDIT_AREAS.iter().any(|(code, _)| code == a))
        .unwrap_or_default();
    let page = state
        .app
        .audit_log(
            tenant,
            &AuditFilter {
                action: (!area.is_empty()).then(|| format!("{area}.")),
                target: None,
                after: q.after.filter(|a| !a.is_empty()),
                limit: Some(AUDIT_ROWS),
            },
        )
        .await?;
    let actors = Actors::load(&state, tenant).await?;
    let rows = page
        .items
        .into_iter()
        .map(|entry| {
            let (before, after) = before_after(&entry.details);
            let id = format!("audit-action-{}", entry.action.replace(['.', '_'], "-"));
            AuditLine {
                what: if crate::i18n::has(ctx.lang, &id) {
                    ctx.t(&id)
                } else {
                    entry.action.clone()
                },
                who: actors.name(&ctx, &entry.actor),
                entry,
                before,
                after,
            }
        })
        .collect();
    let next = page.next_cursor.map(|c| {
        form_urlencoded::Serializer::new(String::from("/admin/audit?"))
            .append_pair("area", &area)
            .append_pair("after", &c)
            .finish()
    });
    let areas = AUDIT_AREAS
        .iter()
        .map(|(code, id)| (*code, ctx.t(id)))
        .collect();
    Ok(AuditPage {
        admin: ctx.t(admin_title(&ctx)),
        ctx,
        area,
        areas,
        rows,
        next,
    })
}

/// Entries per page of the audit log.
const AUDIT_ROWS: u32 = 50;
