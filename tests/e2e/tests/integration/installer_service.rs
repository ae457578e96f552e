//! The agent as a real service on Debian, the way README installs it: the `.deb` of this build
//! in a bookworm booted by `systemd-nspawn` (a real systemd, [`inkaso_testkit::debian`]), then
//! `inkaso-installer setup --service systemd` against a Subiekt GT-shaped sample ERP (the
//! SQLite3 ODBC driver, its folder mounted at `/srv/erp`) and a cloud on the host's loopback.
//! The set-up's first sync fills the cloud; systemd runs the agent as its own user with its
//! state; a stop is clean, a start syncs what changed meanwhile; an upgrade restarts it onto
//! the new programs and keeps the set-up; removal stops it and keeps the set-up and the state.

// Tests may unwrap and run long: a panic here is a clear failure, not a crash in front of a user.
#![allow(clippy::unwrap_used, clippy::too_many_lines)]

use std::path::Path;
use std::time::{Duration, Instant};

use inkaso_connectors::ProfileKind;
use inkaso_e2e::Harness;
use inkaso_shared::{Clock as _, SystemClock};
use inkaso_testkit::debian::{Booted, fresh_root, package};

/// Where the container sees the sample ERP's folder (the service's /tmp is its own).
const ERP: &str = "/srv/erp";

fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// The unit's property `name`, as `systemctl show` gives it.
fn unit(os: &Booted, name: &str) -> String {
    os.ok(&[
        "systemctl",
        "show",
        "inkaso-agent.service",
        "--property",
        name,
        "--value",
    ])
    .trim()
    .to_owned()
}

fn active(os: &Booted) -> String {
    os.run(&["systemctl", "is-active", "inkaso-agent.service"])
        .1
        .trim()
        .to_owned()
}

