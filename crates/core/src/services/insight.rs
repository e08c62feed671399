//! What staff read about the concierge's work: conversations with what each message was
//! understood as, "misunderstood" marks, and the shoppers' ratings.

use super::ServiceError;
use crate::conversations::Role;
use crate::insight::conversations::{
    ConversationPage, ConversationQuery, ConversationRecord, ConversationSummary, ConversationView,
    MOST_PER_PAGE,
};
use crate::insight::csat::{CsatQuery, CsatReport, average, summarise};
use crate::staff::Actor;
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
    let (all, entries, more) = store.ratings(query, now).await?;
    let last = (query.to - chrono::Duration::microseconds(1)).date_naive();
    let (distribution, trend) = summarise(&all, query.from.date_naive(), last);
    let points: i64 = all.iter().map(|(score, _)| i64::from(*score)).sum();
    Ok(CsatReport {
        responses: all.len() as u64,
        average: average(u64::try_from(points).unwrap_or(0), all.len() as u64),
        distribution,
        trend,
        entries,
        more,
    })
}
