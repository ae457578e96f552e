//! The Debian package, for real: built by cargo-deb from this build's binaries, then installed,
//! upgraded, removed and purged with dpkg inside a throw-away Debian root
//! ([`inkaso_testkit::debian`]), entered with `chroot` — what dpkg leaves on the disk. The
//! unit started, stopped and restarted by a booted systemd, and the set-up's systemd branch,
//! are the end-to-end test `installer_service`.

use std::path::Path;

use inkaso_testkit::debian::{chroot, fresh_root, package};

fn in_root(root: &Path, args: &[&str]) -> String {
    let (ok, out) = chroot(root, args);
    assert!(ok, "{args:?}:\n{out}");
    out
}

#[test]
fn the_package_installs_upgrades_and_is_removed_keeping_the_state_unless_purged() {
    let dir = tempfile::tempdir().unwrap();
    let root = fresh_root(dir.path());
    for (version, name) in [("0.1.0", "old.deb"), ("0.1.1", "new.deb")] {
        let deb = package(version, dir.path());
        std::fs::copy(&deb, root.join("tmp").join(name)).unwrap();
    }

    // Installed: the programs, the unit (not started: the set-up does that), the service's
    // user and its folders with the right owners and modes.
    in_root(&root, &["dpkg", "-i", "/tmp/old.deb"]);
    assert!(in_root(&root, &["inkaso-agent", "version"]).contains("inkaso-agent 0.1.0"));
    assert!(in_root(&root, &["inkaso-installer", "--help"]).contains("setup"));
    assert_eq!(
        std::fs::read_to_string(root.join("usr/lib/systemd/system/inkaso-agent.service")).unwrap(),
        include_str!("../../systemd/inkaso-agent.service")
    );
    assert!(in_root(&root, &["getent", "passwd", "inkaso"]).contains("/usr/sbin/nologin"));
    let stat = |path: &str| {
        in_root(&root, &["stat", "-c", "%a %U %G", path])
            .trim()
            .to_owned()
    };
    assert_eq!(stat("/etc/inkaso"), "750 root inkaso");
    assert_eq!(stat("/var/lib/inkaso"), "700 inkaso inkaso");
    assert_eq!(stat("/var/log/inkaso"), "750 inkaso inkaso");

    // The firm's set-up and the agent's state, as a running agent leaves them.
    let config = root.join("etc/inkaso/agent.toml");
    let state = root.join("var/lib/inkaso/inkaso-agent.db");
    std::fs::write(&config, "[erp]\nprofile = \"subiekt_gt\"\ndsn = \"erp\"\n").unwrap();
    std::fs::write(&state, "stan agenta").unwrap();

    // An upgrade keeps both.
    in_root(&root, &["dpkg", "-i", "/tmp/new.deb"]);
    assert!(in_root(&root, &["dpkg-query", "-W", "inkaso-agent"]).contains("0.1.1"));
    assert!(in_root(&root, &["inkaso-agent", "version"]).contains("inkaso-agent"));
    assert!(
        std::fs::read_to_string(&config)
            .unwrap()
            .contains("subiekt_gt")
    );
    assert_eq!(std::fs::read_to_string(&state).unwrap(), "stan agenta");
    assert_eq!(stat("/var/lib/inkaso"), "700 inkaso inkaso");

    // Removed: the programs go, the configuration and the state stay for a reinstall.
    in_root(&root, &["dpkg", "-r", "inkaso-agent"]);
    assert!(!root.join("usr/bin/inkaso-agent").exists());
    assert!(
        !root
            .join("usr/lib/systemd/system/inkaso-agent.service")
            .exists()
    );
    assert!(config.exists() && state.exists());

    // Purged: they go too.
    in_root(&root, &["dpkg", "-P", "inkaso-agent"]);
    assert!(!root.join("etc/inkaso").exists());
    assert!(!root.join("var/lib/inkaso").exists());
    assert!(!chroot(&root, &["dpkg-query", "-W", "inkaso-agent"]).0);
}
