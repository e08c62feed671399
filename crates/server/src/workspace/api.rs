//! `/api/dashboard/*`: the JSON behind every workspace page, for a signed-in session (state
//! changes carry `X-CSRF-Token`) or an API token with staff scopes. Each call runs the same core
//! use case as its page.

use super::ApiStaff;
use super::inbox_query::InboxParams;
use crate::error::Problem;
use crate::extract::JsonObject;
use crate::{ApiError, AppState, FieldError};
use aurora_core::flags::{FLAG_KEY, FlagSettings};
use aurora_core::services::flags::FlagChange;
use aurora_core::services::tickets::TicketView;
use aurora_core::services::{flags, staff, tickets};
use aurora_core::staff::audit::AuditEntry;
use aurora_core::staff::{Role, StaffUser};
use aurora_core::tickets::inbox::InboxPage;
use aurora_core::tickets::workflow::{Note, TicketChange, TicketStatus, Workflow};
use aurora_core::tokens::Scope;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(session))
        .routes(routes!(list_tickets))
        .routes(routes!(get_ticket, change_ticket))
        .routes(routes!(add_note))
        .routes(routes!(reply_by_email))
        .routes(routes!(get_flags, change_flags))
        .routes(routes!(list_users, add_user))
        .routes(routes!(change_user))
        .routes(routes!(audit_log))
        .merge(super::insight_api::router())
}

/// The body as `T` (unknown fields refused), or 422 naming what is wrong.
pub(super) fn typed<T: DeserializeOwned>(JsonObject(body): JsonObject) -> Result<T, ApiError> {
    serde_json::from_value(body.into()).map_err(|error| {
        ApiError::invalid(vec![FieldError {
            field: "body".into(),
            message: error.to_string(),
        }])
    })
}

/// Who is calling.
#[derive(Serialize, ToSchema)]
struct Me {
    /// The account's email, or the token's name.
    name: String,
    /// The account's role; none for a token not bound to one.
    role: Option<Role>,
    /// What the caller may do.
    scopes: Vec<String>,
    /// Send it as `X-CSRF-Token` with every change made with the session cookie.
    csrf_token: Option<String>,
}

/// Who is signed in (or which token calls), what they may do, and the session's CSRF token.
#[utoipa::path(get, path = "/api/dashboard/session", tag = "workspace",
    security(("session" = []), ("api_token" = [])),
    responses(
        (status = 200, description = "The caller.", body = Me),
        (status = 401, description = "Signed out (`unauthorized`).", body = Problem, content_type = "application/problem+json"),
    ))]
async fn session(ApiStaff(staff): ApiStaff) -> Json<Me> {
    Json(Me {
        name: staff.actor.name.clone(),
        role: staff.actor.role(),
        scopes: Scope::ALL
            .into_iter()
            .filter(|s| staff.actor.allows(*s))
            .map(|s| s.as_str().to_string())
            .collect(),
        csrf_token: staff.session.map(|s| s.csrf_token),
    })
}

/// The inbox: the tickets the caller may see, filtered, sorted and a page at a time.
#[utoipa::path(get, path = "/api/dashboard/tickets", tag = "workspace",
    security(("session" = []), ("api_token" = ["tickets:read"])),
    params(InboxParams),
    responses(
        (status = 200, description = "A page of tickets and how many match.", body = InboxPage),
        (status = 401, description = "Signed out (`unauthorized`).", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role or token lacks `tickets:read` (`forbidden`).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every bad parameter (`validation_failed`).", body = Problem, content_type = "application/problem+json"),
    ))]
async fn list_tickets(
    State(state): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Query(params): Query<InboxParams>,
) -> Result<Json<InboxPage>, ApiError> {
    let query = params.query(&staff.actor).map_err(ApiError::invalid)?;
    Ok(Json(
        tickets::inbox(state.store.as_ref(), &staff.actor, query).await?,
    ))
}

/// One ticket: the request, transcript, shortlist, filters, products shown, notes, its order
/// with the timeline, and the shopper's other tickets.
#[utoipa::path(get, path = "/api/dashboard/tickets/{reference}", tag = "workspace",
    security(("session" = []), ("api_token" = ["tickets:read"])),
    params(("reference" = String, Path, description = "`RT-…` or `ST-…`.")),
    responses(
        (status = 200, description = "The ticket.", body = TicketView),
        (status = 401, description = "Signed out (`unauthorized`).", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role or token lacks `tickets:read` (`forbidden`).", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such ticket, or not one the caller may see (`not_found`).", body = Problem, content_type = "application/problem+json"),
    ))]
async fn get_ticket(
    State(state): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(reference): Path<String>,
) -> Result<Json<TicketView>, ApiError> {
    Ok(Json(
        tickets::view(state.store.as_ref(), &staff.actor, &reference).await?,
    ))
}

