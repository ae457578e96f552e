//! The installation's own secrets and the login throttle, shared by every replica through the
//! database (`service_secrets`, `login_throttle`), and the gate that keeps password hashing
//! off the async workers.
//!
//! Why in the store rather than in memory: replicas behind one load balancer must agree on how
//! often an address or an account has failed, or an attacker simply spreads guesses over them;
//! and every replica must hand SMSAPI the same callback secret. A failure is counted by one
//! upsert, so replicas racing lose no count.

use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{DateTime, Duration, Utc};
use sqlx::Row as _;
use tokio::sync::Semaphore;

use super::accounts::{same_digest, sha256_hex};
use super::{Store, StoreError, parse_ts, random_bytes, ts};

/// The name of the SMSAPI delivery-report secret in `service_secrets`.
pub const SMSAPI_CALLBACK_SECRET: &str = "smsapi_callback";

/// Whether `given` is `expected`, in time that does not depend on where they differ (both are
/// hashed first, so not even the length leaks).
pub fn same_secret(given: &str, expected: &str) -> bool {
    !expected.is_empty() && same_digest(&sha256_hex(given), &sha256_hex(expected))
}

/// Whom a login attempt is counted against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThrottleKind {
    /// The client's address: stops one machine guessing across many accounts.
    Address,
    /// One account (`<tenant>/<e-mail>`): stops many machines guessing one password.
    Account,
}

impl ThrottleKind {
    fn code(self) -> &'static str {
        match self {
            ThrottleKind::Address => "address",
            ThrottleKind::Account => "account",
        }
    }
}

/// When failures lock a subject out, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicy {
    /// Failures are counted within this window from the first one.
    pub window: Duration,
    /// Failures allowed per account in a window before a lock.
    pub account_failures: i64,
    /// Failures allowed per address in a window before a lock (an office behind one NAT shares
    /// an address, so it is looser than the account's).
    pub address_failures: i64,
    /// The first lock; it doubles with every further failure.
    pub first_lock: Duration,
    /// The longest lock.
    pub max_lock: Duration,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        ThrottlePolicy {
            window: Duration::minutes(15),
            account_failures: 5,
            address_failures: 20,
            first_lock: Duration::seconds(30),
            max_lock: Duration::minutes(15),
        }
    }
}

impl ThrottlePolicy {
    /// How long `failures` failures (in one window) lock a subject of `kind`: none below the
    /// limit, then the first lock doubling per failure over it, capped.
    pub fn lock_for(&self, kind: ThrottleKind, failures: i64) -> Option<Duration> {
        let limit = match kind {
            ThrottleKind::Address => self.address_failures,
            ThrottleKind::Account => self.account_failures,
        };
        let over = failures.checked_sub(limit)?;
        if over < 0 {
            return None;
        }
        let factor = 1_i32
            .checked_shl(u32::try_from(over.min(20)).unwrap_or(20))
            .unwrap_or(i32::MAX);
        Some(
            self.first_lock
                .checked_mul(factor)
                .map_or(self.max_lock, |d| d.min(self.max_lock)),
        )
    }
}

/// Keeps argon2 (tens of milliseconds of one core each) off the async workers and bounds how
/// many run at once: a burst of logins then waits in a short queue, or is told to come back,
/// while every other request keeps its share of the cores.
#[derive(Debug)]
pub struct PasswordGate {
    permits: Semaphore,
    waiting: AtomicUsize,
    max_waiting: usize,
}

/// The gate was full: too many password checks at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("zbyt wiele logowań naraz")]
pub struct GateBusy;

impl PasswordGate {
    /// A gate running `parallel` checks at once with at most `max_waiting` queued.
    pub fn new(parallel: usize, max_waiting: usize) -> Self {
        PasswordGate {
            permits: Semaphore::new(parallel.max(1)),
            waiting: AtomicUsize::new(0),
            max_waiting,
        }
    }

    /// The store's gate: half the cores (at least one) hash passwords, 64 more may wait.
    pub fn for_this_machine() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        PasswordGate::new(cores / 2, 64)
    }

    /// Runs `check` on a blocking thread when a permit is free.
    pub async fn run<T: Send + 'static>(
        &self,
        check: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, GateBusy> {
        if self.waiting.fetch_add(1, Ordering::AcqRel) >= self.max_waiting {
            self.waiting.fetch_sub(1, Ordering::AcqRel);
            return Err(GateBusy);
        }
        let permit = self.permits.acquire().await;
        self.waiting.fetch_sub(1, Ordering::AcqRel);
        let _permit = permit.map_err(|_| GateBusy)?;
        tokio::task::spawn_blocking(check)
            .await
            .map_err(|_| GateBusy)
    }
}

