//! Logging in with an e-mail and password (choosing the firm when the address has accounts in
//! several), logging out, the language switch and the person's own password.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use inkaso_shared::{Lang, Localized as _};
use serde::Deserialize;

use super::super::session::AnyViewer;
use super::super::session::{
    self, Form, PublicForm, clear_session_cookie, lang_cookie, lang_of, session_cookie,
};
use super::super::{Ctx, PageError};
use crate::domain::ids::TenantId;
use crate::http::{AppState, ClientAddr};
use crate::services::model::{EmailLogin, Tenant};

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
pub(super) struct LoginPage {
    ctx: Ctx,
    email: String,
    next: String,
    error: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "choose.html")]
pub(super) struct ChoosePage {
    ctx: Ctx,
    choice: String,
    firms: Vec<Tenant>,
    next: String,
}

#[derive(Debug, Deserialize)]
pub(super) struct NextQuery {
    next: Option<String>,
}

/// Only a path of this site (`/…`, not `//host`): the login page must not become a redirector.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_owned(),
        _ => "/".to_owned(),
    }
}

pub(super) async fn login_page(headers: HeaderMap, Query(q): Query<NextQuery>) -> LoginPage {
    LoginPage {
        ctx: Ctx::public(session::request_lang(&headers)),
        email: String::new(),
        next: safe_next(q.next.as_deref()),
        error: None,
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct LoginForm {
    email: String,
    password: String,
    next: Option<String>,
}

pub(super) async fn login(
    State(state): State<AppState>,
    address: ClientAddr,
    headers: HeaderMap,
    PublicForm(form): PublicForm<LoginForm>,
) -> Result<Response, PageError> {
    let lang = session::request_lang(&headers);
    let ctx = Ctx::public(lang);
    let next = safe_next(form.next.as_deref());
    let refuse = |status: StatusCode, error: String| {
        (
            status,
            LoginPage {
                ctx: ctx.clone(),
                email: form.email.clone(),
                next: next.clone(),
                error: Some(error),
            },
        )
            .into_response()
    };
    let now = state.app.clock.now();
    Ok(
        match state
            .app
            .login_by_email(&form.email, &form.password, &address.0)
            .await?
        {
            EmailLogin::Opened(session) => logged_in(&state, &session.secret, &next).await?,
            EmailLogin::Choose { secret, firms } => ChoosePage {
                ctx,
                choice: secret,
                firms,
                next,
            }
            .into_response(),
            EmailLogin::Wrong => refuse(StatusCode::UNAUTHORIZED, ctx.t("login-wrong")),
            EmailLogin::Locked { until } => refuse(
                StatusCode::TOO_MANY_REQUESTS,
                ctx.tn("login-locked", (until - now).num_seconds().max(1)),
            ),
            EmailLogin::Busy => refuse(StatusCode::SERVICE_UNAVAILABLE, ctx.t("login-busy")),
        },
    )
}

#[derive(Debug, Deserialize)]
pub(super) struct ChooseForm {
    choice: String,
    tenant: String,
    next: Option<String>,
}

pub(super) async fn choose(
    State(state): State<AppState>,
    headers: HeaderMap,
    PublicForm(form): PublicForm<ChooseForm>,
) -> Result<Response, PageError> {
    let next = safe_next(form.next.as_deref());
    if let Some(session) = state
        .app
        .choose_login(&form.choice, &TenantId::new(form.tenant.trim()))
        .await?
    {
        return logged_in(&state, &session.secret, &next).await;
    }
    let ctx = Ctx::public(session::request_lang(&headers));
    let error = Some(ctx.t("login-choice-expired"));
    Ok((
        StatusCode::UNAUTHORIZED,
        LoginPage {
            ctx,
            email: String::new(),
            next,
            error,
        },
    )
        .into_response())
}

/// Sets the session cookie and the user's language, and goes where the person was going.
async fn logged_in(state: &AppState, secret: &str, next: &str) -> Result<Response, PageError> {
    let lang = match state.app.portal_session(secret).await? {
        Ok(s) => lang_of(&s.lang),
        Err(_) => Lang::Pl,
    };
    let mut response = Redirect::to(next).into_response();
    let headers = response.headers_mut();
    for cookie in [session_cookie(state, secret), lang_cookie(lang)] {
        if let Ok(v) = cookie.parse() {
            headers.append(header::SET_COOKIE, v);
        }
    }
    Ok(response)
}

#[derive(Debug, Deserialize)]
pub(super) struct Empty {}

pub(super) async fn logout(
    State(state): State<AppState>,
    AnyViewer(viewer): AnyViewer,
    headers: HeaderMap,
    Form(Empty {}): Form<Empty>,
) -> Result<Response, PageError> {
    if let Some(secret) = session::cookie(&headers, session::cookie_name(&state)) {
        state
            .app
            .logout(&viewer.session.principal.tenant, secret)
            .await?;
    }
    Ok((
        [(header::SET_COOKIE, clear_session_cookie(&state))],
        Redirect::to("/login"),
    )
        .into_response())
}

#[derive(Debug, Deserialize)]
pub(super) struct LangForm {
    lang: String,
}

/// Switches the language (remembered for the user) and returns to the page it was asked from.
pub(super) async fn switch_lang(
    State(state): State<AppState>,
    AnyViewer(viewer): AnyViewer,
    headers: HeaderMap,
    Form(form): Form<LangForm>,
) -> Result<Response, PageError> {
    let lang = lang_of(&form.lang);
    state.app.set_user_lang(&viewer.session, lang).await?;
    let back = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.split_once("://"))
        .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]));
    Ok((
        [(header::SET_COOKIE, lang_cookie(lang))],
        Redirect::to(&safe_next(back)),
    )
        .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "account.html")]
pub(super) struct AccountPage {
    ctx: Ctx,
    error: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct DoneQuery {
    done: Option<String>,
}

pub(super) async fn account(
    State(state): State<AppState>,
    AnyViewer(viewer): AnyViewer,
    Query(q): Query<DoneQuery>,
) -> Result<AccountPage, PageError> {
    let ctx = Ctx::load_any(&state, &viewer, "account").await?;
    let notice = ctx.notice(q.done.as_deref());
    Ok(AccountPage {
        ctx: ctx.with_notice(notice),
        error: None,
    })
}

#[derive(Debug, Deserialize)]
pub(super) struct PasswordForm {
    current: String,
    new: String,
    confirm: String,
}

pub(super) async fn change_password(
    State(state): State<AppState>,
    AnyViewer(viewer): AnyViewer,
    Form(form): Form<PasswordForm>,
) -> Result<Response, PageError> {
    let ctx = Ctx::load_any(&state, &viewer, "account").await?;
    let refuse = |ctx: Ctx, error: String| {
        (
            StatusCode::BAD_REQUEST,
            AccountPage {
                ctx,
                error: Some(error),
            },
        )
            .into_response()
    };
    if form.new != form.confirm {
        let error = ctx.t("password-mismatch");
        return Ok(refuse(ctx, error));
    }
    match state
        .app
        .change_password(&viewer.session, &form.current, &form.new)
        .await
    {
        Ok(()) => Ok(Redirect::to("/account?done=password-changed").into_response()),
        Err(crate::services::ServiceError::Invalid(i)) => {
            let error = i.message(ctx.lang);
            Ok(refuse(ctx, error))
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn the_login_page_is_not_a_redirector() {
        assert_eq!(safe_next(Some("/debtors?q=a")), "/debtors?q=a");
        assert_eq!(safe_next(Some("//evil.example/")), "/");
        assert_eq!(safe_next(Some("https://evil.example/")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
