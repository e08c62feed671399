//! Replies to shoppers by email, against an SMTP receiver this test starts on loopback: the
//! reply is kept on the ticket and written to the outbox in one transaction; while the mail
//! server is down nothing is lost and the attempt is recorded; once it is up the next attempt
//! delivers it, once. Without SMTP settings the reply is refused and the page offers a mailto
//! link instead.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use aurora_core::staff::Role;
use aurora_core::store::Store;
use aurora_core::tickets::TicketKind;
use aurora_server::{ServerSettings, SmtpSettings};
use aurora_store::backend_tests;
use axum::http::StatusCode;
use chrono::{Duration, Utc};
use common::staff::{add_user, sign_in, ticket};
use serde_json::json;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// A ticket of `kind` from ava@example.com, and an agent signed in to answer it.
async fn ticket_and_agent(
    store: &dyn Store,
    reference: &str,
    kind: TicketKind,
) -> (String, common::staff::Staffer) {
    let reference = ticket(store, reference, kind, "ava@example.com", Utc::now())
        .await
        .reference;
    let agent = sign_in(
        store,
        &add_user(store, "agent@store.example", Role::Agent).await,
    )
    .await;
    (reference, agent)
}

backend_tests!(
    a_reply_waits_out_a_mail_server_outage_and_is_sent_once,
    without_smtp_a_reply_is_refused_and_the_page_offers_a_mailto_link,
);

/// Messages an SMTP receiver accepted: the envelope's recipients and the DATA.
type Inbox = Arc<Mutex<Vec<(Vec<String>, String)>>>;

/// A minimal SMTP server on `listener`: enough of RFC 5321 for one client to send mail.
async fn receive(listener: TcpListener, inbox: Inbox) {
    loop {
        let Ok((socket, _)) = listener.accept().await else {
            return;
        };
        let inbox = inbox.clone();
        tokio::spawn(async move {
            let (read, mut write) = socket.into_split();
            let mut lines = BufReader::new(read).lines();
            write.write_all(b"220 receiver ESMTP\r\n").await.unwrap();
            let mut recipients = Vec::new();
            while let Ok(Some(line)) = lines.next_line().await {
                let verb = line.split(' ').next().unwrap_or("").to_uppercase();
                let answer: &[u8] = match verb.as_str() {
                    "EHLO" | "HELO" => b"250 receiver\r\n",
                    "RCPT" => {
                        recipients.push(line.clone());
                        b"250 OK\r\n"
                    }
                    "DATA" => {
                        write.write_all(b"354 go on\r\n").await.unwrap();
                        let mut data = String::new();
                        while let Ok(Some(line)) = lines.next_line().await {
                            if line == "." {
                                break;
                            }
                            data.push_str(&line);
                            data.push('\n');
                        }
                        inbox
                            .lock()
                            .unwrap()
                            .push((std::mem::take(&mut recipients), data));
                        b"250 queued\r\n"
                    }
                    "QUIT" => {
                        write.write_all(b"221 bye\r\n").await.unwrap();
                        return;
                    }
                    _ => b"250 OK\r\n",
                };
                write.write_all(answer).await.unwrap();
            }
        });
    }
}

