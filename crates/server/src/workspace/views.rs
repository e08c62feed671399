//! The workspace's pages as askama templates (auto-escaped: shopper text is shown as text),
//! and what each shows, built from what the core's use cases return.

use super::session::Staff;
use aurora_core::catalog::Catalog;
use aurora_core::flags::{FlagOverride, FlagSettings};
use aurora_core::orders::Order;
use aurora_core::services::tickets::TicketView;
use aurora_core::staff::audit::AuditEntry;
use aurora_core::staff::{Role, StaffUser};
use aurora_core::store::FlagAuditEntry;
use aurora_core::tickets::TicketKind;
use aurora_core::tickets::inbox::{InboxPage as Page, InboxRow, InboxSort};
use aurora_core::tickets::workflow::TicketStatus;
use aurora_core::tokens::Scope;
use chrono::{DateTime, Duration, Utc};

/// A path segment, percent-encoded.
pub(crate) fn urlencode(segment: &str) -> String {
    form_urlencoded::byte_serialize(segment.as_bytes()).collect()
}

/// Bad parameters as a page lists them: `field: message`.
pub(crate) fn problems(errors: &[crate::error::FieldError]) -> Vec<String> {
    errors
        .iter()
        .map(|e| format!("{}: {}", e.field, e.message))
        .collect()
}

/// What every signed-in page shows around its content: who is signed in, the navigation their
/// role allows, and the CSRF token for the page's forms.
pub(crate) struct Chrome {
    pub email: String,
    pub role: String,
    pub csrf: String,
    pub can_tickets: bool,
    pub can_write_tickets: bool,
    pub can_conversations: bool,
    pub can_analytics: bool,
    pub can_flags: bool,
    pub can_write_flags: bool,
    pub can_users: bool,
    /// The signed-in person's id ("assign to me").
    pub user_id: String,
    /// Which navigation entry is this page's.
    pub current: &'static str,
    /// A message after a change ("Ticket resolved").
    pub notice: Option<String>,
}

impl Chrome {
    pub fn new(staff: &Staff, current: &'static str) -> Chrome {
        let actor = &staff.actor;
        Chrome {
            email: actor.name.clone(),
            role: actor.role().map_or("token", Role::as_str).to_string(),
            csrf: staff.csrf().to_string(),
            can_tickets: actor.allows(Scope::TicketsRead),
            can_write_tickets: actor.allows(Scope::TicketsWrite),
            can_conversations: actor.allows(Scope::ConversationsRead),
            can_analytics: actor.allows(Scope::AnalyticsRead),
            can_flags: actor.allows(Scope::FlagsRead),
            can_write_flags: actor.allows(Scope::FlagsWrite),
            can_users: actor.allows(Scope::UsersWrite),
            user_id: actor.user_id().unwrap_or_default().to_string(),
            current,
            notice: None,
        }
    }

    pub fn with_notice(mut self, notice: Option<String>) -> Chrome {
        self.notice = notice;
        self
    }
}

