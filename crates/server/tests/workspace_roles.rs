//! The table "Who may call what" of docs/workspace.md, checked cell by cell: every page and JSON
//! call of the workspace, made as every role, signed out, as a disabled account and with an
//! ended session, answers as the table says. A row added to the table is checked too; a call
//! missing from it is caught by `every_workspace_route_is_in_the_table`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use aurora_core::staff::Role;
use aurora_core::store::Store;
use aurora_core::tickets::TicketKind;
use aurora_store::backend_tests;
use common::Answer;
use common::staff::{Staffer, add_user, sign_in, sign_in_at, ticket};
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::Arc;

const GUIDE: &str = include_str!("../../../docs/workspace.md");

backend_tests!(every_call_answers_every_caller_as_the_role_table_says);

/// The table: its column names, and each row's call with its cells.
fn table() -> (Vec<String>, Vec<(String, Vec<String>)>) {
    let section = GUIDE
        .split("## Who may call what")
        .nth(1)
        .expect("the guide has the role table")
        .split("\n## ")
        .next()
        .unwrap();
    let rows: Vec<Vec<String>> = section
        .lines()
        .filter(|line| line.starts_with('|') && !line.starts_with("|---"))
        .map(|line| {
            line.trim_matches('|')
                .split('|')
                .map(|cell| cell.trim().trim_matches('`').to_string())
                .collect()
        })
        .collect();
    let header = rows[0][1..].to_vec();
    let calls = rows[1..]
        .iter()
        .map(|row| (row[0].clone(), row[1..].to_vec()))
        .collect();
    (header, calls)
}

#[test]
fn every_workspace_route_is_in_the_table() {
    let (_, calls) = table();
    let listed: Vec<String> = calls
        .iter()
        .map(|(call, _)| {
            call.replace("{stylist ticket}", "{reference}")
                .replace("{return ticket}", "{reference}")
                .replace("{conversation}", "{id}")
        })
        .collect();
    let api = aurora_server::openapi_document();
    for (path, item) in &api.paths.paths {
        if !path.starts_with("/api/dashboard") {
            continue;
        }
        let methods = [
            ("GET", item.get.is_some()),
            ("POST", item.post.is_some()),
            ("PATCH", item.patch.is_some()),
            ("PUT", item.put.is_some()),
            ("DELETE", item.delete.is_some()),
        ];
        for (method, present) in methods {
            if present {
                let call = format!("{method} {path}");
                assert!(listed.contains(&call), "{call} is not in the role table");
            }
        }
    }
}

struct World {
    stylist_ticket: String,
    return_ticket: String,
    target: String,
    /// A conversation whose message 1 is the shopper's.
    conversation: String,
}

/// A conversation where the shopper wrote once and the concierge answered.
async fn conversation(store: &dyn Store, now: chrono::DateTime<chrono::Utc>) -> String {
    use aurora_core::concierge::answer;
    use aurora_core::conversations::{Conversation, Message};
    let started = Conversation::new("conv-roles".into(), "visitor-roles".into(), now);
    store
        .create_conversation(&started, &[answer(&[], now)])
        .await
        .unwrap();
    store
        .append_messages(
            &started.id,
            vec![Message::shopper("hoops".into(), now), answer(&[], now)],
            &aurora_core::store::Appended::reply(&started.state, false, now),
        )
        .await
        .unwrap();
    started.id
}

/// The concrete request of a table row, as `caller` (column `column`, for unique emails).
async fn request(
    app: &axum::Router,
    world: &World,
    caller: &Staffer,
    column: &str,
    call: &str,
) -> Answer {
    let (method, template) = call.split_once(' ').unwrap();
    let path = template
        .replace("{stylist ticket}", &world.stylist_ticket)
        .replace("{return ticket}", &world.return_ticket)
        .replace("{id}", &world.target)
        .replace("{conversation}", &world.conversation)
        .replace("{position}", "1");
    let email = format!(
        "new-{}-{}@store.example",
        if template.starts_with("/api") {
            "api"
        } else {
            "page"
        },
        column.replace(' ', "-")
    );
    match (method, template) {
        ("GET", _) => caller.get(app, &path).await,
        ("POST", t) if t.starts_with("/dashboard/tickets/") => {
            caller
                .form(
                    app,
                    &path,
                    &[("action", "note"), ("text", "Called the shopper")],
                )
                .await
        }
        ("POST", t) if t.starts_with("/dashboard/conversations/") => {
            caller
                .form(app, &path, &[("position", "1"), ("misunderstood", "1")])
                .await
        }
        ("PUT", t) if t.ends_with("/misunderstood") => {
            caller
                .json(app, "PUT", &path, &json!({"misunderstood": true}))
                .await
        }
        ("POST", "/dashboard/flags") => {
            caller
                .form(app, &path, &[("action", "rollout"), ("rollout", "100")])
                .await
        }
        ("POST", "/dashboard/users") => {
            caller
                .form(app, &path, &[("email", &email), ("role", "viewer")])
                .await
        }
        ("POST", "/dashboard/users/{id}") => {
            caller
                .form(app, &path, &[("action", "role"), ("role", "viewer")])
                .await
        }
        ("PATCH", t) if t.starts_with("/api/dashboard/tickets/") => {
            caller
                .json(app, "PATCH", &path, &json!({"tags": ["vip"]}))
                .await
        }
        ("POST", t) if t.ends_with("/replies") => {
            caller
                .json(app, "POST", &path, &json!({"text": "Your ring is ready"}))
                .await
        }
        ("POST", t) if t.ends_with("/notes") => {
            caller
                .json(app, "POST", &path, &json!({"text": "Called the shopper"}))
                .await
        }
        ("PATCH", "/api/dashboard/flags") => {
            caller
                .json(app, "PATCH", &path, &json!({"rollout_percentage": 100}))
                .await
        }
        ("POST", "/api/dashboard/users") => {
            caller
                .json(
                    app,
                    "POST",
                    &path,
                    &json!({"email": email, "role": "viewer"}),
                )
                .await
        }
        ("PATCH", "/api/dashboard/users/{id}") => {
            caller
                .json(app, "PATCH", &path, &json!({"role": "viewer"}))
                .await
        }
        _ => panic!("the test does not know how to make `{call}`: teach `request`"),
    }
}

