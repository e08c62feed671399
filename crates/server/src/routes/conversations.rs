//! Conversations: start, send a message or a button, read the history, end.

use crate::extract::{Identity, JsonObject, MaybeVisitor, Visitor, check};
use crate::{ApiError, AppState};
use aurora_core::concierge::blocks::{Block, SCHEMA_VERSION};
use aurora_core::concierge::{ConversationState, Input, Turn, blocks_text};
use aurora_core::conversations::{Conversation, Message, Role};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};

/// Longest message a shopper may send.
pub const MESSAGE_MAX_CHARS: usize = 2000;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/support/conversations", post(start))
        .route("/api/support/conversations/{id}", get(history))
        .route("/api/support/conversations/{id}/messages", post(message))
        .route("/api/support/conversations/{id}/end", post(end))
}

fn concierge_message(blocks: &[Block], at: chrono::DateTime<chrono::Utc>) -> Message {
    Message {
        role: Role::Concierge,
        text: Some(blocks_text(blocks)),
        blocks: serde_json::to_value(blocks).unwrap_or_default(),
        at,
    }
}

/// Starts a conversation; a caller without a visitor token gets one.
async fn start(
    State(state): State<AppState>,
    MaybeVisitor(visitor): MaybeVisitor,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    crate::flags::require_enabled(&state)?;
    let (visitor_id, issued) = match visitor {
        Some(id) => (id, None),
        None => {
            let (id, token) = state.tokens.new_visitor();
            (id, Some(token))
        }
    };
    let now = state.now();
    let blocks = state.concierge.welcome();
    let conversation = Conversation {
        id: uuid::Uuid::new_v4().to_string(),
        visitor_id,
        started_at: now,
        last_activity_at: now,
        ended_at: None,
        replies: 0,
        has_ticket: false,
        state: ConversationState::default().to_json(),
    };
    state
        .store
        .create_conversation(&conversation, &[concierge_message(&blocks, now)])
        .await?;
    let mut body = json!({
        "conversation_id": conversation.id,
        "schema_version": SCHEMA_VERSION,
        "blocks": blocks,
    });
    if let Some(token) = issued {
        body["visitor_token"] = Value::String(token);
    }
    Ok((StatusCode::CREATED, Json(body)))
}

/// The visitor's own conversation; anyone else's looks like no conversation at all.
pub(crate) async fn owned(
    state: &AppState,
    id: &str,
    visitor: &str,
) -> Result<Conversation, ApiError> {
    match state.store.conversation(id).await? {
        Some(conversation) if conversation.visitor_id == visitor => Ok(conversation),
        _ => Err(ApiError::not_found("There is no such conversation.")),
    }
}

async fn history(
    State(state): State<AppState>,
    Visitor(visitor): Visitor,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let conversation = owned(&state, &id, &visitor).await?;
    let messages = state.store.messages(&id).await?;
    let ended = conversation.is_ended(state.now());
    Ok(Json(json!({
        "conversation_id": conversation.id,
        "schema_version": SCHEMA_VERSION,
        "status": if ended { "ended" } else { "open" },
        "started_at": conversation.started_at,
        "messages": messages.iter().map(|m| json!({
            "role": m.role,
            "text": if m.role == Role::Shopper { m.text.clone() } else { None },
            "blocks": m.blocks,
            "at": m.at,
        })).collect::<Vec<_>>(),
    })))
}

async fn message(
    State(state): State<AppState>,
    Visitor(visitor): Visitor,
    Identity(identity): Identity,
    Path(id): Path<String>,
    body: JsonObject,
) -> Result<Json<Value>, ApiError> {
    crate::flags::require_enabled(&state)?;
    let mut errors = Vec::new();
    body.only(&["text", "action"], &mut errors);
    let text = body.text("text", MESSAGE_MAX_CHARS, &mut errors);
    let action = body.text("action", 200, &mut errors);
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
    let Some(input) = input else {
        return Err(ApiError::internal("input checked above"));
    };
    let conversation = owned(&state, &id, &visitor).await?;
    let now = state.now();
    if conversation.is_ended(now) {
        return Err(ApiError::conflict(
            "conversation_ended",
            "This conversation has ended. Start a new one to continue.",
        ));
    }
    let mut memory = ConversationState::from_json(&conversation.state);
    let index = state.index();
    let turn = Turn {
        store: state.store.as_ref(),
        index: &index,
        visitor_id: &visitor,
        identity_email: identity.as_ref().map(|i| i.email.as_str()),
        identity_name: identity.as_ref().and_then(|i| i.name.as_deref()),
        now,
    };
    let reply = match state.concierge.reply(&turn, &mut memory, &input).await? {
        Ok(reply) => reply,
        Err(unknown) => {
            return Err(ApiError::invalid(vec![crate::FieldError {
                field: "action".into(),
                message: unknown.to_string(),
            }]));
        }
    };
    let said = match &input {
        Input::Text(text) => text.clone(),
        Input::Action(action) => format!("[{action}]"),
    };
    let exchange = [
        Message {
            role: Role::Shopper,
            text: Some(said),
            blocks: json!([]),
            at: now,
        },
        concierge_message(&reply.blocks, now),
    ];
    state
        .store
        .append_messages(&id, &exchange, &memory.to_json(), 1, now)
        .await?;
    crate::metrics::message(
        reply.intent.map_or("action", |i| i.as_str()),
        reply.products_shown,
    );
    Ok(Json(
        json!({ "schema_version": SCHEMA_VERSION, "blocks": reply.blocks }),
    ))
}

/// Ends a conversation (the widget's "End chat"); with two or more replies, asks for a rating.
async fn end(
    State(state): State<AppState>,
    Visitor(visitor): Visitor,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let conversation = owned(&state, &id, &visitor).await?;
    let now = state.now();
    let newly_ended = state.store.end_conversation(&id, now).await?;
    if newly_ended {
        crate::metrics::conversation_ended(conversation.has_ticket);
    }
    let mut blocks = vec![aurora_core::concierge::blocks::text(
        "Thanks for stopping by! The conversation has ended.",
    )];
    if newly_ended && conversation.replies >= 2 && !conversation.has_ticket {
        blocks.push(Block::CsatPrompt {
            question: "How did I do? Rate this conversation from 1 to 5.".into(),
        });
    }
    if newly_ended {
        let memory = conversation.state.clone();
        state
            .store
            .append_messages(&id, &[concierge_message(&blocks, now)], &memory, 0, now)
            .await?;
    }
    Ok(Json(
        json!({ "schema_version": SCHEMA_VERSION, "blocks": blocks }),
    ))
}
