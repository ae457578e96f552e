//! Notifications made by hand (R-N4, R-N5): an SMS the system sends, an SMS sent from a phone
//! or a call, recorded — each with a note, maybe a promised payment day (which also pauses the
//! debtor's collection until then, as a promise on the debtor's page does), and a snapshot of
//! what the debtor owed. An SMS is sent only to a consented mobile of an active debtor not
//! excluded from collection — checked when it is made and again when it is sent (a "STOP" may
//! have come in between); sent and recorded notifications are read-only and stay; unsent (or
//! failed) ones may be sent or deleted. A sent or recorded notification is a contact: the
//! stages' "skip if contacted within X days" counts it. The register lists them with the
//! settlement after each notice. The rules: `domain::notifications`.

use chrono::NaiveDate;
use inkaso_channels::delivery::{Outbound, Outcome};
use inkaso_channels::smsapi::SenderName;
use inkaso_shared::{Lang, Phone};

use super::collection::NewPauseOrder;
use super::register::settled;
use super::{App, ServiceError};
use crate::domain::Invalid;
use crate::domain::notifications::{NotificationKind, Settlement, Snapshot, check_new, snapshot};
use crate::i18n;
use crate::process::calendar::local_date;
use crate::process::compose::ChannelSettings;
use crate::process::{Channel, PauseKind};
use crate::store::TenantScope;
use crate::store::collection::DebtorRef;
use crate::store::notifications::{NewNotification, NotificationFilter, NotificationRow};
use crate::store::processes::DebtorCollectionChange;

/// A notification to make.
#[derive(Debug, Clone)]
pub struct NotificationOrder {
    /// SMS, external SMS or call.
    pub kind: NotificationKind,
    /// The SMS, or what was said.
    pub text: String,
    /// A note for the firm.
    pub note: Option<String>,
    /// The day the debtor promised to pay by.
    pub promise_date: Option<NaiveDate>,
    /// Send the SMS at once (else it waits, unsent, to be sent or deleted).
    pub send_now: bool,
}

/// An SMS the firm sent outside the engine.
#[derive(Debug, Clone)]
pub(crate) struct SmsSent {
    /// SMSAPI's id (none when it had the key already: sent before).
    pub provider_id: Option<String>,
    /// Recorded by test mode, not sent.
    pub test_mode: bool,
}

/// A notification with what became of the debts open when it was made.
#[derive(Debug, Clone)]
pub struct NotificationView {
    /// The stored notification.
    pub row: NotificationRow,
    /// Fully, partly or not settled since (for sent and recorded ones).
    pub settlement: Option<Settlement>,
}

