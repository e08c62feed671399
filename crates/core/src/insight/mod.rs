//! What the workspace reads about the concierge's work: every conversation with what each
//! message was understood as (`conversations`), and the shoppers' ratings (`csat`).

pub mod analytics;
pub mod conversations;
pub mod csat;

/// Splits a search into at most eight words of letters and digits, lower-cased: what both
/// full-text indexes are asked for (every word, each as a prefix), with nothing a query syntax
/// could read as an operator.
pub fn search_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .take(8)
        .collect()
}

/// A message as the "not understood" list groups it: lower-case words of letters and digits,
/// one space apart.
pub fn normalised(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_words_keep_only_letters_and_digits() {
        assert_eq!(
            search_words("Rosé  gold\" OR * NEAR(x) #1042"),
            ["rosé", "gold", "or", "near", "x", "1042"]
        );
        assert!(search_words(" \"*() ").is_empty());
        assert_eq!(search_words(&"a ".repeat(20)).len(), 8);
    }

    #[test]
    fn normalised_text_ignores_case_and_punctuation() {
        assert_eq!(
            normalised("Do you ship to CANADA??"),
            "do you ship to canada"
        );
        assert_eq!(normalised("  hoops,   please! "), "hoops please");
        assert_eq!(normalised("what's this"), "what's this");
    }
}
