//! Shopify's orders export (`orders_export_1.csv`): one row per line item, the order's own
//! fields (email, statuses, dates, totals, id, tags) on its first row. Columns are found by
//! name, so the older exports (fewer columns) and the current one (79) both read.

use super::{Item, Order, OrderRules};
use crate::email::Email;
use crate::import::RowError;
use crate::import::csv_file::{CsvFile, too_wide};
use crate::import::price::parse_price;
use crate::money::Money;
use crate::orders::shopify::{Facts, ring_size, tagged_made_to_order};
use crate::orders::{OrderItem, OrderNumber, input};
use chrono::{DateTime, FixedOffset, Utc};
use csv::StringRecord;
use std::collections::VecDeque;
use std::io::Read;

/// Most rows (line items) one order may have.
const MAX_ROWS_PER_ORDER: usize = 250;

/// The columns we read, in the order of [`COLUMNS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Name,
    Email,
    FinancialStatus,
    PaidAt,
    FulfillmentStatus,
    FulfilledAt,
    Currency,
    CreatedAt,
    LineitemQuantity,
    LineitemName,
    LineitemPrice,
    CancelledAt,
    RefundedAmount,
    Id,
    Tags,
}

/// Each column's header name, and whether an export without it is refused.
const COLUMNS: [(Col, &str, bool); 15] = [
    (Col::Name, "Name", true),
    (Col::Email, "Email", true),
    (Col::FinancialStatus, "Financial Status", false),
    (Col::PaidAt, "Paid at", false),
    (Col::FulfillmentStatus, "Fulfillment Status", false),
    (Col::FulfilledAt, "Fulfilled at", false),
    (Col::Currency, "Currency", false),
    (Col::CreatedAt, "Created at", true),
    (Col::LineitemQuantity, "Lineitem quantity", true),
    (Col::LineitemName, "Lineitem name", true),
    (Col::LineitemPrice, "Lineitem price", true),
    (Col::CancelledAt, "Cancelled at", false),
    (Col::RefundedAmount, "Refunded Amount", false),
    (Col::Id, "Id", false),
    (Col::Tags, "Tags", false),
];

/// Where each of our columns is in the file's header.
struct Columns {
    at: [Option<usize>; COLUMNS.len()],
    header_len: usize,
}

/// One data row: our columns' values.
struct Row {
    line: u64,
    values: Vec<String>,
}

impl Row {
    fn get(&self, col: Col) -> &str {
        &self.values[col as usize]
    }

    fn cell(&self, col: Col) -> (&str, u64, &'static str) {
        (self.get(col), self.line, COLUMNS[col as usize].1)
    }
}

/// Reads an orders export one order (its rows) at a time.
pub(super) struct ShopifyOrdersCsv<R: Read> {
    csv: CsvFile<R>,
    rules: OrderRules,
    columns: Option<Columns>,
    /// The rows of the order being read.
    rows: Vec<Row>,
    errors: Vec<RowError>,
    queue: VecDeque<Item>,
    done: bool,
}

impl<R: Read> ShopifyOrdersCsv<R> {
    pub(super) fn new(reader: R, rules: OrderRules) -> Self {
        ShopifyOrdersCsv {
            csv: CsvFile::new(reader, "orders"),
            rules,
            columns: None,
            rows: Vec::new(),
            errors: Vec::new(),
            queue: VecDeque::new(),
            done: false,
        }
    }

    pub(super) fn next_item(&mut self) -> Option<Item> {
        loop {
            if let Some(item) = self.queue.pop_front() {
                return Some(item);
            }
            if self.done {
                return None;
            }
            self.step();
        }
    }

    fn step(&mut self) {
        match self.csv.next_record() {
            Err(error) => {
                self.finish_order();
                self.queue.push_back(Item::Invalid(vec![error]));
                self.done = true;
            }
            Ok(None) => {
                self.finish_order();
                self.done = true;
            }
            Ok(Some((line, record))) => match &self.columns {
                None => match read_header(line, record) {
                    Ok(columns) => self.columns = Some(columns),
                    Err(errors) => {
                        self.queue.push_back(Item::Invalid(errors));
                        self.done = true;
                    }
                },
                Some(columns) => {
                    let record = record.clone();
                    let row = read_row(columns, line, &record);
                    self.add_row(columns.header_len, row, &record);
                }
            },
        }
    }

