//! The conversations and CSAT pages and their JSON, through the real router: conversations made
//! by the shopper API are found by words, intent and outcome; each shopper message shows what it
//! was understood as, with the explanation `aurora understand` gives; staff mark a reply
//! misunderstood; ratings come lowest first with their conversation; hostile shopper text is
//! inert in every page; bad filters are named.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use aurora_core::staff::Role;
use aurora_core::store::Store;
use aurora_store::backend_tests;
use axum::http::StatusCode;
use common::Shopper;
use common::staff::{Staffer, add_user, sign_in};
use std::sync::Arc;

backend_tests!(
    every_conversation_is_found_and_read_with_what_was_understood,
    ratings_come_lowest_first_with_their_conversation,
);

const HOSTILE: &str = "<script>alert(1)</script><img src=x onerror=alert(2)>";

async fn agent(store: &dyn Store) -> Staffer {
    let user = add_user(store, "agent@store.example", Role::Agent).await;
    sign_in(store, &user).await
}

/// A conversation that ends after products were shown, and one that ends after the concierge
/// did not understand (hostile text included).
async fn two_conversations(app: &axum::Router) -> (Shopper, String, String) {
    let (shopper, resolved, _) = Shopper::start(app).await;
    shopper
        .say(app, &resolved, "rose gold rings under $800")
        .await;
    shopper.say(app, &resolved, "hello").await;
    shopper.say(app, &resolved, "rings").await;
    assert_eq!(shopper.end(app, &resolved).await.status, StatusCode::OK);
    let abandoned = shopper.start_again(app).await;
    shopper.say(app, &abandoned, "hello").await;
    shopper
        .say(app, &abandoned, &format!("blorp zorp {HOSTILE}"))
        .await;
    assert_eq!(shopper.end(app, &abandoned).await.status, StatusCode::OK);
    (shopper, resolved, abandoned)
}

