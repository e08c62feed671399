//! Shopify's orders in our terms: its financial and fulfilment statuses, cancellation and
//! refunds become the timeline (`docs/orders.md` has the table), from an export row or a
//! webhook's order and fulfilment payloads.

use super::input::is_tracking_url;
use super::{Order, OrderEvent, OrderItem, OrderNumber, OrderRules, OrderStatus};
use crate::email::Email;
use crate::import::price::parse_price;
use crate::money::Money;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer};

/// What Shopify says of an order, from whichever source.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub created_at: DateTime<Utc>,
    pub paid_at: Option<DateTime<Utc>>,
    /// `pending`, `authorized`, `paid`, `partially_paid`, `partially_refunded`, `refunded`,
    /// `voided`, …
    pub financial_status: String,
    /// `fulfilled`, `partial`, `unfulfilled` (or empty), `restocked`.
    pub fulfillment_status: String,
    pub fulfilled_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub cancel_reason: Option<String>,
    /// When the order was refunded (the latest refund), if it was.
    pub refunded_at: Option<DateTime<Utc>>,
    /// When the order last changed, if the source says.
    pub updated_at: Option<DateTime<Utc>>,
    /// Tagged made to order, or a line item is: in production once paid.
    pub made_to_order: bool,
    /// Fulfilments with their tracking (webhooks only; an export has `fulfilled_at`).
    pub fulfilments: Vec<Fulfilment>,
}

/// Financial statuses that mean the money was taken.
const PAID: [&str; 4] = ["paid", "partially_paid", "partially_refunded", "refunded"];
/// Fulfilment statuses that mean something was sent.
const SENT: [&str; 3] = ["fulfilled", "partial", "shipped"];

impl Facts {
    /// The timeline these facts make, oldest first.
    pub fn timeline(&self) -> Vec<OrderEvent> {
        let mut events = vec![OrderEvent::new(OrderStatus::Placed, self.created_at)];
        // The latest time the source gives: what a change without a time of its own (a refund in
        // an export) is dated at, so that it comes last.
        let latest = [
            self.updated_at,
            self.paid_at,
            self.fulfilled_at,
            self.cancelled_at,
            self.refunded_at,
        ]
        .into_iter()
        .flatten()
        .fold(self.created_at, DateTime::max);
        let status = |s: &str| s.trim().to_ascii_lowercase();
        let financial = status(&self.financial_status);
        if PAID.contains(&financial.as_str()) {
            let paid_at = self.paid_at.unwrap_or(self.created_at);
            events.push(OrderEvent::new(OrderStatus::Paid, paid_at));
            if self.made_to_order {
                events.push(OrderEvent::new(OrderStatus::InProduction, paid_at));
            }
        }
        let live: Vec<&Fulfilment> = self.fulfilments.iter().filter(|f| f.is_live()).collect();
        if live.is_empty() && SENT.contains(&status(&self.fulfillment_status).as_str()) {
            let at = self.fulfilled_at.unwrap_or(latest);
            events.push(OrderEvent::new(OrderStatus::Shipped, at));
        }
        for fulfilment in live {
            events.extend(fulfilment.events(latest));
        }
        if let Some(at) = self.cancelled_at {
            let mut cancelled = OrderEvent::new(OrderStatus::Cancelled, at);
            cancelled.note = self.cancel_reason.as_deref().and_then(cancel_note);
            events.push(cancelled);
        }
        if financial == "refunded" {
            let at = self.refunded_at.unwrap_or(latest);
            events.push(OrderEvent::new(OrderStatus::Refunded, at));
        }
        events
    }
}

/// Shopify's cancel reasons, for the shopper.
fn cancel_note(reason: &str) -> Option<String> {
    let note = match reason {
        "customer" => "Cancelled at your request.",
        "inventory" => "Cancelled because the piece is not available.",
        "declined" => "Cancelled because the payment was declined.",
        "fraud" | "other" | "staff" => "Cancelled by the store.",
        _ => return None,
    };
    Some(note.to_string())
}

/// A ring size in a line item: the variant option that reads as one ("6.5", "Size 7",
/// "7 1/2") when the item is a ring or band.
pub fn ring_size(title: &str, variant: &str) -> Option<String> {
    let lower = title.to_lowercase();
    let is_ring = lower
        .split(|c: char| !c.is_alphanumeric())
        .any(|word| matches!(word, "ring" | "rings" | "band" | "bands"));
    if !is_ring {
        return None;
    }
    variant.split(" / ").map(str::trim).find_map(size_of)
}

