//! Catalog import from files: our JSON Lines format and Shopify's product CSV export.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use aurora_core::catalog::import::{
    Format, MAX_REPORTED_ERRORS, RowError, ValidationReport, read_products, validate,
};
use aurora_core::catalog::{Category, Metal, Product};
use aurora_core::money::Money;
use std::fs::File;
use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

fn fixture(name: &str) -> File {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn format_of(name: &str) -> Format {
    Format::detect(name.as_ref()).unwrap()
}

fn products_of(name: &str) -> Vec<Product> {
    read_products(fixture(name), format_of(name))
        .collect::<Result<Vec<_>, _>>()
        .unwrap_or_else(|errors| panic!("{name}: {errors:?}"))
}

fn report_of(name: &str) -> ValidationReport {
    validate(fixture(name), format_of(name))
}

/// The (row, column) of every error, in report order.
fn located(report: &ValidationReport) -> Vec<(u64, Option<&str>)> {
    report
        .errors
        .iter()
        .map(|e| (e.row, e.column.as_deref()))
        .collect()
}

fn error_at<'a>(report: &'a ValidationReport, row: u64, column: Option<&str>) -> &'a RowError {
    report
        .errors
        .iter()
        .find(|e| e.row == row && e.column.as_deref() == column)
        .unwrap_or_else(|| panic!("no error at {row} {column:?}: {report:?}"))
}

const CDN: &str = "https://cdn.shopify.com/s/files/1/0001/products/";

#[allow(clippy::too_many_arguments)]
fn shopify_product(
    id: &str,
    handle: &str,
    title: &str,
    description: &str,
    category: Category,
    metal: Metal,
    price_cents: i64,
    ready_to_ship: bool,
    styles: &[&str],
    image: &str,
    image_alt: &str,
) -> Product {
    Product {
        id: id.to_string(),
        title: title.to_string(),
        description: description.to_string(),
        category,
        metal,
        price: Money::from_minor(price_cents),
        ready_to_ship,
        styles: styles.iter().map(|s| s.to_string()).collect(),
        image_url: format!("{CDN}{image}"),
        image_alt: image_alt.to_string(),
        url: format!("/products/{handle}"),
    }
}

#[test]
fn a_shopify_export_yields_one_product_per_handle_and_metal() {
    let halo = "A halo of pavé diamonds around a cushion centre.";
    let expected = vec![
        shopify_product(
            "solitaire-ring",
            "solitaire-ring",
            "Classic Solitaire Ring",
            "A single round diamond on a slim band & a four-claw setting. 0.5 ct diamond \
             Made in Antwerp — since 1952",
            Category::Rings,
            Metal::YellowGold,
            125_000,
            true,
            &["classic"],
            "solitaire-1.jpg",
            "Solitaire ring, front view",
        ),
        shopify_product(
            "halo-ring-rose-gold",
            "halo-ring",
            "Halo Ring",
            halo,
            Category::Rings,
            Metal::RoseGold,
            145_000,
            true,
            &["romantic", "vintage"],
            "halo-rose.jpg",
            "Halo ring in rose gold, side view",
        ),
        shopify_product(
            "halo-ring-white-gold",
            "halo-ring",
            "Halo Ring",
            halo,
            Category::Rings,
            Metal::WhiteGold,
            150_000,
            false,
            &["romantic", "vintage"],
            "halo-white.jpg",
            "Halo ring in white gold",
        ),
        shopify_product(
            "halo-ring-platinum",
            "halo-ring",
            "Halo Ring",
            halo,
            Category::Rings,
            Metal::Platinum,
            210_000,
            true,
            &["romantic", "vintage"],
            "halo-platinum.jpg",
            "Halo Ring in platinum",
        ),
        shopify_product(
            "pearl-drop-earrings",
            "pearl-drop-earrings",
            "Pearl Drop Earrings",
            "Freshwater pearls on sterling silver hooks.",
            Category::Earrings,
            Metal::Silver,
            8_900,
            true,
            &["minimalist"],
            "pearl.jpg",
            "Pearl Drop Earrings in silver",
        ),
        shopify_product(
            "art-deco-pendant",
            "art-deco-pendant",
            "Art Deco Pendant",
            "Geometric lines, 1920s spirit.",
            Category::Necklaces,
            Metal::WhiteGold,
            64_000,
            false,
            &["art-deco"],
            "deco.jpg",
            "Art deco pendant on a white gold chain",
        ),
        shopify_product(
            "gold-bangle",
            "gold-bangle",
            "18K Gold Bangle",
            "",
            Category::Bracelets,
            Metal::YellowGold,
            98_000,
            true,
            &["bold"],
            "bangle.jpg",
            "Polished gold bangle",
        ),
        shopify_product(
            "tennis-bracelet",
            "tennis-bracelet",
            "Diamond Tennis Bracelet",
            "Forty-two diamonds.",
            Category::Bracelets,
            Metal::Platinum,
            420_000,
            false,
            &["classic", "modern"],
            "tennis.jpg",
            "Diamond tennis bracelet",
        ),
        shopify_product(
            "signet-ring",
            "signet-ring",
            "Signet Ring",
            "Engrave it with your initials 'AB' & more.",
            Category::Rings,
            Metal::Silver,
            18_000,
            false,
            &["modern"],
            "signet.jpg",
            "Silver signet ring",
        ),
    ];
    let products = products_of("shopify-good.csv");
    for (got, want) in products.iter().zip(&expected) {
        assert_eq!(got, want);
    }
    assert_eq!(products.len(), expected.len());
}

