//! The agent's own checks, through the real binary: `check` against a SQL Server connection
//! string whose driver this machine does not have (unixODBC's real refusal, the fix naming the
//! package and a connection string that works with the driver, in Polish and English), and the
//! refusal to start with credentials every user of the machine can read, and the service loop's
//! daily log file and clean stop.

use std::process::Command;

fn check(config: &std::path::Path, lang: &str) -> (bool, String) {
    inkaso_testkit::output(
        Command::new(env!("CARGO_BIN_EXE_inkaso-agent"))
            .args(["--lang", lang, "--config"])
            .arg(config)
            .arg("check"),
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
        inkaso_testkit::output(
            Command::new(env!("CARGO_BIN_EXE_inkaso-agent"))
                .arg("--config")
                .arg(&config)
                .arg("status"),
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

/// The service loop logs to a daily file beside its state (here systemd's `LOGS_DIRECTORY`),
/// as JSON lines when asked, and stops cleanly on SIGTERM even while the cloud is down.
#[test]
fn the_service_logs_to_a_daily_file_and_stops_on_sigterm() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("agent.toml");
    std::fs::write(
        &config,
        "[erp]\nprofile = \"optima\"\ndsn = \"brak_takiego_zrodla\"\n\n[cloud]\nurl = \"https://127.0.0.1:9\"\ntoken = \"inka_test\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).unwrap();
    let logs = dir.path().join("logs");
    let agent = Command::new(env!("CARGO_BIN_EXE_inkaso-agent"))
        .arg("--config")
        .arg(&config)
        .arg("run")
        .env("LOGS_DIRECTORY", &logs)
        .env("INKASO_LOG_JSON", "1")
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Killed if the test fails before it stops it.
    let mut agent = KillOnDrop(agent);
    let logged = || -> Option<(String, String)> {
        let entry = std::fs::read_dir(&logs).ok()?.flatten().next()?;
        let text = std::fs::read_to_string(entry.path()).ok()?;
        text.contains("chmura niedostępna")
            .then(|| (entry.file_name().to_string_lossy().into_owned(), text))
    };
    let started = std::time::Instant::now();
    let (name, text) = loop {
        if let Some(found) = logged() {
            break found;
        }
        assert!(
            started.elapsed().as_secs() < 30,
            "no log file in {}",
            logs.display()
        );
        #[allow(clippy::disallowed_methods)] // a test's own thread, polling a file
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    assert!(
        name.starts_with("inkaso-agent.")
            && std::path::Path::new(&name)
                .extension()
                .is_some_and(|e| e == "log"),
        "{name}"
    );
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(v["level"].is_string() && v["fields"].is_object(), "{line}");
    }
    assert!(
        !text.contains("inka_test"),
        "the token never reaches the log"
    );
    let pid = agent.0.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = agent.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed().as_secs() < 30,
            "the agent did not stop on SIGTERM"
        );
        #[allow(clippy::disallowed_methods)] // a test's own thread, waiting for a process
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    assert!(status.success(), "{status}");
    let text = std::fs::read_to_string(logs.join(&name)).unwrap();
    assert!(text.contains("zatrzymano na żądanie"), "{text}");
}

struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
