//! Helpers shared by the HTTP tests: the real router over a real database.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use aurora_core::catalog::Catalog;
use aurora_core::concierge::{Concierge, ConciergeSettings};
use aurora_core::store::Store;
use aurora_server::{AppState, ServerSettings, Tokens};
use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use std::sync::Arc;
use tower::ServiceExt;

/// The visitor-token secret of the test apps.
pub const SECRET: &str = "test-secret-key-0123456789-abcdefghijklmnop";
/// The identity secret the test "store backend" signs shoppers with.
pub const IDENTITY_SECRET: &str = "test-identity-secret";

/// The state of an app over `store`, its catalog loaded as the binary loads it.
pub async fn state(store: Arc<dyn Store>, settings: ServerSettings) -> AppState {
    let version = store.catalog_version().await.unwrap();
    let catalog = Catalog::new(version, store.all_products().await.unwrap());
    let concierge = Concierge::new(
        &aurora_nlu::NluConfig::default(),
        ConciergeSettings {
            store_name: "Gilded Grove".into(),
            ..ConciergeSettings::default()
        },
    )
    .unwrap();
    AppState::new(
        store,
        settings,
        catalog,
        concierge,
        Tokens::new(SECRET, Some(IDENTITY_SECRET)),
    )
    .unwrap()
}

/// The real router over `store`.
pub async fn app(store: Arc<dyn Store>) -> Router {
    aurora_server::app(state(store, ServerSettings::default()).await)
}

/// An answer, read whole.
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap())
            .unwrap_or_else(|| panic!("no {name} header in {:?}", self.headers))
    }
}

/// Sends `request` through the router in-process.
pub async fn send(app: &Router, request: Request<Body>) -> Answer {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    Answer {
        status,
        headers,
        body,
    }
}

/// GET `path`.
pub async fn get(app: &Router, path: &str) -> Answer {
    send(app, Request::get(path).body(Body::empty()).unwrap()).await
}
