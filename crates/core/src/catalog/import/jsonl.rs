//! Our own format: JSON Lines, one `Product` object per line.

use super::checks::check_product;
use super::{Item, RowError};
use crate::catalog::{Category, Metal, Product, Stones, placeholder_image};
use crate::money::Money;
use serde_json::{Map, Value};
use std::io::Read;

/// The fields of a `Product` in declaration order, which is the order errors are reported in.
const FIELDS: [&str; 17] = [
    "id",
    "title",
    "description",
    "category",
    "metal",
    "price_cents",
    "ready_to_ship",
    "styles",
    "image_url",
    "image_alt",
    "url",
    "price_max_cents",
    "metals",
    "kind",
    "stones",
    "platform_id",
    "added_at",
];

/// Reads a JSON Lines catalog one line at a time.
pub(super) struct JsonLines<R> {
    lines: crate::import::json_lines::JsonLines<R>,
}

impl<R: Read> JsonLines<R> {
    pub(super) fn new(reader: R) -> Self {
        JsonLines {
            lines: crate::import::json_lines::JsonLines::new(reader, "product"),
        }
    }

    pub(super) fn next_item(&mut self) -> Option<Item> {
        Some(match self.lines.next_line()? {
            Ok((row, text)) => parse_line(row, &text),
            Err(error) => Item::Invalid(vec![error]),
        })
    }
}

/// One line → a product, or every problem of that line.
fn parse_line(row: u64, text: &str) -> Item {
    match serde_json::from_str::<Product>(text) {
        Ok(mut product) => {
            let mut warnings = Vec::new();
            if product.image_url.trim().is_empty() {
                product.image_url = placeholder_image(product.category, product.metal);
                let message = "no image: the placeholder for its category is shown instead";
                warnings.push(RowError::new(row, Some("image_url"), message));
            }
            let problems = check_product(&product);
            if problems.is_empty() {
                Item::Product {
                    row,
                    product: Box::new(product),
                    warnings,
                }
            } else {
                Item::Invalid(
                    problems
                        .into_iter()
                        .map(|(field, message)| RowError::new(row, Some(field), message))
                        .collect(),
                )
            }
        }
        Err(error) => Item::Invalid(diagnose(row, text, &error)),
    }
}

/// Finds which fields of a line serde rejected, so each error names its field. Each field is
/// tried alone in an otherwise valid product, which keeps serde (and `Product`) the one
/// definition of what is valid.
fn diagnose(row: u64, text: &str, error: &serde_json::Error) -> Vec<RowError> {
    let object = match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(object)) => object,
        Ok(_) => {
            let message = "expected a JSON object with the product's fields";
            return vec![RowError::new(row, None, message)];
        }
        Err(error) => {
            let message = format!("not valid JSON: {}", without_position(&error));
            return vec![RowError::new(row, None, message)];
        }
    };
    let template = template();
    let mut errors = Vec::new();
    let mut merged = template.clone();
    for (field, value) in &object {
        if !template.contains_key(field) {
            let message = format!("unknown field `{field}`");
            errors.push(RowError::new(row, Some(field), message));
            continue;
        }
        let mut trial = template.clone();
        trial.insert(field.clone(), value.clone());
        match serde_json::from_value::<Product>(Value::Object(trial)) {
            Ok(_) => {
                merged.insert(field.clone(), value.clone());
            }
            Err(error) => {
                let message = field_message(field, value, &error);
                errors.push(RowError::new(row, Some(field), message));
            }
        }
    }
    for field in template.keys().filter(|f| !object.contains_key(*f)) {
        let mut trial = template.clone();
        trial.remove(field);
        if serde_json::from_value::<Product>(Value::Object(trial)).is_err() {
            let message = format!("missing field `{field}`");
            errors.push(RowError::new(row, Some(field), message));
        }
    }
    // The fields serde accepted may still break the rules; the template's never do.
    if let Ok(product) = serde_json::from_value::<Product>(Value::Object(merged)) {
        for (field, message) in check_product(&product) {
            if object.contains_key(field) {
                errors.push(RowError::new(row, Some(field), message));
            }
        }
    }
    if errors.is_empty() {
        errors.push(RowError::new(row, None, without_position(error)));
    }
    // Unknown fields last; the sort is stable, so two errors of one field keep their order.
    errors.sort_by_key(|e| {
        e.column
            .as_deref()
            .and_then(|c| FIELDS.iter().position(|f| *f == c))
            .unwrap_or(FIELDS.len())
    });
    errors
}

/// A valid product as a JSON object, to try fields in one at a time.
fn template() -> Map<String, Value> {
    let product = Product {
        id: "template".to_string(),
        title: "Template".to_string(),
        description: String::new(),
        category: Category::Rings,
        metal: Metal::Silver,
        price: Money::from_minor(100),
        ready_to_ship: false,
        styles: Vec::new(),
        image_url: "/template.jpg".to_string(),
        image_alt: "Template".to_string(),
        url: "/template".to_string(),
        price_max: Some(Money::from_minor(200)),
        metals: vec![Metal::Silver],
        kind: Some("template".to_string()),
        stones: Stones::default(),
        platform_id: Some("1".to_string()),
        added_at: Some(chrono::DateTime::UNIX_EPOCH),
    };
    match serde_json::to_value(product) {
        Ok(Value::Object(object)) => object,
        // Cannot happen for a plain struct; diagnosis then falls back to serde's message.
        _ => Map::new(),
    }
}

