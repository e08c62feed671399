//! Shopify's product CSV export → products.
//!
//! A product spans consecutive rows with the same Handle: the first carries the product's fields,
//! the others further variants and/or images. Only the current handle's rows are held.

mod product;

use super::{Item, RowError};
use csv::ByteRecord;
use std::collections::VecDeque;
use std::io::Read;

/// The columns we read; the export's others (Vendor, Variant Grams, SEO Title, …) are ignored.
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

const COLUMNS: [(Col, &str); 20] = [
    (Col::Handle, "Handle"),
    (Col::Title, "Title"),
    (Col::Body, "Body (HTML)"),
    (Col::Type, "Type"),
    (Col::ProductCategory, "Product Category"),
    (Col::Tags, "Tags"),
    (Col::Published, "Published"),
    (Col::Status, "Status"),
    (Col::Option1Name, "Option1 Name"),
    (Col::Option1Value, "Option1 Value"),
    (Col::Option2Name, "Option2 Name"),
    (Col::Option2Value, "Option2 Value"),
    (Col::Option3Name, "Option3 Name"),
    (Col::Option3Value, "Option3 Value"),
    (Col::VariantSku, "Variant SKU"),
    (Col::VariantPrice, "Variant Price"),
    (Col::VariantInventoryQty, "Variant Inventory Qty"),
    (Col::VariantImage, "Variant Image"),
    (Col::ImageSrc, "Image Src"),
    (Col::ImageAltText, "Image Alt Text"),
];

/// Without these the file cannot be a Shopify export.
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
    fn name(self) -> &'static str {
        COLUMNS[self as usize].1
    }
}

/// Where our columns are in this file's header.
struct Columns {
    /// The header's names, to name the column of a broken field.
    names: Vec<String>,
    /// For each field position, the column we read there (if any).
    col_at: Vec<Option<Col>>,
    handle: usize,
}

/// One data row: the trimmed text of our columns.
struct Row {
    line: u64,
    values: Vec<String>,
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
    first_row_broken: bool,
}

/// Reads a Shopify product CSV export one row at a time.
pub(super) struct ShopifyCsv<R: Read> {
    csv: csv::Reader<R>,
    record: ByteRecord,
    columns: Option<Columns>,
    group: Option<Group>,
    out: VecDeque<Item>,
    data_rows: u64,
    done: bool,
}

impl<R: Read> ShopifyCsv<R> {
    pub(super) fn new(reader: R) -> Self {
        let csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(reader);
        ShopifyCsv {
            csv,
            record: ByteRecord::new(),
            columns: None,
            group: None,
            out: VecDeque::new(),
            data_rows: 0,
            done: false,
        }
    }

    pub(super) fn next_item(&mut self) -> Option<Item> {
        loop {
            if let Some(item) = self.out.pop_front() {
                return Some(item);
            }
            if self.done {
                return None;
            }
            self.step();
        }
    }

    /// Reads one record; queues whatever it completes.
    fn step(&mut self) {
        match self.csv.read_byte_record(&mut self.record) {
            Err(error) => {
                self.finish_group();
                let row = error.position().map_or(0, csv::Position::line);
                let message = format!("could not read the file: {error}");
                self.fail(RowError::new(row, None, message));
            }
            Ok(false) => {
                self.finish_group();
                if self.columns.is_none() {
                    self.fail(RowError::new(1, None, "the file is empty"));
                } else if self.data_rows == 0 {
                    let message = "no products: the file has only a header row";
                    self.fail(RowError::new(1, None, message));
                }
                self.done = true;
            }
            Ok(true) => {
                let line = self.record.position().map_or(0, csv::Position::line);
                if self.columns.is_none() {
                    self.read_header(line);
                } else {
                    self.read_row(line);
                }
            }
        }
    }

    fn fail(&mut self, error: RowError) {
        self.out.push_back(Item::Invalid(vec![error]));
        self.done = true;
    }

