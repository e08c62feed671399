//! The widget flag over OFREP, the kill switch, and a change reaching every instance.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use aurora_core::flags::{FLAG_KEY, FlagOverride, bucket};
use aurora_core::store::Store;
use aurora_server::{AppState, ServerSettings};
use aurora_store::backend_tests;
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{Answer, send};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};

backend_tests!(
    the_flag_is_on_for_everyone_by_default,
    the_kill_switch_pauses_new_conversations_and_messages_but_keeps_tickets,
    an_allow_listed_email_counts_only_from_a_valid_signed_identity,
    a_partial_rollout_buckets_the_targeting_key_like_unleash,
    the_bulk_evaluation_answers_304_until_the_flag_changes,
);

async fn evaluate(app: &Router, path: &str, body: Value, etag: Option<&str>) -> Answer {
    let mut request = Request::post(path).header("content-type", "application/json");
    if let Some(etag) = etag {
        request = request.header("if-none-match", etag);
    }
    send(app, request.body(Body::from(body.to_string())).unwrap()).await
}

async fn one(app: &Router, context: Value) -> Answer {
    evaluate(
        app,
        &format!("/ofrep/v1/evaluate/flags/{FLAG_KEY}"),
        json!({ "context": context }),
        None,
    )
    .await
}

async fn change(state: &AppState, change: FlagOverride) {
    state
        .store
        .set_flag_override(FLAG_KEY, &change, "test", state.now())
        .await
        .unwrap();
    aurora_server::refresh_flags(state).await.unwrap();
}

/// An application whose flag has the override `change`.
async fn flagged(store: Arc<dyn Store>, override_: FlagOverride) -> Router {
    let state = common::state(store, ServerSettings::default()).await;
    change(&state, override_).await;
    aurora_server::app(state)
}

async fn the_flag_is_on_for_everyone_by_default(store: Arc<dyn Store>) {
    let app = aurora_server::app(common::state(store, ServerSettings::default()).await);
    let answer = one(&app, json!({"targetingKey": "abc"})).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        answer.json(),
        json!({"key": FLAG_KEY, "value": true, "reason": "STATIC", "variant": "on", "metadata": {}})
    );
    let unknown = evaluate(
        &app,
        "/ofrep/v1/evaluate/flags/other-flag",
        json!({"context": {}}),
        None,
    )
    .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.json()["errorCode"], "FLAG_NOT_FOUND");
    let bad = evaluate(
        &app,
        &format!("/ofrep/v1/evaluate/flags/{FLAG_KEY}"),
        json!({"context": "nope"}),
        None,
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.json()["errorCode"], "INVALID_CONTEXT");
}

/// The kill switch thrown.
const KILLED: FlagOverride = FlagOverride {
    enabled: Some(false),
    rollout_percentage: None,
    allowed_users: None,
};

