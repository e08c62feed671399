//! SQL for the shopper-support tables (conversations, tickets, shortlist, CSAT, idempotency
//! keys, the webhook outbox), instantiated per backend by `sql_support!` as a module `support`
//! of free functions that the Store implementation delegates to.

/// Defines `mod support` for `$db`.
macro_rules! sql_support {
    ($db:ty) => {
        mod support {
            use aurora_core::conversations::{Conversation, Message, Role};
            use aurora_core::store::{IdempotencyClaim, OutboxItem, StoreError, StoreResult};
            use aurora_core::tickets::Ticket;
            use chrono::{DateTime, Utc};
            use sqlx::Row;
            use $crate::errors::store_error;
            use $crate::rows::{json_from_text, parse_stored};

            type Pool = sqlx::Pool<$db>;
            type Connection = <$db as sqlx::Database>::Connection;
            type DbRow = <$db as sqlx::Database>::Row;

            const CONVERSATION_COLUMNS: &str =
                "id, visitor_id, started_at, last_activity_at, ended_at, replies, has_ticket, state";
            const TICKET_COLUMNS: &str = "reference, kind, created_at, conversation_id, name, \
                 email, details, transcript, shortlist, filters, products_shown";

            fn conversation_from_row(row: &DbRow) -> StoreResult<Conversation> {
                let state: String = row.try_get("state").map_err(store_error)?;
                Ok(Conversation {
                    id: row.try_get("id").map_err(store_error)?,
                    visitor_id: row.try_get("visitor_id").map_err(store_error)?,
                    started_at: row.try_get("started_at").map_err(store_error)?,
                    last_activity_at: row.try_get("last_activity_at").map_err(store_error)?,
                    ended_at: row.try_get("ended_at").map_err(store_error)?,
                    replies: row.try_get("replies").map_err(store_error)?,
                    has_ticket: row.try_get("has_ticket").map_err(store_error)?,
                    state: json_from_text("state", &state)?,
                })
            }

            fn count(messages: &[Message]) -> i32 {
                i32::try_from(messages.len()).unwrap_or(i32::MAX)
            }

            /// Inserts `(conversation id, position, message)` rows, 100 to a statement (each
            /// statement is a round trip; 6 values a row stay far below every parameter limit).
            async fn insert_messages(
                connection: &mut Connection,
                rows: &[(&str, i32, &Message)],
            ) -> StoreResult<()> {
                for chunk in rows.chunks(100) {
                    let mut insert = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO messages (conversation_id, position, role, text, blocks, at) ",
                    );
                    push_message_values(&mut insert, chunk);
                    insert
                        .build()
                        .execute(&mut *connection)
                        .await
                        .map_err(store_error)?;
                }
                Ok(())
            }

            pub async fn create_conversation(
                pool: &Pool,
                conversation: &Conversation,
                messages: &[Message],
            ) -> StoreResult<()> {
                let mut tx = pool.begin().await.map_err(store_error)?;
                sqlx::query(
                    "INSERT INTO conversations (id, visitor_id, started_at, last_activity_at, \
                     ended_at, replies, has_ticket, state, message_count) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(&conversation.id)
                .bind(&conversation.visitor_id)
                .bind(conversation.started_at)
                .bind(conversation.last_activity_at)
                .bind(conversation.ended_at)
                .bind(conversation.replies)
                .bind(conversation.has_ticket)
                .bind(conversation.state.to_string())
                .bind(count(messages))
                .execute(&mut *tx)
                .await
                .map_err(store_error)?;
                let rows: Vec<_> = (0..)
                    .zip(messages)
                    .map(|(position, message)| (conversation.id.as_str(), position, message))
                    .collect();
                insert_messages(&mut tx, &rows).await?;
                tx.commit().await.map_err(store_error)
            }

            /// The conversations named by `ids`, in one statement: for each id in order, the
            /// conversation or `None`.
            pub async fn conversations(
                connection: &mut Connection,
                ids: &[String],
            ) -> StoreResult<Vec<StoreResult<Option<Conversation>>>> {
                let mut select = sqlx::QueryBuilder::<$db>::new(format!(
                    "SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE id IN ("
                ));
                let mut list = select.separated(", ");
                for id in ids {
                    list.push_bind(id);
                }
                list.push_unseparated(")");
                let rows = select
                    .build()
                    .fetch_all(&mut *connection)
                    .await
                    .map_err(store_error)?;
                let found = rows
                    .iter()
                    .map(conversation_from_row)
                    .collect::<StoreResult<Vec<_>>>()?;
                Ok(ids
                    .iter()
                    .map(|id| Ok(found.iter().find(|c| &c.id == id).cloned()))
                    .collect())
            }

            /// One conversation's share of a batch of appends: messages and replies added, and
            /// the state and time of its last append.
            pub struct Touched<'a> {
                id: &'a str,
                added: i32,
                state: &'a serde_json::Value,
                replies: i32,
                at: DateTime<Utc>,
            }

            // A batch of appends is written by two statements in one transaction: one `UPDATE`
            // of every conversation they touch, which returns the ids it found, then one
            // `INSERT` of their messages, numbered on from where each conversation was (several
            // appends to one conversation follow each other in order); a conversation not found
            // gets no messages. The `UPDATE` writes first, so positions never race (a row lock
            // on PostgreSQL; SQLite writes one transaction at a time). SQLite sends both at once
            // (see `sqlite::worker`).

            /// Per conversation, in order of first appearance.
            pub fn touched(appends: &[$crate::Append]) -> Vec<Touched<'_>> {
                let mut touched: Vec<Touched> = Vec::new();
                for append in appends {
                    match touched.iter_mut().find(|t| t.id == append.id) {
                        Some(t) => {
                            t.added += count(&append.messages);
                            t.state = &append.state;
                            t.replies += append.replies;
                            t.at = append.at;
                        }
                        None => touched.push(Touched {
                            id: &append.id,
                            added: count(&append.messages),
                            state: &append.state,
                            replies: append.replies,
                            at: append.at,
                        }),
                    }
                }
                touched
            }

            pub fn push_update<'a>(sql: &mut sqlx::QueryBuilder<'a, $db>, touched: &[Touched<'a>]) {
                sql.push(
                    "UPDATE conversations SET \
                     message_count = conversations.message_count + v.column2, \
                     state = v.column3, replies = conversations.replies + v.column4, \
                     last_activity_at = v.column5 FROM (",
                );
                sql.push_values(touched, |mut row, t| {
                    row.push_bind(t.id)
                        .push_bind(t.added)
                        .push_bind(t.state.to_string())
                        .push_bind(t.replies)
                        .push_bind(t.at);
                });
                sql.push(") AS v WHERE conversations.id = v.column1 RETURNING conversations.id");
            }

            /// Whether the appends carry any message (an `INSERT` of none is not valid SQL).
            pub fn any_messages(appends: &[$crate::Append]) -> bool {
                appends.iter().any(|append| !append.messages.is_empty())
            }

            /// Each message with how far before its conversation's updated count it goes.
            pub fn push_insert<'a>(
                sql: &mut sqlx::QueryBuilder<'a, $db>,
                appends: &'a [$crate::Append],
                touched: &[Touched<'a>],
            ) {
                let mut to_go: Vec<(&'a str, i32)> =
                    touched.iter().map(|t| (t.id, t.added)).collect();
                let mut rows: Vec<(&'a str, i32, &'a Message)> = Vec::new();
                for append in appends {
                    if let Some((id, left)) = to_go.iter_mut().find(|(id, _)| *id == append.id) {
                        for message in &append.messages {
                            rows.push((*id, *left, message));
                            *left -= 1;
                        }
                    }
                }
                sql.push(
                    "INSERT INTO messages (conversation_id, position, role, text, blocks, at) \
                     SELECT v.column1, c.message_count - v.column2, v.column3, v.column4, \
                     v.column5, v.column6 FROM (",
                );
                push_message_values(sql, &rows);
                sql.push(") AS v JOIN conversations c ON c.id = v.column1");
            }

            /// `VALUES` of `(conversation id, a number, message)` rows, in the columns
            /// `conversation_id, ?, role, text, blocks, at`.
            fn push_message_values<'a>(
                sql: &mut sqlx::QueryBuilder<'a, $db>,
                rows: &[(&'a str, i32, &'a Message)],
            ) {
                sql.push_values(rows, |mut row, (id, number, message)| {
                    row.push_bind(*id)
                        .push_bind(*number)
                        .push_bind(message.role.as_str())
                        .push_bind(message.text.as_deref())
                        .push_bind(message.blocks.get())
                        .push_bind(message.at);
                });
            }

            /// Each append's result, from the conversations the `UPDATE` found.
            pub fn append_results(
                appends: &[$crate::Append],
                found: &[String],
            ) -> Vec<StoreResult<()>> {
                appends
                    .iter()
                    .map(|append| {
                        if found.contains(&append.id) {
                            Ok(())
                        } else {
                            Err(StoreError::Other(format!("no conversation {}", append.id)))
                        }
                    })
                    .collect()
            }

            pub async fn messages(pool: &Pool, id: &str) -> StoreResult<Vec<Message>> {
                let rows = sqlx::query(
                    "SELECT role, text, blocks, at FROM messages WHERE conversation_id = $1 \
                     ORDER BY position",
                )
                .bind(id)
                .fetch_all(pool)
                .await
                .map_err(store_error)?;
                rows.iter()
                    .map(|row| {
                        let role: String = row.try_get("role").map_err(store_error)?;
                        let blocks: String = row.try_get("blocks").map_err(store_error)?;
                        Ok(Message {
                            role: Role::parse(&role).ok_or_else(|| {
                                StoreError::Other(format!("unexpected role `{role}`"))
                            })?,
                            text: row.try_get("text").map_err(store_error)?,
                            blocks: json_from_text("blocks", &blocks)?,
                            at: row.try_get("at").map_err(store_error)?,
                        })
                    })
                    .collect()
            }

            pub async fn end_conversation(pool: &Pool, id: &str, at: DateTime<Utc>) -> StoreResult<bool> {
                let done = sqlx::query(
                    "UPDATE conversations SET ended_at = $1 WHERE id = $2 AND ended_at IS NULL",
                )
                .bind(at)
                .bind(id)
                .execute(pool)
                .await
                .map_err(store_error)?;
                Ok(done.rows_affected() == 1)
            }

            fn ticket_from_row(row: &DbRow) -> StoreResult<Ticket> {
                let text = |column: &str| -> StoreResult<String> {
                    row.try_get(column).map_err(store_error)
                };
                let kind = text("kind")?;
                Ok(Ticket {
                    reference: text("reference")?,
                    kind: parse_stored("kind", &kind)?,
                    created_at: row.try_get("created_at").map_err(store_error)?,
                    conversation_id: row.try_get("conversation_id").map_err(store_error)?,
                    name: row.try_get("name").map_err(store_error)?,
                    email: text("email")?,
                    details: json_from_text("details", &text("details")?)?,
                    transcript: json_from_text("transcript", &text("transcript")?)?,
                    shortlist: json_from_text("shortlist", &text("shortlist")?)?,
                    filters: json_from_text("filters", &text("filters")?)?,
                    products_shown: json_from_text("products_shown", &text("products_shown")?)?,
                })
            }

            fn to_json<T: serde::Serialize>(value: &T) -> String {
                serde_json::to_string(value).unwrap_or_else(|_| "null".to_string())
            }

            pub async fn create_ticket(pool: &Pool, ticket: &Ticket, webhook: Option<&str>) -> StoreResult<()> {
                let mut tx = pool.begin().await.map_err(store_error)?;
                let sql = format!(
                    "INSERT INTO tickets ({TICKET_COLUMNS}) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
                );
                sqlx::query(&sql)
                    .bind(&ticket.reference)
                    .bind(ticket.kind.as_str())
                    .bind(ticket.created_at)
                    .bind(&ticket.conversation_id)
                    .bind(&ticket.name)
                    .bind(&ticket.email)
                    .bind(ticket.details.to_string())
                    .bind(to_json(&ticket.transcript))
                    .bind(to_json(&ticket.shortlist))
                    .bind(ticket.filters.to_string())
                    .bind(to_json(&ticket.products_shown))
                    .execute(&mut *tx)
                    .await
                    .map_err(store_error)?;
                if let Some(conversation) = &ticket.conversation_id {
                    sqlx::query("UPDATE conversations SET has_ticket = TRUE WHERE id = $1")
                        .bind(conversation)
                        .execute(&mut *tx)
                        .await
                        .map_err(store_error)?;
                }
                if let Some(payload) = webhook {
                    sqlx::query(
                        "INSERT INTO webhook_outbox (id, ticket_ref, payload, next_attempt_at) \
                         VALUES ($1, $2, $3, $4)",
                    )
                    .bind(format!("{}-webhook", ticket.reference))
                    .bind(&ticket.reference)
                    .bind(payload)
                    .bind(ticket.created_at)
                    .execute(&mut *tx)
                    .await
                    .map_err(store_error)?;
                }
                tx.commit().await.map_err(store_error)
            }

            pub async fn ticket(pool: &Pool, reference: &str) -> StoreResult<Option<Ticket>> {
                let sql = format!("SELECT {TICKET_COLUMNS} FROM tickets WHERE reference = $1");
                let row = sqlx::query(&sql)
                    .bind(reference)
                    .fetch_optional(pool)
                    .await
                    .map_err(store_error)?;
                row.as_ref().map(ticket_from_row).transpose()
            }

            pub async fn recent_tickets(pool: &Pool, limit: u32) -> StoreResult<Vec<Ticket>> {
                let sql = format!(
                    "SELECT {TICKET_COLUMNS} FROM tickets ORDER BY created_at DESC, reference LIMIT $1"
                );
                let rows = sqlx::query(&sql)
                    .bind(i64::from(limit))
                    .fetch_all(pool)
                    .await
                    .map_err(store_error)?;
                rows.iter().map(ticket_from_row).collect()
            }

            pub async fn shortlist(pool: &Pool, visitor_id: &str) -> StoreResult<Vec<String>> {
                sqlx::query_scalar(
                    "SELECT product_id FROM shortlist WHERE visitor_id = $1 ORDER BY added_at, product_id",
                )
                .bind(visitor_id)
                .fetch_all(pool)
                .await
                .map_err(store_error)
            }

            pub async fn shortlist_add(
                pool: &Pool,
                visitor_id: &str,
                product_id: &str,
                at: DateTime<Utc>,
            ) -> StoreResult<bool> {
                let done = sqlx::query(
                    "INSERT INTO shortlist (visitor_id, product_id, added_at) VALUES ($1, $2, $3) \
                     ON CONFLICT (visitor_id, product_id) DO NOTHING",
                )
                .bind(visitor_id)
                .bind(product_id)
                .bind(at)
                .execute(pool)
                .await
                .map_err(store_error)?;
                Ok(done.rows_affected() == 1)
            }

            pub async fn shortlist_remove(pool: &Pool, visitor_id: &str, product_id: &str) -> StoreResult<bool> {
                let done = sqlx::query("DELETE FROM shortlist WHERE visitor_id = $1 AND product_id = $2")
                    .bind(visitor_id)
                    .bind(product_id)
                    .execute(pool)
                    .await
                    .map_err(store_error)?;
                Ok(done.rows_affected() == 1)
            }

            pub async fn record_csat(
                pool: &Pool,
                conversation_id: &str,
                score: i32,
                comment: Option<&str>,
                at: DateTime<Utc>,
            ) -> StoreResult<bool> {
                let done = sqlx::query(
                    "INSERT INTO csat (conversation_id, score, comment, at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (conversation_id) DO NOTHING",
                )
                .bind(conversation_id)
                .bind(score)
                .bind(comment)
                .bind(at)
                .execute(pool)
                .await
                .map_err(store_error)?;
                Ok(done.rows_affected() == 1)
            }

            pub async fn claim_idempotency_key(
                pool: &Pool,
                scope: &str,
                route: &str,
                key: &str,
                hash: &str,
                now: DateTime<Utc>,
                expired_before: DateTime<Utc>,
            ) -> StoreResult<IdempotencyClaim> {
                let inserted = sqlx::query(
                    "INSERT INTO idempotency_keys (scope, route, key, request_hash, created_at) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (scope, route, key) DO NOTHING",
                )
                .bind(scope)
                .bind(route)
                .bind(key)
                .bind(hash)
                .bind(now)
                .execute(pool)
                .await
                .map_err(store_error)?;
                if inserted.rows_affected() == 1 {
                    return Ok(IdempotencyClaim::New);
                }
                // An expired key is taken over by exactly one claimant.
                let renewed = sqlx::query(
                    "UPDATE idempotency_keys SET request_hash = $1, created_at = $2, status = NULL, \
                     response = NULL WHERE scope = $3 AND route = $4 AND key = $5 AND created_at < $6",
                )
                .bind(hash)
                .bind(now)
                .bind(scope)
                .bind(route)
                .bind(key)
                .bind(expired_before)
                .execute(pool)
                .await
                .map_err(store_error)?;
                if renewed.rows_affected() == 1 {
                    return Ok(IdempotencyClaim::New);
                }
                let row = sqlx::query(
                    "SELECT request_hash, status, response FROM idempotency_keys \
                     WHERE scope = $1 AND route = $2 AND key = $3",
                )
                .bind(scope)
                .bind(route)
                .bind(key)
                .fetch_optional(pool)
                .await
                .map_err(store_error)?;
                let Some(row) = row else {
                    // Released between our insert and this read: someone else is retrying.
                    return Ok(IdempotencyClaim::InProgress);
                };
                let stored_hash: String = row.try_get("request_hash").map_err(store_error)?;
                let status: Option<i32> = row.try_get("status").map_err(store_error)?;
                let response: Option<String> = row.try_get("response").map_err(store_error)?;
                Ok(match (stored_hash == hash, status, response) {
                    (false, _, _) => IdempotencyClaim::Mismatch,
                    (true, Some(status), Some(response)) => IdempotencyClaim::Done {
                        status: u16::try_from(status).unwrap_or(200),
                        response,
                    },
                    _ => IdempotencyClaim::InProgress,
                })
            }

            pub async fn complete_idempotency_key(
                pool: &Pool,
                scope: &str,
                route: &str,
                key: &str,
                status: u16,
                response: &str,
            ) -> StoreResult<()> {
                sqlx::query(
                    "UPDATE idempotency_keys SET status = $1, response = $2 \
                     WHERE scope = $3 AND route = $4 AND key = $5",
                )
                .bind(i32::from(status))
                .bind(response)
                .bind(scope)
                .bind(route)
                .bind(key)
                .execute(pool)
                .await
                .map_err(store_error)?;
                Ok(())
            }

            pub async fn release_idempotency_key(pool: &Pool, scope: &str, route: &str, key: &str) -> StoreResult<()> {
                sqlx::query(
                    "DELETE FROM idempotency_keys WHERE scope = $1 AND route = $2 AND key = $3 \
                     AND status IS NULL",
                )
                .bind(scope)
                .bind(route)
                .bind(key)
                .execute(pool)
                .await
                .map_err(store_error)?;
                Ok(())
            }

            pub async fn due_webhooks(pool: &Pool, now: DateTime<Utc>, limit: u32) -> StoreResult<Vec<OutboxItem>> {
                let rows = sqlx::query(
                    "SELECT id, ticket_ref, payload, attempts FROM webhook_outbox \
                     WHERE delivered_at IS NULL AND next_attempt_at IS NOT NULL \
                     AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $2",
                )
                .bind(now)
                .bind(i64::from(limit))
                .fetch_all(pool)
                .await
                .map_err(store_error)?;
                rows.iter()
                    .map(|row| {
                        Ok(OutboxItem {
                            id: row.try_get("id").map_err(store_error)?,
                            ticket_ref: row.try_get("ticket_ref").map_err(store_error)?,
                            payload: row.try_get("payload").map_err(store_error)?,
                            attempts: row.try_get("attempts").map_err(store_error)?,
                        })
                    })
                    .collect()
            }

            pub async fn webhook_delivered(pool: &Pool, id: &str, at: DateTime<Utc>) -> StoreResult<()> {
                sqlx::query(
                    "UPDATE webhook_outbox SET delivered_at = $1, attempts = attempts + 1 WHERE id = $2",
                )
                .bind(at)
                .bind(id)
                .execute(pool)
                .await
                .map_err(store_error)?;
                Ok(())
            }

            pub async fn webhook_failed(
                pool: &Pool,
                id: &str,
                attempts: i32,
                retry_at: Option<DateTime<Utc>>,
                error: &str,
            ) -> StoreResult<()> {
                sqlx::query(
                    "UPDATE webhook_outbox SET attempts = $1, next_attempt_at = $2, last_error = $3 \
                     WHERE id = $4",
                )
                .bind(attempts)
                .bind(retry_at)
                .bind(error)
                .bind(id)
                .execute(pool)
                .await
                .map_err(store_error)?;
                Ok(())
            }
        }
    };
}
