//! `inkaso-agent --config FILE preview|discover` end to end: the real binary, a TOML file, the
//! sample ERP databases through the SQLite3 ODBC driver.

use std::path::Path;
use std::process::{Command, Output};

use inkaso_connectors::ProfileKind;
use inkaso_sample_erp::{SAMPLE_PROFILES, create_sample_db};
use serde_json::Value;

fn agent(config: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_inkaso-agent"))
        .arg("--config")
        .arg(config)
        .args(args)
        .output()
        .expect("the agent binary runs")
}

/// Builds the sample database of `profile` and a configuration file for it.
fn setup(
    profile: ProfileKind,
    dir: &Path,
    extra_erp: &str,
    exclusions: &str,
) -> std::path::PathBuf {
    inkaso_testkit::require_odbc_driver("SQLite3");
    let conn = create_sample_db(profile, &dir.join("erp")).expect("sample database");
    let toml_list = |v: &[String]| {
        v.iter()
            .map(|s| format!("{s:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let text = format!(
        "[erp]\nprofile = \"{profile}\"\nconnection_string = {:?}\ninit_statements = [{}]\n{extra_erp}\n\n[exclusions]\n{exclusions}\n",
        conn.connection_string
            .expect("sample has a connection string"),
        toml_list(&conn.init_statements),
    );
    let path = dir.join("agent.toml");
    std::fs::write(&path, text).expect("config written");
    path
}

fn json_lines(out: &Output) -> Vec<Value> {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone())
        .expect("UTF-8 output")
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect()
}

#[test]
fn preview_json_gt() {
    let dir = tempfile::tempdir().unwrap();
    let config = setup(
        ProfileKind::SubiektGt,
        dir.path(),
        "debtor_flag_ids = [7]\ndocument_flag_ids = [8]",
        "debtor_external_ids = [\"7\"]\nnips = [\"779-000-00-08\"]\ndocument_number_prefixes = [\"KOR/\"]\nmin_remaining = { PLN = \"10,00\" }",
    );
    let lines = json_lines(&agent(&config, &["preview", "--format", "json"]));
    let kinds: Vec<&str> = lines
        .iter()
        .map(|l| l["record"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.iter().filter(|k| **k == "debtor").count(), 7);
    assert_eq!(kinds.iter().filter(|k| **k == "document").count(), 9);
    assert_eq!(kinds.iter().filter(|k| **k == "rejected").count(), 8);
    assert_eq!(kinds.iter().filter(|k| **k == "warning").count(), 6);
    assert_eq!(kinds.last(), Some(&"summary"));

    // A debtor line is the protocol's debtor, plus "record".
    let acme = &lines[1];
    assert_eq!(acme["record"], "debtor");
    assert_eq!(acme["external_id"], "1");
    assert_eq!(acme["kind"], "company");
    assert_eq!(acme["nip"], "5250000009");
    assert_eq!(acme["phone"], "+48221112244");
    assert_eq!(acme["address"], Value::Null);
    let mut debtor = acme.clone();
    debtor.as_object_mut().unwrap().remove("record");
    let parsed: inkaso_shared::Debtor = serde_json::from_value(debtor).unwrap();
    assert_eq!(parsed.name, "ACME Sp. z o.o.");

    let doc = &lines[2];
    assert_eq!(doc["record"], "document");
    assert_eq!(doc["number"], "FS 1/2024");
    assert_eq!(doc["amount_minor"], 123_000);
    assert_eq!(doc["due_date"], "2024-01-24");

    let rejected = &lines[0];
    assert_eq!(rejected["record"], "rejected");
    assert_eq!(rejected["row_key"], "31");
    assert_eq!(rejected["field"], "due_date");
    assert_eq!(rejected["reason"], "missing");
    assert_eq!(rejected["message"], "due_date: brak wymaganej wartości");

    let summary = lines.last().unwrap();
    assert_eq!(summary["counts"]["document"], 9);
    assert_eq!(summary["rows_read"], 23);
    assert_eq!(summary["excluded"]["erp_debtor_flag"], 1);
    assert_eq!(summary["excluded"]["config_nip"], 1);
    assert_eq!(summary["excluded"]["config_min_remaining"], 1);
    assert_eq!(summary["excluded_total"], 6);
    assert_eq!(summary["sent"], false);
    assert!(summary["elapsed_ms"].is_u64());

    // Nothing about an excluded debtor leaves, not even in the report.
    let all = lines
        .iter()
        .map(Value::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    for secret in ["Nowak", "Wykluczona", "7790000008", "KOR/1/2024"] {
        assert!(!all.contains(secret), "{secret}");
    }
}

#[test]
fn preview_json_every_profile_and_english() {
    for profile in SAMPLE_PROFILES {
        let dir = tempfile::tempdir().unwrap();
        let config = setup(profile, dir.path(), "", "");
        let lines = json_lines(&agent(
            &config,
            &["--lang", "en", "preview", "--format", "json"],
        ));
        let summary = lines.last().unwrap();
        assert_eq!(summary["record"], "summary", "{profile}");
        assert_eq!(summary["profile"], profile.name());
        let docs = lines.iter().filter(|l| l["record"] == "document").count();
        assert_eq!(summary["counts"]["document"], docs, "{profile}");
        assert!(docs >= 5, "{profile}: {docs}");
        for l in lines.iter().filter(|l| l["record"] == "rejected") {
            // English messages: the field, then the reason in English.
            let m = l["message"].as_str().unwrap();
            assert!(
                m.starts_with(l["field"].as_str().unwrap()),
                "{profile}: {m}"
            );
            assert!(m.is_ascii() && !m.contains("brak"), "{profile}: {m}");
        }
    }
}

#[test]
fn preview_table_is_for_people() {
    let dir = tempfile::tempdir().unwrap();
    let config = setup(ProfileKind::SubiektGt, dir.path(), "", "");
    let out = agent(&config, &["preview"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("KONTRAHENT 1 · ACME Sp. z o.o. · firma · NIP 5250000009"),
        "{text}"
    );
    assert!(
        text.contains(
            "    FS 1/2024                2024-01-10 2024-01-24      1 230,00 zł      1 230,00 zł"
        ),
        "{text}"
    );
    assert!(text.contains("ul. Krzywa 5/2, 30-001 Kraków"), "{text}");
    assert!(
        text.contains("! uwaga: telefon +48512345678 ma też kontrahent 8"),
        "{text}"
    );
    assert!(
        text.contains("✗ ODRZUCONY wiersz 31 (kontrahent 1): due_date: brak wymaganej wartości"),
        "{text}"
    );
    assert!(text.contains("PODSUMOWANIE (subiekt_gt)"), "{text}");
    assert!(
        text.contains("To jest podgląd: nic nie zostało wysłane."),
        "{text}"
    );
}

#[test]
fn discover_reports_and_fails_on_missing_columns() {
    let dir = tempfile::tempdir().unwrap();
    let config = setup(ProfileKind::SubiektGt, dir.path(), "", "");
    let out = agent(&config, &["discover"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("Sterownik ODBC: SQLite3"), "{text}");
    assert!(text.contains("System bazy danych: SQLite"), "{text}");
    assert!(
        text.contains("wszystkie 40 kolumn jest na miejscu"),
        "{text}"
    );
    assert!(text.contains("debtor_flag_ids"), "{text}");
    assert!(text.contains("Nie windykować"), "{text}");

    // Every sample database fits its profile (JSON form).
    for profile in SAMPLE_PROFILES {
        let dir = tempfile::tempdir().unwrap();
        let config = setup(profile, dir.path(), "", "");
        let out = agent(&config, &["discover", "--format", "json"]);
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["ok"], true, "{profile}: {v}");
        assert!(out.status.success());
    }

    // A profile that does not fit: exit code 2 and the missing tables named.
    let dir = tempfile::tempdir().unwrap();
    let config = setup(ProfileKind::SubiektGt, dir.path(), "", "");
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace("subiekt_gt", "enova365");
    std::fs::write(&config, text).unwrap();
    let out = agent(&config, &["discover"]);
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("BRAKUJE"), "{text}");
    assert!(text.contains("  - tabela RozrachunkiIdx"), "{text}");
}

#[test]
fn config_errors_name_file_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("agent.toml");
    std::fs::write(&path, "[erp]\nprofile = \"optima\"\n").unwrap();
    let out = agent(&path, &["preview"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("{}: klucz [erp].dsn", path.display())),
        "{err}"
    );
    let out = agent(&path, &["--lang", "en", "discover"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("key [erp].dsn: give exactly one of dsn or connection_string"),
        "{err}"
    );
}
