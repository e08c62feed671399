//! Matching a shopper's question to a section: tantivy ranks the sections (BM25 over the
//! title, alternative questions and tags, and less over the answer, with a fuzzy clause per
//! word for typos), then a confidence says whether the best one really answers it: the share
//! of the question's words the section covers. Below [`MIN_CONFIDENCE`] the concierge says it
//! did not understand rather than answer beside the point.

use super::Section;
use crate::text_index::{finish, folded_words, in_ram, text_field};
use aurora_nlu::within_one_edit;
use std::collections::HashSet;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, NumericOptions, Schema, Value};
use tantivy::tokenizer::{Language, Stemmer, TextAnalyzer};
use tantivy::{Searcher, TantivyDocument, Term};

/// The least share of a question's words a section must cover to answer it.
pub const MIN_CONFIDENCE: f32 = 0.6;

const TOKENIZER: &str = "aurora_questions";
/// Words past these say nothing more.
const MAX_WORDS: usize = 16;
/// Sections whose confidence is computed: the best by score, then the most confident wins.
const CANDIDATES: usize = 3;
const HEADING_BOOST: f32 = 2.0;
const FUZZY_BOOST: f32 = 0.8;
/// A word found only in an answer counts this much towards the confidence.
const ANSWER_WEIGHT: f32 = 0.5;

/// How a question is asked, not what about: dropped from sections and questions alike.
const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "am",
    "an",
    "and",
    "any",
    "anyone",
    "are",
    "as",
    "at",
    "be",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "for",
    "from",
    "get",
    "got",
    "have",
    "has",
    "hello",
    "hey",
    "hi",
    "how",
    "i",
    "if",
    "im",
    "in",
    "is",
    "it",
    "its",
    "just",
    "know",
    "me",
    "my",
    "need",
    "of",
    "on",
    "or",
    "our",
    "please",
    "pls",
    "plz",
    "question",
    "should",
    "so",
    "tell",
    "that",
    "the",
    "there",
    "thanks",
    "this",
    "to",
    "u",
    "ur",
    "want",
    "we",
    "what",
    "whats",
    "when",
    "where",
    "which",
    "who",
    "why",
    "will",
    "with",
    "wondering",
    "would",
    "you",
    "your",
];

fn analyzer() -> TextAnalyzer {
    folded_words(STOP_WORDS)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// A section the index found for a question.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lookup<'a> {
    pub section: &'a Section,
    /// The share of the question's words the section covers, 0 to 1.
    pub confidence: f32,
}

/// The sections of one knowledge file, indexed; built once per import, never changed.
pub struct KnowledgeIndex {
    version: i64,
    sections: Vec<Section>,
    /// Per section: the words of its title, questions and tags; and of its answer.
    heading_words: Vec<HashSet<String>>,
    answer_words: Vec<HashSet<String>>,
    searcher: Searcher,
    analyzer: TextAnalyzer,
    heading: Field,
    answer: Field,
    position: Field,
}

impl KnowledgeIndex {
    /// An index that answers nothing (a store without a knowledge file).
    pub fn empty() -> KnowledgeIndex {
        // An empty in-RAM index cannot fail to build; if it ever did, nothing would answer.
        Self::build(0, Vec::new()).unwrap_or_else(|_| unreachable!("an empty index builds"))
    }

    /// Indexes `sections`, the file of `version`.
    pub fn build(version: i64, sections: Vec<Section>) -> tantivy::Result<KnowledgeIndex> {
        let mut schema = Schema::builder();
        let heading = schema.add_text_field("heading", text_field(TOKENIZER));
        let answer = schema.add_text_field("answer", text_field(TOKENIZER));
        let position = schema.add_u64_field("position", NumericOptions::default().set_stored());
        let (index, writer) = in_ram(schema.build(), TOKENIZER, analyzer())?;
        let mut analyzer = analyzer();
        let mut heading_words = Vec::with_capacity(sections.len());
        let mut answer_words = Vec::with_capacity(sections.len());
        for (i, section) in (0u64..).zip(&sections) {
            let mut doc = TantivyDocument::default();
            let head = std::iter::once(&section.title)
                .chain(&section.questions)
                .chain(&section.tags);
            let mut heads = HashSet::new();
            for text in head {
                doc.add_text(heading, text);
                heads.extend(words_of(&mut analyzer, text));
            }
            doc.add_text(answer, &section.answer);
            doc.add_u64(position, i);
            writer.add_document(doc)?;
            heading_words.push(heads);
            answer_words.push(words_of(&mut analyzer, &section.answer).collect());
        }
        Ok(KnowledgeIndex {
            searcher: finish(&index, writer)?,
            version,
            sections,
            heading_words,
            answer_words,
            analyzer: analyzer.clone(),
            heading,
            answer,
            position,
        })
    }

    /// The version of the knowledge file it indexes (0: none).
    pub fn version(&self) -> i64 {
        self.version
    }

    /// Its sections, in file order.
    pub fn sections(&self) -> &[Section] {
        &self.sections
    }

