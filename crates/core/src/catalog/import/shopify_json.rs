//! A product as Shopify's `products/create` and `products/update` webhooks send it → the same
//! [`Draft`] the CSV readers fill, so a product reads alike from the export and the webhook
//! (its key is the handle either way; the Shopify id is kept as the platform id, which
//! `products/delete` names).

use super::draft::{self, Cell, Draft, Variant};
use super::mapping::StoneField;
use super::{ImportOptions, Item, RowError};
use crate::catalog::Product;
use chrono::{DateTime, Utc};
use serde::Deserialize;

/// What a product delivery asks of the catalog, and when the product changed on the platform
/// (its `updated_at`, if the payload has one).
#[derive(Debug, Clone, PartialEq)]
pub enum ProductChange {
    /// Add the product, or replace the one with its id.
    Upsert {
        product: Box<Product>,
        updated_at: Option<DateTime<Utc>>,
    },
    /// The product is not for sale here (draft, archived, in no category or metal): take it
    /// out of the catalog if it is in.
    Remove {
        platform_id: String,
        reason: String,
        updated_at: Option<DateTime<Utc>>,
    },
}

#[derive(Debug, Deserialize)]
struct Payload {
    #[serde(default, deserialize_with = "crate::orders::shopify::shopify_id")]
    id: Option<String>,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body_html: Option<String>,
    #[serde(default)]
    handle: String,
    #[serde(default)]
    product_type: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    tags: Option<String>,
    #[serde(default)]
    variants: Vec<PayloadVariant>,
    #[serde(default)]
    options: Vec<PayloadOption>,
    #[serde(default)]
    images: Vec<PayloadImage>,
    #[serde(default)]
    updated_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Deserialize)]
struct PayloadVariant {
    #[serde(default)]
    price: Option<String>,
    #[serde(default)]
    inventory_quantity: Option<i64>,
    /// `shopify` when Shopify tracks the stock; null when it does not (always available).
    #[serde(default)]
    inventory_management: Option<String>,
    #[serde(default)]
    option1: Option<String>,
    #[serde(default)]
    option2: Option<String>,
    #[serde(default)]
    option3: Option<String>,
}

