//! What the catalog and orders imports share: a file is read twice, once to check every row
//! and, if none is bad, once more to stream its records in batches into one transaction, with
//! a few batches in flight so memory stays bounded whatever the file's size. The parsing runs
//! on blocking threads.

use crate::import::RowError;
use crate::store::StoreError;
use std::io::Read;
use std::sync::Arc;
use tokio::sync::mpsc;

/// Records written to the database per statement (or per batch of statements).
const BATCH: usize = 500;
const BATCHES_IN_FLIGHT: usize = 4;

/// Which of the two reads of an import the file is opened for (a caller shows progress on the
/// second, the one that writes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    /// The first read: every row is checked, nothing is written.
    Check,
    /// The second read: the rows are written.
    Write,
}

/// Why an import could not run to its end; nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read the file: {0}")]
    Io(#[from] std::io::Error),
    /// The file read differently the second time.
    #[error("the file changed while it was imported ({0})")]
    Changed(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the import stopped: {0}")]
    Task(#[from] tokio::task::JoinError),
}

/// Opens the file for a pass.
pub type Open<R> = Arc<dyn Fn(Pass) -> std::io::Result<R> + Send + Sync>;

/// Pass 1: runs `check` over the file on a blocking thread.
pub(crate) async fn check<R, T, C>(open: &Open<R>, check: C) -> Result<T, ImportError>
where
    R: Read + Send + 'static,
    T: Send + 'static,
    C: FnOnce(R) -> T + Send + 'static,
{
    let open = open.clone();
    Ok(tokio::task::spawn_blocking(move || open(Pass::Check).map(check)).await??)
}

/// Pass 2: reads the records that `read` streams out of the file on a blocking thread and hands
/// them to `write` in batches, in order.
pub(crate) async fn stream<R, T, I, F>(
    open: &Open<R>,
    read: F,
    mut write: impl AsyncFnMut(Vec<T>) -> Result<(), StoreError>,
) -> Result<(), ImportError>
where
    R: Read + Send + 'static,
    T: Send + 'static,
    I: Iterator<Item = Result<T, Vec<RowError>>>,
    F: FnOnce(R) -> I + Send + 'static,
{
    let (sender, mut receiver) = mpsc::channel(BATCHES_IN_FLIGHT);
    let open = open.clone();
    let producer = tokio::task::spawn_blocking(move || match open(Pass::Write) {
        Ok(reader) => produce(&sender, read(reader)),
        Err(error) => {
            let _ = sender.blocking_send(Err(error.into()));
        }
    });
    while let Some(batch) = receiver.recv().await {
        write(batch?).await?;
    }
    producer.await?;
    Ok(())
}

/// Sends the records in batches; a problem ends the stream as its last item.
fn produce<T>(
    sender: &mpsc::Sender<Result<Vec<T>, ImportError>>,
    records: impl Iterator<Item = Result<T, Vec<RowError>>>,
) {
    let mut batch = Vec::with_capacity(BATCH);
    for record in records {
        match record {
            Ok(record) => batch.push(record),
            Err(errors) => {
                let text = errors.iter().map(ToString::to_string).collect::<Vec<_>>();
                let _ = sender.blocking_send(Err(ImportError::Changed(text.join("; "))));
                return;
            }
        }
        if batch.len() == BATCH
            && sender
                .blocking_send(Ok(std::mem::take(&mut batch)))
                .is_err()
        {
            return;
        }
    }
    if !batch.is_empty() {
        let _ = sender.blocking_send(Ok(batch));
    }
}
