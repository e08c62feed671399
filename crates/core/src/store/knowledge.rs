//! The store's knowledge file, as imported.

use super::StoreResult;
use crate::knowledge::StoredKnowledge;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// One knowledge file per store, versioned so every instance reloads it after an import.
#[async_trait]
pub trait KnowledgeStore: Send + Sync {
    /// Replaces the knowledge file with `text` (already checked); answers its new version.
    async fn save_knowledge(&self, text: &str, at: DateTime<Utc>) -> StoreResult<i64>;
    /// The version of the stored file; 0 when none was imported (cheap: polled).
    async fn knowledge_version(&self) -> StoreResult<i64>;
    /// The stored file; version 0 and no text when none was imported.
    async fn knowledge(&self) -> StoreResult<StoredKnowledge>;
}
