//! The inbox: which tickets a staff member sees, filtered, sorted and a page at a time.

use super::TicketKind;
use super::workflow::{TicketStatus, Workflow};
use crate::staff::TicketVisibility;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// Most tickets on one page.
pub const MAX_PER_PAGE: u32 = 100;
/// Tickets on a page unless asked otherwise.
pub const DEFAULT_PER_PAGE: u32 = 25;

/// Which statuses to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatusFilter {
    /// Everything not resolved (the inbox's default).
    #[default]
    Unresolved,
    Is(TicketStatus),
    Any,
}

/// Whose tickets to show.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum AssigneeFilter {
    #[default]
    Anyone,
    Nobody,
    User(String),
}

/// The order of the inbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InboxSort {
    /// Tickets awaiting an answer first, the longest waiting (so the most overdue) first; then
    /// the rest, newest first.
    #[default]
    Due,
    Newest,
    Oldest,
}

impl InboxSort {
    /// Every order, as offered.
    pub const ALL: [InboxSort; 3] = [InboxSort::Due, InboxSort::Newest, InboxSort::Oldest];

    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            InboxSort::Due => "due",
            InboxSort::Newest => "newest",
            InboxSort::Oldest => "oldest",
        }
    }

    /// How people read it.
    pub fn label(self) -> &'static str {
        match self {
            InboxSort::Due => "Due first",
            InboxSort::Newest => "Newest first",
            InboxSort::Oldest => "Oldest first",
        }
    }
}

/// What the inbox shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxQuery {
    pub kind: Option<TicketKind>,
    pub status: StatusFilter,
    pub assignee: AssigneeFilter,
    /// Created at or after.
    pub created_from: Option<DateTime<Utc>>,
    /// Created before.
    pub created_before: Option<DateTime<Utc>>,
    /// Part of a reference, an email, an order number or a name (case ignored).
    pub text: Option<String>,
    pub sort: InboxSort,
    /// From 1.
    pub page: u32,
    pub per_page: u32,
    pub visibility: TicketVisibility,
}

impl Default for InboxQuery {
    fn default() -> Self {
        InboxQuery {
            kind: None,
            status: StatusFilter::default(),
            assignee: AssigneeFilter::default(),
            created_from: None,
            created_before: None,
            text: None,
            sort: InboxSort::default(),
            page: 1,
            per_page: DEFAULT_PER_PAGE,
            visibility: TicketVisibility::All,
        }
    }
}

impl InboxQuery {
    /// How many matching tickets come before this page.
    pub fn offset(&self) -> u64 {
        u64::from(self.page.max(1) - 1) * u64::from(self.per_page)
    }
}

/// One ticket as the inbox lists it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct InboxRow {
    pub reference: String,
    pub kind: TicketKind,
    pub created_at: DateTime<Utc>,
    pub name: Option<String>,
    pub email: String,
    pub order_number: Option<String>,
    #[serde(flatten)]
    pub workflow: Workflow,
}

/// A page of the inbox and how many tickets match in all.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct InboxPage {
    pub tickets: Vec<InboxRow>,
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
}

impl InboxPage {
    /// How many pages the matching tickets fill.
    pub fn pages(&self) -> u32 {
        u32::try_from(self.total.div_ceil(u64::from(self.per_page.max(1))))
            .unwrap_or(u32::MAX)
            .max(1)
    }
}
