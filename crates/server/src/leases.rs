//! One instance at a time runs each background job (webhook delivery, the inbox, the email
//! outbox, the idle-conversation sweep, the retention purges): before every round, and before
//! every side effect that must not happen twice, the job holds its lease in the database
//! (`LeaseStore`). The holder renews it; another instance takes it over once it has run out
//! (`background_lease` after the last renewal), or at once after a clean shutdown releases it.
//! With one instance, it always holds every lease.

use crate::AppState;

/// The leased jobs, by their lease names.
pub(crate) const WEBHOOKS: &str = "webhooks";
pub(crate) const INBOX: &str = "inbox";
pub(crate) const EMAILS: &str = "emails";
pub(crate) const IDLE_SWEEP: &str = "idle_sweep";
pub(crate) const PURGE: &str = "purge";

/// Whether this instance runs job `name` now: takes or renews its lease. A database error
/// counts as no (the round is skipped and tried again).
pub(crate) async fn hold(state: &AppState, name: &'static str) -> bool {
    let held = state
        .store
        .hold_lease(
            name,
            &state.instance,
            state.now(),
            state.settings.background_lease,
        )
        .await;
    let token = match held {
        Ok(token) => token,
        Err(error) => {
            crate::metrics::db_error();
            tracing::warn!(%error, job = name, "cannot renew the job's lease; skipping a round");
            None
        }
    };
    let before = state
        .leases_held
        .lock()
        .map_or(None, |mut held| match token {
            Some(token) => held.insert(name, token),
            None => held.remove(name),
        });
    if before != token {
        match token {
            Some(token) => tracing::info!(job = name, token, "this instance runs the job now"),
            None => tracing::info!(job = name, "another instance runs the job now"),
        }
        metrics::gauge!("aurora_background_leader", "job" => name)
            .set(f64::from(u8::from(token.is_some())));
    }
    token.is_some()
}

/// Gives up every lease this instance holds, so another instance takes over at once.
pub(crate) async fn release(state: &AppState) {
    if let Err(error) = state.store.release_leases(&state.instance).await {
        tracing::warn!(%error, "could not release the background jobs' leases; they run out instead");
    }
}
