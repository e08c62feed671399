//! The structured filters, checked against a compact copy of each product's filterable fields.

use super::ProductQuery;
use crate::catalog::{Category, Metal, Product};
use crate::money::Money;
use std::collections::HashMap;

/// Style ids below this get a bit in a mask; rarer styles (big imported catalogs) fall back to
/// a list. Ids are given by frequency, so the common tags are the cheap ones.
const MASK_BITS: u32 = 64;

/// What a filter needs of one product: 32 bytes, so a scan of 10,000 stays in cache.
#[derive(Debug, Clone, Copy)]
struct Row {
    /// The lowest and highest price of its variants.
    price_cents: i64,
    price_max_cents: i64,
    style_mask: u64,
    category: u8,
    /// A bit per metal it comes in.
    metals: u8,
    /// Its finer type's id in `Rows::kind_ids`; 0 for none.
    kind: u16,
    ready_to_ship: bool,
    /// Has styles beyond the mask, listed in `Rows::rare_styles`.
    rare: bool,
}

/// The filterable fields of every product of a snapshot, by position, plus the style dictionary.
#[derive(Debug, Clone)]
pub(super) struct Rows {
    rows: Vec<Row>,
    rare_styles: HashMap<u32, Vec<u32>>,
    style_ids: HashMap<String, u32>,
    /// Each finer type (lowercase) and its id, from 1.
    kind_ids: HashMap<String, u16>,
}

fn metal_bit(metal: Metal) -> u8 {
    1 << (metal as u8)
}

fn category_bit(category: Category) -> u8 {
    1 << (category as u8)
}

impl Rows {
    pub(super) fn new(products: &[Product]) -> Rows {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for style in products.iter().flat_map(|p| &p.styles) {
            *counts.entry(style.as_str()).or_default() += 1;
        }
        let mut by_frequency: Vec<(&str, usize)> = counts.into_iter().collect();
        by_frequency.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let style_ids: HashMap<String, u32> = (0u32..)
            .zip(by_frequency)
            .map(|(id, (style, _))| (style.to_string(), id))
            .collect();

        let mut kind_ids: HashMap<String, u16> = HashMap::new();
        let mut kind_id = |kind: &str| {
            let next = u16::try_from(kind_ids.len() + 1).unwrap_or(u16::MAX);
            *kind_ids.entry(kind.trim().to_lowercase()).or_insert(next)
        };
        let mut rare_styles = HashMap::new();
        let rows = (0u32..)
            .zip(products)
            .map(|(position, p)| {
                let mut mask = 0;
                let mut rare = Vec::new();
                for id in p.styles.iter().filter_map(|s| style_ids.get(s.as_str())) {
                    add_style(&mut mask, &mut rare, *id);
                }
                let has_rare = !rare.is_empty();
                if has_rare {
                    rare_styles.insert(position, rare);
                }
                let (price, price_max) = p.price_range();
                Row {
                    price_cents: price.minor(),
                    price_max_cents: price_max.minor(),
                    style_mask: mask,
                    category: category_bit(p.category),
                    metals: p.all_metals().into_iter().fold(0, |b, m| b | metal_bit(m)),
                    kind: p.kind.as_deref().map_or(0, &mut kind_id),
                    ready_to_ship: p.ready_to_ship,
                    rare: has_rare,
                }
            })
            .collect();
        Rows {
            rows,
            rare_styles,
            style_ids,
            kind_ids,
        }
    }

    pub(super) fn price(&self, i: u32) -> i64 {
        self.rows[i as usize].price_cents
    }

    pub(super) fn ready_to_ship(&self, i: u32) -> bool {
        self.rows[i as usize].ready_to_ship
    }
}

fn add_style(mask: &mut u64, rare: &mut Vec<u32>, id: u32) {
    if id < MASK_BITS {
        *mask |= 1 << id;
    } else {
        rare.push(id);
    }
}

/// A [`ProductQuery`]'s structured part, resolved against one snapshot's [`Rows`].
#[derive(Debug, Clone)]
pub(super) struct Filter {
    /// Bit per category or metal allowed; all ones when any is.
    categories: u8,
    metals: u8,
    min_price_cents: i64,
    max_price_cents: i64,
    ready_to_ship: bool,
    /// The finer type's id; `None` for any type, `Some(0)` for one no product has.
    kind: Option<u16>,
    /// Whether a style is required; with nothing in `style_mask` and `rare_styles` when the
    /// catalog has none of the styles asked for.
    any_style: bool,
    style_mask: u64,
    rare_styles: Vec<u32>,
}

