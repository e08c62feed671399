//! Conversations and their messages, and the counts the metrics report.
//!
//! A batch of appends is written by two statements in one transaction: one `UPDATE` of every
//! conversation they touch, which returns the ids it found, then one `INSERT` of their
//! messages, numbered on from where each conversation was (several appends to one
//! conversation follow each other in order); a conversation not found gets no messages. The
//! `UPDATE` writes first, so positions never race (a row lock on PostgreSQL; SQLite writes one
//! transaction at a time). SQLite sends both at once (see `sqlite::worker`).

use crate::db::{Conn, Query};
use crate::{Append, SqlStore, SqlTransaction};
use aurora_core::conversations::{Conversation, ConversationState, Message, Role};
use aurora_core::store::{
    Appended, ConversationCounts, ConversationStore, ConversationWrites, StoreError, StoreResult,
};
use aurora_nlu::Intent;
use chrono::{DateTime, Duration, Utc};
use serde_json::value::RawValue;

pub(crate) const CONVERSATION_COLUMNS: &str = "id, visitor_id, started_at, last_activity_at, \
     ended_at, replies, has_ticket, last_reply_answered, state";

/// Conversations ended per sweep query; the sweep loops until none are left.
const SWEEP_BATCH: i64 = 500;

#[derive(sqlx::FromRow)]
pub(crate) struct ConversationRow {
    pub(crate) id: String,
    visitor_id: String,
    pub(crate) started_at: DateTime<Utc>,
    last_activity_at: DateTime<Utc>,
    ended_at: Option<DateTime<Utc>>,
    replies: i32,
    has_ticket: bool,
    last_reply_answered: bool,
    state: String,
}

impl ConversationRow {
    pub(crate) fn into_conversation(self) -> StoreResult<Conversation> {
        Ok(Conversation {
            state: ConversationState::parse(&self.state),
            id: self.id,
            visitor_id: self.visitor_id,
            started_at: self.started_at,
            last_activity_at: self.last_activity_at,
            ended_at: self.ended_at,
            replies: self.replies,
            has_ticket: self.has_ticket,
            last_reply_answered: self.last_reply_answered,
        })
    }
}

pub(crate) const MESSAGE_COLUMNS: &str = "role, text, blocks, at, understood";

#[derive(sqlx::FromRow)]
pub(crate) struct MessageRow {
    role: String,
    text: Option<String>,
    blocks: String,
    at: DateTime<Utc>,
    understood: Option<String>,
}

impl MessageRow {
    pub(crate) fn into_message(self) -> StoreResult<Message> {
        Ok(Message {
            role: Role::parse(&self.role)
                .ok_or_else(|| StoreError::Other(format!("unexpected role `{}`", self.role)))?,
            text: self.text,
            blocks: RawValue::from_string(self.blocks)
                .map_err(|e| StoreError::Other(format!("unexpected JSON in column blocks: {e}")))?,
            at: self.at,
            // Written by an older or newer build, an unreadable understanding is shown as none.
            understood: self
                .understood
                .and_then(|json| serde_json::from_str(&json).ok()),
        })
    }
}

#[derive(sqlx::FromRow)]
struct Counts {
    open: i64,
    with_ticket: i64,
    without_ticket: i64,
}

#[derive(sqlx::FromRow)]
struct IdleRow {
    id: String,
    last_activity_at: DateTime<Utc>,
    has_ticket: bool,
}

fn count(messages: &[Message]) -> i32 {
    i32::try_from(messages.len()).unwrap_or(i32::MAX)
}

/// The bit of `intent` in `conversations.intents`, the intents a conversation's messages were
/// understood as (what the workspace's intent filter reads, with no index per message).
/// Stored: never renumber.
pub(crate) fn intent_bit(intent: Intent) -> i64 {
    1 << match intent {
        Intent::Greeting => 0,
        Intent::FindProduct => 1,
        Intent::TrackOrder => 2,
        Intent::Returns => 3,
        Intent::Stylist => 4,
        Intent::StyleQuiz => 5,
        Intent::Shortlist => 6,
        Intent::Help => 7,
        Intent::Unknown => 8,
    }
}

/// The bits of the intents `messages` were understood as.
fn intent_bits(messages: &[Message]) -> i64 {
    messages
        .iter()
        .filter_map(|m| m.understood.as_ref())
        .fold(0, |bits, u| bits | intent_bit(u.intent))
}

