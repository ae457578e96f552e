//! Debtors' main activity (PKD) from the GUS REGON register, BIR1.1 (`UslugaBIRzewnPubl.svc`):
//! the SOAP client and the background task that fills the cache.
//!
//! The market comparison groups debtors by PKD section; the register knows each company's
//! dominant activity. Like the VAT register ([`crate::vat`]), ingest only enqueues NIPs and this
//! task asks the register one NIP at a time, never on the agents' path, at most one request per
//! configured interval, and backs off for a quarter of an hour when the service says it is in a
//! technical break. A firm's own choice of a debtor's sector is never overwritten: it is kept
//! apart and wins ([`crate::store::stats::DebtorSector`]).
//!
//! The wire protocol, as the service and its clients use it:
//! - SOAP 1.2 (`application/soap+xml`), WS-Addressing `Action` and `To` in the header; the
//!   session id travels as an HTTP header `sid`, got from `Zaloguj` with the user key;
//! - answers come MTOM-framed (`multipart/related; type="application/xop+xml"`) even when small;
//!   a plain SOAP answer is taken too;
//! - results are XML documents escaped into a string (`<root><dane>…</dane></root>`); a miss is
//!   data (`ErrorCode` 4), and an empty result means the session is gone (`GetValue` of
//!   `KomunikatKod` then says 7) or the service is unavailable (`StatusUslugi` 0 or 2);
//! - for a NIP: `DaneSzukajPodmioty` gives the entity's REGON and type (`P` legal person, `F`
//!   natural person, `LP`/`LF` local units), then `DanePobierzPelnyRaport` with the type's PKD
//!   report lists its codes, one marked dominant (`…Przewazajace` = 1).

use std::sync::Arc;
use std::time::{Duration, Instant};

use inkaso_shared::Clock;
use quick_xml::events::Event;
use serde::Deserialize;

use crate::domain::market::pkd_section;
use crate::store::Store;
use crate::store::companies::SectorAnswer;

/// The production service.
pub const PRODUCTION_URL: &str =
    "https://wyszukiwarkaregon.stat.gov.pl/wsBIR/UslugaBIRzewnPubl.svc";
/// The test service (old, anonymised data; use with [`TEST_KEY`]).
pub const TEST_URL: &str = "https://wyszukiwarkaregontest.stat.gov.pl/wsBIR/UslugaBIRzewnPubl.svc";
/// The test service's public user key.
pub const TEST_KEY: &str = "abcde12345abcde12345";
/// How long to wait after the service reports a technical break.
pub const BREAK_PAUSE: Duration = Duration::from_secs(15 * 60);
/// NIPs asked in one round of the background task.
pub const ROUND: u32 = 10;

const SOAP_NS: &str = "http://www.w3.org/2003/05/soap-envelope";
const ACTIONS: &str = "http://CIS/BIR/PUBL/2014/07/IUslugaBIRzewnPubl";

/// `[regon]` in the service's config: off unless present.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegonSettings {
    /// The service; production by default.
    #[serde(default)]
    pub url: Option<String>,
    /// The environment variable holding the user key.
    #[serde(default)]
    pub key_env: Option<String>,
    /// A file holding the user key (readable by the service only).
    #[serde(default)]
    pub key_file: Option<std::path::PathBuf>,
    /// Least time between two requests, in milliseconds (default 1 000).
    #[serde(default)]
    pub interval_ms: Option<u64>,
}

/// What can go wrong asking the register.
#[derive(Debug, thiserror::Error)]
pub enum RegonError {
    /// `Zaloguj` gave no session: the user key is wrong.
    #[error("rejestr REGON nie przyjął klucza użytkownika")]
    BadKey,
    /// The service is in a technical break or unavailable (`StatusUslugi` 0 or 2).
    #[error("rejestr REGON jest niedostępny (przerwa techniczna); ponowimy później")]
    Unavailable,
    /// The register refused the question (`KomunikatKod`, or an `ErrorCode` other than 4).
    #[error("rejestr REGON odmówił odpowiedzi: kod {0}")]
    Refused(String),
    /// The network or the answer failed.
    #[error("błąd połączenia z rejestrem REGON: {0}")]
    Transport(String),
}

/// A source of companies' activity by NIP.
pub trait SectorRegister: Send + Sync + std::fmt::Debug {
    /// What the register says about one NIP.
    fn sector(
        &self,
        nip: &str,
    ) -> impl std::future::Future<Output = Result<SectorAnswer, RegonError>> + Send;
}

