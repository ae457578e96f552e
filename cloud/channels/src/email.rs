//! E-mail over SMTP with lettre (rustls; STARTTLS or implicit TLS; authentication).
//!
//! A message has a plain-text and an HTML part, the subject from the template, a Reply-To,
//! the stage's BCC addresses ("UDW" in the seed) and optionally the PDF letter. Its Message-ID
//! is derived from the action's idempotency key, so a retry after a crash sends the *same*
//! Message-ID and history, bounces and replies all correlate with one action. DKIM is left to
//! the relay (`research/dependencies.md` §5: lettre's signer produced invalid signatures with
//! its default settings and pulls an unpatched `rsa`).

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use inkaso_shared::{Clock, Email, Lang, Localized};
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::{Deserialize, Serialize};

use crate::smsapi::ErrorClass;

/// How the connection to the relay is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS, which is required (port 587).
    StartTls,
    /// TLS from the first byte (SMTPS, port 465).
    Tls,
}

/// The tenant's SMTP settings.
#[derive(Clone)]
pub struct SmtpConfig {
    /// Relay host name (also the name its certificate must carry).
    pub host: String,
    /// Port: 587 for STARTTLS, 465 for TLS.
    pub port: u16,
    /// STARTTLS or TLS.
    pub security: SmtpSecurity,
    /// Login and password, when the relay requires authentication.
    pub credentials: Option<(String, String)>,
    /// The sender.
    pub from: Email,
    /// The sender's display name (the firm).
    pub from_name: Option<String>,
    /// Where replies go, when not to the sender.
    pub reply_to: Option<Email>,
    /// Domain of generated Message-IDs (normally the sender's domain).
    pub message_id_domain: String,
    /// Extra trusted root certificates (PEM): a corporate CA, or a test CA.
    pub extra_root_pem: Option<Vec<u8>>,
    /// Connection and command timeout.
    pub timeout: Duration,
}

impl std::fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The password is a credential: never in logs.
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("login", &self.credentials.as_ref().map(|(user, _)| user))
            .field("from", &self.from)
            .field("reply_to", &self.reply_to)
            .finish_non_exhaustive()
    }
}

/// A file attached to a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailAttachment {
    /// File name shown to the debtor, e.g. `wezwanie-do-zapłaty.pdf`.
    pub filename: String,
    /// MIME type, e.g. `application/pdf`.
    pub content_type: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// One e-mail to a debtor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailMessage {
    /// Recipient.
    pub to: Email,
    /// Recipient's display name.
    pub to_name: Option<String>,
    /// Subject (from the template).
    pub subject: String,
    /// Plain-text part.
    pub text: String,
    /// HTML part.
    pub html: Option<String>,
    /// The stage's BCC addresses.
    pub bcc: Vec<Email>,
    /// Where the debtor's reply goes (the firm's accountant); the relay's setting when `None`.
    pub reply_to: Option<Email>,
    /// The letter, when the stage attaches it.
    pub attachment: Option<EmailAttachment>,
}

/// A message the relay accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentEmail {
    /// The Message-ID (with angle brackets), recorded in history.
    pub message_id: String,
    /// The relay's reply, e.g. `250 OK`.
    pub response: String,
}

/// Why an e-mail was not sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("niepoprawny adres lub nazwa w wiadomości: {0}")]
    Address(String),
    #[error("nie udało się zbudować wiadomości: {0}")]
    Build(String),
    #[error("błędna konfiguracja SMTP: {0}")]
    Config(String),
    #[error("serwer SMTP odrzucił wiadomość ({code}): {message}")]
    Rejected { code: u16, message: String },
    #[error("błąd połączenia z serwerem SMTP: {0}")]
    Connection(String),
    #[error("błąd TLS połączenia z serwerem SMTP: {0}")]
    Tls(String),
}

