//! The catalog's use cases: import a file (check every row, then write all of it in one
//! transaction, or nothing), and load a newer catalog than the one being served. Search needs no
//! use case: it reads the snapshot in memory ([`crate::catalog::search::SearchIndex`]).

pub use super::import::{ImportError, Pass};

use crate::catalog::Catalog;
use crate::catalog::import::{self, Format, ImportOptions, ValidationReport};
use crate::store::{CatalogStore, ImportSummary, StoreError};
use std::io::Read;

/// What a catalog import did.
pub type ImportOutcome = super::import::ImportOutcome<ValidationReport, ImportSummary>;

/// Imports a catalog file: `open` is called once to check every row and, if none is bad, once
/// more to stream the products into one transaction (bounded memory: a few batches in flight).
pub async fn import<R: Read + Send + 'static>(
    store: &dyn CatalogStore,
    format: Format,
    options: &ImportOptions,
    open: impl Fn(Pass) -> std::io::Result<R> + Send + Sync + 'static,
) -> Result<ImportOutcome, ImportError> {
    let (checking, reading) = (options.clone(), options.clone());
    super::import::run(
        open,
        move |r| import::validate(r, format, &checking),
        move |r| Box::new(import::read_products(r, format, &reading)),
        || store.begin_import(),
    )
    .await
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
