//! Product search over one catalog snapshot: structured filters, typo-tolerant free text ranked by
//! tantivy (BM25), price sorts, and what to offer when nothing matches.
//!
//! A [`SearchIndex`] is built once per [`Catalog`] snapshot and never changes; when an import bumps
//! the catalog version the server builds a new one from the new snapshot and swaps it in, so the
//! index follows the catalog without a restart.
//!
//! Filters run on the snapshot in Rust. A query without text never touches tantivy: it walks an
//! order precomputed at build time and clones only the page it returns.

mod alternatives;
mod describe;
mod filter;
mod text;

pub use alternatives::{Alternatives, PriceHint, Relaxation, Relaxed, similar_metal};
pub use describe::describe;

use super::{Catalog, Category, Metal, Product};
use crate::money::Money;
use filter::{Filter, Rows};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::sync::Arc;
use text::TextIndex;

/// Structured filters plus free text. Prices in cents.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductQuery {
    /// Only this category; `None` means any.
    pub category: Option<Category>,
    /// Only this finer type (`Product::kind`, any case: `hoops`, `engagement ring`); `None`
    /// means any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Any of these metals; empty means any metal.
    pub metals: Vec<Metal>,
    /// Inclusive lower bound (`min_price_cents` in a stored conversation state).
    #[serde(rename = "min_price_cents")]
    pub min_price: Option<Money>,
    /// Inclusive upper bound (`max_price_cents` in a stored conversation state).
    #[serde(rename = "max_price_cents")]
    pub max_price: Option<Money>,
    /// `true` keeps only products that ship now.
    pub ready_to_ship: bool,
    /// Any of these style tags (lowercase); empty means any style.
    pub styles: Vec<String>,
    /// Free text, typo tolerant.
    pub text: Option<String>,
    /// Whether products in the `other` category count when no category is asked for: yes for
    /// the products API, no in a conversation (which never offers them).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub include_other: bool,
}

/// The order of results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// Text score when there is text, else featured: ready to ship first, then cheapest.
    #[default]
    Relevance,
    /// Cheapest first, ties by id.
    PriceAsc,
    /// Dearest first, ties by id.
    PriceDesc,
    /// Most recently added first (`Product::added_at`; unknown dates last), ties by id.
    Newest,
}

/// One page of results and how many products matched in all.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SearchResults<'a> {
    /// The requested page, borrowed from the index's catalog.
    pub products: Vec<&'a Product>,
    /// Every match, across all pages.
    pub total: usize,
}

/// Building the text index failed.
#[derive(Debug, thiserror::Error)]
#[error("building the product search index failed: {0}")]
pub struct SearchError(#[from] tantivy::TantivyError);

/// The search index of one catalog snapshot. Immutable, `Send + Sync`: share it in an `Arc`.
pub struct SearchIndex {
    catalog: Arc<Catalog>,
    rows: Rows,
    /// Product positions in featured order (ready to ship first, then price, then id).
    featured: Order,
    /// For each product position, its rank in `featured`: the tie-break of equal text scores.
    featured_rank: Vec<u32>,
    /// Product positions by price, cheapest first, ties by id.
    by_price_asc: Order,
    /// Product positions by price, dearest first, ties by id.
    by_price_desc: Order,
    /// Product positions newest first, ties by id.
    newest: Order,
    /// For each product position, its rank in `newest`.
    newest_rank: Vec<u32>,
    text: TextIndex,
}

/// Product positions in one order: all of them, and each category's on its own, so a search
/// in one category walks only that category.
struct Order {
    all: Vec<u32>,
    by_category: [Vec<u32>; Category::ALL.len()],
}

impl Order {
    fn new(all: Vec<u32>, products: &[Product]) -> Order {
        let by_category = Category::ALL.map(|category| {
            all.iter()
                .copied()
                .filter(|&i| products[i as usize].category == category)
                .collect()
        });
        Order { all, by_category }
    }

    fn positions(&self, category: Option<Category>) -> &[u32] {
        match category {
            Some(category) => &self.by_category[category as usize],
            None => &self.all,
        }
    }
}

/// For each product position, its rank in `order` (a permutation of the positions).
fn ranks(order: &[u32]) -> Vec<u32> {
    let mut rank = vec![0; order.len()];
    for (r, &i) in (0u32..).zip(order) {
        rank[i as usize] = r;
    }
    rank
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("catalog_version", &self.catalog.version())
            .field("products", &self.catalog.products().len())
            .finish_non_exhaustive()
    }
}

impl SearchIndex {
    /// Indexes `catalog` in RAM: title, description, styles and the category and metal words.
    pub fn build(catalog: Arc<Catalog>) -> Result<SearchIndex, SearchError> {
        let products = catalog.products();
        let rows = Rows::new(products);
        let positions = || 0..u32::try_from(products.len()).unwrap_or(u32::MAX);
        let price = |i: u32| rows.price(i);

        let mut featured: Vec<u32> = positions().collect();
        featured.sort_by_key(|&i| (!rows.ready_to_ship(i), price(i), i));
        let featured_rank = ranks(&featured);
        let featured = Order::new(featured, products);
        let mut by_price_asc: Vec<u32> = positions().collect();
        by_price_asc.sort_by_key(|&i| (price(i), i));
        let mut by_price_desc: Vec<u32> = positions().collect();
        by_price_desc.sort_by_key(|&i| (std::cmp::Reverse(price(i)), i));
        let by_price_asc = Order::new(by_price_asc, products);
        let by_price_desc = Order::new(by_price_desc, products);
        let mut newest: Vec<u32> = positions().collect();
        newest.sort_by_key(|&i| (std::cmp::Reverse(products[i as usize].added_at), i));
        let newest_rank = ranks(&newest);
        let newest = Order::new(newest, products);

        let text = TextIndex::build(products)?;
        Ok(SearchIndex {
            catalog,
            rows,
            featured,
            featured_rank,
            by_price_asc,
            by_price_desc,
            newest,
            newest_rank,
            text,
        })
    }

