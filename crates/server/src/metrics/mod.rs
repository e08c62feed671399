//! Metrics, through the `metrics` facade into a Prometheus recorder (see `exporter`): the
//! per-route HTTP metrics (`http`), the business counters the handlers record (below), and
//! one-hour windows per app (`window`) from which the JSON and summary formats (`report`)
//! compute latency quantiles, error rates, the widget open rate and the deflection rate.

pub mod aggregates;
pub mod exporter;
pub mod http;
pub mod report;
pub mod window;

use crate::AppState;
use aurora_core::insight::analytics::Series;
use std::time::Duration;

pub use http::track;
pub use window::{WidgetEvent, Windows};

/// Installs the recorder (once per process) so nothing recorded from now on is lost.
pub fn install() {
    let _ = exporter::handle();
}

/// The concierge flag's kill switch and rollout percentage (the two flag gauges).
pub fn flag_state(enabled: bool, rollout_percentage: u8) {
    install();
    metrics::gauge!("aurora_concierge_enabled").set(if enabled { 1.0 } else { 0.0 });
    metrics::gauge!("aurora_rollout_percentage").set(f64::from(rollout_percentage));
}

/// A rejected identity token, by reason.
pub fn identity_rejected(reason: &'static str) {
    metrics::counter!("aurora_identity_rejected_total", "reason" => reason).increment(1);
}

/// A conversation started.
pub fn conversation_started(state: &AppState) {
    metrics::counter!("aurora_conversations_started_total").increment(1);
    state
        .metrics
        .count(state.now(), Series::ConversationsStarted, "", 1);
}

/// What one answered message or button did.
pub struct Answered {
    /// The intent understood (`action` for buttons).
    pub intent: &'static str,
    pub products_shown: usize,
    /// The conversation's first message from the shopper.
    pub first: bool,
    /// A product search that found nothing.
    pub found_nothing: bool,
}

/// A message the concierge answered, by the intent it understood (`action` for buttons).
pub fn message(state: &AppState, answered: &Answered) {
    metrics::counter!("aurora_messages_total", "intent" => answered.intent).increment(1);
    metrics::counter!("aurora_products_shown_total").increment(answered.products_shown as u64);
    let now = state.now();
    let windows = &state.metrics;
    windows.count(now, Series::Messages, answered.intent, 1);
    if answered.first {
        windows.count(now, Series::FirstMessages, "", 1);
    }
    if answered.products_shown > 0 {
        windows.count(now, Series::ProductReplies, "", 1);
    }
    if answered.found_nothing {
        metrics::counter!("aurora_searches_empty_total").increment(1);
        windows.count(now, Series::EmptySearches, "", 1);
    }
}

/// What the knowledge file did for a message: answered it or not, or the shopper's word on
/// an answer.
pub fn knowledge(used: aurora_core::concierge::KnowledgeUse) {
    use aurora_core::concierge::KnowledgeUse;
    match used {
        KnowledgeUse::Answered => {
            metrics::counter!("aurora_knowledge_lookups_total", "outcome" => "answered")
                .increment(1);
        }
        KnowledgeUse::Unanswered => {
            metrics::counter!("aurora_knowledge_lookups_total", "outcome" => "unanswered")
                .increment(1);
        }
        KnowledgeUse::Feedback(helped) => {
            let label = if helped { "yes" } else { "no" };
            metrics::counter!("aurora_knowledge_feedback_total", "helpful" => label).increment(1);
        }
    }
}

/// A product added to a shortlist.
pub fn shortlist_add() {
    metrics::counter!("aurora_shortlist_adds_total").increment(1);
}

/// A ticket created, by kind.
pub fn ticket(state: &AppState, kind: &'static str) {
    metrics::counter!("aurora_tickets_total", "kind" => kind).increment(1);
    state.metrics.count(state.now(), Series::Tickets, kind, 1);
}

/// A CSAT response.
pub fn csat(state: &AppState, score: i32) {
    let points = u64::try_from(score).unwrap_or(0);
    metrics::counter!("aurora_csat_responses_total").increment(1);
    metrics::counter!("aurora_csat_score_points_total").increment(points);
    let now = state.now();
    state.metrics.count(now, Series::CsatResponses, "", 1);
    state.metrics.count(now, Series::CsatPoints, "", points);
}

