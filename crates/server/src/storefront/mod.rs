//! The demo storefront of "Gilded Grove", our fictional jeweller: a home page with the catalog,
//! product pages, generated product images and one stylesheet. Every page embeds the concierge
//! widget exactly as a real store would, and works under the strict CSP (no inline styles or
//! scripts).

mod pages;

use crate::AppState;
use crate::assets::{Asset, asset};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use std::sync::LazyLock;

/// The stylesheet may change with a release: cached for an hour.
static STYLESHEET: LazyLock<Asset> = LazyLock::new(|| {
    asset!(
        "storefront.css",
        "text/css; charset=utf-8",
        "public, max-age=3600"
    )
});

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/products/{id}", get(product))
        .route("/demo/images/{name}", get(crate::images::image))
        .route("/demo/assets/storefront.css", get(stylesheet))
}

/// Query of the home page. Kept as text so a stray `?page=abc` shows page 1, not an error.
#[derive(Debug, Default, Deserialize)]
struct HomeQuery {
    category: Option<String>,
    page: Option<String>,
}

async fn home(State(state): State<AppState>, Query(query): Query<HomeQuery>) -> Response {
    let category = query.category.and_then(|c| c.parse().ok());
    let page = query.page.and_then(|p| p.parse().ok()).unwrap_or(1);
    render(
        StatusCode::OK,
        &pages::home(&state.catalog(), category, page, state.currency()),
    )
}

async fn product(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let catalog = state.catalog();
    match catalog.get(&id) {
        Some(product) => render(
            StatusCode::OK,
            &pages::product(&catalog, product, state.currency()),
        ),
        None => render(StatusCode::NOT_FOUND, &pages::not_found()),
    }
}

async fn stylesheet(headers: HeaderMap) -> Response {
    STYLESHEET.respond(&headers, &[])
}

/// Renders `page` with `status`; a template failure is logged and answered with a bare 500.
fn render(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(error) => {
            tracing::error!(%error, "storefront page failed to render");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Html("<!doctype html><html lang=\"en\"><title>Error</title><h1>Something went wrong</h1></html>"),
            )
                .into_response()
        }
    }
}
