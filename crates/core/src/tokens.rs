//! API tokens for systems that call Aurora (a platform pushing orders, staff automation): each
//! carries scopes, the things it may do. The secret is shown once when the token is made and
//! stored only as a hash. Staff roles are sets of the same scopes (`crate::staff::Role`), so a
//! signed-in person and a token are checked alike.

use chrono::{DateTime, Utc};
use std::fmt;
use std::str::FromStr;

/// Something a token may do. New scopes are added here; a token only ever has the scopes it
/// was created with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    /// Create and update orders (`PUT /api/integrations/orders/{number}`).
    OrdersWrite,
    /// Read tickets, their transcripts and notes.
    TicketsRead,
    /// Change a ticket's status, assignee and tags; add notes.
    TicketsWrite,
    /// Read the widget's flag and its changes.
    FlagsRead,
    /// Change the widget's flag (kill switch, rollout, allow-list).
    FlagsWrite,
    /// Read every conversation with what each message was understood as.
    ConversationsRead,
    /// Read analytics and CSAT.
    AnalyticsRead,
    /// Manage staff accounts and read the staff audit log.
    UsersWrite,
}

impl Scope {
    /// Every scope.
    pub const ALL: [Scope; 8] = [
        Scope::OrdersWrite,
        Scope::TicketsRead,
        Scope::TicketsWrite,
        Scope::FlagsRead,
        Scope::FlagsWrite,
        Scope::ConversationsRead,
        Scope::AnalyticsRead,
        Scope::UsersWrite,
    ];

    /// The scope's name (`orders:write`).
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::OrdersWrite => "orders:write",
            Scope::TicketsRead => "tickets:read",
            Scope::TicketsWrite => "tickets:write",
            Scope::FlagsRead => "flags:read",
            Scope::FlagsWrite => "flags:write",
            Scope::ConversationsRead => "conversations:read",
            Scope::AnalyticsRead => "analytics:read",
            Scope::UsersWrite => "users:write",
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A scope name this build does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown scope `{0}`: use one of {list}", list = Scope::ALL.map(Scope::as_str).join(", "))]
pub struct UnknownScope(pub String);

impl FromStr for Scope {
    type Err = UnknownScope;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Scope::ALL
            .into_iter()
            .find(|scope| scope.as_str() == s.trim())
            .ok_or_else(|| UnknownScope(s.to_string()))
    }
}

/// A token as stored (without its secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub id: String,
    /// What it is for, for people ("WooCommerce orders sync").
    pub name: String,
    pub scopes: Vec<Scope>,
    /// The staff user it acts for, when bound to one.
    pub user_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl ApiToken {
    /// Whether it may be used for `scope` (it is not revoked and carries the scope).
    pub fn allows(&self, scope: Scope) -> bool {
        self.revoked_at.is_none() && self.scopes.contains(&scope)
    }

    /// The scopes as stored and shown: names joined by spaces.
    pub fn scope_names(&self) -> String {
        self.scopes
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn scopes_read_back_from_their_names_and_unknown_ones_are_refused() {
        for scope in Scope::ALL {
            assert_eq!(scope.as_str().parse::<Scope>().unwrap(), scope);
        }
        let error = "orders:delete".parse::<Scope>().unwrap_err();
        assert_eq!(
            error.to_string(),
            "unknown scope `orders:delete`: use one of orders:write, tickets:read, tickets:write, \
             flags:read, flags:write, conversations:read, analytics:read, users:write"
        );
    }

    #[test]
    fn a_revoked_token_allows_nothing() {
        let mut token = ApiToken {
            id: "t".into(),
            name: "sync".into(),
            scopes: vec![Scope::OrdersWrite],
            user_id: None,
            created_at: Utc::now(),
            last_used_at: None,
            revoked_at: None,
        };
        assert!(token.allows(Scope::OrdersWrite));
        token.revoked_at = Some(Utc::now());
        assert!(!token.allows(Scope::OrdersWrite));
    }
}
