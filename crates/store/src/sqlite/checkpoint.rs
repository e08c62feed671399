//! SQLite: WAL checkpoints run from a connection of their own, so that copying pages into the
//! database file and syncing it to disk never holds up the writers. The same task indexes new
//! shopper messages for the workspace's word search every second (`text_index`).
//!
//! By default SQLite checkpoints inside the commit that takes the WAL past 1,000 pages: that
//! commit, and every request queued behind it, waits for the disk (under `bench/load`, about
//! thirty times a second, costing a sixth of the message throughput). Here every connection has
//! automatic checkpoints off, and this task checkpoints every [`INTERVAL`] in PASSIVE mode,
//! alongside the writers. Under constant writes a passive checkpoint never quite catches up, and
//! the WAL only starts over once one has; so when the WAL has grown past its limit
//! ([`RESTART_PAGES`] unless the connect options say otherwise), a second checkpoint follows at
//! once inside the write gate, where no batch of messages can add to it (it only has the pages
//! written during the first to copy), and the next write starts the WAL over.

use crate::write_gate::WriteGate;
use sqlx::SqliteConnection;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;

/// How often the WAL is checkpointed.
const INTERVAL: Duration = Duration::from_millis(100);
/// Every this many checkpoints, new shopper messages join the full-text index (`text_index`).
const INDEX_EVERY: u32 = 10;
/// A WAL this long (pages of 4 KiB) is checkpointed with the writers held back (the default
/// of [`crate::ConnectOptions::sqlite_wal_restart_pages`]).
pub(crate) const RESTART_PAGES: u32 = 8192;

/// Starts the task on the current runtime; it stops when the returned handle is dropped.
pub(crate) fn start(
    connection: SqliteConnection,
    gate: Arc<WriteGate>,
    restart_pages: u32,
) -> oneshot::Sender<()> {
    let (stop, stopped) = oneshot::channel();
    tokio::spawn(run(connection, gate, i64::from(restart_pages), stopped));
    stop
}

async fn run(
    mut connection: SqliteConnection,
    gate: Arc<WriteGate>,
    restart_pages: i64,
    mut stopped: oneshot::Receiver<()>,
) {
    let mut ticks = tokio::time::interval(INTERVAL);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut tick: u32 = 0;
    loop {
        tokio::select! {
            _ = &mut stopped => return,
            _ = ticks.tick() => {}
        }
        tick = tick.wrapping_add(1);
        if tick.is_multiple_of(INDEX_EVERY) {
            let _turn = gate.enter().await;
            if let Err(error) = super::index_new_messages(&mut connection).await {
                tracing::warn!(%error, "indexing new shopper messages for search failed");
            }
        }
        // (Not "and not all copied": a passive checkpoint reports the WAL as it was when it
        // began, all copied, while writers have added to it since. After a burst, an idle
        // server's WAL stays long until the next write: holding back no writer costs nothing.)
        if checkpoint(&mut connection).await > restart_pages {
            // What was written during the checkpoint above is all that is left to copy.
            let _turn = gate.enter().await;
            checkpoint(&mut connection).await;
        }
    }
}

/// Runs a passive checkpoint; answers how many pages the WAL holds.
async fn checkpoint(connection: &mut SqliteConnection) -> i64 {
    // (busy, pages in the WAL, pages copied)
    match sqlx::query_as::<_, (i64, i64, i64)>("PRAGMA wal_checkpoint(PASSIVE)")
        .fetch_one(connection)
        .await
    {
        Ok((_, pages, _)) => pages,
        Err(error) => {
            tracing::warn!(%error, "checkpointing the SQLite WAL failed");
            0
        }
    }
}
