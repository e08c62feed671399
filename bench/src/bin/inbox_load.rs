//! The workspace inbox with 100,000 tickets (issue #14), outside CI; bench/workspace/run.sh
//! drives it.
//!
//! inbox_load seed DATABASE_URL TICKETS     fills an empty database with tickets
//!
//! The tickets look like a store's year: one in three of each kind, created over 365 days, a
//! conversation of eight lines each, 70% resolved, a third of the rest assigned. `page_load`
//! then times the inbox's pages.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use aurora_core::email::Email;
use aurora_core::staff::audit::{AuditAction, AuditEntry};
use aurora_core::staff::{Actor, Role};
use aurora_core::tickets::workflow::{TicketChange, TicketStatus};
use aurora_core::tickets::{Ticket, TicketKind, TranscriptLine};
use chrono::{Duration, Utc};
use serde_json::json;
use std::time::Instant;

const NAMES: [&str; 8] = [
    "Ava Thompson",
    "Liam Carter",
    "Sofia Martinez",
    "Noah Kim",
    "Mia Rossi",
    "Ethan Brown",
    "Zoe Adams",
    "Lucas Silva",
];

fn ticket(n: usize) -> Ticket {
    let kind = TicketKind::ALL[n % 3];
    let created_at = Utc::now() - Duration::seconds((n as i64 * 31_536_000) / 100_000);
    let name = NAMES[n % NAMES.len()];
    let email = format!(
        "{}.{n}@example.com",
        name.split(' ').next().unwrap().to_lowercase()
    );
    let transcript = (0..8)
        .map(|i| TranscriptLine {
            role: if i % 2 == 0 { "shopper" } else { "concierge" }.into(),
            text: "I am looking for a rose gold halo engagement ring under $1,500, size 6.5, ready to ship before our anniversary next month.".into(),
            at: created_at - Duration::minutes(8 - i),
        })
        .collect();
    Ticket {
        reference: format!("{}-{:06}", kind.prefix(), n),
        kind,
        created_at,
        conversation_id: None,
        name: Some(name.into()),
        email: Email::parse(&email).unwrap(),
        details: match kind {
            TicketKind::Stylist => {
                json!({"message": "Help me choose an engagement ring", "preferred_contact": "email"})
            }
            _ => {
                json!({"order_number": format!("GG-{:06}", 100_000 + n), "request": kind.as_str(), "items": "Halo ring", "reason": "too_big"})
            }
        },
        transcript,
        shortlist: vec!["halo-ring-rose-gold".into(), "pave-band-platinum".into()],
        filters: json!({"category": "rings", "metals": ["rose_gold"], "max_price": 1500}),
        products_shown: (0..12).map(|i| format!("product-{i}")).collect(),
    }
}

async fn seed(url: &str, count: usize) {
    let store = aurora_store::open(url, &aurora_store::ConnectOptions::default())
        .await
        .unwrap();
    let agent = aurora_core::services::staff::add_user(
        store.as_ref(),
        &Actor::cli("bench"),
        "agent@bench.example",
        Role::Agent,
        None,
        Utc::now(),
    )
    .await
    .unwrap();
    let started = Instant::now();
    for batch in (0..count).collect::<Vec<_>>().chunks(1000) {
        let mut tx = store.begin().await.unwrap();
        for &n in batch {
            tx.insert_ticket(&ticket(n)).await.unwrap();
        }
        tx.commit().await.unwrap();
    }
    let now = Utc::now();
    for n in 0..count {
        let resolved = n % 10 < 7;
        let assigned = !resolved && n % 3 == 0;
        if !resolved && !assigned {
            continue;
        }
        let reference = format!("{}-{:06}", TicketKind::ALL[n % 3].prefix(), n);
        let (_, before, _) = store.ticket_record(&reference).await.unwrap().unwrap();
        let change = if resolved {
            TicketChange::Status(TicketStatus::Resolved)
        } else {
            TicketChange::Assign(Some(agent.id.clone()))
        };
        let after = before.apply(&change, now).unwrap();
        let entry = AuditEntry::new(
            now,
            "bench via cli",
            AuditAction::TicketStatusChanged,
            &reference,
            "",
        );
        store
            .update_workflow(&reference, before.updated_at, &after, &[entry])
            .await
            .unwrap();
    }
    println!(
        "seeded {count} tickets in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("seed") => seed(&args[2], args[3].parse().unwrap()).await,
        _ => panic!("usage: inbox_load seed URL TICKETS"),
    }
}
