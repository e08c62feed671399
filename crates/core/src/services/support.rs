//! The forms: order lookup, return or resize, stylist request, rating. Each checks that the
//! conversation it names is the visitor's, runs the request, and stores what it opens with its
//! answer, in that conversation and for the request's idempotency key, in one transaction.

use super::ServiceError;
use super::conversations::owned;
use crate::concierge::blocks::{Block, answers};
use crate::concierge::forms::Invalid;
use crate::concierge::{
    Concierge, LookupOutcome, Rating, TicketReceipt, Turn, answer, lookup_order,
    submit_cancellation, submit_csat, submit_return, submit_stylist, webhook_payload,
};
use crate::conversations::{Conversation, Message};
use crate::store::{Answering, Appended, StoreError};
use crate::tickets::{self, Ticket, TicketKind};
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
) -> Result<Option<Conversation>, ServiceError> {
    match conversation {
        Some(id) => Ok(Some(owned(turn, id).await?)),
        None => Ok(None),
    }
}

/// What a form's outcome shows, and what it stores besides.
trait Outcome {
    /// The answer's blocks, recorded in the form's conversation.
    fn blocks(&self) -> &[Block];
    /// The ticket it opens, if any.
    fn ticket(&self) -> Option<&Ticket> {
        None
    }
    /// The rating it records, if any.
    fn rating(&self) -> Option<&Rating> {
        None
    }
}

impl Outcome for Rating {
    fn blocks(&self) -> &[Block] {
        &self.blocks
    }
    fn rating(&self) -> Option<&Rating> {
        Some(self)
    }
}

impl Outcome for LookupOutcome {
    fn blocks(&self) -> &[Block] {
        let (LookupOutcome::Found(blocks) | LookupOutcome::NotFound(blocks)) = self;
        blocks
    }
}

impl Outcome for TicketReceipt {
    fn blocks(&self) -> &[Block] {
        &self.blocks
    }
    fn ticket(&self) -> Option<&Ticket> {
        Some(&self.ticket)
    }
}

impl Outcome for RequestOutcome {
    fn blocks(&self) -> &[Block] {
        match self {
            RequestOutcome::Opened(receipt) => &receipt.blocks,
            RequestOutcome::Refused(blocks) => blocks,
        }
    }
    fn ticket(&self) -> Option<&Ticket> {
        match self {
            RequestOutcome::Opened(receipt) => Some(&receipt.ticket),
            RequestOutcome::Refused(_) => None,
        }
    }
}

/// How many times a ticket is given a new reference when its random one is taken.
const REFERENCE_TRIES: u32 = 5;

/// Runs a form's `request` in the conversation the form names (which must be the visitor's),
/// then stores in one transaction the ticket it opens (with its webhook) or the rating it
/// records, "[what]" and the answer in that conversation (when it is still open), and the
/// idempotency key's answer: a crash leaves all of them or none.
async fn answered<T: Outcome, F: Future<Output = Result<T, ServiceError>>>(
    turn: &Turn<'_>,
    conversation: Option<&str>,
    what: &str,
    request: impl Fn(Option<String>) -> F,
    answering: Option<&Answering<'_, T>>,
) -> Result<T, ServiceError> {
    let conversation = named(turn, conversation).await?;
    let id = conversation.as_ref().map(|c| c.id.clone());
    let open = conversation.as_ref().filter(|c| !c.is_ended(turn.now));
    let mut tries = 1;
    loop {
        let outcome = request(id.clone()).await?;
        let mut tx = turn.store.begin().await?;
        if let Some(answering) = answering {
            tx.complete_idempotency_key(&answering.answer(&outcome))
                .await
                .map_err(ServiceError::answering)?;
        }
        if let Some(ticket) = outcome.ticket() {
            let payload = webhook_payload(ticket);
            match tickets::write(tx.as_mut(), ticket, Some(&payload)).await {
                // The reference is random: another ticket has it. Ask again for a new one.
                Err(StoreError::Conflict(_)) if tries < REFERENCE_TRIES => {
                    tries += 1;
                    continue;
                }
                written => written?,
            }
        }
        if let Some(rating) = outcome.rating() {
            let comment = rating.comment.as_deref();
            let id = &rating.conversation_id;
            if !tx.record_csat(id, rating.score, comment, turn.now).await? {
                return Err(ServiceError::Conflict(
                    "csat_already_given",
                    "Thanks, we already have your rating for this conversation.".to_string(),
                ));
            }
        }
        if let Some(conversation) = open {
            let messages = vec![
                Message::shopper(format!("[{what}]"), turn.now),
                answer(outcome.blocks(), turn.now),
            ];
            let appended =
                Appended::reply(&conversation.state, answers(outcome.blocks()), turn.now);
            tx.append_messages(&conversation.id, messages, &appended)
                .await?;
        }
        tx.commit().await?;
        return Ok(outcome);
    }
}

