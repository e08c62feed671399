//! Stored settings (the demo mark, the demo's generated secret key).

use super::StoreResult;
use async_trait::async_trait;

/// Key-value settings kept in the database.
#[async_trait]
pub trait SettingStore: Send + Sync {
    /// A stored setting.
    async fn setting(&self, key: &str) -> StoreResult<Option<String>>;
    /// Stores a setting unless one exists; returns the value now stored (first writer wins).
    async fn setting_or_insert(&self, key: &str, value: &str) -> StoreResult<String>;
}
