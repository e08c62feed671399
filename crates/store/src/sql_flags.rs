//! SQL for feature-flag overrides and their audit log, instantiated per backend by
//! `sql_flags!` as a module `flags` of free functions.

/// Defines `mod flags` for `$db`.
macro_rules! sql_flags {
    ($db:ty) => {
        mod flags {
            use aurora_core::flags::FlagOverride;
            use aurora_core::store::{FlagAuditEntry, StoreResult};
            use chrono::{DateTime, Utc};
            use sqlx::Row;
            use $crate::errors::store_error;
            use $crate::rows::json_from_text;

            type Pool = sqlx::Pool<$db>;

            async fn read<'e, E>(executor: E, key: &str) -> StoreResult<FlagOverride>
            where
                E: sqlx::Executor<'e, Database = $db>,
            {
                let row = sqlx::query(
                    "SELECT enabled, rollout_percentage, allowed_users FROM flag_overrides WHERE key = $1",
                )
                .bind(key)
                .fetch_optional(executor)
                .await
                .map_err(store_error)?;
                let Some(row) = row else {
                    return Ok(FlagOverride::default());
                };
                let users: Option<String> = row.try_get("allowed_users").map_err(store_error)?;
                let percentage: Option<i32> = row.try_get("rollout_percentage").map_err(store_error)?;
                Ok(FlagOverride {
                    enabled: row.try_get("enabled").map_err(store_error)?,
                    rollout_percentage: percentage.and_then(|p| u8::try_from(p).ok()),
                    allowed_users: users.map(|u| json_from_text("allowed_users", &u)).transpose()?,
                })
            }

            pub async fn get(pool: &Pool, key: &str) -> StoreResult<FlagOverride> {
                read(pool, key).await
            }

            pub async fn set(
                pool: &Pool,
                key: &str,
                change: &FlagOverride,
                actor: &str,
                at: DateTime<Utc>,
            ) -> StoreResult<FlagOverride> {
                let mut tx = pool.begin().await.map_err(store_error)?;
                // A write first takes SQLite's write lock, so "before" cannot go stale.
                sqlx::query("UPDATE flag_overrides SET key = key WHERE key = $1")
                    .bind(key)
                    .execute(&mut *tx)
                    .await
                    .map_err(store_error)?;
                let before = read(&mut *tx, key).await?;
                if change.is_empty() {
                    sqlx::query("DELETE FROM flag_overrides WHERE key = $1")
                        .bind(key)
                        .execute(&mut *tx)
                        .await
                        .map_err(store_error)?;
                } else {
                    sqlx::query(
                        "INSERT INTO flag_overrides (key, enabled, rollout_percentage, allowed_users, updated_at, updated_by) \
                         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (key) DO UPDATE SET \
                         enabled = excluded.enabled, rollout_percentage = excluded.rollout_percentage, \
                         allowed_users = excluded.allowed_users, updated_at = excluded.updated_at, \
                         updated_by = excluded.updated_by",
                    )
                    .bind(key)
                    .bind(change.enabled)
                    .bind(change.rollout_percentage.map(i32::from))
                    .bind(change.allowed_users.as_ref().map(|u| serde_json::Value::from(u.clone()).to_string()))
                    .bind(at)
                    .bind(actor)
                    .execute(&mut *tx)
                    .await
                    .map_err(store_error)?;
                }
                let to_json = |o: &FlagOverride| serde_json::to_string(o).unwrap_or_else(|_| "{}".into());
                sqlx::query("INSERT INTO flag_audit (id, key, at, actor, before, after) VALUES ($1, $2, $3, $4, $5, $6)")
                    .bind(uuid::Uuid::new_v4().to_string())
                    .bind(key)
                    .bind(at)
                    .bind(actor)
                    .bind(to_json(&before))
                    .bind(to_json(change))
                    .execute(&mut *tx)
                    .await
                    .map_err(store_error)?;
                tx.commit().await.map_err(store_error)?;
                Ok(before)
            }

            pub async fn audit(pool: &Pool, key: &str, limit: u32) -> StoreResult<Vec<FlagAuditEntry>> {
                let rows = sqlx::query(
                    "SELECT at, actor, before, after FROM flag_audit WHERE key = $1 ORDER BY at DESC, id DESC LIMIT $2",
                )
                .bind(key)
                .bind(i64::from(limit))
                .fetch_all(pool)
                .await
                .map_err(store_error)?;
                rows.iter()
                    .map(|row| {
                        let before: String = row.try_get("before").map_err(store_error)?;
                        let after: String = row.try_get("after").map_err(store_error)?;
                        Ok(FlagAuditEntry {
                            at: row.try_get("at").map_err(store_error)?,
                            actor: row.try_get("actor").map_err(store_error)?,
                            before: json_from_text("before", &before)?,
                            after: json_from_text("after", &after)?,
                        })
                    })
                    .collect()
            }
        }
    };
}