/// BIR1.1 over HTTP.
#[derive(Debug)]
pub struct Bir {
    url: String,
    key: String,
    interval: Duration,
    http: reqwest::Client,
    /// The session and the time of the last request: one conversation at a time.
    state: tokio::sync::Mutex<Conversation>,
}

#[derive(Debug, Default)]
struct Conversation {
    sid: Option<String>,
    last: Option<Instant>,
}

/// The operations used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Login,
    Search,
    Report,
    GetValue,
}

impl Op {
    fn name(self) -> &'static str {
        match self {
            Op::Login => "Zaloguj",
            Op::Search => "DaneSzukajPodmioty",
            Op::Report => "DanePobierzPelnyRaport",
            Op::GetValue => "GetValue",
        }
    }

    fn action(self) -> String {
        match self {
            Op::GetValue => "http://CIS/BIR/2014/07/IUslugaBIR/GetValue".to_owned(),
            op => format!("{ACTIONS}/{}", op.name()),
        }
    }
}

impl Bir {
    /// A client of the service at `url` with the user `key`, pacing requests `interval` apart.
    pub fn new(url: &str, key: &str, interval: Duration) -> Result<Bir, RegonError> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .user_agent(concat!("inkaso-cloud/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| RegonError::Transport(e.to_string()))?;
        Ok(Bir {
            url: url.to_owned(),
            key: key.to_owned(),
            interval,
            http,
            state: tokio::sync::Mutex::new(Conversation::default()),
        })
    }

    /// From the config's `[regon]`, reading the key from its variable or file.
    pub fn from_settings(s: &RegonSettings) -> Result<Bir, RegonError> {
        let key = match (&s.key_env, &s.key_file) {
            (Some(name), _) => std::env::var(name).map_err(|_| {
                RegonError::Transport(format!("[regon] key_env: {name} nie jest ustawiona"))
            })?,
            (None, Some(path)) => std::fs::read_to_string(path)
                .map_err(|e| RegonError::Transport(format!("[regon] {}: {e}", path.display())))?,
            (None, None) => {
                return Err(RegonError::Transport(
                    "[regon]: podaj key_env albo key_file (klucz nie może stać w pliku konfiguracji)"
                        .into(),
                ));
            }
        };
        Bir::new(
            s.url.as_deref().unwrap_or(PRODUCTION_URL),
            key.trim(),
            Duration::from_millis(s.interval_ms.unwrap_or(1000)),
        )
    }

    /// One request; the text of the operation's `…Result`.
    async fn call(
        &self,
        talk: &mut Conversation,
        op: Op,
        params: &str,
    ) -> Result<String, RegonError> {
        if let Some(last) = talk.last {
            tokio::time::sleep(self.interval.saturating_sub(last.elapsed())).await;
        }
        talk.last = Some(Instant::now());
        let envelope = envelope(&self.url, op, params);
        let mut request = self
            .http
            .post(&self.url)
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/soap+xml; charset=utf-8",
            )
            .body(envelope);
        if let Some(sid) = &talk.sid
            && op != Op::Login
        {
            request = request.header("sid", sid.as_str());
        }
        let resp = request
            .send()
            .await
            .map_err(|e| RegonError::Transport(e.to_string()))?;
        let status = resp.status();
        let content_type = resp
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body = resp
            .text()
            .await
            .map_err(|e| RegonError::Transport(e.to_string()))?;
        let xml = unframe(&content_type, &body)?;
        let tree = parse(xml)?;
        if let Some(fault) = tree.find("Fault") {
            return Err(RegonError::Transport(format!(
                "HTTP {status}: {}",
                fault.find("Text").map_or("", |t| t.text.trim())
            )));
        }
        if !status.is_success() {
            return Err(RegonError::Transport(format!("HTTP {status}")));
        }
        let result = format!("{}Result", op.name());
        tree.find(&result)
            .map(|n| n.text.trim().to_owned())
            .ok_or_else(|| RegonError::Transport(format!("brak {result} w odpowiedzi")))
    }

    async fn value(&self, talk: &mut Conversation, name: &str) -> Result<String, RegonError> {
        self.call(
            talk,
            Op::GetValue,
            &format!(
                "<GetValue xmlns=\"http://CIS/BIR/2014/07\"><pNazwaParametru>{name}</pNazwaParametru></GetValue>"
            ),
        )
        .await
    }

