//! The figures a dashboard shows at a glance, each one grouped query: what is owed by age
//! (current, 1–30, 31–60, 61–90, over 90 days past due, per currency) and the actions of a
//! period by channel and status.

use chrono::{DateTime, Days, NaiveDate, Utc};
use sqlx::Row;

use super::{Store, StoreError, ts};
use crate::store::TenantScope;

/// The ageing buckets' upper bounds in days past due (the last is open-ended).
pub const AGEING_BOUNDS: [u64; 4] = [0, 30, 60, 90];

/// What is owed in one currency, by age.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ageing {
    /// ISO code.
    pub currency: String,
    /// Remaining amounts (minor units): not yet due, 1–30, 31–60, 61–90, over 90 days late.
    pub amounts: [i64; 5],
    /// Open documents in each bucket.
    pub documents: [i64; 5],
}

impl Ageing {
    /// Everything owed.
    pub fn total(&self) -> i64 {
        self.amounts.iter().fold(0, |s, a| s.saturating_add(*a))
    }

    /// Everything past due.
    pub fn overdue(&self) -> i64 {
        self.amounts[1..]
            .iter()
            .fold(0, |s, a| s.saturating_add(*a))
    }
}

/// How many actions of one channel ended in one status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionCount {
    /// `sms`, `email`, …
    pub channel: String,
    /// `sent`, `failed`, …
    pub status: String,
    /// How many.
    pub count: i64,
}

impl Store {
    /// Open documents' remaining amounts by age on `today`, per currency (PLN first).
    pub async fn ageing(
        &self,
        tenant: &TenantScope,
        today: NaiveDate,
    ) -> Result<Vec<Ageing>, StoreError> {
        let day = |back: u64| {
            today
                .checked_sub_days(Days::new(back))
                .unwrap_or(today)
                .to_string()
        };
        let rows = sqlx::query(
            "SELECT currency, CAST(CASE WHEN due_date >= $2 THEN 0 WHEN due_date >= $3 THEN 1 \
             WHEN due_date >= $4 THEN 2 WHEN due_date >= $5 THEN 3 ELSE 4 END AS BIGINT) AS bucket, \
             COUNT(*), CAST(SUM(remaining_minor) AS BIGINT) FROM documents \
             WHERE tenant_id = $1 AND status = 'open' GROUP BY currency, bucket",
        )
        .bind(tenant.as_str())
        .bind(day(AGEING_BOUNDS[0]))
        .bind(day(AGEING_BOUNDS[1]))
        .bind(day(AGEING_BOUNDS[2]))
        .bind(day(AGEING_BOUNDS[3]))
        .fetch_all(self.pool())
        .await?;
        let mut out: Vec<Ageing> = Vec::new();
        for r in &rows {
            let currency: String = r.try_get(0)?;
            let bucket = usize::try_from(r.try_get::<i64, _>(1)?).unwrap_or(4).min(4);
            let i = out
                .iter()
                .position(|a| a.currency == currency)
                .unwrap_or_else(|| {
                    out.push(Ageing {
                        currency,
                        amounts: [0; 5],
                        documents: [0; 5],
                    });
                    out.len() - 1
                });
            // Agents' amounts: a sum past i64 shows as the largest amount, never wraps.
            let a = &mut out[i];
            a.documents[bucket] = a.documents[bucket].saturating_add(r.try_get::<i64, _>(2)?);
            a.amounts[bucket] = a.amounts[bucket].saturating_add(r.try_get::<i64, _>(3)?);
        }
        out.sort_by(|a, b| {
            (a.currency != "PLN", &a.currency).cmp(&(b.currency != "PLN", &b.currency))
        });
        Ok(out)
    }

    /// Actions created since `since`, counted by channel and status.
    pub async fn action_counts(
        &self,
        tenant: &TenantScope,
        since: DateTime<Utc>,
    ) -> Result<Vec<ActionCount>, StoreError> {
        let rows = sqlx::query(
            "SELECT channel, status, COUNT(*) FROM actions WHERE tenant_id = $1 AND created_at >= $2 \
             GROUP BY channel, status ORDER BY channel, status",
        )
        .bind(tenant.as_str())
        .bind(ts(since))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ActionCount {
                    channel: r.try_get(0)?,
                    status: r.try_get(1)?,
                    count: r.try_get(2)?,
                })
            })
            .collect()
    }
}
