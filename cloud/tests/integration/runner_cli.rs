//! `inkaso-cloud process set|list` and `inkaso-cloud run --as-of` as an operator uses them, on
//! a SQLite file: the process goes in from JSON, the one-default rule shows, and one tick on
//! demand prints what it sent (test mode) and what it held (no live channel configured); a
//! real `run` process killed with SIGKILL mid-dispatch, then run again, sends nothing twice.

#![allow(clippy::unwrap_used, clippy::too_many_lines)]

use inkaso_cloud::domain::ids::AgentId;
use inkaso_cloud::store::TenantScope;
use std::process::Command;

use chrono::{DateTime, Utc};
use inkaso_cloud::store::accounts::{AgentPrincipal, TenantKind};
use inkaso_cloud::store::ingest::BatchOutcome;
use inkaso_cloud::store::processes::CollectionSettings;
use inkaso_cloud::store::query::ConsentChange;
use inkaso_cloud::store::{Store, sqlite_url};
use inkaso_shared::protocol::Batch;
use serde_json::json;
use sqlx::Row as _;

fn cli(url: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_inkaso-cloud"))
        .arg("--database-url")
        .arg(url)
        .args(args)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

const PROCESS: &str = r#"{"code": "STD", "name": "Standardowy", "stages": [
  {"code": "S-3", "name": "Przypomnienie SMS", "channel": "sms", "offset_days": -3, "template": "sms-przed", "grouping": "per_document"},
  {"code": "E0", "name": "E-mail w dniu terminu", "channel": "email", "offset_days": 0, "template": "email-termin"}
]}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn process_set_list_and_run_as_of() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(&dir.path().join("inkaso.db"));
    let store = Store::open(&url, 2).await.unwrap();
    let now = at("2026-03-30T09:00:00Z");
    let t = store
        .create_tenant(TenantKind::Client, "Hurtownia", now)
        .await
        .unwrap();
    let scope = TenantScope::operator(t.id.clone());
    let a = store.create_agent(&scope, "ERP", "cli", now).await.unwrap();
    let agent = AgentPrincipal {
        tenant: scope.clone(),
        tenant_name: t.name.clone(),
        agent: AgentId::new(a.id.clone()),
        agent_name: "ERP".into(),
    };
    let ops = json!([
        {"op": "upsert_debtor", "debtor": {"external_id": "KH-1", "kind": "company", "name": "Firma",
         "email": "biuro@firma.pl", "phone": "+48601234567", "address": null}},
        {"op": "upsert_document", "document": {"external_id": "FV-1", "debtor_external_id": "KH-1",
         "number": "FS 1/2026", "issue_date": "2026-03-01", "due_date": "2026-04-02",
         "amount_minor": 100_000, "remaining_minor": 100_000, "currency": "PLN"}}
    ]);
    let batch = Batch {
        protocol: 1,
        seq: 1,
        ops: serde_json::from_value(ops).unwrap(),
    };
    assert!(matches!(
        store.apply_batch(&agent, &batch, now).await.unwrap(),
        BatchOutcome::Applied(..)
    ));
    let debtor_id: String = sqlx::query("SELECT debtor_id FROM debtors WHERE tenant_id = $1")
        .bind(&t.id)
        .fetch_one(store.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    let consent = ConsentChange {
        channel: "sms",
        consent: true,
        source: "portal",
        actor: "test",
        basis: None,
    };
    store
        .set_consent(&scope, &debtor_id, &consent, now)
        .await
        .unwrap();

    // A process from a file; the first one becomes the default.
    let file = dir.path().join("std.json");
    std::fs::write(&file, PROCESS).unwrap();
    let (ok, out) = cli(
        &url,
        &[
            "process",
            "set",
            "--tenant",
            t.id.as_str(),
            "--file",
            file.to_str().unwrap(),
        ],
    );
    assert!(ok, "{out}");
    assert!(out.contains("STD [domyślny]"), "{out}");
    // An invalid one is refused naming the field.
    let bad = dir.path().join("bad.json");
    std::fs::write(
        &bad,
        PROCESS.replace("\"offset_days\": 0", "\"offset_days\": 99999"),
    )
    .unwrap();
    let (ok, out) = cli(
        &url,
        &[
            "process",
            "set",
            "--tenant",
            t.id.as_str(),
            "--file",
            bad.to_str().unwrap(),
        ],
    );
    assert!(!ok);
    assert!(out.contains("stages[1].offset_days"), "{out}");
    let (ok, out) = cli(&url, &["process", "list", "--tenant", t.id.as_str()]);
    assert!(ok, "{out}");
    assert!(
        out.contains("S-3") && out.contains("-3 dni") && out.contains("email"),
        "{out}"
    );

    // Outside test mode no SMS adapter is configured in the command line: held, with why.
    let (ok, out) = cli(
        &url,
        &["run", "--tenant", t.id.as_str(), "--as-of", "2026-03-30"],
    );
    assert!(ok, "{out}");
    assert!(
        out.contains("wstrzymano") && out.contains("STD/S-3/doc/FV-1/0"),
        "{out}"
    );
    assert!(out.contains("nie jest skonfigurowany"), "{out}");
    // In test mode the same action is recorded as sent, once.
    let settings = CollectionSettings {
        test_mode: true,
        ..Default::default()
    };
    store
        .set_collection_settings(&scope, &settings, now)
        .await
        .unwrap();
    // (A held action is looked at again from the next minute.)
    let (ok, out) = cli(
        &url,
        &[
            "run",
            "--tenant",
            t.id.as_str(),
            "--as-of",
            "2026-03-30T10:05:00Z",
        ],
    );
    assert!(ok, "{out}");
    assert!(
        out.contains("wysłano") && out.contains("STD/S-3/doc/FV-1/0"),
        "{out}"
    );
    let (ok, out) = cli(
        &url,
        &[
            "run",
            "--tenant",
            t.id.as_str(),
            "--as-of",
            "2026-03-30T10:06:00Z",
        ],
    );
    assert!(ok, "{out}");
    assert!(!out.contains("STD/S-3/doc/FV-1/0"), "nothing twice: {out}");
    let sent: i64 =
        sqlx::query("SELECT COUNT(*) FROM actions WHERE tenant_id = $1 AND status = 'sent'")
            .bind(&t.id)
            .fetch_one(store.pool())
            .await
            .unwrap()
            .try_get(0)
            .unwrap();
    assert_eq!(sent, 1);
    // A stale agent: on the due date, Thursday 2 April, the due-date e-mail is held.
    let (ok, out) = cli(
        &url,
        &["run", "--tenant", t.id.as_str(), "--as-of", "2026-04-02"],
    );
    assert!(ok, "{out}");
    assert!(out.contains("limit 24 h"), "{out}");
    let (ok, out) = cli(
        &url,
        &["run", "--tenant", t.id.as_str(), "--as-of", "yesterday"],
    );
    assert!(!ok && out.contains("--as-of"), "{out}");
}

