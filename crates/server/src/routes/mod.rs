//! The API routes, one module per area. Every route is documented (`#[utoipa::path]`) and
//! registered with `routes!`, so the router and the OpenAPI description cannot disagree.

mod conversations;
mod events;
mod forms;
mod health;
mod metrics;
mod ofrep;
mod openapi;
mod products;
mod shortlist;

use crate::AppState;
use axum::Router;
use axum::middleware::from_fn_with_state;
use utoipa_axum::router::OpenApiRouter;

/// The shopper API that reads and writes a visitor's data or the catalog.
fn shopper() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(conversations::router())
        .merge(forms::router())
        .merge(products::router())
        .merge(shortlist::router())
}

/// Health, metrics and the API description, for operators.
fn operations() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(health::router())
        .merge(metrics::router())
        .merge(openapi::router())
}

/// `base` with every route of [`router`] added.
pub(crate) fn documented(base: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    OpenApiRouter::with_openapi(base)
        .merge(shopper())
        .merge(events::router())
        .merge(ofrep::router())
        .merge(operations())
        .into_openapi()
}

pub(crate) fn router(state: &AppState) -> Router<AppState> {
    let shopper = shopper()
        .route_layer(from_fn_with_state(
            state.clone(),
            crate::idempotency::idempotency,
        ))
        .merge(events::router())
        .route_layer(from_fn_with_state(
            state.clone(),
            crate::limits::limit_requests,
        ))
        .layer(crate::middleware::cors(&state.settings));
    let flags = ofrep::router()
        .route_layer(from_fn_with_state(
            state.clone(),
            crate::limits::limit_requests,
        ))
        .layer(crate::middleware::cors(&state.settings));
    let (router, _) = operations().merge(shopper).merge(flags).split_for_parts();
    router
}