impl App {
    /// Makes a notification for the debtor; returns its id.
    pub async fn create_notification(
        &self,
        tenant: &TenantScope,
        actor: &str,
        debtor_id: &str,
        order: NotificationOrder,
    ) -> Result<String, ServiceError> {
        let now = self.clock.now();
        let today = local_date(now);
        check_new(order.kind, &order.text, order.promise_date, today)?;
        let debtor = self.store.debtor_ref(tenant, debtor_id).await?;
        let (text, to_number) = if order.kind.is_sent_by_us() {
            let to = self.sms_target(tenant, &debtor).await?;
            let prepared =
                inkaso_channels::sms::prepare(&order.text, None, false).map_err(|e| {
                    Invalid::new(
                        "text",
                        "err-service-notification-sms",
                        &[("reason", e.to_string().into())],
                    )
                })?;
            (prepared.text, Some(to.e164().to_owned()))
        } else {
            (order.text.trim().to_owned(), None)
        };
        let snap = self.debtor_snapshot(tenant, debtor_id).await?;
        let note = order
            .note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty());
        let status = if order.kind.is_sent_by_us() {
            "unsent"
        } else {
            "recorded"
        };
        let id = self
            .store
            .insert_notification(
                tenant,
                &NewNotification {
                    debtor_id,
                    kind: order.kind,
                    status,
                    text: &text,
                    note,
                    promise_date: order.promise_date,
                    snapshot: &snap,
                    author: actor,
                    to_number: to_number.as_deref(),
                },
                now,
            )
            .await?;
        self.store
            .audit(
                tenant,
                actor,
                "notification.create",
                &id,
                order.kind.code(),
                now,
            )
            .await?;
        if let Some(until) = order.promise_date {
            let reason = note.unwrap_or(&text).to_owned();
            self.add_pause(
                tenant,
                actor,
                debtor_id,
                NewPauseOrder {
                    kind: PauseKind::PromiseToPay,
                    until: Some(until),
                    reason,
                    document_id: None,
                },
            )
            .await?;
        }
        if !order.kind.is_sent_by_us() {
            self.contacted(tenant, &debtor).await?;
        } else if order.send_now {
            self.send_notification(tenant, actor, &id).await?;
        }
        Ok(id)
    }

    /// Sends an unsent (or failed) SMS notification, checking the debtor again first.
    pub async fn send_notification(
        &self,
        tenant: &TenantScope,
        actor: &str,
        id: &str,
    ) -> Result<NotificationRow, ServiceError> {
        let n = self.store.notification(tenant, id).await?;
        // "sending" may be a claim lost with its replica: the claim below decides.
        if n.kind != NotificationKind::Sms || matches!(n.status.as_str(), "sent" | "recorded") {
            return Err(ServiceError::conflict("err-service-notification-sent", &[]));
        }
        let debtor = self.store.debtor_ref(tenant, &n.debtor_id).await?;
        let to = self.sms_target(tenant, &debtor).await?;
        let now = self.clock.now();
        if !self.store.claim_notification(tenant, id, now).await? {
            return Err(ServiceError::conflict("err-service-notification-sent", &[]));
        }
        let settings = self.store.channel_settings(tenant).await?;
        // The same key on every attempt: SMSAPI refuses a second SMS with it.
        let key = format!("notification:{tenant}:{id}");
        let outcome = self
            .send_firm_sms(tenant, &settings, &key, to, &n.text)
            .await?
            .map(|sent| sent.provider_id);
        self.store
            .finish_notification(
                tenant,
                id,
                outcome
                    .as_ref()
                    .map(Option::as_deref)
                    .map_err(String::as_str),
                now,
            )
            .await?;
        self.store
            .audit(
                tenant,
                actor,
                "notification.send",
                id,
                if outcome.is_ok() { "sent" } else { "failed" },
                now,
            )
            .await?;
        if outcome.is_ok() {
            self.contacted(tenant, &debtor).await?;
        }
        Ok(self.store.notification(tenant, id).await?)
    }

    /// Sends one SMS from the firm now, outside the engine (a notification, a reply to a
    /// debtor), under `key` — SMSAPI refuses a second SMS with the same key: through the
    /// test-mode recorder when the firm is in test mode, else its SMS channel. The inner `Err`
    /// says why it did not go.
    pub(crate) async fn send_firm_sms(
        &self,
        tenant: &TenantScope,
        settings: &ChannelSettings,
        key: &str,
        to: Phone,
        text: &str,
    ) -> Result<Result<SmsSent, String>, ServiceError> {
        let test_mode = self.store.collection_settings(tenant).await?.test_mode;
        let adapter = if test_mode {
            Some(self.engine.channels.test_mode())
        } else {
            self.engine.channels.sms()
        };
        let Some(adapter) = adapter else {
            return Ok(Err(i18n::text(Lang::Pl, "sms-no-channel")));
        };
        let message = Outbound::Sms {
            to,
            text: text.to_owned(),
            max_parts: None,
            sender: settings
                .sms
                .sender
                .as_deref()
                .and_then(|s| SenderName::parse(s).ok()),
        };
        Ok(match adapter.deliver_boxed(key, &message).await {
            Outcome::Sent { provider_id, .. } => Ok(SmsSent {
                provider_id: Some(provider_id),
                test_mode,
            }),
            Outcome::AlreadySent => Ok(SmsSent {
                provider_id: None,
                test_mode,
            }),
            Outcome::Failed { reason } | Outcome::Retry { reason } | Outcome::Paused { reason } => {
                Err(reason)
            }
        })
    }

    /// One notification.
    pub async fn notification(
        &self,
        tenant: &TenantScope,
        id: &str,
    ) -> Result<NotificationRow, ServiceError> {
        Ok(self.store.notification(tenant, id).await?)
    }

    /// Deletes a notification that was never sent; a sent or recorded one stays.
    pub async fn delete_notification(
        &self,
        tenant: &TenantScope,
        actor: &str,
        id: &str,
    ) -> Result<(), ServiceError> {
        if !self.store.delete_unsent_notification(tenant, id).await? {
            // Not found is 404; found is sent.
            self.store.notification(tenant, id).await?;
            return Err(ServiceError::conflict("err-service-notification-sent", &[]));
        }
        self.store
            .audit(
                tenant,
                actor,
                "notification.delete",
                id,
                "",
                self.clock.now(),
            )
            .await?;
        Ok(())
    }

    /// The debtor's notifications (newest first, at most `limit`) and what it owes now, for
    /// its page: each notification's figures then beside today's.
    pub async fn debtor_notifications(
        &self,
        tenant: &TenantScope,
        debtor_id: &str,
        limit: u32,
    ) -> Result<(Vec<NotificationView>, Snapshot), ServiceError> {
        let filter = NotificationFilter {
            debtor_id: Some(debtor_id.to_owned()),
            limit,
            ..NotificationFilter::default()
        };
        let rows = self.store.notifications(tenant, &filter).await?;
        let now = self
            .remaining_now(tenant, rows.iter().map(|r| &r.snapshot))
            .await?;
        let list = rows
            .into_iter()
            .map(|row| NotificationView {
                settlement: settled(&row.status, &row.snapshot, &now),
                row,
            })
            .collect();
        Ok((list, self.debtor_snapshot(tenant, debtor_id).await?))
    }

    /// What the debtor owes now, as a notification's snapshot keeps it.
    pub async fn debtor_snapshot(
        &self,
        tenant: &TenantScope,
        debtor_id: &str,
    ) -> Result<Snapshot, ServiceError> {
        let today = local_date(self.clock.now());
        let open = self
            .store
            .snapshot_documents_of(tenant, &[debtor_id])
            .await?
            .remove(debtor_id)
            .unwrap_or_default();
        Ok(snapshot(open, today))
    }

    /// The mobile an SMS may go to, or why not: the debtor active and not excluded, its SMS
    /// contact a mobile with consent (when the firm's policy asks for it, as by default).
    async fn sms_target(
        &self,
        tenant: &TenantScope,
        debtor: &DebtorRef,
    ) -> Result<Phone, ServiceError> {
        let state = self.store.collection_state(tenant, debtor).await?;
        match state.legal_status.as_str() {
            "deceased" => {
                return Err(ServiceError::conflict(
                    "err-service-notification-deceased",
                    &[],
                ));
            }
            "bankrupt" => {
                return Err(ServiceError::conflict(
                    "err-service-notification-bankrupt",
                    &[],
                ));
            }
            _ => {}
        }
        if state.excluded {
            return Err(ServiceError::conflict(
                "err-service-notification-excluded",
                &[],
            ));
        }
        let today = local_date(self.clock.now());
        let detail = self
            .store
            .debtor_detail(tenant, &debtor.debtor_id, today)
            .await?;
        let contact = detail.contacts.iter().find(|c| c.channel == "sms");
        let Some((contact, phone)) = contact.and_then(|c| {
            Phone::parse(&c.value)
                .ok()
                .filter(Phone::is_mobile)
                .map(|p| (c, p))
        }) else {
            return Err(Invalid::new("kind", "err-service-notification-no-mobile", &[]).into());
        };
        let policy = self.store.collection_settings(tenant).await?.policy;
        if policy.channels.consent_required.contains(&Channel::Sms) && contact.consent != Some(true)
        {
            return Err(ServiceError::conflict(
                "err-service-notification-no-consent",
                &[("number", phone.e164().into())],
            ));
        }
        Ok(phone)
    }

    /// Records a contact with the debtor now (the stages' "skip if contacted within X days").
    async fn contacted(
        &self,
        tenant: &TenantScope,
        debtor: &DebtorRef,
    ) -> Result<(), ServiceError> {
        let now = self.clock.now();
        let change = DebtorCollectionChange {
            last_contact_at: Some(now),
            ..DebtorCollectionChange::default()
        };
        self.store
            .update_debtor_collection(tenant, &debtor.agent_id, &debtor.external_id, &change, now)
            .await?;
        self.plans_changed(tenant);
        Ok(())
    }
}
