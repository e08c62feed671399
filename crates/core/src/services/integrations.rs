//! Applying what a store's platform sends: each Shopify webhook topic, taken from the inbox,
//! becomes an order written (never over a newer one), a fulfilment on an order's timeline, or a
//! product changed in the catalog.

use crate::catalog::import::{ImportOptions, ProductChange, shopify_product};
use crate::orders::OrderRules;
use crate::orders::shopify::{Fulfilment, IdOnly, ShopifyOrder};
use crate::store::{OrderWrite, Store, StoreError};

/// The Shopify topics the endpoint takes.
pub const SHOPIFY_TOPICS: [&str; 8] = [
    "orders/create",
    "orders/updated",
    "orders/cancelled",
    "fulfillments/create",
    "fulfillments/update",
    "products/create",
    "products/update",
    "products/delete",
];

/// How deliveries are read into orders and products.
#[derive(Debug, Clone, Default)]
pub struct IntegrationRules {
    pub orders: OrderRules,
    pub catalog: ImportOptions,
}

/// What a delivery did.
#[derive(Debug, Clone, PartialEq)]
pub enum Applied {
    /// An order was written, or left alone because the stored one is newer.
    Order(OrderWrite),
    /// The catalog changed (its version was bumped; every instance reloads it on its next
    /// poll, so many product deliveries cost one reload per poll interval).
    Catalog,
    /// Nothing to do, and why (a product deleted that was never here, a topic we do not use).
    Ignored(String),
}

/// Why a delivery was not applied.
#[derive(Debug, thiserror::Error)]
pub enum NotApplied {
    /// It may work later: the database failed, or a fulfilment came before its order.
    #[error("{0}")]
    Retry(String),
    /// It never will: the payload is not what the topic promises.
    #[error("{0}")]
    Rejected(String),
}

impl From<StoreError> for NotApplied {
    fn from(error: StoreError) -> Self {
        NotApplied::Retry(error.to_string())
    }
}

/// Applies one Shopify delivery of `topic` with this raw `body`.
pub async fn apply_shopify(
    store: &dyn Store,
    rules: &IntegrationRules,
    topic: &str,
    body: &str,
) -> Result<Applied, NotApplied> {
    let parse_error =
        |e: serde_json::Error| NotApplied::Rejected(format!("not a {topic} payload: {e}"));
    match topic {
        "orders/create" | "orders/updated" | "orders/cancelled" => {
            let payload: ShopifyOrder = serde_json::from_str(body).map_err(parse_error)?;
            let order = payload
                .into_order(&rules.orders)
                .map_err(NotApplied::Rejected)?;
            Ok(Applied::Order(store.upsert_order(&order).await?))
        }
        "fulfillments/create" | "fulfillments/update" => {
            let fulfilment: Fulfilment = serde_json::from_str(body).map_err(parse_error)?;
            let order_id = fulfilment
                .order_id
                .clone()
                .ok_or_else(|| NotApplied::Rejected("the fulfilment names no order".into()))?;
            let Some(mut order) = store.order_by_platform_id(&order_id).await? else {
                return Err(NotApplied::Retry(format!(
                    "order {order_id} has not been received yet"
                )));
            };
            fulfilment.apply_to(&mut order);
            Ok(Applied::Order(store.upsert_order(&order).await?))
        }
        "products/create" | "products/update" => {
            match shopify_product(body, &rules.catalog).map_err(NotApplied::Rejected)? {
                ProductChange::Upsert(product) => {
                    let mut import = store.begin_import().await?;
                    import.write(std::slice::from_ref(&*product)).await?;
                    import.commit().await?;
                    Ok(Applied::Catalog)
                }
                ProductChange::Remove {
                    platform_id,
                    reason,
                } => remove_product(store, &platform_id, &reason).await,
            }
        }
        "products/delete" => {
            let payload: IdOnly = serde_json::from_str(body).map_err(parse_error)?;
            let id = payload
                .id
                .ok_or_else(|| NotApplied::Rejected("the payload has no id".into()))?;
            remove_product(store, &id, "it was deleted").await
        }
        other => Ok(Applied::Ignored(format!("the topic {other} is not used"))),
    }
}

async fn remove_product(
    store: &dyn Store,
    platform_id: &str,
    reason: &str,
) -> Result<Applied, NotApplied> {
    Ok(
        match store.delete_product_by_platform_id(platform_id).await? {
            Some(_) => Applied::Catalog,
            None => Applied::Ignored(format!(
                "product {platform_id} is not in the catalog ({reason})"
            )),
        },
    )
}
