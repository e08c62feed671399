//! Products and the catalog version.

use crate::SqlStore;
use crate::db::{Query, Tx};
use crate::rows::{json_from_text, json_text, parse_stored};
use aurora_core::catalog::Product;
use aurora_core::money::Money;
use aurora_core::store::{BatchImport, CatalogImport, CatalogStore, ImportSummary, StoreResult};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

const PRODUCT_COLUMNS: &str = "id, title, description, category, metal, price_cents, \
     ready_to_ship, styles, image_url, image_alt, url, price_max_cents, metals, kind, stones, \
     platform_id, added_at";

/// A row of `products`.
#[derive(sqlx::FromRow)]
struct ProductRow {
    id: String,
    title: String,
    description: String,
    category: String,
    metal: String,
    price_cents: i64,
    ready_to_ship: bool,
    /// A JSON array of strings.
    styles: String,
    image_url: String,
    image_alt: String,
    url: String,
    price_max_cents: Option<i64>,
    /// A JSON array of metal names.
    metals: String,
    kind: Option<String>,
    /// A JSON object (`Stones`).
    stones: String,
    platform_id: Option<String>,
    added_at: Option<DateTime<Utc>>,
}

impl ProductRow {
    fn into_product(self) -> StoreResult<Product> {
        Ok(Product {
            category: parse_stored("category", &self.category)?,
            metal: parse_stored("metal", &self.metal)?,
            styles: json_from_text("styles", &self.styles)?,
            metals: json_from_text("metals", &self.metals)?,
            stones: json_from_text("stones", &self.stones)?,
            price_max: self.price_max_cents.map(Money::from_minor),
            kind: self.kind,
            platform_id: self.platform_id,
            added_at: self.added_at,
            id: self.id,
            title: self.title,
            description: self.description,
            price: Money::from_minor(self.price_cents),
            ready_to_ship: self.ready_to_ship,
            image_url: self.image_url,
            image_alt: self.image_alt,
            url: self.url,
        })
    }
}

#[async_trait::async_trait]
impl CatalogStore for SqlStore {
    async fn catalog_version(&self) -> StoreResult<i64> {
        let query = Query::new("SELECT version FROM catalog_meta WHERE id = 1");
        let (version,): (i64,) = self.db.acquire().await?.conn().fetch_one(query).await?;
        Ok(version)
    }

    async fn begin_import(&self) -> StoreResult<Box<CatalogImport>> {
        let mut tx = self.db.begin().await?;
        // Writing first takes SQLite's write lock at once: an import never fails halfway
        // because another connection wrote after it had read.
        let bump = Query::new(
            "UPDATE catalog_meta SET version = version + 1 WHERE id = 1 RETURNING version",
        );
        let (version,): (i64,) = tx.conn().fetch_one(bump).await?;
        let summary = ImportSummary {
            version,
            ..ImportSummary::default()
        };
        Ok(Box::new(Import { tx, summary }))
    }

    async fn all_products(&self) -> StoreResult<Vec<Product>> {
        let query = Query::new(format!(
            "SELECT {PRODUCT_COLUMNS} FROM products ORDER BY id"
        ));
        let rows: Vec<ProductRow> = self.db.fetch_all(query).await?;
        rows.into_iter().map(ProductRow::into_product).collect()
    }

    async fn product(&self, id: &str) -> StoreResult<Option<Product>> {
        let query = Query::new(format!(
            "SELECT {PRODUCT_COLUMNS} FROM products WHERE id = $1"
        ))
        .bind(id);
        let row: Option<ProductRow> = self.db.fetch_optional(query).await?;
        row.map(ProductRow::into_product).transpose()
    }

    async fn delete_product_by_platform_id(
        &self,
        platform_id: &str,
    ) -> StoreResult<Option<String>> {
        let mut tx = self.db.begin().await?;
        let mut conn = tx.conn();
        let deleted: Option<(String,)> = conn
            .fetch_optional(
                Query::new("DELETE FROM products WHERE platform_id = $1 RETURNING id")
                    .bind(platform_id),
            )
            .await?;
        if deleted.is_some() {
            let bump = Query::new("UPDATE catalog_meta SET version = version + 1 WHERE id = 1");
            conn.execute(bump).await?;
            tx.commit().await?;
        }
        Ok(deleted.map(|(id,)| id))
    }

