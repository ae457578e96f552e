//! The installer's command line, exactly as `installer/src/main.rs` runs it, built inside the
//! e2e crate so that its tests can run the real CLI (in a pseudo-terminal too) as a separate
//! process beside a cloud and a sample ERP.

use clap::Parser;

fn main() -> std::process::ExitCode {
    inkaso_installer::cli::run(inkaso_installer::cli::Cli::parse())
}
