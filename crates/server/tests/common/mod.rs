//! Helpers shared by the HTTP tests: the real router over a real database.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod staff;

use aurora_core::concierge::ConciergeSettings;
use aurora_core::store::Store;
use aurora_server::{AppSettings, AppState, Application, ServerSettings};
use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use std::sync::Arc;
use tower::ServiceExt;

/// The visitor-token secret of the test apps.
pub const SECRET: &str = "test-secret-key-0123456789-abcdefghijklmnop";
/// The identity secret the test "store backend" signs shoppers with.
pub const IDENTITY_SECRET: &str = "test-identity-secret";

/// The settings of the test apps: defaults, the test secrets, and the demo store's name.
pub fn settings(server: ServerSettings) -> AppSettings {
    AppSettings {
        server,
        concierge: ConciergeSettings {
            store_name: "Gilded Grove".into(),
            ..ConciergeSettings::default()
        },
        identity_secret: Some(IDENTITY_SECRET.into()),
        ..AppSettings::new(SECRET)
    }
}

/// The application over `store`, built as the binary builds it.
pub async fn application(store: Arc<dyn Store>, server: ServerSettings) -> Application {
    Application::build(store, settings(server)).await.unwrap()
}

/// The state of an app over `store`, built as the binary builds it.
pub async fn state(store: Arc<dyn Store>, settings: ServerSettings) -> AppState {
    application(store, settings).await.state().clone()
}

/// The real router over `store`.
pub async fn app(store: Arc<dyn Store>) -> Router {
    aurora_server::app(state(store, ServerSettings::default()).await)
}

/// An answer, read whole.
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap())
            .unwrap_or_else(|| panic!("no {name} header in {:?}", self.headers))
    }
}

/// Sends `request` through the router in-process.
pub async fn send(app: &Router, request: Request<Body>) -> Answer {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    Answer {
        status,
        headers,
        body,
    }
}

/// GET `path`.
pub async fn get(app: &Router, path: &str) -> Answer {
    send(app, Request::get(path).body(Body::empty()).unwrap()).await
}

/// Fills `store` with the demo catalog, the demo orders (their timelines ending before now) and
/// the demo's knowledge file.
pub async fn seed_demo(store: &Arc<dyn Store>) {
    aurora_core::services::knowledge::import(
        store.as_ref(),
        aurora_core::demo::KNOWLEDGE,
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let mut import = store.begin_import().await.unwrap();
    import.write(&aurora_core::demo::products()).await.unwrap();
    import.commit().await.unwrap();
    for order in aurora_core::demo::orders(chrono::Utc::now()) {
        store.insert_order(&order).await.unwrap();
    }
}

/// The real router over `store` seeded with the demo catalog and orders, with `settings`.
pub async fn demo_app_with(store: Arc<dyn Store>, settings: ServerSettings) -> Router {
    seed_demo(&store).await;
    aurora_server::app(state(store, settings).await)
}

/// The real router over `store` seeded with the demo catalog and orders.
pub async fn demo_app(store: Arc<dyn Store>) -> Router {
    demo_app_with(store, ServerSettings::default()).await
}

/// Any request: `headers` as given, `body` sent as `application/json` when present.
pub async fn call(
    app: &Router,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&serde_json::Value>,
) -> Answer {
    let mut request = Request::builder().method(method).uri(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let body = match body {
        Some(json) => {
            request = request.header("content-type", "application/json");
            Body::from(json.to_string())
        }
        None => Body::empty(),
    };
    send(app, request.body(body).unwrap()).await
}

/// A shopper of the widget: their visitor token and, when signed in at the store, identity.
#[derive(Clone)]
pub struct Shopper {
    pub token: String,
    pub identity: Option<String>,
    /// Extra headers sent with every call (e.g. `X-Forwarded-For`).
    pub extra: Vec<(String, String)>,
}

impl Shopper {
    /// Starts a conversation as a new visitor: the shopper, the conversation id, the answer.
    pub async fn start(app: &Router) -> (Shopper, String, serde_json::Value) {
        let answer = Shopper::start_answer(app).await;
        let (shopper, id) = Shopper::started(&answer);
        (shopper, id, answer.json())
    }

    /// The answer to starting a conversation as a new visitor.
    pub async fn start_answer(app: &Router) -> Answer {
        let body = serde_json::json!({});
        call(app, "POST", "/api/support/conversations", &[], Some(&body)).await
    }

    /// The shopper and conversation id of a conversation started by `answer`.
    pub fn started(answer: &Answer) -> (Shopper, String) {
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text());
        let body = answer.json();
        let token = body["visitor_token"].as_str().expect("a visitor token");
        let shopper = Shopper {
            token: token.to_string(),
            identity: None,
            extra: Vec::new(),
        };
        (
            shopper,
            body["conversation_id"].as_str().unwrap().to_string(),
        )
    }

    /// The same visitor, signed in at the store with `identity`.
    pub fn signed_in(&self, identity: &str) -> Shopper {
        Shopper {
            identity: Some(identity.to_string()),
            ..self.clone()
        }
    }

    fn headers(&self, more: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut headers = vec![("x-aurora-visitor".to_string(), self.token.clone())];
        if let Some(identity) = &self.identity {
            headers.push(("x-aurora-identity".to_string(), identity.clone()));
        }
        headers.extend(self.extra.iter().cloned());
        headers.extend(more.iter().map(|(n, v)| (n.to_string(), v.to_string())));
        headers
    }

    /// A request as this shopper, with `more` headers.
    pub async fn call(
        &self,
        app: &Router,
        method: &str,
        path: &str,
        more: &[(&str, &str)],
        body: Option<&serde_json::Value>,
    ) -> Answer {
        let headers = self.headers(more);
        let headers: Vec<(&str, &str)> = headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        call(app, method, path, &headers, body).await
    }

    pub async fn get(&self, app: &Router, path: &str) -> Answer {
        self.call(app, "GET", path, &[], None).await
    }

    pub async fn post(&self, app: &Router, path: &str, body: serde_json::Value) -> Answer {
        self.call(app, "POST", path, &[], Some(&body)).await
    }

    pub async fn delete(&self, app: &Router, path: &str) -> Answer {
        self.call(app, "DELETE", path, &[], None).await
    }

    /// Ends the conversation `id`.
    pub async fn end(&self, app: &Router, id: &str) -> Answer {
        let path = format!("/api/support/conversations/{id}/end");
        self.post(app, &path, serde_json::json!({})).await
    }

    /// Rates the conversation `id` with `score`.
    pub async fn rate(&self, app: &Router, id: &str, score: u8) -> Answer {
        let body = serde_json::json!({"conversation_id": id, "score": score});
        self.post(app, "/api/support/csat", body).await
    }

    /// Starts another conversation as this same visitor.
    pub async fn start_again(&self, app: &Router) -> String {
        let answer = self
            .post(app, "/api/support/conversations", serde_json::json!({}))
            .await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text());
        answer.json()["conversation_id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// Types `text` into conversation `id`; the reply must be a 200.
    pub async fn say(&self, app: &Router, id: &str, text: &str) -> serde_json::Value {
        self.send_message(app, id, serde_json::json!({ "text": text }))
            .await
    }

    /// Presses a button sending `action` in conversation `id`; the reply must be a 200.
    pub async fn press(&self, app: &Router, id: &str, action: &str) -> serde_json::Value {
        self.send_message(app, id, serde_json::json!({ "action": action }))
            .await
    }

    async fn send_message(
        &self,
        app: &Router,
        id: &str,
        body: serde_json::Value,
    ) -> serde_json::Value {
        let path = format!("/api/support/conversations/{id}/messages");
        let answer = self.post(app, &path, body.clone()).await;
        assert_eq!(answer.status, StatusCode::OK, "{body}: {}", answer.text());
        answer.json()
    }
}

/// The blocks of type `kind` in a reply.
pub fn blocks_of<'a>(reply: &'a serde_json::Value, kind: &str) -> Vec<&'a serde_json::Value> {
    reply["blocks"]
        .as_array()
        .unwrap_or_else(|| panic!("no blocks in {reply}"))
        .iter()
        .filter(|b| b["type"] == kind)
        .collect()
}

