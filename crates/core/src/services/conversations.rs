//! Conversations: start, reply, history, end (and when to ask for a rating), the answers of
//! forms recorded in their conversation, and the sweep that ends idle ones.

use super::ServiceError;
use crate::concierge::blocks::{Block, answers, text};
use crate::concierge::forms::Invalid;
use crate::concierge::{Concierge, Input, Turn, answer, csat_prompt};
use crate::conversations::{Conversation, IDLE_TIMEOUT, Message};
use crate::store::{Answering, Appended, ConversationCounts, Store, StoreResult};
use aurora_nlu::Intent;
use chrono::{DateTime, Utc};
use serde_json::value::RawValue;

/// A conversation started: its header and the welcome.
#[derive(Debug, Clone)]
pub struct Started {
    pub conversation: Conversation,
    pub blocks: Vec<Block>,
}

/// A conversation so far.
#[derive(Debug, Clone)]
pub struct History {
    pub conversation: Conversation,
    pub messages: Vec<Message>,
    /// Whether it has ended (explicitly or by being idle).
    pub ended: bool,
}

/// The concierge's stored answer to one message or button.
#[derive(Debug, Clone)]
pub struct Replied {
    /// The answer's blocks, as stored.
    pub blocks: Box<RawValue>,
    /// What the text was understood as (`None` for a button).
    pub intent: Option<Intent>,
    /// How many product cards the answer shows.
    pub products_shown: usize,
    /// Whether it was the shopper's first message or button in the conversation.
    pub first: bool,
    /// Whether the knowledge file was asked, and what came of it.
    pub knowledge: Option<crate::concierge::KnowledgeUse>,
}

/// A conversation ended.
#[derive(Debug, Clone)]
pub struct Ended {
    /// The goodbye's blocks (with the rating prompt when one is due).
    pub blocks: Box<RawValue>,
    /// `false` when it had ended before (nothing changed).
    pub newly_ended: bool,
    /// Whether a ticket came out of it.
    pub had_ticket: bool,
}

/// What one sweep of idle conversations did.
#[derive(Debug, Clone)]
pub struct Swept {
    /// For each conversation it ended, whether it had a ticket.
    pub ended: Vec<bool>,
    /// The counts after the sweep.
    pub counts: ConversationCounts,
}

/// Starts conversation `id` for `visitor_id` with the welcome.
pub async fn start(
    concierge: &Concierge,
    store: &dyn Store,
    id: String,
    visitor_id: String,
    now: DateTime<Utc>,
) -> StoreResult<Started> {
    let blocks = concierge.welcome();
    let conversation = Conversation::new(id, visitor_id, now);
    store
        .create_conversation(&conversation, &[answer(&blocks, now)])
        .await?;
    Ok(Started {
        conversation,
        blocks,
    })
}

/// The turn's visitor's own conversation; anyone else's looks like no conversation at all.
pub async fn owned(turn: &Turn<'_>, id: &str) -> Result<Conversation, ServiceError> {
    match turn.store.conversation(id).await? {
        Some(conversation) if conversation.visitor_id == turn.visitor_id => Ok(conversation),
        _ => Err(ServiceError::NotFound("There is no such conversation.")),
    }
}

/// The visitor's conversation so far.
pub async fn history(turn: &Turn<'_>, id: &str) -> Result<History, ServiceError> {
    let conversation = owned(turn, id).await?;
    let messages = turn.store.messages(id).await?;
    Ok(History {
        ended: conversation.is_ended(turn.now),
        conversation,
        messages,
    })
}

/// Answers a message or button in an open conversation of the visitor's, and stores both with
/// the conversation's new state and the idempotency key's answer, in one transaction.
pub async fn reply(
    concierge: &Concierge,
    turn: &Turn<'_>,
    id: &str,
    input: &Input,
    answering: Option<&Answering<'_, Replied>>,
) -> Result<Replied, ServiceError> {
    let conversation = owned(turn, id).await?;
    let first = conversation.replies == 0;
    if conversation.is_ended(turn.now) {
        return Err(ServiceError::Conflict(
            "conversation_ended",
            "This conversation has ended. Start a new one to continue.".to_string(),
        ));
    }
    let mut memory = conversation.state;
    let reply = concierge
        .reply(turn, &mut memory, input)
        .await?
        .map_err(|unknown| {
            ServiceError::Invalid(vec![Invalid::new("action", unknown.to_string())])
        })?;
    let said = match input {
        Input::Text(text) => text.clone(),
        Input::Action(action) => format!("[{action}]"),
    };
    let answer = answer(&reply.blocks, turn.now);
    let intent = reply.understanding.as_ref().map(|u| u.intent);
    let said = Message::shopper(said, turn.now).understood_as(reply.understanding);
    let replied = Replied {
        blocks: answer.blocks.clone(),
        intent,
        products_shown: reply.products_shown,
        first,
        knowledge: reply.knowledge,
    };
    let key_answer = answering.map(|a| a.answer(&replied));
    let appended =
        Appended::reply(&memory, answers(&reply.blocks), turn.now).answering(key_answer.as_ref());
    turn.store
        .append_messages(id, vec![said, answer], &appended)
        .await
        .map_err(ServiceError::answering)?;
    Ok(replied)
}

/// Ends a conversation of the visitor's; one with two or more replies and no ticket is asked
/// for a rating. Ending it again answers the same and changes nothing.
pub async fn end(turn: &Turn<'_>, id: &str) -> Result<Ended, ServiceError> {
    let conversation = owned(turn, id).await?;
    let newly_ended = turn.store.end_conversation(id, turn.now).await?;
    let mut blocks = vec![text("Thanks for stopping by! The conversation has ended.")];
    if newly_ended && conversation.replies >= 2 && !conversation.has_ticket {
        blocks.push(csat_prompt());
    }
    let answer = answer(&blocks, turn.now);
    let blocks = answer.blocks.clone();
    if newly_ended {
        turn.store
            .append_messages(
                id,
                vec![answer],
                &Appended::after(&conversation.state, turn.now),
            )
            .await?;
    }
    Ok(Ended {
        blocks,
        newly_ended,
        had_ticket: conversation.has_ticket,
    })
}

/// Ends the conversations idle for [`IDLE_TIMEOUT`] (each once, across instances) when
/// `end_idle` (only one instance at a time sweeps), and counts the open ones.
pub async fn sweep_idle(
    store: &dyn Store,
    now: DateTime<Utc>,
    end_idle: bool,
) -> StoreResult<Swept> {
    let ended = if end_idle {
        store.end_idle_conversations(now, IDLE_TIMEOUT).await?
    } else {
        Vec::new()
    };
    let counts = store.conversation_counts(now, IDLE_TIMEOUT, now).await?;
    Ok(Swept { ended, counts })
}
