//! The agent's systemd unit checked by systemd itself, in a throw-away root (no systemd runs in
//! our test machines): `systemd-analyze verify` finds no error, and `systemd-analyze security`
//! rates its exposure below 2 of 10.

use std::path::Path;
use std::process::Command;

const UNIT: &str = include_str!("../../systemd/inkaso-agent.service");

/// A root with the host's own systemd units (the targets the unit names), an executable at
/// the unit's `ExecStart`, and the unit where a package puts it.
fn throwaway_root(dir: &Path) {
    let units = dir.join("usr/lib/systemd/system");
    std::fs::create_dir_all(&units).unwrap();
    for entry in std::fs::read_dir("/usr/lib/systemd/system").expect("systemd's units") {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), units.join(entry.file_name())).unwrap();
        }
    }
    let bin = dir.join("usr/bin/inkaso-agent");
    std::fs::create_dir_all(bin.parent().unwrap()).unwrap();
    std::fs::write(&bin, "#!/bin/sh\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let system = dir.join("etc/systemd/system");
    std::fs::create_dir_all(&system).unwrap();
    std::fs::write(system.join("inkaso-agent.service"), UNIT).unwrap();
}

fn analyze(root: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new("systemd-analyze")
        .args(args)
        .arg(format!("--root={}", root.display()))
        .arg("/etc/systemd/system/inkaso-agent.service")
        .output()
        .expect("systemd-analyze runs (apt-get install systemd)");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn the_agents_unit_verifies_and_is_hardened() {
    let dir = tempfile::tempdir().unwrap();
    throwaway_root(dir.path());
    let (ok, text) = analyze(dir.path(), &["verify"]);
    assert!(ok && text.trim().is_empty(), "{text}");

    let (_, text) = analyze(dir.path(), &["security", "--offline=true", "--no-pager"]);
    let level = text
        .lines()
        .find_map(|l| l.split_once("Overall exposure level for inkaso-agent.service: "))
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .and_then(|n| n.parse::<f64>().ok())
        .unwrap_or_else(|| panic!("no exposure level in:\n{text}"));
    assert!(level < 2.0, "exposure {level}:\n{text}");
}

#[test]
fn the_unit_runs_the_agents_service_loop_as_its_own_user() {
    for line in [
        "ExecStart=/usr/bin/inkaso-agent --config /etc/inkaso/agent.toml run",
        "User=inkaso",
        "StateDirectory=inkaso",
        "ProtectSystem=strict",
        "NoNewPrivileges=yes",
        "Restart=on-failure",
    ] {
        assert!(UNIT.lines().any(|l| l == line), "{line} missing");
    }
}