    fn add_row(&mut self, header_len: usize, row: Row, record: &StringRecord) {
        let starts_new = self
            .rows
            .first()
            .is_none_or(|first| first.get(Col::Name) != row.get(Col::Name));
        if starts_new {
            self.finish_order();
        }
        self.errors.extend(too_wide(row.line, record, header_len));
        if row.get(Col::Name).is_empty() {
            self.errors.push(RowError::new(
                row.line,
                Some("Name"),
                "the order name is empty",
            ));
        }
        if self.rows.len() == MAX_ROWS_PER_ORDER {
            let message = format!("more than {MAX_ROWS_PER_ORDER} line items in one order");
            self.errors
                .push(RowError::new(row.line, Some("Name"), message));
        }
        if self.rows.len() < MAX_ROWS_PER_ORDER || starts_new {
            self.rows.push(row);
        }
    }

    fn finish_order(&mut self) {
        let rows = std::mem::take(&mut self.rows);
        let mut errors = std::mem::take(&mut self.errors);
        if rows.is_empty() {
            if !errors.is_empty() {
                self.queue.push_back(Item::Invalid(errors));
            }
            return;
        }
        let item = match build(&rows, &self.rules) {
            Ok(item) if errors.is_empty() => item,
            Ok(_) => Item::Invalid(errors),
            Err(mut more) => {
                errors.append(&mut more);
                errors.sort_by_key(|e| e.row);
                Item::Invalid(errors)
            }
        };
        self.queue.push_back(item);
    }
}

/// Finds our columns in the header row; an export without a required one is refused.
fn read_header(line: u64, record: &StringRecord) -> Result<Columns, Vec<RowError>> {
    let names: Vec<String> = record.iter().map(|n| n.trim().to_lowercase()).collect();
    let mut at = [None; COLUMNS.len()];
    let mut errors = Vec::new();
    for (col, name, required) in COLUMNS {
        at[col as usize] = names.iter().position(|n| *n == name.to_lowercase());
        if required && at[col as usize].is_none() {
            let message = format!(
                "the column `{name}` is missing: is this Shopify's orders export (Orders → Export)?"
            );
            errors.push(RowError::new(line, None, message));
        }
    }
    if errors.is_empty() {
        Ok(Columns {
            at,
            header_len: record.len(),
        })
    } else {
        Err(errors)
    }
}

fn read_row(columns: &Columns, line: u64, record: &StringRecord) -> Row {
    let values = columns
        .at
        .iter()
        .map(|at| {
            at.and_then(|at| record.get(at))
                .unwrap_or("")
                .trim()
                .to_string()
        })
        .collect();
    Row { line, values }
}

