//! SQL for the metrics: open and ended conversations, and the sweep that ends idle ones.
//! Instantiated per backend by `sql_metrics!` as a module `conversation_metrics`.

/// Defines `mod conversation_metrics` for `$db`.
macro_rules! sql_metrics {
    ($db:ty) => {
        mod conversation_metrics {
            use aurora_core::store::{ConversationCounts, StoreResult};
            use chrono::{DateTime, Duration, Utc};
            use sqlx::Row;
            use $crate::errors::store_error;

            type Pool = sqlx::Pool<$db>;

            /// Conversations ended per sweep query; the sweep loops until none are left.
            const SWEEP_BATCH: i64 = 500;

            fn count(row: &<$db as sqlx::Database>::Row, column: &str) -> StoreResult<u64> {
                let n: i64 = row.try_get(column).map_err(store_error)?;
                Ok(u64::try_from(n).unwrap_or(0))
            }

            pub async fn counts(
                pool: &Pool,
                now: DateTime<Utc>,
                idle_after: Duration,
                ended_since: DateTime<Utc>,
            ) -> StoreResult<ConversationCounts> {
                let active_since = now - idle_after;
                // An idle conversation ends `idle_after` after its last activity.
                let idle_ended_since = ended_since - idle_after;
                let row = sqlx::query(
                    "SELECT \
                     COALESCE(SUM(CASE WHEN ended_at IS NULL AND last_activity_at >= $1 \
                       THEN 1 ELSE 0 END), 0) AS open, \
                     COALESCE(SUM(CASE WHEN (ended_at >= $2 OR (ended_at IS NULL \
                       AND last_activity_at < $1 AND last_activity_at >= $3)) AND has_ticket \
                       THEN 1 ELSE 0 END), 0) AS with_ticket, \
                     COALESCE(SUM(CASE WHEN (ended_at >= $2 OR (ended_at IS NULL \
                       AND last_activity_at < $1 AND last_activity_at >= $3)) AND NOT has_ticket \
                       THEN 1 ELSE 0 END), 0) AS without_ticket \
                     FROM conversations \
                     WHERE ended_at >= $2 OR (ended_at IS NULL AND last_activity_at >= $4)",
                )
                .bind(active_since)
                .bind(ended_since)
                .bind(idle_ended_since)
                .bind(active_since.min(idle_ended_since))
                .fetch_one(pool)
                .await
                .map_err(store_error)?;
                Ok(ConversationCounts {
                    open: count(&row, "open")?,
                    ended_with_ticket: count(&row, "with_ticket")?,
                    ended_without_ticket: count(&row, "without_ticket")?,
                })
            }

            pub async fn end_idle(
                pool: &Pool,
                now: DateTime<Utc>,
                idle_after: Duration,
            ) -> StoreResult<Vec<bool>> {
                let mut ended = Vec::new();
                loop {
                    let rows = sqlx::query(
                        "SELECT id, last_activity_at, has_ticket FROM conversations \
                         WHERE ended_at IS NULL AND last_activity_at < $1 \
                         ORDER BY last_activity_at LIMIT $2",
                    )
                    .bind(now - idle_after)
                    .bind(SWEEP_BATCH)
                    .fetch_all(pool)
                    .await
                    .map_err(store_error)?;
                    let batch = rows.len();
                    for row in rows {
                        let id: String = row.try_get("id").map_err(store_error)?;
                        let last: DateTime<Utc> =
                            row.try_get("last_activity_at").map_err(store_error)?;
                        let has_ticket: bool = row.try_get("has_ticket").map_err(store_error)?;
                        // Only one instance (or one /end) wins each conversation.
                        let done = sqlx::query(
                            "UPDATE conversations SET ended_at = $1 \
                             WHERE id = $2 AND ended_at IS NULL",
                        )
                        .bind(last + idle_after)
                        .bind(&id)
                        .execute(pool)
                        .await
                        .map_err(store_error)?;
                        if done.rows_affected() == 1 {
                            ended.push(has_ticket);
                        }
                    }
                    if i64::try_from(batch).unwrap_or(i64::MAX) < SWEEP_BATCH {
                        return Ok(ended);
                    }
                }
            }
        }
    };
}