/// The conversations named by `ids`, in one statement: for each id in order, the
/// conversation or `None`.
pub(crate) async fn read_batch(
    conn: &mut Conn<'_>,
    ids: &[String],
) -> StoreResult<Vec<StoreResult<Option<Conversation>>>> {
    let mut select = Query::new(format!(
        "SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE id IN "
    ));
    select.push_list(ids);
    let found = conn
        .fetch_all::<ConversationRow>(select)
        .await?
        .into_iter()
        .map(ConversationRow::into_conversation)
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(ids
        .iter()
        .map(|id| Ok(found.iter().find(|c| &c.id == id).cloned()))
        .collect())
}

/// One conversation's share of a batch of appends: messages and replies added, the state and
/// time of its last append, and whether its last reply answered.
pub(crate) struct Touched<'a> {
    id: &'a str,
    added: i32,
    state: &'a ConversationState,
    replies: i32,
    answered: Option<bool>,
    at: DateTime<Utc>,
    intents: i64,
}

/// Per conversation, in order of first appearance.
pub(crate) fn touched(appends: &[Append]) -> Vec<Touched<'_>> {
    let mut touched: Vec<Touched> = Vec::new();
    for append in appends {
        match touched.iter_mut().find(|t| t.id == append.id) {
            Some(t) => {
                t.added += count(&append.messages);
                t.state = &append.state;
                t.replies += append.replies;
                t.answered = append.answered.or(t.answered);
                t.at = append.at;
                t.intents |= intent_bits(&append.messages);
            }
            None => touched.push(Touched {
                id: &append.id,
                added: count(&append.messages),
                state: &append.state,
                replies: append.replies,
                answered: append.answered,
                at: append.at,
                intents: intent_bits(&append.messages),
            }),
        }
    }
    touched
}

/// What a failed constraint in a batch's statements undoes.
#[derive(Clone, Copy)]
pub(crate) enum Undo {
    /// The statement (SQL's default).
    Statement,
    /// The whole transaction (SQLite's `OR ROLLBACK`), for a batch that is undone whole anyway.
    /// On a connection without foreign keys enforced (the SQLite worker's, see `sqlite::open`)
    /// SQLite then keeps no statement journal, a copy of every page the statement changes.
    Transaction,
}

impl Undo {
    /// What follows the statement's verb.
    fn clause(self) -> &'static str {
        match self {
            Undo::Statement => "",
            Undo::Transaction => " OR ROLLBACK",
        }
    }
}

/// The `UPDATE` of a batch: every touched conversation, returning the ids found.
pub(crate) fn push_update<'a>(sql: &mut Query<'a>, touched: &[Touched<'a>], undo: Undo) {
    sql.push("UPDATE").push(undo.clause()).push(
        " conversations SET message_count = conversations.message_count + v.column2, \
         state = v.column3, replies = conversations.replies + v.column4, \
         last_activity_at = v.column5, \
         last_reply_answered = COALESCE(v.column6, conversations.last_reply_answered), \
         intents = conversations.intents | v.column7 FROM (",
    );
    sql.push_values(touched, |t| {
        [
            t.id.into(),
            t.added.into(),
            t.state.to_text().into(),
            t.replies.into(),
            t.at.into(),
            t.answered.into(),
            t.intents.into(),
        ]
    });
    sql.push(") AS v WHERE conversations.id = v.column1 RETURNING conversations.id");
}

/// Whether the appends carry any message (an `INSERT` of none is not valid SQL).
pub(crate) fn any_messages(appends: &[Append]) -> bool {
    appends.iter().any(|append| !append.messages.is_empty())
}

