//! Results back (R-A6): the feed is pulled by cursor, reports are regenerated idempotently, and
//! the firm's write-back statement inserts into a real ERP database through the SQLite3 ODBC
//! driver, retrying what failed.

// Tests may unwrap and run long: a panic here is a clear failure, not a crash in front of a user.
#![allow(clippy::unwrap_used, clippy::too_many_lines)]

use std::sync::Mutex;

use chrono::{DateTime, NaiveDate, Utc};
use inkaso_agent::cloud::{CloudApi, CloudError};
use inkaso_agent::results::{self, Statement, WriteBack};
use inkaso_agent::state::State;
use inkaso_agent::sync::ship::RetryPolicy;
use inkaso_connectors::ConnectionSettings;
use inkaso_shared::ExternalId;
use inkaso_shared::protocol::{
    AgentConfig, BatchAck, Exclusions, Heartbeat, HeartbeatAck, ResultEvent, ResultItem,
    ResultsPage,
};

/// A results feed in memory; records the cursors the agent acknowledged.
struct Feed {
    items: Vec<ResultItem>,
    acked: Mutex<Vec<Option<String>>>,
}

impl CloudApi for Feed {
    async fn config(&self) -> Result<AgentConfig, CloudError> {
        Ok(AgentConfig {
            protocol: 1,
            exclusions: Exclusions::default(),
            sync_interval_minutes: 15,
            full_reconcile_hours: 24,
            next_seq: 1,
        })
    }
    async fn send_batch(&self, _: Vec<u8>) -> Result<BatchAck, CloudError> {
        unreachable!("this test sends nothing")
    }
    async fn results(&self, after: Option<String>, limit: u32) -> Result<ResultsPage, CloudError> {
        self.acked.lock().unwrap().push(after.clone());
        let start = after.map_or(0, |a| a.parse::<usize>().unwrap());
        let items: Vec<_> = self
            .items
            .iter()
            .skip(start)
            .take(limit as usize)
            .cloned()
            .collect();
        let next = start + items.len();
        Ok(ResultsPage {
            items,
            next_cursor: next.to_string(),
            has_more: next < self.items.len(),
        })
    }
    async fn heartbeat(&self, _: Heartbeat) -> Result<HeartbeatAck, CloudError> {
        unreachable!()
    }
}

fn id(s: &str) -> ExternalId {
    ExternalId::new(s).unwrap()
}

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    format!("2026-11-{day:02}T{hour:02}:00:00Z")
        .parse()
        .unwrap()
}

fn feed(n: usize) -> Vec<ResultItem> {
    (0..n)
        .map(|i| {
            let event = match i % 3 {
                0 => ResultEvent::Action {
                    action_id: format!("a{i}"),
                    debtor_external_id: id("K1"),
                    document_external_ids: vec![id("D1"), id("D2")],
                    stage: "SMS1".into(),
                    channel: "sms".into(),
                    status: "sent".into(),
                    provider_id: Some(format!("smsapi-{i}")),
                    description: "Przypomnienie o płatności".into(),
                    automatic: true,
                    cost_minor: Some(16),
                },
                1 => ResultEvent::PromiseToPay {
                    debtor_external_id: id("K2"),
                    document_external_ids: vec![id("D7")],
                    until: NaiveDate::from_ymd_opt(2026, 12, 5).unwrap(),
                    // A note typed by a person may look like a formula (issue 13).
                    note: Some(if i == 7 {
                        "=HYPERLINK(\"x\")".into()
                    } else {
                        "zapłaci po wypłacie".into()
                    }),
                },
                _ => ResultEvent::SalesBlock {
                    debtor_external_id: id("K3"),
                    blocked: true,
                    reason: "zaległość ponad 30 dni".into(),
                },
            };
            ResultItem {
                cursor: (i + 1).to_string(),
                at: at(20 + u32::try_from(i % 2).unwrap(), 9),
                event,
            }
        })
        .collect()
}

