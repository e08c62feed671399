//! Rules every shopper call follows, through the real router over the demo store: hostile
//! input, signed identity, CORS and rate limits. Both backends.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use aurora_core::store::Store;
use aurora_server::{LimitSettings, ServerSettings, sign_identity};
use aurora_store::backend_tests;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{
    Shopper, actions, assert_problem, blocks_of, call, cards, demo_app, demo_app_with, field_value,
    form, invalid_fields, send,
};
use serde_json::{Value, json};
use std::sync::Arc;

backend_tests!(
    a_body_over_the_limit_is_a_413_problem,
    malformed_message_bodies_are_422_problems_naming_the_field,
    a_body_that_is_not_json_is_refused,
    a_message_may_be_2000_characters_and_no_more,
    a_signed_identity_prefills_the_stylist_form_and_offers_the_shoppers_own_orders,
    a_signed_in_shopper_sees_only_their_own_orders_by_button,
    an_expired_or_forged_identity_is_ignored_and_the_request_still_succeeds,
    rotating_the_secrets_keeps_open_conversations_and_renews_old_tokens,
    cors_allows_the_store_origin_its_headers_and_exposes_the_rate_limit_headers,
    cors_gives_another_origin_nothing,
    a_visitor_over_the_rate_limit_is_told_when_to_retry,
);

fn messages(id: &str) -> String {
    format!("/api/support/conversations/{id}/messages")
}

/// A raw POST as `shopper` with `content_type` and `body`.
async fn raw(
    app: &axum::Router,
    shopper: &Shopper,
    path: &str,
    content_type: &str,
    body: impl Into<Body>,
    more: &[(&str, &str)],
) -> common::Answer {
    let mut request = Request::post(path)
        .header("x-aurora-visitor", &shopper.token)
        .header("content-type", content_type);
    for (name, value) in more {
        request = request.header(*name, *value);
    }
    send(app, request.body(body.into()).unwrap()).await
}

/// A POST of `body` as `application/json`, as the shopper.
async fn posted_json(
    app: &axum::Router,
    shopper: &Shopper,
    path: &str,
    body: impl Into<Body>,
) -> common::Answer {
    raw(app, shopper, path, "application/json", body, &[]).await
}

async fn a_body_over_the_limit_is_a_413_problem(store: Arc<dyn Store>) {
    let settings = ServerSettings {
        max_body_bytes: 4096,
        ..ServerSettings::default()
    };
    let app = demo_app_with(store.clone(), settings).await;
    let (shopper, id, _) = Shopper::start(&app).await;
    let big = json!({ "text": "a".repeat(5000) }).to_string();
    let answer = posted_json(&app, &shopper, &messages(&id), big.clone()).await;
    assert_problem(&answer, StatusCode::PAYLOAD_TOO_LARGE, "body_too_large");
    // Also when the idempotency layer reads the body first.
    let answer = raw(
        &app,
        &shopper,
        &messages(&id),
        "application/json",
        big.clone(),
        &[("idempotency-key", "big-1")],
    )
    .await;
    assert_problem(&answer, StatusCode::PAYLOAD_TOO_LARGE, "body_too_large");
    let answer = posted_json(&app, &shopper, "/api/support/stylist", big).await;
    assert_problem(&answer, StatusCode::PAYLOAD_TOO_LARGE, "body_too_large");
    assert_eq!(store.messages(&id).await.unwrap().len(), 1);
}

async fn malformed_message_bodies_are_422_problems_naming_the_field(store: Arc<dyn Store>) {
    let app = demo_app(store).await;
    let (shopper, id, _) = Shopper::start(&app).await;
    let cases: [(Value, &[&str]); 7] = [
        (json!({ "text": 5 }), &["text"]),
        (json!({ "text": ["rings"] }), &["text"]),
        (json!({ "action": { "name": "more" } }), &["action"]),
        (json!({ "text": "rings", "is_admin": true }), &["is_admin"]),
        (json!({}), &["text"]),
        (json!({ "text": "   " }), &["text"]),
        (json!({ "text": "rings", "action": "more" }), &["text"]),
    ];
    for (body, expected) in cases {
        let answer = shopper.post(&app, &messages(&id), body.clone()).await;
        assert_eq!(invalid_fields(&answer), expected, "{body}");
    }
    let array = posted_json(&app, &shopper, &messages(&id), "[\"rings\"]").await;
    assert_eq!(invalid_fields(&array), ["body"]);
}

