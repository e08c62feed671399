//! Forgets what is kept only for a while: orders older than the retention setting, inbox
//! deliveries processed more than a week ago (platforms stop redelivering within hours),
//! per-minute analytics older than 35 days (rolled up into days first), and workspace sessions
//! that have ended. Every instance may run it: a delete that finds nothing is
//! harmless.

use crate::AppState;
use aurora_core::services;
use chrono::Duration;
use std::time::Duration as StdDuration;

/// How long processed deliveries are kept, so that a redelivery is recognised.
const KEEP_DELIVERIES: Duration = Duration::days(7);

/// How long the per-minute analytics are kept (their per-day sums are kept for good).
pub const KEEP_MINUTES: Duration = Duration::days(35);

/// Purges every `every` (first at start), when this instance holds the purge's lease. Runs
/// until dropped.
pub async fn purge_old_data(state: AppState, retention: Duration, every: StdDuration) {
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        if crate::leases::hold(&state, crate::leases::PURGE).await {
            purge_once(&state, retention).await;
        }
    }
}

/// One purge; failures are logged and retried next time.
pub async fn purge_once(state: &AppState, retention: Duration) {
    match services::orders::purge(state.store.as_ref(), state.now(), retention).await {
        Ok(0) => {}
        Ok(purged) => tracing::info!(purged, "orders past the retention period deleted"),
        Err(error) => tracing::warn!(%error, "could not purge old orders; will retry"),
    }
    if let Err(error) = state
        .store
        .purge_deliveries(state.now() - KEEP_DELIVERIES)
        .await
    {
        tracing::warn!(%error, "could not purge old inbox deliveries; will retry");
    }
    if let Err(error) =
        services::insight::purge_minutes(state.store.as_ref(), state.now() - KEEP_MINUTES).await
    {
        tracing::warn!(%error, "could not purge old per-minute analytics; will retry");
    }
    let rules = state.settings.sessions;
    let now = state.now();
    if let Err(error) = state
        .store
        .purge_sessions(now - rules.absolute, now - rules.idle)
        .await
    {
        tracing::warn!(%error, "could not purge ended workspace sessions; will retry");
    }
}