/// One order's rows → the order, a skip (no email), or every error of its rows.
fn build(rows: &[Row], rules: &OrderRules) -> Result<Item, Vec<RowError>> {
    let Some(first) = rows.first() else {
        return Err(Vec::new());
    };
    let mut errors = Vec::new();
    let name = first.get(Col::Name);
    let number = OrderNumber::normalise(name);
    let email = first.get(Col::Email);
    let time = |col: Col, errors: &mut Vec<RowError>| -> Option<DateTime<Utc>> {
        let (text, line, column) = first.cell(col);
        if text.is_empty() {
            return None;
        }
        parse_time(text)
            .map_err(|message| errors.push(RowError::new(line, Some(column), message)))
            .ok()
    };
    let created_at = time(Col::CreatedAt, &mut errors);
    if created_at.is_none() && errors.is_empty() {
        errors.push(RowError::new(
            first.line,
            Some("Created at"),
            "the order date is empty",
        ));
    }
    let paid_at = time(Col::PaidAt, &mut errors);
    let fulfilled_at = time(Col::FulfilledAt, &mut errors);
    let cancelled_at = time(Col::CancelledAt, &mut errors);
    let digits = rules.currency.digits();
    let refunded = first.get(Col::RefundedAmount);
    if !refunded.is_empty()
        && let Err(message) = parse_price(refunded, digits)
    {
        errors.push(RowError::new(first.line, Some("Refunded Amount"), message));
    }
    let tagged = tagged_made_to_order(first.get(Col::Tags), rules);
    let items: Vec<OrderItem> = rows
        .iter()
        .filter_map(|row| item(row, digits, tagged, &mut errors))
        .collect();
    let email = if email.is_empty() {
        None
    } else {
        Email::parse(email)
            .map_err(|_| {
                let message = format!("`{email}` is not an email address");
                errors.push(RowError::new(first.line, Some("Email"), message));
            })
            .ok()
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let (Some(created_at), Some(email)) = (created_at, email) else {
        let message = format!(
            "order {name} has no email (a point-of-sale or phone order?): no shopper could look \
             it up, so it is left out"
        );
        return Ok(Item::Skipped(RowError::new(
            first.line,
            Some("Email"),
            message,
        )));
    };
    let mut warnings = Vec::new();
    let currency = first.get(Col::Currency);
    if !currency.is_empty() && !currency.eq_ignore_ascii_case(rules.currency.code()) {
        let message = format!(
            "order {name} is in {currency}, not the store's {}: its prices are kept as they are",
            rules.currency.code()
        );
        warnings.push(RowError::new(first.line, Some("Currency"), message));
    }
    let facts = Facts {
        created_at,
        paid_at,
        financial_status: first.get(Col::FinancialStatus).to_string(),
        fulfillment_status: first.get(Col::FulfillmentStatus).to_string(),
        fulfilled_at,
        cancelled_at,
        cancel_reason: None,
        refunded_at: None,
        updated_at: None,
        made_to_order: items.iter().any(|i| i.made_to_order),
        fulfilments: Vec::new(),
    };
    let id = first.get(Col::Id);
    let order = Order::assemble(
        number,
        email,
        created_at,
        None,
        (!id.is_empty()).then(|| id.to_string()),
        items,
        facts.timeline(),
    );
    Ok(Item::Order {
        row: first.line,
        order: Box::new(order),
        warnings,
    })
}

/// One row's line item, or its errors pushed to `errors`.
fn item(row: &Row, digits: u32, tagged: bool, errors: &mut Vec<RowError>) -> Option<OrderItem> {
    let before = errors.len();
    let (name, line, name_column) = row.cell(Col::LineitemName);
    if name.is_empty() {
        errors.push(RowError::new(
            line,
            Some(name_column),
            "the line item has no name",
        ));
    } else if name.chars().count() > input::MAX_TEXT_CHARS {
        let message = format!("longer than {} characters", input::MAX_TEXT_CHARS);
        errors.push(RowError::new(line, Some(name_column), message));
    }
    let (text, _, column) = row.cell(Col::LineitemQuantity);
    let quantity = text
        .parse::<i32>()
        .ok()
        .filter(|q| (1..=10_000).contains(q));
    if quantity.is_none() {
        let message = format!("`{text}` is not a quantity (a whole number from 1)");
        errors.push(RowError::new(line, Some(column), message));
    }
    let (text, _, column) = row.cell(Col::LineitemPrice);
    let price = parse_price(text, digits)
        .map_err(|message| errors.push(RowError::new(line, Some(column), message)))
        .ok();
    if errors.len() > before {
        return None;
    }
    // "Halo Ring - 14K White Gold / 6.5": the title, then the variant's options.
    let (title, variant) = name.rsplit_once(" - ").unwrap_or((name, ""));
    Some(OrderItem {
        product_id: None,
        title: name.to_string(),
        quantity: quantity?,
        price: Money::from_minor(price?),
        ring_size: ring_size(title, variant),
        made_to_order: tagged,
    })
}

/// A time as Shopify's exports write it (`2026-05-12 12:54:07 -0700`), or RFC 3339.
fn parse_time(text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::<FixedOffset>::parse_from_str(text, "%Y-%m-%d %H:%M:%S %z")
        .or_else(|_| DateTime::parse_from_rfc3339(text))
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            format!("`{text}` is not a time like 2026-05-12 12:54:07 -0700 (as Shopify exports it)")
        })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn shopify_times_keep_their_offset() {
        let time = parse_time("2026-05-12 12:54:07 -0700").unwrap();
        assert_eq!(time.to_rfc3339(), "2026-05-12T19:54:07+00:00");
        assert!(parse_time("12/05/2026 12:54").is_err());
    }

    #[test]
    fn columns_are_listed_in_the_order_of_their_enum() {
        for (at, (col, _, _)) in COLUMNS.iter().enumerate() {
            assert_eq!(*col as usize, at);
        }
    }
}
