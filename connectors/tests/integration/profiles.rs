//! Optima, Comarch XL, enova365, WAPRO Mag and the custom profile through unixODBC and the real
//! SQLite3 driver, asserted row by row against their sample databases (testdata/<profile>/).

use crate::common::{assert_lines, run, sample_config};
use inkaso_connectors::{ConnectorError, DateFormat, ExclusionReason, ProfileKind, extract};
use inkaso_shared::Currency;

fn excluded(summary: &inkaso_connectors::Summary) -> Vec<(ExclusionReason, u64)> {
    summary.excluded.iter().map(|(r, n)| (*r, *n)).collect()
}

#[test]
fn optima_row_by_row() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = sample_config(ProfileKind::Optima, dir.path());
    config.profile.debtor_attribute_ids = vec![5];
    config.profile.document_attribute_codes = vec!["NIE_WINDYKOWAC".into()];
    config.exclusions.document_number_prefixes = ["PAR".to_owned()].into();
    config.exclusions.debtor_external_ids = ["5".to_owned()].into();
    let (lines, summary) = run(&config);
    assert_lines(
        &lines,
        &[
            r#"D 1 Company "ACME Spółka z ograniczoną odpowiedzialnością" nip=5250000009 email=windykacja@acme.pl phone=+48221112233 addr=-"#,
            r#"F 105 deb=1 "BO/1" 2023-12-31..2024-01-15 10000/10000 EUR"#,
            r#"F 100 deb=1 "FA/1/2024" 2024-01-10..2024-01-24 123000/123000 PLN"#,
            "R 109 deb=1 currency UnknownCurrency value=XXQ",
            r#"D 2 Person "Jan Kowalski" nip=- email=jan@kowalski.pl phone=+48600100200 addr=Krzywa 5/2|30-001|Kraków|PL"#,
            r#"F 101 deb=2 "FA/2/2024" 2024-01-11..2024-01-25 50000/20000 PLN"#,
            r#"D 4 Company "Przedsiębiorstwo „Gęś”" nip=6760000003 email=- phone=+48501002003 addr=-"#,
            r#"F 108 deb=4 "FA/6/2024" 2024-01-22..2024-02-12 45678/45678 PLN"#,
        ],
    );
    assert_eq!(
        excluded(&summary),
        [
            (ExclusionReason::ErpDebtorFlag, 1),
            (ExclusionReason::ErpDocumentFlag, 1),
            (ExclusionReason::ConfigDebtorId, 1),
            (ExclusionReason::ConfigDocumentPrefix, 1),
        ]
    );
    assert_eq!(summary.rows_read, 9);
}

#[test]
fn comarch_xl_row_by_row_with_clarion_dates() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = sample_config(ProfileKind::ComarchXl, dir.path());
    config.exclusions.min_remaining_minor = [(Currency::PLN, 5_000)].into();
    let (lines, summary) = run(&config);
    assert_lines(
        &lines,
        &[
            r#"D 1 Company "Hurtownia „Żabka” Spółka Akcyjna Oddział Pomorski" nip=5250000009 email=faktury@zabka.pl phone=+48585556677 addr=-"#,
            r#"F 12033001 deb=1 "FS-1/24" 2024-01-10..2024-01-24 123000/123000 PLN"#,
            r#"F 42033001 deb=1 "FS-4/24" 2024-01-12..2024-02-10 10000/10000 EUR"#,
            r#"D 2 Person "Jan Kowalski" nip=- email=- phone=+48600100200 addr=ul. Krzywa 5/2|30-001|Kraków|PL"#,
            r#"F 22033001 deb=2 "FS-2/24" 2024-01-10..2024-01-24 30000/10000 PLN"#,
            r#"F 22033002 deb=2 "FS-2/24" 2024-01-10..2024-02-24 30000/30000 PLN"#,
            "R 52033001 deb=3 due_date Missing value=0",
        ],
    );
    // PA-6/24/A (45,50 zł) is below the minimum, so Nowak has nothing to send and is not sent.
    assert_eq!(
        excluded(&summary),
        [(ExclusionReason::ConfigMinRemaining, 1)]
    );
    assert!(!lines.iter().any(|l| l.contains("Nowak")));
}

#[test]
fn enova365_native_flags_row_by_row() {
    let dir = tempfile::tempdir().unwrap();
    let config = sample_config(ProfileKind::Enova365, dir.path());
    let (lines, summary) = run(&config);
    assert_lines(
        &lines,
        &[
            r#"D 1 Company "Spółdzielnia Mleczarska „Łąka”" nip=9510000009 email=ksiegowosc@laka.pl phone=+48601234567 addr=-"#,
            r#"F 1 deb=1 "FV/1/2024" 2024-01-10..2024-01-24 100000/100000 PLN"#,
            r#"F 2 deb=1 "FV/2/2024" 2024-01-11..2024-01-25 80000/50000 PLN"#,
            "R 11 deb=2 due_date Missing value=-",
            r#"D 2 Person "Anna Wójcik" nip=- email=- phone=+48512000111 addr=Polna 3/4|80-001|Gdańsk|PL"#,
            r#"F 9 deb=2 "FV/8/2024" 2024-01-17..2024-01-31 5000/5000 USD"#,
            r#"F 4 deb=2 "FV/4/2024" 2024-01-13..2024-02-13 25000/25000 PLN"#,
            r#"F 5 deb=2 "FV/4/2024" 2024-01-13..2024-03-13 25000/25000 PLN"#,
            r#"D 4 Company "Kurek i Syn s.c." nip=2220000003 email=- phone=- addr=-"#,
            "W InvalidEmail deb=4 value=kurek@ other=-",
            "W NoEmailNoMobile deb=4 value=- other=-",
            r#"F 12 deb=4 "RK/12/2024" 2024-01-20..2024-02-03 3000/3000 PLN"#,
        ],
    );
    assert_eq!(
        excluded(&summary),
        [
            (ExclusionReason::ErpDebtorFlag, 1),
            (ExclusionReason::ErpDocumentFlag, 1)
        ]
    );
    assert!(!lines.iter().any(|l| l.contains("Zając")));
}

