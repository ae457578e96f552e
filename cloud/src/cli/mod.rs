//! The cloud's command line: parsed here, executed by the library.
//!
//! Every command takes `--database-url` (or `INKASO_DATABASE_URL`); without it the SQLite file
//! `inkaso.db` in `--data-dir` is used. Secrets (agent and API tokens, generated passwords) are
//! printed once and stored only as hashes.
//!
//! The output speaks the operator's language, `--lang pl|en` (or `INKASO_LANG`; Polish by
//! default), with its words from the catalogues (`locales/*/cli.ftl`); the `key: value` lines
//! scripts read (`tenant_id: …`) stay as they are in either language. A refusal (an unknown
//! tenant, a taken e-mail) is printed in that language too ([`in_lang`]).

use std::io::BufRead as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

pub mod process;
pub mod stats;

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand};
use inkaso_shared::{Clock, Email, Lang, Localized as _, SystemClock};

use crate::domain::Invalid;
use crate::domain::accounts::{Role, TenantKind};
use crate::domain::ids::{AgentId, PartnerId, TenantId};
use crate::i18n;
use crate::server::{FileSettings, Settings};
use crate::services::{App, Engine, ServiceError};
use crate::store::StoreError;
use crate::store::accounts::generate_password;
use crate::store::{Store, TenantScope};

/// Inkaso cloud: the multi-tenant service that runs collection processes for client firms,
/// takes their agents' data and serves the client API and portal.
#[derive(Debug, Parser)]
#[command(name = "inkaso-cloud", version, about, long_about = None)]
pub struct Cli {
    /// Database shared by every command.
    #[command(flatten)]
    pub db: DbArgs,
    /// Language of the output: pl or en.
    #[arg(long, global = true, env = "INKASO_LANG", default_value = "pl", value_parser = parse_lang)]
    pub lang: Lang,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Where the data is.
#[derive(Debug, Clone, Args)]
pub struct DbArgs {
    /// `postgres://user@host/db` or `sqlite://path?mode=rwc`; default: `<data-dir>/inkaso.db`.
    #[arg(long, global = true, env = "INKASO_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Directory of the default SQLite database.
    #[arg(long, global = true, env = "INKASO_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// TOML config file (keys as in docs/cloud.md).
    #[arg(long, global = true, env = "INKASO_CONFIG")]
    pub config: Option<PathBuf>,
}

/// The cloud's commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the version and the sync protocol version it speaks.
    Version,
    /// Apply pending database migrations.
    Migrate,
    /// Run the service.
    Serve(ServeArgs),
    /// Client firms.
    #[command(subcommand)]
    Tenant(TenantCmd),
    /// People who use the portal.
    #[command(subcommand)]
    User(UserCmd),
    /// Agents (one per ERP database).
    #[command(subcommand)]
    Agent(AgentCmd),
    /// Partner law firms.
    #[command(subcommand)]
    Partner(PartnerCmd),
    /// API tokens for programs using the client API.
    #[command(subcommand, name = "api-token")]
    ApiToken(ApiTokenCmd),
    /// Run the collection processes once for a tenant (on demand; the catch-up tool).
    Run(crate::cli::process::RunArgs),
    /// Collection processes.
    #[command(subcommand)]
    Process(crate::cli::process::ProcessCmd),
    /// Payment-delay statistics over a history file (predictions, their backtest, the market
    /// comparison); no database.
    #[command(subcommand)]
    Stats(crate::cli::stats::StatsCmd),
    /// Print the delivery-report address to enter in SMSAPI's panel (with this installation's
    /// secret; `serve` hands it to SMSAPI with every message when `[smsapi] notify_url` is set).
    #[command(name = "callback-url")]
    CallbackUrl {
        /// The service's public address, e.g. `https://inkaso.example.pl` (default: the
        /// config file's `[smsapi] notify_url`).
        #[arg(long)]
        base: Option<String>,
    },
}

