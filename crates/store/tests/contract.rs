//! The one contract every Store backend must meet. Each test runs on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use aurora_core::catalog::{Category, DiamondOrigin, Metal, Product, Stones};
use aurora_core::email::Email;
use aurora_core::money::Money;
use aurora_core::orders::{Order, OrderEvent, OrderItem, OrderStatus};
use aurora_core::store::{Store, StoreError};
use aurora_store::backend_tests;
use chrono::{TimeZone, Utc};
use std::sync::Arc;

backend_tests!(
    a_new_database_is_empty_at_catalog_version_zero,
    importing_products_creates_them_and_bumps_the_version,
    importing_the_same_products_again_updates_and_never_duplicates,
    a_product_keeps_the_time_it_was_first_added,
    an_import_dropped_before_commit_writes_nothing,
    a_batch_with_a_repeated_id_keeps_the_last_one,
    an_order_round_trips_with_its_items_and_timeline,
    a_second_order_with_the_same_number_is_a_conflict,
    an_unknown_order_or_product_is_none,
    the_first_stored_setting_wins,
    each_knowledge_import_replaces_the_file_and_bumps_its_version,
);

fn product(id: &str, price_cents: i64) -> Product {
    Product {
        id: id.to_string(),
        title: format!("Title of {id}"),
        description: "A ring in rose gold, with an apostrophe ' and a quote \" inside.".into(),
        category: Category::Rings,
        metal: Metal::RoseGold,
        price: Money::from_minor(price_cents),
        ready_to_ship: true,
        styles: vec!["classic".into(), "romantic".into()],
        image_url: "/demo/images/rings-rose_gold.svg".into(),
        image_alt: "Rose gold ring".into(),
        url: format!("/products/{id}"),
        price_max: Some(Money::from_minor(price_cents * 2)),
        metals: vec![Metal::RoseGold, Metal::WhiteGold],
        kind: Some("engagement ring".into()),
        stones: Stones {
            diamond: Some(DiamondOrigin::LabGrown),
            carat: Some("1.50".into()),
            shape: Some("oval".into()),
            colour: Some("F".into()),
            clarity: Some("VS1".into()),
            setting: Some("halo".into()),
        },
        platform_id: Some(format!("gid://shopify/Product/{price_cents}")),
        added_at: Some(Utc.with_ymd_and_hms(2026, 9, 1, 8, 0, 0).unwrap()),
    }
}

async fn import(store: &Arc<dyn Store>, products: &[Product]) -> aurora_core::store::ImportSummary {
    let mut import = store.begin_import().await.unwrap();
    import.write(products).await.unwrap();
    import.commit().await.unwrap()
}

async fn a_new_database_is_empty_at_catalog_version_zero(store: Arc<dyn Store>) {
    store.ping().await.unwrap();
    assert_eq!(store.catalog_version().await.unwrap(), 0);
    assert_eq!(store.product_count().await.unwrap(), 0);
    assert_eq!(store.order_count().await.unwrap(), 0);
    assert!(store.all_products().await.unwrap().is_empty());
}

async fn importing_products_creates_them_and_bumps_the_version(store: Arc<dyn Store>) {
    let summary = import(
        &store,
        &[product("b-ring", 120_000), product("a-ring", 5_000)],
    )
    .await;
    assert_eq!(
        (summary.created, summary.updated, summary.version),
        (2, 0, 1)
    );
    assert_eq!(store.catalog_version().await.unwrap(), 1);
    let all = store.all_products().await.unwrap();
    assert_eq!(
        all,
        vec![product("a-ring", 5_000), product("b-ring", 120_000)]
    );
    assert_eq!(
        store.product("b-ring").await.unwrap(),
        Some(product("b-ring", 120_000))
    );
}

async fn importing_the_same_products_again_updates_and_never_duplicates(store: Arc<dyn Store>) {
    import(
        &store,
        &[product("a-ring", 5_000), product("b-ring", 6_000)],
    )
    .await;
    let mut changed = product("a-ring", 7_500);
    changed.metal = Metal::Platinum;
    changed.styles = vec!["modern".into()];
    let summary = import(&store, &[changed.clone(), product("c-ring", 1)]).await;
    assert_eq!(
        (summary.created, summary.updated, summary.version),
        (1, 1, 2)
    );
    assert_eq!(store.product_count().await.unwrap(), 3);
    assert_eq!(store.product("a-ring").await.unwrap(), Some(changed));
}

async fn a_product_keeps_the_time_it_was_first_added(store: Arc<dyn Store>) {
    let before = Utc::now() - chrono::Duration::seconds(1);
    let undated = Product {
        added_at: None,
        ..product("b-ring", 6_000)
    };
    import(&store, &[product("a-ring", 5_000), undated.clone()]).await;
    let first = store.product("b-ring").await.unwrap().unwrap().added_at;
    let first = first.expect("an undated product is dated by its first import");
    assert!(first >= before && first <= Utc::now(), "{first}");

    // A later import, dated or not, changes the product but never when it was added.
    let redated = Product {
        added_at: Some(Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap()),
        price: Money::from_minor(5_500),
        ..product("a-ring", 5_000)
    };
    import(&store, &[redated, undated]).await;
    let a = store.product("a-ring").await.unwrap().unwrap();
    assert_eq!(a.price, Money::from_minor(5_500));
    assert_eq!(a.added_at, product("a-ring", 0).added_at);
    let b = store.product("b-ring").await.unwrap().unwrap();
    assert_eq!(b.added_at, Some(first));
}

