//! Orders, their line items and their status timeline; how orders come in (an export file, a
//! platform's webhook, our orders API) is in the submodules, each turning its source into an
//! [`Order`].

pub mod import;
mod input;
pub mod shopify;

pub use input::{OrderInput, OrderRules};

pub use aurora_nlu::OrderNumber;
use chrono::{DateTime, Utc};

use crate::email::Email;
use crate::money::Money;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Where an order stands. Each change is an [`OrderEvent`] on its timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    Placed,
    Paid,
    InProduction,
    Shipped,
    Delivered,
    Cancelled,
    Refunded,
}

impl OrderStatus {
    /// Every status, in the order an order normally goes through them.
    pub const ALL: [OrderStatus; 7] = [
        OrderStatus::Placed,
        OrderStatus::Paid,
        OrderStatus::InProduction,
        OrderStatus::Shipped,
        OrderStatus::Delivered,
        OrderStatus::Cancelled,
        OrderStatus::Refunded,
    ];

    /// The stable machine name (`in_production`).
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Placed => "placed",
            OrderStatus::Paid => "paid",
            OrderStatus::InProduction => "in_production",
            OrderStatus::Shipped => "shipped",
            OrderStatus::Delivered => "delivered",
            OrderStatus::Cancelled => "cancelled",
            OrderStatus::Refunded => "refunded",
        }
    }

    /// The shopper-facing name (`In production`).
    pub fn label(self) -> &'static str {
        match self {
            OrderStatus::Placed => "Placed",
            OrderStatus::Paid => "Paid",
            OrderStatus::InProduction => "In production",
            OrderStatus::Shipped => "Shipped",
            OrderStatus::Delivered => "Delivered",
            OrderStatus::Cancelled => "Cancelled",
            OrderStatus::Refunded => "Refunded",
        }
    }
}

impl fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for OrderStatus {
    type Err = crate::catalog::UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OrderStatus::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| crate::catalog::UnknownName {
                kind: "order status",
                value: s.to_string(),
            })
    }
}

/// One line of an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderItem {
    /// The product's id when it is (still) in the catalog.
    pub product_id: Option<String>,
    /// The title as it was sold, kept even if the product leaves the catalog.
    pub title: String,
    pub quantity: i32,
    /// Unit price, as charged; `price_cents` in files and rows.
    #[serde(rename = "price_cents")]
    pub price: Money,
    /// Ring size (US), for rings.
    pub ring_size: Option<String>,
    pub made_to_order: bool,
}

/// One step of an order's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderEvent {
    pub status: OrderStatus,
    pub at: DateTime<Utc>,
    /// Carrier name, for `shipped`.
    pub carrier: Option<String>,
    /// Tracking number, for `shipped`.
    pub tracking_number: Option<String>,
    /// Tracking link, for `shipped`.
    pub tracking_url: Option<String>,
    /// A short note for the shopper (e.g. why an order was cancelled).
    pub note: Option<String>,
}

/// An order as the concierge may show it to the shopper who placed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    /// The store's order number, normalised (`GG-104233`).
    pub number: OrderNumber,
    /// The customer's email as given at checkout; compared case-insensitively.
    pub email: Email,
    pub placed_at: DateTime<Utc>,
    /// When the source last changed the order: a delivery or file older than this never
    /// overwrites it.
    pub updated_at: DateTime<Utc>,
    /// The order's id on the store's platform (Shopify's order id), which its fulfilments name.
    #[serde(default)]
    pub platform_id: Option<String>,
    pub items: Vec<OrderItem>,
    /// Oldest first; never empty for a stored order.
    pub events: Vec<OrderEvent>,
}

impl Order {
    /// The current status: the latest event's.
    pub fn status(&self) -> OrderStatus {
        self.events
            .last()
            .map_or(OrderStatus::Placed, |event| event.status)
    }

    /// When it was fulfilled (shipped), if it was: what a return window counts from when no
    /// delivery is recorded.
    pub fn shipped_at(&self) -> Option<DateTime<Utc>> {
        self.events
            .iter()
            .find(|e| e.status == OrderStatus::Shipped)
            .map(|e| e.at)
    }

    /// Whether `email` is this order's email, ignoring case.
    pub fn email_matches(&self, email: &Email) -> bool {
        self.email.matches(email)
    }
}
