//! What the domain needs from storage. `aurora-store` implements it for SQLite and PostgreSQL.

use crate::catalog::Product;
use crate::orders::Order;
use async_trait::async_trait;

/// Why a storage call failed. Never turned into "not found" by callers.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database cannot be reached or did not answer in time.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// A write conflicts with what is stored (e.g. a duplicate key).
    #[error("conflict: {0}")]
    Conflict(String),
    /// Any other database failure; the text is for logs, never for shoppers.
    #[error("database error: {0}")]
    Other(String),
}

/// Result of a storage call.
pub type StoreResult<T> = Result<T, StoreError>;

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

/// A catalog import in progress: one transaction. Dropping it without `commit` writes nothing.
#[async_trait]
pub trait CatalogImport: Send {
    /// Inserts or updates a batch of products inside the import's transaction.
    async fn write(&mut self, products: &[Product]) -> StoreResult<()>;
    /// Commits every batch at once and bumps the catalog version.
    async fn commit(self: Box<Self>) -> StoreResult<ImportSummary>;
}

/// Storage for everything the concierge keeps. One implementation per database backend; both
/// pass the same contract tests.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Checks that the database answers.
    async fn ping(&self) -> StoreResult<()>;

    /// A number that changes whenever the catalog changes (cheap to poll).
    async fn catalog_version(&self) -> StoreResult<i64>;
    /// Starts an all-or-nothing catalog import.
    async fn begin_import(&self) -> StoreResult<Box<dyn CatalogImport>>;
    /// Every product, ordered by id.
    async fn all_products(&self) -> StoreResult<Vec<Product>>;
    /// One product by id.
    async fn product(&self, id: &str) -> StoreResult<Option<Product>>;
    /// How many products the catalog holds.
    async fn product_count(&self) -> StoreResult<u64>;

    /// Stores a new order with its items and timeline; `Conflict` if the number exists.
    async fn insert_order(&self, order: &Order) -> StoreResult<()>;
    /// One order by its normalised number.
    async fn order(&self, number: &str) -> StoreResult<Option<Order>>;
    /// How many orders are stored.
    async fn order_count(&self) -> StoreResult<u64>;

    /// A stored setting (e.g. the demo's generated secret key).
    async fn setting(&self, key: &str) -> StoreResult<Option<String>>;
    /// Stores a setting unless one exists; returns the value now stored (first writer wins).
    async fn setting_or_insert(&self, key: &str, value: &str) -> StoreResult<String>;
}
