//! Delivers the webhook of each new ticket from the outbox the ticket was written with, outside
//! the shopper's request, with retries and exponential backoff. A failed delivery never loses
//! the ticket: it is already stored. Delivery is at least once (several instances may race).

use crate::AppState;
use aurora_core::store::OutboxItem;
use chrono::Duration;
use std::time::Duration as StdDuration;

/// Attempts before a delivery is given up (and logged as such).
pub const MAX_ATTEMPTS: i32 = 10;
const BATCH: u32 = 20;

/// Polls the outbox every `every` and posts what is due to `url`. Runs until dropped.
pub async fn deliver_webhooks(state: AppState, url: String, every: StdDuration) {
    let client = match reqwest::Client::builder()
        .timeout(StdDuration::from_secs(10))
        .build()
    {
        Ok(client) => client,
        Err(error) => {
            tracing::error!(%error, "cannot build the webhook client; webhooks are off");
            return;
        }
    };
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        if !crate::leases::hold(&state, crate::leases::WEBHOOKS).await {
            continue;
        }
        let due = match state.store.due_webhooks(state.now(), BATCH).await {
            Ok(due) => due,
            Err(error) => {
                tracing::warn!(%error, "cannot read the webhook outbox; will retry");
                continue;
            }
        };
        for (i, item) in due.into_iter().enumerate() {
            // Renewed before each delivery after the first (held just above): an instance that
            // lost the lease while delivering the one before (a slow receiver) sends nothing more.
            if i > 0 && !crate::leases::hold(&state, crate::leases::WEBHOOKS).await {
                break;
            }
            deliver(&state, &client, &url, item).await;
        }
    }
}

/// The wait before attempt `n + 1`: 10 s, 20 s, 40 s … at most an hour.
pub fn backoff(attempts: i32) -> Duration {
    let seconds = 10i64.saturating_mul(1i64 << attempts.clamp(0, 20));
    Duration::seconds(seconds.min(3600))
}

/// The id of a delivery, the same on every attempt: a webhook is posted at least once (an
/// instance that dies after posting and before recording it leaves it to be posted again), so a
/// receiver that must not act twice keeps the ids it has seen.
pub const DELIVERY_HEADER: &str = "aurora-delivery";

async fn deliver(state: &AppState, client: &reqwest::Client, url: &str, item: OutboxItem) {
    let result = client
        .post(url)
        .header("content-type", "application/json")
        .header(DELIVERY_HEADER, &item.id)
        .body(item.payload.clone())
        .send()
        .await;
    let error = match result {
        Ok(response) if response.status().is_success() => {
            if let Err(error) = state.store.webhook_delivered(&item.id, state.now()).await {
                tracing::warn!(%error, ticket = item.ticket_ref, "delivered, but could not mark it");
            }
            return;
        }
        Ok(response) => format!("HTTP {}", response.status()),
        Err(error) => error.to_string(),
    };
    crate::metrics::webhook_failure();
    let attempts = item.attempts + 1;
    let retry_at = (attempts < MAX_ATTEMPTS).then(|| state.now() + backoff(attempts));
    if retry_at.is_none() {
        tracing::error!(ticket = item.ticket_ref, attempts, %error, "webhook given up; the ticket is stored");
    } else {
        tracing::warn!(ticket = item.ticket_ref, attempts, %error, "webhook failed; will retry");
    }
    if let Err(error) = state
        .store
        .webhook_failed(&item.id, attempts, retry_at, &error)
        .await
    {
        tracing::warn!(%error, "could not record the webhook failure");
    }
}

#[cfg(test)]
mod tests {
    use super::backoff;
    use chrono::Duration;

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        assert_eq!(backoff(0), Duration::seconds(10));
        assert_eq!(backoff(1), Duration::seconds(20));
        assert_eq!(backoff(3), Duration::seconds(80));
        assert_eq!(backoff(12), Duration::seconds(3600));
    }
}
