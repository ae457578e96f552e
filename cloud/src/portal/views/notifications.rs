//! "Powiadomienia": the register of notices (R-N5) — notifications made by hand and the
//! processes' own messages — filtered by source, channel, status (with SMSAPI's delivery
//! report), author, days and **settlement after the notice** (fully, partly, not), so a firm
//! sees what works; its bulk actions on what the filter shows (send the unsent ones as a batch
//! with progress and abort, delete them, check delivery); exported as CSV for Excel and as PDF
//! with the same filters.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::Deserialize;

use super::super::session::Form;
use super::super::{Ctx, PageError, Viewer};
use super::{Actors, owed_line};
use crate::domain::accounts::Role;
use crate::domain::notifications::Settlement;
use crate::http::AppState;
use crate::services::register::{DeliveryCheck, RegisterEntry, RegisterFilter, Source};

/// Rows the page shows (newest first); the exports and bulk actions take up to [`EXPORT_ROWS`].
const SHOWN: u32 = 200;
const EXPORT_ROWS: u32 = 10_000;

/// The channels the filter offers: by hand, then the processes'.
const CHANNELS: [&str; 7] = [
    "sms",
    "external_sms",
    "call",
    "email",
    "letter",
    "registered_letter",
    "voice",
];
const STATUSES: [&str; 6] = [
    "unsent",
    "sent",
    "delivered",
    "undelivered",
    "failed",
    "recorded",
];

#[derive(Debug, Default, Clone, Deserialize)]
pub(super) struct RegisterQuery {
    source: Option<String>,
    channel: Option<String>,
    status: Option<String>,
    settled: Option<String>,
    author: Option<String>,
    debtor: Option<String>,
    from: Option<String>,
    to: Option<String>,
    format: Option<String>,
    /// What the last bulk action did (`deleted-3`, `checked-2-1-0-0`), for the notice.
    outcome: Option<String>,
}

impl RegisterQuery {
    fn text(v: Option<&String>) -> &str {
        v.map_or("", |s| s.trim())
    }

