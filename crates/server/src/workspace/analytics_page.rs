//! The analytics page and its CSV exports: per day and for the range, from every instance's
//! per-minute aggregates, through the same use case as `GET /api/dashboard/analytics`.

use super::charts;
use super::csv;
use super::insight_query::AnalyticsParams;
use super::views::{Chrome, problems, urlencode};
use super::{PageStaff, error_page, render};
use crate::AppState;
use aurora_core::insight::analytics::{Analytics, Count, Figures};
use aurora_core::services::{ServiceError, insight};
use aurora_core::staff::Actor;
use aurora_core::tokens::Scope;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Duration;
use serde::Deserialize;

fn percent(rate: Option<f64>) -> String {
    rate.map_or_else(|| "–".to_string(), |r| format!("{:.1}%", r * 100.0))
}

fn average(average: Option<f64>) -> String {
    average.map_or_else(|| "–".to_string(), |a| format!("{a:.2}"))
}

/// The exportable tables: name, heading and rows (the first row is the header).
fn tables(analytics: &Analytics) -> Vec<(&'static str, Vec<Vec<String>>)> {
    let figures = |day: String, f: &Figures| {
        vec![
            day,
            f.widget_loads.to_string(),
            f.widget_opens.to_string(),
            percent(f.open_rate),
            f.conversations.to_string(),
            f.conversations_ended.to_string(),
            percent(f.deflection_rate),
            f.tickets.to_string(),
            f.csat_responses.to_string(),
            average(f.csat_average),
            f.empty_searches.to_string(),
        ]
    };
    let mut days = vec![
        [
            "Day",
            "Widget loads",
            "Opens",
            "Open rate",
            "Conversations",
            "Ended",
            "Deflection",
            "Tickets",
            "Ratings",
            "CSAT average",
            "Searches that found nothing",
        ]
        .map(String::from)
        .to_vec(),
    ];
    days.extend(
        analytics
            .days
            .iter()
            .map(|d| figures(d.day.to_string(), &d.figures)),
    );
    days.push(figures("Whole range".into(), &analytics.totals));
    let counts = |header: [&str; 2], counts: &[Count]| {
        let mut rows = vec![header.map(String::from).to_vec()];
        rows.extend(
            counts
                .iter()
                .map(|c| vec![c.name.clone(), c.count.to_string()]),
        );
        rows
    };
    let mut not_understood = vec![
        [
            "Message (normalised)",
            "Times",
            "Marked misunderstood",
            "Example",
            "Conversation",
        ]
        .map(String::from)
        .to_vec(),
    ];
    not_understood.extend(analytics.not_understood.iter().map(|g| {
        let (conversation, example) = g.examples.first().cloned().unwrap_or_default();
        vec![
            g.text.clone(),
            g.count.to_string(),
            g.marked.to_string(),
            example,
            conversation,
        ]
    }));
    vec![
        ("days", days),
        ("funnel", counts(["Step", "Events"], &analytics.funnel)),
        (
            "intents",
            counts(["Intent", "Messages"], &analytics.intents),
        ),
        (
            "tickets",
            counts(["Kind", "Tickets"], &analytics.tickets_by_kind),
        ),
        ("not_understood", not_understood),
    ]
}

/// A table as the page shows it.
pub(crate) struct Table {
    pub name: &'static str,
    pub title: &'static str,
    pub header: Vec<String>,
    pub rows: Vec<Row>,
}

/// A row, with (for "not understood") examples linked to their conversations.
pub(crate) struct Row {
    pub cells: Vec<String>,
    pub examples: Vec<(String, Option<String>)>,
}

