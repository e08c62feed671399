//! The rules a product must meet whichever format it came from, and price parsing.

use super::mapping::MAX_STYLES;
use crate::catalog::Product;

/// Longest title, in characters.
pub(super) const MAX_TITLE_CHARS: usize = 200;
/// Longest description, in characters.
pub(super) const MAX_DESCRIPTION_CHARS: usize = 5_000;
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

/// Cents of a Shopify price such as `1250`, `1250.5` or `1250.00`; `None` when it is not a
/// plain non-negative decimal with at most two decimals.
pub(super) fn parse_price(text: &str) -> Option<i64> {
    let text = text.trim();
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) || fraction.len() > 2 {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let fraction: i64 = match fraction.len() {
        0 => 0,
        1 => fraction.parse::<i64>().ok()? * 10,
        _ => fraction.parse().ok()?,
    };
    whole.checked_mul(100)?.checked_add(fraction)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shopify_prices_become_cents() {
        assert_eq!(parse_price("1250.00"), Some(125_000));
        assert_eq!(parse_price(" 1250 "), Some(125_000));
        assert_eq!(parse_price("12.5"), Some(1_250));
        assert_eq!(parse_price("0.99"), Some(99));
    }

    #[test]
    fn anything_but_a_plain_decimal_is_not_a_price() {
        for bad in [
            "",
            "12,5x",
            "-10.00",
            "1,250.00",
            "1e3",
            ".5",
            "12.345",
            "$12",
            "99999999999999999999",
        ] {
            assert_eq!(parse_price(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn prices_must_be_positive_and_at_most_a_million_dollars() {
        assert!(check_price_cents(1).is_ok());
        assert!(check_price_cents(MAX_PRICE_CENTS).is_ok());
        assert!(check_price_cents(0).is_err());
        assert!(check_price_cents(-500).is_err());
        assert!(check_price_cents(MAX_PRICE_CENTS + 1).is_err());
    }
}
