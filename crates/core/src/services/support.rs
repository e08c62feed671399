//! The forms: order lookup, return or resize, stylist request, rating. Each checks that the
//! conversation it names is the visitor's, runs the request, and records the answer in that
//! conversation.

use super::ServiceError;
use super::conversations::{owned, record};
use crate::concierge::blocks::Block;
use crate::concierge::forms::Invalid;
use crate::concierge::{
    Concierge, LookupOutcome, TicketReceipt, Turn, lookup_order, submit_cancellation, submit_csat,
    submit_return, submit_stylist,
};
use crate::tickets::TicketKind;
use serde_json::{Map, Value};

/// A form's fields, as the shopper sent them.
pub type Body = Map<String, Value>;

/// Makes a ticket reference for a kind (randomness is the caller's).
pub type References<'a> = &'a (dyn Fn(TicketKind) -> String + Sync);

/// A return, resize or cancellation request: a ticket, or the blocks that say why it was
/// refused.
#[derive(Debug, Clone, PartialEq)]
pub enum RequestOutcome {
    Opened(Box<TicketReceipt>),
    Refused(Vec<Block>),
}

/// The conversation a form names, when it names one: it must be the visitor's.
async fn named(
    turn: &Turn<'_>,
    conversation: Option<&str>,
) -> Result<Option<String>, ServiceError> {
    match conversation {
        Some(id) => Ok(Some(owned(turn, id).await?.id)),
        None => Ok(None),
    }
}

/// Runs a form's `request` in the conversation the form names (which must be the visitor's)
/// and records the answer's `blocks` there.
async fn answered<T>(
    turn: &Turn<'_>,
    conversation: Option<&str>,
    what: &str,
    request: impl AsyncFnOnce(Option<&str>) -> Result<T, ServiceError>,
    blocks: impl Fn(&T) -> &[Block],
) -> Result<T, ServiceError> {
    let conversation = named(turn, conversation).await?;
    let outcome = request(conversation.as_deref()).await?;
    record(turn, conversation.as_deref(), what, blocks(&outcome)).await?;
    Ok(outcome)
}

/// Looks an order up by number and email; the answer is the same for a wrong email and an
/// unknown order.
pub async fn order_lookup(
    concierge: &Concierge,
    turn: &Turn<'_>,
    conversation: Option<&str>,
    body: &Body,
) -> Result<LookupOutcome, ServiceError> {
    let lookup = async |_: Option<&str>| lookup_order(concierge, turn, body).await;
    answered(turn, conversation, "order lookup", lookup, |outcome| {
        let (LookupOutcome::Found(blocks) | LookupOutcome::NotFound(blocks)) = outcome;
        blocks
    })
    .await
}

/// Opens a return or resize ticket, or says why the request cannot be accepted.
pub async fn request_return(
    concierge: &Concierge,
    turn: &Turn<'_>,
    conversation: Option<&str>,
    body: &Body,
    references: References<'_>,
) -> Result<RequestOutcome, ServiceError> {
    let submit = async |conversation: Option<&str>| {
        submit_return(concierge, turn, conversation, body, references).await
    };
    requested(turn, conversation, "return or resize request", submit).await
}

/// Asks staff to cancel an order that has not shipped, or says why it cannot be.
pub async fn request_cancellation(
    concierge: &Concierge,
    turn: &Turn<'_>,
    conversation: Option<&str>,
    body: &Body,
    references: References<'_>,
) -> Result<RequestOutcome, ServiceError> {
    let submit = async |conversation: Option<&str>| {
        submit_cancellation(concierge, turn, conversation, body, references).await
    };
    requested(turn, conversation, "cancellation request", submit).await
}

/// A request that opens a ticket or is refused, answered in the conversation it names.
async fn requested(
    turn: &Turn<'_>,
    conversation: Option<&str>,
    what: &str,
    submit: impl AsyncFnOnce(Option<&str>) -> Result<Result<TicketReceipt, Vec<Block>>, ServiceError>,
) -> Result<RequestOutcome, ServiceError> {
    let outcome = async |conversation: Option<&str>| {
        Ok(match submit(conversation).await? {
            Ok(receipt) => RequestOutcome::Opened(Box::new(receipt)),
            Err(blocks) => RequestOutcome::Refused(blocks),
        })
    };
    answered(turn, conversation, what, outcome, |outcome| match outcome {
        RequestOutcome::Opened(receipt) => &receipt.blocks,
        RequestOutcome::Refused(blocks) => blocks,
    })
    .await
}

/// Hands over to a stylist: a ticket with the transcript, shortlist, filters and products shown.
pub async fn request_stylist(
    concierge: &Concierge,
    turn: &Turn<'_>,
    conversation: Option<&str>,
    body: &Body,
    references: References<'_>,
) -> Result<TicketReceipt, ServiceError> {
    let submit = async |conversation: Option<&str>| {
        submit_stylist(concierge, turn, conversation, body, references).await
    };
    answered(turn, conversation, "stylist request", submit, |receipt| {
        &receipt.blocks
    })
    .await
}

/// A rating recorded: the thanks, and the score given.
#[derive(Debug, Clone, PartialEq)]
pub struct Rated {
    pub blocks: Vec<Block>,
    pub score: i32,
}

/// Rates a conversation of the visitor's from 1 to 5, once, when it was offered.
pub async fn rate(
    turn: &Turn<'_>,
    conversation: Option<&str>,
    body: &Body,
) -> Result<Rated, ServiceError> {
    let Some(conversation) = named(turn, conversation).await? else {
        return Err(ServiceError::Invalid(vec![Invalid::new(
            "conversation_id",
            "is required",
        )]));
    };
    let blocks = submit_csat(turn, &conversation, body).await?;
    let score = body
        .get("score")
        .and_then(|v| {
            v.as_str()
                .and_then(|s| s.parse().ok())
                .or(v.as_i64().and_then(|n| i32::try_from(n).ok()))
        })
        .unwrap_or(0);
    Ok(Rated { blocks, score })
}