#[derive(askama::Template)]
#[template(path = "workspace/analytics.html")]
pub(crate) struct AnalyticsPage {
    pub chrome: Option<Chrome>,
    pub from: String,
    pub to: String,
    pub range: String,
    pub totals: Vec<(&'static str, String)>,
    pub charts: Vec<(&'static str, String)>,
    pub tables: Vec<Table>,
    pub errors: Vec<String>,
}

fn title(name: &str) -> &'static str {
    match name {
        "days" => "Day by day",
        "funnel" => "Funnel",
        "intents" => "What shoppers asked (intents)",
        "tickets" => "Tickets by kind",
        _ => "What the concierge did not understand",
    }
}

async fn load(
    state: &AppState,
    actor: &Actor,
    params: &AnalyticsParams,
) -> Result<(Analytics, Vec<String>), ServiceError> {
    let now = state.now();
    let ((from, to), errors) = params.range(now);
    let analytics = insight::analytics(state.store.as_ref(), actor, from, to, now).await?;
    Ok((analytics, problems(&errors)))
}

/// `GET /dashboard/analytics`.
pub(super) async fn analytics(
    State(state): State<AppState>,
    PageStaff(staff): PageStaff,
    Query(params): Query<AnalyticsParams>,
) -> Response {
    let chrome = Chrome::new(&staff, "analytics");
    let (analytics, errors) = match load(&state, &staff.actor, &params).await {
        Ok(loaded) => loaded,
        Err(error) => return error_page(Some(chrome), error.into()),
    };
    let t = &analytics.totals;
    let day_bars = |value: &dyn Fn(&Figures) -> Option<f64>| {
        analytics
            .days
            .iter()
            .map(|d| (d.day.format("%d %b").to_string(), value(&d.figures)))
            .collect::<Vec<_>>()
    };
    let charts = vec![
        (
            "Conversations per day",
            charts::bars(
                "Conversations per day",
                &day_bars(&|f| Some(f.conversations as f64)),
                None,
            ),
        ),
        (
            "Deflection per day (%)",
            charts::bars(
                "Deflection rate per day, in percent",
                &day_bars(&|f| f.deflection_rate.map(|r| r * 100.0)),
                Some(100.0),
            ),
        ),
        (
            "Funnel",
            charts::bars(
                "Funnel: loads, opens, first messages, products shown, details opened, shortlisted, tickets",
                &analytics
                    .funnel
                    .iter()
                    .map(|c| (c.name.clone(), Some(c.count as f64)))
                    .collect::<Vec<_>>(),
                None,
            ),
        ),
    ];
    let can_read = staff.actor.allows(Scope::ConversationsRead);
    let mut examples = analytics
        .not_understood
        .iter()
        .map(|g| {
            g.examples
                .iter()
                .map(|(id, text)| {
                    let link =
                        can_read.then(|| format!("/dashboard/conversations/{}", urlencode(id)));
                    (text.clone(), link)
                })
                .collect::<Vec<_>>()
        })
        .collect::<Vec<_>>()
        .into_iter();
    let last_day = (analytics.to - Duration::microseconds(1)).date_naive();
    render(
        if errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        },
        &AnalyticsPage {
            from: analytics.from.date_naive().to_string(),
            to: last_day.to_string(),
            range: params.query_string(),
            totals: vec![
                ("Widget loads", t.widget_loads.to_string()),
                ("Open rate", percent(t.open_rate)),
                ("Conversations", t.conversations.to_string()),
                ("Deflection", percent(t.deflection_rate)),
                ("Tickets", t.tickets.to_string()),
                ("CSAT average", average(t.csat_average)),
                ("Searches that found nothing", t.empty_searches.to_string()),
            ],
            charts,
            tables: tables(&analytics)
                .into_iter()
                .map(|(name, mut rows)| {
                    let mut header = if rows.is_empty() {
                        Vec::new()
                    } else {
                        rows.remove(0)
                    };
                    let grouped = name == "not_understood";
                    if grouped {
                        // The page shows every example, linked, instead of the first one.
                        header.truncate(3);
                        header.push("Examples".into());
                    }
                    let rows = rows
                        .into_iter()
                        .map(|mut cells| {
                            if grouped {
                                cells.truncate(3);
                            }
                            Row {
                                cells,
                                examples: if grouped {
                                    examples.next().unwrap_or_default()
                                } else {
                                    Vec::new()
                                },
                            }
                        })
                        .collect();
                    Table {
                        name,
                        title: title(name),
                        header,
                        rows,
                    }
                })
                .collect(),
            errors,
            chrome: Some(chrome),
        },
    )
}

#[derive(Deserialize)]
pub(super) struct Export {
    table: Option<String>,
    #[serde(flatten)]
    range: AnalyticsParams,
}

/// `GET /dashboard/analytics.csv?table=…`: one table of the page as CSV, written to the audit
/// log.
pub(super) async fn export(
    State(state): State<AppState>,
    PageStaff(staff): PageStaff,
    Query(export): Query<Export>,
) -> Response {
    let chrome = Chrome::new(&staff, "analytics");
    let (analytics, _) = match load(&state, &staff.actor, &export.range).await {
        Ok(loaded) => loaded,
        Err(error) => return error_page(Some(chrome), error.into()),
    };
    let wanted = export.table.unwrap_or_default();
    let Some((name, rows)) = tables(&analytics)
        .into_iter()
        .find(|(name, _)| *name == wanted)
    else {
        return error_page(
            Some(chrome),
            ServiceError::NotFound(
                "There is no such table: use days, funnel, intents, tickets or not_understood.",
            )
            .into(),
        );
    };
    let range = format!(
        "{} to {}",
        analytics.from.to_rfc3339(),
        analytics.to.to_rfc3339()
    );
    if let Err(error) = insight::record_export(
        state.store.as_ref(),
        &staff.actor,
        &format!("analytics {name}"),
        &range,
        state.now(),
    )
    .await
    {
        return error_page(Some(chrome), error.into());
    }
    let file = format!(
        "aurora-{name}-{}-{}.csv",
        analytics.from.date_naive(),
        (analytics.to - Duration::microseconds(1)).date_naive()
    );
    csv::download(&file, &rows)
}
