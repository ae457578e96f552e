//! The agent's sync-side commands: `check`, `sync --once`, `resync`, `run`, `status`, `results`.
//!
//! Each opens the state file and the cloud client from the configuration, does its work through
//! the library ([`crate::sync`], [`crate::results`]) and prints a short account in the user's
//! language. Nothing here logs the token or debtors' personal data.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use indicatif::{ProgressBar, ProgressStyle};
use inkaso_connectors::drivers::{DriverKind, sql_server_advice};
use inkaso_shared::protocol::{Heartbeat, PROTOCOL_VERSION};
use inkaso_shared::{Clock, Lang, Localized, SystemClock};

use crate::cloud::{CloudApi, CloudError, HttpCloud};
use crate::config::AgentConfigFile;
use crate::results;
use crate::state::{State, keys};
use crate::sync::cycle::{self, CycleOptions, CycleReport, Progress};
use crate::sync::ship::{self, RetryPolicy};

/// A command failed; the message is already in the user's language.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct CommandError(pub String);

fn pl_en(lang: Lang, pl: &str, en: &str) -> String {
    match lang {
        Lang::Pl => pl.to_owned(),
        Lang::En => en.to_owned(),
    }
}

/// Everything a sync-side command needs.
#[derive(Debug)]
pub struct Agent {
    /// The configuration.
    pub config: AgentConfigFile,
    /// The local state.
    pub state: State,
    /// The cloud client.
    pub cloud: HttpCloud,
    /// Messages' language.
    pub lang: Lang,
}

impl Agent {
    /// Opens the state and the cloud client named by the configuration.
    pub async fn open(config: AgentConfigFile, lang: Lang) -> Result<Agent, CommandError> {
        refuse_if_readable_by_all(&config.path, lang)?;
        let Some(cloud_section) = config.cloud.clone() else {
            return Err(CommandError(pl_en(
                lang,
                &format!(
                    "{}: brak sekcji [cloud] (url i token agenta)",
                    config.path.display()
                ),
                &format!(
                    "{}: missing section [cloud] (url and agent token)",
                    config.path.display()
                ),
            )));
        };
        let token = cloud_section
            .token(&config.path, &|v| std::env::var(v).ok())
            .map_err(|e| CommandError(e.message(lang)))?;
        let cloud = HttpCloud::new(&cloud_section.url, &token, Duration::from_secs(60))
            .map_err(|e| CommandError(e.to_string()))?;
        if let Some(file) = cloud_section.token_path(&config.path) {
            refuse_if_readable_by_all(&file, lang)?;
        }
        let path = state_path(&config);
        let state = State::open(&path)
            .await
            .map_err(|e| CommandError(format!("{}: {e}", path.display())))?;
        make_private(&path);
        Ok(Agent {
            config,
            state,
            cloud,
            lang,
        })
    }

    /// One cycle, then results and the heartbeat: what `sync --once` and each turn of `run` do.
    pub async fn sync_once(
        &self,
        force_full: bool,
        show_progress: bool,
    ) -> Result<SyncSummary, CommandError> {
        self.sync_once_at(&SystemClock, force_full, show_progress)
            .await
    }

    /// [`Agent::sync_once`] on a given clock. The clock stamps the cycle and so the heartbeat's
    /// `last_sync_at`, which the cloud's freshness guard compares with its own clock: a
    /// simulated cloud (the demo, the end-to-end test) needs the agent on the same clock.
    pub async fn sync_once_at(
        &self,
        clock: &dyn Clock,
        force_full: bool,
        show_progress: bool,
    ) -> Result<SyncSummary, CommandError> {
        let options = CycleOptions {
            force_full,
            ..CycleOptions::default()
        };
        let bar = progress_bar(show_progress);
        let report = cycle::run_cycle(
            &self.state,
            &self.cloud,
            clock,
            self.config.connector.clone(),
            &options,
            |p| match p {
                Progress::Read(n) => bar.set_message(format!("odczytano {n} wierszy")),
                Progress::Diffed(n) => bar.set_message(format!("zmian: {n}")),
                Progress::Sent(n) => bar.set_message(format!("wysłano partii: {n}")),
            },
        )
        .await;
        bar.finish_and_clear();
        let sync_error = report.as_ref().err().map(ToString::to_string);
        let pulled = results::pull(&self.state, &self.cloud, &RetryPolicy::default()).await;
        let (results_new, results_error) = match pulled {
            Ok(n) => (n, None),
            Err(e) => (0, Some(e.to_string())),
        };
        let written = self.write_results().await;
        let _ = self.heartbeat().await;
        match report {
            Ok(report) => Ok(SyncSummary {
                report,
                results_new,
                results_error,
                written,
            }),
            Err(_) => Err(CommandError(sync_error.unwrap_or_default())),
        }
    }

