//! SQLite: WAL checkpoints run from a connection of their own, so that copying pages into the
//! database file and syncing it to disk never holds up the writers.
//!
//! By default SQLite checkpoints inside the commit that takes the WAL past 1,000 pages: that
//! commit, and every request queued behind it, waits for the disk (under `bench/load`, about
//! thirty times a second, costing a sixth of the message throughput). Here every connection has
//! automatic checkpoints off, and this task checkpoints every [`INTERVAL`] in PASSIVE mode,
//! alongside the writers. Under constant writes a passive checkpoint never quite catches up, and
//! the WAL only starts over once one has; so when the WAL has grown past [`RESTART_PAGES`]
//! without being all copied, a second checkpoint follows at once inside the write gate, where no
//! batch of messages can add to it (it only has the pages written during the first to copy), and
//! the next write starts the WAL over.

use crate::write_gate::WriteGate;
use sqlx::SqliteConnection;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;

/// How often the WAL is checkpointed.
const INTERVAL: Duration = Duration::from_millis(100);
/// A WAL this long (pages of 4 KiB) is checkpointed with the writers held back.
const RESTART_PAGES: i64 = 8192;

/// Starts the task on the current runtime; it stops when the returned handle is dropped.
pub(crate) fn start(connection: SqliteConnection, gate: Arc<WriteGate>) -> oneshot::Sender<()> {
    let (stop, stopped) = oneshot::channel();
    tokio::spawn(run(connection, gate, stopped));
    stop
}

async fn run(
    mut connection: SqliteConnection,
    gate: Arc<WriteGate>,
    mut stopped: oneshot::Receiver<()>,
) {
    let mut ticks = tokio::time::interval(INTERVAL);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = &mut stopped => return,
            _ = ticks.tick() => {}
        }
        let (pages, copied) = checkpoint(&mut connection).await;
        // A WAL that is all copied starts over at the next write: nothing to hold back for.
        if pages > RESTART_PAGES && copied < pages {
            // What was written during the checkpoint above is all that is left to copy.
            let _turn = gate.enter().await;
            checkpoint(&mut connection).await;
        }
    }
}

/// Runs a passive checkpoint; answers how many pages the WAL holds and how many of them are
/// copied into the database.
async fn checkpoint(connection: &mut SqliteConnection) -> (i64, i64) {
    // (busy, pages in the WAL, pages copied)
    match sqlx::query_as::<_, (i64, i64, i64)>("PRAGMA wal_checkpoint(PASSIVE)")
        .fetch_one(connection)
        .await
    {
        Ok((_, pages, copied)) => (pages, copied),
        Err(error) => {
            tracing::warn!(%error, "checkpointing the SQLite WAL failed");
            (0, 0)
        }
    }
}
