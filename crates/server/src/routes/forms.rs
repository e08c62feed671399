//! The forms' endpoints: order lookup, return or resize, stylist request, CSAT. Each answers
//! with the blocks to append to the conversation, and records them in it.

use super::conversations::Reply;
use crate::client_ip::ClientIp;
use crate::error::Problem;
use crate::extract::{Identity, JsonObject, Visitor};
use crate::idempotency::{Keyed, json, respond};
use crate::{ApiError, AppState, FieldError};
use aurora_core::concierge::blocks::{Block, FieldType, Form, SCHEMA_VERSION};
use aurora_core::concierge::forms::{self, Prefill};
use aurora_core::concierge::{LookupOutcome, Rating, TicketReceipt};
use aurora_core::services::support::{self, OrderRequest, RequestOutcome};
use aurora_core::tickets::TicketKind;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;
use serde_json::Value;
use utoipa::openapi::schema::{ArrayBuilder, KnownFormat, Schema, SchemaFormat};
use utoipa::openapi::{ObjectBuilder, RefOr, Type};
use utoipa::{PartialSchema, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(order_lookup))
        .routes(routes!(returns))
        .routes(routes!(cancellations))
        .routes(routes!(stylist))
        .routes(routes!(csat))
}

/// An order lookup's answer: the timeline, or the same "not found" for a wrong email and an
/// unknown order.
#[derive(Serialize, ToSchema)]
struct LookupAnswer {
    schema_version: u32,
    found: bool,
    blocks: Vec<Block>,
}

/// A request's answer: the new ticket's reference (null when the request was refused, with the
/// reason in the blocks).
#[derive(Serialize, ToSchema)]
struct TicketAnswer {
    schema_version: u32,
    /// E.g. `RT-482193` or `ST-193012`.
    reference: Option<String>,
    blocks: Vec<Block>,
}

/// A form's request body, described from the same form the server validates with, plus
/// `conversation_id`.
fn form_schema(form: &Form) -> RefOr<Schema> {
    let mut object = ObjectBuilder::new().schema_type(Type::Object).property(
        "conversation_id",
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(
                "The conversation the form belongs to: the answer is recorded in it.",
            )),
    );
    for field in &form.fields {
        let choices = field.choices.iter().map(|c| c.value.clone());
        let mut description = field.label.clone();
        if let Some(hint) = &field.hint {
            description = format!("{description}. {hint}");
        }
        if let Some(condition) = &field.required_when {
            description = format!(
                "{description}. Required when `{}` is `{}`.",
                condition.field, condition.equals
            );
        }
        let text = ObjectBuilder::new().schema_type(Type::String);
        let property: Schema = match field.kind {
            FieldType::Checkboxes => ArrayBuilder::new()
                .items(text.enum_values(Some(choices)))
                .description(Some(description))
                .into(),
            FieldType::Select | FieldType::Radio => text
                .enum_values(Some(choices))
                .description(Some(description))
                .into(),
            FieldType::Email => text
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Email)))
                .max_length(field.max_length)
                .description(Some(description))
                .into(),
            FieldType::Text | FieldType::Tel | FieldType::Textarea => text
                .max_length(field.max_length)
                .description(Some(description))
                .into(),
        };
        object = object.property(&field.name, property);
        if field.required {
            object = object.required(&field.name);
        }
    }
    object.into()
}

/// Request bodies described from their forms; the types are names only, never values.
macro_rules! form_body {
    ($name:ident, $form:expr, $doc:literal) => {
        #[doc = $doc]
        enum $name {}

        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                form_schema(&$form)
            }
        }

        impl ToSchema for $name {}
    };
}

form_body!(
    OrderLookupRequest,
    forms::order_lookup(&Prefill::default(), ""),
    "The order-lookup form's fields."
);
form_body!(
    ReturnRequest,
    forms::return_or_resize(&Prefill::default(), ""),
    "The return-or-resize form's fields."
);
form_body!(
    CancellationRequest,
    forms::cancellation(&Prefill::default(), ""),
    "The cancellation form's fields."
);
form_body!(
    StylistRequest,
    forms::stylist(&Prefill::default()),
    "The stylist form's fields."
);
form_body!(
    CsatRequest,
    forms::csat(),
    "The CSAT form's fields; `conversation_id` is required."
);

/// The conversation a form names, if any (whether it is the visitor's is the use case's to
/// check).
fn conversation_id(body: &JsonObject) -> Result<Option<&str>, ApiError> {
    match body.0.get("conversation_id") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(id)) => Ok(Some(id)),
        Some(_) => Err(ApiError::invalid(vec![FieldError {
            field: "conversation_id".into(),
            message: "must be text".into(),
        }])),
    }
}

