//! Idempotency keys: claimed for a lease before a request runs, answered by the claim's holder.

use crate::db::Query;
use crate::{SqlStore, SqlTransaction};
use aurora_core::store::{
    ClaimedKey, IdempotencyClaim, IdempotencyStore, IdempotencyWrites, KeyAnswer, StoreError,
    StoreResult,
};
use chrono::{DateTime, Utc};

#[derive(sqlx::FromRow)]
struct KeyRow {
    request_hash: String,
    status: Option<i32>,
    response: Option<String>,
    locked_until: Option<DateTime<Utc>>,
}

#[async_trait::async_trait]
impl IdempotencyStore for SqlStore {
    async fn claim_idempotency_key(
        &self,
        key: &ClaimedKey,
        hash: &str,
        now: DateTime<Utc>,
        locked_until: DateTime<Utc>,
        expired_before: DateTime<Utc>,
    ) -> StoreResult<IdempotencyClaim> {
        let mut pooled = self.db.acquire().await?;
        let mut conn = pooled.conn();
        let inserted = conn
            .execute(
                Query::new(
                    "INSERT INTO idempotency_keys (scope, route, key, request_hash, created_at, \
                     token, locked_until) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                     ON CONFLICT (scope, route, key) DO NOTHING",
                )
                .bind(&key.scope)
                .bind(&key.route)
                .bind(&key.key)
                .bind(hash)
                .bind(now)
                .bind(&key.token)
                .bind(locked_until),
            )
            .await?;
        if inserted == 1 {
            return Ok(IdempotencyClaim::New);
        }
        // Exactly one claimant takes over an expired key, or the same request whose holder has
        // not answered within its lease (it crashed, or is too slow to be waited for).
        let taken_over = conn
            .execute(
                Query::new(
                    "UPDATE idempotency_keys SET request_hash = $1, created_at = $2, token = $3, \
                     locked_until = $4, status = NULL, response = NULL \
                     WHERE scope = $5 AND route = $6 AND key = $7 AND (created_at < $8 \
                     OR (status IS NULL AND request_hash = $1 \
                         AND (locked_until IS NULL OR locked_until <= $2)))",
                )
                .bind(hash)
                .bind(now)
                .bind(&key.token)
                .bind(locked_until)
                .bind(&key.scope)
                .bind(&key.route)
                .bind(&key.key)
                .bind(expired_before),
            )
            .await?;
        if taken_over == 1 {
            return Ok(IdempotencyClaim::New);
        }
        let row: Option<KeyRow> = conn
            .fetch_optional(
                Query::new(
                    "SELECT request_hash, status, response, locked_until FROM idempotency_keys \
                     WHERE scope = $1 AND route = $2 AND key = $3",
                )
                .bind(&key.scope)
                .bind(&key.route)
                .bind(&key.key),
            )
            .await?;
        let Some(row) = row else {
            // Released between our insert and this read: someone else is retrying.
            return Ok(IdempotencyClaim::InProgress { until: now });
        };
        Ok(match (row.request_hash == hash, row.status, row.response) {
            (false, _, _) => IdempotencyClaim::Mismatch,
            (true, Some(status), Some(response)) => IdempotencyClaim::Done {
                status: u16::try_from(status).unwrap_or(200),
                response,
            },
            _ => IdempotencyClaim::InProgress {
                until: row.locked_until.unwrap_or(now),
            },
        })
    }

    async fn release_idempotency_key(&self, key: &ClaimedKey) -> StoreResult<()> {
        self.db
            .execute(
                Query::new(
                    "DELETE FROM idempotency_keys WHERE scope = $1 AND route = $2 AND key = $3 \
                     AND token = $4 AND status IS NULL",
                )
                .bind(&key.scope)
                .bind(&key.route)
                .bind(&key.key)
                .bind(&key.token),
            )
            .await?;
        Ok(())
    }
}

/// Appends the statement that records `answer` when its claim is still the caller's (it
/// changes one row, or none): a statement of its own, so that a batch of writes can carry it.
pub(crate) fn push_complete<'q>(sql: &mut Query<'q>, answer: &'q KeyAnswer) {
    sql.push("UPDATE idempotency_keys SET status = ")
        .push_bind(i32::from(answer.status))
        .push(", response = ")
        .push_bind(answer.response.as_str())
        .push(" WHERE scope = ")
        .push_bind(answer.key.scope.as_str())
        .push(" AND route = ")
        .push_bind(answer.key.route.as_str())
        .push(" AND key = ")
        .push_bind(answer.key.key.as_str())
        .push(" AND token = ")
        .push_bind(answer.key.token.as_str())
        .push(" AND status IS NULL");
}

/// The error when a claim is no longer the caller's.
pub(crate) fn taken_over() -> StoreError {
    StoreError::Conflict(
        "the Idempotency-Key was taken over by a retry, or answered: this request's effect is \
         not kept"
            .to_string(),
    )
}

#[async_trait::async_trait]
impl IdempotencyWrites for SqlTransaction {
    async fn complete_idempotency_key(&mut self, answer: &KeyAnswer) -> StoreResult<()> {
        let mut sql = Query::default();
        push_complete(&mut sql, answer);
        match self.tx.conn().execute(sql).await? {
            1 => Ok(()),
            _ => Err(taken_over()),
        }
    }
}
