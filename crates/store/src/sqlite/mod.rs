//! SQLite: one file in WAL mode. Most calls go through a pool; conversation reads and message
//! appends through [`worker`], on a connection of its own; WAL checkpoints run from
//! [`checkpoint`], on another.

mod checkpoint;
mod text_index;
mod worker;

use crate::errors::{migrate_error, store_error};
use crate::write_gate::WriteGate;
use crate::{ConnectOptions, SqlStore, Synchronous, db};
use aurora_core::store::StoreResult;
use sqlx::ConnectOptions as _;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

pub(crate) use checkpoint::RESTART_PAGES as WAL_RESTART_PAGES;
pub(crate) use text_index::index_new_messages;
pub(crate) use worker::ConversationWorker;

/// Opens (creating if missing) the file named by a `sqlite:` URL and migrates it.
pub(crate) async fn open(url: &str, options: &ConnectOptions) -> StoreResult<SqlStore> {
    let connect = SqliteConnectOptions::from_str(url)
        .map_err(store_error)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(match options.sqlite_synchronous {
            Synchronous::Normal => SqliteSynchronous::Normal,
            Synchronous::Full => SqliteSynchronous::Full,
        })
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5))
        // A multi-row statement in a transaction keeps a statement journal: in memory, not
        // a temporary file.
        .pragma("temp_store", "memory")
        // Checkpoints run apart from the writers (see `checkpoint`).
        .pragma("wal_autocheckpoint", "0");
    let pool = SqlitePoolOptions::new()
        .max_connections(options.max_connections)
        // A local file: a ping before every use would only add a round trip to each query.
        .test_before_acquire(false)
        .acquire_timeout(options.acquire_timeout)
        .connect_with(connect.clone())
        .await
        .map_err(store_error)?;
    sqlx::migrate!("./migrations/sqlite")
        .run(&pool)
        .await
        .map_err(migrate_error)?;
    let writes = Arc::new(WriteGate::serial());
    let checkpoints = checkpoint::start(
        connect.clone().connect().await.map_err(store_error)?,
        writes.clone(),
        options.sqlite_wal_restart_pages,
    );
    // The hot connection caches the conversations and the messages index it keeps touching
    // (32 MiB instead of SQLite's 2 MiB). It does not enforce foreign keys: its only write
    // that has one, the batch's INSERT of messages, takes each message's conversation from a
    // JOIN, which is the same check; enforced, it would make SQLite keep a statement journal (a
    // copy of every page the INSERT changes) for each batch (5% of the messages/s in bench/load).
    let hot = connect
        .foreign_keys(false)
        .pragma("cache_size", "-32768")
        // Batches of every size each have their own statements.
        .statement_cache_capacity(512)
        .connect()
        .await
        .map_err(store_error)?;
    Ok(SqlStore {
        db: db::Pool::Sqlite(pool),
        worker: Some(ConversationWorker::start(hot, writes.clone())?),
        _checkpoints: Some(checkpoints),
        limits: Some(crate::limits::MemoryLimits::new()),
        writes,
    })
}