    async fn login(&self, talk: &mut Conversation) -> Result<(), RegonError> {
        talk.sid = None;
        let sid = self
            .call(
                talk,
                Op::Login,
                &format!(
                    "<ns:Zaloguj><ns:pKluczUzytkownika>{}</ns:pKluczUzytkownika></ns:Zaloguj>",
                    quick_xml::escape::escape(self.key.as_str())
                ),
            )
            .await?;
        if sid.len() == 20 {
            talk.sid = Some(sid);
            return Ok(());
        }
        Err(match self.value(talk, "StatusUslugi").await?.as_str() {
            "0" | "2" => RegonError::Unavailable,
            _ => RegonError::BadKey,
        })
    }

    /// An operation in a session: logs in when there is none and once more when the session
    /// has expired; `None` when the register has no data (an empty result with code 4).
    async fn ask(
        &self,
        talk: &mut Conversation,
        op: Op,
        params: &str,
    ) -> Result<Option<String>, RegonError> {
        for _ in 0..2 {
            if talk.sid.is_none() {
                self.login(talk).await?;
            }
            let result = self.call(talk, op, params).await?;
            if !result.is_empty() {
                return Ok(Some(result));
            }
            match self.value(talk, "KomunikatKod").await?.as_str() {
                "7" => talk.sid = None,
                "4" => return Ok(None),
                code => {
                    return Err(match self.value(talk, "StatusUslugi").await?.as_str() {
                        "0" | "2" => RegonError::Unavailable,
                        _ => RegonError::Refused(code.to_owned()),
                    });
                }
            }
        }
        Err(RegonError::Refused("7".to_owned()))
    }
}

impl SectorRegister for Bir {
    async fn sector(&self, nip: &str) -> Result<SectorAnswer, RegonError> {
        let mut talk = self.state.lock().await;
        let search = format!(
            "<ns:DaneSzukajPodmioty><ns:pParametryWyszukiwania><dat:Nip>{}</dat:Nip></ns:pParametryWyszukiwania></ns:DaneSzukajPodmioty>",
            quick_xml::escape::escape(nip)
        );
        let Some(found) = self.ask(&mut talk, Op::Search, &search).await? else {
            return Ok(SectorAnswer::NotFound);
        };
        let hits = rows(&found)?;
        if let Some(code) = error_code(&hits) {
            return if code == "4" {
                Ok(SectorAnswer::NotFound)
            } else {
                Err(RegonError::Refused(code))
            };
        }
        let hit = main_entity(&hits)
            .ok_or_else(|| RegonError::Transport("wynik wyszukiwania bez numeru REGON".into()))?;
        let regon = field(hit, "Regon").unwrap_or_default().to_owned();
        let Some(report) = pkd_report(field(hit, "Typ").unwrap_or_default()) else {
            return Ok(SectorAnswer::Found {
                regon,
                pkd: None,
                sector: None,
            });
        };
        let params = format!(
            "<ns:DanePobierzPelnyRaport><ns:pRegon>{}</ns:pRegon><ns:pNazwaRaportu>{report}</ns:pNazwaRaportu></ns:DanePobierzPelnyRaport>",
            quick_xml::escape::escape(regon.as_str())
        );
        let codes = match self.ask(&mut talk, Op::Report, &params).await? {
            Some(payload) => rows(&payload)?,
            None => Vec::new(),
        };
        let pkd = match error_code(&codes) {
            Some(code) if code == "4" => None,
            Some(code) => return Err(RegonError::Refused(code)),
            None => dominant_code(&codes, field(hit, "SilosID")),
        };
        Ok(SectorAnswer::Found {
            regon,
            sector: pkd.as_deref().and_then(pkd_section),
            pkd,
        })
    }
}

fn envelope(url: &str, op: Op, params: &str) -> String {
    format!(
        "<soap:Envelope xmlns:soap=\"{SOAP_NS}\" xmlns:ns=\"http://CIS/BIR/PUBL/2014/07\" \
         xmlns:dat=\"http://CIS/BIR/PUBL/2014/07/DataContract\">\
         <soap:Header xmlns:wsa=\"http://www.w3.org/2005/08/addressing\">\
         <wsa:To>{}</wsa:To><wsa:Action>{}</wsa:Action></soap:Header>\
         <soap:Body>{params}</soap:Body></soap:Envelope>",
        quick_xml::escape::escape(url),
        op.action()
    )
}

