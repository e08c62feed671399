//! Liveness and readiness, for load balancers and orchestrators.

use crate::error::Problem;
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::State;
use serde::Serialize;
use std::time::Duration;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const READY_CHECK_TIMEOUT: Duration = Duration::from_secs(2);

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(alive))
        .routes(routes!(ready))
}

/// `ok` (alive) or `ready`.
#[derive(Serialize, ToSchema)]
struct Health {
    status: &'static str,
}

/// The process is up and answering.
#[utoipa::path(get, path = "/api/health", tag = "operations",
    responses((status = 200, description = "Alive: `{\"status\": \"ok\"}`.", body = Health)))]
async fn alive() -> Json<Health> {
    Json(Health { status: "ok" })
}

/// The process can do its job: the database answers within 2 seconds.
#[utoipa::path(get, path = "/api/health/ready", tag = "operations",
    responses(
        (status = 200, description = "Ready: `{\"status\": \"ready\"}`.", body = Health),
        (status = 503, description = "The database does not answer (`database_unavailable`).", body = Problem, content_type = "application/problem+json"),
    ))]
async fn ready(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    match tokio::time::timeout(READY_CHECK_TIMEOUT, state.store.ping()).await {
        Ok(Ok(())) => Ok(Json(Health { status: "ready" })),
        Ok(Err(error)) => Err(ApiError::from(error)),
        Err(_) => Err(ApiError::from(aurora_core::store::StoreError::Unavailable(
            "ping timed out".to_string(),
        ))),
    }
}
