//! The layers every response goes through: request id, tracing, timeouts, body limit,
//! compression and security headers.

use crate::ServerSettings;
use crate::error::ApiError;
use axum::Router;
use axum::error_handling::HandleErrorLayer;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use tower::ServiceBuilder;
use tower_http::CompressionLevel;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, Predicate, SizeAbove};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

const SECURITY_HEADERS: [(HeaderName, &str); 4] = [
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::X_FRAME_OPTIONS, "DENY"),
    (header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
    (
        header::CONTENT_SECURITY_POLICY,
        "default-src 'self'; img-src 'self' data:; style-src 'self'; \
         frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    ),
];

/// JSON answers smaller than this go out uncompressed: compressed or not they fit in TCP's
/// initial congestion window (ten segments of ~1,450 bytes), so gzip would save bytes but no
/// round trip, and setting up an encoder for each answer (it zeroes ~300 KB of tables) cost a
/// loaded server ~8% of its CPU (`perf` on bench/load, a 2.6 KB message reply).
const COMPRESS_JSON_ABOVE: u16 = 14 * 1024;

/// What is worth gzipping: what tower-http gzips by default, except JSON answers up to
/// [`COMPRESS_JSON_ABOVE`].
#[derive(Clone, Copy)]
struct WorthCompressing;

impl Predicate for WorthCompressing {
    fn should_compress<B: axum::body::HttpBody>(&self, response: &axum::http::Response<B>) -> bool {
        let json = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split(';').next())
            .is_some_and(|kind| kind == "application/json" || kind.ends_with("+json"));
        DefaultPredicate::new().should_compress(response)
            && (!json || SizeAbove::new(COMPRESS_JSON_ABOVE).should_compress(response))
    }
}

/// CORS for the shopper API: only the configured store origins, with the headers the widget
/// sends and the rate-limit headers it reads.
pub(crate) fn cors(settings: &ServerSettings) -> tower_http::cors::CorsLayer {
    use tower_http::cors::{AllowOrigin, CorsLayer};
    let origins: Vec<HeaderValue> = settings
        .allowed_origins
        .iter()
        .filter_map(|origin| HeaderValue::from_str(origin).ok())
        .collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([
            axum::http::Method::GET,
            axum::http::Method::POST,
            axum::http::Method::DELETE,
        ])
        .allow_headers([
            header::CONTENT_TYPE,
            HeaderName::from_static("x-aurora-visitor"),
            HeaderName::from_static("x-aurora-identity"),
            HeaderName::from_static("idempotency-key"),
        ])
        .expose_headers([
            header::RETRY_AFTER,
            HeaderName::from_static("ratelimit"),
            HeaderName::from_static("ratelimit-policy"),
            header::ETAG,
        ])
        .max_age(std::time::Duration::from_secs(600))
}

/// Wraps the routed app in the middleware stack and gives unknown paths a problem+json 404.
pub(crate) fn wrap(router: Router, settings: &ServerSettings) -> Router {
    let mut router = router
        .fallback(|| async { ApiError::not_found("There is nothing at this address.") })
        .layer(DefaultBodyLimit::max(settings.max_body_bytes))
        .layer(
            ServiceBuilder::new()
                .layer(HandleErrorLayer::new(|_: tower::BoxError| async {
                    ApiError::new(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "timeout",
                        "The request took too long. Please try again.",
                    )
                }))
                .timeout(settings.request_timeout),
        )
        .layer(
            CompressionLayer::new()
                .quality(CompressionLevel::Fastest)
                .compress_when(WorthCompressing),
        );
    for (name, value) in SECURITY_HEADERS {
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            name,
            HeaderValue::from_static(value),
        ));
    }
    router.layer(
        ServiceBuilder::new()
            .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
            .layer(
                TraceLayer::new_for_http().make_span_with(|request: &Request| {
                    let route = request
                        .extensions()
                        .get::<MatchedPath>()
                        .map_or("unmatched", MatchedPath::as_str);
                    let request_id = request
                        .headers()
                        .get(REQUEST_ID)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("");
                    tracing::info_span!("request", method = %request.method(), route, request_id)
                }),
            )
            .layer(PropagateRequestIdLayer::new(REQUEST_ID)),
    )
}
