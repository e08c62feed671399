use crate::config::{Config, open_store};
use anyhow::bail;
use aurora_core::flags::{FLAG_KEY, FlagOverride, FlagSettings};
use aurora_core::services::ServiceError;
use aurora_core::services::flags::{self, FlagChange};
use aurora_core::staff::Actor;
use chrono::Utc;
use std::process::ExitCode;

/// `aurora flags get`: the effective flag, where each value comes from, and recent changes.
pub async fn get(config: Config) -> anyhow::Result<ExitCode> {
    let store = open_store(&config).await?;
    let base = config.flags();
    let change = store.flag_override(FLAG_KEY).await?;
    let effective = base.with(&change);
    let source = |overridden: bool| {
        if overridden {
            "runtime change"
        } else {
            "environment"
        }
    };
    println!("Flag {FLAG_KEY}");
    println!(
        "  enabled (kill switch): {:<5}  from {}",
        effective.enabled,
        source(change.enabled.is_some())
    );
    println!(
        "  rollout percentage:    {:<5}  from {}",
        effective.rollout_percentage,
        source(change.rollout_percentage.is_some())
    );
    println!(
        "  allowed users:         {}  from {}",
        if effective.allowed_users.is_empty() {
            "(none)".to_string()
        } else {
            effective.allowed_users.join(", ")
        },
        source(change.allowed_users.is_some())
    );
    let audit = store.flag_audit(FLAG_KEY, 5).await?;
    if !audit.is_empty() {
        println!("\nRecent changes (newest first):");
        for entry in audit {
            println!(
                "  {}  {}: {}",
                entry.at.format("%Y-%m-%d %H:%M:%S"),
                entry.actor,
                aurora_core::flags::describe_change(&entry.before, &entry.after)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `aurora flags set`: overrides the given values at runtime (every instance follows within
/// seconds), keeping the other overridden values.
pub async fn set(
    config: Config,
    enabled: Option<bool>,
    rollout: Option<u8>,
    allowed_users: Option<String>,
    actor: String,
) -> anyhow::Result<ExitCode> {
    if enabled.is_none() && rollout.is_none() && allowed_users.is_none() {
        bail!("nothing to set: give --enabled, --rollout or --allowed-users");
    }
    let store = open_store(&config).await?;
    let change = FlagChange {
        enabled,
        rollout_percentage: rollout,
        allowed_users: allowed_users.map(|u| u.split(',').map(str::to_string).collect()),
    };
    let (_, after) = flags::change(store.as_ref(), &Actor::cli(&actor), change, Utc::now())
        .await
        .map_err(|error| match error {
            ServiceError::Invalid(problems) => anyhow::anyhow!(
                "{}",
                problems
                    .iter()
                    .map(|p| format!("--{}: {}", p.field.replace('_', "-"), p.message))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            other => other.into(),
        })?;
    print_effective(&config.flags(), &after);
    Ok(ExitCode::SUCCESS)
}

/// `aurora flags reset`: drops the runtime change; the environment's values apply again.
pub async fn reset(config: Config, actor: String) -> anyhow::Result<ExitCode> {
    let store = open_store(&config).await?;
    flags::reset(store.as_ref(), &Actor::cli(&actor), Utc::now()).await?;
    print_effective(&config.flags(), &FlagOverride::default());
    Ok(ExitCode::SUCCESS)
}

fn print_effective(base: &FlagSettings, change: &FlagOverride) {
    let effective = base.with(change);
    println!(
        "{FLAG_KEY}: enabled={} rollout={}% allowed_users={}",
        effective.enabled,
        effective.rollout_percentage,
        effective.allowed_users.len()
    );
}
