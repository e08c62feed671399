//! The concierge: turns a shopper's message or button into reply blocks, and handles the
//! forms (order lookup, return or resize, stylist, CSAT). Business logic lives here, once;
//! the widget only renders blocks.

pub mod blocks;
mod discovery;
pub mod forms;
mod support;

pub use discovery::PAGE;
pub use support::{
    LookupOutcome, Rating, TicketReceipt, csat_prompt, lookup_order, submit_cancellation,
    submit_csat, submit_return, submit_stylist, webhook_payload,
};

use crate::catalog::Category;
use crate::catalog::search::{ProductQuery, SearchIndex, Sort};
use crate::conversations::ConversationState;
use crate::email::Email;
use crate::knowledge::KnowledgeIndex;
use crate::money::Currency;
use crate::orders::OrderNumber;
use crate::store::{Store, StoreResult};
use aurora_nlu::{Intent, NluConfig, Understander};
use blocks::{Block, Form, QuickReply, text};
use chrono::{DateTime, Utc};
use forms::Prefill;

/// Store settings the concierge's words depend on.
#[derive(Debug, Clone)]
pub struct ConciergeSettings {
    /// The store's name, for the welcome.
    pub store_name: String,
    /// What the stylist confirmation promises, e.g. "within one business day".
    pub stylist_response_time: String,
    /// Days after delivery within which a return is accepted.
    pub return_window_days: u32,
    /// How support can be reached when the concierge cannot help (email or phone).
    pub contact: String,
    /// An example order number in the store's format, for hints ("e.g. GG-104233").
    pub order_number_example: String,
    /// The store's currency: prices are shown in it.
    pub currency: Currency,
}

impl Default for ConciergeSettings {
    fn default() -> Self {
        ConciergeSettings {
            store_name: "our store".to_string(),
            stylist_response_time: "within one business day".to_string(),
            return_window_days: 30,
            contact: "support@example.com".to_string(),
            order_number_example: "GG-104233".to_string(),
            currency: Currency::USD,
        }
    }
}

/// The concierge of one store: built once at start, shared by every request.
pub struct Concierge {
    understander: Understander,
    settings: ConciergeSettings,
}

/// What a shopper sent: typed text, or the action of a button.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Text(String),
    Action(String),
}

/// Everything one turn may read: storage, the current search index, who is asking.
pub struct Turn<'a> {
    pub store: &'a dyn Store,
    pub index: &'a SearchIndex,
    pub visitor_id: &'a str,
    /// The email of a valid signed identity; never a typed one.
    pub identity_email: Option<&'a Email>,
    /// The name of a valid signed identity, if it carries one.
    pub identity_name: Option<&'a str>,
    pub now: DateTime<Utc>,
    /// The store's knowledge file, indexed, as this instance last loaded it.
    pub knowledge: std::sync::Arc<KnowledgeIndex>,
}

/// What the knowledge file did for one input (counted by the metrics).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KnowledgeUse {
    /// A question was looked up and a section answered it.
    Answered,
    /// A question was looked up and no section answered it.
    Unanswered,
    /// The shopper said an answer helped (`true`) or did not.
    Feedback(bool),
}

/// The concierge's answer to one input.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub blocks: Vec<Block>,
    /// What it understood the typed text as (`None` for a button): what the message is stored
    /// with, and the intent the metrics count.
    pub understanding: Option<aurora_nlu::Understanding>,
    /// How many product cards it shows.
    pub products_shown: usize,
    /// Whether the knowledge file was asked, and what came of it.
    pub knowledge: Option<KnowledgeUse>,
}

/// An action that names nothing the concierge knows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown action `{0}`")]
pub struct UnknownAction(pub String);

/// The quick links of the welcome and of "what can you do".
pub fn quick_links() -> Vec<QuickReply> {
    vec![
        QuickReply::new("Ready to ship", "ready_to_ship"),
        QuickReply::new("Rings", "category:rings"),
        QuickReply::new("Necklaces", "category:necklaces"),
        QuickReply::new("Earrings", "category:earrings"),
        QuickReply::new("Bracelets", "category:bracelets"),
        QuickReply::new("Track my order", "track_order"),
        QuickReply::new("Returns & resizing", "returns"),
        QuickReply::new("Talk to a stylist", "stylist"),
    ]
}

