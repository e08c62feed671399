//! SQLite: the hot calls (reading a conversation, appending its messages) go through one task
//! each that runs every call waiting, up to [`BATCH_MAX`], as one statement or transaction.
//!
//! Why: sqlx runs each SQLite connection on its own thread, so every statement is two thread
//! hand-offs, which cost far more than SQLite's own work (`perf` on bench/load: most of a loaded
//! server's time was scheduling); and SQLite writes one transaction at a time anyway. A batch
//! pays the hand-offs once ("group commit" for the writes). Each caller still gets its own
//! result: when a batch fails, its calls are run again one by one, so one bad call never fails
//! the others.

use crate::write_gate::WriteGate;
use aurora_core::store::{StoreError, StoreResult};
use sqlx::SqlitePool;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

/// Most calls run as one batch.
pub(crate) const BATCH_MAX: usize = 64;

/// Runs a batch: one result per call, in order; an `Err` fails the batch as a whole.
pub(crate) type RunBatch<C, R> =
    for<'a> fn(
        &'a SqlitePool,
        &'a [C],
    ) -> Pin<Box<dyn Future<Output = StoreResult<Vec<StoreResult<R>>>> + Send + 'a>>;

type Job<C, R> = (C, oneshot::Sender<StoreResult<R>>);

/// The handle callers go through; the task stops when the last handle is dropped.
pub(crate) struct Batcher<C, R> {
    jobs: mpsc::Sender<Job<C, R>>,
}

impl<C: Send + Sync + 'static, R: Send + 'static> Batcher<C, R> {
    /// Starts the task on the current runtime; each batch runs inside `gate`.
    pub(crate) fn start(pool: SqlitePool, gate: Arc<WriteGate>, run: RunBatch<C, R>) -> Self {
        let (jobs, queue) = mpsc::channel(BATCH_MAX * 16);
        tokio::spawn(work(queue, pool, gate, run));
        Batcher { jobs }
    }

    /// Runs `call` in the next batch and waits for its result.
    pub(crate) async fn call(&self, call: C) -> StoreResult<R> {
        let stopped = || StoreError::Unavailable("the database task has stopped".to_string());
        let (done, result) = oneshot::channel();
        self.jobs.send((call, done)).await.map_err(|_| stopped())?;
        result.await.map_err(|_| stopped())?
    }
}

async fn work<C, R>(
    mut queue: mpsc::Receiver<Job<C, R>>,
    pool: SqlitePool,
    gate: Arc<WriteGate>,
    run: RunBatch<C, R>,
) {
    let mut jobs = Vec::with_capacity(BATCH_MAX);
    while queue.recv_many(&mut jobs, BATCH_MAX).await > 0 {
        let (calls, waiters): (Vec<C>, Vec<_>) = jobs.drain(..).unzip();
        let _turn = gate.enter().await;
        match run(&pool, &calls).await {
            Ok(results) => {
                for (waiter, result) in waiters.into_iter().zip(results) {
                    let _ = waiter.send(result);
                }
            }
            Err(_) if calls.len() > 1 => {
                for (call, waiter) in calls.iter().zip(waiters) {
                    let alone = run(&pool, std::slice::from_ref(call)).await;
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
