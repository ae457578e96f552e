//! The portal's pages, one module per section, and the route table. Every route is reached
//! only through [`super::Viewer`] (a session of a client firm) or, under `/partner`,
//! [`super::PartnerViewer`] (a law firm's), except the login pages, the account pages both
//! have, and the assets; every POST checks the session's CSRF token ([`super::session::Form`]) and the role.

mod admin;
mod auth;
mod cases;
mod dashboard;
mod debtors;
mod documents;
mod inbound;
mod mass;
mod notifications;
mod partner;
mod processes;
mod settings;
mod stats;
mod templates;

use axum::Router;
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use super::PageError;
use crate::http::AppState;

/// Every page, by address.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(dashboard::show))
        .route("/login", get(auth::login_page).post(auth::login))
        .route("/login/choose", post(auth::choose))
        .route("/logout", post(auth::logout))
        .route("/lang", post(auth::switch_lang))
        .route("/account", get(auth::account))
        .route("/account/password", post(auth::change_password))
        .route("/debtors", get(debtors::list))
        .route("/debtors/{id}", get(debtors::show))
        .route("/debtors/{id}/pauses", post(debtors::add_pause))
        .route(
            "/debtors/{id}/pauses/{pause}/lift",
            post(debtors::lift_pause),
        )
        .route("/debtors/{id}/run", post(debtors::run_stage))
        .route("/debtors/{id}/notifications", post(debtors::notify))
        .route("/debtors/{id}/consent", post(debtors::set_consent))
        .route(
            "/debtors/{id}/notifications/{n}/{action}",
            post(debtors::notification_action),
        )
        .route("/debtors/{id}/sector", post(debtors::set_sector))
        .route("/debtors/{id}/handoff", post(debtors::hand_off))
        .route("/cases", get(cases::list))
        .route("/cases/{id}", get(cases::show))
        .route("/cases/{id}/notes", post(cases::add_note))
        .route("/cases/{id}/files/{file}", get(cases::file))
        .route("/documents", get(documents::list))
        .route("/documents/{id}", get(documents::show))
        .route("/history", get(documents::history))
        .route("/letters", get(documents::letters))
        .route("/letters/{id}/pdf", get(documents::letter_pdf))
        .route("/letters/book/{id}", get(documents::posting_book))
        .route("/letters/tracking", post(documents::save_tracking))
        .route("/tasks", get(documents::tasks))
        .route("/sms", get(inbound::list))
        .route("/notifications", get(notifications::register))
        .route("/notifications/bulk", post(notifications::bulk))
        .route("/notifications/mass", get(mass::wizard).post(mass::confirm))
        .route("/notifications/batches/{id}", get(mass::batch))
        .route("/notifications/batches/{id}/abort", post(mass::abort))
        .route("/notifications/batches/{id}/resume", post(mass::resume))
        .route("/stats", get(stats::show))
        .route("/tasks/{id}/close", post(documents::close_task))
        .route("/processes", get(processes::list))
        .route("/processes/new", get(processes::new))
        .route("/processes/edit", post(processes::submit))
        .route("/processes/rules", post(processes::save_rules))
        .route("/processes/{id}", get(processes::show))
        .route("/processes/{id}/default", post(processes::make_default))
        .route("/processes/{id}/delete", post(processes::delete))
        .route("/templates", get(templates::list))
        .route("/templates/new", get(templates::new))
        .route("/templates/edit", post(templates::submit))
        .route("/templates/preview", post(templates::preview))
        .route("/templates/{id}", get(templates::show))
        .route("/templates/{id}/delete", post(templates::delete))
        .route("/settings", get(settings::show))
        .route("/settings/channels", post(settings::save_channels))
        .route("/settings/collection", post(settings::save_collection))
        .route("/settings/sms-check", post(settings::check_sms))
        .route(
            "/settings/channels/{id}/resume",
            post(settings::resume_channel),
        )
        .route("/settings/exclusions", post(settings::add_exclusion))
        .route(
            "/settings/exclusions/{id}/delete",
            post(settings::delete_exclusion),
        )
        .route("/admin", get(admin::show))
        .route("/admin/users", post(admin::add_user))
        .route("/admin/users/{id}/role", post(admin::set_role))
        .route("/admin/users/{id}/disabled", post(admin::set_disabled))
        .route("/admin/users/{id}/reset", post(admin::reset_password))
        .route("/admin/agents", post(admin::add_agent))
        .route("/admin/agents/{id}/revoke", post(admin::revoke_agent))
        .route("/admin/agents/{id}/rotate", post(admin::rotate_agent))
        .route("/admin/tokens", post(admin::add_token))
        .route("/admin/tokens/{id}/revoke", post(admin::revoke_token))
        .route("/admin/audit", get(admin::audit))
        .route("/admin/case-mail", post(admin::set_case_mail))
        .route("/partner", get(partner::inbox))
        .route("/partner/cases.csv", get(partner::inbox_csv))
        .route("/partner/creditors", get(partner::creditors))
        .route("/partner/cases/{id}", get(partner::show))
        .route("/partner/cases/{id}/change", post(partner::change))
        .route("/partner/cases/{id}/notes", post(partner::add_note))
        .route(
            "/partner/cases/{id}/payments",
            post(partner::record_payment),
        )
        .route(
            "/partner/cases/{id}/files",
            post(partner::attach).layer(axum::extract::DefaultBodyLimit::max(
                crate::domain::cases::MAX_FILE_BYTES + 256 * 1024,
            )),
        )
        .route("/partner/cases/{id}/files/{file}", get(partner::file))
}

