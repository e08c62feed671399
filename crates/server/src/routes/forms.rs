//! The forms' endpoints: order lookup, return or resize, stylist request, CSAT. Each answers
//! with the blocks to append to the conversation, and records them in it.

use super::conversations::owned;
use crate::client_ip::ClientIp;
use crate::extract::{Identity, JsonObject, Visitor};
use crate::{ApiError, AppState, FieldError};
use aurora_core::concierge::blocks::{Block, SCHEMA_VERSION};
use aurora_core::concierge::{
    LookupOutcome, SubmitError, TicketReceipt, Turn, blocks_text, lookup_order, submit_csat,
    submit_return, submit_stylist,
};
use aurora_core::conversations::{Message, Role};
use aurora_core::tickets::TicketKind;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{Value, json};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/support/orders/lookup", post(order_lookup))
        .route("/api/support/returns", post(returns))
        .route("/api/support/stylist", post(stylist))
        .route("/api/support/csat", post(csat))
}

impl From<SubmitError> for ApiError {
    fn from(error: SubmitError) -> Self {
        match error {
            SubmitError::Invalid(problems) => ApiError::invalid(
                problems
                    .into_iter()
                    .map(|p| FieldError {
                        field: p.field,
                        message: p.message,
                    })
                    .collect(),
            ),
            SubmitError::Conflict(code, detail) => ApiError::conflict(code, detail),
            SubmitError::Store(error) => ApiError::from(error),
        }
    }
}

/// The conversation a form belongs to, when it names one: it must be the caller's.
async fn conversation_of(
    state: &AppState,
    body: &JsonObject,
    visitor: &str,
) -> Result<Option<String>, ApiError> {
    match body.0.get("conversation_id") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(id)) => Ok(Some(owned(state, id, visitor).await?.id)),
        Some(_) => Err(ApiError::invalid(vec![FieldError {
            field: "conversation_id".into(),
            message: "must be text".into(),
        }])),
    }
}

/// Appends "[form submitted]" and the answer to the conversation, so a reload shows them.
async fn record(
    state: &AppState,
    conversation: Option<&str>,
    what: &str,
    blocks: &[Block],
) -> Result<(), ApiError> {
    let Some(id) = conversation else {
        return Ok(());
    };
    let now = state.now();
    let Some(current) = state.store.conversation(id).await? else {
        return Ok(());
    };
    // An ended conversation stays ended: the answer goes back to the widget only.
    if current.is_ended(now) {
        return Ok(());
    }
    let messages = [
        Message {
            role: Role::Shopper,
            text: Some(format!("[{what}]")),
            blocks: json!([]),
            at: now,
        },
        Message {
            role: Role::Concierge,
            text: Some(blocks_text(blocks)),
            blocks: serde_json::to_value(blocks).unwrap_or_default(),
            at: now,
        },
    ];
    state
        .store
        .append_messages(id, &messages, &current.state, 1, now)
        .await?;
    Ok(())
}

fn turn<'a>(
    state: &'a AppState,
    index: &'a aurora_core::catalog::search::SearchIndex,
    visitor: &'a str,
    identity: &'a Identity,
) -> Turn<'a> {
    Turn {
        store: state.store.as_ref(),
        index,
        visitor_id: visitor,
        identity_email: identity.0.as_ref().map(|i| i.email.as_str()),
        identity_name: identity.0.as_ref().and_then(|i| i.name.as_deref()),
        now: state.now(),
    }
}

