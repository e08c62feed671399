//! The analytics through the real router: per-minute aggregates written by each instance to the
//! database survive a restart and add up across instances; for one instance the last hour equals
//! what `/api/metrics` reports; closed days are rolled up and outlive the minutes' purge; the
//! "not understood" list groups what shoppers wrote; every table exports as CSV, defused and
//! audited.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use aurora_core::insight::analytics::{Aggregate, minute_of};
use aurora_core::staff::Role;
use aurora_core::store::Store;
use aurora_server::{AppState, ServerSettings};
use aurora_store::backend_tests;
use axum::http::StatusCode;
use chrono::{Duration, Utc};
use common::Shopper;
use common::staff::{Staffer, add_user, sign_in};
use serde_json::json;
use std::sync::Arc;

backend_tests!(
    the_last_hour_equals_the_metrics_and_survives_a_restart,
    closed_days_are_rolled_up_and_outlive_the_minutes,
    what_was_not_understood_is_grouped_and_every_table_exports_as_csv,
);

/// An instance over `store` (the first one seeds the demo catalog and orders).
async fn instance(store: &Arc<dyn Store>) -> (AppState, axum::Router) {
    if store.catalog_version().await.unwrap() == 0 {
        common::seed_demo(store).await;
    }
    let state = common::state(store.clone(), ServerSettings::default()).await;
    let app = aurora_server::app(state.clone());
    (state, app)
}

async fn owner(store: &dyn Store) -> Staffer {
    let user = add_user(store, "owner@store.example", Role::Owner).await;
    sign_in(store, &user).await
}

/// Widget events, a conversation ended after products, one ended after a misunderstanding, and
/// a stylist request.
async fn traffic(app: &axum::Router) {
    let events = json!({"events": [
        {"type": "load"}, {"type": "load"}, {"type": "load"}, {"type": "load"},
        {"type": "open"}, {"type": "details"}, {"type": "shortlist"}, {"type": "close"},
    ]});
    let counted = common::call(app, "POST", "/api/support/events", &[], Some(&events)).await;
    assert_eq!(counted.status, StatusCode::ACCEPTED, "{}", counted.text());
    let (shopper, first, _) = Shopper::start(app).await;
    shopper.say(app, &first, "rose gold rings").await;
    assert_eq!(shopper.end(app, &first).await.status, StatusCode::OK);
    let second = shopper.start_again(app).await;
    shopper.say(app, &second, "Blorp?").await;
    shopper.say(app, &second, "=cmd|' /C calc'!A0 blorp").await;
    assert_eq!(shopper.end(app, &second).await.status, StatusCode::OK);
    let third = shopper.start_again(app).await;
    shopper
        .say(app, &third, "platinum necklaces under $50")
        .await;
    let asked = shopper
        .post(
            app,
            "/api/support/stylist",
            json!({"conversation_id": third, "name": "Ava", "email": "ava@example.com",
                   "preferred_contact": "email", "message": "Something for my mother"}),
        )
        .await;
    assert_eq!(asked.status, StatusCode::CREATED, "{}", asked.text());
}

/// `?from=…&to=…` covering the minutes `/api/metrics` counts as its last hour.
fn last_hour() -> String {
    let now = minute_of(Utc::now());
    let at = |minute: i64| {
        chrono::DateTime::from_timestamp(minute * 60, 0)
            .unwrap()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    };
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("from", &at(now - 59))
        .append_pair("to", &at(now + 1))
        .finish();
    format!("/api/dashboard/analytics?{query}")
}

async fn the_last_hour_equals_the_metrics_and_survives_a_restart(store: Arc<dyn Store>) {
    let (state, app) = instance(&store).await;
    traffic(&app).await;
    aurora_server::write_aggregates_once(&state).await;
    let staff = owner(store.as_ref()).await;

    let metrics = common::get(&app, "/api/metrics").await.json();
    let hour = &metrics["business"]["last_1h"];
    let analytics = staff.get(&app, &last_hour()).await;
    assert_eq!(analytics.status, StatusCode::OK, "{}", analytics.text());
    let totals = analytics.json()["totals"].clone();
    assert_eq!(totals["widget_loads"], hour["widget_loads"]);
    assert_eq!(totals["widget_opens"], hour["widget_opens"]);
    assert_eq!(totals["open_rate"], hour["widget_open_rate"]);
    assert_eq!(totals["conversations_ended"], hour["conversations_ended"]);
    assert_eq!(
        totals["conversations_ended_with_ticket"],
        hour["conversations_ended_with_ticket"]
    );
    assert_eq!(totals["deflection_rate"], hour["deflection_rate"]);
    assert_eq!(
        (
            totals["widget_loads"].as_u64(),
            totals["conversations"].as_u64()
        ),
        (Some(4), Some(3))
    );
    assert_eq!(totals["tickets"], 1);
    let funnel: Vec<u64> = analytics.json()["funnel"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["count"].as_u64().unwrap())
        .collect();
    assert_eq!(funnel, [4, 1, 3, 1, 1, 1, 1]);

    // A restart (a new instance on the same database) still shows them, and adds its own.
    drop(app);
    let (again, app) = instance(&store).await;
    assert_ne!(again.instance, state.instance);
    let events = json!({"events": [{"type": "load"}]});
    common::call(&app, "POST", "/api/support/events", &[], Some(&events)).await;
    aurora_server::write_aggregates_once(&again).await;
    let both = staff.get(&app, &last_hour()).await.json();
    assert_eq!(both["totals"]["widget_loads"], 5);
    assert_eq!(both["totals"]["conversations"], 3);
    // Writing the same minutes again changes nothing.
    aurora_server::write_aggregates_once(&again).await;
    let same = staff.get(&app, &last_hour()).await.json();
    assert_eq!(same["totals"]["widget_loads"], 5);
}

