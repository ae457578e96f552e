//! `inkaso-e2e`: the whole path, assembled from the real parts, for the end-to-end tests and the
//! demo: an ERP database reached through the real ODBC driver, the agent's sync, and the cloud
//! served over HTTP on loopback.
//!
//! [`Harness`] owns one of each in a temporary folder and offers the comparisons the tests make:
//! what the ERP holds open now, what the cloud holds open.

pub mod market;
pub mod proxy;
pub mod whole_path;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use inkaso_agent::cloud::HttpCloud;
use inkaso_agent::state::State;
use inkaso_agent::sync::cycle::{self, CycleOptions, CycleReport, SyncError};
use inkaso_cloud::domain::ids::AgentId;
use inkaso_cloud::http::{ApiSettings, AppState};
use inkaso_cloud::server::{self, RunningServer};
use inkaso_cloud::store::accounts::TenantKind;
use inkaso_cloud::store::{self, Store, TenantScope};
use inkaso_connectors::{ConnectorConfig, Item, ProfileKind};
use inkaso_shared::ManualClock;
use sqlx::Row;

/// An open document as both sides can report it: remaining amount and currency.
pub type OpenDocuments = BTreeMap<String, (i64, String)>;

/// An ERP, an agent and a cloud, wired together in one folder.
#[derive(Debug)]
pub struct Harness {
    /// Everything lives here.
    pub dir: PathBuf,
    /// The ERP database's connector configuration.
    pub connector: ConnectorConfig,
    /// The cloud's store.
    pub store: Store,
    /// The tenant the agent speaks for, as the operator holds it.
    pub tenant: TenantScope,
    /// The agent's id in the cloud.
    pub agent: AgentId,
    /// The agent's token.
    pub token: String,
    /// The shared simulated clock.
    pub clock: Arc<ManualClock>,
    server: Option<RunningServer>,
    store_url: String,
}

