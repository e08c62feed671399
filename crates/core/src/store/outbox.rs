//! The webhook outbox (infrastructure): deliveries written with the ticket they announce,
//! sent later with retries.

use super::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// A webhook delivery that is due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxItem {
    pub id: String,
    pub ticket_ref: String,
    pub payload: String,
    pub attempts: i32,
}

/// Working the outbox.
#[async_trait]
pub trait WebhookOutbox: Send + Sync {
    /// Webhook deliveries due at `now`, oldest first.
    async fn due_webhooks(&self, now: DateTime<Utc>, limit: u32) -> StoreResult<Vec<OutboxItem>>;
    /// Marks a delivery done.
    async fn webhook_delivered(&self, id: &str, at: DateTime<Utc>) -> StoreResult<()>;
    /// Records a failed attempt and when to try again (`None`: give up).
    async fn webhook_failed(
        &self,
        id: &str,
        attempts: i32,
        retry_at: Option<DateTime<Utc>>,
        error: &str,
    ) -> StoreResult<()>;
}

/// Queuing a delivery inside the transaction that writes what it announces.
#[async_trait]
pub trait OutboxWrites {
    /// Queues `payload` about ticket `ticket_ref`, due at `at`.
    async fn queue_webhook(
        &mut self,
        ticket_ref: &str,
        payload: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
}
