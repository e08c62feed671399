//! Typed, layered configuration: defaults < aurora.toml < `AURORA_*` environment variables,
//! validated before anything starts. Every setting is documented in docs/configuration.md.

use anyhow::{Context, bail};
use aurora_store::{Backend, Synchronous};
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::net::SocketAddr;
use std::path::Path;

/// A secret setting: usable, but never printed by Debug or logs.
#[derive(Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: String) -> Self {
        Secret(value)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Auto,
    Json,
    Text,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SqliteSync {
    Normal,
    Full,
}

/// Every setting. The environment variable of `foo_bar` is `AURORA_FOO_BAR`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub listen: SocketAddr,
    pub database_url: String,
    pub secret_key: Option<Secret>,
    pub previous_secret_keys: Option<Secret>,
    pub sqlite_synchronous: SqliteSync,
    pub database_max_connections: u32,
    pub database_timeout_ms: u64,
    pub catalog_poll_seconds: u64,
    pub max_body_bytes: usize,
    pub request_timeout_seconds: u64,
    pub idempotency_lease_seconds: u64,
    pub log: String,
    pub log_format: LogFormat,
    pub identity_secret: Option<Secret>,
    pub previous_identity_secrets: Option<Secret>,
    pub allowed_origins: String,
    pub trusted_proxies: String,
    pub rate_limit_visitor_per_minute: u32,
    pub rate_limit_ip_per_minute: u32,
    pub order_lookups_per_15_minutes: u32,
    pub webhook_url: Option<String>,
    pub store_name: String,
    pub store_contact: String,
    pub stylist_response_time: String,
    pub return_window_days: u32,
    pub order_number_pattern: String,
    pub price_around_percent: u8,
    pub order_number_example: String,
    pub currency: String,
    pub concierge_enabled: bool,
    pub concierge_rollout_percentage: u8,
    pub concierge_allowed_users: String,
    pub metrics_token: Option<Secret>,
    pub catalog_mapping: Option<String>,
    pub catalog_unmapped: String,
    pub shopify_webhook_secret: Option<Secret>,
    pub integration_max_body_bytes: usize,
    pub order_retention_days: u32,
    pub orders_made_to_order_tag: String,
    pub public_url: Option<String>,
    pub session_idle_minutes: u32,
    pub session_max_hours: u32,
    pub ticket_response_hours: u32,
    pub sign_ins_per_15_minutes: u32,
    pub smtp_url: Option<Secret>,
    pub smtp_from: Option<String>,
}

