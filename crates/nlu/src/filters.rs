//! Category, metals, styles and query: resolving the lexicon matches into catalog filters.

use crate::jewelry::{Category, Metal};
use crate::lexicon::{Cue, Match, Tag};
use crate::normalize::{Kind, Tokens};
use crate::price::PriceScan;
use crate::types::{Filters, Intent};

/// A category word found, and whether it counted.
#[derive(Debug, Clone)]
pub(crate) struct CatMention {
    pub category: Category,
    pub ambiguous: bool,
    /// The finer type the word names ("hoops"), if any.
    pub kind: Option<&'static str>,
    pub token: usize,
    /// Why it was ignored, if it was.
    pub ignored: Option<&'static str>,
}

/// A metal word found, and whether it counted.
#[derive(Debug, Clone)]
pub(crate) struct MetalMention {
    pub metal: Metal,
    pub token: usize,
    pub len: usize,
    pub ignored: Option<&'static str>,
}

/// The jewelry words of a message, resolved.
#[derive(Debug, Clone, Default)]
pub(crate) struct Found {
    pub cats: Vec<CatMention>,
    pub metals: Vec<MetalMention>,
    pub category: Option<Category>,
    /// The finer type within `category`, from any counted word of that category.
    pub kind: Option<&'static str>,
    pub metal_list: Vec<Metal>,
    /// A karat mark (`14k`, `18kt`) was seen.
    pub karat: bool,
    /// Distinct kinds of jewelry evidence: category, metal, gem/jewelry word, karat, custom.
    pub strength: u8,
}

const DETERMINERS: &[&str] = &[
    "a",
    "an",
    "the",
    "this",
    "that",
    "my",
    "your",
    "his",
    "her",
    "our",
    "their",
    "these",
    "those",
    "any",
    "some",
    "one",
    "two",
    "engagement",
    "wedding",
    "promise",
    "diamond",
    "gold",
    "silver",
    "platinum",
    "new",
    "nice",
    "pretty",
    "cute",
    "simple",
    "big",
    "small",
    "womens",
    "mens",
    "vintage",
    "of",
    "for",
    "and",
    "or",
    "white",
    "rose",
    "yellow",
    "solitaire",
    "eternity",
    "stacking",
    "signet",
    "statement",
    "cocktail",
    "birthstone",
    "halo",
];
const VERB_BEFORE: &[&str] = &[
    "phone", "alarm", "bell", "doorbell", "will", "to", "please", "dont", "cant", "it", "gonna",
    "should", "would", "could", "can", "i", "we", "they", "you", "not", "bells", "ears", "hours",
];
const VERB_AFTER: &[&str] = &[
    "me", "us", "him", "them", "you", "back", "loud", "loudly", "when", "every", "true",
];
const METAL_NEG_AFTER: &[&str] = &[
    "card",
    "cards",
    "medal",
    "medals",
    "member",
    "members",
    "membership",
    "status",
    "tier",
    "level",
    "record",
    "records",
    "album",
    "coast",
    "rush",
    "standard",
    "star",
    "stars",
    "price",
    "prices",
    "rate",
    "coin",
    "coins",
    "bar",
    "bars",
    "bullion",
    "stock",
    "stocks",
    "mine",
    "mines",
    "fish",
    "plan",
    "account",
    "credit",
    "visa",
    "lining",
    "screen",
    "ware",
    "medalist",
    "medallist",
    "subscription",
    "elite",
    "club",
    "rewards",
    "age",
    "globe",
    "glove",
    "gloves",
    "cup",
    "retriever",
    "retrievers",
    "state",
    "gate",
    "girls",
    "hour",
    "ticket",
    "tickets",
    "package",
    "sponsor",
    "award",
    "spot",
    "ratio",
    "mean",
    "digger",
    "miner",
    "mining",
    "futures",
    "etf",
    "ounce",
    "tooth",
    "teeth",
    "corral",
    "filling",
    "crown",
    "paint",
    "anniversary",
];

fn is_ring_verb(t: &Tokens<'_>, m: &Match) -> bool {
    let w = t.word(m.start);
    if m.len != 1 || !(w == "ring" || w == "rings") {
        return false;
    }
    let prev = if m.start > 0 { t.word(m.start - 1) } else { "" };
    if DETERMINERS.contains(&prev) {
        return false;
    }
    let next = t.word(m.start + 1);
    VERB_BEFORE.contains(&prev) || VERB_AFTER.contains(&next)
}

