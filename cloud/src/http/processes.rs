//! The process engine's client API (`/api/v1`, in the OpenAPI document): processes and group
//! rules, the tenant's collection settings and paused channels, a debtor's collection state and
//! pauses, the action history (R-P6), on-demand runs (R-P5), out of collection (R-P7) and the
//! forecast. Viewer and up read; editor and up change.
//!
//! This module owns only the HTTP side: parsing, roles, the one error shape. The rules are the
//! engine's (`crate::process`): validation and the in-use refusal come from the model, planning
//! from the planner, performing from the runner's `tick`, which an on-demand run calls right
//! after recording its actions, so they go out through exactly the path and guards of the
//! automatic ones.

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, NaiveDate, Utc};
use inkaso_shared::protocol::ErrorCode;
use inkaso_shared::{Lang, Localized};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::agent::{parse_json, read_body};
use super::client::ErrorBody;
use super::wire;
use super::wire::{
    ActionQuery, ActionView, ChannelPauseView, CollectionStateView, Page, PauseView,
};
use super::{AppState, ClientAuth, Failure, Path, Q};
use crate::domain::accounts::Role;
use crate::i18n::Bilingual;
use crate::process::{
    AssignedBy, Channel, Decision, GroupRule, LegalStatus, OutReason, Outcome, PauseKind, Process,
    ProcessError, TenantPolicy,
};
use crate::services::collection::{
    DebtorCollection, ForecastRow, HistoryOf, NewPauseOrder, OnDemandOrder, OutOfCollectionRow,
};
use crate::services::model::{CollectionSettings, DebtorCollectionChange};

pub use crate::domain::collection::{MAX_FORECAST_DAYS, MAX_ON_DEMAND_DOCUMENTS};

/// The engine's routes, to be nested under `/api/v1` by the client API.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_processes))
        .routes(routes!(get_process, put_process, delete_process))
        .routes(routes!(set_default_process))
        .routes(routes!(get_group_rules, put_group_rules))
        .routes(routes!(get_settings, put_settings))
        .routes(routes!(list_channel_pauses))
        .routes(routes!(resume_channel))
        .routes(routes!(get_collection, change_collection))
        .routes(routes!(list_pauses, add_pause))
        .routes(routes!(lift_pause))
        .routes(routes!(list_actions))
        .routes(routes!(debtor_actions))
        .routes(routes!(document_actions))
        .routes(routes!(on_demand))
        .routes(routes!(list_out_of_collection))
        .routes(routes!(get_forecast))
}

// ---------------------------------------------------------------------------------------------
// Errors

/// A process refused by the core: 400 naming the field, 404 for an unknown code, 409 for a
/// conflict with the set (in use, duplicate, defaults).
pub(super) fn process_failure(p: &ProcessError) -> Failure {
    let message = Bilingual::of(p);
    match p {
        ProcessError::Invalid(_) => {
            let f = Failure::bilingual(StatusCode::BAD_REQUEST, ErrorCode::InvalidBody, message);
            match p.fields().first() {
                Some(field) => f.with_field(*field),
                None => f,
            }
        }
        ProcessError::Unknown(_) => {
            Failure::bilingual(StatusCode::NOT_FOUND, ErrorCode::NotFound, message)
        }
        ProcessError::InUse { .. }
        | ProcessError::DuplicateCode(_)
        | ProcessError::NoDefault
        | ProcessError::MultipleDefaults(_) => {
            Failure::bilingual(StatusCode::CONFLICT, ErrorCode::Conflict, message)
        }
    }
}

async fn body<T: serde::de::DeserializeOwned>(headers: &HeaderMap, b: Body) -> Result<T, Failure> {
    parse_json(&read_body(headers, b).await?)
}

// ---------------------------------------------------------------------------------------------
// Processes and group rules

/// A collection process as JSON: `{"code", "name", "is_default", "stages": [...], "catch_up_days"}`;
/// every stage field is described in docs/processes.md ("Stages").
#[derive(Debug, Serialize, ToSchema)]
#[serde(transparent)]
#[schema(value_type = Object)]
pub struct ProcessBody(pub Process);

/// A group rule: `{"process", "kind"?, "tag"?, "min_total"?, "max_total"?}` (amounts as
/// `{"minor", "currency"}`); rules are tried in order, the first match wins.
#[derive(Debug, Serialize, ToSchema)]
#[serde(transparent)]
#[schema(value_type = Object)]
pub struct GroupRuleBody(pub GroupRule);

