//! Conversations and their messages, as stored.

use crate::catalog::search::{ProductQuery, Sort};
use aurora_nlu::Understanding;
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
    /// What the concierge understood a shopper's typed message as, when it answered it
    /// (`None` for buttons, forms and the concierge's own messages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub understood: Option<Understanding>,
}

impl Message {
    /// What the shopper said (a button or form shows as `[what]`).
    pub fn shopper(said: String, at: DateTime<Utc>) -> Message {
        Message {
            role: Role::Shopper,
            text: Some(said),
            blocks: RawValue::from_string("[]".to_string()).unwrap_or_default(),
            at,
            understood: None,
        }
    }

    /// The same message with what it was understood as.
    pub fn understood_as(mut self, understanding: Option<Understanding>) -> Message {
        self.understood = understanding;
        self
    }

    /// The concierge's reply: its blocks as JSON text, and their plain text (see
    /// `concierge::answer`, which makes both from the blocks).
    pub fn concierge(text: String, blocks: Box<RawValue>, at: DateTime<Utc>) -> Message {
        Message {
            role: Role::Concierge,
            text: Some(text),
            blocks,
            at,
            understood: None,
        }
    }
}

impl PartialEq for Message {
    fn eq(&self, other: &Message) -> bool {
        self.role == other.role
            && self.text == other.text
            && self.blocks.get() == other.blocks.get()
            && self.at == other.at
            && self.understood == other.understood
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
    /// Whether the concierge's last reply to the shopper answered (see [`Outcome`]).
    pub last_reply_answered: bool,
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
            last_reply_answered: false,
            state: ConversationState::default(),
        }
    }

    /// Whether it has ended at `now`: explicitly, or by 30 minutes without activity.
    pub fn is_ended(&self, now: DateTime<Utc>) -> bool {
        self.ended_at.is_some() || now - self.last_activity_at >= IDLE_TIMEOUT
    }

    /// How it turned out, at `now`.
    pub fn outcome(&self, now: DateTime<Utc>) -> Outcome {
        Outcome::of(
            self.has_ticket,
            self.is_ended(now),
            self.last_reply_answered,
        )
    }
}

/// How a conversation turned out. Decided by [`Outcome::of`] alone, the one definition the
/// workspace, its filters and its analytics share (docs/workspace.md, "Outcomes").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Not ended yet.
    Open,
    /// A ticket came out of it (a return, resize, stylist request, …), whenever it was made.
    HandedOff,
    /// Ended without a ticket after a reply that answered: products, an order's timeline or an
    /// answer.
    Resolved,
    /// Ended without a ticket, and the last reply did not answer.
    Abandoned,
}

impl Outcome {
    /// Every outcome, in the order the workspace lists them.
    pub const ALL: [Outcome; 4] = [
        Outcome::Open,
        Outcome::HandedOff,
        Outcome::Resolved,
        Outcome::Abandoned,
    ];

    /// The outcome of a conversation that has (or has not) a ticket, has (or has not) ended,
    /// and whose last reply to the shopper did (or did not) answer.
    pub fn of(has_ticket: bool, ended: bool, last_reply_answered: bool) -> Outcome {
        match (has_ticket, ended, last_reply_answered) {
            (true, _, _) => Outcome::HandedOff,
            (false, false, _) => Outcome::Open,
            (false, true, true) => Outcome::Resolved,
            (false, true, false) => Outcome::Abandoned,
        }
    }

    /// The stable machine name.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Open => "open",
            Outcome::HandedOff => "handed_off",
            Outcome::Resolved => "resolved",
            Outcome::Abandoned => "abandoned",
        }
    }

    /// How the workspace names it.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Open => "Open",
            Outcome::HandedOff => "Handed off",
            Outcome::Resolved => "Resolved",
            Outcome::Abandoned => "Abandoned",
        }
    }

    /// Parses a machine name.
    pub fn parse(value: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == value)
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
    /// The order the shopper asked for ("cheapest", "most expensive", "newest"); relevance
    /// otherwise.
    #[serde(default, skip_serializing_if = "is_relevance")]
    pub sort: Sort,
    /// What the pieces are a gift for ("our anniversary"), as the shopper said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occasion: Option<aurora_nlu::Occasion>,
    /// Who the pieces are a gift for ("my wife"), as the shopper said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient: Option<aurora_nlu::Recipient>,
}

fn is_relevance(sort: &Sort) -> bool {
    *sort == Sort::Relevance
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