/// Waits up to a minute for the cloud to hold what the ERP holds open.
async fn cloud_catches_up(h: &Harness, os: &Booted) {
    let want = h.erp_open().unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let got = h.cloud_open().await.unwrap();
        if got == want {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the service did not sync: the cloud has {} open, the ERP {}\n{}",
            got.len(),
            want.len(),
            os.run(&[
                "journalctl",
                "-u",
                "inkaso-agent",
                "--no-pager",
                "-o",
                "cat"
            ])
            .1
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_package_and_the_setup_leave_a_service_systemd_starts_stops_and_upgrades() {
    inkaso_testkit::require_odbc_driver("SQLite3");
    let site = tempfile::tempdir().unwrap();
    let h = Harness::start(site.path(), ProfileKind::SubiektGt, SystemClock.now())
        .await
        .unwrap();
    // The service reads the ERP as its own user through a read-only system: the folder and
    // its files readable by all, as a shared ERP database's would be on the network.
    let erp = site.path().join("erp");
    chmod(&erp, 0o755);
    for file in std::fs::read_dir(&erp).unwrap() {
        chmod(&file.unwrap().path(), 0o644);
    }
    let connection_string = h
        .connector
        .connection
        .connection_string
        .clone()
        .unwrap()
        .replace(&erp.display().to_string(), ERP);

    let machine = tempfile::tempdir().unwrap();
    let root = fresh_root(machine.path());
    for (version, name) in [("0.1.0", "old.deb"), ("0.1.1", "new.deb")] {
        let deb = package(version, machine.path());
        std::fs::copy(&deb, root.join("root").join(name)).unwrap();
    }
    std::fs::write(root.join("root/token.txt"), format!("{}\n", h.token)).unwrap();
    // Not in /tmp: the booted system mounts its own there.
    let os = Booted::boot(&root, &[(&erp, ERP)]);

    // The package installs the unit, neither enabled nor started: nothing is configured yet.
    os.ok(&["dpkg", "-i", "/root/old.deb"]);
    assert_eq!(unit(&os, "UnitFileState"), "disabled");
    assert_eq!(active(&os), "inactive");

    // The set-up, as root, with the service: the first sync in front of the person, then the
    // service enabled and running. The cloud's clock (the harness's, set when it started) is
    // brought to now: making the root and the packages can take minutes on a fresh machine,
    // and the set-up refuses a cloud whose clock is off.
    h.clock.set(SystemClock.now());
    let out = os.ok(&[
        "inkaso-installer",
        "setup",
        "--config",
        "/etc/inkaso/agent.toml",
        "--profile",
        "subiekt_gt",
        "--connection-string",
        &connection_string,
        "--no-password",
        "--no-markers",
        "--cloud-url",
        &h.cloud_url(),
        "--token-file",
        "/root/token.txt",
        "--allow-insecure-http",
        "--service",
        "systemd",
        "--yes",
    ]);
    for want in [
        "✓ połączenie działa",
        "token ważny",
        "✓ zapisano /etc/inkaso/agent.toml",
        "✓ usługa inkaso-agent działa",
        "Gotowe.",
    ] {
        assert!(out.contains(want), "{want:?} not in:\n{out}");
    }
    assert_eq!(
        h.cloud_open().await.unwrap(),
        h.erp_open().unwrap(),
        "{out}"
    );

    // systemd runs it, enabled for the next boot, as its own user, with its state there.
    assert_eq!(active(&os), "active");
    assert_eq!(unit(&os, "UnitFileState"), "enabled");
    let first = unit(&os, "MainPID");
    assert_eq!(
        os.ok(&["stat", "-c", "%U", &format!("/proc/{first}")])
            .trim(),
        "inkaso"
    );
    assert_eq!(
        os.ok(&["stat", "-c", "%a %U %G", "/var/lib/inkaso/inkaso-agent.db"])
            .trim(),
        "600 inkaso inkaso"
    );
    assert_eq!(
        os.ok(&[
            "stat",
            "-c",
            "%a %U %G",
            "/etc/inkaso/agent.toml",
            "/etc/inkaso/agent.token"
        ])
        .trim(),
        "640 root inkaso\n640 root inkaso"
    );
    // Its own log file, beside the journal.
    let deadline = Instant::now() + Duration::from_secs(30);
    while os.ok(&["ls", "/var/log/inkaso"]).trim().is_empty() {
        assert!(Instant::now() < deadline, "no log file in /var/log/inkaso");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }

    // A stop is a clean exit on SIGTERM, not a kill.
    os.ok(&["systemctl", "stop", "inkaso-agent.service"]);
    assert_eq!(active(&os), "inactive");
    assert_eq!(unit(&os, "Result"), "success");
    assert_eq!(unit(&os, "ExecMainStatus"), "0");

    // A payment booked while it was stopped reaches the cloud once it starts again.
    h.erp_execute(
        "UPDATE nz__Finanse SET nzf_WartoscWaluta = 0, nzf_Wartosc = 0 WHERE nzf_Id = 1;",
    )
    .unwrap();
    os.ok(&["systemctl", "start", "inkaso-agent.service"]);
    assert_eq!(active(&os), "active");
    assert_ne!(unit(&os, "MainPID"), first);
    cloud_catches_up(&h, &os).await;

    // An upgrade while it runs: the service runs the new programs at once (not the deleted
    // old file), the set-up and the state are kept.
    let before = unit(&os, "MainPID");
    let config = std::fs::read_to_string(root.join("etc/inkaso/agent.toml")).unwrap();
    os.ok(&["dpkg", "-i", "/root/new.deb"]);
    assert_eq!(active(&os), "active");
    let after = unit(&os, "MainPID");
    assert_ne!(after, before, "the upgrade did not restart the service");
    let exe = os.ok(&["readlink", &format!("/proc/{after}/exe")]);
    assert_eq!(exe.trim(), "/usr/bin/inkaso-agent");
    assert_eq!(
        std::fs::read_to_string(root.join("etc/inkaso/agent.toml")).unwrap(),
        config
    );
    assert!(
        os.ok(&["dpkg-query", "-W", "inkaso-agent"])
            .contains("0.1.1")
    );
    // `status`, as the service's account, reads the state the service keeps.
    let status = os.ok(&[
        "runuser",
        "-u",
        "inkaso",
        "--",
        "inkaso-agent",
        "--config",
        "/etc/inkaso/agent.toml",
        "status",
    ]);
    assert!(
        status.contains("Ostatnia udana synchronizacja: 20"),
        "{status}"
    );

    // Removal stops the service and keeps the set-up and the state for a reinstall.
    os.ok(&["dpkg", "-r", "inkaso-agent"]);
    assert_ne!(active(&os), "active");
    assert!(root.join("etc/inkaso/agent.toml").exists());
    assert!(root.join("var/lib/inkaso/inkaso-agent.db").exists());
}
