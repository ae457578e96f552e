//! PDF letters and posting books round-tripped through `pdftotext`: every line drawn must
//! extract back exactly, Polish letters included; interest and compensation on worked examples.

// Test helpers outside #[test] fns may unwrap too: a panic is a clear test failure.
#![allow(clippy::unwrap_used, clippy::too_many_lines)]

use std::io::Write as _;
use std::process::Command;

use chrono::NaiveDate;
use inkaso_channels::interest::{BasisPoints, EurRate, RatePeriod, RateTable};
use inkaso_channels::letter::{
    Addressee, ClaimKind, LetterDocument, LetterKind, LetterRates, LetterRequest, compose, render,
};
use inkaso_channels::posting::{
    CounterPosting, PostalProvider, PostingBook, PostingEntry, RegisteredCategory,
    set_tracking_number,
};
use inkaso_channels::template::Creditor;
use inkaso_shared::{Currency, Lang, Money, Nip};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn pln(minor: i64) -> Money {
    Money::new(minor, Currency::PLN)
}

/// `pdftotext -layout` output, as lines with runs of spaces collapsed, page footers and
/// empty lines dropped.
fn extract(pdf: &[u8]) -> Vec<String> {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(pdf).unwrap();
    let out = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(file.path())
        .arg("-")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            l.replace('\u{c}', "")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|l| !l.is_empty())
        .collect()
}