    fn read_header(&mut self, line: u64) {
        let mut names = Vec::with_capacity(self.record.len());
        for (i, field) in self.record.iter().enumerate() {
            let field = match i {
                0 => field.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(field),
                _ => field,
            };
            let Ok(name) = std::str::from_utf8(field) else {
                return self.fail(RowError::new(
                    line,
                    None,
                    "the header row is not valid UTF-8",
                ));
            };
            names.push(name.trim().to_string());
        }
        let position = |col: Col| {
            names
                .iter()
                .position(|n| n.eq_ignore_ascii_case(col.name()))
        };
        let missing: Vec<RowError> = REQUIRED
            .iter()
            .filter(|col| position(**col).is_none())
            .map(|col| {
                let message = format!("missing column `{}`", col.name());
                RowError::new(line, Some(col.name()), message)
            })
            .collect();
        let handle = position(Col::Handle);
        let (Some(handle), true) = (handle, missing.is_empty()) else {
            self.out.push_back(Item::Invalid(missing));
            self.done = true;
            return;
        };
        let mut col_at = vec![None; names.len()];
        for (col, _) in COLUMNS {
            if let Some(at) = position(col) {
                col_at[at] = Some(col);
            }
        }
        self.columns = Some(Columns {
            names,
            col_at,
            handle,
        });
    }

    fn read_row(&mut self, line: u64) {
        let Some(columns) = &self.columns else {
            return;
        };
        if self.record.iter().all(|f| f.trim_ascii().is_empty()) {
            return;
        }
        self.data_rows += 1;
        let mut errors = Vec::new();
        if self.record.len() > columns.names.len() {
            let message = format!(
                "the row has {} fields but the header has {}",
                self.record.len(),
                columns.names.len()
            );
            errors.push(RowError::new(line, None, message));
        }
        let mut values = vec![String::new(); COLUMNS.len()];
        for (at, field) in self.record.iter().enumerate() {
            match std::str::from_utf8(field) {
                Ok(text) => {
                    if let Some(Some(col)) = columns.col_at.get(at) {
                        values[*col as usize] = text.trim().to_string();
                    }
                }
                Err(_) => {
                    let column = columns.names.get(at).map(String::as_str);
                    errors.push(RowError::new(line, column, "not valid UTF-8"));
                }
            }
        }
        // The handle decides the grouping even when its bytes are broken (reported above).
        let handle = String::from_utf8_lossy(self.record.get(columns.handle).unwrap_or_default())
            .trim()
            .to_string();
        if handle.is_empty() {
            errors.push(RowError::new(line, Some("Handle"), "the Handle is empty"));
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
            first_row_broken: false,
        });
        group.row_count += 1;
        if !errors.is_empty() {
            group.first_row_broken |= group.row_count == 1;
            group.errors.append(&mut errors);
        } else if group.row_count <= MAX_ROWS_PER_HANDLE {
            group.rows.push(Row { line, values });
        } else if group.row_count == MAX_ROWS_PER_HANDLE + 1 {
            let message = format!("more than {MAX_ROWS_PER_HANDLE} rows for one handle");
            group
                .errors
                .push(RowError::new(line, Some("Handle"), message));
        }
    }

    fn finish_group(&mut self) {
        if let Some(group) = self.group.take() {
            self.out.extend(group.finish());
        }
    }
}

impl Group {
    fn finish(self) -> Vec<Item> {
        let mut errors = self.errors;
        let Some(first) = self.rows.first().filter(|_| !self.first_row_broken) else {
            return vec![Item::Invalid(errors)];
        };
        if is_unpublished(first) {
            return vec![if errors.is_empty() {
                Item::Skipped
            } else {
                Item::Invalid(errors)
            }];
        }
        match product::build(&self.handle, &self.rows) {
            Ok(products) if errors.is_empty() => products
                .into_iter()
                .map(|product| Item::Product {
                    row: self.first_line,
                    product,
                })
                .collect(),
            Ok(_) => vec![Item::Invalid(errors)],
            Err(mut more) => {
                errors.append(&mut more);
                errors.sort_by_key(|e| e.row);
                vec![Item::Invalid(errors)]
            }
        }
    }
}

/// `Published` is false, or `Status` is draft or archived.
fn is_unpublished(first: &Row) -> bool {
    first.get(Col::Published).eq_ignore_ascii_case("false")
        || ["draft", "archived"]
            .iter()
            .any(|s| first.get(Col::Status).eq_ignore_ascii_case(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_listed_in_the_order_of_their_enum() {
        for (at, (col, _)) in COLUMNS.iter().enumerate() {
            assert_eq!(*col as usize, at);
        }
    }
}
