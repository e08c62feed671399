//! The integration inbox: deliveries written before they are answered, claimed under a lease
//! and processed by whichever instance claims them.

use crate::SqlStore;
use crate::db::{Conn, Query};
use aurora_core::store::{ClaimedDelivery, Delivery, Inbox, InboxCounts, StoreResult};
use chrono::{DateTime, Utc};

#[derive(sqlx::FromRow)]
struct DeliveryRow {
    id: String,
    source: String,
    delivery_id: String,
    topic: String,
    body: String,
    received_at: DateTime<Utc>,
    attempts: i32,
}

const DUE: &str = "processed_at IS NULL AND next_attempt_at <= $1 \
                   AND (claimed_until IS NULL OR claimed_until < $1)";

#[async_trait::async_trait]
impl Inbox for SqlStore {
    async fn receive(&self, delivery: &Delivery) -> StoreResult<bool> {
        let _turn = self.writes.enter().await;
        let inserted = self
            .db
            .execute(
                Query::new(
                    "INSERT INTO integration_inbox (id, source, delivery_id, topic, body, \
                     received_at, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $6) \
                     ON CONFLICT (source, delivery_id) DO NOTHING",
                )
                .bind(delivery.id.as_str())
                .bind(delivery.source.as_str())
                .bind(delivery.delivery_id.as_str())
                .bind(delivery.topic.as_str())
                .bind(delivery.body.as_str())
                .bind(delivery.received_at),
            )
            .await?;
        Ok(inserted == 1)
    }

    async fn claim_deliveries(
        &self,
        now: DateTime<Utc>,
        lease: chrono::Duration,
        limit: u32,
    ) -> StoreResult<Vec<ClaimedDelivery>> {
        let _turn = self.writes.enter().await;
        let mut pooled = self.db.acquire().await?;
        let mut conn = pooled.conn();
        // PostgreSQL: rows another instance is claiming are skipped, not waited for. SQLite has
        // one writer at a time, so the UPDATE alone is atomic.
        let lock = match conn {
            Conn::Postgres(_) => " FOR UPDATE SKIP LOCKED",
            Conn::Sqlite(_) => "",
        };
        let query = Query::new(format!(
            "UPDATE integration_inbox SET claimed_until = $2, attempts = attempts + 1 \
             WHERE id IN (\
             SELECT id FROM integration_inbox WHERE {DUE} \
             ORDER BY received_at, id LIMIT $3{lock}) \
             RETURNING id, source, delivery_id, topic, body, received_at, attempts"
        ))
        .bind(now)
        .bind(now + lease)
        .bind(i64::from(limit));
        let mut rows: Vec<DeliveryRow> = conn.fetch_all(query).await?;
        // RETURNING gives no order: process them in the order they came.
        rows.sort_by(|a, b| (a.received_at, &a.id).cmp(&(b.received_at, &b.id)));
        Ok(rows
            .into_iter()
            .map(|row| ClaimedDelivery {
                attempts: row.attempts,
                delivery: Delivery {
                    id: row.id,
                    source: row.source,
                    delivery_id: row.delivery_id,
                    topic: row.topic,
                    body: row.body,
                    received_at: row.received_at,
                },
            })
            .collect())
    }

    async fn deliveries_processed(
        &self,
        done: &[(String, Option<String>)],
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        if done.is_empty() {
            return Ok(());
        }
        let _turn = self.writes.enter().await;
        let mut tx = self.db.begin().await?;
        let mut conn = tx.conn();
        // Most succeed: one statement for them, one per failure.
        let succeeded: Vec<&str> = (done.iter())
            .filter(|(_, failure)| failure.is_none())
            .map(|(id, _)| id.as_str())
            .collect();
        if !succeeded.is_empty() {
            let mut query = Query::new(
                "UPDATE integration_inbox SET processed_at = $1, claimed_until = NULL WHERE id IN ",
            )
            .once()
            .bind(at);
            query.push_list(succeeded);
            conn.execute(query).await?;
        }
        for (id, failure) in done.iter().filter(|(_, failure)| failure.is_some()) {
            conn.execute(
                Query::new(
                    "UPDATE integration_inbox SET processed_at = $1, failure = $2, \
                     claimed_until = NULL WHERE id = $3",
                )
                .bind(at)
                .bind(failure.as_deref())
                .bind(id.as_str()),
            )
            .await?;
        }
        tx.commit().await
    }

    async fn delivery_retry(&self, id: &str, at: DateTime<Utc>, error: &str) -> StoreResult<()> {
        let _turn = self.writes.enter().await;
        self.db
            .execute(
                Query::new(
                    "UPDATE integration_inbox SET next_attempt_at = $1, last_error = $2, \
                     claimed_until = NULL WHERE id = $3",
                )
                .bind(at)
                .bind(error)
                .bind(id),
            )
            .await?;
        Ok(())
    }

    async fn inbox_counts(&self) -> StoreResult<InboxCounts> {
        let pending = self
            .db
            .count(Query::new(
                "SELECT COUNT(*) FROM integration_inbox WHERE processed_at IS NULL",
            ))
            .await?;
        let failed = self
            .db
            .count(Query::new(
                "SELECT COUNT(*) FROM integration_inbox WHERE failure IS NOT NULL",
            ))
            .await?;
        Ok(InboxCounts { pending, failed })
    }

    async fn purge_deliveries(&self, before: DateTime<Utc>) -> StoreResult<u64> {
        let _turn = self.writes.enter().await;
        self.db
            .execute(
                Query::new("DELETE FROM integration_inbox WHERE processed_at < $1").bind(before),
            )
            .await
    }
}
