//! The contract of what a store's platform brings in: orders written never over a newer one,
//! the orders import's transaction, the retention purge, the webhook inbox (deduplication and
//! claims under a lease), API tokens, and products removed by their platform id. Each test
//! runs on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use aurora_core::email::Email;
use aurora_core::money::Money;
use aurora_core::orders::{Order, OrderEvent, OrderItem, OrderNumber, OrderStatus};
use aurora_core::store::{Delivery, OrderWrite, Store};
use aurora_core::tokens::{ApiToken, Scope};
use aurora_store::backend_tests;
use chrono::{DateTime, Duration, TimeZone, Utc};
use std::collections::HashSet;
use std::sync::Arc;

backend_tests!(
    an_order_is_created_then_updated_and_never_overwritten_by_an_older_one,
    an_order_is_found_by_its_platform_id,
    orders_are_changed_by_platform_id_in_one_transaction,
    an_orders_import_counts_and_is_invisible_until_committed,
    an_order_given_twice_in_one_batch_is_written_once_as_its_newer_copy,
    orders_placed_before_the_retention_cutoff_are_purged_with_their_lines,
    a_delivery_is_stored_once_per_webhook_id,
    claimed_deliveries_are_not_claimed_again_until_their_lease_ends,
    processors_claiming_at_once_never_claim_one_delivery_twice,
    a_retried_delivery_waits_and_a_processed_one_is_done,
    tokens_are_found_by_hash_listed_and_revoked_once,
    a_product_is_removed_by_its_platform_id_and_the_catalog_version_moves,
    a_products_last_change_is_recorded_and_never_moves_back,
);

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0).unwrap()
}

fn order(number: &str, updated: DateTime<Utc>, status: OrderStatus) -> Order {
    Order {
        number: OrderNumber::normalise(number),
        email: Email::parse("mia@example.com").unwrap(),
        placed_at: at(1, 10),
        updated_at: updated,
        platform_id: Some(format!("id-{number}")),
        items: vec![OrderItem {
            product_id: None,
            title: "Halo Ring - 14K Rose Gold / 6.5".into(),
            quantity: 1,
            price: Money::from_minor(129_900),
            ring_size: Some("6.5".into()),
            made_to_order: false,
        }],
        events: vec![
            OrderEvent::new(OrderStatus::Placed, at(1, 10)),
            OrderEvent::new(status, updated),
        ],
    }
}

