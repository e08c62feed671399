//! The one place the application is put together: from a store and the settings, the catalog
//! and its index, the concierge, the tokens, the state, the router and the background jobs.
//! The binary serves what [`Application::build`] returns; the tests drive the same thing.

use crate::identity::Tokens;
use crate::state::{AppState, ServerSettings};
use aurora_core::catalog::Catalog;
use aurora_core::catalog::search::SearchError;
use aurora_core::concierge::{Concierge, ConciergeSettings};
use aurora_core::store::{Store, StoreError};
use axum::Router;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// Everything the application is built from besides its store.
#[derive(Debug, Clone)]
pub struct AppSettings {
    /// What the HTTP layer needs.
    pub server: ServerSettings,
    /// The concierge's store-specific words and rules.
    pub concierge: ConciergeSettings,
    /// Message-understanding settings.
    pub nlu: aurora_nlu::NluConfig,
    /// Signs visitor tokens.
    pub secret_key: String,
    /// Earlier values of `secret_key`: their visitor tokens still verify (and are renewed).
    pub previous_secret_keys: Vec<String>,
    /// Verifies the store's identity tokens for signed-in shoppers.
    pub identity_secret: Option<String>,
    /// Earlier values of `identity_secret`, still accepted while the store rotates it.
    pub previous_identity_secrets: Vec<String>,
    /// How often each instance looks for a new catalog import.
    pub catalog_poll: Duration,
    /// How often each instance reads the stored flag change.
    pub flags_poll: Duration,
    /// How often due webhooks are sent.
    pub webhook_poll: Duration,
    /// How often idle conversations are ended and the conversation gauges refreshed.
    pub idle_sweep: Duration,
    /// How platform deliveries are read into orders and products.
    pub integrations: aurora_core::services::integrations::IntegrationRules,
    /// How often the inbox is looked at besides when a delivery wakes it.
    pub inbox_poll: Duration,
    /// Orders placed longer ago are deleted.
    pub order_retention: chrono::Duration,
    /// How often old orders and deliveries are purged.
    pub purge_every: Duration,
    /// How often each instance writes its per-minute analytics.
    pub aggregates_every: Duration,
    /// How often due emails are sent (with SMTP set up).
    pub email_poll: Duration,
}

impl AppSettings {
    /// Defaults for everything but the secret key.
    pub fn new(secret_key: impl Into<String>) -> Self {
        AppSettings {
            server: ServerSettings::default(),
            concierge: ConciergeSettings::default(),
            nlu: aurora_nlu::NluConfig::default(),
            secret_key: secret_key.into(),
            previous_secret_keys: Vec::new(),
            identity_secret: None,
            previous_identity_secrets: Vec::new(),
            catalog_poll: Duration::from_secs(5),
            flags_poll: Duration::from_secs(2),
            webhook_poll: Duration::from_secs(2),
            idle_sweep: Duration::from_secs(60),
            integrations: Default::default(),
            inbox_poll: Duration::from_secs(1),
            order_retention: chrono::Duration::days(730),
            purge_every: Duration::from_secs(3600),
            aggregates_every: Duration::from_secs(15),
            email_poll: Duration::from_secs(2),
        }
    }
}

/// Why the application could not be built.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot index the catalog: {0}")]
    Search(#[from] SearchError),
    #[error(transparent)]
    Settings(#[from] aurora_nlu::ConfigError),
    #[error(transparent)]
    Smtp(#[from] crate::email::SmtpError),
}

/// The application, built and ready to serve.
pub struct Application {
    state: AppState,
    settings: AppSettings,
    /// Sends replies to shoppers, when SMTP is set up.
    mailer: Option<crate::Mailer>,
}

impl Application {
    /// Loads the catalog from `store`, builds the concierge and the state, and reads the
    /// stored flag change.
    pub async fn build(store: Arc<dyn Store>, settings: AppSettings) -> Result<Self, StartupError> {
        let version = store.catalog_version().await?;
        let catalog = Catalog::new(version, store.all_products().await?);
        let concierge = Concierge::new(&settings.nlu, settings.concierge.clone())?;
        let tokens = Tokens::new(&settings.secret_key, settings.identity_secret.as_deref())
            .with_previous(
                &settings.previous_secret_keys,
                &settings.previous_identity_secrets,
            );
        let state = AppState::new(store, settings.server.clone(), catalog, concierge, tokens)?;
        crate::flags::refresh(&state).await?;
        crate::snapshots::refresh_knowledge(&state).await?;
        let mailer = settings
            .server
            .smtp
            .as_ref()
            .map(crate::Mailer::new)
            .transpose()?;
        Ok(Application {
            state,
            settings,
            mailer,
        })
    }

    /// The shared state (tests read and adjust it).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The router over the state.
    pub fn router(&self) -> Router {
        crate::app(self.state.clone())
    }

    /// Starts the background jobs; they stop when the returned handle is dropped.
    pub fn start_background(&self) -> Background {
        let state = &self.state;
        let settings = &self.settings;
        let mut tasks = vec![
            tokio::spawn(crate::watch_snapshots(state.clone(), settings.catalog_poll)),
            tokio::spawn(crate::watch_flags(state.clone(), settings.flags_poll)),
            tokio::spawn(crate::limits::forget_idle(state.clone())),
            tokio::spawn(crate::sweep_idle_conversations(
                state.clone(),
                settings.idle_sweep,
            )),
            tokio::spawn(crate::process_inbox(
                state.clone(),
                settings.integrations.clone(),
                settings.inbox_poll,
            )),
            tokio::spawn(crate::metrics::aggregates::write_aggregates(
                state.clone(),
                settings.aggregates_every,
            )),
            tokio::spawn(crate::purge_old_data(
                state.clone(),
                settings.order_retention,
                settings.purge_every,
            )),
        ];
        if let Some(url) = &state.settings.webhook_url {
            tasks.push(tokio::spawn(crate::deliver_webhooks(
                state.clone(),
                url.clone(),
                settings.webhook_poll,
            )));
        }
        if let Some(mailer) = &self.mailer {
            tasks.push(tokio::spawn(crate::email::deliver_emails(
                state.clone(),
                mailer.clone(),
                settings.email_poll,
            )));
        }
        Background(tasks)
    }

    /// The mailer, when SMTP is set up (tests send the outbox with it).
    pub fn mailer(&self) -> Option<&crate::Mailer> {
        self.mailer.as_ref()
    }

    /// Serves on `listener` with the background jobs running, until `shutdown` completes;
    /// then lets in-flight requests finish.
    pub async fn run(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let background = self.start_background();
        let state = self.state.clone();
        let served = crate::serve(listener, self.router(), shutdown).await;
        // The minutes since the last write, before the process goes.
        crate::metrics::aggregates::write_once(&state).await;
        // Another instance takes the background jobs over now, not when the leases run out.
        drop(background);
        crate::leases::release(&state).await;
        served
    }
}

/// The running background jobs; dropping this stops them.
pub struct Background(Vec<JoinHandle<()>>);

impl Drop for Background {
    fn drop(&mut self) {
        for task in &self.0 {
            task.abort();
        }
    }
}
