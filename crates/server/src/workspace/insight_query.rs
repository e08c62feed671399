//! The query strings of the conversations and CSAT pages, shared by each page and its JSON
//! call: every parameter checked, every bad one named, the rest still applied.

use super::inbox_query::{day, given, query_string};
use crate::error::FieldError;
use aurora_core::conversations::Outcome;
use aurora_core::insight::conversations::{ConversationQuery, Cursor, MOST_PER_PAGE, PAGE};
use aurora_core::insight::csat::CsatQuery;
use aurora_core::insight::search_words;
use aurora_core::tickets::TicketKind;
use aurora_nlu::Intent;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// Longest search text.
const LONGEST_SEARCH: usize = 200;
/// Days the CSAT and analytics pages cover unless told otherwise.
const DEFAULT_DAYS: i64 = 30;
/// Longest CSAT range, in days.
const LONGEST_RANGE: i64 = 366;

fn field(field: &str, message: impl Into<String>) -> FieldError {
    FieldError {
        field: field.into(),
        message: message.into(),
    }
}

fn outcome(value: &str, errors: &mut Vec<FieldError>) -> Option<Outcome> {
    let parsed = Outcome::parse(value);
    if parsed.is_none() {
        errors.push(field(
            "outcome",
            "must be open, handed_off, resolved or abandoned",
        ));
    }
    parsed
}

/// The conversation list's parameters as sent.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ConversationParams {
    /// Words the shopper wrote (every one, each as the start of a word; case and accents
    /// ignored).
    pub q: Option<String>,
    /// The email of a ticket that came out of the conversation.
    pub email: Option<String>,
    /// A message in it was understood as this intent (`find_product`, `unknown`, …).
    pub intent: Option<String>,
    /// `open`, `handed_off`, `resolved` or `abandoned`.
    pub outcome: Option<String>,
    /// Started on or after this day (`YYYY-MM-DD`, UTC).
    pub from: Option<String>,
    /// Started on or before this day (`YYYY-MM-DD`, UTC).
    pub to: Option<String>,
    /// The `next` of the previous page.
    pub after: Option<String>,
    /// 1 to 100; 25 when absent.
    pub per_page: Option<String>,
}

impl ConversationParams {
    /// The query these parameters ask for, with every bad parameter named.
    pub fn query(&self) -> (ConversationQuery, Vec<FieldError>) {
        let mut errors = Vec::new();
        let mut query = ConversationQuery {
            per_page: PAGE,
            ..ConversationQuery::default()
        };
        if let Some(text) = given(&self.q) {
            if text.chars().count() > LONGEST_SEARCH {
                errors.push(field("q", format!("at most {LONGEST_SEARCH} characters")));
            } else {
                query.words = search_words(text);
            }
        }
        if let Some(email) = given(&self.email) {
            if email.len() > 254 || !email.contains('@') {
                errors.push(field("email", "must be an email address"));
            } else {
                query.email = Some(email.to_string());
            }
        }
        if let Some(intent) = given(&self.intent) {
            match Intent::ALL.into_iter().find(|i| i.as_str() == intent) {
                Some(intent) => query.intent = Some(intent),
                None => errors.push(field(
                    "intent",
                    format!(
                        "must be one of {}",
                        Intent::ALL.map(Intent::as_str).join(", ")
                    ),
                )),
            }
        }
        if let Some(value) = given(&self.outcome) {
            query.outcome = outcome(value, &mut errors);
        }
        if let Some(from) = given(&self.from) {
            query.from = day("from", from, &mut errors);
        }
        if let Some(to) = given(&self.to) {
            query.to = day("to", to, &mut errors).map(|d| d + Duration::days(1));
        }
        if let Some(after) = given(&self.after) {
            match Cursor::parse(after) {
                Some(cursor) => query.after = Some(cursor),
                None => errors.push(field("after", "must be the `next` of a page")),
            }
        }
        if let Some(per_page) = given(&self.per_page) {
            match per_page.parse::<u32>() {
                Ok(n) if (1..=MOST_PER_PAGE).contains(&n) => query.per_page = n,
                _ => errors.push(field(
                    "per_page",
                    format!("must be from 1 to {MOST_PER_PAGE}"),
                )),
            }
        }
        (query, errors)
    }

    /// The filters of these parameters, without a page: what an export of them is.
    pub fn filters(&self) -> String {
        query_string(&self.filter_pairs())
    }

    fn filter_pairs(&self) -> Vec<(&'static str, &Option<String>)> {
        vec![
            ("q", &self.q),
            ("email", &self.email),
            ("intent", &self.intent),
            ("outcome", &self.outcome),
            ("from", &self.from),
            ("to", &self.to),
        ]
    }

    /// These parameters with `after` set (the next page's link).
    pub fn after(&self, next: &str) -> String {
        let after = Some(next.to_string());
        let mut pairs = self.filter_pairs();
        pairs.extend([("after", &after), ("per_page", &self.per_page)]);
        query_string(&pairs)
    }
}

/// The CSAT page's parameters as sent.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct CsatParams {
    /// Rated from this day (`YYYY-MM-DD`, UTC) or instant (RFC 3339); 29 days before today
    /// when absent.
    pub from: Option<String>,
    /// Rated to this day, included, or to before this instant; today when absent.
    pub to: Option<String>,
    /// `open`, `handed_off`, `resolved` or `abandoned`.
    pub outcome: Option<String>,
    /// Conversations with a ticket of this kind.
    pub kind: Option<String>,
    /// `lowest` (the default: lowest scores first) or `newest`.
    pub sort: Option<String>,
    /// `1` for only ratings with a comment.
    pub comments: Option<String>,
    /// From 1.
    pub page: Option<String>,
}

