//! The whole path of the product, assembled once for the demo (`make demo`) and the end-to-end
//! tests (`tests/integration/whole_path.rs`, `tests/whole_path_profiles.rs`): a generated ERP database of
//! any sample profile (Subiekt GT by default; every ERP-side statement comes from
//! `inkaso_sample_erp::SampleErp`, so no ERP table is named here) → the agent → the
//! cloud on SQLite over HTTP → the process engine on a simulated clock → SMS through the SMSAPI
//! simulator, e-mail through a real SMTP server (aiosmtpd), PDF letters and posting books →
//! results back in the agent.
//!
//! [`WholePath`] owns every part and the simulated calendar: [`WholePath::start`] builds them,
//! [`WholePath::after_first_sync`] does what the client does once the debtors are in the cloud
//! (consents, the VAT register), [`WholePath::day`] walks one simulated day (payments in the
//! ERP, the agent's sync, register look-ups, a promise to pay, the engine's tick),
//! [`WholePath::summary`] counts what every side saw, and [`WholePath::export`] writes the
//! letters and posting books to the folder. The engine and the channels are exactly the
//! production ones (`inkaso_cloud::live::channels`, `services::runner::tick`); only the
//! providers are stand-ins.
//!
//! The clock. The cloud's API, the engine, the SMSAPI simulator and the agent's syncs during the
//! simulated days share one [`ManualClock`](inkaso_shared::ManualClock). The freshness guard holds every action when the
//! agent's last successful sync is older than 24 h, judged by `agents.last_sync_at` (the
//! heartbeat's own stamp from the agent's clock) and `last_batch_at` (the cloud's clock when a
//! batch arrives). The agent CLI runs on the system clock, so it is used at the start, while
//! the simulated clock still equals the real one; every simulated day's sync then runs the
//! agent library's `sync_once_at` — the same cycle, results pull, reports and heartbeat as
//! `sync --once` — on the shared clock, so each day's heartbeat is stamped with the simulated
//! day and the guard sees an agent that synced an hour before the tick.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use anyhow::{Context as _, bail};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use inkaso_agent::commands::Agent;
use inkaso_agent::state::State;
use inkaso_channels::interest::EurRate;
use inkaso_channels::template::{Creditor, Template};
use inkaso_cloud::domain::cases::{CaseStatus, PartnerDecision};
use inkaso_cloud::domain::ids::PartnerId;
use inkaso_cloud::live::{self, SmsapiSettings, SmtpSettings};
use inkaso_cloud::process::compose::ChannelSettings;
use inkaso_cloud::process::{Pause, PauseKind, Process};
use inkaso_cloud::regon::{Bir, TEST_KEY as REGON_TEST_KEY};
use inkaso_cloud::services::case_mail::{self, CaseMailer, MailRound};
use inkaso_cloud::services::runner::{Channels, LoggingTestMode, RunnerConfig, TickSummary, tick};
use inkaso_cloud::store::TenantScope;
use inkaso_cloud::store::accounts::TenantKind;
use inkaso_cloud::store::cases::{Case, CaseFilter, PageRequest};
use inkaso_cloud::store::feed::parse_cursor;
use inkaso_cloud::store::processes::{ActionFilter, ActionView};
use inkaso_cloud::store::query::ConsentChange;
use inkaso_cloud::vat::{WhiteList, lookup_once};
use inkaso_connectors::{ConnectorConfig, ProfileKind};
use inkaso_sample_erp::{EveryKth, GeneratorSpec, SampleErp};
use inkaso_shared::{Clock as _, Lang};
use inkaso_simulators::regon::{Entity, RegonSim, SimConfig as RegonSimConfig};
use inkaso_simulators::smsapi::{SimConfig as SmsSimConfig, SmsapiSimulator};
use inkaso_simulators::vat_register::{SimConfig as VatSimConfig, Subject, VatRegisterSim};
use inkaso_testkit::smtp::{Certs, Mode, SmtpServer};
use serde_json::json;
use sqlx::Row as _;

use crate::{Harness, OpenDocuments};

/// The SMSAPI token the simulator accepts; the cloud reads it from a file, as in production.
const SMS_TOKEN: &str = "demo-token";

/// How big a run is and where it lives.
#[derive(Debug, Clone)]
pub struct Options {
    /// The folder for everything (must be empty or absent).
    pub dir: PathBuf,
    /// The ERP (a profile with a sample database; the demo's default is `subiekt_gt`).
    pub profile: ProfileKind,
    /// Contractors in the ERP.
    pub debtors: u64,
    /// Settlement rows (about 70 % open receivables).
    pub settlements: u64,
    /// The first simulated day (ticks at 09:00 UTC, 10:00 or 11:00 in Warsaw).
    pub first_day: NaiveDate,
}

