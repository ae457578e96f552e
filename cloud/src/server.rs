//! Running the service: settings (defaults < config file < `INKASO_*` environment < flags),
//! logging, the HTTP server with graceful shutdown, and the background VAT lookups.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use inkaso_shared::{Clock, SystemClock};
use serde::Deserialize;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::http::{ApiSettings, AppState, router};
use crate::store::{Store, StoreError, sqlite_url};
use crate::vat::{self, WhiteList};

/// Settings of `inkaso-cloud serve`, as read from the TOML config file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FileSettings {
    /// `listen = "127.0.0.1:8080"`.
    pub listen: Option<SocketAddr>,
    /// `data_dir = "/var/lib/inkaso"`.
    pub data_dir: Option<PathBuf>,
    /// `database_url = "postgres://…"`.
    pub database_url: Option<String>,
    /// `log_json = true`.
    pub log_json: Option<bool>,
    /// `vat_register_url = "https://wl-api.mf.gov.pl"`; `""` turns lookups off.
    pub vat_register_url: Option<String>,
    /// `sync_interval_minutes = 15`.
    pub sync_interval_minutes: Option<u32>,
    /// `full_reconcile_hours = 24`.
    pub full_reconcile_hours: Option<u32>,
    /// `secure_cookies = false` only for plain-HTTP development (on by default).
    pub secure_cookies: Option<bool>,
    /// `trust_forwarded_for = true` behind a reverse proxy that sets `X-Forwarded-For`.
    pub trust_forwarded_for: Option<bool>,
    /// `max_connections = 16`.
    pub max_connections: Option<u32>,
    /// `[smsapi]`: SMS and voice (see `live`).
    pub smsapi: Option<crate::live::SmsapiSettings>,
    /// `[smtp]`: e-mail (see `live`).
    pub smtp: Option<crate::live::SmtpSettings>,
    /// `[regon]`: debtors' activity from the GUS REGON register (see `regon`); off without it.
    pub regon: Option<crate::regon::RegonSettings>,
    /// `public_url = "https://inkaso.example.pl"`: the portal's address, for links in e-mails.
    pub public_url: Option<String>,
}

impl FileSettings {
    /// Reads a TOML config file.
    pub fn load(path: &Path) -> Result<FileSettings, ServeError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ServeError::Config(format!("{}: {e}", path.display())))?;
        toml::from_str(&text).map_err(|e| ServeError::Config(format!("{}: {e}", path.display())))
    }
}

/// The resolved settings.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where to listen.
    pub listen: SocketAddr,
    /// Where the SQLite file lives by default.
    pub data_dir: PathBuf,
    /// The database; `None` means `sqlite://<data_dir>/inkaso.db`.
    pub database_url: Option<String>,
    /// JSON logs.
    pub log_json: bool,
    /// The VAT register; `None` turns lookups off.
    pub vat_register_url: Option<String>,
    /// Endpoint settings.
    pub api: ApiSettings,
    /// Pool size.
    pub max_connections: u32,
    /// SMSAPI, when configured.
    pub smsapi: Option<crate::live::SmsapiSettings>,
    /// The SMTP relay, when configured.
    pub smtp: Option<crate::live::SmtpSettings>,
    /// The REGON register, when configured.
    pub regon: Option<crate::regon::RegonSettings>,
    /// The portal's public address, for links in e-mails; without it they carry no links.
    pub public_url: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("data"),
            database_url: None,
            log_json: false,
            vat_register_url: Some(vat::DEFAULT_BASE_URL.to_owned()),
            api: ApiSettings::default(),
            max_connections: 16,
            smsapi: None,
            smtp: None,
            regon: None,
            public_url: None,
        }
    }
}

impl Settings {
    /// Lays a config file over the defaults.
    #[must_use]
    pub fn with_file(mut self, f: FileSettings) -> Settings {
        if let Some(v) = f.listen {
            self.listen = v;
        }
        if let Some(v) = f.data_dir {
            self.data_dir = v;
        }
        if f.database_url.is_some() {
            self.database_url = f.database_url;
        }
        if let Some(v) = f.log_json {
            self.log_json = v;
        }
        if let Some(v) = f.vat_register_url {
            self.vat_register_url = (!v.trim().is_empty()).then_some(v);
        }
        if let Some(v) = f.sync_interval_minutes {
            self.api.sync_interval_minutes = v;
        }
        if let Some(v) = f.full_reconcile_hours {
            self.api.full_reconcile_hours = v;
        }
        if let Some(v) = f.secure_cookies {
            self.api.secure_cookies = v;
        }
        if let Some(v) = f.trust_forwarded_for {
            self.api.trust_forwarded_for = v;
        }
        if let Some(v) = f.max_connections {
            self.max_connections = v;
        }
        if f.smsapi.is_some() {
            self.smsapi = f.smsapi;
        }
        if f.smtp.is_some() {
            self.smtp = f.smtp;
        }
        if f.regon.is_some() {
            self.regon = f.regon;
        }
        if let Some(v) = f.public_url {
            self.public_url = (!v.trim().is_empty()).then_some(v);
        }
        self
    }

    /// The database URL, creating the data directory for the default SQLite file.
    pub fn resolved_database_url(&self) -> Result<String, ServeError> {
        if let Some(url) = &self.database_url {
            return Ok(url.clone());
        }
        std::fs::create_dir_all(&self.data_dir).map_err(|e| {
            ServeError::Config(format!("katalog danych {}: {e}", self.data_dir.display()))
        })?;
        Ok(sqlite_url(&self.data_dir.join("inkaso.db")))
    }
}

