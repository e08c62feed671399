//! The OpenAPI description: current in docs/api/, served, true to the router (every documented
//! operation answers, every documented body field is accepted, undocumented ones are refused),
//! and true to the answers (real answers of a whole visit validate against their schemas).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use aurora_store::testing::TestDb;
use axum::Router;
use axum::http::StatusCode;
use common::{Answer, Shopper, call, demo_app};
use serde_json::{Value, json};

const COMMITTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/api/openapi.json");

fn document() -> Value {
    serde_json::from_str(&aurora_server::openapi_json()).unwrap()
}

#[test]
fn every_operation_id_is_unique() {
    let doc = document();
    let mut seen = std::collections::BTreeMap::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            if let Some(id) = operation.get("operationId").and_then(Value::as_str)
                && let Some(other) = seen.insert(id.to_string(), format!("{method} {path}"))
            {
                panic!("operationId `{id}` names both {other} and {method} {path}");
            }
        }
    }
}

#[test]
fn the_committed_description_is_current() {
    let committed = std::fs::read_to_string(COMMITTED).unwrap_or_default();
    assert!(
        committed == aurora_server::openapi_json(),
        "docs/api/openapi.json is stale: renew it with `cargo run -- openapi > docs/api/openapi.json`"
    );
}

/// The document without its prose (`description`, `summary`): paths, parameters, properties,
/// types and enums.
fn structure(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(key, _)| *key != "description" && *key != "summary")
                .map(|(key, value)| (key.clone(), structure(value)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(structure).collect()),
        other => other.clone(),
    }
}

/// Where `old` is not within `new`: every key of an object, and every item of an array (in any
/// order), must still be there, the same or grown.
fn missing(old: &Value, new: &Value, at: &str, out: &mut Vec<String>) {
    match (old, new) {
        (Value::Object(old), Value::Object(new)) => {
            for (key, value) in old {
                match new.get(key) {
                    Some(now) => missing(value, now, &format!("{at}/{key}"), out),
                    None => out.push(format!("{at}/{key}")),
                }
            }
        }
        (Value::Array(old), Value::Array(new)) => {
            for (i, item) in old.iter().enumerate() {
                if !new.iter().any(|now| {
                    let mut gaps = Vec::new();
                    missing(item, now, "", &mut gaps);
                    gaps.is_empty()
                }) {
                    out.push(format!("{at}/{i}"));
                }
            }
        }
        _ if old == new => {}
        _ => out.push(format!("{at}: {old} is now {new}")),
    }
}

#[test]
fn every_path_parameter_property_type_and_enum_of_before_is_still_there() {
    // docs/api/openapi.json of main on 2026-12-04, its prose removed. Later issues add fields
    // (a product card's `price_max` and `metals`); none may remove or change one.
    let before: Value =
        serde_json::from_str(include_str!("fixtures/openapi-structure-2026-12-04.json")).unwrap();
    let mut gaps = Vec::new();
    missing(&before, &structure(&document()), "", &mut gaps);
    assert_eq!(gaps, Vec::<String>::new());
    // The check itself: a removed property and a changed type are both found.
    let mut changed = before.clone();
    changed["components"]["schemas"]["ProductCard"]["properties"]
        .as_object_mut()
        .unwrap()
        .remove("price");
    changed["components"]["schemas"]["Health"]["properties"]["status"]["type"] = "integer".into();
    let mut found = Vec::new();
    missing(&before, &changed, "", &mut found);
    assert_eq!(found.len(), 2, "{found:?}");
}

#[tokio::test]
async fn the_service_serves_it() {
    let db = TestDb::sqlite();
    let app = common::app(db.open().await).await;
    let answer = call(&app, "GET", "/api/openapi.json", &[], None).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.headers["content-type"], "application/json");
    assert_eq!(answer.text(), aurora_server::openapi_json());
    assert_eq!(answer.json()["openapi"], "3.1.0");
}

/// Every documented (method, path template) pair.
fn operations(doc: &Value) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in ["get", "post", "delete", "put", "patch"] {
            if item.get(method).is_some() {
                found.push((method.to_uppercase(), path.clone()));
            }
        }
    }
    found
}

#[tokio::test]
async fn every_documented_operation_is_routed() {
    let db = TestDb::sqlite();
    let app = demo_app(db.open().await).await;
    let doc = document();
    let operations = operations(&doc);
    assert!(operations.len() >= 20, "{operations:?}");
    for (method, path) in operations {
        let concrete = path.replace(['{', '}'], "");
        let answer = call(&app, &method, &concrete, &[], Some(&json!({}))).await;
        let unrouted = answer.status == StatusCode::METHOD_NOT_ALLOWED
            || (answer.status == StatusCode::NOT_FOUND
                && answer.text().contains("There is nothing at this address"));
        assert!(!unrouted, "{method} {path}: {}", answer.status);
    }
}

