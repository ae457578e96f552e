//! What one due action becomes before any channel is called: the rendered SMS, voice script or
//! e-mail, the demand letter's request, the task. Pure: the runner hands in the debtor's rows,
//! the tenant's channel settings and the stage's stored template, and performs the result.
//!
//! Why here and not in the channels crate: the channels know how to render and deliver one
//! message; which documents, which creditor, which deadline and which letter belong to an
//! action are the engine's decisions.

use chrono::{Datelike as _, Duration, NaiveDate};
use inkaso_channels::delivery::Outbound;
use inkaso_channels::email::EmailMessage;
use inkaso_channels::letter::{Addressee, ClaimKind, LetterDocument, LetterKind, LetterRequest};
use inkaso_channels::template::{
    ChannelKind, ContactReason, Creditor, DocumentLine, RenderContext, Template, TemplateError,
};
use inkaso_channels::{letter::LetterRates, sms};
use inkaso_shared::{DebtorKind, Email, Lang, Localized};
use serde::{Deserialize, Serialize};

use super::model::{DemandTitle, Stage};
use super::planner::Decision;
use crate::i18n;
use crate::process::state::DebtorRows;

/// The tenant's settings the channels need, kept per tenant (`channel_settings`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelSettings {
    /// The creditor printed in letters and offered to templates; letters need it complete.
    #[serde(default)]
    pub creditor: Option<Creditor>,
    /// Letters and registered letters.
    #[serde(default)]
    pub letters: LetterSettings,
    /// E-mail.
    #[serde(default)]
    pub email: EmailSettings,
    /// Tasks.
    #[serde(default)]
    pub tasks: TaskSettings,
    /// SMS.
    #[serde(default)]
    pub sms: SmsSettings,
    /// Payment deadline given in messages and letters, in days from the message's date.
    #[serde(default = "default_deadline_days")]
    pub deadline_days: u16,
}

fn default_deadline_days() -> u16 {
    7
}

impl Default for ChannelSettings {
    fn default() -> Self {
        ChannelSettings {
            creditor: None,
            letters: LetterSettings::default(),
            email: EmailSettings::default(),
            tasks: TaskSettings::default(),
            sms: SmsSettings::default(),
            deadline_days: default_deadline_days(),
        }
    }
}

/// How letters are made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LetterSettings {
    /// Place of issue printed beside the date; the creditor's city when empty.
    #[serde(default)]
    pub place: String,
    /// Registered-mail category in the posting book.
    #[serde(default = "default_category")]
    pub category: inkaso_channels::posting::RegisteredCategory,
    /// Registered letters go with a return receipt ("za potwierdzeniem odbioru").
    #[serde(default = "yes")]
    pub return_receipt: bool,
    /// Interest tables and the EUR rate for the compensation.
    #[serde(default = "LetterRates::polish_statutory")]
    pub rates: LetterRates,
}

fn default_category() -> inkaso_channels::posting::RegisteredCategory {
    inkaso_channels::posting::RegisteredCategory::Priorytetowa
}

fn yes() -> bool {
    true
}

impl Default for LetterSettings {
    fn default() -> Self {
        LetterSettings {
            place: String::new(),
            category: default_category(),
            return_receipt: true,
            rates: LetterRates::polish_statutory(),
        }
    }
}

/// E-mail settings beyond the SMTP relay (which is the service's).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmailSettings {
    /// Where debtors' replies go (the firm's accountant, not the relay).
    #[serde(default)]
    pub reply_to: Option<Email>,
    /// Blind copies per stage code (seed `001_…`: "Wyślij kopię do").
    #[serde(default)]
    pub stage_bcc: std::collections::BTreeMap<String, Vec<Email>>,
    /// Who gets the run report (R-P8) after each run that sent or failed something.
    #[serde(default)]
    pub report_to: Vec<Email>,
}

