//! Staff: the people who work the store's tickets and settings in the workspace, each with a
//! role, and the [`Actor`] every staff use case is called by (a signed-in person or an API
//! token). A role is a set of [`Scope`]s, so a person and a token are checked by one rule.

pub mod audit;
pub mod password;
pub mod session;

use crate::email::Email;
use crate::services::ServiceError;
use crate::tokens::{ApiToken, Scope};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What a staff member may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything, including staff accounts and the staff audit log.
    Owner,
    /// The widget's flags, plus everything an agent does.
    Admin,
    /// Every ticket; analytics and CSAT.
    Agent,
    /// Stylist tickets and the tickets assigned to them.
    Stylist,
    /// Analytics and CSAT, read-only.
    Viewer,
}

impl Role {
    /// Every role, most powerful first.
    pub const ALL: [Role; 5] = [
        Role::Owner,
        Role::Admin,
        Role::Agent,
        Role::Stylist,
        Role::Viewer,
    ];

    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Agent => "agent",
            Role::Stylist => "stylist",
            Role::Viewer => "viewer",
        }
    }

    /// What the role may do.
    pub fn scopes(self) -> &'static [Scope] {
        use Scope::*;
        match self {
            Role::Owner => &[
                TicketsRead,
                TicketsWrite,
                FlagsRead,
                FlagsWrite,
                ConversationsRead,
                AnalyticsRead,
                UsersWrite,
            ],
            Role::Admin => &[
                TicketsRead,
                TicketsWrite,
                FlagsRead,
                FlagsWrite,
                ConversationsRead,
                AnalyticsRead,
            ],
            Role::Agent => &[TicketsRead, TicketsWrite, ConversationsRead, AnalyticsRead],
            Role::Stylist => &[TicketsRead, TicketsWrite],
            Role::Viewer => &[AnalyticsRead],
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A role name this build does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role `{0}`: use one of owner, admin, agent, stylist, viewer")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == s.trim())
            .ok_or_else(|| UnknownRole(s.to_string()))
    }
}

/// A staff account as stored (without its password).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct StaffUser {
    pub id: String,
    #[schema(value_type = String)]
    pub email: Email,
    pub role: Role,
    pub created_at: DateTime<Utc>,
    /// Set once the account is disabled: it can no longer sign in, and its sessions are gone.
    pub disabled_at: Option<DateTime<Utc>>,
    /// Whether a password has been set (an account made with a set-password link has none until
    /// the link is used).
    pub password_set: bool,
}

impl StaffUser {
    /// A new account's id.
    pub fn new_id() -> String {
        format!("usr_{:016x}", rand::random::<u64>())
    }

    /// Whether the account may act (not disabled).
    pub fn is_active(&self) -> bool {
        self.disabled_at.is_none()
    }
}

/// How an actor came in, for the audit log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// Signed in to the workspace.
    Workspace,
    /// An API token.
    Token,
    /// The `aurora` command line, run on the server.
    Cli,
}

impl Via {
    /// The stable name shown in the audit log.
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Workspace => "workspace",
            Via::Token => "api",
            Via::Cli => "cli",
        }
    }
}

/// Which tickets an actor may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TicketVisibility {
    All,
    /// Stylist tickets, and any ticket assigned to this user.
    StylistOrAssignedTo(String),
}

/// Who calls a staff use case: a person signed in, a token (bound to a person or not), or the
/// command line. What they may do is their scopes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The person, when there is one.
    pub user: Option<StaffUser>,
    /// Who it is in the audit log (an email, `token tok_… (name)`, or the shell user).
    pub name: String,
    pub via: Via,
    scopes: Vec<Scope>,
}

impl Actor {
    /// A person signed in to the workspace; a disabled account may do nothing.
    pub fn user(user: StaffUser) -> Actor {
        let scopes = if user.is_active() {
            user.role.scopes().to_vec()
        } else {
            Vec::new()
        };
        Actor {
            name: user.email.as_str().to_string(),
            user: Some(user),
            via: Via::Workspace,
            scopes,
        }
    }

