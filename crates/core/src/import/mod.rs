//! Reading files that people export from their platforms: a CSV as a spreadsheet saves it (any
//! encoding, separator and line end), prices as stores write them, and the report of every
//! problem found, located by row and column. The catalog and orders imports both use it.

pub(crate) mod csv_file;
pub(crate) mod encoding;
pub(crate) mod json_lines;
pub(crate) mod price;

use std::fmt;
use std::path::Path;

/// Whether a file's extension says JSON Lines (`.jsonl`, `.ndjson`, `.json`).
pub(crate) fn is_json_lines(path: &Path) -> bool {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    matches!(extension.as_deref(), Some("jsonl" | "ndjson" | "json"))
}

/// The column names of a CSV file's header row, trimmed and lower-cased; `None` when the file
/// is empty or unreadable from its first line (the import then says what is wrong and where).
pub(crate) fn csv_header(path: &Path) -> std::io::Result<Option<Vec<String>>> {
    let mut file = csv_file::CsvFile::new(std::fs::File::open(path)?, "records");
    Ok(match file.next_record() {
        Ok(Some((_, header))) => Some(header.iter().map(|n| n.trim().to_lowercase()).collect()),
        Ok(None) | Err(_) => None,
    })
}

/// One problem with the input, located for the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// 1-based line of the file where the bad row (or the bad handle's first row) starts.
    pub row: u64,
    /// The column (CSV) or field (JSON) at fault, when one is.
    pub column: Option<String>,
    /// What is wrong, for a person to fix it.
    pub message: String,
}

impl RowError {
    pub fn new(row: u64, column: Option<&str>, message: impl Into<String>) -> Self {
        RowError {
            row,
            column: column.map(str::to_string),
            message: message.into(),
        }
    }
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(column) => write!(f, "row {}, column {column}: {}", self.row, self.message),
            None => write!(f, "row {}: {}", self.row, self.message),
        }
    }
}

impl std::error::Error for RowError {}

/// At most this many errors (and as many warnings) are kept in [`Findings`]; the rest are only
/// counted.
pub const MAX_REPORTED_ERRORS: usize = 1_000;

/// The errors and warnings of a file, in file order. Only errors stop an import.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Findings {
    /// The first [`MAX_REPORTED_ERRORS`] errors.
    pub errors: Vec<RowError>,
    /// Errors found beyond those kept in `errors`.
    pub more_errors: u64,
    /// The first [`MAX_REPORTED_ERRORS`] warnings.
    pub warnings: Vec<RowError>,
    /// Warnings found beyond those kept in `warnings`.
    pub more_warnings: u64,
}

impl Findings {
    /// Whether the file has no errors at all, so it may be imported.
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty() && self.more_errors == 0
    }

    /// How many errors were found, kept or not.
    pub fn error_count(&self) -> u64 {
        self.errors.len() as u64 + self.more_errors
    }

    /// How many warnings were found, kept or not.
    pub fn warning_count(&self) -> u64 {
        self.warnings.len() as u64 + self.more_warnings
    }

    /// The errors for a person: one line per error, prefixed with `file`, then `and N more errors`.
    pub fn render(&self, file: &str) -> String {
        render(file, "", &self.errors, self.more_errors, "error")
    }

    /// The warnings for a person, each line marked `warning:`.
    pub fn render_warnings(&self, file: &str) -> String {
        render(
            file,
            "warning: ",
            &self.warnings,
            self.more_warnings,
            "warning",
        )
    }

    /// Records an error.
    pub fn push(&mut self, error: RowError) {
        keep(&mut self.errors, &mut self.more_errors, error);
    }

    /// Records a warning.
    pub fn warn(&mut self, warning: RowError) {
        keep(&mut self.warnings, &mut self.more_warnings, warning);
    }
}

fn keep(kept: &mut Vec<RowError>, more: &mut u64, item: RowError) {
    if kept.len() < MAX_REPORTED_ERRORS {
        kept.push(item);
    } else {
        *more += 1;
    }
}

fn render(file: &str, mark: &str, items: &[RowError], more: u64, noun: &str) -> String {
    let mut out = String::new();
    for item in items {
        out.push_str(&format!("{file}: {mark}{item}\n"));
    }
    if more > 0 {
        let s = if more == 1 { "" } else { "s" };
        out.push_str(&format!("{file}: {mark}and {more} more {noun}{s}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn row_errors_read_as_row_then_column_then_message() {
        let error = RowError::new(12, Some("Variant Price"), "`abc` is not a price");
        assert_eq!(
            error.to_string(),
            "row 12, column Variant Price: `abc` is not a price"
        );
        assert_eq!(
            RowError::new(3, None, "not valid UTF-8").to_string(),
            "row 3: not valid UTF-8"
        );
    }

    #[test]
    fn a_report_keeps_the_first_thousand_errors_and_counts_the_rest() {
        let mut report = Findings::default();
        for row in 0..(MAX_REPORTED_ERRORS as u64 + 5) {
            report.push(RowError::new(row, None, "bad"));
        }
        assert_eq!(report.errors.len(), MAX_REPORTED_ERRORS);
        assert_eq!(report.more_errors, 5);
        assert_eq!(report.error_count(), MAX_REPORTED_ERRORS as u64 + 5);
        assert!(!report.is_ok());
        let text = report.render("big.csv");
        assert!(text.starts_with("big.csv: row 0: bad\n"));
        assert!(text.ends_with("big.csv: and 5 more errors\n"));
        report.warn(RowError::new(4, Some("Image Src"), "no image"));
        assert!(!report.is_ok() && report.warning_count() == 1);
        assert_eq!(
            report.render_warnings("big.csv"),
            "big.csv: warning: row 4, column Image Src: no image\n"
        );
    }
}
