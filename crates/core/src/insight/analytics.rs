//! The analytics the concierge is judged by, from per-minute aggregates every instance writes:
//! the series counted, and the per-day and whole-range figures made from them.

use super::csat::average;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// What is counted, per minute, by every instance. Stored by name, so a name never changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Series {
    /// The loader drew the launcher (widget event `load`).
    WidgetLoads,
    /// The panel opened (`open`).
    WidgetOpens,
    /// The panel closed (`close`).
    WidgetCloses,
    /// A product's details were opened in the widget (`details`).
    ProductDetails,
    /// A product was shortlisted in the widget (`shortlist`).
    Shortlisted,
    /// A conversation started.
    ConversationsStarted,
    /// A conversation's first message or button from the shopper.
    FirstMessages,
    /// A message or button answered; the label is the intent (`action` for a button).
    Messages,
    /// A reply that showed products.
    ProductReplies,
    /// A product search that found nothing.
    EmptySearches,
    /// A ticket made; the label is its kind.
    Tickets,
    /// A rating given.
    CsatResponses,
    /// The scores of the ratings given, summed.
    CsatPoints,
    /// A conversation ended; the label is `true` with a ticket, `false` without.
    ConversationsEnded,
}

impl Series {
    /// Every series.
    pub const ALL: [Series; 14] = [
        Series::WidgetLoads,
        Series::WidgetOpens,
        Series::WidgetCloses,
        Series::ProductDetails,
        Series::Shortlisted,
        Series::ConversationsStarted,
        Series::FirstMessages,
        Series::Messages,
        Series::ProductReplies,
        Series::EmptySearches,
        Series::Tickets,
        Series::CsatResponses,
        Series::CsatPoints,
        Series::ConversationsEnded,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Series::WidgetLoads => "widget_loads",
            Series::WidgetOpens => "widget_opens",
            Series::WidgetCloses => "widget_closes",
            Series::ProductDetails => "product_details",
            Series::Shortlisted => "shortlisted",
            Series::ConversationsStarted => "conversations_started",
            Series::FirstMessages => "first_messages",
            Series::Messages => "messages",
            Series::ProductReplies => "product_replies",
            Series::EmptySearches => "empty_searches",
            Series::Tickets => "tickets",
            Series::CsatResponses => "csat_responses",
            Series::CsatPoints => "csat_points",
            Series::ConversationsEnded => "conversations_ended",
        }
    }

    /// Parses a stored name.
    pub fn parse(name: &str) -> Option<Series> {
        Series::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// One stored aggregate: a series' count over one minute (minutes since the Unix epoch), or one
/// day (days since the epoch), with its label (`""` when the series has none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Aggregate {
    pub at: i64,
    pub series: String,
    pub label: String,
    pub value: i64,
}

/// The minute (since the epoch) `at` falls in.
pub fn minute_of(at: DateTime<Utc>) -> i64 {
    at.timestamp().div_euclid(60)
}

/// The day (since the epoch, UTC) `at` falls in.
pub fn day_of(at: DateTime<Utc>) -> i64 {
    at.timestamp().div_euclid(86_400)
}

/// The date of a day since the epoch.
pub fn date_of(day: i64) -> NaiveDate {
    DateTime::from_timestamp(day * 86_400, 0)
        .unwrap_or_default()
        .date_naive()
}

/// Minutes per day.
pub const MINUTES_PER_DAY: i64 = 1440;

/// The figures of a day, or of a whole range.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct Figures {
    pub widget_loads: u64,
    pub widget_opens: u64,
    /// Opens / loads; `null` without loads.
    pub open_rate: Option<f64>,
    pub conversations: u64,
    pub conversations_ended: u64,
    pub conversations_ended_with_ticket: u64,
    /// Ended without a ticket / ended (the `deflection_rate` of `/api/metrics`); `null` when
    /// none ended.
    pub deflection_rate: Option<f64>,
    pub tickets: u64,
    pub csat_responses: u64,
    /// `null` without ratings.
    pub csat_average: Option<f64>,
    pub empty_searches: u64,
}

/// One day's figures.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Day {
    pub day: NaiveDate,
    #[serde(flatten)]
    pub figures: Figures,
}

/// A count with its name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Count {
    pub name: String,
    pub count: u64,
}

/// Shopper messages the concierge did not understand (or whose reply staff marked), grouped by
/// their normalised text.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct NotUnderstoodGroup {
    /// Lower-case words, one space apart.
    pub text: String,
    pub count: u64,
    /// How many of them staff marked misunderstood.
    pub marked: u64,
    /// Up to three, newest first: `(conversation id, the text as written)`.
    pub examples: Vec<(String, String)>,
}

/// Everything the analytics page shows for a range.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Analytics {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub totals: Figures,
    /// Every day of the range, oldest first.
    pub days: Vec<Day>,
    /// Loads → opens → first message → products shown → details opened → shortlisted →
    /// ticket, each a count of events.
    pub funnel: Vec<Count>,
    /// Messages answered by the intent understood (`action` for buttons), most first.
    pub intents: Vec<Count>,
    /// Tickets by kind, most first.
    pub tickets_by_kind: Vec<Count>,
    /// Most frequent first.
    pub not_understood: Vec<NotUnderstoodGroup>,
}

fn ratio(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 / whole as f64 * 10_000.0).round() / 10_000.0)
}

/// Sums of each `(series, label)` in `aggregates`.
pub type Sums = BTreeMap<(String, String), u64>;

fn get(sums: &Sums, series: Series) -> u64 {
    sums.iter()
        .filter(|((s, _), _)| s == series.as_str())
        .map(|(_, v)| *v)
        .sum()
}

