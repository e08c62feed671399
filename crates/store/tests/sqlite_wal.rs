//! SQLite checkpoints its WAL apart from the writers (`sqlite::checkpoint`): what is written
//! reaches the database file while the store is open, and the WAL keeps starting over instead
//! of growing with everything ever written.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use aurora_core::conversations::{Conversation, Message, Role};
use aurora_store::testing::TestDb;
use chrono::Utc;
use serde_json::json;
use std::time::Duration;

fn conversation() -> Conversation {
    let now = Utc::now();
    Conversation {
        id: "c1".into(),
        visitor_id: "v1".into(),
        started_at: now,
        last_activity_at: now,
        ended_at: None,
        replies: 0,
        has_ticket: false,
        state: json!({}),
    }
}

/// A reply of about 100 KB.
fn large_reply() -> Message {
    let text = "a ring of rose gold ".repeat(5_000);
    Message {
        role: Role::Concierge,
        text: Some("long".into()),
        blocks: serde_json::value::to_raw_value(&json!([{"type": "text", "text": text}])).unwrap(),
        at: Utc::now(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wal_is_checkpointed_and_starts_over_while_messages_keep_coming() {
    let db = TestDb::sqlite();
    let store = db.open().await;
    store
        .create_conversation(&conversation(), &[])
        .await
        .unwrap();
    for _ in 0..20 {
        store
            .append_messages("c1", vec![large_reply()], &json!({}), 1, Utc::now())
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    let file = db.url.trim_start_matches("sqlite:").to_string();
    let size = |path: &str| std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let (database, wal) = (size(&file), size(&format!("{file}-wal")));
    assert!(
        database > 2_000_000,
        "the database file holds only {database} bytes"
    );
    assert!(wal < 1_000_000, "the WAL has grown to {wal} bytes");
    assert_eq!(store.messages("c1").await.unwrap().len(), 20);
}