/// The tenant's processes, by code.
#[utoipa::path(get, path = "/processes", tag = "processes",
    responses((status = 200, body = Vec<ProcessBody>), (status = 401, body = ErrorBody)))]
async fn list_processes(
    State(state): State<AppState>,
    auth: ClientAuth,
) -> Result<Json<Vec<ProcessBody>>, Failure> {
    let p = auth.require(Role::Viewer)?;
    let set = state.app.processes(&p.tenant).await?;
    Ok(Json(set.into_iter().map(ProcessBody).collect()))
}

/// One process.
#[utoipa::path(get, path = "/processes/{code}", tag = "processes", params(("code" = String, Path)),
    responses((status = 200, body = ProcessBody), (status = 404, body = ErrorBody)))]
async fn get_process(
    State(state): State<AppState>,
    auth: ClientAuth,
    Path(code): Path<String>,
) -> Result<Json<ProcessBody>, Failure> {
    let p = auth.require(Role::Viewer)?;
    Ok(Json(ProcessBody(
        state.app.process(&p.tenant, &code).await?,
    )))
}

/// Creates or replaces a process (editor and up). Validation reports every invalid field
/// (`stages[2].repeat.every_days`); `field` names the first. A new default unmarks the old one;
/// the tenant's first process becomes the default.
#[utoipa::path(put, path = "/processes/{code}", tag = "processes", params(("code" = String, Path)),
    request_body = ProcessBody,
    responses((status = 200, description = "replaced", body = ProcessBody), (status = 201, description = "created", body = ProcessBody),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn put_process(
    State(state): State<AppState>,
    auth: ClientAuth,
    Path(code): Path<String>,
    headers: HeaderMap,
    b: Body,
) -> Result<(StatusCode, Json<ProcessBody>), Failure> {
    let p = auth.require(Role::Editor)?;
    let process: Process = body(&headers, b).await?;
    let saved = state
        .app
        .save_process(&p.tenant, &p.actor, &code, process)
        .await?;
    let status = if saved.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(ProcessBody(saved.process))))
}

/// Deletes a process that is not in use (editor and up); the refusal (409) says where it is
/// used: as the default, by debtors, in group rules.
#[utoipa::path(delete, path = "/processes/{code}", tag = "processes", params(("code" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn delete_process(
    State(state): State<AppState>,
    auth: ClientAuth,
    Path(code): Path<String>,
) -> Result<StatusCode, Failure> {
    let p = auth.require(Role::Editor)?;
    state.app.delete_process(&p.tenant, &p.actor, &code).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Makes a process the default and unmarks the previous one (editor and up). Returns the set.
#[utoipa::path(put, path = "/processes/{code}/default", tag = "processes", params(("code" = String, Path)),
    responses((status = 200, body = Vec<ProcessBody>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn set_default_process(
    State(state): State<AppState>,
    auth: ClientAuth,
    Path(code): Path<String>,
) -> Result<Json<Vec<ProcessBody>>, Failure> {
    let p = auth.require(Role::Editor)?;
    let set = state
        .app
        .set_default_process(&p.tenant, &p.actor, &code)
        .await?;
    Ok(Json(set.into_iter().map(ProcessBody).collect()))
}

/// The group rules, in the order they are tried.
#[utoipa::path(get, path = "/group-rules", tag = "processes",
    responses((status = 200, body = Vec<GroupRuleBody>), (status = 401, body = ErrorBody)))]
async fn get_group_rules(
    State(state): State<AppState>,
    auth: ClientAuth,
) -> Result<Json<Vec<GroupRuleBody>>, Failure> {
    let p = auth.require(Role::Viewer)?;
    let rules = state.app.group_rules(&p.tenant).await?;
    Ok(Json(rules.into_iter().map(GroupRuleBody).collect()))
}

/// Replaces the group rules (editor and up); each must name an existing process.
#[utoipa::path(put, path = "/group-rules", tag = "processes", request_body = Vec<GroupRuleBody>,
    responses((status = 200, body = Vec<GroupRuleBody>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn put_group_rules(
    State(state): State<AppState>,
    auth: ClientAuth,
    headers: HeaderMap,
    b: Body,
) -> Result<Json<Vec<GroupRuleBody>>, Failure> {
    let p = auth.require(Role::Editor)?;
    let rules: Vec<GroupRule> = body(&headers, b).await?;
    let rules = state
        .app
        .set_group_rules(&p.tenant, &p.actor, rules)
        .await?;
    Ok(Json(rules.into_iter().map(GroupRuleBody).collect()))
}

// ---------------------------------------------------------------------------------------------
// Collection settings and paused channels

/// The tenant's engine settings: test mode (R-C5: the whole engine runs, nothing reaches a
/// provider) and the policy `{"sync_max_age_hours", "channels": {"disabled", "consent_required"}}`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsBody {
    /// Test mode.
    pub test_mode: bool,
    /// Freshness limit and channel rules (defaults for what is left out).
    #[serde(default)]
    #[schema(value_type = Object)]
    pub policy: TenantPolicy,
}

/// The tenant's collection settings.
#[utoipa::path(get, path = "/collection/settings", tag = "collection",
    responses((status = 200, body = SettingsBody), (status = 401, body = ErrorBody)))]
