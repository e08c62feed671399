//! What a store's platform calls: Shopify's webhooks (signed, written to the durable inbox and
//! processed from there by [`inbox::process_inbox`]) and the orders API for every other
//! platform (an API token with the `orders:write` scope). Both accept larger bodies than the
//! shopper API (`AURORA_INTEGRATION_MAX_BODY_BYTES`): real order payloads are large.

pub mod inbox;
mod orders;
mod shopify;

use crate::AppState;
use utoipa_axum::router::OpenApiRouter;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    shopify::router().merge(orders::router())
}
