//! Message templates: the tags users know from Respons-style soft collection (`<kartoteka>`,
//! `<suma_naleznosci>`, `<rata>` …), checked when a template is saved and rendered from a
//! [`RenderContext`] that the engine fills.
//!
//! A template belongs to one channel, one contact reason (arrears / upcoming / other) and one
//! language. Which tags a reason offers follows the seed's screens: `<kod_naleznosci>` is not
//! offered for upcoming payments, `<dopisek_zobowiazania>` only for arrears, and
//! `<data_zobowiazania>` only inside the promise-to-pay note. Users write plain text; the e-mail
//! HTML part is derived from it with every value escaped, so a debtor's name can never inject
//! markup.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::NaiveDate;
use inkaso_shared::{Currency, Document, Lang, Localized, Money, Nip};
use serde::{Deserialize, Serialize};

use crate::sms::{self, SmsChange, SmsLength};

/// The channel a template is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    /// SMS over SMSAPI.
    Sms,
    /// Voice message (text to speech) over SMSAPI VMS.
    Voice,
    /// E-mail over SMTP.
    Email,
}

/// Why the debtor is contacted ("przyczyna kontaktu").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactReason {
    /// "W sprawie zaległości": documents past their due date.
    Arrears,
    /// "W sprawie nadchodzących płatności": due today or later.
    Upcoming,
    /// "Inna": the whole balance.
    Other,
}

impl ContactReason {
    /// The reason's name as users see it.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (ContactReason::Arrears, Lang::Pl) => "w sprawie zaległości",
            (ContactReason::Upcoming, Lang::Pl) => "w sprawie nadchodzących płatności",
            (ContactReason::Other, Lang::Pl) => "inna",
            (ContactReason::Arrears, Lang::En) => "arrears",
            (ContactReason::Upcoming, Lang::En) => "upcoming payment",
            (ContactReason::Other, Lang::En) => "other",
        }
    }
}

/// A tag that templates may contain, written `<name>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tag {
    /// `<kartoteka>`: the debtor's file number (the ERP contractor key).
    FileNumber,
    /// `<suma_naleznosci>`: total of the selected receivables.
    Total,
    /// `<rata>`: year and number of the instalment the message is about.
    Instalment,
    /// `<data_raty>`: the instalment's due date.
    InstalmentDate,
    /// `<kwota_raty>`: the instalment's amount.
    InstalmentAmount,
    /// `<kod_naleznosci>`: code of the receivable kind.
    ReceivableCode,
    /// `<nazwa_naleznosci>`: name of the receivable kind.
    ReceivableName,
    /// `<dopisek_zobowiazania>`: the promise-to-pay note, only when a promise date exists.
    PromiseNote,
    /// `<data_zobowiazania>`: the promised payment date (inside the promise note only).
    PromiseDate,
    /// `<dluznik>`: the debtor's name.
    Debtor,
    /// `<wierzyciel>`: the creditor's name.
    Creditor,
    /// `<nip_wierzyciela>`: the creditor's NIP.
    CreditorNip,
    /// `<adres_wierzyciela>`: the creditor's address.
    CreditorAddress,
    /// `<rachunek>`: the creditor's bank account.
    BankAccount,
    /// `<termin_zaplaty>`: the payment deadline given in this message.
    Deadline,
    /// `<dokumenty>`: the list of documents (number, due date, amount, days overdue).
    Documents,
    /// `<stan_terminu>`: where the payment stands on the day the message goes, as a clause
    /// that is true that day: "dziś mija termin płatności", "termin płatności minął 6 dni temu
    /// (01.04.2026)", "termin płatności mija za 3 dni (01.04.2026)". A reminder caught up late
    /// then never claims "today is the due date".
    DueStatus,
}

/// Every tag with its name and the descriptions shown next to the editor.
const TAGS: &[(Tag, &str, &str, &str)] = &[
    (
        Tag::ReceivableCode,
        "kod_naleznosci",
        "Kod rodzaju należności",
        "Receivable kind code",
    ),
    (
        Tag::ReceivableName,
        "nazwa_naleznosci",
        "Rodzaj należności",
        "Receivable kind",
    ),
    (
        Tag::FileNumber,
        "kartoteka",
        "Numer kartoteki",
        "File (account) number",
    ),
    (
        Tag::Instalment,
        "rata",
        "Rok i numer raty",
        "Instalment year and number",
    ),
    (
        Tag::InstalmentDate,
        "data_raty",
        "Termin płatności raty",
        "Instalment due date",
    ),
    (
        Tag::InstalmentAmount,
        "kwota_raty",
        "Kwota raty",
        "Instalment amount",
    ),
    (
        Tag::Total,
        "suma_naleznosci",
        "Łączna kwota wybranych należności",
        "Total of the selected receivables",
    ),
    (
        Tag::PromiseNote,
        "dopisek_zobowiazania",
        "Treść zobowiązania do spłaty",
        "Promise-to-pay note",
    ),
    (
        Tag::PromiseDate,
        "data_zobowiazania",
        "Data zobowiązania do spłaty należności",
        "Promised payment date",
    ),
    (Tag::Debtor, "dluznik", "Nazwa dłużnika", "Debtor's name"),
    (
        Tag::Creditor,
        "wierzyciel",
        "Nazwa wierzyciela",
        "Creditor's name",
    ),
    (
        Tag::CreditorNip,
        "nip_wierzyciela",
        "NIP wierzyciela",
        "Creditor's tax number (NIP)",
    ),
    (
        Tag::CreditorAddress,
        "adres_wierzyciela",
        "Adres wierzyciela",
        "Creditor's address",
    ),
    (
        Tag::BankAccount,
        "rachunek",
        "Numer rachunku bankowego",
        "Bank account number",
    ),
    (
        Tag::Deadline,
        "termin_zaplaty",
        "Termin zapłaty",
        "Payment deadline",
    ),
    (
        Tag::Documents,
        "dokumenty",
        "Lista dokumentów (numer, termin, kwota, dni po terminie)",
        "List of documents (number, due date, amount, days overdue)",
    ),
    (
        Tag::DueStatus,
        "stan_terminu",
        "Stan terminu w dniu wysyłki („dziś mija termin płatności”, „termin płatności minął 6 dni temu”)",
        "The due date as it stands on the day of sending (\"the payment is due today\", \"the payment was due 6 days ago\")",
    ),
];