fn labelled(sums: &Sums, series: Series, label: &str) -> u64 {
    sums.get(&(series.as_str().to_string(), label.to_string()))
        .copied()
        .unwrap_or(0)
}

/// The figures of some summed aggregates.
pub fn figures(sums: &Sums) -> Figures {
    let loads = get(sums, Series::WidgetLoads);
    let opens = get(sums, Series::WidgetOpens);
    let with_ticket = labelled(sums, Series::ConversationsEnded, "true");
    let without = labelled(sums, Series::ConversationsEnded, "false");
    let responses = get(sums, Series::CsatResponses);
    Figures {
        widget_loads: loads,
        widget_opens: opens,
        open_rate: ratio(opens, loads),
        conversations: get(sums, Series::ConversationsStarted),
        conversations_ended: with_ticket + without,
        conversations_ended_with_ticket: with_ticket,
        deflection_rate: ratio(without, with_ticket + without),
        tickets: get(sums, Series::Tickets),
        csat_responses: responses,
        csat_average: average(get(sums, Series::CsatPoints), responses),
        empty_searches: get(sums, Series::EmptySearches),
    }
}

/// The funnel of some summed aggregates.
pub fn funnel(sums: &Sums) -> Vec<Count> {
    [
        ("Loaded", Series::WidgetLoads),
        ("Opened", Series::WidgetOpens),
        ("First message", Series::FirstMessages),
        ("Products shown", Series::ProductReplies),
        ("Details", Series::ProductDetails),
        ("Shortlisted", Series::Shortlisted),
        ("Ticket", Series::Tickets),
    ]
    .into_iter()
    .map(|(name, series)| Count {
        name: name.to_string(),
        count: get(sums, series),
    })
    .collect()
}

/// The labels of one series with their sums, most first.
pub fn breakdown(sums: &Sums, series: Series) -> Vec<Count> {
    let mut counts: Vec<Count> = sums
        .iter()
        .filter(|((s, _), v)| s == series.as_str() && **v > 0)
        .map(|((_, label), v)| Count {
            name: label.clone(),
            count: *v,
        })
        .collect();
    counts.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    counts
}

/// Sums aggregates by `(series, label)`.
pub fn sum<'a>(aggregates: impl IntoIterator<Item = &'a Aggregate>) -> Sums {
    let mut sums = Sums::new();
    for a in aggregates {
        *sums.entry((a.series.clone(), a.label.clone())).or_default() +=
            u64::try_from(a.value).unwrap_or(0);
    }
    sums
}

/// Groups messages (newest first) by their normalised text, most frequent first.
pub fn group_not_understood(messages: &[crate::store::NotUnderstood]) -> Vec<NotUnderstoodGroup> {
    let mut groups: BTreeMap<String, NotUnderstoodGroup> = BTreeMap::new();
    for message in messages {
        let text = super::normalised(&message.text);
        if text.is_empty() {
            continue;
        }
        let group = groups.entry(text.clone()).or_insert(NotUnderstoodGroup {
            text,
            count: 0,
            marked: 0,
            examples: Vec::new(),
        });
        group.count += 1;
        group.marked += u64::from(message.misunderstood);
        if group.examples.len() < 3 {
            group
                .examples
                .push((message.conversation_id.clone(), message.text.clone()));
        }
    }
    let mut groups: Vec<NotUnderstoodGroup> = groups.into_values().collect();
    groups.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.text.cmp(&b.text)));
    groups
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::store::NotUnderstood;

    fn aggregate(series: Series, label: &str, value: i64) -> Aggregate {
        Aggregate {
            at: 0,
            series: series.as_str().into(),
            label: label.into(),
            value,
        }
    }

    #[test]
    fn rates_follow_the_metrics_definitions() {
        let sums = sum(&[
            aggregate(Series::WidgetLoads, "", 200),
            aggregate(Series::WidgetOpens, "", 50),
            aggregate(Series::ConversationsEnded, "true", 1),
            aggregate(Series::ConversationsEnded, "false", 3),
            aggregate(Series::CsatResponses, "", 3),
            aggregate(Series::CsatPoints, "", 13),
            aggregate(Series::Tickets, "return", 2),
            aggregate(Series::Tickets, "stylist", 5),
        ]);
        let f = figures(&sums);
        assert_eq!(f.open_rate, Some(0.25));
        assert_eq!(f.deflection_rate, Some(0.75));
        assert_eq!(f.csat_average, Some(4.33));
        assert_eq!(f.tickets, 7);
        let kinds = breakdown(&sums, Series::Tickets);
        assert_eq!(kinds[0].name, "stylist");
        assert_eq!(funnel(&sums)[6].count, 7);
        assert_eq!(figures(&Sums::new()).open_rate, None);
    }

    #[test]
    fn not_understood_messages_group_by_normalised_text() {
        let message = |id: &str, text: &str, marked| NotUnderstood {
            conversation_id: id.into(),
            text: text.into(),
            at: Utc::now(),
            misunderstood: marked,
        };
        let groups = group_not_understood(&[
            message("c1", "Do you ship to Canada?", false),
            message("c2", "do you ship to canada", true),
            message("c3", "hoops", false),
            message("c4", "  ?! ", false),
        ]);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].text, "do you ship to canada");
        assert_eq!((groups[0].count, groups[0].marked), (2, 1));
        assert_eq!(groups[0].examples[0].1, "Do you ship to Canada?");
    }

    #[test]
    fn every_series_reads_back_from_its_name() {
        for series in Series::ALL {
            assert_eq!(Series::parse(series.as_str()), Some(series));
        }
        assert_eq!(date_of(day_of(Utc::now())), Utc::now().date_naive());
    }
}
