use crate::config::{Config, open_store};
use anyhow::bail;
use aurora_core::tokens::Scope;
use std::process::ExitCode;

/// `aurora tokens create --scope S…`: prints the secret once.
pub async fn create(
    config: Config,
    scopes: &[String],
    name: &str,
    user: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let mut parsed = Vec::new();
    for scope in scopes.iter().flat_map(|s| s.split(',')) {
        let scope: Scope = scope.parse()?;
        if !parsed.contains(&scope) {
            parsed.push(scope);
        }
    }
    if name.chars().count() > 200 {
        bail!("--name: at most 200 characters");
    }
    let store = open_store(&config).await?;
    let user_id = match user {
        Some(who) => {
            let user = aurora_core::services::staff::find_user(store.as_ref(), who)
                .await
                .map_err(|e| anyhow::anyhow!("--user: {e}"))?;
            if !user.is_active() {
                bail!("--user: {} is disabled", user.email.as_str());
            }
            Some(user.id)
        }
        None => None,
    };
    let (token, secret) = aurora_server::create_api_token(
        store.as_ref(),
        name.trim(),
        parsed,
        user_id,
        chrono::Utc::now(),
    )
    .await?;
    eprintln!(
        "Created token {} with the scopes {}. Its secret is below; it is shown this once and \
         cannot be recovered (revoke the token and create another if it is lost).",
        token.id,
        token.scope_names()
    );
    println!("{secret}");
    Ok(ExitCode::SUCCESS)
}

/// `aurora tokens list`.
pub async fn list(config: Config) -> anyhow::Result<ExitCode> {
    let store = open_store(&config).await?;
    let tokens = store.tokens().await?;
    if tokens.is_empty() {
        println!("No tokens. Create one with `aurora tokens create --scope orders:write`.");
    }
    let time = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map_or("-".to_string(), |t| t.format("%Y-%m-%d %H:%M").to_string())
    };
    for token in tokens {
        println!(
            "{}  {}  scopes: {}  created {}  last used {}  {}",
            token.id,
            if token.name.is_empty() {
                "(no name)"
            } else {
                &token.name
            },
            token.scope_names(),
            time(Some(token.created_at)),
            time(token.last_used_at),
            match token.revoked_at {
                Some(at) => format!("REVOKED {}", time(Some(at))),
                None => "active".to_string(),
            }
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `aurora tokens revoke ID`.
pub async fn revoke(config: Config, id: &str) -> anyhow::Result<ExitCode> {
    let store = open_store(&config).await?;
    if store.revoke_token(id.trim(), chrono::Utc::now()).await? {
        println!("Revoked {id}: calls with it are refused from now on.");
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("No active token {id}: see `aurora tokens list`.");
        Ok(ExitCode::FAILURE)
    }
}
