//! Shopify's product CSV → products, in either header set: the older export (`Handle`,
//! `Body (HTML)`, `Variant Price`, `Image Src`, …) and the current template and export
//! (`URL handle`, `Description`, `Price`, `Product image URL`, …, plus metafield columns such
//! as `Setting Style (product.metafields.custom.setting_style)`).
//!
//! A product spans consecutive rows with the same handle: the first carries the product's
//! fields, the others further variants and/or images. Only the current handle's rows are held.

mod product;

use super::mapping::{Mapping, Meaning};
use super::{ImportOptions, Item, Queue, RowError, SkipReason, Stepper};
use crate::import::csv_file::{CsvFile, too_wide};
use csv::StringRecord;
use std::io::Read;

/// The columns we read, each under its name in the older export and in the current one; the
/// others (Vendor, SEO title, …) are ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Handle,
    Title,
    Body,
    Type,
    ProductCategory,
    Tags,
    Published,
    Status,
    Option1Name,
    Option1Value,
    Option2Name,
    Option2Value,
    Option3Name,
    Option3Value,
    VariantSku,
    VariantPrice,
    VariantInventoryQty,
    VariantImage,
    ImageSrc,
    ImageAltText,
}

/// (column, older export's name, current template's name); names match in any case.
const COLUMNS: [(Col, &str, &str); 20] = [
    (Col::Handle, "Handle", "URL handle"),
    (Col::Title, "Title", "Title"),
    (Col::Body, "Body (HTML)", "Description"),
    (Col::Type, "Type", "Type"),
    (Col::ProductCategory, "Product Category", "Product category"),
    (Col::Tags, "Tags", "Tags"),
    (Col::Published, "Published", "Published on online store"),
    (Col::Status, "Status", "Status"),
    (Col::Option1Name, "Option1 Name", "Option1 name"),
    (Col::Option1Value, "Option1 Value", "Option1 value"),
    (Col::Option2Name, "Option2 Name", "Option2 name"),
    (Col::Option2Value, "Option2 Value", "Option2 value"),
    (Col::Option3Name, "Option3 Name", "Option3 name"),
    (Col::Option3Value, "Option3 Value", "Option3 value"),
    (Col::VariantSku, "Variant SKU", "SKU"),
    (Col::VariantPrice, "Variant Price", "Price"),
    (
        Col::VariantInventoryQty,
        "Variant Inventory Qty",
        "Inventory quantity",
    ),
    (Col::VariantImage, "Variant Image", "Variant image URL"),
    (Col::ImageSrc, "Image Src", "Product image URL"),
    (Col::ImageAltText, "Image Alt Text", "Image alt text"),
];

/// Without these the file cannot be a Shopify product CSV.
const REQUIRED: [Col; 3] = [Col::Handle, Col::Title, Col::VariantPrice];

const OPTION_NAMES: [Col; 3] = [Col::Option1Name, Col::Option2Name, Col::Option3Name];
const OPTION_VALUES: [Col; 3] = [Col::Option1Value, Col::Option2Value, Col::Option3Value];

/// Columns that, when filled, make a row a variant (rather than an extra image).
const VARIANT_COLUMNS: [Col; 6] = [
    Col::Option1Value,
    Col::Option2Value,
    Col::Option3Value,
    Col::VariantSku,
    Col::VariantPrice,
    Col::VariantInventoryQty,
];

/// Shopify allows 2,048 variants; more rows than this for one handle is a broken file, and
/// stopping here keeps memory bounded.
const MAX_ROWS_PER_HANDLE: usize = 5_000;

impl Col {
    fn names(self) -> [&'static str; 2] {
        let (_, older, current) = COLUMNS[self as usize];
        [older, current]
    }
}

