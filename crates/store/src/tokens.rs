//! API tokens, stored by the hash of their secret.

use crate::SqlStore;
use crate::db::Query;
use aurora_core::store::{StoreError, StoreResult, TokenStore};
use aurora_core::tokens::{ApiToken, Scope};
use chrono::{DateTime, Utc};

const COLUMNS: &str = "id, name, scopes, user_id, created_at, last_used_at, revoked_at";

#[derive(sqlx::FromRow)]
struct TokenRow {
    id: String,
    name: String,
    /// Scope names separated by spaces.
    scopes: String,
    user_id: Option<String>,
    created_at: DateTime<Utc>,
    last_used_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
}

impl TokenRow {
    fn into_token(self) -> StoreResult<ApiToken> {
        let scopes = self
            .scopes
            .split_whitespace()
            .map(|name| name.parse::<Scope>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| StoreError::Other(format!("token {}: {e}", self.id)))?;
        Ok(ApiToken {
            id: self.id,
            name: self.name,
            scopes,
            user_id: self.user_id,
            created_at: self.created_at,
            last_used_at: self.last_used_at,
            revoked_at: self.revoked_at,
        })
    }
}

#[async_trait::async_trait]
impl TokenStore for SqlStore {
    async fn insert_token(&self, token: &ApiToken, secret_hash: &str) -> StoreResult<()> {
        self.db
            .execute(
                Query::new(
                    "INSERT INTO api_tokens (id, name, secret_hash, scopes, user_id, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(token.id.as_str())
                .bind(token.name.as_str())
                .bind(secret_hash)
                .bind(token.scope_names())
                .bind(token.user_id.as_deref())
                .bind(token.created_at),
            )
            .await?;
        Ok(())
    }

    async fn token_by_hash(&self, secret_hash: &str) -> StoreResult<Option<ApiToken>> {
        let query = Query::new(format!(
            "SELECT {COLUMNS} FROM api_tokens WHERE secret_hash = $1"
        ))
        .bind(secret_hash);
        let row: Option<TokenRow> = self.db.fetch_optional(query).await?;
        row.map(TokenRow::into_token).transpose()
    }

    async fn tokens(&self) -> StoreResult<Vec<ApiToken>> {
        let query = Query::new(format!(
            "SELECT {COLUMNS} FROM api_tokens ORDER BY created_at DESC, id"
        ));
        let rows: Vec<TokenRow> = self.db.fetch_all(query).await?;
        rows.into_iter().map(TokenRow::into_token).collect()
    }

    async fn revoke_token(&self, id: &str, at: DateTime<Utc>) -> StoreResult<bool> {
        let revoked = self
            .db
            .execute(
                Query::new(
                    "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
                )
                .bind(at)
                .bind(id),
            )
            .await?;
        Ok(revoked == 1)
    }

    async fn token_used(&self, id: &str, at: DateTime<Utc>) -> StoreResult<()> {
        self.db
            .execute(
                Query::new("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                    .bind(at)
                    .bind(id),
            )
            .await?;
        Ok(())
    }
}
