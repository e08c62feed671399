//! Staff working tickets: the inbox, one ticket with everything around it, workflow changes
//! and notes. Every call takes the [`Actor`] and checks its scopes; a ticket the actor may not
//! see is answered as if it did not exist.

use super::ServiceError;
use crate::orders::{Order, OrderNumber};
use crate::staff::audit::{AuditAction, AuditEntry};
use crate::staff::{Actor, StaffUser, TicketVisibility};
use crate::store::{OutboundEmail, Store};
use crate::tickets::inbox::{InboxPage, InboxQuery, InboxRow, MAX_PER_PAGE};
use crate::tickets::workflow::{self, Emailed, Note, TicketChange, Workflow};
use crate::tickets::{Ticket, TicketKind};
use crate::tokens::Scope;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// The shopper's other tickets shown with one.
const OTHER_TICKETS: u32 = 20;

/// A ticket with everything support reads beside it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TicketView {
    pub ticket: Ticket,
    pub workflow: Workflow,
    /// Internal notes, oldest first.
    pub notes: Vec<Note>,
    /// The order the ticket names, with its timeline, when it is stored.
    #[schema(value_type = Option<Object>)]
    pub order: Option<Order>,
    /// The same shopper's other tickets the caller may see, newest first.
    pub other_tickets: Vec<InboxRow>,
}

const NOT_FOUND: &str = "There is no ticket with this reference.";

fn visible(visibility: &TicketVisibility, kind: TicketKind, assignee: Option<&str>) -> bool {
    match visibility {
        TicketVisibility::All => true,
        TicketVisibility::StylistOrAssignedTo(user) => {
            kind == TicketKind::Stylist || assignee == Some(user.as_str())
        }
    }
}

/// A page of the inbox, of the tickets the actor may see.
pub async fn inbox(
    store: &dyn Store,
    actor: &Actor,
    mut query: InboxQuery,
) -> Result<InboxPage, ServiceError> {
    actor.require(Scope::TicketsRead)?;
    query.visibility = actor.ticket_visibility();
    query.per_page = query.per_page.clamp(1, MAX_PER_PAGE);
    query.page = query.page.max(1);
    Ok(store.inbox(&query).await?)
}

/// One ticket with its notes, its order and the shopper's other tickets.
pub async fn view(
    store: &dyn Store,
    actor: &Actor,
    reference: &str,
) -> Result<TicketView, ServiceError> {
    actor.require(Scope::TicketsRead)?;
    let visibility = actor.ticket_visibility();
    let (ticket, workflow, notes) = store
        .ticket_record(reference)
        .await?
        .filter(|(t, w, _)| visible(&visibility, t.kind, w.assignee_id.as_deref()))
        .ok_or(ServiceError::NotFound(NOT_FOUND))?;
    let order = match ticket.order_number() {
        Some(number) => store.order(&OrderNumber::normalise(number)).await?,
        None => None,
    };
    let other_tickets = store
        .tickets_by_email(ticket.email.as_str(), OTHER_TICKETS + 1)
        .await?
        .into_iter()
        .filter(|row| row.reference != ticket.reference)
        .filter(|row| visible(&visibility, row.kind, row.workflow.assignee_id.as_deref()))
        .take(OTHER_TICKETS as usize)
        .collect();
    Ok(TicketView {
        ticket,
        workflow,
        notes,
        order,
        other_tickets,
    })
}

