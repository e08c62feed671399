use aurora_core::catalog::Catalog;
use aurora_core::store::Store;
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// What the HTTP layer needs to know from the configuration.
#[derive(Debug, Clone)]
pub struct ServerSettings {
    /// Serve the demo storefront at `/`.
    pub demo: bool,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// A request that takes longer is answered 503 `timeout`.
    pub request_timeout: Duration,
}

impl Default for ServerSettings {
    fn default() -> Self {
        ServerSettings {
            demo: false,
            max_body_bytes: 64 * 1024,
            request_timeout: Duration::from_secs(15),
        }
    }
}

/// Shared by every handler: storage, the current catalog snapshot, settings.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub settings: Arc<ServerSettings>,
    catalog: Arc<RwLock<Arc<Catalog>>>,
}

impl AppState {
    /// State over `store`, starting from `catalog` (see [`crate::watch_catalog`] to keep it fresh).
    pub fn new(store: Arc<dyn Store>, settings: ServerSettings, catalog: Catalog) -> Self {
        AppState {
            store,
            settings: Arc::new(settings),
            catalog: Arc::new(RwLock::new(Arc::new(catalog))),
        }
    }

    /// The catalog as of the last import this instance has seen.
    pub fn catalog(&self) -> Arc<Catalog> {
        match self.catalog.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Replaces the catalog snapshot (after an import).
    pub fn set_catalog(&self, catalog: Catalog) {
        let fresh = Arc::new(catalog);
        match self.catalog.write() {
            Ok(mut guard) => *guard = fresh,
            Err(poisoned) => *poisoned.into_inner() = fresh,
        }
    }
}
