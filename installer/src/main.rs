//! `inkaso-installer`: see the library (`inkaso_installer`).

use clap::Parser as _;

fn main() -> std::process::ExitCode {
    inkaso_installer::cli::run(inkaso_installer::cli::Cli::parse())
}
