//! Product discovery replies: filters carried over, results as cards, and never a dead end.

use super::blocks::{Block, FilterChip, ProductCard, QuickReply, text};
use crate::catalog::search::{ProductQuery, Relaxed, SearchIndex, Sort, describe};
use crate::conversations::ConversationState;
use crate::money::Currency;
use aurora_nlu::{Filters, SortOrder};

/// Cards per reply.
pub const PAGE: usize = 6;

/// Merges what the shopper just asked for into the active filters and order: what they name
/// replaces the same filter, the rest carries over.
pub fn merge(state: &mut ConversationState, filters: &Filters, currency: Currency) {
    if let Some(order) = filters.sort {
        state.sort = match order {
            SortOrder::PriceAsc => Sort::PriceAsc,
            SortOrder::PriceDesc => Sort::PriceDesc,
            SortOrder::Newest => Sort::Newest,
        };
    }
    if filters.occasion.is_some() {
        state.occasion = filters.occasion;
    }
    if filters.recipient.is_some() {
        state.recipient = filters.recipient;
    }
    let query = &mut state.query;
    if let Some(category) = filters.category {
        if query.category != Some(category) {
            query.text = None;
        }
        query.category = Some(category);
        // "rings", then "hoops": the type goes with the category named last.
        query.kind = filters.kind.clone();
    }
    if !filters.metals.is_empty() {
        query.metals = filters.metals.clone();
    }
    if filters.min_price.is_some() || filters.max_price.is_some() {
        query.min_price = filters.min_price.map(|major| currency.from_major(major));
        query.max_price = filters.max_price.map(|major| currency.from_major(major));
    }
    if filters.ready_to_ship {
        query.ready_to_ship = true;
    }
    if !filters.styles.is_empty() {
        query.styles = filters.styles.clone();
    }
    if let Some(words) = &filters.query {
        query.text = Some(words.clone());
    }
}

/// The active filters and order as removable chips.
pub fn chips(query: &ProductQuery, sort: Sort, currency: Currency) -> Vec<FilterChip> {
    let format_price = |amount| currency.format(amount);
    let chip = |label: String, filter: &str| FilterChip {
        label,
        remove_action: format!("remove:{filter}"),
    };
    let mut chips = Vec::new();
    if let Some(category) = query.category {
        chips.push(chip(category.label().to_string(), "category"));
    }
    if let Some(kind) = &query.kind {
        chips.push(chip(capitalised(kind), "kind"));
    }
    if !query.metals.is_empty() {
        let labels: Vec<&str> = query.metals.iter().map(|m| m.label()).collect();
        chips.push(chip(labels.join(" or "), "metals"));
    }
    match (query.min_price, query.max_price) {
        (None, None) => {}
        (Some(min), None) => chips.push(chip(format!("From {}", format_price(min)), "price")),
        (None, Some(max)) => chips.push(chip(format!("Under {}", format_price(max)), "price")),
        (Some(min), Some(max)) => chips.push(chip(
            format!("{} – {}", format_price(min), format_price(max)),
            "price",
        )),
    }
    if query.ready_to_ship {
        chips.push(chip("Ready to ship".to_string(), "ready_to_ship"));
    }
    if !query.styles.is_empty() {
        chips.push(chip(query.styles.join(" or "), "styles"));
    }
    if let Some(words) = &query.text {
        chips.push(chip(format!("“{words}”"), "text"));
    }
    if let Some(order) = sort_label(sort) {
        chips.push(chip(capitalised(order), "sort"));
    }
    chips
}

/// How results in `sort` are described ("cheapest first"); `None` for relevance.
fn sort_label(sort: Sort) -> Option<&'static str> {
    match sort {
        Sort::Relevance => None,
        Sort::PriceAsc => Some("cheapest first"),
        Sort::PriceDesc => Some("most expensive first"),
        Sort::Newest => Some("newest first"),
    }
}

/// Removes one filter (or the order) by the name its chip uses; `false` for an unknown name.
pub fn remove(state: &mut ConversationState, filter: &str) -> bool {
    let query = &mut state.query;
    match filter {
        "sort" => state.sort = Sort::Relevance,
        "category" => {
            query.category = None;
            query.kind = None;
        }
        "kind" => query.kind = None,
        "metals" => query.metals.clear(),
        "price" => {
            query.min_price = None;
            query.max_price = None;
        }
        "ready_to_ship" => query.ready_to_ship = false,
        "styles" => query.styles.clear(),
        "text" => query.text = None,
        _ => return false,
    }
    true
}