    async fn write_results(&self) -> Result<String, String> {
        let mut notes = Vec::new();
        let Some(section) = &self.config.results else {
            return Ok(String::new());
        };
        if let Some(dir) = &section.reports_dir {
            let n = results::write_reports(&self.state, dir)
                .await
                .map_err(|e| e.to_string())?;
            notes.push(format!("raporty: {n} wyników w {}", dir.display()));
        }
        if let Some(wb) = &section.write_back {
            let s = results::write_back(&self.state, &self.config.connector.connection, wb)
                .await
                .map_err(|e| e.to_string())?;
            notes.push(format!(
                "zapis do ERP: {} zapisanych, {} błędów",
                s.written, s.failed
            ));
        }
        Ok(notes.join("; "))
    }

    /// Tells the cloud how the agent is; returns the cloud's answer.
    pub async fn heartbeat(&self) -> Result<inkaso_shared::protocol::HeartbeatAck, CommandError> {
        let (_, queue_ops) = self
            .state
            .queue_depth()
            .await
            .map_err(|e| CommandError(e.to_string()))?;
        let hb = Heartbeat {
            protocol: PROTOCOL_VERSION,
            agent_version: env!("CARGO_PKG_VERSION").to_owned(),
            profile: self
                .config
                .connector
                .profile
                .kind
                .map(|k| k.name().to_owned())
                .unwrap_or_default(),
            last_sync_at: self.state.meta_time(keys::LAST_SYNC).await.ok().flatten(),
            queue_depth: queue_ops,
            quarantined: last_quarantined(&self.state).await,
            last_error: self.state.meta(keys::LAST_ERROR).await.ok().flatten(),
        };
        self.cloud
            .heartbeat(hb)
            .await
            .map_err(|e| CommandError(e.to_string()))
    }
}

/// What `sync --once` did.
#[derive(Debug)]
pub struct SyncSummary {
    /// The cycle.
    pub report: CycleReport,
    /// New results pulled.
    pub results_new: u64,
    /// Why pulling results failed, if it did (the sync itself succeeded).
    pub results_error: Option<String>,
    /// What was written to reports and the ERP, or why that failed.
    pub written: Result<String, String>,
}

impl SyncSummary {
    /// The account printed for people.
    pub fn render(&self, lang: Lang) -> String {
        let r = &self.report;
        let mut lines = vec![
            match (lang, r.full_reconcile) {
                (Lang::Pl, Some(why)) => format!("Pełna synchronizacja ({why})."),
                (Lang::En, Some(why)) => format!("Full reconcile ({why})."),
                (Lang::Pl, None) => "Synchronizacja przyrostowa.".to_owned(),
                (Lang::En, None) => "Incremental sync.".to_owned(),
            },
            match lang {
                Lang::Pl => format!(
                    "Odczytano z ERP: {} wierszy ({} dłużników, {} dokumentów, {} w kwarantannie, {} wykluczonych).",
                    r.extraction.rows_read,
                    r.extraction.debtors,
                    r.extraction.documents,
                    r.extraction.rejected,
                    r.extraction.excluded_total()
                ),
                Lang::En => format!(
                    "Read from the ERP: {} rows ({} debtors, {} documents, {} quarantined, {} excluded).",
                    r.extraction.rows_read,
                    r.extraction.debtors,
                    r.extraction.documents,
                    r.extraction.rejected,
                    r.extraction.excluded_total()
                ),
            },
            match lang {
                Lang::Pl => format!(
                    "Zmiany: {} dłużników, {} dokumentów, {} zapłaconych, {} wykluczonych, {} usuniętych dłużników.",
                    r.diff.debtors_upserted,
                    r.diff.documents_upserted,
                    r.diff.closed_paid,
                    r.diff.closed_excluded,
                    r.diff.debtors_removed
                ),
                Lang::En => format!(
                    "Changes: {} debtors, {} documents, {} paid, {} excluded, {} debtors removed.",
                    r.diff.debtors_upserted,
                    r.diff.documents_upserted,
                    r.diff.closed_paid,
                    r.diff.closed_excluded,
                    r.diff.debtors_removed
                ),
            },
            match lang {
                Lang::Pl => format!(
                    "Wysłano: {} partii, {} operacji, {} bajtów.",
                    r.shipped.batches, r.shipped.ops, r.shipped.bytes
                ),
                Lang::En => format!(
                    "Sent: {} batches, {} ops, {} bytes.",
                    r.shipped.batches, r.shipped.ops, r.shipped.bytes
                ),
            },
            match lang {
                Lang::Pl => format!("Nowe wyniki z chmury: {}.", self.results_new),
                Lang::En => format!("New results from the cloud: {}.", self.results_new),
            },
        ];
        if let Some(e) = &self.results_error {
            lines.push(pl_en(
                lang,
                &format!("Pobieranie wyników nie powiodło się: {e}"),
                &format!("Fetching results failed: {e}"),
            ));
        }
        match &self.written {
            Ok(notes) if !notes.is_empty() => lines.push(notes.clone()),
            Ok(_) => {}
            Err(e) => lines.push(pl_en(
                lang,
                &format!("Zapis wyników nie powiódł się: {e}"),
                &format!("Writing results failed: {e}"),
            )),
        }
        lines.join("\n")
    }
}