#[derive(Debug, Deserialize)]
struct PayloadOption {
    #[serde(default)]
    name: String,
    #[serde(default)]
    values: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct PayloadImage {
    #[serde(default)]
    src: String,
    #[serde(default)]
    alt: Option<String>,
}

/// What option `i` describes, by its name or values (as for the CSV).
#[derive(Clone, Copy, PartialEq)]
enum Role {
    Metal,
    Stone(StoneField),
    Other,
}

/// Reads a `products/create` or `products/update` body.
pub fn shopify_product(body: &str, options: &ImportOptions) -> Result<ProductChange, String> {
    let payload: Payload =
        serde_json::from_str(body).map_err(|e| format!("not a Shopify product: {e}"))?;
    let platform_id = payload
        .id
        .clone()
        .ok_or_else(|| "the product has no id".to_string())?;
    let updated_at = payload.updated_at;
    let remove = |reason: String| {
        Ok(ProductChange::Remove {
            platform_id: platform_id.clone(),
            reason,
            updated_at,
        })
    };
    if payload
        .status
        .as_deref()
        .is_some_and(|s| !s.eq_ignore_ascii_case("active"))
    {
        return remove("it is not active (draft or archived)".into());
    }
    let mapping = &options.mapping;
    let roles: Vec<Role> = (0..3)
        .map(|i| match payload.options.get(i) {
            Some(option) if option.values.is_empty() => Role::Other,
            Some(option)
                if mapping.is_metal_option(&option.name)
                    || option
                        .values
                        .iter()
                        .all(|v| mapping.metal_of_value(v).is_some()) =>
            {
                Role::Metal
            }
            Some(option) => mapping
                .stone_field(&option.name)
                .map_or(Role::Other, Role::Stone),
            None => Role::Other,
        })
        .collect();
    let empty = String::new();
    let variants = payload
        .variants
        .iter()
        .map(|variant| {
            let values = [&variant.option1, &variant.option2, &variant.option3]
                .map(|v| Cell::new(v.as_deref().unwrap_or(""), 1, "option"));
            let tracked = variant.inventory_management.as_deref() == Some("shopify");
            Variant {
                price: Cell::new(
                    variant.price.as_ref().unwrap_or(&empty),
                    1,
                    "variants.price",
                ),
                metal: (0..3)
                    .filter(|&i| roles[i] == Role::Metal)
                    .map(|i| values[i])
                    .collect(),
                in_stock: !tracked || variant.inventory_quantity.unwrap_or(0) > 0,
                stock: None,
                image: "",
                stones: (0..3)
                    .filter_map(|i| match roles[i] {
                        Role::Stone(field) => Some((field, values[i])),
                        _ => None,
                    })
                    .collect(),
            }
        })
        .collect();
    let draft = Draft {
        row: 1,
        id: Cell::new(&payload.handle, 1, "handle"),
        title: Cell::new(payload.title.trim(), 1, "title"),
        description: payload.body_html.as_deref().unwrap_or(""),
        category_texts: payload
            .product_type
            .iter()
            .filter(|t| !t.trim().is_empty())
            .map(|t| Cell::new(t, 1, "product_type"))
            .collect(),
        tags: draft::tags(payload.tags.as_deref().unwrap_or("")),
        metal_texts: Vec::new(),
        stones: Vec::new(),
        variants,
        images: payload
            .images
            .iter()
            .map(|image| (image.src.as_str(), image.alt.as_deref().unwrap_or("")))
            .filter(|(src, _)| !src.is_empty())
            .collect(),
        image_column: "images",
        price_column: "variants.price",
        tags_column: "tags",
        url: format!("/products/{}", payload.handle.to_lowercase()),
        platform_id: Some(platform_id.clone()),
    };
    match draft::build(&draft, options) {
        Item::Product { product, .. } => Ok(ProductChange::Upsert {
            product,
            updated_at,
        }),
        Item::Skipped { warnings, .. } => {
            remove(describe(&warnings, "it maps to no category or metal"))
        }
        Item::Invalid(errors) => Err(describe(&errors, "the product is invalid")),
    }
}

fn describe(problems: &[RowError], fallback: &str) -> String {
    let texts: Vec<String> = problems
        .iter()
        .map(|p| match &p.column {
            Some(column) => format!("{column}: {}", p.message),
            None => p.message.clone(),
        })
        .collect();
    if texts.is_empty() {
        fallback.to_string()
    } else {
        texts.join("; ")
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use crate::catalog::{Category, Metal};

    fn body(status: &str, option: &str) -> String {
        serde_json::json!({
            "id": 788032119674292922_u64,
            "title": "Solitaire Engagement Ring",
            "body_html": "<p>A <strong>classic</strong>.</p>",
            "handle": "solitaire-ring",
            "product_type": "Rings",
            "status": status,
            "tags": "engagement, ready to ship",
            "variants": [
                {"price": "1,250.00", "inventory_quantity": 3, "inventory_management": "shopify",
                 "option1": option, "option2": "6"},
                {"price": "1450.00", "inventory_quantity": 0, "inventory_management": "shopify",
                 "option1": "18K Yellow Gold", "option2": "7"}
            ],
            "options": [
                {"name": "Metal", "values": [option, "18K Yellow Gold"]},
                {"name": "Size", "values": ["6", "7"]}
            ],
            "images": [{"src": "https://cdn.example/ring.jpg", "alt": "The ring"}]
        })
        .to_string()
    }

    #[test]
    fn an_active_product_reads_as_from_the_export() {
        let change = shopify_product(&body("active", "14K Rose Gold"), &ImportOptions::default());
        let ProductChange::Upsert { product, .. } = change.unwrap() else {
            panic!("not an upsert");
        };
        assert_eq!(product.id, "solitaire-ring");
        assert_eq!(product.platform_id.as_deref(), Some("788032119674292922"));
        assert_eq!(product.category, Category::Rings);
        assert_eq!(product.metal, Metal::RoseGold);
        assert_eq!(product.price.minor(), 125_000);
        assert_eq!(product.price_max.map(|p| p.minor()), Some(145_000));
        assert_eq!(product.description, "A classic.");
    }

    #[test]
    fn a_draft_leaves_the_catalog_and_a_bad_price_is_an_error() {
        let change = shopify_product(&body("draft", "14K Rose Gold"), &ImportOptions::default());
        assert!(
            matches!(change.unwrap(), ProductChange::Remove { platform_id, .. } if platform_id == "788032119674292922")
        );
        let bad = body("active", "14K Rose Gold").replace("1,250.00", "twelve");
        let error = shopify_product(&bad, &ImportOptions::default()).unwrap_err();
        assert!(error.contains("variants.price"), "{error}");
        assert!(shopify_product("{}", &ImportOptions::default()).is_err());
    }
}
