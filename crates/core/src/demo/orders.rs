//! Demo orders: a fixed table of customers and what they bought, with timelines placed
//! relative to "now" so the demo always shows recent, believable orders.

use super::products::products;
use crate::catalog::{Category, Product};
use crate::email::Email;
use crate::orders::OrderNumber;
use crate::orders::{Order, OrderEvent, OrderItem, OrderStatus};
use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;

/// A parcel service with a public tracking page.
#[derive(Debug, Clone, Copy)]
pub(super) enum Carrier {
    Ups,
    FedEx,
    Usps,
}

/// Where an order's timeline ends.
#[derive(Debug, Clone, Copy)]
pub(super) enum Fate {
    Placed,
    Paid,
    InProduction,
    Shipped(Carrier),
    Delivered(Carrier),
    /// Cancelled right after the `after` step, with a note for the shopper.
    Cancelled {
        after: OrderStatus,
        note: &'static str,
    },
}

/// One line: product id, ring size (rings only), quantity.
pub(super) type Line = (&'static str, Option<&'static str>, i32);

/// One demo order as written down: the timeline is computed from it.
pub(super) struct Spec {
    pub number: &'static str,
    pub email: &'static str,
    pub fate: Fate,
    /// Hours between the order's latest event and now.
    pub quiet_hours: i64,
    pub lines: &'static [Line],
}

const fn spec(
    number: &'static str,
    email: &'static str,
    fate: Fate,
    quiet_hours: i64,
    lines: &'static [Line],
) -> Spec {
    Spec {
        number,
        email,
        fate,
        quiet_hours,
        lines,
    }
}

use Carrier::{FedEx, Ups, Usps};
use Fate::{Cancelled, Delivered, InProduction, Paid, Placed, Shipped};

