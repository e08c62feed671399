//! The storefront's pages as askama templates, and the view models they show.

use aurora_core::catalog::{Catalog, Category, Product};
use aurora_core::money::Currency;

/// Products per page of the home grid.
pub(super) const PAGE_SIZE: usize = 48;

/// How many related products the product page suggests.
const RELATED: usize = 4;

/// Where a page sits in the category navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Here {
    /// The listing of all jewelry.
    Everything,
    /// The listing of one category.
    Listing(Category),
    /// A page that is not a listing (a product, the 404).
    Elsewhere,
}

/// One link of the category navigation.
pub(super) struct NavLink {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

/// A product as a grid card shows it.
pub(super) struct Card {
    pub href: String,
    pub title: String,
    pub metal: &'static str,
    pub price: String,
    pub image_url: String,
    pub image_alt: String,
    pub ready_to_ship: bool,
}

/// One numbered link of the pagination.
pub(super) struct PageLink {
    pub number: usize,
    pub href: String,
    pub current: bool,
}

#[derive(askama::Template)]
#[template(path = "storefront/home.html")]
pub(super) struct HomePage {
    pub page_title: String,
    pub nav: Vec<NavLink>,
    pub heading: &'static str,
    pub total: usize,
    pub first_shown: usize,
    pub last_shown: usize,
    pub cards: Vec<Card>,
    pub pages: Vec<PageLink>,
    pub previous: Option<String>,
    pub next: Option<String>,
}

#[derive(askama::Template)]
#[template(path = "storefront/product.html")]
pub(super) struct ProductPage {
    pub page_title: String,
    pub nav: Vec<NavLink>,
    pub card: Card,
    pub description: String,
    pub category_label: &'static str,
    pub category_href: &'static str,
    pub styles: String,
    pub related: Vec<Card>,
}

#[derive(askama::Template)]
#[template(path = "storefront/not_found.html")]
pub(super) struct NotFoundPage {
    pub page_title: String,
    pub nav: Vec<NavLink>,
}

/// The home page: the catalog (or one category of it), page `page` (1-based, clamped).
pub(super) fn home(
    catalog: &Catalog,
    category: Option<Category>,
    page: usize,
    currency: Currency,
) -> HomePage {
    let mut products: Vec<&Product> = catalog
        .products()
        .iter()
        .filter(|p| category.is_none_or(|c| p.category == c))
        .collect();
    products.sort_by_key(|p| display_order(&p.id));
    let total = products.len();
    let page_count = total.div_ceil(PAGE_SIZE).max(1);
    let page = page.clamp(1, page_count);
    let start = (page - 1) * PAGE_SIZE;
    let cards: Vec<Card> = products
        .iter()
        .skip(start)
        .take(PAGE_SIZE)
        .map(|p| card(p, currency))
        .collect();
    let heading = category.map_or("All jewelry", Category::label);
    let page_title = match (category, page) {
        (None, 1) => "Gilded Grove — fine jewelry".to_string(),
        (None, n) => format!("All jewelry, page {n} — Gilded Grove"),
        (Some(c), 1) => format!("{} — Gilded Grove", c.label()),
        (Some(c), n) => format!("{}, page {n} — Gilded Grove", c.label()),
    };
    let href = |n: usize| page_href(category, n);
    HomePage {
        page_title,
        nav: nav(category.map_or(Here::Everything, Here::Listing)),
        heading,
        total,
        first_shown: if cards.is_empty() { 0 } else { start + 1 },
        last_shown: start + cards.len(),
        pages: if page_count > 1 {
            (1..=page_count)
                .map(|n| PageLink {
                    number: n,
                    href: href(n),
                    current: n == page,
                })
                .collect()
        } else {
            Vec::new()
        },
        previous: (page > 1).then(|| href(page - 1)),
        next: (page < page_count).then(|| href(page + 1)),
        cards,
    }
}

/// The page of one product, with a few others of the same category and metal.
pub(super) fn product(catalog: &Catalog, product: &Product, currency: Currency) -> ProductPage {
    let mut related: Vec<&Product> = catalog
        .products()
        .iter()
        .filter(|p| p.id != product.id && p.category == product.category)
        .collect();
    related.sort_by_key(|p| (p.metal != product.metal, display_order(&p.id)));
    let styles = product
        .styles
        .iter()
        .map(|s| capitalised(s))
        .collect::<Vec<_>>()
        .join(", ");
    ProductPage {
        page_title: format!("{} — Gilded Grove", product.title),
        nav: nav(Here::Elsewhere),
        card: card(product, currency),
        description: product.description.clone(),
        category_label: product.category.label(),
        category_href: category_href(Some(product.category)),
        styles,
        related: related
            .into_iter()
            .take(RELATED)
            .map(|p| card(p, currency))
            .collect(),
    }
}

/// The page for a product id that is not in the catalog.
pub(super) fn not_found() -> NotFoundPage {
    NotFoundPage {
        page_title: "Not found — Gilded Grove".to_string(),
        nav: nav(Here::Elsewhere),
    }
}

fn card(product: &Product, currency: Currency) -> Card {
    Card {
        href: format!("/products/{}", product.id),
        title: product.title.clone(),
        metal: product.metal.label(),
        price: currency.format(product.price),
        image_url: product.image_url.clone(),
        image_alt: product.image_alt.clone(),
        ready_to_ship: product.ready_to_ship,
    }
}

fn nav(here: Here) -> Vec<NavLink> {
    std::iter::once(NavLink {
        href: category_href(None),
        label: "All jewelry",
        current: here == Here::Everything,
    })
    .chain(Category::SHOPPER.into_iter().map(|c| NavLink {
        href: category_href(Some(c)),
        label: c.label(),
        current: here == Here::Listing(c),
    }))
    .collect()
}

fn category_href(category: Option<Category>) -> &'static str {
    match category {
        None => "/",
        Some(Category::Rings) => "/?category=rings",
        Some(Category::Necklaces) => "/?category=necklaces",
        Some(Category::Earrings) => "/?category=earrings",
        Some(Category::Bracelets) => "/?category=bracelets",
        Some(Category::Other) => "/?category=other",
    }
}

fn page_href(category: Option<Category>, page: usize) -> String {
    match (category, page) {
        (_, 1) => category_href(category).to_string(),
        (None, n) => format!("/?page={n}"),
        (Some(c), n) => format!("/?category={}&page={n}", c.as_str()),
    }
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// A stable "featured" order that mixes designs and metals, as a store's front page would,
/// rather than the id order (all of one metal first).
fn display_order(id: &str) -> u64 {
    id.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}
