//! Idempotency keys (infrastructure): a retried request gets the answer of the first.
//!
//! A request claims its key for a lease; the answer is recorded by the claim's holder, in the
//! transaction that makes the request's effect where it has one, so a crash leaves either the
//! effect with its answer (a retry replays it) or neither (a retry runs the request again once
//! the lease has run out).

use super::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// A key one request holds: per scope (the visitor, or an IP before there is one) and route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedKey {
    pub scope: String,
    pub route: String,
    pub key: String,
    /// Which claim holds it: a retry that takes an expired claim over gets a new token, and only
    /// the holder's answer is recorded.
    pub token: String,
}

/// The answer to record for a claimed key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyAnswer {
    pub key: ClaimedKey,
    pub status: u16,
    pub response: String,
}

/// How the API writes a request's outcome `T`, for the claimed key it records it under.
pub struct Answering<'a, T> {
    pub key: &'a ClaimedKey,
    pub write: &'a (dyn Fn(&T) -> (u16, String) + Send + Sync),
}

impl<T> Answering<'_, T> {
    /// The answer to record with the effect of `outcome`.
    pub fn answer(&self, outcome: &T) -> KeyAnswer {
        let (status, response) = (self.write)(outcome);
        KeyAnswer {
            key: self.key.clone(),
            status,
            response,
        }
    }
}

/// Where an idempotency key stands when a request claims it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdempotencyClaim {
    /// Nobody used the key, it expired, or the request that held it gave it up or did not
    /// finish within its lease: the caller holds it now, runs the request and records it.
    New,
    /// The same key is being processed by another request, whose lease runs until then.
    InProgress { until: DateTime<Utc> },
    /// The key was used with a different request body.
    Mismatch,
    /// The key was used with this body and answered: replay the answer.
    Done { status: u16, response: String },
}

/// Claiming and releasing keys.
#[async_trait]
pub trait IdempotencyStore: Send + Sync {
    /// Claims `key` (with its new token) for a request with body hash `hash` until
    /// `locked_until`. Keys created before `expired_before` count as unused.
    async fn claim_idempotency_key(
        &self,
        key: &ClaimedKey,
        hash: &str,
        now: DateTime<Utc>,
        locked_until: DateTime<Utc>,
        expired_before: DateTime<Utc>,
    ) -> StoreResult<IdempotencyClaim>;
    /// Forgets a claim that is still the caller's and has no answer (its request failed), so a
    /// retry runs again at once.
    async fn release_idempotency_key(&self, key: &ClaimedKey) -> StoreResult<()>;
}

/// Recording a key's answer, inside the transaction that made the effect where there is one.
#[async_trait]
pub trait IdempotencyWrites {
    /// Records the answer to a claimed key. `Conflict` when the claim is no longer the
    /// caller's (it was taken over after its lease, or answered): the transaction must then
    /// not commit its effect.
    async fn complete_idempotency_key(&mut self, answer: &KeyAnswer) -> StoreResult<()>;
}