/// The store's answer from `section`, with what the shopper can say next.
fn answer_blocks(section: &crate::knowledge::Section) -> Vec<Block> {
    vec![Block::Answer {
        text: section.answer.clone(),
        source: section.title.clone(),
        follow_ups: vec![
            QuickReply::new("Yes, this helped", "helpful:yes"),
            QuickReply::new("Not helpful", "helpful:no"),
            QuickReply::new("Talk to a stylist", "stylist"),
        ],
    }]
}

/// The shopper's word on an answer: `helpful:yes` or `helpful:no`.
fn helpful(action: &str) -> Option<bool> {
    match action {
        "helpful:yes" => Some(true),
        "helpful:no" => Some(false),
        _ => None,
    }
}

fn feedback_blocks(helped: bool) -> Vec<Block> {
    if helped {
        vec![
            text("Glad it helped! Anything else I can do?"),
            Block::QuickReplies {
                replies: quick_links(),
            },
        ]
    } else {
        vec![
            text("Sorry it didn't help. A stylist can answer you in person:"),
            Block::QuickReplies {
                replies: vec![
                    QuickReply::new("Talk to a stylist", "stylist"),
                    QuickReply::new("Something else", "help"),
                ],
            },
        ]
    }
}

/// Style tags offered by the style quick links.
pub const STYLES: [&str; 6] = [
    "classic",
    "modern",
    "vintage",
    "minimalist",
    "bold",
    "romantic",
];

impl Concierge {
    /// A concierge with the store's message-understanding settings and words.
    pub fn new(
        nlu: &NluConfig,
        settings: ConciergeSettings,
    ) -> Result<Self, aurora_nlu::ConfigError> {
        Ok(Concierge {
            understander: Understander::new(nlu)?,
            settings,
        })
    }

    /// The message understanding, for validating order numbers.
    pub fn understander(&self) -> &Understander {
        &self.understander
    }

    /// The store's settings.
    pub fn settings(&self) -> &ConciergeSettings {
        &self.settings
    }

    /// The first message of every conversation.
    pub fn welcome(&self) -> Vec<Block> {
        vec![
            text(format!(
                "Hello! I'm the {} concierge. I can find jewelry for you, track an order, start a return or a resize, or put you in touch with a stylist.",
                self.settings.store_name
            )),
            text("Try “rose gold rings under $800”, or pick one:"),
            Block::QuickReplies {
                replies: quick_links(),
            },
        ]
    }

    fn order_hint(&self) -> String {
        format!("e.g. {}", self.settings.order_number_example)
    }

