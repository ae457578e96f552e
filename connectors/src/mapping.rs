//! Turns result rows into the records that may leave the premises, applying exclusions first.
//!
//! This module owns the connector's promises about data: exclusions are decided before a row's
//! values are looked at any further (an excluded debtor's data never appears anywhere, not even
//! in the quarantine report); a company's address is dropped even when a query returns it; a
//! field-level problem drops the field with a [`Warning`]; a record-level problem puts the row
//! in quarantine ([`Rejection`]); each debtor is emitted once, just before its first document.
//! Nothing is dropped without being counted.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::fmt::Write as _;

use inkaso_shared::money::parse_minor;
use inkaso_shared::protocol::Exclusions;
use inkaso_shared::records::{InvalidReason, MAX_TEXT, RecordError};
use inkaso_shared::{
    Address, Currency, Debtor, DebtorKind, Document, Email, ExternalId, Lang, Localized, Nip, Phone,
};
use serde::Serialize;

use crate::columns::Col;
use crate::values::{DateError, DateFormat, normalise_postcode, parse_date, parse_small_int};

/// One cell of a fetched row, as the mapper sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell<'a> {
    /// SQL `NULL`, or a column the query does not return.
    Null,
    /// The value.
    Text(Cow<'a, str>),
    /// The value filled its buffer: longer than anything we accept. Carries a readable prefix.
    TooLong(String),
    /// The driver returned bytes that are not UTF-8 (a misconfigured client character set).
    NotUtf8(String),
}

impl Cell<'_> {
    /// The trimmed text, `None` for NULL or empty text.
    fn text(&self) -> Option<&str> {
        match self {
            Cell::Text(t) => Some(t.trim()).filter(|t| !t.is_empty()),
            _ => None,
        }
    }

    /// What to show in a report for this cell.
    fn shown(&self) -> Option<String> {
        match self {
            Cell::Null => None,
            Cell::Text(t) => Some(t.trim().to_owned()),
            Cell::TooLong(p) | Cell::NotUtf8(p) => Some(p.clone()),
        }
    }
}

/// A row of the result set, by column.
pub trait RowSource {
    /// The cell of `col` (NULL when the query has no such column).
    fn cell(&self, col: Col) -> Cell<'_>;
}

/// What the connector yields, in order: a debtor always precedes its first document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A debtor to send (once per extraction).
    Debtor(Debtor),
    /// An unpaid document to send.
    Document(Document),
    /// A row that could not be used, with the reason (quarantine report).
    Rejected(Rejection),
    /// A problem that did not stop the record, only one of its fields.
    Warning(Warning),
}

/// The keys of what exclusions withheld in one extraction: ERP ids only, never contact data,
/// and they never leave the premises (the agent uses them to close what it sent before).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExcludedKeys {
    /// Debtors withheld entirely.
    pub debtors: Vec<String>,
    /// Settlements withheld (their own exclusion or their debtor's).
    pub documents: Vec<String>,
}

/// Why a row went to quarantine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectReason {
    /// A required value is NULL or empty.
    Missing,
    /// The value is not a number, a date or an id we can read.
    Unparseable,
    /// The currency is not an ISO 4217 code we know.
    UnknownCurrency,
    /// The remaining amount is zero or negative.
    NotPositive,
    /// The remaining amount exceeds the document's amount.
    ExceedsAmount,
    /// Longer than any value we accept.
    TooLong,
    /// The driver returned text that is not UTF-8.
    Encoding,
    /// The debtor's own record is unusable (e.g. no name), so its documents are too.
    DebtorRejected,
    /// The text holds a control character (NUL, an escape): never sent, as no database or
    /// report could carry it safely.
    ControlCharacter,
    /// An amount beyond any real receivable (`MAX_AMOUNT_MINOR`).
    TooLarge,
}

impl RejectReason {
    /// The reason a record's own check gives, as a quarantine reason.
    fn of_record(e: &RecordError) -> RejectReason {
        match e {
            RecordError::Invalid {
                reason: InvalidReason::ControlCharacter,
                ..
            } => RejectReason::ControlCharacter,
            RecordError::Invalid {
                reason: InvalidReason::TooLarge,
                ..
            } => RejectReason::TooLarge,
            RecordError::Invalid {
                reason: InvalidReason::TooLongOrControl,
                ..
            } => RejectReason::TooLong,
            RecordError::Invalid {
                reason: InvalidReason::NotPositive,
                ..
            } => RejectReason::NotPositive,
            RecordError::Invalid {
                reason: InvalidReason::ExceedsAmount,
                ..
            } => RejectReason::ExceedsAmount,
            RecordError::Missing { .. } => RejectReason::Missing,
            RecordError::Invalid { .. } => RejectReason::Unparseable,
        }
    }
}

