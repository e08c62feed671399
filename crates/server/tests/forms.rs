//! The forms' endpoints through the real router over the demo store: order lookup (and its
//! lockout), returns and resizes, stylist requests, CSAT, and Idempotency-Key. Both backends.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use aurora_core::orders::OrderStatus;
use aurora_core::store::Store;
use aurora_core::tickets::TicketKind;
use aurora_server::{LimitSettings, ServerSettings};
use aurora_store::backend_tests;
use axum::http::StatusCode;
use chrono::Utc;
use common::{
    Shopper, assert_problem, blocks_of, cards, demo_app, demo_app_with, invalid_fields, words,
};
use serde_json::{Value, json};
use std::sync::Arc;

backend_tests!(
    an_order_is_found_by_its_number_and_email_in_any_case_with_its_timeline,
    a_wrong_email_and_an_unknown_order_get_byte_identical_answers,
    a_malformed_order_number_is_a_422_that_shows_the_format,
    order_lookups_lock_an_order_number_whoever_asks_and_however_it_is_written,
    a_return_or_resize_request_lists_every_missing_or_bad_field,
    a_delivered_order_within_the_window_can_be_returned_and_the_ticket_is_stored,
    a_made_to_order_piece_is_not_returnable_but_can_be_resized,
    orders_outside_the_window_or_cancelled_are_refused_with_a_reason,
    the_return_window_ends_thirty_days_after_delivery_to_the_hour,
    a_stylist_request_lists_every_missing_field,
    a_stylist_ticket_carries_the_transcript_shortlist_filters_and_products_shown,
    the_same_idempotency_key_and_body_make_one_ticket_and_replay_the_answer,
    an_idempotency_key_is_bound_to_its_visitor_body_and_address,
    a_rate_limited_answer_is_not_replayed_for_the_same_idempotency_key,
    a_key_stranded_by_a_crash_is_in_use_until_its_lease_ends_then_the_request_runs,
    csat_is_taken_once_and_only_after_it_was_offered,
    an_order_that_has_not_shipped_gets_a_cancellation_ticket,
    a_shipped_cancelled_or_unknown_order_cannot_be_cancelled,
    cancellations_count_as_order_lookups_against_the_limit,
);

const ORDERS: &str = "/api/support/orders/lookup";

fn lookup(number: &str, email: &str) -> Value {
    json!({ "order_number": number, "email": email })
}

async fn an_order_is_found_by_its_number_and_email_in_any_case_with_its_timeline(
    store: Arc<dyn Store>,
) {
    let app = demo_app(store).await;
    let (shopper, id, _) = Shopper::start(&app).await;
    let answer = shopper
        .post(&app, ORDERS, json!({ "order_number": " #gg-104233 ", "email": "AVA.Thompson@Example.COM", "conversation_id": id }))
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    let reply = answer.json();
    assert_eq!(reply["found"], true);
    let timeline = blocks_of(&reply, "order_timeline")[0].clone();
    assert_eq!(timeline["order_number"], "GG-104233");
    assert_eq!(timeline["status"], "shipped");
    let events = timeline["events"].as_array().unwrap();
    assert!(events.len() >= 3, "{timeline}");
    assert_eq!(events.last().unwrap()["carrier"], "UPS");
    assert!(words(&reply).contains("UPS"), "{reply}");
    // It is part of the conversation now.
    let history = shopper
        .get(&app, &format!("/api/support/conversations/{id}"))
        .await
        .json();
    let last = history["messages"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["blocks"], reply["blocks"]);
}

async fn a_wrong_email_and_an_unknown_order_get_byte_identical_answers(store: Arc<dyn Store>) {
    let app = demo_app(store).await;
    let (shopper, _, _) = Shopper::start(&app).await;
    let wrong_email = shopper
        .post(&app, ORDERS, lookup("GG-104233", "liam.carter@example.org"))
        .await;
    let unknown = shopper
        .post(&app, ORDERS, lookup("GG-999999", "liam.carter@example.org"))
        .await;
    assert_eq!(wrong_email.status, StatusCode::OK);
    assert_eq!(unknown.status, StatusCode::OK);
    assert_eq!(wrong_email.json()["found"], false);
    assert_eq!(wrong_email.text(), unknown.text());
    assert_eq!(
        wrong_email.header("content-type"),
        unknown.header("content-type")
    );
    assert!(blocks_of(&wrong_email.json(), "order_timeline").is_empty());
}