/// The comma-separated values of a secret list setting.
fn list(secret: Option<&Secret>) -> Vec<String> {
    secret
        .map(|s| {
            s.expose()
                .split(',')
                .map(str::trim)
                .filter(|k| !k.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// The setting names, as they appear in aurora.toml (and, upper-cased with `AURORA_`, the env).
const KEYS: [&str; 46] = [
    "listen",
    "database_url",
    "secret_key",
    "previous_secret_keys",
    "sqlite_synchronous",
    "database_max_connections",
    "database_timeout_ms",
    "catalog_poll_seconds",
    "max_body_bytes",
    "request_timeout_seconds",
    "idempotency_lease_seconds",
    "log",
    "log_format",
    "identity_secret",
    "previous_identity_secrets",
    "allowed_origins",
    "trusted_proxies",
    "rate_limit_visitor_per_minute",
    "rate_limit_ip_per_minute",
    "order_lookups_per_15_minutes",
    "webhook_url",
    "store_name",
    "store_contact",
    "stylist_response_time",
    "return_window_days",
    "order_number_pattern",
    "price_around_percent",
    "order_number_example",
    "currency",
    "concierge_enabled",
    "concierge_rollout_percentage",
    "concierge_allowed_users",
    "metrics_token",
    "catalog_mapping",
    "catalog_unmapped",
    "shopify_webhook_secret",
    "integration_max_body_bytes",
    "order_retention_days",
    "orders_made_to_order_tag",
    "public_url",
    "session_idle_minutes",
    "session_max_hours",
    "ticket_response_hours",
    "sign_ins_per_15_minutes",
    "smtp_url",
    "smtp_from",
];

pub const DEMO_DATABASE_URL: &str = "sqlite:aurora-demo.db";
const MIN_SECRET_LEN: usize = 32;

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url: "sqlite:aurora.db".to_string(),
            secret_key: None,
            previous_secret_keys: None,
            sqlite_synchronous: SqliteSync::Normal,
            database_max_connections: 10,
            database_timeout_ms: 3000,
            catalog_poll_seconds: 2,
            max_body_bytes: 64 * 1024,
            request_timeout_seconds: 15,
            idempotency_lease_seconds: 60,
            log: "info".to_string(),
            log_format: LogFormat::Auto,
            identity_secret: None,
            previous_identity_secrets: None,
            allowed_origins: String::new(),
            trusted_proxies: String::new(),
            rate_limit_visitor_per_minute: 60,
            rate_limit_ip_per_minute: 300,
            order_lookups_per_15_minutes: 5,
            webhook_url: None,
            store_name: "our store".to_string(),
            store_contact: "our customer service".to_string(),
            stylist_response_time: "within one business day".to_string(),
            return_window_days: 30,
            order_number_pattern: aurora_nlu::DEFAULT_ORDER_NUMBER_PATTERN.to_string(),
            price_around_percent: aurora_nlu::DEFAULT_AROUND_PERCENT,
            order_number_example: "GG-104233".to_string(),
            currency: "USD".to_string(),
            concierge_enabled: true,
            concierge_rollout_percentage: 100,
            concierge_allowed_users: String::new(),
            metrics_token: None,
            catalog_mapping: None,
            catalog_unmapped: "skip".to_string(),
            shopify_webhook_secret: None,
            integration_max_body_bytes: 2 * 1024 * 1024,
            order_retention_days: 730,
            orders_made_to_order_tag: "made-to-order".to_string(),
            public_url: None,
            session_idle_minutes: 120,
            session_max_hours: 12,
            ticket_response_hours: 24,
            sign_ins_per_15_minutes: 10,
            smtp_url: None,
            smtp_from: None,
        }
    }
}

/// Which command the configuration is for: the demo keeps its data apart from a real store's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Store,
    Demo,
}

impl Config {
    /// Loads and validates the configuration. `file` overrides `./aurora.toml`; `needs_secret`
    /// makes a missing AURORA_SECRET_KEY an error (the service needs it, a migration does not).
    pub fn load(file: Option<&Path>, mode: Mode, needs_secret: bool) -> anyhow::Result<Config> {
        let toml = match file {
            Some(path) => {
                if !path.exists() {
                    bail!("configuration file {} does not exist", path.display());
                }
                Toml::file_exact(path)
            }
            None => Toml::file_exact("aurora.toml"),
        };
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if file.is_some() || Path::new("aurora.toml").exists() {
            figment = figment.merge(toml);
        }
        let env = Env::prefixed("AURORA_").filter(|key| {
            KEYS.iter()
                .any(|known| key.as_str().eq_ignore_ascii_case(known))
        });
        let mut config: Config = figment
            .merge(env)
            .extract()
            .map_err(|e| anyhow::anyhow!(describe(&e)))?;
        if mode == Mode::Demo {
            // A store's aurora.toml never sends the demo to the store's real database.
            config.database_url = std::env::var("AURORA_DATABASE_URL")
                .unwrap_or_else(|_| DEMO_DATABASE_URL.to_string());
        }
        config.validate(needs_secret)?;
        Ok(config)
    }

