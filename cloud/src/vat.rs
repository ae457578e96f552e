//! Company data by NIP from the Ministry of Finance VAT taxpayer register ("Biała lista",
//! `https://wl-api.mf.gov.pl`): the HTTP client and the background task that fills the cache.
//!
//! Agents never send a company's address (R-A3); the cloud looks it up here. Ingest only
//! enqueues NIPs ([`crate::store::companies`]); [`run_lookups`] asks the register in batches of
//! up to 30 NIPs (`GET /api/search/nips/{nips}?date=`), stores each answer with the register's
//! day, and stops for the rest of the day when the register says the daily limit (`WL-191`) is
//! spent. The register sits behind the small [`CompanyRegister`] trait so the task is tested
//! against the simulator or a fake.

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use inkaso_shared::Clock;
use serde::Deserialize;

use crate::store::Store;
use crate::store::companies::Lookup;

/// The register's production address.
pub const DEFAULT_BASE_URL: &str = "https://wl-api.mf.gov.pl";
/// Most NIPs in one batch request (the register's limit, error `WL-130`).
pub const MAX_NIPS_PER_REQUEST: usize = 30;

/// What can go wrong asking the register.
#[derive(Debug, thiserror::Error)]
pub enum VatError {
    /// The daily request limit is spent (`WL-191`); retry tomorrow.
    #[error("dzienny limit zapytań do wykazu podatników VAT wyczerpany")]
    LimitExhausted,
    /// The register refused the request (`WL-1xx`).
    #[error("wykaz podatników VAT odrzucił zapytanie: {code} {message}")]
    Refused {
        /// `WL-115`, ...
        code: String,
        /// The register's message.
        message: String,
    },
    /// The network or the answer failed.
    #[error("błąd połączenia z wykazem podatników VAT: {0}")]
    Transport(String),
}

/// A source of company data by NIP.
pub trait CompanyRegister: Send + Sync + std::fmt::Debug {
    /// Looks NIPs up as of `date`; one [`Lookup`] per NIP asked, in any order.
    fn lookup(
        &self,
        nips: &[String],
        date: NaiveDate,
    ) -> impl std::future::Future<Output = Result<Vec<(String, Lookup)>, VatError>> + Send;
}

/// The MF register over HTTP.
#[derive(Debug, Clone)]
pub struct WhiteList {
    base_url: String,
    http: reqwest::Client,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Subject {
    name: Option<String>,
    nip: Option<String>,
    status_vat: Option<String>,
    regon: Option<String>,
    krs: Option<String>,
    residence_address: Option<String>,
    working_address: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    identifier: String,
    #[serde(default)]
    subjects: Vec<Subject>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct EntryListResult {
    #[serde(default)]
    entries: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
struct EntryListResponse {
    result: EntryListResult,
}

#[derive(Debug, Deserialize)]
struct ErrorBody {
    code: String,
    message: String,
}

impl WhiteList {
    /// A client of the register at `base_url` (no trailing slash needed).
    pub fn new(base_url: &str) -> Result<WhiteList, VatError> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .user_agent(concat!("inkaso-cloud/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| VatError::Transport(e.to_string()))?;
        Ok(WhiteList {
            base_url: base_url.trim_end_matches('/').to_owned(),
            http,
        })
    }
}

fn to_lookup(s: Subject, date: NaiveDate) -> Lookup {
    Lookup::Found {
        name: s.name.unwrap_or_default(),
        status_vat: s.status_vat,
        address: s.working_address.or(s.residence_address),
        regon: s.regon,
        krs: s.krs,
        as_of: date,
    }
}

impl CompanyRegister for WhiteList {
    async fn lookup(
        &self,
        nips: &[String],
        date: NaiveDate,
    ) -> Result<Vec<(String, Lookup)>, VatError> {
        if nips.is_empty() {
            return Ok(Vec::new());
        }
        let url = format!(
            "{}/api/search/nips/{}?date={}",
            self.base_url,
            nips.join(","),
            date.format("%Y-%m-%d")
        );
        let resp = self
            .http
            .get(&url)
            .send()
            .await
            .map_err(|e| VatError::Transport(e.to_string()))?;
        let status = resp.status();
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| VatError::Transport(e.to_string()))?;
        if !status.is_success() {
            return Err(match serde_json::from_slice::<ErrorBody>(&bytes) {
                Ok(e) if e.code == "WL-191" => VatError::LimitExhausted,
                Ok(e) => VatError::Refused {
                    code: e.code,
                    message: e.message,
                },
                Err(_) if status.as_u16() == 429 => VatError::LimitExhausted,
                Err(_) => VatError::Transport(format!("HTTP {status}")),
            });
        }
        let body: EntryListResponse = serde_json::from_slice(&bytes)
            .map_err(|e| VatError::Transport(format!("nieoczekiwana odpowiedź: {e}")))?;
        let mut out = Vec::with_capacity(nips.len());
        for entry in body.result.entries {
            let subject = entry
                .subjects
                .into_iter()
                .find(|s| s.nip.as_deref().is_none_or(|n| n == entry.identifier));
            let lookup = subject.map_or(Lookup::NotFound { as_of: date }, |s| to_lookup(s, date));
            out.push((entry.identifier, lookup));
        }
        Ok(out)
    }
}

/// Looks up pending NIPs until `shutdown` resolves; never touches the ingest path.
pub async fn run_lookups<R: CompanyRegister>(
    store: Store,
    register: R,
    clock: Arc<dyn Clock>,
    idle: Duration,
    shutdown: tokio::sync::watch::Receiver<bool>,
) {
    crate::periodic::paced(shutdown, || async {
        match lookup_once(&store, &register, clock.as_ref()).await {
            Ok(0) => idle,
            Ok(_) => Duration::from_millis(100),
            Err(VatError::LimitExhausted) => {
                tracing::warn!("VAT register daily limit exhausted; pausing lookups for an hour");
                Duration::from_secs(3600)
            }
            Err(e) => {
                tracing::warn!(error = %e, "VAT register lookup failed");
                idle
            }
        }
    })
    .await;
}

/// One round: up to 30 pending NIPs. Returns how many were settled.
pub async fn lookup_once<R: CompanyRegister>(
    store: &Store,
    register: &R,
    clock: &dyn Clock,
) -> Result<usize, VatError> {
    let pending = store
        .pending_companies(u32::try_from(MAX_NIPS_PER_REQUEST).unwrap_or(30))
        .await
        .map_err(|e| VatError::Transport(e.to_string()))?;
    if pending.is_empty() {
        return Ok(0);
    }
    let now = clock.now();
    let mut nips: Vec<String> = pending.iter().map(|(_, n)| n.clone()).collect();
    nips.sort();
    nips.dedup();
    let answers = match register.lookup(&nips, now.date_naive()).await {
        Ok(a) => a,
        Err(VatError::LimitExhausted) => return Err(VatError::LimitExhausted),
        Err(e) => {
            for (tenant, nip) in &pending {
                store
                    .save_company(tenant, nip, &Lookup::Error(e.to_string()), now)
                    .await
                    .map_err(|e| VatError::Transport(e.to_string()))?;
            }
            return Err(e);
        }
    };
    for (tenant, nip) in &pending {
        let result = answers.iter().find(|(n, _)| n == nip).map_or_else(
            || Lookup::Error("brak odpowiedzi dla tego NIP".into()),
            |(_, l)| l.clone(),
        );
        store
            .save_company(tenant, nip, &result, now)
            .await
            .map_err(|e| VatError::Transport(e.to_string()))?;
    }
    Ok(pending.len())
}
