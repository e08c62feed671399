//! CSV exports of the conversations and CSAT pages: the same filters as the page, every
//! matching row (not only the page shown), written to the audit log.

use super::csv;
use super::insight_query::{ConversationParams, CsatParams};
use super::views::Chrome;
use super::{PageStaff, error_page};
use crate::AppState;
use crate::error::ApiError;
use aurora_core::insight::csat::CsatReport;
use aurora_core::services::insight;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::Duration;
use serde::Deserialize;

/// `GET /dashboard/conversations.csv`: every conversation the list's filters match, newest
/// first.
pub(super) async fn conversations(
    State(state): State<AppState>,
    PageStaff(staff): PageStaff,
    Query(params): Query<ConversationParams>,
) -> Response {
    let chrome = Chrome::new(&staff, "conversations");
    let (query, errors) = params.query();
    if !errors.is_empty() {
        return error_page(Some(chrome), ApiError::invalid(errors));
    }
    let now = state.now();
    let all = match insight::export_conversations(
        state.store.as_ref(),
        &staff.actor,
        query,
        &params.filters(),
        now,
    )
    .await
    {
        Ok(all) => all,
        Err(error) => return error_page(Some(chrome), error.into()),
    };
    let mut rows = vec![
        [
            "conversation",
            "started_at",
            "last_activity_at",
            "outcome",
            "replies",
            "csat",
            "first_message",
        ]
        .map(String::from)
        .to_vec(),
    ];
    rows.extend(all.into_iter().map(|c| {
        vec![
            c.id,
            c.started_at.to_rfc3339(),
            c.last_activity_at.to_rfc3339(),
            c.outcome.as_str().to_string(),
            c.replies.to_string(),
            c.csat.map(|s| s.to_string()).unwrap_or_default(),
            c.first_message.unwrap_or_default(),
        ]
    }));
    csv::download(
        &format!("aurora-conversations-{}.csv", now.date_naive()),
        &rows,
    )
}

#[derive(Deserialize)]
pub(super) struct CsatExport {
    table: Option<String>,
    #[serde(flatten)]
    params: CsatParams,
}

/// `GET /dashboard/csat.csv?table=distribution|trend|ratings`: one table of the CSAT page
/// (every rating of its filters, not only the page shown).
pub(super) async fn csat(
    State(state): State<AppState>,
    PageStaff(staff): PageStaff,
    Query(export): Query<CsatExport>,
) -> Response {
    let chrome = Chrome::new(&staff, "csat");
    let now = state.now();
    let (query, errors) = export.params.query(now);
    if !errors.is_empty() {
        return error_page(Some(chrome), ApiError::invalid(errors));
    }
    let store = state.store.as_ref();
    let filters = export.params.filters();
    let table = export.table.unwrap_or_default();
    let rows: Vec<Vec<String>> = match table.as_str() {
        "ratings" => {
            match insight::export_ratings(store, &staff.actor, query.clone(), &filters, now).await {
                Ok(all) => std::iter::once(
                    ["conversation", "rated_at", "score", "outcome", "comment"]
                        .map(String::from)
                        .to_vec(),
                )
                .chain(all.into_iter().map(|r| {
                    vec![
                        r.conversation_id,
                        r.at.to_rfc3339(),
                        r.score.to_string(),
                        r.outcome.as_str().to_string(),
                        r.comment.unwrap_or_default(),
                    ]
                }))
                .collect(),
                Err(error) => return error_page(Some(chrome), error.into()),
            }
        }
        "distribution" | "trend" => {
            let report: CsatReport = match insight::csat(store, &staff.actor, &query, now).await {
                Ok(report) => report,
                Err(error) => return error_page(Some(chrome), error.into()),
            };
            let what = format!("csat {table}");
            if let Err(error) =
                insight::record_export(store, &staff.actor, &what, &filters, now).await
            {
                return error_page(Some(chrome), error.into());
            }
            if table == "distribution" {
                std::iter::once(vec!["score".to_string(), "ratings".to_string()])
                    .chain(
                        report
                            .distribution
                            .iter()
                            .map(|s| vec![s.score.to_string(), s.count.to_string()]),
                    )
                    .collect()
            } else {
                std::iter::once(["day", "ratings", "average"].map(String::from).to_vec())
                    .chain(report.trend.iter().map(|d| {
                        vec![
                            d.day.to_string(),
                            d.responses.to_string(),
                            d.average.map(|a| format!("{a:.2}")).unwrap_or_default(),
                        ]
                    }))
                    .collect()
            }
        }
        _ => {
            return error_page(
                Some(chrome),
                ApiError::not_found("There is no such table: use distribution, trend or ratings."),
            );
        }
    };
    let file = format!(
        "aurora-csat-{table}-{}-{}.csv",
        query.from.date_naive(),
        (query.to - Duration::microseconds(1)).date_naive()
    );
    csv::download(&file, &rows)
}
