//! Stored settings.

use crate::SqlStore;
use crate::db::Query;
use aurora_core::store::{SettingStore, StoreResult};

const SELECT: &str = "SELECT value FROM settings WHERE key = $1";

#[async_trait::async_trait]
impl SettingStore for SqlStore {
    async fn setting(&self, key: &str) -> StoreResult<Option<String>> {
        let row: Option<(String,)> = self.db.fetch_optional(Query::new(SELECT).bind(key)).await?;
        Ok(row.map(|(value,)| value))
    }

    async fn setting_or_insert(&self, key: &str, value: &str) -> StoreResult<String> {
        let mut pooled = self.db.acquire().await?;
        let mut conn = pooled.conn();
        conn.execute(
            Query::new(
                "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
            )
            .bind(key)
            .bind(value),
        )
        .await?;
        let (stored,): (String,) = conn.fetch_one(Query::new(SELECT).bind(key)).await?;
        Ok(stored)
    }
}