#[test]
fn wapro_mag_row_by_row_with_company_filter() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = sample_config(ProfileKind::WaproMag, dir.path());
    config.profile.company_id = Some(1);
    config.exclusions.document_number_prefixes = ["fk".to_owned()].into();
    let (lines, summary) = run(&config);
    assert_lines(
        &lines,
        &[
            "R 6 deb=1 due_date Missing value=0",
            r#"D 1 Company "Firma Budowlana „Dąb” Sp. z o.o." nip=6760000003 email=biuro@dab.pl phone=+48501100200 addr=-"#,
            r#"F 1 deb=1 "FV 1/2024" 2024-01-10..2024-01-24 123000/123000 PLN"#,
            r#"F 2 deb=1 "FV 2/2024" 2024-01-10..2024-02-10 50000/20000 PLN"#,
            r#"D 2 Person "Zofia Kaczmarek" nip=- email=- phone=+48124210000 addr=ul. Miodowa 4/6|31-055|Kraków|PL"#,
            "W NoEmailNoMobile deb=2 value=- other=-",
            r#"F 8 deb=2 "FV 7/2024" 2024-01-05..2024-01-24 20000/20000 PLN"#,
            r#"F 9 deb=2 "FV 7/2024" 2024-01-05..2024-02-24 20000/15000 PLN"#,
            r#"F 10 deb=2 "FV 8/2024" -..2024-03-01 10000/10000 EUR"#,
        ],
    );
    assert_eq!(
        excluded(&summary),
        [(ExclusionReason::ConfigDocumentPrefix, 1)]
    );
    assert_eq!(summary.rows_read, 7);
}

/// A firm's own query over the GT sample that (wrongly) returns companies' addresses and an
/// extra column: the addresses are dropped in code, the extra column is never read.
const CUSTOM_QUERY: &str = "
SELECT k.kh_Id AS debtor_external_id, a.adr_NazwaPelna AS debtor_name, a.adr_NIP AS debtor_nip,
       k.kh_EMail AS debtor_email, a.adr_Telefon AS debtor_phone, k.kh_Osoba AS debtor_is_person,
       a.adr_Adres AS debtor_street, a.adr_Miejscowosc AS debtor_city, a.adr_Kod AS debtor_postcode,
       f.nzf_Id AS doc_external_id, f.nzf_NumerPelny AS doc_number, f.nzf_Data AS issue_date,
       f.nzf_TerminPlatnosci AS due_date, f.nzf_WartoscPierwotnaWaluta AS gross_amount,
       f.nzf_WartoscWaluta AS remaining_amount, f.nzf_IdWaluty AS currency, 0 AS excluded_flag,
       'tajne' AS regon
FROM nz__Finanse f
JOIN kh__Kontrahent k ON k.kh_Id = f.nzf_IdObiektu
JOIN adr__Ewid a ON a.adr_IdObiektu = k.kh_Id AND a.adr_TypAdresu = 1
WHERE f.nzf_Id IN (1, 2)
ORDER BY f.nzf_Id";

#[test]
fn custom_query_company_address_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = sample_config(ProfileKind::Custom, dir.path());
    config.profile.query = Some(CUSTOM_QUERY.to_owned());
    config.profile.date_format = Some(DateFormat::Iso);
    let (lines, summary) = run(&config);
    assert_lines(
        &lines,
        &[
            r#"D 1 Company "ACME Sp. z o.o." nip=5250000009 email=biuro@acme.pl phone=+48221112233 addr=-"#,
            r#"F 1 deb=1 "FS 1/2024" 2024-01-10..2024-01-24 123000/123000 PLN"#,
            r#"D 2 Person "Jan Kowalski" nip=- email=jan@kowalski.pl phone=- addr=ul. Krzywa 5/2|30-001|Kraków|PL"#,
            r#"F 2 deb=2 "FS 2/2024" 2024-01-11..2024-01-25 50000/20000 PLN"#,
        ],
    );
    assert_eq!(summary.company_addresses_dropped, 1);
    assert!(
        !lines
            .iter()
            .any(|l| l.contains("Prosta") || l.contains("tajne"))
    );
}

#[test]
fn custom_query_missing_columns_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = sample_config(ProfileKind::Custom, dir.path());
    config.profile.query = Some("SELECT kh_Id AS debtor_external_id FROM kh__Kontrahent".into());
    let err = extract(&config).unwrap_err();
    let ConnectorError::MissingColumns(cols) = &err else {
        panic!("{err}")
    };
    assert!(cols.contains(&"debtor_name".to_owned()));
    assert!(cols.contains(&"doc_number".to_owned()));
    assert!(err.to_string().contains("due_date"), "{err}");
}

#[test]
fn experimental_profiles_refuse_without_opt_in() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = sample_config(ProfileKind::SubiektGt, dir.path());
    config.profile.kind = Some(ProfileKind::SymfoniaHandel);
    let err = extract(&config).unwrap_err().to_string();
    assert!(err.contains("experimental = true"), "{err}");
    assert!(err.contains("NIP"), "{err}");
    // Opted in, it runs its query: the GT database has no Symfonia tables, so ODBC says so.
    config.profile.experimental = true;
    let err = extract(&config).unwrap_err().to_string();
    assert!(err.contains("ODBC"), "{err}");
}
