//! `inkaso-agent check` against a SQL Server connection string whose driver this machine does
//! not have: the real binary, unixODBC's real refusal, and the fix that names the package and
//! shows a connection string that works with the driver, in Polish and in English.

use std::process::Command;

fn check(config: &std::path::Path, lang: &str) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_inkaso-agent"))
        .args(["--lang", lang, "--config"])
        .arg(config)
        .arg("check")
        .output()
        .expect("the agent binary runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn a_missing_sql_server_driver_is_explained_with_its_fix() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("agent.toml");
    // A driver name no test machine registers, as a firm would copy it from a guide.
    std::fs::write(
        &config,
        "[erp]\nprofile = \"subiekt_gt\"\n\
         connection_string = \"Driver={ODBC Driver 18 for SQL Server};Server=tcp:127.0.0.1,9;Database=GT_FIRMA;UID=inkaso\"\n",
    )
    .unwrap();
    let (ok, text) = check(&config, "pl");
    assert!(!ok, "{text}");
    for want in [
        "✗ połączenie z bazą ERP (ODBC)",
        "msodbcsql18",
        "przykład: Driver={ODBC Driver 18 for SQL Server}",
        "TrustServerCertificate=yes",
    ] {
        assert!(text.contains(want), "{want:?} not in:\n{text}");
    }
    let (_, text) = check(&config, "en");
    assert!(
        text.contains("is not installed or has another name") && text.contains("example:"),
        "{text}"
    );
}