async fn a_reply_waits_out_a_mail_server_outage_and_is_sent_once(store: Arc<dyn Store>) {
    // A port with nothing listening: the mail server is down.
    let port = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let settings = ServerSettings {
        smtp: Some(SmtpSettings {
            url: format!("smtp://127.0.0.1:{port}"),
            from: "Gilded Grove <care@gildedgrove.example>".into(),
        }),
        ..ServerSettings::default()
    };
    common::seed_demo(&store).await;
    let application = common::application(store.clone(), settings).await;
    let state = application.state().clone();
    let mailer = application.mailer().unwrap().clone();
    let app = aurora_server::app(state.clone());
    let (reference, agent) =
        ticket_and_agent(store.as_ref(), "ST-200001", TicketKind::Stylist).await;
    let path = format!("/api/dashboard/tickets/{reference}/replies");
    let text = "Hello Ava, the sapphire ring comes in size 6.5. Shall I reserve it?";
    let replied = agent
        .json(&app, "POST", &path, &json!({"text": text}))
        .await;
    assert_eq!(replied.status, StatusCode::CREATED, "{}", replied.text());
    assert_eq!(replied.json()["emailed"]["to"], "ava@example.com");
    assert_eq!(
        replied.json()["emailed"]["sent_at"],
        serde_json::Value::Null
    );

    // Down: the attempt fails, is recorded, and nothing is lost.
    assert_eq!(aurora_server::deliver_emails_once(&state, &mailer).await, 0);
    let view = agent
        .get(&app, &format!("/api/dashboard/tickets/{reference}"))
        .await
        .json();
    let note = &view["notes"][0];
    assert_eq!(note["text"], text);
    assert_eq!(note["emailed"]["attempts"], 1);
    assert!(note["emailed"]["last_error"].as_str().is_some(), "{note}");
    let page = agent
        .get(&app, &format!("/dashboard/tickets/{reference}"))
        .await
        .text();
    assert!(
        page.contains("not sent yet, retrying (attempt 1 failed"),
        "{page}"
    );

    // Up again: not before the retry is due, then once.
    let inbox: Inbox = Arc::default();
    let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
    let receiver = tokio::spawn(receive(listener, inbox.clone()));
    assert_eq!(aurora_server::deliver_emails_once(&state, &mailer).await, 0);
    let later = state
        .clone()
        .with_clock(|| Utc::now() + Duration::minutes(5));
    assert_eq!(aurora_server::deliver_emails_once(&later, &mailer).await, 1);
    assert_eq!(aurora_server::deliver_emails_once(&later, &mailer).await, 0);
    receiver.abort();
    let received = inbox.lock().unwrap().clone();
    assert_eq!(received.len(), 1);
    let (recipients, data) = &received[0];
    assert_eq!(recipients, &["RCPT TO:<ava@example.com>"]);
    assert!(data.contains("To: ava@example.com"), "{data}");
    assert!(
        data.contains(&format!(
            "Subject: Gilded Grove: about your request {reference}"
        )),
        "{data}"
    );
    assert!(
        data.contains("From: \"Gilded Grove\" <care@gildedgrove.example>"),
        "{data}"
    );
    assert!(
        data.contains("the sapphire ring comes in size 6.5"),
        "{data}"
    );
    let view = agent
        .get(&app, &format!("/api/dashboard/tickets/{reference}"))
        .await
        .json();
    assert!(view["notes"][0]["emailed"]["sent_at"].is_string(), "{view}");

    // The page's form does the same; the reply shows on the ticket.
    let form = agent
        .form(
            &app,
            &format!("/dashboard/tickets/{reference}"),
            &[("action", "reply"), ("text", "A second reply")],
        )
        .await;
    assert_eq!(form.status, StatusCode::SEE_OTHER, "{}", form.text());
    let page = agent
        .get(&app, &format!("/dashboard/tickets/{reference}?done=reply"))
        .await
        .text();
    assert!(page.contains("it is being emailed to the shopper"));
    assert!(
        page.contains("Emailed to ava@example.com · waiting to be sent"),
        "{page}"
    );
    assert!(
        page.contains("Emailed to ava@example.com · sent "),
        "{page}"
    );
    assert!(
        !page.contains("mailto:"),
        "with SMTP, replies go from the workspace"
    );
}

async fn without_smtp_a_reply_is_refused_and_the_page_offers_a_mailto_link(store: Arc<dyn Store>) {
    let app = common::demo_app(store.clone()).await;
    let (reference, agent) =
        ticket_and_agent(store.as_ref(), "RT-200002", TicketKind::Return).await;
    let replied = agent
        .json(
            &app,
            "POST",
            &format!("/api/dashboard/tickets/{reference}/replies"),
            &json!({"text": "Hello"}),
        )
        .await;
    common::assert_problem(&replied, StatusCode::CONFLICT, "email_not_configured");
    let view = agent
        .get(&app, &format!("/api/dashboard/tickets/{reference}"))
        .await
        .json();
    assert_eq!(view["notes"], json!([]), "nothing was written");
    let page = agent
        .get(&app, &format!("/dashboard/tickets/{reference}"))
        .await
        .text();
    assert!(page.contains("href=\"mailto:ava@example.com?"), "{page}");
    assert!(!page.contains("Send reply"));
}
