//! The jewelry vocabulary of an import: how a store's words (types, tags, option names and
//! values, titles) become our categories and finer types, metals, styles and stone details.
//! The tables live in one TOML file, `config/catalog-mapping.toml`, built in as the default and
//! replaceable with `AURORA_CATALOG_MAPPING`; `docs/catalog-import.md` explains them.

use crate::catalog::{Category, DiamondOrigin, Metal};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;

/// The built-in mapping file.
pub const DEFAULT_MAPPING: &str = include_str!("../../../../../config/catalog-mapping.toml");

/// At most this many styles per product, as the JSON format allows.
pub(super) const MAX_STYLES: usize = 10;

/// Which stone detail a field (option, attribute, metafield) describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum StoneField {
    Diamond,
    Carat,
    Shape,
    Colour,
    Clarity,
    Setting,
}

/// What an option, attribute or metafield describes, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Meaning {
    Metal,
    Stone(StoneField),
}

/// A phrase: its lowercase words.
type Phrase = Vec<String>;

/// A mapping file, checked and ready to match.
#[derive(Debug, Clone)]
pub struct Mapping {
    /// (phrase, category, finer type).
    categories: Vec<(Phrase, Category, Option<String>)>,
    metals: Vec<(Phrase, Metal, MetalRule)>,
    /// Every word of every metal phrase ("14k", "white", "gold", …).
    metal_words: std::collections::HashSet<String>,
    metal_options: Vec<Phrase>,
    styles: HashMap<String, String>,
    stone_fields: Vec<(Phrase, StoneField)>,
    lab_grown: Vec<Phrase>,
    natural: Vec<Phrase>,
}

/// When a metal phrase counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MetalRule {
    Always,
    /// Only when nothing more precise is named in the same text (plain gold, karats).
    Fallback,
    /// Only as the value of a metal option (a bare colour).
    OptionOnly,
}

