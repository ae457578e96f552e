//! The agent against the real cloud: a Subiekt GT-shaped ERP through the SQLite3 ODBC driver,
//! the cloud on SQLite over HTTP on loopback. After every step the cloud holds exactly what the
//! ERP holds open, with no duplicates, and payments are recorded as payments.

// Tests may unwrap and run long: a panic here is a clear failure, not a crash in front of a user.
#![allow(clippy::unwrap_used, clippy::too_many_lines)]

use chrono::{DateTime, Duration, Utc};
use inkaso_agent::sync::cycle::CycleOptions;
use inkaso_connectors::ProfileKind;
use inkaso_e2e::Harness;

fn start_time() -> DateTime<Utc> {
    "2026-11-02T07:00:00Z".parse().unwrap()
}

async fn assert_equal(h: &Harness) {
    let erp = h.erp_open().unwrap();
    let cloud = h.cloud_open().await.unwrap();
    assert_eq!(
        cloud, erp,
        "the cloud must hold exactly the ERP's unpaid set"
    );
}

#[tokio::test]
async fn sync_follows_the_erp_exactly_once() {
    inkaso_testkit::require_odbc_driver("SQLite3");
    let dir = tempfile::tempdir().unwrap();
    let h = Harness::start(dir.path(), ProfileKind::SubiektGt, start_time())
        .await
        .unwrap();
    let options = CycleOptions::default();

    // First sync: a full reconcile that sends everything.
    let first = h.sync(&options).await.unwrap();
    assert_eq!(first.full_reconcile, Some("first_run"));
    assert!(first.diff.documents_upserted > 5, "{:?}", first.diff);
    assert_eq!(first.shipped.replays, 0);
    assert_equal(&h).await;
    let rows_after_first = h.cloud_document_rows().await.unwrap();

    // Nothing changed in the ERP: nothing is sent.
    h.clock.advance(Duration::minutes(15));
    let idle = h.sync(&options).await.unwrap();
    assert_eq!(idle.full_reconcile, None);
    assert_eq!(idle.diff.ops(), 0, "{:?}", idle.diff);
    assert_eq!(idle.shipped.batches, 0);

    // A partial payment of FS 2/2024 (200,00 → 150,00 zł) and the full payment of FS 1/2024.
    h.erp_execute(
        "UPDATE nz__Finanse SET nzf_WartoscWaluta = 150.00, nzf_Wartosc = 150.00 WHERE nzf_Id = 2;
         UPDATE nz__Finanse SET nzf_WartoscWaluta = 0, nzf_Wartosc = 0 WHERE nzf_Id = 1;",
    )
    .unwrap();
    h.clock.advance(Duration::minutes(15));
    let paid = h.sync(&options).await.unwrap();
    assert_eq!(
        (paid.diff.documents_upserted, paid.diff.closed_paid),
        (1, 1),
        "{:?}",
        paid.diff
    );
    assert_equal(&h).await;
    let payments = h.cloud_payments().await.unwrap();
    assert_eq!(
        payments.get("2"),
        Some(&5_000),
        "200,00 → 150,00 zł is a payment of 50,00 zł: {payments:?}"
    );
    assert!(
        payments.contains_key("1"),
        "a full payment is a payment: {payments:?}"
    );
    assert_eq!(
        h.cloud_closed().await.unwrap().get("1").map(String::as_str),
        Some("paid")
    );

    // A new invoice for an existing debtor.
    h.erp_execute(
        "CREATE TEMP TABLE nowa AS SELECT * FROM nz__Finanse WHERE nzf_Id = 15;
         UPDATE nowa SET nzf_Id = 900, nzf_IdDokumentAuto = NULL, nzf_NumerPelny = 'FS 900/2024';
         INSERT INTO nz__Finanse SELECT * FROM nowa;",
    )
    .unwrap();
    let new_doc = h.sync(&options).await.unwrap();
    assert_eq!(new_doc.diff.documents_upserted, 1, "{:?}", new_doc.diff);
    assert!(h.cloud_open().await.unwrap().contains_key("900"));
    assert_equal(&h).await;

    // The agent's state file is lost: it learns where to continue and reconciles, no duplicates.
    let rows_before_loss = h.cloud_document_rows().await.unwrap();
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", h.state_path().display()));
    }
    let again = h.sync(&options).await.unwrap();
    assert_eq!(again.full_reconcile, Some("first_run"));
    assert_eq!(
        again.shipped.replays, 0,
        "no batch may be taken for a replay"
    );
    assert_equal(&h).await;
    assert_eq!(
        h.cloud_document_rows().await.unwrap(),
        rows_before_loss,
        "no duplicates"
    );
    assert!(rows_after_first <= rows_before_loss);

    h.stop().await.unwrap();
}

