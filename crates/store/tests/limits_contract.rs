//! Rate limits by GCRA: a burst, then one request per interval; each key its own; recovered keys
//! forgotten. On SQLite (in memory, one instance) and on PostgreSQL, where two instances on one
//! database share every budget.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use aurora_core::store::{Rate, Store, Take};
use aurora_store::backend_tests;
use aurora_store::testing::TestDb;
use chrono::{DateTime, Duration, TimeZone, Utc};
use std::sync::Arc;

backend_tests!(
    a_key_gets_its_burst_then_one_request_per_interval,
    each_key_has_its_own_budget_and_the_first_over_its_rate_is_named,
    a_recovered_key_is_forgotten_and_starts_again_with_its_burst,
);

/// Three per minute: one every 20 s after a burst of three.
const RATE: Rate = Rate {
    burst: 3,
    interval: std::time::Duration::from_secs(20),
};

fn t(seconds: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 6, 12, 0, 0).unwrap() + Duration::seconds(seconds)
}

async fn take(store: &dyn Store, key: &str, at: DateTime<Utc>) -> Option<std::time::Duration> {
    let takes = [Take { key, rate: RATE }];
    store.take(&takes, at).await.unwrap().map(|(_, wait)| wait)
}

async fn a_key_gets_its_burst_then_one_request_per_interval(store: Arc<dyn Store>) {
    let store = store.as_ref();
    for _ in 0..3 {
        assert_eq!(take(store, "visitor:a", t(0)).await, None);
    }
    assert_eq!(
        take(store, "visitor:a", t(0)).await,
        Some(std::time::Duration::from_secs(20)),
        "the fourth waits one interval"
    );
    assert_eq!(
        take(store, "visitor:a", t(5)).await,
        Some(std::time::Duration::from_secs(15))
    );
    // A refused request costs nothing: at 20 s exactly one more is allowed.
    assert_eq!(take(store, "visitor:a", t(20)).await, None);
    assert!(take(store, "visitor:a", t(20)).await.is_some());
    assert_eq!(take(store, "visitor:a", t(40)).await, None);
}

async fn each_key_has_its_own_budget_and_the_first_over_its_rate_is_named(store: Arc<dyn Store>) {
    let store = store.as_ref();
    for _ in 0..3 {
        assert_eq!(take(store, "ip:10.0.0.1", t(0)).await, None);
    }
    let takes = [
        Take {
            key: "visitor:b",
            rate: RATE,
        },
        Take {
            key: "ip:10.0.0.1",
            rate: RATE,
        },
    ];
    let limited = store.take(&takes, t(1)).await.unwrap();
    assert_eq!(
        limited,
        Some((1, std::time::Duration::from_secs(19))),
        "the IP is over its rate"
    );
    // The visitor's request was counted all the same: two left.
    assert_eq!(take(store, "visitor:b", t(1)).await, None);
    assert_eq!(take(store, "visitor:b", t(1)).await, None);
    assert!(take(store, "visitor:b", t(1)).await.is_some());
    assert_eq!(take(store, "visitor:c", t(1)).await, None);
}

async fn a_recovered_key_is_forgotten_and_starts_again_with_its_burst(store: Arc<dyn Store>) {
    let store = store.as_ref();
    for _ in 0..3 {
        take(store, "order:GG-1", t(0)).await;
    }
    // Not recovered at 30 s (one request has come back, not three): kept.
    store.forget_recovered(t(30)).await.unwrap();
    assert_eq!(take(store, "order:GG-1", t(30)).await, None);
    assert!(take(store, "order:GG-1", t(30)).await.is_some());
    store.forget_recovered(t(80)).await.unwrap();
    for _ in 0..3 {
        assert_eq!(take(store, "order:GG-1", t(80)).await, None);
    }
}

/// Two instances on one PostgreSQL database: one budget, however the requests are spread.
#[tokio::test]
async fn two_instances_on_postgres_share_one_budget() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let (first, second) = (db.open().await, db.open().await);
    let mut allowed = 0;
    for i in 0..12_u32 {
        let store = if i.is_multiple_of(2) { &first } else { &second };
        if take(store.as_ref(), "visitor:shared", t(0)).await.is_none() {
            allowed += 1;
        }
    }
    assert_eq!(allowed, 3, "not 3 per instance");
    // And at once from many tasks on both: still the one burst.
    let tasks: Vec<_> = (0..16_u32)
        .map(|i| {
            let store = if i.is_multiple_of(2) { &first } else { &second }.clone();
            tokio::spawn(async move { take(store.as_ref(), "visitor:race", t(0)).await })
        })
        .collect();
    let mut raced = 0;
    for task in tasks {
        if task.await.unwrap().is_none() {
            raced += 1;
        }
    }
    assert_eq!(raced, 3);
}
