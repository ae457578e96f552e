//! What the e-mails about cases need kept (R-C4, `domain::case_mail`): each firm's settings, a
//! law firm's last digest, and which case events the creditor's mail has taken in.
//!
//! Both mails are claimed before they are sent, by a conditional one-row `UPDATE` (the digest's
//! day, an event's `mailed_at`), so replicas running the same round send each once; a failed
//! send gives its claim back and the next round tries again.

use chrono::{DateTime, NaiveDate, Utc};
use inkaso_shared::Email;
use sqlx::Row;

use super::cases::stored_status;
use super::processes::corrupt;
use super::{Store, StoreError, TenantScope, day, parse_day, parse_ts, ts};
use crate::domain::case_mail::{CaseMailSettings, DigestEvery};
use crate::domain::cases::CaseStatus;

/// A law firm as the digest round sees it.
#[derive(Debug, Clone)]
pub struct DigestState {
    /// The law firm.
    pub partner: TenantScope,
    /// Its name.
    pub name: String,
    /// Its settings.
    pub settings: CaseMailSettings,
    /// The (Polish) day of its last digest.
    pub last_day: Option<NaiveDate>,
    /// The instant the last digest covered cases up to.
    pub last_at: Option<DateTime<Utc>>,
}

/// An event of a creditor's case not yet taken into its mail, with what the mail says of the
/// case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseNews {
    /// The case.
    pub case_id: String,
    /// The event's number in the case.
    pub seq: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// `opened`, `status`, `note`, `file`, `payment`.
    pub kind: String,
    /// `client`, `partner`, `engine`.
    pub party: String,
    /// The status before the event.
    pub from: Option<CaseStatus>,
    /// The status after it.
    pub status: CaseStatus,
    /// Its note (a rejection's reason, a file's name).
    pub note: Option<String>,
    /// A payment's amount (minor units) and day.
    pub payment: Option<(i64, NaiveDate)>,
    /// The debtor's name at the hand-off.
    pub debtor_name: String,
    /// What was handed over (minor units).
    pub total_minor: i64,
    /// In what currency.
    pub currency: String,
    /// The law firm's name.
    pub partner_name: String,
}

const SETTINGS_COLS: &str = "m.digest, m.digest_hour, m.status_mail, m.recipients";

fn settings_row(r: &sqlx::any::AnyRow, at: usize) -> Result<CaseMailSettings, StoreError> {
    let Some(digest) = r.try_get::<Option<String>, _>(at)? else {
        return Ok(CaseMailSettings::default());
    };
    let recipients = r
        .try_get::<String, _>(at + 3)?
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| Email::parse(l).map_err(|e| corrupt("case_mail.recipients", e)))
        .collect::<Result<Vec<_>, _>>()?;
    let hour: i64 = r.try_get(at + 1)?;
    Ok(CaseMailSettings {
        digest: DigestEvery::parse(&digest, "digest")
            .map_err(|e| corrupt("case_mail.digest", e))?,
        digest_hour: u32::try_from(hour).map_err(|e| corrupt("case_mail.digest_hour", e))?,
        status_mail: r.try_get::<i64, _>(at + 2)? != 0,
        recipients,
    })
}

