//! The inbox processor: a background job on every instance that claims due deliveries (a
//! lease, and `FOR UPDATE SKIP LOCKED` on PostgreSQL, so no two instances apply one delivery)
//! and applies them in the order they came. A delivery that may work later (the database
//! failed; a fulfilment came before its order) is retried with backoff; one that never will is
//! set aside with its reason. A crash mid-delivery leaves it claimed until its lease ends, then
//! another processor takes it.

use crate::AppState;
use aurora_core::services::integrations::{
    Applied, Incoming, IntegrationRules, NotApplied, apply_shopify,
};
use aurora_core::store::{ClaimedDelivery, OrderWrite};
use chrono::Duration;
use std::time::Duration as StdDuration;

/// Deliveries claimed at a time.
const BATCH: u32 = 200;
/// How long a claim keeps other processors off a delivery.
const LEASE: Duration = Duration::seconds(60);
/// Attempts before a delivery is set aside (Shopify itself gives up after 8 over 4 hours).
pub const MAX_ATTEMPTS: i32 = 10;
/// Attempts of a delivery waiting for another (a fulfilment for its order: 4 + 8 + 16 + 32 s)
/// before it is dropped as one whose other never comes.
pub const WAIT_ATTEMPTS: i32 = 5;
/// How often the inbox gauges are refreshed while there is nothing to do.
const COUNT_EVERY: StdDuration = StdDuration::from_secs(30);

/// Applies deliveries as they come (a new one wakes it) and at least every `every` (retries,
/// and deliveries another instance received). Runs until dropped.
pub async fn process_inbox(state: AppState, rules: IntegrationRules, every: StdDuration) {
    let mut counted_at: Option<std::time::Instant> = None;
    loop {
        let claimed_any = crate::leases::hold(&state, crate::leases::INBOX).await
            && process_due(&state, &rules).await;
        // The gauges change with the work done here, or with another instance's: counted after
        // work, and every half minute otherwise (not on every idle poll).
        if claimed_any || counted_at.is_none_or(|at| at.elapsed() >= COUNT_EVERY) {
            counted_at = Some(std::time::Instant::now());
            match state.store.inbox_counts().await {
                Ok(counts) => crate::metrics::integration_inbox(counts.pending, counts.failed),
                Err(error) => tracing::warn!(%error, "cannot count the integration inbox"),
            }
        }
        let _ = tokio::time::timeout(every, state.inbox.notified()).await;
    }
}

/// Applies batches until the inbox has nothing due; whether it claimed any delivery.
async fn process_due(state: &AppState, rules: &IntegrationRules) -> bool {
    let mut claimed_any = false;
    loop {
        // On a task of its own: a delivery that panics the processor ends its batch, not the
        // processor (the batch is claimed again when its lease ends, one attempt used).
        let batch = tokio::spawn({
            let (state, rules) = (state.clone(), rules.clone());
            async move { process_batch(&state, &rules).await }
        });
        match batch.await {
            Ok(Ok(claimed)) => {
                claimed_any |= claimed > 0;
                if claimed < BATCH as usize {
                    return claimed_any;
                }
            }
            Ok(Err(error)) => {
                tracing::warn!(%error, "cannot read the integration inbox; will retry");
                return claimed_any;
            }
            Err(error) => {
                tracing::error!(%error, "the inbox processor failed on a batch; it is retried after its lease");
                return claimed_any;
            }
        }
    }
}

