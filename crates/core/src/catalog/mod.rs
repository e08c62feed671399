//! Products, their categories and metals, and how a catalog gets in (import).

pub mod import;
pub mod search;

pub use aurora_nlu::{Category, Metal, UnknownName};

use crate::money::Money;

/// The path the server draws placeholder images under: `{PLACEHOLDER_IMAGES}/rings-silver.svg`.
pub const PLACEHOLDER_IMAGES: &str = "/images/placeholders";

/// The placeholder image of a product of `category` in `metal` that came without one.
pub fn placeholder_image(category: Category, metal: Metal) -> String {
    format!(
        "{PLACEHOLDER_IMAGES}/{}-{}.svg",
        category.as_str(),
        metal.as_str()
    )
}

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
    /// The highest price of its variants when they differ (`price` is the lowest);
    /// `price_max_cents` in files and rows.
    #[serde(rename = "price_max_cents", default)]
    pub price_max: Option<Money>,
    /// Every metal it comes in besides `metal`, the main one (which may be listed too).
    #[serde(default)]
    pub metals: Vec<Metal>,
    /// The finer type within its category (`engagement ring`, `studs`, `tennis bracelet`).
    #[serde(default)]
    pub kind: Option<String>,
    /// What its stones are, as far as the store says.
    #[serde(default)]
    pub stones: Stones,
    /// The store platform's own id for it (Shopify's product id, WooCommerce's ID), if known.
    #[serde(default)]
    pub platform_id: Option<String>,
    /// When the store added it: the time of the import that first brought it in (a later
    /// import keeps it), or as a JSON Lines file gives it. "Newest" sorts by it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub added_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// What a product's stones are. Every field is optional; text fields are as the store wrote them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stones {
    /// Lab-grown or natural diamonds.
    #[serde(default)]
    pub diamond: Option<DiamondOrigin>,
    /// Total carat weight, e.g. `1.50`.
    #[serde(default)]
    pub carat: Option<String>,
    /// Cut shape, e.g. `oval`.
    #[serde(default)]
    pub shape: Option<String>,
    /// Colour grade, e.g. `F`.
    #[serde(default)]
    pub colour: Option<String>,
    /// Clarity grade, e.g. `VS1`.
    #[serde(default)]
    pub clarity: Option<String>,
    /// Setting style, e.g. `halo`.
    #[serde(default)]
    pub setting: Option<String>,
}

/// Where a diamond comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DiamondOrigin {
    LabGrown,
    Natural,
}

impl DiamondOrigin {
    /// How a shopper reads it.
    pub fn label(self) -> &'static str {
        match self {
            DiamondOrigin::LabGrown => "Lab-grown diamond",
            DiamondOrigin::Natural => "Natural diamond",
        }
    }
}

impl Stones {
    /// Whether the store said nothing about the stones.
    pub fn is_empty(&self) -> bool {
        *self == Stones::default()
    }

    /// Each thing known, as (label, value), in a fixed order: for product details and search.
    pub fn details(&self) -> Vec<(&'static str, String)> {
        let mut details = Vec::new();
        if let Some(origin) = self.diamond {
            details.push(("Diamond", origin.label().to_string()));
        }
        for (label, value) in [
            ("Carat weight", &self.carat),
            ("Shape", &self.shape),
            ("Colour", &self.colour),
            ("Clarity", &self.clarity),
            ("Setting", &self.setting),
        ] {
            if let Some(value) = value {
                details.push((label, value.clone()));
            }
        }
        details
    }
}

impl Product {
    /// Every metal it comes in, the main one first, each once.
    pub fn all_metals(&self) -> Vec<Metal> {
        let mut metals = vec![self.metal];
        for metal in &self.metals {
            if !metals.contains(metal) {
                metals.push(*metal);
            }
        }
        metals
    }

    /// Its lowest and highest price (the same when its variants cost the same).
    pub fn price_range(&self) -> (Money, Money) {
        (
            self.price,
            self.price_max.unwrap_or(self.price).max(self.price),
        )
    }

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
