//! Rate limits (GCRA, via governor): per visitor and per IP for the shopper API, and tighter
//! ones for order lookups per visitor, per IP and per order number, so orders can't be
//! enumerated. Limits are per instance.

use crate::error::ApiError;
use axum::http::{HeaderValue, StatusCode};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

/// How many requests each key may make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitSettings {
    /// Requests per minute per visitor.
    pub visitor_per_minute: u32,
    /// Requests per minute per client IP.
    pub ip_per_minute: u32,
    /// Order lookups per 15 minutes, per visitor, per IP and per order number.
    pub order_lookups_per_15_minutes: u32,
    /// Workspace sign-in attempts per 15 minutes per account; five times as many per IP (an
    /// office shares one).
    pub sign_ins_per_15_minutes: u32,
}

impl Default for LimitSettings {
    fn default() -> Self {
        LimitSettings {
            visitor_per_minute: 60,
            ip_per_minute: 300,
            order_lookups_per_15_minutes: 5,
            sign_ins_per_15_minutes: 10,
        }
    }
}

/// Which limit a request ran into (also the metric label).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Visitor,
    Ip,
    OrderLookup,
    SignIn,
}

impl Scope {
    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Visitor => "visitor",
            Scope::Ip => "ip",
            Scope::OrderLookup => "order_lookup",
            Scope::SignIn => "sign_in",
        }
    }
}

struct Limit<K: Hash + Eq + Clone> {
    limiter: DefaultKeyedRateLimiter<K>,
    burst: u32,
    window: Duration,
}

impl<K: Hash + Eq + Clone> Limit<K> {
    fn new(burst: u32, window: Duration) -> Self {
        let burst = burst.max(1);
        let n = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
        let period = window / burst;
        let quota = Quota::with_period(period)
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
            .allow_burst(n);
        Limit {
            limiter: RateLimiter::keyed(quota),
            burst,
            window,
        }
    }

    fn check(&self, key: &K, scope: Scope) -> Result<(), Limited> {
        self.limiter.check_key(key).map_err(|not_until| Limited {
            scope,
            limit: self.burst,
            window: self.window,
            retry_after: not_until.wait_time_from(DefaultClock::default().now()),
        })
    }
}

/// The rate limiters of one instance.
pub struct Limits {
    visitor: Limit<String>,
    ip: Limit<IpAddr>,
    lookup_visitor: Limit<String>,
    lookup_ip: Limit<IpAddr>,
    lookup_order: Limit<String>,
    sign_in_account: Limit<String>,
    sign_in_ip: Limit<IpAddr>,
}

/// A request over its limit: answered 429 with `Retry-After` and the IETF `RateLimit` headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limited {
    pub scope: Scope,
    pub limit: u32,
    pub window: Duration,
    pub retry_after: Duration,
}

impl Limits {
    /// Limiters per the settings.
    pub fn new(settings: &LimitSettings) -> Self {
        let minute = Duration::from_secs(60);
        let lookups = Duration::from_secs(15 * 60);
        Limits {
            visitor: Limit::new(settings.visitor_per_minute, minute),
            ip: Limit::new(settings.ip_per_minute, minute),
            lookup_visitor: Limit::new(settings.order_lookups_per_15_minutes, lookups),
            lookup_ip: Limit::new(settings.order_lookups_per_15_minutes, lookups),
            lookup_order: Limit::new(settings.order_lookups_per_15_minutes, lookups),
            sign_in_account: Limit::new(settings.sign_ins_per_15_minutes, lookups),
            sign_in_ip: Limit::new(settings.sign_ins_per_15_minutes.saturating_mul(5), lookups),
        }
    }

    /// One request of the shopper API from `ip`, by `visitor` when known.
    pub fn request(&self, ip: IpAddr, visitor: Option<&str>) -> Result<(), Limited> {
        self.ip.check(&ip, Scope::Ip)?;
        match visitor {
            Some(visitor) => self.visitor.check(&visitor.to_string(), Scope::Visitor),
            None => Ok(()),
        }
    }

    /// One order lookup attempt.
    pub fn order_lookup(
        &self,
        ip: IpAddr,
        visitor: &str,
        order_number: &str,
    ) -> Result<(), Limited> {
        self.lookup_ip.check(&ip, Scope::OrderLookup)?;
        self.lookup_visitor
            .check(&visitor.to_string(), Scope::OrderLookup)?;
        self.lookup_order
            .check(&order_number.to_uppercase(), Scope::OrderLookup)
    }

