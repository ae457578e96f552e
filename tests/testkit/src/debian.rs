//! A throw-away Debian of our own making, for the agent's package and service: a bookworm root
//! (debootstrap'd once per checkout into `target/deb-root/`, copied for each test), the
//! `.deb` of this build's binaries (cargo-deb), and that root **booted** under
//! `systemd-nspawn`, so a real systemd starts, stops and restarts the agent's service on
//! machines where none runs (ours, CI's).
//!
//! The container shares the host's network (no `--private-network`): the agent inside reaches
//! a cloud the test runs on the host's loopback.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::output;

/// cargo-deb's version the tests install when it is missing (its dev-profile support, used
/// here to package the test build's binaries, is deprecated: pinned so a release cannot break us).
const CARGO_DEB: &str = "3.8.0";

/// What the root holds besides minbase: the package's dependencies, a systemd to boot, and the
/// SQLite ODBC driver the sample ERP is read with.
const INCLUDE: &str =
    "adduser,ca-certificates,libodbc2,init-system-helpers,systemd,systemd-sysv,dbus,libsqliteodbc";

/// The workspace's root folder.
///
/// # Panics
/// Never in this workspace (the crate sits two levels down).
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("tests/testkit is two levels below the workspace")
        .to_path_buf()
}

/// Runs `cmd` and returns what it printed.
///
/// # Panics
/// When it fails, with the command and its output.
pub fn ok(cmd: &mut Command) -> String {
    let shown = format!("{cmd:?}");
    let (ok, out) = output(cmd);
    assert!(ok, "{shown}:\n{out}");
    out
}

/// A copy of the base root in `dir/root`, made once per checkout (a minute, from Debian's
/// mirror) and then copied (seconds).
///
/// # Panics
/// When debootstrap is missing or fails (`scripts/install-deps.sh` installs it).
pub fn fresh_root(dir: &Path) -> PathBuf {
    let root = dir.join("root");
    ok(Command::new("cp").arg("-a").arg(base_root()).arg(&root));
    root
}

fn base_root() -> PathBuf {
    let dir = workspace().join("target/deb-root");
    let root = dir.join("bookworm");
    // The marker holds what was included: a root made for another list is made again.
    if std::fs::read_to_string(root.join(".complete")).is_ok_and(|m| m == INCLUDE) {
        return root;
    }
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let partial = dir.join("bookworm.partial");
    let _ = std::fs::remove_dir_all(&partial);
    ok(Command::new("debootstrap")
        .args([
            "--variant=minbase",
            &format!("--include={INCLUDE}"),
            "bookworm",
        ])
        .arg(&partial)
        .arg("http://deb.debian.org/debian"));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::rename(&partial, &root).unwrap_or_else(|e| panic!("{}: {e}", root.display()));
    std::fs::write(root.join(".complete"), INCLUDE)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()));
    root
}

