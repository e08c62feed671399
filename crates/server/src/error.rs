//! The one error type of the HTTP layer, sent as RFC 9457 `application/problem+json`.

use aurora_core::services::ServiceError;
use aurora_core::store::StoreError;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// One invalid field of a request body, for 422 responses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// An error answer: status, a stable machine-readable `code`, and a human `detail`.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    detail: String,
    errors: Vec<FieldError>,
    headers: Vec<(&'static str, HeaderValue)>,
}

/// An error answer (RFC 9457 problem details), sent as `application/problem+json`.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Problem<'a> {
    /// Always `about:blank`: `code` says what went wrong.
    #[serde(rename = "type")]
    kind: &'static str,
    /// The HTTP status text.
    title: &'a str,
    status: u16,
    /// Stable and machine-readable, e.g. `validation_failed`, `rate_limited`, `not_found`.
    code: &'a str,
    /// For people; safe to show to a shopper.
    detail: &'a str,
    /// With `validation_failed`: every invalid field and why.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [FieldError],
}

impl ApiError {
    /// An error with its status, stable code and shopper-safe detail.
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            detail: detail.into(),
            errors: Vec::new(),
            headers: Vec::new(),
        }
    }

    /// Adds a response header (e.g. `Retry-After`).
    pub fn with_header(mut self, name: &'static str, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }

    /// 401 `unauthorized`.
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", detail)
    }

    /// 409 with a stable code.
    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, detail)
    }

    /// 404 `not_found`.
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", detail)
    }

    /// 422 `validation_failed`, listing every invalid field.
    pub fn invalid(errors: Vec<FieldError>) -> Self {
        ApiError {
            errors,
            ..Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                "Some fields are invalid.",
            )
        }
    }

    /// 500 `internal`: the cause goes to the log (with the request's span), never to the client.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(%cause, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Something went wrong on our side. Please try again.",
        )
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// What went wrong, for people.
    pub fn detail(&self) -> &str {
        &self.detail
    }

    /// The invalid fields of a 422.
    pub fn field_errors(&self) -> &[FieldError] {
        &self.errors
    }

    /// The headers it is sent with (e.g. `Retry-After`).
    pub fn headers(&self) -> &[(&'static str, HeaderValue)] {
        &self.headers
    }

    /// The stable code.
    pub fn code(&self) -> &'static str {
        self.code
    }
}

/// 413 `body_too_large`.
pub(crate) fn body_too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "body_too_large",
        "The request body is too large.",
    )
}

impl From<ServiceError> for ApiError {
    fn from(error: ServiceError) -> Self {
        match error {
            ServiceError::NotFound(detail) => ApiError::not_found(detail),
            ServiceError::Invalid(problems) => ApiError::invalid(
                problems
                    .into_iter()
                    .map(|p| FieldError {
                        field: p.field,
                        message: p.message,
                    })
                    .collect(),
            ),
            ServiceError::Conflict(code, detail) => ApiError::conflict(code, detail),
            ServiceError::Forbidden(scope) => ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                format!("Your role or token does not allow this (it needs {scope})."),
            ),
            ServiceError::Store(error) => ApiError::from(error),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Unavailable(cause) => {
                crate::metrics::db_error();
                tracing::error!(%cause, "database unavailable");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "database_unavailable",
                    "The service cannot reach its database right now. Please try again shortly.",
                )
            }
            StoreError::Other(cause) => {
                crate::metrics::db_error();
                ApiError::internal(StoreError::Other(cause))
            }
            conflict @ StoreError::Conflict(_) => ApiError::internal(conflict),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let title = self.status.canonical_reason().unwrap_or("Error");
        let problem = Problem {
            kind: "about:blank",
            title,
            status: self.status.as_u16(),
            code: self.code,
            detail: &self.detail,
            errors: &self.errors,
        };
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut response = (self.status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        for (name, value) in self.headers {
            headers.insert(name, value);
        }
        response
    }
}
