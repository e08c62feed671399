//! `Idempotency-Key` for every POST of the shopper API, scoped per visitor (or, before a
//! visitor exists, per client IP) and route: the same key and body replay the first answer
//! (no second ticket), another body is a 422, a key still being processed is a 409. Keys
//! expire after 24 hours.
//!
//! A request holds its key for a lease (`idempotency_lease`, 60 s). The handlers that make an
//! effect (a message pair, a ticket with its webhook, a rating) record their answer in the
//! effect's own transaction, through [`Keyed`]; the others' answers are recorded here, after
//! the response. So a crash leaves the effect with its answer, replayed to a retry, or neither,
//! and a retry after the lease runs the request again.

use crate::client_ip::client_ip;
use crate::extract::VISITOR_HEADER;
use crate::{ApiError, AppState};
use aurora_core::store::{Answering, ClaimedKey, IdempotencyClaim, KeyAnswer};
use axum::body::{Body, to_bytes};
use axum::extract::{FromRequestParts, MatchedPath, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// The request header.
pub const IDEMPOTENCY_HEADER: &str = "idempotency-key";
const KEY_MAX_LEN: usize = 255;
const EXPIRY: chrono::Duration = chrono::Duration::hours(24);

/// The middleware.
pub async fn idempotency(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let Some(key) = request.headers().get(IDEMPOTENCY_HEADER).cloned() else {
        return next.run(request).await;
    };
    let key = match key.to_str() {
        Ok(key) if !key.is_empty() && key.len() <= KEY_MAX_LEN => key.to_string(),
        _ => {
            return ApiError::new(
                StatusCode::BAD_REQUEST,
                "bad_idempotency_key",
                format!("{IDEMPOTENCY_HEADER} must be 1 to {KEY_MAX_LEN} visible characters."),
            )
            .into_response();
        }
    };
    match run(&state, key, request, next).await {
        Ok(response) | Err(response) => response,
    }
}

async fn run(
    state: &AppState,
    key: String,
    request: Request,
    next: Next,
) -> Result<Response, Response> {
    let (parts, body) = request.into_parts();
    let route = parts
        .extensions
        .get::<MatchedPath>()
        .map_or_else(|| parts.uri.path().to_string(), |p| p.as_str().to_string());
    let scope = match parts
        .headers
        .get(VISITOR_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|t| state.tokens.verify_visitor(t))
    {
        Some(visitor) => format!("visitor:{visitor}"),
        None => format!("ip:{}", client_ip(&parts, state)),
    };
    let bytes = to_bytes(body, state.settings.max_body_bytes)
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                "The request body is too large.",
            )
            .into_response()
        })?;
    // The route is a template: the concrete path (which conversation) is part of the request,
    // so the same key and body sent to another conversation is not a retry of this one.
    let mut digest = Sha256::new();
    digest.update(parts.uri.path().as_bytes());
    digest.update([0]);
    digest.update(&bytes);
    let hash = format!("{:x}", digest.finalize());
    let now = state.now();
    let claimed = ClaimedKey {
        scope,
        route,
        key,
        token: uuid::Uuid::new_v4().to_string(),
    };
    let claim = state
        .store
        .claim_idempotency_key(
            &claimed,
            &hash,
            now,
            now + state.settings.idempotency_lease,
            now - EXPIRY,
        )
        .await
        .map_err(|e| ApiError::from(e).into_response())?;
    match claim {
        IdempotencyClaim::InProgress { until } => {
            let mut refused = ApiError::conflict(
                "idempotency_key_in_use",
                "A request with this Idempotency-Key is still being processed. Retry shortly.",
            )
            .into_response();
            let wait = (until - now).num_seconds().clamp(1, 3600);
            refused
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(wait));
            Err(refused)
        }
        IdempotencyClaim::Mismatch => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency_key_reused",
            "This Idempotency-Key was used with a different request body.",
        )
        .into_response()),
        IdempotencyClaim::Done { status, response } => Ok(replay(status, response)),
        IdempotencyClaim::New => {
            let mut parts = parts;
            parts.extensions.insert(claimed.clone());
            let response = next
                .run(Request::from_parts(parts, Body::from(bytes)))
                .await;
            let status = response.status();
            // A 429 is "not now", not an answer: replaying it (without its Retry-After) would
            // refuse the retry the client was told to make.
            if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
                let _ = state.store.release_idempotency_key(&claimed).await;
                return Ok(response);
            }
            let (parts, body) = response.into_parts();
            let body = to_bytes(body, usize::MAX).await.unwrap_or_default();
            let answer = KeyAnswer {
                key: claimed,
                status: status.as_u16(),
                response: String::from_utf8_lossy(&body).into_owned(),
            };
            let recorded = async {
                let mut tx = state.store.begin().await?;
                tx.complete_idempotency_key(&answer).await?;
                tx.commit().await
            };
            match recorded.await {
                // Recorded already, with the request's effect.
                Ok(()) | Err(aurora_core::store::StoreError::Conflict(_)) => {}
                // The answer stands; a retry after the lease runs the request again.
                Err(error) => tracing::error!(%error, "could not record an idempotent answer"),
            }
            Ok(Response::from_parts(parts, Body::from(body)))
        }
    }
}

/// A recorded answer, sent again.
fn replay(status: u16, body: String) -> Response {
    let mut response = respond((status, body));
    response
        .headers_mut()
        .insert("idempotent-replayed", HeaderValue::from_static("true"));
    response
}

/// The key a request holds, for handlers whose effect records its answer (see the module).
pub(crate) struct Keyed(Option<ClaimedKey>);

impl<S: Send + Sync> FromRequestParts<S> for Keyed {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Keyed(parts.extensions.get::<ClaimedKey>().cloned()))
    }
}

/// How a handler writes its outcome `T`: the status and the JSON body it answers with.
pub(crate) type Write<T> = dyn Fn(&T) -> (u16, String) + Send + Sync;

impl Keyed {
    /// What the use case records with its effect, when the request holds a key.
    pub(crate) fn answering<'a, T>(&'a self, write: &'a Write<T>) -> Option<Answering<'a, T>> {
        self.0.as_ref().map(|key| Answering { key, write })
    }
}

/// `status` and `body` as JSON: what [`Write`] gives, sent.
pub(crate) fn json<T: serde::Serialize>(status: StatusCode, body: &T) -> (u16, String) {
    (
        status.as_u16(),
        serde_json::to_string(body).unwrap_or_default(),
    )
}

/// An answer as status and body (a [`Write`]'s, or a recorded one): JSON, or problem+json for
/// an error.
pub(crate) fn respond((status, body): (u16, String)) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    let content_type = if status.is_success() {
        "application/json"
    } else {
        "application/problem+json"
    };
    let mut response = (status, body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}
