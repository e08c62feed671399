//! The flag over HTTP in the OpenFeature Remote Evaluation Protocol (OFREP) shape, so any
//! OpenFeature SDK (and the widget's loader) can read it.

use crate::extract::JsonObject;
use crate::{ApiError, AppState};
use aurora_core::flags::{Evaluation, FLAG_KEY, MissingTargetingKey, Reason, evaluate};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(one))
        .routes(routes!(bulk))
}

/// The evaluation context.
#[derive(ToSchema)]
#[allow(dead_code)] // Describes the body; it is read field by field.
struct EvaluationRequest {
    context: Option<EvaluationContext>,
}

/// Who the flag is evaluated for.
#[derive(ToSchema)]
#[allow(dead_code)] // Describes the body; it is read field by field.
struct EvaluationContext {
    /// The visitor's bucketing id; needed while the rollout is partial.
    #[schema(rename = "targetingKey", max_length = 4096)]
    targeting_key: Option<String>,
    /// The store's signed shopper (HS256 JWT); its email counts only with a valid signature.
    #[schema(rename = "identityToken", max_length = 4096)]
    identity_token: Option<String>,
}

/// A flag's value (OFREP's success).
#[derive(Serialize, ToSchema)]
struct FlagValue {
    /// `concierge-widget`.
    key: &'static str,
    value: bool,
    reason: Reason,
    /// `on` or `off`.
    variant: &'static str,
    #[schema(value_type = Object)]
    metadata: serde_json::Map<String, Value>,
}

/// OFREP's error body.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct FlagError {
    #[serde(skip_serializing_if = "Option::is_none")]
    key: Option<String>,
    /// `FLAG_NOT_FOUND`, `TARGETING_KEY_MISSING` or `INVALID_CONTEXT`.
    error_code: &'static str,
    error_details: String,
}

/// One flag of a bulk evaluation: a value or an error.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
enum BulkFlag {
    Value(FlagValue),
    Error(FlagError),
}

/// Every flag for the context.
#[derive(Serialize, ToSchema)]
struct BulkEvaluation {
    flags: Vec<BulkFlag>,
}

fn ofrep_error(
    status: StatusCode,
    key: Option<&str>,
    code: &'static str,
    details: &str,
) -> Response {
    let body = FlagError {
        key: key.map(str::to_string),
        error_code: code,
        error_details: details.to_string(),
    };
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

fn success(evaluation: &Evaluation) -> FlagValue {
    FlagValue {
        key: FLAG_KEY,
        value: evaluation.value,
        reason: evaluation.reason,
        variant: evaluation.variant(),
        metadata: serde_json::Map::new(),
    }
}

/// Evaluates the widget's flag `concierge-widget` for a visitor.
#[utoipa::path(post, path = "/ofrep/v1/evaluate/flags/{key}", tag = "flags",
    params(("key" = String, Path, description = "`concierge-widget`, the only flag.")),
    request_body = EvaluationRequest,
    responses(
        (status = 200, description = "The value.", body = FlagValue),
        (status = 400, description = "`INVALID_CONTEXT`, or `TARGETING_KEY_MISSING` while the rollout is partial.", body = FlagError),
        (status = 404, description = "`FLAG_NOT_FOUND`.", body = FlagError),
    ))]
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
#[utoipa::path(post, path = "/ofrep/v1/evaluate/flags", tag = "flags",
    params(("If-None-Match" = Option<String>, Header, description = "The ETag of an earlier answer.")),
    request_body = EvaluationRequest,
    responses(
        (status = 200, description = "Every flag, with an `ETag`.", body = BulkEvaluation),
        (status = 304, description = "Nothing changed for this context."),
        (status = 400, description = "`INVALID_CONTEXT`.", body = FlagError),
    ))]
async fn bulk(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: JsonObject,
) -> Result<Response, ApiError> {
    let flag = match evaluate_context(&state, &body) {
        Ok(Ok(evaluation)) => BulkFlag::Value(success(&evaluation)),
        Ok(Err(missing)) => BulkFlag::Error(FlagError {
            key: Some(FLAG_KEY.to_string()),
            error_code: "TARGETING_KEY_MISSING",
            error_details: missing.to_string(),
        }),
        Err(invalid) => return Ok(invalid.response()),
    };
    let body = BulkEvaluation { flags: vec![flag] };
    let serialized = serde_json::to_vec(&body).map_err(ApiError::internal)?;
    let etag = format!(
        "\"{}\"",
        &format!("{:x}", Sha256::digest(&serialized))[..32]
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