    async fn product_sync(
        &self,
        platform_ids: &[&str],
    ) -> StoreResult<HashMap<String, (DateTime<Utc>, bool)>> {
        if platform_ids.is_empty() {
            return Ok(HashMap::new());
        }
        let mut query = Query::new(
            "SELECT platform_id, updated_at, deleted FROM product_sync WHERE platform_id IN ",
        )
        .once();
        query.push_list(platform_ids.iter().copied());
        let rows: Vec<(String, DateTime<Utc>, bool)> = self.db.fetch_all(query).await?;
        Ok(rows
            .into_iter()
            .map(|(id, at, deleted)| (id, (at, deleted)))
            .collect())
    }

    async fn record_product_sync(
        &self,
        changes: &[(String, DateTime<Utc>, bool)],
    ) -> StoreResult<()> {
        // One row per product (a statement may not change a row twice): the latest change.
        let mut latest: HashMap<&str, (DateTime<Utc>, bool)> = HashMap::new();
        for (id, at, deleted) in changes {
            let entry = latest.entry(id.as_str()).or_insert((*at, *deleted));
            if *at >= entry.0 {
                *entry = (*at, *deleted);
            }
        }
        if latest.is_empty() {
            return Ok(());
        }
        let mut query =
            Query::new("INSERT INTO product_sync (platform_id, updated_at, deleted) ").once();
        query.push_values(&latest, |(id, (at, deleted))| {
            [(*id).into(), (*at).into(), (*deleted).into()]
        });
        query.push(
            " ON CONFLICT (platform_id) DO UPDATE SET updated_at = excluded.updated_at, \
             deleted = excluded.deleted WHERE product_sync.updated_at <= excluded.updated_at",
        );
        let _turn = self.writes.enter().await;
        self.db.execute(query).await?;
        Ok(())
    }

    async fn product_count(&self) -> StoreResult<u64> {
        self.db
            .count(Query::new("SELECT COUNT(*) FROM products"))
            .await
    }
}

/// One catalog import: a transaction held open until `commit`.
struct Import {
    tx: Tx,
    summary: ImportSummary,
}

#[async_trait::async_trait]
impl BatchImport<Product, ImportSummary> for Import {
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
        let mut existing = Query::new("SELECT COUNT(*) FROM products WHERE id IN ");
        existing.push_list(unique.iter().map(|p| p.id.as_str()));
        let updated = self.tx.conn().count(existing).await?;

        let now = Utc::now();
        let mut upsert = Query::new(format!("INSERT INTO products ({PRODUCT_COLUMNS}) "));
        upsert.push_values(&unique, |p| {
            [
                p.id.as_str().into(),
                p.title.as_str().into(),
                p.description.as_str().into(),
                p.category.as_str().into(),
                p.metal.as_str().into(),
                p.price.minor().into(),
                p.ready_to_ship.into(),
                json_text(&p.styles).into(),
                p.image_url.as_str().into(),
                p.image_alt.as_str().into(),
                p.url.as_str().into(),
                p.price_max.map(Money::minor).into(),
                json_text(&p.metals).into(),
                p.kind.as_deref().into(),
                json_text(&p.stones).into(),
                p.platform_id.as_deref().into(),
                p.added_at.unwrap_or(now).into(),
            ]
        });
        upsert.push(
            " ON CONFLICT (id) DO UPDATE SET title = excluded.title, \
             description = excluded.description, category = excluded.category, \
             metal = excluded.metal, price_cents = excluded.price_cents, \
             ready_to_ship = excluded.ready_to_ship, styles = excluded.styles, \
             image_url = excluded.image_url, image_alt = excluded.image_alt, \
             url = excluded.url, price_max_cents = excluded.price_max_cents, \
             metals = excluded.metals, kind = excluded.kind, stones = excluded.stones, \
             platform_id = excluded.platform_id, \
             added_at = COALESCE(products.added_at, excluded.added_at)",
        );
        self.tx.conn().execute(upsert).await?;
        self.summary.updated += updated;
        self.summary.created += unique.len() as u64 - updated;
        Ok(())
    }

    async fn commit(self: Box<Self>) -> StoreResult<ImportSummary> {
        self.tx.commit().await?;
        Ok(self.summary)
    }
}