/// How long a stop waits for the cycle in progress.
const STOP_GRACE: Duration = Duration::from_secs(10);

/// `inkaso-agent run`: a cycle every N minutes (the cloud's setting) with jitter, until
/// SIGTERM or Ctrl-C; a failing cycle is logged and retried at the next turn.
pub async fn run_service(agent: &Agent) -> Result<(), CommandError> {
    run_service_until(agent, shutdown_signal()).await
}

/// The service loop until `stop` completes: the same for `run` (signals) and the Windows
/// service (the service manager's stop).
pub async fn run_service_until(
    agent: &Agent,
    stop: impl std::future::Future<Output = ()>,
) -> Result<(), CommandError> {
    let mut shutdown = std::pin::pin!(stop);
    loop {
        let mut cycle = std::pin::pin!(agent.sync_once(false, false));
        let outcome = tokio::select! {
            r = &mut cycle => r,
            () = &mut shutdown => {
                // A cycle's writes are transactions and a killed agent resumes where it was
                // (tests/e2e agent_kill), so a stop waits for the cycle only a while: long
                // enough to commit what it has, not as long as its retries against a cloud
                // that is down.
                tracing::info!(grace_s = STOP_GRACE.as_secs(), "zatrzymanie: kończę bieżący cykl");
                if tokio::time::timeout(STOP_GRACE, cycle).await.is_err() {
                    tracing::warn!("cykl przerwany przy zatrzymaniu; następne uruchomienie go dokończy");
                }
                tracing::info!("zatrzymano na żądanie");
                return Ok(());
            }
        };
        match outcome {
            Ok(s) => tracing::info!(
                ops = s.report.diff.ops(),
                batches = s.report.shipped.batches,
                results = s.results_new,
                "synchronizacja zakończona"
            ),
            Err(e) => {
                tracing::warn!(error = %e, "synchronizacja nie powiodła się; ponowię w następnym cyklu");
            }
        }
        // Reading the interval may retry for a while against a cloud that is down: a stop
        // asked meanwhile ends it at once (nothing is half-done there, unlike a cycle).
        let policy = RetryPolicy::default();
        let interval = tokio::select! {
            c = ship::with_retries(&policy, || agent.cloud.config()) => match c {
                Ok(c) => u64::from(c.sync_interval_minutes.max(1)) * 60,
                Err(_) => 15 * 60,
            },
            () = &mut shutdown => {
                tracing::info!("zatrzymano na żądanie");
                return Ok(());
            }
        };
        let wait = Duration::from_secs(interval) + jitter(interval / 10);
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = &mut shutdown => {
                tracing::info!("zatrzymano na żądanie");
                return Ok(());
            }
        }
    }
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let terminate = tokio::signal::unix::SignalKind::terminate();
        let Ok(mut term) = tokio::signal::unix::signal(terminate) else {
            let _ = tokio::signal::ctrl_c().await;
            return;
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Up to `max_secs` seconds, so a fleet of agents started together spreads out.
fn jitter(max_secs: u64) -> Duration {
    let nanos = u64::from(SystemClock.now().timestamp_subsec_nanos());
    Duration::from_secs(if max_secs == 0 { 0 } else { nanos % max_secs })
}

/// `inkaso-agent status`.
pub async fn status(agent: &Agent) -> Result<String, CommandError> {
    let lang = agent.lang;
    let e = |e: crate::state::StateError| CommandError(e.to_string());
    let (batches, ops) = agent.state.queue_depth().await.map_err(e)?;
    let last_sync = agent.state.meta(keys::LAST_SYNC).await.map_err(e)?;
    let last_full = agent
        .state
        .meta(keys::LAST_FULL_RECONCILE)
        .await
        .map_err(e)?;
    let last_error = agent.state.meta(keys::LAST_ERROR).await.map_err(e)?;
    let (stored, unreported, unwritten, failures) = results::counts(&agent.state)
        .await
        .map_err(|e| CommandError(e.to_string()))?;
    let none = pl_en(lang, "brak", "none");
    let version = env!("CARGO_PKG_VERSION");
    let mut out = vec![
        pl_en(
            lang,
            &format!("Wersja agenta: {version} (protokół {PROTOCOL_VERSION})"),
            &format!("Agent version: {version} (protocol {PROTOCOL_VERSION})"),
        ),
        pl_en(
            lang,
            &format!("Plik stanu: {}", agent.state_path_display()),
            &format!("State file: {}", agent.state_path_display()),
        ),
        pl_en(
            lang,
            &format!(
                "Ostatnia udana synchronizacja: {}",
                last_sync.as_deref().unwrap_or(&none)
            ),
            &format!(
                "Last successful sync: {}",
                last_sync.as_deref().unwrap_or(&none)
            ),
        ),
        pl_en(
            lang,
            &format!(
                "Ostatnia pełna synchronizacja: {}",
                last_full.as_deref().unwrap_or(&none)
            ),
            &format!(
                "Last full reconcile: {}",
                last_full.as_deref().unwrap_or(&none)
            ),
        ),
        pl_en(
            lang,
            &format!("Kolejka do wysłania: {batches} partii, {ops} operacji"),
            &format!("Queue: {batches} batches, {ops} ops"),
        ),
        pl_en(
            lang,
            &format!("Ostatni błąd: {}", last_error.as_deref().unwrap_or(&none)),
            &format!("Last error: {}", last_error.as_deref().unwrap_or(&none)),
        ),
        pl_en(
            lang,
            &format!(
                "Wyniki: {stored} zapisanych, {unreported} nie w raportach, {unwritten} nie zapisanych w ERP"
            ),
            &format!(
                "Results: {stored} stored, {unreported} not in reports, {unwritten} not written to the ERP"
            ),
        ),
    ];
    for f in failures {
        out.push(pl_en(
            lang,
            &format!("  błąd zapisu do ERP: {f}"),
            &format!("  ERP write error: {f}"),
        ));
    }
    out.push(pl_en(lang, "Ostatnie przebiegi:", "Last runs:"));
    for run in recent_runs(&agent.state).await.map_err(e)? {
        out.push(format!("  {run}"));
    }
    Ok(out.join("\n"))
}

impl Agent {
    fn state_path_display(&self) -> String {
        state_path(&self.config).display().to_string()
    }
}

async fn recent_runs(state: &State) -> Result<Vec<String>, crate::state::StateError> {
    use sqlx::Row as _;
    let rows = sqlx::query(
        "SELECT started_at, kind, status, rows_read, ops, batches_sent, quarantined, COALESCE(error, '')
         FROM sync_run ORDER BY id DESC LIMIT 5",
    )
    .fetch_all(state.pool())
    .await?;
    Ok(rows
        .iter()
        .map(|r| {
            let error: String = r.get(7);
            format!(
                "{} {} {}: {} wierszy, {} operacji, {} partii, {} w kwarantannie{}",
                r.get::<String, _>(0),
                r.get::<String, _>(1),
                r.get::<String, _>(2),
                r.get::<i64, _>(3),
                r.get::<i64, _>(4),
                r.get::<i64, _>(5),
                r.get::<i64, _>(6),
                if error.is_empty() {
                    String::new()
                } else {
                    format!(" — {error}")
                }
            )
        })
        .collect())
}

async fn last_quarantined(state: &State) -> u64 {
    use sqlx::Row as _;
    sqlx::query("SELECT quarantined FROM sync_run WHERE status = 'ok' ORDER BY id DESC LIMIT 1")
        .fetch_optional(state.pool())
        .await
        .ok()
        .flatten()
        .and_then(|r| u64::try_from(r.get::<i64, _>(0)).ok())
        .unwrap_or(0)
}

/// `inkaso-agent results`: the newest results, one per line.
pub async fn show_results(agent: &Agent, limit: u32) -> Result<String, CommandError> {
    let items = results::latest(&agent.state, limit)
        .await
        .map_err(|e| CommandError(e.to_string()))?;
    if items.is_empty() {
        return Ok(pl_en(agent.lang, "Brak wyników.", "No results."));
    }
    Ok(items
        .iter()
        .map(|i| {
            let f = results::Flat::of(i);
            format!(
                "{} {:<15} {:<10} {:<10} {:<12} {}",
                f.at, f.kind, f.debtor_external_id, f.channel, f.status, f.description
            )
        })
        .collect::<Vec<_>>()
        .join("\n"))
}

/// One line of `inkaso-agent check`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// Passed?
    pub ok: bool,
    /// What was checked, and the result.
    pub what: String,
    /// How to fix it, when it failed.
    pub fix: Option<String>,
}

