//! How support works a ticket: new → open → waiting on customer → resolved, and reopened; an
//! assignee; tags; internal notes; and the clock against the promised response time, which
//! runs while a ticket is new or reopened and stops when support moves it on.

use crate::concierge::forms::Invalid;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Where a ticket is in its workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TicketStatus {
    /// Nobody has acted on it yet.
    New,
    /// Support is working on it.
    Open,
    /// Support has answered and waits for the shopper.
    Waiting,
    /// Done.
    Resolved,
}

impl TicketStatus {
    /// Every status, in workflow order.
    pub const ALL: [TicketStatus; 4] = [
        TicketStatus::New,
        TicketStatus::Open,
        TicketStatus::Waiting,
        TicketStatus::Resolved,
    ];

    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            TicketStatus::New => "new",
            TicketStatus::Open => "open",
            TicketStatus::Waiting => "waiting",
            TicketStatus::Resolved => "resolved",
        }
    }

    /// How people read it.
    pub fn label(self) -> &'static str {
        match self {
            TicketStatus::New => "New",
            TicketStatus::Open => "Open",
            TicketStatus::Waiting => "Waiting on customer",
            TicketStatus::Resolved => "Resolved",
        }
    }
}

impl fmt::Display for TicketStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for TicketStatus {
    type Err = crate::catalog::UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TicketStatus::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| crate::catalog::UnknownName {
                kind: "ticket status",
                value: s.to_string(),
            })
    }
}

/// Most tags on one ticket.
pub const MAX_TAGS: usize = 10;
/// Longest tag, in characters.
pub const MAX_TAG_LENGTH: usize = 30;
/// Longest internal note, in characters.
pub const MAX_NOTE_LENGTH: usize = 5000;

/// A ticket's place in support's work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Workflow {
    pub status: TicketStatus,
    /// The staff user working it.
    pub assignee_id: Option<String>,
    pub tags: Vec<String>,
    /// Since when the shopper waits for a first answer (the ticket's creation, or its
    /// reopening); none once support has moved it on.
    pub awaiting_since: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

/// An internal note: for staff only, never shown to the shopper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Note {
    pub at: DateTime<Utc>,
    /// Who wrote it (their email).
    pub author: String,
    pub text: String,
    /// For a reply emailed to the shopper: where it went and how its delivery goes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub emailed: Option<Emailed>,
}

/// The delivery of a reply emailed to the shopper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Emailed {
    pub to: String,
    /// When the mail server accepted it; `null` while it waits or is retried.
    pub sent_at: Option<DateTime<Utc>>,
    /// Delivery attempts so far.
    pub attempts: i32,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
}

/// One change a staff member makes to a ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TicketChange {
    Status(TicketStatus),
    /// To a staff user's id, or to nobody.
    Assign(Option<String>),
    Tags(Vec<String>),
}

impl Workflow {
    /// A new ticket's workflow: new, unassigned, its clock running from `created_at`.
    pub fn new(created_at: DateTime<Utc>) -> Self {
        Workflow {
            status: TicketStatus::New,
            assignee_id: None,
            tags: Vec::new(),
            awaiting_since: Some(created_at),
            updated_at: created_at,
        }
    }

    /// When the promised response is due, while the clock runs.
    pub fn due_at(&self, promise: Duration) -> Option<DateTime<Utc>> {
        self.awaiting_since.map(|since| since + promise)
    }

    /// The workflow after `change`. A ticket never goes back to new; a resolved ticket moved to
    /// any other status is reopened, and the response clock runs again from `now`.
    pub fn apply(&self, change: &TicketChange, now: DateTime<Utc>) -> Result<Workflow, Invalid> {
        let mut next = self.clone();
        next.updated_at = now;
        match change {
            TicketChange::Status(status) => {
                if *status == self.status {
                    return Ok(next);
                }
                if *status == TicketStatus::New {
                    return Err(Invalid::new(
                        "status",
                        "a ticket cannot go back to new: reopen it as open",
                    ));
                }
                next.status = *status;
                next.awaiting_since = if self.status == TicketStatus::Resolved {
                    Some(now)
                } else {
                    None
                };
            }
            TicketChange::Assign(user) => next.assignee_id.clone_from(user),
            TicketChange::Tags(tags) => next.tags = normalise_tags(tags)?,
        }
        Ok(next)
    }

    /// Whether `status` is a reopening of this ticket.
    pub fn reopens(&self, status: TicketStatus) -> bool {
        self.status == TicketStatus::Resolved && status != TicketStatus::Resolved
    }
}

/// Tags as stored: trimmed, lower case, without duplicates or empty ones; letters, digits,
/// spaces, `-` and `_` only.
pub fn normalise_tags<S: AsRef<str>>(tags: &[S]) -> Result<Vec<String>, Invalid> {
    let mut out: Vec<String> = Vec::new();
    for tag in tags {
        let tag = tag.as_ref().trim().to_lowercase();
        if tag.is_empty() || out.contains(&tag) {
            continue;
        }
        if tag.chars().count() > MAX_TAG_LENGTH {
            return Err(Invalid::new(
                "tags",
                format!("each tag has at most {MAX_TAG_LENGTH} characters"),
            ));
        }
        if !tag
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        {
            return Err(Invalid::new(
                "tags",
                "tags hold letters, digits, spaces, - and _ only",
            ));
        }
        out.push(tag);
    }
    if out.len() > MAX_TAGS {
        return Err(Invalid::new(
            "tags",
            format!("at most {MAX_TAGS} tags on a ticket"),
        ));
    }
    Ok(out)
}

/// A note's text, trimmed; empty or too long is refused.
pub fn note_text(text: &str) -> Result<String, Invalid> {
    let text = text.trim();
    if text.is_empty() {
        Err(Invalid::new("text", "write the note first"))
    } else if text.chars().count() > MAX_NOTE_LENGTH {
        Err(Invalid::new(
            "text",
            format!("a note has at most {MAX_NOTE_LENGTH} characters"),
        ))
    } else {
        Ok(text.to_string())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_clock_stops_when_support_acts_and_restarts_on_reopening() {
        let start = Utc::now();
        let new = Workflow::new(start);
        assert_eq!(
            new.due_at(Duration::hours(4)),
            Some(start + Duration::hours(4))
        );
        let open = new
            .apply(&TicketChange::Status(TicketStatus::Open), start)
            .unwrap();
        assert_eq!(open.awaiting_since, None);
        let resolved = open
            .apply(&TicketChange::Status(TicketStatus::Resolved), start)
            .unwrap();
        let later = start + Duration::days(1);
        assert!(resolved.reopens(TicketStatus::Open));
        let reopened = resolved
            .apply(&TicketChange::Status(TicketStatus::Open), later)
            .unwrap();
        assert_eq!(reopened.awaiting_since, Some(later));
        assert!(
            reopened
                .apply(&TicketChange::Status(TicketStatus::New), later)
                .is_err()
        );
    }

    #[test]
    fn tags_are_normalised_and_checked() {
        assert_eq!(
            normalise_tags(&[" VIP ", "vip", "", "rush-order"]).unwrap(),
            vec!["vip", "rush-order"]
        );
        assert!(normalise_tags(&["<script>"]).is_err());
        assert!(normalise_tags(&["x".repeat(31)]).is_err());
        let many: Vec<String> = (0..11).map(|i| format!("t{i}")).collect();
        assert!(normalise_tags(&many).is_err());
    }
}
