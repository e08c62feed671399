//! The demo store, keeping demo and real data apart, live catalog reloads and the flags CLI,
//! through the real binary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Running, SECRET, aurora, fixture, run, text};
use std::time::Duration;

fn demo(dir: &std::path::Path) -> Running {
    let mut command = aurora(dir);
    command.arg("demo").env("AURORA_CATALOG_POLL_SECONDS", "1");
    Running::start(command)
}

#[tokio::test]
async fn the_demo_seeds_its_own_database_and_serves_the_store_with_the_widget_tag() {
    let dir = tempfile::tempdir().unwrap();
    let running = demo(dir.path());
    assert!(dir.path().join("aurora-demo.db").exists());
    let home = reqwest::get(running.url("/")).await.unwrap();
    assert_eq!(home.status(), 200);
    let html = home.text().await.unwrap();
    assert!(
        html.contains(r#"<script src="/widget.js" async></script>"#),
        "{html}"
    );
    let products: serde_json::Value = reqwest::get(running.url("/api/support/products?limit=1"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(products["total"].as_u64().unwrap() >= 300, "{products}");
    drop(running);

    // A second start keeps the data and does not seed twice.
    let running = demo(dir.path());
    let again: serde_json::Value = reqwest::get(running.url("/api/support/products?limit=1"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(again["total"], products["total"]);
    drop(running);

    // The demo's workspace owner, whose password the README gives, is there once.
    let users = run(aurora(dir.path())
        .args(["users", "list"])
        .env("AURORA_DATABASE_URL", "sqlite:aurora-demo.db"));
    let listed = text(&users.stdout);
    assert_eq!(
        listed
            .matches("owner@gildedgrove.example  owner    active")
            .count(),
        1,
        "{listed}"
    );
}

#[test]
fn the_demo_never_touches_a_real_stores_database_and_serve_refuses_the_demos() {
    let dir = tempfile::tempdir().unwrap();
    let import = run(aurora(dir.path())
        .args(["catalog", "import"])
        .arg(fixture("catalog-good.jsonl"))
        .env("AURORA_DATABASE_URL", "sqlite:store.db"));
    assert!(import.status.success(), "{}", text(&import.stderr));
    let refused = run(aurora(dir.path())
        .arg("demo")
        .env("AURORA_DATABASE_URL", "sqlite:store.db"));
    assert!(!refused.status.success());
    assert!(
        text(&refused.stderr).contains("real store's data"),
        "{}",
        text(&refused.stderr)
    );

    // A store's aurora.toml does not send the demo to the store's database.
    std::fs::write(
        dir.path().join("aurora.toml"),
        "database_url = \"sqlite:store.db\"\n",
    )
    .unwrap();
    let running = demo(dir.path());
    drop(running);
    assert!(dir.path().join("aurora-demo.db").exists());

    let serve = run(aurora(dir.path())
        .arg("serve")
        .env("AURORA_SECRET_KEY", SECRET)
        .env("AURORA_DATABASE_URL", "sqlite:aurora-demo.db"));
    assert!(!serve.status.success());
    assert!(
        text(&serve.stderr).contains("demo store's database"),
        "{}",
        text(&serve.stderr)
    );
}

#[tokio::test]
async fn a_running_server_picks_up_an_import_from_another_process_without_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let running = demo(dir.path());
    let id = "aurora-import-test-ring";
    let line = serde_json::json!({
        "id": id, "title": "Zephyrine Import Test Ring", "description": "A rose gold ring.",
        "category": "rings", "metal": "rose_gold", "price_cents": 123_400, "ready_to_ship": true,
        "styles": ["modern"], "image_url": "/demo/images/rings-rose_gold.svg",
        "image_alt": "Rose gold test ring", "url": "/products/aurora-import-test-ring"
    });
    let file = dir.path().join("one.jsonl");
    std::fs::write(&file, format!("{line}\n")).unwrap();
    let url = running.url(&format!("/api/support/products/{id}"));
    assert_eq!(reqwest::get(&url).await.unwrap().status(), 404);

    let import = run(aurora(dir.path())
        .args(["catalog", "import"])
        .arg(&file)
        .env("AURORA_DATABASE_URL", "sqlite:aurora-demo.db"));
    assert!(import.status.success(), "{}", text(&import.stderr));

    let client = reqwest::Client::new();
    let found = {
        let mut found = false;
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while std::time::Instant::now() < deadline {
            if client.get(&url).send().await.unwrap().status() == 200 {
                found = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        found
    };
    assert!(
        found,
        "the server never saw the imported product: {}",
        running.logs()
    );
    let search = common::json(client.get(running.url("/api/support/products?q=zephyrine"))).await;
    assert_eq!(
        search["products"][0]["id"], id,
        "the search index follows the import"
    );
}

#[test]
fn flags_are_set_read_audited_and_reset_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let flags = |args: &[&str]| {
        let output = run(aurora(dir.path())
            .arg("flags")
            .args(args)
            .env("AURORA_CONCIERGE_ROLLOUT_PERCENTAGE", "20")
            .env("USER", "ops-alice"));
        assert!(
            output.status.success(),
            "{args:?}: {}",
            text(&output.stderr)
        );
        text(&output.stdout)
    };
    let start = flags(&["get"]);
    assert!(
        start.contains("rollout percentage:    20") && start.contains("from environment"),
        "{start}"
    );
    flags(&[
        "set",
        "--rollout",
        "55",
        "--allowed-users",
        "Beta@Example.com, vip@example.com",
    ]);
    let changed = flags(&["get"]);
    assert!(
        changed.contains("rollout percentage:    55") && changed.contains("from runtime change"),
        "{changed}"
    );
    assert!(
        changed.contains("beta@example.com, vip@example.com"),
        "{changed}"
    );
    assert!(
        changed.contains("ops-alice"),
        "the audit names who: {changed}"
    );
    flags(&["reset"]);
    let reset = flags(&["get"]);
    assert!(reset.contains("rollout percentage:    20"), "{reset}");

    let bad = run(aurora(dir.path()).args(["flags", "set", "--rollout", "101"]));
    assert!(!bad.status.success());
    let nothing = run(aurora(dir.path()).args(["flags", "set"]));
    assert!(!nothing.status.success());
}

#[test]
fn a_second_server_on_the_same_sqlite_file_is_refused_until_the_first_stops() {
    let dir = tempfile::tempdir().unwrap();
    let serve = || {
        let mut command = aurora(dir.path());
        command
            .arg("serve")
            .env("AURORA_SECRET_KEY", SECRET)
            .env("AURORA_DATABASE_URL", "sqlite:store.db");
        command
    };
    let first = Running::start(serve());
    let second = run(serve().env("AURORA_LISTEN", "127.0.0.1:0"));
    assert!(!second.status.success());
    assert!(
        text(&second.stderr).contains("another server already runs on store.db"),
        "{}",
        text(&second.stderr)
    );
    assert!(first.child.id() > 0);
    assert!(first.terminate().success());
    // The lock goes with the process: the next server starts.
    let again = Running::start(serve());
    assert!(again.terminate().success());
}
