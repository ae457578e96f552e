//! The register of notices (R-N5): notifications made by hand and the processes' own messages
//! (SMS, e-mail, letters, voice) in one list, filtered by source, channel, status (with the
//! provider's delivery report), person, debtor and days, each with its **settlement after the
//! notice** — did the debtor pay what was open when it went, fully, partly or not — and the
//! register's bulk actions: send the unsent ones as one batch (with the mass notifications'
//! progress, abort and resume), delete the unsent ones, ask SMSAPI for the delivery of those
//! whose report never came.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use inkaso_channels::smsapi::ErrorClass;

use super::{App, ServiceError};
use crate::domain::notifications::{NotificationKind, Settlement, Snapshot, settlement, snapshot};
use crate::process::Channel;
use crate::process::calendar::local_date;
use crate::store::TenantScope;
use crate::store::notifications::{AutomaticNotice, NotificationFilter, NotificationRow};

/// A sent or recorded notice's settlement: what became of the documents open then, given
/// today's remaining amounts.
pub(super) fn settled(
    status: &str,
    then: &Snapshot,
    now: &BTreeMap<String, i64>,
) -> Option<Settlement> {
    matches!(status, "sent" | "recorded").then(|| settlement(then, now))
}

/// What a delivery check found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryCheck {
    /// Now known as delivered.
    pub delivered: usize,
    /// Now known as not delivered (expired, rejected, undeliverable…).
    pub undelivered: usize,
    /// Still on their way (no final status yet).
    pub pending: usize,
    /// Unknown to SMSAPI (its reports are kept for a limited time).
    pub unknown: usize,
}

/// Where a notice in the register came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Made by hand (or by the mass wizard).
    Manual,
    /// Sent by a process.
    Automatic,
}

/// Which notices the register lists.
#[derive(Debug, Clone, Default)]
pub struct RegisterFilter {
    /// Made by hand, by the processes, or (none) both.
    pub source: Option<Source>,
    /// Only this channel: `sms` (by hand and by processes), `external_sms` and `call` (by hand),
    /// `email`, `letter`, `registered_letter`, `voice` (by processes).
    pub channel: Option<String>,
    /// Only this status: `unsent`, `sent`, `failed`, `recorded`, or `delivered` /
    /// `undelivered` (sent, with the provider's report).
    pub status: Option<String>,
    /// Only this debtor's.
    pub debtor_id: Option<String>,
    /// Only this person's (then no process's).
    pub author: Option<String>,
    /// Made (or sent, for a process's) on or after this day.
    pub from: Option<NaiveDate>,
    /// On or before this day.
    pub to: Option<NaiveDate>,
    /// Only those settled so after the notice.
    pub settled: Option<Settlement>,
    /// At most this many.
    pub limit: u32,
}

impl RegisterFilter {
    fn manual_filter(&self) -> NotificationFilter {
        NotificationFilter {
            kind: None,
            status: self.status.clone(),
            debtor_id: self.debtor_id.clone(),
            author: self.author.clone(),
            from: self.from,
            to: self.to,
            limit: self.limit,
        }
    }

    fn wants_manual(&self) -> bool {
        self.source != Some(Source::Automatic)
            && self
                .channel
                .as_deref()
                .is_none_or(|c| NotificationKind::parse(c).is_some())
    }

    fn wants_automatic(&self) -> bool {
        self.source != Some(Source::Manual)
            && self.author.is_none()
            && !matches!(self.status.as_deref(), Some("unsent" | "recorded"))
            && self
                .channel
                .as_deref()
                .is_none_or(|c| Channel::from_code(c).is_some_and(Channel::reaches_debtor))
    }
}

/// A notice: made by hand, or a process's message with what its documents owed when it went.
#[derive(Debug, Clone)]
pub enum Notice {
    /// A notification made by hand.
    Manual(NotificationRow),
    /// A process's message, and what was owed then.
    Automatic(AutomaticNotice, Snapshot),
}

/// One line of the register.
#[derive(Debug, Clone)]
pub struct RegisterEntry {
    /// What it is.
    pub notice: Notice,
    /// Fully, partly or not settled since (for sent and recorded ones).
    pub settlement: Option<Settlement>,
}

impl RegisterEntry {
    fn new(notice: Notice) -> RegisterEntry {
        RegisterEntry {
            notice,
            settlement: None,
        }
    }

    /// A notification made by hand, its settlement not judged.
    pub fn of(row: NotificationRow) -> RegisterEntry {
        RegisterEntry::new(Notice::Manual(row))
    }

    /// The notification's or the action's id.
    pub fn id(&self) -> &str {
        match &self.notice {
            Notice::Manual(n) => &n.id,
            Notice::Automatic(a, _) => &a.action_id,
        }
    }

    /// When it was made (by hand) or went (a process's).
    pub fn at(&self) -> chrono::DateTime<chrono::Utc> {
        match &self.notice {
            Notice::Manual(n) => n.created_at,
            Notice::Automatic(a, _) => a.at,
        }
    }