fn size_of(option: &str) -> Option<String> {
    let lower = option.to_lowercase();
    let text = lower
        .strip_prefix("size")
        .or_else(|| lower.strip_prefix("us"))
        .unwrap_or(&lower)
        .trim_start_matches([' ', ':'])
        .trim();
    let (whole, half) = match text.split_once(' ') {
        Some((whole, "1/2" | "½")) => (whole, true),
        Some(_) => return None,
        None => match text.strip_suffix('½') {
            Some(whole) => (whole, true),
            None => (text, false),
        },
    };
    let value: f64 = whole.parse().ok()?;
    let value = if half { value + 0.5 } else { value };
    let quarter = (value * 4.0).fract() == 0.0;
    ((2.0..=16.0).contains(&value) && quarter).then(|| {
        let text = format!("{value}");
        text
    })
}

/// A fulfilment as Shopify sends it (`fulfillments/create`, `fulfillments/update`, and inside
/// an order).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Fulfilment {
    #[serde(default, deserialize_with = "shopify_id")]
    pub order_id: Option<String>,
    /// `pending`, `open`, `success`, `cancelled`, `error`, `failure`.
    #[serde(default)]
    pub status: Option<String>,
    /// `label_printed`, `in_transit`, `out_for_delivery`, `delivered`, `failure`, …
    #[serde(default)]
    pub shipment_status: Option<String>,
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub tracking_company: Option<String>,
    #[serde(default)]
    pub tracking_number: Option<String>,
    #[serde(default)]
    pub tracking_numbers: Vec<String>,
    #[serde(default)]
    pub tracking_url: Option<String>,
    #[serde(default)]
    pub tracking_urls: Vec<String>,
}

impl Fulfilment {
    /// Whether it stands (a cancelled or failed fulfilment sent nothing).
    fn is_live(&self) -> bool {
        !matches!(
            self.status.as_deref(),
            Some("cancelled" | "error" | "failure")
        )
    }

    fn tracking_number(&self) -> Option<&str> {
        (self.tracking_number.as_deref())
            .or_else(|| self.tracking_numbers.first().map(String::as_str))
            .filter(|n| !n.trim().is_empty())
    }

    /// Shipped (with carrier and tracking), and delivered when the carrier says so.
    fn events(&self, fallback: DateTime<Utc>) -> Vec<OrderEvent> {
        let at = self.created_at.unwrap_or(fallback);
        let url = (self.tracking_url.as_deref())
            .or_else(|| self.tracking_urls.first().map(String::as_str))
            .filter(|url| is_tracking_url(url));
        let shipped = OrderEvent {
            carrier: self
                .tracking_company
                .clone()
                .filter(|c| !c.trim().is_empty()),
            tracking_number: self.tracking_number().map(str::to_string),
            tracking_url: url.map(str::to_string),
            ..OrderEvent::new(OrderStatus::Shipped, at)
        };
        let mut events = vec![shipped];
        if self.shipment_status.as_deref() == Some("delivered") {
            let at = self.updated_at.unwrap_or(at);
            events.push(OrderEvent::new(OrderStatus::Delivered, at));
        }
        events
    }

    /// Puts this fulfilment on `order`'s timeline: it replaces the shipment with its tracking
    /// number (or one without any), a cancelled one is taken off, and the order counts as
    /// changed at the fulfilment's time. A fulfilment older than the order's last change changes
    /// nothing and says so (`false`): Shopify's order payloads carry their fulfilments, so the
    /// stored order already holds it as it was then, or as it became after.
    pub fn apply_to(&self, order: &mut Order) -> bool {
        if self
            .updated_at
            .or(self.created_at)
            .is_some_and(|at| at < order.updated_at)
        {
            return false;
        }
        let number = self.tracking_number();
        let same = |e: &OrderEvent| {
            matches!(e.status, OrderStatus::Shipped | OrderStatus::Delivered)
                && (e.tracking_number.is_none() || e.tracking_number.as_deref() == number)
        };
        let fallback = self.updated_at.unwrap_or(order.updated_at);
        // A delivery recorded without tracking stays unless this fulfilment says delivered.
        let delivered_before = order
            .events
            .iter()
            .any(|e| e.status == OrderStatus::Delivered);
        order.events.retain(|e| !same(e));
        if self.is_live() {
            let mut events = self.events(fallback);
            if delivered_before && events.len() == 1 {
                events.push(OrderEvent::new(OrderStatus::Delivered, fallback));
            }
            order.events.extend(events);
        }
        order
            .events
            .sort_by_key(|e| (e.at, e.status != OrderStatus::Placed));
        if let Some(at) = self.updated_at.or(self.created_at) {
            order.updated_at = order.updated_at.max(at);
        }
        true
    }
}

