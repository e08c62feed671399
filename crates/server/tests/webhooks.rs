//! A new ticket's webhook reaches a receiver outside the shopper's request; a failing receiver
//! is retried later and never costs the ticket.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use aurora_core::store::OutboxItem;
use aurora_server::{AppState, ServerSettings};
use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A loopback receiver answering `status`, keeping what it got.
async fn receiver(status: StatusCode) -> (String, Arc<Mutex<Vec<Value>>>) {
    slow_receiver(status, Duration::ZERO).await
}

/// A receiver taking `delay` to answer (as Slack can): another instance would read a webhook
/// still due meanwhile.
async fn slow_receiver(status: StatusCode, delay: Duration) -> (String, Arc<Mutex<Vec<Value>>>) {
    let received = Arc::new(Mutex::new(Vec::new()));
    let sink = received.clone();
    let app = Router::new().route(
        "/hook",
        post(
            move |headers: axum::http::HeaderMap, body: axum::Json<Value>| {
                let sink = sink.clone();
                async move {
                    let mut got = body.0;
                    got["_delivery"] = headers
                        .get("aurora-delivery")
                        .map_or(Value::Null, |v| Value::from(v.to_str().unwrap()));
                    sink.lock().unwrap().push(got);
                    tokio::time::sleep(delay).await;
                    status
                }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{address}/hook"), received)
}

async fn stylist_ticket(app: &Router) -> String {
    let (shopper, _, _) = common::Shopper::start(app).await;
    let body = json!({"name": "Ava", "email": "ava@example.com", "preferred_contact": "email", "message": "A ring for my partner"});
    let answer = shopper.post(app, "/api/support/stylist", body).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text());
    answer.json()["reference"].as_str().unwrap().to_string()
}

/// A stylist ticket, and the webhook worker delivering it to a receiver answering `status`.
struct Delivery {
    _db: aurora_store::testing::TestDb,
    state: AppState,
    reference: String,
    received: Arc<Mutex<Vec<Value>>>,
    worker: tokio::task::JoinHandle<()>,
}

impl Delivery {
    async fn start(status: StatusCode) -> Delivery {
        let db = aurora_store::testing::TestDb::sqlite();
        let (url, received) = receiver(status).await;
        let state = common::state(db.open().await, ServerSettings::default()).await;
        let reference = stylist_ticket(&aurora_server::app(state.clone())).await;
        let worker = tokio::spawn(aurora_server::deliver_webhooks(
            state.clone(),
            url,
            Duration::from_millis(50),
        ));
        Delivery {
            _db: db,
            state,
            reference,
            received,
            worker,
        }
    }
}

/// Whether `check` comes true within fifteen seconds.
async fn eventually<F: Future<Output = bool>>(mut check: impl FnMut() -> F) -> bool {
    for _ in 0..300 {
        if check().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

/// The webhooks due within `ahead` (a retry's backoff is minutes).
async fn due(state: &AppState, ahead: chrono::Duration) -> Vec<OutboxItem> {
    state
        .store
        .due_webhooks(state.now() + ahead, 10)
        .await
        .unwrap()
}

/// The one webhook failed once and waits for its retry.
async fn failed_once(state: &AppState) -> bool {
    let later = due(state, chrono::Duration::minutes(5)).await;
    later.len() == 1 && later[0].attempts == 1
}

#[tokio::test]
async fn a_new_ticket_is_posted_to_the_webhook_with_a_slack_text() {
    let delivery = Delivery::start(StatusCode::OK).await;
    let (state, reference, received) = (&delivery.state, &delivery.reference, &delivery.received);
    // The receiver has the payload before the worker records the delivery: wait for both.
    assert!(
        eventually(|| async { due(state, chrono::Duration::days(1)).await.is_empty() }).await,
        "never recorded as delivered"
    );
    delivery.worker.abort();
    assert_eq!(received.lock().unwrap().len(), 1, "delivered once");
    let payload = received.lock().unwrap()[0].clone();
    assert_eq!(payload["ticket"]["reference"], reference.as_str());
    assert!(
        payload["_delivery"]
            .as_str()
            .is_some_and(|id| !id.is_empty()),
        "{payload}"
    );
    let text = payload["text"].as_str().unwrap();
    assert!(
        text.contains(reference.as_str()) && text.contains("A ring for my partner"),
        "{text}"
    );
}

#[tokio::test]
async fn a_failing_receiver_is_retried_later_and_the_ticket_stays() {
    let delivery = Delivery::start(StatusCode::INTERNAL_SERVER_ERROR).await;
    let (state, reference, received) = (&delivery.state, &delivery.reference, &delivery.received);
    // The receiver has the payload before the worker records the failure: wait for both.
    assert!(
        eventually(|| failed_once(state)).await,
        "never recorded as failed"
    );
    assert!(
        due(state, chrono::Duration::zero()).await.is_empty(),
        "retried at once, not after a backoff"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    delivery.worker.abort();
    assert_eq!(
        received.lock().unwrap().len(),
        1,
        "the retry waits for its backoff"
    );
    assert!(failed_once(state).await, "queued for a retry");
    assert!(state.store.ticket(reference).await.unwrap().is_some());
}

/// An instance of the service over `store`, its background jobs not started: webhooks to `url`
/// looked at every 50 ms, background leases of one second.
async fn instance(
    store: std::sync::Arc<dyn aurora_core::store::Store>,
    url: &str,
) -> aurora_server::Application {
    let server = ServerSettings {
        webhook_url: Some(url.to_string()),
        background_lease: chrono::Duration::seconds(1),
        ..ServerSettings::default()
    };
    let settings = aurora_server::AppSettings {
        webhook_poll: Duration::from_millis(50),
        ..common::settings(server)
    };
    aurora_server::Application::build(store, settings)
        .await
        .unwrap()
}

fn references(received: &Mutex<Vec<Value>>) -> Vec<String> {
    received
        .lock()
        .unwrap()
        .iter()
        .map(|p| p["ticket"]["reference"].as_str().unwrap().to_string())
        .collect()
}

/// Two instances on one PostgreSQL database: each ticket's webhook is posted once, by the
/// instance holding the delivery's lease; when that instance dies (its jobs stop, its lease is
/// not released), the other takes over once the lease has run out.
#[tokio::test]
async fn two_instances_post_each_webhook_once_and_the_survivor_takes_over() {
    let Some(db) = aurora_store::testing::TestDb::postgres().await else {
        return;
    };
    let (url, received) = slow_receiver(StatusCode::OK, Duration::from_millis(200)).await;
    let first = instance(db.open().await, &url).await;
    let second = instance(db.open().await, &url).await;
    let (first_app, second_app) = (first.router(), second.router());

    // The first instance starts its jobs first and so holds the lease.
    let first_jobs = first.start_background();
    let opening = stylist_ticket(&first_app).await;
    assert!(eventually(|| async { references(&received) == [opening.clone()] }).await);
    let _second_jobs = second.start_background();
    let mut expected = vec![opening];
    for round in 0..4 {
        let app = if round % 2 == 0 {
            &first_app
        } else {
            &second_app
        };
        expected.push(stylist_ticket(app).await);
    }
    let count = expected.len();
    let posted = || async { references(&received).len() >= count };
    assert!(eventually(posted).await, "{:?}", references(&received));

    // Every one recorded as posted (a webhook in flight when its sender dies is posted again
    // by the next: at least once), then the first instance dies: its jobs stop and its lease is
    // left to run out.
    let state = first.state().clone();
    let recorded = || async { due(&state, chrono::Duration::days(1)).await.is_empty() };
    assert!(eventually(recorded).await, "never recorded as posted");
    drop(first_jobs);
    let died = std::time::Instant::now();
    for app in [&first_app, &second_app] {
        expected.push(stylist_ticket(app).await);
    }
    let count = expected.len();
    let posted = || async { references(&received).len() >= count };
    assert!(
        eventually(posted).await,
        "never taken over: {:?}",
        references(&received)
    );
    let taken_over_in = died.elapsed();
    // Whatever was still due got posted too; give a duplicate the time to show.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut posted = references(&received);
    posted.sort();
    expected.sort();
    assert_eq!(posted, expected, "each ticket's webhook exactly once");
    assert!(taken_over_in < Duration::from_secs(5), "{taken_over_in:?}");
}

#[tokio::test]
async fn every_attempt_at_a_webhook_carries_the_same_delivery_id() {
    let delivery = Delivery::start(StatusCode::INTERNAL_SERVER_ERROR).await;
    let (state, received) = (&delivery.state, &delivery.received);
    assert!(
        eventually(|| failed_once(state)).await,
        "never recorded as failed"
    );
    // Due again now rather than after its backoff.
    let item = due(state, chrono::Duration::minutes(5)).await.remove(0);
    state
        .store
        .webhook_failed(&item.id, 1, Some(state.now()), "retry now")
        .await
        .unwrap();
    assert!(eventually(|| async { received.lock().unwrap().len() >= 2 }).await);
    delivery.worker.abort();
    let ids: Vec<Value> = received
        .lock()
        .unwrap()
        .iter()
        .map(|p| p["_delivery"].clone())
        .collect();
    assert_eq!(ids[0], Value::from(item.id.as_str()));
    assert_eq!(ids[0], ids[1]);
}