/// The package of this build's agent and installer at `version`, written into `out`.
///
/// # Panics
/// When cargo-deb cannot be installed or the build or the packaging fails.
pub fn package(version: &str, out: &Path) -> PathBuf {
    if !output(Command::new("cargo").args(["deb", "--version"])).0 {
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

/// Runs `args` in `root` with `chroot` (no systemd there): whether it succeeded and what it
/// printed.
pub fn chroot(root: &Path, args: &[&str]) -> (bool, String) {
    output(
        Command::new("chroot")
            .arg(root)
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )
}

/// A root booted by `systemd-nspawn`; powered off (or killed) when dropped.
#[derive(Debug)]
pub struct Booted {
    nspawn: Child,
    /// The container's PID 1 as the host sees it: commands enter its namespaces.
    init: u32,
    console: PathBuf,
}

impl Booted {
    /// Boots `root`, each host folder of `binds` mounted at its path inside, and waits until
    /// its systemd has finished starting up.
    ///
    /// # Panics
    /// When `systemd-nspawn` is missing (`scripts/install-deps.sh` installs it) or the
    /// container does not come up within a minute — with its console.
    pub fn boot(root: &Path, binds: &[(&Path, &str)]) -> Booted {
        let console = root.with_file_name("console.log");
        let log = std::fs::File::create(&console)
            .unwrap_or_else(|e| panic!("{}: {e}", console.display()));
        // Neither registered with machined nor in a scope of its own: no systemd runs on
        // the host to ask (--keep-unit).
        let nspawn = Command::new("systemd-nspawn")
            .arg("--directory")
            .arg(root)
            .args([
                "--boot",
                "--register=no",
                "--keep-unit",
                "--console=pipe",
                "--quiet",
            ])
            .args(
                binds
                    .iter()
                    .map(|(host, inside)| format!("--bind={}:{inside}", host.display())),
            )
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("a second handle on the console log"))
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "systemd-nspawn: {e} (apt-get install systemd-container, or run `make test`)"
                )
            });
        let mut booted = Booted {
            init: 0,
            nspawn,
            console,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        booted.init = loop {
            if let Some(pid) = child_of(booted.nspawn.id()) {
                break pid;
            }
            assert!(
                Instant::now() < deadline
                    && booted
                        .nspawn
                        .try_wait()
                        .is_ok_and(|exited| exited.is_none()),
                "the container did not start:\n{}",
                booted.console()
            );
            sleep(Duration::from_millis(100));
        };
        // `--wait` returns once start-up is over: "running", or "degraded" when some unit of
        // the container's own failed (e.g. one a container cannot run) — both are booted.
        loop {
            let (_, state) = booted.run(&["systemctl", "is-system-running", "--wait"]);
            if ["running", "degraded"].contains(&state.trim()) {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "the container did not finish booting ({state}):\n{}",
                booted.console()
            );
            sleep(Duration::from_millis(200));
        }
        booted
    }

    /// Runs `args` inside the container (as its root, in its namespaces, with a clean
    /// environment): whether it succeeded and what it printed.
    pub fn run(&self, args: &[&str]) -> (bool, String) {
        output(
            Command::new("nsenter")
                .arg(format!("--target={}", self.init))
                .args(["--mount", "--uts", "--ipc", "--pid", "--root", "--wd", "--"])
                .args([
                    "/usr/bin/env",
                    "-i",
                    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                    "LANG=C.UTF-8",
                    "DEBIAN_FRONTEND=noninteractive",
                ])
                .args(args),
        )
    }

    /// Runs `args` inside the container and returns what it printed.
    ///
    /// # Panics
    /// When it fails, with the container's console.
    pub fn ok(&self, args: &[&str]) -> String {
        let (ok, out) = self.run(args);
        assert!(ok, "{args:?}:\n{out}\n— console:\n{}", self.console());
        out
    }

    /// What the container printed on its console so far (systemd's start-up and its units).
    pub fn console(&self) -> String {
        std::fs::read_to_string(&self.console).unwrap_or_default()
    }
}

impl Drop for Booted {
    fn drop(&mut self) {
        // A clean power-off, as a machine's; killed when it does not come within 30 s.
        let _ = self.run(&["systemctl", "poweroff", "--no-block"]);
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if self.nspawn.try_wait().ok().flatten().is_some() {
                return;
            }
            sleep(Duration::from_millis(100));
        }
        let _ = self.nspawn.kill();
        let _ = self.nspawn.wait();
    }
}

/// The container's init among the processes `parent` (nspawn) started, once it runs systemd.
fn child_of(parent: u32) -> Option<u32> {
    let children =
        std::fs::read_to_string(format!("/proc/{parent}/task/{parent}/children")).ok()?;
    children
        .split_whitespace()
        .filter_map(|pid| pid.parse().ok())
        .find(|pid: &u32| {
            std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .is_ok_and(|comm| comm.trim() == "systemd")
        })
}

#[allow(clippy::disallowed_methods)] // reason: test support polls a container from a plain thread
fn sleep(d: Duration) {
    std::thread::sleep(d);
}
