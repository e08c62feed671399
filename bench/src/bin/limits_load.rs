//! The shared rate limits' benchmark (issue #17): how many shopper requests a second PostgreSQL
//! can count against their limits (one statement per request: its IP and its visitor), from
//! `CONNECTIONS` concurrent tasks for `SECONDS`, with the answers' p50 and p99. Prints the
//! figures and the ratio against the shopper API's target of 10,000 messages a second (#15): the
//! figure that decides whether Redis is needed. Run by `bench/limits/run.sh`.

use aurora_core::store::{Rate, Take};
use std::time::{Duration, Instant};

const TARGET_PER_SECOND: f64 = 10_000.0;

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("AURORA_DATABASE_URL")?;
    let connections = env("CONNECTIONS", 64);
    let seconds = env("SECONDS", 10);
    let options = aurora_store::ConnectOptions {
        max_connections: u32::try_from(env("POOL", 16))?,
        ..Default::default()
    };
    let store = aurora_store::open(&url, &options).await?;
    // Limits no visitor of the benchmark reaches, as in bench/load: every request is counted,
    // none refused (a refused one costs a second query, and is rare in real traffic).
    let ip_rate = Rate::per(1_000_000, Duration::from_secs(60));
    let visitor_rate = Rate::per(1_000_000, Duration::from_secs(60));
    let until = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for task in 0..connections {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut n: u64 = 0;
            while Instant::now() < until {
                n += 1;
                // 10,000 visitors behind 1,000 addresses.
                let visitor = format!("visitor:bench-{}", (task * 7919 + n * 104_729) % 10_000);
                let ip = format!("ip:10.0.{}.{}", (n % 1_000) / 250, n % 250);
                let takes = [
                    Take {
                        key: &ip,
                        rate: ip_rate,
                    },
                    Take {
                        key: &visitor,
                        rate: visitor_rate,
                    },
                ];
                let started = Instant::now();
                let limited = store.take(&takes, chrono::Utc::now()).await;
                latencies.push(started.elapsed());
                assert!(matches!(limited, Ok(None)), "{limited:?}");
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await?);
    }
    latencies.sort();
    let count = latencies.len();
    let at = |q: f64| latencies[((count as f64 * q) as usize).min(count - 1)];
    let rate = count as f64 / seconds as f64;
    println!(
        "{count} requests counted in {seconds} s from {connections} tasks: {rate:.0}/s, \
         p50 {:.2} ms, p99 {:.2} ms; {:.2}x the shopper API's target of {TARGET_PER_SECOND:.0}/s",
        at(0.50).as_secs_f64() * 1000.0,
        at(0.99).as_secs_f64() * 1000.0,
        rate / TARGET_PER_SECOND,
    );
    Ok(())
}
