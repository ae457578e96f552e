//! The agent's configuration file (TOML): `[erp]` (which ERP and how to reach it), `[exclusions]`
//! (what must never leave the premises), and the optional `[cloud]` and `[state]` sections used
//! by sync. Parsing turns it into the connector's types; every error names the file and the key.
//!
//! Secrets may stay out of the file: `password_env` / `token_env` name environment variables,
//! `token_file` a file readable only by the service account.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use inkaso_connectors::{
    ConnectionSettings, ConnectorConfig, DateFormat, FetchOptions, ProfileKind, ProfileSettings,
};
use inkaso_shared::money::parse_minor;
use inkaso_shared::protocol::Exclusions;
use inkaso_shared::{Currency, Lang, Localized, Nip};
use serde::Deserialize;

/// A configuration problem: which file, which key, what is wrong (Polish and English).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The configuration file.
    pub file: PathBuf,
    /// The key at fault (`[erp].profile`), empty for a whole-file problem.
    pub key: String,
    /// What is wrong, in Polish.
    pub message_pl: String,
    /// What is wrong, in English.
    pub message_en: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::Pl))
    }
}

impl std::error::Error for ConfigError {}

impl Localized for ConfigError {
    fn message(&self, lang: Lang) -> String {
        let msg = match lang {
            Lang::Pl => &self.message_pl,
            Lang::En => &self.message_en,
        };
        let file = self.file.display();
        match (self.key.is_empty(), lang) {
            (true, _) => format!("{file}: {msg}"),
            (false, Lang::Pl) => format!("{file}: klucz {}: {msg}", self.key),
            (false, Lang::En) => format!("{file}: key {}: {msg}", self.key),
        }
    }
}

/// The file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    erp: Option<RawErp>,
    #[serde(default)]
    exclusions: RawExclusions,
    cloud: Option<CloudSection>,
    state: Option<StateSection>,
    results: Option<ResultsSection>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawErp {
    profile: Option<String>,
    dsn: Option<String>,
    connection_string: Option<String>,
    user: Option<String>,
    password: Option<String>,
    password_env: Option<String>,
    #[serde(default)]
    init_statements: Vec<String>,
    #[serde(default)]
    experimental: bool,
    query: Option<String>,
    date_format: Option<DateFormat>,
    #[serde(default)]
    debtor_flag_ids: Vec<i64>,
    #[serde(default)]
    document_flag_ids: Vec<i64>,
    #[serde(default)]
    debtor_attribute_ids: Vec<i64>,
    #[serde(default)]
    document_attribute_codes: Vec<String>,
    company_id: Option<i64>,
    batch_rows: Option<usize>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExclusions {
    #[serde(default)]
    debtor_external_ids: Vec<String>,
    #[serde(default)]
    nips: Vec<String>,
    #[serde(default)]
    document_number_prefixes: Vec<String>,
    #[serde(default)]
    min_remaining: BTreeMap<String, toml::Value>,
}

/// `[cloud]`: where the agent syncs to (used by sync; parsed and checked here).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloudSection {
    /// The cloud's base URL: `https://` (plain `http://` only with `allow_insecure_http`).
    pub url: String,
    /// Allows a plain-HTTP cloud URL: for tests and a development cloud on this machine only,
    /// since the token and the debtors' data would cross the network unencrypted.
    #[serde(default)]
    pub allow_insecure_http: bool,
    /// The agent token, inline (prefer `token_file` or `token_env`).
    pub token: Option<String>,
    /// A file holding the token.
    pub token_file: Option<PathBuf>,
    /// An environment variable holding the token.
    pub token_env: Option<String>,
}

/// `[state]`: where the agent keeps its durable state (used by sync).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateSection {
    /// The state database file.
    pub path: Option<PathBuf>,
}

/// `[results]`: where results from the cloud go besides the agent's own store (R-A6).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResultsSection {
    /// A folder for daily reports (`wyniki-YYYY-MM-DD.jsonl` and `.csv`).
    pub reports_dir: Option<PathBuf>,
    /// The write-back into the ERP: off unless statements are given.
    pub write_back: Option<crate::results::WriteBack>,
}

/// The parsed, checked configuration.
#[derive(Debug, Clone)]
pub struct AgentConfigFile {
    /// Where it was read from.
    pub path: PathBuf,
    /// What the connector needs (connection, profile, exclusions, fetch options).
    pub connector: ConnectorConfig,
    /// `[cloud]`, when present.
    pub cloud: Option<CloudSection>,
    /// `[state]`, when present.
    pub state: Option<StateSection>,
    /// `[results]`, when present.
    pub results: Option<ResultsSection>,
}

