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

    /// How far ahead of `now` the TAT may be for a request to be allowed, in microseconds.
    pub fn tolerance_micros(self) -> i64 {
        micros(self.interval) * i64::from(self.burst - 1)
    }

    /// The interval in microseconds.
    pub fn interval_micros(self) -> i64 {
        micros(self.interval)
    }
}

fn micros(duration: Duration) -> i64 {
    i64::try_from(duration.as_micros()).unwrap_or(i64::MAX)
}

/// One request to count against `key` (e.g. `ip:203.0.113.9`) at `rate`.
#[derive(Debug, Clone, Copy)]
pub struct Take<'a> {
    pub key: &'a str,
    pub rate: Rate,
}

/// One GCRA step of a key, in microseconds since the epoch: the new TAT when allowed, or how
/// long to wait. The one definition of the algorithm, which the SQL follows.
pub fn gcra(tat: Option<i64>, now: i64, rate: Rate) -> Result<i64, Duration> {
    let start = tat.map_or(now, |tat| tat.max(now));
    let ahead = start - now;
    if ahead <= rate.tolerance_micros() {
        Ok(start + rate.interval_micros())
    } else {
        let wait = ahead - rate.tolerance_micros();
        Err(Duration::from_micros(u64::try_from(wait).unwrap_or(0)))
    }
}

/// Microseconds since the epoch.
pub fn epoch_micros(at: DateTime<Utc>) -> i64 {
    at.timestamp_micros()
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
