//! Notifications made by hand (`crate::services::notifications`): written with their snapshot,
//! marked sent, failed or recorded, deleted only while unsent (the condition is in the
//! statement, so a notification sent meanwhile by another replica is never deleted), read per
//! debtor and as the firm's register with its filters.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;

use super::{Store, StoreError, TenantScope, day, new_id, parse_day, parse_ts, ts};
use crate::domain::notifications::{DocumentThen, NotificationKind, Snapshot};

/// A notification as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationRow {
    /// Its id.
    pub id: String,
    /// The debtor's id.
    pub debtor_id: String,
    /// The debtor's name.
    pub debtor_name: String,
    /// SMS, external SMS or call.
    pub kind: NotificationKind,
    /// `unsent` | `sent` | `failed` | `recorded`.
    pub status: String,
    /// The text.
    pub text: String,
    /// The note.
    pub note: Option<String>,
    /// The promised payment day.
    pub promise_date: Option<NaiveDate>,
    /// What was owed at creation.
    pub snapshot: Snapshot,
    /// Who made it (an e-mail or a token's name).
    pub author: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Sent or recorded at.
    pub sent_at: Option<DateTime<Utc>>,
    /// The number an SMS went to.
    pub to_number: Option<String>,
    /// SMSAPI's id.
    pub provider_id: Option<String>,
    /// Why sending failed.
    pub failure: Option<String>,
    /// SMSAPI's final status of a sent SMS (`DELIVERED`, `UNDELIVERED`, …), once known.
    pub delivery_status: Option<String>,
}

/// How long a claim for sending holds: a notification still "sending" after it was lost with
/// its replica (a crash between the claim and the provider's answer) and may be sent again —
/// under the same key, which SMSAPI refuses a second time, so nobody gets it twice.
pub const SENDING_LEASE: chrono::TimeDelta = chrono::TimeDelta::minutes(10);

/// A notification to write.
#[derive(Debug, Clone)]
pub struct NewNotification<'a> {
    /// The debtor's id.
    pub debtor_id: &'a str,
    /// Its kind.
    pub kind: NotificationKind,
    /// `unsent` for an SMS to send, `recorded` for what happened elsewhere.
    pub status: &'a str,
    /// The text.
    pub text: &'a str,
    /// The note.
    pub note: Option<&'a str>,
    /// The promised payment day.
    pub promise_date: Option<NaiveDate>,
    /// What was owed.
    pub snapshot: &'a Snapshot,
    /// Who.
    pub author: &'a str,
    /// The SMS's number.
    pub to_number: Option<&'a str>,
}

/// A process's message as the register lists it beside those made by hand: an engine's SMS,
/// e-mail, letter or voice message that went (or failed for good), with what its documents
/// still owed when it went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AutomaticNotice {
    /// The action's id.
    pub action_id: String,
    /// The debtor's id.
    pub debtor_id: String,
    /// Its name.
    pub debtor_name: String,
    /// `sms`, `email`, `letter`, `registered_letter` or `voice`.
    pub channel: String,
    /// `sent` | `failed`.
    pub status: String,
    /// What went, in words (or why it failed).
    pub description: Option<String>,
    /// The process.
    pub process: String,
    /// Its stage.
    pub stage: String,
    /// Sent on demand from the debtor's page rather than by the schedule.
    pub on_demand: bool,
    /// When it went (or failed).
    pub at: DateTime<Utc>,
    /// SMSAPI's final status of an SMS or voice message, once known.
    pub delivery_status: Option<String>,
    /// The provider's id (SMSAPI's for an SMS or voice message).
    pub provider_id: Option<String>,
}

/// The channels whose messages reach the debtor (the register's automatic notices).
const NOTICE_CHANNELS: &str = "'sms', 'email', 'letter', 'registered_letter', 'voice'";

/// A batch to create.
#[derive(Debug, Clone, Copy)]
pub struct NewBatch<'a> {
    /// The confirming form's id: the same id creates nothing again.
    pub request_id: &'a str,
    /// The template's code.
    pub template: &'a str,
    /// The filter, as JSON.
    pub filter_json: &'a str,
    /// Who confirmed it.
    pub author: &'a str,
}