/// Looks an order up by number and email; answers with its timeline.
#[utoipa::path(post, path = "/api/support/orders/lookup", tag = "forms",
    security(("visitor" = [])),
    params(("X-Aurora-Identity" = Option<String>, Header, description = "The store's signed shopper; lets them pick one of their own orders.")),
    request_body = OrderLookupRequest,
    responses(
        (status = 200, description = "Found, or the same answer for a wrong email and an unknown order.", body = LookupAnswer),
        (status = 404, description = "`conversation_id` is not the visitor's conversation.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every invalid field, e.g. a malformed order number with the expected format.", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many lookups for this visitor, address or order number (`rate_limited`, with `Retry-After`).", body = Problem, content_type = "application/problem+json"),
    ))]
async fn order_lookup(
    State(state): State<AppState>,
    Visitor(visitor): Visitor,
    ClientIp(ip): ClientIp,
    Identity(identity): Identity,
    keyed: Keyed,
    body: JsonObject,
) -> Result<Response, ApiError> {
    let conversation = conversation_id(&body)?;
    limit_lookups(&state, ip, &visitor, &body).await?;
    let index = state.index();
    let turn = state.turn(&index, &visitor, &identity);
    let write = |outcome: &LookupOutcome| {
        let (found, blocks) = match outcome {
            LookupOutcome::Found(blocks) => (true, blocks),
            LookupOutcome::NotFound(blocks) => (false, blocks),
        };
        let answer = LookupAnswer {
            schema_version: SCHEMA_VERSION,
            found,
            blocks: blocks.clone(),
        };
        json(StatusCode::OK, &answer)
    };
    let answering = keyed.answering(&write);
    let outcome = support::order_lookup(
        &state.concierge,
        &turn,
        conversation,
        &body.0,
        answering.as_ref(),
    )
    .await?;
    Ok(respond(write(&outcome)))
}

/// Counts an order lookup against the visitor's, the address's and the order number's limits.
async fn limit_lookups(
    state: &AppState,
    ip: std::net::IpAddr,
    visitor: &str,
    body: &JsonObject,
) -> Result<(), ApiError> {
    // Keyed by the number as the lookup reads it, so "# gg-104233" counts for "GG-104233".
    let typed = body
        .0
        .get("order_number")
        .and_then(Value::as_str)
        .unwrap_or("");
    let number = state.concierge.understander().parse_order_number(typed);
    let number = number.as_deref().unwrap_or(typed.trim());
    state
        .limits
        .order_lookup(state.store.as_ref(), ip, visitor, number)
        .await?;
    Ok(())
}

/// `RT-482193`: a prefix and six random digits.
fn reference(kind: TicketKind) -> String {
    format!(
        "{}-{}",
        kind.prefix(),
        rand::random_range(100_000..1_000_000)
    )
}

/// Asks for a return or a resize; a refused request says why (window, made to order, …).
#[utoipa::path(post, path = "/api/support/returns", tag = "forms",
    security(("visitor" = [])),
    request_body = ReturnRequest,
    responses(
        (status = 201, description = "A ticket was opened.", body = TicketAnswer),
        (status = 200, description = "Not eligible: `reference` is null and the blocks say why.", body = TicketAnswer),
        (status = 404, description = "`conversation_id` is not the visitor's conversation.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every invalid field.", body = Problem, content_type = "application/problem+json"),
    ))]
async fn returns(
    State(state): State<AppState>,
    Visitor(visitor): Visitor,
    Identity(identity): Identity,
    keyed: Keyed,
    body: JsonObject,
) -> Result<Response, ApiError> {
    let form = (visitor.as_str(), &identity, &keyed, &body);
    about_order(&state, OrderRequest::ReturnOrResize, form).await
}

/// Asks staff to cancel an order that has not shipped; a shipped or cancelled order is refused
/// with what to do instead.
#[utoipa::path(post, path = "/api/support/cancellations", tag = "forms",
    security(("visitor" = [])),
    request_body = CancellationRequest,
    responses(
        (status = 201, description = "A ticket was opened.", body = TicketAnswer),
        (status = 200, description = "Not possible: `reference` is null and the blocks say why.", body = TicketAnswer),
        (status = 404, description = "`conversation_id` is not the visitor's conversation.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every invalid field.", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many order lookups for this visitor, address or order number (`rate_limited`, with `Retry-After`).", body = Problem, content_type = "application/problem+json"),
    ))]
