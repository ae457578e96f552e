//! SMSAPI.pl simulator: `/sms.do`, `/vms.do`, status polling, `/profile` and delivery-report
//! callbacks, speaking the wire format of `research/providers.md` §1 on loopback.
//!
//! Two listeners share one account: the primary and the backup host (`api2`). The primary can
//! be started refusing connections, or stopped, so the client's fail-over is exercised. Statuses
//! advance with an injected [`Clock`]: `QUEUE` at acceptance, `ACCEPTED` after
//! [`SimConfig::accept_after`], then `DELIVERED` (or `UNDELIVERED` for numbers marked so) after
//! [`SimConfig::deliver_after`]. Callbacks to `notify_url` are delivered by
//! [`SmsapiSimulator::deliver_callbacks`] (or periodically with
//! [`SmsapiSimulator::spawn_callback_loop`]) as SMSAPI does: a GET with comma-batched values,
//! redelivered until the body is exactly `OK`. A phone's SMS to the account's two-way number
//! is forwarded to the inbound callback by [`SmsapiSimulator::send_inbound`] (a form-encoded
//! POST, redelivered until `OK`). The length rules are implemented here
//! independently of the client's, so a counting bug on one side shows up in the tests.

use std::collections::{HashMap, HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Duration, Utc};
use inkaso_shared::{Clock, Phone};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// The simulated account.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// The bearer token the account accepts.
    pub token: String,
    /// Verified sender names (error 14 for others).
    pub senders: Vec<String>,
    /// Points on the account, in ten-thousandths.
    pub points: i64,
    /// Price of one SMS part, in ten-thousandths of a point.
    pub sms_part_price: i64,
    /// Price of one voice message, in ten-thousandths of a point.
    pub vms_price: i64,
    /// Account login, echoed in callbacks and the profile.
    pub username: String,
    /// Time from `QUEUE` to `ACCEPTED`.
    pub accept_after: Duration,
    /// Time from acceptance to the final status.
    pub deliver_after: Duration,
    /// Start with the primary host refusing connections.
    pub primary_down: bool,
    /// The account's two-way number, which debtors' SMS are sent to (`sms_to`).
    pub inbound_number: String,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            token: "test-token".into(),
            senders: vec!["Inkaso".into(), "Test".into()],
            points: 100_000,
            sms_part_price: 1600,
            vms_price: 2500,
            username: "inkaso-test".into(),
            accept_after: Duration::seconds(5),
            deliver_after: Duration::seconds(30),
            primary_down: false,
            inbound_number: "48799599599".into(),
        }
    }
}

/// SMS or voice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `/sms.do`.
    Sms,
    /// `/vms.do`.
    Vms,
}

/// A message the simulator accepted.
#[derive(Debug, Clone)]
pub struct SimMessage {
    /// SMSAPI id.
    pub id: String,
    /// SMS or voice.
    pub kind: Kind,
    /// Normalised number (`48…`).
    pub number: String,
    /// Text (SMS) or TTS script (voice).
    pub text: String,
    /// Sender field.
    pub from: Option<String>,
    /// The client's `idx`.
    pub idx: Option<String>,
    /// Callback URL.
    pub notify_url: Option<String>,
    /// Acceptance time.
    pub sent_at: DateTime<Utc>,
    /// Parts billed.
    pub parts: u32,
    /// Cost in ten-thousandths.
    pub points: i64,
    /// Last status reported by callback (and acknowledged with `OK`).
    pub reported: Option<u16>,
    /// Where the message ends.
    pub final_status: u16,
}

/// An SMS a phone sent to the account's two-way number, as SMSAPI forwards it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundMessage {
    /// SMSAPI's id (`MsgId`): the same on every redelivery.
    pub msg_id: String,
    /// The sender (`48500123456`).
    pub from: String,
    /// The two-way number (`sms_to`).
    pub to: String,
    /// The text.
    pub text: String,
}

/// How the forwarding of an inbound SMS went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundDelivery {
    /// The message forwarded.
    pub message: InboundMessage,
    /// Whether the callback answered exactly `OK` (SMSAPI's condition to stop).
    pub acknowledged: bool,
    /// Requests made (redeliveries included).
    pub attempts: u32,
    /// The last answer's status code, if any answer came.
    pub last_status: Option<u16>,
}