/// A mapping file that cannot be used, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct MappingError(String);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    categories: Vec<CategoryEntry>,
    metals: Vec<MetalEntry>,
    metal_options: NameList,
    styles: HashMap<String, String>,
    stones: StonesEntry,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CategoryEntry {
    category: String,
    #[serde(rename = "type")]
    kind: Option<String>,
    words: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MetalEntry {
    metal: String,
    #[serde(default)]
    fallback: bool,
    #[serde(default)]
    option_only: bool,
    words: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NameList {
    names: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StonesEntry {
    diamond: Vec<String>,
    carat: Vec<String>,
    shape: Vec<String>,
    colour: Vec<String>,
    clarity: Vec<String>,
    setting: Vec<String>,
    lab_grown: Vec<String>,
    natural: Vec<String>,
}

impl Default for Mapping {
    /// The built-in mapping.
    #[allow(
        clippy::panic,
        reason = "the built-in file is parsed by a unit test: no build that passed it can fail here"
    )]
    fn default() -> Self {
        match Mapping::parse(DEFAULT_MAPPING) {
            Ok(mapping) => mapping,
            // A test parses the built-in file, so this cannot happen in a released binary.
            Err(error) => panic!("the built-in catalog mapping is invalid: {error}"),
        }
    }
}

/// Lowercase words of `text`: runs of letters and digits.
pub(super) fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Every start in `words` where `phrase` stands.
fn starts<'a>(words: &'a [String], phrase: &'a [String]) -> impl Iterator<Item = usize> + 'a {
    (0..(words.len() + 1).saturating_sub(phrase.len()))
        .filter(move |&start| words[start..start + phrase.len()] == *phrase)
}

impl Mapping {
    /// Reads a mapping file.
    pub fn from_file(path: &Path) -> Result<Mapping, MappingError> {
        let text = std::fs::read_to_string(path).map_err(|error| {
            MappingError(format!(
                "cannot read the catalog mapping {}: {error}",
                path.display()
            ))
        })?;
        Mapping::parse(&text)
            .map_err(|MappingError(reason)| MappingError(format!("{}: {reason}", path.display())))
    }

    /// Parses and checks a mapping file's text.
    pub fn parse(text: &str) -> Result<Mapping, MappingError> {
        let file: File = toml::from_str(text).map_err(|error| MappingError(error.to_string()))?;
        let phrase = |text: &str, table: &str| {
            let phrase = words(text);
            if phrase.is_empty() {
                Err(MappingError(format!("{table}: `{text}` has no words")))
            } else {
                Ok(phrase)
            }
        };
        let mut categories = Vec::new();
        for entry in file.categories {
            let category: Category = entry
                .category
                .parse()
                .ok()
                .filter(|c| Category::SHOPPER.contains(c))
                .ok_or_else(|| {
                    MappingError(format!(
                        "categories: `{}` is not rings, necklaces, earrings or bracelets",
                        entry.category
                    ))
                })?;
            for text in &entry.words {
                categories.push((phrase(text, "categories")?, category, entry.kind.clone()));
            }
        }
        let mut metals = Vec::new();
        for entry in file.metals {
            let metal: Metal = entry
                .metal
                .parse()
                .map_err(|_| MappingError(format!("metals: `{}` is not a metal", entry.metal)))?;
            let rule = match (entry.fallback, entry.option_only) {
                (false, false) => MetalRule::Always,
                (true, false) => MetalRule::Fallback,
                (false, true) => MetalRule::OptionOnly,
                (true, true) => {
                    return Err(MappingError(
                        "metals: an entry is either `fallback` or `option_only`, not both".into(),
                    ));
                }
            };
            for text in &entry.words {
                metals.push((phrase(text, "metals")?, metal, rule));
            }
        }
        let names = |list: &[String], table: &str| -> Result<Vec<Phrase>, MappingError> {
            list.iter().map(|text| phrase(text, table)).collect()
        };
        let stones = &file.stones;
        let mut stone_fields = Vec::new();
        for (list, field) in [
            (&stones.diamond, StoneField::Diamond),
            (&stones.carat, StoneField::Carat),
            (&stones.shape, StoneField::Shape),
            (&stones.colour, StoneField::Colour),
            (&stones.clarity, StoneField::Clarity),
            (&stones.setting, StoneField::Setting),
        ] {
            for name in names(list, "stones")? {
                stone_fields.push((name, field));
            }
        }
        let mut styles = HashMap::new();
        for (tag, style) in file.styles {
            let style_slug = tag_slug(&style);
            if style_slug.is_empty() || style_slug != style {
                return Err(MappingError(format!(
                    "styles: `{style}` must be lowercase words joined by `-`"
                )));
            }
            styles.insert(tag_slug(&tag), style);
        }
        let metal_words = metals
            .iter()
            .flat_map(|(phrase, _, _)| phrase.clone())
            .collect();
        Ok(Mapping {
            categories,
            metals,
            metal_words,
            metal_options: names(&file.metal_options.names, "metal_options")?,
            styles,
            stone_fields,
            lab_grown: names(&stones.lab_grown, "stones.lab_grown")?,
            natural: names(&stones.natural, "stones.natural")?,
        })
    }

    /// The category (and finer type) a type, platform category, tag or title names, if any.
    pub fn category_in(&self, text: &str) -> Option<(Category, Option<&str>)> {
        let words = words(text);
        self.categories
            .iter()
            .flat_map(|(phrase, category, kind)| {
                starts(&words, phrase)
                    .map(move |start| (start + phrase.len(), phrase.len(), category, kind))
            })
            .max_by_key(|&(end, len, _, _)| (end, len))
            .map(|(_, _, category, kind)| (*category, kind.as_deref()))
    }

    /// The metal a tag or title names, if any.
    pub(super) fn metal_in(&self, text: &str) -> Option<Metal> {
        self.metal_matching(text, false)
    }

    /// The metal a metal option's value names (a bare colour counts there), if any.
    pub(super) fn metal_of_value(&self, value: &str) -> Option<Metal> {
        self.metal_matching(value, true)
    }

    fn metal_matching(&self, text: &str, option_value: bool) -> Option<Metal> {
        let words = words(text);
        // A bare colour names a metal only in a value made of metal words alone: "Rose" and
        // "14K White" yes, "White Sapphire" and "Pink Tourmaline" no.
        let option_value = option_value && words.iter().all(|w| self.metal_words.contains(w));
        let found: Vec<(usize, usize, Metal, MetalRule)> = self
            .metals
            .iter()
            .filter(|(_, _, rule)| option_value || *rule != MetalRule::OptionOnly)
            .flat_map(|(phrase, metal, rule)| {
                starts(&words, phrase).map(move |start| (start, phrase.len(), *metal, *rule))
            })
            .collect();
        let precise = found.iter().filter(|m| m.3 != MetalRule::Fallback);
        let best = |m: &&(usize, usize, Metal, MetalRule)| (m.0, std::cmp::Reverse(m.1));
        precise
            .min_by_key(best)
            .or_else(|| found.iter().min_by_key(best))
            .map(|m| m.2)
    }

    /// Whether an option or metafield name is the one that carries the metal.
    pub(super) fn is_metal_option(&self, name: &str) -> bool {
        let name = words(field_name(name));
        self.metal_options.contains(&name)
    }

    /// What a field describes by its name alone (the metal, a stone detail), if anything.
    pub(super) fn meaning_of(&self, name: &str) -> Option<Meaning> {
        if self.is_metal_option(name) {
            Some(Meaning::Metal)
        } else {
            self.stone_field(name).map(Meaning::Stone)
        }
    }

    /// Which stone detail an option, attribute or metafield name describes, if any.
    pub(super) fn stone_field(&self, name: &str) -> Option<StoneField> {
        let name = words(field_name(name));
        self.stone_fields
            .iter()
            .find(|(phrase, _)| *phrase == name)
            .map(|(_, field)| *field)
    }

    /// The diamond origin a field's value names (`Lab-grown`, `Natural`), if any.
    pub(super) fn diamond_of_value(&self, value: &str) -> Option<DiamondOrigin> {
        self.diamond_matching(value, 1)
    }

    /// The diamond origin a tag or title names, by phrases of two words or more.
    pub(super) fn diamond_in(&self, text: &str) -> Option<DiamondOrigin> {
        self.diamond_matching(text, 2)
    }

    fn diamond_matching(&self, text: &str, min_words: usize) -> Option<DiamondOrigin> {
        let words = words(text);
        let has = |phrases: &[Phrase]| {
            phrases
                .iter()
                .filter(|p| p.len() >= min_words)
                .any(|p| starts(&words, p).next().is_some())
        };
        // "Lab-grown, not mined" is lab-grown: lab-grown wins when both are named.
        if has(&self.lab_grown) {
            Some(DiamondOrigin::LabGrown)
        } else if has(&self.natural) {
            Some(DiamondOrigin::Natural)
        } else {
            None
        }
    }

    /// The style a tag names, if it is a style tag. `style: vintage` counts as `vintage`.
    pub(super) fn style_of(&self, tag: &str) -> Option<&str> {
        let slug = tag_slug(tag);
        let slug = slug.strip_prefix("style-").unwrap_or(&slug);
        self.styles.get(slug).map(String::as_str)
    }

    /// How many distinct styles the mapping knows.
    #[cfg(test)]
    pub(super) fn style_count(&self) -> usize {
        self.styles
            .values()
            .collect::<std::collections::HashSet<_>>()
            .len()
    }
}

/// A metafield column's name without its key: `Setting Style (product.metafields.custom.x)` →
/// `Setting Style`.
pub(super) fn field_name(name: &str) -> &str {
    match name.find(" (product.metafields.") {
        Some(at) => &name[..at],
        None => name,
    }
}

/// A tag as a slug: `Art Deco` → `art-deco`, `made_to_order` → `made-to-order`.
pub(super) fn tag_slug(tag: &str) -> String {
    words(tag).join("-")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn mapping() -> Mapping {
        Mapping::default()
    }

    #[test]
    fn the_rightmost_category_keyword_is_the_head_noun_and_keeps_its_finer_type() {
        let m = mapping();
        assert_eq!(
            m.category_in("Chain Bracelet"),
            Some((Category::Bracelets, None))
        );
        assert_eq!(
            m.category_in("Drop Pendant Necklace"),
            Some((Category::Necklaces, Some("pendant")))
        );
        assert_eq!(
            m.category_in("Pearl Drop Earrings"),
            Some((Category::Earrings, Some("drops")))
        );
        assert_eq!(
            m.category_in("Ear Cuff"),
            Some((Category::Earrings, Some("ear cuff")))
        );
        assert_eq!(
            m.category_in("Leather cuff"),
            Some((Category::Bracelets, Some("cuff")))
        );
        assert_eq!(
            m.category_in("Apparel & Accessories > Jewelry > Rings > Engagement Rings"),
            Some((Category::Rings, Some("engagement ring")))
        );
        assert_eq!(
            m.category_in("Tennis"),
            Some((Category::Bracelets, Some("tennis bracelet")))
        );
        assert_eq!(
            m.category_in("Diamond Tennis Necklace"),
            Some((Category::Necklaces, Some("tennis necklace")))
        );
        assert_eq!(
            m.category_in("Lockets"),
            Some((Category::Necklaces, Some("locket")))
        );
        assert_eq!(
            m.category_in("Huggies"),
            Some((Category::Earrings, Some("huggies")))
        );
        assert_eq!(
            m.category_in("Signet ring"),
            Some((Category::Rings, Some("signet ring")))
        );
        assert_eq!(
            m.category_in("Bangles"),
            Some((Category::Bracelets, Some("bangle")))
        );
    }

    #[test]
    fn category_keywords_match_whole_words_only() {
        let m = mapping();
        assert_eq!(m.category_in("Earrings"), Some((Category::Earrings, None)));
        assert_eq!(m.category_in("Ringside charms"), None);
        assert_eq!(m.category_in("Watch"), None);
        assert_eq!(m.category_in(""), None);
    }

    #[test]
    fn karats_and_fineness_are_gold_unless_a_colour_or_metal_is_named() {
        let m = mapping();
        for (text, metal) in [
            ("14k White Gold", Some(Metal::WhiteGold)),
            ("14K", Some(Metal::YellowGold)),
            ("18ct rose gold", Some(Metal::RoseGold)),
            ("585 white gold", Some(Metal::WhiteGold)),
            ("750", Some(Metal::YellowGold)),
            ("9K Gold Bangle", Some(Metal::YellowGold)),
            ("22K yellow gold", Some(Metal::YellowGold)),
            ("Pink gold", Some(Metal::RoseGold)),
            ("950 Platinum", Some(Metal::Platinum)),
            ("PT950", Some(Metal::Platinum)),
            ("925 Sterling Silver", Some(Metal::Silver)),
            ("Sterling silver", Some(Metal::Silver)),
            ("925", Some(Metal::Silver)),
            ("plat", Some(Metal::Platinum)),
            ("Golden Hour Ring", None),
            ("Rose Cut Diamond Ring", None),
            ("Titanium", None),
        ] {
            assert_eq!(m.metal_in(text), metal, "{text}");
        }
        assert_eq!(m.metal_of_value("Rose"), Some(Metal::RoseGold));
        assert_eq!(m.metal_of_value("White"), Some(Metal::WhiteGold));
        assert_eq!(m.metal_of_value("14K Yellow"), Some(Metal::YellowGold));
        assert_eq!(m.metal_of_value("14K White"), Some(Metal::WhiteGold));
        assert_eq!(m.metal_of_value("White Sapphire"), None);
        assert_eq!(m.metal_of_value("Pink Tourmaline"), None);
    }

    #[test]
    fn style_tags_are_normalised_and_unknown_tags_are_not_styles() {
        let m = mapping();
        assert_eq!(m.style_of("Art Deco"), Some("art-deco"));
        assert_eq!(m.style_of("style: Vintage"), Some("vintage"));
        assert_eq!(m.style_of("Bohemian"), Some("boho"));
        assert_eq!(m.style_of("Minimal"), Some("minimalist"));
        assert_eq!(m.style_of("rose gold"), None);
        assert_eq!(m.style_of("sale"), None);
    }

    #[test]
    fn option_and_metafield_names_say_what_they_describe() {
        let m = mapping();
        assert!(m.is_metal_option("Metal"));
        assert!(m.is_metal_option("material"));
        assert!(m.is_metal_option("Metal Type"));
        assert!(m.is_metal_option("Metal type (product.metafields.custom.metal_type)"));
        assert!(!m.is_metal_option("Size"));
        assert_eq!(m.stone_field("Carat Weight"), Some(StoneField::Carat));
        assert_eq!(
            m.stone_field("Setting Style (product.metafields.custom.setting_style)"),
            Some(StoneField::Setting)
        );
        assert_eq!(m.stone_field("Diamond Type"), Some(StoneField::Diamond));
        assert_eq!(m.stone_field("Ring size"), None);
    }

    #[test]
    fn diamond_origin_comes_from_values_and_from_two_word_phrases_in_text() {
        let m = mapping();
        assert_eq!(
            m.diamond_of_value("Lab-Grown"),
            Some(DiamondOrigin::LabGrown)
        );
        assert_eq!(m.diamond_of_value("Natural"), Some(DiamondOrigin::Natural));
        assert_eq!(m.diamond_of_value("Lab"), Some(DiamondOrigin::LabGrown));
        assert_eq!(
            m.diamond_in("Lab Grown Diamond Studs"),
            Some(DiamondOrigin::LabGrown)
        );
        assert_eq!(
            m.diamond_in("Natural Diamond Band"),
            Some(DiamondOrigin::Natural)
        );
        assert_eq!(m.diamond_in("Natural Pearl Pendant"), None);
        assert_eq!(m.diamond_in("Lab"), None);
    }

    #[test]
    fn a_bad_mapping_file_is_refused_with_its_reason() {
        for (text, reason) in [
            ("not toml [", "TOML"),
            (
                &DEFAULT_MAPPING.replace("category = \"rings\"", "category = \"hats\""),
                "hats",
            ),
            (
                &DEFAULT_MAPPING.replace("metal = \"silver\"", "metal = \"tin\""),
                "tin",
            ),
            (
                &DEFAULT_MAPPING.replace("[styles]", "[styles]\nfoo = \"Not A Slug\""),
                "Not A Slug",
            ),
            (
                &DEFAULT_MAPPING.replace("[stones]", "[stones]\nsparkle = [\"x\"]"),
                "sparkle",
            ),
        ] {
            let error = Mapping::parse(text).unwrap_err().to_string();
            assert!(
                error.contains(reason) || reason == "TOML",
                "{reason}: {error}"
            );
        }
        assert!(mapping().style_count() > MAX_STYLES);
    }
}
