//! The embeddable widget's assets, compiled into the binary from `widget/dist/` (a committed
//! build, so `cargo run` needs no Node): the small loader every store page includes, and the
//! app it loads when the shopper opens the panel or the page is idle.

use axum::Router;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

const LOADER: &[u8] = include_bytes!("../../../widget/dist/widget.js");
const APP: &[u8] = include_bytes!("../../../widget/dist/widget-app.js");

/// Store pages reference the loader by a fixed URL, so it may only be cached briefly.
const LOADER_CACHE: &str = "public, max-age=300";
/// The loader asks for the app as `/widget-app.js?v=<hash>`: a new build is a new URL.
const APP_CACHE: &str = "public, max-age=31536000, immutable";

static LOADER_ETAG: LazyLock<HeaderValue> = LazyLock::new(|| etag(LOADER));
static APP_ETAG: LazyLock<HeaderValue> = LazyLock::new(|| etag(APP));

fn etag(bytes: &[u8]) -> HeaderValue {
    let hash = Sha256::digest(bytes);
    let hex: String = hash.iter().take(8).map(|b| format!("{b:02x}")).collect();
    HeaderValue::from_str(&format!("\"{hex}\"")).unwrap_or(HeaderValue::from_static("\"widget\""))
}

pub(crate) fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/widget.js", get(|headers: HeaderMap| async move { asset(&headers, LOADER, &LOADER_ETAG, LOADER_CACHE) }))
        .route("/widget-app.js", get(|headers: HeaderMap| async move { asset(&headers, APP, &APP_ETAG, APP_CACHE) }))
}

/// A script any store origin may load (CORS and CORP open: it holds nothing private).
fn asset(
    request: &HeaderMap,
    body: &'static [u8],
    etag: &HeaderValue,
    cache: &'static str,
) -> Response {
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/javascript; charset=utf-8"),
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
        (header::ETAG, etag.clone()),
        (
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        ),
        (
            HeaderName::from_static("cross-origin-resource-policy"),
            HeaderValue::from_static("cross-origin"),
        ),
    ];
    let fresh = request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|tag| tag.trim().trim_start_matches("W/") == etag.to_str().unwrap_or(""))
        });
    if fresh {
        (StatusCode::NOT_MODIFIED, headers).into_response()
    } else {
        (headers, body).into_response()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;

    async fn get(path: &str, if_none_match: Option<&str>) -> Response {
        let mut request = Request::get(path);
        if let Some(tag) = if_none_match {
            request = request.header(header::IF_NONE_MATCH, tag);
        }
        router::<()>()
            .oneshot(request.body(Body::empty()).unwrap())
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn the_loader_is_javascript_any_store_may_load_and_cached_briefly() {
        let response = get("/widget.js", None).await;
        assert_eq!(response.status(), StatusCode::OK);
        let headers = response.headers();
        assert_eq!(
            headers[header::CONTENT_TYPE],
            "text/javascript; charset=utf-8"
        );
        assert_eq!(headers[header::CACHE_CONTROL], LOADER_CACHE);
        assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
        assert_eq!(headers["cross-origin-resource-policy"], "cross-origin");
    }

    #[tokio::test]
    async fn the_app_is_cached_long_and_revalidated_by_its_etag() {
        let response = get("/widget-app.js?v=abc", None).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()[header::CACHE_CONTROL], APP_CACHE);
        let tag = response.headers()[header::ETAG]
            .to_str()
            .unwrap()
            .to_string();
        let again = get("/widget-app.js", Some(&tag)).await;
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    }
}
