//! Cases handed to law firms (Sprawy w kancelarii), as the creditor sees them: the list by
//! status, and a case's page — what was handed over, the law firm's answers and status
//! changes, and the notes both sides wrote — where the client adds a note for the law firm.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use inkaso_shared::Localized as _;
use serde::Deserialize;

use super::super::session::Form;
use super::super::{Ctx, PageError, Viewer};
use super::{PathId, blank_to_none};
use crate::domain::accounts::Role;
use crate::domain::cases::CaseStatus;
use crate::domain::interest::Claim;
use crate::http::AppState;
use crate::services::ServiceError;
use crate::store::cases::{Case, CaseDetail, CaseFilter, CaseParty, DocumentSnapshot, PageRequest};

/// Rows per page of the list.
const PAGE_ROWS: u32 = 50;

#[derive(Debug, Default, Deserialize)]
pub(super) struct ListQuery {
    status: Option<String>,
    after: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "cases.html")]
pub(super) struct ListPage {
    ctx: Ctx,
    status: String,
    statuses: Vec<(&'static str, String)>,
    rows: Vec<Case>,
    next: Option<String>,
}

pub(super) async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<ListQuery>,
) -> Result<ListPage, PageError> {
    viewer.require(Role::Viewer)?;
    let ctx = Ctx::load(&state, &viewer, "cases").await?;
    let status = q
        .status
        .filter(|s| CaseStatus::ALL.iter().any(|c| c.as_str() == s))
        .unwrap_or_default();
    let page = state
        .app
        .client_cases(
            &viewer.session.principal.tenant,
            &CaseFilter {
                status: blank_to_none(&status),
                ..CaseFilter::default()
            },
            &PageRequest {
                after: q.after.filter(|a| !a.is_empty()),
                limit: Some(PAGE_ROWS),
            },
        )
        .await?;
    let next = page.next_cursor.map(|c| {
        form_urlencoded::Serializer::new(String::from("/cases?"))
            .append_pair("status", &status)
            .append_pair("after", &c)
            .finish()
    });
    let statuses = CaseStatus::ALL
        .into_iter()
        .map(|s| (s.as_str(), ctx.tp("case", s.as_str())))
        .collect();
    Ok(ListPage {
        ctx,
        status,
        statuses,
        rows: page.items,
        next,
    })
}

/// What the law firm may do on a case's page (nothing, for the creditor).
#[derive(Debug, Clone, Default)]
pub(super) struct CaseActions {
    /// Accept or reject: the case waits for the firm's decision.
    pub decide: bool,
    /// The statuses the case may move to: `(code, name)`.
    pub moves: Vec<(&'static str, String)>,
}

/// A case's page, the creditor's or the law firm's (`base` is where its forms post).
#[derive(Template, WebTemplate)]
#[template(path = "case.html")]
pub(super) struct CasePage {
    ctx: Ctx,
    c: CaseDetail,
    /// The debtor's page in the portal, when the debtor is still synced (the creditor's view).
    debtor_link: Option<String>,
    actions: CaseActions,
    /// Each document's interest and compensation today, in the order of `c.documents`.
    claims: Vec<Claim>,
    pub(super) file_error: Option<String>,
    /// The payment form as typed: amount, day, note.
    pub(super) payment: (String, String, String),
    pub(super) payment_error: Option<String>,
    pub(super) note: String,
    pub(super) note_error: Option<String>,
    pub(super) change_note: String,
    pub(super) change_error: Option<String>,
}

impl CasePage {
    pub(super) fn new(
        ctx: Ctx,
        (c, claims): (CaseDetail, Vec<Claim>),
        debtor_link: Option<String>,
        actions: CaseActions,
    ) -> CasePage {
        CasePage {
            ctx,
            c,
            claims,
            debtor_link,
            actions,
            file_error: None,
            payment: Default::default(),
            payment_error: None,
            note: String::new(),
            note_error: None,
            change_note: String::new(),
            change_error: None,
        }
    }

    /// The documents with what each adds today.
    fn rows(&self) -> impl Iterator<Item = (&DocumentSnapshot, &Claim)> {
        self.c.documents.iter().zip(&self.claims)
    }

    /// The whole claim in the case's currency: what is owed, the interest, the compensation
    /// where its rate is known (`None` when the documents are in several currencies).
    fn total(&self) -> Option<String> {
        let currency = &self.c.case.currency;
        if self.c.documents.iter().any(|d| &d.currency != currency) {
            return None;
        }
        let sum = self.rows().try_fold(0i64, |acc, (d, k)| {
            acc.checked_add(d.remaining_minor)?
                .checked_add(k.interest_minor)?
                .checked_add(k.compensation_minor.unwrap_or(0))
        })?;
        Some(self.ctx.money(sum, currency))
    }

    /// Compensation whose EUR rate the table lacks, in euro (shown beside the total).
    fn unconverted_eur(&self) -> u32 {
        self.claims
            .iter()
            .filter(|k| k.compensation_minor.is_none())
            .filter_map(|k| k.compensation_eur)
            .sum()
    }

