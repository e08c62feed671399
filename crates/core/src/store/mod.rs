//! What the domain needs from storage: one narrow trait per area, and a [`Transaction`] in
//! which the areas' writes compose (a ticket, its webhook and an idempotency answer commit
//! together or not at all). `aurora-store` implements every trait for SQLite and PostgreSQL.

mod catalog;
mod conversations;
mod email;
mod flags;
mod idempotency;
mod inbox;
mod insight;
mod knowledge;
mod leases;
mod limits;
mod metrics;
mod orders;
mod outbox;
mod settings;
mod shopper;
mod staff;
mod tickets;
mod tokens;

pub use catalog::{CatalogImport, CatalogStore, ImportSummary};
pub use conversations::{Appended, ConversationCounts, ConversationStore, ConversationWrites};
pub use email::{EmailOutbox, OutboundEmail};
pub use flags::{FlagAuditEntry, FlagStore};
pub use idempotency::{
    Answering, ClaimedKey, IdempotencyClaim, IdempotencyStore, IdempotencyWrites, KeyAnswer,
};
pub use inbox::{ClaimedDelivery, Delivery, Inbox, InboxCounts};
pub use insight::{InsightStore, NotUnderstood};
pub use knowledge::KnowledgeStore;
pub use leases::LeaseStore;
pub use limits::{LimitStore, Rate, Take, epoch_nanos, gcra};
pub use metrics::MetricStore;
pub use orders::{OrderImport, OrderImportSummary, OrderStore, OrderWrite};
pub use outbox::{OutboxItem, OutboxWrites, WebhookOutbox};
pub use settings::SettingStore;
pub use shopper::{CsatWrites, ShortlistStore};
pub use staff::StaffStore;
pub use tickets::{TicketStore, TicketWrites};
pub use tokens::TokenStore;

use async_trait::async_trait;

/// Why a storage call failed. Never turned into "not found" by callers.
#[derive(Debug, Clone, thiserror::Error)]
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

/// An import in progress: batches of records written in one transaction. Dropping it without
/// `commit` writes nothing.
#[async_trait]
pub trait BatchImport<T: Sync, S>: Send {
    /// Writes a batch inside the import's transaction.
    async fn write(&mut self, batch: &[T]) -> StoreResult<()>;
    /// Commits every batch at once; says what the import did.
    async fn commit(self: Box<Self>) -> StoreResult<S>;
}

/// Writes of several areas in one database transaction. Dropping it without `commit` writes
/// nothing.
#[async_trait]
pub trait Transaction:
    TicketWrites + OutboxWrites + ConversationWrites + CsatWrites + IdempotencyWrites + Send
{
    /// Makes every write of the transaction durable at once.
    async fn commit(self: Box<Self>) -> StoreResult<()>;
}

/// Every area of storage, over one database: what the application is built on.
#[async_trait]
pub trait Store:
    CatalogStore
    + OrderStore
    + ConversationStore
    + TicketStore
    + ShortlistStore
    + FlagStore
    + SettingStore
    + IdempotencyStore
    + WebhookOutbox
    + Inbox
    + TokenStore
    + StaffStore
    + InsightStore
    + KnowledgeStore
    + LeaseStore
    + LimitStore
    + MetricStore
    + EmailOutbox
    + Send
    + Sync
    + 'static
{
    /// Checks that the database answers.
    async fn ping(&self) -> StoreResult<()>;
    /// Starts a transaction across areas.
    async fn begin(&self) -> StoreResult<Box<dyn Transaction>>;
    /// Connections of the pool, in use and idle (cheap: no query).
    fn pool_stats(&self) -> PoolStats;
}

/// The database pool's connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PoolStats {
    pub in_use: u64,
    pub idle: u64,
}
