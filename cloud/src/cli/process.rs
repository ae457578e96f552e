//! The process engine's command line: `inkaso-cloud run` (one tick on demand, the catch-up
//! tool) and `inkaso-cloud process set|list` (processes without the API). Parsed by `cli`,
//! executed here; the binary edge turns errors into `anyhow`.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone as _, Utc};
use clap::{Args, Subcommand};
use inkaso_channels::delivery::TestModeRecorder;
use inkaso_shared::{Lang, Localized, ManualClock};

use crate::i18n;
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
    /// Print in English (kept for scripts; the global `--lang en` says the same).
    #[arg(long, hide = true)]
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

/// Why a command failed, in words for the operator. `Display` is the Polish message.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// `--as-of` is neither a day nor an instant.
    AsOf(String),
    /// The file could not be read or parsed.
    File {
        /// The file.
        path: String,
        /// What was wrong.
        message: String,
    },
    /// The store or the model refused, already in the operator's language.
    Refused(String),
}

impl Localized for CommandError {
    fn message(&self, lang: Lang) -> String {
        match self {
            CommandError::AsOf(text) => {
                i18n::text_with(lang, "cli-as-of-invalid", &[("text", text.into())])
            }
            CommandError::File { path, message } => i18n::text_with(
                lang,
                "cli-file-invalid",
                &[("path", path.into()), ("reason", message.into())],
            ),
            CommandError::Refused(why) => why.clone(),
        }
    }
}

impl std::fmt::Display for CommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::Pl))
    }
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
pub async fn run(
    store: Store,
    args: &RunArgs,
    lang: Lang,
    now: DateTime<Utc>,
) -> Result<(), CommandError> {
    let lang = if args.english { Lang::En } else { lang };
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
            let secret = app.callback_secret().await.map_err(|e| refused(&e, lang))?;
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
        .map_err(|e| refused(&e.into(), lang))?;
    println!("{}", summary.render(lang));
    if !recorder.recorded().is_empty() {
        println!(
            "{}",
            i18n::text_with(
                lang,
                "cli-test-mode-recorded",
                &[("count", recorder.recorded().len().into())],
            )
        );
    }
    Ok(())
}

/// A refusal of a use case, in the operator's words.
fn refused(e: &ServiceError, lang: Lang) -> CommandError {
    CommandError::Refused(super::refusal(e, lang).unwrap_or_else(|| e.to_string()))
}

/// `inkaso-cloud process set|list`.
pub async fn process(store: Store, cmd: &ProcessCmd, lang: Lang) -> Result<(), CommandError> {
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
                .map_err(|e| refused(&e, lang))?;
            println!(
                "{}",
                i18n::text_with(lang, "cli-process-saved", &[("code", (&code).into())])
            );
            print_set(
                &app.processes(&scope).await.map_err(|e| refused(&e, lang))?,
                lang,
            );
        }
        ProcessCmd::List { tenant } => {
            let set = app
                .processes(&super::operator(tenant))
                .await
                .map_err(|e| refused(&e, lang))?;
            if set.is_empty() {
                println!("{}", i18n::text(lang, "cli-no-processes"));
            }
            print_set(&set, lang);
        }
    }
    Ok(())
}

fn print_set(set: &[Process], lang: Lang) {
    for p in set {
        let args = [
            ("code", (&p.code).into()),
            ("name", (&p.name).into()),
            ("stages", p.stages.len().into()),
        ];
        let id = if p.is_default {
            "cli-process-line-default"
        } else {
            "cli-process-line"
        };
        println!("{}", i18n::text_with(lang, id, &args));
        for s in &p.stages {
            let days = i18n::text_with(
                lang,
                "cli-stage-days",
                &[("days", s.offset_days.unsigned_abs().into())],
            );
            println!(
                "  {:<8} {:>+4} {days:<5} {:<18} {}",
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
