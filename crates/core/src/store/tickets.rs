//! Tickets: read from the store, written inside a [`super::Transaction`], worked by staff.

use super::StoreResult;
use crate::staff::audit::AuditEntry;
use crate::tickets::Ticket;
use crate::tickets::inbox::{InboxPage, InboxQuery, InboxRow};
use crate::tickets::workflow::{Note, Workflow};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// Reading and working tickets.
#[async_trait]
pub trait TicketStore: Send + Sync {
    /// One ticket by reference.
    async fn ticket(&self, reference: &str) -> StoreResult<Option<Ticket>>;
    /// The newest tickets first.
    async fn recent_tickets(&self, limit: u32) -> StoreResult<Vec<Ticket>>;
    /// One ticket with its workflow and its notes (oldest first).
    async fn ticket_record(
        &self,
        reference: &str,
    ) -> StoreResult<Option<(Ticket, Workflow, Vec<Note>)>>;
    /// A page of the inbox.
    async fn inbox(&self, query: &InboxQuery) -> StoreResult<InboxPage>;
    /// A shopper's tickets (email, case ignored), newest first.
    async fn tickets_by_email(&self, email: &str, limit: u32) -> StoreResult<Vec<InboxRow>>;
    /// Replaces a ticket's workflow if it is unchanged since `seen` (its `updated_at`), writing
    /// the audit entries with it; `false` when it changed meanwhile or does not exist.
    async fn update_workflow(
        &self,
        reference: &str,
        seen: DateTime<Utc>,
        workflow: &Workflow,
        audit: &[AuditEntry],
    ) -> StoreResult<bool>;
    /// Adds an internal note; `false` when there is no such ticket.
    async fn add_note(&self, reference: &str, note: &Note) -> StoreResult<bool>;
}

/// Writing tickets, inside a transaction.
#[async_trait]
pub trait TicketWrites {
    /// Stores a ticket (new, unassigned) and marks its conversation as having one; `Conflict`
    /// if the reference exists.
    async fn insert_ticket(&mut self, ticket: &Ticket) -> StoreResult<()>;
}
