//! The embeddable widget's assets, compiled into the binary from `widget/dist/` (a committed
//! build, so `cargo run` needs no Node): the small loader every store page includes, and the
//! app it loads when the shopper opens the panel or the page is idle.

use crate::assets::{Asset, asset};
use axum::Router;
use axum::http::{HeaderMap, HeaderName, header};
use axum::response::Response;
use axum::routing::get;
use std::sync::LazyLock;

/// Store pages reference the loader by a fixed URL, so it may only be cached briefly.
const LOADER_CACHE: &str = "public, max-age=300";
/// The loader asks for the app as `/widget-app.js?v=<hash>`: a new build is a new URL.
const APP_CACHE: &str = "public, max-age=31536000, immutable";
const JAVASCRIPT: &str = "text/javascript; charset=utf-8";

static LOADER: LazyLock<Asset> = LazyLock::new(|| asset!("widget.js", JAVASCRIPT, LOADER_CACHE));
static APP: LazyLock<Asset> = LazyLock::new(|| asset!("widget-app.js", JAVASCRIPT, APP_CACHE));

/// Any store origin may load the scripts (CORS and CORP open: they hold nothing private).
const OPEN: [(HeaderName, &str); 2] = [
    (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
    (
        HeaderName::from_static("cross-origin-resource-policy"),
        "cross-origin",
    ),
];

pub(crate) fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route(
            "/widget.js",
            get(|headers: HeaderMap| async move { script(&LOADER, &headers) }),
        )
        .route(
            "/widget-app.js",
            get(|headers: HeaderMap| async move { script(&APP, &headers) }),
        )
}

fn script(asset: &Asset, request: &HeaderMap) -> Response {
    asset.respond(request, &OPEN)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
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