/// One quarantined row: which row, which field, what value, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rejection {
    /// 1-based position in the result set.
    pub row: u64,
    /// The settlement's key when it has one, else `row N`.
    pub row_key: String,
    /// The debtor's key when it has one.
    pub debtor_external_id: Option<String>,
    /// The output column at fault.
    pub field: &'static str,
    /// The offending value (`None` when missing).
    pub value: Option<String>,
    /// Why.
    pub reason: RejectReason,
    /// The parser's own explanation, in Polish.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl Localized for Rejection {
    fn message(&self, lang: Lang) -> String {
        let base = match (lang, self.reason) {
            (Lang::Pl, RejectReason::Missing) => "brak wymaganej wartości",
            (Lang::Pl, RejectReason::Unparseable) => "nieczytelna wartość",
            (Lang::Pl, RejectReason::UnknownCurrency) => "nieznana waluta",
            (Lang::Pl, RejectReason::NotPositive) => "pozostała kwota nie jest większa od zera",
            (Lang::Pl, RejectReason::ExceedsAmount) => "pozostała kwota przekracza kwotę dokumentu",
            (Lang::Pl, RejectReason::TooLong) => "wartość za długa",
            (Lang::Pl, RejectReason::Encoding) => {
                "tekst nie jest w UTF-8 (sprawdź kodowanie znaków sterownika ODBC)"
            }
            (Lang::Pl, RejectReason::DebtorRejected) => "dane kontrahenta są niekompletne",
            (Lang::Pl, RejectReason::ControlCharacter) => {
                "tekst zawiera znak sterujący (np. NUL): popraw go w ERP"
            }
            (Lang::Pl, RejectReason::TooLarge) => "kwota nierealnie duża",
            (Lang::En, RejectReason::Missing) => "required value is missing",
            (Lang::En, RejectReason::Unparseable) => "value cannot be read",
            (Lang::En, RejectReason::UnknownCurrency) => "unknown currency",
            (Lang::En, RejectReason::NotPositive) => "remaining amount is not greater than zero",
            (Lang::En, RejectReason::ExceedsAmount) => {
                "remaining amount exceeds the document's amount"
            }
            (Lang::En, RejectReason::TooLong) => "value too long",
            (Lang::En, RejectReason::Encoding) => {
                "text is not UTF-8 (check the ODBC driver's character set)"
            }
            (Lang::En, RejectReason::DebtorRejected) => "the debtor's data is incomplete",
            (Lang::En, RejectReason::ControlCharacter) => {
                "the text holds a control character (e.g. NUL): correct it in the ERP"
            }
            (Lang::En, RejectReason::TooLarge) => "unrealistically large amount",
        };
        match (&self.detail, lang) {
            (Some(d), Lang::Pl) => format!("{}: {base} ({d})", self.field),
            _ => format!("{}: {base}", self.field),
        }
    }
}

/// What a warning is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    /// The NIP fails its checksum or format: not sent.
    InvalidNip,
    /// The e-mail is not an address: not sent.
    InvalidEmail,
    /// The phone is not a number: not sent.
    InvalidPhone,
    /// A contact value is longer than any we accept: not sent.
    TooLong,
    /// Text that is not UTF-8: not sent.
    Encoding,
    /// The issue date cannot be read: the document is sent without it.
    InvalidIssueDate,
    /// Neither an e-mail nor a mobile: only letters can reach this debtor.
    NoEmailNoMobile,
    /// The same phone belongs to another debtor too.
    SharedPhone,
    /// A natural person without a complete postal address: no letters possible.
    IncompleteAddress,
}

/// A field-level problem or a contact-data problem that will hurt collection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// What about.
    pub kind: WarningKind,
    /// Whose record.
    pub debtor_external_id: String,
    /// The document, for document-level warnings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc_external_id: Option<String>,
    /// The output column, when one field is at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<&'static str>,
    /// The offending value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// For [`WarningKind::SharedPhone`]: the debtor that already has this phone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub other_debtor_external_id: Option<String>,
}

impl Localized for Warning {
    fn message(&self, lang: Lang) -> String {
        let v = self.value.as_deref().unwrap_or("");
        let other = self.other_debtor_external_id.as_deref().unwrap_or("");
        match lang {
            Lang::Pl => match self.kind {
                WarningKind::InvalidNip => format!("błędny NIP „{v}” – pominięty"),
                WarningKind::InvalidEmail => format!("błędny e-mail „{v}” – pominięty"),
                WarningKind::InvalidPhone => format!("błędny telefon „{v}” – pominięty"),
                WarningKind::TooLong => format!("za długa wartość „{v}…” – pominięta"),
                WarningKind::Encoding => "tekst spoza UTF-8 – pominięty".to_owned(),
                WarningKind::InvalidIssueDate => {
                    format!("nieczytelna data wystawienia „{v}” – dokument bez daty wystawienia")
                }
                WarningKind::NoEmailNoMobile => {
                    "brak e-maila i telefonu komórkowego – zostają tylko listy".to_owned()
                }
                WarningKind::SharedPhone => {
                    format!("telefon {v} ma też kontrahent {other}")
                }
                WarningKind::IncompleteAddress => {
                    "osoba fizyczna bez pełnego adresu – listy niemożliwe".to_owned()
                }
            },
            Lang::En => match self.kind {
                WarningKind::InvalidNip => format!("invalid NIP \"{v}\" - left out"),
                WarningKind::InvalidEmail => format!("invalid e-mail \"{v}\" - left out"),
                WarningKind::InvalidPhone => format!("invalid phone \"{v}\" - left out"),
                WarningKind::TooLong => format!("value too long \"{v}...\" - left out"),
                WarningKind::Encoding => "text not in UTF-8 - left out".to_owned(),
                WarningKind::InvalidIssueDate => {
                    format!("unreadable issue date \"{v}\" - document sent without it")
                }
                WarningKind::NoEmailNoMobile => {
                    "no e-mail and no mobile phone - only letters remain".to_owned()
                }
                WarningKind::SharedPhone => format!("phone {v} also belongs to debtor {other}"),
                WarningKind::IncompleteAddress => {
                    "natural person without a complete address - no letters possible".to_owned()
                }
            },
        }
    }
}

/// Why a row was excluded (R-A4). Serialised names are used in reports and docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExclusionReason {
    /// The ERP marks the debtor "do not collect" (`excluded_flag = 1`).
    ErpDebtorFlag,
    /// The ERP marks the document "do not collect" (`excluded_flag = 2`).
    ErpDocumentFlag,
    /// The query flags the row without saying which (`excluded_flag` another non-zero value).
    ErpFlag,
    /// The debtor's id is on the configuration's list.
    ConfigDebtorId,
    /// The debtor's NIP is on the configuration's list.
    ConfigNip,
    /// The document's number starts with a configured prefix.
    ConfigDocumentPrefix,
    /// The remaining amount is below the configured minimum for its currency.
    ConfigMinRemaining,
}

