//! Talking to the cloud: protocol v1 over HTTPS (reqwest, rustls), behind the [`CloudApi`] trait.
//!
//! Errors are classified once, here, into what the sync does with them: retry later
//! ([`CloudError::Transient`], honouring `Retry-After`), continue from another `seq`
//! ([`CloudError::SeqGap`]), or stop the cycle with a clear message ([`CloudError::Permanent`]:
//! bad token, a refused op — looping would not help and the outbox keeps everything).

use std::time::Duration;

use inkaso_shared::Lang;
use inkaso_shared::protocol::{
    AgentConfig, ApiError, BatchAck, ErrorCode, ErrorResponse, Heartbeat, HeartbeatAck,
    ResultsPage, paths,
};
use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, CONTENT_ENCODING, CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use serde::de::DeserializeOwned;

/// What can go wrong talking to the cloud, by what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum CloudError {
    /// Worth retrying: the connection failed, timed out, or the cloud said 429/5xx.
    #[error("chmura chwilowo niedostępna: {message}")]
    Transient {
        /// What happened (no personal data).
        message: String,
        /// How long the cloud asked us to wait.
        retry_after: Option<Duration>,
    },
    /// The cloud expects another `seq`.
    #[error("chmura oczekuje partii nr {expected}")]
    SeqGap {
        /// The `seq` to send next.
        expected: u64,
    },
    /// Retrying cannot help: the message says what to fix.
    #[error("{}", .0.message(Lang::Pl))]
    Permanent(ApiError),
}

impl CloudError {
    /// Whether the same request may succeed later.
    pub fn is_transient(&self) -> bool {
        matches!(self, CloudError::Transient { .. })
    }