/// What happened on one simulated day, for progress and assertions.
#[derive(Debug, Clone, Default)]
pub struct DayReport {
    /// The day.
    pub date: NaiveDate,
    /// What the ERP's users did that day (payments), in words.
    pub erp_events: Vec<String>,
    /// Documents that left the unpaid set that day (paid in full), synced at `synced_at`.
    pub paid_in_full: Vec<String>,
    /// When the agent synced that day.
    pub synced_at: Option<DateTime<Utc>>,
    /// Operations the agent sent that day.
    pub ops_sent: u64,
    /// Results the agent received that day.
    pub results_received: u64,
    /// Company look-ups answered by the VAT register.
    pub companies_found: usize,
    /// Companies' activities (PKD) answered by the REGON register.
    pub sectors_found: usize,
    /// A promise to pay recorded that day: (debtor, until).
    pub promise: Option<(String, NaiveDate)>,
    /// The engine's tick.
    pub tick: TickSummary,
    /// The e-mails about cases after it (the law firm's digest, the creditor's news).
    pub case_mail: MailRound,
}

/// What every side saw at the end.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Documents the cloud ever received from the agent.
    pub documents_synced: i64,
    /// Debtors the cloud holds.
    pub debtors_synced: i64,
    /// Actions by (channel, status).
    pub actions: BTreeMap<(String, String), usize>,
    /// E-mails the SMTP server stored.
    pub emails_received: usize,
    /// SMS the SMSAPI simulator accepted.
    pub sms_accepted: usize,
    /// Delivery reports the simulator sent to the cloud.
    pub sms_callbacks: usize,
    /// Letters stored in the cloud (ordinary, registered).
    pub letters: (usize, usize),
    /// Hand-off actions sent, from the history.
    pub handoffs: Vec<ActionView>,
    /// The cases those hand-offs opened at the law-firm partner.
    pub cases: Vec<Case>,
    /// Results in the agent's state, and in the cloud's feed for the agent.
    pub results_agent: u64,
    /// Results in the cloud's feed for the agent.
    pub results_cloud: u64,
    /// Report files the agent wrote.
    pub report_files: Vec<PathBuf>,
    /// Open documents: ERP, agent snapshot, cloud.
    pub open_erp: usize,
    /// The agent's snapshot of open documents.
    pub open_agent: usize,
    /// The cloud's open documents.
    pub open_cloud: usize,
    /// ERP, agent and cloud hold the same open documents (and the cloud the same amounts).
    pub consistent: bool,
}

/// Every part of the path, wired together in one folder.
#[derive(Debug)]
pub struct WholePath {
    /// ERP, cloud, tenant and the shared clock.
    pub h: Harness,
    /// The agent's configuration file.
    pub agent_config: PathBuf,
    /// Where the agent writes its daily result reports.
    pub reports_dir: PathBuf,
    /// The SMSAPI simulator.
    pub sms: SmsapiSimulator,
    /// The VAT register simulator.
    pub vat: VatRegisterSim,
    /// The REGON register simulator (debtors' activity, for the market comparison).
    pub regon: RegonSim,
    /// The SMTP server and where it stores messages.
    pub smtp: SmtpServer,
    /// The first simulated day.
    pub first_day: NaiveDate,
    /// The ERP and what its users do to it.
    pub erp: SampleErp,
    _certs: Certs,
    channels: Channels,
    runner: RunnerConfig,
    agent: Option<Agent>,
    day_index: u32,
    /// The law firm the client hands cases to.
    pub partner: TenantScope,
}

/// A debtor's SMS to the firm and what the cloud replied.
#[derive(Debug, Clone)]
pub struct SmsExchange {
    /// The debtor's name.
    pub debtor: String,
    /// Its number (E.164).
    pub number: String,
    /// What it texted.
    pub text: String,
    /// The reply SMSAPI accepted, if one.
    pub reply: Option<String>,
}

