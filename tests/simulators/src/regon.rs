//! GUS REGON register simulator, BIR1.1 (`/wsBIR/UslugaBIRzewnPubl.svc`): the SOAP 1.2 service
//! as the register and its public clients show it.
//!
//! - Requests: `POST`, `Content-Type: application/soap+xml` (anything else: HTTP 415, as WCF
//!   answers), an envelope in the SOAP 1.2 namespace with WS-Addressing `Action` and `To` in
//!   its header; the body's operation must be the one the `Action` names (else a SOAP fault
//!   `a:ActionNotSupported`, HTTP 500). Prefixes, default namespaces, empty or `xsi:nil`
//!   siblings and `mustUnderstand` are all taken, as real clients send them.
//! - `Zaloguj(pKluczUzytkownika)` → a 20-character session id, or an empty result for an unknown
//!   key; the id travels back as the HTTP header `sid`; `Wyloguj` → `true`.
//! - `DaneSzukajPodmioty(pParametryWyszukiwania/Nip)` → `<root><dane>…</dane></root>` escaped
//!   into the result, one `dane` per entity with that NIP (an entity and its local units);
//!   an unknown NIP is data: `ErrorCode` 4.
//! - `DanePobierzPelnyRaport(pRegon, pNazwaRaportu)` for the PKD reports (`BIR11OsPrawnaPkd`,
//!   `BIR11OsFizycznaPkd`, `BIR11JednLokalnaOsPrawnejPkd`, `BIR11JednLokalnaOsFizycznejPkd`) →
//!   one `dane` per code with the report's prefixed fields, exactly one dominant; a sole trader
//!   with no codes, or a report that does not fit the entity, → `ErrorCode` 4.
//! - A missing or expired session: an empty result, then `GetValue(KomunikatKod)` = 7;
//!   `GetValue(StatusSesji)` 1/0; `GetValue(StatusUslugi)` 1, or 2 during a technical break
//!   ([`RegonSim::set_service_status`]), when every operation answers empty.
//! - Every answer is MTOM-framed (`multipart/related; type="application/xop+xml"`) as the
//!   service does, unless [`Framing::Plain`] is chosen to test a client's tolerance.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use quick_xml::NsReader;
use quick_xml::events::Event;
use quick_xml::name::{Namespace, ResolveResult};

/// The service's path.
pub const PATH: &str = "/wsBIR/UslugaBIRzewnPubl.svc";
/// The test service's public key, the one the simulator accepts by default.
pub const TEST_KEY: &str = "abcde12345abcde12345";

const SOAP: &str = "http://www.w3.org/2003/05/soap-envelope";
const WSA: &str = "http://www.w3.org/2005/08/addressing";
const PUBL: &str = "http://CIS/BIR/PUBL/2014/07";
const BIR: &str = "http://CIS/BIR/2014/07";
const PUBL_ACTIONS: &str = "http://CIS/BIR/PUBL/2014/07/IUslugaBIRzewnPubl/";
const GET_VALUE_ACTION: &str = "http://CIS/BIR/2014/07/IUslugaBIR/GetValue";

/// An entity's type in the register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `P`: a legal person (a company).
    Legal,
    /// `F`: a natural person's business.
    Person,
    /// `LP`: a legal person's local unit.
    LegalUnit,
    /// `LF`: a natural person's local unit.
    PersonUnit,
}

impl Kind {
    fn code(self) -> &'static str {
        match self {
            Kind::Legal => "P",
            Kind::Person => "F",
            Kind::LegalUnit => "LP",
            Kind::PersonUnit => "LF",
        }
    }

    /// The PKD report for the type and its fields' prefix and style.
    fn pkd_report(self) -> (&'static str, &'static str, bool) {
        match self {
            Kind::Legal => ("BIR11OsPrawnaPkd", "praw_", false),
            Kind::Person => ("BIR11OsFizycznaPkd", "fiz_", true),
            Kind::LegalUnit => ("BIR11JednLokalnaOsPrawnejPkd", "lokpraw_", false),
            Kind::PersonUnit => ("BIR11JednLokalnaOsFizycznejPkd", "lokfiz_", true),
        }
    }
}

