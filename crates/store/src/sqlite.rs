use crate::errors::migrate_error;
use crate::{ConnectOptions, Synchronous};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;

/// The embedded default: one file, WAL mode, foreign keys on.
pub struct SqliteStore {
    pool: sqlx::SqlitePool,
    writes: crate::write_gate::WriteGate,
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
            .acquire_timeout(options.acquire_timeout)
            .connect_with(connect)
            .await
            .map_err(store_error)?;
        sqlx::migrate!("./migrations/sqlite")
            .run(&pool)
            .await
            .map_err(migrate_error)?;
        Ok(SqliteStore {
            pool,
            writes: crate::write_gate::WriteGate::serial(),
        })
    }
}

sql_store!(SqliteStore, sqlx::Sqlite);