    fn validate(&self, needs_secret: bool) -> anyhow::Result<()> {
        if Backend::of_url(&self.database_url).is_none() {
            bail!(
                "AURORA_DATABASE_URL: `{}` is not a database URL; use sqlite:FILE or postgres://…",
                redact_url(&self.database_url)
            );
        }
        match (&self.secret_key, needs_secret) {
            (Some(key), _) if key.expose().chars().count() < MIN_SECRET_LEN => bail!(
                "AURORA_SECRET_KEY: too short; use a random string of at least {MIN_SECRET_LEN} characters"
            ),
            (None, true) => bail!(
                "AURORA_SECRET_KEY: required (a random string of at least {MIN_SECRET_LEN} characters, the same on every instance of the store; e.g. `openssl rand -hex 32`)"
            ),
            _ => {}
        }
        for key in self.previous_secret_keys() {
            if key.chars().count() < MIN_SECRET_LEN {
                bail!(
                    "AURORA_PREVIOUS_SECRET_KEYS: each key must be at least {MIN_SECRET_LEN} characters, as AURORA_SECRET_KEY"
                );
            }
        }
        if self.identity_secret.is_none() && !self.previous_identity_secrets().is_empty() {
            bail!(
                "AURORA_PREVIOUS_IDENTITY_SECRETS: set AURORA_IDENTITY_SECRET too (the previous secrets only verify alongside the current one)"
            );
        }
        if let Err(reason) = self
            .trusted_proxies
            .parse::<aurora_server::TrustedProxies>()
        {
            bail!("AURORA_TRUSTED_PROXIES: {reason}");
        }
        for origin in self.origins() {
            if !(origin.starts_with("http://") || origin.starts_with("https://"))
                || origin.ends_with('/')
            {
                bail!(
                    "AURORA_ALLOWED_ORIGINS: `{origin}` is not an origin like https://shop.example.com"
                );
            }
        }
        if let Some(url) = &self.webhook_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            bail!("AURORA_WEBHOOK_URL: must be an http:// or https:// URL");
        }
        if let Err(error) = aurora_nlu::Understander::new(&self.nlu()) {
            bail!("AURORA_ORDER_NUMBER_PATTERN: {error}");
        }
        if let Err(error) = self.currency() {
            bail!("AURORA_CURRENCY: {error}");
        }
        if let Err(error) = self.import_options() {
            bail!("{error}");
        }
        if let Some(secret) = &self.shopify_webhook_secret
            && secret.expose().trim().is_empty()
        {
            bail!(
                "AURORA_SHOPIFY_WEBHOOK_SECRET: empty; set the secret Shopify shows under Settings → Notifications → Webhooks, or leave it unset"
            );
        }
        if let Some(url) = &self.public_url
            && (!(url.starts_with("http://") || url.starts_with("https://")) || url.ends_with('/'))
        {
            bail!(
                "AURORA_PUBLIC_URL: `{url}` is not a base URL like https://concierge.example.com (no trailing slash)"
            );
        }
        if self.smtp_url.is_some() != self.smtp_from.is_some() {
            bail!(
                "AURORA_SMTP_URL and AURORA_SMTP_FROM: set both (to email replies to shoppers), or neither"
            );
        }
        if self.orders_made_to_order_tag.trim().is_empty() {
            bail!("AURORA_ORDERS_MADE_TO_ORDER_TAG: must not be empty");
        }
        if self.price_around_percent > 90 {
            bail!("AURORA_PRICE_AROUND_PERCENT: must be from 0 to 90");
        }
        if self.idempotency_lease_seconds > 86_400 {
            bail!("AURORA_IDEMPOTENCY_LEASE_SECONDS: must be at most 86400 (a day)");
        }
        if self.concierge_rollout_percentage > 100 {
            bail!("AURORA_CONCIERGE_ROLLOUT_PERCENTAGE: must be from 0 to 100");
        }
        let positive = [
            (
                "AURORA_DATABASE_MAX_CONNECTIONS",
                u64::from(self.database_max_connections),
            ),
            ("AURORA_DATABASE_TIMEOUT_MS", self.database_timeout_ms),
            ("AURORA_CATALOG_POLL_SECONDS", self.catalog_poll_seconds),
            ("AURORA_MAX_BODY_BYTES", self.max_body_bytes as u64),
            (
                "AURORA_REQUEST_TIMEOUT_SECONDS",
                self.request_timeout_seconds,
            ),
            (
                "AURORA_IDEMPOTENCY_LEASE_SECONDS",
                self.idempotency_lease_seconds,
            ),
            (
                "AURORA_RATE_LIMIT_VISITOR_PER_MINUTE",
                u64::from(self.rate_limit_visitor_per_minute),
            ),
            (
                "AURORA_RATE_LIMIT_IP_PER_MINUTE",
                u64::from(self.rate_limit_ip_per_minute),
            ),
            (
                "AURORA_ORDER_LOOKUPS_PER_15_MINUTES",
                u64::from(self.order_lookups_per_15_minutes),
            ),
            (
                "AURORA_RETURN_WINDOW_DAYS",
                u64::from(self.return_window_days),
            ),
            (
                "AURORA_INTEGRATION_MAX_BODY_BYTES",
                self.integration_max_body_bytes as u64,
            ),
            (
                "AURORA_ORDER_RETENTION_DAYS",
                u64::from(self.order_retention_days),
            ),
            (
                "AURORA_SESSION_IDLE_MINUTES",
                u64::from(self.session_idle_minutes),
            ),
            (
                "AURORA_SESSION_MAX_HOURS",
                u64::from(self.session_max_hours),
            ),
            (
                "AURORA_TICKET_RESPONSE_HOURS",
                u64::from(self.ticket_response_hours),
            ),
            (
                "AURORA_SIGN_INS_PER_15_MINUTES",
                u64::from(self.sign_ins_per_15_minutes),
            ),
        ];
        for (name, value) in positive {
            if value == 0 {
                bail!("{name}: must be greater than 0");
            }
        }
        Ok(())
    }

    /// How long workspace sessions last.
    pub fn sessions(&self) -> aurora_core::staff::session::SessionRules {
        aurora_core::staff::session::SessionRules {
            idle: chrono::Duration::minutes(i64::from(self.session_idle_minutes)),
            absolute: chrono::Duration::hours(i64::from(self.session_max_hours)),
        }
    }

    /// Where set-password links point: the public URL, or the address the service listens on.
    pub fn base_url(&self) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.listen))
    }

    /// Earlier values of the secret key, still accepted for visitor tokens while rotating it.
    pub fn previous_secret_keys(&self) -> Vec<String> {
        list(self.previous_secret_keys.as_ref())
    }

    /// Earlier values of the identity secret, still accepted while the store rotates it.
    pub fn previous_identity_secrets(&self) -> Vec<String> {
        list(self.previous_identity_secrets.as_ref())
    }

    /// The store origins allowed to call the shopper API from a browser.
    pub fn origins(&self) -> Vec<String> {
        self.allowed_origins
            .split(',')
            .map(str::trim)
            .filter(|o| !o.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// The widget flag's settings from the configuration.
    pub fn flags(&self) -> aurora_core::flags::FlagSettings {
        aurora_core::flags::FlagSettings {
            enabled: self.concierge_enabled,
            rollout_percentage: self.concierge_rollout_percentage,
            allowed_users: aurora_core::flags::normalise_users(
                self.concierge_allowed_users.split(','),
            ),
        }
    }

    /// The store's currency.
    pub fn currency(
        &self,
    ) -> Result<aurora_core::money::Currency, aurora_core::money::UnknownCurrency> {
        aurora_core::money::Currency::from_code(&self.currency)
    }

    /// How catalog files are read: the mapping file (the built-in one unless
    /// `AURORA_CATALOG_MAPPING` names another) and what to do with unmapped products.
    pub fn import_options(&self) -> anyhow::Result<aurora_core::catalog::import::ImportOptions> {
        use aurora_core::catalog::import::{ImportOptions, Mapping};
        let mapping = match &self.catalog_mapping {
            Some(path) => Mapping::from_file(Path::new(path))
                .map_err(|error| anyhow::anyhow!("AURORA_CATALOG_MAPPING: {error}"))?,
            None => Mapping::default(),
        };
        let unmapped = self
            .catalog_unmapped
            .parse()
            .map_err(|error| anyhow::anyhow!("AURORA_CATALOG_UNMAPPED: {error}"))?;
        Ok(ImportOptions {
            mapping: std::sync::Arc::new(mapping),
            unmapped,
            currency: self.currency()?,
            today: chrono::Utc::now().date_naive(),
        })
    }

    /// How orders are read from the store's platform.
    pub fn order_rules(&self) -> anyhow::Result<aurora_core::orders::OrderRules> {
        Ok(aurora_core::orders::OrderRules {
            made_to_order_tag: self.orders_made_to_order_tag.trim().to_string(),
            currency: self.currency()?,
        })
    }

    /// Where replies to shoppers are sent from, when both SMTP settings are given.
    pub fn smtp(&self) -> Option<aurora_server::SmtpSettings> {
        Some(aurora_server::SmtpSettings {
            url: self.smtp_url.as_ref()?.expose().to_string(),
            from: self.smtp_from.clone()?,
        })
    }

    /// Message-understanding settings.
    pub fn nlu(&self) -> aurora_nlu::NluConfig {
        aurora_nlu::NluConfig {
            order_number_pattern: self.order_number_pattern.clone(),
            around_percent: self.price_around_percent,
        }
    }

    /// Connection settings for the store crate.
    pub fn connect_options(&self) -> aurora_store::ConnectOptions {
        aurora_store::ConnectOptions {
            max_connections: self.database_max_connections,
            acquire_timeout: std::time::Duration::from_millis(self.database_timeout_ms),
            sqlite_synchronous: match self.sqlite_synchronous {
                SqliteSync::Normal => Synchronous::Normal,
                SqliteSync::Full => Synchronous::Full,
            },
            ..aurora_store::ConnectOptions::default()
        }
    }

    /// The database URL with any password hidden, for messages and logs.
    pub fn database_display(&self) -> String {
        redact_url(&self.database_url)
    }
}

/// Opens the configured database, naming it (without password) when that fails.
pub async fn open_store(
    config: &Config,
) -> anyhow::Result<std::sync::Arc<dyn aurora_core::store::Store>> {
    aurora_store::open(&config.database_url, &config.connect_options())
        .await
        .with_context(|| format!("cannot open the database {}", config.database_display()))
}

/// Hides the password of `scheme://user:password@host/…`.
fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_string();
    };
    let rest = &url[scheme_end..];
    match (rest.find('@'), rest.find(':')) {
        (Some(at), Some(colon)) if colon < at => {
            format!(
                "{}{}:***{}",
                &url[..scheme_end],
                &rest[..colon],
                &rest[at..]
            )
        }
        _ => url.to_string(),
    }
}

