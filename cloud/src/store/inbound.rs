//! SMS from debtors (`crate::services::inbound`): which firm a message is for, the debtors a
//! number belongs to and what they owe, and the log of every message and reply (the audit of
//! each balance disclosed, and the count the daily limit reads).
//!
//! Routing is the store listing tenants itself, as the engine's round does: the callback is
//! authenticated by the installation's secret, and the firm is found from the number the SMS
//! was sent to (its two-way number) or the keyword it starts with (a shared number).

use chrono::{DateTime, NaiveDate, Utc};
use inkaso_shared::Phone;
use sqlx::Row;

use super::{Store, StoreError, TenantScope, day, new_id, parse_day, parse_ts, ts};
use crate::domain::ids::TenantId;
use crate::domain::inbound::{OpenDocument, strip_keyword};
use crate::process::LegalStatus;
use crate::process::compose::ChannelSettings;

/// The firm an SMS is for, with its settings and the text without its keyword.
#[derive(Debug, Clone)]
pub struct Route {
    /// The firm.
    pub scope: TenantScope,
    /// Its channel settings (the reply's template, sender, limit).
    pub settings: ChannelSettings,
    /// The text as the firm's rules read it (a shared number's keyword taken off).
    pub text: String,
}

/// A debtor whose SMS contact is a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MobileOwner {
    /// The debtor's id.
    pub debtor_id: String,
    /// The agent it came from.
    pub agent_id: String,
    /// Its id in the ERP.
    pub external_id: String,
    /// Its name.
    pub name: String,
    /// Active, deceased or bankrupt.
    pub legal_status: LegalStatus,
    /// The SMS consent recorded for the number: given, refused, or not recorded.
    pub consent: Option<bool>,
}

/// One message as the log keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundRow {
    /// Our id.
    pub inbound_id: String,
    /// When it came.
    pub received_at: DateTime<Utc>,
    /// The sender.
    pub from_number: String,
    /// Its text.
    pub text: String,
    /// `balance` | `stop` | `other`.
    pub command: String,
    /// What was done (see the migration `0018_inbound_sms.sql`).
    pub outcome: String,
    /// The one debtor the number matched, and its name.
    pub debtor: Option<(String, String)>,
    /// The reply, if any.
    pub reply_text: Option<String>,
    /// `sent` | `test_mode` | `failed`.
    pub reply_status: Option<String>,
    /// The provider's id, or why it failed.
    pub reply_detail: Option<String>,
}

/// A message to log.
#[derive(Debug, Clone)]
pub struct NewInbound<'a> {
    /// SMSAPI's id.
    pub provider_msg_id: &'a str,
    /// When it came.
    pub received_at: DateTime<Utc>,
    /// Its Polish day.
    pub local_day: NaiveDate,
    /// The sender.
    pub from_number: &'a str,
    /// The firm's number it came to.
    pub to_number: Option<&'a str>,
    /// The text as received.
    pub text: &'a str,
    /// `balance` | `stop` | `other`.
    pub command: &'a str,
    /// What was decided.
    pub outcome: &'a str,
    /// The one debtor matched.
    pub debtor_id: Option<&'a str>,
    /// The reply decided (sent after the row is in).
    pub reply_text: Option<&'a str>,
}

fn legal_status(code: &str) -> LegalStatus {
    match code {
        "deceased" => LegalStatus::Deceased,
        "bankrupt" => LegalStatus::Bankrupt,
        _ => LegalStatus::Active,
    }
}