/// An order as Shopify's `orders/*` webhooks send it (the fields we use).
#[derive(Debug, Clone, Deserialize)]
pub struct ShopifyOrder {
    #[serde(default, deserialize_with = "shopify_id")]
    pub id: Option<String>,
    /// `#1001`.
    pub name: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub contact_email: Option<String>,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub processed_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub financial_status: Option<String>,
    #[serde(default)]
    pub fulfillment_status: Option<String>,
    #[serde(default)]
    pub cancelled_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub cancel_reason: Option<String>,
    /// Comma-separated.
    #[serde(default)]
    pub tags: Option<String>,
    #[serde(default)]
    pub line_items: Vec<LineItem>,
    #[serde(default)]
    pub fulfillments: Vec<Fulfilment>,
    #[serde(default)]
    pub refunds: Vec<Refund>,
}

/// Why a Shopify order payload is not an order we keep.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotAnOrder {
    /// No email (a point-of-sale or phone order): no shopper could look it up. Not an error.
    #[error("order {0} has no email, so no shopper could look it up")]
    NoEmail(String),
    /// The payload is wrong.
    #[error("{0}")]
    Invalid(String),
}

/// A line item of a [`ShopifyOrder`].
#[derive(Debug, Clone, Deserialize)]
pub struct LineItem {
    pub title: String,
    #[serde(default)]
    pub variant_title: Option<String>,
    pub quantity: i32,
    /// A decimal string ("89.99").
    pub price: String,
    #[serde(default)]
    pub properties: Vec<Property>,
}

/// A line-item property (engraving, ring size, made to order, …).
#[derive(Debug, Clone, Deserialize)]
pub struct Property {
    pub name: String,
    #[serde(default)]
    pub value: serde_json::Value,
}

impl Property {
    fn text(&self) -> String {
        match &self.value {
            serde_json::Value::String(s) => s.trim().to_string(),
            serde_json::Value::Null => String::new(),
            other => other.to_string(),
        }
    }
}

/// A refund of a [`ShopifyOrder`].
#[derive(Debug, Clone, Deserialize)]
pub struct Refund {
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
}

/// Whether a tag list (comma-separated) carries the made-to-order mark.
pub fn tagged_made_to_order(tags: &str, rules: &OrderRules) -> bool {
    tags.split(',').any(|tag| rules.is_made_to_order_mark(tag))
}

