//! Tickets: read from the pool, written inside a [`SqlTransaction`].

use crate::db::Query;
use crate::rows::{json_from_text, json_text, parse_stored};
use crate::{SqlStore, SqlTransaction};
use aurora_core::email::Email;
use aurora_core::store::{StoreError, StoreResult, TicketStore, TicketWrites};
use aurora_core::tickets::Ticket;
use chrono::{DateTime, Utc};

const TICKET_COLUMNS: &str = "reference, kind, created_at, conversation_id, name, email, \
     details, transcript, shortlist, filters, products_shown";

#[derive(sqlx::FromRow)]
struct TicketRow {
    reference: String,
    kind: String,
    created_at: DateTime<Utc>,
    conversation_id: Option<String>,
    name: Option<String>,
    email: String,
    details: String,
    transcript: String,
    shortlist: String,
    filters: String,
    products_shown: String,
}

impl TicketRow {
    fn into_ticket(self) -> StoreResult<Ticket> {
        Ok(Ticket {
            kind: parse_stored("kind", &self.kind)?,
            details: json_from_text("details", &self.details)?,
            transcript: json_from_text("transcript", &self.transcript)?,
            shortlist: json_from_text("shortlist", &self.shortlist)?,
            filters: json_from_text("filters", &self.filters)?,
            products_shown: json_from_text("products_shown", &self.products_shown)?,
            email: Email::parse(&self.email).map_err(|_| {
                StoreError::Other(format!("unexpected email in ticket {}", self.reference))
            })?,
            reference: self.reference,
            created_at: self.created_at,
            conversation_id: self.conversation_id,
            name: self.name,
        })
    }
}

#[async_trait::async_trait]
impl TicketStore for SqlStore {
    async fn ticket(&self, reference: &str) -> StoreResult<Option<Ticket>> {
        let query = Query::new(format!(
            "SELECT {TICKET_COLUMNS} FROM tickets WHERE reference = $1"
        ))
        .bind(reference);
        let row: Option<TicketRow> = self.db.fetch_optional(query).await?;
        row.map(TicketRow::into_ticket).transpose()
    }

    async fn recent_tickets(&self, limit: u32) -> StoreResult<Vec<Ticket>> {
        let query = Query::new(format!(
            "SELECT {TICKET_COLUMNS} FROM tickets ORDER BY created_at DESC, reference LIMIT $1"
        ))
        .bind(i64::from(limit));
        let rows: Vec<TicketRow> = self.db.fetch_all(query).await?;
        rows.into_iter().map(TicketRow::into_ticket).collect()
    }
}

#[async_trait::async_trait]
impl TicketWrites for SqlTransaction {
    async fn insert_ticket(&mut self, ticket: &Ticket) -> StoreResult<()> {
        let mut conn = self.tx.conn();
        conn.execute(
            Query::new(format!(
                "INSERT INTO tickets ({TICKET_COLUMNS}) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
            ))
            .bind(&ticket.reference)
            .bind(ticket.kind.as_str())
            .bind(ticket.created_at)
            .bind(ticket.conversation_id.as_deref())
            .bind(ticket.name.as_deref())
            .bind(ticket.email.as_str())
            .bind(ticket.details.to_string())
            .bind(json_text(&ticket.transcript))
            .bind(json_text(&ticket.shortlist))
            .bind(ticket.filters.to_string())
            .bind(json_text(&ticket.products_shown)),
        )
        .await?;
        if let Some(conversation) = &ticket.conversation_id {
            conn.execute(
                Query::new("UPDATE conversations SET has_ticket = TRUE WHERE id = $1")
                    .bind(conversation),
            )
            .await?;
        }
        Ok(())
    }
}