async fn get_settings(
    State(state): State<AppState>,
    auth: ClientAuth,
) -> Result<Json<SettingsBody>, Failure> {
    let p = auth.require(Role::Viewer)?;
    let s = state.app.collection_settings(&p.tenant).await?;
    Ok(Json(SettingsBody {
        test_mode: s.test_mode,
        policy: s.policy,
    }))
}

/// Sets test mode and the policy (editor and up).
#[utoipa::path(put, path = "/collection/settings", tag = "collection", request_body = SettingsBody,
    responses((status = 200, body = SettingsBody), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn put_settings(
    State(state): State<AppState>,
    auth: ClientAuth,
    headers: HeaderMap,
    b: Body,
) -> Result<Json<SettingsBody>, Failure> {
    let p = auth.require(Role::Editor)?;
    let req: SettingsBody = body(&headers, b).await?;
    let settings = CollectionSettings {
        test_mode: req.test_mode,
        policy: req.policy,
    };
    let saved = state
        .app
        .save_collection_settings(&p.tenant, &p.actor, settings)
        .await?;
    Ok(Json(SettingsBody {
        test_mode: saved.test_mode,
        policy: saved.policy,
    }))
}

/// Channels the provider refused at account level; nothing goes out on them until resumed.
#[utoipa::path(get, path = "/collection/channel-pauses", tag = "collection",
    responses((status = 200, body = Vec<ChannelPauseView>), (status = 401, body = ErrorBody)))]
async fn list_channel_pauses(
    State(state): State<AppState>,
    auth: ClientAuth,
) -> Result<Json<Vec<ChannelPauseView>>, Failure> {
    let p = auth.require(Role::Viewer)?;
    Ok(Json(wire::all(state.app.channel_pauses(&p.tenant).await?)))
}

fn channel_param(code: &str) -> Result<Channel, Failure> {
    Channel::from_code(code.trim()).ok_or_else(|| {
        Failure::invalid_body(
            Some("channel".to_owned()),
            "err-client-unknown-channel",
            &[("channel", code.into())],
        )
    })
}

/// Resumes a paused channel (editor and up); its held actions go out from the next tick.
#[utoipa::path(delete, path = "/collection/channel-pauses/{channel}", tag = "collection",
    params(("channel" = String, Path, description = "`sms`, `email`, `voice`, …")),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn resume_channel(
    State(state): State<AppState>,
    auth: ClientAuth,
    Path(channel): Path<String>,
) -> Result<StatusCode, Failure> {
    let p = auth.require(Role::Editor)?;
    let channel = channel_param(&channel)?;
    state
        .app
        .resume_channel(&p.tenant, &p.actor, channel)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------------------------------------
// A debtor's collection state and pauses

/// A debtor's collection state and the process it gets now.
#[derive(Debug, Serialize, ToSchema)]
pub struct CollectionView {
    /// What is stored.
    #[serde(flatten)]
    pub state: CollectionStateView,
    /// The process assigned now (own, group rule, default); `null`: none (out of collection).
    pub process: Option<String>,
    /// `own`, `group_rule` or `default`.
    pub assigned_by: Option<String>,
    /// The 1-based group rule, when assigned by one.
    pub group_rule: Option<usize>,
}

/// Changes to a debtor's collection state; fields left out stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CollectionChange {
    /// The debtor's own process; `null` clears it (back to group rules and the default).
    #[allow(clippy::option_option)] // absent (unchanged), null (cleared) or a code
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub own_process: Option<Option<String>>,
    /// Tags for group rules (replaces the list).
    pub tags: Option<Vec<String>>,
    /// Excluded from collection.
    pub excluded: Option<bool>,
    /// `active`, `deceased` or `bankrupt` (the last two are never contacted).
    #[schema(value_type = Option<String>)]
    pub legal_status: Option<LegalStatus>,
    /// Consent to voice messages.
    pub voice_consent: Option<bool>,
}

