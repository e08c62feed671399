//! The use cases' rules, without HTTP, on a real SQLite database: who owns a conversation,
//! when it has ended, when a rating is asked for and taken, which orders can be returned.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use aurora_core::catalog::Catalog;
use aurora_core::catalog::search::SearchIndex;
use aurora_core::concierge::{Concierge, ConciergeSettings, Input, Turn};
use aurora_core::services::ServiceError;
use aurora_core::services::conversations;
use aurora_core::services::support::{self, OrderRequest, RequestOutcome};
use aurora_core::store::Store;
use aurora_core::tickets::TicketKind;
use aurora_store::testing::TestDb;
use chrono::{DateTime, Duration, Utc};
use serde_json::{Map, Value, json};
use std::sync::Arc;

struct World {
    _db: TestDb,
    store: Arc<dyn Store>,
    concierge: Concierge,
    index: SearchIndex,
    now: DateTime<Utc>,
}

impl World {
    async fn new() -> World {
        let db = TestDb::sqlite();
        let store = db.open().await;
        let now = Utc::now();
        let mut import = store.begin_import().await.unwrap();
        import.write(&aurora_core::demo::products()).await.unwrap();
        import.commit().await.unwrap();
        for order in aurora_core::demo::orders(now) {
            store.insert_order(&order).await.unwrap();
        }
        let catalog = Catalog::new(1, store.all_products().await.unwrap());
        World {
            index: SearchIndex::build(Arc::new(catalog)).unwrap(),
            concierge: Concierge::new(&Default::default(), ConciergeSettings::default()).unwrap(),
            store,
            _db: db,
            now,
        }
    }

    fn turn<'a>(&'a self, visitor: &'a str) -> Turn<'a> {
        self.turn_at(visitor, self.now)
    }

    fn turn_at<'a>(&'a self, visitor: &'a str, now: DateTime<Utc>) -> Turn<'a> {
        Turn {
            store: self.store.as_ref(),
            index: &self.index,
            visitor_id: visitor,
            identity_email: None,
            identity_name: None,
            now,
            knowledge: Arc::new(aurora_core::knowledge::KnowledgeIndex::empty()),
        }
    }

    async fn start(&self, visitor: &str, id: &str) -> String {
        conversations::start(
            &self.concierge,
            self.store.as_ref(),
            id.to_string(),
            visitor.to_string(),
            self.now,
        )
        .await
        .unwrap()
        .conversation
        .id
    }

    async fn say(&self, visitor: &str, id: &str, text: &str) {
        let input = Input::Text(text.to_string());
        conversations::reply(&self.concierge, &self.turn(visitor), id, &input, None)
            .await
            .unwrap();
    }
}

fn body(value: Value) -> Map<String, Value> {
    value.as_object().unwrap().clone()
}

fn reference(kind: TicketKind) -> String {
    format!("{}-123456", kind.prefix())
}

#[tokio::test]
async fn another_visitors_conversation_looks_like_no_conversation() {
    let world = World::new().await;
    let id = world.start("ann", "c1").await;
    let intruder = world.turn("bob");
    let input = Input::Text("rings".into());
    let reply = conversations::reply(&world.concierge, &intruder, &id, &input, None).await;
    assert!(matches!(reply, Err(ServiceError::NotFound(_))), "{reply:?}");
    let history = conversations::history(&intruder, &id).await;
    assert!(
        matches!(history, Err(ServiceError::NotFound(_))),
        "{history:?}"
    );
    let end = conversations::end(&intruder, &id).await;
    assert!(matches!(end, Err(ServiceError::NotFound(_))), "{end:?}");
    let rate = support::rate(&intruder, Some(&id), &body(json!({"score": "5"})), None).await;
    assert!(matches!(rate, Err(ServiceError::NotFound(_))), "{rate:?}");
    let history = conversations::history(&world.turn("ann"), &id)
        .await
        .unwrap();
    assert_eq!(
        history.messages.len(),
        1,
        "only the welcome: nothing was written"
    );
}

#[tokio::test]
async fn an_ended_or_idle_conversation_takes_no_more_messages() {
    let world = World::new().await;
    let ended = world.start("ann", "c1").await;
    conversations::end(&world.turn("ann"), &ended)
        .await
        .unwrap();
    let input = Input::Text("rings".into());
    let reply =
        conversations::reply(&world.concierge, &world.turn("ann"), &ended, &input, None).await;
    assert!(
        matches!(reply, Err(ServiceError::Conflict("conversation_ended", _))),
        "{reply:?}"
    );
    let idle = world.start("ann", "c2").await;
    let later = world.turn_at("ann", world.now + Duration::minutes(31));
    let reply = conversations::reply(&world.concierge, &later, &idle, &input, None).await;
    assert!(
        matches!(reply, Err(ServiceError::Conflict("conversation_ended", _))),
        "{reply:?}"
    );
    assert!(conversations::history(&later, &idle).await.unwrap().ended);
}

