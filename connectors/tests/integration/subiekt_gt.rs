//! Subiekt GT through unixODBC + the real SQLite3 driver, and through psqlODBC + PostgreSQL.

use crate::common::{assert_lines, run, sample_config};
use inkaso_connectors::{ExclusionReason, ProfileKind};
use inkaso_shared::{Currency, Nip};

fn configured(config: &mut inkaso_connectors::ConnectorConfig) {
    config.profile.debtor_flag_ids = vec![7];
    config.profile.document_flag_ids = vec![8];
    config.exclusions.debtor_external_ids = ["7".to_owned()].into();
    config.exclusions.nips = [Nip::parse("7790000008").expect("valid NIP")].into();
    config.exclusions.document_number_prefixes = ["KOR/".to_owned()].into();
    config.exclusions.min_remaining_minor = [(Currency::PLN, 1000)].into();
}

/// What the configured GT sample yields, in order (SQLite sorts NULL due dates first).
const EXPECTED: &[&str] = &[
    "R 31 deb=1 due_date Missing value=-",
    r#"D 1 Company "ACME Sp. z o.o." nip=5250000009 email=biuro@acme.pl phone=+48221112244 addr=-"#,
    r#"F 1 deb=1 "FS 1/2024" 2024-01-10..2024-01-24 123000/123000 PLN"#,
    r#"F 3 deb=1 "FS 3/2024" 2024-01-12..2024-01-26 10000/10000 EUR"#,
    "R 30 deb=1 doc_number Missing value=",
    r#"D 2 Person "Jan Kowalski" nip=- email=jan@kowalski.pl phone=+48600100200 addr=ul. Krzywa 5/2|30-001|Kraków|PL"#,
    r#"F 2 deb=2 "FS 2/2024" 2024-01-11..2024-01-25 50000/20000 PLN"#,
    "R 32 deb=2 currency UnknownCurrency value=XYZ",
    "R 33 deb=2 remaining_amount ExceedsAmount value=600",
    "R 34 deb=2 remaining_amount NotPositive value=0",
    "R 35 deb=2 gross_amount Unparseable value=12,34,5",
    r#"D 5 Company "Zakład Usług Różnych „Źdźbło” Sp. j." nip=6760000003 email=- phone=+48601234567 addr=-"#,
    "W InvalidEmail deb=5 value=biuro(at)zdzblo.pl other=-",
    r#"F 9 deb=5 "FS 6/2024" 2024-02-01..2024-03-15 10000/10000 PLN"#,
    r#"F 10 deb=5 "FS 6/2024" 2024-02-01..2024-04-15 10000/6000 PLN"#,
    r#"D 8 Person "Ewa Wiśniewska" nip=- email=ewa@wisniewska.pl phone=+48512345678 addr=ul. Słoneczna 10 m. 4|02-495|Warszawa|PL"#,
    r#"F 15 deb=8 "FS 10/2024" 2024-02-04..2024-02-18 15000/15000 PLN"#,
    r#"D 9 Person "Piotr Wiśniewski" nip=- email=- phone=+48512345678 addr=ul. Słoneczna 10 m. 4|02-495|Warszawa|PL"#,
    "W SharedPhone deb=9 value=+48512345678 other=8",
    r#"F 16 deb=9 "FS 11/2024" 2024-02-04..2024-02-18 16000/16000 PLN"#,
    "R 18 deb=11 debtor_name Missing value=",
    "R 19 deb=11 debtor_external_id DebtorRejected value=11",
    r#"D 12 Company "Müller Handels GmbH" nip=- email=- phone=+49301234567 addr=-"#,
    "W InvalidNip deb=12 value=DE123456789 other=-",
    "W NoEmailNoMobile deb=12 value=- other=-",
    r#"F 20 deb=12 "FS 15/2024" 2024-02-06..2024-02-20 21055/21055 EUR"#,
    r#"D 13 Person "Łucja Żółw" nip=- email=lucja@zolw.pl phone=- addr=-"#,
    "W InvalidPhone deb=13 value=123 other=-",
    "W IncompleteAddress deb=13 value=- other=-",
    r#"F 21 deb=13 "FS 16/2024" 2024-02-06..2024-02-20 22000/22000 PLN"#,
];

#[test]
fn gt_sqlite_row_by_row() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = sample_config(ProfileKind::SubiektGt, dir.path());
    configured(&mut config);
    let (lines, summary) = run(&config);
    assert_lines(&lines, EXPECTED);
    assert_eq!(summary.rows_read, 23);
    assert_eq!(summary.debtors, 7);
    assert_eq!(summary.documents, 9);
    assert_eq!(summary.rejected, 8);
    assert_eq!(summary.warnings, 6);
    let excluded: Vec<_> = summary.excluded.iter().map(|(r, n)| (*r, *n)).collect();
    assert_eq!(
        excluded,
        [
            (ExclusionReason::ErpDebtorFlag, 1),
            (ExclusionReason::ErpDocumentFlag, 1),
            (ExclusionReason::ConfigDebtorId, 1),
            (ExclusionReason::ConfigNip, 1),
            (ExclusionReason::ConfigDocumentPrefix, 1),
            (ExclusionReason::ConfigMinRemaining, 1),
        ]
    );
    assert_eq!(summary.excluded_debtors, 3);
    // Every row is accounted for: emitted, quarantined or excluded.
    assert_eq!(
        summary.rows_read,
        summary.documents + summary.rejected + summary.excluded_total()
    );
}