/// The `INSERT` of a batch: each message with how far before its conversation's updated count
/// it goes. The JOIN stores no message without its conversation: on the SQLite worker's
/// connection, which does not enforce foreign keys, it is the only check.
pub(crate) fn push_insert<'a>(
    sql: &mut Query<'a>,
    appends: &'a [Append],
    touched: &[Touched<'a>],
    undo: Undo,
) {
    let mut to_go: Vec<(&'a str, i32)> = touched.iter().map(|t| (t.id, t.added)).collect();
    let mut rows: Vec<(&'a str, i32, &'a Message)> = Vec::new();
    for append in appends {
        if let Some((id, left)) = to_go.iter_mut().find(|(id, _)| *id == append.id) {
            for message in &append.messages {
                rows.push((*id, *left, message));
                *left -= 1;
            }
        }
    }
    sql.push("INSERT").push(undo.clause()).push(
        " INTO messages (conversation_id, position, role, text, blocks, at, intent, \
         understood) SELECT v.column1, c.message_count - v.column2, v.column3, v.column4, \
         v.column5, v.column6, v.column7, v.column8 FROM (",
    );
    push_message_values(sql, &rows);
    sql.push(") AS v JOIN conversations c ON c.id = v.column1");
}

/// `VALUES` of `(conversation id, a number, message)` rows, in the columns
/// `conversation_id, ?, role, text, blocks, at, intent, understood`.
fn push_message_values<'a>(sql: &mut Query<'a>, rows: &[(&'a str, i32, &'a Message)]) {
    sql.push_values(rows, |(id, number, message)| {
        let understood = message.understood.as_ref();
        [
            (*id).into(),
            (*number).into(),
            message.role.as_str().into(),
            message.text.as_deref().into(),
            message.blocks.get().into(),
            message.at.into(),
            understood.map(|u| u.intent.as_str()).into(),
            understood
                .and_then(|u| serde_json::to_string(u).ok())
                .into(),
        ]
    });
}

/// Each append's result, from the conversations the `UPDATE` found.
pub(crate) fn append_results(appends: &[Append], found: &[(String,)]) -> Vec<StoreResult<()>> {
    appends
        .iter()
        .map(|append| {
            if found.iter().any(|(id,)| *id == append.id) {
                Ok(())
            } else {
                Err(StoreError::Other(format!("no conversation {}", append.id)))
            }
        })
        .collect()
}

/// Appends in a transaction of their own (PostgreSQL, which writes concurrently).
pub(crate) async fn append_alone(store: &SqlStore, append: Append) -> StoreResult<()> {
    let mut tx = store.db.begin().await?;
    append_in(&mut tx.conn(), &append).await?;
    tx.commit().await
}

/// Appends inside the caller's transaction: first the idempotency answer (nothing is appended
/// when its claim is no longer the caller's), then the messages.
async fn append_in(conn: &mut Conn<'_>, append: &Append) -> StoreResult<()> {
    if let Some(answer) = &append.answer {
        let mut complete = Query::default();
        crate::idempotency::push_complete(&mut complete, answer);
        if conn.execute(complete).await? != 1 {
            return Err(crate::idempotency::taken_over());
        }
    }
    let appends = std::slice::from_ref(append);
    let touched = touched(appends);
    let mut update = Query::default();
    push_update(&mut update, &touched, Undo::Statement);
    let found: Vec<(String,)> = conn.fetch_all(update).await?;
    if any_messages(appends) {
        let mut insert = Query::default();
        push_insert(&mut insert, appends, &touched, Undo::Statement);
        conn.execute(insert).await?;
    }
    crate::only(Ok(append_results(appends, &found)))
}

/// The [`Append`] of a call of `append_messages`.
fn append(id: &str, messages: Vec<Message>, appended: &Appended<'_>) -> Append {
    Append {
        id: id.to_string(),
        messages,
        state: appended.state.clone(),
        replies: appended.replies,
        answered: appended.answered,
        at: appended.at,
        answer: appended.answer.cloned(),
    }
}

#[async_trait::async_trait]
impl ConversationWrites for SqlTransaction {
    async fn append_messages(
        &mut self,
        id: &str,
        messages: Vec<Message>,
        appended: &Appended<'_>,
    ) -> StoreResult<()> {
        append_in(&mut self.tx.conn(), &append(id, messages, appended)).await
    }
}