/// Every product card of a reply.
pub fn cards(reply: &serde_json::Value) -> Vec<serde_json::Value> {
    blocks_of(reply, "products")
        .iter()
        .flat_map(|b| b["products"].as_array().unwrap().iter().cloned())
        .collect()
}

/// The text and notice blocks of a reply, one line each.
pub fn words(reply: &serde_json::Value) -> String {
    reply["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|b| b["text"].as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The actions of the quick-reply buttons of a reply.
pub fn actions(reply: &serde_json::Value) -> Vec<String> {
    blocks_of(reply, "quick_replies")
        .iter()
        .flat_map(|b| b["replies"].as_array().unwrap().iter())
        .map(|r| r["action"].as_str().unwrap().to_string())
        .collect()
}

/// The one form of a reply.
pub fn form(reply: &serde_json::Value) -> serde_json::Value {
    let forms = blocks_of(reply, "form");
    assert_eq!(forms.len(), 1, "one form in {reply}");
    forms[0].clone()
}

/// The prefilled value of a form's field, if any.
pub fn field_value(form: &serde_json::Value, name: &str) -> Option<String> {
    form["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == name)
        .unwrap_or_else(|| panic!("no field {name} in {form}"))["value"]
        .as_str()
        .map(str::to_string)
}

/// The fields named in a 422 problem, in order.
pub fn invalid_fields(answer: &Answer) -> Vec<String> {
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        answer.text()
    );
    assert_eq!(answer.header("content-type"), "application/problem+json");
    let problem = answer.json();
    problem["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("no errors in {problem}"))
        .iter()
        .map(|e| {
            assert!(e["message"].as_str().is_some_and(|m| !m.is_empty()), "{e}");
            e["field"].as_str().unwrap().to_string()
        })
        .collect()
}

/// Asserts `answer` is a problem+json with `status` and `code`.
pub fn assert_problem(answer: &Answer, status: StatusCode, code: &str) {
    assert_eq!(answer.status, status, "{}", answer.text());
    assert_eq!(answer.header("content-type"), "application/problem+json");
    let problem = answer.json();
    assert_eq!(problem["code"], code, "{problem}");
    assert_eq!(problem["status"], status.as_u16());
}
