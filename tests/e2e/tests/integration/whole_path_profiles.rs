//! The demo's whole path on the other sample ERPs, small: a generated Optima, Comarch XL,
//! enova365 or WAPRO Mag database (ISO dates or Clarion day numbers, attached CDN schema or
//! plain tables) → the agent CLI's first sync → 15
//! simulated days with payments posted in that ERP's own tables → at the end the ERP, the
//! agent's snapshot and the cloud hold the same open documents, and the SMS and e-mails the
//! history calls sent reached the providers. `whole_path.rs` asserts every count on Subiekt GT.

// Tests may unwrap: a panic here is a clear failure, not a crash in front of a user.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::Path;

use chrono::Duration;
use inkaso_connectors::ProfileKind;
use inkaso_e2e::whole_path::{Options, WholePath};
use inkaso_shared::{Clock as _, SystemClock};

fn sent(actions: &[inkaso_cloud::store::processes::ActionView], channel: &str) -> usize {
    actions
        .iter()
        .filter(|a| a.channel == channel && a.status == "sent")
        .count()
}

async fn small_whole_path(profile: ProfileKind) {
    inkaso_testkit::require_odbc_driver("SQLite3");
    let dir = tempfile::tempdir().unwrap();
    let now = SystemClock.now();
    let opts = Options {
        dir: dir.path().to_owned(),
        profile,
        debtors: 20,
        settlements: 60,
        first_day: now.date_naive() + Duration::days(1),
    };
    let mut w = WholePath::start(&opts, now).await.unwrap();
    let cli = Path::new(env!("CARGO_BIN_EXE_inkaso-agent-under-test"));
    let first = w.agent_cli(cli, &["sync", "--once"]).unwrap();
    assert!(first.contains("Pełna synchronizacja"), "{profile}: {first}");
    w.after_first_sync().await.unwrap();
    let synced = w.h.cloud_open().await.unwrap();
    assert!(synced.len() >= 20, "{profile}: {} documents", synced.len());

    let mut paid = 0;
    let mut half_paid_day = false;
    for _ in 0..15 {
        let d = w.day().await.unwrap();
        paid += d.paid_in_full.len();
        half_paid_day |= d.erp_events.iter().any(|e| e.contains("połowie"));
        assert!(
            d.tick.held.iter().all(|h| !h.detail.contains("synchroniz")),
            "{profile} {}: {:?}",
            d.date,
            d.tick.held
        );
    }
    assert!(paid > 0, "{profile}: some documents were paid in full");
    assert!(half_paid_day, "{profile}: the half payments were posted");
    w.final_sync().await.unwrap();

    let actions = w.actions().await.unwrap();
    let summary = w.summary().await.unwrap();
    assert!(sent(&actions, "sms") > 0, "{profile}: SMS went out");
    assert!(sent(&actions, "email") > 0, "{profile}: e-mails went out");
    assert_eq!(summary.sms_accepted, sent(&actions, "sms"), "{profile}");
    assert_eq!(
        summary.emails_received,
        sent(&actions, "email"),
        "{profile}"
    );

    let erp = w.h.erp_open().unwrap();
    assert!(!erp.is_empty(), "{profile}");
    assert_eq!(
        w.h.cloud_open().await.unwrap(),
        erp,
        "{profile}: ERP = cloud"
    );
    assert_eq!(
        w.agent_open().await.unwrap(),
        erp.keys().cloned().collect::<BTreeSet<_>>(),
        "{profile}: ERP = agent"
    );
    assert!(summary.consistent, "{profile}");
    assert_eq!(summary.results_agent, summary.results_cloud, "{profile}");
    w.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn optima_erp_to_messages_and_back() {
    small_whole_path(ProfileKind::Optima).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wapro_mag_erp_to_messages_and_back() {
    small_whole_path(ProfileKind::WaproMag).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn comarch_xl_erp_to_messages_and_back() {
    small_whole_path(ProfileKind::ComarchXl).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enova365_erp_to_messages_and_back() {
    small_whole_path(ProfileKind::Enova365).await;
}
