//! The agent API (`/agent/v1`, docs/protocol.md): batches, the results feed, config, heartbeat.
//!
//! Bodies may be gzip-compressed (`Content-Encoding: gzip`); the limit
//! [`MAX_BODY_BYTES`] applies to the compressed and to the decompressed size, so a small
//! "zip bomb" cannot exhaust memory.

use std::io::Read as _;
use std::time::Instant;

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use inkaso_shared::protocol::{
    AgentConfig, Batch, ErrorCode, Heartbeat, HeartbeatAck, MAX_BODY_BYTES, MAX_OPS_PER_BATCH,
    PROTOCOL_VERSION, ResultsPage,
};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::client::ErrorBody;
use super::{AgentAuth, AppState, Failure, Q};
use crate::i18n::Bilingual;
use crate::services::ServiceError;
use crate::services::accounts::SyncIntervals;
use crate::services::model::{AuthFailure, BatchOutcome};

/// The agent API's routes, with their OpenAPI description (the bodies are the sync protocol's
/// types of `inkaso-shared`, described field by field in docs/protocol.md).
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(post_batch))
        .routes(routes!(get_results))
        .routes(routes!(get_config))
        .routes(routes!(post_heartbeat))
}

fn too_large() -> Failure {
    Failure::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::PayloadTooLarge,
        "err-agent-body-too-large",
        &[("max", MAX_BODY_BYTES.into())],
    )
}

/// Reads a body within the limit, decompressing gzip.
pub async fn read_body(headers: &HeaderMap, body: Body) -> Result<Bytes, Failure> {
    let raw = axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| too_large())?;
    let encoding = headers
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_ascii_lowercase());
    match encoding.as_deref() {
        None | Some("identity") => Ok(raw),
        Some("gzip") => {
            let mut out = Vec::with_capacity(raw.len() * 4);
            let limit = u64::try_from(MAX_BODY_BYTES).unwrap_or(u64::MAX) + 1;
            flate2::read::GzDecoder::new(raw.as_ref())
                .take(limit)
                .read_to_end(&mut out)
                .map_err(|e| {
                    Failure::invalid_body(None, "err-agent-gzip", &[("reason", (&e).into())])
                })?;
            if out.len() > MAX_BODY_BYTES {
                return Err(too_large());
            }
            Ok(Bytes::from(out))
        }
        Some(other) => Err(Failure::invalid_body(
            None,
            "err-agent-encoding",
            &[("encoding", other.into())],
        )),
    }
}

/// Parses JSON with an error that quotes serde (which names the field and position).
pub fn parse_json<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, Failure> {
    serde_json::from_slice(bytes)
        .map_err(|e| Failure::invalid_body(None, "err-agent-json", &[("reason", (&e).into())]))
}

/// Parses a batch; a record that breaks a domain rule (not a shape error) is `invalid_record`
/// (422) naming the op, as the protocol asks.
fn parse_batch(bytes: &[u8]) -> Result<Batch, Failure> {
    // serde's own messages (shape errors) are English and start with these words; anything else
    // comes from the records' validation (Polish, naming the field).
    const SHAPE: [&str; 10] = [
        "unknown field",
        "unknown variant",
        "missing field",
        "invalid type",
        "invalid value",
        "invalid length",
        "expected",
        "EOF",
        "trailing",
        "duplicate field",
    ];
    let err = match serde_json::from_slice::<Batch>(bytes) {
        Ok(b) => return Ok(b),
        Err(e) => e,
    };
    // Find the op that fails, to name it.
    let failing = serde_json::from_slice::<serde_json::Value>(bytes)
        .ok()
        .and_then(|v| {
            v.get("ops")?
                .as_array()?
                .iter()
                .enumerate()
                .find_map(|(i, op)| {
                    serde_json::from_value::<inkaso_shared::protocol::Op>(op.clone())
                        .err()
                        .map(|e| (i, e.to_string()))
                })
        });
    match failing {
        Some((i, msg)) if !SHAPE.iter().any(|p| msg.starts_with(p)) => Err(Failure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::InvalidRecord,
            "err-agent-record",
            &[("index", (&i).into()), ("reason", msg.into())],
        )
        .with_field(format!("ops[{i}]"))),
        Some((i, msg)) => Err(Failure::invalid_body(
            Some(format!("ops[{i}]")),
            "err-agent-op",
            &[("index", (&i).into()), ("reason", msg.into())],
        )),
        None => Err(Failure::invalid_body(
            None,
            "err-agent-json",
            &[("reason", (&err).into())],
        )),
    }
}

fn check_protocol(protocol: u32) -> Result<(), Failure> {
    if protocol == PROTOCOL_VERSION {
        Ok(())
    } else {
        // Which side to update, said plainly: an office worker reads this in the agent's log.
        let id = if protocol < PROTOCOL_VERSION {
            "err-agent-protocol-old"
        } else {
            "err-agent-protocol-new"
        };
        Err(Failure::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::UnsupportedProtocol,
            id,
            &[
                ("version", (&protocol).into()),
                ("server", (&PROTOCOL_VERSION).into()),
            ],
        ))
    }
}