/// A real `inkaso-cloud run` talking to the SMSAPI simulator is killed (SIGKILL) after SMSAPI
/// took its first message and before the answer arrived. A second run after the claims' lease
/// dispatches the same keys: SMSAPI refuses the repeated `idx` (error 53), the action is recorded
/// as sent, and each debtor got exactly one SMS.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_killed_mid_dispatch_sends_nothing_twice() {
    use inkaso_shared::SystemClock;
    use inkaso_simulators::smsapi::{SimConfig, SmsapiSimulator};

    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(&dir.path().join("inkaso.db"));
    let store = Store::open(&url, 2).await.unwrap();
    let now = at("2026-04-01T08:00:00Z");
    let t = store
        .create_tenant(TenantKind::Client, "Hurtownia", now)
        .await
        .unwrap();
    let scope = TenantScope::operator(t.id.clone());
    let a = store.create_agent(&scope, "ERP", "cli", now).await.unwrap();
    let agent = AgentPrincipal {
        tenant: scope.clone(),
        tenant_name: t.name.clone(),
        agent: AgentId::new(a.id.clone()),
        agent_name: "ERP".into(),
    };
    let mut ops = Vec::new();
    for i in 1..=3 {
        ops.push(json!({"op": "upsert_debtor", "debtor": {"external_id": format!("KH-{i}"), "kind": "company",
            "name": format!("Firma {i}"), "email": null, "phone": format!("+4860123456{i}"), "address": null}}));
        ops.push(json!({"op": "upsert_document", "document": {"external_id": format!("FV-{i}"),
            "debtor_external_id": format!("KH-{i}"), "number": format!("FS {i}/2026"), "issue_date": "2026-03-01",
            "due_date": "2026-04-01", "amount_minor": 100_000, "remaining_minor": 100_000, "currency": "PLN"}}));
    }
    let batch = Batch {
        protocol: 1,
        seq: 1,
        ops: serde_json::from_value(serde_json::Value::Array(ops)).unwrap(),
    };
    assert!(matches!(
        store.apply_batch(&agent, &batch, now).await.unwrap(),
        BatchOutcome::Applied(..)
    ));
    let ids: Vec<String> = sqlx::query("SELECT debtor_id FROM debtors WHERE tenant_id = $1")
        .bind(&t.id)
        .fetch_all(store.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get(0).unwrap())
        .collect();
    for id in &ids {
        let consent = ConsentChange {
            channel: "sms",
            consent: true,
            source: "portal",
            actor: "test",
            basis: None,
        };
        store.set_consent(&scope, id, &consent, now).await.unwrap();
    }
    let process = serde_json::from_value(
        json!({"code": "SMS", "name": "SMS", "is_default": true, "stages": [
        {"code": "S0", "name": "SMS w dniu terminu", "channel": "sms", "offset_days": 0,
         "template": "sms-termin", "grouping": "per_document"}]}),
    )
    .unwrap();
    store.put_process(&scope, process, now).await.unwrap();

    let sim = SmsapiSimulator::start(SimConfig::default(), std::sync::Arc::new(SystemClock))
        .await
        .unwrap();
    let config = dir.path().join("channels.toml");
    std::fs::write(
        &config,
        format!(
            "[smsapi]\nurl = \"{}\"\nbackup_url = \"\"\ntoken_env = \"INKASO_TEST_SMSAPI_TOKEN\"\nsender = \"Inkaso\"\n",
            sim.base_url()
        ),
    )
    .unwrap();
    let run = |as_of: &str| {
        let mut c = tokio::process::Command::new(env!("CARGO_BIN_EXE_inkaso-cloud"));
        c.arg("--database-url")
            .arg(&url)
            .args([
                "run",
                "--tenant",
                t.id.as_str(),
                "--as-of",
                as_of,
                "--channels-config",
            ])
            .arg(&config)
            .env("INKASO_TEST_SMSAPI_TOKEN", "test-token")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true);
        c
    };

    // The first run: SMSAPI takes the first SMS and holds its answer; the run is killed then.
    sim.hold_responses(std::time::Duration::from_secs(120));
    let mut child = run("2026-04-01").spawn().unwrap();
    let mut waited = 0;
    while sim.messages().is_empty() {
        assert!(waited < 600, "the run never reached SMSAPI");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        waited += 1;
    }
    child.start_kill().unwrap();
    let status = child.wait().await.unwrap();
    assert!(!status.success(), "killed: {status:?}");
    assert_eq!(sim.messages().len(), 1);
    let claimed: i64 =
        sqlx::query("SELECT COUNT(*) FROM actions WHERE tenant_id = $1 AND status = 'claimed'")
            .bind(&t.id)
            .fetch_one(store.pool())
            .await
            .unwrap()
            .try_get(0)
            .unwrap();
    assert!(claimed >= 1, "the dead run left its claims");

    // The second run, after the 10-minute lease (12:00 Warsaw is 10:00 UTC on that day).
    sim.hold_responses(std::time::Duration::ZERO);
    let out = run("2026-04-01T10:15:00Z").output().await.unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}");
    let messages = sim.messages();
    let mut numbers: Vec<&str> = messages.iter().map(|m| m.number.as_str()).collect();
    numbers.sort_unstable();
    assert_eq!(
        numbers,
        vec!["48601234561", "48601234562", "48601234563"],
        "one SMS per debtor: {text}"
    );
    assert_eq!(sim.counters().errors.get(&53), Some(&1), "{text}");
    let sent: i64 =
        sqlx::query("SELECT COUNT(*) FROM actions WHERE tenant_id = $1 AND status = 'sent'")
            .bind(&t.id)
            .fetch_one(store.pool())
            .await
            .unwrap()
            .try_get(0)
            .unwrap();
    assert_eq!(sent, 3, "{text}");
}