struct Ctx<'a> {
    file: &'a Path,
}

impl Ctx<'_> {
    fn err(&self, key: &str, pl: impl Into<String>, en: impl Into<String>) -> ConfigError {
        ConfigError {
            file: self.file.to_owned(),
            key: key.to_owned(),
            message_pl: pl.into(),
            message_en: en.into(),
        }
    }
}

/// Reads and checks a configuration file. `env` looks environment variables up (injectable
/// for tests).
pub fn load(
    path: &Path,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<AgentConfigFile, ConfigError> {
    let ctx = Ctx { file: path };
    let text = std::fs::read_to_string(path).map_err(|e| {
        ctx.err(
            "",
            format!("nie można odczytać pliku konfiguracji: {e}"),
            format!("cannot read the configuration file: {e}"),
        )
    })?;
    parse(path, &text, env)
}

/// Loads the file named on the command line (environment from the process), the error in
/// `lang`.
pub fn load_localized(path: Option<&Path>, lang: Lang) -> Result<AgentConfigFile, String> {
    let Some(path) = path else {
        return Err(match lang {
            Lang::Pl => "brak pliku konfiguracji: podaj --config PLIK".to_owned(),
            Lang::En => "no configuration file: give --config FILE".to_owned(),
        });
    };
    load(path, &|var| std::env::var(var).ok()).map_err(|e| e.message(lang))
}

/// Parses configuration text read from `path`.
pub fn parse(
    path: &Path,
    text: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<AgentConfigFile, ConfigError> {
    let ctx = Ctx { file: path };
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let detail = e.to_string();
        ctx.err(
            "",
            format!("błąd składni TOML: {detail}"),
            format!("TOML syntax error: {detail}"),
        )
    })?;
    let erp = raw.erp.ok_or_else(|| {
        ctx.err(
            "[erp]",
            "brak sekcji [erp] (profil ERP i połączenie)",
            "missing section [erp] (ERP profile and connection)",
        )
    })?;
    let profile = erp_profile(&ctx, &erp)?;
    let connection = erp_connection(&ctx, &erp, env)?;
    let exclusions = exclusions(&ctx, raw.exclusions)?;
    let mut fetch = FetchOptions::default();
    if let Some(rows) = erp.batch_rows {
        if rows == 0 || rows > 100_000 {
            return Err(ctx.err(
                "[erp].batch_rows",
                "liczba wierszy w partii musi być z zakresu 1..=100000",
                "rows per batch must be in 1..=100000",
            ));
        }
        fetch.batch_rows = rows;
    }
    if let Some(write_back) = raw.results.as_ref().and_then(|r| r.write_back.as_ref()) {
        write_back.validate().map_err(|e| {
            let text = e.to_string();
            ctx.err("[results].write_back", text.clone(), text)
        })?;
    }
    if let Some(cloud) = &raw.cloud {
        let sources = [
            cloud.token.is_some(),
            cloud.token_file.is_some(),
            cloud.token_env.is_some(),
        ];
        if sources.iter().filter(|s| **s).count() > 1 {
            return Err(ctx.err(
                "[cloud].token",
                "podaj tylko jedno z: token, token_file, token_env",
                "give only one of token, token_file, token_env",
            ));
        }
        let url = cloud.url.trim();
        if url.is_empty() {
            return Err(ctx.err("[cloud].url", "pusty adres chmury", "empty cloud URL"));
        }
        let scheme = url.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
        match scheme.as_deref() {
            Some("https") => {}
            Some("http") if cloud.allow_insecure_http => {}
            Some("http") => {
                return Err(ctx.err(
                    "[cloud].url",
                    "adres chmury musi zaczynać się od https:// (token i dane dłużników nie mogą iść niezaszyfrowane); http:// dopuszcza tylko allow_insecure_http = true, do testów",
                    "the cloud URL must start with https:// (the token and debtors' data must not travel unencrypted); http:// only with allow_insecure_http = true, for tests",
                ));
            }
            _ => {
                return Err(ctx.err(
                    "[cloud].url",
                    "adres chmury to https://… (np. https://inkaso.example.pl)",
                    "the cloud URL is https://… (e.g. https://inkaso.example.pl)",
                ));
            }
        }
    }
    Ok(AgentConfigFile {
        path: path.to_owned(),
        connector: ConnectorConfig {
            connection,
            profile,
            exclusions,
            fetch,
        },
        cloud: raw.cloud,
        state: raw.state,
        results: raw.results,
    })
}