    /// The debtor's id.
    pub fn debtor_id(&self) -> &str {
        match &self.notice {
            Notice::Manual(n) => &n.debtor_id,
            Notice::Automatic(a, _) => &a.debtor_id,
        }
    }

    /// The debtor's name.
    pub fn debtor_name(&self) -> &str {
        match &self.notice {
            Notice::Manual(n) => &n.debtor_name,
            Notice::Automatic(a, _) => &a.debtor_name,
        }
    }

    /// The channel's code (`sms`, `external_sms`, `call`, `email`, `letter`, …).
    pub fn channel(&self) -> &str {
        match &self.notice {
            Notice::Manual(n) => n.kind.code(),
            Notice::Automatic(a, _) => &a.channel,
        }
    }

    /// `unsent`, `sending`, `sent`, `failed` or `recorded`.
    pub fn status(&self) -> &str {
        match &self.notice {
            Notice::Manual(n) => &n.status,
            Notice::Automatic(a, _) => &a.status,
        }
    }

    /// The provider's final delivery status, once known.
    pub fn delivery_status(&self) -> Option<&str> {
        match &self.notice {
            Notice::Manual(n) => n.delivery_status.as_deref(),
            Notice::Automatic(a, _) => a.delivery_status.as_deref(),
        }
    }

    /// What was sent or said (a process's message: its description).
    pub fn text(&self) -> &str {
        match &self.notice {
            Notice::Manual(n) => &n.text,
            Notice::Automatic(a, _) => a.description.as_deref().unwrap_or_default(),
        }
    }

    /// What was owed when it was made.
    pub fn snapshot(&self) -> &Snapshot {
        match &self.notice {
            Notice::Manual(n) => &n.snapshot,
            Notice::Automatic(_, then) => then,
        }
    }

    /// The notification made by hand, if it is one.
    pub fn manual(&self) -> Option<&NotificationRow> {
        match &self.notice {
            Notice::Manual(n) => Some(n),
            Notice::Automatic(..) => None,
        }
    }

    /// The process's message, if it is one.
    pub fn automatic(&self) -> Option<&AutomaticNotice> {
        match &self.notice {
            Notice::Manual(_) => None,
            Notice::Automatic(a, _) => Some(a),
        }
    }
}

impl App {
    /// The register (R-N5): notifications made by hand and the processes' messages, newest
    /// first, by the filter, each with its settlement after the notice.
    pub async fn notification_register(
        &self,
        tenant: &TenantScope,
        filter: &RegisterFilter,
    ) -> Result<Vec<RegisterEntry>, ServiceError> {
        // A settlement is known only after reading: read more, keep `limit` of the matching.
        let fetch = if filter.settled.is_some() {
            10_000
        } else {
            filter.limit
        };
        let mut entries = self.notices(tenant, filter, fetch).await?;
        let now = self
            .remaining_now(tenant, entries.iter().map(RegisterEntry::snapshot))
            .await?;
        for e in &mut entries {
            e.settlement = settled(e.status(), e.snapshot(), &now);
        }
        entries.retain(|e| filter.settled.is_none() || e.settlement == filter.settled);
        entries.truncate(usize::try_from(filter.limit).unwrap_or(usize::MAX));
        Ok(entries)
    }

    /// The notices the filter picks (its settlement aside), newest first, at most `fetch` of
    /// each source; their settlements not judged.
    async fn notices(
        &self,
        tenant: &TenantScope,
        filter: &RegisterFilter,
        fetch: u32,
    ) -> Result<Vec<RegisterEntry>, ServiceError> {
        let manual = if filter.wants_manual() {
            let f = NotificationFilter {
                kind: filter.channel.as_deref().and_then(NotificationKind::parse),
                limit: fetch,
                ..filter.manual_filter()
            };
            self.store.notifications(tenant, &f).await?
        } else {
            Vec::new()
        };
        let automatic = if filter.wants_automatic() {
            let f = NotificationFilter {
                limit: fetch,
                ..filter.manual_filter()
            };
            self.store
                .automatic_notices(tenant, &f, filter.channel.as_deref())
                .await?
        } else {
            Vec::new()
        };
        let mut entries: Vec<RegisterEntry> = manual
            .into_iter()
            .map(RegisterEntry::of)
            .chain(automatic.into_iter().map(|(a, docs)| {
                let then = snapshot(docs, local_date(a.at));
                RegisterEntry::new(Notice::Automatic(a, then))
            }))
            .collect();
        entries.sort_by(|a, b| b.at().cmp(&a.at()).then_with(|| b.id().cmp(a.id())));
        Ok(entries)
    }