/// Issue 13: no single record can stop an agent's sync. A document number with a control
/// character in the ERP is quarantined by the agent naming the field; a record the cloud refuses
/// (here a NUL in a debtor's name, as an older agent could have queued it) is taken out of its
/// batch and quarantined, and everything else of that cycle and the next arrives. On SQLite and
/// on PostgreSQL, which refuses NUL in text.
async fn poison_records_never_stop_the_sync(h: &Harness) {
    use inkaso_shared::protocol::{Batch, Op, PROTOCOL_VERSION};
    use inkaso_shared::records::{Debtor, DebtorKind, ExternalId};
    let options = CycleOptions::default();
    // The sample ERP has bad rows of its own (the quarantine's usual cases).
    let baseline = h.sync(&options).await.unwrap().extraction.rejected;
    assert_equal(h).await;

    // In the ERP: a document whose number carries an escape character, and an ordinary one.
    h.erp_execute(
        "CREATE TEMP TABLE nowa AS SELECT * FROM nz__Finanse WHERE nzf_Id = 15;
         UPDATE nowa SET nzf_Id = 901, nzf_IdDokumentAuto = NULL, nzf_NumerPelny = 'FS' || char(27) || '901/2024';
         INSERT INTO nz__Finanse SELECT * FROM nowa;
         UPDATE nowa SET nzf_Id = 902, nzf_NumerPelny = 'FS 902/2024';
         INSERT INTO nz__Finanse SELECT * FROM nowa;",
    )
    .unwrap();
    // In the agent's outbox: a batch an older agent wrote, with a NUL in a debtor's name.
    let state = sqlx::SqlitePool::connect(&format!("sqlite://{}", h.state_path().display()))
        .await
        .unwrap();
    let next: String = sqlx::query_scalar("SELECT value FROM meta WHERE key = 'next_seq'")
        .fetch_one(&state)
        .await
        .unwrap();
    let seq: u64 = next.parse().unwrap();
    let poisoned = Debtor {
        external_id: ExternalId::new("TRUCIZNA").unwrap(),
        kind: DebtorKind::Company,
        name: "A\u{0}B".into(),
        nip: None,
        email: None,
        phone: None,
        address: None,
    };
    let body = inkaso_agent::state::encode_batch(&Batch {
        protocol: PROTOCOL_VERSION,
        seq,
        ops: vec![Op::UpsertDebtor { debtor: poisoned }],
    })
    .unwrap();
    sqlx::query("INSERT INTO outbox (seq, op_count, body, created_at) VALUES (?1, 1, ?2, '2026-11-02T07:00:00Z')")
        .bind(i64::try_from(seq).unwrap())
        .bind(body)
        .execute(&state)
        .await
        .unwrap();
    sqlx::query("UPDATE meta SET value = ?1 WHERE key = 'next_seq'")
        .bind((seq + 1).to_string())
        .execute(&state)
        .await
        .unwrap();

    h.clock.advance(Duration::minutes(15));
    let report = h.sync(&options).await.unwrap();
    assert_eq!(report.shipped.refused, 1, "{:?}", report.shipped);
    assert_eq!(
        report.extraction.rejected,
        baseline + 1,
        "{:?}",
        report.extraction
    );
    // What the ERP holds open, as the connector reads it (the quarantined row left out).
    let expected = h.erp_open().unwrap();
    assert!(!expected.contains_key("901") && expected.contains_key("902"));
    assert_eq!(h.cloud_open().await.unwrap(), expected);
    let quarantined: Vec<(String, String, String)> =
        sqlx::query_as("SELECT row_key, field, reason FROM quarantine ORDER BY row_key")
            .fetch_all(&state)
            .await
            .unwrap();
    assert!(
        quarantined
            .iter()
            .any(|(k, f, r)| k == "901" && f == "number" && r == "control_character"),
        "{quarantined:?}"
    );
    assert!(
        quarantined
            .iter()
            .any(|(k, f, r)| k == "TRUCIZNA" && f == "upsert_debtor" && r.contains("name")),
        "{quarantined:?}"
    );

    // The next cycle is not stuck either: a payment arrives, the bad row stays quarantined.
    h.erp_execute(
        "UPDATE nz__Finanse SET nzf_WartoscWaluta = 0, nzf_Wartosc = 0 WHERE nzf_Id = 902;",
    )
    .unwrap();
    h.clock.advance(Duration::minutes(15));
    let next = h.sync(&options).await.unwrap();
    assert_eq!(next.extraction.rejected, baseline + 1);
    assert_eq!(next.shipped.refused, 0);
    let expected = h.erp_open().unwrap();
    assert_eq!(h.cloud_open().await.unwrap(), expected);
    assert!(!expected.contains_key("902"));
    state.close().await;
}

#[tokio::test]
async fn poison_records_never_stop_the_sync_sqlite() {
    inkaso_testkit::require_odbc_driver("SQLite3");
    let dir = tempfile::tempdir().unwrap();
    let h = Harness::start(dir.path(), ProfileKind::SubiektGt, start_time())
        .await
        .unwrap();
    poison_records_never_stop_the_sync(&h).await;
    h.stop().await.unwrap();
}

#[tokio::test]
async fn poison_records_never_stop_the_sync_postgres() {
    inkaso_testkit::require_odbc_driver("SQLite3");
    let dir = tempfile::tempdir().unwrap();
    let h = Harness::start_postgres(dir.path(), ProfileKind::SubiektGt, start_time())
        .await
        .unwrap();
    poison_records_never_stop_the_sync(&h).await;
    h.drop_database().await.unwrap();
}