async fn order_lookup(
    State(state): State<AppState>,
    Visitor(visitor): Visitor,
    ClientIp(ip): ClientIp,
    identity: Identity,
    body: JsonObject,
) -> Result<Json<Value>, ApiError> {
    let conversation = conversation_of(&state, &body, &visitor).await?;
    // Keyed by the number as the lookup reads it, so "# gg-104233" counts for "GG-104233".
    let typed = body
        .0
        .get("order_number")
        .and_then(Value::as_str)
        .unwrap_or("");
    let number = state
        .concierge
        .understander()
        .parse_order_number(typed)
        .unwrap_or_else(|| typed.trim().to_string());
    state.limits.order_lookup(ip, &visitor, &number)?;
    let index = state.index();
    let outcome = lookup_order(
        &state.concierge,
        &turn(&state, &index, &visitor, &identity),
        &body.0,
    )
    .await?;
    let (found, blocks) = match outcome {
        LookupOutcome::Found(blocks) => (true, blocks),
        LookupOutcome::NotFound(blocks) => (false, blocks),
    };
    record(&state, conversation.as_deref(), "order lookup", &blocks).await?;
    Ok(Json(
        json!({ "schema_version": SCHEMA_VERSION, "found": found, "blocks": blocks }),
    ))
}

/// `RT-482193`: a prefix and six random digits.
fn reference(kind: TicketKind) -> String {
    format!(
        "{}-{}",
        kind.prefix(),
        rand::random_range(100_000..1_000_000)
    )
}

async fn returns(
    State(state): State<AppState>,
    Visitor(visitor): Visitor,
    identity: Identity,
    body: JsonObject,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let conversation = conversation_of(&state, &body, &visitor).await?;
    let index = state.index();
    let outcome = submit_return(
        &state.concierge,
        &turn(&state, &index, &visitor, &identity),
        conversation.as_deref(),
        &body.0,
        &reference,
    )
    .await?;
    match outcome {
        Ok(receipt) => {
            ticket_created(
                &state,
                conversation.as_deref(),
                "return or resize request",
                receipt,
            )
            .await
        }
        Err(blocks) => {
            record(
                &state,
                conversation.as_deref(),
                "return or resize request",
                &blocks,
            )
            .await?;
            Ok((
                StatusCode::OK,
                Json(
                    json!({ "schema_version": SCHEMA_VERSION, "reference": null, "blocks": blocks }),
                ),
            ))
        }
    }
}

/// Counts a new ticket, records its confirmation in the conversation, answers 201.
async fn ticket_created(
    state: &AppState,
    conversation: Option<&str>,
    what: &str,
    receipt: TicketReceipt,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    crate::metrics::ticket(receipt.ticket.kind.as_str());
    record(state, conversation, what, &receipt.blocks).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "schema_version": SCHEMA_VERSION,
            "reference": receipt.ticket.reference,
            "blocks": receipt.blocks,
        })),
    ))
}

async fn stylist(
    State(state): State<AppState>,
    Visitor(visitor): Visitor,
    identity: Identity,
    body: JsonObject,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let conversation = conversation_of(&state, &body, &visitor).await?;
    let index = state.index();
    let receipt = submit_stylist(
        &state.concierge,
        &turn(&state, &index, &visitor, &identity),
        conversation.as_deref(),
        &body.0,
        &reference,
    )
    .await?;
    ticket_created(&state, conversation.as_deref(), "stylist request", receipt).await
}

async fn csat(
    State(state): State<AppState>,
    Visitor(visitor): Visitor,
    identity: Identity,
    body: JsonObject,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let Some(conversation) = conversation_of(&state, &body, &visitor).await? else {
        return Err(ApiError::invalid(vec![FieldError {
            field: "conversation_id".into(),
            message: "is required".into(),
        }]));
    };
    let index = state.index();
    let blocks = submit_csat(
        &turn(&state, &index, &visitor, &identity),
        &conversation,
        &body.0,
    )
    .await?;
    let score = body
        .0
        .get("score")
        .and_then(|v| {
            v.as_str()
                .and_then(|s| s.parse().ok())
                .or(v.as_i64().and_then(|n| i32::try_from(n).ok()))
        })
        .unwrap_or(0);
    crate::metrics::csat(score);
    Ok((
        StatusCode::CREATED,
        Json(json!({ "schema_version": SCHEMA_VERSION, "blocks": blocks })),
    ))
}