/// A field's error in words: category and metal list what they accept.
fn field_message(field: &str, value: &Value, error: &serde_json::Error) -> String {
    let known: Option<Vec<&str>> = match field {
        "category" => Some(Category::ALL.iter().map(|c| c.as_str()).collect()),
        "metal" => Some(Metal::ALL.iter().map(|m| m.as_str()).collect()),
        _ => None,
    };
    match (known, value.as_str()) {
        (Some(known), Some(name)) => {
            format!("unknown {field} `{name}` (one of: {})", known.join(", "))
        }
        _ => without_position(error),
    }
}

/// serde_json's message without "at line 1 column 7": the line is the row, reported already.
fn without_position(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(at) if error.line() > 0 => {
            format!("{} (at character {})", &text[..at], error.column())
        }
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors_of(line: &str) -> Vec<(Option<String>, String)> {
        match parse_line(7, line) {
            Item::Invalid(errors) => errors
                .into_iter()
                .inspect(|e| assert_eq!(e.row, 7))
                .map(|e| (e.column, e.message))
                .collect(),
            other => vec![(None, format!("not invalid: {other:?}"))],
        }
    }

    const GOOD: &str = r#"{"id":"a-ring","title":"A ring","description":"","category":"rings","metal":"silver","price_cents":5000,"ready_to_ship":true,"styles":["classic"],"image_url":"/a.jpg","image_alt":"A ring","url":"/products/a-ring"}"#;

    #[test]
    fn a_good_line_is_a_product() {
        match parse_line(1, GOOD) {
            Item::Product { row, product, .. } => {
                assert_eq!(row, 1);
                assert_eq!(product.id, "a-ring");
                assert_eq!(product.price, Money::from_minor(5_000));
            }
            other => assert!(matches!(other, Item::Product { .. }), "{other:?}"),
        }
    }

    #[test]
    fn every_bad_field_of_a_line_is_named() {
        let line = GOOD
            .replace(r#""rings""#, r#""tiaras""#)
            .replace("5000", "-5")
            .replace(r#""url""#, r#""colour":"red","url""#)
            .replace(r#""title":"A ring","#, "");
        let errors = errors_of(&line);
        let columns: Vec<_> = errors.iter().map(|(c, _)| c.as_deref()).collect();
        assert_eq!(
            columns,
            [
                Some("title"),
                Some("category"),
                Some("price_cents"),
                Some("colour")
            ]
        );
        assert_eq!(errors[0].1, "missing field `title`");
        assert!(
            errors[1]
                .1
                .starts_with("unknown category `tiaras` (one of: rings,")
        );
        assert_eq!(errors[2].1, "`-5` is not a price: it must be more than 0");
        assert_eq!(errors[3].1, "unknown field `colour`");
    }

    #[test]
    fn a_wrong_type_names_its_field() {
        let errors = errors_of(&GOOD.replace("5000", r#""50.00""#));
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].0.as_deref(), Some("price_cents"));
        assert!(errors[0].1.contains("invalid type"), "{}", errors[0].1);
    }

    #[test]
    fn rule_breaks_are_reported_per_field() {
        let line = GOOD
            .replace(r#"["classic"]"#, r#"["Classic",""]"#)
            .replace(r#""image_alt":"A ring""#, r#""image_alt":"  ""#)
            .replace("a-ring", "A Ring");
        let columns: Vec<_> = errors_of(&line).into_iter().map(|(c, _)| c).collect();
        let columns: Vec<_> = columns.iter().map(|c| c.as_deref()).collect();
        assert_eq!(
            columns,
            [
                Some("id"),
                Some("styles"),
                Some("styles"),
                Some("image_alt")
            ]
        );
    }

    #[test]
    fn broken_json_is_one_error_without_a_column() {
        let errors = errors_of(r#"{"id": "a-ring", "#);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].0, None);
        assert!(
            errors[0].1.starts_with("not valid JSON: "),
            "{}",
            errors[0].1
        );
        assert!(!errors[0].1.contains("at line"), "{}", errors[0].1);
        let errors = errors_of("42");
        assert_eq!(
            errors,
            [(
                None,
                "expected a JSON object with the product's fields".to_string()
            )]
        );
    }

    #[test]
    fn the_template_has_exactly_the_fields_of_a_product() {
        let mut keys: Vec<_> = template().keys().cloned().collect();
        keys.sort_unstable();
        let mut expected = FIELDS.to_vec();
        expected.sort_unstable();
        assert_eq!(keys, expected);
    }

    #[test]
    fn a_line_longer_than_the_limit_is_an_error_and_reading_goes_on() {
        let mut input = vec![b'x'; crate::import::json_lines::MAX_LINE_BYTES as usize + 10];
        input.push(b'\n');
        input.extend_from_slice(GOOD.as_bytes());
        let mut reader = JsonLines::new(input.as_slice());
        let first = reader.next_item();
        assert!(
            matches!(&first, Some(Item::Invalid(e)) if e[0].row == 1 && e[0].message.contains("1 MiB")),
            "{first:?}"
        );
        let second = reader.next_item();
        assert!(
            matches!(&second, Some(Item::Product { row: 2, .. })),
            "{second:?}"
        );
        assert!(reader.next_item().is_none());
    }

    #[test]
    fn a_json_array_is_refused_with_a_hint() {
        let input = format!("[{GOOD}]");
        let mut reader = JsonLines::new(input.as_bytes());
        let item = reader.next_item();
        assert!(
            matches!(&item, Some(Item::Invalid(e)) if e[0].message.contains("JSON Lines")),
            "{item:?}"
        );
        assert!(reader.next_item().is_none());
    }
}