/// What can stop the server.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// Bad configuration.
    #[error("konfiguracja: {0}")]
    Config(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The socket failed.
    #[error("gniazdo sieciowe: {0}")]
    Io(#[from] std::io::Error),
}

/// Starts logging (`RUST_LOG`/`INKASO_LOG` filter, default `info`); JSON when asked.
pub fn init_logging(json: bool) {
    let filter = std::env::var("INKASO_LOG")
        .ok()
        .and_then(|f| tracing_subscriber::EnvFilter::try_new(f).ok())
        .or_else(|| tracing_subscriber::EnvFilter::try_from_default_env().ok())
        .unwrap_or_else(|| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // A second initialisation (tests) is harmless: the first subscriber stays.
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

/// A server running in the background (tests, benchmark, demo).
#[derive(Debug)]
pub struct RunningServer {
    /// Where it listens.
    pub addr: SocketAddr,
    shutdown: watch::Sender<bool>,
    task: tokio::task::JoinHandle<Result<(), std::io::Error>>,
}

impl RunningServer {
    /// `http://addr`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, lets in-flight requests finish, and waits.
    pub async fn stop(self) -> Result<(), ServeError> {
        let _ = self.shutdown.send(true);
        self.task
            .await
            .map_err(|e| ServeError::Config(e.to_string()))??;
        Ok(())
    }
}

/// Serves `state` on `listener` until [`RunningServer::stop`].
pub fn spawn(listener: TcpListener, state: AppState) -> Result<RunningServer, ServeError> {
    let addr = listener.local_addr()?;
    let (tx, mut rx) = watch::channel(false);
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = rx.changed().await;
            })
            .await
    });
    Ok(RunningServer {
        addr,
        shutdown: tx,
        task,
    })
}

/// The registers' background look-ups (VAT: company data; REGON: activity), as configured.
fn register_lookups(
    settings: &Settings,
    store: &Store,
    clock: &Arc<dyn Clock>,
    stop: &watch::Receiver<bool>,
) -> Result<Vec<tokio::task::JoinHandle<()>>, ServeError> {
    let mut tasks = Vec::new();
    if let Some(base) = &settings.vat_register_url {
        let register = WhiteList::new(base).map_err(|e| ServeError::Config(e.to_string()))?;
        tasks.push(tokio::spawn(vat::run_lookups(
            store.clone(),
            register,
            Arc::clone(clock),
            Duration::from_secs(60),
            stop.clone(),
        )));
    }
    if let Some(s) = &settings.regon {
        let register =
            crate::regon::Bir::from_settings(s).map_err(|e| ServeError::Config(e.to_string()))?;
        tasks.push(tokio::spawn(crate::regon::run_lookups(
            store.clone(),
            register,
            Arc::clone(clock),
            Duration::from_secs(60),
            stop.clone(),
        )));
    }
    Ok(tasks)
}

/// `inkaso-cloud serve`: migrates, serves until SIGINT/SIGTERM, then drains and closes.
pub async fn serve(settings: Settings) -> Result<(), ServeError> {
    let _ = crate::http::ops::prometheus();
    let url = settings.resolved_database_url()?;
    let store = Store::open(&url, settings.max_connections).await?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let (stop_tx, stop_rx) = watch::channel(false);
    let lookups = register_lookups(&settings, &store, &clock, &stop_rx)?;
    // The process engine: a tick every minute for every tenant with processes.
    let callback_secret = store
        .service_secret(crate::store::security::SMSAPI_CALLBACK_SECRET, clock.now())
        .await?;
    let channels = crate::live::channels(
        settings.smsapi.as_ref(),
        settings.smtp.as_ref(),
        &callback_secret,
        Arc::clone(&clock),
        Arc::new(crate::services::runner::LoggingTestMode),
    )
    .map_err(|e| ServeError::Config(e.to_string()))?;
    let engine_channels = channels.clone();
    // The e-mails about cases (a law firm's digest, a creditor's news), when e-mail is set up.
    let case_mail_task = channels.email().map(|mail| {
        tokio::spawn(crate::services::case_mail::run_every(
            store.clone(),
            Arc::clone(&clock),
            crate::services::case_mail::CaseMailer::new(mail, settings.public_url.as_deref()),
            Duration::from_secs(60),
            stop_rx.clone(),
        ))
    });
    let runner_task = tokio::spawn(crate::services::runner::run_every(
        store.clone(),
        Arc::clone(&clock),
        channels,
        crate::services::runner::RunnerConfig::default(),
        Duration::from_secs(60),
        stop_rx.clone(),
    ));
    // Delivery reports for messages whose callback never came.
    let poll_task = match &settings.smsapi {
        Some(s) => {
            let client = crate::live::smsapi_client(s, &callback_secret)
                .map_err(|e| ServeError::Config(e.to_string()))?;
            Some(tokio::spawn(crate::live::run_delivery_polling(
                store.clone(),
                client,
                Arc::clone(&clock),
                Duration::from_secs(300),
                stop_rx.clone(),
            )))
        }
        None => None,
    };
    let state = AppState::new(store.clone(), clock, settings.api.clone()).with_engine(
        crate::http::Engine {
            channels: engine_channels,
            runner: crate::services::runner::RunnerConfig::default(),
        },
    );

    let listener = TcpListener::bind(settings.listen).await?;
    tracing::info!(addr = %listener.local_addr()?, backend = ?store.backend(), "inkaso-cloud listening");
    let mut stop_rx_http = stop_rx;
    let serving = axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        let _ = stop_rx_http.changed().await;
    });
    let signals = async {
        shutdown_signal().await;
        tracing::info!("shutting down: finishing in-flight requests");
        let _ = stop_tx.send(true);
    };
    let (served, ()) = tokio::join!(serving, signals);
    served?;
    for t in lookups {
        let _ = t.await;
    }
    let _ = runner_task.await;
    for t in poll_task.into_iter().chain(case_mail_task) {
        let _ = t.await;
    }
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
