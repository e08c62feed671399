//! The workspace's pages: each loads through the same core use case as its JSON call, and a
//! form posts back to its page, which redirects after a change (so a reload never repeats it).

use super::inbox_query::InboxParams;
use super::views::{self, Chrome, urlencode};
use super::{PageStaff, error_page, render, see_other};
use crate::AppState;
use aurora_core::flags::FLAG_KEY;
use aurora_core::services::flags::FlagChange;
use aurora_core::services::{ServiceError, flags, staff, tickets};
use aurora_core::staff::Role;
use aurora_core::tickets::workflow::{TicketChange, TicketStatus};
use aurora_core::tokens::Scope;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

/// Changes of the flag the flag page lists.
const FLAG_HISTORY: u32 = 50;
/// Entries of the staff audit log per page.
const AUDIT_PAGE: u32 = 50;

/// The messages of a refused change, for the page.
fn messages(error: &ServiceError) -> Option<Vec<String>> {
    match error {
        ServiceError::Invalid(problems) => Some(
            problems
                .iter()
                .map(|p| format!("{}: {}", p.field.replace('_', " "), p.message))
                .collect(),
        ),
        ServiceError::Conflict(_, detail) => Some(vec![detail.clone()]),
        _ => None,
    }
}

#[derive(Deserialize, Default)]
pub(super) struct Notice {
    done: Option<String>,
}

fn notice(done: Option<&str>) -> Option<String> {
    Some(
        match done? {
            "status" => "Status changed.",
            "assignee" => "Assignee changed.",
            "tags" => "Tags saved.",
            "note" => "Note added.",
            "reply" => "Reply saved on the ticket; it is being emailed to the shopper.",
            "flags" => "Flag changed. Every instance follows within seconds.",
            "role" => "Role changed.",
            "disabled" => "Account disabled; its sessions have ended.",
            _ => return None,
        }
        .to_string(),
    )
}

/// `GET /dashboard`: the inbox.
pub(super) async fn inbox(
    State(state): State<AppState>,
    PageStaff(staff): PageStaff,
    Query(params): Query<InboxParams>,
) -> Response {
    let chrome = Chrome::new(&staff, "inbox");
    if !staff.actor.allows(Scope::TicketsRead) && staff.actor.allows(Scope::AnalyticsRead) {
        // A viewer's home is the analytics page.
        return see_other("/dashboard/analytics");
    }
    if !staff.actor.allows(Scope::TicketsRead) {
        return error_page(
            Some(chrome),
            ServiceError::Forbidden(Scope::TicketsRead).into(),
        );
    }
    let users = match state.store.users().await {
        Ok(users) => users,
        Err(error) => return error_page(Some(chrome), error.into()),
    };
    let (query, errors) = match params.query(&staff.actor) {
        Ok(query) => (query, Vec::new()),
        Err(errors) => (
            InboxParams::default()
                .query(&staff.actor)
                .unwrap_or_default(),
            views::problems(&errors),
        ),
    };
    let filtered = query.kind.is_some()
        || query.text.is_some()
        || query.created_from.is_some()
        || query.created_before.is_some()
        || params.status.as_deref().is_some_and(|s| !s.is_empty())
        || params.assignee.as_deref().is_some_and(|s| !s.is_empty());
    let page = match tickets::inbox(state.store.as_ref(), &staff.actor, query).await {
        Ok(page) => page,
        Err(error) => return error_page(Some(chrome), error.into()),
    };
    let now = state.now();
    let promise = state.settings.ticket_response_time;
    let (kinds, statuses, assignees, sorts) = views::inbox_choices(&params, &users);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render(
        status,
        &views::InboxPage {
            lines: page
                .tickets
                .iter()
                .map(|row| views::inbox_line(row, &users, promise, now))
                .collect(),
            total: page.total,
            pages: views::page_links(&page, &params),
            kinds,
            statuses,
            assignees,
            sorts,
            from: params.from.clone().unwrap_or_default(),
            to: params.to.clone().unwrap_or_default(),
            q: params.q.clone().unwrap_or_default(),
            errors,
            filtered,
            chrome: Some(chrome),
        },
    )
}

