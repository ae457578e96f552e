//! Who is looking at a portal page: the session cookie resolved to a [`Viewer`] (or a redirect to
//! the login page), the cookies the portal sets, and the two checks every state change passes —
//! a same-origin request ([`same_origin_only`], the Fetch-Metadata scheme) and a CSRF token bound
//! to the session ([`Form`]: a hidden `_csrf` field or the `X-CSRF-Token` header htmx sends).

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use inkaso_shared::Lang;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use super::PageError;
use crate::domain::accounts::{Role, TenantKind};
use crate::http::AppState;
use crate::services::model::{PortalSession, SESSION_HOURS};

/// The session cookie over HTTPS: `__Host-` makes the browser insist on `Secure`, `Path=/` and
/// no `Domain`.
pub const SECURE_COOKIE: &str = "__Host-inkaso";
/// The session cookie when the operator serves plain HTTP for development.
pub const PLAIN_COOKIE: &str = "inkaso_portal";
/// The language of pages before login (and of error pages): the user's, copied at login.
pub const LANG_COOKIE: &str = "inkaso_lang";
/// The form field that carries the CSRF token.
pub const CSRF_FIELD: &str = "_csrf";
/// The header htmx sends the CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The session cookie's name under the server's settings.
pub fn cookie_name(state: &AppState) -> &'static str {
    if state.settings.secure_cookies {
        SECURE_COOKIE
    } else {
        PLAIN_COOKIE
    }
}

/// `Set-Cookie` for a new session. `SameSite=Lax`, not `Strict`: a link to the portal in a
/// reminder e-mail must open it logged in; cross-site POSTs are still refused.
pub fn session_cookie(state: &AppState, secret: &str) -> String {
    let secure = if state.settings.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    format!(
        "{}={secret}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        cookie_name(state),
        SESSION_HOURS * 3600
    )
}

/// `Set-Cookie` that removes the session cookie.
pub fn clear_session_cookie(state: &AppState) -> String {
    let secure = if state.settings.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    format!(
        "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}",
        cookie_name(state)
    )
}

/// `Set-Cookie` remembering the language for pages shown before login.
pub fn lang_cookie(lang: Lang) -> String {
    format!(
        "{LANG_COOKIE}={}; Path=/; SameSite=Lax; Max-Age=31536000",
        lang.code()
    )
}

pub(super) use crate::http::cookie;

/// The language of a request without a session: the cookie, then `Accept-Language`, then Polish.
pub fn request_lang(headers: &HeaderMap) -> Lang {
    if let Some(code) = cookie(headers, LANG_COOKIE) {
        return lang_of(code);
    }
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if accept.trim_start().to_ascii_lowercase().starts_with("en") {
        Lang::En
    } else {
        Lang::Pl
    }
}

/// A stored or sent language code; anything but `en` is Polish.
pub fn lang_of(code: &str) -> Lang {
    if code.trim().eq_ignore_ascii_case("en") {
        Lang::En
    } else {
        Lang::Pl
    }
}

/// The CSRF token of a session: derived from its secret, so it needs no storage, changes with
/// every login and cannot be computed by anyone who does not hold the cookie.
fn csrf_token(secret: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"inkaso-portal-csrf\0");
    h.update(secret.trim().as_bytes());
    hex::encode(&h.finalize()[..16])
}

/// A logged-in person looking at the portal (of a client firm, unless reached through
/// [`PartnerViewer`]).
#[derive(Debug, Clone)]
pub struct Viewer {
    /// The session: tenant scope, role, actor, e-mail, firm.
    pub session: PortalSession,
    /// The language of the pages.
    pub lang: Lang,
    /// The token every form of this session carries.
    pub csrf: String,
}

impl Viewer {
    /// Refuses (403) a role below `min`.
    pub fn require(&self, min: Role) -> Result<(), PageError> {
        if self.session.principal.role >= min {
            Ok(())
        } else {
            Err(PageError::forbidden())
        }
    }
}

/// The CSRF token of the request's session, left by [`Viewer`] for [`Form`].
#[derive(Debug, Clone)]
struct ExpectedCsrf(String);

impl FromRequestParts<AppState> for Viewer {
    type Rejection = Response;

    /// A person of a client firm. A law firm's person is sent to its own inbox from the home
    /// page and refused everywhere else.
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let viewer = resolve(parts, state).await?;
        match viewer.session.principal.tenant_kind {
            TenantKind::Client => Ok(viewer),
            TenantKind::Partner if parts.method == Method::GET && parts.uri.path() == "/" => {
                Err(Redirect::to("/partner").into_response())
            }
            TenantKind::Partner => Err(PageError::law_firm().into_response()),
        }
    }
}

/// A logged-in person of a law-firm partner looking at its pages (`/partner…`); a client
/// firm's person is refused.
#[derive(Debug, Clone)]
pub struct PartnerViewer(pub Viewer);

impl FromRequestParts<AppState> for PartnerViewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let viewer = resolve(parts, state).await?;
        if viewer.session.principal.tenant_kind == TenantKind::Partner {
            Ok(PartnerViewer(viewer))
        } else {
            Err(PageError::not_law_firm().into_response())
        }
    }
}

/// A logged-in person of either kind of firm: the pages both have (their account, the
/// language, logging out).
#[derive(Debug, Clone)]
pub struct AnyViewer(pub Viewer);