/// Every demo order. The first three are the ones the README cites: keep them stable.
#[rustfmt::skip]
pub(super) const SPECS: &[Spec] = &[
    spec("GG-104233", "ava.thompson@example.com", Shipped(Ups), 20, &[
        ("14k-rose-gold-oval-moissanite-halo-ring", Some("6.5"), 1),
        ("14k-rose-gold-huggie-hoop-earrings", None, 1),
    ]),
    spec("GG-104187", "liam.carter@example.org", InProduction, 4 * 24, &[
        ("platinum-custom-engraved-signet-ring", Some("10"), 1),
    ]),
    spec("GG-104052", "sofia.martinez@example.com", Delivered(FedEx), 9 * 24, &[
        ("18k-yellow-gold-diamond-tennis-necklace", None, 1),
    ]),
    // Placed, waiting for payment.
    spec("GG-104301", "noah.bennett@example.com", Placed, 2, &[
        ("platinum-emerald-cut-solitaire-ring", Some("5.5"), 1),
    ]),
    spec("GG-104298", "mia.robinson@example.com", Placed, 5, &[
        ("14k-yellow-gold-paperclip-chain-necklace", None, 1),
        ("14k-yellow-gold-paperclip-chain-bracelet", None, 1),
    ]),
    spec("GG-104295", "ethan.brooks@example.org", Placed, 30, &[
        ("sterling-silver-threader-earrings", None, 2),
    ]),
    spec("GG-104290", "isabella.nguyen@example.com", Placed, 50, &[
        ("18k-rose-gold-pave-halo-engagement-ring", Some("6"), 1),
    ]),
    spec("GG-104286", "lucas.meyer@example.com", Placed, 3, &[
        ("14k-white-gold-diamond-bezel-station-bracelet", None, 1),
        ("platinum-diamond-stud-earrings", None, 1),
    ]),
    // Paid.
    spec("GG-104281", "charlotte.hughes@example.com", Paid, 1, &[
        ("18k-white-gold-sapphire-line-bracelet", None, 1),
    ]),
    spec("GG-104277", "james.okafor@example.org", Paid, 6, &[
        ("14k-yellow-gold-signet-ring", Some("9.5"), 1),
    ]),
    spec("GG-104272", "amelia.rossi@example.com", Paid, 10, &[
        ("14k-rose-gold-heart-locket-necklace", None, 1),
        ("14k-rose-gold-pearl-drop-earrings", None, 1),
    ]),
    spec("GG-104268", "henry.walsh@example.com", Paid, 14, &[
        ("platinum-three-stone-oval-diamond-ring", Some("7"), 1),
    ]),
    spec("GG-104263", "harper.lee@example.org", Paid, 20, &[
        ("14k-white-gold-hammered-wedding-band", Some("8.5"), 1),
        ("14k-white-gold-hammered-wedding-band", Some("11"), 1),
    ]),
    // In production (each has a made-to-order piece).
    spec("GG-104259", "oliver.schmidt@example.com", InProduction, 2 * 24, &[
        ("14k-yellow-gold-nightfall-star-signet-ring", Some("7.5"), 1),
    ]),
    spec("GG-104254", "evelyn.park@example.com", InProduction, 6 * 24, &[
        ("18k-white-gold-three-carat-cushion-cut-diamond-ring", Some("5"), 1),
        ("18k-white-gold-diamond-eternity-band", Some("5"), 1),
    ]),
    spec("GG-104249", "benjamin.clarke@example.org", InProduction, 10 * 24, &[
        ("14k-rose-gold-custom-birthstone-cluster-necklace", None, 1),
        ("14k-rose-gold-custom-birthstone-stud-earrings", None, 1),
    ]),
    spec("GG-104244", "grace.kim@example.com", InProduction, 24, &[
        ("platinum-nightfall-crescent-ear-climbers", None, 1),
        ("14k-yellow-gold-small-hoop-earrings", None, 1),
    ]),
    // Shipped.
    spec("GG-104229", "daniel.foster@example.com", Shipped(FedEx), 2 * 24, &[
        ("platinum-hammered-wedding-band", Some("10.5"), 1),
    ]),
    spec("GG-104224", "chloe.martin@example.org", Shipped(Usps), 24, &[
        ("sterling-silver-satellite-chain-necklace", None, 1),
        ("sterling-silver-geometric-hexagon-drop-earrings", None, 1),
        ("sterling-silver-polished-bangle-bracelet", None, 1),
    ]),
    spec("GG-104218", "samuel.reyes@example.com", Shipped(Ups), 3 * 24, &[
        ("18k-yellow-gold-toi-et-moi-pearl-and-diamond-ring", Some("6"), 1),
    ]),
    spec("GG-104213", "zoe.campbell@example.com", Shipped(FedEx), 12, &[
        ("14k-white-gold-custom-engraved-id-bracelet", None, 1),
    ]),
    spec("GG-104208", "jack.turner@example.org", Shipped(Usps), 4 * 24, &[
        ("14k-yellow-gold-herringbone-chain-necklace", None, 1),
    ]),
    // Delivered.
    spec("GG-104046", "lily.evans@example.com", Delivered(Ups), 3 * 24, &[
        ("14k-yellow-gold-vintage-milgrain-engagement-ring", Some("4.5"), 1),
    ]),
    spec("GG-104039", "william.price@example.org", Delivered(Usps), 15 * 24, &[
        ("sterling-silver-pearl-drop-earrings", None, 3),
    ]),
    spec("GG-104031", "nora.jensen@example.com", Delivered(FedEx), 20 * 24, &[
        ("14k-rose-gold-custom-birthstone-stacking-ring", Some("6.5"), 1),
        ("14k-rose-gold-satellite-chain-necklace", None, 1),
    ]),
    spec("GG-104024", "leo.fischer@example.com", Delivered(Ups), 30 * 24, &[
        ("platinum-riviera-diamond-collar-necklace", None, 1),
    ]),
    spec("GG-104017", "hannah.wright@example.org", Delivered(FedEx), 45 * 24, &[
        ("18k-yellow-gold-emerald-and-diamond-cocktail-ring", Some("7"), 1),
        ("18k-yellow-gold-sapphire-halo-stud-earrings", None, 1),
    ]),
    // Cancelled.
    spec("GG-104160", "mason.bailey@example.com", Cancelled {
        after: OrderStatus::Placed,
        note: "Payment was not authorised by the card issuer, so the order was cancelled. Nothing was charged.",
    }, 3 * 24, &[
        ("platinum-pave-halo-engagement-ring", Some("6"), 1),
    ]),
    spec("GG-104154", "ella.fitzgerald@example.com", Cancelled {
        after: OrderStatus::Paid,
        note: "Cancelled at your request before production started; refunded in full to the original card.",
    }, 5 * 24, &[
        ("14k-white-gold-custom-engraved-signet-ring", Some("8"), 1),
    ]),
    spec("GG-104148", "owen.murphy@example.org", Cancelled {
        after: OrderStatus::Paid,
        note: "Cancelled because the same order was placed twice; this payment was refunded.",
    }, 8 * 24, &[
        ("14k-yellow-gold-cable-chain-bracelet", None, 1),
    ]),
    spec("GG-104141", "ruby.sullivan@example.com", Cancelled {
        after: OrderStatus::InProduction,
        note: "Size 3 cannot be set all the way round in this design; cancelled and refunded in full.",
    }, 12 * 24, &[
        ("18k-rose-gold-diamond-eternity-band", Some("3"), 1),
    ]),
    spec("GG-104135", "arthur.hale@example.com", Cancelled {
        after: OrderStatus::Placed,
        note: "Cancelled at your request within an hour of ordering. Nothing was charged.",
    }, 2 * 24, &[
        ("14k-rose-gold-opal-teardrop-earrings", None, 1),
    ]),
];