/// Claims and applies one batch; returns how many were claimed.
async fn process_batch(
    state: &AppState,
    rules: &IntegrationRules,
) -> Result<usize, aurora_core::store::StoreError> {
    let claimed = state
        .store
        .claim_deliveries(state.now(), LEASE, BATCH)
        .await?;
    if claimed.is_empty() {
        return Ok(0);
    }
    // A delivery claimed more often than it may be tried never finished (its processing
    // crashed every time): it is given up without another try.
    let (runaway, claimed): (Vec<_>, Vec<_>) =
        claimed.into_iter().partition(|c| c.attempts > MAX_ATTEMPTS);
    let count = runaway.len() + claimed.len();
    let mut done = Vec::with_capacity(count);
    for item in &runaway {
        let why = "its processing never finished".to_string();
        let given_up = Err(NotApplied::Retry(why));
        if let Some(failure) = settle(state, item, given_up).await {
            done.push((item.delivery.id.clone(), failure));
        }
    }
    let deliveries: Vec<Incoming<'_>> = (claimed.iter())
        .map(|c| Incoming {
            topic: &c.delivery.topic,
            body: &c.delivery.body,
            received_at: c.delivery.received_at,
        })
        .collect();
    let results = apply_shopify(state.store.as_ref(), rules, &deliveries).await;
    for (item, result) in claimed.iter().zip(results) {
        if let Some(failure) = settle(state, item, result).await {
            done.push((item.delivery.id.clone(), failure));
        }
    }
    if let Err(error) = state.store.deliveries_processed(&done, state.now()).await {
        // Applied but not marked: they are applied again after their lease, which changes
        // nothing (orders never go backwards; products are written whole).
        tracing::warn!(%error, "could not mark deliveries processed");
    }
    Ok(count)
}

/// The wait before attempt `n + 1`: 2 s, 4 s, 8 s … at most 10 minutes.
pub fn backoff(attempts: i32) -> Duration {
    let seconds = 2i64.saturating_mul(1i64 << attempts.clamp(0, 20));
    Duration::seconds(seconds.min(600))
}

/// Logs and counts what became of a delivery; schedules a retry, or returns it to be marked
/// processed with its failure (`Some(None)` when it succeeded).
async fn settle(
    state: &AppState,
    item: &ClaimedDelivery,
    result: Result<Applied, NotApplied>,
) -> Option<Option<String>> {
    let delivery = &item.delivery;
    let (topic, id) = (delivery.topic.as_str(), delivery.delivery_id.as_str());
    let kind = match topic.split('/').next() {
        Some("orders") => "orders",
        Some("fulfillments") => "fulfillments",
        Some("products") => "products",
        _ => "other",
    };
    let (outcome, failure) = match result {
        Ok(Applied::Order(OrderWrite::Stale)) => ("stale", None),
        Ok(Applied::Order(_) | Applied::Catalog) => ("applied", None),
        Ok(Applied::Ignored(why)) => {
            tracing::info!(topic, delivery = id, why, "delivery ignored");
            ("ignored", None)
        }
        Err(NotApplied::Rejected(why)) => {
            tracing::warn!(topic, delivery = id, why, "delivery rejected");
            ("rejected", Some(why))
        }
        Err(NotApplied::Waiting(why)) if item.attempts >= WAIT_ATTEMPTS => {
            tracing::info!(
                topic,
                delivery = id,
                why,
                "delivery dropped: what it waited for never came"
            );
            ("ignored", None)
        }
        Err(NotApplied::Retry(why) | NotApplied::Waiting(why)) => {
            let attempts = item.attempts;
            if attempts < MAX_ATTEMPTS {
                tracing::info!(
                    topic,
                    delivery = id,
                    attempts,
                    why,
                    "delivery will be retried"
                );
                crate::metrics::integration_processed(kind, "retried");
                let at = state.now() + backoff(attempts);
                let retry = state.store.delivery_retry(&delivery.id, at, &why);
                if let Err(error) = retry.await {
                    tracing::warn!(%error, "could not record the retry; the lease will end it");
                }
                return None;
            }
            tracing::error!(topic, delivery = id, attempts, why, "delivery given up");
            ("given_up", Some(why))
        }
    };
    crate::metrics::integration_processed(kind, outcome);
    Some(failure)
}

#[cfg(test)]
mod tests {
    use super::backoff;
    use chrono::Duration;

    #[test]
    fn backoff_doubles_up_to_ten_minutes() {
        assert_eq!(backoff(1), Duration::seconds(4));
        assert_eq!(backoff(3), Duration::seconds(16));
        assert_eq!(backoff(12), Duration::seconds(600));
    }
}