/// The ERP connection's verdict; SQL Server's usual refusals (certificate, SQL logins off,
/// instance name, driver missing) get their own fix, with a connection string for the driver.
async fn odbc_verdict(config: &AgentConfigFile, lang: Lang) -> Verdict {
    let connection = config.connector.connection.clone();
    let odbc = tokio::task::spawn_blocking(move || connection.connect().map(|_| ())).await;
    match odbc {
        Ok(Ok(())) => Verdict {
            ok: true,
            what: pl_en(
                lang,
                "połączenie z bazą ERP (ODBC): działa",
                "ERP database connection (ODBC): works",
            ),
            fix: None,
        },
        Ok(Err(e)) => {
            let message = e.message(lang);
            let driver = config
                .connector
                .connection
                .connection_string
                .as_deref()
                .and_then(DriverKind::of_connection_string);
            let fix = match sql_server_advice(&message, driver, lang) {
                Some(advice) => match driver.and_then(|d| d.sql_server_example(lang)) {
                    Some(example) => format!(
                        "{advice}\n  {}: {example}",
                        pl_en(lang, "przykład", "example")
                    ),
                    None => advice,
                },
                None => pl_en(
                    lang,
                    "sprawdź [erp] dsn/connection_string, użytkownika i hasło; `inkaso-installer doctor` pokaże zainstalowane sterowniki",
                    "check [erp] dsn/connection_string, user and password; `inkaso-installer doctor` lists the installed drivers",
                ),
            };
            Verdict {
                ok: false,
                what: pl_en(
                    lang,
                    &format!("połączenie z bazą ERP (ODBC): {message}"),
                    &format!("ERP database connection (ODBC): {message}"),
                ),
                fix: Some(fix),
            }
        }
        Err(e) => Verdict {
            ok: false,
            what: e.to_string(),
            fix: None,
        },
    }
}

