//! Logs of the service loop: `tracing` to stderr, level from `INKASO_LOG` (default `info`).
//!
//! At `info` the agent logs counts and outcomes only; tokens and debtors' data never appear.

use tracing_subscriber::EnvFilter;

/// Installs the subscriber once; later calls keep the first.
pub fn init() {
    let filter = EnvFilter::try_from_env("INKASO_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
