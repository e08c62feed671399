//! Tickets: read from the store, written inside a [`super::Transaction`].

use super::StoreResult;
use crate::tickets::Ticket;
use async_trait::async_trait;

/// Reading tickets.
#[async_trait]
pub trait TicketStore: Send + Sync {
    /// One ticket by reference.
    async fn ticket(&self, reference: &str) -> StoreResult<Option<Ticket>>;
    /// The newest tickets first.
    async fn recent_tickets(&self, limit: u32) -> StoreResult<Vec<Ticket>>;
}

/// Writing tickets, inside a transaction.
#[async_trait]
pub trait TicketWrites {
    /// Stores a ticket and marks its conversation as having one; `Conflict` if the reference
    /// exists.
    async fn insert_ticket(&mut self, ticket: &Ticket) -> StoreResult<()>;
}
