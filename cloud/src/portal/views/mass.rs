//! "Wysyłka masowa": the mass-notification wizard (R-N6) — filters and a template, the
//! preview (who gets what, parts and cost, who is skipped and why), the confirmation that
//! creates the batch once (its form's request id), and the batch's page: progress while the
//! background sender works, an abort that stops it before its next message, a resume.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use inkaso_shared::{Currency, Localized as _, Money};
use serde::Deserialize;

use super::super::session::Form;
use super::super::{Ctx, PageError, Viewer};
use super::{Empty, PathId};
use crate::domain::accounts::Role;
use crate::domain::mass::MassFilter;
use crate::http::AppState;
use crate::services::ServiceError;
use crate::services::mass::MassPreview;
use crate::store::notifications::BatchView;

/// The wizard's fields, as typed (kept in the address for the preview, hidden in the
/// confirmation).
#[derive(Debug, Default, Clone, Deserialize)]
pub(super) struct MassForm {
    #[serde(default)]
    overdue: String,
    #[serde(default)]
    upcoming: String,
    #[serde(default)]
    min: String,
    #[serde(default)]
    max: String,
    #[serde(default)]
    tags: String,
    #[serde(default)]
    quiet: String,
    #[serde(default)]
    template: String,
    #[serde(default)]
    request: String,
}

impl MassForm {
    fn days(field: &str, text: &str) -> Result<Option<u32>, (String, String)> {
        match text.trim() {
            "" => Ok(None),
            t => t
                .parse()
                .map(Some)
                .map_err(|_| (field.to_owned(), t.to_owned())),
        }
    }

    fn amount(field: &str, text: &str) -> Result<Option<i64>, (String, String)> {
        match text.trim() {
            "" => Ok(None),
            t => Money::parse(t, Currency::PLN)
                .map(|m| Some(m.minor))
                .map_err(|_| (field.to_owned(), t.to_owned())),
        }
    }

    /// The filter, or the field that does not read as a number.
    fn filter(&self) -> Result<MassFilter, (String, String)> {
        Ok(MassFilter {
            overdue_within_days: Self::days("overdue", &self.overdue)?,
            due_within_days: Self::days("upcoming", &self.upcoming)?,
            min_minor: Self::amount("min", &self.min)?,
            max_minor: Self::amount("max", &self.max)?,
            tags: self
                .tags
                .split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect(),
            quiet_days: Self::days("quiet", &self.quiet)?,
        })
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "mass.html")]
pub(super) struct MassPage {
    ctx: Ctx,
    form: MassForm,
    templates: Vec<(String, String)>,
    preview: Option<MassPreview>,
    /// Why the preview is not shown: `(field, message)`.
    error: Option<(String, String)>,
    /// A fresh id for the confirmation, so a double click creates one batch.
    request_id: String,
}

impl MassPage {
    /// A count for a plural message.
    #[allow(clippy::unused_self)] // askama reaches page helpers through `self`
    fn n(&self, count: impl std::borrow::Borrow<usize>) -> i64 {
        i64::try_from(*count.borrow()).unwrap_or(i64::MAX)
    }

    fn skip_reason(&self, reason: &str) -> String {
        self.ctx.tp("mass-skip", reason)
    }
}

/// The wizard: the form, and with a template chosen, the preview.
pub(super) async fn wizard(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(form): Query<MassForm>,
) -> Result<MassPage, PageError> {
    viewer.require(Role::Viewer)?;
    let ctx = Ctx::load(&state, &viewer, "notifications").await?;
    let tenant = &viewer.session.principal.tenant;
    let templates = state.app.sms_templates(tenant).await?;
    let mut page = MassPage {
        ctx,
        form: form.clone(),
        templates,
        preview: None,
        error: None,
        request_id: crate::store::new_id(),
    };
    if form.template.is_empty() {
        return Ok(page);
    }
    let filter = match form.filter() {
        Ok(f) => f,
        Err((field, text)) => {
            page.error = Some((field, page.ctx.ta("mass-not-a-number", "text", &text)));
            return Ok(page);
        }
    };
    match state
        .app
        .mass_preview(tenant, &filter, &form.template)
        .await
    {
        Ok(p) => page.preview = Some(p),
        Err(ServiceError::Invalid(i)) => {
            page.error = Some((i.field.clone(), i.message(page.ctx.lang)));
        }
        Err(e) => return Err(e.into()),
    }
    Ok(page)
}

/// Confirms: creates the batch (once per request id) and starts sending it in the background.
pub(super) async fn confirm(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<MassForm>,
) -> Result<Response, PageError> {
    viewer.require(Role::Editor)?;
    let tenant = viewer.session.principal.tenant.clone();
    let actor = viewer.session.principal.actor.clone();
    let filter = form
        .filter()
        .map_err(|(field, _)| PageError::bad_form(&field))?;
    if form.request.trim().is_empty() {
        return Err(PageError::bad_form("request"));
    }
    let id = state
        .app
        .create_mass(
            &tenant,
            &actor,
            form.request.trim(),
            &filter,
            &form.template,
        )
        .await?;
    state.app.spawn_send_batch(tenant, actor, id.clone());
    Ok(Redirect::to(&format!("/notifications/batches/{id}")).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "batch.html")]
pub(super) struct BatchPage {
    ctx: Ctx,
    b: BatchView,
    /// "Sending", but its sender was lost: offered to resume.
    stalled: bool,
}

impl BatchPage {
    fn done_share(&self) -> i64 {
        if self.b.total == 0 {
            100
        } else {
            (self.b.sent + self.b.failed) * 100 / self.b.total
        }
    }
}

/// A batch's progress (refreshed by the page itself while it sends).
pub(super) async fn batch(
    State(state): State<AppState>,
    viewer: Viewer,
    PathId(id): PathId,
) -> Result<BatchPage, PageError> {
    viewer.require(Role::Viewer)?;
    let ctx = Ctx::load(&state, &viewer, "notifications").await?;
    let b = state
        .app
        .batch(&viewer.session.principal.tenant, &id)
        .await?;
    let stalled = b.stalled(state.app.clock.now());
    Ok(BatchPage { ctx, b, stalled })
}

/// Stops the batch before its next message.
pub(super) async fn abort(
    State(state): State<AppState>,
    viewer: Viewer,
    PathId(id): PathId,
    Form(_): Form<Empty>,
) -> Result<Response, PageError> {
    viewer.require(Role::Editor)?;
    state
        .app
        .abort_batch(
            &viewer.session.principal.tenant,
            &viewer.session.principal.actor,
            &id,
        )
        .await?;
    Ok(Redirect::to(&format!("/notifications/batches/{id}")).into_response())
}

/// Sends what is left of the batch.
pub(super) async fn resume(
    State(state): State<AppState>,
    viewer: Viewer,
    PathId(id): PathId,
    Form(_): Form<Empty>,
) -> Result<Response, PageError> {
    viewer.require(Role::Editor)?;
    let tenant = viewer.session.principal.tenant.clone();
    state.app.batch(&tenant, &id).await?;
    state
        .app
        .spawn_send_batch(tenant, viewer.session.principal.actor.clone(), id.clone());
    Ok(Redirect::to(&format!("/notifications/batches/{id}")).into_response())
}
