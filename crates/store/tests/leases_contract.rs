//! Leases of background jobs: one holder at a time, taken over only once run out or released.
//! On SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use aurora_core::store::Store;
use aurora_store::backend_tests;
use chrono::{Duration, TimeZone, Utc};
use std::sync::Arc;

backend_tests!(
    a_lease_has_one_holder_until_it_runs_out_and_each_new_holder_a_new_token,
    a_released_lease_is_free_at_once_and_other_jobs_leases_are_their_own,
    two_instances_racing_for_a_free_lease_never_both_get_it,
);

async fn a_lease_has_one_holder_until_it_runs_out_and_each_new_holder_a_new_token(
    store: Arc<dyn Store>,
) {
    let t0 = Utc.with_ymd_and_hms(2026, 12, 6, 12, 0, 0).unwrap();
    let ttl = Duration::seconds(15);
    let hold = |holder: &'static str, at| {
        let store = store.clone();
        async move { store.hold_lease("webhooks", holder, at, ttl).await.unwrap() }
    };
    assert_eq!(hold("a", t0).await, Some(1));
    assert_eq!(hold("b", t0 + Duration::seconds(1)).await, None);
    // Renewing keeps the token and pushes the end back.
    assert_eq!(hold("a", t0 + Duration::seconds(10)).await, Some(1));
    assert_eq!(
        hold("b", t0 + Duration::seconds(20)).await,
        None,
        "renewed at 10 s"
    );
    // Run out: the next holder gets a new token, and the old one is refused.
    assert_eq!(hold("b", t0 + Duration::seconds(26)).await, Some(2));
    assert_eq!(hold("a", t0 + Duration::seconds(27)).await, None);
    assert_eq!(hold("a", t0 + Duration::seconds(42)).await, Some(3));
}

async fn a_released_lease_is_free_at_once_and_other_jobs_leases_are_their_own(
    store: Arc<dyn Store>,
) {
    let holds = |name: &'static str, holder: &'static str| {
        let store = store.clone();
        async move {
            let lease = store.hold_lease(name, holder, Utc::now(), Duration::seconds(15));
            lease.await.unwrap().is_some()
        }
    };
    assert!(holds("webhooks", "a").await);
    assert!(holds("purge", "b").await);
    assert!(!holds("purge", "a").await);
    store.release_leases("a").await.unwrap();
    assert!(holds("webhooks", "b").await);
    // b's own lease on the purge was not touched by a's release.
    assert!(!holds("purge", "a").await);
}

async fn two_instances_racing_for_a_free_lease_never_both_get_it(store: Arc<dyn Store>) {
    let now = Utc::now();
    for round in 0..20 {
        let name = format!("race-{round}");
        let (a, b) = tokio::join!(
            store.hold_lease(&name, "a", now, Duration::seconds(15)),
            store.hold_lease(&name, "b", now, Duration::seconds(15)),
        );
        let winners = [a.unwrap(), b.unwrap()].iter().flatten().count();
        assert_eq!(winners, 1, "round {round}");
    }
}
