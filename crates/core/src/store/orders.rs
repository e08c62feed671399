//! Orders with their items and timelines.

use super::{BatchImport, StoreResult};
use crate::email::Email;
use crate::orders::{Order, OrderNumber};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// What storing an order did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderWrite {
    /// The order is new.
    Created,
    /// The stored order was replaced.
    Updated,
    /// The stored order is newer (`updated_at`): nothing was written.
    Stale,
}

/// How many orders an import wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OrderImportSummary {
    pub created: u64,
    pub updated: u64,
    /// Orders left as stored, because the stored one is newer than the file's.
    pub stale: u64,
}

impl OrderImportSummary {
    /// Counts one write.
    pub fn count(&mut self, write: OrderWrite) {
        match write {
            OrderWrite::Created => self.created += 1,
            OrderWrite::Updated => self.updated += 1,
            OrderWrite::Stale => self.stale += 1,
        }
    }
}

/// An orders import in progress: stores orders (never over a newer one).
pub type OrderImport = dyn BatchImport<Order, OrderImportSummary>;

/// Orders.
#[async_trait]
pub trait OrderStore: Send + Sync {
    /// Stores a new order with its items and timeline; `Conflict` if the number exists.
    async fn insert_order(&self, order: &Order) -> StoreResult<()>;
    /// Stores orders in one transaction, each replacing its stored one unless that one's
    /// `updated_at` is newer; says what it did with each, in order. Of one number given twice,
    /// the newer (or, as new, the later) is written and the other is `Stale`.
    async fn upsert_orders(&self, orders: &[Order]) -> StoreResult<Vec<OrderWrite>>;
    /// Stores one order, as [`Self::upsert_orders`].
    async fn upsert_order(&self, order: &Order) -> StoreResult<OrderWrite> {
        let writes = self.upsert_orders(std::slice::from_ref(order)).await?;
        Ok(writes.first().copied().unwrap_or(OrderWrite::Stale))
    }
    /// Starts an all-or-nothing orders import.
    async fn begin_order_import(&self) -> StoreResult<Box<OrderImport>>;
    /// One order by its normalised number.
    async fn order(&self, number: &OrderNumber) -> StoreResult<Option<Order>>;
    /// Reads the orders with these platform ids, lets `change` edit them (it returns the
    /// positions of those it changed, each once) and writes those, in one transaction with the
    /// orders locked: no other writer slips in between the read and the write. Says what was
    /// written, in the order of the positions.
    async fn change_orders(
        &self,
        platform_ids: &[&str],
        change: &mut (dyn for<'o> FnMut(&'o mut [Order]) -> Vec<usize> + Send),
    ) -> StoreResult<Vec<OrderWrite>>;
    /// An email's most recent orders (case-insensitive), newest first.
    async fn orders_by_email(&self, email: &Email, limit: u32) -> StoreResult<Vec<Order>>;
    /// How many orders are stored.
    async fn order_count(&self) -> StoreResult<u64>;
    /// Deletes orders placed before `before` (the retention setting); returns how many.
    async fn purge_orders(&self, before: DateTime<Utc>) -> StoreResult<u64>;
}