/// A change of a ticket's workflow; what is absent stays.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct TicketPatch {
    /// `open`, `waiting` or `resolved` (a resolved ticket moved back is reopened).
    status: Option<TicketStatus>,
    /// A staff user's id, `me`, or `none` to unassign.
    assignee: Option<String>,
    /// Replaces the tags.
    tags: Option<Vec<String>>,
    /// The workflow's `updated_at` as last read: when the ticket changed since, nothing is
    /// written and the answer is 409 `ticket_changed`. Without it, the change applies to the
    /// ticket as it is.
    expected_updated_at: Option<DateTime<Utc>>,
}

/// Changes a ticket's status, assignee or tags, in one write, with the audit log.
#[utoipa::path(patch, path = "/api/dashboard/tickets/{reference}", tag = "workspace",
    security(("session" = []), ("api_token" = ["tickets:write"])),
    params(("reference" = String, Path, description = "`RT-…` or `ST-…`.")),
    request_body(content = TicketPatch, content_type = "application/json"),
    responses(
        (status = 200, description = "The ticket's workflow after the change.", body = Workflow),
        (status = 401, description = "Signed out (`unauthorized`).", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role or token lacks `tickets:write` (`forbidden`), or the CSRF token is missing (`csrf`).", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such ticket (`not_found`).", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Changed since `expected_updated_at`, or by someone else at the same moment (`ticket_changed`); nothing was written.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every invalid field (`validation_failed`).", body = Problem, content_type = "application/problem+json"),
    ))]
async fn change_ticket(
    State(state): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(reference): Path<String>,
    body: JsonObject,
) -> Result<Json<Workflow>, ApiError> {
    let patch: TicketPatch = typed(body)?;
    let mut changes = Vec::new();
    if let Some(status) = patch.status {
        changes.push(TicketChange::Status(status));
    }
    if let Some(assignee) = patch.assignee {
        changes.push(TicketChange::Assign(match assignee.trim() {
            "" | "none" => None,
            "me" => Some(staff.actor.user_id().map(str::to_string).ok_or_else(|| {
                ApiError::invalid(vec![FieldError {
                    field: "assignee".into(),
                    message: "`me` needs a token bound to a person".into(),
                }])
            })?),
            id => Some(id.to_string()),
        }));
    }
    if let Some(tags) = patch.tags {
        changes.push(TicketChange::Tags(tags));
    }
    Ok(Json(
        tickets::change(
            state.store.as_ref(),
            &staff.actor,
            &reference,
            &changes,
            patch.expected_updated_at,
            state.now(),
        )
        .await?,
    ))
}

/// An internal note, or a reply to the shopper.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct NewNote {
    /// At most 5,000 characters.
    text: String,
}

/// Adds an internal note to a ticket (never shown to the shopper).
#[utoipa::path(post, path = "/api/dashboard/tickets/{reference}/notes", tag = "workspace",
    security(("session" = []), ("api_token" = ["tickets:write"])),
    params(("reference" = String, Path, description = "`RT-…` or `ST-…`.")),
    request_body(content = NewNote, content_type = "application/json"),
    responses(
        (status = 201, description = "The note as stored.", body = Note),
        (status = 401, description = "Signed out (`unauthorized`).", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role or token lacks `tickets:write` (`forbidden`), or the CSRF token is missing (`csrf`).", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such ticket (`not_found`).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty or too long (`validation_failed`).", body = Problem, content_type = "application/problem+json"),
    ))]
async fn add_note(
    State(state): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(reference): Path<String>,
    body: JsonObject,
) -> Result<(StatusCode, Json<Note>), ApiError> {
    let note: NewNote = typed(body)?;
    let note = tickets::add_note(
        state.store.as_ref(),
        &staff.actor,
        &reference,
        &note.text,
        state.now(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(note)))
}

/// Replies to the shopper of a ticket by email: kept on the ticket as a note, written to the
/// email outbox in the same transaction and sent from there with retries.
#[utoipa::path(post, path = "/api/dashboard/tickets/{reference}/replies", tag = "workspace",
    security(("session" = []), ("api_token" = ["tickets:write"])),
    params(("reference" = String, Path, description = "`RT-…` or `ST-…`.")),
    request_body(content = NewNote, content_type = "application/json"),
    responses(
        (status = 201, description = "The reply as kept on the ticket; `emailed.sent_at` is set once the mail server accepts it.", body = Note),
        (status = 401, description = "Signed out (`unauthorized`).", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role or token lacks `tickets:write` (`forbidden`), or the CSRF token is missing (`csrf`).", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such ticket (`not_found`).", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Email replies are not set up: no SMTP settings (`email_not_configured`).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty or too long (`validation_failed`).", body = Problem, content_type = "application/problem+json"),
    ))]
