//! `aurora users …`: staff accounts of the support workspace, from the server's shell (which
//! may do anything, and is named in the audit log as `NAME via cli`).

use crate::config::{Config, open_store};
use anyhow::{Context, bail};
use aurora_core::services::{ServiceError, staff};
use aurora_core::staff::{Actor, Role};
use std::io::BufRead;
use std::process::ExitCode;

/// A use case's refusal as the command line says it.
fn refused(error: ServiceError) -> anyhow::Error {
    match error {
        ServiceError::Invalid(problems) => anyhow::anyhow!(
            "{}",
            problems
                .iter()
                .map(|p| format!("{}: {}", p.field, p.message))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        other => anyhow::anyhow!("{other}"),
    }
}

/// `aurora users add EMAIL --role ROLE [--password-stdin]`.
pub async fn add(
    config: Config,
    email: &str,
    role: &str,
    password_stdin: bool,
    actor: &str,
) -> anyhow::Result<ExitCode> {
    let role: Role = role.parse()?;
    let password = if password_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("cannot read the password from stdin")?;
        let line = line.trim_end_matches(['\n', '\r']).to_string();
        if line.is_empty() {
            bail!("--password-stdin: stdin was empty");
        }
        Some(line)
    } else {
        None
    };
    let store = open_store(&config).await?;
    let now = chrono::Utc::now();
    let user = staff::add_user(
        store.as_ref(),
        &Actor::cli(actor),
        email,
        role,
        password.as_deref(),
        now,
    )
    .await
    .map_err(refused)?;
    if password.is_some() {
        println!("Added {} as {}.", user.email.as_str(), user.role);
    } else {
        let (_, link) = aurora_server::password_link(
            store.as_ref(),
            &Actor::cli(actor),
            &user.id,
            &config.base_url(),
            now,
        )
        .await
        .map_err(refused)?;
        eprintln!(
            "Added {} as {}. Give them this link to set their password; it is shown this once \
             and works for 3 days (`aurora users link {}` makes a new one):",
            user.email.as_str(),
            user.role,
            user.email.as_str()
        );
        println!("{link}");
    }
    Ok(ExitCode::SUCCESS)
}

/// `aurora users list`.
pub async fn list(config: Config) -> anyhow::Result<ExitCode> {
    let store = open_store(&config).await?;
    let users = staff::users(store.as_ref(), &Actor::cli("cli"))
        .await
        .map_err(refused)?;
    if users.is_empty() {
        println!("No staff accounts. Add one with `aurora users add EMAIL --role owner`.");
    }
    for user in users {
        let state = match (user.is_active(), user.password_set) {
            (false, _) => "disabled",
            (true, true) => "active",
            (true, false) => "waiting for a password",
        };
        println!(
            "{}  {:<7}  {}  {}",
            user.email.as_str(),
            user.role.as_str(),
            state,
            user.id
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `aurora users disable WHO`.
pub async fn disable(config: Config, who: &str, actor: &str) -> anyhow::Result<ExitCode> {
    let store = open_store(&config).await?;
    let user = staff::disable(store.as_ref(), &Actor::cli(actor), who, chrono::Utc::now())
        .await
        .map_err(refused)?;
    println!(
        "Disabled {}: it can no longer sign in, and its sessions have ended.",
        user.email.as_str()
    );
    Ok(ExitCode::SUCCESS)
}

/// `aurora users role WHO ROLE`.
pub async fn role(config: Config, who: &str, role: &str, actor: &str) -> anyhow::Result<ExitCode> {
    let role: Role = role.parse()?;
    let store = open_store(&config).await?;
    let user = staff::change_role(
        store.as_ref(),
        &Actor::cli(actor),
        who,
        role,
        chrono::Utc::now(),
    )
    .await
    .map_err(refused)?;
    println!("{} is now {}.", user.email.as_str(), user.role);
    Ok(ExitCode::SUCCESS)
}

/// `aurora users link WHO`.
pub async fn link(config: Config, who: &str, actor: &str) -> anyhow::Result<ExitCode> {
    let store = open_store(&config).await?;
    let (user, link) = aurora_server::password_link(
        store.as_ref(),
        &Actor::cli(actor),
        who,
        &config.base_url(),
        chrono::Utc::now(),
    )
    .await
    .map_err(refused)?;
    eprintln!(
        "A set-password link for {}, shown this once, valid 3 days (earlier links stop working):",
        user.email.as_str()
    );
    println!("{link}");
    Ok(ExitCode::SUCCESS)
}