/// An activity code of an entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activity {
    /// `6201Z`.
    pub code: String,
    /// Its name.
    pub name: String,
    /// The dominant one.
    pub dominant: bool,
}

/// An entity the simulator knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    /// NIP.
    pub nip: String,
    /// REGON (9 digits; 14 for a local unit).
    pub regon: String,
    /// Name, upper case as the register keeps it.
    pub name: String,
    /// Type.
    pub kind: Kind,
    /// `SilosID`: 1 CEIDG, 2 agriculture, 3 other, 6 legal person.
    pub silos: u8,
    /// Town.
    pub town: String,
    /// Activities; the first given as dominant unless another is.
    pub activities: Vec<Activity>,
}

impl Entity {
    /// A company with its activities, the first dominant.
    pub fn company(nip: &str, regon: &str, name: &str, codes: &[&str]) -> Entity {
        Entity {
            nip: nip.to_owned(),
            regon: regon.to_owned(),
            name: name.to_owned(),
            kind: Kind::Legal,
            silos: 6,
            town: "Wrocław".to_owned(),
            activities: activities(codes),
        }
    }

    /// A sole trader registered in CEIDG, with its activities (none: the register's common
    /// answer of no PKD for sole traders).
    pub fn sole_trader(nip: &str, regon: &str, name: &str, codes: &[&str]) -> Entity {
        Entity {
            kind: Kind::Person,
            silos: 1,
            ..Entity::company(nip, regon, name, codes)
        }
    }

    /// A local unit of this entity (same NIP, a 14-digit REGON) with its own activities.
    #[must_use]
    pub fn local_unit(&self, suffix: &str, codes: &[&str]) -> Entity {
        Entity {
            regon: format!("{}{suffix}", self.regon),
            kind: match self.kind {
                Kind::Person | Kind::PersonUnit => Kind::PersonUnit,
                Kind::Legal | Kind::LegalUnit => Kind::LegalUnit,
            },
            activities: activities(codes),
            ..self.clone()
        }
    }
}

fn activities(codes: &[&str]) -> Vec<Activity> {
    codes
        .iter()
        .enumerate()
        .map(|(i, c)| Activity {
            code: (*c).to_owned(),
            name: format!("Działalność {c}"),
            dominant: i == 0,
        })
        .collect()
}

/// How answers are framed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// MTOM/XOP multipart, as the service answers.
    Mtom,
    /// A plain SOAP 1.2 body.
    Plain,
}

/// The simulator's settings.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// User keys `Zaloguj` accepts.
    pub keys: Vec<String>,
    /// How answers are framed.
    pub framing: Framing,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            keys: vec![TEST_KEY.to_owned()],
            framing: Framing::Mtom,
        }
    }
}

#[derive(Debug)]
struct Inner {
    config: SimConfig,
    entities: Vec<Entity>,
    /// Session id → the last `KomunikatKod`.
    sessions: BTreeMap<String, &'static str>,
    status: u8,
    counts: BTreeMap<String, u32>,
    next: u64,
}

type Shared = Arc<Mutex<Inner>>;

fn lock(s: &Shared) -> std::sync::MutexGuard<'_, Inner> {
    s.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A running simulator on 127.0.0.1 (port 0).
#[derive(Debug)]
pub struct RegonSim {
    /// Where it listens.
    pub addr: SocketAddr,
    inner: Shared,
    task: tokio::task::JoinHandle<()>,
}

impl RegonSim {
    /// Starts the simulator.
    pub async fn start(config: SimConfig) -> std::io::Result<RegonSim> {
        let inner: Shared = Arc::new(Mutex::new(Inner {
            config,
            entities: Vec::new(),
            sessions: BTreeMap::new(),
            status: 1,
            counts: BTreeMap::new(),
            next: 1,
        }));
        let app = Router::new()
            .route(PATH, post(soap))
            .with_state(Arc::clone(&inner));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(RegonSim { addr, inner, task })
    }

