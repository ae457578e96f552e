//! PDF demand letters: "Przypomnienie o płatności", "Wezwanie do zapłaty" and "Ostateczne
//! przedsądowe wezwanie do zapłaty".
//!
//! Content per `research/providers.md` §5.1: place and date, creditor (name, NIP, address, bank
//! account), debtor (name, address), title and letter number, every document with due date,
//! amount, days overdue and statutory interest to the letter's date (commercial or consumer rate
//! table), the 40/70/100 EUR recovery compensation per invoice for B2B claims, the total, a
//! payment deadline with the account and payment title, the consequence of not paying, contact
//! and signature. Long document lists flow onto further pages. The letter is composed first
//! ([`compose`], pure, every amount computed) and then laid out ([`render`]).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use inkaso_shared::{Currency, Lang, Localized, Money, Nip};
use serde::{Deserialize, Serialize};

use crate::interest::{
    BasisPoints, Compensation, EurRate, Interest, InterestError, RatePeriod, RateTable,
    compensation, interest,
};
use crate::pdf::{Align, MARGIN_MM, PAGE_WIDTH_MM, PdfError, PdfWriter, Weight};
use crate::template::{Creditor, format_date};

/// Which letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LetterKind {
    /// "Przypomnienie o płatności".
    Reminder,
    /// "Wezwanie do zapłaty".
    Demand,
    /// "Ostateczne przedsądowe wezwanie do zapłaty".
    FinalDemand,
}

impl LetterKind {
    /// The title printed on the letter.
    pub fn title(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (LetterKind::Reminder, Lang::Pl) => "Przypomnienie o płatności",
            (LetterKind::Demand, Lang::Pl) => "Wezwanie do zapłaty",
            (LetterKind::FinalDemand, Lang::Pl) => "Ostateczne przedsądowe wezwanie do zapłaty",
            (LetterKind::Reminder, Lang::En) => "Payment reminder",
            (LetterKind::Demand, Lang::En) => "Demand for payment",
            (LetterKind::FinalDemand, Lang::En) => "Final pre-litigation demand for payment",
        }
    }

    /// A file name for the PDF, e.g. `wezwanie-do-zapłaty-W-12-2026.pdf`.
    pub fn file_name(self, number: &str) -> String {
        let stem = match self {
            LetterKind::Reminder => "przypomnienie-o-płatności",
            LetterKind::Demand => "wezwanie-do-zapłaty",
            LetterKind::FinalDemand => "ostateczne-wezwanie-do-zapłaty",
        };
        let number: String = number
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { '-' })
            .collect();
        format!("{stem}-{number}.pdf")
    }
}

/// Commercial (B2B) or consumer claim: decides the interest table and the compensation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimKind {
    /// A commercial transaction: commercial interest and the recovery compensation.
    Commercial,
    /// A consumer or other non-commercial debt: interest for delay, no compensation.
    Consumer,
}

/// The debtor as printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Addressee {
    /// Name.
    pub name: String,
    /// Street and number.
    pub street: String,
    /// Postcode and city.
    pub postcode_city: String,
    /// NIP of a company.
    #[serde(default)]
    pub nip: Option<Nip>,
}

/// One document in the letter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LetterDocument {
    /// Number as printed (documents with the same number are one invoice's instalments).
    pub number: String,
    /// Due date.
    pub due_date: NaiveDate,
    /// The invoice's amount (chooses the compensation tier).
    pub amount: Money,
    /// Still to pay: the principal demanded, interest runs on it.
    pub remaining: Money,
}

impl RenderedLetter {
    /// The letter as an e-mail attachment (`wezwanie-do-zapłaty-W-12-2026.pdf`).
    pub fn attachment(&self) -> crate::email::EmailAttachment {
        crate::email::EmailAttachment {
            filename: self
                .composed
                .request
                .kind
                .file_name(&self.composed.request.number),
            content_type: "application/pdf".to_owned(),
            bytes: self.pdf.clone(),
        }
    }
}

