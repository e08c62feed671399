//! What the catalog search and the knowledge answers share of tantivy: how words are read
//! (lower case, accents folded, stop words dropped), and an index built once in RAM, searched
//! by one searcher and never changed (a new catalog or knowledge file is a new index).

use tantivy::schema::{IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, StopWordFilter,
    TextAnalyzer, TextAnalyzerBuilder, Tokenizer,
};
use tantivy::{Index, IndexWriter, ReloadPolicy, Searcher};

/// Tantivy's smallest budget for one indexing thread; a catalog or a knowledge file fits in it
/// many times over.
const WRITER_BUDGET_BYTES: usize = 15_000_000;

/// Words split at anything not a letter or digit, longer ones than 40 bytes dropped,
/// lowercased, accents folded, `stop_words` dropped. Add filters, then `build()`.
pub(crate) fn folded_words(stop_words: &[&str]) -> TextAnalyzerBuilder<impl Tokenizer> {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(StopWordFilter::remove(
            stop_words.iter().map(|w| (*w).to_string()),
        ))
}

/// A text field read with the tokenizer registered as `tokenizer`, with word counts (BM25).
pub(crate) fn text_field(tokenizer: &str) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(IndexRecordOption::WithFreqs),
    )
}

/// An index in RAM over `schema`, `analyzer` registered as `tokenizer`, and its one writer.
pub(crate) fn in_ram(
    schema: Schema,
    tokenizer: &str,
    analyzer: TextAnalyzer,
) -> tantivy::Result<(Index, IndexWriter)> {
    let index = Index::builder().schema(schema).create_in_ram()?;
    index.tokenizers().register(tokenizer, analyzer);
    let writer = index.writer_with_num_threads(1, WRITER_BUDGET_BYTES)?;
    Ok((index, writer))
}

/// Commits what `writer` added and answers the searcher of it.
pub(crate) fn finish(index: &Index, mut writer: IndexWriter) -> tantivy::Result<Searcher> {
    writer.commit()?;
    writer.wait_merging_threads()?;
    Ok(index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?
        .searcher())
}