/// The SOAP envelope out of an MTOM answer (its first part), or the body as it is.
fn unframe<'a>(content_type: &str, body: &'a str) -> Result<&'a str, RegonError> {
    if !content_type
        .to_ascii_lowercase()
        .starts_with("multipart/related")
    {
        return Ok(body);
    }
    let boundary = content_type
        .split(';')
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("boundary"))
        .map(|(_, v)| v.trim().trim_matches('"'))
        .ok_or_else(|| RegonError::Transport("multipart bez granicy (boundary)".into()))?;
    let delimiter = format!("--{boundary}");
    let part = body
        .split(delimiter.as_str())
        .map(|p| p.trim_start_matches(['\r', '\n']))
        .find(|p| !p.is_empty() && !p.starts_with("--"))
        .ok_or_else(|| RegonError::Transport("pusta odpowiedź multipart".into()))?;
    let start = part
        .find("\r\n\r\n")
        .map(|i| i + 4)
        .or_else(|| part.find("\n\n").map(|i| i + 2))
        .ok_or_else(|| RegonError::Transport("część multipart bez nagłówków".into()))?;
    Ok(part[start..].trim_end())
}

/// An element of an answer: its local name, its text and its children.
#[derive(Debug, Default)]
struct Node {
    name: String,
    text: String,
    children: Vec<Node>,
}

impl Node {
    /// The first element named `name` at any depth (this one included).
    fn find(&self, name: &str) -> Option<&Node> {
        if self.name == name {
            return Some(self);
        }
        self.children.iter().find_map(|c| c.find(name))
    }
}

fn parse(xml: &str) -> Result<Node, RegonError> {
    let bad = |e: &dyn std::fmt::Display| RegonError::Transport(format!("niepoprawny XML: {e}"));
    let name_of = |raw: &str| raw.to_owned();
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut stack = vec![Node::default()];
    loop {
        let event = reader.read_event().map_err(|e| bad(&e))?;
        let top = stack.len() - 1;
        match event {
            Event::Start(e) => stack.push(Node {
                name: name_of(e.local_name().as_ref()),
                ..Node::default()
            }),
            Event::Empty(e) => stack[top].children.push(Node {
                name: name_of(e.local_name().as_ref()),
                ..Node::default()
            }),
            Event::End(_) => {
                let node = stack.pop().filter(|_| top > 0).ok_or_else(|| bad(&"</>"))?;
                stack[top - 1].children.push(node);
            }
            Event::Text(t) => stack[top].text.push_str(&t.xml10_content()),
            Event::CData(t) => stack[top].text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                if let Some(c) = r.resolve_char_ref().map_err(|e| bad(&e))? {
                    stack[top].text.push(c);
                } else {
                    let name = r.into_inner();
                    let text = quick_xml::escape::resolve_predefined_entity(&name)
                        .ok_or_else(|| bad(&name))?;
                    stack[top].text.push_str(text);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    match (stack.pop(), stack.is_empty()) {
        (Some(root), true) => Ok(root),
        _ => Err(bad(&"niedomknięty element")),
    }
}

/// The `<dane>` rows of a result document: each a list of (field, value).
fn rows(payload: &str) -> Result<Vec<Vec<(String, String)>>, RegonError> {
    let doc = parse(payload)?;
    let root = doc
        .find("root")
        .ok_or_else(|| RegonError::Transport("wynik bez elementu root".into()))?;
    Ok(root
        .children
        .iter()
        .filter(|c| c.name == "dane")
        .map(|row| {
            row.children
                .iter()
                .map(|f| (f.name.clone(), f.text.trim().to_owned()))
                .collect()
        })
        .collect())
}

fn field<'a>(row: &'a [(String, String)], name: &str) -> Option<&'a str> {
    row.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// A field by the end of its name: the reports prefix theirs (`praw_pkdKod`, `fiz_pkd_Kod`).
fn field_ending<'a>(row: &'a [(String, String)], endings: &[&str]) -> Option<&'a str> {
    row.iter()
        .find(|(k, _)| {
            let k = k.to_ascii_lowercase();
            endings.iter().any(|e| k.ends_with(e))
        })
        .map(|(_, v)| v.as_str())
}

fn error_code(rows: &[Vec<(String, String)>]) -> Option<String> {
    rows.iter()
        .find_map(|r| field(r, "ErrorCode"))
        .map(str::to_owned)
}

