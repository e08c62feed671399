//! What a shopper keeps: the shortlist, and satisfaction scores.

use super::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// A visitor's shortlisted products.
#[async_trait]
pub trait ShortlistStore: Send + Sync {
    /// A visitor's shortlisted product ids, oldest first.
    async fn shortlist(&self, visitor_id: &str) -> StoreResult<Vec<String>>;
    /// Adds a product; `false` when it was already there.
    async fn shortlist_add(
        &self,
        visitor_id: &str,
        product_id: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Removes a product; `false` when it was not there.
    async fn shortlist_remove(&self, visitor_id: &str, product_id: &str) -> StoreResult<bool>;
}

/// Satisfaction scores, recorded with the rating's answer in one transaction.
#[async_trait]
pub trait CsatWrites {
    /// Records a satisfaction score; `false` when the conversation already has one.
    async fn record_csat(
        &mut self,
        conversation_id: &str,
        score: i32,
        comment: Option<&str>,
        at: DateTime<Utc>,
    ) -> StoreResult<bool>;
}