/// Tells a field given as `null` (`Some(None)`) from one left out (`None`, via `default`).
#[allow(clippy::option_option)] // exactly the three cases of a PATCH field: absent, null, value
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

impl From<DebtorCollection> for CollectionView {
    fn from(c: DebtorCollection) -> Self {
        let (process, assigned_by, group_rule) = match c.assignment {
            None => (None, None, None),
            Some((p, AssignedBy::Own)) => (Some(p), Some("own".to_owned()), None),
            Some((p, AssignedBy::Default)) => (Some(p), Some("default".to_owned()), None),
            Some((p, AssignedBy::GroupRule { number })) => {
                (Some(p), Some("group_rule".to_owned()), Some(number))
            }
        };
        CollectionView {
            state: c.state.into(),
            process,
            assigned_by,
            group_rule,
        }
    }
}

/// A debtor's collection state: own process, tags, exclusion, legal status, voice consent, and
/// the process it gets now.
#[utoipa::path(get, path = "/debtors/{id}/collection", tag = "collection", params(("id" = String, Path)),
    responses((status = 200, body = CollectionView), (status = 404, body = ErrorBody)))]
async fn get_collection(
    State(state): State<AppState>,
    auth: ClientAuth,
    Path(id): Path<String>,
) -> Result<Json<CollectionView>, Failure> {
    let p = auth.require(Role::Viewer)?;
    let c = state.app.debtor_collection(&p.tenant, &id).await?;
    Ok(Json(c.into()))
}

/// Changes a debtor's collection state (editor and up).
#[utoipa::path(patch, path = "/debtors/{id}/collection", tag = "collection", params(("id" = String, Path)),
    request_body = CollectionChange,
    responses((status = 200, body = CollectionView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn change_collection(
    State(state): State<AppState>,
    auth: ClientAuth,
    Path(id): Path<String>,
    headers: HeaderMap,
    b: Body,
) -> Result<Json<CollectionView>, Failure> {
    let p = auth.require(Role::Editor)?;
    let req: CollectionChange = body(&headers, b).await?;
    let change = DebtorCollectionChange {
        own_process: req.own_process,
        tags: req.tags,
        excluded: req.excluded,
        legal_status: req.legal_status,
        voice_consent: req.voice_consent,
        last_contact_at: None,
    };
    let c = state
        .app
        .change_debtor_collection(&p.tenant, &p.actor, &id, change)
        .await?;
    Ok(Json(c.into()))
}

/// A new pause.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPause {
    /// `promise_to_pay` (needs `until`), `dispute` (until lifted unless `until` is given) or
    /// `manual` (needs `reason` and `until`).
    #[schema(value_type = String)]
    pub kind: PauseKind,
    /// Last day of the pause (inclusive), `YYYY-MM-DD`; for a promise, the promised date.
    pub until: Option<NaiveDate>,
    /// The reason or the debtor's words.
    #[serde(default)]
    pub reason: String,
    /// Only this document (its API id); otherwise every document of the debtor.
    pub document_id: Option<String>,
}

/// A debtor's pauses, newest first, lifted ones included.
#[utoipa::path(get, path = "/debtors/{id}/pauses", tag = "collection", params(("id" = String, Path)),
    responses((status = 200, body = Vec<PauseView>), (status = 404, body = ErrorBody)))]
async fn list_pauses(
    State(state): State<AppState>,
    auth: ClientAuth,
    Path(id): Path<String>,
) -> Result<Json<Vec<PauseView>>, Failure> {
    let p = auth.require(Role::Viewer)?;
    Ok(Json(wire::all(
        state.app.debtor_pauses(&p.tenant, &id).await?,
    )))
}