async fn a_body_that_is_not_json_is_refused(store: Arc<dyn Store>) {
    let app = demo_app(store).await;
    let (shopper, id, _) = Shopper::start(&app).await;
    let broken = posted_json(&app, &shopper, &messages(&id), "{\"text\": \"rings\"").await;
    assert_eq!(invalid_fields(&broken), ["body"]);
    let answer = posted_json(&app, &shopper, &messages(&id), "text=rings").await;
    assert_eq!(invalid_fields(&answer), ["body"]);
    // Only JSON is accepted: a form post or plain text (which a browser may send from any site
    // without a CORS preflight) is a 415.
    for content_type in [
        "application/x-www-form-urlencoded",
        "text/plain",
        "text/plain;charset=UTF-8",
        "application/jsonp",
        "multipart/form-data; boundary=x",
    ] {
        let answer = raw(
            &app,
            &shopper,
            &messages(&id),
            content_type,
            "{\"text\": \"rings\"}",
            &[],
        )
        .await;
        assert_problem(
            &answer,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        );
    }
    let missing = send(
        &app,
        Request::post(messages(&id))
            .header("x-aurora-visitor", &shopper.token)
            .body(Body::from("{\"text\":\"rings\"}"))
            .unwrap(),
    )
    .await;
    assert_problem(
        &missing,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    );
    // With a charset, JSON is JSON.
    let charset = raw(
        &app,
        &shopper,
        &messages(&id),
        "application/json; charset=utf-8",
        "{\"text\": \"rings\"}",
        &[],
    )
    .await;
    assert_eq!(charset.status, StatusCode::OK, "{}", charset.text());
}

async fn a_message_may_be_2000_characters_and_no_more(store: Arc<dyn Store>) {
    let app = demo_app(store.clone()).await;
    let (shopper, id, _) = Shopper::start(&app).await;
    let too_long = shopper
        .post(&app, &messages(&id), json!({ "text": "é".repeat(2001) }))
        .await;
    assert_eq!(invalid_fields(&too_long), ["text"]);
    let longest = shopper
        .post(&app, &messages(&id), json!({ "text": "é".repeat(2000) }))
        .await;
    assert_eq!(longest.status, StatusCode::OK, "{}", longest.text());
    assert_eq!(
        store.messages(&id).await.unwrap()[1]
            .text
            .as_deref()
            .map(|t| t.chars().count()),
        Some(2000)
    );
}

fn identity(email: &str, expires_in: i64) -> String {
    let exp = chrono::Utc::now().timestamp() + expires_in;
    sign_identity(
        common::IDENTITY_SECRET,
        &json!({ "email": email, "exp": exp }),
    )
}

async fn a_signed_identity_prefills_the_stylist_form_and_offers_the_shoppers_own_orders(
    store: Arc<dyn Store>,
) {
    let app = demo_app(store).await;
    let (anonymous, id, _) = Shopper::start(&app).await;
    let ava = anonymous.signed_in(&identity("Ava.Thompson@example.com", 3600));
    let stylist = ava.say(&app, &id, "/stylist").await;
    assert_eq!(
        field_value(&form(&stylist), "email").as_deref(),
        Some("ava.thompson@example.com")
    );
    let track = ava.say(&app, &id, "track my order").await;
    let orders: Vec<String> = actions(&track)
        .into_iter()
        .filter(|a| a.starts_with("order:"))
        .collect();
    assert_eq!(orders, ["order:GG-104233"], "{track}");
    assert_eq!(
        field_value(&form(&track), "email").as_deref(),
        Some("ava.thompson@example.com")
    );
    // The same visitor without the identity is anonymous again.
    let plain = anonymous.say(&app, &id, "track my order").await;
    assert!(
        !actions(&plain).iter().any(|a| a.starts_with("order:")),
        "{plain}"
    );
    assert_eq!(field_value(&form(&plain), "email"), None);
}

async fn a_signed_in_shopper_sees_only_their_own_orders_by_button(store: Arc<dyn Store>) {
    let app = demo_app(store).await;
    let (anonymous, id, _) = Shopper::start(&app).await;
    let ava = anonymous.signed_in(&identity("ava.thompson@example.com", 3600));
    let own = ava.press(&app, &id, "order:GG-104233").await;
    let timeline = blocks_of(&own, "order_timeline");
    assert_eq!(timeline.len(), 1, "{own}");
    assert_eq!(timeline[0]["order_number"], "GG-104233");
    let someone_elses = ava.press(&app, &id, "order:GG-104187").await;
    assert!(
        blocks_of(&someone_elses, "order_timeline").is_empty(),
        "{someone_elses}"
    );
    assert!(
        !someone_elses.to_string().contains("liam.carter"),
        "{someone_elses}"
    );
    assert_eq!(form(&someone_elses)["form"], "order_lookup");
    // Without an identity, even the right number shows nothing.
    let anonymous_try = anonymous.press(&app, &id, "order:GG-104233").await;
    assert!(blocks_of(&anonymous_try, "order_timeline").is_empty());
}