/// A mass notification's batch, with its progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchView {
    /// Its id.
    pub id: String,
    /// The template it used.
    pub template: String,
    /// Who confirmed it.
    pub author: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Its notifications (those made with it, and unsent ones of the register sent with it).
    pub total: i64,
    /// `created` | `sending` | `aborted` | `done`.
    pub state: String,
    /// An abort was asked and not yet taken up.
    pub abort_requested: bool,
    /// Still unsent (or failed: may be sent again).
    pub unsent: i64,
    /// Sent.
    pub sent: i64,
    /// Failed at their last attempt.
    pub failed: i64,
    /// Its sender's last sign of life (or its last change).
    pub updated_at: DateTime<Utc>,
}

impl BatchView {
    /// Whether it says "sending" but its sender was lost (a crash, a restart): it may be resumed.
    pub fn stalled(&self, now: DateTime<Utc>) -> bool {
        self.state == "sending" && self.updated_at < now - SENDING_LEASE
    }
}

/// The register's filters.
#[derive(Debug, Clone, Default)]
pub struct NotificationFilter {
    /// Only this kind.
    pub kind: Option<NotificationKind>,
    /// Only this status (`unsent`, `sent`, `failed`, `recorded`), or `delivered` /
    /// `undelivered`: sent, with SMSAPI's report.
    pub status: Option<String>,
    /// Only this debtor.
    pub debtor_id: Option<String>,
    /// Only this author.
    pub author: Option<String>,
    /// Made on or after this day (UTC day of `created_at`).
    pub from: Option<NaiveDate>,
    /// Made on or before this day.
    pub to: Option<NaiveDate>,
    /// At most this many, newest first.
    pub limit: u32,
}

const COLS: &str = "n.notification_id, n.debtor_id, d.name, n.kind, n.status, n.text, n.note, \
    n.promise_date, n.snapshot_json, n.author, n.created_at, n.sent_at, n.to_number, \
    n.provider_id, n.failure, n.delivery_status";

/// Inserts the batch of `batch.request_id` in the caller's transaction unless it exists: its
/// id, and whether it was made now (a double click or a retry finds the first one).
async fn insert_batch(
    conn: &mut sqlx::AnyConnection,
    tenant: &TenantScope,
    batch: &NewBatch<'_>,
    total: usize,
    now: DateTime<Utc>,
) -> Result<(String, bool), StoreError> {
    let id = new_id();
    let made = sqlx::query(
        "INSERT INTO notification_batches (tenant_id, batch_id, request_id, template, filter_json, \
             author, created_at, total, state, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'created', $7) \
         ON CONFLICT (tenant_id, request_id) DO NOTHING",
    )
    .bind(tenant.as_str())
    .bind(&id)
    .bind(batch.request_id)
    .bind(batch.template)
    .bind(batch.filter_json)
    .bind(batch.author)
    .bind(ts(now))
    .bind(i64::try_from(total).unwrap_or(i64::MAX))
    .execute(&mut *conn)
    .await?;
    if made.rows_affected() == 1 {
        return Ok((id, true));
    }
    let existing: String = sqlx::query(
        "SELECT batch_id FROM notification_batches WHERE tenant_id = $1 AND request_id = $2",
    )
    .bind(tenant.as_str())
    .bind(batch.request_id)
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?;
    Ok((existing, false))
}

