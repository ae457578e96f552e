//! Registered letters: the day's posting book ("książka nadawcza") as PDF and CSV, and the
//! adapter trait for a postal provider.
//!
//! The firm prints the book, posts the letters at the counter and the post office stamps the
//! book: that stamp is the proof of posting (`research/providers.md` §3.4). Each row names the
//! sender, the addressee and address, the registered category (economy or priority) and
//! whether a return receipt ("ZPO") is requested. Tracking numbers are entered later through
//! the API, or returned by a provider's API ([`PostalProvider`], e.g. Poczta Polska's
//! Elektroniczny Nadawca) without touching the engine.

use chrono::NaiveDate;
use inkaso_shared::Lang;
use inkaso_shared::sheet::{SheetError, SheetWriter};
use serde::{Deserialize, Serialize};

use crate::pdf::{Align, MARGIN_MM, PAGE_WIDTH_MM, PdfError, PdfWriter, Weight};
use crate::template::{Creditor, format_date};

/// Registered-mail category (Elektroniczny Nadawca's `kategoria`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RegisteredCategory {
    /// "Ekonomiczna".
    Ekonomiczna,
    /// "Priorytetowa".
    Priorytetowa,
}

impl RegisteredCategory {
    /// As printed in the book.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (RegisteredCategory::Ekonomiczna, Lang::Pl) => "polecony ekonomiczny",
            (RegisteredCategory::Priorytetowa, Lang::Pl) => "polecony priorytetowy",
            (RegisteredCategory::Ekonomiczna, Lang::En) => "registered, economy",
            (RegisteredCategory::Priorytetowa, Lang::En) => "registered, priority",
        }
    }
}

/// One registered letter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostingEntry {
    /// The letter's number (links the row to the action and history).
    pub letter_number: String,
    /// Addressee's name.
    pub addressee: String,
    /// Street and number.
    pub street: String,
    /// Postcode and city.
    pub postcode_city: String,
    /// Economy or priority.
    pub category: RegisteredCategory,
    /// Return receipt ("za potwierdzeniem odbioru", ZPO).
    pub return_receipt: bool,
    /// Tracking number ("numer nadania"), once known.
    #[serde(default)]
    pub tracking_number: Option<String>,
}

/// The posting book of one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostingBook {
    /// The posting day.
    pub date: NaiveDate,
    /// The sender (the creditor).
    pub sender: Creditor,
    /// The letters, in posting order.
    pub entries: Vec<PostingEntry>,
}

impl PostingBook {
    fn headers(lang: Lang) -> [&'static str; 8] {
        match lang {
            Lang::Pl => [
                "Lp.",
                "Nadawca",
                "Adresat",
                "Adres",
                "Kategoria",
                "ZPO",
                "Nr pisma",
                "Numer nadania",
            ],
            Lang::En => [
                "No.",
                "Sender",
                "Addressee",
                "Address",
                "Category",
                "Return receipt",
                "Letter no.",
                "Tracking no.",
            ],
        }
    }

    /// The book as CSV for spreadsheets ([`inkaso_shared::sheet`]: UTF-8 with a byte-order
    /// mark, `;`-separated, CRLF, formula-like cells neutralised).
    pub fn to_csv(&self, lang: Lang) -> Result<String, SheetError> {
        let mut sheet = SheetWriter::new();
        let sender = format!("{}, {}", self.sender.name, self.sender.address_line());
        let yes_no = |b: bool| match (b, lang) {
            (true, Lang::Pl) => "tak",
            (false, Lang::Pl) => "nie",
            (true, Lang::En) => "yes",
            (false, Lang::En) => "no",
        };
        let rows = std::iter::once(Self::headers(lang).map(str::to_owned).to_vec()).chain(
            self.entries.iter().enumerate().map(|(i, e)| {
                vec![
                    (i + 1).to_string(),
                    sender.clone(),
                    e.addressee.clone(),
                    format!("{}, {}", e.street, e.postcode_city),
                    e.category.label(lang).to_owned(),
                    yes_no(e.return_receipt).to_owned(),
                    e.letter_number.clone(),
                    e.tracking_number.clone().unwrap_or_default(),
                ]
            }),
        );
        for row in rows {
            sheet.row(row)?;
        }
        // Every cell was a `&str`, so the bytes are UTF-8.
        Ok(String::from_utf8_lossy(&sheet.finish()?).into_owned())
    }

