//! `POST /api/support/events`: the widget reports its loads, opens and closes in batches
//! (`navigator.sendBeacon` sends them as `text/plain`). No visitor token, nothing stored but
//! the counters: only the event types are accepted, so no personal data can come in.

use crate::error::FieldError;
use crate::extract::{JsonObject, check, read_json_object};
use crate::metrics::WidgetEvent;
use crate::{ApiError, AppState};
use axum::Router;
use axum::extract::{FromRequest, Request, State};
use axum::http::StatusCode;
use axum::routing::post;
use serde_json::Value;

/// Most events in one batch.
pub const MAX_EVENTS: usize = 50;

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/api/support/events", post(events))
}

/// A JSON object sent as `application/json` or, by `sendBeacon`, as `text/plain`. Only this
/// route takes `text/plain` (a cross-site form can send it without a preflight): all it can do
/// is add to counters, under the per-IP rate limit.
struct BeaconJson(JsonObject);

impl FromRequest<AppState> for BeaconJson {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, ApiError> {
        read_json_object(
            request,
            state,
            &["application/json", "text/plain"],
            "Send the events as application/json (or text/plain from sendBeacon).",
        )
        .await
        .map(BeaconJson)
    }
}

/// Counts a batch of widget events; all or none (a batch with one bad event is a 422).
async fn events(
    State(state): State<AppState>,
    BeaconJson(body): BeaconJson,
) -> Result<StatusCode, ApiError> {
    let mut errors = Vec::new();
    body.only(&["events"], &mut errors);
    let field = |field: String, message: &str| FieldError {
        field,
        message: message.into(),
    };
    let mut batch = Vec::new();
    match body.0.get("events") {
        Some(Value::Array(events)) if events.len() > MAX_EVENTS => errors.push(field(
            "events".into(),
            &format!("must hold at most {MAX_EVENTS} events"),
        )),
        Some(Value::Array(events)) => {
            for (i, event) in events.iter().enumerate() {
                let Some(event) = event.as_object() else {
                    errors.push(field(format!("events[{i}]"), "must be an object"));
                    continue;
                };
                for key in event.keys().filter(|k| *k != "type") {
                    errors.push(field(format!("events[{i}].{key}"), "is not a known field"));
                }
                match event.get("type").and_then(Value::as_str) {
                    Some("load") => batch.push(WidgetEvent::Load),
                    Some("open") => batch.push(WidgetEvent::Open),
                    Some("close") => batch.push(WidgetEvent::Close),
                    _ => errors.push(field(
                        format!("events[{i}].type"),
                        "must be load, open or close",
                    )),
                }
            }
        }
        _ => errors.push(field("events".into(), "must be a list of events")),
    }
    check(errors)?;
    for event in batch {
        crate::metrics::widget_event(&state, event);
    }
    Ok(StatusCode::ACCEPTED)
}