/// Collects category and metal mentions and resolves them.
pub(crate) fn collect(t: &Tokens<'_>, matches: &[Match], price: &PriceScan) -> Found {
    let mut f = Found::default();
    let (mut jewel, mut custom, mut shop) = (false, false, false);
    for m in matches {
        for tag in m.tags {
            match *tag {
                Tag::Cat(category, ambiguous) => {
                    let ignored = is_ring_verb(t, m).then_some("used as a verb (to ring)");
                    let kind = m.tags.iter().find_map(|tag| match tag {
                        Tag::Kind(kind) => Some(*kind),
                        _ => None,
                    });
                    f.cats.push(CatMention {
                        category,
                        ambiguous,
                        kind,
                        token: m.start,
                        ignored,
                    });
                }
                Tag::Metal(metal) => {
                    let next = t.word(m.start + m.len);
                    let ignored = METAL_NEG_AFTER
                        .contains(&next)
                        .then_some("describes something that is not jewelry");
                    f.metals.push(MetalMention {
                        metal,
                        token: m.start,
                        len: m.len,
                        ignored,
                    });
                }
                Tag::Cue(Cue::Jewel) => jewel = true,
                Tag::Cue(Cue::Custom) => custom = true,
                Tag::Cue(Cue::Shop | Cue::Want | Cue::Gift) => shop = true,
                _ => {}
            }
        }
    }
    // "white or yellow gold", "white and rose gold": a colour word sharing the next "gold"
    for i in 0..t.len() {
        let colour = match t.word(i) {
            "white" => Metal::WhiteGold,
            "yellow" => Metal::YellowGold,
            "rose" | "pink" => Metal::RoseGold,
            _ => continue,
        };
        if matches!(t.word(i + 1), "or" | "and" | "&")
            && matches!(t.word(i + 2), "white" | "yellow" | "rose" | "pink")
            && t.word(i + 3) == "gold"
        {
            f.metals.push(MetalMention {
                metal: colour,
                token: i,
                len: 1,
                ignored: None,
            });
        }
    }
    f.karat = (0..t.len()).any(|i| {
        t.toks[i].kind == Kind::Num && {
            let s = t.norm(i);
            let unit = s.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
            let digits = &s[..s.len() - unit.len()];
            let karat_number = matches!(
                digits,
                "8" | "9" | "10" | "12" | "14" | "18" | "20" | "22" | "24"
            );
            (karat_number && matches!(unit, "k" | "kt" | "karat"))
                || matches!(unit, "ct" | "ctw" | "tcw" | "carat")
                || (unit.is_empty()
                    && (matches!(t.word(i + 1), "ct" | "carat" | "carats" | "ctw")
                        || (karat_number && matches!(t.word(i + 1), "k" | "kt" | "karat"))))
        }
    });
    f.metals.sort_by_key(|m| m.token);
    for m in &f.metals {
        if m.ignored.is_none() && !f.metal_list.contains(&m.metal) {
            f.metal_list.push(m.metal);
        }
    }
    let has_metal = !f.metal_list.is_empty();
    let explicit = f.cats.iter().any(|c| !c.ambiguous && c.ignored.is_none());
    // A message that is nothing but the word ("hoops", "studs please"): the shopper is naming
    // what they want, whatever else the word can mean.
    let bare = !f.cats.is_empty()
        && (0..t.len()).all(|i| {
            let w = t.word(i);
            w.is_empty()
                || matches!(w, "please" | "pls" | "plz")
                || f.cats.iter().any(|c| c.token == i)
        });
    let context =
        has_metal || jewel || custom || f.karat || explicit || shop || price.currency || bare;
    for c in &mut f.cats {
        if c.ignored.is_none() && c.ambiguous && !context {
            c.ignored = Some("has other meanings and nothing else here is about jewelry");
        }
    }
    // Explicit nouns (ring, necklace…) beat synonyms (chain, band…); then the first one wins.
    f.category = f
        .cats
        .iter()
        .filter(|c| c.ignored.is_none())
        .min_by_key(|c| (c.ambiguous, c.token))
        .map(|c| c.category);
    // "hoop earrings", "gold hoops": the type comes from whichever word of the category has one.
    f.kind = f
        .cats
        .iter()
        .filter(|c| c.ignored.is_none() && Some(c.category) == f.category)
        .find_map(|c| c.kind);
    f.strength = u8::from(f.category.is_some())
        + u8::from(has_metal)
        + u8::from(jewel)
        + u8::from(f.karat)
        + u8::from(custom);
    f
}

