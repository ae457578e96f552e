//! The two records that leave a firm's premises: a debtor and one of its unpaid documents.
//!
//! Their shapes are the protocol's (docs/protocol.md) and they enforce the data scope of R-A2/R-A3
//! by construction: a company never carries an address, a document is always unpaid
//! (0 < remaining ≤ amount). Deserialising goes through the same checks, so the cloud can never
//! store a record the agent would have refused.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::email::Email;
use crate::lang::{Lang, Localized};
use crate::money::{Currency, Money};
use crate::nip::Nip;
use crate::phone::Phone;

/// Longest external id, number or name we accept; ERP keys and numbers are far shorter.
pub const MAX_TEXT: usize = 256;

/// The largest amount of one document, in minor units: 10 trillion in the major unit, far above
/// any receivable of a small firm, and low enough that sums of thousands of documents stay
/// within `i64` (sums are checked all the same: an overflow is an error, never a wrap).
pub const MAX_AMOUNT_MINOR: i64 = 1_000_000_000_000_000;

/// A key that the ERP gives a record (a contractor id, a settlement row id): opaque, non-empty.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ExternalId(String);

impl ExternalId {
    /// Trims and checks the id: non-empty, at most [`MAX_TEXT`] characters, no control characters.
    pub fn new(text: &str) -> Result<Self, RecordError> {
        Self::check(text).map(|t| ExternalId(t.to_owned()))
    }

    /// What [`ExternalId::new`] checks, without the copy: the trimmed text, when it is a valid
    /// id. For readers of ids by the million (the agent's snapshot) that keep them elsewhere.
    pub fn check(text: &str) -> Result<&str, RecordError> {
        let t = text.trim();
        if t.is_empty() {
            return Err(RecordError::missing("external_id"));
        }
        if t.chars().count() > MAX_TEXT || t.chars().any(char::is_control) {
            return Err(RecordError::invalid(
                "external_id",
                t,
                InvalidReason::TooLongOrControl,
            ));
        }
        Ok(t)
    }

    /// The id as the ERP gave it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ExternalId {
    type Error = RecordError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        ExternalId::new(&s)
    }
}

impl From<ExternalId> for String {
    fn from(id: ExternalId) -> String {
        id.0
    }
}

impl fmt::Display for ExternalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Company or natural person: decides what contact data may leave the premises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DebtorKind {
    /// A firm: identified by NIP; its address is public and is looked up, never sent.
    Company,
    /// A natural person: the postal address is sent because letters need it.
    Person,
}

/// A natural person's postal address.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Address {
    /// Street, house and flat number as written.
    pub street: String,
    /// `00-950` for Poland; free text abroad.
    pub postcode: String,
    /// City or village.
    pub city: String,
    /// ISO 3166-1 alpha-2 country code.
    #[serde(default = "default_country")]
    pub country: String,
}

fn default_country() -> String {
    "PL".to_owned()
}

/// A debtor: who owes, and how to reach them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "DebtorWire")]
pub struct Debtor {
    /// The ERP's contractor key.
    pub external_id: ExternalId,
    /// Company or person.
    pub kind: DebtorKind,
    /// Full name.
    pub name: String,
    /// Tax number, when the ERP has a valid one.
    pub nip: Option<Nip>,
    /// Address for notices.
    pub email: Option<Email>,
    /// Mobile first, else the main phone.
    pub phone: Option<Phone>,
    /// Postal address: only ever `Some` for a person.
    pub address: Option<Address>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DebtorWire {
    external_id: ExternalId,
    kind: DebtorKind,
    name: String,
    #[serde(default)]
    nip: Option<Nip>,
    #[serde(default)]
    email: Option<Email>,
    #[serde(default)]
    phone: Option<Phone>,
    #[serde(default)]
    address: Option<Address>,
}

impl TryFrom<DebtorWire> for Debtor {
    type Error = RecordError;
    fn try_from(w: DebtorWire) -> Result<Self, Self::Error> {
        Debtor {
            external_id: w.external_id,
            kind: w.kind,
            name: w.name,
            nip: w.nip,
            email: w.email,
            phone: w.phone,
            address: w.address,
        }
        .validated()
    }
}

impl Debtor {
    /// Checks the record's invariants: a name, and no address for a company (R-A3).
    pub fn validated(self) -> Result<Self, RecordError> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err(RecordError::missing("name"));
        }
        check_text("name", name)?;
        if let Some(a) = &self.address {
            check_text("address.street", &a.street)?;
            check_text("address.postcode", &a.postcode)?;
            check_text("address.city", &a.city)?;
        }
        if self.kind == DebtorKind::Company && self.address.is_some() {
            return Err(RecordError::invalid(
                "address",
                "(adres)",
                InvalidReason::CompanyAddress,
            ));
        }
        if let Some(a) = &self.address
            && (a.country.len() != 2 || !a.country.chars().all(|c| c.is_ascii_uppercase()))
        {
            {
                return Err(RecordError::invalid(
                    "address.country",
                    &a.country,
                    InvalidReason::Country,
                ));
            }
        }
        Ok(self)
    }
}