/// The process: −3 SMS; 0 e-mail; +7 e-mail with the PDF demand; +14 SMS every 7 days
/// ×3; +30 registered letter; +45 hand-off to a law firm (both from 500 zł) — the process of
/// the engine's scenario tests.
pub fn standard_process() -> anyhow::Result<Process> {
    Ok(serde_json::from_value(
        json!({"code": "STD", "name": "Standardowy", "is_default": true, "stages": [
            {"code": "S-3", "name": "Przypomnienie SMS", "channel": "sms", "offset_days": -3, "template": "sms-przed", "grouping": "per_document"},
            {"code": "E0", "name": "E-mail w dniu terminu", "channel": "email", "offset_days": 0, "template": "email-termin"},
            {"code": "E7", "name": "Wezwanie do zapłaty", "channel": "email", "offset_days": 7, "template": "email-wezwanie",
             "pdf": {"title": "demand", "add_compensation": true}},
            {"code": "S14", "name": "SMS ponaglenie", "channel": "sms", "offset_days": 14, "template": "sms-po",
             "repeat": {"every_days": 7, "times": 3}, "grouping": "per_document"},
            {"code": "RL30", "name": "List polecony", "channel": "registered_letter", "offset_days": 30, "template": "list-wezwanie",
             "min_amount": {"amount": {"minor": 50000, "currency": "PLN"}, "scope": "per_document"}},
            {"code": "H45", "name": "Przekazanie do kancelarii", "channel": "handoff", "offset_days": 45, "template": "kancelaria",
             "min_amount": {"amount": {"minor": 50000, "currency": "PLN"}, "scope": "per_document"}}
        ]}),
    )?)
}

/// The templates the process names, as a client would write them.
fn templates() -> anyhow::Result<Vec<(&'static str, Template)>> {
    let t = |v: serde_json::Value| serde_json::from_value::<Template>(v);
    Ok(vec![
        (
            "sms-przed",
            t(
                json!({"name": "SMS przed terminem", "channel": "sms", "reason": "upcoming", "lang": "pl",
            "body": "<wierzyciel>: przypominamy o płatności <suma_naleznosci> w terminie. Jeśli już zapłacili Państwo, dziękujemy."}),
            )?,
        ),
        (
            "sms-po",
            t(
                json!({"name": "SMS po terminie", "channel": "sms", "reason": "arrears", "lang": "pl",
            "body": "<wierzyciel>: zaległość <suma_naleznosci>. Prosimy o wpłatę do <termin_zaplaty> na rachunek <rachunek>.<dopisek_zobowiazania>",
            "promise_note": " Dziękujemy za deklarację zapłaty do <data_zobowiazania>.", "max_parts": 3}),
            )?,
        ),
        (
            "email-termin",
            t(
                json!({"name": "E-mail w dniu terminu", "channel": "email", "reason": "arrears", "lang": "pl",
            "subject": "Termin płatności – <wierzyciel>",
            "body": "Dzień dobry,\n\nuprzejmie przypominamy, że <stan_terminu>. Dotyczy to:\n<dokumenty>\nRazem: <suma_naleznosci>. Rachunek: <rachunek>.\n\nJeśli zapłacili Państwo, prosimy zignorować tę wiadomość.\n\nZ poważaniem\n<wierzyciel>"}),
            )?,
        ),
        (
            "email-wezwanie",
            t(
                json!({"name": "Wezwanie do zapłaty", "channel": "email", "reason": "arrears", "lang": "pl",
            "subject": "Wezwanie do zapłaty – <wierzyciel>",
            "body": "Dzień dobry,\n\nw załączeniu wezwanie do zapłaty za:\n<dokumenty>\nRazem: <suma_naleznosci>. Prosimy o wpłatę do <termin_zaplaty> na rachunek <rachunek>.<dopisek_zobowiazania>\n\nZ poważaniem\n<wierzyciel>",
            "promise_note": "\n\nDziękujemy za deklarację zapłaty do <data_zobowiazania>."}),
            )?,
        ),
    ])
}

/// The creditor printed in letters and the EUR rate for the recovery compensation.
fn channel_settings() -> ChannelSettings {
    let mut s = ChannelSettings {
        creditor: Some(Creditor {
            name: "Hurtownia Zażółć Sp. z o.o.".into(),
            nip: None,
            street: "ul. Piotrkowska 12".into(),
            postcode_city: "90-001 Łódź".into(),
            bank_account: "47 1020 1026 0000 0102 0304 0506".into(),
            contact: Some("+48 42 123 45 67".into()),
        }),
        ..ChannelSettings::default()
    };
    s.letters.rates.eur = Some(EurRate(42_500));
    // The account's two-way number in the SMSAPI simulator: debtors text "Saldo" or "STOP".
    s.sms.inbound_number = Some("+48799599599".into());
    s.sms.payment_link = Some("https://zaplac.hurtownia-zazolc.pl".into());
    s
}

/// The day's tick: 09:00 UTC, within every stage's default hours in Warsaw.
pub fn at_nine(day: NaiveDate) -> DateTime<Utc> {
    (day.and_time(NaiveTime::MIN) + Duration::hours(9)).and_utc()
}