/// The demo orders, their timelines ending before `now`.
pub fn orders(now: DateTime<Utc>) -> Vec<Order> {
    let catalog = products();
    let by_id: HashMap<&str, &Product> = catalog.iter().map(|p| (p.id.as_str(), p)).collect();
    SPECS.iter().map(|spec| order(spec, &by_id, now)).collect()
}

fn order(spec: &Spec, by_id: &HashMap<&str, &Product>, now: DateTime<Utc>) -> Order {
    // A line whose product is missing is dropped; the tests make sure none is.
    let items: Vec<OrderItem> = spec
        .lines
        .iter()
        .filter_map(|&(id, size, quantity)| {
            let product = by_id.get(id)?;
            Some(OrderItem {
                product_id: Some(product.id.clone()),
                title: product.title.clone(),
                quantity,
                price: product.price,
                ring_size: size
                    .filter(|_| product.category == Category::Rings)
                    .map(str::to_string),
                made_to_order: !product.ready_to_ship,
            })
        })
        .collect();
    let made_to_order = items.iter().any(|item| item.made_to_order);
    let seed = seed(spec.number);
    let steps = steps(spec.fate, made_to_order);

    // Offsets from the moment the order was placed, then shifted so the last one is
    // `quiet_hours` before now.
    let mut offset = Duration::zero();
    let mut timed = Vec::with_capacity(steps.len());
    let mut previous = OrderStatus::Placed;
    for status in steps {
        offset += gap(previous, status, seed);
        timed.push((status, offset));
        previous = status;
    }
    let placed_at = now - Duration::hours(spec.quiet_hours.max(1)) - offset;
    let events: Vec<OrderEvent> = timed
        .into_iter()
        .map(|(status, offset)| event(spec, status, placed_at + offset, seed))
        .collect();
    Order {
        number: OrderNumber::normalise(spec.number),
        email: demo_email(spec.email),
        placed_at,
        updated_at: events.iter().map(|e| e.at).max().unwrap_or(placed_at),
        platform_id: None,
        items,
        events,
    }
}