impl Tag {
    /// The tag's name without brackets, e.g. `kartoteka`.
    pub fn name(self) -> &'static str {
        TAGS.iter().find(|t| t.0 == self).map_or("", |t| t.1)
    }

    /// The tag from its name without brackets.
    pub fn from_name(name: &str) -> Option<Tag> {
        TAGS.iter().find(|t| t.1 == name).map(|t| t.0)
    }

    /// What the tag inserts, for the editor's help panel.
    pub fn description(self, lang: Lang) -> &'static str {
        TAGS.iter()
            .find(|t| t.0 == self)
            .map_or("", |t| if lang == Lang::Pl { t.2 } else { t.3 })
    }

    /// Tags offered in a template body for `reason` (the seed's screens, plus creditor data,
    /// bank account, deadline and the document list, which every reason may use).
    pub fn available_for(reason: ContactReason) -> Vec<Tag> {
        let mut tags = match reason {
            ContactReason::Arrears => vec![
                Tag::ReceivableCode,
                Tag::ReceivableName,
                Tag::FileNumber,
                Tag::Instalment,
                Tag::InstalmentDate,
                Tag::InstalmentAmount,
                Tag::Total,
                Tag::PromiseNote,
            ],
            ContactReason::Upcoming => vec![
                Tag::ReceivableName,
                Tag::FileNumber,
                Tag::Instalment,
                Tag::InstalmentDate,
                Tag::InstalmentAmount,
                Tag::Total,
            ],
            ContactReason::Other => vec![
                Tag::ReceivableCode,
                Tag::ReceivableName,
                Tag::FileNumber,
                Tag::Total,
            ],
        };
        tags.extend([
            Tag::Debtor,
            Tag::Creditor,
            Tag::CreditorNip,
            Tag::CreditorAddress,
            Tag::BankAccount,
            Tag::Deadline,
            Tag::Documents,
            Tag::DueStatus,
        ]);
        tags
    }
}

/// Which part of a template a problem is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TemplateField {
    /// The template's name.
    Name,
    /// The e-mail subject.
    Subject,
    /// The message body ("Treść").
    Body,
    /// The promise-to-pay note ("Treść zobowiązania do spłaty").
    PromiseNote,
}

impl TemplateField {
    fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (TemplateField::Name, Lang::Pl) => "nazwa",
            (TemplateField::Subject, Lang::Pl) => "temat",
            (TemplateField::Body, Lang::Pl) => "treść",
            (TemplateField::PromiseNote, Lang::Pl) => "treść zobowiązania do spłaty",
            (TemplateField::Name, Lang::En) => "name",
            (TemplateField::Subject, Lang::En) => "subject",
            (TemplateField::Body, Lang::En) => "body",
            (TemplateField::PromiseNote, Lang::En) => "promise-to-pay note",
        }
    }
}

/// Why a template cannot be saved or rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("nieznany znacznik „<{tag}>” w polu „{}”", field.label(Lang::Pl))]
    UnknownTag { tag: String, field: TemplateField },
    #[error("znacznik „<{tag}>” nie jest dostępny dla przyczyny kontaktu „{}”", reason.label(Lang::Pl))]
    TagNotAvailable { tag: String, reason: ContactReason },
    #[error("znacznik „<{tag}>” może wystąpić tylko w polu „{}”", TemplateField::PromiseNote.label(Lang::Pl))]
    OnlyInPromiseNote { tag: String },
    #[error("pole „{}” jest wymagane", field.label(Lang::Pl))]
    Missing { field: TemplateField },
    #[error("niezamknięty znacznik w polu „{}”: „{fragment}”", field.label(Lang::Pl))]
    Unclosed {
        fragment: String,
        field: TemplateField,
    },
    #[error("maksymalna liczba części SMS musi wynosić od 1 do 6 (podano {0})")]
    MaxParts(u8),
}

impl Localized for TemplateError {
    fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::Pl => self.to_string(),
            Lang::En => match self {
                TemplateError::UnknownTag { tag, field } => {
                    format!("unknown tag \"<{tag}>\" in the {}", field.label(Lang::En))
                }
                TemplateError::TagNotAvailable { tag, reason } => format!(
                    "tag \"<{tag}>\" is not available for the contact reason \"{}\"",
                    reason.label(Lang::En)
                ),
                TemplateError::OnlyInPromiseNote { tag } => {
                    format!("tag \"<{tag}>\" may only be used in the promise-to-pay note")
                }
                TemplateError::Missing { field } => {
                    format!("the {} is required", field.label(Lang::En))
                }
                TemplateError::Unclosed { fragment, field } => format!(
                    "unclosed tag in the {}: \"{fragment}\"",
                    field.label(Lang::En)
                ),
                TemplateError::MaxParts(n) => {
                    format!("the maximum number of SMS parts must be 1 to 6 (got {n})")
                }
            },
        }
    }
}