    /// One workspace sign-in attempt for `email` from `ip`.
    pub fn sign_in(&self, ip: IpAddr, email: &str) -> Result<(), Limited> {
        self.sign_in_ip.check(&ip, Scope::SignIn)?;
        self.sign_in_account
            .check(&email.trim().to_lowercase(), Scope::SignIn)
    }

    /// Forgets keys whose limits have fully recovered, so memory stays bounded.
    pub fn forget_idle(&self) {
        self.visitor.limiter.retain_recent();
        self.ip.limiter.retain_recent();
        self.lookup_visitor.limiter.retain_recent();
        self.lookup_ip.limiter.retain_recent();
        self.lookup_order.limiter.retain_recent();
        self.sign_in_account.limiter.retain_recent();
        self.sign_in_ip.limiter.retain_recent();
    }
}

impl From<Limited> for ApiError {
    fn from(limited: Limited) -> Self {
        metrics::counter!("aurora_rate_limited_total", "scope" => limited.scope.as_str())
            .increment(1);
        let seconds =
            limited.retry_after.as_secs() + u64::from(limited.retry_after.subsec_nanos() > 0);
        let detail = match limited.scope {
            Scope::SignIn => format!(
                "Too many sign-in attempts. Please wait {} before trying again.",
                minutes_or_seconds(seconds)
            ),
            Scope::OrderLookup => format!(
                "Too many order lookups. For your security, please wait {} before trying again, or talk to a stylist.",
                minutes_or_seconds(seconds)
            ),
            _ => format!(
                "Too many requests. Please wait {} and try again.",
                minutes_or_seconds(seconds)
            ),
        };
        let header =
            |value: String| HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static("0"));
        ApiError::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", detail)
            .with_header("retry-after", header(seconds.to_string()))
            .with_header(
                "ratelimit-policy",
                header(format!("{};w={}", limited.limit, limited.window.as_secs())),
            )
            .with_header(
                "ratelimit",
                header(format!(
                    "limit={}, remaining=0, reset={seconds}",
                    limited.limit
                )),
            )
    }
}

fn minutes_or_seconds(seconds: u64) -> String {
    if seconds >= 90 {
        format!("{} minutes", seconds.div_ceil(60))
    } else {
        format!("{seconds} seconds")
    }
}

/// Middleware: the per-IP and per-visitor limits of the shopper API.
pub async fn limit_requests(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let (parts, body) = request.into_parts();
    let ip = crate::client_ip::client_ip(&parts, &state);
    let visitor = parts
        .headers
        .get(crate::extract::VISITOR_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|token| state.tokens.verify_visitor(token));
    if let Err(limited) = state.limits.request(ip, visitor.as_deref()) {
        return ApiError::from(limited).into_response();
    }
    next.run(axum::extract::Request::from_parts(parts, body))
        .await
}

/// Every minute, forgets the rate limiters' recovered keys, so their memory stays bounded.
/// Runs until the task is dropped.
pub(crate) async fn forget_idle(state: crate::AppState) {
    let mut ticker = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        ticker.tick().await;
        state.limits.forget_idle();
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn an_order_number_is_locked_whoever_asks_for_it() {
        let limits = Limits::new(&LimitSettings {
            order_lookups_per_15_minutes: 2,
            ..LimitSettings::default()
        });
        let ip = |n: u8| IpAddr::from([10, 0, 0, n]);
        assert!(limits.order_lookup(ip(1), "v1", "GG-100001").is_ok());
        assert!(limits.order_lookup(ip(2), "v2", "gg-100001").is_ok());
        let third = limits.order_lookup(ip(3), "v3", "GG-100001").unwrap_err();
        assert_eq!(third.scope, Scope::OrderLookup);
        assert!(third.retry_after > Duration::from_secs(60));
        // Another order from a fresh visitor and IP is unaffected.
        assert!(limits.order_lookup(ip(4), "v4", "GG-100002").is_ok());
    }

    #[test]
    fn a_visitor_over_its_limit_is_told_when_to_retry() {
        let limits = Limits::new(&LimitSettings {
            visitor_per_minute: 3,
            ..LimitSettings::default()
        });
        let ip = IpAddr::from([10, 0, 0, 1]);
        for _ in 0..3 {
            assert!(limits.request(ip, Some("v1")).is_ok());
        }
        let limited = limits.request(ip, Some("v1")).unwrap_err();
        assert_eq!((limited.scope, limited.limit), (Scope::Visitor, 3));
        assert!(limits.request(ip, Some("v2")).is_ok());
    }
}