impl WholePath {
    /// Builds the ERP (due dates spread around `first_day`), starts the cloud (its clock at
    /// `now`, so the agent CLI's `check` finds the clocks in step), the simulators and the SMTP
    /// server, and configures the tenant: creditor, process, templates, live channels.
    pub async fn start(opts: &Options, now: DateTime<Utc>) -> anyhow::Result<WholePath> {
        std::fs::create_dir_all(&opts.dir)?;
        let dir = std::fs::canonicalize(&opts.dir)?;
        let erp = SampleErp::new(opts.profile)?;
        let spec = GeneratorSpec {
            debtors: opts.debtors,
            settlements: opts.settlements,
            seed: 2026,
        };
        let (connection, _) = erp.generate(&dir.join("erp"), spec)?;
        let connector = ConnectorConfig {
            connection,
            profile: erp.profile_settings(),
            ..ConnectorConfig::default()
        };
        let mut h = Harness::start_with(&dir, connector, now).await?;
        // The generators date their invoices in 2024–25; a demo wants them falling due around
        // the simulated months: from 15 days overdue to 35 days ahead of the first day.
        h.erp_execute(&erp.prepare_for_demo(opts.first_day))?;

        let reports_dir = dir.join("raporty-agenta");
        let agent_config = h.write_agent_config()?;
        let mut text = std::fs::read_to_string(&agent_config)?;
        text.push_str("\n[results]\nreports_dir = ");
        text.push_str(&toml::Value::from(reports_dir.display().to_string()).to_string());
        text.push('\n');
        std::fs::write(&agent_config, text)?;

        let clock: Arc<dyn inkaso_shared::Clock> = h.clock.clone();
        let sms = SmsapiSimulator::start(
            SmsSimConfig {
                token: SMS_TOKEN.into(),
                points: 1_000_000_000,
                ..SmsSimConfig::default()
            },
            Arc::clone(&clock),
        )
        .await?;
        let vat = VatRegisterSim::start(VatSimConfig::new(opts.first_day)).await?;
        let regon = RegonSim::start(RegonSimConfig::default()).await?;
        let certs = Certs::in_dir(&dir.join("smtp-certyfikaty"))?;
        let smtp = SmtpServer::start_in(&certs, Mode::StartTls, None, &dir.join("poczta"))?;

        let token_file = dir.join("smsapi-token");
        std::fs::write(&token_file, SMS_TOKEN)?;
        let smsapi = SmsapiSettings {
            url: Some(sms.base_url()),
            backup_url: Some(String::new()),
            token_env: None,
            token_file: Some(token_file),
            sender: Some("Inkaso".into()),
            notify_url: Some(format!("{}/callbacks/smsapi", h.cloud_url())),
        };
        let smtp_settings = SmtpSettings {
            host: "localhost".into(),
            port: Some(smtp.port()),
            security: inkaso_channels::email::SmtpSecurity::StartTls,
            username: None,
            password_env: None,
            from: "windykacja@hurtownia-zazolc.pl".into(),
            from_name: Some("Hurtownia Zażółć Sp. z o.o.".into()),
            ca_file: Some(certs.ca_pem()),
        };
        // Exactly what `inkaso-cloud serve --channels-config` builds, with the installation's
        // callback secret in SMSAPI's notify_url.
        let callback_secret = h
            .store
            .service_secret(
                inkaso_cloud::store::security::SMSAPI_CALLBACK_SECRET,
                clock.now(),
            )
            .await?;
        let channels = live::channels(
            Some(&smsapi),
            Some(&smtp_settings),
            &callback_secret,
            clock,
            Arc::new(LoggingTestMode),
        )?;

        // The cloud answers debtors' SMS through the same channels the runner sends with.
        h.serve_with(inkaso_cloud::services::Engine {
            channels: channels.clone(),
            runner: RunnerConfig::default(),
        })
        .await?;
        let partner = configure_tenant(&h, now).await?;
        Ok(WholePath {
            h,
            agent_config,
            reports_dir,
            sms,
            vat,
            regon,
            smtp,
            first_day: opts.first_day,
            erp,
            _certs: certs,
            channels,
            runner: RunnerConfig::default(),
            agent: None,
            day_index: 0,
            partner,
        })
    }

