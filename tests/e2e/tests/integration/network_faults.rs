//! The agent through a hostile network: connections dropped, delayed, answered 500, requests
//! cut mid-body, responses cut after the cloud applied the batch. The sync converges, the cloud
//! ends equal to the ERP, and nothing is applied twice.

// Tests may unwrap and run long: a panic here is a clear failure, not a crash in front of a user.
#![allow(clippy::unwrap_used, clippy::too_many_lines)]

use std::sync::atomic::Ordering;
use std::time::Duration;

use inkaso_agent::sync::cycle::CycleOptions;
use inkaso_agent::sync::ship::RetryPolicy;
use inkaso_connectors::ProfileKind;
use inkaso_e2e::Harness;
use inkaso_e2e::proxy::{FaultPlan, FaultProxy};

/// Cycles until one succeeds; each failure leaves the outbox for the next (bounded).
async fn converge(h: &Harness, url: &str, options: &CycleOptions) {
    for _ in 0..200 {
        match h.sync_via(url, options).await {
            Ok(_) => return,
            // A divergence would mean the cloud and the agent disagree on history.
            Err(e) => assert!(!e.to_string().contains("pełna synchronizacja"), "{e}"),
        }
    }
    panic!("the sync did not converge in 200 cycles");
}

#[tokio::test]
async fn converges_through_faults_without_duplicates() {
    inkaso_testkit::require_odbc_driver("SQLite3");
    let dir = tempfile::tempdir().unwrap();
    let h = Harness::start(
        dir.path(),
        ProfileKind::SubiektGt,
        "2026-11-02T07:00:00Z".parse().unwrap(),
    )
    .await
    .unwrap();
    // A failing seed can be replayed: INKASO_FAULT_SEED=<n>.
    let seed = std::env::var("INKASO_FAULT_SEED").map_or(7, |s| s.parse().unwrap());
    let proxy = FaultProxy::start(h.cloud_addr().unwrap(), FaultPlan::hostile(seed))
        .await
        .unwrap();
    let options = CycleOptions {
        // Small batches: many requests, many chances for a fault between apply and ack.
        batch_ops: 2,
        force_full: false,
        retry: RetryPolicy {
            min_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(20),
            max_retries: 3,
        },
    };

    converge(&h, &proxy.url(), &options).await;
    assert_eq!(h.cloud_open().await.unwrap(), h.erp_open().unwrap());

    // A full payment, a new invoice, and 25 rounds of 1 zł paid on FS 10/2024 (150,00 zł),
    // each synced through the faults: every payment must be recorded exactly once.
    h.erp_execute(
        "UPDATE nz__Finanse SET nzf_WartoscWaluta = 0, nzf_Wartosc = 0 WHERE nzf_Id = 1;
         CREATE TEMP TABLE nowa AS SELECT * FROM nz__Finanse WHERE nzf_Id = 15;
         UPDATE nowa SET nzf_Id = 900, nzf_IdDokumentAuto = NULL, nzf_NumerPelny = 'FS 900/2024';
         INSERT INTO nz__Finanse SELECT * FROM nowa;",
    )
    .unwrap();
    for _ in 0..25 {
        h.erp_execute(
            "UPDATE nz__Finanse SET nzf_WartoscWaluta = nzf_WartoscWaluta - 1,
                    nzf_Wartosc = nzf_Wartosc - 1 WHERE nzf_Id = 15;",
        )
        .unwrap();
        converge(&h, &proxy.url(), &options).await;
    }

    // The network heals: one more cycle has nothing left to say.
    proxy.set_faults(false);
    let calm = h.sync_via(&proxy.url(), &options).await.unwrap();
    assert_eq!(calm.diff.ops(), 0, "{:?}", calm.diff);
    assert_eq!(calm.shipped.batches, 0);

    assert_eq!(h.cloud_open().await.unwrap(), h.erp_open().unwrap());
    assert!(
        h.cloud_documents_opened_twice().await.unwrap().is_empty(),
        "a batch was applied twice"
    );
    let payments = h.cloud_payments().await.unwrap();
    assert_eq!(
        payments.get("15"),
        Some(&2_500),
        "25 payments of 1 zł: {payments:?}"
    );
    assert_eq!(
        h.cloud_closed().await.unwrap().get("1").map(String::as_str),
        Some("paid")
    );
    let faulted = proxy.counts.faulted.load(Ordering::Relaxed);
    assert!(
        faulted >= 10,
        "the proxy must actually have interfered: {faulted} faults"
    );
    h.stop().await.unwrap();
}

#[tokio::test]
async fn cloud_down_then_delivered_exactly_once() {
    inkaso_testkit::require_odbc_driver("SQLite3");
    let dir = tempfile::tempdir().unwrap();
    let h = Harness::start(
        dir.path(),
        ProfileKind::SubiektGt,
        "2026-11-02T07:00:00Z".parse().unwrap(),
    )
    .await
    .unwrap();
    let down = FaultPlan {
        seed: 1,
        drop_pct: 100,
        delay_pct: 0,
        error_pct: 0,
        cut_request_pct: 0,
        cut_response_pct: 0,
    };
    let proxy = FaultProxy::start(h.cloud_addr().unwrap(), down)
        .await
        .unwrap();
    let options = CycleOptions {
        batch_ops: 3,
        force_full: false,
        retry: RetryPolicy {
            min_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
            max_retries: 2,
        },
    };

    // The cloud is unreachable: the cycle fails with a transient error and records it.
    let err = h.sync_via(&proxy.url(), &options).await.unwrap_err();
    assert!(err.to_string().contains("niedostępna"), "{err}");
    let state = inkaso_agent::state::State::open(&h.state_path())
        .await
        .unwrap();
    let last_error = state
        .meta(inkaso_agent::state::keys::LAST_ERROR)
        .await
        .unwrap();
    assert!(last_error.is_some_and(|e| e.contains("niedostępna")));
    drop(state);
    assert!(h.cloud_open().await.unwrap().is_empty());

    // It comes back: everything arrives, once.
    proxy.set_faults(false);
    let report = h.sync_via(&proxy.url(), &options).await.unwrap();
    assert_eq!(report.shipped.replays, 0);
    assert_eq!(h.cloud_open().await.unwrap(), h.erp_open().unwrap());
    assert!(h.cloud_documents_opened_twice().await.unwrap().is_empty());
    let again = h.sync_via(&proxy.url(), &options).await.unwrap();
    assert_eq!(again.diff.ops(), 0);
    h.stop().await.unwrap();
}
