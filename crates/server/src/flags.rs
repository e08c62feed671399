//! The widget flag as this instance sees it: the environment's settings overridden by the
//! runtime change stored in the database, re-read every few seconds so that every instance
//! on one database follows a change without a restart.

use crate::{ApiError, AppState};
use aurora_core::flags::{FLAG_KEY, FlagSettings};
use axum::http::StatusCode;
use std::sync::RwLock;
use std::time::Duration;

/// The flag's base settings and its current effective value.
pub struct Flags {
    base: FlagSettings,
    current: RwLock<FlagSettings>,
}

impl Flags {
    /// Starts from the environment's settings (before any stored override is read).
    pub fn new(base: FlagSettings) -> Self {
        Flags {
            current: RwLock::new(base.clone()),
            base,
        }
    }

    /// The settings from the environment.
    pub fn base(&self) -> &FlagSettings {
        &self.base
    }

    /// The effective settings now.
    pub fn current(&self) -> FlagSettings {
        match self.current.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn set(&self, settings: FlagSettings) {
        match self.current.write() {
            Ok(mut guard) => *guard = settings,
            Err(poisoned) => *poisoned.into_inner() = settings,
        }
    }
}

/// Re-reads the stored override now.
pub async fn refresh(state: &AppState) -> Result<(), aurora_core::store::StoreError> {
    let change = state.store.flag_override(FLAG_KEY).await?;
    let effective = state.flags.base().with(&change);
    if effective != state.flags.current() {
        tracing::info!(
            enabled = effective.enabled,
            rollout_percentage = effective.rollout_percentage,
            allowed_users = effective.allowed_users.len(),
            "flag changed"
        );
    }
    crate::metrics::flag_state(effective.enabled, effective.rollout_percentage);
    state.flags.set(effective);
    Ok(())
}

/// Re-reads the stored override every `every`. Runs until dropped.
pub async fn watch_flags(state: AppState, every: Duration) {
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        if let Err(error) = refresh(&state).await {
            tracing::warn!(%error, "could not read the flag; keeping the last known value");
        }
    }
}

/// 503 `concierge_disabled` while the kill switch is off (new conversations and messages).
pub fn require_enabled(state: &AppState) -> Result<(), ApiError> {
    if state.flags.current().enabled {
        return Ok(());
    }
    Err(ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "concierge_disabled",
        format!(
            "The concierge is paused right now. You can reach us at {}.",
            state.concierge.settings().contact
        ),
    ))
}
