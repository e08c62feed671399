//! What every CSV format reads a product into, and the one place that turns it into a
//! [`Product`]: category and finer type, metals, price range, stock, stones, image (or a
//! placeholder, with a warning), checked against the product rules. Each format only has to
//! say which of its columns holds what.

use super::checks::{MAX_DESCRIPTION_CHARS, MAX_TITLE_CHARS, check_price_cents, check_product};
use super::html::html_to_text;
use super::mapping::{MAX_STYLES, Mapping, StoneField, tag_slug};
use super::{ImportOptions, Item, RowError, SkipReason, Unmapped};
use crate::catalog::{Category, Metal, Product, Stones, placeholder_image};
use crate::import::price::parse_price;
use crate::money::Money;

/// A value read from a cell, with where it came from (for errors).
#[derive(Debug, Clone, Copy)]
pub(super) struct Cell<'a> {
    pub text: &'a str,
    pub row: u64,
    pub column: &'a str,
}

impl<'a> Cell<'a> {
    pub fn new(text: &'a str, row: u64, column: &'a str) -> Self {
        Cell { text, row, column }
    }

    fn error(&self, message: impl Into<String>) -> RowError {
        RowError::new(self.row, Some(self.column), message)
    }
}

/// One sellable variant.
#[derive(Debug, Clone)]
pub(super) struct Variant<'a> {
    /// The price to charge (a sale price when one is set).
    pub price: Cell<'a>,
    /// The values of the options or attributes that carry the metal ("14K" and "White": read
    /// together), if there are any.
    pub metal: Vec<Cell<'a>>,
    /// The platform says it is in stock, whatever the quantity.
    pub in_stock: bool,
    /// The quantity in stock, when the platform tracks it (a whole number).
    pub stock: Option<Cell<'a>>,
    /// The variant's own image, if any.
    pub image: &'a str,
    /// Option or attribute values that describe stones.
    pub stones: Vec<(StoneField, Cell<'a>)>,
}

/// One product as a format read it.
#[derive(Debug, Clone)]
pub(super) struct Draft<'a> {
    /// The row the product starts on.
    pub row: u64,
    /// Its key in the file (handle, SKU), before it is checked as an id.
    pub id: Cell<'a>,
    pub title: Cell<'a>,
    /// HTML or plain text.
    pub description: &'a str,
    /// Where the category may be named, most telling first (type, platform category, …).
    pub category_texts: Vec<Cell<'a>>,
    pub tags: Vec<&'a str>,
    /// Values naming the product's metal when a variant has none (metafields).
    pub metal_texts: Vec<Cell<'a>>,
    /// Product-level values that describe stones (metafields).
    pub stones: Vec<(StoneField, Cell<'a>)>,
    pub variants: Vec<Variant<'a>>,
    /// (URL, alt text), in the file's order.
    pub images: Vec<(&'a str, &'a str)>,
    /// Where the product reports a missing image, a missing variant and a missing metal.
    pub image_column: &'a str,
    pub price_column: &'a str,
    pub tags_column: &'a str,
    pub url: String,
    pub platform_id: Option<String>,
}

