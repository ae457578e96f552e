//! The delivery contract between the engine and the channels.
//!
//! # How the engine calls a channel
//!
//! 1. The engine claims an action (its own store) and renders it with
//!    [`crate::template::Template::render`]; for SMS it runs [`crate::sms::prepare`] and shows
//!    the changes to the user when the template is saved.
//! 2. It calls [`Channel::deliver`] with the action's **idempotency key** (stable for the
//!    action: tenant, process, stage, debtor — the same on every retry) and the
//!    [`Outbound`] message. SMSAPI gets the key as `idx` with `check_idx=1`; e-mail gets a
//!    Message-ID derived from it. So a crash between "claimed" and "recorded as sent" followed
//!    by a retry cannot send an SMS twice: SMSAPI refuses the duplicate (error 53 →
//!    [`Outcome::AlreadySent`]) — for 24 hours, so older claims must not be re-delivered
//!    automatically. SMTP cannot refuse a duplicate: an e-mail retry after the relay accepted
//!    the first copy sends a second one with the same Message-ID, recognisable in history and
//!    by mail clients that de-duplicate on it.
//! 3. It records the [`Outcome`]:
//!    - [`Outcome::Sent`]: store `provider_id` (SMSAPI id or Message-ID) and `cost` in history;
//!      for SMS/voice, wait for delivery reports ([`crate::smsapi::DeliveryReport::parse_query`]
//!      in the `notify_url` handler, answering [`crate::smsapi::CALLBACK_REPLY`]) or poll
//!      [`crate::smsapi::SmsapiClient::status`] until a final status.
//!    - [`Outcome::AlreadySent`]: a previous attempt went through; mark the action sent.
//!    - [`Outcome::Failed`]: permanent for this message (bad number, recipient refused):
//!      record it, do not retry, move the process on as configured.
//!    - [`Outcome::Retry`]: transient; the channel already retried with backoff, so schedule
//!      the action again later with the same key.
//!    - [`Outcome::Paused`]: account-level (no points, token or password refused, TLS
//!      misconfigured): pause the channel for the tenant and alert the client; every further
//!      action on that channel would fail the same way.
//!
//! Letters are not an [`Outbound`]: the engine renders them with [`crate::letter::render`],
//! stores the PDF, attaches it to an e-mail ([`crate::letter::RenderedLetter::attachment`]) or
//! adds a registered letter to the day's [`crate::posting::PostingBook`].
//!
//! In test (service) mode (R-C5) the engine is given a [`TestModeRecorder`] instead of the real
//! channels: it records what *would* have been sent and reaches no provider.

use std::pin::Pin;
use std::sync::Mutex;

use inkaso_shared::Phone;
use serde::{Deserialize, Serialize};

use crate::email::{EmailMessage, SmtpSender};
use crate::smsapi::{ErrorClass, Points, SmsMessage, SmsapiClient, SmsapiError, VoiceMessage};
use crate::template::ChannelKind;

/// A message ready for a channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outbound {
    /// An SMS (text already folded by [`crate::sms::prepare`]).
    Sms {
        /// Recipient (a mobile).
        to: Phone,
        /// Text.
        text: String,
        /// Most parts allowed.
        max_parts: Option<u8>,
        /// The firm's own sender name, when it has one; else the service's.
        sender: Option<crate::smsapi::SenderName>,
    },
    /// A voice message read by text to speech.
    Voice {
        /// Recipient.
        to: Phone,
        /// The script.
        tts: String,
    },
    /// An e-mail.
    Email(EmailMessage),
}

impl Outbound {
    /// The channel this message goes through.
    pub fn channel(&self) -> ChannelKind {
        match self {
            Outbound::Sms { .. } => ChannelKind::Sms,
            Outbound::Voice { .. } => ChannelKind::Voice,
            Outbound::Email(_) => ChannelKind::Email,
        }
    }
}