impl ShopifyOrder {
    /// Our order, or why it cannot be one.
    pub fn into_order(self, rules: &OrderRules) -> Result<Order, NotAnOrder> {
        let number = OrderNumber::normalise(&self.name);
        if number.as_str().is_empty() {
            return Err(NotAnOrder::Invalid("the order has no name (number)".into()));
        }
        let email = (self.email.as_deref().filter(|e| !e.trim().is_empty()))
            .or(self
                .contact_email
                .as_deref()
                .filter(|e| !e.trim().is_empty()))
            .ok_or_else(|| NotAnOrder::NoEmail(number.to_string()))?;
        let email = Email::parse(email).map_err(|_| {
            NotAnOrder::Invalid(format!("order {number}: `{email}` is not an email address"))
        })?;
        let tagged = tagged_made_to_order(self.tags.as_deref().unwrap_or(""), rules);
        let digits = rules.currency.digits();
        let items = self
            .line_items
            .iter()
            .map(|line| {
                let title = line.title.trim();
                if title.is_empty()
                    || title.chars().count() > super::input::MAX_TEXT_CHARS
                    || title.chars().any(char::is_control)
                {
                    return Err(NotAnOrder::Invalid(format!(
                        "order {number}: a line item's title is empty, longer than {} characters or has control characters",
                        super::input::MAX_TEXT_CHARS
                    )));
                }
                let price = parse_price(&line.price, digits).map_err(|e| {
                    NotAnOrder::Invalid(format!("order {number}, item `{}`: {e}", line.title))
                })?;
                let property = |names: &[&str]| {
                    line.properties
                        .iter()
                        .find(|p| names.iter().any(|n| p.name.trim().eq_ignore_ascii_case(n)))
                        .map(Property::text)
                };
                let marked = line.properties.iter().any(|p| {
                    rules.is_made_to_order_mark(&p.name)
                        && !matches!(p.text().to_lowercase().as_str(), "" | "no" | "false" | "0")
                });
                let variant = line.variant_title.as_deref().unwrap_or("");
                Ok(OrderItem {
                    product_id: None,
                    title: line.title.clone(),
                    quantity: line.quantity.max(1),
                    price: Money::from_minor(price),
                    ring_size: property(&["ring size", "size"])
                        .filter(|s| !s.is_empty())
                        .or_else(|| ring_size(&line.title, variant)),
                    made_to_order: tagged || marked,
                })
            })
            .collect::<Result<Vec<_>, NotAnOrder>>()?;
        let facts = Facts {
            created_at: self.created_at,
            paid_at: self.processed_at,
            financial_status: self.financial_status.unwrap_or_default(),
            fulfillment_status: self.fulfillment_status.unwrap_or_default(),
            fulfilled_at: None,
            cancelled_at: self.cancelled_at,
            cancel_reason: self.cancel_reason,
            refunded_at: self.refunds.iter().filter_map(|r| r.created_at).max(),
            updated_at: self.updated_at,
            made_to_order: items.iter().any(|i| i.made_to_order),
            fulfilments: self.fulfillments,
        };
        Ok(Order::assemble(
            number,
            email,
            self.created_at,
            self.updated_at,
            self.id,
            items,
            facts.timeline(),
        ))
    }
}

/// A Shopify id: a JSON number (often beyond 2^53, so never a float) or a string.
pub(crate) fn shopify_id<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Id {
        Number(u64),
        Text(String),
    }
    Ok(Option::<Id>::deserialize(deserializer)?.map(|id| match id {
        Id::Number(n) => n.to_string(),
        Id::Text(s) => s,
    }))
}

/// The id of a `products/delete` (or any) payload.
#[derive(Debug, Clone, Deserialize)]
pub struct IdOnly {
    #[serde(default, deserialize_with = "shopify_id")]
    pub id: Option<String>,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn statuses(events: &[OrderEvent]) -> Vec<OrderStatus> {
        events.iter().map(|e| e.status).collect()
    }

    #[test]
    fn statuses_become_the_timeline() {
        use OrderStatus::*;
        let base = Facts {
            created_at: at("2026-11-01T10:00:00Z"),
            ..Facts::default()
        };
        let cases: [(&str, &str, bool, bool, Vec<OrderStatus>); 7] = [
            // Returned and refunded without a cancellation: the refund comes last.
            (
                "refunded",
                "fulfilled",
                false,
                false,
                vec![Placed, Paid, Shipped, Refunded],
            ),
            ("pending", "", false, false, vec![Placed]),
            ("paid", "unfulfilled", false, false, vec![Placed, Paid]),
            ("paid", "", true, false, vec![Placed, Paid, InProduction]),
            (
                "paid",
                "fulfilled",
                false,
                false,
                vec![Placed, Paid, Shipped],
            ),
            ("voided", "", false, true, vec![Placed, Cancelled]),
            (
                "refunded",
                "",
                false,
                true,
                vec![Placed, Paid, Cancelled, Refunded],
            ),
        ];
        for (financial, fulfilment, made, cancelled, expected) in cases {
            let facts = Facts {
                financial_status: financial.into(),
                fulfillment_status: fulfilment.into(),
                fulfilled_at: Some(at("2026-11-03T10:00:00Z")),
                made_to_order: made,
                cancelled_at: cancelled.then(|| at("2026-11-02T10:00:00Z")),
                ..base.clone()
            };
            assert_eq!(
                statuses(&facts.timeline()),
                expected,
                "{financial} {fulfilment}"
            );
        }
    }