/// The one id in a page's address; a malformed one is a page that does not exist.
#[derive(Debug, Clone)]
pub(super) struct PathId(pub String);

impl<S: Send + Sync> FromRequestParts<S> for PathId {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        match Path::<String>::from_request_parts(parts, state).await {
            Ok(Path(id)) => Ok(PathId(id)),
            Err(_) => Err(PageError::not_found().into_response()),
        }
    }
}

/// A form with no field but its CSRF token: a button that changes one thing.
#[derive(Debug, serde::Deserialize)]
pub(super) struct Empty {}

/// The `?done=…` a redirect after a change carries, for the page's notice.
#[derive(Debug, Default, serde::Deserialize)]
pub(super) struct Done {
    pub done: Option<String>,
}

/// A code (of a process, a template) as one segment of a URL path: letters outside ASCII
/// escaped.
pub(super) fn path_segment(code: &str) -> String {
    form_urlencoded::byte_serialize(code.as_bytes()).collect()
}

/// What was owed in one currency, in words: past due, not yet due, overpaid (parts joined
/// by `sep`) — a notification's figures then, a debtor's now.
pub(super) fn owed_line(
    ctx: &super::Ctx,
    currency: &str,
    o: &crate::domain::notifications::Owed,
    sep: &str,
) -> String {
    [
        ("owed-arrears", o.arrears_minor),
        ("owed-future", o.future_minor),
        ("owed-overpayment", o.overpayment_minor),
    ]
    .iter()
    .map(|(id, minor)| format!("{} {}", ctx.t(id), ctx.money(*minor, currency)))
    .collect::<Vec<_>>()
    .join(sep)
}

/// Who the actors of a page are (`user:<id>`, `token:<id>`, `cli`, `engine`), in words: the
/// audit log's "who" and the notifications' author.
pub(super) struct Actors {
    users: Vec<crate::services::model::UserView>,
    tokens: Vec<crate::store::accounts::ApiTokenView>,
}

impl Actors {
    /// The firm's people and API tokens.
    pub(super) async fn load(
        state: &crate::http::AppState,
        tenant: &crate::store::TenantScope,
    ) -> Result<Actors, PageError> {
        Ok(Actors {
            users: state.app.users(tenant).await?,
            tokens: state.app.api_tokens(tenant).await?,
        })
    }

    /// A person's e-mail, a token's name, or the actor as it is.
    pub(super) fn name(&self, ctx: &super::Ctx, actor: &str) -> String {
        if let Some(id) = actor.strip_prefix("user:")
            && let Some(u) = self.users.iter().find(|u| u.id == id)
        {
            return u.email.clone();
        }
        if let Some(id) = actor.strip_prefix("token:")
            && let Some(t) = self.tokens.iter().find(|t| t.id == id)
        {
            return ctx.ta("audit-actor-token", "name", &t.name);
        }
        match actor {
            "cli" => ctx.t("audit-actor-cli"),
            "engine" => ctx.t("audit-actor-engine"),
            other => other.to_owned(),
        }
    }

    /// The firm's people, for a filter: `(actor, e-mail)`.
    pub(super) fn people(&self) -> Vec<(String, String)> {
        self.users
            .iter()
            .map(|u| (format!("user:{}", u.id), u.email.clone()))
            .collect()
    }
}

/// The debtors a list's rows name by `(agent, ERP key)`, looked up once for the page (only
/// those keys). `show` is false where every row is the same debtor (its own page).
#[derive(Debug, Default)]
pub(super) struct DebtorNames {
    map: std::collections::HashMap<(String, String), crate::store::query::DebtorLink>,
    pub(super) show: bool,
}