/// `serve` options (each also from the config file and `INKASO_*`).
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (default 127.0.0.1:8080).
    #[arg(long, env = "INKASO_LISTEN")]
    pub listen: Option<SocketAddr>,
    /// JSON logs.
    #[arg(long, env = "INKASO_LOG_JSON")]
    pub log_json: bool,
    /// VAT register base URL; empty turns lookups off.
    #[arg(long, env = "INKASO_VAT_REGISTER_URL")]
    pub vat_register_url: Option<String>,
    /// Leave `Secure` off the session cookie: only for plain-HTTP development.
    #[arg(long, env = "INKASO_INSECURE_COOKIES")]
    pub insecure_cookies: bool,
    /// The portal's public address (`https://inkaso.example.pl`), for links in e-mails.
    #[arg(long, env = "INKASO_PUBLIC_URL")]
    pub public_url: Option<String>,
}

impl ServeArgs {
    /// Lays the flags over the settings.
    fn apply(self, s: &mut crate::server::Settings) {
        if let Some(l) = self.listen {
            s.listen = l;
        }
        s.log_json |= self.log_json;
        if self.insecure_cookies {
            s.api.secure_cookies = false;
        }
        if let Some(v) = self.vat_register_url {
            s.vat_register_url = (!v.trim().is_empty()).then_some(v);
        }
        if let Some(v) = self.public_url {
            s.public_url = (!v.trim().is_empty()).then_some(v);
        }
    }
}

/// Tenant commands.
#[derive(Debug, Subcommand)]
pub enum TenantCmd {
    /// Create a client firm.
    Create {
        /// Its name.
        #[arg(long)]
        name: String,
    },
}

