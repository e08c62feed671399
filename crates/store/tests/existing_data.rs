//! Databases written by an earlier version (main on 2026-12-04: the demo seeded, a shopper's
//! conversations, a stylist ticket with its webhook and idempotency answer, a shortlist, a CSAT
//! score, a flag change) migrate forward and give the same answers. The fixtures were written
//! by that version's `aurora demo` (SQLite file, and `pg_dump --inserts` of PostgreSQL, its
//! psql-only `\restrict` lines removed).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use aurora_core::email::Email;
use aurora_core::orders::OrderStatus;
use aurora_core::store::{ClaimedKey, IdempotencyClaim, Store};
use aurora_store::testing::TestDb;
use chrono::{Duration, TimeZone, Utc};
use sqlx::Connection;
use std::sync::Arc;

const SQLITE_FIXTURE: &str = "tests/fixtures/main-2026-12-04.db";
const POSTGRES_FIXTURE: &str = "tests/fixtures/main-2026-12-04.pg.sql";

#[tokio::test]
async fn a_sqlite_database_of_the_earlier_version_gives_the_same_answers() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("old.db");
    std::fs::copy(SQLITE_FIXTURE, &file).unwrap();
    let url = format!("sqlite:{}", file.display());
    let store = aurora_store::open(&url, &aurora_store::ConnectOptions::default())
        .await
        .unwrap();
    same_answers(store).await;
}

#[tokio::test]
async fn a_postgres_dump_of_the_earlier_version_gives_the_same_answers() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let dump = std::fs::read_to_string(POSTGRES_FIXTURE).unwrap();
    let mut connection = sqlx::PgConnection::connect(&db.url).await.unwrap();
    sqlx::raw_sql(&dump).execute(&mut connection).await.unwrap();
    connection.close().await.unwrap();
    same_answers(db.open().await).await;
}

async fn same_answers(store: Arc<dyn Store>) {
    assert_eq!(store.product_count().await.unwrap(), 359);
    assert_eq!(store.catalog_version().await.unwrap(), 1);
    let rings = store.all_products().await.unwrap();
    assert!(rings.iter().any(|p| p.id == "14k-rose-gold-open-cuff-ring"));
    assert_eq!(store.order_count().await.unwrap(), 32);
    let order = store.order(&"GG-104233".into()).await.unwrap().unwrap();
    assert_eq!(order.email.as_str(), "ava.thompson@example.com");
    assert_eq!(order.status(), OrderStatus::Shipped);
    assert!(order.events.iter().any(|e| e.tracking_url.is_some()));
    assert_eq!(
        store
            .orders_by_email(&Email::parse("AVA.THOMPSON@example.com").unwrap(), 5)
            .await
            .unwrap()[0]
            .number
            .as_str(),
        "GG-104233"
    );

    let tickets = store.recent_tickets(10).await.unwrap();
    assert_eq!(tickets.len(), 1);
    let ticket = &tickets[0];
    assert!(ticket.reference.starts_with("ST-"), "{}", ticket.reference);
    assert_eq!(ticket.name.as_deref(), Some("Maya Lin"));
    assert_eq!(ticket.email.as_str(), "maya@example.com");
    assert_eq!(
        ticket.details["message"],
        "A ring for our tenth anniversary"
    );
    assert!(!ticket.transcript.is_empty());
    assert_eq!(
        store.ticket(&ticket.reference).await.unwrap().as_ref(),
        Some(ticket)
    );

    let conversation_id = ticket.conversation_id.clone().unwrap();
    let conversation = store.conversation(&conversation_id).await.unwrap().unwrap();
    assert!(conversation.has_ticket);
    assert!(conversation.ended_at.is_some());
    assert_eq!(conversation.replies, 4);
    let messages = store.messages(&conversation_id).await.unwrap();
    assert_eq!(messages.len(), 10);
    assert_eq!(
        messages[1].text.as_deref(),
        Some("rose gold rings under $800")
    );
    assert!(messages[2].blocks.get().contains("\"products\""));

    let visitor = conversation.visitor_id.clone();
    assert_eq!(
        store.shortlist(&visitor).await.unwrap(),
        ["14k-rose-gold-open-cuff-ring"]
    );
    let mut tx = store.begin().await.unwrap();
    assert!(
        !tx.record_csat(&conversation_id, 5, None, Utc::now())
            .await
            .unwrap(),
        "the stored score stays the only one"
    );
    drop(tx);

    let flag = store.flag_override("concierge-widget").await.unwrap();
    assert_eq!(flag.rollout_percentage, Some(25));
    assert_eq!(flag.enabled, None);
    assert_eq!(
        flag.allowed_users.as_deref(),
        Some(&["beta@example.com".to_string()][..])
    );
    let audit = store.flag_audit("concierge-widget", 10).await.unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].actor, "fixture-maker");

    let long_ago = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let replay = store
        .claim_idempotency_key(
            &ClaimedKey {
                scope: format!("visitor:{visitor}"),
                route: "/api/support/stylist".into(),
                key: "fixture-stylist-1".into(),
                token: "new".into(),
            },
            "not the body it was sent with",
            Utc::now(),
            Utc::now() + Duration::seconds(60),
            long_ago,
        )
        .await
        .unwrap();
    assert_eq!(replay, IdempotencyClaim::Mismatch);

    let due = store
        .due_webhooks(Utc::now() + Duration::days(1), 10)
        .await
        .unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].ticket_ref, ticket.reference);
    assert_eq!(due[0].attempts, 1);
    assert!(store.setting("demo_store").await.unwrap().is_some());
}