/// The statuses an order goes through to reach its fate. Only orders with a made-to-order
/// piece go through production.
fn steps(fate: Fate, made_to_order: bool) -> Vec<OrderStatus> {
    let last = match fate {
        Fate::Placed => OrderStatus::Placed,
        Fate::Paid => OrderStatus::Paid,
        Fate::InProduction => OrderStatus::InProduction,
        Fate::Shipped(_) => OrderStatus::Shipped,
        Fate::Delivered(_) => OrderStatus::Delivered,
        Fate::Cancelled { after, .. } => after,
    };
    let mut steps: Vec<OrderStatus> = [
        OrderStatus::Placed,
        OrderStatus::Paid,
        OrderStatus::InProduction,
        OrderStatus::Shipped,
        OrderStatus::Delivered,
    ]
    .into_iter()
    .take_while(|&status| status != last)
    .chain(std::iter::once(last))
    .filter(|&status| status != OrderStatus::InProduction || made_to_order)
    .collect();
    if matches!(fate, Fate::Cancelled { .. }) {
        steps.push(OrderStatus::Cancelled);
    }
    steps
}

/// How long after `previous` the `status` event happens; varied a little by `seed`.
fn gap(previous: OrderStatus, status: OrderStatus, seed: i64) -> Duration {
    match (previous, status) {
        (_, OrderStatus::Placed) => Duration::zero(),
        (_, OrderStatus::Paid) => Duration::minutes(4 + seed % 37),
        (_, OrderStatus::InProduction) => Duration::hours(20 + seed % 19),
        (OrderStatus::InProduction, OrderStatus::Shipped) => Duration::days(18 + seed % 7),
        (_, OrderStatus::Shipped) => Duration::hours(18 + seed % 30),
        (_, OrderStatus::Delivered) => Duration::days(2) + Duration::hours(seed % 40),
        (_, OrderStatus::Cancelled | OrderStatus::Refunded) => Duration::hours(2 + seed % 21),
    }
}

fn event(spec: &Spec, status: OrderStatus, at: DateTime<Utc>, seed: i64) -> OrderEvent {
    let mut event = OrderEvent::new(status, at);
    match (status, spec.fate) {
        (OrderStatus::Shipped, Fate::Shipped(carrier) | Fate::Delivered(carrier)) => {
            let (name, number, url) = tracking(carrier, seed);
            event.carrier = Some(name.to_string());
            event.tracking_number = Some(number);
            event.tracking_url = Some(url);
        }
        (OrderStatus::Cancelled, Fate::Cancelled { note, .. }) => {
            event.note = Some(note.to_string());
        }
        _ => {}
    }
    event
}

/// Carrier name, a tracking number in the carrier's format, and its public tracking page.
fn tracking(carrier: Carrier, seed: i64) -> (&'static str, String, String) {
    match carrier {
        Carrier::Ups => {
            let number = format!("1ZGG4A03{:010}", seed * 7_919 % 10_000_000_000);
            let url = format!("https://www.ups.com/track?tracknum={number}");
            ("UPS", number, url)
        }
        Carrier::FedEx => {
            let number = format!("77{:010}", seed * 104_729 % 10_000_000_000);
            let url = format!("https://www.fedex.com/fedextrack/?trknbr={number}");
            ("FedEx", number, url)
        }
        Carrier::Usps => {
            let number = format!("9400111{:015}", seed * 1_299_709 % 1_000_000_000_000_000);
            let url = format!("https://tools.usps.com/go/TrackConfirmAction?tLabels={number}");
            ("USPS", number, url)
        }
    }
}

/// The order number's digits, to vary gaps and tracking numbers per order.
fn seed(number: &str) -> i64 {
    number
        .bytes()
        .filter(u8::is_ascii_digit)
        .fold(0, |acc, digit| acc * 10 + i64::from(digit - b'0'))
}

/// A demo address, all written by hand and plausible (the demo's tests read every one back).
#[allow(clippy::expect_used)]
fn demo_email(address: &str) -> Email {
    Email::parse(address).expect("the demo's addresses are plausible")
}