impl Harness {
    /// Builds the sample ERP of `profile` in `dir`, starts a cloud on SQLite on 127.0.0.1:0 and
    /// registers a tenant and an agent.
    pub async fn start(
        dir: &Path,
        profile: ProfileKind,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Harness> {
        let connection = inkaso_sample_erp::create_sample_db(profile, &dir.join("erp"))?;
        let mut connector = ConnectorConfig {
            connection,
            ..ConnectorConfig::default()
        };
        connector.profile.kind = Some(profile);
        Harness::start_with(dir, connector, now).await
    }

    /// Starts a cloud on SQLite on 127.0.0.1:0 for an ERP the caller prepared.
    pub async fn start_with(
        dir: &Path,
        connector: ConnectorConfig,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Harness> {
        Harness::start_on(
            dir,
            connector,
            &store::sqlite_url(&dir.join("cloud.db")),
            now,
        )
        .await
    }

    /// Builds the sample ERP of `profile` and starts a cloud on a fresh PostgreSQL database
    /// (made on the test server; [`Harness::drop_database`] removes it).
    pub async fn start_postgres(
        dir: &Path,
        profile: ProfileKind,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Harness> {
        let admin = inkaso_testkit::pg_url();
        let name = format!("inkaso_e2e_{}", store::new_id());
        sqlx::any::install_default_drivers();
        let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin).await?;
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await?;
        let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
        let connection = inkaso_sample_erp::create_sample_db(profile, &dir.join("erp"))?;
        let mut connector = ConnectorConfig {
            connection,
            ..ConnectorConfig::default()
        };
        connector.profile.kind = Some(profile);
        Harness::start_on(dir, connector, &format!("{base}/{name}"), now).await
    }

    /// Stops the cloud and drops its PostgreSQL database (made by [`Harness::start_postgres`]).
    pub async fn drop_database(self) -> anyhow::Result<()> {
        let url = self.store_url.clone();
        self.stop().await?;
        let admin = inkaso_testkit::pg_url();
        let Some((_, name)) = url.rsplit_once('/') else {
            return Ok(());
        };
        let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin).await?;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
        )))
        .execute(&mut conn)
        .await?;
        Ok(())
    }

    /// Starts a cloud on the database `url` on 127.0.0.1:0 for an ERP the caller prepared.
    pub async fn start_on(
        dir: &Path,
        connector: ConnectorConfig,
        url: &str,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Harness> {
        let store = Store::open(url, 8).await?;
        let tenant = store
            .create_tenant(TenantKind::Client, "Hurtownia Zażółć", now)
            .await?;
        let scope = TenantScope::operator(tenant.id.clone());
        let agent = store.create_agent(&scope, "biuro", "cli", now).await?;
        let clock = Arc::new(ManualClock::new(now));
        // Served over plain HTTP on loopback: the portal's cookie cannot be `Secure` here.
        let settings = ApiSettings {
            secure_cookies: false,
            ..ApiSettings::default()
        };
        let state = AppState::new(store.clone(), clock.clone(), settings);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let server = server::spawn(listener, state)?;
        Ok(Harness {
            dir: dir.to_owned(),
            connector,
            store,
            tenant: scope,
            agent: AgentId::new(agent.id.clone()),
            token: agent.secret,
            clock,
            server: Some(server),
            store_url: url.to_owned(),
        })
    }

    /// The cloud's base URL.
    pub fn cloud_url(&self) -> String {
        self.server
            .as_ref()
            .map(RunningServer::base_url)
            .unwrap_or_default()
    }

    /// The cloud's address (for a proxy in front of it).
    pub fn cloud_addr(&self) -> Option<std::net::SocketAddr> {
        self.server.as_ref().map(|s| s.addr)
    }

    /// The agent's state file.
    pub fn state_path(&self) -> PathBuf {
        self.dir.join("agent.db")
    }

    /// One agent sync cycle, as `inkaso-agent sync --once` runs it.
    pub async fn sync(&self, options: &CycleOptions) -> Result<CycleReport, SyncError> {
        self.sync_via(&self.cloud_url(), options).await
    }

    /// One agent sync cycle against `url` (a proxy in front of the cloud).
    pub async fn sync_via(
        &self,
        url: &str,
        options: &CycleOptions,
    ) -> Result<CycleReport, SyncError> {
        let state = State::open(&self.state_path()).await?;
        let cloud = HttpCloud::new(url, &self.token, std::time::Duration::from_secs(5))?;
        cycle::run_cycle(
            &state,
            &cloud,
            self.clock.as_ref(),
            self.connector.clone(),
            options,
            |_| {},
        )
        .await
    }

    /// Writes the agent's configuration file for this harness (readable only by its owner) and
    /// returns its path: what a firm writes by hand, for tests that run the real CLI.
    pub fn write_agent_config(&self) -> anyhow::Result<PathBuf> {
        let c = &self.connector.connection;
        let profile = self
            .connector
            .profile
            .kind
            .map_or("subiekt_gt", ProfileKind::name);
        let mut erp = toml::Table::new();
        erp.insert("profile".into(), profile.into());
        if let Some(cs) = &c.connection_string {
            erp.insert("connection_string".into(), cs.as_str().into());
        }
        erp.insert("init_statements".into(), c.init_statements.clone().into());
        // The ERP's own "do not collect" markers, as a firm names them in its file.
        let p = &self.connector.profile;
        for (key, ids) in [
            ("debtor_flag_ids", &p.debtor_flag_ids),
            ("document_flag_ids", &p.document_flag_ids),
            ("debtor_attribute_ids", &p.debtor_attribute_ids),
        ] {
            if !ids.is_empty() {
                erp.insert(key.into(), ids.clone().into());
            }
        }
        if !p.document_attribute_codes.is_empty() {
            erp.insert(
                "document_attribute_codes".into(),
                p.document_attribute_codes.clone().into(),
            );
        }
        if let Some(company) = p.company_id {
            erp.insert("company_id".into(), company.into());
        }
        let mut cloud = toml::Table::new();
        cloud.insert("url".into(), self.cloud_url().into());
        cloud.insert("token".into(), self.token.as_str().into());
        // The test cloud listens on loopback over plain HTTP.
        cloud.insert("allow_insecure_http".into(), true.into());
        let mut state = toml::Table::new();
        state.insert(
            "path".into(),
            self.state_path().display().to_string().into(),
        );
        let mut file = toml::Table::new();
        file.insert("erp".into(), erp.into());
        file.insert("cloud".into(), cloud.into());
        file.insert("state".into(), state.into());
        let text = toml::to_string(&file)?;
        let path = self.dir.join("agent.toml");
        std::fs::write(&path, text)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
        }
        Ok(path)
    }

    /// Runs SQL against the ERP database (a firm's user paying, editing, flagging).
    pub fn erp_execute(&self, sql: &str) -> anyhow::Result<()> {
        let conn = self.connector.connection.connect()?;
        inkaso_connectors::connection::run_script(&conn, sql, "test")?;
        Ok(())
    }

    /// Reads rows from the ERP database as text (what a firm's report would show).
    pub fn erp_query(&self, sql: &str) -> anyhow::Result<Vec<Vec<Option<String>>>> {
        let conn = self.connector.connection.connect()?;
        Ok(inkaso_connectors::connection::query_text(
            &conn, sql, 100_000,
        )?)
    }

    /// What the ERP holds open now, as the connector reads it (exclusions applied).
    pub fn erp_open(&self) -> anyhow::Result<OpenDocuments> {
        let mut out = BTreeMap::new();
        for item in inkaso_connectors::extract(&self.connector)? {
            if let Item::Document(d) = item? {
                out.insert(
                    d.external_id.to_string(),
                    (d.remaining_minor, d.currency.to_string()),
                );
            }
        }
        Ok(out)
    }

    /// What the ERP holds open with the cloud's exclusions applied too, as the agent sends it.
    pub async fn erp_open_with_cloud_exclusions(&self) -> OpenDocuments {
        let mut connector = self.connector.clone();
        if let Ok(cloud) = self.store.exclusions(&self.tenant).await {
            connector.exclusions = connector.exclusions.union(&cloud);
        }
        let mut out = BTreeMap::new();
        if let Ok(extraction) = inkaso_connectors::extract(&connector) {
            for item in extraction.flatten() {
                if let Item::Document(d) = item {
                    out.insert(
                        d.external_id.to_string(),
                        (d.remaining_minor, d.currency.to_string()),
                    );
                }
            }
        }
        out
    }

    /// What the cloud holds open for this agent.
    pub async fn cloud_open(&self) -> anyhow::Result<OpenDocuments> {
        let rows = sqlx::query(
            "SELECT external_id, remaining_minor, currency FROM documents
             WHERE tenant_id = $1 AND agent_id = $2 AND status = 'open'",
        )
        .bind(self.tenant.as_str())
        .bind(self.agent.as_str())
        .fetch_all(self.store.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| {
                (
                    r.get::<String, _>(0),
                    (r.get::<i64, _>(1), r.get::<String, _>(2)),
                )
            })
            .collect())
    }

    /// How the cloud closed each closed document: `external_id → reason`.
    pub async fn cloud_closed(&self) -> anyhow::Result<BTreeMap<String, String>> {
        let rows = sqlx::query(
            "SELECT external_id, close_reason FROM documents
             WHERE tenant_id = $1 AND agent_id = $2 AND status = 'closed'",
        )
        .bind(self.tenant.as_str())
        .bind(self.agent.as_str())
        .fetch_all(self.store.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| (r.get::<String, _>(0), r.get::<String, _>(1)))
            .collect())
    }

    /// Rows the cloud holds for this agent, open or closed (duplicates would show here).
    pub async fn cloud_document_rows(&self) -> anyhow::Result<i64> {
        let row =
            sqlx::query("SELECT COUNT(*) FROM documents WHERE tenant_id = $1 AND agent_id = $2")
                .bind(self.tenant.as_str())
                .bind(self.agent.as_str())
                .fetch_one(self.store.pool())
                .await?;
        Ok(row.get(0))
    }

    /// Payment events the cloud recorded: `external_id → paid minor units`, summed.
    pub async fn cloud_payments(&self) -> anyhow::Result<BTreeMap<String, i64>> {
        let rows = sqlx::query(
            "SELECT document_external_id, CAST(SUM(paid_minor) AS BIGINT) FROM document_events
             WHERE tenant_id = $1 AND agent_id = $2 AND paid_minor > 0
             GROUP BY document_external_id",
        )
        .bind(self.tenant.as_str())
        .bind(self.agent.as_str())
        .fetch_all(self.store.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| (r.get::<String, _>(0), r.get::<i64, _>(1)))
            .collect())
    }

    /// Documents with more than one `opened` event: a batch applied twice would show here.
    pub async fn cloud_documents_opened_twice(&self) -> anyhow::Result<Vec<String>> {
        let rows = sqlx::query(
            "SELECT document_external_id FROM document_events
             WHERE tenant_id = $1 AND agent_id = $2 AND kind = 'opened'
             GROUP BY document_external_id HAVING COUNT(*) > 1",
        )
        .bind(self.tenant.as_str())
        .bind(self.agent.as_str())
        .fetch_all(self.store.pool())
        .await?;
        Ok(rows.iter().map(|r| r.get::<String, _>(0)).collect())
    }

    /// Stops the cloud.
    /// Serves the cloud again on the same address with `engine`'s channels, as `serve
    /// --channels-config` does (replies to debtors' own SMS go through them).
    pub async fn serve_with(
        &mut self,
        engine: inkaso_cloud::services::Engine,
    ) -> anyhow::Result<()> {
        let Some(old) = self.server.take() else {
            anyhow::bail!("the cloud is not running");
        };
        let addr = old.addr;
        old.stop().await?;
        let settings = ApiSettings {
            secure_cookies: false,
            ..ApiSettings::default()
        };
        let state =
            AppState::new(self.store.clone(), self.clock.clone(), settings).with_engine(engine);
        let listener = tokio::net::TcpListener::bind(addr).await?;
        self.server = Some(server::spawn(listener, state)?);
        Ok(())
    }

    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(server) = self.server.take() {
            server.stop().await?;
        }
        self.store.close().await;
        Ok(())
    }
}
