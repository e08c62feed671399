//! `aurora orders import` and `aurora tokens` end to end: the real binary, a real database
//! (SQLite and PostgreSQL).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use aurora_core::orders::{OrderNumber, OrderStatus};
use aurora_store::testing::TestDb;
use common::{aurora, fixture, run, text};

/// Runs `aurora ARGS…` against the database at `url`; returns (success, stdout, stderr).
fn cli(url: &str, args: &[&str]) -> (bool, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut command = aurora(dir.path());
    command.args(args).env("AURORA_DATABASE_URL", url);
    let output = run(&mut command);
    (
        output.status.success(),
        text(&output.stdout),
        text(&output.stderr),
    )
}

fn import(url: &str, file: &str) -> (bool, String, String) {
    let path = fixture(&format!("orders/{file}"));
    cli(url, &["orders", "import", path.to_str().unwrap()])
}

async fn an_export_imports_again_without_duplicates_and_a_broken_one_changes_nothing(db: TestDb) {
    let (ok, stdout, stderr) = import(&db.url, "shopify-orders.csv");
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains("Imported 5 orders from")
            && stdout.contains(": 5 new, 0 updated, 0 left as stored"),
        "{stdout}"
    );
    assert!(stdout.contains("Skipped 1 without an email"), "{stdout}");
    assert!(
        stderr.contains("warning: row 4, column Email: order #1002 has no email"),
        "{stderr}"
    );
    let store = db.open().await;
    assert_eq!(store.order_count().await.unwrap(), 5);
    let signet = store
        .order(&OrderNumber::normalise("1003"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(signet.status(), OrderStatus::InProduction);

    // Again: every order updated, none duplicated.
    let (ok, stdout, _) = import(&db.url, "shopify-orders.csv");
    assert!(
        ok && stdout.contains(": 0 new, 5 updated, 0 left as stored"),
        "{stdout}"
    );
    assert_eq!(store.order_count().await.unwrap(), 5);

    // A webhook brought a newer state of #1001: the export never takes it back.
    let mut newer = store
        .order(&OrderNumber::normalise("1001"))
        .await
        .unwrap()
        .unwrap();
    newer.updated_at += chrono::Duration::days(3);
    newer.events.push(aurora_core::orders::OrderEvent::new(
        OrderStatus::Delivered,
        newer.updated_at,
    ));
    store.upsert_order(&newer).await.unwrap();
    let (ok, stdout, _) = import(&db.url, "shopify-orders.csv");
    assert!(
        ok && stdout.contains(": 0 new, 4 updated, 1 left as stored"),
        "{stdout}"
    );
    let kept = store
        .order(&OrderNumber::normalise("1001"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(kept.status(), OrderStatus::Delivered);

    let (ok, stdout, stderr) = import(&db.url, "shopify-orders-broken.csv");
    assert!(!ok, "{stdout}");
    assert!(
        stderr.contains("row 3, column Lineitem quantity"),
        "{stderr}"
    );
    assert!(
        stderr.contains("6 problems; nothing was imported."),
        "{stderr}"
    );
    assert_eq!(store.order_count().await.unwrap(), 5);
    assert_eq!(
        store.order(&OrderNumber::normalise("2001")).await.unwrap(),
        None,
        "not even the good rows"
    );

    let (ok, stdout, stderr) = import(&db.url, "orders.jsonl");
    assert!(
        ok && stdout.contains("Imported 2 orders"),
        "{stdout}{stderr}"
    );
    assert_eq!(store.order_count().await.unwrap(), 7);
}

#[tokio::test]
async fn an_orders_export_imports_into_sqlite() {
    an_export_imports_again_without_duplicates_and_a_broken_one_changes_nothing(TestDb::sqlite())
        .await;
}

#[tokio::test]
async fn an_orders_export_imports_into_postgres() {
    if let Some(db) = TestDb::postgres().await {
        an_export_imports_again_without_duplicates_and_a_broken_one_changes_nothing(db).await;
    }
}

#[test]
fn a_file_that_is_not_an_orders_export_is_named_with_the_way_out() {
    let db = TestDb::sqlite();
    let products = fixture("shopify-good.csv");
    let (ok, _, stderr) = cli(&db.url, &["orders", "import", products.to_str().unwrap()]);
    assert!(!ok);
    assert!(
        stderr.contains("cannot tell the format") && stderr.contains("--format"),
        "{stderr}"
    );
}

#[tokio::test]
async fn a_token_is_shown_once_stored_hashed_listed_and_revoked() {
    let db = TestDb::sqlite();
    let (ok, secret, stderr) = cli(
        &db.url,
        &[
            "tokens",
            "create",
            "--scope",
            "orders:write",
            "--name",
            "Woo sync",
        ],
    );
    assert!(ok, "{stderr}");
    let secret = secret.trim();
    assert!(
        secret.starts_with("aurora_") && secret.len() > 40,
        "{secret}"
    );
    assert!(stderr.contains("shown this once"), "{stderr}");
    let store = db.open().await;
    let token = store
        .token_by_hash(&aurora_server::hash_api_token(secret))
        .await
        .unwrap()
        .expect("stored under the secret's hash");
    let (_, listed, _) = cli(&db.url, &["tokens", "list"]);
    assert!(
        listed.contains(&token.id)
            && listed.contains("Woo sync")
            && listed.contains("orders:write")
            && listed.contains("active"),
        "{listed}"
    );
    assert!(!listed.contains(secret), "the secret is never shown again");

    let (ok, _, stderr) = cli(&db.url, &["tokens", "create", "--scope", "orders:delete"]);
    assert!(
        !ok && stderr.contains("unknown scope `orders:delete`"),
        "{stderr}"
    );

    let (ok, stdout, _) = cli(&db.url, &["tokens", "revoke", &token.id]);
    assert!(ok, "{stdout}");
    let (_, listed, _) = cli(&db.url, &["tokens", "list"]);
    assert!(listed.contains("REVOKED"), "{listed}");
    let (ok, _, stderr) = cli(&db.url, &["tokens", "revoke", &token.id]);
    assert!(!ok && stderr.contains("No active token"), "{stderr}");
}

#[test]
fn a_jewellers_real_export_imports_unedited() {
    let db = TestDb::sqlite();
    let dir = tempfile::tempdir().unwrap();
    let path = fixture("orders/real-gemstrack-pos.csv");
    let mut command = aurora(dir.path());
    command
        .args(["orders", "import"])
        .arg(&path)
        .env("AURORA_DATABASE_URL", &db.url)
        .env("AURORA_CURRENCY", "INR");
    let output = run(&mut command);
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert!(output.status.success(), "{stderr}");
    assert!(
        stdout.contains("Imported 25 orders") && stdout.contains("Skipped 115 without an email"),
        "{stdout}"
    );
    assert!(
        stderr.contains("is in PKR, not the store's INR"),
        "{stderr}"
    );
}
