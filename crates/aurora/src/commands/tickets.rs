use crate::config::{Config, open_store};
use anyhow::bail;
use aurora_core::tickets::Ticket;
use std::process::ExitCode;

/// `aurora tickets list`: the newest tickets, one line each.
pub async fn list(config: Config, limit: u32) -> anyhow::Result<ExitCode> {
    let store = open_store(&config).await?;
    let tickets = store.recent_tickets(limit).await?;
    if tickets.is_empty() {
        println!("No tickets yet.");
    }
    for ticket in tickets {
        println!(
            "{}  {}  {:<7}  {}  {}",
            ticket.reference,
            ticket.created_at.format("%Y-%m-%d %H:%M"),
            ticket.kind.as_str(),
            ticket.email,
            summary(&ticket)
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn summary(ticket: &Ticket) -> String {
    let text = ["message", "items", "order_number"]
        .iter()
        .find_map(|field| ticket.details[*field].as_str())
        .unwrap_or("");
    let mut line: String = text.lines().next().unwrap_or("").chars().take(60).collect();
    if text.chars().count() > 60 {
        line.push('…');
    }
    line
}

/// `aurora tickets show REF`: everything the ticket carries, as support reads it.
pub async fn show(config: Config, reference: &str, json: bool) -> anyhow::Result<ExitCode> {
    let store = open_store(&config).await?;
    let Some(ticket) = store.ticket(&reference.trim().to_uppercase()).await? else {
        bail!("no ticket {reference}");
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&ticket)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!("Ticket {} ({})", ticket.reference, ticket.kind.as_str());
    println!("Created:      {}", ticket.created_at.to_rfc3339());
    if let Some(name) = &ticket.name {
        println!("Name:         {name}");
    }
    println!("Email:        {}", ticket.email);
    if let Some(conversation) = &ticket.conversation_id {
        println!("Conversation: {conversation}");
    }
    println!("\nRequest:");
    if let Some(details) = ticket.details.as_object() {
        for (field, value) in details {
            println!(
                "  {field}: {}",
                value
                    .as_str()
                    .map_or_else(|| value.to_string(), str::to_string)
            );
        }
    }
    println!("\nActive filters: {}", ticket.filters);
    println!("Shortlist:      {}", list_or_none(&ticket.shortlist));
    println!("Products shown: {}", list_or_none(&ticket.products_shown));
    println!("\nTranscript:");
    if ticket.transcript.is_empty() {
        println!("  (none)");
    }
    for line in &ticket.transcript {
        let mut lines = line.text.lines();
        println!(
            "  [{}] {:>9}: {}",
            line.at.format("%H:%M"),
            line.role,
            lines.next().unwrap_or("")
        );
        for more in lines {
            println!("  {:>18}{more}", "");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "(none)".to_string()
    } else {
        items.join(", ")
    }
}