/// What a draft became.
pub(super) fn build(draft: &Draft<'_>, options: &ImportOptions) -> Item {
    let mapping = &options.mapping;
    let mut errors = Vec::new();
    let id = draft.id.text.to_lowercase();
    if !Product::is_valid_id(&id) {
        errors.push(draft.id.error(format!(
            "`{}` is not a valid handle (1 to 200 letters, digits and dashes)",
            draft.id.text
        )));
    }
    let title = draft.title.text;
    if title.is_empty() {
        errors.push(draft.title.error("the title is empty"));
    } else if title.chars().count() > MAX_TITLE_CHARS {
        let message = format!("the title is longer than {MAX_TITLE_CHARS} characters");
        errors.push(draft.title.error(message));
    }

    // The category from the most telling text that names one; the finer type from the first
    // text that names one of that category ("Rings" then the tag "Wedding Band").
    let texts: Vec<&str> = (draft.category_texts.iter().map(|cell| cell.text))
        .chain(draft.tags.iter().copied())
        .chain([title])
        .collect();
    let found: Vec<(Category, Option<&str>)> = texts
        .iter()
        .filter_map(|t| mapping.category_in(t))
        .collect();
    let named = found.first().map(|&(category, _)| {
        let kind = found
            .iter()
            .filter(|(c, _)| *c == category)
            .find_map(|(_, kind)| *kind);
        (category, kind)
    });
    let (category, kind) = match (named, options.unmapped) {
        (Some((category, kind)), _) => (category, kind.map(str::to_string)),
        (None, Unmapped::Other) => {
            let kind = draft
                .category_texts
                .first()
                .map(|c| c.text.trim().to_lowercase());
            (Category::Other, kind.filter(|k| !k.is_empty()))
        }
        (None, Unmapped::Skip) if errors.is_empty() => {
            let message = format!(
                "`{title}` maps to no category (type, category, tags and title name none); \
                 skipped (AURORA_CATALOG_UNMAPPED=other imports it as `other`)"
            );
            return Item::Skipped {
                reason: SkipReason::Unmapped,
                warnings: vec![RowError::new(draft.row, None, message)],
            };
        }
        (None, Unmapped::Skip) => return Item::Invalid(errors),
    };

    let fallback_metal = draft
        .metal_texts
        .iter()
        .find_map(|cell| mapping.metal_of_value(cell.text))
        .or_else(|| draft.tags.iter().find_map(|t| mapping.metal_in(t)))
        .or_else(|| mapping.metal_in(title));
    if draft.variants.is_empty() {
        let message = "the product has no variant with a price";
        errors.push(RowError::new(draft.row, Some(draft.price_column), message));
    }
    let mut prices = Vec::new();
    let mut metals: Vec<Metal> = Vec::new();
    let mut in_stock = false;
    let mut stones = Vec::new();
    let mut warnings = Vec::new();
    for variant in &draft.variants {
        // A variant in a metal we do not sell through (titanium, steel) is left out, said so.
        let named: Vec<&str> = (variant.metal.iter())
            .map(|cell| cell.text)
            .filter(|text| !text.is_empty())
            .collect();
        let metal = match (named.is_empty(), variant.metal.first()) {
            (false, Some(cell)) => {
                let value = named.join(" ");
                let metal = mapping.metal_of_value(&value);
                if metal.is_none() {
                    let message = format!(
                        "`{value}` names no metal the concierge knows; this variant is left out"
                    );
                    warnings.push(cell.error(message));
                }
                metal
            }
            _ => fallback_metal,
        };
        let price = price_of(&variant.price, options.currency.digits());
        let stock = variant.stock.map(stock_of).transpose();
        if let Err(error) = &price {
            errors.push(error.clone());
        }
        if let Err(error) = &stock {
            errors.push(error.clone());
        }
        let (Some(metal), Ok(price), Ok(stock)) = (metal, price, stock) else {
            continue;
        };
        prices.push(price);
        if !metals.contains(&metal) {
            metals.push(metal);
        }
        in_stock |= variant.in_stock || stock.unwrap_or(0) > 0;
        stones.extend(variant.stones.iter().cloned());
    }
    stones.extend(draft.stones.iter().cloned());
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.row);
        errors.dedup();
        return Item::Invalid(errors);
    }
    let (Some(&metal), Some(&low), Some(&high)) =
        (metals.first(), prices.iter().min(), prices.iter().max())
    else {
        // Variants there were, but none in a metal we know: the product is left out, said so.
        let message =
            format!("`{title}`: no metal named in a metal option, the tags or the title; skipped");
        warnings.push(RowError::new(draft.row, Some(draft.tags_column), message));
        return Item::Skipped {
            reason: SkipReason::Unmapped,
            warnings,
        };
    };

    let image = draft
        .images
        .iter()
        .copied()
        .find(|(url, _)| !url.is_empty())
        .or_else(|| {
            let variant_image = draft
                .variants
                .iter()
                .map(|v| v.image)
                .find(|i| !i.is_empty());
            variant_image.map(|url| (url, ""))
        });
    let (image_url, image_alt) = match image {
        Some((url, alt)) => (url.to_string(), alt.trim().to_string()),
        None => {
            let message = format!(
                "no image: the placeholder for {} is shown instead",
                category.label().to_lowercase()
            );
            warnings.push(RowError::new(draft.row, Some(draft.image_column), message));
            (placeholder_image(category, metal), String::new())
        }
    };
    let image_alt = if image_alt.is_empty() {
        format!("{title} in {}", metal.label().to_lowercase())
    } else {
        image_alt
    };
    let product = Product {
        id,
        title: title.to_string(),
        description: truncate(html_to_text(draft.description)),
        category,
        metal,
        price: Money::from_minor(low),
        ready_to_ship: shipping_tag(&draft.tags).unwrap_or(in_stock),
        styles: styles(mapping, &draft.tags),
        image_url,
        image_alt,
        url: draft.url.clone(),
        price_max: (high > low).then(|| Money::from_minor(high)),
        metals,
        kind,
        stones: stones_of(mapping, &stones, &draft.tags, title),
        platform_id: draft.platform_id.clone(),
        added_at: None,
    };
    // A safety net: what is built above should always pass.
    let problems: Vec<RowError> = check_product(&product)
        .into_iter()
        .map(|(field, message)| RowError::new(draft.row, Some(field), message))
        .collect();
    if problems.is_empty() {
        Item::Product {
            row: draft.row,
            product: Box::new(product),
            warnings,
        }
    } else {
        Item::Invalid(problems)
    }
}

