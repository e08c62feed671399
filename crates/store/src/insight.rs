//! Conversations and ratings for staff: the list searches shopper messages through a
//! full-text index (FTS5 on SQLite, a GIN `tsvector` index on PostgreSQL) and pages by the
//! start time, so neither counts nor offsets grow with the table.

use crate::SqlStore;
use crate::conversations::{CONVERSATION_COLUMNS, ConversationRow, intent_bit};
use crate::db::{Conn, Query};
use crate::rows::parse_stored;
use aurora_core::conversations::{IDLE_TIMEOUT, Outcome, Role};
use aurora_core::insight::conversations::{
    ConversationPage, ConversationQuery, ConversationRecord, ConversationSummary,
    ConversationTicket, Cursor, Rating, TranscriptMessage,
};
use aurora_core::insight::csat::{CsatEntry, CsatQuery, ScoreDay};
use aurora_core::store::{InsightStore, NotUnderstood, StoreError, StoreResult};
use chrono::{DateTime, Duration, Utc};
use serde_json::value::RawValue;
use std::collections::{HashMap, HashSet};

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
}

#[derive(sqlx::FromRow)]
struct ScoreDayRow {
    day: String,
    score: i32,
    count: i64,
}

/// `SELECT select` from the ratings (`r`) `query` matches, any page. Only an outcome filter
/// joins the conversations: the rest reads the ratings alone.
fn ratings_query<'q>(select: &str, query: &'q CsatQuery, now: DateTime<Utc>) -> Query<'q> {
    let mut sql = Query::new(format!("SELECT {select} FROM csat r"));
    if query.outcome.is_some() {
        sql.push(" JOIN conversations c ON c.id = r.conversation_id");
    }
    sql.push(" WHERE r.at >= ")
        .push_bind(query.from)
        .push(" AND r.at < ")
        .push_bind(query.to);
    if let Some(outcome) = query.outcome {
        push_outcome(&mut sql, outcome, now);
    }
    if let Some(kind) = query.kind {
        sql.push(
            " AND EXISTS (SELECT 1 FROM tickets t WHERE t.conversation_id = r.conversation_id \
             AND t.kind = ",
        )
        .push_bind(kind.as_str())
        .push(")");
    }
    if query.with_comment {
        sql.push(" AND r.comment IS NOT NULL AND r.comment <> ''");
    }
    sql
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

/// The search expression of `words` (letters and digits only, `insight::search_words`, so no
/// query syntax), each as a prefix, for the backend's full-text index.
fn matching(conn: &Conn<'_>, words: &[String]) -> String {
    match conn {
        Conn::Sqlite(_) => words
            .iter()
            .map(|w| format!("\"{w}\"*"))
            .collect::<Vec<_>>()
            .join(" "),
        Conn::Postgres(_) => words
            .iter()
            .map(|w| format!("{}:*", fold(w)))
            .collect::<Vec<_>>()
            .join(" & "),
    }
}

/// The PostgreSQL condition that shopper message `m` holds the `to_tsquery` bound next.
fn pg_text_matches() -> String {
    format!(
        "m.role = 'shopper' AND to_tsvector('simple', translate(lower(m.text), \
         '{FOLD_FROM}', '{FOLD_TO}')) @@ to_tsquery('simple', "
    )
}

/// `AND` the conversations (`c`) with a shopper message holding every word: checked one
/// conversation at a time, for lists another filter has already made short.
fn push_words_in_each<'q>(sql: &mut Query<'q>, conn: &Conn<'_>, words: &[String]) {
    match conn {
        Conn::Sqlite(_) => sql.push(
            " AND EXISTS (SELECT 1 FROM messages m JOIN messages_text f ON f.rowid = m.rowid \
             WHERE m.conversation_id = c.id AND messages_text MATCH ",
        ),
        Conn::Postgres(_) => sql.push(&format!(
            " AND EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND {}",
            pg_text_matches()
        )),
    }
    .push_bind(matching(conn, words))
    .push(if matches!(conn, Conn::Sqlite(_)) {
        ")"
    } else {
        "))"
    });
}