/// One line naming the setting (as the layer that set it spells it) and what is wrong with it.
fn describe(error: &figment::Error) -> String {
    let key = error.path.first().cloned().unwrap_or_default();
    let metadata = error.metadata.as_ref();
    let from_file = metadata.and_then(|m| m.source.as_ref().and_then(|s| s.file_path()));
    let setting = if key.is_empty() {
        "configuration".to_string()
    } else if let Some(file) = from_file {
        format!("{}: `{key}`", file.display())
    } else {
        format!("AURORA_{}", key.to_uppercase())
    };
    format!("{setting}: {}", error.kind)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn the_key_list_names_exactly_the_fields_of_config() {
        let value = serde_json::to_value(Config::default()).unwrap();
        let mut fields: Vec<&str> = value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut keys = KEYS.to_vec();
        fields.sort_unstable();
        keys.sort_unstable();
        assert_eq!(fields, keys);
    }

    #[test]
    fn a_secret_never_shows_in_debug_output() {
        let config = Config {
            secret_key: Some(Secret::new("super-secret-value-0123456789abcdef".into())),
            ..Config::default()
        };
        let printed = format!("{config:?}");
        assert!(!printed.contains("super-secret"), "{printed}");
        assert!(printed.contains("[redacted]"));
    }

    #[test]
    fn a_password_in_the_database_url_is_hidden() {
        assert_eq!(
            redact_url("postgres://aurora:hunter2@db:5432/aurora"),
            "postgres://aurora:***@db:5432/aurora"
        );
        assert_eq!(
            redact_url("postgres://aurora@db/aurora"),
            "postgres://aurora@db/aurora"
        );
        assert_eq!(redact_url("sqlite:aurora.db"), "sqlite:aurora.db");
    }
}
