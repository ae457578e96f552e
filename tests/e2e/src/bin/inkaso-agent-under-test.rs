//! The agent's command line, exactly as `agent/src/main.rs` runs it, built inside the e2e crate so
//! that its tests can start (and kill) the real CLI as a separate process.

use clap::Parser;

fn main() -> std::process::ExitCode {
    inkaso_agent::cli::run(inkaso_agent::cli::Cli::parse())
}