/// Everything a letter needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LetterRequest {
    /// Which letter.
    pub kind: LetterKind,
    /// Letter number, e.g. `W/12/2026`.
    pub number: String,
    /// Place of issue.
    pub place: String,
    /// Date of the letter (interest is computed to it).
    pub date: NaiveDate,
    /// Payment deadline.
    pub deadline: NaiveDate,
    /// The creditor.
    pub creditor: Creditor,
    /// The debtor.
    pub debtor: Addressee,
    /// Commercial or consumer.
    pub claim: ClaimKind,
    /// Whether a commercial claim adds the recovery compensation (40/70/100 EUR per invoice).
    #[serde(default = "yes")]
    pub compensation: bool,
    /// The documents.
    pub documents: Vec<LetterDocument>,
    /// Language of the letter.
    pub lang: Lang,
}

fn yes() -> bool {
    true
}

/// The rate tables and EUR rate a tenant configures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LetterRates {
    /// Commercial interest (reference rate + 10 pp).
    pub commercial: RateTable,
    /// Consumer interest for delay (reference rate + 5.5 pp).
    pub consumer: RateTable,
    /// EUR rate for the compensation; required for commercial claims.
    pub eur: Option<EurRate>,
}

impl LetterRates {
    /// The statutory tables as known on 2026-01-01 (see `research/providers.md`: commercial =
    /// NBP reference rate on 1 January / 1 July + 10 pp; consumer interest for delay =
    /// reference rate + 5.5 pp from each change of the reference rate) and no EUR rate: the
    /// tenant sets the NBP rate it wants used, and a commercial letter with compensation
    /// refuses to print without one. Every tenant can replace these tables in its settings;
    /// the announcements after 2026-01-01 must be added as they come.
    pub fn polish_statutory() -> LetterRates {
        let table = |rows: &[((i32, u32, u32), u32)]| {
            let periods = rows
                .iter()
                .filter_map(|&((y, m, d), bp)| {
                    Some(RatePeriod {
                        from: NaiveDate::from_ymd_opt(y, m, d)?,
                        rate: BasisPoints(bp),
                    })
                })
                .collect();
            // The rows above are sorted and distinct, which is all `new` checks.
            RateTable::new(periods).unwrap_or_else(|_| unreachable!("static table is valid"))
        };
        LetterRates {
            commercial: table(&[
                ((2023, 1, 1), 1675),
                ((2024, 1, 1), 1575),
                ((2025, 7, 1), 1525),
                ((2026, 1, 1), 1400),
            ]),
            consumer: table(&[
                ((2022, 9, 8), 1225),
                ((2023, 9, 7), 1150),
                ((2023, 10, 5), 1125),
                ((2025, 5, 8), 1075),
                ((2025, 7, 3), 1050),
                ((2025, 9, 4), 1025),
                ((2025, 10, 9), 1000),
                ((2025, 11, 6), 975),
                ((2025, 12, 4), 950),
            ]),
            eur: None,
        }
    }
}

/// A document with its computed figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComposedDocument {
    /// The document.
    pub document: LetterDocument,
    /// Days overdue on the letter's date.
    pub days_overdue: i64,
    /// Interest to the letter's date.
    pub interest: Interest,
}

/// A letter with every amount computed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComposedLetter {
    /// The request.
    pub request: LetterRequest,
    /// Documents with interest.
    pub documents: Vec<ComposedDocument>,
    /// Compensation per invoice (commercial claims).
    pub compensations: Vec<Compensation>,
    /// The EUR rate used.
    pub eur_rate: Option<EurRate>,
    /// Principal per currency.
    pub principal: Vec<Money>,
    /// Interest per currency.
    pub interest: Vec<Money>,
    /// Everything due, per currency (compensation is in złoty).
    pub total: Vec<Money>,
}

