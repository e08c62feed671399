//! Applying what a store's platform sends: each Shopify webhook topic, taken from the inbox,
//! becomes an order written (never over a newer one), a fulfilment on an order's timeline, or a
//! product changed in the catalog.

use crate::catalog::Product;
use crate::catalog::import::{ImportOptions, ProductChange, shopify_product};
use crate::orders::OrderRules;
use crate::orders::shopify::{Fulfilment, IdOnly, NotAnOrder, ShopifyOrder};
use crate::store::{OrderWrite, Store, StoreError};
use chrono::{DateTime, Utc};

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
#[derive(Debug, Clone, thiserror::Error)]
pub enum NotApplied {
    /// It may work later: the database failed.
    #[error("{0}")]
    Retry(String),
    /// It waits for another delivery (a fulfilment for its order), which may never come (an
    /// order without an email was never kept): retried a few times, then dropped quietly.
    #[error("{0}")]
    Waiting(String),
    /// It never will: the payload is not what the topic promises.
    #[error("{0}")]
    Rejected(String),
}

impl From<StoreError> for NotApplied {
    fn from(error: StoreError) -> Self {
        NotApplied::Retry(error.to_string())
    }
}

/// A delivery as the inbox hands it over.
#[derive(Debug, Clone, Copy)]
pub struct Incoming<'a> {
    pub topic: &'a str,
    /// The raw body, as signed.
    pub body: &'a str,
    pub received_at: DateTime<Utc>,
}

/// What a delivery asks for, once read.
enum Parsed {
    Order(Box<crate::orders::Order>),
    Fulfilment(Fulfilment),
    Product(Box<Product>, ProductTime),
    RemoveProduct {
        platform_id: String,
        reason: String,
        time: ProductTime,
    },
    Done(Result<Applied, NotApplied>),
}

/// When a product delivery's change happened on the platform (its `updated_at`, or when it
/// came for a deletion, which has none), and whether it deletes the product.
#[derive(Debug, Clone, Copy)]
struct ProductTime {
    at: DateTime<Utc>,
    deleted: bool,
}

/// Reads one delivery.
fn parse(rules: &IntegrationRules, incoming: &Incoming<'_>) -> Parsed {
    let Incoming {
        topic,
        body,
        received_at,
    } = *incoming;
    let time = |updated_at: Option<DateTime<Utc>>| ProductTime {
        at: updated_at.unwrap_or(received_at),
        deleted: false,
    };
    let parse_error = |e: serde_json::Error| {
        Parsed::Done(Err(NotApplied::Rejected(format!(
            "not a {topic} payload: {e}"
        ))))
    };
    let rejected = |why: String| Parsed::Done(Err(NotApplied::Rejected(why)));
    match topic {
        "orders/create" | "orders/updated" | "orders/cancelled" => {
            match serde_json::from_str::<ShopifyOrder>(body) {
                Ok(payload) => match payload.into_order(&rules.orders) {
                    Ok(order) => Parsed::Order(Box::new(order)),
                    Err(NotAnOrder::NoEmail(number)) => {
                        Parsed::Done(Ok(Applied::Ignored(format!(
                            "order {number} has no email (point of sale, phone): no shopper could look it up"
                        ))))
                    }
                    Err(NotAnOrder::Invalid(why)) => rejected(why),
                },
                Err(e) => parse_error(e),
            }
        }
        "fulfillments/create" | "fulfillments/update" => {
            match serde_json::from_str::<Fulfilment>(body) {
                Ok(fulfilment) if fulfilment.order_id.is_some() => Parsed::Fulfilment(fulfilment),
                Ok(_) => rejected("the fulfilment names no order".into()),
                Err(e) => parse_error(e),
            }
        }
        "products/create" | "products/update" => match shopify_product(body, &rules.catalog) {
            Ok(ProductChange::Upsert {
                product,
                updated_at,
            }) => Parsed::Product(product, time(updated_at)),
            Ok(ProductChange::Remove {
                platform_id,
                reason,
                updated_at,
            }) => Parsed::RemoveProduct {
                platform_id,
                reason,
                time: time(updated_at),
            },
            Err(why) => rejected(why),
        },
        "products/delete" => match serde_json::from_str::<IdOnly>(body) {
            Ok(IdOnly { id: Some(id) }) => Parsed::RemoveProduct {
                platform_id: id,
                reason: "it was deleted".into(),
                time: ProductTime {
                    at: received_at,
                    deleted: true,
                },
            },
            Ok(_) => rejected("the payload has no id".into()),
            Err(e) => parse_error(e),
        },
        other => Parsed::Done(Ok(Applied::Ignored(format!(
            "the topic {other} is not used"
        )))),
    }
}

