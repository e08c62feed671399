//! The HTTP service: routes, errors as problem+json, middleware and the demo storefront.
//! It never writes SQL: everything stored goes through [`aurora_core::store::Store`].
//! [`Application`] puts it together; the binary serves it and the tests drive it.

mod api_tokens;
mod assets;
mod client_ip;
mod email;
mod error;
mod extract;
mod flags;
mod idempotency;
mod identity;
mod images;
mod integrations;
mod leases;
mod limits;
mod metrics;
mod middleware;
mod openapi;
mod purge;
mod routes;
mod snapshots;
mod startup;
mod state;
mod storefront;
mod webhook;
mod widget;
mod workspace;

pub use api_tokens::{
    SECRET_PREFIX as API_TOKEN_PREFIX, create as create_api_token, hash as hash_api_token,
};
pub use client_ip::TrustedProxies;
pub use email::{Mailer, SmtpSettings, deliver_emails_once};
pub use error::{ApiError, FieldError};
pub use flags::{refresh as refresh_flags, watch_flags};
pub use identity::{Tokens, sign_identity};
pub use integrations::inbox::process_inbox;
pub use limits::LimitSettings;
pub use metrics::aggregates::write_once as write_aggregates_once;
pub use metrics::{flag_state, sweep_idle_conversations, sweep_idle_conversations_once};
pub use purge::{purge_old_data, purge_once};
pub use routes::{document as openapi_document, json as openapi_json};
pub use snapshots::watch_snapshots;
pub use startup::{AppSettings, Application, Background, StartupError};
pub use state::{AppState, ServerSettings, Shared};
pub use webhook::deliver_webhooks;
pub use workspace::password_link;

use axum::Router;
use std::future::Future;
use tokio::net::TcpListener;

/// The whole application: API routes, the storefront in demo mode, and the middleware stack.
pub fn app(state: AppState) -> Router {
    let mut router = routes::router(&state)
        .merge(workspace::router(&state))
        .merge(widget::router())
        .merge(images::router());
    if state.settings.demo {
        router = router.merge(storefront::router());
    }
    middleware::wrap(router.with_state(state.clone()), &state.settings).layer(
        axum::middleware::from_fn_with_state(state.clone(), metrics::track),
    )
}

/// Serves `router` on `listener` until `shutdown` completes, then lets in-flight requests finish.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
