//! The store's own answers: the knowledge file (shipping, returns, materials, payment, …),
//! parsed, indexed and matched against what shoppers ask. Stored in the database by
//! `aurora knowledge import` and reloaded by every instance like the catalog.

mod file;
mod index;

pub use file::{
    FileProblem, MAX_ANSWER_CHARS, MAX_FILE_BYTES, MAX_SECTIONS, MAX_TITLE_CHARS, parse,
};
pub use index::{KnowledgeIndex, Lookup, MIN_CONFIDENCE};

/// One answer of the knowledge file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The heading: what the answer is about, shown to the shopper as its source.
    pub title: String,
    /// Other ways shoppers ask it (`Q:` lines).
    pub questions: Vec<String>,
    /// Words shoppers use for it (`Tags:`).
    pub tags: Vec<String>,
    /// The answer, plain text: paragraphs separated by a blank line.
    pub answer: String,
    /// The line of its heading in the file.
    pub line: usize,
}

/// A stored knowledge file: its text and the version `aurora knowledge import` gave it
/// (0 when the store has none).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StoredKnowledge {
    pub version: i64,
    pub text: String,
}
