//! PostgreSQL, for stores that run several instances on one database.

use crate::errors::{migrate_error, store_error};
use crate::write_gate::WriteGate;
use crate::{ConnectOptions, SqlStore, db};
use aurora_core::store::StoreResult;
use sqlx::postgres::PgPoolOptions;
use std::sync::Arc;

/// Connects to a `postgres://` URL and migrates the database.
pub(crate) async fn open(url: &str, options: &ConnectOptions) -> StoreResult<SqlStore> {
    let pool = PgPoolOptions::new()
        .max_connections(options.max_connections)
        .acquire_timeout(options.acquire_timeout)
        .connect(url)
        .await
        .map_err(store_error)?;
    sqlx::migrate!("./migrations/postgres")
        .run(&pool)
        .await
        .map_err(migrate_error)?;
    Ok(SqlStore {
        db: db::Pool::Postgres(pool),
        limits: None,
        // Row locks: PostgreSQL writes concurrently.
        writes: Arc::new(WriteGate::open()),
        worker: None,
        _checkpoints: None,
    })
}
