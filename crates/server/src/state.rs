use crate::client_ip::TrustedProxies;
use crate::flags::Flags;
use crate::identity::Tokens;
use crate::identity::VerifiedIdentity;
use crate::limits::{LimitSettings, Limits};
use aurora_core::catalog::search::{SearchError, SearchIndex};
use aurora_core::catalog::{Catalog, Product};
use aurora_core::concierge::blocks::ProductCard;
use aurora_core::concierge::{Concierge, Turn};
use aurora_core::flags::FlagSettings;
use aurora_core::knowledge::KnowledgeIndex;
use aurora_core::money::Currency;
use aurora_core::store::Store;
use chrono::{DateTime, Utc};
use serde_json::value::RawValue;
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
    /// Store origins allowed to call the shopper API from a browser (CORS).
    pub allowed_origins: Vec<String>,
    /// Proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: TrustedProxies,
    /// Rate limits.
    pub limits: LimitSettings,
    /// Where new tickets are posted (JSON with a Slack-compatible `text`).
    pub webhook_url: Option<String>,
    /// Bearer token for the metrics endpoints; without one, only loopback callers get them.
    pub metrics_token: Option<String>,
    /// The widget flag's settings from the environment (a stored change overrides them).
    pub flags: FlagSettings,
    /// Verifies Shopify's webhook signatures; without it the webhook endpoint answers 503.
    pub shopify_webhook_secret: Option<String>,
    /// Largest body the integration routes accept, in bytes (order payloads are large).
    pub integration_max_body_bytes: usize,
    /// Where staff and shoppers reach the service (`https://concierge.example.com`): links in
    /// set-password messages, and `Secure` cookies when it is https.
    pub public_url: Option<String>,
    /// How long workspace sessions last.
    pub sessions: aurora_core::staff::session::SessionRules,
    /// The response time promised for a new ticket; the inbox counts down to it.
    pub ticket_response_time: chrono::Duration,
    /// Where replies to shoppers are sent from; without it, staff reply with their own mail
    /// client (a `mailto:` link).
    pub smtp: Option<crate::email::SmtpSettings>,
    /// How long a background job's lease lasts without renewal: when an instance dies, another
    /// takes its jobs over after this long. Longer than any one side effect of a job (a webhook
    /// times out after 10 s).
    pub background_lease: chrono::Duration,
    /// How long a request holds its `Idempotency-Key`: a retry of a request that did not answer
    /// within it (its instance crashed) runs again.
    pub idempotency_lease: chrono::Duration,
}

impl Default for ServerSettings {
    fn default() -> Self {
        ServerSettings {
            demo: false,
            max_body_bytes: 64 * 1024,
            request_timeout: Duration::from_secs(15),
            allowed_origins: Vec::new(),
            trusted_proxies: TrustedProxies::default(),
            limits: LimitSettings::default(),
            webhook_url: None,
            metrics_token: None,
            flags: FlagSettings::default(),
            shopify_webhook_secret: None,
            integration_max_body_bytes: 2 * 1024 * 1024,
            public_url: None,
            sessions: aurora_core::staff::session::SessionRules::default(),
            ticket_response_time: chrono::Duration::hours(24),
            smtp: None,
            background_lease: chrono::Duration::seconds(15),
            idempotency_lease: chrono::Duration::seconds(60),
        }
    }
}

