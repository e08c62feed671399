//! The shopper's conversation through the real router over the demo store: start, messages and
//! buttons, history, ownership, end. Run on both backends.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use aurora_core::store::Store;
use aurora_store::backend_tests;
use axum::http::StatusCode;
use common::{Shopper, actions, assert_problem, call, cards, demo_app, form, words};
use serde_json::{Value, json};
use std::sync::Arc;

backend_tests!(
    starting_a_conversation_issues_a_visitor_token_once_and_welcomes_with_quick_links,
    rose_gold_rings_under_800_shows_only_rose_gold_rings_at_or_under_800,
    filters_carry_over_from_one_message_to_the_next,
    the_ready_to_ship_button_keeps_only_pieces_that_ship_now,
    show_more_pages_through_the_results_without_repeating_a_card,
    removing_the_price_chip_drops_the_price_filter_only,
    the_cheapest_ring_comes_first_and_the_order_is_a_removable_chip,
    gift_ideas_under_150_show_pieces_at_or_under_150,
    no_results_says_so_and_offers_a_start_price_honest_alternatives_and_a_stylist,
    every_way_of_asking_for_a_human_offers_the_stylist_form,
    changing_a_ring_size_offers_the_return_or_resize_form_not_rings,
    the_quiz_command_offers_style_quick_links,
    an_unknown_action_is_a_422_naming_the_action,
    gibberish_gets_an_honest_not_sure_with_quick_links,
    the_history_returns_every_message_in_order_so_a_reload_resumes,
    calls_without_a_valid_visitor_token_are_401_problems,
    another_visitors_conversation_looks_like_no_conversation,
    ending_with_two_replies_asks_for_a_rating_and_closes_the_conversation,
    ending_a_short_conversation_does_not_ask_for_a_rating,
    a_conversation_idle_for_thirty_minutes_has_ended,
    asking_to_track_an_order_by_number_prefills_the_form,
    starting_again_with_the_same_idempotency_key_resumes_the_same_conversation,
    questions_the_knowledge_file_answers_get_an_answer_block_and_no_products,
    a_bare_hoops_shows_hoops_with_a_removable_type_chip,
    the_newest_rings_come_newest_first,
    a_gift_for_a_person_and_an_occasion_says_so_and_shows_pieces,
    an_answer_asks_whether_it_helped_and_a_no_offers_a_stylist,
    a_question_the_knowledge_file_cannot_answer_stays_not_understood,
);

fn messages_path(id: &str) -> String {
    format!("/api/support/conversations/{id}/messages")
}

fn price(card: &Value) -> f64 {
    card["price"].as_f64().unwrap()
}

