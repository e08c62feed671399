//! `PUT /api/integrations/orders/{order_number}`: any platform pushes an order (created or
//! updated) with an API token that has the `orders:write` scope.

use crate::api_tokens::Caller;
use crate::error::Problem;
use crate::extract::{JsonObject, read_json_object};
use crate::{ApiError, AppState, FieldError};
use aurora_core::orders::OrderInput;
use aurora_core::services;
use aurora_core::store::OrderWrite;
use aurora_core::tokens::Scope;
use axum::Json;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(put_order))
}

/// What the call did.
#[derive(Serialize, ToSchema)]
struct Written {
    /// The order number as stored (normalised: no `#`, letters upper-cased).
    order_number: String,
    /// `created` or `updated`.
    outcome: &'static str,
}

/// Creates or replaces an order (email, line items, status timeline with tracking).
///
/// The order replaces the stored one unless that one changed later (`updated_at`): an older
/// update is refused with 409 `order_is_newer` and changes nothing. Sending the same order
/// twice is harmless.
#[utoipa::path(put, path = "/api/integrations/orders/{order_number}", tag = "integrations",
    security(("api_token" = ["orders:write"])),
    params(("order_number" = String, Path, description = "The store's order number, as shoppers know it (`#1001` or `GG-104233`).")),
    request_body(content = OrderInput, content_type = "application/json"),
    responses(
        (status = 201, description = "The order is new.", body = Written),
        (status = 200, description = "The stored order was replaced.", body = Written),
        (status = 401, description = "No valid API token (`unauthorized`).", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks the `orders:write` scope (`insufficient_scope`).", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The stored order is newer (`order_is_newer`); nothing changed.", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than `AURORA_INTEGRATION_MAX_BODY_BYTES` (`body_too_large`).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every invalid field (`validation_failed`).", body = Problem, content_type = "application/problem+json"),
    ))]
async fn put_order(
    State(state): State<AppState>,
    caller: Caller,
    Path(order_number): Path<String>,
    request: Request,
) -> Result<(StatusCode, Json<Written>), ApiError> {
    caller.require(Scope::OrdersWrite)?;
    let JsonObject(body) = read_json_object(
        request,
        &state,
        &["application/json"],
        "Send the order as application/json.",
    )
    .await?;
    let input: OrderInput = serde_json::from_value(body.into()).map_err(|error| {
        ApiError::invalid(vec![FieldError {
            field: "body".into(),
            message: error.to_string(),
        }])
    })?;
    let write = services::orders::put(state.store.as_ref(), &order_number, input).await?;
    let order_number = aurora_core::orders::OrderNumber::normalise(&order_number).to_string();
    match write {
        OrderWrite::Created => Ok((
            StatusCode::CREATED,
            Json(Written {
                order_number,
                outcome: "created",
            }),
        )),
        OrderWrite::Updated => Ok((
            StatusCode::OK,
            Json(Written {
                order_number,
                outcome: "updated",
            }),
        )),
        OrderWrite::Stale => Err(ApiError::conflict(
            "order_is_newer",
            format!(
                "Order {order_number} changed after this update's updated_at; nothing was written."
            ),
        )),
    }
}
