//! Leases of background jobs: one row per job, taken over only once it has run out.

use crate::SqlStore;
use crate::db::Query;
use aurora_core::store::{LeaseStore, StoreResult};
use chrono::{DateTime, Duration, Utc};

#[async_trait::async_trait]
impl LeaseStore for SqlStore {
    async fn hold_lease(
        &self,
        name: &str,
        holder: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> StoreResult<Option<i64>> {
        // One statement, so two instances racing for a free or expired lease cannot both win:
        // the upsert's WHERE is evaluated on the row as the winner left it.
        let token: Option<(i64,)> = self
            .db
            .acquire()
            .await?
            .conn()
            .fetch_optional(
                Query::new(
                    "INSERT INTO leases (name, holder, token, expires_at) VALUES ($1, $2, 1, $3) \
                     ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, \
                     expires_at = excluded.expires_at, \
                     token = CASE WHEN leases.holder = excluded.holder THEN leases.token \
                     ELSE leases.token + 1 END \
                     WHERE leases.holder = excluded.holder OR leases.expires_at < $4 \
                     RETURNING token",
                )
                .bind(name)
                .bind(holder)
                .bind(now + ttl)
                .bind(now),
            )
            .await?;
        Ok(token.map(|(token,)| token))
    }

    async fn release_leases(&self, holder: &str) -> StoreResult<()> {
        self.db
            .execute(Query::new("DELETE FROM leases WHERE holder = $1").bind(holder))
            .await?;
        Ok(())
    }
}
