//! The orders' use cases for the store side: import an export file (check every row, then
//! write all of it in one transaction, or nothing; never over a newer stored order), take an
//! order from the orders API, and forget orders older than the retention period.

pub use super::import::{ImportError, Pass};

use super::ServiceError;
use super::import::{Open, check, stream};
use crate::orders::import::{self, Format, OrderReport};
use crate::orders::{OrderInput, OrderRules};
use crate::store::{OrderImportSummary, OrderStore, OrderWrite, StoreError};
use chrono::{DateTime, Duration, Utc};
use std::io::Read;
use std::sync::Arc;

/// What an orders import did.
#[derive(Debug)]
pub enum ImportOutcome {
    /// The file has errors (all of them in the report); nothing was written.
    Refused(OrderReport),
    /// Every order was written (or left alone when the stored one is newer), in one transaction.
    Imported {
        report: OrderReport,
        summary: OrderImportSummary,
    },
}

/// Imports an orders file: `open` is called once to check every row and, if none is bad, once
/// more to stream the orders into one transaction.
pub async fn import<R, O>(
    store: &dyn OrderStore,
    format: Format,
    rules: &OrderRules,
    open: O,
) -> Result<ImportOutcome, ImportError>
where
    R: Read + Send + 'static,
    O: Fn(Pass) -> std::io::Result<R> + Send + Sync + 'static,
{
    let open: Open<R> = Arc::new(open);
    let check_rules = rules.clone();
    let report = check(&open, move |r| import::validate(r, format, &check_rules)).await?;
    if !report.is_ok() {
        return Ok(ImportOutcome::Refused(report));
    }
    let rules = rules.clone();
    let mut transaction = store.begin_order_import().await?;
    let read = move |r| import::read_orders(r, format, &rules);
    stream(&open, read, async |batch| transaction.write(&batch).await).await?;
    let summary = transaction.commit().await?;
    Ok(ImportOutcome::Imported { report, summary })
}

/// Stores an order sent to the orders API under `number` (never over a newer stored one).
pub async fn put(
    store: &dyn OrderStore,
    number: &str,
    input: OrderInput,
) -> Result<OrderWrite, ServiceError> {
    let order = input
        .into_order(Some(number))
        .map_err(ServiceError::Invalid)?;
    Ok(store.upsert_order(&order).await?)
}

/// Deletes the orders placed more than `retention` before `now`; returns how many.
pub async fn purge(
    store: &dyn OrderStore,
    now: DateTime<Utc>,
    retention: Duration,
) -> Result<u64, StoreError> {
    store.purge_orders(now - retention).await
}
