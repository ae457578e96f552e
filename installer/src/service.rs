//! The agent as a systemd service: the unit (`installer/systemd/inkaso-agent.service`, compiled
//! in), its dedicated user, the configuration readable by that user alone, and
//! `systemctl enable --now`. Only where systemd runs and as root; elsewhere the set-up says
//! how to start the agent by hand.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

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
    /// A Windows service (needs an administrator; not yet run on Windows).
    Windows,
    /// No service: the set-up syncs once and says how to run the agent.
    None,
}

impl ServiceKind {
    /// The platform's service where we may install one: systemd when it runs and we are root,
    /// the service manager on Windows; else none.
    pub fn detect() -> ServiceKind {
        if cfg!(windows) {
            ServiceKind::Windows
        } else if Path::new("/run/systemd/system").is_dir() && is_root() {
            ServiceKind::Systemd
        } else {
            ServiceKind::None
        }
    }
}

/// Registers and starts the Windows service `InkasoAgent`: `inkaso-agent.exe` beside the
/// installer, with the configuration, started at boot, restarted by the service manager's
/// defaults. **Not yet run on Windows** (no Windows toolchain on our machines).
#[cfg(windows)]
pub fn install_windows(config: &Path, lang: Lang) -> Result<(), String> {
    use std::ffi::OsString;
    use windows_service::service::{
        ServiceAccess, ServiceErrorControl, ServiceInfo, ServiceStartType, ServiceType,
    };
    use windows_service::service_manager::{ServiceManager, ServiceManagerAccess};

    let fail = |e: windows_service::Error| {
        pl_en(
            lang,
            &format!("rejestracja usługi Windows nie powiodła się: {e}"),
            &format!("registering the Windows service failed: {e}"),
        )
    };
    let manager = ServiceManager::local_computer(
        None::<&str>,
        ServiceManagerAccess::CONNECT | ServiceManagerAccess::CREATE_SERVICE,
    )
    .map_err(fail)?;
    let agent = std::env::current_exe()
        .map_err(|e| e.to_string())?
        .with_file_name("inkaso-agent.exe");
    let info = ServiceInfo {
        name: OsString::from("InkasoAgent"),
        display_name: OsString::from("Inkaso agent"),
        service_type: ServiceType::OWN_PROCESS,
        start_type: ServiceStartType::AutoStart,
        error_control: ServiceErrorControl::Normal,
        executable_path: agent,
        launch_arguments: vec![
            OsString::from("--config"),
            config.as_os_str().to_owned(),
            OsString::from("windows-service"),
        ],
        dependencies: vec![],
        account_name: None, // LocalSystem: reads the ERP's SQL Server as the machine
        account_password: None,
    };
    let service = manager
        .create_service(&info, ServiceAccess::START | ServiceAccess::CHANGE_CONFIG)
        .map_err(fail)?;
    let _ = service.set_description("Inkaso: nieopłacone dokumenty z ERP do chmury Inkaso");
    service.start::<&str>(&[]).map_err(fail)
}

/// On other systems: the Windows service is Windows'.
#[cfg(not(windows))]
pub fn install_windows(_config: &Path, lang: Lang) -> Result<(), String> {
    Err(pl_en(
        lang,
        "usługę Windows instaluje się na Windows; tutaj: --service systemd albo none",
        "the Windows service is installed on Windows; here: --service systemd or none",
    ))
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

/// Where the `.deb` installs the unit; the set-up writes its own copy to [`UNIT_PATH`] only
/// when the package's is missing (an agent copied by hand), so a package upgrade's unit wins.
pub const PACKAGE_UNIT_PATH: &str = "/usr/lib/systemd/system/inkaso-agent.service";

/// Installs and (re)starts the service: the user, the unit, the configuration's owner and
/// modes (root writes, the service reads), the state folder given to the service's user (the
/// set-up's first sync made it as root), `systemctl enable`, a restart; then waits to see it
/// stay up — an agent that refuses to start is reported with its log, not as running.
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
    if !Path::new(PACKAGE_UNIT_PATH).exists() {
        std::fs::write(UNIT_PATH, UNIT).map_err(|e| format!("{UNIT_PATH}: {e}"))?;
    }
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
    if Path::new(STATE_DIR).exists() {
        let owner = format!("{SERVICE_USER}:{SERVICE_USER}");
        run("chown", &["-R", &owner, STATE_DIR], lang)?;
    }
    run("systemctl", &["daemon-reload"], lang)?;
    run(
        "systemctl",
        &["enable", "--quiet", "inkaso-agent.service"],
        lang,
    )?;
    run("systemctl", &["restart", "inkaso-agent.service"], lang)?;
    stays_up(lang)
}

/// How long a started agent must stay up to count as running: it reads its configuration,
/// opens its state and checks its files' modes within a second.
const SETTLE: Duration = Duration::from_secs(3);

fn stays_up(lang: Lang) -> Result<(), String> {
    #[allow(clippy::disallowed_methods)] // reason: a blocking CLI waits for the service to settle
    std::thread::sleep(SETTLE);
    let active = Command::new("systemctl")
        .args(["is-active", "inkaso-agent.service"])
        .output()
        .map_err(|e| format!("systemctl: {e}"))?;
    if active.status.success() {
        return Ok(());
    }
    let journal = Command::new("journalctl")
        .args([
            "-u",
            "inkaso-agent.service",
            "-n",
            "15",
            "--no-pager",
            "-o",
            "cat",
        ])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    let state = String::from_utf8_lossy(&active.stdout).trim().to_owned();
    Err(pl_en(
        lang,
        &format!("usługa inkaso-agent nie działa ({state}); jej dziennik:\n{journal}"),
        &format!("the inkaso-agent service is not running ({state}); its log:\n{journal}"),
    ))
}
