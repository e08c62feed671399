//! Idempotency keys (infrastructure): a retried request gets the answer of the first.

use super::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// Where an idempotency key stands when a request claims it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdempotencyClaim {
    /// Nobody used the key (or it expired): the caller runs the request, then records it.
    New,
    /// The same key is being processed by another request right now.
    InProgress,
    /// The key was used with a different request body.
    Mismatch,
    /// The key was used with this body and answered: replay the answer.
    Done { status: u16, response: String },
}

/// Claiming and releasing keys.
#[async_trait]
pub trait IdempotencyStore: Send + Sync {
    /// Claims an idempotency key for a request with body hash `hash`. Keys created before
    /// `expired_before` count as unused.
    async fn claim_idempotency_key(
        &self,
        scope: &str,
        route: &str,
        key: &str,
        hash: &str,
        now: DateTime<Utc>,
        expired_before: DateTime<Utc>,
    ) -> StoreResult<IdempotencyClaim>;
    /// Forgets a claimed key whose request failed, so a retry runs again.
    async fn release_idempotency_key(&self, scope: &str, route: &str, key: &str)
    -> StoreResult<()>;
}

/// Recording a key's answer, inside the transaction that made the effect where there is one.
#[async_trait]
pub trait IdempotencyWrites {
    /// Records the answer to a claimed key.
    async fn complete_idempotency_key(
        &mut self,
        scope: &str,
        route: &str,
        key: &str,
        status: u16,
        response: &str,
    ) -> StoreResult<()>;
}