impl FromRequestParts<AppState> for AnyViewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        resolve(parts, state).await.map(AnyViewer)
    }
}

/// The session behind the request's cookie, whichever kind of firm it belongs to (or the way
/// to the login page).
async fn resolve(parts: &mut Parts, state: &AppState) -> Result<Viewer, Response> {
    let to_login = || {
        let next = parts
            .uri
            .path_and_query()
            .map_or("/", axum::http::uri::PathAndQuery::as_str);
        let target = if parts.method == Method::GET && next != "/" {
            format!(
                "/login?next={}",
                form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
            )
        } else {
            "/login".to_owned()
        };
        // htmx follows HX-Redirect with a full page load instead of swapping the login
        // page into a fragment.
        if parts.headers.contains_key("hx-request") {
            (StatusCode::UNAUTHORIZED, [("hx-redirect", target)]).into_response()
        } else {
            Redirect::to(&target).into_response()
        }
    };
    let Some(secret) = cookie(&parts.headers, cookie_name(state)) else {
        return Err(to_login());
    };
    let session = match state.app.portal_session(secret).await {
        Ok(Ok(session)) => session,
        Ok(Err(_)) => return Err(to_login()),
        Err(e) => return Err(PageError::from(e).into_response()),
    };
    let lang = lang_of(&session.lang);
    let csrf = csrf_token(secret);
    parts.extensions.insert(ExpectedCsrf(csrf.clone()));
    Ok(Viewer {
        session,
        lang,
        csrf,
    })
}

/// A form posted from a portal page, checked against the session's CSRF token. Put it after
/// [`Viewer`] in a handler's arguments.
#[derive(Debug, Clone)]
pub struct Form<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for Form<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let expected = req.extensions().get::<ExpectedCsrf>().cloned();
        let header_token = header_token(req.headers());
        let body = Bytes::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let field_token = form_urlencoded::parse(&body)
            .find(|(k, _)| k == CSRF_FIELD)
            .map(|(_, v)| v.into_owned());
        let Some(ExpectedCsrf(expected)) = expected else {
            return Err(PageError::csrf().into_response());
        };
        if !token_matches([header_token, field_token], &expected) {
            return Err(PageError::csrf().into_response());
        }
        serde_urlencoded::from_bytes(&body)
            .map(Form)
            .map_err(|e| PageError::bad_form(&e.to_string()).into_response())
    }
}

/// The CSRF token htmx sent in its header, if any.
pub(super) fn header_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Whether the header's or the form field's token is the session's.
pub(super) fn token_matches(tokens: [Option<String>; 2], expected: &str) -> bool {
    tokens
        .into_iter()
        .flatten()
        .any(|t| crate::services::model::same_secret(t.trim(), expected))
}

/// A form posted before login (the login form itself): no session, so no token; the
/// same-origin check ([`same_origin_only`]) guards it.
#[derive(Debug, Clone)]
pub struct PublicForm<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for PublicForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let body = Bytes::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        serde_urlencoded::from_bytes(&body)
            .map(PublicForm)
            .map_err(|e| PageError::bad_form(&e.to_string()).into_response())
    }
}

/// Refuses a state-changing request another site made the browser send: `Sec-Fetch-Site:
/// cross-site`, or an `Origin` whose host is not this server's (the scheme Go 1.25 and
/// tower-http's `CsrfLayer` use). Requests without either header (not from a browser) pass to
/// the token check.
pub async fn same_origin_only(req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe && is_cross_site(req.headers()) {
        return PageError::csrf().into_response();
    }
    next.run(req).await
}

fn is_cross_site(headers: &HeaderMap) -> bool {
    let value = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = value("sec-fetch-site") {
        return !matches!(site, "same-origin" | "none");
    }
    match (value("origin"), value("host")) {
        (Some("null"), _) => true,
        (Some(origin), Some(host)) => {
            let origin_host = origin.split_once("://").map_or(origin, |(_, h)| h);
            !origin_host.eq_ignore_ascii_case(host)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn cross_site_requests_are_told_apart() {
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "same-site")])));
        assert!(!is_cross_site(&headers(&[(
            "sec-fetch-site",
            "same-origin"
        )])));
        assert!(is_cross_site(&headers(&[
            ("origin", "https://evil.example"),
            ("host", "inkaso.example")
        ])));
        assert!(!is_cross_site(&headers(&[
            ("origin", "https://inkaso.example"),
            ("host", "inkaso.example")
        ])));
        assert!(!is_cross_site(&headers(&[])));
    }

    #[test]
    fn csrf_tokens_belong_to_one_session() {
        assert_eq!(csrf_token("a"), csrf_token("a "));
        assert_ne!(csrf_token("a"), csrf_token("b"));
        assert_eq!(csrf_token("a").len(), 32);
    }

    #[test]
    fn languages_from_cookie_or_browser() {
        assert_eq!(
            request_lang(&headers(&[("cookie", "inkaso_lang=en")])),
            Lang::En
        );
        assert_eq!(
            request_lang(&headers(&[("accept-language", "en-GB,en;q=0.9")])),
            Lang::En
        );
        assert_eq!(
            request_lang(&headers(&[("accept-language", "pl-PL,pl")])),
            Lang::Pl
        );
        assert_eq!(request_lang(&headers(&[])), Lang::Pl);
    }
}