/// SMS settings beyond the provider's account (which is the service's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmsSettings {
    /// The firm's own sender name, registered in the provider's panel (SMSAPI's rules, see
    /// [`inkaso_channels::smsapi::SenderName`]); the service's when `None`.
    #[serde(default)]
    pub sender: Option<String>,
    /// The firm's two-way number debtors text ("Saldo", "STOP"), E.164: SMS to it are the
    /// firm's (`crate::domain::inbound`).
    #[serde(default)]
    pub inbound_number: Option<String>,
    /// The firm's keyword on a number shared by several firms (`HURT SALDO`): SMS starting
    /// with it are the firm's.
    #[serde(default)]
    pub inbound_keyword: Option<String>,
    /// The firm's balance reply in Polish (tags: `crate::domain::inbound::REPLY_TAGS`); the
    /// catalogue's when `None`.
    #[serde(default)]
    pub balance_reply_pl: Option<String>,
    /// The same in English (a debtor who texts `BALANCE`).
    #[serde(default)]
    pub balance_reply_en: Option<String>,
    /// The firm's payment page, offered in balance replies (`<link_platnosci>`).
    #[serde(default)]
    pub payment_link: Option<String>,
    /// Balance queries answered per number and day; the next gets one polite refusal.
    #[serde(default = "default_balance_daily_limit")]
    pub balance_daily_limit: u32,
    /// What one SMS part costs the firm, in grosze (its SMSAPI price list), for the cost a mass
    /// notification's preview shows; unknown when `None`.
    #[serde(default)]
    pub part_price_grosze: Option<u32>,
}

fn default_balance_daily_limit() -> u32 {
    3
}

impl Default for SmsSettings {
    fn default() -> Self {
        SmsSettings {
            sender: None,
            inbound_number: None,
            inbound_keyword: None,
            balance_reply_pl: None,
            balance_reply_en: None,
            payment_link: None,
            balance_daily_limit: default_balance_daily_limit(),
            part_price_grosze: None,
        }
    }
}

/// Task settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskSettings {
    /// Who gets the engine's tasks (a user's login or a name); unassigned when `None`.
    #[serde(default)]
    pub assignee: Option<String>,
    /// Days the employee has for a task.
    #[serde(default = "default_task_days")]
    pub due_days: u16,
}

fn default_task_days() -> u16 {
    2
}

impl Default for TaskSettings {
    fn default() -> Self {
        TaskSettings {
            assignee: None,
            due_days: default_task_days(),
        }
    }
}

/// Why an action cannot be composed. `Display` is the Polish message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ComposeError {
    /// The debtor has no contact for the channel.
    NoContact(&'static str),
    /// The debtor has no postal address (a company's comes from the VAT register).
    NoAddress(String),
    /// The creditor's data are missing or incomplete.
    NoCreditor,
    /// The stored template is for another channel.
    WrongTemplate {
        /// The template's code.
        code: String,
        /// Its channel.
        found: String,
        /// The stage's channel.
        wanted: String,
    },
    /// The template cannot be rendered.
    Template {
        /// The template's code.
        code: String,
        /// Why.
        message: String,
    },
    /// The SMS is longer than allowed.
    SmsTooLong(String),
    /// The letter cannot be computed or printed (an interest table without the day, no EUR
    /// rate for the compensation).
    Letter(String),
    /// None of the action's documents is open any more.
    NoDocuments,
}

impl ComposeError {
    /// Whether the action should wait for the client to fix settings (held) rather than fail.
    pub fn is_settings(&self) -> bool {
        matches!(
            self,
            ComposeError::NoCreditor
                | ComposeError::WrongTemplate { .. }
                | ComposeError::Template { .. }
                | ComposeError::Letter(_)
        )
    }
}

impl Localized for ComposeError {
    fn message(&self, lang: Lang) -> String {
        match self {
            ComposeError::NoContact(channel) => i18n::text_with(
                lang,
                "err-compose-no-contact",
                &[("channel", channel.into())],
            ),
            ComposeError::NoAddress(debtor) => {
                i18n::text_with(lang, "err-compose-no-address", &[("debtor", debtor.into())])
            }
            ComposeError::NoCreditor => i18n::text(lang, "err-compose-no-creditor"),
            ComposeError::WrongTemplate {
                code,
                found,
                wanted,
            } => i18n::text_with(
                lang,
                "err-compose-wrong-template",
                &[
                    ("code", code.into()),
                    ("found", found.into()),
                    ("wanted", wanted.into()),
                ],
            ),
            ComposeError::Template { code, message } => i18n::text_with(
                lang,
                "err-compose-template",
                &[("code", code.into()), ("reason", message.into())],
            ),
            ComposeError::SmsTooLong(why) => {
                i18n::text_with(lang, "err-compose-sms-too-long", &[("reason", why.into())])
            }
            ComposeError::Letter(why) => {
                i18n::text_with(lang, "err-compose-letter", &[("reason", why.into())])
            }
            ComposeError::NoDocuments => i18n::text(lang, "err-compose-no-documents"),
        }
    }
}

