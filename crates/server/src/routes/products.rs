//! Product search and details, from the in-memory catalog and its search index.

use crate::error::Problem;
use crate::{ApiError, AppState, FieldError};
use aurora_core::catalog::search::{ProductQuery, Sort};
use aurora_core::concierge::blocks::ProductCard;
use aurora_core::money::{Currency, Money};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;
use serde_json::value::RawValue;
use std::collections::HashMap;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Most products per page.
pub const LIMIT_MAX: usize = 100;
const LIMIT_DEFAULT: usize = 24;
const PARAMETERS: [&str; 12] = [
    "category",
    "kind",
    "metals",
    "min_price",
    "max_price",
    "ready_to_ship",
    "style",
    "q",
    "sort",
    "limit",
    "cursor",
    "metal",
];

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(search))
        .routes(routes!(details))
}

/// One page of matching products.
#[derive(Serialize, ToSchema)]
struct ProductPage<'a> {
    // The cards, serialized once per catalog snapshot (see `Snapshot`).
    #[schema(value_type = Vec<ProductCard>)]
    products: Vec<&'a RawValue>,
    /// All matches, on every page.
    total: usize,
    /// Send it as `cursor` for the next page; null on the last.
    next_cursor: Option<String>,
}

/// A product: its card, description, style tags, finer type and what its stones are.
#[derive(Serialize, ToSchema)]
struct ProductDetails {
    #[serde(flatten)]
    card: ProductCard,
    description: String,
    styles: Vec<String>,
    /// The finer type within its category (`engagement ring`, `studs`), when the store gave one.
    kind: Option<String>,
    /// What the store says about its stones, in display order (`Diamond`, `Carat weight`,
    /// `Shape`, `Colour`, `Clarity`, `Setting`).
    details: Vec<Detail>,
}

/// One thing known about a product, as a shopper reads it.
#[derive(Serialize, ToSchema)]
struct Detail {
    label: &'static str,
    value: String,
}

/// A search request, parsed; every bad parameter is reported.
struct Search {
    query: ProductQuery,
    sort: Sort,
    limit: usize,
    offset: usize,
}

fn price(
    name: &str,
    value: &str,
    currency: Currency,
    errors: &mut Vec<FieldError>,
) -> Option<Money> {
    match value.parse::<f64>() {
        Ok(major) if major.is_finite() && (0.0..=10_000_000.0).contains(&major) => {
            Some(currency.from_major(major))
        }
        _ => {
            errors.push(FieldError {
                field: name.into(),
                message: format!("`{value}` is not a price from 0 to 10000000"),
            });
            None
        }
    }
}

fn parse(params: &HashMap<String, String>, currency: Currency) -> Result<Search, ApiError> {
    let mut errors = Vec::new();
    // The products API is the catalog's: `other` counts unless a category narrows it.
    let mut query = ProductQuery {
        include_other: true,
        ..ProductQuery::default()
    };
    for key in params.keys() {
        if !PARAMETERS.contains(&key.as_str()) {
            errors.push(FieldError {
                field: key.clone(),
                message: "is not a known parameter".into(),
            });
        }
    }
    if let Some(value) = params.get("category") {
        match value.parse() {
            Ok(category) => query.category = Some(category),
            Err(_) => errors.push(FieldError {
                field: "category".into(),
                message: "must be rings, necklaces, earrings, bracelets or other".into(),
            }),
        }
    }
    if let Some(kind) = params
        .get("kind")
        .map(|k| k.trim())
        .filter(|k| !k.is_empty())
    {
        if kind.chars().count() > 60 {
            errors.push(FieldError {
                field: "kind".into(),
                message: "must be at most 60 characters".into(),
            });
        } else {
            query.kind = Some(kind.to_lowercase());
        }
    }
    for name in ["metals", "metal"] {
        for value in params
            .get(name)
            .into_iter()
            .flat_map(|v| v.split(','))
            .filter(|v| !v.is_empty())
        {
            match value.trim().parse() {
                Ok(metal) if !query.metals.contains(&metal) => query.metals.push(metal),
                Ok(_) => {}
                Err(_) => errors.push(FieldError {
                    field: name.into(),
                    message: format!(
                        "`{value}` is not yellow_gold, white_gold, rose_gold, platinum or silver"
                    ),
                }),
            }
        }
    }
    query.min_price = params
        .get("min_price")
        .and_then(|v| price("min_price", v, currency, &mut errors));
    query.max_price = params
        .get("max_price")
        .and_then(|v| price("max_price", v, currency, &mut errors));
    if let (Some(min), Some(max)) = (query.min_price, query.max_price)
        && min > max
    {
        errors.push(FieldError {
            field: "min_price".into(),
            message: "must not be above max_price".into(),
        });
    }
    match params.get("ready_to_ship").map(String::as_str) {
        None | Some("false") => {}
        Some("true") => query.ready_to_ship = true,
        Some(_) => errors.push(FieldError {
            field: "ready_to_ship".into(),
            message: "must be true or false".into(),
        }),
    }
    if let Some(styles) = params.get("style") {
        query.styles = styles
            .split(',')
            .map(|s| s.trim().to_lowercase())
            .filter(|s| !s.is_empty())
            .take(10)
            .collect();
    }
    if let Some(text) = params.get("q") {
        if text.chars().count() > 200 {
            errors.push(FieldError {
                field: "q".into(),
                message: "must be at most 200 characters".into(),
            });
        } else if !text.trim().is_empty() {
            query.text = Some(text.trim().to_string());
        }
    }
    let sort = match params.get("sort").map(String::as_str) {
        None | Some("relevance") => Sort::Relevance,
        Some("price_asc") => Sort::PriceAsc,
        Some("price_desc") => Sort::PriceDesc,
        Some("newest") => Sort::Newest,
        Some(_) => {
            errors.push(FieldError {
                field: "sort".into(),
                message: "must be relevance, price_asc, price_desc or newest".into(),
            });
            Sort::Relevance
        }
    };
    let limit = match params.get("limit").map(|v| v.parse::<usize>()) {
        None => LIMIT_DEFAULT,
        Some(Ok(n)) if (1..=LIMIT_MAX).contains(&n) => n,
        Some(_) => {
            errors.push(FieldError {
                field: "limit".into(),
                message: format!("must be a number from 1 to {LIMIT_MAX}"),
            });
            LIMIT_DEFAULT
        }
    };
    let offset = match params.get("cursor") {
        None => 0,
        Some(cursor) => match decode_cursor(cursor) {
            Some(offset) => offset,
            None => {
                errors.push(FieldError {
                    field: "cursor".into(),
                    message: "is not a cursor this API returned".into(),
                });
                0
            }
        },
    };
    if errors.is_empty() {
        Ok(Search {
            query,
            sort,
            limit,
            offset,
        })
    } else {
        Err(ApiError::invalid(errors))
    }
}

