//! Orders, their items and their timelines.

use crate::SqlStore;
use crate::db::{Conn, Query, Tx};
use crate::rows::parse_stored;
use aurora_core::email::Email;
use aurora_core::money::Money;
use aurora_core::orders::{Order, OrderEvent, OrderItem, OrderNumber};
use aurora_core::store::{
    BatchImport, OrderImport, OrderImportSummary, OrderStore, OrderWrite, StoreError, StoreResult,
};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

#[derive(sqlx::FromRow)]
struct OrderRow {
    number: String,
    email: String,
    placed_at: DateTime<Utc>,
    updated_at: Option<DateTime<Utc>>,
    platform_id: Option<String>,
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

#[derive(sqlx::FromRow)]
struct Numbered<T> {
    order_number: String,
    #[sqlx(flatten)]
    row: T,
}

/// Which orders to read.
#[derive(Clone, Copy)]
enum Key {
    Number,
    PlatformId,
}

/// The orders whose number (or platform id) is one of `keys`, with their items and events, in
/// the order of `keys`: three statements however many.
async fn read(conn: &mut Conn<'_>, key: Key, keys: &[&str]) -> StoreResult<Vec<Order>> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    // A list of one is the common case: its text never varies, so it stays prepared.
    let query = |sql: String| {
        let query = Query::new(sql);
        if keys.len() > 1 { query.once() } else { query }
    };
    let column = match key {
        Key::Number => "number",
        Key::PlatformId => "platform_id",
    };
    let mut heads = query(format!(
        "SELECT number, email, placed_at, updated_at, platform_id FROM orders WHERE {column} IN "
    ));
    heads.push_list(keys.iter().copied());
    let mut heads: Vec<OrderRow> = conn.fetch_all(heads).await?;
    let rank = |row: &OrderRow| {
        let value = match key {
            Key::Number => Some(row.number.as_str()),
            Key::PlatformId => row.platform_id.as_deref(),
        };
        keys.iter().position(|k| Some(*k) == value)
    };
    heads.sort_by_key(rank);
    let numbers: Vec<&str> = heads.iter().map(|h| h.number.as_str()).collect();
    if numbers.is_empty() {
        return Ok(Vec::new());
    }
    let mut items = query(
        "SELECT order_number, product_id, title, quantity, price_cents, ring_size, made_to_order \
         FROM order_items WHERE order_number IN "
            .to_string(),
    );
    items.push_list(numbers.iter().copied());
    items.push(" ORDER BY order_number, position");
    let mut events = query(
        "SELECT order_number, status, at, carrier, tracking_number, tracking_url, note \
         FROM order_events WHERE order_number IN "
            .to_string(),
    );
    events.push_list(numbers.iter().copied());
    events.push(" ORDER BY order_number, position");
    let mut items_of: HashMap<String, Vec<ItemRow>> = HashMap::new();
    for item in conn.fetch_all::<Numbered<ItemRow>>(items).await? {
        items_of
            .entry(item.order_number)
            .or_default()
            .push(item.row);
    }
    let mut events_of: HashMap<String, Vec<EventRow>> = HashMap::new();
    for event in conn.fetch_all::<Numbered<EventRow>>(events).await? {
        events_of
            .entry(event.order_number)
            .or_default()
            .push(event.row);
    }
    heads
        .into_iter()
        .map(|head| {
            let items = items_of.remove(&head.number).unwrap_or_default();
            let events = events_of.remove(&head.number).unwrap_or_default();
            order_of(head, items, events)
        })
        .collect()
}

fn order_of(order: OrderRow, items: Vec<ItemRow>, events: Vec<EventRow>) -> StoreResult<Order> {
    let number = order.number;
    Ok(Order {
        email: Email::parse(&order.email)
            .map_err(|_| StoreError::Other(format!("unexpected email in order {number}")))?,
        number: OrderNumber::normalise(&number),
        placed_at: order.placed_at,
        updated_at: order.updated_at.unwrap_or(order.placed_at),
        platform_id: order.platform_id,
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
    })
}

#[async_trait::async_trait]
impl OrderStore for SqlStore {
    async fn insert_order(&self, order: &Order) -> StoreResult<()> {
        let mut tx = self.db.begin().await?;
        let mut conn = tx.conn();
        conn.execute(
            Query::new(
                "INSERT INTO orders (number, email, placed_at, updated_at, platform_id) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(order.number.as_str())
            .bind(order.email.as_str())
            .bind(order.placed_at)
            .bind(order.updated_at)
            .bind(order.platform_id.as_deref()),
        )
        .await?;
        insert_lines(&mut conn, &[order]).await?;
        tx.commit().await
    }

    async fn upsert_orders(&self, orders: &[Order]) -> StoreResult<Vec<OrderWrite>> {
        let _turn = self.writes.enter().await;
        let mut tx = self.db.begin().await?;
        let writes = upsert(&mut tx.conn(), orders).await?;
        tx.commit().await?;
        Ok(writes)
    }

    async fn begin_order_import(&self) -> StoreResult<Box<OrderImport>> {
        Ok(Box::new(Import {
            tx: self.db.begin().await?,
            summary: OrderImportSummary::default(),
        }))
    }

    async fn change_orders(
        &self,
        platform_ids: &[&str],
        change: &mut (dyn for<'o> FnMut(&'o mut [Order]) -> Vec<usize> + Send),
    ) -> StoreResult<Vec<OrderWrite>> {
        if platform_ids.is_empty() {
            return Ok(Vec::new());
        }
        let _turn = self.writes.enter().await;
        let mut tx = self.db.begin().await?;
        let mut conn = tx.conn();
        // Writing first: SQLite's write lock at once, PostgreSQL's row locks on the orders.
        let mut lock = Query::new("UPDATE orders SET number = number WHERE platform_id IN ").once();
        lock.push_list(platform_ids.iter().copied());
        conn.execute(lock).await?;
        let mut orders = read(&mut conn, Key::PlatformId, platform_ids).await?;
        let changed: Vec<Order> = change(&mut orders)
            .into_iter()
            .filter_map(|at| orders.get(at).cloned())
            .collect();
        let writes = upsert(&mut conn, &changed).await?;
        tx.commit().await?;
        Ok(writes)
    }