/// Shows the next page of the active query (from `state.offset`), or what to do instead.
pub fn products_reply(
    index: &SearchIndex,
    state: &mut ConversationState,
    currency: Currency,
) -> (Vec<Block>, usize) {
    let found = index.search(&state.query, state.sort, state.offset, PAGE);
    if found.total == 0 {
        return (no_results(index, state, currency), 0);
    }
    if found.products.is_empty() {
        state.offset = 0;
        return (
            vec![
                text(format!(
                    "That's all {} of the {}. Change a filter to see others.",
                    found.total,
                    describe(&state.query, currency)
                )),
                Block::QuickReplies {
                    replies: filter_replies(&state.query),
                },
            ],
            0,
        );
    }
    let first = state.offset + 1;
    let last = state.offset + found.products.len();
    state.offset = last;
    state.remember_shown(found.products.iter().map(|p| p.id.as_str()));
    let mut what = describe(&state.query, currency);
    if let Some(order) = sort_label(state.sort) {
        what = format!("{what}, {order}");
    }
    let mut intro = if found.total == found.products.len() && first == 1 {
        format!("Here are the {} {what} we have.", found.total)
    } else {
        format!("Here are {what}: {first} to {last} of {}.", found.total)
    };
    if first == 1
        && let Some(gift) = gift(state)
    {
        intro = format!("{gift}? {intro}");
    }
    let mut replies = Vec::new();
    if last < found.total {
        replies.push(QuickReply::new("Show more", "more"));
    }
    replies.extend(filter_replies(&state.query));
    let shown = found.products.len();
    let mut blocks = vec![
        text(intro),
        Block::Products {
            products: found
                .products
                .iter()
                .map(|p| ProductCard::new(p, currency))
                .collect(),
            total: found.total,
            filters: chips(&state.query, state.sort, currency),
        },
    ];
    if !unfiltered(&state.query) {
        blocks.push(text(
            "Tell me more to narrow it down (a metal, a budget, a style), or remove a filter above.",
        ));
    }
    blocks.push(Block::QuickReplies { replies });
    (blocks, shown)
}

/// "A gift for her for an anniversary": who and what the pieces are for, as the shopper said.
fn gift(state: &ConversationState) -> Option<String> {
    let mut gift = String::from("A gift");
    if let Some(recipient) = state.recipient {
        gift.push_str(" for ");
        gift.push_str(recipient.label());
    }
    if let Some(occasion) = state.occasion {
        gift.push_str(" for ");
        gift.push_str(occasion.label());
    }
    (state.recipient.is_some() || state.occasion.is_some()).then_some(gift)
}

fn filter_replies(query: &ProductQuery) -> Vec<QuickReply> {
    let mut replies = Vec::new();
    if !query.ready_to_ship {
        replies.push(QuickReply::new("Only ready to ship", "ready_to_ship"));
    }
    if !unfiltered(query) {
        replies.push(QuickReply::new("Clear filters", "clear_filters"));
    }
    replies.push(QuickReply::new("Talk to a stylist", "stylist"));
    replies
}

/// "No platinum rings under $300. Platinum rings start at $449; or here are white gold rings
/// under $300." — the nearest alternatives, one filter relaxed at a time, and a stylist.
fn no_results(
    index: &SearchIndex,
    state: &mut ConversationState,
    currency: Currency,
) -> Vec<Block> {
    let alternatives = index.alternatives(&state.query, PAGE);
    let what = describe(&state.query, currency);
    let mut sentence = format!("No {what}.");
    if let Some(hint) = alternatives.price_hint {
        let without_price = ProductQuery {
            min_price: None,
            max_price: None,
            ..state.query.clone()
        };
        let those = capitalised(&describe(&without_price, currency));
        use crate::catalog::search::PriceHint;
        sentence.push(' ');
        sentence.push_str(&match hint {
            PriceHint::StartsAt { price } => {
                format!("{those} start at {}.", currency.format(price))
            }
            PriceHint::TopsOutAt { price } => {
                format!("{those} top out at {}.", currency.format(price))
            }
            PriceHint::Around { below, above } => format!(
                "The nearest {} are {} and {}.",
                describe(&without_price, currency),
                currency.format(below),
                currency.format(above)
            ),
        });
    }
    let mut blocks = Vec::new();
    let mut replies = Vec::new();
    let mut relaxations = alternatives.relaxations.into_iter();
    if let Some(first) = relaxations.next() {
        sentence.push_str(&format!(
            " Here are {} instead:",
            describe(&first.query, currency)
        ));
        blocks.push(text(sentence));
        state.remember_shown(first.products.iter().map(|p| p.id.as_str()));
        blocks.push(Block::Products {
            products: first
                .products
                .iter()
                .map(|p| ProductCard::new(p, currency))
                .collect(),
            total: first.total,
            filters: chips(&first.query, Sort::Relevance, currency),
        });
        replies.push(QuickReply::new(
            &format!("See all {}", describe(&first.query, currency)),
            &relax_action(first.relaxed, &first.query),
        ));
    } else {
        blocks.push(text(sentence));
    }
    for other in relaxations.take(3) {
        replies.push(QuickReply::new(
            &capitalised(&describe(&other.query, currency)),
            &relax_action(other.relaxed, &other.query),
        ));
    }
    blocks.push(text(
        "A stylist can also look for you, including pieces made to order.",
    ));
    replies.push(QuickReply::new("Talk to a stylist", "stylist"));
    blocks.push(Block::QuickReplies { replies });
    blocks
}

/// The action that applies a relaxation to the conversation's filters.
fn relax_action(relaxed: Relaxed, query: &ProductQuery) -> String {
    match relaxed {
        Relaxed::Metal => match query.metals.first() {
            Some(metal) => format!("metal:{}", metal.as_str()),
            None => "remove:metals".to_string(),
        },
        Relaxed::Price => "remove:price".to_string(),
        Relaxed::ReadyToShip => "remove:ready_to_ship".to_string(),
        Relaxed::Style => "remove:styles".to_string(),
        Relaxed::Kind => "remove:kind".to_string(),
        Relaxed::Category => "remove:category".to_string(),
        Relaxed::Text => "remove:text".to_string(),
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Whether a query narrows nothing.
fn unfiltered(query: &ProductQuery) -> bool {
    *query == ProductQuery::default()
}
