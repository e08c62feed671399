//! SQLite: messages are appended by one writer task, in batches. Each statement is a round trip
//! to sqlx's connection thread, which costs far more than SQLite's own work, and SQLite writes
//! one transaction at a time anyway; so the writer takes every append waiting (up to
//! [`BATCH_MAX`]) and writes them in one transaction ("group commit"). Each caller still gets
//! its own result: if a batch fails, its appends are retried one by one, so one bad append never
//! fails the others.

use crate::Append;
use crate::sqlite::write_batch;
use crate::write_gate::WriteGate;
use aurora_core::store::{StoreError, StoreResult};
use sqlx::SqlitePool;
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

/// Most appends written in one transaction.
pub(crate) const BATCH_MAX: usize = 64;

type Job = (Append, oneshot::Sender<StoreResult<()>>);

/// The handle callers append through; the writer stops when the last handle is dropped.
pub(crate) struct Appender {
    jobs: mpsc::Sender<Job>,
}

impl Appender {
    /// Starts the writer on the current runtime.
    pub(crate) fn start(pool: SqlitePool, gate: Arc<WriteGate>) -> Self {
        let (jobs, queue) = mpsc::channel(BATCH_MAX * 16);
        tokio::spawn(run(queue, pool, gate));
        Appender { jobs }
    }

    /// Appends through the writer and waits for its result.
    pub(crate) async fn append(&self, append: Append) -> StoreResult<()> {
        let stopped = || StoreError::Unavailable("the message writer has stopped".to_string());
        let (done, result) = oneshot::channel();
        self.jobs
            .send((append, done))
            .await
            .map_err(|_| stopped())?;
        result.await.map_err(|_| stopped())?
    }
}

async fn run(mut queue: mpsc::Receiver<Job>, pool: SqlitePool, gate: Arc<WriteGate>) {
    let mut jobs = Vec::with_capacity(BATCH_MAX);
    while queue.recv_many(&mut jobs, BATCH_MAX).await > 0 {
        let (appends, waiters): (Vec<Append>, Vec<_>) = jobs.drain(..).unzip();
        let _turn = gate.enter().await;
        match write_batch(&pool, &appends).await {
            Ok(results) => {
                for (waiter, result) in waiters.into_iter().zip(results) {
                    let _ = waiter.send(result);
                }
            }
            Err(_) if appends.len() > 1 => {
                // Alone, each append gets its own answer (and the good ones are written).
                for (append, waiter) in appends.iter().zip(waiters) {
                    let alone = write_batch(&pool, std::slice::from_ref(append)).await;
                    let _ = waiter.send(crate::only(alone));
                }
            }
            Err(error) => {
                if let Some(waiter) = waiters.into_iter().next() {
                    let _ = waiter.send(Err(error));
                }
            }
        }
    }
}
