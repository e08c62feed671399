#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::designs::{DESIGNS, Kind};
use super::orders::SPECS;
use super::{orders, products};
use crate::catalog::{Category, Metal, Product};
use crate::concierge::STYLES;
use crate::email::Email;
use crate::orders::{Order, OrderStatus};
use chrono::{DateTime, TimeZone, Utc};
use std::collections::{HashMap, HashSet};

const DOLLAR: i64 = 100;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 11, 25, 18, 0, 0).unwrap()
}

fn catalog() -> HashMap<String, Product> {
    products().into_iter().map(|p| (p.id.clone(), p)).collect()
}

#[test]
fn the_demo_catalog_has_at_least_300_products() {
    assert!(products().len() >= 300, "{}", products().len());
}

#[test]
fn products_are_the_same_on_every_call() {
    assert_eq!(products(), products());
    assert_eq!(orders(now()), orders(now()));
}

#[test]
fn every_category_comes_in_yellow_white_and_rose_gold_and_platinum() {
    let combos: HashSet<(Category, Metal)> =
        products().iter().map(|p| (p.category, p.metal)).collect();
    for category in Category::SHOPPER {
        for metal in [
            Metal::YellowGold,
            Metal::WhiteGold,
            Metal::RoseGold,
            Metal::Platinum,
        ] {
            assert!(combos.contains(&(category, metal)), "{category} {metal}");
        }
    }
    assert!(products().iter().any(|p| p.metal == Metal::Silver));
}

#[test]
fn prices_span_from_under_sixty_to_over_twelve_thousand_dollars() {
    let prices: Vec<i64> = products().iter().map(|p| p.price.minor()).collect();
    let min = prices.iter().copied().min().unwrap();
    let max = prices.iter().copied().max().unwrap();
    assert!(min <= 60 * DOLLAR, "cheapest {min}");
    assert!(max >= 12_000 * DOLLAR, "dearest {max}");
    assert!(max <= 15_000 * DOLLAR, "dearest {max}");
    assert!(prices.iter().all(|&p| p > 0 && p % 100 == 0));
}

#[test]
fn silver_is_cheaper_than_gold_and_gold_cheaper_than_platinum_for_the_same_design() {
    let catalog = catalog();
    for product in catalog.values().filter(|p| p.metal == Metal::Platinum) {
        let design = product.id.trim_start_matches("platinum-");
        let yellow = catalog
            .values()
            .find(|p| {
                p.id == format!("14k-yellow-gold-{design}")
                    || p.id == format!("18k-yellow-gold-{design}")
            })
            .unwrap();
        assert!(
            yellow.price.minor() < product.price.minor(),
            "{}",
            product.id
        );
        if let Some(silver) = catalog.get(&format!("sterling-silver-{design}")) {
            assert!(silver.price.minor() < yellow.price.minor(), "{}", silver.id);
        }
    }
}

#[test]
fn no_platinum_ring_costs_less_than_four_hundred_dollars() {
    let platinum_rings: Vec<Product> = products()
        .into_iter()
        .filter(|p| p.category == Category::Rings && p.metal == Metal::Platinum)
        .collect();
    assert!(!platinum_rings.is_empty());
    for ring in platinum_rings {
        assert!(ring.price.minor() >= 400 * DOLLAR, "{}", ring.title);
    }
}

#[test]
fn between_a_quarter_and_two_fifths_of_products_are_ready_to_ship() {
    let all = products();
    let ready = all.iter().filter(|p| p.ready_to_ship).count();
    let percent = ready * 100 / all.len();
    assert!((25..=40).contains(&percent), "{percent}%");
}

#[test]
fn custom_and_capsule_pieces_are_always_made_to_order() {
    let special: Vec<&str> = DESIGNS
        .iter()
        .filter(|d| d.kind != Kind::Regular)
        .map(|d| d.name)
        .collect();
    assert!(special.len() >= 4);
    let all = products();
    for name in special {
        let pieces: Vec<&Product> = all.iter().filter(|p| p.title.ends_with(name)).collect();
        assert!(!pieces.is_empty(), "{name}");
        assert!(pieces.iter().all(|p| !p.ready_to_ship), "{name}");
    }
}

#[test]
fn product_ids_are_unique_valid_slugs() {
    let all = products();
    let ids: HashSet<&str> = all.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids.len(), all.len());
    for product in &all {
        assert!(Product::is_valid_id(&product.id), "{}", product.id);
        assert!(!product.id.starts_with('-') && !product.id.ends_with('-'));
        assert!(!product.id.contains("--"), "{}", product.id);
    }
}

