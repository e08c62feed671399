//! Liveness and readiness, for load balancers and orchestrators.

use crate::{ApiError, AppState};
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};
use std::time::Duration;

const READY_CHECK_TIMEOUT: Duration = Duration::from_secs(2);

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/health", get(alive))
        .route("/api/health/ready", get(ready))
}

/// The process is up and answering.
async fn alive() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// The process can do its job: the database answers.
async fn ready(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    match tokio::time::timeout(READY_CHECK_TIMEOUT, state.store.ping()).await {
        Ok(Ok(())) => Ok(Json(json!({ "status": "ready" }))),
        Ok(Err(error)) => Err(ApiError::from(error)),
        Err(_) => Err(ApiError::from(aurora_core::store::StoreError::Unavailable(
            "ping timed out".to_string(),
        ))),
    }
}