const STOPWORDS: &[&str] = &[
    "a",
    "an",
    "the",
    "and",
    "or",
    "for",
    "with",
    "in",
    "on",
    "of",
    "to",
    "me",
    "my",
    "i",
    "im",
    "you",
    "your",
    "please",
    "some",
    "that",
    "this",
    "is",
    "are",
    "it",
    "its",
    "can",
    "could",
    "would",
    "like",
    "have",
    "has",
    "do",
    "does",
    "what",
    "which",
    "who",
    "how",
    "there",
    "their",
    "them",
    "they",
    "we",
    "our",
    "us",
    "be",
    "been",
    "was",
    "were",
    "am",
    "at",
    "by",
    "from",
    "as",
    "but",
    "so",
    "if",
    "then",
    "than",
    "too",
    "very",
    "really",
    "just",
    "also",
    "more",
    "most",
    "less",
    "under",
    "over",
    "below",
    "above",
    "between",
    "up",
    "max",
    "budget",
    "dollars",
    "dollar",
    "bucks",
    "usd",
    "k",
    "around",
    "about",
    "much",
    "under",
    "price",
    "priced",
    "cost",
    "hi",
    "hello",
    "hey",
    "thanks",
    "thank",
    "pls",
    "maybe",
    "kind",
    "sort",
    "type",
    "one",
    "ones",
    "something",
    "anything",
    "any",
    "got",
    "get",
    "show",
    "see",
    "find",
    "looking",
    "look",
    "want",
    "need",
    "buy",
    "shop",
    "new",
    "nice",
    "good",
    "great",
    "pretty",
    "beautiful",
    "lovely",
    "cute",
    "her",
    "him",
    "his",
    "she",
    "he",
    "least",
    "less",
    "cheaper",
    "than",
    "no",
    "not",
    "starting",
    "at",
    "within",
    "range",
    "budget",
    "spend",
    "only",
    "made",
    "order",
    "ready",
    "ship",
    "stock",
    "available",
    "now",
    "today",
    "id",
    "should",
    "will",
    "where",
    "when",
    "why",
    "all",
    "many",
    "best",
    "top",
    "help",
    "recommend",
    "suggest",
    "ideas",
    "options",
    "size",
    "sized",
    "inch",
    "inches",
    "carat",
    "carats",
    "ct",
    "mm",
    "karat",
    "kt",
    "solid",
    "real",
];

/// Builds the filters for the chosen intent (empty when the message is not about jewelry).
pub(crate) fn build(
    t: &Tokens<'_>,
    matches: &[Match],
    f: &Found,
    price: &PriceScan,
    intent: Intent,
) -> Filters {
    if matches!(intent, Intent::Unknown | Intent::Greeting | Intent::Help) {
        return Filters::default();
    }
    let tags = || matches.iter().flat_map(|m| m.tags);
    let mut out = Filters {
        category: f.category,
        kind: f.kind.map(str::to_owned),
        metals: f.metal_list.clone(),
        min_price: price.min,
        max_price: price.max,
        ready_to_ship: matches.iter().any(|m| m.has(Cue::ReadyShip)),
        styles: Vec::new(),
        query: None,
        sort: tags().find_map(|tag| match tag {
            Tag::Sort(order) => Some(*order),
            _ => None,
        }),
        occasion: None,
        recipient: None,
    };
    if intent != Intent::FindProduct {
        return out;
    }
    out.occasion = tags().find_map(|tag| match tag {
        Tag::Occasion(occasion) => Some(*occasion),
        _ => None,
    });
    out.recipient = tags().find_map(|tag| match tag {
        Tag::Recipient(recipient) => Some(*recipient),
        _ => None,
    });
    let mut covered = vec![false; t.len()];
    let mut kept = vec![false; t.len()];
    for m in matches {
        // Gift words are context (occasion, recipient), not words a product's text would have;
        // an order ("new arrivals") is not text either.
        let keep = m
            .tags
            .iter()
            .any(|tag| matches!(tag, Tag::Cue(Cue::Jewel | Cue::Custom)))
            && !m.tags.iter().any(|tag| matches!(tag, Tag::Sort(_)));
        for tag in m.tags {
            if let Tag::Style(s) = tag
                && !out.styles.iter().any(|x| x == s)
            {
                out.styles.push((*s).to_owned());
            }
        }
        let mark = if keep { &mut kept } else { &mut covered };
        for c in mark.iter_mut().skip(m.start).take(m.len) {
            *c = true;
        }
    }
    for note in &price.notes {
        for c in covered
            .iter_mut()
            .skip(note.from)
            .take(note.to.saturating_sub(note.from))
        {
            *c = true;
        }
    }
    let mut query = String::new();
    for (i, tok) in t.toks.iter().enumerate() {
        if covered[i] || tok.kind != Kind::Word {
            continue;
        }
        let w = t.norm(i);
        if !kept[i] && (w.chars().count() < 2 || STOPWORDS.contains(&w)) {
            continue;
        }
        if !query.is_empty() {
            query.push(' ');
        }
        query.push_str(w);
    }
    if !query.is_empty() {
        out.query = Some(query);
    }
    out
}
