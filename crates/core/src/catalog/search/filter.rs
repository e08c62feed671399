//! The structured filters, checked against a compact copy of each product's filterable fields.

use super::ProductQuery;
use crate::catalog::{Category, Metal, Product};
use std::collections::HashMap;

/// Style ids below this get a bit in a mask; rarer styles (big imported catalogs) fall back to
/// a list. Ids are given by frequency, so the common tags are the cheap ones.
const MASK_BITS: u32 = 64;

/// What a filter needs of one product, kept apart from `Product` so a scan stays in cache.
#[derive(Debug, Clone)]
struct Row {
    category: Category,
    metal: u8,
    price_cents: i64,
    ready_to_ship: bool,
    style_mask: u64,
    rare_styles: Vec<u32>,
}

/// The filterable fields of every product of a snapshot, by position, plus the style dictionary.
#[derive(Debug, Clone)]
pub(super) struct Rows {
    rows: Vec<Row>,
    style_ids: HashMap<String, u32>,
}

fn metal_bit(metal: Metal) -> u8 {
    1 << (metal as u8)
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

        let rows = products
            .iter()
            .map(|p| {
                let mut row = Row {
                    category: p.category,
                    metal: metal_bit(p.metal),
                    price_cents: p.price_cents,
                    ready_to_ship: p.ready_to_ship,
                    style_mask: 0,
                    rare_styles: Vec::new(),
                };
                for id in p.styles.iter().filter_map(|s| style_ids.get(s.as_str())) {
                    add_style(&mut row.style_mask, &mut row.rare_styles, *id);
                }
                row
            })
            .collect();
        Rows { rows, style_ids }
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
    category: Option<Category>,
    /// 0 = any metal.
    metals: u8,
    min_price_cents: i64,
    max_price_cents: i64,
    ready_to_ship: bool,
    /// `None` = any style; `Some` with nothing in it = a style the catalog does not have.
    styles: Option<(u64, Vec<u32>)>,
}

impl Filter {
    pub(super) fn new(query: &ProductQuery, rows: &Rows) -> Filter {
        let styles = (!query.styles.is_empty()).then(|| {
            let mut mask = 0;
            let mut rare = Vec::new();
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
                    add_style(&mut mask, &mut rare, id);
                }
            }
            (mask, rare)
        });
        Filter {
            category: query.category,
            metals: query.metals.iter().fold(0, |bits, &m| bits | metal_bit(m)),
            min_price_cents: query.min_price_cents.unwrap_or(i64::MIN),
            max_price_cents: query.max_price_cents.unwrap_or(i64::MAX),
            ready_to_ship: query.ready_to_ship,
            styles,
        }
    }

    /// Whether the product at position `i` passes every filter.
    #[inline]
    pub(super) fn matches(&self, rows: &Rows, i: u32) -> bool {
        let row = &rows.rows[i as usize];
        self.category.is_none_or(|c| c == row.category)
            && (self.metals == 0 || self.metals & row.metal != 0)
            && (self.min_price_cents..=self.max_price_cents).contains(&row.price_cents)
            && (!self.ready_to_ship || row.ready_to_ship)
            && self.styles.as_ref().is_none_or(|(mask, rare)| {
                mask & row.style_mask != 0 || row.rare_styles.iter().any(|id| rare.contains(id))
            })
    }
}