type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// Shared by every handler: storage, the current catalog and its search index, the concierge,
/// tokens, rate limits, settings. Cloned for every request by each layer, so it is one `Arc`.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// What [`AppState`] shares.
#[derive(Clone)]
pub struct Shared {
    pub store: Arc<dyn Store>,
    pub settings: Arc<ServerSettings>,
    pub concierge: Arc<Concierge>,
    pub tokens: Arc<Tokens>,
    pub limits: Arc<Limits>,
    /// The last hour of traffic, for the JSON and summary metrics.
    pub metrics: Arc<crate::metrics::Windows>,
    pub flags: Arc<Flags>,
    /// Wakes the inbox processor when a delivery is stored.
    pub inbox: Arc<tokio::sync::Notify>,
    /// This process among the instances, in the per-minute aggregates it writes (random at
    /// start: a restarted instance writes rows of its own).
    pub instance: Arc<str>,
    /// The leases of background jobs this instance holds, with their fencing tokens.
    pub(crate) leases_held: Arc<std::sync::Mutex<std::collections::HashMap<&'static str, i64>>>,
    snapshot: Arc<RwLock<Arc<Snapshot>>>,
    knowledge: Arc<RwLock<Arc<KnowledgeIndex>>>,
    clock: Clock,
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl AppState {
    /// State over `store`, starting from `catalog` (see [`crate::watch_snapshots`] to keep it fresh).
    pub fn new(
        store: Arc<dyn Store>,
        settings: ServerSettings,
        catalog: Catalog,
        concierge: Concierge,
        tokens: Tokens,
    ) -> Result<Self, SearchError> {
        let snapshot = Snapshot::build(catalog, concierge.settings().currency)?;
        Ok(AppState(Arc::new(Shared {
            store,
            limits: Arc::new(Limits::new(&settings.limits)),
            flags: Arc::new(Flags::new(settings.flags.clone())),
            settings: Arc::new(settings),
            concierge: Arc::new(concierge),
            tokens: Arc::new(tokens),
            snapshot: Arc::new(RwLock::new(Arc::new(snapshot))),
            knowledge: Arc::new(RwLock::new(Arc::new(KnowledgeIndex::empty()))),
            clock: Arc::new(Utc::now),
            metrics: Arc::default(),
            inbox: Arc::default(),
            instance: uuid::Uuid::new_v4().simple().to_string().into(),
            leases_held: Arc::default(),
        })))
    }

    /// The store's name as replies to shoppers are signed, when email replies are set up.
    pub fn email_from(&self) -> Option<&str> {
        self.settings
            .smtp
            .as_ref()
            .map(|_| self.concierge.settings().store_name.as_str())
    }

    /// The same state with another clock (tests move time forward).
    pub fn with_clock(self, clock: impl Fn() -> DateTime<Utc> + Send + Sync + 'static) -> Self {
        let mut shared = Shared::clone(&self.0);
        shared.clock = Arc::new(clock);
        AppState(Arc::new(shared))
    }

    /// The store's currency.
    pub fn currency(&self) -> Currency {
        self.concierge.settings().currency
    }

    /// The current time, from the state's clock.
    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    /// One request's view of the world for the core's use cases: storage, the search index
    /// (`index`, from [`AppState::index`]), who is asking, and the time.
    pub fn turn<'a>(
        &'a self,
        index: &'a SearchIndex,
        visitor: &'a str,
        identity: &'a Option<VerifiedIdentity>,
    ) -> Turn<'a> {
        Turn {
            store: self.store.as_ref(),
            index,
            visitor_id: visitor,
            identity_email: identity.as_ref().map(|i| &i.email),
            identity_name: identity.as_ref().and_then(|i| i.name.as_deref()),
            now: self.now(),
            knowledge: self.knowledge(),
        }
    }

    /// The catalog as of the last import this instance has seen, with its search index.
    pub fn index(&self) -> Arc<Snapshot> {
        match self.snapshot.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// The knowledge file as of the last import this instance has seen, indexed.
    pub fn knowledge(&self) -> Arc<KnowledgeIndex> {
        match self.knowledge.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Replaces the knowledge file (after an import).
    pub fn set_knowledge(&self, knowledge: KnowledgeIndex) {
        let fresh = Arc::new(knowledge);
        match self.knowledge.write() {
            Ok(mut guard) => *guard = fresh,
            Err(poisoned) => *poisoned.into_inner() = fresh,
        }
    }

    /// The catalog as of the last import this instance has seen.
    pub fn catalog(&self) -> Arc<Catalog> {
        self.index().catalog().clone()
    }

    /// Replaces the catalog (after an import) and its search index.
    pub fn set_catalog(&self, catalog: Catalog) -> Result<(), SearchError> {
        let fresh = Arc::new(Snapshot::build(catalog, self.currency())?);
        match self.snapshot.write() {
            Ok(mut guard) => *guard = fresh,
            Err(poisoned) => *poisoned.into_inner() = fresh,
        }
        Ok(())
    }
}

/// A catalog snapshot as served: its search index, and every product's card serialized once
/// (a search answer then only copies the cards' JSON).
pub struct Snapshot {
    index: SearchIndex,
    cards: Vec<Box<RawValue>>,
}

impl Snapshot {
    fn build(catalog: Catalog, currency: Currency) -> Result<Self, SearchError> {
        let index = SearchIndex::build(Arc::new(catalog))?;
        let cards = index
            .catalog()
            .products()
            .iter()
            .map(|p| {
                serde_json::value::to_raw_value(&ProductCard::new(p, currency))
                    .unwrap_or_else(|_| RawValue::NULL.to_owned())
            })
            .collect();
        Ok(Snapshot { index, cards })
    }

    /// The card of `product`, a product of this snapshot, as JSON.
    pub fn card(&self, product: &Product) -> Option<&RawValue> {
        let position = self.index.catalog().position(&product.id)?;
        self.cards.get(position).map(|card| &**card)
    }
}

impl std::ops::Deref for Snapshot {
    type Target = SearchIndex;

    fn deref(&self) -> &SearchIndex {
        &self.index
    }
}