fn erp_profile(ctx: &Ctx<'_>, erp: &RawErp) -> Result<ProfileSettings, ConfigError> {
    let name = erp.profile.as_deref().ok_or_else(|| {
        ctx.err(
            "[erp].profile",
            "brak profilu ERP (np. profile = \"subiekt_gt\")",
            "no ERP profile (e.g. profile = \"subiekt_gt\")",
        )
    })?;
    let kind: ProfileKind = name
        .parse()
        .map_err(|e: inkaso_connectors::ConnectorError| {
            ctx.err("[erp].profile", e.to_string(), e.message(Lang::En))
        })?;
    if let Some(reason) = kind.experimental_reason()
        && !erp.experimental
    {
        return Err(ctx.err(
            "[erp].experimental",
            format!(
                "profil {kind} jest eksperymentalny: {reason}. Aby go użyć, ustaw experimental = true"
            ),
            format!(
                "profile {kind} is experimental (not verified on a live database); set \
                 experimental = true to use it"
            ),
        ));
    }
    // A key meant for another ERP would silently exclude nothing: refuse it.
    let only_for = |key: &str, set: bool, allowed: &[ProfileKind]| {
        if set && !allowed.contains(&kind) {
            let names: Vec<_> = allowed.iter().map(|p| p.name()).collect();
            Err(ctx.err(
                &format!("[erp].{key}"),
                format!(
                    "klucz dotyczy tylko profilu {} (wybrany: {kind})",
                    names.join(", ")
                ),
                format!(
                    "the key applies only to profile {} (chosen: {kind})",
                    names.join(", ")
                ),
            ))
        } else {
            Ok(())
        }
    };
    only_for(
        "debtor_flag_ids",
        !erp.debtor_flag_ids.is_empty(),
        &[ProfileKind::SubiektGt],
    )?;
    only_for(
        "document_flag_ids",
        !erp.document_flag_ids.is_empty(),
        &[ProfileKind::SubiektGt],
    )?;
    only_for(
        "debtor_attribute_ids",
        !erp.debtor_attribute_ids.is_empty(),
        &[ProfileKind::Optima],
    )?;
    only_for(
        "document_attribute_codes",
        !erp.document_attribute_codes.is_empty(),
        &[ProfileKind::Optima],
    )?;
    only_for(
        "company_id",
        erp.company_id.is_some(),
        &[ProfileKind::WaproMag],
    )?;
    only_for("query", erp.query.is_some(), &[ProfileKind::Custom])?;
    only_for(
        "date_format",
        erp.date_format.is_some(),
        &[ProfileKind::Custom],
    )?;
    if kind == ProfileKind::Custom && erp.query.as_deref().is_none_or(|q| q.trim().is_empty()) {
        return Err(ctx.err(
            "[erp].query",
            "profil custom wymaga zapytania SELECT zwracającego 17 kolumn (docs/connectors.md)",
            "the custom profile needs a SELECT returning the 17 columns (docs/connectors.md)",
        ));
    }
    Ok(ProfileSettings {
        kind: Some(kind),
        query: erp.query.clone(),
        date_format: erp.date_format,
        experimental: erp.experimental,
        debtor_flag_ids: erp.debtor_flag_ids.clone(),
        document_flag_ids: erp.document_flag_ids.clone(),
        debtor_attribute_ids: erp.debtor_attribute_ids.clone(),
        document_attribute_codes: erp.document_attribute_codes.clone(),
        company_id: erp.company_id,
    })
}

