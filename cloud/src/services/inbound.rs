//! SMS from debtors to a firm's two-way number (R-N8, R-N3), one use case: a message comes in
//! (SMSAPI's inbound callback), the firm it is for is found, and
//! - "Saldo" is answered with what the number's debtor owes — within the firm's daily limit
//!   per number, then one polite refusal, then silence; an unknown number, several debtors on
//!   one number and a deceased debtor get a reply that discloses nothing;
//! - "STOP" (and its Polish forms) withdraws the number's SMS consent at once, the message
//!   named as its source — every sending path reads that consent — and is confirmed by one reply;
//! - anything else is kept for the firm to read.
//!
//! Every message and reply is logged (`store::inbound`) and shown in the portal; a firm in test
//! mode gets the same log and decisions, and its replies reach no provider. A redelivered
//! message (SMSAPI's same `MsgId`) changes nothing twice and is never answered twice. What a
//! text means and what a reply says: `domain::inbound`.

use std::fmt::Write as _;

use chrono::NaiveDate;
use inkaso_channels::smsapi::InboundSms;
use inkaso_shared::money::display_stored;
use inkaso_shared::{Lang, Phone};

use super::{App, ServiceError};
use crate::domain::inbound::{
    Allowance, Command, ReplyValues, allowance, balance, classify, render_reply,
};
use crate::i18n;
use crate::process::LegalStatus;
use crate::process::calendar::local_date;
use crate::process::compose::ChannelSettings;
use crate::store::TenantScope;
use crate::store::inbound::{InboundRow, MobileOwner, NewInbound, Route};
use crate::store::query::ConsentChange;

/// What became of an inbound SMS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Received {
    /// No firm claims the number or the keyword: logged by the service, not answered.
    NotOurs,
    /// SMSAPI delivered it before: nothing done again.
    Again,
    /// Handled for the firm.
    Handled {
        /// The firm.
        tenant: TenantScope,
        /// What was decided (`answered`, `unknown_number`, `consent_withdrawn`, …).
        outcome: &'static str,
        /// The reply, if any.
        reply: Option<String>,
    },
}

/// What to do with one message.
struct Decision<'a> {
    outcome: &'static str,
    debtor: Option<&'a MobileOwner>,
    reply: Option<String>,
}

/// The consent source a withdrawal by SMS records: the message it came in.
pub fn stop_source(msg_id: &str) -> String {
    format!("sms:{msg_id}")
}

impl App {
    /// Handles one SMS a debtor sent (see the module's doc).
    pub async fn receive_sms(&self, sms: &InboundSms) -> Result<Received, ServiceError> {
        let now = self.clock.now();
        let to = sms.to.as_deref().and_then(|t| Phone::parse(t).ok());
        let Some(route) = self.store.route_inbound_sms(to.as_ref(), &sms.text).await? else {
            tracing::warn!(msg_id = %sms.msg_id, "an inbound SMS no firm claims: not answered");
            return Ok(Received::NotOurs);
        };
        let tenant = &route.scope;
        let from = Phone::parse(&sms.from).ok();
        let from_text = from
            .as_ref()
            .map_or_else(|| sms.from.trim().to_owned(), |p| p.e164().to_owned());
        let received_at = sms.received_at.unwrap_or(now);
        let local_day = local_date(received_at);
        let owners = match &from {
            Some(phone) => self.store.mobile_owners(tenant, phone).await?,
            None => Vec::new(),
        };
        let command = classify(&route.text);
        let decision = match command {
            Command::Balance(lang) => {
                self.balance_decision(&route, &from_text, local_day, &owners, lang)
                    .await?
            }
            Command::Stop => Decision {
                outcome: if owners.is_empty() {
                    "stop_unknown_number"
                } else {
                    "consent_withdrawn"
                },
                debtor: single(&owners),
                // Confirmed only to a number the firm knows (and in Polish: "STOP" has no
                // language of its own).
                reply: (!owners.is_empty()).then(|| i18n::text(Lang::Pl, "sms-stop-confirmed")),
            },
            Command::Other => Decision {
                outcome: "recorded",
                debtor: single(&owners),
                reply: None,
            },
        };
        let reply = decision.reply.as_deref().and_then(|text| {
            inkaso_channels::sms::prepare(text, None, false)
                .map(|p| p.text)
                .ok()
        });
        if command == Command::Stop && !self.store.inbound_seen(tenant, &sms.msg_id).await? {
            // Before the log: a crash between the two leaves the consent withdrawn and the
            // redelivery recorded, never a logged STOP with the consent still given.
            let source = stop_source(&sms.msg_id);
            for owner in &owners {
                let change = ConsentChange {
                    channel: "sms",
                    consent: false,
                    source: &source,
                    actor: "sms",
                    basis: None,
                };
                self.store
                    .set_consent(tenant, &owner.debtor_id, &change, now)
                    .await?;
            }
            self.plans_changed(tenant);
        }
        let logged = NewInbound {
            provider_msg_id: &sms.msg_id,
            received_at,
            local_day,
            from_number: &from_text,
            to_number: sms.to.as_deref(),
            text: &sms.text,
            command: command.code(),
            outcome: decision.outcome,
            debtor_id: decision.debtor.map(|d| d.debtor_id.as_str()),
            reply_text: reply.as_deref(),
        };
        let Some(inbound_id) = self.store.record_inbound(tenant, &logged).await? else {
            return Ok(Received::Again);
        };
        tracing::info!(tenant = %tenant, command = command.code(), outcome = decision.outcome, "inbound SMS");
        if let (Some(text), Some(to)) = (&reply, from) {
            self.send_reply(tenant, &route.settings, &inbound_id, to, text)
                .await?;
        }
        Ok(Received::Handled {
            tenant: tenant.clone(),
            outcome: decision.outcome,
            reply,
        })
    }

