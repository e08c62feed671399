//! Turns the designs into products: one per design and metal, priced and described.

use super::designs::{DESIGNS, Design, Kind};
use super::words;
use crate::catalog::import::Mapping;
use crate::catalog::{Metal, Product, Stones};
use crate::money::Money;

/// The four precious metals every design is made in.
const PRECIOUS: [Metal; 4] = [
    Metal::YellowGold,
    Metal::WhiteGold,
    Metal::RoseGold,
    Metal::Platinum,
];

/// Out of 100, how many regular products are in stock (the rest are made to order).
const IN_STOCK_PERCENT: u64 = 33;

/// The demo catalog: every design in every precious metal, plus silver where the design allows.
/// Each design's finer type comes from its name, as an import would give it; the designs were
/// added a day apart, in the order they are listed, from [`FIRST_ADDED`].
pub fn products() -> Vec<Product> {
    let mapping = Mapping::default();
    (0..)
        .zip(DESIGNS)
        .flat_map(|(day, design)| {
            let silver = design.silver.then_some(Metal::Silver);
            let kind = mapping
                .category_in(design.name)
                .and_then(|(_, kind)| kind.map(str::to_string));
            let added_at = FIRST_ADDED + chrono::Duration::days(day);
            PRECIOUS
                .into_iter()
                .chain(silver)
                .map(move |metal| Product {
                    kind: kind.clone(),
                    added_at: Some(added_at),
                    ..product(design, metal)
                })
        })
        .collect()
}

/// When the first demo design was added to the store.
const FIRST_ADDED: chrono::DateTime<chrono::Utc> =
    chrono::DateTime::from_timestamp_nanos(1_767_225_600_000_000_000);

fn product(design: &Design, metal: Metal) -> Product {
    let karat = if words::is_gold(metal) {
        format!("{}k ", design.karat)
    } else {
        String::new()
    };
    let title = format!("{karat}{} {}", words::title_name(metal), design.name);
    let id = slug(&title);
    let salt = fnv1a(&id);
    let metal_prose = format!("{karat}{}", words::prose_name(metal));
    let dollars = design.base_dollars * words::price_percent(metal) / 100;
    let ready_to_ship = design.kind == Kind::Regular && salt % 100 < IN_STOCK_PERCENT;
    Product {
        description: design.text.replace("{metal}", &metal_prose),
        category: design.category,
        metal,
        price: Money::from_minor(words::retail_dollars(dollars, salt >> 8) * 100),
        ready_to_ship,
        styles: design.styles.iter().map(|s| (*s).to_string()).collect(),
        image_url: format!(
            "/demo/images/{}-{}.svg",
            design.category.as_str(),
            metal.as_str()
        ),
        image_alt: alt_text(design.alt, metal),
        url: format!("/products/{id}"),
        price_max: None,
        metals: Vec::new(),
        kind: None,
        stones: Stones::default(),
        platform_id: None,
        added_at: None,
        title,
        id,
    }
}

/// `Rose gold halo engagement ring…`, or the design's alt with the metal where it says `{metal}`.
fn alt_text(alt: &str, metal: Metal) -> String {
    let text = if alt.contains("{metal}") {
        alt.replace("{metal}", words::prose_name(metal))
    } else {
        format!("{} {alt}", words::alt_name(metal))
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => text,
    }
}

/// `18k Rose Gold Pavé Halo Engagement Ring` → `18k-rose-gold-pave-halo-engagement-ring`.
pub(super) fn slug(title: &str) -> String {
    let mut out = String::with_capacity(title.len());
    for ch in title.chars() {
        let ch = match ch {
            'é' | 'è' | 'ê' | 'É' => 'e',
            other => other.to_ascii_lowercase(),
        };
        if ch.is_ascii_lowercase() || ch.is_ascii_digit() {
            out.push(ch);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// A stable hash, so stock and price style vary by product but never between runs.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}