/// Forwarding attempts for one inbound SMS before the simulator gives up (SMSAPI keeps trying
/// for longer; a test needs an end).
const INBOUND_ATTEMPTS: u32 = 3;

/// What the simulator saw, for assertions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counters {
    /// Requests that reached the primary host.
    pub primary_requests: usize,
    /// Requests that reached the backup host.
    pub backup_requests: usize,
    /// SMS accepted (charged).
    pub sms_accepted: usize,
    /// Voice messages accepted.
    pub vms_accepted: usize,
    /// Error responses by code.
    pub errors: HashMap<u32, usize>,
    /// Status polls.
    pub status_polls: usize,
    /// Profile calls.
    pub profile_calls: usize,
    /// Callback requests made (including those not acknowledged).
    pub callbacks_sent: usize,
}

#[derive(Debug)]
struct Inner {
    config: SimConfig,
    points: i64,
    next_id: u64,
    messages: Vec<SimMessage>,
    idx_seen: HashMap<String, DateTime<Utc>>,
    undeliverable: HashSet<String>,
    invalid: HashSet<String>,
    fail_next: VecDeque<u32>,
    counters: Counters,
}

#[derive(Debug)]
struct Shared {
    clock: Arc<dyn Clock>,
    inner: Mutex<Inner>,
    http: reqwest::Client,
    /// Milliseconds to hold each send's answer after the message is taken (0: none).
    hold_ms: std::sync::atomic::AtomicU64,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Host {
    Primary,
    Backup,
}

#[derive(Clone)]
struct AppState {
    shared: Arc<Shared>,
    host: Host,
}

/// A running SMSAPI simulator.
#[derive(Debug)]
pub struct SmsapiSimulator {
    shared: Arc<Shared>,
    primary: SocketAddr,
    backup: SocketAddr,
    primary_task: Mutex<Option<JoinHandle<()>>>,
    backup_task: JoinHandle<()>,
}

impl Drop for SmsapiSimulator {
    fn drop(&mut self) {
        self.stop_primary();
        self.backup_task.abort();
    }
}

/// Why the simulator could not start.
#[derive(Debug, thiserror::Error)]
#[error("symulator SMSAPI: {0}")]
pub struct StartError(#[from] std::io::Error);

impl SmsapiSimulator {
    /// Starts both hosts on 127.0.0.1, on free ports.
    pub async fn start(config: SimConfig, clock: Arc<dyn Clock>) -> Result<Self, StartError> {
        let primary_down = config.primary_down;
        let shared = Arc::new(Shared {
            clock,
            inner: Mutex::new(Inner {
                points: config.points,
                config,
                next_id: 1,
                messages: Vec::new(),
                idx_seen: HashMap::new(),
                undeliverable: HashSet::new(),
                invalid: HashSet::new(),
                fail_next: VecDeque::new(),
                counters: Counters::default(),
            }),
            http: reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(5))
                .build()
                .map_err(std::io::Error::other)?,
            hold_ms: std::sync::atomic::AtomicU64::new(0),
        });
        let primary_listener = TcpListener::bind("127.0.0.1:0").await?;
        let primary = primary_listener.local_addr()?;
        let primary_task = if primary_down {
            // The port was free a moment ago and nobody listens now: connections are refused.
            drop(primary_listener);
            None
        } else {
            Some(serve(primary_listener, shared.clone(), Host::Primary))
        };
        let backup_listener = TcpListener::bind("127.0.0.1:0").await?;
        let backup = backup_listener.local_addr()?;
        let backup_task = serve(backup_listener, shared.clone(), Host::Backup);
        Ok(SmsapiSimulator {
            shared,
            primary,
            backup,
            primary_task: Mutex::new(primary_task),
            backup_task,
        })
    }

    /// The primary host's base URL (`http://127.0.0.1:port/`).
    pub fn base_url(&self) -> String {
        format!("http://{}/", self.primary)
    }

    /// The backup host's base URL.
    pub fn backup_url(&self) -> String {
        format!("http://{}/", self.backup)
    }

    /// Stops the primary host: new connections are refused from now on.
    pub fn stop_primary(&self) {
        let task = self
            .primary_task
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if let Some(task) = task {
            task.abort();
        }
    }

    /// From now on every send is taken (recorded, charged, its `idx` remembered) and its answer
    /// held back this long: the window in which a client that dies has sent a message without
    /// knowing it. `Duration::ZERO` answers at once again.
    pub fn hold_responses(&self, hold: std::time::Duration) {
        self.shared.hold_ms.store(
            u64::try_from(hold.as_millis()).unwrap_or(u64::MAX),
            std::sync::atomic::Ordering::SeqCst,
        );
    }

    /// The next requests fail with these SMSAPI error codes, one each, before any other check.
    pub fn fail_next(&self, codes: &[u32]) {
        self.shared.lock().fail_next.extend(codes);
    }

    /// Messages to this number (`48…`) end `UNDELIVERED`.
    pub fn mark_undeliverable(&self, msisdn: &str) {
        self.shared.lock().undeliverable.insert(msisdn.to_owned());
    }

    /// This number (`48…`) is refused as invalid or blacklisted (error 13).
    pub fn mark_invalid(&self, msisdn: &str) {
        self.shared.lock().invalid.insert(msisdn.to_owned());
    }

    /// Sets the account's points (ten-thousandths).
    pub fn set_points(&self, points: i64) {
        self.shared.lock().points = points;
    }

    /// Points left (ten-thousandths).
    pub fn points(&self) -> i64 {
        self.shared.lock().points
    }

    /// Messages accepted so far.
    pub fn messages(&self) -> Vec<SimMessage> {
        self.shared.lock().messages.clone()
    }

    /// Counters so far.
    pub fn counters(&self) -> Counters {
        self.shared.lock().counters.clone()
    }

    /// Sends the callbacks due at the clock's current time: for every message with a
    /// `notify_url` whose status changed since the last acknowledged report, batched per URL.
    /// Returns how many reports were acknowledged with `OK`.
    pub async fn deliver_callbacks(&self) -> usize {
        deliver_callbacks(&self.shared).await
    }

    /// A phone texts `text` from `from` (`48500123456`) to the account's two-way number:
    /// forwarded to `url` (the inbound callback set in the panel) as SMSAPI does — a
    /// form-encoded POST with `sms_from`, `sms_to`, `sms_text`, `sms_date`, `username` and a new
    /// `MsgId` — and redelivered until the answer is exactly `OK`.
    pub async fn send_inbound(&self, url: &str, from: &str, text: &str) -> InboundDelivery {
        let message = {
            let mut inner = self.shared.lock();
            let id = inner.next_id;
            inner.next_id += 1;
            InboundMessage {
                msg_id: format!("{}", 1_700_000_000_000_000_000u64 + id),
                from: from.to_owned(),
                to: inner.config.inbound_number.clone(),
                text: text.to_owned(),
            }
        };
        self.forward_inbound(url, &message).await
    }

    /// Forwards `message` (again: SMSAPI redelivers the same `MsgId` when an answer was lost).
    pub async fn forward_inbound(&self, url: &str, message: &InboundMessage) -> InboundDelivery {
        let (username, date) = {
            let inner = self.shared.lock();
            (
                inner.config.username.clone(),
                self.shared.clock.now().timestamp(),
            )
        };
        let form = [
            ("sms_to", message.to.clone()),
            ("sms_from", message.from.clone()),
            ("sms_text", message.text.clone()),
            ("sms_date", date.to_string()),
            ("username", username),
            ("MsgId", message.msg_id.clone()),
        ];
        let mut delivery = InboundDelivery {
            message: message.clone(),
            acknowledged: false,
            attempts: 0,
            last_status: None,
        };
        while delivery.attempts < INBOUND_ATTEMPTS && !delivery.acknowledged {
            delivery.attempts += 1;
            self.shared.lock().counters.callbacks_sent += 1;
            if let Ok(resp) = self.shared.http.post(url).form(&form).send().await {
                delivery.last_status = Some(resp.status().as_u16());
                delivery.acknowledged = resp.text().await.is_ok_and(|b| b == "OK");
            }
        }
        delivery
    }

    /// Delivers callbacks every `every` (real time) until the simulator is dropped.
    pub fn spawn_callback_loop(&self, every: std::time::Duration) -> JoinHandle<()> {
        let shared = Arc::downgrade(&self.shared);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                let Some(shared) = shared.upgrade() else {
                    break;
                };
                deliver_callbacks(&shared).await;
            }
        })
    }
}