impl Localized for EmailError {
    fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::Pl => self.to_string(),
            Lang::En => match self {
                EmailError::Address(e) => format!("invalid address or name in the message: {e}"),
                EmailError::Build(e) => format!("cannot build the message: {e}"),
                EmailError::Config(e) => format!("invalid SMTP settings: {e}"),
                EmailError::Rejected { code, message } => {
                    format!("the SMTP server refused the message ({code}): {message}")
                }
                EmailError::Connection(e) => format!("cannot talk to the SMTP server: {e}"),
                EmailError::Tls(e) => format!("TLS error with the SMTP server: {e}"),
            },
        }
    }
}

impl EmailError {
    /// What the engine should do: authentication refused (530, 534, 535, 538) or a broken
    /// configuration pauses the channel; other 5xx fail this message; 4xx and connection
    /// problems are retried.
    pub fn class(&self) -> ErrorClass {
        match self {
            EmailError::Address(_) | EmailError::Build(_) => ErrorClass::Permanent,
            EmailError::Config(_) | EmailError::Tls(_) => ErrorClass::Account,
            EmailError::Rejected { code, .. } => match code {
                530 | 534 | 535 | 538 => ErrorClass::Account,
                400..=499 => ErrorClass::Transient,
                _ => ErrorClass::Permanent,
            },
            EmailError::Connection(_) => ErrorClass::Transient,
        }
    }
}

/// The Message-ID for an action: stable across retries, unique per key. A key made of safe
/// characters is used as it is (readable in the mailbox); any other key is replaced by its
/// SHA-256, keeping keys that differ only in unsafe characters apart.
pub fn message_id_for(key: &str, domain: &str) -> String {
    let safe = !key.is_empty()
        && key.len() <= 128
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if safe {
        format!("<inkaso.{key}@{domain}>")
    } else {
        use sha2::Digest as _;
        format!(
            "<inkaso.h-{}@{domain}>",
            hex::encode(sha2::Sha256::digest(key.as_bytes()))
        )
    }
}

fn mailbox(name: Option<&str>, email: &Email) -> Result<Mailbox, EmailError> {
    let address = email
        .as_str()
        .parse()
        .map_err(|e: lettre::address::AddressError| EmailError::Address(format!("{email}: {e}")))?;
    Ok(Mailbox::new(name.map(str::to_owned), address))
}

/// Sends e-mail through one relay.
#[derive(Clone)]
pub struct SmtpSender {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    config: SmtpConfig,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for SmtpSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The password stays out of logs.
        f.debug_struct("SmtpSender")
            .field("host", &self.config.host)
            .field("port", &self.config.port)
            .field("security", &self.config.security)
            .finish_non_exhaustive()
    }
}