impl TemplateError {
    /// The field the error concerns, by its wire name (`name`, `subject`, `body`,
    /// `promise_note`, `max_parts`), so a form can show it next to that field; `None` when the
    /// error does not say.
    pub fn field(&self) -> Option<&'static str> {
        let name = |f: &TemplateField| match f {
            TemplateField::Name => "name",
            TemplateField::Subject => "subject",
            TemplateField::Body => "body",
            TemplateField::PromiseNote => "promise_note",
        };
        match self {
            TemplateError::UnknownTag { field, .. }
            | TemplateError::Missing { field }
            | TemplateError::Unclosed { field, .. } => Some(name(field)),
            TemplateError::OnlyInPromiseNote { .. } | TemplateError::TagNotAvailable { .. } => None,
            TemplateError::MaxParts(_) => Some("max_parts"),
        }
    }
}

/// A piece of parsed template text.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Tag(Tag),
}

/// Splits `text` into literal text and known tags; `<` that does not start a `<word>` is text.
fn parse(text: &str, field: TemplateField) -> Result<Vec<Piece>, TemplateError> {
    let mut pieces = Vec::new();
    let mut literal = String::new();
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        literal.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let word_len = after
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        let word = &after[..word_len];
        let closed = after[word_len..].starts_with('>');
        if word.is_empty() {
            // "< 5 dni", "<=": not a tag.
            literal.push('<');
            rest = after;
            continue;
        }
        if !closed {
            let fragment: String = rest[start..].chars().take(30).collect();
            return Err(TemplateError::Unclosed { fragment, field });
        }
        let tag = Tag::from_name(word).ok_or_else(|| TemplateError::UnknownTag {
            tag: word.to_owned(),
            field,
        })?;
        if !literal.is_empty() {
            pieces.push(Piece::Text(std::mem::take(&mut literal)));
        }
        pieces.push(Piece::Tag(tag));
        rest = &after[word_len + 1..];
    }
    literal.push_str(rest);
    if !literal.is_empty() {
        pieces.push(Piece::Text(literal));
    }
    Ok(pieces)
}

/// A message template as users edit it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Template {
    /// The template's name ("Nazwa").
    pub name: String,
    /// SMS, voice or e-mail.
    pub channel: ChannelKind,
    /// Arrears, upcoming or other.
    pub reason: ContactReason,
    /// The language the debtor receives.
    pub lang: Lang,
    /// E-mail subject (required for e-mail, ignored otherwise).
    #[serde(default)]
    pub subject: Option<String>,
    /// The message body with tags.
    pub body: String,
    /// "Treść zobowiązania do spłaty": inserted for `<dopisek_zobowiazania>` only when the
    /// debtor promised a payment date; may contain `<data_zobowiazania>`.
    #[serde(default)]
    pub promise_note: Option<String>,
    /// Most SMS parts a rendered message may take (1–6); SMS only.
    #[serde(default)]
    pub max_parts: Option<u8>,
}

impl Template {
    /// The checks run when a template is saved: every tag known and offered for the reason,
    /// `<data_zobowiazania>` only in the promise note, required fields present.
    pub fn validate(&self) -> Result<(), TemplateError> {
        if self.name.trim().is_empty() {
            return Err(TemplateError::Missing {
                field: TemplateField::Name,
            });
        }
        if self.body.trim().is_empty() {
            return Err(TemplateError::Missing {
                field: TemplateField::Body,
            });
        }
        if let Some(n) = self.max_parts
            && !(1..=6).contains(&n)
        {
            return Err(TemplateError::MaxParts(n));
        }
        let available = Tag::available_for(self.reason);
        let check = |text: &str, field: TemplateField| -> Result<(), TemplateError> {
            for piece in parse(text, field)? {
                let Piece::Tag(tag) = piece else { continue };
                if tag == Tag::PromiseDate {
                    if field != TemplateField::PromiseNote {
                        return Err(TemplateError::OnlyInPromiseNote {
                            tag: tag.name().to_owned(),
                        });
                    }
                } else if field == TemplateField::PromiseNote && tag == Tag::PromiseNote {
                    // The note cannot include itself.
                    return Err(TemplateError::TagNotAvailable {
                        tag: tag.name().to_owned(),
                        reason: self.reason,
                    });
                } else if !available.contains(&tag) {
                    return Err(TemplateError::TagNotAvailable {
                        tag: tag.name().to_owned(),
                        reason: self.reason,
                    });
                }
            }
            Ok(())
        };
        check(&self.body, TemplateField::Body)?;
        if self.channel == ChannelKind::Email {
            match &self.subject {
                Some(s) if !s.trim().is_empty() => check(s, TemplateField::Subject)?,
                _ => {
                    return Err(TemplateError::Missing {
                        field: TemplateField::Subject,
                    });
                }
            }
        }
        if let Some(note) = &self.promise_note {
            check(note, TemplateField::PromiseNote)?;
        }
        Ok(())
    }

