use crate::config::{Config, open_store};
use anyhow::{Context, bail};
use aurora_core::catalog::Catalog;
use aurora_core::concierge::{Concierge, ConciergeSettings};
use aurora_core::store::Store;
use aurora_server::{AppState, LimitSettings, ServerSettings, Tokens};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// The settings key that marks a database as the demo's.
pub const DEMO_MARKER: &str = "demo_store";

/// `aurora serve`: a real store's service. Refuses the demo's database.
pub async fn run(config: Config) -> anyhow::Result<ExitCode> {
    let store = open_store(&config).await?;
    if store.setting(DEMO_MARKER).await?.is_some() {
        bail!(
            "{} is the demo store's database; run `aurora demo` for it, or point AURORA_DATABASE_URL at your store's database",
            config.database_display()
        );
    }
    serve(&config, store, false).await
}

/// Serves the app on the configured address until SIGTERM or Ctrl-C.
pub async fn serve(config: &Config, store: Arc<dyn Store>, demo: bool) -> anyhow::Result<ExitCode> {
    let version = store.catalog_version().await?;
    let catalog = Catalog::new(version, store.all_products().await?);
    let settings = ServerSettings {
        demo,
        max_body_bytes: config.max_body_bytes,
        request_timeout: Duration::from_secs(config.request_timeout_seconds),
        allowed_origins: config.origins(),
        trusted_proxies: config.trusted_proxies.parse().map_err(anyhow::Error::msg)?,
        limits: LimitSettings {
            visitor_per_minute: config.rate_limit_visitor_per_minute,
            ip_per_minute: config.rate_limit_ip_per_minute,
            order_lookups_per_15_minutes: config.order_lookups_per_15_minutes,
        },
        webhook_url: config.webhook_url.clone(),
        flags: config.flags(),
        metrics_token: config
            .metrics_token
            .as_ref()
            .map(|t| t.expose().to_string()),
    };
    let concierge = Concierge::new(
        &config.nlu(),
        ConciergeSettings {
            store_name: config.store_name.clone(),
            stylist_response_time: config.stylist_response_time.clone(),
            return_window_days: config.return_window_days,
            contact: config.store_contact.clone(),
            order_number_example: config.order_number_example.clone(),
        },
    )?;
    let secret = config
        .secret_key
        .as_ref()
        .context("AURORA_SECRET_KEY: required")?;
    let tokens = Tokens::new(
        secret.expose(),
        config.identity_secret.as_ref().map(|s| s.expose()),
    );
    let state = AppState::new(store, settings, catalog, concierge, tokens)?;
    aurora_server::refresh_flags(&state).await?;
    let mut background = vec![
        tokio::spawn(aurora_server::watch_catalog(
            state.clone(),
            Duration::from_secs(config.catalog_poll_seconds),
        )),
        tokio::spawn(forget_idle_limits(state.clone())),
        tokio::spawn(aurora_server::watch_flags(
            state.clone(),
            Duration::from_secs(2),
        )),
    ];
    if let Some(url) = &config.webhook_url {
        background.push(tokio::spawn(aurora_server::deliver_webhooks(
            state.clone(),
            url.clone(),
            Duration::from_secs(2),
        )));
    }
    let shutdown = shutdown_signal().context("cannot listen for SIGTERM")?;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("AURORA_LISTEN: cannot listen on {}", config.listen))?;
    let address = listener.local_addr()?;
    tracing::info!(%address, demo, products = state.catalog().products().len(), "listening");
    println!("Aurora Concierge is listening on http://{address}");
    aurora_server::serve(listener, aurora_server::app(state), shutdown).await?;
    for task in background {
        task.abort();
    }
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}

/// Keeps the rate limiters' memory bounded.
async fn forget_idle_limits(state: AppState) {
    let mut ticker = tokio::time::interval(Duration::from_secs(60));
    loop {
        ticker.tick().await;
        state.limits.forget_idle();
    }
}

/// Registers SIGTERM and SIGINT handlers now (so a signal that arrives while starting is not
/// lost), and completes when either arrives.
#[cfg(unix)]
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    Ok(async move {
        tokio::select! {
            _ = terminate.recv() => {},
            _ = interrupt.recv() => {},
        }
        tracing::info!("shutting down: finishing in-flight requests");
    })
}

#[cfg(not(unix))]
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down: finishing in-flight requests");
    })
}