async fn reply_by_email(
    State(state): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(reference): Path<String>,
    body: JsonObject,
) -> Result<(StatusCode, Json<Note>), ApiError> {
    let reply: NewNote = typed(body)?;
    let note = tickets::reply_by_email(
        state.store.as_ref(),
        &staff.actor,
        &reference,
        &reply.text,
        state.email_from(),
        uuid::Uuid::new_v4().to_string(),
        state.now(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(note)))
}

/// The widget's flag: what applies now, what is overridden at runtime, and its changes.
#[derive(Serialize, ToSchema)]
struct FlagState {
    #[schema(value_type = Object)]
    effective: FlagSettings,
    /// What the runtime change overrides (absent fields come from the environment).
    #[schema(value_type = Object)]
    overridden: aurora_core::flags::FlagOverride,
    /// Changes, newest first: when, who (and how: workspace, api or cli), what.
    history: Vec<FlagHistoryEntry>,
}

#[derive(Serialize, ToSchema)]
struct FlagHistoryEntry {
    at: DateTime<Utc>,
    actor: String,
    change: String,
}

async fn flag_state(state: &AppState) -> Result<FlagState, ApiError> {
    let overridden = state.store.flag_override(FLAG_KEY).await?;
    let history = state
        .store
        .flag_audit(FLAG_KEY, 50)
        .await?
        .into_iter()
        .map(|e| FlagHistoryEntry {
            change: aurora_core::flags::describe_change(&e.before, &e.after),
            at: e.at,
            actor: e.actor,
        })
        .collect();
    Ok(FlagState {
        effective: state.flags.base().with(&overridden),
        overridden,
        history,
    })
}

/// The widget's flag and its history.
#[utoipa::path(get, path = "/api/dashboard/flags", tag = "workspace",
    security(("session" = []), ("api_token" = ["flags:read"])),
    responses(
        (status = 200, description = "The flag.", body = FlagState),
        (status = 401, description = "Signed out (`unauthorized`).", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role or token lacks `flags:read` (`forbidden`).", body = Problem, content_type = "application/problem+json"),
    ))]
async fn get_flags(
    State(state): State<AppState>,
    ApiStaff(staff): ApiStaff,
) -> Result<Json<FlagState>, ApiError> {
    staff.actor.require(Scope::FlagsRead)?;
    Ok(Json(flag_state(&state).await?))
}

/// A change of the flag; what is absent stays. `reset` drops every runtime change.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct FlagPatch {
    /// The kill switch.
    enabled: Option<bool>,
    /// 0 to 100.
    rollout_percentage: Option<u8>,
    /// Emails that always see the widget (replaces the list).
    allowed_users: Option<Vec<String>>,
    /// `true`: back to the environment's values.
    #[serde(default)]
    reset: bool,
}

/// Changes the kill switch, the rollout percentage or the allow-list; every instance follows
/// within seconds.
#[utoipa::path(patch, path = "/api/dashboard/flags", tag = "workspace",
    security(("session" = []), ("api_token" = ["flags:write"])),
    request_body(content = FlagPatch, content_type = "application/json"),
    responses(
        (status = 200, description = "The flag after the change.", body = FlagState),
        (status = 401, description = "Signed out (`unauthorized`).", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role or token lacks `flags:write` (`forbidden`), or the CSRF token is missing (`csrf`).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every invalid field (`validation_failed`).", body = Problem, content_type = "application/problem+json"),
    ))]
async fn change_flags(
    State(state): State<AppState>,
    ApiStaff(staff): ApiStaff,
    body: JsonObject,
) -> Result<Json<FlagState>, ApiError> {
    let patch: FlagPatch = typed(body)?;
    let now = state.now();
    if patch.reset {
        flags::reset(state.store.as_ref(), &staff.actor, now).await?;
    } else {
        let change = FlagChange {
            enabled: patch.enabled,
            rollout_percentage: patch.rollout_percentage,
            allowed_users: patch.allowed_users,
        };
        flags::change(state.store.as_ref(), &staff.actor, change, now).await?;
    }
    if let Err(error) = crate::flags::refresh(&state).await {
        tracing::warn!(%error, "could not re-read the flag after a change");
    }
    Ok(Json(flag_state(&state).await?))
}

/// Every staff account.
#[utoipa::path(get, path = "/api/dashboard/users", tag = "workspace",
    security(("session" = []), ("api_token" = ["users:write"])),
    responses(
        (status = 200, description = "The accounts, by email.", body = Vec<StaffUser>),
        (status = 401, description = "Signed out (`unauthorized`).", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the owner (`forbidden`).", body = Problem, content_type = "application/problem+json"),
    ))]
