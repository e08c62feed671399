//! The rows of one Shopify handle → one product per metal (the mapping of
//! `docs/catalog-import.md`).

use super::{Col, OPTION_NAMES, OPTION_VALUES, Row, VARIANT_COLUMNS};
use crate::catalog::import::RowError;
use crate::catalog::import::checks::{
    MAX_DESCRIPTION_CHARS, MAX_TITLE_CHARS, check_price_cents, check_product, parse_price,
};
use crate::catalog::import::html::html_to_text;
use crate::catalog::import::mapping::{self, MAX_STYLES};
use crate::catalog::{Category, Metal, Product};
use crate::money::Money;

/// Errors found while building one handle's products.
#[derive(Default)]
struct Errors(Vec<RowError>);

impl Errors {
    fn add(&mut self, row: u64, col: Col, message: impl Into<String>) {
        self.0.push(RowError::new(row, Some(col.name()), message));
    }
}

/// One variant row, reduced to what a product needs.
struct Variant<'a> {
    metal: Metal,
    price_cents: i64,
    in_stock: bool,
    image: &'a str,
}

/// What the variants of one metal add up to.
struct MetalGroup<'a> {
    metal: Metal,
    lowest_price: i64,
    in_stock: bool,
    /// The first Variant Image of this metal's variants, if any.
    image: &'a str,
}

/// Where a handle's metals come from: the Metal option per variant, else one for the handle.
struct MetalSource {
    /// Index (0..3) of the option named Metal or Material.
    option: Option<usize>,
    /// From the Tags, else the Title.
    fallback: Option<Metal>,
}

/// One product per metal of a handle's variants (`rows` are the handle's, first row first).
pub(super) fn build(handle: &str, rows: &[Row]) -> Result<Vec<Product>, Vec<RowError>> {
    let Some(first) = rows.first() else {
        return Ok(Vec::new());
    };
    let row1 = first.line;
    let mut errors = Errors::default();

    let id = handle.to_lowercase();
    if !Product::is_valid_id(&id) {
        let message = format!(
            "`{handle}` is not a valid handle (1 to 200 lowercase letters, digits and dashes)"
        );
        errors.add(row1, Col::Handle, message);
    }
    let title = first.get(Col::Title);
    if title.is_empty() {
        errors.add(row1, Col::Title, "the Title is empty");
    } else if title.chars().count() > MAX_TITLE_CHARS {
        let message = format!("the Title is longer than {MAX_TITLE_CHARS} characters");
        errors.add(row1, Col::Title, message);
    }
    let tags: Vec<&str> = first
        .get(Col::Tags)
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect();
    let category = category(first, &tags, &mut errors);

    let metals = MetalSource {
        option: (0..3).find(|&i| mapping::is_metal_option(first.get(OPTION_NAMES[i]))),
        fallback: tags
            .iter()
            .find_map(|t| mapping::metal_in(t))
            .or_else(|| mapping::metal_in(title)),
    };
    if metals.fallback.is_none() && needs_fallback(rows, metals.option) {
        let col = metals.option.map_or(Col::Tags, |i| OPTION_VALUES[i]);
        let message = "no metal: none named in a Metal option, the Tags or the Title";
        errors.add(row1, col, message);
    }
    let variant_rows: Vec<&Row> = rows.iter().filter(|row| is_variant(row)).collect();
    if variant_rows.is_empty() {
        let message = "the product has no variant (no row with a Variant Price)";
        errors.add(row1, Col::VariantPrice, message);
    }
    let variants: Vec<Variant> = variant_rows
        .into_iter()
        .filter_map(|row| variant(row, &metals, &mut errors))
        .collect();

    let images: Vec<(&str, &str)> = rows
        .iter()
        .map(|row| (row.get(Col::ImageSrc), row.get(Col::ImageAltText)))
        .filter(|(src, _)| !src.is_empty())
        .collect();
    if images.is_empty() && variants.iter().all(|v| v.image.is_empty()) {
        errors.add(row1, Col::ImageSrc, "the product has no image (Image Src)");
    }

    let (Some(category), true) = (category, errors.0.is_empty()) else {
        return Err(errors.0);
    };

    let description = truncate(html_to_text(first.get(Col::Body)));
    let styles = styles(&tags);
    let shipping = shipping_tag(&tags);
    let groups = by_metal(&variants);
    let one_metal = groups.len() == 1;
    let mut products = Vec::with_capacity(groups.len());
    for group in groups {
        let (image_url, alt) = if group.image.is_empty() {
            images.first().copied().unwrap_or_default()
        } else {
            let alt = images.iter().find(|(src, _)| *src == group.image);
            (group.image, alt.map_or("", |(_, alt)| *alt))
        };
        let image_alt = if alt.is_empty() {
            format!("{title} in {}", group.metal.label().to_lowercase())
        } else {
            alt.to_string()
        };
        let product = Product {
            id: if one_metal {
                id.clone()
            } else {
                format!("{id}-{}", mapping::metal_slug(group.metal))
            },
            title: title.to_string(),
            description: description.clone(),
            category,
            metal: group.metal,
            price: Money::from_minor(group.lowest_price),
            ready_to_ship: shipping.unwrap_or(group.in_stock),
            styles: styles.clone(),
            image_url: image_url.to_string(),
            image_alt,
            url: format!("/products/{id}"),
        };
        // A safety net: what is built above should always pass.
        for (field, message) in check_product(&product) {
            errors.add(row1, column_of(field), message);
        }
        products.push(product);
    }
    if errors.0.is_empty() {
        Ok(products)
    } else {
        Err(errors.0)
    }
}