/// What happened to one delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// The provider accepted the message.
    Sent {
        /// SMSAPI id or e-mail Message-ID.
        provider_id: String,
        /// SMSAPI points charged (none for e-mail).
        cost: Option<Points>,
    },
    /// The provider already had a message with this key: a previous attempt went through.
    AlreadySent,
    /// This message cannot be delivered; do not retry.
    Failed {
        /// Why, for history (Polish).
        reason: String,
    },
    /// Try again later with the same key.
    Retry {
        /// Why, for logs.
        reason: String,
    },
    /// The channel cannot send for this tenant until someone fixes the account.
    Paused {
        /// Why, for the client's alert.
        reason: String,
    },
}

impl Outcome {
    fn from_class(class: ErrorClass, reason: String) -> Outcome {
        match class {
            ErrorClass::Permanent => Outcome::Failed { reason },
            ErrorClass::Transient => Outcome::Retry { reason },
            ErrorClass::Account => Outcome::Paused { reason },
            ErrorClass::Duplicate => Outcome::AlreadySent,
        }
    }
}

/// A way to reach debtors.
pub trait Channel: Send + Sync {
    /// Delivers `message` for the action identified by `key`; never panics, every failure is
    /// an [`Outcome`].
    fn deliver(&self, key: &str, message: &Outbound) -> impl Future<Output = Outcome> + Send;
}

/// [`Channel`] behind a pointer: the engine keeps `Arc<dyn DynChannel>` per tenant and channel
/// and swaps in [`TestModeRecorder`] when the tenant is in test mode. Every [`Channel`] is one.
pub trait DynChannel: Send + Sync {
    /// [`Channel::deliver`], boxed.
    fn deliver_boxed<'a>(
        &'a self,
        key: &'a str,
        message: &'a Outbound,
    ) -> Pin<Box<dyn Future<Output = Outcome> + Send + 'a>>;
}

impl<T: Channel> DynChannel for T {
    fn deliver_boxed<'a>(
        &'a self,
        key: &'a str,
        message: &'a Outbound,
    ) -> Pin<Box<dyn Future<Output = Outcome> + Send + 'a>> {
        Box::pin(self.deliver(key, message))
    }
}

/// SMS and voice through SMSAPI.
#[derive(Debug, Clone)]
pub struct SmsapiChannel {
    client: SmsapiClient,
}

impl SmsapiChannel {
    /// The channel over `client`.
    pub fn new(client: SmsapiClient) -> Self {
        SmsapiChannel { client }
    }
}

fn smsapi_outcome(result: Result<crate::smsapi::Accepted, SmsapiError>) -> Outcome {
    match result {
        Ok(a) => Outcome::Sent {
            provider_id: a.id,
            cost: Some(a.points),
        },
        Err(e) => Outcome::from_class(e.class(), e.to_string()),
    }
}

impl Channel for SmsapiChannel {
    async fn deliver(&self, key: &str, message: &Outbound) -> Outcome {
        match message {
            Outbound::Sms {
                to,
                text,
                max_parts,
                sender,
            } => {
                // Folding is idempotent: a text the engine already prepared passes unchanged,
                // and one it did not can never go out as a 70-character Unicode SMS.
                let prepared = match crate::sms::prepare(text, *max_parts, false) {
                    Ok(p) => p,
                    Err(e) => {
                        return Outcome::Failed {
                            reason: e.to_string(),
                        };
                    }
                };
                smsapi_outcome(
                    self.client
                        .send_sms(&SmsMessage {
                            to,
                            text: &prepared.text,
                            idempotency_key: key,
                            max_parts: *max_parts,
                            sender: sender.as_ref(),
                        })
                        .await,
                )
            }
            Outbound::Voice { to, tts } => smsapi_outcome(
                self.client
                    .send_voice(&VoiceMessage {
                        to,
                        tts,
                        idempotency_key: key,
                        lector: None,
                    })
                    .await,
            ),
            Outbound::Email(_) => Outcome::Failed {
                reason: "kanał SMSAPI nie wysyła e-maili".into(),
            },
        }
    }
}