fn serve(listener: TcpListener, shared: Arc<Shared>, host: Host) -> JoinHandle<()> {
    let app = Router::new()
        .route("/sms.do", get(sms_get).post(sms_post))
        .route("/vms.do", get(vms_get).post(vms_post))
        .route("/profile", get(profile))
        .with_state(AppState { shared, host });
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            eprintln!("symulator SMSAPI: {e}");
        }
    })
}

/// SMSAPI's JSON error body (HTTP 200, as the official client expects).
fn api_error(inner: &mut Inner, code: u32, message: &str) -> Response {
    *inner.counters.errors.entry(code).or_insert(0) += 1;
    json_response(&json!({ "error": code, "message": message }))
}

fn json_response(v: &Value) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        v.to_string(),
    )
        .into_response()
}

fn points_json(p: i64) -> Value {
    // SMSAPI prints points as a JSON number.
    serde_json::from_str(&format!(
        "{}{}.{:04}",
        if p < 0 { "-" } else { "" },
        p.unsigned_abs() / 10_000,
        p.unsigned_abs() % 10_000
    ))
    .unwrap_or(Value::Null)
}

fn authorized(headers: &HeaderMap, inner: &Inner) -> bool {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|t| t == inner.config.token)
}

/// Parameters from the query plus a form or JSON body, as the legacy endpoints accept both.
fn params(
    query: &HashMap<String, String>,
    headers: &HeaderMap,
    body: &[u8],
) -> HashMap<String, String> {
    let mut out = query.clone();
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json {
        if let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) {
            for (k, v) in map {
                let s = match v {
                    Value::String(s) => s,
                    Value::Bool(b) => {
                        if b {
                            "1".into()
                        } else {
                            "0".into()
                        }
                    }
                    other => other.to_string(),
                };
                out.insert(k, s);
            }
        }
    } else if let Ok(url) =
        reqwest::Url::parse(&format!("http://x/?{}", String::from_utf8_lossy(body)))
    {
        for (k, v) in url.query_pairs() {
            out.insert(k.into_owned(), v.into_owned());
        }
    }
    out
}

