//! What the workspace reads about conversations and ratings.

use super::StoreResult;
use crate::insight::conversations::{ConversationPage, ConversationQuery, ConversationRecord};
use crate::insight::csat::{CsatEntry, CsatQuery, ScoreDay};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// A shopper message the concierge did not understand, or whose reply staff marked.
#[derive(Debug, Clone, PartialEq)]
pub struct NotUnderstood {
    pub conversation_id: String,
    pub text: String,
    pub at: DateTime<Utc>,
    pub misunderstood: bool,
}

/// Conversations and ratings, for staff.
#[async_trait]
pub trait InsightStore: Send + Sync {
    /// A page of conversations, newest first; outcomes are as at `now`.
    async fn search_conversations(
        &self,
        query: &ConversationQuery,
        now: DateTime<Utc>,
    ) -> StoreResult<ConversationPage>;
    /// One conversation with its messages (no explanations yet), tickets and rating.
    async fn conversation_record(&self, id: &str) -> StoreResult<Option<ConversationRecord>>;
    /// Marks (or unmarks) the reply to shopper message `position` as a misunderstanding;
    /// `false` when there is no such shopper message.
    async fn mark_misunderstood(
        &self,
        conversation_id: &str,
        position: i32,
        misunderstood: bool,
    ) -> StoreResult<bool>;
    /// How many ratings the query matches (any page), per day (UTC) and score.
    async fn rating_counts(
        &self,
        query: &CsatQuery,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<ScoreDay>>;
    /// One page of the ratings the query matches, in its order, with whether more follow.
    async fn rating_page(
        &self,
        query: &CsatQuery,
        now: DateTime<Utc>,
    ) -> StoreResult<(Vec<CsatEntry>, bool)>;
    /// Shopper messages from `from` to before `to` understood as `unknown` or marked
    /// misunderstood, newest first, at most `limit`.
    async fn not_understood(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<NotUnderstood>>;
}