    /// Runs the agent CLI (`bin`) with the configuration and returns what it printed.
    pub fn agent_cli(&self, bin: &Path, args: &[&str]) -> anyhow::Result<String> {
        let out = Command::new(bin)
            .arg("--config")
            .arg(&self.agent_config)
            .args(args)
            .output()
            .with_context(|| format!("running {}", bin.display()))?;
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        if !out.status.success() {
            bail!(
                "inkaso-agent {} failed:\n{stdout}{}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Ok(stdout)
    }

    /// What the client does once its debtors are in the cloud: records the SMS consents its
    /// customers gave (every debtor with a mobile number, through the same store call as the
    /// portal), and the VAT register learns the companies (the simulator stands in for the
    /// Ministry's register, which knows every active VAT payer).
    pub async fn after_first_sync(&self) -> anyhow::Result<()> {
        let now = self.h.clock.now();
        let t = self.h.tenant.as_str();
        let with_phone: Vec<String> = sqlx::query(
            "SELECT DISTINCT debtor_id FROM contacts WHERE tenant_id = $1 AND channel = 'sms'",
        )
        .bind(t)
        .fetch_all(self.h.store.pool())
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
        for id in with_phone {
            let change = ConsentChange {
                channel: "sms",
                consent: true,
                source: "portal",
                actor: "demo",
                basis: None,
            };
            self.h
                .store
                .set_consent(&self.h.tenant, &id, &change, now)
                .await?;
        }
        let companies = sqlx::query(
            "SELECT nip, name, external_id FROM debtors WHERE tenant_id = $1 AND nip IS NOT NULL",
        )
        .bind(t)
        .fetch_all(self.h.store.pool())
        .await?;
        for (i, r) in companies.iter().enumerate() {
            let nip: String = r.get(0);
            let name: String = r.get(1);
            let city = ["WARSZAWA", "KRAKÓW", "ŁÓDŹ", "GDAŃSK"][i % 4];
            let address = format!(
                "UL. HANDLOWA {}, {:02}-{:03} {city}",
                i + 1,
                i % 100,
                i % 1000
            );
            self.vat
                .add(Subject::company(&nip, &name.to_uppercase(), &address));
            // Trade, construction, manufacturing, transport, IT; every seventh a sole trader
            // the register lists no activity for, as it often does.
            let code = ["4690Z", "4120Z", "2511Z", "4941Z", "6201Z"][i % 5];
            let regon = format!("{:09}", 100_000_000 + i);
            self.regon.add(if i % 7 == 6 {
                Entity::sole_trader(&nip, &regon, &name.to_uppercase(), &[])
            } else {
                Entity::company(&nip, &regon, &name.to_uppercase(), &[code])
            });
        }
        Ok(())
    }

    /// The agent library over the same configuration file as the CLI, opened once.
    async fn agent(&mut self) -> anyhow::Result<&Agent> {
        if self.agent.is_none() {
            let config = inkaso_agent::config::load(&self.agent_config, &|v| std::env::var(v).ok())
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            self.agent = Some(
                Agent::open(config, Lang::Pl)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?,
            );
        }
        self.agent.as_ref().context("agent")
    }

    /// One simulated day at 09:00 UTC: the ERP's users post payments, the agent syncs (and
    /// pulls results, writes its reports, sends its heartbeat), the VAT register answers, a
    /// debtor promises to pay, and the engine ticks.
    pub async fn day(&mut self) -> anyhow::Result<DayReport> {
        let index = self.day_index;
        self.day_index += 1;
        let date = self.first_day + Duration::days(i64::from(index));
        let now = at_nine(date);
        // A forward-only clock: the demo's first day is after the real "now" it started at.
        if now > self.h.clock.now() {
            self.h.clock.set(now);
        }
        let mut report = DayReport {
            date,
            ..DayReport::default()
        };
        let erp = self.erp;
        let payments: Vec<(&str, String)> = match index {
            3 => vec![(
                "co dziewiąty rozrachunek zapłacony w całości",
                erp.pay_in_full(EveryKth::new(9, 0)),
            )],
            12 => vec![(
                "co siódmy rozrachunek zapłacony w połowie",
                erp.pay_half(EveryKth::new(7, 0)),
            )],
            25 => vec![(
                "kontrahenci o numerach kończących się na 3 spłacają wszystko",
                erp.debtors_pay_everything(EveryKth::new(10, 3)),
            )],
            40 => vec![(
                "co piąty z pozostałych rozrachunków zapłacony w całości",
                erp.pay_in_full(EveryKth::new(5, 1)),
            )],
            _ => Vec::new(),
        };
        let before = if payments.is_empty() {
            None
        } else {
            Some(self.h.erp_open()?)
        };
        for (what, sql) in &payments {
            self.h.erp_execute(sql)?;
            report.erp_events.push((*what).to_owned());
        }

        let clock = Arc::clone(&self.h.clock);
        let synced = self
            .agent()
            .await?
            .sync_once_at(clock.as_ref(), false, false)
            .await
            .map_err(|e| anyhow::anyhow!("synchronizacja agenta: {e}"))?;
        report.synced_at = Some(clock.now());
        report.ops_sent = synced.report.shipped.ops;
        report.results_received = synced.results_new;
        if let Some(before) = before {
            let after = self.h.erp_open()?;
            report.paid_in_full = before
                .keys()
                .filter(|k| !after.contains_key(*k))
                .cloned()
                .collect();
        }

        self.vat.set_today(date);
        let register = WhiteList::new(&self.vat.base_url())?;
        loop {
            match lookup_once(&self.h.store, &register, clock.as_ref()).await {
                Ok(0) => break,
                Ok(n) => report.companies_found += n,
                Err(e) => bail!("rejestr VAT: {e}"),
            }
        }
        let regon = Bir::new(&self.regon.url(), REGON_TEST_KEY, std::time::Duration::ZERO)?;
        loop {
            match inkaso_cloud::regon::lookup_once(&self.h.store, &regon, clock.as_ref()).await {
                Ok(0) => break,
                Ok(n) => report.sectors_found += n,
                Err(e) => bail!("rejestr REGON: {e}"),
            }
        }

        if index == 8 {
            report.promise = self.promise(date).await?;
        }

        report.tick = tick(
            &self.h.store,
            clock.as_ref(),
            &self.channels,
            &self.h.tenant,
            &self.runner,
        )
        .await?;
        report.case_mail = self.case_mail().await?;
        // Delivery reports of today's SMS reach the cloud's callback.
        self.sms.deliver_callbacks().await;
        Ok(report)
    }

    /// One round of the e-mails about cases, as `serve` runs every minute, through the live
    /// SMTP channel, with links to this cloud's portal.
    pub async fn case_mail(&self) -> anyhow::Result<MailRound> {
        let mail = self
            .channels
            .email()
            .ok_or_else(|| anyhow::anyhow!("kanał e-mail nie jest skonfigurowany"))?;
        let mailer = CaseMailer::new(mail, Some(&self.h.cloud_url()));
        Ok(case_mail::round(&self.h.store, self.h.clock.as_ref(), &mailer).await?)
    }

    /// One more sync of the agent without a tick, as the next morning's would be: it brings
    /// back the results of the last tick. Returns how many results arrived.
    pub async fn final_sync(&mut self) -> anyhow::Result<u64> {
        let clock = Arc::clone(&self.h.clock);
        clock.advance(Duration::hours(1));
        let synced = self
            .agent()
            .await?
            .sync_once_at(clock.as_ref(), false, false)
            .await
            .map_err(|e| anyhow::anyhow!("synchronizacja agenta: {e}"))?;
        Ok(synced.results_new)
    }

    /// The law firm takes up the first case handed to it: accepts it and, a week later, files
    /// it in court with a note. Every change reaches the client's history and the agent.
    pub async fn partner_works_first_case(&self) -> anyhow::Result<Option<Case>> {
        let page = PageRequest {
            after: None,
            limit: Some(1),
        };
        let cases = self
            .h
            .store
            .cases_for_partner(&self.partner, &CaseFilter::default(), &page)
            .await?;
        let Some(case) = cases.items.into_iter().last() else {
            return Ok(None);
        };
        let now = self.h.clock.now();
        self.h
            .store
            .partner_decide(
                &self.partner,
                &case.id,
                PartnerDecision::Accept,
                Some("przyjmujemy sprawę"),
                "mecenas",
                now,
            )
            .await?;
        let case = self
            .h
            .store
            .partner_set_status(
                &self.partner,
                &case.id,
                CaseStatus::InCourt,
                Some("pozew w e-sądzie (EPU) złożony"),
                "mecenas",
                now,
            )
            .await?;
        Ok(Some(case))
    }

    /// Every case the client handed over, oldest first.
    pub async fn cases(&self) -> anyhow::Result<Vec<Case>> {
        let mut out = Vec::new();
        let mut after = None;
        loop {
            let page = PageRequest {
                after: after.take(),
                limit: Some(500),
            };
            let p = self
                .h
                .store
                .cases_for_client(&self.h.tenant, &CaseFilter::default(), &page)
                .await?;
            out.extend(p.items);
            match p.next_cursor {
                Some(c) => after = Some(c),
                None => break,
            }
        }
        out.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        Ok(out)
    }

    /// A debtor with overdue documents phones in and promises to pay within two weeks: the
    /// engine holds its actions until then.
    async fn promise(&self, today: NaiveDate) -> anyhow::Result<Option<(String, NaiveDate)>> {
        let row = sqlx::query(
            "SELECT debtor_external_id FROM documents WHERE tenant_id = $1 AND status = 'open'
               AND due_date < $2 AND remaining_minor >= 50000
             ORDER BY debtor_external_id LIMIT 1",
        )
        .bind(self.h.tenant.as_str())
        .bind(today.format("%Y-%m-%d").to_string())
        .fetch_optional(self.h.store.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let debtor: String = row.get(0);
        let until = today + Duration::days(14);
        let pause = Pause {
            kind: PauseKind::PromiseToPay,
            until: Some(until),
            reason: "telefoniczna deklaracja zapłaty".into(),
            document: None,
        };
        self.h
            .store
            .add_pause(
                &self.h.tenant,
                &self.h.agent,
                &debtor,
                &pause,
                "windykator",
                self.h.clock.now(),
            )
            .await?;
        Ok(Some((debtor, until)))
    }

    /// The whole history. The store's query answers at most 10 000 rows (1 000 by default);
    /// a run that outgrows it fails here instead of counting a truncated history.
    /// The `nth` debtor (by name) with a mobile number and something open texts `text` to the
    /// firm's two-way number: the SMSAPI simulator forwards it to the cloud's inbound callback
    /// as SMSAPI does; returns the exchange (`None` when no such debtor).
    pub async fn debtor_texts(
        &self,
        nth: usize,
        text: &str,
    ) -> anyhow::Result<Option<SmsExchange>> {
        use sqlx::Row as _;
        let rows = sqlx::query(
            "SELECT d.name, c.value FROM contacts c \
             JOIN debtors d ON d.tenant_id = c.tenant_id AND d.debtor_id = c.debtor_id \
             WHERE c.tenant_id = $1 AND c.channel = 'sms' AND d.removed = 0 AND EXISTS ( \
               SELECT 1 FROM documents o WHERE o.tenant_id = d.tenant_id AND o.agent_id = d.agent_id \
                 AND o.debtor_external_id = d.external_id AND o.status = 'open') \
             ORDER BY d.name, d.debtor_id",
        )
        .bind(self.h.tenant.as_str())
        .fetch_all(self.h.store.pool())
        .await?;
        // Only a mobile texts: debtors whose ERP number is a landline cannot.
        let mut mobiles = Vec::new();
        for row in &rows {
            let (debtor, number): (String, String) = (row.try_get(0)?, row.try_get(1)?);
            if inkaso_shared::Phone::parse(&number).is_ok_and(|p| p.is_mobile()) {
                mobiles.push((debtor, number));
            }
        }
        let Some((debtor, number)) = mobiles.into_iter().nth(nth) else {
            return Ok(None);
        };
        let secret = self
            .h
            .store
            .service_secret(
                inkaso_cloud::store::security::SMSAPI_CALLBACK_SECRET,
                self.h.clock.now(),
            )
            .await?;
        let url = format!("{}/callbacks/smsapi/{secret}/inbound", self.h.cloud_url());
        let from = number.trim_start_matches('+');
        let before = self.sms.messages().len();
        let delivery = self.sms.send_inbound(&url, from, text).await;
        anyhow::ensure!(
            delivery.acknowledged,
            "the cloud did not take the SMS: {delivery:?}"
        );
        let reply = self.sms.messages()[before..]
            .iter()
            .find(|m| m.number == from)
            .map(|m| m.text.clone());
        Ok(Some(SmsExchange {
            debtor,
            number,
            text: text.to_owned(),
            reply,
        }))
    }

    pub async fn actions(&self) -> anyhow::Result<Vec<ActionView>> {
        const MAX: usize = 10_000;
        let filter = ActionFilter {
            limit: Some(10_000),
            ..ActionFilter::default()
        };
        let actions = self.h.store.actions(&self.h.tenant, &filter).await?;
        if actions.len() >= MAX {
            bail!("historia ma {MAX} akcji lub więcej: zmniejsz demo (--debtors, --days)");
        }
        Ok(actions)
    }

    /// Every item of the cloud's results feed for the agent, by cursor.
    pub async fn cloud_feed(&self) -> anyhow::Result<Vec<String>> {
        let mut out = Vec::new();
        let mut after = 0;
        loop {
            let page = self
                .h
                .store
                .results_page(&self.h.tenant, &self.h.agent, after, 500)
                .await?;
            out.extend(page.items.iter().map(|i| i.cursor.clone()));
            let next = parse_cursor(Some(&page.next_cursor))?;
            if !page.has_more || page.items.is_empty() || next == after {
                return Ok(out);
            }
            after = next;
        }
    }

    /// Every result the agent holds, by cursor.
    pub async fn agent_results(&self) -> anyhow::Result<Vec<String>> {
        let state = State::open(&self.h.state_path()).await?;
        let rows = sqlx::query("SELECT cursor FROM result ORDER BY position")
            .fetch_all(state.pool())
            .await?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    /// The agent's snapshot: the documents it believes the cloud holds open.
    pub async fn agent_open(&self) -> anyhow::Result<BTreeSet<String>> {
        let state = State::open(&self.h.state_path()).await?;
        let snapshot = state.load_snapshot().await?;
        Ok(snapshot.document_ids().map(str::to_owned).collect())
    }

    /// Counts from every side.
    pub async fn summary(&self) -> anyhow::Result<Summary> {
        let actions = self.actions().await?;
        let mut by = BTreeMap::new();
        for a in &actions {
            *by.entry((a.channel.clone(), a.status.clone())).or_insert(0) += 1;
        }
        let letters = self.h.store.letters(&self.h.tenant, None, None).await?;
        let registered = letters.iter().filter(|l| l.registered).count();
        let erp: OpenDocuments = self.h.erp_open()?;
        let cloud = self.h.cloud_open().await?;
        let agent = self.agent_open().await?;
        let erp_keys: BTreeSet<String> = erp.keys().cloned().collect();
        let counts = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM debtors WHERE tenant_id = $1),
                    (SELECT COUNT(*) FROM documents WHERE tenant_id = $1)",
        )
        .bind(self.h.tenant.as_str())
        .fetch_one(self.h.store.pool())
        .await?;
        let mut report_files: Vec<PathBuf> = std::fs::read_dir(&self.reports_dir)
            .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        report_files.sort();
        Ok(Summary {
            documents_synced: counts.try_get(1)?,
            debtors_synced: counts.try_get(0)?,
            actions: by,
            emails_received: self.smtp.count(),
            sms_accepted: self.sms.counters().sms_accepted,
            sms_callbacks: self.sms.counters().callbacks_sent,
            letters: (letters.len() - registered, registered),
            handoffs: actions
                .into_iter()
                .filter(|a| a.channel == "handoff" && a.status == "sent")
                .collect(),
            cases: self.cases().await?,
            results_agent: u64::try_from(self.agent_results().await?.len())?,
            results_cloud: u64::try_from(self.cloud_feed().await?.len())?,
            report_files,
            open_erp: erp.len(),
            open_agent: agent.len(),
            open_cloud: cloud.len(),
            consistent: erp == cloud && erp_keys == agent,
        })
    }

    /// Writes every stored letter's PDF to `<dir>/pisma/` and each posting day's book (PDF and
    /// CSV) to `<dir>/ksiazki-nadawcze/`; returns the paths written.
    pub async fn export(&self) -> anyhow::Result<Vec<PathBuf>> {
        let letters_dir = self.h.dir.join("pisma");
        let books_dir = self.h.dir.join("ksiazki-nadawcze");
        std::fs::create_dir_all(&letters_dir)?;
        std::fs::create_dir_all(&books_dir)?;
        let mut out = Vec::new();
        let letters = self.h.store.letters(&self.h.tenant, None, None).await?;
        let mut days = BTreeSet::new();
        for l in &letters {
            let (name, pdf) = self.h.store.letter_pdf(&self.h.tenant, &l.id).await?;
            let path = letters_dir.join(name);
            std::fs::write(&path, pdf)?;
            out.push(path);
            if l.registered {
                days.insert(l.date);
            }
        }
        for day in days {
            let book = self.h.store.posting_book(&self.h.tenant, day).await?;
            let (pdf, _) = book
                .to_pdf(Lang::Pl)
                .map_err(|e| anyhow::anyhow!("książka nadawcza {day}: {e:?}"))?;
            let base = books_dir.join(format!("ksiazka-nadawcza-{day}"));
            std::fs::write(base.with_extension("pdf"), pdf)?;
            std::fs::write(base.with_extension("csv"), book.to_csv(Lang::Pl)?)?;
            out.push(base.with_extension("pdf"));
            out.push(base.with_extension("csv"));
        }
        Ok(out)
    }

    /// Stops the cloud (the simulators and the SMTP server stop when dropped).
    pub async fn stop(self) -> anyhow::Result<()> {
        drop(self.agent);
        self.h.stop().await
    }
}

/// The client's set-up: its law-firm partner, channel settings, the process and templates.
/// Returns the partner's id.
async fn configure_tenant(h: &Harness, now: DateTime<Utc>) -> anyhow::Result<TenantScope> {
    let t = &h.tenant;
    let partner = h
        .store
        .create_tenant(TenantKind::Partner, "Kancelaria Prawna Lex", now)
        .await?;
    h.store
        .link_partner(t, &PartnerId::from(partner.id.clone()), now)
        .await?;
    h.store
        .set_channel_settings(t, &channel_settings(), now)
        .await?;
    h.store.put_process(t, standard_process()?, now).await?;
    for (code, mut template) in templates()? {
        template
            .prepare_for_save()
            .map_err(|e| anyhow::anyhow!("szablon {code}: {e:?}"))?;
        h.store.put_template(t, code, &template, now).await?;
    }
    Ok(TenantScope::operator(partner.id))
}
