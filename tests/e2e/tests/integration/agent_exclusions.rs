//! Exclusions that arrive after data was sent: a debtor flagged "Nie windykować" in the ERP, and
//! a debtor excluded in the cloud (portal). Either way its documents close as `excluded` —
//! never as `paid`, which statistics would count — and the debtor is removed from the cloud.

// Tests may unwrap and run long: a panic here is a clear failure, not a crash in front of a user.
#![allow(clippy::unwrap_used, clippy::too_many_lines)]

use inkaso_agent::sync::cycle::CycleOptions;
use inkaso_cloud::store::query::NewExclusion;
use inkaso_connectors::{ConnectorConfig, ProfileKind};
use inkaso_e2e::Harness;
use sqlx::Row;

async fn debtor_removed(h: &Harness, external_id: &str) -> bool {
    let row = sqlx::query(
        "SELECT removed FROM debtors WHERE tenant_id = $1 AND agent_id = $2 AND external_id = $3",
    )
    .bind(h.tenant.as_str())
    .bind(h.agent.as_str())
    .bind(external_id)
    .fetch_one(h.store.pool())
    .await
    .unwrap();
    row.get::<i64, _>(0) == 1
}

#[tokio::test]
async fn exclusions_close_as_excluded_and_remove_the_debtor() {
    inkaso_testkit::require_odbc_driver("SQLite3");
    let dir = tempfile::tempdir().unwrap();
    let erp_dir = dir.path().join("erp");
    let connection = inkaso_sample_erp::create_sample_db(ProfileKind::SubiektGt, &erp_dir).unwrap();
    let mut connector = ConnectorConfig {
        connection,
        ..ConnectorConfig::default()
    };
    connector.profile.kind = Some(ProfileKind::SubiektGt);
    connector.profile.debtor_flag_ids = vec![7];
    connector.profile.document_flag_ids = vec![8];
    let now = "2026-11-02T07:00:00Z".parse().unwrap();
    let h = Harness::start_with(dir.path(), connector, now)
        .await
        .unwrap();
    let options = CycleOptions::default();

    h.sync(&options).await.unwrap();
    let open = h.cloud_open().await.unwrap();
    assert_eq!(open, h.erp_open().unwrap());
    let kowalski: Vec<String> = ["2", "12", "22"].map(String::from).to_vec();
    assert!(kowalski.iter().all(|d| open.contains_key(d)), "{open:?}");

    // The firm flags Jan Kowalski (debtor 2) "Nie windykować" in Subiekt GT.
    h.erp_execute("INSERT INTO fl_Wartosc (flw_IdGrupyFlag, flw_TypObiektu, flw_IdObiektu, flw_IdFlagi) VALUES (3, 1, 2, 7);")
        .unwrap();
    let flagged = h.sync(&options).await.unwrap();
    assert_eq!(
        (flagged.diff.closed_excluded, flagged.diff.closed_paid),
        (3, 0),
        "{:?}",
        flagged.diff
    );
    assert_eq!(flagged.diff.debtors_removed, 1);
    let closed = h.cloud_closed().await.unwrap();
    for d in &kowalski {
        assert_eq!(
            closed.get(d).map(String::as_str),
            Some("excluded"),
            "{d}: {closed:?}"
        );
    }
    assert!(debtor_removed(&h, "2").await);
    assert!(
        h.cloud_payments()
            .await
            .unwrap()
            .keys()
            .all(|d| !kowalski.contains(d)),
        "an exclusion is not a payment"
    );

    // The client excludes debtor 5 in the portal; the agent enforces it on its next cycle.
    h.store
        .create_exclusion(
            &h.tenant,
            &NewExclusion {
                kind: "debtor_external_id".into(),
                value: "5".into(),
                amount_minor: None,
            },
            "test",
            now,
        )
        .await
        .unwrap();
    let portal = h.sync(&options).await.unwrap();
    assert_eq!(
        (portal.diff.closed_excluded, portal.diff.closed_paid),
        (2, 0),
        "{:?}",
        portal.diff
    );
    let closed = h.cloud_closed().await.unwrap();
    for d in ["9", "10"] {
        assert_eq!(
            closed.get(d).map(String::as_str),
            Some("excluded"),
            "{d}: {closed:?}"
        );
    }
    assert!(debtor_removed(&h, "5").await);
    assert_eq!(
        h.cloud_open().await.unwrap(),
        h.erp_open_with_cloud_exclusions().await
    );
    h.stop().await.unwrap();
}
