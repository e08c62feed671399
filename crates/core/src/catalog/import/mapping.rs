//! Words in a Shopify export (Type, Tags, option values, titles) → our categories, metals and styles.
//!
//! Matching is by whole words after lowercasing, so `Earrings` never matches `ring` and
//! `Golden Hour` never matches `gold`. The tables are documented in `docs/catalog-import.md`;
//! keep both in step.

use crate::catalog::{Category, Metal};

/// Category keywords. A text may hold several (`Chain Bracelet`): the rightmost one wins, as
/// English puts the head noun last; at the same end the longer phrase wins (`ear cuff` over `cuff`).
const CATEGORY_KEYWORDS: &[(&str, Category)] = &[
    ("ring", Category::Rings),
    ("rings", Category::Rings),
    ("band", Category::Rings),
    ("bands", Category::Rings),
    ("engagement", Category::Rings),
    ("engagement ring", Category::Rings),
    ("wedding band", Category::Rings),
    ("signet", Category::Rings),
    ("eternity", Category::Rings),
    ("necklace", Category::Necklaces),
    ("necklaces", Category::Necklaces),
    ("pendant", Category::Necklaces),
    ("pendants", Category::Necklaces),
    ("chain", Category::Necklaces),
    ("chains", Category::Necklaces),
    ("choker", Category::Necklaces),
    ("chokers", Category::Necklaces),
    ("lariat", Category::Necklaces),
    ("lariats", Category::Necklaces),
    ("locket", Category::Necklaces),
    ("lockets", Category::Necklaces),
    ("earring", Category::Earrings),
    ("earrings", Category::Earrings),
    ("stud", Category::Earrings),
    ("studs", Category::Earrings),
    ("hoop", Category::Earrings),
    ("hoops", Category::Earrings),
    ("drop", Category::Earrings),
    ("drops", Category::Earrings),
    ("huggie", Category::Earrings),
    ("huggies", Category::Earrings),
    ("ear cuff", Category::Earrings),
    ("ear cuffs", Category::Earrings),
    ("bracelet", Category::Bracelets),
    ("bracelets", Category::Bracelets),
    ("bangle", Category::Bracelets),
    ("bangles", Category::Bracelets),
    ("cuff", Category::Bracelets),
    ("cuffs", Category::Bracelets),
    ("tennis bracelet", Category::Bracelets),
];

/// Metal synonyms. The leftmost phrase wins, the longer one at the same start, so
/// `14k white gold` is white gold and `925 sterling silver` is silver.
const METAL_SYNONYMS: &[(&str, Metal)] = &[
    ("yellow gold", Metal::YellowGold),
    ("10k gold", Metal::YellowGold),
    ("14k gold", Metal::YellowGold),
    ("18k gold", Metal::YellowGold),
    ("22k gold", Metal::YellowGold),
    ("24k gold", Metal::YellowGold),
    ("gold", Metal::YellowGold),
    ("white gold", Metal::WhiteGold),
    ("rose gold", Metal::RoseGold),
    ("pink gold", Metal::RoseGold),
    ("platinum", Metal::Platinum),
    ("plat", Metal::Platinum),
    ("sterling silver", Metal::Silver),
    ("silver", Metal::Silver),
    ("925", Metal::Silver),
];

/// Style tags (normalised: lowercase, words joined by `-`) → the style we store.
pub(crate) const STYLE_TAGS: &[(&str, &str)] = &[
    ("classic", "classic"),
    ("modern", "modern"),
    ("minimalist", "minimalist"),
    ("minimal", "minimalist"),
    ("vintage", "vintage"),
    ("vintage-inspired", "vintage"),
    ("bold", "bold"),
    ("romantic", "romantic"),
    ("boho", "boho"),
    ("bohemian", "boho"),
    ("art-deco", "art-deco"),
    ("artdeco", "art-deco"),
    ("dainty", "dainty"),
    ("statement", "statement"),
    ("geometric", "geometric"),
];

/// At most this many styles per product, as the JSON format allows.
pub(super) const MAX_STYLES: usize = 10;

/// Lowercase words of `text`: runs of letters and digits.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Every match of a table's phrases in `words`, as (start, word count, value).
fn matches<'a, T: Copy>(
    words: &'a [String],
    table: &'a [(&'a str, T)],
) -> impl Iterator<Item = (usize, usize, T)> + 'a {
    table.iter().flat_map(move |&(phrase, value)| {
        let phrase: Vec<&str> = phrase.split(' ').collect();
        let len = phrase.len();
        (0..words.len().saturating_sub(len - 1))
            .filter(move |&start| {
                words[start..start + len]
                    .iter()
                    .zip(&phrase)
                    .all(|(w, p)| w == p)
            })
            .map(move |start| (start, len, value))
            .collect::<Vec<_>>()
    })
}