    /// Today's remaining amount of each document the `snapshots` held open (a closed one is
    /// absent): what the settlement after each notice is judged on.
    pub(super) async fn remaining_now<'a>(
        &self,
        tenant: &TenantScope,
        snapshots: impl Iterator<Item = &'a Snapshot>,
    ) -> Result<BTreeMap<String, i64>, ServiceError> {
        let ids: BTreeSet<&str> = snapshots
            .flat_map(|s| s.documents.iter().map(|d| d.id.as_str()))
            .collect();
        let ids: Vec<&str> = ids.into_iter().collect();
        Ok(self.store.open_remaining(tenant, &ids).await?)
    }

    /// The unsent (or failed) SMS notifications the filter picks (its status, when given,
    /// narrows them: `unsent` or `failed`); none when it picks only the processes' or another
    /// channel.
    async fn unsent(
        &self,
        tenant: &TenantScope,
        filter: &RegisterFilter,
    ) -> Result<Vec<String>, ServiceError> {
        let sms = NotificationKind::Sms.code();
        if !filter.wants_manual() || filter.channel.as_deref().is_some_and(|c| c != sms) {
            return Ok(Vec::new());
        }
        let f = NotificationFilter {
            kind: Some(NotificationKind::Sms),
            limit: 10_000,
            ..filter.manual_filter()
        };
        Ok(self
            .store
            .notifications(tenant, &f)
            .await?
            .into_iter()
            .filter(|n| matches!(n.status.as_str(), "unsent" | "failed"))
            .map(|n| n.id)
            .collect())
    }

    /// Sends the register's unsent SMS notifications by the filter as one batch (made once for
    /// `request_id`: a double click makes one), to be sent by [`App::send_batch`] with its
    /// progress, abort and resume. `None` when there is nothing to send.
    pub async fn batch_of_unsent(
        &self,
        tenant: &TenantScope,
        actor: &str,
        request_id: &str,
        filter: &RegisterFilter,
    ) -> Result<Option<String>, ServiceError> {
        let ids = self.unsent(tenant, filter).await?;
        if ids.is_empty() {
            return Ok(None);
        }
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let now = self.clock.now();
        let (id, made) = self
            .store
            .batch_of_unsent(tenant, request_id, actor, &refs, now)
            .await?;
        if made {
            self.store
                .audit(
                    tenant,
                    actor,
                    "notification.batch",
                    &id,
                    &format!("{} SMS z rejestru", ids.len()),
                    now,
                )
                .await?;
        }
        Ok(Some(id))
    }

    /// Deletes the register's unsent SMS notifications by the filter; returns how many (one
    /// sent meanwhile stays).
    pub async fn delete_unsent(
        &self,
        tenant: &TenantScope,
        actor: &str,
        filter: &RegisterFilter,
    ) -> Result<usize, ServiceError> {
        let mut deleted = 0;
        for id in self.unsent(tenant, filter).await? {
            match self.delete_notification(tenant, actor, &id).await {
                Ok(()) => deleted += 1,
                Err(ServiceError::Conflict { .. } | ServiceError::NotFound { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(deleted)
    }

    /// Asks SMSAPI for the delivery of the register's sent SMS (and voice messages) by the
    /// filter whose report never came, and records the final ones as a report would.
    pub async fn check_deliveries(
        &self,
        tenant: &TenantScope,
        filter: &RegisterFilter,
    ) -> Result<DeliveryCheck, ServiceError> {
        let Some(client) = self.engine.channels.sms_account() else {
            return Err(ServiceError::conflict("err-service-delivery-no-sms", &[]));
        };
        let waiting: Vec<(String, bool)> = self
            .notices(tenant, filter, 10_000)
            .await?
            .iter()
            .filter(|e| e.status() == "sent" && e.delivery_status().is_none())
            .filter_map(|e| {
                let provider = match &e.notice {
                    Notice::Manual(n) => n.provider_id.as_deref(),
                    Notice::Automatic(a, _) => a.provider_id.as_deref(),
                }?;
                let voice = e.channel() == Channel::Voice.code();
                (matches!(e.channel(), "sms" | "voice") && !provider.starts_with("test-mode"))
                    .then(|| (provider.to_owned(), voice))
            })
            .collect();
        let mut check = DeliveryCheck::default();
        for (i, (id, voice)) in waiting.iter().enumerate() {
            match client.status(id, *voice).await {
                Ok(s) if s.status.is_final() => {
                    self.store
                        .record_delivery(
                            id,
                            None,
                            s.status.name(),
                            s.status.is_delivered(),
                            self.clock.now(),
                        )
                        .await?;
                    if s.status.is_delivered() {
                        check.delivered += 1;
                    } else {
                        check.undelivered += 1;
                    }
                }
                Ok(_) => check.pending += 1,
                // One message SMSAPI does not know stops nothing; a provider that is down
                // stops the round.
                Err(e) if e.class() == ErrorClass::Permanent => check.unknown += 1,
                Err(e) => {
                    return Err(ServiceError::conflict(
                        "err-service-delivery-provider",
                        &[
                            ("reason", e.to_string().into()),
                            ("count", i64::try_from(i).unwrap_or(i64::MAX).into()),
                            (
                                "total",
                                i64::try_from(waiting.len()).unwrap_or(i64::MAX).into(),
                            ),
                        ],
                    ));
                }
            }
        }
        Ok(check)
    }
}
