//! Conversations and ratings for staff: the list searches shopper messages through a
//! full-text index (FTS5 on SQLite, a GIN `tsvector` index on PostgreSQL) and pages by the
//! start time, so neither counts nor offsets grow with the table.

use crate::SqlStore;
use crate::conversations::{CONVERSATION_COLUMNS, ConversationRow};
use crate::db::{Conn, Query};
use crate::rows::parse_stored;
use aurora_core::conversations::{IDLE_TIMEOUT, Outcome, Role};
use aurora_core::insight::conversations::{
    ConversationPage, ConversationQuery, ConversationRecord, ConversationSummary,
    ConversationTicket, Cursor, Rating, TranscriptMessage,
};
use aurora_core::insight::csat::{CsatEntry, CsatQuery};
use aurora_core::store::{InsightStore, NotUnderstood, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use serde_json::value::RawValue;

#[derive(sqlx::FromRow)]
struct ListRow {
    #[sqlx(flatten)]
    conversation: ConversationRow,
    first_message: Option<String>,
    score: Option<i32>,
}

#[derive(sqlx::FromRow)]
struct TranscriptRow {
    position: i32,
    role: String,
    text: Option<String>,
    blocks: String,
    at: DateTime<Utc>,
    understood: Option<String>,
    misunderstood: bool,
}

#[derive(sqlx::FromRow)]
struct TicketRow {
    reference: String,
    kind: String,
    status: String,
    created_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct RatingRow {
    score: i32,
    comment: Option<String>,
    at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct EntryRow {
    conversation_id: String,
    score: i32,
    comment: Option<String>,
    at: DateTime<Utc>,
    has_ticket: bool,
    ended_at: Option<DateTime<Utc>>,
    last_activity_at: DateTime<Utc>,
    last_reply_answered: bool,
}

#[derive(sqlx::FromRow)]
struct NotUnderstoodRow {
    conversation_id: String,
    text: Option<String>,
    at: DateTime<Utc>,
    misunderstood: bool,
}

/// `AND` the conversations (`c`) that turned out as `outcome` at `now`: the SQL form of
/// [`Outcome::of`].
fn push_outcome(sql: &mut Query<'_>, outcome: Outcome, now: DateTime<Utc>) {
    let idle_since = now - IDLE_TIMEOUT;
    match outcome {
        Outcome::HandedOff => {
            sql.push(" AND c.has_ticket");
        }
        Outcome::Open => {
            sql.push(" AND NOT c.has_ticket AND c.ended_at IS NULL AND c.last_activity_at >= ")
                .push_bind(idle_since);
        }
        Outcome::Resolved | Outcome::Abandoned => {
            sql.push(" AND NOT c.has_ticket AND (c.ended_at IS NOT NULL OR c.last_activity_at < ")
                .push_bind(idle_since)
                .push(")")
                .push(if outcome == Outcome::Resolved {
                    " AND c.last_reply_answered"
                } else {
                    " AND NOT c.last_reply_answered"
                });
        }
    }
}

/// The accented letters PostgreSQL's index folds (migration 0007 spells the same two
/// strings), and what to.
const FOLD_FROM: &str = "àáâãäåèéêëìíîïòóôõöùúûüýÿçñ";
const FOLD_TO: &str = "aaaaaaeeeeiiiiooooouuuuyycn";

/// A word with its accents folded as the PostgreSQL index folds them.
fn fold(word: &str) -> String {
    word.chars()
        .map(|c| match FOLD_FROM.chars().position(|a| a == c) {
            Some(i) => FOLD_TO.chars().nth(i).unwrap_or(c),
            None => c,
        })
        .collect()
}

/// `AND` the conversations (`c`) whose shopper messages hold every word (as prefixes).
fn push_words<'q>(sql: &mut Query<'q>, conn: &Conn<'_>, words: &[String]) {
    // The words are letters and digits only (`insight::search_words`): no query syntax.
    match conn {
        Conn::Sqlite(_) => {
            let matching: Vec<String> = words.iter().map(|w| format!("\"{w}\"*")).collect();
            sql.push(
                " AND c.id IN (SELECT m.conversation_id FROM messages_text f \
                 JOIN messages m ON m.rowid = f.rowid WHERE messages_text MATCH ",
            )
            .push_bind(matching.join(" "))
            .push(")");
        }
        Conn::Postgres(_) => {
            let matching: Vec<String> = words.iter().map(|w| format!("{}:*", fold(w))).collect();
            sql.push(&format!(
                " AND c.id IN (SELECT m.conversation_id FROM messages m WHERE m.role = 'shopper' \
                 AND to_tsvector('simple', translate(lower(m.text), '{FOLD_FROM}', '{FOLD_TO}')) \
                 @@ to_tsquery('simple', "
            ))
            .push_bind(matching.join(" & "))
            .push("))");
        }
    }
}

#[async_trait::async_trait]
impl InsightStore for SqlStore {
    async fn search_conversations(
        &self,
        query: &ConversationQuery,
        now: DateTime<Utc>,
    ) -> StoreResult<ConversationPage> {
        let mut pooled = self.db.acquire().await?;
        let mut conn = pooled.conn();
        let columns: Vec<String> = CONVERSATION_COLUMNS
            .split(',')
            .map(|c| format!("c.{}", c.trim()))
            .collect();
        let mut sql = Query::new(format!(
            "SELECT {}, (SELECT m.text FROM messages m WHERE m.conversation_id = c.id \
             AND m.role = 'shopper' ORDER BY m.position LIMIT 1) AS first_message, \
             (SELECT r.score FROM csat r WHERE r.conversation_id = c.id) AS score \
             FROM conversations c WHERE 1 = 1",
            columns.join(", ")
        ));
        if !query.words.is_empty() {
            push_words(&mut sql, &conn, &query.words);
        }
        if let Some(email) = &query.email {
            sql.push(
                " AND c.id IN (SELECT t.conversation_id FROM tickets t WHERE lower(t.email) = ",
            )
            .push_bind(email.to_lowercase())
            .push(")");
        }
        if let Some(intent) = query.intent {
            sql.push(
                " AND EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id \
                 AND m.intent = ",
            )
            .push_bind(intent.as_str())
            .push(")");
        }
        if let Some(outcome) = query.outcome {
            push_outcome(&mut sql, outcome, now);
        }
        if let Some(from) = query.from {
            sql.push(" AND c.started_at >= ").push_bind(from);
        }
        if let Some(to) = query.to {
            sql.push(" AND c.started_at < ").push_bind(to);
        }
        if let Some(after) = &query.after {
            sql.push(" AND (c.started_at < ")
                .push_bind(after.started_at)
                .push(" OR (c.started_at = ")
                .push_bind(after.started_at)
                .push(" AND c.id < ")
                .push_bind(after.id.clone())
                .push("))");
        }
        sql.push(" ORDER BY c.started_at DESC, c.id DESC LIMIT ")
            .push_bind(i64::from(query.per_page) + 1);
        let mut rows: Vec<ListRow> = conn.fetch_all(sql).await?;
        let more = rows.len() > query.per_page as usize;
        rows.truncate(query.per_page as usize);
        let mut conversations = Vec::with_capacity(rows.len());
        for row in rows {
            let conversation = row.conversation.into_conversation()?;
            conversations.push(ConversationSummary::of(
                &conversation,
                row.first_message,
                row.score,
                now,
            ));
        }
        let next = more.then(|| conversations.last()).flatten().map(|last| {
            Cursor {
                started_at: last.started_at,
                id: last.id.clone(),
            }
            .to_text()
        });
        Ok(ConversationPage {
            conversations,
            next,
        })
    }

    async fn conversation_record(&self, id: &str) -> StoreResult<Option<ConversationRecord>> {
        let mut pooled = self.db.acquire().await?;
        let mut conn = pooled.conn();
        let found: Option<ConversationRow> = conn
            .fetch_optional(
                Query::new(format!(
                    "SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE id = $1"
                ))
                .bind(id),
            )
            .await?;
        let Some(found) = found else {
            return Ok(None);
        };
        let conversation = found.into_conversation()?;
        let rows: Vec<TranscriptRow> = conn
            .fetch_all(
                Query::new(
                    "SELECT position, role, text, blocks, at, understood, misunderstood \
                     FROM messages WHERE conversation_id = $1 ORDER BY position",
                )
                .bind(id),
            )
            .await?;
        let mut messages = Vec::with_capacity(rows.len());
        for row in rows {
            messages.push(TranscriptMessage {
                position: row.position,
                role: Role::parse(&row.role)
                    .ok_or_else(|| StoreError::Other(format!("unexpected role `{}`", row.role)))?,
                text: row.text,
                blocks: RawValue::from_string(row.blocks).map_err(|e| {
                    StoreError::Other(format!("unexpected JSON in column blocks: {e}"))
                })?,
                at: row.at,
                understood: row
                    .understood
                    .and_then(|json| serde_json::from_str(&json).ok()),
                explanation: None,
                misunderstood: row.misunderstood,
            });
        }
        let tickets: Vec<TicketRow> = conn
            .fetch_all(
                Query::new(
                    "SELECT reference, kind, status, created_at FROM tickets \
                     WHERE conversation_id = $1 ORDER BY created_at",
                )
                .bind(id),
            )
            .await?;
        let tickets = tickets
            .into_iter()
            .map(|t| {
                Ok(ConversationTicket {
                    kind: parse_stored("kind", &t.kind)?,
                    status: parse_stored("status", &t.status)?,
                    reference: t.reference,
                    created_at: t.created_at,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        let rating: Option<RatingRow> = conn
            .fetch_optional(
                Query::new("SELECT score, comment, at FROM csat WHERE conversation_id = $1")
                    .bind(id),
            )
            .await?;
        let rating = rating.map(|r| Rating {
            score: r.score,
            comment: r.comment,
            at: r.at,
        });
        Ok(Some(ConversationRecord {
            conversation,
            messages,
            tickets,
            rating,
        }))
    }

    async fn mark_misunderstood(
        &self,
        conversation_id: &str,
        position: i32,
        misunderstood: bool,
    ) -> StoreResult<bool> {
        let _turn = self.writes.enter().await;
        let changed = self
            .db
            .execute(
                Query::new(
                    "UPDATE messages SET misunderstood = $1 WHERE conversation_id = $2 \
                     AND position = $3 AND role = 'shopper'",
                )
                .bind(misunderstood)
                .bind(conversation_id)
                .bind(position),
            )
            .await?;
        Ok(changed == 1)
    }

    async fn ratings(
        &self,
        query: &CsatQuery,
        now: DateTime<Utc>,
    ) -> StoreResult<(Vec<(i32, DateTime<Utc>)>, Vec<CsatEntry>, bool)> {
        let filter = |select: &str| {
            let mut sql = Query::new(format!(
                "SELECT {select} FROM csat r JOIN conversations c ON c.id = r.conversation_id \
                 WHERE r.at >= $1 AND r.at < $2"
            ))
            .bind(query.from)
            .bind(query.to);
            if let Some(outcome) = query.outcome {
                push_outcome(&mut sql, outcome, now);
            }
            if let Some(kind) = query.kind {
                sql.push(
                    " AND EXISTS (SELECT 1 FROM tickets t WHERE t.conversation_id = c.id \
                     AND t.kind = ",
                )
                .push_bind(kind.as_str())
                .push(")");
            }
            if query.with_comment {
                sql.push(" AND r.comment IS NOT NULL AND r.comment <> ''");
            }
            sql
        };
        let mut pooled = self.db.acquire().await?;
        let mut conn = pooled.conn();
        let all: Vec<(i32, DateTime<Utc>)> = conn.fetch_all(filter("r.score, r.at")).await?;
        let mut page = filter(
            "r.conversation_id, r.score, r.comment, r.at, c.has_ticket, c.ended_at, \
             c.last_activity_at, c.last_reply_answered",
        );
        page.push(if query.lowest_first {
            " ORDER BY r.score, r.at DESC, r.conversation_id"
        } else {
            " ORDER BY r.at DESC, r.conversation_id"
        });
        let per_page = i64::from(aurora_core::insight::csat::PAGE);
        page.push(" LIMIT ")
            .push_bind(per_page + 1)
            .push(" OFFSET ")
            .push_bind(i64::from(query.page) * per_page);
        let mut rows: Vec<EntryRow> = conn.fetch_all(page).await?;
        let more = rows.len() as i64 > per_page;
        rows.truncate(usize::try_from(per_page).unwrap_or(0));
        let entries = rows
            .into_iter()
            .map(|r| CsatEntry {
                outcome: Outcome::of(
                    r.has_ticket,
                    r.ended_at.is_some() || now - r.last_activity_at >= IDLE_TIMEOUT,
                    r.last_reply_answered,
                ),
                conversation_id: r.conversation_id,
                score: r.score,
                comment: r.comment,
                at: r.at,
            })
            .collect();
        Ok((all, entries, more))
    }

    async fn not_understood(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<NotUnderstood>> {
        let rows: Vec<NotUnderstoodRow> = self
            .db
            .fetch_all(
                Query::new(
                    "SELECT conversation_id, text, at, misunderstood FROM messages \
                     WHERE (intent = 'unknown' OR misunderstood) AND at >= $1 AND at < $2 \
                     ORDER BY at DESC LIMIT $3",
                )
                .bind(from)
                .bind(to)
                .bind(i64::from(limit)),
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| NotUnderstood {
                conversation_id: r.conversation_id,
                text: r.text.unwrap_or_default(),
                at: r.at,
                misunderstood: r.misunderstood,
            })
            .collect())
    }
}