    /// Answers one message or button, updating the conversation's state.
    pub async fn reply(
        &self,
        turn: &Turn<'_>,
        state: &mut ConversationState,
        input: &Input,
    ) -> StoreResult<Result<Reply, UnknownAction>> {
        match input {
            Input::Text(message) => {
                let mut understanding = self.understander.understand(message);
                if understanding.intent == Intent::Unknown
                    && state.query != ProductQuery::default()
                    && let Some(filters) = self.refinement(message)
                {
                    understanding.intent = Intent::FindProduct;
                    understanding.filters = filters;
                }
                let mut knowledge = None;
                if matches!(understanding.intent, Intent::Unknown | Intent::Help)
                    && !message.trim_start().starts_with('/')
                {
                    match turn.knowledge.lookup(message) {
                        Some(found) => {
                            // Answered from the store's own words: understood as a question
                            // for help, so it never joins what the concierge did not understand.
                            understanding.intent = Intent::Help;
                            understanding.answer = Some(found.section.title.clone());
                            return Ok(Ok(Reply {
                                blocks: answer_blocks(found.section),
                                understanding: Some(understanding),
                                products_shown: 0,
                                knowledge: Some(KnowledgeUse::Answered),
                            }));
                        }
                        // "What can you do" is answered by the concierge itself.
                        None if understanding.intent == Intent::Help => {}
                        None => knowledge = Some(KnowledgeUse::Unanswered),
                    }
                }
                let intent = understanding.intent;
                let (blocks, shown) = match intent {
                    Intent::FindProduct => {
                        discovery::merge(state, &understanding.filters, self.settings.currency);
                        state.offset = 0;
                        discovery::products_reply(turn.index, state, self.settings.currency)
                    }
                    Intent::TrackOrder => (
                        self.track_order(turn, understanding.order_number.clone())
                            .await?,
                        0,
                    ),
                    Intent::Returns
                        if understanding.request == Some(aurora_nlu::Request::Cancellation) =>
                    {
                        (
                            self.cancellation_form(turn, understanding.order_number.clone()),
                            0,
                        )
                    }
                    other => self.intent_reply(turn, state, other).await?,
                };
                Ok(Ok(Reply {
                    blocks,
                    understanding: Some(understanding),
                    products_shown: shown,
                    knowledge,
                }))
            }
            Input::Action(action) => {
                if let Some(helped) = helpful(action) {
                    return Ok(Ok(Reply {
                        blocks: feedback_blocks(helped),
                        understanding: None,
                        products_shown: 0,
                        knowledge: Some(KnowledgeUse::Feedback(helped)),
                    }));
                }
                let Some((blocks, shown)) = self.action_reply(turn, state, action).await? else {
                    return Ok(Err(UnknownAction(action.clone())));
                };
                Ok(Ok(Reply {
                    blocks,
                    understanding: None,
                    products_shown: shown,
                    knowledge: None,
                }))
            }
        }
    }

    /// The filters of a follow-up that names no jewelry ("under 500", "in platinum") during a
    /// search: read as if it did, keeping only real filters (not the added word as text).
    fn refinement(&self, message: &str) -> Option<aurora_nlu::Filters> {
        let reading = self.understander.understand(&format!("jewelry {message}"));
        let filters = aurora_nlu::Filters {
            query: None,
            ..reading.filters
        };
        let narrows = filters.category.is_some()
            || !filters.metals.is_empty()
            || filters.min_price.is_some()
            || filters.max_price.is_some()
            || filters.ready_to_ship
            || !filters.styles.is_empty()
            || filters.sort.is_some();
        (reading.intent == Intent::FindProduct && narrows).then_some(filters)
    }

    async fn intent_reply(
        &self,
        turn: &Turn<'_>,
        state: &mut ConversationState,
        intent: Intent,
    ) -> StoreResult<(Vec<Block>, usize)> {
        Ok(match intent {
            Intent::Greeting => (
                vec![
                    text("Hello! What are you looking for today?"),
                    Block::QuickReplies {
                        replies: quick_links(),
                    },
                ],
                0,
            ),
            Intent::Returns => (self.returns_form(turn), 0),
            Intent::Stylist => (self.stylist_form(turn), 0),
            Intent::StyleQuiz => (style_links(), 0),
            Intent::Shortlist => self.shortlist_reply(turn, state).await?,
            Intent::Help => (
                vec![
                    text(
                        "I can find jewelry by category, metal, budget and style (“white gold earrings under $500”, “vintage rings”), show what is ready to ship, track an order, start a return or a resize, and put you in touch with a stylist.",
                    ),
                    Block::QuickReplies {
                        replies: quick_links(),
                    },
                ],
                0,
            ),
            Intent::FindProduct | Intent::TrackOrder | Intent::Unknown => (
                vec![
                    text(
                        "I'm not sure I understood that. I can help you find jewelry, track an order, start a return or a resize, or reach a stylist:",
                    ),
                    Block::QuickReplies {
                        replies: quick_links(),
                    },
                ],
                0,
            ),
        })
    }