/// Where our columns are in this file's header.
struct Columns {
    /// For each field position, the column we read there (if any).
    col_at: Vec<Option<Col>>,
    /// The name this file gives each of our columns (to name it in errors).
    names: [&'static str; COLUMNS.len()],
    /// The metafield columns the mapping gives a meaning: (position, header name, meaning).
    /// Others are never read, however many the export has.
    metafields: Vec<(usize, String, Meaning)>,
    handle: usize,
    header_len: usize,
}

/// One data row: the trimmed text of our columns and of the metafield columns.
struct Row {
    line: u64,
    values: Vec<String>,
    metafields: Vec<String>,
}

impl Row {
    fn get(&self, col: Col) -> &str {
        self.values.get(col as usize).map_or("", String::as_str)
    }
}

/// The rows of one handle.
struct Group {
    handle: String,
    first_line: u64,
    rows: Vec<Row>,
    /// Errors of rows that could not be read (not kept in `rows`).
    errors: Vec<RowError>,
    /// Rows seen, kept or not.
    row_count: usize,
}

/// Reads a Shopify product CSV one row at a time.
pub(super) struct ShopifyCsv<R: Read> {
    csv: CsvFile<R>,
    options: ImportOptions,
    columns: Option<Columns>,
    group: Option<Group>,
    queue: Queue,
}

impl<R: Read> Stepper for ShopifyCsv<R> {
    fn queue(&mut self) -> &mut Queue {
        &mut self.queue
    }

    fn step(&mut self) {
        self.read_next();
    }
}

impl<R: Read> ShopifyCsv<R> {
    /// The handle column's name in this file (`URL handle` or, in an older export, `Handle`).
    pub(super) fn handle_column(&self) -> &'static str {
        self.columns
            .as_ref()
            .map_or("Handle", |c| c.names[Col::Handle as usize])
    }

    pub(super) fn new(reader: R, options: ImportOptions) -> Self {
        ShopifyCsv {
            csv: CsvFile::new(reader, "products"),
            options,
            columns: None,
            group: None,
            queue: Queue::default(),
        }
    }

    fn read_next(&mut self) {
        match self.csv.next_record() {
            Err(error) => {
                self.finish_group();
                self.fail(error);
            }
            Ok(None) => {
                self.finish_group();
                self.queue.done = true;
            }
            Ok(Some((line, record))) => {
                if self.columns.is_none() {
                    match read_header(line, record, &self.options.mapping) {
                        Ok(columns) => self.columns = Some(columns),
                        Err(errors) => {
                            self.queue.items.push_back(Item::Invalid(errors));
                            self.queue.done = true;
                        }
                    }
                } else {
                    let record = record.clone();
                    self.read_row(line, &record);
                }
            }
        }
    }

    fn fail(&mut self, error: RowError) {
        self.queue.items.push_back(Item::Invalid(vec![error]));
        self.queue.done = true;
    }

    fn read_row(&mut self, line: u64, record: &StringRecord) {
        let Some(columns) = &self.columns else {
            return;
        };
        let mut errors: Vec<RowError> = too_wide(line, record, columns.header_len)
            .into_iter()
            .collect();
        let mut values = vec![String::new(); COLUMNS.len()];
        for (at, field) in record.iter().enumerate() {
            if let Some(Some(col)) = columns.col_at.get(at) {
                values[*col as usize] = field.trim().to_string();
            }
        }
        let metafields = columns
            .metafields
            .iter()
            .map(|(at, _, _)| record.get(*at).unwrap_or("").trim().to_string())
            .collect();
        let handle = record.get(columns.handle).unwrap_or("").trim().to_string();
        let handle_column = columns.names[Col::Handle as usize];
        // A row without a handle continues the product above it (a spreadsheet that left the
        // repeated handle out); only the file's first row must have one.
        if handle.is_empty() && self.group.is_none() {
            errors.push(RowError::new(
                line,
                Some(handle_column),
                "the handle is empty",
            ));
        }
        let same_group = self
            .group
            .as_ref()
            .is_some_and(|g| g.handle == handle || handle.is_empty());
        if !same_group {
            self.finish_group();
        }
        let group = self.group.get_or_insert_with(|| Group {
            handle,
            first_line: line,
            rows: Vec::new(),
            errors: Vec::new(),
            row_count: 0,
        });
        group.row_count += 1;
        if !errors.is_empty() {
            // One product's errors are kept up to a bound (the file is refused either way).
            if group.errors.len() < MAX_ROWS_PER_HANDLE {
                group.errors.append(&mut errors);
            }
        } else if group.row_count <= MAX_ROWS_PER_HANDLE {
            group.rows.push(Row {
                line,
                values,
                metafields,
            });
        } else if group.row_count == MAX_ROWS_PER_HANDLE + 1 {
            let message = format!("more than {MAX_ROWS_PER_HANDLE} rows for one handle");
            group
                .errors
                .push(RowError::new(line, Some(handle_column), message));
        }
    }

