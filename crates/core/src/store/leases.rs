//! Leases (infrastructure): which instance runs a background job. Each job has a named lease;
//! its holder renews it before every round and every side effect, and another instance takes
//! it over only once it has run out, so one instance at a time runs each job.

use super::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};

/// Holding the leases of background jobs.
#[async_trait]
pub trait LeaseStore: Send + Sync {
    /// Takes or renews lease `name` for `holder` until `now + ttl`: granted when nobody holds
    /// it, `holder` does, or its holder's lease ran out before `now`. Gives the fencing token:
    /// the same while `holder` keeps renewing, one more at each change of holder. `None`: another
    /// holder's lease runs.
    async fn hold_lease(
        &self,
        name: &str,
        holder: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> StoreResult<Option<i64>>;
    /// Gives up every lease of `holder` (a clean shutdown), so another instance takes over at
    /// once rather than when they run out.
    async fn release_leases(&self, holder: &str) -> StoreResult<()>;
}