    async fn action_reply(
        &self,
        turn: &Turn<'_>,
        state: &mut ConversationState,
        action: &str,
    ) -> StoreResult<Option<(Vec<Block>, usize)>> {
        let (name, argument) = action.split_once(':').unwrap_or((action, ""));
        let search = |state: &mut ConversationState| {
            state.offset = 0;
            Some(discovery::products_reply(
                turn.index,
                state,
                self.settings.currency,
            ))
        };
        Ok(match (name, argument) {
            ("ready_to_ship", "") => {
                state.query.ready_to_ship = true;
                search(state)
            }
            // Only the shopper's categories: `other` is never offered in a conversation.
            ("category", value) => match value.parse() {
                Ok(category) if Category::SHOPPER.contains(&category) => {
                    state.query = ProductQuery {
                        category: Some(category),
                        ready_to_ship: state.query.ready_to_ship,
                        ..ProductQuery::default()
                    };
                    search(state)
                }
                _ => None,
            },
            ("metal", value) => match value.parse() {
                Ok(metal) => {
                    state.query.metals = vec![metal];
                    search(state)
                }
                Err(_) => None,
            },
            ("style", value) if STYLES.contains(&value) => {
                state.query.styles = vec![value.to_string()];
                search(state)
            }
            ("remove", filter) => {
                if discovery::remove(state, filter) {
                    search(state)
                } else {
                    None
                }
            }
            ("clear_filters", "") => {
                state.query = ProductQuery::default();
                state.sort = Sort::Relevance;
                state.occasion = None;
                state.recipient = None;
                search(state)
            }
            ("more", "") => Some(discovery::products_reply(
                turn.index,
                state,
                self.settings.currency,
            )),
            ("track_order", "") => Some((self.track_order(turn, None).await?, 0)),
            ("order", number) => Some((self.identified_order(turn, number).await?, 0)),
            ("returns", "") => Some((self.returns_form(turn), 0)),
            ("stylist", "") => Some((self.stylist_form(turn), 0)),
            ("quiz", "") => Some((style_links(), 0)),
            ("shortlist", "") => Some(self.shortlist_reply(turn, state).await?),
            ("help", "") => Some(self.intent_reply(turn, state, Intent::Help).await?),
            _ => None,
        })
    }

    fn prefill(&self, turn: &Turn<'_>, order_number: Option<String>) -> Prefill {
        Prefill {
            name: turn.identity_name.map(str::to_string),
            email: turn.identity_email.map(ToString::to_string),
            order_number,
        }
    }

    /// The order form; with a signed identity, the shopper's recent orders as buttons too.
    async fn track_order(
        &self,
        turn: &Turn<'_>,
        number: Option<OrderNumber>,
    ) -> StoreResult<Vec<Block>> {
        let mut blocks = Vec::new();
        if let Some(email) = turn.identity_email {
            let orders = turn.store.orders_by_email(email, 5).await?;
            if !orders.is_empty() {
                blocks.push(text("Which order? Here are your recent ones:"));
                blocks.push(Block::QuickReplies {
                    replies: orders
                        .iter()
                        .map(|o| {
                            QuickReply::new(
                                &format!("{} · {}", o.number, o.placed_at.format("%b %-d, %Y")),
                                &format!("order:{}", o.number),
                            )
                        })
                        .collect(),
                });
                blocks.push(text("Or look up another order:"));
            }
        }
        if blocks.is_empty() {
            blocks.push(text(
                "I can look that up. What is the order number, and the email you used?",
            ));
        }
        blocks.push(Block::Form(forms::order_lookup(
            &self.prefill(turn, number.map(String::from)),
            &self.order_hint(),
        )));
        Ok(blocks)
    }

    /// An order picked from a signed-in shopper's own list: shown only if it is theirs.
    async fn identified_order(&self, turn: &Turn<'_>, number: &str) -> StoreResult<Vec<Block>> {
        let number = OrderNumber::normalise(number);
        let order = match (turn.identity_email, turn.store.order(&number).await?) {
            (Some(email), Some(order)) if order.email_matches(email) => order,
            _ => {
                return Ok(vec![
                    text("I can't show that order here. Please enter its number and email:"),
                    Block::Form(forms::order_lookup(
                        &self.prefill(turn, None),
                        &self.order_hint(),
                    )),
                ]);
            }
        };
        Ok(support::order_blocks(&order))
    }

