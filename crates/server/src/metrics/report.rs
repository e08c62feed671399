//! The JSON and summary formats: per endpoint p50/p95/p99 latency and error rates over the
//! last 5 minutes and the last hour, and the business rates (widget open rate, deflection).

use super::window::{RouteMinute, WidgetMinute};
use crate::AppState;
use aurora_core::conversations::IDLE_TIMEOUT;
use aurora_core::store::ConversationCounts;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::fmt::Write;

/// The two windows, in minutes.
const SHORT: i64 = 5;
const LONG: i64 = 60;

/// Everything the JSON format shows.
#[derive(Debug, Serialize)]
pub struct Report {
    pub generated_at: DateTime<Utc>,
    /// Endpoints with requests in the last hour, busiest first.
    pub endpoints: Vec<Endpoint>,
    pub business: Periods<Business>,
    pub gauges: Gauges,
}

/// A value for the last 5 minutes and for the last hour.
#[derive(Debug, Serialize)]
pub struct Periods<T> {
    pub last_5m: T,
    pub last_1h: T,
}

/// One endpoint: method and route template.
#[derive(Debug, Serialize)]
pub struct Endpoint {
    pub method: String,
    pub route: String,
    #[serde(flatten)]
    pub periods: Periods<Traffic>,
}

/// Requests of one endpoint over one window.
#[derive(Debug, Default, Serialize)]
pub struct Traffic {
    pub requests: u64,
    pub errors_4xx: u64,
    pub errors_5xx: u64,
    /// 5xx / requests (what the error alerts use); `null` without requests.
    pub error_rate: Option<f64>,
    /// 4xx / requests; `null` without requests.
    pub client_error_rate: Option<f64>,
    pub latency_ms: Latency,
}

/// Estimated latency quantiles, in milliseconds; `null` without requests.
#[derive(Debug, Default, Serialize)]
pub struct Latency {
    pub p50: Option<f64>,
    pub p95: Option<f64>,
    pub p99: Option<f64>,
}

/// The business rates over one window.
#[derive(Debug, Serialize)]
pub struct Business {
    pub widget_loads: u64,
    pub widget_opens: u64,
    pub widget_closes: u64,
    /// Opens / loads; `null` without loads.
    pub widget_open_rate: Option<f64>,
    /// Ended by the shopper or by 30 minutes without activity; `null` when the database did
    /// not answer.
    pub conversations_ended: Option<u64>,
    pub conversations_ended_with_ticket: Option<u64>,
    /// Ended without a ticket / ended; `null` without ended conversations.
    pub deflection_rate: Option<f64>,
}

/// The current gauges.
#[derive(Debug, Serialize)]
pub struct Gauges {
    /// `null` when the database did not answer.
    pub open_conversations: Option<u64>,
    pub db_pool_in_use: u64,
    pub db_pool_idle: u64,
    /// The kill switch and rollout of this instance's flag.
    pub concierge_enabled: bool,
    pub rollout_percentage: u8,
}

fn ratio(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| round(part as f64 / whole as f64, 4))
}

fn round(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}

fn traffic(stats: &RouteMinute) -> Traffic {
    let ms = |q: f64| stats.quantile(q).map(|s| round(s * 1000.0, 1));
    Traffic {
        requests: stats.requests,
        errors_4xx: stats.client_errors,
        errors_5xx: stats.server_errors,
        error_rate: ratio(stats.server_errors, stats.requests),
        client_error_rate: ratio(stats.client_errors, stats.requests),
        latency_ms: Latency {
            p50: ms(0.5),
            p95: ms(0.95),
            p99: ms(0.99),
        },
    }
}

fn business(widget: WidgetMinute, counts: Option<ConversationCounts>) -> Business {
    let ended = counts.map(|c| c.ended_with_ticket + c.ended_without_ticket);
    Business {
        widget_loads: widget.loads,
        widget_opens: widget.opens,
        widget_closes: widget.closes,
        widget_open_rate: ratio(widget.opens, widget.loads),
        conversations_ended: ended,
        conversations_ended_with_ticket: counts.map(|c| c.ended_with_ticket),
        deflection_rate: counts.and_then(|c| {
            ratio(
                c.ended_without_ticket,
                c.ended_with_ticket + c.ended_without_ticket,
            )
        }),
    }
}