/// A shopper message holding the searched words: its place in the order messages were stored
/// (SQLite's rowid, PostgreSQL's `id`), its time and its conversation.
#[derive(sqlx::FromRow)]
struct Hit {
    key: i64,
    at: DateTime<Utc>,
    conversation_id: String,
}

/// Conversations looked up per query by id (well under either backend's limit of binds).
const LOOKUP_CHUNK: usize = 1_000;

/// The first hits read by a word search; each later round reads twice as many, up to `MOST_HITS`.
const FIRST_HITS: i64 = 100;
const MOST_HITS: i64 = 3_200;
/// How far the order messages were stored in may stray from their times (appends are batched).
const STORE_SKEW: Duration = Duration::minutes(1);

/// Up to `limit` messages holding the words, stored before `below`, newest first: read from the
/// full-text index in its own order, so a page reads about as many hits as it shows, however
/// common the words.
fn hits_query<'q>(conn: &Conn<'_>, words: &[String], below: i64, limit: i64) -> Query<'q> {
    let mut sql = match conn {
        Conn::Sqlite(_) => Query::new(
            "SELECT f.rowid AS key, m.at, m.conversation_id FROM messages_text f \
             JOIN messages m ON m.rowid = f.rowid WHERE messages_text MATCH $1 AND f.rowid < $2 \
             ORDER BY f.rowid DESC LIMIT $3",
        ),
        Conn::Postgres(_) => Query::new(format!(
            "SELECT m.id AS key, m.at, m.conversation_id FROM messages m WHERE {}$1) \
             AND m.id < $2 ORDER BY m.id DESC LIMIT $3",
            pg_text_matches()
        )),
    };
    sql = sql.bind(matching(conn, words)).bind(below).bind(limit);
    sql
}

/// The list's `SELECT` with every filter of `query` but its words, ready for more `AND`s.
fn list_query<'q>(query: &'q ConversationQuery, now: DateTime<Utc>) -> Query<'q> {
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
    if let Some(email) = &query.email {
        sql.push(" AND c.id IN (SELECT t.conversation_id FROM tickets t WHERE lower(t.email) = ")
            .push_bind(email.to_lowercase())
            .push(")");
    }
    if let Some(intent) = query.intent {
        sql.push(" AND (c.intents & ")
            .push_bind(intent_bit(intent))
            .push(") <> 0");
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
    sql
}

/// Newest first, as the list orders.
fn newest_first(a: &ListRow, b: &ListRow) -> std::cmp::Ordering {
    (b.conversation.started_at, &b.conversation.id)
        .cmp(&(a.conversation.started_at, &a.conversation.id))
}

/// The first `wanted` conversations of `query` (which has words and no email), newest first.
///
/// The matching messages are read newest first, in rounds; every conversation they belong to
/// is filtered once. A conversation that started after the oldest hit read so far (less the
/// store's skew) has all its messages above it, so it can no longer be overtaken: the rounds
/// stop when `wanted` such conversations are found, or the hits (or the range) run out.
async fn search_by_hits(
    conn: &mut Conn<'_>,
    query: &ConversationQuery,
    wanted: usize,
    now: DateTime<Utc>,
) -> StoreResult<Vec<ListRow>> {
    let mut found: Vec<ListRow> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut below = i64::MAX;
    let mut limit = FIRST_HITS;
    loop {
        let hits: Vec<Hit> = conn
            .fetch_all(hits_query(conn, &query.words, below, limit))
            .await?;
        let exhausted = (hits.len() as i64) < limit;
        let oldest = hits.iter().map(|h| h.at).min();
        below = hits.last().map_or(below, |h| h.key);
        let fresh: Vec<String> = hits
            .into_iter()
            .filter_map(|h| {
                seen.insert(h.conversation_id.clone())
                    .then_some(h.conversation_id)
            })
            .collect();
        if !fresh.is_empty() {
            let mut sql = list_query(query, now);
            sql.push(" AND c.id IN ").push_list(fresh);
            found.extend(conn.fetch_all::<ListRow>(sql).await?);
        }
        found.sort_by(newest_first);
        let Some(oldest) = oldest.filter(|_| !exhausted) else {
            break;
        };
        let settled = oldest + STORE_SKEW;
        if query.from.is_some_and(|from| settled < from) {
            break;
        }
        if found
            .iter()
            .take_while(|row| row.conversation.started_at > settled)
            .count()
            >= wanted
        {
            break;
        }
        limit = (limit * 2).min(MOST_HITS);
    }
    found.truncate(wanted);
    Ok(found)
}