    fn returns_form(&self, turn: &Turn<'_>) -> Vec<Block> {
        vec![
            text(format!(
                "Returns are accepted within {} days of delivery; pieces made to order can be resized but not returned. Tell me about your request:",
                self.settings.return_window_days
            )),
            Block::Form(forms::return_or_resize(
                &self.prefill(turn, None),
                &self.order_hint(),
            )),
        ]
    }

    fn cancellation_form(&self, turn: &Turn<'_>, number: Option<OrderNumber>) -> Vec<Block> {
        vec![
            text(
                "An order can be cancelled until it ships: our team does it and confirms by email. Which order is it?",
            ),
            Block::Form(forms::cancellation(
                &self.prefill(turn, number.map(String::from)),
                &self.order_hint(),
            )),
        ]
    }

    fn stylist_form(&self, turn: &Turn<'_>) -> Vec<Block> {
        vec![
            text(format!(
                "A stylist will reply {}, with this conversation and your shortlist at hand.",
                self.settings.stylist_response_time
            )),
            Block::Form(forms::stylist(&self.prefill(turn, None))),
        ]
    }

    async fn shortlist_reply(
        &self,
        turn: &Turn<'_>,
        state: &mut ConversationState,
    ) -> StoreResult<(Vec<Block>, usize)> {
        let catalog = turn.index.catalog();
        let products: Vec<_> = turn
            .store
            .shortlist(turn.visitor_id)
            .await?
            .iter()
            .filter_map(|id| catalog.get(id))
            .map(|p| blocks::ProductCard::new(p, self.settings.currency))
            .collect();
        if products.is_empty() {
            return Ok((
                vec![
                    text(
                        "Your shortlist is empty. Tap “Add to shortlist” on any piece to keep it here.",
                    ),
                    Block::QuickReplies {
                        replies: quick_links(),
                    },
                ],
                0,
            ));
        }
        state.remember_shown(products.iter().map(|p| p.id.as_str()));
        let shown = products.len();
        Ok((
            vec![
                text(format!("Your shortlist ({shown}):")),
                Block::Products {
                    total: shown,
                    products,
                    filters: Vec::new(),
                },
                Block::QuickReplies {
                    replies: vec![QuickReply::new("Talk to a stylist about these", "stylist")],
                },
            ],
            shown,
        ))
    }
}

fn style_links() -> Vec<Block> {
    vec![
        text("Which style speaks to you? (The full style quiz is coming soon.)"),
        Block::QuickReplies {
            replies: STYLES
                .iter()
                .map(|style| {
                    let mut label = style.to_string();
                    label[..1].make_ascii_uppercase();
                    QuickReply::new(&label, &format!("style:{style}"))
                })
                .collect(),
        },
    ]
}

/// The stored message of a reply: its blocks serialized once, and their plain text.
pub fn answer(
    blocks: &[Block],
    at: chrono::DateTime<chrono::Utc>,
) -> crate::conversations::Message {
    crate::conversations::Message::concierge(blocks_text(blocks), blocks::to_json(blocks), at)
}

/// The text of a reply's blocks, for transcripts.
pub fn blocks_text(blocks: &[Block]) -> String {
    let mut lines = Vec::new();
    for block in blocks {
        match block {
            Block::Text { text } | Block::Notice { text, .. } => lines.push(text.clone()),
            Block::Products { products, .. } => {
                let titles: Vec<String> = products
                    .iter()
                    .map(|p| format!("{} ({})", p.title, p.price_formatted))
                    .collect();
                lines.push(format!("[products: {}]", titles.join("; ")));
            }
            Block::Form(Form { title, .. }) => lines.push(format!("[form: {title}]")),
            Block::OrderTimeline(timeline) => lines.push(format!(
                "[order {}: {}]",
                timeline.order_number, timeline.status_label
            )),
            Block::Answer { text, source, .. } => {
                lines.push(format!("{text}\n[answer from “{source}”]"));
            }
            Block::QuickReplies { .. } | Block::CsatPrompt { .. } => {}
        }
    }
    lines.join("\n")
}