#[tokio::test]
async fn a_rating_is_asked_for_after_two_replies_and_taken_once() {
    let world = World::new().await;
    let short = world.start("ann", "c1").await;
    world.say("ann", &short, "rings").await;
    let ended = conversations::end(&world.turn("ann"), &short)
        .await
        .unwrap();
    assert!(ended.newly_ended);
    assert!(
        !ended.blocks.get().contains("csat_prompt"),
        "one reply: no rating"
    );

    let long = world.start("ann", "c2").await;
    let early = support::rate(
        &world.turn("ann"),
        Some(&long),
        &body(json!({"score": "5"})),
        None,
    )
    .await;
    assert!(
        matches!(early, Err(ServiceError::Conflict("csat_not_offered", _))),
        "{early:?}"
    );
    world.say("ann", &long, "rings").await;
    world.say("ann", &long, "in rose gold").await;
    let ended = conversations::end(&world.turn("ann"), &long).await.unwrap();
    assert!(ended.blocks.get().contains("csat_prompt"));
    let again = conversations::end(&world.turn("ann"), &long).await.unwrap();
    assert!(!again.newly_ended);
    assert!(!again.blocks.get().contains("csat_prompt"), "asked once");
    let rating = body(json!({"score": "4", "comment": "lovely"}));
    let rated = support::rate(&world.turn("ann"), Some(&long), &rating, None)
        .await
        .unwrap();
    assert_eq!(rated.score, 4);
    let twice = support::rate(&world.turn("ann"), Some(&long), &rating, None).await;
    assert!(
        matches!(twice, Err(ServiceError::Conflict("csat_already_given", _))),
        "{twice:?}"
    );
    let missing = support::rate(&world.turn("ann"), None, &rating, None).await;
    assert!(
        matches!(missing, Err(ServiceError::Invalid(_))),
        "{missing:?}"
    );
}

#[tokio::test]
async fn returns_follow_the_window_and_made_to_order_rules_and_land_in_the_conversation() {
    let world = World::new().await;
    let id = world.start("ann", "c1").await;
    let request = |number: &str, email: &str, kind: &str| {
        body(
            json!({"order_number": number, "email": email, "request": kind,
            "items": "ring", "reason": "too_small", "new_size": "7"}),
        )
    };
    let turn = world.turn("ann");
    let made_to_order = request("GG-104187", "liam.carter@example.org", "return");
    let refused = support::request_about_order(
        OrderRequest::ReturnOrResize,
        &world.concierge,
        &turn,
        Some(&id),
        &made_to_order,
        &reference,
        None,
    )
    .await
    .unwrap();
    assert!(matches!(refused, RequestOutcome::Refused(_)), "{refused:?}");
    let outside = request("GG-104017", "hannah.wright@example.org", "return");
    let refused = support::request_about_order(
        OrderRequest::ReturnOrResize,
        &world.concierge,
        &turn,
        None,
        &outside,
        &reference,
        None,
    )
    .await
    .unwrap();
    assert!(matches!(refused, RequestOutcome::Refused(_)), "{refused:?}");
    let resize = request("GG-104187", "liam.carter@example.org", "resize");
    let opened = support::request_about_order(
        OrderRequest::ReturnOrResize,
        &world.concierge,
        &turn,
        Some(&id),
        &resize,
        &reference,
        None,
    )
    .await
    .unwrap();
    let RequestOutcome::Opened(receipt) = opened else {
        panic!("a made-to-order piece can be resized: {opened:?}");
    };
    assert_eq!(receipt.ticket.kind, TicketKind::Resize);
    assert_eq!(receipt.ticket.reference, "RT-123456");
    assert!(world.store.ticket("RT-123456").await.unwrap().is_some());
    let history = conversations::history(&turn, &id).await.unwrap();
    assert!(history.conversation.has_ticket);
    let said: Vec<_> = history
        .messages
        .iter()
        .filter_map(|m| m.text.as_deref())
        .collect();
    assert!(said.contains(&"[return or resize request]"), "{said:?}");
}

