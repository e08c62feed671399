//! The flag over HTTP in the OpenFeature Remote Evaluation Protocol (OFREP) shape, so any
//! OpenFeature SDK (and the widget's loader) can read it.

use crate::extract::JsonObject;
use crate::{ApiError, AppState};
use aurora_core::flags::{Evaluation, FLAG_KEY, MissingTargetingKey, evaluate};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/ofrep/v1/evaluate/flags/{key}", post(one))
        .route("/ofrep/v1/evaluate/flags", post(bulk))
}

/// OFREP's error body.
fn ofrep_error(status: StatusCode, key: Option<&str>, code: &str, details: &str) -> Response {
    let mut body = json!({ "errorCode": code, "errorDetails": details });
    if let Some(key) = key {
        body["key"] = Value::String(key.to_string());
    }
    (status, Json(body)).into_response()
}

/// A context that is not an object of strings (OFREP's `INVALID_CONTEXT`).
struct InvalidContext(String);

impl InvalidContext {
    fn response(self) -> Response {
        ofrep_error(StatusCode::BAD_REQUEST, None, "INVALID_CONTEXT", &self.0)
    }
}

/// The context: a targeting key (the bucketing id) and an optional identity token, whose email
/// counts only when its signature is valid.
fn evaluate_context(
    state: &AppState,
    body: &JsonObject,
) -> Result<Result<Evaluation, MissingTargetingKey>, InvalidContext> {
    let context = match body.0.get("context") {
        None => serde_json::Map::new(),
        Some(Value::Object(context)) => context.clone(),
        Some(_) => return Err(InvalidContext("context must be an object".into())),
    };
    let text = |name: &str| -> Result<Option<String>, InvalidContext> {
        match context.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.len() <= 4096 => Ok(Some(s.clone())),
            Some(_) => Err(InvalidContext(format!("{name} must be a string"))),
        }
    };
    let targeting_key = text("targetingKey")?;
    let email = match text("identityToken")? {
        Some(jwt) => match state.tokens.verify_identity(&jwt, state.now()) {
            Ok(identity) => Some(identity.email),
            Err(rejected) => {
                tracing::warn!(
                    reason = rejected.reason(),
                    "identity token ignored for flag evaluation"
                );
                crate::metrics::identity_rejected(rejected.reason());
                None
            }
        },
        None => None,
    };
    Ok(evaluate(
        &state.flags.current(),
        email.as_deref(),
        targeting_key.as_deref(),
    ))
}

fn success(evaluation: &Evaluation) -> Value {
    json!({
        "key": FLAG_KEY,
        "value": evaluation.value,
        "reason": evaluation.reason,
        "variant": evaluation.variant(),
        "metadata": {},
    })
}

async fn one(State(state): State<AppState>, Path(key): Path<String>, body: JsonObject) -> Response {
    if key != FLAG_KEY {
        return ofrep_error(
            StatusCode::NOT_FOUND,
            Some(&key),
            "FLAG_NOT_FOUND",
            "no such flag",
        );
    }
    match evaluate_context(&state, &body) {
        Ok(Ok(evaluation)) => Json(success(&evaluation)).into_response(),
        Ok(Err(missing)) => ofrep_error(
            StatusCode::BAD_REQUEST,
            Some(FLAG_KEY),
            "TARGETING_KEY_MISSING",
            &missing.to_string(),
        ),
        Err(invalid) => invalid.response(),
    }
}

/// All flags at once, with an ETag: a client that sends it back in `If-None-Match` gets 304
/// while nothing changed for its context.
async fn bulk(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: JsonObject,
) -> Result<Response, ApiError> {
    let flag = match evaluate_context(&state, &body) {
        Ok(Ok(evaluation)) => success(&evaluation),
        Ok(Err(missing)) => {
            json!({ "key": FLAG_KEY, "errorCode": "TARGETING_KEY_MISSING", "errorDetails": missing.to_string() })
        }
        Err(invalid) => return Ok(invalid.response()),
    };
    let body = json!({ "flags": [flag] });
    let etag = format!(
        "\"{}\"",
        &format!("{:x}", Sha256::digest(body.to_string().as_bytes()))[..32]
    );
    let tag = HeaderValue::from_str(&etag).map_err(ApiError::internal)?;
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut response = if matches {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        Json(body).into_response()
    };
    response.headers_mut().insert(header::ETAG, tag);
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(response)
}