/// One unpaid receivable: a settlement row, i.e. one instalment of an invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "DocumentWire")]
pub struct Document {
    /// The ERP's key of the settlement row (not of the invoice: one invoice may have instalments).
    pub external_id: ExternalId,
    /// The debtor's external id.
    pub debtor_external_id: ExternalId,
    /// The number as printed (`FS 12/11/2026`).
    pub number: String,
    /// Issue date; `None` when the ERP has none (e.g. an opening balance).
    pub issue_date: Option<NaiveDate>,
    /// Payment due date.
    pub due_date: NaiveDate,
    /// Amount of this receivable, in minor units.
    pub amount_minor: i64,
    /// Amount still to pay, in minor units: `0 < remaining_minor <= amount_minor`.
    pub remaining_minor: i64,
    /// The document's currency.
    pub currency: Currency,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DocumentWire {
    external_id: ExternalId,
    debtor_external_id: ExternalId,
    number: String,
    #[serde(default)]
    issue_date: Option<NaiveDate>,
    due_date: NaiveDate,
    amount_minor: i64,
    remaining_minor: i64,
    currency: Currency,
}

impl TryFrom<DocumentWire> for Document {
    type Error = RecordError;
    fn try_from(w: DocumentWire) -> Result<Self, Self::Error> {
        Document {
            external_id: w.external_id,
            debtor_external_id: w.debtor_external_id,
            number: w.number,
            issue_date: w.issue_date,
            due_date: w.due_date,
            amount_minor: w.amount_minor,
            remaining_minor: w.remaining_minor,
            currency: w.currency,
        }
        .validated()
    }
}

impl Document {
    /// Checks the invariants of an unpaid document.
    pub fn validated(self) -> Result<Self, RecordError> {
        let number = self.number.trim();
        if number.is_empty() {
            return Err(RecordError::missing("number"));
        }
        check_text("number", number)?;
        if self.amount_minor > MAX_AMOUNT_MINOR {
            return Err(RecordError::invalid(
                "amount_minor",
                &self.amount_minor.to_string(),
                InvalidReason::TooLarge,
            ));
        }
        if self.remaining_minor <= 0 {
            return Err(RecordError::invalid(
                "remaining_minor",
                &self.remaining_minor.to_string(),
                InvalidReason::NotPositive,
            ));
        }
        if self.remaining_minor > self.amount_minor {
            return Err(RecordError::invalid(
                "remaining_minor",
                &self.remaining_minor.to_string(),
                InvalidReason::ExceedsAmount,
            ));
        }
        Ok(self)
    }

    /// The amount as [`Money`].
    pub fn amount(&self) -> Money {
        Money::new(self.amount_minor, self.currency)
    }

    /// The remaining amount as [`Money`].
    pub fn remaining(&self) -> Money {
        Money::new(self.remaining_minor, self.currency)
    }

    /// Calendar days past the due date on `today` (0 when not yet due).
    pub fn days_overdue(&self, today: NaiveDate) -> i64 {
        (today - self.due_date).num_days().max(0)
    }
}

/// Every free-text field of a record: at most [`MAX_TEXT`] characters and no control character
/// (NUL, line breaks, escapes). PostgreSQL refuses NUL in text, terminals and CSV cells misread
/// the others; refusing them here, on both sides of the wire, keeps one bad ERP row from ever
/// reaching the cloud's database (the agent quarantines the row, naming the field).
pub fn check_text(field: &'static str, value: &str) -> Result<(), RecordError> {
    if value.chars().any(char::is_control) {
        return Err(RecordError::invalid(
            field,
            value,
            InvalidReason::ControlCharacter,
        ));
    }
    if value.chars().count() > MAX_TEXT {
        return Err(RecordError::invalid(
            field,
            value,
            InvalidReason::TooLongOrControl,
        ));
    }
    Ok(())
}

/// Why a record is invalid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvalidReason {
    /// The text is too long (the name is kept for the wire's sake: older agents send it for
    /// control characters too).
    TooLongOrControl,
    /// The text contains a control character (NUL, a line break, an escape).
    ControlCharacter,
    /// The amount is larger than [`MAX_AMOUNT_MINOR`].
    TooLarge,
    /// A company record carries an address (data minimisation, R-A3).
    CompanyAddress,
    /// The country is not an ISO 3166-1 alpha-2 code.
    Country,
    /// The remaining amount is zero or negative: the document is not unpaid.
    NotPositive,
    /// The remaining amount is greater than the document's amount.
    ExceedsAmount,
}

