//! The staff audit log: who did what, when, from the workspace, an API token or the command
//! line. Written in the same transaction as the change it records.

use chrono::{DateTime, Utc};
use serde::Serialize;
use std::str::FromStr;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    SignIn,
    SignInFailed,
    SignOut,
    SignOutEverywhere,
    PasswordSet,
    PasswordLinkCreated,
    UserAdded,
    UserRoleChanged,
    UserDisabled,
    FlagChanged,
    TicketStatusChanged,
    TicketAssigned,
    DataExported,
}

impl AuditAction {
    /// Every action.
    pub const ALL: [AuditAction; 13] = [
        AuditAction::SignIn,
        AuditAction::SignInFailed,
        AuditAction::SignOut,
        AuditAction::SignOutEverywhere,
        AuditAction::PasswordSet,
        AuditAction::PasswordLinkCreated,
        AuditAction::UserAdded,
        AuditAction::UserRoleChanged,
        AuditAction::UserDisabled,
        AuditAction::FlagChanged,
        AuditAction::TicketStatusChanged,
        AuditAction::TicketAssigned,
        AuditAction::DataExported,
    ];

    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::SignIn => "sign_in",
            AuditAction::SignInFailed => "sign_in_failed",
            AuditAction::SignOut => "sign_out",
            AuditAction::SignOutEverywhere => "sign_out_everywhere",
            AuditAction::PasswordSet => "password_set",
            AuditAction::PasswordLinkCreated => "password_link_created",
            AuditAction::UserAdded => "user_added",
            AuditAction::UserRoleChanged => "user_role_changed",
            AuditAction::UserDisabled => "user_disabled",
            AuditAction::FlagChanged => "flag_changed",
            AuditAction::TicketStatusChanged => "ticket_status_changed",
            AuditAction::TicketAssigned => "ticket_assigned",
            AuditAction::DataExported => "data_exported",
        }
    }

    /// How people read it.
    pub fn label(self) -> &'static str {
        match self {
            AuditAction::SignIn => "signed in",
            AuditAction::SignInFailed => "failed sign-in",
            AuditAction::SignOut => "signed out",
            AuditAction::SignOutEverywhere => "signed out everywhere",
            AuditAction::PasswordSet => "set a password",
            AuditAction::PasswordLinkCreated => "made a set-password link",
            AuditAction::UserAdded => "added a user",
            AuditAction::UserRoleChanged => "changed a role",
            AuditAction::UserDisabled => "disabled a user",
            AuditAction::FlagChanged => "changed the flag",
            AuditAction::TicketStatusChanged => "changed a ticket's status",
            AuditAction::TicketAssigned => "assigned a ticket",
            AuditAction::DataExported => "exported data",
        }
    }
}

impl FromStr for AuditAction {
    type Err = crate::catalog::UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AuditAction::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| crate::catalog::UnknownName {
                kind: "audit action",
                value: s.to_string(),
            })
    }
}

/// One entry of the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    /// Who, and how they came in (`ana@store.example via workspace`).
    pub actor: String,
    pub action: AuditAction,
    /// What it was done to: a ticket reference, an email, the flag's key.
    pub subject: String,
    /// From what to what, in words.
    pub detail: String,
}

impl AuditEntry {
    /// An entry of now's change.
    pub fn new(
        at: DateTime<Utc>,
        actor: impl Into<String>,
        action: AuditAction,
        subject: impl Into<String>,
        detail: impl Into<String>,
    ) -> Self {
        AuditEntry {
            at,
            actor: actor.into(),
            action,
            subject: subject.into(),
            detail: detail.into(),
        }
    }
}