    /// Renders the template for one debtor. The template is validated again, so a template
    /// stored before a rule changed fails loudly instead of sending a raw tag.
    pub fn render(&self, ctx: &RenderContext) -> Result<Rendered, TemplateError> {
        self.validate()?;
        let lang = self.lang;
        let note_pieces = match (&self.promise_note, ctx.promise_date) {
            (Some(note), Some(_)) => Some(parse(note, TemplateField::PromiseNote)?),
            _ => None,
        };
        let body = parse(&self.body, TemplateField::Body)?;
        let text = render_pieces(&body, ctx, lang, note_pieces.as_deref(), Format::Text);
        let html = (self.channel == ChannelKind::Email).then(|| {
            let inner = render_pieces(&body, ctx, lang, note_pieces.as_deref(), Format::Html);
            html_document(&inner, lang)
        });
        let subject = match (&self.subject, self.channel) {
            (Some(s), ChannelKind::Email) => {
                let pieces = parse(s, TemplateField::Subject)?;
                // A subject is one line: a multi-line value would break the header.
                Some(
                    render_pieces(&pieces, ctx, lang, None, Format::Text)
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" "),
                )
            }
            _ => None,
        };
        Ok(Rendered {
            subject,
            text,
            html,
        })
    }

    /// Renders with [`RenderContext::sample`]: the editor's "Generuj podgląd".
    pub fn preview(&self) -> Result<Rendered, TemplateError> {
        self.render(&RenderContext::sample(self.lang))
    }

    /// What "Zapisz" does: validates, and for SMS replaces Polish letters by plain ones and
    /// removes other special characters in the body and the promise note, returning the
    /// changes so the user is told (the seed's "Komunikat o zastąpieniu polskich znaków").
    /// Tags are ASCII and survive folding unchanged.
    pub fn prepare_for_save(&mut self) -> Result<Vec<SmsChange>, TemplateError> {
        self.validate()?;
        if self.channel != ChannelKind::Sms {
            return Ok(Vec::new());
        }
        let mut changes: Vec<SmsChange> = Vec::new();
        let mut merge = |new: Vec<SmsChange>| {
            for c in new {
                match changes.iter_mut().find(|x| x.from == c.from) {
                    Some(x) => x.count += c.count,
                    None => changes.push(c),
                }
            }
        };
        let body = sms::fold(&self.body);
        self.body = body.text;
        merge(body.changes);
        if let Some(note) = &self.promise_note {
            let folded = sms::fold(note);
            self.promise_note = Some(folded.text);
            merge(folded.changes);
        }
        self.validate()?;
        Ok(changes)
    }

    /// The SMS preview: the sample rendered, folded and counted against `max_parts`
    /// ("Długość \[części\]" under "Generuj podgląd"). Amounts and names vary per debtor, so the
    /// count is approximate, as the seed warns.
    pub fn preview_sms(&self) -> Result<SmsPreview, TemplateError> {
        let rendered = self.preview()?;
        let folded = sms::fold(&rendered.text);
        let length = sms::measure(&folded.text);
        let max = self.max_parts.unwrap_or(sms::MAX_PARTS);
        Ok(SmsPreview {
            fits: length.parts <= usize::from(max),
            text: folded.text,
            changes: folded.changes,
            length,
        })
    }
}

/// An SMS template's preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmsPreview {
    /// The sample message as it would be sent.
    pub text: String,
    /// What folding changed in the rendered sample (values from the data, not the template).
    pub changes: Vec<SmsChange>,
    /// Length and parts.
    pub length: SmsLength,
    /// Whether it fits the template's maximum number of parts.
    pub fits: bool,
}

/// A rendered message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rendered {
    /// E-mail subject.
    pub subject: Option<String>,
    /// Plain text: the SMS, the voice script, or the e-mail's text part.
    pub text: String,
    /// The e-mail's HTML part (e-mail templates only).
    pub html: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Text,
    Html,
}

fn render_pieces(
    pieces: &[Piece],
    ctx: &RenderContext,
    lang: Lang,
    note: Option<&[Piece]>,
    format: Format,
) -> String {
    let mut out = String::new();
    for piece in pieces {
        match piece {
            Piece::Text(t) => match format {
                Format::Text => out.push_str(t),
                Format::Html => out.push_str(&escape_html(t).replace('\n', "<br>\n")),
            },
            Piece::Tag(Tag::PromiseNote) => {
                if let Some(note) = note {
                    out.push_str(&render_pieces(note, ctx, lang, None, format));
                }
            }
            Piece::Tag(Tag::Documents) => match format {
                Format::Text => out.push_str(&documents_text(ctx, lang)),
                Format::Html => out.push_str(&documents_html(ctx, lang)),
            },
            Piece::Tag(tag) => {
                let value = ctx.value(*tag, lang);
                match format {
                    Format::Text => out.push_str(&value),
                    Format::Html => out.push_str(&escape_html(&value)),
                }
            }
        }
    }
    out
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn html_document(inner: &str, lang: Lang) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head><meta charset=\"utf-8\"></head>\n<body>\n<p>{inner}</p>\n</body>\n</html>\n",
        lang.code()
    )
}

/// A date as the debtor's language writes it: `15.01.2026` in Polish, `2026-01-15` in English.
pub fn format_date(date: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Pl => date.format("%d.%m.%Y").to_string(),
        Lang::En => date.format("%Y-%m-%d").to_string(),
    }
}

fn days_label(days: i64, lang: Lang) -> String {
    match lang {
        Lang::Pl => {
            let word = if days == 1 { "dzień" } else { "dni" };
            format!("{days} {word} po terminie")
        }
        Lang::En => {
            let word = if days == 1 { "day" } else { "days" };
            format!("{days} {word} overdue")
        }
    }
}

fn documents_text(ctx: &RenderContext, lang: Lang) -> String {
    let mut out = String::new();
    for (i, d) in ctx.documents.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let due = match lang {
            Lang::Pl => "termin",
            Lang::En => "due",
        };
        let _ = write!(
            out,
            "{}, {due} {}, {}",
            d.number,
            format_date(d.due_date, lang),
            d.amount
        );
        if d.days_overdue > 0 {
            let _ = write!(out, ", {}", days_label(d.days_overdue, lang));
        }
    }
    out
}

fn documents_html(ctx: &RenderContext, lang: Lang) -> String {
    let headers = match lang {
        Lang::Pl => [
            "Numer",
            "Termin płatności",
            "Kwota",
            "Waluta",
            "Dni po terminie",
        ],
        Lang::En => ["Number", "Due date", "Amount", "Currency", "Days overdue"],
    };
    let mut out =
        String::from("</p>\n<table border=\"1\" cellpadding=\"4\" cellspacing=\"0\">\n<tr>");
    for h in headers {
        let _ = write!(out, "<th>{h}</th>");
    }
    out.push_str("</tr>\n");
    for d in &ctx.documents {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td style=\"text-align:right\">{}</td><td>{}</td><td style=\"text-align:right\">{}</td></tr>",
            escape_html(&d.number),
            format_date(d.due_date, lang),
            d.amount.format_amount(),
            d.amount.currency,
            d.days_overdue
        );
    }
    out.push_str("</table>\n<p>");
    out
}

