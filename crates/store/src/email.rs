//! The email outbox (see `aurora_core::store::EmailOutbox`).

use crate::SqlStore;
use crate::db::Query;
use aurora_core::store::{EmailOutbox, OutboundEmail, StoreResult};
use aurora_core::tickets::workflow::Note;
use chrono::{DateTime, Duration, Utc};

/// Longest error kept per email.
const ERROR_CHARS: usize = 500;

#[derive(sqlx::FromRow)]
struct DueRow {
    id: String,
    reference: String,
    to_email: String,
    subject: String,
    body: String,
    attempts: i32,
    next_attempt_at: DateTime<Utc>,
}

#[async_trait::async_trait]
impl EmailOutbox for SqlStore {
    async fn add_email_reply(
        &self,
        reference: &str,
        note: &Note,
        email: &OutboundEmail,
    ) -> StoreResult<bool> {
        let _turn = self.writes.enter().await;
        let mut tx = self.db.begin().await?;
        let exists = tx
            .conn()
            .count(Query::new("SELECT COUNT(*) FROM tickets WHERE reference = $1").bind(reference))
            .await?;
        if exists == 0 {
            return Ok(false);
        }
        let note_id = uuid::Uuid::new_v4().to_string();
        tx.conn()
            .execute(
                Query::new(
                    "INSERT INTO ticket_notes (id, reference, at, author, text, email_to) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(note_id.as_str())
                .bind(reference)
                .bind(note.at)
                .bind(note.author.as_str())
                .bind(note.text.as_str())
                .bind(email.to.as_str()),
            )
            .await?;
        tx.conn()
            .execute(
                Query::new(
                    "INSERT INTO email_outbox (id, note_id, reference, to_email, subject, body, \
                     created_at, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
                )
                .bind(email.id.as_str())
                .bind(note_id.as_str())
                .bind(reference)
                .bind(email.to.as_str())
                .bind(email.subject.as_str())
                .bind(email.body.as_str())
                .bind(note.at),
            )
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn claim_emails(
        &self,
        now: DateTime<Utc>,
        lease: Duration,
        limit: u32,
    ) -> StoreResult<Vec<OutboundEmail>> {
        let due: Vec<DueRow> = self
            .db
            .fetch_all(
                Query::new(
                    "SELECT id, reference, to_email, subject, body, attempts, next_attempt_at \
                     FROM email_outbox WHERE sent_at IS NULL AND next_attempt_at <= $1 \
                     ORDER BY next_attempt_at LIMIT $2",
                )
                .bind(now)
                .bind(i64::from(limit)),
            )
            .await?;
        let mut claimed = Vec::with_capacity(due.len());
        for row in due {
            // Only one instance moves the due time it read: that one sends.
            let _turn = self.writes.enter().await;
            let won = self
                .db
                .execute(
                    Query::new(
                        "UPDATE email_outbox SET next_attempt_at = $1, attempts = attempts + 1 \
                         WHERE id = $2 AND sent_at IS NULL AND next_attempt_at = $3",
                    )
                    .bind(now + lease)
                    .bind(row.id.as_str())
                    .bind(row.next_attempt_at),
                )
                .await?;
            if won == 1 {
                claimed.push(OutboundEmail {
                    id: row.id,
                    reference: row.reference,
                    to: row.to_email,
                    subject: row.subject,
                    body: row.body,
                    attempts: row.attempts,
                });
            }
        }
        Ok(claimed)
    }

    async fn email_sent(&self, id: &str, at: DateTime<Utc>) -> StoreResult<()> {
        let _turn = self.writes.enter().await;
        self.db
            .execute(
                Query::new("UPDATE email_outbox SET sent_at = $1, last_error = NULL WHERE id = $2")
                    .bind(at)
                    .bind(id),
            )
            .await?;
        Ok(())
    }

    async fn email_failed(
        &self,
        id: &str,
        retry_at: DateTime<Utc>,
        error: &str,
    ) -> StoreResult<()> {
        let error: String = error.chars().take(ERROR_CHARS).collect();
        let _turn = self.writes.enter().await;
        self.db
            .execute(
                Query::new(
                    "UPDATE email_outbox SET next_attempt_at = $1, last_error = $2 \
                     WHERE id = $3 AND sent_at IS NULL",
                )
                .bind(retry_at)
                .bind(error)
                .bind(id),
            )
            .await?;
        Ok(())
    }
}