/// Of several hits for one NIP (an entity and its local units), the entity itself.
fn main_entity(hits: &[Vec<(String, String)>]) -> Option<&Vec<(String, String)>> {
    let with_regon = || hits.iter().filter(|h| field(h, "Regon").is_some());
    with_regon()
        .find(|h| matches!(field(h, "Typ"), Some("P" | "F")))
        .or_else(|| with_regon().next())
}

/// The PKD report for an entity type.
fn pkd_report(kind: &str) -> Option<&'static str> {
    match kind {
        "P" => Some("BIR11OsPrawnaPkd"),
        "F" => Some("BIR11OsFizycznaPkd"),
        "LP" => Some("BIR11JednLokalnaOsPrawnejPkd"),
        "LF" => Some("BIR11JednLokalnaOsFizycznejPkd"),
        _ => None,
    }
}

/// The dominant code of a PKD report (of the hit's register, for a natural person's several);
/// the first code when none is marked.
fn dominant_code(rows: &[Vec<(String, String)>], silos: Option<&str>) -> Option<String> {
    let of_silos: Vec<&Vec<(String, String)>> = rows
        .iter()
        .filter(|r| match (silos, field_ending(r, &["silosid"])) {
            (Some(want), Some(have)) => want == have,
            _ => true,
        })
        .collect();
    let code = |r: &Vec<(String, String)>| {
        field_ending(r, &["pkdkod", "pkd_kod"])
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
    };
    of_silos
        .iter()
        .find(|r| field_ending(r, &["przewazajace"]) == Some("1"))
        .and_then(|r| code(r))
        .or_else(|| of_silos.iter().find_map(|r| code(r)))
}

/// Looks up pending NIPs until `shutdown` resolves; never touches the ingest path.
pub async fn run_lookups<R: SectorRegister>(
    store: Store,
    register: R,
    clock: Arc<dyn Clock>,
    idle: Duration,
    shutdown: tokio::sync::watch::Receiver<bool>,
) {
    crate::periodic::paced(shutdown, || async {
        match lookup_once(&store, &register, clock.as_ref()).await {
            Ok(0) => idle,
            Ok(_) => Duration::ZERO,
            Err(RegonError::Unavailable) => {
                tracing::warn!("REGON register in a technical break; pausing lookups");
                BREAK_PAUSE
            }
            Err(e) => {
                tracing::warn!(error = %e, "REGON register lookup failed");
                idle
            }
        }
    })
    .await;
}