/// The creditor (the tenant's settings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Creditor {
    /// Full name or firm.
    pub name: String,
    /// Tax number.
    pub nip: Option<Nip>,
    /// Street and number.
    pub street: String,
    /// Postcode and city, e.g. `00-950 Warszawa`.
    pub postcode_city: String,
    /// Bank account for payments (NRB/IBAN as the firm writes it).
    pub bank_account: String,
    /// Contact phone or e-mail printed in letters.
    #[serde(default)]
    pub contact: Option<String>,
}

impl Creditor {
    /// `street, postcode city`.
    pub fn address_line(&self) -> String {
        format!("{}, {}", self.street, self.postcode_city)
    }
}

/// One document as messages list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentLine {
    /// Number as printed.
    pub number: String,
    /// Due date.
    pub due_date: NaiveDate,
    /// Amount still to pay.
    pub amount: Money,
    /// Days past due on the message's date (0 when not yet due).
    pub days_overdue: i64,
}

impl DocumentLine {
    /// The line for an unpaid document on `today`.
    pub fn from_document(doc: &Document, today: NaiveDate) -> Self {
        DocumentLine {
            number: doc.number.clone(),
            due_date: doc.due_date,
            amount: doc.remaining(),
            days_overdue: doc.days_overdue(today),
        }
    }
}

/// The instalment a message is about (`<rata>`, `<data_raty>`, `<kwota_raty>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instalment {
    /// Year and number, e.g. `2026/3`.
    pub label: String,
    /// Due date.
    pub due_date: NaiveDate,
    /// Amount.
    pub amount: Money,
}

/// Everything a template can show; filled by the engine for one debtor and one action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenderContext {
    /// The date of the message (days overdue are counted to it).
    pub today: NaiveDate,
    /// The creditor.
    pub creditor: Creditor,
    /// The debtor's name.
    pub debtor_name: String,
    /// `<kartoteka>`: the debtor's file number.
    pub file_number: String,
    /// `<kod_naleznosci>`.
    #[serde(default)]
    pub receivable_code: String,
    /// `<nazwa_naleznosci>`.
    #[serde(default)]
    pub receivable_name: String,
    /// The documents the message covers (selected by the engine for the contact reason).
    pub documents: Vec<DocumentLine>,
    /// The instalment the message is about; the first document's when `None`.
    #[serde(default)]
    pub instalment: Option<Instalment>,
    /// The debtor's promised payment date, if any.
    #[serde(default)]
    pub promise_date: Option<NaiveDate>,
    /// The payment deadline given in this message.
    #[serde(default)]
    pub deadline: Option<NaiveDate>,
}

impl RenderContext {
    /// The context for documents selected from `docs` for `reason` on `today`: arrears take
    /// the documents past due, upcoming those due today or later, other all of them.
    pub fn select_documents(
        docs: &[Document],
        reason: ContactReason,
        today: NaiveDate,
    ) -> Vec<DocumentLine> {
        docs.iter()
            .filter(|d| match reason {
                ContactReason::Arrears => d.due_date < today,
                ContactReason::Upcoming => d.due_date >= today,
                ContactReason::Other => true,
            })
            .map(|d| DocumentLine::from_document(d, today))
            .collect()
    }

    /// Totals per currency, in the order currencies first appear.
    pub fn totals(&self) -> Vec<Money> {
        let mut order: Vec<Currency> = Vec::new();
        let mut sums: BTreeMap<Currency, i64> = BTreeMap::new();
        for d in &self.documents {
            if !order.contains(&d.amount.currency) {
                order.push(d.amount.currency);
            }
            let e = sums.entry(d.amount.currency).or_insert(0);
            *e = e.saturating_add(d.amount.minor);
        }
        order
            .into_iter()
            .map(|c| Money::new(sums.get(&c).copied().unwrap_or(0), c))
            .collect()
    }

    fn instalment(&self) -> Option<Instalment> {
        self.instalment.clone().or_else(|| {
            self.documents.first().map(|d| Instalment {
                label: d.number.clone(),
                due_date: d.due_date,
                amount: d.amount,
            })
        })
    }

    /// `<stan_terminu>`: the earliest due date among the documents (the instalment's when set)
    /// against the message's date.
    fn due_status(&self, lang: Lang) -> String {
        let due = self
            .instalment
            .as_ref()
            .map(|i| i.due_date)
            .or_else(|| self.documents.iter().map(|d| d.due_date).min());
        let Some(due) = due else {
            return String::new();
        };
        let days = (self.today - due).num_days();
        let date = format_date(due, lang);
        let n = days.unsigned_abs();
        match (lang, days.signum()) {
            (Lang::Pl, 0) => "dziś mija termin płatności".to_owned(),
            (Lang::Pl, 1) if n == 1 => format!("termin płatności minął wczoraj ({date})"),
            (Lang::Pl, 1) => format!("termin płatności minął {n} dni temu ({date})"),
            (Lang::Pl, _) if n == 1 => format!("termin płatności mija jutro ({date})"),
            (Lang::Pl, _) => format!("termin płatności mija za {n} dni ({date})"),
            (Lang::En, 0) => "the payment is due today".to_owned(),
            (Lang::En, 1) if n == 1 => format!("the payment was due yesterday ({date})"),
            (Lang::En, 1) => format!("the payment was due {n} days ago ({date})"),
            (Lang::En, _) if n == 1 => format!("the payment is due tomorrow ({date})"),
            (Lang::En, _) => format!("the payment is due in {n} days ({date})"),
        }
    }

