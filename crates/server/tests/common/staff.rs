//! Staff for the workspace tests: accounts, sessions made straight in the store (the sign-in
//! form has its own tests), tickets, and requests as a signed-in person.

use super::{Answer, send};
use aurora_core::email::Email;
use aurora_core::staff::audit::{AuditAction, AuditEntry};
use aurora_core::staff::session::Session;
use aurora_core::staff::{Actor, Role, StaffUser};
use aurora_core::store::Store;
use aurora_core::tickets::{Ticket, TicketKind, TranscriptLine};
use axum::Router;
use axum::body::Body;
use axum::http::Request;
use chrono::{DateTime, Utc};
use serde_json::json;

/// Every test account's password.
pub const PASSWORD: &str = "correct horse battery staple";

/// Adds an account with [`PASSWORD`].
pub async fn add_user(store: &dyn Store, email: &str, role: Role) -> StaffUser {
    aurora_core::services::staff::add_user(
        store,
        &Actor::cli("test"),
        email,
        role,
        Some(PASSWORD),
        Utc::now(),
    )
    .await
    .unwrap()
}

/// A person signed in: the session cookie's secret and the session's CSRF token.
#[derive(Debug, Clone, Default)]
pub struct Staffer {
    pub secret: Option<String>,
    pub csrf: String,
}

/// A session for `user` that started and was last used at `at`.
pub async fn sign_in_at(store: &dyn Store, user: &StaffUser, at: DateTime<Utc>) -> Staffer {
    let secret = format!("secret-{}", uuid::Uuid::new_v4());
    let csrf = format!("csrf-{}", uuid::Uuid::new_v4());
    store
        .insert_session(
            &Session {
                id_hash: aurora_server::hash_api_token(&secret),
                user_id: user.id.clone(),
                csrf_token: csrf.clone(),
                created_at: at,
                last_seen_at: at,
            },
            &AuditEntry::new(at, "test", AuditAction::SignIn, user.email.as_str(), ""),
        )
        .await
        .unwrap();
    Staffer {
        secret: Some(secret),
        csrf,
    }
}

/// A session for `user` that starts now.
pub async fn sign_in(store: &dyn Store, user: &StaffUser) -> Staffer {
    sign_in_at(store, user, Utc::now()).await
}

impl Staffer {
    /// Nobody signed in.
    pub fn signed_out() -> Staffer {
        Staffer::default()
    }

    fn request(&self, method: &str, path: &str) -> axum::http::request::Builder {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(secret) = &self.secret {
            request = request.header("cookie", format!("aurora_session={secret}"));
        }
        request
    }

    pub async fn get(&self, app: &Router, path: &str) -> Answer {
        send(app, self.request("GET", path).body(Body::empty()).unwrap()).await
    }

    /// A page's form, with the session's CSRF token.
    pub async fn form(&self, app: &Router, path: &str, fields: &[(&str, &str)]) -> Answer {
        let mut body = form_urlencoded::Serializer::new(String::new());
        body.append_pair("csrf", &self.csrf);
        for (name, value) in fields {
            body.append_pair(name, value);
        }
        let request = self
            .request("POST", path)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body.finish()))
            .unwrap();
        send(app, request).await
    }

    /// A JSON call, with the session's CSRF token.
    pub async fn json(
        &self,
        app: &Router,
        method: &str,
        path: &str,
        body: &serde_json::Value,
    ) -> Answer {
        let request = self
            .request(method, path)
            .header("content-type", "application/json")
            .header("x-csrf-token", &self.csrf)
            .body(Body::from(body.to_string()))
            .unwrap();
        send(app, request).await
    }
}

/// Stores a ticket of `kind` from `email`, created at `at`.
pub async fn ticket(
    store: &dyn Store,
    reference: &str,
    kind: TicketKind,
    email: &str,
    at: DateTime<Utc>,
) -> Ticket {
    let ticket = Ticket {
        reference: reference.into(),
        kind,
        created_at: at,
        conversation_id: None,
        name: Some("Ava Thompson".into()),
        email: Email::parse(email).unwrap(),
        details: match kind {
            TicketKind::Stylist => json!({"message": "Help me choose an engagement ring"}),
            _ => {
                json!({"order_number": "GG-104233", "request": kind.as_str(), "items": "Halo ring"})
            }
        },
        transcript: vec![TranscriptLine {
            role: "shopper".into(),
            text: "rose gold rings".into(),
            at,
        }],
        shortlist: Vec::new(),
        filters: json!({}),
        products_shown: Vec::new(),
    };
    aurora_core::tickets::create(store, &ticket, None)
        .await
        .unwrap();
    ticket
}
