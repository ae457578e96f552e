//! Test harness of the cloud: a fresh database per test (a temporary SQLite file, or a uniquely
//! named PostgreSQL database dropped afterwards), a server on 127.0.0.1:0 with a manual clock,
//! and helpers that speak the agent and client APIs over real HTTP.

#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

use std::io::Write as _;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use inkaso_cloud::domain::ids::AgentId;
use inkaso_cloud::http::{ApiSettings, AppState};
use inkaso_cloud::server::{RunningServer, spawn};
use inkaso_cloud::services::Engine;
use inkaso_cloud::store::accounts::{Role, TenantKind};
use inkaso_cloud::store::{Backend, Store, TenantScope};
use inkaso_shared::{Email, ManualClock};
use serde_json::{Value, json};

/// A database that exists for one test.
#[derive(Debug)]
pub struct TestDb {
    pub url: String,
    pub backend: Backend,
    _dir: Option<tempfile::TempDir>,
    pg_name: Option<(String, String)>,
}

impl TestDb {
    pub async fn new(backend: Backend) -> TestDb {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                let url = inkaso_cloud::store::sqlite_url(&dir.path().join("inkaso.db"));
                TestDb {
                    url,
                    backend,
                    _dir: Some(dir),
                    pg_name: None,
                }
            }
            Backend::Postgres => {
                let admin = inkaso_testkit::pg_url();
                let name = format!("inkaso_t_{}", inkaso_cloud::store::new_id());
                sqlx::any::install_default_drivers();
                let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin)
                    .await
                    .unwrap();
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .execute(&mut conn)
                    .await
                    .unwrap();
                let base = admin
                    .rsplit_once('/')
                    .map_or(admin.clone(), |(b, _)| b.to_owned());
                TestDb {
                    url: format!("{base}/{name}"),
                    backend,
                    _dir: None,
                    pg_name: Some((admin, name)),
                }
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin, name)) = self.pg_name.take() {
            // Drop runs inside the test's runtime; a fresh thread with its own runtime can block.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async move {
                    if let Ok(mut conn) =
                        <sqlx::AnyConnection as sqlx::Connection>::connect(&admin).await
                    {
                        let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                        )))
                        .execute(&mut conn)
                        .await;
                    }
                });
            })
            .join();
        }
    }
}

pub fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-22T09:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

/// A tenant with an agent and one user per role.
#[derive(Debug, Clone)]
pub struct TenantFixture {
    /// The scope the operator CLI would create: for calling the store directly.
    pub scope: TenantScope,
    pub agent: AgentId,
    pub agent_token: String,
    pub admin: String,
    pub editor: String,
    pub viewer: String,
}

/// A running cloud over a fresh database.
#[derive(Debug)]
pub struct Env {
    pub db: TestDb,
    pub store: Store,
    pub clock: Arc<ManualClock>,
    pub server: RunningServer,
    pub http: reqwest::Client,
}

impl Env {
    pub async fn new(backend: Backend) -> Env {
        let db = TestDb::new(backend).await;
        Env::on(db).await
    }

    pub async fn on(db: TestDb) -> Env {
        Env::on_with(db, Arc::new(ManualClock::new(t0())), Engine::default()).await
    }