    /// The service's URL, to configure as `[regon] url`.
    pub fn url(&self) -> String {
        format!("http://{}{PATH}", self.addr)
    }

    /// Registers an entity (several may share a NIP: an entity and its local units).
    pub fn add(&self, entity: Entity) {
        lock(&self.inner).entities.push(entity);
    }

    /// Ends every session, as the service does after its idle time.
    pub fn expire_sessions(&self) {
        lock(&self.inner).sessions.clear();
    }

    /// `StatusUslugi`: 1 available, 2 technical break, 0 unavailable.
    pub fn set_service_status(&self, status: u8) {
        lock(&self.inner).status = status;
    }

    /// Requests received for an operation (`Zaloguj`, `DaneSzukajPodmioty`, …).
    pub fn requests(&self, operation: &str) -> u32 {
        lock(&self.inner)
            .counts
            .get(operation)
            .copied()
            .unwrap_or(0)
    }
}

impl Drop for RegonSim {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// What a request said.
#[derive(Debug, Default)]
struct Request {
    action: Option<String>,
    to: Option<String>,
    /// The body's operation: its namespace and local name.
    operation: Option<(String, String)>,
    /// The operation's leaf elements by local name (empty and nil ones are empty).
    params: BTreeMap<String, String>,
}

fn read_request(xml: &str) -> Result<Request, String> {
    let mut reader = NsReader::from_str(xml);
    // (namespace, local name) of the open elements.
    let mut path: Vec<(String, String)> = Vec::new();
    let mut text = String::new();
    let mut request = Request::default();
    loop {
        let (ns, event) = reader.read_resolved_event().map_err(|e| e.to_string())?;
        let ns = match ns {
            ResolveResult::Bound(Namespace(n)) => n.to_owned(),
            ResolveResult::Unbound => String::new(),
            ResolveResult::Unknown(p) => return Err(format!("unknown prefix {p:?}")),
        };
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                let local = e.local_name().as_ref().to_owned();
                match path.len() {
                    0 if !(ns == SOAP && local == "Envelope") => {
                        return Err("not a SOAP 1.2 envelope".into());
                    }
                    2 if path[1].1 == "Body" && request.operation.is_none() => {
                        request.operation = Some((ns.clone(), local.clone()));
                    }
                    _ => {}
                }
                text.clear();
                path.push((ns, local));
                if empty {
                    close(&mut path, &mut request, "");
                }
            }
            Event::End(_) => {
                let value = std::mem::take(&mut text);
                close(&mut path, &mut request, value.trim());
            }
            Event::Text(t) => text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => match r.resolve_char_ref().map_err(|e| e.to_string())? {
                Some(c) => text.push(c),
                None => text.push_str(
                    quick_xml::escape::resolve_predefined_entity(&r.into_inner())
                        .ok_or("unknown entity")?,
                ),
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(request)
}

/// Closes the innermost element, keeping what the request needs of it.
fn close(path: &mut Vec<(String, String)>, request: &mut Request, value: &str) {
    let Some((ns, local)) = path.pop() else {
        return;
    };
    let in_header = path.len() == 2 && path[1].1 == "Header";
    if in_header && ns == WSA {
        match local.as_str() {
            "Action" => request.action = Some(value.to_owned()),
            "To" => request.to = Some(value.to_owned()),
            _ => {}
        }
    }
    if path.len() >= 3 && path[1].1 == "Body" {
        request
            .params
            .entry(local)
            .or_insert_with(|| value.to_owned());
    }
}

async fn soap(State(inner): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !content_type.starts_with("application/soap+xml") {
        return (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!(
                "Cannot process the message because the content type '{content_type}' was not the expected type 'application/soap+xml; charset=utf-8'."
            ),
        )
            .into_response();
    }
    let framing = lock(&inner).config.framing;
    let Ok(xml) = std::str::from_utf8(&body) else {
        return fault(
            framing,
            "s:Sender",
            "a:BadRequest",
            "The body is not UTF-8.",
        );
    };
    let request = match read_request(xml) {
        Ok(r) => r,
        Err(e) => return fault(framing, "s:Sender", "a:BadRequest", &e),
    };
    let (Some(action), Some(_to)) = (&request.action, &request.to) else {
        return fault(
            framing,
            "s:Sender",
            "a:MessageAddressingHeaderRequired",
            "A required header representing a Message Addressing Property is not present.",
        );
    };
    let Some((ns, operation)) = &request.operation else {
        return fault(framing, "s:Sender", "a:BadRequest", "The body is empty.");
    };
    let expected = if operation == "GetValue" {
        (BIR, GET_VALUE_ACTION.to_owned())
    } else {
        (PUBL, format!("{PUBL_ACTIONS}{operation}"))
    };
    if ns != expected.0 || *action != expected.1 {
        return fault(
            framing,
            "s:Sender",
            "a:ActionNotSupported",
            &format!(
                "The message with Action '{action}' cannot be processed at the receiver, due to a ContractFilter mismatch at the EndpointDispatcher."
            ),
        );
    }
    let sid = headers.get("sid").and_then(|v| v.to_str().ok());
    let mut inner = lock(&inner);
    *inner.counts.entry(operation.clone()).or_insert(0) += 1;
    let result = answer(&mut inner, operation, &request.params, sid);
    let response_ns = if operation == "GetValue" { BIR } else { PUBL };
    envelope(
        framing,
        &format!("{action}Response"),
        &format!(
            "<{operation}Response xmlns=\"{response_ns}\"><{operation}Result>{}</{operation}Result></{operation}Response>",
            quick_xml::escape::escape(result.as_str())
        ),
        StatusCode::OK,
    )
}

/// The text of the operation's result.
fn answer(
    inner: &mut Inner,
    operation: &str,
    params: &BTreeMap<String, String>,
    sid: Option<&str>,
) -> String {
    let param = |name: &str| params.get(name).map_or("", String::as_str);
    let available = inner.status == 1;
    let session = sid.filter(|s| inner.sessions.contains_key(*s));
    match operation {
        "Zaloguj" => {
            if !available
                || !inner
                    .config
                    .keys
                    .iter()
                    .any(|k| k == param("pKluczUzytkownika"))
            {
                return String::new();
            }
            let sid = session_id(inner.next);
            inner.next += 1;
            inner.sessions.insert(sid.clone(), "0");
            sid
        }
        "Wyloguj" => {
            inner.sessions.remove(param("pIdentyfikatorSesji"));
            "true".to_owned()
        }
        "GetValue" => match param("pNazwaParametru") {
            "KomunikatKod" => session
                .and_then(|s| inner.sessions.get(s).copied())
                .unwrap_or("7")
                .to_owned(),
            "StatusSesji" => if session.is_some() { "1" } else { "0" }.to_owned(),
            "StatusUslugi" => inner.status.to_string(),
            "StanDanych" => "2026-11-30".to_owned(),
            _ => String::new(),
        },
        "DaneSzukajPodmioty" | "DanePobierzPelnyRaport" => {
            let Some(sid) = session.map(str::to_owned) else {
                return String::new();
            };
            if !available {
                return String::new();
            }
            let (code, payload) = if operation == "DaneSzukajPodmioty" {
                search(inner, param("Nip"))
            } else {
                report(inner, param("pRegon"), param("pNazwaRaportu"))
            };
            inner.sessions.insert(sid, code);
            payload
        }
        _ => String::new(),
    }
}

fn session_id(n: u64) -> String {
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut x = n.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..20)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            char::from(LETTERS[usize::try_from(x % 36).unwrap_or(0)])
        })
        .collect()
}