/// A record that breaks the protocol's rules, naming the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    #[error("brak wymaganego pola „{field}”")]
    Missing { field: &'static str },
    #[error("pole „{field}” = „{value}”: {}", reason_pl(*.reason))]
    Invalid {
        field: &'static str,
        value: String,
        reason: InvalidReason,
    },
}

impl RecordError {
    fn missing(field: &'static str) -> Self {
        RecordError::Missing { field }
    }

    fn invalid(field: &'static str, value: &str, reason: InvalidReason) -> Self {
        // The value is shown in reports and logs: control characters as `\u{0}` escapes.
        let value = value
            .chars()
            .map(|c| {
                if c.is_control() {
                    c.escape_unicode().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect();
        RecordError::Invalid {
            field,
            value,
            reason,
        }
    }

    /// The offending value (control characters escaped), when there is one.
    pub fn value(&self) -> Option<&str> {
        match self {
            RecordError::Missing { .. } => None,
            RecordError::Invalid { value, .. } => Some(value),
        }
    }

    /// The field the error is about.
    pub fn field(&self) -> &'static str {
        match self {
            RecordError::Missing { field } | RecordError::Invalid { field, .. } => field,
        }
    }
}

fn reason_pl(r: InvalidReason) -> &'static str {
    match r {
        InvalidReason::TooLongOrControl => "za długie lub zawiera znaki sterujące",
        InvalidReason::ControlCharacter => "zawiera znak sterujący (np. NUL, koniec wiersza)",
        InvalidReason::TooLarge => "kwota przekracza 10 bilionów (podejrzana wartość z ERP)",
        InvalidReason::CompanyAddress => "adresu firmy nie wysyłamy (minimalizacja danych)",
        InvalidReason::Country => "kod kraju musi mieć postać ISO 3166 (np. PL)",
        InvalidReason::NotPositive => "pozostała kwota musi być większa od zera",
        InvalidReason::ExceedsAmount => "pozostała kwota przekracza kwotę dokumentu",
    }
}

fn reason_en(r: InvalidReason) -> &'static str {
    match r {
        InvalidReason::TooLongOrControl => "too long or contains control characters",
        InvalidReason::ControlCharacter => "contains a control character (e.g. NUL, a line break)",
        InvalidReason::TooLarge => "the amount exceeds 10 trillion (a suspicious ERP value)",
        InvalidReason::CompanyAddress => "a company's address is never sent (data minimisation)",
        InvalidReason::Country => "the country must be an ISO 3166 code (e.g. PL)",
        InvalidReason::NotPositive => "the remaining amount must be greater than zero",
        InvalidReason::ExceedsAmount => "the remaining amount exceeds the document's amount",
    }
}