/// Builds the report at the state's current time. A database that does not answer leaves the
/// conversation figures `null` (and is counted and logged), so the metrics stay readable in
/// an outage.
pub async fn build(state: &AppState) -> Report {
    let now = state.now();
    let counts = |minutes: i64| async move {
        let since = now - chrono::Duration::minutes(minutes);
        match state
            .store
            .conversation_counts(now, IDLE_TIMEOUT, since)
            .await
        {
            Ok(counts) => Some(counts),
            Err(error) => {
                super::db_error();
                tracing::warn!(%error, "metrics: conversation counts unavailable");
                None
            }
        }
    };
    let (short_counts, long_counts) = (counts(SHORT).await, counts(LONG).await);
    if let Some(counts) = long_counts {
        super::set_open_conversations(counts.open);
    }
    let pool = super::refresh_pool(state);

    let short: std::collections::BTreeMap<_, _> =
        state.metrics.routes(now, SHORT).into_iter().collect();
    let mut endpoints: Vec<Endpoint> = state
        .metrics
        .routes(now, LONG)
        .into_iter()
        .map(|((route, method), hour)| {
            let five = short
                .get(&(route.clone(), method.clone()))
                .copied()
                .unwrap_or_default();
            Endpoint {
                method,
                route,
                periods: Periods {
                    last_5m: traffic(&five),
                    last_1h: traffic(&hour),
                },
            }
        })
        .collect();
    endpoints.sort_by(|a, b| {
        b.periods
            .last_1h
            .requests
            .cmp(&a.periods.last_1h.requests)
            .then_with(|| a.route.cmp(&b.route))
            .then_with(|| a.method.cmp(&b.method))
    });
    let flag = state.flags.current();
    Report {
        generated_at: now,
        endpoints,
        business: Periods {
            last_5m: business(state.metrics.widget(now, SHORT), short_counts),
            last_1h: business(state.metrics.widget(now, LONG), long_counts),
        },
        gauges: Gauges {
            open_conversations: long_counts.map(|c| c.open),
            db_pool_in_use: pool.in_use,
            db_pool_idle: pool.idle,
            concierge_enabled: flag.enabled,
            rollout_percentage: flag.rollout_percentage,
        },
    }
}

fn percent(rate: Option<f64>) -> String {
    rate.map_or_else(|| "n/a".to_string(), |r| format!("{:.1}%", r * 100.0))
}

fn millis(value: Option<f64>) -> String {
    match value {
        None => "-".to_string(),
        Some(ms) if ms < 10.0 => format!("{ms:.1} ms"),
        Some(ms) => format!("{ms:.0} ms"),
    }
}

fn count(value: Option<u64>) -> String {
    value.map_or_else(|| "n/a".to_string(), |n| n.to_string())
}

/// The summary format: a few lines a person reads in a terminal.
pub fn summary(report: &Report) -> String {
    let mut out = String::new();
    let totals = |pick: fn(&Periods<Traffic>) -> &Traffic| {
        let mut sum = (0u64, 0u64, 0u64);
        for endpoint in &report.endpoints {
            let t = pick(&endpoint.periods);
            sum = (
                sum.0 + t.requests,
                sum.1 + t.errors_4xx,
                sum.2 + t.errors_5xx,
            );
        }
        sum
    };
    let short = totals(|p| &p.last_5m);
    let long = totals(|p| &p.last_1h);
    let _ = writeln!(
        out,
        "Aurora metrics at {}",
        report.generated_at.format("%Y-%m-%d %H:%M:%S UTC")
    );
    let _ = writeln!(out);
    let _ = writeln!(out, "{:<22}{:>16}{:>16}", "", "last 5 min", "last hour");
    let row = |out: &mut String, label: &str, a: String, b: String| {
        let _ = writeln!(out, "{label:<22}{a:>16}{b:>16}");
    };
    row(
        &mut out,
        "requests",
        short.0.to_string(),
        long.0.to_string(),
    );
    row(
        &mut out,
        "5xx error rate",
        percent(ratio(short.2, short.0)),
        percent(ratio(long.2, long.0)),
    );
    row(
        &mut out,
        "4xx rate",
        percent(ratio(short.1, short.0)),
        percent(ratio(long.1, long.0)),
    );
    let (b5, b60) = (&report.business.last_5m, &report.business.last_1h);
    row(
        &mut out,
        "widget loads",
        b5.widget_loads.to_string(),
        b60.widget_loads.to_string(),
    );
    row(
        &mut out,
        "widget open rate",
        percent(b5.widget_open_rate),
        percent(b60.widget_open_rate),
    );
    row(
        &mut out,
        "conversations ended",
        count(b5.conversations_ended),
        count(b60.conversations_ended),
    );
    row(
        &mut out,
        "deflection",
        percent(b5.deflection_rate),
        percent(b60.deflection_rate),
    );
    let _ = writeln!(out);
    let g = &report.gauges;
    let flag = if g.concierge_enabled {
        format!("enabled, rollout {}%", g.rollout_percentage)
    } else {
        format!("KILLED (rollout {}%)", g.rollout_percentage)
    };
    let _ = writeln!(
        out,
        "open conversations {} | db pool {} in use, {} idle | concierge {flag}",
        count(g.open_conversations),
        g.db_pool_in_use,
        g.db_pool_idle
    );
    let _ = writeln!(out);
    if report.endpoints.is_empty() {
        let _ = writeln!(out, "No requests in the last hour.");
        return out;
    }
    let _ = writeln!(
        out,
        "{:<52}{:>8}{:>9}{:>9}{:>9}{:>8}",
        "endpoint (last 5 min / last hour)", "reqs", "p50", "p95", "p99", "5xx"
    );
    for endpoint in &report.endpoints {
        let _ = writeln!(out, "{} {}", endpoint.method, endpoint.route);
        for (label, t) in [
            ("  5 min", &endpoint.periods.last_5m),
            ("  1 hour", &endpoint.periods.last_1h),
        ] {
            let _ = writeln!(
                out,
                "{label:<52}{:>8}{:>9}{:>9}{:>9}{:>8}",
                t.requests,
                millis(t.latency_ms.p50),
                millis(t.latency_ms.p95),
                millis(t.latency_ms.p99),
                percent(t.error_rate),
            );
        }
    }
    out
}
