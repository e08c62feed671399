//! The last hour of traffic in one-minute buckets, for the JSON and summary formats: per
//! endpoint (method + route template) the requests, 4xx, 5xx and a latency histogram to
//! estimate quantiles; and the business series of the analytics (widget events, conversations,
//! messages by intent, tickets by kind, ratings), which every instance also writes to the
//! database minute by minute (`metrics::aggregates`). Each series is a ring of 60 buckets reused
//! as minutes pass, and both the endpoints (route templates) and the series' labels (intents,
//! ticket kinds) are bounded, so memory is fixed whatever the traffic.

use aurora_core::insight::analytics::{Aggregate, Series};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// Minutes kept.
pub const MINUTES: usize = 60;

/// Latency bucket bounds in seconds: the Prometheus buckets plus a few between them, so the
/// quantiles interpolate over narrow ranges. The last bucket is everything slower.
const LATENCY_BOUNDS: [f64; 21] = [
    0.001, 0.0025, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.35, 0.5, 0.65, 0.8,
    1.0, 1.5, 2.0, 3.0, 5.0, 10.0,
];
const LATENCY_SLOTS: usize = LATENCY_BOUNDS.len() + 1;

/// One minute of one endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteMinute {
    pub requests: u64,
    pub client_errors: u64,
    pub server_errors: u64,
    latency: [u64; LATENCY_SLOTS],
}

impl Default for RouteMinute {
    fn default() -> Self {
        RouteMinute {
            requests: 0,
            client_errors: 0,
            server_errors: 0,
            latency: [0; LATENCY_SLOTS],
        }
    }
}

impl RouteMinute {
    fn add(&mut self, other: &RouteMinute) {
        self.requests += other.requests;
        self.client_errors += other.client_errors;
        self.server_errors += other.server_errors;
        for (sum, n) in self.latency.iter_mut().zip(other.latency) {
            *sum += n;
        }
    }

    /// The `q` quantile (0 to 1) of the latency, in seconds, interpolated linearly inside its
    /// bucket; `None` without requests. Slower than the last bound reads as the last bound.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        let total: u64 = self.latency.iter().sum();
        if total == 0 {
            return None;
        }
        let rank = q.clamp(0.0, 1.0) * total as f64;
        let mut below = 0u64;
        for (slot, &n) in self.latency.iter().enumerate() {
            if n > 0 && (below + n) as f64 >= rank {
                let Some(&upper) = LATENCY_BOUNDS.get(slot) else {
                    return LATENCY_BOUNDS.last().copied();
                };
                let lower = if slot == 0 {
                    0.0
                } else {
                    LATENCY_BOUNDS[slot - 1]
                };
                let within = ((rank - below as f64) / n as f64).clamp(0.0, 1.0);
                return Some(lower + (upper - lower) * within);
            }
            below += n;
        }
        LATENCY_BOUNDS.last().copied()
    }
}

/// The widget's events over some minutes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WidgetMinute {
    pub loads: u64,
    pub opens: u64,
    pub closes: u64,
}

/// A widget event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WidgetEvent {
    Load,
    Open,
    Close,
    /// A product's details opened.
    Details,
    /// A product shortlisted.
    Shortlist,
}

impl WidgetEvent {
    /// The series it counts in.
    pub fn series(self) -> Series {
        match self {
            WidgetEvent::Load => Series::WidgetLoads,
            WidgetEvent::Open => Series::WidgetOpens,
            WidgetEvent::Close => Series::WidgetCloses,
            WidgetEvent::Details => Series::ProductDetails,
            WidgetEvent::Shortlist => Series::Shortlisted,
        }
    }
}

/// `MINUTES` buckets, each stamped with the minute it holds.
#[derive(Debug, Clone)]
struct Ring<T> {
    slots: Vec<(i64, T)>,
}

impl<T: Default + Copy> Ring<T> {
    fn new() -> Self {
        Ring {
            slots: vec![(i64::MIN, T::default()); MINUTES],
        }
    }

    /// The bucket of `minute`, emptied first when it still holds an older minute; `None` for a
    /// minute older than the one the bucket holds (a clock that went back).
    fn at(&mut self, minute: i64) -> Option<&mut T> {
        let index = usize::try_from(minute.rem_euclid(MINUTES as i64)).unwrap_or(0);
        let slot = self.slots.get_mut(index)?;
        if slot.0 > minute {
            return None;
        }
        if slot.0 < minute {
            *slot = (minute, T::default());
        }
        Some(&mut slot.1)
    }

    /// The buckets of the `minutes` minutes up to and including `now`.
    fn last(&self, now: i64, minutes: i64) -> impl Iterator<Item = &T> {
        self.slots
            .iter()
            .filter(move |(minute, _)| *minute <= now && *minute > now - minutes)
            .map(|(_, value)| value)
    }
}

fn minute_of(at: DateTime<Utc>) -> i64 {
    at.timestamp().div_euclid(60)
}

