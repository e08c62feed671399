//! Shopper message understanding: intent, filters and order number, without an LLM.
//!
//! Build one [`Understander`] from the store's [`NluConfig`] and call
//! [`Understander::understand`] per message. Pure: no I/O, no async, no global state.
//! The pipeline is `normalize` (truncate, tokenise, fix typos) → `lexicon` (phrase matching) →
//! `order_number` + `price` + `filters` → `intent` (ordered, explainable rules).

mod explain;
mod filters;
mod intent;
mod jewelry;
mod lexicon;
mod normalize;
mod order_number;
mod price;
mod types;

use lexicon::Lexicon;
use regex::Regex;

pub use explain::Explanation;
pub use jewelry::{Category, Metal, UnknownName};
pub use normalize::{MAX_CHARS, within_one_edit};
pub use order_number::OrderNumber;
pub use types::{Filters, Intent, Occasion, Recipient, Request, SortOrder, Understanding};

/// The default order-number pattern: the demo store's `GG-` + six digits, or 4–12 digits.
pub const DEFAULT_ORDER_NUMBER_PATTERN: &str = r"(?i:GG-\d{6})|\d{4,12}";

/// Store settings the understander is built from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NluConfig {
    /// Regular expression for an order number itself (no anchors needed; it must match whole).
    pub order_number_pattern: String,
    /// "Around 500" reads as 500 less and more this many percent (0 to 90).
    pub around_percent: u8,
}

/// The default of [`NluConfig::around_percent`]: "around 500" is 400 to 600.
pub const DEFAULT_AROUND_PERCENT: u8 = 20;

impl Default for NluConfig {
    fn default() -> Self {
        Self {
            order_number_pattern: DEFAULT_ORDER_NUMBER_PATTERN.to_owned(),
            around_percent: DEFAULT_AROUND_PERCENT,
        }
    }
}

/// Why an [`NluConfig`] could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    /// The order-number pattern is not a valid regular expression.
    InvalidOrderNumberPattern {
        /// The pattern as configured.
        pattern: String,
        /// What the regex parser said.
        reason: String,
    },
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::InvalidOrderNumberPattern { pattern, reason } => write!(
                f,
                "order_number_pattern {pattern:?} is not a valid regular expression: {reason}"
            ),
        }
    }
}

impl std::error::Error for ConfigError {}

/// Understands shopper messages; build once, share freely (it is `Send + Sync`).
#[derive(Debug)]
pub struct Understander {
    order_re: Regex,
    lexicon: Lexicon,
    /// The share "around N" spans either side of N.
    around: f64,
}

impl Understander {
    /// Builds the tables and compiles the store's order-number pattern.
    pub fn new(config: &NluConfig) -> Result<Understander, ConfigError> {
        let order_re = order_number::compile(&config.order_number_pattern)?;
        Ok(Understander {
            order_re,
            lexicon: Lexicon::new(),
            around: f64::from(config.around_percent.min(90)) / 100.0,
        })
    }

    /// Understands one message (truncated to [`MAX_CHARS`] characters).
    pub fn understand(&self, text: &str) -> Understanding {
        self.analyse(text).understanding
    }

    /// Understands one message and says why, for support staff.
    pub fn explain(&self, text: &str) -> Explanation {
        let analysis = self.analyse(text);
        explain::build(analysis)
    }

    /// Validates an order-number form field: the whole trimmed input (optional leading `#`)
    /// must match the store's pattern; returns it normalised (no `#`, upper-case).
    pub fn parse_order_number(&self, input: &str) -> Option<OrderNumber> {
        order_number::parse_field(&self.order_re, input)
    }

    fn analyse<'t>(&self, text: &'t str) -> Analysis<'t> {
        let text = normalize::truncate(text);
        let tokens = normalize::tokenize(text, &self.lexicon);
        let matches = self.lexicon.scan(&tokens);
        let order = order_number::find(&self.order_re, text, |w| self.lexicon.correct(w));
        let price = price::scan(
            &tokens,
            order.as_ref().map(|o| (o.start, o.end)),
            self.around,
        );
        let found = filters::collect(&tokens, &matches, &price);
        let signals = intent::Signals::new(&tokens, &matches, &found, &price, order.is_some());
        let decision = intent::decide(text, &signals);
        let filters = filters::build(&tokens, &matches, &found, &price, decision.intent);
        Analysis {
            understanding: Understanding {
                intent: decision.intent,
                filters,
                order_number: order.as_ref().map(|o| o.normalized.clone()),
                request: (decision.intent == Intent::Returns && signals.cancellation())
                    .then_some(Request::Cancellation),
                answer: None,
            },
            text,
            tokens,
            matches,
            found,
            price,
            order,
            signals,
            decision,
        }
    }
}

/// Everything `explain` needs, gathered by one pass of the pipeline.
struct Analysis<'t> {
    understanding: Understanding,
    text: &'t str,
    tokens: normalize::Tokens<'t>,
    matches: Vec<lexicon::Match>,
    found: filters::Found,
    price: price::PriceScan,
    order: Option<order_number::OrderMatch>,
    signals: intent::Signals,
    decision: intent::Decision,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn an_understander_can_be_shared_between_threads() {
        assert_send_sync::<Understander>();
    }
}
