//! The API routes, one module per area.

mod health;

use crate::AppState;
use axum::Router;

pub(crate) fn router() -> Router<AppState> {
    Router::new().merge(health::router())
}