fn pdffonts(pdf: &[u8]) -> String {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(pdf).unwrap();
    let out = Command::new("pdffonts").arg(file.path()).output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

fn is_footer(l: &str) -> bool {
    let w: Vec<&str> = l.split(' ').collect();
    w.len() == 4 && (w[0] == "Strona" || w[0] == "Page") && w[1].parse::<u32>().is_ok()
}

fn creditor() -> Creditor {
    Creditor {
        name: "Zażółć Gęślą Jaźń Sp. z o.o.".into(),
        nip: Some(Nip::parse("5261040828").unwrap()),
        street: "ul. Świętokrzyska 12/4".into(),
        postcode_city: "00-916 Warszawa".into(),
        bank_account: "47 1020 1026 0000 0102 0304 0506".into(),
        contact: Some("ksiegowosc@zazolc.pl, tel. 22 123 45 67".into()),
    }
}

fn rates() -> LetterRates {
    LetterRates {
        commercial: RateTable::new(vec![
            RatePeriod {
                from: d(2025, 7, 1),
                rate: BasisPoints(1525),
            },
            RatePeriod {
                from: d(2026, 1, 1),
                rate: BasisPoints(1400),
            },
        ])
        .unwrap(),
        consumer: RateTable::new(vec![
            RatePeriod {
                from: d(2025, 10, 9),
                rate: BasisPoints(1000),
            },
            RatePeriod {
                from: d(2025, 11, 6),
                rate: BasisPoints(975),
            },
        ])
        .unwrap(),
        eur: Some(EurRate(42_500)),
    }
}

fn request(kind: LetterKind, documents: Vec<LetterDocument>) -> LetterRequest {
    LetterRequest {
        kind,
        number: "W/12/2026".into(),
        place: "Łódź".into(),
        date: d(2026, 1, 31),
        deadline: d(2026, 2, 7),
        creditor: creditor(),
        debtor: Addressee {
            name: "Przedsiębiorstwo Handlowe „Żuraw” Łukasz Ćwikła".into(),
            street: "ul. Źródlana 5".into(),
            postcode_city: "90-001 Łódź".into(),
            nip: None,
        },
        claim: ClaimKind::Commercial,
        compensation: true,
        documents,
        lang: Lang::Pl,
    }
}

fn doc(number: &str, due: NaiveDate, amount: i64, remaining: i64) -> LetterDocument {
    LetterDocument {
        number: number.into(),
        due_date: due,
        amount: pln(amount),
        remaining: pln(remaining),
    }
}

#[test]
fn final_demand_extracts_back_exactly_with_worked_figures() {
    let req = request(
        LetterKind::FinalDemand,
        vec![
            doc("FS 101/12/2025", d(2025, 12, 15), 615_000, 615_000),
            doc("FS 7/01/2026", d(2026, 1, 10), 123_456, 100_000),
        ],
    );
    let letter = render(&req, &rates()).unwrap();
    let c = &letter.composed;

    // FS 101/12/2025: 6 150,00 zł due 15.12.2025, interest 16.12.2025–31.01.2026:
    //   16.12–31.12.2025: 16 days at 15,25 %: 615 000 × 1525 × 16 / 3 650 000 = 4 111.23 → 41,11 zł
    //   01.01–31.01.2026: 31 days at 14,00 %: 615 000 × 1400 × 31 / 3 650 000 = 7 312.60 → 73,13 zł
    //   total 114,24 zł; 47 days overdue.
    // FS 7/01/2026: 1 000,00 zł left of 1 234,56 zł, due 10.01.2026, interest 11.01–31.01.2026:
    //   21 days at 14,00 %: 100 000 × 1400 × 21 / 3 650 000 = 805.48 → 8,05 zł; 21 days overdue.
    assert_eq!(c.documents[0].interest.total, pln(11_424));
    assert_eq!(c.documents[0].days_overdue, 47);
    assert_eq!(c.documents[1].interest.total, pln(805));
    assert_eq!(c.documents[1].days_overdue, 21);
    // Compensation: 6 150,00 zł > 5 000 zł → 70 EUR × 4,25 = 297,50 zł;
    //               1 234,56 zł ≤ 5 000 zł → 40 EUR × 4,25 = 170,00 zł.
    let comp: Vec<(String, i64, i64)> = c
        .compensations
        .iter()
        .map(|x| (x.number.clone(), x.eur.minor, x.pln.minor))
        .collect();
    assert_eq!(
        comp,
        [
            ("FS 101/12/2025".to_owned(), 7000, 29_750),
            ("FS 7/01/2026".to_owned(), 4000, 17_000),
        ]
    );
    // Total: 7 150,00 + 114,24 + 8,05 + 297,50 + 170,00 = 7 739,79 zł.
    assert_eq!(c.principal, [pln(715_000)]);
    assert_eq!(c.interest, [pln(12_229)]);
    assert_eq!(c.total, [pln(773_979)]);

    // Every drawn line comes back from pdftotext exactly.
    let extracted: Vec<String> = extract(&letter.pdf)
        .into_iter()
        .filter(|l| !is_footer(l))
        .collect();
    assert_eq!(extracted, letter.lines);
    assert_eq!(letter.pages, 1);
    // Both faces embedded (and subset), with a Unicode map: what makes the text extractable.
    let fonts = pdffonts(&letter.pdf);
    let faces: Vec<&str> = fonts.lines().filter(|l| l.contains("DejaVuSans")).collect();
    assert_eq!(faces.len(), 2, "{fonts}");
    for face in faces {
        let cols: Vec<&str> = face.split_whitespace().collect();
        // name type... encoding emb sub uni object ID
        assert_eq!(
            cols[cols.len() - 5..cols.len() - 2],
            ["yes", "yes", "yes"],
            "{face}"
        );
    }
    let attachment = letter.attachment();
    assert_eq!(
        attachment.filename,
        "ostateczne-wezwanie-do-zapłaty-W-12-2026.pdf"
    );
    assert_eq!(attachment.content_type, "application/pdf");
    assert_eq!(attachment.bytes, letter.pdf);
    for expected in [
        "Łódź, 31.01.2026 r.",
        "Ostateczne przedsądowe wezwanie do zapłaty",
        "Nr pisma: W/12/2026",
        "Zażółć Gęślą Jaźń Sp. z o.o.",
        "NIP: 5261040828",
        "Rachunek bankowy: 47 1020 1026 0000 0102 0304 0506",
        "Przedsiębiorstwo Handlowe „Żuraw” Łukasz Ćwikła",
        "ul. Źródlana 5",
        "1. FS 101/12/2025 15.12.2025 6 150,00 zł 47 114,24 zł",
        "2. FS 7/01/2026 10.01.2026 1 000,00 zł 21 8,05 zł",
        "Należność główna: 7 150,00 zł",
        "FS 101/12/2025: 70,00 EUR (kurs 4,2500 zł/EUR) 297,50 zł",
        "Razem do zapłaty: 7 739,79 zł",
    ] {
        assert!(
            letter.lines.iter().any(|l| l == expected),
            "missing line {expected:?} in {:#?}",
            letter.lines
        );
    }
    let text = letter.lines.join(" ");
    assert!(text.contains("od 01.07.2025 15,25% w skali roku; od 01.01.2026 14,00% w skali roku"));
    assert!(text.contains(
        "w terminie do dnia 07.02.2026 na rachunek bankowy nr 47 1020 1026 0000 0102 0304 0506"
    ));
    assert!(text.contains("Niniejsze wezwanie jest ostateczne."));
    assert!(text.contains("art. 10 ust. 1 ustawy z dnia 8 marca 2013 r."));
}

#[test]
fn all_three_titles_and_a_consumer_letter() {
    let docs = vec![doc("R/2025/11", d(2025, 10, 31), 123_456, 123_456)];
    for (kind, title) in [
        (LetterKind::Reminder, "Przypomnienie o płatności"),
        (LetterKind::Demand, "Wezwanie do zapłaty"),
        (
            LetterKind::FinalDemand,
            "Ostateczne przedsądowe wezwanie do zapłaty",
        ),
    ] {
        let mut req = request(kind, docs.clone());
        req.claim = ClaimKind::Consumer;
        req.date = d(2025, 11, 30);
        let letter = render(&req, &rates()).unwrap();
        let extracted: Vec<String> = extract(&letter.pdf)
            .into_iter()
            .filter(|l| !is_footer(l))
            .collect();
        assert_eq!(extracted, letter.lines);
        assert!(letter.lines.iter().any(|l| l == title), "{kind:?}");
        // Consumer: no compensation; interest for delay 1,69 + 8,24 = 9,93 zł (see interest.rs).
        assert!(letter.composed.compensations.is_empty());
        assert_eq!(letter.composed.interest, [pln(993)]);
        assert!(
            letter
                .lines
                .iter()
                .any(|l| l == "Odsetki ustawowe za opóźnienie do dnia 30.11.2025: 9,93 zł")
        );
        assert!(
            letter
                .lines
                .iter()
                .any(|l| l == "Razem do zapłaty: 1 244,49 zł")
        );
    }
    assert_eq!(
        LetterKind::Demand.file_name("W/12/2026"),
        "wezwanie-do-zapłaty-W-12-2026.pdf"
    );
}

#[test]
fn a_long_letter_flows_onto_more_pages() {
    let docs: Vec<LetterDocument> = (1..=70)
        .map(|i| {
            doc(
                &format!("FS {i}/2025"),
                d(2025, 12, 1),
                10_000 + i,
                10_000 + i,
            )
        })
        .collect();
    let mut req = request(LetterKind::Demand, docs);
    req.lang = Lang::Pl;
    let letter = render(&req, &rates()).unwrap();
    assert!(letter.pages >= 3, "{} pages", letter.pages);
    let extracted = extract(&letter.pdf);
    let footers: Vec<&String> = extracted.iter().filter(|l| is_footer(l)).collect();
    assert_eq!(footers.len(), letter.pages);
    assert_eq!(footers[0], &format!("Strona 1 z {}", letter.pages));
    let body: Vec<String> = extracted.into_iter().filter(|l| !is_footer(l)).collect();
    assert_eq!(body, letter.lines);
    // The header repeats on every page of the table.
    let headers = letter
        .lines
        .iter()
        .filter(|l| *l == "Lp. Dokument Termin Kwota Dni po terminie Odsetki")
        .count();
    assert!(headers >= 2);
    // 70 invoices ≤ 5 000 zł: 70 × 40 EUR × 4,25 = 11 900,00 zł.
    let comp: i64 = letter
        .composed
        .compensations
        .iter()
        .map(|c| c.pln.minor)
        .sum();
    assert_eq!(comp, 1_190_000);
}

#[test]
fn an_english_letter() {
    let mut req = request(
        LetterKind::Demand,
        vec![doc("INV 1", d(2026, 1, 10), 100_000, 100_000)],
    );
    req.lang = Lang::En;
    let letter = render(&req, &rates()).unwrap();
    let extracted: Vec<String> = extract(&letter.pdf)
        .into_iter()
        .filter(|l| !is_footer(l))
        .collect();
    assert_eq!(extracted, letter.lines);
    assert!(letter.lines.iter().any(|l| l == "Demand for payment"));
    assert!(letter.lines.iter().any(|l| l.starts_with("Total due:")));
}

#[test]
fn letters_refuse_missing_data() {
    let req = request(LetterKind::Demand, vec![]);
    assert!(render(&req, &rates()).is_err());
    let mut r = rates();
    r.eur = None;
    let req = request(LetterKind::Demand, vec![doc("X", d(2026, 1, 10), 100, 100)]);
    let err = render(&req, &r).unwrap_err();
    assert_eq!(
        err.to_string(),
        "brak kursu EUR do przeliczenia rekompensaty"
    );
}

fn book() -> PostingBook {
    PostingBook {
        date: d(2026, 2, 2),
        sender: creditor(),
        entries: vec![
            PostingEntry {
                letter_number: "W/12/2026".into(),
                addressee: "Łukasz Ćwikła".into(),
                street: "ul. Źródlana 5".into(),
                postcode_city: "90-001 Łódź".into(),
                category: RegisteredCategory::Priorytetowa,
                return_receipt: true,
                tracking_number: None,
            },
            PostingEntry {
                letter_number: "W/13/2026".into(),
                addressee: "Anna \"Ania\" Żak; Spółka".into(),
                street: "os. Stare Żegrze 118/22".into(),
                postcode_city: "61-249 Poznań".into(),
                category: RegisteredCategory::Ekonomiczna,
                return_receipt: false,
                tracking_number: None,
            },
        ],
    }
}

#[tokio::test]
async fn the_posting_book_as_csv_and_pdf() {
    let mut book = book();
    assert!(set_tracking_number(
        &mut book,
        "W/12/2026",
        " 00659007734210012345 "
    ));
    assert!(!set_tracking_number(&mut book, "W/99/2026", "1"));
    let csv = book.to_csv(Lang::Pl).unwrap();
    assert_eq!(
        csv,
        "\u{feff}Lp.;Nadawca;Adresat;Adres;Kategoria;ZPO;Nr pisma;Numer nadania\r\n\
         1;Zażółć Gęślą Jaźń Sp. z o.o., ul. Świętokrzyska 12/4, 00-916 Warszawa;Łukasz Ćwikła;ul. Źródlana 5, 90-001 Łódź;polecony priorytetowy;tak;W/12/2026;00659007734210012345\r\n\
         2;Zażółć Gęślą Jaźń Sp. z o.o., ul. Świętokrzyska 12/4, 00-916 Warszawa;\"Anna \"\"Ania\"\" Żak; Spółka\";os. Stare Żegrze 118/22, 61-249 Poznań;polecony ekonomiczny;nie;W/13/2026;\r\n"
    );
    // A tracking number typed as a formula stays text in the spreadsheet (issue 13).
    let mut poisoned = book.clone();
    assert!(set_tracking_number(
        &mut poisoned,
        "W/13/2026",
        "=HYPERLINK(\"x\")"
    ));
    let csv = poisoned.to_csv(Lang::Pl).unwrap();
    assert!(
        csv.ends_with(";W/13/2026;\"'=HYPERLINK(\"\"x\"\")\"\r\n"),
        "{csv}"
    );
    let (pdf, lines) = book.to_pdf(Lang::Pl).unwrap();
    let extracted: Vec<String> = extract(&pdf)
        .into_iter()
        .filter(|l| !is_footer(l))
        .collect();
    assert_eq!(extracted, lines);
    assert_eq!(lines[0], "Książka nadawcza przesyłek poleconych");
    assert!(lines.iter().any(|l| l == "Data nadania: 02.02.2026"));
    assert!(
        lines.iter().any(|l| l
            == "1. Łukasz Ćwikła ul. Źródlana 5, 90-001 Łódź polecony priorytetowy tak W/12/2026")
    );
    let posted = CounterPosting.submit(&book).await.unwrap();
    assert_eq!(posted.len(), 2);
    assert_eq!(
        posted[0].tracking_number.as_deref(),
        Some("00659007734210012345")
    );
    assert_eq!(posted[1].tracking_number, None);
}

#[test]
fn built_in_tables_give_the_statutory_rates() {
    let rates = LetterRates::polish_statutory();
    // Commercial: reference rate + 10 pp per half-year (research/providers.md).
    assert_eq!(
        rates.commercial.rate_on(d(2025, 8, 1)),
        Some(BasisPoints(1525))
    );
    assert_eq!(
        rates.commercial.rate_on(d(2026, 2, 1)),
        Some(BasisPoints(1400))
    );
    // Consumer: 10 % on 2025-10-09 (infor.pl), from each change of the reference rate.
    assert_eq!(
        rates.consumer.rate_on(d(2025, 10, 20)),
        Some(BasisPoints(1000))
    );
    assert_eq!(rates.eur, None);
}

#[test]
fn compensation_can_be_left_out_of_a_commercial_letter() {
    let mut req = request(
        LetterKind::Demand,
        vec![doc("FS 1/2025", d(2025, 12, 1), 100_000, 100_000)],
    );
    req.compensation = false;
    let mut r = rates();
    r.eur = None;
    let letter = compose(&req, &r).unwrap();
    assert!(letter.compensations.is_empty());
    assert_eq!(letter.eur_rate, None);
}