fn ids(answer: &common::Answer) -> Vec<String> {
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    answer.json()["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect()
}

async fn every_conversation_is_found_and_read_with_what_was_understood(store: Arc<dyn Store>) {
    let app = common::demo_app(store.clone()).await;
    let (_, resolved, abandoned) = two_conversations(&app).await;
    let staff = agent(store.as_ref()).await;

    let all = staff.get(&app, "/api/dashboard/conversations").await;
    assert_eq!(ids(&all), [abandoned.as_str(), resolved.as_str()]);
    let found = staff
        .get(&app, "/api/dashboard/conversations?q=ROSE%20gold")
        .await;
    assert_eq!(ids(&found), [resolved.as_str()]);
    let unknown = staff
        .get(&app, "/api/dashboard/conversations?intent=unknown")
        .await;
    assert_eq!(ids(&unknown), [abandoned.as_str()]);
    let outcome = staff
        .get(&app, "/api/dashboard/conversations?outcome=resolved")
        .await;
    assert_eq!(ids(&outcome), [resolved.as_str()]);
    let outcome = staff
        .get(&app, "/api/dashboard/conversations?outcome=abandoned")
        .await;
    assert_eq!(ids(&outcome), [abandoned.as_str()]);
    let paged = staff
        .get(&app, "/api/dashboard/conversations?per_page=1")
        .await;
    let next = paged.json()["next"].as_str().unwrap().to_string();
    let second = staff
        .get(
            &app,
            &format!("/api/dashboard/conversations?per_page=1&after={next}"),
        )
        .await;
    assert_eq!(ids(&second), [resolved.as_str()]);

    // Every conversation of the filters exports as CSV (not only the page), audited.
    let csv = staff
        .get(&app, "/dashboard/conversations.csv?q=rose&per_page=1")
        .await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.text());
    assert_eq!(csv.header("content-type"), "text/csv; charset=utf-8");
    let lines: Vec<String> = csv.text().lines().map(String::from).collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines[0].starts_with("conversation,started_at,"),
        "{lines:?}"
    );
    assert!(lines[1].starts_with(&format!("{resolved},")), "{lines:?}");
    assert!(lines[1].contains(",resolved,"), "{lines:?}");
    assert!(
        lines[1].ends_with(",rose gold rings under $800"),
        "{lines:?}"
    );
    let csv = staff
        .get(&app, "/dashboard/conversations.csv?per_page=1")
        .await;
    assert_eq!(csv.text().lines().count(), 3, "{}", csv.text());
    let bad = staff
        .get(&app, "/dashboard/conversations.csv?outcome=won")
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().contains("outcome"), "{}", bad.text());
    let owner = sign_in(
        store.as_ref(),
        &add_user(store.as_ref(), "owner@store.example", Role::Owner).await,
    )
    .await;
    let audit = owner.get(&app, "/api/dashboard/audit").await.json();
    let exported: Vec<&serde_json::Value> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "data_exported" && e["subject"] == "conversations")
        .collect();
    assert_eq!(exported.len(), 2, "{audit}");
    assert_eq!(exported[1]["detail"], "q=rose", "{audit}");

    // Bad filters: the JSON refuses naming each, the page names them and applies the rest.
    let bad = staff
        .get(
            &app,
            "/api/dashboard/conversations?intent=shopping&outcome=won&after=x&from=May",
        )
        .await;
    assert_eq!(
        common::invalid_fields(&bad),
        ["intent", "outcome", "from", "after"]
    );
    let page = staff
        .get(&app, "/dashboard/conversations?intent=shopping&q=rose")
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.text().contains("intent: must be one of"),
        "{}",
        page.text()
    );
    assert!(
        page.text()
            .contains(&format!("/dashboard/conversations/{resolved}"))
    );
    assert!(
        !page
            .text()
            .contains(&format!("/dashboard/conversations/{abandoned}"))
    );

    // The transcript: what each typed message was understood as, and why.
    let read = staff
        .get(&app, &format!("/api/dashboard/conversations/{resolved}"))
        .await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text());
    let view = read.json();
    assert_eq!(view["outcome"], "resolved");
    let first = &view["messages"][1];
    assert_eq!(first["role"], "shopper");
    assert_eq!(first["understood"]["intent"], "find_product");
    assert_eq!(first["understood"]["filters"]["category"], "rings");
    assert_eq!(first["understood"]["filters"]["max_price"], 800);
    let explained = aurora_nlu::Understander::new(&aurora_nlu::NluConfig::default())
        .unwrap()
        .explain("rose gold rings under $800")
        .to_string();
    assert_eq!(first["explanation"], explained.as_str());
    assert_eq!(view["messages"][2]["understood"], serde_json::Value::Null);

    let page = staff
        .get(&app, &format!("/dashboard/conversations/{abandoned}"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("Understood as:</strong> unknown"), "{html}");
    assert!(!html.contains("<script>alert") && !html.contains("<img src=x"));
    assert!(
        html.contains("blorp zorp &#60;script&#62;alert(1)"),
        "{html}"
    );

    // A reply marked misunderstood, by the page's form; a concierge message takes no mark.
    let marked = staff
        .form(
            &app,
            &format!("/dashboard/conversations/{resolved}"),
            &[("position", "1"), ("misunderstood", "1")],
        )
        .await;
    assert_eq!(marked.status, StatusCode::SEE_OTHER, "{}", marked.text());
    let read = staff
        .get(&app, &format!("/api/dashboard/conversations/{resolved}"))
        .await;
    assert_eq!(read.json()["messages"][1]["misunderstood"], true);
    let wrong = staff
        .json(
            &app,
            "PUT",
            &format!("/api/dashboard/conversations/{resolved}/messages/2/misunderstood"),
            &serde_json::json!({"misunderstood": true}),
        )
        .await;
    common::assert_problem(&wrong, StatusCode::NOT_FOUND, "not_found");
    let unmark = staff
        .json(
            &app,
            "PUT",
            &format!("/api/dashboard/conversations/{resolved}/messages/1/misunderstood"),
            &serde_json::json!({"misunderstood": false}),
        )
        .await;
    assert_eq!(unmark.status, StatusCode::NO_CONTENT, "{}", unmark.text());
    let missing = staff.get(&app, "/api/dashboard/conversations/nope").await;
    common::assert_problem(&missing, StatusCode::NOT_FOUND, "not_found");
}

