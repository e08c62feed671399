//! Shutting down lets every request that has started get its response.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use aurora_server::ServerSettings;
use axum::Router;
use axum::routing::get;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::{Notify, oneshot};

const IN_FLIGHT: usize = 5;

#[tokio::test]
async fn shutdown_waits_for_every_request_in_flight_and_then_refuses_new_ones() {
    let db = aurora_store::testing::TestDb::sqlite();
    let state = common::state(db.open().await, ServerSettings::default()).await;
    let started = Arc::new(AtomicUsize::new(0));
    let all_started = Arc::new(Notify::new());
    let slow = {
        let (started, all_started) = (started.clone(), all_started.clone());
        Router::new().route(
            "/test/slow",
            get(move || async move {
                if started.fetch_add(1, Ordering::SeqCst) + 1 == IN_FLIGHT {
                    all_started.notify_one();
                }
                tokio::time::sleep(Duration::from_millis(700)).await;
                "finished"
            }),
        )
    };
    let router = aurora_server::app(state).merge(slow);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(aurora_server::serve(listener, router, async {
        let _ = stopped.await;
    }));

    let client = reqwest::Client::new();
    let requests: Vec<_> = (0..IN_FLIGHT)
        .map(|_| {
            let request = client.get(format!("http://{address}/test/slow")).send();
            tokio::spawn(async move { request.await?.text().await })
        })
        .collect();
    all_started.notified().await;
    stop.send(()).unwrap();

    for request in requests {
        assert_eq!(request.await.unwrap().unwrap(), "finished");
    }
    server.await.unwrap().unwrap();
    let after = reqwest::Client::new()
        .get(format!("http://{address}/api/health"))
        .timeout(Duration::from_secs(2))
        .send()
        .await;
    assert!(after.is_err(), "the server still answers after shutdown");
}

/// A clean stop gives up the background jobs' leases, so another instance takes them over at
/// once instead of after `background_lease`.
#[tokio::test]
async fn a_clean_stop_releases_the_background_jobs_leases() {
    let db = aurora_store::testing::TestDb::sqlite();
    let store = db.open().await;
    let server = ServerSettings {
        background_lease: chrono::Duration::hours(1),
        ..ServerSettings::default()
    };
    let app = common::application(store.clone(), server).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let running = tokio::spawn(app.run(listener, async {
        let _ = stopped.await;
    }));
    let other = |store: Arc<dyn aurora_core::store::Store>| async move {
        store
            .hold_lease(
                "inbox",
                "another-instance",
                chrono::Utc::now(),
                chrono::Duration::seconds(5),
            )
            .await
            .unwrap()
    };
    // The inbox takes its lease every second. Probing takes the lease for a moment: should the
    // instance try in that moment, it gets it on its next round.
    let mut held = false;
    for _ in 0..250 {
        if other(store.clone()).await.is_none() {
            held = true;
            break;
        }
        store.release_leases("another-instance").await.unwrap();
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(held, "the instance never held the inbox's lease");
    stop.send(()).unwrap();
    running.await.unwrap().unwrap();
    assert!(
        other(store).await.is_some(),
        "released on a clean stop, though it had an hour left"
    );
}
