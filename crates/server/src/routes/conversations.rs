//! Conversations: start, send a message or a button, read the history, end.

use crate::error::Problem;
use crate::extract::{Identity, JsonObject, MaybeVisitor, Visitor, check};
use crate::idempotency::{Keyed, json, respond};
use crate::{ApiError, AppState};
use aurora_core::concierge::Input;
use aurora_core::concierge::blocks::{Block, SCHEMA_VERSION};
use aurora_core::conversations::{Message, Role};
use aurora_core::services::conversations::{self, Replied};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::value::RawValue;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Longest message a shopper may send.
pub const MESSAGE_MAX_CHARS: usize = 2000;
/// Longest action (a button's or quick link's) a shopper may send.
pub const ACTION_MAX_CHARS: usize = 200;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(start))
        .routes(routes!(history))
        .routes(routes!(message))
        .routes(routes!(end))
}

/// A new conversation: its id and the welcome blocks.
#[derive(Serialize, ToSchema)]
struct Started {
    conversation_id: String,
    schema_version: u32,
    blocks: Vec<Block>,
    /// For a caller without a visitor token, or whose token was signed with a key the store
    /// has since rotated: send it as `X-Aurora-Visitor` from now on.
    #[serde(skip_serializing_if = "Option::is_none")]
    visitor_token: Option<String>,
}

/// The concierge's answer: blocks to append to the conversation, in order.
#[derive(Serialize, ToSchema)]
pub(crate) struct Reply {
    pub schema_version: u32,
    #[schema(value_type = Vec<Block>)]
    pub blocks: Box<RawValue>,
}

impl Reply {
    /// An answer that is not stored.
    pub fn new(blocks: &[Block]) -> Self {
        Reply {
            schema_version: SCHEMA_VERSION,
            blocks: aurora_core::concierge::blocks::to_json(blocks),
        }
    }

    /// The answer of a stored reply: its blocks as they were written, not serialized again.
    pub fn stored(blocks: Box<RawValue>) -> Self {
        Reply {
            schema_version: SCHEMA_VERSION,
            blocks,
        }
    }
}

/// Whether a conversation still takes messages.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
enum Status {
    Open,
    Ended,
}

/// A conversation so far, for a reload to resume it.
#[derive(Serialize, ToSchema)]
struct History {
    conversation_id: String,
    schema_version: u32,
    status: Status,
    started_at: DateTime<Utc>,
    messages: Vec<HistoryMessage>,
}

/// One message of the history.
#[derive(Serialize, ToSchema)]
struct HistoryMessage {
    role: Role,
    /// What the shopper typed (a button shows as `[action]`); null for the concierge.
    text: Option<String>,
    /// The concierge's blocks; empty for the shopper.
    #[schema(value_type = Vec<Block>)]
    blocks: Box<RawValue>,
    at: DateTime<Utc>,
}

/// Starting takes nothing yet; the body must be `{}`.
#[derive(ToSchema)]
#[allow(dead_code)] // Describes the body: an object without fields.
struct StartRequest {}

/// A message: either text the shopper typed or the action of a button they pressed.
#[derive(ToSchema)]
#[allow(dead_code)] // Describes the body; it is read field by field to report every bad field.
struct MessageRequest {
    /// What the shopper typed.
    #[schema(max_length = 2000)]
    text: Option<String>,
    /// A quick link's or button's action, e.g. `category:rings`.
    #[schema(max_length = 200)]
    action: Option<String>,
}

/// Starts a conversation with a welcome and quick links; a caller without a visitor token gets
/// one.
#[utoipa::path(post, path = "/api/support/conversations", tag = "conversations",
    security((), ("visitor" = [])),
    request_body(content = StartRequest, description = "An empty JSON object, sent as \
        `application/json`: that content type makes a browser ask first (CORS preflight), so \
        no other site's page can start conversations in a shopper's name."),
    responses(
        (status = 201, description = "Started.", body = Started),
        (status = 401, description = "A visitor token was sent but is not valid.", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The concierge is switched off (`concierge_disabled`).", body = Problem, content_type = "application/problem+json"),
    ))]
async fn start(
    State(state): State<AppState>,
    MaybeVisitor(visitor): MaybeVisitor,
    headers: HeaderMap,
    body: JsonObject,
) -> Result<(StatusCode, Json<Started>), ApiError> {
    let mut errors = Vec::new();
    body.only(&[], &mut errors);
    check(errors)?;
    crate::flags::require_enabled(&state)?;
    let (visitor_id, issued) = match visitor {
        Some(id) => {
            let renewed = headers
                .get(crate::extract::VISITOR_HEADER)
                .and_then(|v| v.to_str().ok())
                .and_then(|token| state.tokens.renewed_visitor_token(token));
            (id, renewed)
        }
        None => {
            let (id, token) = state.tokens.new_visitor();
            (id, Some(token))
        }
    };
    let id = uuid::Uuid::new_v4().to_string();
    let started = conversations::start(
        &state.concierge,
        state.store.as_ref(),
        id,
        visitor_id,
        state.now(),
    )
    .await?;
    crate::metrics::conversation_started(&state);
    Ok((
        StatusCode::CREATED,
        Json(Started {
            conversation_id: started.conversation.id,
            schema_version: SCHEMA_VERSION,
            blocks: started.blocks,
            visitor_token: issued,
        }),
    ))
}

