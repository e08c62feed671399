//! An order as another system sends it: the body of `PUT /api/integrations/orders/{number}` and
//! a line of our JSON Lines export format. Checked here once, whatever brought it, so that what
//! the widget shows (a tracking link above all) is always safe to show.

use super::{Order, OrderEvent, OrderItem, OrderNumber, OrderStatus};
use crate::concierge::forms::Invalid;
use crate::email::Email;
use crate::money::Money;
use chrono::{DateTime, Utc};
use serde::Deserialize;

/// Most line items an order may have.
pub const MAX_ITEMS: usize = 250;
/// Most events a timeline may have.
pub const MAX_EVENTS: usize = 50;
/// Longest title, carrier, tracking number or note, in characters.
pub const MAX_TEXT_CHARS: usize = 500;
/// Longest tracking link, in bytes.
pub const MAX_URL_BYTES: usize = 2_000;
/// Longest order number, in characters.
pub const MAX_NUMBER_CHARS: usize = 64;

/// How the store's orders are read from its platform.
#[derive(Debug, Clone)]
pub struct OrderRules {
    /// The order tag, or line-item property, that marks made-to-order pieces: they are "in
    /// production" once paid and cannot be returned (`AURORA_ORDERS_MADE_TO_ORDER_TAG`).
    pub made_to_order_tag: String,
    /// The store's currency: how many decimals a price has.
    pub currency: crate::money::Currency,
}

impl Default for OrderRules {
    fn default() -> Self {
        OrderRules {
            made_to_order_tag: "made-to-order".to_string(),
            currency: crate::money::Currency::default(),
        }
    }
}

impl OrderRules {
    /// Whether a tag or property name is the made-to-order mark ("Made to order",
    /// "made_to_order" and "made-to-order" are one).
    pub fn is_made_to_order_mark(&self, name: &str) -> bool {
        let simple = |text: &str| -> String {
            text.chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect()
        };
        !name.trim().is_empty() && simple(name) == simple(&self.made_to_order_tag)
    }
}

/// An order as sent to the orders API or written in a JSON Lines file.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderInput {
    /// The order number; required in a file, and equal to the path's when sent to the API.
    #[serde(default)]
    pub number: Option<String>,
    /// The customer's email: the shopper proves the order is theirs with it.
    pub email: String,
    pub placed_at: DateTime<Utc>,
    /// When the order last changed; an older update never overwrites a newer one. Defaults to
    /// the latest time of the timeline.
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
    /// The order's id on the sending platform, if it has one.
    #[serde(default)]
    pub platform_id: Option<String>,
    #[serde(default)]
    pub items: Vec<ItemInput>,
    /// The status timeline, any order (it is sorted by time). Without a `placed` event, one is
    /// added at `placed_at`.
    #[serde(default)]
    pub events: Vec<EventInput>,
}

/// A line item of an [`OrderInput`].
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemInput {
    /// The product's id in the catalog, when it is one.
    #[serde(default)]
    pub product_id: Option<String>,
    pub title: String,
    pub quantity: i32,
    /// Unit price in minor units (cents).
    pub price_cents: i64,
    /// Ring size (US), for rings: what makes a piece resizable.
    #[serde(default)]
    pub ring_size: Option<String>,
    /// Made to order: cannot be returned.
    #[serde(default)]
    pub made_to_order: bool,
}

/// A status change of an [`OrderInput`].
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventInput {
    /// `placed`, `paid`, `in_production`, `shipped`, `delivered`, `cancelled` or `refunded`.
    pub status: String,
    pub at: DateTime<Utc>,
    #[serde(default)]
    pub carrier: Option<String>,
    #[serde(default)]
    pub tracking_number: Option<String>,
    /// An `https://` or `http://` link to the carrier's tracking page.
    #[serde(default)]
    pub tracking_url: Option<String>,
    /// A short note for the shopper.
    #[serde(default)]
    pub note: Option<String>,
}