async fn the_kill_switch_pauses_new_conversations_and_messages_but_keeps_tickets(
    store: Arc<dyn Store>,
) {
    let state = common::state(store, ServerSettings::default()).await;
    let app = aurora_server::app(state.clone());
    let start = || common::Shopper::start_answer(&app);
    let (shopper, id, _) = common::Shopper::start(&app).await;

    change(&state, KILLED).await;

    let refused = start().await;
    assert_eq!(refused.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(refused.header("content-type"), "application/problem+json");
    assert_eq!(refused.json()["code"], "concierge_disabled");
    let messages = format!("/api/support/conversations/{id}/messages");
    let message = shopper
        .post(&app, &messages, json!({"text": "rings"}))
        .await;
    assert_eq!(message.json()["code"], "concierge_disabled");
    // What was already said stays readable.
    let history = shopper
        .get(&app, &format!("/api/support/conversations/{id}"))
        .await;
    assert_eq!(history.status, StatusCode::OK);
    let evaluation = one(&app, json!({"targetingKey": "abc"})).await.json();
    assert_eq!(
        (evaluation["value"].clone(), evaluation["reason"].clone()),
        (json!(false), json!("DISABLED"))
    );

    change(&state, FlagOverride::default()).await;
    let again = start().await;
    assert_eq!(again.status, StatusCode::CREATED);
}

async fn an_allow_listed_email_counts_only_from_a_valid_signed_identity(store: Arc<dyn Store>) {
    let app = flagged(
        store,
        FlagOverride {
            rollout_percentage: Some(0),
            allowed_users: Some(vec!["beta@example.com".into()]),
            ..FlagOverride::default()
        },
    )
    .await;
    let exp = chrono::Utc::now().timestamp() + 3600;
    let signed = aurora_server::sign_identity(
        common::IDENTITY_SECRET,
        &json!({"email": "Beta@Example.com", "exp": exp}),
    );
    let forged = aurora_server::sign_identity(
        "not-the-secret",
        &json!({"email": "beta@example.com", "exp": exp}),
    );
    let allowed = one(&app, json!({"targetingKey": "t1", "identityToken": signed}))
        .await
        .json();
    assert_eq!(
        (allowed["value"].clone(), allowed["reason"].clone()),
        (json!(true), json!("TARGETING_MATCH"))
    );
    let refused = one(&app, json!({"targetingKey": "t1", "identityToken": forged}))
        .await
        .json();
    assert_eq!(
        (refused["value"].clone(), refused["reason"].clone()),
        (json!(false), json!("STATIC"))
    );
}

async fn a_partial_rollout_buckets_the_targeting_key_like_unleash(store: Arc<dyn Store>) {
    let app = flagged(
        store,
        FlagOverride {
            rollout_percentage: Some(40),
            ..FlagOverride::default()
        },
    )
    .await;
    let mut enabled = 0;
    for i in 0..40 {
        let key = format!("visitor-{i}");
        let answer = one(&app, json!({"targetingKey": key})).await.json();
        assert_eq!(answer["reason"], "SPLIT");
        let expected = bucket(FLAG_KEY, &key) <= 40;
        assert_eq!(answer["value"], json!(expected), "{key}");
        enabled += usize::from(expected);
    }
    assert!(
        enabled > 0 && enabled < 40,
        "a 40% rollout split these 40 keys: {enabled}"
    );
    let missing = one(&app, json!({})).await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert_eq!(missing.json()["errorCode"], "TARGETING_KEY_MISSING");
}

async fn the_bulk_evaluation_answers_304_until_the_flag_changes(store: Arc<dyn Store>) {
    let state = common::state(store, ServerSettings::default()).await;
    let app = aurora_server::app(state.clone());
    let body = json!({"context": {"targetingKey": "abc"}});
    let first = evaluate(&app, "/ofrep/v1/evaluate/flags", body.clone(), None).await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.json()["flags"][0]["value"], true);
    let etag = first.header("etag").to_string();
    let unchanged = evaluate(&app, "/ofrep/v1/evaluate/flags", body.clone(), Some(&etag)).await;
    assert_eq!(unchanged.status, StatusCode::NOT_MODIFIED);
    assert!(unchanged.body.is_empty());
    change(&state, KILLED).await;
    let changed = evaluate(&app, "/ofrep/v1/evaluate/flags", body, Some(&etag)).await;
    assert_eq!(changed.status, StatusCode::OK);
    assert_ne!(changed.header("etag"), etag);
    assert_eq!(changed.json()["flags"][0]["value"], false);
}

#[tokio::test]
async fn a_change_made_through_one_instance_reaches_another_within_five_seconds() {
    let Some(db) = aurora_store::testing::TestDb::postgres().await else {
        return;
    };
    let first = common::state(db.open().await, ServerSettings::default()).await;
    let second = common::state(db.open().await, ServerSettings::default()).await;
    let watcher = tokio::spawn(aurora_server::watch_flags(
        second.clone(),
        Duration::from_millis(500),
    ));
    let app = aurora_server::app(second);
    assert_eq!(
        one(&app, json!({"targetingKey": "x"})).await.json()["value"],
        true
    );

    let changed_at = Instant::now();
    first
        .store
        .set_flag_override(
            FLAG_KEY,
            &FlagOverride {
                enabled: Some(false),
                ..FlagOverride::default()
            },
            "ops",
            first.now(),
        )
        .await
        .unwrap();
    let mut seen = false;
    while changed_at.elapsed() < Duration::from_secs(5) {
        if one(&app, json!({"targetingKey": "x"})).await.json()["reason"] == "DISABLED" {
            seen = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    watcher.abort();
    assert!(
        seen,
        "the second instance still had the widget on after 5 s"
    );
}