#[test]
fn gt_without_configuration_sends_flagged_rows_and_no_excluded_data_leaks_when_configured() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = sample_config(ProfileKind::SubiektGt, dir.path());
    let (lines, summary) = run(&config);
    // Without flag ids, Nowak (flag 7) and the flagged document are ordinary receivables.
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with(r#"D 4 Person "Anna Nowak""#)),
        "{lines:#?}"
    );
    assert!(lines.iter().any(|l| l.contains(r#""FS 7/2024""#)));
    assert!(summary.excluded.is_empty());

    configured(&mut config);
    let (lines, _) = run(&config);
    for secret in [
        "Nowak",
        "FS 7/2024",
        "Wykluczona",
        "wykluczona",
        "KOR/1",
        "FS 17/2024",
        "7790000008",
    ] {
        assert!(
            !lines.iter().any(|l| l.contains(secret)),
            "{secret} leaked: {lines:#?}"
        );
    }
    // Payment operators are never debtors.
    assert!(
        !lines
            .iter()
            .any(|l| l.contains("PayU") || l.contains("Ratalny"))
    );
}

#[test]
fn gt_small_batches_give_the_same_items() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = sample_config(ProfileKind::SubiektGt, dir.path());
    configured(&mut config);
    config.fetch.batch_rows = 3;
    let (lines, summary) = run(&config);
    assert_lines(&lines, EXPECTED);
    assert_eq!(summary.batches, 8);
    // The same on the calling thread only (no double buffering).
    config.fetch.concurrent = false;
    let (lines, summary) = run(&config);
    assert_lines(&lines, EXPECTED);
    assert_eq!(summary.batches, 8);
}

#[test]
fn gt_extraction_dropped_early_releases_its_fetch_thread() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = sample_config(ProfileKind::SubiektGt, dir.path());
    config.fetch.batch_rows = 2;
    for take in [0, 1, 5] {
        let ex = inkaso_connectors::extract(&config).unwrap();
        let got: Vec<_> = ex.take(take).collect();
        assert_eq!(got.len(), take);
    }
    // The database is free again: a full run still works.
    let (lines, _) = run(&config);
    assert!(lines.len() > 20);
}

/// A throw-away PostgreSQL schema, dropped when the test ends (also on failure).
struct PgSchema {
    connection: inkaso_connectors::ConnectionSettings,
    name: String,
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        if let Ok(conn) = self.connection.connect() {
            let _ = conn.execute(&format!("DROP SCHEMA {} CASCADE", self.name), (), None);
        }
    }
}

#[test]
fn gt_postgres_through_psqlodbc_row_by_row() {
    use inkaso_sample_erp::{Dialect, load_sample};
    let base = inkaso_connectors::ConnectionSettings {
        connection_string: Some(inkaso_testkit::odbc::pg_odbc_connection_string()),
        ..Default::default()
    };
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    let schema = PgSchema {
        connection: base.clone(),
        name: format!("inkaso_gt_{}_{nanos}", std::process::id()),
    };
    let conn = base.connect().unwrap();
    conn.execute(&format!("CREATE SCHEMA {}", schema.name), (), None)
        .unwrap();
    conn.execute(&format!("SET search_path TO {}", schema.name), (), None)
        .unwrap();
    load_sample(&conn, ProfileKind::SubiektGt, Dialect::Postgres).unwrap();
    drop(conn);

    let mut config = inkaso_connectors::ConnectorConfig {
        connection: inkaso_connectors::ConnectionSettings {
            init_statements: vec![format!("SET search_path TO {}", schema.name)],
            ..base.clone()
        },
        profile: inkaso_connectors::ProfileSettings {
            kind: Some(ProfileKind::SubiektGt),
            ..Default::default()
        },
        ..Default::default()
    };
    configured(&mut config);
    let (lines, summary) = run(&config);
    // PostgreSQL sorts NULL due dates last; its strict types cannot hold the text amount of
    // seed.sqlite.sql. Otherwise the same items, value for value.
    // Quarantined values are shown as the database rendered them: NUMERIC(19,4) here.
    let mut expected: Vec<&str> = EXPECTED
        .iter()
        .copied()
        .filter(|l| !l.starts_with("R 35 ") && !l.starts_with("R 31 "))
        .map(|l| match l {
            "R 33 deb=2 remaining_amount ExceedsAmount value=600" => {
                "R 33 deb=2 remaining_amount ExceedsAmount value=600.0000"
            }
            "R 34 deb=2 remaining_amount NotPositive value=0" => {
                "R 34 deb=2 remaining_amount NotPositive value=0.0000"
            }
            other => other,
        })
        .collect();
    let after_r30 = expected
        .iter()
        .position(|l| l.starts_with("R 30 "))
        .unwrap()
        + 1;
    expected.insert(after_r30, "R 31 deb=1 due_date Missing value=-");
    assert_lines(&lines, &expected);
    assert_eq!(summary.rows_read, 22);
    assert_eq!(summary.excluded_total(), 6);
}
