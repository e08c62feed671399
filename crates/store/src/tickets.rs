//! Tickets: read from the pool, written inside a [`SqlTransaction`].

use crate::db::Query;
use crate::rows::{json_from_text, json_text, parse_stored};
use crate::{SqlStore, SqlTransaction};
use aurora_core::email::Email;
use aurora_core::staff::TicketVisibility;
use aurora_core::staff::audit::AuditEntry;
use aurora_core::store::{StoreError, StoreResult, TicketStore, TicketWrites};
use aurora_core::tickets::Ticket;
use aurora_core::tickets::inbox::{
    AssigneeFilter, InboxPage, InboxQuery, InboxRow, InboxSort, StatusFilter,
};
use aurora_core::tickets::workflow::{Emailed, Note, TicketStatus, Workflow};
use chrono::{DateTime, Utc};

const TICKET_COLUMNS: &str = "reference, kind, created_at, conversation_id, name, email, \
     details, transcript, shortlist, filters, products_shown";

#[derive(sqlx::FromRow)]
struct TicketRow {
    reference: String,
    kind: String,
    created_at: DateTime<Utc>,
    conversation_id: Option<String>,
    name: Option<String>,
    email: String,
    details: String,
    transcript: String,
    shortlist: String,
    filters: String,
    products_shown: String,
}

impl TicketRow {
    fn into_ticket(self) -> StoreResult<Ticket> {
        Ok(Ticket {
            kind: parse_stored("kind", &self.kind)?,
            details: json_from_text("details", &self.details)?,
            transcript: json_from_text("transcript", &self.transcript)?,
            shortlist: json_from_text("shortlist", &self.shortlist)?,
            filters: json_from_text("filters", &self.filters)?,
            products_shown: json_from_text("products_shown", &self.products_shown)?,
            email: Email::parse(&self.email).map_err(|_| {
                StoreError::Other(format!("unexpected email in ticket {}", self.reference))
            })?,
            reference: self.reference,
            created_at: self.created_at,
            conversation_id: self.conversation_id,
            name: self.name,
        })
    }
}

#[async_trait::async_trait]
impl TicketStore for SqlStore {
    async fn ticket(&self, reference: &str) -> StoreResult<Option<Ticket>> {
        let query = Query::new(format!(
            "SELECT {TICKET_COLUMNS} FROM tickets WHERE reference = $1"
        ))
        .bind(reference);
        let row: Option<TicketRow> = self.db.fetch_optional(query).await?;
        row.map(TicketRow::into_ticket).transpose()
    }

    async fn recent_tickets(&self, limit: u32) -> StoreResult<Vec<Ticket>> {
        let query = Query::new(format!(
            "SELECT {TICKET_COLUMNS} FROM tickets ORDER BY created_at DESC, reference LIMIT $1"
        ))
        .bind(i64::from(limit));
        let rows: Vec<TicketRow> = self.db.fetch_all(query).await?;
        rows.into_iter().map(TicketRow::into_ticket).collect()
    }

    async fn ticket_record(
        &self,
        reference: &str,
    ) -> StoreResult<Option<(Ticket, Workflow, Vec<Note>)>> {
        let query = Query::new(format!(
            "SELECT {TICKET_COLUMNS}, {WORKFLOW_COLUMNS} FROM tickets WHERE reference = $1"
        ))
        .bind(reference);
        let Some(row) = self.db.fetch_optional::<RecordRow>(query).await? else {
            return Ok(None);
        };
        let notes: Vec<NoteRow> = self
            .db
            .fetch_all(
                Query::new(
                    "SELECT n.at, n.author, n.text, n.email_to, o.sent_at, o.attempts, \
                     o.last_error FROM ticket_notes n LEFT JOIN email_outbox o \
                     ON o.note_id = n.id WHERE n.reference = $1 ORDER BY n.at, n.id",
                )
                .bind(reference),
            )
            .await?;
        let notes = notes
            .into_iter()
            .map(|n| Note {
                at: n.at,
                author: n.author,
                text: n.text,
                emailed: n.email_to.map(|to| Emailed {
                    to,
                    sent_at: n.sent_at,
                    attempts: n.attempts.unwrap_or(0),
                    last_error: n.last_error,
                }),
            })
            .collect();
        Ok(Some((
            row.ticket.into_ticket()?,
            row.workflow.into_workflow()?,
            notes,
        )))
    }