/// An app over `store` (seeded already) with `secret_key`, `identity_secret` and previous ones.
async fn app_with_secrets(
    store: Arc<dyn Store>,
    secret_key: &str,
    identity_secret: &str,
    previous: &[&str],
    previous_identity: &[&str],
) -> axum::Router {
    let settings = aurora_server::AppSettings {
        identity_secret: Some(identity_secret.into()),
        previous_secret_keys: previous.iter().map(|k| (*k).to_string()).collect(),
        previous_identity_secrets: previous_identity.iter().map(|k| (*k).to_string()).collect(),
        ..common::settings(aurora_server::ServerSettings::default())
    };
    let settings = aurora_server::AppSettings {
        secret_key: secret_key.into(),
        ..settings
    };
    let app = aurora_server::Application::build(store, settings)
        .await
        .unwrap();
    aurora_server::app(app.state().clone())
}

async fn rotating_the_secrets_keeps_open_conversations_and_renews_old_tokens(
    store: Arc<dyn Store>,
) {
    const NEW_KEY: &str = "rotated-secret-key-0123456789-abcdefghijk";
    const NEW_IDENTITY: &str = "rotated-identity-secret";
    let before = demo_app(store.clone()).await;
    let (shopper, id, _) = Shopper::start(&before).await;
    let ava = shopper.signed_in(&identity("ava.thompson@example.com", 3600));
    assert!(!cards(&shopper.say(&before, &id, "gold rings").await).is_empty());

    // Rotated, the old key and identity secret kept as previous ones: nothing is cut off.
    let rotated = app_with_secrets(
        store.clone(),
        NEW_KEY,
        NEW_IDENTITY,
        &[common::SECRET],
        &[common::IDENTITY_SECRET],
    )
    .await;
    let reply = shopper.say(&rotated, &id, "under 500").await;
    assert!(!cards(&reply).is_empty(), "{reply}");
    let track = ava.say(&rotated, &id, "track my order").await;
    assert!(
        actions(&track).iter().any(|a| a == "order:GG-104233"),
        "the old identity secret still verifies: {track}"
    );
    // Starting a conversation hands back the same visitor's token, signed with the new key.
    let started = shopper
        .post(&rotated, "/api/support/conversations", json!({}))
        .await;
    assert_eq!(started.status, StatusCode::CREATED, "{}", started.text());
    let renewed = started.json()["visitor_token"]
        .as_str()
        .expect("a renewed token")
        .to_string();
    assert_ne!(renewed, shopper.token);
    let renewed_shopper = Shopper {
        token: renewed,
        ..shopper.clone()
    };
    let history = renewed_shopper
        .get(&rotated, &format!("/api/support/conversations/{id}"))
        .await;
    assert_eq!(
        history.status,
        StatusCode::OK,
        "the same visitor: {}",
        history.text()
    );
    // A current token is not renewed again.
    let again = renewed_shopper
        .post(&rotated, "/api/support/conversations", json!({}))
        .await;
    assert!(
        again.json().get("visitor_token").is_none(),
        "{}",
        again.text()
    );

    // The old key retired: its tokens are refused, the renewed one is not.
    let retired = app_with_secrets(store, NEW_KEY, NEW_IDENTITY, &[], &[]).await;
    let refused = shopper
        .get(&retired, &format!("/api/support/conversations/{id}"))
        .await;
    assert_problem(&refused, StatusCode::UNAUTHORIZED, "unauthorized");
    let kept = renewed_shopper
        .get(&retired, &format!("/api/support/conversations/{id}"))
        .await;
    assert_eq!(kept.status, StatusCode::OK);
    let renewed_ava = renewed_shopper.signed_in(&identity("ava.thompson@example.com", 3600));
    let track = renewed_ava.say(&retired, &id, "track my order").await;
    assert!(
        !actions(&track).iter().any(|a| a.starts_with("order:")),
        "the retired identity secret no longer verifies: {track}"
    );
}

async fn an_expired_or_forged_identity_is_ignored_and_the_request_still_succeeds(
    store: Arc<dyn Store>,
) {
    let app = demo_app(store).await;
    let (anonymous, id, _) = Shopper::start(&app).await;
    let exp = chrono::Utc::now().timestamp() + 3600;
    let bad = [
        identity("ava.thompson@example.com", -10),
        sign_identity(
            "not-the-store-secret",
            &json!({ "email": "ava.thompson@example.com", "exp": exp }),
        ),
        identity("ava.thompson@example.com", 3 * 24 * 3600),
        "not.a.jwt".to_string(),
    ];
    for jwt in bad {
        let shopper = anonymous.signed_in(&jwt);
        let stylist = shopper.say(&app, &id, "/stylist").await;
        assert_eq!(field_value(&form(&stylist), "email"), None, "{jwt}");
        let own = shopper.press(&app, &id, "order:GG-104233").await;
        assert!(blocks_of(&own, "order_timeline").is_empty(), "{jwt}");
    }
}