fn matches(cell: &str, answer: &Answer) -> bool {
    let status = answer.status.as_u16();
    let location = answer
        .headers
        .get("location")
        .map(|l| l.to_str().unwrap().to_string())
        .unwrap_or_default();
    match cell {
        "✓" => {
            (200..300).contains(&status)
                || (status == 303 && !location.starts_with("/dashboard/login"))
        }
        "sign-in" => status == 303 && location.starts_with("/dashboard/login"),
        "401" | "403" | "404" => status.to_string() == cell,
        other => panic!("unknown cell `{other}` in the role table"),
    }
}

async fn every_call_answers_every_caller_as_the_role_table_says(store: Arc<dyn Store>) {
    // Email replies set up (nothing is sent: the background jobs do not run here).
    let settings = aurora_server::ServerSettings {
        smtp: Some(aurora_server::SmtpSettings {
            url: "smtp://127.0.0.1:9".into(),
            from: "care@store.example".into(),
        }),
        ..Default::default()
    };
    let app = common::demo_app_with(store.clone(), settings).await;
    let now = chrono::Utc::now();
    let world = World {
        stylist_ticket: ticket(
            store.as_ref(),
            "ST-100001",
            TicketKind::Stylist,
            "ava@example.com",
            now,
        )
        .await
        .reference,
        return_ticket: ticket(
            store.as_ref(),
            "RT-100002",
            TicketKind::Return,
            "ava@example.com",
            now,
        )
        .await
        .reference,
        target: add_user(store.as_ref(), "target@store.example", Role::Viewer)
            .await
            .id,
        conversation: conversation(store.as_ref(), now).await,
    };
    let mut callers: BTreeMap<String, Staffer> = BTreeMap::new();
    for role in Role::ALL {
        let user = add_user(store.as_ref(), &format!("{role}@store.example"), role).await;
        callers.insert(role.as_str().into(), sign_in(store.as_ref(), &user).await);
    }
    callers.insert("signed out".into(), Staffer::signed_out());
    let disabled = add_user(store.as_ref(), "gone@store.example", Role::Owner).await;
    let disabled_session = sign_in(store.as_ref(), &disabled).await;
    aurora_core::services::staff::disable(
        store.as_ref(),
        &aurora_core::staff::Actor::cli("test"),
        "gone@store.example",
        now,
    )
    .await
    .unwrap();
    callers.insert("disabled".into(), disabled_session);
    let owner_too = add_user(store.as_ref(), "idle@store.example", Role::Owner).await;
    callers.insert(
        "session ended".into(),
        sign_in_at(store.as_ref(), &owner_too, now - chrono::Duration::hours(3)).await,
    );

    let (columns, calls) = table();
    assert_eq!(
        columns,
        [
            "owner",
            "admin",
            "agent",
            "stylist",
            "viewer",
            "signed out",
            "disabled",
            "session ended"
        ]
    );
    let mut wrong = Vec::new();
    for (call, cells) in &calls {
        for (column, cell) in columns.iter().zip(cells) {
            let caller = &callers[column];
            let answer = request(&app, &world, caller, column, call).await;
            if !matches(cell, &answer) {
                wrong.push(format!(
                    "{call} as {column}: the table says {cell}, the answer was {} {}",
                    answer.status,
                    answer.text().chars().take(120).collect::<String>()
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(calls.len() >= 21, "the table lost rows");
}