/// Applies a batch of Shopify deliveries, `(topic, raw body)` in the order they came, and says
/// what became of each. Orders are written in one transaction and products in another (one
/// catalog version for all), then fulfilments on the orders as they now stand, then removals:
/// a batch costs a few statements, not a few per delivery. The result is the one the deliveries
/// one by one would give: orders never go backwards, a fulfilment merges into its order
/// whatever came before it, and each product is written whole.
pub async fn apply_shopify(
    store: &dyn Store,
    rules: &IntegrationRules,
    deliveries: &[Incoming<'_>],
) -> Vec<Result<Applied, NotApplied>> {
    let mut results: Vec<Option<Result<Applied, NotApplied>>> =
        deliveries.iter().map(|_| None).collect();
    let parsed: Vec<(usize, Parsed)> = (deliveries.iter().enumerate())
        .map(|(at, incoming)| (at, parse(rules, incoming)))
        .collect();
    let parsed = fresh_products(store, parsed, &mut results).await;
    let (mut orders, mut products, mut later) = (Vec::new(), Vec::new(), Vec::new());
    for (at, parsed) in parsed {
        match parsed {
            Parsed::Order(order) => orders.push((at, *order)),
            Parsed::Product(product, time) => products.push((at, product, time)),
            Parsed::Done(result) => results[at] = Some(result),
            other => later.push((at, other)),
        }
    }
    // A product also removed in this batch is applied in turn with its removal, so the later
    // of the two wins.
    let removed: std::collections::HashSet<&str> = (later.iter())
        .filter_map(|(_, p)| match p {
            Parsed::RemoveProduct { platform_id, .. } => Some(platform_id.as_str()),
            _ => None,
        })
        .collect();
    let (products, in_turn): (Vec<_>, Vec<_>) = products.into_iter().partition(|(_, p, _)| {
        p.platform_id
            .as_deref()
            .is_none_or(|id| !removed.contains(id))
    });
    later.extend(
        in_turn
            .into_iter()
            .map(|(at, p, time)| (at, Parsed::Product(p, time))),
    );
    later.sort_by_key(|(at, _)| *at);
    if !orders.is_empty() {
        let (positions, orders): (Vec<usize>, Vec<_>) = orders.into_iter().unzip();
        for (at, result) in positions
            .into_iter()
            .zip(write_orders(store, &orders).await)
        {
            results[at] = Some(result);
        }
    }
    if !products.is_empty() {
        let (positions, products): (Vec<usize>, Vec<Product>) =
            products.into_iter().map(|(at, p, _)| (at, *p)).unzip();
        for (at, result) in positions
            .into_iter()
            .zip(write_products(store, &products).await)
        {
            results[at] = Some(result);
        }
    }
    let (fulfilments, later): (Vec<_>, Vec<_>) = later
        .into_iter()
        .partition(|(_, p)| matches!(p, Parsed::Fulfilment(_)));
    let fulfilments: Vec<(usize, Fulfilment)> = (fulfilments.into_iter())
        .filter_map(|(at, p)| match p {
            Parsed::Fulfilment(f) => Some((at, f)),
            _ => None,
        })
        .collect();
    for (at, result) in apply_fulfilments(store, fulfilments).await {
        results[at] = Some(result);
    }
    for (at, parsed) in later {
        results[at] = Some(match parsed {
            Parsed::RemoveProduct {
                platform_id,
                reason,
                ..
            } => remove_product(store, &platform_id, &reason).await,
            Parsed::Product(product, _) => (write_products(store, std::slice::from_ref(&*product))
                .await
                .pop())
            .unwrap_or(Ok(Applied::Catalog)),
            Parsed::Order(_) | Parsed::Fulfilment(_) | Parsed::Done(_) => continue,
        });
    }
    results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Ok(Applied::Ignored("nothing to do".into()))))
        .collect()
}

/// Leaves out the product deliveries older than their product's last recorded change, or that
/// come after its deletion (they are answered `Ignored`), and records the changes of the rest:
/// products/update deliveries come out of order too, and an older price or a deleted product
/// must not come back.
async fn fresh_products(
    store: &dyn Store,
    parsed: Vec<(usize, Parsed)>,
    results: &mut [Option<Result<Applied, NotApplied>>],
) -> Vec<(usize, Parsed)> {
    let time_of = |p: &Parsed| match p {
        Parsed::Product(product, time) => product.platform_id.clone().map(|id| (id, *time)),
        Parsed::RemoveProduct {
            platform_id, time, ..
        } => Some((platform_id.clone(), *time)),
        _ => None,
    };
    let ids: Vec<String> = parsed
        .iter()
        .filter_map(|(_, p)| time_of(p))
        .map(|(id, _)| id)
        .collect();
    if ids.is_empty() {
        return parsed;
    }
    let id_refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let mut known = match store.product_sync(&id_refs).await {
        Ok(known) => known,
        // Without the record, products wait for it; everything else goes on.
        Err(error) => return hold_products(parsed, &error, results),
    };
    let mut recorded = Vec::new();
    let mut kept = Vec::with_capacity(parsed.len());
    for (at, p) in parsed {
        let Some((id, time)) = time_of(&p) else {
            kept.push((at, p));
            continue;
        };
        match known.get(&id) {
            Some((_, true)) => {
                let why = format!("product {id} was deleted");
                results[at] = Some(Ok(Applied::Ignored(why)));
            }
            Some((last, false)) if time.at < *last => {
                let why = format!("product {id} changed later than this delivery says");
                results[at] = Some(Ok(Applied::Ignored(why)));
            }
            _ => {
                known.insert(id.clone(), (time.at, time.deleted));
                recorded.push((id, time.at, time.deleted));
                kept.push((at, p));
            }
        }
    }
    if let Err(error) = store.record_product_sync(&recorded).await {
        // Applied without the record, a late older delivery could undo them: they wait.
        return hold_products(kept, &error, results);
    }
    kept
}