#[test]
fn unpublished_shopify_handles_are_skipped_and_counted_not_reported() {
    let report = report_of("shopify-good.csv");
    assert_eq!(report.errors, []);
    assert!(report.is_ok());
    assert_eq!(report.products, 9);
    assert_eq!(report.skipped, 1);
    assert!(
        !products_of("shopify-good.csv")
            .iter()
            .any(|p| p.id.starts_with("draft"))
    );
}

#[test]
fn every_bad_shopify_row_is_reported_at_its_row_and_column() {
    let report = report_of("shopify-broken.csv");
    assert_eq!(
        located(&report),
        [
            (4, Some("Variant Price")),
            (5, Some("Variant Inventory Qty")),
            (6, Some("Type")),
            (7, Some("Handle")),
            (8, Some("Title")),
            (9, Some("Variant Price")),
            (10, Some("Option1 Value")),
            (11, Some("Tags")),
            (14, Some("Handle")),
            (15, Some("Variant Price")),
            (16, Some("Image Src")),
        ]
    );
    assert_eq!(report.products, 2, "fine-necklace and other-necklace");
    assert!(!report.is_ok());
}

#[test]
fn shopify_errors_say_what_is_wrong_with_the_value() {
    let report = report_of("shopify-broken.csv");
    let message = |row, column| error_at(&report, row, Some(column)).message.clone();
    assert_eq!(message(4, "Variant Price"), "`12,5x` is not a price");
    assert_eq!(
        message(5, "Variant Inventory Qty"),
        "`3.5` is not a whole number"
    );
    assert_eq!(message(6, "Type"), "unknown category `Watch`");
    assert!(message(7, "Handle").starts_with("`Bad Handle!` is not a valid handle"));
    assert_eq!(message(8, "Title"), "not valid UTF-8");
    assert_eq!(message(9, "Variant Price"), "`-10.00` is not a price");
    assert_eq!(message(10, "Option1 Value"), "unknown metal `Titanium`");
    assert!(message(11, "Tags").starts_with("no metal"));
    assert_eq!(
        message(14, "Handle"),
        "product id `fine-necklace` is already used at row 12"
    );
    assert_eq!(
        message(15, "Variant Price"),
        "`0.00` is not a price: it must be more than 0"
    );
    let rendered = report.render("shopify-broken.csv");
    assert!(
        rendered.starts_with(
            "shopify-broken.csv: row 4, column Variant Price: `12,5x` is not a price\n"
        ),
        "{rendered}"
    );
    assert_eq!(rendered.lines().count(), report.errors.len());
}

