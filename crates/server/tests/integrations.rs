//! A store's platform through the real router: signed Shopify webhooks (good, bad, missing,
//! replayed, out of order, oversized) applied from the inbox by the background processor, the
//! product topics changing what the concierge shows without a restart, and the orders API with
//! and without its scope. Payloads start from Shopify's published samples
//! (`fixtures/shopify/SOURCES.md`). Each test runs on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use aurora_core::orders::{OrderNumber, OrderStatus};
use aurora_core::store::Store;
use aurora_core::tokens::{ApiToken, Scope};
use aurora_server::{Application, Background, ServerSettings};
use aurora_store::backend_tests;
use axum::Router;
use axum::http::StatusCode;
use base64::Engine;
use common::{Answer, Shopper, assert_problem, blocks_of, call, get, invalid_fields};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use std::sync::Arc;
use std::time::Duration;

backend_tests!(
    a_signed_order_then_its_fulfilment_make_it_trackable_in_the_widget,
    shopifys_own_sample_payloads_are_taken_as_sent,
    a_bad_or_missing_signature_is_refused_counted_and_stores_nothing,
    a_replayed_webhook_id_changes_nothing,
    an_older_update_arriving_late_never_moves_an_order_back,
    a_fulfilment_that_comes_before_its_order_is_applied_once_the_order_is_in,
    bodies_beyond_the_shopper_limit_fit_and_beyond_the_integration_limit_are_413,
    product_topics_change_what_the_concierge_shows_without_a_restart,
    the_orders_api_needs_a_token_with_its_scope,
    the_orders_api_writes_creates_updates_and_refuses_older_and_invalid_orders,
    orders_past_the_retention_period_are_purged,
);

const WEBHOOK_SECRET: &str = "shpss_test_webhook_secret";
const HOOK: &str = "/api/integrations/shopify/webhooks";

fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/tests/fixtures/shopify/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A running app: the router, with the inbox processor and the catalog watch running.
struct Shop {
    app: Router,
    state: aurora_server::AppState,
    store: Arc<dyn Store>,
    _background: Background,
}

impl Shop {
    async fn start(store: Arc<dyn Store>) -> Shop {
        Shop::with(store, ServerSettings::default()).await
    }

    async fn with(store: Arc<dyn Store>, server: ServerSettings) -> Shop {
        common::seed_demo(&store).await;
        let settings = aurora_server::AppSettings {
            catalog_poll: Duration::from_millis(100),
            inbox_poll: Duration::from_millis(100),
            ..common::settings(ServerSettings {
                shopify_webhook_secret: Some(WEBHOOK_SECRET.into()),
                ..server
            })
        };
        let application = Application::build(store.clone(), settings).await.unwrap();
        Shop {
            app: application.router(),
            state: application.state().clone(),
            store,
            _background: application.start_background(),
        }
    }

    /// Posts `body` as Shopify does: signed with the secret, with its topic and webhook id.
    async fn deliver(&self, topic: &str, webhook_id: &str, body: &str) -> Answer {
        let signature = sign(body.as_bytes());
        self.post_hook(
            &[
                ("x-shopify-topic", topic),
                ("x-shopify-webhook-id", webhook_id),
                ("x-shopify-hmac-sha256", &signature),
            ],
            body,
        )
        .await
    }

    async fn post_hook(&self, headers: &[(&str, &str)], body: &str) -> Answer {
        let mut request =
            axum::http::Request::post(HOOK).header("content-type", "application/json");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        common::send(
            &self.app,
            request
                .body(axum::body::Body::from(body.to_string()))
                .unwrap(),
        )
        .await
    }

    /// Polls (up to 10 s) until the inbox has applied every delivery.
    async fn until_inbox_empty(&self) {
        for _ in 0..200 {
            if self.store.inbox_counts().await.unwrap().pending == 0 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "the inbox never emptied: {:?}",
            self.store.inbox_counts().await.unwrap()
        );
    }

