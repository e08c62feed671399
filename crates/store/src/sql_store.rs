//! The one SQL implementation of the Store, instantiated for each backend by `sql_store!`.
//! The statements use `$N` placeholders, which SQLite and PostgreSQL both accept, and
//! `QueryBuilder` where a statement has a variable number of values.

/// Columns of `products`, in `ProductRow` order.
pub(crate) const PRODUCT_COLUMNS: &str = "id, title, description, category, metal, price_cents, \
     ready_to_ship, styles, image_url, image_alt, url";

/// Implements `Store` for `$store`, a struct with a field `pool: sqlx::Pool<$db>`.
macro_rules! sql_store {
    ($store:ident, $db:ty) => {
        use aurora_core::catalog::Product;
        use aurora_core::orders::{Order, OrderEvent, OrderItem};
        use aurora_core::store::{CatalogImport, ImportSummary, Store, StoreResult};
        use sqlx::{QueryBuilder, Row};
        use $crate::errors::store_error;
        use $crate::rows::{styles_to_json, ProductRow};
        use $crate::sql_store::PRODUCT_COLUMNS;

        fn product_from_row(row: &<$db as sqlx::Database>::Row) -> StoreResult<Product> {
            let raw = ProductRow {
                id: row.try_get("id").map_err(store_error)?,
                title: row.try_get("title").map_err(store_error)?,
                description: row.try_get("description").map_err(store_error)?,
                category: row.try_get("category").map_err(store_error)?,
                metal: row.try_get("metal").map_err(store_error)?,
                price_cents: row.try_get("price_cents").map_err(store_error)?,
                ready_to_ship: row.try_get("ready_to_ship").map_err(store_error)?,
                styles: row.try_get("styles").map_err(store_error)?,
                image_url: row.try_get("image_url").map_err(store_error)?,
                image_alt: row.try_get("image_alt").map_err(store_error)?,
                url: row.try_get("url").map_err(store_error)?,
            };
            raw.into_product()
        }

        /// One catalog import: a transaction held open until `commit`.
        struct Import {
            tx: sqlx::Transaction<'static, $db>,
            summary: ImportSummary,
        }

        #[async_trait::async_trait]
        impl CatalogImport for Import {
            async fn write(&mut self, products: &[Product]) -> StoreResult<()> {
                // The last occurrence of an id wins, as a second import of it would.
                let mut unique: Vec<&Product> = Vec::with_capacity(products.len());
                for product in products.iter().rev() {
                    if !unique.iter().any(|p| p.id == product.id) {
                        unique.push(product);
                    }
                }
                if unique.is_empty() {
                    return Ok(());
                }
                let mut existing = QueryBuilder::<$db>::new("SELECT COUNT(*) FROM products WHERE id IN (");
                let mut ids = existing.separated(", ");
                for product in &unique {
                    ids.push_bind(product.id.clone());
                }
                existing.push(")");
                let updated: i64 = existing
                    .build_query_scalar()
                    .fetch_one(&mut *self.tx)
                    .await
                    .map_err(store_error)?;

                let mut upsert = QueryBuilder::<$db>::new(format!("INSERT INTO products ({PRODUCT_COLUMNS}) "));
                upsert.push_values(&unique, |mut row, p| {
                    row.push_bind(p.id.clone())
                        .push_bind(p.title.clone())
                        .push_bind(p.description.clone())
                        .push_bind(p.category.as_str())
                        .push_bind(p.metal.as_str())
                        .push_bind(p.price_cents)
                        .push_bind(p.ready_to_ship)
                        .push_bind(styles_to_json(&p.styles))
                        .push_bind(p.image_url.clone())
                        .push_bind(p.image_alt.clone())
                        .push_bind(p.url.clone());
                });
                upsert.push(
                    " ON CONFLICT (id) DO UPDATE SET title = excluded.title, \
                     description = excluded.description, category = excluded.category, \
                     metal = excluded.metal, price_cents = excluded.price_cents, \
                     ready_to_ship = excluded.ready_to_ship, styles = excluded.styles, \
                     image_url = excluded.image_url, image_alt = excluded.image_alt, \
                     url = excluded.url",
                );
                upsert.build().execute(&mut *self.tx).await.map_err(store_error)?;
                let updated = u64::try_from(updated).unwrap_or(0);
                self.summary.updated += updated;
                self.summary.created += unique.len() as u64 - updated;
                Ok(())
            }

            async fn commit(self: Box<Self>) -> StoreResult<ImportSummary> {
                self.tx.commit().await.map_err(store_error)?;
                Ok(self.summary)
            }
        }

        #[async_trait::async_trait]
        impl Store for $store {
            async fn ping(&self) -> StoreResult<()> {
                sqlx::query("SELECT 1").execute(&self.pool).await.map_err(store_error)?;
                Ok(())
            }

            async fn catalog_version(&self) -> StoreResult<i64> {
                sqlx::query_scalar("SELECT version FROM catalog_meta WHERE id = 1")
                    .fetch_one(&self.pool)
                    .await
                    .map_err(store_error)
            }

            async fn begin_import(&self) -> StoreResult<Box<dyn CatalogImport>> {
                let mut tx = self.pool.begin().await.map_err(store_error)?;
                // Writing first takes SQLite's write lock at once: an import never fails halfway
                // because another connection wrote after it had read.
                let version: i64 = sqlx::query_scalar(
                    "UPDATE catalog_meta SET version = version + 1 WHERE id = 1 RETURNING version",
                )
                .fetch_one(&mut *tx)
                .await
                .map_err(store_error)?;
                let summary = ImportSummary { version, ..ImportSummary::default() };
                Ok(Box::new(Import { tx, summary }))
            }

            async fn all_products(&self) -> StoreResult<Vec<Product>> {
                let sql = format!("SELECT {PRODUCT_COLUMNS} FROM products ORDER BY id");
                let rows = sqlx::query(&sql).fetch_all(&self.pool).await.map_err(store_error)?;
                rows.iter().map(product_from_row).collect()
            }

            async fn product(&self, id: &str) -> StoreResult<Option<Product>> {
                let sql = format!("SELECT {PRODUCT_COLUMNS} FROM products WHERE id = $1");
                let row = sqlx::query(&sql)
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(store_error)?;
                row.as_ref().map(product_from_row).transpose()
            }

            async fn product_count(&self) -> StoreResult<u64> {
                count(&self.pool, "SELECT COUNT(*) FROM products").await
            }

            async fn insert_order(&self, order: &Order) -> StoreResult<()> {
                let mut tx = self.pool.begin().await.map_err(store_error)?;
                sqlx::query("INSERT INTO orders (number, email, placed_at) VALUES ($1, $2, $3)")
                    .bind(&order.number)
                    .bind(&order.email)
                    .bind(order.placed_at)
                    .execute(&mut *tx)
                    .await
                    .map_err(store_error)?;
                for (position, item) in (0i32..).zip(&order.items) {
                    sqlx::query(
                        "INSERT INTO order_items (order_number, position, product_id, title, \
                         quantity, price_cents, ring_size, made_to_order) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    )
                    .bind(&order.number)
                    .bind(position)
                    .bind(&item.product_id)
                    .bind(&item.title)
                    .bind(item.quantity)
                    .bind(item.price_cents)
                    .bind(&item.ring_size)
                    .bind(item.made_to_order)
                    .execute(&mut *tx)
                    .await
                    .map_err(store_error)?;
                }
                for (position, event) in (0i32..).zip(&order.events) {
                    sqlx::query(
                        "INSERT INTO order_events (order_number, position, status, at, carrier, \
                         tracking_number, tracking_url, note) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    )
                    .bind(&order.number)
                    .bind(position)
                    .bind(event.status.as_str())
                    .bind(event.at)
                    .bind(&event.carrier)
                    .bind(&event.tracking_number)
                    .bind(&event.tracking_url)
                    .bind(&event.note)
                    .execute(&mut *tx)
                    .await
                    .map_err(store_error)?;
                }
                tx.commit().await.map_err(store_error)
            }

            async fn order(&self, number: &str) -> StoreResult<Option<Order>> {
                let Some(row) = sqlx::query("SELECT number, email, placed_at FROM orders WHERE number = $1")
                    .bind(number)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(store_error)?
                else {
                    return Ok(None);
                };
                let items = sqlx::query(
                    "SELECT product_id, title, quantity, price_cents, ring_size, made_to_order \
                     FROM order_items WHERE order_number = $1 ORDER BY position",
                )
                .bind(number)
                .fetch_all(&self.pool)
                .await
                .map_err(store_error)?
                .iter()
                .map(|r| {
                    Ok(OrderItem {
                        product_id: r.try_get("product_id").map_err(store_error)?,
                        title: r.try_get("title").map_err(store_error)?,
                        quantity: r.try_get("quantity").map_err(store_error)?,
                        price_cents: r.try_get("price_cents").map_err(store_error)?,
                        ring_size: r.try_get("ring_size").map_err(store_error)?,
                        made_to_order: r.try_get("made_to_order").map_err(store_error)?,
                    })
                })
                .collect::<StoreResult<Vec<_>>>()?;
                let events = sqlx::query(
                    "SELECT status, at, carrier, tracking_number, tracking_url, note \
                     FROM order_events WHERE order_number = $1 ORDER BY position",
                )
                .bind(number)
                .fetch_all(&self.pool)
                .await
                .map_err(store_error)?
                .iter()
                .map(|r| {
                    let status: String = r.try_get("status").map_err(store_error)?;
                    Ok(OrderEvent {
                        status: $crate::rows::status(&status)?,
                        at: r.try_get("at").map_err(store_error)?,
                        carrier: r.try_get("carrier").map_err(store_error)?,
                        tracking_number: r.try_get("tracking_number").map_err(store_error)?,
                        tracking_url: r.try_get("tracking_url").map_err(store_error)?,
                        note: r.try_get("note").map_err(store_error)?,
                    })
                })
                .collect::<StoreResult<Vec<_>>>()?;
                Ok(Some(Order {
                    number: row.try_get("number").map_err(store_error)?,
                    email: row.try_get("email").map_err(store_error)?,
                    placed_at: row.try_get("placed_at").map_err(store_error)?,
                    items,
                    events,
                }))
            }

            async fn orders_by_email(&self, email: &str, limit: u32) -> StoreResult<Vec<Order>> {
                let numbers: Vec<String> = sqlx::query_scalar(
                    "SELECT number FROM orders WHERE LOWER(email) = LOWER($1) \
                     ORDER BY placed_at DESC, number LIMIT $2",
                )
                .bind(email.trim())
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await
                .map_err(store_error)?;
                let mut orders = Vec::with_capacity(numbers.len());
                for number in numbers {
                    if let Some(order) = self.order(&number).await? {
                        orders.push(order);
                    }
                }
                Ok(orders)
            }

            async fn order_count(&self) -> StoreResult<u64> {
                count(&self.pool, "SELECT COUNT(*) FROM orders").await
            }

            async fn create_conversation(
                &self,
                conversation: &aurora_core::conversations::Conversation,
                messages: &[aurora_core::conversations::Message],
            ) -> StoreResult<()> {
                let _turn = self.writes.enter().await;
                support::create_conversation(&self.pool, conversation, messages).await
            }

            async fn conversation(
                &self,
                id: &str,
            ) -> StoreResult<Option<aurora_core::conversations::Conversation>> {
                self.read_conversation(id).await
            }

            async fn append_messages(
                &self,
                id: &str,
                messages: Vec<aurora_core::conversations::Message>,
                state: &serde_json::Value,
                replies: i32,
                at: chrono::DateTime<chrono::Utc>,
            ) -> StoreResult<()> {
                self.append($crate::Append {
                    id: id.to_string(),
                    messages,
                    state: state.clone(),
                    replies,
                    at,
                })
                .await
            }

            async fn messages(&self, id: &str) -> StoreResult<Vec<aurora_core::conversations::Message>> {
                support::messages(&self.pool, id).await
            }

            async fn end_conversation(&self, id: &str, at: chrono::DateTime<chrono::Utc>) -> StoreResult<bool> {
                support::end_conversation(&self.pool, id, at).await
            }

            async fn create_ticket(
                &self,
                ticket: &aurora_core::tickets::Ticket,
                webhook: Option<&str>,
            ) -> StoreResult<()> {
                support::create_ticket(&self.pool, ticket, webhook).await
            }

            async fn ticket(&self, reference: &str) -> StoreResult<Option<aurora_core::tickets::Ticket>> {
                support::ticket(&self.pool, reference).await
            }

            async fn recent_tickets(&self, limit: u32) -> StoreResult<Vec<aurora_core::tickets::Ticket>> {
                support::recent_tickets(&self.pool, limit).await
            }

            async fn shortlist(&self, visitor_id: &str) -> StoreResult<Vec<String>> {
                support::shortlist(&self.pool, visitor_id).await
            }

            async fn shortlist_add(
                &self,
                visitor_id: &str,
                product_id: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> StoreResult<bool> {
                support::shortlist_add(&self.pool, visitor_id, product_id, at).await
            }

            async fn shortlist_remove(&self, visitor_id: &str, product_id: &str) -> StoreResult<bool> {
                support::shortlist_remove(&self.pool, visitor_id, product_id).await
            }

            async fn record_csat(
                &self,
                conversation_id: &str,
                score: i32,
                comment: Option<&str>,
                at: chrono::DateTime<chrono::Utc>,
            ) -> StoreResult<bool> {
                support::record_csat(&self.pool, conversation_id, score, comment, at).await
            }

            async fn claim_idempotency_key(
                &self,
                scope: &str,
                route: &str,
                key: &str,
                hash: &str,
                now: chrono::DateTime<chrono::Utc>,
                expired_before: chrono::DateTime<chrono::Utc>,
            ) -> StoreResult<aurora_core::store::IdempotencyClaim> {
                support::claim_idempotency_key(&self.pool, scope, route, key, hash, now, expired_before).await
            }

            async fn complete_idempotency_key(
                &self,
                scope: &str,
                route: &str,
                key: &str,
                status: u16,
                response: &str,
            ) -> StoreResult<()> {
                support::complete_idempotency_key(&self.pool, scope, route, key, status, response).await
            }

            async fn release_idempotency_key(&self, scope: &str, route: &str, key: &str) -> StoreResult<()> {
                support::release_idempotency_key(&self.pool, scope, route, key).await
            }

            async fn due_webhooks(
                &self,
                now: chrono::DateTime<chrono::Utc>,
                limit: u32,
            ) -> StoreResult<Vec<aurora_core::store::OutboxItem>> {
                support::due_webhooks(&self.pool, now, limit).await
            }

            async fn webhook_delivered(&self, id: &str, at: chrono::DateTime<chrono::Utc>) -> StoreResult<()> {
                support::webhook_delivered(&self.pool, id, at).await
            }

            async fn webhook_failed(
                &self,
                id: &str,
                attempts: i32,
                retry_at: Option<chrono::DateTime<chrono::Utc>>,
                error: &str,
            ) -> StoreResult<()> {
                support::webhook_failed(&self.pool, id, attempts, retry_at, error).await
            }

            async fn flag_override(&self, key: &str) -> StoreResult<aurora_core::flags::FlagOverride> {
                flags::get(&self.pool, key).await
            }

            async fn set_flag_override(
                &self,
                key: &str,
                change: &aurora_core::flags::FlagOverride,
                actor: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> StoreResult<aurora_core::flags::FlagOverride> {
                flags::set(&self.pool, key, change, actor, at).await
            }

            async fn flag_audit(
                &self,
                key: &str,
                limit: u32,
            ) -> StoreResult<Vec<aurora_core::store::FlagAuditEntry>> {
                flags::audit(&self.pool, key, limit).await
            }

            async fn setting(&self, key: &str) -> StoreResult<Option<String>> {
                sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
                    .bind(key)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(store_error)
            }

            async fn setting_or_insert(&self, key: &str, value: &str) -> StoreResult<String> {
                sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
                    .bind(key)
                    .bind(value)
                    .execute(&self.pool)
                    .await
                    .map_err(store_error)?;
                sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
                    .bind(key)
                    .fetch_one(&self.pool)
                    .await
                    .map_err(store_error)
            }

            async fn conversation_counts(
                &self,
                now: chrono::DateTime<chrono::Utc>,
                idle_after: chrono::Duration,
                ended_since: chrono::DateTime<chrono::Utc>,
            ) -> StoreResult<aurora_core::store::ConversationCounts> {
                conversation_metrics::counts(&self.pool, now, idle_after, ended_since).await
            }

            async fn end_idle_conversations(
                &self,
                now: chrono::DateTime<chrono::Utc>,
                idle_after: chrono::Duration,
            ) -> StoreResult<Vec<bool>> {
                conversation_metrics::end_idle(&self.pool, now, idle_after).await
            }

            fn pool_stats(&self) -> aurora_core::store::PoolStats {
                let idle = u64::try_from(self.pool.num_idle()).unwrap_or(0);
                let size = u64::from(self.pool.size());
                aurora_core::store::PoolStats { in_use: size.saturating_sub(idle), idle }
            }
        }

        sql_support!($db);
        sql_metrics!($db);
        sql_flags!($db);

        async fn count(pool: &sqlx::Pool<$db>, sql: &str) -> StoreResult<u64> {
            let n: i64 = sqlx::query_scalar(sql).fetch_one(pool).await.map_err(store_error)?;
            Ok(u64::try_from(n).unwrap_or(0))
        }
    };
}
