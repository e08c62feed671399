use crate::Append;
use crate::errors::migrate_error;
use crate::sqlite_batch::Batcher;
use crate::write_gate::WriteGate;
use crate::{ConnectOptions, Synchronous};
use aurora_core::conversations::Conversation;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

/// The embedded default: one file, WAL mode, foreign keys on.
pub struct SqliteStore {
    pool: sqlx::SqlitePool,
    writes: Arc<WriteGate>,
    /// Conversation reads and message appends, batched (see [`crate::sqlite_batch`]).
    reads: Batcher<String, Option<Conversation>>,
    appends: Batcher<Append, ()>,
}

impl SqliteStore {
    /// Opens (creating if missing) the file named by a `sqlite:` URL and migrates it.
    pub async fn open(url: &str, options: &ConnectOptions) -> StoreResult<Self> {
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
            .pragma("temp_store", "memory");
        let pool = SqlitePoolOptions::new()
            .max_connections(options.max_connections)
            // A local file: a ping before every use would only add a round trip to each query.
            .test_before_acquire(false)
            .acquire_timeout(options.acquire_timeout)
            .connect_with(connect)
            .await
            .map_err(store_error)?;
        sqlx::migrate!("./migrations/sqlite")
            .run(&pool)
            .await
            .map_err(migrate_error)?;
        let writes = Arc::new(WriteGate::serial());
        Ok(SqliteStore {
            reads: Batcher::start(pool.clone(), Arc::new(WriteGate::open()), |pool, ids| {
                Box::pin(support::conversations(pool, ids))
            }),
            appends: Batcher::start(pool.clone(), writes.clone(), |pool, appends| {
                Box::pin(support::append_batch(pool, appends))
            }),
            pool,
            writes,
        })
    }

    async fn read_conversation(&self, id: &str) -> StoreResult<Option<Conversation>> {
        self.reads.call(id.to_string()).await
    }

    async fn append(&self, append: Append) -> StoreResult<()> {
        self.appends.call(append).await
    }
}

sql_store!(SqliteStore, sqlx::Sqlite);