impl ExclusionReason {
    /// The reason in words.
    pub fn describe(self, lang: Lang) -> &'static str {
        match (lang, self) {
            (Lang::Pl, ExclusionReason::ErpDebtorFlag) => "znacznik w ERP na kontrahencie",
            (Lang::Pl, ExclusionReason::ErpDocumentFlag) => "znacznik w ERP na dokumencie",
            (Lang::Pl, ExclusionReason::ErpFlag) => "znacznik w ERP",
            (Lang::Pl, ExclusionReason::ConfigDebtorId) => "kontrahent na liście wykluczeń",
            (Lang::Pl, ExclusionReason::ConfigNip) => "NIP na liście wykluczeń",
            (Lang::Pl, ExclusionReason::ConfigDocumentPrefix) => "seria dokumentu wykluczona",
            (Lang::Pl, ExclusionReason::ConfigMinRemaining) => "kwota poniżej minimum",
            (Lang::En, ExclusionReason::ErpDebtorFlag) => "ERP marker on the debtor",
            (Lang::En, ExclusionReason::ErpDocumentFlag) => "ERP marker on the document",
            (Lang::En, ExclusionReason::ErpFlag) => "ERP marker",
            (Lang::En, ExclusionReason::ConfigDebtorId) => "debtor on the exclusion list",
            (Lang::En, ExclusionReason::ConfigNip) => "NIP on the exclusion list",
            (Lang::En, ExclusionReason::ConfigDocumentPrefix) => "document series excluded",
            (Lang::En, ExclusionReason::ConfigMinRemaining) => "amount below the minimum",
        }
    }
}

/// Counts of one extraction.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Rows the query returned.
    pub rows_read: u64,
    /// Debtors emitted.
    pub debtors: u64,
    /// Documents emitted.
    pub documents: u64,
    /// Rows in quarantine.
    pub rejected: u64,
    /// Warnings emitted.
    pub warnings: u64,
    /// Excluded rows (settlements) by reason.
    pub excluded: BTreeMap<ExclusionReason, u64>,
    /// Distinct debtors withheld entirely by a debtor-level exclusion.
    pub excluded_debtors: u64,
    /// Companies whose address the query returned and the connector dropped.
    pub company_addresses_dropped: u64,
    /// Fetch round trips.
    pub batches: u64,
    /// Wall time of the extraction so far, in milliseconds.
    pub elapsed_ms: u64,
}