impl std::fmt::Display for ComposeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::Pl))
    }
}

/// Everything the composer reads for one action.
#[derive(Debug, Clone, Copy)]
pub struct ActionInput<'a> {
    /// The due action.
    pub decision: &'a Decision,
    /// Its stage.
    pub stage: &'a Stage,
    /// The debtor, re-read at claim time.
    pub rows: &'a DebtorRows,
    /// The tenant's settings.
    pub settings: &'a ChannelSettings,
    /// The tenant's name (the creditor's when no creditor is configured).
    pub tenant_name: &'a str,
    /// The stage's stored template, `None` for the built-in one.
    pub template: Option<&'a Template>,
    /// The company's postal address from the VAT register (`street, postcode city`).
    pub company_address: Option<&'a str>,
    /// The action's day (Warsaw).
    pub today: NaiveDate,
}

impl ActionInput<'_> {
    /// The open documents the action covers, in due-date order.
    fn documents(&self) -> Vec<&inkaso_shared::Document> {
        let mut docs: Vec<&inkaso_shared::Document> = self
            .rows
            .documents
            .iter()
            .filter(|s| s.open)
            .filter(|s| {
                self.decision
                    .documents
                    .iter()
                    .any(|c| c.document == s.document.external_id)
            })
            .map(|s| &s.document)
            .collect();
        docs.sort_by(|a, b| (a.due_date, a.number.as_str()).cmp(&(b.due_date, b.number.as_str())));
        docs
    }

    fn creditor(&self) -> Creditor {
        self.settings.creditor.clone().unwrap_or_else(|| Creditor {
            name: self.tenant_name.to_owned(),
            nip: None,
            street: String::new(),
            postcode_city: String::new(),
            bank_account: String::new(),
            contact: None,
        })
    }

    /// The payment deadline given to the debtor.
    pub fn deadline(&self) -> NaiveDate {
        self.today + Duration::days(i64::from(self.settings.deadline_days))
    }

    /// What templates see for this action.
    pub fn render_context(&self) -> Result<RenderContext, ComposeError> {
        let docs = self.documents();
        if docs.is_empty() {
            return Err(ComposeError::NoDocuments);
        }
        let promise_date = self
            .rows
            .state
            .pauses
            .iter()
            .filter(|p| p.kind == super::state::PauseKind::PromiseToPay)
            .filter_map(|p| p.until)
            .filter(|u| *u >= self.today)
            .max();
        Ok(RenderContext {
            today: self.today,
            creditor: self.creditor(),
            debtor_name: self.rows.name.clone(),
            file_number: self.rows.state.external_id.as_str().to_owned(),
            receivable_code: String::new(),
            receivable_name: String::new(),
            documents: docs
                .iter()
                .map(|d| DocumentLine::from_document(d, self.today))
                .collect(),
            instalment: None,
            promise_date,
            deadline: Some(self.deadline()),
        })
    }
}

