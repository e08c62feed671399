//! What only the SQLite store does: batching conversation calls on a connection of their own
//! (`sqlite::worker`), and checkpointing the WAL apart from the writers (`sqlite::checkpoint`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use aurora_core::conversations::{Conversation, ConversationState, Message, Role};
use aurora_core::store::{Appended, Store};
use aurora_store::ConnectOptions;
use aurora_store::testing::TestDb;
use chrono::Utc;
use serde_json::json;
use sqlx::Connection;
use std::sync::Arc;
use std::time::Duration;

/// A fresh SQLite store (and its file, kept while the test holds it) with conversation `c1`.
async fn a_store_with_conversation_c1() -> (TestDb, Arc<dyn Store>) {
    a_store_with_conversation_c1_and(ConnectOptions::default()).await
}

async fn a_store_with_conversation_c1_and(options: ConnectOptions) -> (TestDb, Arc<dyn Store>) {
    let db = TestDb::sqlite();
    let store = aurora_store::open(&db.url, &options).await.unwrap();
    store
        .create_conversation(&conversation(), &[])
        .await
        .unwrap();
    (db, store)
}

fn conversation() -> Conversation {
    Conversation::new("c1".into(), "v1".into(), Utc::now())
}

fn said(text: &str) -> Message {
    Message::shopper(text.to_string(), Utc::now())
}

/// Appends the shopper's `text` to conversation `id`.
async fn say(store: &dyn Store, id: &str, text: &str) -> aurora_core::store::StoreResult<()> {
    store
        .append_messages(
            id,
            vec![said(text)],
            &Appended::after(&ConversationState::default(), Utc::now()),
        )
        .await
}

/// A reply of about `bytes`.
fn reply(bytes: usize) -> Message {
    let text = "a ring of rose gold ".repeat(bytes / 20);
    Message {
        role: Role::Concierge,
        text: Some("long".into()),
        blocks: serde_json::value::to_raw_value(&json!([{"type": "text", "text": text}])).unwrap(),
        at: Utc::now(),
        understood: None,
    }
}

