//! Metrics through the real router: per-route HTTP metrics labelled by route template, the
//! one-hour windows behind the JSON and summary formats, widget events, deflection, the idle
//! sweep, who may read the metrics, and `promtool check metrics` on the Prometheus output.
//!
//! The Prometheus recorder is one per process and these tests run in parallel, so assertions on
//! `/metrics` compare against a value read before (counters only go up); the JSON windows are
//! per app and exact.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use aurora_core::store::Store;
use aurora_server::{AppState, LimitSettings, ServerSettings};
use aurora_store::backend_tests;
use aurora_store::testing::TestDb;
use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use chrono::{DateTime, Utc};
use common::{Answer, Shopper, assert_problem, call, get, send};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

backend_tests!(
    per_route_metrics_are_labelled_by_the_route_template_never_the_raw_path,
    the_json_format_has_p50_p95_p99_and_error_rates_for_5_minutes_and_the_hour,
    the_windows_forget_requests_older_than_an_hour,
    widget_events_feed_the_counters_and_the_open_rate,
    a_batch_with_an_unknown_event_type_is_refused_whole,
    events_are_accepted_as_text_plain_without_a_visitor_token_and_at_most_50_at_once,
    events_are_rate_limited_per_ip,
    deflection_counts_conversations_ended_by_the_shopper_and_by_inactivity,
    the_idle_sweep_ends_each_idle_conversation_once_and_counts_it,
    the_summary_is_short_readable_text,
    an_unknown_format_is_a_422,
    metrics_refuse_a_remote_caller_when_no_token_is_set,
    with_a_token_set_only_the_bearer_token_opens_the_metrics,
    every_metric_has_help_text_and_the_counters_exist_before_their_first_increment,
    the_prometheus_output_passes_promtool_check_metrics,
);

#[tokio::test]
async fn the_flag_gauges_follow_the_kill_switch_and_the_rollout() {
    // No other test of this binary reports the flag, so the values are exact.
    let db = TestDb::sqlite();
    let clock = TestClock::new();
    let (app, _) = app_on(db.open().await, ServerSettings::default(), &clock).await;
    aurora_server::flag_state(false, 25);
    let text = prometheus(&app).await;
    assert_eq!(sample(&text, "aurora_concierge_enabled", &[]), Some(0.0));
    assert_eq!(sample(&text, "aurora_rollout_percentage", &[]), Some(25.0));
    aurora_server::flag_state(true, 100);
    let text = prometheus(&app).await;
    assert_eq!(sample(&text, "aurora_concierge_enabled", &[]), Some(1.0));
    assert_eq!(sample(&text, "aurora_rollout_percentage", &[]), Some(100.0));
}

/// A clock the test moves.
#[derive(Clone)]
struct TestClock(Arc<Mutex<DateTime<Utc>>>);

impl TestClock {
    fn new() -> Self {
        TestClock(Arc::new(Mutex::new(Utc::now())))
    }

    fn advance(&self, by: chrono::Duration) {
        *self.0.lock().unwrap() += by;
    }

    fn install(&self, state: AppState) -> AppState {
        let clock = self.0.clone();
        state.with_clock(move || *clock.lock().unwrap())
    }
}

/// The demo app with `settings`, its state on `clock`.
async fn app_on(
    store: Arc<dyn Store>,
    settings: ServerSettings,
    clock: &TestClock,
) -> (Router, AppState) {
    common::seed_demo(&store).await;
    let state = clock.install(common::state(store, settings).await);
    (aurora_server::app(state.clone()), state)
}