fn encode_cursor(offset: usize) -> String {
    URL_SAFE_NO_PAD.encode(format!("o{offset}"))
}

fn decode_cursor(cursor: &str) -> Option<usize> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    std::str::from_utf8(&bytes)
        .ok()?
        .strip_prefix('o')?
        .parse()
        .ok()
}

/// Searches the catalog: structured filters, typo-tolerant text, sort and pages. Unknown
/// parameters are refused.
#[utoipa::path(get, path = "/api/support/products", tag = "products",
    params(
        ("category" = Option<String>, Query, description = "`rings`, `necklaces`, `earrings`, `bracelets` or `other` (what fits none of them, when the store imports it)."),
        ("kind" = Option<String>, Query, description = "A finer type within the category, as the catalog mapping names it (`hoops`, `engagement ring`); any case."),
        ("metals" = Option<String>, Query, description = "Comma-separated: `yellow_gold`, `white_gold`, `rose_gold`, `platinum`, `silver` (`metal` is accepted too)."),
        ("min_price" = Option<f64>, Query, description = "In the store currency's major unit, 0 to 10000000. A product matches when its price range (its variants') meets the range asked for."),
        ("max_price" = Option<f64>, Query, description = "In the store currency's major unit, 0 to 10000000; not below `min_price`."),
        ("ready_to_ship" = Option<bool>, Query, description = "`true`: only pieces that ship now."),
        ("style" = Option<String>, Query, description = "Comma-separated style tags, e.g. `vintage,minimalist`."),
        ("q" = Option<String>, Query, description = "Free text, at most 200 characters; typo tolerant."),
        ("sort" = Option<String>, Query, description = "`relevance` (default), `price_asc`, `price_desc` or `newest` (most recently added to the store first)."),
        ("limit" = Option<usize>, Query, description = "1 to 100; default 24."),
        ("cursor" = Option<String>, Query, description = "The `next_cursor` of the previous page."),
    ),
    responses(
        (status = 200, description = "The matches.", body = ProductPage),
        (status = 422, description = "Every invalid parameter.", body = Problem, content_type = "application/problem+json"),
    ))]
async fn search(
    State(state): State<AppState>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let search = parse(&params, state.currency())?;
    let snapshot = state.index();
    let found = snapshot.search(&search.query, search.sort, search.offset, search.limit);
    let next = search.offset + found.products.len();
    let page = ProductPage {
        products: found
            .products
            .iter()
            .filter_map(|p| snapshot.card(p))
            .collect(),
        total: found.total,
        next_cursor: (next < found.total).then(|| encode_cursor(next)),
    };
    // The page borrows the snapshot: serialized here, while both live.
    Ok(Json(page).into_response())
}

/// One product.
#[utoipa::path(get, path = "/api/support/products/{id}", tag = "products",
    params(("id" = String, Path, description = "The product id.")),
    responses(
        (status = 200, description = "The product.", body = ProductDetails),
        (status = 404, description = "No such product.", body = Problem, content_type = "application/problem+json"),
    ))]
async fn details(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<ProductDetails>, ApiError> {
    let catalog = state.catalog();
    let product = catalog
        .get(&id)
        .ok_or_else(|| ApiError::not_found("There is no such product."))?;
    Ok(Json(ProductDetails {
        card: ProductCard::new(product, state.currency()),
        description: product.description.clone(),
        styles: product.styles.clone(),
        kind: product.kind.clone(),
        details: (product.stones.details().into_iter())
            .map(|(label, value)| Detail { label, value })
            .collect(),
    }))
}