/// Appends `count` replies of about `bytes` to `c1`, one every `pause`.
async fn write_replies(store: &dyn Store, count: usize, bytes: usize, pause: Duration) {
    for _ in 0..count {
        store
            .append_messages(
                "c1",
                vec![reply(bytes)],
                &Appended::reply(&ConversationState::default(), false, Utc::now()),
            )
            .await
            .unwrap();
        tokio::time::sleep(pause).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_append_fails_alone_and_leaves_the_connection_usable() {
    // A database error for one message: the whole batch it is in fails, and SQLite leaves that
    // batch's transaction open.
    a_failing_append_fails_alone("ABORT").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_append_that_rolls_its_batch_back_fails_alone() {
    // As a failed constraint does in a batch (`OR ROLLBACK`): the transaction is gone.
    a_failing_append_fails_alone("ROLLBACK").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_constraint_in_a_batch_fails_only_its_own_append() {
    let (db, store) = a_store_with_conversation_c1().await;
    let c2 = Conversation::new("c2".into(), "v2".into(), Utc::now());
    store
        .create_conversation(&c2, &[said("hello")])
        .await
        .unwrap();
    let mut admin = sqlx::SqliteConnection::connect(&db.url).await.unwrap();
    // c2's count falls behind its messages: its next message takes a position already taken.
    sqlx::query("UPDATE conversations SET message_count = 0 WHERE id = 'c2'")
        .execute(&mut admin)
        .await
        .unwrap();
    // Holding the write lock while the appends queue, so that they meet in one batch.
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut admin)
        .await
        .unwrap();
    let mut appends = tokio::task::JoinSet::new();
    for i in 0..20 {
        let store = store.clone();
        let id = if i == 7 { "c2" } else { "c1" };
        appends.spawn(async move { (id, say(&*store, id, &format!("m{i}")).await.is_ok()) });
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    sqlx::query("COMMIT").execute(&mut admin).await.unwrap();
    while let Some(joined) = appends.join_next().await {
        let (id, ok) = joined.unwrap();
        assert_eq!(ok, id == "c1", "{id}");
    }
    assert_eq!(store.messages("c1").await.unwrap().len(), 19);
    let c2 = store.messages("c2").await.unwrap();
    assert_eq!(c2.len(), 1);
    assert_eq!(c2[0].text.as_deref(), Some("hello"));
}

/// 40 concurrent appends, every tenth refused by a trigger that raises `raise`.
async fn a_failing_append_fails_alone(raise: &str) {
    let (db, store) = a_store_with_conversation_c1().await;
    let mut admin = sqlx::SqliteConnection::connect(&db.url).await.unwrap();
    sqlx::query(&format!(
        "CREATE TRIGGER refuse BEFORE INSERT ON messages WHEN NEW.text = 'boom' \
         BEGIN SELECT RAISE({raise}, 'refused'); END"
    ))
    .execute(&mut admin)
    .await
    .unwrap();
    let mut appends = tokio::task::JoinSet::new();
    for i in 0..40 {
        let store = store.clone();
        let text = if i % 10 == 3 {
            "boom".to_string()
        } else {
            format!("m{i}")
        };
        appends.spawn(async move {
            let ok = say(&*store, "c1", &text).await.is_ok();
            (text, ok)
        });
    }
    while let Some(joined) = appends.join_next().await {
        let (text, ok) = joined.unwrap();
        assert_eq!(ok, text != "boom", "{text}");
    }
    // Later calls still work: no transaction was left open on the connection.
    say(&*store, "c1", "after").await.unwrap();
    let stored = store.messages("c1").await.unwrap();
    assert_eq!(stored.len(), 37);
    assert_eq!(stored.last().unwrap().text.as_deref(), Some("after"));
    assert!(stored.iter().all(|m| m.text.as_deref() != Some("boom")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wal_is_checkpointed_and_starts_over_while_messages_keep_coming() {
    let (db, store) = a_store_with_conversation_c1().await;
    write_replies(&*store, 20, 100_000, Duration::from_millis(150)).await;
    // 2 MB written: without checkpoints the database stays tiny and the WAL passes 2 MB.
    let database = checkpointed(&db, 2_000_000).await;
    assert!(
        database > 2_000_000,
        "the database file holds only {database} bytes"
    );
    let wal = file_sizes(&db).1;
    assert!(wal < 1_000_000, "the WAL has grown to {wal} bytes");
    assert_eq!(store.messages("c1").await.unwrap().len(), 20);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_constant_writes_the_wal_starts_over_past_its_limit() {
    // A 1 MiB limit, and four shoppers each sending 200 replies of 20 KB, one every 5 ms: 16 MB
    // in all, written in about a second (longer on a loaded machine, which changes nothing).
    let options = ConnectOptions {
        sqlite_wal_restart_pages: 256,
        ..ConnectOptions::default()
    };
    let (db, store) = a_store_with_conversation_c1_and(options).await;
    let mut writers = tokio::task::JoinSet::new();
    for _ in 0..4 {
        let store = store.clone();
        writers.spawn(async move {
            write_replies(&*store, 200, 20_000, Duration::from_millis(5)).await;
        });
    }
    while let Some(joined) = writers.join_next().await {
        joined.unwrap();
    }
    // Without the limit the WAL passes 25 MB here (a passive checkpoint never catches up); with
    // it, about 2.5 MB.
    let wal = file_sizes(&db).1;
    assert!(wal < 12_000_000, "the WAL has grown to {wal} bytes");
    let database = checkpointed(&db, 16_000_000).await;
    assert!(
        database > 16_000_000,
        "the database file holds only {database} bytes"
    );
    assert_eq!(store.messages("c1").await.unwrap().len(), 800);
}

/// The database file's size once it passes `bytes`, or after ten seconds (checkpoints run every
/// 100 ms, or later on a loaded machine).
async fn checkpointed(db: &TestDb, bytes: u64) -> u64 {
    for _ in 0..100 {
        let database = file_sizes(db).0;
        if database > bytes {
            return database;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    file_sizes(db).0
}

/// The sizes of the database file and of its WAL.
fn file_sizes(db: &TestDb) -> (u64, u64) {
    let file = db.url.trim_start_matches("sqlite:").to_string();
    let size = |path: &str| std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    (size(&file), size(&format!("{file}-wal")))
}