/// Why a letter cannot be produced.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LetterError {
    #[error("pismo nie zawiera żadnego dokumentu")]
    NoDocuments,
    #[error(transparent)]
    Interest(#[from] InterestError),
    #[error(transparent)]
    Pdf(#[from] PdfError),
}

impl Localized for LetterError {
    fn message(&self, lang: Lang) -> String {
        match (lang, self) {
            (Lang::Pl, _) => self.to_string(),
            (Lang::En, LetterError::NoDocuments) => "the letter lists no documents".into(),
            (Lang::En, LetterError::Interest(e)) => e.message(lang),
            (Lang::En, LetterError::Pdf(_)) => "cannot load the PDF font".into(),
        }
    }
}

fn add_to(sums: &mut Vec<Money>, m: Money) {
    match sums.iter_mut().find(|s| s.currency == m.currency) {
        Some(s) => s.minor = s.minor.saturating_add(m.minor),
        None => sums.push(m),
    }
}

/// Computes interest, compensation and totals.
pub fn compose(
    request: &LetterRequest,
    rates: &LetterRates,
) -> Result<ComposedLetter, LetterError> {
    if request.documents.is_empty() {
        return Err(LetterError::NoDocuments);
    }
    let table = match request.claim {
        ClaimKind::Commercial => &rates.commercial,
        ClaimKind::Consumer => &rates.consumer,
    };
    let mut documents = Vec::new();
    let mut principal = Vec::new();
    let mut interest_sum = Vec::new();
    for d in &request.documents {
        let i = interest(d.remaining, d.due_date, request.date, table)?;
        add_to(&mut principal, d.remaining);
        add_to(&mut interest_sum, i.total);
        documents.push(ComposedDocument {
            document: d.clone(),
            days_overdue: (request.date - d.due_date).num_days().max(0),
            interest: i,
        });
    }
    let mut compensations = Vec::new();
    if request.claim == ClaimKind::Commercial && request.compensation {
        let rate = rates.eur.ok_or(InterestError::NoEurRate)?;
        // One compensation per invoice: its instalments share the number and the invoice's
        // value is the largest amount recorded for it (each row carries the invoice amount or
        // an instalment of it; the sum would double-count the former).
        let mut invoices: BTreeMap<&str, Money> = BTreeMap::new();
        for d in &request.documents {
            if d.due_date >= request.date {
                continue; // not late: no right to interest yet, so no compensation
            }
            let e = invoices.entry(d.number.as_str()).or_insert(d.amount);
            if d.amount.currency == e.currency && d.amount.minor > e.minor {
                *e = d.amount;
            }
        }
        for (number, amount) in invoices {
            if let Some(c) = compensation(number, amount, rate)? {
                compensations.push(c);
            }
        }
    }
    let mut total = principal.clone();
    for m in &interest_sum {
        add_to(&mut total, *m);
    }
    for c in &compensations {
        add_to(&mut total, c.pln);
    }
    // Keep złoty first: it is the letter's main currency.
    total.sort_by_key(|m| m.currency != Currency::PLN);
    Ok(ComposedLetter {
        request: request.clone(),
        documents,
        compensations,
        eur_rate: rates
            .eur
            .filter(|_| request.claim == ClaimKind::Commercial && request.compensation),
        principal,
        interest: interest_sum,
        total,
    })
}

fn join_money(sums: &[Money]) -> String {
    if sums.is_empty() {
        return Money::zero(Currency::PLN).to_string();
    }
    sums.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" + ")
}

/// A rendered letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedLetter {
    /// The PDF.
    pub pdf: Vec<u8>,
    /// Every line of text as drawn (without page footers).
    pub lines: Vec<String>,
    /// Pages.
    pub pages: usize,
    /// The figures.
    pub composed: ComposedLetter,
}