fn flag(p: &HashMap<String, String>, k: &str) -> bool {
    p.get(k)
        .is_some_and(|v| v == "1" || v.eq_ignore_ascii_case("true"))
}

const GSM7_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM7_EXTENSION: &str = "\u{c}^{}\\[~]|€";

/// Parts per `providers.md` §1.10: GSM-7 160/153 (extension = 2 septets), else UCS-2 70/67.
fn sms_parts(text: &str) -> (bool, u32) {
    let mut septets = 0u32;
    let mut gsm = true;
    for c in text.chars() {
        if GSM7_BASIC.contains(c) {
            septets += 1;
        } else if GSM7_EXTENSION.contains(c) {
            septets += 2;
        } else {
            gsm = false;
            break;
        }
    }
    let (units, single, multi) = if gsm {
        (septets, 160, 153)
    } else {
        (
            u32::try_from(text.encode_utf16().count()).unwrap_or(u32::MAX),
            70,
            67,
        )
    };
    let parts = if units <= single {
        1
    } else {
        units.div_ceil(multi)
    };
    (gsm, parts)
}

fn new_id(inner: &mut Inner, now: DateTime<Utc>) -> String {
    let id = format!("{}{:06}", now.timestamp(), inner.next_id);
    inner.next_id += 1;
    id
}

struct Recipients {
    valid: Vec<(String, String)>,
    invalid: Vec<Value>,
}

