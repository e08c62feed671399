//! Rate limits: GCRA (`aurora_core::store::gcra`) over a table every PostgreSQL instance shares,
//! or over a map in memory for the one instance of a SQLite file.

use crate::SqlStore;
use crate::db::Query;
use aurora_core::store::{LimitStore, StoreResult, Take, epoch_nanos, gcra};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::Mutex;
use std::time::Duration;

/// Shards of the in-memory TATs: requests of different keys rarely wait for each other.
const SHARDS: usize = 16;

/// The TATs of one instance, in memory.
pub(crate) struct MemoryLimits {
    shards: [Mutex<HashMap<String, i64>>; SHARDS],
    hasher: RandomState,
}

impl MemoryLimits {
    pub(crate) fn new() -> Self {
        MemoryLimits {
            shards: std::array::from_fn(|_| Mutex::new(HashMap::new())),
            hasher: RandomState::new(),
        }
    }

    fn take(&self, takes: &[Take<'_>], now: i64) -> Option<(usize, Duration)> {
        let mut limited = None;
        for (i, take) in takes.iter().enumerate() {
            let shard = self.hasher.hash_one(take.key) as usize % SHARDS;
            let mut tats = self.shards[shard].lock().unwrap_or_else(|e| e.into_inner());
            let known = tats.get_mut(take.key);
            match gcra(known.as_deref().copied(), now, take.rate) {
                Ok(tat) => match known {
                    Some(known) => *known = tat,
                    None => {
                        tats.insert(take.key.to_string(), tat);
                    }
                },
                Err(wait) => limited = limited.or(Some((i, wait))),
            }
        }
        limited
    }

    fn forget_recovered(&self, now: i64) {
        for shard in &self.shards {
            let mut tats = shard.lock().unwrap_or_else(|e| e.into_inner());
            tats.retain(|_, tat| *tat > now);
        }
    }
}

#[async_trait::async_trait]
impl LimitStore for SqlStore {
    async fn take(
        &self,
        takes: &[Take<'_>],
        now: DateTime<Utc>,
    ) -> StoreResult<Option<(usize, Duration)>> {
        let now = epoch_nanos(now);
        if let Some(memory) = &self.limits {
            return Ok(memory.take(takes, now));
        }
        if takes.is_empty() {
            return Ok(None);
        }
        // One statement for every key: a new key starts at `now + interval`; a known one moves
        // on from max(TAT, now) when that is within its tolerance, and is left alone (not
        // returned) when it is not. `excluded.tat - excluded.interval_ns` is `now`.
        // Rows lock in key order, the same in every statement: two never wait for each other.
        // A request counts one to three keys: three statement texts, each prepared once per
        // connection.
        let mut sorted: Vec<&Take> = takes.iter().collect();
        sorted.sort_by_key(|take| take.key);
        let mut upsert =
            Query::new("INSERT INTO rate_limits (key, tat, interval_ns, tolerance_ns) ");
        upsert.push_values(sorted, |take| {
            [
                take.key.into(),
                (now + take.rate.interval_nanos()).into(),
                take.rate.interval_nanos().into(),
                take.rate.tolerance_nanos().into(),
            ]
        });
        upsert.push(
            " ON CONFLICT (key) DO UPDATE SET \
             tat = GREATEST(rate_limits.tat, excluded.tat - excluded.interval_ns) \
               + excluded.interval_ns, \
             interval_ns = excluded.interval_ns, tolerance_ns = excluded.tolerance_ns \
             WHERE GREATEST(rate_limits.tat, excluded.tat - excluded.interval_ns) \
               - (excluded.tat - excluded.interval_ns) <= excluded.tolerance_ns \
             RETURNING key",
        );
        let allowed: Vec<(String,)> = self.db.fetch_all(upsert).await?;
        let Some(first) = takes
            .iter()
            .position(|take| !allowed.iter().any(|(key,)| key == take.key))
        else {
            return Ok(None);
        };
        // Over its rate: read its TAT for how long to wait (rare, so a second query).
        let read = Query::new("SELECT tat FROM rate_limits WHERE key = $1").bind(takes[first].key);
        let tat: Option<(i64,)> = self.db.fetch_optional(read).await?;
        let wait = gcra(tat.map(|(tat,)| tat), now, takes[first].rate)
            .err()
            .unwrap_or(Duration::from_secs(1));
        Ok(Some((first, wait)))
    }

    async fn forget_recovered(&self, now: DateTime<Utc>) -> StoreResult<()> {
        let now = epoch_nanos(now);
        match &self.limits {
            Some(memory) => memory.forget_recovered(now),
            None => {
                self.db
                    .execute(Query::new("DELETE FROM rate_limits WHERE tat <= $1").bind(now))
                    .await?;
            }
        }
        Ok(())
    }
}
