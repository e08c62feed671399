//! Staff accounts, their sessions and set-password links, and the staff audit log. Every
//! change is written with its audit entry in one transaction.

use super::StoreResult;
use crate::staff::StaffUser;
use crate::staff::audit::AuditEntry;
use crate::staff::session::Session;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// Staff accounts, sessions and the audit log.
#[async_trait]
pub trait StaffStore: Send + Sync {
    /// Adds an account (with its password's hash, when it has one); `Conflict` when the email
    /// (case ignored) has one already.
    async fn insert_user(
        &self,
        user: &StaffUser,
        password_hash: Option<&str>,
        audit: &AuditEntry,
    ) -> StoreResult<()>;
    /// One account by id.
    async fn user(&self, id: &str) -> StoreResult<Option<StaffUser>>;
    /// One account by email (case ignored), with its password's hash when set.
    async fn user_by_email(&self, email: &str) -> StoreResult<Option<(StaffUser, Option<String>)>>;
    /// Every account, by email.
    async fn users(&self) -> StoreResult<Vec<StaffUser>>;
    /// Changes an account's role and disabled time; disabling also ends its sessions and its
    /// set-password link. `Conflict` when no active owner would be left (checked with the
    /// owners locked, so two such changes at once cannot both pass).
    async fn update_user(&self, user: &StaffUser, audit: &AuditEntry) -> StoreResult<()>;
    /// Replaces the account's set-password link (one at a time), with its audit entry.
    async fn set_password_link(
        &self,
        user_id: &str,
        link_hash: &str,
        expires_at: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> StoreResult<()>;
    /// The active account whose unexpired link has this hash.
    async fn password_link_user(
        &self,
        link_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<StaffUser>>;
    /// Sets the password of the active account whose unexpired link has this hash, uses up the
    /// link and ends the account's sessions; `None` when no such link (so a link works once).
    async fn use_password_link(
        &self,
        link_hash: &str,
        password_hash: &str,
        now: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> StoreResult<Option<StaffUser>>;
    /// Sets an account's password and ends its sessions.
    async fn set_password(
        &self,
        user_id: &str,
        password_hash: &str,
        audit: &AuditEntry,
    ) -> StoreResult<()>;

    /// Stores a new session.
    async fn insert_session(&self, session: &Session, audit: &AuditEntry) -> StoreResult<()>;
    /// A session by the hash of its secret.
    async fn session(&self, id_hash: &str) -> StoreResult<Option<Session>>;
    /// Records a session's use.
    async fn touch_session(&self, id_hash: &str, at: DateTime<Utc>) -> StoreResult<()>;
    /// Ends one session.
    async fn delete_session(&self, id_hash: &str, audit: Option<&AuditEntry>) -> StoreResult<()>;
    /// Ends every session of an account.
    async fn delete_sessions_of(&self, user_id: &str, audit: &AuditEntry) -> StoreResult<()>;
    /// Deletes sessions started before `started_before` or unused since `idle_since`; returns
    /// how many.
    async fn purge_sessions(
        &self,
        started_before: DateTime<Utc>,
        idle_since: DateTime<Utc>,
    ) -> StoreResult<u64>;

    /// Writes an entry on its own (a sign-in that failed).
    async fn record_audit(&self, entry: &AuditEntry) -> StoreResult<()>;
    /// The log, newest first, `limit` entries before `before` (all when `None`).
    async fn audit_log(
        &self,
        limit: u32,
        before: Option<DateTime<Utc>>,
    ) -> StoreResult<Vec<AuditEntry>>;
}