/// A built-in template for a stage without a stored one: plain, polite, with every document.
/// A due-date stage states where the payment stands on the day it goes (`<stan_terminu>`), so a
/// reminder caught up late never says "today is the due date".
pub fn builtin_template(channel: ChannelKind, offset_days: i32, lang: Lang) -> Template {
    let reason = if offset_days < 0 {
        ContactReason::Upcoming
    } else {
        ContactReason::Arrears
    };
    let on_due_date = offset_days == 0;
    let (subject, body) = match (channel, reason, lang) {
        (ChannelKind::Email, _, Lang::Pl) if on_due_date => (
            Some("Termin płatności – <wierzyciel>"),
            "Dzień dobry,\n\nuprzejmie przypominamy, że <stan_terminu>. Dotyczy to:\n<dokumenty>\n\
             Razem: <suma_naleznosci>. Rachunek: <rachunek>.\n\nJeśli zapłacili Państwo, prosimy \
             zignorować tę wiadomość.\n\nZ poważaniem\n<wierzyciel>",
        ),
        (ChannelKind::Email, _, Lang::En) if on_due_date => (
            Some("Payment due date – <wierzyciel>"),
            "Hello,\n\nthis is a reminder that <stan_terminu>. It concerns:\n<dokumenty>\n\
             Total: <suma_naleznosci>. Account: <rachunek>.\n\nIf you have paid, please ignore \
             this message.\n\nKind regards\n<wierzyciel>",
        ),
        (_, _, Lang::Pl) if on_due_date => (
            None,
            "<wierzyciel>: <stan_terminu>, kwota <suma_naleznosci>, rachunek <rachunek>. Jesli \
             zaplacili Panstwo, prosimy zignorowac te wiadomosc.",
        ),
        (_, _, Lang::En) if on_due_date => (
            None,
            "<wierzyciel>: <stan_terminu>, amount <suma_naleznosci>, account <rachunek>. If you \
             have paid, please ignore this message.",
        ),
        (ChannelKind::Email, ContactReason::Upcoming, Lang::Pl) => (
            Some("Przypomnienie o zbliżającym się terminie płatności – <wierzyciel>"),
            "Dzień dobry,\n\nprzypominamy o zbliżającym się terminie płatności:\n<dokumenty>\n\
             Razem: <suma_naleznosci>. Rachunek: <rachunek>.\n\nJeśli zapłacili Państwo, prosimy \
             zignorować tę wiadomość.\n\nZ poważaniem\n<wierzyciel>",
        ),
        (ChannelKind::Email, _, Lang::Pl) => (
            Some("Zaległe płatności – <wierzyciel>"),
            "Dzień dobry,\n\nw naszych księgach widnieją niezapłacone dokumenty:\n<dokumenty>\n\
             Razem: <suma_naleznosci>. Prosimy o wpłatę do <termin_zaplaty> na rachunek <rachunek>.\
             <dopisek_zobowiazania>\n\nJeśli zapłacili Państwo, prosimy zignorować tę wiadomość.\n\n\
             Z poważaniem\n<wierzyciel>",
        ),
        (ChannelKind::Email, ContactReason::Upcoming, Lang::En) => (
            Some("Payment due soon – <wierzyciel>"),
            "Hello,\n\nthis is a reminder of payments due soon:\n<dokumenty>\nTotal: \
             <suma_naleznosci>. Account: <rachunek>.\n\nIf you have paid, please ignore this \
             message.\n\nKind regards\n<wierzyciel>",
        ),
        (ChannelKind::Email, _, Lang::En) => (
            Some("Overdue payments – <wierzyciel>"),
            "Hello,\n\nour books show unpaid documents:\n<dokumenty>\nTotal: <suma_naleznosci>. \
             Please pay by <termin_zaplaty> to <rachunek>.<dopisek_zobowiazania>\n\nIf you have \
             paid, please ignore this message.\n\nKind regards\n<wierzyciel>",
        ),
        (_, ContactReason::Upcoming, Lang::Pl) => (
            None,
            "<wierzyciel>: przypominamy o platnosci <suma_naleznosci> w terminie. Jesli \
             zaplacili Panstwo, prosimy zignorowac te wiadomosc.",
        ),
        (_, _, Lang::Pl) => (
            None,
            "<wierzyciel>: mamy zalegle platnosci na kwote <suma_naleznosci>. Prosimy o wplate \
             do <termin_zaplaty> na rachunek <rachunek>. Jesli zaplacili Panstwo, prosimy \
             zignorowac te wiadomosc.",
        ),
        (_, ContactReason::Upcoming, Lang::En) => (
            None,
            "<wierzyciel>: a payment of <suma_naleznosci> is due soon. If you have paid, please \
             ignore this message.",
        ),
        (_, _, Lang::En) => (
            None,
            "<wierzyciel>: <suma_naleznosci> is overdue. Please pay by <termin_zaplaty> to \
             <rachunek>. If you have paid, please ignore this message.",
        ),
    };
    Template {
        name: "wbudowany".to_owned(),
        channel,
        reason,
        lang,
        subject: subject.map(str::to_owned),
        body: body.to_owned(),
        promise_note: Some(match lang {
            Lang::Pl => " Zgodnie z deklaracją oczekujemy wpłaty do <data_zobowiazania>.".into(),
            Lang::En => " As agreed, we expect the payment by <data_zobowiazania>.".into(),
        }),
        max_parts: None,
    }
}

/// A message ready for its channel, with the letter an e-mail must carry, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComposedMessage {
    /// The message (an e-mail without its attachment yet).
    pub outbound: Outbound,
    /// The letter to attach to the e-mail.
    pub attach: Option<LetterKind>,
}

