//! Logs of the agent: `tracing` to stderr, level from `INKASO_LOG` (default `info` for the
//! service loop, `warn` for one-off commands, whose own output already says what happened).
//! The service loop also writes a daily file, `inkaso-agent.YYYY-MM-DD.log`, kept 14 days, in
//! systemd's `LogsDirectory` (`$LOGS_DIRECTORY`) or a `logs` folder beside the state — where a
//! supporter looks on a Windows PC or a machine without a journal; `INKASO_LOG_JSON=1` writes it
//! as JSON lines for a log collector.
//!
//! At `info` the agent logs counts and outcomes only; tokens and debtors' data never appear.

use std::path::{Path, PathBuf};

use tracing_appender::rolling::{Builder, Rotation};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

/// Days of log files kept.
pub const KEEP_DAYS: usize = 14;

/// Installs the subscriber for the service loop once (later calls keep the first): stderr, and
/// the daily file in `dir` when it can be made there (else stderr alone, saying why).
pub fn init_service(dir: &Path) {
    let filter =
        || EnvFilter::try_from_env("INKASO_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let json =
        std::env::var("INKASO_LOG_JSON").is_ok_and(|v| matches!(v.trim(), "1" | "true" | "yes"));
    let file = std::fs::create_dir_all(dir)
        .map_err(|e| e.to_string())
        .and_then(|()| {
            Builder::new()
                .rotation(Rotation::DAILY)
                .filename_prefix("inkaso-agent")
                .filename_suffix("log")
                .max_log_files(KEEP_DAYS)
                .build(dir)
                .map_err(|e| e.to_string())
        });
    let stderr = fmt::layer().with_writer(std::io::stderr);
    match file {
        Ok(appender) => {
            let (plain, structured) = if json {
                (
                    None,
                    Some(fmt::layer().json().with_ansi(false).with_writer(appender)),
                )
            } else {
                (
                    Some(fmt::layer().with_ansi(false).with_writer(appender)),
                    None,
                )
            };
            let _ = tracing_subscriber::registry()
                .with(filter())
                .with(stderr)
                .with(plain)
                .with(structured)
                .try_init();
        }
        Err(why) => {
            let _ = tracing_subscriber::registry()
                .with(filter())
                .with(stderr)
                .try_init();
            tracing::warn!(dir = %dir.display(), %why, "log file unavailable; logging to stderr only");
        }
    }
}

/// The folder of the service's log files: systemd's `LogsDirectory` (its first entry), else
/// `logs` beside the state file.
pub fn service_dir(state_file: &Path) -> PathBuf {
    std::env::var("LOGS_DIRECTORY")
        .ok()
        .and_then(|d| d.split(':').next().map(PathBuf::from))
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or_else(|| state_file.parent().unwrap_or(Path::new(".")).join("logs"))
}

/// Installs the subscriber for a one-off command (`sync --once`, `resync`).
pub fn init_quiet() {
    let filter = EnvFilter::try_from_env("INKASO_LOG").unwrap_or_else(|_| EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
