//! SQLite: the hot calls (reading a conversation, appending its messages) go through one task
//! with a connection of its own, which runs every call waiting, up to [`BATCH_MAX`], as one
//! statement for the reads and one transaction for the appends. The task has a thread of its
//! own: every message waits for it twice, and on the server's runtime it waited its turn behind
//! the requests' tasks (2-3% more messages/s in bench/load with a thread of its own).
//!
//! Why: sqlx runs each SQLite connection on its own thread, so every statement is two thread
//! hand-offs, which cost far more than SQLite's own work (`perf` on bench/load: most of a loaded
//! server's time was scheduling); and SQLite writes one transaction at a time anyway. A batch
//! pays the hand-offs once ("group commit" for the writes). One connection for both keeps its
//! page cache warm: SQLite drops a connection's whole cache when another one has written.
//! Each caller still gets its own result: when a batch of appends fails, they are run again one
//! by one, so one bad call never fails the others.
//! The connection does not enforce foreign keys (see `sqlite::open`): a message's conversation
//! is checked by the JOIN of `push_insert`, and nothing else this connection runs has one.

use crate::Append;
use crate::conversations::{Undo, any_messages, append_results, push_insert, push_update, touched};
use crate::db::{Conn, Query};
use crate::write_gate::WriteGate;
use aurora_core::conversations::Conversation;
use aurora_core::store::{StoreError, StoreResult};
use sqlx::SqliteConnection;
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

/// Most calls run as one batch.
const BATCH_MAX: usize = 64;

type Reply<R> = oneshot::Sender<StoreResult<R>>;

enum Job {
    Read(String, Reply<Option<Conversation>>),
    Append(Box<Append>, Reply<()>),
}

/// The handle callers go through; the task stops when the last handle is dropped.
pub(crate) struct ConversationWorker {
    jobs: mpsc::Sender<Job>,
}

impl ConversationWorker {
    /// Starts the task on a thread of its own; appends run inside `gate`.
    pub(crate) fn start(connection: SqliteConnection, gate: Arc<WriteGate>) -> StoreResult<Self> {
        let (jobs, queue) = mpsc::channel(BATCH_MAX * 16);
        std::thread::Builder::new()
            .name("aurora-conversations".to_string())
            .spawn(move || {
                match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime.block_on(work(queue, connection, gate)),
                    // The queue goes with it: every call answers that the task has stopped.
                    Err(error) => tracing::error!(%error, "the conversation worker cannot start"),
                }
            })
            .map_err(|error| StoreError::Other(format!("starting the database task: {error}")))?;
        Ok(ConversationWorker { jobs })
    }

    /// One conversation's header.
    pub(crate) async fn read(&self, id: String) -> StoreResult<Option<Conversation>> {
        let (done, result) = oneshot::channel();
        self.send(Job::Read(id, done)).await?;
        result.await.map_err(|_| stopped())?
    }

    /// Appends messages (see `ConversationStore::append_messages`).
    pub(crate) async fn append(&self, append: Append) -> StoreResult<()> {
        let (done, result) = oneshot::channel();
        self.send(Job::Append(Box::new(append), done)).await?;
        result.await.map_err(|_| stopped())?
    }

    async fn send(&self, job: Job) -> StoreResult<()> {
        self.jobs.send(job).await.map_err(|_| stopped())
    }
}

fn stopped() -> StoreError {
    StoreError::Unavailable("the database task has stopped".to_string())
}

async fn work(
    mut queue: mpsc::Receiver<Job>,
    mut connection: SqliteConnection,
    gate: Arc<WriteGate>,
) {
    let mut jobs = Vec::with_capacity(BATCH_MAX);
    while queue.recv_many(&mut jobs, BATCH_MAX).await > 0 {
        let (mut ids, mut readers) = (Vec::new(), Vec::new());
        let (mut appends, mut writers) = (Vec::new(), Vec::new());
        for job in jobs.drain(..) {
            match job {
                Job::Read(id, reply) => {
                    ids.push(id);
                    readers.push(reply);
                }
                Job::Append(append, reply) => {
                    appends.push(*append);
                    writers.push(reply);
                }
            }
        }
        if !ids.is_empty() {
            let read =
                crate::conversations::read_batch(&mut Conn::Sqlite(&mut connection), &ids).await;
            answer(readers, read);
        }
        if !appends.is_empty() {
            let _turn = gate.enter().await;
            match append_batch(&mut connection, &appends).await {
                Err(error) if appends.len() > 1 => {
                    tracing::warn!(%error, "a batch of appends failed: running them one by one");
                    for (append, writer) in appends.iter().zip(writers) {
                        let alone =
                            append_batch(&mut connection, std::slice::from_ref(append)).await;
                        let _ = writer.send(crate::only(alone));
                    }
                }
                written => answer(writers, written),
            }
        }
    }
}

/// Writes appends in one transaction, sent as one query: a round trip to the connection's
/// thread instead of four (begin, update, insert, commit). A failed constraint rolls the whole
/// batch back (`Undo::Transaction`), and the appends are run again one by one.
async fn append_batch(
    connection: &mut SqliteConnection,
    appends: &[Append],
) -> StoreResult<Vec<StoreResult<()>>> {
    let touched = touched(appends);
    let mut sql = Query::new("BEGIN IMMEDIATE; ");
    // One instance holds a SQLite file, and a claim is taken over only after its lease: an
    // answer that no longer finds its claim changes nothing, and the batch goes on.
    for answer in appends.iter().filter_map(|a| a.answer.as_ref()) {
        crate::idempotency::push_complete(&mut sql, answer);
        sql.push("; ");
    }
    push_update(&mut sql, &touched, Undo::Transaction);
    if any_messages(appends) {
        sql.push("; ");
        push_insert(&mut sql, appends, &touched, Undo::Transaction);
    }
    sql.push("; COMMIT");
    let mut conn = Conn::Sqlite(connection);
    match conn.fetch_all::<(String,)>(sql).await {
        Ok(found) => Ok(append_results(appends, &found)),
        Err(error) => {
            // Whatever statement failed, nothing of the batch stays. A failed constraint has
            // rolled the transaction back already (`OR ROLLBACK`); any other error (a trigger's
            // RAISE(ABORT), a full disk) may leave it open. (Failing because none is open
            // changes nothing.)
            let _ = conn.execute(Query::new("ROLLBACK")).await;
            Err(error)
        }
    }
}

/// Sends each caller its result, or the batch's error to all.
fn answer<R>(replies: Vec<Reply<R>>, results: StoreResult<Vec<StoreResult<R>>>) {
    match results {
        Ok(results) => {
            for (reply, result) in replies.into_iter().zip(results) {
                let _ = reply.send(result);
            }
        }
        Err(error) => {
            for reply in replies {
                let _ = reply.send(Err(error.clone()));
            }
        }
    }
}
