//! The process-wide Prometheus recorder: installed once (tests build many apps in one process),
//! every metric described and registered at zero, upkeep on a thread of its own so histogram
//! samples are folded into buckets and memory stays bounded whatever the traffic.

use metrics::{describe_counter, describe_gauge, describe_histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Duration;

/// Bucket bounds of the latency histogram: the fast paths (1 ms to 100 ms), the 0.8 s canary
/// gate, and the 1 s and 2 s alert thresholds are all bounds, so "over 1 s" is exact.
pub const LATENCY_BUCKETS: [f64; 13] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.8, 1.0, 2.0, 5.0,
];

const UPKEEP_EVERY: Duration = Duration::from_secs(5);

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Installs the recorder on first use; `None` when another recorder was installed first.
pub fn handle() -> Option<&'static PrometheusHandle> {
    HANDLE.get_or_init(install).as_ref()
}

fn install() -> Option<PrometheusHandle> {
    let builder = match PrometheusBuilder::new().set_buckets_for_metric(
        Matcher::Full("aurora_http_request_duration_seconds".into()),
        &LATENCY_BUCKETS,
    ) {
        Ok(builder) => builder,
        Err(error) => {
            tracing::error!(%error, "metrics: bad histogram buckets; metrics are off");
            return None;
        }
    };
    let recorder = builder.build_recorder();
    let handle = recorder.handle();
    if let Err(error) = metrics::set_global_recorder(recorder) {
        tracing::error!(%error, "metrics: another recorder is installed; metrics are off");
        return None;
    }
    describe();
    register();
    let upkeep = handle.clone();
    let spawned = std::thread::Builder::new()
        .name("aurora-metrics-upkeep".into())
        .spawn(move || {
            loop {
                std::thread::sleep(UPKEEP_EVERY);
                upkeep.run_upkeep();
            }
        });
    if let Err(error) = spawned {
        tracing::error!(%error, "metrics: no upkeep thread; upkeep runs at each scrape only");
    }
    Some(handle)
}

/// The Prometheus text exposition of every metric.
pub fn render() -> String {
    match handle() {
        Some(handle) => {
            // Folds pending histogram samples in now, so a scrape sees every finished request.
            handle.run_upkeep();
            handle.render()
        }
        None => String::new(),
    }
}

fn describe() {
    describe_counter!(
        "aurora_http_requests_total",
        "HTTP requests answered, by route template, method and status class."
    );
    describe_histogram!(
        "aurora_http_request_duration_seconds",
        "Time to answer an HTTP request (to the response head), by route template and method."
    );
    describe_gauge!(
        "aurora_db_pool_connections",
        "Database pool connections, in use and idle."
    );
    describe_gauge!(
        "aurora_open_conversations",
        "Conversations not ended with activity in the last 30 minutes."
    );
    describe_gauge!(
        "aurora_rollout_percentage",
        "Percentage of shoppers the concierge flag is rolled out to."
    );
    describe_gauge!(
        "aurora_concierge_enabled",
        "1 when the concierge is enabled, 0 when its kill switch is off."
    );
    describe_counter!(
        "aurora_widget_loads_total",
        "Widget loads (the launcher was shown)."
    );
    describe_counter!("aurora_widget_opens_total", "Widget opens by shoppers.");
    describe_counter!("aurora_widget_closes_total", "Widget closes by shoppers.");
    describe_counter!(
        "aurora_widget_product_details_total",
        "Product details opened in the widget."
    );
    describe_counter!(
        "aurora_widget_shortlists_total",
        "Products shortlisted in the widget (reported by the widget)."
    );
    describe_counter!(
        "aurora_conversations_started_total",
        "Conversations started."
    );
    describe_counter!(
        "aurora_searches_empty_total",
        "Product searches that found nothing."
    );
    describe_counter!(
        "aurora_messages_total",
        "Messages the concierge answered, by understood intent (action for buttons)."
    );
    describe_counter!(
        "aurora_knowledge_lookups_total",
        "Questions looked up in the store's knowledge file, by outcome (answered, unanswered)."
    );
    describe_counter!(
        "aurora_knowledge_feedback_total",
        "Shoppers' word on a knowledge answer, by whether it helped (yes, no)."
    );
    describe_counter!(
        "aurora_products_shown_total",
        "Product cards shown in concierge replies."
    );
    describe_counter!(
        "aurora_shortlist_adds_total",
        "Products added to a shortlist."
    );
    describe_counter!(
        "aurora_tickets_total",
        "Tickets created, by kind (stylist, return, resize, cancellation)."
    );
    describe_counter!(
        "aurora_csat_responses_total",
        "Satisfaction (CSAT) responses."
    );
    describe_counter!(
        "aurora_csat_score_points_total",
        "Sum of CSAT scores (1 to 5); divide by the responses for the average."
    );
    describe_counter!(
        "aurora_rate_limited_total",
        "Requests refused by a rate limit, by scope (visitor, ip, order_lookup)."
    );
    describe_counter!(
        "aurora_db_errors_total",
        "Database calls that failed (unreachable or erroring), not conflicts."
    );
    describe_counter!(
        "aurora_webhook_failures_total",
        "Failed ticket webhook deliveries."
    );
    describe_counter!(
        "aurora_emails_sent_total",
        "Replies to shoppers the mail server accepted."
    );
    describe_counter!(
        "aurora_email_failures_total",
        "Failed attempts to send a reply to a shopper (each is retried)."
    );
    describe_counter!(
        "aurora_conversations_ended_total",
        "Conversations ended (by the shopper or after 30 minutes idle), with or without a ticket."
    );
    describe_counter!(
        "aurora_integration_deliveries_total",
        "Platform webhook deliveries answered, by outcome (accepted, duplicate, ignored, missing_signature, bad_signature, invalid)."
    );
    describe_counter!(
        "aurora_integration_processed_total",
        "Inbox deliveries processed, by kind (orders, fulfillments, products, other) and outcome (applied, stale, ignored, retried, rejected, given_up)."
    );
    describe_gauge!(
        "aurora_integration_inbox_pending",
        "Webhook deliveries received and not processed yet."
    );
    describe_gauge!(
        "aurora_integration_inbox_failed",
        "Webhook deliveries set aside as rejected or given up (kept seven days)."
    );
    describe_counter!(
        "aurora_identity_rejected_total",
        "Shopper identity tokens rejected, by reason."
    );
}