/// A request from `peer`, as a real socket would give it.
async fn from_peer(app: &Router, path: &str, peer: [u8; 4], headers: &[(&str, &str)]) -> Answer {
    let mut request = Request::get(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut request = request.body(Body::empty()).unwrap();
    request
        .extensions_mut()
        .insert(ConnectInfo(SocketAddr::from((peer, 40000))));
    send(app, request).await
}

async fn metrics_json(app: &Router) -> Value {
    let answer = get(app, "/api/metrics").await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    assert!(
        answer
            .header("content-type")
            .starts_with("application/json")
    );
    answer.json()
}

async fn prometheus(app: &Router) -> String {
    let answer = get(app, "/metrics").await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    assert!(
        answer
            .header("content-type")
            .starts_with("text/plain; version=0.0.4")
    );
    answer.text()
}

/// The value of the sample `name{labels…}` (other labels may be present), if any.
fn sample(text: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .find_map(|line| {
            let (series, value) = line.rsplit_once(' ')?;
            let (metric, rest) = match series.split_once('{') {
                Some((metric, rest)) => (metric, rest),
                None => (series, ""),
            };
            let matches = metric == name
                && labels
                    .iter()
                    .all(|(k, v)| rest.contains(&format!("{k}=\"{v}\"")));
            matches.then(|| value.parse().unwrap())
        })
}

fn endpoint<'a>(report: &'a Value, method: &str, route: &str) -> &'a Value {
    report["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["method"] == method && e["route"] == route)
        .unwrap_or_else(|| panic!("no {method} {route} in {report:#}"))
}

async fn post_events(app: &Router, events: &[&str]) -> Answer {
    let events: Vec<Value> = events.iter().map(|t| json!({ "type": t })).collect();
    call(
        app,
        "POST",
        "/api/support/events",
        &[],
        Some(&json!({ "events": events })),
    )
    .await
}

async fn per_route_metrics_are_labelled_by_the_route_template_never_the_raw_path(
    store: Arc<dyn Store>,
) {
    let clock = TestClock::new();
    let (app, _) = app_on(store, ServerSettings::default(), &clock).await;
    let (shopper, id, _) = Shopper::start(&app).await;
    shopper.say(&app, &id, "rose gold rings").await;
    let missing = get(&app, "/no/such/page-8c1f").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    let text = prometheus(&app).await;
    let messages = [
        ("route", "/api/support/conversations/{id}/messages"),
        ("method", "POST"),
        ("status", "2xx"),
    ];
    assert!(sample(&text, "aurora_http_requests_total", &messages).unwrap() >= 1.0);
    let histogram = [
        ("route", "/api/support/conversations/{id}/messages"),
        ("method", "POST"),
    ];
    assert!(
        sample(
            &text,
            "aurora_http_request_duration_seconds_count",
            &histogram
        )
        .unwrap()
            >= 1.0
    );
    for le in ["0.001", "0.8", "1", "2", "5", "+Inf"] {
        let mut labels = histogram.to_vec();
        labels.push(("le", le));
        assert!(
            sample(
                &text,
                "aurora_http_request_duration_seconds_bucket",
                &labels
            )
            .is_some(),
            "no bucket le={le}"
        );
    }
    let unmatched = [("route", "unmatched"), ("method", "GET"), ("status", "4xx")];
    assert!(sample(&text, "aurora_http_requests_total", &unmatched).unwrap() >= 1.0);
    assert!(!text.contains(&id), "a raw conversation id is in a label");
    assert!(!text.contains("page-8c1f"), "a raw path is in a label");

    let report = metrics_json(&app).await;
    let json = report.to_string();
    assert!(!json.contains(&id) && !json.contains("page-8c1f"), "{json}");
    let row = endpoint(&report, "POST", "/api/support/conversations/{id}/messages");
    assert_eq!(row["last_1h"]["requests"], 1);
}

