//! Rate limits (infrastructure), by GCRA: each key has a theoretical arrival time (TAT); a
//! request at `now` is allowed when `max(TAT, now) - now` is within the rate's tolerance, and
//! then moves the TAT on by one interval. With PostgreSQL every instance shares the TATs (so N
//! instances do not multiply a limit); one instance holds a SQLite file, and keeps them in
//! memory.

use super::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::time::Duration;

/// `burst` requests at once, and one more every `interval` after that.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub burst: u32,
    pub interval: Duration,
}

impl Rate {
    /// `limit` requests per `window`, all of which may come at once.
    pub fn per(limit: u32, window: Duration) -> Rate {
        let burst = limit.max(1);
        Rate {
            burst,
            interval: window / burst,
        }
    }

    /// How far ahead of `now` the TAT may be for a request to be allowed, in nanoseconds.
    pub fn tolerance_nanos(self) -> i64 {
        self.interval_nanos()
            .saturating_mul(i64::from(self.burst.saturating_sub(1)))
    }

    /// The interval in nanoseconds (at least one: a limit of billions a minute keeps its
    /// tolerance).
    pub fn interval_nanos(self) -> i64 {
        i64::try_from(self.interval.as_nanos())
            .unwrap_or(i64::MAX)
            .max(1)
    }
}

/// One request to count against `key` (e.g. `ip:203.0.113.9`) at `rate`.
#[derive(Debug, Clone, Copy)]
pub struct Take<'a> {
    pub key: &'a str,
    pub rate: Rate,
}

/// One GCRA step of a key, in nanoseconds since the epoch: the new TAT when allowed, or how long
/// to wait. The one definition of the algorithm, which the SQL follows.
pub fn gcra(tat: Option<i64>, now: i64, rate: Rate) -> Result<i64, Duration> {
    let start = tat.map_or(now, |tat| tat.max(now));
    let ahead = start - now;
    if ahead <= rate.tolerance_nanos() {
        Ok(start.saturating_add(rate.interval_nanos()))
    } else {
        let wait = ahead - rate.tolerance_nanos();
        Err(Duration::from_nanos(u64::try_from(wait).unwrap_or(0)))
    }
}

/// Nanoseconds since the epoch (until 2262).
pub fn epoch_nanos(at: DateTime<Utc>) -> i64 {
    at.timestamp_nanos_opt().unwrap_or(i64::MAX)
}

/// Counting requests against rates.
#[async_trait]
pub trait LimitStore: Send + Sync {
    /// Counts one request against each of `takes` at `now`: each allowed one is counted; the
    /// answer is, for the first that is over its rate, its index and how long to wait.
    async fn take(
        &self,
        takes: &[Take<'_>],
        now: DateTime<Utc>,
    ) -> StoreResult<Option<(usize, Duration)>>;
    /// Forgets keys whose TAT has passed (they are as good as new), so storage stays bounded.
    async fn forget_recovered(&self, now: DateTime<Utc>) -> StoreResult<()>;
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::cast_possible_truncation,
        clippy::cast_possible_wrap
    )]
    use super::*;

    #[test]
    fn a_huge_limit_keeps_its_tolerance_when_requests_arrive_out_of_order() {
        // 15 ns apart: in microseconds the interval and the tolerance would both be 0, and a
        // request whose clock read a moment earlier than the last one's would be refused.
        let rate = Rate::per(4_000_000_000, Duration::from_secs(60));
        let tat = gcra(None, 1_000_000, rate).unwrap();
        assert!(gcra(Some(tat), 999_000, rate).is_ok());
    }

    #[test]
    fn a_burst_then_one_per_interval() {
        let rate = Rate::per(2, Duration::from_secs(60));
        let second = Duration::from_secs(1).as_nanos() as i64;
        let tat = gcra(None, 0, rate).unwrap();
        let tat = gcra(Some(tat), 0, rate).unwrap();
        assert_eq!(gcra(Some(tat), 0, rate), Err(Duration::from_secs(30)));
        assert!(gcra(Some(tat), 30 * second, rate).is_ok());
    }
}
