//! The storage traits of [`aurora_core::store`] for SQLite (the embedded default) and
//! PostgreSQL. One [`SqlStore`] serves both: the SQL of each area (one module each) is written
//! once against [`db`], which runs it on either backend; migrations are embedded per backend.

mod catalog;
mod conversations;
mod db;
mod email;
mod errors;
mod flags;
mod idempotency;
mod inbox;
mod insight;
mod knowledge;
mod leases;
mod limits;
mod metrics;
mod orders;
mod outbox;
mod postgres;
mod rows;
mod settings;
mod shopper;
mod sqlite;
mod staff;
#[cfg(feature = "testing")]
pub mod testing;
mod tickets;
mod tokens;
mod write_gate;

use async_trait::async_trait;
use aurora_core::conversations::{Conversation, Message};
use aurora_core::store::{PoolStats, Store, StoreError, StoreResult, Transaction};
use std::sync::Arc;
use std::time::Duration;
use write_gate::WriteGate;

/// Messages to add to a conversation, with its new state (see
/// `ConversationStore::append_messages`).
pub(crate) struct Append {
    pub id: String,
    pub messages: Vec<Message>,
    pub state: aurora_core::conversations::ConversationState,
    pub replies: i32,
    pub answered: Option<bool>,
    pub at: chrono::DateTime<chrono::Utc>,
    /// The idempotency key's answer, recorded in the same transaction.
    pub answer: Option<aurora_core::store::KeyAnswer>,
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

/// Held while a server runs on a SQLite file: SQLite is one instance's database, so a second
/// server on the same file fails to take it. Released when dropped (or when the process dies).
#[derive(Debug)]
pub struct InstanceLock {
    _file: std::fs::File,
}

/// Takes the instance lock of the SQLite file `url` names (`FILE.serve-lock` next to it, locked
/// with `flock`); `None` for PostgreSQL, which any number of instances share, and for an
/// in-memory database.
pub fn lock_instance(url: &str) -> StoreResult<Option<InstanceLock>> {
    if Backend::of_url(url) != Some(Backend::Sqlite) {
        return Ok(None);
    }
    let options = <sqlx::sqlite::SqliteConnectOptions as std::str::FromStr>::from_str(url)
        .map_err(|e| StoreError::Other(e.to_string()))?;
    let file = options.get_filename();
    if file.as_os_str().is_empty() || file.to_string_lossy().contains(":memory:") {
        return Ok(None);
    }
    let path = format!("{}.serve-lock", file.display());
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| StoreError::Other(format!("cannot open {path}: {e}")))?;
    match lock.try_lock() {
        Ok(()) => Ok(Some(InstanceLock { _file: lock })),
        Err(std::fs::TryLockError::WouldBlock) => Err(StoreError::Conflict(format!(
            "another server already runs on {}: a SQLite database serves one instance (run several on PostgreSQL)",
            file.display()
        ))),
        Err(std::fs::TryLockError::Error(e)) => {
            Err(StoreError::Other(format!("cannot lock {path}: {e}")))
        }
    }
}

/// Opens the database at `url` and applies any pending migrations.
pub async fn open(url: &str, options: &ConnectOptions) -> StoreResult<Arc<dyn Store>> {
    Ok(Arc::new(match Backend::of_url(url) {
        Some(Backend::Sqlite) => sqlite::open(url, options).await?,
        Some(Backend::Postgres) => postgres::open(url, options).await?,
        None => {
            return Err(StoreError::Other(
                "the database URL must start with sqlite: or postgres://".to_string(),
            ));
        }
    }))
}

/// Every storage area over one database of either backend.
pub struct SqlStore {
    db: db::Pool,
    /// SQLite writes one transaction at a time: the hot writers queue here (see `write_gate`).
    writes: Arc<WriteGate>,
    /// SQLite only: conversation reads and message appends, batched on a connection of their
    /// own (see `sqlite::worker`). PostgreSQL runs them on the pool.
    worker: Option<sqlite::ConversationWorker>,
    /// SQLite only: the rate limits of its one instance, in memory (PostgreSQL shares them in a
    /// table).
    limits: Option<limits::MemoryLimits>,
    /// SQLite only: stops the WAL checkpoints when the store is dropped.
    _checkpoints: Option<tokio::sync::oneshot::Sender<()>>,
}

impl SqlStore {
    async fn read_conversation(&self, id: &str) -> StoreResult<Option<Conversation>> {
        match &self.worker {
            Some(worker) => worker.read(id.to_string()).await,
            None => {
                let mut pooled = self.db.acquire().await?;
                let ids = [id.to_string()];
                only(conversations::read_batch(&mut pooled.conn(), &ids).await)
            }
        }
    }

    async fn append(&self, append: Append) -> StoreResult<()> {
        match &self.worker {
            Some(worker) => worker.append(append).await,
            None => conversations::append_alone(self, append).await,
        }
    }

    /// On SQLite, indexes the shopper messages the full-text index does not cover yet (see
    /// `sqlite::text_index`); PostgreSQL's index is always current.
    async fn index_new_messages(&self) -> StoreResult<()> {
        if let db::Pool::Sqlite(pool) = &self.db {
            let _turn = self.writes.enter().await;
            let mut connection = pool.acquire().await.map_err(errors::store_error)?;
            sqlite::index_new_messages(&mut connection)
                .await
                .map_err(errors::store_error)?;
        }
        Ok(())
    }
}

#[async_trait]
impl Store for SqlStore {
    async fn ping(&self) -> StoreResult<()> {
        self.db.execute(db::Query::new("SELECT 1")).await?;
        Ok(())
    }

    async fn begin(&self) -> StoreResult<Box<dyn Transaction>> {
        Ok(Box::new(SqlTransaction {
            tx: self.db.begin().await?,
        }))
    }

    fn pool_stats(&self) -> PoolStats {
        self.db.stats()
    }
}

/// Writes of several areas in one transaction (see `aurora_core::store::Transaction`).
pub(crate) struct SqlTransaction {
    tx: db::Tx,
}

#[async_trait]
impl Transaction for SqlTransaction {
    async fn commit(self: Box<Self>) -> StoreResult<()> {
        self.tx.commit().await
    }
}
