//! Logs of the agent: `tracing` to stderr, level from `INKASO_LOG` (default `info` for the
//! service loop, `warn` for one-off commands, whose own output already says what happened).
//!
//! At `info` the agent logs counts and outcomes only; tokens and debtors' data never appear.

use tracing_subscriber::EnvFilter;

/// Installs the subscriber for the service loop once; later calls keep the first.
pub fn init() {
    init_with_default("info");
}

/// Installs the subscriber for a one-off command (`sync --once`, `resync`).
pub fn init_quiet() {
    init_with_default("warn");
}

fn init_with_default(level: &str) {
    let filter = EnvFilter::try_from_env("INKASO_LOG").unwrap_or_else(|_| EnvFilter::new(level));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
