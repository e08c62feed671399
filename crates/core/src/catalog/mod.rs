//! Products, their categories and metals, and how a catalog gets in (import).

pub mod import;
pub mod search;

pub use aurora_nlu::{Category, Metal, UnknownName};

use crate::money::Money;

use serde::{Deserialize, Serialize};

/// One product of the catalog. `id` is the store's stable handle: importing it again updates it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Product {
    /// Stable handle (`aurora-rose-gold-solitaire-ring`): lowercase letters, digits and dashes.
    pub id: String,
    pub title: String,
    /// Plain text; HTML from imports is reduced to text before it gets here.
    pub description: String,
    pub category: Category,
    pub metal: Metal,
    /// Price in the store currency's minor unit (cents); `price_cents` in files and rows.
    #[serde(rename = "price_cents")]
    pub price: Money,
    /// In stock and ships now; otherwise made to order.
    pub ready_to_ship: bool,
    /// Style tags such as `classic`, `modern`, `vintage`: lowercase.
    #[serde(default)]
    pub styles: Vec<String>,
    /// Absolute URL or a path served by this binary.
    pub image_url: String,
    /// Meaningful alt text for the image.
    pub image_alt: String,
    /// Where the shopper sees the product on the store (absolute URL or path).
    pub url: String,
}

impl Product {
    /// Whether `id` is a valid handle: 1 to 200 chars of `a-z`, `0-9` and `-`.
    pub fn is_valid_id(id: &str) -> bool {
        !id.is_empty()
            && id.len() <= 200
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    }
}

/// An immutable snapshot of the whole catalog, as the server serves it between imports.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    version: i64,
    products: Vec<Product>,
    by_id: std::collections::HashMap<String, usize>,
}

impl Catalog {
    /// A snapshot of `products` (any order; kept in id order) at catalog `version`.
    pub fn new(version: i64, mut products: Vec<Product>) -> Self {
        products.sort_by(|a, b| a.id.cmp(&b.id));
        let by_id = products
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.clone(), i))
            .collect();
        Catalog {
            version,
            products,
            by_id,
        }
    }

    /// The catalog version this snapshot was read at.
    pub fn version(&self) -> i64 {
        self.version
    }

    /// Every product, in id order.
    pub fn products(&self) -> &[Product] {
        &self.products
    }

    /// One product by id.
    pub fn get(&self, id: &str) -> Option<&Product> {
        self.by_id.get(id).map(|&i| &self.products[i])
    }

    /// Where the product `id` is in [`Catalog::products`].
    pub fn position(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }
}
