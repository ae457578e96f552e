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
