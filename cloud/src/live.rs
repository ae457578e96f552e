//! The service's live channel adapters, built from the config file's `[smsapi]` and `[smtp]`
//! sections: SMSAPI for SMS and voice, an SMTP relay for e-mail. Without a section the engine
//! holds that channel's actions with the reason "channel not configured" (tenants in test mode
//! record instead). Secrets come from the environment or a file, never from the config itself.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use inkaso_channels::delivery::{DynChannel, EmailChannel, SmsapiChannel};
use inkaso_channels::email::{SmtpConfig, SmtpSecurity, SmtpSender};
use inkaso_channels::smsapi::{
    BACKUP_URL, PRODUCTION_URL, RetryPolicy, SenderName, SmsapiClient, SmsapiConfig,
};
use inkaso_shared::{Clock, Email, Lang, Localized};
use serde::Deserialize;

use crate::process::model::Channel;
use crate::services::runner::Channels;

/// `[smsapi]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmsapiSettings {
    /// Primary endpoint; SMSAPI's production host by default.
    #[serde(default)]
    pub url: Option<String>,
    /// Backup endpoint used when the primary cannot be connected to; `""` turns it off.
    #[serde(default)]
    pub backup_url: Option<String>,
    /// The environment variable holding the OAuth token.
    #[serde(default)]
    pub token_env: Option<String>,
    /// A file holding the OAuth token (readable by the service only).
    #[serde(default)]
    pub token_file: Option<PathBuf>,
    /// Sender name (SMSAPI's rules: ≤ 11 characters, a letter, at most 3 digits in a row).
    #[serde(default)]
    pub sender: Option<String>,
    /// Where SMSAPI sends delivery reports: this service's public `/callbacks/smsapi`; the
    /// installation's secret is appended as the last path segment ([`notify_url`]).
    #[serde(default)]
    pub notify_url: Option<String>,
}

/// `[smtp]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpSettings {
    /// Relay host.
    pub host: String,
    /// Port: 587 (STARTTLS) or 465 (TLS) by default.
    #[serde(default)]
    pub port: Option<u16>,
    /// `start_tls` (default) or `tls`; plain text is not offered.
    #[serde(default = "default_security")]
    pub security: SmtpSecurity,
    /// Login, when the relay wants one.
    #[serde(default)]
    pub username: Option<String>,
    /// The environment variable holding the password.
    #[serde(default)]
    pub password_env: Option<String>,
    /// The sender address.
    pub from: String,
    /// The sender's display name.
    #[serde(default)]
    pub from_name: Option<String>,
    /// An extra trusted CA (PEM), for a relay with a corporate certificate.
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
}

fn default_security() -> SmtpSecurity {
    SmtpSecurity::StartTls
}

/// A live channel that cannot be built.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct LiveError(pub String);

fn secret(env: Option<&str>, file: Option<&PathBuf>, what: &str) -> Result<String, LiveError> {
    if let Some(name) = env {
        return std::env::var(name)
            .map(|v| v.trim().to_owned())
            .map_err(|_| {
                LiveError(format!(
                    "{what}: zmienna środowiskowa {name} nie jest ustawiona"
                ))
            });
    }
    if let Some(path) = file {
        return std::fs::read_to_string(path)
            .map(|v| v.trim().to_owned())
            .map_err(|e| LiveError(format!("{what}: {}: {e}", path.display())));
    }
    Err(LiveError(format!(
        "{what}: podaj token_env albo token_file (sekret nie może stać w pliku konfiguracji)"
    )))
}

/// The `notify_url` handed to SMSAPI: the configured base and the installation's callback
/// secret (`Store::service_secret`) as its last path segment.
pub fn notify_url(base: &str, secret: &str) -> String {
    format!("{}/{secret}", base.trim_end_matches('/'))
}

/// The SMSAPI client the settings describe; `callback_secret` completes `notify_url`.
pub fn smsapi_client(s: &SmsapiSettings, callback_secret: &str) -> Result<SmsapiClient, LiveError> {
    let token = secret(s.token_env.as_deref(), s.token_file.as_ref(), "[smsapi]")?;
    let sender = s
        .sender
        .as_deref()
        .map(SenderName::parse)
        .transpose()
        .map_err(|e| LiveError(format!("[smsapi] sender: {}", e.message(Lang::Pl))))?;
    let config = SmsapiConfig {
        base_url: s.url.clone().unwrap_or_else(|| PRODUCTION_URL.to_owned()),
        backup_url: match &s.backup_url {
            Some(u) if u.trim().is_empty() => None,
            Some(u) => Some(u.clone()),
            None if s.url.is_none() => Some(BACKUP_URL.to_owned()),
            None => None,
        },
        token,
        sender,
        notify_url: s
            .notify_url
            .as_deref()
            .map(|u| notify_url(u, callback_secret)),
        timeout: Duration::from_secs(20),
        retry: RetryPolicy::default(),
    };
    SmsapiClient::new(config).map_err(|e| LiveError(format!("[smsapi]: {e}")))
}

