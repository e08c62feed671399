//! `POST /api/integrations/shopify/webhooks`: checks the signature of the raw body, writes the
//! delivery to the inbox once per `X-Shopify-Webhook-Id`, and answers at once (Shopify waits at
//! most five seconds); the inbox processor applies it.

use crate::error::Problem;
use crate::extract::read_body;
use crate::{ApiError, AppState};
use aurora_core::services::integrations::SHOPIFY_TOPICS;
use aurora_core::store::Delivery;
use axum::Json;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(receive))
}

const SIGNATURE: &str = "x-shopify-hmac-sha256";
const TOPIC: &str = "x-shopify-topic";
const WEBHOOK_ID: &str = "x-shopify-webhook-id";
/// Longest webhook id or topic kept.
const MAX_HEADER_CHARS: usize = 200;

/// What became of a delivery.
#[derive(Serialize, ToSchema)]
struct Received {
    /// `accepted` (stored, to be processed), `duplicate` (this webhook id came before; nothing
    /// changes) or `ignored` (a topic we do not use).
    outcome: &'static str,
}

/// Receives a Shopify webhook (orders, fulfilments, products).
///
/// Register this URL for the topics `orders/create`, `orders/updated`, `orders/cancelled`,
/// `fulfillments/create`, `fulfillments/update`, `products/create`, `products/update` and
/// `products/delete`, in JSON. The delivery is stored before the answer and applied within
/// seconds; a redelivery (same `X-Shopify-Webhook-Id`) changes nothing.
#[utoipa::path(post, path = "/api/integrations/shopify/webhooks", tag = "integrations",
    params(
        ("X-Shopify-Hmac-Sha256" = String, Header, description = "Base64 HMAC-SHA256 of the raw body with the webhook secret (`AURORA_SHOPIFY_WEBHOOK_SECRET`)."),
        ("X-Shopify-Topic" = String, Header, description = "The topic, e.g. `orders/create`."),
        ("X-Shopify-Webhook-Id" = String, Header, description = "The delivery's id; the same id is processed once."),
    ),
    request_body(content = Object, content_type = "application/json", description = "Shopify's payload for the topic, as Shopify sends it."),
    responses(
        (status = 200, description = "Stored (or stored before, or a topic not used).", body = Received),
        (status = 401, description = "Missing or wrong signature (`missing_signature`, `bad_signature`).", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than `AURORA_INTEGRATION_MAX_BODY_BYTES` (`body_too_large`).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A required header is missing, or the body is not UTF-8 JSON text (`bad_delivery`).", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "No webhook secret is set (`not_configured`), or the database is unavailable: Shopify retries.", body = Problem, content_type = "application/problem+json"),
    ))]
async fn receive(
    State(state): State<AppState>,
    request: Request,
) -> Result<Json<Received>, ApiError> {
    let Some(secret) = state.settings.shopify_webhook_secret.clone() else {
        tracing::warn!("a Shopify webhook came, but AURORA_SHOPIFY_WEBHOOK_SECRET is not set");
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "not_configured",
            "Shopify webhooks are not configured on this server.",
        ));
    };
    let headers = request.headers().clone();
    let body = read_body(request, &state).await?;
    verify(&headers, &body, &secret)?;
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty() && v.chars().count() <= MAX_HEADER_CHARS)
            .ok_or_else(|| {
                crate::metrics::integration_delivery("invalid");
                bad_delivery(format!(
                    "The {name} header is missing or longer than {MAX_HEADER_CHARS} characters."
                ))
            })
    };
    let topic = header(TOPIC)?;
    let delivery_id = header(WEBHOOK_ID)?;
    if !SHOPIFY_TOPICS.contains(&topic) {
        tracing::info!(topic, "Shopify webhook of a topic we do not use; ignored");
        crate::metrics::integration_delivery("ignored");
        return Ok(Json(Received { outcome: "ignored" }));
    }
    let body = String::from_utf8(body.to_vec()).map_err(|_| {
        crate::metrics::integration_delivery("invalid");
        bad_delivery("The body is not UTF-8 text.".into())
    })?;
    let delivery = Delivery {
        id: uuid::Uuid::new_v4().to_string(),
        source: "shopify".into(),
        delivery_id: delivery_id.to_string(),
        topic: topic.to_string(),
        body,
        received_at: state.now(),
    };
    let outcome = if state.store.receive(&delivery).await? {
        state.inbox.notify_one();
        "accepted"
    } else {
        "duplicate"
    };
    crate::metrics::integration_delivery(outcome);
    Ok(Json(Received { outcome }))
}

fn bad_delivery(detail: String) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "bad_delivery", detail)
}

/// Checks `X-Shopify-Hmac-Sha256` against the raw body, in constant time.
fn verify(headers: &HeaderMap, body: &[u8], secret: &str) -> Result<(), ApiError> {
    let Some(signature) = headers.get(SIGNATURE).and_then(|v| v.to_str().ok()) else {
        tracing::warn!("Shopify webhook without a signature refused");
        crate::metrics::integration_delivery("missing_signature");
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "missing_signature",
            "The X-Shopify-Hmac-Sha256 header is missing.",
        ));
    };
    let matches = base64::engine::general_purpose::STANDARD
        .decode(signature.trim())
        .ok()
        .is_some_and(|expected| {
            Hmac::<Sha256>::new_from_slice(secret.trim().as_bytes())
                .map(|mut mac| {
                    mac.update(body);
                    // `verify_slice` compares in constant time.
                    mac.verify_slice(&expected).is_ok()
                })
                .unwrap_or(false)
        });
    if matches {
        Ok(())
    } else {
        tracing::warn!("Shopify webhook with a wrong signature refused");
        crate::metrics::integration_delivery("bad_signature");
        Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "bad_signature",
            "The X-Shopify-Hmac-Sha256 signature does not match the body.",
        ))
    }
}
