//! `discover` against the sample databases through the SQLite3 ODBC driver.

use crate::common::sample_config;
use inkaso_connectors::ProfileKind;
use inkaso_connectors::discover::{Missing, discover};

#[test]
fn gt_sample_is_complete_and_lists_flags() {
    let dir = tempfile::tempdir().unwrap();
    let config = sample_config(ProfileKind::SubiektGt, dir.path());
    let d = discover(&config.connection, &config.profile).unwrap();
    assert!(d.ok(), "{d:#?}");
    assert_eq!(d.driver, "SQLite3");
    assert_eq!(d.dbms, "SQLite");
    assert_eq!(d.checked_columns, 40);
    let flag7: Vec<_> = d.markers.iter().filter(|m| m.value == "7").collect();
    assert_eq!(flag7.len(), 2, "{:#?}", d.markers);
    assert_eq!(flag7[0].label, "Nie windykować");
    assert_eq!(flag7[0].uses, Some(1));
    assert_eq!(flag7[0].config_key, "debtor_flag_ids");
    assert_eq!(flag7[1].config_key, "document_flag_ids");
    assert!(d.markers.iter().any(|m| m.label == "VIP"));
}

#[test]
fn missing_tables_and_columns_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = sample_config(ProfileKind::SubiektGt, dir.path());
    let conn = config.connection.connect().unwrap();
    conn.execute("ALTER TABLE tel__Ewid DROP COLUMN tel_SMS", (), None)
        .unwrap();
    conn.execute("DROP TABLE sl_FormaPlatnosci", (), None)
        .unwrap();
    drop(conn);
    let d = discover(&config.connection, &config.profile).unwrap();
    assert!(!d.ok());
    assert_eq!(
        d.missing,
        [
            Missing::Column {
                table: "tel__Ewid".into(),
                column: "tel_SMS".into()
            },
            Missing::Table {
                table: "sl_FormaPlatnosci".into()
            }
        ]
    );
    // The Optima profile on a GT database: every table is missing, nothing else is attempted.
    config.profile.kind = Some(ProfileKind::Optima);
    let d = discover(&config.connection, &config.profile).unwrap();
    assert_eq!(d.missing.len(), 5);
    assert!(d.query_error.is_none());
}

#[test]
fn optima_attributes_and_enova_native_flags() {
    let dir = tempfile::tempdir().unwrap();
    let config = sample_config(ProfileKind::Optima, dir.path());
    let d = discover(&config.connection, &config.profile).unwrap();
    assert!(d.ok(), "{d:#?}");
    let m: Vec<_> = d
        .markers
        .iter()
        .map(|m| (m.config_key, m.value.as_str(), m.label.as_str(), m.uses))
        .collect();
    assert_eq!(
        m,
        [
            ("debtor_attribute_ids", "5", "NIE_WINDYKOWAC", Some(1)),
            ("debtor_attribute_ids", "7", "OPIEKUN", Some(1)),
            (
                "document_attribute_codes",
                "NIE_WINDYKOWAC",
                "NIE_WINDYKOWAC",
                Some(1)
            ),
            ("document_attribute_codes", "OPIEKUN", "OPIEKUN", Some(1)),
        ]
    );

    let dir = tempfile::tempdir().unwrap();
    let config = sample_config(ProfileKind::Enova365, dir.path());
    let d = discover(&config.connection, &config.profile).unwrap();
    assert!(d.ok(), "{d:#?}");
    let uses: Vec<_> = d
        .markers
        .iter()
        .map(|m| (m.value.as_str(), m.uses))
        .collect();
    assert_eq!(
        uses,
        [
            ("Kontrahenci.NieWindykowac", Some(1)),
            ("Platnosci.NieWindykowac", Some(1))
        ]
    );

    for p in [ProfileKind::ComarchXl, ProfileKind::WaproMag] {
        let dir = tempfile::tempdir().unwrap();
        let config = sample_config(p, dir.path());
        let d = discover(&config.connection, &config.profile).unwrap();
        assert!(d.ok(), "{p}: {d:#?}");
        assert!(d.markers.is_empty());
        assert!(d.marker_advice.unwrap().contains("[exclusions]"));
    }
}