impl SmtpSender {
    /// A sender for `config`; the clock dates the messages.
    pub fn new(config: SmtpConfig, clock: Arc<dyn Clock>) -> Result<Self, EmailError> {
        let mut tls = TlsParameters::builder(config.host.clone());
        if let Some(pem) = &config.extra_root_pem {
            let cert = Certificate::from_pem(pem).map_err(|e| EmailError::Config(e.to_string()))?;
            tls = tls.add_root_certificate(cert);
        }
        let tls = tls
            .build_rustls()
            .map_err(|e| EmailError::Config(e.to_string()))?;
        let mut builder =
            AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(config.host.clone())
                .port(config.port)
                .timeout(Some(config.timeout))
                .tls(match config.security {
                    SmtpSecurity::StartTls => Tls::Required(tls),
                    SmtpSecurity::Tls => Tls::Wrapper(tls),
                });
        if let Some((user, password)) = &config.credentials {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(SmtpSender {
            transport: builder.build(),
            config,
            clock,
        })
    }

    /// Builds the MIME message for action `key` (pure: no I/O).
    pub fn build(&self, key: &str, msg: &EmailMessage) -> Result<(Message, String), EmailError> {
        let message_id = message_id_for(key, &self.config.message_id_domain);
        let mut builder = Message::builder()
            .from(mailbox(
                self.config.from_name.as_deref(),
                &self.config.from,
            )?)
            .to(mailbox(msg.to_name.as_deref(), &msg.to)?)
            .subject(msg.subject.clone())
            .message_id(Some(message_id.clone()))
            .date(SystemTime::from(self.clock.now()));
        if let Some(reply_to) = msg.reply_to.as_ref().or(self.config.reply_to.as_ref()) {
            builder = builder.reply_to(mailbox(None, reply_to)?);
        }
        for bcc in &msg.bcc {
            builder = builder.bcc(mailbox(None, bcc)?);
        }
        let body = match &msg.html {
            Some(html) => MultiPart::alternative_plain_html(msg.text.clone(), html.clone()),
            None => MultiPart::mixed().singlepart(SinglePart::plain(msg.text.clone())),
        };
        let body = match &msg.attachment {
            Some(att) => {
                let content_type = ContentType::parse(&att.content_type)
                    .map_err(|e| EmailError::Build(e.to_string()))?;
                MultiPart::mixed().multipart(body).singlepart(
                    Attachment::new(att.filename.clone()).body(att.bytes.clone(), content_type),
                )
            }
            None => body,
        };
        let message = builder
            .multipart(body)
            .map_err(|e| EmailError::Build(e.to_string()))?;
        Ok((message, message_id))
    }

    /// Sends the message for action `key`.
    pub async fn send(&self, key: &str, msg: &EmailMessage) -> Result<SentEmail, EmailError> {
        let (message, message_id) = self.build(key, msg)?;
        match self.transport.send(message).await {
            Ok(response) => Ok(SentEmail {
                message_id,
                response: format!(
                    "{} {}",
                    response.code(),
                    response.message().collect::<Vec<_>>().join(" ")
                ),
            }),
            Err(e) => Err(classify(&e)),
        }
    }

    /// Checks the settings: connects, secures the connection and logs in ("Testuj połączenie").
    pub async fn test_connection(&self) -> Result<(), EmailError> {
        match self.transport.test_connection().await {
            Ok(true) => Ok(()),
            Ok(false) => Err(EmailError::Connection("brak odpowiedzi serwera".into())),
            Err(e) => Err(classify(&e)),
        }
    }
}

fn classify(e: &lettre::transport::smtp::Error) -> EmailError {
    let text = e.to_string();
    if let Some(code) = e.status() {
        EmailError::Rejected {
            code: u16::from(code),
            message: text,
        }
    } else if e.is_tls() || tls_handshake_failed(e) {
        EmailError::Tls(text)
    } else {
        EmailError::Connection(text)
    }
}

/// lettre reports a refused certificate during the STARTTLS upgrade as a connection error; the
/// TLS layer underneath says `InvalidData`. A certificate problem does not heal by retrying, so
/// it is told apart from a dropped connection.
fn tls_handshake_failed(e: &lettre::transport::smtp::Error) -> bool {
    let mut source = std::error::Error::source(e);
    while let Some(err) = source {
        if let Some(io) = err.downcast_ref::<std::io::Error>()
            && io.kind() == std::io::ErrorKind::InvalidData
        {
            return true;
        }
        source = err.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_ids_are_stable_and_distinct() {
        let a = message_id_for("t1:action:42", "firma.pl");
        assert_eq!(a, message_id_for("t1:action:42", "firma.pl"));
        assert_ne!(a, message_id_for("t1_action_42", "firma.pl"));
        assert_eq!(
            message_id_for("case-1.r2", "firma.pl"),
            "<inkaso.case-1.r2@firma.pl>"
        );
        assert!(
            a.starts_with("<inkaso.h-") && a.ends_with("@firma.pl>"),
            "{a}"
        );
    }

    #[test]
    fn smtp_codes_are_classified() {
        let r = |code| EmailError::Rejected {
            code,
            message: String::new(),
        };
        assert_eq!(r(535).class(), ErrorClass::Account);
        assert_eq!(r(550).class(), ErrorClass::Permanent);
        assert_eq!(r(451).class(), ErrorClass::Transient);
        assert_eq!(
            EmailError::Connection(String::new()).class(),
            ErrorClass::Transient
        );
    }
}