    /// How the interest was counted: the latest rate used and whether the table may be stale.
    fn rate_note(&self) -> Option<String> {
        use crate::i18n::{Arg, text_with};
        let (from, basis_points) = self
            .claims
            .iter()
            .filter_map(|k| k.rate)
            .max_by_key(|(from, _)| *from)?;
        let mut note = text_with(
            self.ctx.lang,
            "case-interest-rate",
            &[
                (
                    "rate",
                    Arg::Text(self.ctx.decimal(f64::from(basis_points) / 100.0)),
                ),
                ("from", Arg::Text(self.ctx.date(from))),
            ],
        );
        if self.claims.iter().any(|k| k.stale) {
            note.push(' ');
            note.push_str(&self.ctx.t("case-interest-stale"));
        }
        Some(note)
    }

    /// The list the page belongs to.
    fn list(&self) -> &'static str {
        if self.ctx.partner {
            "/partner"
        } else {
            "/cases"
        }
    }

    /// The cases' address, where the page's forms post and its files are.
    fn base(&self) -> &'static str {
        if self.ctx.partner {
            "/partner/cases"
        } else {
            "/cases"
        }
    }

    /// Whether the reader (the law firm's lawyer) may attach files.
    fn can_attach(&self) -> bool {
        self.ctx.partner && self.ctx.can_edit()
    }

    /// The name of the list the page belongs to.
    fn list_name(&self) -> String {
        self.ctx.t(if self.ctx.partner {
            "nav-partner-cases"
        } else {
            "cases-title"
        })
    }

    /// Whether the reader (the law firm's lawyer) may record a settlement payment.
    fn can_record_payment(&self) -> bool {
        self.ctx.partner && self.ctx.can_edit() && self.c.case.status.takes_payments()
    }

    /// Whether the reader may act on the case's status.
    fn can_change(&self) -> bool {
        self.ctx.can_edit() && (self.actions.decide || !self.actions.moves.is_empty())
    }
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct ShowQuery {
    done: Option<String>,
}

async fn case_page(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
    ctx: Ctx,
) -> Result<CasePage, PageError> {
    let tenant = &viewer.session.principal.tenant;
    let c = state.app.client_case(tenant, id).await?;
    let debtor_link = state
        .app
        .debtor_id_of(tenant, &c.case.agent_id, &c.case.debtor_external_id)
        .await?
        .map(|d| format!("/debtors/{d}"));
    let claims = state.app.claims_today(&c);
    Ok(CasePage::new(
        ctx,
        (c, claims),
        debtor_link,
        CaseActions::default(),
    ))
}

pub(super) async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    PathId(id): PathId,
    Query(q): Query<ShowQuery>,
) -> Result<CasePage, PageError> {
    viewer.require(Role::Viewer)?;
    let ctx = Ctx::load(&state, &viewer, "cases").await?;
    let notice = ctx.notice(q.done.as_deref());
    case_page(&state, &viewer, &id, ctx.with_notice(notice)).await
}

#[derive(Debug, Deserialize)]
pub(super) struct NoteForm {
    #[serde(default)]
    note: String,
}

/// A note for the law firm; a refused one is shown under the field, as typed.
pub(super) async fn add_note(
    State(state): State<AppState>,
    viewer: Viewer,
    PathId(id): PathId,
    Form(form): Form<NoteForm>,
) -> Result<Response, PageError> {
    viewer.require(Role::Editor)?;
    let ctx = Ctx::load(&state, &viewer, "cases").await?;
    match state
        .app
        .client_case_note(
            &viewer.session.principal.tenant,
            &viewer.session.principal.actor,
            &id,
            &form.note,
        )
        .await
    {
        Ok(_) => {
            Ok(Redirect::to(&format!("/cases/{id}?done=case-note-added#events")).into_response())
        }
        Err(ServiceError::Invalid(i)) => {
            let mut page = case_page(&state, &viewer, &id, ctx.clone()).await?;
            page.note = form.note;
            page.note_error = Some(i.message(ctx.lang));
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// A file of a case, downloaded by either side (`party` is the reader's).
pub(super) async fn file_download(
    state: &AppState,
    party: CaseParty<'_>,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<Response, PageError> {
    let Ok(Path((case_id, file_id))) = path else {
        return Err(PageError::not_found());
    };
    let (file, bytes) = state.app.case_file(party, &case_id, &file_id).await?;
    Ok(crate::http::channels::attachment(
        crate::domain::cases::served_content_type(&file.content_type),
        &file.name,
        bytes,
    ))
}

/// A file of one of the creditor's cases.
pub(super) async fn file(
    State(state): State<AppState>,
    viewer: Viewer,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<Response, PageError> {
    viewer.require(Role::Viewer)?;
    file_download(
        &state,
        CaseParty::Client(&viewer.session.principal.tenant),
        path,
    )
    .await
}