impl Filter {
    pub(super) fn new(query: &ProductQuery, rows: &Rows) -> Filter {
        let mut style_mask = 0;
        let mut rare_styles = Vec::new();
        for style in &query.styles {
            let id = match rows.style_ids.get(style.as_str()) {
                Some(id) => Some(*id),
                // Tags are lowercase; forgive a caller that did not normalise.
                None => rows
                    .style_ids
                    .get(style.trim().to_lowercase().as_str())
                    .copied(),
            };
            if let Some(id) = id {
                add_style(&mut style_mask, &mut rare_styles, id);
            }
        }
        let bits = |bits: u8| if bits == 0 { u8::MAX } else { bits };
        Filter {
            categories: match query.category {
                Some(category) => category_bit(category),
                None if query.include_other => u8::MAX,
                None => Category::SHOPPER
                    .iter()
                    .fold(0, |b, &c| b | category_bit(c)),
            },
            metals: bits(query.metals.iter().fold(0, |b, &m| b | metal_bit(m))),
            min_price_cents: query.min_price.map_or(i64::MIN, Money::minor),
            max_price_cents: query.max_price.map_or(i64::MAX, Money::minor),
            ready_to_ship: query.ready_to_ship,
            kind: query.kind.as_deref().map(|kind| {
                let kind = kind.trim().to_lowercase();
                rows.kind_ids.get(&kind).copied().unwrap_or(0)
            }),
            any_style: query.styles.is_empty(),
            style_mask,
            rare_styles,
        }
    }

    /// Whether the product at position `i` passes every filter.
    #[inline]
    pub(super) fn matches(&self, rows: &Rows, i: u32) -> bool {
        let row = &rows.rows[i as usize];
        // `&` rather than `&&`: no branches to mispredict on a scan of the whole catalog.
        let fields = (self.categories & row.category != 0)
            & (self.metals & row.metals != 0)
            // The product's price range meets the range asked for.
            & (self.min_price_cents <= row.price_max_cents)
            & (row.price_cents <= self.max_price_cents)
            & (row.ready_to_ship | !self.ready_to_ship)
            & self.kind.is_none_or(|kind| kind != 0 && kind == row.kind);
        fields
            && (self.any_style
                || self.style_mask & row.style_mask != 0
                || (row.rare && self.rare_match(rows, i)))
    }

    #[cold]
    fn rare_match(&self, rows: &Rows, i: u32) -> bool {
        rows.rare_styles
            .get(&i)
            .is_some_and(|ids| ids.iter().any(|id| self.rare_styles.contains(id)))
    }
}

#[cfg(test)]
mod tests {
    use super::{Filter, MASK_BITS, Rows};
    use crate::catalog::search::ProductQuery;

    #[test]
    fn styles_beyond_the_mask_still_filter() {
        let mut products = crate::demo::products();
        // Every product gets its own tag: far more distinct styles than mask bits.
        for (i, p) in products.iter_mut().enumerate() {
            p.styles.push(format!("tag-{i}"));
        }
        assert!(products.len() > MASK_BITS as usize * 2);
        let rows = Rows::new(&products);
        let query = |styles: &[&str]| ProductQuery {
            styles: styles.iter().map(|s| (*s).to_string()).collect(),
            ..ProductQuery::default()
        };
        for styles in [
            &["tag-300"][..],
            &["tag-7", "tag-250"],
            &["Tag-300 "],
            &["vintage"],
        ] {
            let filter = Filter::new(&query(styles), &rows);
            let got: Vec<u32> = (0u32..)
                .zip(&products)
                .filter(|(i, _)| filter.matches(&rows, *i))
                .map(|(i, _)| i)
                .collect();
            let expected: Vec<u32> = (0u32..)
                .zip(&products)
                .filter(|(_, p)| {
                    p.styles
                        .iter()
                        .any(|s| styles.iter().any(|w| w.trim().to_lowercase() == *s))
                })
                .map(|(i, _)| i)
                .collect();
            assert!(!expected.is_empty());
            assert_eq!(got, expected, "{styles:?}");
        }
    }
}
