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
use utoipa::openapi::OpenApi;
use utoipa_axum::router::OpenApiRouter;

/// What a group of routes is wrapped in.
#[derive(Clone, Copy)]
enum Exposure {
    /// The shopper API: idempotency keys, rate limits, CORS.
    Shopper,
    /// Called from store pages without a visitor's data (widget events, the flag): rate
    /// limits and CORS.
    Public,
    /// Health, metrics and the API description, for operators.
    Operations,
    /// Called by a store's platform: its own authentication, larger bodies, no CORS.
    Integration,
    /// The workspace's JSON: a staff session (with CSRF) or an API token; no CORS.
    Workspace,
}

/// Every route of the API, listed once: the router and the OpenAPI description are both built
/// from this list.
fn groups() -> [(Exposure, OpenApiRouter<AppState>); 11] {
    [
        (Exposure::Shopper, conversations::router()),
        (Exposure::Shopper, forms::router()),
        (Exposure::Shopper, products::router()),
        (Exposure::Shopper, shortlist::router()),
        (Exposure::Public, events::router()),
        (Exposure::Public, ofrep::router()),
        (Exposure::Operations, health::router()),
        (Exposure::Operations, metrics::router()),
        (Exposure::Operations, openapi::router()),
        (Exposure::Integration, crate::integrations::router()),
        (Exposure::Workspace, crate::workspace::api::router()),
    ]
}

/// The whole OpenAPI description.
pub fn document() -> OpenApi {
    let routes = groups().into_iter().fold(
        OpenApiRouter::with_openapi(crate::openapi::base()),
        |all, (_, group)| all.merge(group),
    );
    let mut api = routes.into_openapi();
    crate::openapi::finish(&mut api);
    api
}

/// The description as the JSON the service serves and docs/api/openapi.json holds.
pub fn json() -> String {
    let mut text = document().to_pretty_json().unwrap_or_default();
    text.push('\n');
    text
}

/// Every route, each group wrapped as its exposure asks.
pub(crate) fn router(state: &AppState) -> Router<AppState> {
    let limits = || from_fn_with_state(state.clone(), crate::limits::limit_requests);
    let cors = || crate::middleware::cors(&state.settings);
    let routes = groups()
        .into_iter()
        .fold(OpenApiRouter::new(), |all, (exposure, group)| {
            all.merge(match exposure {
                Exposure::Shopper => group
                    .route_layer(from_fn_with_state(
                        state.clone(),
                        crate::idempotency::idempotency,
                    ))
                    .route_layer(limits())
                    .layer(cors()),
                Exposure::Public => group.route_layer(limits()).layer(cors()),
                Exposure::Operations => group,
                Exposure::Integration => group.layer(axum::extract::DefaultBodyLimit::max(
                    state.settings.integration_max_body_bytes,
                )),
                Exposure::Workspace => group.route_layer(from_fn_with_state(
                    state.clone(),
                    crate::workspace::session::csrf,
                )),
            })
        });
    routes.split_for_parts().0
}