async fn list_users(
    State(state): State<AppState>,
    ApiStaff(staff): ApiStaff,
) -> Result<Json<Vec<StaffUser>>, ApiError> {
    Ok(Json(
        staff::users(state.store.as_ref(), &staff.actor).await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct NewUser {
    email: String,
    role: Role,
}

#[derive(Serialize, ToSchema)]
struct AddedUser {
    user: StaffUser,
    /// Where the person sets their password: shown this once, valid for 3 days.
    set_password_link: String,
}

/// Adds a staff account; the answer carries its one-time set-password link.
#[utoipa::path(post, path = "/api/dashboard/users", tag = "workspace",
    security(("session" = []), ("api_token" = ["users:write"])),
    request_body(content = NewUser, content_type = "application/json"),
    responses(
        (status = 201, description = "The account and its set-password link.", body = AddedUser),
        (status = 401, description = "Signed out (`unauthorized`).", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the owner (`forbidden`), or the CSRF token is missing (`csrf`).", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The email has an account (`user_exists`).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every invalid field (`validation_failed`).", body = Problem, content_type = "application/problem+json"),
    ))]
async fn add_user(
    State(state): State<AppState>,
    ApiStaff(staff): ApiStaff,
    headers: HeaderMap,
    body: JsonObject,
) -> Result<(StatusCode, Json<AddedUser>), ApiError> {
    let new: NewUser = typed(body)?;
    let now = state.now();
    let store = state.store.as_ref();
    let user = staff::add_user(store, &staff.actor, &new.email, new.role, None, now).await?;
    let base = super::pages::base_url(&state, &headers);
    let (user, set_password_link) =
        super::password_link(store, &staff.actor, &user.id, &base, now).await?;
    Ok((
        StatusCode::CREATED,
        Json(AddedUser {
            user,
            set_password_link,
        }),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct UserPatch {
    role: Option<Role>,
    /// `true` disables the account (its sessions end; it cannot be undone here).
    #[serde(default)]
    disabled: bool,
}

/// Changes an account's role, or disables it. The store keeps at least one active owner.
#[utoipa::path(patch, path = "/api/dashboard/users/{id}", tag = "workspace",
    security(("session" = []), ("api_token" = ["users:write"])),
    params(("id" = String, Path, description = "The account's id (`usr_…`) or email.")),
    request_body(content = UserPatch, content_type = "application/json"),
    responses(
        (status = 200, description = "The account after the change.", body = StaffUser),
        (status = 401, description = "Signed out (`unauthorized`).", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the owner (`forbidden`), or the CSRF token is missing (`csrf`).", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account (`not_found`).", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "It would leave no active owner (`last_owner`).", body = Problem, content_type = "application/problem+json"),
    ))]
async fn change_user(
    State(state): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
    body: JsonObject,
) -> Result<Json<StaffUser>, ApiError> {
    let patch: UserPatch = typed(body)?;
    let now = state.now();
    let store = state.store.as_ref();
    staff.actor.require(Scope::UsersWrite)?;
    let mut changed = None;
    if let Some(role) = patch.role {
        changed = Some(staff::change_role(store, &staff.actor, &id, role, now).await?);
    }
    if patch.disabled {
        changed = Some(staff::disable(store, &staff.actor, &id, now).await?);
    }
    let user = match changed {
        Some(user) => user,
        None => staff::find_user(store, &id).await?,
    };
    Ok(Json(user))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct AuditParams {
    /// Entries before this time (RFC 3339): the next page is the last entry's `at`.
    before: Option<DateTime<Utc>>,
    /// 1 to 500; 100 when absent.
    limit: Option<u32>,
}

/// The staff audit log, newest first: sign-ins (and failed ones), sign-outs, password and
/// account changes, flag changes, ticket status and assignment changes.
#[utoipa::path(get, path = "/api/dashboard/audit", tag = "workspace",
    security(("session" = []), ("api_token" = ["users:write"])),
    params(AuditParams),
    responses(
        (status = 200, description = "Entries, newest first.", body = Vec<AuditEntry>),
        (status = 401, description = "Signed out (`unauthorized`).", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the owner (`forbidden`).", body = Problem, content_type = "application/problem+json"),
    ))]
async fn audit_log(
    State(state): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Query(params): Query<AuditParams>,
) -> Result<Json<Vec<AuditEntry>>, ApiError> {
    Ok(Json(
        staff::audit_log(
            state.store.as_ref(),
            &staff.actor,
            params.limit.unwrap_or(100),
            params.before,
        )
        .await?,
    ))
}