    /// A cloud on `clock` delivering through `engine`'s channels (a simulator's, a recorder).
    pub async fn on_with(db: TestDb, clock: Arc<ManualClock>, engine: Engine) -> Env {
        let store = Store::open(&db.url, 8).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let state =
            AppState::new(store.clone(), clock.clone(), ApiSettings::default()).with_engine(engine);
        let server = spawn(listener, state).unwrap();
        Env {
            db,
            store,
            clock,
            server,
            http: reqwest::Client::new(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.base_url())
    }

    /// A tenant, an agent and API tokens for each role.
    pub async fn tenant(&self, name: &str) -> TenantFixture {
        let now = self.clock_now();
        let t = self
            .store
            .create_tenant(TenantKind::Client, name, now)
            .await
            .unwrap();
        let scope = TenantScope::operator(t.id.clone());
        let a = self
            .store
            .create_agent(&scope, "ERP", "cli", now)
            .await
            .unwrap();
        let mut tokens = Vec::new();
        for role in [Role::Admin, Role::Editor, Role::Viewer] {
            tokens.push(
                self.store
                    .create_api_token(&scope, role.as_str(), role, "cli", now)
                    .await
                    .unwrap()
                    .secret,
            );
        }
        self.store
            .add_user(
                &scope,
                &Email::parse("szef@firma.pl").unwrap(),
                Role::Admin,
                "bardzo-tajne-haslo",
                "cli",
                now,
            )
            .await
            .unwrap();
        TenantFixture {
            scope,
            agent: AgentId::new(a.id),
            agent_token: a.secret,
            admin: tokens[0].clone(),
            editor: tokens[1].clone(),
            viewer: tokens[2].clone(),
        }
    }

    /// A person of the firm (or law firm) with this login; their user id.
    pub async fn person(
        &self,
        scope: &TenantScope,
        email: &str,
        role: Role,
        password: &str,
    ) -> String {
        self.store
            .add_user(
                scope,
                &Email::parse(email).unwrap(),
                role,
                password,
                "cli",
                self.clock_now(),
            )
            .await
            .unwrap()
    }

    pub fn clock_now(&self) -> DateTime<Utc> {
        use inkaso_shared::Clock as _;
        self.clock.now()
    }

    /// POSTs a batch as JSON; returns status and body.
    pub async fn batch(&self, token: &str, seq: u64, ops: Value) -> (u16, Value) {
        self.post(
            token,
            "/agent/v1/batches",
            &json!({"protocol": 1, "seq": seq, "ops": ops}),
        )
        .await
    }

    /// POSTs a batch that must be applied (200); returns the acknowledgement.
    pub async fn batch_ok(&self, token: &str, seq: u64, ops: Value) -> Value {
        let (s, body) = self.batch(token, seq, ops).await;
        assert_eq!(s, 200, "batch {seq}: {body}");
        body
    }

    pub async fn post(&self, token: &str, path: &str, body: &Value) -> (u16, Value) {
        let r = self
            .http
            .post(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn post_gzip(&self, token: &str, path: &str, body: &[u8]) -> (u16, Value) {
        let r = self
            .http
            .post(self.url(path))
            .bearer_auth(token)
            .header("content-type", "application/json")
            .header("content-encoding", "gzip")
            .body(gzip(body))
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn get(&self, token: &str, path: &str) -> (u16, Value) {
        let r = self
            .http
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn put(&self, token: &str, path: &str, body: &Value) -> (u16, Value) {
        let r = self
            .http
            .put(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    /// A GET whose body is not JSON (a PDF, a CSV): status, content type and bytes.
    pub async fn get_raw(&self, token: &str, path: &str) -> (u16, String, Vec<u8>) {
        let r = self
            .http
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let ct = r
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        (status, ct, r.bytes().await.unwrap().to_vec())
    }

    pub async fn delete(&self, token: &str, path: &str) -> (u16, Value) {
        let r = self
            .http
            .delete(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    /// Counts rows of a table for a tenant.
    pub async fn count(&self, table: &str, tenant_id: &str) -> i64 {
        use sqlx::Row as _;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM {table} WHERE tenant_id = $1"
        )))
        .bind(tenant_id)
        .fetch_one(self.store.pool())
        .await
        .unwrap()
        .try_get::<i64, _>(0)
        .unwrap()
    }
}

pub async fn start(store: &Store, clock: &Arc<ManualClock>) -> RunningServer {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let state = AppState::new(store.clone(), clock.clone(), ApiSettings::default());
    spawn(listener, state).unwrap()
}

pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

/// A valid NIP made from a number (checksum computed; numbers giving checksum 10 are shifted).
pub fn nip(n: u64) -> String {
    const W: [u64; 9] = [6, 5, 7, 2, 3, 4, 5, 6, 7];
    let mut base = 100_000_000 + n * 7;
    loop {
        let digits: Vec<u64> = format!("{base:09}")
            .bytes()
            .map(|b| u64::from(b - b'0'))
            .collect();
        let sum: u64 = digits.iter().zip(W).map(|(d, w)| d * w).sum();
        if sum % 11 != 10 {
            return format!("{base:09}{}", sum % 11);
        }
        base += 1;
    }
}

pub fn company(ext: &str, name: &str, nip_: &str) -> Value {
    json!({"op": "upsert_debtor", "debtor": {"external_id": ext, "kind": "company", "name": name, "nip": nip_,
        "email": format!("biuro{ext}@firma.pl"), "phone": "+48601234567", "address": null}})
}

pub fn person(ext: &str, name: &str) -> Value {
    json!({"op": "upsert_debtor", "debtor": {"external_id": ext, "kind": "person", "name": name,
        "email": null, "phone": "601 234 567",
        "address": {"street": "Długa 5/3", "postcode": "80-001", "city": "Gdańsk", "country": "PL"}}})
}

pub fn doc(ext: &str, debtor: &str, due: &str, amount: i64, remaining: i64) -> Value {
    json!({"op": "upsert_document", "document": {"external_id": ext, "debtor_external_id": debtor,
        "number": format!("FS {ext}/2026"), "issue_date": "2026-10-01", "due_date": due,
        "amount_minor": amount, "remaining_minor": remaining, "currency": "PLN"}})
}

pub fn close(ext: &str, reason: &str, on: &str) -> Value {
    json!({"op": "close_document", "external_id": ext, "reason": reason, "observed_on": on})
}

/// Runs a scenario on SQLite and on PostgreSQL, as two tests.
#[macro_export]
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name(inkaso_cloud::store::Backend::Sqlite).await;
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name(inkaso_cloud::store::Backend::Postgres).await;
                }
            }
        )*
    };
}