impl Localized for RecordError {
    fn message(&self, lang: Lang) -> String {
        match (lang, self) {
            (Lang::Pl, _) => self.to_string(),
            (Lang::En, RecordError::Missing { field }) => {
                format!("required field \"{field}\" is missing")
            }
            (
                Lang::En,
                RecordError::Invalid {
                    field,
                    value,
                    reason,
                },
            ) => {
                format!("field \"{field}\" = \"{value}\": {}", reason_en(*reason))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    pub(crate) fn company() -> serde_json::Value {
        json!({
            "external_id": "KH-17", "kind": "company", "name": "Zażółć Sp. z o.o.",
            "nip": "5261040828", "email": "biuro@zazolc.pl", "phone": "+48601234567", "address": null
        })
    }

    fn document() -> serde_json::Value {
        json!({
            "external_id": "NZF-1001", "debtor_external_id": "KH-17", "number": "FS 12/11/2026",
            "issue_date": "2026-11-01", "due_date": "2026-11-15",
            "amount_minor": 123_456, "remaining_minor": 23_456, "currency": "PLN"
        })
    }

    #[test]
    fn control_characters_in_any_text_field_are_refused_naming_it() {
        let mut d = company();
        d["name"] = json!("A\u{0}B");
        let e = serde_json::from_value::<Debtor>(d).unwrap_err().to_string();
        assert!(e.contains("name") && e.contains("\\u{0}"), "{e}");
        let mut p = company();
        p["kind"] = json!("person");
        p["address"] = json!({"street": "Długa\u{1b}5", "postcode": "80-001", "city": "Gdańsk"});
        let e = serde_json::from_value::<Debtor>(p).unwrap_err().to_string();
        assert!(
            e.contains("address.street") && e.contains("sterujący"),
            "{e}"
        );
        let mut doc = document();
        doc["number"] = json!("FS\n1");
        let e = serde_json::from_value::<Document>(doc)
            .unwrap_err()
            .to_string();
        assert!(e.contains("number"), "{e}");
        let mut big = document();
        big["amount_minor"] = json!(MAX_AMOUNT_MINOR + 1);
        let e = serde_json::from_value::<Document>(big)
            .unwrap_err()
            .to_string();
        assert!(e.contains("amount_minor"), "{e}");
    }

    #[test]
    fn debtor_round_trips() {
        let d: Debtor = serde_json::from_value(company()).unwrap();
        assert_eq!(d.nip.as_ref().unwrap().as_str(), "5261040828");
        let back: Debtor = serde_json::from_str(&serde_json::to_string(&d).unwrap()).unwrap();
        assert_eq!(back, d);
    }

    #[test]
    fn company_with_address_is_refused() {
        let mut v = company();
        v["address"] = json!({"street": "Prosta 1", "postcode": "00-001", "city": "Warszawa", "country": "PL"});
        let err = serde_json::from_value::<Debtor>(v).unwrap_err().to_string();
        assert!(err.contains("address"), "{err}");
    }

    #[test]
    fn person_carries_address() {
        let v = json!({
            "external_id": "KH-18", "kind": "person", "name": "Jan Kowalski",
            "address": {"street": "Długa 5/3", "postcode": "80-001", "city": "Gdańsk"}
        });
        let d: Debtor = serde_json::from_value(v).unwrap();
        assert_eq!(d.address.unwrap().country, "PL");
    }

    #[test]
    fn unknown_fields_are_refused() {
        let mut v = company();
        v["regon"] = json!("123");
        assert!(
            serde_json::from_value::<Debtor>(v)
                .unwrap_err()
                .to_string()
                .contains("regon")
        );
        let mut d = document();
        d["line_items"] = json!([]);
        assert!(
            serde_json::from_value::<Document>(d)
                .unwrap_err()
                .to_string()
                .contains("line_items")
        );
    }

    #[test]
    fn invalid_values_inside_records_are_refused() {
        let mut v = company();
        v["nip"] = json!("5261040829");
        assert!(
            serde_json::from_value::<Debtor>(v)
                .unwrap_err()
                .to_string()
                .contains("sumę kontrolną")
        );
        let mut v = company();
        v["name"] = json!("  ");
        assert!(
            serde_json::from_value::<Debtor>(v)
                .unwrap_err()
                .to_string()
                .contains("name")
        );
    }

    #[test]
    fn document_round_trips_and_checks_amounts() {
        let d: Document = serde_json::from_value(document()).unwrap();
        assert_eq!(d.remaining().to_string(), "234,56 zł");
        assert_eq!(
            d.days_overdue(NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()),
            7
        );
        assert_eq!(
            d.days_overdue(NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()),
            0
        );
        let back: Document = serde_json::from_str(&serde_json::to_string(&d).unwrap()).unwrap();
        assert_eq!(back, d);

        for (remaining, needle) in [
            (0, "większa od zera"),
            (-5, "większa od zera"),
            (200_000, "przekracza"),
        ] {
            let mut v = document();
            v["remaining_minor"] = json!(remaining);
            let err = serde_json::from_value::<Document>(v)
                .unwrap_err()
                .to_string();
            assert!(err.contains(needle), "{err}");
        }
        let mut v = document();
        v["currency"] = json!("XXY");
        assert!(serde_json::from_value::<Document>(v).is_err());
        let mut v = document();
        v["due_date"] = json!(null);
        assert!(serde_json::from_value::<Document>(v).is_err());
    }

    #[test]
    fn errors_name_the_field_in_both_languages() {
        let e = RecordError::invalid("remaining_minor", "0", InvalidReason::NotPositive);
        assert_eq!(e.field(), "remaining_minor");
        assert!(e.message(Lang::En).contains("greater than zero"));
        assert!(ExternalId::new(" ").is_err());
        assert_eq!(ExternalId::new(" 17 ").unwrap().as_str(), "17");
    }
}
