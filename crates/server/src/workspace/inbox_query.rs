//! The inbox's query string, shared by the page and the JSON call: every parameter checked,
//! every bad one named.

use crate::error::FieldError;
use aurora_core::staff::Actor;
use aurora_core::tickets::TicketKind;
use aurora_core::tickets::inbox::{
    AssigneeFilter, DEFAULT_PER_PAGE, InboxQuery, InboxSort, MAX_PER_PAGE, StatusFilter,
};
use aurora_core::tickets::workflow::TicketStatus;
use chrono::{NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};

/// The inbox's parameters as sent: all text, so a bad value is named rather than refused
/// wholesale.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct InboxParams {
    /// A ticket kind (`return`, `resize`, `stylist`, …); all kinds when absent.
    pub kind: Option<String>,
    /// `unresolved` (the default), `any`, or one status: `new`, `open`, `waiting`, `resolved`.
    pub status: Option<String>,
    /// `anyone` (the default), `me`, `none`, or a staff user's id.
    pub assignee: Option<String>,
    /// Created on or after this day (`YYYY-MM-DD`, UTC).
    pub from: Option<String>,
    /// Created on or before this day (`YYYY-MM-DD`, UTC).
    pub to: Option<String>,
    /// Part of a reference, an email, an order number or a name.
    pub q: Option<String>,
    /// `due` (the default: awaiting an answer first, most overdue first), `newest`, `oldest`.
    pub sort: Option<String>,
    /// From 1.
    pub page: Option<String>,
    /// 1 to 100; 25 when absent.
    pub per_page: Option<String>,
}

pub(super) fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

pub(super) fn day(
    field: &str,
    value: &str,
    errors: &mut Vec<FieldError>,
) -> Option<chrono::DateTime<Utc>> {
    match NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        Ok(date) => date
            .and_hms_opt(0, 0, 0)
            .map(|midnight| Utc.from_utc_datetime(&midnight)),
        Err(_) => {
            errors.push(FieldError {
                field: field.into(),
                message: "must be a day as YYYY-MM-DD".into(),
            });
            None
        }
    }
}

impl InboxParams {
    /// The query these parameters ask for, for `actor`; every bad parameter listed.
    pub fn query(&self, actor: &Actor) -> Result<InboxQuery, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut bad = |field: &str, message: String| {
            errors.push(FieldError {
                field: field.into(),
                message,
            })
        };
        let mut query = InboxQuery::default();
        if let Some(kind) = given(&self.kind) {
            match kind.parse::<TicketKind>() {
                Ok(kind) => query.kind = Some(kind),
                Err(e) => bad("kind", e.to_string()),
            }
        }
        if let Some(status) = given(&self.status) {
            query.status = match status {
                "unresolved" => StatusFilter::Unresolved,
                "any" => StatusFilter::Any,
                other => match other.parse::<TicketStatus>() {
                    Ok(status) => StatusFilter::Is(status),
                    Err(_) => {
                        bad(
                            "status",
                            "must be unresolved, any, new, open, waiting or resolved".into(),
                        );
                        StatusFilter::Unresolved
                    }
                },
            };
        }
        if let Some(assignee) = given(&self.assignee) {
            query.assignee = match assignee {
                "anyone" => AssigneeFilter::Anyone,
                "none" => AssigneeFilter::Nobody,
                "me" => match actor.user_id() {
                    Some(id) => AssigneeFilter::User(id.to_string()),
                    None => {
                        bad("assignee", "`me` needs a token bound to a person".into());
                        AssigneeFilter::Anyone
                    }
                },
                id => AssigneeFilter::User(id.to_string()),
            };
        }
        if let Some(sort) = given(&self.sort) {
            match InboxSort::ALL.into_iter().find(|s| s.as_str() == sort) {
                Some(sort) => query.sort = sort,
                None => bad("sort", "must be due, newest or oldest".into()),
            }
        }
        if let Some(page) = given(&self.page) {
            match page.parse::<u32>() {
                Ok(page) if page >= 1 => query.page = page,
                _ => bad("page", "must be a whole number from 1".into()),
            }
        }
        query.per_page = DEFAULT_PER_PAGE;
        if let Some(per_page) = given(&self.per_page) {
            match per_page.parse::<u32>() {
                Ok(n) if (1..=MAX_PER_PAGE).contains(&n) => query.per_page = n,
                _ => bad("per_page", format!("must be from 1 to {MAX_PER_PAGE}")),
            }
        }
        if let Some(text) = given(&self.q) {
            if text.chars().count() > 200 {
                bad("q", "at most 200 characters".into());
            } else {
                query.text = Some(text.to_string());
            }
        }
        if let Some(from) = given(&self.from) {
            query.created_from = day("from", from, &mut errors);
        }
        if let Some(to) = given(&self.to) {
            query.created_before =
                day("to", to, &mut errors).map(|d| d + chrono::Duration::days(1));
        }
        if errors.is_empty() {
            Ok(query)
        } else {
            Err(errors)
        }
    }

    /// The same parameters on another page, as a query string.
    pub fn with_page(&self, page: u32) -> String {
        let mut params = self.clone();
        params.page = Some(page.to_string());
        query_string(&[
            ("kind", &params.kind),
            ("status", &params.status),
            ("assignee", &params.assignee),
            ("from", &params.from),
            ("to", &params.to),
            ("q", &params.q),
            ("sort", &params.sort),
            ("page", &params.page),
            ("per_page", &params.per_page),
        ])
    }
}

/// A query string of the parameters that are given, in order.
pub(super) fn query_string(fields: &[(&str, &Option<String>)]) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (name, value) in fields {
        if let Some(value) = given(value) {
            out.append_pair(name, value);
        }
    }
    out.finish()
}
