//! [`aurora_core::store::Store`] for SQLite (the embedded default) and PostgreSQL.
//! Migrations are embedded per backend; the SQL itself is shared (see `sql_store`).

#[macro_use]
mod sql_store;
#[macro_use]
mod sql_support;
#[macro_use]
mod sql_metrics;
#[macro_use]
mod sql_flags;
mod errors;
mod postgres;
mod rows;
mod sqlite;
#[cfg(feature = "testing")]
pub mod testing;
mod write_gate;

use aurora_core::store::{Store, StoreError, StoreResult};
use std::sync::Arc;
use std::time::Duration;

pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

/// Messages to add to a conversation, with its new state (see `Store::append_messages`).
pub(crate) struct Append {
    pub id: String,
    pub messages: Vec<aurora_core::conversations::Message>,
    pub state: serde_json::Value,
    pub replies: i32,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// The result of the only call of a batch.
pub(crate) fn only<R>(results: StoreResult<Vec<StoreResult<R>>>) -> StoreResult<R> {
    results?
        .pop()
        .unwrap_or_else(|| Err(StoreError::Other("a batch of one gave no result".into())))
}

/// How SQLite syncs to disk: `Normal` survives a process crash, `Full` also a power loss.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Synchronous {
    #[default]
    Normal,
    Full,
}

/// Connection settings shared by both backends.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    /// Most connections the pool opens.
    pub max_connections: u32,
    /// How long a request waits for a connection before the database counts as unavailable.
    pub acquire_timeout: Duration,
    /// SQLite only.
    pub sqlite_synchronous: Synchronous,
    /// SQLite only: how long (in pages of 4 KiB) the WAL may grow under constant writes before
    /// a checkpoint holds the writers back for a moment so that it can start over.
    pub sqlite_wal_restart_pages: u32,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            max_connections: 10,
            acquire_timeout: Duration::from_secs(3),
            sqlite_synchronous: Synchronous::Normal,
            sqlite_wal_restart_pages: sqlite::WAL_RESTART_PAGES,
        }
    }
}

/// Which backend a database URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// `sqlite:` and `postgres://` (or `postgresql://`) URLs; anything else is `None`.
    pub fn of_url(url: &str) -> Option<Backend> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }
}

/// Opens the database at `url` and applies any pending migrations.
pub async fn open(url: &str, options: &ConnectOptions) -> StoreResult<Arc<dyn Store>> {
    match Backend::of_url(url) {
        Some(Backend::Sqlite) => Ok(Arc::new(SqliteStore::open(url, options).await?)),
        Some(Backend::Postgres) => Ok(Arc::new(PostgresStore::open(url, options).await?)),
        None => Err(StoreError::Other(
            "the database URL must start with sqlite: or postgres://".to_string(),
        )),
    }
}