/// A schema by name, with `$ref`s into the document resolved.
fn schema_named<'a>(doc: &'a Value, reference: &str) -> &'a Value {
    let name = reference.trim_start_matches("#/components/schemas/");
    &doc["components"]["schemas"][name]
}

/// The fields that the 422 of `answer` calls unknown.
fn refused_as_unknown(answer: &Answer) -> Vec<String> {
    if answer.status != StatusCode::UNPROCESSABLE_ENTITY {
        return Vec::new();
    }
    answer.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["message"].as_str().unwrap().contains("not a"))
        .filter(|e| e["message"].as_str().unwrap().contains("field"))
        .map(|e| e["field"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn documented_body_fields_are_accepted_and_undocumented_ones_refused() {
    let db = TestDb::sqlite();
    // Order lookups and cancellations share a limit this test's many requests would reach.
    let settings = aurora_server::ServerSettings {
        limits: aurora_server::LimitSettings {
            order_lookups_per_15_minutes: 1_000,
            ..Default::default()
        },
        ..Default::default()
    };
    let app = common::demo_app_with(db.open().await, settings).await;
    let (shopper, id, _) = Shopper::start(&app).await;
    let doc = document();
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        let Some(body) =
            item["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"].as_str()
        else {
            continue;
        };
        if !path.starts_with("/api/support/") {
            continue;
        }
        let concrete = path.replace("{id}", &id);
        let properties = schema_named(&doc, body)["properties"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        for name in properties.keys() {
            // A value of the wrong type: the field may be refused, but never as unknown.
            let answer = shopper
                .post(
                    &app,
                    &concrete,
                    json!({ name.clone(): { "wrong": "type" } }),
                )
                .await;
            let unknown = refused_as_unknown(&answer);
            assert!(
                !unknown.contains(name),
                "{path} documents `{name}` but refuses it as unknown"
            );
        }
        let mut undocumented = json!({ "undocumented": "x" });
        if properties.contains_key("conversation_id") {
            undocumented["conversation_id"] = json!(id);
        }
        let answer = shopper.post(&app, &concrete, undocumented).await;
        assert_eq!(
            refused_as_unknown(&answer),
            ["undocumented"],
            "{path} accepts a field it does not document: {}",
            answer.text()
        );
        checked += 1;
    }
    assert_eq!(checked, 9, "every JSON body of the shopper API");
}

/// Checks answers against the schema the description gives for their operation and status.
struct Contract {
    doc: Value,
    checked: Vec<String>,
}

impl Contract {
    fn check(&mut self, method: &str, template: &str, answer: &Answer) {
        let operation = &self.doc["paths"][template][method.to_lowercase()];
        assert!(
            operation.is_object(),
            "{method} {template} is not documented"
        );
        let status = answer.status.as_str().to_string();
        let response = match &operation["responses"][&status] {
            Value::Null => &operation["responses"]["default"],
            documented => documented,
        };
        assert!(
            response.is_object(),
            "{method} {template} answered {status}, which it does not document"
        );
        let content_type = answer
            .headers
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string());
        let Some(content_type) = content_type else {
            assert!(
                response.get("content").is_none() || answer.body.is_empty(),
                "{method} {template} {status}: a body without a content type"
            );
            self.checked.push(format!("{method} {template} {status}"));
            return;
        };
        let media = content_type.split(';').next().unwrap().trim().to_string();
        let schema = &response["content"][&media]["schema"];
        assert!(
            schema.is_object(),
            "{method} {template} {status}: {media} is not documented"
        );
        if media.ends_with("json") {
            let mut root = self.doc.clone();
            root["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
            for (key, value) in schema.as_object().unwrap() {
                root[key] = value.clone();
            }
            let validator = jsonschema::validator_for(&root).unwrap();
            let body = answer.json();
            let errors: Vec<String> = validator
                .iter_errors(&body)
                .map(|e| format!("{} at {}", e, e.instance_path()))
                .collect();
            assert!(
                errors.is_empty(),
                "{method} {template} {status} does not match its schema:\n{}\n{body:#}",
                errors.join("\n")
            );
        }
        self.checked.push(format!("{method} {template} {status}"));
    }
}

async fn visit(contract: &mut Contract, app: &Router) {
    let started = Shopper::start_answer(app).await;
    contract.check("POST", "/api/support/conversations", &started);
    let (shopper, id) = Shopper::started(&started);
    let messages = format!("/api/support/conversations/{id}/messages");
    for text in [
        "rose gold rings under $800",
        "under 300",
        "platinum rings under 300",
        "track my order",
        "I want to return a ring",
        "can I talk to someone?",
        "/quiz",
        "show my shortlist",
        "hello",
    ] {
        let answer = shopper.post(app, &messages, json!({ "text": text })).await;
        assert_eq!(answer.status, StatusCode::OK, "{text}: {}", answer.text());
        contract.check("POST", "/api/support/conversations/{id}/messages", &answer);
    }
    let answer = shopper
        .post(app, &messages, json!({ "action": "category:rings" }))
        .await;
    contract.check("POST", "/api/support/conversations/{id}/messages", &answer);
    let answer = shopper.post(app, &messages, json!({ "text": 7 })).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    contract.check("POST", "/api/support/conversations/{id}/messages", &answer);

    let products = call(
        app,
        "GET",
        "/api/support/products?category=rings&metals=rose_gold&max_price=800&limit=2",
        &[],
        None,
    )
    .await;
    assert_eq!(products.status, StatusCode::OK, "{}", products.text());
    contract.check("GET", "/api/support/products", &products);
    let product = products.json()["products"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let bad = call(app, "GET", "/api/support/products?limit=0", &[], None).await;
    contract.check("GET", "/api/support/products", &bad);
    let details = call(
        app,
        "GET",
        &format!("/api/support/products/{product}"),
        &[],
        None,
    )
    .await;
    assert_eq!(details.status, StatusCode::OK, "{}", details.text());
    contract.check("GET", "/api/support/products/{id}", &details);
    let missing = call(app, "GET", "/api/support/products/nope", &[], None).await;
    contract.check("GET", "/api/support/products/{id}", &missing);

    let added = shopper
        .post(
            app,
            "/api/support/shortlist",
            json!({ "product_id": product }),
        )
        .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.text());
    contract.check("POST", "/api/support/shortlist", &added);
    let again = shopper
        .post(
            app,
            "/api/support/shortlist",
            json!({ "product_id": product }),
        )
        .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text());
    contract.check("POST", "/api/support/shortlist", &again);
    let list = shopper.get(app, "/api/support/shortlist").await;
    contract.check("GET", "/api/support/shortlist", &list);

    let lookup = shopper
        .post(
            app,
            "/api/support/orders/lookup",
            json!({ "order_number": "GG-104233", "email": "ava.thompson@example.com", "conversation_id": id }),
        )
        .await;
    assert_eq!(lookup.json()["found"], true);
    contract.check("POST", "/api/support/orders/lookup", &lookup);
    let unknown = shopper
        .post(
            app,
            "/api/support/orders/lookup",
            json!({ "order_number": "GG-999999", "email": "ava.thompson@example.com" }),
        )
        .await;
    contract.check("POST", "/api/support/orders/lookup", &unknown);
    let refused = shopper
        .post(
            app,
            "/api/support/returns",
            json!({ "order_number": "GG-104187", "email": "liam.carter@example.org", "request": "return", "items": "The ring", "reason": "too_small" }),
        )
        .await;
    assert_eq!(refused.status, StatusCode::OK, "{}", refused.text());
    contract.check("POST", "/api/support/returns", &refused);
    let invalid = shopper.post(app, "/api/support/returns", json!({})).await;
    contract.check("POST", "/api/support/returns", &invalid);
    let ticket = shopper
        .post(
            app,
            "/api/support/stylist",
            json!({ "name": "Ava Thompson", "email": "ava.thompson@example.com", "preferred_contact": "email", "message": "An anniversary gift", "conversation_id": id }),
        )
        .await;
    assert_eq!(ticket.status, StatusCode::CREATED, "{}", ticket.text());
    contract.check("POST", "/api/support/stylist", &ticket);
    let csat = shopper
        .post(
            app,
            "/api/support/csat",
            json!({ "score": 5, "comment": "Lovely", "conversation_id": id }),
        )
        .await;
    assert_eq!(csat.status, StatusCode::CREATED, "{}", csat.text());
    contract.check("POST", "/api/support/csat", &csat);
    let twice = shopper.rate(app, &id, 4).await;
    contract.check("POST", "/api/support/csat", &twice);

    let removed = shopper
        .delete(app, &format!("/api/support/shortlist/{product}"))
        .await;
    assert_eq!(removed.status, StatusCode::OK, "{}", removed.text());
    contract.check("DELETE", "/api/support/shortlist/{product_id}", &removed);
    let history = shopper
        .get(app, &format!("/api/support/conversations/{id}"))
        .await;
    assert_eq!(history.status, StatusCode::OK, "{}", history.text());
    contract.check("GET", "/api/support/conversations/{id}", &history);
    let ended = shopper.end(app, &id).await;
    assert_eq!(ended.status, StatusCode::OK, "{}", ended.text());
    contract.check("POST", "/api/support/conversations/{id}/end", &ended);
    let after = shopper.post(app, &messages, json!({ "text": "hi" })).await;
    assert_eq!(after.status, StatusCode::CONFLICT);
    contract.check("POST", "/api/support/conversations/{id}/messages", &after);
    let stranger = call(
        app,
        "GET",
        &format!("/api/support/conversations/{id}"),
        &[],
        None,
    )
    .await;
    contract.check("GET", "/api/support/conversations/{id}", &stranger);

    let events = call(
        app,
        "POST",
        "/api/support/events",
        &[],
        Some(&json!({ "events": [{ "type": "load" }, { "type": "open" }] })),
    )
    .await;
    assert_eq!(events.status, StatusCode::ACCEPTED, "{}", events.text());
    contract.check("POST", "/api/support/events", &events);
    let flag = call(
        app,
        "POST",
        "/ofrep/v1/evaluate/flags/concierge-widget",
        &[],
        Some(&json!({ "context": { "targetingKey": "visitor-1" } })),
    )
    .await;
    assert_eq!(flag.status, StatusCode::OK, "{}", flag.text());
    contract.check("POST", "/ofrep/v1/evaluate/flags/{key}", &flag);
    let no_flag = call(
        app,
        "POST",
        "/ofrep/v1/evaluate/flags/other",
        &[],
        Some(&json!({})),
    )
    .await;
    contract.check("POST", "/ofrep/v1/evaluate/flags/{key}", &no_flag);
    let bulk = call(
        app,
        "POST",
        "/ofrep/v1/evaluate/flags",
        &[],
        Some(&json!({ "context": { "targetingKey": "visitor-1" } })),
    )
    .await;
    assert_eq!(bulk.status, StatusCode::OK, "{}", bulk.text());
    contract.check("POST", "/ofrep/v1/evaluate/flags", &bulk);
    for path in ["/api/health", "/api/health/ready", "/api/metrics"] {
        let answer = call(app, "GET", path, &[], None).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
        contract.check("GET", path, &answer);
    }
}

#[tokio::test]
async fn real_answers_match_their_documented_schemas() {
    let db = TestDb::sqlite();
    let app = demo_app(db.open().await).await;
    let mut contract = Contract {
        doc: document(),
        checked: Vec::new(),
    };
    visit(&mut contract, &app).await;
    assert!(contract.checked.len() >= 38, "{:#?}", contract.checked);
}

#[tokio::test]
async fn an_answer_that_breaks_its_schema_is_caught() {
    // The checker itself can fail: a reply without its blocks does not pass.
    let mut contract = Contract {
        doc: document(),
        checked: Vec::new(),
    };
    let broken = Answer {
        status: StatusCode::OK,
        headers: [("content-type", "application/json")]
            .into_iter()
            .map(|(n, v)| (n.parse().unwrap(), v.parse().unwrap()))
            .collect(),
        body: br#"{"schema_version": 1, "blocks": [{"type": "text"}]}"#.to_vec(),
    };
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        contract.check("POST", "/api/support/conversations/{id}/messages", &broken)
    }));
    assert!(caught.is_err());
}

#[tokio::test]
async fn a_cross_site_form_cannot_start_conversations() {
    // Bodies a page on another site can send without a CORS preflight.
    let db = TestDb::sqlite();
    let app = demo_app(db.open().await).await;
    for content_type in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
    ] {
        let mut headers = vec![("origin", "https://evil.example")];
        if let Some(content_type) = content_type {
            headers.push(("content-type", content_type));
        }
        let request = headers.iter().fold(
            axum::http::Request::post("/api/support/conversations"),
            |r, (n, v)| r.header(*n, *v),
        );
        let answer = common::send(&app, request.body(axum::body::Body::from("{}")).unwrap()).await;
        assert_eq!(
            answer.status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type:?}"
        );
    }
    let fields = call(
        &app,
        "POST",
        "/api/support/conversations",
        &[],
        Some(&json!({ "visitor": "me" })),
    )
    .await;
    assert_eq!(fields.status, StatusCode::UNPROCESSABLE_ENTITY);
}