/// The windows of one app.
#[derive(Debug, Default)]
pub struct Windows {
    routes: Mutex<BTreeMap<(String, String), Ring<RouteMinute>>>,
    series: Mutex<BTreeMap<(Series, String), Ring<u64>>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Windows {
    /// One answered request of `method route` (a route template, never a raw path).
    pub fn record_request(
        &self,
        at: DateTime<Utc>,
        method: &str,
        route: &str,
        status: u16,
        elapsed: Duration,
    ) {
        let seconds = elapsed.as_secs_f64();
        let slot = LATENCY_BOUNDS
            .iter()
            .position(|bound| seconds <= *bound)
            .unwrap_or(LATENCY_BOUNDS.len());
        let mut routes = lock(&self.routes);
        let key = (route.to_string(), method.to_string());
        let ring = routes.entry(key).or_insert_with(Ring::new);
        if let Some(minute) = ring.at(minute_of(at)) {
            minute.requests += 1;
            minute.client_errors += u64::from((400..500).contains(&status));
            minute.server_errors += u64::from(status >= 500);
            minute.latency[slot] += 1;
        }
    }

    /// Adds `n` to `series` (with `label`, or `""`) at `at`.
    pub fn count(&self, at: DateTime<Utc>, series: Series, label: &str, n: u64) {
        let mut all = lock(&self.series);
        let ring = all
            .entry((series, label.to_string()))
            .or_insert_with(Ring::new);
        if let Some(minute) = ring.at(minute_of(at)) {
            *minute += n;
        }
    }

    /// Every non-zero `(minute, series, label)` count of the last `minutes` minutes up to
    /// `now`, as aggregates to store.
    pub fn aggregates(&self, now: DateTime<Utc>, minutes: i64) -> Vec<Aggregate> {
        let now = minute_of(now);
        let mut out = Vec::new();
        for ((series, label), ring) in lock(&self.series).iter() {
            for (minute, value) in &ring.slots {
                if *value > 0 && *minute <= now && *minute > now - minutes {
                    out.push(Aggregate {
                        at: *minute,
                        series: series.as_str().to_string(),
                        label: label.clone(),
                        value: i64::try_from(*value).unwrap_or(i64::MAX),
                    });
                }
            }
        }
        out
    }

    fn total(&self, series: Series, now: i64, minutes: i64) -> u64 {
        lock(&self.series)
            .iter()
            .filter(|((s, _), _)| *s == series)
            .map(|(_, ring)| ring.last(now, minutes).sum::<u64>())
            .sum()
    }

    /// Per endpoint `(route, method)`, the sum of the last `minutes` minutes up to `now`;
    /// endpoints without requests in that time are left out.
    pub fn routes(&self, now: DateTime<Utc>, minutes: i64) -> Vec<((String, String), RouteMinute)> {
        let now = minute_of(now);
        lock(&self.routes)
            .iter()
            .filter_map(|(key, ring)| {
                let mut sum = RouteMinute::default();
                for minute in ring.last(now, minutes) {
                    sum.add(minute);
                }
                (sum.requests > 0).then(|| (key.clone(), sum))
            })
            .collect()
    }

    /// The widget's events of the last `minutes` minutes up to `now`.
    pub fn widget(&self, now: DateTime<Utc>, minutes: i64) -> WidgetMinute {
        let now = minute_of(now);
        WidgetMinute {
            loads: self.total(Series::WidgetLoads, now, minutes),
            opens: self.total(Series::WidgetOpens, now, minutes),
            closes: self.total(Series::WidgetCloses, now, minutes),
        }
    }

    /// Buckets held, all series together (for the bounded-memory test).
    pub fn buckets(&self) -> usize {
        let routes: usize = lock(&self.routes).values().map(|r| r.slots.len()).sum();
        let series: usize = lock(&self.series).values().map(|r| r.slots.len()).sum();
        routes + series
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use chrono::TimeZone;

    fn t(minute: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 2, 10, 0, 30).unwrap() + chrono::Duration::minutes(minute)
    }

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn quantiles_fall_in_the_bucket_of_their_rank() {
        let windows = Windows::default();
        for _ in 0..90 {
            windows.record_request(t(0), "GET", "/a", 200, ms(3));
        }
        for _ in 0..10 {
            windows.record_request(t(0), "GET", "/a", 200, ms(1200));
        }
        let (_, stats) = windows.routes(t(0), 5).pop().unwrap();
        let p50 = stats.quantile(0.5).unwrap();
        assert!((0.0025..=0.005).contains(&p50), "{p50}");
        let p95 = stats.quantile(0.95).unwrap();
        assert!((1.0..=1.5).contains(&p95), "{p95}");
        assert_eq!(RouteMinute::default().quantile(0.5), None);
    }

    #[test]
    fn a_request_slower_than_every_bound_reads_as_the_last_bound() {
        let windows = Windows::default();
        windows.record_request(t(0), "GET", "/a", 200, Duration::from_secs(60));
        let (_, stats) = windows.routes(t(0), 5).pop().unwrap();
        assert_eq!(stats.quantile(0.99), Some(10.0));
    }

    #[test]
    fn old_minutes_rotate_out_and_the_buckets_stay_sixty_per_series() {
        let windows = Windows::default();
        for minute in 0..300 {
            windows.record_request(t(minute), "GET", "/a", 500, ms(10));
            windows.count(t(minute), Series::WidgetLoads, "", 1);
        }
        assert_eq!(windows.buckets(), 2 * MINUTES);
        let (_, hour) = windows.routes(t(299), 60).pop().unwrap();
        assert_eq!((hour.requests, hour.server_errors), (60, 60));
        let (_, five) = windows.routes(t(299), 5).pop().unwrap();
        assert_eq!(five.requests, 5);
        assert_eq!(windows.widget(t(299), 60).loads, 60);
        assert_eq!(windows.aggregates(t(299), 5).len(), 5);
        assert!(
            windows.routes(t(299 + 60), 60).is_empty(),
            "an hour later nothing is left"
        );
        assert_eq!(windows.widget(t(299 + 60), 60), WidgetMinute::default());
    }

    #[test]
    fn a_sample_from_a_clock_gone_back_does_not_wipe_newer_minutes() {
        let windows = Windows::default();
        windows.record_request(t(60), "GET", "/a", 200, ms(1));
        windows.record_request(t(0), "GET", "/a", 200, ms(1));
        let (_, stats) = windows.routes(t(60), 60).pop().unwrap();
        assert_eq!(stats.requests, 1);
    }
}