struct Texts {
    place_date: &'static str,
    number: &'static str,
    creditor: &'static str,
    debtor: &'static str,
    nip: &'static str,
    account: &'static str,
    headers: [&'static str; 6],
    principal: &'static str,
    interest_commercial: &'static str,
    interest_consumer: &'static str,
    rates: &'static str,
    per_year: &'static str,
    from: &'static str,
    compensation: &'static str,
    rate: &'static str,
    total: &'static str,
    page: &'static str,
    regards: &'static str,
}

const PL: Texts = Texts {
    place_date: "r.",
    number: "Nr pisma",
    creditor: "Wierzyciel",
    debtor: "Dłużnik",
    nip: "NIP",
    account: "Rachunek bankowy",
    headers: [
        "Lp.",
        "Dokument",
        "Termin",
        "Kwota",
        "Dni po terminie",
        "Odsetki",
    ],
    principal: "Należność główna",
    interest_commercial: "Odsetki ustawowe za opóźnienie w transakcjach handlowych do dnia",
    interest_consumer: "Odsetki ustawowe za opóźnienie do dnia",
    rates: "Zastosowane stawki odsetek",
    per_year: "w skali roku",
    from: "od",
    compensation: "Rekompensata za koszty odzyskiwania należności (art. 10 ust. 1 ustawy z dnia 8 marca 2013 r. o przeciwdziałaniu nadmiernym opóźnieniom w transakcjach handlowych)",
    rate: "kurs",
    total: "Razem do zapłaty",
    page: "Strona",
    regards: "Z poważaniem",
};

const EN: Texts = Texts {
    place_date: "",
    number: "Letter no.",
    creditor: "Creditor",
    debtor: "Debtor",
    nip: "Tax no. (NIP)",
    account: "Bank account",
    headers: [
        "No.",
        "Document",
        "Due date",
        "Amount",
        "Days overdue",
        "Interest",
    ],
    principal: "Principal",
    interest_commercial: "Statutory interest for delay in commercial transactions up to",
    interest_consumer: "Statutory interest for delay up to",
    rates: "Interest rates applied",
    per_year: "per year",
    from: "from",
    compensation: "Compensation for recovery costs (art. 10(1) of the Polish Act of 8 March 2013 on counteracting excessive delays in commercial transactions)",
    rate: "rate",
    total: "Total due",
    page: "Page",
    regards: "Yours faithfully",
};

fn intro(kind: LetterKind, lang: Lang, total: &str) -> String {
    match (kind, lang) {
        (LetterKind::Reminder, Lang::Pl) => format!(
            "Uprzejmie przypominamy, że według naszej ewidencji nie zostały uregulowane płatności za poniższe dokumenty. Łączna kwota do zapłaty wynosi {total}."
        ),
        (LetterKind::Demand, Lang::Pl) => format!(
            "Wzywamy do zapłaty kwoty {total} wynikającej z poniższych dokumentów, wraz z odsetkami ustawowymi za opóźnienie."
        ),
        (LetterKind::FinalDemand, Lang::Pl) => format!(
            "Ostatecznie, przed skierowaniem sprawy na drogę postępowania sądowego, wzywamy do zapłaty kwoty {total} wynikającej z poniższych dokumentów, wraz z odsetkami ustawowymi za opóźnienie."
        ),
        (LetterKind::Reminder, Lang::En) => format!(
            "We kindly remind you that according to our records the documents below remain unpaid. The total due is {total}."
        ),
        (LetterKind::Demand, Lang::En) => format!(
            "We demand payment of {total} arising from the documents below, with statutory interest for delay."
        ),
        (LetterKind::FinalDemand, Lang::En) => format!(
            "Before taking the matter to court, we finally demand payment of {total} arising from the documents below, with statutory interest for delay."
        ),
    }
}

fn payment(req: &LetterRequest) -> String {
    let deadline = format_date(req.deadline, req.lang);
    let account = &req.creditor.bank_account;
    match req.lang {
        Lang::Pl => format!(
            "Prosimy o wpłatę w terminie do dnia {deadline} na rachunek bankowy nr {account}, w tytule przelewu podając numer pisma {}.",
            req.number
        ),
        Lang::En => format!(
            "Please pay by {deadline} to bank account {account}, quoting letter number {} as the payment reference.",
            req.number
        ),
    }
}

fn consequence(kind: LetterKind, lang: Lang) -> &'static str {
    match (kind, lang) {
        (LetterKind::Reminder, Lang::Pl) => {
            "Jeżeli płatność została już dokonana, prosimy uznać niniejsze pismo za nieaktualne."
        }
        (LetterKind::Demand, Lang::Pl) => {
            "W przypadku braku wpłaty w wyznaczonym terminie sprawa zostanie skierowana na drogę postępowania sądowego, co narazi Państwa na dodatkowe koszty."
        }
        (LetterKind::FinalDemand, Lang::Pl) => {
            "Niniejsze wezwanie jest ostateczne. Brak wpłaty w wyznaczonym terminie spowoduje skierowanie sprawy do sądu bez dalszego wezwania, co narazi Państwa na koszty postępowania sądowego i egzekucyjnego."
        }
        (LetterKind::Reminder, Lang::En) => {
            "If you have already paid, please disregard this letter."
        }
        (LetterKind::Demand, Lang::En) => {
            "If payment is not made by the deadline, the matter will be taken to court, which will expose you to additional costs."
        }
        (LetterKind::FinalDemand, Lang::En) => {
            "This demand is final. If payment is not made by the deadline, the matter will be taken to court without further notice, exposing you to the costs of court and enforcement proceedings."
        }
    }
}

fn contact(req: &LetterRequest) -> Option<String> {
    req.creditor.contact.as_ref().map(|c| match req.lang {
        Lang::Pl => format!("W razie pytań prosimy o kontakt: {c}."),
        Lang::En => format!("If you have any questions, please contact us: {c}."),
    })
}