#[tokio::test]
async fn results_are_pulled_reported_and_written_back() {
    inkaso_testkit::require_odbc_driver("SQLite3");
    let dir = tempfile::tempdir().unwrap();
    let state = State::open(&dir.path().join("agent.db")).await.unwrap();
    let cloud = Feed {
        items: feed(1_203),
        acked: Mutex::new(Vec::new()),
    };

    // Pulled in pages of 500; each request acknowledges the previous page.
    assert_eq!(
        results::pull(&state, &cloud, &RetryPolicy::default())
            .await
            .unwrap(),
        1_203
    );
    assert_eq!(
        *cloud.acked.lock().unwrap(),
        [None, Some("500".to_owned()), Some("1000".to_owned())]
    );
    // Nothing new: one request acknowledging everything, nothing stored twice.
    assert_eq!(
        results::pull(&state, &cloud, &RetryPolicy::default())
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        cloud.acked.lock().unwrap().last().unwrap().as_deref(),
        Some("1203")
    );
    let newest = results::latest(&state, 2).await.unwrap();
    assert_eq!(newest[0].cursor, "1203");

    // Reports: one JSONL and one CSV per day, regenerated whole (same bytes when rewritten).
    let reports = dir.path().join("raporty");
    assert_eq!(
        results::write_reports(&state, &reports).await.unwrap(),
        1_203
    );
    let day20 = std::fs::read_to_string(reports.join("wyniki-2026-11-20.jsonl")).unwrap();
    assert_eq!(day20.lines().count(), 602);
    let csv = std::fs::read_to_string(reports.join("wyniki-2026-11-21.csv")).unwrap();
    // For Polish Excel: a byte-order mark, `;`, and a formula-like note kept as text.
    assert!(csv.starts_with("\u{feff}cursor;at;kind;debtor_external_id;document_external_ids;"));
    assert!(
        csv.contains("promise_to_pay;K2;D7;;;2026-12-05;zapłaci po wypłacie"),
        "{}",
        &csv[..400]
    );
    assert!(
        csv.contains("promise_to_pay;K2;D7;;;2026-12-05;\"'=HYPERLINK(\"\"x\"\")\""),
        "{}",
        &csv[..800]
    );
    assert!(!csv.contains(";=HYPERLINK"));
    assert_eq!(results::write_reports(&state, &reports).await.unwrap(), 0);

    // Write-back into an ERP table through the real ODBC driver.
    let erp = dir.path().join("erp.db");
    let settings = ConnectionSettings {
        connection_string: Some(format!("Driver={{SQLite3}};Database={}", erp.display())),
        ..ConnectionSettings::default()
    };
    let mut config = WriteBack::default();
    config.statements.insert(
        "action".into(),
        Statement {
            sql: "INSERT INTO inkaso_wyniki (kursor, kontrahent, kanal, status, opis) VALUES (?, ?, ?, ?, ?)".into(),
            params: ["cursor", "debtor_external_id", "channel", "status", "description"].map(String::from).to_vec(),
        },
    );
    config.statements.insert(
        "sales_block".into(),
        Statement {
            sql: "UPDATE kontrahent SET blokada = 1 WHERE id = ?".into(),
            params: vec!["debtor_external_id".into()],
        },
    );

    // The table does not exist yet: every write fails, is recorded, and nothing is lost.
    let first = results::write_back(&state, &settings, &config)
        .await
        .unwrap();
    assert_eq!((first.written, first.failed, first.skipped), (0, 802, 401));
    let (_, _, pending, errors) = results::counts(&state).await.unwrap();
    assert_eq!(pending, 802);
    assert!(
        errors.iter().any(|e| e.contains("inkaso_wyniki")),
        "{errors:?}"
    );

    let conn = settings.connect().unwrap();
    conn.execute("CREATE TABLE inkaso_wyniki (kursor TEXT PRIMARY KEY, kontrahent TEXT, kanal TEXT, status TEXT, opis TEXT)", (), None).unwrap();
    conn.execute(
        "CREATE TABLE kontrahent (id TEXT PRIMARY KEY, blokada INTEGER)",
        (),
        None,
    )
    .unwrap();
    conn.execute("INSERT INTO kontrahent VALUES ('K3', 0)", (), None)
        .unwrap();
    drop(conn);

    let second = results::write_back(&state, &settings, &config)
        .await
        .unwrap();
    assert_eq!((second.written, second.failed), (802, 0));
    let third = results::write_back(&state, &settings, &config)
        .await
        .unwrap();
    assert_eq!(
        third.written + third.failed,
        0,
        "each result is written once"
    );

    let rows = inkaso_connectors::connection::query_text(
        &settings.connect().unwrap(),
        "SELECT COUNT(*), MIN(opis) FROM inkaso_wyniki",
        10,
    )
    .unwrap();
    assert_eq!(rows[0][0].as_deref(), Some("401"));
    assert_eq!(rows[0][1].as_deref(), Some("Przypomnienie o płatności"));
    let rows = inkaso_connectors::connection::query_text(
        &settings.connect().unwrap(),
        "SELECT blokada FROM kontrahent WHERE id = 'K3'",
        10,
    )
    .unwrap();
    assert_eq!(rows[0][0].as_deref(), Some("1"));
}

#[test]
fn write_back_config_errors_name_the_key() {
    let mut config = WriteBack::default();
    config.statements.insert(
        "action".into(),
        Statement {
            sql: "INSERT INTO t VALUES (?)".into(),
            params: vec!["kwota".into()],
        },
    );
    let err = config.validate().unwrap_err().to_string();
    assert!(
        err.contains("results.write_back.statements.action.params") && err.contains("kwota"),
        "{err}"
    );

    let mut config = WriteBack::default();
    config.statements.insert(
        "action".into(),
        Statement {
            sql: "INSERT INTO t VALUES (?, ?)".into(),
            params: vec!["cursor".into()],
        },
    );
    assert!(
        config
            .validate()
            .unwrap_err()
            .to_string()
            .contains("2 znaków ?")
    );

    let mut config = WriteBack::default();
    config.statements.insert(
        "payment".into(),
        Statement {
            sql: String::new(),
            params: vec![],
        },
    );
    assert!(
        config
            .validate()
            .unwrap_err()
            .to_string()
            .contains("results.write_back.statements.payment")
    );
}