#[tokio::test]
async fn without_a_delivery_the_return_window_counts_from_the_shipment() {
    let world = World::new().await;
    // Orders from a platform that reports shipments, never deliveries (Shopify's export).
    let shipped = |number: &str, days_ago: i64, status: &str| {
        let at = world.now - Duration::days(days_ago);
        serde_json::from_value::<aurora_core::orders::OrderInput>(json!({
            "email": "mia@example.com",
            "placed_at": at - Duration::days(2),
            "items": [{"title": "Halo Ring", "quantity": 1, "price_cents": 129900, "ring_size": "6.5"}],
            "events": [{"status": "paid", "at": at - Duration::days(2)}, {"status": status, "at": at}]
        }))
        .unwrap()
        .into_order(Some(number))
        .unwrap()
    };
    for order in [
        shipped("1001", 5, "shipped"),
        shipped("1002", 40, "shipped"),
        shipped("1003", 5, "refunded"),
    ] {
        world.store.upsert_order(&order).await.unwrap();
    }
    let turn = world.turn("ann");
    let ask = |number: &str| {
        body(
            json!({"order_number": number, "email": "MIA@example.com", "request": "return",
            "items": "ring", "reason": "changed_mind"}),
        )
    };
    let recent = support::request_about_order(
        OrderRequest::ReturnOrResize,
        &world.concierge,
        &turn,
        None,
        &ask("1001"),
        &reference,
        None,
    )
    .await
    .unwrap();
    assert!(matches!(recent, RequestOutcome::Opened(_)), "{recent:?}");
    for (number, says) in [("1002", "was shipped on"), ("1003", "was refunded")] {
        let refused = support::request_about_order(
            OrderRequest::ReturnOrResize,
            &world.concierge,
            &turn,
            None,
            &ask(number),
            &reference,
            None,
        )
        .await
        .unwrap();
        let RequestOutcome::Refused(blocks) = refused else {
            panic!("{number} was accepted");
        };
        let text = serde_json::to_string(&blocks).unwrap();
        assert!(text.contains(says), "{number}: {text}");
    }
}

/// A catalog file in our JSON Lines format, from `products`.
fn jsonl(products: &[aurora_core::catalog::Product]) -> Vec<u8> {
    let lines: Vec<String> = products
        .iter()
        .map(|p| serde_json::to_string(p).unwrap())
        .collect();
    lines.join("\n").into_bytes()
}

#[tokio::test]
async fn an_import_checks_every_row_first_and_writes_all_or_nothing() {
    use aurora_core::catalog::import::Format;
    use aurora_core::services::catalog::{self, ImportError, ImportOutcome, Pass};

    let db = TestDb::sqlite();
    let store = db.open().await;
    let products = aurora_core::demo::products();
    let good = jsonl(&products);
    let mut bad = good.clone();
    bad.extend_from_slice(b"\n{\"id\": \"Not A Handle\"}\n");

    let file = bad.clone();
    let outcome = catalog::import(&*store, Format::Json, &Default::default(), move |_| {
        Ok(std::io::Cursor::new(file.clone()))
    })
    .await
    .unwrap();
    let ImportOutcome::Refused(report) = outcome else {
        panic!("a file with a bad row was imported")
    };
    assert_eq!(report.errors[0].row, products.len() as u64 + 1);
    assert_eq!(store.product_count().await.unwrap(), 0);
    assert_eq!(
        catalog::newer(&*store, 0)
            .await
            .unwrap()
            .map(|c| c.version()),
        None
    );

    // The file reads differently the second time: nothing of it is written.
    let (first, second) = (good.clone(), bad);
    let changed = catalog::import(&*store, Format::Json, &Default::default(), move |pass| {
        Ok(std::io::Cursor::new(match pass {
            Pass::Check => first.clone(),
            Pass::Write => second.clone(),
        }))
    })
    .await;
    assert!(
        matches!(changed, Err(ImportError::Changed(_))),
        "{changed:?}"
    );
    assert_eq!(store.product_count().await.unwrap(), 0);

    let outcome = catalog::import(&*store, Format::Json, &Default::default(), move |_| {
        Ok(std::io::Cursor::new(good.clone()))
    })
    .await
    .unwrap();
    let ImportOutcome::Imported { summary, .. } = outcome else {
        panic!("a good file was refused")
    };
    assert_eq!(summary.created, products.len() as u64);
    let newer = catalog::newer(&*store, 0).await.unwrap().unwrap();
    assert_eq!(newer.version(), summary.version);
    assert_eq!(newer.products().len(), products.len());
    assert!(
        catalog::newer(&*store, summary.version)
            .await
            .unwrap()
            .is_none()
    );
}

/// A Shopify product payload for the moonstone ring with this `status`.
fn moonstone(status: &str) -> String {
    json!({
        "id": 4242, "title": "Aurora Moonstone Ring", "handle": "aurora-moonstone-ring",
        "product_type": "Rings", "status": status,
        "variants": [{"price": "777.00", "option1": "14K Rose Gold"}],
        "options": [{"name": "Metal", "values": ["14K Rose Gold"]}]
    })
    .to_string()
}

/// Deliveries as the inbox hands them over, received `now`.
fn incoming<'a>(
    deliveries: &[(&'a str, &'a str)],
) -> Vec<aurora_core::services::integrations::Incoming<'a>> {
    deliveries
        .iter()
        .map(
            |(topic, body)| aurora_core::services::integrations::Incoming {
                topic,
                body,
                received_at: Utc::now(),
            },
        )
        .collect()
}

