//! The conversations and CSAT pages: each loads through the same core use case as its JSON
//! call (`insight_api`).

use super::charts;
use super::insight_query::{ConversationParams, CsatParams};
use super::views::{Choice, Chrome, problems, urlencode, when};
use super::{PageStaff, error_page, render, see_other};
use crate::AppState;
use crate::error::FieldError;
use aurora_core::conversations::{Outcome, Role};
use aurora_core::insight::conversations::ConversationView;
use aurora_core::insight::csat::CsatReport;
use aurora_core::services::{ServiceError, insight};
use aurora_core::tickets::TicketKind;
use aurora_core::tokens::Scope;
use aurora_nlu::{Intent, Understanding};
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

fn status_of(errors: &[FieldError]) -> StatusCode {
    if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

fn outcome_choices(current: &str, any: &str) -> Vec<Choice> {
    std::iter::once(Choice::new("", any, current))
        .chain(
            Outcome::ALL
                .into_iter()
                .map(|o| Choice::new(o.as_str(), o.label(), current)),
        )
        .collect()
}

/// One conversation in the list.
pub(crate) struct ConversationLine {
    pub id: String,
    pub started: String,
    pub outcome: &'static str,
    pub replies: i32,
    pub first_message: String,
    pub csat: String,
}

#[derive(askama::Template)]
#[template(path = "workspace/conversations.html")]
pub(crate) struct ConversationsPage {
    pub chrome: Option<Chrome>,
    pub lines: Vec<ConversationLine>,
    pub q: String,
    pub email: String,
    pub from: String,
    pub to: String,
    pub intents: Vec<Choice>,
    pub outcomes: Vec<Choice>,
    pub errors: Vec<String>,
    pub filtered: bool,
    /// The filters as a query string, for the CSV export.
    pub filters: String,
    pub next: Option<String>,
}

/// `GET /dashboard/conversations`.
pub(super) async fn conversations(
    State(state): State<AppState>,
    PageStaff(staff): PageStaff,
    Query(params): Query<ConversationParams>,
) -> Response {
    let chrome = Chrome::new(&staff, "conversations");
    let (query, errors) = params.query();
    let now = state.now();
    let page = match insight::conversations(state.store.as_ref(), &staff.actor, query, now).await {
        Ok(page) => page,
        Err(error) => return error_page(Some(chrome), error.into()),
    };
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let intent = text(&params.intent);
    let filters = params.filters();
    render(
        status_of(&errors),
        &ConversationsPage {
            lines: page
                .conversations
                .iter()
                .map(|c| ConversationLine {
                    id: c.id.clone(),
                    started: when(&c.started_at),
                    outcome: c.outcome.label(),
                    replies: c.replies,
                    first_message: c.first_message.clone().unwrap_or_default(),
                    csat: c.csat.map(|s| format!("{s}/5")).unwrap_or_default(),
                })
                .collect(),
            q: text(&params.q),
            email: text(&params.email),
            from: text(&params.from),
            to: text(&params.to),
            intents: std::iter::once(Choice::new("", "Any intent", &intent))
                .chain(
                    Intent::ALL
                        .into_iter()
                        .map(|i| Choice::new(i.as_str(), i.as_str().replace('_', " "), &intent)),
                )
                .collect(),
            outcomes: outcome_choices(&text(&params.outcome), "Any outcome"),
            errors: problems(&errors),
            filtered: !filters.is_empty(),
            filters,
            next: page
                .next
                .map(|next| format!("/dashboard/conversations?{}", params.after(&next))),
            chrome: Some(chrome),
        },
    )
}

/// One message of a transcript as the page shows it.
pub(crate) struct TranscriptLine {
    pub position: i32,
    pub shopper: bool,
    pub at: String,
    pub text: String,
    pub understood: Option<String>,
    pub explanation: Option<String>,
    pub misunderstood: bool,
}

/// What a message was understood as, in one line: the intent, then each filter found.
pub(crate) fn understood_line(u: &Understanding) -> String {
    let mut parts = vec![u.intent.as_str().replace('_', " ")];
    let f = &u.filters;
    if let Some(category) = f.category {
        parts.push(format!("category {}", category.as_str()));
    }
    if !f.metals.is_empty() {
        let metals: Vec<&str> = f.metals.iter().map(|m| m.as_str()).collect();
        parts.push(format!("metal {}", metals.join(" or ")));
    }
    if let Some(min) = f.min_price {
        parts.push(format!("from {min}"));
    }
    if let Some(max) = f.max_price {
        parts.push(format!("up to {max}"));
    }
    if f.ready_to_ship {
        parts.push("ready to ship".into());
    }
    if !f.styles.is_empty() {
        parts.push(format!("style {}", f.styles.join(", ")));
    }
    if let Some(words) = &f.query {
        parts.push(format!("words “{words}”"));
    }
    if let Some(number) = &u.order_number {
        parts.push(format!("order {number}"));
    }
    if let Some(section) = &u.answer {
        parts.push(format!("answered from “{section}”"));
    }
    parts.join(" · ")
}

#[derive(askama::Template)]
#[template(path = "workspace/conversation.html")]
pub(crate) struct ConversationPage {
    pub chrome: Option<Chrome>,
    pub id: String,
    pub started: String,
    pub ended: String,
    pub outcome: &'static str,
    pub tickets: Vec<(String, &'static str, String)>,
    pub rating: Option<(i32, String)>,
    pub lines: Vec<TranscriptLine>,
    pub can_mark: bool,
}

fn conversation_page(chrome: Chrome, view: ConversationView, can_mark: bool) -> ConversationPage {
    ConversationPage {
        id: view.summary.id.clone(),
        started: when(&view.summary.started_at),
        ended: view.ended_at.as_ref().map(when).unwrap_or_default(),
        outcome: view.summary.outcome.label(),
        tickets: view
            .tickets
            .iter()
            .map(|t| (t.reference.clone(), t.kind.label(), t.status.to_string()))
            .collect(),
        rating: view
            .rating
            .as_ref()
            .map(|r| (r.score, r.comment.clone().unwrap_or_default())),
        lines: view
            .messages
            .into_iter()
            .map(|m| TranscriptLine {
                position: m.position,
                shopper: m.role == Role::Shopper,
                at: when(&m.at),
                text: m.text.unwrap_or_default(),
                understood: m.understood.as_ref().map(understood_line),
                explanation: m.explanation,
                misunderstood: m.misunderstood,
            })
            .collect(),
        can_mark,
        chrome: Some(chrome),
    }
}

#[derive(Deserialize, Default)]
pub(super) struct Marked {
    done: Option<String>,
}

/// `GET /dashboard/conversations/{id}`.
pub(super) async fn conversation(
    State(state): State<AppState>,
    PageStaff(staff): PageStaff,
    Path(id): Path<String>,
    Query(done): Query<Marked>,
) -> Response {
    let notice = done
        .done
        .filter(|d| d == "marked")
        .map(|_| "Mark saved.".to_string());
    let chrome = Chrome::new(&staff, "conversations").with_notice(notice);
    let now = state.now();
    match insight::conversation(
        state.store.as_ref(),
        state.concierge.understander(),
        &staff.actor,
        &id,
        now,
    )
    .await
    {
        Ok(view) => render(
            StatusCode::OK,
            &conversation_page(chrome, view, staff.actor.allows(Scope::TicketsWrite)),
        ),
        Err(error) => error_page(Some(chrome), error.into()),
    }
}

#[derive(Deserialize)]
pub(super) struct MarkForm {
    position: Option<String>,
    /// `1` to mark, `0` to unmark.
    misunderstood: Option<String>,
}

/// `POST /dashboard/conversations/{id}`: marks or unmarks a reply as a misunderstanding.
pub(super) async fn mark(
    State(state): State<AppState>,
    PageStaff(staff): PageStaff,
    Path(id): Path<String>,
    Form(form): Form<MarkForm>,
) -> Response {
    let chrome = Chrome::new(&staff, "conversations");
    let Some(position) = form.position.as_deref().and_then(|p| p.parse::<i32>().ok()) else {
        return error_page(
            Some(chrome),
            ServiceError::NotFound("There is no such shopper message in this conversation.").into(),
        );
    };
    let misunderstood = form.misunderstood.as_deref() != Some("0");
    match insight::mark_misunderstood(
        state.store.as_ref(),
        &staff.actor,
        &id,
        position,
        misunderstood,
    )
    .await
    {
        Ok(()) => see_other(&format!(
            "/dashboard/conversations/{}?done=marked#m{position}",
            urlencode(&id)
        )),
        Err(error) => error_page(Some(chrome), error.into()),
    }
}

/// A rating as the CSAT page lists it.
pub(crate) struct CsatLine {
    pub conversation_id: String,
    pub score: i32,
    pub comment: String,
    pub at: String,
    pub outcome: &'static str,
}

#[derive(askama::Template)]
#[template(path = "workspace/csat.html")]
pub(crate) struct CsatPage {
    pub chrome: Option<Chrome>,
    pub responses: u64,
    pub average: String,
    pub distribution_chart: String,
    pub distribution: Vec<(i32, u64)>,
    pub trend_chart: String,
    pub trend: Vec<(String, u64, String)>,
    pub lines: Vec<CsatLine>,
    pub from: String,
    pub to: String,
    pub outcomes: Vec<Choice>,
    pub kinds: Vec<Choice>,
    pub sorts: Vec<Choice>,
    pub comments_only: bool,
    pub errors: Vec<String>,
    /// The filters as a query string, for the CSV exports.
    pub filters: String,
    pub previous: Option<String>,
    pub next: Option<String>,
}

fn average_text(average: Option<f64>) -> String {
    average.map_or_else(|| "–".to_string(), |a| format!("{a:.2}"))
}

/// `GET /dashboard/csat`.
pub(super) async fn csat(
    State(state): State<AppState>,
    PageStaff(staff): PageStaff,
    Query(params): Query<CsatParams>,
) -> Response {
    let chrome = Chrome::new(&staff, "csat");
    let now = state.now();
    let (query, errors) = params.query(now);
    let report: CsatReport =
        match insight::csat(state.store.as_ref(), &staff.actor, &query, now).await {
            Ok(report) => report,
            Err(error) => return error_page(Some(chrome), error.into()),
        };
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let kind = text(&params.kind);
    let sort = text(&params.sort);
    let page = query.page + 1;
    let last_day = query.to - chrono::Duration::days(1);
    render(
        status_of(&errors),
        &CsatPage {
            responses: report.responses,
            average: average_text(report.average),
            distribution_chart: charts::bars(
                "Ratings by score, 1 to 5",
                &report
                    .distribution
                    .iter()
                    .map(|s| (s.score.to_string(), Some(s.count as f64)))
                    .collect::<Vec<_>>(),
                None,
            ),
            distribution: report
                .distribution
                .iter()
                .map(|s| (s.score, s.count))
                .collect(),
            trend_chart: charts::bars(
                "Average rating per day",
                &report
                    .trend
                    .iter()
                    .map(|d| (d.day.format("%d %b").to_string(), d.average))
                    .collect::<Vec<_>>(),
                Some(5.0),
            ),
            trend: report
                .trend
                .iter()
                .map(|d| (d.day.to_string(), d.responses, average_text(d.average)))
                .collect(),
            lines: report
                .entries
                .iter()
                .map(|e| CsatLine {
                    conversation_id: e.conversation_id.clone(),
                    score: e.score,
                    comment: e.comment.clone().unwrap_or_default(),
                    at: when(&e.at),
                    outcome: e.outcome.label(),
                })
                .collect(),
            from: query.from.date_naive().to_string(),
            to: last_day.date_naive().to_string(),
            outcomes: outcome_choices(&text(&params.outcome), "Any outcome"),
            kinds: std::iter::once(Choice::new("", "Any or no ticket", &kind))
                .chain(
                    TicketKind::ALL
                        .into_iter()
                        .map(|k| Choice::new(k.as_str(), k.label(), &kind)),
                )
                .collect(),
            sorts: vec![
                Choice::new("lowest", "Lowest scores first", &sort),
                Choice::new("newest", "Newest first", &sort),
            ],
            comments_only: query.with_comment,
            errors: problems(&errors),
            filters: params.filters(),
            previous: (page > 1).then(|| format!("/dashboard/csat?{}", params.on_page(page - 1))),
            next: report
                .more
                .then(|| format!("/dashboard/csat?{}", params.on_page(page + 1))),
            chrome: Some(chrome),
        },
    )
}