async fn ticket_page(
    state: &AppState,
    staff: &super::session::Staff,
    reference: &str,
    chrome: Chrome,
    errors: Vec<String>,
    status: StatusCode,
) -> Response {
    let view = match tickets::view(state.store.as_ref(), &staff.actor, reference).await {
        Ok(view) => view,
        Err(error) => return error_page(Some(chrome), error.into()),
    };
    let users = match state.store.users().await {
        Ok(users) => users,
        Err(error) => return error_page(Some(chrome), error.into()),
    };
    let catalog = state.catalog();
    render(
        status,
        &views::ticket_page(views::TicketContext {
            chrome,
            view: &view,
            colleagues: &users,
            catalog: &catalog,
            store_name: &state.concierge.settings().store_name,
            can_email: state.email_from().is_some(),
            promise: state.settings.ticket_response_time,
            now: state.now(),
            errors,
        }),
    )
}

/// `GET /dashboard/tickets/{reference}`.
pub(super) async fn ticket(
    State(state): State<AppState>,
    PageStaff(staff): PageStaff,
    Path(reference): Path<String>,
    Query(done): Query<Notice>,
) -> Response {
    let chrome = Chrome::new(&staff, "inbox").with_notice(notice(done.done.as_deref()));
    ticket_page(
        &state,
        &staff,
        &reference,
        chrome,
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize)]
pub(super) struct TicketForm {
    /// `status`, `assign`, `tags` or `note`.
    #[serde(default)]
    action: String,
    status: Option<String>,
    assignee: Option<String>,
    tags: Option<String>,
    text: Option<String>,
    /// The ticket's `updated_at` as the page showed it (RFC 3339).
    version: Option<String>,
}

