//! The rows of one Shopify handle → a [`Draft`]: which column holds the category, the metal,
//! the prices, the stones and the images (the mapping of `docs/catalog-import.md`).

use super::{Col, Columns, OPTION_NAMES, OPTION_VALUES, Row, VARIANT_COLUMNS};
use crate::catalog::import::draft::{self, Cell, Draft, Variant};
use crate::catalog::import::mapping::{Mapping, Meaning, StoneField};
use crate::catalog::import::{ImportOptions, Item};

/// What each of a product's three options describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OptionRole {
    Metal,
    Stone(StoneField),
    /// Ring size, length, …: not something we keep.
    Other,
}

/// The product of one handle's rows (`rows` are the handle's, first row first).
pub(super) fn build(
    handle: &str,
    first_line: u64,
    rows: &[Row],
    columns: &Columns,
    options: &ImportOptions,
) -> Item {
    let Some(first) = rows.first() else {
        return Item::Invalid(Vec::new());
    };
    let mapping = &options.mapping;
    let name = |col: Col| columns.names[col as usize];
    let roles: Vec<OptionRole> = (0..3).map(|i| role(mapping, i, rows)).collect();
    let variants = rows
        .iter()
        .filter(|row| VARIANT_COLUMNS.iter().any(|&col| !row.get(col).is_empty()))
        .map(|row| {
            let option =
                |i: usize| Cell::new(row.get(OPTION_VALUES[i]), row.line, name(OPTION_VALUES[i]));
            Variant {
                price: Cell::new(
                    row.get(Col::VariantPrice),
                    row.line,
                    name(Col::VariantPrice),
                ),
                metal: (0..3)
                    .filter(|&i| roles[i] == OptionRole::Metal)
                    .map(option)
                    .collect(),
                in_stock: false,
                stock: Some(Cell::new(
                    row.get(Col::VariantInventoryQty),
                    row.line,
                    name(Col::VariantInventoryQty),
                )),
                image: row.get(Col::VariantImage),
                stones: (0..3)
                    .filter_map(|i| match roles[i] {
                        OptionRole::Stone(field) => Some((field, option(i))),
                        _ => None,
                    })
                    .collect(),
            }
        })
        .collect();
    let metafield = |at: usize| {
        let (_, name, _) = &columns.metafields[at];
        Cell::new(&first.metafields[at], first.line, name)
    };
    let metal_texts = (0..columns.metafields.len())
        .filter(|&at| columns.metafields[at].2 == Meaning::Metal)
        .map(metafield)
        .collect();
    let stones = (0..columns.metafields.len())
        .filter_map(|at| match columns.metafields[at].2 {
            Meaning::Stone(field) => Some((field, metafield(at))),
            Meaning::Metal => None,
        })
        .collect();
    let draft = Draft {
        row: first_line,
        id: Cell::new(handle, first_line, name(Col::Handle)),
        title: Cell::new(first.get(Col::Title), first.line, name(Col::Title)),
        description: first.get(Col::Body),
        category_texts: [Col::Type, Col::ProductCategory]
            .into_iter()
            .map(|col| Cell::new(first.get(col), first.line, name(col)))
            .filter(|cell| !cell.text.is_empty())
            .collect(),
        tags: draft::tags(first.get(Col::Tags)),
        metal_texts,
        stones,
        variants,
        images: rows
            .iter()
            .map(|row| (row.get(Col::ImageSrc), row.get(Col::ImageAltText)))
            .filter(|(url, _)| !url.is_empty())
            .collect(),
        image_column: name(Col::ImageSrc),
        price_column: name(Col::VariantPrice),
        tags_column: name(Col::Tags),
        url: format!("/products/{}", handle.to_lowercase()),
        platform_id: None,
    };
    draft::build(&draft, options)
}

/// What option `i` describes: named Metal or Material, or with values that are all metals
/// ("Color: Rose Gold") → the metal; named as a stone detail → that; else something we ignore.
/// Option names may appear on the first row only.
fn role(mapping: &Mapping, i: usize, rows: &[Row]) -> OptionRole {
    let name = rows
        .iter()
        .map(|row| row.get(OPTION_NAMES[i]))
        .find(|n| !n.is_empty())
        .unwrap_or("");
    let mut values = rows
        .iter()
        .map(|row| row.get(OPTION_VALUES[i]))
        .filter(|v| !v.is_empty())
        .peekable();
    if name.is_empty() || values.peek().is_none() {
        return OptionRole::Other;
    }
    if mapping.is_metal_option(name) || values.all(|v| mapping.metal_of_value(v).is_some()) {
        return OptionRole::Metal;
    }
    match mapping.stone_field(name) {
        Some(field) => OptionRole::Stone(field),
        None => OptionRole::Other,
    }
}
