//! Orders import: streams orders out of Shopify's orders CSV export or our JSON Lines format,
//! with the same rules as the catalog import: [`validate`] reads the whole file and reports
//! every bad row, then [`read_orders`] streams the orders into one transaction. Memory stays
//! bounded: one order's rows at a time, plus the order numbers seen for the duplicate check.
//! `docs/orders.md` describes both formats.

mod shopify_csv;

use super::{Order, OrderInput, OrderRules};
use crate::import::json_lines::JsonLines;
use crate::import::{Findings, RowError};
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

/// The formats an orders file can be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Our own: JSON Lines, one order object per line (the orders API's body plus `number`).
    Json,
    /// Shopify's orders export: one row per line item.
    ShopifyCsv,
}

impl Format {
    /// The format of a file: JSON Lines by its extension (`.jsonl`, `.ndjson`, `.json`), a CSV
    /// by its header row (`None` when it is not Shopify's orders export).
    pub fn detect(path: &Path) -> std::io::Result<Option<Format>> {
        if crate::import::is_json_lines(path) {
            return Ok(Some(Format::Json));
        }
        Ok(match crate::import::csv_header(path)? {
            Some(names) => {
                let has = |name: &str| names.iter().any(|n| n == name);
                (has("name") && has("lineitem name")).then_some(Format::ShopifyCsv)
            }
            // Empty, or unreadable from its first line: the reader says what is wrong and where.
            None => Some(Format::ShopifyCsv),
        })
    }
}

/// What a reader found next.
#[derive(Debug)]
enum Item {
    /// A valid order, with the row where it starts and what is worth a warning.
    Order {
        row: u64,
        order: Box<Order>,
        warnings: Vec<RowError>,
    },
    /// An order left out on purpose (no email to look it up by), with the warning that says so.
    Skipped(RowError),
    /// The errors of one bad order or row.
    Invalid(Vec<RowError>),
}

/// Streams orders out of an orders file; made by [`read_orders`].
pub struct Orders<R: Read> {
    reader: Reader<R>,
}

enum Reader<R: Read> {
    Json(JsonLines<R>),
    ShopifyCsv(Box<shopify_csv::ShopifyOrdersCsv<R>>),
}

impl<R: Read> Orders<R> {
    fn next_item(&mut self) -> Option<Item> {
        match &mut self.reader {
            Reader::Json(lines) => Some(match lines.next_line()? {
                Ok((row, text)) => json_order(row, &text),
                Err(error) => Item::Invalid(vec![error]),
            }),
            Reader::ShopifyCsv(reader) => reader.next_item(),
        }
    }

    fn number_column(&self) -> &'static str {
        match self.reader {
            Reader::Json(_) => "number",
            Reader::ShopifyCsv(_) => "Name",
        }
    }
}

impl<R: Read> Iterator for Orders<R> {
    type Item = Result<Order, Vec<RowError>>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match self.next_item()? {
                Item::Order { order, .. } => return Some(Ok(*order)),
                Item::Skipped(_) => {}
                Item::Invalid(errors) => return Some(Err(errors)),
            }
        }
    }
}

/// Streams orders out of `reader`; each item is one order or the errors of one bad order.
/// Orders without an email are left out. Does not check for numbers used twice: [`validate`]
/// does.
pub fn read_orders<R: Read>(reader: R, format: Format, rules: &OrderRules) -> Orders<R> {
    let reader = match format {
        Format::Json => Reader::Json(JsonLines::new(reader, "order")),
        Format::ShopifyCsv => Reader::ShopifyCsv(Box::new(shopify_csv::ShopifyOrdersCsv::new(
            reader,
            rules.clone(),
        ))),
    };
    Orders { reader }
}

/// Everything wrong with an orders file, and what is worth a warning. Import only when
/// [`Findings::is_ok`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderReport {
    /// Valid orders found.
    pub orders: u64,
    /// Orders left out because they have no email (point-of-sale or phone orders).
    pub skipped: u64,
    /// The errors and warnings.
    pub findings: Findings,
}

impl std::ops::Deref for OrderReport {
    type Target = Findings;
    fn deref(&self) -> &Findings {
        &self.findings
    }
}

/// Reads the whole of `reader` (streaming) and reports every problem, including an order number
/// used twice (in a Shopify export, an order's rows must follow each other).
pub fn validate<R: Read>(reader: R, format: Format, rules: &OrderRules) -> OrderReport {
    let mut report = OrderReport::default();
    let mut first_row_of: HashMap<String, u64> = HashMap::new();
    let mut orders = read_orders(reader, format, rules);
    while let Some(item) = orders.next_item() {
        match item {
            Item::Order {
                row,
                order,
                warnings,
            } => {
                warnings.into_iter().for_each(|w| report.findings.warn(w));
                let number = order.number.as_str();
                if let Some(first) = first_row_of.get(number) {
                    report.findings.push(RowError::new(
                        row,
                        Some(orders.number_column()),
                        format!("order {number} is already at row {first}"),
                    ));
                } else {
                    first_row_of.insert(number.to_string(), row);
                    report.orders += 1;
                }
            }
            Item::Skipped(warning) => {
                report.skipped += 1;
                report.findings.warn(warning);
            }
            Item::Invalid(errors) => errors.into_iter().for_each(|e| report.findings.push(e)),
        }
    }
    report
}

/// One JSON line → an order, or every problem of that line.
fn json_order(row: u64, text: &str) -> Item {
    let input: OrderInput = match serde_json::from_str(text) {
        Ok(input) => input,
        Err(error) => {
            let message = format!("not an order: {error}");
            return Item::Invalid(vec![RowError::new(row, None, message)]);
        }
    };
    match input.into_order(None) {
        Ok(order) => Item::Order {
            row,
            order: Box::new(order),
            warnings: Vec::new(),
        },
        Err(invalid) => Item::Invalid(
            invalid
                .into_iter()
                .map(|i| RowError::new(row, Some(&i.field), i.message))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn json_lines_name_each_bad_field_by_its_line() {
        let file = "{\"number\":\"A-1\",\"email\":\"a@example.com\",\"placed_at\":\"2026-11-01T10:00:00Z\"}\n\
                    \n\
                    {\"number\":\"A-2\",\"email\":\"nope\",\"placed_at\":\"2026-11-01T10:00:00Z\"}\n\
                    {\"number\":\"A-1\",\"email\":\"b@example.com\",\"placed_at\":\"2026-11-01T10:00:00Z\"}\n\
                    {\"number\":\"A-3\"}\n";
        let report = validate(file.as_bytes(), Format::Json, &OrderRules::default());
        assert_eq!(report.orders, 1);
        let text = report.render("orders.jsonl");
        assert_eq!(
            text,
            "orders.jsonl: row 3, column email: is not an email address\n\
             orders.jsonl: row 4, column number: order A-1 is already at row 1\n\
             orders.jsonl: row 5: not an order: missing field `email` at line 1 column 16\n"
        );
    }

    #[test]
    fn a_shopify_export_is_told_by_its_header() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("orders_export_1.csv");
        std::fs::write(
            &path,
            "Name,Email,Financial Status,Lineitem name\n#1001,a@b.co,paid,Ring\n",
        )
        .unwrap();
        assert_eq!(Format::detect(&path).unwrap(), Some(Format::ShopifyCsv));
        std::fs::write(&path, "Handle,Title\n").unwrap();
        assert_eq!(Format::detect(&path).unwrap(), None);
        assert_eq!(
            Format::detect(Path::new("x.jsonl")).unwrap(),
            Some(Format::Json)
        );
    }
}