/// `inkaso-agent check`: ODBC, cloud reachability, token, clock skew — each with a verdict.
pub async fn check(config: &AgentConfigFile, lang: Lang) -> Vec<Verdict> {
    let mut out = vec![odbc_verdict(config, lang).await];
    out.extend(cloud_verdicts(config, lang).await);
    out
}

/// The cloud's part of `check` — reachable, the token valid, the clocks in step — for a caller
/// that has tried the ERP connection itself (the installer's set-up).
pub async fn cloud_verdicts(config: &AgentConfigFile, lang: Lang) -> Vec<Verdict> {
    let mut out = Vec::new();
    let Some(section) = &config.cloud else {
        out.push(Verdict {
            ok: false,
            what: pl_en(
                lang,
                "chmura: brak sekcji [cloud]",
                "cloud: no [cloud] section",
            ),
            fix: Some(pl_en(
                lang,
                "dodaj [cloud] url = \"https://…\" i token_file lub token_env",
                "add [cloud] url = \"https://…\" and token_file or token_env",
            )),
        });
        return out;
    };
    let token = match section.token(&config.path, &|v| std::env::var(v).ok()) {
        Ok(t) => t,
        Err(e) => {
            out.push(Verdict {
                ok: false,
                what: e.message(lang),
                fix: None,
            });
            return out;
        }
    };
    let cloud = match HttpCloud::new(&section.url, &token, Duration::from_secs(15)) {
        Ok(c) => c,
        Err(e) => {
            out.push(Verdict {
                ok: false,
                what: e.to_string(),
                fix: None,
            });
            return out;
        }
    };
    let sent_at = SystemClock.now();
    let hb = Heartbeat {
        protocol: PROTOCOL_VERSION,
        agent_version: env!("CARGO_PKG_VERSION").to_owned(),
        profile: config
            .connector
            .profile
            .kind
            .map(|k| k.name().to_owned())
            .unwrap_or_default(),
        last_sync_at: None,
        queue_depth: 0,
        quarantined: 0,
        last_error: None,
    };
    match cloud.heartbeat(hb).await {
        Ok(ack) => {
            out.push(Verdict {
                ok: true,
                what: pl_en(lang, &format!("chmura {}: osiągalna, token ważny (firma „{}”, agent „{}”)", section.url, ack.tenant, ack.agent), &format!("cloud {}: reachable, token valid (firm \"{}\", agent \"{}\")", section.url, ack.tenant, ack.agent)),
                fix: None,
            });
            out.push(clock_verdict(sent_at, SystemClock.now(), ack.server_time, lang));
        }
        Err(CloudError::Transient { message, .. }) => out.push(Verdict {
            ok: false,
            what: pl_en(lang, &format!("chmura {}: nieosiągalna ({message})", section.url), &format!("cloud {}: unreachable ({message})", section.url)),
            fix: Some(pl_en(lang, "sprawdź adres, połączenie z internetem i serwer pośredniczący (proxy)", "check the URL, the internet connection and any proxy")),
        }),
        Err(e) => out.push(Verdict {
            ok: false,
            what: pl_en(lang, &format!("chmura {}: {e}", section.url), &format!("cloud {}: {e}", section.url)),
            fix: Some(pl_en(lang, "wygeneruj nowy token agenta w portalu lub `inkaso-cloud agent create` i wpisz go do [cloud]", "create a new agent token in the portal or with `inkaso-cloud agent create` and put it in [cloud]")),
        }),
    }
    out
}

