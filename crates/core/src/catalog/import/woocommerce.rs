//! WooCommerce's product CSV export → products (the columns of WooCommerce's "Product CSV
//! Import Schema" and its sample export; see `docs/catalog-import.md`).
//!
//! A simple product is one row. A variable product is a `variable` row plus `variation` rows
//! naming it in `Parent` (`id:44` or its SKU); the export lists rows by id, so a variation may
//! come long after its parent, and variable products are held until the end of the file.
//! Grouped and external products, and virtual or downloadable ones, are not sold through the
//! concierge: they are skipped and counted.

use super::draft::{self, Cell, Draft, Variant};
use super::mapping::{Mapping, Meaning, StoneField};
use super::{ImportOptions, Item, Queue, RowError, SkipReason, Stepper};
use crate::import::csv_file::{CsvFile, too_wide};
use csv::StringRecord;
use std::collections::HashMap;
use std::io::Read;

/// The columns we read; the export's others (tax, weight, downloads, …) are ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Id,
    Type,
    Sku,
    Name,
    Published,
    Visibility,
    ShortDescription,
    Description,
    InStock,
    Stock,
    SalePrice,
    SaleStarts,
    SaleEnds,
    RegularPrice,
    Categories,
    Tags,
    Images,
    Parent,
}

const COLUMNS: [(Col, &str); 18] = [
    (Col::Id, "ID"),
    (Col::Type, "Type"),
    (Col::Sku, "SKU"),
    (Col::Name, "Name"),
    (Col::Published, "Published"),
    (Col::Visibility, "Visibility in catalog"),
    (Col::ShortDescription, "Short description"),
    (Col::Description, "Description"),
    (Col::InStock, "In stock?"),
    (Col::Stock, "Stock"),
    (Col::SalePrice, "Sale price"),
    (Col::SaleStarts, "Date sale price starts"),
    (Col::SaleEnds, "Date sale price ends"),
    (Col::RegularPrice, "Regular price"),
    (Col::Categories, "Categories"),
    (Col::Tags, "Tags"),
    (Col::Images, "Images"),
    (Col::Parent, "Parent"),
];

/// Without these the file cannot be a WooCommerce export.
const REQUIRED: [Col; 4] = [Col::Type, Col::Name, Col::RegularPrice, Col::Parent];

/// Where our columns, the attributes and the meta columns are in this file's header.
struct Columns {
    at: [Option<usize>; COLUMNS.len()],
    /// (name column, value(s) column) of each attribute.
    attributes: Vec<(usize, usize)>,
    /// (position, key, meaning) of each `Meta: key` column the mapping gives a meaning.
    metas: Vec<(usize, String, Meaning)>,
    header_len: usize,
}

/// One data row, trimmed, its fields in one exactly sized buffer (variable products are held
/// until the end of the file, so a row's size is what bounds memory).
struct Row {
    line: u64,
    text: Box<str>,
    /// Where each field ends in `text`.
    ends: Box<[u32]>,
}

impl Row {
    fn new(line: u64, record: &StringRecord) -> Row {
        let mut text = String::new();
        let mut ends = Vec::with_capacity(record.len());
        for field in record {
            text.push_str(field.trim());
            ends.push(u32::try_from(text.len()).unwrap_or(u32::MAX));
        }
        Row {
            line,
            text: text.into_boxed_str(),
            ends: ends.into_boxed_slice(),
        }
    }

    /// Field `at`; empty when the row is short.
    fn field(&self, at: usize) -> &str {
        let end = self.ends.get(at).map_or(0, |&e| e as usize);
        let start = match at {
            0 => 0,
            _ => self.ends.get(at - 1).map_or(end, |&e| e as usize),
        };
        self.text.get(start..end).unwrap_or("")
    }
}

/// A variable product waiting for its variations.
struct Parent {
    row: Row,
    variations: Vec<Row>,
}

/// Reads a WooCommerce product CSV export.
pub(super) struct WooCommerceCsv<R: Read> {
    csv: CsvFile<R>,
    options: ImportOptions,
    columns: Option<Columns>,
    parents: Vec<Parent>,
    /// A parent's index in `parents` by `id:N` and by SKU.
    parent_by_key: HashMap<String, usize>,
    /// Variations whose parent has not come yet.
    orphans: Vec<Row>,
    queue: Queue,
}

impl<R: Read> Stepper for WooCommerceCsv<R> {
    fn queue(&mut self) -> &mut Queue {
        &mut self.queue
    }

    fn step(&mut self) {
        self.read_next();
    }
}