#[test]
fn every_product_has_one_to_three_known_styles_and_alt_text() {
    for product in products() {
        assert!((1..=3).contains(&product.styles.len()), "{}", product.id);
        for style in &product.styles {
            assert!(STYLES.contains(&style.as_str()), "{style}");
        }
        assert!(product.image_alt.len() > 20, "{}", product.id);
        assert!(!product.image_alt.contains('{'), "{}", product.image_alt);
        assert!(product.image_alt.starts_with(char::is_uppercase));
    }
}

#[test]
fn titles_and_descriptions_name_the_metal_and_the_category() {
    for product in products() {
        let metal = match product.metal {
            Metal::Silver => "sterling silver".to_string(),
            other => other.label().to_lowercase(),
        };
        let word = match product.category {
            Category::Rings => "ring",
            Category::Necklaces => "necklace",
            Category::Earrings => "earring",
            Category::Bracelets => "bracelet",
            Category::Other => panic!("the demo has nothing outside the four categories"),
        };
        let description = product.description.to_lowercase();
        assert!(description.contains(&metal), "{}", product.description);
        assert!(description.contains(word), "{}", product.description);
        assert!(!description.contains('{'), "{}", product.description);
        assert!(
            product.title.to_lowercase().contains(&metal),
            "{}",
            product.title
        );
        let sentences = product.description.matches(". ").count() + 1;
        assert!((1..=3).contains(&sentences), "{}", product.description);
    }
}

#[test]
fn image_and_page_urls_follow_the_storefront_paths() {
    for product in products() {
        assert_eq!(
            product.image_url,
            format!(
                "/demo/images/{}-{}.svg",
                product.category.as_str(),
                product.metal.as_str()
            )
        );
        assert_eq!(product.url, format!("/products/{}", product.id));
    }
    let halo = catalog();
    let halo = &halo["18k-rose-gold-pave-halo-engagement-ring"];
    assert_eq!(halo.title, "18k Rose Gold Pavé Halo Engagement Ring");
    assert_eq!(halo.image_url, "/demo/images/rings-rose_gold.svg");
    assert_eq!(
        halo.image_alt,
        "Rose gold halo engagement ring with a round centre stone"
    );
}

#[test]
fn there_are_at_least_25_demo_orders() {
    assert!(orders(now()).len() >= 25);
}

#[test]
fn every_status_but_refunded_is_the_final_status_of_several_orders() {
    let all = orders(now());
    // Refunds come from a store's platform (Shopify's financial status); the demo's
    // cancellations stand for them.
    for status in OrderStatus::ALL
        .into_iter()
        .filter(|s| *s != OrderStatus::Refunded)
    {
        let count = all.iter().filter(|o| o.status() == status).count();
        assert!(count >= 3, "{status}: {count}");
    }
}

#[test]
fn order_numbers_are_gg_and_six_digits_and_unique() {
    let all = orders(now());
    let numbers: HashSet<&str> = all.iter().map(|o| o.number.as_str()).collect();
    assert_eq!(numbers.len(), all.len());
    for number in numbers {
        let digits = number.strip_prefix("GG-").unwrap_or("");
        assert!(
            digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit()),
            "{number}"
        );
    }
}

#[test]
fn customer_emails_use_reserved_example_domains() {
    for order in orders(now()) {
        let (local, domain) = order.email.split_once('@').unwrap();
        assert!(!local.is_empty());
        assert!(
            domain == "example.com" || domain == "example.org",
            "{domain}"
        );
    }
}

#[test]
fn every_line_refers_to_a_demo_product_with_its_title_and_price() {
    let catalog = catalog();
    let all = orders(now());
    for (order, spec) in all.iter().zip(SPECS) {
        assert_eq!(order.items.len(), spec.lines.len(), "{}", order.number);
        assert!((1..=3).contains(&order.items.len()), "{}", order.number);
        for item in &order.items {
            let product = &catalog[item.product_id.as_deref().unwrap()];
            assert_eq!(item.title, product.title);
            assert_eq!(item.price.minor(), product.price.minor());
            assert_eq!(item.made_to_order, !product.ready_to_ship);
            assert!(item.quantity >= 1);
            let is_ring = product.category == Category::Rings;
            assert_eq!(item.ring_size.is_some(), is_ring, "{}", product.id);
        }
    }
    for spec in SPECS {
        for (id, size, _) in spec.lines {
            let is_ring = catalog[*id].category == Category::Rings;
            assert_eq!(size.is_some(), is_ring, "{id} in {}", spec.number);
        }
    }
}

#[test]
fn timelines_start_when_placed_are_chronological_and_end_before_now() {
    let now = now();
    for order in orders(now) {
        let first = order.events.first().unwrap();
        assert_eq!(first.status, OrderStatus::Placed, "{}", order.number);
        assert_eq!(first.at, order.placed_at);
        for pair in order.events.windows(2) {
            assert!(pair[0].at < pair[1].at, "{}", order.number);
        }
        assert!(order.events.iter().all(|e| e.at < now), "{}", order.number);
    }
}

