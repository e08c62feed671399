//! `POST /api/support/events`: the widget reports its loads, opens, closes, product details
//! opened and products shortlisted in batches
//! (`navigator.sendBeacon` sends them as `text/plain`). No visitor token, nothing stored but
//! the counters: only the event types are accepted, so no personal data can come in.

use crate::error::{FieldError, Problem};
use crate::extract::{JsonObject, check, read_json_object};
use crate::metrics::WidgetEvent;
use crate::{ApiError, AppState};
use axum::extract::{FromRequest, Request, State};
use axum::http::StatusCode;
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Most events in one batch.
pub const MAX_EVENTS: usize = 50;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(events))
}

/// A batch of widget events.
#[derive(ToSchema)]
#[allow(dead_code)] // Describes the body; it is read field by field to report every bad field.
struct EventBatch {
    #[schema(max_items = 50)]
    events: Vec<EventDoc>,
}

/// One event; nothing but its type is accepted.
#[derive(ToSchema)]
#[schema(as = Event)]
#[allow(dead_code)] // Describes the body; it is read field by field to report every bad field.
struct EventDoc {
    #[schema(rename = "type")]
    kind: EventType,
}

/// What happened.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)] // Describes the body; it is read field by field to report every bad field.
enum EventType {
    Load,
    Open,
    Close,
    /// A product's details opened.
    Details,
    /// A product shortlisted.
    Shortlist,
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

/// Counts a batch of widget events (loads, opens, closes, details opened, shortlists); all or
/// none. Accepts `text/plain`
/// too, for `navigator.sendBeacon`.
#[utoipa::path(post, path = "/api/support/events", tag = "widget",
    request_body(content((EventBatch = "application/json"), (EventBatch = "text/plain"))),
    responses(
        (status = 202, description = "Counted."),
        (status = 422, description = "A bad event: the whole batch is refused, every problem listed.", body = Problem, content_type = "application/problem+json"),
    ))]
async fn events(
    State(state): State<AppState>,
    BeaconJson(body): BeaconJson,
) -> Result<StatusCode, ApiError> {
    for event in batch(&body)? {
        crate::metrics::widget_event(&state, event);
    }
    Ok(StatusCode::ACCEPTED)
}

/// The events of a batch; every problem of a bad one listed.
fn batch(body: &JsonObject) -> Result<Vec<WidgetEvent>, ApiError> {
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
                    Some("details") => batch.push(WidgetEvent::Details),
                    Some("shortlist") => batch.push(WidgetEvent::Shortlist),
                    _ => errors.push(field(
                        format!("events[{i}].type"),
                        "must be load, open, close, details or shortlist",
                    )),
                }
            }
        }
        _ => errors.push(field("events".into(), "must be a list of events")),
    }
    check(errors)?;
    Ok(batch)
}
