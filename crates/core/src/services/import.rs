//! What the catalog and orders imports share: a file is read twice, once to check every row
//! and, if none is bad, once more to stream its records in batches into one transaction, with
//! a few batches in flight so memory stays bounded whatever the file's size. The parsing runs
//! on blocking threads.

use crate::import::{Findings, RowError};
use crate::store::{BatchImport, StoreError, StoreResult};
use std::future::Future;
use std::io::Read;
use std::ops::Deref;
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

/// What an import did.
#[derive(Debug)]
pub enum ImportOutcome<Report, Summary> {
    /// The file has errors (all of them in the report); nothing was written.
    Refused(Report),
    /// Every record was written, in one transaction.
    Imported { report: Report, summary: Summary },
}

/// Imports a file: `open` is called once to `check` every row on a blocking thread and, if
/// none is bad, once more to `read` its records into the transaction that `begin` starts, in
/// batches (bounded memory: a few batches in flight), then commits.
pub(crate) async fn run<R, T, S, Report, Fut>(
    open: impl Fn(Pass) -> std::io::Result<R> + Send + Sync + 'static,
    check: impl FnOnce(R) -> Report + Send + 'static,
    read: impl FnOnce(R) -> Box<dyn Iterator<Item = Result<T, Vec<RowError>>>> + Send + 'static,
    begin: impl FnOnce() -> Fut,
) -> Result<ImportOutcome<Report, S>, ImportError>
where
    R: Read + Send + 'static,
    T: Send + Sync + 'static,
    Report: Deref<Target = Findings> + Send + 'static,
    Fut: Future<Output = StoreResult<Box<dyn BatchImport<T, S>>>>,
{
    let open = Arc::new(open);
    let checking = open.clone();
    let report = tokio::task::spawn_blocking(move || checking(Pass::Check).map(check)).await??;
    if !report.is_ok() {
        return Ok(ImportOutcome::Refused(report));
    }
    let mut transaction = begin().await?;
    let (sender, mut receiver) = mpsc::channel(BATCHES_IN_FLIGHT);
    let producer = tokio::task::spawn_blocking(move || match open(Pass::Write) {
        Ok(reader) => produce(&sender, read(reader)),
        Err(error) => {
            let _ = sender.blocking_send(Err(error.into()));
        }
    });
    while let Some(batch) = receiver.recv().await {
        transaction.write(&batch?).await?;
    }
    producer.await?;
    let summary = transaction.commit().await?;
    Ok(ImportOutcome::Imported { report, summary })
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