    /// The wait the cloud asked for, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            CloudError::Transient { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// The agent API, as the sync needs it.
pub trait CloudApi: Send + Sync {
    /// `GET /agent/v1/config`.
    fn config(&self) -> impl Future<Output = Result<AgentConfig, CloudError>> + Send;
    /// `POST /agent/v1/batches` with an already gzip-compressed body.
    fn send_batch(
        &self,
        gz_body: Vec<u8>,
    ) -> impl Future<Output = Result<BatchAck, CloudError>> + Send;
    /// `GET /agent/v1/results`.
    fn results(
        &self,
        after: Option<String>,
        limit: u32,
    ) -> impl Future<Output = Result<ResultsPage, CloudError>> + Send;
    /// `POST /agent/v1/heartbeat`.
    fn heartbeat(
        &self,
        hb: Heartbeat,
    ) -> impl Future<Output = Result<HeartbeatAck, CloudError>> + Send;
}

/// The production client.
#[derive(Debug, Clone)]
pub struct HttpCloud {
    base: String,
    auth: HeaderValue,
    http: reqwest::Client,
}

impl HttpCloud {
    /// A client for the cloud at `base_url` speaking for the agent that owns `token`.
    pub fn new(base_url: &str, token: &str, timeout: Duration) -> Result<HttpCloud, CloudError> {
        let mut auth =
            HeaderValue::from_str(&format!("Bearer {}", token.trim())).map_err(|_| {
                CloudError::Permanent(ApiError::new(
                    ErrorCode::Unauthorized,
                    "token agenta zawiera niedozwolone znaki",
                    "the agent token contains characters that are not allowed",
                ))
            })?;
        auth.set_sensitive(true);
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(Duration::from_secs(10))
            .user_agent(concat!("inkaso-agent/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| {
                // reqwest says only "builder error"; the cause is in its source, and on a bare
                // system it is nearly always the missing root certificates.
                let why = std::error::Error::source(&e).map_or_else(|| e.to_string(), ToString::to_string);
                CloudError::Permanent(ApiError::new(
                    ErrorCode::Internal,
                    format!("nie można przygotować połączeń HTTPS: {why} — brak certyfikatów głównych? (Debian: apt-get install ca-certificates)"),
                    format!("cannot prepare HTTPS connections: {why} — no root certificates? (Debian: apt-get install ca-certificates)"),
                ))
            })?;
        Ok(HttpCloud {
            base: base_url.trim_end_matches('/').to_owned(),
            auth,
            http,
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl CloudApi for HttpCloud {
    async fn config(&self) -> Result<AgentConfig, CloudError> {
        let resp = self
            .http
            .get(self.url(paths::CONFIG))
            .header(AUTHORIZATION, self.auth.clone())
            .send()
            .await
            .map_err(|e| transient(&e))?;
        decode(resp).await
    }

    async fn send_batch(&self, gz_body: Vec<u8>) -> Result<BatchAck, CloudError> {
        let resp = self
            .http
            .post(self.url(paths::BATCHES))
            .header(AUTHORIZATION, self.auth.clone())
            .header(CONTENT_TYPE, "application/json")
            .header(CONTENT_ENCODING, "gzip")
            .body(gz_body)
            .send()
            .await
            .map_err(|e| transient(&e))?;
        decode(resp).await
    }

    async fn results(&self, after: Option<String>, limit: u32) -> Result<ResultsPage, CloudError> {
        let mut url = reqwest::Url::parse(&self.url(paths::RESULTS)).map_err(|e| {
            CloudError::Permanent(ApiError::new(
                ErrorCode::InvalidBody,
                format!("błędny adres chmury: {e}"),
                format!("invalid cloud URL: {e}"),
            ))
        })?;
        url.query_pairs_mut()
            .append_pair("limit", &limit.to_string());
        if let Some(after) = after {
            url.query_pairs_mut().append_pair("after", &after);
        }
        let resp = self
            .http
            .get(url)
            .header(AUTHORIZATION, self.auth.clone())
            .send()
            .await
            .map_err(|e| transient(&e))?;
        decode(resp).await
    }

    async fn heartbeat(&self, hb: Heartbeat) -> Result<HeartbeatAck, CloudError> {
        let resp = self
            .http
            .post(self.url(paths::HEARTBEAT))
            .header(AUTHORIZATION, self.auth.clone())
            .json(&hb)
            .send()
            .await
            .map_err(|e| transient(&e))?;
        decode(resp).await
    }
}

fn transient(e: &reqwest::Error) -> CloudError {
    // reqwest's message names the URL, never the Authorization header.
    CloudError::Transient {
        message: e.to_string(),
        retry_after: None,
    }
}

async fn decode<T: DeserializeOwned>(resp: reqwest::Response) -> Result<T, CloudError> {
    let status = resp.status();
    let retry_after = resp
        .headers()
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    let bytes = resp.bytes().await.map_err(|e| transient(&e))?;
    if status.is_success() {
        return serde_json::from_slice(&bytes).map_err(|e| {
            CloudError::Permanent(ApiError::new(
                ErrorCode::InvalidBody,
                format!("nieoczekiwana odpowiedź chmury: {e}"),
                format!("unexpected answer from the cloud: {e}"),
            ))
        });
    }
    let api_error = serde_json::from_slice::<ErrorResponse>(&bytes)
        .ok()
        .map(|r| r.error);
    classify(status, api_error, retry_after)
}

/// Maps an HTTP failure to what the sync should do.
fn classify<T>(
    status: StatusCode,
    api_error: Option<ApiError>,
    retry_after: Option<Duration>,
) -> Result<T, CloudError> {
    match api_error {
        Some(e) if e.code == ErrorCode::SeqGap => match e.expected_seq {
            Some(expected) => Err(CloudError::SeqGap { expected }),
            None => Err(CloudError::Permanent(e)),
        },
        Some(e) if e.code.is_transient() => Err(CloudError::Transient {
            message: e.message_en,
            retry_after,
        }),
        Some(e) => Err(CloudError::Permanent(e)),
        // No Inkaso error body: a proxy or load balancer answered.
        None if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS => {
            Err(CloudError::Transient {
                message: format!("HTTP {status}"),
                retry_after,
            })
        }
        None => Err(CloudError::Permanent(ApiError::new(
            if status == StatusCode::UNAUTHORIZED {
                ErrorCode::Unauthorized
            } else {
                ErrorCode::InvalidBody
            },
            format!("chmura odpowiedziała HTTP {status} bez opisu błędu — sprawdź adres chmury"),
            format!("the cloud answered HTTP {status} without an error body — check the cloud URL"),
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(code: ErrorCode) -> ApiError {
        ApiError::new(code, "pl", "en")
    }

    #[test]
    fn classification() {
        let gap = ApiError {
            expected_seq: Some(7),
            ..err(ErrorCode::SeqGap)
        };
        assert!(matches!(
            classify::<()>(StatusCode::CONFLICT, Some(gap), None),
            Err(CloudError::SeqGap { expected: 7 })
        ));
        let e = classify::<()>(
            StatusCode::TOO_MANY_REQUESTS,
            Some(err(ErrorCode::RateLimited)),
            Some(Duration::from_secs(3)),
        )
        .unwrap_err();
        assert!(e.is_transient());
        assert_eq!(e.retry_after(), Some(Duration::from_secs(3)));
        assert!(
            classify::<()>(StatusCode::BAD_GATEWAY, None, None)
                .unwrap_err()
                .is_transient()
        );
        assert!(
            matches!(classify::<()>(StatusCode::UNAUTHORIZED, Some(err(ErrorCode::TokenRevoked)), None), Err(CloudError::Permanent(e)) if e.code == ErrorCode::TokenRevoked)
        );
        assert!(matches!(
            classify::<()>(StatusCode::NOT_FOUND, None, None),
            Err(CloudError::Permanent(_))
        ));
        assert!(matches!(
            classify::<()>(
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(err(ErrorCode::InvalidRecord)),
                None
            ),
            Err(CloudError::Permanent(_))
        ));
    }
}