/// Answers the product deliveries with `error` (to be retried) and returns the others.
fn hold_products(
    parsed: Vec<(usize, Parsed)>,
    error: &StoreError,
    results: &mut [Option<Result<Applied, NotApplied>>],
) -> Vec<(usize, Parsed)> {
    (parsed.into_iter())
        .filter(|(at, p)| {
            let product = matches!(p, Parsed::Product(..) | Parsed::RemoveProduct { .. });
            if product {
                results[*at] = Some(Err(error.clone().into()));
            }
            !product
        })
        .collect()
}

/// Writes orders in one transaction; when that fails with more than one, each on its own, so
/// that one bad order does not hold the others back.
async fn write_orders(
    store: &dyn Store,
    orders: &[crate::orders::Order],
) -> Vec<Result<Applied, NotApplied>> {
    match store.upsert_orders(orders).await {
        Ok(writes) => writes.into_iter().map(|w| Ok(Applied::Order(w))).collect(),
        Err(_) if orders.len() > 1 => {
            let mut each = Vec::with_capacity(orders.len());
            for order in orders {
                let written = store.upsert_order(order).await;
                each.push(written.map(Applied::Order).map_err(NotApplied::from));
            }
            each
        }
        Err(error) => vec![Err(error.into())],
    }
}

/// Writes products in one import (one catalog version; of a product given twice the later is
/// kept); when that fails with more than one, each on its own, as [`write_orders`] does.
async fn write_products(
    store: &dyn Store,
    products: &[Product],
) -> Vec<Result<Applied, NotApplied>> {
    let import = async |products: &[Product]| -> Result<(), StoreError> {
        let mut import = store.begin_import().await?;
        import.write(products).await?;
        import.commit().await.map(|_| ())
    };
    match import(products).await {
        Ok(()) => vec![Ok(Applied::Catalog); products.len()],
        Err(_) if products.len() > 1 => {
            let mut each = Vec::with_capacity(products.len());
            for product in products {
                let written = import(std::slice::from_ref(product)).await;
                each.push(written.map(|()| Applied::Catalog).map_err(NotApplied::from));
            }
            each
        }
        Err(error) => vec![Err(error.into())],
    }
}

/// Puts fulfilments on their orders as they now stand (read, changed and written in one
/// transaction with the orders locked); one whose order has not come yet waits for it, one
/// older than its order's last change is stale.
async fn apply_fulfilments(
    store: &dyn Store,
    fulfilments: Vec<(usize, Fulfilment)>,
) -> Vec<(usize, Result<Applied, NotApplied>)> {
    if fulfilments.is_empty() {
        return Vec::new();
    }
    let ids: Vec<&str> = (fulfilments.iter())
        .filter_map(|(_, f)| f.order_id.as_deref())
        .collect();
    let mut results = Vec::with_capacity(fulfilments.len());
    // (delivery, position of its order), and the orders changed, each once.
    let mut changed: Vec<(usize, usize)> = Vec::new();
    let mut touched: Vec<usize> = Vec::new();
    let writes = store
        .change_orders(&ids, &mut |orders| {
            for (at, fulfilment) in &fulfilments {
                let id = fulfilment.order_id.as_deref().unwrap_or("?");
                let order = orders
                    .iter()
                    .position(|o| o.platform_id.as_deref() == Some(id));
                let applied = order.map(|which| (which, fulfilment.apply_to(&mut orders[which])));
                match applied {
                    Some((which, true)) => changed.push((*at, which)),
                    Some((_, false)) => results.push((*at, Ok(Applied::Order(OrderWrite::Stale)))),
                    None => results.push((
                        *at,
                        Err(NotApplied::Waiting(format!(
                            "order {id} has not been received yet"
                        ))),
                    )),
                }
            }
            touched = changed.iter().map(|(_, which)| *which).collect();
            touched.sort_unstable();
            touched.dedup();
            touched.clone()
        })
        .await;
    match writes {
        Ok(writes) => {
            for (at, which) in changed {
                let write = (touched.iter().position(|&w| w == which))
                    .and_then(|n| writes.get(n).copied())
                    .unwrap_or(OrderWrite::Stale);
                results.push((at, Ok(Applied::Order(write))));
            }
            results
        }
        Err(error) => fulfilments
            .into_iter()
            .map(|(at, _)| (at, Err(error.clone().into())))
            .collect(),
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
