//! The Debian package, for real: built by cargo-deb from this build's binaries, then installed,
//! upgraded, removed and purged with dpkg inside a throw-away Debian root (bookworm, minbase,
//! debootstrap'd once into `target/deb-root/` and copied for each run). No systemd runs there
//! (nor on our test machines): the unit is installed, not started — `unit.rs` checks it with
//! systemd's own tools, and the agent's clean stop on SIGTERM is the agent's test.

use std::path::{Path, PathBuf};
use std::process::Command;

use inkaso_testkit::output as run;

/// cargo-deb's version the tests install when it is missing (its dev-profile support, used
/// here to package the test build's binaries, is deprecated: pinned so a release cannot break us).
const CARGO_DEB: &str = "3.8.0";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn ok(cmd: &mut Command) -> String {
    let shown = format!("{cmd:?}");
    let (ok, out) = run(cmd);
    assert!(ok, "{shown}:\n{out}");
    out
}

/// A minimal Debian root with what the package depends on, made once per checkout.
fn base_root() -> PathBuf {
    let dir = workspace().join("target/deb-root");
    let root = dir.join("bookworm");
    if root.join(".complete").exists() {
        return root;
    }
    std::fs::create_dir_all(&dir).unwrap();
    let partial = dir.join("bookworm.partial");
    let _ = std::fs::remove_dir_all(&partial);
    ok(Command::new("debootstrap")
        .args([
            "--variant=minbase",
            "--include=adduser,libodbc2,init-system-helpers",
            "bookworm",
        ])
        .arg(&partial)
        .arg("http://deb.debian.org/debian"));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::rename(&partial, &root).unwrap();
    std::fs::write(root.join(".complete"), "").unwrap();
    root
}

/// The package of this build's binaries at `version`, in `out`.
fn package(version: &str, out: &Path) -> PathBuf {
    if !run(Command::new("cargo").args(["deb", "--version"])).0 {
        ok(Command::new("cargo").args([
            "install",
            "cargo-deb",
            "--locked",
            "--version",
            CARGO_DEB,
        ]));
    }
    ok(Command::new("cargo").current_dir(workspace()).args([
        "build",
        "-p",
        "inkaso-agent",
        "-p",
        "inkaso-installer",
        "--bins",
    ]));
    let text = ok(Command::new("cargo")
        .current_dir(workspace())
        .args([
            "deb",
            "-p",
            "inkaso-agent",
            "--no-build",
            "--profile",
            "dev",
            "--fast",
            "--deb-version",
            version,
            "-o",
        ])
        .arg(out));
    let deb = text
        .lines()
        .rev()
        .find(|l| Path::new(l.trim()).extension().is_some_and(|e| e == "deb"))
        .unwrap_or_else(|| panic!("no .deb in:\n{text}"));
    PathBuf::from(deb.trim())
}

fn chroot(root: &Path, args: &[&str]) -> (bool, String) {
    run(Command::new("chroot")
        .arg(root)
        .args(args)
        .env("DEBIAN_FRONTEND", "noninteractive"))
}

fn in_root(root: &Path, args: &[&str]) -> String {
    let (ok, out) = chroot(root, args);
    assert!(ok, "{args:?}:\n{out}");
    out
}

#[test]
fn the_package_installs_upgrades_and_is_removed_keeping_the_state_unless_purged() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    ok(Command::new("cp").arg("-a").arg(base_root()).arg(&root));
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
