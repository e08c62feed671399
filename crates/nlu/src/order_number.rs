//! Order numbers: the store's pattern, found in messages and validated in form fields.

use crate::ConfigError;
use regex::{Regex, RegexBuilder};
use serde::{Deserialize, Serialize};
use std::fmt;

/// An order number as the concierge keeps it: trimmed, without a leading `#`, letters
/// upper-cased (`GG-104233`). Whether it follows the store's own pattern is checked where a
/// shopper types one ([`crate::Understander::parse_order_number`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub struct OrderNumber(String);

impl OrderNumber {
    /// Normalises a number that needs no pattern check (stored, imported, or the demo's).
    pub fn normalise(text: &str) -> OrderNumber {
        let s = text.trim();
        OrderNumber(normalise(s.strip_prefix('#').map_or(s, str::trim_start)))
    }

    /// The number as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<String> for OrderNumber {
    fn from(text: String) -> Self {
        OrderNumber::normalise(&text)
    }
}

impl From<&str> for OrderNumber {
    fn from(text: &str) -> Self {
        OrderNumber::normalise(text)
    }
}

impl From<OrderNumber> for String {
    fn from(number: OrderNumber) -> String {
        number.0
    }
}

impl std::ops::Deref for OrderNumber {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OrderNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An order number found in a message.
#[derive(Debug, Clone)]
pub(crate) struct OrderMatch {
    /// Byte range in the (truncated) message, `#` excluded.
    pub start: usize,
    pub end: usize,
    /// Without `#`, letters upper-cased.
    pub normalized: OrderNumber,
    /// Why it counts (for explanations).
    pub why: &'static str,
}

/// Compiles the store's pattern so that it must match a whole candidate.
pub(crate) fn compile(pattern: &str) -> Result<Regex, ConfigError> {
    RegexBuilder::new(&format!("^(?:{pattern})$"))
        .case_insensitive(true)
        .size_limit(1 << 20)
        .build()
        .map_err(|e| ConfigError::InvalidOrderNumberPattern {
            pattern: pattern.to_owned(),
            reason: e.to_string(),
        })
}

fn normalise(s: &str) -> String {
    s.to_uppercase()
}

/// Validates a form field: whole trimmed input, optional leading `#`.
pub(crate) fn parse_field(re: &Regex, input: &str) -> Option<OrderNumber> {
    let s = input.trim();
    let s = s.strip_prefix('#').map_or(s, str::trim_start);
    if s.is_empty() || s.chars().count() > 64 {
        return None;
    }
    re.is_match(s).then(|| OrderNumber(normalise(s)))
}

/// Words after which a number is an order number ("order 123456", "order no. 123456").
fn is_order_word(w: &str) -> bool {
    matches!(
        w,
        "order"
            | "orders"
            | "purchase"
            | "number"
            | "no"
            | "nr"
            | "num"
            | "confirmation"
            | "reference"
            | "ref"
            | "id"
            | "ordernumber"
            | "invoice"
            | "receipt"
    )
}

/// Words that make a following number something else (a price, a size, a length).
fn is_blocking_word(w: &str) -> bool {
    matches!(
        w,
        "size"
            | "under"
            | "over"
            | "below"
            | "above"
            | "budget"
            | "than"
            | "max"
            | "between"
            | "about"
            | "around"
    )
}

/// Finds the first order number in `text` that the store's pattern matches and whose context
/// says it is one: it follows `#` or an order word, or carries letters (the store's prefix).
/// An order word may be misspelt ("ordre", "purhcase"): `correct` reads a word as the lexicon
/// word it is a typo of.
pub(crate) fn find(
    re: &Regex,
    text: &str,
    correct: impl Fn(&str) -> Option<&'static str>,
) -> Option<OrderMatch> {
    let order_word = |w: &str| {
        let w = w.to_ascii_lowercase();
        is_order_word(&w) || correct(&w).is_some_and(is_order_word)
    };
    // Candidates are whitespace-separated chunks with a digit, trimmed of punctuation.
    let mut prev_words: [&str; 3] = ["", "", ""];
    let mut prev_hash = false;
    let mut offset = 0;
    for chunk in text.split_whitespace() {
        let chunk_start = match text[offset..].find(chunk) {
            Some(p) => offset + p,
            None => break,
        };
        offset = chunk_start + chunk.len();
        let trimmed_front = chunk.trim_start_matches(|c: char| "([{\"'“‘:".contains(c));
        let mut start = chunk_start + (chunk.len() - trimmed_front.len());
        let mut cand = trimmed_front.trim_end_matches(|c: char| ".,;:!?)]}\"'”’".contains(c));
        // "order#123456", "no.123456"
        let mut hash = prev_hash;
        let mut inline_word = "";
        if let Some(p) = cand.find('#') {
            inline_word = &cand[..p];
            start += p + 1;
            cand = &cand[p + 1..];
            hash = true;
        }
        if cand.len() <= 64 && cand.bytes().any(|b| b.is_ascii_digit()) && re.is_match(cand) {
            let has_letters = cand.chars().any(char::is_alphabetic);
            let after_order_word =
                prev_words.iter().any(|w| order_word(w)) || order_word(inline_word);
            let blocked = is_blocking_word(&prev_words[2].to_ascii_lowercase());
            let why = if hash {
                Some("it follows '#'")
            } else if has_letters {
                Some("it carries the store's prefix (letters)")
            } else if after_order_word && !blocked {
                Some("it follows an order word (order, purchase, number…)")
            } else {
                None
            };
            if let Some(why) = why {
                return Some(OrderMatch {
                    start,
                    end: start + cand.len(),
                    normalized: OrderNumber(normalise(cand)),
                    why,
                });
            }
        }
        prev_hash = cand == "#" || chunk == "#";
        let word = cand.trim_matches(|c: char| !c.is_alphanumeric());
        prev_words.rotate_left(1);
        prev_words[2] = if word.len() <= 16 { word } else { "" };
    }
    None
}
