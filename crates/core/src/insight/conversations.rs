//! Every conversation, searchable, and one read whole with what each message was understood
//! as.

use crate::conversations::{Conversation, Outcome, Role};
use crate::tickets::TicketKind;
use crate::tickets::workflow::TicketStatus;
use aurora_nlu::{Intent, Understanding};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::value::RawValue;
use utoipa::ToSchema;

/// Conversations per page, unless asked otherwise.
pub const PAGE: u32 = 25;
/// Most conversations per page.
pub const MOST_PER_PAGE: u32 = 100;

/// Which conversations to list, newest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConversationQuery {
    /// Words every matching conversation's shopper messages contain (each as a prefix).
    pub words: Vec<String>,
    /// The email of a ticket that came out of it (case ignored).
    pub email: Option<String>,
    /// A shopper message in it was understood as this.
    pub intent: Option<Intent>,
    pub outcome: Option<Outcome>,
    /// Started on or after.
    pub from: Option<DateTime<Utc>>,
    /// Started before.
    pub to: Option<DateTime<Utc>>,
    /// Only those older than this one (the page after it).
    pub after: Option<Cursor>,
    pub per_page: u32,
}

/// Where a page ends: the last conversation's start and id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub started_at: DateTime<Utc>,
    pub id: String,
}

impl Cursor {
    /// As the `after` parameter carries it.
    pub fn to_text(&self) -> String {
        format!("{}_{}", self.started_at.timestamp_micros(), self.id)
    }

    /// Reads an `after` parameter.
    pub fn parse(text: &str) -> Option<Cursor> {
        let (micros, id) = text.split_once('_')?;
        Some(Cursor {
            started_at: DateTime::from_timestamp_micros(micros.parse().ok()?)?,
            id: id.to_string(),
        })
    }
}

/// One conversation in the list.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ConversationSummary {
    pub id: String,
    pub started_at: DateTime<Utc>,
    pub last_activity_at: DateTime<Utc>,
    pub outcome: Outcome,
    /// How many times the concierge answered.
    pub replies: i32,
    /// The shopper's first message, if they wrote one.
    pub first_message: Option<String>,
    /// The rating they gave, 1 to 5.
    pub csat: Option<i32>,
}

impl ConversationSummary {
    /// The summary of `conversation` at `now`.
    pub fn of(
        conversation: &Conversation,
        first_message: Option<String>,
        csat: Option<i32>,
        now: DateTime<Utc>,
    ) -> ConversationSummary {
        ConversationSummary {
            id: conversation.id.clone(),
            started_at: conversation.started_at,
            last_activity_at: conversation.last_activity_at,
            outcome: conversation.outcome(now),
            replies: conversation.replies,
            first_message,
            csat,
        }
    }
}

/// A page of conversations.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ConversationPage {
    pub conversations: Vec<ConversationSummary>,
    /// Pass as `after` for the next page; `null` on the last.
    pub next: Option<String>,
}

/// One message of a transcript, with what it was understood as.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TranscriptMessage {
    /// Its place in the conversation (0 is the welcome): how a "misunderstood" mark names it.
    pub position: i32,
    pub role: Role,
    pub text: Option<String>,
    /// The concierge's reply blocks (see docs/api/blocks.md); `[]` for the shopper.
    #[schema(value_type = Vec<Object>)]
    pub blocks: Box<RawValue>,
    pub at: DateTime<Utc>,
    /// What a typed shopper message was understood as when it was answered.
    #[schema(value_type = Option<Object>)]
    pub understood: Option<Understanding>,
    /// Why, as `aurora understand` explains it (read with today's rules).
    pub explanation: Option<String>,
    /// Staff marked the concierge's reply to this shopper message as a misunderstanding.
    pub misunderstood: bool,
}

/// A ticket that came out of a conversation.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ConversationTicket {
    pub reference: String,
    pub kind: TicketKind,
    pub status: TicketStatus,
    pub created_at: DateTime<Utc>,
}

/// A shopper's rating of a conversation.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Rating {
    pub score: i32,
    pub comment: Option<String>,
    pub at: DateTime<Utc>,
}

/// One conversation as stored, with its messages (not yet explained), tickets and rating.
#[derive(Debug, Clone)]
pub struct ConversationRecord {
    pub conversation: Conversation,
    pub messages: Vec<TranscriptMessage>,
    pub tickets: Vec<ConversationTicket>,
    pub rating: Option<Rating>,
}

/// One conversation read whole.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConversationView {
    #[serde(flatten)]
    pub summary: ConversationSummary,
    pub ended_at: Option<DateTime<Utc>>,
    pub messages: Vec<TranscriptMessage>,
    pub tickets: Vec<ConversationTicket>,
    pub rating: Option<Rating>,
}