/// User commands.
#[derive(Debug, Subcommand)]
pub enum UserCmd {
    /// Add a user; prints a generated password when none is given.
    Add {
        /// The tenant's (or partner's) id.
        #[arg(long)]
        tenant: String,
        /// E-mail (the login).
        #[arg(long)]
        email: String,
        /// admin, editor or viewer.
        #[arg(long)]
        role: String,
        /// The password (prefer INKASO_USER_PASSWORD or --password-stdin).
        #[arg(long, env = "INKASO_USER_PASSWORD", hide_env_values = true)]
        password: Option<String>,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
}

/// Agent commands.
#[derive(Debug, Subcommand)]
pub enum AgentCmd {
    /// Create an agent; prints its token once.
    Create {
        /// The tenant's id.
        #[arg(long)]
        tenant: String,
        /// A name (`Subiekt — centrala`).
        #[arg(long)]
        name: String,
    },
    /// Revoke an agent's token (effective on its next request).
    Revoke {
        /// The tenant's id.
        #[arg(long)]
        tenant: String,
        /// The agent's id.
        #[arg(long)]
        agent: String,
    },
    /// A new token for an agent, printed once: the old one stops working; the agent keeps
    /// its id, batch sequence and results position (a revoked agent is reinstated).
    Rotate {
        /// The tenant's id.
        #[arg(long)]
        tenant: String,
        /// The agent's id.
        #[arg(long)]
        agent: String,
    },
}

/// Partner commands.
#[derive(Debug, Subcommand)]
pub enum PartnerCmd {
    /// Create a partner law firm (add its users with `user add --tenant <partner id>`).
    Create {
        /// Its name.
        #[arg(long)]
        name: String,
        /// Link it to this client firm at once.
        #[arg(long)]
        client: Option<String>,
    },
    /// Let a partner take cases of a client firm.
    Link {
        /// The client firm's id.
        #[arg(long)]
        tenant: String,
        /// The partner's id.
        #[arg(long)]
        partner: String,
    },
}

/// API token commands.
#[derive(Debug, Subcommand)]
pub enum ApiTokenCmd {
    /// Create a token; prints it once.
    Create {
        /// The tenant's id.
        #[arg(long)]
        tenant: String,
        /// A name (`raporty BI`).
        #[arg(long)]
        name: String,
        /// admin, editor or viewer.
        #[arg(long, default_value = "viewer")]
        role: String,
    },
    /// Revoke a token.
    Revoke {
        /// The tenant's id.
        #[arg(long)]
        tenant: String,
        /// The token's id.
        #[arg(long)]
        token: String,
    },
}

/// `--lang`: the codes [`Lang`] knows (`pl`, `en`, `en-GB`, …).
fn parse_lang(text: &str) -> Result<Lang, String> {
    text.parse()
        .map_err(|_| i18n::text_with(Lang::Pl, "cli-unknown-lang", &[("lang", text.into())]))
}

fn settings(db: &DbArgs) -> anyhow::Result<Settings> {
    let mut s = Settings::default();
    if let Some(path) = &db.config {
        s = s.with_file(FileSettings::load(path)?);
    }
    if let Some(url) = &db.database_url {
        s.database_url = Some(url.clone());
    }
    if let Some(dir) = &db.data_dir {
        s.data_dir.clone_from(dir);
    }
    Ok(s)
}

async fn open(s: &Settings, lang: Lang) -> anyhow::Result<Store> {
    let url = s.resolved_database_url()?;
    Store::open(&url, 2)
        .await
        .with_context(|| i18n::text(lang, "cli-db-open-failed"))
}

/// Runs a parsed command; a refusal comes back in the operator's language.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    let lang = cli.lang;
    if let Command::Version = cli.command {
        println!(
            "{}",
            i18n::text_with(
                lang,
                "cli-version",
                &[
                    ("version", env!("CARGO_PKG_VERSION").into()),
                    (
                        "protocol",
                        (&inkaso_shared::protocol::PROTOCOL_VERSION).into()
                    ),
                ],
            )
        );
        return Ok(());
    }
    if let Command::Stats(cmd) = &cli.command {
        return stats::run(cmd, lang);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime
        .block_on(run_async(cli))
        .map_err(|e| in_lang(e, lang))
}

/// An error as the operator reads it: a use case's or the store's refusal, which carries both
/// languages, in `lang`; anything else (a database down, a bad config file) as it is.
pub fn in_lang(error: anyhow::Error, lang: Lang) -> anyhow::Error {
    let text = if let Some(e) = error.downcast_ref::<ServiceError>() {
        refusal(e, lang)
    } else if let Some(e) = error.downcast_ref::<StoreError>() {
        store_refusal(e, lang)
    } else if let Some(e) = error.downcast_ref::<Invalid>() {
        Some(invalid_text(e, lang))
    } else {
        error
            .downcast_ref::<process::CommandError>()
            .map(|e| e.message(lang))
    };
    match text {
        Some(text) => anyhow::Error::msg(text),
        None => error,
    }
}

/// A use case's refusal in `lang`; `None` for a failure that has no words of its own (the
/// store failing), which is shown as it is.
pub(crate) fn refusal(e: &ServiceError, lang: Lang) -> Option<String> {
    match e {
        ServiceError::NotFound { what_pl, what_en } => Some(not_found_text(
            match lang {
                Lang::Pl => what_pl,
                Lang::En => what_en,
            },
            lang,
        )),
        ServiceError::Invalid(i) => Some(invalid_text(i, lang)),
        ServiceError::Conflict {
            message_pl,
            message_en,
        } => Some(
            match lang {
                Lang::Pl => message_pl,
                Lang::En => message_en,
            }
            .clone(),
        ),
        ServiceError::Process(p) => Some(p.message(lang)),
        ServiceError::Template(t) => Some(t.message(lang)),
        ServiceError::Store(s) => store_refusal(s, lang),
    }
}

fn store_refusal(e: &StoreError, lang: Lang) -> Option<String> {
    match e {
        StoreError::NotFound(what) => Some(not_found_text(what.get(lang), lang)),
        StoreError::Conflict(why) => Some(why.get(lang).to_owned()),
        StoreError::Invalid {
            field,
            message_pl,
            message_en,
        } => Some(i18n::text_with(
            lang,
            "cli-invalid",
            &[
                ("field", field.into()),
                (
                    "reason",
                    match lang {
                        Lang::Pl => message_pl,
                        Lang::En => message_en,
                    }
                    .into(),
                ),
            ],
        )),
        _ => None,
    }
}

fn not_found_text(what: &str, lang: Lang) -> String {
    i18n::text_with(lang, "err-http-not-found", &[("what", what.into())])
}

fn invalid_text(e: &Invalid, lang: Lang) -> String {
    i18n::text_with(
        lang,
        "cli-invalid",
        &[
            ("field", (&e.field).into()),
            ("reason", e.message(lang).into()),
        ],
    )
}

/// `inkaso-cloud user add`: the password from stdin, the flag, or generated and printed once.
async fn user_add(
    s: &Settings,
    lang: Lang,
    tenant: &str,
    email: &str,
    role: &str,
    password: Option<String>,
    password_stdin: bool,
) -> anyhow::Result<()> {
    let email = Email::parse(email).map_err(|e| anyhow::Error::msg(e.message(lang)))?;
    let role: Role = role.parse()?;
    let (password, generated) = if password_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        (line.trim_end_matches(['\r', '\n']).to_owned(), false)
    } else if let Some(p) = password {
        (p, false)
    } else {
        (generate_password(), true)
    };
    let id = app(open(s, lang).await?)
        .add_user(&operator(tenant), "cli", &email, role, &password)
        .await?;
    say(
        lang,
        "cli-user-added",
        &[
            ("email", email.as_str().into()),
            ("role", role.as_str().into()),
        ],
    );
    println!("user_id: {id}");
    if generated {
        say(
            lang,
            "cli-password-once",
            &[("password", (&password).into())],
        );
    }
    Ok(())
}