/// Renders an SMS, voice or e-mail action for the channel `kind`.
pub fn message(
    input: &ActionInput<'_>,
    kind: ChannelKind,
) -> Result<ComposedMessage, ComposeError> {
    let builtin;
    let (template, code) = if let Some(t) = input.template {
        (t, input.decision.template.as_str())
    } else {
        builtin = builtin_template(kind, input.stage.offset_days, Lang::Pl);
        (&builtin, "wbudowany")
    };
    if template.channel != kind {
        return Err(ComposeError::WrongTemplate {
            code: code.to_owned(),
            found: format!("{:?}", template.channel).to_lowercase(),
            wanted: input.decision.channel.code().to_owned(),
        });
    }
    let ctx = input.render_context()?;
    let rendered = template
        .render(&ctx)
        .map_err(|e: TemplateError| ComposeError::Template {
            code: code.to_owned(),
            message: e.message(Lang::Pl),
        })?;
    let rows = input.rows;
    let outbound = match kind {
        ChannelKind::Sms => {
            let to = rows.phone.clone().ok_or(ComposeError::NoContact("sms"))?;
            let max = input.stage.max_parts.or(template.max_parts);
            let prepared = sms::prepare(&rendered.text, max, false)
                .map_err(|e| ComposeError::SmsTooLong(e.to_string()))?;
            Outbound::Sms {
                to,
                text: prepared.text,
                max_parts: max,
                // Checked when saved; a name stored before the rule tightened goes as the
                // service's rather than being refused by the provider.
                sender: input
                    .settings
                    .sms
                    .sender
                    .as_deref()
                    .and_then(|s| inkaso_channels::smsapi::SenderName::parse(s).ok()),
            }
        }
        ChannelKind::Voice => Outbound::Voice {
            to: rows.phone.clone().ok_or(ComposeError::NoContact("voice"))?,
            tts: rendered.text,
        },
        ChannelKind::Email => Outbound::Email(EmailMessage {
            to: rows.email.clone().ok_or(ComposeError::NoContact("email"))?,
            to_name: Some(rows.name.clone()),
            subject: rendered.subject.unwrap_or_else(|| input.stage.name.clone()),
            text: rendered.text,
            html: rendered.html,
            bcc: input
                .settings
                .email
                .stage_bcc
                .get(&input.stage.code)
                .cloned()
                .unwrap_or_default(),
            reply_to: input.settings.email.reply_to.clone(),
            attachment: None,
        }),
    };
    Ok(ComposedMessage {
        outbound,
        attach: input.stage.pdf.map(|p| letter_kind(p.title)),
    })
}

/// The letter a stage's demand title prints. An "upomnienie" is the last word before court,
/// so it is printed as the final pre-court demand.
pub fn letter_kind(title: DemandTitle) -> LetterKind {
    match title {
        DemandTitle::Reminder => LetterKind::Reminder,
        DemandTitle::Demand => LetterKind::Demand,
        DemandTitle::Admonition => LetterKind::FinalDemand,
    }
}

/// The letter a `letter`/`registered_letter` stage prints (a demand unless the stage says).
pub fn stage_letter_kind(stage: &Stage) -> LetterKind {
    stage
        .pdf
        .map_or(LetterKind::Demand, |p| letter_kind(p.title))
}

/// The debtor as a letter's addressee: a person's address from the ERP, a company's from the
/// VAT register.
pub fn addressee(input: &ActionInput<'_>) -> Result<Addressee, ComposeError> {
    let rows = input.rows;
    let no_address = || ComposeError::NoAddress(rows.state.external_id.as_str().to_owned());
    let (street, postcode_city) = match (&rows.address, input.company_address) {
        (Some(a), _) => (a.street.clone(), format!("{} {}", a.postcode, a.city)),
        (None, Some(line)) => split_register_address(line).ok_or_else(no_address)?,
        (None, None) => return Err(no_address()),
    };
    Ok(Addressee {
        name: rows.name.clone(),
        street,
        postcode_city,
        nip: rows.nip.clone(),
    })
}

/// The VAT register prints `UL. PROSTA 1, 00-001 WARSZAWA`: split at the last comma.
fn split_register_address(line: &str) -> Option<(String, String)> {
    let (street, city) = line.rsplit_once(',')?;
    let (street, city) = (street.trim(), city.trim());
    (!street.is_empty() && !city.is_empty()).then(|| (street.to_owned(), city.to_owned()))
}

