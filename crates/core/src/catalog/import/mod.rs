//! Catalog import: streams products out of our JSON Lines format, a Shopify product CSV (the
//! older export or the current template and export) or a WooCommerce product CSV export.
//!
//! Parsing is pure, synchronous and streaming, so the binary runs it on a blocking thread twice:
//! [`validate`] first, to report every bad row (and import nothing if there is one), then
//! [`read_products`] to feed batches into one transaction. Memory stays bounded: one line (JSON)
//! or one handle's rows (Shopify) at a time, plus the ids seen for the duplicate check;
//! WooCommerce holds its variable products until the end of the file, as their variations may
//! come anywhere in it. The formats and the mapping are described in `docs/catalog-import.md`.

mod checks;
mod draft;
mod html;
mod jsonl;
mod mapping;
mod shopify;
mod shopify_json;
mod woocommerce;

pub use crate::import::{Findings, MAX_REPORTED_ERRORS, RowError};
pub use mapping::{DEFAULT_MAPPING, Mapping, MappingError};
pub use shopify_json::{ProductChange, shopify_product};

use crate::catalog::Product;
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

/// The formats a catalog file can be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Our own format: JSON Lines, one [`Product`] object per line.
    Json,
    /// Shopify's product CSV, either header set.
    ShopifyCsv,
    /// WooCommerce's product CSV export.
    WooCommerceCsv,
}

impl Format {
    /// The format of a file: JSON Lines by its extension (`.jsonl`, `.ndjson`, `.json`), a
    /// CSV's by its header row (`None` when it is neither Shopify's nor WooCommerce's).
    pub fn detect(path: &Path) -> std::io::Result<Option<Format>> {
        if crate::import::is_json_lines(path) {
            return Ok(Some(Format::Json));
        }
        Ok(match crate::import::csv_header(path)? {
            Some(header) => Format::of_header(header.iter().map(String::as_str)),
            // Empty, or unreadable from its first line: the reader says what is wrong and where.
            None => Some(Format::ShopifyCsv),
        })
    }

    /// The CSV format whose columns `header` has, if any.
    pub fn of_header<'a>(header: impl IntoIterator<Item = &'a str>) -> Option<Format> {
        let names: Vec<String> = header
            .into_iter()
            .map(|n| n.trim().to_ascii_lowercase())
            .collect();
        let has = |name: &str| names.iter().any(|n| n == name);
        if has("handle") || has("url handle") {
            Some(Format::ShopifyCsv)
        } else if has("regular price") && (has("parent") || has("type")) {
            Some(Format::WooCommerceCsv)
        } else {
            None
        }
    }
}

/// What an import does with a product that maps to no category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Unmapped {
    /// Leave it out, named in the report (`AURORA_CATALOG_UNMAPPED=skip`, the default).
    #[default]
    Skip,
    /// Import it in the `other` category (`AURORA_CATALOG_UNMAPPED=other`).
    Other,
}

impl std::str::FromStr for Unmapped {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "skip" => Ok(Unmapped::Skip),
            "other" => Ok(Unmapped::Other),
            _ => Err(format!("`{s}` is not skip or other")),
        }
    }
}

/// How an import reads products: the store's vocabulary, what to do with a product that maps to
/// no category, the store's currency (how many decimals a price has), and the day it runs (a
/// scheduled sale price applies only between its dates).
#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub mapping: Arc<Mapping>,
    pub unmapped: Unmapped,
    pub currency: crate::money::Currency,
    pub today: chrono::NaiveDate,
}

impl Default for ImportOptions {
    /// The built-in mapping, unmapped products skipped, US dollars, today (UTC).
    fn default() -> Self {
        ImportOptions {
            mapping: Arc::default(),
            unmapped: Unmapped::default(),
            currency: crate::money::Currency::default(),
            today: chrono::Utc::now().date_naive(),
        }
    }
}

/// Why a product in the file is not imported, though nothing is wrong with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    /// Draft, archived, unlisted, unpublished, private or hidden from the catalog.
    Unpublished,
    /// It maps to no category (and the store asked to skip such products), or to no metal.
    Unmapped,
    /// Not sold through the concierge: grouped, external, virtual or downloadable.
    NotSold,
}

/// What a reader found next.
#[derive(Debug)]
enum Item {
    /// A valid product, with the row where it starts and what is worth a warning.
    Product {
        row: u64,
        product: Box<Product>,
        warnings: Vec<RowError>,
    },
    /// A product left out on purpose, and the warnings that say so (when it deserves them).
    Skipped {
        reason: SkipReason,
        warnings: Vec<RowError>,
    },
    /// The errors of one bad product or row, in row order.
    Invalid(Vec<RowError>),
}

/// What a CSV reader has found and not handed out yet, and whether it has reached the end.
#[derive(Default)]
struct Queue {
    items: std::collections::VecDeque<Item>,
    done: bool,
}

/// A reader that finds items one record at a time.
trait Stepper {
    fn queue(&mut self) -> &mut Queue;
    /// Reads one record; queues whatever it completes, and marks the queue done at the end.
    fn step(&mut self);

    fn next_item(&mut self) -> Option<Item> {
        loop {
            if let Some(item) = self.queue().items.pop_front() {
                return Some(item);
            }
            if self.queue().done {
                return None;
            }
            self.step();
        }
    }
}

/// Streams products out of a catalog file; made by [`read_products`]. `Send` when `R` is.
pub struct Products<R: Read> {
    reader: Reader<R>,
}

enum Reader<R: Read> {
    Json(jsonl::JsonLines<R>),
    ShopifyCsv(Box<shopify::ShopifyCsv<R>>),
    WooCommerceCsv(Box<woocommerce::WooCommerceCsv<R>>),
}

