//! Per-minute aggregates and their per-day roll-up (see `aurora_core::store::MetricStore`).

use crate::SqlStore;
use crate::db::Query;
use aurora_core::insight::analytics::{Aggregate, MINUTES_PER_DAY};
use aurora_core::store::{MetricStore, StoreResult};

/// The series of the marker row of a rolled-up day.
const ROLLED: &str = "_rolled";

/// Rows per statement: 5 values a row stay far below every parameter limit.
const CHUNK: usize = 200;

#[derive(sqlx::FromRow)]
struct AggregateRow {
    at: i64,
    series: String,
    label: String,
    value: i64,
}

impl From<AggregateRow> for Aggregate {
    fn from(row: AggregateRow) -> Aggregate {
        Aggregate {
            at: row.at,
            series: row.series,
            label: row.label,
            value: row.value,
        }
    }
}

#[async_trait::async_trait]
impl MetricStore for SqlStore {
    async fn write_minutes(&self, instance: &str, minutes: &[Aggregate]) -> StoreResult<()> {
        if minutes.is_empty() {
            return Ok(());
        }
        let _turn = self.writes.enter().await;
        let mut tx = self.db.begin().await?;
        for chunk in minutes.chunks(CHUNK) {
            let mut upsert =
                Query::new("INSERT INTO metric_minutes (minute, series, label, instance, value) ");
            upsert.push_values(chunk, |a| {
                [
                    a.at.into(),
                    a.series.as_str().into(),
                    a.label.as_str().into(),
                    instance.into(),
                    a.value.into(),
                ]
            });
            upsert.push(
                " ON CONFLICT (minute, series, label, instance) \
                 DO UPDATE SET value = excluded.value",
            );
            tx.conn().execute(upsert).await?;
        }
        tx.commit().await
    }

    async fn sum_minutes(&self, from: i64, to: i64) -> StoreResult<Vec<Aggregate>> {
        let rows: Vec<AggregateRow> = self
            .db
            .fetch_all(
                Query::new(
                    "SELECT CAST($1 AS BIGINT) AS at, series, label, \
                     CAST(SUM(value) AS BIGINT) AS value FROM metric_minutes \
                     WHERE minute >= $1 AND minute < $2 GROUP BY series, label",
                )
                .bind(from)
                .bind(to),
            )
            .await?;
        Ok(rows.into_iter().map(Aggregate::from).collect())
    }

    async fn roll_up_days(&self, from: i64, to: i64) -> StoreResult<()> {
        if to <= from {
            return Ok(());
        }
        let rolled: Vec<(i64,)> = self
            .db
            .fetch_all(
                Query::new(
                    "SELECT day FROM metric_days WHERE series = $1 AND label = '' \
                     AND day >= $2 AND day < $3",
                )
                .bind(ROLLED)
                .bind(from)
                .bind(to),
            )
            .await?;
        for day in from..to {
            if rolled.iter().any(|(d,)| *d == day) {
                continue;
            }
            let _turn = self.writes.enter().await;
            let mut tx = self.db.begin().await?;
            // The marker first: of two instances rolling the same day up, the second finds it
            // and writes nothing.
            let marked = tx
                .conn()
                .execute(
                    Query::new(
                        "INSERT INTO metric_days (day, series, label, value) \
                         VALUES ($1, $2, '', 0) ON CONFLICT (day, series, label) DO NOTHING",
                    )
                    .bind(day)
                    .bind(ROLLED),
                )
                .await?;
            if marked == 1 {
                tx.conn()
                    .execute(
                        Query::new(
                            "INSERT INTO metric_days (day, series, label, value) \
                             SELECT CAST($1 AS BIGINT), series, label, CAST(SUM(value) AS BIGINT) \
                             FROM metric_minutes WHERE minute >= $2 AND minute < $3 \
                             GROUP BY series, label",
                        )
                        .bind(day)
                        .bind(day * MINUTES_PER_DAY)
                        .bind((day + 1) * MINUTES_PER_DAY),
                    )
                    .await?;
            }
            tx.commit().await?;
        }
        Ok(())
    }

    async fn days(&self, from: i64, to: i64) -> StoreResult<Vec<Aggregate>> {
        let rows: Vec<AggregateRow> = self
            .db
            .fetch_all(
                Query::new(
                    "SELECT day AS at, series, label, value FROM metric_days \
                     WHERE day >= $1 AND day < $2 AND series <> $3",
                )
                .bind(from)
                .bind(to)
                .bind(ROLLED),
            )
            .await?;
        Ok(rows.into_iter().map(Aggregate::from).collect())
    }

    async fn purge_minutes(&self, before: i64) -> StoreResult<u64> {
        let _turn = self.writes.enter().await;
        self.db
            .execute(Query::new("DELETE FROM metric_minutes WHERE minute < $1").bind(before))
            .await
    }
}