fn recipients(inner: &Inner, to: &str, kind: Kind) -> Recipients {
    let mut valid = Vec::new();
    let mut invalid = Vec::new();
    for submitted in to.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        match Phone::parse(submitted) {
            Ok(p) if (kind == Kind::Vms || p.is_mobile()) && !inner.invalid.contains(p.msisdn()) => {
                valid.push((p.msisdn().to_owned(), submitted.to_owned()));
            }
            Ok(p) => invalid.push(json!({
                "number": p.msisdn(), "submitted_number": submitted, "message": "Invalid phone number"
            })),
            Err(_) => invalid.push(json!({
                "number": submitted, "submitted_number": submitted, "message": "Invalid phone number"
            })),
        }
    }
    Recipients { valid, invalid }
}

async fn sms_post(
    State(app): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let response = send(&app, Kind::Sms, &query, &headers, &body);
    hold(&app).await;
    response
}

async fn hold(app: &AppState) {
    let ms = app.shared.hold_ms.load(std::sync::atomic::Ordering::SeqCst);
    if ms > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
    }
}

async fn vms_post(
    State(app): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let response = send(&app, Kind::Vms, &query, &headers, &body);
    hold(&app).await;
    response
}

async fn sms_get(
    State(app): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    status(&app, Kind::Sms, &query, &headers)
}

async fn vms_get(
    State(app): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    status(&app, Kind::Vms, &query, &headers)
}

fn count_request(inner: &mut Inner, host: Host) {
    match host {
        Host::Primary => inner.counters.primary_requests += 1,
        Host::Backup => inner.counters.backup_requests += 1,
    }
}

#[allow(clippy::too_many_lines)] // one linear list of SMSAPI's checks, in its order
fn send(
    app: &AppState,
    kind: Kind,
    query: &HashMap<String, String>,
    headers: &HeaderMap,
    body: &[u8],
) -> Response {
    let now = app.shared.clock.now();
    let mut guard = app.shared.lock();
    let inner = &mut *guard;
    count_request(inner, app.host);
    if query.get("format").map(String::as_str) != Some("json") {
        // The pre-JSON API answered in plain text.
        return (StatusCode::OK, "ERROR:8").into_response();
    }
    if !authorized(headers, inner) {
        return api_error(inner, 101, "Authorization failed");
    }
    if let Some(code) = inner.fail_next.pop_front() {
        return api_error(inner, code, "Simulated failure");
    }
    let p = params(query, headers, body);
    let text = match kind {
        Kind::Sms => p.get("message").cloned().unwrap_or_default(),
        Kind::Vms => p.get("tts").cloned().unwrap_or_default(),
    };
    if text.trim().is_empty() && !(kind == Kind::Vms && p.contains_key("file")) {
        let msg = match kind {
            Kind::Sms => "Message is empty",
            Kind::Vms => "No wave file or tts text",
        };
        return api_error(inner, 11, msg);
    }
    let (gsm, parts) = match kind {
        Kind::Sms => sms_parts(&text),
        Kind::Vms => (true, 1),
    };
    if kind == Kind::Sms && !gsm && flag(&p, "nounicode") {
        return api_error(inner, 11, "Special characters used with nounicode");
    }
    let max_parts = p
        .get("max_parts")
        .and_then(|m| m.parse::<u32>().ok())
        .unwrap_or(6)
        .min(6);
    if kind == Kind::Sms && parts > max_parts {
        return api_error(
            inner,
            12,
            "Message has more parts than defined in max_parts",
        );
    }
    if let Some(from) = p.get("from")
        && !inner.config.senders.iter().any(|s| s == from)
    {
        return api_error(inner, 14, "Wrong sender name");
    }
    let idx = p.get("idx").cloned().filter(|i| !i.is_empty());
    if idx.as_ref().is_some_and(|i| i.chars().count() > 255) {
        return api_error(inner, 27, "Too long IDX parameter. Maximum 255 chars.");
    }
    let to = p.get("to").cloned().unwrap_or_default();
    let rcpt = recipients(inner, &to, kind);
    if rcpt.valid.is_empty() {
        *inner.counters.errors.entry(13).or_insert(0) += 1;
        return json_response(&json!({
            "error": 13, "message": "No correct phone numbers", "invalid_numbers": rcpt.invalid
        }));
    }
    if kind == Kind::Vms && rcpt.valid.iter().any(|(n, _)| !n.starts_with("48")) {
        return api_error(inner, 32, "VMS messages may be sent only to Polish numbers");
    }
    if flag(&p, "check_idx")
        && let Some(i) = &idx
        && inner
            .idx_seen
            .get(i)
            .is_some_and(|at| now - *at < Duration::hours(24))
    {
        return api_error(
            inner,
            53,
            "Not unique idx parameter, message with the same idx has been already sent",
        );
    }
    let unit_price = match kind {
        Kind::Sms => inner.config.sms_part_price * i64::from(parts),
        Kind::Vms => inner.config.vms_price,
    };
    let count = i64::try_from(rcpt.valid.len()).unwrap_or(i64::MAX);
    let test_mode = flag(&p, "test");
    if !test_mode && inner.points < unit_price.saturating_mul(count) {
        return api_error(inner, 103, "Insufficient credits on Your account");
    }
    let mut list = Vec::new();
    for (number, submitted) in rcpt.valid {
        let id = new_id(inner, now);
        let price = if test_mode { 0 } else { unit_price };
        let mut item = json!({
            "id": id, "points": points_json(price), "number": number, "date_sent": now.timestamp(),
            "submitted_number": submitted, "status": "QUEUE", "idx": idx.clone().unwrap_or_default(),
            "error": Value::Null
        });
        if kind == Kind::Sms {
            item["message"] = Value::String(text.clone());
            item["length"] = json!(text.chars().count());
            item["parts"] = json!(parts);
        }
        list.push(item);
        if test_mode {
            continue;
        }
        inner.points -= price;
        match kind {
            Kind::Sms => inner.counters.sms_accepted += 1,
            Kind::Vms => inner.counters.vms_accepted += 1,
        }
        let final_status = if inner.undeliverable.contains(&number) {
            405
        } else {
            404
        };
        inner.messages.push(SimMessage {
            id,
            kind,
            number,
            text: text.clone(),
            from: p.get("from").cloned(),
            idx: idx.clone(),
            notify_url: p.get("notify_url").cloned(),
            sent_at: now,
            parts,
            points: price,
            reported: None,
            final_status,
        });
    }
    if !test_mode && let Some(i) = idx {
        inner.idx_seen.insert(i, now);
    }
    json_response(&json!({ "count": list.len(), "list": list }))
}

