//! The forms' submissions: order lookup, return or resize, stylist request, CSAT.

use super::blocks::{Block, NoticeLevel, QuickReply, Timeline, notice, text};
use super::forms::{self, Invalid, Values};
use super::{Concierge, Turn};
use crate::conversations::ConversationState;
use crate::email::Email;
use crate::orders::{Order, OrderNumber, OrderStatus};
use crate::services::ServiceError;
use crate::store::StoreResult;
use crate::tickets::{Ticket, TicketKind, TranscriptLine};
use serde_json::{Map, Value, json};

/// The result of an order lookup.
#[derive(Debug, Clone, PartialEq)]
pub enum LookupOutcome {
    /// The order and email match: its timeline.
    Found(Vec<Block>),
    /// No such order, or another email: the same answer either way, so orders can't be probed.
    NotFound(Vec<Block>),
}

/// A ticket to open under a fresh reference, and the blocks that confirm it: the caller stores
/// them together (see `services::support`), and asks again on the rare reference collision.
#[derive(Debug, Clone, PartialEq)]
pub struct TicketReceipt {
    pub ticket: Ticket,
    pub blocks: Vec<Block>,
}

fn field(values: &Values, name: &str) -> String {
    values
        .get(name)
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}

/// The order's timeline blocks.
pub(super) fn order_blocks(order: &Order) -> Vec<Block> {
    let timeline = Timeline::from(order);
    let mut blocks = vec![
        text(format!(
            "Order {} is {}.",
            order.number,
            timeline.status_label.to_lowercase()
        )),
        Block::OrderTimeline(timeline),
    ];
    let shipped = order
        .events
        .iter()
        .rev()
        .find(|e| e.status == OrderStatus::Shipped);
    if let Some(shipped) = shipped
        && order.status() == OrderStatus::Shipped
        && let (Some(carrier), Some(number)) = (&shipped.carrier, &shipped.tracking_number)
    {
        blocks.push(text(format!(
            "It is on its way with {carrier}, tracking number {number}."
        )));
    }
    blocks.push(Block::QuickReplies {
        replies: vec![
            QuickReply::new("Returns & resizing", "returns"),
            QuickReply::new("Talk to a stylist", "stylist"),
        ],
    });
    blocks
}

/// The email of a validated form.
fn email(values: &Values) -> Result<Email, ServiceError> {
    Email::parse(&field(values, "email"))
        .map_err(|e| ServiceError::Invalid(vec![Invalid::new("email", e.to_string())]))
}

/// Parses the order number (store format) and email of a form; every problem listed.
fn order_and_email(
    concierge: &Concierge,
    values: &Values,
) -> Result<(OrderNumber, Email), ServiceError> {
    let number = concierge
        .understander()
        .parse_order_number(&field(values, "order_number"));
    match number {
        Some(number) => Ok((number, email(values)?)),
        None => Err(ServiceError::Invalid(vec![Invalid::new(
            "order_number",
            format!(
                "doesn't look like one of our order numbers (for example {})",
                concierge.settings().order_number_example
            ),
        )])),
    }
}

/// Looks up an order by number and email (case-insensitive).
pub async fn lookup_order(
    concierge: &Concierge,
    turn: &Turn<'_>,
    body: &Map<String, Value>,
) -> Result<LookupOutcome, ServiceError> {
    let form = forms::order_lookup(&Default::default(), "");
    let values =
        forms::validate(&form, body, &["conversation_id"]).map_err(ServiceError::Invalid)?;
    let (number, email) = order_and_email(concierge, &values)?;
    match turn.store.order(&number).await? {
        Some(order) if order.email_matches(&email) => {
            Ok(LookupOutcome::Found(order_blocks(&order)))
        }
        _ => Ok(LookupOutcome::NotFound(vec![
            notice(
                NoticeLevel::Warning,
                "We couldn't find an order with that number and email. Please check both (the email is the one you used at checkout).",
            ),
            Block::QuickReplies {
                replies: vec![
                    QuickReply::new("Try again", "track_order"),
                    QuickReply::new("Talk to a stylist", "stylist"),
                ],
            },
        ])),
    }
}