#[test]
fn timelines_follow_the_normal_order_of_statuses() {
    let path = |status: OrderStatus| OrderStatus::ALL.iter().position(|&s| s == status).unwrap();
    for order in orders(now()) {
        let statuses: Vec<OrderStatus> = order.events.iter().map(|e| e.status).collect();
        let progress: Vec<OrderStatus> = statuses
            .iter()
            .copied()
            .filter(|&s| s != OrderStatus::Cancelled)
            .collect();
        assert!(
            progress.windows(2).all(|w| path(w[0]) < path(w[1])),
            "{}: {statuses:?}",
            order.number
        );
        let cancelled = statuses.iter().position(|&s| s == OrderStatus::Cancelled);
        if let Some(at) = cancelled {
            assert_eq!(at, statuses.len() - 1, "{}", order.number);
        }
    }
}

#[test]
fn only_orders_with_a_made_to_order_piece_go_through_production() {
    for order in orders(now()) {
        let made_to_order = order.items.iter().any(|i| i.made_to_order);
        let produced = order
            .events
            .iter()
            .any(|e| e.status == OrderStatus::InProduction);
        let paid = order.events.iter().any(|e| e.status == OrderStatus::Paid);
        let left_the_workshop = order
            .events
            .iter()
            .any(|e| matches!(e.status, OrderStatus::Shipped | OrderStatus::Delivered));
        assert!(!produced || made_to_order, "{}", order.number);
        if made_to_order && paid && left_the_workshop {
            assert!(produced, "{}", order.number);
        }
        if order.status() == OrderStatus::InProduction {
            assert!(made_to_order, "{}", order.number);
        }
    }
}

#[test]
fn shipped_events_carry_a_carrier_a_tracking_number_and_a_tracking_link() {
    let all = orders(now());
    let shipped: Vec<_> = all
        .iter()
        .flat_map(|o| &o.events)
        .filter(|e| e.status == OrderStatus::Shipped)
        .collect();
    assert!(shipped.len() >= 6);
    for event in shipped {
        let carrier = event.carrier.as_deref().unwrap();
        let number = event.tracking_number.as_deref().unwrap();
        let url = event.tracking_url.as_deref().unwrap();
        let host = match carrier {
            "UPS" => "https://www.ups.com/",
            "FedEx" => "https://www.fedex.com/",
            "USPS" => "https://tools.usps.com/",
            other => panic!("unknown carrier {other}"),
        };
        assert!(url.starts_with(host), "{url}");
        assert!(url.ends_with(number), "{url}");
        assert!(number.len() >= 12 && number.bytes().all(|b| b.is_ascii_alphanumeric()));
    }
    let carriers: HashSet<&str> = all
        .iter()
        .flat_map(|o| &o.events)
        .filter_map(|e| e.carrier.as_deref())
        .collect();
    assert_eq!(carriers.len(), 3);
}

#[test]
fn cancelled_orders_explain_why() {
    for order in orders(now()) {
        for event in &order.events {
            let cancelled = event.status == OrderStatus::Cancelled;
            assert_eq!(event.note.is_some(), cancelled, "{}", order.number);
        }
    }
}

#[test]
fn the_orders_cited_in_the_docs_keep_their_email_and_status() {
    let all: HashMap<String, Order> = orders(now())
        .into_iter()
        .map(|o| (o.number.to_string(), o))
        .collect();
    let cited = [
        (
            "GG-104233",
            "ava.thompson@example.com",
            OrderStatus::Shipped,
        ),
        (
            "GG-104187",
            "liam.carter@example.org",
            OrderStatus::InProduction,
        ),
        (
            "GG-104052",
            "sofia.martinez@example.com",
            OrderStatus::Delivered,
        ),
    ];
    for (number, email, status) in cited {
        let order = &all[number];
        assert!(order.email_matches(&Email::parse(email).unwrap()));
        assert_eq!(order.status(), status, "{number}");
    }
    assert!(
        all["GG-104233"]
            .events
            .iter()
            .any(|e| e.tracking_url.is_some())
    );
}

#[test]
fn the_figures_in_the_module_docs_are_true() {
    let all = products();
    assert_eq!(all.len(), 359);
    assert_eq!(orders(now()).len(), 32);
    let prices = || all.iter().map(|p| p.price.minor());
    assert_eq!(prices().min(), Some(49 * DOLLAR));
    assert_eq!(prices().max(), Some(14_250 * DOLLAR));
    let cheapest_platinum_ring = all
        .iter()
        .filter(|p| p.category == Category::Rings && p.metal == Metal::Platinum)
        .map(|p| p.price.minor())
        .min();
    assert_eq!(cheapest_platinum_ring, Some(449 * DOLLAR));
}