    /// A token; bound to a person, it may do only what both the token and the person's role
    /// allow (nothing once the person is disabled).
    pub fn token(token: &ApiToken, user: Option<StaffUser>) -> Actor {
        let scopes = token
            .scopes
            .iter()
            .copied()
            .filter(|scope| token.allows(*scope))
            .filter(|scope| {
                user.as_ref()
                    .is_none_or(|u| u.is_active() && u.role.scopes().contains(scope))
            })
            .collect();
        let name = match &user {
            Some(user) => format!("{} (token {})", user.email.as_str(), token.id),
            None if token.name.is_empty() => format!("token {}", token.id),
            None => format!("token {} ({})", token.id, token.name),
        };
        Actor {
            user,
            name,
            via: Via::Token,
            scopes,
        }
    }

    /// Someone at the server's shell, who may do anything the command line offers.
    pub fn cli(name: &str) -> Actor {
        Actor {
            user: None,
            name: name.to_string(),
            via: Via::Cli,
            scopes: Scope::ALL.to_vec(),
        }
    }

    /// Whether the actor may do what `scope` covers.
    pub fn allows(&self, scope: Scope) -> bool {
        self.scopes.contains(&scope)
    }

    /// Passes when the actor has `scope`.
    pub fn require(&self, scope: Scope) -> Result<(), ServiceError> {
        if self.allows(scope) {
            Ok(())
        } else {
            Err(ServiceError::Forbidden(scope))
        }
    }

    /// The person's id, when there is a person.
    pub fn user_id(&self) -> Option<&str> {
        self.user.as_ref().map(|u| u.id.as_str())
    }

    /// The role of the person, when there is a person.
    pub fn role(&self) -> Option<Role> {
        self.user.as_ref().map(|u| u.role)
    }

    /// Which tickets the actor may see.
    pub fn ticket_visibility(&self) -> TicketVisibility {
        match &self.user {
            Some(user) if user.role == Role::Stylist => {
                TicketVisibility::StylistOrAssignedTo(user.id.clone())
            }
            _ => TicketVisibility::All,
        }
    }

    /// Who the actor is in an audit entry: the name and how they came in.
    pub fn audit_name(&self) -> String {
        format!("{} via {}", self.name, self.via.as_str())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn user(role: Role) -> StaffUser {
        StaffUser {
            id: "usr_1".into(),
            email: Email::parse("ana@store.example").unwrap(),
            role,
            created_at: Utc::now(),
            disabled_at: None,
            password_set: true,
        }
    }

    #[test]
    fn roles_read_back_from_their_names() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>().unwrap(), role);
        }
        assert!("root".parse::<Role>().is_err());
    }

    #[test]
    fn a_bound_token_may_do_only_what_its_person_may() {
        let token = ApiToken {
            id: "tok_1".into(),
            name: "zap".into(),
            scopes: vec![Scope::TicketsRead, Scope::FlagsWrite],
            user_id: Some("usr_1".into()),
            created_at: Utc::now(),
            last_used_at: None,
            revoked_at: None,
        };
        let agent = Actor::token(&token, Some(user(Role::Agent)));
        assert!(agent.allows(Scope::TicketsRead));
        assert!(
            !agent.allows(Scope::FlagsWrite),
            "agents cannot change flags"
        );
        let unbound = Actor::token(&token, None);
        assert!(unbound.allows(Scope::FlagsWrite));
        let mut disabled = user(Role::Owner);
        disabled.disabled_at = Some(Utc::now());
        assert!(!Actor::token(&token, Some(disabled.clone())).allows(Scope::TicketsRead));
        assert!(!Actor::user(disabled).allows(Scope::TicketsRead));
    }

    #[test]
    fn a_stylist_sees_stylist_tickets_and_their_own() {
        assert_eq!(
            Actor::user(user(Role::Stylist)).ticket_visibility(),
            TicketVisibility::StylistOrAssignedTo("usr_1".into())
        );
        assert_eq!(
            Actor::user(user(Role::Agent)).ticket_visibility(),
            TicketVisibility::All
        );
    }
}