/// The category a Type, Product Category or tag names, if any.
pub(super) fn category_in(text: &str) -> Option<Category> {
    let words = words(text);
    matches(&words, CATEGORY_KEYWORDS)
        .max_by_key(|&(start, len, _)| (start + len, len))
        .map(|(_, _, category)| category)
}

/// The metal an option value, tag or title names, if any.
pub(super) fn metal_in(text: &str) -> Option<Metal> {
    let words = words(text);
    matches(&words, METAL_SYNONYMS)
        .min_by_key(|&(start, len, _)| (start, std::cmp::Reverse(len)))
        .map(|(_, _, metal)| metal)
}

/// A tag as a slug: `Art Deco` → `art-deco`, `made_to_order` → `made-to-order`.
pub(super) fn tag_slug(tag: &str) -> String {
    words(tag).join("-")
}

/// The style a tag names, if it is a style tag. `style: vintage` counts as `vintage`.
pub(super) fn style_of(tag: &str) -> Option<&'static str> {
    let slug = tag_slug(tag);
    let slug = slug.strip_prefix("style-").unwrap_or(&slug);
    STYLE_TAGS
        .iter()
        .find(|(name, _)| *name == slug)
        .map(|&(_, style)| style)
}

/// Whether an option name (`Metal`, `Material`, `Metal type`) is the one that carries the metal.
pub(super) fn is_metal_option(name: &str) -> bool {
    let words = words(name);
    matches!(
        words.first().map(String::as_str),
        Some("metal" | "material")
    )
}

/// The id suffix of a metal: `rose_gold` → `rose-gold`.
pub(super) fn metal_slug(metal: Metal) -> String {
    metal.as_str().replace('_', "-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rightmost_category_keyword_is_the_head_noun() {
        assert_eq!(category_in("Chain Bracelet"), Some(Category::Bracelets));
        assert_eq!(
            category_in("Drop Pendant Necklace"),
            Some(Category::Necklaces)
        );
        assert_eq!(category_in("Pearl Drop Earrings"), Some(Category::Earrings));
        assert_eq!(category_in("Ear Cuff"), Some(Category::Earrings));
        assert_eq!(category_in("Leather cuff"), Some(Category::Bracelets));
        assert_eq!(
            category_in("Apparel & Accessories > Jewelry > Rings"),
            Some(Category::Rings)
        );
    }

    #[test]
    fn category_keywords_match_whole_words_only() {
        assert_eq!(category_in("Earrings"), Some(Category::Earrings));
        assert_eq!(category_in("Ringside charms"), None);
        assert_eq!(category_in("Watch"), None);
        assert_eq!(category_in(""), None);
    }

    #[test]
    fn metal_synonyms_prefer_the_colour_over_plain_gold() {
        assert_eq!(metal_in("14k White Gold"), Some(Metal::WhiteGold));
        assert_eq!(metal_in("18K Gold Bangle"), Some(Metal::YellowGold));
        assert_eq!(metal_in("Pink gold"), Some(Metal::RoseGold));
        assert_eq!(metal_in("925 Sterling Silver"), Some(Metal::Silver));
        assert_eq!(metal_in("plat"), Some(Metal::Platinum));
        assert_eq!(metal_in("Golden Hour Ring"), None);
        assert_eq!(metal_in("Titanium"), None);
    }

    #[test]
    fn style_tags_are_normalised_and_unknown_tags_are_not_styles() {
        assert_eq!(style_of("Art Deco"), Some("art-deco"));
        assert_eq!(style_of("style: Vintage"), Some("vintage"));
        assert_eq!(style_of("Bohemian"), Some("boho"));
        assert_eq!(style_of("Minimal"), Some("minimalist"));
        assert_eq!(style_of("rose gold"), None);
        assert_eq!(style_of("sale"), None);
    }

    #[test]
    fn metal_options_are_recognised_by_their_first_word() {
        assert!(is_metal_option("Metal"));
        assert!(is_metal_option("material"));
        assert!(is_metal_option("Metal Type"));
        assert!(!is_metal_option("Size"));
        assert!(!is_metal_option("Gemstone"));
        assert_eq!(metal_slug(Metal::RoseGold), "rose-gold");
    }
}
