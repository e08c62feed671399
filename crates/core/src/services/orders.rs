//! The orders' use cases for the store side: import an export file (check every row, then
//! write all of it in one transaction, or nothing; never over a newer stored order), take an
//! order from the orders API, and forget orders older than the retention period.

pub use super::import::{ImportError, Pass};

use super::ServiceError;
use crate::orders::import::{self, Format, OrderReport};
use crate::orders::{OrderInput, OrderRules};
use crate::store::{OrderImportSummary, OrderStore, OrderWrite, StoreError};
use chrono::{DateTime, Duration, Utc};
use std::io::Read;

/// What an orders import did (`Imported`: every order written, or left alone when the stored
/// one is newer).
pub type ImportOutcome = super::import::ImportOutcome<OrderReport, OrderImportSummary>;

/// Imports an orders file: `open` is called once to check every row and, if none is bad, once
/// more to stream the orders into one transaction.
pub async fn import<R: Read + Send + 'static>(
    store: &dyn OrderStore,
    format: Format,
    rules: &OrderRules,
    open: impl Fn(Pass) -> std::io::Result<R> + Send + Sync + 'static,
) -> Result<ImportOutcome, ImportError> {
    let (checking, reading) = (rules.clone(), rules.clone());
    super::import::run(
        open,
        move |r| import::validate(r, format, &checking),
        move |r| Box::new(import::read_orders(r, format, &reading)),
        || store.begin_order_import(),
    )
    .await
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
