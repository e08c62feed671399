//! The visitor's shortlist: list, add (the cards' "Add to shortlist"), remove.

use crate::extract::{JsonObject, Visitor, check};
use crate::{ApiError, AppState, FieldError};
use aurora_core::concierge::blocks::ProductCard;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get};
use axum::{Json, Router};
use serde_json::{Value, json};

/// Most products one shortlist holds.
pub const SHORTLIST_MAX: usize = 100;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/support/shortlist", get(list).post(add))
        .route("/api/support/shortlist/{product_id}", delete(remove))
}

async fn cards(state: &AppState, visitor: &str) -> Result<Json<Value>, ApiError> {
    let catalog = state.catalog();
    let products: Vec<ProductCard> = state
        .store
        .shortlist(visitor)
        .await?
        .iter()
        .filter_map(|id| catalog.get(id))
        .map(ProductCard::from)
        .collect();
    Ok(Json(json!({ "products": products })))
}

async fn list(
    State(state): State<AppState>,
    Visitor(visitor): Visitor,
) -> Result<Json<Value>, ApiError> {
    cards(&state, &visitor).await
}

async fn add(
    State(state): State<AppState>,
    Visitor(visitor): Visitor,
    body: JsonObject,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let mut errors = Vec::new();
    body.only(&["product_id"], &mut errors);
    let product = body.text("product_id", 200, &mut errors);
    if errors.is_empty() {
        match &product {
            Some(id) if state.catalog().get(id).is_some() => {}
            Some(_) => errors.push(FieldError {
                field: "product_id".into(),
                message: "is not a product of this store".into(),
            }),
            None => errors.push(FieldError {
                field: "product_id".into(),
                message: "is required".into(),
            }),
        }
    }
    check(errors)?;
    let Some(product) = product else {
        return Err(ApiError::internal("product checked above"));
    };
    if state.store.shortlist(&visitor).await?.len() >= SHORTLIST_MAX {
        return Err(ApiError::conflict(
            "shortlist_full",
            format!("A shortlist holds at most {SHORTLIST_MAX} pieces. Remove one first."),
        ));
    }
    let added = state
        .store
        .shortlist_add(&visitor, &product, state.now())
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

async fn remove(
    State(state): State<AppState>,
    Visitor(visitor): Visitor,
    Path(product): Path<String>,
) -> Result<Json<Value>, ApiError> {
    if !state.store.shortlist_remove(&visitor, &product).await? {
        return Err(ApiError::not_found("That piece is not on your shortlist."));
    }
    cards(&state, &visitor).await
}
