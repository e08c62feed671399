//! Tickets: a return, a resize or a stylist request, with everything support needs to act on
//! it without asking the shopper again; how support works them ([`workflow`]) and finds them
//! ([`inbox`]).

pub mod inbox;
pub mod workflow;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What a ticket asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TicketKind {
    Return,
    Resize,
    Stylist,
    /// Cancel an order that has not shipped: staff do it on the store's platform.
    Cancellation,
}

impl TicketKind {
    /// Every kind.
    pub const ALL: [TicketKind; 4] = [
        TicketKind::Return,
        TicketKind::Resize,
        TicketKind::Stylist,
        TicketKind::Cancellation,
    ];

    /// The stable machine name.
    pub fn as_str(self) -> &'static str {
        match self {
            TicketKind::Return => "return",
            TicketKind::Resize => "resize",
            TicketKind::Stylist => "stylist",
            TicketKind::Cancellation => "cancellation",
        }
    }

    /// How people read it.
    pub fn label(self) -> &'static str {
        match self {
            TicketKind::Return => "Return",
            TicketKind::Resize => "Resize",
            TicketKind::Stylist => "Stylist",
            TicketKind::Cancellation => "Cancellation",
        }
    }

    /// The reference prefix: `RT-` for returns and resizes, `ST-` for stylist requests, `CX-`
    /// for cancellations.
    pub fn prefix(self) -> &'static str {
        match self {
            TicketKind::Return | TicketKind::Resize => "RT",
            TicketKind::Stylist => "ST",
            TicketKind::Cancellation => "CX",
        }
    }
}

impl fmt::Display for TicketKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for TicketKind {
    type Err = crate::catalog::UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TicketKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| crate::catalog::UnknownName {
                kind: "ticket kind",
                value: s.to_string(),
            })
    }
}

/// One line of a conversation as support reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TranscriptLine {
    /// `shopper` or `concierge`.
    pub role: String,
    pub text: String,
    pub at: DateTime<Utc>,
}

/// A ticket as stored and shown to support.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Ticket {
    /// Readable reference, e.g. `RT-482193` or `ST-193027`.
    pub reference: String,
    pub kind: TicketKind,
    pub created_at: DateTime<Utc>,
    /// The conversation it came from, if any.
    pub conversation_id: Option<String>,
    pub name: Option<String>,
    #[schema(value_type = String)]
    pub email: crate::email::Email,
    /// The form as submitted (validated), field by field.
    pub details: serde_json::Value,
    /// The conversation up to the request.
    pub transcript: Vec<TranscriptLine>,
    /// Product ids on the shopper's shortlist.
    pub shortlist: Vec<String>,
    /// The conversation's active product filters.
    pub filters: serde_json::Value,
    /// Product ids the concierge showed, most recent last.
    pub products_shown: Vec<String>,
}

impl Ticket {
    /// The order number the shopper gave, for a return or resize.
    pub fn order_number(&self) -> Option<&str> {
        self.details.get("order_number")?.as_str()
    }
}

/// Stores a ticket, marks its conversation, and queues its webhook (`payload`, when one is
/// configured), in one transaction: a ticket is never stored without its webhook, nor the
/// webhook sent for a ticket that was not stored. `Conflict` if the reference exists.
pub async fn create(
    store: &dyn crate::store::Store,
    ticket: &Ticket,
    webhook: Option<&str>,
) -> crate::store::StoreResult<()> {
    let mut tx = store.begin().await?;
    write(tx.as_mut(), ticket, webhook).await?;
    tx.commit().await
}

/// The writes of [`create`], inside the caller's transaction.
pub async fn write(
    tx: &mut dyn crate::store::Transaction,
    ticket: &Ticket,
    webhook: Option<&str>,
) -> crate::store::StoreResult<()> {
    tx.insert_ticket(ticket).await?;
    if let Some(payload) = webhook {
        tx.queue_webhook(&ticket.reference, payload, ticket.created_at)
            .await?;
    }
    Ok(())
}
