//! The portal's static files (`cloud/assets/`: our CSS, the pinned htmx 2, the icon), embedded
//! in the binary. Pages link them as `/assets/<name>?v=<hash of the content>`: an answer for
//! the current hash may be cached for a year, so a new release is fetched at once and an
//! unchanged file never again.

use std::collections::HashMap;
use std::sync::LazyLock;

use axum::Router;
use axum::extract::{Path, Query};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use rust_embed::Embed;
use serde::Deserialize;

use crate::http::AppState;

#[derive(Embed)]
#[folder = "assets/"]
struct Files;

/// The pinned htmx file (its version is in the name).
pub const HTMX: &str = "htmx-2.0.11.min.js";

/// Each file's content hash (first 12 hex digits of SHA-256), computed once.
static HASHES: LazyLock<HashMap<String, String>> = LazyLock::new(|| {
    Files::iter()
        .filter_map(|name| {
            let file = Files::get(&name)?;
            let hash = hex::encode(file.metadata.sha256_hash());
            Some((name.into_owned(), hash[..12].to_owned()))
        })
        .collect()
});

/// The cache-busted address of an asset.
pub fn url(name: &str) -> String {
    match HASHES.get(name) {
        Some(hash) => format!("/assets/{name}?v={hash}"),
        None => format!("/assets/{name}"),
    }
}

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/assets/{name}", get(serve))
}

#[derive(Debug, Deserialize)]
struct Version {
    v: Option<String>,
}

async fn serve(Path(name): Path<String>, Query(version): Query<Version>) -> Response {
    let Some(file) = Files::get(&name) else {
        return super::PageError::not_found().into_response();
    };
    let mime = match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    };
    let current = HASHES.get(&name);
    let cache = if version.v.is_some() && version.v.as_ref() == current {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let etag = current.map(|h| format!("\"{h}\"")).unwrap_or_default();
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, mime.to_owned()),
            (header::CACHE_CONTROL, cache.to_owned()),
            (header::ETAG, etag),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        ],
        file.data.into_owned(),
    )
        .into_response()
}
