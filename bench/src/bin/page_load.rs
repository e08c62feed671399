//! Times pages of the running service as one staff member asks them (one request at a time),
//! outside CI; the workspace benchmarks drive it (bench/workspace/run.sh, bench/insight/run.sh).
//!
//! page_load BASE TOKEN REQUESTS CEILING_MS NAME=PATH …
//!
//! Asks each page REQUESTS times with the API token and prints p50, p95 and p99, and p95 as a
//! ratio of the ceiling (the target). Any answer but a 2xx stops the run.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Instant;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, base, token, requests, ceiling, pages @ ..] = args.as_slice() else {
        panic!("usage: page_load BASE TOKEN REQUESTS CEILING_MS NAME=PATH …");
    };
    let requests: usize = requests.parse().unwrap();
    let ceiling: f64 = ceiling.parse().unwrap();
    let client = reqwest::Client::new();
    for page in pages {
        let (name, path) = page.split_once('=').expect("NAME=PATH");
        let mut times = Vec::with_capacity(requests);
        for _ in 0..requests {
            let started = Instant::now();
            let answer = client
                .get(format!("{base}{path}"))
                .bearer_auth(token)
                .send()
                .await
                .unwrap();
            assert!(answer.status().is_success(), "{path}: {}", answer.status());
            answer.bytes().await.unwrap();
            times.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
        println!(
            "{name:<44} p50 {:6.1} ms  p95 {:6.1} ms  p99 {:6.1} ms  p95/ceiling {:.2}",
            at(0.50),
            at(0.95),
            at(0.99),
            at(0.95) / ceiling
        );
    }
}