async fn the_json_format_has_p50_p95_p99_and_error_rates_for_5_minutes_and_the_hour(
    store: Arc<dyn Store>,
) {
    let clock = TestClock::new();
    let (app, _) = app_on(store, ServerSettings::default(), &clock).await;
    for _ in 0..3 {
        assert_eq!(
            post_events(&app, &["load"]).await.status,
            StatusCode::ACCEPTED
        );
    }
    assert_eq!(
        post_events(&app, &["explode"]).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let report = metrics_json(&app).await;
    let row = endpoint(&report, "POST", "/api/support/events");
    for period in ["last_5m", "last_1h"] {
        let traffic = &row[period];
        assert_eq!(traffic["requests"], 4, "{period}: {traffic}");
        assert_eq!(traffic["errors_4xx"], 1);
        assert_eq!(traffic["errors_5xx"], 0);
        assert_eq!(traffic["error_rate"], 0.0);
        assert_eq!(traffic["client_error_rate"], 0.25);
        let p = |q: &str| traffic["latency_ms"][q].as_f64().unwrap();
        assert!(
            0.0 < p("p50") && p("p50") <= p("p95") && p("p95") <= p("p99"),
            "{traffic}"
        );
        assert!(p("p99") < 10_000.0);
    }
}

/// Server errors come from a database whose one connection is held by an open import: every
/// other call times out waiting for it (503, counted as a database error).
#[tokio::test]
async fn client_errors_and_server_errors_are_counted_apart() {
    let db = TestDb::sqlite();
    let options = aurora_store::ConnectOptions {
        max_connections: 1,
        acquire_timeout: Duration::from_millis(200),
        ..aurora_store::ConnectOptions::default()
    };
    let store = aurora_store::open(&db.url, &options).await.unwrap();
    let clock = TestClock::new();
    let (app, _) = app_on(store.clone(), ServerSettings::default(), &clock).await;
    let db_errors_before = sample(&prometheus(&app).await, "aurora_db_errors_total", &[]).unwrap();

    let hostage = store.begin_import().await.unwrap();
    let failed = call(
        &app,
        "POST",
        "/api/support/conversations",
        &[],
        Some(&json!({})),
    )
    .await;
    assert_problem(
        &failed,
        StatusCode::SERVICE_UNAVAILABLE,
        "database_unavailable",
    );
    let refused = post_events(&app, &["wave"]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The metrics still answer while the database does not.
    let report = metrics_json(&app).await;
    drop(hostage);

    let start = endpoint(&report, "POST", "/api/support/conversations");
    assert_eq!(start["last_5m"]["errors_5xx"], 1);
    assert_eq!(start["last_5m"]["errors_4xx"], 0);
    assert_eq!(start["last_5m"]["error_rate"], 1.0);
    let events = endpoint(&report, "POST", "/api/support/events");
    assert_eq!(events["last_5m"]["errors_4xx"], 1);
    assert_eq!(events["last_5m"]["errors_5xx"], 0);
    assert_eq!(events["last_5m"]["error_rate"], 0.0);
    assert_eq!(
        report["business"]["last_1h"]["deflection_rate"],
        Value::Null
    );
    assert_eq!(report["gauges"]["open_conversations"], Value::Null);

    let text = prometheus(&app).await;
    let class = |status| {
        [
            ("route", "/api/support/conversations"),
            ("method", "POST"),
            ("status", status),
        ]
    };
    assert!(sample(&text, "aurora_http_requests_total", &class("5xx")).unwrap() >= 1.0);
    let events_4xx = [
        ("route", "/api/support/events"),
        ("method", "POST"),
        ("status", "4xx"),
    ];
    assert!(sample(&text, "aurora_http_requests_total", &events_4xx).unwrap() >= 1.0);
    let db_errors = sample(&text, "aurora_db_errors_total", &[]).unwrap();
    assert!(
        db_errors >= db_errors_before + 1.0,
        "{db_errors_before} -> {db_errors}"
    );
}

async fn the_windows_forget_requests_older_than_an_hour(store: Arc<dyn Store>) {
    let clock = TestClock::new();
    let (app, _) = app_on(store, ServerSettings::default(), &clock).await;
    post_events(&app, &["load", "open"]).await;

    clock.advance(chrono::Duration::minutes(6));
    let report = metrics_json(&app).await;
    let row = endpoint(&report, "POST", "/api/support/events");
    assert_eq!(row["last_5m"]["requests"], 0);
    assert_eq!(row["last_5m"]["latency_ms"]["p50"], Value::Null);
    assert_eq!(row["last_1h"]["requests"], 1);
    assert_eq!(report["business"]["last_5m"]["widget_loads"], 0);
    assert_eq!(report["business"]["last_1h"]["widget_loads"], 1);

    clock.advance(chrono::Duration::minutes(55));
    let report = metrics_json(&app).await;
    let routes: Vec<&Value> = report["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["route"] == "/api/support/events")
        .collect();
    assert!(routes.is_empty(), "an hour later: {routes:?}");
    assert_eq!(report["business"]["last_1h"]["widget_loads"], 0);
    assert_eq!(
        report["business"]["last_1h"]["widget_open_rate"],
        Value::Null
    );
}

async fn widget_events_feed_the_counters_and_the_open_rate(store: Arc<dyn Store>) {
    let clock = TestClock::new();
    let (app, _) = app_on(store, ServerSettings::default(), &clock).await;
    let before = prometheus(&app).await;
    let count = |text: &str, name: &str| sample(text, name, &[]).unwrap();

    let answer = post_events(&app, &["load", "load", "load", "open", "close", "load"]).await;
    assert_eq!(answer.status, StatusCode::ACCEPTED, "{}", answer.text());

    let after = prometheus(&app).await;
    for (name, n) in [
        ("aurora_widget_loads_total", 4.0),
        ("aurora_widget_opens_total", 1.0),
        ("aurora_widget_closes_total", 1.0),
    ] {
        assert!(count(&after, name) >= count(&before, name) + n, "{name}");
    }
    let business = &metrics_json(&app).await["business"];
    for period in ["last_5m", "last_1h"] {
        assert_eq!(business[period]["widget_loads"], 4);
        assert_eq!(business[period]["widget_opens"], 1);
        assert_eq!(business[period]["widget_closes"], 1);
        assert_eq!(business[period]["widget_open_rate"], 0.25);
    }
}

async fn a_batch_with_an_unknown_event_type_is_refused_whole(store: Arc<dyn Store>) {
    let clock = TestClock::new();
    let (app, _) = app_on(store, ServerSettings::default(), &clock).await;
    let answer = post_events(&app, &["load", "purchase"]).await;
    assert_eq!(common::invalid_fields(&answer), ["events[1].type"]);
    let personal = call(
        &app,
        "POST",
        "/api/support/events",
        &[],
        Some(&json!({ "events": [{ "type": "open", "email": "ava@example.com" }] })),
    )
    .await;
    assert_eq!(common::invalid_fields(&personal), ["events[0].email"]);
    let business = &metrics_json(&app).await["business"];
    assert_eq!(business["last_1h"]["widget_loads"], 0);
    assert_eq!(business["last_1h"]["widget_opens"], 0);
}

async fn events_are_accepted_as_text_plain_without_a_visitor_token_and_at_most_50_at_once(
    store: Arc<dyn Store>,
) {
    let clock = TestClock::new();
    let (app, _) = app_on(store, ServerSettings::default(), &clock).await;
    // What navigator.sendBeacon(url, JSON.stringify(batch)) sends.
    let beacon = Request::post("/api/support/events")
        .header("content-type", "text/plain;charset=UTF-8")
        .body(Body::from(
            r#"{"events":[{"type":"load"},{"type":"open"}]}"#,
        ))
        .unwrap();
    let answer = send(&app, beacon).await;
    assert_eq!(answer.status, StatusCode::ACCEPTED, "{}", answer.text());

    let fifty = vec!["load"; 50];
    assert_eq!(post_events(&app, &fifty).await.status, StatusCode::ACCEPTED);
    let too_many = vec!["load"; 51];
    assert_eq!(
        common::invalid_fields(&post_events(&app, &too_many).await),
        ["events"]
    );
    let business = &metrics_json(&app).await["business"];
    assert_eq!(business["last_1h"]["widget_loads"], 51);
    assert_eq!(business["last_1h"]["widget_opens"], 1);
}

async fn events_are_rate_limited_per_ip(store: Arc<dyn Store>) {
    let clock = TestClock::new();
    let settings = ServerSettings {
        limits: LimitSettings {
            ip_per_minute: 2,
            ..LimitSettings::default()
        },
        ..ServerSettings::default()
    };
    let (app, _) = app_on(store, settings, &clock).await;
    let before = sample(
        &prometheus(&app).await,
        "aurora_rate_limited_total",
        &[("scope", "ip")],
    );
    assert_eq!(
        post_events(&app, &["load"]).await.status,
        StatusCode::ACCEPTED
    );
    assert_eq!(
        post_events(&app, &["load"]).await.status,
        StatusCode::ACCEPTED
    );
    let third = post_events(&app, &["load"]).await;
    assert_problem(&third, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    let after = sample(
        &prometheus(&app).await,
        "aurora_rate_limited_total",
        &[("scope", "ip")],
    );
    assert!(after.unwrap() >= before.unwrap() + 1.0);
    // The metrics endpoints are not under the shoppers' limits.
    assert_eq!(
        metrics_json(&app).await["business"]["last_5m"]["widget_loads"],
        2
    );
}

async fn deflection_counts_conversations_ended_by_the_shopper_and_by_inactivity(
    store: Arc<dyn Store>,
) {
    let clock = TestClock::new();
    let (app, _) = app_on(store, ServerSettings::default(), &clock).await;
    let (shopper, ended, _) = Shopper::start(&app).await;
    let with_ticket = shopper.start_again(&app).await;
    let idle = shopper.start_again(&app).await;
    assert_eq!(shopper.end(&app, &ended).await.status, StatusCode::OK);
    let stylist = json!({
        "name": "Ava Thompson",
        "email": "ava.thompson@example.com",
        "preferred_contact": "email",
        "message": "I need an anniversary gift",
        "conversation_id": with_ticket,
    });
    let ticket = shopper.post(&app, "/api/support/stylist", stylist).await;
    assert_eq!(ticket.status, StatusCode::CREATED, "{}", ticket.text());
    assert_eq!(shopper.end(&app, &with_ticket).await.status, StatusCode::OK);

    let now = metrics_json(&app).await;
    assert_eq!(now["gauges"]["open_conversations"], 1);
    assert_eq!(now["business"]["last_5m"]["conversations_ended"], 2);
    assert_eq!(now["business"]["last_5m"]["deflection_rate"], 0.5);

    // `idle` ends by inactivity 30 minutes after its last activity.
    clock.advance(chrono::Duration::minutes(31));
    let later = metrics_json(&app).await;
    assert_eq!(later["gauges"]["open_conversations"], 0);
    let hour = &later["business"]["last_1h"];
    assert_eq!(hour["conversations_ended"], 3, "{hour}");
    assert_eq!(hour["conversations_ended_with_ticket"], 1);
    assert_eq!(hour["deflection_rate"], 0.6667);
    let five = &later["business"]["last_5m"];
    assert_eq!(
        five["conversations_ended"], 1,
        "only {idle} ended in the last 5 minutes"
    );
    assert_eq!(five["deflection_rate"], 1.0);
}

async fn the_idle_sweep_ends_each_idle_conversation_once_and_counts_it(store: Arc<dyn Store>) {
    let clock = TestClock::new();
    let (app, state) = app_on(store.clone(), ServerSettings::default(), &clock).await;
    let (_, id, _) = Shopper::start(&app).await;
    let ended = [("with_ticket", "false")];
    let before = sample(
        &prometheus(&app).await,
        "aurora_conversations_ended_total",
        &ended,
    )
    .unwrap();

    assert_eq!(
        aurora_server::sweep_idle_conversations_once(&state)
            .await
            .unwrap(),
        0
    );
    clock.advance(chrono::Duration::minutes(31));
    assert_eq!(
        aurora_server::sweep_idle_conversations_once(&state)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        aurora_server::sweep_idle_conversations_once(&state)
            .await
            .unwrap(),
        0
    );

    let conversation = store.conversation(&id).await.unwrap().unwrap();
    assert_eq!(
        conversation.ended_at,
        Some(conversation.last_activity_at + chrono::Duration::minutes(30))
    );
    let after = sample(
        &prometheus(&app).await,
        "aurora_conversations_ended_total",
        &ended,
    )
    .unwrap();
    assert!(after >= before + 1.0, "{before} -> {after}");
}

async fn the_summary_is_short_readable_text(store: Arc<dyn Store>) {
    let clock = TestClock::new();
    let (app, _) = app_on(store, ServerSettings::default(), &clock).await;
    let (shopper, id, _) = Shopper::start(&app).await;
    shopper.say(&app, &id, "necklaces under $500").await;
    post_events(&app, &["load", "load", "open"]).await;

    let answer = get(&app, "/api/metrics?format=summary").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.header("content-type").starts_with("text/plain"));
    let text = answer.text();
    for expected in [
        "last 5 min",
        "last hour",
        "widget open rate",
        "50.0%",
        "deflection",
        "open conversations 1",
        "concierge enabled, rollout",
        "POST /api/support/conversations/{id}/messages",
    ] {
        assert!(text.contains(expected), "no {expected:?} in:\n{text}");
    }
    assert!(!text.contains(&id));
    assert!(text.lines().count() < 40, "{text}");
    assert!(text.lines().all(|line| line.len() <= 100), "{text}");
}

async fn an_unknown_format_is_a_422(store: Arc<dyn Store>) {
    let clock = TestClock::new();
    let (app, _) = app_on(store, ServerSettings::default(), &clock).await;
    assert_eq!(
        common::invalid_fields(&get(&app, "/api/metrics?format=xml").await),
        ["format"]
    );
    let text = get(&app, "/api/metrics?format=prometheus").await;
    assert_eq!(text.status, StatusCode::OK);
    assert!(
        text.text()
            .contains("# TYPE aurora_http_requests_total counter")
    );
}

async fn metrics_refuse_a_remote_caller_when_no_token_is_set(store: Arc<dyn Store>) {
    let clock = TestClock::new();
    let (app, _) = app_on(store, ServerSettings::default(), &clock).await;
    for path in ["/metrics", "/api/metrics", "/api/metrics?format=summary"] {
        let remote = from_peer(&app, path, [203, 0, 113, 9], &[]).await;
        assert_problem(&remote, StatusCode::FORBIDDEN, "metrics_private");
        // A proxy on this host relays a remote caller: still refused.
        let relayed = from_peer(
            &app,
            path,
            [127, 0, 0, 1],
            &[("x-forwarded-for", "203.0.113.9")],
        )
        .await;
        assert_problem(&relayed, StatusCode::FORBIDDEN, "metrics_private");
        let local = from_peer(&app, path, [127, 0, 0, 1], &[]).await;
        assert_eq!(local.status, StatusCode::OK, "{path}");
    }
}

async fn with_a_token_set_only_the_bearer_token_opens_the_metrics(store: Arc<dyn Store>) {
    let clock = TestClock::new();
    let settings = ServerSettings {
        metrics_token: Some("s3cret-metrics-token".into()),
        ..ServerSettings::default()
    };
    let (app, _) = app_on(store, settings, &clock).await;
    let remote = [198, 51, 100, 7];
    for path in ["/metrics", "/api/metrics"] {
        let none = from_peer(&app, path, [127, 0, 0, 1], &[]).await;
        assert_problem(&none, StatusCode::UNAUTHORIZED, "unauthorized");
        assert!(none.header("www-authenticate").starts_with("Bearer"));
        let wrong = from_peer(
            &app,
            path,
            remote,
            &[("authorization", "Bearer s3cret-metrics-tokeN")],
        )
        .await;
        assert_problem(&wrong, StatusCode::UNAUTHORIZED, "unauthorized");
        let right = from_peer(
            &app,
            path,
            remote,
            &[("authorization", "Bearer s3cret-metrics-token")],
        )
        .await;
        assert_eq!(right.status, StatusCode::OK, "{path}: {}", right.text());
        assert_eq!(right.header("cache-control"), "no-store");
    }
}

/// Every metric the alerts and dashboards use (config/grafana/check_queries.py).
const NAMES: [(&str, &str); 20] = [
    ("aurora_http_requests_total", "counter"),
    ("aurora_http_request_duration_seconds", "histogram"),
    ("aurora_db_pool_connections", "gauge"),
    ("aurora_open_conversations", "gauge"),
    ("aurora_rollout_percentage", "gauge"),
    ("aurora_concierge_enabled", "gauge"),
    ("aurora_widget_loads_total", "counter"),
    ("aurora_widget_opens_total", "counter"),
    ("aurora_widget_closes_total", "counter"),
    ("aurora_messages_total", "counter"),
    ("aurora_products_shown_total", "counter"),
    ("aurora_shortlist_adds_total", "counter"),
    ("aurora_tickets_total", "counter"),
    ("aurora_csat_responses_total", "counter"),
    ("aurora_csat_score_points_total", "counter"),
    ("aurora_rate_limited_total", "counter"),
    ("aurora_db_errors_total", "counter"),
    ("aurora_webhook_failures_total", "counter"),
    ("aurora_conversations_ended_total", "counter"),
    ("aurora_identity_rejected_total", "counter"),
];

async fn every_metric_has_help_text_and_the_counters_exist_before_their_first_increment(
    store: Arc<dyn Store>,
) {
    let clock = TestClock::new();
    let (app, _) = app_on(store, ServerSettings::default(), &clock).await;
    get(&app, "/api/health").await;
    let text = prometheus(&app).await;
    for (name, kind) in NAMES {
        assert!(
            text.contains(&format!("# HELP {name} ")),
            "no help for {name}"
        );
        assert!(
            text.contains(&format!("# TYPE {name} {kind}")),
            "no type for {name}"
        );
    }
    for (name, labels) in [
        (
            "aurora_tickets_total",
            vec![("kind", "stylist"), ("kind", "return"), ("kind", "resize")],
        ),
        (
            "aurora_rate_limited_total",
            vec![
                ("scope", "visitor"),
                ("scope", "ip"),
                ("scope", "order_lookup"),
            ],
        ),
        (
            "aurora_conversations_ended_total",
            vec![("with_ticket", "true"), ("with_ticket", "false")],
        ),
        (
            "aurora_db_pool_connections",
            vec![("state", "in_use"), ("state", "idle")],
        ),
        (
            "aurora_messages_total",
            vec![("intent", "find_product"), ("intent", "action")],
        ),
    ] {
        for label in labels {
            assert!(
                sample(&text, name, &[label]).is_some(),
                "no {name}{label:?}"
            );
        }
    }
    for name in [
        "aurora_webhook_failures_total",
        "aurora_csat_score_points_total",
        "aurora_open_conversations",
        "aurora_rollout_percentage",
        "aurora_concierge_enabled",
    ] {
        assert!(sample(&text, name, &[]).is_some(), "no {name} series");
    }
}

/// The path of promtool, from scripts/tools.sh (PATH, $PROMTOOL, target/tools or the Debian
/// package); `None` after saying so loudly.
fn promtool() -> Option<String> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let found = std::process::Command::new("bash")
        .arg("-c")
        .arg("source scripts/tools.sh && ensure_promtool")
        .current_dir(root)
        .output();
    match found {
        Ok(out) if out.status.success() => {
            Some(String::from_utf8_lossy(&out.stdout).trim().to_string())
        }
        other => {
            eprintln!(
                "SKIPPED: promtool check metrics: no promtool ({other:?}). \
                 Run the README test command, or set PROMTOOL=/path/to/promtool."
            );
            None
        }
    }
}

async fn the_prometheus_output_passes_promtool_check_metrics(store: Arc<dyn Store>) {
    let clock = TestClock::new();
    let (app, _) = app_on(store, ServerSettings::default(), &clock).await;
    let (shopper, id, _) = Shopper::start(&app).await;
    shopper.say(&app, &id, "gold hoops").await;
    post_events(&app, &["load", "open"]).await;
    get(&app, "/nothing-here").await;
    let text = prometheus(&app).await;

    let Some(promtool) = promtool() else {
        return;
    };
    use std::io::Write;
    let mut check = std::process::Command::new(&promtool)
        .args(["check", "metrics"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    check
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = check.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "promtool check metrics failed:\n{}{}\n--- output checked:\n{text}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Two instances on one PostgreSQL database sweeping at the same moment: each idle conversation
/// is ended (and counted) by exactly one of them.
#[tokio::test]
async fn two_instances_sweeping_at_once_end_each_idle_conversation_once() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let clock = TestClock::new();
    let (app, first) = app_on(db.open().await, ServerSettings::default(), &clock).await;
    let second = clock.install(common::state(db.open().await, ServerSettings::default()).await);
    for _ in 0..20 {
        Shopper::start(&app).await;
    }
    clock.advance(chrono::Duration::minutes(31));
    let (a, b) = tokio::join!(
        aurora_server::sweep_idle_conversations_once(&first),
        aurora_server::sweep_idle_conversations_once(&second),
    );
    assert_eq!(a.unwrap() + b.unwrap(), 20);
    assert_eq!(
        aurora_server::sweep_idle_conversations_once(&second)
            .await
            .unwrap(),
        0
    );
}
