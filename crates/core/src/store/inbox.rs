//! The integration inbox (infrastructure): every webhook a platform sends is written here
//! before it is answered, then processed from here, so that a slow or failed step never loses
//! a delivery and a redelivery is recognised by its id.

use super::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// A delivery as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// Our id for it.
    pub id: String,
    /// Who sent it (`shopify`).
    pub source: String,
    /// The sender's id for it (`X-Shopify-Webhook-Id`): the same id is stored once.
    pub delivery_id: String,
    /// What it is about (`orders/create`).
    pub topic: String,
    /// The raw body, as signed.
    pub body: String,
    pub received_at: DateTime<Utc>,
}

/// A delivery claimed for processing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedDelivery {
    pub delivery: Delivery,
    /// This attempt's number (1 the first time): counted when it is claimed, so a delivery
    /// whose processing never ends (a crash, every time) still runs out of attempts.
    pub attempts: i32,
}

/// Received deliveries waiting and done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct InboxCounts {
    /// Not processed yet (including those waiting for a retry).
    pub pending: u64,
    /// Given up after their last attempt.
    pub failed: u64,
}

/// The inbox.
#[async_trait]
pub trait Inbox: Send + Sync {
    /// Stores a delivery; `false` when one with the same source and delivery id is stored
    /// already (a redelivery), which changes nothing.
    async fn receive(&self, delivery: &Delivery) -> StoreResult<bool>;
    /// Claims up to `limit` deliveries due at `now`, oldest first, for `lease`: another
    /// processor (another instance) skips them until the lease ends. Each claim counts as an
    /// attempt.
    async fn claim_deliveries(
        &self,
        now: DateTime<Utc>,
        lease: chrono::Duration,
        limit: u32,
    ) -> StoreResult<Vec<ClaimedDelivery>>;
    /// Marks deliveries processed, each with why it was set aside, if it was: `(id, failure)`.
    async fn deliveries_processed(
        &self,
        done: &[(String, Option<String>)],
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Records why an attempt failed and when to try again.
    async fn delivery_retry(&self, id: &str, at: DateTime<Utc>, error: &str) -> StoreResult<()>;
    /// Deliveries pending and given up.
    async fn inbox_counts(&self) -> StoreResult<InboxCounts>;
    /// Forgets deliveries processed before `before` (a redelivery after that is processed
    /// again; platforms stop retrying within hours).
    async fn purge_deliveries(&self, before: DateTime<Utc>) -> StoreResult<u64>;
}
