//! Two instances of the real binary on one PostgreSQL database behind nginx, configured by the
//! shipped `deploy/nginx.conf`: one address, one service. An instance killed with SIGKILL costs
//! the shoppers no request. nginx comes from `AURORA_TEST_NGINX` (the README test command
//! unpacks Debian's package); without it the test is skipped, except in CI.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::Running;
use serde_json::{Value, json};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// nginx running one configuration, stopped when dropped.
struct Nginx {
    child: Child,
    base: String,
    _dir: tempfile::TempDir,
}

impl Nginx {
    /// nginx on a free port in front of `upstreams` (`127.0.0.1:PORT` each), with
    /// `deploy/nginx.conf`'s placeholders filled in.
    fn start(binary: &str, upstreams: &[&str]) -> Nginx {
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy/nginx.conf");
        let servers: Vec<String> = upstreams
            .iter()
            .map(|u| format!("server {u} max_fails=1 fail_timeout=5s;"))
            .collect();
        let conf = std::fs::read_to_string(shipped)
            .unwrap()
            .replace("{{LISTEN}}", &format!("127.0.0.1:{port}"))
            .replace("{{UPSTREAMS}}", &servers.join("\n        "))
            .replace("{{PREFIX}}", &dir.path().display().to_string());
        let path = dir.path().join("nginx.conf");
        std::fs::write(&path, conf).unwrap();
        let child = Command::new(binary)
            .arg("-p")
            .arg(dir.path())
            .arg("-c")
            .arg(&path)
            .args(["-e", "stderr", "-g", "daemon off;"])
            .stdin(Stdio::null())
            .spawn()
            .unwrap();
        let listening = common::eventually(Duration::from_secs(10), || {
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        assert!(listening, "nginx never listened on {port}");
        Nginx {
            child,
            base: format!("http://127.0.0.1:{port}"),
            _dir: dir,
        }
    }
}

impl Drop for Nginx {
    /// SIGTERM, so that the master stops its workers too (SIGKILL would orphan them).
    fn drop(&mut self) {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let _ = self.child.wait();
    }
}

fn nginx_binary() -> Option<String> {
    match std::env::var("AURORA_TEST_NGINX") {
        Ok(path) if !path.is_empty() => Some(path),
        _ if std::env::var("AURORA_REQUIRE_POSTGRES").as_deref() == Ok("1") => {
            panic!("CI runs the tests behind nginx: set AURORA_TEST_NGINX (scripts/test.sh does)")
        }
        _ => {
            eprintln!("SKIPPED: AURORA_TEST_NGINX is not set (run the README test command)");
            None
        }
    }
}

/// `aurora serve` on the database at `url`, trusting nginx's X-Forwarded-For.
fn instance(dir: &Path, url: &str) -> Running {
    let mut command = common::serve(dir, url);
    command.env("AURORA_TRUSTED_PROXIES", "127.0.0.1");
    Running::start(command)
}

/// Two instances on one new PostgreSQL database, behind nginx at `proxy.base`. The fields drop
/// in order: nginx, the instances, then their folder and database.
struct Service {
    proxy: Nginx,
    first: Running,
    _second: Running,
    _dir: tempfile::TempDir,
    _db: aurora_store::testing::TestDb,
}

/// The service, or `None` when nginx or PostgreSQL is not there (the test is skipped).
async fn behind_nginx() -> Option<Service> {
    let nginx = nginx_binary()?;
    let db = aurora_store::testing::TestDb::postgres().await?;
    let dir = tempfile::tempdir().unwrap();
    let first = instance(dir.path(), &db.url);
    let second = instance(dir.path(), &db.url);
    let address = |r: &Running| r.base.trim_start_matches("http://").to_string();
    let proxy = Nginx::start(&nginx, &[&address(&first), &address(&second)]);
    Some(Service {
        proxy,
        first,
        _second: second,
        _dir: dir,
        _db: db,
    })
}

/// A new visitor's conversation started through `base`: the visitor token and its id.
async fn start(client: &reqwest::Client, base: &str) -> (String, String) {
    let started = client
        .post(format!("{base}/api/support/conversations"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(started.status(), 201);
    let started: Value = started.json().await.unwrap();
    let token = started["visitor_token"].as_str().unwrap().to_string();
    let id = started["conversation_id"].as_str().unwrap().to_string();
    (token, id)
}

#[tokio::test]
async fn two_instances_behind_nginx_are_one_service_and_a_killed_one_costs_no_request() {
    let Some(service) = behind_nginx().await else {
        return;
    };
    let client = reqwest::Client::new();
    let url = |path: &str| format!("{}{path}", service.proxy.base);
    let (token, id) = start(&client, &service.proxy.base).await;
    let say = |text: &'static str| {
        let request = client
            .post(url(&format!("/api/support/conversations/{id}/messages")))
            .header("x-aurora-visitor", &token)
            .json(&json!({ "text": text }));
        async move { request.send().await.unwrap().status().as_u16() }
    };
    // Round robin: the conversation is answered by both instances, from the one database.
    for _ in 0..10 {
        assert_eq!(say("hello").await, 200);
    }

    // One instance dies without a word; every request after it is still answered.
    let mut first = service.first;
    first.child.kill().unwrap();
    first.child.wait().unwrap();
    let mut statuses = Vec::new();
    for _ in 0..20 {
        statuses.push(say("gold rings").await);
        let health = client.get(url("/api/health")).send().await.unwrap();
        statuses.push(health.status().as_u16());
    }
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    let history = client
        .get(url(&format!("/api/support/conversations/{id}")))
        .header("x-aurora-visitor", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(history.status(), 200);
    let history: Value = history.json().await.unwrap();
    let messages = history["messages"].as_array().map_or(0, Vec::len);
    assert!(messages >= 2 * 30, "{messages} messages kept: {history}");
}

/// SIGTERM to one instance behind nginx while shoppers send messages (each with its
/// Idempotency-Key) and search: it finishes what it was answering and stops; nginx sends the
/// rest to the other; no request fails and every message is kept exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_behind_nginx_drains_without_a_failed_request() {
    let Some(service) = behind_nginx().await else {
        return;
    };
    let client = reqwest::Client::new();
    let base = service.proxy.base.clone();

    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut shoppers = Vec::new();
    for _ in 0..8 {
        let (client, base, stop) = (client.clone(), base.clone(), stop.clone());
        shoppers.push(tokio::spawn(async move {
            let (token, id) = start(&client, &base).await;
            let mut statuses = Vec::new();
            let mut said = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                said += 1;
                let answer = client
                    .post(format!("{base}/api/support/conversations/{id}/messages"))
                    .header("x-aurora-visitor", &token)
                    .header("idempotency-key", format!("drain-{said}"))
                    .json(&json!({ "text": "gold hoops under $500" }))
                    .send()
                    .await;
                statuses.push(answer.map_or(0, |r| r.status().as_u16()));
                let searched = client
                    .get(format!("{base}/api/support/products?q=ring"))
                    .header("x-aurora-visitor", &token)
                    .send()
                    .await;
                statuses.push(searched.map_or(0, |r| r.status().as_u16()));
            }
            // Each keyed message is in the conversation exactly once, resent or not.
            let history: Value = client
                .get(format!("{base}/api/support/conversations/{id}"))
                .header("x-aurora-visitor", &token)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let kept = history["messages"].as_array().map_or(0, Vec::len);
            assert_eq!(kept, 1 + 2 * said, "{id}");
            statuses
        }));
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let first = service.first;
    let stopped = tokio::task::spawn_blocking(move || first.terminate());
    let status = stopped.await.unwrap();
    assert!(status.success(), "the instance stopped cleanly: {status}");
    tokio::time::sleep(Duration::from_secs(1)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut statuses = Vec::new();
    for shopper in shoppers {
        statuses.extend(shopper.await.unwrap());
    }
    let failed: Vec<_> = statuses.iter().filter(|s| **s != 200).collect();
    assert!(statuses.len() > 100, "{} requests", statuses.len());
    assert!(
        failed.is_empty(),
        "{} of {} failed: {failed:?}",
        failed.len(),
        statuses.len()
    );
}
