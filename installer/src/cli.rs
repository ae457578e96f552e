//! The command line: `doctor` and `setup`, in Polish or English (`--lang`, `INKASO_LANG`).

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use inkaso_shared::Lang;

use crate::setup::SetupArgs;

/// Inkaso installer: checks that this machine can run the Inkaso agent and sets it up.
#[derive(Debug, Parser)]
#[command(name = "inkaso-installer", version, about, long_about = None)]
pub struct Cli {
    /// Language of the output: pl (default) or en.
    #[arg(long, global = true, env = "INKASO_LANG", default_value = "pl", value_parser = parse_lang)]
    pub lang: Lang,
    #[command(subcommand)]
    pub command: Cmd,
}

fn parse_lang(text: &str) -> Result<Lang, String> {
    text.parse::<Lang>().map_err(|e| e.to_string())
}

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Check the ODBC driver manager and the registered drivers, with a verdict and a fix for each.
    Doctor,
    /// Set the agent up: profile, connection, markers, cloud, preview, configuration, service,
    /// one sync. Asks what the flags do not say; with --yes asks nothing.
    Setup(Box<SetupArgs>),
}

/// Runs a command; the exit code says whether it succeeded.
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Cmd::Doctor => crate::doctor::doctor(cli.lang),
        Cmd::Setup(args) => crate::setup::run_cli(&args, cli.lang),
    }
}
