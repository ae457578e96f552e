//! "Powiadomienia": the register of notifications made by hand (R-N5) — filtered by day, kind,
//! status, author and debtor, and by **settlement after the notice** (fully, partly, not), so
//! a firm sees what works; exported as CSV for Excel with the same filters.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::Deserialize;

use super::super::{Ctx, PageError, Viewer};
use super::{Actors, owed_line};
use crate::domain::accounts::Role;
use crate::domain::notifications::{NotificationKind, Settlement};
use crate::http::AppState;
use crate::services::notifications::NotificationView;
use crate::store::notifications::NotificationFilter;

/// Rows the page shows (newest first); the CSV takes up to [`CSV_ROWS`].
const SHOWN: u32 = 200;
const CSV_ROWS: u32 = 10_000;

#[derive(Debug, Default, Deserialize)]
pub(super) struct RegisterQuery {
    kind: Option<String>,
    status: Option<String>,
    settled: Option<String>,
    author: Option<String>,
    from: Option<String>,
    to: Option<String>,
    format: Option<String>,
}

impl RegisterQuery {
    fn text(v: Option<&String>) -> &str {
        v.map_or("", |s| s.trim())
    }

    fn day(v: Option<&String>) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(Self::text(v), "%Y-%m-%d").ok()
    }

    fn filter(&self, limit: u32) -> NotificationFilter {
        NotificationFilter {
            kind: NotificationKind::parse(Self::text(self.kind.as_ref())),
            status: Some(Self::text(self.status.as_ref()))
                .filter(|s| ["unsent", "sent", "failed", "recorded"].contains(s))
                .map(str::to_owned),
            author: Some(Self::text(self.author.as_ref()))
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
            from: Self::day(self.from.as_ref()),
            to: Self::day(self.to.as_ref()),
            debtor_id: None,
            limit,
        }
    }

    fn settled(&self) -> Option<Settlement> {
        match Self::text(self.settled.as_ref()) {
            "fully" => Some(Settlement::Fully),
            "partly" => Some(Settlement::Partly),
            "not" => Some(Settlement::Not),
            _ => None,
        }
    }

    /// The same filters as a CSV link.
    fn csv_link(&self) -> String {
        let mut url = form_urlencoded::Serializer::new(String::from("/notifications?"));
        for (k, v) in [
            ("kind", &self.kind),
            ("status", &self.status),
            ("settled", &self.settled),
            ("author", &self.author),
            ("from", &self.from),
            ("to", &self.to),
        ] {
            if let Some(v) = v.as_ref().filter(|v| !v.trim().is_empty()) {
                url.append_pair(k, v);
            }
        }
        url.append_pair("format", "csv");
        url.finish()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "notifications.html")]
pub(super) struct RegisterPage {
    ctx: Ctx,
    kind: String,
    status: String,
    settled: String,
    author: String,
    from: String,
    to: String,
    /// Each notification with its author in words.
    rows: Vec<(NotificationView, String)>,
    /// The firm's people to filter by: `(actor, e-mail)`.
    people: Vec<(String, String)>,
    csv: String,
}

pub(super) async fn register(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<RegisterQuery>,
) -> Result<Response, PageError> {
    viewer.require(Role::Viewer)?;
    let tenant = &viewer.session.principal.tenant;
    let csv = q.format.as_deref() == Some("csv");
    let rows = state
        .app
        .notification_register(
            tenant,
            &q.filter(if csv { CSV_ROWS } else { SHOWN }),
            q.settled(),
        )
        .await?;
    let ctx = Ctx::load(&state, &viewer, "notifications").await?;
    let actors = Actors::load(&state, tenant).await?;
    let rows: Vec<(NotificationView, String)> = rows
        .into_iter()
        .map(|v| {
            let author = actors.name(&ctx, &v.row.author);
            (v, author)
        })
        .collect();
    if csv {
        return register_csv(&state, &ctx, &rows);
    }
    let t = |v: Option<&String>| RegisterQuery::text(v).to_owned();
    Ok(RegisterPage {
        kind: t(q.kind.as_ref()),
        status: t(q.status.as_ref()),
        settled: t(q.settled.as_ref()),
        author: t(q.author.as_ref()),
        from: t(q.from.as_ref()),
        to: t(q.to.as_ref()),
        csv: q.csv_link(),
        people: actors.people(),
        ctx,
        rows,
    }
    .into_response())
}

fn register_csv(
    state: &AppState,
    ctx: &Ctx,
    rows: &[(NotificationView, String)],
) -> Result<Response, PageError> {
    let failed = |e: inkaso_shared::sheet::SheetError| PageError::internal(&e.to_string());
    let mut sheet = inkaso_shared::sheet::SheetWriter::new();
    let header = [
        "col-created",
        "col-debtor",
        "col-kind",
        "col-text",
        "field-note",
        "notification-promise",
        "col-owed-then",
        "col-status",
        "col-settled",
        "col-author",
    ];
    sheet
        .row(header.iter().map(|id| ctx.t(id)))
        .map_err(failed)?;
    for (v, author) in rows {
        let r = &v.row;
        let owed = r
            .snapshot
            .owed
            .iter()
            .map(|(c, o)| owed_line(ctx, c, o, "; "))
            .collect::<Vec<_>>()
            .join(" | ");
        sheet
            .row([
                ctx.datetime(r.created_at),
                r.debtor_name.clone(),
                ctx.tp("notification-kind", r.kind.code()),
                r.text.clone(),
                r.note.clone().unwrap_or_default(),
                r.promise_date.map(|d| ctx.date(d)).unwrap_or_default(),
                owed,
                ctx.tp("notification-status", &r.status),
                v.settlement
                    .map(|s| ctx.tp("settled", s.code()))
                    .unwrap_or_default(),
                author.clone(),
            ])
            .map_err(failed)?;
    }
    let day = state.app.clock.now().date_naive();
    Ok(crate::http::channels::attachment(
        "text/csv; charset=utf-8",
        &format!("powiadomienia-{day}.csv"),
        sheet.finish().map_err(failed)?,
    ))
}
