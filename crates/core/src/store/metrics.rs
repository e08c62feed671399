//! The per-minute aggregates behind the workspace's analytics, and their per-day roll-up.

use super::StoreResult;
use crate::insight::analytics::Aggregate;
use async_trait::async_trait;

/// Per-minute aggregates and per-day sums.
#[async_trait]
pub trait MetricStore: Send + Sync {
    /// Writes this instance's count of each `(minute, series, label)`, replacing what it wrote
    /// before for the same minute (so writing a minute again is harmless).
    async fn write_minutes(&self, instance: &str, minutes: &[Aggregate]) -> StoreResult<()>;
    /// Sums every instance's minutes from `from` to before `to`, by series and label (`at` is
    /// `from`).
    async fn sum_minutes(&self, from: i64, to: i64) -> StoreResult<Vec<Aggregate>>;
    /// Rolls the days from `from` to before `to` up into per-day sums, each once (a day rolled
    /// up already is left as it is).
    async fn roll_up_days(&self, from: i64, to: i64) -> StoreResult<()>;
    /// The per-day sums of the days from `from` to before `to`.
    async fn days(&self, from: i64, to: i64) -> StoreResult<Vec<Aggregate>>;
    /// Deletes minutes before `before`; returns how many rows went.
    async fn purge_minutes(&self, before: i64) -> StoreResult<u64>;
}