    fn value(&self, tag: Tag, lang: Lang) -> String {
        match tag {
            Tag::FileNumber => self.file_number.clone(),
            Tag::Total => {
                let totals = self.totals();
                if totals.is_empty() {
                    Money::zero(Currency::PLN).to_string()
                } else {
                    totals
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(" + ")
                }
            }
            Tag::Instalment => self.instalment().map(|i| i.label).unwrap_or_default(),
            Tag::InstalmentDate => self
                .instalment()
                .map(|i| format_date(i.due_date, lang))
                .unwrap_or_default(),
            Tag::InstalmentAmount => self
                .instalment()
                .map(|i| i.amount.to_string())
                .unwrap_or_default(),
            Tag::ReceivableCode => self.receivable_code.clone(),
            Tag::ReceivableName => self.receivable_name.clone(),
            Tag::PromiseDate => self
                .promise_date
                .map(|d| format_date(d, lang))
                .unwrap_or_default(),
            Tag::Debtor => self.debtor_name.clone(),
            Tag::Creditor => self.creditor.name.clone(),
            Tag::CreditorNip => self
                .creditor
                .nip
                .as_ref()
                .map(|n| n.as_str().to_owned())
                .unwrap_or_default(),
            Tag::CreditorAddress => self.creditor.address_line(),
            Tag::BankAccount => self.creditor.bank_account.clone(),
            Tag::Deadline => self
                .deadline
                .map(|d| format_date(d, lang))
                .unwrap_or_default(),
            Tag::DueStatus => self.due_status(lang),
            // Rendered by the caller, which knows the output format.
            Tag::PromiseNote | Tag::Documents => String::new(),
        }
    }