fn rows(rows: &[Vec<(String, String)>]) -> String {
    let mut out = String::from("<root>\r\n");
    for row in rows {
        out.push_str("  <dane>\r\n");
        for (name, value) in row {
            let _ = if value.is_empty() {
                write!(out, "    <{name} />\r\n")
            } else {
                write!(
                    out,
                    "    <{name}>{}</{name}>\r\n",
                    quick_xml::escape::escape(value.as_str())
                )
            };
        }
        out.push_str("  </dane>\r\n");
    }
    out.push_str("</root>");
    out
}

fn not_found(extra: Vec<(String, String)>) -> (&'static str, String) {
    let mut row = vec![
        ("ErrorCode".to_owned(), "4".to_owned()),
        (
            "ErrorMessagePl".to_owned(),
            "Nie znaleziono podmiotu dla podanych kryteriów wyszukiwania.".to_owned(),
        ),
        (
            "ErrorMessageEn".to_owned(),
            "No data found for the specified search criteria.".to_owned(),
        ),
    ];
    row.extend(extra);
    ("4", rows(&[row]))
}

fn search(inner: &Inner, nip: &str) -> (&'static str, String) {
    let hits: Vec<Vec<(String, String)>> = inner
        .entities
        .iter()
        .filter(|e| e.nip == nip)
        .map(|e| {
            [
                ("Regon", e.regon.as_str()),
                ("Nip", e.nip.as_str()),
                ("StatusNip", ""),
                ("Nazwa", e.name.as_str()),
                ("Wojewodztwo", "DOLNOŚLĄSKIE"),
                ("Powiat", "Wrocław"),
                ("Gmina", "Wrocław-Miasto"),
                ("Miejscowosc", e.town.as_str()),
                ("KodPocztowy", "50-001"),
                ("Ulica", "ul. Test-Krucza"),
                ("NrNieruchomosci", "1"),
                ("NrLokalu", ""),
                ("Typ", e.kind.code()),
                ("SilosID", &e.silos.to_string()),
                ("DataZakonczeniaDzialalnosci", ""),
                ("MiejscowoscPoczty", e.town.as_str()),
            ]
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
        })
        .collect();
    if hits.is_empty() {
        return not_found(vec![("Nip".to_owned(), nip.to_owned())]);
    }
    ("0", rows(&hits))
}