/// A time as staff read it, in UTC.
pub(crate) fn when(at: &DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// A duration in whole hours and minutes ("3 h 05 min", "45 min").
fn span(duration: Duration) -> String {
    let minutes = duration.num_minutes().abs();
    if minutes >= 60 * 48 {
        format!("{} days", minutes / (60 * 24))
    } else if minutes >= 60 {
        format!("{} h {:02} min", minutes / 60, minutes % 60)
    } else {
        format!("{minutes} min")
    }
}

/// The response clock of a ticket: time left, or how long overdue.
pub(crate) struct Due {
    pub text: String,
    pub overdue: bool,
}

pub(crate) fn due(
    awaiting_since: Option<DateTime<Utc>>,
    promise: Duration,
    now: DateTime<Utc>,
) -> Option<Due> {
    let due_at = awaiting_since? + promise;
    Some(if due_at <= now {
        Due {
            text: format!("overdue by {}", span(now - due_at)),
            overdue: true,
        }
    } else {
        Due {
            text: format!("{} left", span(due_at - now)),
            overdue: false,
        }
    })
}

/// A `<select>` option.
pub(crate) struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl Choice {
    pub(crate) fn new(value: impl Into<String>, label: impl Into<String>, current: &str) -> Choice {
        let value = value.into();
        Choice {
            selected: value == current,
            label: label.into(),
            value,
        }
    }
}

#[derive(askama::Template)]
#[template(path = "workspace/login.html")]
pub(crate) struct LoginPage {
    pub chrome: Option<Chrome>,
    pub csrf: String,
    pub email: String,
    pub error: Option<String>,
    pub notice: Option<String>,
    pub next: String,
}

#[derive(askama::Template)]
#[template(path = "workspace/set_password.html")]
pub(crate) struct SetPasswordPage {
    pub chrome: Option<Chrome>,
    pub csrf: String,
    pub token: String,
    pub email: Option<String>,
    pub error: Option<String>,
}

#[derive(askama::Template)]
#[template(path = "workspace/error.html")]
pub(crate) struct ErrorPage {
    pub chrome: Option<Chrome>,
    pub status: u16,
    pub title: &'static str,
    pub detail: String,
    /// Each invalid field, named.
    pub problems: Vec<String>,
}

/// One ticket as the inbox lists it.
pub(crate) struct InboxLine {
    pub reference: String,
    pub kind: &'static str,
    pub status: &'static str,
    pub name: String,
    pub email: String,
    pub order_number: String,
    pub assignee: String,
    pub tags: String,
    pub created: String,
    pub due: Option<Due>,
}

pub(crate) fn inbox_line(
    row: &InboxRow,
    users: &[StaffUser],
    promise: Duration,
    now: DateTime<Utc>,
) -> InboxLine {
    InboxLine {
        reference: row.reference.clone(),
        kind: row.kind.label(),
        status: row.workflow.status.label(),
        name: row.name.clone().unwrap_or_default(),
        email: row.email.clone(),
        order_number: row.order_number.clone().unwrap_or_default(),
        assignee: assignee_name(row.workflow.assignee_id.as_deref(), users),
        tags: row.workflow.tags.join(", "),
        created: when(&row.created_at),
        due: due(row.workflow.awaiting_since, promise, now),
    }
}

pub(crate) fn assignee_name(id: Option<&str>, users: &[StaffUser]) -> String {
    match id {
        None => "Nobody".to_string(),
        Some(id) => users
            .iter()
            .find(|u| u.id == id)
            .map_or_else(|| id.to_string(), |u| u.email.as_str().to_string()),
    }
}

/// A numbered page link.
pub(crate) struct PageLink {
    pub number: u32,
    pub href: String,
    pub current: bool,
}

#[derive(askama::Template)]
#[template(path = "workspace/inbox.html")]
pub(crate) struct InboxPage {
    pub chrome: Option<Chrome>,
    pub lines: Vec<InboxLine>,
    pub total: u64,
    pub kinds: Vec<Choice>,
    pub statuses: Vec<Choice>,
    pub assignees: Vec<Choice>,
    pub sorts: Vec<Choice>,
    pub from: String,
    pub to: String,
    pub q: String,
    pub errors: Vec<String>,
    pub pages: Vec<PageLink>,
    pub filtered: bool,
}

/// The inbox's filter choices, with the current ones selected.
pub(crate) fn inbox_choices(
    params: &super::inbox_query::InboxParams,
    colleagues: &[StaffUser],
) -> (Vec<Choice>, Vec<Choice>, Vec<Choice>, Vec<Choice>) {
    let value = |v: &Option<String>| v.clone().unwrap_or_default();
    let kind = value(&params.kind);
    let mut kinds = vec![Choice::new("", "All kinds", &kind)];
    kinds.extend(
        TicketKind::ALL
            .iter()
            .map(|k| Choice::new(k.as_str(), k.label(), &kind)),
    );
    let status = value(&params.status);
    let mut statuses = vec![
        Choice::new("", "Unresolved", &status),
        Choice::new("any", "Any status", &status),
    ];
    statuses.extend(
        TicketStatus::ALL
            .iter()
            .map(|s| Choice::new(s.as_str(), s.label(), &status)),
    );
    let assignee = value(&params.assignee);
    let mut assignees = vec![
        Choice::new("", "Anyone", &assignee),
        Choice::new("me", "Me", &assignee),
        Choice::new("none", "Nobody", &assignee),
    ];
    assignees.extend(
        colleagues
            .iter()
            .map(|u| Choice::new(u.id.as_str(), u.email.as_str(), &assignee)),
    );
    let sort = value(&params.sort);
    let sorts = InboxSort::ALL
        .iter()
        .map(|s| {
            let v = if *s == InboxSort::Due { "" } else { s.as_str() };
            Choice::new(v, s.label(), &sort)
        })
        .collect();
    (kinds, statuses, assignees, sorts)
}

pub(crate) fn page_links(page: &Page, params: &super::inbox_query::InboxParams) -> Vec<PageLink> {
    let last = page.pages();
    let current = page.page;
    let mut numbers: Vec<u32> = vec![1, current.saturating_sub(1), current, current + 1, last];
    numbers.retain(|n| *n >= 1 && *n <= last);
    numbers.sort_unstable();
    numbers.dedup();
    numbers
        .into_iter()
        .map(|number| PageLink {
            number,
            href: format!("/dashboard?{}", params.with_page(number)),
            current: number == current,
        })
        .collect()
}

/// A product named on a ticket: its title and a link, when it is still in the catalog.
pub(crate) struct ProductLink {
    pub title: String,
    pub href: Option<String>,
}

fn product_links(ids: &[String], catalog: &Catalog) -> Vec<ProductLink> {
    ids.iter()
        .map(|id| match catalog.get(id) {
            Some(product) => ProductLink {
                title: product.title.clone(),
                href: safe_link(&product.url),
            },
            None => ProductLink {
                title: format!("{id} (no longer in the catalog)"),
                href: None,
            },
        })
        .collect()
}

/// A link only when it is http(s) or a path on this site: never `javascript:` or `data:`.
fn safe_link(url: &str) -> Option<String> {
    let lower = url.trim().to_ascii_lowercase();
    (lower.starts_with("https://")
        || lower.starts_with("http://")
        || (lower.starts_with('/') && !lower.starts_with("//")))
    .then(|| url.trim().to_string())
}

/// One field of the request, as the shopper filled it in.
pub(crate) struct Field {
    pub name: String,
    pub value: String,
}

fn fields(details: &serde_json::Value) -> Vec<Field> {
    details
        .as_object()
        .map(|object| {
            object
                .iter()
                .map(|(name, value)| Field {
                    name: name.replace('_', " "),
                    value: match value {
                        serde_json::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    },
                })
                .collect()
        })
        .unwrap_or_default()
}

/// One line of the transcript.
pub(crate) struct Line {
    pub shopper: bool,
    pub text: String,
    pub at: String,
}

/// One step of the order's timeline.
pub(crate) struct Step {
    pub label: &'static str,
    pub at: String,
    pub detail: String,
    pub tracking_url: Option<String>,
}

pub(crate) struct OrderSummary {
    pub number: String,
    pub placed: String,
    pub status: &'static str,
    pub items: Vec<String>,
    pub steps: Vec<Step>,
}

fn order_summary(order: &Order) -> OrderSummary {
    OrderSummary {
        number: order.number.to_string(),
        placed: when(&order.placed_at),
        status: order.status().label(),
        items: order
            .items
            .iter()
            .map(|i| format!("{} × {}", i.quantity, i.title))
            .collect(),
        steps: order
            .events
            .iter()
            .map(|e| Step {
                label: e.status.label(),
                at: when(&e.at),
                detail: [
                    e.carrier.as_deref(),
                    e.tracking_number.as_deref(),
                    e.note.as_deref(),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · "),
                tracking_url: e.tracking_url.as_deref().and_then(safe_link),
            })
            .collect(),
    }
}

/// A note as the ticket page shows it.
pub(crate) struct NoteLine {
    pub author: String,
    pub at: String,
    pub text: String,
    /// For a reply emailed to the shopper: to whom, and how its delivery goes.
    pub emailed: Option<String>,
}

/// How an emailed reply's delivery goes, in words.
fn delivery(emailed: &aurora_core::tickets::workflow::Emailed) -> String {
    match (&emailed.sent_at, &emailed.last_error) {
        (Some(at), _) => format!("Emailed to {} · sent {}", emailed.to, when(at)),
        (None, Some(error)) => format!(
            "Emailed to {} · not sent yet, retrying (attempt {} failed: {error})",
            emailed.to, emailed.attempts
        ),
        (None, None) => format!("Emailed to {} · waiting to be sent", emailed.to),
    }
}

#[derive(askama::Template)]
#[template(path = "workspace/ticket.html")]
pub(crate) struct TicketPage {
    pub chrome: Option<Chrome>,
    pub csrf: String,
    pub can_write: bool,
    pub user_id: String,
    pub reference: String,
    pub kind: &'static str,
    pub status: &'static str,
    pub created: String,
    pub name: String,
    pub email: String,
    pub mailto: String,
    /// Replies go out by email from the workspace (SMTP is set up).
    pub can_email: bool,
    pub due: Option<Due>,
    pub statuses: Vec<Choice>,
    pub assignees: Vec<Choice>,
    pub assignee: String,
    /// The workflow's `updated_at` the forms send back (RFC 3339).
    pub version: String,
    pub tags: String,
    pub errors: Vec<String>,
    pub fields: Vec<Field>,
    pub transcript: Vec<Line>,
    pub shortlist: Vec<ProductLink>,
    pub filters: Vec<Field>,
    pub products_shown: Vec<ProductLink>,
    pub order: Option<OrderSummary>,
    pub order_number: String,
    pub notes: Vec<NoteLine>,
    pub other_tickets: Vec<InboxLine>,
    pub conversation: String,
}

/// Everything the ticket page shows.
pub(crate) struct TicketContext<'a> {
    pub chrome: Chrome,
    pub view: &'a TicketView,
    pub colleagues: &'a [StaffUser],
    pub catalog: &'a Catalog,
    pub store_name: &'a str,
    /// Whether replies go out by email from the workspace.
    pub can_email: bool,
    pub promise: Duration,
    pub now: DateTime<Utc>,
    pub errors: Vec<String>,
}

pub(crate) fn ticket_page(context: TicketContext<'_>) -> TicketPage {
    let TicketContext {
        chrome,
        view,
        colleagues,
        catalog,
        store_name,
        can_email,
        promise,
        now,
        errors,
    } = context;
    let ticket = &view.ticket;
    let workflow = &view.workflow;
    let status = workflow.status.as_str();
    let assignee = workflow.assignee_id.clone().unwrap_or_default();
    let mut assignees = vec![Choice::new("", "Nobody", &assignee)];
    assignees.extend(
        colleagues
            .iter()
            .filter(|u| u.is_active() && u.role.scopes().contains(&Scope::TicketsWrite))
            .map(|u| Choice::new(u.id.as_str(), u.email.as_str(), &assignee)),
    );
    let subject = format!(
        "Re: your {} request {}",
        ticket.kind.as_str(),
        ticket.reference
    );
    let body = format!(
        "Hello {},\n\nThank you for contacting {store_name} (reference {}).\n\n",
        ticket.name.as_deref().unwrap_or("there"),
        ticket.reference
    );
    let mailto = format!(
        "mailto:{}?{}",
        percent(ticket.email.as_str()),
        form_urlencoded::Serializer::new(String::new())
            .append_pair("subject", &subject)
            .append_pair("body", &body)
            .finish()
            .replace('+', "%20")
    );
    TicketPage {
        csrf: chrome.csrf.clone(),
        can_write: chrome.can_write_tickets,
        user_id: chrome.user_id.clone(),
        chrome: Some(chrome),
        reference: ticket.reference.clone(),
        kind: ticket.kind.label(),
        status: workflow.status.label(),
        created: when(&ticket.created_at),
        name: ticket.name.clone().unwrap_or_default(),
        email: ticket.email.as_str().to_string(),
        mailto,
        can_email,
        due: due(workflow.awaiting_since, promise, now),
        statuses: TicketStatus::ALL
            .iter()
            .filter(|s| **s != TicketStatus::New || workflow.status == TicketStatus::New)
            .map(|s| Choice::new(s.as_str(), s.label(), status))
            .collect(),
        assignees,
        assignee: assignee_name(workflow.assignee_id.as_deref(), colleagues),
        version: workflow
            .updated_at
            .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
        tags: workflow.tags.join(", "),
        errors,
        fields: fields(&ticket.details),
        transcript: ticket
            .transcript
            .iter()
            .map(|l| Line {
                shopper: l.role == "shopper",
                text: l.text.clone(),
                at: when(&l.at),
            })
            .collect(),
        shortlist: product_links(&ticket.shortlist, catalog),
        filters: fields(&ticket.filters),
        products_shown: product_links(&ticket.products_shown, catalog),
        order: view.order.as_ref().map(order_summary),
        order_number: ticket.order_number().unwrap_or_default().to_string(),
        notes: view
            .notes
            .iter()
            .map(|n| NoteLine {
                author: n.author.clone(),
                at: when(&n.at),
                text: n.text.clone(),
                emailed: n.emailed.as_ref().map(delivery),
            })
            .collect(),
        other_tickets: view
            .other_tickets
            .iter()
            .map(|row| inbox_line(row, colleagues, promise, now))
            .collect(),
        conversation: ticket.conversation_id.clone().unwrap_or_default(),
    }
}

/// An email address for a `mailto:` URL: everything but the safe characters percent-encoded.
fn percent(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"@.-_+".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// One change of the flag, as the flag page lists it.
pub(crate) struct FlagChangeLine {
    pub at: String,
    pub actor: String,
    pub change: String,
}

#[derive(askama::Template)]
#[template(path = "workspace/flags.html")]
pub(crate) struct FlagsPage {
    pub chrome: Option<Chrome>,
    pub csrf: String,
    pub can_write: bool,
    pub enabled: bool,
    pub enabled_from: &'static str,
    pub rollout: u8,
    pub rollout_from: &'static str,
    pub allowed_users: String,
    pub allowed_from: &'static str,
    pub errors: Vec<String>,
    /// Asking to confirm turning the widget off.
    pub confirm_off: bool,
    pub history: Vec<FlagChangeLine>,
}

pub(crate) fn flags_page(
    chrome: Chrome,
    base: &FlagSettings,
    change: &FlagOverride,
    history: &[FlagAuditEntry],
) -> FlagsPage {
    let effective = base.with(change);
    let from = |overridden: bool| {
        if overridden {
            "changed at runtime"
        } else {
            "the environment"
        }
    };
    FlagsPage {
        csrf: chrome.csrf.clone(),
        can_write: chrome.can_write_flags,
        chrome: Some(chrome),
        enabled: effective.enabled,
        enabled_from: from(change.enabled.is_some()),
        rollout: effective.rollout_percentage,
        rollout_from: from(change.rollout_percentage.is_some()),
        allowed_users: effective.allowed_users.join("\n"),
        allowed_from: from(change.allowed_users.is_some()),
        errors: Vec::new(),
        confirm_off: false,
        history: history
            .iter()
            .map(|e| FlagChangeLine {
                at: when(&e.at),
                actor: e.actor.clone(),
                change: aurora_core::flags::describe_change(&e.before, &e.after),
            })
            .collect(),
    }
}

/// One account as the users page lists it.
pub(crate) struct UserLine {
    pub id: String,
    pub email: String,
    pub roles: Vec<Choice>,
    pub role: &'static str,
    pub active: bool,
    pub password_set: bool,
    pub created: String,
}

/// One entry of the audit log as listed.
pub(crate) struct AuditLine {
    pub at: String,
    pub actor: String,
    pub action: &'static str,
    pub subject: String,
    pub detail: String,
}

pub(crate) fn audit_lines(entries: &[AuditEntry]) -> Vec<AuditLine> {
    entries
        .iter()
        .map(|e| AuditLine {
            at: when(&e.at),
            actor: e.actor.clone(),
            action: e.action.label(),
            subject: e.subject.clone(),
            detail: e.detail.clone(),
        })
        .collect()
}

#[derive(askama::Template)]
#[template(path = "workspace/users.html")]
pub(crate) struct UsersPage {
    pub chrome: Option<Chrome>,
    pub csrf: String,
    pub users: Vec<UserLine>,
    pub roles: Vec<Choice>,
    pub new_email: String,
    pub errors: Vec<String>,
    /// A new account's set-password link, shown once.
    pub link: Option<String>,
    pub audit: Vec<AuditLine>,
    pub older: Option<String>,
}

pub(crate) fn user_lines(users: &[StaffUser]) -> Vec<UserLine> {
    users
        .iter()
        .map(|u| UserLine {
            id: u.id.clone(),
            email: u.email.as_str().to_string(),
            roles: Role::ALL
                .iter()
                .map(|r| Choice::new(r.as_str(), r.as_str(), u.role.as_str()))
                .collect(),
            role: u.role.as_str(),
            active: u.is_active(),
            password_set: u.password_set,
            created: when(&u.created_at),
        })
        .collect()
}

pub(crate) fn role_choices(current: &str) -> Vec<Choice> {
    Role::ALL
        .iter()
        .map(|r| Choice::new(r.as_str(), r.as_str(), current))
        .collect()
}