impl OrderInput {
    /// The order, or every field that is wrong (`path_number` is the API path's number, which a
    /// body's `number` must equal when it has one).
    pub fn into_order(self, path_number: Option<&str>) -> Result<Order, Vec<Invalid>> {
        let mut invalid = Vec::new();
        let number = match (path_number, self.number.as_deref()) {
            (Some(path), Some(body))
                if OrderNumber::normalise(path) != OrderNumber::normalise(body) =>
            {
                invalid.push(Invalid::new(
                    "number",
                    "differs from the order number in the address",
                ));
                None
            }
            (Some(number), _) | (None, Some(number)) => check_number(number, &mut invalid),
            (None, None) => {
                invalid.push(Invalid::new("number", "is required"));
                None
            }
        };
        let email = Email::parse(&self.email)
            .map_err(|_| invalid.push(Invalid::new("email", "is not an email address")))
            .ok();
        if self.items.len() > MAX_ITEMS {
            invalid.push(Invalid::new(
                "items",
                format!("has more than {MAX_ITEMS} items"),
            ));
        }
        if self.events.len() > MAX_EVENTS {
            invalid.push(Invalid::new(
                "events",
                format!("has more than {MAX_EVENTS} events"),
            ));
        }
        let items: Vec<OrderItem> = (self.items.into_iter().take(MAX_ITEMS).enumerate())
            .filter_map(|(at, item)| item.check(at, &mut invalid))
            .collect();
        let events: Vec<OrderEvent> = (self.events.into_iter().take(MAX_EVENTS).enumerate())
            .filter_map(|(at, event)| event.check(at, &mut invalid))
            .collect();
        check_text("platform_id", self.platform_id.as_deref(), &mut invalid);
        let (Some(number), Some(email), true) = (number, email, invalid.is_empty()) else {
            return Err(invalid);
        };
        Ok(Order::assemble(
            number,
            email,
            self.placed_at,
            self.updated_at,
            self.platform_id,
            items,
            events,
        ))
    }
}

impl Order {
    /// An order from checked parts: the timeline sorted by time (a `placed` event added when it
    /// has none), and `updated_at` at least the latest event's time.
    pub fn assemble(
        number: OrderNumber,
        email: Email,
        placed_at: DateTime<Utc>,
        updated_at: Option<DateTime<Utc>>,
        platform_id: Option<String>,
        items: Vec<OrderItem>,
        mut events: Vec<OrderEvent>,
    ) -> Order {
        if !events.iter().any(|e| e.status == OrderStatus::Placed) {
            events.push(OrderEvent::new(OrderStatus::Placed, placed_at));
        }
        // Stable: events at the same time keep the order they were given in.
        events.sort_by_key(|e| (e.at, e.status != OrderStatus::Placed));
        let latest = events.iter().map(|e| e.at).max().unwrap_or(placed_at);
        Order {
            number,
            email,
            placed_at,
            updated_at: updated_at.map_or(latest, |at| at.max(placed_at)),
            platform_id,
            items,
            events,
        }
    }
}

impl OrderEvent {
    /// An event with nothing but its status and time.
    pub fn new(status: OrderStatus, at: DateTime<Utc>) -> OrderEvent {
        OrderEvent {
            status,
            at,
            carrier: None,
            tracking_number: None,
            tracking_url: None,
            note: None,
        }
    }
}

