//! The metrics, for operators only: `GET /metrics` (Prometheus text) and
//! `GET /api/metrics?format=json|prometheus|summary`. With a metrics token set, callers must
//! send it as a bearer token; without one, only direct loopback callers are answered.

use crate::error::FieldError;
use crate::error::Problem;
use crate::metrics::{exporter, report};
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{ConnectInfo, FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const PROMETHEUS_TEXT: &str = "text/plain; version=0.0.4; charset=utf-8";

pub(crate) fn router() -> OpenApiRouter<AppState> {
    // Installed when the app is built, so the first request is already counted.
    crate::metrics::install();
    OpenApiRouter::new()
        .routes(routes!(prometheus))
        .routes(routes!(metrics))
}

/// A caller allowed to read the metrics.
struct Operator;

impl FromRequestParts<AppState> for Operator {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match state
            .settings
            .metrics_token
            .as_deref()
            .filter(|t| !t.is_empty())
        {
            Some(token) => {
                let given = parts
                    .headers
                    .get(header::AUTHORIZATION)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.split_once(' '))
                    .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
                    .map(|(_, credentials)| credentials.trim());
                // Comparing digests leaks nothing about the token through timing.
                if given.is_some_and(|given| digest(given) == digest(token)) {
                    Ok(Operator)
                } else {
                    Err(ApiError::unauthorized(
                        "The metrics need the metrics token as a bearer token.",
                    )
                    .with_header(
                        "www-authenticate",
                        HeaderValue::from_static("Bearer realm=\"aurora-metrics\""),
                    ))
                }
            }
            None => {
                // No socket (an in-process call) is this host. A request relayed by a proxy on
                // this host carries a forwarding header: it comes from elsewhere.
                let loopback = parts
                    .extensions
                    .get::<ConnectInfo<SocketAddr>>()
                    .is_none_or(|info| info.0.ip().is_loopback());
                let relayed = parts.headers.contains_key("x-forwarded-for")
                    || parts.headers.contains_key(header::FORWARDED);
                if loopback && !relayed {
                    Ok(Operator)
                } else {
                    Err(ApiError::new(
                        StatusCode::FORBIDDEN,
                        "metrics_private",
                        "The metrics are private: call from this host, or set \
                         AURORA_METRICS_TOKEN and send it as a bearer token.",
                    ))
                }
            }
        }
    }
}

fn digest(text: &str) -> [u8; 32] {
    Sha256::digest(text.as_bytes()).into()
}

/// The metrics in the Prometheus text format (docs/metrics.md lists them).
#[utoipa::path(get, path = "/metrics", tag = "operations",
    security(("metrics_token" = [])),
    responses(
        (status = 200, description = "Prometheus text format 0.0.4.", body = String, content_type = "text/plain"),
        (status = 401, description = "A metrics token is set and was not sent.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "No metrics token is set and the caller is not on this host (`metrics_private`).", body = Problem, content_type = "application/problem+json"),
    ))]
async fn prometheus(_: Operator, State(state): State<AppState>) -> Response {
    crate::metrics::refresh_pool(&state);
    text(PROMETHEUS_TEXT, exporter::render())
}

/// The metrics with the last hour's per-route rates and latency percentiles: JSON by default,
/// or `format=prometheus|summary` (summary: a few lines of text).
#[utoipa::path(get, path = "/api/metrics", tag = "operations",
    security(("metrics_token" = [])),
    params(("format" = Option<String>, Query, description = "`json` (default), `prometheus` or `summary`.")),
    responses(
        (status = 200, description = "The report.", content(
            (Object = "application/json"),
            (String = "text/plain"),
        )),
        (status = 401, description = "A metrics token is set and was not sent.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "No metrics token is set and the caller is not on this host (`metrics_private`).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An unknown format.", body = Problem, content_type = "application/problem+json"),
    ))]
async fn metrics(
    _: Operator,
    State(state): State<AppState>,
    query: Result<Query<BTreeMap<String, String>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let invalid = |message: &str| {
        ApiError::invalid(vec![FieldError {
            field: "format".into(),
            message: message.into(),
        }])
    };
    let Query(query) = query.map_err(|_| invalid("the query string could not be read"))?;
    match query.get("format").map_or("json", String::as_str) {
        "json" => {
            let report = report::build(&state).await;
            let mut response = Json(report).into_response();
            no_store(&mut response);
            Ok(response)
        }
        "summary" => {
            let report = report::build(&state).await;
            Ok(text("text/plain; charset=utf-8", report::summary(&report)))
        }
        "prometheus" => Ok(prometheus(Operator, State(state)).await),
        _ => Err(invalid("must be json, prometheus or summary")),
    }
}

fn text(content_type: &'static str, body: String) -> Response {
    let mut response = body.into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    no_store(&mut response);
    response
}

fn no_store(response: &mut Response) {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
}