impl Store {
    /// The installation's secret `name`, made (32 random bytes, hex) by the first caller.
    pub async fn service_secret(
        &self,
        name: &str,
        now: DateTime<Utc>,
    ) -> Result<String, StoreError> {
        sqlx::query(
            "INSERT INTO service_secrets (name, value, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(hex::encode(random_bytes::<32>()))
        .bind(ts(now))
        .execute(self.pool())
        .await?;
        let row = sqlx::query("SELECT value FROM service_secrets WHERE name = $1")
            .bind(name)
            .fetch_one(self.pool())
            .await?;
        Ok(row.try_get(0)?)
    }

    /// Until when the latest of `subjects` is locked out, if any is at `now`.
    pub async fn login_locked_until(
        &self,
        subjects: &[(ThrottleKind, &str)],
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        let mut until: Option<DateTime<Utc>> = None;
        for (kind, subject) in subjects {
            let row = sqlx::query(
                "SELECT locked_until FROM login_throttle WHERE kind = $1 AND subject = $2",
            )
            .bind(kind.code())
            .bind(*subject)
            .fetch_optional(self.pool())
            .await?;
            if let Some(t) = row.and_then(|r| r.try_get::<Option<String>, _>(0).ok().flatten()) {
                let t = parse_ts(&t)?;
                if t > now && until.is_none_or(|u| t > u) {
                    until = Some(t);
                }
            }
        }
        Ok(until)
    }

    /// Counts a failed login against `subject`; returns until when it is now locked, if it is.
    /// The count is one upsert (write first: no lost counts between replicas, and SQLite's
    /// single writer lock is taken before anything is read).
    pub async fn login_failed(
        &self,
        kind: ThrottleKind,
        subject: &str,
        policy: &ThrottlePolicy,
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        let mut tx = self.begin_write().await?;
        let failures: i64 = sqlx::query(
            "INSERT INTO login_throttle (kind, subject, failures, window_start, locked_until) \
             VALUES ($1, $2, 1, $3, NULL) ON CONFLICT (kind, subject) DO UPDATE SET \
             failures = CASE WHEN login_throttle.window_start < $4 THEN 1 \
                             ELSE login_throttle.failures + 1 END, \
             window_start = CASE WHEN login_throttle.window_start < $4 THEN excluded.window_start \
                                 ELSE login_throttle.window_start END \
             RETURNING failures",
        )
        .bind(kind.code())
        .bind(subject)
        .bind(ts(now))
        .bind(ts(now - policy.window))
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        let locked = policy.lock_for(kind, failures).map(|d| now + d);
        if let Some(until) = locked {
            sqlx::query(
                "UPDATE login_throttle SET locked_until = $3 WHERE kind = $1 AND subject = $2",
            )
            .bind(kind.code())
            .bind(subject)
            .bind(ts(until))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(locked)
    }

    /// Forgets an account's failures after a successful login (its address's stay counted).
    pub async fn login_succeeded(&self, account: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM login_throttle WHERE kind = 'account' AND subject = $1")
            .bind(account)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_start_at_the_limit_and_double_to_the_cap() {
        let p = ThrottlePolicy::default();
        assert_eq!(p.lock_for(ThrottleKind::Account, 4), None);
        assert_eq!(
            p.lock_for(ThrottleKind::Account, 5),
            Some(Duration::seconds(30))
        );
        assert_eq!(
            p.lock_for(ThrottleKind::Account, 6),
            Some(Duration::seconds(60))
        );
        assert_eq!(
            p.lock_for(ThrottleKind::Account, 100),
            Some(Duration::minutes(15))
        );
        assert_eq!(p.lock_for(ThrottleKind::Address, 19), None);
        assert_eq!(
            p.lock_for(ThrottleKind::Address, 20),
            Some(Duration::seconds(30))
        );
        assert_eq!(
            p.lock_for(ThrottleKind::Address, i64::MAX),
            Some(Duration::minutes(15))
        );
    }

    #[tokio::test]
    async fn a_full_gate_refuses_at_once() {
        let gate = std::sync::Arc::new(PasswordGate::new(1, 1));
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let g = std::sync::Arc::clone(&gate);
        // One check runs (blocked on rx), one waits; the third is refused.
        let running = tokio::spawn(async move { g.run(move || rx.recv().is_ok()).await });
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        let g = std::sync::Arc::clone(&gate);
        let waiting = tokio::spawn(async move { g.run(|| true).await });
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        assert_eq!(gate.run(|| true).await, Err(GateBusy));
        tx.send(()).expect("the first check is waiting");
        assert_eq!(running.await.expect("joins"), Ok(true));
        assert_eq!(waiting.await.expect("joins"), Ok(true));
    }
}