    fn day(v: Option<&String>) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(Self::text(v), "%Y-%m-%d").ok()
    }

    fn filter(&self, limit: u32) -> RegisterFilter {
        let pick = |v: Option<&String>, among: &[&str]| {
            Some(Self::text(v))
                .filter(|s| among.contains(s))
                .map(str::to_owned)
        };
        RegisterFilter {
            source: match Self::text(self.source.as_ref()) {
                "manual" => Some(Source::Manual),
                "automatic" => Some(Source::Automatic),
                _ => None,
            },
            channel: pick(self.channel.as_ref(), &CHANNELS),
            status: pick(self.status.as_ref(), &STATUSES),
            author: Some(Self::text(self.author.as_ref()))
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
            from: Self::day(self.from.as_ref()),
            to: Self::day(self.to.as_ref()),
            debtor_id: Some(Self::text(self.debtor.as_ref()))
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
            settled: match Self::text(self.settled.as_ref()) {
                "fully" => Some(Settlement::Fully),
                "partly" => Some(Settlement::Partly),
                "not" => Some(Settlement::Not),
                _ => None,
            },
            limit,
        }
    }

    /// The filters that are set, as `(name, value)`: for links and the bulk form.
    fn pairs(&self) -> Vec<(&'static str, String)> {
        [
            ("source", &self.source),
            ("channel", &self.channel),
            ("status", &self.status),
            ("settled", &self.settled),
            ("author", &self.author),
            ("debtor", &self.debtor),
            ("from", &self.from),
            ("to", &self.to),
        ]
        .into_iter()
        .filter_map(|(k, v)| {
            v.as_ref()
                .map(|v| v.trim())
                .filter(|v| !v.is_empty())
                .map(|v| (k, v.to_owned()))
        })
        .collect()
    }

    /// The filters that are set, in words (the PDF's heading).
    fn describe(&self, ctx: &Ctx, actors: &Actors, debtor: &str) -> Vec<String> {
        self.pairs()
            .into_iter()
            .map(|(k, v)| {
                let (label, value) = match k {
                    "source" => ("col-source", ctx.tp("register-source", &v)),
                    "channel" => ("col-channel", ctx.tp("register-channel", &v)),
                    "status" => ("col-status", ctx.tp("notification-status", &v)),
                    "settled" => ("col-settled", ctx.tp("settled", &v)),
                    "author" => ("col-author", actors.name(ctx, &v)),
                    "debtor" => ("col-debtor", debtor.to_owned()),
                    "from" => ("history-since", v),
                    _ => ("history-until", v),
                };
                format!("{}: {value}", ctx.t(label))
            })
            .collect()
    }

    /// The register with the same filters, in `format` (none: the page).
    fn link(&self, format: Option<&str>, outcome: Option<&str>) -> String {
        let mut url = form_urlencoded::Serializer::new(String::from("/notifications?"));
        for (k, v) in self.pairs() {
            url.append_pair(k, &v);
        }
        if let Some(f) = format {
            url.append_pair("format", f);
        }
        if let Some(o) = outcome {
            url.append_pair("outcome", o);
        }
        url.finish()
    }

    /// The last bulk action's outcome in words.
    fn notice(&self, ctx: &Ctx) -> Option<String> {
        let outcome = Self::text(self.outcome.as_ref());
        let mut parts = outcome.split('-');
        let what = parts.next()?;
        let counts: Vec<i64> = parts.filter_map(|p| p.parse().ok()).collect();
        match (what, counts.as_slice()) {
            ("deleted", [n]) => Some(ctx.tn("register-deleted", n)),
            ("nothing", []) => Some(ctx.t("register-nothing-unsent")),
            ("checked", [delivered, undelivered, pending, unknown]) => Some(
                [
                    ctx.tn("register-checked-delivered", delivered),
                    ctx.tn("register-checked-undelivered", undelivered),
                    ctx.tn("register-checked-pending", pending),
                    ctx.tn("register-checked-unknown", unknown),
                ]
                .join(" · "),
            ),
            _ => None,
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "notifications.html")]
pub(super) struct RegisterPage {
    ctx: Ctx,
    source: String,
    channel: String,
    status: String,
    settled: String,
    author: String,
    from: String,
    to: String,
    /// Each notice with its author in words.
    rows: Vec<(RegisterEntry, String)>,
    /// The firm's people to filter by: `(actor, e-mail)`.
    people: Vec<(String, String)>,
    /// The filters, for the bulk actions' form.
    filters: Vec<(&'static str, String)>,
    /// One debtor's only: its id, its name, and the register without it.
    debtor: Option<(String, String, String)>,
    /// Unsent SMS among those shown (the bulk send and delete).
    unsent: usize,
    /// Sent SMS and voice messages shown whose delivery report never came.
    awaiting: usize,
    request_id: String,
    csv: String,
    pdf: String,
}

impl RegisterPage {
    const CHANNELS: [&'static str; 7] = CHANNELS;
    const STATUSES: [&'static str; 6] = STATUSES;

    /// A notice's status in words, with its delivery report.
    #[allow(clippy::unused_self, reason = "askama calls it on the page")]
    fn status_text(&self, e: &RegisterEntry) -> String {
        status_text(&self.ctx, e)
    }
}

fn status_text(ctx: &Ctx, e: &RegisterEntry) -> String {
    let status = ctx.tp("notification-status", e.status());
    match e.delivery_status() {
        Some("DELIVERED") => ctx.t("delivery-delivered"),
        Some(other) => ctx.ta("delivery-undelivered", "status", other),
        None => status,
    }
}

/// Who made a notice: a person, or the process and stage that sent it.
fn author_text(ctx: &Ctx, actors: &Actors, e: &RegisterEntry) -> String {
    match (e.manual(), e.automatic()) {
        (Some(n), _) => actors.name(ctx, &n.author),
        (None, Some(a)) if a.on_demand => ctx.ta("register-on-demand", "process", &a.process),
        (None, Some(a)) => format!("{} / {}", a.process, a.stage),
        (None, None) => String::new(),
    }
}

pub(super) async fn register(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<RegisterQuery>,
) -> Result<Response, PageError> {
    viewer.require(Role::Viewer)?;
    let tenant = &viewer.session.principal.tenant;
    let format = q.format.as_deref().filter(|f| ["csv", "pdf"].contains(f));
    let rows = state
        .app
        .notification_register(
            tenant,
            &q.filter(if format.is_some() { EXPORT_ROWS } else { SHOWN }),
        )
        .await?;
    let ctx = Ctx::load(&state, &viewer, "notifications").await?;
    let actors = Actors::load(&state, tenant).await?;
    let rows: Vec<(RegisterEntry, String)> = rows
        .into_iter()
        .map(|e| {
            let author = author_text(&ctx, &actors, &e);
            (e, author)
        })
        .collect();
    match format {
        Some("csv") => return register_csv(&state, &ctx, &rows),
        Some("pdf") => return register_pdf(&state, &ctx, &q, &actors, &rows),
        _ => {}
    }
    let notice = q.notice(&ctx);
    let t = |v: Option<&String>| RegisterQuery::text(v).to_owned();
    let unsent = rows
        .iter()
        .filter(|(e, _)| e.manual().is_some() && matches!(e.status(), "unsent" | "failed"))
        .count();
    let awaiting = rows
        .iter()
        .filter(|(e, _)| {
            e.status() == "sent"
                && e.delivery_status().is_none()
                && matches!(e.channel(), "sms" | "voice")
        })
        .count();
    Ok(RegisterPage {
        source: t(q.source.as_ref()),
        channel: t(q.channel.as_ref()),
        status: t(q.status.as_ref()),
        settled: t(q.settled.as_ref()),
        author: t(q.author.as_ref()),
        from: t(q.from.as_ref()),
        to: t(q.to.as_ref()),
        csv: q.link(Some("csv"), None),
        pdf: q.link(Some("pdf"), None),
        filters: q.pairs(),
        debtor: q
            .debtor
            .as_ref()
            .filter(|d| !d.trim().is_empty())
            .map(|id| {
                let name = rows.first().map_or_else(
                    || ctx.t("register-this-debtor"),
                    |(e, _)| e.debtor_name().to_owned(),
                );
                let without = RegisterQuery {
                    debtor: None,
                    ..q.clone()
                };
                (id.trim().to_owned(), name, without.link(None, None))
            }),
        people: actors.people(),
        request_id: crate::store::new_id(),
        unsent,
        awaiting,
        ctx: ctx.with_notice(notice),
        rows,
    }
    .into_response())
}

/// The register's bulk form: the filters, the operation, the request id of a send.
#[derive(Debug, Deserialize)]
pub(super) struct BulkForm {
    op: String,
    #[serde(default)]
    request: String,
    #[serde(flatten)]
    query: RegisterQuery,
}

/// A bulk action on what the filter shows: `send` the unsent SMS as one batch (its page
/// shows the progress and can abort), `delete` them, or `check` the delivery of the sent.
pub(super) async fn bulk(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<BulkForm>,
) -> Result<Response, PageError> {
    viewer.require(Role::Editor)?;
    let tenant = viewer.session.principal.tenant.clone();
    let actor = viewer.session.principal.actor.clone();
    let filter = form.query.filter(EXPORT_ROWS);
    let outcome = match form.op.as_str() {
        "send" => {
            if form.request.trim().is_empty() {
                return Err(PageError::bad_form("request"));
            }
            match state
                .app
                .batch_of_unsent(&tenant, &actor, form.request.trim(), &filter)
                .await?
            {
                Some(id) => {
                    state.app.spawn_send_batch(tenant, actor, id.clone());
                    return Ok(
                        Redirect::to(&format!("/notifications/batches/{id}")).into_response()
                    );
                }
                None => "nothing".to_owned(),
            }
        }
        "delete" => format!(
            "deleted-{}",
            state.app.delete_unsent(&tenant, &actor, &filter).await?
        ),
        "check" => {
            let DeliveryCheck {
                delivered,
                undelivered,
                pending,
                unknown,
            } = state.app.check_deliveries(&tenant, &filter).await?;
            format!("checked-{delivered}-{undelivered}-{pending}-{unknown}")
        }
        _ => return Err(PageError::bad_form("op")),
    };
    Ok(Redirect::to(&form.query.link(None, Some(&outcome))).into_response())
}

/// What each notice owed when it was made, in words.
fn owed_then(ctx: &Ctx, e: &RegisterEntry) -> String {
    e.snapshot()
        .owed
        .iter()
        .map(|(c, o)| owed_line(ctx, c, o, "; "))
        .collect::<Vec<_>>()
        .join(" | ")
}

fn settled_text(ctx: &Ctx, e: &RegisterEntry) -> String {
    e.settlement
        .map(|s| ctx.tp("settled", s.code()))
        .unwrap_or_default()
}

fn register_csv(
    state: &AppState,
    ctx: &Ctx,
    rows: &[(RegisterEntry, String)],
) -> Result<Response, PageError> {
    let failed = |e: inkaso_shared::sheet::SheetError| PageError::internal(&e.to_string());
    let mut sheet = inkaso_shared::sheet::SheetWriter::new();
    let header = [
        "col-created",
        "col-debtor",
        "col-channel",
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
    for (e, author) in rows {
        let manual = e.manual();
        sheet
            .row([
                ctx.datetime(e.at()),
                e.debtor_name().to_owned(),
                ctx.tp("register-channel", e.channel()),
                e.text().to_owned(),
                manual.and_then(|n| n.note.clone()).unwrap_or_default(),
                manual
                    .and_then(|n| n.promise_date)
                    .map(|d| ctx.date(d))
                    .unwrap_or_default(),
                owed_then(ctx, e),
                status_text(ctx, e),
                settled_text(ctx, e),
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

/// The register as an A4 PDF to print or file: the filters in the heading, one line per
/// notice (long cells wrapped), the columns repeated on every page.
#[allow(clippy::too_many_lines, reason = "one table, drawn top to bottom")]
fn register_pdf(
    state: &AppState,
    ctx: &Ctx,
    q: &RegisterQuery,
    actors: &Actors,
    rows: &[(RegisterEntry, String)],
) -> Result<Response, PageError> {
    use inkaso_channels::pdf::{Align, MARGIN_MM, PdfWriter, Weight};
    const SIZE: f32 = 7.5;
    // x and width of: when, debtor, channel, text, status, settlement (170 mm in all).
    const COLS: [(f32, f32); 6] = [
        (0.0, 22.0),
        (23.0, 33.0),
        (57.0, 22.0),
        (80.0, 50.0),
        (131.0, 20.0),
        (152.0, 18.0),
    ];
    let title = ctx.t("register-pdf-title");
    let mut w = PdfWriter::new(&title).map_err(|e| PageError::internal(&e.to_string()))?;
    w.row(13.0, Weight::Bold, &[(MARGIN_MM, Align::Left, &title)]);
    let now = state.app.clock.now();
    let mut heading = vec![ctx.ta("register-pdf-made", "at", &ctx.datetime(now))];
    let debtor = rows.first().map_or("", |(e, _)| e.debtor_name());
    heading.extend(q.describe(ctx, actors, debtor));
    w.paragraph(&heading.join(" · "), 8.0, Weight::Regular);
    w.paragraph(
        &ctx.tn(
            "register-pdf-count",
            i64::try_from(rows.len()).unwrap_or(i64::MAX),
        ),
        8.0,
        Weight::Regular,
    );
    w.skip(3.0);
    let header: Vec<String> = [
        "col-created",
        "col-debtor",
        "col-channel",
        "col-text",
        "col-status",
        "col-settled-short",
    ]
    .iter()
    .map(|id| ctx.t(id))
    .collect();
    let draw = |w: &mut PdfWriter, weight: Weight, cells: &[Vec<String>]| {
        let height = cells.iter().map(Vec::len).max().unwrap_or(1);
        for l in 0..height {
            let line: Vec<(f32, Align, &str)> = COLS
                .iter()
                .zip(cells)
                .map(|(&(x, _), c)| {
                    (
                        MARGIN_MM + x,
                        Align::Left,
                        c.get(l).map_or("", String::as_str),
                    )
                })
                .collect();
            w.row(SIZE, weight, &line);
        }
    };
    let wrap = |w: &PdfWriter, cells: [String; 6], weight: Weight| -> Vec<Vec<String>> {
        cells
            .iter()
            .zip(COLS)
            .map(|(c, (_, width))| w.wrap(c, SIZE, weight, width))
            .collect()
    };
    let head = wrap(
        &w,
        header.clone().try_into().unwrap_or_default(),
        Weight::Bold,
    );
    draw(&mut w, Weight::Bold, &head);
    w.rule();
    for (e, author) in rows {
        let text = match e.manual().and_then(|n| n.promise_date) {
            Some(p) => format!(
                "{} ({} {})",
                e.text(),
                ctx.t("notification-promise"),
                ctx.date(p)
            ),
            None => e.text().to_owned(),
        };
        let mut cells = wrap(
            &w,
            [
                ctx.datetime(e.at()),
                e.debtor_name().to_owned(),
                ctx.tp("register-channel", e.channel()),
                text,
                status_text(ctx, e),
                settled_text(ctx, e),
            ],
            Weight::Regular,
        );
        // Who made it under the debtor's name.
        cells[1].extend(w.wrap(author, SIZE, Weight::Regular, COLS[1].1));
        let lines = cells.iter().map(Vec::len).max().unwrap_or(1);
        let needed =
            PdfWriter::line_height(SIZE) * f32::from(u16::try_from(lines).unwrap_or(u16::MAX));
        if w.ensure_space(needed + 1.0) {
            draw(&mut w, Weight::Bold, &head);
            w.rule();
        }
        draw(&mut w, Weight::Regular, &cells);
        w.skip(1.0);
    }
    w.rule();
    let lang = ctx.lang;
    let (pdf, _) = w.finish(|page, pages| {
        crate::i18n::text_with(
            lang,
            "register-pdf-page",
            &[("page", page.into()), ("pages", pages.into())],
        )
    });
    Ok(crate::http::channels::attachment(
        "application/pdf",
        &format!("powiadomienia-{}.pdf", now.date_naive()),
        pdf,
    ))
}
