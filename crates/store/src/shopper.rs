//! The shortlist and satisfaction scores.

use crate::db::Query;
use crate::{SqlStore, SqlTransaction};
use aurora_core::store::{CsatWrites, ShortlistStore, StoreResult};
use chrono::{DateTime, Utc};

#[async_trait::async_trait]
impl ShortlistStore for SqlStore {
    async fn shortlist(&self, visitor_id: &str) -> StoreResult<Vec<String>> {
        let query = Query::new(
            "SELECT product_id FROM shortlist WHERE visitor_id = $1 \
             ORDER BY added_at, product_id",
        )
        .bind(visitor_id);
        let rows: Vec<(String,)> = self.db.fetch_all(query).await?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    async fn shortlist_add(
        &self,
        visitor_id: &str,
        product_id: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let added = self
            .db
            .execute(
                Query::new(
                    "INSERT INTO shortlist (visitor_id, product_id, added_at) \
                     VALUES ($1, $2, $3) ON CONFLICT (visitor_id, product_id) DO NOTHING",
                )
                .bind(visitor_id)
                .bind(product_id)
                .bind(at),
            )
            .await?;
        Ok(added == 1)
    }

    async fn shortlist_remove(&self, visitor_id: &str, product_id: &str) -> StoreResult<bool> {
        let removed = self
            .db
            .execute(
                Query::new("DELETE FROM shortlist WHERE visitor_id = $1 AND product_id = $2")
                    .bind(visitor_id)
                    .bind(product_id),
            )
            .await?;
        Ok(removed == 1)
    }
}

#[async_trait::async_trait]
impl CsatWrites for SqlTransaction {
    async fn record_csat(
        &mut self,
        conversation_id: &str,
        score: i32,
        comment: Option<&str>,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let recorded = self
            .tx
            .conn()
            .execute(
                Query::new(
                    "INSERT INTO csat (conversation_id, score, comment, at) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT (conversation_id) DO NOTHING",
                )
                .bind(conversation_id)
                .bind(score)
                .bind(comment)
                .bind(at),
            )
            .await?;
        Ok(recorded == 1)
    }
}