impl<R: Read> WooCommerceCsv<R> {
    pub(super) fn new(reader: R, options: ImportOptions) -> Self {
        WooCommerceCsv {
            csv: CsvFile::new(reader, "products"),
            options,
            columns: None,
            parents: Vec::new(),
            parent_by_key: HashMap::new(),
            orphans: Vec::new(),
            queue: Queue::default(),
        }
    }

    fn read_next(&mut self) {
        match self.csv.next_record() {
            Err(error) => {
                self.queue.items.push_back(Item::Invalid(vec![error]));
                self.queue.done = true;
            }
            Ok(None) => {
                self.finish();
                self.queue.done = true;
            }
            Ok(Some((line, record))) => match &self.columns {
                None => match read_header(line, record, &self.options.mapping) {
                    Ok(columns) => self.columns = Some(columns),
                    Err(errors) => {
                        self.queue.items.push_back(Item::Invalid(errors));
                        self.queue.done = true;
                    }
                },
                Some(columns) => match too_wide(line, record, columns.header_len) {
                    Some(error) => self.queue.items.push_back(Item::Invalid(vec![error])),
                    None => {
                        let row = Row::new(line, record);
                        self.read_row(row);
                    }
                },
            },
        }
    }

    fn read_row(&mut self, row: Row) {
        let Some(columns) = &self.columns else {
            return;
        };
        let kinds = types(columns.get(&row, Col::Type));
        let has = |kind: &str| kinds.contains(&kind);
        if has("variation") {
            let parent = columns.get(&row, Col::Parent).to_string();
            match self.parent_by_key.get(&parent_key(&parent)) {
                Some(&at) => self.parents[at].variations.push(row),
                None => self.orphans.push(row),
            }
        } else if has("variable") {
            let at = self.parents.len();
            let id = columns.get(&row, Col::Id);
            let sku = columns.get(&row, Col::Sku);
            for key in [format!("id:{id}"), sku.to_lowercase()] {
                if key != "id:" && !key.is_empty() {
                    self.parent_by_key.insert(key, at);
                }
            }
            self.parents.push(Parent {
                row,
                variations: Vec::new(),
            });
        } else if !has("simple") || has("virtual") || has("downloadable") {
            // Grouped, external, virtual or downloadable: nothing to ship.
            self.queue.items.push_back(Item::Skipped {
                reason: SkipReason::NotSold,
                warnings: Vec::new(),
            });
        } else if !is_listed(columns, &row) {
            self.queue.items.push_back(Item::Skipped {
                reason: SkipReason::Unpublished,
                warnings: Vec::new(),
            });
        } else {
            let item = build(columns, &row, None, &self.options);
            self.queue.items.push_back(item);
        }
    }

    /// At the end of the file: the variable products, and the variations that found no parent.
    fn finish(&mut self) {
        // The file reports one without a header or rows; a header it refused ended reading.
        let Some(columns) = &self.columns else {
            return;
        };
        for orphan in std::mem::take(&mut self.orphans) {
            let parent = columns.get(&orphan, Col::Parent).to_string();
            match self.parent_by_key.get(&parent_key(&parent)) {
                Some(&at) => self.parents[at].variations.push(orphan),
                None => {
                    let message = format!("the variation's parent `{parent}` is not in the file");
                    let error = RowError::new(orphan.line, Some("Parent"), message);
                    self.queue.items.push_back(Item::Invalid(vec![error]));
                }
            }
        }
        for parent in std::mem::take(&mut self.parents) {
            let item = if !is_listed(columns, &parent.row) {
                Item::Skipped {
                    reason: SkipReason::Unpublished,
                    warnings: Vec::new(),
                }
            } else {
                let sold: Vec<Row> = parent
                    .variations
                    .into_iter()
                    .filter(|v| {
                        let kinds = types(columns.get(v, Col::Type));
                        !kinds.contains(&"virtual") && !kinds.contains(&"downloadable")
                    })
                    .filter(|v| columns.get(v, Col::Published) != "0")
                    .collect();
                if sold.is_empty() {
                    // Nothing of it on sale (variations disabled, virtual, or not made yet).
                    let name = columns.get(&parent.row, Col::Name);
                    let message = format!("`{name}` has no variation on sale; skipped");
                    Item::Skipped {
                        reason: SkipReason::NotSold,
                        warnings: vec![RowError::new(parent.row.line, None, message)],
                    }
                } else {
                    build(columns, &parent.row, Some(&sold), &self.options)
                }
            };
            self.queue.items.push_back(item);
        }
    }
}

impl Columns {
    fn get<'a>(&self, row: &'a Row, col: Col) -> &'a str {
        self.at[col as usize].map_or("", |at| row.field(at))
    }
}