/// Clock skew: the cloud's time against the middle of our request.
fn clock_verdict(
    sent: DateTime<Utc>,
    received: DateTime<Utc>,
    server: DateTime<Utc>,
    lang: Lang,
) -> Verdict {
    let middle = sent + (received - sent) / 2;
    let skew = (server - middle).num_seconds();
    let ok = skew.abs() <= 120;
    Verdict {
        ok,
        what: pl_en(
            lang,
            &format!("zegar: różnica względem chmury {skew} s"),
            &format!("clock: {skew} s off the cloud's"),
        ),
        fix: (!ok).then(|| {
            pl_en(
                lang,
                "włącz synchronizację czasu (NTP) w systemie",
                "turn on time synchronisation (NTP)",
            )
        }),
    }
}

/// Where the state file is: `[state] path`; else, under systemd, in the service's state
/// directory (`StateDirectory=`, given as `$STATE_DIRECTORY`: the configuration's directory is
/// read-only there); else `inkaso-agent.db` beside the configuration.
pub fn state_path(config: &AgentConfigFile) -> PathBuf {
    state_path_with(
        config,
        std::env::var_os("STATE_DIRECTORY").map(PathBuf::from),
    )
}

fn state_path_with(config: &AgentConfigFile, state_directory: Option<PathBuf>) -> PathBuf {
    if let Some(path) = config.state.as_ref().and_then(|s| s.path.clone()) {
        return path;
    }
    // systemd may list several directories, separated by colons: the first is ours.
    let service_dir = state_directory
        .and_then(|d| {
            d.to_str()
                .and_then(|s| s.split(':').next())
                .map(PathBuf::from)
        })
        .filter(|d| !d.as_os_str().is_empty());
    service_dir
        .unwrap_or_else(|| config.path.parent().unwrap_or(Path::new(".")).to_path_buf())
        .join("inkaso-agent.db")
}