/// `POST /dashboard/tickets/{reference}`: one change from the ticket page's forms.
pub(super) async fn change_ticket(
    State(state): State<AppState>,
    PageStaff(staff): PageStaff,
    Path(reference): Path<String>,
    Form(form): Form<TicketForm>,
) -> Response {
    let chrome = Chrome::new(&staff, "inbox");
    let now = state.now();
    let store = state.store.as_ref();
    let actor = &staff.actor;
    // The version of the ticket the page showed: a change made since is not overwritten.
    let seen = form
        .version
        .as_deref()
        .and_then(|v| chrono::DateTime::parse_from_rfc3339(v).ok())
        .map(|v| v.with_timezone(&chrono::Utc));
    let change = match form.action.as_str() {
        "status" => form
            .status
            .as_deref()
            .unwrap_or_default()
            .parse::<TicketStatus>()
            .map(TicketChange::Status)
            .map_err(|_| invalid("status", "choose a status")),
        "assign" => Ok(TicketChange::Assign(
            form.assignee
                .as_deref()
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(str::to_string),
        )),
        "tags" => Ok(TicketChange::Tags(
            form.tags
                .unwrap_or_default()
                .split(',')
                .map(str::to_string)
                .collect(),
        )),
        "note" | "reply" => Err(invalid("action", "")),
        _ => Err(invalid("action", "unknown action")),
    };
    let result = match (form.action.as_str(), change) {
        ("note", _) => tickets::add_note(
            store,
            actor,
            &reference,
            form.text.as_deref().unwrap_or_default(),
            now,
        )
        .await
        .map(|_| "note"),
        ("reply", _) => tickets::reply_by_email(
            store,
            actor,
            &reference,
            form.text.as_deref().unwrap_or_default(),
            state.email_from(),
            uuid::Uuid::new_v4().to_string(),
            now,
        )
        .await
        .map(|_| "reply"),
        (_, Ok(change)) => {
            let done = match change {
                TicketChange::Status(_) => "status",
                TicketChange::Assign(_) => "assignee",
                TicketChange::Tags(_) => "tags",
            };
            tickets::change(store, actor, &reference, &[change], seen, now)
                .await
                .map(|_| done)
        }
        (_, Err(error)) => Err(error),
    };
    match result {
        Ok(done) => see_other(&format!(
            "/dashboard/tickets/{}?done={done}",
            urlencode(&reference)
        )),
        Err(error) => {
            let status = match error {
                ServiceError::Conflict(..) => StatusCode::CONFLICT,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            match messages(&error) {
                Some(errors) => {
                    ticket_page(&state, &staff, &reference, chrome, errors, status).await
                }
                None => error_page(Some(chrome), error.into()),
            }
        }
    }
}

fn invalid(field: &str, message: &str) -> ServiceError {
    ServiceError::Invalid(vec![aurora_core::concierge::forms::Invalid::new(
        field, message,
    )])
}

async fn flags_page(
    state: &AppState,
    chrome: Chrome,
    errors: Vec<String>,
    confirm_off: bool,
) -> Response {
    let change = match state.store.flag_override(FLAG_KEY).await {
        Ok(change) => change,
        Err(error) => return error_page(Some(chrome), error.into()),
    };
    let history = match state.store.flag_audit(FLAG_KEY, FLAG_HISTORY).await {
        Ok(history) => history,
        Err(error) => return error_page(Some(chrome), error.into()),
    };
    let mut page = views::flags_page(chrome, state.flags.base(), &change, &history);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    page.errors = errors;
    page.confirm_off = confirm_off;
    render(status, &page)
}

/// `GET /dashboard/flags`.
pub(super) async fn flags(
    State(state): State<AppState>,
    PageStaff(staff): PageStaff,
    Query(done): Query<Notice>,
) -> Response {
    let chrome = Chrome::new(&staff, "flags").with_notice(notice(done.done.as_deref()));
    if !staff.actor.allows(Scope::FlagsRead) {
        return error_page(
            Some(chrome),
            ServiceError::Forbidden(Scope::FlagsRead).into(),
        );
    }
    flags_page(&state, chrome, Vec::new(), false).await
}

#[derive(Deserialize)]
pub(super) struct FlagsForm {
    /// `enabled`, `rollout`, `allowed_users` or `reset`.
    #[serde(default)]
    action: String,
    enabled: Option<String>,
    /// `yes` once the person has confirmed turning the widget off.
    confirm: Option<String>,
    rollout: Option<String>,
    allowed_users: Option<String>,
}

/// `POST /dashboard/flags`: one change of the flag; turning the widget off asks first.
pub(super) async fn change_flags(
    State(state): State<AppState>,
    PageStaff(staff): PageStaff,
    Form(form): Form<FlagsForm>,
) -> Response {
    let chrome = Chrome::new(&staff, "flags");
    if let Err(error) = staff.actor.require(Scope::FlagsWrite) {
        return error_page(Some(chrome), error.into());
    }
    let mut change = FlagChange::default();
    match form.action.as_str() {
        "enabled" => {
            let on = form.enabled.as_deref() == Some("on");
            if !on && form.confirm.as_deref() != Some("yes") {
                return flags_page(&state, chrome, Vec::new(), true).await;
            }
            change.enabled = Some(on);
        }
        "rollout" => match form
            .rollout
            .as_deref()
            .unwrap_or_default()
            .trim()
            .parse::<u8>()
        {
            Ok(p) => change.rollout_percentage = Some(p),
            Err(_) => {
                return flags_page(
                    &state,
                    chrome,
                    vec!["rollout percentage: must be a whole number from 0 to 100".into()],
                    false,
                )
                .await;
            }
        },
        "allowed_users" => {
            change.allowed_users = Some(
                form.allowed_users
                    .unwrap_or_default()
                    .split([',', '\n', ' '])
                    .map(str::to_string)
                    .collect(),
            );
        }
        "reset" => {
            return match flags::reset(state.store.as_ref(), &staff.actor, state.now()).await {
                Ok(_) => applied(&state).await,
                Err(error) => error_page(Some(chrome), error.into()),
            };
        }
        _ => return flags_page(&state, chrome, vec!["choose what to change".into()], false).await,
    }
    match flags::change(state.store.as_ref(), &staff.actor, change, state.now()).await {
        Ok(_) => applied(&state).await,
        Err(error) => match messages(&error) {
            Some(errors) => flags_page(&state, chrome, errors, false).await,
            None => error_page(Some(chrome), error.into()),
        },
    }
}

/// After a flag change: this instance follows at once (the others within their poll).
async fn applied(state: &AppState) -> Response {
    if let Err(error) = crate::flags::refresh(state).await {
        tracing::warn!(%error, "could not re-read the flag after a change");
    }
    see_other("/dashboard/flags?done=flags")
}

#[derive(Deserialize)]
pub(super) struct UsersQuery {
    done: Option<String>,
    /// Audit entries before this time (RFC 3339), for the older page.
    before: Option<String>,
}

struct UsersState {
    link: Option<String>,
    new_email: String,
    new_role: String,
    errors: Vec<String>,
    status: StatusCode,
}

impl UsersState {
    /// An empty "add a person" form, with a new set-password link to show once or none.
    fn blank(link: Option<String>, status: StatusCode) -> Self {
        UsersState {
            link,
            new_email: String::new(),
            new_role: Role::Agent.as_str().into(),
            errors: Vec::new(),
            status,
        }
    }

    /// A refused change, with its messages.
    fn refused(errors: Vec<String>) -> Self {
        UsersState {
            errors,
            ..UsersState::blank(None, StatusCode::UNPROCESSABLE_ENTITY)
        }
    }
}

async fn users_page(
    state: &AppState,
    staff: &super::session::Staff,
    chrome: Chrome,
    before: Option<chrono::DateTime<chrono::Utc>>,
    form: UsersState,
) -> Response {
    let store = state.store.as_ref();
    let users = match staff::users(store, &staff.actor).await {
        Ok(users) => users,
        Err(error) => return error_page(Some(chrome), error.into()),
    };
    let audit = match staff::audit_log(store, &staff.actor, AUDIT_PAGE, before).await {
        Ok(audit) => audit,
        Err(error) => return error_page(Some(chrome), error.into()),
    };
    let older = (audit.len() == AUDIT_PAGE as usize)
        .then(|| audit.last())
        .flatten()
        .map(|last| {
            let query = form_urlencoded::Serializer::new(String::new())
                .append_pair("before", &last.at.to_rfc3339())
                .finish();
            format!("/dashboard/users?{query}#audit")
        });
    render(
        form.status,
        &views::UsersPage {
            csrf: chrome.csrf.clone(),
            chrome: Some(chrome),
            users: views::user_lines(&users),
            roles: views::role_choices(&form.new_role),
            new_email: form.new_email,
            errors: form.errors,
            link: form.link,
            audit: views::audit_lines(&audit),
            older,
        },
    )
}

/// `GET /dashboard/users`: staff accounts and the staff audit log (owner only).
pub(super) async fn users(
    State(state): State<AppState>,
    PageStaff(staff): PageStaff,
    Query(query): Query<UsersQuery>,
) -> Response {
    let chrome = Chrome::new(&staff, "users").with_notice(notice(query.done.as_deref()));
    let before = query
        .before
        .as_deref()
        .and_then(|b| chrono::DateTime::parse_from_rfc3339(b).ok())
        .map(|b| b.with_timezone(&chrono::Utc));
    users_page(
        &state,
        &staff,
        chrome,
        before,
        UsersState::blank(None, StatusCode::OK),
    )
    .await
}

#[derive(Deserialize)]
pub(super) struct AddUserForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
}

