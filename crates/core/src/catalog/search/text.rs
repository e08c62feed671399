//! The free-text half of search: an in-RAM tantivy index of the snapshot, queried word by word
//! with an exact (BM25), a fuzzy and a prefix clause so typos still find products.

use crate::catalog::{Category, DiamondOrigin, Metal, Product};
use crate::text_index::{finish, folded_words, in_ram, text_field};
use tantivy::query::{
    BooleanQuery, BoostQuery, EnableScoring, FuzzyTermQuery, Occur, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption, NumericOptions, Schema};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Searcher, TantivyDocument, Term};

const TOKENIZER: &str = "aurora_words";
/// The ordinal field: a document's position in the snapshot.
const POSITION: &str = "position";
/// More words than this add cost, not precision.
const MAX_WORDS: usize = 12;

/// A word in a title says more about a product than the same word in its description.
const TITLE_BOOST: f32 = 2.0;
/// Fuzzy and prefix matches score a constant; kept below a typical exact BM25 score so exact
/// words win, but high enough that a typo still ranks the product it meant.
/// A typo of a title word ("neckalce") says more than one of a description word.
const FUZZY_TITLE_BOOST: f32 = 1.0;
const FUZZY_BODY_BOOST: f32 = 0.5;
const PREFIX_BOOST: f32 = 0.5;

/// Words that say nothing about a product ("a ring for her"). Dropped from index and queries.
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "any", "are", "as", "at", "be", "by", "for", "from", "her", "him", "his",
    "i", "in", "is", "it", "me", "my", "of", "on", "or", "our", "some", "that", "the", "this",
    "to", "with", "you", "your",
];

/// Lowercased, accent-folded words, no stemming: typos are the fuzzy clauses' job.
fn analyzer() -> TextAnalyzer {
    folded_words(STOP_WORDS).build()
}

/// Both forms, since nothing stems: "ring" and "rings" each find rings.
fn category_words(category: Category) -> &'static str {
    match category {
        Category::Rings => "ring rings",
        Category::Necklaces => "necklace necklaces",
        Category::Earrings => "earring earrings",
        Category::Bracelets => "bracelet bracelets",
        // Its products are found by their own words (their type, title and description).
        Category::Other => "",
    }
}

fn metal_words(metal: Metal) -> &'static str {
    match metal {
        Metal::YellowGold => "yellow gold",
        Metal::WhiteGold => "white gold",
        Metal::RoseGold => "rose gold pink",
        Metal::Platinum => "platinum",
        Metal::Silver => "sterling silver",
    }
}

/// What shoppers call each origin ("lab grown", "lab created", "mined").
fn diamond_words(origin: DiamondOrigin) -> &'static str {
    match origin {
        DiamondOrigin::LabGrown => "diamonds lab grown created",
        DiamondOrigin::Natural => "diamonds natural mined",
    }
}