/// A conversation ended, with or without a ticket (deflection).
pub fn conversation_ended(state: &AppState, with_ticket: bool) {
    let label = if with_ticket { "true" } else { "false" };
    metrics::counter!("aurora_conversations_ended_total", "with_ticket" => label).increment(1);
    state
        .metrics
        .count(state.now(), Series::ConversationsEnded, label, 1);
}

/// A webhook delivery failed.
pub fn webhook_failure() {
    install();
    metrics::counter!("aurora_webhook_failures_total").increment(1);
}

/// A platform's webhook delivery answered, by outcome (`accepted`, `duplicate`, `ignored`,
/// `missing_signature`, `bad_signature`, `invalid`).
pub fn integration_delivery(outcome: &'static str) {
    metrics::counter!("aurora_integration_deliveries_total", "outcome" => outcome).increment(1);
}

/// A delivery taken from the inbox, by kind (`orders`, `fulfillments`, `products`) and outcome
/// (`applied`, `stale`, `ignored`, `retried`, `rejected`, `given_up`).
pub fn integration_processed(kind: &'static str, outcome: &'static str) {
    metrics::counter!("aurora_integration_processed_total", "kind" => kind, "outcome" => outcome)
        .increment(1);
}

/// Deliveries waiting in the inbox, and those set aside.
pub fn integration_inbox(pending: u64, failed: u64) {
    metrics::gauge!("aurora_integration_inbox_pending").set(pending as f64);
    metrics::gauge!("aurora_integration_inbox_failed").set(failed as f64);
}

/// A database call failed (unreachable or erroring).
pub fn db_error() {
    metrics::counter!("aurora_db_errors_total").increment(1);
}

/// A widget event (no personal data: only its kind and when).
pub fn widget_event(state: &AppState, event: WidgetEvent) {
    let name = match event {
        WidgetEvent::Load => "aurora_widget_loads_total",
        WidgetEvent::Open => "aurora_widget_opens_total",
        WidgetEvent::Close => "aurora_widget_closes_total",
        WidgetEvent::Details => "aurora_widget_product_details_total",
        WidgetEvent::Shortlist => "aurora_widget_shortlists_total",
    };
    metrics::counter!(name).increment(1);
    state.metrics.count(state.now(), event.series(), "", 1);
}

/// The database pool gauges, read now (no query).
pub(crate) fn refresh_pool(state: &AppState) -> aurora_core::store::PoolStats {
    let pool = state.store.pool_stats();
    metrics::gauge!("aurora_db_pool_connections", "state" => "in_use").set(pool.in_use as f64);
    metrics::gauge!("aurora_db_pool_connections", "state" => "idle").set(pool.idle as f64);
    pool
}

/// The open-conversations gauge.
pub(crate) fn set_open_conversations(open: u64) {
    metrics::gauge!("aurora_open_conversations").set(open as f64);
}

/// Every `every`, ends the conversations idle for 30 minutes (counting each in
/// `aurora_conversations_ended_total`; on the instance holding the sweep's lease) and refreshes
/// the open-conversations and pool gauges. Runs until the task is dropped.
pub async fn sweep_idle_conversations(state: AppState, every: Duration) {
    install();
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        // Only the instance holding the sweep's lease ends conversations; every instance keeps
        // its gauges fresh.
        let leader = crate::leases::hold(&state, crate::leases::IDLE_SWEEP).await;
        if let Err(error) = sweep(&state, leader).await {
            db_error();
            tracing::warn!(%error, "idle conversation sweep failed; retrying next time");
        }
    }
}

/// One sweep (see [`sweep_idle_conversations`]); returns how many conversations it ended.
pub async fn sweep_idle_conversations_once(
    state: &AppState,
) -> aurora_core::store::StoreResult<usize> {
    sweep(state, true).await
}

/// Ends idle conversations when `end_idle`, and refreshes the gauges either way.
async fn sweep(state: &AppState, end_idle: bool) -> aurora_core::store::StoreResult<usize> {
    let swept = aurora_core::services::conversations::sweep_idle(
        state.store.as_ref(),
        state.now(),
        end_idle,
    )
    .await?;
    for &with_ticket in &swept.ended {
        conversation_ended(state, with_ticket);
    }
    set_open_conversations(swept.counts.open);
    refresh_pool(state);
    Ok(swept.ended.len())
}
