//! The reply blocks: what the concierge says, as typed data the widget only renders.
//! Documented for integrators in docs/api/blocks.md; bump [`SCHEMA_VERSION`] on any change
//! a renderer could notice.

use crate::catalog::Product;
use crate::money::Currency;
use crate::orders::Order;
use serde::{Deserialize, Serialize};

/// The version of the block schema every reply carries.
pub const SCHEMA_VERSION: u32 = 1;

/// One piece of a reply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    /// Plain text (never HTML).
    Text { text: String },
    /// Product cards, with the filters that produced them.
    Products {
        products: Vec<ProductCard>,
        /// Total matches (the cards are the first of them).
        total: usize,
        /// The active filters as chips the shopper can remove.
        filters: Vec<FilterChip>,
    },
    /// Buttons that send an action back as a message.
    QuickReplies { replies: Vec<QuickReply> },
    /// A form the widget renders and submits to `endpoint`.
    Form(Form),
    /// An order's status timeline.
    OrderTimeline(Timeline),
    /// A 1–5 satisfaction question for the conversation.
    CsatPrompt { question: String },
    /// The store's own answer to a question, from a section of its knowledge file.
    Answer {
        /// Plain text (never HTML): paragraphs separated by a blank line, list items
        /// starting with "- ".
        text: String,
        /// The title of the section it comes from.
        source: String,
        /// What the shopper can say next: whether it helped, or to talk to a stylist.
        follow_ups: Vec<QuickReply>,
    },
    /// Something the shopper should notice (an error, a limit, a pause).
    Notice { level: NoticeLevel, text: String },
}

/// Whether a reply answered the shopper: it shows products, an order's timeline or one of the
/// store's answers. The
/// conversation's [`Outcome`](crate::conversations::Outcome) rests on its last reply.
pub fn answers(blocks: &[Block]) -> bool {
    blocks.iter().any(|block| match block {
        Block::Products { products, .. } => !products.is_empty(),
        Block::OrderTimeline(_) | Block::Answer { .. } => true,
        _ => false,
    })
}

/// How strongly a notice should stand out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoticeLevel {
    Info,
    Warning,
    Error,
}

/// A product as a card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ProductCard {
    pub id: String,
    pub title: String,
    /// In the store currency's major unit.
    pub price: f64,
    pub price_formatted: String,
    pub metal: String,
    pub metal_label: String,
    pub category: String,
    pub image_url: String,
    pub image_alt: String,
    pub ready_to_ship: bool,
    pub url: String,
    /// The highest price of its variants when they differ (`price` is then the lowest and
    /// `price_formatted` reads "from …"); null when they cost the same.
    #[serde(default)]
    pub price_max: Option<f64>,
    /// Every metal it comes in (machine names), the main one (`metal`) first.
    #[serde(default)]
    pub metals: Vec<String>,
}

impl ProductCard {
    /// The card of `p`, its price in `currency`.
    pub fn new(p: &Product, currency: Currency) -> Self {
        let (price, price_max) = p.price_range();
        let ranged = price_max > price;
        ProductCard {
            id: p.id.clone(),
            title: p.title.clone(),
            price: currency.major(price),
            price_formatted: if ranged {
                format!("from {}", currency.format(price))
            } else {
                currency.format(price)
            },
            price_max: ranged.then(|| currency.major(price_max)),
            metals: p
                .all_metals()
                .iter()
                .map(|m| m.as_str().to_string())
                .collect(),
            metal: p.metal.as_str().to_string(),
            metal_label: p.metal.label().to_string(),
            category: p.category.as_str().to_string(),
            image_url: p.image_url.clone(),
            image_alt: p.image_alt.clone(),
            ready_to_ship: p.ready_to_ship,
            url: p.url.clone(),
        }
    }
}

/// An active filter, with the action that removes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FilterChip {
    pub label: String,
    pub remove_action: String,
}

/// A button: its label, and the action it sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct QuickReply {
    pub label: String,
    pub action: String,
}

impl QuickReply {
    /// A button labelled `label` that sends `action`.
    pub fn new(label: &str, action: &str) -> Self {
        QuickReply {
            label: label.to_string(),
            action: action.to_string(),
        }
    }
}

/// Which form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FormKind {
    OrderLookup,
    ReturnOrResize,
    Stylist,
    Csat,
    Cancellation,
}

/// A form: fields with their rules, where to submit, what the button says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Form {
    pub form: FormKind,
    pub title: String,
    /// `POST` here with a JSON object of the field values.
    pub endpoint: String,
    pub submit_label: String,
    pub fields: Vec<Field>,
}

/// The input a field needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    Text,
    Email,
    Tel,
    Textarea,
    Select,
    Radio,
    /// Several choices; submitted as a JSON array of values.
    Checkboxes,
}

/// One choice of a select, radio or checkboxes field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

/// One field of a form. The server validates again whatever the widget checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Field {
    pub name: String,
    pub label: String,
    #[serde(rename = "type")]
    pub kind: FieldType,
    pub required: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_length: Option<usize>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub choices: Vec<Choice>,
    /// A prefilled value (from the shopper's signed identity, or the conversation).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// A hint shown under the field (e.g. the order-number format).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// Only required when the field `name` has `value` (e.g. new size when resizing).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required_when: Option<Condition>,
}

/// A field's value that makes another field required.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Condition {
    pub field: String,
    pub equals: String,
}

/// An order's timeline, as shown to the shopper who placed it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Timeline {
    pub order_number: String,
    pub status: String,
    pub status_label: String,
    pub events: Vec<TimelineEvent>,
    pub items: Vec<TimelineItem>,
}

/// One step of the timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TimelineEvent {
    pub status: String,
    pub label: String,
    /// RFC 3339.
    pub at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub carrier: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tracking_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tracking_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One line of the order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TimelineItem {
    pub title: String,
    pub quantity: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ring_size: Option<String>,
    pub made_to_order: bool,
}

impl From<&Order> for Timeline {
    fn from(order: &Order) -> Self {
        let status = order.status();
        Timeline {
            order_number: order.number.to_string(),
            status: status.as_str().to_string(),
            status_label: status.label().to_string(),
            events: order
                .events
                .iter()
                .map(|e| TimelineEvent {
                    status: e.status.as_str().to_string(),
                    label: e.status.label().to_string(),
                    at: e.at.to_rfc3339(),
                    carrier: e.carrier.clone(),
                    tracking_number: e.tracking_number.clone(),
                    tracking_url: e.tracking_url.clone(),
                    note: e.note.clone(),
                })
                .collect(),
            items: order
                .items
                .iter()
                .map(|i| TimelineItem {
                    title: i.title.clone(),
                    quantity: i.quantity,
                    ring_size: i.ring_size.clone(),
                    made_to_order: i.made_to_order,
                })
                .collect(),
        }
    }
}

/// Blocks as the JSON array text that is stored and answered.
pub fn to_json(blocks: &[Block]) -> Box<serde_json::value::RawValue> {
    // Blocks always serialize (no maps with non-text keys).
    serde_json::value::to_raw_value(blocks).unwrap_or_default()
}

/// A text block.
pub fn text(text: impl Into<String>) -> Block {
    Block::Text { text: text.into() }
}

/// A notice block.
pub fn notice(level: NoticeLevel, text: impl Into<String>) -> Block {
    Block::Notice {
        level,
        text: text.into(),
    }
}