    /// The section that answers `question` with at least [`MIN_CONFIDENCE`], if one does.
    pub fn lookup(&self, question: &str) -> Option<Lookup<'_>> {
        self.best(question)
            .filter(|found| found.confidence >= MIN_CONFIDENCE)
    }

    /// The most confident of the best-scored sections for `question`, however low.
    pub fn best(&self, question: &str) -> Option<Lookup<'_>> {
        if self.sections.is_empty() {
            return None;
        }
        let mut analyzer = self.analyzer.clone();
        let mut words: Vec<String> = words_of(&mut analyzer, question).collect();
        words.dedup();
        words.truncate(MAX_WORDS);
        if words.is_empty() {
            return None;
        }
        let query = self.query(&words);
        let hits = self
            .searcher
            .search(&query, &TopDocs::with_limit(CANDIDATES).order_by_score())
            .ok()?;
        hits.into_iter()
            .filter_map(|(_, address)| {
                let doc: TantivyDocument = self.searcher.doc(address).ok()?;
                let position = usize::try_from(doc.get_first(self.position)?.as_u64()?).ok()?;
                Some(Lookup {
                    section: self.sections.get(position)?,
                    confidence: self.confidence(position, &words),
                })
            })
            .fold(None, |best: Option<Lookup<'_>>, found| match best {
                Some(b) if b.confidence >= found.confidence => Some(b),
                _ => Some(found),
            })
    }

    fn query(&self, words: &[String]) -> BooleanQuery {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for word in words {
            let in_heading = Term::from_field_text(self.heading, word);
            let exact = TermQuery::new(in_heading.clone(), IndexRecordOption::WithFreqs);
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(exact), HEADING_BOOST)),
            ));
            let in_answer = Term::from_field_text(self.answer, word);
            clauses.push((
                Occur::Should,
                Box::new(TermQuery::new(in_answer, IndexRecordOption::WithFreqs)),
            ));
            if fuzzy(word) {
                let near = FuzzyTermQuery::new(in_heading, 1, true);
                clauses.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(near), FUZZY_BOOST)),
                ));
            }
        }
        BooleanQuery::new(clauses)
    }

    /// The share of `words` section `position` covers: a word of its title, questions or tags
    /// (or one edit from one) counts 1, a word of its answer only [`ANSWER_WEIGHT`].
    fn confidence(&self, position: usize, words: &[String]) -> f32 {
        let (Some(heads), Some(answers)) = (
            self.heading_words.get(position),
            self.answer_words.get(position),
        ) else {
            return 0.0;
        };
        let covered: f32 = words
            .iter()
            .map(|word| {
                if heads.contains(word)
                    || (fuzzy(word) && heads.iter().any(|h| fuzzy(h) && within_one_edit(word, h)))
                {
                    1.0
                } else if answers.contains(word) {
                    ANSWER_WEIGHT
                } else {
                    0.0
                }
            })
            .sum();
        // At most MAX_WORDS words: the count is exact as f32.
        covered / words.len() as f32
    }
}

/// Whether a word is long enough for a typo to be forgiven ("shiping"), not a different word.
fn fuzzy(word: &str) -> bool {
    word.len() >= 4
}

fn words_of<'a>(
    analyzer: &'a mut TextAnalyzer,
    text: &'a str,
) -> impl Iterator<Item = String> + 'a {
    let mut stream = analyzer.token_stream(text);
    let mut words = Vec::new();
    while let Some(token) = stream.next() {
        words.push(token.text.clone());
    }
    words.into_iter()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn index() -> KnowledgeIndex {
        let sections = super::super::parse(
            "## Shipping destinations\nQ: Do you ship internationally?\nTags: countries, Canada, UK\n\nWe ship to the US, Canada and the UK.\n\
             ## Shipping times\nQ: How long does delivery take?\n\nReady-to-ship pieces leave in one business day.\n\
             ## Materials and metals\nQ: Is your jewelry real gold?\nTags: solid, plated, genuine\n\nOur gold is solid 14k or 18k.\n",
        )
        .unwrap();
        KnowledgeIndex::build(3, sections).unwrap()
    }

    fn answer(index: &KnowledgeIndex, question: &str) -> Option<String> {
        index.lookup(question).map(|l| l.section.title.clone())
    }

    #[test]
    fn questions_find_their_section_typos_and_other_words_included() {
        let index = index();
        for (question, title) in [
            ("do you ship to canada?", "Shipping destinations"),
            ("do u shipp to the UK", "Shipping destinations"),
            ("how long does delivery take", "Shipping times"),
            ("is this real gold?", "Materials and metals"),
            ("is it gold plated", "Materials and metals"),
        ] {
            assert_eq!(
                answer(&index, question).as_deref(),
                Some(title),
                "{question}"
            );
        }
    }

    #[test]
    fn questions_about_something_else_get_no_answer() {
        let index = index();
        for question in [
            "what's the weather like",
            "how are you?",
            "can you write me a poem about the sea",
            "",
            "do you ship pizza to the moon tonight",
        ] {
            assert_eq!(answer(&index, question), None, "{question}");
        }
        assert_eq!(
            KnowledgeIndex::empty().lookup("do you ship to canada"),
            None
        );
    }

    #[test]
    fn confidence_is_the_share_of_words_covered() {
        let index = index();
        let found = index.best("ship canada weather").unwrap();
        assert_eq!(found.section.title, "Shipping destinations");
        assert!((found.confidence - 2.0 / 3.0).abs() < 1e-6);
    }
}