impl DebtorNames {
    /// The names of the debtors behind `keys`.
    pub(super) async fn of(
        state: &crate::http::AppState,
        tenant: &crate::store::TenantScope,
        keys: impl Iterator<Item = (String, String)>,
    ) -> Result<DebtorNames, PageError> {
        let keys: Vec<(String, String)> = keys.collect();
        Ok(DebtorNames {
            map: state.app.debtor_links(tenant, &keys).await?,
            show: true,
        })
    }

    /// The debtor of a row, when it is still synced.
    pub(super) fn get(
        &self,
        agent: &str,
        external_id: &str,
    ) -> Option<&crate::store::query::DebtorLink> {
        self.map.get(&(agent.to_owned(), external_id.to_owned()))
    }
}

/// An empty form field is no value.
pub(super) fn blank_to_none(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// A list's order as its column headers show it: which key, which way, and the address that
/// sorts by another key (or turns the current one round).
#[derive(Debug, Clone, Default)]
pub(super) struct Sorting {
    /// As in the address: `name`, `-name`; empty is the list's default.
    current: String,
    /// The list's default key.
    default: &'static str,
    /// Keys a person expects largest first (amounts, counts).
    desc_first: &'static [&'static str],
}

impl Sorting {
    pub(super) fn new(
        current: &str,
        default: &'static str,
        desc_first: &'static [&'static str],
    ) -> Sorting {
        Sorting {
            current: current.trim().to_owned(),
            default,
            desc_first,
        }
    }

    /// `(key, descending)` of the order in force.
    fn now(&self) -> (&str, bool) {
        match self.current.as_str() {
            "" => (self.default, false),
            s => s.strip_prefix('-').map_or((s, false), |k| (k, true)),
        }
    }

    /// The `sort` value a header's link asks for: the same key turned round, or another key
    /// its natural way.
    pub(super) fn toggled(&self, key: &str) -> String {
        match self.now() {
            (k, desc) if k == key => {
                if desc {
                    key.to_owned()
                } else {
                    format!("-{key}")
                }
            }
            _ if self.desc_first.contains(&key) => format!("-{key}"),
            _ => key.to_owned(),
        }
    }

    /// `aria-sort` of a header.
    pub(super) fn aria(&self, key: &str) -> &'static str {
        match self.now() {
            (k, false) if k == key => "ascending",
            (k, true) if k == key => "descending",
            _ => "none",
        }
    }

    /// The arrow after a header's name.
    pub(super) fn mark(&self, key: &str) -> &'static str {
        match self.aria(key) {
            "ascending" => " ▲",
            "descending" => " ▼",
            _ => "",
        }
    }
}

/// Where a page of a list is: "1–50 of 1 234", the next page, and the way back to the first.
#[derive(Debug, Clone, Default)]
pub(super) struct Pager {
    /// The first row's position (1-based) and the last's.
    pub first: u64,
    pub last: u64,
    /// Rows in the whole list.
    pub total: u64,
    /// The next page's address.
    pub next: Option<String>,
    /// The first page's address, when this is not it.
    pub start: Option<String>,
}

impl Pager {
    /// `from` is the position the address gave this page's first row (1 when absent);
    /// `link(after, from)` builds the list's address for a cursor and a position.
    pub(super) fn new(
        from: u64,
        rows: usize,
        total: u64,
        next_cursor: Option<&str>,
        link: impl Fn(&str, u64) -> String,
    ) -> Pager {
        let first = from.max(1);
        let last = first + rows as u64 - u64::from(rows > 0);
        Pager {
            first,
            last,
            // A row added since the first page may put the page past the count read now.
            total: total.max(last),
            next: next_cursor.map(|c| link(c, last + 1)),
            start: (first > 1).then(|| link("", 1)),
        }
    }
}

/// A predicted payment as a page shows it: the most likely day, the interval, the reason.
#[derive(Debug, Clone)]
pub(super) struct PredictionView {
    pub day: String,
    pub range: String,
    pub reason: String,
}

impl PredictionView {
    pub(super) fn of(ctx: &super::Ctx, p: &crate::domain::predict::Prediction) -> PredictionView {
        use crate::i18n::{Arg, text_with};
        let reason = crate::services::stats::prediction_reason(ctx.lang, p);
        PredictionView {
            day: ctx.date(p.p50),
            range: text_with(
                ctx.lang,
                "predict-range",
                &[
                    ("from", Arg::Text(ctx.date(p.p10))),
                    ("to", Arg::Text(ctx.date(p.p90))),
                ],
            ),
            reason,
        }
    }
}