/// Creates a return or resize ticket, or explains why the request cannot be accepted.
pub async fn submit_return(
    concierge: &Concierge,
    turn: &Turn<'_>,
    conversation_id: Option<&str>,
    body: &Map<String, Value>,
    references: &(dyn Fn(TicketKind) -> String + Sync),
) -> Result<Result<TicketReceipt, Vec<Block>>, ServiceError> {
    let form = forms::return_or_resize(&Default::default(), "");
    let values =
        forms::validate(&form, body, &["conversation_id"]).map_err(ServiceError::Invalid)?;
    let (number, email) = order_and_email(concierge, &values)?;
    let kind = if field(&values, "request") == "resize" {
        TicketKind::Resize
    } else {
        TicketKind::Return
    };
    let mut details = values.clone();
    details.insert("order_number".into(), Value::String(number.to_string()));
    if kind == TicketKind::Resize {
        match forms::parse_ring_size(&field(&values, "new_size")) {
            Some(size) => {
                details.insert("new_size".into(), Value::String(size));
            }
            None => {
                return Err(ServiceError::Invalid(vec![Invalid::new(
                    "new_size",
                    "must be a US ring size from 2 to 16, e.g. 6 or 6.5",
                )]));
            }
        }
    }
    let order = shoppers_order(turn, &number, &email).await?;
    if let Some(reason) = refusal(concierge, turn, &order, kind) {
        return Ok(Err(vec![
            notice(NoticeLevel::Info, reason),
            Block::QuickReplies {
                replies: vec![QuickReply::new("Talk to a stylist", "stylist")],
            },
        ]));
    }
    let ticket = order_ticket(turn, conversation_id, kind, &email, details, references).await?;
    let what = if kind == TicketKind::Resize {
        "resize"
    } else {
        "return"
    };
    let blocks = vec![
        text(format!(
            "Your {what} request {} for order {} is in. We'll email {} with the next steps within two business days.",
            ticket.reference, order.number, ticket.email
        )),
        csat_prompt(),
    ];
    Ok(Ok(TicketReceipt { ticket, blocks }))
}

/// Asks staff to cancel an order that has not shipped (the store's platform cancels it, not the
/// concierge); one that has shipped, or is already cancelled, is refused with what to do instead.
pub async fn submit_cancellation(
    concierge: &Concierge,
    turn: &Turn<'_>,
    conversation_id: Option<&str>,
    body: &Map<String, Value>,
    references: &(dyn Fn(TicketKind) -> String + Sync),
) -> Result<Result<TicketReceipt, Vec<Block>>, ServiceError> {
    let form = forms::cancellation(&Default::default(), "");
    let values =
        forms::validate(&form, body, &["conversation_id"]).map_err(ServiceError::Invalid)?;
    let (number, email) = order_and_email(concierge, &values)?;
    let order = shoppers_order(turn, &number, &email).await?;
    let refused = match order.status() {
        OrderStatus::Cancelled | OrderStatus::Refunded => Some(format!(
            "Order {} was already {}: there is nothing left to cancel.",
            order.number,
            order.status().label().to_lowercase()
        )),
        _ => order.shipped_at().map(|at| {
            format!(
                "Order {} shipped on {}, so it can no longer be cancelled. Once it arrives you can return it within {} days.",
                order.number,
                at.format("%B %-d, %Y"),
                concierge.settings().return_window_days
            )
        }),
    };
    if let Some(reason) = refused {
        return Ok(Err(vec![
            notice(NoticeLevel::Info, reason),
            Block::QuickReplies {
                replies: vec![
                    QuickReply::new("Returns & resizing", "returns"),
                    QuickReply::new("Talk to a stylist", "stylist"),
                ],
            },
        ]));
    }
    let mut details = values.clone();
    details.insert("order_number".into(), Value::String(number.to_string()));
    let ticket = order_ticket(
        turn,
        conversation_id,
        TicketKind::Cancellation,
        &email,
        details,
        references,
    )
    .await?;
    let blocks = vec![
        text(format!(
            "Your cancellation request {} for order {} is in. Our team will cancel it before it ships and confirm by email to {} {}.",
            ticket.reference,
            order.number,
            ticket.email,
            concierge.settings().stylist_response_time
        )),
        csat_prompt(),
    ];
    Ok(Ok(TicketReceipt { ticket, blocks }))
}

