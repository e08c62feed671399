//! Readiness follows the database: 503 while it cannot be reached, 200 again as soon as it can,
//! without a restart. The outage is a TCP proxy in front of PostgreSQL that the test cuts and
//! restores; the machine's PostgreSQL itself is never touched.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use aurora_server::ServerSettings;
use aurora_store::ConnectOptions;
use aurora_store::testing::TestDb;
use axum::http::StatusCode;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::AbortHandle;

/// Forwards connections to `target` until cut; a cut also kills the open connections.
struct Proxy {
    address: SocketAddr,
    cut: Arc<AtomicBool>,
    connections: Arc<Mutex<Vec<AbortHandle>>>,
}

impl Proxy {
    async fn start(target: String) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let cut = Arc::new(AtomicBool::new(false));
        let connections = Arc::new(Mutex::new(Vec::<AbortHandle>::new()));
        let (is_cut, open) = (cut.clone(), connections.clone());
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if is_cut.load(Ordering::SeqCst) {
                    continue; // dropped: the client sees the connection close
                }
                let target = target.clone();
                let task = tokio::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                open.lock().unwrap().push(task.abort_handle());
            }
        });
        Proxy {
            address,
            cut,
            connections,
        }
    }

    fn cut(&self) {
        self.cut.store(true, Ordering::SeqCst);
        for connection in self.connections.lock().unwrap().drain(..) {
            connection.abort();
        }
    }

    fn restore(&self) {
        self.cut.store(false, Ordering::SeqCst);
    }
}

/// `url` with its `host:port` replaced by `address`.
fn through(url: &str, address: SocketAddr) -> (String, String) {
    let start = url
        .find('@')
        .or_else(|| url.find("://").map(|i| i + 2))
        .unwrap()
        + 1;
    let end = start + url[start..].find('/').unwrap();
    let target = url[start..end].to_string();
    (format!("{}{address}{}", &url[..start], &url[end..]), target)
}

#[tokio::test]
async fn readiness_is_503_while_the_database_is_unreachable_and_200_once_it_is_back() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    db.open().await; // migrate directly, then go through the proxy
    let (_, target) = through(&db.url, "127.0.0.1:1".parse().unwrap());
    let proxy = Proxy::start(target).await;
    let (proxied_url, _) = through(&db.url, proxy.address);
    let options = ConnectOptions {
        acquire_timeout: Duration::from_millis(800),
        ..ConnectOptions::default()
    };
    let store = aurora_store::open(&proxied_url, &options).await.unwrap();
    let app = aurora_server::app(common::state(store, ServerSettings::default()).await);

    assert_eq!(
        common::get(&app, "/api/health/ready").await.status,
        StatusCode::OK
    );

    proxy.cut();
    let down = common::get(&app, "/api/health/ready").await;
    assert_eq!(
        down.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        down.text()
    );
    assert_eq!(down.header("content-type"), "application/problem+json");
    assert_eq!(down.json()["code"], "database_unavailable");
    assert!(
        !down.text().contains("127.0.0.1"),
        "internals leaked: {}",
        down.text()
    );
    // Liveness does not depend on the database.
    assert_eq!(
        common::get(&app, "/api/health").await.status,
        StatusCode::OK
    );

    proxy.restore();
    let mut status = StatusCode::SERVICE_UNAVAILABLE;
    for _ in 0..50 {
        status = common::get(&app, "/api/health/ready").await.status;
        if status == StatusCode::OK {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(
        status,
        StatusCode::OK,
        "still not ready after the database came back"
    );
}
