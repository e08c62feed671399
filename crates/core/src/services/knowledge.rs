//! The knowledge file's use cases: import it (checked first with
//! [`crate::knowledge::parse`]: a file with any problem stores nothing), and load a newer one
//! than the one being served.

use crate::knowledge::{FileProblem, KnowledgeIndex, StoredKnowledge, parse};
use crate::store::{KnowledgeStore, StoreError};
use chrono::{DateTime, Utc};

/// Why a knowledge file was not imported.
#[derive(Debug, thiserror::Error)]
pub enum KnowledgeImportError {
    /// The file has problems, every one listed with its line.
    #[error("the knowledge file has {} problem(s)", .0.len())]
    Invalid(Vec<FileProblem>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What an import stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnowledgeImported {
    pub version: i64,
    pub sections: usize,
}

/// Checks `text` and stores it as the store's knowledge file; every instance serves it within
/// its poll interval.
pub async fn import(
    store: &dyn KnowledgeStore,
    text: &str,
    now: DateTime<Utc>,
) -> Result<KnowledgeImported, KnowledgeImportError> {
    let sections = parse(text).map_err(KnowledgeImportError::Invalid)?.len();
    let version = store.save_knowledge(text, now).await?;
    Ok(KnowledgeImported { version, sections })
}

/// The stored knowledge file when it is newer than the `served` version, or `None`.
pub async fn newer(
    store: &dyn KnowledgeStore,
    served: i64,
) -> Result<Option<StoredKnowledge>, StoreError> {
    if store.knowledge_version().await? == served {
        return Ok(None);
    }
    let stored = store.knowledge().await?;
    Ok((stored.version != served).then_some(stored))
}

/// The index of a stored file. Its text was checked at import; a file that no longer parses
/// (written by hand into the database) is refused with its problems.
pub fn index(stored: StoredKnowledge) -> Result<KnowledgeIndex, String> {
    if stored.version == 0 {
        return Ok(KnowledgeIndex::empty());
    }
    let sections = parse(&stored.text).map_err(|problems| {
        problems
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ")
    })?;
    KnowledgeIndex::build(stored.version, sections).map_err(|e| e.to_string())
}