impl Summary {
    /// Excluded rows, all reasons together.
    pub fn excluded_total(&self) -> u64 {
        self.excluded.values().sum()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DebtorState {
    Emitted,
    Rejected,
}

/// The row-to-record mapper; keeps only per-debtor state (never per-row state), so its memory
/// grows with the number of distinct debtors, not with the number of settlements.
#[derive(Debug)]
pub struct Mapper {
    exclusions: Exclusions,
    upper_prefixes: Vec<String>,
    date_format: DateFormat,
    debtors: HashMap<String, DebtorState>,
    phones: HashMap<String, String>,
    excluded_debtors: BTreeSet<String>,
    /// Keys (never data) of the settlements an exclusion withheld: the agent closes what it
    /// sent before as `excluded`, never as `paid`.
    excluded_documents: Vec<String>,
    row: u64,
    /// Almost every row has the same currency text: parse it once.
    last_currency: Option<(String, Currency)>,
    /// The running counts.
    pub summary: Summary,
}

impl Mapper {
    /// A mapper enforcing `exclusions`, reading dates as `date_format`.
    pub fn new(exclusions: Exclusions, date_format: DateFormat) -> Self {
        let upper_prefixes = exclusions
            .document_number_prefixes
            .iter()
            .map(|p| p.trim().to_uppercase())
            .filter(|p| !p.is_empty())
            .collect();
        Mapper {
            exclusions,
            upper_prefixes,
            date_format,
            debtors: HashMap::new(),
            phones: HashMap::new(),
            excluded_debtors: BTreeSet::new(),
            excluded_documents: Vec::new(),
            row: 0,
            last_currency: None,
            summary: Summary::default(),
        }
    }

    /// Takes the keys of what exclusions withheld so far (debtors and settlements).
    pub fn take_excluded(&mut self) -> ExcludedKeys {
        ExcludedKeys {
            debtors: self.excluded_debtors.iter().cloned().collect(),
            documents: std::mem::take(&mut self.excluded_documents),
        }
    }

    fn exclude(&mut self, reason: ExclusionReason, debtor: Option<&str>, document: Option<&str>) {
        *self.summary.excluded.entry(reason).or_insert(0) += 1;
        if let Some(doc) = document {
            self.excluded_documents.push(doc.to_owned());
        }
        if let Some(id) = debtor
            && matches!(
                reason,
                ExclusionReason::ConfigDebtorId
                    | ExclusionReason::ConfigNip
                    | ExclusionReason::ErpDebtorFlag
            )
            && !self.excluded_debtors.contains(id)
        {
            self.excluded_debtors.insert(id.to_owned());
            self.summary.excluded_debtors += 1;
        }
    }

    /// Maps one row, pushing what it yields onto `out`.
    pub fn map_row(&mut self, row: &impl RowSource, out: &mut VecDeque<Item>) {
        self.row += 1;
        self.summary.rows_read += 1;
        let before = out.len();
        self.map_row_inner(row, out);
        for item in out.iter().skip(before) {
            match item {
                Item::Debtor(_) => self.summary.debtors += 1,
                Item::Document(_) => self.summary.documents += 1,
                Item::Rejected(_) => self.summary.rejected += 1,
                Item::Warning(_) => self.summary.warnings += 1,
            }
        }
    }

    #[allow(clippy::too_many_lines)]
    fn map_row_inner(&mut self, row: &impl RowSource, out: &mut VecDeque<Item>) {
        let debtor_cell = row.cell(Col::DebtorExternalId);
        let debtor_id = debtor_cell.text().map(str::to_owned);
        let doc_cell = row.cell(Col::DocExternalId);
        // Built only for a rejection: most rows never need it.
        let row_no = self.row;
        let row_key = || {
            doc_cell
                .text()
                .map_or_else(|| format!("wiersz {row_no}"), str::to_owned)
        };

        // 1. Exclusions, before any value is validated or reported.
        if let Some(id) = &debtor_id
            && self.exclusions.debtor_external_ids.contains(id.as_str())
        {
            self.exclude(ExclusionReason::ConfigDebtorId, Some(id), doc_cell.text());
            return;
        }
        if !self.exclusions.nips.is_empty()
            && let Some(nip) = row
                .cell(Col::DebtorNip)
                .text()
                .and_then(|t| Nip::parse(t).ok())
            && self.exclusions.nips.contains(&nip)
        {
            self.exclude(
                ExclusionReason::ConfigNip,
                debtor_id.as_deref(),
                doc_cell.text(),
            );
            return;
        }
        let flag = match row.cell(Col::ExcludedFlag) {
            Cell::Null => 0,
            // Fail closed: a marker we cannot read is treated as set.
            c => c.text().map_or(0, |t| parse_small_int(t).unwrap_or(-1)),
        };
        if flag != 0 {
            let reason = match flag {
                1 => ExclusionReason::ErpDebtorFlag,
                2 => ExclusionReason::ErpDocumentFlag,
                _ => ExclusionReason::ErpFlag,
            };
            self.exclude(reason, debtor_id.as_deref(), doc_cell.text());
            return;
        }
        let number = match Self::document_number(row) {
            Ok(n) => n,
            Err((field, cell, reason)) => {
                out.push_back(Item::Rejected(reject(
                    self.row,
                    &row_key(),
                    debtor_id,
                    field,
                    &cell,
                    reason,
                )));
                return;
            }
        };
        if !self.upper_prefixes.is_empty() {
            let upper = number.to_uppercase();
            if self.upper_prefixes.iter().any(|p| upper.starts_with(p)) {
                self.exclude(ExclusionReason::ConfigDocumentPrefix, None, doc_cell.text());
                return;
            }
        }

        // 2. Record-level checks of the document.
        let rej = |field: Col, cell: &Cell<'_>, reason: RejectReason, detail: Option<String>| {
            let mut r = reject(row_no, &row_key(), debtor_id.clone(), field, cell, reason);
            r.detail = detail;
            Item::Rejected(r)
        };
        let Some(debtor_id) = debtor_id.clone() else {
            out.push_back(rej(
                Col::DebtorExternalId,
                &debtor_cell,
                reason_of(&debtor_cell),
                None,
            ));
            return;
        };
        let (Ok(debtor_key), Some(doc_text)) = (ExternalId::new(&debtor_id), doc_cell.text())
        else {
            let (col, cell) = if ExternalId::new(&debtor_id).is_err() {
                (Col::DebtorExternalId, &debtor_cell)
            } else {
                (Col::DocExternalId, &doc_cell)
            };
            out.push_back(rej(col, cell, reason_of(cell), None));
            return;
        };
        let Ok(doc_key) = ExternalId::new(doc_text) else {
            out.push_back(rej(
                Col::DocExternalId,
                &doc_cell,
                RejectReason::TooLong,
                None,
            ));
            return;
        };
        let currency_cell = row.cell(Col::Currency);
        let Some(currency_text) = currency_cell.text() else {
            out.push_back(rej(
                Col::Currency,
                &currency_cell,
                reason_of(&currency_cell),
                None,
            ));
            return;
        };
        let cached = self
            .last_currency
            .as_ref()
            .filter(|(text, _)| text == currency_text)
            .map(|(_, c)| *c);
        let currency: Currency = match cached.map_or_else(|| currency_text.parse(), Ok) {
            Ok(c) => {
                if cached.is_none() {
                    self.last_currency = Some((currency_text.to_owned(), c));
                }
                c
            }
            Err(e) => {
                out.push_back(rej(
                    Col::Currency,
                    &currency_cell,
                    RejectReason::UnknownCurrency,
                    Some(e.to_string()),
                ));
                return;
            }
        };
        let mut amounts = [0_i64; 2];
        for (slot, col) in amounts
            .iter_mut()
            .zip([Col::GrossAmount, Col::RemainingAmount])
        {
            let cell = row.cell(col);
            let Some(text) = cell.text() else {
                out.push_back(rej(col, &cell, reason_of(&cell), None));
                return;
            };
            match parse_minor(text, currency.exponent()) {
                Ok(v) => *slot = v,
                Err(e) => {
                    out.push_back(rej(
                        col,
                        &cell,
                        RejectReason::Unparseable,
                        Some(e.to_string()),
                    ));
                    return;
                }
            }
        }
        let [amount, remaining] = amounts;
        if remaining <= 0 || remaining > amount {
            let reason = if remaining <= 0 {
                RejectReason::NotPositive
            } else {
                RejectReason::ExceedsAmount
            };
            out.push_back(rej(
                Col::RemainingAmount,
                &row.cell(Col::RemainingAmount),
                reason,
                None,
            ));
            return;
        }
        if let Some(min) = self.exclusions.min_remaining_minor.get(&currency)
            && remaining < *min
        {
            self.exclude(ExclusionReason::ConfigMinRemaining, None, doc_cell.text());
            return;
        }
        let due_cell = row.cell(Col::DueDate);
        let due_date = match due_cell.text().map(|t| parse_date(t, self.date_format)) {
            Some(Ok(Some(d))) => d,
            None | Some(Ok(None)) => {
                out.push_back(rej(Col::DueDate, &due_cell, RejectReason::Missing, None));
                return;
            }
            Some(Err(e)) => {
                out.push_back(rej(
                    Col::DueDate,
                    &due_cell,
                    RejectReason::Unparseable,
                    Some(date_error_pl(e, self.date_format)),
                ));
                return;
            }
        };
        let issue_cell = row.cell(Col::IssueDate);
        let mut doc_warnings = Vec::new();
        let issue_date = match issue_cell.text().map(|t| parse_date(t, self.date_format)) {
            Some(Ok(d)) => d,
            None => None,
            Some(Err(_)) => {
                doc_warnings.push(Warning {
                    kind: WarningKind::InvalidIssueDate,
                    debtor_external_id: debtor_id.clone(),
                    doc_external_id: Some(doc_key.to_string()),
                    field: Some(Col::IssueDate.name()),
                    value: issue_cell.shown(),
                    other_debtor_external_id: None,
                });
                None
            }
        };
        let document = match (Document {
            external_id: doc_key,
            debtor_external_id: debtor_key.clone(),
            number,
            issue_date,
            due_date,
            amount_minor: amount,
            remaining_minor: remaining,
            currency,
        })
        .validated()
        {
            Ok(d) => d,
            Err(e) => {
                let mut r = reject(
                    self.row,
                    &row_key(),
                    Some(debtor_id.clone()),
                    Col::DocNumber,
                    &Cell::Null,
                    RejectReason::of_record(&e),
                );
                r.field = e.field();
                r.value = e.value().map(str::to_owned);
                r.detail = Some(e.to_string());
                out.push_back(Item::Rejected(r));
                return;
            }
        };

        // 3. The debtor, once.
        match self.debtors.get(&debtor_id) {
            Some(DebtorState::Emitted) => {}
            Some(DebtorState::Rejected) => {
                out.push_back(rej(
                    Col::DebtorExternalId,
                    &debtor_cell,
                    RejectReason::DebtorRejected,
                    None,
                ));
                return;
            }
            None => match self.map_debtor(row, debtor_key) {
                Ok((debtor, warnings)) => {
                    self.debtors.insert(debtor_id, DebtorState::Emitted);
                    out.push_back(Item::Debtor(debtor));
                    out.extend(warnings.into_iter().map(Item::Warning));
                }
                Err((col, cell, reason, detail)) => {
                    self.debtors.insert(debtor_id, DebtorState::Rejected);
                    out.push_back(rej(col, &cell, reason, detail));
                    return;
                }
            },
        }
        out.push_back(Item::Document(document));
        out.extend(doc_warnings.into_iter().map(Item::Warning));
    }

    /// `doc_number`, or its parts composed as `SYMBOL-seq/yy/series` (XL).
    fn document_number(row: &impl RowSource) -> Result<String, (Col, Cell<'_>, RejectReason)> {
        let cell = row.cell(Col::DocNumber);
        match &cell {
            Cell::TooLong(_) => return Err((Col::DocNumber, cell, RejectReason::TooLong)),
            Cell::NotUtf8(_) => return Err((Col::DocNumber, cell, RejectReason::Encoding)),
            _ => {}
        }
        if let Some(n) = cell.text() {
            if n.chars().count() > MAX_TEXT {
                return Err((Col::DocNumber, cell, RejectReason::TooLong));
            }
            return Ok(n.to_owned());
        }
        let symbol = row.cell(Col::DocNumberSymbol);
        let seq = row.cell(Col::DocNumberSeq);
        let (Some(symbol_text), Some(seq_text)) = (symbol.text(), seq.text()) else {
            return Err((Col::DocNumber, cell, RejectReason::Missing));
        };
        let mut n = format!("{symbol_text}-{seq_text}");
        if let Some(year) = row
            .cell(Col::DocNumberYear)
            .text()
            .and_then(parse_small_int)
        {
            let _ = write!(n, "/{:02}", year.rem_euclid(100));
        }
        if let Some(series) = row.cell(Col::DocNumberSeries).text() {
            n.push('/');
            n.push_str(series);
        }
        Ok(n)
    }

    #[allow(clippy::type_complexity, clippy::too_many_lines)]
    fn map_debtor<'r>(
        &mut self,
        row: &'r impl RowSource,
        id: ExternalId,
    ) -> Result<(Debtor, Vec<Warning>), (Col, Cell<'r>, RejectReason, Option<String>)> {
        let name_cell = row.cell(Col::DebtorName);
        let Some(base) = name_cell.text() else {
            let reason = reason_of(&name_cell);
            return Err((Col::DebtorName, name_cell, reason, None));
        };
        let mut name = base.to_owned();
        for part in [Col::DebtorName2, Col::DebtorName3] {
            let cell = row.cell(part);
            if let Some(p) = cell.text() {
                name.push(' ');
                name.push_str(p);
            }
        }
        if name.chars().count() > MAX_TEXT {
            return Err((Col::DebtorName, name_cell, RejectReason::TooLong, None));
        }
        let is_person = row
            .cell(Col::DebtorIsPerson)
            .text()
            .and_then(parse_small_int)
            .is_some_and(|v| v == 1);
        let debtor_id = id.to_string();
        let mut warnings = Vec::new();
        let mut field_warning = |kind: WarningKind, col: Col, cell: &Cell<'_>| {
            warnings.push(Warning {
                kind,
                debtor_external_id: debtor_id.clone(),
                doc_external_id: None,
                field: Some(col.name()),
                value: cell.shown(),
                other_debtor_external_id: None,
            });
        };
        let nip = contact(
            row,
            Col::DebtorNip,
            &mut field_warning,
            WarningKind::InvalidNip,
            |t| Nip::parse(t).ok(),
        );
        let email = contact(
            row,
            Col::DebtorEmail,
            &mut field_warning,
            WarningKind::InvalidEmail,
            |t| Email::parse(t).ok(),
        );
        let phone = contact(
            row,
            Col::DebtorPhone,
            &mut field_warning,
            WarningKind::InvalidPhone,
            |t| Phone::parse(t).ok(),
        );