/// E-mail through an SMTP relay.
#[derive(Debug, Clone)]
pub struct EmailChannel {
    sender: SmtpSender,
}

impl EmailChannel {
    /// The channel over `sender`.
    pub fn new(sender: SmtpSender) -> Self {
        EmailChannel { sender }
    }
}

impl Channel for EmailChannel {
    async fn deliver(&self, key: &str, message: &Outbound) -> Outcome {
        match message {
            Outbound::Email(msg) => match self.sender.send(key, msg).await {
                Ok(sent) => Outcome::Sent {
                    provider_id: sent.message_id,
                    cost: None,
                },
                Err(e) => Outcome::from_class(e.class(), e.to_string()),
            },
            _ => Outcome::Failed {
                reason: "kanał e-mail wysyła tylko e-maile".into(),
            },
        }
    }
}

/// One message that would have been sent in test mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// The action's key.
    pub key: String,
    /// The message.
    pub message: Outbound,
}

/// Test (service) mode: records what would be sent, reaches no provider (R-C5). Keys are
/// remembered like SMSAPI's `idx`, so the engine's idempotency is exercised in test mode too.
#[derive(Debug, Default)]
pub struct TestModeRecorder {
    recorded: Mutex<Vec<Recorded>>,
}

impl TestModeRecorder {
    /// An empty recorder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Everything recorded so far.
    pub fn recorded(&self) -> Vec<Recorded> {
        self.recorded
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

impl Channel for TestModeRecorder {
    async fn deliver(&self, key: &str, message: &Outbound) -> Outcome {
        let mut recorded = self
            .recorded
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if recorded.iter().any(|r| r.key == key) {
            return Outcome::AlreadySent;
        }
        recorded.push(Recorded {
            key: key.to_owned(),
            message: message.clone(),
        });
        Outcome::Sent {
            provider_id: format!("test-mode-{}", recorded.len()),
            cost: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[tokio::test]
    async fn test_mode_records_and_refuses_duplicates() {
        let rec = TestModeRecorder::new();
        let sms = Outbound::Sms {
            to: Phone::parse("601 234 567").unwrap(),
            text: "Przypomnienie".into(),
            max_parts: Some(1),
            sender: None,
        };
        assert_eq!(
            rec.deliver("t1/a1", &sms).await,
            Outcome::Sent {
                provider_id: "test-mode-1".into(),
                cost: None
            }
        );
        assert_eq!(rec.deliver("t1/a1", &sms).await, Outcome::AlreadySent);
        let r = rec.recorded();
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].message.channel(), ChannelKind::Sms);
        assert_eq!(r[0].message, sms);
    }

    #[tokio::test]
    async fn channels_work_behind_a_pointer() {
        let recorder = Arc::new(TestModeRecorder::new());
        let channel: Arc<dyn DynChannel> = recorder.clone();
        let voice = Outbound::Voice {
            to: Phone::parse("22 123 45 67").unwrap(),
            tts: "Dzień dobry".into(),
        };
        assert!(matches!(
            channel.deliver_boxed("k", &voice).await,
            Outcome::Sent { .. }
        ));
        assert_eq!(recorder.recorded()[0].message.channel(), ChannelKind::Voice);
    }

    #[test]
    fn classes_map_to_outcomes() {
        assert_eq!(
            Outcome::from_class(ErrorClass::Account, "x".into()),
            Outcome::Paused { reason: "x".into() }
        );
        assert_eq!(
            Outcome::from_class(ErrorClass::Duplicate, "x".into()),
            Outcome::AlreadySent
        );
        let json = serde_json::to_value(Outcome::Failed {
            reason: "zły numer".into(),
        })
        .unwrap();
        assert_eq!(json["outcome"], "failed");
    }
}