/// From the Type, else the Product Category, else the first tag that names one.
fn category(first: &Row, tags: &[&str], errors: &mut Errors) -> Option<Category> {
    let kind = first.get(Col::Type);
    let category = mapping::category_in(kind)
        .or_else(|| mapping::category_in(first.get(Col::ProductCategory)))
        .or_else(|| tags.iter().find_map(|t| mapping::category_in(t)));
    if category.is_none() {
        let message = if kind.is_empty() {
            "no category: the Type is empty and no tag names one".to_string()
        } else {
            format!("unknown category `{kind}`")
        };
        errors.add(first.line, Col::Type, message);
    }
    category
}

/// A row with any variant column filled is a variant; the others only add images.
fn is_variant(row: &Row) -> bool {
    VARIANT_COLUMNS.iter().any(|&col| !row.get(col).is_empty())
}

/// Whether some variant has no Metal option value, so needs the handle's metal.
fn needs_fallback(rows: &[Row], option: Option<usize>) -> bool {
    rows.iter()
        .filter(|row| is_variant(row))
        .any(|row| option.is_none_or(|i| row.get(OPTION_VALUES[i]).is_empty()))
}

/// A variant row's price, stock and metal; `None` (with errors) when one of them is bad.
fn variant<'a>(row: &'a Row, metals: &MetalSource, errors: &mut Errors) -> Option<Variant<'a>> {
    let price_text = row.get(Col::VariantPrice);
    let price = if price_text.is_empty() {
        errors.add(row.line, Col::VariantPrice, "the variant has no price");
        None
    } else {
        match parse_price(price_text).map(|cents| (cents, check_price_cents(cents))) {
            Some((cents, Ok(()))) => Some(cents),
            Some((_, Err(reason))) => {
                let message = format!("`{price_text}` is not a price: {reason}");
                errors.add(row.line, Col::VariantPrice, message);
                None
            }
            None => {
                let message = format!("`{price_text}` is not a price");
                errors.add(row.line, Col::VariantPrice, message);
                None
            }
        }
    };
    let qty_text = row.get(Col::VariantInventoryQty);
    let qty = if qty_text.is_empty() {
        Some(0)
    } else if let Ok(qty) = qty_text.parse::<i64>() {
        Some(qty)
    } else {
        let message = format!("`{qty_text}` is not a whole number");
        errors.add(row.line, Col::VariantInventoryQty, message);
        None
    };
    let option = metals
        .option
        .map(|i| (OPTION_VALUES[i], row.get(OPTION_VALUES[i])));
    let metal = match option {
        Some((col, value)) if !value.is_empty() => {
            let metal = mapping::metal_in(value);
            if metal.is_none() {
                errors.add(row.line, col, format!("unknown metal `{value}`"));
            }
            metal
        }
        _ => metals.fallback,
    };
    Some(Variant {
        metal: metal?,
        price_cents: price?,
        in_stock: qty? > 0,
        image: row.get(Col::VariantImage),
    })
}

/// Per metal, in the order the variants list them: lowest price, any in stock, first image.
fn by_metal<'a>(variants: &[Variant<'a>]) -> Vec<MetalGroup<'a>> {
    let mut groups: Vec<MetalGroup> = Vec::new();
    for variant in variants {
        match groups.iter_mut().find(|g| g.metal == variant.metal) {
            Some(group) => {
                group.lowest_price = group.lowest_price.min(variant.price_cents);
                group.in_stock |= variant.in_stock;
                if group.image.is_empty() {
                    group.image = variant.image;
                }
            }
            None => groups.push(MetalGroup {
                metal: variant.metal,
                lowest_price: variant.price_cents,
                in_stock: variant.in_stock,
                image: variant.image,
            }),
        }
    }
    groups
}

/// The style tags, once each, in tag order, at most [`MAX_STYLES`].
fn styles(tags: &[&str]) -> Vec<String> {
    let mut styles: Vec<String> = Vec::new();
    for style in tags.iter().filter_map(|t| mapping::style_of(t)) {
        if !styles.iter().any(|s| s == style) && styles.len() < MAX_STYLES {
            styles.push(style.to_string());
        }
    }
    styles
}

/// `made-to-order` or `ready-to-ship` among the tags overrides the stock; made to order wins,
/// as promising a shipping date we cannot keep is the worse mistake.
fn shipping_tag(tags: &[&str]) -> Option<bool> {
    let slugs: Vec<String> = tags.iter().map(|t| mapping::tag_slug(t)).collect();
    if slugs.iter().any(|s| s == "made-to-order") {
        Some(false)
    } else if slugs.iter().any(|s| s == "ready-to-ship") {
        Some(true)
    } else {
        None
    }
}

/// The CSV column a product field comes from.
fn column_of(field: &str) -> Col {
    match field {
        "title" => Col::Title,
        "description" => Col::Body,
        "price_cents" => Col::VariantPrice,
        "styles" => Col::Tags,
        "image_url" => Col::ImageSrc,
        "image_alt" => Col::ImageAltText,
        _ => Col::Handle,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_descriptions_are_cut_at_a_word_within_the_limit() {
        let cut = truncate("word ".repeat(2_000));
        assert!(cut.chars().count() <= MAX_DESCRIPTION_CHARS);
        assert!(cut.ends_with("word…"), "{}", &cut[cut.len() - 20..]);
        assert_eq!(truncate("short".to_string()), "short");
    }

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
        assert_eq!(
            styles(&["Vintage", "gold", "vintage", "Art Deco"]),
            ["vintage", "art-deco"]
        );
        // Every style the mapping knows, more than ten of them.
        let many: Vec<&str> = mapping::STYLE_TAGS.iter().map(|(tag, _)| *tag).collect();
        assert_eq!(styles(&many).len(), MAX_STYLES);
    }
}