/// The order of `number` when `email` is the one it was placed with; the same refusal for a
/// wrong email and an unknown number.
async fn shoppers_order(
    turn: &Turn<'_>,
    number: &OrderNumber,
    email: &Email,
) -> Result<Order, ServiceError> {
    match turn.store.order(number).await? {
        Some(order) if order.email_matches(email) => Ok(order),
        _ => Err(ServiceError::Invalid(vec![Invalid::new(
            "order_number",
            "We couldn't find an order with that number and email.",
        )])),
    }
}

/// A ticket about one of the shopper's orders (a return, resize or
/// cancellation), with the form's values as its details.
async fn order_ticket(
    turn: &Turn<'_>,
    conversation_id: Option<&str>,
    kind: TicketKind,
    email: &Email,
    details: Values,
    references: &(dyn Fn(TicketKind) -> String + Sync),
) -> Result<Ticket, ServiceError> {
    Ok(new_ticket(
        turn,
        conversation_id,
        (kind, references),
        None,
        email,
        Value::Object(details),
    )
    .await?)
}

/// Why a return or resize of `order` is refused, in words the shopper can act on.
fn refusal(
    concierge: &Concierge,
    turn: &Turn<'_>,
    order: &Order,
    kind: TicketKind,
) -> Option<String> {
    let window = concierge.settings().return_window_days;
    if let OrderStatus::Cancelled | OrderStatus::Refunded = order.status() {
        return Some(format!(
            "Order {} was {}, so there is nothing to return or resize.",
            order.number,
            order.status().label().to_lowercase()
        ));
    }
    match kind {
        TicketKind::Resize => (!order.items.iter().any(|i| i.ring_size.is_some())).then(|| {
            format!("Order {} has no rings, and only rings can be resized. A stylist can help with other adjustments.", order.number)
        }),
        _ if order.items.iter().all(|i| i.made_to_order) => Some(format!(
            "The pieces of order {} were made to order for you, so they can't be returned; they can be resized, though. Choose “Resize a ring” or talk to a stylist.",
            order.number
        )),
        // Without a recorded delivery (a platform that does not track it), the window counts
        // from the shipment.
        _ => match order
            .events
            .iter()
            .rev()
            .find(|e| e.status == OrderStatus::Delivered)
            .map(|e| (e.at, "delivered"))
            .or_else(|| order.shipped_at().map(|at| (at, "shipped")))
        {
            None => Some(format!(
                "Order {} hasn't been delivered yet. Returns open once it arrives; to change or cancel it, talk to a stylist.",
                order.number
            )),
            // Whole days would let day 30 run to nearly 31 days: compare the durations.
            Some((at, how)) if turn.now - at > chrono::Duration::days(i64::from(window)) => Some(format!(
                "Order {} was {how} on {}, more than {window} days ago, so it is outside our {window}-day return window. A stylist can look at what is possible.",
                order.number,
                at.format("%B %-d, %Y")
            )),
            Some(_) => None,
        },
    }
}

/// Creates a stylist ticket carrying the transcript, shortlist, filters and products shown.
pub async fn submit_stylist(
    concierge: &Concierge,
    turn: &Turn<'_>,
    conversation_id: Option<&str>,
    body: &Map<String, Value>,
    references: &(dyn Fn(TicketKind) -> String + Sync),
) -> Result<TicketReceipt, ServiceError> {
    let form = forms::stylist(&Default::default());
    let values =
        forms::validate(&form, body, &["conversation_id"]).map_err(ServiceError::Invalid)?;
    if field(&values, "preferred_contact") == "phone" && field(&values, "phone").is_empty() {
        return Err(ServiceError::Invalid(vec![Invalid::new(
            "phone",
            "Phone is required when we should call you",
        )]));
    }
    let name = field(&values, "name");
    let email = email(&values)?;
    let ticket = new_ticket(
        turn,
        conversation_id,
        (TicketKind::Stylist, references),
        Some(name),
        &email,
        Value::Object(values),
    )
    .await?;
    let blocks = vec![
        text(format!(
            "Thank you! Your request {} is with our stylists, and one will reply {} by {}. They will see this conversation and your shortlist.",
            ticket.reference,
            concierge.settings().stylist_response_time,
            if ticket.details["preferred_contact"] == "phone" {
                "phone"
            } else {
                "email"
            }
        )),
        csat_prompt(),
    ];
    Ok(TicketReceipt { ticket, blocks })
}