/// Pauses collection for a debtor or one of its documents (editor and up). A promise to pay
/// also goes to the agent's results feed (`promise_to_pay`), so the ERP learns of it.
#[utoipa::path(post, path = "/debtors/{id}/pauses", tag = "collection", params(("id" = String, Path)),
    request_body = NewPause,
    responses((status = 201, body = PauseView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn add_pause(
    State(state): State<AppState>,
    auth: ClientAuth,
    Path(id): Path<String>,
    headers: HeaderMap,
    b: Body,
) -> Result<(StatusCode, Json<PauseView>), Failure> {
    let p = auth.require(Role::Editor)?;
    let req: NewPause = body(&headers, b).await?;
    let order = NewPauseOrder {
        kind: req.kind,
        until: req.until,
        reason: req.reason,
        document_id: req.document_id,
    };
    let view = state.app.add_pause(&p.tenant, &p.actor, &id, order).await?;
    Ok((StatusCode::CREATED, Json(view.into())))
}

/// Lifts a pause (editor and up): held actions go out from the next tick, with catch-up.
#[utoipa::path(delete, path = "/debtors/{id}/pauses/{pause_id}", tag = "collection",
    params(("id" = String, Path), ("pause_id" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn lift_pause(
    State(state): State<AppState>,
    auth: ClientAuth,
    Path((id, pause_id)): Path<(String, String)>,
) -> Result<StatusCode, Failure> {
    let p = auth.require(Role::Editor)?;
    state
        .app
        .lift_pause(&p.tenant, &p.actor, &id, &pause_id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------------------------------------
// History (R-P6)

/// Every action of the tenant, newest first: date, documents, stage, channel, provider id,
/// debtor, description, automatic or manual, status, cost.
#[utoipa::path(get, path = "/actions", tag = "history", params(ActionQuery),
    responses((status = 200, body = Page<ActionView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
async fn list_actions(
    State(state): State<AppState>,
    auth: ClientAuth,
    Q(q): Q<ActionQuery>,
) -> Result<Json<Page<ActionView>>, Failure> {
    let p = auth.require(Role::Viewer)?;
    Ok(Json(
        state
            .app
            .actions(&p.tenant, HistoryOf::Tenant, &q.into())
            .await?
            .into(),
    ))
}

/// One debtor's actions, newest first.
#[utoipa::path(get, path = "/debtors/{id}/actions", tag = "history", params(("id" = String, Path), ActionQuery),
    responses((status = 200, body = Page<ActionView>), (status = 404, body = ErrorBody)))]
async fn debtor_actions(
    State(state): State<AppState>,
    auth: ClientAuth,
    Path(id): Path<String>,
    Q(q): Q<ActionQuery>,
) -> Result<Json<Page<ActionView>>, Failure> {
    let p = auth.require(Role::Viewer)?;
    Ok(Json(
        state
            .app
            .actions(&p.tenant, HistoryOf::Debtor(&id), &q.into())
            .await?
            .into(),
    ))
}

/// The actions that covered one document, newest first.
#[utoipa::path(get, path = "/documents/{id}/actions", tag = "history", params(("id" = String, Path), ActionQuery),
    responses((status = 200, body = Page<ActionView>), (status = 404, body = ErrorBody)))]
async fn document_actions(
    State(state): State<AppState>,
    auth: ClientAuth,
    Path(id): Path<String>,
    Q(q): Q<ActionQuery>,
) -> Result<Json<Page<ActionView>>, Failure> {
    let p = auth.require(Role::Viewer)?;
    Ok(Json(
        state
            .app
            .actions(&p.tenant, HistoryOf::Document(&id), &q.into())
            .await?
            .into(),
    ))
}

// ---------------------------------------------------------------------------------------------
// On demand (R-P5)

/// Run chosen stages for chosen documents now.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OnDemandRequest {
    /// Stage codes of the process.
    pub stages: Vec<String>,
    /// Documents (their API ids).
    pub documents: Vec<String>,
    /// The process whose stages run; by default the documents' common process, else the
    /// default if among theirs, else the first of theirs by code (Optima's rule).
    pub process: Option<String>,
    /// Makes the request idempotent: sending it again performs nothing twice (letters, digits,
    /// `-`, `_`, `.`; at most 64). A new id is made when absent.
    pub request_id: Option<String>,
}

/// One planned decision of an on-demand run.
#[derive(Debug, Serialize, ToSchema)]
pub struct OnDemandDecision {
    /// The action's key (`manual/<request>/…`).
    pub key: String,
    /// The debtor (ERP id).
    pub debtor_external_id: String,
    /// Stage code.
    pub stage: String,
    /// Channel.
    pub channel: String,
    /// Documents covered (ERP ids).
    pub documents: Vec<String>,
    /// `due` (recorded and performed by the runner), `held` (a guard holds it; not recorded)
    /// or `skipped` (recorded with the reason).
    pub outcome: String,
    /// Why held or skipped, Polish.
    pub reason_pl: Option<String>,
    /// Why held or skipped, English.
    pub reason_en: Option<String>,
}

/// What an on-demand run did.
#[derive(Debug, Serialize, ToSchema)]
pub struct OnDemandResponse {
    /// The request's id (send it again to retry without repeating anything).
    pub request_id: String,
    /// The process whose stages ran.
    pub process: String,
    /// The planner's decisions for the request.
    pub decisions: Vec<OnDemandDecision>,
    /// The request's recorded actions after the runner's tick, with their status.
    pub actions: Vec<ActionView>,
    /// Documents asked for that are no longer open (paid or closed): nothing runs for them.
    pub not_open: Vec<String>,
}

/// The ERP ids of the documents a decision covers.
fn document_ids(d: &Decision) -> Vec<String> {
    d.documents
        .iter()
        .map(|c| c.document.as_str().to_owned())
        .collect()
}

/// A decision as the on-demand answer shows it; `Outcome` in full, with its reason.
fn decision_view(d: &Decision) -> OnDemandDecision {
    let (outcome, pl, en) = match &d.outcome {
        Outcome::Due => ("due", None, None),
        Outcome::NotYet => ("not_yet", None, None),
        Outcome::Held(h) => ("held", Some(h.message(Lang::Pl)), Some(h.message(Lang::En))),
        Outcome::Skipped(r) => (
            "skipped",
            Some(r.message(Lang::Pl)),
            Some(r.message(Lang::En)),
        ),
    };
    OnDemandDecision {
        key: d.key_string(),
        debtor_external_id: d.debtor.as_str().to_owned(),
        stage: d.stage.clone(),
        channel: d.channel.code().to_owned(),
        documents: document_ids(d),
        outcome: outcome.to_owned(),
        reason_pl: pl,
        reason_en: en,
    }
}

/// Runs chosen stages for chosen documents now (editor and up): timing is ignored, every guard
/// is kept (exclusion, legal status, fresh data, pauses, policy, consent, contact, minimums),
/// demands go only for overdue documents. The actions are recorded as manual and performed at
/// once by the runner; one asked for outside its stage's hours waits for the next allowed slot.
#[utoipa::path(post, path = "/actions/on-demand", tag = "history", request_body = OnDemandRequest,
    responses((status = 200, body = OnDemandResponse), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[allow(clippy::too_many_lines)] // one request's whole path, read top to bottom
async fn on_demand(
    State(state): State<AppState>,
    auth: ClientAuth,
    headers: HeaderMap,
    b: Body,
) -> Result<Json<OnDemandResponse>, Failure> {
    let p = auth.require(Role::Editor)?;
    let req: OnDemandRequest = body(&headers, b).await?;
    let order = OnDemandOrder {
        request_id: req.request_id,
        process: req.process,
        stages: req.stages,
        documents: req.documents,
    };
    let run = state.app.run_on_demand(&p.tenant, &p.actor, order).await?;
    Ok(Json(OnDemandResponse {
        request_id: run.request_id,
        process: run.process,
        decisions: run.decisions.iter().map(decision_view).collect(),
        actions: wire::all(run.actions),
        not_open: run.not_open,
    }))
}

// ---------------------------------------------------------------------------------------------
// Out of collection (R-P7) and forecast

/// An overdue document that no stage of its process covers any more.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutOfCollectionView {
    /// The agent.
    pub agent_id: String,
    /// The debtor (ERP id).
    pub debtor_external_id: String,
    /// The document (ERP id).
    pub document_external_id: String,
    /// Its number.
    pub number: String,
    /// Days overdue today.
    pub days_overdue: i64,
    /// What remains, in minor units.
    pub remaining_minor: i64,
    /// Its currency.
    pub currency: String,
    /// `no_process` or `past_last_stage`.
    pub reason: String,
    /// The process it was under.
    pub process: Option<String>,
    /// Why, Polish.
    pub reason_pl: String,
    /// Why, English.
    pub reason_en: String,
}

/// Overdue documents no stage covers any more (Optima's "Poza windykacją"): everything was
/// performed, skipped or expired, or no process applies.
#[utoipa::path(get, path = "/out-of-collection", tag = "collection",
    responses((status = 200, body = Vec<OutOfCollectionView>), (status = 401, body = ErrorBody)))]
async fn list_out_of_collection(
    State(state): State<AppState>,
    auth: ClientAuth,
) -> Result<Json<Vec<OutOfCollectionView>>, Failure> {
    let p = auth.require(Role::Viewer)?;
    let rows = state.app.out_of_collection(&p.tenant).await?;
    Ok(Json(
        rows.into_iter()
            .map(|OutOfCollectionRow { agent, item: o }| {
                let (reason, process, why) = match &o.reason {
                    OutReason::NoProcess => (
                        "no_process",
                        None,
                        Bilingual::msg("err-client-out-no-process", &[]),
                    ),
                    OutReason::PastLastStage {
                        process,
                        reach_days,
                    } => (
                        "past_last_stage",
                        Some(process.clone()),
                        Bilingual::msg(
                            "err-client-out-past-last-stage",
                            &[("process", process.into()), ("days", (*reach_days).into())],
                        ),
                    ),
                };
                OutOfCollectionView {
                    agent_id: agent.into_string(),
                    debtor_external_id: o.debtor.as_str().to_owned(),
                    document_external_id: o.document.as_str().to_owned(),
                    number: o.number,
                    days_overdue: o.days_overdue,
                    remaining_minor: o.remaining.minor,
                    currency: o.remaining.currency.to_string(),
                    reason: reason.to_owned(),
                    process,
                    reason_pl: why.pl,
                    reason_en: why.en,
                }
            })
            .collect(),
    ))
}

/// Parameters of the forecast.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ForecastQuery {
    /// Days ahead (1..=366).
    pub days: u32,
    /// Only this debtor (its API id).
    pub debtor_id: Option<String>,
}

