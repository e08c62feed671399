use crate::ConnectOptions;
use crate::errors::migrate_error;
use sqlx::postgres::PgPoolOptions;

/// PostgreSQL, for stores that run several instances on one database.
pub struct PostgresStore {
    pool: sqlx::PgPool,
    writes: crate::write_gate::WriteGate,
}

impl PostgresStore {
    /// Connects to a `postgres://` URL and migrates the database.
    pub async fn open(url: &str, options: &ConnectOptions) -> StoreResult<Self> {
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
        Ok(PostgresStore {
            pool,
            writes: crate::write_gate::WriteGate::open(),
        })
    }

    async fn read_conversation(
        &self,
        id: &str,
    ) -> StoreResult<Option<aurora_core::conversations::Conversation>> {
        crate::only(support::conversations(&self.pool, &[id.to_string()]).await)
    }

    /// Appends in its own transaction: PostgreSQL writes concurrently.
    async fn append(&self, append: crate::Append) -> StoreResult<()> {
        crate::only(support::append_batch(&self.pool, std::slice::from_ref(&append)).await)
    }
}

sql_store!(PostgresStore, sqlx::Postgres);