/// Applies `changes` to a ticket's workflow in one write, with an audit entry for each status
/// and assignment change. An assignee must be an active account that may work tickets.
///
/// With `seen` (the `updated_at` of the workflow the caller showed), a ticket changed since is
/// refused with `ticket_changed`, so nobody overwrites a change they did not see. Without it,
/// the change applies to the ticket as it is (read again once if it changes in between).
pub async fn change(
    store: &dyn Store,
    actor: &Actor,
    reference: &str,
    changes: &[TicketChange],
    seen: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<Workflow, ServiceError> {
    actor.require(Scope::TicketsWrite)?;
    for change in changes {
        if let TicketChange::Assign(Some(user_id)) = change {
            assignable(store, user_id).await?;
        }
    }
    let visibility = actor.ticket_visibility();
    // Two tries: a change by someone else between the read and the write is read again once.
    for _ in 0..2 {
        let (_, before, _) = store
            .ticket_record(reference)
            .await?
            .filter(|(t, w, _)| visible(&visibility, t.kind, w.assignee_id.as_deref()))
            .ok_or(ServiceError::NotFound(NOT_FOUND))?;
        if seen.is_some_and(|seen| seen != before.updated_at) {
            break;
        }
        let mut after = before.clone();
        for change in changes {
            after = after
                .apply(change, now)
                .map_err(|invalid| ServiceError::Invalid(vec![invalid]))?;
        }
        let audit = audit_entries(store, actor, reference, &before, &after, now).await?;
        if store
            .update_workflow(reference, before.updated_at, &after, &audit)
            .await?
        {
            return Ok(after);
        }
        if seen.is_some() {
            break;
        }
    }
    Err(ServiceError::Conflict(
        "ticket_changed",
        "Someone changed this ticket since it was shown. Reload it and try again.".into(),
    ))
}

async fn assignable(store: &dyn Store, user_id: &str) -> Result<StaffUser, ServiceError> {
    store
        .user(user_id)
        .await?
        .filter(|u| u.is_active() && u.role.scopes().contains(&Scope::TicketsWrite))
        .ok_or_else(|| {
            ServiceError::Invalid(vec![crate::concierge::forms::Invalid::new(
                "assignee",
                "not an active colleague who works tickets",
            )])
        })
}

async fn audit_entries(
    store: &dyn Store,
    actor: &Actor,
    reference: &str,
    before: &Workflow,
    after: &Workflow,
    now: DateTime<Utc>,
) -> Result<Vec<AuditEntry>, ServiceError> {
    let mut entries = Vec::new();
    if before.status != after.status {
        let verb = if before.reopens(after.status) {
            "reopened: "
        } else {
            ""
        };
        entries.push(AuditEntry::new(
            now,
            actor.audit_name(),
            AuditAction::TicketStatusChanged,
            reference,
            format!("{verb}{} → {}", before.status.label(), after.status.label()),
        ));
    }
    if before.assignee_id != after.assignee_id {
        entries.push(AuditEntry::new(
            now,
            actor.audit_name(),
            AuditAction::TicketAssigned,
            reference,
            format!(
                "{} → {}",
                staff_name(store, before.assignee_id.as_deref()).await?,
                staff_name(store, after.assignee_id.as_deref()).await?
            ),
        ));
    }
    Ok(entries)
}

/// How a staff user is named in the audit log: their email.
async fn staff_name(store: &dyn Store, id: Option<&str>) -> Result<String, ServiceError> {
    Ok(match id {
        None => "nobody".to_string(),
        Some(id) => store
            .user(id)
            .await?
            .map_or_else(|| id.to_string(), |u| u.email.as_str().to_string()),
    })
}

/// Adds an internal note by the actor.
pub async fn add_note(
    store: &dyn Store,
    actor: &Actor,
    reference: &str,
    text: &str,
    now: DateTime<Utc>,
) -> Result<Note, ServiceError> {
    let (note, _) = writable_note(store, actor, reference, text, now).await?;
    if store.add_note(reference, &note).await? {
        Ok(note)
    } else {
        Err(ServiceError::NotFound(NOT_FOUND))
    }
}

/// A note `actor` may add to ticket `reference` (checked), with the ticket.
async fn writable_note(
    store: &dyn Store,
    actor: &Actor,
    reference: &str,
    text: &str,
    now: DateTime<Utc>,
) -> Result<(Note, Ticket), ServiceError> {
    actor.require(Scope::TicketsWrite)?;
    let text = workflow::note_text(text).map_err(|invalid| ServiceError::Invalid(vec![invalid]))?;
    let visibility = actor.ticket_visibility();
    let (ticket, _, _) = store
        .ticket_record(reference)
        .await?
        .filter(|(t, w, _)| visible(&visibility, t.kind, w.assignee_id.as_deref()))
        .ok_or(ServiceError::NotFound(NOT_FOUND))?;
    let note = Note {
        at: now,
        author: actor.name.clone(),
        text,
        emailed: None,
    };
    Ok((note, ticket))
}

/// Replies to the shopper of ticket `reference` by email: the reply is kept on the ticket as a
/// note and written to the email outbox in the same transaction, then sent from there with
/// retries. `store_name` is the store's name when email replies are set up (SMTP settings
/// given); without them the answer is 409 `email_not_configured`. `id` names the email in the
/// outbox.
pub async fn reply_by_email(
    store: &dyn Store,
    actor: &Actor,
    reference: &str,
    text: &str,
    store_name: Option<&str>,
    id: String,
    now: DateTime<Utc>,
) -> Result<Note, ServiceError> {
    let (mut note, ticket) = writable_note(store, actor, reference, text, now).await?;
    let Some(store_name) = store_name else {
        return Err(ServiceError::Conflict(
            "email_not_configured",
            "Email replies need the SMTP settings (AURORA_SMTP_URL and AURORA_SMTP_FROM).".into(),
        ));
    };
    let email = OutboundEmail {
        id,
        reference: reference.to_string(),
        to: ticket.email.to_string(),
        subject: format!("{store_name}: about your request {reference}"),
        body: format!(
            "{}\n\n--\n{store_name}\nYour request: {reference}. Reply to this email to answer.\n",
            note.text
        ),
        attempts: 0,
    };
    note.emailed = Some(Emailed {
        to: email.to.clone(),
        sent_at: None,
        attempts: 0,
        last_error: None,
    });
    if store.add_email_reply(reference, &note, &email).await? {
        Ok(note)
    } else {
        Err(ServiceError::NotFound(NOT_FOUND))
    }
}
