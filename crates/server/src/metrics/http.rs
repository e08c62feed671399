//! The per-route HTTP metrics: every answer counted by route template (never the raw path),
//! method and status class, and timed, into Prometheus and into the app's one-hour windows.

use crate::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use std::time::Instant;

/// The route label of a request that matched no route (404s): one series for all of them.
pub const UNMATCHED: &str = "unmatched";

/// The middleware; outermost, so timeouts and rate limits are counted too.
pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or(UNMATCHED, MatchedPath::as_str)
        .to_string();
    let method = method_label(request.method());
    let started = Instant::now();
    let response = next.run(request).await;
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    metrics::counter!(
        "aurora_http_requests_total",
        "route" => route.clone(),
        "method" => method,
        "status" => status_class(status),
    )
    .increment(1);
    metrics::histogram!(
        "aurora_http_request_duration_seconds",
        "route" => route.clone(),
        "method" => method,
    )
    .record(elapsed.as_secs_f64());
    state
        .metrics
        .record_request(state.now(), method, &route, status, elapsed);
    response
}

/// The method, or `OTHER`: a label must not take whatever a client sends.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

/// `2xx`, `3xx`, `4xx` or `5xx`.
pub fn status_class(status: u16) -> &'static str {
    match status {
        500.. => "5xx",
        400..=499 => "4xx",
        300..=399 => "3xx",
        200..=299 => "2xx",
        _ => "1xx",
    }
}
