//! Conversations, their messages, and the counts the metrics report.

use super::{KeyAnswer, StoreResult};
use crate::conversations::{Conversation, ConversationState, Message};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// What [`ConversationStore::conversation_counts`] counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ConversationCounts {
    /// Not ended and active recently.
    pub open: u64,
    /// Ended in the window, with a ticket.
    pub ended_with_ticket: u64,
    /// Ended in the window without a ticket (deflected).
    pub ended_without_ticket: u64,
}

/// What an append changes besides adding messages.
#[derive(Debug, Clone, Copy)]
pub struct Appended<'a> {
    /// The conversation's memory after it.
    pub state: &'a ConversationState,
    /// Replies to the shopper it adds (0 or 1).
    pub replies: i32,
    /// For a reply, whether it answered (see [`Outcome`](crate::conversations::Outcome)).
    pub answered: Option<bool>,
    /// The activity time.
    pub at: DateTime<Utc>,
    /// The idempotency key's answer, recorded with the messages (see
    /// [`IdempotencyWrites`](super::IdempotencyWrites)): when the claim is no longer the
    /// caller's, nothing is appended.
    pub answer: Option<&'a KeyAnswer>,
}

impl<'a> Appended<'a> {
    /// A reply to the shopper, which did or did not answer.
    pub fn reply(state: &'a ConversationState, answered: bool, at: DateTime<Utc>) -> Self {
        Appended {
            state,
            replies: 1,
            answered: Some(answered),
            at,
            answer: None,
        }
    }

    /// Messages that reply to nothing (a goodbye): the last reply stays what it was.
    pub fn after(state: &'a ConversationState, at: DateTime<Utc>) -> Self {
        Appended {
            state,
            replies: 0,
            answered: None,
            at,
            answer: None,
        }
    }

    /// The same, recording `answer` with the messages.
    pub fn answering(self, answer: Option<&'a KeyAnswer>) -> Self {
        Appended { answer, ..self }
    }
}

/// Messages appended inside a transaction of several areas' writes (a form's answer with its
/// ticket or rating).
#[async_trait]
pub trait ConversationWrites {
    /// Appends messages and saves what `appended` changes (its answer included).
    async fn append_messages(
        &mut self,
        id: &str,
        messages: Vec<Message>,
        appended: &Appended<'_>,
    ) -> StoreResult<()>;
}

/// Conversations and messages.
#[async_trait]
pub trait ConversationStore: Send + Sync {
    /// Stores a new conversation with its first messages.
    async fn create_conversation(
        &self,
        conversation: &Conversation,
        messages: &[Message],
    ) -> StoreResult<()>;
    /// One conversation's header.
    async fn conversation(&self, id: &str) -> StoreResult<Option<Conversation>>;
    /// Appends messages and saves what `appended` changes, in one transaction.
    async fn append_messages(
        &self,
        id: &str,
        messages: Vec<Message>,
        appended: &Appended<'_>,
    ) -> StoreResult<()>;
    /// Every message of a conversation, oldest first.
    async fn messages(&self, id: &str) -> StoreResult<Vec<Message>>;
    /// Ends a conversation; `false` when it had already ended.
    async fn end_conversation(&self, id: &str, at: DateTime<Utc>) -> StoreResult<bool>;
    /// Conversations for the metrics: open ones (not ended, active at or after
    /// `now - idle_after`), and those ended at or after `ended_since`, where a conversation idle
    /// for `idle_after` counts as ended `idle_after` after its last activity even when nothing
    /// marked it yet.
    async fn conversation_counts(
        &self,
        now: DateTime<Utc>,
        idle_after: chrono::Duration,
        ended_since: DateTime<Utc>,
    ) -> StoreResult<ConversationCounts>;
    /// Marks conversations idle since before `now - idle_after` as ended `idle_after` after
    /// their last activity; returns, for each one this call ended, whether it had a ticket.
    async fn end_idle_conversations(
        &self,
        now: DateTime<Utc>,
        idle_after: chrono::Duration,
    ) -> StoreResult<Vec<bool>>;
}
