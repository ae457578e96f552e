//! The rules a firm's channel settings must meet before they are saved: a creditor whose
//! letters can be posted and paid (name, address, a bank account that passes its checksum),
//! sane reply-to and copy addresses, an SMS sender name SMSAPI accepts, and bounded
//! deadlines. Checked here once, so the JSON API and the portal refuse the same things with the
//! same words.

use std::str::FromStr;

use iban::{Iban, IbanLike as _};

use super::Invalid;
use crate::process::compose::ChannelSettings;

/// Days a payment deadline in a message may give.
pub const DEADLINE_DAYS: std::ops::RangeInclusive<u16> = 1..=60;
/// Days an employee may be given for a task.
pub const TASK_DAYS: std::ops::RangeInclusive<u16> = 1..=60;

/// A bank account as Polish firms write it — an NRB (26 digits, spaces allowed) or an IBAN
/// (`PL61 1090 …`, or another country's) — checked against the IBAN checksum and the
/// country's format, and returned in the usual print form (`61 1090 1014 0000 0712 1981 2874`
/// for an NRB, grouped by four for an IBAN).
pub fn bank_account(text: &str) -> Result<String, Invalid> {
    let compact: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect::<String>()
        .to_ascii_uppercase();
    let refuse = || {
        Invalid::new(
            "creditor.bank_account",
            "err-domain-bank-account",
            &[("account", text.trim().into())],
        )
    };
    let nrb = compact.len() == 26 && compact.bytes().all(|b| b.is_ascii_digit());
    let iban_text = if nrb { format!("PL{compact}") } else { compact };
    let iban = Iban::from_str(&iban_text).map_err(|_| refuse())?;
    if iban.country_code() == "PL" {
        // The NRB print form: the check digits, then groups of four.
        let digits = &iban.electronic_str()[2..];
        let mut out = String::from(&digits[..2]);
        for chunk in digits.as_bytes()[2..].chunks(4) {
            out.push(' ');
            out.push_str(std::str::from_utf8(chunk).map_err(|_| refuse())?);
        }
        Ok(out)
    } else {
        Ok(iban.to_string())
    }
}

/// Checks `settings` and returns them with the bank account in its print form.
pub fn check_channel_settings(mut settings: ChannelSettings) -> Result<ChannelSettings, Invalid> {
    if let Some(c) = settings.creditor.as_mut() {
        for (field, value, required) in [
            (
                "creditor.name",
                &c.name,
                "err-domain-creditor-name-required",
            ),
            (
                "creditor.street",
                &c.street,
                "err-domain-creditor-street-required",
            ),
            (
                "creditor.postcode_city",
                &c.postcode_city,
                "err-domain-creditor-postcode-required",
            ),
        ] {
            if value.trim().is_empty() {
                return Err(Invalid::new(field, required, &[]));
            }
        }
        let pc = c.postcode_city.trim();
        let postcode_ok = pc.len() > 7
            && pc.as_bytes()[..6].iter().enumerate().all(|(i, b)| {
                if i == 2 {
                    *b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            })
            && pc.as_bytes()[6] == b' ';
        if !postcode_ok {
            return Err(Invalid::new(
                "creditor.postcode_city",
                "err-domain-postcode",
                &[("text", pc.into())],
            ));
        }
        c.bank_account = bank_account(&c.bank_account)?;
    }
    if let Some(sender) = settings.sms.sender.take() {
        let sender = sender.trim();
        if !sender.is_empty() {
            let name = inkaso_channels::smsapi::SenderName::parse(sender)
                .map_err(|e| Invalid::of("sms.sender", &e))?;
            settings.sms.sender = Some(name.as_str().to_owned());
        }
    }
    check_inbound(&mut settings.sms)?;
    if !DEADLINE_DAYS.contains(&settings.deadline_days) {
        return Err(Invalid::new(
            "deadline_days",
            "err-domain-deadline-days",
            &[],
        ));
    }
    if !TASK_DAYS.contains(&settings.tasks.due_days) {
        return Err(Invalid::new("tasks.due_days", "err-domain-task-days", &[]));
    }
    Ok(settings)
}

/// Balance queries a firm may answer per number and day (each reply costs it an SMS).
pub const BALANCE_DAILY_LIMITS: std::ops::RangeInclusive<u32> = 1..=20;

/// The inbound SMS settings: the two-way number as E.164, the keyword one word in capitals,
/// the reply templates with known tags only, the payment page over https. Blank means none.
fn check_inbound(sms: &mut crate::process::compose::SmsSettings) -> Result<(), Invalid> {
    let blank = |v: &mut Option<String>| {
        if v.as_deref().is_some_and(|t| t.trim().is_empty()) {
            *v = None;
        }
    };
    for v in [
        &mut sms.inbound_number,
        &mut sms.inbound_keyword,
        &mut sms.balance_reply_pl,
        &mut sms.balance_reply_en,
        &mut sms.payment_link,
    ] {
        blank(v);
    }
    if let Some(number) = sms.inbound_number.as_mut() {
        let phone = inkaso_shared::Phone::parse(number)
            .map_err(|e| Invalid::of("sms.inbound_number", &e))?;
        phone.e164().clone_into(number);
    }
    if let Some(keyword) = sms.inbound_keyword.as_mut() {
        let k = keyword.trim();
        if !(2..=20).contains(&k.chars().count()) || !k.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(Invalid::new(
                "sms.inbound_keyword",
                "err-domain-inbound-keyword",
                &[("text", k.into())],
            ));
        }
        *keyword = k.to_ascii_uppercase();
    }
    for (field, template) in [
        ("sms.balance_reply_pl", &sms.balance_reply_pl),
        ("sms.balance_reply_en", &sms.balance_reply_en),
    ] {
        if let Some(tag) = template.as_deref().and_then(super::inbound::unknown_tag) {
            return Err(Invalid::new(
                field,
                "err-domain-reply-tag",
                &[
                    ("tag", tag.into()),
                    ("known", super::inbound::REPLY_TAGS.join(", ").into()),
                ],
            ));
        }
    }
    if let Some(link) = sms.payment_link.as_mut() {
        *link = link.trim().to_owned();
        if !link.starts_with("https://") || link.contains(char::is_whitespace) {
            return Err(Invalid::new(
                "sms.payment_link",
                "err-domain-payment-link",
                &[("text", link.as_str().into())],
            ));
        }
    }
    if !BALANCE_DAILY_LIMITS.contains(&sms.balance_daily_limit) {
        return Err(Invalid::new(
            "sms.balance_daily_limit",
            "err-domain-balance-limit",
            &[
                ("min", (*BALANCE_DAILY_LIMITS.start()).into()),
                ("max", (*BALANCE_DAILY_LIMITS.end()).into()),
            ],
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_in_the_forms_firms_write_them() {
        // The example NRB of the Polish banking standard, with and without PL and spaces.
        for text in [
            "61109010140000071219812874",
            "61 1090 1014 0000 0712 1981 2874",
            "PL61 1090 1014 0000 0712 1981 2874",
            "pl61109010140000071219812874",
        ] {
            assert_eq!(
                bank_account(text).unwrap(),
                "61 1090 1014 0000 0712 1981 2874",
                "{text}"
            );
        }
        assert_eq!(
            bank_account("DE89 3704 0044 0532 0130 00").unwrap(),
            "DE89 3704 0044 0532 0130 00"
        );
        for bad in ["61109010140000071219812875", "1234", "", "PL61 1090 1014"] {
            let e = bank_account(bad).unwrap_err();
            assert_eq!(e.field, "creditor.bank_account");
        }
    }
}
