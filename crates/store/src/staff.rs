//! Staff accounts, sessions, set-password links and the staff audit log.

use crate::SqlStore;
use crate::db::{Conn, Query};
use crate::rows::parse_stored;
use aurora_core::email::Email;
use aurora_core::staff::StaffUser;
use aurora_core::staff::audit::AuditEntry;
use aurora_core::staff::session::Session;
use aurora_core::store::{StaffStore, StoreError, StoreResult};
use chrono::{DateTime, Utc};

/// Why a change of an account is refused: it would leave no active owner.
pub const LAST_OWNER: &str = "no active owner would be left";

const USER_COLUMNS: &str =
    "id, email, role, created_at, disabled_at, password_hash IS NOT NULL AS password_set";

#[derive(sqlx::FromRow)]
struct UserRow {
    id: String,
    email: String,
    role: String,
    created_at: DateTime<Utc>,
    disabled_at: Option<DateTime<Utc>>,
    password_set: bool,
}

impl UserRow {
    fn into_user(self) -> StoreResult<StaffUser> {
        Ok(StaffUser {
            email: Email::parse(&self.email).map_err(|_| {
                StoreError::Other(format!("unexpected email in staff user {}", self.id))
            })?,
            role: parse_stored("role", &self.role)?,
            id: self.id,
            created_at: self.created_at,
            disabled_at: self.disabled_at,
            password_set: self.password_set,
        })
    }
}

