//! Conversations and their messages, as stored.

use crate::concierge::blocks::Block;
use crate::concierge::blocks_text;
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

    /// The concierge's reply: its blocks and their plain text.
    pub fn concierge(blocks: &[Block], at: DateTime<Utc>) -> Message {
        Message {
            role: Role::Concierge,
            text: Some(blocks_text(blocks)),
            blocks: crate::concierge::blocks::to_json(blocks),
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
    /// The concierge's memory of it (active filters, products shown), as JSON.
    pub state: serde_json::Value,
}

impl Conversation {
    /// Whether it has ended at `now`: explicitly, or by 30 minutes without activity.
    pub fn is_ended(&self, now: DateTime<Utc>) -> bool {
        self.ended_at.is_some() || now - self.last_activity_at >= IDLE_TIMEOUT
    }
}
