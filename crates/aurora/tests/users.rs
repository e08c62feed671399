//! `aurora users` end to end, the real binary on a real database: accounts added with a
//! password from stdin or a one-time link, listed, given a role, disabled (never the last
//! owner); tokens bound to a person; and the demo's published owner kept off a real store.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use aurora_store::testing::TestDb;
use common::{SECRET, aurora, run, text};
use std::io::Write;
use std::process::Stdio;

/// Runs `aurora ARGS…` on `url` with `stdin`; returns (success, stdout, stderr).
fn cli(url: &str, args: &[&str], stdin: &str) -> (bool, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut child = aurora(dir.path())
        .args(args)
        .env("AURORA_DATABASE_URL", url)
        .env("USER", "ops-alice")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    (
        output.status.success(),
        text(&output.stdout),
        text(&output.stderr),
    )
}

#[tokio::test]
async fn staff_accounts_are_added_listed_changed_and_disabled() {
    let db = TestDb::sqlite();
    let (ok, stdout, stderr) = cli(
        &db.url,
        &[
            "users",
            "add",
            "Ana@Store.example",
            "--role",
            "owner",
            "--password-stdin",
        ],
        "correct horse battery staple\n",
    );
    assert!(ok, "{stderr}");
    assert_eq!(stdout.trim(), "Added ana@store.example as owner.");
    let (ok, link, stderr) = cli(
        &db.url,
        &["users", "add", "li@store.example", "--role", "agent"],
        "",
    );
    assert!(ok, "{stderr}");
    assert!(
        link.trim()
            .starts_with("http://127.0.0.1:8080/dashboard/set-password?token="),
        "{link}"
    );
    assert!(stderr.contains("shown this once"), "{stderr}");
    let (_, listed, _) = cli(&db.url, &["users", "list"], "");
    assert!(
        listed.contains("ana@store.example  owner    active"),
        "{listed}"
    );
    assert!(
        listed.contains("li@store.example  agent    waiting for a password"),
        "{listed}"
    );

    let (ok, out, _) = cli(&db.url, &["users", "role", "li@store.example", "admin"], "");
    assert!(ok && out.contains("li@store.example is now admin"), "{out}");
    let (ok, _, stderr) = cli(&db.url, &["users", "disable", "ana@store.example"], "");
    assert!(!ok && stderr.contains("needs an active owner"), "{stderr}");
    let (ok, _, stderr) = cli(
        &db.url,
        &["users", "add", "x@store.example", "--role", "root"],
        "",
    );
    assert!(!ok && stderr.contains("unknown role `root`"), "{stderr}");
    let (ok, _, stderr) = cli(
        &db.url,
        &[
            "users",
            "add",
            "y@store.example",
            "--role",
            "agent",
            "--password-stdin",
        ],
        "short\n",
    );
    assert!(
        !ok && stderr.contains("password: must have at least 12 characters"),
        "{stderr}"
    );
    let (ok, _, stderr) = cli(
        &db.url,
        &["users", "add", "ANA@store.example", "--role", "agent"],
        "",
    );
    assert!(!ok && stderr.contains("has an account already"), "{stderr}");

    // A token bound to the admin acts with the admin's rights at most.
    let (ok, secret, stderr) = cli(
        &db.url,
        &[
            "tokens",
            "create",
            "--scope",
            "flags:write",
            "--user",
            "li@store.example",
        ],
        "",
    );
    assert!(ok, "{stderr}");
    let store = db.open().await;
    let token = store
        .token_by_hash(&aurora_server::hash_api_token(secret.trim()))
        .await
        .unwrap()
        .unwrap();
    let li = store
        .user_by_email("li@store.example")
        .await
        .unwrap()
        .unwrap()
        .0;
    assert_eq!(token.user_id.as_deref(), Some(li.id.as_str()));

    let (ok, out, _) = cli(&db.url, &["users", "disable", "li@store.example"], "");
    assert!(ok && out.contains("Disabled li@store.example"), "{out}");
    let log = store.audit_log(10, None).await.unwrap();
    let mut actions: Vec<String> = log
        .iter()
        .map(|e| format!("{} {} {}", e.actor, e.action.as_str(), e.subject))
        .collect();
    // An account and its link are made at the same instant: their order is not the point.
    actions.sort();
    assert_eq!(
        actions,
        [
            "ops-alice via cli password_link_created li@store.example",
            "ops-alice via cli user_added ana@store.example",
            "ops-alice via cli user_added li@store.example",
            "ops-alice via cli user_disabled li@store.example",
            "ops-alice via cli user_role_changed li@store.example",
        ]
    );
}

#[test]
fn serve_refuses_a_database_where_the_demos_owner_can_sign_in() {
    let db = TestDb::sqlite();
    let (ok, _, stderr) = cli(
        &db.url,
        &[
            "users",
            "add",
            "owner@gildedgrove.example",
            "--role",
            "owner",
            "--password-stdin",
        ],
        "gilded-grove-demo\n",
    );
    assert!(ok, "{stderr}");
    let dir = tempfile::tempdir().unwrap();
    let serve = run(aurora(dir.path())
        .arg("serve")
        .env("AURORA_DATABASE_URL", &db.url)
        .env("AURORA_SECRET_KEY", SECRET));
    assert!(!serve.status.success());
    assert!(
        text(&serve.stderr).contains("has the demo's owner account (owner@gildedgrove.example)"),
        "{}",
        text(&serve.stderr)
    );
}