#[tokio::test]
async fn a_batch_of_deliveries_ends_as_the_deliveries_one_by_one_would() {
    use aurora_core::orders::{OrderNumber, OrderStatus};
    use aurora_core::services::integrations::{
        Applied, IntegrationRules, NotApplied, apply_shopify,
    };
    let world = World::new().await;
    let rules = IntegrationRules::default();
    let order = json!({
        "id": 77, "name": "#1001", "email": "mia@example.com",
        "created_at": "2026-11-02T10:00:00Z", "updated_at": "2026-11-02T10:00:00Z",
        "financial_status": "paid",
        "line_items": [{"title": "Halo Ring", "variant_title": "6.5", "quantity": 1, "price": "1299.00"}]
    })
    .to_string();
    let fulfilment =
        json!({"order_id": 77, "status": "success", "created_at": "2026-11-03T10:00:00Z",
        "updated_at": "2026-11-03T10:00:00Z", "tracking_company": "UPS", "tracking_number": "1Z"})
        .to_string();
    let (active, draft) = (moonstone("active"), moonstone("draft"));
    // The fulfilment comes before its order in the batch; the product is drafted, then
    // published again.
    let results = apply_shopify(
        world.store.as_ref(),
        &rules,
        &incoming(&[
            ("fulfillments/create", &fulfilment),
            ("products/update", &draft),
            ("orders/create", &order),
            ("products/update", &active),
            ("orders/create", "{\"name\": 5}"),
            ("app/uninstalled", "{}"),
        ]),
    )
    .await;
    assert!(
        matches!(results[0], Ok(Applied::Order(_))),
        "{:?}",
        results[0]
    );
    assert!(
        matches!(results[4], Err(NotApplied::Rejected(_))),
        "{:?}",
        results[4]
    );
    assert!(
        matches!(results[5], Ok(Applied::Ignored(_))),
        "{:?}",
        results[5]
    );
    let stored = world
        .store
        .order(&OrderNumber::normalise("1001"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.status(), OrderStatus::Shipped);
    assert!(
        world
            .store
            .product("aurora-moonstone-ring")
            .await
            .unwrap()
            .is_some()
    );

    // Published, then drafted: it leaves the catalog.
    apply_shopify(
        world.store.as_ref(),
        &rules,
        &incoming(&[("products/update", &active), ("products/update", &draft)]),
    )
    .await;
    assert!(
        world
            .store
            .product("aurora-moonstone-ring")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn a_late_older_product_delivery_or_one_after_its_deletion_changes_nothing() {
    use aurora_core::services::integrations::{Applied, IntegrationRules, apply_shopify};
    let world = World::new().await;
    let rules = IntegrationRules::default();
    let version = |price: &str, updated_at: &str| {
        json!({
            "id": 4243, "title": "Aurora Opal Ring", "handle": "aurora-opal-ring",
            "product_type": "Rings", "status": "active", "updated_at": updated_at,
            "variants": [{"price": price, "option1": "14K Rose Gold"}],
            "options": [{"name": "Metal", "values": ["14K Rose Gold"]}]
        })
        .to_string()
    };
    let (newer, older) = (
        version("650.00", "2026-11-03T10:00:00Z"),
        version("990.00", "2026-11-02T10:00:00Z"),
    );
    let price = || async {
        (world.store.product("aurora-opal-ring").await.unwrap()).map(|p| p.price.minor())
    };
    apply_shopify(
        world.store.as_ref(),
        &rules,
        &incoming(&[("products/update", &newer)]),
    )
    .await;
    let late = apply_shopify(
        world.store.as_ref(),
        &rules,
        &incoming(&[("products/update", &older)]),
    )
    .await;
    assert!(matches!(&late[0], Ok(Applied::Ignored(_))), "{late:?}");
    assert_eq!(
        price().await,
        Some(65_000),
        "the older price never comes back"
    );
    // In one batch, out of order: the newer one stands.
    apply_shopify(
        world.store.as_ref(),
        &rules,
        &incoming(&[
            (
                "products/update",
                &version("700.00", "2026-11-05T10:00:00Z"),
            ),
            ("products/update", &newer),
        ]),
    )
    .await;
    assert_eq!(price().await, Some(70_000));
    let deleted = json!({"id": 4243}).to_string();
    apply_shopify(
        world.store.as_ref(),
        &rules,
        &incoming(&[("products/delete", &deleted)]),
    )
    .await;
    let after = apply_shopify(
        world.store.as_ref(),
        &rules,
        &incoming(&[(
            "products/update",
            &version("700.00", "2026-11-05T10:00:00Z"),
        )]),
    )
    .await;
    assert!(matches!(&after[0], Ok(Applied::Ignored(_))), "{after:?}");
    assert_eq!(price().await, None, "a deleted product does not come back");
}
