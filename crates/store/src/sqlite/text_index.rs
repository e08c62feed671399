//! SQLite: shopper messages join the full-text index (`messages_text`, the workspace's word
//! search) in batches after they are stored, not by a trigger inside every append. An FTS5
//! insert writes a new index segment per transaction; appends commit a few dozen messages at a
//! time, so indexing them there cost a seventh of the message throughput (`bench/load`).
//!
//! `messages_text_indexed.last_rowid` is the last `messages` rowid the index covers. The
//! checkpoint task indexes what was stored since every second, and a word search first indexes
//! whatever is left, so a search always sees every message. The delete trigger (migration 0010)
//! removes only indexed messages from the index, and keeps `last_rowid` at or below the highest
//! rowid, so a message that reuses a deleted rowid is still indexed.

use sqlx::SqliteConnection;

/// Messages covered per transaction, so that appends wait at most one batch.
const BATCH: i64 = 10_000;

/// Indexes the shopper messages stored since the last run, a batch per transaction; answers
/// how many messages it covered. Call it holding the write gate.
pub(crate) async fn index_new_messages(connection: &mut SqliteConnection) -> sqlx::Result<u64> {
    let mut covered = 0;
    loop {
        let mut tx = sqlx::Connection::begin(&mut *connection).await?;
        let (last,): (i64,) = sqlx::query_as("SELECT last_rowid FROM messages_text_indexed")
            .fetch_one(&mut *tx)
            .await?;
        let (upto, count): (Option<i64>, i64) = sqlx::query_as(
            "SELECT max(rowid), count(*) FROM (SELECT rowid FROM messages WHERE rowid > $1 \
             ORDER BY rowid LIMIT $2)",
        )
        .bind(last)
        .bind(BATCH)
        .fetch_one(&mut *tx)
        .await?;
        let Some(upto) = upto else {
            return Ok(covered);
        };
        sqlx::query(
            "INSERT INTO messages_text (rowid, text) SELECT rowid, text FROM messages \
             WHERE rowid > $1 AND rowid <= $2 AND role = 'shopper'",
        )
        .bind(last)
        .bind(upto)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE messages_text_indexed SET last_rowid = $1")
            .bind(upto)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        covered += u64::try_from(count).unwrap_or(0);
        if count < BATCH {
            return Ok(covered);
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use sqlx::Connection;

    async fn matches(connection: &mut SqliteConnection, word: &str) -> Vec<String> {
        sqlx::query_as::<_, (String,)>(
            "SELECT m.text FROM messages_text f JOIN messages m ON m.rowid = f.rowid \
             WHERE messages_text MATCH $1 ORDER BY f.rowid",
        )
        .bind(word)
        .fetch_all(connection)
        .await
        .unwrap()
        .into_iter()
        .map(|(t,)| t)
        .collect()
    }

    async fn say(connection: &mut SqliteConnection, conversation: &str, position: i32, text: &str) {
        sqlx::query(
            "INSERT INTO messages (conversation_id, position, role, text, blocks, at) \
             VALUES ($1, $2, 'shopper', $3, '[]', '2026-12-01T09:00:00+00:00')",
        )
        .bind(conversation)
        .bind(position)
        .bind(text)
        .execute(connection)
        .await
        .unwrap();
    }

    #[tokio::test]
    async fn new_messages_are_indexed_once_and_deleted_ones_leave_the_index() {
        let db = crate::testing::TestDb::sqlite();
        let store = crate::open(&db.url, &crate::ConnectOptions::default())
            .await
            .unwrap();
        drop(store);
        let mut c = SqliteConnection::connect(&db.url).await.unwrap();
        for id in ["a", "b"] {
            sqlx::query(
                "INSERT INTO conversations (id, visitor_id, started_at, last_activity_at, \
                 replies, has_ticket, state, message_count) \
                 VALUES ($1, 'v', '2026-12-01T09:00:00+00:00', '2026-12-01T09:00:00+00:00', \
                 0, FALSE, '{}', 0)",
            )
            .bind(id)
            .execute(&mut c)
            .await
            .unwrap();
        }
        say(&mut c, "a", 1, "sapphire ring").await;
        say(&mut c, "a", 2, "sapphire studs").await;
        assert!(matches(&mut c, "sapphire").await.is_empty(), "not yet");
        assert_eq!(index_new_messages(&mut c).await.unwrap(), 2);
        assert_eq!(index_new_messages(&mut c).await.unwrap(), 0, "once");
        assert_eq!(matches(&mut c, "sapphire").await.len(), 2);
        // The newest message deleted: its rowid comes back for the next one, which is indexed.
        sqlx::query("DELETE FROM messages WHERE position = 2")
            .execute(&mut c)
            .await
            .unwrap();
        assert_eq!(matches(&mut c, "sapphire").await, ["sapphire ring"]);
        say(&mut c, "b", 1, "sapphire hoops").await;
        assert_eq!(index_new_messages(&mut c).await.unwrap(), 1);
        assert_eq!(
            matches(&mut c, "sapphire").await,
            ["sapphire ring", "sapphire hoops"]
        );
        // A message deleted before it was indexed leaves the index as it was.
        say(&mut c, "b", 2, "sapphire cuff").await;
        sqlx::query("DELETE FROM messages WHERE text = 'sapphire cuff'")
            .execute(&mut c)
            .await
            .unwrap();
        index_new_messages(&mut c).await.unwrap();
        // FTS5 checks its index against the messages (an error when they differ).
        sqlx::query(
            "INSERT INTO messages_text (messages_text, rank) VALUES ('integrity-check', 1)",
        )
        .execute(&mut c)
        .await
        .unwrap();
        assert_eq!(matches(&mut c, "sapphire").await.len(), 2);
    }
}
