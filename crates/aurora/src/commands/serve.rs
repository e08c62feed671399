use crate::config::{Config, open_store};
use anyhow::{Context, bail};
use aurora_core::catalog::Catalog;
use aurora_core::store::Store;
use aurora_server::{AppState, ServerSettings};
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
    };
    let state = AppState::new(store, settings, catalog);
    let watcher = tokio::spawn(aurora_server::watch_catalog(
        state.clone(),
        Duration::from_secs(config.catalog_poll_seconds),
    ));
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("AURORA_LISTEN: cannot listen on {}", config.listen))?;
    let address = listener.local_addr()?;
    tracing::info!(%address, demo, products = state.catalog().products().len(), "listening");
    println!("Aurora Concierge is listening on http://{address}");
    aurora_server::serve(listener, aurora_server::app(state), shutdown_signal()).await?;
    watcher.abort();
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}

/// Completes on SIGTERM or Ctrl-C (SIGINT).
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