impl Store {
    /// The firm's settings of the case e-mails (the defaults until it saves its own).
    pub async fn case_mail_settings(
        &self,
        tenant: &TenantScope,
    ) -> Result<CaseMailSettings, StoreError> {
        let sql = format!("SELECT {SETTINGS_COLS} FROM case_mail m WHERE m.tenant_id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(tenant.as_str())
            .fetch_optional(self.pool())
            .await?;
        row.map_or_else(|| Ok(CaseMailSettings::default()), |r| settings_row(&r, 0))
    }

    /// Saves the firm's settings (a law firm's last digest stays as it was), in the audit log
    /// with the new values.
    pub async fn set_case_mail_settings(
        &self,
        tenant: &TenantScope,
        actor: &str,
        settings: &CaseMailSettings,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let recipients = settings
            .recipients
            .iter()
            .map(Email::as_str)
            .collect::<Vec<_>>()
            .join("\n");
        sqlx::query(
            "INSERT INTO case_mail (tenant_id, digest, digest_hour, status_mail, recipients, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tenant_id) DO UPDATE SET \
             digest = excluded.digest, digest_hour = excluded.digest_hour, \
             status_mail = excluded.status_mail, recipients = excluded.recipients, \
             updated_at = excluded.updated_at",
        )
        .bind(tenant.as_str())
        .bind(settings.digest.as_str())
        .bind(i64::from(settings.digest_hour))
        .bind(i64::from(settings.status_mail))
        .bind(&recipients)
        .bind(ts(now))
        .execute(self.pool())
        .await?;
        let details = serde_json::json!({
            "digest": settings.digest.as_str(),
            "digest_hour": settings.digest_hour,
            "status_mail": settings.status_mail,
            "recipients": settings.recipients.iter().map(Email::as_str).collect::<Vec<_>>(),
        });
        self.audit(
            tenant,
            actor,
            "case_mail.update",
            tenant.as_str(),
            &details.to_string(),
            now,
        )
        .await
    }

    /// Every law firm with its digest settings and last digest (a round's work list).
    pub async fn digest_states(&self) -> Result<Vec<DigestState>, StoreError> {
        let sql = format!(
            "SELECT t.tenant_id, t.name, m.digest_day, m.digest_at, {SETTINGS_COLS} FROM tenants t \
             LEFT JOIN case_mail m ON m.tenant_id = t.tenant_id WHERE t.kind = 'partner' ORDER BY t.tenant_id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                Ok(DigestState {
                    partner: TenantScope::verified(r.try_get(0)?),
                    name: r.try_get(1)?,
                    last_day: r
                        .try_get::<Option<String>, _>(2)?
                        .as_deref()
                        .map(parse_day)
                        .transpose()?,
                    last_at: r
                        .try_get::<Option<String>, _>(3)?
                        .as_deref()
                        .map(parse_ts)
                        .transpose()?,
                    settings: settings_row(r, 4)?,
                })
            })
            .collect()
    }

    /// Claims the law firm's digest of `today`, covering cases handed over before `now`:
    /// `false` when another round has claimed this day's already.
    pub async fn claim_digest(
        &self,
        partner: &TenantScope,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let d = CaseMailSettings::default();
        sqlx::query(
            "INSERT INTO case_mail (tenant_id, digest, digest_hour, status_mail, recipients, updated_at) \
             VALUES ($1, $2, $3, $4, '', $5) ON CONFLICT (tenant_id) DO NOTHING",
        )
        .bind(partner.as_str())
        .bind(d.digest.as_str())
        .bind(i64::from(d.digest_hour))
        .bind(i64::from(d.status_mail))
        .bind(ts(now))
        .execute(self.pool())
        .await?;
        let done = sqlx::query(
            "UPDATE case_mail SET digest_day = $2, digest_at = $3 \
             WHERE tenant_id = $1 AND (digest_day IS NULL OR digest_day < $2)",
        )
        .bind(partner.as_str())
        .bind(day(today))
        .bind(ts(now))
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Gives a claimed digest back (it was not sent), so the next round tries again.
    pub async fn release_digest(
        &self,
        state: &DigestState,
        claimed: NaiveDate,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE case_mail SET digest_day = $2, digest_at = $3 WHERE tenant_id = $1 AND digest_day = $4",
        )
        .bind(state.partner.as_str())
        .bind(state.last_day.map(day))
        .bind(state.last_at.map(ts))
        .bind(day(claimed))
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The creditors with case events their mail has not taken in yet.
    pub async fn tenants_with_case_news(&self) -> Result<Vec<TenantScope>, StoreError> {
        let rows = sqlx::query(
            "SELECT DISTINCT tenant_id FROM case_events WHERE mailed_at IS NULL ORDER BY tenant_id",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| Ok(TenantScope::verified(r.try_get(0)?)))
            .collect()
    }

    /// The creditor's case events not yet taken into its mail, oldest first, at most `limit`.
    pub async fn case_news(
        &self,
        tenant: &TenantScope,
        limit: u32,
    ) -> Result<Vec<CaseNews>, StoreError> {
        let rows = sqlx::query(
            "SELECT e.case_id, e.seq, e.at, e.kind, e.party, \
             (SELECT b.status FROM case_events b WHERE b.tenant_id = e.tenant_id AND b.case_id = e.case_id AND b.seq = e.seq - 1), \
             e.status, e.note, e.amount_minor, e.on_day, c.debtor_name, c.total_minor, c.currency, p.name \
             FROM case_events e \
             JOIN cases c ON c.tenant_id = e.tenant_id AND c.case_id = e.case_id \
             JOIN tenants p ON p.tenant_id = c.partner_id \
             WHERE e.tenant_id = $1 AND e.mailed_at IS NULL ORDER BY e.at, e.case_id, e.seq LIMIT $2",
        )
        .bind(tenant.as_str())
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(CaseNews {
                    case_id: r.try_get(0)?,
                    seq: r.try_get(1)?,
                    at: parse_ts(&r.try_get::<String, _>(2)?)?,
                    kind: r.try_get(3)?,
                    party: r.try_get(4)?,
                    from: r
                        .try_get::<Option<String>, _>(5)?
                        .as_deref()
                        .map(stored_status)
                        .transpose()?,
                    status: stored_status(&r.try_get::<String, _>(6)?)?,
                    note: r.try_get(7)?,
                    payment: match (
                        r.try_get::<Option<i64>, _>(8)?,
                        r.try_get::<Option<String>, _>(9)?,
                    ) {
                        (Some(a), Some(d)) => Some((a, parse_day(&d)?)),
                        _ => None,
                    },
                    debtor_name: r.try_get(10)?,
                    total_minor: r.try_get(11)?,
                    currency: r.try_get(12)?,
                    partner_name: r.try_get(13)?,
                })
            })
            .collect()
    }

    /// Claims events for the creditor's mail (or marks those it does not report): returns the
    /// ones this call claimed, which another round had not.
    pub async fn claim_case_news<'a>(
        &self,
        tenant: &TenantScope,
        events: &'a [CaseNews],
        now: DateTime<Utc>,
    ) -> Result<Vec<&'a CaseNews>, StoreError> {
        let mut mine = Vec::with_capacity(events.len());
        for e in events {
            let done = sqlx::query(
                "UPDATE case_events SET mailed_at = $4 \
                 WHERE tenant_id = $1 AND case_id = $2 AND seq = $3 AND mailed_at IS NULL",
            )
            .bind(tenant.as_str())
            .bind(&e.case_id)
            .bind(e.seq)
            .bind(ts(now))
            .execute(self.pool())
            .await?;
            if done.rows_affected() == 1 {
                mine.push(e);
            }
        }
        Ok(mine)
    }

    /// Gives claimed events back (their mail was not sent), so the next round tries again.
    pub async fn release_case_news(
        &self,
        tenant: &TenantScope,
        events: &[&CaseNews],
    ) -> Result<(), StoreError> {
        for e in events {
            sqlx::query(
                "UPDATE case_events SET mailed_at = NULL WHERE tenant_id = $1 AND case_id = $2 AND seq = $3",
            )
            .bind(tenant.as_str())
            .bind(&e.case_id)
            .bind(e.seq)
            .execute(self.pool())
            .await?;
        }
        Ok(())
    }
}
