//! Turning stored text back into domain values, the same way for both backends.

use aurora_core::store::StoreError;
use std::str::FromStr;

/// Parses a stored enum name; a bad one means the database holds something we never wrote.
pub(crate) fn parse_stored<T: FromStr>(column: &str, value: &str) -> Result<T, StoreError> {
    T::from_str(value)
        .map_err(|_| StoreError::Other(format!("unexpected value `{value}` in column {column}")))
}

/// Parses a JSON column.
pub(crate) fn json_from_text<T: serde::de::DeserializeOwned>(
    column: &str,
    text: &str,
) -> Result<T, StoreError> {
    serde_json::from_str(text)
        .map_err(|e| StoreError::Other(format!("unexpected JSON in column {column}: {e}")))
}

/// A value as a JSON column holds it.
pub(crate) fn json_text<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_string())
}
