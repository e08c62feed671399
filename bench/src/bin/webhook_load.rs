//! Sends signed Shopify webhooks to a running `aurora serve` as fast as it takes them, then
//! waits until its inbox has applied them all (bench/webhooks/run.sh drives it).
//!
//! webhook_load BASE SECRET DELIVERIES CONNECTIONS PRODUCTS
//!
//! One delivery in ten is a `products/update` of one of the catalog's PRODUCTS products
//! (`bench-N`, as bench/load/catalog.py names them), one in ten a `fulfillments/create` of an
//! order sent earlier, the rest `orders/create` of new orders. Prints the rate at which they
//! were answered (ingest) and the rate at which they were applied (end to end), with the
//! answers' p50 and p99, and the ingest rate as a ratio of the 2,000 a second.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::Sha256;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const TARGET_PER_SECOND: f64 = 2_000.0;

struct Delivery {
    topic: &'static str,
    id: String,
    body: String,
    signature: String,
}

fn order(n: usize) -> serde_json::Value {
    json!({
        "id": 7_000_000_000_u64 + n as u64,
        "name": format!("#{}", 100_000 + n),
        "email": format!("buyer{n}@example.com"),
        "created_at": "2026-11-20T10:00:00-05:00",
        "updated_at": "2026-11-20T10:00:00-05:00",
        "processed_at": "2026-11-20T10:00:00-05:00",
        "financial_status": "paid",
        "fulfillment_status": null,
        "cancelled_at": null,
        "tags": "",
        "line_items": [
            {"title": "Halo Ring", "variant_title": "14K Rose Gold / 6.5", "quantity": 1, "price": "1299.00", "properties": []},
            {"title": "Pearl Studs", "variant_title": "Sterling Silver", "quantity": 2, "price": "145.00", "properties": []}
        ],
        "fulfillments": [],
        "refunds": []
    })
}

fn deliveries(count: usize, products: usize, secret: &str) -> Vec<Delivery> {
    (0..count)
        .map(|n| {
            let (topic, body) = match n % 10 {
                0 => {
                    let k = (n * 7919) % products;
                    ("products/update", json!({
                        "id": 9_000_000_000_u64 + k as u64,
                        "title": format!("Rose Gold Diamond Halo Ring No. {k}"),
                        "body_html": "<p>Updated by the bench.</p>",
                        "handle": format!("bench-{k}"),
                        "product_type": "Rings",
                        "status": "active",
                        "tags": "classic",
                        "variants": [{"price": format!("{}.00", 500 + n % 900), "inventory_quantity": 2,
                                      "inventory_management": "shopify", "option1": "14K Rose Gold"}],
                        "options": [{"name": "Metal", "values": ["14K Rose Gold"]}],
                        "images": [{"src": format!("https://cdn.example.com/bench-{k}.jpg"), "alt": "A ring"}]
                    }))
                }
                5 if n > 10 => ("fulfillments/create", json!({
                    "order_id": 7_000_000_000_u64 + (n - 4) as u64,
                    "status": "success",
                    "created_at": "2026-11-21T10:00:00-05:00",
                    "updated_at": "2026-11-21T10:00:00-05:00",
                    "tracking_company": "UPS",
                    "tracking_number": format!("1Z{n:08}"),
                    "tracking_url": format!("https://www.ups.com/track?tracknum=1Z{n:08}")
                })),
                _ => ("orders/create", order(n)),
            };
            let body = body.to_string();
            let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
            mac.update(body.as_bytes());
            let signature =
                base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
            Delivery {
                topic,
                id: format!("bench-{n}"),
                body,
                signature,
            }
        })
        .collect()
}

/// The sum of `aurora_integration_processed_total` over its labels.
async fn processed(client: &reqwest::Client, base: &str) -> f64 {
    let text = client
        .get(format!("{base}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .filter(|l| l.starts_with("aurora_integration_processed_total{"))
        .filter(|l| !l.contains("outcome=\"retried\""))
        .filter_map(|l| l.rsplit_once(' ')?.1.parse::<f64>().ok())
        .sum()
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, base, secret, count, connections, products] = &args[..] else {
        panic!("usage: webhook_load BASE SECRET DELIVERIES CONNECTIONS PRODUCTS");
    };
    let count: usize = count.parse().unwrap();
    let connections: usize = connections.parse().unwrap();
    let products: usize = products.parse().unwrap();
    let all = Arc::new(deliveries(count, products, secret));
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(connections)
        .build()
        .unwrap();
    let url = format!("{base}/api/integrations/shopify/webhooks");
    let before = processed(&client, base).await;
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..connections)
        .map(|_| {
            let (all, next, client, url) = (all.clone(), next.clone(), client.clone(), url.clone());
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    let Some(delivery) = all.get(n) else { break };
                    let sent = Instant::now();
                    let answer = client
                        .post(&url)
                        .header("content-type", "application/json")
                        .header("x-shopify-topic", delivery.topic)
                        .header("x-shopify-webhook-id", &delivery.id)
                        .header("x-shopify-hmac-sha256", &delivery.signature)
                        .body(delivery.body.clone())
                        .send()
                        .await
                        .unwrap();
                    assert!(answer.status().is_success(), "{}", answer.status());
                    latencies.push(sent.elapsed());
                }
                latencies
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for worker in workers {
        latencies.extend(worker.await.unwrap());
    }
    let ingest = started.elapsed();
    latencies.sort();
    let quantile =
        |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    let rate = count as f64 / ingest.as_secs_f64();
    println!(
        "ingest:     {count} signed deliveries in {:.2} s = {rate:.0} a second ({:.2}x the 2,000 target); answers p50 {:.2} ms, p99 {:.2} ms",
        ingest.as_secs_f64(),
        rate / TARGET_PER_SECOND,
        quantile(0.5).as_secs_f64() * 1000.0,
        quantile(0.99).as_secs_f64() * 1000.0,
    );
    loop {
        let done = processed(&client, base).await - before;
        if done >= count as f64 || started.elapsed() > Duration::from_secs(600) {
            let all = started.elapsed().as_secs_f64();
            println!(
                "end to end: {done:.0} applied {all:.2} s after the first was sent = {:.0} a second",
                done / all
            );
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