fn erp_connection(
    ctx: &Ctx<'_>,
    erp: &RawErp,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<ConnectionSettings, ConfigError> {
    let dsn = erp.dsn.clone().filter(|s| !s.trim().is_empty());
    let cs = erp
        .connection_string
        .clone()
        .filter(|s| !s.trim().is_empty());
    if dsn.is_some() == cs.is_some() {
        return Err(ctx.err(
            "[erp].dsn",
            "podaj dokładnie jedno z: dsn albo connection_string",
            "give exactly one of dsn or connection_string",
        ));
    }
    let password = match (&erp.password, &erp.password_env) {
        (Some(_), Some(_)) => {
            return Err(ctx.err(
                "[erp].password_env",
                "podaj password albo password_env, nie oba",
                "give password or password_env, not both",
            ));
        }
        (Some(p), None) => Some(p.clone()),
        (None, Some(var)) => Some(env(var).ok_or_else(|| {
            ctx.err(
                "[erp].password_env",
                format!("zmienna środowiskowa {var} nie jest ustawiona"),
                format!("environment variable {var} is not set"),
            )
        })?),
        (None, None) => None,
    };
    Ok(ConnectionSettings {
        dsn,
        connection_string: cs,
        user: erp.user.clone(),
        password,
        init_statements: erp.init_statements.clone(),
    })
}

fn exclusions(ctx: &Ctx<'_>, raw: RawExclusions) -> Result<Exclusions, ConfigError> {
    let mut nips = BTreeSet::new();
    for (i, text) in raw.nips.iter().enumerate() {
        let nip = Nip::parse(text).map_err(|e| {
            ctx.err(
                &format!("[exclusions].nips[{i}]"),
                e.to_string(),
                e.message(Lang::En),
            )
        })?;
        nips.insert(nip);
    }
    let mut min_remaining_minor = BTreeMap::new();
    for (code, value) in &raw.min_remaining {
        let key = format!("[exclusions].min_remaining.{code}");
        let currency: Currency = code.parse().map_err(|e: inkaso_shared::MoneyError| {
            ctx.err(&key, e.to_string(), e.message(Lang::En))
        })?;
        let text = match value {
            toml::Value::String(s) => s.clone(),
            toml::Value::Integer(i) => i.to_string(),
            toml::Value::Float(f) => f.to_string(),
            _ => {
                return Err(ctx.err(
                    &key,
                    "oczekiwano kwoty, np. \"10,00\"",
                    "expected an amount, e.g. \"10.00\"",
                ));
            }
        };
        let minor = parse_minor(&text, currency.exponent())
            .map_err(|e| ctx.err(&key, e.to_string(), e.message(Lang::En)))?;
        min_remaining_minor.insert(currency, minor);
    }
    let trimmed = |v: Vec<String>| -> BTreeSet<String> {
        v.into_iter()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect()
    };
    Ok(Exclusions {
        debtor_external_ids: trimmed(raw.debtor_external_ids),
        nips,
        document_number_prefixes: trimmed(raw.document_number_prefixes),
        min_remaining_minor,
    })
}

impl CloudSection {
    /// The token file, a relative path taken from the configuration's folder (a service's
    /// working directory is `/`, not the folder a person ran the agent from).
    pub fn token_path(&self, config: &Path) -> Option<PathBuf> {
        self.token_file.as_ref().map(|p| {
            config
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .map_or_else(|| p.clone(), |dir| dir.join(p))
        })
    }

    /// The agent token, from whichever source the file names.
    pub fn token(
        &self,
        file: &Path,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<String, ConfigError> {
        let ctx = Ctx { file };
        if let Some(t) = &self.token {
            return Ok(t.trim().to_owned());
        }
        if let Some(p) = self.token_path(file) {
            return std::fs::read_to_string(&p)
                .map(|t| t.trim().to_owned())
                .map_err(|e| {
                    ctx.err(
                        "[cloud].token_file",
                        format!("nie można odczytać {}: {e}", p.display()),
                        format!("cannot read {}: {e}", p.display()),
                    )
                });
        }
        if let Some(var) = &self.token_env {
            return env(var).map(|t| t.trim().to_owned()).ok_or_else(|| {
                ctx.err(
                    "[cloud].token_env",
                    format!("zmienna środowiskowa {var} nie jest ustawiona"),
                    format!("environment variable {var} is not set"),
                )
            });
        }
        Err(ctx.err(
            "[cloud].token",
            "brak tokenu agenta (token, token_file albo token_env)",
            "no agent token (token, token_file or token_env)",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    fn parse_str(text: &str) -> Result<AgentConfigFile, ConfigError> {
        parse(Path::new("/etc/inkaso/agent.toml"), text, &no_env)
    }

    const FULL: &str = r#"
[erp]
profile = "subiekt_gt"
connection_string = "Driver={SQL Server};Server=ERP\\INSERTGT;Database=Firma"
user = "inkaso_ro"
password_env = "INKASO_ERP_PASSWORD"
init_statements = ["SET LOCK_TIMEOUT 5000"]
debtor_flag_ids = [7]
document_flag_ids = [8, 9]
batch_rows = 500

[exclusions]
debtor_external_ids = ["17", " 18 "]
nips = ["526-104-08-28"]
document_number_prefixes = ["KOR/"]
min_remaining = { PLN = "10,00", EUR = 5 }

[cloud]
url = "https://inkaso.example"
token_env = "INKASO_TOKEN"

[state]
path = "C:/ProgramData/Inkaso/state.db"
"#;

    #[test]
    fn full_file_parses() {
        let env = |k: &str| (k == "INKASO_ERP_PASSWORD").then(|| "tajne".to_owned());
        let c = parse(Path::new("a.toml"), FULL, &env).unwrap();
        let cc = &c.connector;
        assert_eq!(cc.connection.password.as_deref(), Some("tajne"));
        assert_eq!(cc.profile.kind, Some(ProfileKind::SubiektGt));
        assert_eq!(cc.profile.document_flag_ids, [8, 9]);
        assert_eq!(cc.fetch.batch_rows, 500);
        assert!(cc.exclusions.debtor_external_ids.contains("18"));
        assert_eq!(cc.exclusions.min_remaining_minor[&Currency::PLN], 1000);
        assert_eq!(cc.exclusions.min_remaining_minor[&Currency::EUR], 500);
        assert_eq!(c.cloud.as_ref().unwrap().url, "https://inkaso.example");
        let token_env = |k: &str| (k == "INKASO_TOKEN").then(|| " t0k ".to_owned());
        assert_eq!(c.cloud.unwrap().token(&c.path, &token_env).unwrap(), "t0k");
        assert!(c.state.unwrap().path.is_some());
    }

    #[test]
    fn plain_http_needs_the_explicit_allowance() {
        let text = "[erp]\nprofile = \"optima\"\ndsn = \"x\"\n[cloud]\nurl = \"http://127.0.0.1:8080\"\ntoken = \"a\"";
        let e = parse_str(text).unwrap_err();
        assert!(e.to_string().contains("https://"), "{e}");
        let allowed = parse_str(&format!("{text}\nallow_insecure_http = true")).unwrap();
        assert_eq!(allowed.cloud.unwrap().url, "http://127.0.0.1:8080");
    }

    #[test]
    fn errors_name_file_and_key() {
        let cases = [
            ("[erp]\ndsn = \"x\"", "[erp].profile"),
            ("[erp]\nprofile = \"sap\"\ndsn = \"x\"", "[erp].profile"),
            ("[erp]\nprofile = \"optima\"", "[erp].dsn"),
            (
                "[erp]\nprofile = \"optima\"\ndsn = \"x\"\nconnection_string = \"y\"",
                "[erp].dsn",
            ),
            (
                "[erp]\nprofile = \"optima\"\ndsn = \"x\"\ndebtor_flag_ids = [7]",
                "[erp].debtor_flag_ids",
            ),
            ("[erp]\nprofile = \"custom\"\ndsn = \"x\"", "[erp].query"),
            (
                "[erp]\nprofile = \"subiekt_nexo\"\ndsn = \"x\"",
                "[erp].experimental",
            ),
            (
                "[erp]\nprofile = \"optima\"\ndsn = \"x\"\npassword_env = \"NOPE\"",
                "[erp].password_env",
            ),
            (
                "[erp]\nprofile = \"optima\"\ndsn = \"x\"\n[exclusions]\nnips = [\"123\"]",
                "[exclusions].nips[0]",
            ),
            (
                "[erp]\nprofile = \"optima\"\ndsn = \"x\"\n[exclusions]\nmin_remaining = { XYZ = 1 }",
                "[exclusions].min_remaining.XYZ",
            ),
            (
                "[erp]\nprofile = \"optima\"\ndsn = \"x\"\n[cloud]\nurl = \"u\"\ntoken = \"a\"\ntoken_env = \"b\"",
                "[cloud].token",
            ),
            (
                "[erp]\nprofile = \"optima\"\ndsn = \"x\"\n[cloud]\nurl = \"http://inkaso.example.pl\"\ntoken = \"a\"",
                "[cloud].url",
            ),
            (
                "[erp]\nprofile = \"optima\"\ndsn = \"x\"\n[cloud]\nurl = \"inkaso.example.pl\"\ntoken = \"a\"",
                "[cloud].url",
            ),
        ];
        for (text, key) in cases {
            let e = parse_str(text).unwrap_err();
            assert_eq!(e.key, key, "{text}: {e}");
            let shown = e.to_string();
            assert!(
                shown.starts_with("/etc/inkaso/agent.toml: klucz "),
                "{shown}"
            );
            assert!(e.message(Lang::En).contains("key"), "{shown}");
        }
        let e = parse_str("[erp]\nprofile = \"optima\"\ndsn = \"x\"\nregon = 1").unwrap_err();
        assert!(e.to_string().contains("regon"), "{e}");
        assert!(e.to_string().starts_with("/etc/inkaso/agent.toml: "), "{e}");
    }
}