/// Prints the catalogues' message `id` in `lang`, a line of its own.
fn say(lang: Lang, id: &str, args: &[(&'static str, i18n::Arg)]) {
    println!("{}", i18n::text_with(lang, id, args));
}

/// `callback-url`: the delivery-report address with this installation's secret.
async fn callback_url(
    s: &crate::server::Settings,
    lang: Lang,
    base: Option<String>,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    let url = s.resolved_database_url()?;
    let store = Store::open(&url, 1).await?;
    let secret = store
        .service_secret(crate::store::security::SMSAPI_CALLBACK_SECRET, now)
        .await?;
    let base = match (base, s.smsapi.as_ref().and_then(|x| x.notify_url.clone())) {
        (Some(b), _) => format!("{}/callbacks/smsapi", b.trim_end_matches('/')),
        (None, Some(n)) => n,
        (None, None) => anyhow::bail!(i18n::text(lang, "cli-callback-base-missing")),
    };
    println!("{}", crate::live::notify_url(&base, &secret));
    Ok(())
}

#[allow(clippy::too_many_lines)] // one arm per command, each a few lines: a dispatch table
async fn run_async(cli: Cli) -> anyhow::Result<()> {
    let mut s = settings(&cli.db)?;
    let now = SystemClock.now();
    let lang = cli.lang;
    match cli.command {
        Command::Version => Ok(()),
        Command::Migrate => {
            let url = s.resolved_database_url()?;
            let store = Store::connect(&url, 1).await?;
            store.migrate().await?;
            say(
                lang,
                "cli-migrated",
                &[("backend", format!("{:?}", store.backend()).into())],
            );
            Ok(())
        }
        Command::CallbackUrl { base } => callback_url(&s, lang, base, now).await,
        Command::Serve(a) => {
            a.apply(&mut s);
            crate::server::init_logging(s.log_json);
            crate::server::serve(s).await?;
            Ok(())
        }
        Command::Tenant(TenantCmd::Create { name }) => {
            let t = app(open(&s, lang).await?)
                .create_firm(TenantKind::Client, &name)
                .await?;
            say(lang, "cli-firm-created", &[("name", (&t.name).into())]);
            println!("tenant_id: {}", t.id);
            Ok(())
        }
        Command::User(UserCmd::Add {
            tenant,
            email,
            role,
            password,
            password_stdin,
        }) => user_add(&s, lang, &tenant, &email, &role, password, password_stdin).await,
        Command::Agent(AgentCmd::Create { tenant, name }) => {
            let a = app(open(&s, lang).await?)
                .create_agent(&operator(&tenant), "cli", &name)
                .await?;
            say(lang, "cli-agent-created", &[("name", (&name).into())]);
            println!("agent_id: {}", a.id);
            say(lang, "cli-token-once", &[("token", (&a.secret).into())]);
            Ok(())
        }
        Command::Agent(AgentCmd::Revoke { tenant, agent }) => {
            app(open(&s, lang).await?)
                .revoke_agent(&operator(&tenant), "cli", &AgentId::new(agent.as_str()))
                .await?;
            say(lang, "cli-agent-revoked", &[("agent", (&agent).into())]);
            Ok(())
        }
        Command::Agent(AgentCmd::Rotate { tenant, agent }) => {
            let a = app(open(&s, lang).await?)
                .rotate_agent_token(&operator(&tenant), "cli", &AgentId::new(agent.as_str()))
                .await?;
            say(
                lang,
                "cli-agent-rotated",
                &[("agent", (&agent).into()), ("token", (&a.secret).into())],
            );
            Ok(())
        }
        Command::Partner(PartnerCmd::Create { name, client }) => {
            let app = app(open(&s, lang).await?);
            let p = app.create_firm(TenantKind::Partner, &name).await?;
            say(lang, "cli-partner-created", &[("name", (&p.name).into())]);
            println!("partner_id: {}", p.id);
            if let Some(client) = client {
                app.link_partner(&operator(&client), &PartnerId::from(p.id.clone()))
                    .await?;
                say(
                    lang,
                    "cli-partner-linked-to",
                    &[("client", (&client).into())],
                );
            }
            Ok(())
        }
        Command::Partner(PartnerCmd::Link { tenant, partner }) => {
            app(open(&s, lang).await?)
                .link_partner(&operator(&tenant), &PartnerId::new(partner.as_str()))
                .await?;
            say(
                lang,
                "cli-partner-linked",
                &[("partner", (&partner).into()), ("tenant", (&tenant).into())],
            );
            Ok(())
        }
        Command::ApiToken(ApiTokenCmd::Create { tenant, name, role }) => {
            let role: Role = role.parse()?;
            let t = app(open(&s, lang).await?)
                .create_api_token(&operator(&tenant), "cli", &name, role)
                .await?;
            say(
                lang,
                "cli-api-token-created",
                &[("name", (&name).into()), ("role", role.as_str().into())],
            );
            println!("token_id: {}", t.id);
            say(lang, "cli-token-once", &[("token", (&t.secret).into())]);
            Ok(())
        }
        Command::ApiToken(ApiTokenCmd::Revoke { tenant, token }) => {
            app(open(&s, lang).await?)
                .revoke_api_token(&operator(&tenant), "cli", &token)
                .await?;
            say(lang, "cli-api-token-revoked", &[("token", (&token).into())]);
            Ok(())
        }
        Command::Run(a) => Ok(process::run(open(&s, lang).await?, &a, lang, now).await?),
        Command::Process(c) => Ok(process::process(open(&s, lang).await?, &c, lang).await?),
        Command::Stats(c) => stats::run(&c, lang),
    }
}

/// The application over `store`, on the system clock (the operator's commands run now).
pub(crate) fn app(store: Store) -> App {
    App::new(store, Arc::new(SystemClock), Engine::default())
}

/// The scope of a tenant the operator names on the command line: the operator holds the
/// database, so naming a tenant is all the authentication there is.
pub(crate) fn operator(tenant: &str) -> TenantScope {
    TenantScope::operator(TenantId::new(tenant.trim()))
}