/// One forecast action.
#[derive(Debug, Serialize, ToSchema)]
pub struct ForecastItem {
    /// When it would go out (or be skipped).
    pub at: DateTime<Utc>,
    /// The agent.
    pub agent_id: String,
    /// The debtor (ERP id).
    pub debtor_external_id: String,
    /// Process code.
    pub process: String,
    /// Stage code.
    pub stage: String,
    /// Channel.
    pub channel: String,
    /// Documents covered (ERP ids).
    pub documents: Vec<String>,
    /// `due` or `skipped`.
    pub outcome: String,
    /// Why skipped, Polish.
    pub reason_pl: Option<String>,
    /// Why skipped, English.
    pub reason_en: Option<String>,
}

/// What the processes will do over the next `days` days for the current data, assuming nobody
/// pays and the agent keeps syncing; in time order.
#[utoipa::path(get, path = "/forecast", tag = "collection", params(ForecastQuery),
    responses((status = 200, body = Vec<ForecastItem>), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_forecast(
    State(state): State<AppState>,
    auth: ClientAuth,
    Q(q): Q<ForecastQuery>,
) -> Result<Json<Vec<ForecastItem>>, Failure> {
    let p = auth.require(Role::Viewer)?;
    let rows = state
        .app
        .forecast(&p.tenant, q.days, q.debtor_id.as_deref())
        .await?;
    Ok(Json(
        rows.into_iter()
            .map(|ForecastRow { agent, decision: d }| {
                let (outcome, pl, en) = match &d.outcome {
                    Outcome::Skipped(r) => (
                        "skipped",
                        Some(r.message(Lang::Pl)),
                        Some(r.message(Lang::En)),
                    ),
                    _ => ("due", None, None),
                };
                ForecastItem {
                    at: d.slot,
                    agent_id: agent.into_string(),
                    debtor_external_id: d.debtor.as_str().to_owned(),
                    process: d.process.clone(),
                    stage: d.stage.clone(),
                    channel: d.channel.code().to_owned(),
                    documents: document_ids(&d),
                    outcome: outcome.to_owned(),
                    reason_pl: pl,
                    reason_en: en,
                }
            })
            .collect(),
    ))
}