async fn closed_days_are_rolled_up_and_outlive_the_minutes(store: Arc<dyn Store>) {
    let (_, app) = instance(&store).await;
    let staff = owner(store.as_ref()).await;
    let three_days_ago = Utc::now() - Duration::days(3);
    let minute = minute_of(three_days_ago);
    let at = |series: &str, label: &str, value: i64| Aggregate {
        at: minute,
        series: series.into(),
        label: label.into(),
        value,
    };
    for instance in ["a", "b"] {
        store
            .write_minutes(
                instance,
                &[
                    at("widget_loads", "", 10),
                    at("widget_opens", "", 4),
                    at("conversations_ended", "false", 3),
                    at("conversations_ended", "true", 1),
                    at("tickets", "resize", 1),
                ],
            )
            .await
            .unwrap();
    }
    let day = three_days_ago.date_naive().to_string();
    let read = || async {
        let answer = staff.get(&app, "/api/dashboard/analytics").await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
        let report = answer.json();
        assert_eq!(report["days"].as_array().unwrap().len(), 30);
        report["days"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["day"] == day.as_str())
            .unwrap()
            .clone()
    };
    let first = read().await;
    assert_eq!(first["widget_loads"], 20);
    assert_eq!(first["open_rate"], 0.4);
    assert_eq!(first["deflection_rate"], 0.75);
    // The minutes go; the day stays, and a late write to a rolled-up day does not change it.
    aurora_core::services::insight::purge_minutes(store.as_ref(), Utc::now())
        .await
        .unwrap();
    assert!(store.sum_minutes(0, i64::MAX / 2).await.unwrap().is_empty());
    assert_eq!(read().await, first);
    let tickets = staff.get(&app, "/api/dashboard/analytics").await.json();
    assert_eq!(
        tickets["tickets_by_kind"],
        json!([{"name": "resize", "count": 2}])
    );

    let bad = staff
        .get(
            &app,
            "/api/dashboard/analytics?from=yesterday&to=2026-13-01",
        )
        .await;
    assert_eq!(common::invalid_fields(&bad), ["to", "from"]);
    let backwards = staff
        .get(
            &app,
            "/api/dashboard/analytics?from=2026-12-05&to=2026-12-01",
        )
        .await;
    assert_eq!(common::invalid_fields(&backwards), ["to"]);
}

async fn what_was_not_understood_is_grouped_and_every_table_exports_as_csv(store: Arc<dyn Store>) {
    let (state, app) = instance(&store).await;
    traffic(&app).await;
    let (shopper, id, _) = Shopper::start(&app).await;
    shopper.say(&app, &id, "blorp").await;
    aurora_server::write_aggregates_once(&state).await;
    let staff = owner(store.as_ref()).await;

    let report = staff.get(&app, "/api/dashboard/analytics").await.json();
    let groups = report["not_understood"].as_array().unwrap();
    assert_eq!(groups[0]["text"], "blorp");
    assert_eq!(groups[0]["count"], 2, "{groups:?}");
    assert!(
        report["intents"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["name"] == "unknown")
    );
    assert_eq!(report["totals"]["empty_searches"], 1);

    let page = staff.get(&app, "/dashboard/analytics").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert_eq!(html.matches("<svg class=\"chart\" role=\"img\"").count(), 3);
    assert!(html.contains("Blorp?"));
    assert!(html.contains("/dashboard/analytics.csv?table=not_understood"));

    for table in ["days", "funnel", "intents", "tickets", "not_understood"] {
        let csv = staff
            .get(&app, &format!("/dashboard/analytics.csv?table={table}"))
            .await;
        assert_eq!(csv.status, StatusCode::OK, "{table}: {}", csv.text());
        assert_eq!(csv.header("content-type"), "text/csv; charset=utf-8");
        assert!(
            csv.header("content-disposition")
                .starts_with("attachment; filename=\"aurora-")
        );
        assert!(csv.text().lines().count() >= 2, "{table}: {}", csv.text());
    }
    let csv = staff
        .get(&app, "/dashboard/analytics.csv?table=not_understood")
        .await
        .text();
    assert!(csv.contains("'=cmd|"), "a formula is defused: {csv}");
    assert!(!csv.contains(",=cmd"), "{csv}");
    let unknown = staff
        .get(&app, "/dashboard/analytics.csv?table=secrets")
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let audit = staff.get(&app, "/api/dashboard/audit").await.json();
    assert!(
        audit
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "data_exported" && e["subject"] == "analytics not_understood"),
        "{audit}"
    );
}