/// Edits forgiven in a query word of `chars` characters (a transposition counts as one).
fn fuzzy_distance(chars: usize) -> u8 {
    match chars {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// How many of `n` query words a product must match: all of a short query, most of a long one.
fn required_words(n: usize) -> usize {
    if n <= 3 { n } else { (n * 3).div_ceil(4) }
}

/// The tantivy side of one snapshot.
pub(super) struct TextIndex {
    searcher: Searcher,
    analyzer: TextAnalyzer,
    title: Field,
    body: Field,
    /// Per segment, per document id: the product's position in the snapshot.
    positions: Vec<Vec<u32>>,
}

impl TextIndex {
    pub(super) fn build(products: &[Product]) -> tantivy::Result<TextIndex> {
        let mut schema = Schema::builder();
        let title = schema.add_text_field("title", text_field(TOKENIZER));
        let body = schema.add_text_field("body", text_field(TOKENIZER));
        let position = schema.add_u64_field(POSITION, NumericOptions::default().set_fast());
        let (index, writer) = in_ram(schema.build(), TOKENIZER, analyzer())?;
        for (i, product) in (0u64..).zip(products) {
            let mut doc = TantivyDocument::default();
            doc.add_text(title, &product.title);
            doc.add_text(body, &product.description);
            for style in &product.styles {
                doc.add_text(body, style);
            }
            if let Some(kind) = &product.kind {
                doc.add_text(title, kind);
            }
            for (_, detail) in product.stones.details() {
                doc.add_text(body, &detail);
            }
            if let Some(origin) = product.stones.diamond {
                doc.add_text(body, diamond_words(origin));
            }
            doc.add_text(body, category_words(product.category));
            for metal in product.all_metals() {
                doc.add_text(body, metal_words(metal));
            }
            doc.add_u64(position, i);
            writer.add_document(doc)?;
        }
        let searcher = finish(&index, writer)?;
        let positions = searcher
            .segment_readers()
            .iter()
            .map(|segment| {
                let column = segment.fast_fields().u64(POSITION)?;
                Ok((0..segment.max_doc())
                    .map(|doc| {
                        column
                            .first(doc)
                            .and_then(|p| u32::try_from(p).ok())
                            .unwrap_or(u32::MAX)
                    })
                    .collect())
            })
            .collect::<tantivy::Result<_>>()?;
        Ok(TextIndex {
            searcher,
            analyzer: analyzer(),
            title,
            body,
            positions,
        })
    }

    /// The distinct searchable words of `text`, or `None` when it has none (blank, only "for her").
    pub(super) fn words(&self, text: Option<&str>) -> Option<Vec<String>> {
        let text = text?;
        let mut analyzer = self.analyzer.clone();
        let mut stream = analyzer.token_stream(text);
        let mut words: Vec<String> = Vec::new();
        while words.len() < MAX_WORDS && stream.advance() {
            let word = &stream.token().text;
            if !words.contains(word) {
                words.push(word.clone());
            }
        }
        (!words.is_empty()).then_some(words)
    }

    /// Every product matching enough of `words` and kept by `keep`, with its BM25-based score.
    pub(super) fn hits(
        &self,
        words: &[String],
        keep: impl Fn(u32) -> bool,
    ) -> tantivy::Result<Vec<(u32, f32)>> {
        let clauses = words
            .iter()
            .map(|word| (Occur::Should, self.word_query(word)))
            .collect();
        let query =
            BooleanQuery::with_minimum_required_clauses(clauses, required_words(words.len()));
        let weight = query.weight(EnableScoring::enabled_from_searcher(&self.searcher))?;
        let mut hits = Vec::new();
        for (segment, positions) in self.searcher.segment_readers().iter().zip(&self.positions) {
            weight.for_each(segment, &mut |doc, score| {
                if let Some(&i) = positions.get(doc as usize)
                    && i != u32::MAX
                    && keep(i)
                {
                    hits.push((i, score));
                }
            })?;
        }
        Ok(hits)
    }

    /// One word: exact in title or body (BM25), within a few edits, or as a prefix ("neck").
    fn word_query(&self, word: &str) -> Box<dyn Query> {
        let boosted = |query: Box<dyn Query>, boost: f32| -> Box<dyn Query> {
            Box::new(BoostQuery::new(query, boost))
        };
        let exact = |field: Field| -> Box<dyn Query> {
            let term = Term::from_field_text(field, word);
            Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs))
        };
        let fuzzy = |field: Field, distance: u8| -> Box<dyn Query> {
            let term = Term::from_field_text(field, word);
            Box::new(FuzzyTermQuery::new(term, distance, true))
        };
        let chars = word.chars().count();
        let mut any_of = vec![boosted(exact(self.title), TITLE_BOOST), exact(self.body)];
        let distance = fuzzy_distance(chars);
        if distance > 0 {
            any_of.push(boosted(fuzzy(self.title, distance), FUZZY_TITLE_BOOST));
            any_of.push(boosted(fuzzy(self.body, distance), FUZZY_BODY_BOOST));
        }
        if chars >= 3 {
            let prefix =
                FuzzyTermQuery::new_prefix(Term::from_field_text(self.body, word), 0, true);
            any_of.push(boosted(Box::new(prefix), PREFIX_BOOST));
        }
        Box::new(BooleanQuery::union(any_of))
    }
}

#[cfg(test)]
mod tests {
    use super::{fuzzy_distance, required_words};

    #[test]
    fn longer_words_forgive_more_typos() {
        assert_eq!(fuzzy_distance(3), 0);
        assert_eq!(fuzzy_distance(4), 1);
        assert_eq!(fuzzy_distance(7), 1);
        assert_eq!(fuzzy_distance(8), 2);
    }

    #[test]
    fn short_queries_need_every_word_and_long_ones_most() {
        assert_eq!(required_words(1), 1);
        assert_eq!(required_words(3), 3);
        assert_eq!(required_words(4), 3);
        assert_eq!(required_words(8), 6);
    }
}