    /// The catalog version of the snapshot this index was built from.
    pub fn catalog_version(&self) -> i64 {
        self.catalog.version()
    }

    /// The snapshot this index was built from.
    pub fn catalog(&self) -> &Arc<Catalog> {
        &self.catalog
    }

    /// Products matching `query`, best first, from `offset`, at most `limit`.
    ///
    /// `Relevance` is the text score when there is text (ties in featured order), else the
    /// featured order. Price sorts break ties by id, so pages never overlap or skip.
    pub fn search(
        &self,
        query: &ProductQuery,
        sort: Sort,
        offset: usize,
        limit: usize,
    ) -> SearchResults<'_> {
        let filter = Filter::new(query, &self.rows);
        match self.text.words(query.text.as_deref()) {
            Some(words) => self.search_text(&filter, &words, sort, offset, limit),
            None => self.search_filters(&filter, query.category, sort, offset, limit),
        }
    }

    /// When `query` matches nothing: the nearest price and queries with one filter relaxed.
    pub fn alternatives(&self, query: &ProductQuery, limit: usize) -> Alternatives {
        alternatives::alternatives(self, query, limit)
    }

    /// No text: walk a precomputed order, count every match, clone only the page.
    fn search_filters(
        &self,
        filter: &Filter,
        category: Option<Category>,
        sort: Sort,
        offset: usize,
        limit: usize,
    ) -> SearchResults<'_> {
        let order = match sort {
            Sort::Relevance => &self.featured,
            Sort::PriceAsc => &self.by_price_asc,
            Sort::PriceDesc => &self.by_price_desc,
            Sort::Newest => &self.newest,
        }
        .positions(category);
        let products = self.catalog.products();
        let end = offset.saturating_add(limit);
        let mut page = Vec::with_capacity(limit.min(64));
        let mut total = 0;
        for &i in order {
            if filter.matches(&self.rows, i) {
                if (offset..end).contains(&total) {
                    page.push(&products[i as usize]);
                }
                total += 1;
            }
        }
        SearchResults {
            products: page,
            total,
        }
    }

    /// Text: tantivy scores the matching documents; filters drop hits before they are kept.
    fn search_text(
        &self,
        filter: &Filter,
        words: &[String],
        sort: Sort,
        offset: usize,
        limit: usize,
    ) -> SearchResults<'_> {
        // An in-RAM index read after a successful build cannot fail short of a tantivy bug;
        // such a failure reads as "no match" rather than taking the shop's search down.
        let mut hits = self
            .text
            .hits(words, |i| filter.matches(&self.rows, i))
            .unwrap_or_default();
        let total = hits.len();
        let cmp = |a: &(u32, f32), b: &(u32, f32)| self.compare_hits(sort, a, b);
        let end = offset.saturating_add(limit).min(total);
        if end < total {
            // Only the first `end` need to be in order.
            hits.select_nth_unstable_by(end, cmp);
            hits.truncate(end);
        }
        hits.sort_unstable_by(cmp);
        let products = self.catalog.products();
        SearchResults {
            products: hits
                .iter()
                .skip(offset)
                .map(|&(i, _)| &products[i as usize])
                .collect(),
            total,
        }
    }

    /// A total order on hits: unique positions break every tie.
    fn compare_hits(&self, sort: Sort, a: &(u32, f32), b: &(u32, f32)) -> Ordering {
        let price = |i: u32| self.rows.price(i);
        match sort {
            Sort::Relevance => b.1.total_cmp(&a.1).then_with(|| {
                self.featured_rank[a.0 as usize].cmp(&self.featured_rank[b.0 as usize])
            }),
            Sort::PriceAsc => price(a.0).cmp(&price(b.0)).then(a.0.cmp(&b.0)),
            Sort::PriceDesc => price(b.0).cmp(&price(a.0)).then(a.0.cmp(&b.0)),
            Sort::Newest => self.newest_rank[a.0 as usize].cmp(&self.newest_rank[b.0 as usize]),
        }
    }

    /// Calls `f` with the position of every product matching `query` (any order).
    fn for_each_match(&self, query: &ProductQuery, mut f: impl FnMut(u32)) {
        let filter = Filter::new(query, &self.rows);
        match self.text.words(query.text.as_deref()) {
            Some(words) => {
                let hits = self
                    .text
                    .hits(&words, |i| filter.matches(&self.rows, i))
                    .unwrap_or_default();
                hits.iter().for_each(|&(i, _)| f(i));
            }
            None => (0..self.featured_rank.len())
                .filter_map(|i| u32::try_from(i).ok())
                .filter(|&i| filter.matches(&self.rows, i))
                .for_each(f),
        }
    }
}
