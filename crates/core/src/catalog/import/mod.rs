//! Catalog import: streams products out of our JSON Lines format or a Shopify product CSV export.
//!
//! Parsing is pure, synchronous and streaming, so the binary runs it on a blocking thread twice:
//! [`validate`] first, to report every bad row (and import nothing if there is one), then
//! [`read_products`] to feed batches into one transaction. Memory stays bounded: one line (JSON)
//! or one handle's rows (CSV) at a time, plus the ids seen for the duplicate check.
//! The formats and the Shopify mapping are described in `docs/catalog-import.md`.

mod checks;
mod html;
mod jsonl;
mod mapping;
mod shopify;

use crate::catalog::Product;
use std::collections::HashMap;
use std::fmt;
use std::io::Read;
use std::path::Path;

/// The formats a catalog file can be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Our own format: JSON Lines, one [`Product`] object per line.
    Json,
    /// Shopify's product CSV export.
    ShopifyCsv,
}

impl Format {
    /// The format a file's extension names: `.jsonl`, `.ndjson`, `.json` or `.csv` (any case).
    pub fn detect(path: &Path) -> Option<Format> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "jsonl" | "ndjson" | "json" => Some(Format::Json),
            "csv" => Some(Format::ShopifyCsv),
            _ => None,
        }
    }
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
    fn new(row: u64, column: Option<&str>, message: impl Into<String>) -> Self {
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

/// What a reader found next.
#[derive(Debug)]
enum Item {
    /// A valid product, with the row where it starts.
    Product { row: u64, product: Product },
    /// A product the file marks as unpublished.
    Skipped,
    /// The errors of one bad product or row, in row order.
    Invalid(Vec<RowError>),
}

/// Streams products out of a catalog file; made by [`read_products`]. `Send` when `R` is.
pub struct Products<R: Read> {
    reader: Reader<R>,
}

enum Reader<R: Read> {
    Json(jsonl::JsonLines<R>),
    ShopifyCsv(Box<shopify::ShopifyCsv<R>>),
}

impl<R: Read> Products<R> {
    fn next_item(&mut self) -> Option<Item> {
        match &mut self.reader {
            Reader::Json(reader) => reader.next_item(),
            Reader::ShopifyCsv(reader) => reader.next_item(),
        }
    }
}

impl<R: Read> Iterator for Products<R> {
    type Item = Result<Product, Vec<RowError>>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match self.next_item()? {
                Item::Product { product, .. } => return Some(Ok(product)),
                Item::Skipped => {}
                Item::Invalid(errors) => return Some(Err(errors)),
            }
        }
    }
}

/// Streams products out of `reader`; each item is one product or the errors of one bad
/// product/row. Unpublished products are left out. Does not check for duplicate ids: [`validate`]
/// does.
pub fn read_products<R: Read>(reader: R, format: Format) -> Products<R> {
    let reader = match format {
        Format::Json => Reader::Json(jsonl::JsonLines::new(reader)),
        Format::ShopifyCsv => Reader::ShopifyCsv(Box::new(shopify::ShopifyCsv::new(reader))),
    };
    Products { reader }
}

/// At most this many errors are kept in a [`ValidationReport`]; the rest are only counted.
pub const MAX_REPORTED_ERRORS: usize = 1_000;

/// Everything wrong with a file (pass 1 of an import). Import only when [`Self::is_ok`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidationReport {
    /// Valid products found (several per Shopify handle when it comes in several metals).
    pub products: u64,
    /// Products left out because the file marks them unpublished (not errors).
    pub skipped: u64,
    /// The first [`MAX_REPORTED_ERRORS`] errors, in file order.
    pub errors: Vec<RowError>,
    /// Errors found beyond those kept in `errors`.
    pub more_errors: u64,
}

impl ValidationReport {
    /// Whether the file has no errors at all, so it may be imported.
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty() && self.more_errors == 0
    }

    /// How many errors were found, kept or not.
    pub fn error_count(&self) -> u64 {
        self.errors.len() as u64 + self.more_errors
    }

    /// The report for a person: one line per error, prefixed with `file`, then `and N more errors`.
    pub fn render(&self, file: &str) -> String {
        let mut out = String::new();
        for error in &self.errors {
            out.push_str(&format!("{file}: {error}\n"));
        }
        if self.more_errors > 0 {
            let s = if self.more_errors == 1 { "" } else { "s" };
            out.push_str(&format!("{file}: and {} more error{s}\n", self.more_errors));
        }
        out
    }

    fn push(&mut self, error: RowError) {
        if self.errors.len() < MAX_REPORTED_ERRORS {
            self.errors.push(error);
        } else {
            self.more_errors += 1;
        }
    }
}

/// Reads the whole of `reader` (streaming) and reports every problem, including product ids used
/// twice in the file.
pub fn validate<R: Read>(reader: R, format: Format) -> ValidationReport {
    let id_column = match format {
        Format::Json => "id",
        Format::ShopifyCsv => "Handle",
    };
    let mut report = ValidationReport::default();
    // The ids are the only thing kept per product: a few MB for 100,000 of them.
    let mut first_row_of: HashMap<String, u64> = HashMap::new();
    let mut products = read_products(reader, format);
    while let Some(item) = products.next_item() {
        match item {
            Item::Product { row, product } => {
                if let Some(first) = first_row_of.get(&product.id) {
                    report.push(RowError::new(
                        row,
                        Some(id_column),
                        format!("product id `{}` is already used at row {first}", product.id),
                    ));
                } else {
                    first_row_of.insert(product.id, row);
                    report.products += 1;
                }
            }
            Item::Skipped => report.skipped += 1,
            Item::Invalid(errors) => errors.into_iter().for_each(|e| report.push(e)),
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_detected_by_extension_in_any_case() {
        assert_eq!(Format::detect(Path::new("a.jsonl")), Some(Format::Json));
        assert_eq!(Format::detect(Path::new("a.NDJSON")), Some(Format::Json));
        assert_eq!(Format::detect(Path::new("dir/a.json")), Some(Format::Json));
        assert_eq!(
            Format::detect(Path::new("products_export.CSV")),
            Some(Format::ShopifyCsv)
        );
        assert_eq!(Format::detect(Path::new("a.xlsx")), None);
        assert_eq!(Format::detect(Path::new("csv")), None);
    }

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
        let mut report = ValidationReport::default();
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
    }

    #[test]
    fn products_can_be_read_on_another_thread() {
        fn assert_send<T: Send>(_: &T) {}
        assert_send(&read_products(std::io::empty(), Format::ShopifyCsv));
        assert_send(&read_products(std::io::empty(), Format::Json));
    }
}
