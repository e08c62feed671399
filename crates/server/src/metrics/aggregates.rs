//! Every instance writes its per-minute business counts to the database, so the workspace's
//! analytics cover every instance and survive restarts. Each write rewrites this instance's
//! last few minutes (a minute is written again until it is over), so a write repeated or
//! missed loses nothing but, on a hard crash, the counts since the last write.

use crate::AppState;
use std::time::Duration;

/// Minutes rewritten by each write: the current one and the two before it, so a minute that
/// ended between two writes is written whole.
const RECENT: i64 = 3;

/// Every `every`, writes this instance's recent minutes. Runs until dropped.
pub async fn write_aggregates(state: AppState, every: Duration) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        write_once(&state).await;
    }
}

/// One write; a failure is logged and the next write covers it.
pub async fn write_once(state: &AppState) {
    let minutes = state.metrics.aggregates(state.now(), RECENT);
    if let Err(error) = state.store.write_minutes(&state.instance, &minutes).await {
        super::db_error();
        tracing::warn!(%error, "could not write the per-minute analytics; will retry");
    }
}
