//! The agent as a systemd service: the unit (`installer/systemd/inkaso-agent.service`, compiled
//! in), its dedicated user, the configuration readable by that user alone, and
//! `systemctl enable --now`. Only where systemd runs and as root; elsewhere the set-up says
//! how to start the agent by hand.

use std::path::Path;
use std::process::Command;

use inkaso_shared::Lang;

use crate::pl_en;

/// The unit, as installed.
pub const UNIT: &str = include_str!("../systemd/inkaso-agent.service");
/// Where it is installed.
pub const UNIT_PATH: &str = "/etc/systemd/system/inkaso-agent.service";
/// The service's user and group.
pub const SERVICE_USER: &str = "inkaso";
/// Where the service keeps its state (`StateDirectory=inkaso`).
pub const STATE_DIR: &str = "/var/lib/inkaso";

/// How the agent is to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ServiceKind {
    /// A systemd service (needs root and a running systemd).
    Systemd,
    /// No service: the set-up syncs once and says how to run the agent.
    None,
}

impl ServiceKind {
    /// systemd when it runs here and we are root, else none.
    pub fn detect() -> ServiceKind {
        if Path::new("/run/systemd/system").is_dir() && is_root() {
            ServiceKind::Systemd
        } else {
            ServiceKind::None
        }
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn run(program: &str, args: &[&str], lang: Lang) -> Result<(), String> {
    let out = Command::new(program)
        .args(args)
        .output()
        .map_err(|e| format!("{program}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(pl_en(
            lang,
            &format!(
                "{program} {} nie powiódł się: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            ),
            &format!(
                "{program} {} failed: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            ),
        ))
    }
}

/// Installs and (re)starts the service: the user, the unit, the configuration's owner and
/// modes (root writes, the service reads), `systemctl enable --now`, a restart when it ran.
pub fn install_systemd(config: &Path, secrets: &[&Path], lang: Lang) -> Result<(), String> {
    if run("id", &["-u", SERVICE_USER], lang).is_err() {
        run(
            "useradd",
            &[
                "--system",
                "--user-group",
                "--home-dir",
                STATE_DIR,
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
                SERVICE_USER,
            ],
            lang,
        )?;
    }
    std::fs::write(UNIT_PATH, UNIT).map_err(|e| format!("{UNIT_PATH}: {e}"))?;
    let group = format!("root:{SERVICE_USER}");
    if let Some(dir) = config.parent() {
        run("chown", &[&group, &dir.display().to_string()], lang)?;
        run("chmod", &["0750", &dir.display().to_string()], lang)?;
    }
    for file in std::iter::once(config).chain(secrets.iter().copied()) {
        let file = file.display().to_string();
        run("chown", &[&group, &file], lang)?;
        run("chmod", &["0640", &file], lang)?;
    }
    run("systemctl", &["daemon-reload"], lang)?;
    run("systemctl", &["enable", "inkaso-agent.service"], lang)?;
    run("systemctl", &["restart", "inkaso-agent.service"], lang)
}
