//! The client portal: server-rendered pages at `/` for the people of a client firm, beside the
//! JSON API at `/api/v1` and calling the same application services ([`crate::services::App`]).
//!
//! - Pages are askama templates (`cloud/templates/`, checked at compile time, escaped by
//!   default); every user-visible word comes from the Fluent catalogues through [`Ctx`].
//! - htmx 2 (one pinned copy embedded with our CSS, [`assets`]) enhances forms and lists; every
//!   control is a real link or form first, so the portal works with JavaScript off.
//! - Sessions, cookies and the CSRF checks are in [`session`]; roles are checked in every
//!   handler through [`Viewer::require`], and the pages hide what a role cannot do.
//! - Errors are pages, never JSON: a handler returns [`PageError`] and
//!   `render_errors` draws it in the visitor's language.

pub mod assets;
mod format;
pub mod session;
mod views;

use askama::Template;
use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use inkaso_shared::Lang;

pub use format::Ctx;
pub use session::{PartnerViewer, Viewer};

use crate::http::AppState;
use crate::i18n::{self, Arg, Bilingual};
use crate::services::ServiceError;

/// The portal's routes, with its error pages and the same-origin check on every change.
pub fn router() -> Router<AppState> {
    views::routes()
        .merge(assets::routes())
        .layer(middleware::from_fn(render_errors))
        .layer(middleware::from_fn(session::same_origin_only))
        .layer(middleware::from_fn(page_headers))
}

/// What every portal answer carries: the content policy (only this site's scripts and styles,
/// never framed), no referrer to other sites, and for pages, no caching of a person's data by
/// shared caches and a `Vary` on htmx's header (a fragment and a page share an address).
async fn page_headers(req: Request, next: Next) -> Response {
    use axum::http::HeaderValue;
    let mut response = next.run(req).await;
    let html = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let h = response.headers_mut();
    h.insert(
        "content-security-policy",
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'",
        ),
    );
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    if html {
        h.insert(
            axum::http::header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-cache"),
        );
        h.insert(
            axum::http::header::VARY,
            HeaderValue::from_static("HX-Request"),
        );
    }
    response
}

/// A page that could not be shown, with its status and the reason in both languages.
#[derive(Debug, Clone)]
pub struct PageError {
    status: StatusCode,
    message: Bilingual,
}

impl PageError {
    /// An error page with a status and a reason: the catalogues' message `id` with `args`.
    pub fn new(status: StatusCode, id: &str, args: &[(&'static str, Arg)]) -> PageError {
        PageError::bilingual(status, Bilingual::msg(id, args))
    }

    /// An error page with a status and a reason already in both languages (a refusal of a use
    /// case).
    pub fn bilingual(status: StatusCode, message: Bilingual) -> PageError {
        PageError { status, message }
    }

    /// 404.
    pub fn not_found() -> PageError {
        PageError::new(StatusCode::NOT_FOUND, "err-portal-not-found", &[])
    }

    /// 403: the role does not allow it.
    pub fn forbidden() -> PageError {
        PageError::new(StatusCode::FORBIDDEN, "err-portal-forbidden", &[])
    }

    /// 403: a form without this session's token (an old tab, or another site's form).
    pub fn csrf() -> PageError {
        PageError::new(StatusCode::FORBIDDEN, "err-portal-csrf", &[])
    }

    /// 500: something that should not fail did (logged).
    pub fn internal(detail: &str) -> PageError {
        tracing::error!(detail, "portal page failed");
        PageError::new(StatusCode::INTERNAL_SERVER_ERROR, "err-portal-server", &[])
    }

    /// 400: a form that does not parse.
    pub fn bad_form(detail: &str) -> PageError {
        PageError::new(
            StatusCode::BAD_REQUEST,
            "err-portal-bad-form",
            &[("detail", detail.into())],
        )
    }

    /// 403: a law firm's user in the client portal.
    pub fn law_firm() -> PageError {
        PageError::new(StatusCode::FORBIDDEN, "err-portal-law-firm", &[])
    }

    /// 403: a client firm's user on a law firm's page.
    pub fn not_law_firm() -> PageError {
        PageError::new(StatusCode::FORBIDDEN, "err-portal-not-law-firm", &[])
    }

    /// The reason in `lang`.
    pub fn message(&self, lang: Lang) -> &str {
        self.message.get(lang)
    }
}

impl From<ServiceError> for PageError {
    fn from(e: ServiceError) -> PageError {
        match e {
            ServiceError::NotFound { .. }
            | ServiceError::Process(crate::process::ProcessError::Unknown(_)) => {
                PageError::not_found()
            }
            ServiceError::Process(p @ crate::process::ProcessError::InUse { .. }) => {
                PageError::bilingual(StatusCode::CONFLICT, Bilingual::of(&p))
            }
            ServiceError::Invalid(i) => PageError::bilingual(
                StatusCode::BAD_REQUEST,
                Bilingual {
                    pl: i.message_pl,
                    en: i.message_en,
                },
            ),
            ServiceError::Conflict {
                message_pl,
                message_en,
            } => PageError::bilingual(
                StatusCode::CONFLICT,
                Bilingual {
                    pl: message_pl,
                    en: message_en,
                },
            ),
            ServiceError::Process(p) => {
                PageError::bilingual(StatusCode::BAD_REQUEST, Bilingual::of(&p))
            }
            ServiceError::Template(t) => {
                PageError::bilingual(StatusCode::BAD_REQUEST, Bilingual::of(&t))
            }
            ServiceError::Store(e) => {
                tracing::error!(error = %e, "store failure on a portal page");
                PageError::new(StatusCode::INTERNAL_SERVER_ERROR, "err-portal-server", &[])
            }
        }
    }
}

impl IntoResponse for PageError {
    /// The status, with the error kept for `render_errors`, which knows the language.
    fn into_response(self) -> Response {
        let mut response = self.status.into_response();
        response.extensions_mut().insert(self);
        response
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    lang: Lang,
    status: u16,
    title: String,
    message: &'a str,
    home: String,
    css: String,
}

/// Draws a [`PageError`] left by a handler or an extractor as a page in the visitor's language.
async fn render_errors(req: Request, next: Next) -> Response {
    let lang = session::request_lang(req.headers());
    let htmx = req.headers().contains_key("hx-request");
    let response = next.run(req).await;
    let Some(error) = response.extensions().get::<PageError>().cloned() else {
        return response;
    };
    error_page(&error, lang, htmx)
}

/// An error as a whole page, or, for an htmx request, as a message htmx puts where the answer
/// would have gone.
pub fn error_page(error: &PageError, lang: Lang, htmx: bool) -> Response {
    let message = error.message(lang);
    if htmx {
        let body = format!(
            "<p class=\"alert alert-error\" role=\"alert\">{}</p>",
            format::escape_html(message)
        );
        // htmx does not swap error answers by default; the page's handler shows these.
        return (error.status, Html(body)).into_response();
    }
    let page = ErrorPage {
        lang,
        status: error.status.as_u16(),
        title: i18n::text(lang, "error-title"),
        message,
        home: i18n::text(lang, "error-home"),
        css: assets::url("app.css"),
    };
    match page.render() {
        Ok(page) => (error.status, Html(page)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "the error page did not render");
            (error.status, message.to_owned()).into_response()
        }
    }
}

/// Whether a request for an unknown path comes from a browser page (HTML 404) rather than an
/// API client (JSON 404).
pub fn wants_html(headers: &HeaderMap, path: &str) -> bool {
    !path.starts_with("/api/")
        && !path.starts_with("/agent/")
        && headers
            .get(axum::http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.contains("text/html"))
}
