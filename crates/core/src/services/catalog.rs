//! The catalog's use cases: import a file (check every row, then write all of it in one
//! transaction, or nothing), and load a newer catalog than the one being served. Search needs no
//! use case: it reads the snapshot in memory ([`crate::catalog::search::SearchIndex`]).

use crate::catalog::import::{self, Format, ImportOptions, ValidationReport};
use crate::catalog::{Catalog, Product};
use crate::store::{CatalogStore, ImportSummary, StoreError};
use std::io::Read;
use std::sync::Arc;
use tokio::sync::mpsc;

/// Products written to the database per statement; with the channel bound below, this is what
/// bounds memory whatever the file's size.
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

/// What an import did.
#[derive(Debug)]
pub enum ImportOutcome {
    /// The file has errors (all of them in the report); nothing was written.
    Refused(ValidationReport),
    /// Every product was written, in one transaction.
    Imported {
        report: ValidationReport,
        summary: ImportSummary,
    },
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

/// Imports a catalog file: `open` is called once to check every row and, if none is bad, once
/// more to stream the products into one transaction (bounded memory: a few batches in flight).
/// The parsing runs on blocking threads.
pub async fn import<R, O>(
    store: &dyn CatalogStore,
    format: Format,
    options: &ImportOptions,
    open: O,
) -> Result<ImportOutcome, ImportError>
where
    R: Read + Send + 'static,
    O: Fn(Pass) -> std::io::Result<R> + Send + Sync + 'static,
{
    let open = Arc::new(open);
    let checking = open.clone();
    let check_options = options.clone();
    let report = tokio::task::spawn_blocking(move || {
        checking(Pass::Check).map(|r| import::validate(r, format, &check_options))
    })
    .await??;
    if !report.is_ok() {
        return Ok(ImportOutcome::Refused(report));
    }

    let (sender, mut receiver) = mpsc::channel(BATCHES_IN_FLIGHT);
    let options = options.clone();
    let producer =
        tokio::task::spawn_blocking(move || produce(&sender, open(Pass::Write), format, &options));
    let mut transaction = store.begin_import().await?;
    while let Some(batch) = receiver.recv().await {
        transaction.write(&batch?).await?;
    }
    producer.await?;
    let summary = transaction.commit().await?;
    Ok(ImportOutcome::Imported { report, summary })
}

/// Reads the products in batches into `sender`; a problem ends the stream as its last item.
fn produce<R: Read>(
    sender: &mpsc::Sender<Result<Vec<Product>, ImportError>>,
    reader: std::io::Result<R>,
    format: Format,
    options: &ImportOptions,
) {
    let reader = match reader {
        Ok(reader) => reader,
        Err(error) => {
            let _ = sender.blocking_send(Err(error.into()));
            return;
        }
    };
    let mut batch = Vec::with_capacity(BATCH);
    for item in import::read_products(reader, format, options) {
        match item {
            Ok(product) => batch.push(product),
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

/// The stored catalog when it is newer than the `served` version (another process imported), or
/// `None`. The caller indexes it (the costly part) off the async workers.
pub async fn newer(store: &dyn CatalogStore, served: i64) -> Result<Option<Catalog>, StoreError> {
    let version = store.catalog_version().await?;
    if version == served {
        return Ok(None);
    }
    Ok(Some(Catalog::new(version, store.all_products().await?)))
}