fn preflight(origin: &str) -> Request<Body> {
    Request::builder()
        .method("OPTIONS")
        .uri("/api/support/conversations/abc/messages")
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "content-type,x-aurora-visitor,x-aurora-identity,idempotency-key",
        )
        .body(Body::empty())
        .unwrap()
}

/// A GET of `path` from a page of `origin`.
async fn from_origin(app: &axum::Router, path: &str, origin: &str) -> common::Answer {
    call(app, "GET", path, &[("origin", origin)], None).await
}

fn cors_settings() -> ServerSettings {
    ServerSettings {
        allowed_origins: vec!["http://shop.example".into()],
        ..ServerSettings::default()
    }
}

async fn cors_allows_the_store_origin_its_headers_and_exposes_the_rate_limit_headers(
    store: Arc<dyn Store>,
) {
    let app = demo_app_with(store, cors_settings()).await;
    let answer = send(&app, preflight("http://shop.example")).await;
    assert!(
        answer.status.is_success(),
        "{} {:?}",
        answer.status,
        answer.headers
    );
    assert_eq!(
        answer.header("access-control-allow-origin"),
        "http://shop.example"
    );
    let allowed = answer.header("access-control-allow-headers").to_lowercase();
    for header in [
        "content-type",
        "x-aurora-visitor",
        "x-aurora-identity",
        "idempotency-key",
    ] {
        assert!(allowed.contains(header), "{header} not in {allowed}");
    }
    assert!(
        answer
            .header("access-control-allow-methods")
            .contains("POST")
    );
    let get = from_origin(&app, "/api/support/products?limit=1", "http://shop.example").await;
    assert_eq!(get.status, StatusCode::OK);
    assert_eq!(
        get.header("access-control-allow-origin"),
        "http://shop.example"
    );
    let exposed = get.header("access-control-expose-headers").to_lowercase();
    for header in ["retry-after", "ratelimit", "ratelimit-policy", "etag"] {
        assert!(
            exposed.split(',').any(|h| h.trim() == header),
            "{header} not in {exposed}"
        );
    }
    // Errors carry CORS too, so the widget can read them.
    let unauthorised = from_origin(&app, "/api/support/shortlist", "http://shop.example").await;
    assert_eq!(unauthorised.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        unauthorised.header("access-control-allow-origin"),
        "http://shop.example"
    );
}

async fn cors_gives_another_origin_nothing(store: Arc<dyn Store>) {
    let app = demo_app_with(store, cors_settings()).await;
    let answer = send(&app, preflight("http://evil.example")).await;
    assert!(
        answer.headers.get("access-control-allow-origin").is_none(),
        "{:?}",
        answer.headers
    );
    let get = from_origin(&app, "/api/support/products?limit=1", "http://evil.example").await;
    assert!(get.headers.get("access-control-allow-origin").is_none());
    // Without any configured origin, nobody is allowed.
    let db = aurora_store::testing::TestDb::sqlite();
    let closed = demo_app(db.open().await).await;
    let answer = send(&closed, preflight("http://shop.example")).await;
    assert!(answer.headers.get("access-control-allow-origin").is_none());
}

async fn a_visitor_over_the_rate_limit_is_told_when_to_retry(store: Arc<dyn Store>) {
    let settings = ServerSettings {
        limits: LimitSettings {
            visitor_per_minute: 3,
            ..LimitSettings::default()
        },
        ..ServerSettings::default()
    };
    let app = demo_app_with(store, settings).await;
    // Starting the conversation has no visitor yet, so it does not count.
    let (shopper, id, _) = Shopper::start(&app).await;
    for _ in 0..3 {
        assert_eq!(
            shopper.get(&app, "/api/support/shortlist").await.status,
            StatusCode::OK
        );
    }
    let limited = shopper
        .post(&app, &messages(&id), json!({ "text": "rings" }))
        .await;
    assert_problem(&limited, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    let retry: u64 = limited.header("retry-after").parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    assert_eq!(limited.header("ratelimit-policy"), "3;w=60");
    assert_eq!(
        limited.header("ratelimit"),
        format!("limit=3, remaining=0, reset={retry}")
    );
    // Another visitor is not held back.
    let (other, other_id, _) = Shopper::start(&app).await;
    assert_eq!(
        other
            .post(&app, &messages(&other_id), json!({ "text": "rings" }))
            .await
            .status,
        StatusCode::OK
    );
}