async fn an_order_is_created_then_updated_and_never_overwritten_by_an_older_one(
    store: Arc<dyn Store>,
) {
    let paid = order("1001", at(1, 11), OrderStatus::Paid);
    let shipped = order("1001", at(3, 9), OrderStatus::Shipped);
    assert_eq!(
        store.upsert_order(&paid).await.unwrap(),
        OrderWrite::Created
    );
    assert_eq!(
        store.upsert_order(&shipped).await.unwrap(),
        OrderWrite::Updated
    );
    // A late delivery of the older state changes nothing.
    assert_eq!(store.upsert_order(&paid).await.unwrap(), OrderWrite::Stale);
    let stored = store
        .order(&OrderNumber::normalise("1001"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored, shipped);
    // The same state again (a redelivery) is harmless and leaves one copy of each line.
    assert_eq!(
        store.upsert_order(&shipped).await.unwrap(),
        OrderWrite::Updated
    );
    let stored = store
        .order(&OrderNumber::normalise("1001"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((stored.items.len(), stored.events.len()), (1, 2));
    assert_eq!(store.order_count().await.unwrap(), 1);
}

async fn an_order_is_found_by_its_platform_id(store: Arc<dyn Store>) {
    store
        .upsert_order(&order("1002", at(1, 11), OrderStatus::Paid))
        .await
        .unwrap();
    // Orders are read by platform id where fulfilments change them.
    let found_by = async |id: &str| {
        let mut found = Vec::new();
        let writes = store
            .change_orders(&[id], &mut |orders| {
                found = orders.iter().map(|o| o.number.to_string()).collect();
                Vec::new()
            })
            .await
            .unwrap();
        assert!(writes.is_empty(), "nothing changed, nothing written");
        found
    };
    assert_eq!(found_by("id-1002").await, ["1002"]);
    assert!(found_by("id-9999").await.is_empty());
}

async fn orders_are_changed_by_platform_id_in_one_transaction(store: Arc<dyn Store>) {
    store
        .upsert_orders(&[
            order("1010", at(1, 11), OrderStatus::Paid),
            order("1011", at(1, 11), OrderStatus::Paid),
        ])
        .await
        .unwrap();
    let mut seen = Vec::new();
    let writes = store
        .change_orders(&["id-1011", "id-1010", "id-none"], &mut |orders| {
            seen = orders.iter().map(|o| o.number.to_string()).collect();
            let shipped = OrderEvent::new(OrderStatus::Shipped, at(3, 9));
            orders[0].events.push(shipped);
            orders[0].updated_at = at(3, 9);
            vec![0]
        })
        .await
        .unwrap();
    assert_eq!(
        seen,
        ["1011", "1010"],
        "in the order of the ids; unknown ones left out"
    );
    assert_eq!(writes, [OrderWrite::Updated]);
    let changed = store
        .order(&OrderNumber::normalise("1011"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(changed.status(), OrderStatus::Shipped);
    let untouched = store
        .order(&OrderNumber::normalise("1010"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(untouched.status(), OrderStatus::Paid);
    let none = store
        .change_orders(&["id-1010"], &mut |_| Vec::new())
        .await
        .unwrap();
    assert!(none.is_empty());
}

async fn an_orders_import_counts_and_is_invisible_until_committed(store: Arc<dyn Store>) {
    store
        .upsert_order(&order("2001", at(5, 9), OrderStatus::Delivered))
        .await
        .unwrap();
    let mut import = store.begin_order_import().await.unwrap();
    import
        .write(&[
            order("2001", at(2, 9), OrderStatus::Paid),
            order("2002", at(2, 9), OrderStatus::Paid),
        ])
        .await
        .unwrap();
    import
        .write(&[order("2003", at(2, 9), OrderStatus::Shipped)])
        .await
        .unwrap();
    drop(import);
    assert_eq!(
        store.order_count().await.unwrap(),
        1,
        "a dropped import wrote nothing"
    );

    let mut import = store.begin_order_import().await.unwrap();
    import
        .write(&[
            order("2001", at(2, 9), OrderStatus::Paid),
            order("2002", at(2, 9), OrderStatus::Paid),
        ])
        .await
        .unwrap();
    let summary = import.commit().await.unwrap();
    assert_eq!((summary.created, summary.updated, summary.stale), (1, 0, 1));
    let kept = store
        .order(&OrderNumber::normalise("2001"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        kept.status(),
        OrderStatus::Delivered,
        "the newer stored order stays"
    );
}

async fn an_order_given_twice_in_one_batch_is_written_once_as_its_newer_copy(
    store: Arc<dyn Store>,
) {
    // Deliveries of one order in one batch, the newer first (they came out of order).
    let writes = store
        .upsert_orders(&[
            order("4001", at(3, 9), OrderStatus::Shipped),
            order("4001", at(2, 9), OrderStatus::Paid),
            order("4002", at(2, 9), OrderStatus::Paid),
        ])
        .await
        .unwrap();
    assert_eq!(
        writes,
        [OrderWrite::Created, OrderWrite::Stale, OrderWrite::Created]
    );
    let stored = store
        .order(&OrderNumber::normalise("4001"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.status(), OrderStatus::Shipped);
    assert_eq!(stored.events.len(), 2);
    // Of two copies as new, the later one.
    let mut import = store.begin_order_import().await.unwrap();
    import
        .write(&[
            order("4003", at(2, 9), OrderStatus::Paid),
            order("4003", at(2, 9), OrderStatus::Cancelled),
        ])
        .await
        .unwrap();
    let summary = import.commit().await.unwrap();
    assert_eq!((summary.created, summary.stale), (1, 1));
    let stored = store
        .order(&OrderNumber::normalise("4003"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.status(), OrderStatus::Cancelled);
}

async fn orders_placed_before_the_retention_cutoff_are_purged_with_their_lines(
    store: Arc<dyn Store>,
) {
    let mut old = order("3001", at(1, 11), OrderStatus::Paid);
    old.placed_at = Utc.with_ymd_and_hms(2024, 1, 5, 10, 0, 0).unwrap();
    store.upsert_order(&old).await.unwrap();
    store
        .upsert_order(&order("3002", at(1, 11), OrderStatus::Paid))
        .await
        .unwrap();
    let cutoff = Utc.with_ymd_and_hms(2024, 12, 1, 0, 0, 0).unwrap();
    assert_eq!(store.purge_orders(cutoff).await.unwrap(), 1);
    assert_eq!(
        store.order(&OrderNumber::normalise("3001")).await.unwrap(),
        None
    );
    assert_eq!(store.order_count().await.unwrap(), 1);
    // Its lines went with it: the number can be used again.
    store.insert_order(&old).await.unwrap();
}

fn delivery(id: &str, received: DateTime<Utc>) -> Delivery {
    Delivery {
        id: format!("d-{id}"),
        source: "shopify".into(),
        delivery_id: id.into(),
        topic: "orders/create".into(),
        body: "{\"id\": 1}".into(),
        received_at: received,
    }
}

async fn a_delivery_is_stored_once_per_webhook_id(store: Arc<dyn Store>) {
    assert!(store.receive(&delivery("w1", at(1, 10))).await.unwrap());
    let mut again = delivery("w1", at(1, 11));
    again.id = "d-other".into();
    assert!(!store.receive(&again).await.unwrap());
    let counts = store.inbox_counts().await.unwrap();
    assert_eq!((counts.pending, counts.failed), (1, 0));
}

async fn claimed_deliveries_are_not_claimed_again_until_their_lease_ends(store: Arc<dyn Store>) {
    for (i, id) in ["a", "b", "c"].iter().enumerate() {
        let received = at(1, 10) + Duration::seconds(i as i64);
        store.receive(&delivery(id, received)).await.unwrap();
    }
    let now = at(1, 12);
    let lease = Duration::seconds(60);
    let first = store.claim_deliveries(now, lease, 2).await.unwrap();
    let ids: Vec<&str> = first
        .iter()
        .map(|c| c.delivery.delivery_id.as_str())
        .collect();
    assert_eq!(ids, ["a", "b"], "oldest first");
    let second = store.claim_deliveries(now, lease, 10).await.unwrap();
    let ids: Vec<&str> = second
        .iter()
        .map(|c| c.delivery.delivery_id.as_str())
        .collect();
    assert_eq!(ids, ["c"]);
    assert!(
        store
            .claim_deliveries(now, lease, 10)
            .await
            .unwrap()
            .is_empty()
    );
    // A processor that died: its claims come back once the lease ends.
    let later = store
        .claim_deliveries(now + Duration::seconds(61), lease, 10)
        .await
        .unwrap();
    assert_eq!(later.len(), 3);
    assert!(later.iter().all(|c| c.attempts == 2), "each claim counts");
}

async fn processors_claiming_at_once_never_claim_one_delivery_twice(store: Arc<dyn Store>) {
    for n in 0..120 {
        let received = at(1, 10) + Duration::milliseconds(n);
        store
            .receive(&delivery(&format!("c{n}"), received))
            .await
            .unwrap();
    }
    let now = at(1, 12);
    let lease = Duration::seconds(60);
    // Four processors (four instances' worth of connections) claim at the same moment.
    let claims = (0..4).map(|_| {
        let store = store.clone();
        tokio::spawn(async move { store.claim_deliveries(now, lease, 50).await.unwrap() })
    });
    let mut seen = HashSet::new();
    let mut total = 0;
    for claim in claims {
        for claimed in claim.await.unwrap() {
            total += 1;
            assert!(seen.insert(claimed.delivery.id), "claimed twice");
        }
    }
    assert_eq!(total, 120, "every delivery claimed once");
}

async fn a_retried_delivery_waits_and_a_processed_one_is_done(store: Arc<dyn Store>) {
    store.receive(&delivery("r1", at(1, 10))).await.unwrap();
    store.receive(&delivery("r2", at(1, 10))).await.unwrap();
    let now = at(1, 12);
    let lease = Duration::seconds(60);
    let claimed = store.claim_deliveries(now, lease, 10).await.unwrap();
    assert_eq!(claimed.len(), 2);
    store
        .delivery_retry(
            "d-r1",
            now + Duration::seconds(30),
            "order not received yet",
        )
        .await
        .unwrap();
    store
        .deliveries_processed(&[("d-r2".into(), Some("not an order".into()))], now)
        .await
        .unwrap();
    assert!(
        store
            .claim_deliveries(now + Duration::seconds(10), lease, 10)
            .await
            .unwrap()
            .is_empty(),
        "the retry is not due yet and the other is done"
    );
    let retried = store
        .claim_deliveries(now + Duration::seconds(31), lease, 10)
        .await
        .unwrap();
    assert_eq!(retried.len(), 1);
    // Each claim is an attempt: this is the second.
    assert_eq!(
        (
            retried[0].delivery.delivery_id.as_str(),
            retried[0].attempts
        ),
        ("r1", 2)
    );
    let counts = store.inbox_counts().await.unwrap();
    assert_eq!((counts.pending, counts.failed), (1, 1));
    store
        .deliveries_processed(&[("d-r1".into(), None)], now)
        .await
        .unwrap();
    assert_eq!(
        store
            .purge_deliveries(now + Duration::seconds(1))
            .await
            .unwrap(),
        2
    );
    // Forgotten: the same webhook id is a new delivery now.
    assert!(store.receive(&delivery("r1", at(2, 10))).await.unwrap());
}

async fn tokens_are_found_by_hash_listed_and_revoked_once(store: Arc<dyn Store>) {
    let token = ApiToken {
        id: "tok_1".into(),
        name: "WooCommerce sync".into(),
        scopes: vec![Scope::OrdersWrite],
        user_id: None,
        created_at: at(1, 10),
        last_used_at: None,
        revoked_at: None,
    };
    store.insert_token(&token, "hash-1").await.unwrap();
    assert_eq!(
        store.token_by_hash("hash-1").await.unwrap(),
        Some(token.clone())
    );
    assert_eq!(store.token_by_hash("hash-2").await.unwrap(), None);
    store.token_used("tok_1", at(2, 10)).await.unwrap();
    assert!(store.revoke_token("tok_1", at(3, 10)).await.unwrap());
    assert!(!store.revoke_token("tok_1", at(4, 10)).await.unwrap());
    assert!(!store.revoke_token("tok_nope", at(4, 10)).await.unwrap());
    let listed = store.tokens().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].last_used_at, Some(at(2, 10)));
    assert_eq!(listed[0].revoked_at, Some(at(3, 10)));
    assert!(!listed[0].allows(Scope::OrdersWrite));
}

async fn a_product_is_removed_by_its_platform_id_and_the_catalog_version_moves(
    store: Arc<dyn Store>,
) {
    let product = aurora_core::demo::products().into_iter().next().unwrap();
    let product = aurora_core::catalog::Product {
        platform_id: Some("788032119674292922".into()),
        ..product
    };
    let mut import = store.begin_import().await.unwrap();
    import.write(std::slice::from_ref(&product)).await.unwrap();
    let version = import.commit().await.unwrap().version;
    assert_eq!(
        store.delete_product_by_platform_id("1").await.unwrap(),
        None
    );
    assert_eq!(
        store.catalog_version().await.unwrap(),
        version,
        "nothing changed"
    );
    assert_eq!(
        store
            .delete_product_by_platform_id("788032119674292922")
            .await
            .unwrap(),
        Some(product.id.clone())
    );
    assert_eq!(store.catalog_version().await.unwrap(), version + 1);
    assert_eq!(store.product(&product.id).await.unwrap(), None);
    let ids: HashSet<String> = store
        .all_products()
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.id)
        .collect();
    assert!(!ids.contains(&product.id));
}

async fn a_products_last_change_is_recorded_and_never_moves_back(store: Arc<dyn Store>) {
    assert!(store.product_sync(&["p1"]).await.unwrap().is_empty());
    store
        .record_product_sync(&[
            ("p1".into(), at(3, 9), false),
            ("p2".into(), at(1, 9), false),
            ("p1".into(), at(2, 9), false),
        ])
        .await
        .unwrap();
    // An older time changes nothing; a deletion later than the record stands.
    store
        .record_product_sync(&[
            ("p1".into(), at(2, 10), false),
            ("p2".into(), at(4, 9), true),
        ])
        .await
        .unwrap();
    let known = store.product_sync(&["p1", "p2", "p3"]).await.unwrap();
    assert_eq!(known.get("p1"), Some(&(at(3, 9), false)));
    assert_eq!(known.get("p2"), Some(&(at(4, 9), true)));
    assert_eq!(known.len(), 2);
}