async fn an_import_dropped_before_commit_writes_nothing(store: Arc<dyn Store>) {
    let mut import = store.begin_import().await.unwrap();
    import.write(&[product("a-ring", 5_000)]).await.unwrap();
    drop(import);
    assert_eq!(store.product_count().await.unwrap(), 0);
    assert_eq!(store.catalog_version().await.unwrap(), 0);
}

async fn a_batch_with_a_repeated_id_keeps_the_last_one(store: Arc<dyn Store>) {
    let summary = import(&store, &[product("a-ring", 1), product("a-ring", 2)]).await;
    assert_eq!((summary.created, summary.updated), (1, 0));
    assert_eq!(
        store
            .product("a-ring")
            .await
            .unwrap()
            .unwrap()
            .price
            .minor(),
        2
    );
}

fn order(number: &str) -> Order {
    let at = |day| Utc.with_ymd_and_hms(2026, 10, day, 14, 30, 0).unwrap();
    let event = |status, day| OrderEvent {
        status,
        at: at(day),
        carrier: None,
        tracking_number: None,
        tracking_url: None,
        note: None,
    };
    Order {
        number: number.into(),
        email: Email::parse("Ava.Thompson@example.com").unwrap(),
        placed_at: at(1),
        updated_at: at(9),
        platform_id: Some("820982911946154508".into()),
        items: vec![
            OrderItem {
                product_id: Some("a-ring".into()),
                title: "Rose Gold Halo Ring".into(),
                quantity: 1,
                price: Money::from_minor(125_000),
                ring_size: Some("6.5".into()),
                made_to_order: true,
            },
            OrderItem {
                product_id: None,
                title: "Gift box".into(),
                quantity: 2,
                price: Money::from_minor(0),
                ring_size: None,
                made_to_order: false,
            },
        ],
        events: vec![
            event(OrderStatus::Placed, 1),
            event(OrderStatus::Paid, 1),
            OrderEvent {
                carrier: Some("UPS".into()),
                tracking_number: Some("1Z999AA10123456784".into()),
                tracking_url: Some("https://www.ups.com/track?tracknum=1Z999AA10123456784".into()),
                ..event(OrderStatus::Shipped, 9)
            },
        ],
    }
}

async fn an_order_round_trips_with_its_items_and_timeline(store: Arc<dyn Store>) {
    store.insert_order(&order("GG-104233")).await.unwrap();
    let stored = store.order(&"GG-104233".into()).await.unwrap().unwrap();
    assert_eq!(stored, order("GG-104233"));
    assert_eq!(stored.status(), OrderStatus::Shipped);
    assert!(stored.email_matches(&Email::parse(" ava.thompson@EXAMPLE.com ").unwrap()));
    assert_eq!(store.order_count().await.unwrap(), 1);
}

async fn a_second_order_with_the_same_number_is_a_conflict(store: Arc<dyn Store>) {
    store.insert_order(&order("GG-100001")).await.unwrap();
    let again = store.insert_order(&order("GG-100001")).await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    // The failed insert left nothing half-written behind.
    assert_eq!(
        store.order(&"GG-100001".into()).await.unwrap(),
        Some(order("GG-100001"))
    );
}

async fn an_unknown_order_or_product_is_none(store: Arc<dyn Store>) {
    assert_eq!(store.order(&"GG-999999".into()).await.unwrap(), None);
    assert_eq!(store.product("no-such-ring").await.unwrap(), None);
}

async fn the_first_stored_setting_wins(store: Arc<dyn Store>) {
    assert_eq!(store.setting("secret").await.unwrap(), None);
    assert_eq!(
        store.setting_or_insert("secret", "one").await.unwrap(),
        "one"
    );
    assert_eq!(
        store.setting_or_insert("secret", "two").await.unwrap(),
        "one"
    );
    assert_eq!(
        store.setting("secret").await.unwrap().as_deref(),
        Some("one")
    );
}

async fn each_knowledge_import_replaces_the_file_and_bumps_its_version(store: Arc<dyn Store>) {
    assert_eq!(store.knowledge_version().await.unwrap(), 0);
    assert_eq!(store.knowledge().await.unwrap(), Default::default());
    let at = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
    let first = "## Shipping\nWe ship to Canada — and “quotes” ' too.\n";
    assert_eq!(store.save_knowledge(first, at).await.unwrap(), 1);
    let second = "## Care\nPolish gently.\n";
    assert_eq!(store.save_knowledge(second, at).await.unwrap(), 2);
    assert_eq!(store.knowledge_version().await.unwrap(), 2);
    let stored = store.knowledge().await.unwrap();
    assert_eq!((stored.version, stored.text.as_str()), (2, second));
    assert_eq!(store.save_knowledge(first, at).await.unwrap(), 3);
    assert_eq!(store.knowledge().await.unwrap().text, first);
}
