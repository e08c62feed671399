//! Conversations and their messages, as stored.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub role: Role,
    /// What the shopper typed or pressed; for the concierge, its text blocks joined.
    pub text: Option<String>,
    /// The concierge's reply blocks (JSON array); empty for the shopper.
    pub blocks: serde_json::Value,
    pub at: DateTime<Utc>,
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