    async fn balance_decision<'a>(
        &self,
        route: &Route,
        from: &str,
        local_day: NaiveDate,
        owners: &'a [MobileOwner],
        lang: Lang,
    ) -> Result<Decision<'a>, ServiceError> {
        let tenant = &route.scope;
        let earlier = self
            .store
            .balance_queries_on(tenant, from, local_day)
            .await?;
        let neutral = |outcome| Decision {
            outcome,
            debtor: None,
            reply: Some(i18n::text(lang, "sms-balance-unknown")),
        };
        Ok(
            match allowance(earlier, route.settings.sms.balance_daily_limit) {
                Allowance::Silent => Decision {
                    outcome: "limit_silent",
                    debtor: single(owners),
                    reply: None,
                },
                Allowance::RefuseOnce => Decision {
                    outcome: "limit_reached",
                    debtor: single(owners),
                    reply: Some(i18n::text(lang, "sms-balance-limit")),
                },
                Allowance::Answer => match owners {
                    [] => neutral("unknown_number"),
                    [owner] if owner.legal_status == LegalStatus::Deceased => Decision {
                        debtor: Some(owner),
                        ..neutral("deceased")
                    },
                    [owner] => {
                        let docs = self.store.open_documents_of(tenant, owner).await?;
                        let name = match &route.settings.creditor {
                            Some(c) => c.name.clone(),
                            None => self.store.tenant(tenant).await?.name,
                        };
                        Decision {
                            outcome: "answered",
                            debtor: Some(owner),
                            reply: Some(balance_reply(
                                &route.settings,
                                &name,
                                &docs,
                                local_day,
                                lang,
                            )),
                        }
                    }
                    _ => neutral("several_debtors"),
                },
            },
        )
    }

    async fn send_reply(
        &self,
        tenant: &TenantScope,
        settings: &ChannelSettings,
        inbound_id: &str,
        to: Phone,
        text: &str,
    ) -> Result<(), ServiceError> {
        let key = format!("inbound:{tenant}:{inbound_id}");
        let (status, detail) = match self.send_firm_sms(tenant, settings, &key, to, text).await? {
            Ok(sent) => (
                if sent.test_mode { "test_mode" } else { "sent" },
                sent.provider_id,
            ),
            Err(reason) => {
                tracing::warn!(tenant = %tenant, %reason, "reply to an inbound SMS not sent");
                ("failed", Some(reason))
            }
        };
        self.store
            .set_inbound_reply(tenant, inbound_id, status, detail.as_deref())
            .await?;
        Ok(())
    }

    /// The firm's inbound SMS, newest first (at most `limit`; one command's when given).
    pub async fn inbound_log(
        &self,
        tenant: &TenantScope,
        command: Option<&str>,
        limit: u32,
    ) -> Result<Vec<InboundRow>, ServiceError> {
        Ok(self.store.inbound_log(tenant, command, limit).await?)
    }
}

fn single(owners: &[MobileOwner]) -> Option<&MobileOwner> {
    match owners {
        [one] => Some(one),
        _ => None,
    }
}

/// Amounts per currency joined (`402,50 zł + 10,00 EUR`); nothing owed is `0,00 zł`.
fn amounts(per_currency: &[(String, i64)]) -> String {
    if per_currency.is_empty() {
        return display_stored(0, "PLN");
    }
    let mut out = String::new();
    for (i, (currency, minor)) in per_currency.iter().enumerate() {
        if i > 0 {
            out.push_str(" + ");
        }
        let _ = write!(out, "{}", display_stored(*minor, currency));
    }
    out
}

/// The balance reply in `lang`: the firm's template, or the catalogue's.
fn balance_reply(
    settings: &ChannelSettings,
    creditor: &str,
    docs: &[crate::domain::inbound::OpenDocument],
    today: NaiveDate,
    lang: Lang,
) -> String {
    let b = balance(docs, today);
    let none = i18n::text(lang, "sms-balance-none");
    let values = ReplyValues {
        balance: amounts(&b.totals),
        overdue: amounts(&b.overdue),
        next_due: b
            .next_due
            .map_or_else(|| none.clone(), |d| i18n::date(lang, d)),
        oldest: b.oldest_overdue.map_or(none, |(number, due)| {
            i18n::text_with(
                lang,
                "sms-balance-oldest",
                &[
                    ("number", number.into()),
                    ("due", i18n::date(lang, due).into()),
                ],
            )
        }),
        account: settings
            .creditor
            .as_ref()
            .map(|c| c.bank_account.clone())
            .unwrap_or_default(),
        payment_link: settings.sms.payment_link.clone().unwrap_or_default(),
        creditor: creditor.to_owned(),
    };
    let own = match lang {
        Lang::Pl => settings.sms.balance_reply_pl.as_deref(),
        Lang::En => settings.sms.balance_reply_en.as_deref(),
    };
    let template = own.map_or_else(|| i18n::text(lang, "sms-balance-reply"), str::to_owned);
    render_reply(&template, &values)
}