#[async_trait::async_trait]
impl InsightStore for SqlStore {
    async fn search_conversations(
        &self,
        query: &ConversationQuery,
        now: DateTime<Utc>,
    ) -> StoreResult<ConversationPage> {
        if !query.words.is_empty() {
            self.index_new_messages().await?;
        }
        let mut pooled = self.db.acquire().await?;
        let mut conn = pooled.conn();
        let wanted = query.per_page as usize + 1;
        let mut rows: Vec<ListRow> = if query.words.is_empty() || query.email.is_some() {
            let mut sql = list_query(query, now);
            if !query.words.is_empty() {
                push_words_in_each(&mut sql, &conn, &query.words);
            }
            sql.push(" ORDER BY c.started_at DESC, c.id DESC LIMIT ")
                .push_bind(wanted as i64);
            conn.fetch_all(sql).await?
        } else {
            search_by_hits(&mut conn, query, wanted, now).await?
        };
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

    async fn rating_counts(
        &self,
        query: &CsatQuery,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<ScoreDay>> {
        let mut pooled = self.db.acquire().await?;
        let mut conn = pooled.conn();
        let day = match conn {
            Conn::Sqlite(_) => "substr(r.at, 1, 10)",
            Conn::Postgres(_) => "to_char(r.at AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
        };
        let mut sql = ratings_query(
            &format!("{day} AS day, r.score, count(*) AS count"),
            query,
            now,
        );
        sql.push(" GROUP BY day, r.score");
        let rows: Vec<ScoreDayRow> = conn.fetch_all(sql).await?;
        rows.into_iter()
            .map(|r| {
                Ok(ScoreDay {
                    day: r.day.parse().map_err(|e| {
                        StoreError::Other(format!("unexpected rating day `{}`: {e}", r.day))
                    })?,
                    score: r.score,
                    count: u64::try_from(r.count).unwrap_or(0),
                })
            })
            .collect()
    }

    async fn rating_page(
        &self,
        query: &CsatQuery,
        now: DateTime<Utc>,
    ) -> StoreResult<(Vec<CsatEntry>, bool)> {
        let mut pooled = self.db.acquire().await?;
        let mut conn = pooled.conn();
        let mut page = ratings_query("r.conversation_id, r.score, r.comment, r.at", query, now);
        page.push(if query.lowest_first {
            " ORDER BY r.score, r.at DESC, r.conversation_id"
        } else {
            " ORDER BY r.at DESC, r.conversation_id"
        });
        let per_page = i64::from(query.per_page.max(1));
        page.push(" LIMIT ")
            .push_bind(per_page + 1)
            .push(" OFFSET ")
            .push_bind(i64::from(query.page) * per_page);
        let mut rows: Vec<EntryRow> = conn.fetch_all(page).await?;
        let more = rows.len() as i64 > per_page;
        rows.truncate(usize::try_from(per_page).unwrap_or(0));
        // The page's conversations, read after the page: the range's other ratings never are.
        let mut outcomes: HashMap<String, Outcome> = HashMap::new();
        for ids in rows.chunks(LOOKUP_CHUNK) {
            let mut sql = Query::new(format!(
                "SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE id IN "
            ));
            sql.push_list(ids.iter().map(|r| r.conversation_id.clone()));
            let found: Vec<ConversationRow> = conn.fetch_all(sql).await?;
            for row in found {
                let conversation = row.into_conversation()?;
                outcomes.insert(conversation.id.clone(), conversation.outcome(now));
            }
        }
        let entries = rows
            .into_iter()
            .map(|r| {
                let outcome = outcomes.get(&r.conversation_id).copied().ok_or_else(|| {
                    StoreError::Other(format!("rating of no conversation `{}`", r.conversation_id))
                })?;
                Ok(CsatEntry {
                    outcome,
                    conversation_id: r.conversation_id,
                    score: r.score,
                    comment: r.comment,
                    at: r.at,
                })
            })
            .collect::<StoreResult<_>>()?;
        Ok((entries, more))
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