/// One round: up to [`ROUND`] pending NIPs, each asked once for every firm that has it.
/// Returns how many rows were settled. A technical break or a refused key ends the round
/// without counting against the NIPs; any other failure is recorded on the NIP and the round
/// goes on.
pub async fn lookup_once<R: SectorRegister>(
    store: &Store,
    register: &R,
    clock: &dyn Clock,
) -> Result<usize, RegonError> {
    let store_err = |e: crate::store::StoreError| RegonError::Transport(e.to_string());
    let pending = store.pending_sectors(ROUND).await.map_err(store_err)?;
    let mut nips: Vec<&str> = pending.iter().map(|(_, n)| n.as_str()).collect();
    nips.sort_unstable();
    nips.dedup();
    let mut settled = 0;
    for nip in nips {
        let answer = match register.sector(nip).await {
            Ok(a) => a,
            Err(e @ (RegonError::Unavailable | RegonError::BadKey)) => return Err(e),
            Err(e) => SectorAnswer::Error(e.to_string()),
        };
        for (tenant, _) in pending.iter().filter(|(_, n)| n == nip) {
            store
                .save_sector(tenant, nip, &answer, clock.now())
                .await
                .map_err(store_err)?;
            settled += 1;
        }
    }
    Ok(settled)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // tests: a panic is a clear failure

    use super::*;

    const FRAMED: &str = "\r\n--uuid:5ef8425b-44e7-4a4c-8144-b8ddacb300f9+id=7\r\nContent-ID: <http://tempuri.org/0>\r\nContent-Transfer-Encoding: 8bit\r\nContent-Type: application/xop+xml;charset=utf-8;type=\"application/soap+xml\"\r\n\r\n<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" xmlns:a=\"http://www.w3.org/2005/08/addressing\"><s:Header><a:Action s:mustUnderstand=\"1\">http://CIS/BIR/PUBL/2014/07/IUslugaBIRzewnPubl/DaneSzukajPodmiotyResponse</a:Action></s:Header><s:Body><DaneSzukajPodmiotyResponse xmlns=\"http://CIS/BIR/PUBL/2014/07\"><DaneSzukajPodmiotyResult>&lt;root&gt;\r\n  &lt;dane&gt;\r\n    &lt;Regon&gt;000331501&lt;/Regon&gt;\r\n    &lt;Nazwa&gt;ZAKŁAD &amp;amp; SYN&lt;/Nazwa&gt;\r\n    &lt;Typ&gt;P&lt;/Typ&gt;\r\n    &lt;NrLokalu /&gt;\r\n  &lt;/dane&gt;\r\n&lt;/root&gt;</DaneSzukajPodmiotyResult></DaneSzukajPodmiotyResponse></s:Body></s:Envelope>\r\n--uuid:5ef8425b-44e7-4a4c-8144-b8ddacb300f9+id=7--\r\n";
    const TYPE: &str = "multipart/related; type=\"application/xop+xml\";start=\"<http://tempuri.org/0>\";boundary=\"uuid:5ef8425b-44e7-4a4c-8144-b8ddacb300f9+id=7\";start-info=\"application/soap+xml\"";

    #[test]
    fn an_mtom_answer_gives_its_result_document() {
        let xml = unframe(TYPE, FRAMED).unwrap();
        assert!(xml.starts_with("<s:Envelope") && xml.ends_with("</s:Envelope>"));
        let tree = parse(xml).unwrap();
        let result = &tree.find("DaneSzukajPodmiotyResult").unwrap().text;
        let hits = rows(result).unwrap();
        assert_eq!(hits.len(), 1);
        assert_eq!(field(&hits[0], "Regon"), Some("000331501"));
        assert_eq!(field(&hits[0], "Nazwa"), Some("ZAKŁAD & SYN"));
        assert_eq!(field(&hits[0], "NrLokalu"), Some(""));
        // A plain SOAP answer is the envelope itself.
        assert_eq!(
            unframe("application/soap+xml; charset=utf-8", "<x/>").unwrap(),
            "<x/>"
        );
        assert!(unframe("multipart/related; type=\"application/xop+xml\"", FRAMED).is_err());
    }

    #[test]
    fn the_dominant_code_is_chosen_from_a_report() {
        let legal = rows("<root><dane><praw_pkdKod>7410Z</praw_pkdKod><praw_pkdPrzewazajace>0</praw_pkdPrzewazajace></dane><dane><praw_pkdKod>7430Z</praw_pkdKod><praw_pkdPrzewazajace>1</praw_pkdPrzewazajace></dane></root>").unwrap();
        assert_eq!(dominant_code(&legal, None).as_deref(), Some("7430Z"));
        // A natural person's codes in two registers: the hit's register counts.
        let person = rows("<root><dane><fiz_pkd_Kod>0111Z</fiz_pkd_Kod><fiz_pkd_Przewazajace>1</fiz_pkd_Przewazajace><fiz_SilosID>2</fiz_SilosID></dane><dane><fiz_pkd_Kod>4711Z</fiz_pkd_Kod><fiz_pkd_Przewazajace>1</fiz_pkd_Przewazajace><fiz_SilosID>1</fiz_SilosID></dane></root>").unwrap();
        assert_eq!(dominant_code(&person, Some("1")).as_deref(), Some("4711Z"));
        // None marked: the first code.
        let unmarked =
            rows("<root><dane><lokpraw_pkdKod>6201Z</lokpraw_pkdKod></dane></root>").unwrap();
        assert_eq!(dominant_code(&unmarked, None).as_deref(), Some("6201Z"));
        let missing = rows("<root><dane><ErrorCode>4</ErrorCode></dane></root>").unwrap();
        assert_eq!(error_code(&missing).as_deref(), Some("4"));
    }

    #[test]
    fn the_entity_is_preferred_to_its_local_units() {
        let hits = rows("<root><dane><Regon>01234567800011</Regon><Typ>LP</Typ></dane><dane><Regon>012345678</Regon><Typ>P</Typ></dane></root>").unwrap();
        assert_eq!(
            field(main_entity(&hits).unwrap(), "Regon"),
            Some("012345678")
        );
    }

    #[test]
    fn a_broken_answer_is_an_error_not_a_panic() {
        for bad in ["<a><b></a>", "<a>&nope;</a>", "<a>", ""] {
            assert!(rows(bad).is_err(), "{bad}");
        }
    }
}