    async fn inbox(&self, query: &InboxQuery) -> StoreResult<InboxPage> {
        let mut count = Query::new("SELECT COUNT(*) FROM tickets");
        filter(&mut count, query);
        let total = self.db.count(count).await?;
        // The page's references first, from the covering index `tickets_inbox` alone; then
        // those rows.
        let mut select = Query::new("SELECT reference FROM tickets");
        filter(&mut select, query);
        select.push(match query.sort {
            InboxSort::Due => {
                " ORDER BY awaiting_since IS NULL, awaiting_since, created_at DESC, reference"
            }
            InboxSort::Newest => " ORDER BY created_at DESC, reference",
            InboxSort::Oldest => " ORDER BY created_at, reference",
        });
        select
            .push(" LIMIT ")
            .push_bind(i64::from(query.per_page))
            .push(" OFFSET ")
            .push_bind(i64::try_from(query.offset()).unwrap_or(i64::MAX));
        let references: Vec<(String,)> = self.db.fetch_all(select).await?;
        let mut rows: Vec<ListRow> = if references.is_empty() {
            Vec::new()
        } else {
            let mut read = Query::new(format!(
                "SELECT {ROW_COLUMNS} FROM tickets WHERE reference IN "
            ));
            read.push_list(references.iter().map(|(r,)| r.as_str()));
            self.db.fetch_all(read).await?
        };
        let position = |reference: &str| references.iter().position(|(r,)| r == reference);
        rows.sort_by_key(|row| position(&row.reference));
        Ok(InboxPage {
            tickets: rows
                .into_iter()
                .map(ListRow::into_row)
                .collect::<StoreResult<_>>()?,
            total,
            page: query.page,
            per_page: query.per_page,
        })
    }

    async fn tickets_by_email(&self, email: &str, limit: u32) -> StoreResult<Vec<InboxRow>> {
        let query = Query::new(format!(
            "SELECT {ROW_COLUMNS} FROM tickets WHERE lower(email) = $1 \
             ORDER BY created_at DESC, reference LIMIT $2"
        ))
        .bind(email.trim().to_lowercase())
        .bind(i64::from(limit));
        let rows: Vec<ListRow> = self.db.fetch_all(query).await?;
        rows.into_iter().map(ListRow::into_row).collect()
    }

