//! The rules a product must meet whichever format it came from, and price parsing.

use super::mapping::MAX_STYLES;
use crate::catalog::Product;

/// Longest title, in characters.
pub(super) const MAX_TITLE_CHARS: usize = 200;
/// Longest description, in characters.
pub(super) const MAX_DESCRIPTION_CHARS: usize = 5_000;
/// Longest finer type, platform id or stone detail, in characters.
pub(super) const MAX_SHORT_TEXT_CHARS: usize = 200;
/// Highest price, in minor units (1,000,000 dollars, euros or pounds).
pub(super) const MAX_PRICE_CENTS: i64 = 100_000_000;

/// Which field of a [`Product`] a problem is about (its JSON name).
pub(super) type Field = &'static str;

/// Every rule `product` breaks, as (field, message); empty when it is valid.
pub(super) fn check_product(product: &Product) -> Vec<(Field, String)> {
    let mut problems = Vec::new();
    if !Product::is_valid_id(&product.id) {
        problems.push((
            "id",
            format!(
                "`{}` is not a valid id (1 to 200 lowercase letters, digits and dashes)",
                product.id
            ),
        ));
    }
    if product.title.trim().is_empty() {
        problems.push(("title", "the title is empty".to_string()));
    } else if product.title.chars().count() > MAX_TITLE_CHARS {
        problems.push((
            "title",
            format!("the title is longer than {MAX_TITLE_CHARS} characters"),
        ));
    }
    if product.description.chars().count() > MAX_DESCRIPTION_CHARS {
        problems.push((
            "description",
            "the description is longer than 5,000 characters".to_string(),
        ));
    }
    if let Err(reason) = check_price_cents(product.price.minor()) {
        let message = format!("`{}` is not a price: {reason}", product.price.minor());
        problems.push(("price_cents", message));
    }
    if let Some(max) = product.price_max
        && max < product.price
    {
        let message = "the highest price is below the price (the lowest)".to_string();
        problems.push(("price_max_cents", message));
    }
    let short_texts = [
        ("kind", &product.kind),
        ("platform_id", &product.platform_id),
        ("stones", &product.stones.carat),
        ("stones", &product.stones.shape),
        ("stones", &product.stones.colour),
        ("stones", &product.stones.clarity),
        ("stones", &product.stones.setting),
    ];
    for (field, text) in short_texts {
        if text
            .as_ref()
            .is_some_and(|t| t.chars().count() > MAX_SHORT_TEXT_CHARS)
        {
            let message = format!("longer than {MAX_SHORT_TEXT_CHARS} characters");
            problems.push((field, message));
        }
    }
    if product.styles.len() > MAX_STYLES {
        problems.push((
            "styles",
            format!(
                "{} styles; at most {MAX_STYLES} are allowed",
                product.styles.len()
            ),
        ));
    }
    for style in &product.styles {
        if style.trim().is_empty() {
            problems.push(("styles", "a style is empty".to_string()));
        } else if *style != style.to_lowercase() {
            problems.push(("styles", format!("style `{style}` must be lowercase")));
        }
    }
    for (field, value, what) in [
        ("image_url", &product.image_url, "the image URL is empty"),
        (
            "image_alt",
            &product.image_alt,
            "the image alt text is empty (describe the image)",
        ),
        ("url", &product.url, "the product URL is empty"),
    ] {
        if value.trim().is_empty() {
            problems.push((field, what.to_string()));
        }
    }
    problems
}

/// Whether `cents` (minor units) is a price we accept (more than 0, at most 1,000,000 major
/// units); if not, why.
pub(super) fn check_price_cents(cents: i64) -> Result<(), String> {
    if cents <= 0 {
        Err("it must be more than 0".to_string())
    } else if cents > MAX_PRICE_CENTS {
        Err("it is more than the highest price, 1,000,000".to_string())
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_must_be_positive_and_at_most_a_million_dollars() {
        assert!(check_price_cents(1).is_ok());
        assert!(check_price_cents(MAX_PRICE_CENTS).is_ok());
        assert!(check_price_cents(0).is_err());
        assert!(check_price_cents(-500).is_err());
        assert!(check_price_cents(MAX_PRICE_CENTS + 1).is_err());
    }
}