/// The flags of a `Type` cell: `simple, downloadable, virtual` → [simple, downloadable, virtual].
fn types(text: &str) -> Vec<&str> {
    text.split(',').map(str::trim).collect()
}

/// How a `Parent` cell is looked up: `id:44` as is, a SKU in lowercase.
fn parent_key(parent: &str) -> String {
    let parent = parent.trim();
    match parent.strip_prefix("id:") {
        Some(id) => format!("id:{}", id.trim()),
        None => parent.to_lowercase(),
    }
}

/// Published (`1`) and not hidden from the catalog.
fn is_listed(columns: &Columns, row: &Row) -> bool {
    let published = columns.get(row, Col::Published);
    let visibility = columns.get(row, Col::Visibility);
    (published.is_empty() || published == "1") && !visibility.eq_ignore_ascii_case("hidden")
}

fn read_header(
    line: u64,
    record: &StringRecord,
    mapping: &Mapping,
) -> Result<Columns, Vec<RowError>> {
    let header: Vec<&str> = record.iter().map(str::trim).collect();
    let position = |name: &str| header.iter().position(|h| h.eq_ignore_ascii_case(name));
    let mut at = [None; COLUMNS.len()];
    for (col, name) in COLUMNS {
        at[col as usize] = position(name);
    }
    let missing: Vec<RowError> = REQUIRED
        .iter()
        .filter(|col| at[**col as usize].is_none())
        .map(|col| {
            let name = COLUMNS[*col as usize].1;
            RowError::new(line, Some(name), format!("missing column `{name}`"))
        })
        .collect();
    if !missing.is_empty() {
        return Err(missing);
    }
    let attributes = (1..=header.len())
        .map_while(|n| {
            Some((
                position(&format!("Attribute {n} name"))?,
                position(&format!("Attribute {n} value(s)"))?,
            ))
        })
        .collect();
    let metas = (0..header.len())
        .filter_map(|i| {
            let key = header[i].strip_prefix("Meta:")?.trim();
            Some((i, key.to_string(), mapping.meaning_of(key)?))
        })
        .collect();
    Ok(Columns {
        at,
        attributes,
        metas,
        header_len: header.len(),
    })
}

/// What an attribute (by its name on the product row and its values) describes.
fn attribute_role(mapping: &Mapping, name: &str, values: &str) -> Option<Role> {
    if name.is_empty() {
        return None;
    }
    let mut values = values
        .split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .peekable();
    if mapping.is_metal_option(name)
        || (values.peek().is_some() && values.all(|v| mapping.metal_of_value(v).is_some()))
    {
        return Some(Role::Metal);
    }
    mapping.stone_field(name).map(Role::Stone)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Metal,
    Stone(StoneField),
}

