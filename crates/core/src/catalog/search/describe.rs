//! A query in the shopper's words, for sentences like "No platinum rings under $300."

use super::ProductQuery;
use crate::money::Currency;

/// `platinum rings under $300`, `ready-to-ship rose gold necklaces between $500 and $1,000`,
/// `vintage earrings matching “halo”`; `jewelry` when nothing narrows it. Prices in `currency`.
pub fn describe(query: &ProductQuery, currency: Currency) -> String {
    let format_price = |amount| currency.format(amount);
    let mut words: Vec<String> = Vec::new();
    if query.ready_to_ship {
        words.push("ready-to-ship".to_string());
    }
    if !query.styles.is_empty() {
        words.push(either(query.styles.iter().map(|s| s.trim().to_lowercase())));
    }
    if !query.metals.is_empty() {
        words.push(either(
            query.metals.iter().map(|m| m.label().to_lowercase()),
        ));
    }
    words.push(match &query.kind {
        Some(kind) => plural(kind.trim().to_lowercase()),
        None => query.category.map_or("jewelry", |c| c.as_str()).to_string(),
    });
    match (query.min_price, query.max_price) {
        (Some(min), Some(max)) if min == max => words.push(format!("at {}", format_price(min))),
        (Some(min), Some(max)) => words.push(format!(
            "between {} and {}",
            format_price(min),
            format_price(max)
        )),
        (Some(min), None) => words.push(format!("from {}", format_price(min))),
        (None, Some(max)) => words.push(format!("under {}", format_price(max))),
        (None, None) => {}
    }
    if let Some(text) = query
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        words.push(format!("matching “{text}”"));
    }
    words.join(" ")
}

/// `engagement rings`, `pendants`; `hoops` and `studs` already are.
fn plural(kind: String) -> String {
    if kind.ends_with('s') {
        kind
    } else {
        kind + "s"
    }
}

/// `a`, `a or b`, `a, b or c`.
fn either(items: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = items.collect();
    match items.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}
