//! Turning rows back into domain values, the same way for both backends.

use aurora_core::catalog::{Category, Metal, Product};
use aurora_core::orders::OrderStatus;
use aurora_core::store::StoreError;
use std::str::FromStr;

/// Parses a stored enum name; a bad one means the database holds something we never wrote.
pub(crate) fn parse_stored<T: FromStr>(column: &str, value: &str) -> Result<T, StoreError> {
    T::from_str(value)
        .map_err(|_| StoreError::Other(format!("unexpected value `{value}` in column {column}")))
}

/// Styles are stored as a JSON array of strings.
pub(crate) fn styles_to_json(styles: &[String]) -> String {
    serde_json::Value::from(styles.to_vec()).to_string()
}

pub(crate) fn styles_from_json(text: &str) -> Result<Vec<String>, StoreError> {
    serde_json::from_str(text)
        .map_err(|e| StoreError::Other(format!("unexpected styles value in the database: {e}")))
}

/// Parses a JSON column.
pub(crate) fn json_from_text<T: serde::de::DeserializeOwned>(
    column: &str,
    text: &str,
) -> Result<T, StoreError> {
    serde_json::from_str(text)
        .map_err(|e| StoreError::Other(format!("unexpected JSON in column {column}: {e}")))
}

/// The raw columns of a products row, decoded by each backend.
pub(crate) struct ProductRow {
    pub id: String,
    pub title: String,
    pub description: String,
    pub category: String,
    pub metal: String,
    pub price_cents: i64,
    pub ready_to_ship: bool,
    pub styles: String,
    pub image_url: String,
    pub image_alt: String,
    pub url: String,
}

impl ProductRow {
    pub(crate) fn into_product(self) -> Result<Product, StoreError> {
        Ok(Product {
            category: parse_stored::<Category>("category", &self.category)?,
            metal: parse_stored::<Metal>("metal", &self.metal)?,
            styles: styles_from_json(&self.styles)?,
            id: self.id,
            title: self.title,
            description: self.description,
            price_cents: self.price_cents,
            ready_to_ship: self.ready_to_ship,
            image_url: self.image_url,
            image_alt: self.image_alt,
            url: self.url,
        })
    }
}

/// Parses an order status column.
pub(crate) fn status(value: &str) -> Result<OrderStatus, StoreError> {
    parse_stored::<OrderStatus>("status", value)
}
