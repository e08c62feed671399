//! Changing the widget's flag (the kill switch, the rollout percentage, the beta allow-list),
//! from the workspace, an API token or the command line: one rule, one audit.

use super::ServiceError;
use crate::concierge::forms::Invalid;
use crate::flags::{FLAG_KEY, FlagOverride, normalise_users};
use crate::staff::Actor;
use crate::store::FlagStore;
use crate::tokens::Scope;
use chrono::{DateTime, Utc};

/// What to change; what is `None` stays as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FlagChange {
    pub enabled: Option<bool>,
    pub rollout_percentage: Option<u8>,
    /// Emails, in any case, with spaces or empties (normalised here).
    pub allowed_users: Option<Vec<String>>,
}

/// Applies `change` on top of the stored override and writes it with its audit entries;
/// returns the override before and after. Every instance follows within its flag poll.
pub async fn change(
    store: &dyn FlagStore,
    actor: &Actor,
    change: FlagChange,
    now: DateTime<Utc>,
) -> Result<(FlagOverride, FlagOverride), ServiceError> {
    actor.require(Scope::FlagsWrite)?;
    let mut problems = Vec::new();
    if change.rollout_percentage.is_some_and(|p| p > 100) {
        problems.push(Invalid::new("rollout_percentage", "must be from 0 to 100"));
    }
    let users = change
        .allowed_users
        .as_ref()
        .map(|users| normalise_users(users.iter().map(String::as_str)));
    if let Some(bad) = users
        .iter()
        .flatten()
        .find(|u| !crate::concierge::forms::is_email(u))
    {
        problems.push(Invalid::new(
            "allowed_users",
            format!("`{bad}` is not an email address"),
        ));
    }
    if !problems.is_empty() {
        return Err(ServiceError::Invalid(problems));
    }
    let fields = FlagOverride {
        enabled: change.enabled,
        rollout_percentage: change.rollout_percentage,
        allowed_users: users,
    };
    Ok(store
        .change_flag_override(FLAG_KEY, &fields, &actor.audit_name(), now)
        .await?)
}

/// Drops the runtime change: the environment's values apply again.
pub async fn reset(
    store: &dyn FlagStore,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<FlagOverride, ServiceError> {
    actor.require(Scope::FlagsWrite)?;
    Ok(store
        .set_flag_override(FLAG_KEY, &FlagOverride::default(), &actor.audit_name(), now)
        .await?)
}
