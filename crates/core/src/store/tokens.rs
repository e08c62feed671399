//! API tokens: stored by the hash of their secret, never the secret.

use super::StoreResult;
use crate::tokens::ApiToken;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// API tokens.
#[async_trait]
pub trait TokenStore: Send + Sync {
    /// Stores a new token under the hash of its secret.
    async fn insert_token(&self, token: &ApiToken, secret_hash: &str) -> StoreResult<()>;
    /// The token whose secret has this hash, revoked or not.
    async fn token_by_hash(&self, secret_hash: &str) -> StoreResult<Option<ApiToken>>;
    /// Every token, newest first.
    async fn tokens(&self) -> StoreResult<Vec<ApiToken>>;
    /// Revokes a token; `false` when there is none with this id or it was revoked already.
    async fn revoke_token(&self, id: &str, at: DateTime<Utc>) -> StoreResult<bool>;
    /// Records that a token was used (at most about once a minute matters).
    async fn token_used(&self, id: &str, at: DateTime<Utc>) -> StoreResult<()>;
}