/// Where set-password links point: the public URL, or the address this request came to.
pub(super) fn base_url(state: &AppState, headers: &axum::http::HeaderMap) -> String {
    state.settings.public_url.clone().unwrap_or_else(|| {
        let host = headers
            .get(axum::http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("localhost");
        format!("http://{host}")
    })
}

/// `POST /dashboard/users`: adds an account and shows its set-password link once.
pub(super) async fn add_user(
    State(state): State<AppState>,
    PageStaff(staff): PageStaff,
    headers: axum::http::HeaderMap,
    Form(form): Form<AddUserForm>,
) -> Response {
    let chrome = Chrome::new(&staff, "users");
    let now = state.now();
    let refused = |errors: Vec<String>| UsersState {
        new_email: form.email.clone(),
        new_role: form.role.clone(),
        ..UsersState::refused(errors)
    };
    let Ok(role) = form.role.parse::<Role>() else {
        let state_ = refused(vec!["role: choose a role".into()]);
        return users_page(&state, &staff, chrome, None, state_).await;
    };
    let user = match staff::add_user(
        state.store.as_ref(),
        &staff.actor,
        &form.email,
        role,
        None,
        now,
    )
    .await
    {
        Ok(user) => user,
        Err(error) => {
            return match messages(&error) {
                Some(errors) => users_page(&state, &staff, chrome, None, refused(errors)).await,
                None => error_page(Some(chrome), error.into()),
            };
        }
    };
    match super::password_link(
        state.store.as_ref(),
        &staff.actor,
        &user.id,
        &base_url(&state, &headers),
        now,
    )
    .await
    {
        Ok((user, link)) => {
            let chrome = chrome.with_notice(Some(format!(
                "{} can now set a password with the link below. It is shown only this once and works for 3 days.",
                user.email.as_str()
            )));
            let form = UsersState::blank(Some(link), StatusCode::CREATED);
            users_page(&state, &staff, chrome, None, form).await
        }
        Err(error) => error_page(Some(chrome), error.into()),
    }
}

#[derive(Deserialize)]
pub(super) struct ChangeUserForm {
    /// `role`, `disable` or `link` (a new set-password link).
    #[serde(default)]
    action: String,
    role: Option<String>,
}

/// `POST /dashboard/users/{id}`: a new role, disabling, or a new set-password link.
pub(super) async fn change_user(
    State(state): State<AppState>,
    PageStaff(staff): PageStaff,
    Path(id): Path<String>,
    headers: axum::http::HeaderMap,
    Form(form): Form<ChangeUserForm>,
) -> Response {
    let chrome = Chrome::new(&staff, "users");
    let now = state.now();
    let store = state.store.as_ref();
    let result = match form.action.as_str() {
        "role" => match form.role.as_deref().unwrap_or_default().parse::<Role>() {
            Ok(role) => staff::change_role(store, &staff.actor, &id, role, now)
                .await
                .map(|_| None),
            Err(_) => Err(invalid("role", "choose a role")),
        },
        "disable" => staff::disable(store, &staff.actor, &id, now)
            .await
            .map(|_| None),
        "link" => super::password_link(store, &staff.actor, &id, &base_url(&state, &headers), now)
            .await
            .map(Some),
        _ => Err(invalid("action", "unknown action")),
    };
    let done = if form.action == "disable" {
        "disabled"
    } else {
        "role"
    };
    match result {
        Ok(None) => see_other(&format!("/dashboard/users?done={done}")),
        Ok(Some((user, link))) => {
            let chrome = chrome.with_notice(Some(format!(
                "A new set-password link for {}: shown only this once, it works for 3 days and replaces any earlier one.",
                user.email.as_str()
            )));
            let form = UsersState::blank(Some(link), StatusCode::OK);
            users_page(&state, &staff, chrome, None, form).await
        }
        Err(error) => match messages(&error) {
            Some(errors) => {
                let form = UsersState::refused(errors);
                users_page(&state, &staff, chrome, None, form).await
            }
            None => error_page(Some(chrome), error.into()),
        },
    }
}