/// The SMTP sender the settings describe.
pub fn smtp_sender(s: &SmtpSettings, clock: Arc<dyn Clock>) -> Result<SmtpSender, LiveError> {
    let from = Email::parse(&s.from).map_err(|e| LiveError(format!("[smtp] from: {e}")))?;
    let password = match (&s.username, &s.password_env) {
        (Some(_), Some(env)) => Some(secret(Some(env), None, "[smtp] password")?),
        (Some(_), None) => {
            return Err(LiveError(
                "[smtp]: username wymaga password_env (hasło ze zmiennej środowiskowej)".into(),
            ));
        }
        _ => None,
    };
    let extra_root_pem = s
        .ca_file
        .as_ref()
        .map(|p| {
            std::fs::read(p).map_err(|e| LiveError(format!("[smtp] ca_file {}: {e}", p.display())))
        })
        .transpose()?;
    let domain = from
        .as_str()
        .rsplit_once('@')
        .map_or_else(|| s.host.clone(), |(_, d)| d.to_owned());
    let config = SmtpConfig {
        host: s.host.clone(),
        port: s.port.unwrap_or(match s.security {
            SmtpSecurity::StartTls => 587,
            SmtpSecurity::Tls => 465,
        }),
        security: s.security,
        credentials: s.username.clone().zip(password),
        from,
        from_name: s.from_name.clone(),
        reply_to: None,
        message_id_domain: domain,
        extra_root_pem,
        timeout: Duration::from_secs(30),
    };
    SmtpSender::new(config, clock).map_err(|e| LiveError(format!("[smtp]: {e}")))
}

/// The runner's channels: the configured live adapters beside `test_mode`.
pub fn channels(
    smsapi: Option<&SmsapiSettings>,
    smtp: Option<&SmtpSettings>,
    callback_secret: &str,
    clock: Arc<dyn Clock>,
    test_mode: Arc<dyn DynChannel>,
) -> Result<Channels, LiveError> {
    let mut channels = Channels::new(test_mode);
    if let Some(s) = smsapi {
        let client = smsapi_client(s, callback_secret)?;
        let adapter: Arc<dyn DynChannel> = Arc::new(SmsapiChannel::new(client.clone()));
        channels = channels
            .with(Channel::Sms, Arc::clone(&adapter))
            .with(Channel::Voice, adapter)
            .with_sms_account(client);
    }
    if let Some(s) = smtp {
        channels = channels.with(
            Channel::Email,
            Arc::new(EmailChannel::new(smtp_sender(s, clock)?)),
        );
    }
    Ok(channels)
}

/// Asks SMSAPI for the status of SMS and voice messages sent at least two minutes and at most
/// three days ago whose delivery is not known (a lost callback, or no `notify_url`), and records
/// the final ones like a callback would. Returns how many were recorded.
pub async fn poll_deliveries(
    store: &crate::store::Store,
    client: &SmsapiClient,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<usize, crate::store::StoreError> {
    let waiting = store
        .awaiting_delivery(
            now - chrono::Duration::minutes(2),
            now - chrono::Duration::days(3),
            500,
        )
        .await?;
    let mut recorded = 0;
    for (id, channel) in waiting {
        match client.status(&id, channel == "voice").await {
            Ok(s) if s.status.is_final() => {
                if store
                    .record_delivery(&id, None, s.status.name(), s.status.is_delivered(), now)
                    .await?
                {
                    recorded += 1;
                }
            }
            Ok(_) => {}
            Err(e) => {
                // The next round asks again; one failing message must not stop the others,
                // but a provider that is down stops the round.
                tracing::warn!(id, error = %e, "SMSAPI status poll failed");
                if e.class() != inkaso_channels::smsapi::ErrorClass::Permanent {
                    break;
                }
            }
        }
    }
    Ok(recorded)
}

/// `serve`'s delivery poller: [`poll_deliveries`] every `every` until `stop` turns true.
pub async fn run_delivery_polling(
    store: crate::store::Store,
    client: SmsapiClient,
    clock: Arc<dyn Clock>,
    every: Duration,
    stop: tokio::sync::watch::Receiver<bool>,
) {
    crate::periodic::every(every, stop, || async {
        match poll_deliveries(&store, &client, clock.now()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(recorded = n, "SMSAPI delivery statuses polled"),
            Err(e) => tracing::warn!(error = %e, "SMSAPI delivery polling failed"),
        }
    })
    .await;
}