/// Looks an order up by number and email; the answer is the same for a wrong email and an
/// unknown order.
pub async fn order_lookup(
    concierge: &Concierge,
    turn: &Turn<'_>,
    conversation: Option<&str>,
    body: &Body,
    answering: Option<&Answering<'_, LookupOutcome>>,
) -> Result<LookupOutcome, ServiceError> {
    let lookup = |_| lookup_order(concierge, turn, body);
    answered(turn, conversation, "order lookup", lookup, answering).await
}

/// A request about one of the shopper's orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderRequest {
    /// A return or resize ticket.
    ReturnOrResize,
    /// Asks staff to cancel an order that has not shipped.
    Cancellation,
}

/// Opens a ticket about one of the shopper's orders, or says why the request cannot be
/// accepted.
pub async fn request_about_order(
    which: OrderRequest,
    concierge: &Concierge,
    turn: &Turn<'_>,
    conversation: Option<&str>,
    body: &Body,
    references: References<'_>,
    answering: Option<&Answering<'_, RequestOutcome>>,
) -> Result<RequestOutcome, ServiceError> {
    let submit = move |conversation: Option<String>| async move {
        let conversation = conversation.as_deref();
        match which {
            OrderRequest::ReturnOrResize => {
                submit_return(concierge, turn, conversation, body, references).await
            }
            OrderRequest::Cancellation => {
                submit_cancellation(concierge, turn, conversation, body, references).await
            }
        }
    };
    let what = match which {
        OrderRequest::ReturnOrResize => "return or resize request",
        OrderRequest::Cancellation => "cancellation request",
    };
    requested(turn, conversation, what, submit, answering).await
}

/// A request that opens a ticket or is refused, answered in the conversation it names.
async fn requested<F: Future<Output = Result<Result<TicketReceipt, Vec<Block>>, ServiceError>>>(
    turn: &Turn<'_>,
    conversation: Option<&str>,
    what: &str,
    submit: impl Fn(Option<String>) -> F,
    answering: Option<&Answering<'_, RequestOutcome>>,
) -> Result<RequestOutcome, ServiceError> {
    let submit = &submit;
    let outcome = move |conversation: Option<String>| async move {
        Ok(match submit(conversation).await? {
            Ok(receipt) => RequestOutcome::Opened(Box::new(receipt)),
            Err(blocks) => RequestOutcome::Refused(blocks),
        })
    };
    answered(turn, conversation, what, outcome, answering).await
}

/// Hands over to a stylist: a ticket with the transcript, shortlist, filters and products shown.
pub async fn request_stylist(
    concierge: &Concierge,
    turn: &Turn<'_>,
    conversation: Option<&str>,
    body: &Body,
    references: References<'_>,
    answering: Option<&Answering<'_, TicketReceipt>>,
) -> Result<TicketReceipt, ServiceError> {
    let submit = move |conversation: Option<String>| async move {
        submit_stylist(concierge, turn, conversation.as_deref(), body, references).await
    };
    answered(turn, conversation, "stylist request", submit, answering).await
}

/// Rates a conversation of the visitor's from 1 to 5, once, when it was offered; the rating and
/// the idempotency key's answer are stored in one transaction (the rating is not recorded in
/// the conversation).
pub async fn rate(
    turn: &Turn<'_>,
    conversation: Option<&str>,
    body: &Body,
    answering: Option<&Answering<'_, Rating>>,
) -> Result<Rating, ServiceError> {
    let Some(conversation) = named(turn, conversation).await? else {
        return Err(ServiceError::Invalid(vec![Invalid::new(
            "conversation_id",
            "is required",
        )]));
    };
    let id = &conversation.id;
    let submit = move |_| submit_csat(turn, id, body);
    answered(turn, None, "rating", submit, answering).await
}
