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
        let mut connection = self.pool.acquire().await.map_err(store_error)?;
        crate::only(support::conversations(&mut connection, &[id.to_string()]).await)
    }

    /// Appends in its own transaction: PostgreSQL writes concurrently.
    async fn append(&self, append: crate::Append) -> StoreResult<()> {
        let appends = std::slice::from_ref(&append);
        let touched = support::touched(appends);
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        let mut update = sqlx::QueryBuilder::new("");
        support::push_update(&mut update, &touched);
        let found: Vec<String> = update
            .build_query_scalar()
            .fetch_all(&mut *tx)
            .await
            .map_err(store_error)?;
        if support::any_messages(appends) {
            let mut insert = sqlx::QueryBuilder::new("");
            support::push_insert(&mut insert, appends, &touched);
            insert
                .build()
                .execute(&mut *tx)
                .await
                .map_err(store_error)?;
        }
        tx.commit().await.map_err(store_error)?;
        crate::only(Ok(support::append_results(appends, &found)))
    }
}

sql_store!(PostgresStore, sqlx::Postgres);