impl Store {
    /// The firm an SMS sent to `to` with `text` is for: the one whose two-way number it is,
    /// else the one whose keyword it starts with; `None` when no firm (or more than one)
    /// claims it.
    pub async fn route_inbound_sms(
        &self,
        to: Option<&Phone>,
        text: &str,
    ) -> Result<Option<Route>, StoreError> {
        let rows = sqlx::query("SELECT tenant_id, settings_json FROM channel_settings")
            .fetch_all(self.pool())
            .await?;
        let mut by_number = Vec::new();
        let mut by_keyword = Vec::new();
        for r in rows {
            let tenant_id: String = r.try_get(0)?;
            let Ok(settings) = serde_json::from_str::<ChannelSettings>(&r.try_get::<String, _>(1)?)
            else {
                tracing::warn!(tenant = %tenant_id, "unreadable channel settings skipped in SMS routing");
                continue;
            };
            let keyword_rest = settings
                .sms
                .inbound_keyword
                .as_deref()
                .and_then(|k| strip_keyword(text, k))
                .map(str::to_owned);
            let number_matches = to.is_some_and(|to| {
                settings
                    .sms
                    .inbound_number
                    .as_deref()
                    .and_then(|n| Phone::parse(n).ok())
                    .is_some_and(|n| &n == to)
            });
            if number_matches {
                let text = keyword_rest.unwrap_or_else(|| text.to_owned());
                by_number.push((tenant_id, settings, text));
            } else if let Some(rest) = keyword_rest {
                by_keyword.push((tenant_id, settings, rest));
            }
        }
        let chosen = match (by_number.len(), by_keyword.len()) {
            (1, _) => by_number.pop(),
            (0, 1) => by_keyword.pop(),
            (0, 0) => None,
            (n, k) => {
                tracing::warn!(
                    by_number = n,
                    by_keyword = k,
                    "an inbound SMS is claimed by several firms: not answered"
                );
                None
            }
        };
        Ok(chosen.map(|(tenant_id, settings, text)| Route {
            scope: TenantScope::verified(TenantId::new(tenant_id)),
            settings,
            text,
        }))
    }

