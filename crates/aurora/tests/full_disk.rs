//! Faults on purpose: the disk under a SQLite database fills up. The real binary runs in a
//! private mount namespace (`unshare`, no root needed) on a 6 MiB tmpfs; shoppers talk until it
//! is full. Then a message is answered 503 problem+json (never a 500) with a log line that says
//! the disk is full, search still answers from memory, and after SIGTERM the file passes
//! `PRAGMA integrity_check` and holds every message that was answered.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Running, SECRET};
use serde_json::{Value, json};
use std::process::Command;
use std::time::{Duration, Instant};

fn namespaces_available() -> bool {
    let works = Command::new("unshare")
        .args(["-Urm", "true"])
        .status()
        .is_ok_and(|s| s.success());
    if !works && std::env::var("AURORA_REQUIRE_POSTGRES").as_deref() == Ok("1") {
        panic!("CI runs the full-disk test: `unshare -Urm` must work on this machine");
    }
    if !works {
        eprintln!("SKIPPED: `unshare -Urm` (user and mount namespaces) is not available");
    }
    works
}

#[tokio::test]
async fn a_full_disk_under_sqlite_answers_503_and_leaves_a_sound_database() {
    if !namespaces_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (mount, out) = (dir.path().join("mnt"), dir.path().join("out"));
    std::fs::create_dir_all(&mount).unwrap();
    std::fs::create_dir_all(&out).unwrap();
    // The tmpfs lives as long as the namespace: copy the database out once the server stopped.
    let script =
        r#"mount -t tmpfs -o size=6m tmpfs "$MNT" && "$AURORA" serve; cp "$MNT"/full.db* "$OUT"/"#;
    let mut command = Command::new("unshare");
    command
        .args(["-Urm", "sh", "-c", script])
        .current_dir(dir.path());
    for (key, _) in std::env::vars() {
        if key.starts_with("AURORA_") {
            command.env_remove(key);
        }
    }
    command
        .env("MNT", &mount)
        .env("OUT", &out)
        .env("AURORA", env!("CARGO_BIN_EXE_aurora"))
        .env("AURORA_LOG_FORMAT", "json")
        .env(
            "AURORA_DATABASE_URL",
            format!("sqlite:{}", mount.join("full.db").display()),
        )
        .env("AURORA_SECRET_KEY", SECRET)
        .env("AURORA_RATE_LIMIT_VISITOR_PER_MINUTE", "1000000")
        .env("AURORA_RATE_LIMIT_IP_PER_MINUTE", "1000000");
    let server = Running::start(command);

    let client = reqwest::Client::new();
    let started = common::json(
        client
            .post(server.url("/api/support/conversations"))
            .json(&json!({})),
    )
    .await;
    let token = started["visitor_token"].as_str().unwrap().to_string();
    let id = started["conversation_id"].as_str().unwrap().to_string();
    let text = "rose gold ring ".repeat(130);
    let (mut answered, mut refused) = (0, None);
    let until = Instant::now() + Duration::from_secs(50);
    while refused.is_none() && Instant::now() < until {
        let response = client
            .post(server.url(&format!("/api/support/conversations/{id}/messages")))
            .header("x-aurora-visitor", &token)
            .json(&json!({ "text": text }))
            .send()
            .await
            .unwrap();
        match response.status().as_u16() {
            200 => answered += 1,
            status => {
                let kind = response.headers()["content-type"]
                    .to_str()
                    .unwrap()
                    .to_string();
                refused = Some((status, kind, response.json::<Value>().await.unwrap()));
            }
        }
    }
    let (status, kind, problem) = refused.expect("the disk never filled up");
    assert!(status == 503 || status == 507, "{status}: {problem}");
    assert_eq!(kind, "application/problem+json");
    assert_eq!(problem["code"], "database_unavailable", "{problem}");
    assert!(
        server.logs().contains("disk is full"),
        "a log line says why: {}",
        server.logs()
    );
    // What needs no write still works: the catalog is in memory.
    let search = client
        .get(server.url("/api/support/products?q=ring"))
        .send()
        .await
        .unwrap();
    assert_eq!(search.status(), 200);

    // Stop it cleanly (aurora is the shell's child in the namespace), then check the file.
    let shell = server.child.id().to_string();
    Command::new("pkill")
        .args(["-TERM", "-P", &shell])
        .status()
        .unwrap();
    let mut server = server;
    assert!(server.child.wait().unwrap().success());
    let database = out.join("full.db");
    let sqlite = |sql: &str| {
        let output = Command::new("sqlite3")
            .arg(&database)
            .arg(sql)
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
        String::from_utf8(output.stdout).unwrap().trim().to_string()
    };
    assert_eq!(sqlite("PRAGMA integrity_check"), "ok");
    let kept: usize = sqlite(&format!(
        "SELECT COUNT(*) FROM messages WHERE conversation_id = '{id}'"
    ))
    .parse()
    .unwrap();
    assert!(
        answered >= 10,
        "{answered} messages before the disk was full"
    );
    assert_eq!(
        kept,
        1 + 2 * answered,
        "the welcome and every answered pair"
    );
}
