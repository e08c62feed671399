//! The visitor's shortlist: the pieces they keep while they look (and that a stylist sees).

use super::ServiceError;
use crate::catalog::{Catalog, Product};
use crate::concierge::forms::Invalid;
use crate::store::{Store, StoreResult};
use chrono::{DateTime, Utc};

/// Most products one shortlist holds.
pub const SHORTLIST_MAX: usize = 100;

/// The visitor's shortlisted products still in the catalog, oldest first.
pub async fn products<'c>(
    store: &dyn Store,
    catalog: &'c Catalog,
    visitor: &str,
) -> StoreResult<Vec<&'c Product>> {
    let ids = store.shortlist(visitor).await?;
    Ok(ids.iter().filter_map(|id| catalog.get(id)).collect())
}

/// Adds a product of the catalog; `false` when it was there already.
pub async fn add(
    store: &dyn Store,
    catalog: &Catalog,
    visitor: &str,
    product_id: &str,
    now: DateTime<Utc>,
) -> Result<bool, ServiceError> {
    if catalog.get(product_id).is_none() {
        return Err(ServiceError::Invalid(vec![Invalid::new(
            "product_id",
            "is not a product of this store",
        )]));
    }
    if store.shortlist(visitor).await?.len() >= SHORTLIST_MAX {
        return Err(ServiceError::Conflict(
            "shortlist_full",
            format!("A shortlist holds at most {SHORTLIST_MAX} pieces. Remove one first."),
        ));
    }
    Ok(store.shortlist_add(visitor, product_id, now).await?)
}

/// Removes a product; one that is not there is "not found".
pub async fn remove(
    store: &dyn Store,
    visitor: &str,
    product_id: &str,
) -> Result<(), ServiceError> {
    if store.shortlist_remove(visitor, product_id).await? {
        Ok(())
    } else {
        Err(ServiceError::NotFound(
            "That piece is not on your shortlist.",
        ))
    }
}
