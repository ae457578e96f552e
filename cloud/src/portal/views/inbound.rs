//! "SMS od dłużników": the messages debtors sent to the firm's number and what the service
//! replied (`services::inbound`) — the audit of every balance disclosed and every consent
//! withdrawn by SMS, filtered by what a message was understood as.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use serde::Deserialize;

use super::super::{Ctx, PageError, Viewer};
use crate::domain::accounts::Role;
use crate::http::AppState;
use crate::store::inbound::InboundRow;

/// Messages one page shows: the newest; older ones stay in the log (and the audit).
const SHOWN: u32 = 200;

#[derive(Debug, Deserialize)]
pub(super) struct InboundQuery {
    command: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "inbound.html")]
pub(super) struct InboundPage {
    ctx: Ctx,
    command: String,
    rows: Vec<InboundRow>,
    shown: u32,
}

pub(super) async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<InboundQuery>,
) -> Result<InboundPage, PageError> {
    viewer.require(Role::Viewer)?;
    // Under "Powiadomienia" in the menu: what debtors sent beside what the firm sent.
    let ctx = Ctx::load(&state, &viewer, "notifications").await?;
    let command = q
        .command
        .filter(|c| ["balance", "stop", "other"].contains(&c.as_str()))
        .unwrap_or_default();
    let rows = state
        .app
        .inbound_log(
            &viewer.session.principal.tenant,
            (!command.is_empty()).then_some(command.as_str()),
            SHOWN,
        )
        .await?;
    Ok(InboundPage {
        ctx,
        command,
        rows,
        shown: SHOWN,
    })
}
