//! Shipping the outbox: batches go out in `seq` order and leave the outbox only when acknowledged.
//!
//! Transient failures are retried with exponential backoff and jitter (backon), honouring the
//! cloud's `Retry-After`; anything else stops shipping with the error, and the outbox keeps every
//! batch for the next cycle. [`seq_decision`] is the pure rule that tells, from the cloud's
//! `next_seq`, whether the two sides still agree on history or the agent must reconcile.

use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use inkaso_shared::protocol::ApiError;

use crate::cloud::{CloudApi, CloudError};
use crate::state::{State, StateError};

/// How hard to retry a transient failure before giving up until the next cycle.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// First wait.
    pub min_delay: Duration,
    /// Longest wait between two attempts.
    pub max_delay: Duration,
    /// Attempts after the first.
    pub max_retries: usize,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            min_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(60),
            max_retries: 8,
        }
    }
}

impl RetryPolicy {
    fn backoff(&self) -> ExponentialBuilder {
        ExponentialBuilder::default()
            .with_min_delay(self.min_delay)
            .with_max_delay(self.max_delay)
            .with_max_times(self.max_retries)
            .with_jitter()
    }
}

/// Runs `op` with the policy's retries for transient cloud errors.
pub async fn with_retries<T, F, Fut>(policy: &RetryPolicy, mut op: F) -> Result<T, CloudError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, CloudError>>,
{
    (|| op())
        .retry(policy.backoff())
        .when(CloudError::is_transient)
        // The cloud's Retry-After wins over a shorter backoff; `None` (attempts exhausted) stays.
        .adjust(|err, next| next.map(|d| err.retry_after().map_or(d, |ra| ra.max(d))))
        .notify(
            |err, wait| tracing::warn!(error = %err, ?wait, "chmura niedostępna, ponowię próbę"),
        )
        .await
}

/// What the cloud's `next_seq` means for this agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeqDecision {
    /// The two sides agree: ship the outbox as it is.
    Continue,
    /// They diverged (the agent's state is new, older than the cloud's, or the cloud lost
    /// batches): forget the outbox and snapshot, number from `next_seq`, reconcile fully.
    Reset {
        /// Where to continue numbering.
        next_seq: u64,
    },
}

/// Decides from the cloud's `next_seq`, the agent's oldest unacknowledged batch and its own
/// `next_seq` whether history still agrees (docs/protocol.md, "Ordering and exactly-once").
pub fn seq_decision(
    cloud_next: u64,
    oldest_unacked: Option<u64>,
    agent_next: u64,
    fresh_state: bool,
) -> SeqDecision {
    let reset = SeqDecision::Reset {
        next_seq: cloud_next,
    };
    if fresh_state {
        return reset;
    }
    // The cloud holds batches this agent never wrote (its state is older than the cloud's).
    if cloud_next > agent_next {
        return reset;
    }
    match oldest_unacked {
        // Batches before the oldest waiting one were acknowledged, so the cloud must have them.
        Some(oldest) if cloud_next < oldest => reset,
        None if cloud_next < agent_next => reset,
        _ => SeqDecision::Continue,
    }
}

/// Why shipping stopped.
#[derive(Debug, thiserror::Error)]
pub enum ShipError {
    /// The local state failed.
    #[error(transparent)]
    State(#[from] StateError),
    /// The cloud refused or stayed unreachable after the retries.
    #[error(transparent)]
    Cloud(#[from] CloudError),
    /// The cloud expects an older `seq` than any batch the agent still has: reconcile.
    #[error(
        "chmura oczekuje partii nr {expected}, a najstarsza oczekująca to {oldest}: potrzebna pełna synchronizacja"
    )]
    Diverged {
        /// What the cloud expects.
        expected: u64,
        /// The agent's oldest waiting batch.
        oldest: u64,
    },
}

impl ShipError {
    /// The cloud's error, when it refused something.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            ShipError::Cloud(CloudError::Permanent(e)) => Some(e),
            _ => None,
        }
    }
}

/// What a shipping run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ShipStats {
    /// Batches acknowledged.
    pub batches: u64,
    /// Ops in them.
    pub ops: u64,
    /// Compressed bytes sent (once per acknowledged batch).
    pub bytes: u64,
    /// Batches the cloud had already applied (lost acknowledgements).
    pub replays: u64,
    /// Records the cloud refused as invalid, taken out of their batches and quarantined.
    pub refused: u64,
}

/// The op a 422 `invalid_record` names (`field = "ops[3]"` or `"ops[3].debtor.name"`).
fn refused_op(e: &ApiError) -> Option<usize> {
    if e.code != inkaso_shared::protocol::ErrorCode::InvalidRecord {
        return None;
    }
    let rest = e.field.as_deref()?.strip_prefix("ops[")?;
    rest.split_once(']')?.0.parse().ok()
}

