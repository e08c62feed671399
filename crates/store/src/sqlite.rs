use crate::Append;
use crate::errors::migrate_error;
use crate::sqlite_appender::Appender;
use crate::write_gate::WriteGate;
use crate::{ConnectOptions, Synchronous};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

/// The embedded default: one file, WAL mode, foreign keys on.
pub struct SqliteStore {
    pool: sqlx::SqlitePool,
    writes: Arc<WriteGate>,
    appender: Appender,
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
            .busy_timeout(Duration::from_secs(5));
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
            appender: Appender::start(pool.clone(), writes.clone()),
            pool,
            writes,
        })
    }

    /// Appends through the batching writer (see [`crate::sqlite_appender`]).
    async fn append(&self, append: Append) -> StoreResult<()> {
        self.appender.append(append).await
    }
}

/// One batch of appends in one transaction, for the writer.
pub(crate) async fn write_batch(
    pool: &sqlx::SqlitePool,
    appends: &[Append],
) -> StoreResult<Vec<StoreResult<()>>> {
    support::append_batch(pool, appends).await
}

sql_store!(SqliteStore, sqlx::Sqlite);