fn report(inner: &Inner, regon: &str, name: &str) -> (&'static str, String) {
    let entity = inner
        .entities
        .iter()
        .find(|e| e.regon == regon && e.kind.pkd_report().0 == name);
    let Some(entity) = entity.filter(|e| !e.activities.is_empty()) else {
        return not_found(vec![
            ("pRegon".to_owned(), regon.to_owned()),
            ("Raport".to_owned(), name.to_owned()),
        ]);
    };
    let (_, prefix, person) = entity.kind.pkd_report();
    let field = |f: &str| {
        if person {
            format!("{prefix}pkd_{f}")
        } else {
            format!("{prefix}pkd{f}")
        }
    };
    let listed: Vec<Vec<(String, String)>> = entity
        .activities
        .iter()
        .map(|a| {
            let mut row = vec![
                (field("Kod"), a.code.clone()),
                (field("Nazwa"), a.name.clone()),
                (
                    field("Przewazajace"),
                    if a.dominant { "1" } else { "0" }.to_owned(),
                ),
            ];
            if person {
                row.push((format!("{prefix}SilosID"), entity.silos.to_string()));
                row.push((format!("{prefix}Silos_Symbol"), "CEIDG".to_owned()));
            }
            row
        })
        .collect();
    ("0", rows(&listed))
}

fn fault(framing: Framing, code: &str, subcode: &str, reason: &str) -> Response {
    envelope(
        framing,
        "http://www.w3.org/2005/08/addressing/soap/fault",
        &format!(
            "<s:Fault><s:Code><s:Value>{code}</s:Value><s:Subcode><s:Value>{subcode}</s:Value></s:Subcode></s:Code><s:Reason><s:Text xml:lang=\"pl-PL\">{}</s:Text></s:Reason></s:Fault>",
            quick_xml::escape::escape(reason)
        ),
        StatusCode::INTERNAL_SERVER_ERROR,
    )
}