fn status_at(inner: &Inner, m: &SimMessage, now: DateTime<Utc>) -> u16 {
    if now < m.sent_at + inner.config.accept_after {
        409
    } else if now < m.sent_at + inner.config.deliver_after {
        410
    } else {
        m.final_status
    }
}

fn status_name(code: u16) -> &'static str {
    match code {
        401 => "NOT_FOUND",
        402 => "EXPIRED",
        403 => "SENT",
        404 => "DELIVERED",
        405 => "UNDELIVERED",
        406 => "FAILED",
        407 => "REJECTED",
        408 => "UNKNOWN",
        409 => "QUEUE",
        410 => "ACCEPTED",
        411 => "RENEWAL",
        _ => "STOP",
    }
}

fn status(
    app: &AppState,
    kind: Kind,
    query: &HashMap<String, String>,
    headers: &HeaderMap,
) -> Response {
    let now = app.shared.clock.now();
    let mut guard = app.shared.lock();
    let inner = &mut *guard;
    count_request(inner, app.host);
    if !authorized(headers, inner) {
        return api_error(inner, 101, "Authorization failed");
    }
    let Some(id) = query.get("status") else {
        return api_error(inner, 8, "Error in request");
    };
    inner.counters.status_polls += 1;
    let found = inner
        .messages
        .iter()
        .find(|m| &m.id == id && m.kind == kind)
        .cloned();
    match found {
        None => api_error(inner, 301, "ID of messages doesn't exist"),
        Some(m) => {
            let code = status_at(inner, &m, now);
            let mut v = json!({
                "id": m.id, "points": points_json(m.points), "number": m.number,
                "date_sent": m.sent_at.timestamp(), "submitted_number": m.number,
                "status": status_name(code), "idx": m.idx.clone().unwrap_or_default(), "error": Value::Null
            });
            if kind == Kind::Sms {
                v["message"] = Value::String(m.text.clone());
                v["length"] = json!(m.text.chars().count());
                v["parts"] = json!(m.parts);
            }
            json_response(&v)
        }
    }
}

