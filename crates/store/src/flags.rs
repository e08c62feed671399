//! Feature-flag overrides and their audit log.

use crate::SqlStore;
use crate::db::{Conn, Query};
use crate::rows::{json_from_text, json_text};
use aurora_core::flags::{FlagOverride, describe_change};
use aurora_core::staff::audit::{AuditAction, AuditEntry};
use aurora_core::store::{FlagAuditEntry, FlagStore, StoreResult};
use chrono::{DateTime, Utc};

#[derive(sqlx::FromRow)]
struct OverrideRow {
    enabled: Option<bool>,
    rollout_percentage: Option<i32>,
    /// A JSON array of emails.
    allowed_users: Option<String>,
}

#[derive(sqlx::FromRow)]
struct AuditRow {
    at: DateTime<Utc>,
    actor: String,
    before: String,
    after: String,
}

async fn read(conn: &mut Conn<'_>, key: &str) -> StoreResult<FlagOverride> {
    let query = Query::new(
        "SELECT enabled, rollout_percentage, allowed_users FROM flag_overrides WHERE key = $1",
    )
    .bind(key);
    let Some(row) = conn.fetch_optional::<OverrideRow>(query).await? else {
        return Ok(FlagOverride::default());
    };
    Ok(FlagOverride {
        enabled: row.enabled,
        rollout_percentage: row.rollout_percentage.and_then(|p| u8::try_from(p).ok()),
        allowed_users: row
            .allowed_users
            .map(|u| json_from_text("allowed_users", &u))
            .transpose()?,
    })
}

impl SqlStore {
    /// Replaces a flag's override with what `decide` makes of the stored one, in one
    /// transaction with the write lock taken first, with its audit entries.
    async fn write(
        &self,
        key: &str,
        decide: impl FnOnce(&FlagOverride) -> FlagOverride + Send,
        actor: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<(FlagOverride, FlagOverride)> {
        let mut tx = self.db.begin().await?;
        let mut conn = tx.conn();
        // A write first takes SQLite's write lock, so "before" cannot go stale.
        conn.execute(Query::new("UPDATE flag_overrides SET key = key WHERE key = $1").bind(key))
            .await?;
        let before = read(&mut conn, key).await?;
        let after = decide(&before);
        let change = &after;
        if change.is_empty() {
            conn.execute(Query::new("DELETE FROM flag_overrides WHERE key = $1").bind(key))
                .await?;
        } else {
            conn.execute(
                Query::new(
                    "INSERT INTO flag_overrides (key, enabled, rollout_percentage, \
                     allowed_users, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6) \
                     ON CONFLICT (key) DO UPDATE SET enabled = excluded.enabled, \
                     rollout_percentage = excluded.rollout_percentage, \
                     allowed_users = excluded.allowed_users, updated_at = excluded.updated_at, \
                     updated_by = excluded.updated_by",
                )
                .bind(key)
                .bind(change.enabled)
                .bind(change.rollout_percentage.map(i32::from))
                .bind(change.allowed_users.as_ref().map(json_text))
                .bind(at)
                .bind(actor),
            )
            .await?;
        }
        conn.execute(
            Query::new(
                "INSERT INTO flag_audit (id, key, at, actor, before, after) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(uuid::Uuid::new_v4().to_string())
            .bind(key)
            .bind(at)
            .bind(actor)
            .bind(json_text(&before))
            .bind(json_text(change)),
        )
        .await?;
        let entry = AuditEntry::new(
            at,
            actor,
            AuditAction::FlagChanged,
            key,
            describe_change(&before, change),
        );
        crate::staff::record(&mut conn, &entry).await?;
        tx.commit().await?;
        Ok((before, after))
    }
}

#[async_trait::async_trait]
impl FlagStore for SqlStore {
    async fn flag_override(&self, key: &str) -> StoreResult<FlagOverride> {
        read(&mut self.db.acquire().await?.conn(), key).await
    }

    async fn set_flag_override(
        &self,
        key: &str,
        change: &FlagOverride,
        actor: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<FlagOverride> {
        let (before, _) = self.write(key, |_| change.clone(), actor, at).await?;
        Ok(before)
    }

    async fn change_flag_override(
        &self,
        key: &str,
        change: &FlagOverride,
        actor: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<(FlagOverride, FlagOverride)> {
        let merge = |before: &FlagOverride| FlagOverride {
            enabled: change.enabled.or(before.enabled),
            rollout_percentage: change.rollout_percentage.or(before.rollout_percentage),
            allowed_users: change
                .allowed_users
                .clone()
                .or_else(|| before.allowed_users.clone()),
        };
        self.write(key, merge, actor, at).await
    }

    async fn flag_audit(&self, key: &str, limit: u32) -> StoreResult<Vec<FlagAuditEntry>> {
        let query = Query::new(
            "SELECT at, actor, before, after FROM flag_audit WHERE key = $1 \
             ORDER BY at DESC, id DESC LIMIT $2",
        )
        .bind(key)
        .bind(i64::from(limit));
        let rows: Vec<AuditRow> = self.db.fetch_all(query).await?;
        rows.into_iter()
            .map(|row| {
                Ok(FlagAuditEntry {
                    at: row.at,
                    actor: row.actor,
                    before: json_from_text("before", &row.before)?,
                    after: json_from_text("after", &row.after)?,
                })
            })
            .collect()
    }
}
