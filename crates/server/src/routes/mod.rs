//! The API routes, one module per area.

mod conversations;
mod events;
mod forms;
mod health;
mod metrics;
mod ofrep;
mod products;
mod shortlist;

use crate::AppState;
use axum::Router;
use axum::middleware::from_fn_with_state;

pub(crate) fn router(state: &AppState) -> Router<AppState> {
    let shopper = Router::new()
        .merge(conversations::router())
        .merge(forms::router())
        .merge(products::router())
        .merge(shortlist::router())
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
    Router::new()
        .merge(health::router())
        .merge(metrics::router())
        .merge(shopper)
        .merge(flags)
}
