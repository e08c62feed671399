use crate::config::{Config, open_store};
use anyhow::bail;
use aurora_core::flags::{FLAG_KEY, FlagOverride, FlagSettings, normalise_users};
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
                "  {}  {}: {} -> {}",
                entry.at.format("%Y-%m-%d %H:%M:%S"),
                entry.actor,
                describe(&entry.before),
                describe(&entry.after)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn describe(change: &FlagOverride) -> String {
    if change.is_empty() {
        return "(environment)".to_string();
    }
    serde_json::to_string(change).unwrap_or_default()
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
    if rollout.is_some_and(|p| p > 100) {
        bail!("--rollout: must be from 0 to 100");
    }
    let store = open_store(&config).await?;
    let mut change = store.flag_override(FLAG_KEY).await?;
    if enabled.is_some() {
        change.enabled = enabled;
    }
    if rollout.is_some() {
        change.rollout_percentage = rollout;
    }
    if let Some(users) = allowed_users {
        let users = normalise_users(users.split(','));
        if let Some(bad) = users
            .iter()
            .find(|u| !aurora_core::concierge::forms::is_email(u))
        {
            bail!("--allowed-users: `{bad}` is not an email address");
        }
        change.allowed_users = Some(users);
    }
    store
        .set_flag_override(FLAG_KEY, &change, &actor, chrono::Utc::now())
        .await?;
    print_effective(&config.flags(), &change);
    Ok(ExitCode::SUCCESS)
}

/// `aurora flags reset`: drops the runtime change; the environment's values apply again.
pub async fn reset(config: Config, actor: String) -> anyhow::Result<ExitCode> {
    let store = open_store(&config).await?;
    store
        .set_flag_override(
            FLAG_KEY,
            &FlagOverride::default(),
            &actor,
            chrono::Utc::now(),
        )
        .await?;
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