#[test]
fn a_missing_required_column_is_one_error_on_the_header_row() {
    let report = report_of("shopify-missing-column.csv");
    assert_eq!(located(&report), [(1, Some("Variant Price"))]);
    assert_eq!(report.errors[0].message, "missing column `Variant Price`");
    assert_eq!(report.products, 0);
}

#[test]
fn an_empty_file_is_reported_as_empty_in_either_format() {
    for name in ["empty.csv", "empty.jsonl"] {
        let report = report_of(name);
        assert_eq!(located(&report), [(1, None)], "{name}");
        assert_eq!(report.errors[0].message, "the file is empty", "{name}");
        assert_eq!(report.products, 0);
    }
}

#[test]
fn a_header_without_rows_has_no_products_to_import() {
    let report = report_of("shopify-header-only.csv");
    assert_eq!(located(&report), [(1, None)]);
    assert!(report.errors[0].message.starts_with("no products"));
}

#[test]
fn the_json_lines_format_reads_products_and_skips_blank_lines() {
    let products = products_of("catalog-good.jsonl");
    let ids: Vec<_> = products.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "aurora-rose-gold-solitaire-ring",
            "luna-pearl-necklace",
            "etoile-art-deco-earrings"
        ]
    );
    let earrings = &products[2];
    assert_eq!(earrings.title, "Étoile Art Deco Earrings");
    assert_eq!(earrings.category, Category::Earrings);
    assert_eq!(earrings.metal, Metal::Platinum);
    assert_eq!(earrings.price.minor(), 245_000);
    assert!(earrings.ready_to_ship);
    assert_eq!(earrings.styles, ["art-deco", "vintage"]);
    let report = report_of("catalog-good.jsonl");
    assert!(report.is_ok(), "{report:?}");
    assert_eq!(report.products, 3);
}

#[test]
fn every_bad_json_line_is_reported_with_its_field() {
    let report = report_of("catalog-broken.jsonl");
    assert_eq!(
        located(&report),
        [
            (2, Some("category")),
            (3, Some("price_cents")),
            (4, Some("colour")),
            (5, None),
            (7, None),
            (8, Some("id")),
            (9, Some("title")),
            (9, Some("styles")),
        ]
    );
    assert_eq!(report.products, 1);
    assert!(
        error_at(&report, 2, Some("category"))
            .message
            .starts_with("unknown category `tiaras`")
    );
    assert_eq!(
        error_at(&report, 3, Some("price_cents")).message,
        "`-500` is not a price: it must be more than 0"
    );
    assert_eq!(
        error_at(&report, 4, Some("colour")).message,
        "unknown field `colour`"
    );
    assert_eq!(error_at(&report, 5, None).message, "not valid UTF-8");
    assert_eq!(
        error_at(&report, 8, Some("id")).message,
        "product id `good-one` is already used at row 1"
    );
}

#[test]
fn reading_goes_on_past_bad_rows_so_one_pass_finds_them_all() {
    let results: Vec<_> = read_products(fixture("catalog-broken.jsonl"), Format::Json).collect();
    let good = results.iter().filter(|r| r.is_ok()).count();
    let bad = results.iter().filter(|r| r.is_err()).count();
    // The duplicate on line 8 is a product here: only `validate` knows the whole file.
    assert_eq!((good, bad), (2, 6));
}

#[test]
fn reading_the_same_file_twice_yields_the_same_ids_once_each() {
    let first: Vec<String> = products_of("shopify-good.csv")
        .into_iter()
        .map(|p| p.id)
        .collect();
    let second: Vec<String> = products_of("shopify-good.csv")
        .into_iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(first, second);
    let unique: std::collections::HashSet<_> = first.iter().collect();
    assert_eq!(unique.len(), first.len());
}

fn csv_report(text: &str) -> ValidationReport {
    validate(text.as_bytes(), Format::ShopifyCsv)
}