fn envelope(framing: Framing, action: &str, body: &str, status: StatusCode) -> Response {
    let soap = format!(
        "<s:Envelope xmlns:s=\"{SOAP}\" xmlns:a=\"{WSA}\"><s:Header><a:Action s:mustUnderstand=\"1\">{action}</a:Action></s:Header><s:Body>{body}</s:Body></s:Envelope>"
    );
    match framing {
        Framing::Plain => (
            status,
            [(header::CONTENT_TYPE, "application/soap+xml; charset=utf-8")],
            soap,
        )
            .into_response(),
        Framing::Mtom => {
            let boundary = "uuid:0c3f8a52-7d1e-4b9a-9f67-3b2d8e4c1a90+id=1";
            let content_type = format!(
                "multipart/related; type=\"application/xop+xml\";start=\"<http://tempuri.org/0>\";boundary=\"{boundary}\";start-info=\"application/soap+xml\""
            );
            let framed = format!(
                "\r\n--{boundary}\r\nContent-ID: <http://tempuri.org/0>\r\nContent-Transfer-Encoding: 8bit\r\nContent-Type: application/xop+xml;charset=utf-8;type=\"application/soap+xml\"\r\n\r\n{soap}\r\n--{boundary}--\r\n"
            );
            (status, [(header::CONTENT_TYPE, content_type)], framed).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // tests: a panic is a clear failure

    use super::*;

    #[test]
    fn the_variants_real_clients_send_are_read_alike() {
        // bir1: every parameter, the unused ones empty; prefixed addressing.
        let bir1 = "<soap:Envelope xmlns:soap=\"http://www.w3.org/2003/05/soap-envelope\" xmlns:ns=\"http://CIS/BIR/PUBL/2014/07\" xmlns:dat=\"http://CIS/BIR/PUBL/2014/07/DataContract\"><soap:Header xmlns:wsa=\"http://www.w3.org/2005/08/addressing\"><wsa:To>x</wsa:To><wsa:Action>http://CIS/BIR/PUBL/2014/07/IUslugaBIRzewnPubl/DaneSzukajPodmioty</wsa:Action></soap:Header><soap:Body><ns:DaneSzukajPodmioty><ns:pParametryWyszukiwania><dat:Krs></dat:Krs><dat:Krsy/><dat:Nip>5261040567</dat:Nip><dat:Nipy/></ns:pParametryWyszukiwania></ns:DaneSzukajPodmioty></soap:Body></soap:Envelope>";
        // PHP SoapClient: xsi:nil siblings; a TS client: default namespace, mustUnderstand.
        let php = "<env:Envelope xmlns:env=\"http://www.w3.org/2003/05/soap-envelope\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><env:Header><Action xmlns=\"http://www.w3.org/2005/08/addressing\" env:mustUnderstand=\"1\">http://CIS/BIR/PUBL/2014/07/IUslugaBIRzewnPubl/DaneSzukajPodmioty</Action><To xmlns=\"http://www.w3.org/2005/08/addressing\">x</To></env:Header><env:Body><DaneSzukajPodmioty xmlns=\"http://CIS/BIR/PUBL/2014/07\"><pParametryWyszukiwania><Krs xmlns=\"http://CIS/BIR/PUBL/2014/07/DataContract\" xsi:nil=\"true\"/><Nip xmlns=\"http://CIS/BIR/PUBL/2014/07/DataContract\">5261040567</Nip></pParametryWyszukiwania></DaneSzukajPodmioty></env:Body></env:Envelope>";
        for xml in [bir1, php] {
            let r = read_request(xml).unwrap();
            assert_eq!(
                r.action.as_deref(),
                Some("http://CIS/BIR/PUBL/2014/07/IUslugaBIRzewnPubl/DaneSzukajPodmioty")
            );
            assert_eq!(r.to.as_deref(), Some("x"));
            assert_eq!(
                r.operation,
                Some((PUBL.to_owned(), "DaneSzukajPodmioty".to_owned()))
            );
            assert_eq!(r.params["Nip"], "5261040567");
            assert_eq!(r.params["Krs"], "");
        }
        assert!(read_request("<Envelope/>").is_err(), "SOAP 1.1 or none");
    }

    #[test]
    fn session_ids_have_twenty_characters_and_differ() {
        let a = session_id(1);
        assert_eq!(a.len(), 20);
        assert_ne!(a, session_id(2));
    }
}
