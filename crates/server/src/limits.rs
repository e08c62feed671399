//! Rate limits (GCRA, counted by the store: shared by every instance on PostgreSQL): per
//! visitor and per IP for the shopper API, tighter ones for order lookups per visitor, per IP
//! and per order number, so orders can't be enumerated, and for workspace sign-ins.

use crate::error::ApiError;
use aurora_core::store::{Rate, Store, Take};
use axum::http::{HeaderValue, StatusCode};
use std::net::IpAddr;
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

/// One limit: `limit` requests per `window`, refused as `scope`.
#[derive(Debug, Clone, Copy)]
struct Limit {
    scope: Scope,
    limit: u32,
    window: Duration,
}

/// The limits per the settings; the counting is the store's (shared by every instance on
/// PostgreSQL, in memory on SQLite).
pub struct Limits {
    visitor: Limit,
    ip: Limit,
    lookups: Limit,
    sign_in_account: Limit,
    sign_in_ip: Limit,
}

/// A request over its limit: answered 429 with `Retry-After` and the IETF `RateLimit` headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limited {
    pub scope: Scope,
    pub limit: u32,
    pub window: Duration,
    pub retry_after: Duration,
}

const MINUTE: Duration = Duration::from_secs(60);
const QUARTER_HOUR: Duration = Duration::from_secs(15 * 60);

impl Limits {
    /// Limits per the settings.
    pub fn new(settings: &LimitSettings) -> Self {
        let limit = |scope, limit: u32, window| Limit {
            scope,
            limit: limit.max(1),
            window,
        };
        let sign_ins = settings.sign_ins_per_15_minutes;
        Limits {
            visitor: limit(Scope::Visitor, settings.visitor_per_minute, MINUTE),
            ip: limit(Scope::Ip, settings.ip_per_minute, MINUTE),
            lookups: limit(
                Scope::OrderLookup,
                settings.order_lookups_per_15_minutes,
                QUARTER_HOUR,
            ),
            sign_in_account: limit(Scope::SignIn, sign_ins, QUARTER_HOUR),
            sign_in_ip: limit(Scope::SignIn, sign_ins.saturating_mul(5), QUARTER_HOUR),
        }
    }

    /// One request of the shopper API from `ip`, by `visitor` when known.
    pub async fn request(
        &self,
        store: &dyn Store,
        ip: IpAddr,
        visitor: Option<&str>,
    ) -> Result<(), Limited> {
        let mut counted = vec![(format!("ip:{ip}"), self.ip)];
        if let Some(visitor) = visitor {
            counted.push((format!("visitor:{visitor}"), self.visitor));
        }
        take(store, &counted).await
    }

    /// One order lookup attempt: limited per IP, per visitor and per order number (whoever
    /// asks for it), so orders can't be enumerated.
    pub async fn order_lookup(
        &self,
        store: &dyn Store,
        ip: IpAddr,
        visitor: &str,
        order_number: &str,
    ) -> Result<(), Limited> {
        let counted = [
            (format!("lookup-ip:{ip}"), self.lookups),
            (format!("lookup-visitor:{visitor}"), self.lookups),
            (
                format!("lookup-order:{}", order_number.to_uppercase()),
                self.lookups,
            ),
        ];
        take(store, &counted).await
    }

    /// One workspace sign-in attempt for `email` from `ip`.
    pub async fn sign_in(&self, store: &dyn Store, ip: IpAddr, email: &str) -> Result<(), Limited> {
        let counted = [
            (format!("sign-in-ip:{ip}"), self.sign_in_ip),
            (
                format!("sign-in:{}", email.trim().to_lowercase()),
                self.sign_in_account,
            ),
        ];
        take(store, &counted).await
    }
}

/// Counts one request against each key's limit; a store that fails lets the request through,
/// with an error logged: the request meets the same failure where it needs the database, and
/// works where it does not (the catalog is in memory).
async fn take(store: &dyn Store, counted: &[(String, Limit)]) -> Result<(), Limited> {
    let takes: Vec<Take> = counted
        .iter()
        .map(|(key, limit)| Take {
            key,
            rate: Rate::per(limit.limit, limit.window),
        })
        .collect();
    match store.take(&takes, chrono::Utc::now()).await {
        Ok(None) => Ok(()),
        Ok(Some((i, retry_after))) => {
            let Limit {
                scope,
                limit,
                window,
            } = counted[i].1;
            Err(Limited {
                scope,
                limit,
                window,
                retry_after,
            })
        }
        Err(error) => {
            tracing::error!(%error, "could not count a request against its rate limits");
            Ok(())
        }
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
    let limited = state
        .limits
        .request(state.store.as_ref(), ip, visitor.as_deref())
        .await;
    if let Err(limited) = limited {
        return ApiError::from(limited).into_response();
    }
    next.run(axum::extract::Request::from_parts(parts, body))
        .await
}

/// Every minute, forgets the keys whose limits have fully recovered, so their storage stays
/// bounded. Runs until the task is dropped.
pub(crate) async fn forget_idle(state: crate::AppState) {
    let mut ticker = tokio::time::interval(MINUTE);
    loop {
        ticker.tick().await;
        if let Err(error) = state.store.forget_recovered(chrono::Utc::now()).await {
            tracing::warn!(%error, "could not forget recovered rate limits");
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use aurora_store::testing::TestDb;

    #[tokio::test]
    async fn an_order_number_is_locked_whoever_asks_for_it() {
        let db = TestDb::sqlite();
        let store = db.open().await;
        let store = store.as_ref();
        let limits = Limits::new(&LimitSettings {
            order_lookups_per_15_minutes: 2,
            ..LimitSettings::default()
        });
        let ip = |n: u8| IpAddr::from([10, 0, 0, n]);
        let lookup = |n: u8, visitor: &'static str, number: &'static str| {
            limits.order_lookup(store, ip(n), visitor, number)
        };
        assert!(lookup(1, "v1", "GG-100001").await.is_ok());
        assert!(lookup(2, "v2", "gg-100001").await.is_ok());
        let third = lookup(3, "v3", "GG-100001").await.unwrap_err();
        assert_eq!(third.scope, Scope::OrderLookup);
        assert!(third.retry_after > Duration::from_secs(60));
        // Another order from a fresh visitor and IP is unaffected.
        assert!(lookup(4, "v4", "GG-100002").await.is_ok());
    }

    #[tokio::test]
    async fn a_visitor_over_its_limit_is_told_when_to_retry() {
        let db = TestDb::sqlite();
        let store = db.open().await;
        let store = store.as_ref();
        let limits = Limits::new(&LimitSettings {
            visitor_per_minute: 3,
            ..LimitSettings::default()
        });
        let ip = IpAddr::from([10, 0, 0, 1]);
        for _ in 0..3 {
            assert!(limits.request(store, ip, Some("v1")).await.is_ok());
        }
        let limited = limits.request(store, ip, Some("v1")).await.unwrap_err();
        assert_eq!((limited.scope, limited.limit), (Scope::Visitor, 3));
        assert!(limits.request(store, ip, Some("v2")).await.is_ok());
    }
}