/// A new ticket of `kind`, under a reference `references` makes for it.
async fn new_ticket(
    turn: &Turn<'_>,
    conversation_id: Option<&str>,
    (kind, references): (TicketKind, &(dyn Fn(TicketKind) -> String + Sync)),
    name: Option<String>,
    email: &Email,
    details: Value,
) -> StoreResult<Ticket> {
    let (transcript, filters, products_shown) = match conversation_id {
        Some(id) => {
            let state = match turn.store.conversation(id).await? {
                Some(conversation) => conversation.state,
                None => ConversationState::default(),
            };
            let transcript = turn
                .store
                .messages(id)
                .await?
                .into_iter()
                .map(|m| TranscriptLine {
                    role: m.role.as_str().to_string(),
                    text: m.text.unwrap_or_default(),
                    at: m.at,
                })
                .collect();
            (
                transcript,
                serde_json::to_value(&state.query).unwrap_or_default(),
                state.shown,
            )
        }
        None => (Vec::new(), json!({}), Vec::new()),
    };
    Ok(Ticket {
        reference: references(kind),
        kind,
        created_at: turn.now,
        conversation_id: conversation_id.map(str::to_string),
        name,
        email: email.clone(),
        details,
        transcript,
        shortlist: turn.store.shortlist(turn.visitor_id).await?,
        filters,
        products_shown,
    })
}

/// The webhook body for a new ticket: JSON with a Slack-compatible `text`.
pub fn webhook_payload(ticket: &Ticket) -> String {
    let who = ticket.name.as_deref().unwrap_or(&ticket.email);
    let summary = match ticket.kind {
        TicketKind::Stylist => format!(
            "New stylist request {} from {who} ({}): {}",
            ticket.reference,
            ticket.email,
            ticket.details["message"].as_str().unwrap_or("")
        ),
        kind => format!(
            "New {kind} request {} for order {} from {}",
            ticket.reference,
            ticket.details["order_number"].as_str().unwrap_or("?"),
            ticket.email
        ),
    };
    json!({
        "text": summary,
        "event": "ticket.created",
        "ticket": {
            "reference": ticket.reference,
            "kind": ticket.kind,
            "created_at": ticket.created_at,
            "conversation_id": ticket.conversation_id,
            "name": ticket.name,
            "email": ticket.email,
            "details": ticket.details,
            "shortlist": ticket.shortlist,
            "transcript_lines": ticket.transcript.len(),
        }
    })
    .to_string()
}

/// The rating prompt: shown after a request and at the end of a conversation worth rating.
pub fn csat_prompt() -> Block {
    Block::CsatPrompt {
        question: "How did I do? Rate this conversation from 1 to 5.".to_string(),
    }
}

/// A satisfaction score to record (once) for a conversation, and the thanks.
#[derive(Debug, Clone, PartialEq)]
pub struct Rating {
    pub conversation_id: String,
    pub score: i32,
    pub comment: Option<String>,
    pub blocks: Vec<Block>,
}

/// A satisfaction score for a conversation that was offered one; the caller records it (a
/// second rating of the same conversation is refused there, as `csat_already_given`).
pub async fn submit_csat(
    turn: &Turn<'_>,
    conversation_id: &str,
    body: &Map<String, Value>,
) -> Result<Rating, ServiceError> {
    let values = forms::validate(&forms::csat(), body, &["conversation_id"])
        .map_err(ServiceError::Invalid)?;
    let conversation =
        turn.store
            .conversation(conversation_id)
            .await?
            .ok_or(ServiceError::Conflict(
                "not_found",
                "No such conversation.".to_string(),
            ))?;
    let offered =
        conversation.has_ticket || (conversation.is_ended(turn.now) && conversation.replies >= 2);
    if !offered {
        return Err(ServiceError::Conflict(
            "csat_not_offered",
            "Feedback opens after a request or at the end of a conversation.".to_string(),
        ));
    }
    Ok(Rating {
        conversation_id: conversation_id.to_string(),
        score: field(&values, "score").parse().unwrap_or(0),
        comment: values
            .get("comment")
            .and_then(Value::as_str)
            .map(str::to_string),
        blocks: vec![text("Thank you for your feedback!")],
    })
}
