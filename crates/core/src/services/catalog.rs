//! The catalog's use cases: import a file (check every row, then write all of it in one
//! transaction, or nothing), and load a newer catalog than the one being served. Search needs no
//! use case: it reads the snapshot in memory ([`crate::catalog::search::SearchIndex`]).

pub use super::import::{ImportError, Pass};

use super::import::{Open, check, stream};
use crate::catalog::Catalog;
use crate::catalog::import::{self, Format, ImportOptions, ValidationReport};
use crate::store::{CatalogStore, ImportSummary, StoreError};
use std::io::Read;
use std::sync::Arc;

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

/// Imports a catalog file: `open` is called once to check every row and, if none is bad, once
/// more to stream the products into one transaction (bounded memory: a few batches in flight).
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
    let open: Open<R> = Arc::new(open);
    let check_options = options.clone();
    let report = check(&open, move |r| import::validate(r, format, &check_options)).await?;
    if !report.is_ok() {
        return Ok(ImportOutcome::Refused(report));
    }
    let options = options.clone();
    let mut transaction = store.begin_import().await?;
    let read = move |r| import::read_products(r, format, &options);
    stream(&open, read, async |batch| transaction.write(&batch).await).await?;
    let summary = transaction.commit().await?;
    Ok(ImportOutcome::Imported { report, summary })
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