    /// Polls (up to 10 s) until the order `number` satisfies `done`.
    async fn order_when(
        &self,
        number: &str,
        done: impl Fn(&aurora_core::orders::Order) -> bool,
    ) -> aurora_core::orders::Order {
        let number = OrderNumber::normalise(number);
        for _ in 0..200 {
            if let Some(order) = self.store.order(&number).await.unwrap()
                && done(&order)
            {
                return order;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "order {number} never got there: {:?}",
            self.store.order(&number).await.unwrap()
        );
    }
}

fn sign(body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(WEBHOOK_SECRET.as_bytes()).unwrap();
    mac.update(body);
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Shopify's sample order placed recently: the sample's 2021 date is past the two years
/// orders are kept, so the retention purge would take it.
fn sample_order() -> Value {
    let mut order = fixture("orders-create.json");
    for field in ["created_at", "processed_at", "updated_at", "cancelled_at"] {
        order[field] = json!("2026-11-01T09:00:00-05:00");
    }
    order
}

/// Shopify's sample order made into a jewelry order: paid, not cancelled, one ring.
fn ring_order(updated_at: &str) -> Value {
    let mut order = sample_order();
    order["name"] = json!("#1001");
    order["email"] = json!("Mia.Chen@example.com");
    order["financial_status"] = json!("paid");
    order["cancelled_at"] = Value::Null;
    order["cancel_reason"] = Value::Null;
    order["updated_at"] = json!(updated_at);
    let mut item = order["line_items"][0].clone();
    item["title"] = json!("Halo Engagement Ring");
    item["variant_title"] = json!("14K Rose Gold / 6.5");
    item["price"] = json!("1299.00");
    order["line_items"] = json!([item]);
    order
}

async fn a_signed_order_then_its_fulfilment_make_it_trackable_in_the_widget(store: Arc<dyn Store>) {
    let shop = Shop::start(store).await;
    let answer = shop
        .deliver(
            "orders/create",
            "w-1",
            &ring_order("2026-11-02T10:00:00-05:00").to_string(),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    assert_eq!(answer.json()["outcome"], "accepted");
    let order = shop
        .order_when("1001", |o| o.status() == OrderStatus::Paid)
        .await;
    assert_eq!(order.items[0].ring_size.as_deref(), Some("6.5"));
    assert_eq!(order.items[0].price.minor(), 129_900);
    assert_eq!(order.platform_id.as_deref(), Some("820982911946154508"));

    let mut fulfilment = fixture("fulfillments-create.json");
    fulfilment["status"] = json!("success");
    fulfilment["created_at"] = json!("2026-11-03T09:00:00-05:00");
    fulfilment["updated_at"] = json!("2026-11-03T09:00:00-05:00");
    let answer = shop
        .deliver("fulfillments/create", "w-2", &fulfilment.to_string())
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    shop.order_when("1001", |o| o.status() == OrderStatus::Shipped)
        .await;

    // The shopper tracks it in the widget, with the email in another case.
    let (shopper, id, _) = Shopper::start(&shop.app).await;
    let body =
        json!({"order_number": "#1001", "email": "mia.chen@EXAMPLE.com", "conversation_id": id});
    let answer = shopper
        .post(&shop.app, "/api/support/orders/lookup", body)
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    let reply = answer.json();
    assert_eq!(reply["found"], true, "{reply}");
    let timeline = blocks_of(&reply, "order_timeline")[0].clone();
    assert_eq!(timeline["status"], "shipped");
    let shipped = timeline["events"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(shipped["carrier"], "UPS");
    assert_eq!(shipped["tracking_number"], "1z827wk74630");
    assert_eq!(
        shipped["tracking_url"],
        "https://www.ups.com/WebTracking?loc=en_US&requester=ST&trackNums=1z827wk74630"
    );
    // Anyone else gets the same answer as for an order that does not exist.
    let (stranger, _, _) = Shopper::start(&shop.app).await;
    let guess = stranger
        .post(
            &shop.app,
            "/api/support/orders/lookup",
            json!({"order_number": "1001", "email": "guess@example.com"}),
        )
        .await;
    let unknown = stranger
        .post(
            &shop.app,
            "/api/support/orders/lookup",
            json!({"order_number": "1002", "email": "guess@example.com"}),
        )
        .await;
    assert_eq!(guess.json()["found"], false);
    assert_eq!(guess.json()["blocks"], unknown.json()["blocks"]);
}

async fn shopifys_own_sample_payloads_are_taken_as_sent(store: Arc<dyn Store>) {
    let shop = Shop::start(store).await;
    let sample = sample_order().to_string();
    assert_eq!(
        shop.deliver("orders/create", "s-1", &sample).await.status,
        StatusCode::OK
    );
    let order = shop.order_when("9999", |_| true).await;
    assert_eq!(
        order.status(),
        OrderStatus::Cancelled,
        "the sample is a cancelled order"
    );
    assert_eq!(
        order.events.last().unwrap().note.as_deref(),
        Some("Cancelled at your request.")
    );
    assert_eq!(order.items.len(), 5);
    // The sample product is a T-shirt: no jewelry category, so nothing enters the catalog.
    let before = shop.store.product_count().await.unwrap();
    let product = fixture("products-update.json").to_string();
    assert_eq!(
        shop.deliver("products/update", "s-2", &product)
            .await
            .status,
        StatusCode::OK
    );
    let delete = fixture("products-delete.json").to_string();
    assert_eq!(
        shop.deliver("products/delete", "s-3", &delete).await.status,
        StatusCode::OK
    );
    // A point-of-sale order (no email) is left out quietly: no failure, no alert.
    let mut counter = sample_order();
    counter["name"] = json!("#9998");
    counter["email"] = Value::Null;
    counter["contact_email"] = Value::Null;
    shop.deliver("orders/create", "s-5", &counter.to_string())
        .await;
    let answer = shop.deliver("customers/create", "s-4", "{}").await;
    assert_eq!(answer.json()["outcome"], "ignored");
    shop.until_inbox_empty().await;
    let counts = shop.store.inbox_counts().await.unwrap();
    assert_eq!((counts.pending, counts.failed), (0, 0));
    assert_eq!(shop.store.product_count().await.unwrap(), before);
    assert_eq!(
        shop.store
            .order(&OrderNumber::normalise("9998"))
            .await
            .unwrap(),
        None
    );
}

async fn a_bad_or_missing_signature_is_refused_counted_and_stores_nothing(store: Arc<dyn Store>) {
    let shop = Shop::start(store).await;
    let before = bad_signatures(&shop.app).await;
    let body = ring_order("2026-11-02T10:00:00-05:00").to_string();
    let forged = sign(b"another body");
    let answer = shop
        .post_hook(
            &[
                ("x-shopify-topic", "orders/create"),
                ("x-shopify-webhook-id", "f-1"),
                ("x-shopify-hmac-sha256", &forged),
            ],
            &body,
        )
        .await;
    assert_problem(&answer, StatusCode::UNAUTHORIZED, "bad_signature");
    let garbage = shop
        .post_hook(
            &[
                ("x-shopify-topic", "orders/create"),
                ("x-shopify-webhook-id", "f-2"),
                ("x-shopify-hmac-sha256", "not base64!"),
            ],
            &body,
        )
        .await;
    assert_problem(&garbage, StatusCode::UNAUTHORIZED, "bad_signature");
    let missing = shop
        .post_hook(
            &[
                ("x-shopify-topic", "orders/create"),
                ("x-shopify-webhook-id", "f-3"),
            ],
            &body,
        )
        .await;
    assert_problem(&missing, StatusCode::UNAUTHORIZED, "missing_signature");
    assert_eq!(bad_signatures(&shop.app).await - before, 2.0);
    let counts = shop.store.inbox_counts().await.unwrap();
    assert_eq!(counts.pending, 0, "nothing was stored");
    // Signed but without a webhook id: refused before storing.
    let signature = sign(body.as_bytes());
    let no_id = shop
        .post_hook(
            &[
                ("x-shopify-topic", "orders/create"),
                ("x-shopify-hmac-sha256", &signature),
            ],
            &body,
        )
        .await;
    assert_problem(&no_id, StatusCode::UNPROCESSABLE_ENTITY, "bad_delivery");
}

/// `aurora_integration_deliveries_total{outcome="bad_signature"}` now.
async fn bad_signatures(app: &Router) -> f64 {
    let text = get(app, "/metrics").await.text();
    text.lines()
        .find(|l| {
            l.starts_with("aurora_integration_deliveries_total{")
                && l.contains("outcome=\"bad_signature\"")
        })
        .and_then(|l| l.rsplit_once(' '))
        .map(|(_, v)| v.parse().unwrap())
        .unwrap_or(0.0)
}

async fn a_replayed_webhook_id_changes_nothing(store: Arc<dyn Store>) {
    let shop = Shop::start(store).await;
    let first = ring_order("2026-11-02T10:00:00-05:00");
    assert_eq!(
        shop.deliver("orders/create", "r-1", &first.to_string())
            .await
            .json()["outcome"],
        "accepted"
    );
    shop.order_when("1001", |o| o.status() == OrderStatus::Paid)
        .await;
    // The same id again, even with another (validly signed) body, is a redelivery.
    let mut other = ring_order("2026-11-09T10:00:00-05:00");
    other["cancelled_at"] = json!("2026-11-09T10:00:00-05:00");
    let again = shop
        .deliver("orders/create", "r-1", &other.to_string())
        .await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.json()["outcome"], "duplicate");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let order = shop
        .store
        .order(&OrderNumber::normalise("1001"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(order.status(), OrderStatus::Paid);
}

async fn an_older_update_arriving_late_never_moves_an_order_back(store: Arc<dyn Store>) {
    let shop = Shop::start(store).await;
    let mut cancelled = ring_order("2026-11-05T10:00:00-05:00");
    cancelled["cancelled_at"] = json!("2026-11-05T10:00:00-05:00");
    cancelled["cancel_reason"] = json!("customer");
    shop.deliver("orders/cancelled", "o-2", &cancelled.to_string())
        .await;
    shop.order_when("1001", |o| o.status() == OrderStatus::Cancelled)
        .await;
    // The create, sent earlier, arrives last.
    let created = ring_order("2026-11-02T10:00:00-05:00");
    assert_eq!(
        shop.deliver("orders/create", "o-1", &created.to_string())
            .await
            .json()["outcome"],
        "accepted"
    );
    shop.until_inbox_empty().await;
    let order = shop
        .store
        .order(&OrderNumber::normalise("1001"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(order.status(), OrderStatus::Cancelled);
}

async fn a_fulfilment_that_comes_before_its_order_is_applied_once_the_order_is_in(
    store: Arc<dyn Store>,
) {
    let shop = Shop::start(store).await;
    let mut fulfilment = fixture("fulfillments-create.json");
    fulfilment["created_at"] = json!("2026-11-03T09:00:00-05:00");
    fulfilment["updated_at"] = json!("2026-11-03T09:00:00-05:00");
    shop.deliver("fulfillments/create", "e-2", &fulfilment.to_string())
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        shop.store.inbox_counts().await.unwrap().pending,
        1,
        "waiting for its order"
    );
    shop.deliver(
        "orders/create",
        "e-1",
        &ring_order("2026-11-02T10:00:00-05:00").to_string(),
    )
    .await;
    let order = shop
        .order_when("1001", |o| o.status() == OrderStatus::Shipped)
        .await;
    assert_eq!(order.events.last().unwrap().carrier.as_deref(), Some("UPS"));
}

async fn bodies_beyond_the_shopper_limit_fit_and_beyond_the_integration_limit_are_413(
    store: Arc<dyn Store>,
) {
    let shop = Shop::with(
        store,
        ServerSettings {
            integration_max_body_bytes: 256 * 1024,
            ..ServerSettings::default()
        },
    )
    .await;
    // An order with 150 line items is ~110 KB: above the shopper API's 64 KiB.
    let mut big = ring_order("2026-11-02T10:00:00-05:00");
    let item = big["line_items"][0].clone();
    big["line_items"] = Value::Array(vec![item; 150]);
    let body = big.to_string();
    assert!(body.len() > 64 * 1024, "{}", body.len());
    let answer = shop.deliver("orders/create", "b-1", &body).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    let order = shop.order_when("1001", |_| true).await;
    assert_eq!(order.items.len(), 150);
    let huge = format!("{{\"pad\": \"{}\"}}", "x".repeat(300 * 1024));
    assert_problem(
        &shop.deliver("orders/create", "b-2", &huge).await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "body_too_large",
    );
}

fn moonstone_ring(id: u64, price: &str, status: &str) -> String {
    json!({
        "id": id,
        "title": "Aurora Moonstone Ring",
        "body_html": "<p>A rainbow moonstone on a slim band.</p>",
        "handle": "aurora-moonstone-ring",
        "product_type": "Rings",
        "status": status,
        "tags": "moonstone, ready to ship",
        "variants": [{"price": price, "inventory_quantity": 4, "inventory_management": "shopify", "option1": "14K Rose Gold"}],
        "options": [{"name": "Metal", "values": ["14K Rose Gold"]}],
        "images": [{"src": "https://cdn.example/moonstone.jpg", "alt": "Moonstone ring"}]
    })
    .to_string()
}

/// The products the shopper API finds for `query`, by id.
async fn found(app: &Router, query: &str) -> Vec<(String, i64)> {
    let answer = get(app, &format!("/api/support/products?{query}")).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    answer.json()["products"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["id"].as_str().unwrap().to_string(),
                (p["price"].as_f64().unwrap() * 100.0).round() as i64,
            )
        })
        .collect()
}

async fn until_found(
    app: &Router,
    query: &str,
    want: impl Fn(&[(String, i64)]) -> bool,
) -> Vec<(String, i64)> {
    for _ in 0..200 {
        let products = found(app, query).await;
        if want(&products) {
            return products;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the catalog never showed it: {:?}", found(app, query).await);
}

async fn product_topics_change_what_the_concierge_shows_without_a_restart(store: Arc<dyn Store>) {
    let shop = Shop::start(store).await;
    let query = "q=moonstone&category=rings";
    assert!(found(&shop.app, query).await.is_empty());
    shop.deliver(
        "products/create",
        "p-1",
        &moonstone_ring(4242, "777.00", "active"),
    )
    .await;
    let products = until_found(&shop.app, query, |p| !p.is_empty()).await;
    assert_eq!(products, [("aurora-moonstone-ring".to_string(), 77_700)]);
    // In a conversation too.
    let (shopper, id, _) = Shopper::start(&shop.app).await;
    let reply = shopper.say(&shop.app, &id, "moonstone rings").await;
    assert!(
        common::cards(&reply)
            .iter()
            .any(|c| c["id"] == "aurora-moonstone-ring"),
        "{reply}"
    );

    shop.deliver(
        "products/update",
        "p-2",
        &moonstone_ring(4242, "699.00", "active"),
    )
    .await;
    until_found(&shop.app, query, |p| {
        p.first().is_some_and(|(_, price)| *price == 69_900)
    })
    .await;
    shop.deliver(
        "products/update",
        "p-3",
        &moonstone_ring(4242, "699.00", "draft"),
    )
    .await;
    until_found(&shop.app, query, <[_]>::is_empty).await;
    shop.deliver(
        "products/create",
        "p-4",
        &moonstone_ring(4242, "699.00", "active"),
    )
    .await;
    until_found(&shop.app, query, |p| !p.is_empty()).await;
    shop.deliver("products/delete", "p-5", &json!({"id": 4242}).to_string())
        .await;
    until_found(&shop.app, query, <[_]>::is_empty).await;
}

async fn token(store: &Arc<dyn Store>, scopes: Vec<Scope>) -> String {
    if scopes.is_empty() {
        // No scope to grant yet but orders:write: a token made for something else.
        let secret = format!(
            "{}{}",
            aurora_server::API_TOKEN_PREFIX,
            "other-purpose-token-0123456789abcdef"
        );
        let token = ApiToken {
            id: "tok_other".into(),
            name: "other".into(),
            scopes,
            user_id: None,
            created_at: chrono::Utc::now(),
            last_used_at: None,
            revoked_at: None,
        };
        store
            .insert_token(&token, &aurora_server::hash_api_token(&secret))
            .await
            .unwrap();
        return secret;
    }
    aurora_server::create_api_token(store.as_ref(), "sync", scopes, None, chrono::Utc::now())
        .await
        .unwrap()
        .1
}

fn pushed_order(updated_at: &str, status: &str) -> Value {
    json!({
        "email": "noah@example.com",
        "placed_at": "2026-11-01T10:00:00Z",
        "updated_at": updated_at,
        "items": [{"title": "Pearl Drop Earrings", "quantity": 1, "price_cents": 45000}],
        "events": [
            {"status": "paid", "at": "2026-11-01T10:02:00Z"},
            {"status": status, "at": updated_at, "carrier": "DHL", "tracking_number": "JD0142",
             "tracking_url": "https://www.dhl.com/track?id=JD0142"}
        ]
    })
}

async fn put(app: &Router, number: &str, secret: Option<&str>, body: &Value) -> Answer {
    let bearer = secret.map(|s| format!("Bearer {s}"));
    let headers: Vec<(&str, &str)> = bearer
        .iter()
        .map(|b| ("authorization", b.as_str()))
        .collect();
    call(
        app,
        "PUT",
        &format!("/api/integrations/orders/{number}"),
        &headers,
        Some(body),
    )
    .await
}

async fn the_orders_api_needs_a_token_with_its_scope(store: Arc<dyn Store>) {
    let shop = Shop::start(store.clone()).await;
    let before = store.order_count().await.unwrap();
    let body = pushed_order("2026-11-03T10:00:00Z", "shipped");
    let none = put(&shop.app, "W-5001", None, &body).await;
    assert_problem(&none, StatusCode::UNAUTHORIZED, "unauthorized");
    assert_eq!(none.header("www-authenticate"), "Bearer");
    let unknown = put(&shop.app, "W-5001", Some("aurora_not-a-real-token"), &body).await;
    assert_problem(&unknown, StatusCode::UNAUTHORIZED, "unauthorized");
    let other = token(&store, Vec::new()).await;
    assert_problem(
        &put(&shop.app, "W-5001", Some(&other), &body).await,
        StatusCode::FORBIDDEN,
        "insufficient_scope",
    );
    let writer = token(&store, vec![Scope::OrdersWrite]).await;
    assert_eq!(
        put(&shop.app, "W-5001", Some(&writer), &body).await.status,
        StatusCode::CREATED
    );
    let id = store
        .tokens()
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.name == "sync")
        .unwrap()
        .id;
    assert!(store.revoke_token(&id, chrono::Utc::now()).await.unwrap());
    assert_problem(
        &put(&shop.app, "W-5001", Some(&writer), &body).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    assert_eq!(store.order_count().await.unwrap(), before + 1);
}

async fn the_orders_api_writes_creates_updates_and_refuses_older_and_invalid_orders(
    store: Arc<dyn Store>,
) {
    let shop = Shop::start(store.clone()).await;
    let writer = token(&store, vec![Scope::OrdersWrite]).await;
    let shipped = pushed_order("2026-11-03T10:00:00Z", "shipped");
    let created = put(&shop.app, "%23w-5002", Some(&writer), &shipped).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    assert_eq!(
        created.json(),
        json!({"order_number": "W-5002", "outcome": "created"})
    );
    let delivered = pushed_order("2026-11-05T10:00:00Z", "delivered");
    let updated = put(&shop.app, "W-5002", Some(&writer), &delivered).await;
    assert_eq!(updated.json()["outcome"], "updated");
    assert_problem(
        &put(&shop.app, "W-5002", Some(&writer), &shipped).await,
        StatusCode::CONFLICT,
        "order_is_newer",
    );
    let order = store
        .order(&OrderNumber::normalise("W-5002"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(order.status(), OrderStatus::Delivered);
    // The shopper can return it: the window counts from the delivery.
    let mut bad = pushed_order("2026-11-05T10:00:00Z", "lost");
    bad["email"] = json!("noah");
    bad["items"][0]["quantity"] = json!(0);
    bad["events"][1]["tracking_url"] = json!("javascript:alert(document.cookie)");
    let refused = put(&shop.app, "W-5003", Some(&writer), &bad).await;
    assert_eq!(
        invalid_fields(&refused),
        [
            "email",
            "items[0].quantity",
            "events[1].status",
            "events[1].tracking_url"
        ]
    );
    let unknown_field = put(
        &shop.app,
        "W-5003",
        Some(&writer),
        &json!({"email": "a@b.co", "placed_at": "2026-11-01T10:00:00Z", "colour": "red"}),
    )
    .await;
    assert_eq!(invalid_fields(&unknown_field), ["body"]);
    assert_eq!(
        store
            .order(&OrderNumber::normalise("W-5003"))
            .await
            .unwrap(),
        None
    );
}

async fn orders_past_the_retention_period_are_purged(store: Arc<dyn Store>) {
    let shop = Shop::start(store.clone()).await;
    let writer = token(&store, vec![Scope::OrdersWrite]).await;
    let now = chrono::Utc::now();
    let placed = |days: i64| {
        let at = (now - chrono::Duration::days(days)).to_rfc3339();
        json!({"email": "old@example.com", "placed_at": at, "items": [], "events": []})
    };
    assert_eq!(
        put(&shop.app, "OLD-1", Some(&writer), &placed(800))
            .await
            .status,
        StatusCode::CREATED
    );
    assert_eq!(
        put(&shop.app, "NEW-1", Some(&writer), &placed(700))
            .await
            .status,
        StatusCode::CREATED
    );
    aurora_server::purge_once(&shop.state, chrono::Duration::days(730)).await;
    assert_eq!(
        store.order(&OrderNumber::normalise("OLD-1")).await.unwrap(),
        None
    );
    assert!(
        store
            .order(&OrderNumber::normalise("NEW-1"))
            .await
            .unwrap()
            .is_some()
    );
}