async fn cancellations(
    State(state): State<AppState>,
    Visitor(visitor): Visitor,
    ClientIp(ip): ClientIp,
    Identity(identity): Identity,
    keyed: Keyed,
    body: JsonObject,
) -> Result<Response, ApiError> {
    // It says whether an order exists for a number and email, as a lookup does.
    limit_lookups(&state, ip, &visitor, &body).await?;
    let form = (visitor.as_str(), &identity, &keyed, &body);
    about_order(&state, OrderRequest::Cancellation, form).await
}

/// A return, resize or cancellation request: 201 with the new ticket's reference (counted), or
/// 200 with why it was refused.
async fn about_order(
    state: &AppState,
    which: OrderRequest,
    (visitor, identity, keyed, body): (
        &str,
        &Option<crate::identity::VerifiedIdentity>,
        &Keyed,
        &JsonObject,
    ),
) -> Result<Response, ApiError> {
    let index = state.index();
    let turn = state.turn(&index, visitor, identity);
    let answering = keyed.answering(&request_answer);
    let outcome = support::request_about_order(
        which,
        &state.concierge,
        &turn,
        conversation_id(body)?,
        &body.0,
        &reference,
        answering.as_ref(),
    )
    .await?;
    if let RequestOutcome::Opened(receipt) = &outcome {
        crate::metrics::ticket(state, receipt.ticket.kind.as_str());
    }
    Ok(respond(request_answer(&outcome)))
}

/// A request's answer: 201 with the new ticket's reference, or 200 with why it was refused.
fn request_answer(outcome: &RequestOutcome) -> (u16, String) {
    match outcome {
        RequestOutcome::Opened(receipt) => receipt_answer(receipt),
        RequestOutcome::Refused(blocks) => {
            let refused = TicketAnswer {
                schema_version: SCHEMA_VERSION,
                reference: None,
                blocks: blocks.clone(),
            };
            json(StatusCode::OK, &refused)
        }
    }
}

/// A new ticket's answer: 201 with its reference.
fn receipt_answer(receipt: &TicketReceipt) -> (u16, String) {
    let opened = TicketAnswer {
        schema_version: SCHEMA_VERSION,
        reference: Some(receipt.ticket.reference.clone()),
        blocks: receipt.blocks.clone(),
    };
    json(StatusCode::CREATED, &opened)
}

/// Hands over to a stylist: a ticket carrying the transcript, shortlist, filters and products
/// shown; the answer states the promised response time.
#[utoipa::path(post, path = "/api/support/stylist", tag = "forms",
    security(("visitor" = [])),
    request_body = StylistRequest,
    responses(
        (status = 201, description = "A ticket was opened.", body = TicketAnswer),
        (status = 404, description = "`conversation_id` is not the visitor's conversation.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every invalid field.", body = Problem, content_type = "application/problem+json"),
    ))]
async fn stylist(
    State(state): State<AppState>,
    Visitor(visitor): Visitor,
    Identity(identity): Identity,
    keyed: Keyed,
    body: JsonObject,
) -> Result<Response, ApiError> {
    let index = state.index();
    let turn = state.turn(&index, &visitor, &identity);
    let answering = keyed.answering(&receipt_answer);
    let receipt = support::request_stylist(
        &state.concierge,
        &turn,
        conversation_id(&body)?,
        &body.0,
        &reference,
        answering.as_ref(),
    )
    .await?;
    crate::metrics::ticket(&state, receipt.ticket.kind.as_str());
    Ok(respond(receipt_answer(&receipt)))
}

/// Rates a conversation from 1 to 5, once.
#[utoipa::path(post, path = "/api/support/csat", tag = "forms",
    security(("visitor" = [])),
    request_body = CsatRequest,
    responses(
        (status = 201, description = "Thanks.", body = Reply),
        (status = 404, description = "`conversation_id` is not the visitor's conversation.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Rated already (`csat_already_given`), or nothing to rate yet (`csat_not_offered`).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every invalid field.", body = Problem, content_type = "application/problem+json"),
    ))]
async fn csat(
    State(state): State<AppState>,
    Visitor(visitor): Visitor,
    Identity(identity): Identity,
    keyed: Keyed,
    body: JsonObject,
) -> Result<Response, ApiError> {
    let conversation = conversation_id(&body)?;
    let index = state.index();
    let write = |rating: &Rating| json(StatusCode::CREATED, &Reply::new(&rating.blocks));
    let answering = keyed.answering(&write);
    let rating = support::rate(
        &state.turn(&index, &visitor, &identity),
        conversation,
        &body.0,
        answering.as_ref(),
    )
    .await?;
    crate::metrics::csat(&state, rating.score);
    Ok(respond(write(&rating)))
}
