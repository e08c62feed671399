//! The email outbox: replies to shoppers, written with their ticket note and sent from here.

use super::StoreResult;
use crate::tickets::workflow::Note;
use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};

/// An email waiting to be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboundEmail {
    pub id: String,
    /// The ticket it answers.
    pub reference: String,
    pub to: String,
    pub subject: String,
    pub body: String,
    /// Attempts made before this one.
    pub attempts: i32,
}

/// Emails to shoppers, sent with retries.
#[async_trait]
pub trait EmailOutbox: Send + Sync {
    /// Adds `note` to ticket `reference` and `email` to the outbox, in one transaction, due at
    /// `note.at`; `false` (and nothing written) when there is no such ticket.
    async fn add_email_reply(
        &self,
        reference: &str,
        note: &Note,
        email: &OutboundEmail,
    ) -> StoreResult<bool>;
    /// Claims up to `limit` emails due at `now` for `lease` (another instance skips them
    /// meanwhile), counting the attempt.
    async fn claim_emails(
        &self,
        now: DateTime<Utc>,
        lease: Duration,
        limit: u32,
    ) -> StoreResult<Vec<OutboundEmail>>;
    /// Marks an email sent.
    async fn email_sent(&self, id: &str, at: DateTime<Utc>) -> StoreResult<()>;
    /// Records a failed attempt; the email is tried again at `retry_at`.
    async fn email_failed(&self, id: &str, retry_at: DateTime<Utc>, error: &str)
    -> StoreResult<()>;
}
