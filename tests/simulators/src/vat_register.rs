//! VAT taxpayer register ("Biała lista", `wl-api.mf.gov.pl`) simulator: the two search endpoints
//! the cloud uses, with the register's documented response and error shapes.
//!
//! - `GET /api/search/nip/{nip}?date=YYYY-MM-DD` → `{"result": {"subject": {..}|null,
//!   "requestId", "requestDateTime"}}`;
//! - `GET /api/search/nips/{nip,nip,..}?date=` (≤ 30) → `{"result": {"entries": [{"identifier",
//!   "subjects": [..]}], "requestId", "requestDateTime"}}`;
//! - errors: HTTP 400 `{"code": "WL-1xx", "message": ".."}`: WL-101 empty date, WL-102 bad date,
//!   WL-103 future date, WL-112 empty NIP, WL-113 wrong length, WL-114 non-digits, WL-115
//!   invalid NIP (checksum), WL-130 more than 30 arguments, WL-191 the daily request limit for
//!   this address is spent (every search request counts, valid or not).
//!
//! A missing subject is not an error: `subject: null` (or an entry with no subjects), HTTP 200.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{Value, json};

/// Most NIPs in one batch request.
pub const MAX_BATCH: usize = 30;

/// A taxpayer the simulator knows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Subject {
    /// Registered name.
    pub name: String,
    /// NIP.
    pub nip: String,
    /// `Czynny`, `Zwolniony`, `Niezarejestrowany`.
    pub status_vat: String,
    /// REGON.
    pub regon: Option<String>,
    /// KRS.
    pub krs: Option<String>,
    /// For natural persons' businesses.
    pub residence_address: Option<String>,
    /// For companies.
    pub working_address: Option<String>,
    /// Bank accounts (NRB).
    pub account_numbers: Vec<String>,
}

impl Subject {
    /// An active VAT payer with a working address.
    pub fn company(nip: &str, name: &str, address: &str) -> Subject {
        Subject {
            name: name.to_owned(),
            nip: nip.to_owned(),
            status_vat: "Czynny".to_owned(),
            regon: Some("012345678".to_owned()),
            krs: Some("0000123456".to_owned()),
            residence_address: None,
            working_address: Some(address.to_owned()),
            account_numbers: vec!["61109010140000071219812874".to_owned()],
        }
    }
}

/// The simulator's settings.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// The simulator's "today" (dates after it are refused as future).
    pub today: NaiveDate,
    /// Search requests allowed per day (the register allows 100).
    pub daily_limit: u32,
}

impl SimConfig {
    /// Today as given, the register's limit of 100 searches a day.
    pub fn new(today: NaiveDate) -> SimConfig {
        SimConfig {
            today,
            daily_limit: 100,
        }
    }
}

#[derive(Debug)]
struct Inner {
    config: SimConfig,
    subjects: BTreeMap<String, Subject>,
    requests: BTreeMap<NaiveDate, u32>,
    next_id: u64,
}

type Shared = Arc<Mutex<Inner>>;

fn lock(s: &Shared) -> std::sync::MutexGuard<'_, Inner> {
    s.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A running simulator on 127.0.0.1 (port 0).
#[derive(Debug)]
pub struct VatRegisterSim {
    /// Where it listens.
    pub addr: SocketAddr,
    inner: Shared,
    task: tokio::task::JoinHandle<()>,
}

impl VatRegisterSim {
    /// Starts the simulator.
    pub async fn start(config: SimConfig) -> std::io::Result<VatRegisterSim> {
        let inner: Shared = Arc::new(Mutex::new(Inner {
            config,
            subjects: BTreeMap::new(),
            requests: BTreeMap::new(),
            next_id: 1,
        }));
        let app = Router::new()
            .route("/api/search/nip/{nip}", get(search_nip))
            .route("/api/search/nips/{nips}", get(search_nips))
            .with_state(Arc::clone(&inner));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(VatRegisterSim { addr, inner, task })
    }

    /// `http://127.0.0.1:port`, to configure as the register's base URL.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Registers a taxpayer.
    pub fn add(&self, subject: Subject) {
        lock(&self.inner)
            .subjects
            .insert(subject.nip.clone(), subject);
    }

    /// Search requests received on the simulator's today.
    pub fn requests_today(&self) -> u32 {
        let inner = lock(&self.inner);
        inner
            .requests
            .get(&inner.config.today)
            .copied()
            .unwrap_or(0)
    }