/// The visitor's conversation so far.
#[utoipa::path(get, path = "/api/support/conversations/{id}", tag = "conversations",
    security(("visitor" = [])),
    params(("id" = String, Path, description = "The conversation id.")),
    responses(
        (status = 200, description = "The history.", body = History),
        (status = 404, description = "No such conversation, or another visitor's.", body = Problem, content_type = "application/problem+json"),
    ))]
async fn history(
    State(state): State<AppState>,
    Visitor(visitor): Visitor,
    Path(id): Path<String>,
) -> Result<Json<History>, ApiError> {
    let index = state.index();
    let history = conversations::history(&state.turn(&index, &visitor, &None), &id).await?;
    Ok(Json(History {
        conversation_id: history.conversation.id,
        schema_version: SCHEMA_VERSION,
        status: if history.ended {
            Status::Ended
        } else {
            Status::Open
        },
        started_at: history.conversation.started_at,
        messages: history
            .messages
            .into_iter()
            .map(HistoryMessage::from)
            .collect(),
    }))
}

impl From<Message> for HistoryMessage {
    fn from(m: Message) -> Self {
        HistoryMessage {
            role: m.role,
            text: if m.role == Role::Shopper {
                m.text
            } else {
                None
            },
            blocks: m.blocks,
            at: m.at,
        }
    }
}

/// Sends text or a button's action; answers with the concierge's reply.
#[utoipa::path(post, path = "/api/support/conversations/{id}/messages", tag = "conversations",
    security(("visitor" = [])),
    params(
        ("id" = String, Path, description = "The conversation id."),
        ("X-Aurora-Identity" = Option<String>, Header, description = "The store's signed shopper (HS256 JWT with `email`, `exp`); a bad one is ignored."),
    ),
    request_body(content = MessageRequest, description = "Exactly one of `text` and `action`."),
    responses(
        (status = 200, description = "The reply.", body = Reply),
        (status = 404, description = "No such conversation, or another visitor's.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The conversation has ended (`conversation_ended`), or the same Idempotency-Key is still being answered.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid body or unknown action; every invalid field is listed.", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The concierge is switched off (`concierge_disabled`).", body = Problem, content_type = "application/problem+json"),
    ))]
async fn message(
    State(state): State<AppState>,
    Visitor(visitor): Visitor,
    Identity(identity): Identity,
    Path(id): Path<String>,
    keyed: Keyed,
    body: JsonObject,
) -> Result<Response, ApiError> {
    crate::flags::require_enabled(&state)?;
    let input = input(&body)?;
    let index = state.index();
    let turn = state.turn(&index, &visitor, &identity);
    let write = |replied: &Replied| json(StatusCode::OK, &Reply::stored(replied.blocks.clone()));
    let answering = keyed.answering(&write);
    let replied =
        conversations::reply(&state.concierge, &turn, &id, &input, answering.as_ref()).await?;
    crate::metrics::message(
        &state,
        &crate::metrics::Answered {
            intent: replied.intent.map_or("action", |i| i.as_str()),
            products_shown: replied.products_shown,
            first: replied.first,
            found_nothing: replied.intent == Some(aurora_nlu::Intent::FindProduct)
                && replied.products_shown == 0,
        },
    );
    if let Some(knowledge) = replied.knowledge {
        crate::metrics::knowledge(knowledge);
    }
    Ok(respond(write(&replied)))
}

/// A message's body: exactly one of a non-empty `text` and an `action`.
fn input(body: &JsonObject) -> Result<Input, ApiError> {
    let mut errors = Vec::new();
    body.only(&["text", "action"], &mut errors);
    let text = body.text("text", MESSAGE_MAX_CHARS, &mut errors);
    let action = body.text("action", ACTION_MAX_CHARS, &mut errors);
    let input = match (text, action) {
        (Some(text), None) if !text.trim().is_empty() => Some(Input::Text(text)),
        (None, Some(action)) if !action.is_empty() => Some(Input::Action(action)),
        _ => None,
    };
    if input.is_none() && errors.is_empty() {
        errors.push(crate::FieldError {
            field: "text".into(),
            message: "send either a non-empty text or an action".into(),
        });
    }
    check(errors)?;
    input.ok_or_else(|| ApiError::internal("input checked above"))
}

/// Ends a conversation (the widget's "End chat"); with two or more replies and no ticket, asks
/// for a rating. Ending an ended conversation answers the same and changes nothing.
#[utoipa::path(post, path = "/api/support/conversations/{id}/end", tag = "conversations",
    security(("visitor" = [])),
    params(("id" = String, Path, description = "The conversation id.")),
    responses(
        (status = 200, description = "Ended.", body = Reply),
        (status = 404, description = "No such conversation, or another visitor's.", body = Problem, content_type = "application/problem+json"),
    ))]
async fn end(
    State(state): State<AppState>,
    Visitor(visitor): Visitor,
    Path(id): Path<String>,
) -> Result<Json<Reply>, ApiError> {
    let index = state.index();
    let ended = conversations::end(&state.turn(&index, &visitor, &None), &id).await?;
    if ended.newly_ended {
        crate::metrics::conversation_ended(&state, ended.had_ticket);
    }
    Ok(Json(Reply::stored(ended.blocks)))
}