async fn ratings_come_lowest_first_with_their_conversation(store: Arc<dyn Store>) {
    let app = common::demo_app(store.clone()).await;
    let (shopper, resolved, abandoned) = two_conversations(&app).await;
    let rated = shopper
        .post(
            &app,
            "/api/support/csat",
            serde_json::json!({"conversation_id": resolved, "score": 5, "comment": "Lovely"}),
        )
        .await;
    assert_eq!(rated.status, StatusCode::CREATED, "{}", rated.text());
    let rated = shopper
        .post(
            &app,
            "/api/support/csat",
            serde_json::json!({"conversation_id": abandoned, "score": 1, "comment": HOSTILE}),
        )
        .await;
    assert_eq!(rated.status, StatusCode::CREATED, "{}", rated.text());
    let viewer = sign_in(
        store.as_ref(),
        &add_user(store.as_ref(), "viewer@store.example", Role::Viewer).await,
    )
    .await;

    let report = viewer.get(&app, "/api/dashboard/csat").await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.text());
    let report = report.json();
    assert_eq!(report["responses"], 2);
    assert_eq!(report["average"], 3.0);
    let counts: Vec<u64> = report["distribution"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["count"].as_u64().unwrap())
        .collect();
    assert_eq!(counts, [1, 0, 0, 0, 1]);
    assert_eq!(report["trend"].as_array().unwrap().len(), 30);
    assert_eq!(report["entries"][0]["conversation_id"], abandoned.as_str());
    assert_eq!(report["entries"][0]["outcome"], "abandoned");
    let resolved_only = viewer
        .get(&app, "/api/dashboard/csat?outcome=resolved")
        .await;
    assert_eq!(resolved_only.json()["responses"], 1);
    let bad = viewer
        .get(&app, "/api/dashboard/csat?sort=best&kind=gift")
        .await;
    assert_eq!(common::invalid_fields(&bad), ["kind", "sort"]);

    let page = viewer.get(&app, "/dashboard/csat").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("<svg class=\"chart\" role=\"img\""), "{html}");
    assert!(html.contains(&format!("/dashboard/conversations/{abandoned}")));
    assert!(!html.contains("<script>alert") && !html.contains("<img src=x"));
    assert!(
        html.find("1/5").unwrap() < html.find("5/5").unwrap(),
        "lowest first"
    );
    // Each table exports as CSV; the ratings are every one of the filters, with their outcome.
    let csv = viewer
        .get(&app, "/dashboard/csat.csv?table=ratings&sort=newest")
        .await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.text());
    let lines: Vec<String> = csv.text().lines().map(String::from).collect();
    assert_eq!(lines[0], "conversation,rated_at,score,outcome,comment");
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(lines[1].starts_with(&format!("{abandoned},")), "{lines:?}");
    assert!(lines[1].contains(",1,abandoned,"), "{lines:?}");
    assert!(lines[2].ends_with(",5,resolved,Lovely"), "{lines:?}");
    let csv = viewer
        .get(
            &app,
            "/dashboard/csat.csv?table=distribution&outcome=resolved",
        )
        .await;
    assert_eq!(
        csv.text(),
        "score,ratings\r\n1,0\r\n2,0\r\n3,0\r\n4,0\r\n5,1\r\n"
    );
    let csv = viewer.get(&app, "/dashboard/csat.csv?table=trend").await;
    assert_eq!(csv.text().lines().count(), 31, "{}", csv.text());
    assert!(csv.text().lines().last().unwrap().ends_with(",2,3.00"));
    let unknown = viewer.get(&app, "/dashboard/csat.csv?table=secrets").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let bad = viewer
        .get(&app, "/dashboard/csat.csv?table=ratings&kind=gift")
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The viewer reads ratings but not conversations.
    let transcript = viewer
        .get(&app, &format!("/dashboard/conversations/{abandoned}"))
        .await;
    assert_eq!(transcript.status, StatusCode::FORBIDDEN);
}
