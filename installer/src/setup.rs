//! `inkaso-installer setup`: from "I have the program" to "the agent runs and I saw what it
//! sends", without editing TOML by hand.
//!
//! Steps: (1) the ERP profile; (2) the connection — the driver is installed, the server
//! answers, the login works (each refusal named with its fix, SQL Server's usual ones
//! included); (3) the profile's tables are there, and the ERP's "do not collect" markers to
//! choose from; (4) the cloud's address and the agent token, checked against the cloud; (5) the
//! preview of exactly what will leave the machine, to confirm; (6) `agent.toml` and the token
//! file, readable by their owner alone; (7) the service, or one sync when there is none.
//!
//! Nothing is written until every check has passed and the preview is confirmed, so a failed
//! run leaves the machine as it was. Every question is also a flag (`--yes` asks nothing); an
//! existing configuration gives the defaults, so re-running the set-up edits it.

use std::collections::BTreeSet;
use std::io::{IsTerminal as _, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use inkaso_agent::commands::{self, Agent};
use inkaso_agent::config::AgentConfigFile;
use inkaso_agent::preview::{Format, preview};
use inkaso_connectors::discover::{Missing, discover};
use inkaso_connectors::drivers::{DriverKind, driver_name, sql_server_advice};
use inkaso_connectors::{ConnectionSettings, ProfileKind, ProfileSettings};
use inkaso_shared::{Lang, Localized as _};

use crate::ask::{Ask, Question, Terminal, Unanswered, Unattended};
use crate::doctor::registered_drivers;
use crate::pl_en;
use crate::service::{STATE_DIR, ServiceKind, install_systemd, install_windows};

/// The set-up's flags: each answers one question.
#[allow(clippy::struct_excessive_bools)] // command-line switches, each its own question
#[derive(Debug, Default, Args)]
pub struct SetupArgs {
    /// The agent's configuration file: written, or edited when it exists.
    #[arg(
        long,
        env = "INKASO_AGENT_CONFIG",
        default_value = "/etc/inkaso/agent.toml"
    )]
    pub config: PathBuf,
    /// The ERP profile: subiekt_gt, optima, comarch_xl, enova365, wapro_mag.
    #[arg(long)]
    pub profile: Option<String>,
    /// A data source name registered with unixODBC / Windows' ODBC administrator.
    #[arg(long, conflicts_with_all = ["connection_string", "driver"])]
    pub dsn: Option<String>,
    /// A whole ODBC connection string.
    #[arg(long, conflicts_with = "driver")]
    pub connection_string: Option<String>,
    /// The ODBC driver, as `inkaso-installer doctor` lists it (with --server and --database).
    #[arg(long)]
    pub driver: Option<String>,
    /// The database server (`serwer-erp\INSERTGT`, `serwer-erp,1433`).
    #[arg(long)]
    pub server: Option<String>,
    /// The ERP's database (the firm's, in Subiekt GT: the company's database).
    #[arg(long)]
    pub database: Option<String>,
    /// The ERP database's login (a read-only one).
    #[arg(long)]
    pub user: Option<String>,
    /// A file holding the ERP password; it is kept in agent.toml, which only the service reads.
    #[arg(long, conflicts_with_all = ["password_env", "no_password"])]
    pub password_file: Option<PathBuf>,
    /// The environment variable the service gets the ERP password from.
    #[arg(long, conflicts_with = "no_password")]
    pub password_env: Option<String>,
    /// No password (Windows login, or a DSN that holds it).
    #[arg(long)]
    pub no_password: bool,
    /// A "do not collect" marker, `key=value` as the set-up lists them (repeatable).
    #[arg(long = "marker")]
    pub markers: Vec<String>,
    /// Use none of the ERP's markers.
    #[arg(long, conflicts_with = "markers")]
    pub no_markers: bool,
    /// The Inkaso cloud's address (https://…).
    #[arg(long)]
    pub cloud_url: Option<String>,
    /// A file holding the agent token (it is copied to a file only the service can read).
    #[arg(long)]
    pub token_file: Option<PathBuf>,
    /// Allows an http:// cloud address: for tests only.
    #[arg(long)]
    pub allow_insecure_http: bool,
    /// How the agent runs: systemd (as root, where systemd runs), windows (as an administrator)
    /// or none.
    #[arg(long, value_enum)]
    pub service: Option<ServiceKind>,
    /// Skip the first sync (without a service).
    #[arg(long)]
    pub no_sync: bool,
    /// Ask nothing: flags, the existing configuration and defaults only.
    #[arg(long)]
    pub yes: bool,
}

/// Why the set-up stopped: what went wrong and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetupError {
    /// What went wrong.
    pub what: String,
    /// How to fix it.
    pub fix: Option<String>,
}

impl SetupError {
    fn new(what: String, fix: Option<String>) -> SetupError {
        SetupError { what, fix }
    }

