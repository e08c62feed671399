//! Orders, their items and their timelines.

use crate::SqlStore;
use crate::db::{Conn, Query};
use crate::rows::parse_stored;
use aurora_core::email::Email;
use aurora_core::money::Money;
use aurora_core::orders::{Order, OrderEvent, OrderItem, OrderNumber};
use aurora_core::store::{OrderStore, StoreError, StoreResult};
use chrono::{DateTime, Utc};

#[derive(sqlx::FromRow)]
struct OrderRow {
    number: String,
    email: String,
    placed_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct ItemRow {
    product_id: Option<String>,
    title: String,
    quantity: i32,
    price_cents: i64,
    ring_size: Option<String>,
    made_to_order: bool,
}

#[derive(sqlx::FromRow)]
struct EventRow {
    status: String,
    at: DateTime<Utc>,
    carrier: Option<String>,
    tracking_number: Option<String>,
    tracking_url: Option<String>,
    note: Option<String>,
}

/// One order with its items and events, read on `conn`.
async fn read(conn: &mut Conn<'_>, number: &str) -> StoreResult<Option<Order>> {
    let head = Query::new("SELECT number, email, placed_at FROM orders WHERE number = $1");
    let Some(order) = conn.fetch_optional::<OrderRow>(head.bind(number)).await? else {
        return Ok(None);
    };
    let items: Vec<ItemRow> = conn
        .fetch_all(
            Query::new(
                "SELECT product_id, title, quantity, price_cents, ring_size, made_to_order \
                 FROM order_items WHERE order_number = $1 ORDER BY position",
            )
            .bind(number),
        )
        .await?;
    let events: Vec<EventRow> = conn
        .fetch_all(
            Query::new(
                "SELECT status, at, carrier, tracking_number, tracking_url, note \
                 FROM order_events WHERE order_number = $1 ORDER BY position",
            )
            .bind(number),
        )
        .await?;
    Ok(Some(Order {
        number: OrderNumber::normalise(&order.number),
        email: Email::parse(&order.email)
            .map_err(|_| StoreError::Other(format!("unexpected email in order {number}")))?,
        placed_at: order.placed_at,
        items: items
            .into_iter()
            .map(|i| OrderItem {
                product_id: i.product_id,
                title: i.title,
                quantity: i.quantity,
                price: Money::from_minor(i.price_cents),
                ring_size: i.ring_size,
                made_to_order: i.made_to_order,
            })
            .collect(),
        events: events
            .into_iter()
            .map(|e| {
                Ok(OrderEvent {
                    status: parse_stored("status", &e.status)?,
                    at: e.at,
                    carrier: e.carrier,
                    tracking_number: e.tracking_number,
                    tracking_url: e.tracking_url,
                    note: e.note,
                })
            })
            .collect::<StoreResult<_>>()?,
    }))
}

#[async_trait::async_trait]
impl OrderStore for SqlStore {
    async fn insert_order(&self, order: &Order) -> StoreResult<()> {
        let mut tx = self.db.begin().await?;
        let mut conn = tx.conn();
        conn.execute(
            Query::new("INSERT INTO orders (number, email, placed_at) VALUES ($1, $2, $3)")
                .bind(order.number.as_str())
                .bind(order.email.as_str())
                .bind(order.placed_at),
        )
        .await?;
        if !order.items.is_empty() {
            let mut items = Query::new(
                "INSERT INTO order_items (order_number, position, product_id, title, quantity, \
                 price_cents, ring_size, made_to_order) ",
            );
            items.push_values((0i32..).zip(&order.items), |(position, item)| {
                [
                    order.number.as_str().into(),
                    position.into(),
                    item.product_id.as_deref().into(),
                    item.title.as_str().into(),
                    item.quantity.into(),
                    item.price.minor().into(),
                    item.ring_size.as_deref().into(),
                    item.made_to_order.into(),
                ]
            });
            conn.execute(items).await?;
        }
        if !order.events.is_empty() {
            let mut events = Query::new(
                "INSERT INTO order_events (order_number, position, status, at, carrier, \
                 tracking_number, tracking_url, note) ",
            );
            events.push_values((0i32..).zip(&order.events), |(position, event)| {
                [
                    order.number.as_str().into(),
                    position.into(),
                    event.status.as_str().into(),
                    event.at.into(),
                    event.carrier.as_deref().into(),
                    event.tracking_number.as_deref().into(),
                    event.tracking_url.as_deref().into(),
                    event.note.as_deref().into(),
                ]
            });
            conn.execute(events).await?;
        }
        tx.commit().await
    }

    async fn order(&self, number: &OrderNumber) -> StoreResult<Option<Order>> {
        read(&mut self.db.acquire().await?.conn(), number).await
    }

    async fn orders_by_email(&self, email: &Email, limit: u32) -> StoreResult<Vec<Order>> {
        let mut pooled = self.db.acquire().await?;
        let mut conn = pooled.conn();
        let numbers: Vec<(String,)> = conn
            .fetch_all(
                Query::new(
                    "SELECT number FROM orders WHERE LOWER(email) = LOWER($1) \
                     ORDER BY placed_at DESC, number LIMIT $2",
                )
                .bind(email.as_str())
                .bind(i64::from(limit)),
            )
            .await?;
        let mut orders = Vec::with_capacity(numbers.len());
        for (number,) in numbers {
            if let Some(order) = read(&mut conn, &number).await? {
                orders.push(order);
            }
        }
        Ok(orders)
    }

    async fn order_count(&self) -> StoreResult<u64> {
        self.db
            .count(Query::new("SELECT COUNT(*) FROM orders"))
            .await
    }
}