    /// The book as a PDF to print and have stamped; returns the PDF and the lines drawn.
    #[allow(clippy::too_many_lines)] // one table, drawn top to bottom
    pub fn to_pdf(&self, lang: Lang) -> Result<(Vec<u8>, Vec<String>), PdfError> {
        let title = match lang {
            Lang::Pl => "Książka nadawcza przesyłek poleconych",
            Lang::En => "Registered mail posting book",
        };
        let mut w = PdfWriter::new(title)?;
        w.row(13.0, Weight::Bold, &[(MARGIN_MM, Align::Left, title)]);
        let date_label = match lang {
            Lang::Pl => "Data nadania",
            Lang::En => "Posting date",
        };
        w.row(
            10.0,
            Weight::Regular,
            &[(
                MARGIN_MM,
                Align::Left,
                &format!("{date_label}: {}", format_date(self.date, lang)),
            )],
        );
        let sender_label = match lang {
            Lang::Pl => "Nadawca",
            Lang::En => "Sender",
        };
        w.row(
            10.0,
            Weight::Regular,
            &[(
                MARGIN_MM,
                Align::Left,
                &format!(
                    "{sender_label}: {}, {}",
                    self.sender.name,
                    self.sender.address_line()
                ),
            )],
        );
        w.skip(4.0);
        let h = Self::headers(lang);
        // Lp., Adresat, Adres, Kategoria, ZPO, Nr pisma (the sender is in the heading).
        let cols: [(f32, Align); 6] = [
            (MARGIN_MM, Align::Left),
            (MARGIN_MM + 9.0, Align::Left),
            (MARGIN_MM + 52.0, Align::Left),
            (MARGIN_MM + 108.0, Align::Left),
            (MARGIN_MM + 145.0, Align::Left),
            (PAGE_WIDTH_MM - MARGIN_MM, Align::Right),
        ];
        let header = [h[0], h[2], h[3], h[4], h[5], h[6]];
        let draw = |w: &mut PdfWriter, weight: Weight, cells: [&str; 6]| {
            let row: Vec<(f32, Align, &str)> = cols
                .iter()
                .zip(cells)
                .map(|(&(x, a), t)| (x, a, t))
                .collect();
            w.row(8.5, weight, &row);
        };
        draw(&mut w, Weight::Bold, header);
        w.rule();
        let yes_no = |b: bool| match (b, lang) {
            (true, Lang::Pl) => "tak",
            (false, Lang::Pl) => "nie",
            (true, Lang::En) => "yes",
            (false, Lang::En) => "no",
        };
        for (i, e) in self.entries.iter().enumerate() {
            let lp = format!("{}.", i + 1);
            let address = format!("{}, {}", e.street, e.postcode_city);
            let category = e.category.label(lang);
            // Addresses may be long: the address column is ~55 mm wide.
            let address_lines = w.wrap(&address, 8.5, Weight::Regular, 54.0);
            let name_lines = w.wrap(&e.addressee, 8.5, Weight::Regular, 41.0);
            let height = address_lines.len().max(name_lines.len());
            let rows = f32::from(u16::try_from(height).unwrap_or(u16::MAX));
            if w.ensure_space(PdfWriter::line_height(8.5) * rows) {
                draw(&mut w, Weight::Bold, header);
                w.rule();
            }
            for l in 0..height {
                let name = name_lines.get(l).map_or("", String::as_str);
                let addr = address_lines.get(l).map_or("", String::as_str);
                if l == 0 {
                    draw(
                        &mut w,
                        Weight::Regular,
                        [
                            &lp,
                            name,
                            addr,
                            category,
                            yes_no(e.return_receipt),
                            &e.letter_number,
                        ],
                    );
                } else {
                    draw(&mut w, Weight::Regular, ["", name, addr, "", "", ""]);
                }
            }
        }
        w.rule();
        w.skip(12.0);
        let stamp = match lang {
            Lang::Pl => "Stempel i podpis przyjmującego",
            Lang::En => "Post office stamp and signature",
        };
        w.row(
            9.0,
            Weight::Regular,
            &[(PAGE_WIDTH_MM - MARGIN_MM, Align::Right, stamp)],
        );
        let of = if lang == Lang::Pl { "Strona" } else { "Page" };
        let word = if lang == Lang::Pl { "z" } else { "of" };
        Ok(w.finish(|n, t| format!("{of} {n} {word} {t}")))
    }
}

/// A letter as posted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Posted {
    /// The letter's number.
    pub letter_number: String,
    /// Tracking number, when the provider assigns it at once.
    pub tracking_number: Option<String>,
}

/// Why a provider refused a book.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PostalError {
    #[error("operator pocztowy odrzucił przesyłkę {letter_number}: {reason}")]
    Rejected {
        letter_number: String,
        reason: String,
    },
    #[error("operator pocztowy niedostępny: {0}")]
    Unavailable(String),
}

/// Hands a day's registered letters to the post. A provider's API (Poczta Polska's
/// Elektroniczny Nadawca: `addShipment`, `sendEnvelope`, `getOutboxBook`) implements this
/// without touching the engine.
pub trait PostalProvider: Send + Sync {
    /// Submits the book; returns one [`Posted`] per entry, in order.
    fn submit(
        &self,
        book: &PostingBook,
    ) -> impl Future<Output = Result<Vec<Posted>, PostalError>> + Send;
}

/// Posting at the counter: nothing is transmitted; the firm prints the book, and tracking
/// numbers are entered later through the API.
#[derive(Debug, Clone, Copy, Default)]
pub struct CounterPosting;

impl PostalProvider for CounterPosting {
    async fn submit(&self, book: &PostingBook) -> Result<Vec<Posted>, PostalError> {
        Ok(book
            .entries
            .iter()
            .map(|e| Posted {
                letter_number: e.letter_number.clone(),
                tracking_number: e.tracking_number.clone(),
            })
            .collect())
    }
}

/// Records a tracking number entered later; returns whether the letter was in the book.
pub fn set_tracking_number(book: &mut PostingBook, letter_number: &str, tracking: &str) -> bool {
    match book
        .entries
        .iter_mut()
        .find(|e| e.letter_number == letter_number)
    {
        Some(e) => {
            e.tracking_number = Some(tracking.trim().to_owned());
            true
        }
        None => false,
    }
}