    async fn update_workflow(
        &self,
        reference: &str,
        seen: DateTime<Utc>,
        workflow: &Workflow,
        audit: &[AuditEntry],
    ) -> StoreResult<bool> {
        let mut tx = self.db.begin().await?;
        let mut conn = tx.conn();
        let changed = conn
            .execute(
                Query::new(
                    "UPDATE tickets SET status = $1, assignee_id = $2, tags = $3, \
                     awaiting_since = $4, updated_at = $5 \
                     WHERE reference = $6 AND updated_at = $7",
                )
                .bind(workflow.status.as_str())
                .bind(workflow.assignee_id.as_deref())
                .bind(json_text(&workflow.tags))
                .bind(workflow.awaiting_since)
                .bind(workflow.updated_at)
                .bind(reference)
                .bind(seen),
            )
            .await?;
        if changed == 0 {
            return Ok(false);
        }
        for entry in audit {
            crate::staff::record(&mut conn, entry).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    async fn add_note(&self, reference: &str, note: &Note) -> StoreResult<bool> {
        let exists = self
            .db
            .count(Query::new("SELECT COUNT(*) FROM tickets WHERE reference = $1").bind(reference))
            .await?;
        if exists == 0 {
            return Ok(false);
        }
        self.db
            .execute(
                Query::new(
                    "INSERT INTO ticket_notes (id, reference, at, author, text) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(uuid::Uuid::new_v4().to_string())
                .bind(reference)
                .bind(note.at)
                .bind(note.author.as_str())
                .bind(note.text.as_str()),
            )
            .await?;
        Ok(true)
    }
}

const WORKFLOW_COLUMNS: &str = "status, assignee_id, tags, awaiting_since, updated_at";

const ROW_COLUMNS: &str = "reference, kind, created_at, name, email, order_number, status, \
     assignee_id, tags, awaiting_since, updated_at";

/// The inbox's filters, as a `WHERE` clause appended to `query`.
fn filter<'q>(query: &mut Query<'q>, inbox: &'q InboxQuery) {
    query.push(" WHERE 1 = 1");
    if let TicketVisibility::StylistOrAssignedTo(user) = &inbox.visibility {
        query
            .push(" AND (kind = 'stylist' OR assignee_id = ")
            .push_bind(user.as_str())
            .push(")");
    }
    if let Some(kind) = inbox.kind {
        query.push(" AND kind = ").push_bind(kind.as_str());
    }
    // Always as a list of statuses, never `<>` or absent: the covering index `tickets_inbox`
    // leads with the status, and PostgreSQL scans it (index only) for a list but reads every
    // row of the table for `status <> 'resolved'`.
    let statuses: Vec<&str> = TicketStatus::ALL
        .into_iter()
        .filter(|status| match inbox.status {
            StatusFilter::Unresolved => *status != TicketStatus::Resolved,
            StatusFilter::Is(wanted) => *status == wanted,
            StatusFilter::Any => true,
        })
        .map(TicketStatus::as_str)
        .collect();
    query.push(" AND status IN ").push_list(statuses);
    match &inbox.assignee {
        AssigneeFilter::Anyone => {}
        AssigneeFilter::Nobody => {
            query.push(" AND assignee_id IS NULL");
        }
        AssigneeFilter::User(user) => {
            query.push(" AND assignee_id = ").push_bind(user.as_str());
        }
    }
    if let Some(from) = inbox.created_from {
        query.push(" AND created_at >= ").push_bind(from);
    }
    if let Some(before) = inbox.created_before {
        query.push(" AND created_at < ").push_bind(before);
    }
    if let Some(text) = inbox
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        let escaped: String = text
            .to_lowercase()
            .chars()
            .flat_map(|c| match c {
                '%' | '_' | '\\' => vec!['\\', c],
                c => vec![c],
            })
            .collect();
        query
            .push(" AND search LIKE ")
            .push_bind(format!("%{escaped}%"))
            .push(" ESCAPE '\\'");
    }
}

/// What the inbox's text filter looks in.
fn search_text(ticket: &Ticket) -> String {
    format!(
        "{} {} {} {}",
        ticket.reference,
        ticket.email.as_str(),
        ticket.order_number().unwrap_or_default(),
        ticket.name.as_deref().unwrap_or_default()
    )
    .to_lowercase()
}

#[derive(sqlx::FromRow)]
struct WorkflowRow {
    status: String,
    assignee_id: Option<String>,
    tags: String,
    awaiting_since: Option<DateTime<Utc>>,
    updated_at: Option<DateTime<Utc>>,
}

impl WorkflowRow {
    fn into_workflow(self) -> StoreResult<Workflow> {
        Ok(Workflow {
            status: parse_stored::<TicketStatus>("status", &self.status)?,
            assignee_id: self.assignee_id,
            tags: json_from_text("tags", &self.tags)?,
            awaiting_since: self.awaiting_since,
            updated_at: self.updated_at.unwrap_or(DateTime::UNIX_EPOCH),
        })
    }
}

#[derive(sqlx::FromRow)]
struct RecordRow {
    #[sqlx(flatten)]
    ticket: TicketRow,
    #[sqlx(flatten)]
    workflow: WorkflowRow,
}

#[derive(sqlx::FromRow)]
struct ListRow {
    reference: String,
    kind: String,
    created_at: DateTime<Utc>,
    name: Option<String>,
    email: String,
    order_number: Option<String>,
    #[sqlx(flatten)]
    workflow: WorkflowRow,
}

impl ListRow {
    fn into_row(self) -> StoreResult<InboxRow> {
        Ok(InboxRow {
            kind: parse_stored("kind", &self.kind)?,
            workflow: self.workflow.into_workflow()?,
            reference: self.reference,
            created_at: self.created_at,
            name: self.name,
            email: self.email,
            order_number: self.order_number,
        })
    }
}

#[derive(sqlx::FromRow)]
struct NoteRow {
    at: DateTime<Utc>,
    author: String,
    text: String,
    email_to: Option<String>,
    sent_at: Option<DateTime<Utc>>,
    attempts: Option<i32>,
    last_error: Option<String>,
}

#[async_trait::async_trait]
impl TicketWrites for SqlTransaction {
    async fn insert_ticket(&mut self, ticket: &Ticket) -> StoreResult<()> {
        let mut conn = self.tx.conn();
        conn.execute(
            Query::new(format!(
                "INSERT INTO tickets ({TICKET_COLUMNS}, status, awaiting_since, updated_at, \
                 order_number, search) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"
            ))
            .bind(&ticket.reference)
            .bind(ticket.kind.as_str())
            .bind(ticket.created_at)
            .bind(ticket.conversation_id.as_deref())
            .bind(ticket.name.as_deref())
            .bind(ticket.email.as_str())
            .bind(ticket.details.to_string())
            .bind(json_text(&ticket.transcript))
            .bind(json_text(&ticket.shortlist))
            .bind(ticket.filters.to_string())
            .bind(json_text(&ticket.products_shown))
            .bind(TicketStatus::New.as_str())
            .bind(ticket.created_at)
            .bind(ticket.created_at)
            .bind(ticket.order_number())
            .bind(search_text(ticket)),
        )
        .await?;
        if let Some(conversation) = &ticket.conversation_id {
            conn.execute(
                Query::new("UPDATE conversations SET has_ticket = TRUE WHERE id = $1")
                    .bind(conversation),
            )
            .await?;
        }
        Ok(())
    }
}
