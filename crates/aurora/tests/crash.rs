//! A hard crash strands no Idempotency-Key: the real binary is killed with SIGKILL while 16
//! shoppers submit stylist requests, then started again on the same database. Every request
//! that was answered is there; every retry with the same key gets the original answer (the
//! ticket was committed) or a fresh one (it was not), never a 409 once the key's lease has run
//! out; and every stored ticket is one a shopper learned the reference of. SQLite always,
//! PostgreSQL when `AURORA_TEST_POSTGRES_URL` is set.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::Running;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

const SHOPPERS: usize = 16;
const LEASE_SECONDS: u64 = 2;

fn instance(dir: &Path, url: &str) -> Running {
    let mut command = common::serve(dir, url);
    command.env(
        "AURORA_IDEMPOTENCY_LEASE_SECONDS",
        LEASE_SECONDS.to_string(),
    );
    Running::start(command)
}

/// A shopper: their visitor token and conversation.
struct Shopper {
    token: String,
    conversation: String,
}

/// What one stylist request with a key came to.
#[derive(Debug, Clone)]
enum Sent {
    /// Answered with this ticket reference.
    Answered(String),
    /// The connection failed: the shopper never learned what happened.
    Unanswered,
}

fn body(shopper: &Shopper, n: usize) -> Value {
    json!({
        "conversation_id": shopper.conversation,
        "name": "Ada",
        "email": "ada@example.com",
        "preferred_contact": "email",
        "message": format!("Request {n}: an anniversary gift"),
    })
}

async fn post(
    client: &reqwest::Client,
    base: &str,
    shopper: &Shopper,
    key: &str,
    body: &Value,
) -> reqwest::Result<(u16, Value)> {
    let response = client
        .post(format!("{base}/api/support/stylist"))
        .header("x-aurora-visitor", &shopper.token)
        .header("idempotency-key", key)
        .json(body)
        .send()
        .await?;
    let status = response.status().as_u16();
    Ok((status, response.json().await.unwrap_or(Value::Null)))
}

async fn crash_under_load(url: &str) {
    let dir = tempfile::tempdir().unwrap();
    let first = instance(dir.path(), url);
    let client = reqwest::Client::new();
    let mut shoppers = Vec::new();
    for _ in 0..SHOPPERS {
        let started = common::json(
            client
                .post(first.url("/api/support/conversations"))
                .json(&json!({})),
        )
        .await;
        shoppers.push(Arc::new(Shopper {
            token: started["visitor_token"].as_str().unwrap().to_string(),
            conversation: started["conversation_id"].as_str().unwrap().to_string(),
        }));
    }

    // Each shopper submits request after request, each with a key of its own, until the
    // server dies under them.
    let answered = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for (i, shopper) in shoppers.iter().enumerate() {
        let (client, base, shopper) = (client.clone(), first.base.clone(), shopper.clone());
        let answered = answered.clone();
        tasks.push(tokio::spawn(async move {
            let mut sent = BTreeMap::new();
            for n in 0.. {
                let key = format!("crash-{i}-{n}");
                match post(&client, &base, &shopper, &key, &body(&shopper, n)).await {
                    Ok((201, answer)) => {
                        let reference = answer["reference"].as_str().unwrap().to_string();
                        sent.insert(n, Sent::Answered(reference));
                        answered.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok((status, answer)) => panic!("{status} before the crash: {answer}"),
                    Err(_) => {
                        sent.insert(n, Sent::Unanswered);
                        return sent;
                    }
                }
            }
            unreachable!()
        }));
    }
    let busy = common::eventually(Duration::from_secs(20), || {
        answered.load(Ordering::Relaxed) >= 4 * SHOPPERS
    });
    assert!(busy, "the shoppers' requests were never answered");
    let mut first = first;
    first.child.kill().unwrap();
    first.child.wait().unwrap();
    let mut sent = Vec::new();
    for task in tasks {
        sent.push(task.await.unwrap());
    }
    let unanswered = sent
        .iter()
        .flat_map(|s| s.values())
        .filter(|s| matches!(s, Sent::Unanswered))
        .count();
    assert_eq!(unanswered, SHOPPERS, "each shopper had a request in flight");

    // Restarted on the same database, after the lease of every claim the crash left.
    let second = instance(dir.path(), url);
    tokio::time::sleep(Duration::from_secs(LEASE_SECONDS)).await;
    let mut learned = BTreeSet::new();
    let (mut replayed, mut fresh) = (0, 0);
    for (i, (shopper, requests)) in shoppers.iter().zip(&sent).enumerate() {
        for (n, before) in requests {
            let key = format!("crash-{i}-{n}");
            let response = client
                .post(second.url("/api/support/stylist"))
                .header("x-aurora-visitor", &shopper.token)
                .header("idempotency-key", &key)
                .json(&body(shopper, *n))
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            let replay = response.headers().contains_key("idempotent-replayed");
            let answer: Value = response.json().await.unwrap();
            assert_eq!(status, 201, "the retry of {key} ({before:?}): {answer}");
            let reference = answer["reference"].as_str().unwrap().to_string();
            if let Sent::Answered(original) = before {
                assert!(replay, "{key} was answered: its retry replays it");
                assert_eq!(&reference, original, "{key}: the original answer");
            } else if replay {
                replayed += 1;
            } else {
                fresh += 1;
            }
            assert!(learned.insert(reference), "two keys, one ticket");
        }
    }
    drop(second);
    eprintln!(
        "{} requests answered before the SIGKILL; of the {SHOPPERS} in flight, {replayed} had \
         been committed (their retry replayed the answer) and {fresh} had not (their retry ran)",
        learned.len() - SHOPPERS
    );

    let store = aurora_store::open(url, &Default::default()).await.unwrap();
    let stored: BTreeSet<String> = store
        .recent_tickets(10_000)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.reference)
        .collect();
    assert_eq!(
        stored, learned,
        "every stored ticket is one whose reference its shopper learned, and no more"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sigkill_under_load_strands_no_idempotency_key_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("crash.db").display());
    crash_under_load(&url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sigkill_under_load_strands_no_idempotency_key_on_postgres() {
    let Some(db) = aurora_store::testing::TestDb::postgres().await else {
        return;
    };
    crash_under_load(&db.url).await;
}