/// A stock quantity: empty is none; otherwise a whole number (negative when oversold).
fn stock_of(cell: Cell<'_>) -> Result<i64, RowError> {
    if cell.text.is_empty() {
        return Ok(0);
    }
    cell.text
        .parse()
        .map_err(|_| cell.error(format!("`{}` is not a whole number", cell.text)))
}

/// A price cell in cents, or the error that names its row and column.
fn price_of(cell: &Cell<'_>, digits: u32) -> Result<i64, RowError> {
    if cell.text.is_empty() {
        return Err(cell.error("the variant has no price"));
    }
    let cents = parse_price(cell.text, digits).map_err(|reason| cell.error(reason))?;
    check_price_cents(cents)
        .map_err(|reason| cell.error(format!("`{}` is not a price: {reason}", cell.text)))?;
    Ok(cents)
}

/// The stone details named by fields, else (for the diamond's origin) by the tags and title.
/// Several variants with different values (carat weights) keep them all, in order.
fn stones_of(
    mapping: &Mapping,
    values: &[(StoneField, Cell<'_>)],
    tags: &[&str],
    title: &str,
) -> Stones {
    let mut stones = Stones::default();
    for (field, cell) in values {
        let text = cell.text.trim();
        // A "Color" that names a metal is the metal's colour, not the stone's.
        let metal_colour = *field == StoneField::Colour && mapping.metal_of_value(text).is_some();
        if text.is_empty() || metal_colour {
            continue;
        }
        let slot = match field {
            StoneField::Diamond => {
                stones.diamond = stones.diamond.or(mapping.diamond_of_value(text));
                continue;
            }
            StoneField::Carat => &mut stones.carat,
            StoneField::Shape => &mut stones.shape,
            StoneField::Colour => &mut stones.colour,
            StoneField::Clarity => &mut stones.clarity,
            StoneField::Setting => &mut stones.setting,
        };
        match slot {
            Some(known) if known.split(", ").any(|v| v == text) => {}
            Some(known) => {
                known.push_str(", ");
                known.push_str(text);
            }
            None => *slot = Some(text.to_string()),
        }
    }
    if stones.diamond.is_none() {
        stones.diamond = tags
            .iter()
            .find_map(|t| mapping.diamond_in(t))
            .or_else(|| mapping.diamond_in(title));
    }
    stones
}

/// The style tags, once each, in tag order, at most [`MAX_STYLES`].
fn styles(mapping: &Mapping, tags: &[&str]) -> Vec<String> {
    let mut styles: Vec<String> = Vec::new();
    for style in tags.iter().filter_map(|t| mapping.style_of(t)) {
        if !styles.iter().any(|s| s == style) && styles.len() < MAX_STYLES {
            styles.push(style.to_string());
        }
    }
    styles
}

/// `made-to-order` or `ready-to-ship` among the tags overrides the stock; made to order wins,
/// as promising a shipping date we cannot keep is the worse mistake.
fn shipping_tag(tags: &[&str]) -> Option<bool> {
    let slugs: Vec<String> = tags.iter().map(|t| tag_slug(t)).collect();
    if slugs.iter().any(|s| s == "made-to-order") {
        Some(false)
    } else if slugs.iter().any(|s| s == "ready-to-ship") {
        Some(true)
    } else {
        None
    }
}

/// Cuts a description to the length a product allows, at a word, marking the cut with `…`.
fn truncate(text: String) -> String {
    if text.chars().count() <= MAX_DESCRIPTION_CHARS {
        return text;
    }
    let cut: String = text.chars().take(MAX_DESCRIPTION_CHARS - 1).collect();
    let cut = match cut.rfind(' ') {
        Some(at) if at > 0 => &cut[..at],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end())
}

/// Splits a tag list (`a, b, c`) into its tags.
pub(super) fn tags(text: &str) -> Vec<&str> {
    text.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn made_to_order_wins_over_ready_to_ship() {
        assert_eq!(
            shipping_tag(&["Made to order", "ready-to-ship"]),
            Some(false)
        );
        assert_eq!(shipping_tag(&["Ready_to_Ship"]), Some(true));
        assert_eq!(shipping_tag(&["sale"]), None);
    }

    #[test]
    fn styles_are_kept_once_each_and_at_most_ten() {
        let mapping = Mapping::default();
        assert_eq!(
            styles(&mapping, &["Vintage", "gold", "vintage", "Art Deco"]),
            ["vintage", "art-deco"]
        );
        let many = [
            "classic",
            "modern",
            "minimal",
            "vintage",
            "bold",
            "romantic",
            "boho",
            "art deco",
            "dainty",
            "statement",
            "geometric",
        ];
        assert_eq!(styles(&mapping, &many).len(), MAX_STYLES);
    }

    #[test]
    fn long_descriptions_are_cut_at_a_word() {
        let long = "word ".repeat(2_000);
        let cut = truncate(long);
        assert!(cut.chars().count() <= MAX_DESCRIPTION_CHARS);
        assert!(cut.ends_with("word…"));
        assert_eq!(truncate("short".to_string()), "short");
    }

    #[test]
    fn stone_values_gather_and_a_metal_colour_is_not_a_stone_colour() {
        let mapping = Mapping::default();
        let cell = |text| Cell::new(text, 2, "Option2 Value");
        let values = [
            (StoneField::Carat, cell("0.50")),
            (StoneField::Carat, cell("1.00")),
            (StoneField::Carat, cell("0.50")),
            (StoneField::Colour, cell("Rose Gold")),
            (StoneField::Colour, cell("F")),
            (StoneField::Diamond, cell("Lab-created")),
        ];
        let stones = stones_of(&mapping, &values, &[], "Oval Ring");
        assert_eq!(stones.carat.as_deref(), Some("0.50, 1.00"));
        assert_eq!(stones.colour.as_deref(), Some("F"));
        assert_eq!(
            stones.diamond,
            Some(crate::catalog::DiamondOrigin::LabGrown)
        );
        let from_title = stones_of(&mapping, &[], &["Sale"], "Natural Diamond Studs");
        assert_eq!(
            from_title.diamond,
            Some(crate::catalog::DiamondOrigin::Natural)
        );
    }
}