/// The product of a simple row (no `variations`: the row is its own variant) or of a variable
/// row and its variations.
fn build<'a>(
    columns: &Columns,
    product: &'a Row,
    variations: Option<&'a [Row]>,
    options: &ImportOptions,
) -> Item {
    let mapping = &options.mapping;
    let get = |row: &'_ Row, col: Col| -> String { columns.get(row, col).to_string() };
    let id = {
        let sku = get(product, Col::Sku);
        if sku.is_empty() {
            format!("wc-{}", get(product, Col::Id))
        } else {
            slug(&sku)
        }
    };
    let simple = variations.is_none();
    // Each row's attributes by their own names: a variation numbers only its variation
    // attributes, so its `Attribute 1` may be its parent's `Attribute 2`.
    let attributes = |row: &'a Row| -> Vec<(Role, Cell<'a>)> {
        (columns.attributes.iter())
            .filter_map(|&(name, values)| {
                let text = row.field(values);
                // A variation holds one value; the first counts when there are several.
                let text = if simple {
                    text
                } else {
                    text.split(',').next().unwrap_or("").trim()
                };
                let role = attribute_role(mapping, row.field(name), text)?;
                Some((role, Cell::new(text, row.line, "Attribute value(s)")))
            })
            .collect()
    };
    let variants: Vec<Variant> = variations
        .unwrap_or(std::slice::from_ref(product))
        .iter()
        .map(|row| {
            let attributes = attributes(row);
            let sale = columns.get(row, Col::SalePrice);
            let on_sale = !sale.is_empty() && sale_runs(columns, row, options.today);
            let (price, column) = if !on_sale {
                (columns.get(row, Col::RegularPrice), "Regular price")
            } else {
                (sale, "Sale price")
            };
            Variant {
                price: Cell::new(price, row.line, column),
                metal: (attributes.iter())
                    .filter(|(role, _)| !simple && *role == Role::Metal)
                    .map(|(_, cell)| *cell)
                    .collect(),
                in_stock: columns.get(row, Col::InStock) == "1",
                // `parent`: the parent product manages the stock of its variations.
                stock: Some(Cell::new(columns.get(row, Col::Stock), row.line, "Stock"))
                    .filter(|cell| cell.text != "parent"),
                image: first_image(columns.get(row, Col::Images)),
                stones: (attributes.iter())
                    .filter_map(|(role, cell)| match role {
                        Role::Stone(field) => Some((*field, *cell)),
                        Role::Metal => None,
                    })
                    .collect(),
            }
        })
        .collect();
    let metal_texts: Vec<Cell> = (attributes(product).into_iter())
        .filter(|(role, _)| simple && *role == Role::Metal)
        .map(|(_, cell)| cell)
        .chain(
            (columns.metas.iter())
                .filter(|(_, _, meaning)| *meaning == Meaning::Metal)
                .map(|(at, key, _)| meta_cell(product, *at, key)),
        )
        .collect();
    let stones = (columns.metas.iter())
        .filter_map(|(at, key, meaning)| match meaning {
            Meaning::Stone(field) => Some((*field, meta_cell(product, *at, key))),
            Meaning::Metal => None,
        })
        .collect();
    let description = match columns.get(product, Col::Description) {
        "" => columns.get(product, Col::ShortDescription),
        text => text,
    };
    let name = columns.get(product, Col::Name);
    let draft = Draft {
        row: product.line,
        id: Cell::new(&id, product.line, "SKU"),
        title: Cell::new(name, product.line, "Name"),
        description,
        category_texts: draft::tags(columns.get(product, Col::Categories))
            .into_iter()
            .map(|category| Cell::new(category, product.line, "Categories"))
            .collect(),
        tags: draft::tags(columns.get(product, Col::Tags)),
        metal_texts,
        stones,
        variants,
        images: draft::tags(columns.get(product, Col::Images))
            .into_iter()
            .map(|url| (url, ""))
            .collect(),
        image_column: "Images",
        price_column: "Regular price",
        tags_column: "Tags",
        url: format!("/product/{}", slug(name)),
        platform_id: Some(get(product, Col::Id)).filter(|id| !id.is_empty()),
    };
    draft::build(&draft, options)
}

/// Whether a sale price applies on `today`: its dates (`2026-11-27`, a time after the date is
/// ignored) are empty or around today. A date that cannot be read leaves the sale on, as
/// WooCommerce shows it.
fn sale_runs(columns: &Columns, row: &Row, today: chrono::NaiveDate) -> bool {
    let date = |col: Col| {
        let text = columns.get(row, col);
        chrono::NaiveDate::parse_from_str(text.get(..10).unwrap_or(text), "%Y-%m-%d").ok()
    };
    date(Col::SaleStarts).is_none_or(|starts| starts <= today)
        && date(Col::SaleEnds).is_none_or(|ends| today <= ends)
}

/// A `Meta: key` cell; its key read like an option name (`_setting_style` → setting style).
fn meta_cell<'a>(row: &'a Row, at: usize, key: &'a str) -> Cell<'a> {
    Cell::new(row.field(at), row.line, key)
}

/// The first of a comma-separated list of image URLs.
fn first_image(images: &str) -> &str {
    images.split(',').next().unwrap_or("").trim()
}

/// A SKU or name as an id: lowercase letters (accents dropped) and digits, anything else one
/// dash.
fn slug(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase).map(unaccented) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_string()
}

/// A Latin letter without its accent (`é` → `e`); other characters as they are.
fn unaccented(c: char) -> char {
    const FROM: &str = "àáâãäåçèéêëìíîïñòóôõöøùúûüýÿ";
    const TO: &str = "aaaaaaceeeeiiiinoooooouuuuyy";
    FROM.chars()
        .position(|f| f == c)
        .and_then(|i| TO.chars().nth(i))
        .unwrap_or(c)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn skus_and_names_become_ids() {
        assert_eq!(slug("RNG_001/A"), "rng-001-a");
        assert_eq!(slug("  Éclat Ring "), "eclat-ring");
        assert_eq!(slug("woo-vneck-tee"), "woo-vneck-tee");
    }

    #[test]
    fn a_parent_is_found_by_id_or_by_sku_in_any_case() {
        assert_eq!(parent_key("id:44"), "id:44");
        assert_eq!(parent_key(" id: 44 "), "id:44");
        assert_eq!(parent_key("WOO-Hoodie"), "woo-hoodie");
    }
}