    fn unanswered(e: &Unanswered, lang: Lang) -> SetupError {
        match e {
            Unanswered::Missing(flag) => SetupError::new(
                pl_en(
                    lang,
                    &format!("brak odpowiedzi na pytanie, a --yes nie pozwala pytać: podaj {flag}"),
                    &format!("no answer, and --yes asks nothing: give {flag}"),
                ),
                None,
            ),
            Unanswered::Terminal(why) => SetupError::new(
                pl_en(
                    lang,
                    &format!("przerwano ({why})"),
                    &format!("interrupted ({why})"),
                ),
                None,
            ),
        }
    }
}

/// `setup` from the command line: questions in a terminal, none with `--yes` or without one.
pub fn run_cli(args: &SetupArgs, lang: Lang) -> ExitCode {
    let mut terminal = Terminal;
    let mut unattended = Unattended;
    let ask: &mut dyn Ask = if args.yes || !std::io::stdin().is_terminal() {
        &mut unattended
    } else {
        &mut terminal
    };
    let mut out = std::io::stdout();
    match setup(args, ask, lang, &mut out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(out, "✗ {}", e.what);
            if let Some(fix) = e.fix {
                let _ = writeln!(out, "  → {fix}");
            }
            ExitCode::FAILURE
        }
    }
}

/// What an existing configuration says (the defaults of a second run).
#[derive(Debug, Default)]
struct Existing {
    table: toml::Table,
}

impl Existing {
    fn load(path: &Path, lang: Lang) -> Result<Existing, SetupError> {
        let Ok(text) = std::fs::read_to_string(path) else {
            return Ok(Existing::default());
        };
        let table = text.parse::<toml::Table>().map_err(|e| {
            SetupError::new(
                pl_en(
                    lang,
                    &format!(
                        "{}: istniejąca konfiguracja jest nieczytelna: {e}",
                        path.display()
                    ),
                    &format!(
                        "{}: the existing configuration cannot be read: {e}",
                        path.display()
                    ),
                ),
                Some(pl_en(
                    lang,
                    "popraw ją albo przenieś w inne miejsce i uruchom set-up ponownie",
                    "fix it or move it away and run the set-up again",
                )),
            )
        })?;
        Ok(Existing { table })
    }

    fn get(&self, section: &str, key: &str) -> Option<&toml::Value> {
        self.table.get(section)?.as_table()?.get(key)
    }

    fn text(&self, section: &str, key: &str) -> Option<String> {
        self.get(section, key)?.as_str().map(str::to_owned)
    }

    fn flag(&self, section: &str, key: &str) -> bool {
        self.get(section, key)
            .and_then(toml::Value::as_bool)
            .unwrap_or(false)
    }