#[derive(sqlx::FromRow)]
struct UserWithHash {
    #[sqlx(flatten)]
    user: UserRow,
    password_hash: Option<String>,
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    id_hash: String,
    user_id: String,
    csrf_token: String,
    created_at: DateTime<Utc>,
    last_seen_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct AuditRow {
    at: DateTime<Utc>,
    actor: String,
    action: String,
    subject: String,
    detail: String,
}

/// Writes an audit entry on `conn` (inside the transaction of the change it records).
pub(crate) async fn record(conn: &mut Conn<'_>, entry: &AuditEntry) -> StoreResult<()> {
    conn.execute(
        Query::new(
            "INSERT INTO staff_audit (id, at, actor, action, subject, detail) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(entry.at)
        .bind(entry.actor.as_str())
        .bind(entry.action.as_str())
        .bind(entry.subject.as_str())
        .bind(entry.detail.as_str()),
    )
    .await?;
    Ok(())
}

async fn end_sessions(conn: &mut Conn<'_>, user_id: &str) -> StoreResult<()> {
    conn.execute(Query::new("DELETE FROM staff_sessions WHERE user_id = $1").bind(user_id))
        .await?;
    Ok(())
}

#[async_trait::async_trait]
impl StaffStore for SqlStore {
    async fn insert_user(
        &self,
        user: &StaffUser,
        password_hash: Option<&str>,
        audit: &AuditEntry,
    ) -> StoreResult<()> {
        let mut tx = self.db.begin().await?;
        let mut conn = tx.conn();
        // The email's uniqueness answers a second account for it with `Conflict`.
        conn.execute(
            Query::new(
                "INSERT INTO staff_users (id, email, role, password_hash, created_at, disabled_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(user.id.as_str())
            .bind(user.email.to_lowercase().as_str().to_string())
            .bind(user.role.as_str())
            .bind(password_hash)
            .bind(user.created_at)
            .bind(user.disabled_at),
        )
        .await?;
        record(&mut conn, audit).await?;
        tx.commit().await
    }

    async fn user(&self, id: &str) -> StoreResult<Option<StaffUser>> {
        let query = Query::new(format!(
            "SELECT {USER_COLUMNS} FROM staff_users WHERE id = $1"
        ))
        .bind(id);
        let row: Option<UserRow> = self.db.fetch_optional(query).await?;
        row.map(UserRow::into_user).transpose()
    }

    async fn user_by_email(&self, email: &str) -> StoreResult<Option<(StaffUser, Option<String>)>> {
        let query = Query::new(format!(
            "SELECT {USER_COLUMNS}, password_hash FROM staff_users WHERE email = $1"
        ))
        .bind(email.trim().to_lowercase());
        let row: Option<UserWithHash> = self.db.fetch_optional(query).await?;
        row.map(|r| Ok((r.user.into_user()?, r.password_hash)))
            .transpose()
    }

    async fn users(&self) -> StoreResult<Vec<StaffUser>> {
        let query = Query::new(format!(
            "SELECT {USER_COLUMNS} FROM staff_users ORDER BY email"
        ));
        let rows: Vec<UserRow> = self.db.fetch_all(query).await?;
        rows.into_iter().map(UserRow::into_user).collect()
    }

    async fn update_user(&self, user: &StaffUser, audit: &AuditEntry) -> StoreResult<()> {
        let mut tx = self.db.begin().await?;
        let mut conn = tx.conn();
        // Locks every owner's row (SQLite: the database) first, so that two changes of owners at
        // once are made one after the other and the count below sees the other's.
        let owners_before = conn
            .execute(Query::new(
                "UPDATE staff_users SET role = role WHERE role = 'owner' AND disabled_at IS NULL",
            ))
            .await?;
        let changed = conn
            .execute(
                Query::new("UPDATE staff_users SET role = $1, disabled_at = $2 WHERE id = $3")
                    .bind(user.role.as_str())
                    .bind(user.disabled_at)
                    .bind(user.id.as_str()),
            )
            .await?;
        if changed == 0 {
            return Err(StoreError::Other(format!("no staff user {}", user.id)));
        }
        let owners = conn
            .count(Query::new(
                "SELECT COUNT(*) FROM staff_users WHERE role = 'owner' AND disabled_at IS NULL",
            ))
            .await?;
        if owners == 0 && owners_before > 0 {
            return Err(StoreError::Conflict(LAST_OWNER.to_string()));
        }
        if !user.is_active() {
            end_sessions(&mut conn, &user.id).await?;
            conn.execute(
                Query::new(
                    "UPDATE staff_users SET password_link_hash = NULL, \
                     password_link_expires_at = NULL WHERE id = $1",
                )
                .bind(user.id.as_str()),
            )
            .await?;
        }
        record(&mut conn, audit).await?;
        tx.commit().await
    }

    async fn set_password_link(
        &self,
        user_id: &str,
        link_hash: &str,
        expires_at: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> StoreResult<()> {
        let mut tx = self.db.begin().await?;
        let mut conn = tx.conn();
        conn.execute(
            Query::new(
                "UPDATE staff_users SET password_link_hash = $1, \
                 password_link_expires_at = $2 WHERE id = $3",
            )
            .bind(link_hash)
            .bind(expires_at)
            .bind(user_id),
        )
        .await?;
        record(&mut conn, audit).await?;
        tx.commit().await
    }

    async fn password_link_user(
        &self,
        link_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<StaffUser>> {
        let query = Query::new(format!(
            "SELECT {USER_COLUMNS} FROM staff_users WHERE password_link_hash = $1 \
             AND password_link_expires_at > $2 AND disabled_at IS NULL"
        ))
        .bind(link_hash)
        .bind(now);
        let row: Option<UserRow> = self.db.fetch_optional(query).await?;
        row.map(UserRow::into_user).transpose()
    }

    async fn use_password_link(
        &self,
        link_hash: &str,
        password_hash: &str,
        now: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> StoreResult<Option<StaffUser>> {
        let mut tx = self.db.begin().await?;
        let mut conn = tx.conn();
        let query = Query::new(format!(
            "SELECT {USER_COLUMNS} FROM staff_users WHERE password_link_hash = $1 \
             AND password_link_expires_at > $2 AND disabled_at IS NULL"
        ))
        .bind(link_hash)
        .bind(now);
        let Some(row) = conn.fetch_optional::<UserRow>(query).await? else {
            return Ok(None);
        };
        let mut user = row.into_user()?;
        // Only the first of two concurrent uses of a link clears it.
        let used = conn
            .execute(
                Query::new(
                    "UPDATE staff_users SET password_hash = $1, password_link_hash = NULL, \
                     password_link_expires_at = NULL WHERE id = $2 AND password_link_hash = $3",
                )
                .bind(password_hash)
                .bind(user.id.as_str())
                .bind(link_hash),
            )
            .await?;
        if used == 0 {
            return Ok(None);
        }
        end_sessions(&mut conn, &user.id).await?;
        record(&mut conn, audit).await?;
        tx.commit().await?;
        user.password_set = true;
        Ok(Some(user))
    }

    async fn set_password(
        &self,
        user_id: &str,
        password_hash: &str,
        audit: &AuditEntry,
    ) -> StoreResult<()> {
        let mut tx = self.db.begin().await?;
        let mut conn = tx.conn();
        conn.execute(
            Query::new(
                "UPDATE staff_users SET password_hash = $1, password_link_hash = NULL, \
                 password_link_expires_at = NULL WHERE id = $2",
            )
            .bind(password_hash)
            .bind(user_id),
        )
        .await?;
        end_sessions(&mut conn, user_id).await?;
        record(&mut conn, audit).await?;
        tx.commit().await
    }

    async fn insert_session(&self, session: &Session, audit: &AuditEntry) -> StoreResult<()> {
        let mut tx = self.db.begin().await?;
        let mut conn = tx.conn();
        conn.execute(
            Query::new(
                "INSERT INTO staff_sessions (id_hash, user_id, csrf_token, created_at, \
                 last_seen_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(session.id_hash.as_str())
            .bind(session.user_id.as_str())
            .bind(session.csrf_token.as_str())
            .bind(session.created_at)
            .bind(session.last_seen_at),
        )
        .await?;
        record(&mut conn, audit).await?;
        tx.commit().await
    }

    async fn session(&self, id_hash: &str) -> StoreResult<Option<Session>> {
        let query = Query::new(
            "SELECT id_hash, user_id, csrf_token, created_at, last_seen_at FROM staff_sessions \
             WHERE id_hash = $1",
        )
        .bind(id_hash);
        let row: Option<SessionRow> = self.db.fetch_optional(query).await?;
        Ok(row.map(|r| Session {
            id_hash: r.id_hash,
            user_id: r.user_id,
            csrf_token: r.csrf_token,
            created_at: r.created_at,
            last_seen_at: r.last_seen_at,
        }))
    }

    async fn touch_session(&self, id_hash: &str, at: DateTime<Utc>) -> StoreResult<()> {
        self.db
            .execute(
                Query::new("UPDATE staff_sessions SET last_seen_at = $1 WHERE id_hash = $2")
                    .bind(at)
                    .bind(id_hash),
            )
            .await?;
        Ok(())
    }

    async fn delete_session(&self, id_hash: &str, audit: Option<&AuditEntry>) -> StoreResult<()> {
        let mut tx = self.db.begin().await?;
        let mut conn = tx.conn();
        conn.execute(Query::new("DELETE FROM staff_sessions WHERE id_hash = $1").bind(id_hash))
            .await?;
        if let Some(audit) = audit {
            record(&mut conn, audit).await?;
        }
        tx.commit().await
    }

    async fn delete_sessions_of(&self, user_id: &str, audit: &AuditEntry) -> StoreResult<()> {
        let mut tx = self.db.begin().await?;
        let mut conn = tx.conn();
        end_sessions(&mut conn, user_id).await?;
        record(&mut conn, audit).await?;
        tx.commit().await
    }

    async fn purge_sessions(
        &self,
        started_before: DateTime<Utc>,
        idle_since: DateTime<Utc>,
    ) -> StoreResult<u64> {
        self.db
            .execute(
                Query::new("DELETE FROM staff_sessions WHERE created_at < $1 OR last_seen_at < $2")
                    .bind(started_before)
                    .bind(idle_since),
            )
            .await
    }

    async fn record_audit(&self, entry: &AuditEntry) -> StoreResult<()> {
        let mut pooled = self.db.acquire().await?;
        record(&mut pooled.conn(), entry).await
    }

    async fn audit_log(
        &self,
        limit: u32,
        before: Option<DateTime<Utc>>,
    ) -> StoreResult<Vec<AuditEntry>> {
        let mut query = Query::new("SELECT at, actor, action, subject, detail FROM staff_audit");
        if let Some(before) = before {
            query.push(" WHERE at < ").push_bind(before);
        }
        query
            .push(" ORDER BY at DESC, id DESC LIMIT ")
            .push_bind(i64::from(limit));
        let rows: Vec<AuditRow> = self.db.fetch_all(query).await?;
        rows.into_iter()
            .map(|r| {
                Ok(AuditEntry {
                    at: r.at,
                    actor: r.actor,
                    action: parse_stored("action", &r.action)?,
                    subject: r.subject,
                    detail: r.detail,
                })
            })
            .collect()
    }
}
