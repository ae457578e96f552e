//! The agent's own checks, through the real binary: `check` against a SQL Server connection
//! string whose driver this machine does not have (unixODBC's real refusal, the fix naming the
//! package and a connection string that works with the driver, in Polish and English), and the
//! refusal to start with credentials every user of the machine can read.

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

/// A configuration (or token file) every user of the machine can read stops the agent before
/// it does anything; protected, it starts, and its state file is the owner's alone.
#[test]
fn credentials_every_user_can_read_stop_the_agent() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("agent.toml");
    let token = dir.path().join("agent.token");
    std::fs::write(&token, "inka_test\n").unwrap();
    std::fs::write(
        &config,
        "[erp]\nprofile = \"optima\"\ndsn = \"nieistotne\"\n\n[cloud]\nurl = \"https://inkaso.example.pl\"\ntoken_file = \"agent.token\"\n",
    )
    .unwrap();
    let set = |path: &std::path::Path, mode: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    };
    let status = || {
        let out = Command::new(env!("CARGO_BIN_EXE_inkaso-agent"))
            .arg("--config")
            .arg(&config)
            .arg("status")
            .output()
            .unwrap();
        (
            out.status.success(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        )
    };
    set(&config, 0o644);
    set(&token, 0o600);
    let (ok, out) = status();
    assert!(
        !ok && out.contains("agent nie wystartuje") && out.contains("chmod 600"),
        "{out}"
    );
    assert!(out.contains("agent.toml"), "{out}");
    set(&config, 0o640);
    set(&token, 0o604);
    let (ok, out) = status();
    assert!(!ok && out.contains("agent.token"), "{out}");
    set(&token, 0o600);
    let (ok, out) = status();
    assert!(ok, "{out}");
    assert!(out.contains("Wersja agenta:"), "{out}");
    let state = dir.path().join("inkaso-agent.db");
    assert_eq!(
        std::fs::metadata(&state).unwrap().permissions().mode() & 0o777,
        0o600
    );
}
