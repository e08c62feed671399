//! Idempotency keys: claimed before a request runs, answered after.

use crate::db::Query;
use crate::{SqlStore, SqlTransaction};
use aurora_core::store::{IdempotencyClaim, IdempotencyStore, IdempotencyWrites, StoreResult};
use chrono::{DateTime, Utc};

#[derive(sqlx::FromRow)]
struct KeyRow {
    request_hash: String,
    status: Option<i32>,
    response: Option<String>,
}

#[async_trait::async_trait]
impl IdempotencyStore for SqlStore {
    async fn claim_idempotency_key(
        &self,
        scope: &str,
        route: &str,
        key: &str,
        hash: &str,
        now: DateTime<Utc>,
        expired_before: DateTime<Utc>,
    ) -> StoreResult<IdempotencyClaim> {
        let mut pooled = self.db.acquire().await?;
        let mut conn = pooled.conn();
        let inserted = conn
            .execute(
                Query::new(
                    "INSERT INTO idempotency_keys (scope, route, key, request_hash, created_at) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (scope, route, key) DO NOTHING",
                )
                .bind(scope)
                .bind(route)
                .bind(key)
                .bind(hash)
                .bind(now),
            )
            .await?;
        if inserted == 1 {
            return Ok(IdempotencyClaim::New);
        }
        // An expired key is taken over by exactly one claimant.
        let renewed = conn
            .execute(
                Query::new(
                    "UPDATE idempotency_keys SET request_hash = $1, created_at = $2, \
                     status = NULL, response = NULL \
                     WHERE scope = $3 AND route = $4 AND key = $5 AND created_at < $6",
                )
                .bind(hash)
                .bind(now)
                .bind(scope)
                .bind(route)
                .bind(key)
                .bind(expired_before),
            )
            .await?;
        if renewed == 1 {
            return Ok(IdempotencyClaim::New);
        }
        let row: Option<KeyRow> = conn
            .fetch_optional(
                Query::new(
                    "SELECT request_hash, status, response FROM idempotency_keys \
                     WHERE scope = $1 AND route = $2 AND key = $3",
                )
                .bind(scope)
                .bind(route)
                .bind(key),
            )
            .await?;
        let Some(row) = row else {
            // Released between our insert and this read: someone else is retrying.
            return Ok(IdempotencyClaim::InProgress);
        };
        Ok(match (row.request_hash == hash, row.status, row.response) {
            (false, _, _) => IdempotencyClaim::Mismatch,
            (true, Some(status), Some(response)) => IdempotencyClaim::Done {
                status: u16::try_from(status).unwrap_or(200),
                response,
            },
            _ => IdempotencyClaim::InProgress,
        })
    }

    async fn release_idempotency_key(
        &self,
        scope: &str,
        route: &str,
        key: &str,
    ) -> StoreResult<()> {
        self.db
            .execute(
                Query::new(
                    "DELETE FROM idempotency_keys \
                     WHERE scope = $1 AND route = $2 AND key = $3 AND status IS NULL",
                )
                .bind(scope)
                .bind(route)
                .bind(key),
            )
            .await?;
        Ok(())
    }
}

#[async_trait::async_trait]
impl IdempotencyWrites for SqlTransaction {
    async fn complete_idempotency_key(
        &mut self,
        scope: &str,
        route: &str,
        key: &str,
        status: u16,
        response: &str,
    ) -> StoreResult<()> {
        self.tx
            .conn()
            .execute(
                Query::new(
                    "UPDATE idempotency_keys SET status = $1, response = $2 \
                     WHERE scope = $3 AND route = $4 AND key = $5",
                )
                .bind(i32::from(status))
                .bind(response)
                .bind(scope)
                .bind(route)
                .bind(key),
            )
            .await?;
        Ok(())
    }
}
