use crate::config::{Config, open_store};
use anyhow::{Context, bail};
use aurora_core::concierge::ConciergeSettings;
use aurora_core::services::integrations::IntegrationRules;
use aurora_core::store::Store;
use aurora_server::{AppSettings, Application, LimitSettings, ServerSettings};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// The settings key that marks a database as the demo's.
pub const DEMO_MARKER: &str = "demo_store";

/// The demo's workspace owner; its password is in the README, so `aurora serve` refuses a
/// database where it can sign in.
pub const DEMO_OWNER_EMAIL: &str = "owner@gildedgrove.example";
/// The demo owner's password (published: for the demo only).
pub const DEMO_OWNER_PASSWORD: &str = "gilded-grove-demo";

/// `aurora serve`: a real store's service. Refuses the demo's database.
pub async fn run(config: Config) -> anyhow::Result<ExitCode> {
    let store = open_store(&config).await?;
    if store.setting(DEMO_MARKER).await?.is_some() {
        bail!(
            "{} is the demo store's database; run `aurora demo` for it, or point AURORA_DATABASE_URL at your store's database",
            config.database_display()
        );
    }
    if store
        .user_by_email(DEMO_OWNER_EMAIL)
        .await?
        .is_some_and(|(owner, _)| owner.is_active())
    {
        bail!(
            "{} has the demo's owner account ({DEMO_OWNER_EMAIL}), whose password is published in the README; disable it first (`aurora users disable {DEMO_OWNER_EMAIL}` after adding your own owner) or use another database",
            config.database_display()
        );
    }
    serve(&config, store, false).await
}

/// Serves the app on the configured address until SIGTERM or Ctrl-C.
pub async fn serve(config: &Config, store: Arc<dyn Store>, demo: bool) -> anyhow::Result<ExitCode> {
    // Held until the process ends.
    let _instance = aurora_store::lock_instance(&config.database_url)
        .with_context(|| format!("AURORA_DATABASE_URL: {}", config.database_display()))?;
    let app = Application::build(store, app_settings(config, demo)?).await?;
    let shutdown = shutdown_signal().context("cannot listen for SIGTERM")?;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("AURORA_LISTEN: cannot listen on {}", config.listen))?;
    let address = listener.local_addr()?;
    let products = app.state().catalog().products().len();
    tracing::info!(%address, demo, products, "listening");
    println!("Aurora Concierge is listening on http://{address}");
    app.run(listener, shutdown).await?;
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}

/// The application's settings from the configuration.
fn app_settings(config: &Config, demo: bool) -> anyhow::Result<AppSettings> {
    let secret = config
        .secret_key
        .as_ref()
        .context("AURORA_SECRET_KEY: required")?;
    Ok(AppSettings {
        server: ServerSettings {
            demo,
            max_body_bytes: config.max_body_bytes,
            request_timeout: Duration::from_secs(config.request_timeout_seconds),
            allowed_origins: config.origins(),
            trusted_proxies: config.trusted_proxies.parse().map_err(anyhow::Error::msg)?,
            limits: LimitSettings {
                visitor_per_minute: config.rate_limit_visitor_per_minute,
                ip_per_minute: config.rate_limit_ip_per_minute,
                order_lookups_per_15_minutes: config.order_lookups_per_15_minutes,
                sign_ins_per_15_minutes: config.sign_ins_per_15_minutes,
            },
            webhook_url: config.webhook_url.clone(),
            flags: config.flags(),
            metrics_token: config
                .metrics_token
                .as_ref()
                .map(|t| t.expose().to_string()),
            shopify_webhook_secret: config
                .shopify_webhook_secret
                .as_ref()
                .map(|s| s.expose().to_string()),
            integration_max_body_bytes: config.integration_max_body_bytes,
            public_url: config.public_url.clone(),
            sessions: config.sessions(),
            ticket_response_time: chrono::Duration::hours(i64::from(config.ticket_response_hours)),
            smtp: config.smtp(),
            background_lease: ServerSettings::default().background_lease,
            idempotency_lease: chrono::Duration::seconds(
                i64::try_from(config.idempotency_lease_seconds).unwrap_or(86_400),
            ),
        },
        concierge: ConciergeSettings {
            store_name: config.store_name.clone(),
            stylist_response_time: config.stylist_response_time.clone(),
            return_window_days: config.return_window_days,
            contact: config.store_contact.clone(),
            order_number_example: config.order_number_example.clone(),
            currency: config.currency()?,
        },
        nlu: config.nlu(),
        previous_secret_keys: config.previous_secret_keys(),
        previous_identity_secrets: config.previous_identity_secrets(),
        identity_secret: config
            .identity_secret
            .as_ref()
            .map(|s| s.expose().to_string()),
        catalog_poll: Duration::from_secs(config.catalog_poll_seconds),
        integrations: IntegrationRules {
            orders: config.order_rules()?,
            catalog: config.import_options()?,
        },
        order_retention: chrono::Duration::days(i64::from(config.order_retention_days)),
        ..AppSettings::new(secret.expose())
    })
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
