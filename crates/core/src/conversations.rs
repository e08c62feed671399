//! Conversations and their messages, as stored.

use crate::catalog::search::ProductQuery;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// A conversation without activity for this long has ended.
pub const IDLE_TIMEOUT: Duration = Duration::minutes(30);

/// Who said a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Shopper,
    Concierge,
}

impl Role {
    /// The stable machine name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Shopper => "shopper",
            Role::Concierge => "concierge",
        }
    }

    /// Parses a stored name.
    pub fn parse(value: &str) -> Option<Role> {
        match value {
            "shopper" => Some(Role::Shopper),
            "concierge" => Some(Role::Concierge),
            _ => None,
        }
    }
}

/// One message: the shopper's text (or the label of the button they pressed), or the
/// concierge's reply blocks.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Message {
    pub role: Role,
    /// What the shopper typed or pressed; for the concierge, its text blocks joined.
    pub text: Option<String>,
    /// The concierge's reply blocks, as the JSON array text they were answered with (written
    /// once, stored and read back without being parsed); `[]` for the shopper.
    pub blocks: Box<RawValue>,
    pub at: DateTime<Utc>,
}

impl Message {
    /// What the shopper said (a button or form shows as `[what]`).
    pub fn shopper(said: String, at: DateTime<Utc>) -> Message {
        Message {
            role: Role::Shopper,
            text: Some(said),
            blocks: RawValue::from_string("[]".to_string()).unwrap_or_default(),
            at,
        }
    }

    /// The concierge's reply: its blocks as JSON text, and their plain text (see
    /// `concierge::answer`, which makes both from the blocks).
    pub fn concierge(text: String, blocks: Box<RawValue>, at: DateTime<Utc>) -> Message {
        Message {
            role: Role::Concierge,
            text: Some(text),
            blocks,
            at,
        }
    }
}

impl PartialEq for Message {
    fn eq(&self, other: &Message) -> bool {
        self.role == other.role
            && self.text == other.text
            && self.blocks.get() == other.blocks.get()
            && self.at == other.at
    }
}

/// A conversation's header; its messages are read separately.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conversation {
    pub id: String,
    /// The visitor who owns it: nobody else may read or write it.
    pub visitor_id: String,
    pub started_at: DateTime<Utc>,
    pub last_activity_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    /// How many replies the concierge gave.
    pub replies: i32,
    /// Whether a ticket (return, resize, stylist) came out of it.
    pub has_ticket: bool,
    /// The concierge's memory of it (active filters, products shown).
    pub state: ConversationState,
}

impl Conversation {
    /// A conversation `id` of `visitor_id`, started at `now`, with nothing remembered yet.
    pub fn new(id: String, visitor_id: String, now: DateTime<Utc>) -> Conversation {
        Conversation {
            id,
            visitor_id,
            started_at: now,
            last_activity_at: now,
            ended_at: None,
            replies: 0,
            has_ticket: false,
            state: ConversationState::default(),
        }
    }

    /// Whether it has ended at `now`: explicitly, or by 30 minutes without activity.
    pub fn is_ended(&self, now: DateTime<Utc>) -> bool {
        self.ended_at.is_some() || now - self.last_activity_at >= IDLE_TIMEOUT
    }
}

/// Most product ids remembered as "shown" (carried into a stylist ticket).
const SHOWN_LIMIT: usize = 100;

/// The conversation's memory: active filters, and what was shown.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConversationState {
    /// Filters that carry over from message to message ("rings", then "under 500").
    pub query: ProductQuery,
    /// How many products of `query` were shown so far (for "Show more").
    pub offset: usize,
    /// Product ids shown, most recent last.
    pub shown: Vec<String>,
}

impl ConversationState {
    /// Reads a stored state (JSON); an unreadable one starts afresh rather than failing the
    /// shopper.
    pub fn parse(stored: &str) -> Self {
        serde_json::from_str(stored).unwrap_or_default()
    }

    /// The state as stored (JSON).
    pub fn to_text(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".to_string())
    }

    /// Remembers products as shown.
    pub fn remember_shown<'a>(&mut self, ids: impl IntoIterator<Item = &'a str>) {
        for id in ids {
            self.shown.retain(|shown| shown != id);
            self.shown.push(id.to_string());
        }
        let excess = self.shown.len().saturating_sub(SHOWN_LIMIT);
        self.shown.drain(..excess);
    }
}
