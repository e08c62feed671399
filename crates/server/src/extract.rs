//! Extractors: who is calling (visitor token, signed identity) and the JSON body, each
//! rejecting bad input as problem+json before a handler runs.

use crate::AppState;
use crate::error::{ApiError, FieldError};
use crate::identity::VerifiedIdentity;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde_json::{Map, Value};

/// The header carrying the visitor token.
pub const VISITOR_HEADER: &str = "x-aurora-visitor";
/// The header carrying the store-signed identity JWT.
pub const IDENTITY_HEADER: &str = "x-aurora-identity";

/// A visitor proven by a valid token. Missing or forged → 401.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visitor(pub String);

/// The visitor, when the request carries a valid token; a forged one is still a 401.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaybeVisitor(pub Option<String>);

fn visitor_of(parts: &Parts, state: &AppState) -> Result<Option<String>, ApiError> {
    let Some(header) = parts.headers.get(VISITOR_HEADER) else {
        return Ok(None);
    };
    let token = header.to_str().unwrap_or("");
    state.tokens.verify_visitor(token).map(Some).ok_or_else(|| {
        ApiError::unauthorized("The visitor token is not valid. Start a new conversation.")
    })
}

impl FromRequestParts<AppState> for Visitor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        visitor_of(parts, state)?.map(Visitor).ok_or_else(|| {
            ApiError::unauthorized(format!("This call needs the {VISITOR_HEADER} header."))
        })
    }
}

impl FromRequestParts<AppState> for MaybeVisitor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        visitor_of(parts, state).map(MaybeVisitor)
    }
}

/// The shopper's signed identity, when a valid one came; a bad one is logged, counted and
/// ignored (the shopper stays anonymous).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity(pub Option<VerifiedIdentity>);

impl FromRequestParts<AppState> for Identity {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(header) = parts.headers.get(IDENTITY_HEADER) else {
            return Ok(Identity(None));
        };
        let jwt = header.to_str().unwrap_or("");
        match state.tokens.verify_identity(jwt, state.now()) {
            Ok(identity) => Ok(Identity(Some(identity))),
            Err(rejected) => {
                tracing::warn!(reason = rejected.reason(), "identity token ignored");
                crate::metrics::identity_rejected(rejected.reason());
                Ok(Identity(None))
            }
        }
    }
}

/// A JSON object body. Not JSON, not an object, or too large → a problem+json answer.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonObject(pub Map<String, Value>);

impl FromRequest<AppState> for JsonObject {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, ApiError> {
        // JSON only: `text/plain` would let any site post here without a CORS preflight.
        read_json_object(
            request,
            state,
            &["application/json"],
            "Send the body as application/json.",
        )
        .await
    }
}

/// Reads a JSON object body sent with one of the `accepted` media types.
pub(crate) async fn read_json_object(
    request: Request,
    state: &AppState,
    accepted: &[&str],
    hint: &'static str,
) -> Result<JsonObject, ApiError> {
    let media_type = request
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase());
    if !media_type.is_some_and(|m| accepted.contains(&m.as_str())) {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            hint,
        ));
    }
    let bytes = read_body(request, state).await?;
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(map)) => Ok(JsonObject(map)),
        Ok(_) => Err(ApiError::invalid(vec![FieldError {
            field: "body".into(),
            message: "must be a JSON object".into(),
        }])),
        Err(error) => Err(ApiError::invalid(vec![FieldError {
            field: "body".into(),
            message: format!("is not valid JSON ({error})"),
        }])),
    }
}

/// The raw body, within the route's size limit (413 `body_too_large` beyond it).
pub(crate) async fn read_body(request: Request, state: &AppState) -> Result<Bytes, ApiError> {
    Bytes::from_request(request, state)
        .await
        .map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                crate::error::body_too_large()
            } else {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "bad_body",
                    "The request body could not be read.",
                )
            }
        })
}

impl JsonObject {
    /// A text field that must be a string if present, at most `max` characters.
    pub fn text(&self, name: &str, max: usize, errors: &mut Vec<FieldError>) -> Option<String> {
        match self.0.get(name) {
            None | Some(Value::Null) => None,
            Some(Value::String(text)) if text.chars().count() <= max => Some(text.clone()),
            Some(Value::String(_)) => {
                errors.push(FieldError {
                    field: name.into(),
                    message: format!("must be at most {max} characters"),
                });
                None
            }
            Some(_) => {
                errors.push(FieldError {
                    field: name.into(),
                    message: "must be text".into(),
                });
                None
            }
        }
    }

    /// Rejects fields other than `known`.
    pub fn only(&self, known: &[&str], errors: &mut Vec<FieldError>) {
        for key in self.0.keys() {
            if !known.contains(&key.as_str()) {
                errors.push(FieldError {
                    field: key.clone(),
                    message: "is not a known field".into(),
                });
            }
        }
    }
}

/// 422 when `errors` is not empty.
pub fn check(errors: Vec<FieldError>) -> Result<(), ApiError> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::invalid(errors))
    }
}
