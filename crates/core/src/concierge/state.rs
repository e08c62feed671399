//! What the concierge remembers within one conversation.

use crate::catalog::search::ProductQuery;
use serde::{Deserialize, Serialize};

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
    /// Reads a stored state; an unreadable one starts afresh rather than failing the shopper.
    pub fn from_json(value: &serde_json::Value) -> Self {
        serde_json::from_value(value.clone()).unwrap_or_default()
    }

    /// The state as stored.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
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
