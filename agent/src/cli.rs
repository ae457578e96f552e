//! The agent's command line: parsed here, executed by the library.
//!
//! Errors are printed in the chosen language (`--lang`, Polish by default) and turn into a
//! non-zero exit code; `discover` exits with 2 when the database does not fit the profile.

use std::io::{IsTerminal as _, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use inkaso_shared::{Lang, Localized};

use crate::preview::{self, Format};
use crate::{commands, config};

/// Inkaso agent: reads unpaid documents and debtor contacts from your ERP over ODBC and keeps
/// the Inkaso cloud up to date. It reads only what collection needs, and you can preview it.
#[derive(Debug, Parser)]
#[command(name = "inkaso-agent", version, about, long_about = None)]
pub struct Cli {
    /// The configuration file (TOML, see docs/connectors.md).
    #[arg(long, short, global = true, env = "INKASO_AGENT_CONFIG")]
    pub config: Option<PathBuf>,
    /// Language of messages: pl or en (as every Inkaso program: `INKASO_LANG`).
    #[arg(long, global = true, env = "INKASO_LANG", default_value = "pl")]
    pub lang: Lang,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The agent's commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the agent's version and the sync protocol version it speaks.
    Version,
    /// Read the ERP and print exactly what would be sent, without sending anything.
    Preview {
        /// table (for people) or json (JSON Lines: debtor, document, rejected, warning, summary).
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Connect, report the driver and DBMS, check the profile's tables and columns, and list
    /// candidate "do not collect" markers.
    Discover {
        /// table or json.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Check the ERP connection, the cloud, the token and the clock, with a verdict and a fix each.
    Check,
    /// Send what changed to the cloud and bring results back.
    Sync {
        /// One cycle, then exit (the only mode: `run` is the service loop).
        #[arg(long)]
        once: bool,
    },
    /// The service: sync every few minutes (the cloud's setting, with jitter) until stopped.
    Run,
    /// Last runs, queue, last error, results.
    Status,
    /// The newest results from the cloud.
    Results {
        /// How many.
        #[arg(long, default_value_t = 20)]
        limit: u32,
    },
    /// Force a full reconcile: every record is sent again and the cloud drops what it should not hold.
    Resync,
    /// The service loop under the Windows service manager (what the installer registers).
    #[cfg(windows)]
    WindowsService,
}

/// Runs a parsed command and returns the process exit code.
#[allow(clippy::needless_pass_by_value)] // the parsed command line is consumed here
pub fn run(cli: Cli) -> ExitCode {
    let lang = cli.lang;
    let fail = |message: String| {
        let prefix = if lang == Lang::Pl { "błąd" } else { "error" };
        eprintln!("{prefix}: {message}");
        ExitCode::FAILURE
    };
    match cli.command {
        #[cfg(windows)]
        Command::WindowsService => {
            let Some(config) = cli.config.clone() else {
                return fail(config::load_localized(None, lang).err().unwrap_or_default());
            };
            match crate::windows::run(config, lang) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(e),
            }
        }
        Command::Version => {
            println!(
                "inkaso-agent {} (protokół synchronizacji v{})",
                env!("CARGO_PKG_VERSION"),
                inkaso_shared::protocol::PROTOCOL_VERSION
            );
            ExitCode::SUCCESS
        }
        Command::Preview { format } => {
            let config = match config::load_localized(cli.config.as_deref(), lang) {
                Ok(c) => c,
                Err(e) => return fail(e),
            };
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            match preview::preview(&config.connector, format, lang, &mut out) {
                Ok(_) => ExitCode::SUCCESS,
                Err(e) => {
                    let _ = out.flush();
                    fail(e.message(lang))
                }
            }
        }
        Command::Check
        | Command::Sync { .. }
        | Command::Run
        | Command::Status
        | Command::Results { .. }
        | Command::Resync => {
            let config = match config::load_localized(cli.config.as_deref(), lang) {
                Ok(c) => c,
                Err(e) => return fail(e),
            };
            let runtime = match tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
            {
                Ok(r) => r,
                Err(e) => return fail(e.to_string()),
            };
            match runtime.block_on(sync_command(cli.command, config, lang)) {
                Ok(code) => code,
                Err(e) => fail(e.to_string()),
            }
        }
        Command::Discover { format } => {
            let config = match config::load_localized(cli.config.as_deref(), lang) {
                Ok(c) => c,
                Err(e) => return fail(e),
            };
            let c = &config.connector;
            match inkaso_connectors::discover::discover(&c.connection, &c.profile) {
                Ok(d) => {
                    let mut out = std::io::stdout().lock();
                    if let Err(e) = preview::write_discovery(&d, format, lang, &mut out) {
                        return fail(e.to_string());
                    }
                    if d.ok() {
                        ExitCode::SUCCESS
                    } else {
                        ExitCode::from(2)
                    }
                }
                Err(e) => fail(e.message(lang)),
            }
        }
    }
}

async fn sync_command(
    command: Command,
    config: config::AgentConfigFile,
    lang: Lang,
) -> Result<ExitCode, commands::CommandError> {
    if matches!(command, Command::Check) {
        let verdicts = commands::check(&config, lang).await;
        for v in &verdicts {
            println!("{} {}", if v.ok { "✓" } else { "✗" }, v.what);
            if let Some(fix) = &v.fix {
                println!("  → {fix}");
            }
        }
        return Ok(if verdicts.iter().all(|v| v.ok) {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        });
    }
    let agent = commands::Agent::open(config, lang).await?;
    match command {
        Command::Sync { .. } | Command::Resync => {
            let force = matches!(command, Command::Resync);
            crate::logging::init_quiet();
            let summary = agent
                .sync_once(force, std::io::stderr().is_terminal())
                .await?;
            println!("{}", summary.render(lang));
        }
        Command::Run => {
            crate::logging::init_service(&crate::logging::service_dir(&commands::state_path(
                &agent.config,
            )));
            commands::run_service(&agent).await?;
        }
        Command::Status => println!("{}", commands::status(&agent).await?),
        Command::Results { limit } => println!("{}", commands::show_results(&agent, limit).await?),
        _ => {}
    }
    Ok(ExitCode::SUCCESS)
}