const SMALL_HEADER: &str =
    "Handle,Title,Type,Tags,Option1 Name,Option1 Value,Variant Price,Image Src,Image Alt Text\n";

#[test]
fn a_shopify_handle_in_capitals_is_lowercased_and_a_byte_order_mark_is_ignored() {
    let text = format!(
        "\u{FEFF}{SMALL_HEADER}Plain-Ring,Plain Ring,Ring,Gold,Title,Default Title,10,/p.jpg,\n"
    );
    let products: Vec<_> = read_products(text.as_bytes(), Format::ShopifyCsv)
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(products.len(), 1);
    assert_eq!(products[0].id, "plain-ring");
    assert_eq!(products[0].url, "/products/plain-ring");
    assert_eq!(products[0].price.minor(), 1_000);
}

#[test]
fn blank_rows_are_ignored_and_extra_fields_are_an_error() {
    let text = format!(
        "{SMALL_HEADER},,,,,,,,\nplain-ring,Plain Ring,Ring,Gold,Title,Default Title,10,/p.jpg,,surplus\n"
    );
    let report = csv_report(&text);
    assert_eq!(located(&report), [(3, None)]);
    assert!(report.errors[0].message.contains("10 fields"), "{report:?}");
}

#[test]
fn a_handle_without_any_variant_price_is_an_error() {
    let text = format!("{SMALL_HEADER}plain-ring,Plain Ring,Ring,Gold,,,,/p.jpg,\n");
    assert_eq!(located(&csv_report(&text)), [(2, Some("Variant Price"))]);
}

#[test]
fn at_most_a_thousand_errors_are_kept_and_the_rest_counted() {
    let mut text = SMALL_HEADER.to_string();
    for i in 0..1_500 {
        text.push_str(&format!(
            "ring-{i},Ring,Ring,Gold,Title,Default Title,abc,/p.jpg,\n"
        ));
    }
    let report = csv_report(&text);
    assert_eq!(report.errors.len(), MAX_REPORTED_ERRORS);
    assert_eq!(report.more_errors, 500);
    assert!(
        report
            .render("big.csv")
            .ends_with("big.csv: and 500 more errors\n")
    );
}

/// A reader that makes a large file up as it is read, and counts the bytes it handed out.
struct Generated<F: FnMut(u64) -> Option<String>> {
    next_line: F,
    index: u64,
    pending: Vec<u8>,
    at: usize,
    served: Arc<AtomicU64>,
}

impl<F: FnMut(u64) -> Option<String>> Generated<F> {
    fn new(next_line: F) -> (Self, Arc<AtomicU64>) {
        let served = Arc::new(AtomicU64::new(0));
        let reader = Generated {
            next_line,
            index: 0,
            pending: Vec::new(),
            at: 0,
            served: Arc::clone(&served),
        };
        (reader, served)
    }
}

impl<F: FnMut(u64) -> Option<String>> Read for Generated<F> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.at == self.pending.len() {
            let Some(line) = (self.next_line)(self.index) else {
                return Ok(0);
            };
            self.index += 1;
            self.pending = line.into_bytes();
            self.at = 0;
        }
        let n = buf.len().min(self.pending.len() - self.at);
        buf[..n].copy_from_slice(&self.pending[self.at..self.at + n]);
        self.at += n;
        self.served.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

const DATA_ROWS: u64 = 100_000;

/// A Shopify export of 50,000 rings, two sizes each: 100,000 data rows.
fn generated_shopify_export() -> (impl Read + Send, Arc<AtomicU64>) {
    Generated::new(|index| match index {
        0 => Some(
            "Handle,Title,Body (HTML),Type,Tags,Option1 Name,Option1 Value,\
             Variant Inventory Qty,Variant Price,Image Src,Image Alt Text\n"
                .to_string(),
        ),
        i if i <= DATA_ROWS => {
            let n = (i - 1) / 2;
            Some(if i % 2 == 1 {
                format!(
                    "ring-{n},Ring {n},<p>Ring number {n} &amp; friends</p>,Rings,\"Classic, Silver\",\
                     Size,6,{},120.00,/img/{n}.jpg,Ring {n}\n",
                    n % 3
                )
            } else {
                format!("ring-{n},,,,,,7,0,125.00,,\n")
            })
        }
        _ => None,
    })
}

