//! The visitor's shortlist: list, add (the cards' "Add to shortlist"), remove.

use crate::error::Problem;
use crate::extract::{JsonObject, Visitor, check};
use crate::{ApiError, AppState, FieldError};
use aurora_core::concierge::blocks::ProductCard;
use aurora_core::services::shortlist;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, add))
        .routes(routes!(remove))
}

/// The visitor's shortlist, oldest first.
#[derive(Serialize, ToSchema)]
struct Shortlist {
    products: Vec<ProductCard>,
}

/// A product to add.
#[derive(ToSchema)]
#[allow(dead_code)] // Describes the body; it is read field by field to report every bad field.
struct AddRequest {
    #[schema(max_length = 200)]
    product_id: String,
}

async fn cards(state: &AppState, visitor: &str) -> Result<Json<Shortlist>, ApiError> {
    let catalog = state.catalog();
    let products = shortlist::products(state.store.as_ref(), &catalog, visitor).await?;
    Ok(Json(Shortlist {
        products: products
            .into_iter()
            .map(|p| ProductCard::new(p, state.currency()))
            .collect(),
    }))
}

/// The visitor's shortlist.
#[utoipa::path(get, path = "/api/support/shortlist", tag = "shortlist",
    security(("visitor" = [])),
    responses(
        (status = 200, description = "The shortlist.", body = Shortlist),
    ))]
async fn list(
    State(state): State<AppState>,
    Visitor(visitor): Visitor,
) -> Result<Json<Shortlist>, ApiError> {
    cards(&state, &visitor).await
}

/// Adds a product (the cards' "Add to shortlist"); adding it again changes nothing.
#[utoipa::path(post, path = "/api/support/shortlist", tag = "shortlist",
    security(("visitor" = [])),
    request_body = AddRequest,
    responses(
        (status = 201, description = "Added; the whole shortlist.", body = Shortlist),
        (status = 200, description = "It was there already; the whole shortlist.", body = Shortlist),
        (status = 409, description = "The shortlist is full (`shortlist_full`, 100 pieces).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Missing, or not a product of this store.", body = Problem, content_type = "application/problem+json"),
    ))]
async fn add(
    State(state): State<AppState>,
    Visitor(visitor): Visitor,
    body: JsonObject,
) -> Result<(StatusCode, Json<Shortlist>), ApiError> {
    let mut errors = Vec::new();
    body.only(&["product_id"], &mut errors);
    let product = body.text("product_id", 200, &mut errors);
    if errors.is_empty() && product.is_none() {
        errors.push(FieldError {
            field: "product_id".into(),
            message: "is required".into(),
        });
    }
    check(errors)?;
    let product = product.ok_or_else(|| ApiError::internal("product checked above"))?;
    let catalog = state.catalog();
    let added = shortlist::add(
        state.store.as_ref(),
        &catalog,
        &visitor,
        &product,
        state.now(),
    )
    .await?;
    if added {
        crate::metrics::shortlist_add();
    }
    let status = if added {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, cards(&state, &visitor).await?))
}

/// Removes a product.
#[utoipa::path(delete, path = "/api/support/shortlist/{product_id}", tag = "shortlist",
    security(("visitor" = [])),
    params(("product_id" = String, Path, description = "The product id.")),
    responses(
        (status = 200, description = "Removed; the whole shortlist.", body = Shortlist),
        (status = 404, description = "It is not on the shortlist.", body = Problem, content_type = "application/problem+json"),
    ))]
async fn remove(
    State(state): State<AppState>,
    Visitor(visitor): Visitor,
    Path(product): Path<String>,
) -> Result<Json<Shortlist>, ApiError> {
    shortlist::remove(state.store.as_ref(), &visitor, &product).await?;
    cards(&state, &visitor).await
}