#[async_trait::async_trait]
impl ConversationStore for SqlStore {
    async fn create_conversation(
        &self,
        conversation: &Conversation,
        messages: &[Message],
    ) -> StoreResult<()> {
        let _turn = self.writes.enter().await;
        let mut tx = self.db.begin().await?;
        tx.conn()
            .execute(
                Query::new(
                    "INSERT INTO conversations (id, visitor_id, started_at, last_activity_at, \
                     ended_at, replies, has_ticket, last_reply_answered, state, message_count, \
                     intents) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                )
                .bind(&conversation.id)
                .bind(&conversation.visitor_id)
                .bind(conversation.started_at)
                .bind(conversation.last_activity_at)
                .bind(conversation.ended_at)
                .bind(conversation.replies)
                .bind(conversation.has_ticket)
                .bind(conversation.last_reply_answered)
                .bind(conversation.state.to_text())
                .bind(count(messages))
                .bind(intent_bits(messages)),
            )
            .await?;
        let rows: Vec<_> = (0..)
            .zip(messages)
            .map(|(position, message)| (conversation.id.as_str(), position, message))
            .collect();
        // 100 rows to a statement: 6 values a row stay far below every parameter limit.
        for chunk in rows.chunks(100) {
            let mut insert = Query::new(
                "INSERT INTO messages (conversation_id, position, role, text, blocks, at, \
                 intent, understood) ",
            );
            push_message_values(&mut insert, chunk);
            tx.conn().execute(insert).await?;
        }
        tx.commit().await
    }

    async fn conversation(&self, id: &str) -> StoreResult<Option<Conversation>> {
        self.read_conversation(id).await
    }

    async fn append_messages(
        &self,
        id: &str,
        messages: Vec<Message>,
        appended: &Appended<'_>,
    ) -> StoreResult<()> {
        self.append(append(id, messages, appended)).await
    }

    async fn messages(&self, id: &str) -> StoreResult<Vec<Message>> {
        let query = Query::new(format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages WHERE conversation_id = $1 ORDER BY position"
        ))
        .bind(id);
        let rows: Vec<MessageRow> = self.db.fetch_all(query).await?;
        rows.into_iter().map(MessageRow::into_message).collect()
    }

    async fn end_conversation(&self, id: &str, at: DateTime<Utc>) -> StoreResult<bool> {
        let ended = self
            .db
            .execute(
                Query::new(
                    "UPDATE conversations SET ended_at = $1 WHERE id = $2 AND ended_at IS NULL",
                )
                .bind(at)
                .bind(id),
            )
            .await?;
        Ok(ended == 1)
    }

    async fn conversation_counts(
        &self,
        now: DateTime<Utc>,
        idle_after: Duration,
        ended_since: DateTime<Utc>,
    ) -> StoreResult<ConversationCounts> {
        let active_since = now - idle_after;
        // An idle conversation ends `idle_after` after its last activity.
        let idle_ended_since = ended_since - idle_after;
        let query = Query::new(
            "SELECT \
             COALESCE(SUM(CASE WHEN ended_at IS NULL AND last_activity_at >= $1 \
               THEN 1 ELSE 0 END), 0) AS open, \
             COALESCE(SUM(CASE WHEN (ended_at >= $2 OR (ended_at IS NULL \
               AND last_activity_at < $1 AND last_activity_at >= $3)) AND has_ticket \
               THEN 1 ELSE 0 END), 0) AS with_ticket, \
             COALESCE(SUM(CASE WHEN (ended_at >= $2 OR (ended_at IS NULL \
               AND last_activity_at < $1 AND last_activity_at >= $3)) AND NOT has_ticket \
               THEN 1 ELSE 0 END), 0) AS without_ticket \
             FROM conversations \
             WHERE ended_at >= $2 OR (ended_at IS NULL AND last_activity_at >= $4)",
        )
        .bind(active_since)
        .bind(ended_since)
        .bind(idle_ended_since)
        .bind(active_since.min(idle_ended_since));
        let counts: Counts = self.db.acquire().await?.conn().fetch_one(query).await?;
        let n = |v: i64| u64::try_from(v).unwrap_or(0);
        Ok(ConversationCounts {
            open: n(counts.open),
            ended_with_ticket: n(counts.with_ticket),
            ended_without_ticket: n(counts.without_ticket),
        })
    }

    async fn end_idle_conversations(
        &self,
        now: DateTime<Utc>,
        idle_after: Duration,
    ) -> StoreResult<Vec<bool>> {
        let mut ended = Vec::new();
        loop {
            let idle: Vec<IdleRow> = self
                .db
                .fetch_all(
                    Query::new(
                        "SELECT id, last_activity_at, has_ticket FROM conversations \
                         WHERE ended_at IS NULL AND last_activity_at < $1 \
                         ORDER BY last_activity_at LIMIT $2",
                    )
                    .bind(now - idle_after)
                    .bind(SWEEP_BATCH),
                )
                .await?;
            let batch = idle.len();
            for row in idle {
                // Only one instance (or one /end) wins each conversation.
                let done = self
                    .db
                    .execute(
                        Query::new(
                            "UPDATE conversations SET ended_at = $1 \
                             WHERE id = $2 AND ended_at IS NULL",
                        )
                        .bind(row.last_activity_at + idle_after)
                        .bind(row.id),
                    )
                    .await?;
                if done == 1 {
                    ended.push(row.has_ticket);
                }
            }
            if i64::try_from(batch).unwrap_or(i64::MAX) < SWEEP_BATCH {
                return Ok(ended);
            }
        }
    }
}