    /// The debtors (not removed) whose SMS contact is `phone`.
    pub async fn mobile_owners(
        &self,
        tenant: &TenantScope,
        phone: &Phone,
    ) -> Result<Vec<MobileOwner>, StoreError> {
        let rows = sqlx::query(
            "SELECT d.debtor_id, d.agent_id, d.external_id, d.name, \
                    COALESCE(dc.legal_status, 'active'), c.consent \
             FROM contacts c \
             JOIN debtors d ON d.tenant_id = c.tenant_id AND d.debtor_id = c.debtor_id \
             LEFT JOIN debtor_collection dc ON dc.tenant_id = d.tenant_id \
                  AND dc.agent_id = d.agent_id AND dc.debtor_external_id = d.external_id \
             WHERE c.tenant_id = $1 AND c.channel = 'sms' AND c.value = $2 AND d.removed = 0 \
             ORDER BY d.debtor_id",
        )
        .bind(tenant.as_str())
        .bind(phone.e164())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(MobileOwner {
                    debtor_id: r.try_get(0)?,
                    agent_id: r.try_get(1)?,
                    external_id: r.try_get(2)?,
                    name: r.try_get(3)?,
                    legal_status: legal_status(&r.try_get::<String, _>(4)?),
                    consent: r.try_get::<Option<i64>, _>(5)?.map(|c| c != 0),
                })
            })
            .collect()
    }

    /// A debtor's open documents.
    pub async fn open_documents_of(
        &self,
        tenant: &TenantScope,
        owner: &MobileOwner,
    ) -> Result<Vec<OpenDocument>, StoreError> {
        let rows = sqlx::query(
            "SELECT number, due_date, remaining_minor, currency FROM documents \
             WHERE tenant_id = $1 AND agent_id = $2 AND debtor_external_id = $3 AND status = 'open'",
        )
        .bind(tenant.as_str())
        .bind(&owner.agent_id)
        .bind(&owner.external_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(OpenDocument {
                    number: r.try_get(0)?,
                    due_date: parse_day(&r.try_get::<String, _>(1)?)?,
                    remaining_minor: r.try_get(2)?,
                    currency: r.try_get(3)?,
                })
            })
            .collect()
    }

    /// How many balance queries `from` sent the firm on `local_day`.
    pub async fn balance_queries_on(
        &self,
        tenant: &TenantScope,
        from: &str,
        local_day: NaiveDate,
    ) -> Result<u32, StoreError> {
        let n: i64 = sqlx::query(
            "SELECT COUNT(*) FROM inbound_sms \
             WHERE tenant_id = $1 AND from_number = $2 AND local_day = $3 AND command = 'balance'",
        )
        .bind(tenant.as_str())
        .bind(from)
        .bind(day(local_day))
        .fetch_one(self.pool())
        .await?
        .try_get(0)?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    /// Whether SMSAPI delivered this message (its `MsgId`) to the firm before.
    pub async fn inbound_seen(
        &self,
        tenant: &TenantScope,
        provider_msg_id: &str,
    ) -> Result<bool, StoreError> {
        Ok(
            sqlx::query("SELECT 1 FROM inbound_sms WHERE tenant_id = $1 AND provider_msg_id = $2")
                .bind(tenant.as_str())
                .bind(provider_msg_id)
                .fetch_optional(self.pool())
                .await?
                .is_some(),
        )
    }

    /// Logs a message; `None` when SMSAPI delivered it before (nothing to do again).
    pub async fn record_inbound(
        &self,
        tenant: &TenantScope,
        m: &NewInbound<'_>,
    ) -> Result<Option<String>, StoreError> {
        let id = new_id();
        let r = sqlx::query(
            "INSERT INTO inbound_sms (tenant_id, inbound_id, provider_msg_id, received_at, local_day, \
                 from_number, to_number, text, command, outcome, debtor_id, reply_text) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
             ON CONFLICT (tenant_id, provider_msg_id) DO NOTHING",
        )
        .bind(tenant.as_str())
        .bind(&id)
        .bind(m.provider_msg_id)
        .bind(ts(m.received_at))
        .bind(day(m.local_day))
        .bind(m.from_number)
        .bind(m.to_number)
        .bind(m.text)
        .bind(m.command)
        .bind(m.outcome)
        .bind(m.debtor_id)
        .bind(m.reply_text)
        .execute(self.pool())
        .await?;
        Ok((r.rows_affected() == 1).then_some(id))
    }

    /// What became of a message's reply.
    pub async fn set_inbound_reply(
        &self,
        tenant: &TenantScope,
        inbound_id: &str,
        status: &str,
        detail: Option<&str>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE inbound_sms SET reply_status = $3, reply_detail = $4 \
             WHERE tenant_id = $1 AND inbound_id = $2",
        )
        .bind(tenant.as_str())
        .bind(inbound_id)
        .bind(status)
        .bind(detail)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The newest messages first, at most `limit`; only `command` when given.
    pub async fn inbound_log(
        &self,
        tenant: &TenantScope,
        command: Option<&str>,
        limit: u32,
    ) -> Result<Vec<InboundRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT i.inbound_id, i.received_at, i.from_number, i.text, i.command, i.outcome, \
                    i.debtor_id, d.name, i.reply_text, i.reply_status, i.reply_detail \
             FROM inbound_sms i \
             LEFT JOIN debtors d ON d.tenant_id = i.tenant_id AND d.debtor_id = i.debtor_id \
             WHERE i.tenant_id = $1 AND (CAST($2 AS TEXT) IS NULL OR i.command = $2) \
             ORDER BY i.received_at DESC, i.inbound_id DESC LIMIT $3",
        )
        .bind(tenant.as_str())
        .bind(command)
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let debtor_id: Option<String> = r.try_get(6)?;
                let name: Option<String> = r.try_get(7)?;
                Ok(InboundRow {
                    inbound_id: r.try_get(0)?,
                    received_at: parse_ts(&r.try_get::<String, _>(1)?)?,
                    from_number: r.try_get(2)?,
                    text: r.try_get(3)?,
                    command: r.try_get(4)?,
                    outcome: r.try_get(5)?,
                    debtor: debtor_id.map(|id| (id, name.unwrap_or_default())),
                    reply_text: r.try_get(8)?,
                    reply_status: r.try_get(9)?,
                    reply_detail: r.try_get(10)?,
                })
            })
            .collect()
    }
}