/// A day's first instant (UTC), as stored.
fn day_start(d: NaiveDate) -> String {
    ts(d.and_time(chrono::NaiveTime::MIN).and_utc())
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

fn row(r: &sqlx::any::AnyRow) -> Result<NotificationRow, StoreError> {
    let kind: String = r.try_get(3)?;
    Ok(NotificationRow {
        id: r.try_get(0)?,
        debtor_id: r.try_get(1)?,
        debtor_name: r.try_get::<Option<String>, _>(2)?.unwrap_or_default(),
        kind: NotificationKind::parse(&kind)
            .ok_or_else(|| corrupt("powiadomienie", format!("rodzaj {kind}")))?,
        status: r.try_get(4)?,
        text: r.try_get(5)?,
        note: r.try_get(6)?,
        promise_date: r
            .try_get::<Option<String>, _>(7)?
            .map(|d| parse_day(&d))
            .transpose()?,
        snapshot: serde_json::from_str(&r.try_get::<String, _>(8)?)
            .map_err(|e| corrupt("powiadomienie", e))?,
        author: r.try_get(9)?,
        created_at: parse_ts(&r.try_get::<String, _>(10)?)?,
        sent_at: r
            .try_get::<Option<String>, _>(11)?
            .map(|t| parse_ts(&t))
            .transpose()?,
        to_number: r.try_get(12)?,
        provider_id: r.try_get(13)?,
        failure: r.try_get(14)?,
        delivery_status: r.try_get(15)?,
    })
}

impl Store {
    /// Writes a notification; returns its id. A recorded one is sent (`sent_at`) at once.
    pub async fn insert_notification(
        &self,
        tenant: &TenantScope,
        n: &NewNotification<'_>,
        now: DateTime<Utc>,
    ) -> Result<String, StoreError> {
        let id = new_id();
        let snapshot = serde_json::to_string(n.snapshot).map_err(|e| corrupt("migawka", e))?;
        let sent_at = (n.status == "recorded").then(|| ts(now));
        sqlx::query(
            "INSERT INTO notifications (tenant_id, notification_id, debtor_id, kind, status, text, note, \
                 promise_date, snapshot_json, author, created_at, sent_at, to_number) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(tenant.as_str())
        .bind(&id)
        .bind(n.debtor_id)
        .bind(n.kind.code())
        .bind(n.status)
        .bind(n.text)
        .bind(n.note)
        .bind(n.promise_date.map(day))
        .bind(snapshot)
        .bind(n.author)
        .bind(ts(now))
        .bind(sent_at)
        .bind(n.to_number)
        .execute(self.pool())
        .await?;
        Ok(id)
    }

    /// One notification.
    pub async fn notification(
        &self,
        tenant: &TenantScope,
        id: &str,
    ) -> Result<NotificationRow, StoreError> {
        let r = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLS} FROM notifications n \
             LEFT JOIN debtors d ON d.tenant_id = n.tenant_id AND d.debtor_id = n.debtor_id \
             WHERE n.tenant_id = $1 AND n.notification_id = $2"
        )))
        .bind(tenant.as_str())
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(|| StoreError::not_found("err-what-notification", &[("id", id.into())]))?;
        row(&r)
    }

    /// Claims an unsent (or failed) SMS for sending, or one whose claim was lost more than
    /// [`SENDING_LEASE`] ago: `false` when it is sent, or being sent by another request.
    pub async fn claim_notification(
        &self,
        tenant: &TenantScope,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let r = sqlx::query(
            "UPDATE notifications SET status = 'sending', claimed_at = $3 \
             WHERE tenant_id = $1 AND notification_id = $2 AND kind = 'sms' \
             AND (status IN ('unsent', 'failed') OR (status = 'sending' AND claimed_at < $4))",
        )
        .bind(tenant.as_str())
        .bind(id)
        .bind(ts(now))
        .bind(ts(now - SENDING_LEASE))
        .execute(self.pool())
        .await?;
        Ok(r.rows_affected() == 1)
    }

    /// What became of a claimed SMS: `sent` with the provider's id, or `failed` with why
    /// (it may be sent again).
    pub async fn finish_notification(
        &self,
        tenant: &TenantScope,
        id: &str,
        sent: Result<Option<&str>, &str>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let (status, provider, failure, at) = match sent {
            Ok(provider) => ("sent", provider, None, Some(ts(now))),
            Err(why) => ("failed", None, Some(why), None),
        };
        sqlx::query(
            "UPDATE notifications SET status = $3, provider_id = $4, failure = $5, sent_at = $6 \
             WHERE tenant_id = $1 AND notification_id = $2",
        )
        .bind(tenant.as_str())
        .bind(id)
        .bind(status)
        .bind(provider)
        .bind(failure)
        .bind(at)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Deletes a notification that was never sent; `false` when it was sent or recorded
    /// (those stay for ever).
    pub async fn delete_unsent_notification(
        &self,
        tenant: &TenantScope,
        id: &str,
    ) -> Result<bool, StoreError> {
        let r = sqlx::query(
            "DELETE FROM notifications WHERE tenant_id = $1 AND notification_id = $2 \
             AND status IN ('unsent', 'failed')",
        )
        .bind(tenant.as_str())
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(r.rows_affected() == 1)
    }

    /// The register: newest first, filtered.
    pub async fn notifications(
        &self,
        tenant: &TenantScope,
        f: &NotificationFilter,
    ) -> Result<Vec<NotificationRow>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLS} FROM notifications n \
             LEFT JOIN debtors d ON d.tenant_id = n.tenant_id AND d.debtor_id = n.debtor_id \
             WHERE n.tenant_id = $1 \
               AND (CAST($2 AS TEXT) IS NULL OR n.kind = $2) \
               AND (CAST($3 AS TEXT) IS NULL OR n.status = $3 \
                    OR ($3 = 'delivered' AND n.status = 'sent' AND n.delivery_status = 'DELIVERED') \
                    OR ($3 = 'undelivered' AND n.status = 'sent' AND n.delivery_status <> 'DELIVERED')) \
               AND (CAST($4 AS TEXT) IS NULL OR n.debtor_id = $4) \
               AND (CAST($5 AS TEXT) IS NULL OR n.author = $5) \
               AND (CAST($6 AS TEXT) IS NULL OR n.created_at >= $6) \
               AND (CAST($7 AS TEXT) IS NULL OR n.created_at < $7) \
             ORDER BY n.created_at DESC, n.notification_id DESC LIMIT $8"
        )))
        .bind(tenant.as_str())
        .bind(f.kind.map(NotificationKind::code))
        .bind(f.status.as_deref())
        .bind(f.debtor_id.as_deref())
        .bind(f.author.as_deref())
        .bind(f.from.map(day_start))
        .bind(f.to.and_then(|d| d.succ_opt()).map(day_start))
        .bind(i64::from(f.limit.clamp(1, 10_000)))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(row).collect()
    }

    /// The processes' messages for the register, newest first: `channel` one of the channels
    /// that reach the debtor (else all of them); `status` as [`NotificationFilter::status`]
    /// (no automatic notice is unsent or recorded); the filter's author is ignored (the caller
    /// asks for automatic notices only when no person is chosen). Each comes with the
    /// documents it covered and what each owed when it went (those whose amount then is not
    /// known — a failed message — are left out).
    pub async fn automatic_notices(
        &self,
        tenant: &TenantScope,
        f: &NotificationFilter,
        channel: Option<&str>,
    ) -> Result<Vec<(AutomaticNotice, Vec<DocumentThen>)>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT a.action_id, d.debtor_id, d.name, a.channel, a.status, COALESCE(a.description, a.reason), \
                    a.process_code, a.stage_code, a.manual, a.done_at, a.delivery_status, a.provider_id \
             FROM actions a JOIN debtors d ON d.tenant_id = a.tenant_id AND d.agent_id = a.agent_id \
               AND d.external_id = a.debtor_external_id \
             WHERE a.tenant_id = $1 AND a.status IN ('sent', 'failed') AND a.done_at IS NOT NULL \
               AND a.channel IN ({NOTICE_CHANNELS}) \
               AND (CAST($2 AS TEXT) IS NULL OR a.channel = $2) \
               AND (CAST($3 AS TEXT) IS NULL OR a.status = $3 \
                    OR ($3 = 'delivered' AND a.status = 'sent' AND a.delivery_status = 'DELIVERED') \
                    OR ($3 = 'undelivered' AND a.status = 'sent' AND a.delivery_status <> 'DELIVERED')) \
               AND (CAST($4 AS TEXT) IS NULL OR d.debtor_id = $4) \
               AND (CAST($5 AS TEXT) IS NULL OR a.done_at >= $5) \
               AND (CAST($6 AS TEXT) IS NULL OR a.done_at < $6) \
             ORDER BY a.done_at DESC, a.action_id DESC LIMIT $7"
        )))
        .bind(tenant.as_str())
        .bind(channel)
        .bind(f.status.as_deref())
        .bind(f.debtor_id.as_deref())
        .bind(f.from.map(day_start))
        .bind(f.to.and_then(|d| d.succ_opt()).map(day_start))
        .bind(i64::from(f.limit.clamp(1, 10_000)))
        .fetch_all(self.pool())
        .await?;
        let notices = rows
            .iter()
            .map(|r| {
                Ok(AutomaticNotice {
                    action_id: r.try_get(0)?,
                    debtor_id: r.try_get(1)?,
                    debtor_name: r.try_get(2)?,
                    channel: r.try_get(3)?,
                    status: r.try_get(4)?,
                    description: r.try_get(5)?,
                    process: r.try_get(6)?,
                    stage: r.try_get(7)?,
                    on_demand: r.try_get::<i64, _>(8)? != 0,
                    at: parse_ts(&r.try_get::<String, _>(9)?)?,
                    delivery_status: r.try_get(10)?,
                    provider_id: r.try_get(11)?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let ids: Vec<&str> = notices.iter().map(|n| n.action_id.as_str()).collect();
        let mut then = self
            .documents_then(
                tenant,
                "SELECT x.action_id, doc.document_id, doc.due_date, x.remaining_minor, doc.currency \
                 FROM action_documents x JOIN documents doc ON doc.tenant_id = x.tenant_id \
                   AND doc.agent_id = x.agent_id AND doc.external_id = x.document_external_id \
                 WHERE x.tenant_id = $1 AND x.remaining_minor IS NOT NULL AND x.action_id IN",
                &ids,
            )
            .await?;
        Ok(notices
            .into_iter()
            .map(|n| {
                let docs = then.remove(&n.action_id).unwrap_or_default();
                (n, docs)
            })
            .collect())
    }

    /// Creates a batch and its notifications in one transaction, unless the batch of
    /// `request_id` exists (a double click, a retry): then nothing is written. Returns the
    /// batch's id and whether it was created now.
    pub async fn create_batch(
        &self,
        tenant: &TenantScope,
        batch: &NewBatch<'_>,
        items: &[NewNotification<'_>],
        now: DateTime<Utc>,
    ) -> Result<(String, bool), StoreError> {
        let mut tx = self.begin_write().await?;
        let (id, made) = insert_batch(&mut tx, tenant, batch, items.len(), now).await?;
        if !made {
            tx.commit().await?;
            return Ok((id, false));
        }
        for n in items {
            let snapshot = serde_json::to_string(n.snapshot).map_err(|e| corrupt("migawka", e))?;
            sqlx::query(
                "INSERT INTO notifications (tenant_id, notification_id, debtor_id, kind, status, text, \
                     note, promise_date, snapshot_json, author, created_at, to_number, batch_id) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            )
            .bind(tenant.as_str())
            .bind(new_id())
            .bind(n.debtor_id)
            .bind(n.kind.code())
            .bind(n.status)
            .bind(n.text)
            .bind(n.note)
            .bind(n.promise_date.map(day))
            .bind(snapshot)
            .bind(n.author)
            .bind(ts(now))
            .bind(n.to_number)
            .bind(&id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok((id, true))
    }

    /// Makes a batch of the register's unsent (or failed) SMS notifications `ids` — sent,
    /// aborted and resumed as a mass notification's — unless the batch of `request_id` exists
    /// (a double click): then nothing changes. A notification taken from an earlier batch
    /// leaves it. Returns the batch's id and whether it was made now.
    pub async fn batch_of_unsent(
        &self,
        tenant: &TenantScope,
        request_id: &str,
        author: &str,
        ids: &[&str],
        now: DateTime<Utc>,
    ) -> Result<(String, bool), StoreError> {
        let mut tx = self.begin_write().await?;
        let batch = NewBatch {
            request_id,
            template: "",
            filter_json: "{}",
            author,
        };
        let (id, made) = insert_batch(&mut tx, tenant, &batch, ids.len(), now).await?;
        if !made {
            tx.commit().await?;
            return Ok((id, false));
        }
        for chunk in ids.chunks(500) {
            let sql = format!(
                "UPDATE notifications SET batch_id = $2 WHERE tenant_id = $1 AND kind = 'sms' \
                 AND status IN ('unsent', 'failed') AND notification_id IN ({})",
                super::list_placeholders(chunk.len(), 2)
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(tenant.as_str())
                .bind(&id);
            for n in chunk {
                q = q.bind(*n);
            }
            q.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok((id, true))
    }

    /// A batch with its counts.
    pub async fn batch(&self, tenant: &TenantScope, id: &str) -> Result<BatchView, StoreError> {
        let r = sqlx::query(
            "SELECT b.batch_id, b.template, b.author, b.created_at, COUNT(n.notification_id), b.state, \
                    b.abort_requested, \
                    COALESCE(SUM(CASE WHEN n.status IN ('unsent', 'sending') THEN 1 ELSE 0 END), 0), \
                    COALESCE(SUM(CASE WHEN n.status = 'sent' THEN 1 ELSE 0 END), 0), \
                    COALESCE(SUM(CASE WHEN n.status = 'failed' THEN 1 ELSE 0 END), 0), b.updated_at \
             FROM notification_batches b LEFT JOIN notifications n \
               ON n.tenant_id = b.tenant_id AND n.batch_id = b.batch_id \
             WHERE b.tenant_id = $1 AND b.batch_id = $2 \
             GROUP BY b.batch_id, b.template, b.author, b.created_at, b.state, b.abort_requested, \
                      b.updated_at",
        )
        .bind(tenant.as_str())
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(|| StoreError::not_found("err-what-batch", &[("id", id.into())]))?;
        Ok(BatchView {
            id: r.try_get(0)?,
            template: r.try_get(1)?,
            author: r.try_get(2)?,
            created_at: parse_ts(&r.try_get::<String, _>(3)?)?,
            total: r.try_get(4)?,
            state: r.try_get(5)?,
            abort_requested: r.try_get::<i64, _>(6)? != 0,
            unsent: r.try_get(7)?,
            sent: r.try_get(8)?,
            failed: r.try_get(9)?,
            updated_at: parse_ts(&r.try_get::<String, _>(10)?)?,
        })
    }

    /// The batch's notifications still to send (unsent, or lost while sending more than
    /// [`SENDING_LEASE`] before `now`; failed ones only when `retry_failed`), in the order they
    /// were made.
    pub async fn batch_pending(
        &self,
        tenant: &TenantScope,
        id: &str,
        retry_failed: bool,
        now: DateTime<Utc>,
    ) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query(
            "SELECT notification_id FROM notifications \
             WHERE tenant_id = $1 AND batch_id = $2 AND (status = 'unsent' \
               OR (status = 'failed' AND $3 = 1) OR (status = 'sending' AND claimed_at < $4)) \
             ORDER BY created_at, notification_id",
        )
        .bind(tenant.as_str())
        .bind(id)
        .bind(i64::from(retry_failed))
        .bind(ts(now - SENDING_LEASE))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
    }

    /// Sets a batch's state (`sending` clears a pending abort: a resume).
    pub async fn set_batch_state(
        &self,
        tenant: &TenantScope,
        id: &str,
        state: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE notification_batches SET state = $3, updated_at = $4, \
                 abort_requested = CASE WHEN $3 = 'sending' THEN 0 ELSE abort_requested END \
             WHERE tenant_id = $1 AND batch_id = $2",
        )
        .bind(tenant.as_str())
        .bind(id)
        .bind(state)
        .bind(ts(now))
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The batch's sender's step before each message: records that it is alive (a batch
    /// "sending" with no sign of life for [`SENDING_LEASE`] was lost with its replica and may be
    /// resumed) and answers whether an abort is asked — one statement on one indexed row, not
    /// the batch's counts.
    pub async fn batch_heartbeat(
        &self,
        tenant: &TenantScope,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let r = sqlx::query(
            "UPDATE notification_batches SET updated_at = $3 WHERE tenant_id = $1 AND batch_id = $2 \
             RETURNING abort_requested",
        )
        .bind(tenant.as_str())
        .bind(id)
        .bind(ts(now))
        .fetch_optional(self.pool())
        .await?;
        Ok(match r {
            Some(r) => r.try_get::<i64, _>(0)? != 0,
            None => false,
        })
    }

    /// Asks the batch's sender to stop before its next message.
    pub async fn request_batch_abort(
        &self,
        tenant: &TenantScope,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let r = sqlx::query(
            "UPDATE notification_batches SET abort_requested = 1, updated_at = $3 \
             WHERE tenant_id = $1 AND batch_id = $2",
        )
        .bind(tenant.as_str())
        .bind(id)
        .bind(ts(now))
        .execute(self.pool())
        .await?;
        if r.rows_affected() == 0 {
            return Err(StoreError::not_found(
                "err-what-batch",
                &[("id", id.into())],
            ));
        }
        Ok(())
    }

    /// The open documents of each of `debtor_ids` as a snapshot keeps them (a debtor with none
    /// is absent): a few statements for a whole mass notification, not one per debtor.
    pub async fn snapshot_documents_of(
        &self,
        tenant: &TenantScope,
        debtor_ids: &[&str],
    ) -> Result<BTreeMap<String, Vec<DocumentThen>>, StoreError> {
        self.documents_then(
            tenant,
            "SELECT d.debtor_id, doc.document_id, doc.due_date, doc.remaining_minor, doc.currency \
             FROM debtors d JOIN documents doc ON doc.tenant_id = d.tenant_id \
               AND doc.agent_id = d.agent_id AND doc.debtor_external_id = d.external_id \
             WHERE d.tenant_id = $1 AND doc.status = 'open' AND d.debtor_id IN",
            debtor_ids,
        )
        .await
    }

    /// Documents as a snapshot keeps them, grouped by the key `select` reads first: `select`
    /// reads (key, document id, due date, remaining, currency) and ends with `IN`, the list of
    /// `keys` (500 at a time) comes after it.
    async fn documents_then(
        &self,
        tenant: &TenantScope,
        select: &'static str,
        keys: &[&str],
    ) -> Result<BTreeMap<String, Vec<DocumentThen>>, StoreError> {
        let mut out: BTreeMap<String, Vec<DocumentThen>> = BTreeMap::new();
        for chunk in keys.chunks(500) {
            let sql = format!(
                "{select} ({}) ORDER BY 1, 3, 2",
                super::list_placeholders(chunk.len(), 1)
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(tenant.as_str());
            for key in chunk {
                q = q.bind(*key);
            }
            for r in q.fetch_all(self.pool()).await? {
                out.entry(r.try_get(0)?).or_default().push(DocumentThen {
                    id: r.try_get(1)?,
                    due_date: parse_day(&r.try_get::<String, _>(2)?)?,
                    remaining_minor: r.try_get(3)?,
                    currency: r.try_get(4)?,
                });
            }
        }
        Ok(out)
    }

    /// Today's remaining amount of each of `ids` still open (a closed one is absent).
    pub async fn open_remaining(
        &self,
        tenant: &TenantScope,
        ids: &[&str],
    ) -> Result<BTreeMap<String, i64>, StoreError> {
        let mut out = BTreeMap::new();
        for chunk in ids.chunks(500) {
            let sql = format!(
                "SELECT document_id, remaining_minor FROM documents \
                 WHERE tenant_id = $1 AND status = 'open' AND document_id IN ({})",
                super::list_placeholders(chunk.len(), 1)
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(tenant.as_str());
            for id in chunk {
                q = q.bind(*id);
            }
            for r in q.fetch_all(self.pool()).await? {
                out.insert(r.try_get(0)?, r.try_get(1)?);
            }
        }
        Ok(out)
    }
}