async fn a_malformed_order_number_is_a_422_that_shows_the_format(store: Arc<dyn Store>) {
    let app = demo_app(store).await;
    let (shopper, _, _) = Shopper::start(&app).await;
    let answer = shopper
        .post(&app, ORDERS, lookup("ORDER-12", "ava.thompson@example.com"))
        .await;
    assert_eq!(invalid_fields(&answer), ["order_number"]);
    assert!(
        answer.json()["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("GG-104233"),
        "{}",
        answer.text()
    );
    let empty = shopper.post(&app, ORDERS, json!({})).await;
    assert_eq!(invalid_fields(&empty), ["order_number", "email"]);
    let typed = shopper
        .post(
            &app,
            ORDERS,
            json!({ "order_number": 104233, "email": "a@b.co", "admin": true }),
        )
        .await;
    assert_eq!(invalid_fields(&typed), ["admin", "order_number"]);
}

async fn order_lookups_lock_an_order_number_whoever_asks_and_however_it_is_written(
    store: Arc<dyn Store>,
) {
    let settings = ServerSettings {
        limits: LimitSettings {
            order_lookups_per_15_minutes: 3,
            ..LimitSettings::default()
        },
        trusted_proxies: "127.0.0.1".parse().unwrap(),
        ..ServerSettings::default()
    };
    let app = demo_app_with(store, settings).await;
    // Each shopper behind the trusted proxy has an address of their own.
    let from = |shopper: Shopper, ip: &str| Shopper {
        extra: vec![("x-forwarded-for".into(), ip.into())],
        ..shopper
    };
    let attacker = from(Shopper::start(&app).await.0, "203.0.113.1");
    for _ in 0..3 {
        let answer = attacker
            .post(&app, ORDERS, lookup("GG-104233", "guess@example.com"))
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    }
    let locked = attacker
        .post(&app, ORDERS, lookup("GG-104233", "guess@example.com"))
        .await;
    assert_problem(&locked, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    assert!(locked.header("retry-after").parse::<u64>().unwrap() > 60);
    assert_eq!(locked.header("ratelimit-policy"), "3;w=900");
    assert!(
        locked
            .header("ratelimit")
            .starts_with("limit=3, remaining=0, reset=")
    );
    // The owner, from elsewhere, is locked out of that order for now too (no enumeration by
    // spreading guesses), however the number is written.
    let owner = from(Shopper::start(&app).await.0, "198.51.100.2");
    let again = owner
        .post(
            &app,
            ORDERS,
            lookup("GG-104233", "ava.thompson@example.com"),
        )
        .await;
    assert_problem(&again, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    let third = from(Shopper::start(&app).await.0, "198.51.100.3");
    for written in ["gg-104233", "# GG-104233", "#gg-104233 "] {
        let answer = third
            .post(&app, ORDERS, lookup(written, "ava.thompson@example.com"))
            .await;
        assert_problem(&answer, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    }
    // Other orders are not affected.
    let other = owner
        .post(&app, ORDERS, lookup("GG-104187", "liam.carter@example.org"))
        .await;
    assert_eq!(other.status, StatusCode::OK, "{}", other.text());
    assert_eq!(other.json()["found"], true);
}

fn return_request(number: &str, email: &str, request: &str) -> Value {
    json!({ "order_number": number, "email": email, "request": request, "items": "The ring", "reason": "too_small" })
}

async fn a_return_or_resize_request_lists_every_missing_or_bad_field(store: Arc<dyn Store>) {
    let app = demo_app(store.clone()).await;
    let (shopper, _, _) = Shopper::start(&app).await;
    let empty = shopper.post(&app, "/api/support/returns", json!({})).await;
    assert_eq!(
        invalid_fields(&empty),
        ["order_number", "email", "request", "items", "reason"]
    );
    let mut resize = return_request("GG-104187", "liam.carter@example.org", "resize");
    let no_size = shopper
        .post(&app, "/api/support/returns", resize.clone())
        .await;
    assert_eq!(invalid_fields(&no_size), ["new_size"]);
    for bad in ["17", "6.3", "seven"] {
        resize["new_size"] = json!(bad);
        let answer = shopper
            .post(&app, "/api/support/returns", resize.clone())
            .await;
        assert_eq!(invalid_fields(&answer), ["new_size"], "{bad}");
    }
    let mut bad = return_request("GG-104187", "not-an-email", "swap");
    bad["reason"] = json!("bored");
    let answer = shopper.post(&app, "/api/support/returns", bad).await;
    assert_eq!(invalid_fields(&answer), ["email", "request", "reason"]);
    // Someone else's order cannot be returned by guessing its number.
    let guess = shopper
        .post(
            &app,
            "/api/support/returns",
            return_request("GG-104052", "guess@example.com", "return"),
        )
        .await;
    assert_eq!(invalid_fields(&guess), ["order_number"]);
    assert!(store.recent_tickets(10).await.unwrap().is_empty());
}

/// A demo order delivered within the return window that has a piece in stock (returnable).
fn returnable_order() -> (String, String) {
    let now = Utc::now();
    aurora_core::demo::orders(now)
        .into_iter()
        .find(|o| {
            o.status() == OrderStatus::Delivered
                && o.items.iter().any(|i| !i.made_to_order)
                && o.events
                    .last()
                    .is_some_and(|e| now - e.at < chrono::Duration::days(25))
        })
        .map(|o| (o.number.to_string(), o.email.to_string()))
        .expect("the demo has a returnable order")
}

async fn a_delivered_order_within_the_window_can_be_returned_and_the_ticket_is_stored(
    store: Arc<dyn Store>,
) {
    let app = demo_app(store.clone()).await;
    let (shopper, id, _) = Shopper::start(&app).await;
    let (number, email) = returnable_order();
    let mut request = return_request(&number, &email.to_uppercase(), "return");
    request["conversation_id"] = json!(id);
    let answer = shopper.post(&app, "/api/support/returns", request).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text());
    let reply = answer.json();
    let reference = reply["reference"].as_str().unwrap();
    assert!(
        reference.starts_with("RT-")
            && reference.len() == 9
            && reference[3..].bytes().all(|b| b.is_ascii_digit()),
        "{reference}"
    );
    assert!(words(&reply).contains(reference));
    assert_eq!(blocks_of(&reply, "csat_prompt").len(), 1);
    let ticket = store
        .ticket(reference)
        .await
        .unwrap()
        .expect("the ticket is stored");
    assert_eq!(ticket.kind, TicketKind::Return);
    assert_eq!(ticket.details["order_number"], number.as_str());
    assert_eq!(ticket.details["reason"], "too_small");
    assert_eq!(ticket.conversation_id.as_deref(), Some(id.as_str()));
    assert!(store.conversation(&id).await.unwrap().unwrap().has_ticket);
}

async fn a_made_to_order_piece_is_not_returnable_but_can_be_resized(store: Arc<dyn Store>) {
    let app = demo_app(store.clone()).await;
    let (shopper, _, _) = Shopper::start(&app).await;
    let order = store.order(&"GG-104187".into()).await.unwrap().unwrap();
    assert!(
        order.items.iter().all(|i| i.made_to_order),
        "the custom signet is made to order"
    );
    let refused = shopper
        .post(
            &app,
            "/api/support/returns",
            return_request("GG-104187", "liam.carter@example.org", "return"),
        )
        .await;
    assert_eq!(refused.status, StatusCode::OK, "{}", refused.text());
    let refused = refused.json();
    assert_eq!(refused["reference"], Value::Null);
    assert!(words(&refused).contains("made to order"), "{refused}");
    assert!(store.recent_tickets(10).await.unwrap().is_empty());
    let mut resize = return_request("GG-104187", "liam.carter@example.org", "resize");
    resize["new_size"] = json!("9 1/2");
    let accepted = shopper.post(&app, "/api/support/returns", resize).await;
    assert_eq!(accepted.status, StatusCode::CREATED, "{}", accepted.text());
    let reference = accepted.json()["reference"].as_str().unwrap().to_string();
    let ticket = store.ticket(&reference).await.unwrap().unwrap();
    assert_eq!(ticket.kind, TicketKind::Resize);
    assert_eq!(ticket.details["new_size"], "9.5");
}

async fn orders_outside_the_window_or_cancelled_are_refused_with_a_reason(store: Arc<dyn Store>) {
    let app = demo_app(store.clone()).await;
    let (shopper, _, _) = Shopper::start(&app).await;
    let old = store.order(&"GG-104017".into()).await.unwrap().unwrap();
    assert_eq!(old.status(), OrderStatus::Delivered);
    let answer = shopper
        .post(
            &app,
            "/api/support/returns",
            return_request("GG-104017", "hannah.wright@example.org", "return"),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(
        words(&answer.json()).contains("30-day return window"),
        "{}",
        answer.text()
    );
    let cancelled = store.order(&"GG-104160".into()).await.unwrap().unwrap();
    assert_eq!(cancelled.status(), OrderStatus::Cancelled);
    for request in ["return", "resize"] {
        let mut body = return_request("GG-104160", "mason.bailey@example.com", request);
        body["new_size"] = json!("7");
        let answer = shopper.post(&app, "/api/support/returns", body).await;
        assert_eq!(
            answer.status,
            StatusCode::OK,
            "a cancelled order can't be {request}d: {}",
            answer.text()
        );
        assert_eq!(answer.json()["reference"], Value::Null);
        assert!(
            words(&answer.json()).contains("cancelled"),
            "{}",
            answer.text()
        );
    }
    assert!(store.recent_tickets(10).await.unwrap().is_empty());
}

fn stylist_request(conversation: Option<&str>) -> Value {
    let mut body = json!({
        "name": "Ava Thompson",
        "email": "ava.thompson@example.com",
        "preferred_contact": "email",
        "message": "I need an anniversary gift",
    });
    if let Some(id) = conversation {
        body["conversation_id"] = json!(id);
    }
    body
}

async fn a_stylist_request_lists_every_missing_field(store: Arc<dyn Store>) {
    let app = demo_app(store.clone()).await;
    let (shopper, _, _) = Shopper::start(&app).await;
    let empty = shopper.post(&app, "/api/support/stylist", json!({})).await;
    assert_eq!(
        invalid_fields(&empty),
        ["name", "email", "preferred_contact", "message"]
    );
    let mut by_phone = stylist_request(None);
    by_phone["preferred_contact"] = json!("phone");
    let answer = shopper.post(&app, "/api/support/stylist", by_phone).await;
    assert_eq!(invalid_fields(&answer), ["phone"]);
    assert!(store.recent_tickets(10).await.unwrap().is_empty());
}

async fn a_stylist_ticket_carries_the_transcript_shortlist_filters_and_products_shown(
    store: Arc<dyn Store>,
) {
    let app = demo_app(store.clone()).await;
    let (shopper, id, _) = Shopper::start(&app).await;
    let found = shopper.say(&app, &id, "rose gold rings under $800").await;
    let shown: Vec<String> = cards(&found)
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    let favourite = shown[0].clone();
    let added = shopper
        .post(
            &app,
            "/api/support/shortlist",
            json!({ "product_id": favourite }),
        )
        .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.text());
    let answer = shopper
        .post(&app, "/api/support/stylist", stylist_request(Some(&id)))
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text());
    let reply = answer.json();
    let reference = reply["reference"].as_str().unwrap();
    assert!(reference.starts_with("ST-"), "{reference}");
    assert!(words(&reply).contains("within one business day"), "{reply}");
    let ticket = store.ticket(reference).await.unwrap().unwrap();
    assert_eq!(ticket.kind, TicketKind::Stylist);
    assert_eq!(ticket.name.as_deref(), Some("Ava Thompson"));
    assert!(
        ticket
            .transcript
            .iter()
            .any(|l| l.role == "shopper" && l.text == "rose gold rings under $800"),
        "{:?}",
        ticket.transcript
    );
    assert!(
        ticket
            .transcript
            .iter()
            .any(|l| l.role == "concierge" && l.text.contains("[products:"))
    );
    assert_eq!(ticket.shortlist, [favourite]);
    assert_eq!(ticket.filters["category"], "rings");
    assert_eq!(ticket.filters["metals"], json!(["rose_gold"]));
    assert_eq!(ticket.filters["max_price_cents"], 80_000);
    for id in &shown {
        assert!(
            ticket.products_shown.contains(id),
            "{id} not in {:?}",
            ticket.products_shown
        );
    }
    assert_eq!(ticket.details["message"], "I need an anniversary gift");
}

async fn the_same_idempotency_key_and_body_make_one_ticket_and_replay_the_answer(
    store: Arc<dyn Store>,
) {
    let app = demo_app(store.clone()).await;
    let (shopper, id, _) = Shopper::start(&app).await;
    let body = stylist_request(Some(&id));
    let key = [("idempotency-key", "4f1c2a7e-retry-me")];
    let first = shopper
        .call(&app, "POST", "/api/support/stylist", &key, Some(&body))
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text());
    let second = shopper
        .call(&app, "POST", "/api/support/stylist", &key, Some(&body))
        .await;
    assert_eq!(second.status, StatusCode::CREATED);
    assert_eq!(second.text(), first.text());
    assert_eq!(second.header("content-type"), "application/json");
    assert_eq!(second.header("idempotent-replayed"), "true");
    assert_eq!(store.recent_tickets(10).await.unwrap().len(), 1);
    // The conversation records the request once.
    let history = shopper
        .get(&app, &format!("/api/support/conversations/{id}"))
        .await
        .json();
    let submitted = history["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["text"] == "[stylist request]")
        .count();
    assert_eq!(submitted, 1);
    // The same key with another body is refused, and creates nothing.
    let mut other = body.clone();
    other["message"] = json!("Something else entirely");
    let reused = shopper
        .call(&app, "POST", "/api/support/stylist", &key, Some(&other))
        .await;
    assert_problem(
        &reused,
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency_key_reused",
    );
    assert_eq!(store.recent_tickets(10).await.unwrap().len(), 1);
    // Without a key, a second submission is a second ticket.
    let plain = shopper.post(&app, "/api/support/stylist", body).await;
    assert_eq!(plain.status, StatusCode::CREATED);
    assert_eq!(store.recent_tickets(10).await.unwrap().len(), 2);
}

async fn an_idempotency_key_is_bound_to_its_visitor_body_and_address(store: Arc<dyn Store>) {
    let app = demo_app(store.clone()).await;
    let (ava, _, _) = Shopper::start(&app).await;
    let (liam, _, _) = Shopper::start(&app).await;
    let key = [("idempotency-key", "same-key-1")];
    let body = stylist_request(None);
    let first = ava
        .call(&app, "POST", "/api/support/stylist", &key, Some(&body))
        .await;
    let theirs = liam
        .call(&app, "POST", "/api/support/stylist", &key, Some(&body))
        .await;
    assert_eq!(
        (first.status, theirs.status),
        (StatusCode::CREATED, StatusCode::CREATED),
        "{}",
        theirs.text()
    );
    assert_ne!(first.json()["reference"], theirs.json()["reference"]);
    assert!(theirs.headers.get("idempotent-replayed").is_none());
    assert_eq!(store.recent_tickets(10).await.unwrap().len(), 2);
    // One key, the same body, but another conversation: not a retry of the first request, so
    // it must not be answered with the other conversation's reply.
    let one = ava.start_again(&app).await;
    let two = ava.start_again(&app).await;
    let text = json!({ "text": "rose gold rings" });
    let key = [("idempotency-key", "message-key-1")];
    let first = ava
        .call(
            &app,
            "POST",
            &format!("/api/support/conversations/{one}/messages"),
            &key,
            Some(&text),
        )
        .await;
    assert_eq!(first.status, StatusCode::OK);
    let second = ava
        .call(
            &app,
            "POST",
            &format!("/api/support/conversations/{two}/messages"),
            &key,
            Some(&text),
        )
        .await;
    assert_problem(
        &second,
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency_key_reused",
    );
    assert_eq!(
        store.messages(&two).await.unwrap().len(),
        1,
        "nothing was said in the second conversation"
    );
    // A key longer than allowed is a 400.
    let long = "k".repeat(256);
    let answer = ava
        .call(
            &app,
            "POST",
            "/api/support/stylist",
            &[("idempotency-key", long.as_str())],
            Some(&body),
        )
        .await;
    assert_problem(&answer, StatusCode::BAD_REQUEST, "bad_idempotency_key");
}

async fn csat_is_taken_once_and_only_after_it_was_offered(store: Arc<dyn Store>) {
    let app = demo_app(store.clone()).await;
    let (shopper, id, _) = Shopper::start(&app).await;
    let rate = |score: Value| json!({ "conversation_id": id, "score": score, "comment": "Lovely" });
    let early = shopper
        .post(&app, "/api/support/csat", rate(json!(5)))
        .await;
    assert_problem(&early, StatusCode::CONFLICT, "csat_not_offered");
    let ticket = shopper
        .post(&app, "/api/support/stylist", stylist_request(Some(&id)))
        .await;
    assert_eq!(ticket.status, StatusCode::CREATED);
    let out_of_range = shopper
        .post(&app, "/api/support/csat", rate(json!(6)))
        .await;
    assert_eq!(invalid_fields(&out_of_range), ["score"]);
    let (stranger, _, _) = Shopper::start(&app).await;
    let theirs = stranger
        .post(&app, "/api/support/csat", rate(json!(1)))
        .await;
    assert_problem(&theirs, StatusCode::NOT_FOUND, "not_found");
    let missing = shopper
        .post(&app, "/api/support/csat", json!({ "score": 5 }))
        .await;
    assert_eq!(invalid_fields(&missing), ["conversation_id"]);
    let rated = shopper
        .post(&app, "/api/support/csat", rate(json!("5")))
        .await;
    assert_eq!(rated.status, StatusCode::CREATED, "{}", rated.text());
    let again = shopper
        .post(&app, "/api/support/csat", rate(json!(4)))
        .await;
    assert_problem(&again, StatusCode::CONFLICT, "csat_already_given");
}

async fn the_return_window_ends_thirty_days_after_delivery_to_the_hour(store: Arc<dyn Store>) {
    common::seed_demo(&store).await;
    // GG-104024 was delivered 30 days before the orders were seeded.
    let order = store.order(&"GG-104024".into()).await.unwrap().unwrap();
    assert_eq!(order.status(), OrderStatus::Delivered);
    assert!(order.items.iter().any(|i| !i.made_to_order), "{order:?}");
    let delivered = order.events.last().unwrap().at;
    let at = |elapsed: chrono::Duration| {
        let state = common::state(store.clone(), ServerSettings::default());
        async move { aurora_server::app(state.await.with_clock(move || delivered + elapsed)) }
    };
    let request = return_request("GG-104024", "leo.fischer@example.com", "return");
    let inside = at(chrono::Duration::days(30) - chrono::Duration::hours(1)).await;
    let (shopper, _, _) = Shopper::start(&inside).await;
    let accepted = shopper
        .post(&inside, "/api/support/returns", request.clone())
        .await;
    assert_eq!(accepted.status, StatusCode::CREATED, "{}", accepted.text());
    let outside = at(chrono::Duration::days(30) + chrono::Duration::hours(12)).await;
    let refused = shopper
        .post(&outside, "/api/support/returns", request)
        .await;
    assert_eq!(
        refused.status,
        StatusCode::OK,
        "30.5 days after delivery: {}",
        refused.text()
    );
    assert!(
        words(&refused.json()).contains("30-day return window"),
        "{}",
        refused.text()
    );
    assert_eq!(store.recent_tickets(10).await.unwrap().len(), 1);
}

async fn a_rate_limited_answer_is_not_replayed_for_the_same_idempotency_key(store: Arc<dyn Store>) {
    let settings = ServerSettings {
        limits: LimitSettings {
            order_lookups_per_15_minutes: 1,
            ..LimitSettings::default()
        },
        ..ServerSettings::default()
    };
    let app = demo_app_with(store, settings).await;
    let (shopper, _, _) = Shopper::start(&app).await;
    let body = lookup("GG-104233", "ava.thompson@example.com");
    assert_eq!(
        shopper.post(&app, ORDERS, body.clone()).await.status,
        StatusCode::OK
    );
    let key = [("idempotency-key", "lookup-retry-1")];
    for attempt in 0..2 {
        let limited = shopper.call(&app, "POST", ORDERS, &key, Some(&body)).await;
        assert_problem(&limited, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
        assert!(
            limited.headers.get("retry-after").is_some(),
            "attempt {attempt}: {:?}",
            limited.headers
        );
        assert!(
            limited.headers.get("idempotent-replayed").is_none(),
            "attempt {attempt}"
        );
    }
}

async fn a_key_stranded_by_a_crash_is_in_use_until_its_lease_ends_then_the_request_runs(
    store: Arc<dyn Store>,
) {
    use sha2::{Digest, Sha256};
    common::seed_demo(&store).await;
    let offset = Arc::new(std::sync::Mutex::new(chrono::Duration::zero()));
    let clock = offset.clone();
    let state = common::state(store.clone(), ServerSettings::default())
        .await
        .with_clock(move || chrono::Utc::now() + *clock.lock().unwrap());
    let app = aurora_server::app(state.clone());
    let (shopper, id, _) = Shopper::start(&app).await;
    let body = stylist_request(Some(&id));
    // An instance claimed the key for this very request, then died before answering.
    let visitor = state.tokens.verify_visitor(&shopper.token).unwrap();
    let mut hash = Sha256::new();
    hash.update(b"/api/support/stylist\0");
    hash.update(body.to_string().as_bytes());
    let now = chrono::Utc::now();
    let stranded = aurora_core::store::ClaimedKey {
        scope: format!("visitor:{visitor}"),
        route: "/api/support/stylist".into(),
        key: "stranded-1".into(),
        token: "the dead instance's".into(),
    };
    let claim = store
        .claim_idempotency_key(
            &stranded,
            &format!("{:x}", hash.finalize()),
            now,
            now + chrono::Duration::seconds(60),
            now - chrono::Duration::hours(24),
        )
        .await
        .unwrap();
    assert_eq!(claim, aurora_core::store::IdempotencyClaim::New);

    let key = [("idempotency-key", "stranded-1")];
    let early = shopper
        .call(&app, "POST", "/api/support/stylist", &key, Some(&body))
        .await;
    assert_problem(&early, StatusCode::CONFLICT, "idempotency_key_in_use");
    let wait: i64 = early.header("retry-after").parse().unwrap();
    assert!((58..=60).contains(&wait), "{wait}");
    // Once the lease has run out, the retry does the work, once.
    *offset.lock().unwrap() = chrono::Duration::seconds(61);
    let late = shopper
        .call(&app, "POST", "/api/support/stylist", &key, Some(&body))
        .await;
    assert_eq!(late.status, StatusCode::CREATED, "{}", late.text());
    let again = shopper
        .call(&app, "POST", "/api/support/stylist", &key, Some(&body))
        .await;
    assert_eq!(again.json()["reference"], late.json()["reference"]);
    assert_eq!(again.header("idempotent-replayed"), "true");
    assert_eq!(store.recent_tickets(10).await.unwrap().len(), 1);
}

fn cancellation(number: &str, email: &str) -> Value {
    json!({ "order_number": number, "email": email, "reason": "Ordered the wrong size" })
}

async fn an_order_that_has_not_shipped_gets_a_cancellation_ticket(store: Arc<dyn Store>) {
    let app = demo_app(store.clone()).await;
    let (shopper, id, _) = Shopper::start(&app).await;
    let asked = shopper.say(&app, &id, "I want to cancel my order").await;
    let form = &blocks_of(&asked, "form")[0];
    assert_eq!(form["form"], "cancellation", "{asked}");
    assert_eq!(form["endpoint"], "/api/support/cancellations");
    let paid = store.order(&"GG-104281".into()).await.unwrap().unwrap();
    assert_eq!(paid.status(), OrderStatus::Paid);
    let mut body = cancellation("gg-104281", "Charlotte.Hughes@example.com");
    body["conversation_id"] = json!(id);
    let answer = shopper.post(&app, "/api/support/cancellations", body).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text());
    let reply = answer.json();
    let reference = reply["reference"].as_str().unwrap();
    assert!(reference.starts_with("CX-"), "{reference}");
    assert!(words(&reply).contains(reference), "{reply}");
    let ticket = store.ticket(reference).await.unwrap().unwrap();
    assert_eq!(ticket.kind, TicketKind::Cancellation);
    assert_eq!(ticket.details["order_number"], "GG-104281");
    assert_eq!(ticket.details["reason"], "Ordered the wrong size");
    assert_eq!(ticket.conversation_id.as_deref(), Some(id.as_str()));
}

async fn a_shipped_cancelled_or_unknown_order_cannot_be_cancelled(store: Arc<dyn Store>) {
    let app = demo_app(store.clone()).await;
    let (shopper, _, _) = Shopper::start(&app).await;
    for (number, email, says) in [
        (
            "GG-104233",
            "ava.thompson@example.com",
            "can no longer be cancelled",
        ),
        (
            "GG-104052",
            "sofia.martinez@example.com",
            "can no longer be cancelled",
        ),
        ("GG-104160", "mason.bailey@example.com", "already cancelled"),
    ] {
        let answer = shopper
            .post(
                &app,
                "/api/support/cancellations",
                cancellation(number, email),
            )
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{number}: {}", answer.text());
        let reply = answer.json();
        assert_eq!(reply["reference"], Value::Null);
        assert!(words(&reply).contains(says), "{number}: {reply}");
    }
    let unknown = shopper
        .post(
            &app,
            "/api/support/cancellations",
            cancellation("GG-104281", "someone.else@example.com"),
        )
        .await;
    assert_eq!(
        invalid_fields(&unknown),
        ["order_number"],
        "{}",
        unknown.text()
    );
    let empty = shopper
        .post(&app, "/api/support/cancellations", json!({}))
        .await;
    assert_eq!(
        invalid_fields(&empty),
        ["order_number", "email"],
        "{}",
        empty.text()
    );
    assert!(store.recent_tickets(10).await.unwrap().is_empty());
}

async fn cancellations_count_as_order_lookups_against_the_limit(store: Arc<dyn Store>) {
    let settings = ServerSettings {
        limits: LimitSettings {
            order_lookups_per_15_minutes: 2,
            ..LimitSettings::default()
        },
        ..ServerSettings::default()
    };
    let app = demo_app_with(store, settings).await;
    let (shopper, _, _) = Shopper::start(&app).await;
    for _ in 0..2 {
        let answer = shopper
            .post(
                &app,
                "/api/support/cancellations",
                cancellation("GG-104281", "guess@example.com"),
            )
            .await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let limited = shopper
        .post(
            &app,
            "/api/support/cancellations",
            cancellation("GG-104281", "charlotte.hughes@example.com"),
        )
        .await;
    assert_problem(&limited, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
}

/// Two instances on one PostgreSQL database share every limit: a visitor's requests and an
/// order number's lookups are counted once, whichever instance answers them.
#[tokio::test]
async fn two_instances_on_postgres_share_the_visitor_and_order_lookup_limits() {
    let Some(db) = aurora_store::testing::TestDb::postgres().await else {
        return;
    };
    let settings = || ServerSettings {
        limits: LimitSettings {
            visitor_per_minute: 4,
            order_lookups_per_15_minutes: 3,
            ..LimitSettings::default()
        },
        trusted_proxies: "127.0.0.1".parse().unwrap(),
        ..ServerSettings::default()
    };
    let first = demo_app_with(db.open().await, settings()).await;
    // The second instance reads the catalog the first one seeded.
    let second = aurora_server::app(common::state(db.open().await, settings()).await);
    let instance = |i: usize| if i.is_multiple_of(2) { &first } else { &second };

    let (shopper, _, _) = Shopper::start(&first).await;
    let mut statuses = Vec::new();
    for i in 0..8 {
        let answer = shopper.get(instance(i), "/api/support/shortlist").await;
        statuses.push(answer.status.as_u16());
    }
    assert_eq!(statuses, [200, 200, 200, 200, 429, 429, 429, 429]);

    // Six shoppers from six addresses ask for one order, alternately on each instance.
    let mut statuses = Vec::new();
    for i in 0..6 {
        let shopper = Shopper {
            extra: vec![("x-forwarded-for".into(), format!("203.0.113.{i}"))],
            ..Shopper::start(instance(i)).await.0
        };
        let answer = shopper
            .post(
                instance(i),
                ORDERS,
                lookup("GG-104233", "guess@example.com"),
            )
            .await;
        statuses.push(answer.status.as_u16());
    }
    assert_eq!(statuses, [200, 200, 200, 429, 429, 429]);
}
