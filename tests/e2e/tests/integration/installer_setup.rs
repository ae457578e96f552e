//! `inkaso-installer setup` end to end: the real CLI beside a Subiekt GT-shaped sample ERP (the
//! SQLite3 ODBC driver) and a real cloud on loopback. Unattended with flags, it tests the
//! connection, checks the tables, takes the marker, checks the cloud and the token, shows the
//! preview, writes `agent.toml` and the token readable by their owner alone, and syncs once;
//! run again it edits the set-up. A driver that is not installed, a database without the
//! program's tables and a refused login each end with the fix shown and nothing written.
//! In a pseudo-terminal, a person answering the questions gets the same result.

// Tests may unwrap and run long: a panic here is a clear failure, not a crash in front of a user.
#![allow(clippy::unwrap_used, clippy::too_many_lines)]

use std::path::{Path, PathBuf};
use std::process::Command;

use inkaso_connectors::ProfileKind;
use inkaso_e2e::Harness;
use inkaso_shared::{Clock as _, SystemClock};

const BIN: &str = env!("CARGO_BIN_EXE_inkaso-installer-under-test");

fn setup(args: &[&str]) -> (bool, String) {
    inkaso_testkit::output(
        Command::new(BIN)
            .arg("setup")
            .args(args)
            .env_remove("INKASO_LANG"),
    )
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

struct Site {
    _dir: tempfile::TempDir,
    h: Harness,
    config: PathBuf,
    token_file: PathBuf,
    connection_string: String,
}

/// A sample GT database, a cloud on the real clock (the set-up compares the clocks), the
/// agent token in a file as a firm gets it from the portal.
async fn site() -> Site {
    inkaso_testkit::require_odbc_driver("SQLite3");
    let dir = tempfile::tempdir().unwrap();
    let h = Harness::start(dir.path(), ProfileKind::SubiektGt, SystemClock.now())
        .await
        .unwrap();
    let token_file = dir.path().join("token-z-portalu.txt");
    std::fs::write(&token_file, format!("{}\n", h.token)).unwrap();
    let connection_string = h.connector.connection.connection_string.clone().unwrap();
    assert!(
        h.connector.connection.init_statements.is_empty(),
        "the GT sample needs no init statements"
    );
    Site {
        config: dir.path().join("etc/inkaso/agent.toml"),
        token_file,
        connection_string,
        _dir: dir,
        h,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unattended_setup_syncs_and_a_second_run_edits_it() {
    let s = site().await;
    let config = s.config.display().to_string();
    let url = s.h.cloud_url();
    let args = with(
        base_args(&s, &s.token_file, true),
        &[
            "--connection-string",
            &s.connection_string,
            "--no-password",
            "--marker",
            "debtor_flag_ids=7",
        ],
    );
    let (ok, out) = setup(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(ok, "{out}");
    for want in [
        "[1/7]",
        "✓ Subiekt GT / Navireo (InsERT) (subiekt_gt)",
        "✓ połączenie działa",
        "✓ debtor_flag_ids = 7",
        "token ważny",
        "[5/7] Co opuści ten komputer",
        "✓ zapisano",
        "Gotowe.",
    ] {
        assert!(out.contains(want), "{want:?} not in:\n{out}");
    }
    // Written for the owner alone, the token in its own file, not in agent.toml.
    let token_copy = s.config.with_file_name("agent.token");
    assert_eq!((mode(&s.config), mode(&token_copy)), (0o600, 0o600));
    let text = std::fs::read_to_string(&s.config).unwrap();
    assert!(!text.contains(&s.h.token), "{text}");
    assert!(text.contains("debtor_flag_ids = [7]"), "{text}");
    assert!(text.contains("allow_insecure_http = true"), "{text}");
    // The first sync happened: the cloud holds exactly what the ERP holds open, without the
    // flagged debtor's documents.
    let cloud = s.h.cloud_open().await.unwrap();
    assert!(!cloud.is_empty(), "{out}");

    // A second run edits: the marker goes, the rest stays as it was, nothing asked.
    let (ok, out) = setup(&[
        "--config",
        &config,
        "--no-markers",
        "--service",
        "none",
        "--no-sync",
        "--yes",
    ]);
    assert!(ok, "{out}");
    assert!(out.contains("Istniejąca konfiguracja"), "{out}");
    let edited = std::fs::read_to_string(&s.config).unwrap();
    assert!(!edited.contains("debtor_flag_ids"), "{edited}");
    assert!(
        edited.contains(&s.connection_string.replace('\\', "\\\\"))
            || edited.contains(&s.connection_string),
        "{edited}"
    );
    assert!(edited.contains(&url), "{edited}");
}

/// The flags every set-up here gives: where, which program, the cloud and the token file, no
/// service, no questions; plain http to the test cloud only when `insecure_http`.
fn base_args(s: &Site, token_file: &Path, insecure_http: bool) -> Vec<String> {
    let mut args: Vec<String> = [
        "--config",
        &s.config.display().to_string(),
        "--profile",
        "subiekt_gt",
        "--cloud-url",
        &s.h.cloud_url(),
        "--token-file",
        &token_file.display().to_string(),
        "--service",
        "none",
        "--yes",
    ]
    .map(str::to_owned)
    .to_vec();
    if insecure_http {
        args.push("--allow-insecure-http".into());
    }
    args
}

fn with(mut args: Vec<String>, extra: &[&str]) -> Vec<String> {
    args.extend(extra.iter().map(|a| (*a).to_owned()));
    args
}

/// Runs a set-up expected to fail; returns what it printed. Nothing may be written.
fn refused(s: &Site, args: &[String]) -> String {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (ok, out) = setup(&args);
    assert!(!ok, "{out}");
    assert!(
        !s.config.exists() && !s.config.with_file_name("agent.token").exists(),
        "nothing half-written:\n{out}"
    );
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_driver_a_missing_table_and_a_refused_login_end_with_their_fix() {
    let s = site().await;

    let normal = || base_args(&s, &s.token_file, true);
    let out = refused(
        &s,
        &with(
            normal(),
            &[
                "--driver",
                "ODBC Driver 18 for SQL Server",
                "--server",
                "serwer-erp\\INSERTGT",
                "--database",
                "GT_FIRMA",
                "--no-password",
            ],
        ),
    );
    assert!(
        out.contains("✗ sterownik ODBC „ODBC Driver 18 for SQL Server” nie jest zainstalowany")
            && out.contains("→ ")
            && out.contains("msodbcsql18"),
        "{out}"
    );

    // A database without the program's tables: an empty SQLite file.
    let empty = s
        .config
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("pusta.db");
    std::fs::create_dir_all(empty.parent().unwrap()).unwrap();
    let cs = format!("Driver={{SQLite3}};Database={}", empty.display());
    let out = refused(
        &s,
        &with(normal(), &["--connection-string", &cs, "--no-password"]),
    );
    assert!(
        out.contains("baza nie wygląda na bazę programu subiekt_gt: brak nz__Finanse")
            && out.contains("→ sprawdź, czy połączenie wskazuje bazę firmy"),
        "{out}"
    );
    std::fs::remove_file(&empty).ok();
    std::fs::remove_dir_all(s.config.parent().unwrap()).ok();

    // A login the database refuses (PostgreSQL: a role that does not exist).
    let cs = inkaso_testkit::odbc::pg_odbc_connection_string()
        .split(';')
        .filter(|p| {
            let p = p.trim().to_ascii_lowercase();
            !p.starts_with("uid=") && !p.starts_with("pwd=")
        })
        .collect::<Vec<_>>()
        .join(";");
    let out = refused(
        &s,
        &with(
            normal(),
            &[
                "--connection-string",
                &cs,
                "--user",
                "nie_ma_takiej_roli",
                "--no-password",
            ],
        ),
    );
    assert!(
        out.contains("✗ połączenie z bazą ERP nie działa")
            && out.contains("nie_ma_takiej_roli")
            && out.contains("→ sprawdź nazwę serwera, bazę, użytkownika i hasło"),
        "{out}"
    );

    // A wrong token: the cloud refuses it before anything is written.
    let bad_token = s.token_file.with_file_name("zly-token.txt");
    std::fs::write(&bad_token, "inka_zly").unwrap();
    let ready = [
        "--connection-string",
        &s.connection_string,
        "--no-password",
        "--no-markers",
    ];
    let out = refused(
        &s,
        &with(
            with(base_args(&s, &bad_token, true), &ready),
            &["--lang", "en"],
        ),
    );
    assert!(
        out.contains("✗ cloud") && out.contains("→ create a new agent token"),
        "{out}"
    );

    // Plain http without the explicit allowance: refused, naming the rule.
    let out = refused(&s, &with(base_args(&s, &s.token_file, false), &ready));
    assert!(out.contains("https://"), "{out}");

    // Unattended and a question without its flag: the flag is named.
    let config = s.config.display().to_string();
    let (ok, out) = setup(&["--config", &config, "--profile", "subiekt_gt", "--yes"]);
    assert!(!ok && out.contains("podaj --driver"), "{out}");
}

/// A person at the terminal: the questions the flags do not answer are asked, and the answers
/// typed at them (arrow-free: Enter takes the first program, space ticks the first marker) lead
/// to the same configuration and the first sync.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_answers_the_questions_in_a_terminal() {
    let s = site().await;
    let mut cmd = Command::new(BIN);
    cmd.args([
        "--lang",
        "pl",
        "setup",
        "--config",
        &s.config.display().to_string(),
        "--connection-string",
        &s.connection_string,
        "--allow-insecure-http",
        "--service",
        "none",
    ]);
    let url = s.h.cloud_url();
    let token = s.h.token.clone();
    // rexpect blocks: it runs beside the cloud's runtime, on its own thread. It reads the
    // terminal byte by byte (Polish letters come out mangled), so it waits for ASCII parts.
    let transcript = tokio::task::spawn_blocking(move || {
        let mut p = rexpect::session::spawn_command(cmd, Some(30_000)).unwrap();
        // A prompt is drawn before it reads the keyboard (and switching the terminal to raw
        // mode drops what was typed before): type a moment after it appears, as a person does.
        let answer = |p: &mut rexpect::session::PtySession, wait_for: &str, keys: &[&str]| {
            p.exp_string(wait_for).unwrap();
            #[allow(clippy::disallowed_methods)]
            // rexpect blocks this thread anyway; no clock to inject
            std::thread::sleep(std::time::Duration::from_millis(300));
            for k in keys {
                p.send(k).unwrap();
                p.flush().unwrap();
            }
        };
        answer(&mut p, "(wapro_mag)", &["\r"]);
        answer(&mut p, "bazy (puste", &["\r"]);
        answer(&mut p, "Enter zatwierdza", &[" ", "\r"]);
        answer(&mut p, "Adres chmury", &[&url, "\r"]);
        answer(&mut p, "Token agenta", &[&token, "\r"]);
        answer(&mut p, "to do chmury", &["y"]);
        p.exp_string("Gotowe.").unwrap();
        p.exp_eof().unwrap()
    })
    .await
    .unwrap();
    let text = std::fs::read_to_string(&s.config).unwrap();
    assert!(
        text.contains("profile = \"subiekt_gt\""),
        "{text}\n{transcript}"
    );
    assert!(
        text.contains("debtor_flag_ids = [7]"),
        "{text}\n{transcript}"
    );
    assert!(
        !text.contains(&s.h.token),
        "the token stays out of agent.toml"
    );
    assert_eq!(mode(&s.config), 0o600);
    assert!(!s.h.cloud_open().await.unwrap().is_empty(), "{transcript}");
}
