//! The business metrics the handlers record, through the `metrics` facade. The exporter and
//! the per-route HTTP metrics are wired by the observability layer.

/// A rejected identity token, by reason.
pub fn identity_rejected(reason: &'static str) {
    metrics::counter!("aurora_identity_rejected_total", "reason" => reason).increment(1);
}

/// A message the concierge answered, by the intent it understood (`action` for buttons).
pub fn message(intent: &'static str, products_shown: usize) {
    metrics::counter!("aurora_messages_total", "intent" => intent).increment(1);
    metrics::counter!("aurora_products_shown_total").increment(products_shown as u64);
}

/// A product added to a shortlist.
pub fn shortlist_add() {
    metrics::counter!("aurora_shortlist_adds_total").increment(1);
}

/// A ticket created, by kind.
pub fn ticket(kind: &'static str) {
    metrics::counter!("aurora_tickets_total", "kind" => kind).increment(1);
}

/// A CSAT response.
pub fn csat(score: i32) {
    metrics::counter!("aurora_csat_responses_total").increment(1);
    metrics::counter!("aurora_csat_score_points_total")
        .increment(u64::try_from(score).unwrap_or(0));
}

/// A conversation ended, with or without a ticket (deflection).
pub fn conversation_ended(with_ticket: bool) {
    let label = if with_ticket { "true" } else { "false" };
    metrics::counter!("aurora_conversations_ended_total", "with_ticket" => label).increment(1);
}

/// A webhook delivery failed.
pub fn webhook_failure() {
    metrics::counter!("aurora_webhook_failures_total").increment(1);
}