    /// Sample data for previews ("Generuj podgląd"): realistic lengths so the SMS part count
    /// shown in the editor is close to what debtors will get.
    pub fn sample(lang: Lang) -> Self {
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
        let pln = |minor| Money::new(minor, Currency::PLN);
        let (debtor, creditor_name) = match lang {
            Lang::Pl => ("Jan Kowalski", "Przykładowa Firma Sp. z o.o."),
            Lang::En => ("John Smith", "Sample Company Ltd."),
        };
        RenderContext {
            today: date(2026, 3, 23),
            creditor: Creditor {
                name: creditor_name.to_owned(),
                nip: Nip::parse("5261040828").ok(),
                street: "ul. Prosta 1".to_owned(),
                postcode_city: "00-001 Warszawa".to_owned(),
                bank_account: "47 1020 1026 0000 0102 0304 0506".to_owned(),
                contact: Some("+48 22 123 45 67".to_owned()),
            },
            debtor_name: debtor.to_owned(),
            file_number: "GOK-544".to_owned(),
            receivable_code: "GOK".to_owned(),
            receivable_name: match lang {
                Lang::Pl => "Opłata za gospodarowanie odpadami".to_owned(),
                Lang::En => "Waste management fee".to_owned(),
            },
            documents: vec![
                DocumentLine {
                    number: "FS 12/01/2026".to_owned(),
                    due_date: date(2026, 1, 20),
                    amount: pln(14_000),
                    days_overdue: 62,
                },
                DocumentLine {
                    number: "FS 31/02/2026".to_owned(),
                    due_date: date(2026, 2, 20),
                    amount: pln(123_456),
                    days_overdue: 31,
                },
            ],
            instalment: Some(Instalment {
                label: "2026/1".to_owned(),
                due_date: date(2026, 1, 20),
                amount: pln(14_000),
            }),
            promise_date: Some(date(2026, 3, 31)),
            deadline: Some(date(2026, 3, 30)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn sms(reason: ContactReason, lang: Lang, body: &str) -> Template {
        Template {
            name: "Test".into(),
            channel: ChannelKind::Sms,
            reason,
            lang,
            subject: None,
            body: body.into(),
            promise_note: None,
            max_parts: Some(2),
        }
    }

    fn ctx(promise: Option<NaiveDate>) -> RenderContext {
        let mut c = RenderContext::sample(Lang::Pl);
        c.promise_date = promise;
        c
    }

    #[test]
    fn every_tag_renders_in_polish() {
        let t = Template {
            promise_note: Some(" Zobowiazal sie Pan do splaty do <data_zobowiazania>.".into()),
            ..sms(
                ContactReason::Arrears,
                Lang::Pl,
                "<kod_naleznosci>|<nazwa_naleznosci>|<kartoteka>|<rata>|<data_raty>|<kwota_raty>|<suma_naleznosci>|<dluznik>|<wierzyciel>|<nip_wierzyciela>|<adres_wierzyciela>|<rachunek>|<termin_zaplaty>|<dokumenty><dopisek_zobowiazania>",
            )
        };
        let r = t.render(&ctx(Some(date(2026, 3, 31)))).unwrap();
        assert_eq!(
            r.text,
            "GOK|Opłata za gospodarowanie odpadami|GOK-544|2026/1|20.01.2026|140,00 zł|1 374,56 zł|Jan Kowalski|Przykładowa Firma Sp. z o.o.|5261040828|ul. Prosta 1, 00-001 Warszawa|47 1020 1026 0000 0102 0304 0506|30.03.2026|\
FS 12/01/2026, termin 20.01.2026, 140,00 zł, 62 dni po terminie\n\
FS 31/02/2026, termin 20.02.2026, 1 234,56 zł, 31 dni po terminie Zobowiazal sie Pan do splaty do 31.03.2026."
        );
        assert_eq!(r.html, None);
        assert_eq!(r.subject, None);
    }

    #[test]
    fn the_due_status_is_true_on_the_day_of_sending() {
        let mut c = RenderContext::sample(Lang::Pl);
        c.instalment = None;
        c.documents.truncate(1);
        c.documents[0].due_date = date(2026, 4, 1);
        let t = sms(
            ContactReason::Arrears,
            Lang::Pl,
            "<wierzyciel>: <stan_terminu>.",
        );
        let en = sms(ContactReason::Arrears, Lang::En, "<stan_terminu>.");
        for (today, pl, english) in [
            (
                date(2026, 3, 29),
                "termin płatności mija za 3 dni (01.04.2026)",
                "the payment is due in 3 days (2026-04-01).",
            ),
            (
                date(2026, 3, 31),
                "termin płatności mija jutro (01.04.2026)",
                "the payment is due tomorrow (2026-04-01).",
            ),
            (
                date(2026, 4, 1),
                "dziś mija termin płatności",
                "the payment is due today.",
            ),
            (
                date(2026, 4, 2),
                "termin płatności minął wczoraj (01.04.2026)",
                "the payment was due yesterday (2026-04-01).",
            ),
            (
                date(2026, 4, 7),
                "termin płatności minął 6 dni temu (01.04.2026)",
                "the payment was due 6 days ago (2026-04-01).",
            ),
            (
                date(2026, 4, 23),
                "termin płatności minął 22 dni temu (01.04.2026)",
                "the payment was due 22 days ago (2026-04-01).",
            ),
        ] {
            c.today = today;
            let text = t.render(&c).unwrap().text;
            assert_eq!(
                text,
                format!("Przykładowa Firma Sp. z o.o.: {pl}."),
                "{today}"
            );
            assert_eq!(en.render(&c).unwrap().text, english, "{today}");
        }
    }

    #[test]
    fn every_tag_renders_in_english() {
        let mut c = RenderContext::sample(Lang::En);
        c.documents[0].days_overdue = 1;
        let t = Template {
            promise_note: Some(" You promised to pay by <data_zobowiazania>.".into()),
            ..sms(
                ContactReason::Arrears,
                Lang::En,
                "<kod_naleznosci>|<nazwa_naleznosci>|<kartoteka>|<rata>|<data_raty>|<kwota_raty>|<suma_naleznosci>|<dluznik>|<wierzyciel>|<termin_zaplaty>|<dokumenty><dopisek_zobowiazania>",
            )
        };
        let r = t.render(&c).unwrap();
        assert_eq!(
            r.text,
            "GOK|Waste management fee|GOK-544|2026/1|2026-01-20|140,00 zł|1 374,56 zł|John Smith|Sample Company Ltd.|2026-03-30|\
FS 12/01/2026, due 2026-01-20, 140,00 zł, 1 day overdue\n\
FS 31/02/2026, due 2026-02-20, 1 234,56 zł, 31 days overdue You promised to pay by 2026-03-31."
        );
    }

    #[test]
    fn promise_note_only_when_a_promise_date_exists() {
        let t = Template {
            promise_note: Some(" Termin zobowiazania: <data_zobowiazania>.".into()),
            ..sms(
                ContactReason::Arrears,
                Lang::Pl,
                "Zaleglosc <suma_naleznosci>.<dopisek_zobowiazania>",
            )
        };
        assert_eq!(
            t.render(&ctx(Some(date(2026, 3, 31)))).unwrap().text,
            "Zaleglosc 1 374,56 zł. Termin zobowiazania: 31.03.2026."
        );
        assert_eq!(t.render(&ctx(None)).unwrap().text, "Zaleglosc 1 374,56 zł.");
    }

    #[test]
    fn unknown_tags_are_refused_naming_the_tag() {
        let t = sms(
            ContactReason::Other,
            Lang::Pl,
            "Saldo <saldo> na <kartoteka>",
        );
        let err = t.validate().unwrap_err();
        assert_eq!(
            err,
            TemplateError::UnknownTag {
                tag: "saldo".into(),
                field: TemplateField::Body
            }
        );
        assert_eq!(
            err.to_string(),
            "nieznany znacznik „<saldo>” w polu „treść”"
        );
        assert_eq!(err.message(Lang::En), "unknown tag \"<saldo>\" in the body");
        // Unknown tags in the note and subject are named too.
        let t = Template {
            promise_note: Some("do <data_wplaty>".into()),
            ..sms(ContactReason::Arrears, Lang::Pl, "x")
        };
        assert!(
            matches!(t.validate(), Err(TemplateError::UnknownTag { tag, field: TemplateField::PromiseNote }) if tag == "data_wplaty")
        );
        let unclosed = sms(ContactReason::Other, Lang::Pl, "Saldo <kartoteka");
        assert!(matches!(
            unclosed.validate(),
            Err(TemplateError::Unclosed { .. })
        ));
        // A lone "<" is text, not a tag.
        let lt = sms(ContactReason::Other, Lang::Pl, "Kwota < 5 zl, <kartoteka>");
        assert_eq!(lt.preview().unwrap().text, "Kwota < 5 zl, GOK-544");
    }

    #[test]
    fn tags_follow_the_contact_reason() {
        let upcoming = sms(ContactReason::Upcoming, Lang::Pl, "<kod_naleznosci>");
        assert!(matches!(
            upcoming.validate(),
            Err(TemplateError::TagNotAvailable { ref tag, reason: ContactReason::Upcoming }) if tag == "kod_naleznosci"
        ));
        let other = sms(ContactReason::Other, Lang::Pl, "<rata>");
        assert!(other.validate().is_err());
        let note = sms(ContactReason::Upcoming, Lang::Pl, "<dopisek_zobowiazania>");
        assert!(note.validate().is_err());
        let date_in_body = sms(ContactReason::Arrears, Lang::Pl, "<data_zobowiazania>");
        assert_eq!(
            date_in_body.validate(),
            Err(TemplateError::OnlyInPromiseNote {
                tag: "data_zobowiazania".into()
            })
        );
        for reason in [
            ContactReason::Arrears,
            ContactReason::Upcoming,
            ContactReason::Other,
        ] {
            let body: String =
                Tag::available_for(reason)
                    .iter()
                    .fold(String::new(), |mut out, t| {
                        let _ = write!(out, "<{}>", t.name());
                        out
                    });
            sms(reason, Lang::Pl, &body).validate().unwrap();
        }
    }

    #[test]
    fn email_needs_a_subject_and_escapes_html() {
        let mut c = ctx(None);
        c.debtor_name = "Zażółć <b>& Syn</b>".into();
        let mut t = Template {
            name: "Mail".into(),
            channel: ChannelKind::Email,
            reason: ContactReason::Arrears,
            lang: Lang::Pl,
            subject: None,
            body: "Szanowni Państwo,\n<dluznik>: zaległość <suma_naleznosci>.\n<dokumenty>".into(),
            promise_note: None,
            max_parts: None,
        };
        assert_eq!(
            t.validate(),
            Err(TemplateError::Missing {
                field: TemplateField::Subject
            })
        );
        t.subject = Some("Zaległość w <wierzyciel>\n(<kartoteka>)".into());
        let r = t.render(&c).unwrap();
        assert_eq!(
            r.subject.as_deref(),
            Some("Zaległość w Przykładowa Firma Sp. z o.o. (GOK-544)")
        );
        let html = r.html.unwrap();
        assert!(html.contains("Zażółć &lt;b&gt;&amp; Syn&lt;/b&gt;: zaległość 1 374,56 zł."));
        assert!(html.contains("<td>FS 31/02/2026</td><td>20.02.2026</td><td style=\"text-align:right\">1 234,56</td><td>PLN</td><td style=\"text-align:right\">31</td>"));
        assert!(!html.contains("<b>"));
        assert!(
            r.text
                .starts_with("Szanowni Państwo,\nZażółć <b>& Syn</b>: zaległość")
        );
    }

    #[test]
    fn selects_documents_by_reason_and_totals_per_currency() {
        let doc = |id: &str, due: NaiveDate, minor: i64, cur: Currency| Document {
            external_id: inkaso_shared::ExternalId::new(id).unwrap(),
            debtor_external_id: inkaso_shared::ExternalId::new("KH-1").unwrap(),
            number: id.into(),
            issue_date: None,
            due_date: due,
            amount_minor: minor,
            remaining_minor: minor,
            currency: cur,
        };
        let today = date(2026, 3, 23);
        let docs = vec![
            doc("A", date(2026, 3, 1), 10_000, Currency::PLN),
            doc("B", date(2026, 3, 23), 5_000, Currency::PLN),
            doc("C", date(2026, 2, 1), 2_000, Currency::EUR),
        ];
        let arrears = RenderContext::select_documents(&docs, ContactReason::Arrears, today);
        assert_eq!(
            arrears
                .iter()
                .map(|d| d.number.as_str())
                .collect::<Vec<_>>(),
            ["A", "C"]
        );
        assert_eq!(arrears[0].days_overdue, 22);
        let upcoming = RenderContext::select_documents(&docs, ContactReason::Upcoming, today);
        assert_eq!(upcoming.len(), 1);
        assert_eq!(upcoming[0].days_overdue, 0);
        let mut c = ctx(None);
        c.documents = RenderContext::select_documents(&docs, ContactReason::Other, today);
        let t = sms(ContactReason::Other, Lang::Pl, "<suma_naleznosci>");
        assert_eq!(t.render(&c).unwrap().text, "150,00 zł + 20,00 EUR");
    }

    #[test]
    fn saving_an_sms_template_folds_it_and_reports_the_changes() {
        let mut t = Template {
            promise_note: Some(" Termin zobowiązania: <data_zobowiazania>.".into()),
            ..sms(
                ContactReason::Arrears,
                Lang::Pl,
                "Dzień dobry, zaległość na kartotece <kartoteka> wynosi <suma_naleznosci>.<dopisek_zobowiazania>",
            )
        };
        let changes = t.prepare_for_save().unwrap();
        assert_eq!(
            t.body,
            "Dzien dobry, zaleglosc na kartotece <kartoteka> wynosi <suma_naleznosci>.<dopisek_zobowiazania>"
        );
        assert_eq!(
            t.promise_note.as_deref(),
            Some(" Termin zobowiazania: <data_zobowiazania>.")
        );
        let summary: Vec<(char, usize)> = changes.iter().map(|c| (c.from, c.count)).collect();
        // ń; ł, ś, ć in "zaległość"; ą in "zobowiązania".
        assert_eq!(summary, [('ń', 1), ('ł', 1), ('ś', 1), ('ć', 1), ('ą', 1)]);
        let preview = t.preview_sms().unwrap();
        // The sample's amount "1 374,56 zł" still carries "ł": folded in the preview too.
        assert_eq!(
            preview.text,
            "Dzien dobry, zaleglosc na kartotece GOK-544 wynosi 1 374,56 zl. Termin zobowiazania: 31.03.2026."
        );
        assert_eq!(preview.changes.len(), 1);
        assert_eq!(
            (preview.length.chars, preview.length.parts, preview.fits),
            (96, 1, true)
        );
        // An e-mail template is saved as written.
        let mut mail = Template {
            channel: ChannelKind::Email,
            subject: Some("Zaległość".into()),
            ..sms(ContactReason::Other, Lang::Pl, "Zażółć")
        };
        assert!(mail.prepare_for_save().unwrap().is_empty());
        assert_eq!(mail.body, "Zażółć");
    }

    #[test]
    fn tag_help_is_bilingual() {
        assert_eq!(
            Tag::Total.description(Lang::Pl),
            "Łączna kwota wybranych należności"
        );
        assert_eq!(
            Tag::Total.description(Lang::En),
            "Total of the selected receivables"
        );
        assert_eq!(Tag::from_name("rata"), Some(Tag::Instalment));
        assert_eq!(Tag::Instalment.name(), "rata");
    }
}
