//! The knowledge file: one row, replaced by each import.

use crate::SqlStore;
use crate::db::Query;
use aurora_core::knowledge::StoredKnowledge;
use aurora_core::store::{KnowledgeStore, StoreResult};
use chrono::{DateTime, Utc};

#[async_trait::async_trait]
impl KnowledgeStore for SqlStore {
    async fn save_knowledge(&self, text: &str, at: DateTime<Utc>) -> StoreResult<i64> {
        let (version,): (i64,) = self
            .db
            .acquire()
            .await?
            .conn()
            .fetch_one(
                Query::new(
                    "INSERT INTO knowledge (id, version, text, imported_at) VALUES (1, 1, $1, $2) \
                     ON CONFLICT (id) DO UPDATE SET version = knowledge.version + 1, \
                     text = excluded.text, imported_at = excluded.imported_at \
                     RETURNING version",
                )
                .bind(text)
                .bind(at),
            )
            .await?;
        Ok(version)
    }

    async fn knowledge_version(&self) -> StoreResult<i64> {
        let row: Option<(i64,)> = self
            .db
            .fetch_optional(Query::new("SELECT version FROM knowledge WHERE id = 1"))
            .await?;
        Ok(row.map_or(0, |(version,)| version))
    }

    async fn knowledge(&self) -> StoreResult<StoredKnowledge> {
        let row: Option<(i64, String)> = self
            .db
            .fetch_optional(Query::new(
                "SELECT version, text FROM knowledge WHERE id = 1",
            ))
            .await?;
        Ok(
            row.map_or_else(StoredKnowledge::default, |(version, text)| {
                StoredKnowledge { version, text }
            }),
        )
    }
}