/// The letter for an action: `number` is allocated by the store.
pub fn letter_request(
    input: &ActionInput<'_>,
    kind: LetterKind,
    number: String,
) -> Result<LetterRequest, ComposeError> {
    let creditor = input
        .settings
        .creditor
        .clone()
        .ok_or(ComposeError::NoCreditor)?;
    if creditor.name.trim().is_empty()
        || creditor.street.trim().is_empty()
        || creditor.bank_account.trim().is_empty()
    {
        return Err(ComposeError::NoCreditor);
    }
    let docs = input.documents();
    if docs.is_empty() {
        return Err(ComposeError::NoDocuments);
    }
    let place = if input.settings.letters.place.trim().is_empty() {
        // "00-950 Warszawa" → "Warszawa".
        creditor
            .postcode_city
            .split_once(' ')
            .map_or(creditor.postcode_city.clone(), |(_, c)| c.to_owned())
    } else {
        input.settings.letters.place.clone()
    };
    let compensation = input.stage.pdf.is_none_or(|p| p.add_compensation);
    Ok(LetterRequest {
        kind,
        number,
        place,
        date: input.today,
        deadline: input.deadline(),
        debtor: addressee(input)?,
        creditor,
        claim: match input.rows.state.kind {
            DebtorKind::Company => ClaimKind::Commercial,
            DebtorKind::Person => ClaimKind::Consumer,
        },
        compensation,
        documents: docs
            .iter()
            .map(|d| LetterDocument {
                number: d.number.clone(),
                due_date: d.due_date,
                amount: d.amount(),
                remaining: d.remaining(),
            })
            .collect(),
        lang: Lang::Pl,
    })
}

/// A letter number: `W/<n>/<year>`.
pub fn letter_number(n: i64, today: NaiveDate) -> String {
    format!("W/{n}/{}", today.year())
}

/// The task an action asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskSpec {
    /// What to do.
    pub subject: String,
    /// Who.
    pub assignee: Option<String>,
    /// By when.
    pub due: NaiveDate,
}

/// The task for a `task` stage.
pub fn task(input: &ActionInput<'_>) -> Result<TaskSpec, ComposeError> {
    let docs = input.documents();
    if docs.is_empty() {
        return Err(ComposeError::NoDocuments);
    }
    let list = docs
        .iter()
        .map(|d| format!("{} ({})", d.number, d.remaining()))
        .collect::<Vec<_>>()
        .join(", ");
    let contact = input
        .rows
        .phone
        .as_ref()
        .map(|p| format!("; tel. {p}"))
        .unwrap_or_default();
    Ok(TaskSpec {
        subject: format!(
            "{}: {} – {list}{contact}",
            input.stage.name, input.rows.name
        ),
        assignee: input.settings.tasks.assignee.clone(),
        due: input.today + Duration::days(i64::from(input.settings.tasks.due_days)),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;

    #[test]
    fn every_builtin_template_is_valid() {
        for kind in [ChannelKind::Sms, ChannelKind::Voice, ChannelKind::Email] {
            for offset in [-3, 0, 14] {
                for lang in [Lang::Pl, Lang::En] {
                    let t = builtin_template(kind, offset, lang);
                    t.validate().unwrap();
                    let r = t.preview().unwrap();
                    assert!(!r.text.contains('<'), "{kind:?} {lang:?}: {}", r.text);
                    if kind == ChannelKind::Sms {
                        let p = sms::prepare(&r.text, None, false).unwrap();
                        assert!(p.length.parts <= 3, "{}", p.text);
                    }
                }
            }
        }
    }

    #[test]
    fn register_addresses_split_at_the_last_comma() {
        assert_eq!(
            split_register_address("UL. PROSTA 1, LOK. 2, 00-001 WARSZAWA"),
            Some(("UL. PROSTA 1, LOK. 2".into(), "00-001 WARSZAWA".into()))
        );
        assert_eq!(split_register_address("WARSZAWA"), None);
        assert_eq!(split_register_address(", 00-001 WARSZAWA"), None);
    }

    #[test]
    fn demand_titles_map_to_letters() {
        assert_eq!(letter_kind(DemandTitle::Reminder), LetterKind::Reminder);
        assert_eq!(letter_kind(DemandTitle::Demand), LetterKind::Demand);
        assert_eq!(
            letter_kind(DemandTitle::Admonition),
            LetterKind::FinalDemand
        );
        assert_eq!(
            letter_number(12, NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()),
            "W/12/2026"
        );
    }
}