#[test]
fn a_100000_row_export_streams_without_holding_the_file() {
    let (reader, served) = generated_shopify_export();
    let mut products = read_products(reader, Format::ShopifyCsv);
    let first = products.next().unwrap().unwrap();
    assert_eq!(first.id, "ring-0");
    let read_for_first = served.load(Ordering::Relaxed);
    let mut count = 1;
    for product in products {
        let product = product.unwrap();
        assert_eq!(product.price.minor(), 12_000);
        count += 1;
    }
    let total = served.load(Ordering::Relaxed);
    assert_eq!(count, DATA_ROWS / 2);
    assert!(total > 5_000_000, "the export is {total} bytes");
    assert!(
        read_for_first < 64 * 1024,
        "{read_for_first} bytes read before the first product"
    );
}

#[test]
fn validating_a_100000_row_export_counts_every_product() {
    let (reader, _) = generated_shopify_export();
    let report = validate(reader, Format::ShopifyCsv);
    assert_eq!(report.errors, []);
    assert_eq!(report.products, DATA_ROWS / 2);
}

#[test]
fn validating_100000_json_lines_counts_every_product() {
    let (reader, _) = Generated::new(|i| {
        (i < DATA_ROWS).then(|| {
            format!(
                "{{\"id\":\"p-{i}\",\"title\":\"P {i}\",\"description\":\"\",\"category\":\"rings\",\
                 \"metal\":\"silver\",\"price_cents\":{},\"ready_to_ship\":false,\"styles\":[],\
                 \"image_url\":\"/p.jpg\",\"image_alt\":\"P\",\"url\":\"/products/p-{i}\"}}\n",
                i + 1
            )
        })
    });
    let report = validate(reader, Format::Json);
    assert_eq!(report.errors, []);
    assert_eq!(report.products, DATA_ROWS);
}

/// The fenced block of `lang` in docs/catalog-import.md.
fn doc_example(lang: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/catalog-import.md");
    let doc = std::fs::read_to_string(path).unwrap();
    let start = doc.find(&format!("```{lang}\n")).unwrap() + lang.len() + 4;
    let end = start + doc[start..].find("```").unwrap();
    doc[start..end].to_string()
}

#[test]
fn the_documented_shopify_example_imports_as_the_docs_say() {
    let example = doc_example("csv");
    let products: Vec<_> = read_products(example.as_bytes(), Format::ShopifyCsv)
        .collect::<Result<_, _>>()
        .unwrap();
    let summary: Vec<_> = products
        .iter()
        .map(|p| {
            (
                p.id.as_str(),
                p.category,
                p.metal,
                p.price.minor(),
                p.ready_to_ship,
                p.image_alt.as_str(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "halo-ring-rose-gold",
                Category::Rings,
                Metal::RoseGold,
                145_000,
                true,
                "Halo ring in rose gold, side view"
            ),
            (
                "halo-ring-white-gold",
                Category::Rings,
                Metal::WhiteGold,
                150_000,
                false,
                "Halo ring in white gold"
            ),
            (
                "pearl-drop-earrings",
                Category::Earrings,
                Metal::Silver,
                8_900,
                true,
                "Pearl Drop Earrings in silver"
            ),
        ]
    );
    assert_eq!(
        products[0].description,
        "A halo of pavé diamonds & a cushion centre."
    );
    assert_eq!(products[0].styles, ["romantic", "vintage"]);
}

#[test]
fn the_documented_json_lines_example_is_valid() {
    let example = doc_example("json");
    let report = validate(example.as_bytes(), Format::Json);
    assert!(report.is_ok(), "{report:?}");
    assert_eq!(report.products, 2);
}
