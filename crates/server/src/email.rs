//! Replies to shoppers by email: the email outbox (written with the reply's ticket note) is
//! sent over SMTP with lettre, with retries, so a mail server that is down loses nothing. Any
//! instance may send: each email is claimed for a lease before it is sent.

use crate::AppState;
use aurora_core::store::OutboundEmail;
use chrono::Duration;
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration as StdDuration;

/// Emails claimed per round.
const BATCH: u32 = 20;
/// How long a claimed email is left to its sender before another instance may try it.
const LEASE: Duration = Duration::minutes(2);

/// Where replies go out from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpSettings {
    /// `smtp://host:25` (plain, or STARTTLS with `?tls=required`), `smtps://user:pass@host:465`
    /// (TLS), as lettre reads it.
    pub url: String,
    /// The sender: `Gilded Grove <care@gildedgrove.example>`.
    pub from: String,
}

/// Why the SMTP settings cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SmtpError {
    #[error("AURORA_SMTP_URL: {0}")]
    Url(String),
    #[error("AURORA_SMTP_FROM: {0}")]
    From(String),
}

/// The transport and sender built from the settings.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// Checks and builds the settings (no connection is made yet).
    pub fn new(settings: &SmtpSettings) -> Result<Mailer, SmtpError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&settings.url)
            .map_err(|e| SmtpError::Url(e.to_string()))?
            .timeout(Some(StdDuration::from_secs(20)))
            .build();
        let from = settings
            .from
            .parse::<Mailbox>()
            .map_err(|e| SmtpError::From(e.to_string()))?;
        Ok(Mailer { transport, from })
    }

    async fn send(&self, email: &OutboundEmail) -> Result<(), String> {
        let to = email.to.parse::<Mailbox>().map_err(|e| e.to_string())?;
        let message = Message::builder()
            .from(self.from.clone())
            .reply_to(self.from.clone())
            .to(to)
            .subject(email.subject.as_str())
            .header(ContentType::TEXT_PLAIN)
            .body(email.body.clone())
            .map_err(|e| e.to_string())?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// The wait before attempt `n + 1`: 30 s, 1 min, 2 min … at most an hour; an email is retried
/// until it goes.
pub fn backoff(attempts: i32) -> Duration {
    let seconds = 30i64.saturating_mul(1i64 << attempts.clamp(0, 20));
    Duration::seconds(seconds.min(3600))
}

/// Every `every`, sends the emails that are due, when this instance holds the outbox's lease.
/// Runs until dropped.
pub async fn deliver_emails(state: AppState, mailer: Mailer, every: StdDuration) {
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        if crate::leases::hold(&state, crate::leases::EMAILS).await {
            deliver_emails_once(&state, &mailer).await;
        }
    }
}

/// Sends the emails due now; returns how many went.
pub async fn deliver_emails_once(state: &AppState, mailer: &Mailer) -> usize {
    let due = match state.store.claim_emails(state.now(), LEASE, BATCH).await {
        Ok(due) => due,
        Err(error) => {
            crate::metrics::db_error();
            tracing::warn!(%error, "cannot read the email outbox; will retry");
            return 0;
        }
    };
    let mut sent = 0;
    for email in due {
        let outcome = mailer.send(&email).await;
        let now = state.now();
        let written = match &outcome {
            Ok(()) => {
                sent += 1;
                metrics::counter!("aurora_emails_sent_total").increment(1);
                state.store.email_sent(&email.id, now).await
            }
            Err(error) => {
                metrics::counter!("aurora_email_failures_total").increment(1);
                tracing::warn!(
                    reference = %email.reference,
                    attempt = email.attempts + 1,
                    %error,
                    "an email reply could not be sent; it will be retried"
                );
                let retry_at = now + backoff(email.attempts);
                state.store.email_failed(&email.id, retry_at, error).await
            }
        };
        if let Err(error) = written {
            // The lease runs out and the email is tried again: at worst sent twice.
            tracing::warn!(%error, reference = %email.reference, "cannot record an email's delivery");
        }
    }
    sent
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_to_an_hour() {
        assert_eq!(backoff(0), Duration::seconds(30));
        assert_eq!(backoff(3), Duration::seconds(240));
        assert_eq!(backoff(40), Duration::hours(1));
    }

    #[test]
    #[allow(clippy::unwrap_used)]
    fn bad_settings_are_named() {
        let bad = |url: &str, from: &str| {
            Mailer::new(&SmtpSettings {
                url: url.into(),
                from: from.into(),
            })
            .err()
            .map(|e| e.to_string())
        };
        assert!(
            bad("ftp://x", "a@b.example")
                .unwrap()
                .starts_with("AURORA_SMTP_URL")
        );
        assert!(
            bad("smtp://127.0.0.1:2525", "not an address")
                .unwrap()
                .starts_with("AURORA_SMTP_FROM")
        );
        assert_eq!(
            bad("smtp://127.0.0.1:2525", "Shop <care@shop.example>"),
            None
        );
    }
}