/// Whether `url` may be shown as a tracking link: `https://` or `http://`, no spaces or
/// control characters, at most [`MAX_URL_BYTES`]. Anything else (`javascript:` above all) is
/// refused.
pub fn is_tracking_url(url: &str) -> bool {
    let lower = url
        .get(..8)
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && url.len() <= MAX_URL_BYTES
        && url.len() > 8
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn check_number(text: &str, invalid: &mut Vec<Invalid>) -> Option<OrderNumber> {
    let number = OrderNumber::normalise(text);
    let ok = !number.as_str().is_empty()
        && number.as_str().chars().count() <= MAX_NUMBER_CHARS
        && number
            .as_str()
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'));
    if ok {
        Some(number)
    } else {
        let message =
            format!("must be 1 to {MAX_NUMBER_CHARS} letters, digits, dashes, dots or underscores");
        invalid.push(Invalid::new("number", message));
        None
    }
}

fn check_text(field: &str, text: Option<&str>, invalid: &mut Vec<Invalid>) {
    if text.is_some_and(|t| t.chars().count() > MAX_TEXT_CHARS) {
        let message = format!("is longer than {MAX_TEXT_CHARS} characters");
        invalid.push(Invalid::new(field, message));
    }
}

impl ItemInput {
    fn check(self, at: usize, invalid: &mut Vec<Invalid>) -> Option<OrderItem> {
        let before = invalid.len();
        let field = |name: &str| format!("items[{at}].{name}");
        if self.title.trim().is_empty() {
            invalid.push(Invalid::new(&field("title"), "is empty"));
        }
        check_text(&field("title"), Some(&self.title), invalid);
        check_text(&field("product_id"), self.product_id.as_deref(), invalid);
        check_text(&field("ring_size"), self.ring_size.as_deref(), invalid);
        if !(1..=10_000).contains(&self.quantity) {
            invalid.push(Invalid::new(&field("quantity"), "must be 1 to 10000"));
        }
        if self.price_cents < 0 {
            invalid.push(Invalid::new(&field("price_cents"), "must not be negative"));
        }
        (invalid.len() == before).then(|| OrderItem {
            product_id: self.product_id,
            title: self.title.trim().to_string(),
            quantity: self.quantity,
            price: Money::from_minor(self.price_cents),
            ring_size: self.ring_size.filter(|s| !s.trim().is_empty()),
            made_to_order: self.made_to_order,
        })
    }
}

impl EventInput {
    fn check(self, at: usize, invalid: &mut Vec<Invalid>) -> Option<OrderEvent> {
        let before = invalid.len();
        let field = |name: &str| format!("events[{at}].{name}");
        let status = self.status.parse::<OrderStatus>().ok();
        if status.is_none() {
            let names: Vec<&str> = OrderStatus::ALL.iter().map(|s| s.as_str()).collect();
            let message = format!("must be one of {}", names.join(", "));
            invalid.push(Invalid::new(&field("status"), message));
        }
        check_text(&field("carrier"), self.carrier.as_deref(), invalid);
        check_text(
            &field("tracking_number"),
            self.tracking_number.as_deref(),
            invalid,
        );
        check_text(&field("note"), self.note.as_deref(), invalid);
        if self
            .tracking_url
            .as_deref()
            .is_some_and(|url| !is_tracking_url(url))
        {
            let message =
                format!("must be an https:// or http:// link of at most {MAX_URL_BYTES} bytes");
            invalid.push(Invalid::new(&field("tracking_url"), message));
        }
        let status = status.filter(|_| invalid.len() == before)?;
        Some(OrderEvent {
            status,
            at: self.at,
            carrier: self.carrier,
            tracking_number: self.tracking_number,
            tracking_url: self.tracking_url,
            note: self.note,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn input(json: serde_json::Value) -> OrderInput {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn an_order_without_a_placed_event_gets_one_and_its_timeline_is_sorted() {
        let order = input(serde_json::json!({
            "email": "Ana@Example.com",
            "placed_at": "2026-11-01T10:00:00Z",
            "items": [{"title": "Halo ring", "quantity": 1, "price_cents": 120000, "ring_size": "6.5"}],
            "events": [
                {"status": "shipped", "at": "2026-11-03T10:00:00Z", "carrier": "UPS",
                 "tracking_number": "1Z", "tracking_url": "https://ups.example/1Z"},
                {"status": "paid", "at": "2026-11-01T10:05:00Z"}
            ]
        }))
        .into_order(Some("#A-1001"))
        .unwrap();
        assert_eq!(order.number.as_str(), "A-1001");
        let statuses: Vec<_> = order.events.iter().map(|e| e.status).collect();
        assert_eq!(
            statuses,
            [OrderStatus::Placed, OrderStatus::Paid, OrderStatus::Shipped]
        );
        assert_eq!(order.updated_at, order.events[2].at);
        assert_eq!(order.shipped_at(), Some(order.events[2].at));
    }

    #[test]
    fn every_wrong_field_is_named_and_a_script_link_is_refused() {
        let errors = input(serde_json::json!({
            "number": "B-2",
            "email": "not-an-email",
            "placed_at": "2026-11-01T10:00:00Z",
            "items": [{"title": " ", "quantity": 0, "price_cents": -1}],
            "events": [{"status": "lost", "at": "2026-11-01T10:00:00Z",
                        "tracking_url": "javascript:alert(1)"}]
        }))
        .into_order(Some("A-1"))
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "number",
                "email",
                "items[0].title",
                "items[0].quantity",
                "items[0].price_cents",
                "events[0].status",
                "events[0].tracking_url"
            ]
        );
    }

    #[test]
    fn tracking_links_are_web_links_only() {
        assert!(is_tracking_url("https://www.ups.com/track?n=1Z"));
        assert!(is_tracking_url("HTTP://carrier.example/x"));
        for bad in [
            "javascript:alert(1)",
            "data:text/html,x",
            "https://a b",
            "https://",
            "ftp://x/y",
        ] {
            assert!(!is_tracking_url(bad), "{bad}");
        }
    }

    #[test]
    fn the_made_to_order_mark_ignores_case_and_separators() {
        let rules = OrderRules::default();
        for name in ["made-to-order", "Made to order", "MADE_TO_ORDER"] {
            assert!(rules.is_made_to_order_mark(name), "{name}");
        }
        assert!(!rules.is_made_to_order_mark("ready to ship"));
        assert!(!rules.is_made_to_order_mark(""));
    }
}
