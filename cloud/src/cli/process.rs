//! The process engine's command line: `inkaso-cloud run` (one tick on demand, the catch-up
//! tool) and `inkaso-cloud process set|list` (processes without the API). Parsed by `cli`,
//! executed here; the binary edge turns errors into `anyhow`.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone as _, Utc};
use clap::{Args, Subcommand};
use inkaso_channels::delivery::TestModeRecorder;
use inkaso_shared::{Lang, Localized, ManualClock};

use crate::process::calendar::ZONE;
use crate::process::model::Process;
use crate::services::runner::{Channels, RunnerConfig};
use crate::services::{Engine, ServiceError};
use crate::store::Store;

/// `run` options.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The tenant's id.
    #[arg(long)]
    pub tenant: String,
    /// Run as of this day (12:00 Warsaw time, inside the default send window) or RFC 3339
    /// instant; default: now.
    #[arg(long)]
    pub as_of: Option<String>,
    /// Print in English.
    #[arg(long)]
    pub english: bool,
    /// `serve`'s config file: its `[smsapi]` and `[smtp]` sections make SMS, voice and e-mail
    /// go out for real (without it they stay held, unless the tenant is in test mode).
    #[arg(long)]
    pub channels_config: Option<PathBuf>,
}

/// Process commands.
#[derive(Debug, Subcommand)]
pub enum ProcessCmd {
    /// Add or replace a process from a JSON file (format in docs/processes.md).
    Set {
        /// The tenant's id.
        #[arg(long)]
        tenant: String,
        /// The process as JSON.
        #[arg(long)]
        file: PathBuf,
        /// Make it the tenant's default (unmarks the previous default).
        #[arg(long)]
        default: bool,
    },
    /// List the tenant's processes and stages.
    List {
        /// The tenant's id.
        #[arg(long)]
        tenant: String,
    },
}

/// Why a command failed, in words for the operator.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// `--as-of` is neither a day nor an instant.
    #[error("--as-of: podaj dzień RRRR-MM-DD albo chwilę RFC 3339, nie „{0}”")]
    AsOf(String),
    /// The file could not be read or parsed.
    #[error("{path}: {message}")]
    File {
        /// The file.
        path: String,
        /// What was wrong.
        message: String,
    },
    /// The store or the model refused.
    #[error("{0}")]
    Refused(String),
}

/// The instant `--as-of` names.
pub fn parse_as_of(text: &str) -> Result<DateTime<Utc>, CommandError> {
    let t = text.trim();
    if let Ok(day) = t.parse::<NaiveDate>() {
        let noon = day.and_time(NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default());
        return ZONE
            .from_local_datetime(&noon)
            .earliest()
            .map(|d| d.with_timezone(&Utc))
            .ok_or_else(|| CommandError::AsOf(t.to_owned()));
    }
    DateTime::parse_from_rfc3339(t)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|_| CommandError::AsOf(t.to_owned()))
}

/// `inkaso-cloud run`: one tick for a tenant, printing what was planned, sent, skipped and
/// held. Tenants in test mode record "would send"; outside test mode SMS, voice and e-mail go
/// through the adapters of `--channels-config` and stay held without them.
pub async fn run(store: Store, args: &RunArgs, now: DateTime<Utc>) -> Result<(), CommandError> {
    let at = match &args.as_of {
        Some(text) => parse_as_of(text)?,
        None => now,
    };
    let clock = Arc::new(ManualClock::new(at));
    let recorder = Arc::new(TestModeRecorder::new());
    let mut app = super::app(store);
    app.clock = clock.clone();
    let channels = match &args.channels_config {
        Some(path) => {
            let file = crate::server::FileSettings::load(path)
                .map_err(|e| CommandError::Refused(e.to_string()))?;
            let secret = app.callback_secret().await.map_err(refused)?;
            crate::live::channels(
                file.smsapi.as_ref(),
                file.smtp.as_ref(),
                &secret,
                clock,
                recorder.clone(),
            )
            .map_err(|e| CommandError::Refused(e.to_string()))?
        }
        None => Channels::new(recorder.clone()),
    };
    app.engine = Engine {
        channels,
        runner: RunnerConfig::default(),
    };
    let summary = app
        .tick(&super::operator(&args.tenant))
        .await
        .map_err(|e| CommandError::Refused(e.to_string()))?;
    let lang = if args.english { Lang::En } else { Lang::Pl };
    println!("{}", summary.render(lang));
    if !recorder.recorded().is_empty() {
        println!(
            "{} {}",
            match lang {
                Lang::Pl => "Tryb testowy: zarejestrowano zamiast wysłać:",
                Lang::En => "Test mode: recorded instead of sent:",
            },
            recorder.recorded().len()
        );
    }
    Ok(())
}

/// A refusal of a use case, in the operator's words (Polish).
fn refused(e: ServiceError) -> CommandError {
    CommandError::Refused(match e {
        ServiceError::Process(p) => p.message(Lang::Pl),
        ServiceError::Invalid(i) => format!("{}: {}", i.field, i.message_pl),
        other => other.to_string(),
    })
}

/// `inkaso-cloud process set|list`.
pub async fn process(store: Store, cmd: &ProcessCmd) -> Result<(), CommandError> {
    let app = super::app(store);
    match cmd {
        ProcessCmd::Set {
            tenant,
            file,
            default,
        } => {
            let file_err = |message: String| CommandError::File {
                path: file.display().to_string(),
                message,
            };
            let text = std::fs::read_to_string(file).map_err(|e| file_err(e.to_string()))?;
            let mut p: Process =
                serde_json::from_str(&text).map_err(|e| file_err(e.to_string()))?;
            p.is_default |= *default;
            let code = p.code.clone();
            let scope = super::operator(tenant);
            app.save_process(&scope, "cli", &code, p)
                .await
                .map_err(refused)?;
            println!("Zapisano proces „{code}”.");
            print_set(&app.processes(&scope).await.map_err(refused)?);
        }
        ProcessCmd::List { tenant } => {
            let set = app
                .processes(&super::operator(tenant))
                .await
                .map_err(refused)?;
            if set.is_empty() {
                println!("Brak procesów.");
            }
            print_set(&set);
        }
    }
    Ok(())
}

fn print_set(set: &[Process]) {
    for p in set {
        println!(
            "{}{} — {} ({} etapów)",
            p.code,
            if p.is_default { " [domyślny]" } else { "" },
            p.name,
            p.stages.len()
        );
        for s in &p.stages {
            println!(
                "  {:<8} {:>+4} dni  {:<18} {}",
                s.code,
                s.offset_days,
                s.channel.code(),
                s.name
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn as_of_is_noon_in_warsaw_or_an_instant() {
        // Summer time: 12:00 in Warsaw is 10:00 UTC.
        assert_eq!(
            parse_as_of("2026-04-30").unwrap().to_rfc3339(),
            "2026-04-30T10:00:00+00:00"
        );
        // Winter time: 11:00 UTC.
        assert_eq!(
            parse_as_of("2026-12-01").unwrap().to_rfc3339(),
            "2026-12-01T11:00:00+00:00"
        );
        assert_eq!(
            parse_as_of("2026-04-30T07:15:00Z").unwrap().to_rfc3339(),
            "2026-04-30T07:15:00+00:00"
        );
        assert!(parse_as_of("30.04.2026").is_err());
    }
}
