//! `kill -9` of the real agent CLI (`sync --once`) at random moments, at least 50 times, while
//! the ERP keeps changing: payments, full payments, new invoices. After a final undisturbed sync
//! the cloud holds exactly the ERP's unpaid set, nothing was applied twice, and every payment was
//! recorded once, to the grosz.

// Tests may unwrap and run long: a panic here is a clear failure, not a crash in front of a user.
#![allow(clippy::unwrap_used, clippy::too_many_lines)]

use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::time::Duration;

use inkaso_connectors::sample::{GeneratorSpec, generate_gt};
use inkaso_connectors::{ConnectorConfig, ProfileKind};
use inkaso_e2e::Harness;

const AGENT: &str = env!("CARGO_BIN_EXE_inkaso-agent-under-test");

/// Kills: `INKASO_KILLS` (the soak raises it), 50 by default.
fn kills() -> u32 {
    std::env::var("INKASO_KILLS").map_or(50, |v| v.parse().unwrap())
}

/// A small deterministic generator (SplitMix64), so a failing run can be replayed by seed.
struct Rng(u64);
impl Rng {
    fn next(&mut self, bound: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % bound
    }
}

fn sync_once(config: &std::path::Path) -> std::process::Child {
    Command::new(AGENT)
        .args(["--config", &config.display().to_string(), "sync", "--once"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_nine_at_random_points_never_loses_or_duplicates() {
    inkaso_testkit::require_odbc_driver("SQLite3");
    let dir = tempfile::tempdir().unwrap();
    let spec = GeneratorSpec {
        debtors: 300,
        settlements: 3_000,
        seed: 42,
    };
    let (connection, _) = generate_gt(&dir.path().join("erp"), spec).unwrap();
    let mut connector = ConnectorConfig {
        connection,
        ..ConnectorConfig::default()
    };
    connector.profile.kind = Some(ProfileKind::SubiektGt);
    let h = Harness::start_with(
        dir.path(),
        connector,
        "2026-11-02T07:00:00Z".parse().unwrap(),
    )
    .await
    .unwrap();
    let config = h.write_agent_config().unwrap();

    // A first complete sync gives the starting amounts every payment is measured against.
    let status = tokio::task::spawn_blocking({
        let config = config.clone();
        move || sync_once(&config).wait().unwrap()
    })
    .await
    .unwrap();
    assert!(status.success());
    let start = h.erp_open().unwrap();
    assert_eq!(h.cloud_open().await.unwrap(), start);
    let ids: Vec<String> = start.keys().cloned().collect();

    let seed = std::env::var("INKASO_KILL_SEED").map_or(2026, |v| v.parse().unwrap());
    let mut rng = Rng(seed);
    let mut killed = 0;
    for round in 0..kills() {
        // The firm works meanwhile: 1 zł paid on one invoice, sometimes one paid in full.
        let id = &ids[usize::try_from(rng.next(ids.len() as u64)).unwrap()];
        h.erp_execute(&format!(
            "UPDATE nz__Finanse SET nzf_WartoscWaluta = nzf_WartoscWaluta - 1, nzf_Wartosc = nzf_Wartosc - 1
             WHERE nzf_Id = {id} AND nzf_WartoscWaluta > 1;"
        ))
        .unwrap();
        if round % 10 == 3 {
            let id = &ids[usize::try_from(rng.next(ids.len() as u64)).unwrap()];
            h.erp_execute(&format!(
                "UPDATE nz__Finanse SET nzf_WartoscWaluta = 0, nzf_Wartosc = 0 WHERE nzf_Id = {id};"
            ))
            .unwrap();
        }
        let delay = Duration::from_millis(rng.next(400));
        let config = config.clone();
        #[allow(clippy::disallowed_methods)] // a blocking thread of its own: sleeping is its job
        let finished = tokio::task::spawn_blocking(move || {
            let mut child = sync_once(&config);
            std::thread::sleep(delay);
            if child.try_wait().unwrap().is_some() {
                return true;
            }
            child.kill().unwrap(); // SIGKILL on Unix: no destructor, no flush, no goodbye
            child.wait().unwrap();
            false
        })
        .await
        .unwrap();
        if !finished {
            killed += 1;
        }
    }
    assert!(
        killed >= kills() / 2,
        "only {killed} of {} runs were killed mid-way",
        kills()
    );

    // Undisturbed: the agent finishes what it had started, then has nothing left to say.
    for _ in 0..2 {
        let status = tokio::task::spawn_blocking({
            let config = config.clone();
            move || sync_once(&config).wait().unwrap()
        })
        .await
        .unwrap();
        assert!(status.success());
    }
    let erp = h.erp_open().unwrap();
    assert_eq!(
        h.cloud_open().await.unwrap(),
        erp,
        "the cloud must equal the ERP"
    );
    assert!(
        h.cloud_documents_opened_twice().await.unwrap().is_empty(),
        "a batch was applied twice"
    );

    // Every grosz paid in the ERP is one payment in the cloud, never two.
    let paid = h.cloud_payments().await.unwrap();
    let mut expected: BTreeMap<String, i64> = BTreeMap::new();
    for (id, (before, _)) in &start {
        let after = erp.get(id).map_or(0, |(r, _)| *r);
        if before != &after {
            expected.insert(id.clone(), before - after);
        }
    }
    assert!(!expected.is_empty());
    assert_eq!(paid, expected, "payments recorded in the cloud");
    h.stop().await.unwrap();
}