/// The configuration holds the ERP password and maybe the token, the token file the token:
/// every user of the machine must not read them. Refuses to start when they can (group
/// access is allowed: the service's group reads them when root owns them).
fn refuse_if_readable_by_all(path: &Path, lang: Lang) -> Result<(), CommandError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        if let Ok(meta) = std::fs::metadata(path)
            && meta.permissions().mode() & 0o007 != 0
        {
            return Err(CommandError(pl_en(
                lang,
                &format!(
                    "plik {p} mogą czytać wszyscy użytkownicy tego komputera, a zawiera dane dostępowe: agent nie wystartuje, dopóki go nie zabezpieczysz — chmod 600 {p} (albo chmod 640 i grupa usługi)",
                    p = path.display()
                ),
                &format!(
                    "every user of this machine can read {p}, which holds credentials: the agent will not start until it is protected — chmod 600 {p} (or chmod 640 with the service's group)",
                    p = path.display()
                ),
            )));
        }
    }
    #[cfg(windows)]
    match crate::acl::readable_by_everyone(path) {
        Ok(Some(group)) => {
            return Err(CommandError(pl_en(
                lang,
                &format!(
                    "plik {p} może czytać grupa „{group}”, a zawiera dane dostępowe: agent nie wystartuje, dopóki go nie zabezpieczysz — icacls \"{p}\" /inheritance:r /grant:r *S-1-5-18:(F) *S-1-5-32-544:(F) (albo uruchom inkaso-installer setup ponownie)",
                    p = path.display()
                ),
                &format!(
                    "the group \"{group}\" can read {p}, which holds credentials: the agent will not start until it is protected — icacls \"{p}\" /inheritance:r /grant:r *S-1-5-18:(F) *S-1-5-32-544:(F) (or run inkaso-installer setup again)",
                    p = path.display()
                ),
            )));
        }
        Ok(None) => {}
        Err(why) => {
            tracing::warn!(%why, file = %path.display(), "nie można sprawdzić uprawnień pliku");
        }
    }
    #[cfg(not(any(unix, windows)))]
    {
        let _ = (path, lang);
    }
    Ok(())
}

/// The state (the snapshot of debtors' data, the outbox) is the service account's alone.
fn make_private(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        for suffix in ["", "-wal", "-shm"] {
            let mut file = path.as_os_str().to_owned();
            file.push(suffix);
            let _ = std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600));
        }
    }
    #[cfg(not(unix))]
    {
        let _ = path;
    }
}

fn progress_bar(show: bool) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {elapsed} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_skew_verdicts() {
        let t: DateTime<Utc> = "2026-11-22T10:00:00Z".parse().unwrap();
        assert!(
            clock_verdict(
                t,
                t + chrono::Duration::seconds(2),
                t + chrono::Duration::seconds(1),
                Lang::Pl
            )
            .ok
        );
        let late = clock_verdict(t, t, t + chrono::Duration::minutes(10), Lang::En);
        assert!(!late.ok);
        assert!(late.what.contains("600 s"));
        assert!(late.fix.unwrap().contains("NTP"));
    }

    #[test]
    fn the_state_goes_to_the_services_directory_unless_configured() {
        let config = |state: &str| {
            crate::config::parse(
                Path::new("/etc/inkaso/agent.toml"),
                &format!("[erp]\nprofile = \"optima\"\ndsn = \"x\"\n{state}"),
                &|_: &str| None,
            )
            .unwrap()
        };
        let plain = config("");
        assert_eq!(
            state_path_with(&plain, None),
            Path::new("/etc/inkaso/inkaso-agent.db")
        );
        assert_eq!(
            state_path_with(&plain, Some("/var/lib/inkaso:/var/lib/other".into())),
            Path::new("/var/lib/inkaso/inkaso-agent.db")
        );
        let set = config("[state]\npath = \"/srv/agent.db\"");
        assert_eq!(
            state_path_with(&set, Some("/var/lib/inkaso".into())),
            Path::new("/srv/agent.db")
        );
    }
}