/// Sends every waiting batch in `seq` order until the outbox is empty. A record the cloud
/// refuses as invalid (422 naming the op) does not stop the agent: it is taken out of its batch
/// and quarantined in run `run_id` ([`State::refuse_op`]), and the rest is sent again.
pub async fn ship<C: CloudApi>(
    state: &State,
    cloud: &C,
    policy: &RetryPolicy,
    run_id: i64,
    mut on_batch: impl FnMut(&ShipStats),
) -> Result<ShipStats, ShipError> {
    let mut shipped = ShipStats::default();
    loop {
        let batches = state.outbox(16).await?;
        if batches.is_empty() {
            return Ok(shipped);
        }
        'batches: for batch in batches {
            let sent = with_retries(policy, || cloud.send_batch(batch.body.clone())).await;
            match sent {
                Err(CloudError::Permanent(e)) => {
                    let Some(index) = refused_op(&e) else {
                        return Err(CloudError::Permanent(e).into());
                    };
                    let id = state
                        .refuse_op(batch.seq, index, run_id, &e.message_pl)
                        .await?;
                    tracing::warn!(seq = batch.seq, index, record = %id, reason = %e.message_pl,
                        "chmura odrzuciła rekord: poddany kwarantannie, reszta partii idzie dalej");
                    shipped.refused += 1;
                    // The outbox changed: read it again from the (same) first batch.
                    break 'batches;
                }
                Ok(ack) if ack.seq == batch.seq => {
                    state.ack(batch.seq).await?;
                    shipped.batches += 1;
                    shipped.ops += batch.op_count;
                    shipped.bytes += batch.body.len() as u64;
                    if !ack.applied {
                        shipped.replays += 1;
                    }
                    on_batch(&shipped);
                }
                Ok(ack) => {
                    return Err(ShipError::Cloud(CloudError::Permanent(ApiError::new(
                        inkaso_shared::protocol::ErrorCode::InvalidBody,
                        format!(
                            "chmura potwierdziła partię {} zamiast {}",
                            ack.seq, batch.seq
                        ),
                        format!(
                            "the cloud acknowledged batch {} instead of {}",
                            ack.seq, batch.seq
                        ),
                    ))));
                }
                // The cloud is ahead: it applied this batch before (only possible if an ack
                // was lost in a way the replay rule did not catch): it is safe to drop.
                Err(CloudError::SeqGap { expected }) if expected > batch.seq => {
                    state.ack(batch.seq).await?;
                    shipped.replays += 1;
                }
                Err(CloudError::SeqGap { expected }) => {
                    return Err(ShipError::Diverged {
                        expected,
                        oldest: batch.seq,
                    });
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seq_decisions() {
        // Normal: nothing waiting, the cloud expects what we would send next.
        assert_eq!(seq_decision(5, None, 5, false), SeqDecision::Continue);
        // Batches 5..7 waiting; the cloud got up to 4, or already 5 and 6 (lost acks).
        assert_eq!(seq_decision(5, Some(5), 8, false), SeqDecision::Continue);
        assert_eq!(seq_decision(7, Some(5), 8, false), SeqDecision::Continue);
        // A new state file: learn the number, reconcile.
        assert_eq!(
            seq_decision(40, None, 1, true),
            SeqDecision::Reset { next_seq: 40 }
        );
        // The agent's state is older than the cloud's (restored from a backup).
        assert_eq!(
            seq_decision(40, None, 30, false),
            SeqDecision::Reset { next_seq: 40 }
        );
        // The cloud lost acknowledged batches (restored from a backup).
        assert_eq!(
            seq_decision(3, Some(5), 8, false),
            SeqDecision::Reset { next_seq: 3 }
        );
        assert_eq!(
            seq_decision(3, None, 8, false),
            SeqDecision::Reset { next_seq: 3 }
        );
    }

    #[tokio::test(start_paused = true)]
    async fn retries_transient_then_succeeds_and_honours_retry_after() {
        let policy = RetryPolicy {
            min_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(20),
            max_retries: 5,
        };
        let mut calls = 0;
        let started = tokio::time::Instant::now();
        let out = with_retries(&policy, || {
            calls += 1;
            let n = calls;
            async move {
                if n < 3 {
                    Err(CloudError::Transient {
                        message: "down".into(),
                        retry_after: Some(Duration::from_secs(2)),
                    })
                } else {
                    Ok(n)
                }
            }
        })
        .await;
        assert_eq!(out.unwrap(), 3);
        assert!(
            started.elapsed() >= Duration::from_secs(4),
            "waited {:?}",
            started.elapsed()
        );
    }

    #[tokio::test(start_paused = true)]
    async fn permanent_errors_are_not_retried() {
        let policy = RetryPolicy::default();
        let mut calls = 0;
        let out: Result<(), _> = with_retries(&policy, || {
            calls += 1;
            async {
                Err(CloudError::Permanent(ApiError::new(
                    inkaso_shared::protocol::ErrorCode::TokenRevoked,
                    "x",
                    "y",
                )))
            }
        })
        .await;
        assert!(out.is_err());
        assert_eq!(calls, 1);
    }
}