        let address_cols = [
            Col::DebtorStreet,
            Col::DebtorHouseNo,
            Col::DebtorFlatNo,
            Col::DebtorCity,
            Col::DebtorPostcode,
        ];
        let address = if is_person {
            let street = row.cell(Col::DebtorStreet);
            let city = row.cell(Col::DebtorCity);
            let postcode = row.cell(Col::DebtorPostcode);
            if let (Some(s), Some(c), Some(p)) = (street.text(), city.text(), postcode.text()) {
                let mut street_line = s.to_owned();
                if let Some(h) = row.cell(Col::DebtorHouseNo).text() {
                    street_line.push(' ');
                    street_line.push_str(h);
                    if let Some(f) = row.cell(Col::DebtorFlatNo).text() {
                        street_line.push('/');
                        street_line.push_str(f);
                    }
                }
                Some(Address {
                    street: fold_breaks(&street_line),
                    postcode: normalise_postcode(p),
                    city: fold_breaks(c),
                    country: "PL".to_owned(),
                })
            } else {
                warnings.push(Warning {
                    kind: WarningKind::IncompleteAddress,
                    debtor_external_id: debtor_id.clone(),
                    doc_external_id: None,
                    field: Some(Col::DebtorStreet.name()),
                    value: None,
                    other_debtor_external_id: None,
                });
                None
            }
        } else {
            // Data minimisation in code as well as in SQL (R-A3).
            if address_cols.iter().any(|c| row.cell(*c) != Cell::Null) {
                self.summary.company_addresses_dropped += 1;
            }
            None
        };