    /// Moves the simulator's day (a new day restores the limit).
    pub fn set_today(&self, today: NaiveDate) {
        lock(&self.inner).config.today = today;
    }
}

impl Drop for VatRegisterSim {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn error(code: &str, message: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({"code": code, "message": message})),
    )
        .into_response()
}

/// A register error (code, message), answered as HTTP 400 `{"code", "message"}`.
#[derive(Debug)]
struct WlError(&'static str, &'static str);

impl IntoResponse for WlError {
    fn into_response(self) -> Response {
        error(self.0, self.1)
    }
}

/// Counts the request and checks the limit and the date (returned for completeness).
fn admit(inner: &mut Inner, q: &BTreeMap<String, String>) -> Result<NaiveDate, WlError> {
    let today = inner.config.today;
    let used = inner.requests.entry(today).or_insert(0);
    *used += 1;
    if *used > inner.config.daily_limit {
        return Err(WlError(
            "WL-191",
            "Limit żądań dla tego adresu IP został na dziś wyczerpany.",
        ));
    }
    let date = q.get("date").map(|d| d.trim()).unwrap_or_default();
    if date.is_empty() {
        return Err(WlError("WL-101", "Pole 'data' nie może być puste."));
    }
    let Ok(date) = NaiveDate::parse_from_str(date, "%Y-%m-%d") else {
        return Err(WlError("WL-102", "Pole 'data' ma nieprawidłowy format."));
    };
    if date > today {
        return Err(WlError("WL-103", "Data nie może być datą przyszłą."));
    }
    Ok(date)
}

fn check_nip(nip: &str) -> Result<(), WlError> {
    if nip.is_empty() {
        return Err(WlError("WL-112", "Pole 'NIP' nie może być puste."));
    }
    if nip.len() != 10 {
        return Err(WlError(
            "WL-113",
            "Pole 'NIP' ma nieprawidłową długość. Wymagane 10 znaków.",
        ));
    }
    if !nip.bytes().all(|b| b.is_ascii_digit()) {
        return Err(WlError(
            "WL-114",
            "Pole 'NIP' zawiera niedozwolone znaki. Wymagane tylko cyfry.",
        ));
    }
    if inkaso_shared::Nip::parse(nip).is_err() {
        return Err(WlError("WL-115", "Nieprawidłowy NIP."));
    }
    Ok(())
}

fn stamp(inner: &mut Inner, date: NaiveDate) -> (String, String) {
    let id = format!("sim-{:06}", inner.next_id);
    inner.next_id += 1;
    (id, format!("{} 12:00:00", date.format("%d-%m-%Y")))
}

async fn search_nip(
    State(inner): State<Shared>,
    Path(nip): Path<String>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    let mut inner = lock(&inner);
    if let Err(r) = admit(&mut inner, &q) {
        return r.into_response();
    }
    if let Err(r) = check_nip(nip.trim()) {
        return r.into_response();
    }
    let subject = inner.subjects.get(nip.trim()).cloned();
    let today = inner.config.today;
    let (request_id, at) = stamp(&mut inner, today);
    Json(json!({"result": {"subject": subject, "requestId": request_id, "requestDateTime": at}}))
        .into_response()
}

async fn search_nips(
    State(inner): State<Shared>,
    Path(nips): Path<String>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    let mut inner = lock(&inner);
    if let Err(r) = admit(&mut inner, &q) {
        return r.into_response();
    }
    let list: Vec<&str> = nips.split(',').map(str::trim).collect();
    if list.len() > MAX_BATCH {
        return error(
            "WL-130",
            "Przekroczono maksymalną liczbę argumentów zapytania (30).",
        );
    }
    for nip in &list {
        if let Err(r) = check_nip(nip) {
            return r.into_response();
        }
    }
    let entries: Vec<Value> = list
        .iter()
        .map(|nip| {
            let subjects: Vec<&Subject> = inner.subjects.get(*nip).into_iter().collect();
            json!({"identifier": nip, "subjects": subjects})
        })
        .collect();
    let today = inner.config.today;
    let (request_id, at) = stamp(&mut inner, today);
    Json(json!({"result": {"entries": entries, "requestId": request_id, "requestDateTime": at}}))
        .into_response()
}