    fn finish_group(&mut self) {
        let (Some(group), Some(columns)) = (self.group.take(), &self.columns) else {
            return;
        };
        self.queue
            .items
            .push_back(group.finish(columns, &self.options));
    }
}

/// Finds our columns in the header, under either set of names.
fn read_header(
    line: u64,
    record: &StringRecord,
    mapping: &Mapping,
) -> Result<Columns, Vec<RowError>> {
    let header: Vec<&str> = record.iter().map(str::trim).collect();
    let position = |col: Col| {
        col.names()
            .iter()
            .find_map(|name| header.iter().position(|h| h.eq_ignore_ascii_case(name)))
    };
    let missing: Vec<RowError> = REQUIRED
        .iter()
        .filter(|col| position(**col).is_none())
        .map(|col| {
            let [older, current] = col.names();
            let message = if older == current {
                format!("missing column `{older}`")
            } else {
                format!("missing column `{current}` (or `{older}` in an older export)")
            };
            RowError::new(line, Some(current), message)
        })
        .collect();
    let Some(handle) = position(Col::Handle).filter(|_| missing.is_empty()) else {
        return Err(missing);
    };
    let mut col_at = vec![None; header.len()];
    let mut names = [""; COLUMNS.len()];
    for (col, older, current) in COLUMNS {
        if let Some(at) = position(col) {
            col_at[at] = Some(col);
            names[col as usize] = if header[at].eq_ignore_ascii_case(older) {
                older
            } else {
                current
            };
        } else {
            names[col as usize] = current;
        }
    }
    let metafields = (0..header.len())
        .filter(|&at| col_at[at].is_none() && header[at].contains("(product.metafields."))
        .filter_map(|at| Some((at, header[at].to_string(), mapping.meaning_of(header[at])?)))
        .collect();
    Ok(Columns {
        col_at,
        names,
        metafields,
        handle,
        header_len: header.len(),
    })
}

impl Group {
    fn finish(self, columns: &Columns, options: &ImportOptions) -> Item {
        let Some(first) = self.rows.first() else {
            return Item::Invalid(self.errors);
        };
        if is_unpublished(first) {
            return if self.errors.is_empty() {
                Item::Skipped {
                    reason: SkipReason::Unpublished,
                    warnings: Vec::new(),
                }
            } else {
                Item::Invalid(self.errors)
            };
        }
        let item = product::build(&self.handle, self.first_line, &self.rows, columns, options);
        match item {
            _ if self.errors.is_empty() => item,
            Item::Invalid(mut more) => {
                let mut errors = self.errors;
                errors.append(&mut more);
                errors.sort_by_key(|e| e.row);
                Item::Invalid(errors)
            }
            _ => Item::Invalid(self.errors),
        }
    }
}

/// `Published` is false, or `Status` is draft, archived or unlisted.
fn is_unpublished(first: &Row) -> bool {
    first.get(Col::Published).eq_ignore_ascii_case("false")
        || ["draft", "archived", "unlisted"]
            .iter()
            .any(|s| first.get(Col::Status).eq_ignore_ascii_case(s))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn columns_are_listed_in_the_order_of_their_enum() {
        for (at, (col, _, _)) in COLUMNS.iter().enumerate() {
            assert_eq!(*col as usize, at);
        }
    }
}