        if email.is_none() && !phone.as_ref().is_some_and(Phone::is_mobile) {
            warnings.push(Warning {
                kind: WarningKind::NoEmailNoMobile,
                debtor_external_id: debtor_id.clone(),
                doc_external_id: None,
                field: None,
                value: None,
                other_debtor_external_id: None,
            });
        }
        if let Some(p) = &phone {
            match self.phones.get(p.e164()) {
                Some(other) if *other != debtor_id => warnings.push(Warning {
                    kind: WarningKind::SharedPhone,
                    debtor_external_id: debtor_id.clone(),
                    doc_external_id: None,
                    field: Some(Col::DebtorPhone.name()),
                    value: Some(p.e164().to_owned()),
                    other_debtor_external_id: Some(other.clone()),
                }),
                Some(_) => {}
                None => {
                    self.phones.insert(p.e164().to_owned(), debtor_id.clone());
                }
            }
        }
        let debtor = Debtor {
            external_id: id,
            kind: if is_person {
                DebtorKind::Person
            } else {
                DebtorKind::Company
            },
            name: fold_breaks(&name),
            nip,
            email,
            phone,
            address,
        }
        .validated()
        .map_err(|e| {
            let col = match e.field() {
                "address.street" => Col::DebtorStreet,
                "address.city" => Col::DebtorCity,
                "address.postcode" => Col::DebtorPostcode,
                _ => Col::DebtorName,
            };
            let cell = row.cell(col);
            (col, cell, RejectReason::of_record(&e), Some(e.to_string()))
        })?;
        Ok((debtor, warnings))
    }
}