impl<R: Read> Products<R> {
    /// The column (or field) that holds a product's key in this file.
    fn key_column(&self) -> &'static str {
        match &self.reader {
            Reader::Json(_) => "id",
            Reader::ShopifyCsv(reader) => reader.handle_column(),
            Reader::WooCommerceCsv(_) => "SKU",
        }
    }

    fn next_item(&mut self) -> Option<Item> {
        use Stepper as _;
        match &mut self.reader {
            Reader::Json(reader) => reader.next_item(),
            Reader::ShopifyCsv(reader) => reader.next_item(),
            Reader::WooCommerceCsv(reader) => reader.next_item(),
        }
    }
}

impl<R: Read> Iterator for Products<R> {
    type Item = Result<Product, Vec<RowError>>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match self.next_item()? {
                Item::Product { product, .. } => return Some(Ok(*product)),
                Item::Skipped { .. } => {}
                Item::Invalid(errors) => return Some(Err(errors)),
            }
        }
    }
}

/// Streams products out of `reader`; each item is one product or the errors of one bad
/// product/row. Skipped products are left out. Does not check for duplicate ids: [`validate`]
/// does.
pub fn read_products<R: Read>(reader: R, format: Format, options: &ImportOptions) -> Products<R> {
    let options = options.clone();
    let reader = match format {
        Format::Json => Reader::Json(jsonl::JsonLines::new(reader)),
        Format::ShopifyCsv => {
            Reader::ShopifyCsv(Box::new(shopify::ShopifyCsv::new(reader, options)))
        }
        Format::WooCommerceCsv => {
            Reader::WooCommerceCsv(Box::new(woocommerce::WooCommerceCsv::new(reader, options)))
        }
    };
    Products { reader }
}

/// How many products were left out, by reason.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Skipped {
    pub unpublished: u64,
    pub unmapped: u64,
    pub not_sold: u64,
}

impl Skipped {
    /// All of them.
    pub fn total(&self) -> u64 {
        self.unpublished + self.unmapped + self.not_sold
    }

    fn count(&mut self, reason: SkipReason) {
        match reason {
            SkipReason::Unpublished => self.unpublished += 1,
            SkipReason::Unmapped => self.unmapped += 1,
            SkipReason::NotSold => self.not_sold += 1,
        }
    }
}

/// Everything wrong with a file (pass 1 of an import), and what is worth a warning. Import only
/// when [`Findings::is_ok`]: warnings never stop an import.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidationReport {
    /// Valid products found.
    pub products: u64,
    /// Products left out on purpose (not errors), by reason.
    pub skipped: Skipped,
    /// The errors and warnings.
    pub findings: Findings,
}

impl std::ops::Deref for ValidationReport {
    type Target = Findings;
    fn deref(&self) -> &Findings {
        &self.findings
    }
}

impl std::ops::DerefMut for ValidationReport {
    fn deref_mut(&mut self) -> &mut Findings {
        &mut self.findings
    }
}

/// Reads the whole of `reader` (streaming) and reports every problem, including product ids used
/// twice in the file.
pub fn validate<R: Read>(reader: R, format: Format, options: &ImportOptions) -> ValidationReport {
    let mut report = ValidationReport::default();
    // The ids are the only thing kept per product: a few MB for 100,000 of them.
    let mut first_row_of: HashMap<String, u64> = HashMap::new();
    let mut products = read_products(reader, format, options);
    while let Some(item) = products.next_item() {
        match item {
            Item::Product {
                row,
                product,
                warnings,
            } => {
                warnings.into_iter().for_each(|w| report.warn(w));
                if let Some(first) = first_row_of.get(&product.id) {
                    report.push(RowError::new(
                        row,
                        Some(products.key_column()),
                        format!("product id `{}` is already used at row {first}", product.id),
                    ));
                } else {
                    first_row_of.insert(product.id.clone(), row);
                    report.products += 1;
                }
            }
            Item::Skipped { reason, warnings } => {
                report.skipped.count(reason);
                warnings.into_iter().for_each(|w| report.warn(w));
            }
            Item::Invalid(errors) => errors.into_iter().for_each(|e| report.push(e)),
        }
    }
    // In file order, though WooCommerce finds a variation without its parent only at the end.
    report.errors.sort_by_key(|e| e.row);
    report
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn json_is_told_by_its_extension_and_a_csv_by_its_header() {
        for name in ["a.jsonl", "a.NDJSON", "dir/a.json"] {
            assert_eq!(Format::detect(Path::new(name)).unwrap(), Some(Format::Json));
        }
        let dir = tempfile::tempdir().unwrap();
        for (header, format) in [
            (
                "Handle,Title,Body (HTML),Variant Price\n",
                Some(Format::ShopifyCsv),
            ),
            (
                "\u{feff}Title,URL handle,Description,Price\n",
                Some(Format::ShopifyCsv),
            ),
            (
                "ID;Type;SKU;Name;Regular price;Parent\r\n",
                Some(Format::WooCommerceCsv),
            ),
            ("name,price\n", None),
            ("", Some(Format::ShopifyCsv)),
        ] {
            let path = dir.path().join("products_export.CSV");
            std::fs::write(&path, header).unwrap();
            assert_eq!(Format::detect(&path).unwrap(), format, "{header}");
        }
        assert!(Format::detect(&dir.path().join("missing.csv")).is_err());
    }

    #[test]
    fn products_can_be_read_on_another_thread() {
        fn assert_send<T: Send>(_: &T) {}
        let options = ImportOptions::default();
        assert_send(&read_products(
            std::io::empty(),
            Format::ShopifyCsv,
            &options,
        ));
        assert_send(&read_products(
            std::io::empty(),
            Format::WooCommerceCsv,
            &options,
        ));
        assert_send(&read_products(std::io::empty(), Format::Json, &options));
    }
}
