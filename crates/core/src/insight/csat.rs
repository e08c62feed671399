//! The shoppers' ratings: how they spread, how they move day by day, and every comment with
//! its conversation, lowest scores first.

use crate::conversations::Outcome;
use crate::tickets::TicketKind;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// Ratings listed per page.
pub const PAGE: u32 = 25;

/// Which ratings.
#[derive(Debug, Clone, PartialEq)]
pub struct CsatQuery {
    /// Given on or after.
    pub from: DateTime<Utc>,
    /// Given before.
    pub to: DateTime<Utc>,
    /// Of conversations that turned out so (at `now`).
    pub outcome: Option<Outcome>,
    /// Of conversations with a ticket of this kind.
    pub kind: Option<TicketKind>,
    /// Lowest scores first (the default), or newest first.
    pub lowest_first: bool,
    /// Only those with a comment.
    pub with_comment: bool,
    pub page: u32,
}

/// One rating in the list.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CsatEntry {
    pub conversation_id: String,
    pub score: i32,
    pub comment: Option<String>,
    pub at: DateTime<Utc>,
    pub outcome: Outcome,
}

/// How many ratings gave one score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct ScoreCount {
    pub score: i32,
    pub count: u64,
}

/// One day's ratings.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CsatDay {
    pub day: NaiveDate,
    pub responses: u64,
    /// `null` on a day without ratings.
    pub average: Option<f64>,
}

/// The ratings of a range.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CsatReport {
    pub responses: u64,
    /// `null` without ratings.
    pub average: Option<f64>,
    /// Scores 1 to 5.
    pub distribution: Vec<ScoreCount>,
    /// Every day of the range, oldest first.
    pub trend: Vec<CsatDay>,
    /// A page of the ratings.
    pub entries: Vec<CsatEntry>,
    /// Whether another page follows.
    pub more: bool,
}

/// Rounded to two decimals.
pub fn average(points: u64, count: u64) -> Option<f64> {
    (count > 0).then(|| (points as f64 / count as f64 * 100.0).round() / 100.0)
}

/// The distribution and the day-by-day trend of `(score, given at)` ratings over the days from
/// `first` to `last`.
pub fn summarise(
    ratings: &[(i32, DateTime<Utc>)],
    first: NaiveDate,
    last: NaiveDate,
) -> (Vec<ScoreCount>, Vec<CsatDay>) {
    let distribution = (1..=5)
        .map(|score| ScoreCount {
            score,
            count: ratings.iter().filter(|(s, _)| *s == score).count() as u64,
        })
        .collect();
    let trend = first
        .iter_days()
        .take_while(|day| *day <= last)
        .map(|day| {
            let scores: Vec<i32> = ratings
                .iter()
                .filter(|(_, at)| at.date_naive() == day)
                .map(|(s, _)| *s)
                .collect();
            let points: i64 = scores.iter().map(|s| i64::from(*s)).sum();
            CsatDay {
                day,
                responses: scores.len() as u64,
                average: average(u64::try_from(points).unwrap_or(0), scores.len() as u64),
            }
        })
        .collect();
    (distribution, trend)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn every_score_and_every_day_is_listed_even_when_empty() {
        let at = |d, h| Utc.with_ymd_and_hms(2026, 12, d, h, 0, 0).unwrap();
        let ratings = [(5, at(1, 9)), (1, at(1, 23)), (4, at(3, 0))];
        let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
        let (distribution, trend) = summarise(&ratings, day(1), day(3));
        let counts: Vec<u64> = distribution.iter().map(|s| s.count).collect();
        assert_eq!(counts, [1, 0, 0, 1, 1]);
        let averages: Vec<Option<f64>> = trend.iter().map(|d| d.average).collect();
        assert_eq!(averages, [Some(3.0), None, Some(4.0)]);
        assert_eq!(average(14, 3), Some(4.67));
    }
}
