//! The result types: what a message means.

use crate::jewelry::{Category, Metal};
use crate::order_number::OrderNumber;
use serde::{Deserialize, Serialize};

/// What the shopper wants, exactly one per message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Intent {
    /// Hello, how are you.
    Greeting,
    /// Looking for jewelry (including capsule, custom and made-to-order pieces).
    FindProduct,
    /// Where is my order.
    TrackOrder,
    /// Return, refund, exchange or resize.
    Returns,
    /// Wants a human: a stylist, an agent, customer service.
    Stylist,
    /// Wants the style quiz.
    StyleQuiz,
    /// Wants their shortlist (saved pieces).
    Shortlist,
    /// Asks what the concierge can do.
    Help,
    /// Anything outside the concierge's job.
    Unknown,
}

impl Intent {
    /// Every intent, in the order the rules try them.
    pub const ALL: [Intent; 9] = [
        Intent::Stylist,
        Intent::Returns,
        Intent::TrackOrder,
        Intent::Shortlist,
        Intent::StyleQuiz,
        Intent::FindProduct,
        Intent::Help,
        Intent::Greeting,
        Intent::Unknown,
    ];

    /// The snake_case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Intent::Greeting => "greeting",
            Intent::FindProduct => "find_product",
            Intent::TrackOrder => "track_order",
            Intent::Returns => "returns",
            Intent::Stylist => "stylist",
            Intent::StyleQuiz => "style_quiz",
            Intent::Shortlist => "shortlist",
            Intent::Help => "help",
            Intent::Unknown => "unknown",
        }
    }
}

impl std::fmt::Display for Intent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An order of results the shopper asked for: "cheapest", "most expensive" or "newest".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    /// Cheapest first.
    PriceAsc,
    /// Most expensive first.
    PriceDesc,
    /// Most recently added to the store first.
    Newest,
}

impl SortOrder {
    /// The snake_case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            SortOrder::PriceAsc => "price_asc",
            SortOrder::PriceDesc => "price_desc",
            SortOrder::Newest => "newest",
        }
    }
}

/// What a gift is for: context for a product search, never a filter on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Occasion {
    Anniversary,
    Birthday,
    Engagement,
    Wedding,
    Valentines,
    MothersDay,
    Graduation,
}

impl Occasion {
    /// How a reply names it ("for an anniversary").
    pub fn label(self) -> &'static str {
        match self {
            Occasion::Anniversary => "an anniversary",
            Occasion::Birthday => "a birthday",
            Occasion::Engagement => "an engagement",
            Occasion::Wedding => "a wedding",
            Occasion::Valentines => "Valentine's Day",
            Occasion::MothersDay => "Mother's Day",
            Occasion::Graduation => "a graduation",
        }
    }
}

/// Who a gift is for: context for a product search, never a filter on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recipient {
    /// A wife, girlfriend, fiancée, sister, daughter: "for her".
    Her,
    /// A husband, boyfriend, fiancé, brother, son: "for him".
    Him,
    /// A mother.
    Mom,
}

impl Recipient {
    /// How a reply names it ("for her").
    pub fn label(self) -> &'static str {
        match self {
            Recipient::Her => "her",
            Recipient::Him => "him",
            Recipient::Mom => "mom",
        }
    }
}

/// What a shopper asks the store to do that has no intent of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Request {
    /// Cancel an order ("I want to cancel my order"): understood as `returns`.
    Cancellation,
}

/// Catalog filters found in a message.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Filters {
    /// The category asked for, if any.
    pub category: Option<Category>,
    /// The finer type within the category ("hoops", "studs", "engagement ring"), named as the
    /// default catalog mapping names product types.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Metals asked for (any of them), in order of first mention.
    pub metals: Vec<Metal>,
    /// Lowest price, in the store currency's major unit.
    #[serde(serialize_with = "crate::price::serialize_price")]
    pub min_price: Option<f64>,
    /// Highest price, in the store currency's major unit.
    #[serde(serialize_with = "crate::price::serialize_price")]
    pub max_price: Option<f64>,
    /// Only pieces that are ready to ship.
    pub ready_to_ship: bool,
    /// Styles asked for (classic, modern, vintage, minimalist, …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub styles: Vec<String>,
    /// The remaining words worth a text search.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// The order asked for, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort: Option<SortOrder>,
    /// What the piece is a gift for ("for our anniversary"), if said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occasion: Option<Occasion>,
    /// Who the piece is a gift for ("for my wife"), if said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient: Option<Recipient>,
}

/// What one message means.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Understanding {
    /// The one intent.
    pub intent: Intent,
    /// Catalog filters (empty unless the message is about jewelry).
    pub filters: Filters,
    /// The order number, normalised (no `#`, upper-case).
    pub order_number: Option<OrderNumber>,
    /// A request within the intent: `cancellation` for "cancel my order" (intent `returns`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<Request>,
    /// The title of the knowledge-file section that answered the message. Set by the
    /// concierge, which holds the store's knowledge file; never by this crate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
}