/// The `remove_action` of each filter chip of the reply's products block.
fn chip_actions(reply: &Value) -> Vec<String> {
    common::blocks_of(reply, "products")[0]["filters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["remove_action"].as_str().unwrap().to_string())
        .collect()
}

async fn starting_a_conversation_issues_a_visitor_token_once_and_welcomes_with_quick_links(
    store: Arc<dyn Store>,
) {
    let app = demo_app(store.clone()).await;
    let (shopper, id, body) = Shopper::start(&app).await;
    assert_eq!(body["schema_version"], 1);
    assert!(words(&body).contains("Gilded Grove"), "{body}");
    let labels: Vec<&str> = common::blocks_of(&body, "quick_replies")[0]["replies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels.first(), Some(&"Ready to ship"));
    assert!(labels.contains(&"Rings"));
    assert_eq!(labels.last(), Some(&"Talk to a stylist"));
    assert!(actions(&body).contains(&"stylist".to_string()));
    // The conversation is stored, and is the visitor's.
    let stored = store.conversation(&id).await.unwrap().unwrap();
    assert_eq!(stored.ended_at, None);
    // A returning visitor keeps their token: none is issued again, and both conversations are theirs.
    let again = shopper
        .post(&app, "/api/support/conversations", json!({}))
        .await;
    assert_eq!(again.status, StatusCode::CREATED);
    let again = again.json();
    assert!(again.get("visitor_token").is_none(), "{again}");
    let second = again["conversation_id"].as_str().unwrap();
    assert_ne!(second, id);
    assert_eq!(
        store
            .conversation(second)
            .await
            .unwrap()
            .unwrap()
            .visitor_id,
        stored.visitor_id
    );
    assert_eq!(
        shopper
            .get(&app, &format!("/api/support/conversations/{second}"))
            .await
            .status,
        StatusCode::OK
    );
}

async fn rose_gold_rings_under_800_shows_only_rose_gold_rings_at_or_under_800(
    store: Arc<dyn Store>,
) {
    let app = demo_app(store).await;
    let (shopper, id, _) = Shopper::start(&app).await;
    let reply = shopper.say(&app, &id, "rose gold rings under $800").await;
    assert_eq!(reply["schema_version"], 1);
    let cards = cards(&reply);
    assert!(!cards.is_empty(), "{reply}");
    for card in &cards {
        assert_eq!(card["metal"], "rose_gold", "{card}");
        assert_eq!(card["category"], "rings", "{card}");
        assert!(price(card) <= 800.0, "{card}");
    }
    let chips = chip_actions(&reply);
    assert!(
        ["remove:price", "remove:metals", "remove:category"]
            .iter()
            .all(|action| chips.iter().any(|c| c == action)),
        "{chips:?}"
    );
}

async fn filters_carry_over_from_one_message_to_the_next(store: Arc<dyn Store>) {
    let app = demo_app(store).await;
    let (shopper, id, _) = Shopper::start(&app).await;
    let rings = shopper.say(&app, &id, "rings").await;
    assert!(
        cards(&rings).iter().any(|c| price(c) > 500.0)
            || common::blocks_of(&rings, "products")[0]["total"]
                .as_u64()
                .unwrap()
                > 6
    );
    let cheaper = shopper.say(&app, &id, "under 500").await;
    let cards = cards(&cheaper);
    assert!(
        !cards.is_empty(),
        "“under 500” after “rings” should narrow the rings: {cheaper}"
    );
    for card in &cards {
        assert_eq!(card["category"], "rings", "{card}");
        assert!(price(card) <= 500.0, "{card}");
    }
    // A metal named next keeps both the category and the budget.
    let rose = shopper.say(&app, &id, "in rose gold").await;
    for card in common::cards(&rose) {
        assert_eq!(
            (card["category"].as_str(), card["metal"].as_str()),
            (Some("rings"), Some("rose_gold")),
            "{card}"
        );
        assert!(price(&card) <= 500.0, "{card}");
    }
}

async fn the_ready_to_ship_button_keeps_only_pieces_that_ship_now(store: Arc<dyn Store>) {
    let app = demo_app(store).await;
    let (shopper, id, _) = Shopper::start(&app).await;
    let reply = shopper.press(&app, &id, "ready_to_ship").await;
    let first = cards(&reply);
    assert_eq!(first.len(), aurora_core::concierge::PAGE);
    assert!(first.iter().all(|c| c["ready_to_ship"] == true), "{reply}");
    // Still only ready to ship on the next page, and with a category chosen after.
    let more = shopper.press(&app, &id, "more").await;
    assert!(
        cards(&more).iter().all(|c| c["ready_to_ship"] == true),
        "{more}"
    );
    let rings = shopper.press(&app, &id, "category:rings").await;
    assert!(!cards(&rings).is_empty());
    assert!(
        cards(&rings)
            .iter()
            .all(|c| c["ready_to_ship"] == true && c["category"] == "rings"),
        "{rings}"
    );
}

async fn show_more_pages_through_the_results_without_repeating_a_card(store: Arc<dyn Store>) {
    let app = demo_app(store).await;
    let (shopper, id, _) = Shopper::start(&app).await;
    let first = shopper.say(&app, &id, "rose gold rings").await;
    let total = common::blocks_of(&first, "products")[0]["total"]
        .as_u64()
        .unwrap() as usize;
    assert!(
        total > aurora_core::concierge::PAGE,
        "needs more than a page: {total}"
    );
    let mut seen: Vec<String> = cards(&first)
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    let mut reply = first;
    while actions(&reply).contains(&"more".to_string()) {
        reply = shopper.press(&app, &id, "more").await;
        for card in cards(&reply) {
            assert_eq!(
                (card["metal"].as_str(), card["category"].as_str()),
                (Some("rose_gold"), Some("rings"))
            );
            let card_id = card["id"].as_str().unwrap().to_string();
            assert!(!seen.contains(&card_id), "{card_id} shown twice");
            seen.push(card_id);
        }
        assert!(seen.len() <= total, "more cards than the total");
    }
    assert_eq!(seen.len(), total, "every match shown exactly once");
    // Past the end: says so instead of showing nothing.
    let past = shopper.press(&app, &id, "more").await;
    assert!(cards(&past).is_empty());
    assert!(words(&past).contains("That's all"), "{past}");
}

async fn removing_the_price_chip_drops_the_price_filter_only(store: Arc<dyn Store>) {
    let app = demo_app(store).await;
    let (shopper, id, _) = Shopper::start(&app).await;
    let before = shopper.say(&app, &id, "rose gold rings under $800").await;
    let before_total = common::blocks_of(&before, "products")[0]["total"]
        .as_u64()
        .unwrap();
    let reply = shopper.press(&app, &id, "remove:price").await;
    let cards = cards(&reply);
    assert!(!cards.is_empty());
    assert!(
        cards
            .iter()
            .all(|c| c["metal"] == "rose_gold" && c["category"] == "rings"),
        "{reply}"
    );
    let products = common::blocks_of(&reply, "products")[0].clone();
    assert_eq!(chip_actions(&reply), ["remove:category", "remove:metals"]);
    // Without the budget, dearer rose gold rings are found too.
    assert!(
        products["total"].as_u64().unwrap() > before_total,
        "{products}"
    );
}

async fn no_results_says_so_and_offers_a_start_price_honest_alternatives_and_a_stylist(
    store: Arc<dyn Store>,
) {
    let app = demo_app(store).await;
    let (shopper, id, _) = Shopper::start(&app).await;
    let reply = shopper.say(&app, &id, "platinum rings under $300").await;
    let said = words(&reply);
    assert!(said.starts_with("No platinum rings under $300."), "{said}");
    assert!(said.contains("start at $"), "{said}");
    assert!(said.to_lowercase().contains("stylist"), "{said}");
    assert!(actions(&reply).contains(&"stylist".to_string()));
    // Each alternative's cards honour the chips shown with them.
    let products = common::blocks_of(&reply, "products");
    assert!(!products.is_empty(), "an alternative is shown: {reply}");
    for block in products {
        let labels: Vec<String> = block["filters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["label"].as_str().unwrap().to_lowercase())
            .collect();
        for card in block["products"].as_array().unwrap() {
            for label in &labels {
                if label == "rings" {
                    assert_eq!(card["category"], "rings", "{card}");
                } else if label == "ready to ship" {
                    assert_eq!(card["ready_to_ship"], true, "{card}");
                } else if let Some(max) = label.strip_prefix("under $") {
                    let max: f64 = max.replace(',', "").parse().unwrap();
                    assert!(price(card) <= max, "{card} vs {label}");
                } else if [
                    "platinum",
                    "white gold",
                    "yellow gold",
                    "rose gold",
                    "silver",
                    "sterling silver",
                ]
                .contains(&label.as_str())
                {
                    assert_eq!(
                        card["metal_label"].as_str().unwrap().to_lowercase(),
                        *label,
                        "{card}"
                    );
                }
            }
        }
    }
    // The alternatives' buttons work.
    for action in actions(&reply).into_iter().filter(|a| a != "stylist") {
        let answer = shopper
            .post(&app, &messages_path(&id), json!({ "action": action }))
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{action}: {}", answer.text());
    }
}

async fn every_way_of_asking_for_a_human_offers_the_stylist_form(store: Arc<dyn Store>) {
    let app = demo_app(store).await;
    let (shopper, id, _) = Shopper::start(&app).await;
    for reply in [
        shopper.say(&app, &id, "/stylist").await,
        shopper.say(&app, &id, "can I talk to someone?").await,
        shopper.press(&app, &id, "stylist").await,
    ] {
        let form = form(&reply);
        assert_eq!(form["form"], "stylist", "{reply}");
        assert_eq!(form["endpoint"], "/api/support/stylist");
        assert!(words(&reply).contains("within one business day"), "{reply}");
    }
}

async fn the_quiz_command_offers_style_quick_links(store: Arc<dyn Store>) {
    let app = demo_app(store).await;
    let (shopper, id, _) = Shopper::start(&app).await;
    let reply = shopper.say(&app, &id, "/quiz").await;
    let styles = actions(&reply);
    assert!(
        styles.len() >= 3 && styles.iter().all(|a| a.starts_with("style:")),
        "{styles:?}"
    );
    let vintage = shopper.press(&app, &id, "style:vintage").await;
    assert!(!cards(&vintage).is_empty(), "{vintage}");
}

async fn an_unknown_action_is_a_422_naming_the_action(store: Arc<dyn Store>) {
    let app = demo_app(store).await;
    let (shopper, id, _) = Shopper::start(&app).await;
    for action in [
        "launch_rockets",
        "category:hats",
        "remove:everything",
        "style:gothic",
        "metal:tin",
    ] {
        let answer = shopper
            .post(&app, &messages_path(&id), json!({ "action": action }))
            .await;
        assert_eq!(common::invalid_fields(&answer), ["action"], "{action}");
    }
    // Nothing of it was stored.
    let history = shopper
        .get(&app, &format!("/api/support/conversations/{id}"))
        .await
        .json();
    assert_eq!(history["messages"].as_array().unwrap().len(), 1);
}

async fn gibberish_gets_an_honest_not_sure_with_quick_links(store: Arc<dyn Store>) {
    let app = demo_app(store).await;
    let (shopper, id, _) = Shopper::start(&app).await;
    let reply = shopper.say(&app, &id, "qwzx plorf vrrmb").await;
    assert!(words(&reply).contains("I'm not sure"), "{reply}");
    assert!(cards(&reply).is_empty());
    assert!(actions(&reply).contains(&"category:rings".to_string()));
}

async fn the_history_returns_every_message_in_order_so_a_reload_resumes(store: Arc<dyn Store>) {
    let app = demo_app(store).await;
    let (shopper, id, _) = Shopper::start(&app).await;
    let first = shopper.say(&app, &id, "rose gold rings under $800").await;
    shopper.press(&app, &id, "more").await;
    let history = shopper
        .get(&app, &format!("/api/support/conversations/{id}"))
        .await;
    assert_eq!(history.status, StatusCode::OK);
    let history = history.json();
    assert_eq!(history["conversation_id"], id.as_str());
    assert_eq!(history["status"], "open");
    assert_eq!(history["schema_version"], 1);
    let messages = history["messages"].as_array().unwrap();
    let roles: Vec<&str> = messages
        .iter()
        .map(|m| m["role"].as_str().unwrap())
        .collect();
    assert_eq!(
        roles,
        ["concierge", "shopper", "concierge", "shopper", "concierge"]
    );
    assert_eq!(messages[1]["text"], "rose gold rings under $800");
    assert_eq!(messages[3]["text"], "[more]");
    assert_eq!(
        messages[2]["blocks"], first["blocks"],
        "the reply is stored as sent"
    );
    // A reload resumes: the filters and the paging carry on.
    let next = shopper.press(&app, &id, "more").await;
    let cards = cards(&next);
    assert!(
        cards
            .iter()
            .all(|c| c["metal"] == "rose_gold" && price(c) <= 800.0),
        "{next}"
    );
}

async fn calls_without_a_valid_visitor_token_are_401_problems(store: Arc<dyn Store>) {
    let app = demo_app(store).await;
    let (shopper, id, _) = Shopper::start(&app).await;
    let forged = {
        let mut token = shopper.token.clone();
        let last = token.pop().unwrap();
        token.push(if last == 'A' { 'B' } else { 'A' });
        token
    };
    let other_secret = aurora_server::Tokens::new("some-other-secret-0123456789abcdefghijk", None)
        .new_visitor()
        .1;
    let history = format!("/api/support/conversations/{id}");
    for headers in [
        vec![],
        vec![("x-aurora-visitor", forged.as_str())],
        vec![("x-aurora-visitor", other_secret.as_str())],
        vec![("x-aurora-visitor", "garbage")],
    ] {
        for (method, path, body) in [
            ("GET", history.clone(), None),
            ("POST", messages_path(&id), Some(json!({"text": "rings"}))),
            ("POST", format!("{history}/end"), Some(json!({}))),
            ("GET", "/api/support/shortlist".to_string(), None),
        ] {
            let answer = call(&app, method, &path, &headers, body.as_ref()).await;
            assert_problem(&answer, StatusCode::UNAUTHORIZED, "unauthorized");
        }
    }
    // A forged token does not get a fresh visitor either.
    let answer = call(
        &app,
        "POST",
        "/api/support/conversations",
        &[("x-aurora-visitor", &forged)],
        Some(&json!({})),
    )
    .await;
    assert_problem(&answer, StatusCode::UNAUTHORIZED, "unauthorized");
}

async fn another_visitors_conversation_looks_like_no_conversation(store: Arc<dyn Store>) {
    let app = demo_app(store.clone()).await;
    let (owner, id, _) = Shopper::start(&app).await;
    owner.say(&app, &id, "rings").await;
    let (stranger, _, _) = Shopper::start(&app).await;
    let history = format!("/api/support/conversations/{id}");
    let unknown = format!("/api/support/conversations/{}", uuid_like());
    for (path, body) in [(history.clone(), None), (unknown.clone(), None)] {
        assert_problem(
            &stranger.call(&app, "GET", &path, &[], body).await,
            StatusCode::NOT_FOUND,
            "not_found",
        );
    }
    for path in [messages_path(&id), format!("{unknown}/messages")] {
        assert_problem(
            &stranger.post(&app, &path, json!({"text": "rings"})).await,
            StatusCode::NOT_FOUND,
            "not_found",
        );
    }
    for path in [format!("{history}/end"), format!("{unknown}/end")] {
        assert_problem(
            &stranger.post(&app, &path, json!({})).await,
            StatusCode::NOT_FOUND,
            "not_found",
        );
    }
    // The stranger's attempts changed nothing.
    let stored = store.conversation(&id).await.unwrap().unwrap();
    assert_eq!(stored.ended_at, None);
    assert_eq!(store.messages(&id).await.unwrap().len(), 3);
    assert_eq!(owner.get(&app, &history).await.status, StatusCode::OK);
}

fn uuid_like() -> String {
    "00000000-0000-4000-8000-000000000000".to_string()
}

async fn ending_with_two_replies_asks_for_a_rating_and_closes_the_conversation(
    store: Arc<dyn Store>,
) {
    let app = demo_app(store.clone()).await;
    let (shopper, id, _) = Shopper::start(&app).await;
    shopper.say(&app, &id, "rings").await;
    shopper.say(&app, &id, "hello").await;
    let end = shopper.end(&app, &id).await;
    assert_eq!(end.status, StatusCode::OK, "{}", end.text());
    let end = end.json();
    assert_eq!(common::blocks_of(&end, "csat_prompt").len(), 1, "{end}");
    assert!(
        store
            .conversation(&id)
            .await
            .unwrap()
            .unwrap()
            .ended_at
            .is_some()
    );
    assert_ended(&app, &shopper, &id).await;
    // Ending again is harmless and does not ask twice.
    let again = shopper.end(&app, &id).await;
    assert_eq!(again.status, StatusCode::OK);
    assert!(common::blocks_of(&again.json(), "csat_prompt").is_empty());
    // The rating it asked for is accepted.
    let csat = shopper.rate(&app, &id, 4).await;
    assert_eq!(csat.status, StatusCode::CREATED, "{}", csat.text());
}

async fn ending_a_short_conversation_does_not_ask_for_a_rating(store: Arc<dyn Store>) {
    let app = demo_app(store).await;
    let (shopper, id, _) = Shopper::start(&app).await;
    shopper.say(&app, &id, "rings").await;
    let end = shopper.end(&app, &id).await;
    assert_eq!(end.status, StatusCode::OK);
    assert!(common::blocks_of(&end.json(), "csat_prompt").is_empty());
    let csat = shopper.rate(&app, &id, 4).await;
    assert_problem(&csat, StatusCode::CONFLICT, "csat_not_offered");
}

async fn a_conversation_idle_for_thirty_minutes_has_ended(store: Arc<dyn Store>) {
    common::seed_demo(&store).await;
    let offset = Arc::new(std::sync::Mutex::new(chrono::Duration::zero()));
    let clock = offset.clone();
    let state = common::state(store, aurora_server::ServerSettings::default())
        .await
        .with_clock(move || chrono::Utc::now() + *clock.lock().unwrap());
    let app = aurora_server::app(state);
    let (shopper, id, _) = Shopper::start(&app).await;
    shopper.say(&app, &id, "rings").await;
    *offset.lock().unwrap() = chrono::Duration::minutes(29);
    shopper.say(&app, &id, "under 500").await;
    *offset.lock().unwrap() = chrono::Duration::minutes(29 + 31);
    assert_ended(&app, &shopper, &id).await;
}

/// The conversation `id` takes no more messages and reads as ended.
async fn assert_ended(app: &axum::Router, shopper: &Shopper, id: &str) {
    let late = shopper
        .post(app, &messages_path(id), json!({"text": "rings"}))
        .await;
    assert_problem(&late, StatusCode::CONFLICT, "conversation_ended");
    let history = shopper
        .get(app, &format!("/api/support/conversations/{id}"))
        .await
        .json();
    assert_eq!(history["status"], "ended");
}

async fn asking_to_track_an_order_by_number_prefills_the_form(store: Arc<dyn Store>) {
    let app = demo_app(store).await;
    let (shopper, id, _) = Shopper::start(&app).await;
    let reply = shopper
        .say(&app, &id, "where is my order #gg-104233?")
        .await;
    let form = form(&reply);
    assert_eq!(form["form"], "order_lookup");
    assert_eq!(
        common::field_value(&form, "order_number").as_deref(),
        Some("GG-104233")
    );
    assert_eq!(common::field_value(&form, "email"), None);
    // Nothing about the order is shown before the email proves it is theirs.
    assert!(common::blocks_of(&reply, "order_timeline").is_empty());
}

async fn starting_again_with_the_same_idempotency_key_resumes_the_same_conversation(
    store: Arc<dyn Store>,
) {
    let app = demo_app(store).await;
    let (shopper, _, _) = Shopper::start(&app).await;
    let key = [("idempotency-key", "start-1")];
    let body = json!({});
    let start = || {
        shopper.call(
            &app,
            "POST",
            "/api/support/conversations",
            &key,
            Some(&body),
        )
    };
    let (first, second) = (start().await, start().await);
    assert_eq!(
        (first.status, second.status),
        (StatusCode::CREATED, StatusCode::CREATED)
    );
    assert_eq!(
        first.json()["conversation_id"],
        second.json()["conversation_id"]
    );
}

async fn the_cheapest_ring_comes_first_and_the_order_is_a_removable_chip(store: Arc<dyn Store>) {
    let app = demo_app(store).await;
    let (shopper, id, _) = Shopper::start(&app).await;
    let reply = shopper.say(&app, &id, "what is your cheapest ring").await;
    let shown = cards(&reply);
    assert!(shown.len() > 1, "{reply}");
    assert!(shown.iter().all(|c| c["category"] == "rings"), "{reply}");
    let prices: Vec<f64> = shown.iter().map(price).collect();
    assert!(prices.windows(2).all(|p| p[0] <= p[1]), "{prices:?}");
    assert!(words(&reply).contains("cheapest first"), "{reply}");
    assert_eq!(chip_actions(&reply), ["remove:category", "remove:sort"]);
    // The order carries over to the next page, then "most expensive" turns it round.
    let more = shopper.press(&app, &id, "more").await;
    let next: Vec<f64> = cards(&more).iter().map(price).collect();
    assert!(
        next.iter().all(|p| *p >= prices[prices.len() - 1]),
        "{next:?}"
    );
    let dearest = shopper.say(&app, &id, "most expensive ones").await;
    let prices: Vec<f64> = cards(&dearest).iter().map(price).collect();
    assert!(prices.len() > 1, "{dearest}");
    assert!(prices.windows(2).all(|p| p[0] >= p[1]), "{dearest}");
    assert!(cards(&dearest).iter().all(|c| c["category"] == "rings"));
    let removed = shopper.press(&app, &id, "remove:sort").await;
    assert!(!cards(&removed).is_empty(), "{removed}");
    assert!(!words(&removed).contains("first"), "{removed}");
}

async fn changing_a_ring_size_offers_the_return_or_resize_form_not_rings(store: Arc<dyn Store>) {
    let app = demo_app(store).await;
    let (shopper, id, _) = Shopper::start(&app).await;
    let reply = shopper.say(&app, &id, "can I change my ring size").await;
    assert!(cards(&reply).is_empty(), "{reply}");
    let form = form(&reply);
    assert_eq!(form["form"], "return_or_resize", "{reply}");
}

async fn gift_ideas_under_150_show_pieces_at_or_under_150(store: Arc<dyn Store>) {
    let app = demo_app(store).await;
    let (shopper, id, _) = Shopper::start(&app).await;
    let reply = shopper.say(&app, &id, "gift ideas under 150").await;
    let shown = cards(&reply);
    assert!(!shown.is_empty(), "{reply}");
    assert!(shown.iter().all(|c| price(c) <= 150.0), "{reply}");
    assert!(words(&reply).contains("under $150"), "{reply}");
}

/// The one `answer` block of a reply.
fn answer_block(reply: &Value) -> Value {
    let answers = common::blocks_of(reply, "answer");
    assert_eq!(answers.len(), 1, "{reply}");
    answers[0].clone()
}

async fn questions_the_knowledge_file_answers_get_an_answer_block_and_no_products(
    store: Arc<dyn Store>,
) {
    let app = demo_app(store).await;
    let (shopper, id, _) = Shopper::start(&app).await;
    for (question, section) in [
        ("do you ship to Canada?", "Shipping destinations"),
        ("how long does shipping take", "Shipping times"),
        ("is this real gold?", "Materials and metals"),
        (
            "Do you offer gift wrapping?",
            "Gift wrapping and gift messages",
        ),
        (
            "can i pay with klarna",
            "Financing and paying in installments",
        ),
    ] {
        let reply = shopper.say(&app, &id, question).await;
        let answer = answer_block(&reply);
        assert_eq!(answer["source"], section, "{question}: {reply}");
        assert!(!answer["text"].as_str().unwrap().is_empty(), "{reply}");
        assert!(cards(&reply).is_empty(), "{question}: {reply}");
    }
    // A reload shows the answers again.
    let history = shopper
        .get(&app, &format!("/api/support/conversations/{id}"))
        .await
        .json();
    let answers: Vec<&Value> = history["messages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| m["blocks"].as_array().unwrap())
        .filter(|b| b["type"] == "answer")
        .collect();
    assert_eq!(answers.len(), 5, "{history}");
}

async fn an_answer_asks_whether_it_helped_and_a_no_offers_a_stylist(store: Arc<dyn Store>) {
    let app = demo_app(store).await;
    let (shopper, id, _) = Shopper::start(&app).await;
    let reply = shopper
        .say(&app, &id, "how do I clean my silver necklace?")
        .await;
    let answer = answer_block(&reply);
    assert_eq!(answer["source"], "Jewelry care", "{reply}");
    let follow_ups: Vec<&str> = answer["follow_ups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["action"].as_str().unwrap())
        .collect();
    assert_eq!(follow_ups, ["helpful:yes", "helpful:no", "stylist"]);
    let no = shopper.press(&app, &id, "helpful:no").await;
    assert!(actions(&no).contains(&"stylist".to_string()), "{no}");
    let yes = shopper.press(&app, &id, "helpful:yes").await;
    assert!(words(&yes).contains("Glad it helped"), "{yes}");
    let stylist = shopper.press(&app, &id, "stylist").await;
    assert_eq!(form(&stylist)["form"], "stylist", "{stylist}");
}

async fn a_question_the_knowledge_file_cannot_answer_stays_not_understood(store: Arc<dyn Store>) {
    let app = demo_app(store).await;
    let (shopper, id, _) = Shopper::start(&app).await;
    for question in [
        "what's the weather like in paris",
        "can you write me a poem",
        "how are the stocks doing today",
    ] {
        let reply = shopper.say(&app, &id, question).await;
        assert!(
            common::blocks_of(&reply, "answer").is_empty(),
            "{question}: {reply}"
        );
        assert!(words(&reply).contains("not sure"), "{question}: {reply}");
    }
}

async fn a_bare_hoops_shows_hoops_with_a_removable_type_chip(store: Arc<dyn Store>) {
    let app = demo_app(store).await;
    let (shopper, id, _) = Shopper::start(&app).await;
    let reply = shopper.say(&app, &id, "hoops").await;
    let shown = cards(&reply);
    assert!(!shown.is_empty(), "{reply}");
    assert!(shown.iter().all(|c| c["category"] == "earrings"), "{reply}");
    assert!(
        shown
            .iter()
            .all(|c| c["title"].as_str().unwrap().contains("Hoop")),
        "{reply}"
    );
    assert!(words(&reply).contains("hoops"), "{reply}");
    assert_eq!(chip_actions(&reply), ["remove:category", "remove:kind"]);
    // Without the type: every earring again, studs included.
    let earrings = shopper.press(&app, &id, "remove:kind").await;
    let total = common::blocks_of(&earrings, "products")[0]["total"]
        .as_u64()
        .unwrap();
    let hoops = common::blocks_of(&reply, "products")[0]["total"]
        .as_u64()
        .unwrap();
    assert!(total > hoops, "{earrings}");
    assert_eq!(chip_actions(&earrings), ["remove:category"]);
}

async fn the_newest_rings_come_newest_first(store: Arc<dyn Store>) {
    let app = demo_app(store).await;
    let (shopper, id, _) = Shopper::start(&app).await;
    let reply = shopper.say(&app, &id, "show me your newest rings").await;
    let shown: Vec<String> = cards(&reply)
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    // The demo's designs were added a day apart: the last ring designs listed are the newest.
    let mut rings: Vec<_> = aurora_core::demo::products()
        .into_iter()
        .filter(|p| p.category == aurora_core::catalog::Category::Rings)
        .collect();
    rings.sort_by(|a, b| b.added_at.cmp(&a.added_at).then(a.id.cmp(&b.id)));
    let expected: Vec<String> = rings
        .iter()
        .take(shown.len())
        .map(|p| p.id.clone())
        .collect();
    assert!(shown.len() > 1, "{reply}");
    assert_eq!(shown, expected, "{reply}");
    assert!(words(&reply).contains("newest first"), "{reply}");
    assert_eq!(chip_actions(&reply), ["remove:category", "remove:sort"]);
}

async fn a_gift_for_a_person_and_an_occasion_says_so_and_shows_pieces(store: Arc<dyn Store>) {
    let app = demo_app(store).await;
    let (shopper, id, _) = Shopper::start(&app).await;
    let reply = shopper.say(&app, &id, "anniversary gift for my wife").await;
    assert!(!cards(&reply).is_empty(), "{reply}");
    assert!(
        words(&reply).contains("A gift for her for an anniversary?"),
        "{reply}"
    );
    // The context stays while the shopper narrows the search.
    let narrowed = shopper.say(&app, &id, "necklaces under 500").await;
    assert!(
        cards(&narrowed)
            .iter()
            .all(|c| c["category"] == "necklaces" && price(c) <= 500.0),
        "{narrowed}"
    );
    assert!(
        words(&narrowed).contains("A gift for her for an anniversary?"),
        "{narrowed}"
    );
    let cleared = shopper.press(&app, &id, "clear_filters").await;
    assert!(!words(&cleared).contains("A gift"), "{cleared}");
}