/// Body text size in points.
const BODY: f32 = 10.0;

/// Column positions (mm from the left edge) of the document table.
const COLS: [(f32, Align); 6] = [
    (MARGIN_MM, Align::Left),
    (MARGIN_MM + 10.0, Align::Left),
    (MARGIN_MM + 50.0, Align::Left),
    (MARGIN_MM + 100.0, Align::Right),
    (MARGIN_MM + 135.0, Align::Right),
    (PAGE_WIDTH_MM - MARGIN_MM, Align::Right),
];

fn table_row(w: &mut PdfWriter, size: f32, weight: Weight, cells: [&str; 6]) {
    let row: Vec<(f32, Align, &str)> = COLS
        .iter()
        .zip(cells)
        .map(|(&(x, a), t)| (x, a, t))
        .collect();
    w.row(size, weight, &row);
}

/// Composes and lays out the letter.
#[allow(clippy::too_many_lines)] // the letter reads top to bottom, one block after another
pub fn render(request: &LetterRequest, rates: &LetterRates) -> Result<RenderedLetter, LetterError> {
    let composed = compose(request, rates)?;
    let req = &composed.request;
    let lang = req.lang;
    let t = if lang == Lang::Pl { &PL } else { &EN };
    let title = req.kind.title(lang);
    let mut w = PdfWriter::new(title)?;

    // Place and date, right-aligned.
    let date = format_date(req.date, lang);
    let place_date = if t.place_date.is_empty() {
        format!("{}, {date}", req.place)
    } else {
        format!("{}, {date} {}", req.place, t.place_date)
    };
    w.row(
        BODY,
        Weight::Regular,
        &[(PAGE_WIDTH_MM - MARGIN_MM, Align::Right, &place_date)],
    );
    w.skip(4.0);

    // Creditor and debtor.
    let c = &req.creditor;
    w.row(
        BODY,
        Weight::Bold,
        &[(MARGIN_MM, Align::Left, &format!("{}:", t.creditor))],
    );
    w.row(BODY, Weight::Regular, &[(MARGIN_MM, Align::Left, &c.name)]);
    w.row(
        BODY,
        Weight::Regular,
        &[(MARGIN_MM, Align::Left, &c.street)],
    );
    w.row(
        BODY,
        Weight::Regular,
        &[(MARGIN_MM, Align::Left, &c.postcode_city)],
    );
    if let Some(nip) = &c.nip {
        w.row(
            BODY,
            Weight::Regular,
            &[(
                MARGIN_MM,
                Align::Left,
                &format!("{}: {}", t.nip, nip.as_str()),
            )],
        );
    }
    w.row(
        BODY,
        Weight::Regular,
        &[(
            MARGIN_MM,
            Align::Left,
            &format!("{}: {}", t.account, c.bank_account),
        )],
    );
    w.skip(4.0);
    let x_debtor = MARGIN_MM + 95.0;
    let d = &req.debtor;
    w.row(
        BODY,
        Weight::Bold,
        &[(x_debtor, Align::Left, &format!("{}:", t.debtor))],
    );
    w.row(BODY, Weight::Regular, &[(x_debtor, Align::Left, &d.name)]);
    w.row(BODY, Weight::Regular, &[(x_debtor, Align::Left, &d.street)]);
    w.row(
        BODY,
        Weight::Regular,
        &[(x_debtor, Align::Left, &d.postcode_city)],
    );
    if let Some(nip) = &d.nip {
        w.row(
            BODY,
            Weight::Regular,
            &[(
                x_debtor,
                Align::Left,
                &format!("{}: {}", t.nip, nip.as_str()),
            )],
        );
    }
    w.skip(8.0);

    // Title and number.
    for line in w.wrap(title, 14.0, Weight::Bold, PAGE_WIDTH_MM - 2.0 * MARGIN_MM) {
        w.row(14.0, Weight::Bold, &[(MARGIN_MM, Align::Left, &line)]);
    }
    w.row(
        BODY,
        Weight::Regular,
        &[(
            MARGIN_MM,
            Align::Left,
            &format!("{}: {}", t.number, req.number),
        )],
    );
    w.skip(4.0);

    let total = join_money(&composed.total);
    w.paragraph(&intro(req.kind, lang, &total), BODY, Weight::Regular);
    w.skip(3.0);

    // The documents.
    let header = t.headers;
    table_row(&mut w, 9.0, Weight::Bold, header);
    w.rule();
    for (i, cd) in composed.documents.iter().enumerate() {
        let lp = format!("{}.", i + 1);
        let due = format_date(cd.document.due_date, lang);
        let amount = cd.document.remaining.to_string();
        let days = cd.days_overdue.to_string();
        let interest = cd.interest.total.to_string();
        if w.ensure_space(PdfWriter::line_height(9.0)) {
            // Repeat the header on a new page so the table stays readable.
            table_row(&mut w, 9.0, Weight::Bold, header);
            w.rule();
        }
        table_row(
            &mut w,
            9.0,
            Weight::Regular,
            [&lp, &cd.document.number, &due, &amount, &days, &interest],
        );
    }
    w.rule();
    w.skip(2.0);

    // Sums.
    let label_x = MARGIN_MM;
    let amount_x = PAGE_WIDTH_MM - MARGIN_MM;
    let sum_row = |w: &mut PdfWriter, label: &str, value: &str, weight: Weight| {
        let width = 125.0;
        let lines = w.wrap(label, BODY, weight, width);
        let last = lines.len().saturating_sub(1);
        for (i, l) in lines.iter().enumerate() {
            if i == last {
                w.row(
                    BODY,
                    weight,
                    &[(label_x, Align::Left, l), (amount_x, Align::Right, value)],
                );
            } else {
                w.row(BODY, weight, &[(label_x, Align::Left, l)]);
            }
        }
    };
    sum_row(
        &mut w,
        &format!("{}:", t.principal),
        &join_money(&composed.principal),
        Weight::Regular,
    );
    let interest_label = match req.claim {
        ClaimKind::Commercial => t.interest_commercial,
        ClaimKind::Consumer => t.interest_consumer,
    };
    sum_row(
        &mut w,
        &format!("{interest_label} {date}:"),
        &join_money(&composed.interest),
        Weight::Regular,
    );
    if !composed.compensations.is_empty() {
        sum_row(&mut w, &format!("{}:", t.compensation), "", Weight::Regular);
        let rate = composed
            .eur_rate
            .map(|r| r.format(lang))
            .unwrap_or_default();
        for comp in &composed.compensations {
            let label = format!("  {}: {} ({} {rate} zł/EUR)", comp.number, comp.eur, t.rate);
            sum_row(&mut w, &label, &comp.pln.to_string(), Weight::Regular);
        }
    }
    sum_row(&mut w, &format!("{}:", t.total), &total, Weight::Bold);
    w.skip(3.0);

    // The rates used, so the debtor can check the interest.
    let table = match req.claim {
        ClaimKind::Commercial => &rates.commercial,
        ClaimKind::Consumer => &rates.consumer,
    };
    let used: Vec<String> = table
        .periods()
        .iter()
        .filter(|tp| {
            composed.documents.iter().any(|cd| {
                cd.interest
                    .periods
                    .iter()
                    .any(|ip| table.periods().iter().rev().find(|p| p.from <= ip.from) == Some(*tp))
            })
        })
        .map(|p| {
            format!(
                "{} {} {} {}",
                t.from,
                format_date(p.from, lang),
                p.rate.format(lang),
                t.per_year
            )
        })
        .collect();
    if !used.is_empty() {
        w.paragraph(
            &format!("{}: {}.", t.rates, used.join("; ")),
            8.5,
            Weight::Regular,
        );
        w.skip(3.0);
    }

    w.paragraph(&payment(req), BODY, Weight::Regular);
    w.skip(2.0);
    w.paragraph(consequence(req.kind, lang), BODY, Weight::Regular);
    if let Some(contact) = contact(req) {
        w.skip(2.0);
        w.paragraph(&contact, BODY, Weight::Regular);
    }
    w.skip(10.0);
    w.row(BODY, Weight::Regular, &[(x_debtor, Align::Left, t.regards)]);
    w.row(BODY, Weight::Regular, &[(x_debtor, Align::Left, &c.name)]);

    let pages = w.page_count();
    let page = t.page;
    let of = if lang == Lang::Pl { "z" } else { "of" };
    let (pdf, lines) = w.finish(|n, total| format!("{page} {n} {of} {total}"));
    Ok(RenderedLetter {
        pdf,
        lines,
        pages,
        composed,
    })
}