async fn profile(State(app): State<AppState>, headers: HeaderMap) -> Response {
    let mut guard = app.shared.lock();
    let inner = &mut *guard;
    count_request(inner, app.host);
    if !authorized(&headers, inner) {
        return api_error(inner, 101, "Authorization failed");
    }
    inner.counters.profile_calls += 1;
    json_response(&json!({
        "name": "Inkaso Test", "email": "it@inkaso.test", "username": inner.config.username,
        "phone_number": "48500100200", "payment_type": "prepaid", "user_type": "native",
        "points": points_json(inner.points)
    }))
}

/// A report due: the message's index, its status code now, and the message.
type Due = (usize, u16, SimMessage);

async fn deliver_callbacks(shared: &Arc<Shared>) -> usize {
    let now = shared.clock.now();
    // Collect the due reports per URL under the lock, send without it.
    let batches: Vec<(String, Vec<Due>)> = {
        let inner = shared.lock();
        let mut by_url: Vec<(String, Vec<Due>)> = Vec::new();
        for (i, m) in inner.messages.iter().enumerate() {
            let Some(url) = &m.notify_url else { continue };
            let code = status_at(&inner, m, now);
            if m.reported == Some(code) {
                continue;
            }
            match by_url.iter_mut().find(|(u, _)| u == url) {
                Some((_, v)) => v.push((i, code, m.clone())),
                None => by_url.push((url.clone(), vec![(i, code, m.clone())])),
            }
        }
        by_url
    };
    let username = shared.lock().config.username.clone();
    let mut acknowledged = 0;
    for (url, items) in batches {
        let join = |f: &dyn Fn(&Due) -> String| items.iter().map(f).collect::<Vec<_>>().join(",");
        let query = [
            ("MsgId", join(&|(_, _, m)| m.id.clone())),
            ("status", join(&|(_, c, _)| c.to_string())),
            ("status_name", join(&|(_, c, _)| status_name(*c).to_owned())),
            ("idx", join(&|(_, _, m)| m.idx.clone().unwrap_or_default())),
            ("to", join(&|(_, _, m)| m.number.clone())),
            ("donedate", join(&|_| now.timestamp().to_string())),
            ("username", username.clone()),
            (
                "points",
                join(&|(_, _, m)| points_json(m.points).to_string()),
            ),
            ("mcc", join(&|_| "260".to_owned())),
            ("mnc", join(&|_| "3".to_owned())),
            (
                "from",
                join(&|(_, _, m)| m.from.clone().unwrap_or_default()),
            ),
        ];
        shared.lock().counters.callbacks_sent += 1;
        let ok = match shared.http.get(&url).query(&query).send().await {
            Ok(r) => r.text().await.is_ok_and(|body| body == "OK"),
            Err(_) => false,
        };
        if ok {
            let mut inner = shared.lock();
            for (i, code, _) in &items {
                if let Some(m) = inner.messages.get_mut(*i) {
                    m.reported = Some(*code);
                }
            }
            acknowledged += items.len();
        }
    }
    acknowledged
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_follow_the_documented_rules() {
        assert_eq!(sms_parts(&"a".repeat(160)), (true, 1));
        assert_eq!(sms_parts(&"a".repeat(161)), (true, 2));
        assert_eq!(sms_parts(&"€".repeat(80)), (true, 1));
        assert_eq!(sms_parts(&"€".repeat(81)), (true, 2));
        assert_eq!(sms_parts(&"ą".repeat(70)), (false, 1));
        assert_eq!(sms_parts(&"ą".repeat(71)), (false, 2));
        assert_eq!(sms_parts(&"ą".repeat(402)), (false, 6));
    }
}
