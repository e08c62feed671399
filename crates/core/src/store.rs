//! What the domain needs from storage. `aurora-store` implements it for SQLite and PostgreSQL.

use crate::catalog::Product;
use crate::conversations::{Conversation, Message};
use crate::flags::FlagOverride;
use crate::orders::Order;
use crate::tickets::Ticket;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

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

/// Where an idempotency key stands when a request claims it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdempotencyClaim {
    /// Nobody used the key (or it expired): the caller runs the request, then records it.
    New,
    /// The same key is being processed by another request right now.
    InProgress,
    /// The key was used with a different request body.
    Mismatch,
    /// The key was used with this body and answered: replay the answer.
    Done { status: u16, response: String },
}

/// One change of a flag: who, when, the override before and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagAuditEntry {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub before: FlagOverride,
    pub after: FlagOverride,
}

/// A webhook delivery that is due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxItem {
    pub id: String,
    pub ticket_ref: String,
    pub payload: String,
    pub attempts: i32,
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
    /// An email's most recent orders (case-insensitive), newest first.
    async fn orders_by_email(&self, email: &str, limit: u32) -> StoreResult<Vec<Order>>;
    /// How many orders are stored.
    async fn order_count(&self) -> StoreResult<u64>;

    /// Stores a new conversation with its first messages.
    async fn create_conversation(
        &self,
        conversation: &Conversation,
        messages: &[Message],
    ) -> StoreResult<()>;
    /// One conversation's header.
    async fn conversation(&self, id: &str) -> StoreResult<Option<Conversation>>;
    /// Appends messages, saves the new state and activity time, adds `replies`, in one
    /// transaction.
    async fn append_messages(
        &self,
        id: &str,
        messages: Vec<Message>,
        state: &serde_json::Value,
        replies: i32,
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Every message of a conversation, oldest first.
    async fn messages(&self, id: &str) -> StoreResult<Vec<Message>>;
    /// Ends a conversation; `false` when it had already ended.
    async fn end_conversation(&self, id: &str, at: DateTime<Utc>) -> StoreResult<bool>;

    /// Stores a ticket, marks its conversation, and queues its webhook (`payload`, when one is
    /// configured) in the same transaction. `Conflict` if the reference exists.
    async fn create_ticket(&self, ticket: &Ticket, webhook: Option<&str>) -> StoreResult<()>;
    /// One ticket by reference.
    async fn ticket(&self, reference: &str) -> StoreResult<Option<Ticket>>;
    /// The newest tickets first.
    async fn recent_tickets(&self, limit: u32) -> StoreResult<Vec<Ticket>>;

    /// A visitor's shortlisted product ids, oldest first.
    async fn shortlist(&self, visitor_id: &str) -> StoreResult<Vec<String>>;
    /// Adds a product; `false` when it was already there.
    async fn shortlist_add(
        &self,
        visitor_id: &str,
        product_id: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Removes a product; `false` when it was not there.
    async fn shortlist_remove(&self, visitor_id: &str, product_id: &str) -> StoreResult<bool>;

    /// Records a satisfaction score; `false` when the conversation already has one.
    async fn record_csat(
        &self,
        conversation_id: &str,
        score: i32,
        comment: Option<&str>,
        at: DateTime<Utc>,
    ) -> StoreResult<bool>;

    /// Claims an idempotency key for a request with body hash `hash`. Keys created before
    /// `expired_before` count as unused.
    async fn claim_idempotency_key(
        &self,
        scope: &str,
        route: &str,
        key: &str,
        hash: &str,
        now: DateTime<Utc>,
        expired_before: DateTime<Utc>,
    ) -> StoreResult<IdempotencyClaim>;
    /// Records the answer to a claimed key.
    async fn complete_idempotency_key(
        &self,
        scope: &str,
        route: &str,
        key: &str,
        status: u16,
        response: &str,
    ) -> StoreResult<()>;
    /// Forgets a claimed key whose request failed, so a retry runs again.
    async fn release_idempotency_key(&self, scope: &str, route: &str, key: &str)
    -> StoreResult<()>;

    /// Webhook deliveries due at `now`, oldest first.
    async fn due_webhooks(&self, now: DateTime<Utc>, limit: u32) -> StoreResult<Vec<OutboxItem>>;
    /// Marks a delivery done.
    async fn webhook_delivered(&self, id: &str, at: DateTime<Utc>) -> StoreResult<()>;
    /// Records a failed attempt and when to try again (`None`: give up).
    async fn webhook_failed(
        &self,
        id: &str,
        attempts: i32,
        retry_at: Option<DateTime<Utc>>,
        error: &str,
    ) -> StoreResult<()>;

    /// A flag's runtime override (empty when there is none).
    async fn flag_override(&self, key: &str) -> StoreResult<FlagOverride>;
    /// Replaces a flag's override (an empty one resets it) and writes the audit entry, in one
    /// transaction; returns the override before.
    async fn set_flag_override(
        &self,
        key: &str,
        change: &FlagOverride,
        actor: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<FlagOverride>;
    /// A flag's changes, newest first.
    async fn flag_audit(&self, key: &str, limit: u32) -> StoreResult<Vec<FlagAuditEntry>>;

    /// A stored setting (e.g. the demo's generated secret key).
    async fn setting(&self, key: &str) -> StoreResult<Option<String>>;
    /// Stores a setting unless one exists; returns the value now stored (first writer wins).
    async fn setting_or_insert(&self, key: &str, value: &str) -> StoreResult<String>;

    /// Conversations for the metrics: open ones (not ended, active at or after
    /// `now - idle_after`), and those ended at or after `ended_since`, where a conversation idle
    /// for `idle_after` counts as ended `idle_after` after its last activity even when nothing
    /// marked it yet.
    async fn conversation_counts(
        &self,
        now: DateTime<Utc>,
        idle_after: chrono::Duration,
        ended_since: DateTime<Utc>,
    ) -> StoreResult<ConversationCounts>;
    /// Marks conversations idle since before `now - idle_after` as ended `idle_after` after
    /// their last activity; returns, for each one this call ended, whether it had a ticket.
    async fn end_idle_conversations(
        &self,
        now: DateTime<Utc>,
        idle_after: chrono::Duration,
    ) -> StoreResult<Vec<bool>>;
    /// Connections of the pool, in use and idle (cheap: no query).
    fn pool_stats(&self) -> PoolStats;
}

/// What [`Store::conversation_counts`] counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ConversationCounts {
    /// Not ended and active recently.
    pub open: u64,
    /// Ended in the window, with a ticket.
    pub ended_with_ticket: u64,
    /// Ended in the window without a ticket (deflected).
    pub ended_without_ticket: u64,
}

/// The database pool's connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PoolStats {
    pub in_use: u64,
    pub idle: u64,
}
