//! What to offer when a query matches nothing: where the prices actually are, and the same query
//! with one filter relaxed at a time, closest first.

use super::{ProductQuery, SearchIndex, Sort};
use crate::catalog::{Metal, Product};
use crate::money::Money;
use serde::Serialize;

/// The nearest things to a query that matched nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Alternatives {
    /// Where prices of otherwise matching products lie, when the price bounds are what failed.
    pub price_hint: Option<PriceHint>,
    /// The query with one filter swapped or dropped, closest first; only those with products.
    pub relaxations: Vec<Relaxation>,
}

/// Prices of the products that match the query without its price bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum PriceHint {
    /// All are dearer than the maximum: "platinum rings start at $449".
    StartsAt {
        #[serde(rename = "price_cents")]
        price: Money,
    },
    /// All are cheaper than the minimum: "silver necklaces top out at $249".
    TopsOutAt {
        #[serde(rename = "price_cents")]
        price: Money,
    },
    /// Some are cheaper, some dearer than a range that holds none: the nearest on each side.
    Around {
        #[serde(rename = "below_cents")]
        below: Money,
        #[serde(rename = "above_cents")]
        above: Money,
    },
}

/// Which filter a [`Relaxation`] changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Relaxed {
    /// Swapped for the most similar metal, or dropped when that has nothing either.
    Metal,
    /// Price bounds dropped; products come nearest to the budget first.
    Price,
    /// Made-to-order products admitted too.
    ReadyToShip,
    /// Any style.
    Style,
    /// Any type within the category ("earrings" for "hoops").
    Kind,
    /// Any category.
    Category,
    /// The free text dropped.
    Text,
}

/// The original query with one filter relaxed, and what it finds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Relaxation {
    /// The one filter that differs from the original query.
    pub relaxed: Relaxed,
    /// The relaxed query, to describe it or to fetch more.
    pub query: ProductQuery,
    /// The order `products` are in (nearest to the budget first for [`Relaxed::Price`]).
    pub sort: Sort,
    /// The first products of `query`.
    pub products: Vec<Product>,
    /// Every match of `query`.
    pub total: usize,
}

/// The metal a shopper who wanted `metal` is most likely to accept: same colour, nearest price.
pub fn similar_metal(metal: Metal) -> Metal {
    match metal {
        Metal::Platinum | Metal::Silver => Metal::WhiteGold,
        Metal::WhiteGold => Metal::Platinum,
        Metal::YellowGold => Metal::RoseGold,
        Metal::RoseGold => Metal::YellowGold,
    }
}

pub(super) fn alternatives(
    index: &SearchIndex,
    query: &ProductQuery,
    limit: usize,
) -> Alternatives {
    let price_hint = price_hint(index, query);
    let relaxed = |relaxed: Relaxed, query: ProductQuery, sort: Sort| {
        let found = index.search(&query, sort, 0, limit);
        (found.total > 0).then_some(Relaxation {
            relaxed,
            query,
            sort,
            products: found.products.into_iter().cloned().collect(),
            total: found.total,
        })
    };
    let mut relaxations = Vec::new();

    if !query.metals.is_empty() {
        let mut similar: Vec<Metal> = Vec::new();
        for metal in query.metals.iter().map(|&m| similar_metal(m)) {
            if !query.metals.contains(&metal) && !similar.contains(&metal) {
                similar.push(metal);
            }
        }
        let swapped = (!similar.is_empty())
            .then(|| {
                let swapped = ProductQuery {
                    metals: similar,
                    ..query.clone()
                };
                relaxed(Relaxed::Metal, swapped, Sort::Relevance)
            })
            .flatten();
        let metal = swapped.or_else(|| {
            let dropped = ProductQuery {
                metals: Vec::new(),
                ..query.clone()
            };
            relaxed(Relaxed::Metal, dropped, Sort::Relevance)
        });
        relaxations.extend(metal);
    }
    if query.min_price.is_some() || query.max_price.is_some() {
        // Nearest the budget first: cheapest when the shopper had a ceiling, dearest when only
        // a floor was too high.
        let sort = match (query.max_price, price_hint) {
            (_, Some(PriceHint::TopsOutAt { .. })) | (None, _) => Sort::PriceDesc,
            _ => Sort::PriceAsc,
        };
        let unbounded = ProductQuery {
            min_price: None,
            max_price: None,
            ..query.clone()
        };
        relaxations.extend(relaxed(Relaxed::Price, unbounded, sort));
    }
    if query.ready_to_ship {
        let made_to_order = ProductQuery {
            ready_to_ship: false,
            ..query.clone()
        };
        relaxations.extend(relaxed(
            Relaxed::ReadyToShip,
            made_to_order,
            Sort::Relevance,
        ));
    }
    if !query.styles.is_empty() {
        let any_style = ProductQuery {
            styles: Vec::new(),
            ..query.clone()
        };
        relaxations.extend(relaxed(Relaxed::Style, any_style, Sort::Relevance));
    }
    if query.kind.is_some() {
        let any_kind = ProductQuery {
            kind: None,
            ..query.clone()
        };
        relaxations.extend(relaxed(Relaxed::Kind, any_kind, Sort::Relevance));
    }
    if query.category.is_some() {
        let any_category = ProductQuery {
            category: None,
            kind: None,
            ..query.clone()
        };
        relaxations.extend(relaxed(Relaxed::Category, any_category, Sort::Relevance));
    }
    // Last: the shopper's own words are usually the most specific thing they asked for.
    if query.text.is_some() {
        let no_text = ProductQuery {
            text: None,
            ..query.clone()
        };
        relaxations.extend(relaxed(Relaxed::Text, no_text, Sort::Relevance));
    }
    Alternatives {
        price_hint,
        relaxations,
    }
}

/// Where the prices are when the bounds of `query` shut out everything that otherwise matches.
fn price_hint(index: &SearchIndex, query: &ProductQuery) -> Option<PriceHint> {
    if query.min_price.is_none() && query.max_price.is_none() {
        return None;
    }
    let min = query.min_price.map_or(i64::MIN, Money::minor);
    let max = query.max_price.map_or(i64::MAX, Money::minor);
    let unbounded = ProductQuery {
        min_price: None,
        max_price: None,
        ..query.clone()
    };
    let mut dearest_below: Option<i64> = None;
    let mut cheapest_above: Option<i64> = None;
    let mut inside = false;
    index.for_each_match(&unbounded, |i| {
        let price = index.rows.price(i);
        if price < min {
            dearest_below = dearest_below.max(Some(price));
        } else if price > max {
            cheapest_above = Some(cheapest_above.map_or(price, |c| c.min(price)));
        } else {
            inside = true;
        }
    });
    if inside {
        return None;
    }
    match (dearest_below, cheapest_above) {
        (Some(below), Some(above)) => Some(PriceHint::Around {
            below: Money::from_minor(below),
            above: Money::from_minor(above),
        }),
        (None, Some(price)) => Some(PriceHint::StartsAt {
            price: Money::from_minor(price),
        }),
        (Some(price), None) => Some(PriceHint::TopsOutAt {
            price: Money::from_minor(price),
        }),
        (None, None) => None,
    }
}
