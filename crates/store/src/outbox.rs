//! The webhook outbox: rows written with their ticket, worked by the delivery task.

use crate::db::Query;
use crate::{SqlStore, SqlTransaction};
use aurora_core::store::{OutboxItem, OutboxWrites, StoreResult, WebhookOutbox};
use chrono::{DateTime, Utc};

#[derive(sqlx::FromRow)]
struct ItemRow {
    id: String,
    ticket_ref: String,
    payload: String,
    attempts: i32,
}

#[async_trait::async_trait]
impl WebhookOutbox for SqlStore {
    async fn due_webhooks(&self, now: DateTime<Utc>, limit: u32) -> StoreResult<Vec<OutboxItem>> {
        let query = Query::new(
            "SELECT id, ticket_ref, payload, attempts FROM webhook_outbox \
             WHERE delivered_at IS NULL AND next_attempt_at IS NOT NULL \
             AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $2",
        )
        .bind(now)
        .bind(i64::from(limit));
        let rows: Vec<ItemRow> = self.db.fetch_all(query).await?;
        Ok(rows
            .into_iter()
            .map(|row| OutboxItem {
                id: row.id,
                ticket_ref: row.ticket_ref,
                payload: row.payload,
                attempts: row.attempts,
            })
            .collect())
    }

    async fn webhook_delivered(&self, id: &str, at: DateTime<Utc>) -> StoreResult<()> {
        self.db
            .execute(
                Query::new(
                    "UPDATE webhook_outbox SET delivered_at = $1, attempts = attempts + 1 \
                     WHERE id = $2",
                )
                .bind(at)
                .bind(id),
            )
            .await?;
        Ok(())
    }

    async fn webhook_failed(
        &self,
        id: &str,
        attempts: i32,
        retry_at: Option<DateTime<Utc>>,
        error: &str,
    ) -> StoreResult<()> {
        self.db
            .execute(
                Query::new(
                    "UPDATE webhook_outbox SET attempts = $1, next_attempt_at = $2, \
                     last_error = $3 WHERE id = $4",
                )
                .bind(attempts)
                .bind(retry_at)
                .bind(error)
                .bind(id),
            )
            .await?;
        Ok(())
    }
}

#[async_trait::async_trait]
impl OutboxWrites for SqlTransaction {
    async fn queue_webhook(
        &mut self,
        ticket_ref: &str,
        payload: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.tx
            .conn()
            .execute(
                Query::new(
                    "INSERT INTO webhook_outbox (id, ticket_ref, payload, next_attempt_at) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(format!("{ticket_ref}-webhook"))
                .bind(ticket_ref)
                .bind(payload)
                .bind(at),
            )
            .await?;
        Ok(())
    }
}
