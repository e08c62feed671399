//! Conversations, their messages, and the counts the metrics report.

use super::StoreResult;
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
    /// Appends messages, saves the new state and activity time, adds `replies`, in one
    /// transaction.
    async fn append_messages(
        &self,
        id: &str,
        messages: Vec<Message>,
        state: &ConversationState,
        replies: i32,
        at: DateTime<Utc>,
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