/// Applies one batch of the agent's changes, exactly once and in order (`seq`); a replay is
/// acknowledged without effect, a gap answers 409 with `expected_seq`. Body: `{"protocol": 1,
/// "seq", "ops": [...]}` (docs/protocol.md), JSON, optionally gzip.
#[utoipa::path(post, path = "/agent/v1/batches", tag = "agent",
    request_body(content = Object, description = "A batch (docs/protocol.md)"),
    responses((status = 200, description = "Applied or replayed: `{seq, applied, next_seq}`", body = Object),
        (status = 409, description = "A gap: `error.expected_seq` says which seq comes next", body = ErrorBody),
        (status = 422, description = "A record breaks a rule; `field` names the op", body = ErrorBody)))]
async fn post_batch(
    State(state): State<AppState>,
    AgentAuth(agent): AgentAuth,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<inkaso_shared::protocol::BatchAck>, Failure> {
    let started = Instant::now();
    let bytes = read_body(&headers, body).await?;
    let batch: Batch = parse_batch(&bytes)?;
    check_protocol(batch.protocol)?;
    if batch.ops.len() > MAX_OPS_PER_BATCH {
        return Err(Failure::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::PayloadTooLarge,
            "err-agent-batch-too-large",
            &[
                ("count", batch.ops.len().into()),
                ("max", MAX_OPS_PER_BATCH.into()),
            ],
        ));
    }
    let outcome = state.app.apply_batch(&agent, &batch).await;
    let label = match &outcome {
        Ok(BatchOutcome::Applied(..)) => "applied",
        Ok(BatchOutcome::Replay(_)) => "replay",
        Ok(BatchOutcome::Gap { .. }) => "gap",
        Ok(BatchOutcome::Revoked) => "revoked",
        Err(ServiceError::Invalid(_)) => "invalid",
        Err(_) => "error",
    };
    metrics::counter!("inkaso_batches_total", "outcome" => label).increment(1);
    metrics::histogram!("inkaso_batch_seconds").record(started.elapsed().as_secs_f64());
    match outcome {
        Ok(BatchOutcome::Applied(ack, written)) => {
            metrics::counter!("inkaso_ops_total").increment(batch.ops.len() as u64);
            metrics::counter!("inkaso_rows_written_total").increment(written.data_rows_written());
            tracing::info!(tenant = %agent.tenant, agent = %agent.agent, seq = ack.seq, ops = batch.ops.len(),
                rows = written.data_rows_written(), unchanged = written.unchanged, "batch applied");
            Ok(Json(ack))
        }
        Ok(BatchOutcome::Replay(ack)) => Ok(Json(ack)),
        Ok(BatchOutcome::Gap { expected }) => Err(Failure::new(
            StatusCode::CONFLICT,
            ErrorCode::SeqGap,
            "err-agent-seq-gap",
            &[
                ("expected", (&expected).into()),
                ("got", (&batch.seq).into()),
            ],
        )
        .with_expected_seq(expected)),
        Ok(BatchOutcome::Revoked) => Err(super::unauthorized(AuthFailure::Revoked)),
        Err(ServiceError::Invalid(i)) => Err(Failure::bilingual(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::InvalidRecord,
            Bilingual {
                pl: i.message_pl,
                en: i.message_en,
            },
        )
        .with_field(i.field)),
        Err(e) => Err(e.into()),
    }
}

/// Which results to read.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ResultsQuery {
    /// The cursor of the last item read.
    after: Option<String>,
    /// Items per page (at most 1000).
    #[param(value_type = Option<u64>)]
    limit: Option<u32>,
}

/// The results feed of this agent (actions, payments-to-book, sales blocks, case changes), after
/// the cursor; docs/protocol.md.
#[utoipa::path(get, path = "/agent/v1/results", tag = "agent", params(ResultsQuery),
    responses((status = 200, description = "`{items, next_cursor}`", body = Object)))]
async fn get_results(
    State(state): State<AppState>,
    AgentAuth(agent): AgentAuth,
    Q(q): Q<ResultsQuery>,
) -> Result<Json<ResultsPage>, Failure> {
    let page = state
        .app
        .results_page(&agent, q.after.as_deref(), q.limit.unwrap_or(100))
        .await?;
    Ok(Json(page))
}

/// The agent's configuration from the cloud: exclusions, intervals, the next `seq`.
#[utoipa::path(get, path = "/agent/v1/config", tag = "agent",
    responses((status = 200, description = "The configuration (docs/protocol.md)", body = Object)))]
async fn get_config(
    State(state): State<AppState>,
    AgentAuth(agent): AgentAuth,
) -> Result<Json<AgentConfig>, Failure> {
    let intervals = SyncIntervals {
        sync_minutes: state.settings.sync_interval_minutes,
        reconcile_hours: state.settings.full_reconcile_hours,
    };
    Ok(Json(state.app.agent_config(&agent, intervals).await?))
}

/// The agent's heartbeat: version, profile, queue depth, last error.
#[utoipa::path(post, path = "/agent/v1/heartbeat", tag = "agent",
    request_body(content = Object, description = "A heartbeat (docs/protocol.md)"),
    responses((status = 200, description = "`{server_time, tenant, agent}`", body = Object)))]
async fn post_heartbeat(
    State(state): State<AppState>,
    AgentAuth(agent): AgentAuth,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<HeartbeatAck>, Failure> {
    let bytes = read_body(&headers, body).await?;
    let hb: Heartbeat = parse_json(&bytes)?;
    check_protocol(hb.protocol)?;
    let now = state.app.record_heartbeat(&agent, &hb).await?;
    Ok(Json(HeartbeatAck {
        server_time: now,
        tenant: agent.tenant_name,
        agent: agent.agent_name,
    }))
}
