//! `/api/dashboard/conversations` and `/api/dashboard/csat`: the JSON of the conversations and
//! CSAT pages, through the same use cases. Unlike the pages, a bad parameter is refused (422)
//! rather than ignored.

use super::ApiStaff;
use super::api::typed;
use super::insight_query::{AnalyticsParams, ConversationParams, CsatParams};
use crate::error::Problem;
use crate::extract::JsonObject;
use crate::{ApiError, AppState};
use aurora_core::insight::analytics::Analytics;
use aurora_core::insight::conversations::{ConversationPage, ConversationView};
use aurora_core::insight::csat::CsatReport;
use aurora_core::services::insight;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_conversations))
        .routes(routes!(get_conversation))
        .routes(routes!(mark_misunderstood))
        .routes(routes!(csat_report))
        .routes(routes!(analytics))
}

/// Conversations, newest first: every one, not only those that became tickets.
#[utoipa::path(get, path = "/api/dashboard/conversations", tag = "workspace",
    security(("session" = []), ("api_token" = ["conversations:read"])),
    params(ConversationParams),
    responses(
        (status = 200, description = "A page of conversations; `next` gives the one after.", body = ConversationPage),
        (status = 401, description = "Signed out (`unauthorized`).", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role or token lacks `conversations:read` (`forbidden`).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every bad parameter (`validation_failed`).", body = Problem, content_type = "application/problem+json"),
    ))]
async fn list_conversations(
    State(state): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Query(params): Query<ConversationParams>,
) -> Result<Json<ConversationPage>, ApiError> {
    let (query, errors) = params.query();
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors));
    }
    Ok(Json(
        insight::conversations(state.store.as_ref(), &staff.actor, query, state.now()).await?,
    ))
}

/// One conversation: its transcript with what each shopper message was understood as (and
/// why), its tickets and its rating.
#[utoipa::path(get, path = "/api/dashboard/conversations/{id}", tag = "workspace",
    security(("session" = []), ("api_token" = ["conversations:read"])),
    params(("id" = String, Path, description = "The conversation's id.")),
    responses(
        (status = 200, description = "The conversation.", body = ConversationView),
        (status = 401, description = "Signed out (`unauthorized`).", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role or token lacks `conversations:read` (`forbidden`).", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such conversation (`not_found`).", body = Problem, content_type = "application/problem+json"),
    ))]
async fn get_conversation(
    State(state): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
) -> Result<Json<ConversationView>, ApiError> {
    Ok(Json(
        insight::conversation(
            state.store.as_ref(),
            state.concierge.understander(),
            &staff.actor,
            &id,
            state.now(),
        )
        .await?,
    ))
}

/// Whether the concierge's reply to a shopper message was a misunderstanding.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct Misunderstood {
    misunderstood: bool,
}

/// Marks (or unmarks) the concierge's reply to a shopper message as a misunderstanding; a
/// marked message joins the analytics' "not understood" list.
#[utoipa::path(put, path = "/api/dashboard/conversations/{id}/messages/{position}/misunderstood", tag = "workspace",
    security(("session" = []), ("api_token" = ["conversations:read", "tickets:write"])),
    params(
        ("id" = String, Path, description = "The conversation's id."),
        ("position" = i32, Path, description = "The shopper message's `position` in the transcript."),
    ),
    request_body(content = Misunderstood, content_type = "application/json"),
    responses(
        (status = 204, description = "Saved (the same answer when it already was so)."),
        (status = 401, description = "Signed out (`unauthorized`).", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role or token lacks `conversations:read` or `tickets:write` (`forbidden`), or the CSRF token is missing (`csrf`).", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such shopper message in this conversation (`not_found`).", body = Problem, content_type = "application/problem+json"),
    ))]
async fn mark_misunderstood(
    State(state): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path((id, position)): Path<(String, i32)>,
    body: JsonObject,
) -> Result<StatusCode, ApiError> {
    let mark: Misunderstood = typed(body)?;
    insight::mark_misunderstood(
        state.store.as_ref(),
        &staff.actor,
        &id,
        position,
        mark.misunderstood,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The ratings of a range (30 days to today by default): distribution, day-by-day trend, and a
/// page of ratings, lowest scores first.
#[utoipa::path(get, path = "/api/dashboard/csat", tag = "workspace",
    security(("session" = []), ("api_token" = ["analytics:read"])),
    params(CsatParams),
    responses(
        (status = 200, description = "The ratings.", body = CsatReport),
        (status = 401, description = "Signed out (`unauthorized`).", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role or token lacks `analytics:read` (`forbidden`).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every bad parameter (`validation_failed`).", body = Problem, content_type = "application/problem+json"),
    ))]
async fn csat_report(
    State(state): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Query(params): Query<CsatParams>,
) -> Result<Json<CsatReport>, ApiError> {
    let now = state.now();
    let (query, errors) = params.query(now);
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors));
    }
    Ok(Json(
        insight::csat(state.store.as_ref(), &staff.actor, &query, now).await?,
    ))
}

/// The analytics of a range (the last 30 days by default): per day and in total, the funnel,
/// intents, tickets by kind, and what the concierge did not understand; from every instance's
/// per-minute aggregates.
#[utoipa::path(get, path = "/api/dashboard/analytics", tag = "workspace",
    security(("session" = []), ("api_token" = ["analytics:read"])),
    params(AnalyticsParams),
    responses(
        (status = 200, description = "The analytics.", body = Analytics),
        (status = 401, description = "Signed out (`unauthorized`).", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role or token lacks `analytics:read` (`forbidden`).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every bad parameter (`validation_failed`).", body = Problem, content_type = "application/problem+json"),
    ))]
async fn analytics(
    State(state): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Query(params): Query<AnalyticsParams>,
) -> Result<Json<Analytics>, ApiError> {
    let now = state.now();
    let ((from, to), errors) = params.range(now);
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors));
    }
    Ok(Json(
        insight::analytics(state.store.as_ref(), &staff.actor, from, to, now).await?,
    ))
}
