//! What every response of the service has: problem+json errors, request ids, security headers,
//! compression, a body limit. Run on both backends.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use aurora_core::store::Store;
use aurora_store::backend_tests;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{app, call, get, send};
use std::sync::Arc;

backend_tests!(
    the_service_is_alive_and_ready_with_its_database,
    an_unknown_path_is_a_problem_json_404,
    every_response_has_a_request_id_and_security_headers,
);

async fn the_service_is_alive_and_ready_with_its_database(store: Arc<dyn Store>) {
    let app = app(store).await;
    let alive = get(&app, "/api/health").await;
    assert_eq!(alive.status, StatusCode::OK);
    assert_eq!(alive.json()["status"], "ok");
    let ready = get(&app, "/api/health/ready").await;
    assert_eq!(ready.status, StatusCode::OK, "{}", ready.text());
    assert_eq!(ready.json()["status"], "ready");
}

async fn an_unknown_path_is_a_problem_json_404(store: Arc<dyn Store>) {
    let app = app(store).await;
    let answer = get(&app, "/api/no/such/thing").await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(answer.header("content-type"), "application/problem+json");
    let problem = answer.json();
    assert_eq!(problem["status"], 404);
    assert_eq!(problem["code"], "not_found");
    assert!(problem["title"].is_string() && problem["detail"].is_string());
}

async fn every_response_has_a_request_id_and_security_headers(store: Arc<dyn Store>) {
    let app = app(store).await;
    for path in ["/api/health", "/nothing-here"] {
        let answer = get(&app, path).await;
        assert_eq!(answer.header("x-request-id").len(), 36, "a UUID on {path}");
        assert_eq!(answer.header("x-content-type-options"), "nosniff");
        assert_eq!(answer.header("x-frame-options"), "DENY");
        assert!(
            answer
                .header("content-security-policy")
                .contains("default-src 'self'")
        );
        assert!(!answer.header("referrer-policy").is_empty());
    }
    // A caller's own request id is kept, so logs can be joined across services.
    let answer = call(
        &app,
        "GET",
        "/api/health",
        &[("x-request-id", "trace-me-123")],
        None,
    )
    .await;
    assert_eq!(answer.header("x-request-id"), "trace-me-123");
}

#[tokio::test]
async fn a_large_answer_is_gzipped_for_a_client_that_accepts_it_and_plain_otherwise() {
    let db = aurora_store::testing::TestDb::sqlite();
    let app = common::demo_app(db.open().await).await;
    let request = |encoding: Option<&str>| {
        let mut request = Request::get("/api/support/products?limit=100");
        if let Some(encoding) = encoding {
            request = request.header("accept-encoding", encoding);
        }
        request.body(Body::empty()).unwrap()
    };
    let gzipped = send(&app, request(Some("gzip"))).await;
    assert_eq!(gzipped.status, StatusCode::OK);
    assert_eq!(gzipped.header("content-encoding"), "gzip");
    let plain = send(&app, request(None)).await;
    assert!(plain.headers.get("content-encoding").is_none());
    assert!(
        gzipped.body.len() * 3 < plain.body.len(),
        "{} vs {} bytes",
        gzipped.body.len(),
        plain.body.len()
    );
}

#[tokio::test]
async fn a_small_json_answer_goes_out_plain_and_the_loader_gzipped() {
    let db = aurora_store::testing::TestDb::sqlite();
    let app = common::demo_app(db.open().await).await;
    let get = |path: &str| {
        Request::get(path)
            .header("accept-encoding", "gzip")
            .body(Body::empty())
            .unwrap()
    };
    let small = send(&app, get("/api/support/products?limit=2")).await;
    assert_eq!(small.status, StatusCode::OK);
    assert!(small.body.len() < 14 * 1024, "{} bytes", small.body.len());
    assert!(small.headers.get("content-encoding").is_none());
    let loader = send(&app, get("/widget.js")).await;
    assert_eq!(loader.status, StatusCode::OK);
    assert_eq!(loader.header("content-encoding"), "gzip");
}