impl CsatParams {
    /// The query these parameters ask for at `now`, with every bad parameter named.
    pub fn query(&self, now: DateTime<Utc>) -> (CsatQuery, Vec<FieldError>) {
        let mut errors = Vec::new();
        let (from, to) = range(&self.from, &self.to, now, &mut errors);
        let mut query = CsatQuery {
            from,
            to,
            outcome: None,
            kind: None,
            lowest_first: true,
            with_comment: given(&self.comments) == Some("1"),
            page: 0,
            per_page: aurora_core::insight::csat::PAGE,
        };
        if let Some(value) = given(&self.outcome) {
            query.outcome = outcome(value, &mut errors);
        }
        if let Some(kind) = given(&self.kind) {
            match kind.parse::<TicketKind>() {
                Ok(kind) => query.kind = Some(kind),
                Err(e) => errors.push(field("kind", e.to_string())),
            }
        }
        match given(&self.sort) {
            None | Some("lowest") => {}
            Some("newest") => query.lowest_first = false,
            Some(_) => errors.push(field("sort", "must be lowest or newest")),
        }
        if let Some(page) = given(&self.page) {
            match page.parse::<u32>() {
                Ok(page) if (1..=10_000).contains(&page) => query.page = page - 1,
                _ => errors.push(field("page", "must be a whole number from 1")),
            }
        }
        (query, errors)
    }

    /// The filters of these parameters, without a page: what an export of them is.
    pub fn filters(&self) -> String {
        query_string(&self.filter_pairs())
    }

    fn filter_pairs(&self) -> Vec<(&'static str, &Option<String>)> {
        vec![
            ("from", &self.from),
            ("to", &self.to),
            ("outcome", &self.outcome),
            ("kind", &self.kind),
            ("sort", &self.sort),
            ("comments", &self.comments),
        ]
    }

    /// These parameters on page `page`.
    pub fn on_page(&self, page: u32) -> String {
        let page = Some(page.to_string());
        let mut pairs = self.filter_pairs();
        pairs.push(("page", &page));
        query_string(&pairs)
    }
}

/// The analytics page's parameters as sent.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct AnalyticsParams {
    /// From this day (`YYYY-MM-DD`, UTC) or this instant (RFC 3339); 29 days before today when
    /// absent.
    pub from: Option<String>,
    /// To this day, included (`YYYY-MM-DD`), or to before this instant (RFC 3339); today when
    /// absent.
    pub to: Option<String>,
}

/// A day (`YYYY-MM-DD`), as the instant it starts, or an RFC 3339 instant.
fn day_or_instant(
    name: &str,
    value: &str,
    errors: &mut Vec<FieldError>,
) -> Option<(DateTime<Utc>, bool)> {
    if value.len() == 10 {
        return day(name, value, errors).map(|d| (d, true));
    }
    match DateTime::parse_from_rfc3339(value) {
        Ok(at) => Some((at.with_timezone(&Utc), false)),
        Err(_) => {
            errors.push(field(
                name,
                "must be a day as YYYY-MM-DD or an instant as RFC 3339",
            ));
            None
        }
    }
}

/// The range `[from, to)` of a `from` and a `to` parameter at `now`: each a day (`to` then
/// includes it) or an instant; 30 days to the end of today by default, at most 366 days. A bad
/// parameter is named in `errors` and its default used.
fn range(
    from: &Option<String>,
    to: &Option<String>,
    now: DateTime<Utc>,
    errors: &mut Vec<FieldError>,
) -> (DateTime<Utc>, DateTime<Utc>) {
    let tomorrow = now
        .date_naive()
        .succ_opt()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map_or(now, |d| d.and_utc());
    let to = given(to)
        .and_then(|to| day_or_instant("to", to, errors))
        .map_or(tomorrow, |(at, whole_day)| {
            if whole_day {
                at + Duration::days(1)
            } else {
                at
            }
        });
    let from = given(from)
        .and_then(|from| day_or_instant("from", from, errors))
        .map_or(to - Duration::days(DEFAULT_DAYS), |(at, _)| at);
    if to <= from {
        errors.push(field("to", "must be after from"));
        return (tomorrow - Duration::days(DEFAULT_DAYS), tomorrow);
    }
    if to - from > Duration::days(LONGEST_RANGE) {
        errors.push(field(
            "from",
            format!("a range covers at most {LONGEST_RANGE} days"),
        ));
        return (to - Duration::days(LONGEST_RANGE), to);
    }
    (from, to)
}

impl AnalyticsParams {
    /// The range `[from, to)` asked for at `now`, with every bad parameter named (a bad one
    /// falls back to its default).
    pub fn range(&self, now: DateTime<Utc>) -> ((DateTime<Utc>, DateTime<Utc>), Vec<FieldError>) {
        let mut errors = Vec::new();
        let range = range(&self.from, &self.to, now, &mut errors);
        (range, errors)
    }

    /// The query string of this range.
    pub fn query_string(&self) -> String {
        query_string(&[("from", &self.from), ("to", &self.to)])
    }
}
