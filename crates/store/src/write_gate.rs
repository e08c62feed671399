//! SQLite allows one writer at a time. Without a gate, concurrent writers wait inside SQLite's
//! busy handler, which sleeps 1, 2, 5, 10… ms between tries even when the lock is long free; the
//! hot writes (new conversations, the conversation worker's batches of appends, and the WAL
//! checkpoint that lets the WAL start over) queue here instead and start the moment it frees.
//! PostgreSQL has row locks: its gate is open.

use tokio::sync::{Mutex, MutexGuard};

pub(crate) struct WriteGate(Option<Mutex<()>>);

impl WriteGate {
    /// One writer at a time (SQLite).
    pub(crate) fn serial() -> Self {
        WriteGate(Some(Mutex::new(())))
    }

    /// No queue (PostgreSQL).
    pub(crate) fn open() -> Self {
        WriteGate(None)
    }

    /// Waits for this process's turn to write; the turn lasts as long as the guard.
    pub(crate) async fn enter(&self) -> Option<MutexGuard<'_, ()>> {
        match &self.0 {
            Some(mutex) => Some(mutex.lock().await),
            None => None,
        }
    }
}
