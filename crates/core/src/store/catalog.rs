//! The catalog's storage: products and the version that changes with every import.

use super::{BatchImport, StoreResult};
use crate::catalog::Product;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// How many products an import wrote, and the catalog version it made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportSummary {
    /// Products that did not exist before.
    pub created: u64,
    /// Products that existed and were overwritten.
    pub updated: u64,
    /// The catalog version after the import.
    pub version: i64,
}

/// A catalog import in progress: inserts or updates products; its commit bumps the catalog
/// version.
pub type CatalogImport = dyn BatchImport<Product, ImportSummary>;

/// Products.
#[async_trait]
pub trait CatalogStore: Send + Sync {
    /// A number that changes whenever the catalog changes (cheap to poll).
    async fn catalog_version(&self) -> StoreResult<i64>;
    /// Starts an all-or-nothing catalog import.
    async fn begin_import(&self) -> StoreResult<Box<CatalogImport>>;
    /// Every product, ordered by id.
    async fn all_products(&self) -> StoreResult<Vec<Product>>;
    /// One product by id.
    async fn product(&self, id: &str) -> StoreResult<Option<Product>>;
    /// Deletes the product with this platform id and bumps the catalog version; returns its
    /// id, or `None` when no product has it (nothing changes then).
    async fn delete_product_by_platform_id(&self, platform_id: &str)
    -> StoreResult<Option<String>>;
    /// When the platform last changed these products (by platform id), as recorded by
    /// [`Self::record_product_sync`]: the time, and whether it deleted the product.
    async fn product_sync(
        &self,
        platform_ids: &[&str],
    ) -> StoreResult<std::collections::HashMap<String, (DateTime<Utc>, bool)>>;
    /// Records when the platform changed products `(platform id, time, deleted)`; a time older
    /// than the one recorded changes nothing.
    async fn record_product_sync(
        &self,
        changes: &[(String, DateTime<Utc>, bool)],
    ) -> StoreResult<()>;
    /// How many products the catalog holds.
    async fn product_count(&self) -> StoreResult<u64>;
}