    #[test]
    fn line_item_properties_mark_made_to_order_and_give_the_ring_size() {
        let payload = serde_json::json!({
            "id": 820982911946154508_u64, "name": "#1001", "email": "", "contact_email": "mia@example.com",
            "created_at": "2026-11-01T10:00:00-05:00", "financial_status": "paid", "tags": "vip",
            "line_items": [
                {"title": "Custom Signet", "quantity": 1, "price": "1,850.00",
                 "properties": [{"name": "Made to order", "value": "Yes"}, {"name": "Ring size", "value": "7.25"}]},
                {"title": "Gift box", "quantity": 1, "price": "0.00",
                 "properties": [{"name": "_made_to_order", "value": "no"}]}
            ]
        });
        let order: ShopifyOrder = serde_json::from_value(payload).unwrap();
        let order = order.into_order(&OrderRules::default()).unwrap();
        assert_eq!(
            order.email.as_str(),
            "mia@example.com",
            "the contact email stands in"
        );
        assert_eq!(order.platform_id.as_deref(), Some("820982911946154508"));
        assert!(order.items[0].made_to_order);
        assert!(!order.items[1].made_to_order, "`no` is not the mark");
        assert_eq!(order.items[0].ring_size.as_deref(), Some("7.25"));
        assert_eq!(order.items[0].price.minor(), 185_000);
        assert_eq!(order.status(), OrderStatus::InProduction);
        let bad: ShopifyOrder = serde_json::from_value(serde_json::json!({
            "name": "#1002", "created_at": "2026-11-01T10:00:00Z", "line_items": []
        }))
        .unwrap();
        assert_eq!(
            bad.into_order(&OrderRules::default()).unwrap_err(),
            NotAnOrder::NoEmail("1002".into())
        );
    }

    #[test]
    fn ring_sizes_are_read_from_ring_variants_only() {
        assert_eq!(
            ring_size("Halo Engagement Ring", "14K White Gold / 6.5"),
            Some("6.5".into())
        );
        assert_eq!(ring_size("Wedding band", "Size 7 1/2"), Some("7.5".into()));
        assert_eq!(ring_size("Stacking Rings", "US 5"), Some("5".into()));
        assert_eq!(ring_size("Tennis bracelet", "7"), None);
        assert_eq!(ring_size("Signet ring", "Rose Gold"), None);
        assert_eq!(ring_size("Signet ring", "18"), None);
    }

    #[test]
    fn a_cancelled_fulfilment_takes_its_shipment_off_and_a_later_one_adds_delivery() {
        let mut order = Order::assemble(
            OrderNumber::normalise("1001"),
            Email::parse("a@example.com").unwrap(),
            at("2026-11-01T10:00:00Z"),
            None,
            Some("9".into()),
            Vec::new(),
            Vec::new(),
        );
        let shipped = Fulfilment {
            status: Some("success".into()),
            created_at: Some(at("2026-11-03T10:00:00Z")),
            updated_at: Some(at("2026-11-03T10:00:00Z")),
            tracking_company: Some("UPS".into()),
            tracking_numbers: vec!["1Z9".into()],
            tracking_urls: vec!["javascript:alert(1)".into()],
            ..Fulfilment::default()
        };
        assert!(shipped.apply_to(&mut order));
        assert_eq!(order.status(), OrderStatus::Shipped);
        assert_eq!(order.events[1].tracking_number.as_deref(), Some("1Z9"));
        assert_eq!(
            order.events[1].tracking_url, None,
            "a script link is never kept"
        );
        assert_eq!(order.updated_at, at("2026-11-03T10:00:00Z"));

        let delivered = Fulfilment {
            shipment_status: Some("delivered".into()),
            updated_at: Some(at("2026-11-05T10:00:00Z")),
            ..shipped.clone()
        };
        assert!(delivered.apply_to(&mut order));
        assert_eq!(
            statuses(&order.events),
            [
                OrderStatus::Placed,
                OrderStatus::Shipped,
                OrderStatus::Delivered
            ]
        );

        let cancelled = Fulfilment {
            status: Some("cancelled".into()),
            updated_at: Some(at("2026-11-06T10:00:00Z")),
            ..shipped.clone()
        };
        assert!(cancelled.apply_to(&mut order));
        assert_eq!(statuses(&order.events), [OrderStatus::Placed]);
        // The shipment, sent before the cancellation, arrives after it: nothing changes.
        assert!(
            !shipped.apply_to(&mut order),
            "an older fulfilment is stale"
        );
        assert_eq!(statuses(&order.events), [OrderStatus::Placed]);
    }
}