    fn list(&self, key: &str) -> Vec<String> {
        self.get("erp", key)
            .and_then(toml::Value::as_array)
            .map(|a| {
                a.iter()
                    .map(|v| match v {
                        toml::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// The password as the configuration will hold it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Password {
    None,
    Inline(String),
    Env(String),
}

/// Everything the set-up decided, before anything is written.
#[derive(Debug, Clone)]
struct Plan {
    profile: ProfileKind,
    dsn: Option<String>,
    connection_string: Option<String>,
    user: Option<String>,
    password: Password,
    init_statements: Vec<String>,
    /// `(config key, value)` of the chosen markers.
    markers: BTreeSet<(String, String)>,
    cloud_url: String,
    allow_insecure_http: bool,
    token: String,
    token_file: PathBuf,
    state_path: Option<String>,
    /// What the set-up does not ask about, kept from an existing file.
    kept: toml::Table,
}

/// How much of the preview the set-up shows: the first lines (a sample of debtors) and the
/// last (the summary's counts).
const PREVIEW_HEAD: usize = 20;
const PREVIEW_TAIL: usize = 14;

const MARKER_KEYS: [&str; 5] = [
    "debtor_flag_ids",
    "document_flag_ids",
    "debtor_attribute_ids",
    "document_attribute_codes",
    "company_id",
];

impl Plan {
    /// The configuration file's text; the token inline (to check it before anything is
    /// written) or by its file.
    fn toml(&self, token_inline: bool) -> String {
        let mut file = self.kept.clone();
        let mut erp = file
            .get("erp")
            .and_then(toml::Value::as_table)
            .cloned()
            .unwrap_or_default();
        for key in [
            "profile",
            "dsn",
            "connection_string",
            "user",
            "password",
            "password_env",
            "init_statements",
        ]
        .iter()
        .chain(MARKER_KEYS.iter())
        {
            erp.remove(*key);
        }
        erp.insert("profile".into(), self.profile.name().into());
        if let Some(dsn) = &self.dsn {
            erp.insert("dsn".into(), dsn.as_str().into());
        }
        if let Some(cs) = &self.connection_string {
            erp.insert("connection_string".into(), cs.as_str().into());
        }
        if let Some(user) = &self.user {
            erp.insert("user".into(), user.as_str().into());
        }
        match &self.password {
            Password::None => {}
            Password::Inline(p) => {
                erp.insert("password".into(), p.as_str().into());
            }
            Password::Env(v) => {
                erp.insert("password_env".into(), v.as_str().into());
            }
        }
        if !self.init_statements.is_empty() {
            erp.insert(
                "init_statements".into(),
                self.init_statements.clone().into(),
            );
        }
        self.markers_into(&mut erp);
        file.insert("erp".into(), erp.into());
        let mut cloud = toml::Table::new();
        cloud.insert("url".into(), self.cloud_url.as_str().into());
        if token_inline {
            cloud.insert("token".into(), self.token.as_str().into());
        } else {
            cloud.insert(
                "token_file".into(),
                self.token_file.display().to_string().into(),
            );
        }
        if self.allow_insecure_http {
            cloud.insert("allow_insecure_http".into(), true.into());
        }
        file.insert("cloud".into(), cloud.into());
        if let Some(path) = &self.state_path {
            let mut state = file
                .get("state")
                .and_then(toml::Value::as_table)
                .cloned()
                .unwrap_or_default();
            state.insert("path".into(), path.as_str().into());
            file.insert("state".into(), state.into());
        }
        let mut text = String::from(
            "# The Inkaso agent's configuration, written by `inkaso-installer setup` (run it again to\n\
             # change it). Keys: docs/agent.md and docs/connectors.md.\n",
        );
        text.push_str(&toml::to_string(&file).unwrap_or_default());
        text
    }

    /// The chosen markers as the configuration's keys (ids as numbers, codes as text).
    fn markers_into(&self, erp: &mut toml::Table) {
        for key in MARKER_KEYS {
            let values: Vec<&str> = self
                .markers
                .iter()
                .filter(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
                .collect();
            if values.is_empty() {
                continue;
            }
            let value: toml::Value = if key == "document_attribute_codes" {
                values.into()
            } else if key == "company_id" {
                values[0]
                    .parse::<i64>()
                    .map_or_else(|_| values[0].into(), Into::into)
            } else {
                values
                    .iter()
                    .map(|v| {
                        v.parse::<i64>()
                            .map_or_else(|_| (*v).into(), toml::Value::from)
                    })
                    .collect::<Vec<toml::Value>>()
                    .into()
            };
            erp.insert(key.into(), value);
        }
    }

    fn connection(&self) -> ConnectionSettings {
        ConnectionSettings {
            dsn: self.dsn.clone(),
            connection_string: self.connection_string.clone(),
            user: self.user.clone(),
            password: match &self.password {
                Password::Inline(p) => Some(p.clone()),
                Password::Env(v) => std::env::var(v).ok(),
                Password::None => None,
            },
            init_statements: self.init_statements.clone(),
        }
    }
}

/// The set-up's run, talking to `out` and asking `ask`.
#[allow(clippy::too_many_lines)] // the steps, read top to bottom as the person lives them
pub fn setup(
    args: &SetupArgs,
    ask: &mut dyn Ask,
    lang: Lang,
    out: &mut dyn Write,
) -> Result<(), SetupError> {
    let t = |pl: &str, en: &str| pl_en(lang, pl, en);
    let q = |pl: &str, en: &str, flag: &'static str| Question {
        prompt: pl_en(lang, pl, en),
        flag,
    };
    let unanswered = |e: Unanswered| SetupError::unanswered(&e, lang);
    let mut say = |line: String| {
        let _ = writeln!(out, "{line}");
    };
    let existing = Existing::load(&args.config, lang)?;
    if !existing.table.is_empty() {
        say(t(
            &format!(
                "Istniejąca konfiguracja {}: jej ustawienia są domyślnymi odpowiedziami.",
                args.config.display()
            ),
            &format!(
                "Existing configuration {}: its settings are the default answers.",
                args.config.display()
            ),
        ));
    }

    // 1. The profile.
    say(t("\n[1/7] Program ERP", "\n[1/7] The ERP"));
    let offered: Vec<ProfileKind> = ProfileKind::ALL
        .into_iter()
        .filter(|k| *k != ProfileKind::Custom && k.experimental_reason().is_none())
        .collect();
    let named = args
        .profile
        .clone()
        .or_else(|| existing.text("erp", "profile"));
    let profile = if let Some(name) = named {
        name.parse::<ProfileKind>().map_err(|e| {
            SetupError::new(
                e.message(lang),
                Some(t(
                    "--profile: subiekt_gt, optima, comarch_xl, enova365, wapro_mag",
                    "--profile: subiekt_gt, optima, comarch_xl, enova365, wapro_mag",
                )),
            )
        })?
    } else {
        let items: Vec<String> = offered.iter().map(|k| profile_label(*k)).collect();
        let i = ask
            .choose(
                &q(
                    "Z jakiego programu czytać należności?",
                    "Which program holds the receivables?",
                    "--profile",
                ),
                &items,
                0,
            )
            .map_err(unanswered)?;
        offered[i]
    };
    say(format!("  ✓ {}", profile_label(profile)));

    // 2. The connection.
    say(t(
        "\n[2/7] Połączenie z bazą ERP (ODBC)",
        "\n[2/7] The ERP database connection (ODBC)",
    ));
    let drivers = registered_drivers();
    let (dsn, connection_string) = connection_of(args, &existing, ask, drivers.as_deref(), lang)?;
    let user = if let Some(u) = &args.user {
        Some(u.clone())
    } else {
        let default = existing.text("erp", "user");
        let answer = ask
            .text(
                &q(
                    "Użytkownik bazy (puste: logowanie Windows albo z DSN)",
                    "Database user (empty: Windows login or the DSN's)",
                    "--user",
                ),
                Some(default.as_deref().unwrap_or("")),
            )
            .map_err(unanswered)?;
        Some(answer.trim().to_owned()).filter(|u| !u.is_empty())
    };
    let password = if let Some(file) = &args.password_file {
        let text = std::fs::read_to_string(file).map_err(|e| {
            SetupError::new(format!("--password-file {}: {e}", file.display()), None)
        })?;
        Password::Inline(text.trim_end_matches(['\r', '\n']).to_owned())
    } else if let Some(var) = &args.password_env {
        Password::Env(var.clone())
    } else if args.no_password || user.is_none() {
        Password::None
    } else if let Some(p) = existing.text("erp", "password") {
        Password::Inline(p)
    } else if let Some(v) = existing.text("erp", "password_env") {
        Password::Env(v)
    } else {
        let p = ask
            .secret(&q("Hasło bazy", "Database password", "--password-file"))
            .map_err(unanswered)?;
        if p.is_empty() {
            Password::None
        } else {
            Password::Inline(p)
        }
    };
    let init_statements = existing.list("init_statements");
    let mut plan = Plan {
        profile,
        dsn,
        connection_string,
        user,
        password,
        init_statements,
        markers: BTreeSet::new(),
        cloud_url: String::new(),
        allow_insecure_http: false,
        token: String::new(),
        token_file: PathBuf::new(),
        state_path: existing.text("state", "path"),
        kept: existing.table.clone(),
    };
    check_driver(plan.connection_string.as_deref(), drivers.as_deref(), lang)?;
    let connection = plan.connection();
    let settings = ProfileSettings {
        kind: Some(profile),
        ..ProfileSettings::default()
    };
    // discover connects first: its refusal is the connection's.
    let discovery = discover(&connection, &settings).map_err(|e| {
        let message = e.message(lang);
        let driver = plan
            .connection_string
            .as_deref()
            .and_then(DriverKind::of_connection_string);
        let fix = sql_server_advice(&message, driver, lang).unwrap_or_else(|| {
            t(
                "sprawdź nazwę serwera, bazę, użytkownika i hasło; `inkaso-installer doctor` pokaże sterowniki",
                "check the server's name, the database, the user and the password; `inkaso-installer doctor` lists the drivers",
            )
        });
        SetupError::new(
            t(&format!("połączenie z bazą ERP nie działa: {message}"), &format!("the ERP database connection fails: {message}")),
            Some(fix),
        )
    })?;
    say(t(
        &format!(
            "  ✓ połączenie działa ({}, sterownik {})",
            discovery.dbms, discovery.driver
        ),
        &format!(
            "  ✓ the connection works ({}, driver {})",
            discovery.dbms, discovery.driver
        ),
    ));

    // 3. The profile's tables, and the markers.
    say(t(
        "\n[3/7] Tabele programu i znaczniki „nie windykować”",
        "\n[3/7] The program's tables and \"do not collect\" markers",
    ));
    if !discovery.ok() {
        let missing: Vec<String> = discovery
            .missing
            .iter()
            .map(|m| match m {
                Missing::Table { table } => table.clone(),
                Missing::Column { table, column } => format!("{table}.{column}"),
            })
            .collect();
        let what = if missing.is_empty() {
            discovery.query_error.clone().unwrap_or_default()
        } else {
            t(
                &format!(
                    "baza nie wygląda na bazę programu {}: brak {}",
                    profile.name(),
                    missing.join(", ")
                ),
                &format!(
                    "the database does not look like {}'s: missing {}",
                    profile.name(),
                    missing.join(", ")
                ),
            )
        };
        return Err(SetupError::new(
            what,
            Some(t(
                "sprawdź, czy połączenie wskazuje bazę firmy w tym programie (Database=…) i czy wybrano właściwy program; `inkaso-agent discover` pokaże szczegóły",
                "check that the connection names the firm's database of this program (Database=…) and that the right program was chosen; `inkaso-agent discover` shows the details",
            )),
        ));
    }
    say(t(
        &format!(
            "  ✓ {} kolumn programu na miejscu",
            discovery.checked_columns
        ),
        &format!(
            "  ✓ {} of the program's columns are there",
            discovery.checked_columns
        ),
    ));
    plan.markers = markers_of(args, &existing, &discovery.markers, ask, lang)?;
    if plan.markers.is_empty()
        && let Some(advice) = discovery.marker_advice
    {
        say(format!("  · {advice}"));
    }
    for (key, value) in &plan.markers {
        say(format!("  ✓ {key} = {value}"));
    }

    // 4. The cloud.
    say(t("\n[4/7] Chmura Inkaso", "\n[4/7] The Inkaso cloud"));
    plan.allow_insecure_http =
        args.allow_insecure_http || existing.flag("cloud", "allow_insecure_http");
    plan.cloud_url = match &args.cloud_url {
        Some(u) => u.trim().to_owned(),
        None => ask
            .text(
                &q("Adres chmury", "The cloud's address", "--cloud-url"),
                existing
                    .text("cloud", "url")
                    .as_deref()
                    .or(Some("https://"))
                    .filter(|d| *d != "https://" || ask.interactive()),
            )
            .map_err(unanswered)?
            .trim()
            .to_owned(),
    };
    let config_dir = args
        .config
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    plan.token_file = config_dir.join("agent.token");
    plan.token = if let Some(file) = &args.token_file {
        std::fs::read_to_string(file)
            .map_err(|e| SetupError::new(format!("--token-file {}: {e}", file.display()), None))?
            .trim()
            .to_owned()
    } else if let Some(inline) = existing.text("cloud", "token") {
        inline
    } else if let Some(file) = existing.text("cloud", "token_file") {
        let path = config_dir.join(file);
        std::fs::read_to_string(&path)
            .map_err(|e| SetupError::new(format!("{}: {e}", path.display()), None))?
            .trim()
            .to_owned()
    } else {
        ask.secret(&q(
            "Token agenta (pokazany raz w portalu: Administracja → Agenci)",
            "The agent token (shown once in the portal: Administration → Agents)",
            "--token-file",
        ))
        .map_err(unanswered)?
        .trim()
        .to_owned()
    };
    // Checked as the agent will read it: the URL's rules, then the cloud itself.
    let checked = parse_config(&args.config, &plan.toml(true), lang)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| SetupError::new(e.to_string(), None))?;
    // The ERP connection was tried in step 2: the cloud's checks alone.
    for v in runtime.block_on(commands::cloud_verdicts(&checked, lang)) {
        if !v.ok {
            return Err(SetupError::new(v.what, v.fix));
        }
        say(format!("  ✓ {}", v.what));
    }

    // 5. The preview.
    say(t(
        "\n[5/7] Co opuści ten komputer (podgląd; nic nie zostało jeszcze wysłane)",
        "\n[5/7] What will leave this machine (a preview; nothing has been sent yet)",
    ));
    let mut shown = Vec::new();
    let summary = preview(&checked.connector, Format::Table, lang, &mut shown)
        .map_err(|e| SetupError::new(e.to_string(), None))?;
    let text = String::from_utf8_lossy(&shown);
    let lines: Vec<&str> = text.lines().collect();
    // The first debtors as a sample, and the summary's counts in full.
    if lines.len() <= PREVIEW_HEAD + PREVIEW_TAIL {
        for line in &lines {
            say(format!("  {line}"));
        }
    } else {
        for line in &lines[..PREVIEW_HEAD] {
            say(format!("  {line}"));
        }
        say(t(
            &format!(
                "  … {} wierszy dalej (całość: inkaso-agent --config {} preview)",
                lines.len() - PREVIEW_HEAD - PREVIEW_TAIL,
                args.config.display()
            ),
            &format!(
                "  … {} more lines (all of it: inkaso-agent --config {} preview)",
                lines.len() - PREVIEW_HEAD - PREVIEW_TAIL,
                args.config.display()
            ),
        ));
        for line in &lines[lines.len() - PREVIEW_TAIL..] {
            say(format!("  {line}"));
        }
    }
    let agreed = ask
        .yes_no(
            &q(
                &format!(
                    "Wysyłać to do chmury ({} dłużników, {} dokumentów)?",
                    summary.debtors, summary.documents
                ),
                &format!(
                    "Send this to the cloud ({} debtors, {} documents)?",
                    summary.debtors, summary.documents
                ),
                "--yes",
            ),
            true,
        )
        .map_err(unanswered)?;
    if !agreed {
        return Err(SetupError::new(
            t(
                "przerwano: nic nie zostało zapisane ani wysłane",
                "stopped: nothing was written or sent",
            ),
            Some(t(
                "zmień znaczniki albo wykluczenia ([exclusions] w agent.toml) i uruchom set-up ponownie",
                "change the markers or the exclusions ([exclusions] in agent.toml) and run the set-up again",
            )),
        ));
    }

    // 6. The files.
    say(t("\n[6/7] Konfiguracja", "\n[6/7] The configuration"));
    let service = args.service.unwrap_or_else(ServiceKind::detect);
    if service == ServiceKind::Systemd && plan.state_path.is_none() {
        plan.state_path = Some(format!("{STATE_DIR}/inkaso-agent.db"));
    }
    let config_text = plan.toml(false);
    let token_existed = plan.token_file.exists();
    write_private(&plan.token_file, &format!("{}\n", plan.token), lang)?;
    if let Err(e) = write_private(&args.config, &config_text, lang) {
        // Both or neither: a token file without its configuration is half a set-up.
        if !token_existed {
            let _ = std::fs::remove_file(&plan.token_file);
        }
        return Err(e);
    }
    say(t(
        &format!(
            "  ✓ zapisano {} i {} (czytelne tylko dla właściciela)",
            args.config.display(),
            plan.token_file.display()
        ),
        &format!(
            "  ✓ wrote {} and {} (readable by their owner only)",
            args.config.display(),
            plan.token_file.display()
        ),
    ));

    // 7. The service, or one sync.
    say(t("\n[7/7] Uruchomienie", "\n[7/7] Running it"));
    let written = parse_config(&args.config, &config_text, lang)?;
    // The first sync runs here, in front of the person, whatever runs the agent afterwards: its
    // result is what they came to see.
    let state_dir = (service == ServiceKind::Systemd).then(|| Path::new(STATE_DIR));
    if let Some(dir) = state_dir {
        create_private_dir(dir, lang)?;
    }
    if !args.no_sync {
        let synced = runtime.block_on(async {
            let agent = Agent::open(written, lang).await?;
            let synced = agent.sync_once(false, false).await;
            agent.state.close().await;
            synced
        });
        match synced {
            Ok(s) => {
                for line in s.render(lang).lines() {
                    say(format!("  {line}"));
                }
            }
            Err(e) => {
                return Err(SetupError::new(
                    t(
                        &format!("pierwsza synchronizacja nie powiodła się: {}", e.0),
                        &format!("the first sync failed: {}", e.0),
                    ),
                    Some(t(
                        "konfiguracja jest zapisana; sprawdź `inkaso-agent --config … check` i spróbuj `sync --once`",
                        "the configuration is written; see `inkaso-agent --config … check` and try `sync --once`",
                    )),
                ));
            }
        }
    }
    match service {
        ServiceKind::Systemd => {
            install_systemd(&args.config, &[plan.token_file.as_path()], lang).map_err(|e| {
                SetupError::new(
                    e,
                    Some(t(
                        "uruchom set-up jako root (sudo); dziennik usługi: journalctl -u inkaso-agent",
                        "run the set-up as root (sudo); the service's log: journalctl -u inkaso-agent",
                    )),
                )
            })?;
            say(t(
                "  ✓ usługa inkaso-agent działa i synchronizuje co kilka minut; podgląd: journalctl -u inkaso-agent -f",
                "  ✓ the inkaso-agent service runs and syncs every few minutes; watch it: journalctl -u inkaso-agent -f",
            ));
        }
        ServiceKind::Windows => {
            install_windows(&args.config, lang).map_err(|e| {
                SetupError::new(
                    e,
                    Some(t(
                        "uruchom set-up jako administrator",
                        "run the set-up as an administrator",
                    )),
                )
            })?;
            say(t(
                "  ✓ usługa Windows „InkasoAgent” działa; dziennik: folder logs obok pliku stanu",
                "  ✓ the Windows service \"InkasoAgent\" runs; its log: the logs folder beside the state file",
            ));
        }
        ServiceKind::None => {
            say(t(
                &format!(
                    "  · bez usługi: uruchom `inkaso-agent --config {} run` (albo set-up z --service systemd jako root)",
                    args.config.display()
                ),
                &format!(
                    "  · no service: run `inkaso-agent --config {} run` (or the set-up with --service systemd as root)",
                    args.config.display()
                ),
            ));
        }
    }
    say(t("\nGotowe.", "\nDone."));
    Ok(())
}

fn profile_label(kind: ProfileKind) -> String {
    let name = match kind {
        ProfileKind::SubiektGt => "Subiekt GT / Navireo (InsERT)",
        ProfileKind::Optima => "Comarch ERP Optima",
        ProfileKind::ComarchXl => "Comarch ERP XL",
        ProfileKind::Enova365 => "enova365",
        ProfileKind::WaproMag => "WAPRO Mag (Asseco)",
        ProfileKind::Custom => "custom",
        ProfileKind::SymfoniaHandel => "Symfonia Handel",
        ProfileKind::SubiektNexo => "Subiekt nexo",
    };
    format!("{name} ({})", kind.name())
}

/// The connection: a DSN or a connection string, from the flags, the existing file, or the
/// person (a driver from the installed ones, the server and the database).
#[allow(clippy::too_many_lines)] // the connection's questions, in the order they are asked
fn connection_of(
    args: &SetupArgs,
    existing: &Existing,
    ask: &mut dyn Ask,
    drivers: Option<&[String]>,
    lang: Lang,
) -> Result<(Option<String>, Option<String>), SetupError> {
    let unanswered = |e: Unanswered| SetupError::unanswered(&e, lang);
    if let Some(dsn) = &args.dsn {
        return Ok((Some(dsn.clone()), None));
    }
    if let Some(cs) = &args.connection_string {
        return Ok((None, Some(cs.clone())));
    }
    if args.driver.is_none() {
        let kept = (
            existing.text("erp", "dsn"),
            existing.text("erp", "connection_string"),
        );
        if kept.0.is_some() || kept.1.is_some() {
            let keep = ask
                .yes_no(
                    &Question {
                        prompt: pl_en(
                            lang,
                            "Zostawić dotychczasowe połączenie?",
                            "Keep the current connection?",
                        ),
                        flag: "--connection-string",
                    },
                    true,
                )
                .map_err(unanswered)?;
            if keep {
                return Ok(kept);
            }
        }
    }
    let installed: Vec<String> = drivers.unwrap_or_default().to_vec();
    let driver = if let Some(d) = &args.driver {
        d.clone()
    } else {
        if installed.is_empty() {
            return Err(SetupError::new(
                pl_en(
                    lang,
                    "nie ma zainstalowanego żadnego sterownika ODBC",
                    "no ODBC driver is installed",
                ),
                Some(pl_en(
                    lang,
                    "`inkaso-installer doctor` powie, który zainstalować",
                    "`inkaso-installer doctor` says which to install",
                )),
            ));
        }
        // Microsoft's newest first: what an ERP on SQL Server wants.
        let default = installed
            .iter()
            .position(|d| DriverKind::of_name(d) == DriverKind::MsSql18)
            .or_else(|| {
                installed
                    .iter()
                    .position(|d| DriverKind::of_name(d).is_sql_server())
            })
            .unwrap_or(0);
        let i = ask
            .choose(
                &Question {
                    prompt: pl_en(lang, "Sterownik ODBC", "ODBC driver"),
                    flag: "--driver",
                },
                &installed,
                default,
            )
            .map_err(unanswered)?;
        installed[i].clone()
    };
    let kind = DriverKind::of_name(&driver);
    let server = if kind == DriverKind::Sqlite {
        String::new()
    } else {
        match &args.server {
            Some(s) => s.clone(),
            None => ask
                .text(
                    &Question {
                        prompt: pl_en(
                            lang,
                            "Serwer bazy (np. serwer-erp\\INSERTGT albo serwer-erp,1433)",
                            "Database server (e.g. erp-server\\INSERTGT or erp-server,1433)",
                        ),
                        flag: "--server",
                    },
                    None,
                )
                .map_err(unanswered)?,
        }
    };
    let database = match &args.database {
        Some(d) => d.clone(),
        None => ask
            .text(
                &Question {
                    prompt: pl_en(
                        lang,
                        "Baza danych (w Subiekcie GT: baza podmiotu)",
                        "Database (in Subiekt GT: the company's database)",
                    ),
                    flag: "--database",
                },
                None,
            )
            .map_err(unanswered)?,
    };
    Ok((
        None,
        Some(kind.connection_string(&driver, server.trim(), database.trim())),
    ))
}

/// Refuses a connection string naming a driver unixODBC does not have, with the fix.
fn check_driver(
    connection_string: Option<&str>,
    drivers: Option<&[String]>,
    lang: Lang,
) -> Result<(), SetupError> {
    let (Some(cs), Some(installed)) = (connection_string, drivers) else {
        return Ok(());
    };
    let Some(name) = driver_name(cs) else {
        return Ok(());
    };
    // A path to the driver's library is the driver manager's business.
    if name.contains('/') || installed.iter().any(|d| d.eq_ignore_ascii_case(name)) {
        return Ok(());
    }
    let kind = DriverKind::of_name(name);
    let fix =
        sql_server_advice("can't open lib: file not found", Some(kind), lang).unwrap_or_default();
    Err(SetupError::new(
        pl_en(
            lang,
            &format!(
                "sterownik ODBC „{name}” nie jest zainstalowany (są: {})",
                installed.join(", ")
            ),
            &format!(
                "the ODBC driver \"{name}\" is not installed (installed: {})",
                installed.join(", ")
            ),
        ),
        Some(fix),
    ))
}

/// The markers: from `--marker key=value`, none with `--no-markers`, else chosen among what
/// the database has (the existing file's ticked).
fn markers_of(
    args: &SetupArgs,
    existing: &Existing,
    found: &[inkaso_connectors::discover::Marker],
    ask: &mut dyn Ask,
    lang: Lang,
) -> Result<BTreeSet<(String, String)>, SetupError> {
    if args.no_markers {
        return Ok(BTreeSet::new());
    }
    if !args.markers.is_empty() {
        let mut chosen = BTreeSet::new();
        for m in &args.markers {
            let Some((key, value)) = m.split_once('=').map(|(k, v)| (k.trim(), v.trim())) else {
                return Err(SetupError::new(
                    pl_en(
                        lang,
                        &format!("--marker {m}: oczekiwano klucz=wartość"),
                        &format!("--marker {m}: expected key=value"),
                    ),
                    None,
                ));
            };
            if !MARKER_KEYS.contains(&key) {
                return Err(SetupError::new(
                    pl_en(
                        lang,
                        &format!(
                            "--marker {m}: nieznany klucz {key} (znane: {})",
                            MARKER_KEYS.join(", ")
                        ),
                        &format!(
                            "--marker {m}: unknown key {key} (known: {})",
                            MARKER_KEYS.join(", ")
                        ),
                    ),
                    None,
                ));
            }
            chosen.insert((key.to_owned(), value.to_owned()));
        }
        return Ok(chosen);
    }
    let before: BTreeSet<(String, String)> = MARKER_KEYS
        .iter()
        .flat_map(|k| existing.list(k).into_iter().map(|v| ((*k).to_owned(), v)))
        .collect();
    if found.is_empty() {
        return Ok(before);
    }
    let items: Vec<String> = found
        .iter()
        .map(|m| {
            let uses = m.uses.map(|n| format!(", {n}×")).unwrap_or_default();
            format!(
                "{} — {}={}{uses} ({})",
                m.label, m.config_key, m.value, m.detail
            )
        })
        .collect();
    let defaults: Vec<bool> = found
        .iter()
        .map(|m| before.contains(&(m.config_key.to_owned(), m.value.clone())))
        .collect();
    let picked = ask
        .pick_many(
            &Question {
                prompt: pl_en(
                    lang,
                    "Znaczniki „nie windykować” w ERP (spacja zaznacza, Enter zatwierdza)",
                    "The ERP's \"do not collect\" markers (space ticks, Enter confirms)",
                ),
                flag: "--marker",
            },
            &items,
            &defaults,
        )
        .map_err(|e| SetupError::unanswered(&e, lang))?;
    Ok(picked
        .into_iter()
        .map(|i| (found[i].config_key.to_owned(), found[i].value.clone()))
        .collect())
}

fn parse_config(path: &Path, text: &str, lang: Lang) -> Result<AgentConfigFile, SetupError> {
    inkaso_agent::config::parse(path, text, &|v| std::env::var(v).ok())
        .map_err(|e| SetupError::new(e.message(lang), None))
}

/// Writes a file readable by its owner alone, whole or not at all (a temporary file renamed).
/// The service's state folder, made for its owner alone when it is missing (a `.deb` makes
/// it; a hand-copied agent does not); the service's user gets it in [`install_systemd`].
fn create_private_dir(dir: &Path, lang: Lang) -> Result<(), SetupError> {
    let made = std::fs::create_dir_all(dir);
    #[cfg(unix)]
    let made = made.and_then(|()| {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
    });
    made.map_err(|e| {
        SetupError::new(
            pl_en(
                lang,
                &format!("{}: nie można utworzyć: {e}", dir.display()),
                &format!("{}: cannot create: {e}", dir.display()),
            ),
            Some(pl_en(
                lang,
                "uruchom set-up jako root (sudo)",
                "run the set-up as root (sudo)",
            )),
        )
    })
}

fn write_private(path: &Path, text: &str, lang: Lang) -> Result<(), SetupError> {
    let fail = |e: std::io::Error| {
        SetupError::new(
            pl_en(
                lang,
                &format!("{}: nie można zapisać: {e}", path.display()),
                &format!("{}: cannot write: {e}", path.display()),
            ),
            Some(pl_en(
                lang,
                "uruchom set-up jako użytkownik, który może pisać w tym katalogu (albo jako root)",
                "run the set-up as a user who may write there (or as root)",
            )),
        )
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let tmp = path.with_extension("tmp");
    {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600);
        }
        let mut file = options.open(&tmp).map_err(fail)?;
        file.write_all(text.as_bytes()).map_err(fail)?;
        file.sync_all().map_err(fail)?;
    }
    // On Windows the mode above means nothing: the file's access list is set before it takes
    // its name, so the agent never finds it readable by every user.
    #[cfg(windows)]
    inkaso_agent::acl::make_private(&tmp).map_err(|e| fail(std::io::Error::other(e)))?;
    std::fs::rename(&tmp, path).map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_driver_that_is_not_installed_is_refused_with_its_package() {
        let installed = vec!["SQLite3".to_owned()];
        let e = check_driver(
            Some("Driver={ODBC Driver 18 for SQL Server};Server=x;Database=y"),
            Some(&installed),
            Lang::Pl,
        )
        .unwrap_err();
        assert!(
            e.what.contains("nie jest zainstalowany (są: SQLite3)"),
            "{e:?}"
        );
        assert!(e.fix.unwrap().contains("msodbcsql18"));
        assert!(
            check_driver(
                Some("Driver={SQLite3};Database=a"),
                Some(&installed),
                Lang::Pl
            )
            .is_ok()
        );
        assert!(check_driver(Some("DSN=erp"), Some(&installed), Lang::Pl).is_ok());
    }
}
