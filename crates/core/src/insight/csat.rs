//! The shoppers' ratings: how they spread, how they move day by day, and every comment with
//! its conversation, lowest scores first.

use crate::conversations::Outcome;
use crate::tickets::TicketKind;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use std::collections::BTreeMap;
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
    /// From 0.
    pub page: u32,
    pub per_page: u32,
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

/// How many ratings gave one score on one day (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScoreDay {
    pub day: NaiveDate,
    pub score: i32,
    pub count: u64,
}

/// The distribution and the day-by-day trend of the `counts` over the days from `first` to
/// `last`.
pub fn summarise(
    counts: &[ScoreDay],
    first: NaiveDate,
    last: NaiveDate,
) -> (Vec<ScoreCount>, Vec<CsatDay>) {
    let distribution = (1..=5)
        .map(|score| ScoreCount {
            score,
            count: counts
                .iter()
                .filter(|c| c.score == score)
                .map(|c| c.count)
                .sum(),
        })
        .collect();
    let mut days: BTreeMap<NaiveDate, (u64, u64)> = BTreeMap::new();
    for c in counts {
        let (responses, points) = days.entry(c.day).or_default();
        *responses += c.count;
        *points += c.count * u64::try_from(c.score).unwrap_or(0);
    }
    let trend = first
        .iter_days()
        .take_while(|day| *day <= last)
        .map(|day| {
            let (responses, points) = days.get(&day).copied().unwrap_or_default();
            CsatDay {
                day,
                responses,
                average: average(points, responses),
            }
        })
        .collect();
    (distribution, trend)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn every_score_and_every_day_is_listed_even_when_empty() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
        let counts = [
            ScoreDay {
                day: day(1),
                score: 5,
                count: 1,
            },
            ScoreDay {
                day: day(1),
                score: 1,
                count: 1,
            },
            ScoreDay {
                day: day(3),
                score: 4,
                count: 2,
            },
        ];
        let (distribution, trend) = summarise(&counts, day(1), day(3));
        let counts: Vec<u64> = distribution.iter().map(|s| s.count).collect();
        assert_eq!(counts, [1, 0, 0, 2, 1]);
        let averages: Vec<Option<f64>> = trend.iter().map(|d| d.average).collect();
        assert_eq!(averages, [Some(3.0), None, Some(4.0)]);
        let responses: Vec<u64> = trend.iter().map(|d| d.responses).collect();
        assert_eq!(responses, [2, 0, 2]);
        assert_eq!(average(14, 3), Some(4.67));
    }
}
