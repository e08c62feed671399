//! What staff read about the concierge's work: conversations with what each message was
//! understood as, "misunderstood" marks, and the shoppers' ratings.

use super::ServiceError;
use crate::concierge::forms::Invalid;
use crate::conversations::Role;
use crate::insight::analytics::{
    Aggregate, Analytics, Day, MINUTES_PER_DAY, Series, breakdown, date_of, day_of, figures,
    funnel, group_not_understood, minute_of, sum,
};
use crate::insight::conversations::{
    ConversationPage, ConversationQuery, ConversationRecord, ConversationSummary, ConversationView,
    MOST_PER_PAGE,
};
use crate::insight::csat::{CsatEntry, CsatQuery, CsatReport, average, summarise};
use crate::staff::Actor;
use crate::staff::audit::{AuditAction, AuditEntry};
use crate::store::Store;
use crate::tokens::Scope;
use aurora_nlu::Understander;
use chrono::{DateTime, Utc};

/// A page of conversations, newest first.
pub async fn conversations(
    store: &dyn Store,
    actor: &Actor,
    mut query: ConversationQuery,
    now: DateTime<Utc>,
) -> Result<ConversationPage, ServiceError> {
    actor.require(Scope::ConversationsRead)?;
    query.per_page = query.per_page.clamp(1, MOST_PER_PAGE);
    Ok(store.search_conversations(&query, now).await?)
}

/// One conversation read whole; each understood message explained as `aurora understand`
/// explains it.
pub async fn conversation(
    store: &dyn Store,
    understander: &Understander,
    actor: &Actor,
    id: &str,
    now: DateTime<Utc>,
) -> Result<ConversationView, ServiceError> {
    actor.require(Scope::ConversationsRead)?;
    let Some(ConversationRecord {
        conversation,
        mut messages,
        tickets,
        rating,
    }) = store.conversation_record(id).await?
    else {
        return Err(ServiceError::NotFound("There is no such conversation."));
    };
    for message in &mut messages {
        if message.role == Role::Shopper
            && message.understood.is_some()
            && let Some(text) = &message.text
        {
            message.explanation = Some(understander.explain(text).to_string());
        }
    }
    let first_message = messages
        .iter()
        .find(|m| m.role == Role::Shopper)
        .and_then(|m| m.text.clone());
    Ok(ConversationView {
        summary: ConversationSummary::of(
            &conversation,
            first_message,
            rating.as_ref().map(|r| r.score),
            now,
        ),
        ended_at: conversation.ended_at,
        messages,
        tickets,
        rating,
    })
}

/// Marks (or unmarks) the concierge's reply to shopper message `position` as a
/// misunderstanding: it then joins the "not understood" list.
pub async fn mark_misunderstood(
    store: &dyn Store,
    actor: &Actor,
    id: &str,
    position: i32,
    misunderstood: bool,
) -> Result<(), ServiceError> {
    actor.require(Scope::ConversationsRead)?;
    actor.require(Scope::TicketsWrite)?;
    if store
        .mark_misunderstood(id, position, misunderstood)
        .await?
    {
        Ok(())
    } else {
        Err(ServiceError::NotFound(
            "There is no such shopper message in this conversation.",
        ))
    }
}

/// The ratings of a range: distribution, day-by-day trend and a page of them.
pub async fn csat(
    store: &dyn Store,
    actor: &Actor,
    query: &CsatQuery,
    now: DateTime<Utc>,
) -> Result<CsatReport, ServiceError> {
    actor.require(Scope::AnalyticsRead)?;
    let counts = store.rating_counts(query, now).await?;
    let (entries, more) = store.rating_page(query, now).await?;
    let last = (query.to - chrono::Duration::microseconds(1)).date_naive();
    let (distribution, trend) = summarise(&counts, query.from.date_naive(), last);
    let responses: u64 = distribution.iter().map(|s| s.count).sum();
    let points: u64 = distribution
        .iter()
        .map(|s| s.count * u64::try_from(s.score).unwrap_or(0))
        .sum();
    Ok(CsatReport {
        responses,
        average: average(points, responses),
        distribution,
        trend,
        entries,
        more,
    })
}

/// A day is closed (its per-day sums written once and for good) this long after it ends: every
/// instance has written its last minutes of it by then.
const DAY_CLOSES_AFTER: chrono::Duration = chrono::Duration::minutes(5);

/// Most "not understood" messages read for a range.
const NOT_UNDERSTOOD_READ: u32 = 5_000;

