//! Orders with their items and timelines.

use super::StoreResult;
use crate::email::Email;
use crate::orders::{Order, OrderNumber};
use async_trait::async_trait;

/// Orders.
#[async_trait]
pub trait OrderStore: Send + Sync {
    /// Stores a new order with its items and timeline; `Conflict` if the number exists.
    async fn insert_order(&self, order: &Order) -> StoreResult<()>;
    /// One order by its normalised number.
    async fn order(&self, number: &OrderNumber) -> StoreResult<Option<Order>>;
    /// An email's most recent orders (case-insensitive), newest first.
    async fn orders_by_email(&self, email: &Email, limit: u32) -> StoreResult<Vec<Order>>;
    /// How many orders are stored.
    async fn order_count(&self) -> StoreResult<u64>;
}
