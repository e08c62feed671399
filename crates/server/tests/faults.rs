//! Faults on purpose: the PostgreSQL connection is cut in the middle of a stylist request (by a
//! TCP proxy of the test's own between the service and the database, never by touching the
//! shared server). The shopper gets 503 problem+json, no half-written ticket is left, and the
//! retry with the same Idempotency-Key opens exactly one ticket.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use aurora_server::ServerSettings;
use aurora_store::testing::TestDb;
use axum::http::StatusCode;
use common::{Shopper, assert_problem};
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};

/// Forwards connections to `upstream`; while armed, the first connection whose client sends
/// `trigger` is cut at that moment, both ways, before the bytes reach the server.
struct CuttingProxy {
    port: u16,
    armed: Arc<AtomicBool>,
    cuts: Arc<std::sync::atomic::AtomicUsize>,
}

impl CuttingProxy {
    async fn start(upstream: String, trigger: &'static [u8]) -> CuttingProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let armed = Arc::new(AtomicBool::new(false));
        let cuts = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let (armed_, cuts_) = (armed.clone(), cuts.clone());
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let Ok(server) = TcpStream::connect(&upstream).await else {
                    continue;
                };
                tokio::spawn(forward(
                    client,
                    server,
                    trigger,
                    armed_.clone(),
                    cuts_.clone(),
                ));
            }
        });
        CuttingProxy { port, armed, cuts }
    }
}

async fn forward(
    client: TcpStream,
    server: TcpStream,
    trigger: &'static [u8],
    armed: Arc<AtomicBool>,
    cuts: Arc<std::sync::atomic::AtomicUsize>,
) {
    let (client_read, client_write) = client.into_split();
    let (server_read, server_write) = server.into_split();
    let cut = |chunk: &[u8]| {
        let hit = chunk.windows(trigger.len()).any(|w| w == trigger);
        let cut = hit && armed.swap(false, Ordering::SeqCst);
        if cut {
            cuts.fetch_add(1, Ordering::SeqCst);
        }
        cut
    };
    // Whichever side ends first ends both: dropping the halves closes the sockets.
    tokio::select! {
        () = pump(client_read, server_write, cut) => {},
        () = pump(server_read, client_write, |_| false) => {},
    }
}

/// Copies `from` to `to` until either side closes, or until `cut` says so of a chunk (which is
/// then not passed on).
async fn pump(mut from: OwnedReadHalf, mut to: OwnedWriteHalf, cut: impl Fn(&[u8]) -> bool) {
    let mut buffer = vec![0; 64 * 1024];
    loop {
        let n = match from.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        if cut(&buffer[..n]) || to.write_all(&buffer[..n]).await.is_err() {
            return;
        }
    }
}

/// `url` with its host and port replaced by the proxy's.
fn through(url: &str, port: u16) -> String {
    let (scheme, rest) = url.split_once("://").unwrap();
    let (authority, path) = rest.split_once('/').unwrap();
    let credentials = authority.rsplit_once('@').map_or("", |(c, _)| c);
    let at = if credentials.is_empty() { "" } else { "@" };
    format!("{scheme}://{credentials}{at}127.0.0.1:{port}/{path}")
}

#[tokio::test]
async fn a_database_connection_cut_mid_request_answers_503_and_leaves_no_half_written_ticket() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let direct = db.open().await;
    let authority = db.url.split_once("://").unwrap().1;
    let authority = authority.split_once('/').unwrap().0;
    let upstream = authority.rsplit_once('@').map_or(authority, |(_, a)| a);
    let proxy = CuttingProxy::start(upstream.to_string(), b"INSERT INTO webhook_outbox").await;
    let proxied = aurora_store::open(&through(&db.url, proxy.port), &Default::default())
        .await
        .unwrap();
    let app = aurora_server::app(common::state(proxied, ServerSettings::default()).await);

    let (shopper, id, _) = Shopper::start(&app).await;
    let request = json!({
        "conversation_id": id,
        "name": "Ada",
        "email": "ada@example.com",
        "preferred_contact": "email",
        "message": "A gift for our anniversary",
    });
    let keyed = |key: &str| Shopper {
        extra: vec![("idempotency-key".into(), key.into())],
        ..shopper.clone()
    };
    proxy.armed.store(true, Ordering::SeqCst);
    let cut = tokio::time::timeout(
        Duration::from_secs(30),
        keyed("cut-1").post(&app, "/api/support/stylist", request.clone()),
    )
    .await
    .expect("answered within 30 s");
    // Cut after the ticket's row was written, before its webhook row and the commit.
    assert_eq!(proxy.cuts.load(Ordering::SeqCst), 1, "cut mid-transaction");
    assert_problem(
        &cut,
        StatusCode::SERVICE_UNAVAILABLE,
        "database_unavailable",
    );
    assert!(
        cut.header("content-type")
            .starts_with("application/problem+json")
    );
    // Nothing of the transaction stayed: no ticket, no webhook, no "[stylist request]".
    assert!(direct.recent_tickets(10).await.unwrap().is_empty());
    let messages = direct.messages(&id).await.unwrap();
    assert_eq!(messages.len(), 1, "only the welcome");

    // The database is back: the retry with the same key opens the ticket, once.
    let mut retried = Vec::new();
    for _ in 0..2 {
        let answer = keyed("cut-1")
            .post(&app, "/api/support/stylist", request.clone())
            .await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text());
        retried.push(answer.json()["reference"].clone());
    }
    assert_eq!(retried[0], retried[1], "the second is a replay");
    assert_eq!(direct.recent_tickets(10).await.unwrap().len(), 1);
}