/// The analytics of `from` to before `to`: per day and for the whole range, from every
/// instance's per-minute aggregates (closed days from their per-day sums).
pub async fn analytics(
    store: &dyn Store,
    actor: &Actor,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Analytics, ServiceError> {
    actor.require(Scope::AnalyticsRead)?;
    let (first_day, last_day) = (day_of(from), day_of(to - chrono::Duration::microseconds(1)));
    let closed_before = day_of(now - DAY_CLOSES_AFTER);
    let (from_minute, to_minute) = (
        minute_of(from),
        minute_of(to - chrono::Duration::seconds(1)) + 1,
    );
    // Whole closed days come from their sums; the rest (today, a partial day) from minutes.
    let whole = |day: i64| {
        day < closed_before
            && from_minute <= day * MINUTES_PER_DAY
            && (day + 1) * MINUTES_PER_DAY <= to_minute
    };
    let rolled: Vec<i64> = (first_day..=last_day).filter(|d| whole(*d)).collect();
    let mut by_day: Vec<(i64, Vec<Aggregate>)> = Vec::new();
    if let (Some(&first), Some(&last)) = (rolled.first(), rolled.last()) {
        store.roll_up_days(first, last + 1).await?;
        let sums = store.days(first, last + 1).await?;
        for day in first..=last {
            by_day.push((day, sums.iter().filter(|a| a.at == day).cloned().collect()));
        }
    }
    for day in (first_day..=last_day).filter(|d| !whole(*d)) {
        let start = (day * MINUTES_PER_DAY).max(from_minute);
        let end = ((day + 1) * MINUTES_PER_DAY).min(to_minute);
        by_day.push((day, store.sum_minutes(start, end).await?));
    }
    by_day.sort_by_key(|(day, _)| *day);
    let all = sum(by_day.iter().flat_map(|(_, a)| a.iter()));
    let messages = store.not_understood(from, to, NOT_UNDERSTOOD_READ).await?;
    Ok(Analytics {
        from,
        to,
        totals: figures(&all),
        days: by_day
            .iter()
            .map(|(day, aggregates)| Day {
                day: date_of(*day),
                figures: figures(&sum(aggregates)),
            })
            .collect(),
        funnel: funnel(&all),
        intents: breakdown(&all, Series::Messages),
        tickets_by_kind: breakdown(&all, Series::Tickets),
        not_understood: group_not_understood(&messages),
    })
}

/// Rolls up, then deletes, the per-minute analytics before `before` (their days are kept).
pub async fn purge_minutes(store: &dyn Store, before: DateTime<Utc>) -> Result<u64, ServiceError> {
    let day = day_of(before);
    // Every day that could still have minutes, each rolled up once (a no-op once done).
    store.roll_up_days(day - 400, day).await?;
    Ok(store.purge_minutes(day * MINUTES_PER_DAY).await?)
}

/// Most conversations one export holds: past it, the export asks for narrower filters rather
/// than leaving rows out.
pub const MOST_CONVERSATIONS_EXPORTED: u32 = 10_000;
/// Most ratings one export holds, likewise.
pub const MOST_RATINGS_EXPORTED: u32 = 100_000;

/// Records in the staff audit log that `actor` exported `what` (a table of a page, with its
/// range): exports can carry what shoppers wrote.
pub async fn record_export(
    store: &dyn Store,
    actor: &Actor,
    what: &str,
    range: &str,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    actor.require(Scope::AnalyticsRead)?;
    audit_export(store, actor, what, range, now).await
}

async fn audit_export(
    store: &dyn Store,
    actor: &Actor,
    what: &str,
    filters: &str,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let entry = AuditEntry::new(
        now,
        actor.audit_name(),
        AuditAction::DataExported,
        what,
        filters,
    );
    Ok(store.record_audit(&entry).await?)
}

fn too_many(most: impl std::fmt::Display, what: &str) -> ServiceError {
    ServiceError::Invalid(vec![Invalid::new(
        "from",
        format!("more than {most} {what} match: narrow the dates or filters to export them"),
    )])
}

/// Every conversation `query` matches (its page ignored), newest first, for an export
/// described by `filters` in the audit log; refused past [`MOST_CONVERSATIONS_EXPORTED`].
pub async fn export_conversations(
    store: &dyn Store,
    actor: &Actor,
    mut query: ConversationQuery,
    filters: &str,
    now: DateTime<Utc>,
) -> Result<Vec<ConversationSummary>, ServiceError> {
    actor.require(Scope::ConversationsRead)?;
    // One page as long as the export may be: a word search reads its matches once.
    query.per_page = MOST_CONVERSATIONS_EXPORTED;
    query.after = None;
    let page = store.search_conversations(&query, now).await?;
    if page.next.is_some() {
        return Err(too_many(MOST_CONVERSATIONS_EXPORTED, "conversations"));
    }
    audit_export(store, actor, "conversations", filters, now).await?;
    Ok(page.conversations)
}

/// Every rating `query` matches (its page ignored), in its order, for an export described by
/// `filters` in the audit log; refused past [`MOST_RATINGS_EXPORTED`].
pub async fn export_ratings(
    store: &dyn Store,
    actor: &Actor,
    mut query: CsatQuery,
    filters: &str,
    now: DateTime<Utc>,
) -> Result<Vec<CsatEntry>, ServiceError> {
    actor.require(Scope::AnalyticsRead)?;
    query.per_page = MOST_RATINGS_EXPORTED;
    query.page = 0;
    let (all, more) = store.rating_page(&query, now).await?;
    if more {
        return Err(too_many(MOST_RATINGS_EXPORTED, "ratings"));
    }
    audit_export(store, actor, "csat ratings", filters, now).await?;
    Ok(all)
}