/// Line breaks and tabs inside a name or an address line are the ERP's formatting (a street
/// typed on two lines), not data: they become one space. Any other control character (NUL, an
/// escape) is left for the record's check to refuse, which quarantines the row.
fn fold_breaks(text: &str) -> String {
    if !text.contains(['\r', '\n', '\t']) {
        return text.to_owned();
    }
    text.split(['\r', '\n', '\t'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Reads an optional contact field: a bad value is dropped with a warning.
fn contact<T>(
    row: &impl RowSource,
    col: Col,
    warn: &mut impl FnMut(WarningKind, Col, &Cell<'_>),
    invalid: WarningKind,
    parse: impl Fn(&str) -> Option<T>,
) -> Option<T> {
    let cell = row.cell(col);
    match &cell {
        Cell::Null => None,
        Cell::TooLong(_) => {
            warn(WarningKind::TooLong, col, &cell);
            None
        }
        Cell::NotUtf8(_) => {
            warn(WarningKind::Encoding, col, &cell);
            None
        }
        Cell::Text(_) => {
            let text = cell.text()?;
            let parsed = parse(text);
            if parsed.is_none() {
                warn(invalid, col, &cell);
            }
            parsed
        }
    }
}

fn reason_of(cell: &Cell<'_>) -> RejectReason {
    match cell {
        Cell::Null | Cell::Text(_) => RejectReason::Missing,
        Cell::TooLong(_) => RejectReason::TooLong,
        Cell::NotUtf8(_) => RejectReason::Encoding,
    }
}

fn reject(
    row: u64,
    row_key: &str,
    debtor: Option<String>,
    field: Col,
    cell: &Cell<'_>,
    reason: RejectReason,
) -> Rejection {
    Rejection {
        row,
        row_key: row_key.to_owned(),
        debtor_external_id: debtor,
        field: field.name(),
        value: cell.shown(),
        reason,
        detail: None,
    }
}

fn date_error_pl(e: DateError, format: DateFormat) -> String {
    match (e, format) {
        (DateError::Format, DateFormat::Iso) => "oczekiwano daty RRRR-MM-DD".to_owned(),
        (DateError::Format, DateFormat::Clarion) => "oczekiwano liczby dni (Clarion)".to_owned(),
        (DateError::OutOfRange, _) => "data poza zakresem 1900–2200".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct Row(HashMap<Col, &'static str>);

    impl RowSource for Row {
        fn cell(&self, col: Col) -> Cell<'_> {
            self.0
                .get(&col)
                .map_or(Cell::Null, |v| Cell::Text(Cow::Borrowed(*v)))
        }
    }

    fn row(pairs: &[(Col, &'static str)]) -> Row {
        let mut base: HashMap<Col, &'static str> = [
            (Col::DebtorExternalId, "1"),
            (Col::DebtorName, "ACME Sp. z o.o."),
            (Col::DebtorNip, "526-104-08-28"),
            (Col::DebtorEmail, "biuro@acme.pl"),
            (Col::DebtorPhone, "601 234 567"),
            (Col::DebtorIsPerson, "0"),
            (Col::DocExternalId, "10"),
            (Col::DocNumber, "FS 1/2024"),
            (Col::IssueDate, "2024-01-10"),
            (Col::DueDate, "2024-01-24 00:00:00.000"),
            (Col::GrossAmount, "1230.0000"),
            (Col::RemainingAmount, "230.5"),
            (Col::Currency, "PLN"),
            (Col::ExcludedFlag, "0"),
        ]
        .into_iter()
        .collect();
        for (c, v) in pairs {
            if v.is_empty() {
                base.remove(c);
            } else {
                base.insert(*c, v);
            }
        }
        Row(base)
    }

    fn run(mapper: &mut Mapper, rows: &[Row]) -> Vec<Item> {
        let mut out = VecDeque::new();
        for r in rows {
            mapper.map_row(r, &mut out);
        }
        out.into_iter().collect()
    }

    fn mapper() -> Mapper {
        Mapper::new(Exclusions::default(), DateFormat::Iso)
    }

    #[test]
    fn debtor_once_then_documents() {
        let mut m = mapper();
        let items = run(
            &mut m,
            &[
                row(&[]),
                row(&[(Col::DocExternalId, "11"), (Col::DocNumber, "FS 2/2024")]),
            ],
        );
        assert_eq!(items.len(), 3, "{items:#?}");
        let Item::Debtor(d) = &items[0] else { panic!() };
        assert_eq!(d.kind, DebtorKind::Company);
        assert_eq!(d.nip.as_ref().unwrap().as_str(), "5261040828");
        assert!(d.address.is_none());
        let Item::Document(doc) = &items[1] else {
            panic!()
        };
        assert_eq!(doc.amount_minor, 123_000);
        assert_eq!(doc.remaining_minor, 23_050);
        assert!(matches!(&items[2], Item::Document(d) if d.number == "FS 2/2024"));
        assert_eq!(m.summary.debtors, 1);
        assert_eq!(m.summary.documents, 2);
    }

    #[test]
    fn control_characters_quarantine_the_row_naming_the_field_line_breaks_fold() {
        let mut m = mapper();
        let items = run(
            &mut m,
            &[
                row(&[(Col::DebtorName, "A\u{0}B")]),
                row(&[
                    (Col::DebtorExternalId, "2"),
                    (Col::DebtorName, "Hurtownia\r\nZażółć"),
                    (Col::DocExternalId, "20"),
                ]),
                row(&[
                    (Col::DebtorExternalId, "2"),
                    (Col::DocExternalId, "21"),
                    (Col::DocNumber, "FS\u{1b}[2J 3/2024"),
                ]),
                row(&[(Col::DebtorExternalId, "2"), (Col::DocExternalId, "22")]),
            ],
        );
        let rejected: Vec<&Rejection> = items
            .iter()
            .filter_map(|i| match i {
                Item::Rejected(r) => Some(r),
                _ => None,
            })
            .collect();
        assert_eq!(rejected.len(), 2, "{items:#?}");
        assert_eq!(rejected[0].field, "debtor_name");
        assert!(
            rejected[0]
                .detail
                .as_deref()
                .is_some_and(|d| d.contains("\\u{0}") && d.contains("sterujący")),
            "{:?}",
            rejected[0]
        );
        assert_eq!(rejected[0].reason, RejectReason::ControlCharacter);
        assert_eq!(rejected[1].field, "number");
        assert_eq!(rejected[1].row_key, "21");
        assert_eq!(rejected[1].value.as_deref(), Some("FS\\u{1b}[2J 3/2024"));
        // The other debtor and its other documents still go, the name's line break folded.
        assert!(
            items
                .iter()
                .any(|i| matches!(i, Item::Debtor(d) if d.name == "Hurtownia Zażółć"))
        );
        let docs: Vec<&str> = items
            .iter()
            .filter_map(|i| match i {
                Item::Document(d) => Some(d.external_id.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(docs, ["20", "22"]);
    }

    #[test]
    fn company_address_is_dropped_person_address_kept() {
        let mut m = mapper();
        let items = run(
            &mut m,
            &[
                row(&[
                    (Col::DebtorStreet, "Prosta 1"),
                    (Col::DebtorCity, "Warszawa"),
                ]),
                row(&[
                    (Col::DebtorExternalId, "2"),
                    (Col::DebtorName, "Jan Kowalski"),
                    (Col::DebtorNip, ""),
                    (Col::DebtorPhone, "+48 602 000 000"),
                    (Col::DebtorIsPerson, "1"),
                    (Col::DebtorStreet, "Krzywa"),
                    (Col::DebtorHouseNo, "5"),
                    (Col::DebtorFlatNo, "2"),
                    (Col::DebtorCity, "Kraków"),
                    (Col::DebtorPostcode, "30001"),
                    (Col::DocExternalId, "12"),
                ]),
            ],
        );
        let debtors: Vec<_> = items
            .iter()
            .filter_map(|i| match i {
                Item::Debtor(d) => Some(d),
                _ => None,
            })
            .collect();
        assert!(debtors[0].address.is_none());
        let a = debtors[1].address.as_ref().unwrap();
        assert_eq!(
            (a.street.as_str(), a.postcode.as_str(), a.city.as_str()),
            ("Krzywa 5/2", "30-001", "Kraków")
        );
        assert_eq!(m.summary.company_addresses_dropped, 1);
    }

    #[test]
    fn field_problems_warn_record_problems_quarantine() {
        let mut m = mapper();
        let items = run(
            &mut m,
            &[
                row(&[
                    (Col::DebtorNip, "5261040829"),
                    (Col::DebtorEmail, "nie-mail"),
                    (Col::DebtorPhone, "12345"),
                ]),
                row(&[(Col::DocExternalId, "20"), (Col::DocNumber, "")]),
                row(&[(Col::DocExternalId, "21"), (Col::DueDate, "")]),
                row(&[(Col::DocExternalId, "22"), (Col::GrossAmount, "12,3,4")]),
                row(&[(Col::DocExternalId, "23"), (Col::RemainingAmount, "0")]),
                row(&[(Col::DocExternalId, "24"), (Col::RemainingAmount, "2000")]),
                row(&[(Col::DocExternalId, "25"), (Col::Currency, "XYZ")]),
                row(&[(Col::DocExternalId, "26"), (Col::Currency, "")]),
            ],
        );
        let kinds: Vec<_> = items
            .iter()
            .filter_map(|i| match i {
                Item::Warning(w) => Some(w.kind),
                _ => None,
            })
            .collect();
        assert_eq!(
            kinds,
            [
                WarningKind::InvalidNip,
                WarningKind::InvalidEmail,
                WarningKind::InvalidPhone,
                WarningKind::NoEmailNoMobile
            ]
        );
        let rejected: Vec<_> = items
            .iter()
            .filter_map(|i| match i {
                Item::Rejected(r) => Some((r.row_key.as_str(), r.field, r.reason)),
                _ => None,
            })
            .collect();
        assert_eq!(
            rejected,
            [
                ("20", "doc_number", RejectReason::Missing),
                ("21", "due_date", RejectReason::Missing),
                ("22", "gross_amount", RejectReason::Unparseable),
                ("23", "remaining_amount", RejectReason::NotPositive),
                ("24", "remaining_amount", RejectReason::ExceedsAmount),
                ("25", "currency", RejectReason::UnknownCurrency),
                ("26", "currency", RejectReason::Missing),
            ]
        );
        assert_eq!(m.summary.rejected, 7);
        assert_eq!(m.summary.rows_read, 8);
    }

    #[test]
    fn exclusions_come_first_and_hide_everything() {
        let exclusions = Exclusions {
            debtor_external_ids: ["7".to_owned()].into(),
            nips: [Nip::parse("5261040828").unwrap()].into(),
            document_number_prefixes: ["fk/".to_owned()].into(),
            min_remaining_minor: [(Currency::PLN, 1000)].into(),
        };
        let mut m = Mapper::new(exclusions, DateFormat::Iso);
        let items = run(
            &mut m,
            &[
                // Excluded debtor with broken data: nothing about it may surface.
                row(&[
                    (Col::DebtorExternalId, "7"),
                    (Col::DebtorNip, ""),
                    (Col::DueDate, ""),
                ]),
                row(&[(Col::DebtorExternalId, "8")]),
                row(&[
                    (Col::DebtorExternalId, "9"),
                    (Col::DebtorNip, ""),
                    (Col::ExcludedFlag, "1"),
                ]),
                row(&[
                    (Col::DebtorExternalId, "9"),
                    (Col::DebtorNip, ""),
                    (Col::DocNumber, "FK/1/2024"),
                ]),
                row(&[
                    (Col::DebtorExternalId, "9"),
                    (Col::DebtorNip, ""),
                    (Col::RemainingAmount, "9.99"),
                ]),
                row(&[
                    (Col::DebtorExternalId, "9"),
                    (Col::DebtorNip, ""),
                    (Col::ExcludedFlag, "2"),
                ]),
                row(&[
                    (Col::DebtorExternalId, "9"),
                    (Col::DebtorNip, ""),
                    (Col::ExcludedFlag, "?"),
                ]),
            ],
        );
        assert!(items.is_empty(), "{items:#?}");
        let e = &m.summary.excluded;
        assert_eq!(e[&ExclusionReason::ConfigDebtorId], 1);
        assert_eq!(e[&ExclusionReason::ConfigNip], 1);
        assert_eq!(e[&ExclusionReason::ErpDebtorFlag], 1);
        assert_eq!(e[&ExclusionReason::ConfigDocumentPrefix], 1);
        assert_eq!(e[&ExclusionReason::ConfigMinRemaining], 1);
        assert_eq!(e[&ExclusionReason::ErpDocumentFlag], 1);
        assert_eq!(e[&ExclusionReason::ErpFlag], 1);
        assert_eq!(m.summary.excluded_debtors, 3);
    }

    #[test]
    fn shared_phone_and_rejected_debtor() {
        let mut m = mapper();
        let items = run(
            &mut m,
            &[
                row(&[]),
                row(&[
                    (Col::DebtorExternalId, "2"),
                    (Col::DebtorNip, ""),
                    (Col::DocExternalId, "2"),
                ]),
                row(&[
                    (Col::DebtorExternalId, "3"),
                    (Col::DebtorName, ""),
                    (Col::DocExternalId, "3"),
                ]),
                row(&[
                    (Col::DebtorExternalId, "3"),
                    (Col::DebtorName, ""),
                    (Col::DocExternalId, "4"),
                ]),
            ],
        );
        let shared = items.iter().find_map(|i| match i {
            Item::Warning(w) if w.kind == WarningKind::SharedPhone => Some(w),
            _ => None,
        });
        let shared = shared.unwrap();
        assert_eq!(shared.debtor_external_id, "2");
        assert_eq!(shared.other_debtor_external_id.as_deref(), Some("1"));
        assert!(shared.message(Lang::Pl).contains("+48601234567"));
        let rejected: Vec<_> = items
            .iter()
            .filter_map(|i| match i {
                Item::Rejected(r) => Some((r.row_key.as_str(), r.field, r.reason)),
                _ => None,
            })
            .collect();
        assert_eq!(
            rejected,
            [
                ("3", "debtor_name", RejectReason::Missing),
                ("4", "debtor_external_id", RejectReason::DebtorRejected)
            ]
        );
    }

    #[test]
    fn clarion_and_composed_numbers() {
        let mut m = Mapper::new(Exclusions::default(), DateFormat::Clarion);
        let items = run(
            &mut m,
            &[row(&[
                (Col::DocNumber, ""),
                (Col::DocNumberSymbol, "FS"),
                (Col::DocNumberSeq, "12"),
                (Col::DocNumberYear, "2024"),
                (Col::DocNumberSeries, "A"),
                (Col::IssueDate, "0"),
                (Col::DueDate, "81762"),
            ])],
        );
        let Item::Document(d) = &items[1] else {
            panic!("{items:#?}")
        };
        assert_eq!(d.number, "FS-12/24/A");
        assert_eq!(d.issue_date, None);
        assert_eq!(d.due_date.to_string(), "2024-11-05");
    }
}