    async fn purge_orders(&self, before: DateTime<Utc>) -> StoreResult<u64> {
        // Items and events go with their order (ON DELETE CASCADE).
        self.db
            .execute(Query::new("DELETE FROM orders WHERE placed_at < $1").bind(before))
            .await
    }

    async fn order(&self, number: &OrderNumber) -> StoreResult<Option<Order>> {
        let mut pooled = self.db.acquire().await?;
        Ok(read(&mut pooled.conn(), Key::Number, &[number.as_str()])
            .await?
            .pop())
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
        let numbers: Vec<&str> = numbers.iter().map(|(n,)| n.as_str()).collect();
        read(&mut conn, Key::Number, &numbers).await
    }

    async fn order_count(&self) -> StoreResult<u64> {
        self.db
            .count(Query::new("SELECT COUNT(*) FROM orders"))
            .await
    }
}

/// Rows of items or events written per statement (8 arguments each: far below both backends'
/// limits on a statement's arguments).
const LINES_PER_STATEMENT: usize = 2_000;

/// Writes the items and events of `orders` (their rows are written).
async fn insert_lines(conn: &mut Conn<'_>, orders: &[&Order]) -> StoreResult<()> {
    let items: Vec<(&Order, i32, &OrderItem)> = orders
        .iter()
        .flat_map(|order| {
            (0i32..)
                .zip(&order.items)
                .map(move |(at, item)| (*order, at, item))
        })
        .collect();
    for chunk in items.chunks(LINES_PER_STATEMENT) {
        let mut query = Query::new(
            "INSERT INTO order_items (order_number, position, product_id, title, quantity, \
             price_cents, ring_size, made_to_order) ",
        )
        .once();
        query.push_values(chunk, |(order, position, item)| {
            [
                order.number.as_str().into(),
                (*position).into(),
                item.product_id.as_deref().into(),
                item.title.as_str().into(),
                item.quantity.into(),
                item.price.minor().into(),
                item.ring_size.as_deref().into(),
                item.made_to_order.into(),
            ]
        });
        conn.execute(query).await?;
    }
    let events: Vec<(&Order, i32, &OrderEvent)> = orders
        .iter()
        .flat_map(|order| {
            (0i32..)
                .zip(&order.events)
                .map(move |(at, event)| (*order, at, event))
        })
        .collect();
    for chunk in events.chunks(LINES_PER_STATEMENT) {
        let mut query = Query::new(
            "INSERT INTO order_events (order_number, position, status, at, carrier, \
             tracking_number, tracking_url, note) ",
        )
        .once();
        query.push_values(chunk, |(order, position, event)| {
            [
                order.number.as_str().into(),
                (*position).into(),
                event.status.as_str().into(),
                event.at.into(),
                event.carrier.as_deref().into(),
                event.tracking_number.as_deref().into(),
                event.tracking_url.as_deref().into(),
                event.note.as_deref().into(),
            ]
        });
        conn.execute(query).await?;
    }
    Ok(())
}

/// Writes each of `orders` over its stored one unless that one is newer; says what it did with
/// each (a number given twice: the newer counts, or the later of two as new; the other is
/// `Stale`). A batch costs a few
/// statements whatever its size. The first statement writes (a no-op update of the stored
/// orders): it takes SQLite's write lock at once, so the transaction never fails for a write
/// made after it read, and on PostgreSQL it locks the orders' rows, so two deliveries of one
/// order never interleave.
async fn upsert(conn: &mut Conn<'_>, orders: &[Order]) -> StoreResult<Vec<OrderWrite>> {
    if orders.is_empty() {
        return Ok(Vec::new());
    }
    let numbers: Vec<&str> = orders.iter().map(|o| o.number.as_str()).collect();
    let mut lock = Query::new("UPDATE orders SET number = number WHERE number IN ").once();
    lock.push_list(numbers.iter().copied());
    conn.execute(lock).await?;
    let mut read = Query::new("SELECT number, updated_at FROM orders WHERE number IN ").once();
    read.push_list(numbers.iter().copied());
    let stored: HashMap<String, Option<DateTime<Utc>>> = conn
        .fetch_all::<(String, Option<DateTime<Utc>>)>(read)
        .await?
        .into_iter()
        .collect();
    // The copy of each number that is written: the newest, the later one of a tie.
    let mut chosen: HashMap<&str, usize> = HashMap::new();
    for (at, order) in orders.iter().enumerate() {
        let best = chosen.entry(order.number.as_str()).or_insert(at);
        if orders[*best].updated_at <= order.updated_at {
            *best = at;
        }
    }
    let writes: Vec<OrderWrite> = orders
        .iter()
        .enumerate()
        .map(|(at, order)| match stored.get(order.number.as_str()) {
            _ if chosen.get(order.number.as_str()) != Some(&at) => OrderWrite::Stale,
            None => OrderWrite::Created,
            Some(Some(updated)) if *updated > order.updated_at => OrderWrite::Stale,
            Some(_) => OrderWrite::Updated,
        })
        .collect();
    let written: Vec<&Order> = (orders.iter().zip(&writes))
        .filter(|(_, w)| **w != OrderWrite::Stale)
        .map(|(o, _)| o)
        .collect();
    let replaced: Vec<&str> = (orders.iter().zip(&writes))
        .filter(|(_, w)| **w == OrderWrite::Updated)
        .map(|(o, _)| o.number.as_str())
        .collect();
    if !replaced.is_empty() {
        for table in ["order_items", "order_events"] {
            let mut delete =
                Query::new(format!("DELETE FROM {table} WHERE order_number IN ")).once();
            delete.push_list(replaced.iter().copied());
            conn.execute(delete).await?;
        }
    }
    if written.is_empty() {
        return Ok(writes);
    }
    let mut rows =
        Query::new("INSERT INTO orders (number, email, placed_at, updated_at, platform_id) ")
            .once();
    rows.push_values(&written, |order| {
        [
            order.number.as_str().into(),
            order.email.as_str().into(),
            order.placed_at.into(),
            order.updated_at.into(),
            order.platform_id.as_deref().into(),
        ]
    });
    rows.push(
        " ON CONFLICT (number) DO UPDATE SET email = excluded.email, \
         placed_at = excluded.placed_at, updated_at = excluded.updated_at, \
         platform_id = COALESCE(excluded.platform_id, orders.platform_id)",
    );
    conn.execute(rows).await?;
    insert_lines(conn, &written).await?;
    Ok(writes)
}

/// One orders import: a transaction held open until `commit`.
struct Import {
    tx: Tx,
    summary: OrderImportSummary,
}

#[async_trait::async_trait]
impl BatchImport<Order, OrderImportSummary> for Import {
    async fn write(&mut self, orders: &[Order]) -> StoreResult<()> {
        for write in upsert(&mut self.tx.conn(), orders).await? {
            self.summary.count(write);
        }
        Ok(())
    }

    async fn commit(self: Box<Self>) -> StoreResult<OrderImportSummary> {
        self.tx.commit().await?;
        Ok(self.summary)
    }
}