/// Every series with a known label set exists from the start, so `rate()` and `increase()`
/// see the first increment and dashboards show 0 rather than "no data".
fn register() {
    for name in [
        "aurora_widget_loads_total",
        "aurora_widget_opens_total",
        "aurora_widget_closes_total",
        "aurora_widget_product_details_total",
        "aurora_widget_shortlists_total",
        "aurora_conversations_started_total",
        "aurora_searches_empty_total",
        "aurora_products_shown_total",
        "aurora_shortlist_adds_total",
        "aurora_csat_responses_total",
        "aurora_csat_score_points_total",
        "aurora_db_errors_total",
        "aurora_webhook_failures_total",
        "aurora_emails_sent_total",
        "aurora_email_failures_total",
    ] {
        metrics::counter!(name).increment(0);
    }
    let labelled: [(&'static str, &'static str, &[&'static str]); 8] = [
        (
            "aurora_tickets_total",
            "kind",
            &["stylist", "return", "resize", "cancellation"],
        ),
        (
            "aurora_rate_limited_total",
            "scope",
            &["visitor", "ip", "order_lookup"],
        ),
        (
            "aurora_conversations_ended_total",
            "with_ticket",
            &["true", "false"],
        ),
        (
            "aurora_identity_rejected_total",
            "reason",
            &[
                "not_configured",
                "malformed",
                "algorithm",
                "signature",
                "expired",
                "too_long_lived",
                "no_email",
            ],
        ),
        ("aurora_messages_total", "intent", &["action"]),
        (
            "aurora_knowledge_lookups_total",
            "outcome",
            &["answered", "unanswered"],
        ),
        ("aurora_knowledge_feedback_total", "helpful", &["yes", "no"]),
        (
            "aurora_integration_deliveries_total",
            "outcome",
            &[
                "accepted",
                "duplicate",
                "ignored",
                "missing_signature",
                "bad_signature",
                "invalid",
            ],
        ),
    ];
    for (name, label, values) in labelled {
        for value in values {
            metrics::counter!(name, label => *value).increment(0);
        }
    }
    for intent in aurora_nlu::Intent::ALL {
        metrics::counter!("aurora_messages_total", "intent" => intent.as_str()).increment(0);
    }
    // `increment(0.0)` creates a gauge without overwriting a value set before.
    for state in ["in_use", "idle"] {
        metrics::gauge!("aurora_db_pool_connections", "state" => state).increment(0.0);
    }
    for kind in ["orders", "fulfillments", "products", "other"] {
        for outcome in [
            "applied", "stale", "ignored", "retried", "rejected", "given_up",
        ] {
            metrics::counter!("aurora_integration_processed_total", "kind" => kind, "outcome" => outcome)
                .increment(0);
        }
    }
    for name in [
        "aurora_integration_inbox_pending",
        "aurora_integration_inbox_failed",
        "aurora_open_conversations",
        "aurora_rollout_percentage",
        "aurora_concierge_enabled",
    ] {
        metrics::gauge!(name).increment(0.0);
    }
}
